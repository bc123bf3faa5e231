//! The HTTP API.
//!
//! - `POST /v1/readings`: one signed reading or a JSON array of them (the JSON form of
//!   `docs/protocol.md`), or with `Content-Type: application/scale` the SCALE encoding of a
//!   `Vec<SignedReading>`. The batch is checked and stored all or nothing; `201 Created` if
//!   something new was stored, `200 OK` if every reading was already stored (a
//!   resubmission is idempotent), with `{"accepted", "new", "duplicates", "cursors"}`.
//! - `GET /v1/readings?after=CURSOR&limit=N`: the readings with a cursor above `after`
//!   (default 0), in cursor order, at most `min(N, MAX_LIMIT)` (default [`DEFAULT_LIMIT`]);
//!   SCALE `ReadingsPage` with `Accept: application/scale`, JSON otherwise.
//! - `GET /healthz`: status, stored readings, last cursor.
//!
//! Every error is a JSON `{"error": "...", "index": i}`, `index` being the position in the
//! batch of the reading at fault, or `null` when the error is not about one reading.
//!
//! Reads and POSTs are served from separate bounded pools (see [`crate::limits`]): over a
//! bound the answer is at once `503` with `Retry-After`. A POST's body is refused for its
//! size before it is read when its `Content-Length` says it is too large, and before it is
//! parsed otherwise; a body that does not arrive within the body timeout is `408`.

use crate::{
	ingest::{IngestError, Ingestor, MAX_BATCH},
	limits::{Limits, PeerSlot, PerPeer, RETRY_AFTER_SECS},
	store::{StoreError, StoredReading},
};
use axum::{
	body::Body,
	extract::{FromRequestParts, RawQuery, Request, State},
	http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode},
	response::{IntoResponse, Response},
	routing::get,
	Json, Router,
};
use codec::{Compact, Decode, Encode};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Bytes;
use serde::{
	de::{Error as _, IgnoredAny, SeqAccess, Visitor},
	Deserialize, Deserializer as _, Serialize,
};
use std::{
	fmt,
	net::{IpAddr, SocketAddr},
	sync::Arc,
	time::Duration,
};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use wattcoin_primitives::{
	gateway::{Cursor, ReadingsPage, READINGS_PATH, SCALE_CONTENT_TYPE},
	reading::{SignedReading, READING_LEN},
};

/// The most readings one `GET /v1/readings` answers, whatever `limit` asks.
pub const MAX_LIMIT: u32 = 1000;
/// How many readings `GET /v1/readings` answers without `limit`.
pub const DEFAULT_LIMIT: u32 = 100;
/// The shortest SCALE-encoded signed reading: the reading, a scheme byte, 64 signature bytes.
const MIN_SIGNED_READING_LEN: usize = READING_LEN + 1 + 64;
/// The longest SCALE-encoded signed reading: the reading, a scheme byte, 65 signature bytes.
const MAX_SCALE_SIGNED_READING_LEN: usize = READING_LEN + 1 + 65;

/// The JSON form of a signed reading without its values (`docs/protocol.md`).
const JSON_READING_SKELETON: &str =
	r#"{"meter":,"seq":,"at_ms":,"cumulative_wh":,"flags":,"scheme":"","signature":"0x"}"#;
/// The longest scheme name with its signature in hex: `ecdsa` and 65 bytes, or `sr25519`
/// (`ed25519`) and 64 bytes, 135 characters either way.
const LONGEST_SCHEME_AND_SIGNATURE: usize = {
	let ecdsa = "ecdsa".len() + 2 * 65;
	let sr25519 = "sr25519".len() + 2 * 64;
	if ecdsa > sr25519 {
		ecdsa
	} else {
		sr25519
	}
};
/// The longest compact JSON form of one signed reading: four `u64` of 20 digits, flags of 3,
/// the longest scheme and signature (299 bytes).
pub const MAX_JSON_READING_LEN: usize =
	JSON_READING_SKELETON.len() + 4 * 20 + 3 + LONGEST_SCHEME_AND_SIGNATURE;
/// The whitespace a JSON batch may carry per reading: enough for a batch pretty-printed with
/// 4-space indentation and CRLF line ends (89 bytes a reading).
pub const JSON_WHITESPACE_PER_READING: usize = 128;
/// The largest JSON body accepted: a full batch of [`MAX_BATCH`] of the longest readings,
/// with commas, brackets and [`JSON_WHITESPACE_PER_READING`] (4,280,002 bytes).
pub const MAX_JSON_BODY_BYTES: usize =
	2 + MAX_BATCH * (MAX_JSON_READING_LEN + 1 + JSON_WHITESPACE_PER_READING);
/// The largest SCALE body accepted: a compact length (at most 5 bytes) and a full batch of
/// [`MAX_BATCH`] of the longest signed readings (990,005 bytes).
pub const MAX_SCALE_BODY_BYTES: usize = 5 + MAX_BATCH * MAX_SCALE_SIGNED_READING_LEN;

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
	fn new(status: StatusCode, error: impl Into<String>, index: Option<usize>) -> Self {
		Self { status, error: error.into(), index, retry_after: None, close: false }
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
	fn closing(self) -> Self {
		Self { close: true, ..self }
	}

	fn bad_request(error: impl Into<String>, index: Option<usize>) -> Self {
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
	pools: Arc<Pools>,
}

/// The gateway's routes, with the pools of `limits`.
pub fn router(ingestor: Ingestor, limits: &Limits) -> Router {
	Router::new()
		.route(READINGS_PATH, get(get_readings).post(post_readings))
		.route("/healthz", get(healthz))
		.fallback(not_found)
		.method_not_allowed_fallback(method_not_allowed)
		.with_state(AppState { ingestor, pools: Arc::new(Pools::new(limits)) })
}

async fn not_found() -> ApiError {
	ApiError::new(StatusCode::NOT_FOUND, "not found", None)
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

#[derive(Clone, Copy)]
enum BodyFormat {
	Json,
	Scale,
}

impl BodyFormat {
	/// The largest body of this format a full batch needs.
	fn max_body(self) -> usize {
		match self {
			Self::Json => MAX_JSON_BODY_BYTES,
			Self::Scale => MAX_SCALE_BODY_BYTES,
		}
	}

	fn decode(self, body: &[u8]) -> Result<Vec<SignedReading>, ApiError> {
		match self {
			Self::Json => decode_json_batch(body),
			Self::Scale => decode_scale_batch(body),
		}
	}
}

fn body_format(headers: &HeaderMap) -> Result<BodyFormat, ApiError> {
	let Some(value) = headers.get(header::CONTENT_TYPE) else { return Ok(BodyFormat::Json) };
	let media = value
		.to_str()
		.ok()
		.and_then(|v| v.split(';').next())
		.map(|m| m.trim().to_ascii_lowercase())
		.unwrap_or_default();
	match media.as_str() {
		"application/json" => Ok(BodyFormat::Json),
		SCALE_CONTENT_TYPE => Ok(BodyFormat::Scale),
		_ => Err(ApiError::new(
			StatusCode::UNSUPPORTED_MEDIA_TYPE,
			format!(
				"unsupported Content-Type {value:?}: send application/json or {SCALE_CONTENT_TYPE}"
			),
			None,
		)
		// The body is not read.
		.closing()),
	}
}

const EXPECTED_BATCH: &str = "expected a signed reading (a JSON object) or an array of them";

/// Reads a JSON array of signed readings straight into the batch, one reading at a time,
/// refusing it as soon as it has one reading more than [`MAX_BATCH`].
struct BatchVisitor<'a> {
	/// The index of the reading being read (the one at fault if reading fails).
	reading: &'a mut Option<usize>,
	/// Set when the array has more than [`MAX_BATCH`] readings.
	too_large: &'a mut bool,
}

impl<'de> Visitor<'de> for BatchVisitor<'_> {
	type Value = Vec<SignedReading>;

	fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.write_str("an array of signed readings")
	}

	fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
		let mut batch = Vec::new();
		loop {
			if batch.len() == MAX_BATCH {
				*self.reading = None;
				// Anything more is too much: refused without reading the rest.
				if seq.next_element::<IgnoredAny>()?.is_some() {
					*self.too_large = true;
					return Err(A::Error::custom("too many readings"));
				}
				return Ok(batch);
			}
			*self.reading = Some(batch.len());
			match seq.next_element::<SignedReading>()? {
				Some(signed) => batch.push(signed),
				None => {
					*self.reading = None;
					return Ok(batch);
				},
			}
		}
	}
}

/// Parses a JSON body: one signed reading or an array of them, read straight into the batch
/// (no `serde_json::Value` of the body is built), an array refused as soon as it has more
/// than [`MAX_BATCH`] readings.
pub fn decode_json_batch(body: &[u8]) -> Result<Vec<SignedReading>, ApiError> {
	let first = body.iter().find(|b| !matches!(b, b' ' | b'\t' | b'\n' | b'\r'));
	let mut de = serde_json::Deserializer::from_slice(body);
	let (mut reading, mut too_large) = (None, false);
	let result = match first {
		Some(b'{') => {
			reading = Some(0);
			SignedReading::deserialize(&mut de).map(|signed| vec![signed])
		},
		Some(b'[') => {
			de.deserialize_seq(BatchVisitor { reading: &mut reading, too_large: &mut too_large })
		},
		_ => {
			// Valid JSON of another kind, or not JSON.
			return Err(match IgnoredAny::deserialize(&mut de).and_then(|_| de.end()) {
				Ok(()) => ApiError::bad_request(EXPECTED_BATCH, None),
				Err(e) => ApiError::bad_request(format!("malformed JSON: {e}"), None),
			});
		},
	};
	result.and_then(|batch| de.end().map(|()| batch)).map_err(|e| {
		if too_large {
			return ApiError::new(
				StatusCode::PAYLOAD_TOO_LARGE,
				format!("batch of more than {MAX_BATCH} readings is larger than the limit of {MAX_BATCH}"),
				None,
			);
		}
		match (e.classify(), reading) {
			(serde_json::error::Category::Data, Some(index)) => {
				ApiError::bad_request(format!("malformed signed reading: {e}"), Some(index))
			},
			_ => ApiError::bad_request(format!("malformed JSON: {e}"), None),
		}
	})
}

/// Parses a SCALE body: a `Vec<SignedReading>`, nothing after it.
pub fn decode_scale_batch(body: &[u8]) -> Result<Vec<SignedReading>, ApiError> {
	let mut input = body;
	let Compact(len) = Compact::<u32>::decode(&mut input).map_err(|e| {
		ApiError::bad_request(format!("malformed SCALE Vec<SignedReading>: length: {e}"), None)
	})?;
	let len = len as usize;
	if len > MAX_BATCH {
		return Err(IngestError::TooLarge(len).into());
	}
	// Never trust the announced length for the allocation: at most what the body can hold.
	let mut batch = Vec::with_capacity(len.min(input.len() / MIN_SIGNED_READING_LEN + 1));
	for index in 0..len {
		let signed = SignedReading::decode(&mut input).map_err(|e| {
			ApiError::bad_request(format!("malformed SCALE SignedReading: {e}"), Some(index))
		})?;
		batch.push(signed);
	}
	if !input.is_empty() {
		return Err(ApiError::bad_request(
			format!("{} bytes after the SCALE Vec<SignedReading>", input.len()),
			None,
		));
	}
	Ok(batch)
}

/// `413`: a body over `limit` bytes.
fn body_too_large(limit: usize) -> ApiError {
	ApiError::new(
		StatusCode::PAYLOAD_TOO_LARGE,
		format!("body larger than {limit} bytes, the most a batch of {MAX_BATCH} readings needs"),
		None,
	)
	.closing()
}

/// The whole body, at most `limit` bytes, arrived within `timeout`.
async fn read_body(body: Body, limit: usize, timeout: Duration) -> Result<Bytes, ApiError> {
	match tokio::time::timeout(timeout, Limited::new(body, limit).collect()).await {
		Err(_) => Err(ApiError::new(
			StatusCode::REQUEST_TIMEOUT,
			format!("the body did not arrive within {} s of the headers", timeout.as_secs_f64()),
			None,
		)
		.closing()),
		Ok(Err(e)) if e.is::<LengthLimitError>() => Err(body_too_large(limit)),
		Ok(Err(e)) => {
			Err(ApiError::bad_request(format!("cannot read the body: {e}"), None).closing())
		},
		Ok(Ok(collected)) => Ok(collected.to_bytes()),
	}
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
	let _slot = state.pools.read_slot(peer).inspect_err(|err| {
		tracing::debug!(?peer, "GET {READINGS_PATH}: {}", err.error);
	})?;
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
		meters: ingestor.meters().len(),
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

	#[test]
	fn scale_batches_must_be_exact() {
		use sp_core::{ed25519, Pair, H256};
		use wattcoin_primitives::reading::Reading;
		let pair = ed25519::Pair::from_seed(&[1; 32]);
		let reading = Reading { meter: 1, seq: 1, at_ms: 2, cumulative_wh: 3, flags: 0 };
		let batch = vec![SignedReading::sign_ed25519(reading, H256::zero(), &pair); 2];
		let encoded = batch.encode();
		assert_eq!(decode_scale_batch(&encoded).unwrap(), batch);

		let mut trailing = encoded.clone();
		trailing.push(0);
		assert!(decode_scale_batch(&trailing).unwrap_err().error.contains("1 bytes after"));
		let truncated = decode_scale_batch(&encoded[..encoded.len() - 1]).unwrap_err();
		assert_eq!(truncated.index, Some(1));
		assert_eq!(decode_scale_batch(&[]).unwrap_err().index, None);
		// A huge announced length is refused before anything is allocated.
		let huge = Compact(u32::MAX).encode();
		assert_eq!(decode_scale_batch(&huge).unwrap_err().status, StatusCode::PAYLOAD_TOO_LARGE);
	}

	/// The longest JSON form of a signed reading: every integer at its maximum, and the
	/// longest signature (ecdsa's 65 bytes; sr25519's 64 with a longer scheme name tie).
	fn longest_json_readings() -> Vec<SignedReading> {
		use sp_core::{ecdsa, sr25519, Pair, H256};
		use wattcoin_primitives::reading::Reading;
		let max = Reading {
			meter: u64::MAX,
			seq: u64::MAX,
			at_ms: u64::MAX,
			cumulative_wh: u64::MAX,
			flags: u8::MAX,
		};
		vec![
			SignedReading::sign_ecdsa(max, H256::zero(), &ecdsa::Pair::from_seed(&[1; 32])),
			SignedReading::sign_sr25519(max, H256::zero(), &sr25519::Pair::from_seed(&[1; 32])),
		]
	}

	#[test]
	fn the_body_limit_is_what_a_full_batch_of_the_longest_json_readings_needs() {
		assert_eq!(MAX_JSON_READING_LEN, 299);
		for signed in longest_json_readings() {
			assert_eq!(serde_json::to_string(&signed).unwrap().len(), MAX_JSON_READING_LEN);
			// Pretty-printed with 4-space indentation and CRLF line ends.
			let mut pretty = Vec::new();
			let formatter = serde_json::ser::PrettyFormatter::with_indent(b"    ");
			let mut serializer = serde_json::Serializer::with_formatter(&mut pretty, formatter);
			vec![signed.clone(); MAX_BATCH].serialize(&mut serializer).unwrap();
			let pretty = String::from_utf8(pretty).unwrap().replace('\n', "\r\n");
			assert!(
				pretty.len() <= MAX_JSON_BODY_BYTES,
				"{} > {MAX_JSON_BODY_BYTES}",
				pretty.len()
			);
			// And not much more: at most 64 bytes a reading beyond that.
			assert!(
				MAX_JSON_BODY_BYTES - pretty.len() <= 64 * MAX_BATCH,
				"{MAX_JSON_BODY_BYTES} is far more than a full batch needs ({})",
				pretty.len()
			);
			assert!(vec![signed; MAX_BATCH].encode().len() <= MAX_SCALE_BODY_BYTES);
		}
		// SCALE: the longest batch (ecdsa signatures), and the longest compact length.
		let scale = vec![longest_json_readings()[0].clone(); MAX_BATCH].encode();
		assert_eq!(
			MAX_SCALE_BODY_BYTES - scale.len(),
			5 - Compact(MAX_BATCH as u32).encoded_size()
		);
		assert_eq!((MAX_JSON_BODY_BYTES, MAX_SCALE_BODY_BYTES), (4_280_002, 990_005));
	}

	#[tokio::test]
	async fn reads_over_their_bounds_are_503_at_once() {
		let dir = tempfile::tempdir().unwrap();
		let genesis = sp_core::H256::repeat_byte(4);
		let store =
			Arc::new(crate::store::Store::open(dir.path().join("db.sqlite"), genesis).unwrap());
		let ingestor = Ingestor::new(store, Arc::new(crate::meters::KnownMeters::new()), genesis);
		let limits = Limits { max_reads: 3, max_reads_per_peer: 2, ..Limits::default() };
		let state = AppState { ingestor, pools: Arc::new(Pools::new(&limits)) };
		let a: IpAddr = "192.0.2.1".parse().unwrap();
		let b: IpAddr = "192.0.2.2".parse().unwrap();
		let read = |peer: Option<IpAddr>| {
			get_readings(State(state.clone()), Peer(peer), HeaderMap::new(), RawQuery(None))
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

	#[test]
	fn an_array_over_max_batch_is_refused_while_it_is_read() {
		use sp_core::{ed25519, Pair, H256};
		use wattcoin_primitives::reading::Reading;
		let pair = ed25519::Pair::from_seed(&[1; 32]);
		let reading = Reading { meter: 1, seq: 1, at_ms: 2, cumulative_wh: 3, flags: 0 };
		let one = serde_json::to_string(&SignedReading::sign_ed25519(reading, H256::zero(), &pair))
			.unwrap();
		// MAX_BATCH + 1 readings, and the body ends there: the count is refused before the
		// parser reaches the end of the array (it never builds the whole batch).
		let body = format!("[{}", vec![one.as_str(); MAX_BATCH + 1].join(","));
		let err = decode_json_batch(body.as_bytes()).unwrap_err();
		assert_eq!(err.status, StatusCode::PAYLOAD_TOO_LARGE, "{err:?}");
		assert!(err.error.contains("larger than the limit of 10000"), "{err:?}");
		// Up to MAX_BATCH readings are read as usual.
		let body = format!("[{}]", vec![one.as_str(); MAX_BATCH].join(","));
		assert_eq!(decode_json_batch(body.as_bytes()).unwrap().len(), MAX_BATCH);
	}
}
