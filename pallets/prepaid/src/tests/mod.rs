//! Mock-runtime tests of pallet-prepaid, one file per concern, sharing the mock runtime of
//! `mock.rs` and the helpers below. Every test runs the pallet's invariants when it ends
//! (`ExtBuilder::build_and_execute`).

use crate::{
	mock::*,
	pricing::{DAY_MS, HOUR_MS},
	types::*,
	Error, Event, Liabilities, MeterAccounts, NextTariffId, OperatorTariffs, Tariffs,
};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::{traits::BadOrigin, DispatchError, TokenError};
use wattcoin_primitives::{
	prepaid_api::{SupplyState, TariffInForce},
	traits::{MeterLifecycle, OnConsumption},
	MeterId, Moment,
};

mod assign;
mod billing;
mod conservation;
mod credit;
mod doc_examples;
mod genesis;
mod invariants;
mod lifecycle;
mod notice;
mod orders;
mod payees;
mod status;
mod supply;
mod tariffs;
mod tenancy;

/// Cases a property test runs: `default`, or `PROPTEST_CASES` when it is set (CI's property
/// stage sets it to run at least 100,000 cases of each).
fn property_cases(default: u32) -> u32 {
	std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn signed(who: AccountId) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

/// Creates a tariff of `operator` now and returns its id.
fn create(operator: AccountId, params: Params) -> TariffId {
	let id = NextTariffId::<Test>::get();
	assert_ok!(Prepaid::create_tariff(signed(operator), params));
	id
}

fn assign(meter: MeterId, tariff: TariffId) {
	let operator = Tariffs::<Test>::get(tariff).unwrap().operator;
	assert_ok!(Prepaid::assign_tariff(signed(operator), meter, tariff));
}

fn top_up(payer: AccountId, meter: MeterId, amount: Balance) {
	assert_ok!(Prepaid::top_up(signed(payer), meter, amount));
}

fn supply(meter: MeterId) -> SupplyState {
	account(meter).supply
}

fn supply_events(meter: MeterId) -> Vec<(SupplyState, SupplyState)> {
	prepaid_events()
		.into_iter()
		.filter_map(|e| match e {
			Event::SupplyChanged { meter: m, from, to } if m == meter => Some((from, to)),
			_ => None,
		})
		.collect()
}

fn last_event() -> Event<Test> {
	prepaid_events().pop().expect("an event")
}

/// A meter of `OPERATOR` with a flat tariff at `price` and `credit` (assigned after the
/// top-up, so no supply event).
fn funded_meter(meter: MeterId, params: Params, credit: Balance) -> TariffId {
	let id = create(OPERATOR, params);
	if credit > 0 {
		top_up(NEIGHBOUR, meter, credit);
	}
	assign(meter, id);
	id
}

// ---------------------------------------------------------------------------------------
// Configuration.

#[test]
fn integrity_test_passes() {
	new_test_ext().execute_with(integrity);
}

#[test]
fn max_weights_are_the_worst_cases() {
	use crate::weights::WeightInfo;
	assert_eq!(
		<Prepaid as OnConsumption<AccountId>>::max_weight(),
		<() as WeightInfo>::on_consumption()
	);
	let max = <Prepaid as MeterLifecycle<AccountId>>::max_weight();
	for hook in [
		<() as WeightInfo>::on_registered(),
		<() as WeightInfo>::on_decommission(),
		<() as WeightInfo>::on_owner_change(),
	] {
		assert!(max.all_gte(hook));
	}
}
