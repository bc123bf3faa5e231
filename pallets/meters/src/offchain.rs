//! The off-chain worker: relays signed readings from a meter gateway to the chain.
//!
//! Every node running off-chain workers may relay: a relayer can neither forge nor alter a
//! reading (each one is signed by its meter), and several relayers carrying the same readings
//! never bill them twice (the chain skips a reading it already has, and the pool keeps one
//! transaction per new `(meter, seq)`).
//!
//! ## What a run does
//! [`run`] is called by the pallet's `offchain_worker` hook after every imported block:
//! 1. It reads the gateway's base URL from the node's PERSISTENT off-chain storage under
//!    [`GATEWAY_URL_STORAGE_KEY`] (written by the node's `--meter-gateway URL` flag, or over
//!    RPC with `offchain_localStorageSet("PERSISTENT", key, value)`). The value is the URL's
//!    UTF-8 bytes, e.g. `http://127.0.0.1:8080` (a SCALE-encoded string is accepted too; a
//!    trailing `/` is ignored). No value (or an empty one): the run returns at once, with a
//!    debug log line. A value that is no `http://` or `https://` URL: a warning.
//! 2. It takes the lock [`LOCK_KEY`] (a [`StorageLock`] with a [`BlockAndTime`] expiry of
//!    [`LOCK_EXPIRY_BLOCKS`] blocks and [`LOCK_EXPIRY_MS`]), so that the runs of consecutive
//!    blocks never overlap: a run that finds the lock taken returns at once. The lock is
//!    released when the run ends, whatever happened; the expiry only matters if the node died
//!    in the middle of a run.
//! 3. It signs the gateway's relayer challenge with the first key of type
//!    [`Config::RelayerId`] in the node's keystore (the runtime's block author key), and
//!    without one stops here with a warning ([`RunOutcome::NoRelayerKey`]): the gateway serves
//!    households' readings to known relayers only ([`wattcoin_primitives::feed_auth`]).
//!    It fetches `GET {url}/v1/readings?after={cursor}&limit={MaxBatch}` with
//!    `Accept: application/scale`, that `Authorization` and a deadline of [`HTTP_TIMEOUT_MS`], and decodes the body
//!    as a [`ReadingsPage`]. The status must be 200, the content type (when given)
//!    `application/scale`, the body at most the largest encoding of a page of `MaxBatch`
//!    readings, the whole body one page, and the page consistent: cursors strictly increasing
//!    after the requested one, `next` not before the last reading's. A page longer than
//!    asked is cut to `MaxBatch` readings (its `next` becomes the last kept reading's cursor).
//! 4. It relays only its share of the readings ([`partition`]): with `n` block authors
//!    ([`Config::Relayers`]), the readings of the meters with `meter % n` equal to its place
//!    among them, and readings handed over to it by age when their relayer did not bring
//!    them. Another relayer's readings are **deferred**: checked against the chain's state
//!    (without their signatures), they hold the cursor until they are on chain.
//!    It judges every reading of its share against the chain's state with the rules of
//!    ingestion ([`crate::ingest::judge`], per meter in `seq` order): readings the chain
//!    already has are skipped; readings it will never take (a forged signature, a reserved
//!    flag, a timestamp before the meter's last reading or its registration) are dropped;
//!    readings it may take later (an unknown, suspended or tampered meter, a timestamp ahead
//!    of the chain's clock, a reading whose predecessor has not arrived) are **held**, for up
//!    to [`MAX_HOLD_MS`] by their timestamp. Everything dropped or held must be left out: the
//!    pool refuses a whole batch with any reading the chain would not take.
//! 5. A full page (the gateway has more) with new readings does not end the run: it reads on,
//!    judging later pages against the state the earlier pages' readings would leave, until it
//!    holds as many new readings as a block can take ([`batches::batch_sizes`]: full batches
//!    of `MaxBatch`, then a smaller one in the weight they leave) or a page is not full. It packs them into batches that share no meter
//!    ([`batches::pack`]: each is valid on its own, so the pool admits them all and one block
//!    takes several) and submits each, in the gateway's order, as one authorized feeless
//!    transaction `ingest_readings { batch }` (a general transaction built by
//!    [`create_authorized_transaction`](frame_system::offchain::CreateAuthorizedTransaction::create_authorized_transaction)).
//!
//! ## The cursor
//! The worker keeps one cursor per gateway URL in PERSISTENT off-chain storage, under
//! [`CURSOR_KEY_PREFIX`] followed by the URL's bytes (as normalised: no trailing `/`), SCALE
//! `u64`; absent means 0, the start of the gateway's stream. It is the **confirmed** cursor:
//! every reading at or before it is on chain or would be refused by the chain. Each run
//! fetches after it:
//! - a page whose readings are all on chain or dropped advances the confirmed cursor to the
//!   page's `next`, and the run fetches the next page (at most [`MAX_PAGES_PER_RUN`] pages a
//!   run), so a relayer that is behind (its peers relayed the readings) catches up quickly;
//! - a page with held readings pins the confirmed cursor before them (they are judged again
//!   by later runs), and the run goes on to the next page. How far runs have looked past
//!   held readings is the **scan cursor** ([`SCAN_KEY_PREFIX`]): runs of odd blocks start
//!   there, so readings that arrive behind a long stretch of held ones are relayed all the
//!   same, and runs of even blocks start at the confirmed cursor, retrying the held ones;
//! - pages with new readings are submitted and the cursor does **not** move past them: the
//!   next run fetches them again. Once the transactions are in a block, the pages are on chain
//!   and the cursor moves past it; if the transaction never lands (dropped by the pool, a
//!   fork, the node restarted), the next run submits what is still new. Readings are never
//!   skipped because a transaction was lost. A batch submitted again is rotated (see
//!   [`batches::submit_all`]), so it is never the transaction whose hash the pool may have
//!   banned.
//! - an empty page, a page whose `next` is not its last reading's cursor (a gateway may not
//!   make the worker skip readings it never served), or any failure, leaves the cursor as it
//!   is.
//!
//! Every run judges the page against the chain's current state, so a reading that can never
//! be taken any more (its meter's key rotated, say) no longer holds the cursor back. The state
//! an off-chain worker sees is that of the best block, not the finalized one: a page confirmed
//! on a fork that is later abandoned is not fetched again by this relayer. Nothing is billed
//! wrongly (the chain takes each meter's readings only in order), but the meter's later
//! readings wait, held, until a relayer that did not confirm the page yet brings the missing
//! ones, or this relayer's cursor is set back over RPC (below). Following finalized state
//! instead is the fix, and part of the relaying pipeline of issue 11.
//!
//! A different gateway URL has its own cursor, starting at 0. To relay a gateway's stream
//! again from a given point, set its cursor key to the SCALE `u64` (8 bytes, little endian)
//! over RPC.
//!
//! ## Failures
//! A gateway that is down (connection refused or reset), slow (no answer within the deadline),
//! answering another status than 200 or garbage (another content type, an oversized or
//! undecodable body, an inconsistent page), and a transaction the pool does not take, cost one
//! warning (log target [`LOG_TARGET`]) and a retry at the next block: no panic, the lock
//! released, the cursor unchanged. Every run that fetched readings logs what it did (pages and
//! readings fetched, how many were on chain, refused, new, submitted, and the cursor) at info
//! level; idle runs log at debug level.

use crate::pallet::{Config, Pallet};
use alloc::{collections::BTreeMap, format, string::String, vec::Vec};
use codec::{Compact, DecodeAll, Encode, MaxEncodedLen};
use core::fmt;
use frame_support::traits::{Get, GetStorageVersion, StorageVersion, Time};
use frame_system::pallet_prelude::BlockNumberFor;
use partition::Partition;
use sorting::sort_page;
use sp_runtime::RuntimeAppPublic;
use sp_runtime::{
	offchain::{
		http,
		storage::{StorageRetrievalError, StorageValueRef},
		storage_lock::{BlockAndTime, StorageLock},
		Duration, HttpError, HttpRequestId, StorageKind, Timestamp,
	},
	traits::{SaturatedConversion, Saturating},
};
use wattcoin_primitives::{
	feed_auth::{self, relayer_message},
	gateway::{Cursor, ReadingsPage, READINGS_PATH, SCALE_CONTENT_TYPE},
	reading::SignedReading,
	Moment,
};

pub use wattcoin_primitives::gateway::{parse_gateway_url, GATEWAY_URL_STORAGE_KEY, MAX_URL_LEN};

/// Log target of the off-chain worker.
pub const LOG_TARGET: &str = "meters::ocw";

/// Key of the lock that keeps runs from overlapping, in PERSISTENT off-chain storage.
pub const LOCK_KEY: &[u8] = b"wattcoin::meters::ocw::lock";

/// Prefix of the keys of the confirmed cursors, in PERSISTENT off-chain storage: the full key
/// is this prefix followed by the gateway's normalised URL; the value is a SCALE `u64`.
pub const CURSOR_KEY_PREFIX: &[u8] = b"wattcoin::meters::ocw::cursor::";

/// How long a request to the gateway may take, from sending it to the last byte of the
/// answer, in milliseconds.
pub const HTTP_TIMEOUT_MS: u64 = 2_000;

/// The most pages one run fetches (a run fetches another page after a page whose readings
/// were all on chain or refused, and after a full page of new readings while more batches fit
/// in a block). Three times the most batches a run submits: a run first reads past the pages
/// the blocks since its confirmed cursor carried before it finds new readings, and that cursor
/// can be two blocks behind (a page split between a block's smaller last batch and the pool
/// holds it). Measured with `scripts/bench-ingest.sh`:
/// - with as many pages as batches (three), a run ran out of pages there every third block
///   and relayed nothing for it (2,997, 1,003 and 0 readings in turn);
/// - with twice as many (16) and seven batches a block, one run in four read 16 pages of which
///   12,430 readings were on chain, and relayed 3,570 (a block of 4 batches instead of 7).
pub const MAX_PAGES_PER_RUN: u32 = 3 * batches::MAX_BATCHES_PER_RUN;

/// The lock's time expiry, in milliseconds: longer than the longest run (every page's request
/// at its deadline, and the sorting of the pages).
pub const LOCK_EXPIRY_MS: u64 = MAX_PAGES_PER_RUN as u64 * HTTP_TIMEOUT_MS + 5_000;

/// The lock's block expiry: a lock left behind by a run that never finished (the node died)
/// is taken over once both this many blocks and [`LOCK_EXPIRY_MS`] have passed.
pub const LOCK_EXPIRY_BLOCKS: u32 = 2;

/// Key of the fingerprint of the last batch submitted (blake2-256 of its readings in page
/// order) and how many times in a row it was submitted, in PERSISTENT off-chain storage.
pub const LAST_BATCH_KEY: &[u8] = b"wattcoin::meters::ocw::last-batch";

/// Prefix of the keys of the scan cursors (how far past held readings runs have looked), in
/// PERSISTENT off-chain storage, followed by the gateway's normalised URL; a SCALE `u64`.
pub const SCAN_KEY_PREFIX: &[u8] = b"wattcoin::meters::ocw::scan::";

/// How long a reading the chain refuses for now (see [`RejectReason::is_final`]) holds the
/// confirmed cursor, by its timestamp against the chain's time: one day. Past that it is
/// dropped, so a meter suspended or unknown for good cannot stall relaying for all others.
pub const MAX_HOLD_MS: Moment = 24 * 60 * 60 * 1_000;

/// What a run of the off-chain worker did.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum RunOutcome {
	/// No gateway URL is configured: nothing was done.
	NoGateway,
	/// The configured gateway URL is not an `http://` or `https://` URL: nothing was done.
	InvalidGateway,
	/// Another run holds the lock: nothing was done.
	Locked,
	/// The block's state is older than this runtime's storage layout (the block set a new
	/// runtime code; the next block runs its migrations): nothing was done, since nothing in
	/// it can be read with this code.
	MigrationPending,
	/// The node's keystore holds no relayer key ([`Config::RelayerId`]) to sign the feed
	/// request with: nothing was done (the gateway serves its feed to known relayers only).
	NoRelayerKey,
	/// The run went to the gateway.
	Ran(RunReport),
}

/// What a run that went to the gateway did.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct RunReport {
	/// Pages received (and decoded).
	pub pages: u32,
	/// Readings received.
	pub fetched: u32,
	/// Readings the chain already has (or that repeat a `seq` of the same page).
	pub on_chain: u32,
	/// Readings the chain would refuse for good.
	pub refused: u32,
	/// Readings the chain refuses for now but may take later; they hold the cursor.
	pub held: u32,
	/// Readings another relayer relays ([`partition`]) that are not on chain yet; they hold the
	/// cursor.
	pub deferred: u32,
	/// Readings the chain would take.
	pub new: u32,
	/// Readings carried by the transactions the pool took.
	pub submitted: u32,
	/// The batches (transactions) the readings were packed into.
	pub batches: u32,
	/// Whether the pool refused a transaction.
	pub pool_refused: bool,
	/// The confirmed cursor when the run started.
	pub cursor_before: Cursor,
	/// The confirmed cursor when the run ended.
	pub cursor_after: Cursor,
	/// Why the last request failed, if it did.
	pub error: Option<FetchError>,
}

/// Why a page could not be fetched.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum FetchError {
	/// The request could not be sent.
	Send(HttpError),
	/// No answer came before the deadline.
	Timeout,
	/// The connection failed (refused or reset).
	Connection,
	/// The host rejected the request as invalid.
	InvalidRequest,
	/// The gateway answered another status than 200.
	Status(u16),
	/// The gateway answered another content type than `application/scale`.
	ContentType(String),
	/// The body was longer than the largest page of `MaxBatch` readings.
	BodyTooLarge {
		/// The most bytes accepted.
		limit: u32,
	},
	/// Reading the body failed (deadline reached or connection lost).
	Body(HttpError),
	/// The body is not exactly one SCALE-encoded [`ReadingsPage`].
	Undecodable {
		/// The body's length in bytes.
		len: u32,
	},
	/// The page contradicts the protocol.
	Inconsistent(&'static str),
}

fn describe(error: &HttpError) -> &'static str {
	match error {
		HttpError::DeadlineReached => "deadline reached",
		HttpError::IoError => "I/O error",
		HttpError::Invalid => "invalid request",
	}
}

impl fmt::Display for FetchError {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		match self {
			Self::Send(error) => write!(f, "request not sent: {}", describe(error)),
			Self::Timeout => write!(f, "no answer within {HTTP_TIMEOUT_MS} ms"),
			Self::Connection => write!(f, "connection failed (gateway down?)"),
			Self::InvalidRequest => write!(f, "request refused by the host as invalid"),
			Self::Status(code @ (401 | 403)) => write!(
				f,
				"HTTP status {code}: the gateway did not take this relayer's signature (is this \
				 node's block author key one of the gateway's relayers, and its clock right?)"
			),
			Self::Status(code) => write!(f, "HTTP status {code}"),
			Self::ContentType(content_type) => {
				write!(f, "content type {content_type:?}, not {SCALE_CONTENT_TYPE}")
			},
			Self::BodyTooLarge { limit } => write!(f, "body longer than {limit} bytes"),
			Self::Body(error) => write!(f, "reading the body failed: {}", describe(error)),
			Self::Undecodable { len } => write!(f, "body of {len} bytes is not a readings page"),
			Self::Inconsistent(why) => write!(f, "inconsistent page: {why}"),
		}
	}
}

/// The gateway setting found in off-chain storage.
#[derive(Clone, PartialEq, Eq, Debug)]
enum GatewaySetting {
	Unset,
	Invalid,
	Url(String),
}

/// Runs the off-chain worker once (see the module documentation); called by the pallet's
/// `offchain_worker` hook with the number of the block just imported.
pub fn run<T: Config>(block: BlockNumberFor<T>) -> RunOutcome {
	let on_chain = StorageVersion::get::<Pallet<T>>();
	if on_chain < Pallet::<T>::in_code_storage_version() {
		log::info!(
			target: LOG_TARGET,
			"block {block:?}: storage at version {on_chain:?}, this runtime needs {:?}: the \
			 next block migrates it; nothing relayed until then",
			Pallet::<T>::in_code_storage_version(),
		);
		return RunOutcome::MigrationPending;
	}
	let url = match gateway_setting() {
		GatewaySetting::Unset => {
			log::debug!(target: LOG_TARGET, "block {block:?}: no meter gateway configured");
			return RunOutcome::NoGateway;
		},
		GatewaySetting::Invalid => {
			log::warn!(
				target: LOG_TARGET,
				"block {block:?}: the meter gateway URL in off-chain storage is not an http:// \
				 or https:// URL; nothing relayed",
			);
			return RunOutcome::InvalidGateway;
		},
		GatewaySetting::Url(url) => url,
	};

	let mut lock =
		StorageLock::<BlockAndTime<frame_system::Pallet<T>>>::with_block_and_time_deadline(
			LOCK_KEY,
			LOCK_EXPIRY_BLOCKS,
			Duration::from_millis(LOCK_EXPIRY_MS),
		);
	// The guard releases the lock when dropped, at the end of this function, on every path.
	let Ok(_guard) = lock.try_lock() else {
		log::debug!(target: LOG_TARGET, "block {block:?}: the previous run is still going on");
		return RunOutcome::Locked;
	};
	let Some((key, authorization)) = relayer_authorization::<T>() else {
		log::warn!(
			target: LOG_TARGET,
			"block {block:?}: no relayer key in this node's keystore to sign the gateway's feed \
			 request with (its block author key, type {:?}); nothing relayed",
			<T::RelayerId as RuntimeAppPublic>::ID,
		);
		return RunOutcome::NoRelayerKey;
	};
	let partition = Partition::of(&key, &T::Relayers::get());
	let report = relay::<T>(&url, &authorization, partition, block.saturated_into::<u64>());
	log_report(block, &report);
	RunOutcome::Ran(report)
}

/// This node's relayer key and the `Authorization` header of this run's feed requests: the
/// first relayer key of the node's keystore signs [`relayer_message`] of this chain at the
/// node's clock (`None`: no key, or the keystore would not sign).
fn relayer_authorization<T: Config>() -> Option<(T::RelayerId, String)> {
	let key = T::RelayerId::all().into_iter().next()?;
	let at_ms = sp_io::offchain::timestamp().unix_millis();
	let signature = key.sign(&relayer_message(Pallet::<T>::genesis_hash(), at_ms))?;
	let header = feed_auth::relayer_authorization(&key.to_raw_vec(), at_ms, &signature.encode());
	Some((key, header))
}

/// The gateway URL in PERSISTENT off-chain storage, normalised.
fn gateway_setting() -> GatewaySetting {
	match sp_io::offchain::local_storage_get(StorageKind::PERSISTENT, GATEWAY_URL_STORAGE_KEY) {
		None => GatewaySetting::Unset,
		Some(raw) if raw.iter().all(u8::is_ascii_whitespace) => GatewaySetting::Unset,
		Some(raw) => parse_gateway_url(&raw).map_or(GatewaySetting::Invalid, GatewaySetting::Url),
	}
}

/// The key of the confirmed cursor of the gateway at `url` (normalised).
pub fn cursor_key(url: &str) -> Vec<u8> {
	[CURSOR_KEY_PREFIX, url.as_bytes()].concat()
}

/// The confirmed cursor stored under `cursor`: 0 if none, or if the value is undecodable.
fn load_cursor(cursor: &StorageValueRef) -> Cursor {
	match cursor.get::<Cursor>() {
		Ok(Some(value)) => value,
		Ok(None) => 0,
		Err(StorageRetrievalError::Undecodable) => {
			log::warn!(
				target: LOG_TARGET,
				"the stored cursor is not a SCALE u64; relaying from the gateway's start",
			);
			0
		},
	}
}

/// Fetches pages after the confirmed cursor, advances the cursor over pages that hold nothing
/// new and nothing held, and submits the first new readings found (see the module
/// documentation).
fn relay<T: Config>(url: &str, authorization: &str, partition: Partition, block: u64) -> RunReport {
	let key = cursor_key(url);
	let cursor = StorageValueRef::persistent(&key);
	let confirmed = load_cursor(&cursor);
	let mut report =
		RunReport { cursor_before: confirmed, cursor_after: confirmed, ..Default::default() };
	let limit = T::MaxBatch::get();
	let now_ms = <T as Config>::Time::now();
	// The scan cursor: how far runs have looked past held readings (never behind the
	// confirmed cursor). Runs of even blocks start at the confirmed cursor, retrying held
	// readings; runs of odd blocks start at the scan cursor, so readings that arrive behind a
	// long run of held ones are relayed all the same.
	let scan_key = scan_key(url);
	let scan_ref = StorageValueRef::persistent(&scan_key);
	let saved_scan = load_cursor(&scan_ref).max(confirmed);
	let from_scan = block % 2 == 1 && saved_scan > confirmed;
	let mut scan = if from_scan { saved_scan } else { confirmed };
	let mut pinned = from_scan;
	// What the chain would hold after this run's new readings, meter by meter, so that a
	// meter's readings on a later page are judged after those of earlier pages.
	let mut states = BTreeMap::new();
	let mut new: Vec<SignedReading> = Vec::new();
	let sizes = batches::batch_sizes::<T>();
	let capacity = sizes.iter().map(|&size| size as usize).sum::<usize>();

	for _ in 0..MAX_PAGES_PER_RUN {
		let page = match fetch_page(url, authorization, scan, limit) {
			Ok(page) => page,
			Err(error) => {
				report.error = Some(error);
				break;
			},
		};
		report.pages.saturating_inc();
		report.fetched = report.fetched.saturating_add(page.readings.len() as u32);
		if page.readings.is_empty() {
			break;
		}

		let full = page.readings.len() >= limit as usize;
		let sorted = sort_page::<T>(&page.readings, now_ms, partition, &mut states);
		report.on_chain = report.on_chain.saturating_add(sorted.on_chain);
		report.refused = report.refused.saturating_add(sorted.refused);
		report.held = report.held.saturating_add(sorted.held);
		report.deferred = report.deferred.saturating_add(sorted.deferred);
		report.new = report.new.saturating_add(sorted.new.len() as u32);
		if !sorted.new.is_empty() {
			// The cursor stays before these readings until a later run finds them on chain;
			// the run reads on (a full page: the gateway has more) while more batches fit.
			new.extend(sorted.new);
			if !full || new.len() >= capacity {
				break;
			}
			pinned = true;
			scan = page.next;
			continue;
		}
		pinned |= sorted.held > 0 || sorted.deferred > 0;
		if !pinned {
			// Everything up to `page.next` is on chain or will never be: confirmed.
			cursor.set(&page.next);
			report.cursor_after = page.next;
		}
		// Held readings pin the confirmed cursor; the scan goes on past them.
		scan = page.next;
		if scan > saved_scan && new.is_empty() {
			scan_ref.set(&scan);
		}
	}
	if !new.is_empty() {
		let batches = batches::pack(new, &sizes);
		report.batches = batches.len() as u32;
		let (submitted, refused) = batches::submit_all::<T>(batches);
		report.submitted = submitted;
		report.pool_refused = refused > 0;
	}
	report
}

/// The key of the scan cursor of the gateway at `url`: [`SCAN_KEY_PREFIX`] and the URL.
pub fn scan_key(url: &str) -> Vec<u8> {
	[SCAN_KEY_PREFIX, url.as_bytes()].concat()
}

fn log_report<B: fmt::Debug>(block: B, report: &RunReport) {
	let RunReport {
		pages,
		fetched,
		on_chain,
		refused,
		held,
		deferred,
		new,
		submitted,
		batches,
		pool_refused,
		cursor_before,
		cursor_after,
		ref error,
	} = *report;
	if let Some(error) = error {
		log::warn!(
			target: LOG_TARGET,
			"block {block:?}: gateway request after cursor {cursor_after} failed: {error}; \
			 retrying next block (this run: {pages} page(s), {fetched} reading(s) fetched, \
			 cursor {cursor_before} -> {cursor_after})",
		);
	}
	if pool_refused {
		log::warn!(
			target: LOG_TARGET,
			"block {block:?}: the transaction pool did not take the batch of {new} new \
			 reading(s) (already pooled, pool full or invalid); retrying next block",
		);
	}
	if fetched == 0 {
		log::debug!(
			target: LOG_TARGET,
			"block {block:?}: no new readings at the gateway (cursor {cursor_after})",
		);
	} else {
		log::info!(
			target: LOG_TARGET,
			"block {block:?}: fetched {fetched} reading(s) in {pages} page(s): {on_chain} \
			 already on chain, {refused} refused, {held} held, {deferred} another relayer's, \
			 {new} new, {submitted} submitted in {batches} batch(es); cursor {cursor_before} \
			 -> {cursor_after}",
		);
	}
}

/// The most bytes a page of at most `limit` readings encodes to.
pub fn max_page_len(limit: u32) -> usize {
	let entry = Cursor::max_encoded_len().saturating_add(SignedReading::max_encoded_len());
	Compact::<u32>::max_encoded_len()
		.saturating_add((limit as usize).saturating_mul(entry))
		.saturating_add(Cursor::max_encoded_len())
}

/// Fetches the page of at most `limit` readings after `after` from the gateway at `base`,
/// with the relayer's `authorization`.
fn fetch_page(
	base: &str,
	authorization: &str,
	after: Cursor,
	limit: u32,
) -> Result<ReadingsPage, FetchError> {
	let url = format!("{base}{READINGS_PATH}?after={after}&limit={limit}");
	let deadline = sp_io::offchain::timestamp().add(Duration::from_millis(HTTP_TIMEOUT_MS));
	let pending = http::Request::get(&url)
		.add_header("Accept", SCALE_CONTENT_TYPE)
		.add_header("Authorization", authorization)
		.deadline(deadline)
		.send()
		.map_err(FetchError::Send)?;
	let response = match pending.try_wait(deadline) {
		Err(_still_pending) => return Err(FetchError::Timeout),
		Ok(Err(http::Error::DeadlineReached)) => return Err(FetchError::Timeout),
		Ok(Err(http::Error::IoError)) => return Err(FetchError::Connection),
		Ok(Err(http::Error::Unknown)) => return Err(FetchError::InvalidRequest),
		Ok(Ok(response)) => response,
	};
	if response.code != 200 {
		return Err(FetchError::Status(response.code));
	}
	check_content_type(&sp_io::offchain::http_response_headers(response.id))?;
	let body = read_body(response.id, deadline, max_page_len(limit))?;
	let page = ReadingsPage::decode_all(&mut &body[..])
		.map_err(|_| FetchError::Undecodable { len: body.len() as u32 })?;
	check_page(page, after, limit)
}

/// Refuses an answer whose content type is given and is not `application/scale`.
fn check_content_type(headers: &[(Vec<u8>, Vec<u8>)]) -> Result<(), FetchError> {
	let Some((_, value)) =
		headers.iter().find(|(name, _)| name.eq_ignore_ascii_case(b"content-type"))
	else {
		return Ok(());
	};
	let value = String::from_utf8_lossy(value);
	let media_type = value.split(';').next().unwrap_or_default().trim();
	if media_type.eq_ignore_ascii_case(SCALE_CONTENT_TYPE) {
		Ok(())
	} else {
		Err(FetchError::ContentType(String::from(value.trim())))
	}
}

/// Reads the body of the answer to request `id`, before `deadline`, refusing more than
/// `max_len` bytes.
fn read_body(
	id: HttpRequestId,
	deadline: Timestamp,
	max_len: usize,
) -> Result<Vec<u8>, FetchError> {
	let too_large = FetchError::BodyTooLarge { limit: max_len.try_into().unwrap_or(u32::MAX) };
	let mut body = Vec::new();
	let mut buffer = [0u8; 4096];
	loop {
		let read = sp_io::offchain::http_response_read_body(id, &mut buffer, Some(deadline))
			.map_err(FetchError::Body)?;
		if read == 0 {
			return Ok(body);
		}
		let chunk = buffer.get(..read as usize).ok_or(FetchError::Body(HttpError::IoError))?;
		if body.len().saturating_add(chunk.len()) > max_len {
			return Err(too_large);
		}
		body.extend_from_slice(chunk);
	}
}

/// Checks that `page` answers a request for at most `limit` readings after `after`, cutting
/// it to `limit` readings if it is longer.
fn check_page(
	mut page: ReadingsPage,
	after: Cursor,
	limit: u32,
) -> Result<ReadingsPage, FetchError> {
	let mut previous = after;
	for (cursor, _) in &page.readings {
		if *cursor <= previous {
			return Err(FetchError::Inconsistent(
				"reading cursors are not strictly increasing after the requested cursor",
			));
		}
		previous = *cursor;
	}
	// `next` is the last reading's cursor (or the requested one for an empty page): a
	// gateway that answers a cursor ahead of what it served (up to `u64::MAX`) would make the
	// worker skip readings it never saw.
	if page.next < previous {
		return Err(FetchError::Inconsistent("the next cursor is before the last reading's"));
	}
	if page.next > previous {
		return Err(FetchError::Inconsistent("the next cursor is ahead of the readings served"));
	}
	if page.readings.len() > limit as usize {
		log::warn!(
			target: LOG_TARGET,
			"the gateway answered {} readings for a limit of {limit}: keeping {limit}",
			page.readings.len(),
		);
		page.readings.truncate(limit as usize);
		if let Some((last, _)) = page.readings.last() {
			page.next = *last;
		}
	}
	Ok(page)
}

pub mod batches;
pub mod partition;
mod sorting;
#[cfg(test)]
mod tests;
