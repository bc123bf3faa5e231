//! What a stolen vendor key or a holder can impose, and what governance can undo: the minimum
//! issue, receipts remembered for a bounded lifetime (and pruned), the vendors' cash-out
//! limits, and the clawback that keeps the issuance identity true.

use super::*;
use crate::{weights::WeightInfo, QueuedReceipt, ReceiptQueue, ReceiptQueueRange, TotalClawedBack};
use frame_support::weights::Weight;

fn issue_dated(
	vendor: AccountId,
	to: AccountId,
	amount: Balance,
	paid_at: BlockNumber,
	id: &str,
) -> Result<(), DispatchError> {
	Wattcoin::issue(RuntimeOrigin::signed(vendor), to, amount, paid_at, receipt(id))
}

fn claw_back(vendor: AccountId, amount: Balance) -> Result<(), DispatchError> {
	Wattcoin::claw_back(RuntimeOrigin::root(), vendor, amount)
}

fn set_cash_out_limit(vendor: AccountId, limit: Balance) -> Result<(), DispatchError> {
	Wattcoin::set_cash_out_limit(RuntimeOrigin::signed(vendor), limit)
}

/// Receipts in the expiry queue.
fn queue_len() -> u64 {
	let (head, tail) = ReceiptQueueRange::<Test>::get();
	tail - head
}

/// Receipts remembered.
fn receipts_stored() -> u64 {
	UsedReceipts::<Test>::iter().count() as u64
}

fn used_at(vendor: AccountId, id: &str) -> Option<BlockNumber> {
	UsedReceipts::<Test>::get(vendor, Wattcoin::receipt_hash(id.as_bytes()))
}

/// The weight the mock's weights give pruning `n` receipts.
fn prune_weight(n: u32) -> Weight {
	<() as WeightInfo>::prune_receipts(n)
}

fn on_idle(remaining: Weight) -> Weight {
	<Wattcoin as Hooks<BlockNumber>>::on_idle(System::block_number(), remaining)
}

mod minimum_issue {
	use super::*;

	#[test]
	fn an_issue_below_the_minimum_is_refused() {
		ExtBuilder::default().min_issue(50).build_and_execute(|| {
			assert_noop!(issue(VENDOR, ALICE, 1, "r1"), Error::<Test>::BelowMinimumIssue);
			assert_noop!(issue(VENDOR, ALICE, 49, "r1"), Error::<Test>::BelowMinimumIssue);
			// Zero stays its own error.
			assert_noop!(issue(VENDOR, ALICE, 0, "r1"), Error::<Test>::ZeroAmount);
			assert_ok!(issue(VENDOR, ALICE, 50, "r1"));
			assert_eq!(TotalIssued::<Test>::get(), 50);
			assert_eq!(receipts_stored(), 1);
		});
	}

	#[test]
	fn the_minimum_issue_turns_the_allowance_into_a_bound_on_receipts_per_window() {
		// Allowance 1000, minimum 100: at most 10 issues, hence 10 receipts, per window.
		ExtBuilder::default().min_issue(100).build_and_execute(|| {
			for i in 0..10 {
				assert_ok!(issue(VENDOR, VENDOR, 100, &format!("spam-{i}")));
			}
			assert_noop!(issue(VENDOR, VENDOR, 100, "spam-10"), Error::<Test>::AllowanceExceeded);
			assert_noop!(issue(VENDOR, VENDOR, 1, "spam-10"), Error::<Test>::BelowMinimumIssue);
			assert_eq!(receipts_stored(), 10);
			assert_eq!(queue_len(), 10);
		});
	}

	#[test]
	#[should_panic(expected = "MinIssue must be > 0")]
	fn integrity_test_refuses_a_zero_minimum_issue() {
		ExtBuilder::default().min_issue(0).build().execute_with(|| {
			<Wattcoin as Hooks<BlockNumber>>::integrity_test();
		});
	}
}

mod receipts {
	use super::*;

	#[test]
	fn an_issue_remembers_its_receipt_and_queues_its_expiry() {
		ExtBuilder::default().build_and_execute(|| {
			System::set_block_number(7);
			assert_ok!(issue_dated(VENDOR, ALICE, 100, 5, "r1"));
			assert_eq!(used_at(VENDOR, "r1"), Some(7));
			assert_eq!(ReceiptQueueRange::<Test>::get(), (0, 1));
			assert_eq!(
				ReceiptQueue::<Test>::get(0),
				Some(QueuedReceipt {
					vendor: VENDOR,
					hash: Wattcoin::receipt_hash(b"r1"),
					used_at: 7
				})
			);
		});
	}

	#[test]
	fn a_receipt_dated_after_the_current_block_is_refused() {
		ExtBuilder::default().build_and_execute(|| {
			System::set_block_number(10);
			assert_noop!(
				issue_dated(VENDOR, ALICE, 100, 11, "r1"),
				Error::<Test>::ReceiptDatedInFuture
			);
			// A vendor cannot reserve ids for later by dating receipts far ahead either.
			assert_noop!(
				issue_dated(VENDOR, ALICE, 100, BlockNumber::MAX, "r1"),
				Error::<Test>::ReceiptDatedInFuture
			);
			assert_ok!(issue_dated(VENDOR, ALICE, 100, 10, "r1"));
		});
	}

	#[test]
	fn a_receipt_older_than_the_lifetime_is_refused() {
		ExtBuilder::default().build_and_execute(|| {
			System::set_block_number(RECEIPT_LIFETIME + 10);
			assert_noop!(issue_dated(VENDOR, ALICE, 100, 10, "r1"), Error::<Test>::ReceiptExpired);
			assert_noop!(issue_dated(VENDOR, ALICE, 100, 0, "r1"), Error::<Test>::ReceiptExpired);
			assert_ok!(issue_dated(VENDOR, ALICE, 100, 11, "r1"));
		});
	}

	#[test]
	fn a_retried_sale_never_mints_twice() {
		ExtBuilder::default().build_and_execute(|| {
			System::set_block_number(5);
			assert_ok!(issue_dated(VENDOR, ALICE, 100, 5, "till/0001"));
			// While the receipt is remembered, a retry is told it went through.
			System::set_block_number(5 + RECEIPT_LIFETIME - 1);
			assert_noop!(
				issue_dated(VENDOR, ALICE, 100, 5, "till/0001"),
				Error::<Test>::DuplicateReceipt
			);
			// Once it is forgotten, the retry's own date is too old.
			System::set_block_number(5 + RECEIPT_LIFETIME);
			assert_noop!(
				issue_dated(VENDOR, ALICE, 100, 5, "till/0001"),
				Error::<Test>::ReceiptExpired
			);
			on_idle(Weight::MAX);
			assert_eq!(used_at(VENDOR, "till/0001"), None);
			assert_noop!(
				issue_dated(VENDOR, ALICE, 100, 5, "till/0001"),
				Error::<Test>::ReceiptExpired
			);
			assert_eq!(TotalIssued::<Test>::get(), 100);
		});
	}

	#[test]
	fn a_receipt_id_is_free_again_after_its_lifetime() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(issue(VENDOR, ALICE, 100, "0001"));
			// The same id from another vendor is another sale.
			assert_ok!(issue(VENDOR_2, ALICE, 100, "0001"));
			System::set_block_number(1 + RECEIPT_LIFETIME - 1);
			assert_noop!(issue(VENDOR, ALICE, 100, "0001"), Error::<Test>::DuplicateReceipt);
			// A stolen key that used up this vendor's ids blocks them for one lifetime only.
			System::set_block_number(1 + RECEIPT_LIFETIME);
			assert_ok!(issue(VENDOR, ALICE, 100, "0001"));
			assert_eq!(used_at(VENDOR, "0001"), Some(1 + RECEIPT_LIFETIME));
		});
	}

	#[test]
	fn a_stale_queue_entry_does_not_forget_a_receipt_used_again() {
		ExtBuilder::default().build_and_execute(|| {
			for id in ["a", "b", "c"] {
				assert_ok!(issue(VENDOR, ALICE, 100, id));
			}
			System::set_block_number(1 + RECEIPT_LIFETIME);
			// This issue prunes "a" and "b"; "c" is expired but still stored, and used again.
			assert_ok!(issue(VENDOR, ALICE, 100, "c"));
			assert_eq!(used_at(VENDOR, "a"), None);
			assert_eq!(used_at(VENDOR, "c"), Some(1 + RECEIPT_LIFETIME));
			assert_eq!(queue_len(), 2);
			// Pruning the old queue entry of "c" leaves its new use alone.
			on_idle(Weight::MAX);
			assert_eq!(queue_len(), 1);
			assert_eq!(used_at(VENDOR, "c"), Some(1 + RECEIPT_LIFETIME));
			assert_noop!(issue(VENDOR, ALICE, 100, "c"), Error::<Test>::DuplicateReceipt);
		});
	}

	#[test]
	fn each_issue_prunes_up_to_two_expired_receipts() {
		ExtBuilder::default().build_and_execute(|| {
			for i in 0..5 {
				assert_ok!(issue(VENDOR, ALICE, 10, &format!("old-{i}")));
			}
			System::set_block_number(1 + RECEIPT_LIFETIME);
			assert_ok!(issue(VENDOR, ALICE, 10, "new-0"));
			assert_eq!((queue_len(), receipts_stored()), (4, 4));
			assert_ok!(issue(VENDOR_2, ALICE, 10, "new-1"));
			assert_eq!((queue_len(), receipts_stored()), (3, 3));
			assert_ok!(issue(VENDOR, ALICE, 10, "new-2"));
			assert_eq!((queue_len(), receipts_stored()), (3, 3));
			assert_eq!(used_at(VENDOR, "old-4"), None);
			assert_eq!(ReceiptQueueRange::<Test>::get(), (5, 8));
		});
	}

	#[test]
	fn on_idle_prunes_expired_receipts_within_its_weight() {
		ExtBuilder::default().build_and_execute(|| {
			for i in 0..5 {
				assert_ok!(issue(VENDOR, ALICE, 10, &format!("r{i}")));
			}
			// Not expired yet: nothing to prune, whatever the weight.
			System::set_block_number(RECEIPT_LIFETIME);
			on_idle(Weight::MAX);
			assert_eq!(queue_len(), 5);

			System::set_block_number(1 + RECEIPT_LIFETIME);
			assert_eq!(on_idle(Weight::zero()), Weight::zero());
			assert_eq!(queue_len(), 5);
			// Less than the weight of one receipt: nothing.
			assert_eq!(on_idle(prune_weight(1) - Weight::from_parts(1, 0)), Weight::zero());
			assert_eq!(queue_len(), 5);
			// Room for two.
			let used = on_idle(prune_weight(2));
			assert!(prune_weight(2).all_gte(used) && used != Weight::zero());
			assert_eq!((queue_len(), receipts_stored()), (3, 3));
			// Room for all.
			let used = on_idle(Weight::MAX);
			assert!(used.all_gte(prune_weight(3)));
			assert_eq!((queue_len(), receipts_stored()), (0, 0));
			assert_eq!(ReceiptQueueRange::<Test>::get(), (5, 5));
			assert_eq!(ReceiptQueue::<Test>::iter().count(), 0);
		});
	}

	#[test]
	fn receipt_storage_never_exceeds_the_issues_of_one_lifetime() {
		ExtBuilder::default()
			.vendors(vec![(VENDOR, u64::MAX / 4, PERIOD), (VENDOR_2, u64::MAX / 4, PERIOD)])
			.build_and_execute(|| {
				let mut issued_at: Vec<BlockNumber> = Vec::new();
				let mut most_live = 0;
				let mut n = 0;
				// Bursts and quiet stretches over five lifetimes, no on_idle.
				for step in 0..(5 * RECEIPT_LIFETIME / 10) {
					let now = 1 + step * 10;
					System::set_block_number(now);
					let burst = match (step / 20) % 4 {
						0 => 3,
						1 => 0,
						2 => 1,
						_ => u64::from(step % 7 == 0) * 9,
					};
					for _ in 0..burst {
						let vendor = if n % 2 == 0 { VENDOR } else { VENDOR_2 };
						assert_ok!(issue(vendor, ALICE, 10, &format!("r{n}")));
						issued_at.push(now);
						n += 1;
					}
					let live =
						issued_at.iter().filter(|at| **at + RECEIPT_LIFETIME > now).count() as u64;
					most_live = most_live.max(live);
					assert!(receipts_stored() <= queue_len());
					assert!(
						queue_len() <= most_live,
						"{} receipts stored at block {now}, at most {most_live} were live",
						queue_len()
					);
				}
				// A quiet block's on_idle forgets every expired receipt.
				System::set_block_number(System::block_number() + RECEIPT_LIFETIME);
				on_idle(Weight::MAX);
				assert_eq!((queue_len(), receipts_stored()), (0, 0));
			});
	}

	#[test]
	fn the_receipt_queue_survives_revocation() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(issue(VENDOR, ALICE, 100, "r1"));
			assert_ok!(Wattcoin::revoke_vendor(RuntimeOrigin::root(), VENDOR));
			assert_ok!(Wattcoin::license_vendor(RuntimeOrigin::root(), VENDOR, ALLOWANCE, PERIOD));
			assert_noop!(issue(VENDOR, ALICE, 100, "r1"), Error::<Test>::DuplicateReceipt);
			System::set_block_number(1 + RECEIPT_LIFETIME);
			on_idle(Weight::MAX);
			assert_eq!(used_at(VENDOR, "r1"), None);
		});
	}
}

mod cash_out {
	use super::*;

	#[test]
	fn a_vendor_cashes_out_at_most_its_limit_per_window() {
		ExtBuilder::default().build_and_execute(|| {
			// Licensed at genesis: the limit is the allowance until the vendor sets its own.
			assert_eq!(vendor(VENDOR).cash_out_limit, ALLOWANCE);
			assert_eq!(Wattcoin::remaining_cash_out_of(&VENDOR), Some(ALLOWANCE));
			assert_ok!(redeem(ALICE, VENDOR, 700));
			assert_noop!(redeem(BOB, VENDOR, 301), Error::<Test>::CashOutLimitExceeded);
			assert_ok!(redeem(BOB, VENDOR, 300));
			assert_eq!(Wattcoin::remaining_cash_out_of(&VENDOR), Some(0));
			assert_noop!(redeem(ALICE, VENDOR, 10), Error::<Test>::CashOutLimitExceeded);
			// Each vendor has its own limit.
			assert_ok!(redeem(ALICE, VENDOR_2, 10));
			// The limit refills with the allowance, in the next window.
			System::set_block_number(PERIOD);
			assert_eq!(Wattcoin::remaining_cash_out_of(&VENDOR), Some(ALLOWANCE));
			assert_ok!(redeem(ALICE, VENDOR, 100));
			assert_eq!(vendor(VENDOR).cashed_out_in_window, 100);
			assert_eq!(vendor(VENDOR).window_start, PERIOD);
			assert_eq!(vendor(VENDOR).total_redeemed, 1_100);
			assert_eq!(Wattcoin::remaining_cash_out_of(&NOT_VENDOR), None);
			assert_eq!(Wattcoin::remaining_cash_out(VENDOR), Some(ALLOWANCE - 100));
		});
	}

	#[test]
	fn a_vendor_sets_its_own_cash_out_limit() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(set_cash_out_limit(VENDOR, 200));
			assert_eq!(last_event(), Event::CashOutLimitSet { vendor: VENDOR, limit: 200 });
			assert_noop!(redeem(ALICE, VENDOR, 201), Error::<Test>::CashOutLimitExceeded);
			assert_ok!(redeem(ALICE, VENDOR, 150));
			// Lowering it below what was cashed out stops cash-outs until the next window.
			assert_ok!(set_cash_out_limit(VENDOR, 100));
			assert_eq!(Wattcoin::remaining_cash_out_of(&VENDOR), Some(0));
			// Raising it again does not forget what was cashed out in this window.
			assert_ok!(set_cash_out_limit(VENDOR, 5_000));
			assert_eq!(Wattcoin::remaining_cash_out_of(&VENDOR), Some(4_850));
			// Zero: the vendor takes no more cash-outs, yet may still issue.
			assert_ok!(set_cash_out_limit(VENDOR, 0));
			assert_noop!(redeem(ALICE, VENDOR, 10), Error::<Test>::CashOutLimitExceeded);
			assert_ok!(issue(VENDOR, ALICE, 10, "r1"));
			System::set_block_number(PERIOD);
			assert_noop!(redeem(ALICE, VENDOR, 10), Error::<Test>::CashOutLimitExceeded);
		});
	}

	#[test]
	fn set_cash_out_limit_errors() {
		ExtBuilder::default().build_and_execute(|| {
			assert_noop!(set_cash_out_limit(NOT_VENDOR, 100), Error::<Test>::NotLicensed);
			assert_noop!(Wattcoin::set_cash_out_limit(RuntimeOrigin::root(), 100), BadOrigin);
			assert_noop!(Wattcoin::set_cash_out_limit(RuntimeOrigin::none(), 100), BadOrigin);
		});
	}

	#[test]
	fn the_dust_a_redemption_sweeps_counts_against_the_limit() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(set_cash_out_limit(VENDOR, 995));
			// 991 asked, 1000 burned (the 9 of dust too): over the limit.
			assert_noop!(redeem(ALICE, VENDOR, 991), Error::<Test>::CashOutLimitExceeded);
			assert_ok!(set_cash_out_limit(VENDOR, 1_000));
			assert_ok!(redeem(ALICE, VENDOR, 991));
			assert_eq!(vendor(VENDOR).cashed_out_in_window, 1_000);
		});
	}

	#[test]
	fn licensing_and_reconfiguring_keep_the_cash_out_limit_promises() {
		ExtBuilder::default().build_and_execute(|| {
			System::set_block_number(250);
			assert_ok!(Wattcoin::license_vendor(RuntimeOrigin::root(), NOT_VENDOR, 70, 30));
			assert_eq!(vendor(NOT_VENDOR).cash_out_limit, 70);
			assert_ok!(redeem(ALICE, NOT_VENDOR, 60));
			// A new allowance or period neither changes the limit nor refills it.
			assert_ok!(Wattcoin::set_vendor_allowance(RuntimeOrigin::root(), NOT_VENDOR, 500, 60));
			assert_eq!(vendor(NOT_VENDOR).cash_out_limit, 70);
			assert_eq!(vendor(NOT_VENDOR).cashed_out_in_window, 60);
			assert_noop!(redeem(ALICE, NOT_VENDOR, 11), Error::<Test>::CashOutLimitExceeded);
			assert_ok!(redeem(ALICE, NOT_VENDOR, 10));
		});
	}
}

mod clawback {
	use super::*;

	#[test]
	fn claw_back_burns_what_the_vendor_holds_and_revokes_it() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(issue(VENDOR, VENDOR, 300, "self-1"));
			assert_ok!(claw_back(VENDOR, 200));
			let events = wattcoin_events();
			assert_eq!(
				events[events.len() - 2..],
				[
					Event::ClawedBack { vendor: VENDOR, amount: 200 },
					Event::VendorRevoked { vendor: VENDOR }
				]
			);
			assert_eq!(Balances::free_balance(VENDOR), 100);
			assert_eq!(Balances::total_issuance(), 1_600 + 300 - 200);
			assert_eq!(TotalBurned::<Test>::get(), 200);
			assert_eq!(TotalClawedBack::<Test>::get(), 200);
			assert_eq!(TotalIssued::<Test>::get(), 300);
			assert!(!Vendors::<Test>::contains_key(VENDOR));
			assert_eq!(Vendors::<Test>::count(), 1);
			assert_noop!(issue(VENDOR, VENDOR, 100, "self-2"), Error::<Test>::NotLicensed);
			assert!(invariant_holds());
		});
	}

	#[test]
	fn claw_back_takes_at_most_everything_the_vendor_holds() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(issue(VENDOR, VENDOR, 300, "self-1"));
			assert_ok!(claw_back(VENDOR, u64::MAX));
			assert_eq!(
				wattcoin_events()[wattcoin_events().len() - 2],
				Event::ClawedBack { vendor: VENDOR, amount: 300 }
			);
			assert!(!System::account_exists(&VENDOR));
			assert_eq!(TotalClawedBack::<Test>::get(), 300);
			assert_eq!(TotalBurned::<Test>::get(), 300);
		});
	}

	#[test]
	fn claw_back_that_would_leave_dust_takes_the_dust_too() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(issue(VENDOR, VENDOR, 300, "self-1"));
			assert_ok!(claw_back(VENDOR, 295));
			assert_eq!(
				wattcoin_events()[wattcoin_events().len() - 2],
				Event::ClawedBack { vendor: VENDOR, amount: 300 }
			);
			assert!(!System::account_exists(&VENDOR));
			assert_eq!(TotalClawedBack::<Test>::get(), 300);
			assert_eq!(TotalBurned::<Test>::get(), 300);
		});
	}

	#[test]
	fn claw_back_takes_frozen_funds_but_not_held_ones() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(issue(VENDOR, VENDOR, 300, "self-1"));
			Balances::set_lock(*b"wattlock", &VENDOR, 250, WithdrawReasons::all());
			assert_ok!(Balances::reserve(&VENDOR, 40));
			assert_ok!(claw_back(VENDOR, u64::MAX));
			// 260 free: all of it but the existential deposit, which the lock and the reserve
			// need to keep the account; the 40 on hold stay.
			assert_eq!(TotalClawedBack::<Test>::get(), 250);
			assert_eq!(Balances::free_balance(VENDOR), ED);
			assert_eq!(Balances::reserved_balance(VENDOR), 40);
		});
	}

	#[test]
	fn claw_back_of_a_vendor_holding_nothing_still_revokes_it() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(claw_back(VENDOR_2, 100));
			let events = wattcoin_events();
			assert_eq!(
				events[events.len() - 2..],
				[
					Event::ClawedBack { vendor: VENDOR_2, amount: 0 },
					Event::VendorRevoked { vendor: VENDOR_2 }
				]
			);
			assert!(!Vendors::<Test>::contains_key(VENDOR_2));
		});
	}

	#[test]
	fn claw_back_errors() {
		ExtBuilder::default().build_and_execute(|| {
			assert_ok!(issue(VENDOR, VENDOR, 300, "self-1"));
			for who in [ALICE, VENDOR] {
				assert_noop!(
					Wattcoin::claw_back(RuntimeOrigin::signed(who), VENDOR, 100),
					BadOrigin
				);
			}
			assert_noop!(claw_back(NOT_VENDOR, 100), Error::<Test>::NotLicensed);
			// Not a tool to take a holder's WATT.
			assert_noop!(claw_back(ALICE, 100), Error::<Test>::NotLicensed);
			assert_noop!(claw_back(VENDOR, 0), Error::<Test>::ZeroAmount);
		});
	}

	#[test]
	fn a_stolen_vendor_key_is_stopped_and_what_it_kept_is_burned() {
		ExtBuilder::default().min_issue(100).build_and_execute(|| {
			// The thief mints the whole float to the vendor account, in the fewest receipts
			// the minimum issue allows, pays fees from it and moves some away.
			assert_noop!(issue(VENDOR, VENDOR, 1, "t-0"), Error::<Test>::BelowMinimumIssue);
			for i in 0..10 {
				assert_ok!(issue(VENDOR, VENDOR, 100, &format!("t-{i}")));
			}
			assert_eq!(charge_fee(VENDOR, 50, 0, 0), Ok(()));
			assert_ok!(Balances::transfer_allow_death(
				RuntimeOrigin::signed(VENDOR),
				NEWCOMER,
				400
			));
			// And ties up the vendor's cash with redemptions through it.
			assert_ok!(redeem(NEWCOMER, VENDOR, 100));
			assert_eq!(receipts_stored(), 10);

			assert_ok!(claw_back(VENDOR, u64::MAX));
			assert_eq!(TotalClawedBack::<Test>::get(), 550);
			assert_eq!(TotalBurned::<Test>::get(), 50 + 550);
			assert_eq!(
				Balances::total_issuance(),
				GenesisIssuance::<Test>::get() + TotalIssued::<Test>::get()
					- TotalRedeemed::<Test>::get()
					- TotalBurned::<Test>::get()
			);
			assert_noop!(issue(VENDOR, VENDOR, 100, "t-10"), Error::<Test>::NotLicensed);
			assert_noop!(redeem(NEWCOMER, VENDOR, 100), Error::<Test>::NotLicensed);
			// Its receipts are forgotten after one lifetime.
			System::set_block_number(1 + RECEIPT_LIFETIME);
			on_idle(Weight::MAX);
			assert_eq!(receipts_stored(), 0);
		});
	}

	#[test]
	fn try_state_detects_clawbacks_not_counted_as_burned() {
		ExtBuilder::default().build().execute_with(|| {
			TotalClawedBack::<Test>::put(1);
			assert!(Wattcoin::do_try_state().is_err());
		});
	}

	#[test]
	fn try_state_detects_a_broken_receipt_queue() {
		ExtBuilder::default().build().execute_with(|| {
			assert_ok!(issue(VENDOR, ALICE, 100, "r1"));
			ReceiptQueueRange::<Test>::put((0, 2));
			assert!(Wattcoin::do_try_state().is_err());
		});
		ExtBuilder::default().build().execute_with(|| {
			// A receipt remembered with no queue entry would never be forgotten.
			UsedReceipts::<Test>::insert(VENDOR, [7u8; 32], 1);
			assert!(Wattcoin::do_try_state().is_err());
		});
	}
}

mod migration {
	use super::*;
	use crate::migrations::v1::{v0, MigrateV0ToV1};
	use frame_support::traits::{Get, GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

	fn db_weight() -> frame_support::weights::RuntimeDbWeight {
		<<Test as frame_system::Config>::DbWeight as Get<_>>::get()
	}

	fn v0_vendor(allowance: Balance) -> v0::VendorInfo<Balance, BlockNumber> {
		v0::VendorInfo {
			allowance,
			period: PERIOD,
			window_start: 0,
			issued_in_window: 30,
			total_issued: 30,
			total_redeemed: 20,
		}
	}

	#[test]
	fn v1_gives_every_vendor_a_cash_out_limit_and_queues_every_receipt() {
		ExtBuilder::default().vendors(vec![]).build_and_execute(|| {
			// A chain written by version 0: two vendors in the old layout, two receipts.
			System::set_block_number(20);
			StorageVersion::new(0).put::<Wattcoin>();
			v0::Vendors::<Test>::insert(VENDOR, v0_vendor(ALLOWANCE));
			v0::Vendors::<Test>::insert(VENDOR_2, v0_vendor(5));
			UsedReceipts::<Test>::insert(VENDOR, Wattcoin::receipt_hash(b"r1"), 15);
			UsedReceipts::<Test>::insert(VENDOR_2, Wattcoin::receipt_hash(b"r2"), 3);
			TotalIssued::<Test>::put(60);
			TotalRedeemed::<Test>::put(40);
			GenesisIssuance::<Test>::put(1_600 - 60 + 40);

			#[cfg(feature = "try-runtime")]
			let state = MigrateV0ToV1::<Test>::pre_upgrade().unwrap();
			let weight = MigrateV0ToV1::<Test>::on_runtime_upgrade();
			#[cfg(feature = "try-runtime")]
			MigrateV0ToV1::<Test>::post_upgrade(state).unwrap();

			assert_eq!(Wattcoin::on_chain_storage_version(), StorageVersion::new(1));
			assert!(weight.all_gte(db_weight().reads_writes(2, 2)));
			for (who, allowance) in [(VENDOR, ALLOWANCE), (VENDOR_2, 5)] {
				assert_eq!(
					vendor(who),
					VendorInfo {
						allowance,
						period: PERIOD,
						window_start: 0,
						issued_in_window: 30,
						total_issued: 30,
						total_redeemed: 20,
						cash_out_limit: allowance,
						cashed_out_in_window: 0,
					}
				);
			}
			assert_ok!(redeem(ALICE, VENDOR_2, 5));
			assert_noop!(redeem(ALICE, VENDOR_2, 1), Error::<Test>::CashOutLimitExceeded);

			// The receipts are queued oldest use first, and forgotten a lifetime after it.
			assert_eq!(ReceiptQueueRange::<Test>::get(), (0, 2));
			assert_eq!(
				ReceiptQueue::<Test>::get(0).map(|q| (q.vendor, q.used_at)),
				Some((VENDOR_2, 3))
			);
			assert_eq!(
				ReceiptQueue::<Test>::get(1).map(|q| (q.vendor, q.used_at)),
				Some((VENDOR, 15))
			);
			assert_noop!(issue_dated(VENDOR, ALICE, 10, 15, "r1"), Error::<Test>::DuplicateReceipt);
			System::set_block_number(15 + RECEIPT_LIFETIME);
			on_idle(Weight::MAX);
			assert_eq!((queue_len(), receipts_stored()), (0, 0));
		});
	}

	#[test]
	fn v1_runs_once() {
		ExtBuilder::default().build_and_execute(|| {
			assert_eq!(Wattcoin::on_chain_storage_version(), StorageVersion::new(1));
			let before = vendor(VENDOR);
			let weight = MigrateV0ToV1::<Test>::on_runtime_upgrade();
			assert_eq!(vendor(VENDOR), before);
			assert_eq!(weight, db_weight().reads(1));
		});
	}
}
