//! Tests of the off-chain worker against the mock runtime, a scripted gateway
//! (`TestOffchainExt` and its `PendingRequest`s, behind a network that can be slow, down or
//! answer any status) and a test transaction pool whose transactions are decoded, validated
//! and applied as a block would.

use super::*;
use crate::{mock::*, BatchOf, Call, Event, Meters, RejectReason};
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

mod cursor;
mod gateway;
mod judging;
mod partition;
mod setup;
