//! Fees, tips and dust burned through `BurnAndRecord` are recorded, and `try_state` notices
//! what is not.

use super::*;

#[test]
fn burned_fees_and_tips_are_recorded() {
	ExtBuilder::default().build_and_execute(|| {
		// Fee 110 of which tip 10; 20 of the fee is refunded after dispatch.
		assert_eq!(charge_fee(ALICE, 110, 10, 20), Ok(()));
		assert_eq!(Balances::free_balance(ALICE), 1_000 - 90);
		assert_eq!(Balances::total_issuance(), 1_600 - 90);
		assert_eq!(TotalBurned::<Test>::get(), 90);
		assert!(invariant_holds());
		assert_eq!(charge_fee(BOB, 5, 0, 0), Ok(()));
		assert_eq!(TotalBurned::<Test>::get(), 95);
	});
}

#[test]
fn fee_paid_by_an_account_the_transaction_killed_is_recorded() {
	ExtBuilder::default().build_and_execute(|| {
		let call = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
		let info = DispatchInfo::default();
		let liquidity =
			<Adapter as OnChargeTransaction<Test>>::withdraw_fee(&ALICE, &call, &info, 50, 0)
				.unwrap();
		// The transaction redeems everything that is left: ALICE is reaped.
		assert_ok!(redeem(ALICE, VENDOR, 950));
		assert!(!System::account_exists(&ALICE));
		// No refund to a dead account: the whole fee is burned.
		assert_ok!(<Adapter as OnChargeTransaction<Test>>::correct_and_deposit_fee(
			&ALICE,
			&info,
			&PostDispatchInfo::default(),
			30,
			0,
			liquidity
		));
		assert_eq!(TotalBurned::<Test>::get(), 50);
		assert_eq!(TotalRedeemed::<Test>::get(), 950);
		assert_eq!(Balances::total_issuance(), 600);
	});
}

#[test]
fn dust_of_a_reaped_account_is_recorded() {
	ExtBuilder::default().build_and_execute(|| {
		// BOB keeps 5 < ED: reaped, 5 of dust.
		assert_ok!(Balances::transfer_allow_death(RuntimeOrigin::signed(BOB), ALICE, 495));
		assert!(!System::account_exists(&BOB));
		System::assert_has_event(RuntimeEvent::Balances(pallet_balances::Event::DustLost {
			account: BOB,
			amount: 5,
		}));
		assert_eq!(TotalBurned::<Test>::get(), 5);
		assert_eq!(Balances::total_issuance(), 1_595);
	});
}

#[test]
fn try_state_detects_an_unrecorded_burn() {
	ExtBuilder::default().build().execute_with(|| {
		assert!(invariant_holds());
		// `Balances::burn` changes the total issuance behind this pallet's back: the runtime
		// must filter it out.
		assert_ok!(Balances::burn(RuntimeOrigin::signed(ALICE), 10, true));
		assert!(Wattcoin::do_try_state().is_err());
	});
	ExtBuilder::default().build().execute_with(|| {
		// So does a mint outside `issue` (and root's force_set_balance).
		assert_ok!(<Balances as Mutate<AccountId>>::mint_into(&ALICE, 10));
		assert!(Wattcoin::do_try_state().is_err());
	});
	ExtBuilder::default().build().execute_with(|| {
		assert_ok!(Balances::force_set_balance(RuntimeOrigin::root(), ALICE, 5_000));
		assert!(Wattcoin::do_try_state().is_err());
	});
}

#[test]
fn try_state_detects_broken_vendor_records() {
	ExtBuilder::default().build().execute_with(|| {
		let mut info = vendor(VENDOR);
		info.window_start = 5;
		Vendors::<Test>::insert(VENDOR, info);
		assert!(Wattcoin::do_try_state().is_err());
	});
	ExtBuilder::default().build().execute_with(|| {
		let mut info = vendor(VENDOR);
		info.total_issued = 1;
		Vendors::<Test>::insert(VENDOR, info);
		assert!(Wattcoin::do_try_state().is_err());
	});
	ExtBuilder::default().build().execute_with(|| {
		let mut info = vendor(VENDOR);
		info.window_start = 1_000;
		Vendors::<Test>::insert(VENDOR, info);
		assert!(Wattcoin::do_try_state().is_err());
	});
}
