//! The HTTP API.
//!
//! - `POST /v1/readings`: one signed reading or a JSON array of them (the JSON form of
//!   `docs/protocol.md`), or with `Content-Type: application/scale` the SCALE encoding of a
//!   `Vec<SignedReading>`. The batch is checked and stored all or nothing; `201 Created` if
//!   something new was stored, `200 OK` if every reading was already stored (a
//!   resubmission is idempotent), with `{"accepted", "new", "duplicates", "cursors"}`.
//! - `GET /v1/readings?after=CURSOR&limit=N`, for relayers only (`Authorization:
//!   WattcoinRelayer ...`, see [`crate::readers`]): the readings with a cursor above `after`
//!   (default 0), in cursor order, at most `min(N, MAX_LIMIT)` (default [`DEFAULT_LIMIT`]);
//!   SCALE `ReadingsPage` with `Accept: application/scale`, JSON otherwise.
//! - `GET /v1/meters/{meter}/readings?after=CURSOR&limit=N`, for the meter's owner only
//!   (`Authorization: WattcoinOwner ...`): its readings since it became the owner's, each
//!   with its outcome ([`crate::owners`]), JSON;
//! - `GET /v1/meters/{meter}/billing?after=BLOCK&limit=N`, for the meter's owner only: its
//!   billing history ([`crate::billing`]), JSON. Both are in [`owner`].
//! - `GET /v1/meters/{meter}/outcomes?after=SEQ&limit=N`, public: what became of each of the
//!   meter's readings, by `seq`, without consumption.
//! - `GET /healthz`: status, stored readings, last cursor.
//!
//! Every error is a JSON `{"error": "...", "index": i}`, `index` being the position in the
//! batch of the reading at fault, or `null` when the error is not about one reading.
//!
//! Reads and POSTs are served from separate bounded pools (see [`crate::limits`]): over a
//! bound the answer is at once `503` with `Retry-After`. A POST's body is refused for its
//! size before it is read when its `Content-Length` says it is too large, and before it is
//! parsed otherwise; a body that does not arrive within the body timeout is `408`.

mod owner;

pub use crate::body::{
	decode_json_batch, decode_scale_batch, JSON_WHITESPACE_PER_READING, MAX_JSON_BODY_BYTES,
	MAX_JSON_READING_LEN, MAX_SCALE_BODY_BYTES,
};
use crate::{
	body::{body_format, body_too_large, read_body},
	ingest::now_ms,
	ingest::{IngestError, Ingestor},
	limits::{Limits, PeerSlot, PerPeer, RETRY_AFTER_SECS},
	outcomes::ReadingOutcome,
	readers::Readers,
	store::{StoreError, StoredReading},
	supply::{SupplyCommand, SupplyError, SupplySource},
	web::WebApp,
};
use axum::{
	extract::{FromRequestParts, Path, RawQuery, Request, State},
	http::{header, request::Parts, HeaderMap, HeaderValue, Method, StatusCode, Uri},
	response::{IntoResponse, Response},
	routing::get,
	Json, Router,
};
use codec::Encode;
use serde::{Deserialize, Serialize};
use std::{
	net::{IpAddr, SocketAddr},
	sync::Arc,
	time::Duration,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use wattcoin_primitives::{
	gateway::{Cursor, ReadingsPage, READINGS_PATH, SCALE_CONTENT_TYPE},
	reading::SignedReading,
	MeterId,
};

/// The most readings one `GET /v1/readings` answers, whatever `limit` asks.
pub const MAX_LIMIT: u32 = 1000;
/// How many readings `GET /v1/readings` answers without `limit`.
pub const DEFAULT_LIMIT: u32 = 100;

/// An error answer: a status and `{"error": ..., "index": ...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
	/// The HTTP status.
	pub status: StatusCode,
	/// What is wrong.
	pub error: String,
	/// The position in the batch of the reading at fault.
	pub index: Option<usize>,
	/// Seconds the client should wait before it tries again (`Retry-After`).
	pub retry_after: Option<u64>,
	/// Whether the connection is closed after the answer (the request's body may be unread).
	pub close: bool,
	/// The scheme a `401` asks for (`WWW-Authenticate`).
	pub www_authenticate: Option<&'static str>,
}

/// The JSON body of an error.
#[derive(Serialize, Deserialize, Debug, PartialEq, Eq)]
pub struct ErrorBody {
	/// What is wrong.
	pub error: String,
	/// The position in the batch of the reading at fault, if the error is about one.
	pub index: Option<usize>,
}

impl ApiError {
	pub(crate) fn new(status: StatusCode, error: impl Into<String>, index: Option<usize>) -> Self {
		Self {
			status,
			error: error.into(),
			index,
			retry_after: None,
			close: false,
			www_authenticate: None,
		}
	}

	/// `503`: over the bound of `what`, try again in [`RETRY_AFTER_SECS`].
	fn busy(what: &str) -> Self {
		Self {
			retry_after: Some(RETRY_AFTER_SECS),
			..Self::new(
				StatusCode::SERVICE_UNAVAILABLE,
				format!(
					"the gateway is busy: too many {what} at once; retry in {RETRY_AFTER_SECS} s"
				),
				None,
			)
		}
	}

	/// The same error, closing the connection after it.
	pub(crate) fn closing(self) -> Self {
		Self { close: true, ..self }
	}

	pub(crate) fn bad_request(error: impl Into<String>, index: Option<usize>) -> Self {
		Self::new(StatusCode::BAD_REQUEST, error, index)
	}

	fn internal(error: impl std::fmt::Display) -> Self {
		tracing::error!("internal error: {error}");
		Self::new(StatusCode::INTERNAL_SERVER_ERROR, format!("internal error: {error}"), None)
	}
}

impl IntoResponse for ApiError {
	fn into_response(self) -> Response {
		let mut response =
			(self.status, Json(ErrorBody { error: self.error, index: self.index })).into_response();
		let headers = response.headers_mut();
		if let Some(secs) = self.retry_after {
			headers.insert(header::RETRY_AFTER, HeaderValue::from(secs));
		}
		if self.close {
			headers.insert(header::CONNECTION, HeaderValue::from_static("close"));
		}
		if let Some(scheme) = self.www_authenticate {
			headers.insert(header::WWW_AUTHENTICATE, HeaderValue::from_static(scheme));
		}
		response
	}
}

impl From<IngestError> for ApiError {
	fn from(err: IngestError) -> Self {
		let message = err.to_string();
		match err {
			IngestError::Empty => Self::bad_request(message, None),
			IngestError::TooLarge(_) => Self::new(StatusCode::PAYLOAD_TOO_LARGE, message, None),
			IngestError::Rejected { index, rejection } => {
				Self::new(StatusCode::UNPROCESSABLE_ENTITY, rejection.to_string(), Some(index))
			},
			IngestError::Store(StoreError::Conflict { index, .. }) => {
				Self::new(StatusCode::CONFLICT, message, Some(index))
			},
			IngestError::Store(err) => Self::internal(err),
		}
	}
}

/// The answer to an accepted `POST /v1/readings`.
#[derive(Serialize, Deserialize, Debug, PartialEq, Eq)]
pub struct PostResponse {
	/// How many readings the batch had (all accepted).
	pub accepted: usize,
	/// How many were stored now.
	pub new: usize,
	/// How many were already stored (not stored again).
	pub duplicates: usize,
	/// The cursor of each reading of the batch, in batch order.
	pub cursors: Vec<Cursor>,
}

/// One reading of a JSON page: its cursor and the JSON form of the signed reading.
#[derive(Serialize)]
struct JsonEntry<'a> {
	cursor: Cursor,
	#[serde(flatten)]
	signed: &'a SignedReading,
}

#[derive(Serialize)]
struct JsonPage<'a> {
	readings: Vec<JsonEntry<'a>>,
	next: Cursor,
}

/// The answer of `GET /healthz`.
#[derive(Serialize, Deserialize, Debug, PartialEq, Eq)]
pub struct Health {
	/// `"ok"`.
	pub status: String,
	/// How many readings are stored.
	pub readings: u64,
	/// The cursor of the last stored reading (0: none).
	pub last_cursor: Cursor,
	/// How many meters the gateway accepts readings from.
	pub meters: usize,
	/// The genesis hash signatures are checked against.
	pub genesis_hash: String,
}

/// The address of the client of a connection, which the server puts in each request's
/// extensions.
#[derive(Clone, Copy, Debug)]
pub struct PeerAddr(pub SocketAddr);

/// The client's address, if the server told it.
struct Peer(Option<IpAddr>);

impl<S: Send + Sync> FromRequestParts<S> for Peer {
	type Rejection = std::convert::Infallible;

	async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
		Ok(Self(parts.extensions.get::<PeerAddr>().map(|peer| peer.0.ip())))
	}
}

/// The bounded pools requests take a slot of.
struct Pools {
	/// Reads served at once.
	reads: Arc<Semaphore>,
	/// Reads served at once per client address.
	peer_reads: Arc<PerPeer>,
	/// POSTs whose body is being received or processed.
	uploads: Arc<Semaphore>,
	/// POSTed batches being parsed, verified and stored.
	ingests: Arc<Semaphore>,
	/// How long a body may take to arrive.
	body_timeout: Duration,
}

/// A read's slots, given back when dropped.
struct ReadSlot {
	_permit: OwnedSemaphorePermit,
	_peer: Option<PeerSlot>,
}

impl Pools {
	fn new(limits: &Limits) -> Self {
		Self {
			reads: Arc::new(Semaphore::new(limits.max_reads)),
			peer_reads: PerPeer::new(limits.max_reads_per_peer),
			uploads: Arc::new(Semaphore::new(limits.max_uploads)),
			ingests: Arc::new(Semaphore::new(limits.max_ingests)),
			body_timeout: limits.body_timeout,
		}
	}

	/// A read slot for `peer`, or `503` at once.
	fn read_slot(&self, peer: Option<IpAddr>) -> Result<ReadSlot, ApiError> {
		let peer_slot = match peer {
			Some(ip) => Some(
				self.peer_reads
					.try_acquire(ip)
					.ok_or_else(|| ApiError::busy("reads from your address"))?,
			),
			None => None,
		};
		let permit = self.reads.clone().try_acquire_owned().map_err(|_| ApiError::busy("reads"))?;
		Ok(ReadSlot { _permit: permit, _peer: peer_slot })
	}
}

#[derive(Clone)]
struct AppState {
	ingestor: Ingestor,
	readers: Arc<Readers>,
	pools: Arc<Pools>,
	supply: Option<SupplySource>,
	web: Option<WebApp>,
}

/// The gateway's routes, serving the feeds to `readers`, with the pools of `limits`, and the
/// meters' supply commands from `supply` (a gateway following a node), and the web app's
/// files from `web` at every other path.
pub fn router(
	ingestor: Ingestor,
	readers: Arc<Readers>,
	limits: &Limits,
	supply: Option<SupplySource>,
	web: Option<WebApp>,
) -> Router {
	Router::new()
		.route(READINGS_PATH, get(get_readings).post(post_readings))
		.route("/v1/meters/{meter}/readings", get(owner::get_owner_readings))
		.route("/v1/meters/{meter}/billing", get(owner::get_billing))
		.route("/v1/meters/{meter}/outcomes", get(get_outcomes))
		.route("/v1/meters/{meter}/supply", get(get_supply))
		.route("/healthz", get(healthz))
		.fallback(not_found)
		.method_not_allowed_fallback(method_not_allowed)
		.with_state(AppState {
			ingestor,
			readers,
			pools: Arc::new(Pools::new(limits)),
			supply,
			web,
		})
}

/// The web app's file at the path, if it serves one; otherwise 404.
async fn not_found(State(state): State<AppState>, method: Method, uri: Uri) -> Response {
	match state.web.as_ref().and_then(|web| web.serve(&method, &uri)) {
		Some(response) => response,
		None => ApiError::new(StatusCode::NOT_FOUND, "not found", None).into_response(),
	}
}

async fn method_not_allowed() -> ApiError {
	ApiError::new(StatusCode::METHOD_NOT_ALLOWED, "method not allowed", None)
}

/// The media types (without parameters) of a header's values, lowercase.
fn media_types<'a>(
	headers: &'a HeaderMap,
	name: header::HeaderName,
) -> impl Iterator<Item = String> + 'a {
	headers
		.get_all(name)
		.iter()
		.filter_map(|value| value.to_str().ok())
		.flat_map(|value| value.split(','))
		.map(|item| item.split(';').next().unwrap_or("").trim().to_ascii_lowercase())
		.filter(|media| !media.is_empty())
}

/// Whether the client asks for SCALE (`Accept: application/scale`).
pub fn wants_scale(headers: &HeaderMap) -> bool {
	media_types(headers, header::ACCEPT).any(|media| media == SCALE_CONTENT_TYPE)
}

async fn post_readings(
	State(state): State<AppState>,
	request: Request,
) -> Result<(StatusCode, Json<PostResponse>), ApiError> {
	let result = async {
		let (parts, body) = request.into_parts();
		let format = body_format(&parts.headers)?;
		// Refused for its size before anything of it is read, when it says its size.
		let limit = format.max_body();
		let announced = parts.headers.get(header::CONTENT_LENGTH);
		if announced.and_then(|v| v.to_str().ok()?.parse::<u64>().ok()) > Some(limit as u64) {
			return Err(body_too_large(limit));
		}
		// A slot before the body is read: at most `max_uploads` bodies in memory.
		let _upload = state
			.pools
			.uploads
			.clone()
			.try_acquire_owned()
			.map_err(|_| ApiError::busy("POSTs").closing())?;
		let body = read_body(body, limit, state.pools.body_timeout).await?;
		// Parsing, verifying and storing wait for one of `max_ingests` slots (the queue is
		// bounded by the upload slots).
		let _ingest =
			state.pools.ingests.clone().acquire_owned().await.map_err(ApiError::internal)?;
		let ingestor = state.ingestor.clone();
		let report = tokio::task::spawn_blocking(move || {
			let batch = format.decode(&body)?;
			Ok::<_, ApiError>(ingestor.ingest(&batch)?)
		})
		.await
		.map_err(ApiError::internal)??;
		Ok::<_, ApiError>(report)
	}
	.await;
	match result {
		Ok(report) => {
			let response = PostResponse {
				accepted: report.outcomes.len(),
				new: report.new_count(),
				duplicates: report.duplicate_count(),
				cursors: report.cursors(),
			};
			tracing::info!(
				accepted = response.accepted,
				new = response.new,
				duplicates = response.duplicates,
				last_cursor = report.last_cursor().unwrap_or(0),
				"POST {READINGS_PATH}: batch accepted"
			);
			let status = if response.new > 0 { StatusCode::CREATED } else { StatusCode::OK };
			Ok((status, Json(response)))
		},
		Err(err) if err.status == StatusCode::SERVICE_UNAVAILABLE => {
			tracing::debug!("POST {READINGS_PATH}: {}", err.error);
			Err(err)
		},
		Err(err) => {
			tracing::warn!(
				status = err.status.as_u16(),
				index = ?err.index,
				"POST {READINGS_PATH}: refused: {}",
				err.error
			);
			Err(err)
		},
	}
}

/// Parses `after` and `limit`: unsigned integers, each at most once, `limit` at least 1;
/// nothing else.
pub fn parse_page_query(query: Option<&str>) -> Result<(Cursor, u32), ApiError> {
	let pairs: Vec<(String, String)> = serde_urlencoded::from_str(query.unwrap_or(""))
		.map_err(|e| ApiError::bad_request(format!("malformed query string: {e}"), None))?;
	let mut after: Option<Cursor> = None;
	let mut limit: Option<u64> = None;
	for (key, value) in pairs {
		let slot = match key.as_str() {
			"after" => &mut after,
			"limit" => &mut limit,
			other => {
				return Err(ApiError::bad_request(
					format!("unknown query parameter {other:?} (expected after and limit)"),
					None,
				))
			},
		};
		if slot.is_some() {
			return Err(ApiError::bad_request(format!("{key} given more than once"), None));
		}
		let number = value.parse::<u64>().map_err(|_| {
			ApiError::bad_request(format!("{key} must be an unsigned integer, not {value:?}"), None)
		})?;
		*slot = Some(number);
	}
	let limit = match limit {
		Some(0) => return Err(ApiError::bad_request("limit must be at least 1", None)),
		Some(n) => u32::try_from(n).unwrap_or(u32::MAX).min(MAX_LIMIT),
		None => DEFAULT_LIMIT,
	};
	Ok((after.unwrap_or(0), limit))
}

async fn get_readings(
	State(state): State<AppState>,
	Peer(peer): Peer,
	headers: HeaderMap,
	RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
	let (after, limit) = parse_page_query(query.as_deref())?;
	// Checked before a read slot is taken: readers that are no relayer never hold one.
	let relayer = state.readers.check_relayer(&headers, now_ms()).map_err(|err| {
		tracing::info!(?peer, "GET {READINGS_PATH}: refused: {err}");
		ApiError::from(err)
	})?;
	let _slot = state.pools.read_slot(peer).inspect_err(|err| {
		tracing::debug!(?peer, "GET {READINGS_PATH}: {}", err.error);
	})?;
	tracing::trace!(?peer, ?relayer, "GET {READINGS_PATH}: relayer");
	let store = state.ingestor.store().clone();
	let page: Vec<StoredReading> = tokio::task::spawn_blocking(move || store.page(after, limit))
		.await
		.map_err(ApiError::internal)?
		.map_err(ApiError::internal)?;
	let next = page.last().map_or(after, |r| r.cursor);
	tracing::debug!(after, limit, count = page.len(), next, "GET {READINGS_PATH}");
	if wants_scale(&headers) {
		let page = ReadingsPage {
			readings: page.into_iter().map(|r| (r.cursor, r.signed)).collect(),
			next,
		};
		Ok(([(header::CONTENT_TYPE, HeaderValue::from_static(SCALE_CONTENT_TYPE))], page.encode())
			.into_response())
	} else {
		let readings =
			page.iter().map(|r| JsonEntry { cursor: r.cursor, signed: &r.signed }).collect();
		Ok(Json(JsonPage { readings, next }).into_response())
	}
}

pub(crate) fn parse_meter(meter: &str) -> Result<MeterId, ApiError> {
	meter
		.parse()
		.map_err(|_| ApiError::bad_request(format!("meter must be a number, not {meter:?}"), None))
}

/// The outcomes of a meter's readings: `GET /v1/meters/{meter}/outcomes?after=SEQ&limit=N`.
/// Public: it shows no consumption, only what became of each `seq` on finalized blocks.
#[derive(Serialize)]
struct OutcomesPage {
	meter: MeterId,
	/// The last finalized block the gateway followed (`null`: it does not follow a node).
	followed_block: Option<u64>,
	outcomes: Vec<ReadingOutcome>,
}

async fn get_outcomes(
	State(state): State<AppState>,
	Peer(peer): Peer,
	Path(meter): Path<String>,
	RawQuery(query): RawQuery,
) -> Result<Json<OutcomesPage>, ApiError> {
	let meter = parse_meter(&meter)?;
	let (after, limit) = parse_page_query(query.as_deref())?;
	let _slot = state.pools.read_slot(peer)?;
	let store = state.ingestor.store().clone();
	let (followed, outcomes) = tokio::task::spawn_blocking(move || {
		Ok::<_, crate::store::StoreError>((store.followed()?, store.outcomes(meter, after, limit)?))
	})
	.await
	.map_err(ApiError::internal)?
	.map_err(ApiError::internal)?;
	Ok(Json(OutcomesPage { meter, followed_block: followed.map(|block| block.number), outcomes }))
}

/// A meter's supply command (`crate::supply`): public, as the chain state it proves is.
async fn get_supply(
	State(state): State<AppState>,
	Peer(peer): Peer,
	Path(meter): Path<String>,
) -> Result<Json<SupplyCommand>, ApiError> {
	let meter = parse_meter(&meter)?;
	let _slot = state.pools.read_slot(peer)?;
	let Some(source) = state.supply.as_ref() else {
		let why = "this gateway follows no node (--node-rpc): it has no supply commands";
		return Err(ApiError::new(StatusCode::NOT_FOUND, why, None));
	};
	let known = state.ingestor.meters().read().map_or(true, |m| m.get(meter).is_some());
	if !known {
		return Err(ApiError::new(StatusCode::NOT_FOUND, format!("unknown meter {meter}"), None));
	}
	match source.command(meter).await {
		Ok(command) => Ok(Json(command)),
		Err(e @ SupplyError::NotYet) => {
			Err(ApiError::new(StatusCode::SERVICE_UNAVAILABLE, e.to_string(), None))
		},
		Err(e) => Err(ApiError::new(StatusCode::BAD_GATEWAY, e.to_string(), None)),
	}
}

async fn healthz(
	State(state): State<AppState>,
	Peer(peer): Peer,
) -> Result<Json<Health>, ApiError> {
	let _slot = state.pools.read_slot(peer)?;
	let ingestor = state.ingestor.clone();
	let store = ingestor.store().clone();
	// A real read, so that a broken database shows here.
	let last_cursor = tokio::task::spawn_blocking(move || store.last_cursor_in_db())
		.await
		.map_err(ApiError::internal)?
		.map_err(|e| {
			tracing::error!("healthz: {e}");
			ApiError::new(StatusCode::SERVICE_UNAVAILABLE, format!("database: {e}"), None)
		})?;
	Ok(Json(Health {
		status: "ok".into(),
		readings: ingestor.store().count(),
		last_cursor,
		meters: ingestor.meters().read().map_or(0, |meters| meters.len()),
		genesis_hash: format!("{:?}", ingestor.genesis()),
	}))
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn accept_and_query_parsing() {
		let mut headers = HeaderMap::new();
		assert!(!wants_scale(&headers));
		headers
			.insert(header::ACCEPT, HeaderValue::from_static("text/html, Application/SCALE;q=0.9"));
		assert!(wants_scale(&headers));
		headers.insert(header::ACCEPT, HeaderValue::from_static("application/json"));
		assert!(!wants_scale(&headers));

		assert_eq!(parse_page_query(None).unwrap(), (0, DEFAULT_LIMIT));
		assert_eq!(parse_page_query(Some("after=5&limit=7")).unwrap(), (5, 7));
		assert_eq!(parse_page_query(Some("limit=100000")).unwrap(), (0, MAX_LIMIT));
		assert_eq!(
			parse_page_query(Some(&format!("after={}", u64::MAX))).unwrap(),
			(u64::MAX, DEFAULT_LIMIT)
		);
		for bad in ["after=x", "after=-1", "limit=0", "limit=1.5", "after=1&after=2", "foo=1"] {
			let err = parse_page_query(Some(bad)).unwrap_err();
			assert_eq!(err.status, StatusCode::BAD_REQUEST, "{bad}");
		}
	}

	#[tokio::test]
	async fn reads_over_their_bounds_are_503_at_once() {
		use sp_core::Pair;
		let dir = tempfile::tempdir().unwrap();
		let genesis = sp_core::H256::repeat_byte(4);
		let store =
			Arc::new(crate::store::Store::open(dir.path().join("db.sqlite"), genesis).unwrap());
		let ingestor =
			Ingestor::new(store, Arc::new(crate::meters::KnownMeters::new().into()), genesis);
		let limits = Limits { max_reads: 3, max_reads_per_peer: 2, ..Limits::default() };
		let relayer = sp_core::sr25519::Pair::from_string("//Relayer", None).unwrap();
		let readers = Arc::new(Readers::new(genesis, [relayer.public()], false));
		let state = AppState {
			ingestor,
			readers,
			pools: Arc::new(Pools::new(&limits)),
			supply: None,
			web: None,
		};
		let signed = move || {
			let at = now_ms();
			let message = wattcoin_primitives::feed_auth::relayer_message(genesis, at);
			let value = wattcoin_primitives::feed_auth::relayer_authorization(
				&relayer.public().0,
				at,
				&relayer.sign(&message).0,
			);
			let mut headers = HeaderMap::new();
			headers.insert(header::AUTHORIZATION, HeaderValue::from_str(&value).unwrap());
			headers
		};
		let a: IpAddr = "192.0.2.1".parse().unwrap();
		let b: IpAddr = "192.0.2.2".parse().unwrap();
		let read = |peer: Option<IpAddr>| {
			get_readings(State(state.clone()), Peer(peer), signed(), RawQuery(None))
		};
		// Two reads of `a` in flight: a third of `a` is refused, one of `b` is served.
		let held =
			[state.pools.read_slot(Some(a)).unwrap(), state.pools.read_slot(Some(a)).unwrap()];
		let err = read(Some(a)).await.unwrap_err();
		assert_eq!((err.status, err.retry_after), (StatusCode::SERVICE_UNAVAILABLE, Some(1)));
		assert!(err.error.contains("too many reads from your address"), "{err:?}");
		assert_eq!(read(Some(b)).await.unwrap().status(), StatusCode::OK);
		// Three in flight in all: everyone is refused, until one is done.
		let third = state.pools.read_slot(Some(b)).unwrap();
		let err = read(Some(b)).await.unwrap_err();
		assert!(err.error.contains("too many reads at once"), "{err:?}");
		let response = healthz(State(state.clone()), Peer(None)).await.unwrap_err().into_response();
		assert_eq!(response.headers()[header::RETRY_AFTER], "1");
		drop(third);
		assert_eq!(read(Some(b)).await.unwrap().status(), StatusCode::OK);
		drop(held);
		assert_eq!(read(Some(a)).await.unwrap().status(), StatusCode::OK);
	}
}
