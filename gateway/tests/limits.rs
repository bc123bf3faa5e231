//! The gateway on the open internet: slow clients are cut off, oversized bodies are refused
//! before they are read, and the bounds on connections and requests answer `503` at once.

mod common;

use common::*;
use hyper::StatusCode;
use std::time::Duration;
use wattcoin_gateway::{
	api::{MAX_JSON_BODY_BYTES, MAX_SCALE_BODY_BYTES},
	limits::{Limits, LINGER},
};
use wattcoin_primitives::gateway::SCALE_CONTENT_TYPE;

const HEADER_TIMEOUT: Duration = Duration::from_secs(1);
const BODY_TIMEOUT: Duration = Duration::from_secs(1);

async fn gateway(limits: Limits) -> (tempfile::TempDir, TestGateway) {
	let dir = tempfile::tempdir().unwrap();
	let db = dir.path().join("gw.sqlite");
	let gateway = TestGateway::start_with(&db, known_meters(dir.path()), None, limits).await;
	(dir, gateway)
}

fn post_head(content_type: &str, length: usize) -> Vec<u8> {
	format!(
		"POST /v1/readings HTTP/1.1\r\nHost: gateway\r\nContent-Type: {content_type}\r\n\
		 Content-Length: {length}\r\n\r\n"
	)
	.into_bytes()
}

fn text(raw: &Raw) -> String {
	String::from_utf8_lossy(&raw.received).into_owned()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_sent_byte_by_byte_are_cut_off() {
	let limits = Limits { header_timeout: HEADER_TIMEOUT, ..Limits::default() };
	let (_dir, gw) = gateway(limits).await;
	let slow = format!("X-Slow: {}\r\n", "a".repeat(200));
	let raw = trickle(
		gw.addr,
		b"GET /healthz HTTP/1.1\r\nHost: gateway\r\n",
		slow.as_bytes(),
		Duration::from_millis(50),
		Duration::from_secs(8),
	)
	.await;
	let closed = raw.closed_after.expect("a client sending its headers slowly is cut off");
	assert!(closed >= HEADER_TIMEOUT && closed < HEADER_TIMEOUT * 3, "{closed:?}");
	// A connection that sends nothing at all is cut off too, and so is one idle after a
	// request (keep-alive).
	let raw = trickle(gw.addr, b"", b"", Duration::from_secs(1), Duration::from_secs(8)).await;
	assert!(raw.closed_after.expect("an idle connection is cut off") < HEADER_TIMEOUT * 3);
	let raw = trickle(
		gw.addr,
		b"GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n",
		b"",
		Duration::from_secs(1),
		Duration::from_secs(8),
	)
	.await;
	assert_eq!(raw.status(), Some(200), "{}", text(&raw));
	let closed = raw.closed_after.expect("an idle keep-alive connection is cut off");
	assert!(closed >= HEADER_TIMEOUT && closed < HEADER_TIMEOUT * 3, "{closed:?}");
	// Meanwhile everyone else is served.
	assert_eq!(gw.http.get("/healthz").await.status, StatusCode::OK);
	gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_sent_byte_by_byte_is_408() {
	let limits = Limits { body_timeout: BODY_TIMEOUT, ..Limits::default() };
	let (_dir, gw) = gateway(limits).await;
	let body = vec![b' '; 1000];
	let raw = trickle(
		gw.addr,
		&post_head("application/json", body.len()),
		&body,
		Duration::from_millis(50),
		Duration::from_secs(10),
	)
	.await;
	assert_eq!(raw.status(), Some(408), "{}", text(&raw));
	assert_eq!(raw.header("connection").as_deref(), Some("close"));
	assert!(text(&raw).contains("the body did not arrive within 1 s of the headers"));
	let answered = raw.answered_after.unwrap();
	assert!(answered >= BODY_TIMEOUT && answered < BODY_TIMEOUT * 2, "{answered:?}");
	// Closed after a lingering close (the client still sends).
	let closed = raw.closed_after.expect("a client sending its body slowly is cut off");
	assert!(closed < BODY_TIMEOUT + LINGER + Duration::from_secs(1), "{closed:?}");
	assert!(gw.http.all_readings().await.is_empty());
	gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_announced_over_the_limit_is_413_before_it_is_sent() {
	let (_dir, gw) = gateway(Limits::default()).await;
	for (content_type, limit) in
		[("application/json", MAX_JSON_BODY_BYTES), (SCALE_CONTENT_TYPE, MAX_SCALE_BODY_BYTES)]
	{
		// The headers only: the body never comes.
		let raw = trickle(
			gw.addr,
			&post_head(content_type, limit + 1),
			b"",
			Duration::from_secs(1),
			Duration::from_secs(5),
		)
		.await;
		assert_eq!(raw.status(), Some(413), "{}", text(&raw));
		assert!(text(&raw).contains(&format!("body larger than {limit} bytes")), "{}", text(&raw));
		assert!(raw.closed_after.expect("closed") < Duration::from_secs(1));
	}
	gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_body_at_the_limit_is_parsed_and_one_byte_more_is_413_unparsed() {
	let (_dir, gw) = gateway(Limits::default()).await;
	let padded = |seq: u64, len: usize| {
		let mut body = serde_json::to_vec(&sign(reading(ED_METER, seq))).unwrap();
		body.resize(len, b' ');
		body
	};
	let reply = gw.http.post_raw("application/json", padded(1, MAX_JSON_BODY_BYTES)).await;
	assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json());
	// A valid reading one byte over: refused for its size, so never parsed nor stored.
	let reply = gw.http.post_raw("application/json", padded(2, MAX_JSON_BODY_BYTES + 1)).await;
	reply.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "body larger than", None);
	// The same without a Content-Length (chunked): refused once the limit is passed.
	let body = padded(2, MAX_JSON_BODY_BYTES + 1);
	let mut request = b"POST /v1/readings HTTP/1.1\r\nHost: gateway\r\n\
		Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
		.to_vec();
	request.extend(format!("{:x}\r\n", body.len()).into_bytes());
	request.extend(&body);
	request.extend(b"\r\n0\r\n\r\n");
	let raw =
		trickle(gw.addr, &request, b"", Duration::from_secs(1), Duration::from_secs(10)).await;
	assert_eq!(raw.status(), Some(413), "{}", text(&raw));
	let stored = gw.http.all_readings().await;
	assert_eq!(stored.iter().map(|(_, s)| s.reading.seq).collect::<Vec<_>>(), [1]);
	gw.stop().await;
}

/// Starts `count` POSTs whose bodies never finish; returns when the gateway holds them.
async fn hold_slow_posts(gw: &TestGateway, count: usize) -> Vec<tokio::task::JoinHandle<Raw>> {
	let mut held = Vec::new();
	for _ in 0..count {
		let addr = gw.addr;
		held.push(tokio::spawn(async move {
			trickle(
				addr,
				&post_head("application/json", 100_000),
				&[b' '; 1000],
				Duration::from_millis(200),
				Duration::from_secs(30),
			)
			.await
		}));
	}
	tokio::time::sleep(Duration::from_millis(500)).await;
	held
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn posts_over_the_bound_are_503_at_once_and_reads_still_answer() {
	let limits = Limits { max_uploads: 2, ..Limits::default() };
	let (_dir, gw) = gateway(limits).await;
	let held = hold_slow_posts(&gw, 2).await;
	let signed = serde_json::to_value(sign(reading(ED_METER, 1))).unwrap();
	let started = std::time::Instant::now();
	let reply = gw.http.post_json(&signed).await;
	reply.assert_error(StatusCode::SERVICE_UNAVAILABLE, "too many POSTs at once", None);
	assert!(started.elapsed() < Duration::from_secs(1));
	assert_eq!(reply.headers.get("retry-after").unwrap(), "1");
	// Reads have their own bound.
	let reply = gw.http.get("/v1/readings").await;
	assert_eq!(reply.status, StatusCode::OK);
	assert!(started.elapsed() < Duration::from_secs(2));
	// The slow posters go: their slots are free again.
	for task in held {
		task.abort();
	}
	tokio::time::sleep(Duration::from_millis(200)).await;
	assert_eq!(gw.http.post_json(&signed).await.status, StatusCode::CREATED);
	gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_over_the_bound_are_503_at_once() {
	let limits = Limits { max_connections: 4, ..Limits::default() };
	let (_dir, gw) = gateway(limits).await;
	let mut idle = Vec::new();
	for _ in 0..4 {
		idle.push(tokio::net::TcpStream::connect(gw.addr).await.unwrap());
	}
	tokio::time::sleep(Duration::from_millis(200)).await;
	let raw = trickle(
		gw.addr,
		b"GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n",
		b"",
		Duration::from_secs(1),
		Duration::from_secs(5),
	)
	.await;
	assert_eq!(raw.status(), Some(503), "{}", text(&raw));
	assert_eq!(raw.header("retry-after").as_deref(), Some("1"));
	assert!(text(&raw).contains(r#""error":"the gateway is busy: too many connections"#));
	assert!(raw.closed_after.expect("closed") < Duration::from_secs(1));
	// Once connections go, new ones are served.
	drop(idle);
	tokio::time::sleep(Duration::from_millis(200)).await;
	assert_eq!(gw.http.get("/healthz").await.status, StatusCode::OK);
	gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_connection_is_closed_after_its_maximum_age() {
	let age = Duration::from_secs(1);
	let limits = Limits { max_connection_age: age, ..Limits::default() };
	let (_dir, gw) = gateway(limits).await;
	// Requests on one keep-alive connection, a byte every 5 ms (one request per 200 ms).
	let request = b"GET /healthz HTTP/1.1\r\nHost: gateway\r\n\r\n".repeat(100);
	let raw =
		trickle(gw.addr, b"", &request, Duration::from_millis(5), Duration::from_secs(10)).await;
	let closed = raw.closed_after.expect("closed after its maximum age");
	assert!(closed >= age && closed < age + LINGER + Duration::from_secs(1), "{closed:?}");
	// Its requests were served until then, the last one included.
	let answers = text(&raw).matches("HTTP/1.1 200 OK").count();
	assert!(answers >= 3, "{answers} answers");
	assert!(text(&raw).ends_with('}'), "{}", text(&raw));
	gw.stop().await;
}
