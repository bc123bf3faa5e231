//! Tests of the off-chain worker against the mock runtime, a scripted gateway
//! (`TestOffchainExt` and its `PendingRequest`s, behind a network that can be slow, down or
//! answer any status) and a test transaction pool whose transactions are decoded, validated
//! and applied as a block would.

use super::*;
use crate::{mock::*, BatchOf, Call, Event};
use codec::{Decode, Encode};
use frame_support::{
	assert_ok,
	dispatch::{GetDispatchInfo, PostDispatchInfo},
	pallet_prelude::{InvalidTransaction, TransactionSource},
	traits::{Authorize, Hooks},
	BoundedVec,
};
use frame_system::RawOrigin;
use sp_core::offchain::{
	testing::{PendingRequest, TestOffchainExt, TestTransactionPoolExt},
	Externalities, HttpRequestStatus, OffchainDbExt, OffchainStorage, OffchainWorkerExt,
	OpaqueNetworkState, TransactionPool, TransactionPoolExt,
};
use sp_core::{offchain::Timestamp, sr25519, testing::SR25519, OpaquePeerId, H256};
use sp_io::crypto::sr25519_verify;
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::{
	generic::Preamble,
	traits::{Applyable, Checkable, ExtensionVariant},
};
use std::{
	collections::{BTreeMap, VecDeque},
	sync::{Arc, Mutex},
};
use wattcoin_primitives::{
	reading::{flags, Reading},
	MeterId,
};

/// `(key, at, signature)` of a `WattcoinRelayer key=0x.., at=N, signature=0x..` header.
fn parse_relayer_authorization(header: &str) -> (sr25519::Public, u64, sr25519::Signature) {
	let params = header.strip_prefix("WattcoinRelayer ").expect("the relayer scheme");
	let mut fields = params.split(", ").map(|param| param.split_once('=').expect("key=value"));
	let mut next = |name: &str| {
		let (key, value) = fields.next().expect("three parameters");
		assert_eq!(key, name);
		value.to_string()
	};
	let hex = |value: String| hex::decode(value.strip_prefix("0x").expect("0x hex")).unwrap();
	let key = sr25519::Public::try_from(&hex(next("key"))[..]).unwrap();
	let at_ms = next("at").parse().unwrap();
	let signature = sr25519::Signature::try_from(&hex(next("signature"))[..]).unwrap();
	(key, at_ms, signature)
}

/// The gateway's base URL in most tests.
const URL: &str = "http://127.0.0.1:8080";
/// The off-chain worker's clock when a test starts (ms since the epoch).
const START_MS: u64 = NOW + 3_600_000;

const M1: MeterId = 1_000;
const M2: MeterId = 1_001;
/// A meter that is never registered.
const UNKNOWN: MeterId = 4_242;

/// How the network behaves for one request.
#[derive(Clone, Copy, Debug)]
enum Net {
	/// The gateway answers `status` after `delay_ms`; the body and headers are those of the
	/// expected `PendingRequest`.
	Answer { status: u16, delay_ms: u64 },
	/// The gateway answers 200 and its headers at once, then takes `delay_ms` before sending
	/// the body.
	SlowBody { delay_ms: u64 },
	/// Nothing listens: the connection is refused.
	Down,
}

#[derive(Default)]
struct Network {
	/// How the next requests go, in order.
	script: VecDeque<Net>,
	/// How the requests started so far go, by request id.
	started: BTreeMap<u16, Net>,
	/// The URIs of every request started, in order.
	uris: Vec<String>,
	/// The requests whose body has started to come.
	body_started: Vec<u16>,
	/// The `Authorization` headers of the requests started, not yet checked.
	authorizations: Vec<String>,
}

/// `TestOffchainExt` behind a scripted network: statuses, delays (against the request's
/// deadline, on the test clock) and refused connections.
#[derive(Clone)]
struct ScriptedOffchain {
	inner: TestOffchainExt,
	network: Arc<Mutex<Network>>,
}

impl Externalities for ScriptedOffchain {
	fn is_validator(&self) -> bool {
		self.inner.is_validator()
	}

	fn network_state(&self) -> Result<OpaqueNetworkState, ()> {
		self.inner.network_state()
	}

	fn timestamp(&mut self) -> Timestamp {
		self.inner.timestamp()
	}

	fn sleep_until(&mut self, deadline: Timestamp) {
		self.inner.sleep_until(deadline)
	}

	fn random_seed(&mut self) -> [u8; 32] {
		self.inner.random_seed()
	}

	fn http_request_start(
		&mut self,
		method: &str,
		uri: &str,
		meta: &[u8],
	) -> Result<HttpRequestId, ()> {
		let id = self.inner.http_request_start(method, uri, meta)?;
		let mut network = self.network.lock().unwrap();
		let net = network
			.script
			.pop_front()
			.unwrap_or_else(|| panic!("unexpected request {method} {uri}"));
		network.started.insert(id.0, net);
		network.uris.push(uri.into());
		Ok(id)
	}

	fn http_request_add_header(
		&mut self,
		request_id: HttpRequestId,
		name: &str,
		value: &str,
	) -> Result<(), ()> {
		// The relayer's signature changes with every run (sr25519 signs with fresh randomness),
		// so it is kept apart and checked after the run rather than expected verbatim.
		if name == "Authorization" {
			self.network.lock().unwrap().authorizations.push(value.into());
			return Ok(());
		}
		self.inner.http_request_add_header(request_id, name, value)
	}

	fn http_request_write_body(
		&mut self,
		request_id: HttpRequestId,
		chunk: &[u8],
		deadline: Option<Timestamp>,
	) -> Result<(), HttpError> {
		self.inner.http_request_write_body(request_id, chunk, deadline)
	}

	fn http_response_wait(
		&mut self,
		ids: &[HttpRequestId],
		deadline: Option<Timestamp>,
	) -> Vec<HttpRequestStatus> {
		let started = self.network.lock().unwrap().started.clone();
		ids.iter()
			.map(|id| match started.get(&id.0) {
				None => HttpRequestStatus::Invalid,
				Some(Net::Down) => HttpRequestStatus::IoError,
				Some(Net::SlowBody { .. }) => HttpRequestStatus::Finished(200),
				Some(Net::Answer { status, delay_ms }) => {
					let answered = self.inner.timestamp().add(Duration::from_millis(*delay_ms));
					match deadline {
						Some(deadline) if answered > deadline => {
							self.inner.sleep_until(deadline);
							HttpRequestStatus::DeadlineReached
						},
						_ => {
							self.inner.sleep_until(answered);
							HttpRequestStatus::Finished(*status)
						},
					}
				},
			})
			.collect()
	}

	fn http_response_headers(&mut self, request_id: HttpRequestId) -> Vec<(Vec<u8>, Vec<u8>)> {
		self.inner.http_response_headers(request_id)
	}

	fn http_response_read_body(
		&mut self,
		request_id: HttpRequestId,
		buffer: &mut [u8],
		deadline: Option<Timestamp>,
	) -> Result<usize, HttpError> {
		let delay_ms = {
			let mut network = self.network.lock().unwrap();
			let first_read = !network.body_started.contains(&request_id.0);
			network.body_started.push(request_id.0);
			match network.started.get(&request_id.0) {
				Some(Net::SlowBody { delay_ms }) if first_read => *delay_ms,
				_ => 0,
			}
		};
		let arrives = self.inner.timestamp().add(Duration::from_millis(delay_ms));
		match deadline {
			Some(deadline) if arrives > deadline => {
				self.inner.sleep_until(deadline);
				return Err(HttpError::DeadlineReached);
			},
			_ => self.inner.sleep_until(arrives),
		}
		self.inner.http_response_read_body(request_id, buffer, deadline)
	}

	fn set_authorized_nodes(&mut self, nodes: Vec<OpaquePeerId>, authorized_only: bool) {
		self.inner.set_authorized_nodes(nodes, authorized_only)
	}
}

/// A transaction pool that refuses everything.
struct RefusingPool;

impl TransactionPool for RefusingPool {
	fn submit_transaction(&mut self, _: Vec<u8>) -> Result<(), ()> {
		Err(())
	}
}

/// The mock runtime with off-chain worker, off-chain database and transaction pool
/// extensions, and the gateway at [`URL`] configured.
struct Relay {
	ext: sp_io::TestExternalities,
	offchain: TestOffchainExt,
	network: Arc<Mutex<Network>>,
	/// The transactions the pool received so far.
	pool: Box<dyn Fn() -> Vec<Vec<u8>>>,
	/// How many of them the test has looked at.
	seen: usize,
	/// The transactions looked at and not yet put in a block.
	unincluded: Vec<Extrinsic>,
	/// The relayer key in the node's keystore.
	relayer: sr25519::Public,
}

impl Relay {
	fn new(builder: ExtBuilder) -> Self {
		let (pool, pool_state) = TestTransactionPoolExt::new();
		Self::with_pool(builder, pool, Box::new(move || pool_state.read().transactions.clone()))
	}

	fn with_pool(
		builder: ExtBuilder,
		pool: impl TransactionPool + Send + 'static,
		transactions: Box<dyn Fn() -> Vec<Vec<u8>>>,
	) -> Self {
		let mut ext = builder.build();
		let (offchain, _) = TestOffchainExt::new();
		let network = Arc::new(Mutex::new(Network::default()));
		ext.register_extension(OffchainWorkerExt::new(ScriptedOffchain {
			inner: offchain.clone(),
			network: network.clone(),
		}));
		ext.register_extension(OffchainDbExt::new(offchain.clone()));
		ext.register_extension(TransactionPoolExt::new(pool));
		offchain.0.write().timestamp = Timestamp::from_unix_millis(START_MS);
		let relayer = ext.execute_with(|| sp_io::crypto::sr25519_generate(SR25519, None));
		let relay = Self {
			ext,
			offchain,
			network,
			pool: transactions,
			seen: 0,
			unincluded: Vec::new(),
			relayer,
		};
		relay.set_gateway(URL.as_bytes());
		relay
	}

	fn set_gateway(&self, raw: &[u8]) {
		self.set_persistent(GATEWAY_URL_STORAGE_KEY, raw);
	}

	fn set_persistent(&self, key: &[u8], value: &[u8]) {
		self.offchain.0.write().persistent_storage.set(b"", key, value);
	}

	fn remove_persistent(&self, key: &[u8]) {
		self.offchain.0.write().persistent_storage.remove(b"", key);
	}

	fn persistent(&self, key: &[u8]) -> Option<Vec<u8>> {
		self.offchain.0.read().persistent_storage.get(key)
	}

	/// The confirmed cursor stored for the gateway at `url`.
	fn cursor_of(&self, url: &str) -> Option<Cursor> {
		self.persistent(&cursor_key(url))
			.map(|raw| Cursor::decode(&mut &raw[..]).expect("cursors are SCALE u64"))
	}

	fn cursor(&self) -> Option<Cursor> {
		self.cursor_of(URL)
	}

	fn set_cursor(&self, cursor: Cursor) {
		self.set_persistent(&cursor_key(URL), &cursor.encode());
	}

	fn now(&self) -> u64 {
		self.offchain.0.read().timestamp.unix_millis()
	}

	fn advance_clock(&self, ms: u64) {
		let mut state = self.offchain.0.write();
		state.timestamp = state.timestamp.add(Duration::from_millis(ms));
	}

	/// The gateway at `base` will answer the next request, for the page after `after`, with
	/// `status`, `body` and `content_type` after `delay_ms`.
	fn answer_from(
		&self,
		base: &str,
		after: Cursor,
		status: u16,
		delay_ms: u64,
		body: Vec<u8>,
		content_type: Option<&str>,
	) {
		self.offchain.0.write().expect_request(PendingRequest {
			method: "GET".into(),
			uri: format!("{base}/v1/readings?after={after}&limit={MAX_BATCH}"),
			headers: vec![("Accept".into(), "application/scale".into())],
			sent: true,
			response: Some(body),
			response_headers: content_type
				.map(|value| vec![("content-type".into(), value.into())])
				.unwrap_or_default(),
			..Default::default()
		});
		self.network.lock().unwrap().script.push_back(Net::Answer { status, delay_ms });
	}

	fn answer(&self, after: Cursor, status: u16, delay_ms: u64, body: Vec<u8>) {
		self.answer_from(URL, after, status, delay_ms, body, Some(SCALE_CONTENT_TYPE));
	}

	/// The gateway will serve `page` for the next request, after `after`.
	fn serve(&self, after: Cursor, page: &ReadingsPage) {
		self.answer(after, 200, 0, page.encode());
	}

	/// The gateway will answer the next request, after `after`, with `page`, its body coming
	/// `delay_ms` after its headers.
	fn serve_slowly(&self, after: Cursor, page: &ReadingsPage, delay_ms: u64) {
		self.answer(after, 200, 0, page.encode());
		let mut network = self.network.lock().unwrap();
		network.script.pop_back();
		network.script.push_back(Net::SlowBody { delay_ms });
	}

	/// The next request's connection will be refused.
	fn down(&self) {
		self.network.lock().unwrap().script.push_back(Net::Down);
	}

	/// The URIs requested so far.
	fn requested(&self) -> Vec<String> {
		self.network.lock().unwrap().uris.clone()
	}

	fn execute<R>(&mut self, f: impl FnOnce() -> R) -> R {
		self.ext.execute_with(f)
	}

	/// Runs the worker for block `block`; checks that every scripted request was made and that
	/// the lock is released.
	fn run(&mut self, block: u64) -> RunOutcome {
		let outcome = self.execute(|| {
			System::set_block_number(block);
			run::<Test>(block)
		});
		self.check_after_run();
		self.check_authorizations();
		outcome
	}

	/// Checks that every request started had the `Authorization` of this node's relayer key:
	/// its signature over the relayer message of this chain at a time of the run.
	fn check_authorizations(&self) {
		let (started, authorizations) = {
			let mut network = self.network.lock().unwrap();
			(network.uris.len(), core::mem::take(&mut network.authorizations))
		};
		let now = self.now();
		for header in &authorizations {
			let (key, at_ms, signature) = parse_relayer_authorization(header);
			assert_eq!(key, self.relayer, "signed by the keystore's relayer key: {header}");
			assert!(at_ms <= now && now - at_ms < 60_000, "at {at_ms}, run at {now}: {header}");
			let message = relayer_message(GENESIS, at_ms);
			assert!(sr25519_verify(&signature, &message, &key), "a valid signature: {header}");
		}
		// Each request of the run carried one (uris counts every request of the test).
		assert!(authorizations.len() <= started);
	}

	/// [`Self::run`], expecting a run that went to the gateway.
	fn run_report(&mut self, block: u64) -> RunReport {
		match self.run(block) {
			RunOutcome::Ran(report) => report,
			other => panic!("the run did not go to the gateway: {other:?}"),
		}
	}

	fn check_after_run(&self) {
		let network = self.network.lock().unwrap();
		assert!(network.script.is_empty(), "requests not made: {:?}", network.script);
		assert_eq!(self.persistent(LOCK_KEY), None, "the lock is released");
	}

	/// The transactions the pool received since the last look, decoded; kept to be put in a
	/// block by [`Self::include_submitted`].
	fn new_transactions(&mut self) -> Vec<Extrinsic> {
		let transactions = (self.pool)();
		let new: Vec<Extrinsic> = transactions[self.seen..]
			.iter()
			.map(|raw| Extrinsic::decode(&mut &raw[..]).expect("the worker submits extrinsics"))
			.collect();
		self.seen = transactions.len();
		self.unincluded.extend(new.iter().cloned());
		new
	}

	/// The batches of the transactions submitted since the last look, checking that each is a
	/// general transaction calling `ingest_readings`.
	fn submitted(&mut self) -> Vec<Vec<SignedReading>> {
		self.new_transactions()
			.into_iter()
			.map(|xt| {
				assert!(
					matches!(xt.preamble, Preamble::General(ExtensionVariant::V0(_))),
					"a general transaction, not {:?}",
					xt.preamble
				);
				match xt.function {
					RuntimeCall::PalletMeters(Call::ingest_readings { batch }) => {
						batch.into_inner()
					},
					other => panic!("unexpected call {other:?}"),
				}
			})
			.collect()
	}

	/// Puts the submitted transactions in a block: checks, validates and applies each, as the
	/// pool and the block builder do.
	fn include_submitted(&mut self) {
		self.new_transactions();
		let transactions = core::mem::take(&mut self.unincluded);
		assert!(!transactions.is_empty(), "nothing to include");
		self.execute(|| {
			for xt in transactions {
				apply(xt);
			}
		});
	}

	/// Puts `transactions` in a block, as [`Self::include_submitted`] does.
	fn include_submitted_from(&mut self, transactions: Vec<Extrinsic>) {
		self.execute(|| {
			for xt in transactions {
				apply(xt);
			}
		});
	}

	/// Loses the submitted transactions (they never make it into a block).
	fn lose_submitted(&mut self) {
		self.new_transactions();
		self.unincluded.clear();
	}
}

/// Validates `xt` as the pool does and applies it as the block builder does.
fn apply(xt: Extrinsic) -> PostDispatchInfo {
	let info = xt.function.get_dispatch_info();
	let len = xt.encoded_size();
	let checked = xt.check(&frame_system::ChainContext::<Test>::default()).expect("checkable");
	checked
		.validate::<Test>(TransactionSource::Local, &info, len)
		.expect("the pool takes the worker's transaction");
	checked
		.apply::<Test>(&info, len)
		.expect("the transaction is valid")
		.expect("ingestion never fails")
}

/// Two registered meters: M1 (sr25519) and M2 (ed25519), operated by ALICE.
fn meters() -> (ExtBuilder, Device, Device) {
	let d1 = Device::sr25519(1);
	let d2 = Device::ed25519(2);
	(ExtBuilder::default().operator(ALICE).meter(M1, &d1, ALICE).meter(M2, &d2, ALICE), d1, d2)
}

/// Reading `seq` of `meter`, taken `seq` seconds after a point in the chain's past.
fn reading(meter: MeterId, seq: u64, cumulative_wh: u64) -> Reading {
	Reading { meter, seq, at_ms: NOW - 100_000 + seq * 1_000, cumulative_wh, flags: 0 }
}

/// A page of `readings` with the cursors `first`, `first + 1`, ...
fn page(first: Cursor, readings: &[SignedReading]) -> ReadingsPage {
	let readings: Vec<(Cursor, SignedReading)> = (first..).zip(readings.iter().cloned()).collect();
	let next = readings.last().map_or(first.saturating_sub(1), |(cursor, _)| *cursor);
	ReadingsPage { readings, next }
}

fn empty_page(next: Cursor) -> ReadingsPage {
	ReadingsPage { readings: Vec::new(), next }
}

/// Ingests `readings` on chain.
fn put_on_chain(readings: Vec<SignedReading>) {
	PalletMeters::ingest_readings(
		RawOrigin::Authorized.into(),
		BoundedVec::try_from(readings).expect("fits MaxBatch"),
	)
	.expect("ingestion never fails");
}

/// The `(meter, seq)` of `readings`.
fn ids(readings: &[SignedReading]) -> Vec<(MeterId, u64)> {
	readings.iter().map(|signed| (signed.reading.meter, signed.reading.seq)).collect()
}

fn last_seq(meter: MeterId) -> u64 {
	crate::Meters::<Test>::get(meter).expect("registered").last_seq
}

#[test]
fn a_good_page_is_submitted_as_one_authorized_transaction() {
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder);
	let readings = vec![
		d1.sign(reading(M1, 1, 100)),
		d2.sign(reading(M2, 1, 500)),
		d1.sign(reading(M1, 2, 130)),
	];
	relay.serve(0, &page(1, &readings));

	let report = relay.run_report(1);
	assert_eq!(
		report,
		RunReport {
			pages: 1,
			fetched: 3,
			new: 3,
			submitted: 3,
			batches: 1,
			cursor_before: 0,
			cursor_after: 0,
			..Default::default()
		}
	);
	assert_eq!(relay.requested(), vec![format!("{URL}/v1/readings?after=0&limit=16")]);
	// Exactly the page's readings, in the gateway's order, in one transaction.
	assert_eq!(relay.submitted(), vec![readings]);
	// Submitted, not yet on chain: the confirmed cursor has not moved.
	assert_eq!(relay.cursor(), None);

	relay.include_submitted();
	relay.execute(|| {
		assert_eq!((last_seq(M1), last_seq(M2)), (2, 1));
		assert_eq!(
			consumed(),
			vec![wattcoin_primitives::traits::Consumption {
				meter: M1,
				from_ms: NOW - 99_000,
				to_ms: NOW - 98_000,
				energy_wh: 30,
			}]
		);
	});
}

#[test]
fn the_hook_runs_the_worker() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.serve(0, &page(1, &readings));
	relay.execute(|| <PalletMeters as Hooks<u64>>::offchain_worker(1));
	relay.check_after_run();
	assert_eq!(relay.submitted(), vec![readings]);
}

#[test]
fn http_500_costs_a_retry_next_block() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	relay.answer(0, 500, 0, b"internal server error".to_vec());
	let report = relay.run_report(1);
	assert_eq!(report.error, Some(FetchError::Status(500)));
	assert_eq!((report.pages, report.fetched, report.submitted), (0, 0, 0));
	assert!(relay.submitted().is_empty());
	assert_eq!(relay.cursor(), None);

	// The next block retries the same request.
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.serve(0, &page(1, &readings));
	assert_eq!(relay.run_report(2).submitted, 1);
	assert_eq!(relay.submitted(), vec![readings]);
}

#[test]
fn other_statuses_are_failures_too() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	// A 404 (wrong base URL) or a 204 carrying a valid page are not pages.
	let body = page(1, &[d1.sign(reading(M1, 1, 100))]).encode();
	for (block, status) in [(1, 404), (2, 204), (3, 503)] {
		relay.answer(0, status, 0, body.clone());
		assert_eq!(relay.run_report(block).error, Some(FetchError::Status(status)));
	}
	assert!(relay.submitted().is_empty());
	assert_eq!(relay.cursor(), None);
}

#[test]
fn a_slow_gateway_times_out_at_the_deadline() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.answer(0, 200, HTTP_TIMEOUT_MS + 500, page(1, &readings).encode());
	let started = relay.now();
	let report = relay.run_report(1);
	assert_eq!(report.error, Some(FetchError::Timeout));
	// The worker gave up at its deadline, not later.
	assert_eq!(relay.now(), started + HTTP_TIMEOUT_MS);
	assert!(relay.submitted().is_empty());
	assert_eq!(relay.cursor(), None);

	// Next block, an answer within the deadline is taken.
	relay.answer(0, 200, HTTP_TIMEOUT_MS - 500, page(1, &readings).encode());
	let report = relay.run_report(2);
	assert_eq!((report.error, report.submitted), (None, 1));
	assert_eq!(relay.submitted(), vec![readings]);
}

#[test]
fn a_body_that_does_not_come_times_out_at_the_same_deadline() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.serve_slowly(0, &page(1, &readings), HTTP_TIMEOUT_MS + 1);
	let started = relay.now();
	let report = relay.run_report(1);
	assert_eq!(report.error, Some(FetchError::Body(HttpError::DeadlineReached)));
	assert_eq!(relay.now(), started + HTTP_TIMEOUT_MS);
	assert!(relay.submitted().is_empty());

	// The deadline covers the whole request: headers, then a body within it, is taken.
	relay.serve_slowly(0, &page(1, &readings), HTTP_TIMEOUT_MS);
	assert_eq!(relay.run_report(2).submitted, 1);
	assert_eq!(relay.submitted(), vec![readings]);
}

#[test]
fn a_gateway_that_is_down_costs_a_retry_next_block() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	relay.down();
	let report = relay.run_report(1);
	assert_eq!(report.error, Some(FetchError::Connection));
	assert_eq!(relay.requested(), vec![format!("{URL}/v1/readings?after=0&limit=16")]);
	assert!(relay.submitted().is_empty());
	assert_eq!(relay.cursor(), None);

	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.serve(0, &page(1, &readings));
	assert_eq!(relay.run_report(2).submitted, 1);
}

#[test]
fn garbage_is_refused() {
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder);
	let r1 = d1.sign(reading(M1, 1, 100));
	let r2 = d2.sign(reading(M2, 1, 100));
	let good = page(1, &[r1.clone(), r2.clone()]);
	let mut trailing = good.encode();
	trailing.push(0);
	let mut truncated = good.encode();
	truncated.pop();
	let oversized = vec![0u8; max_page_len(MAX_BATCH) + 1];
	let oversized_len = max_page_len(MAX_BATCH) as u32;
	let not_increasing = ReadingsPage { readings: vec![(2, r1.clone()), (2, r2.clone())], next: 2 };
	let not_after = ReadingsPage { readings: vec![(0, r1.clone())], next: 0 };
	let next_behind = ReadingsPage { readings: vec![(1, r1.clone()), (2, r2.clone())], next: 1 };
	let not_a_page = b"<html><body>502 Bad Gateway</body></html>".to_vec();

	let cases: Vec<(Vec<u8>, Option<&str>, FetchError)> = vec![
		(not_a_page.clone(), Some(SCALE_CONTENT_TYPE), FetchError::Undecodable { len: 41 }),
		(
			trailing.clone(),
			Some(SCALE_CONTENT_TYPE),
			FetchError::Undecodable { len: trailing.len() as u32 },
		),
		(truncated.clone(), None, FetchError::Undecodable { len: truncated.len() as u32 }),
		(Vec::new(), Some(SCALE_CONTENT_TYPE), FetchError::Undecodable { len: 0 }),
		(
			good.encode(),
			Some("application/json"),
			FetchError::ContentType("application/json".into()),
		),
		(
			not_a_page,
			Some("text/html; charset=utf-8"),
			FetchError::ContentType("text/html; charset=utf-8".into()),
		),
		(oversized, Some(SCALE_CONTENT_TYPE), FetchError::BodyTooLarge { limit: oversized_len }),
		(
			not_increasing.encode(),
			Some(SCALE_CONTENT_TYPE),
			FetchError::Inconsistent(
				"reading cursors are not strictly increasing after the requested cursor",
			),
		),
		(
			not_after.encode(),
			Some(SCALE_CONTENT_TYPE),
			FetchError::Inconsistent(
				"reading cursors are not strictly increasing after the requested cursor",
			),
		),
		(
			next_behind.encode(),
			Some(SCALE_CONTENT_TYPE),
			FetchError::Inconsistent("the next cursor is before the last reading's"),
		),
	];
	for (block, (body, content_type, error)) in (1..).zip(cases) {
		relay.answer_from(URL, 0, 200, 0, body, content_type);
		let report = relay.run_report(block);
		assert_eq!(report.error, Some(error));
		assert_eq!((report.pages, report.submitted), (0, 0));
		assert!(relay.submitted().is_empty());
		assert_eq!(relay.cursor(), None);
	}

	// The content type may be omitted or carry parameters; a good page is then taken.
	relay.answer_from(URL, 0, 200, 0, good.encode(), Some("Application/SCALE; v=1"));
	assert_eq!(relay.run_report(100).submitted, 2);
	assert_eq!(relay.submitted().len(), 1);
	relay.answer_from(URL, 0, 200, 0, good.encode(), None);
	assert_eq!(relay.run_report(101).submitted, 2);
}

#[test]
fn the_largest_page_is_accepted() {
	// MAX_BATCH readings with the longest signatures (ecdsa) fit the body limit exactly.
	let devices: Vec<Device> = (0..MAX_BATCH as u8).map(|i| Device::ecdsa(10 + i)).collect();
	let builder = devices
		.iter()
		.enumerate()
		.fold(ExtBuilder::default().operator(ALICE), |builder, (i, device)| {
			builder.meter(M1 + i as u64, device, ALICE)
		});
	let mut relay = Relay::new(builder);
	let readings: Vec<SignedReading> = devices
		.iter()
		.enumerate()
		.map(|(i, device)| device.sign(reading(M1 + i as u64, 1, 7)))
		.collect();
	let full = ReadingsPage {
		readings: (0..).map(|i| u64::MAX - MAX_BATCH as u64 + i).zip(readings.clone()).collect(),
		next: u64::MAX - 1,
	};
	assert_eq!(
		full.encode().len(),
		max_page_len(MAX_BATCH) - 4,
		"only the compact prefix is shorter"
	);
	relay.set_cursor(u64::MAX - MAX_BATCH as u64 - 1);
	relay.serve(u64::MAX - MAX_BATCH as u64 - 1, &full);
	// A full page: the gateway may have more, the run asks for the next page.
	relay.serve(u64::MAX - 1, &empty_page(u64::MAX - 1));
	assert_eq!(relay.run_report(1).submitted, MAX_BATCH);
	assert_eq!(relay.submitted(), vec![readings]);
}

#[test]
fn a_partly_stale_page_submits_only_the_new_readings() {
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder);
	let readings = vec![
		d1.sign(reading(M1, 1, 100)),
		d2.sign(reading(M2, 1, 200)),
		d1.sign(reading(M1, 2, 110)),
		d1.sign(reading(M1, 3, 120)),
		d2.sign(reading(M2, 2, 230)),
	];
	// Another relayer already brought M1's first two readings and M2's first.
	relay.execute(|| put_on_chain(readings[..3].to_vec()));
	relay.serve(0, &page(1, &readings));

	let report = relay.run_report(1);
	assert_eq!((report.fetched, report.on_chain, report.new, report.submitted), (5, 3, 2, 2));
	assert_eq!(relay.submitted(), vec![vec![readings[3].clone(), readings[4].clone()]]);
	assert_eq!(relay.cursor(), None);
}

#[test]
fn an_empty_page_submits_nothing_and_keeps_the_cursor() {
	let (builder, _, _) = meters();
	let mut relay = Relay::new(builder);
	relay.set_cursor(7);
	relay.serve(7, &empty_page(7));
	let report = relay.run_report(1);
	assert_eq!(
		report,
		RunReport { pages: 1, cursor_before: 7, cursor_after: 7, ..Default::default() }
	);
	// One request: an empty page ends the run.
	assert_eq!(relay.requested().len(), 1);
	assert!(relay.submitted().is_empty());
	assert_eq!(relay.cursor(), Some(7));
}

#[test]
fn every_feed_request_is_signed_by_the_relayer_key() {
	let (builder, _, _) = meters();
	let mut relay = Relay::new(builder);
	relay.serve(0, &empty_page(0));
	relay.run_report(1);
	// `run` checked the header's key, time and signature; here: there was one.
	relay.serve(0, &empty_page(0));
	relay.execute(|| run::<Test>(2));
	let headers = core::mem::take(&mut relay.network.lock().unwrap().authorizations);
	assert_eq!(headers.len(), 1);
	let (key, at_ms, signature) = parse_relayer_authorization(&headers[0]);
	assert_eq!((key, at_ms), (relay.relayer, START_MS));
	// Signed for this chain only: another genesis hash or time does not verify.
	assert!(sr25519_verify(&signature, &relayer_message(GENESIS, START_MS), &key));
	assert!(!sr25519_verify(&signature, &relayer_message(H256::repeat_byte(9), START_MS), &key));
	assert!(!sr25519_verify(&signature, &relayer_message(GENESIS, START_MS + 1), &key));
}

#[test]
fn without_a_relayer_key_nothing_is_fetched() {
	let (builder, _, _) = meters();
	let mut relay = Relay::new(builder);
	relay.ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	// No request scripted: one made would panic.
	assert_eq!(relay.run(1), RunOutcome::NoRelayerKey);
	assert!(relay.requested().is_empty());
	assert_eq!(relay.cursor(), None);
}

#[test]
fn a_refused_signature_reads_well_in_logs() {
	let refused = FetchError::Status(401).to_string();
	assert!(refused.contains("did not take this relayer's signature"), "{refused}");
	assert_eq!(FetchError::Status(500).to_string(), "HTTP status 500");
}

#[test]
fn bad_signatures_are_filtered_out() {
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder);
	let forger = Device::sr25519(99);
	let forged = forger.sign(reading(M1, 1, 1_000_000));
	let wrong_chain = d2.sign_for(sp_core::H256::repeat_byte(1), reading(M2, 1, 5));
	let good = vec![d2.sign(reading(M2, 2, 10)), d1.sign(reading(M1, 2, 100))];
	let readings = vec![forged.clone(), wrong_chain, good[0].clone(), good[1].clone()];
	relay.execute(|| {
		// The pool would refuse the whole page: its first new reading is forged.
		let call = RuntimeCall::PalletMeters(Call::ingest_readings {
			batch: BatchOf::<Test>::try_from(readings.clone()).unwrap(),
		});
		assert_eq!(
			call.authorize(TransactionSource::Local).unwrap().map(|_| ()),
			Err(InvalidTransaction::BadProof.into())
		);
	});
	relay.serve(0, &page(1, &readings));

	let report = relay.run_report(1);
	assert_eq!((report.refused, report.new, report.submitted), (2, 2, 2));
	assert_eq!(relay.submitted(), vec![good]);
	// The filtered batch is valid and lands.
	relay.include_submitted();
	relay.execute(|| assert_eq!((last_seq(M1), last_seq(M2)), (2, 2)));

	// Next run: the meters' last readings are past the dropped ones' `seq`: the whole page
	// counts as on chain and the cursor moves past it.
	relay.serve(0, &page(1, &readings));
	relay.serve(4, &empty_page(4));
	let report = relay.run_report(2);
	assert_eq!((report.on_chain, report.refused, report.new), (4, 0, 0));
	assert_eq!(relay.cursor(), Some(4));
	assert!(relay.submitted().is_empty());
}

#[test]
fn readings_the_chain_would_refuse_are_dropped_as_ingestion_would() {
	let suspended = Device::sr25519(3);
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder.meter(M2 + 1, &suspended, ALICE));
	relay.execute(|| {
		put_on_chain(vec![d1.sign(reading(M1, 5, 100))]);
		PalletMeters::suspend(RuntimeOrigin::signed(ALICE), M2 + 1).unwrap();
	});
	let mut reserved = reading(M2, 1, 10);
	reserved.flags = flags::RESERVED & 0x20;
	let mut future = reading(M2, 2, 20);
	future.at_ms = NOW + MAX_CLOCK_SKEW_MS + 1;
	let mut before_last = reading(M1, 6, 110);
	before_last.at_ms = NOW - 100_000 + 4_000;
	let readings = vec![
		Device::sr25519(50).sign(reading(UNKNOWN, 1, 1)),
		suspended.sign(reading(M2 + 1, 1, 1)),
		d2.sign(reserved),
		d2.sign(future),
		d1.sign(before_last),
		d1.sign(reading(M1, 4, 90)),
		d1.sign(reading(M1, 7, 130)),
		// Two copies of the same seq: the first valid one is taken, the other is a duplicate.
		d2.sign(reading(M2, 3, 30)),
		d2.sign(reading(M2, 3, 31)),
		// Known flags are fine.
		d2.sign(Reading { flags: flags::KNOWN, ..reading(M2, 4, 40) }),
	];
	relay.serve(0, &page(1, &readings));
	let report = relay.run_report(1);
	// Refused for good: the reserved flag, the timestamp before the last reading's. Held:
	// the unknown and the suspended meter, the reading ahead of the clock, and M1's seq 7,
	// which waits for a seq 6 (the one refused). M2 has no baseline yet (its seq 1 and 2 are
	// refused or held), so its seq 3 becomes it.
	assert_eq!((report.on_chain, report.refused, report.held, report.new), (2, 2, 4, 2));
	let submitted = relay.submitted();
	assert_eq!(ids(&submitted[0]), vec![(M2, 3), (M2, 4)]);
	assert_eq!(submitted[0][0], readings[7]);

	// Ingesting the whole page refuses exactly what the worker dropped, for the same reasons,
	// and accepts exactly what it submitted.
	relay.execute(|| {
		System::reset_events();
		put_on_chain(readings.clone());
		let mut rejected: Vec<(MeterId, u64, RejectReason)> = System::events()
			.into_iter()
			.filter_map(|record| match record.event {
				RuntimeEvent::PalletMeters(Event::ReadingRejected { meter, seq, reason }) => {
					Some((meter, seq, reason))
				},
				_ => None,
			})
			.collect();
		rejected.sort_by_key(|(meter, seq, _)| (*meter, *seq));
		assert_eq!(
			rejected,
			vec![
				(M1, 6, RejectReason::TimestampRegression),
				(M1, 7, RejectReason::NotNextReading),
				(M2, 1, RejectReason::ReservedFlags),
				(M2, 2, RejectReason::FutureTimestamp),
				(M2 + 1, 1, RejectReason::MeterSuspended),
				(UNKNOWN, 1, RejectReason::UnknownMeter),
			]
		);
		assert!(System::events().iter().any(|record| record.event
			== RuntimeEvent::PalletMeters(Event::ReadingsIngested {
				accepted: 2,
				duplicates: 2,
				rejected: 6,
				tampered: 0,
				implausible: 0,
				energy_wh: 10,
			})));
	});
}

#[test]
fn a_page_of_refused_readings_advances_the_cursor() {
	let (builder, _, d2) = meters();
	let mut relay = Relay::new(builder);
	// Refused for good: a forged signature, a reserved flag bit.
	let readings = vec![
		Device::sr25519(51).sign(reading(M2, 1, 1)),
		Device::sr25519(1).sign(Reading { flags: 0x20, ..reading(M1, 1, 1) }),
	];
	relay.serve(0, &page(1, &readings));
	let next = vec![d2.sign(reading(M2, 1, 1))];
	relay.serve(2, &page(3, &next));
	let report = relay.run_report(1);
	assert_eq!((report.pages, report.refused, report.submitted), (2, 2, 1));
	assert_eq!((report.cursor_before, report.cursor_after), (0, 2));
	assert_eq!(relay.cursor(), Some(2));
	assert_eq!(relay.submitted(), vec![next]);
}

#[test]
fn a_tamper_reading_is_relayed_and_the_meters_later_readings_held() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	relay.execute(|| put_on_chain(vec![d1.sign(reading(M1, 1, 500))]));
	let readings = vec![
		d1.sign(reading(M1, 2, 520)),
		d1.sign(reading(M1, 3, 100)),
		d1.sign(reading(M1, 4, 130)),
	];
	relay.serve(0, &page(1, &readings));
	let report = relay.run_report(1);
	assert_eq!((report.new, report.held), (2, 1));
	assert_eq!(relay.submitted(), vec![readings[..2].to_vec()]);
	relay.include_submitted();
	relay.execute(|| {
		let info = crate::Meters::<Test>::get(M1).unwrap();
		assert_eq!(info.status, wattcoin_primitives::traits::MeterStatus::Tampered);
		assert_eq!(info.last_seq, 3);
	});
	// The reading after the tamper event waits for the operator's resume: it pins the cursor.
	relay.serve(0, &page(1, &readings));
	relay.serve(3, &empty_page(3));
	let report = relay.run_report(2);
	assert_eq!((report.on_chain, report.held, report.cursor_after), (2, 1, 0));
}

#[test]
fn a_block_whose_migrations_have_not_run_is_skipped() {
	// The block that sets a new runtime code is followed by off-chain workers of the new
	// runtime on its state, which the next block migrates: the old layouts do not decode, and
	// every reading would look like a reading of an unknown meter.
	let (builder, _, _) = meters();
	let mut relay = Relay::new(builder);
	relay.execute(|| frame_support::traits::StorageVersion::new(0).put::<crate::Pallet<Test>>());
	assert_eq!(relay.run(1), RunOutcome::MigrationPending);
	assert!(relay.requested().is_empty(), "the gateway was not asked");
	assert!(relay.submitted().is_empty());
}

#[test]
fn no_gateway_configured_does_nothing() {
	let (builder, _, _) = meters();
	let mut relay = Relay::new(builder);
	relay.remove_persistent(GATEWAY_URL_STORAGE_KEY);
	assert_eq!(relay.run(1), RunOutcome::NoGateway);
	relay.set_gateway(b"");
	assert_eq!(relay.run(2), RunOutcome::NoGateway);
	relay.set_gateway(b"  \n");
	assert_eq!(relay.run(3), RunOutcome::NoGateway);
	for (block, invalid) in (4..).zip([
		&b"ftp://127.0.0.1"[..],
		b"127.0.0.1:8080",
		b"http://",
		b"http://host/?after=1",
		b"http://host name",
		b"\xff\xfe",
	]) {
		relay.set_gateway(invalid);
		assert_eq!(relay.run(block), RunOutcome::InvalidGateway, "{invalid:?}");
	}
	// No request was made (the scripted network would have panicked), nothing submitted,
	// nothing stored but the setting.
	assert!(relay.requested().is_empty());
	assert!(relay.submitted().is_empty());
	assert_eq!(relay.persistent(LOCK_KEY), None);
	assert_eq!(relay.cursor(), None);
}

#[test]
fn gateway_urls_are_normalised() {
	let cases: [(&[u8], Option<&str>); 9] = [
		(b"http://127.0.0.1:8080", Some("http://127.0.0.1:8080")),
		(b"http://127.0.0.1:8080/", Some("http://127.0.0.1:8080")),
		(b" https://gw.example.org/meters//\n", Some("https://gw.example.org/meters")),
		(b"http://[::1]:8080", Some("http://[::1]:8080")),
		(b"HTTP://upper.case", None),
		(b"http:///path", None),
		(b"http://host#top", None),
		(b"", None),
		(b"https://", None),
	];
	for (raw, expected) in cases {
		assert_eq!(parse_gateway_url(raw).as_deref(), expected, "{raw:?}");
	}
	// A SCALE-encoded string is accepted too (e.g. written with `StorageValueRef::set`).
	assert_eq!(
		parse_gateway_url(&b"http://127.0.0.1:8080/".to_vec().encode()).as_deref(),
		Some("http://127.0.0.1:8080")
	);
	let too_long = format!("http://{}", "a".repeat(MAX_URL_LEN));
	assert_eq!(parse_gateway_url(too_long.as_bytes()), None);
}

#[test]
fn the_gateway_url_is_normalised_in_requests_and_keys() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	relay.set_gateway(&format!("{URL}/").encode());
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.execute(|| put_on_chain(readings.clone()));
	relay.serve(0, &page(1, &readings));
	relay.serve(1, &empty_page(1));
	assert_eq!(relay.run_report(1).cursor_after, 1);
	assert_eq!(relay.cursor(), Some(1));
}

#[test]
fn a_submitted_page_holds_the_cursor_until_it_is_on_chain() {
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder);
	let p1 = page(1, &[d1.sign(reading(M1, 1, 100)), d2.sign(reading(M2, 1, 100))]);
	let p2 = page(3, &[d1.sign(reading(M1, 2, 110)), d2.sign(reading(M2, 2, 120))]);
	let p3 = page(5, &[d1.sign(reading(M1, 3, 150))]);
	let new_readings = |p: &ReadingsPage| -> Vec<SignedReading> {
		p.readings.iter().map(|(_, signed)| signed.clone()).collect()
	};

	// Block 1: page 1 is new: submitted, the cursor stays at 0.
	relay.serve(0, &p1);
	let report = relay.run_report(1);
	assert_eq!((report.submitted, report.cursor_after), (2, 0));
	assert_eq!(relay.submitted(), vec![new_readings(&p1)]);

	// Block 2: the transaction was lost (not in a block): the same readings are submitted
	// again, the cursor still at 0.
	relay.lose_submitted();
	relay.serve(0, &p1);
	let report = relay.run_report(2);
	assert_eq!((report.submitted, report.cursor_after), (2, 0));
	assert_eq!(relay.cursor(), None);

	// Block 3: page 1 landed: confirmed; page 2 is fetched in the same run and submitted.
	relay.include_submitted();
	relay.serve(0, &p1);
	relay.serve(2, &p2);
	let report = relay.run_report(3);
	assert_eq!(
		report,
		RunReport {
			pages: 2,
			fetched: 4,
			on_chain: 2,
			new: 2,
			submitted: 2,
			batches: 1,
			cursor_before: 0,
			cursor_after: 2,
			..Default::default()
		}
	);
	assert_eq!(relay.cursor(), Some(2));
	assert_eq!(relay.submitted(), vec![new_readings(&p2)]);

	// Block 4: page 2 landed; page 3 is submitted.
	relay.include_submitted();
	relay.serve(2, &p2);
	relay.serve(4, &p3);
	let report = relay.run_report(4);
	assert_eq!((report.cursor_before, report.cursor_after, report.submitted), (2, 4, 1));
	assert_eq!(relay.submitted(), vec![new_readings(&p3)]);

	// Block 5: everything on chain, the gateway has nothing more.
	relay.include_submitted();
	relay.serve(4, &p3);
	relay.serve(5, &empty_page(5));
	let report = relay.run_report(5);
	assert_eq!((report.cursor_after, report.submitted), (5, 0));
	relay.execute(|| assert_eq!((last_seq(M1), last_seq(M2)), (3, 2)));
}

#[test]
fn a_run_fetches_at_most_four_pages() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	// Ten readings of M1 already on chain (another relayer brought them), two per page.
	let readings: Vec<SignedReading> =
		(1..=10).map(|seq| d1.sign(reading(M1, seq, 100 + seq))).collect();
	relay.execute(|| put_on_chain(readings.clone()));
	let pages: Vec<ReadingsPage> =
		readings.chunks(2).enumerate().map(|(i, chunk)| page(1 + 2 * i as u64, chunk)).collect();

	for p in &pages[..MAX_PAGES_PER_RUN as usize] {
		relay.serve(p.readings[0].0 - 1, p);
	}
	let report = relay.run_report(1);
	assert_eq!((report.pages, report.on_chain, report.cursor_after), (4, 8, 8));
	assert_eq!(relay.cursor(), Some(8));

	relay.serve(8, &pages[4]);
	relay.serve(10, &empty_page(10));
	let report = relay.run_report(2);
	assert_eq!((report.pages, report.cursor_before, report.cursor_after), (2, 8, 10));
	assert!(relay.submitted().is_empty());
}

#[test]
fn a_failure_after_stale_pages_keeps_their_progress() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.execute(|| put_on_chain(readings.clone()));
	relay.serve(0, &page(1, &readings));
	relay.down();
	let report = relay.run_report(1);
	assert_eq!((report.pages, report.cursor_after), (1, 1));
	assert_eq!(report.error, Some(FetchError::Connection));
	assert_eq!(relay.cursor(), Some(1));
}

#[test]
fn the_lock_keeps_runs_from_overlapping() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	let lock = || {
		StorageLock::<BlockAndTime<frame_system::Pallet<Test>>>::with_block_and_time_deadline(
			LOCK_KEY,
			LOCK_EXPIRY_BLOCKS,
			Duration::from_millis(LOCK_EXPIRY_MS),
		)
	};
	relay.execute(|| {
		System::set_block_number(1);
		// A run in progress holds the lock: a run for the next block does nothing.
		let mut running = lock();
		let guard = running.try_lock().expect("the lock is free");
		assert_eq!(run::<Test>(2), RunOutcome::Locked);
		drop(guard);
	});
	assert!(relay.requested().is_empty());
	assert_eq!(relay.persistent(LOCK_KEY), None);

	// A run that died without releasing the lock (the node was killed).
	relay.execute(|| {
		System::set_block_number(3);
		let mut crashed = lock();
		crashed.try_lock().expect("the lock is free").forget();
	});
	assert!(relay.persistent(LOCK_KEY).is_some());
	relay.execute(|| {
		// Neither the blocks nor the time of its expiry have passed.
		System::set_block_number(4);
		assert_eq!(run::<Test>(4), RunOutcome::Locked);
	});
	relay.advance_clock(LOCK_EXPIRY_MS + 1);
	relay.execute(|| {
		// The time has passed, not the blocks.
		System::set_block_number(3 + LOCK_EXPIRY_BLOCKS as u64);
		assert_eq!(run::<Test>(3 + LOCK_EXPIRY_BLOCKS as u64), RunOutcome::Locked);
	});
	assert!(relay.requested().is_empty());

	// Both have: the lock is taken over, and released at the end of the run.
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.serve(0, &page(1, &readings));
	assert_eq!(relay.run_report(4 + LOCK_EXPIRY_BLOCKS as u64).submitted, 1);
	assert_eq!(relay.persistent(LOCK_KEY), None);
}

#[test]
fn a_transaction_the_pool_refuses_keeps_the_cursor() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::with_pool(builder, RefusingPool, Box::new(Vec::new));
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.serve(0, &page(1, &readings));
	let report = relay.run_report(1);
	assert_eq!((report.new, report.submitted, report.pool_refused), (1, 0, true));
	assert_eq!(relay.cursor(), None);
}

#[test]
fn each_gateway_has_its_own_cursor() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	relay.set_cursor(40);
	let other = "http://10.0.0.2:9000";
	relay.set_gateway(other.as_bytes());
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.answer_from(other, 0, 200, 0, page(1, &readings).encode(), Some(SCALE_CONTENT_TYPE));
	assert_eq!(relay.run_report(1).submitted, 1);
	assert_eq!((relay.cursor(), relay.cursor_of(other)), (Some(40), None));
}

#[test]
fn an_undecodable_cursor_restarts_from_the_start() {
	let (builder, _, _) = meters();
	let mut relay = Relay::new(builder);
	relay.set_persistent(&cursor_key(URL), b"bad");
	relay.serve(0, &empty_page(0));
	assert_eq!(relay.run_report(1).cursor_before, 0);
}

#[test]
fn a_page_longer_than_asked_is_cut() {
	let d1 = Device::sr25519(1);
	let readings: Vec<SignedReading> = (1..=3).map(|seq| d1.sign(reading(M1, seq, seq))).collect();
	let long = page(11, &readings);
	let cut = check_page(long.clone(), 10, 2).expect("consistent");
	assert_eq!(cut, ReadingsPage { readings: long.readings[..2].to_vec(), next: 12 });
	assert_eq!(check_page(long.clone(), 10, 3), Ok(long));
}

#[test]
fn the_body_limit_is_the_largest_page() {
	assert_eq!(max_page_len(0), 5 + 8);
	// A cursor (8) and a signed reading with an ecdsa signature (33 + 1 + 65) per reading.
	assert_eq!(max_page_len(1000), 5 + 1000 * (8 + 33 + 66) + 8);
}

#[test]
fn fetch_errors_read_well_in_logs() {
	assert_eq!(FetchError::Timeout.to_string(), "no answer within 2000 ms");
	assert_eq!(FetchError::Status(500).to_string(), "HTTP status 500");
	assert_eq!(
		FetchError::ContentType("text/html".into()).to_string(),
		"content type \"text/html\", not application/scale"
	);
	assert_eq!(
		FetchError::Body(HttpError::DeadlineReached).to_string(),
		"reading the body failed: deadline reached"
	);
}

// ---------------------------------------------------------------------------------------------
// Relaying that never stalls (issue 10, finding 6)

#[test]
fn held_readings_pin_the_cursor_and_are_relayed_once_takeable() {
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder);
	relay.execute(|| {
		assert_ok!(PalletMeters::suspend(RuntimeOrigin::signed(ALICE), M1));
	});
	let readings = vec![d1.sign(reading(M1, 1, 100)), d2.sign(reading(M2, 1, 500))];
	relay.serve(0, &page(1, &readings));
	let report = relay.run_report(2);
	assert_eq!((report.held, report.new, report.refused), (1, 1, 0));
	assert_eq!(relay.submitted(), vec![readings[1..].to_vec()]);
	relay.include_submitted();

	// M2's reading is on chain, M1's is still held: the cursor does not move past it.
	relay.serve(0, &page(1, &readings));
	relay.serve(2, &empty_page(2));
	let report = relay.run_report(4);
	assert_eq!((report.held, report.on_chain, report.new), (1, 1, 0));
	assert_eq!(relay.cursor(), None, "a held reading pins the confirmed cursor");

	// Once the meter is resumed, the held reading is relayed.
	relay.execute(|| {
		assert_ok!(PalletMeters::resume(RuntimeOrigin::signed(ALICE), M1));
	});
	relay.serve(0, &page(1, &readings));
	relay.run_report(6);
	assert_eq!(relay.submitted(), vec![readings[..1].to_vec()]);
	relay.include_submitted();
	relay.execute(|| assert_eq!(last_seq(M1), 1));
}

#[test]
fn readings_behind_a_long_held_stretch_are_relayed_all_the_same() {
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder);
	let on_chain: Vec<SignedReading> = (1..=4).map(|seq| d2.sign(reading(M2, seq, seq))).collect();
	relay.execute(|| {
		assert_ok!(PalletMeters::suspend(RuntimeOrigin::signed(ALICE), M1));
		put_on_chain(on_chain.clone());
	});
	let held = d1.sign(reading(M1, 1, 100));
	let fresh = d2.sign(reading(M2, 5, 5));
	// Pages of one reading: the held one, four already on chain, then a new one.
	relay.serve(0, &page(1, &[held]));
	for (i, signed) in on_chain.iter().take(3).enumerate() {
		relay.serve(i as u64 + 1, &page(i as u64 + 2, std::slice::from_ref(signed)));
	}
	let report = relay.run_report(2);
	assert_eq!((report.pages, report.held, report.new), (MAX_PAGES_PER_RUN, 1, 0));
	assert_eq!(relay.cursor(), None);

	// The next run starts where the scan stopped, past the held reading.
	relay.serve(4, &page(5, &[on_chain[3].clone()]));
	relay.serve(5, &page(6, std::slice::from_ref(&fresh)));
	relay.run_report(3);
	assert_eq!(relay.submitted(), vec![vec![fresh]]);
	assert_eq!(relay.cursor(), None, "the held reading still pins the confirmed cursor");
}

#[test]
fn a_next_cursor_ahead_of_the_readings_is_refused() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.execute(|| put_on_chain(readings.clone()));
	let mut lying = page(1, &readings);
	lying.next = u64::MAX;
	relay.serve(0, &lying);
	let report = relay.run_report(1);
	assert!(
		matches!(report.error, Some(FetchError::Inconsistent(_))),
		"unexpected {:?}",
		report.error
	);
	assert_eq!(relay.cursor(), None, "the relayer must not skip to u64::MAX");
}

#[test]
fn a_resubmitted_batch_is_another_transaction() {
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder);
	let readings = vec![d1.sign(reading(M1, 1, 100)), d2.sign(reading(M2, 1, 500))];
	relay.serve(0, &page(1, &readings));
	relay.run_report(1);
	let first = relay.new_transactions();
	// The batch expires unincluded (the pool bans its hash); the worker submits it again.
	relay.lose_submitted();
	relay.serve(0, &page(1, &readings));
	relay.run_report(2);
	let second = relay.new_transactions();
	assert_eq!((first.len(), second.len()), (1, 1));
	assert_ne!(first[0].encode(), second[0].encode(), "a banned hash would stop relaying");
	relay.lose_submitted();
	relay.include_submitted_from(second);
	relay.execute(|| assert_eq!((last_seq(M1), last_seq(M2)), (1, 1)));
}

/// `count` registered meters from 2,000, each with its own sr25519 device.
fn many_meters(count: u8) -> (ExtBuilder, Vec<(MeterId, Device)>) {
	let mut builder = ExtBuilder::default().operator(ALICE);
	let mut devices = Vec::new();
	for i in 0..count {
		let (meter, device) = (2_000 + MeterId::from(i), Device::sr25519(100 + i));
		builder = builder.meter(meter, &device, ALICE);
		devices.push((meter, device));
	}
	(builder, devices)
}

#[test]
fn a_backlog_fills_several_batches_that_one_block_takes() {
	let (builder, devices) = many_meters(40);
	let mut relay = Relay::new(builder);
	assert!(batches::max_batches::<Test>() >= 3, "the mock's blocks take three batches");
	let readings: Vec<SignedReading> =
		devices.iter().map(|(meter, device)| device.sign(reading(*meter, 1, 0))).collect();
	// Two full pages (the gateway has more), then the rest.
	relay.serve(0, &page(1, &readings[..16]));
	relay.serve(16, &page(17, &readings[16..32]));
	relay.serve(32, &page(33, &readings[32..]));
	let report = relay.run_report(1);
	assert_eq!((report.pages, report.new, report.batches, report.submitted), (3, 40, 3, 40));
	assert_eq!(report.cursor_after, 0, "nothing confirmed before it is on chain");
	// Three transactions sharing no meter: the pool takes each against the same state, and
	// one block applies them all.
	let transactions = relay.new_transactions();
	assert_eq!(transactions.len(), 3);
	relay.execute(|| {
		for xt in &transactions {
			let info = xt.function.get_dispatch_info();
			let checked = xt.clone().check(&frame_system::ChainContext::<Test>::default()).unwrap();
			assert_ok!(checked.validate::<Test>(
				TransactionSource::Local,
				&info,
				xt.encoded_size()
			));
		}
	});
	relay.include_submitted();
	relay.execute(|| {
		for (meter, _) in &devices {
			assert_eq!(Meters::<Test>::get(meter).unwrap().last_seq, 1, "meter {meter}");
		}
	});
	// The next run finds the three pages on chain and confirms them.
	relay.serve(0, &page(1, &readings[..16]));
	relay.serve(16, &page(17, &readings[16..32]));
	relay.serve(32, &page(33, &readings[32..]));
	relay.serve(40, &empty_page(40));
	let report = relay.run_report(2);
	assert_eq!((report.on_chain, report.new, report.cursor_after), (40, 0, 40));
}

#[test]
fn a_meters_readings_on_a_later_page_follow_those_of_earlier_pages() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	let readings: Vec<SignedReading> =
		(1..=20).map(|seq| d1.sign(reading(M1, seq, seq * 10))).collect();
	relay.serve(0, &page(1, &readings[..16]));
	relay.serve(16, &page(17, &readings[16..]));
	let report = relay.run_report(1);
	// Seqs 17 to 20 follow 1 to 16 of the page before: new, not held for a missing link. A
	// batch holds one meter's first 16; the other 4 wait for the next run.
	assert_eq!((report.new, report.held, report.batches, report.submitted), (20, 0, 1, 16));
	let submitted = relay.submitted();
	assert_eq!(submitted, [readings[..16].to_vec()]);
}
