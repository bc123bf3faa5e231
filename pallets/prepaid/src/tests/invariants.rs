//! `try_state` detects each broken invariant.

use super::*;

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
		Liabilities::<Test>::mutate(|h| *h += 1);
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
			a.as_mut().unwrap().supply = SupplyState::Disconnected
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
