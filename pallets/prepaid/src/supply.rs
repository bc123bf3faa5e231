//! The meter's supply state: `Connected -> LowCredit -> Emergency -> Disconnected` and back,
//! decided by `pricing::supply_state` from credit, emergency credit and the protection rules,
//! with an event for every change.
//!
//! A disconnection is ordered only at a **chain time** outside the tariff's friendly hours,
//! and only on information at most [`Config::MaxDisconnectionLag`] old: a backlog of readings
//! uploaded after an outage, or a meter whose clock runs behind, never cuts a household off.
//! Top-ups, emergency credit and readings are all judged on the same time base, the block's.
//!
//! Every change is also published in [`SupplyOrders`], the entry a meter proves its supply
//! command against.

use crate::{pallet::*, pricing, types::*};
use frame_support::traits::Get;
use sp_runtime::traits::{SaturatedConversion, Saturating};
use wattcoin_primitives::{MeterId, Moment};

impl<T: Config> Pallet<T> {
	/// Whether no disconnection may be ordered now on information measured at `as_of`: the
	/// chain's time is inside the friendly hours of `params`, or `as_of` is more than
	/// `MaxDisconnectionLag` ago.
	pub(crate) fn protected(params: &TariffParamsOf<T>, as_of: Moment) -> bool {
		let now = Self::now();
		pricing::is_friendly(params.friendly_hours, params.utc_offset_minutes, now)
			|| now.saturating_sub(as_of) > T::MaxDisconnectionLag::get()
	}

	/// The supply state `account` must be in under `params`; `protected`: no disconnection
	/// may be ordered.
	pub(crate) fn target_supply(
		account: &MeterAccountOf<T>,
		params: &TariffParamsOf<T>,
		protected: bool,
	) -> SupplyState {
		pricing::supply_state(
			account.supply,
			account.credit.saturated_into(),
			params.low_credit_threshold.saturated_into(),
			account.emergency_granted.saturating_sub(account.emergency_used).saturated_into(),
			protected,
		)
	}

	/// Moves the supply to the state it must be in now, on information measured at `as_of`
	/// (a reading's end, or now for a call), with an event if it changes; returns whether it
	/// changed.
	pub(crate) fn set_supply(
		meter: MeterId,
		account: &mut MeterAccountOf<T>,
		params: &TariffParamsOf<T>,
		as_of: Moment,
	) -> bool {
		let to = Self::target_supply(account, params, Self::protected(params, as_of));
		let changed = to != account.supply;
		if changed {
			if account.supply == SupplyState::Disconnected && account.standing_paid_until != 0 {
				// Standing charges start again at the reconnection: none for the days off.
				account.standing_paid_until = account.standing_paid_until.max(Self::now());
			}
			Self::deposit_event(Event::SupplyChanged { meter, from: account.supply, to });
			account.supply = to;
			Self::order_supply(meter, to);
		}
		changed
	}

	/// The write of a [`SupplyOrders`] entry: counted in the billing benchmarks (their worst
	/// case changes the supply state), not done by a reading that leaves it as it is.
	pub(crate) fn supply_order_write() -> frame_support::weights::Weight {
		T::DbWeight::get().writes(1)
	}

	/// Publishes `supply` for the meter to read ([`SupplyOrders`]): an entry unless it is
	/// `Connected`.
	pub(crate) fn order_supply(meter: MeterId, supply: SupplyState) {
		if supply == SupplyState::Connected {
			SupplyOrders::<T>::remove(meter);
		} else {
			SupplyOrders::<T>::insert(meter, supply);
		}
	}
}
