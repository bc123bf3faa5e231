//! A flood of bad requests from loopback (garbage, bad signatures, oversized bodies, slow
//! connections) while a relayer pages `GET /v1/readings` with the off-chain workers' 2 s
//! deadline and a meter keeps posting valid readings: every relayer request answers in time
//! and every accepted reading is served.

mod common;

use common::*;
use hyper::StatusCode;
use std::{
	collections::BTreeMap,
	sync::{
		atomic::{AtomicBool, Ordering},
		Arc,
	},
	time::{Duration, Instant},
};
use wattcoin_gateway::{
	api::MAX_JSON_BODY_BYTES,
	limits::{Limits, LINGER},
};
use wattcoin_primitives::reading::SignedReading;

/// How long the flood lasts.
const FLOOD: Duration = Duration::from_secs(8);
/// The off-chain workers' deadline for one request to the gateway.
const RELAYER_DEADLINE: Duration = Duration::from_secs(2);
const HEADER_TIMEOUT: Duration = Duration::from_secs(1);
const BODY_TIMEOUT: Duration = Duration::from_secs(1);
/// The greedy readers' address: another host than the relayer's, as far as the gateway sees.
const GREEDY_IP: std::net::IpAddr = std::net::IpAddr::V4(std::net::Ipv4Addr::new(127, 0, 0, 2));

/// A gateway with the default bounds, and short timeouts so that slow clients come and go
/// many times during the flood.
async fn gateway() -> (tempfile::TempDir, TestGateway) {
	let dir = tempfile::tempdir().unwrap();
	let limits =
		Limits { header_timeout: HEADER_TIMEOUT, body_timeout: BODY_TIMEOUT, ..Limits::default() };
	let db = dir.path().join("gw.sqlite");
	let gateway = TestGateway::start_with(&db, known_meters(dir.path()), None, limits).await;
	(dir, gateway)
}

/// What one flooding task saw.
#[derive(Default, Debug)]
struct Flooded {
	requests: usize,
	/// Answered 503: over a bound.
	busy: usize,
	/// Slow connections the gateway did not cut off in time.
	not_cut_off: usize,
	/// Answers that are not what a bad request deserves.
	unexpected: Vec<String>,
}

fn spawn_flood<F, Fut>(
	stop: &Arc<AtomicBool>,
	tasks: &mut Vec<tokio::task::JoinHandle<Flooded>>,
	count: usize,
	f: F,
) where
	F: Fn() -> Fut + Send + Sync + Clone + 'static,
	Fut: std::future::Future<Output = Result<(), String>> + Send,
{
	for _ in 0..count {
		let stop = stop.clone();
		let f = f.clone();
		tasks.push(tokio::spawn(async move {
			let mut flooded = Flooded::default();
			while !stop.load(Ordering::Relaxed) {
				flooded.requests += 1;
				match f().await {
					Ok(()) => {},
					Err(e) if e == "not cut off" => flooded.not_cut_off += 1,
					Err(e) if e == "busy" => flooded.busy += 1,
					Err(e) => flooded.unexpected.push(e),
				}
			}
			flooded
		}));
	}
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_flood_of_bad_posts_neither_starves_relayers_nor_loses_readings() {
	let (_dir, gw) = gateway().await;
	let addr = gw.addr;
	let stop = Arc::new(AtomicBool::new(false));
	let mut flood = Vec::new();

	// Garbage that is not JSON, and JSON that is not a reading.
	let http = Http::new(addr);
	spawn_flood(&stop, &mut flood, 3, move || {
		let http = http.clone();
		async move {
			for body in [&b"{ not json"[..], b"[1, 2, 3]", b"[{\"meter\": 1}]", b"\"x\""] {
				match http.try_post_raw("application/json", body.to_vec()).await {
					Ok(reply) if reply.status == StatusCode::BAD_REQUEST => {},
					// Over the bound on concurrent posts: refused at once, fine.
					Ok(reply) if reply.status == StatusCode::SERVICE_UNAVAILABLE => {
						return Err("busy".into())
					},
					Ok(reply) => return Err(format!("garbage answered {}", reply.status)),
					Err(e) => return Err(e),
				}
			}
			Ok(())
		}
	});

	// Batches of 200 well-formed ecdsa readings whose last signature is wrong: the gateway
	// verifies 199 signatures before it refuses each.
	let mut forged: Vec<SignedReading> =
		(1..=200).map(|seq| sign(reading(ECDSA_METER, seq))).collect();
	forged[199].reading.cumulative_wh += 1;
	let forged = serde_json::to_vec(&forged).unwrap();
	let http = Http::new(addr);
	spawn_flood(&stop, &mut flood, 3, move || {
		let (http, forged) = (http.clone(), forged.clone());
		async move {
			match http.try_post_raw("application/json", forged).await {
				Ok(reply) if reply.status == StatusCode::UNPROCESSABLE_ENTITY => Ok(()),
				Ok(reply) if reply.status == StatusCode::SERVICE_UNAVAILABLE => Err("busy".into()),
				Ok(reply) => Err(format!("forged batch answered {}", reply.status)),
				Err(e) => Err(e),
			}
		}
	});

	// Oversized bodies: announced (refused before they are sent) and sent whole.
	let limit = MAX_JSON_BODY_BYTES;
	let http = Http::new(addr);
	spawn_flood(&stop, &mut flood, 1, move || {
		let http = http.clone();
		async move {
			match http.try_post_raw("application/json", vec![b' '; limit + 1]).await {
				Ok(reply) if reply.status == StatusCode::PAYLOAD_TOO_LARGE => Ok(()),
				Ok(reply) if reply.status == StatusCode::SERVICE_UNAVAILABLE => Err("busy".into()),
				Ok(reply) => Err(format!("oversized body answered {}", reply.status)),
				// The gateway answers and closes before the body is all sent.
				Err(_) => Ok(()),
			}
		}
	});

	// Slow clients: headers a byte at a time, bodies a byte at a time, and readers that ask
	// for a big page and never read it. Each must be cut off by the timeouts.
	let slow_header = format!("X-Slow: {}\r\n", "a".repeat(10_000)).into_bytes();
	spawn_flood(&stop, &mut flood, 16, move || {
		let slow_header = slow_header.clone();
		async move {
			let raw = trickle(
				addr,
				b"GET /v1/readings HTTP/1.1\r\nHost: gateway\r\n",
				&slow_header,
				Duration::from_millis(100),
				HEADER_TIMEOUT * 3,
			)
			.await;
			match raw.closed_after {
				Some(_) => Ok(()),
				None => Err("not cut off".into()),
			}
		}
	});
	spawn_flood(&stop, &mut flood, 8, move || async move {
		let raw = trickle(
			addr,
			b"POST /v1/readings HTTP/1.1\r\nHost: gateway\r\nContent-Length: 100000\r\n\r\n",
			&[b' '; 10_000],
			Duration::from_millis(100),
			// Answered 408 after the body timeout, closed after a lingering close.
			BODY_TIMEOUT + LINGER + Duration::from_secs(2),
		)
		.await;
		match (raw.closed_after, raw.status()) {
			(None, _) => Err("not cut off".into()),
			(Some(_), Some(408)) => Ok(()),
			(Some(_), Some(503)) => Err("busy".into()),
			(Some(_), status) => Err(format!("slow body answered {status:?}")),
		}
	});
	spawn_flood(&stop, &mut flood, 4, move || async move {
		use tokio::io::AsyncWriteExt;
		let mut stream = tokio::net::TcpStream::connect(addr).await.map_err(|e| e.to_string())?;
		let request = b"GET /v1/readings?after=0&limit=1000 HTTP/1.1\r\nHost: gateway\r\n\r\n";
		stream.write_all(request).await.map_err(|e| e.to_string())?;
		tokio::time::sleep(HEADER_TIMEOUT * 2).await;
		Ok(())
	});

	// Readers that are no relayer: anonymous, and signing with a key the gateway does not know.
	// From the relayer's own address: they never take a read slot, so they cannot take the
	// relayer's.
	let anonymous = Http::new(addr);
	spawn_flood(&stop, &mut flood, 4, move || {
		let anonymous = anonymous.clone();
		async move {
			match anonymous.get_page("/v1/readings?after=0&limit=1000").await {
				Err(e) if e.starts_with("401") => Ok(()),
				Err(e) if e.starts_with("503") => Err("busy".into()),
				Ok(_) => Err("an anonymous reader was served the feed".into()),
				Err(e) => Err(format!("anonymous reader: {e}")),
			}
		}
	});
	let stranger =
		Http::new(addr).signing_as_relayer(sp_core::Pair::from_string("//Stranger", None).unwrap());
	spawn_flood(&stop, &mut flood, 4, move || {
		let stranger = stranger.clone();
		async move {
			match stranger.get_page("/v1/readings?after=0&limit=1000").await {
				Err(e) if e.starts_with("403") => Ok(()),
				Err(e) if e.starts_with("503") => Err("busy".into()),
				Ok(_) => Err("an unknown key was served the feed".into()),
				Err(e) => Err(format!("unknown relayer: {e}")),
			}
		}
	});

	// A meter posting valid readings, five at a time, resubmitting when told to retry.
	let meter = {
		let http = Http::new(addr);
		let stop = stop.clone();
		tokio::spawn(async move {
			let mut accepted: Vec<(u64, SignedReading)> = Vec::new();
			let mut busy = 0usize;
			let mut seq = 1;
			while !stop.load(Ordering::Relaxed) {
				let batch = ed_readings(seq..=seq + 4);
				let body = serde_json::to_vec(&batch).unwrap();
				match http.try_post_raw("application/json", body).await {
					Ok(reply) if reply.status == StatusCode::CREATED => {
						let cursors = reply.json()["cursors"].as_array().unwrap().clone();
						for (cursor, signed) in cursors.iter().zip(batch) {
							accepted.push((cursor.as_u64().unwrap(), signed));
						}
						seq += 5;
					},
					Ok(reply) if reply.status == StatusCode::SERVICE_UNAVAILABLE => {
						busy += 1;
						tokio::time::sleep(Duration::from_millis(100)).await;
					},
					Ok(reply) => panic!("valid batch answered {}: {:?}", reply.status, reply.body),
					Err(e) => panic!("valid batch: {e}"),
				}
			}
			(accepted, busy)
		})
	};

	// Greedy readers on another address (127.0.0.2): full pages from the start, as fast as
	// they can. Over their bound they are told to come back later.
	let greedy = Http::with_local_ip(addr, GREEDY_IP).signing_as_relayer(relayer_pair());
	spawn_flood(&stop, &mut flood, 12, move || {
		let greedy = greedy.clone();
		async move {
			match greedy.get_page("/v1/readings?after=0&limit=1000").await {
				Ok(_) => Ok(()),
				Err(e) if e.starts_with("503") => Err("busy".into()),
				Err(e) => Err(format!("greedy reader: {e}")),
			}
		}
	});

	// The relayer: pages with its 2 s deadline, one request after the other, until it has
	// seen everything once the meter stopped.
	let drain = Arc::new(AtomicBool::new(false));
	let relayer = {
		let http = Http::new(addr).signing_as_relayer(relayer_pair());
		let stop = drain.clone();
		tokio::spawn(async move {
			let mut served: BTreeMap<u64, SignedReading> = BTreeMap::new();
			let mut after = 0u64;
			let (mut answered, mut slowest) = (0usize, Duration::ZERO);
			let mut failures = Vec::new();
			let mut draining = false;
			loop {
				let path = format!("/v1/readings?after={after}&limit=100");
				let started = Instant::now();
				let reply = tokio::time::timeout(RELAYER_DEADLINE, http.get_page(&path)).await;
				slowest = slowest.max(started.elapsed());
				match reply {
					Ok(Ok(page)) => {
						answered += 1;
						let empty = page.is_empty();
						for (cursor, signed) in page {
							assert!(cursor > after, "cursor {cursor} after {after}");
							served.insert(cursor, signed);
							after = cursor;
						}
						if draining && empty {
							break;
						}
					},
					Ok(Err(e)) => failures.push(format!("after {answered} answers: {e}")),
					Err(_) => failures.push(format!("after {answered} answers: no answer in 2 s")),
				}
				if stop.load(Ordering::Relaxed) {
					draining = true;
				}
				// Relayers ask once a block; this one asks far more often.
				tokio::time::sleep(Duration::from_millis(20)).await;
			}
			(served, answered, slowest, failures)
		})
	};

	tokio::time::sleep(FLOOD).await;
	stop.store(true, Ordering::Relaxed);
	let (accepted, busy) = meter.await.unwrap();
	let mut flooded = Flooded::default();
	for task in flood {
		let one = task.await.unwrap();
		flooded.requests += one.requests;
		flooded.not_cut_off += one.not_cut_off;
		flooded.busy += one.busy;
		flooded.unexpected.extend(one.unexpected);
	}
	drain.store(true, Ordering::Relaxed);
	let (served, answered, slowest, failures) = relayer.await.unwrap();
	eprintln!(
		"flood: {} bad requests ({} answered 503); meter: {} readings accepted, {busy} busy \
		 answers; relayer: {answered} pages, slowest {slowest:?}, {} failures",
		flooded.requests,
		flooded.busy,
		accepted.len(),
		failures.len()
	);

	// Every relayer request answered within its deadline.
	assert!(failures.is_empty(), "relayer requests failed: {failures:?}");
	assert!(answered >= 50, "the relayer got only {answered} pages");
	// The meter got its readings in, and every accepted reading is served at its cursor.
	assert!(accepted.len() >= 100, "only {} readings accepted", accepted.len());
	for (cursor, signed) in &accepted {
		assert_eq!(served.get(cursor), Some(signed), "accepted reading at cursor {cursor}");
	}
	assert_eq!(served.len(), accepted.len(), "nothing else was stored");
	// The flood was refused as it deserves, and every slow client was cut off.
	assert!(flooded.unexpected.is_empty(), "{:?}", flooded.unexpected);
	assert_eq!(flooded.not_cut_off, 0, "slow clients not cut off");
	assert!(flooded.requests >= 200, "only {} bad requests", flooded.requests);
	gw.stop().await;
}
