//! Accepting readings: the one path by which POSTed and simulated readings are checked and
//! stored.

use crate::{
	meters::{describe_key, SharedMeters},
	store::{InsertOutcome, Store, StoreError},
};
use sp_core::H256;
use std::{
	sync::Arc,
	time::{SystemTime, UNIX_EPOCH},
};
use wattcoin_primitives::{
	gateway::Cursor,
	reading::{flags, SignedReading},
	MeterId,
};

/// The most readings one batch may carry.
pub const MAX_BATCH: usize = 10_000;

/// How far ahead of the gateway's clock a reading may be timestamped: the chain's
/// `MaxClockSkewMs` (5 minutes), beyond which it would hold the reading.
pub const MAX_CLOCK_SKEW_MS: u64 = 300_000;

/// Why one reading of a batch is refused (HTTP 422).
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
pub enum Rejection {
	/// A reserved flag bit is set.
	#[error(
		"reserved flag bits set: flags {flags:#04x} has bits {reserved:#04x} that protocol v2 reserves"
	)]
	ReservedFlags {
		/// The reading's flags.
		flags: u8,
		/// The reserved bits that are set.
		reserved: u8,
	},
	/// `seq` is 0 (meters count from 1).
	#[error("seq must be at least 1")]
	SeqZero,
	/// The gateway does not know the meter.
	#[error("unknown meter {0}")]
	UnknownMeter(MeterId),
	/// A signature scheme meters do not use (`Eth`, possible only in SCALE).
	#[error("unsupported signature scheme (meters sign with ed25519, sr25519 or ecdsa)")]
	UnsupportedScheme,
	/// The signature's scheme is not the meter's key's.
	#[error("bad signature: meter {meter}'s device key is {key}, the signature is {signature}")]
	SchemeMismatch {
		/// The meter.
		meter: MeterId,
		/// Its key's scheme.
		key: &'static str,
		/// The signature's scheme.
		signature: &'static str,
	},
	/// The chain already has a reading of the meter at or after this `seq`.
	#[error(
		"meter {meter}'s readings up to seq {last_seq} are on chain (finalized): seq {seq} \
		 can never be billed"
	)]
	AlreadyOnChain {
		/// The meter.
		meter: MeterId,
		/// The reading's `seq`.
		seq: u64,
		/// The `seq` of the meter's last reading on chain.
		last_seq: u64,
	},
	/// Timestamped before the meter's registration or last key rotation.
	#[error(
		"meter {meter} takes readings from {from_ms} ms (its registration or key rotation); \
		 this one is from {at_ms} ms"
	)]
	BeforeRegistration {
		/// The meter.
		meter: MeterId,
		/// The reading's time.
		at_ms: u64,
		/// The meter's first allowed time.
		from_ms: u64,
	},
	/// Timestamped more than [`MAX_CLOCK_SKEW_MS`] ahead of the gateway's clock.
	#[error(
		"timestamp {at_ms} ms is more than {MAX_CLOCK_SKEW_MS} ms ahead of the gateway's clock \
		 ({now_ms} ms): check the meter's clock"
	)]
	FutureTimestamp {
		/// The reading's time.
		at_ms: u64,
		/// The gateway's clock.
		now_ms: u64,
	},
	/// The signature does not verify.
	#[error(
		"bad signature: not meter {meter}'s signature ({key}) of this reading for genesis hash \
		 {genesis:?}"
	)]
	BadSignature {
		/// The meter.
		meter: MeterId,
		/// Its key.
		key: String,
		/// The genesis hash the gateway checks against.
		genesis: H256,
	},
}

/// Why a batch was not stored.
#[derive(Debug, thiserror::Error)]
pub enum IngestError {
	/// The batch is empty.
	#[error("empty batch: send one signed reading or a non-empty array of them")]
	Empty,
	/// The batch is larger than [`MAX_BATCH`].
	#[error("batch of {0} readings is larger than the limit of {MAX_BATCH}")]
	TooLarge(usize),
	/// Reading `index` is refused; nothing of the batch was stored.
	#[error("reading {index}: {rejection}")]
	Rejected {
		/// Its position in the batch.
		index: usize,
		/// Why.
		rejection: Rejection,
	},
	/// The store refused or failed ([`StoreError::Conflict`] for a conflicting duplicate).
	#[error(transparent)]
	Store(#[from] StoreError),
}

/// What was done with an accepted batch.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct IngestReport {
	/// Per reading of the batch, in batch order.
	pub outcomes: Vec<InsertOutcome>,
}

impl IngestReport {
	/// How many readings were stored now.
	pub fn new_count(&self) -> usize {
		self.outcomes.iter().filter(|o| matches!(o, InsertOutcome::New(_))).count()
	}

	/// How many were already stored.
	pub fn duplicate_count(&self) -> usize {
		self.outcomes.len() - self.new_count()
	}

	/// The cursor of each reading, in batch order.
	pub fn cursors(&self) -> Vec<Cursor> {
		self.outcomes.iter().map(InsertOutcome::cursor).collect()
	}

	/// The highest cursor of the batch.
	pub fn last_cursor(&self) -> Option<Cursor> {
		self.outcomes.iter().map(InsertOutcome::cursor).max()
	}
}

/// Checks and stores readings. Cheap to clone.
#[derive(Clone)]
pub struct Ingestor {
	store: Arc<Store>,
	meters: SharedMeters,
	genesis: H256,
}

/// Now, in milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
	SystemTime::now()
		.duration_since(UNIX_EPOCH)
		.map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
		.unwrap_or(0)
}

impl Ingestor {
	/// An ingestor storing into `store` readings of `meters` signed for `genesis`.
	pub fn new(store: Arc<Store>, meters: SharedMeters, genesis: H256) -> Self {
		debug_assert_eq!(store.genesis(), genesis, "the store is bound to another chain");
		Self { store, meters, genesis }
	}

	/// The store.
	pub fn store(&self) -> &Arc<Store> {
		&self.store
	}

	/// The known meters.
	pub fn meters(&self) -> &SharedMeters {
		&self.meters
	}

	/// The genesis hash signatures are checked against.
	pub fn genesis(&self) -> H256 {
		self.genesis
	}

	/// Checks one reading: flags, seq, meter, signature.
	pub fn check(&self, signed: &SignedReading) -> Result<(), Rejection> {
		let reading = &signed.reading;
		if reading.has_reserved_flags() {
			return Err(Rejection::ReservedFlags {
				flags: reading.flags,
				reserved: reading.flags & flags::RESERVED,
			});
		}
		if reading.seq == 0 {
			return Err(Rejection::SeqZero);
		}
		let now_ms = now_ms();
		if reading.at_ms > now_ms.saturating_add(MAX_CLOCK_SKEW_MS) {
			return Err(Rejection::FutureTimestamp { at_ms: reading.at_ms, now_ms });
		}
		let meters = self.meters.read().unwrap_or_else(|poisoned| poisoned.into_inner());
		let key = meters.get(reading.meter).ok_or(Rejection::UnknownMeter(reading.meter))?;
		if let Some(chain) = meters.chain(reading.meter) {
			if reading.at_ms < chain.readings_from_ms {
				return Err(Rejection::BeforeRegistration {
					meter: reading.meter,
					at_ms: reading.at_ms,
					from_ms: chain.readings_from_ms,
				});
			}
			if reading.seq <= chain.last_seq {
				return Err(Rejection::AlreadyOnChain {
					meter: reading.meter,
					seq: reading.seq,
					last_seq: chain.last_seq,
				});
			}
		}
		let scheme = signed.scheme().ok_or(Rejection::UnsupportedScheme)?;
		if scheme != key.scheme() {
			return Err(Rejection::SchemeMismatch {
				meter: reading.meter,
				key: key.scheme().name(),
				signature: scheme.name(),
			});
		}
		if !signed.verify_with(self.genesis, key) {
			return Err(Rejection::BadSignature {
				meter: reading.meter,
				key: describe_key(key),
				genesis: self.genesis,
			});
		}
		Ok(())
	}

	/// Checks every reading of `batch`, then stores them all in one committed transaction:
	/// all or nothing. Blocks (signature checks and SQLite): call from a blocking context.
	pub fn ingest(&self, batch: &[SignedReading]) -> Result<IngestReport, IngestError> {
		if batch.is_empty() {
			return Err(IngestError::Empty);
		}
		if batch.len() > MAX_BATCH {
			return Err(IngestError::TooLarge(batch.len()));
		}
		for (index, signed) in batch.iter().enumerate() {
			self.check(signed).map_err(|rejection| IngestError::Rejected { index, rejection })?;
		}
		let epochs: std::collections::HashMap<MeterId, u64> = {
			let meters = self.meters.read().unwrap_or_else(|poisoned| poisoned.into_inner());
			batch
				.iter()
				.map(|signed| signed.reading.meter)
				.map(|meter| (meter, meters.chain(meter).map_or(0, |chain| chain.readings_from_ms)))
				.collect()
		};
		let epoch_of = |meter| epochs.get(&meter).copied().unwrap_or(0);
		let outcomes = self.store.insert_batch_in(batch, epoch_of, now_ms())?;
		Ok(IngestReport { outcomes })
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::{ed25519, sr25519, Pair};
	use wattcoin_primitives::reading::{dev, Reading};

	fn setup() -> (tempfile::TempDir, Ingestor) {
		let dir = tempfile::tempdir().unwrap();
		let store =
			Arc::new(Store::open(dir.path().join("db.sqlite"), H256::repeat_byte(9)).unwrap());
		let mut meters = crate::meters::KnownMeters::new();
		meters.add_dev_meters(2).unwrap();
		(dir, Ingestor::new(store, Arc::new(meters.into()), H256::repeat_byte(9)))
	}

	fn reading(meter: MeterId, seq: u64) -> Reading {
		Reading { meter, seq, at_ms: 1_767_225_600_000, cumulative_wh: 10 * seq, flags: 0 }
	}

	#[test]
	fn checks_each_rule() {
		let (_dir, ingestor) = setup();
		let genesis = ingestor.genesis();
		let pair = dev::dev_meter_pair(0);
		let good = SignedReading::sign_sr25519(reading(1000, 1), genesis, &pair);
		assert_eq!(ingestor.check(&good), Ok(()));

		let mut flagged = reading(1000, 1);
		flagged.flags = flags::POWER_FAILURE | 0x40;
		let signed = SignedReading::sign_sr25519(flagged, genesis, &pair);
		assert_eq!(
			ingestor.check(&signed),
			Err(Rejection::ReservedFlags { flags: 0x41, reserved: 0x40 })
		);

		let signed = SignedReading::sign_sr25519(reading(1000, 0), genesis, &pair);
		assert_eq!(ingestor.check(&signed), Err(Rejection::SeqZero));

		let signed = SignedReading::sign_sr25519(reading(1002, 1), genesis, &pair);
		assert_eq!(ingestor.check(&signed), Err(Rejection::UnknownMeter(1002)));

		let other_chain = SignedReading::sign_sr25519(reading(1000, 1), H256::zero(), &pair);
		assert!(matches!(
			ingestor.check(&other_chain),
			Err(Rejection::BadSignature { meter: 1000, .. })
		));

		// Meter 1's key signing as meter 0.
		let wrong_key =
			SignedReading::sign_sr25519(reading(1000, 1), genesis, &dev::dev_meter_pair(1));
		assert!(matches!(ingestor.check(&wrong_key), Err(Rejection::BadSignature { .. })));

		let ed = ed25519::Pair::from_seed(&[1; 32]);
		let wrong_scheme = SignedReading::sign_ed25519(reading(1000, 1), genesis, &ed);
		assert_eq!(
			ingestor.check(&wrong_scheme),
			Err(Rejection::SchemeMismatch { meter: 1000, key: "sr25519", signature: "ed25519" })
		);

		// A signature for other content: the register altered after signing.
		let mut altered = good.clone();
		altered.reading.cumulative_wh += 1;
		assert!(matches!(ingestor.check(&altered), Err(Rejection::BadSignature { .. })));
	}

	#[test]
	fn what_the_chain_would_refuse_is_refused_at_once() {
		let (_dir, ingestor) = setup();
		let genesis = ingestor.genesis();
		let pair = dev::dev_meter_pair(0);
		let key = crate::meters::dev_meter_key(0);
		let chain = crate::meters::ChainMeter {
			owner: [1; 32],
			last_seq: 5,
			readings_from_ms: 1_000,
			owner_since_ms: 1_000,
		};
		ingestor.meters().write().unwrap().set_from_chain(1000, key, chain);
		let at = |seq: u64, at_ms: u64| {
			let reading = Reading { meter: 1000, seq, at_ms, cumulative_wh: seq, flags: 0 };
			SignedReading::sign_sr25519(reading, genesis, &pair)
		};
		assert_eq!(
			ingestor.check(&at(5, 2_000)),
			Err(Rejection::AlreadyOnChain { meter: 1000, seq: 5, last_seq: 5 })
		);
		assert_eq!(
			ingestor.check(&at(6, 999)),
			Err(Rejection::BeforeRegistration { meter: 1000, at_ms: 999, from_ms: 1_000 })
		);
		let future = now_ms() + MAX_CLOCK_SKEW_MS + 60_000;
		assert!(matches!(
			ingestor.check(&at(6, future)),
			Err(Rejection::FutureTimestamp { at_ms, .. }) if at_ms == future
		));
		assert_eq!(ingestor.check(&at(6, 1_000)), Ok(()));
		// A meter the chain decommissioned is unknown from then on.
		ingestor.meters().write().unwrap().remove(1000);
		assert_eq!(ingestor.check(&at(6, 1_000)), Err(Rejection::UnknownMeter(1000)));
	}

	#[test]
	fn a_batch_is_stored_all_or_nothing() {
		let (_dir, ingestor) = setup();
		let genesis = ingestor.genesis();
		let pair: sr25519::Pair = dev::dev_meter_pair(0);
		let good = SignedReading::sign_sr25519(reading(1000, 1), genesis, &pair);
		let unknown = SignedReading::sign_sr25519(reading(1005, 1), genesis, &pair);
		let err = ingestor.ingest(&[good.clone(), unknown]).unwrap_err();
		assert!(
			matches!(
				err,
				IngestError::Rejected { index: 1, rejection: Rejection::UnknownMeter(1005) }
			),
			"{err:?}"
		);
		assert_eq!(ingestor.store().count(), 0);

		let report = ingestor.ingest(std::slice::from_ref(&good)).unwrap();
		assert_eq!((report.new_count(), report.cursors()), (1, vec![1]));
		// Re-signed (sr25519 signatures are randomised): the same reading, a duplicate.
		let again = SignedReading::sign_sr25519(reading(1000, 1), genesis, &pair);
		assert_ne!(again.signature, good.signature);
		let report = ingestor.ingest(&[again]).unwrap();
		assert_eq!((report.new_count(), report.duplicate_count()), (0, 1));
		assert_eq!(ingestor.store().count(), 1);

		assert!(matches!(ingestor.ingest(&[]), Err(IngestError::Empty)));
		let too_many = vec![good; MAX_BATCH + 1];
		assert!(
			matches!(ingestor.ingest(&too_many), Err(IngestError::TooLarge(n)) if n == MAX_BATCH + 1)
		);
	}
}
