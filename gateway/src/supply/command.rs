//! A supply command, as the gateway serves it and as a meter checks it before it obeys.
//!
//! The command is not the gateway's word: it carries a finalized block's header, the GRANDPA
//! justification of that header, and a storage proof, under the header's state root, of two
//! entries: pallet-prepaid's `SupplyOrders(meter)` (absent: `Connected`) and
//! pallet-timestamp's `Now` (the block's time). The meter checks the justification against the
//! validator set it was given at installation ([`TrustRoot`]), the proof against the header,
//! and that the block is newer than the last one it obeyed. Anyone on the path can withhold a
//! command, but none can forge, alter or replay one. `docs/protocol.md`, "Supply commands",
//! specifies it for meter firmware.

use bp_header_chain::justification::{
	verify_and_optimize_justification, GrandpaJustification, JustificationVerificationContext,
};
use bp_runtime::StorageProofChecker;
use codec::{Decode, Encode};
use serde::{Deserialize, Serialize};
use sp_consensus_grandpa::{AuthorityList, SetId};
use sp_core::{Bytes, H256};
use sp_crypto_hashing::{blake2_128, twox_128};
use sp_runtime::traits::{BlakeTwo256, Header as _};
use wattcoin_primitives::{prepaid_api::SupplyState, MeterId, Moment};

/// The chain's block header (`wattcoin-runtime`'s: block numbers are `u32`, hashes BLAKE2b-256).
pub type Header = sp_runtime::generic::Header<u32, BlakeTwo256>;

/// The storage key of `Prepaid::SupplyOrders(meter)`: `twox128("Prepaid") ++
/// twox128("SupplyOrders") ++ blake2_128(meter) ++ meter`, the meter id little endian.
pub fn supply_order_key(meter: MeterId) -> Vec<u8> {
	let id = meter.encode();
	[&twox_128(b"Prepaid")[..], &twox_128(b"SupplyOrders")[..], &blake2_128(&id)[..], &id[..]]
		.concat()
}

/// The storage key of `Timestamp::Now`: `twox128("Timestamp") ++ twox128("Now")`.
pub fn timestamp_key() -> Vec<u8> {
	[&twox_128(b"Timestamp")[..], &twox_128(b"Now")[..]].concat()
}

/// A meter's supply command (`GET /v1/meters/{meter}/supply`), in JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplyCommand {
	/// The meter it is for.
	pub meter: MeterId,
	/// The finalized block it comes from: number and hash.
	pub block_number: u32,
	pub block_hash: H256,
	/// That block's header, SCALE-encoded.
	pub header: Bytes,
	/// Its GRANDPA justification, SCALE-encoded.
	pub justification: Bytes,
	/// The trie nodes proving `SupplyOrders(meter)` and `Timestamp::Now` under the header's
	/// state root.
	pub proof: Vec<Bytes>,
	/// The state the proof shows, for people reading the JSON; a meter ignores it and reads
	/// the proof.
	pub supply: SupplyState,
}

/// What a meter is given at installation to check commands: the chain's GRANDPA validator
/// set and its id.
#[derive(Clone, Debug, PartialEq, Eq, Encode, Decode)]
pub struct TrustRoot {
	/// The set's id (`Grandpa::CurrentSetId`).
	pub set_id: SetId,
	/// The validators' GRANDPA keys (ed25519) and weights.
	pub authorities: AuthorityList,
}

/// A command the meter checked: what it orders, from which block.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Verified {
	/// The supply state the chain ordered at that block.
	pub supply: SupplyState,
	/// The block's number.
	pub block_number: u32,
	/// The block's time (ms since the Unix epoch).
	pub block_time_ms: Moment,
}

/// Why a meter refuses a command.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum Refusal {
	/// It is for another meter.
	#[error("the command is for meter {0}")]
	OtherMeter(MeterId),
	/// The header does not decode, or is not the block the command names.
	#[error("the header is malformed or not block {0:?}")]
	BadHeader(H256),
	/// The justification does not decode, or does not prove the block final under the
	/// meter's validator set.
	#[error("the block is not proven final: {0}")]
	NotFinal(String),
	/// The proof does not hold under the header's state root, or lacks an entry.
	#[error("the storage proof does not hold: {0}")]
	BadProof(String),
	/// The block is not newer than the last command the meter obeyed (a replay).
	#[error("block #{got} is not newer than #{last}, the last command obeyed")]
	Stale {
		/// The command's block.
		got: u32,
		/// The last block obeyed.
		last: u32,
	},
}

impl SupplyCommand {
	/// What a meter does before it obeys: checks the command is for `meter`, that its block
	/// is final under `trust` and newer than `last_obeyed`, and reads the supply state and
	/// the block's time from the proof.
	pub fn verify(
		&self,
		meter: MeterId,
		trust: &TrustRoot,
		last_obeyed: Option<u32>,
	) -> Result<Verified, Refusal> {
		if self.meter != meter {
			return Err(Refusal::OtherMeter(self.meter));
		}
		let header = Header::decode(&mut &self.header[..])
			.map_err(|_| Refusal::BadHeader(self.block_hash))?;
		let hash = header.hash();
		if hash != self.block_hash || *header.number() != self.block_number {
			return Err(Refusal::BadHeader(self.block_hash));
		}
		if let Some(last) = last_obeyed.filter(|last| self.block_number <= *last) {
			return Err(Refusal::Stale { got: self.block_number, last });
		}
		let mut justification =
			GrandpaJustification::<Header>::decode(&mut &self.justification[..]).map_err(|e| {
				Refusal::NotFinal(format!("the justification does not decode: {e}"))
			})?;
		let context = JustificationVerificationContext::try_from(bp_header_chain::AuthoritySet {
			authorities: trust.authorities.clone(),
			set_id: trust.set_id,
		})
		.map_err(|e| Refusal::NotFinal(format!("bad validator set: {e:?}")))?;
		// Nodes justify with every precommit they saw; votes beyond the threshold (and votes of
		// unknown keys) are dropped before the strict check, as Polkadot's bridges do.
		verify_and_optimize_justification::<Header>(
			(hash, self.block_number),
			&context,
			&mut justification,
		)
		.map_err(|e| Refusal::NotFinal(format!("{e:?}")))?;
		let proof = self.proof.iter().map(|node| node.0.clone()).collect();
		let mut state = StorageProofChecker::<BlakeTwo256>::new(*header.state_root(), proof)
			.map_err(|e| Refusal::BadProof(format!("{e:?}")))?;
		let supply = state
			.read_and_decode_value::<SupplyState>(&supply_order_key(meter))
			.map_err(|e| Refusal::BadProof(format!("SupplyOrders: {e:?}")))?
			.unwrap_or(SupplyState::Connected);
		let block_time_ms = state
			.read_and_decode_mandatory_value::<Moment>(&timestamp_key())
			.map_err(|e| Refusal::BadProof(format!("Timestamp::Now: {e:?}")))?;
		Ok(Verified { supply, block_number: self.block_number, block_time_ms })
	}
}
