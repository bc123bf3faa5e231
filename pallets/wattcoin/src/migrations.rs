//! Storage migrations of pallet-wattcoin, run by the runtime's `Executive` on upgrade.
//!
//! Each is a [`VersionedMigration`](frame_support::migrations::VersionedMigration): it runs
//! once, when the pallet's on-chain storage version is its `FROM`, and sets it to its `TO`.
//! A chain started from genesis with this code is at the in-code version already and runs
//! none of them.

/// Version 1: [`VendorInfo`](crate::VendorInfo) carries the vendor's cash-out limit, and every
/// used receipt has its place in the expiry queue ([`ReceiptQueue`](crate::ReceiptQueue)).
pub mod v1 {
	use crate::{
		pallet::{Config, Pallet},
		QueuedReceipt, ReceiptQueue, ReceiptQueueRange, UsedReceipts, VendorInfo, Vendors,
	};
	use alloc::vec::Vec;
	#[cfg(feature = "try-runtime")]
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use sp_runtime::{traits::Zero, Saturating};

	/// The layouts of version 0.
	pub mod v0 {
		use crate::pallet::{Config, Pallet};
		use codec::{Decode, Encode, MaxEncodedLen};
		use frame_support::{storage_alias, Blake2_128Concat};
		use frame_system::pallet_prelude::BlockNumberFor;
		use scale_info::TypeInfo;

		/// `VendorInfo` before version 1: without the cash-out limit.
		#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
		pub struct VendorInfo<Balance, BlockNumber> {
			pub allowance: Balance,
			pub period: BlockNumber,
			pub window_start: BlockNumber,
			pub issued_in_window: Balance,
			pub total_issued: Balance,
			pub total_redeemed: Balance,
		}

		/// `Vendors` with its version 0 values.
		#[storage_alias]
		pub type Vendors<T: Config> = CountedStorageMap<
			Pallet<T>,
			Blake2_128Concat,
			<T as frame_system::Config>::AccountId,
			VendorInfo<crate::BalanceOf<T>, BlockNumberFor<T>>,
		>;
	}

	/// Gives every vendor a cash-out limit equal to its allowance (nothing cashed out yet in
	/// the current window; the vendor may set its own with `set_cash_out_limit` after the
	/// upgrade), and queues every used receipt for expiry, oldest use first, so that receipts
	/// used before the upgrade are forgotten [`Config::ReceiptLifetime`] blocks after their use
	/// like the ones used after it.
	///
	/// Every vendor (at most [`Config::MaxVendors`]) and every used receipt is read and written
	/// in the upgrade's block, and the receipts are sorted in memory: a chain with more than
	/// some ten thousand used receipts must run it as a multi-block migration
	/// (`pallet-migrations`) instead.
	pub struct InnerMigrateV0ToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV0ToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut vendors: u64 = 0;
			Vendors::<T>::translate::<v0::VendorInfo<_, _>, _>(|_, old| {
				vendors.saturating_inc();
				Some(VendorInfo {
					allowance: old.allowance,
					period: old.period,
					window_start: old.window_start,
					issued_in_window: old.issued_in_window,
					total_issued: old.total_issued,
					total_redeemed: old.total_redeemed,
					cash_out_limit: old.allowance,
					cashed_out_in_window: Zero::zero(),
				})
			});

			let mut receipts: Vec<_> = UsedReceipts::<T>::iter()
				.map(|(vendor, hash, used_at)| (used_at, vendor, hash))
				.collect();
			receipts.sort();
			let queued = receipts.len() as u64;
			let (head, mut tail) = ReceiptQueueRange::<T>::get();
			for (used_at, vendor, hash) in receipts {
				ReceiptQueue::<T>::insert(tail, QueuedReceipt { vendor, hash, used_at });
				tail.saturating_inc();
			}
			ReceiptQueueRange::<T>::put((head, tail));

			T::DbWeight::get().reads_writes(
				vendors.saturating_add(queued).saturating_add(1),
				vendors.saturating_add(queued).saturating_add(1),
			)
		}

		/// The vendors and the number of used receipts before the upgrade.
		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			let vendors: Vec<_> = v0::Vendors::<T>::iter().collect();
			let receipts = UsedReceipts::<T>::iter().count() as u64;
			Ok((vendors, receipts).encode())
		}

		/// Every vendor kept every field and got its allowance as cash-out limit; every used
		/// receipt is queued once.
		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			use frame_support::ensure;
			type Before<T> = (
				Vec<(
					<T as frame_system::Config>::AccountId,
					v0::VendorInfo<
						crate::BalanceOf<T>,
						frame_system::pallet_prelude::BlockNumberFor<T>,
					>,
				)>,
				u64,
			);
			let (vendors, receipts): Before<T> =
				Decode::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
			ensure!(Vendors::<T>::count() as usize == vendors.len(), "the vendor count changed");
			for (who, old) in vendors {
				let new = Vendors::<T>::get(&who).ok_or("a vendor was lost")?;
				ensure!(
					new.allowance == old.allowance
						&& new.period == old.period
						&& new.window_start == old.window_start
						&& new.issued_in_window == old.issued_in_window
						&& new.total_issued == old.total_issued
						&& new.total_redeemed == old.total_redeemed,
					"a vendor's fields changed"
				);
				ensure!(
					new.cash_out_limit == old.allowance && new.cashed_out_in_window.is_zero(),
					"a vendor's cash-out limit is not its allowance"
				);
			}
			let (head, tail) = ReceiptQueueRange::<T>::get();
			ensure!(tail.saturating_sub(head) == receipts, "not every used receipt is queued");
			Ok(())
		}
	}

	/// [`InnerMigrateV0ToV1`], run once from storage version 0 to 1.
	pub type MigrateV0ToV1<T> = VersionedMigration<
		0,
		1,
		InnerMigrateV0ToV1<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
