//! The notice rule: the terms a meter is billed at, at any time `t`, are fixed once `t` is less
//! than `NoticePeriod` away. Neither cancelling a change nor assigning, re-assigning or
//! reverting a tariff may alter them later (issue 12, finding 1). The property test at the end
//! checks the rule over random sequences of operations.

use super::*;

const WEEK: Moment = 7 * DAY_MS;

/// A meter of `OPERATOR` on a flat tariff at 100 milli-WATT per kWh, with credit.
fn meter_on_a_tariff() -> TariffId {
	funded_meter(METER, flat(100 * MILLIWATT), 10 * UNIT)
}

#[docify::export]
#[test]
fn a_change_cannot_be_cancelled_inside_the_notice_period() {
	ExtBuilder::default().build_and_execute(|| {
		// A one-hour spike with notice, and the revert an hour later...
		let id = meter_on_a_tariff();
		let spike = t0() + WEEK;
		assert_ok!(Prepaid::schedule_tariff_change(signed(OPERATOR), id, spike, flat(UNIT)));
		let revert = spike + HOUR_MS;
		let base = flat(100 * MILLIWATT);
		assert_ok!(Prepaid::schedule_tariff_change(signed(OPERATOR), id, revert, base));
		// ...whose cancel just before it would make the spike permanent with an hour's notice.
		set_now(spike);
		assert_noop!(
			Prepaid::cancel_tariff_change(signed(OPERATOR), id, revert),
			Error::<Test>::InsideNoticePeriod
		);
		// One millisecond inside the notice period is too late, too.
		set_now(revert - WEEK + 1);
		assert_noop!(
			Prepaid::cancel_tariff_change(signed(OPERATOR), id, revert),
			Error::<Test>::InsideNoticePeriod
		);
	});
}

#[test]
fn a_change_can_be_cancelled_with_the_notice_period_still_ahead() {
	ExtBuilder::default().build_and_execute(|| {
		let id = meter_on_a_tariff();
		let change = t0() + 2 * WEEK;
		assert_ok!(Prepaid::schedule_tariff_change(signed(OPERATOR), id, change, flat(UNIT)));
		set_now(change - WEEK);
		assert_ok!(Prepaid::cancel_tariff_change(signed(OPERATOR), id, change));
		assert_eq!(
			last_event(),
			Event::TariffChangeCancelled { tariff: id, effective_from: change }
		);
		assert_eq!(Tariffs::<Test>::get(id).unwrap().versions.len(), 1);
	});
}

#[test]
fn a_scheduled_switch_cannot_be_cancelled() {
	ExtBuilder::default().build_and_execute(|| {
		let cheap = meter_on_a_tariff();
		let dear = create(OPERATOR, flat(UNIT));
		assign(METER, dear);
		// The household was told: from t0 + 7 days, `dear`. Going back to `cheap` a day later
		// would change its terms with six days' notice.
		set_now(t0() + DAY_MS);
		assert_noop!(
			Prepaid::assign_tariff(signed(OPERATOR), METER, cheap),
			Error::<Test>::SwitchPending
		);
		assert_eq!(account(METER).next_tariff, Some((dear, t0() + WEEK)));
	});
}

#[test]
fn a_scheduled_switch_cannot_be_replaced() {
	ExtBuilder::default().build_and_execute(|| {
		meter_on_a_tariff();
		let dear = create(OPERATOR, flat(UNIT));
		let dearer = create(OPERATOR, flat(2 * UNIT));
		assign(METER, dear);
		set_now(t0() + DAY_MS);
		assert_noop!(
			Prepaid::assign_tariff(signed(OPERATOR), METER, dearer),
			Error::<Test>::SwitchPending
		);
	});
}

#[test]
fn a_switch_due_but_not_yet_billed_cannot_be_reverted() {
	ExtBuilder::default().build_and_execute(|| {
		let first = meter_on_a_tariff();
		let second = create(OPERATOR, flat(50 * MILLIWATT));
		assign(METER, second);
		// The switch took effect; no reading has billed across it yet.
		set_now(t0() + WEEK + DAY_MS);
		assert_noop!(
			Prepaid::assign_tariff(signed(OPERATOR), METER, first),
			Error::<Test>::SwitchPending
		);
		// The reading across the switch bills each side at its tariff; the meter is then
		// on `second` and can be switched again, with notice.
		consume(METER, t0() + WEEK - HOUR_MS, t0() + WEEK + HOUR_MS, 2_000);
		assert_eq!(credit(METER), 10 * UNIT - 150 * MILLIWATT);
		assert_ok!(Prepaid::assign_tariff(signed(OPERATOR), METER, first));
		assert_eq!(account(METER).next_tariff, Some((first, t0() + 2 * WEEK + DAY_MS)));
	});
}

#[test]
fn assigning_the_current_tariff_again_is_refused() {
	ExtBuilder::default().build_and_execute(|| {
		let id = meter_on_a_tariff();
		assert_noop!(
			Prepaid::assign_tariff(signed(OPERATOR), METER, id),
			Error::<Test>::AlreadyAssigned
		);
	});
}

// ---------------------------------------------------------------------------------------
// The rule under any sequence of operations.

mod property {
	use super::*;
	use crate::pallet::Pallet;
	use proptest::prelude::*;

	#[derive(Clone, Debug)]
	enum Op {
		/// Schedule a change of tariff `tariff` `hours` after now at `price`.
		Schedule { tariff: usize, hours: u64, price: u8 },
		/// Cancel the `index`-th version of `tariff`.
		Cancel { tariff: usize, index: usize },
		/// Assign `tariff` to `meter`.
		Assign { meter: usize, tariff: usize },
		/// A reading of `meter` from its last billed time to now.
		Read { meter: usize },
		/// Time passes.
		Wait { hours: u64 },
	}

	const METERS: [MeterId; 2] = [METER, METER_2];

	fn arb_op() -> impl Strategy<Value = Op> {
		prop_oneof![
			(0..2usize, 0..400u64, 1..5u8).prop_map(|(tariff, hours, price)| Op::Schedule {
				tariff,
				hours,
				price
			}),
			(0..2usize, 0..4usize).prop_map(|(tariff, index)| Op::Cancel { tariff, index }),
			(0..2usize, 0..2usize).prop_map(|(meter, tariff)| Op::Assign { meter, tariff }),
			(0..2usize).prop_map(|meter| Op::Read { meter }),
			(1..200u64).prop_map(|hours| Op::Wait { hours }),
		]
	}

	/// The times at which some meter's terms may change, from now to the end of the notice
	/// period: now, every version's start and every switch.
	fn boundaries(ids: &[TariffId]) -> Vec<Moment> {
		let now = Pallet::<Test>::now();
		let mut times = vec![now];
		for id in ids {
			if let Some(t) = Tariffs::<Test>::get(id) {
				times.extend(t.versions.iter().map(|v| v.effective_from));
			}
		}
		for meter in METERS {
			if let Some((_, at)) = account(meter).next_tariff {
				times.push(at);
			}
		}
		times.retain(|t| *t >= now && *t < now + NoticePeriod::get());
		times.sort();
		times.dedup();
		times
	}

	/// What each meter is billed at, at each of `times`: (tariff, terms).
	fn terms(times: &[Moment]) -> Vec<Option<(TariffId, Params)>> {
		let mut out = Vec::new();
		for meter in METERS {
			let a = account(meter);
			for t in times {
				out.push(
					Pallet::<Test>::tariff_id_at(&a, *t).zip(Pallet::<Test>::params_at(&a, *t)),
				);
			}
		}
		out
	}

	fn apply(op: &Op, ids: &[TariffId]) {
		let now = Pallet::<Test>::now();
		// Errors are part of the game: the rule must hold whatever succeeds.
		let _ = match *op {
			Op::Schedule { tariff, hours, price } => Prepaid::schedule_tariff_change(
				signed(OPERATOR),
				ids[tariff],
				now + NoticePeriod::get() + hours * HOUR_MS,
				flat(u128::from(price) * 100 * MILLIWATT),
			),
			Op::Cancel { tariff, index } => {
				let t = Tariffs::<Test>::get(ids[tariff]).unwrap();
				match t.versions.get(index) {
					Some(v) => Prepaid::cancel_tariff_change(
						signed(OPERATOR),
						ids[tariff],
						v.effective_from,
					),
					None => Ok(()),
				}
			},
			Op::Assign { meter, tariff } => {
				Prepaid::assign_tariff(signed(OPERATOR), METERS[meter], ids[tariff])
			},
			Op::Read { meter } => {
				let from = account(METERS[meter]).last_billed.max(t0());
				consume(METERS[meter], from, now.max(from), 100);
				Ok(())
			},
			Op::Wait { hours } => {
				set_now(now + hours * HOUR_MS);
				Ok(())
			},
		};
	}

	proptest! {
		#![proptest_config(ProptestConfig {
			cases: crate::tests::property_cases(256),
			..ProptestConfig::default()
		})]

		/// No terms in force at a time `t` were decided less than `NoticePeriod` before `t`.
		#[test]
		fn terms_are_fixed_for_the_notice_period(ops in prop::collection::vec(arb_op(), 1..40)) {
			ExtBuilder::default().build_and_execute(|| {
				let ids = [create(OPERATOR, flat(100 * MILLIWATT)), create(OPERATOR, flat(UNIT))];
				top_up(NEIGHBOUR, METER, 100 * UNIT);
				top_up(NEIGHBOUR, METER_2, 100 * UNIT);
				assign(METER, ids[0]);
				assign(METER_2, ids[1]);
				for op in &ops {
					let before_times = boundaries(&ids);
					let before = terms(&before_times);
					apply(op, &ids);
					if matches!(op, Op::Wait { .. }) {
						continue;
					}
					// Every boundary before or after the operation, inside the window.
					let mut times = before_times.clone();
					times.extend(boundaries(&ids));
					times.sort();
					times.dedup();
					let before_all = {
						// Recompute `before` at the union of times from the snapshot: the terms
						// are piecewise constant between boundaries, so the value at a new
						// boundary is that of the last old boundary at or before it.
						let n = before_times.len();
						let mut v = Vec::new();
						for m in 0..METERS.len() {
							for t in &times {
								let i = before_times.iter().rposition(|b| b <= t).unwrap_or(0);
								v.push(before[m * n + i].clone());
							}
						}
						v
					};
					assert_eq!(before_all, terms(&times), "after {op:?}");
				}
			});
		}
	}
}
