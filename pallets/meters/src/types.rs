//! Types kept in storage and carried by events.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use wattcoin_primitives::{
	reading::DeviceKey,
	traits::{MeterStatus, MeterSummary},
	Moment, WattHours,
};

/// What the chain keeps of a registered meter.
///
/// Its largest encoding, with 32-byte account ids, is 136 bytes: operator 32, owner 32,
/// key 34 (scheme byte + a 33-byte ecdsa key at most), status 1, four `u64` 32, one `bool` 1,
/// one `u32` 4 (a test checks it against `MaxEncodedLen`).
#[derive(Clone, PartialEq, Eq, Encode, Decode, MaxEncodedLen, TypeInfo, Debug)]
pub struct MeterInfo<AccountId> {
	/// The operator that registered the meter and alone manages it.
	pub operator: AccountId,
	/// The household account that owns the meter.
	pub owner: AccountId,
	/// The device key that signs the meter's readings.
	pub key: DeviceKey,
	/// Whether readings are accepted.
	pub status: MeterStatus,
	/// `seq` of the last reading taken (the last link of the meter's chain of readings); 0
	/// until the first one (meters count from 1), which only sets the baseline.
	pub last_seq: u64,
	/// `at_ms` of the last reading billed (or of the baseline); 0 before the first one.
	pub last_at_ms: Moment,
	/// The meter's mark: `cumulative_wh` of the last reading billed (or of the baseline), the
	/// highest register billed; 0 before the first one. A tamper reading leaves it as it is.
	pub last_cumulative_wh: WattHours,
	/// Readings timestamped before this are refused: the chain's time when the meter was
	/// registered or its key last rotated.
	pub readings_from_ms: Moment,
	/// Set when the operator resumes a tampered meter: its next reading, if below the mark,
	/// becomes the new baseline (a register reset) instead of a second tamper event.
	pub rebase_allowed: bool,
	/// The most power the meter can deliver, in watts: a reading whose energy since the mark
	/// is more than this over the interval since the last billed reading waits for the
	/// operator instead of billed (`docs/tariffs.md`, "Implausible readings").
	pub rated_power_w: u32,
}

impl<AccountId> MeterInfo<AccountId> {
	/// A meter registered at `now` with rated power `rated_power_w`: active, no reading yet.
	pub fn new(
		operator: AccountId,
		owner: AccountId,
		key: DeviceKey,
		now: Moment,
		rated_power_w: u32,
	) -> Self {
		Self {
			operator,
			owner,
			key,
			status: MeterStatus::Active,
			last_seq: 0,
			last_at_ms: 0,
			last_cumulative_wh: 0,
			readings_from_ms: now,
			rebase_allowed: false,
			rated_power_w,
		}
	}

	/// A new device key from `now` on: the new device counts its own `seq` and register, so
	/// the meter waits for a new baseline, and readings from before `now` are refused.
	pub fn replace_device(&mut self, key: DeviceKey, now: Moment) {
		self.key = key;
		self.last_seq = 0;
		self.last_at_ms = 0;
		self.last_cumulative_wh = 0;
		self.readings_from_ms = now;
		self.rebase_allowed = false;
	}

	/// Whether a first reading has set the meter's baseline.
	pub fn has_baseline(&self) -> bool {
		self.last_seq != 0
	}

	/// Whether the meter's rated power can deliver `energy_wh` over `interval_ms`.
	pub fn is_plausible(&self, energy_wh: WattHours, interval_ms: Moment) -> bool {
		// Wh * 3,600,000 ms/h <= W * ms, in u128: no overflow for any u64 and u32 inputs.
		u128::from(energy_wh).saturating_mul(3_600_000)
			<= u128::from(self.rated_power_w).saturating_mul(u128::from(interval_ms))
	}
}

impl<AccountId: Clone> MeterInfo<AccountId> {
	/// What other pallets may know of the meter.
	pub fn summary(&self) -> MeterSummary<AccountId> {
		MeterSummary {
			operator: self.operator.clone(),
			owner: self.owner.clone(),
			status: self.status,
		}
	}
}

/// An implausible reading kept for its operator's review: taken as the meter's last link, not billed (see
/// `review_implausible_reading`).
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
)]
pub struct ReadingUnderReview {
	/// The reading's `seq` (the meter's last link while it is under review).
	pub seq: u64,
	/// When it was taken (the end of its interval).
	pub at_ms: Moment,
	/// Its register: what becomes the meter's mark once it is reviewed.
	pub cumulative_wh: WattHours,
}

/// What the chain keeps of a licensed operator.
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
)]
pub struct OperatorInfo {
	/// How many registered meters the operator manages.
	pub meters: u32,
}

/// Why a reading of an ingested batch was refused (and skipped, the rest of the batch
/// being processed).
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
)]
pub enum RejectReason {
	/// No meter is registered under the reading's meter id.
	UnknownMeter,
	/// The meter is suspended by its operator.
	MeterSuspended,
	/// The meter is flagged as tampered until its operator resumes it.
	MeterTampered,
	/// The signature is not the meter's registered device key's signature of the reading
	/// for this chain (forged, altered, signed with a rotated-out key, for another chain or
	/// another domain tag).
	BadSignature,
	/// The reading sets a flag bit reserved for later versions of the format.
	ReservedFlags,
	/// The reading is timestamped more than `MaxClockSkewMs` after the chain's time.
	FutureTimestamp,
	/// The reading is timestamped before the meter's last accepted reading.
	TimestampRegression,
	/// The reading is not the next link of the meter's chain: its `seq` is more than one
	/// above the last accepted and it declares no gap. It waits for the readings before it.
	NotNextReading,
	/// The reading is timestamped before the meter was registered or its key last rotated
	/// (history of a decommissioned meter, or of another device).
	BeforeRegistration,
	/// The meter holds a reading above its rated power for its operator to review: the
	/// readings after it wait.
	MeterImplausible,
}

impl RejectReason {
	/// Whether the reading can never be accepted. The others (an unknown, suspended or
	/// tampered meter, a reading ahead of the chain's clock or of its predecessor) may be
	/// accepted later, and relayers keep them.
	pub fn is_final(&self) -> bool {
		match self {
			Self::UnknownMeter
			| Self::MeterSuspended
			| Self::MeterTampered
			| Self::FutureTimestamp
			| Self::NotNextReading
			| Self::MeterImplausible => false,
			Self::BadSignature
			| Self::ReservedFlags
			| Self::TimestampRegression
			| Self::BeforeRegistration => true,
		}
	}

	/// The code of `InvalidTransaction::Custom` the pool answers for a batch carrying a
	/// reading refused for this reason: the reason's index in this enum.
	pub fn code(&self) -> u8 {
		codec::Encode::encode(self).first().copied().unwrap_or(u8::MAX)
	}
}

/// The outcome of ingesting a batch, for the summary event and the weight actually used.
#[derive(Clone, Copy, PartialEq, Eq, Default, Debug)]
pub struct IngestOutcome {
	/// Readings taken into account (consumption counted, or a meter's first reading setting
	/// its baseline).
	pub accepted: u32,
	/// Readings skipped because the meter already had them (`seq` not above its last).
	pub duplicates: u32,
	/// Readings refused, each with a `ReadingRejected` event.
	pub rejected: u32,
	/// Readings whose register ran backwards, each with a `TamperSuspected` event.
	pub tampered: u32,
	/// Readings above their meter's rated power, each with an `ImplausibleReading` event.
	pub implausible: u32,
	/// Total energy handed to `OnConsumption`, in watt-hours.
	pub energy_wh: WattHours,
	/// Readings not taken (duplicates and refused ones): each cost a lookup, not a write.
	pub skipped: u32,
}
