//! Serving HTTP/1.1 connections within the bounds of [`crate::limits`]: at most
//! `max_connections` at once (one more is answered `503` and closed), a header timeout, a
//! maximum connection age, and a lingering close after an answer that leaves the request's
//! body unread, so that the client reads the answer instead of a connection reset.
//!
//! `axum::serve` has no header timeout nor connection bound, so connections are served here
//! with hyper's HTTP/1 connection directly.

use crate::{
	api::PeerAddr,
	limits::{Limits, CLOSE_GRACE, LINGER, MAX_REFUSING, RETRY_AFTER_SECS},
};
use axum::{body::Body, Router};
use hyper::{
	body::Incoming, header, server::conn::http1, service::Service as _, Request, Response,
};
use hyper_util::{
	rt::{TokioIo, TokioTimer},
	service::TowerToHyperService,
};
use std::{
	convert::Infallible,
	future::{poll_fn, Future},
	io,
	net::SocketAddr,
	pin::{pin, Pin},
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc, LazyLock,
	},
	time::Duration,
};
use tokio::{
	io::{AsyncReadExt, AsyncWriteExt},
	net::{TcpListener, TcpStream},
	sync::{watch, OwnedSemaphorePermit, Semaphore},
	time::Instant,
};

/// How long to pause accepting after an error that is not about one connection (out of file
/// descriptors, say), so that it does not become a hot loop.
const ACCEPT_ERROR_PAUSE: Duration = Duration::from_millis(100);
/// At most one warning in this time that connections are refused over the bound.
const BOUND_WARNING_INTERVAL: Duration = Duration::from_secs(10);

/// The answer to a connection over the bound.
static OVERLOADED: LazyLock<Vec<u8>> = LazyLock::new(|| {
	let body = format!(
		r#"{{"error":"the gateway is busy: too many connections at once; retry in {RETRY_AFTER_SECS} s","index":null}}"#
	);
	format!(
		"HTTP/1.1 503 Service Unavailable\r\ncontent-type: application/json\r\n\
		 retry-after: {RETRY_AFTER_SECS}\r\nconnection: close\r\ncontent-length: {}\r\n\r\n{body}",
		body.len()
	)
	.into_bytes()
});

/// Accepts connections on `listener` and serves `app` on each, within `limits`, for ever.
/// Each connection holds a permit of `connections` until it is closed; it finishes its
/// request and closes when `stop` turns true, and is dropped when `kill` does.
pub async fn accept(
	listener: TcpListener,
	app: Router,
	limits: Limits,
	connections: Arc<Semaphore>,
	stop: watch::Receiver<bool>,
	kill: watch::Receiver<bool>,
) {
	let mut builder = http1::Builder::new();
	builder.timer(TokioTimer::new()).header_read_timeout(limits.header_timeout);
	let refusing = Arc::new(Semaphore::new(MAX_REFUSING));
	let (mut refused, mut warned) = (0u64, None::<Instant>);
	loop {
		let (stream, peer) = match listener.accept().await {
			Ok(accepted) => accepted,
			Err(err) => {
				if !matches!(
					err.kind(),
					io::ErrorKind::ConnectionAborted
						| io::ErrorKind::ConnectionReset
						| io::ErrorKind::Interrupted
				) {
					tracing::warn!("cannot accept a connection: {err}");
					tokio::time::sleep(ACCEPT_ERROR_PAUSE).await;
				}
				continue;
			},
		};
		let Ok(permit) = connections.clone().try_acquire_owned() else {
			refused += 1;
			if warned.is_none_or(|at| at.elapsed() >= BOUND_WARNING_INTERVAL) {
				tracing::warn!(
					refused,
					"{} connections open: answering 503 to new ones",
					limits.max_connections
				);
				warned = Some(Instant::now());
			}
			if let Ok(slot) = refusing.clone().try_acquire_owned() {
				tokio::spawn(refuse(stream, slot));
			}
			continue;
		};
		let _ = stream.set_nodelay(true);
		tokio::spawn(serve(
			stream,
			peer,
			app.clone(),
			builder.clone(),
			limits.max_connection_age,
			(stop.clone(), kill.clone()),
			permit,
		));
	}
}

/// Answers `503` to a connection over the bound, and closes it.
async fn refuse(mut stream: TcpStream, _slot: OwnedSemaphorePermit) {
	let _ = tokio::time::timeout(LINGER, stream.write_all(&OVERLOADED)).await;
	lingering_close(stream).await;
}

/// Closes our side and reads (discarding) what the client still sends, for at most
/// [`LINGER`], so that our last answer is not lost to a connection reset.
async fn lingering_close(mut stream: TcpStream) {
	let _ = tokio::time::timeout(LINGER, async {
		stream.shutdown().await?;
		let mut buf = vec![0u8; 16 * 1024];
		while stream.read(&mut buf).await? != 0 {}
		Ok::<_, io::Error>(())
	})
	.await;
}

type ResponseFuture = Pin<Box<dyn Future<Output = Result<Response<Body>, Infallible>> + Send>>;

/// Serves one connection until it closes, it is older than `max_age` (then it finishes its
/// request, for at most [`CLOSE_GRACE`]), `stop` turns true (it finishes its request) or
/// `kill` does (dropped).
async fn serve(
	stream: TcpStream,
	peer: SocketAddr,
	app: Router,
	builder: http1::Builder,
	max_age: Duration,
	(mut stop, mut kill): (watch::Receiver<bool>, watch::Receiver<bool>),
	_permit: OwnedSemaphorePermit,
) {
	// Set when an answer closes the connection (its request's body may be unread).
	let linger = Arc::new(AtomicBool::new(false));
	let service = {
		let app = TowerToHyperService::new(app);
		let linger = linger.clone();
		hyper::service::service_fn(move |mut request: Request<Incoming>| -> ResponseFuture {
			request.extensions_mut().insert(PeerAddr(peer));
			let response = app.call(request);
			let linger = linger.clone();
			Box::pin(async move {
				let response = response.await?;
				let closes = response
					.headers()
					.get(header::CONNECTION)
					.is_some_and(|value| value.as_bytes().eq_ignore_ascii_case(b"close"));
				if closes {
					linger.store(true, Ordering::Relaxed);
				}
				Ok(response)
			})
		})
	};
	let mut conn = builder.serve_connection(TokioIo::new(stream), service);
	let mut stopped = pin!(async move {
		// Errs only when the sender is gone: stop then too.
		let _ = stop.wait_for(|stop| *stop).await;
	});
	let mut killed = pin!(async move {
		let _ = kill.wait_for(|kill| *kill).await;
	});
	let age = tokio::time::sleep(max_age);
	let mut age = pin!(age);
	let (mut stopping, mut aged) = (false, false);
	let result = loop {
		tokio::select! {
			result = poll_fn(|cx| conn.poll_without_shutdown(cx)) => break result,
			() = &mut stopped, if !stopping => {
				stopping = true;
				Pin::new(&mut conn).graceful_shutdown();
			},
			() = &mut age => {
				if aged {
					tracing::debug!(%peer, "connection still busy {CLOSE_GRACE:?} after its maximum age: dropped");
					return;
				}
				aged = true;
				Pin::new(&mut conn).graceful_shutdown();
				age.as_mut().reset(Instant::now() + CLOSE_GRACE);
			},
			() = &mut killed => return,
		}
	};
	match result {
		Ok(()) => {
			let stream = conn.into_parts().io.into_inner();
			// We close while the client may still be sending: a request body we did not
			// read, or its next request.
			if linger.load(Ordering::Relaxed) || stopping || aged {
				lingering_close(stream).await;
			} else {
				let mut stream = stream;
				let _ = stream.shutdown().await;
			}
		},
		// A header timeout, a malformed request, a reset: the connection is dropped.
		Err(err) => tracing::debug!(%peer, "connection closed: {err}"),
	}
}
