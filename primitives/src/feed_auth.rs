//! How readers of the gateway's reading feeds prove who they are (`docs/protocol.md`, "Who can
//! read what").
//!
//! A household's readings are its load curve, personal data. The gateway serves them to two
//! kinds of reader only, each proving itself with a signature in the `Authorization` header:
//!
//! - **relayers** (the nodes' off-chain workers), on `GET /v1/readings`, the whole feed: the
//!   header is `WattcoinRelayer key=0x<sr25519 public key>, at=<ms>, signature=0x<64 bytes>`,
//!   the signature by that key over [`relayer_message`]. The gateway takes keys of the chain's
//!   current block authors (Aura authorities at its finalized head) and those it was given with
//!   `--relayer`.
//! - **a meter's owner**, on `GET /v1/meters/{meter}/readings`, that meter's readings since it
//!   became theirs: the header is `WattcoinOwner account=<SS58 or 0x hex>, at=<ms>,
//!   signature=0x<hex>`, the signature by the account's key (sr25519, ed25519 or ecdsa, as a
//!   wallet signs) over the text of [`owner_message`], bare or wrapped in `<Bytes>...</Bytes>`
//!   as polkadot.js extensions wrap what they sign.
//!
//! `at` is the reader's clock in ms since the Unix epoch; the gateway refuses a header more than
//! [`AUTH_MAX_SKEW_MS`] away from its own clock, so a captured header is of use for minutes, not
//! for good. Both messages name the chain's genesis hash, so a header for one chain is refused
//! by another chain's gateway.

use alloc::{format, string::String, vec::Vec};
use sp_core::{hexdisplay::HexDisplay, H256};

/// The `Authorization` scheme of relayers.
pub const RELAYER_SCHEME: &str = "WattcoinRelayer";

/// The `Authorization` scheme of meters' owners.
pub const OWNER_SCHEME: &str = "WattcoinOwner";

/// The domain tag that starts a relayer's message.
pub const RELAYER_TAG: &[u8] = b"wattcoin/feed/relayer/v1";

/// The domain tag that starts an owner's message.
pub const OWNER_TAG: &str = "wattcoin/feed/owner/v1";

/// How far the `at` of a header may be from the gateway's clock, in ms (either way).
pub const AUTH_MAX_SKEW_MS: u64 = 5 * 60 * 1_000;

/// What a relayer signs to read the feed of the chain with `genesis_hash` at `at_ms`: the bytes
/// of [`RELAYER_TAG`], the 32 bytes of the genesis hash, `at_ms` as 8 bytes little endian.
pub fn relayer_message(genesis_hash: H256, at_ms: u64) -> Vec<u8> {
	[RELAYER_TAG, genesis_hash.as_bytes(), &at_ms.to_le_bytes()].concat()
}

/// What the owner of `meter` signs to read its readings at `at_ms`, as text (a wallet shows it
/// to its user before signing): `wattcoin/feed/owner/v1:0x<genesis hash>:<meter>:<at_ms>`.
pub fn owner_message(genesis_hash: H256, meter: crate::MeterId, at_ms: u64) -> String {
	format!("{OWNER_TAG}:0x{}:{meter}:{at_ms}", HexDisplay::from(&genesis_hash.as_bytes()))
}

/// The `Authorization` header value of a relayer with the sr25519 public key `key` whose
/// `signature` over [`relayer_message`] was made at `at_ms`.
pub fn relayer_authorization(key: &[u8], at_ms: u64, signature: &[u8]) -> String {
	format!(
		"{RELAYER_SCHEME} key=0x{}, at={at_ms}, signature=0x{}",
		HexDisplay::from(&key),
		HexDisplay::from(&signature)
	)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn messages_are_as_documented() {
		let genesis = H256::repeat_byte(0xab);
		let message = relayer_message(genesis, 0x0102);
		assert_eq!(&message[..24], b"wattcoin/feed/relayer/v1");
		assert_eq!(&message[24..56], &[0xab; 32]);
		assert_eq!(&message[56..], &[2, 1, 0, 0, 0, 0, 0, 0]);
		assert_eq!(
			owner_message(genesis, 1_000, 1_767_225_600_000),
			format!("wattcoin/feed/owner/v1:0x{}:1000:1767225600000", "ab".repeat(32))
		);
		assert_eq!(
			relayer_authorization(&[1, 2], 7, &[0xff]),
			"WattcoinRelayer key=0x0102, at=7, signature=0xff"
		);
	}
}
