//! Benchmarks of pallet-wattcoin (frame-benchmarking v2), each in its worst case.

#![cfg(feature = "runtime-benchmarks")]

use super::*;
use alloc::vec;
use frame_benchmarking::v2::*;
use frame_support::traits::{EnsureOrigin, Get};
use frame_system::{pallet_prelude::BlockNumberFor, RawOrigin};
use sp_runtime::traits::{Saturating, StaticLookup};

const SEED: u32 = 0;

fn assert_last_event<T: Config>(event: Event<T>) {
	frame_system::Pallet::<T>::assert_last_event(event.into());
}

/// A generous allowance: a million existential deposits.
fn allowance<T: Config>() -> BalanceOf<T> {
	T::Currency::minimum_balance().saturating_mul(1_000_000u32.into())
}

/// What a benchmark issues: ten existential deposits, and at least the minimum issue.
fn amount<T: Config>() -> BalanceOf<T> {
	T::Currency::minimum_balance().saturating_mul(10u32.into()).max(T::MinIssue::get())
}

/// License `who` directly in storage, as the genesis does.
fn license<T: Config>(who: &T::AccountId) {
	let now = frame_system::Pallet::<T>::block_number();
	Vendors::<T>::insert(who, VendorInfo::new(allowance::<T>(), T::MinPeriod::get(), now));
}

/// Fill the vendor registry up to one place short of `MaxVendors`.
fn fill_vendors<T: Config>() {
	for i in Vendors::<T>::count()..T::MaxVendors::get().saturating_sub(1) {
		license::<T>(&account("filler", i, SEED));
	}
}

fn receipt<T: Config>(byte: u8, len: u32) -> ReceiptOf<T> {
	ReceiptOf::<T>::try_from(vec![byte; len as usize]).expect("len <= MaxReceiptLen")
}

/// Move to the first block of the window after the vendors' current one.
fn next_window<T: Config>() {
	let now = frame_system::Pallet::<T>::block_number();
	let period: BlockNumberFor<T> = T::MinPeriod::get();
	frame_system::Pallet::<T>::set_block_number(window_start(now, period).saturating_add(period));
}

/// Move past the lifetime of every receipt used so far, to the first block of a window.
fn after_receipt_lifetime<T: Config>() {
	let now = frame_system::Pallet::<T>::block_number();
	frame_system::Pallet::<T>::set_block_number(now.saturating_add(T::ReceiptLifetime::get()));
	next_window::<T>();
}

fn now<T: Config>() -> BlockNumberFor<T> {
	frame_system::Pallet::<T>::block_number()
}

#[benchmarks]
mod benchmarks {
	use super::*;

	/// Worst case: the registry holds `MaxVendors - 1` vendors.
	#[benchmark]
	fn license_vendor() -> Result<(), BenchmarkError> {
		let origin =
			T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		fill_vendors::<T>();
		let vendor: T::AccountId = account("vendor", 0, SEED);
		let lookup = T::Lookup::unlookup(vendor.clone());
		let period = T::MinPeriod::get();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, lookup, allowance::<T>(), period);

		assert!(Vendors::<T>::contains_key(&vendor));
		assert_last_event::<T>(Event::VendorLicensed {
			vendor,
			allowance: allowance::<T>(),
			period,
		});
		Ok(())
	}

	/// Worst case: the vendor issued in an earlier window, which is rolled over.
	#[benchmark]
	fn set_vendor_allowance() -> Result<(), BenchmarkError> {
		let origin =
			T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let vendor: T::AccountId = account("vendor", 0, SEED);
		license::<T>(&vendor);
		Pallet::<T>::do_issue(
			&vendor,
			&account("holder", 0, SEED),
			amount::<T>(),
			frame_system::Pallet::<T>::block_number(),
			receipt::<T>(1, 1),
		)?;
		next_window::<T>();
		let lookup = T::Lookup::unlookup(vendor.clone());
		let new_allowance = allowance::<T>().saturating_mul(2u32.into());
		let period = T::MinPeriod::get().saturating_mul(2u32.into());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, lookup, new_allowance, period);

		assert_eq!(Vendors::<T>::get(&vendor).map(|v| v.allowance), Some(new_allowance));
		assert_last_event::<T>(Event::VendorAllowanceChanged {
			vendor,
			allowance: new_allowance,
			period,
		});
		Ok(())
	}

	#[benchmark]
	fn revoke_vendor() -> Result<(), BenchmarkError> {
		let origin =
			T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		fill_vendors::<T>();
		let vendor: T::AccountId = account("vendor", 0, SEED);
		license::<T>(&vendor);
		let lookup = T::Lookup::unlookup(vendor.clone());

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, lookup);

		assert!(!Vendors::<T>::contains_key(&vendor));
		assert_last_event::<T>(Event::VendorRevoked { vendor });
		Ok(())
	}

	/// Worst case: a receipt of `r` bytes, the vendor's window rolls over, the beneficiary
	/// account is created, and `PRUNE_PER_ISSUE` expired receipts are forgotten.
	#[benchmark]
	fn issue(r: Linear<1, { T::MaxReceiptLen::get() }>) -> Result<(), BenchmarkError> {
		let vendor: T::AccountId = whitelisted_caller();
		license::<T>(&vendor);
		for i in 0..PRUNE_PER_ISSUE {
			Pallet::<T>::do_issue(
				&vendor,
				&account("holder", 0, SEED),
				amount::<T>(),
				now::<T>(),
				receipt::<T>(10u8.saturating_add(i as u8), r),
			)?;
		}
		after_receipt_lifetime::<T>();
		let beneficiary: T::AccountId = account("beneficiary", 0, SEED);
		let lookup = T::Lookup::unlookup(beneficiary.clone());
		let receipt = receipt::<T>(2, r);
		let paid_at = frame_system::Pallet::<T>::block_number();

		#[extrinsic_call]
		_(RawOrigin::Signed(vendor.clone()), lookup, amount::<T>(), paid_at, receipt.clone());

		assert_eq!(T::Currency::balance(&beneficiary), amount::<T>());
		assert_eq!(
			ReceiptQueueRange::<T>::get(),
			(u64::from(PRUNE_PER_ISSUE), u64::from(PRUNE_PER_ISSUE) + 1)
		);
		assert_last_event::<T>(Event::Issued {
			vendor,
			beneficiary,
			amount: amount::<T>(),
			receipt,
		});
		Ok(())
	}

	/// Worst case: the redemption would leave dust, which is redeemed too, and the holder's
	/// account is reaped.
	#[benchmark]
	fn redeem() -> Result<(), BenchmarkError> {
		let vendor: T::AccountId = account("vendor", 0, SEED);
		license::<T>(&vendor);
		let holder: T::AccountId = whitelisted_caller();
		let funded = amount::<T>();
		Pallet::<T>::do_issue(
			&vendor,
			&holder,
			funded,
			frame_system::Pallet::<T>::block_number(),
			receipt::<T>(1, 1),
		)?;
		let dust = T::Currency::minimum_balance().saturating_sub(1u32.into());
		let requested = funded.saturating_sub(dust);
		let lookup = T::Lookup::unlookup(vendor.clone());
		let id = NextRedemptionId::<T>::get();

		#[extrinsic_call]
		_(RawOrigin::Signed(holder.clone()), lookup, requested);

		assert!(T::Currency::total_balance(&holder).is_zero());
		assert_last_event::<T>(Event::Redeemed { id, holder, vendor, amount: funded });
		Ok(())
	}

	/// Worst case: the vendor's window rolls over.
	#[benchmark]
	fn set_cash_out_limit() -> Result<(), BenchmarkError> {
		let vendor: T::AccountId = whitelisted_caller();
		license::<T>(&vendor);
		next_window::<T>();
		let limit = allowance::<T>().saturating_mul(2u32.into());

		#[extrinsic_call]
		_(RawOrigin::Signed(vendor.clone()), limit);

		assert_eq!(Vendors::<T>::get(&vendor).map(|v| v.cash_out_limit), Some(limit));
		assert_last_event::<T>(Event::CashOutLimitSet { vendor, limit });
		Ok(())
	}

	/// Worst case: the registry is full, and the vendor holds WATT and is emptied and reaped.
	#[benchmark]
	fn claw_back() -> Result<(), BenchmarkError> {
		let origin =
			T::ManagerOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		fill_vendors::<T>();
		let vendor: T::AccountId = account("vendor", 0, SEED);
		license::<T>(&vendor);
		let held = amount::<T>();
		Pallet::<T>::do_issue(&vendor, &vendor, held, now::<T>(), receipt::<T>(1, 1))?;
		let lookup = T::Lookup::unlookup(vendor.clone());
		let burned_before = TotalBurned::<T>::get();

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, lookup, held);

		assert!(T::Currency::total_balance(&vendor).is_zero());
		assert!(!Vendors::<T>::contains_key(&vendor));
		assert_eq!(TotalBurned::<T>::get(), burned_before.saturating_add(held));
		assert_last_event::<T>(Event::VendorRevoked { vendor });
		Ok(())
	}

	/// `n` expired receipts are forgotten, and the next one, not yet expired, is looked at.
	#[benchmark]
	fn prune_receipts(n: Linear<0, MAX_PRUNE_ON_IDLE>) -> Result<(), BenchmarkError> {
		let vendor: T::AccountId = account("vendor", 0, SEED);
		for i in 0..n {
			let hash = Pallet::<T>::receipt_hash(&i.to_le_bytes());
			Pallet::<T>::remember_receipt(&vendor, hash, now::<T>());
		}
		after_receipt_lifetime::<T>();
		Pallet::<T>::remember_receipt(&vendor, Pallet::<T>::receipt_hash(b"fresh"), now::<T>());
		let pruned;

		#[block]
		{
			pruned = Pallet::<T>::prune_expired_receipts(now::<T>(), n.saturating_add(1));
		}

		assert_eq!(pruned, n);
		assert_eq!(ReceiptQueueRange::<T>::get(), (u64::from(n), u64::from(n) + 1));
		Ok(())
	}

	impl_benchmark_test_suite!(Pallet, crate::mock::new_test_ext(), crate::mock::Test);
}
