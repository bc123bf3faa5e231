//! The chain's genesis hash: given on the command line, or asked of a node over JSON-RPC
//! (`chain_getBlockHash` with param `0`) at startup.

use http_body_util::{BodyExt, Full, Limited};
use hyper::{body::Bytes, header, Request, Uri};
use hyper_util::{client::legacy::Client, rt::TokioExecutor};
use serde::Deserialize;
use sp_core::H256;
use std::time::Duration;
use tokio::sync::watch;

/// How long one attempt to ask the node may take.
pub const RPC_TIMEOUT: Duration = Duration::from_secs(5);
/// How long to wait between two attempts.
pub const RPC_RETRY: Duration = Duration::from_secs(2);
/// The largest RPC answer read.
const MAX_RESPONSE_BYTES: usize = 64 * 1024;

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

#[derive(Deserialize)]
struct RpcResponse {
	#[serde(default)]
	result: Option<serde_json::Value>,
	#[serde(default)]
	error: Option<serde_json::Value>,
}

/// Asks the node at `url` for block 0's hash, once.
pub async fn fetch_genesis_hash(url: &Uri, timeout: Duration) -> Result<H256, String> {
	let client = Client::builder(TokioExecutor::new()).build_http::<Full<Bytes>>();
	let body = serde_json::json!({
		"jsonrpc": "2.0",
		"id": 1,
		"method": "chain_getBlockHash",
		"params": [0],
	});
	let request = Request::post(url.clone())
		.header(header::CONTENT_TYPE, "application/json")
		.body(Full::new(Bytes::from(body.to_string())))
		.map_err(|e| format!("cannot build the request: {e}"))?;
	let exchange = async {
		let response = client.request(request).await.map_err(|e| format!("{e:?}"))?;
		let status = response.status();
		let bytes = Limited::new(response.into_body(), MAX_RESPONSE_BYTES)
			.collect()
			.await
			.map_err(|e| format!("reading the answer: {e}"))?
			.to_bytes();
		if !status.is_success() {
			return Err(format!("HTTP {status}: {}", String::from_utf8_lossy(&bytes)));
		}
		Ok(bytes)
	};
	let bytes = tokio::time::timeout(timeout, exchange)
		.await
		.map_err(|_| format!("no answer within {timeout:?}"))??;
	let response: RpcResponse = serde_json::from_slice(&bytes)
		.map_err(|e| format!("not a JSON-RPC answer: {e}: {}", String::from_utf8_lossy(&bytes)))?;
	if let Some(error) = response.error {
		return Err(format!("the node answered an error: {error}"));
	}
	match response.result {
		Some(serde_json::Value::String(hash)) => {
			parse_h256(&hash).map_err(|e| format!("bad block hash {hash:?}: {e}"))
		},
		other => Err(format!("expected a block hash, got {other:?}")),
	}
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
