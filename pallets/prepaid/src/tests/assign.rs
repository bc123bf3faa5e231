//! Assigning a tariff to a meter: first assignment, switches with notice (the rule that a
//! scheduled switch is final is in `notice.rs`).

use super::*;

#[test]
fn first_assignment_is_immediate() {
	ExtBuilder::default().build_and_execute(|| {
		let id = create(OPERATOR, flat(1));
		assign(METER, id);
		let a = account(METER);
		assert_eq!(a.tariff, Some(id));
		assert_eq!(a.next_tariff, None);
		assert_eq!(a.standing_paid_until, t0());
		assert_eq!(Tariffs::<Test>::get(id).unwrap().meters, 1);
		// No credit: the supply is cut.
		assert_eq!(a.supply, SupplyState::Disconnected);
		assert_eq!(
			prepaid_events()[1..],
			[
				Event::SupplyChanged {
					meter: METER,
					from: SupplyState::Connected,
					to: SupplyState::Disconnected
				},
				Event::TariffAssigned { meter: METER, tariff: id, effective_from: t0() },
			]
		);
	});
}

#[test]
fn switching_tariff_needs_notice_and_prices_each_side() {
	ExtBuilder::default().build_and_execute(|| {
		let cheap = funded_meter(METER, flat(200 * MILLIWATT), 10 * UNIT);
		let dear = create(OPERATOR, flat(400 * MILLIWATT));
		assign(METER, dear);
		let switch = t0() + 7 * DAY_MS;
		assert_eq!(
			last_event(),
			Event::TariffAssigned { meter: METER, tariff: dear, effective_from: switch }
		);
		assert_eq!(account(METER).next_tariff, Some((dear, switch)));
		assert_eq!(Tariffs::<Test>::get(dear).unwrap().meters, 1);
		// Before the switch: the old price.
		consume(METER, t0(), t0() + HOUR_MS, 1_000);
		assert_eq!(credit(METER), 9_800 * MILLIWATT);
		assert_eq!(account(METER).tariff, Some(cheap));
		// Across it: each side at its own tariff; the switch is then done.
		consume(METER, switch - HOUR_MS, switch + HOUR_MS, 2_000);
		assert_eq!(credit(METER), 9_800 * MILLIWATT - 600 * MILLIWATT);
		let a = account(METER);
		assert_eq!((a.tariff, a.next_tariff), (Some(dear), None));
		assert_eq!(Tariffs::<Test>::get(cheap).unwrap().meters, 0);
		assert_eq!(Tariffs::<Test>::get(dear).unwrap().meters, 1);
		consume(METER, switch + HOUR_MS, switch + 2 * HOUR_MS, 1_000);
		assert_eq!(credit(METER), 9_200 * MILLIWATT - 400 * MILLIWATT);
		assert_eq!(revenue(OPERATOR), 1_200 * MILLIWATT);
	});
}

#[test]
fn a_scheduled_switch_is_final_until_billed() {
	ExtBuilder::default().build_and_execute(|| {
		let a = funded_meter(METER, flat(1), 0);
		let b = create(OPERATOR, flat(2));
		let c = create(OPERATOR, flat(3));
		assign(METER, b);
		set_now(t0() + DAY_MS);
		for other in [a, b, c] {
			assert_noop!(
				Prepaid::assign_tariff(signed(OPERATOR), METER, other),
				Error::<Test>::SwitchPending
			);
		}
		assert_eq!(account(METER).next_tariff, Some((b, t0() + 7 * DAY_MS)));
		assert_eq!(Tariffs::<Test>::get(b).unwrap().meters, 1);
		assert_eq!(Tariffs::<Test>::get(c).unwrap().meters, 0);
	});
}

#[test]
fn assign_tariff_errors() {
	ExtBuilder::default().build_and_execute(|| {
		let mine = create(OPERATOR, flat(1));
		let theirs = create(OPERATOR_2, flat(1));
		assert_noop!(
			Prepaid::assign_tariff(signed(OWNER), METER, mine),
			Error::<Test>::NotOperator
		);
		assert_noop!(
			Prepaid::assign_tariff(signed(OPERATOR), UNKNOWN_METER, mine),
			Error::<Test>::UnknownMeter
		);
		assert_noop!(
			Prepaid::assign_tariff(signed(OPERATOR), METER_3, mine),
			Error::<Test>::NotMeterOperator
		);
		assert_noop!(
			Prepaid::assign_tariff(signed(OPERATOR), METER, 77),
			Error::<Test>::UnknownTariff
		);
		assert_noop!(
			Prepaid::assign_tariff(signed(OPERATOR), METER, theirs),
			Error::<Test>::NotTariffOwner
		);
	});
}
