//! What wallets read of the registry, served by the runtime as the `MetersApi` runtime API:
//! the meters an account owns, paged from the [`OwnerMeters`] index ([`Pallet::meters_of`]),
//! and one meter's record ([`Pallet::meter_view`]).
//!
//! Registration, `set_owner` and decommissioning keep the index (in [`crate::registry`]);
//! `try_state` checks it against [`Meters`].

use crate::pallet::{Config, Meters, OwnerMeters, Pallet};
use alloc::vec::Vec;
use wattcoin_primitives::{
	meters_api::{MeterView, MetersPage, MAX_METERS_PAGE},
	MeterId,
};

impl<T: Config> Pallet<T> {
	/// Up to `limit` (clamped to `1..=`[`MAX_METERS_PAGE`]) of the meters `owner` owns, starting after
	/// the meter `after` (`None`: from the first), in the order of the index's storage keys.
	///
	/// `after` need not be owned any more: the page continues from where its key would be, so a
	/// listing interrupted by a change of owner goes on without repeating a meter. It reads
	/// `limit + 1` keys and no value.
	pub fn meters_of(owner: &T::AccountId, after: Option<MeterId>, limit: u32) -> MetersPage {
		let limit = limit.clamp(1, MAX_METERS_PAGE) as usize;
		let mut keys = match after {
			Some(after) => OwnerMeters::<T>::iter_key_prefix_from(
				owner,
				OwnerMeters::<T>::hashed_key_for(owner, after),
			),
			None => OwnerMeters::<T>::iter_key_prefix(owner),
		};
		let meters: Vec<MeterId> = keys.by_ref().take(limit).collect();
		let next = match (meters.last(), keys.next()) {
			(Some(last), Some(_)) => Some(*last),
			_ => None,
		};
		MetersPage { meters, next }
	}

	/// The registry's record of `meter`, `None` if it is not registered.
	pub fn meter_view(meter: MeterId) -> Option<MeterView<T::AccountId>> {
		let info = Meters::<T>::get(meter)?;
		Some(MeterView {
			operator: info.operator,
			owner: info.owner,
			status: info.status,
			last_seq: info.last_seq,
			last_reading_ms: info.last_at_ms,
			last_cumulative_wh: info.last_cumulative_wh,
			rated_power_w: info.rated_power_w,
		})
	}
}
