//! The chain's genesis hash: given on the command line, or asked of a node over JSON-RPC
//! (`chain_getBlockHash` with param `0`) at startup.

use crate::cli::websocket_url;
use hyper::Uri;
use sp_core::H256;
use std::time::Duration;
use tokio::sync::watch;

/// How long one attempt to ask the node may take.
pub const RPC_TIMEOUT: Duration = Duration::from_secs(5);
/// How long to wait between two attempts.
pub const RPC_RETRY: Duration = Duration::from_secs(2);

/// Parses a `0x`-prefixed, 32-byte hex hash.
pub fn parse_h256(text: &str) -> Result<H256, String> {
	let digits = text.strip_prefix("0x").ok_or("a hash must start with 0x")?;
	let bytes = hex::decode(digits).map_err(|e| format!("not hex: {e}"))?;
	let bytes: [u8; 32] = bytes
		.try_into()
		.map_err(|bytes: Vec<u8>| format!("a hash is 32 bytes, not {}", bytes.len()))?;
	Ok(H256(bytes))
}

/// Parses the node's RPC URL: `http://host:port[/path]` (the gateway speaks plain HTTP to a
/// local node; put TLS in front of a remote one).
pub fn parse_rpc_url(text: &str) -> Result<Uri, String> {
	let uri: Uri = text.parse().map_err(|e| format!("not a URL: {e}"))?;
	match uri.scheme_str() {
		Some("http") => {},
		Some(other) => return Err(format!("unsupported scheme {other:?}: use http://")),
		None => return Err("the URL needs a scheme, e.g. http://127.0.0.1:9944".into()),
	}
	if uri.host().is_none() {
		return Err("the URL needs a host".into());
	}
	Ok(uri)
}

/// Asks the node at `url` for block 0's hash, once: `chain_getBlockHash(0)` over a WebSocket,
/// with subxt's JSON-RPC client (the one the chain follower uses).
pub async fn fetch_genesis_hash(url: &Uri, timeout: Duration) -> Result<H256, String> {
	let ws = websocket_url(url);
	let ask = async {
		let client = subxt::rpcs::RpcClient::from_insecure_url(&ws)
			.await
			.map_err(|e| format!("cannot connect to {ws}: {e}"))?;
		let hash: Option<H256> = client
			.request("chain_getBlockHash", subxt::rpcs::rpc_params![0u32])
			.await
			.map_err(|e| format!("the node answered an error: {e}"))?;
		hash.ok_or_else(|| "the node has no block 0 yet".to_string())
	};
	tokio::time::timeout(timeout, ask).await.map_err(|_| format!("no answer within {timeout:?}"))?
}

/// Asks the node at `url` for the genesis hash until it answers, logging every failure and
/// waiting `retry` between attempts. `None` if `shutdown` turned true first.
pub async fn wait_for_genesis_hash(
	url: &Uri,
	retry: Duration,
	shutdown: &mut watch::Receiver<bool>,
) -> Option<H256> {
	let mut attempt: u64 = 1;
	loop {
		if *shutdown.borrow() {
			return None;
		}
		let result = tokio::select! {
			result = fetch_genesis_hash(url, RPC_TIMEOUT) => result,
			_ = shutdown.changed() => return None,
		};
		match result {
			Ok(hash) => {
				tracing::info!(node = %url, genesis = ?hash, "genesis hash from the node");
				return Some(hash);
			},
			Err(err) => tracing::warn!(
				node = %url,
				attempt,
				"cannot get the genesis hash yet ({err}); retrying in {retry:?}"
			),
		}
		attempt += 1;
		tokio::select! {
			_ = tokio::time::sleep(retry) => {},
			changed = shutdown.changed() => if changed.is_err() { return None },
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn parses_hashes_and_urls() {
		let hash = "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";
		assert_eq!(parse_h256(hash).unwrap().0[31], 0x1f);
		assert!(parse_h256(&hash[2..]).unwrap_err().contains("0x"));
		assert!(parse_h256("0x0011").unwrap_err().contains("32 bytes, not 2"));
		assert!(parse_h256("0xzz").unwrap_err().contains("not hex"));

		assert_eq!(parse_rpc_url("http://127.0.0.1:9944").unwrap().port_u16(), Some(9944));
		assert!(parse_rpc_url("https://example.invalid").unwrap_err().contains("use http://"));
		assert!(parse_rpc_url("127.0.0.1:9944").is_err());
		assert!(parse_rpc_url("ws://127.0.0.1:9944").is_err());
	}
}
