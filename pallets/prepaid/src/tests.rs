//! Mock-runtime tests: every call and error path, billing, protection, lifecycle, genesis,
//! the runtime API helper, the worked examples of `docs/tariffs.md` and value conservation.

use crate::{
	mock::*,
	pricing::{DAY_MS, HOUR_MS},
	types::*,
	Error, Event, Held, MeterAccounts, NextTariffId, OperatorTariffs, Tariffs,
};
use frame_support::{assert_noop, assert_ok};
use sp_runtime::{traits::BadOrigin, DispatchError, TokenError};
use wattcoin_primitives::{
	prepaid_api::{RelayState, TariffInForce},
	traits::{MeterLifecycle, OnConsumption},
	MeterId, Moment,
};

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

fn relay(meter: MeterId) -> RelayState {
	account(meter).relay
}

fn relay_events(meter: MeterId) -> Vec<(RelayState, RelayState)> {
	prepaid_events()
		.into_iter()
		.filter_map(|e| match e {
			Event::RelayChanged { meter: m, from, to } if m == meter => Some((from, to)),
			_ => None,
		})
		.collect()
}

fn last_event() -> Event<Test> {
	prepaid_events().pop().expect("an event")
}

/// A meter of `OPERATOR` with a flat tariff at `price` and `credit` (assigned after the
/// top-up, so no relay event).
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
	assert_eq!(<Prepaid as OnConsumption>::max_weight(), <() as WeightInfo>::on_consumption());
	assert_eq!(
		<Prepaid as MeterLifecycle<AccountId>>::max_weight(),
		<() as WeightInfo>::on_decommission()
	);
}

// ---------------------------------------------------------------------------------------
// create_tariff

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
fn history_is_dropped_only_after_the_notice_period() {
	ExtBuilder::default().build_and_execute(|| {
		let id = create(OPERATOR, flat(1));
		let week = 7 * DAY_MS;
		for k in 1..=3 {
			assert_ok!(Prepaid::schedule_tariff_change(
				signed(OPERATOR),
				id,
				t0() + k * week,
				flat(1 + k as u128)
			));
		}
		// At t0 + 3 weeks the versions of t0 and t0 + 1w were superseded at least a week ago:
		// both go; t0 + 2w (superseded just now) stays for late readings.
		set_now(t0() + 3 * week);
		assert_ok!(Prepaid::schedule_tariff_change(signed(OPERATOR), id, t0() + 4 * week, flat(9)));
		let times: Vec<Moment> =
			Tariffs::<Test>::get(id).unwrap().versions.iter().map(|v| v.effective_from).collect();
		assert_eq!(times, vec![t0() + 2 * week, t0() + 3 * week, t0() + 4 * week]);
	});
}

#[test]
fn cancel_tariff_change_works_and_errors() {
	ExtBuilder::default().build_and_execute(|| {
		let id = create(OPERATOR, flat(1));
		let later = t0() + 7 * DAY_MS;
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
fn a_version_in_force_at_creation_covers_earlier_readings() {
	ExtBuilder::default().build_and_execute(|| {
		let id = funded_meter(METER, flat(UNIT), 10 * UNIT);
		let _ = id;
		// A reading that started before the tariff existed is priced at its first version.
		consume(METER, t0() - HOUR_MS, t0(), 1_000);
		assert_eq!(credit(METER), 9 * UNIT);
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
		assign(METER, id); // cancels the switch
		assert_ok!(Prepaid::retire_tariff(signed(OPERATOR), spare));
		assert_eq!(last_event(), Event::TariffRetired { tariff: spare });
		assert!(Tariffs::<Test>::get(spare).is_none());
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

// ---------------------------------------------------------------------------------------
// assign_tariff

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
		// No credit: the relay opens.
		assert_eq!(a.relay, RelayState::Disconnected);
		assert_eq!(
			prepaid_events()[1..],
			[
				Event::RelayChanged {
					meter: METER,
					from: RelayState::Connected,
					to: RelayState::Disconnected
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
fn a_switch_can_be_replaced_or_cancelled() {
	ExtBuilder::default().build_and_execute(|| {
		let a = funded_meter(METER, flat(1), 0);
		let b = create(OPERATOR, flat(2));
		let c = create(OPERATOR, flat(3));
		assign(METER, b);
		assert_noop!(
			Prepaid::assign_tariff(signed(OPERATOR), METER, b),
			Error::<Test>::AlreadyAssigned
		);
		set_now(t0() + DAY_MS);
		assign(METER, c);
		assert_eq!(account(METER).next_tariff, Some((c, t0() + 8 * DAY_MS)));
		assert_eq!(Tariffs::<Test>::get(b).unwrap().meters, 0);
		assert_eq!(Tariffs::<Test>::get(c).unwrap().meters, 1);
		assign(METER, a);
		assert_eq!(last_event(), Event::TariffSwitchCancelled { meter: METER, tariff: a });
		assert_eq!(account(METER).next_tariff, None);
		assert_eq!(Tariffs::<Test>::get(c).unwrap().meters, 0);
		assert_noop!(
			Prepaid::assign_tariff(signed(OPERATOR), METER, a),
			Error::<Test>::AlreadyAssigned
		);
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

// ---------------------------------------------------------------------------------------
// top_up

#[test]
fn top_up_works_by_anyone() {
	ExtBuilder::default().build_and_execute(|| {
		let before = free(NEIGHBOUR);
		top_up(NEIGHBOUR, METER, 5 * UNIT);
		assert_eq!(free(NEIGHBOUR), before - 5 * UNIT);
		assert_eq!(credit(METER), 5 * UNIT);
		assert_eq!(Held::<Test>::get(), 5 * UNIT);
		assert_eq!(pot_balance(), ED + 5 * UNIT);
		assert_eq!(
			last_event(),
			Event::ToppedUp {
				meter: METER,
				payer: NEIGHBOUR,
				amount: 5 * UNIT,
				to_credit: 5 * UNIT,
				to_emergency: 0,
				to_debt: 0
			}
		);
		// No tariff: relay untouched.
		assert_eq!(relay(METER), RelayState::Connected);
	});
}

#[test]
fn top_up_errors() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Prepaid::top_up(RuntimeOrigin::none(), METER, 1), BadOrigin);
		assert_noop!(Prepaid::top_up(signed(OWNER), METER, 0), Error::<Test>::ZeroAmount);
		assert_noop!(Prepaid::top_up(signed(OWNER), UNKNOWN_METER, 1), Error::<Test>::UnknownMeter);
		assert_noop!(
			Prepaid::top_up(signed(NOBODY), METER, UNIT),
			DispatchError::Token(TokenError::FundsUnavailable)
		);
		// The payer's account is kept alive.
		assert_noop!(
			Prepaid::top_up(signed(OWNER), METER, free(OWNER)),
			DispatchError::Token(TokenError::NotExpendable)
		);
		assert_ok!(Prepaid::top_up(signed(OWNER), METER, free(OWNER) - ED));
	});
}

#[test]
fn top_up_endows_a_pot_that_never_was() {
	ExtBuilder::default().without_pallet_genesis().build_and_execute(|| {
		assert_eq!(pot_balance(), 0);
		let before = free(NEIGHBOUR);
		top_up(NEIGHBOUR, METER, UNIT);
		assert_eq!(free(NEIGHBOUR), before - UNIT - ED);
		assert!(prepaid_events().contains(&Event::PotEndowed { payer: NEIGHBOUR, amount: ED }));
		assert_pot_exact();
		// Only once.
		top_up(NEIGHBOUR, METER, UNIT);
		assert_eq!(free(NEIGHBOUR), before - 2 * UNIT - ED);
		assert_pot_exact();
	});
}

#[test]
fn top_up_recovers_emergency_then_debt_within_the_share() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.emergency_credit = 3 * UNIT;
		funded_meter(METER, p, 0);
		assert_ok!(Prepaid::take_emergency_credit(signed(OWNER), METER));
		consume(METER, at_hour(10), at_hour(11), 13_000);
		let a = account(METER);
		assert_eq!((a.credit, a.emergency_used, a.debt), (0, 3 * UNIT, 10 * UNIT));
		assert_eq!(a.relay, RelayState::Disconnected);
		// 25% of 20 = 5: 3 to emergency, 2 to debt, 15 to credit.
		top_up(NEIGHBOUR, METER, 20 * UNIT);
		assert_eq!(
			prepaid_events().into_iter().rev().find(|e| matches!(e, Event::ToppedUp { .. })),
			Some(Event::ToppedUp {
				meter: METER,
				payer: NEIGHBOUR,
				amount: 20 * UNIT,
				to_credit: 15 * UNIT,
				to_emergency: 3 * UNIT,
				to_debt: 2 * UNIT
			})
		);
		let a = account(METER);
		assert_eq!(
			(a.credit, a.emergency_used, a.emergency_granted, a.debt),
			(15 * UNIT, 0, 0, 8 * UNIT)
		);
		assert_eq!(a.relay, RelayState::Connected);
		assert_eq!(revenue(OPERATOR), 5 * UNIT);
		// The next top-up recovers debt only, again at most a quarter.
		top_up(NEIGHBOUR, METER, 4 * UNIT);
		let a = account(METER);
		assert_eq!((a.credit, a.debt), (18 * UNIT, 7 * UNIT));
		assert_eq!(revenue(OPERATOR), 6 * UNIT);
	});
}

#[test]
fn top_up_reconnects() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.low_credit_threshold = 2 * UNIT;
		funded_meter(METER, p, 0);
		assert_eq!(relay(METER), RelayState::Disconnected);
		top_up(OWNER, METER, UNIT);
		assert_eq!(relay(METER), RelayState::LowCredit);
		top_up(OWNER, METER, UNIT);
		assert_eq!(relay(METER), RelayState::Connected);
		assert_eq!(
			relay_events(METER),
			vec![
				(RelayState::Connected, RelayState::Disconnected),
				(RelayState::Disconnected, RelayState::LowCredit),
				(RelayState::LowCredit, RelayState::Connected),
			]
		);
	});
}

#[test]
fn top_up_of_a_meter_the_pallet_was_not_told_of() {
	ExtBuilder::default().build_and_execute(|| {
		register_meter(3001, OPERATOR, OWNER);
		assert!(MeterAccounts::<Test>::get(3001).is_none());
		top_up(OWNER, 3001, UNIT);
		assert_eq!(credit(3001), UNIT);
	});
}

// ---------------------------------------------------------------------------------------
// take_emergency_credit

#[test]
fn emergency_credit_flow() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.low_credit_threshold = 2 * UNIT;
		p.emergency_credit = 5 * UNIT;
		funded_meter(METER, p, UNIT);
		assert_eq!(relay(METER), RelayState::LowCredit);
		assert_ok!(Prepaid::take_emergency_credit(signed(OWNER), METER));
		assert_eq!(last_event(), Event::EmergencyCreditTaken { meter: METER, amount: 5 * UNIT });
		assert_eq!(account(METER).emergency_granted, 5 * UNIT);
		// 3 kWh: 1 from credit, 2 from emergency credit.
		consume(METER, at_hour(10), at_hour(11), 3_000);
		let a = account(METER);
		assert_eq!((a.credit, a.emergency_used, a.debt), (0, 2 * UNIT, 0));
		assert_eq!(a.relay, RelayState::Emergency);
		// 4 kWh: 3 from emergency credit, 1 debt; nothing left: disconnected.
		consume(METER, at_hour(11), at_hour(12), 4_000);
		let a = account(METER);
		assert_eq!((a.credit, a.emergency_used, a.debt), (0, 5 * UNIT, UNIT));
		assert_eq!(a.relay, RelayState::Disconnected);
		assert_eq!(revenue(OPERATOR), UNIT);
		// 10: a quarter repays emergency credit, the rest is credit; the grant stays until
		// repaid in full, so the owner cannot take more meanwhile.
		top_up(OWNER, METER, 10 * UNIT);
		let a = account(METER);
		assert_eq!(
			(a.credit, a.emergency_used, a.debt),
			(7_500 * MILLIWATT, 2_500 * MILLIWATT, UNIT)
		);
		assert_eq!(a.relay, RelayState::Connected);
		assert_eq!(
			relay_events(METER),
			vec![
				(RelayState::Connected, RelayState::LowCredit),
				(RelayState::LowCredit, RelayState::Emergency),
				(RelayState::Emergency, RelayState::Disconnected),
				(RelayState::Disconnected, RelayState::Connected),
			]
		);
	});
}

#[test]
fn emergency_credit_reconnects_a_disconnected_meter() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.emergency_credit = 5 * UNIT;
		funded_meter(METER, p, 0);
		assert_eq!(relay(METER), RelayState::Disconnected);
		assert_ok!(Prepaid::take_emergency_credit(signed(OWNER), METER));
		assert_eq!(relay(METER), RelayState::Emergency);
	});
}

#[test]
fn take_emergency_credit_errors() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(
			Prepaid::take_emergency_credit(signed(OWNER), UNKNOWN_METER),
			Error::<Test>::UnknownMeter
		);
		assert_noop!(
			Prepaid::take_emergency_credit(signed(NEIGHBOUR), METER),
			Error::<Test>::NotMeterOwner
		);
		assert_noop!(Prepaid::take_emergency_credit(signed(OWNER), METER), Error::<Test>::NoTariff);
		let mut p = flat(UNIT);
		p.low_credit_threshold = 2 * UNIT;
		p.emergency_credit = 5 * UNIT;
		funded_meter(METER, p.clone(), 3 * UNIT);
		assert_noop!(
			Prepaid::take_emergency_credit(signed(OWNER), METER),
			Error::<Test>::CreditNotLow
		);
		consume(METER, at_hour(1), at_hour(2), 1_500);
		assert_ok!(Prepaid::take_emergency_credit(signed(OWNER), METER));
		assert_noop!(
			Prepaid::take_emergency_credit(signed(OWNER), METER),
			Error::<Test>::EmergencyCreditAlreadyTaken
		);
		p.emergency_credit = 0;
		funded_meter(METER_2, p, 0);
		assert_noop!(
			Prepaid::take_emergency_credit(signed(OWNER_2), METER_2),
			Error::<Test>::NoEmergencyCredit
		);
		// With no threshold, credit must be zero.
		let mut p = flat(UNIT);
		p.emergency_credit = UNIT;
		let id = create(OPERATOR_2, p);
		top_up(OWNER, METER_3, 1);
		assert_ok!(Prepaid::assign_tariff(signed(OPERATOR_2), METER_3, id));
		assert_noop!(
			Prepaid::take_emergency_credit(signed(OWNER), METER_3),
			Error::<Test>::CreditNotLow
		);
	});
}

#[test]
fn an_unused_grant_ends_with_the_next_top_up() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.emergency_credit = 5 * UNIT;
		funded_meter(METER, p, 0);
		assert_ok!(Prepaid::take_emergency_credit(signed(OWNER), METER));
		top_up(OWNER, METER, UNIT);
		assert_eq!(account(METER).emergency_granted, 0);
		assert_eq!(relay(METER), RelayState::Connected);
	});
}

// ---------------------------------------------------------------------------------------
// withdraw_revenue

#[test]
fn withdraw_revenue_works_and_errors() {
	ExtBuilder::default().build_and_execute(|| {
		funded_meter(METER, flat(UNIT), 10 * UNIT);
		consume(METER, at_hour(1), at_hour(2), 3_000);
		assert_eq!(revenue(OPERATOR), 3 * UNIT);
		assert_noop!(
			Prepaid::withdraw_revenue(signed(OPERATOR), OPERATOR, 0),
			Error::<Test>::ZeroAmount
		);
		assert_noop!(
			Prepaid::withdraw_revenue(signed(OPERATOR), OPERATOR, 3 * UNIT + 1),
			Error::<Test>::InsufficientRevenue
		);
		assert_noop!(
			Prepaid::withdraw_revenue(signed(OPERATOR_2), OPERATOR_2, 1),
			Error::<Test>::InsufficientRevenue
		);
		// To a new account, less than the existential deposit cannot arrive.
		assert_noop!(
			Prepaid::withdraw_revenue(signed(OPERATOR), NOBODY, ED - 1),
			DispatchError::Token(TokenError::BelowMinimum)
		);
		let before = free(NOBODY);
		assert_ok!(Prepaid::withdraw_revenue(signed(OPERATOR), NOBODY, UNIT));
		assert_eq!(free(NOBODY), before + UNIT);
		assert_eq!(
			last_event(),
			Event::RevenueWithdrawn { operator: OPERATOR, dest: NOBODY, amount: UNIT }
		);
		// A revoked operator still gets its revenue.
		remove_operator(OPERATOR);
		assert_ok!(Prepaid::withdraw_revenue(signed(OPERATOR), OPERATOR, 2 * UNIT));
		assert_eq!(revenue(OPERATOR), 0);
		assert!(!crate::Revenue::<Test>::contains_key(OPERATOR));
		assert_eq!(Held::<Test>::get(), 7 * UNIT);
	});
}

// ---------------------------------------------------------------------------------------
// Billing (on_consumption)

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
fn relay_follows_credit_outside_friendly_hours() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.low_credit_threshold = 2 * UNIT;
		funded_meter(METER, p, 5 * UNIT);
		consume(METER, at_hour(10), at_hour(11), 2_000);
		assert_eq!(relay(METER), RelayState::Connected);
		consume(METER, at_hour(11), at_hour(12), 1_500);
		assert_eq!(relay(METER), RelayState::LowCredit);
		consume(METER, at_hour(12), at_hour(13), 2_000);
		let a = account(METER);
		assert_eq!((a.credit, a.debt, a.relay), (0, 500 * MILLIWATT, RelayState::Disconnected));
		assert_eq!(revenue(OPERATOR), 5 * UNIT);
		// While disconnected, standing charges (none here) and stray energy are debt.
		consume(METER, at_hour(13), at_hour(14), 100);
		assert_eq!(account(METER).debt, 600 * MILLIWATT);
		assert_eq!(
			relay_events(METER),
			vec![
				(RelayState::Connected, RelayState::LowCredit),
				(RelayState::LowCredit, RelayState::Disconnected)
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
		assert_eq!((a.credit, a.debt, a.relay), (0, 2 * UNIT, RelayState::LowCredit));
		consume(METER, saturday + 13 * HOUR_MS, saturday + 36 * HOUR_MS, 1_000);
		assert_eq!(relay(METER), RelayState::LowCredit); // Sunday
												   // Monday 08:00: the first reading outside the friendly days disconnects.
		consume(METER, saturday + 36 * HOUR_MS, saturday + 56 * HOUR_MS, 0);
		assert_eq!(relay(METER), RelayState::Disconnected);
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
		assert_eq!((a.emergency_used, a.debt, a.relay), (UNIT, UNIT, RelayState::Emergency));
		consume(METER, at_hour(23), at_hour(31), 1_000);
		assert_eq!(relay(METER), RelayState::Disconnected); // 07:00 is not friendly
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

// ---------------------------------------------------------------------------------------
// MeterLifecycle

#[test]
fn on_registered_creates_an_account_once() {
	ExtBuilder::default().build_and_execute(|| {
		register_meter(5001, OPERATOR, OWNER);
		<Prepaid as MeterLifecycle<AccountId>>::on_registered(5001, &OWNER);
		assert_eq!(account(5001), MeterAccount::default());
		top_up(OWNER, 5001, UNIT);
		<Prepaid as MeterLifecycle<AccountId>>::on_registered(5001, &OWNER);
		assert_eq!(credit(5001), UNIT);
	});
}

#[test]
fn decommission_settles_and_refunds() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.standing_charge_per_day = UNIT;
		let id = funded_meter(METER, p.clone(), 10 * UNIT);
		let next = create(OPERATOR, p);
		assign(METER, next); // a pending switch is released too
		consume(METER, at_hour(0), at_hour(1), 1_500);
		set_now(t0() + 2 * DAY_MS + HOUR_MS);
		let before = free(OWNER);
		assert_ok!(<Prepaid as MeterLifecycle<AccountId>>::on_decommission(METER, &OWNER));
		// 1.5 energy + 2 days standing = 3.5 paid, 6.5 refunded.
		assert_eq!(free(OWNER), before + 6_500 * MILLIWATT);
		assert_eq!(
			last_event(),
			Event::MeterClosed {
				meter: METER,
				owner: OWNER,
				refunded: 6_500 * MILLIWATT,
				paid: 2 * UNIT,
				forfeited: 0,
				written_off: 0
			}
		);
		assert!(MeterAccounts::<Test>::get(METER).is_none());
		assert_eq!(revenue(OPERATOR), 3_500 * MILLIWATT);
		assert_eq!(Tariffs::<Test>::get(id).unwrap().meters, 0);
		assert_eq!(Tariffs::<Test>::get(next).unwrap().meters, 0);
		// Unknown (or already closed) meters are fine.
		assert_ok!(<Prepaid as MeterLifecycle<AccountId>>::on_decommission(METER, &OWNER));
	});
}

#[test]
fn decommission_recovers_debt_from_credit_and_writes_off_the_rest() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.emergency_credit = 2 * UNIT;
		funded_meter(METER, p, 0);
		assert_ok!(Prepaid::take_emergency_credit(signed(OWNER), METER));
		consume(METER, at_hour(10), at_hour(11), 6_000); // 2 emergency, 4 debt
		top_up(OWNER, METER, 4 * UNIT); // 1 to emergency, 3 credit
		assert_ok!(<Prepaid as MeterLifecycle<AccountId>>::on_decommission(METER, &OWNER));
		assert_eq!(
			last_event(),
			Event::MeterClosed {
				meter: METER,
				owner: OWNER,
				refunded: 0,
				paid: 3 * UNIT,
				forfeited: 0,
				written_off: 2 * UNIT
			}
		);
		assert_eq!(revenue(OPERATOR), 4 * UNIT);
	});
}

#[test]
fn decommission_forfeits_dust_an_owner_cannot_receive() {
	ExtBuilder::default().build_and_execute(|| {
		register_meter(6001, OPERATOR, NOBODY);
		top_up(OWNER, 6001, ED - 1);
		assert_ok!(<Prepaid as MeterLifecycle<AccountId>>::on_decommission(6001, &NOBODY));
		assert_eq!(
			last_event(),
			Event::MeterClosed {
				meter: 6001,
				owner: NOBODY,
				refunded: 0,
				paid: 0,
				forfeited: ED - 1,
				written_off: 0
			}
		);
		assert_eq!(revenue(OPERATOR), ED - 1);
		assert_eq!(free(NOBODY), 0);
	});
}

#[test]
fn decommission_refuses_when_the_refund_fails_otherwise() {
	ExtBuilder::default().build_and_execute(|| {
		// The registry no longer knows the meter and it has no tariff: no operator to give
		// dust to, so the decommissioning is refused and nothing changes.
		register_meter(6002, OPERATOR, NOBODY);
		top_up(OWNER, 6002, ED - 1);
		unregister_meter(6002);
		assert_noop!(
			<Prepaid as MeterLifecycle<AccountId>>::on_decommission(6002, &NOBODY),
			DispatchError::Token(TokenError::BelowMinimum)
		);
		register_meter(6002, OPERATOR, NOBODY);
	});
}

// ---------------------------------------------------------------------------------------
// Genesis

#[test]
fn genesis_builds_tariffs_and_credit() {
	let mut tou = flat(300 * MILLIWATT);
	tou.bands = bands(&[(0, 7, 100 * MILLIWATT)]);
	ExtBuilder::default()
		.tariff(OPERATOR, flat(200 * MILLIWATT))
		.tariff(OPERATOR, tou.clone())
		.meter(METER, Some(0), 10 * UNIT)
		.meter(METER_2, Some(1), 0)
		.meter(METER_3, None, 5 * UNIT)
		.build_and_execute(|| {
			assert_eq!(NextTariffId::<Test>::get(), 2);
			assert_eq!(Tariffs::<Test>::get(1).unwrap().versions[0].params, tou);
			assert_eq!(Tariffs::<Test>::get(0).unwrap().meters, 1);
			assert_eq!(OperatorTariffs::<Test>::get(OPERATOR), 2);
			assert_eq!(credit(METER), 10 * UNIT);
			assert_eq!(relay(METER), RelayState::Connected);
			assert_eq!(relay(METER_2), RelayState::Disconnected);
			assert_eq!(credit(METER_3), 5 * UNIT);
			assert_eq!(pot_balance(), ED + 15 * UNIT);
			assert_eq!(Held::<Test>::get(), 15 * UNIT);
		});
}

#[test]
fn genesis_config_reads_the_json_of_a_chain_spec() {
	// The shape a runtime preset writes (camelCase fields, tuples as arrays).
	let json = r#"{
		"tariffs": [
			[1, {
				"pricePerKwh": 250000000000,
				"standingChargePerDay": 100000000000,
				"utcOffsetMinutes": 0,
				"bands": [],
				"tiers": [],
				"lowCreditThreshold": 2000000000000,
				"emergencyCredit": 5000000000000,
				"friendlyHours": { "hours": 12583039, "weekdays": 96 }
			}],
			[1, {
				"pricePerKwh": 300000000000,
				"standingChargePerDay": 100000000000,
				"utcOffsetMinutes": 60,
				"bands": [
					{ "startHour": 0, "endHour": 7, "pricePerKwh": 100000000000 },
					{ "startHour": 17, "endHour": 20, "pricePerKwh": 450000000000 }
				],
				"tiers": [{ "fromWh": 50000, "adderPerKwh": 50000000000 }],
				"lowCreditThreshold": 2000000000000,
				"emergencyCredit": 5000000000000,
				"friendlyHours": { "hours": 12583039, "weekdays": 96 }
			}]
		],
		"meters": [[1001, 0, 10000000000000], [1002, 1, 10000000000000], [2001, null, 0]]
	}"#;
	let config: crate::GenesisConfig<Test> = serde_json::from_str(json).expect("valid JSON");
	assert_eq!(
		config.tariffs[1].1.bands[1],
		Band { start_hour: 17, end_hour: 20, price_per_kwh: 450 * MILLIWATT }
	);
	assert_eq!(config.tariffs[0].1.friendly_hours, friendly(22, 7, 0b110_0000));
	let round_trip: crate::GenesisConfig<Test> =
		serde_json::from_str(&serde_json::to_string(&config).unwrap()).unwrap();
	assert_eq!(round_trip.meters, config.meters);
	let mut builder = ExtBuilder::default();
	for (operator, params) in config.tariffs {
		builder = builder.tariff(operator, params);
	}
	for (meter, tariff, credit) in config.meters {
		builder = builder.meter(meter, tariff, credit);
	}
	builder.build_and_execute(|| {
		assert_eq!(credit(METER), 10 * UNIT);
		assert_eq!(account(METER_2).tariff, Some(1));
		assert_eq!(pot_balance(), ED + 20 * UNIT);
	});
}

#[test]
#[should_panic(expected = "tariff of another operator")]
fn genesis_refuses_another_operators_tariff() {
	ExtBuilder::default().tariff(OPERATOR, flat(1)).meter(METER_3, Some(0), 0).build();
}

#[test]
#[should_panic(expected = "genesis meter listed twice")]
fn genesis_refuses_duplicate_meters() {
	ExtBuilder::default().meter(METER, None, 1).meter(METER, None, 1).build();
}

#[test]
#[should_panic(expected = "genesis meter is registered")]
fn genesis_refuses_unknown_meters() {
	ExtBuilder::default().meter(UNKNOWN_METER, None, 0).build();
}

// ---------------------------------------------------------------------------------------
// Runtime API helper

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
		assert_eq!(s.relay, RelayState::Connected);
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

// ---------------------------------------------------------------------------------------
// try_state detects broken invariants.

#[test]
fn try_state_detects_a_credit_mismatch() {
	ExtBuilder::default().build().execute_with(|| {
		top_up(OWNER, METER, UNIT);
		assert_ok!(Prepaid::do_try_state());
		MeterAccounts::<Test>::mutate(METER, |a| a.as_mut().unwrap().credit += 1);
		assert!(Prepaid::do_try_state().is_err());
	});
}

#[test]
fn try_state_detects_an_underfunded_pot() {
	ExtBuilder::default().build().execute_with(|| {
		top_up(OWNER, METER, UNIT);
		Held::<Test>::mutate(|h| *h += 1);
		MeterAccounts::<Test>::mutate(METER, |a| a.as_mut().unwrap().credit += 1);
		assert!(Prepaid::do_try_state().is_err());
	});
}

#[test]
fn try_state_detects_a_wrong_meter_count() {
	ExtBuilder::default().build().execute_with(|| {
		let id = create(OPERATOR, flat(1));
		assign(METER, id);
		assert_ok!(Prepaid::do_try_state());
		Tariffs::<Test>::mutate(id, |t| t.as_mut().unwrap().meters = 2);
		assert!(Prepaid::do_try_state().is_err());
	});
}

#[test]
fn try_state_detects_a_connected_meter_marked_disconnected() {
	ExtBuilder::default().build().execute_with(|| {
		top_up(OWNER, METER, UNIT);
		MeterAccounts::<Test>::mutate(METER, |a| {
			a.as_mut().unwrap().relay = RelayState::Disconnected
		});
		assert!(Prepaid::do_try_state().is_err());
	});
}

#[test]
fn try_state_hook_runs() {
	ExtBuilder::default().build_and_execute(|| {
		top_up(OWNER, METER, UNIT);
		#[cfg(feature = "try-runtime")]
		assert_ok!(<Prepaid as frame_support::traits::Hooks<u64>>::try_state(1));
		#[cfg(not(feature = "try-runtime"))]
		assert_ok!(Prepaid::do_try_state());
	});
}

// ---------------------------------------------------------------------------------------
// The worked examples of docs/tariffs.md, one test each.

mod doc_examples {
	use super::*;

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
			assert_eq!(
				account(METER).tier_counter,
				TierCounter { period: 2026 * 12 + 1, wh: 2_000 }
			);
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
			assert_eq!((credit(METER), relay(METER)), (1_500 * MILLIWATT, RelayState::LowCredit));
			consume(METER, at_hour(21), at_hour(23), 2_000);
			let a = account(METER);
			assert_eq!((a.credit, a.debt, a.relay), (0, 500 * MILLIWATT, RelayState::LowCredit));
			consume(METER, at_hour(23), at_hour(25), 1_000);
			let a = account(METER);
			assert_eq!((a.debt, a.relay), (1_500 * MILLIWATT, RelayState::LowCredit));
			consume(METER, at_hour(31), at_hour(32), 200);
			let a = account(METER);
			assert_eq!((a.debt, a.relay), (1_700 * MILLIWATT, RelayState::Disconnected));
			top_up(OWNER, METER, 4 * UNIT);
			let a = account(METER);
			assert_eq!(
				(a.credit, a.debt, a.relay),
				(3 * UNIT, 700 * MILLIWATT, RelayState::Connected)
			);
		});
	}
}

// ---------------------------------------------------------------------------------------
// Value conservation over random operations.

mod conservation {
	use super::*;
	use proptest::prelude::*;

	#[derive(Clone, Debug)]
	enum Op {
		TopUp { meter: usize, payer: usize, amount: Balance },
		Read { meter: usize, minutes: u64, wh: u64 },
		Emergency { meter: usize },
		Withdraw { operator: usize, share: u8 },
		Switch { meter: usize, tariff: usize },
		Wait { hours: u64 },
		Close { meter: usize },
	}

	const METERS: [MeterId; 3] = [METER, METER_2, METER_3];
	const OWNERS: [AccountId; 3] = [OWNER, OWNER_2, OWNER];
	const PAYERS: [AccountId; 3] = [OWNER, NEIGHBOUR, OWNER_2];
	const OPERATORS: [AccountId; 2] = [OPERATOR, OPERATOR_2];

	fn arb_price() -> impl Strategy<Value = Balance> {
		prop_oneof![0..1_000u128, 0..2 * UNIT]
	}

	prop_compose! {
		fn arb_tariff()(
			price in arb_price(),
			standing in prop_oneof![Just(0), 0..UNIT],
			night in proptest::option::of((0u8..24, 0u8..24, arb_price())),
			block in proptest::option::of((0u64..100_000, arb_price())),
			threshold in 0..5 * UNIT,
			emergency in prop_oneof![Just(0), 0..5 * UNIT],
			friendly_hours in 0u32..(1 << 24),
			weekdays in 0u8..(1 << 7),
			offset in -48i16..=56,
		) -> Params {
			let mut p = flat(price);
			p.standing_charge_per_day = standing;
			if let Some((s, e, price)) = night.filter(|(s, e, _)| s != e) {
				p.bands = bands(&[(s, e, price)]);
			}
			if let Some((from, adder)) = block {
				p.tiers = tiers(&[(from, adder)]);
			}
			p.low_credit_threshold = threshold;
			p.emergency_credit = emergency;
			p.friendly_hours = FriendlyHours { hours: friendly_hours, weekdays };
			p.utc_offset_minutes = offset * 15;
			p
		}
	}

	fn arb_op() -> impl Strategy<Value = Op> {
		prop_oneof![
			4 => (0..3usize, 0..3usize, prop_oneof![1..10 * UNIT, 1..1_000u128])
				.prop_map(|(meter, payer, amount)| Op::TopUp { meter, payer, amount }),
			6 => (0..3usize, 0..3_000u64, 0..20_000u64)
				.prop_map(|(meter, minutes, wh)| Op::Read { meter, minutes, wh }),
			1 => (0..3usize).prop_map(|meter| Op::Emergency { meter }),
			1 => (0..2usize, 0..=100u8).prop_map(|(operator, share)| Op::Withdraw { operator, share }),
			1 => (0..3usize, 0..4usize).prop_map(|(meter, tariff)| Op::Switch { meter, tariff }),
			1 => (0..200u64).prop_map(|hours| Op::Wait { hours }),
			1 => (0..3usize).prop_map(|meter| Op::Close { meter }),
		]
	}

	fn sum_credit() -> Balance {
		MeterAccounts::<Test>::iter().map(|(_, a)| a.credit).sum()
	}
	fn sum_revenue() -> Balance {
		crate::Revenue::<Test>::iter().map(|(_, r)| r).sum()
	}
	fn sum_owed() -> Balance {
		MeterAccounts::<Test>::iter().map(|(_, a)| a.debt + a.emergency_used).sum()
	}

	proptest! {
		#![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

		#[test]
		fn value_is_conserved(
			tariffs in proptest::collection::vec(arb_tariff(), 4),
			ops in proptest::collection::vec(arb_op(), 1..60),
		) {
			ExtBuilder::default().build_and_execute(|| {
				// Tariffs 0, 1 of OPERATOR, 2, 3 of OPERATOR_2.
				for (i, p) in tariffs.iter().enumerate() {
					assert_ok!(Prepaid::create_tariff(signed(OPERATORS[i / 2]), p.clone()));
				}
				assign(METER, 0);
				assign(METER_2, 1);
				assign(METER_3, 2);
				let issuance = Balances::total_issuance();
				let mut clock: Vec<Moment> = vec![t0(); 3];
				// Everything debited from credit or recovered from top-ups is revenue, held
				// or withdrawn.
				let mut debited = 0u128;
				let mut withdrawn = 0u128;
				let mut closed = [false; 3];
				for op in ops {
					let (credit0, revenue0, owed0) = (sum_credit(), sum_revenue(), sum_owed());
					match op {
						Op::TopUp { meter, payer, amount } => {
							if closed[meter] { continue; }
							let paid = Prepaid::top_up(signed(PAYERS[payer]), METERS[meter], amount);
							if paid.is_ok() {
								// Everything paid in is credit or recovered revenue.
								assert_eq!(sum_credit() - credit0 + sum_revenue() - revenue0, amount);
								assert_eq!(owed0 - sum_owed(), sum_revenue() - revenue0);
								debited += sum_revenue() - revenue0;
							}
						},
						Op::Read { meter, minutes, wh } => {
							if closed[meter] { continue; }
							let from = clock[meter];
							let to = from + minutes * 60_000;
							clock[meter] = to;
							consume(METERS[meter], from, to, wh);
							// Debited credit became revenue, nothing else moved.
							assert_eq!(credit0 - sum_credit(), sum_revenue() - revenue0);
							debited += credit0 - sum_credit();
						},
						Op::Emergency { meter } => {
							let _ = Prepaid::take_emergency_credit(signed(OWNERS[meter]), METERS[meter]);
							assert_eq!((sum_credit(), sum_revenue()), (credit0, revenue0));
						},
						Op::Withdraw { operator, share } => {
							let amount = revenue(OPERATORS[operator]) * u128::from(share) / 100;
							if Prepaid::withdraw_revenue(signed(OPERATORS[operator]), OPERATORS[operator], amount).is_ok() {
								withdrawn += amount;
								assert_eq!(revenue0 - sum_revenue(), amount);
							}
						},
						Op::Switch { meter, tariff } => {
							let operator = Tariffs::<Test>::get(tariff as u32).unwrap().operator;
							let _ = Prepaid::assign_tariff(signed(operator), METERS[meter], tariff as u32);
						},
						Op::Wait { hours } => {
							let now = crate::mock::Now::get() + hours * HOUR_MS;
							set_now(now);
							for c in clock.iter_mut() {
								*c = (*c).max(now);
							}
						},
						Op::Close { meter } => {
							if closed[meter] { continue; }
							let owner_before = free(OWNERS[meter]);
							assert_ok!(<Prepaid as MeterLifecycle<AccountId>>::on_decommission(METERS[meter], &OWNERS[meter]));
							let back = free(OWNERS[meter]) - owner_before;
							// The credit went to the owner or the operator.
							assert_eq!(credit0 - sum_credit(), back + sum_revenue() - revenue0);
							debited += sum_revenue() - revenue0;
							closed[meter] = true;
							unregister_meter(METERS[meter]);
						},
					}
					// The pot holds exactly the credit and revenue, and no WATT was created
					// or destroyed.
					Prepaid::do_try_state().unwrap();
					assert_pot_exact();
					assert_eq!(Balances::total_issuance(), issuance);
					assert_eq!(debited, sum_revenue() + withdrawn);
				}
			});
		}
	}
}
