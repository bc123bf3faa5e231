//! The runtime API listing the meters an account owns and reading one meter's record.
//!
//! Implemented by the runtime with pallet-meters' `Pallet::meters_of` (its `OwnerMeters`
//! index) and `Pallet::meter_view`; served by `wattcoin-rpc` as `wattcoin_metersOf` and within
//! `wattcoin_meterStatus`, and callable from polkadot.js apps (`api.call.metersApi.metersOf`,
//! `api.call.metersApi.meter`).

use crate::{traits::MeterStatus, MeterId, Moment, WattHours};
use alloc::vec::Vec;
use codec::{Codec, Decode, Encode};
use scale_info::TypeInfo;

/// The most meters one page of [`MetersApi::meters_of`] holds; a larger `limit` is clamped to
/// it (and a `limit` of 0 taken as 1).
pub const MAX_METERS_PAGE: u32 = 1_000;

/// One page of the meters an account owns.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug, Default)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct MetersPage {
	/// Meter ids, in the index's order (the order of their storage keys, not of the ids).
	pub meters: Vec<MeterId>,
	/// Pass this as `after` to get the next page; `None` on the last page.
	pub next: Option<MeterId>,
}

/// What the registry keeps of a meter, as returned by [`MetersApi::meter`].
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
pub struct MeterView<AccountId> {
	/// The operator managing the meter.
	pub operator: AccountId,
	/// The household account owning it.
	pub owner: AccountId,
	/// Whether its readings are accepted.
	pub status: MeterStatus,
	/// `seq` of its last reading taken; 0 before the first.
	pub last_seq: u64,
	/// Timestamp (ms since the Unix epoch) of its last reading billed, or of its baseline; 0
	/// before the first.
	pub last_reading_ms: Moment,
	/// Its register at that reading.
	pub last_cumulative_wh: WattHours,
	/// The most power it can deliver, in watts.
	pub rated_power_w: u32,
}

sp_api::decl_runtime_apis! {
	/// The meters of an owner (pallet-meters).
	pub trait MetersApi<AccountId> where AccountId: Codec {
		/// Up to `limit` (at most [`MAX_METERS_PAGE`]) of the meters `owner` owns at the queried
		/// block, starting after the meter `after` (`None`: from the first). A page shorter than
		/// `limit` may still have a `next`; only `next == None` ends the listing.
		fn meters_of(owner: AccountId, after: Option<MeterId>, limit: u32) -> MetersPage;

		/// The registry's record of `meter` at the queried block, `None` if it is not
		/// registered.
		fn meter(meter: MeterId) -> Option<MeterView<AccountId>>;
	}
}
