//! Billing readings (`OnConsumption`): pricing, supply state and friendly hours, standing
//! charges, revenue.

use super::*;

#[test]
fn consumption_without_a_tariff_is_recorded_unbilled() {
	ExtBuilder::default().build_and_execute(|| {
		top_up(OWNER, METER, UNIT);
		consume(METER, at_hour(0), at_hour(1), 700);
		consume(METER, at_hour(1), at_hour(2), 300);
		let a = account(METER);
		assert_eq!((a.unbilled_wh, a.credit, a.last_billed), (1_000, UNIT, at_hour(2)));
		// A meter the pallet never saw gets an account.
		consume(4242, at_hour(0), at_hour(1), 5);
		assert_eq!(account(4242).unbilled_wh, 5);
		// Assigning a tariff does not bill it retroactively.
		let id = create(OPERATOR, flat(UNIT));
		assign(METER, id);
		assert_eq!(credit(METER), UNIT);
	});
}

#[test]
fn energy_used_before_the_first_tariff_is_not_billed() {
	ExtBuilder::default().build_and_execute(|| {
		top_up(OWNER, METER, 10 * UNIT);
		consume(METER, at_hour(0), at_hour(1), 1_000);
		// The operator assigns a tariff at 02:00; the next reading covers 01:00-03:00.
		set_now(at_hour(2));
		let id = create(OPERATOR, flat(UNIT));
		assign(METER, id);
		consume(METER, at_hour(1), at_hour(3), 2_000);
		// Half of its energy was used before 02:00: recorded unbilled, not priced.
		let a = account(METER);
		assert_eq!((a.credit, a.unbilled_wh), (9 * UNIT, 2_000));
		assert_eq!(revenue(OPERATOR), UNIT);
	});
}

#[test]
fn the_forecast_starts_from_the_first_billed_reading() {
	ExtBuilder::default().build_and_execute(|| {
		top_up(OWNER, METER, 100 * UNIT);
		consume(METER, at_hour(0), at_hour(1), 500);
		set_now(at_hour(1));
		let id = create(OPERATOR, flat(UNIT));
		assign(METER, id);
		// 1 kWh in an hour at 1 WATT: 24 WATT a day, from the first billed reading on
		// (earlier a 168th of it after unbilled readings: four days left looked like 693).
		consume(METER, at_hour(1), at_hour(2), 1_000);
		assert_eq!(account(METER).daily_energy_cost, 24 * UNIT);
		assert_eq!(Prepaid::meter_status(METER).unwrap().projected_days_left, Some(4));
	});
}

#[test]
fn supply_follows_credit_outside_friendly_hours() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.low_credit_threshold = 2 * UNIT;
		funded_meter(METER, p, 5 * UNIT);
		consume(METER, at_hour(10), at_hour(11), 2_000);
		assert_eq!(supply(METER), SupplyState::Connected);
		consume(METER, at_hour(11), at_hour(12), 1_500);
		assert_eq!(supply(METER), SupplyState::LowCredit);
		consume(METER, at_hour(12), at_hour(13), 2_000);
		let a = account(METER);
		assert_eq!((a.credit, a.debt, a.supply), (0, 500 * MILLIWATT, SupplyState::Disconnected));
		assert_eq!(revenue(OPERATOR), 5 * UNIT);
		// While disconnected, standing charges (none here) and stray energy are debt.
		consume(METER, at_hour(13), at_hour(14), 100);
		assert_eq!(account(METER).debt, 600 * MILLIWATT);
		assert_eq!(
			supply_events(METER),
			vec![
				(SupplyState::Connected, SupplyState::LowCredit),
				(SupplyState::LowCredit, SupplyState::Disconnected)
			]
		);
	});
}

#[test]
fn weekends_are_friendly() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.friendly_hours = FriendlyHours { hours: 0, weekdays: 0b110_0000 };
		funded_meter(METER, p, UNIT);
		let saturday = t0() + 5 * DAY_MS;
		consume(METER, saturday + 12 * HOUR_MS, saturday + 13 * HOUR_MS, 3_000);
		let a = account(METER);
		assert_eq!((a.credit, a.debt, a.supply), (0, 2 * UNIT, SupplyState::LowCredit));
		consume(METER, saturday + 13 * HOUR_MS, saturday + 36 * HOUR_MS, 1_000);
		assert_eq!(supply(METER), SupplyState::LowCredit); // Sunday
													 // Monday 08:00: the first reading outside the friendly days disconnects.
		consume(METER, saturday + 36 * HOUR_MS, saturday + 56 * HOUR_MS, 0);
		assert_eq!(supply(METER), SupplyState::Disconnected);
		assert_eq!(account(METER).debt, 3 * UNIT);
	});
}

#[test]
fn emergency_exhausted_in_friendly_hours_stays_on_until_they_end() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.emergency_credit = UNIT;
		p.friendly_hours = friendly(22, 7, 0);
		funded_meter(METER, p, 0);
		assert_ok!(Prepaid::take_emergency_credit(signed(OWNER), METER));
		consume(METER, at_hour(21), at_hour(23), 2_000);
		let a = account(METER);
		assert_eq!((a.emergency_used, a.debt, a.supply), (UNIT, UNIT, SupplyState::Emergency));
		consume(METER, at_hour(23), at_hour(31), 1_000);
		assert_eq!(supply(METER), SupplyState::Disconnected); // 07:00 is not friendly
	});
}

#[test]
fn standing_charges_accrue_per_day_even_without_energy() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.standing_charge_per_day = 500 * MILLIWATT;
		funded_meter(METER, p, 10 * UNIT);
		consume(METER, t0(), t0() + DAY_MS - 1, 0);
		assert_eq!(credit(METER), 10 * UNIT);
		consume(METER, t0() + DAY_MS - 1, t0() + 3 * DAY_MS + HOUR_MS, 0);
		assert_eq!(credit(METER), 10 * UNIT - 1_500 * MILLIWATT);
		assert_eq!(account(METER).standing_paid_until, t0() + 3 * DAY_MS);
		// The daily average counts energy only; the status adds the standing charge.
		let status = Prepaid::meter_status(METER).unwrap();
		assert_eq!(status.average_daily_cost, 500 * MILLIWATT);
		assert_eq!(status.projected_days_left, Some(17));
	});
}

#[test]
fn no_standing_charge_accrues_while_the_supply_is_off() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.standing_charge_per_day = UNIT;
		funded_meter(METER, p, 0);
		assert_eq!(supply(METER), SupplyState::Disconnected);
		// A month off supply, then a top-up: earlier 30 days of standing charges were waiting
		// as debt, a lump recovered from every top-up for months.
		set_now(t0() + 30 * DAY_MS);
		top_up(NEIGHBOUR, METER, 10 * UNIT);
		assert_eq!(supply(METER), SupplyState::Connected);
		consume(METER, t0() + 30 * DAY_MS, t0() + 31 * DAY_MS, 0);
		let a = account(METER);
		assert_eq!((a.credit, a.debt), (9 * UNIT, 0));
	});
}

#[test]
fn genesis_meters_start_standing_charges_at_the_first_reading() {
	let mut p = flat(UNIT);
	p.standing_charge_per_day = UNIT;
	ExtBuilder::default().tariff(OPERATOR, p).meter(METER, Some(0), 10 * UNIT).build_and_execute(
		|| {
			assert_eq!(account(METER).standing_paid_until, 0);
			consume(METER, t0(), t0() + HOUR_MS, 0);
			assert_eq!(credit(METER), 10 * UNIT);
			assert_eq!(account(METER).standing_paid_until, t0());
			consume(METER, t0() + HOUR_MS, t0() + DAY_MS, 0);
			assert_eq!(credit(METER), 9 * UNIT);
		},
	);
}

#[test]
fn revenue_is_what_was_debited() {
	ExtBuilder::default().build_and_execute(|| {
		funded_meter(METER, flat(123_456_789), 10 * UNIT);
		let mut wh = 0;
		for k in 0..50u64 {
			let e = 17 + 13 * k;
			wh += e;
			consume(METER, at_hour(k), at_hour(k + 1), e);
		}
		let a = account(METER);
		let milli = u128::from(wh) * 123_456_789;
		assert_eq!(10 * UNIT - a.credit, milli / 1_000);
		assert_eq!(u128::from(a.remainder_milli), milli % 1_000);
		assert_eq!(revenue(OPERATOR), milli / 1_000);
	});
}

#[test]
fn a_reading_weighs_its_tariffs_versions_and_a_switch_the_worst_case() {
	use crate::weights::WeightInfo;
	ExtBuilder::default().build_and_execute(|| {
		let id = funded_meter(METER, flat(MILLIWATT), 100 * UNIT);
		let bill = |from: Moment, to: Moment| {
			let consumption = wattcoin_primitives::traits::Consumption {
				meter: METER,
				from_ms: from,
				to_ms: to,
				energy_wh: 10,
			};
			<Prepaid as OnConsumption<AccountId>>::on_consumption(
				&consumption,
				&OPERATOR,
				&mut Default::default(),
			)
		};
		// The benchmark's worst case changes the supply state (a `SupplyOrders` write); a
		// reading that leaves it as it is weighs one write less.
		let no_change = <Test as frame_system::Config>::DbWeight::get().writes(1);
		let same_tariff = |v| <() as WeightInfo>::on_consumption_same_tariff(v) - no_change;
		// One version: the least work, for an hour or for months (pricing is in closed form).
		assert_eq!(bill(at_hour(0), at_hour(1)), same_tariff(1));
		assert_eq!(bill(at_hour(1), at_hour(24 * 90)), same_tariff(1));
		assert_eq!(<Prepaid as OnConsumption<AccountId>>::ordinary_weight(1), same_tariff(1));
		// A change announced: two versions to price.
		let change = at_hour(24 * 90) + 8 * DAY_MS;
		set_now(at_hour(24 * 90));
		assert_ok!(Prepaid::schedule_tariff_change(
			signed(OPERATOR),
			id,
			change,
			flat(2 * MILLIWATT)
		));
		assert_eq!(bill(at_hour(24 * 90), at_hour(24 * 90 + 1)), same_tariff(2));
		// A switch to another tariff due within the reading: the worst case.
		let other = create(OPERATOR, flat(3 * MILLIWATT));
		assign(METER, other);
		let (_, switch) = account(METER).next_tariff.expect("a switch is announced");
		assert_eq!(bill(at_hour(24 * 90 + 1), switch + 1), <() as WeightInfo>::on_consumption());
		assert_eq!(account(METER).tariff, Some(other));
		assert!(<Prepaid as OnConsumption<AccountId>>::max_weight().all_gte(same_tariff(10)));
	});
}

#[test]
fn a_reading_that_changes_the_supply_state_weighs_the_order_it_writes() {
	use crate::weights::WeightInfo;
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.low_credit_threshold = UNIT / 2;
		funded_meter(METER, p, UNIT);
		let noon = t0() + 4 * DAY_MS + 12 * HOUR_MS;
		set_now(noon);
		// 0.6 WATT of 1: the supply goes to LowCredit, a `SupplyOrders` entry is written.
		let weight = <Prepaid as OnConsumption<AccountId>>::on_consumption(
			&wattcoin_primitives::traits::Consumption {
				meter: METER,
				from_ms: noon - HOUR_MS,
				to_ms: noon,
				energy_wh: 600,
			},
			&OPERATOR,
			&mut Default::default(),
		);
		assert_eq!(supply(METER), SupplyState::LowCredit);
		assert_eq!(weight, <() as WeightInfo>::on_consumption_same_tariff(1));
	});
}

#[test]
fn readings_of_one_batch_pay_once_for_the_tariff_and_the_revenue_they_share() {
	use crate::weights::WeightInfo;
	ExtBuilder::default().build_and_execute(|| {
		let id = funded_meter(METER, flat(MILLIWATT), 100 * UNIT);
		top_up(NEIGHBOUR, METER_2, 100 * UNIT);
		assign(METER_2, id);
		let other = create(OPERATOR_2, flat(2 * MILLIWATT));
		top_up(NEIGHBOUR, METER_3, 100 * UNIT);
		assign(METER_3, other);
		set_now(at_hour(2));
		let bill = |meter,
		            operator,
		            from: Moment,
		            energy_wh,
		            batch: &mut crate::BillingBatch<AccountId>| {
			let consumption = wattcoin_primitives::traits::Consumption {
				meter,
				from_ms: from,
				to_ms: from + HOUR_MS,
				energy_wh,
			};
			<Prepaid as OnConsumption<AccountId>>::on_consumption(&consumption, &operator, batch)
		};
		let db = <Test as frame_system::Config>::DbWeight::get();
		let alone = <() as WeightInfo>::on_consumption_same_tariff(1) - db.writes(1);
		let tariff = db.reads(1);
		let shared_revenue = db.reads_writes(1, 1);

		let mut batch = crate::BillingBatch::default();
		assert_eq!(bill(METER, OPERATOR, at_hour(0), 10, &mut batch), alone);
		// The same tariff and operator: both were read, the revenue written, by the first.
		assert_eq!(
			bill(METER_2, OPERATOR, at_hour(0), 10, &mut batch),
			alone - tariff - shared_revenue
		);
		// Another operator's tariff: its own reads and write.
		assert_eq!(bill(METER_3, OPERATOR_2, at_hour(0), 10, &mut batch), alone);
		assert_eq!(
			bill(METER, OPERATOR, at_hour(1), 10, &mut batch),
			alone - tariff - shared_revenue
		);
		// The next batch pays again.
		let mut next = crate::BillingBatch::default();
		assert_eq!(bill(METER_2, OPERATOR, at_hour(1), 10, &mut next), alone);
		// Every reading was billed as if alone: 40 Wh at 1 mW/Wh, 10 Wh at 2 mW/Wh.
		assert_eq!(revenue(OPERATOR), 40 * MILLIWATT / 1_000);
		assert_eq!(revenue(OPERATOR_2), 10 * 2 * MILLIWATT / 1_000);
	});
}

#[test]
fn a_reading_that_pays_nothing_leaves_the_revenue_to_be_paid_for_by_the_next() {
	use crate::weights::WeightInfo;
	ExtBuilder::default().build_and_execute(|| {
		let id = funded_meter(METER, flat(MILLIWATT), 100 * UNIT);
		top_up(NEIGHBOUR, METER_2, 100 * UNIT);
		assign(METER_2, id);
		set_now(at_hour(1));
		let bill = |meter, energy_wh, batch: &mut crate::BillingBatch<AccountId>| {
			let consumption = wattcoin_primitives::traits::Consumption {
				meter,
				from_ms: at_hour(0),
				to_ms: at_hour(1),
				energy_wh,
			};
			<Prepaid as OnConsumption<AccountId>>::on_consumption(&consumption, &OPERATOR, batch)
		};
		let db = <Test as frame_system::Config>::DbWeight::get();
		let alone = <() as WeightInfo>::on_consumption_same_tariff(1) - db.writes(1);
		let mut batch = crate::BillingBatch::default();
		// No energy, no standing charge: nothing paid, the revenue not touched.
		assert_eq!(bill(METER, 0, &mut batch), alone);
		assert_eq!(revenue(OPERATOR), 0);
		// The tariff was read; the revenue is read and written now, and paid for.
		assert_eq!(bill(METER_2, 10, &mut batch), alone - db.reads(1));
	});
}
