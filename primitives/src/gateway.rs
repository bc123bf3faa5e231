//! What the meter gateway serves to relayers (the nodes' off-chain workers).
//!
//! `GET /v1/readings?after=CURSOR&limit=N` answers, with `Accept: application/scale`, the
//! SCALE encoding of a [`ReadingsPage`]; without it, the same page as JSON (see
//! `docs/protocol.md`). Cursors are the gateway's own, strictly increasing in the order it
//! accepted readings, and stable across restarts.

use crate::reading::SignedReading;
use alloc::vec::Vec;
use codec::{Decode, Encode};

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
