//! The weight of `ingest_readings` and of its authorization, from the benchmarked
//! [`WeightInfo`](crate::WeightInfo) (`docs/benchmarks.md` breaks it down):
//! - the **authorization** ([`Pallet::authorize_weight`]) verifies every signature: each
//!   reading is charged the verification of the scheme its signature names;
//! - **dispatch** ([`Pallet::ingest_weight_for`]) verifies none (it trusts the authorization):
//!   each reading is charged its meter's lookup and write, and billing at
//!   `OnConsumption::max_weight`, up front; it is refunded to what the batch did
//!   ([`Pallet::ingest_weight_used`]).

use crate::{pallet::Config, IngestOutcome, Pallet, WeightInfo};
use frame_support::{traits::Get, weights::Weight};
use sp_runtime::Saturating;
use wattcoin_primitives::{
	reading::{SignatureScheme, SignedReading},
	traits::OnConsumption,
};

impl<T: Config> Pallet<T> {
	/// The weight `ingest_readings` is charged before dispatch for a batch of `n` readings,
	/// whatever their signatures: every reading taken and billed at
	/// `OnConsumption::max_weight` (what `integrity_test` checks fits a block).
	pub fn ingest_weight_upper_bound(n: u32) -> Weight {
		let per_reading = Self::ingest_slope(n).max(Self::skipped_slope(n));
		Self::ingest_base_weight()
			.saturating_add(per_reading)
			.saturating_add(T::OnConsumption::max_weight().saturating_mul(n.into()))
	}

	/// The weight an ordinary batch of `n` readings uses once refunded: every reading taken
	/// and billed as `OnConsumption::ordinary_weight` says (what relayers plan a block with).
	pub fn ingest_weight_ordinary(n: u32) -> Weight {
		Self::ingest_base_weight()
			.saturating_add(Self::ingest_slope(n))
			.saturating_add(T::OnConsumption::ordinary_weight(n))
	}

	/// The weight `ingest_readings` is charged before dispatch for `batch`: dispatch verifies
	/// no signature, so the scheme does not matter ([`Self::ingest_weight_upper_bound`]).
	pub fn ingest_weight_for(batch: &[SignedReading]) -> Weight {
		Self::ingest_weight_upper_bound(batch.len() as u32)
	}

	/// The weight of authorizing `batch`: each reading's meter read and its signature verified
	/// by the scheme the signature names (an Eth signature, never verified, or a scheme the
	/// meter's key does not have, fails without cryptography: charged as the dearest scheme
	/// all the same). The fixed part of the ecdsa benchmark is charged only to a batch with an
	/// ecdsa signature, so that sr25519 and ed25519 batches do not pay for it
	/// (`docs/benchmarks.md`).
	pub fn authorize_weight(batch: &[SignedReading]) -> Weight {
		let mut counts = [0u32; 3];
		for signed in batch {
			let slot = match signed.scheme() {
				Some(SignatureScheme::Ed25519) => 0,
				Some(SignatureScheme::Sr25519) => 1,
				Some(SignatureScheme::Ecdsa) | None => 2,
			};
			counts[slot].saturating_inc();
		}
		let per_reading = SCHEMES.into_iter().zip(counts).fold(Weight::zero(), |total, (s, n)| {
			total.saturating_add(Self::authorize_slope(s, n))
		});
		Self::authorize_base_weight(counts[2] > 0).saturating_add(per_reading)
	}

	/// The most authorizing a batch of `n` readings can weigh: every reading verified by the
	/// dearest scheme, with the ecdsa fixed part.
	pub fn authorize_weight_upper_bound(n: u32) -> Weight {
		let per_reading = SCHEMES
			.into_iter()
			.fold(Weight::zero(), |max, scheme| max.max(Self::authorize_slope(scheme, n)));
		Self::authorize_base_weight(true).saturating_add(per_reading)
	}

	/// The weight `ingest_readings` actually used, given what it did: a taken reading costs
	/// its meter's lookup and write (an implausible one also the write of the reading under
	/// review), a skipped one its lookup, and billing what `OnConsumption` reported.
	pub fn ingest_weight_used(outcome: &IngestOutcome, consumption: Weight) -> Weight {
		let taken =
			outcome.accepted.saturating_add(outcome.tampered).saturating_add(outcome.implausible);
		Self::ingest_base_weight()
			.saturating_add(T::DbWeight::get().writes(outcome.implausible.into()))
			.saturating_add(Self::ingest_slope(taken))
			.saturating_add(Self::skipped_slope(outcome.skipped))
			.saturating_add(consumption)
	}

	/// The fixed part of dispatching a batch.
	fn ingest_base_weight() -> Weight {
		T::WeightInfo::ingest_readings(0).max(T::WeightInfo::ingest_readings_skipped(0))
	}

	/// The fixed part of authorizing a batch, with the ecdsa benchmark's if `with_ecdsa`.
	///
	/// The ecdsa benchmark's fixed part is not the cost of an empty batch (its minimum measured
	/// time is like the other schemes'): it is what the linear fit puts there. It stays
	/// charged to a batch with ecdsa readings, which is safe, and no other batch pays it.
	fn authorize_base_weight(with_ecdsa: bool) -> Weight {
		let base = T::WeightInfo::authorize_ingest_readings_ed25519(0)
			.max(T::WeightInfo::authorize_ingest_readings_sr25519(0));
		if with_ecdsa {
			base.max(T::WeightInfo::authorize_ingest_readings_ecdsa(0))
		} else {
			base
		}
	}

	/// The weight of authorizing `n` readings signed with `scheme`, beyond the fixed part.
	fn authorize_slope(scheme: SignatureScheme, n: u32) -> Weight {
		let weight: fn(u32) -> Weight = match scheme {
			SignatureScheme::Ed25519 => T::WeightInfo::authorize_ingest_readings_ed25519,
			SignatureScheme::Sr25519 => T::WeightInfo::authorize_ingest_readings_sr25519,
			SignatureScheme::Ecdsa => T::WeightInfo::authorize_ingest_readings_ecdsa,
		};
		weight(n).saturating_sub(weight(0))
	}

	/// The weight of dispatching `n` taken readings (not billed), beyond the fixed part.
	fn ingest_slope(n: u32) -> Weight {
		T::WeightInfo::ingest_readings(n).saturating_sub(T::WeightInfo::ingest_readings(0))
	}

	/// The weight of `n` readings skipped by dispatch, beyond the fixed part.
	fn skipped_slope(n: u32) -> Weight {
		T::WeightInfo::ingest_readings_skipped(n)
			.saturating_sub(T::WeightInfo::ingest_readings_skipped(0))
	}
}

/// The signature schemes, in the order of the counts of [`Pallet::authorize_weight`].
const SCHEMES: [SignatureScheme; 3] =
	[SignatureScheme::Ed25519, SignatureScheme::Sr25519, SignatureScheme::Ecdsa];
