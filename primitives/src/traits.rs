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
	/// What the implementation keeps over the readings of one batch: a new value for each
	/// batch (and for a reading billed on its own), handed to each of its `on_consumption`
	/// calls. pallet-prepaid keeps the storage the batch's billing already read and wrote, so
	/// that a key its readings share (their tariff, their operator's revenue) is paid for once
	/// a batch, as the block's cache and overlay serve it after the first time.
	type Batch: Default;

	/// Account for one interval of consumption of a meter managed by `operator` (the operator
	/// to be paid for it), the reading being one of `batch`; returns the weight actually used.
	fn on_consumption(
		consumption: &Consumption,
		operator: &AccountId,
		batch: &mut Self::Batch,
	) -> Weight;

	/// The most weight one `on_consumption` call can use (charged up front per reading by
	/// `ingest_readings`, the unused part refunded), whatever the batch.
	fn max_weight() -> Weight;

	/// The most weight `n` ordinary readings of one batch use (what most batches use, at most
	/// `n` times [`Self::max_weight`]): relayers plan how many batches a block takes with it,
	/// since a block fits batches by the weight they used once refunded. `n` times
	/// `max_weight` unless the implementation knows better.
	fn ordinary_weight(n: u32) -> Weight {
		Self::max_weight().saturating_mul(n.into())
	}
}

impl<AccountId> OnConsumption<AccountId> for () {
	type Batch = ();

	fn on_consumption(_: &Consumption, _: &AccountId, _: &mut ()) -> Weight {
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
