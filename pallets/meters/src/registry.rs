//! The registry's plumbing: the genesis hash readings are signed for, registering a meter (for
//! `register_meter` and the genesis build), changing its owner, decommissioning it, moving it to
//! another operator, applying an operator's change to its own meter, the latest time a reading
//! may carry, and the [`MeterRegistry`] other pallets read.

use crate::{
	pallet::{
		Config, Error, Event, MetadataOf, MeterCount, MeterMetadata, Meters, Operators,
		OwnerMeters, Pallet,
	},
	MeterInfo,
};
use frame_support::{pallet_prelude::*, traits::Time};
use frame_system::pallet_prelude::*;
use sp_core::H256;
use sp_runtime::traits::Zero;
use wattcoin_primitives::{
	reading::DeviceKey,
	traits::{MeterLifecycle, MeterRegistry, MeterStatus},
	MeterId, Moment,
};

impl<T: Config> Pallet<T> {
	/// The genesis hash readings must be signed for.
	///
	/// It is the real genesis hash from block 1 on (frame-system stores a placeholder at
	/// genesis, replaced when block 1 is initialised).
	pub fn genesis_hash() -> H256 {
		let hash = frame_system::BlockHash::<T>::get(BlockNumberFor::<T>::zero());
		let bytes = hash.as_ref();
		if bytes.len() == 32 {
			H256::from_slice(bytes)
		} else {
			// `integrity_test` checks the hash is 32 bytes; a zero hash verifies nothing.
			frame_support::defensive!("the block hash is 32 bytes");
			H256::zero()
		}
	}

	/// Registers a meter (the checks and effects of `register_meter`, also used by the
	/// genesis build).
	pub(crate) fn do_register(
		meter: MeterId,
		key: DeviceKey,
		owner: T::AccountId,
		operator: T::AccountId,
		metadata: MetadataOf<T>,
	) -> DispatchResult {
		let mut operator_info = Operators::<T>::get(&operator).ok_or(Error::<T>::NotOperator)?;
		ensure!(!Meters::<T>::contains_key(meter), Error::<T>::MeterExists);
		operator_info.meters =
			operator_info.meters.checked_add(1).ok_or(Error::<T>::TooManyMeters)?;
		let count = MeterCount::<T>::get().checked_add(1).ok_or(Error::<T>::TooManyMeters)?;

		Operators::<T>::insert(&operator, operator_info);
		MeterCount::<T>::put(count);
		Meters::<T>::insert(
			meter,
			MeterInfo::new(
				operator.clone(),
				owner.clone(),
				key,
				T::Time::now(),
				T::DefaultRatedPowerW::get(),
			),
		);
		OwnerMeters::<T>::insert(&owner, meter, ());
		if !metadata.is_empty() {
			MeterMetadata::<T>::insert(meter, metadata);
		}
		T::Lifecycle::on_registered(meter, &owner);
		Self::deposit_event(Event::MeterRegistered { meter, operator, owner, key });
		Ok(())
	}

	/// Makes `new_owner` the owner of `meter`, managed by `who` (`set_owner`).
	pub(crate) fn do_set_owner(
		who: &T::AccountId,
		meter: MeterId,
		new_owner: T::AccountId,
	) -> DispatchResult {
		Self::mutate_own_meter(who, meter, |info| {
			ensure!(info.status != MeterStatus::Implausible, Error::<T>::ReadingUnderReview);
			if info.owner != new_owner {
				T::Lifecycle::on_owner_change(meter, &info.owner, &new_owner)?;
				OwnerMeters::<T>::remove(&info.owner, meter);
				OwnerMeters::<T>::insert(&new_owner, meter, ());
			}
			let old_owner = core::mem::replace(&mut info.owner, new_owner.clone());
			Ok(Event::OwnerChanged { meter, old_owner, new_owner })
		})
	}

	/// Decommissions `meter`, managed by `who` (`decommission`): settled by
	/// `T::Lifecycle::on_decommission` first, then every trace of it removed.
	pub(crate) fn do_decommission(who: &T::AccountId, meter: MeterId) -> DispatchResult {
		let info = Meters::<T>::get(meter).ok_or(Error::<T>::UnknownMeter)?;
		ensure!(&info.operator == who, Error::<T>::NotMeterOperator);
		ensure!(info.status != MeterStatus::Implausible, Error::<T>::ReadingUnderReview);
		T::Lifecycle::on_decommission(meter, &info.owner)?;
		Meters::<T>::remove(meter);
		MeterMetadata::<T>::remove(meter);
		OwnerMeters::<T>::remove(&info.owner, meter);
		MeterCount::<T>::mutate(|count| *count = count.saturating_sub(1));
		Self::forget_operator_meter(&info.operator);
		Self::deposit_event(Event::MeterDecommissioned { meter, operator: info.operator });
		Ok(())
	}

	/// Moves `meter` to the licensed operator `to` (`force_transfer_meter`).
	pub(crate) fn do_force_transfer(meter: MeterId, to: T::AccountId) -> DispatchResult {
		let mut info = Meters::<T>::get(meter).ok_or(Error::<T>::UnknownMeter)?;
		ensure!(info.operator != to, Error::<T>::SameOperator);
		let mut new_operator = Operators::<T>::get(&to).ok_or(Error::<T>::NotOperator)?;
		new_operator.meters =
			new_operator.meters.checked_add(1).ok_or(Error::<T>::TooManyMeters)?;
		Operators::<T>::insert(&to, new_operator);
		Self::forget_operator_meter(&info.operator);
		let from = core::mem::replace(&mut info.operator, to.clone());
		Meters::<T>::insert(meter, info);
		Self::deposit_event(Event::MeterTransferred { meter, from, to });
		Ok(())
	}

	/// One meter fewer for `operator` to manage.
	fn forget_operator_meter(operator: &T::AccountId) {
		Operators::<T>::mutate(operator, |operator| match operator {
			Some(operator) => operator.meters = operator.meters.saturating_sub(1),
			None => {
				frame_support::defensive!("a meter's operator is always licensed");
			},
		});
	}

	/// Applies `f` to the meter `meter` managed by `who` and deposits the event it
	/// returns; nothing is written if it fails.
	pub(crate) fn mutate_own_meter(
		who: &T::AccountId,
		meter: MeterId,
		f: impl FnOnce(&mut MeterInfo<T::AccountId>) -> Result<Event<T>, DispatchError>,
	) -> DispatchResult {
		let mut info = Meters::<T>::get(meter).ok_or(Error::<T>::UnknownMeter)?;
		ensure!(&info.operator == who, Error::<T>::NotMeterOperator);
		let event = f(&mut info)?;
		Meters::<T>::insert(meter, info);
		Self::deposit_event(event);
		Ok(())
	}

	/// The latest timestamp a reading may carry now.
	pub(crate) fn latest_acceptable_ms() -> Moment {
		T::Time::now().saturating_add(T::MaxClockSkewMs::get())
	}
}

impl<T: Config> MeterRegistry<T::AccountId> for Pallet<T> {
	fn is_operator(who: &T::AccountId) -> bool {
		Operators::<T>::contains_key(who)
	}

	fn meter(meter: MeterId) -> Option<wattcoin_primitives::traits::MeterSummary<T::AccountId>> {
		Meters::<T>::get(meter).map(|info| info.summary())
	}
}
