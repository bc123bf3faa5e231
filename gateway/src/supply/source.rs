//! The gateway's side of the supply loop: it follows its node's finalized head, keeps the
//! newest finalized block that has a GRANDPA justification, and builds each meter's supply
//! command from it with a storage proof (`state_getReadProof`) asked of the node when the
//! command is asked for. The gateway is trusted with nothing: a meter checks every command
//! ([`super::command`]).

use super::command::{supply_order_key, timestamp_key, Header, SupplyCommand, TrustRoot};
use bp_runtime::StorageProofChecker;
use codec::{Decode, Encode};
use serde_json::Value;
use sp_consensus_grandpa::{AuthorityList, GRANDPA_ENGINE_ID};
use sp_core::{Bytes, H256};
use sp_crypto_hashing::twox_128;
use sp_runtime::traits::{BlakeTwo256, Header as _};
use std::{sync::Arc, time::Duration};
use subxt::rpcs::{rpc_params, RpcClient};
use tokio::sync::{watch, Mutex, RwLock};
use wattcoin_primitives::{prepaid_api::SupplyState, MeterId};

/// How often the finalized head is looked at.
pub const POLL: Duration = Duration::from_secs(1);

/// Why no command can be served.
#[derive(Debug, thiserror::Error)]
pub enum SupplyError {
	/// No finalized block with a justification is known yet.
	#[error("no finalized block with a GRANDPA justification is known yet")]
	NotYet,
	/// The node could not be asked.
	#[error("the node could not be asked: {0}")]
	Node(String),
}

/// The newest finalized block with a justification.
#[derive(Clone, Debug)]
struct Justified {
	number: u32,
	hash: H256,
	header: Vec<u8>,
	justification: Vec<u8>,
}

/// Supply commands from the node at `url` (its WebSocket JSON-RPC).
#[derive(Clone)]
pub struct SupplySource {
	url: String,
	client: Arc<Mutex<Option<RpcClient>>>,
	latest: Arc<RwLock<Option<Justified>>>,
}

fn node_error(e: impl std::fmt::Display) -> SupplyError {
	SupplyError::Node(e.to_string())
}

/// Bytes from a JSON hex string (`"0x…"`) or an array of numbers.
fn bytes_of(value: &Value) -> Option<Vec<u8>> {
	match value {
		Value::String(s) => hex::decode(s.strip_prefix("0x")?).ok(),
		Value::Array(items) => {
			items.iter().map(|v| v.as_u64().and_then(|b| u8::try_from(b).ok())).collect()
		},
		_ => None,
	}
}

impl SupplySource {
	/// Commands from the node at `url` (`ws://…`).
	pub fn new(url: String) -> Self {
		Self { url, client: Arc::default(), latest: Arc::default() }
	}

	/// A connected client, connecting (again) if needed.
	async fn client(&self) -> Result<RpcClient, SupplyError> {
		let mut client = self.client.lock().await;
		if let Some(client) = client.as_ref() {
			return Ok(client.clone());
		}
		let connected = RpcClient::from_insecure_url(&self.url).await.map_err(node_error)?;
		*client = Some(connected.clone());
		Ok(connected)
	}

	/// Asks the node `method`; a failure drops the connection, so the next call reconnects.
	async fn ask<T: serde::de::DeserializeOwned>(
		&self,
		method: &str,
		params: subxt::rpcs::client::RpcParams,
	) -> Result<T, SupplyError> {
		let client = self.client().await?;
		match client.request(method, params).await {
			Ok(value) => Ok(value),
			Err(e) => {
				*self.client.lock().await = None;
				Err(SupplyError::Node(format!("{method}: {e}")))
			},
		}
	}

	/// Looks at the finalized head once: keeps it if it is new and has a justification.
	pub async fn refresh(&self) -> Result<(), SupplyError> {
		let hash: H256 = self.ask("chain_getFinalizedHead", rpc_params![]).await?;
		if self.latest.read().await.as_ref().is_some_and(|j| j.hash == hash) {
			return Ok(());
		}
		let block: Value = self.ask("chain_getBlock", rpc_params![hash]).await?;
		let Some(justification) = block["justifications"].as_array().and_then(|all| {
			all.iter().find_map(|pair| {
				let engine = bytes_of(pair.get(0)?)?;
				(engine[..] == GRANDPA_ENGINE_ID[..]).then(|| bytes_of(pair.get(1)?)).flatten()
			})
		}) else {
			// Finalized with an ancestor's commit: the next commit brings a justification.
			return Ok(());
		};
		let header: Header = serde_json::from_value(block["block"]["header"].clone())
			.map_err(|e| SupplyError::Node(format!("the header does not parse: {e}")))?;
		if header.hash() != hash {
			return Err(SupplyError::Node(format!("block {hash:?} has a header of another hash")));
		}
		let justified =
			Justified { number: *header.number(), hash, header: header.encode(), justification };
		*self.latest.write().await = Some(justified);
		Ok(())
	}

	/// Follows the finalized head every [`POLL`] until `shutdown` turns true.
	pub async fn follow(self, mut shutdown: watch::Receiver<bool>) {
		let mut failing = false;
		loop {
			match self.refresh().await {
				Ok(()) => failing = false,
				Err(e) if !failing => {
					tracing::warn!("supply commands: {e}; retrying every {POLL:?}");
					failing = true;
				},
				Err(_) => {},
			}
			tokio::select! {
				_ = tokio::time::sleep(POLL) => {},
				changed = shutdown.changed() => if changed.is_err() || *shutdown.borrow() { return },
			}
		}
	}

	/// The number of the newest finalized block commands come from.
	pub async fn latest_block(&self) -> Option<u32> {
		self.latest.read().await.as_ref().map(|j| j.number)
	}

	/// `meter`'s supply command from the newest justified finalized block.
	pub async fn command(&self, meter: MeterId) -> Result<SupplyCommand, SupplyError> {
		let Some(justified) = self.latest.read().await.clone() else {
			return Err(SupplyError::NotYet);
		};
		let keys = [Bytes(supply_order_key(meter)), Bytes(timestamp_key())];
		let read: Value = self.ask("state_getReadProof", rpc_params![keys, justified.hash]).await?;
		let proof: Vec<Bytes> = read["proof"]
			.as_array()
			.map(|nodes| nodes.iter().filter_map(bytes_of).map(Bytes).collect())
			.unwrap_or_default();
		let header = Header::decode(&mut &justified.header[..]).map_err(node_error)?;
		let nodes = proof.iter().map(|node| node.0.clone()).collect();
		let supply = StorageProofChecker::<BlakeTwo256>::new(*header.state_root(), nodes)
			.and_then(|mut state| {
				state.read_and_decode_value::<SupplyState>(&supply_order_key(meter))
			})
			.map_err(|e| SupplyError::Node(format!("the node's proof does not hold: {e:?}")))?
			.unwrap_or(SupplyState::Connected);
		Ok(SupplyCommand {
			meter,
			block_number: justified.number,
			block_hash: justified.hash,
			header: Bytes(justified.header),
			justification: Bytes(justified.justification),
			proof,
			supply,
		})
	}

	/// The chain's GRANDPA validator set now, as an installer gives it to a meter: the
	/// runtime's `GrandpaApi_grandpa_authorities` and `Grandpa::CurrentSetId`, asked of the
	/// node the installer trusts.
	pub async fn trust_root(&self) -> Result<TrustRoot, SupplyError> {
		let authorities: Bytes =
			self.ask("state_call", rpc_params!["GrandpaApi_grandpa_authorities", "0x"]).await?;
		let authorities = AuthorityList::decode(&mut &authorities[..]).map_err(node_error)?;
		let key = [&twox_128(b"Grandpa")[..], &twox_128(b"CurrentSetId")[..]].concat();
		let set_id: Option<Bytes> = self.ask("state_getStorage", rpc_params![Bytes(key)]).await?;
		let set_id = match set_id {
			Some(bytes) => u64::decode(&mut &bytes[..]).map_err(node_error)?,
			None => 0,
		};
		Ok(TrustRoot { set_id, authorities })
	}
}
