//! What a meter accepts and refuses: commands built here as a chain builds them (a state trie,
//! a header over its root, precommits signed by GRANDPA keys), then forged, altered, replayed.

use super::{command::*, MeterSwitch};
use bp_header_chain::justification::GrandpaJustification;
use codec::Encode;
use sp_consensus_grandpa::{AuthorityId, AuthoritySignature, SetId};
use sp_core::{ed25519, Bytes, Pair, H256};
use sp_runtime::{traits::Header as _, StateVersion};
use sp_state_machine::{prove_read, Backend, InMemoryBackend};
use std::time::Duration;
use wattcoin_primitives::{prepaid_api::SupplyState, MeterId};

const METER: MeterId = 1000;
const OTHER: MeterId = 1001;
const BLOCK_TIME: u64 = 1_767_225_600_000;

fn validators() -> Vec<ed25519::Pair> {
	["//Alice", "//Bob", "//Charlie", "//Dave"]
		.iter()
		.map(|uri| ed25519::Pair::from_string(uri, None).unwrap())
		.collect()
}

fn trust(set_id: SetId) -> TrustRoot {
	let authorities = validators().iter().map(|p| (AuthorityId::from(p.public()), 1)).collect();
	TrustRoot { set_id, authorities }
}

/// A chain state with `orders` in `SupplyOrders` and the block time.
fn state(orders: &[(MeterId, SupplyState)], time: u64) -> InMemoryBackend<sp_core::Blake2Hasher> {
	let mut entries: Vec<(Vec<u8>, Option<Vec<u8>>)> =
		orders.iter().map(|(m, s)| (supply_order_key(*m), Some(s.encode()))).collect();
	entries.push((timestamp_key(), Some(time.encode())));
	entries.push((b"some other entry".to_vec(), Some(vec![7; 40])));
	InMemoryBackend::from((vec![(None, entries)], StateVersion::V1))
}

/// A justification of `header` by `signers`, in round 1 of set `set_id`.
fn justify(header: &Header, signers: &[ed25519::Pair], set_id: SetId) -> Vec<u8> {
	let precommit =
		finality_grandpa::Precommit { target_hash: header.hash(), target_number: *header.number() };
	let message = finality_grandpa::Message::Precommit(precommit.clone());
	let payload = sp_consensus_grandpa::localized_payload(1, set_id, &message);
	let precommits = signers
		.iter()
		.map(|pair| finality_grandpa::SignedPrecommit {
			precommit: precommit.clone(),
			signature: AuthoritySignature::from(pair.sign(&payload)),
			id: AuthorityId::from(pair.public()),
		})
		.collect();
	GrandpaJustification::<Header> {
		round: 1,
		commit: finality_grandpa::Commit {
			target_hash: header.hash(),
			target_number: *header.number(),
			precommits,
		},
		votes_ancestries: vec![],
	}
	.encode()
}

/// `meter`'s command at block `number` of a chain ordering `orders`, signed by `signers`.
fn command_with(
	meter: MeterId,
	number: u32,
	orders: &[(MeterId, SupplyState)],
	signers: &[ed25519::Pair],
	set_id: SetId,
) -> SupplyCommand {
	let backend = state(orders, BLOCK_TIME + u64::from(number) * 6_000);
	let root = backend.storage_root(std::iter::empty(), StateVersion::V1).0;
	let header = Header::new(number, H256::zero(), root, H256::repeat_byte(1), Default::default());
	let proof = prove_read(backend, [supply_order_key(meter), timestamp_key()]).unwrap();
	let supply = orders.iter().find(|(m, _)| *m == meter).map_or(SupplyState::Connected, |o| o.1);
	SupplyCommand {
		meter,
		block_number: number,
		block_hash: header.hash(),
		header: Bytes(header.encode()),
		justification: Bytes(justify(&header, signers, set_id)),
		proof: proof.into_iter_nodes().map(Bytes).collect(),
		supply,
	}
}

/// A disconnection of [`METER`] at block `number`, signed by three of four validators.
fn disconnect(number: u32) -> SupplyCommand {
	command_with(METER, number, &[(METER, SupplyState::Disconnected)], &validators()[..3], 0)
}

#[test]
fn a_final_proven_command_is_obeyed() {
	let verified = disconnect(10).verify(METER, &trust(0), None).unwrap();
	assert_eq!(
		verified,
		Verified {
			supply: SupplyState::Disconnected,
			block_number: 10,
			block_time_ms: BLOCK_TIME + 60_000
		}
	);
	// No entry: the meter is connected.
	let connected = command_with(METER, 11, &[], &validators(), 0);
	assert_eq!(
		connected.verify(METER, &trust(0), Some(10)).unwrap().supply,
		SupplyState::Connected
	);
	// The JSON a meter receives verifies the same.
	let json = serde_json::to_string(&disconnect(10)).unwrap();
	let parsed: SupplyCommand = serde_json::from_str(&json).unwrap();
	assert_eq!(parsed.verify(METER, &trust(0), None).unwrap().supply, SupplyState::Disconnected);
}

#[test]
fn a_command_signed_by_others_or_too_few_is_refused() {
	let strangers: Vec<_> = (0..4)
		.map(|i| ed25519::Pair::from_string(&format!("//Forger{i}"), None).unwrap())
		.collect();
	let forged = command_with(METER, 10, &[(METER, SupplyState::Disconnected)], &strangers, 0);
	assert!(matches!(forged.verify(METER, &trust(0), None), Err(Refusal::NotFinal(_))));
	let too_few =
		command_with(METER, 10, &[(METER, SupplyState::Disconnected)], &validators()[..2], 0);
	assert!(matches!(too_few.verify(METER, &trust(0), None), Err(Refusal::NotFinal(_))));
	// Signed for another validator set (an old one).
	let old_set =
		command_with(METER, 10, &[(METER, SupplyState::Disconnected)], &validators()[..3], 0);
	assert!(matches!(old_set.verify(METER, &trust(1), None), Err(Refusal::NotFinal(_))));
}

#[test]
fn an_altered_command_is_refused_or_tells_the_truth() {
	// The informational field is not what the meter reads.
	let mut lying = command_with(METER, 10, &[], &validators()[..3], 0);
	lying.supply = SupplyState::Disconnected;
	assert_eq!(lying.verify(METER, &trust(0), None).unwrap().supply, SupplyState::Connected);

	// The proof of a disconnection, swapped into a block whose state connects the meter.
	let mut swapped = command_with(METER, 10, &[], &validators()[..3], 0);
	swapped.proof = disconnect(10).proof;
	assert!(matches!(swapped.verify(METER, &trust(0), None), Err(Refusal::BadProof(_))));

	// A proof with a node changed.
	let mut tampered = disconnect(10);
	let last = tampered.proof.len() - 1;
	tampered.proof[last].0[0] ^= 1;
	assert!(tampered.verify(METER, &trust(0), None).is_err());

	// A header with another state root: not the block justified.
	let mut other_root = disconnect(10);
	other_root.header = command_with(METER, 10, &[], &validators()[..3], 0).header;
	assert!(matches!(other_root.verify(METER, &trust(0), None), Err(Refusal::BadHeader(_))));
	// ...nor when its hash is updated to match.
	let honest = command_with(METER, 10, &[], &validators()[..3], 0);
	other_root.block_hash = honest.block_hash;
	assert!(matches!(other_root.verify(METER, &trust(0), None), Err(Refusal::NotFinal(_))));

	// Another meter's command, or a proof without this meter's entry (a withheld order).
	assert_eq!(disconnect(10).verify(OTHER, &trust(0), None), Err(Refusal::OtherMeter(METER)));
	let mut withheld = disconnect(10);
	let backend = state(&[(METER, SupplyState::Disconnected)], BLOCK_TIME + 60_000);
	withheld.proof =
		prove_read(backend, [timestamp_key()]).unwrap().into_iter_nodes().map(Bytes).collect();
	assert!(matches!(withheld.verify(METER, &trust(0), None), Err(Refusal::BadProof(_))));
}

#[test]
fn an_old_command_cannot_undo_a_newer_one() {
	let mut switch = MeterSwitch::new(METER, trust(0), Duration::from_secs(900));
	let reconnect = command_with(METER, 12, &[], &validators(), 0);
	switch.offer(&reconnect).unwrap();
	assert_eq!(switch.offer(&disconnect(11)), Err(Refusal::Stale { got: 11, last: 12 }));
	assert_eq!(switch.offer(&reconnect), Err(Refusal::Stale { got: 12, last: 12 }));
	assert!(switch.supply_on(BLOCK_TIME + 72_000));
}

#[test]
fn the_switch_opens_on_a_disconnection_and_the_fail_safe_closes_it() {
	let mut switch = MeterSwitch::new(METER, trust(0), Duration::from_secs(900));
	assert!(switch.supply_on(BLOCK_TIME), "on until a command opens it");
	let verified = switch.offer(&disconnect(10)).unwrap();
	let at = verified.block_time_ms;
	assert!(!switch.supply_on(at + 1_000));
	assert!(!switch.supply_on(at + 900_000), "off for as long as the fail-safe time");
	assert!(switch.supply_on(at + 900_001), "nothing newer heard: supply back on");
	// A refused command changes nothing.
	let forged = command_with(METER, 20, &[], &[], 0);
	assert!(switch.offer(&forged).is_err());
	assert!(!switch.supply_on(at + 1_000));
	// A reconnection closes it.
	switch.offer(&command_with(METER, 11, &[], &validators(), 0)).unwrap();
	assert!(switch.supply_on(at + 7_000));
}
