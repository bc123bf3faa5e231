//! The pallet's configuration checked (`integrity_test`) and its genesis built.

use crate::{pallet::*, types::VendorInfo, BalanceOf};
use frame_support::traits::{fungible::Inspect, Get};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::traits::Zero;

impl<T: Config> Pallet<T> {
	/// Panics on a configuration the pallet cannot work with (run by `integrity_test`).
	pub(crate) fn check_config() {
		assert!(T::MaxReceiptLen::get() > 0, "pallet-wattcoin: MaxReceiptLen must be > 0");
		assert!(T::MaxVendors::get() > 0, "pallet-wattcoin: MaxVendors must be > 0");
		assert!(!T::MinPeriod::get().is_zero(), "pallet-wattcoin: MinPeriod must be > 0");
		assert!(!T::MinIssue::get().is_zero(), "pallet-wattcoin: MinIssue must be > 0");
		assert!(
			!T::ReceiptLifetime::get().is_zero(),
			"pallet-wattcoin: ReceiptLifetime must be > 0"
		);
		assert!(
			!T::Currency::minimum_balance().is_zero(),
			"pallet-wattcoin: the currency's existential deposit must be > 0"
		);
	}

	/// Licenses the genesis `vendors` and records the issuance the chain starts with. Panics on
	/// an invalid genesis: it must not produce a chain (this runs when the chain spec is built,
	/// never in a block).
	pub(crate) fn build_genesis(vendors: &[(T::AccountId, BalanceOf<T>, BlockNumberFor<T>)]) {
		assert!(
			vendors.len() <= T::MaxVendors::get() as usize,
			"pallet-wattcoin genesis: more vendors than MaxVendors"
		);
		let now = frame_system::Pallet::<T>::block_number();
		for (vendor, allowance, period) in vendors {
			assert!(
				!period.is_zero() && *period >= T::MinPeriod::get(),
				"pallet-wattcoin genesis: a vendor's period is shorter than MinPeriod"
			);
			assert!(
				!Vendors::<T>::contains_key(vendor),
				"pallet-wattcoin genesis: a vendor is listed twice"
			);
			Vendors::<T>::insert(vendor, VendorInfo::new(*allowance, *period, now));
		}
		GenesisIssuance::<T>::put(T::Currency::total_issuance());
	}
}
