//! Who is paid (issue 12, finding 8): energy and recovered debt are paid to the operator that
//! manages the meter when they are billed (after `force_transfer_meter`, the new operator, not
//! the operator whose tariff the meter is still on), and a refund the leaving owner's account
//! cannot receive yet is kept for the owner to claim, not given to the operator.

use super::*;
use crate::UnclaimedRefunds;

#[test]
fn energy_is_paid_to_the_operator_managing_the_meter() {
	ExtBuilder::default().build_and_execute(|| {
		funded_meter(METER, flat(UNIT), 10 * UNIT);
		consume(METER, at_hour(1), at_hour(2), 1_000);
		assert_eq!(revenue(OPERATOR), UNIT);
		// The admin moves the meter to another operator (`force_transfer_meter`, say because
		// the first one loses its license): the meter keeps its terms until the new operator
		// assigns its own, with notice, but what it uses from now on is the new operator's
		// to be paid for.
		set_operator(METER, OPERATOR_2);
		consume(METER, at_hour(2), at_hour(3), 2_000);
		assert_eq!(revenue(OPERATOR), UNIT);
		assert_eq!(revenue(OPERATOR_2), 2 * UNIT);
	});
}

#[test]
fn debt_recovered_after_a_transfer_is_paid_to_the_new_operator() {
	ExtBuilder::default().build_and_execute(|| {
		funded_meter(METER, flat(UNIT), UNIT);
		// 3 kWh on 1 WATT of credit: 2 WATT of debt owed for energy used under OPERATOR.
		consume(METER, at_hour(1), at_hour(2), 3_000);
		assert_eq!((revenue(OPERATOR), account(METER).debt), (UNIT, 2 * UNIT));
		set_operator(METER, OPERATOR_2);
		// The debt is recovered for the operator managing the meter, who now carries it.
		top_up(OWNER, METER, 8 * UNIT);
		assert_eq!(revenue(OPERATOR), UNIT);
		assert_eq!(revenue(OPERATOR_2), 2 * UNIT);
	});
}

#[test]
fn a_leaving_households_standing_charges_are_paid_to_the_operator_managing_the_meter() {
	ExtBuilder::default().build_and_execute(|| {
		let params = Params { standing_charge_per_day: UNIT, ..flat(UNIT) };
		funded_meter(METER, params, 10 * UNIT);
		consume(METER, at_hour(1), at_hour(2), 0);
		set_operator(METER, OPERATOR_2);
		set_now(at_hour(2) + DAY_MS);
		assert_ok!(<Prepaid as MeterLifecycle<AccountId>>::on_decommission(METER, &OWNER));
		assert_eq!(revenue(OPERATOR_2), UNIT, "the day's standing charge");
	});
}

#[test]
fn a_refund_the_owner_cannot_receive_yet_is_kept_for_it_to_claim() {
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
				unclaimed: ED - 1,
				written_off: 0
			}
		);
		// Not the operator's: kept in the pot, owed to the owner.
		assert_eq!(revenue(OPERATOR), 0);
		assert_eq!(UnclaimedRefunds::<Test>::get(NOBODY), ED - 1);
		assert_eq!(Liabilities::<Test>::get(), ED - 1);
		// Its account cannot receive it while empty; once it has funds, it claims it.
		assert_noop!(
			Prepaid::claim_refund(signed(NOBODY)),
			DispatchError::Token(TokenError::BelowMinimum)
		);
		assert_ok!(Balances::transfer_allow_death(signed(OWNER), NOBODY, ED));
		assert_ok!(Prepaid::claim_refund(signed(NOBODY)));
		assert_eq!(free(NOBODY), ED + ED - 1);
		assert_eq!(last_event(), Event::RefundClaimed { owner: NOBODY, amount: ED - 1 });
		assert_eq!(UnclaimedRefunds::<Test>::get(NOBODY), 0);
		assert_eq!(Liabilities::<Test>::get(), 0);
	});
}

#[test]
fn refunds_a_household_cannot_receive_add_up() {
	ExtBuilder::default().build_and_execute(|| {
		register_meter(6001, OPERATOR, NOBODY);
		register_meter(6002, OPERATOR, NOBODY);
		top_up(OWNER, 6001, ED / 2);
		top_up(OWNER, 6002, ED / 3);
		assert_ok!(<Prepaid as MeterLifecycle<AccountId>>::on_owner_change(6001, &NOBODY, &OWNER));
		assert_ok!(<Prepaid as MeterLifecycle<AccountId>>::on_decommission(6002, &NOBODY));
		assert_eq!(UnclaimedRefunds::<Test>::get(NOBODY), ED / 2 + ED / 3);
		// Together they are still below the existential deposit of an empty account.
		assert_noop!(
			Prepaid::claim_refund(signed(NOBODY)),
			DispatchError::Token(TokenError::BelowMinimum)
		);
	});
}

#[test]
fn a_meter_unknown_to_the_registry_and_without_tariff_still_closes() {
	ExtBuilder::default().build_and_execute(|| {
		// Nobody to pay and nothing owed: the dust is the owner's all the same.
		register_meter(6002, OPERATOR, NOBODY);
		top_up(OWNER, 6002, ED - 1);
		unregister_meter(6002);
		assert_ok!(<Prepaid as MeterLifecycle<AccountId>>::on_decommission(6002, &NOBODY));
		assert_eq!(UnclaimedRefunds::<Test>::get(NOBODY), ED - 1);
	});
}

#[test]
fn claim_refund_errors() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(Prepaid::claim_refund(signed(OWNER)), Error::<Test>::NothingToClaim);
		assert_noop!(Prepaid::claim_refund(RuntimeOrigin::root()), BadOrigin);
	});
}
