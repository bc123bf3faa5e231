//! The issuance invariant holds through random sequences of issues (with receipts of any age),
//! redemptions, transfers, fee payments, reconfigurations, cash-out limits, clawbacks, idle
//! blocks forgetting receipts and time passing, whatever the minimum issue; pallet-balances'
//! own books (the sum of all balances is the total issuance) agree.

use super::*;
use proptest::prelude::*;

const ACCOUNTS: [AccountId; 6] = [ALICE, BOB, CHARLIE, NEWCOMER, VENDOR, NOT_VENDOR];
const VENDORS: [AccountId; 3] = [VENDOR, VENDOR_2, NOT_VENDOR];

#[derive(Debug, Clone)]
enum Op {
	Issue { vendor: usize, to: usize, amount: Balance, receipt: u8, age: BlockNumber },
	Redeem { holder: usize, vendor: usize, amount: Balance },
	Transfer { from: usize, to: usize, amount: Balance, keep_alive: bool },
	Fee { who: usize, fee: Balance, tip: Balance, refund: Balance },
	SetAllowance { vendor: usize, allowance: Balance, period: BlockNumber },
	License { vendor: usize },
	Revoke { vendor: usize },
	Advance { blocks: BlockNumber },
	CashOutLimit { vendor: usize, limit: Balance },
	ClawBack { vendor: usize, amount: Balance },
	Idle { receipts: u32 },
}

fn op() -> impl Strategy<Value = Op> {
	let account = 0..ACCOUNTS.len();
	let vendor = 0..VENDORS.len();
	prop_oneof![
		4 => (vendor.clone(), account.clone(), 0..600u64, 0..12u8, 0..RECEIPT_LIFETIME + 50)
			.prop_map(|(vendor, to, amount, receipt, age)| Op::Issue { vendor, to, amount, receipt, age }),
		4 => (account.clone(), vendor.clone(), 0..800u64)
			.prop_map(|(holder, vendor, amount)| Op::Redeem { holder, vendor, amount }),
		3 => (account.clone(), account.clone(), 0..800u64, any::<bool>())
			.prop_map(|(from, to, amount, keep_alive)| Op::Transfer { from, to, amount, keep_alive }),
		2 => (account.clone(), 0..200u64, 0..20u64, 0..50u64)
			.prop_map(|(who, fee, tip, refund)| Op::Fee { who, fee: fee + tip, tip, refund }),
		1 => (vendor.clone(), 0..2_000u64, MIN_PERIOD..300)
			.prop_map(|(vendor, allowance, period)| Op::SetAllowance { vendor, allowance, period }),
		1 => vendor.clone().prop_map(|vendor| Op::License { vendor }),
		1 => vendor.clone().prop_map(|vendor| Op::Revoke { vendor }),
		2 => (1..150u64).prop_map(|blocks| Op::Advance { blocks }),
		1 => (RECEIPT_LIFETIME / 2..2 * RECEIPT_LIFETIME).prop_map(|blocks| Op::Advance { blocks }),
		1 => (vendor.clone(), 0..1_500u64)
			.prop_map(|(vendor, limit)| Op::CashOutLimit { vendor, limit }),
		1 => (vendor, 0..1_500u64).prop_map(|(vendor, amount)| Op::ClawBack { vendor, amount }),
		1 => (0..8u32).prop_map(|receipts| Op::Idle { receipts }),
	]
}

fn apply(op: Op) {
	// Failing operations are part of the test: they must leave no trace.
	let _ = match op {
		Op::Issue { vendor, to, amount, receipt, age } => Wattcoin::issue(
			RuntimeOrigin::signed(VENDORS[vendor]),
			ACCOUNTS[to],
			amount,
			System::block_number().saturating_sub(age),
			super::receipt(&format!("receipt-{receipt}")),
		),
		Op::Redeem { holder, vendor, amount } => redeem(ACCOUNTS[holder], VENDORS[vendor], amount),
		Op::Transfer { from, to, amount, keep_alive } => {
			let origin = RuntimeOrigin::signed(ACCOUNTS[from]);
			if keep_alive {
				Balances::transfer_keep_alive(origin, ACCOUNTS[to], amount)
			} else {
				Balances::transfer_allow_death(origin, ACCOUNTS[to], amount)
			}
		},
		Op::Fee { who, fee, tip, refund } => {
			let _ = charge_fee(ACCOUNTS[who], fee, tip, refund.min(fee - tip));
			Ok(())
		},
		Op::SetAllowance { vendor, allowance, period } => Wattcoin::set_vendor_allowance(
			RuntimeOrigin::root(),
			VENDORS[vendor],
			allowance,
			period,
		),
		Op::License { vendor } => {
			Wattcoin::license_vendor(RuntimeOrigin::root(), VENDORS[vendor], ALLOWANCE, PERIOD)
		},
		Op::Revoke { vendor } => Wattcoin::revoke_vendor(RuntimeOrigin::root(), VENDORS[vendor]),
		Op::Advance { blocks } => {
			System::set_block_number(System::block_number() + blocks);
			Ok(())
		},
		Op::CashOutLimit { vendor, limit } => {
			Wattcoin::set_cash_out_limit(RuntimeOrigin::signed(VENDORS[vendor]), limit)
		},
		Op::ClawBack { vendor, amount } => {
			Wattcoin::claw_back(RuntimeOrigin::root(), VENDORS[vendor], amount)
		},
		Op::Idle { receipts } => {
			let weight = <() as crate::weights::WeightInfo>::prune_receipts(receipts);
			let used = <Wattcoin as Hooks<BlockNumber>>::on_idle(System::block_number(), weight);
			assert!(weight.all_gte(used), "on_idle used more than it was given");
			Ok(())
		},
	};
}

fn sum_of_balances() -> Balance {
	frame_system::Account::<Test>::iter().map(|(_, info)| info.data.free + info.data.reserved).sum()
}

proptest! {
	#![proptest_config(ProptestConfig::with_cases(200))]

	#[test]
	fn issuance_invariant_holds(
		ops in proptest::collection::vec(op(), 1..60),
		min_issue in 1..30u64,
	) {
		ExtBuilder::default().min_issue(min_issue).build_and_execute(|| {
			for op in ops {
				apply(op.clone());
				if let Err(e) = Wattcoin::do_try_state() {
					panic!("invariant broken after {op:?}: {e:?}");
				}
				assert_eq!(sum_of_balances(), Balances::total_issuance(), "after {op:?}");
				for (who, info) in Vendors::<Test>::iter() {
					assert!(
						info.issued_in_window <= info.allowance ||
							System::events().iter().any(|r| matches!(
								&r.event,
								RuntimeEvent::Wattcoin(Event::VendorAllowanceChanged { vendor, .. })
									if *vendor == who
							)),
						"vendor {who} over its allowance without a reconfiguration"
					);
					assert!(
						info.cashed_out_in_window <= info.cash_out_limit ||
							System::events().iter().any(|r| matches!(
								&r.event,
								RuntimeEvent::Wattcoin(Event::CashOutLimitSet { vendor, .. })
									if *vendor == who
							)),
						"vendor {who} over its cash-out limit without lowering it"
					);
				}
			}
			assert_eq!(
				GenesisIssuance::<Test>::get() + TotalIssued::<Test>::get() -
					TotalRedeemed::<Test>::get() - TotalBurned::<Test>::get(),
				Balances::total_issuance()
			);
		});
	}
}
