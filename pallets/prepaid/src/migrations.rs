//! Storage migrations of pallet-prepaid, run by the runtime's `Executive` on upgrade.
//!
//! Each is a [`VersionedMigration`](frame_support::migrations::VersionedMigration): it runs
//! once, when the pallet's on-chain storage version is its `FROM`, and sets it to its `TO`.
//! `docs/upgrades.md` tells an operator of the chain how to run an upgrade.

/// Version 1: [`SupplyOrders`](crate::SupplyOrders) publishes the supply state of every meter
/// not `Connected`, for the meters' supply commands.
pub mod v1 {
	use crate::{
		pallet::{Config, MeterAccounts, SupplyOrders},
		Pallet,
	};
	#[cfg(feature = "try-runtime")]
	use alloc::vec::Vec;
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use sp_runtime::Saturating;
	use wattcoin_primitives::prepaid_api::SupplyState;

	/// Publishes the supply state of every meter not `Connected`.
	///
	/// Every meter account is read in the upgrade's block (one read each, a write for the few
	/// not connected): about 9.7 µs a meter at the runtime's database weights, so some 150,000
	/// meters fit in a block's 2 s; a chain with more must run it as a multi-block migration.
	pub struct InnerMigrateV0ToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV0ToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let (mut read, mut written) = (0u64, 0u64);
			for (meter, account) in MeterAccounts::<T>::iter() {
				read.saturating_inc();
				if account.supply != SupplyState::Connected {
					SupplyOrders::<T>::insert(meter, account.supply);
					written.saturating_inc();
				}
			}
			log::info!(
				target: crate::LOG_TARGET,
				"published the supply state of {written} of {read} meters (storage version 1)"
			);
			T::DbWeight::get().reads_writes(read, written)
		}

		/// Nothing is published before the upgrade.
		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			frame_support::ensure!(
				SupplyOrders::<T>::iter_keys().next().is_none(),
				"supply orders exist before their migration"
			);
			Ok(Vec::new())
		}

		/// Every meter's supply state is published exactly when it is not `Connected`.
		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			for (meter, account) in MeterAccounts::<T>::iter() {
				let ordered = SupplyOrders::<T>::get(meter).unwrap_or(SupplyState::Connected);
				frame_support::ensure!(ordered == account.supply, "a supply state not published");
			}
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
