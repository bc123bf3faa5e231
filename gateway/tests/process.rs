//! The real `wattcoin-gateway` binary: killed with SIGKILL it loses no acknowledged reading;
//! SIGTERM and SIGINT stop it cleanly; `--node-rpc` waits for the node.

mod common;

use common::*;
use hyper::StatusCode;
use sp_core::Pair;
use std::{
	io::{BufRead, BufReader},
	net::SocketAddr,
	path::Path,
	process::{Child, Command, ExitStatus, Stdio},
	sync::{Arc, Mutex},
	time::{Duration, Instant},
};
use wattcoin_primitives::reading::{dev, SignedReading};

/// A running gateway process and the lines it logged.
struct Process {
	child: Child,
	log: Arc<Mutex<Vec<String>>>,
	/// Reads the process's stderr into `log` until it closes.
	reader: Option<std::thread::JoinHandle<()>>,
	addr: SocketAddr,
}

impl Process {
	fn spawn(args: &[&str]) -> Self {
		let mut child = Command::new(env!("CARGO_BIN_EXE_wattcoin-gateway"))
			.args(args)
			.env("RUST_LOG", "info")
			.stdin(Stdio::null())
			.stdout(Stdio::null())
			.stderr(Stdio::piped())
			.spawn()
			.expect("the gateway binary starts");
		let stderr = child.stderr.take().unwrap();
		let log = Arc::new(Mutex::new(Vec::new()));
		let lines = log.clone();
		let reader = std::thread::spawn(move || {
			for line in BufReader::new(stderr).lines() {
				let Ok(line) = line else { break };
				eprintln!("[gateway {}] {line}", std::process::id());
				lines.lock().unwrap().push(line);
			}
		});
		let mut process =
			Self { child, log, reader: Some(reader), addr: "127.0.0.1:0".parse().unwrap() };
		let line = process.wait_for_log("listening on http://", Duration::from_secs(120));
		let rest =
			&line[line.find("listening on http://").unwrap() + "listening on http://".len()..];
		process.addr = rest.split_whitespace().next().unwrap().parse().unwrap();
		assert!(process.addr.ip().is_loopback());
		process
	}

	fn wait_for_log(&mut self, needle: &str, timeout: Duration) -> String {
		let start = Instant::now();
		loop {
			if let Some(line) = self.log.lock().unwrap().iter().find(|l| l.contains(needle)) {
				return line.clone();
			}
			if let Some(status) = self.child.try_wait().unwrap() {
				panic!("the gateway exited ({status}) before logging {needle:?}");
			}
			assert!(start.elapsed() < timeout, "no {needle:?} in the log after {timeout:?}");
			std::thread::sleep(Duration::from_millis(20));
		}
	}

	fn logged(&self, needle: &str) -> bool {
		self.log.lock().unwrap().iter().any(|l| l.contains(needle))
	}

	fn http(&self) -> Http {
		Http::new(self.addr).signing_as_relayer(relayer_pair())
	}

	fn signal(&self, signal: libc::c_int) {
		let pid = libc::pid_t::try_from(self.child.id()).unwrap();
		// SAFETY: sending a signal to our own child process, which has not been reaped yet
		// (we hold its `Child` and have not waited for it).
		assert_eq!(unsafe { libc::kill(pid, signal) }, 0);
	}

	fn wait(&mut self, timeout: Duration) -> ExitStatus {
		let start = Instant::now();
		loop {
			if let Some(status) = self.child.try_wait().unwrap() {
				// Its last lines: stderr closes when it exits.
				if let Some(reader) = self.reader.take() {
					reader.join().unwrap();
				}
				return status;
			}
			assert!(start.elapsed() < timeout, "the gateway did not exit within {timeout:?}");
			std::thread::sleep(Duration::from_millis(20));
		}
	}
}

impl Drop for Process {
	fn drop(&mut self) {
		if self.child.try_wait().ok().flatten().is_none() {
			let _ = self.child.kill();
			let _ = self.child.wait();
		}
	}
}

fn args<'a>(db: &'a str, meters: &'a str, extra: &[&'a str]) -> Vec<&'a str> {
	let relayer: &'static str =
		Box::leak(format!("0x{}", hex::encode(relayer_pair().public())).into_boxed_str());
	let mut args =
		vec!["--listen", "127.0.0.1:0", "--db", db, "--meters", meters, "--relayer", relayer];
	args.extend_from_slice(extra);
	args
}

const GENESIS_HEX: &str = "0x4242424242424242424242424242424242424242424242424242424242424242";

fn paths(dir: &Path) -> (String, String) {
	let db = dir.join("gw.sqlite").to_str().unwrap().to_string();
	let meters = write_meters_file(dir).to_str().unwrap().to_string();
	(db, meters)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigkill_loses_no_acknowledged_reading() {
	let dir = tempfile::tempdir().unwrap();
	let (db, meters) = paths(dir.path());
	let run_args = args(
		&db,
		&meters,
		&["--genesis-hash", GENESIS_HEX, "--simulate", "2", "--interval", "0.1"],
	);
	let mut first = Process::spawn(&run_args);
	let http = first.http();

	// Post batches of five readings one after the other until the process dies; remember
	// what was acknowledged.
	let acked: Arc<Mutex<Vec<(u64, SignedReading)>>> = Arc::default();
	let poster = {
		let acked = acked.clone();
		let http = http.clone();
		tokio::spawn(async move {
			let mut seq = 1;
			loop {
				let batch = ed_readings(seq..=seq + 4);
				let body = serde_json::to_vec(&batch).unwrap();
				match http.try_post_raw("application/json", body).await {
					Ok(reply) if reply.status == StatusCode::CREATED => {
						let cursors = reply.json()["cursors"].as_array().unwrap().clone();
						let mut acked = acked.lock().unwrap();
						for (cursor, signed) in cursors.iter().zip(batch) {
							acked.push((cursor.as_u64().unwrap(), signed));
						}
					},
					Ok(reply) => panic!("unexpected answer {}: {:?}", reply.status, reply.body),
					// The process was killed.
					Err(_) => return seq,
				}
				seq += 5;
			}
		})
	};
	// Let it work: POSTed batches and simulated rounds both commit.
	let start = Instant::now();
	while acked.lock().unwrap().len() < 200 || !first.logged("simulated round stored") {
		assert!(start.elapsed() < Duration::from_secs(120), "the gateway is too slow");
		tokio::time::sleep(Duration::from_millis(10)).await;
	}
	let served_before_kill = http.all_readings().await;
	// SIGKILL, while the poster is posting.
	first.signal(libc::SIGKILL);
	let status = first.wait(Duration::from_secs(10));
	assert_eq!(std::os::unix::process::ExitStatusExt::signal(&status), Some(libc::SIGKILL));
	let last_seq = poster.await.unwrap();
	let acked = acked.lock().unwrap().clone();
	assert!(acked.len() >= 200 && last_seq > 200);
	assert!(!first.logged("gateway stopped"), "SIGKILL leaves no time to stop");

	// Restart on the same database.
	let mut second = Process::spawn(&run_args);
	let http = second.http();
	let served = http.all_readings().await;
	let by_cursor: std::collections::BTreeMap<u64, SignedReading> =
		served.iter().cloned().collect();
	for (cursor, signed) in &acked {
		assert_eq!(by_cursor.get(cursor), Some(signed), "acknowledged reading at cursor {cursor}");
	}
	// Everything served before the kill is still there, at the same cursors.
	assert_eq!(served[..served_before_kill.len()], served_before_kill[..]);
	// The cursors are the same whatever was lost in flight: strictly increasing, no reuse.
	assert!(served.windows(2).all(|w| w[0].0 < w[1].0));

	// The simulator carries on after the restart without going back.
	let resumed_from = served.last().map_or(0, |(cursor, _)| *cursor);
	let start = Instant::now();
	let all = loop {
		let all = http.all_readings().await;
		let simulated_after = all
			.iter()
			.filter(|(cursor, s)| *cursor > resumed_from && s.reading.meter < 2000)
			.count();
		if simulated_after >= 6 {
			break all;
		}
		assert!(start.elapsed() < Duration::from_secs(60), "no simulated rounds after restart");
		tokio::time::sleep(Duration::from_millis(50)).await;
	};
	for meter in [dev::dev_meter_id(0), dev::dev_meter_id(1)] {
		let readings: Vec<_> =
			all.iter().map(|(_, s)| s.reading).filter(|r| r.meter == meter).collect();
		assert!(readings.len() >= 4, "meter {meter}");
		for w in readings.windows(2) {
			assert_eq!(w[1].seq, w[0].seq + 1, "meter {meter}: {w:?}");
			assert!(w[1].cumulative_wh >= w[0].cumulative_wh, "meter {meter}: {w:?}");
			assert!(w[1].at_ms >= w[0].at_ms, "meter {meter}: {w:?}");
		}
	}
	// The POSTing meter carries on too: what was in flight is either stored or not, and
	// can be resubmitted.
	let resubmit = ed_readings(last_seq..=last_seq + 4);
	let reply = http.post_json(&serde_json::to_value(&resubmit).unwrap()).await;
	assert!(reply.status == StatusCode::CREATED || reply.status == StatusCode::OK);
	assert_eq!(reply.json()["accepted"], 5);

	second.signal(libc::SIGTERM);
	assert!(second.wait(Duration::from_secs(60)).success());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_cleanly_and_keeps_everything() {
	let dir = tempfile::tempdir().unwrap();
	let (db, meters) = paths(dir.path());
	let run_args = args(&db, &meters, &["--genesis-hash", GENESIS_HEX]);
	let mut gateway = Process::spawn(&run_args);
	let http = gateway.http();
	let batch = vec![sign(reading(ED_METER, 1)), sign(reading(ECDSA_METER, 1))];
	let reply = http.post_json(&serde_json::to_value(&batch).unwrap()).await;
	assert_eq!(reply.status, StatusCode::CREATED);
	gateway.wait_for_log("batch accepted", Duration::from_secs(10));

	gateway.signal(libc::SIGTERM);
	let status = gateway.wait(Duration::from_secs(60));
	assert!(status.success(), "{status}");
	for line in ["SIGTERM received", "shutting down", "closed", "gateway stopped"] {
		assert!(gateway.logged(line), "no {line:?} in the log");
	}

	// A second gateway on the same database while one runs is refused.
	let mut again = Process::spawn(&run_args);
	let mut clash = Command::new(env!("CARGO_BIN_EXE_wattcoin-gateway"))
		.args(&run_args)
		.stdout(Stdio::null())
		.stderr(Stdio::piped())
		.spawn()
		.unwrap();
	let output = {
		let status = clash.wait().unwrap();
		let mut text = String::new();
		std::io::Read::read_to_string(&mut clash.stderr.take().unwrap(), &mut text).unwrap();
		(status, text)
	};
	assert!(!output.0.success());
	assert!(output.1.contains("in use by another gateway"), "{}", output.1);

	let served = again.http().all_readings().await;
	assert_eq!(served, vec![(1, batch[0].clone()), (2, batch[1].clone())]);
	again.signal(libc::SIGINT);
	assert!(again.wait(Duration::from_secs(60)).success());
	assert!(again.logged("SIGINT received"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn node_rpc_is_asked_for_the_genesis_hash_until_it_answers() {
	use jsonrpsee::{server::Server, types::ErrorObjectOwned, RpcModule};
	use std::sync::atomic::{AtomicUsize, Ordering};

	// A fake node (a JSON-RPC WebSocket server, as the node's): not ready twice, then the hash.
	let calls = Arc::new(AtomicUsize::new(0));
	let mut module = RpcModule::new(calls.clone());
	module
		.register_method("chain_getBlockHash", |_, calls, _| {
			if calls.fetch_add(1, Ordering::SeqCst) < 2 {
				Err(ErrorObjectOwned::owned(-32000, "not ready", None::<()>))
			} else {
				Ok(GENESIS_HEX.to_string())
			}
		})
		.unwrap();
	let listener = Server::builder().build("127.0.0.1:0").await.unwrap();
	let node = format!("http://{}", listener.local_addr().unwrap());
	let server = listener.start(module);

	let dir = tempfile::tempdir().unwrap();
	let (db, meters) = paths(dir.path());
	let mut gateway = Process::spawn(&args(&db, &meters, &["--node-rpc", &node]));
	assert!(gateway.logged("cannot get the genesis hash yet"));
	assert!(gateway.logged("retrying"));
	assert_eq!(calls.load(Ordering::SeqCst), 3);
	// The node's genesis hash is the one signatures are checked against.
	let health = gateway.http().get("/healthz").await.json();
	assert_eq!(health["genesis_hash"], GENESIS_HEX);
	let reply =
		gateway.http().post_json(&serde_json::to_value(sign(reading(ED_METER, 1))).unwrap()).await;
	assert_eq!(reply.status, StatusCode::CREATED);
	gateway.signal(libc::SIGINT);
	assert!(gateway.wait(Duration::from_secs(60)).success());
	server.stop().unwrap();
}

/// Runs the binary expecting it to exit by itself within `timeout`; its status and stderr.
fn run_to_exit(args: &[&str], timeout: Duration) -> (ExitStatus, String) {
	let mut child = Command::new(env!("CARGO_BIN_EXE_wattcoin-gateway"))
		.args(args)
		.env("RUST_LOG", "info")
		.stdin(Stdio::null())
		.stdout(Stdio::null())
		.stderr(Stdio::piped())
		.spawn()
		.expect("the gateway binary starts");
	let start = Instant::now();
	let status = loop {
		if let Some(status) = child.try_wait().unwrap() {
			break status;
		}
		if start.elapsed() > timeout {
			let _ = child.kill();
			let _ = child.wait();
			panic!("the gateway did not exit within {timeout:?}");
		}
		std::thread::sleep(Duration::from_millis(20));
	};
	let mut text = String::new();
	std::io::Read::read_to_string(&mut child.stderr.take().unwrap(), &mut text).unwrap();
	(status, text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_of_another_chain_is_refused() {
	let dir = tempfile::tempdir().unwrap();
	let (db, meters) = paths(dir.path());
	let mut gateway = Process::spawn(&args(&db, &meters, &["--genesis-hash", GENESIS_HEX]));
	let reply =
		gateway.http().post_json(&serde_json::to_value(sign(reading(ED_METER, 1))).unwrap()).await;
	assert_eq!(reply.status, StatusCode::CREATED);
	gateway.signal(libc::SIGTERM);
	assert!(gateway.wait(Duration::from_secs(60)).success());

	const OTHER: &str = "0x0101010101010101010101010101010101010101010101010101010101010101";
	let (status, stderr) =
		run_to_exit(&args(&db, &meters, &["--genesis-hash", OTHER]), Duration::from_secs(30));
	assert!(!status.success(), "{stderr}");
	for needle in [GENESIS_HEX, OTHER, "--db"] {
		assert!(stderr.contains(needle), "no {needle:?} in {stderr}");
	}
	// The database is untouched: the right chain still finds its reading.
	let mut gateway = Process::spawn(&args(&db, &meters, &["--genesis-hash", GENESIS_HEX]));
	assert_eq!(gateway.http().all_readings().await.len(), 1);
	gateway.signal(libc::SIGTERM);
	assert!(gateway.wait(Duration::from_secs(60)).success());
}
