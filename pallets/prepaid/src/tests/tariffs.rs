//! Creating, changing, cancelling and retiring tariffs: every path and error.

use super::*;

#[test]
fn create_tariff_works() {
	ExtBuilder::default().build_and_execute(|| {
		let id = create(OPERATOR, flat(200 * MILLIWATT));
		assert_eq!(id, 0);
		assert_eq!(
			last_event(),
			Event::TariffCreated { tariff: 0, operator: OPERATOR, effective_from: t0() }
		);
		let t = Tariffs::<Test>::get(0).unwrap();
		assert_eq!(t.operator, OPERATOR);
		assert_eq!(t.meters, 0);
		assert_eq!(t.versions.len(), 1);
		assert_eq!(t.versions[0].effective_from, t0());
		assert_eq!(t.versions[0].params, flat(200 * MILLIWATT));
		assert_eq!(OperatorTariffs::<Test>::get(OPERATOR), 1);
		assert_eq!(create(OPERATOR, flat(1)), 1);
		assert_eq!(NextTariffId::<Test>::get(), 2);
	});
}

#[test]
fn create_tariff_errors() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Prepaid::create_tariff(RuntimeOrigin::none(), flat(1)), BadOrigin);
		assert_noop!(Prepaid::create_tariff(signed(OWNER), flat(1)), Error::<Test>::NotOperator);
		let too_high = crate::pricing::MAX_PRICE + 1;
		assert_noop!(
			Prepaid::create_tariff(signed(OPERATOR), flat(too_high)),
			Error::<Test>::PriceTooHigh
		);
		let mut p = flat(1);
		p.standing_charge_per_day = too_high;
		assert_noop!(Prepaid::create_tariff(signed(OPERATOR), p), Error::<Test>::PriceTooHigh);
		let mut p = flat(1);
		p.utc_offset_minutes = 841;
		assert_noop!(Prepaid::create_tariff(signed(OPERATOR), p), Error::<Test>::InvalidUtcOffset);
		let mut p = flat(1);
		p.utc_offset_minutes = 100;
		assert_noop!(Prepaid::create_tariff(signed(OPERATOR), p), Error::<Test>::InvalidUtcOffset);
		let mut p = flat(1);
		p.bands = bands(&[(3, 3, 1)]);
		assert_noop!(Prepaid::create_tariff(signed(OPERATOR), p), Error::<Test>::InvalidBand);
		let mut p = flat(1);
		p.bands = bands(&[(0, 25, 1)]);
		assert_noop!(Prepaid::create_tariff(signed(OPERATOR), p), Error::<Test>::InvalidBand);
		let mut p = flat(1);
		p.bands = bands(&[(22, 6, 1), (5, 8, 2)]);
		assert_noop!(Prepaid::create_tariff(signed(OPERATOR), p), Error::<Test>::OverlappingBands);
		let mut p = flat(1);
		p.tiers = tiers(&[(100, 1), (100, 2)]);
		assert_noop!(
			Prepaid::create_tariff(signed(OPERATOR), p),
			Error::<Test>::TiersNotIncreasing
		);
		let mut p = flat(1);
		p.friendly_hours = FriendlyHours { hours: 1 << 24, weekdays: 0 };
		assert_noop!(
			Prepaid::create_tariff(signed(OPERATOR), p),
			Error::<Test>::InvalidFriendlyHours
		);
		for _ in 0..3 {
			create(OPERATOR, flat(1));
		}
		assert_noop!(
			Prepaid::create_tariff(signed(OPERATOR), flat(1)),
			Error::<Test>::TooManyTariffs
		);
		// Another operator is not limited by the first one's tariffs.
		create(OPERATOR_2, flat(1));
	});
}

// ---------------------------------------------------------------------------------------
// schedule_tariff_change and cancel_tariff_change

#[test]
fn schedule_tariff_change_works_and_keeps_versions_sorted() {
	ExtBuilder::default().build_and_execute(|| {
		let id = create(OPERATOR, flat(200 * MILLIWATT));
		let week = 7 * DAY_MS;
		assert_ok!(Prepaid::schedule_tariff_change(
			signed(OPERATOR),
			id,
			t0() + 2 * week,
			flat(300 * MILLIWATT)
		));
		assert_eq!(
			last_event(),
			Event::TariffChangeScheduled { tariff: id, effective_from: t0() + 2 * week }
		);
		// Exactly the notice period is enough; inserted before the later change.
		assert_ok!(Prepaid::schedule_tariff_change(
			signed(OPERATOR),
			id,
			t0() + week,
			flat(250 * MILLIWATT)
		));
		let t = Tariffs::<Test>::get(id).unwrap();
		let times: Vec<Moment> = t.versions.iter().map(|v| v.effective_from).collect();
		assert_eq!(times, vec![t0(), t0() + week, t0() + 2 * week]);
		assert_eq!(t.version_at(t0() + week - 1).unwrap().params.price_per_kwh, 200 * MILLIWATT);
		assert_eq!(t.version_at(t0() + week).unwrap().params.price_per_kwh, 250 * MILLIWATT);
		assert_eq!(t.next_change_after(t0()), Some(t0() + week));
	});
}

#[test]
fn schedule_tariff_change_errors() {
	ExtBuilder::default().build_and_execute(|| {
		let id = create(OPERATOR, flat(1));
		let later = t0() + 7 * DAY_MS;
		assert_noop!(
			Prepaid::schedule_tariff_change(signed(OPERATOR), id, later - 1, flat(2)),
			Error::<Test>::NoticeTooShort
		);
		assert_noop!(
			Prepaid::schedule_tariff_change(signed(OPERATOR), 7, later, flat(2)),
			Error::<Test>::UnknownTariff
		);
		assert_noop!(
			Prepaid::schedule_tariff_change(signed(OPERATOR_2), id, later, flat(2)),
			Error::<Test>::NotTariffOwner
		);
		assert_noop!(
			Prepaid::schedule_tariff_change(signed(OWNER), id, later, flat(2)),
			Error::<Test>::NotOperator
		);
		assert_noop!(
			Prepaid::schedule_tariff_change(signed(OPERATOR), id, later, flat(u128::MAX)),
			Error::<Test>::PriceTooHigh
		);
		assert_ok!(Prepaid::schedule_tariff_change(signed(OPERATOR), id, later, flat(2)));
		assert_noop!(
			Prepaid::schedule_tariff_change(signed(OPERATOR), id, later, flat(3)),
			Error::<Test>::DuplicateChange
		);
		assert_ok!(Prepaid::schedule_tariff_change(signed(OPERATOR), id, later + 1, flat(3)));
		assert_ok!(Prepaid::schedule_tariff_change(signed(OPERATOR), id, later + 2, flat(4)));
		// MaxTariffVersions = 4 and nothing is old enough to drop.
		assert_noop!(
			Prepaid::schedule_tariff_change(signed(OPERATOR), id, later + 3, flat(5)),
			Error::<Test>::TooManyTariffVersions
		);
		// A revoked operator can no longer schedule changes.
		remove_operator(OPERATOR);
		assert_noop!(
			Prepaid::schedule_tariff_change(signed(OPERATOR), id, later + 4, flat(5)),
			Error::<Test>::NotOperator
		);
	});
}

#[test]
fn late_readings_keep_their_price_however_many_changes_follow() {
	ExtBuilder::default().build_and_execute(|| {
		let id = funded_meter(METER, flat(UNIT), 100 * UNIT);
		let week = 7 * DAY_MS;
		for k in 1..=2 {
			assert_ok!(Prepaid::schedule_tariff_change(
				signed(OPERATOR),
				id,
				t0() + k * week,
				flat((1 + k as u128) * UNIT)
			));
		}
		// Three weeks on, another change: the terms of the first week, superseded two weeks
		// ago, are still kept (earlier the first two weeks' versions were pruned here, and the
		// late reading below was priced at the third week's 3 WATT).
		set_now(t0() + 3 * week);
		assert_ok!(Prepaid::schedule_tariff_change(signed(OPERATOR), id, t0() + 4 * week, flat(9)));
		let times: Vec<Moment> =
			Tariffs::<Test>::get(id).unwrap().versions.iter().map(|v| v.effective_from).collect();
		assert_eq!(times, vec![t0(), t0() + week, t0() + 2 * week, t0() + 4 * week]);
		// A meter offline since the first day uploads its backlog.
		consume_at_chain_time(METER, t0(), t0() + DAY_MS, 1_000);
		assert_eq!(credit(METER), 99 * UNIT);
	});
}

#[test]
fn a_tariff_with_all_its_versions_takes_no_more_changes() {
	ExtBuilder::default().build_and_execute(|| {
		let id = create(OPERATOR, flat(1));
		let week = 7 * DAY_MS;
		// MaxTariffVersions is 4 in the mock: the first version and three changes.
		for k in 1..=3 {
			assert_ok!(Prepaid::schedule_tariff_change(
				signed(OPERATOR),
				id,
				t0() + k * week,
				flat(1 + k as u128)
			));
		}
		set_now(t0() + 10 * week);
		assert_noop!(
			Prepaid::schedule_tariff_change(signed(OPERATOR), id, t0() + 11 * week, flat(9)),
			Error::<Test>::TooManyTariffVersions
		);
	});
}

#[test]
fn cancel_tariff_change_works_and_errors() {
	ExtBuilder::default().build_and_execute(|| {
		let id = create(OPERATOR, flat(1));
		let later = t0() + 8 * DAY_MS;
		assert_ok!(Prepaid::schedule_tariff_change(signed(OPERATOR), id, later, flat(2)));
		assert_noop!(
			Prepaid::cancel_tariff_change(signed(OPERATOR_2), id, later),
			Error::<Test>::NotTariffOwner
		);
		assert_noop!(
			Prepaid::cancel_tariff_change(signed(OPERATOR), 5, later),
			Error::<Test>::UnknownTariff
		);
		assert_noop!(
			Prepaid::cancel_tariff_change(signed(OPERATOR), id, later + 1),
			Error::<Test>::UnknownChange
		);
		// The version in force cannot be cancelled.
		set_now(t0() + 1);
		assert_noop!(
			Prepaid::cancel_tariff_change(signed(OPERATOR), id, t0()),
			Error::<Test>::ChangeInForce
		);
		assert_ok!(Prepaid::cancel_tariff_change(signed(OPERATOR), id, later));
		assert_eq!(
			last_event(),
			Event::TariffChangeCancelled { tariff: id, effective_from: later }
		);
		assert_eq!(Tariffs::<Test>::get(id).unwrap().versions.len(), 1);
		// Once in force, too late.
		assert_ok!(Prepaid::schedule_tariff_change(
			signed(OPERATOR),
			id,
			later + 7 * DAY_MS,
			flat(3)
		));
		set_now(later + 7 * DAY_MS);
		assert_noop!(
			Prepaid::cancel_tariff_change(signed(OPERATOR), id, later + 7 * DAY_MS),
			Error::<Test>::ChangeInForce
		);
	});
}

#[test]
fn a_reading_from_before_the_first_assignment_is_not_billed() {
	ExtBuilder::default().build_and_execute(|| {
		funded_meter(METER, flat(UNIT), 10 * UNIT);
		// Earlier the first version also priced this hour before the meter had a tariff.
		consume(METER, t0() - HOUR_MS, t0(), 1_000);
		assert_eq!((credit(METER), account(METER).unbilled_wh), (10 * UNIT, 1_000));
	});
}

// ---------------------------------------------------------------------------------------
// retire_tariff

#[test]
fn retire_tariff_works_and_errors() {
	ExtBuilder::default().build_and_execute(|| {
		let id = create(OPERATOR, flat(1));
		let spare = create(OPERATOR, flat(2));
		assign(METER, id);
		assert_noop!(Prepaid::retire_tariff(signed(OPERATOR), id), Error::<Test>::TariffInUse);
		assert_noop!(
			Prepaid::retire_tariff(signed(OPERATOR_2), spare),
			Error::<Test>::NotTariffOwner
		);
		assert_noop!(Prepaid::retire_tariff(signed(OPERATOR), 9), Error::<Test>::UnknownTariff);
		// A meter scheduled to switch to a tariff keeps it in use.
		assign(METER, spare);
		assert_noop!(Prepaid::retire_tariff(signed(OPERATOR), spare), Error::<Test>::TariffInUse);
		// Once a reading has billed across the switch, the meter's old tariff is free.
		consume(METER, t0(), t0() + 7 * DAY_MS + HOUR_MS, 0);
		assert_ok!(Prepaid::retire_tariff(signed(OPERATOR), id));
		assert_eq!(last_event(), Event::TariffRetired { tariff: id });
		assert!(Tariffs::<Test>::get(id).is_none());
		assert_eq!(OperatorTariffs::<Test>::get(OPERATOR), 1);
		// The freed slot can be used again; ids are never reused.
		create(OPERATOR, flat(3));
		create(OPERATOR, flat(4));
		assert_eq!(NextTariffId::<Test>::get(), 4);
		// Retiring the last one removes the operator's count.
		assert_ok!(Prepaid::retire_tariff(signed(OPERATOR), 2));
		assert_ok!(Prepaid::retire_tariff(signed(OPERATOR), 3));
		let id2 = create(OPERATOR_2, flat(1));
		assert_ok!(Prepaid::retire_tariff(signed(OPERATOR_2), id2));
		assert!(!OperatorTariffs::<Test>::contains_key(OPERATOR_2));
	});
}
