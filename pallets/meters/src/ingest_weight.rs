//! The weight of `ingest_readings` and of its authorization, from the benchmarked
//! [`WeightInfo`](crate::WeightInfo): charged up front for the worst case, refunded to what a
//! batch did (`docs/benchmarks.md` breaks it down).

use crate::{pallet::Config, IngestOutcome, Pallet, WeightInfo};
use frame_support::{traits::Get, weights::Weight};
use wattcoin_primitives::{reading::SignatureScheme, traits::OnConsumption};

impl<T: Config> Pallet<T> {
	/// The weight `ingest_readings` is charged before dispatch for a batch of `n`
	/// readings: every reading verified (by the most expensive scheme), accepted and
	/// billed at `OnConsumption::max_weight`.
	pub fn ingest_weight_upper_bound(n: u32) -> Weight {
		let per_reading = Self::ingest_slope(SignatureScheme::Ed25519, n)
			.max(Self::ingest_slope(SignatureScheme::Sr25519, n))
			.max(Self::ingest_slope(SignatureScheme::Ecdsa, n))
			.max(Self::skipped_slope(n));
		Self::ingest_base_weight()
			.saturating_add(per_reading)
			.saturating_add(T::OnConsumption::max_weight().saturating_mul(n.into()))
	}

	/// The weight of authorizing a batch of `n` readings: every reading's meter read and
	/// its signature verified, as benchmarked (`authorize_ingest_readings`, sr25519 readings:
	/// the slowest scheme per reading).
	pub fn authorize_weight(n: u32) -> Weight {
		T::WeightInfo::authorize_ingest_readings(n)
	}

	/// The weight `ingest_readings` actually used, given what it did: an implausible reading
	/// costs what an accepted one does plus the write of the reading under review (less than
	/// the `OnConsumption::max_weight` the upper bound charges it).
	pub fn ingest_weight_used(outcome: &IngestOutcome, consumption: Weight) -> Weight {
		let [ed25519, sr25519, ecdsa] = outcome.verified;
		Self::ingest_base_weight()
			.saturating_add(T::DbWeight::get().writes(outcome.implausible.into()))
			.saturating_add(Self::ingest_slope(SignatureScheme::Ed25519, ed25519))
			.saturating_add(Self::ingest_slope(SignatureScheme::Sr25519, sr25519))
			.saturating_add(Self::ingest_slope(SignatureScheme::Ecdsa, ecdsa))
			.saturating_add(Self::skipped_slope(outcome.skipped))
			.saturating_add(consumption)
	}

	/// The fixed part of the weight of a batch, whatever its readings.
	fn ingest_base_weight() -> Weight {
		T::WeightInfo::ingest_readings_ed25519(0)
			.max(T::WeightInfo::ingest_readings_sr25519(0))
			.max(T::WeightInfo::ingest_readings_ecdsa(0))
			.max(T::WeightInfo::ingest_readings_skipped(0))
	}

	/// The weight of `n` readings verified with `scheme` and accepted, beyond the fixed
	/// part.
	fn ingest_slope(scheme: SignatureScheme, n: u32) -> Weight {
		let weight: fn(u32) -> Weight = match scheme {
			SignatureScheme::Ed25519 => T::WeightInfo::ingest_readings_ed25519,
			SignatureScheme::Sr25519 => T::WeightInfo::ingest_readings_sr25519,
			SignatureScheme::Ecdsa => T::WeightInfo::ingest_readings_ecdsa,
		};
		weight(n).saturating_sub(weight(0))
	}

	/// The weight of `n` readings skipped without verification, beyond the fixed part.
	fn skipped_slope(n: u32) -> Weight {
		T::WeightInfo::ingest_readings_skipped(n)
			.saturating_sub(T::WeightInfo::ingest_readings_skipped(0))
	}
}
