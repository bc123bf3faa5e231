//! The `PrepaidApi` runtime API helper (`meter_status`).

use super::*;

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
