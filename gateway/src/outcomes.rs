//! What became of each stored reading on finalized blocks, and pruning.
//!
//! The chain follower ([`crate::chain`]) settles readings from what it sees in finalized
//! blocks; a meter (or anyone) reads its readings' outcomes at
//! `GET /v1/meters/{meter}/outcomes`. A reading is **pending** until one of these settles it:
//!
//! - `accepted`: an `ingest_readings` call of a finalized block carried it and the chain took
//!   it as the meter's next reading (billed, or the baseline);
//! - `refused`: the chain refused it (`ReadingRejected`, with the reason), or can never take
//!   it: its meter was decommissioned (`UnknownMeter`), or it is timestamped before the
//!   meter's registration or last key rotation (`BeforeRegistration`);
//! - `tamper` / `implausible`: taken as the meter's next link but not billed
//!   (`TamperSuspected`, `ImplausibleReading`: its operator decides);
//! - `superseded`: the chain's meter has moved past its `seq` without it (a later reading of
//!   the meter, declaring a gap, was taken first; or the block that carried it could not be
//!   decoded, as around a runtime upgrade).
//!
//! The first outcome recorded for a reading stays: a batch carrying a reading the chain
//! already had (a duplicate, without an event) never overwrites it.
//!
//! Settled readings older than the retention are deleted ([`Store::prune`]), except each
//! meter's latest reading (so that a simulated meter resumes its counters from it). Pending
//! readings are never pruned.

use crate::store::{from_sql, to_sql, Store, StoreError};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use sp_core::H256;
use wattcoin_primitives::MeterId;

/// What became of a reading on a finalized block (see the module documentation).
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Outcome {
	/// Taken as the meter's next reading.
	Accepted,
	/// Refused, with the reason (the chain's `RejectReason`).
	Refused(String),
	/// Taken as a tamper event: not billed.
	Tamper,
	/// Taken as implausible: not billed until the operator's review.
	Implausible,
	/// The meter's chain state moved past it without it.
	Superseded(String),
}

impl Outcome {
	/// The `outcome` column.
	pub fn name(&self) -> &'static str {
		match self {
			Self::Accepted => "accepted",
			Self::Refused(_) => "refused",
			Self::Tamper => "tamper",
			Self::Implausible => "implausible",
			Self::Superseded(_) => "superseded",
		}
	}

	/// The `reason` column.
	pub fn reason(&self) -> Option<&str> {
		match self {
			Self::Refused(reason) | Self::Superseded(reason) => Some(reason),
			_ => None,
		}
	}
}

/// A finalized block.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Finalized {
	/// Its number.
	pub number: u64,
	/// Its hash.
	pub hash: H256,
}

/// What the chain says of a meter at a finalized block, as far as settling its pending
/// readings goes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct MeterProgress {
	/// The `seq` of the meter's last reading on chain (0: none since registration).
	pub last_seq: u64,
	/// Readings timestamped before this are refused (registration or last key rotation).
	pub readings_from_ms: u64,
}

/// One reading's outcome, as served.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct ReadingOutcome {
	/// The reading's `seq`.
	pub seq: u64,
	/// `pending`, `accepted`, `refused`, `tamper`, `implausible` or `superseded`.
	pub outcome: String,
	/// Why, for `refused` and `superseded`.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub reason: Option<String>,
	/// The finalized block that settled it.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub block: Option<u64>,
	/// That block's hash.
	#[serde(skip_serializing_if = "Option::is_none")]
	pub block_hash: Option<String>,
}

impl Store {
	/// Records what `block` settled, in one transaction with the follower's progress (so a
	/// crash never leaves a block half recorded): `outcomes` of readings carried by its
	/// ingest calls, then, for each meter in `progress`, its pending readings that its chain
	/// state settles ([`MeterProgress`]), and `decommissioned` meters' pending readings as
	/// refused. Only pending readings change. Returns how many readings were settled.
	pub fn settle(
		&self,
		block: Finalized,
		outcomes: &[(MeterId, u64, Outcome)],
		progress: &[(MeterId, MeterProgress)],
		decommissioned: &[MeterId],
		now_ms: u64,
	) -> Result<u64, StoreError> {
		let mut conn = self.writer();
		let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
		let mut settled = 0u64;
		let number = to_sql(block.number);
		let hash = block.hash.as_bytes();
		{
			let mut one = tx.prepare_cached(
				"UPDATE readings SET outcome = ?3, reason = ?4, block = ?5, block_hash = ?6,
				 settled_ms = ?7 WHERE meter = ?1 AND seq = ?2 AND outcome IS NULL",
			)?;
			for (meter, seq, outcome) in outcomes {
				settled += one.execute(params![
					to_sql(*meter),
					to_sql(*seq),
					outcome.name(),
					outcome.reason(),
					number,
					hash,
					to_sql(now_ms)
				])? as u64;
			}
			// Seqs are compared as SQLite integers: below 2^63 (meters count from 1).
			let mut passed = tx.prepare_cached(
				"UPDATE readings SET outcome = 'superseded', reason = ?3, block = ?4,
				 block_hash = ?5, settled_ms = ?6
				 WHERE meter = ?1 AND seq >= 0 AND seq <= ?2 AND outcome IS NULL",
			)?;
			let mut early = tx.prepare_cached(
				"UPDATE readings SET outcome = 'refused', reason = 'BeforeRegistration',
				 block = ?3, block_hash = ?4, settled_ms = ?5
				 WHERE meter = ?1 AND at_ms < ?2 AND outcome IS NULL",
			)?;
			for (meter, meter_progress) in progress {
				settled += early.execute(params![
					to_sql(*meter),
					to_sql(meter_progress.readings_from_ms),
					number,
					hash,
					to_sql(now_ms)
				])? as u64;
				let reason = format!(
					"the chain's last reading of meter {meter} is seq {}",
					meter_progress.last_seq
				);
				settled += passed.execute(params![
					to_sql(*meter),
					to_sql(meter_progress.last_seq),
					reason,
					number,
					hash,
					to_sql(now_ms)
				])? as u64;
			}
			let mut gone = tx.prepare_cached(
				"UPDATE readings SET outcome = 'refused', reason = 'UnknownMeter', block = ?2,
				 block_hash = ?3, settled_ms = ?4 WHERE meter = ?1 AND outcome IS NULL",
			)?;
			for meter in decommissioned {
				settled +=
					gone.execute(params![to_sql(*meter), number, hash, to_sql(now_ms)])? as u64;
			}
		}
		tx.execute(
			"INSERT INTO follower (id, block, hash) VALUES (1, ?1, ?2)
			 ON CONFLICT (id) DO UPDATE SET block = excluded.block, hash = excluded.hash",
			params![number, hash],
		)?;
		tx.commit()?;
		Ok(settled)
	}

	/// The last finalized block recorded by [`Store::settle`], if any.
	pub fn followed(&self) -> Result<Option<Finalized>, StoreError> {
		let conn = self.reader();
		let row: Option<(i64, Vec<u8>)> = conn
			.query_row("SELECT block, hash FROM follower WHERE id = 1", [], |row| {
				Ok((row.get(0)?, row.get(1)?))
			})
			.optional()?;
		Ok(row.map(|(number, hash)| Finalized {
			number: from_sql(number),
			hash: H256::from_slice(&hash),
		}))
	}

	/// The outcomes of the readings of `meter`'s current device with a `seq` above `after`, in
	/// `seq` order, at most `limit` of them.
	pub fn outcomes(
		&self,
		meter: MeterId,
		after: u64,
		limit: u32,
	) -> Result<Vec<ReadingOutcome>, StoreError> {
		let Ok(after) = i64::try_from(after) else { return Ok(Vec::new()) };
		let conn = self.reader();
		// The current device's readings (a replaced device's are not the meter's any more).
		let mut stmt = conn.prepare_cached(
			"SELECT seq, outcome, reason, block, block_hash FROM readings
			 WHERE meter = ?1 AND seq > ?2
			   AND epoch = (SELECT MAX(epoch) FROM readings WHERE meter = ?1)
			 ORDER BY seq LIMIT ?3",
		)?;
		let rows = stmt.query_map(params![to_sql(meter), after, i64::from(limit)], |row| {
			let block: Option<i64> = row.get(3)?;
			let hash: Option<Vec<u8>> = row.get(4)?;
			Ok(ReadingOutcome {
				seq: from_sql(row.get(0)?),
				outcome: row.get::<_, Option<String>>(1)?.unwrap_or_else(|| "pending".into()),
				reason: row.get(2)?,
				block: block.map(from_sql),
				block_hash: hash.map(|hash| format!("0x{}", hex::encode(hash))),
			})
		})?;
		rows.map(|row| row.map_err(StoreError::from)).collect()
	}

	/// Deletes at most `limit` readings settled before `before_ms`, keeping each meter's
	/// latest reading; returns how many were deleted. Pending readings are never deleted.
	pub fn prune(&self, before_ms: u64, limit: u32) -> Result<u64, StoreError> {
		let conn = self.writer();
		let removed = conn.execute(
			"DELETE FROM readings WHERE cursor IN (
				SELECT old.cursor FROM readings AS old
				WHERE old.settled_ms IS NOT NULL AND old.settled_ms < ?1
				  AND EXISTS (SELECT 1 FROM readings AS newer
				              WHERE newer.meter = old.meter AND newer.seq > old.seq)
				LIMIT ?2)",
			params![to_sql(before_ms), i64::from(limit)],
		)? as u64;
		self.forget(removed);
		Ok(removed)
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::store::InsertOutcome;
	use wattcoin_primitives::reading::{dev, Reading, SignedReading};

	const GENESIS: H256 = H256::repeat_byte(7);

	fn store_with(readings: &[(MeterId, u64, u64)]) -> (tempfile::TempDir, Store) {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path().join("db.sqlite"), GENESIS).unwrap();
		let pair = dev::dev_meter_pair(0);
		let batch: Vec<_> = readings
			.iter()
			.map(|&(meter, seq, at_ms)| {
				let reading = Reading { meter, seq, at_ms, cumulative_wh: seq * 10, flags: 0 };
				SignedReading::sign_sr25519(reading, GENESIS, &pair)
			})
			.collect();
		let inserted = store.insert_batch(&batch, 1).unwrap();
		assert!(inserted.iter().all(|o| matches!(o, InsertOutcome::New(_))));
		(dir, store)
	}

	fn block(number: u64) -> Finalized {
		Finalized { number, hash: H256::repeat_byte(number as u8) }
	}

	fn names(store: &Store, meter: MeterId) -> Vec<(u64, String, Option<String>)> {
		store
			.outcomes(meter, 0, 100)
			.unwrap()
			.into_iter()
			.map(|o| (o.seq, o.outcome, o.reason))
			.collect()
	}

	#[test]
	fn readings_are_pending_until_a_finalized_block_settles_them() {
		let (_dir, store) = store_with(&[(1000, 1, 10), (1000, 2, 20), (1000, 3, 30)]);
		assert_eq!(store.followed().unwrap(), None);
		assert!(names(&store, 1000).iter().all(|(_, outcome, _)| outcome == "pending"));

		let settled = store
			.settle(
				block(5),
				&[
					(1000, 1, Outcome::Accepted),
					(1000, 2, Outcome::Refused("NotNextReading".into())),
				],
				&[],
				&[],
				100,
			)
			.unwrap();
		assert_eq!(settled, 2);
		assert_eq!(store.followed().unwrap(), Some(block(5)));
		assert_eq!(
			names(&store, 1000),
			vec![
				(1, "accepted".into(), None),
				(2, "refused".into(), Some("NotNextReading".into())),
				(3, "pending".into(), None)
			]
		);
		let first = &store.outcomes(1000, 0, 1).unwrap()[0];
		assert_eq!(
			(first.block, first.block_hash.clone()),
			(Some(5), Some(format!("0x{}", "05".repeat(32))))
		);
	}

	#[test]
	fn the_first_outcome_stays() {
		let (_dir, store) = store_with(&[(1000, 1, 10)]);
		store.settle(block(5), &[(1000, 1, Outcome::Tamper)], &[], &[], 100).unwrap();
		// A later batch carrying the same reading (a duplicate, no event) changes nothing.
		let settled =
			store.settle(block(6), &[(1000, 1, Outcome::Accepted)], &[], &[], 200).unwrap();
		assert_eq!(settled, 0);
		assert_eq!(names(&store, 1000), vec![(1, "tamper".into(), None)]);
		assert_eq!(store.followed().unwrap(), Some(block(6)));
	}

	#[test]
	fn the_chain_state_settles_what_no_block_carried() {
		let (_dir, store) = store_with(&[
			(1000, 1, 10),
			(1000, 2, 20),
			(1000, 5, 50),
			(1001, 1, 10),
			(1002, 1, 10),
		]);
		store
			.settle(
				block(9),
				&[],
				&[
					// Meter 1000's chain state is at seq 3 (it declared a gap past seq 2).
					(1000, MeterProgress { last_seq: 3, readings_from_ms: 0 }),
					// Meter 1001's key was rotated at 15: its reading from 10 can never count.
					(1001, MeterProgress { last_seq: 0, readings_from_ms: 15 }),
				],
				&[1002],
				100,
			)
			.unwrap();
		let superseded = Some("the chain's last reading of meter 1000 is seq 3".to_string());
		assert_eq!(
			names(&store, 1000),
			vec![
				(1, "superseded".into(), superseded.clone()),
				(2, "superseded".into(), superseded),
				(5, "pending".into(), None)
			]
		);
		assert_eq!(
			names(&store, 1001),
			vec![(1, "refused".into(), Some("BeforeRegistration".into()))]
		);
		assert_eq!(names(&store, 1002), vec![(1, "refused".into(), Some("UnknownMeter".into()))]);
	}

	#[test]
	fn a_replacement_device_counts_its_own_seq_beside_the_device_it_replaced() {
		let (_dir, store) = store_with(&[(1000, 1, 10), (1000, 2, 20)]);
		let pair = dev::dev_meter_pair(1);
		let first = Reading { meter: 1000, seq: 1, at_ms: 50, cumulative_wh: 3, flags: 0 };
		let signed = SignedReading::sign_sr25519(first, GENESIS, &pair);
		// Under the old device's epoch it conflicts with its seq 1 ...
		assert!(matches!(
			store.insert_batch(std::slice::from_ref(&signed), 2),
			Err(StoreError::Conflict { .. })
		));
		// ... under the new device's (its key rotated at 40) it is a reading of its own.
		let inserted = store.insert_batch_in(std::slice::from_ref(&signed), |_| 40, 2).unwrap();
		assert!(matches!(inserted[..], [InsertOutcome::New(3)]));
		assert_eq!(store.count(), 3);
		// Outcomes are the current device's.
		assert_eq!(names(&store, 1000), vec![(1, "pending".into(), None)]);
		assert_eq!(store.last_reading(1000).unwrap().unwrap().signed.reading.at_ms, 50);
	}

	#[test]
	fn pruning_deletes_old_settled_readings_but_each_meters_latest_and_the_pending() {
		let (_dir, store) =
			store_with(&[(1000, 1, 10), (1000, 2, 20), (1000, 3, 30), (1001, 1, 10)]);
		let all = [
			(1000, 1, Outcome::Accepted),
			(1000, 2, Outcome::Accepted),
			(1001, 1, Outcome::Accepted),
		];
		store.settle(block(5), &all, &[], &[], 1_000).unwrap();
		assert_eq!(store.count(), 4);
		// Nothing settled before 1,000.
		assert_eq!(store.prune(1_000, 100).unwrap(), 0);
		// Meter 1000's seq 1 and 2 are settled and older, but seq 3 (pending) is its latest,
		// so both go; meter 1001's only reading is its latest and stays.
		assert_eq!(store.prune(1_001, 1).unwrap(), 1, "at most the limit");
		assert_eq!(store.prune(1_001, 100).unwrap(), 1);
		assert_eq!(store.count(), 2);
		assert_eq!(names(&store, 1000), vec![(3, "pending".into(), None)]);
		assert_eq!(names(&store, 1001), vec![(1, "accepted".into(), None)]);
		// The cursor order of what is left is kept, and the pending reading is still served.
		let page = store.page(0, 10).unwrap();
		assert_eq!(
			page.iter().map(|r| (r.signed.reading.meter, r.signed.reading.seq)).collect::<Vec<_>>(),
			vec![(1000, 3), (1001, 1)]
		);
	}
}
