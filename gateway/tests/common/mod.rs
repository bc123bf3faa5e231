//! Shared by the integration tests: an HTTP client, test meters and an in-process gateway.

#![allow(dead_code)]

use http_body_util::{BodyExt, Full};
use hyper::{body::Bytes, header, HeaderMap, Method, Request, StatusCode};
use hyper_util::{
	client::legacy::{connect::HttpConnector, Client},
	rt::TokioExecutor,
};
use sp_core::{
	crypto::{AccountId32, Ss58Codec},
	ecdsa, ed25519, sr25519, Pair, H256,
};
use std::{net::SocketAddr, path::Path, time::Duration};
use tokio::{sync::oneshot, task::JoinHandle};
use wattcoin_gateway::{
	ingest::now_ms, limits::Limits, meters::KnownMeters, simulator::SimulatorConfig, Config,
	Gateway,
};
use wattcoin_primitives::{
	feed_auth,
	gateway::SCALE_CONTENT_TYPE,
	reading::{dev, Reading, SignedReading},
	MeterId,
};

/// The genesis hash the test gateways check signatures against.
pub const GENESIS: H256 = H256([0x42; 32]);
/// 2026-01-01T00:00:00Z.
pub const T0: u64 = 1_767_225_600_000;
/// A meter with an ed25519 key (RFC 8032 TEST 1's), from the meters file.
pub const ED_METER: MeterId = 5000;
/// A meter with an ecdsa key, from the meters file.
pub const ECDSA_METER: MeterId = 5001;
/// Dev meter 0, sr25519.
pub const SR_METER: MeterId = 1000;

pub fn ed_pair() -> ed25519::Pair {
	ed25519::Pair::from_seed(&hex_literal(
		"9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
	))
}

pub fn ecdsa_pair() -> ecdsa::Pair {
	ecdsa::Pair::from_seed(&hex_literal(
		"4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318",
	))
}

fn hex_literal(digits: &str) -> [u8; 32] {
	hex::decode(digits).unwrap().try_into().unwrap()
}

/// The `--meters` file of the tests: the ed25519 and ecdsa meters.
pub fn meters_file_json() -> String {
	format!(
		r#"[
  {{ "meter": {ED_METER}, "scheme": "ed25519", "public": "0x{}" }},
  {{ "meter": {ECDSA_METER}, "scheme": "ecdsa", "public": "0x{}" }}
]"#,
		hex::encode(ed_pair().public()),
		hex::encode(ecdsa_pair().public()),
	)
}

/// Writes the meters file into `dir` and returns its path.
pub fn write_meters_file(dir: &Path) -> std::path::PathBuf {
	let path = dir.join("meters.json");
	std::fs::write(&path, meters_file_json()).unwrap();
	path
}

/// The tests' known meters: the meters file and dev meters 0 and 1.
pub fn known_meters(dir: &Path) -> KnownMeters {
	let mut meters = KnownMeters::new();
	meters.add_file(&write_meters_file(dir)).unwrap();
	meters.add_dev_meters(2).unwrap();
	meters
}

pub fn reading(meter: MeterId, seq: u64) -> Reading {
	Reading { meter, seq, at_ms: T0 + seq * 60_000, cumulative_wh: 1_000 + 7 * seq, flags: 0 }
}

/// `reading` signed by the right key for its meter (one of the three test meters).
pub fn sign(reading: Reading) -> SignedReading {
	match reading.meter {
		ED_METER => SignedReading::sign_ed25519(reading, GENESIS, &ed_pair()),
		ECDSA_METER => SignedReading::sign_ecdsa(reading, GENESIS, &ecdsa_pair()),
		SR_METER => SignedReading::sign_sr25519(reading, GENESIS, &dev::dev_meter_pair(0)),
		other => panic!("no test key for meter {other}"),
	}
}

/// ed25519 readings `seqs` of the ed25519 meter (fast to sign).
pub fn ed_readings(seqs: std::ops::RangeInclusive<u64>) -> Vec<SignedReading> {
	seqs.map(|seq| sign(reading(ED_METER, seq))).collect()
}

/// An HTTP answer.
pub struct Reply {
	pub status: StatusCode,
	pub headers: HeaderMap,
	pub body: Bytes,
}

impl Reply {
	pub fn json(&self) -> serde_json::Value {
		serde_json::from_slice(&self.body)
			.unwrap_or_else(|e| panic!("not JSON ({e}): {:?}", String::from_utf8_lossy(&self.body)))
	}

	pub fn content_type(&self) -> &str {
		self.headers.get(header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("")
	}

	/// Asserts an error answer: `status`, a JSON body with an error containing `contains`
	/// and `index`.
	pub fn assert_error(&self, status: StatusCode, contains: &str, index: Option<usize>) {
		let json = self.json();
		assert_eq!(self.status, status, "{json}");
		let error = json["error"].as_str().unwrap_or_else(|| panic!("no error in {json}"));
		assert!(error.contains(contains), "{error:?} does not contain {contains:?}");
		assert_eq!(json["index"], serde_json::json!(index), "{json}");
		assert_eq!(json.as_object().unwrap().len(), 2, "{json}");
	}
}

/// The relayer key the test gateways are given (`--relayer`).
pub fn relayer_pair() -> sr25519::Pair {
	sr25519::Pair::from_string("//Relayer", None).unwrap()
}

/// The `Authorization` of `pair` as a relayer of the test chain, now.
pub fn relayer_authorization(pair: &sr25519::Pair) -> String {
	let at = now_ms();
	let signature = pair.sign(&feed_auth::relayer_message(GENESIS, at));
	feed_auth::relayer_authorization(&pair.public().0, at, &signature.0)
}

/// The `Authorization` of `pair`'s account as the owner of `meter` of the test chain, now.
pub fn owner_authorization(pair: &sr25519::Pair, meter: MeterId) -> String {
	let at = now_ms();
	let signature = pair.sign(feed_auth::owner_message(GENESIS, meter, at).as_bytes());
	format!(
		"WattcoinOwner account={}, at={at}, signature=0x{}",
		AccountId32::from(pair.public().0).to_ss58check(),
		hex::encode(signature.0)
	)
}

/// A minimal HTTP/1 client for loopback.
#[derive(Clone)]
pub struct Http {
	client: Client<HttpConnector, Full<Bytes>>,
	base: String,
	/// Signs every request as this relayer.
	relayer: Option<sr25519::Pair>,
}

impl Http {
	/// An anonymous client.
	pub fn new(addr: SocketAddr) -> Self {
		Self {
			client: Client::builder(TokioExecutor::new()).build_http(),
			base: format!("http://{addr}"),
			relayer: None,
		}
	}

	/// The same client, signing every request as the relayer `pair`.
	pub fn signing_as_relayer(mut self, pair: sr25519::Pair) -> Self {
		self.relayer = Some(pair);
		self
	}

	/// A client whose connections come from `ip` (another loopback address, say), each request
	/// on a new connection.
	pub fn with_local_ip(addr: SocketAddr, ip: std::net::IpAddr) -> Self {
		let mut connector = HttpConnector::new();
		connector.set_local_address(Some(ip));
		Self {
			// A new connection for every request: a pooled keep-alive connection that the
			// gateway closes (idle past its header timeout, or at its maximum age) just as a
			// request goes out on it is reset, as HTTP/1.1 allows; these clients are floods,
			// not well-behaved readers that retry.
			client: Client::builder(TokioExecutor::new())
				.pool_max_idle_per_host(0)
				.build(connector),
			base: format!("http://{addr}"),
			relayer: None,
		}
	}

	pub async fn request(
		&self,
		method: Method,
		path: &str,
		headers: &[(&str, &str)],
		body: Vec<u8>,
	) -> Result<Reply, String> {
		let mut request = Request::builder().method(method).uri(format!("{}{path}", self.base));
		if let Some(pair) = &self.relayer {
			request = request.header("authorization", relayer_authorization(pair));
		}
		for (name, value) in headers {
			request = request.header(*name, *value);
		}
		let request = request.body(Full::new(Bytes::from(body))).map_err(|e| e.to_string())?;
		let exchange = async {
			let response = self.client.request(request).await.map_err(|e| format!("{e:?}"))?;
			let status = response.status();
			let headers = response.headers().clone();
			let body = response.into_body().collect().await.map_err(|e| e.to_string())?.to_bytes();
			Ok(Reply { status, headers, body })
		};
		tokio::time::timeout(Duration::from_secs(60), exchange)
			.await
			.map_err(|_| "no answer within 60 s".to_string())?
	}

	pub async fn get(&self, path: &str) -> Reply {
		self.request(Method::GET, path, &[], Vec::new()).await.unwrap()
	}

	pub async fn get_scale(&self, path: &str) -> Reply {
		self.request(Method::GET, path, &[("accept", SCALE_CONTENT_TYPE)], Vec::new())
			.await
			.unwrap()
	}

	pub async fn post_json(&self, body: &serde_json::Value) -> Reply {
		self.post_raw("application/json", body.to_string().into_bytes()).await
	}

	pub async fn post_raw(&self, content_type: &str, body: Vec<u8>) -> Reply {
		self.try_post_raw(content_type, body).await.unwrap()
	}

	pub async fn try_post_raw(&self, content_type: &str, body: Vec<u8>) -> Result<Reply, String> {
		self.request(Method::POST, "/v1/readings", &[("content-type", content_type)], body).await
	}

	/// One page of `GET path` (JSON): its readings with their cursors, or why not.
	pub async fn get_page(&self, path: &str) -> Result<Vec<(u64, SignedReading)>, String> {
		let reply = self.request(Method::GET, path, &[], Vec::new()).await?;
		if reply.status != StatusCode::OK {
			return Err(format!("{}: {}", reply.status, String::from_utf8_lossy(&reply.body)));
		}
		let json: serde_json::Value =
			serde_json::from_slice(&reply.body).map_err(|e| format!("not JSON: {e}"))?;
		let readings = json["readings"].as_array().ok_or("no readings")?;
		readings
			.iter()
			.map(|entry| {
				let mut entry = entry.as_object().ok_or("not an object")?.clone();
				let cursor = entry.remove("cursor").and_then(|c| c.as_u64()).ok_or("no cursor")?;
				let signed = serde_json::from_value(serde_json::Value::Object(entry))
					.map_err(|e| e.to_string())?;
				Ok((cursor, signed))
			})
			.collect()
	}

	/// Every stored reading, paging through `GET /v1/readings` (JSON), with its cursor.
	pub async fn all_readings(&self) -> Vec<(u64, SignedReading)> {
		let mut all = Vec::new();
		let mut after = 0;
		loop {
			let reply = self.get(&format!("/v1/readings?after={after}&limit=1000")).await;
			assert_eq!(reply.status, StatusCode::OK);
			let json = reply.json();
			let readings = json["readings"].as_array().unwrap();
			if readings.is_empty() {
				assert_eq!(json["next"], after);
				return all;
			}
			for entry in readings {
				let mut entry = entry.as_object().unwrap().clone();
				let cursor = entry.remove("cursor").unwrap().as_u64().unwrap();
				let signed: SignedReading =
					serde_json::from_value(serde_json::Value::Object(entry)).unwrap();
				all.push((cursor, signed));
			}
			after = json["next"].as_u64().unwrap();
		}
	}
}

/// A gateway running in this process on 127.0.0.1, port chosen by the system.
pub struct TestGateway {
	pub addr: SocketAddr,
	pub http: Http,
	stop: Option<oneshot::Sender<()>>,
	task: JoinHandle<anyhow::Result<()>>,
}

impl TestGateway {
	pub async fn start(db: &Path, meters: KnownMeters, simulator: Option<SimulatorConfig>) -> Self {
		Self::start_with(db, meters, simulator, Limits::default()).await
	}

	/// A gateway with other limits than the defaults.
	pub async fn start_with(
		db: &Path,
		meters: KnownMeters,
		simulator: Option<SimulatorConfig>,
		limits: Limits,
	) -> Self {
		let config = Config {
			listen: "127.0.0.1:0".parse().unwrap(),
			db: db.to_path_buf(),
			genesis: GENESIS,
			meters,
			simulator,
			limits,
			follow: None,
			relayers: vec![relayer_pair().public()],
			open_feed: false,
			web: None,
		};
		let gateway = Gateway::start(config).await.expect("the gateway starts");
		let addr = gateway.local_addr().unwrap();
		let (stop, stopped) = oneshot::channel::<()>();
		let task = tokio::spawn(gateway.run(async move {
			let _ = stopped.await;
		}));
		Self {
			addr,
			http: Http::new(addr).signing_as_relayer(relayer_pair()),
			stop: Some(stop),
			task,
		}
	}

	/// Stops the gateway gracefully and waits until it has closed its database.
	pub async fn stop(mut self) {
		if let Some(stop) = self.stop.take() {
			stop.send(()).unwrap();
		}
		tokio::time::timeout(Duration::from_secs(60), &mut self.task)
			.await
			.expect("the gateway stops within 60 s")
			.expect("the gateway task does not panic")
			.expect("the gateway stops without error");
	}
}

/// What a raw TCP client saw: the bytes the server sent, and when (since connecting) the
/// server closed the connection, if it did before the client gave up.
pub struct Raw {
	pub received: Vec<u8>,
	/// When the first bytes of an answer arrived.
	pub answered_after: Option<Duration>,
	pub closed_after: Option<Duration>,
}

impl Raw {
	/// The status line's code, if the server answered.
	pub fn status(&self) -> Option<u16> {
		let text = String::from_utf8_lossy(&self.received);
		text.strip_prefix("HTTP/1.1 ")?.get(..3)?.parse().ok()
	}

	/// A response header's value (case-insensitive name), if the server answered with it.
	pub fn header(&self, name: &str) -> Option<String> {
		let text = String::from_utf8_lossy(&self.received);
		let head = text.split("\r\n\r\n").next()?;
		head.lines().skip(1).find_map(|line| {
			let (key, value) = line.split_once(':')?;
			key.trim().eq_ignore_ascii_case(name).then(|| value.trim().to_string())
		})
	}
}

/// A raw TCP client: connects to `addr`, sends `head` at once, then `trickle` one byte every
/// `every`, reading whatever the server sends, until the server closes the connection or
/// `give_up` has passed since connecting.
pub async fn trickle(
	addr: SocketAddr,
	head: &[u8],
	trickle: &[u8],
	every: Duration,
	give_up: Duration,
) -> Raw {
	use tokio::io::{AsyncReadExt, AsyncWriteExt};
	let start = tokio::time::Instant::now();
	let mut stream = tokio::net::TcpStream::connect(addr).await.expect("connects");
	let mut received = Vec::new();
	let mut answered_after = None;
	let closed = |received, answered_after| Raw {
		received,
		answered_after,
		closed_after: Some(start.elapsed()),
	};
	if stream.write_all(head).await.is_err() {
		return closed(received, answered_after);
	}
	let mut sent = 0;
	let mut tick = tokio::time::interval(every);
	tick.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
	tick.tick().await;
	let mut buf = vec![0u8; 64 * 1024];
	let deadline = start + give_up;
	loop {
		tokio::select! {
			read = stream.read(&mut buf) => match read {
				Ok(0) | Err(_) => return closed(received, answered_after),
				Ok(n) => {
					answered_after.get_or_insert(start.elapsed());
					received.extend_from_slice(&buf[..n]);
				},
			},
			_ = tick.tick(), if sent < trickle.len() => {
				if stream.write_all(&trickle[sent..sent + 1]).await.is_err() {
					return closed(received, answered_after);
				}
				sent += 1;
			},
			() = tokio::time::sleep_until(deadline) => {
				return Raw { received, answered_after, closed_after: None };
			},
		}
	}
}
