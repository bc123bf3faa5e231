//! The worked examples of `docs/tariffs.md`, one test each: the numbers the docs show
//! households are the numbers the pallet bills.

use super::*;

#[docify::export]
#[test]
fn example_1_flat_price_and_carried_remainder() {
	ExtBuilder::default().build_and_execute(|| {
		funded_meter(METER, flat(7), 10 * UNIT);
		consume(METER, at_hour(0), at_hour(1), 100);
		assert_eq!((10 * UNIT - credit(METER), account(METER).remainder_milli), (0, 700));
		consume(METER, at_hour(1), at_hour(2), 100);
		assert_eq!((10 * UNIT - credit(METER), account(METER).remainder_milli), (1, 400));
		consume(METER, at_hour(2), at_hour(3), 100);
		assert_eq!((10 * UNIT - credit(METER), account(METER).remainder_milli), (2, 100));
		assert_eq!(revenue(OPERATOR), 2);
	});
}

#[test]
fn example_2_time_of_use_split() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(300 * MILLIWATT);
		p.bands = bands(&[(0, 7, 100 * MILLIWATT)]);
		p.utc_offset_minutes = 120;
		funded_meter(METER, p, 10 * UNIT);
		consume(METER, at_hour(4), at_hour(6), 2_000);
		assert_eq!(10 * UNIT - credit(METER), 400 * MILLIWATT);
	});
}

#[test]
fn example_3_inclining_blocks() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(100 * MILLIWATT);
		p.tiers = tiers(&[(50_000, 150 * MILLIWATT)]);
		funded_meter(METER, p, 10 * UNIT);
		consume(METER, at_hour(0), at_hour(10), 49_000);
		assert_eq!(10 * UNIT - credit(METER), 4_900 * MILLIWATT);
		consume(METER, at_hour(10), at_hour(11), 3_000);
		assert_eq!(10 * UNIT - credit(METER), 4_900 * MILLIWATT + 600 * MILLIWATT);
		assert_eq!(account(METER).tier_counter.wh, 52_000);
	});
}

#[test]
fn example_4_time_of_use_and_blocks_combined() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(200 * MILLIWATT);
		p.bands = bands(&[(0, 7, 80 * MILLIWATT)]);
		p.tiers = tiers(&[(100_000, 50 * MILLIWATT)]);
		funded_meter(METER, p, 50 * UNIT);
		consume(METER, at_hour(12), at_hour(13), 99_500);
		assert_eq!(50 * UNIT - credit(METER), 19_900 * MILLIWATT);
		consume(METER, at_hour(30), at_hour(32), 2_000);
		assert_eq!(50 * UNIT - credit(METER), 19_900 * MILLIWATT + 355 * MILLIWATT);
	});
}

#[test]
fn example_5_blocks_restart_each_month() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(100 * MILLIWATT);
		p.tiers = tiers(&[(10_000, 100 * MILLIWATT)]);
		funded_meter(METER, p, 10 * UNIT);
		consume(METER, at_hour(0), at_hour(1), 9_000);
		assert_eq!(10 * UNIT - credit(METER), 900 * MILLIWATT);
		// 2026-01-31 23:00 to 2026-02-01 01:00 UTC.
		consume(METER, at_hour(26 * 24 + 23), at_hour(27 * 24 + 1), 4_000);
		assert_eq!(10 * UNIT - credit(METER), 900 * MILLIWATT + 500 * MILLIWATT);
		assert_eq!(account(METER).tier_counter, TierCounter { period: 2026 * 12 + 1, wh: 2_000 });
	});
}

#[test]
fn example_6_standing_charge_across_a_change() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(0);
		p.standing_charge_per_day = 500 * MILLIWATT;
		let id = funded_meter(METER, p.clone(), 10 * UNIT);
		p.standing_charge_per_day = 600 * MILLIWATT;
		let change = t0() + 7 * DAY_MS + 12 * HOUR_MS;
		assert_ok!(Prepaid::schedule_tariff_change(signed(OPERATOR), id, change, p));
		consume(METER, t0(), t0() + 9 * DAY_MS + 5 * HOUR_MS, 0);
		assert_eq!(10 * UNIT - credit(METER), 4_600 * MILLIWATT);
		assert_eq!(account(METER).standing_paid_until, t0() + 9 * DAY_MS);
	});
}

#[test]
fn example_7_readings_priced_at_their_own_time() {
	ExtBuilder::default().build_and_execute(|| {
		let id = funded_meter(METER, flat(200 * MILLIWATT), 10 * UNIT);
		top_up(OWNER, METER_2, 10 * UNIT);
		assign(METER_2, id);
		let change = t0() + 7 * DAY_MS;
		assert_ok!(Prepaid::schedule_tariff_change(
			signed(OPERATOR),
			id,
			change,
			flat(300 * MILLIWATT)
		));
		consume(METER, change - HOUR_MS, change + HOUR_MS, 2_000);
		assert_eq!(10 * UNIT - credit(METER), 500 * MILLIWATT);
		// Delivered after the change, measured before it: the old price.
		set_now(change + DAY_MS);
		consume(METER_2, change - 3 * HOUR_MS, change - 2 * HOUR_MS, 1_000);
		assert_eq!(10 * UNIT - credit(METER_2), 200 * MILLIWATT);
	});
}

#[docify::export]
#[test]
fn example_8_top_up_split() {
	// Same as `top_up_recovers_emergency_then_debt_within_the_share`, as in the document.
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.emergency_credit = 3 * UNIT;
		funded_meter(METER, p, 0);
		assert_ok!(Prepaid::take_emergency_credit(signed(OWNER), METER));
		consume(METER, at_hour(10), at_hour(11), 13_000);
		top_up(NEIGHBOUR, METER, 20 * UNIT);
		let a = account(METER);
		assert_eq!((a.credit, a.emergency_used, a.debt), (15 * UNIT, 0, 8 * UNIT));
	});
}

#[test]
fn example_9_friendly_hours() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.low_credit_threshold = 2 * UNIT;
		p.friendly_hours = friendly(22, 7, 0b110_0000);
		funded_meter(METER, p, 5 * UNIT);
		consume(METER, at_hour(10), at_hour(11), 3_500);
		assert_eq!((credit(METER), supply(METER)), (1_500 * MILLIWATT, SupplyState::LowCredit));
		consume(METER, at_hour(21), at_hour(23), 2_000);
		let a = account(METER);
		assert_eq!((a.credit, a.debt, a.supply), (0, 500 * MILLIWATT, SupplyState::LowCredit));
		consume(METER, at_hour(23), at_hour(25), 1_000);
		let a = account(METER);
		assert_eq!((a.debt, a.supply), (1_500 * MILLIWATT, SupplyState::LowCredit));
		consume(METER, at_hour(31), at_hour(32), 200);
		let a = account(METER);
		assert_eq!((a.debt, a.supply), (1_700 * MILLIWATT, SupplyState::Disconnected));
		top_up(OWNER, METER, 4 * UNIT);
		let a = account(METER);
		assert_eq!(
			(a.credit, a.debt, a.supply),
			(3 * UNIT, 700 * MILLIWATT, SupplyState::Connected)
		);
	});
}
