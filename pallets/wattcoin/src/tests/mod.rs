//! Unit tests of pallet-wattcoin against the mock runtime. Every test run through
//! [`ExtBuilder::build_and_execute`] ends with the pallet's `try_state` checks.

use crate::{
	mock::*, Error, Event, GenesisIssuance, NextRedemptionId, ReceiptOf, TotalBurned, TotalIssued,
	TotalRedeemed, UsedReceipts, VendorInfo, Vendors,
};
use codec::{Decode, Encode};
use frame_support::{
	assert_noop, assert_ok,
	dispatch::{DispatchInfo, PostDispatchInfo},
	traits::{fungible::Mutate, Hooks, LockableCurrency, ReservableCurrency, WithdrawReasons},
};
use pallet_transaction_payment::OnChargeTransaction;
use sp_runtime::{traits::BadOrigin, ArithmeticError, DispatchError};

type Adapter = <Test as pallet_transaction_payment::Config>::OnChargeTransaction;

fn receipt(id: &str) -> ReceiptOf<Test> {
	ReceiptOf::<Test>::try_from(id.as_bytes().to_vec()).expect("test receipts are short")
}

fn wattcoin_events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::Wattcoin(event) => Some(event),
			_ => None,
		})
		.collect()
}

fn last_event() -> Event<Test> {
	wattcoin_events().pop().expect("an event was deposited")
}

/// Issue against receipt `id`, dated the current block.
fn issue(vendor: AccountId, to: AccountId, amount: Balance, id: &str) -> Result<(), DispatchError> {
	Wattcoin::issue(RuntimeOrigin::signed(vendor), to, amount, System::block_number(), receipt(id))
}

fn redeem(holder: AccountId, vendor: AccountId, amount: Balance) -> Result<(), DispatchError> {
	Wattcoin::redeem(RuntimeOrigin::signed(holder), vendor, amount)
}

fn vendor(who: AccountId) -> VendorInfo<Balance, BlockNumber> {
	Vendors::<Test>::get(who).expect("a licensed vendor")
}

fn invariant_holds() -> bool {
	Wattcoin::do_try_state().is_ok()
}

/// Charge `fee` (of which `tip`) to `who` the way pallet-transaction-payment does, refunding
/// `refund` of the fee after dispatch.
fn charge_fee(who: AccountId, fee: Balance, tip: Balance, refund: Balance) -> Result<(), ()> {
	let call = RuntimeCall::System(frame_system::Call::remark { remark: vec![] });
	let info = DispatchInfo::default();
	let liquidity =
		<Adapter as OnChargeTransaction<Test>>::withdraw_fee(&who, &call, &info, fee, tip)
			.map_err(|_| ())?;
	<Adapter as OnChargeTransaction<Test>>::correct_and_deposit_fee(
		&who,
		&info,
		&PostDispatchInfo::default(),
		fee.saturating_sub(refund),
		tip,
		liquidity,
	)
	.map_err(|_| ())
}

mod genesis {
	use super::*;

	#[test]
	fn records_vendors_and_genesis_issuance() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(GenesisIssuance::<Test>::get(), 1_600);
			assert_eq!(Balances::total_issuance(), 1_600);
			assert_eq!(TotalIssued::<Test>::get(), 0);
			assert_eq!(TotalRedeemed::<Test>::get(), 0);
			assert_eq!(TotalBurned::<Test>::get(), 0);
			assert_eq!(Vendors::<Test>::count(), 2);
			assert_eq!(
				vendor(VENDOR),
				VendorInfo {
					allowance: ALLOWANCE,
					period: PERIOD,
					window_start: 0,
					issued_in_window: 0,
					total_issued: 0,
					total_redeemed: 0,
					cash_out_limit: ALLOWANCE,
					cashed_out_in_window: 0,
				}
			);
			assert_eq!(Wattcoin::remaining_allowance_of(&VENDOR), Some(ALLOWANCE));
			assert_eq!(Wattcoin::remaining_allowance_of(&NOT_VENDOR), None);
		});
	}

	#[test]
	#[should_panic(expected = "a vendor is listed twice")]
	fn refuses_duplicate_vendors() {
		ExtBuilder::default().vendors(vec![(VENDOR, 1, PERIOD), (VENDOR, 2, PERIOD)]).build();
	}

	#[test]
	#[should_panic(expected = "shorter than MinPeriod")]
	fn refuses_short_period() {
		ExtBuilder::default().vendors(vec![(VENDOR, 1, MIN_PERIOD - 1)]).build();
	}

	#[test]
	#[should_panic(expected = "more vendors than MaxVendors")]
	fn refuses_too_many_vendors() {
		let vendors = (0..=u64::from(MAX_VENDORS)).map(|v| (VENDOR + v, 1, PERIOD)).collect();
		ExtBuilder::default().vendors(vendors).build();
	}

	#[test]
	fn genesis_config_json_shape() {
		// The shape a chain spec or genesis preset uses: `(vendor, allowance, period)` triples.
		let config: crate::GenesisConfig<Test> =
			serde_json::from_str(r#"{ "vendors": [[100, 1000, 100], [101, 5, 10]] }"#)
				.expect("valid genesis JSON");
		assert_eq!(config.vendors, vec![(100, 1_000, 100), (101, 5, 10)]);
		assert!(serde_json::from_str::<crate::GenesisConfig<Test>>(r#"{ "vendor": [] }"#).is_err());
	}

	#[test]
	fn integrity_test_passes() {
		<Wattcoin as Hooks<BlockNumber>>::integrity_test();
	}
}

mod licensing {
	use super::*;

	#[test]
	fn license_vendor_works() {
		ExtBuilder::default().build_and_execute(|| {
			System::set_block_number(250);
			assert_ok!(Wattcoin::license_vendor(RuntimeOrigin::root(), NOT_VENDOR, 70, 30));
			assert_eq!(
				last_event(),
				Event::VendorLicensed { vendor: NOT_VENDOR, allowance: 70, period: 30 }
			);
			// The window containing block 250 for a period of 30 starts at 240.
			assert_eq!(
				vendor(NOT_VENDOR),
				VendorInfo {
					allowance: 70,
					period: 30,
					window_start: 240,
					issued_in_window: 0,
					total_issued: 0,
					total_redeemed: 0,
					cash_out_limit: 70,
					cashed_out_in_window: 0,
				}
			);
			assert_eq!(Vendors::<Test>::count(), 3);
			assert_ok!(issue(NOT_VENDOR, ALICE, 70, "r1"));
		});
	}

	#[test]
	fn license_vendor_errors() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Wattcoin::license_vendor(RuntimeOrigin::root(), VENDOR, 1, PERIOD),
				Error::<Test>::AlreadyLicensed
			);
			assert_noop!(
				Wattcoin::license_vendor(RuntimeOrigin::root(), NOT_VENDOR, 1, 0),
				Error::<Test>::PeriodTooShort
			);
			assert_noop!(
				Wattcoin::license_vendor(RuntimeOrigin::root(), NOT_VENDOR, 1, MIN_PERIOD - 1),
				Error::<Test>::PeriodTooShort
			);
			assert_ok!(Wattcoin::license_vendor(RuntimeOrigin::root(), NOT_VENDOR, 1, MIN_PERIOD));
			// MAX_VENDORS (3) are licensed now.
			assert_noop!(
				Wattcoin::license_vendor(RuntimeOrigin::root(), NOT_VENDOR + 1, 1, PERIOD),
				Error::<Test>::TooManyVendors
			);
			// Revoking frees a place.
			assert_ok!(Wattcoin::revoke_vendor(RuntimeOrigin::root(), VENDOR_2));
			assert_ok!(Wattcoin::license_vendor(RuntimeOrigin::root(), NOT_VENDOR + 1, 1, PERIOD));
			assert_eq!(Vendors::<Test>::count(), MAX_VENDORS);
		});
	}

	#[test]
	fn manager_calls_refuse_signed_origins() {
		ExtBuilder::default().build_and_execute(|| {
			for who in [ALICE, VENDOR] {
				assert_noop!(
					Wattcoin::license_vendor(RuntimeOrigin::signed(who), NOT_VENDOR, 1, PERIOD),
					BadOrigin
				);
				assert_noop!(
					Wattcoin::set_vendor_allowance(RuntimeOrigin::signed(who), VENDOR, 1, PERIOD),
					BadOrigin
				);
				assert_noop!(
					Wattcoin::revoke_vendor(RuntimeOrigin::signed(who), VENDOR),
					BadOrigin
				);
			}
			assert_noop!(
				Wattcoin::license_vendor(RuntimeOrigin::none(), NOT_VENDOR, 1, PERIOD),
				BadOrigin
			);
		});
	}

	#[test]
	fn set_vendor_allowance_works() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(issue(VENDOR, ALICE, 600, "r1"));
			assert_ok!(Wattcoin::set_vendor_allowance(
				RuntimeOrigin::root(),
				VENDOR,
				2_000,
				PERIOD
			));
			assert_eq!(
				last_event(),
				Event::VendorAllowanceChanged { vendor: VENDOR, allowance: 2_000, period: PERIOD }
			);
			// What was issued in this window still counts.
			assert_eq!(Wattcoin::remaining_allowance_of(&VENDOR), Some(1_400));
			assert_ok!(issue(VENDOR, ALICE, 1_400, "r2"));
			assert_noop!(issue(VENDOR, ALICE, 1, "r3"), Error::<Test>::AllowanceExceeded);
		});
	}

	#[test]
	fn lowering_the_allowance_below_what_was_issued_stops_issuing_until_the_next_window() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(issue(VENDOR, ALICE, 600, "r1"));
			assert_ok!(Wattcoin::set_vendor_allowance(RuntimeOrigin::root(), VENDOR, 500, PERIOD));
			assert_eq!(Wattcoin::remaining_allowance_of(&VENDOR), Some(0));
			assert_noop!(issue(VENDOR, ALICE, 1, "r2"), Error::<Test>::AllowanceExceeded);
			System::set_block_number(PERIOD);
			assert_eq!(Wattcoin::remaining_allowance_of(&VENDOR), Some(500));
			assert_ok!(issue(VENDOR, ALICE, 500, "r2"));
		});
	}

	#[test]
	fn changing_the_period_keeps_what_was_issued() {
		ExtBuilder::default().build_and_execute(|| {
			System::set_block_number(150);
			assert_ok!(issue(VENDOR, ALICE, 800, "r1"));
			// A period of 1000: the window containing block 150 starts at 0.
			assert_ok!(Wattcoin::set_vendor_allowance(
				RuntimeOrigin::root(),
				VENDOR,
				ALLOWANCE,
				1_000
			));
			assert_eq!(vendor(VENDOR).window_start, 0);
			assert_eq!(vendor(VENDOR).issued_in_window, 800);
			assert_noop!(issue(VENDOR, ALICE, 201, "r2"), Error::<Test>::AllowanceExceeded);
			// Back to 100 at block 150: the window starts at 100, still no fresh float.
			assert_ok!(Wattcoin::set_vendor_allowance(
				RuntimeOrigin::root(),
				VENDOR,
				ALLOWANCE,
				PERIOD
			));
			assert_eq!(vendor(VENDOR).window_start, 100);
			assert_eq!(Wattcoin::remaining_allowance_of(&VENDOR), Some(200));
			System::set_block_number(200);
			assert_eq!(Wattcoin::remaining_allowance_of(&VENDOR), Some(ALLOWANCE));
		});
	}

	#[test]
	fn set_vendor_allowance_errors() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				Wattcoin::set_vendor_allowance(RuntimeOrigin::root(), NOT_VENDOR, 1, PERIOD),
				Error::<Test>::NotLicensed
			);
			assert_noop!(
				Wattcoin::set_vendor_allowance(RuntimeOrigin::root(), VENDOR, 1, MIN_PERIOD - 1),
				Error::<Test>::PeriodTooShort
			);
		});
	}

	#[test]
	fn zero_allowance_suspends_issuing_but_not_redeeming() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(Wattcoin::set_vendor_allowance(RuntimeOrigin::root(), VENDOR, 0, PERIOD));
			assert_noop!(issue(VENDOR, ALICE, 1, "r1"), Error::<Test>::AllowanceExceeded);
			assert_ok!(redeem(ALICE, VENDOR, 100));
		});
	}

	#[test]
	fn revoke_vendor_works() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(issue(VENDOR, ALICE, 100, "r1"));
			assert_ok!(Wattcoin::revoke_vendor(RuntimeOrigin::root(), VENDOR));
			assert_eq!(last_event(), Event::VendorRevoked { vendor: VENDOR });
			assert!(!Vendors::<Test>::contains_key(VENDOR));
			assert_eq!(Vendors::<Test>::count(), 1);
			// The receipt stays used.
			assert_eq!(UsedReceipts::<Test>::get(VENDOR, Wattcoin::receipt_hash(b"r1")), Some(1));

			assert_noop!(issue(VENDOR, ALICE, 100, "r2"), Error::<Test>::NotLicensed);
			assert_noop!(redeem(ALICE, VENDOR, 100), Error::<Test>::NotLicensed);
			assert_noop!(
				Wattcoin::revoke_vendor(RuntimeOrigin::root(), VENDOR),
				Error::<Test>::NotLicensed
			);
		});
	}
}

mod issuing {
	use super::*;

	#[test]
	fn issue_works() {
		ExtBuilder::default().build_and_execute(|| {
			System::set_block_number(7);
			assert_ok!(issue(VENDOR, ALICE, 250, "till-1/0001"));
			assert_eq!(
				last_event(),
				Event::Issued {
					vendor: VENDOR,
					beneficiary: ALICE,
					amount: 250,
					receipt: receipt("till-1/0001"),
				}
			);
			assert_eq!(Balances::free_balance(ALICE), 1_250);
			assert_eq!(Balances::total_issuance(), 1_850);
			assert_eq!(TotalIssued::<Test>::get(), 250);
			assert_eq!(vendor(VENDOR).issued_in_window, 250);
			assert_eq!(vendor(VENDOR).total_issued, 250);
			assert_eq!(Wattcoin::remaining_allowance_of(&VENDOR), Some(ALLOWANCE - 250));
			assert_eq!(
				UsedReceipts::<Test>::get(VENDOR, Wattcoin::receipt_hash(b"till-1/0001")),
				Some(7)
			);
			assert_eq!(Wattcoin::receipt_used_at(VENDOR, receipt("till-1/0001")), Some(7));
			assert_eq!(Wattcoin::receipt_used_at(VENDOR_2, receipt("till-1/0001")), None);
			assert!(invariant_holds());
		});
	}

	#[test]
	fn issue_by_a_non_vendor_fails() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(issue(NOT_VENDOR, ALICE, 100, "r1"), Error::<Test>::NotLicensed);
			assert_noop!(issue(ALICE, ALICE, 100, "r1"), Error::<Test>::NotLicensed);
			assert_noop!(
				Wattcoin::issue(RuntimeOrigin::root(), ALICE, 100, 1, receipt("r1")),
				BadOrigin
			);
		});
	}

	#[test]
	fn issue_refuses_zero_amount_and_empty_receipt() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(issue(VENDOR, ALICE, 0, "r1"), Error::<Test>::ZeroAmount);
			assert_noop!(issue(VENDOR, ALICE, 100, ""), Error::<Test>::EmptyReceipt);
		});
	}

	#[test]
	fn an_oversized_receipt_does_not_decode() {
		ExtBuilder::default().build_and_execute(|| {
			let ok = RuntimeCall::Wattcoin(crate::Call::issue {
				to: ALICE,
				amount: 1,
				paid_at: 1,
				receipt: ReceiptOf::<Test>::try_from(vec![7u8; MAX_RECEIPT_LEN as usize]).unwrap(),
			});
			assert!(RuntimeCall::decode(&mut &ok.encode()[..]).is_ok());
			// The same call with one more receipt byte: the receipt is the last field.
			let mut encoded = ok.encode();
			let prefix = encoded.len() - MAX_RECEIPT_LEN as usize - 1;
			encoded.truncate(prefix);
			(vec![7u8; MAX_RECEIPT_LEN as usize + 1]).encode_to(&mut encoded);
			assert!(RuntimeCall::decode(&mut &encoded[..]).is_err());
		});
	}

	#[test]
	fn allowance_exceeded() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				issue(VENDOR, ALICE, ALLOWANCE + 1, "r1"),
				Error::<Test>::AllowanceExceeded
			);
			assert_ok!(issue(VENDOR, ALICE, 600, "r1"));
			assert_noop!(issue(VENDOR, ALICE, 401, "r2"), Error::<Test>::AllowanceExceeded);
			assert_ok!(issue(VENDOR, BOB, 400, "r2"));
			assert_noop!(issue(VENDOR, ALICE, 1, "r3"), Error::<Test>::AllowanceExceeded);
			assert_eq!(Wattcoin::remaining_allowance_of(&VENDOR), Some(0));
			// Each vendor has its own float.
			assert_ok!(issue(VENDOR_2, ALICE, ALLOWANCE, "r3"));
		});
	}

	#[test]
	fn allowance_refills_in_the_next_period() {
		ExtBuilder::default().build_and_execute(|| {
			// Window [0, 100).
			assert_ok!(issue(VENDOR, ALICE, ALLOWANCE, "r1"));
			System::set_block_number(PERIOD - 1);
			assert_noop!(issue(VENDOR, ALICE, 1, "r2"), Error::<Test>::AllowanceExceeded);
			// Window [100, 200): a full float again, not more.
			System::set_block_number(PERIOD);
			assert_eq!(Wattcoin::remaining_allowance_of(&VENDOR), Some(ALLOWANCE));
			assert_noop!(
				issue(VENDOR, ALICE, ALLOWANCE + 1, "r2"),
				Error::<Test>::AllowanceExceeded
			);
			assert_ok!(issue(VENDOR, ALICE, 300, "r2"));
			assert_eq!(vendor(VENDOR).window_start, PERIOD);
			System::set_block_number(2 * PERIOD - 1);
			assert_ok!(issue(VENDOR, ALICE, 700, "r3"));
			assert_noop!(issue(VENDOR, ALICE, 1, "r4"), Error::<Test>::AllowanceExceeded);
			// Skipping windows: block 1000 is in window [1000, 1100).
			System::set_block_number(10 * PERIOD + 5);
			assert_ok!(issue(VENDOR, ALICE, ALLOWANCE, "r4"));
			assert_eq!(vendor(VENDOR).window_start, 10 * PERIOD);
			assert_eq!(vendor(VENDOR).total_issued, 3 * ALLOWANCE);
			assert_eq!(TotalIssued::<Test>::get(), 3 * ALLOWANCE);
		});
	}

	#[test]
	fn duplicate_receipt_is_refused_while_remembered() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(issue(VENDOR, ALICE, 100, "r1"));
			// Same receipt: refused, whatever the beneficiary, amount or date.
			assert_noop!(issue(VENDOR, ALICE, 100, "r1"), Error::<Test>::DuplicateReceipt);
			assert_noop!(issue(VENDOR, BOB, 5, "r1"), Error::<Test>::DuplicateReceipt);
			// Also in a later window, within the receipt lifetime (what happens after it is in
			// `vendor_protection::receipts`).
			System::set_block_number(5 * PERIOD);
			assert_noop!(issue(VENDOR, ALICE, 100, "r1"), Error::<Test>::DuplicateReceipt);
			// Also after the license is revoked and granted again.
			assert_ok!(Wattcoin::revoke_vendor(RuntimeOrigin::root(), VENDOR));
			assert_ok!(Wattcoin::license_vendor(RuntimeOrigin::root(), VENDOR, ALLOWANCE, PERIOD));
			assert_noop!(issue(VENDOR, ALICE, 100, "r1"), Error::<Test>::DuplicateReceipt);
			assert_ok!(issue(VENDOR, ALICE, 100, "r2"));
			assert_eq!(TotalIssued::<Test>::get(), 200);
			assert_eq!(Balances::free_balance(ALICE), 1_200);
		});
	}

	#[test]
	fn a_failed_issue_does_not_use_the_receipt() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				issue(VENDOR, ALICE, ALLOWANCE + 1, "r1"),
				Error::<Test>::AllowanceExceeded
			);
			assert_noop!(
				issue(VENDOR, NEWCOMER, ED - 1, "r1"),
				Error::<Test>::BelowExistentialDeposit
			);
			assert_ok!(issue(VENDOR, ALICE, 100, "r1"));
		});
	}

	#[test]
	fn the_same_receipt_from_two_vendors_is_two_sales() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(issue(VENDOR, ALICE, 100, "0001"));
			assert_ok!(issue(VENDOR_2, ALICE, 100, "0001"));
			assert_eq!(Balances::free_balance(ALICE), 1_200);
			assert_eq!(TotalIssued::<Test>::get(), 200);
		});
	}

	#[test]
	fn issue_below_the_existential_deposit_to_a_new_account_fails() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(
				issue(VENDOR, NEWCOMER, ED - 1, "r1"),
				Error::<Test>::BelowExistentialDeposit
			);
			assert!(!System::account_exists(&NEWCOMER));
			assert_eq!(Balances::total_issuance(), 1_600);
			// Exactly the existential deposit creates the account.
			assert_ok!(issue(VENDOR, NEWCOMER, ED, "r1"));
			assert!(System::account_exists(&NEWCOMER));
			assert_eq!(Balances::free_balance(NEWCOMER), ED);
			// Then any amount is fine.
			assert_ok!(issue(VENDOR, NEWCOMER, 1, "r2"));
			assert_eq!(Balances::free_balance(NEWCOMER), ED + 1);
			// To an existing account, below the existential deposit is fine too.
			assert_ok!(issue(VENDOR, CHARLIE, 1, "r3"));
			assert_eq!(Balances::free_balance(CHARLIE), 101);
		});
	}

	#[test]
	fn issue_that_would_overflow_the_total_issuance_fails() {
		ExtBuilder::default()
			.balances(vec![(ALICE, u64::MAX - 100)])
			.vendors(vec![(VENDOR, u64::MAX, PERIOD)])
			.build_and_execute(|| {
				assert_noop!(issue(VENDOR, BOB, 101, "r1"), ArithmeticError::Overflow);
				assert_ok!(issue(VENDOR, BOB, 100, "r1"));
				assert_eq!(Balances::total_issuance(), u64::MAX);
			});
	}
}

mod redeeming {
	use super::*;

	#[test]
	fn redeem_works_with_increasing_ids() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(issue(VENDOR, BOB, 100, "r1"));
			assert_ok!(redeem(ALICE, VENDOR, 300));
			assert_eq!(
				last_event(),
				Event::Redeemed { id: 0, holder: ALICE, vendor: VENDOR, amount: 300 }
			);
			assert_ok!(redeem(BOB, VENDOR_2, 50));
			assert_eq!(
				last_event(),
				Event::Redeemed { id: 1, holder: BOB, vendor: VENDOR_2, amount: 50 }
			);
			assert_ok!(redeem(ALICE, VENDOR, 1));
			assert_eq!(
				last_event(),
				Event::Redeemed { id: 2, holder: ALICE, vendor: VENDOR, amount: 1 }
			);
			assert_eq!(NextRedemptionId::<Test>::get(), 3);
			assert_eq!(Balances::free_balance(ALICE), 699);
			assert_eq!(Balances::free_balance(BOB), 550);
			assert_eq!(Balances::total_issuance(), 1_600 + 100 - 351);
			assert_eq!(TotalRedeemed::<Test>::get(), 351);
			assert_eq!(vendor(VENDOR).total_redeemed, 301);
			assert_eq!(vendor(VENDOR_2).total_redeemed, 50);
			// Redemptions do not refill the float.
			assert_eq!(Wattcoin::remaining_allowance_of(&VENDOR), Some(ALLOWANCE - 100));
		});
	}

	#[test]
	fn a_failed_redemption_does_not_use_an_id() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(redeem(ALICE, VENDOR, 5_000), Error::<Test>::InsufficientBalance);
			assert_ok!(redeem(ALICE, VENDOR, 10));
			assert_eq!(
				last_event(),
				Event::Redeemed { id: 0, holder: ALICE, vendor: VENDOR, amount: 10 }
			);
		});
	}

	#[test]
	fn redeem_more_than_the_free_balance_fails() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(redeem(ALICE, VENDOR, 1_001), Error::<Test>::InsufficientBalance);
			assert_noop!(redeem(NEWCOMER, VENDOR, 1), Error::<Test>::InsufficientBalance);
		});
	}

	#[test]
	fn redeem_through_a_non_vendor_fails() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(redeem(ALICE, NOT_VENDOR, 100), Error::<Test>::NotLicensed);
			assert_noop!(redeem(ALICE, BOB, 100), Error::<Test>::NotLicensed);
			assert_noop!(Wattcoin::redeem(RuntimeOrigin::root(), VENDOR, 100), BadOrigin);
		});
	}

	#[test]
	fn redeem_zero_fails() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(redeem(ALICE, VENDOR, 0), Error::<Test>::ZeroAmount);
		});
	}

	#[test]
	fn redeeming_everything_reaps_the_account() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(redeem(ALICE, VENDOR, 1_000));
			assert_eq!(
				last_event(),
				Event::Redeemed { id: 0, holder: ALICE, vendor: VENDOR, amount: 1_000 }
			);
			assert!(!System::account_exists(&ALICE));
			assert_eq!(Balances::total_issuance(), 600);
			assert_eq!(TotalBurned::<Test>::get(), 0);
		});
	}

	#[test]
	fn redeeming_that_would_leave_dust_redeems_the_dust_too() {
		ExtBuilder::default().build_and_execute(|| {
			// 1000 - 991 = 9 < ED: the 9 are redeemed as well, not lost.
			assert_ok!(redeem(ALICE, VENDOR, 991));
			assert_eq!(
				last_event(),
				Event::Redeemed { id: 0, holder: ALICE, vendor: VENDOR, amount: 1_000 }
			);
			assert!(!System::account_exists(&ALICE));
			assert_eq!(TotalRedeemed::<Test>::get(), 1_000);
			assert_eq!(vendor(VENDOR).total_redeemed, 1_000);
			// Nothing went to the dust handler.
			assert_eq!(TotalBurned::<Test>::get(), 0);
			assert!(!System::events().iter().any(|r| matches!(
				r.event,
				RuntimeEvent::Balances(pallet_balances::Event::DustLost { .. })
			)));
			// Leaving exactly the existential deposit keeps the account (through the other
			// vendor: this one cashed out its whole limit for the window).
			assert_ok!(redeem(BOB, VENDOR_2, 490));
			assert_eq!(
				last_event(),
				Event::Redeemed { id: 1, holder: BOB, vendor: VENDOR_2, amount: 490 }
			);
			assert_eq!(Balances::free_balance(BOB), ED);
		});
	}

	#[test]
	fn frozen_funds_cannot_be_redeemed() {
		ExtBuilder::default().build_and_execute(|| {
			Balances::set_lock(*b"wattlock", &ALICE, 600, WithdrawReasons::all());
			assert_noop!(redeem(ALICE, VENDOR, 401), Error::<Test>::FundsUnavailable);
			assert_ok!(redeem(ALICE, VENDOR, 400));
			assert_eq!(Balances::free_balance(ALICE), 600);
		});
	}

	#[test]
	fn redeeming_cannot_kill_an_account_with_dependants() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(Balances::reserve(&ALICE, 100));
			// 900 free, and the reserve keeps a consumer on the account: the existential
			// deposit must stay.
			assert_noop!(redeem(ALICE, VENDOR, 900), Error::<Test>::FundsUnavailable);
			assert_noop!(redeem(ALICE, VENDOR, 891), Error::<Test>::FundsUnavailable);
			assert_ok!(redeem(ALICE, VENDOR, 890));
			assert_eq!(Balances::free_balance(ALICE), ED);
			assert_eq!(Balances::reserved_balance(ALICE), 100);
		});
	}
}

mod burning;

mod invariant;

mod vendor_protection;
