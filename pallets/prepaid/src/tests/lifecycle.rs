//! `MeterLifecycle`: a registered meter gets an account; a decommissioned one is settled.

use super::*;

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
				unclaimed: 0,
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
				unclaimed: 0,
				written_off: 2 * UNIT
			}
		);
		assert_eq!(revenue(OPERATOR), 4 * UNIT);
	});
}

// A refund the owner cannot receive yet: `payees.rs`
// (`a_refund_the_owner_cannot_receive_yet_is_kept_for_it_to_claim`).
