//! The `PrepaidApi` runtime API helpers: `meter_status`, `quote`, `announced_changes`.

use super::*;
use wattcoin_primitives::prepaid_api::AnnouncedChange;

#[test]
fn meter_status_reports() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(Prepaid::meter_status(UNKNOWN_METER), None);
		let status = Prepaid::meter_status(METER).unwrap();
		assert_eq!(status.tariff, None);
		assert_eq!(status.credit_buys_wh, None);
		assert_eq!(status.projected_days_left, None);
		assert_eq!(status.last_billed_ms, None);

		let mut p = flat(250 * MILLIWATT);
		p.bands = bands(&[(0, 7, 100 * MILLIWATT)]);
		p.emergency_credit = 3 * UNIT;
		p.standing_charge_per_day = 100 * MILLIWATT;
		let id = funded_meter(METER, p, 10 * UNIT);
		assert_ok!(Prepaid::schedule_tariff_change(
			signed(OPERATOR),
			id,
			t0() + 10 * DAY_MS,
			flat(1)
		));
		// 2 kWh a day at the day price (10:00-14:00 every day).
		consume(METER, at_hour(10), at_hour(14), 2_000);
		set_now(at_hour(15));
		let s = Prepaid::meter_status(METER).unwrap();
		assert_eq!(s.credit, 9_500 * MILLIWATT);
		assert_eq!(s.supply, SupplyState::Connected);
		assert_eq!(s.emergency_credit_available, 3 * UNIT);
		assert_eq!(
			s.tariff,
			Some(TariffInForce {
				id,
				effective_from: t0(),
				price_per_kwh_now: 250 * MILLIWATT,
				standing_charge_per_day: 100 * MILLIWATT,
				next_change: Some(t0() + 10 * DAY_MS),
			})
		);
		assert_eq!(s.credit_buys_wh, Some(38_000));
		// 0.5 over 4 h is 3 a day, plus 0.1 standing.
		assert_eq!(s.average_daily_cost, 3_100 * MILLIWATT);
		assert_eq!(s.projected_days_left, Some(3));
		assert_eq!(s.last_billed_ms, Some(at_hour(14)));
		// At night the band price applies.
		set_now(at_hour(26));
		assert_eq!(
			Prepaid::meter_status(METER).unwrap().tariff.unwrap().price_per_kwh_now,
			100 * MILLIWATT
		);
	});
}

#[test]
fn meter_status_after_a_switch() {
	ExtBuilder::default().build_and_execute(|| {
		funded_meter(METER, flat(UNIT), UNIT);
		let next = create(OPERATOR, flat(2 * UNIT));
		assign(METER, next);
		let s = Prepaid::meter_status(METER).unwrap();
		assert_eq!(s.tariff.unwrap().next_change, Some(t0() + 7 * DAY_MS));
		set_now(t0() + 8 * DAY_MS);
		let t = Prepaid::meter_status(METER).unwrap().tariff.unwrap();
		assert_eq!(
			(t.id, t.effective_from, t.price_per_kwh_now),
			(next, t0() + 7 * DAY_MS, 2 * UNIT)
		);
		assert_eq!(t.next_change, None);
	});
}

#[test]
fn a_quote_is_what_billing_debits_for_the_same_energy_now() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(200 * MILLIWATT);
		p.bands = bands(&[(0, 7, 80 * MILLIWATT)]);
		p.tiers = tiers(&[(3_000, 50 * MILLIWATT), (5_000, 120 * MILLIWATT)]);
		funded_meter(METER, p, 100 * UNIT);
		// The meter's first reading of the month: 2.5 kWh in the day band.
		consume(METER, at_hour(9), at_hour(10), 2_500);
		for (hour, wh) in [(10, 1_234), (11, 4_000), (3 + 24, 777), (12, 0)] {
			set_now(at_hour(hour));
			let quote = Prepaid::quote(METER, wh).expect("a tariff is in force");
			let before = credit(METER);
			assert_eq!(account(METER).remainder_milli, 0, "no fraction carried");
			consume(METER, at_hour(hour), at_hour(hour) + 60_000, wh);
			assert_eq!(quote.cost, before - credit(METER), "{wh} Wh at hour {hour}");
			assert!(quote.covered_by_credit);
			assert_eq!(quote.energy_wh, wh);
			// Keep whole units only, so the next comparison starts without a fraction.
			MeterAccounts::<Test>::mutate(METER, |a| a.as_mut().unwrap().remainder_milli = 0);
		}
	});
}

#[test]
fn a_quote_counts_the_blocks_the_energy_fills() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(100 * MILLIWATT);
		p.tiers = tiers(&[(1_000, 100 * MILLIWATT)]);
		let id = funded_meter(METER, p, UNIT);
		set_now(at_hour(10));
		// 2 kWh from the month's start: 1 kWh at the base price, 1 kWh with the adder.
		let quote = Prepaid::quote(METER, 2_000).unwrap();
		assert_eq!((quote.tariff, quote.cost), (id, 300 * MILLIWATT));
		assert!(quote.covered_by_credit);
		// More than the credit buys.
		assert!(!Prepaid::quote(METER, 20_000).unwrap().covered_by_credit);
	});
}

#[test]
fn no_quote_for_an_unknown_meter_or_one_without_a_tariff() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(Prepaid::quote(UNKNOWN_METER, 1_000), None);
		assert_eq!(Prepaid::quote(METER, 1_000), None);
	});
}

#[test]
fn announced_changes_list_new_versions_then_a_switch() {
	ExtBuilder::default().build_and_execute(|| {
		assert!(Prepaid::announced_changes(UNKNOWN_METER).is_empty());
		let id = funded_meter(METER, flat(UNIT), UNIT);
		assert!(Prepaid::announced_changes(METER).is_empty());
		let rise = t0() + 8 * DAY_MS;
		let mut risen = flat(2 * UNIT);
		risen.standing_charge_per_day = 5 * MILLIWATT;
		assert_ok!(Prepaid::schedule_tariff_change(signed(OPERATOR), id, rise, risen));
		// A switch a week from now, to a tariff that changes again later.
		let next = create(OPERATOR, flat(3 * UNIT));
		let later = t0() + 20 * DAY_MS;
		assert_ok!(Prepaid::schedule_tariff_change(signed(OPERATOR), next, later, flat(4 * UNIT)));
		assign(METER, next);
		let switch_at = t0() + 7 * DAY_MS;
		let change = |effective_from, tariff, switch, price, standing| AnnouncedChange {
			effective_from,
			tariff,
			switch,
			price_per_kwh: price,
			standing_charge_per_day: standing,
		};
		// The rise of the old tariff comes after the switch: it never applies to this meter.
		assert_eq!(
			Prepaid::announced_changes(METER),
			vec![
				change(switch_at, next, true, 3 * UNIT, 0),
				change(later, next, false, 4 * UNIT, 0)
			]
		);
		// Past the switch only the later version is left.
		set_now(switch_at + 1);
		assert_eq!(
			Prepaid::announced_changes(METER),
			vec![change(later, next, false, 4 * UNIT, 0)]
		);
		// A meter staying on the first tariff sees its rise.
		register_meter(METER_2, OPERATOR, OWNER_2);
		assign(METER_2, id);
		assert_eq!(
			Prepaid::announced_changes(METER_2),
			vec![change(rise, id, false, 2 * UNIT, 5 * MILLIWATT)]
		);
	});
}
