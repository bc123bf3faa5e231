//! The meter's supply (relay) state: `Connected -> LowCredit -> Emergency -> Disconnected`
//! and back, decided by `pricing::relay_state` from credit, emergency credit and friendly
//! hours, with an event for every change.

use crate::{pallet::*, pricing, types::*};
use sp_runtime::traits::{SaturatedConversion, Saturating};
use wattcoin_primitives::{MeterId, Moment};

impl<T: Config> Pallet<T> {
	/// The relay state `account` must be in under `params` at time `at`.
	pub(crate) fn target_relay(
		account: &MeterAccountOf<T>,
		params: &TariffParamsOf<T>,
		at: Moment,
	) -> RelayState {
		pricing::relay_state(
			account.relay,
			account.credit.saturated_into(),
			params.low_credit_threshold.saturated_into(),
			account.emergency_granted.saturating_sub(account.emergency_used).saturated_into(),
			pricing::is_friendly(params.friendly_hours, params.utc_offset_minutes, at),
		)
	}

	/// Moves the relay to the state it must be in, with an event if it changes.
	pub(crate) fn set_relay(
		meter: MeterId,
		account: &mut MeterAccountOf<T>,
		params: &TariffParamsOf<T>,
		at: Moment,
	) {
		let to = Self::target_relay(account, params, at);
		if to != account.relay {
			Self::deposit_event(Event::RelayChanged { meter, from: account.relay, to });
			account.relay = to;
		}
	}
}
