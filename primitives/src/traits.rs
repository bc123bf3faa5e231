//! The seams between the Wattcoin pallets.
//!
//! pallet-meters owns meters and operators and turns verified readings into energy deltas;
//! pallet-prepaid prices those deltas and keeps the credit. Neither depends on the other's
//! crate: the runtime joins them through these traits.

use crate::{MeterId, Moment, WattHours};
use codec::{Decode, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_runtime::{DispatchResult, Weight};

/// The energy a meter recorded between two accepted readings.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct Consumption {
	/// The meter that measured it.
	pub meter: MeterId,
	/// Timestamp of the previous accepted reading (start of the interval).
	pub from_ms: Moment,
	/// Timestamp of this reading (end of the interval); `to_ms >= from_ms`.
	pub to_ms: Moment,
	/// Energy used in the interval: the difference of the cumulative registers.
	pub energy_wh: WattHours,
}

/// Receives the energy deltas of accepted readings (implemented by pallet-prepaid).
///
/// Called once per accepted reading, in the order of the readings' sequence numbers, inside
/// the ingesting transaction. It must not fail: billing problems (no tariff, no credit) are
/// the billing pallet's state, not a reason to refuse a verified reading.
pub trait OnConsumption<AccountId> {
	/// Account for one interval of consumption of a meter managed by `operator` (the operator
	/// to be paid for it); returns the weight actually used.
	fn on_consumption(consumption: &Consumption, operator: &AccountId) -> Weight;

	/// The most weight one `on_consumption` call can use (charged up front per reading by
	/// `ingest_readings`, the unused part refunded).
	fn max_weight() -> Weight;

	/// The most weight an ordinary reading's `on_consumption` uses (what most readings use,
	/// at most [`Self::max_weight`]): relayers plan how many batches a block takes with it,
	/// since a block fits batches by the weight they used once refunded. `max_weight` unless
	/// the implementation knows better.
	fn ordinary_weight() -> Weight {
		Self::max_weight()
	}
}

impl<AccountId> OnConsumption<AccountId> for () {
	fn on_consumption(_: &Consumption, _: &AccountId) -> Weight {
		Weight::zero()
	}
	fn max_weight() -> Weight {
		Weight::zero()
	}
}

/// Whether a meter accepts readings and may be billed.
#[derive(Clone, Copy, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug, Default)]
pub enum MeterStatus {
	/// Readings are accepted.
	#[default]
	Active,
	/// Suspended by its operator: readings are refused until resumed.
	Suspended,
	/// A register regression was seen: readings are refused until the operator resumes it.
	Tampered,
	/// A reading implied more energy than the meter's rated power can deliver over its
	/// interval: it is held, not billed, and readings are refused until the operator reviews
	/// it (bills it, or makes it the meter's new baseline).
	Implausible,
}

/// What other pallets may know of a registered meter.
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct MeterSummary<AccountId> {
	/// The operator (utility or retailer) that registered and manages the meter.
	pub operator: AccountId,
	/// The household account that owns the meter and receives refunds.
	pub owner: AccountId,
	/// Whether readings are accepted.
	pub status: MeterStatus,
}

/// Read access to the meter registry (implemented by pallet-meters).
pub trait MeterRegistry<AccountId> {
	/// Whether `who` is a licensed operator.
	fn is_operator(who: &AccountId) -> bool;
	/// The meter's operator, owner and status, or `None` if it is not registered.
	fn meter(meter: MeterId) -> Option<MeterSummary<AccountId>>;
}

/// Told of changes to the registry (implemented by pallet-prepaid).
pub trait MeterLifecycle<AccountId> {
	/// A meter was registered.
	fn on_registered(meter: MeterId, owner: &AccountId);
	/// A meter is about to be decommissioned: settle and refund what it holds to `owner`.
	/// An error refuses the decommissioning, leaving the meter registered.
	fn on_decommission(meter: MeterId, owner: &AccountId) -> DispatchResult;
	/// A meter's owner is about to change from `old_owner` to `new_owner` (a change of
	/// tenancy): settle the leaving household's account and refund it, so the next household
	/// starts clean. An error refuses the change, leaving the owner as it was.
	fn on_owner_change(
		meter: MeterId,
		old_owner: &AccountId,
		new_owner: &AccountId,
	) -> DispatchResult;
	/// The most weight any of these calls uses.
	fn max_weight() -> Weight;
}

impl<AccountId> MeterLifecycle<AccountId> for () {
	fn on_registered(_: MeterId, _: &AccountId) {}
	fn on_decommission(_: MeterId, _: &AccountId) -> DispatchResult {
		Ok(())
	}
	fn on_owner_change(_: MeterId, _: &AccountId, _: &AccountId) -> DispatchResult {
		Ok(())
	}
	fn max_weight() -> Weight {
		Weight::zero()
	}
}
