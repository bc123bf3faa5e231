//! What the meter gateway serves to relayers (the nodes' off-chain workers).
//!
//! `GET /v1/readings?after=CURSOR&limit=N` answers, with `Accept: application/scale`, the
//! SCALE encoding of a [`ReadingsPage`]; without it, the same page as JSON (see
//! `docs/protocol.md`). Cursors are the gateway's own, strictly increasing in the order it
//! accepted readings, and stable across restarts.

use crate::reading::SignedReading;
use alloc::{string::String, vec::Vec};
use codec::{Decode, DecodeAll, Encode};

/// A position in the gateway's stream of accepted readings. `0` is before the first.
pub type Cursor = u64;

/// The content type of SCALE-encoded pages.
pub const SCALE_CONTENT_TYPE: &str = "application/scale";

/// The path of the relayer endpoint.
pub const READINGS_PATH: &str = "/v1/readings";

/// The key, in the node's PERSISTENT off-chain storage, of the gateway's base URL
/// (e.g. `http://127.0.0.1:8080`): written by the node's `--meter-gateway` flag or over RPC
/// with `offchain_localStorageSet`, read by pallet-meters' off-chain worker.
pub const GATEWAY_URL_STORAGE_KEY: &[u8] = b"wattcoin::meters::gateway-url";

/// One page of readings, in cursor order.
#[derive(Clone, PartialEq, Eq, Encode, Decode, Debug)]
pub struct ReadingsPage {
	/// The readings after the requested cursor, each with its own cursor (strictly increasing).
	pub readings: Vec<(Cursor, SignedReading)>,
	/// The cursor to ask after next time: the last reading's, or the request's when empty.
	pub next: Cursor,
}

/// The longest gateway URL accepted, in bytes.
pub const MAX_URL_LEN: usize = 2_048;

/// The gateway's base URL from `raw`, as the node's `--meter-gateway` flag gives it or as
/// stored under [`GATEWAY_URL_STORAGE_KEY`]: the URL's UTF-8 bytes, or a SCALE-encoded string;
/// surrounding whitespace and trailing `/` removed. `None` unless it is an `http://` or
/// `https://` URL with a host, no query or fragment, of printable ASCII, at most
/// [`MAX_URL_LEN`] bytes. The node and the off-chain worker both use it, so a URL the node
/// accepts is one the worker uses.
pub fn parse_gateway_url(raw: &[u8]) -> Option<String> {
	normalise_url(raw).or_else(|| {
		Vec::<u8>::decode_all(&mut &raw[..]).ok().and_then(|inner| normalise_url(&inner))
	})
}

fn normalise_url(bytes: &[u8]) -> Option<String> {
	let url = core::str::from_utf8(bytes).ok()?.trim().trim_end_matches('/');
	let rest = url.strip_prefix("http://").or_else(|| url.strip_prefix("https://"))?;
	let valid = url.len() <= MAX_URL_LEN
		&& !rest.is_empty()
		&& !rest.starts_with('/')
		&& url.bytes().all(|byte| byte.is_ascii_graphic())
		&& !url.contains(['?', '#']);
	valid.then(|| String::from(url))
}
