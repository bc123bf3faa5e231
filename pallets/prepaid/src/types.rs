//! Storage and call types of pallet-prepaid.
//!
//! Everything here is bounded (`MaxEncodedLen`): a tariff holds at most `MaxTariffVersions`
//! versions of at most `MaxBands` time-of-use bands and `MaxTiers` inclining blocks; a
//! meter's billing state is a fixed-size record.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use frame_support::{
	traits::Get, BoundedVec, CloneNoBound, DebugNoBound, Deserialize, EqNoBound, PartialEqNoBound,
	Serialize,
};
use scale_info::TypeInfo;
use wattcoin_primitives::{Moment, WattHours};

pub use wattcoin_primitives::prepaid_api::{SupplyState, TariffId};

/// A time-of-use band: hours of the day (in the tariff's local time) with their own price.
///
/// The band covers the hours `h` with `start_hour <= h < end_hour`; when
/// `start_hour > end_hour` it wraps midnight (`22..6` covers 22:00 to 06:00). Bands of one
/// tariff must not overlap; hours outside every band are priced at the base price.
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
	Serialize,
	Deserialize,
)]
#[serde(crate = "frame_support::__private::serde", rename_all = "camelCase")]
pub struct Band<Balance> {
	/// First hour of the band, `0..=23`.
	pub start_hour: u8,
	/// Hour the band ends (exclusive), `0..=24`, different from `start_hour`.
	pub end_hour: u8,
	/// Price per kWh inside the band, replacing the base price.
	pub price_per_kwh: Balance,
}

/// An inclining block: energy consumed in a billing month beyond `from_wh` costs
/// `adder_per_kwh` more per kWh (added to the base or band price).
///
/// Tiers are sorted by strictly increasing `from_wh` and non-decreasing adders (blocks
/// incline: the more energy, the dearer); each applies up to the next one's threshold, the
/// last one without limit. The adder of the tier reached replaces the lower tiers' adders.
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
	Serialize,
	Deserialize,
)]
#[serde(crate = "frame_support::__private::serde", rename_all = "camelCase")]
pub struct Tier<Balance> {
	/// Cumulative energy of the billing month from which this block applies.
	pub from_wh: WattHours,
	/// Price added per kWh of energy in this block.
	pub adder_per_kwh: Balance,
}

/// Hours in which a meter is never disconnected (consumption there accrues debt instead),
/// in the tariff's local time.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Default,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
	Serialize,
	Deserialize,
)]
#[serde(crate = "frame_support::__private::serde", rename_all = "camelCase")]
pub struct FriendlyHours {
	/// Bit `h` (0..=23) set: the hour `h:00..h:59` of every day is friendly.
	/// For example `0x0000_007F | 0x00C0_0000` is 22:00 to 07:00.
	pub hours: u32,
	/// Bit `d` (0 = Monday .. 6 = Sunday) set: the whole weekday is friendly.
	/// For example `0b110_0000` is Saturday and Sunday.
	pub weekdays: u8,
}

/// The terms of one tariff version.
#[derive(
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	CloneNoBound,
	PartialEqNoBound,
	EqNoBound,
	DebugNoBound,
	Serialize,
	Deserialize,
)]
#[scale_info(skip_type_params(MaxBands, MaxTiers))]
#[codec(mel_bound(Balance: MaxEncodedLen))]
#[serde(
	crate = "frame_support::__private::serde",
	rename_all = "camelCase",
	bound(serialize = "Balance: Serialize", deserialize = "Balance: Deserialize<'de>")
)]
pub struct TariffParams<Balance, MaxBands, MaxTiers>
where
	Balance: Clone + PartialEq + Eq + Debug,
	MaxBands: Get<u32>,
	MaxTiers: Get<u32>,
{
	/// Price per kWh outside every time-of-use band, in WATT's smallest unit.
	pub price_per_kwh: Balance,
	/// Charged once per elapsed day of the meter's assignment.
	pub standing_charge_per_day: Balance,
	/// Offset of the tariff's local time from UTC in minutes (`-720..=840`, a multiple of
	/// 15). Bands, friendly hours and billing months are in this local time.
	pub utc_offset_minutes: i16,
	/// Time-of-use bands, not overlapping.
	pub bands: BoundedVec<Band<Balance>, MaxBands>,
	/// Inclining-block tiers over the calendar month's cumulative energy.
	pub tiers: BoundedVec<Tier<Balance>, MaxTiers>,
	/// Credit below which the supply state is `LowCredit`.
	pub low_credit_threshold: Balance,
	/// Emergency credit the meter's owner may take when credit is low (0: none).
	pub emergency_credit: Balance,
	/// Hours in which the meter is never disconnected.
	pub friendly_hours: FriendlyHours,
}

/// A tariff version and the time from which it is in force.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(MaxBands, MaxTiers))]
#[codec(mel_bound(Balance: MaxEncodedLen))]
pub struct TariffVersion<
	Balance: Clone + PartialEq + Eq + Debug,
	MaxBands: Get<u32>,
	MaxTiers: Get<u32>,
> {
	/// In force from this time (ms since the Unix epoch) until the next version's.
	pub effective_from: Moment,
	/// The terms.
	pub params: TariffParams<Balance, MaxBands, MaxTiers>,
}

/// A tariff: an operator's price list with its retained history and scheduled changes.
#[derive(
	Encode, Decode, MaxEncodedLen, TypeInfo, CloneNoBound, PartialEqNoBound, EqNoBound, DebugNoBound,
)]
#[scale_info(skip_type_params(MaxBands, MaxTiers, MaxVersions))]
#[codec(mel_bound(AccountId: MaxEncodedLen, Balance: MaxEncodedLen))]
pub struct Tariff<
	AccountId: Clone + PartialEq + Eq + Debug,
	Balance: Clone + PartialEq + Eq + Debug,
	MaxBands: Get<u32>,
	MaxTiers: Get<u32>,
	MaxVersions: Get<u32>,
> {
	/// The operator that owns the tariff and is paid for the energy billed at it.
	pub operator: AccountId,
	/// Versions by strictly increasing `effective_from`; never empty. The first one also
	/// prices any time before its `effective_from`.
	pub versions: BoundedVec<TariffVersion<Balance, MaxBands, MaxTiers>, MaxVersions>,
	/// Meters assigned to the tariff, or scheduled to switch to it.
	pub meters: u32,
}

impl<AccountId, Balance, MaxBands, MaxTiers, MaxVersions>
	Tariff<AccountId, Balance, MaxBands, MaxTiers, MaxVersions>
where
	AccountId: Clone + PartialEq + Eq + Debug,
	Balance: Clone + PartialEq + Eq + Debug,
	MaxBands: Get<u32>,
	MaxTiers: Get<u32>,
	MaxVersions: Get<u32>,
{
	/// Index of the version in force at `at` (the first one for times before it).
	pub fn index_at(&self, at: Moment) -> usize {
		self.versions.iter().rposition(|v| v.effective_from <= at).unwrap_or(0)
	}

	/// The version in force at `at`, `None` only for a (corrupt) tariff without versions.
	pub fn version_at(&self, at: Moment) -> Option<&TariffVersion<Balance, MaxBands, MaxTiers>> {
		self.versions.get(self.index_at(at))
	}

	/// The first version taking effect after `at`.
	pub fn next_change_after(&self, at: Moment) -> Option<Moment> {
		self.versions.iter().map(|v| v.effective_from).find(|from| *from > at)
	}
}

/// The calendar month a meter's inclining-block energy is counted in, and the energy.
#[derive(Clone, Copy, PartialEq, Eq, Default, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct TierCounter {
	/// Month index `year * 12 + month - 1` in the tariff's local time (0: none yet).
	pub period: u32,
	/// Energy counted in that month.
	pub wh: WattHours,
}

/// Billing state of one meter.
#[derive(Clone, Copy, PartialEq, Eq, Default, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct MeterAccount<Balance> {
	/// The tariff the meter is billed at; `None`: energy is recorded as unbilled.
	pub tariff: Option<TariffId>,
	/// A scheduled switch to another tariff of the operator, from the given time.
	pub next_tariff: Option<(TariffId, Moment)>,
	/// Prepaid credit, held in the pallet's pot.
	pub credit: Balance,
	/// Owed to the operator, recovered from top-ups.
	pub debt: Balance,
	/// Emergency credit taken by the owner and still usable or owed (0: none taken). A
	/// top-up lowers it to `emergency_used`: the unused part lapses, repaying does not reopen it.
	pub emergency_granted: Balance,
	/// Part of `emergency_granted` consumed and not yet repaid.
	pub emergency_used: Balance,
	/// Supply state last ordered.
	pub supply: SupplyState,
	/// Thousandths of the smallest unit priced but not yet debited (`< 1000`).
	pub remainder_milli: u16,
	/// Standing charges are paid for every day up to this time.
	pub standing_paid_until: Moment,
	/// Inclining-block energy of the current billing month.
	pub tier_counter: TierCounter,
	/// Moving average of the energy cost per day (over about a week).
	pub daily_energy_cost: Balance,
	/// Billing covers energy up to this time: the end of the last billed reading, or the
	/// meter's first assignment to a tariff (0: neither yet).
	pub last_billed: Moment,
	/// Energy consumed while the meter had no tariff (before its first assignment).
	pub unbilled_wh: WattHours,
}
