//! Money in and out: top-ups, emergency credit and operators' revenue.

use super::*;

#[test]
fn top_up_works_by_anyone() {
	ExtBuilder::default().build_and_execute(|| {
		let before = free(NEIGHBOUR);
		top_up(NEIGHBOUR, METER, 5 * UNIT);
		assert_eq!(free(NEIGHBOUR), before - 5 * UNIT);
		assert_eq!(credit(METER), 5 * UNIT);
		assert_eq!(Liabilities::<Test>::get(), 5 * UNIT);
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
		// No tariff: supply state untouched.
		assert_eq!(supply(METER), SupplyState::Connected);
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
		assert_eq!(a.supply, SupplyState::Disconnected);
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
		assert_eq!(a.supply, SupplyState::Connected);
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
		assert_eq!(supply(METER), SupplyState::Disconnected);
		top_up(OWNER, METER, UNIT);
		assert_eq!(supply(METER), SupplyState::LowCredit);
		top_up(OWNER, METER, UNIT);
		assert_eq!(supply(METER), SupplyState::Connected);
		assert_eq!(
			supply_events(METER),
			vec![
				(SupplyState::Connected, SupplyState::Disconnected),
				(SupplyState::Disconnected, SupplyState::LowCredit),
				(SupplyState::LowCredit, SupplyState::Connected),
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
		assert_eq!(supply(METER), SupplyState::LowCredit);
		assert_ok!(Prepaid::take_emergency_credit(signed(OWNER), METER));
		assert_eq!(last_event(), Event::EmergencyCreditTaken { meter: METER, amount: 5 * UNIT });
		assert_eq!(account(METER).emergency_granted, 5 * UNIT);
		// 3 kWh: 1 from credit, 2 from emergency credit.
		consume(METER, at_hour(10), at_hour(11), 3_000);
		let a = account(METER);
		assert_eq!((a.credit, a.emergency_used, a.debt), (0, 2 * UNIT, 0));
		assert_eq!(a.supply, SupplyState::Emergency);
		// 4 kWh: 3 from emergency credit, 1 debt; nothing left: disconnected.
		consume(METER, at_hour(11), at_hour(12), 4_000);
		let a = account(METER);
		assert_eq!((a.credit, a.emergency_used, a.debt), (0, 5 * UNIT, UNIT));
		assert_eq!(a.supply, SupplyState::Disconnected);
		assert_eq!(revenue(OPERATOR), UNIT);
		// 10: a quarter repays emergency credit, the rest is credit; the grant stays until
		// repaid in full, so the owner cannot take more meanwhile.
		top_up(OWNER, METER, 10 * UNIT);
		let a = account(METER);
		assert_eq!(
			(a.credit, a.emergency_used, a.debt),
			(7_500 * MILLIWATT, 2_500 * MILLIWATT, UNIT)
		);
		assert_eq!(a.supply, SupplyState::Connected);
		assert_eq!(
			supply_events(METER),
			vec![
				(SupplyState::Connected, SupplyState::LowCredit),
				(SupplyState::LowCredit, SupplyState::Emergency),
				(SupplyState::Emergency, SupplyState::Disconnected),
				(SupplyState::Disconnected, SupplyState::Connected),
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
		assert_eq!(supply(METER), SupplyState::Disconnected);
		assert_ok!(Prepaid::take_emergency_credit(signed(OWNER), METER));
		assert_eq!(supply(METER), SupplyState::Emergency);
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
		assert_eq!(supply(METER), SupplyState::Connected);
	});
}

#[test]
fn emergency_credit_is_once_per_cycle_even_when_partly_repaid() {
	ExtBuilder::default().build_and_execute(|| {
		let mut p = flat(UNIT);
		p.emergency_credit = UNIT;
		funded_meter(METER, p, 0);
		assert_ok!(Prepaid::take_emergency_credit(signed(OWNER), METER));
		consume(METER, at_hour(1), at_hour(2), 600);
		assert_eq!(account(METER).emergency_used, 600 * MILLIWATT);
		// A quarter of 1.2 WATT repays 0.3 WATT of the emergency credit used; the unused
		// part of the grant lapses with the top-up, as an untaken grant does.
		top_up(NEIGHBOUR, METER, 1_200 * MILLIWATT);
		let a = account(METER);
		assert_eq!(
			(a.credit, a.emergency_used, a.emergency_granted),
			(900 * MILLIWATT, 300 * MILLIWATT, 300 * MILLIWATT)
		);
		// Repaying did not reopen the grant: what credit does not cover is debt.
		consume(METER, at_hour(2), at_hour(3), 1_400);
		let a = account(METER);
		assert_eq!((a.credit, a.emergency_used, a.debt), (0, 300 * MILLIWATT, 500 * MILLIWATT));
		// It can be taken again once fully repaid, not before.
		assert_noop!(
			Prepaid::take_emergency_credit(signed(OWNER), METER),
			Error::<Test>::EmergencyCreditAlreadyTaken
		);
		top_up(NEIGHBOUR, METER, 4 * UNIT);
		assert_eq!(account(METER).emergency_granted, 0);
		assert_eq!(Prepaid::meter_status(METER).unwrap().emergency_credit_available, UNIT);
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
		assert_eq!(Liabilities::<Test>::get(), 7 * UNIT);
	});
}

#[test]
fn revenue_cannot_be_withdrawn_into_the_pot() {
	ExtBuilder::default().build_and_execute(|| {
		funded_meter(METER, flat(UNIT), 10 * UNIT);
		consume(METER, at_hour(1), at_hour(2), 3_000);
		// The pot already holds the revenue: "paying" it there would strand it, counted
		// nowhere.
		assert_noop!(
			Prepaid::withdraw_revenue(signed(OPERATOR), Prepaid::pot(), UNIT),
			Error::<Test>::DestinationIsPot
		);
		assert_eq!(revenue(OPERATOR), 3 * UNIT);
	});
}
