//! The weight of `ingest_readings` and of its authorization, from the benchmarked
//! [`WeightInfo`](crate::WeightInfo): charged up front for the worst case, refunded to what a
//! batch did (`docs/benchmarks.md` breaks it down).

use crate::{pallet::Config, IngestOutcome, Pallet, WeightInfo};
use frame_support::{traits::Get, weights::Weight};
use sp_runtime::Saturating;
use wattcoin_primitives::{
	reading::{SignatureScheme, SignedReading},
	traits::OnConsumption,
};

impl<T: Config> Pallet<T> {
	/// The most `ingest_readings` can be charged before dispatch for a batch of `n` readings:
	/// every reading verified by the most expensive scheme, accepted and billed at
	/// `OnConsumption::max_weight` (what `integrity_test` checks fits a block).
	pub fn ingest_weight_upper_bound(n: u32) -> Weight {
		let per_reading = Self::ingest_slope(SignatureScheme::Ed25519, n)
			.max(Self::ingest_slope(SignatureScheme::Sr25519, n))
			.max(Self::ingest_slope(SignatureScheme::Ecdsa, n))
			.max(Self::skipped_slope(n));
		Self::ingest_base_weight(true)
			.saturating_add(per_reading)
			.saturating_add(T::OnConsumption::max_weight().saturating_mul(n.into()))
	}

	/// The weight `ingest_readings` is charged before dispatch for `batch`: each reading
	/// verified by the scheme its signature names (or skipped, whichever costs more),
	/// accepted and billed at `OnConsumption::max_weight`. The fixed part of the ecdsa
	/// benchmark is charged only to a batch with an ecdsa reading, so that sr25519 and ed25519
	/// batches do not pay for it (`docs/benchmarks.md`).
	pub fn ingest_weight_for(batch: &[SignedReading]) -> Weight {
		let mut counts = [0u32; 3];
		for signed in batch {
			let slot = match signed.scheme() {
				Some(SignatureScheme::Ed25519) => 0,
				Some(SignatureScheme::Sr25519) => 1,
				// An Eth signature is never verified: skipped, charged as the dearest anyway.
				Some(SignatureScheme::Ecdsa) | None => 2,
			};
			counts[slot].saturating_inc();
		}
		let per_reading =
			[SignatureScheme::Ed25519, SignatureScheme::Sr25519, SignatureScheme::Ecdsa]
				.into_iter()
				.zip(counts)
				.fold(Weight::zero(), |total, (scheme, count)| {
					total.saturating_add(
						Self::ingest_slope(scheme, count).max(Self::skipped_slope(count)),
					)
				});
		let n = batch.len() as u32;
		Self::ingest_base_weight(counts[2] > 0)
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
		Self::ingest_base_weight(ecdsa > 0)
			.saturating_add(T::DbWeight::get().writes(outcome.implausible.into()))
			.saturating_add(Self::ingest_slope(SignatureScheme::Ed25519, ed25519))
			.saturating_add(Self::ingest_slope(SignatureScheme::Sr25519, sr25519))
			.saturating_add(Self::ingest_slope(SignatureScheme::Ecdsa, ecdsa))
			.saturating_add(Self::skipped_slope(outcome.skipped))
			.saturating_add(consumption)
	}

	/// The fixed part of the weight of a batch, with the ecdsa benchmark's if `with_ecdsa`.
	///
	/// The ecdsa benchmark's fixed part (about 460 µs) is not the cost of an empty batch (its
	/// minimum measured time is about 15 µs, like the other schemes'): it is what the linear fit
	/// puts there. It stays charged to a batch with ecdsa readings, which is safe, and no
	/// other batch pays it.
	fn ingest_base_weight(with_ecdsa: bool) -> Weight {
		let base = T::WeightInfo::ingest_readings_ed25519(0)
			.max(T::WeightInfo::ingest_readings_sr25519(0))
			.max(T::WeightInfo::ingest_readings_skipped(0));
		if with_ecdsa {
			base.max(T::WeightInfo::ingest_readings_ecdsa(0))
		} else {
			base
		}
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
