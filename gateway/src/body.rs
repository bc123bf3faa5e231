//! The bodies of `POST /v1/readings`: their size limits, computed from the longest reading a
//! full batch can carry, and their decoding, JSON straight into a bounded batch or SCALE, after
//! the body was read within its limit and timeout.

use crate::{
	api::ApiError,
	ingest::{IngestError, MAX_BATCH},
};
use axum::{
	body::Body,
	http::{header, HeaderMap, StatusCode},
};
use codec::{Compact, Decode};
use http_body_util::{BodyExt, LengthLimitError, Limited};
use hyper::body::Bytes;
use serde::{
	de::{Error as _, IgnoredAny, SeqAccess, Visitor},
	Deserialize, Deserializer as _,
};
use std::{fmt, time::Duration};
use wattcoin_primitives::{
	gateway::SCALE_CONTENT_TYPE,
	reading::{SignedReading, READING_LEN},
};

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

#[derive(Clone, Copy)]
pub(crate) enum BodyFormat {
	Json,
	Scale,
}

impl BodyFormat {
	/// The largest body of this format a full batch needs.
	pub(crate) fn max_body(self) -> usize {
		match self {
			Self::Json => MAX_JSON_BODY_BYTES,
			Self::Scale => MAX_SCALE_BODY_BYTES,
		}
	}

	/// Decodes a body of this format into a batch.
	pub(crate) fn decode(self, body: &[u8]) -> Result<Vec<SignedReading>, ApiError> {
		match self {
			Self::Json => decode_json_batch(body),
			Self::Scale => decode_scale_batch(body),
		}
	}
}

pub(crate) fn body_format(headers: &HeaderMap) -> Result<BodyFormat, ApiError> {
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
pub(crate) fn body_too_large(limit: usize) -> ApiError {
	ApiError::new(
		StatusCode::PAYLOAD_TOO_LARGE,
		format!("body larger than {limit} bytes, the most a batch of {MAX_BATCH} readings needs"),
		None,
	)
	.closing()
}

/// The whole body, at most `limit` bytes, arrived within `timeout`.
pub(crate) async fn read_body(
	body: Body,
	limit: usize,
	timeout: Duration,
) -> Result<Bytes, ApiError> {
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

#[cfg(test)]
mod tests {
	use super::*;
	use codec::Encode;
	use serde::Serialize;

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
