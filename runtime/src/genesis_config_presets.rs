//! Genesis presets: the starting state of development and local test chains.
//!
//! `development`: one validator (Alice), who is also sudo. `local_testnet`: four validators
//! (Alice, Bob, Charlie and Dave). In both, the well-known dev accounts (Alice .. Ferdie) hold
//! [`DEV_ENDOWMENT`] each, and Charlie is a licensed Wattcoin vendor
//! ([`DEV_VENDOR_ALLOWANCE`] per [`DEV_VENDOR_PERIOD`]). Alice is a meter operator with the
//! 20 dev meters (see [`dev_meter_registrations`]).

use crate::{
	currency::WATT, AccountId, Balance, BalancesConfig, BlockNumber, MetersConfig, PrepaidConfig,
	Runtime, RuntimeGenesisConfig, SudoConfig, WattcoinConfig, DAYS, MILLI_WATT,
};
use alloc::{vec, vec::Vec};
use frame_support::build_struct_json_patch;
use pallet_prepaid::{
	types::{Band, FriendlyHours, Tier},
	TariffParamsOf,
};
use serde_json::Value;
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_consensus_grandpa::AuthorityId as GrandpaId;
use sp_genesis_builder::{self, PresetId};
use sp_keyring::{Ed25519Keyring, Sr25519Keyring};
use wattcoin_primitives::reading::dev::{dev_meters, DEV_METER_COUNT};
use wattcoin_primitives::{prepaid_api::TariffId, MeterId};

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
fn authority(aura: Sr25519Keyring, grandpa: Ed25519Keyring) -> (AuraId, GrandpaId) {
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

/// The dev meter with little credit, owned by Alice, whose supply the demo sees cut.
pub const DEV_LOW_CREDIT_METER: MeterId = 1000;
/// Its credit at genesis.
pub const DEV_LOW_CREDIT: Balance = WATT;
/// Its rated power: 20 MW. The demo simulates it at 200 times a household's load, the
/// end-to-end tests at 2,000 times (at most 6.7 kW x 2,000 = 13.3 MW), so that its credit runs
/// out within seconds; at the default 24 kW its readings would wait for the operator's review
/// as implausible (`docs/tariffs.md`).
pub const DEV_LOW_CREDIT_METER_RATED_POWER_W: u32 = 20_000_000;
/// The credit of every other dev meter at genesis.
pub const DEV_METER_CREDIT: Balance = 50 * WATT;
/// The rated power of every other dev meter: 100 kW. The demo and the end-to-end tests simulate
/// them at up to ten times a household's load (at most 67 kW, `--simulate-scale 1000`), so that
/// every 2-second reading adds whole watt-hours.
pub const DEV_METER_RATED_POWER_W: u32 = 100_000;

/// The rated power of each dev meter.
fn dev_rated_powers() -> Vec<(MeterId, u32)> {
	dev_meters(DEV_METER_COUNT)
		.map(|(meter, _)| {
			let watts = if meter == DEV_LOW_CREDIT_METER {
				DEV_LOW_CREDIT_METER_RATED_POWER_W
			} else {
				DEV_METER_RATED_POWER_W
			};
			(meter, watts)
		})
		.collect()
}

/// Tariff 0, `flat`: 0.25 WATT per kWh at any hour, 0.10 WATT a day, no friendly hours (so
/// the demo's meter is disconnected whenever its credit runs out).
fn flat_tariff() -> TariffParamsOf<Runtime> {
	TariffParamsOf::<Runtime> {
		price_per_kwh: 250 * MILLI_WATT,
		standing_charge_per_day: 100 * MILLI_WATT,
		utc_offset_minutes: 0,
		bands: Default::default(),
		tiers: Default::default(),
		low_credit_threshold: 2 * WATT,
		emergency_credit: 5 * WATT,
		friendly_hours: FriendlyHours { hours: 0, weekdays: 0 },
	}
}

/// Tariff 1, `time of use`: 0.28 WATT per kWh, 0.12 at night (00-07), 0.40 in the evening
/// peak (17-21); a lifeline block of 50 kWh a month, 0.05 WATT per kWh more beyond it;
/// 0.10 WATT a day; no disconnection at night (22-07) or at weekends.
fn time_of_use_tariff() -> TariffParamsOf<Runtime> {
	let night = 0x0000_007F | 0x00C0_0000; // hours 0..=6 and 22..=23
	TariffParamsOf::<Runtime> {
		price_per_kwh: 280 * MILLI_WATT,
		standing_charge_per_day: 100 * MILLI_WATT,
		utc_offset_minutes: 0,
		bands: vec![
			Band { start_hour: 0, end_hour: 7, price_per_kwh: 120 * MILLI_WATT },
			Band { start_hour: 17, end_hour: 21, price_per_kwh: 400 * MILLI_WATT },
		]
		.try_into()
		.expect("2 bands fit MaxBands (8)"),
		tiers: vec![Tier { from_wh: 50_000, adder_per_kwh: 50 * MILLI_WATT }]
			.try_into()
			.expect("1 tier fits MaxTiers (4)"),
		low_credit_threshold: 2 * WATT,
		emergency_credit: 5 * WATT,
		friendly_hours: FriendlyHours { hours: night, weekdays: 0b110_0000 },
	}
}

/// Even dev meters are on the flat tariff, odd ones on time of use; each is funded.
fn dev_meter_credits() -> Vec<(MeterId, Option<TariffId>, Balance)> {
	dev_meters(DEV_METER_COUNT)
		.enumerate()
		.map(|(i, (meter, _))| {
			let tariff = (i % 2) as TariffId;
			let credit =
				if meter == DEV_LOW_CREDIT_METER { DEV_LOW_CREDIT } else { DEV_METER_CREDIT };
			(meter, Some(tariff), credit)
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
			balances: endowed_accounts
				.iter()
				.cloned()
				.map(|a| (a, DEV_ENDOWMENT))
				.collect::<Vec<_>>(),
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
		meters: MetersConfig {
			operators: vec![operator.clone()],
			meters,
			rated_powers: dev_rated_powers(),
		},
		prepaid: PrepaidConfig {
			tariffs: vec![(operator.clone(), flat_tariff()), (operator, time_of_use_tariff())],
			meters: dev_meter_credits(),
		},
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

/// The `local_testnet` preset: four validators, Alice, Bob, Charlie and Dave (GRANDPA
/// finalizes with any three of them; `zombienet/` runs them).
pub fn local_config_genesis() -> Value {
	testnet_genesis(
		vec![
			authority(Sr25519Keyring::Alice, Ed25519Keyring::Alice),
			authority(Sr25519Keyring::Bob, Ed25519Keyring::Bob),
			authority(Sr25519Keyring::Charlie, Ed25519Keyring::Charlie),
			authority(Sr25519Keyring::Dave, Ed25519Keyring::Dave),
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
