//! What pallet-meters calls: [`OnConsumption`] for each accepted reading's energy, and
//! [`MeterLifecycle`] when a meter is registered, changes owner or is decommissioned.

use crate::{pallet::*, weights::WeightInfo};
use frame_support::pallet_prelude::*;
use wattcoin_primitives::{
	traits::{Consumption, MeterLifecycle, OnConsumption},
	MeterId,
};

impl<T: Config> OnConsumption<T::AccountId> for Pallet<T> {
	fn on_consumption(consumption: &Consumption, operator: &T::AccountId) -> Weight {
		Self::bill(consumption, operator)
	}

	fn max_weight() -> Weight {
		T::WeightInfo::on_consumption()
			.max(T::WeightInfo::on_consumption_same_tariff(T::MaxTariffVersions::get()))
			.max(T::WeightInfo::on_consumption_unbilled())
	}

	/// A reading on a tariff of one version, no switch due and no change of supply state: how
	/// most meters are billed.
	fn ordinary_weight() -> Weight {
		T::WeightInfo::on_consumption_same_tariff(1)
			.saturating_sub(Self::supply_order_write())
			.max(T::WeightInfo::on_consumption_unbilled())
	}
}

impl<T: Config> MeterLifecycle<T::AccountId> for Pallet<T> {
	fn on_registered(meter: MeterId, _owner: &T::AccountId) {
		if !MeterAccounts::<T>::contains_key(meter) {
			MeterAccounts::<T>::insert(meter, MeterAccountOf::<T>::default());
		}
	}

	fn on_decommission(meter: MeterId, owner: &T::AccountId) -> DispatchResult {
		Self::close(meter, owner)
	}

	fn on_owner_change(
		meter: MeterId,
		old_owner: &T::AccountId,
		_new_owner: &T::AccountId,
	) -> DispatchResult {
		Self::end_tenancy(meter, old_owner)
	}

	fn max_weight() -> Weight {
		T::WeightInfo::on_registered()
			.max(T::WeightInfo::on_decommission())
			.max(T::WeightInfo::on_owner_change())
	}
}
