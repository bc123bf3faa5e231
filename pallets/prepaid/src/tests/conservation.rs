//! Value conservation over random sequences of operations (proptest): no WATT is created
//! or lost, whatever households, operators and readings do.

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
	Tenancy { meter: usize, to: usize },
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
		1 => (0..3usize, 0..3usize).prop_map(|(meter, to)| Op::Tenancy { meter, to }),
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
	#![proptest_config(ProptestConfig {
		cases: crate::tests::property_cases(96),
		..ProptestConfig::default()
	})]

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
			let mut owners = OWNERS;
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
						let _ = Prepaid::take_emergency_credit(signed(owners[meter]), METERS[meter]);
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
						let owner_before = free(owners[meter]);
						assert_ok!(<Prepaid as MeterLifecycle<AccountId>>::on_decommission(METERS[meter], &owners[meter]));
						let back = free(owners[meter]) - owner_before;
						// The credit went to the owner or the operator.
						assert_eq!(credit0 - sum_credit(), back + sum_revenue() - revenue0);
						debited += sum_revenue() - revenue0;
						closed[meter] = true;
						unregister_meter(METERS[meter]);
					},
					Op::Tenancy { meter, to } => {
						let new = PAYERS[to];
						if closed[meter] || new == owners[meter] { continue; }
						let owner_before = free(owners[meter]);
						assert_ok!(<Prepaid as MeterLifecycle<AccountId>>::on_owner_change(METERS[meter], &owners[meter], &new));
						let back = free(owners[meter]) - owner_before;
						// The credit went to the leaving owner or the operator; the next
						// household owes nothing.
						assert_eq!(credit0 - sum_credit(), back + sum_revenue() - revenue0);
						debited += sum_revenue() - revenue0;
						let a = account(METERS[meter]);
						assert_eq!((a.credit, a.debt, a.emergency_used), (0, 0, 0));
						owners[meter] = new;
						set_owner(METERS[meter], new);
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
