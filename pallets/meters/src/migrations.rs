//! Storage migrations of pallet-meters, run by the runtime's `Executive` on upgrade.
//!
//! Each is a [`VersionedMigration`](frame_support::migrations::VersionedMigration): it runs
//! once, when the pallet's on-chain storage version is its `FROM`, and sets it to its `TO`.
//! A chain started from genesis with this code is at the in-code version already and runs
//! none of them. `docs/upgrades.md` tells an operator of the chain how to run an upgrade.

/// Version 1: [`MeterInfo`](crate::MeterInfo) carries the meter's `rated_power_w`.
pub mod v1 {
	use crate::{pallet::Config, MeterInfo, Pallet};
	#[cfg(feature = "try-runtime")]
	use alloc::vec::Vec;
	#[cfg(feature = "try-runtime")]
	use codec::{Decode, Encode};
	use frame_support::{
		migrations::VersionedMigration,
		traits::{Get, UncheckedOnRuntimeUpgrade},
		weights::Weight,
	};
	use sp_runtime::Saturating;

	/// The layouts of version 0.
	pub mod v0 {
		use crate::pallet::{Config, Pallet};
		use codec::{Decode, Encode, MaxEncodedLen};
		use frame_support::{storage_alias, Blake2_128Concat};
		use scale_info::TypeInfo;
		use wattcoin_primitives::{reading::DeviceKey, traits::MeterStatus, MeterId, Moment};

		/// `MeterInfo` before version 1: without `rated_power_w`.
		#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
		pub struct MeterInfo<AccountId> {
			pub operator: AccountId,
			pub owner: AccountId,
			pub key: DeviceKey,
			pub status: MeterStatus,
			pub last_seq: u64,
			pub last_at_ms: Moment,
			pub last_cumulative_wh: u64,
			pub readings_from_ms: Moment,
			pub rebase_allowed: bool,
		}

		/// `Meters` with its version 0 values.
		#[storage_alias]
		pub type Meters<T: Config> = StorageMap<
			Pallet<T>,
			Blake2_128Concat,
			MeterId,
			MeterInfo<<T as frame_system::Config>::AccountId>,
		>;
	}

	/// Gives every meter the runtime's `DefaultRatedPowerW`; its operator may set its own
	/// with `set_rated_power` after the upgrade.
	///
	/// Every meter is read and written in the upgrade's block: about 10,000 meters fit in one
	/// block with the runtime's database weights. A chain with many more must run it as a
	/// multi-block migration (`pallet-migrations`) instead.
	pub struct InnerMigrateV0ToV1<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV0ToV1<T> {
		fn on_runtime_upgrade() -> Weight {
			let rated_power_w = T::DefaultRatedPowerW::get();
			let mut translated: u64 = 0;
			crate::pallet::Meters::<T>::translate::<v0::MeterInfo<T::AccountId>, _>(|_, old| {
				translated.saturating_inc();
				Some(MeterInfo {
					operator: old.operator,
					owner: old.owner,
					key: old.key,
					status: old.status,
					last_seq: old.last_seq,
					last_at_ms: old.last_at_ms,
					last_cumulative_wh: old.last_cumulative_wh,
					readings_from_ms: old.readings_from_ms,
					rebase_allowed: old.rebase_allowed,
					rated_power_w,
				})
			});
			log::info!(
				target: crate::LOG_TARGET,
				"migrated {translated} meters to storage version 1 (rated power {rated_power_w} W)"
			);
			T::DbWeight::get().reads_writes(translated, translated)
		}

		/// The meters before the upgrade, to compare with after it.
		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			let meters: Vec<_> = v0::Meters::<T>::iter().collect();
			Ok(meters.encode())
		}

		/// Every meter is still there with every field as it was, and the default rated power.
		#[cfg(feature = "try-runtime")]
		fn post_upgrade(state: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			use frame_support::ensure;
			let before: Vec<(wattcoin_primitives::MeterId, v0::MeterInfo<T::AccountId>)> =
				Decode::decode(&mut &state[..]).map_err(|_| "pre_upgrade state does not decode")?;
			ensure!(
				crate::pallet::Meters::<T>::iter().count() == before.len(),
				"the number of meters changed"
			);
			for (meter, old) in before {
				let new = crate::pallet::Meters::<T>::get(meter).ok_or("a meter was lost")?;
				ensure!(
					new.operator == old.operator
						&& new.owner == old.owner
						&& new.key == old.key
						&& new.status == old.status
						&& new.last_seq == old.last_seq
						&& new.last_at_ms == old.last_at_ms
						&& new.last_cumulative_wh == old.last_cumulative_wh
						&& new.readings_from_ms == old.readings_from_ms
						&& new.rebase_allowed == old.rebase_allowed,
					"a meter's fields changed"
				);
				ensure!(
					new.rated_power_w == T::DefaultRatedPowerW::get(),
					"a meter was not given the default rated power"
				);
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

/// Version 2: the index of the meters each account owns, [`OwnerMeters`](crate::OwnerMeters).
pub mod v2 {
	use crate::{
		pallet::{Config, Meters, OwnerMeters},
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

	/// Indexes every registered meter under its owner.
	///
	/// Every meter is read and one key written per meter in the upgrade's block: 34 µs a meter
	/// at the runtime's database weights (`docs/benchmarks.md`), so about 50,000 meters fit in
	/// the block's 2 s. A chain with more must run it as a multi-block migration
	/// (`pallet-migrations`) instead.
	pub struct InnerMigrateV1ToV2<T>(core::marker::PhantomData<T>);

	impl<T: Config> UncheckedOnRuntimeUpgrade for InnerMigrateV1ToV2<T> {
		fn on_runtime_upgrade() -> Weight {
			let mut indexed: u64 = 0;
			for (meter, info) in Meters::<T>::iter() {
				OwnerMeters::<T>::insert(&info.owner, meter, ());
				indexed.saturating_inc();
			}
			log::info!(
				target: crate::LOG_TARGET,
				"indexed {indexed} meters under their owners (storage version 2)"
			);
			T::DbWeight::get().reads_writes(indexed, indexed)
		}

		/// The index is empty before the upgrade (nothing wrote it yet).
		#[cfg(feature = "try-runtime")]
		fn pre_upgrade() -> Result<Vec<u8>, sp_runtime::TryRuntimeError> {
			frame_support::ensure!(
				OwnerMeters::<T>::iter_keys().next().is_none(),
				"the owner index exists before its migration"
			);
			Ok(Vec::new())
		}

		/// Every meter is indexed under its owner and nothing else is (`try_state` checks the
		/// same after every block).
		#[cfg(feature = "try-runtime")]
		fn post_upgrade(_: Vec<u8>) -> Result<(), sp_runtime::TryRuntimeError> {
			let mut indexed = 0usize;
			for (owner, meter) in OwnerMeters::<T>::iter_keys() {
				indexed = indexed.saturating_add(1);
				frame_support::ensure!(
					Meters::<T>::get(meter).is_some_and(|info| info.owner == owner),
					"a meter is indexed under an account that does not own it"
				);
			}
			frame_support::ensure!(
				indexed == Meters::<T>::iter_keys().count(),
				"not every meter is indexed"
			);
			Ok(())
		}
	}

	/// [`InnerMigrateV1ToV2`], run once from storage version 1 to 2.
	pub type MigrateV1ToV2<T> = VersionedMigration<
		1,
		2,
		InnerMigrateV1ToV2<T>,
		Pallet<T>,
		<T as frame_system::Config>::DbWeight,
	>;
}
