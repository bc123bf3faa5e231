//! Benchmarks of pallet-prepaid: every call, the per-reading debit path
//! (`OnConsumption::on_consumption`) and the meter lifecycle hooks, each in its worst case.

use super::*;
use crate::{
	pricing::{DAY_MS, HOUR_MS},
	types::*,
	Pallet as Prepaid,
};
use alloc::vec::Vec;
use frame_benchmarking::v2::*;
use frame_support::{
	traits::{
		fungible::{Inspect, Mutate},
		Get,
	},
	BoundedVec,
};
use frame_system::RawOrigin;
use sp_runtime::traits::{Saturating, StaticLookup, Zero};
use wattcoin_primitives::{
	traits::{Consumption, MeterLifecycle, OnConsumption},
	MeterId, Moment,
};

/// Monday 2026-01-05 00:00 UTC.
const T0: Moment = 1_767_571_200_000;
const METER: MeterId = 1;

fn amount<T: Config>(n: u32) -> BalanceOf<T> {
	BalanceOf::<T>::from(n)
}

/// Plenty of WATT: a billion existential deposits.
fn plenty<T: Config>() -> BalanceOf<T> {
	T::Currency::minimum_balance().max(amount::<T>(1)).saturating_mul(amount::<T>(1_000_000_000))
}

fn operator<T: Config>() -> T::AccountId {
	let who: T::AccountId = account("operator", 0, 0);
	T::BenchmarkHelper::register_operator(&who);
	who
}

fn owner<T: Config>() -> T::AccountId {
	account("owner", 0, 0)
}

/// A meter of `operator` owned by `owner()`.
fn meter<T: Config>(operator: &T::AccountId) -> MeterId {
	T::BenchmarkHelper::register_meter(METER, operator, &owner::<T>());
	METER
}

/// Terms with every band, every tier and friendly Sundays: the most work per version.
fn worst_params<T: Config>(price: u32) -> TariffParamsOf<T> {
	let bands: Vec<Band<BalanceOf<T>>> = (0..T::MaxBands::get().min(24))
		.map(|h| Band {
			start_hour: h as u8,
			end_hour: h as u8 + 1,
			price_per_kwh: amount::<T>(price.saturating_add(h)),
		})
		.collect();
	let tiers: Vec<Tier<BalanceOf<T>>> = (0..T::MaxTiers::get())
		.map(|k| Tier { from_wh: u64::from(k) * 10_000, adder_per_kwh: amount::<T>(k) })
		.collect();
	TariffParams {
		price_per_kwh: amount::<T>(price),
		standing_charge_per_day: amount::<T>(price),
		utc_offset_minutes: 60,
		bands: BoundedVec::try_from(bands).expect("MaxBands bands"),
		tiers: BoundedVec::try_from(tiers).expect("MaxTiers tiers"),
		low_credit_threshold: amount::<T>(price),
		emergency_credit: amount::<T>(price),
		friendly_hours: FriendlyHours { hours: 0, weekdays: 1 << 6 },
	}
}

/// Stores a tariff of `operator` with `MaxTariffVersions` versions `step` apart from `first`.
fn full_tariff<T: Config>(
	operator: &T::AccountId,
	first: Moment,
	step: Moment,
	meters: u32,
) -> TariffId {
	tariff_with_versions::<T>(operator, first, step, meters, T::MaxTariffVersions::get())
}

/// Stores a tariff of `operator` with `count` versions (the worst terms each) `step` apart from
/// `first`.
fn tariff_with_versions<T: Config>(
	operator: &T::AccountId,
	first: Moment,
	step: Moment,
	meters: u32,
	count: u32,
) -> TariffId {
	let versions: Vec<TariffVersionOf<T>> = (0..count)
		.map(|k| TariffVersion {
			effective_from: first.saturating_add(step.saturating_mul(u64::from(k))),
			params: worst_params::<T>(1_000 + k),
		})
		.collect();
	let id = NextTariffId::<T>::get();
	NextTariffId::<T>::put(id + 1);
	let versions = BoundedVec::try_from(versions).expect("MaxTariffVersions versions");
	Tariffs::<T>::insert(id, Tariff { operator: operator.clone(), versions, meters });
	OperatorTariffs::<T>::mutate(operator, |n| *n = n.saturating_add(1));
	id
}

fn assert_last_event<T: Config>(event: Event<T>) {
	let event: <T as frame_system::Config>::RuntimeEvent = event.into();
	frame_system::Pallet::<T>::assert_last_event(event);
}

/// A meter on tariff `a`, switching to `b` at `switch`, owing debt and emergency credit,
/// `credit` left, standing charges paid until `paid`.
fn indebted_meter<T: Config>(
	a: TariffId,
	b: Option<(TariffId, Moment)>,
	credit: BalanceOf<T>,
	paid: Moment,
) -> MeterAccountOf<T> {
	let account = MeterAccount {
		tariff: Some(a),
		next_tariff: b,
		credit,
		debt: amount::<T>(500),
		emergency_granted: amount::<T>(1_000),
		emergency_used: amount::<T>(400),
		supply: if credit.is_zero() { SupplyState::Disconnected } else { SupplyState::Connected },
		remainder_milli: 999,
		standing_paid_until: paid,
		tier_counter: TierCounter::default(),
		daily_energy_cost: amount::<T>(10),
		last_billed: paid,
		unbilled_wh: 0,
	};
	MeterAccounts::<T>::insert(METER, account);
	Liabilities::<T>::mutate(|h| *h = h.saturating_add(credit));
	account
}

/// The worst account to settle: a meter switching tariff, both tariffs full of versions, with
/// standing charges for months, debt and emergency credit to recover and plenty of credit to
/// refund (to an owner whose account the refund creates).
fn meter_to_settle<T: Config>() {
	let op = operator::<T>();
	let _ = meter::<T>(&op);
	let step = 10 * DAY_MS;
	let n = u64::from(T::MaxTariffVersions::get());
	let a = full_tariff::<T>(&op, T0, step, 1);
	let switch = T0 + n * step;
	let b = full_tariff::<T>(&op, switch, step, 1);
	T::BenchmarkHelper::set_time(switch + n * step);
	let credit = plenty::<T>();
	indebted_meter::<T>(a, Some((b, switch)), credit, T0);
	let pot = Prepaid::<T>::pot();
	T::Currency::set_balance(&pot, T::Currency::balance(&pot).saturating_add(credit));
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn create_tariff() {
		T::BenchmarkHelper::set_time(T0);
		let op = operator::<T>();
		OperatorTariffs::<T>::insert(&op, T::MaxTariffsPerOperator::get().saturating_sub(1));
		let id = NextTariffId::<T>::get();
		let params = worst_params::<T>(1_000);

		#[extrinsic_call]
		_(RawOrigin::Signed(op.clone()), params);

		assert_last_event::<T>(Event::TariffCreated {
			tariff: id,
			operator: op,
			effective_from: T0,
		});
	}

	#[benchmark]
	fn schedule_tariff_change() {
		T::BenchmarkHelper::set_time(T0);
		let op = operator::<T>();
		// A tariff one version short of full, its changes scheduled after `at`: the new
		// version goes in before them, every later version moves (versions are never pruned).
		let notice = T::NoticePeriod::get();
		let id = full_tariff::<T>(&op, T0, notice.saturating_add(DAY_MS), 0);
		Tariffs::<T>::mutate(id, |t| {
			if let Some(t) = t {
				t.versions.pop();
			}
		});
		let at = T0 + notice;

		#[extrinsic_call]
		_(RawOrigin::Signed(op), id, at, worst_params::<T>(2_000));

		assert_last_event::<T>(Event::TariffChangeScheduled { tariff: id, effective_from: at });
	}

	#[benchmark]
	fn cancel_tariff_change() {
		T::BenchmarkHelper::set_time(T0);
		let op = operator::<T>();
		// The first version in force, the others scheduled a notice period apart: cancel the
		// earliest scheduled, exactly the notice period ahead.
		let id = full_tariff::<T>(&op, T0, T::NoticePeriod::get(), 0);
		let at = T0 + T::NoticePeriod::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(op), id, at);

		assert_last_event::<T>(Event::TariffChangeCancelled { tariff: id, effective_from: at });
	}

	#[benchmark]
	fn retire_tariff() {
		T::BenchmarkHelper::set_time(T0);
		let op = operator::<T>();
		let id = full_tariff::<T>(&op, T0, DAY_MS, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(op), id);

		assert!(Tariffs::<T>::get(id).is_none());
	}

	#[benchmark]
	fn assign_tariff() {
		T::BenchmarkHelper::set_time(T0);
		let op = operator::<T>();
		let meter = meter::<T>(&op);
		// Scheduling a switch: reads the meter's account and the new tariff, writes both (a
		// scheduled switch is final, so none is replaced).
		let a = full_tariff::<T>(&op, T0, DAY_MS, 1);
		let c = full_tariff::<T>(&op, T0, DAY_MS, 0);
		indebted_meter::<T>(a, None, amount::<T>(0), T0);
		let at = T0 + T::NoticePeriod::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(op), meter, c);

		assert_last_event::<T>(Event::TariffAssigned { meter, tariff: c, effective_from: at });
		assert_eq!(Tariffs::<T>::get(c).map(|t| t.meters), Some(1));
	}

	#[benchmark]
	fn top_up() {
		T::BenchmarkHelper::set_time(T0 + 12 * HOUR_MS);
		let op = operator::<T>();
		let meter = meter::<T>(&op);
		let a = full_tariff::<T>(&op, T0, DAY_MS, 1);
		indebted_meter::<T>(a, None, amount::<T>(0), T0);
		// The pot not endowed yet: the payer also pays its existential deposit.
		T::Currency::set_balance(&Prepaid::<T>::pot(), amount::<T>(0));
		let payer: T::AccountId = whitelisted_caller();
		T::Currency::set_balance(&payer, plenty::<T>());
		let paid = plenty::<T>() / amount::<T>(4);

		#[extrinsic_call]
		_(RawOrigin::Signed(payer), meter, paid);

		let account = MeterAccounts::<T>::get(meter).expect("meter account");
		assert!(account.debt.is_zero() && account.emergency_used.is_zero());
		assert_eq!(account.supply, SupplyState::Connected);
	}

	#[benchmark]
	fn take_emergency_credit() {
		T::BenchmarkHelper::set_time(T0 + 12 * HOUR_MS);
		let op = operator::<T>();
		let meter = meter::<T>(&op);
		let a = full_tariff::<T>(&op, T0, DAY_MS, 1);
		let mut account = indebted_meter::<T>(a, None, amount::<T>(0), T0);
		account.emergency_granted = amount::<T>(0);
		account.emergency_used = amount::<T>(0);
		MeterAccounts::<T>::insert(meter, account);

		#[extrinsic_call]
		_(RawOrigin::Signed(owner::<T>()), meter);

		assert_eq!(MeterAccounts::<T>::get(meter).map(|a| a.supply), Some(SupplyState::Emergency));
	}

	#[benchmark]
	fn withdraw_revenue() {
		let op = operator::<T>();
		let held = plenty::<T>();
		Revenue::<T>::insert(&op, held);
		Liabilities::<T>::mutate(|h| *h = h.saturating_add(held));
		let pot = Prepaid::<T>::pot();
		T::Currency::set_balance(&pot, T::Currency::balance(&pot).saturating_add(held));
		// To an account that does not exist yet.
		let dest: T::AccountId = account("revenue", 0, 0);
		let withdrawn = held / amount::<T>(2);

		#[extrinsic_call]
		_(RawOrigin::Signed(op.clone()), T::Lookup::unlookup(dest.clone()), withdrawn);

		assert_last_event::<T>(Event::RevenueWithdrawn { operator: op, dest, amount: withdrawn });
	}

	#[benchmark]
	fn claim_refund() {
		let household = owner::<T>();
		let owed = plenty::<T>();
		UnclaimedRefunds::<T>::insert(&household, owed);
		Liabilities::<T>::mutate(|h| *h = h.saturating_add(owed));
		let pot = Prepaid::<T>::pot();
		T::Currency::set_balance(&pot, T::Currency::balance(&pot).saturating_add(owed));

		#[extrinsic_call]
		_(RawOrigin::Signed(household.clone()));

		assert_last_event::<T>(Event::RefundClaimed { owner: household, amount: owed });
	}

	/// The per-reading debit path at its worst: a reading interval crossing every version of
	/// the meter's tariff and of the tariff it switches to, each version with every band and
	/// tier and spanning whole months, months of standing charges, credit running out
	/// (a supply change and its event), the switch completed.
	#[benchmark]
	fn on_consumption() {
		let op = operator::<T>();
		let _ = meter::<T>(&op);
		let step = 70 * DAY_MS;
		let n = u64::from(T::MaxTariffVersions::get());
		let start = T0;
		let a = full_tariff::<T>(&op, start, step, 1);
		let switch = start + n * step;
		let b = full_tariff::<T>(&op, switch, step, 1);
		let end = switch + n * step + 12 * HOUR_MS; // a Monday, not friendly
		T::BenchmarkHelper::set_time(end);
		indebted_meter::<T>(a, Some((b, switch)), amount::<T>(1_000_000), start);
		let reading =
			Consumption { meter: METER, from_ms: start, to_ms: end, energy_wh: 5_000_000 };

		#[block]
		{
			Prepaid::<T>::on_consumption(&reading, &op, &mut Default::default());
		}

		let account = MeterAccounts::<T>::get(METER).expect("meter account");
		assert_eq!((account.tariff, account.next_tariff), (Some(b), None));
		assert_eq!(account.supply, SupplyState::Disconnected);
	}

	/// A reading with no tariff switch due, on a tariff of `v` versions: the reading's interval
	/// crosses every version, each with every band and tier, with a day of standing charges
	/// and credit running out (a supply change and its event). Pricing is in closed form over
	/// the versions and bands, so the interval's length does not matter; the versions do.
	#[benchmark]
	fn on_consumption_same_tariff(v: Linear<1, { T::MaxTariffVersions::get() }>) {
		let op = operator::<T>();
		let _ = meter::<T>(&op);
		let start = T0;
		let a = tariff_with_versions::<T>(&op, start, DAY_MS / u64::from(v), 1, v);
		let end = start + DAY_MS; // a Tuesday 00:00, not friendly
		T::BenchmarkHelper::set_time(end);
		indebted_meter::<T>(a, None, amount::<T>(1_000_000), start);
		let reading =
			Consumption { meter: METER, from_ms: start, to_ms: end, energy_wh: 5_000_000 };
		let weight;

		#[block]
		{
			weight = Prepaid::<T>::on_consumption(&reading, &op, &mut Default::default());
		}

		assert_eq!(weight, T::WeightInfo::on_consumption_same_tariff(v));
		let account = MeterAccounts::<T>::get(METER).expect("meter account");
		assert_eq!(account.supply, SupplyState::Disconnected);
	}

	/// A reading of a meter without a tariff.
	#[benchmark]
	fn on_consumption_unbilled() {
		let op = operator::<T>();
		let reading =
			Consumption { meter: METER, from_ms: T0, to_ms: T0 + HOUR_MS, energy_wh: 1_000 };
		MeterAccounts::<T>::insert(METER, MeterAccountOf::<T>::default());

		#[block]
		{
			Prepaid::<T>::on_consumption(&reading, &op, &mut Default::default());
		}

		assert_eq!(MeterAccounts::<T>::get(METER).map(|a| a.unbilled_wh), Some(1_000));
	}

	#[benchmark]
	fn on_registered() {
		let owner = owner::<T>();

		#[block]
		{
			<Prepaid<T> as MeterLifecycle<T::AccountId>>::on_registered(METER, &owner);
		}

		assert!(MeterAccounts::<T>::contains_key(METER));
	}

	/// Closing a meter switching tariff, with standing charges for months, debt and
	/// emergency credit to recover, and a refund creating the owner's account.
	#[benchmark]
	fn on_decommission() {
		meter_to_settle::<T>();
		let owner = owner::<T>();
		let result;

		#[block]
		{
			result = <Prepaid<T> as MeterLifecycle<T::AccountId>>::on_decommission(METER, &owner);
		}

		assert!(result.is_ok());
		assert!(!MeterAccounts::<T>::contains_key(METER));
		assert!(!T::Currency::balance(&owner).is_zero());
	}

	/// A change of tenancy on a meter switching tariff, with standing charges for months,
	/// debt and emergency credit to recover, and a refund creating the leaving owner's account.
	#[benchmark]
	fn on_owner_change() {
		meter_to_settle::<T>();
		let owner = owner::<T>();
		let next: T::AccountId = account("next owner", 0, 0);
		let result;

		#[block]
		{
			result =
				<Prepaid<T> as MeterLifecycle<T::AccountId>>::on_owner_change(METER, &owner, &next);
		}

		assert!(result.is_ok());
		assert!(MeterAccounts::<T>::get(METER).is_some_and(|a| a.credit.is_zero()));
		assert!(!T::Currency::balance(&owner).is_zero());
	}

	impl_benchmark_test_suite!(Prepaid, crate::mock::new_test_ext(), crate::mock::Test);
}
