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

use crate::{
	ingest::{IngestError, Ingestor, MAX_BATCH},
	store::{StoreError, StoredReading},
};
use axum::{
	extract::{rejection::BytesRejection, DefaultBodyLimit, RawQuery, State},
	http::{header, HeaderMap, HeaderValue, StatusCode},
	response::{IntoResponse, Response},
	routing::get,
	Json, Router,
};
use codec::{Compact, Decode, Encode};
use hyper::body::Bytes;
use serde::{Deserialize, Serialize};
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
/// The largest request body accepted (a full batch of [`MAX_BATCH`] JSON readings fits).
pub const MAX_BODY_BYTES: usize = 8 * 1024 * 1024;

/// An error answer: a status and `{"error": ..., "index": ...}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ApiError {
	/// The HTTP status.
	pub status: StatusCode,
	/// What is wrong.
	pub error: String,
	/// The position in the batch of the reading at fault.
	pub index: Option<usize>,
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
		Self { status, error: error.into(), index }
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
		(self.status, Json(ErrorBody { error: self.error, index: self.index })).into_response()
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

#[derive(Clone)]
struct AppState {
	ingestor: Ingestor,
}

/// The gateway's routes.
pub fn router(ingestor: Ingestor) -> Router {
	Router::new()
		.route(READINGS_PATH, get(get_readings).post(post_readings))
		.route("/healthz", get(healthz))
		.fallback(not_found)
		.method_not_allowed_fallback(method_not_allowed)
		.layer(DefaultBodyLimit::max(MAX_BODY_BYTES))
		.with_state(AppState { ingestor })
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

enum BodyFormat {
	Json,
	Scale,
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
		)),
	}
}

/// Parses a JSON body: one signed reading or an array of them.
pub fn decode_json_batch(body: &[u8]) -> Result<Vec<SignedReading>, ApiError> {
	let value: serde_json::Value = serde_json::from_slice(body)
		.map_err(|e| ApiError::bad_request(format!("malformed JSON: {e}"), None))?;
	let reading = |index: usize, value: serde_json::Value| {
		SignedReading::deserialize(value).map_err(|e| {
			ApiError::bad_request(format!("malformed signed reading: {e}"), Some(index))
		})
	};
	match value {
		serde_json::Value::Array(items) => {
			if items.len() > MAX_BATCH {
				return Err(IngestError::TooLarge(items.len()).into());
			}
			items.into_iter().enumerate().map(|(i, item)| reading(i, item)).collect()
		},
		object @ serde_json::Value::Object(_) => Ok(vec![reading(0, object)?]),
		_ => Err(ApiError::bad_request(
			"expected a signed reading (a JSON object) or an array of them",
			None,
		)),
	}
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

async fn post_readings(
	State(state): State<AppState>,
	headers: HeaderMap,
	body: Result<Bytes, BytesRejection>,
) -> Result<(StatusCode, Json<PostResponse>), ApiError> {
	let result = async {
		let body = body.map_err(|r| ApiError::new(r.status(), r.body_text(), None))?;
		let batch = match body_format(&headers)? {
			BodyFormat::Json => decode_json_batch(&body)?,
			BodyFormat::Scale => decode_scale_batch(&body)?,
		};
		let ingestor = state.ingestor.clone();
		let report = tokio::task::spawn_blocking(move || ingestor.ingest(&batch))
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
	headers: HeaderMap,
	RawQuery(query): RawQuery,
) -> Result<Response, ApiError> {
	let (after, limit) = parse_page_query(query.as_deref())?;
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

async fn healthz(State(state): State<AppState>) -> Result<Json<Health>, ApiError> {
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
}
