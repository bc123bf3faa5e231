//! The runtime API reporting a meter's prepaid status and what energy costs it.
//!
//! Implemented by the runtime with pallet-prepaid's `Pallet::meter_status` and `Pallet::quote`;
//! served by `wattcoin-rpc` as `wattcoin_meterStatus` and `wattcoin_quote`, and callable from
//! polkadot.js apps (`api.call.prepaidApi.meterStatus`, `api.call.prepaidApi.quote`).
//! Amounts are in WATT's smallest unit (12 decimals), energy in watt-hours, times in
//! milliseconds since the Unix epoch.

use crate::{MeterId, Moment, WattHours};
use alloc::vec::Vec;
use codec::{Codec, Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;

/// Identifier of a tariff, assigned by pallet-prepaid from a counter.
pub type TariffId = u32;

/// The supply state of a prepaid meter: what the chain orders its switch to be.
///
/// `Connected -> LowCredit -> Emergency -> Disconnected` as credit runs down, and back to
/// `Connected` or `LowCredit` when the meter is topped up.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	Default,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
pub enum SupplyState {
	/// Supply on, credit at or above the tariff's low-credit threshold.
	#[default]
	Connected,
	/// Supply on, credit below the low-credit threshold (or exhausted inside friendly hours).
	LowCredit,
	/// Supply on, running on (or protected after) the emergency credit the owner took.
	Emergency,
	/// Supply off: credit and emergency credit exhausted outside friendly hours.
	Disconnected,
}

/// The tariff a meter is billed at now.
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct TariffInForce<Balance> {
	/// The tariff.
	pub id: TariffId,
	/// When the version of the tariff now in force took effect.
	pub effective_from: Moment,
	/// Price of the next kWh now: the time-of-use band's (or base) price plus the adder of
	/// the inclining block the meter is in.
	pub price_per_kwh_now: Balance,
	/// Daily standing charge now in force.
	pub standing_charge_per_day: Balance,
	/// When the next scheduled change (a new tariff version, or a switch to another tariff)
	/// takes effect, if one is scheduled.
	pub next_change: Option<Moment>,
}

/// A meter's prepaid status, as returned by [`PrepaidApi::meter_status`].
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct PrepaidStatus<Balance> {
	/// Prepaid credit held for the meter.
	pub credit: Balance,
	/// Debt owed to the operator (consumption inside friendly hours or after the emergency
	/// credit ran out, standing charges while off supply), recovered from top-ups.
	pub debt: Balance,
	/// Emergency credit used and not yet repaid.
	pub emergency_credit_used: Balance,
	/// Emergency credit still available: what remains of the credit taken, or the tariff's
	/// allowance if none is taken.
	pub emergency_credit_available: Balance,
	/// The supply state ordered by the chain.
	pub supply: SupplyState,
	/// The tariff in force, `None` if the meter has no tariff (its energy is recorded as
	/// unbilled).
	pub tariff: Option<TariffInForce<Balance>>,
	/// Energy the credit buys at the current price (`None`: no tariff or a zero price).
	pub credit_buys_wh: Option<WattHours>,
	/// Average daily cost: the recent energy cost per day plus the standing charge.
	pub average_daily_cost: Balance,
	/// Whole days the credit lasts at the average daily cost (`None`: no cost recorded yet).
	pub projected_days_left: Option<u32>,
	/// Timestamp of the last reading billed.
	pub last_billed_ms: Option<Moment>,
	/// Energy recorded while the meter had no tariff.
	pub unbilled_wh: WattHours,
}

/// What an amount of energy costs a meter now, as returned by [`PrepaidApi::quote`].
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct Quote<Balance> {
	/// The tariff the energy is priced at: the one in force for the meter now.
	pub tariff: TariffId,
	/// The energy quoted.
	pub energy_wh: WattHours,
	/// What the energy costs if consumed now: each kWh at this hour's price (time-of-use band
	/// or base price) plus the adders of the inclining blocks it fills, counting on from the
	/// meter's consumption this month. Rounded down to WATT's smallest unit, as billing does
	/// (billing carries the fraction to the next reading). Standing charges are not included.
	pub cost: Balance,
	/// Whether the meter's credit covers `cost`.
	pub covered_by_credit: bool,
}

/// A change of a meter's terms announced for later, as listed by
/// [`PrepaidApi::announced_changes`].
#[derive(Clone, PartialEq, Eq, Encode, Decode, TypeInfo, Debug)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(rename_all = "camelCase"))]
pub struct AnnouncedChange<Balance> {
	/// When it takes effect (ms since the Unix epoch).
	pub effective_from: Moment,
	/// The tariff the meter is billed at from then on.
	pub tariff: TariffId,
	/// `true`: the meter switches to another tariff; `false`: a new version of its tariff.
	pub switch: bool,
	/// The base price of a kWh from then on (time-of-use bands may differ).
	pub price_per_kwh: Balance,
	/// The daily standing charge from then on.
	pub standing_charge_per_day: Balance,
}

sp_api::decl_runtime_apis! {
	/// Prepaid status of meters (pallet-prepaid).
	///
	/// Version 2 added [`PrepaidApi::quote`] and [`PrepaidApi::announced_changes`].
	#[api_version(2)]
	pub trait PrepaidApi<Balance> where Balance: Codec {
		/// The meter's prepaid status at the queried block, `None` if it is not registered.
		fn meter_status(meter: MeterId) -> Option<PrepaidStatus<Balance>>;

		/// What `energy_wh` costs the meter at the queried block; `None` if the meter is not
		/// registered or has no tariff in force.
		#[api_version(2)]
		fn quote(meter: MeterId, energy_wh: WattHours) -> Option<Quote<Balance>>;

		/// The changes of the meter's terms announced after the queried block's time, by time:
		/// new versions of its tariff and a switch to another tariff (with that tariff's
		/// versions after the switch). Empty if there are none or the meter is unknown.
		#[api_version(2)]
		fn announced_changes(meter: MeterId) -> Vec<AnnouncedChange<Balance>>;
	}
}
