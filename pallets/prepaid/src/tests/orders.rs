//! `SupplyOrders`, the entry meters prove their supply command against: it holds a meter's
//! supply state exactly while that is not `Connected` (`try_state` checks it after every test
//! of the pallet), and the migration to storage version 1 publishes it for existing meters.

use super::*;
use crate::{migrations::v1::MigrateV0ToV1, SupplyOrders};
use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

/// Friday 2026-01-09, 12:00 UTC: outside any friendly hours of these tests.
fn noon() -> Moment {
	t0() + 4 * DAY_MS + 12 * HOUR_MS
}

#[test]
fn orders_follow_every_change_of_supply() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.low_credit_threshold = UNIT / 2;
		funded_meter(METER, p, UNIT);
		assert_eq!(SupplyOrders::<Test>::get(METER), None, "connected: no entry");
		set_now(noon());
		consume(METER, noon() - HOUR_MS, noon(), 600);
		assert_eq!(SupplyOrders::<Test>::get(METER), Some(SupplyState::LowCredit));
		consume(METER, noon(), noon() + HOUR_MS, 600);
		assert_eq!(SupplyOrders::<Test>::get(METER), Some(SupplyState::Disconnected));
		top_up(OWNER, METER, 10 * UNIT);
		assert_eq!(supply(METER), SupplyState::Connected);
		assert_eq!(SupplyOrders::<Test>::get(METER), None);
	});
}

#[test]
fn closing_a_meter_withdraws_its_order() {
	ExtBuilder::default().build_and_execute(|| {
		funded_meter(METER, flat(UNIT), 0);
		set_now(noon());
		consume(METER, noon() - HOUR_MS, noon(), 600);
		assert_eq!(SupplyOrders::<Test>::get(METER), Some(SupplyState::Disconnected));
		assert_ok!(<Prepaid as MeterLifecycle<AccountId>>::on_decommission(METER, &OWNER));
		unregister_meter(METER);
		assert_eq!(SupplyOrders::<Test>::get(METER), None);
	});
}

#[test]
fn v1_publishes_the_supply_state_of_existing_meters_once() {
	ExtBuilder::default().build_and_execute(|| {
		funded_meter(METER, flat(UNIT), 0);
		funded_meter(METER_2, flat(UNIT), UNIT);
		set_now(noon());
		consume(METER, noon() - HOUR_MS, noon(), 600);
		// A chain written by version 0: accounts, no orders.
		let _ = SupplyOrders::<Test>::clear(u32::MAX, None);
		StorageVersion::new(0).put::<Prepaid>();
		assert!(Prepaid::do_try_state().is_err(), "the order is missing");

		#[cfg(feature = "try-runtime")]
		let state = MigrateV0ToV1::<Test>::pre_upgrade().unwrap();
		MigrateV0ToV1::<Test>::on_runtime_upgrade();
		#[cfg(feature = "try-runtime")]
		MigrateV0ToV1::<Test>::post_upgrade(state).unwrap();

		assert_eq!(Prepaid::on_chain_storage_version(), StorageVersion::new(1));
		assert_eq!(SupplyOrders::<Test>::get(METER), Some(SupplyState::Disconnected));
		assert_eq!(SupplyOrders::<Test>::get(METER_2), None);
		// A second run changes nothing.
		SupplyOrders::<Test>::remove(METER);
		MigrateV0ToV1::<Test>::on_runtime_upgrade();
		assert_eq!(SupplyOrders::<Test>::get(METER), None);
		SupplyOrders::<Test>::insert(METER, SupplyState::Disconnected);
	});
}
