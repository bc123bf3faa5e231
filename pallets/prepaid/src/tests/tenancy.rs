//! A change of tenancy (pallet-meters' `set_owner`, reported as `on_owner_change`): the
//! leaving household takes its unused credit, its debt is not passed on, and the next
//! household starts clean (issue 12, finding 6).

use super::*;

fn change_owner(meter: MeterId, old: AccountId, new: AccountId) {
	assert_ok!(<Prepaid as MeterLifecycle<AccountId>>::on_owner_change(meter, &old, &new));
	// What pallet-meters does next.
	set_owner(meter, new);
}

#[test]
fn the_leaving_household_takes_its_unused_credit() {
	ExtBuilder::default().build_and_execute(|| {
		let id = funded_meter(METER, flat(UNIT), 10 * UNIT);
		consume(METER, at_hour(1), at_hour(2), 2_000);
		let before = free(OWNER);
		change_owner(METER, OWNER, OWNER_2);
		assert_eq!(free(OWNER), before + 8 * UNIT);
		assert_eq!(
			last_event(),
			Event::TenancyEnded {
				meter: METER,
				owner: OWNER,
				refunded: 8 * UNIT,
				paid: 0,
				unclaimed: 0,
				written_off: 0
			}
		);
		// The meter goes on at its tariff, with nothing for the next household.
		let a = account(METER);
		assert_eq!((a.tariff, a.credit, a.debt, a.emergency_used), (Some(id), 0, 0, 0));
		assert_eq!(revenue(OPERATOR), 2 * UNIT);
		assert_eq!(Liabilities::<Test>::get(), 2 * UNIT);
	});
}

#[test]
fn the_next_household_inherits_no_debt() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.emergency_credit = 2 * UNIT;
		funded_meter(METER, p, UNIT);
		consume(METER, at_hour(1), at_hour(2), 1_000);
		assert_ok!(Prepaid::take_emergency_credit(signed(OWNER), METER));
		consume(METER, at_hour(2), at_hour(3), 5_000); // 2 emergency, 3 debt
		change_owner(METER, OWNER, OWNER_2);
		assert_eq!(
			last_event(),
			Event::TenancyEnded {
				meter: METER,
				owner: OWNER,
				refunded: 0,
				paid: 0,
				unclaimed: 0,
				written_off: 5 * UNIT
			}
		);
		let a = account(METER);
		assert_eq!((a.credit, a.debt, a.emergency_granted, a.emergency_used), (0, 0, 0, 0));
		// The new household's first top-up is all credit: nothing is recovered from it.
		top_up(OWNER_2, METER, 4 * UNIT);
		assert_eq!(credit(METER), 4 * UNIT);
		assert_eq!(supply(METER), SupplyState::Connected);
	});
}

#[test]
fn standing_charges_up_to_the_handover_are_the_leaving_households() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.standing_charge_per_day = UNIT;
		funded_meter(METER, p, 10 * UNIT);
		set_now(t0() + 3 * DAY_MS + HOUR_MS);
		let before = free(OWNER);
		change_owner(METER, OWNER, OWNER_2);
		// Three whole days, 3 WATT, paid from the leaving household's credit; the hour of the
		// fourth day before the handover is charged to neither.
		assert_eq!(free(OWNER), before + 7 * UNIT);
		assert_eq!(account(METER).standing_paid_until, t0() + 3 * DAY_MS + HOUR_MS);
		top_up(OWNER_2, METER, 5 * UNIT);
		set_now(t0() + 4 * DAY_MS + HOUR_MS);
		consume(METER, t0() + 3 * DAY_MS + HOUR_MS, t0() + 4 * DAY_MS + HOUR_MS, 0);
		assert_eq!(credit(METER), 4 * UNIT);
	});
}

#[test]
fn the_block_tiers_of_the_month_start_again_for_the_next_household() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.tiers = tiers(&[(1_000, UNIT)]);
		funded_meter(METER, p, 100 * UNIT);
		consume(METER, at_hour(1), at_hour(2), 3_000);
		assert_eq!(account(METER).tier_counter.wh, 3_000);
		change_owner(METER, OWNER, OWNER_2);
		assert_eq!(account(METER).tier_counter, TierCounter::default());
		top_up(OWNER_2, METER, 10 * UNIT);
		// 1 kWh below the first tier's threshold: the base price only.
		consume(METER, at_hour(3), at_hour(4), 1_000);
		assert_eq!(credit(METER), 9 * UNIT);
	});
}

#[test]
fn an_operator_cannot_send_a_households_credit_elsewhere() {
	ExtBuilder::default().build_and_execute(|| {
		funded_meter(METER, flat(UNIT), 10 * UNIT);
		let household = free(OWNER);
		// The operator makes a confederate the owner, then decommissions the meter.
		change_owner(METER, OWNER, NOBODY);
		assert_ok!(<Prepaid as MeterLifecycle<AccountId>>::on_decommission(METER, &NOBODY));
		// The household got its credit at the change; the confederate got nothing.
		assert_eq!(free(OWNER), household + 10 * UNIT);
		assert_eq!(free(NOBODY), 0);
	});
}
