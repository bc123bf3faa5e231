//! Genesis presets: the starting state of development and local test chains.
//!
//! `development`: one validator (Alice), who is also sudo. `local_testnet`: two validators
//! (Alice and Bob). In both, the well-known dev accounts (Alice .. Ferdie) hold
//! [`DEV_ENDOWMENT`] each, and Charlie is a licensed Wattcoin vendor
//! ([`DEV_VENDOR_ALLOWANCE`] per [`DEV_VENDOR_PERIOD`]). Alice is a meter operator with the
//! 20 dev meters (see [`dev_meter_registrations`]).

use crate::{
	currency::WATT, AccountId, Balance, BalancesConfig, BlockNumber, RuntimeGenesisConfig, SudoConfig,
	MetersConfig, WattcoinConfig, DAYS,
};
use wattcoin_primitives::reading::dev::{dev_meters, DEV_METER_COUNT};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};

/// What each dev account holds at genesis.
pub const DEV_ENDOWMENT: Balance = 1_000_000 * WATT;

/// Charlie, the dev vendor, may issue this much WATT a day.
pub const DEV_VENDOR_ALLOWANCE: Balance = 100_000 * WATT;
/// The dev vendor's allowance period.
pub const DEV_VENDOR_PERIOD: BlockNumber = DAYS;

/// The accounts funded in the dev presets.
fn dev_accounts() -> Vec<AccountId> {
	[
		Sr25519Keyring::Alice,
		Sr25519Keyring::Bob,
		Sr25519Keyring::Charlie,
		Sr25519Keyring::Dave,
		Sr25519Keyring::Eve,
		Sr25519Keyring::Ferdie,
	]
	.into_iter()
	.map(|k| k.to_account_id())
	.collect()
}

/// A validator's session keys: Aura (sr25519) and GRANDPA (ed25519) of the same dev seed.
fn authority(
	aura: Sr25519Keyring,
	grandpa: Ed25519Keyring,
) -> (AuraId, GrandpaId) {
	(aura.public().into(), grandpa.public().into())
}

/// The dev meters registered at genesis: all [`DEV_METER_COUNT`] of them, operated by Alice.
/// Meter `1000 + i` has the sr25519 device key of `//Meter//{i}` and is owned by dev account
/// `i mod 6` (meter 1000 by Alice, 1001 by Bob, ...).
fn dev_meter_registrations(
	operator: &AccountId,
	owners: &[AccountId],
) -> Vec<pallet_meters::GenesisMeter<AccountId>> {
	dev_meters(DEV_METER_COUNT)
		.enumerate()
		.map(|(i, (meter, key))| {
			let owner = owners[i % owners.len()].clone();
			let metadata = alloc::format!("dev meter {i}").into_bytes();
			(meter, key, owner, operator.clone(), metadata)
		})
		.collect()
}

fn testnet_genesis(
	initial_authorities: Vec<(AuraId, GrandpaId)>,
	endowed_accounts: Vec<AccountId>,
	root: AccountId,
) -> Value {
	let operator = Sr25519Keyring::Alice.to_account_id();
	let meters = dev_meter_registrations(&operator, &endowed_accounts);
	build_struct_json_patch!(RuntimeGenesisConfig {
		balances: BalancesConfig {
			balances: endowed_accounts.iter().cloned().map(|a| (a, DEV_ENDOWMENT)).collect::<Vec<_>>(),
		},
		aura: pallet_aura::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| x.0.clone()).collect::<Vec<_>>(),
		},
		grandpa: pallet_grandpa::GenesisConfig {
			authorities: initial_authorities.iter().map(|x| (x.1.clone(), 1)).collect::<Vec<_>>(),
		},
		sudo: SudoConfig { key: Some(root) },
		wattcoin: WattcoinConfig {
			vendors: vec![(
				Sr25519Keyring::Charlie.to_account_id(),
				DEV_VENDOR_ALLOWANCE,
				DEV_VENDOR_PERIOD,
			)],
		},
		meters: MetersConfig { operators: vec![operator], meters },
	})
}

/// The `development` preset: a single validator, Alice.
pub fn development_config_genesis() -> Value {
	testnet_genesis(
		vec![authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice)],
		dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The `local_testnet` preset: validators Alice and Bob.
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
		],
		dev_accounts(),
		Sr25519Keyring::Alice.to_account_id(),
	)
}

/// The JSON patch of the preset `id`, or `None` if there is no such preset.
pub fn get_preset(id: &PresetId) -> Option<Vec<u8>> {
	let patch = match id.as_ref() {
		sp_genesis_builder::DEV_RUNTIME_PRESET => development_config_genesis(),
		sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET => local_config_genesis(),
		_ => return None,
	};
	// Serializing a `serde_json::Value` cannot fail.
	serde_json::to_vec(&patch).ok()
}

/// The presets this runtime offers.
pub fn preset_names() -> Vec<PresetId> {
	vec![
		PresetId::from(sp_genesis_builder::DEV_RUNTIME_PRESET),
		PresetId::from(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET),
	]
}
