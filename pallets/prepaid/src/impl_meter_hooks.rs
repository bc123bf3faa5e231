//! What pallet-meters calls: [`OnConsumption`] for each accepted reading's energy, and
//! [`MeterLifecycle`] when a meter is registered, changes owner or is decommissioned.

use crate::{pallet::*, weights::WeightInfo, BillingBatch};
use frame_support::pallet_prelude::*;
use wattcoin_primitives::{
	traits::{Consumption, MeterLifecycle, OnConsumption},
	MeterId,
};

/// How many tariffs (and operators) the readings of an ordinary batch are on: its first
/// reading on each pays for the tariff's read and the revenue's read and write
/// ([`BillingBatch`]).
pub const ORDINARY_BATCH_TARIFFS: u32 = 4;

impl<T: Config> OnConsumption<T::AccountId> for Pallet<T> {
	type Batch = BillingBatch<T::AccountId>;

	fn on_consumption(
		consumption: &Consumption,
		operator: &T::AccountId,
		batch: &mut BillingBatch<T::AccountId>,
	) -> Weight {
		Self::bill(consumption, operator, batch)
	}

	fn max_weight() -> Weight {
		T::WeightInfo::on_consumption()
			.max(T::WeightInfo::on_consumption_same_tariff(T::MaxTariffVersions::get()))
			.max(T::WeightInfo::on_consumption_unbilled())
	}

	/// Readings on tariffs of one version, no switch due and no change of supply state (how
	/// most meters are billed), on at most [`ORDINARY_BATCH_TARIFFS`] tariffs and operators:
	/// the first reading on each pays for the storage the next ones share.
	fn ordinary_weight(n: u32) -> Weight {
		let shared = Self::shared_tariff_read().saturating_add(Self::shared_revenue_access());
		let first = T::WeightInfo::on_consumption_same_tariff(1)
			.saturating_sub(Self::supply_order_write())
			.max(T::WeightInfo::on_consumption_unbilled());
		let next = first.saturating_sub(shared).max(T::WeightInfo::on_consumption_unbilled());
		let firsts = n.min(ORDINARY_BATCH_TARIFFS);
		first
			.saturating_mul(firsts.into())
			.saturating_add(next.saturating_mul(n.saturating_sub(firsts).into()))
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
