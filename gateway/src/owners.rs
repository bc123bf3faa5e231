//! Since when each meter has had its owner, and the readings its owner may read.
//!
//! A household reads its meter's readings at `GET /v1/meters/{meter}/readings`
//! ([`crate::readers`]), and only its own: a house sold (`set_owner` or
//! `force_transfer_meter` on chain) must not show the new owner the old one's load curve. The
//! chain does not record when an owner changed, so the gateway does, as it follows the chain:
//!
//! - a meter it meets for the first time has been its owner's since it was registered (its
//!   `readings_from_ms`), but never before the gateway began tracking owners (a database
//!   migrated from schema 3 or older may hold readings of an earlier owner);
//! - a meter whose owner differs from the one recorded changed hands at the finalized block
//!   where the gateway saw it (that block's time): readings before it are the earlier owner's.
//!
//! A gateway that was down while a meter changed hands learns it later than it happened: the
//! new owner then misses some of its first readings, and never sees the earlier owner's.

use crate::store::{from_sql, to_sql, Store, StoreError};
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use wattcoin_primitives::MeterId;

/// One reading as its owner reads it: what the meter measured, and what became of it.
#[derive(Clone, PartialEq, Eq, Debug, Serialize)]
pub struct OwnerReading {
	/// The gateway's cursor (page with `after`).
	pub cursor: u64,
	/// The meter's sequence number.
	pub seq: u64,
	/// When the meter took it (ms since the Unix epoch).
	pub at_ms: u64,
	/// The meter's register, in Wh.
	pub cumulative_wh: u64,
	/// The reading's flags (`docs/protocol.md`).
	pub flags: u8,
	/// `pending`, `accepted`, `refused`, `tamper`, `implausible` or `superseded`.
	pub outcome: String,
	/// Why, for `refused` and `superseded`.
	pub reason: Option<String>,
	/// The finalized block that settled it.
	pub block: Option<u64>,
}

impl Store {
	/// Records the owners of `meters` (`(meter, owner, readings_from_ms)`) as the chain has them
	/// at a finalized block of time `block_ms`, and returns since when each has had its owner,
	/// in the same order (see the module documentation).
	pub fn note_owners(
		&self,
		meters: &[(MeterId, [u8; 32], u64)],
		block_ms: u64,
	) -> Result<Vec<u64>, StoreError> {
		let mut conn = self.writer();
		let tx = conn.transaction()?;
		let tracked_from: i64 =
			tx.query_row("SELECT owners_from_ms FROM chain WHERE id = 1", [], |row| row.get(0))?;
		let mut since = Vec::with_capacity(meters.len());
		{
			let mut get =
				tx.prepare_cached("SELECT owner, since_ms FROM owners WHERE meter = ?1")?;
			let mut put = tx.prepare_cached(
				"INSERT INTO owners (meter, owner, since_ms) VALUES (?1, ?2, ?3)
				 ON CONFLICT (meter) DO UPDATE SET owner = excluded.owner,
				                                   since_ms = excluded.since_ms",
			)?;
			for (meter, owner, readings_from_ms) in meters {
				let known: Option<(Vec<u8>, i64)> = get
					.query_row([to_sql(*meter)], |row| Ok((row.get(0)?, row.get(1)?)))
					.optional()?;
				let from = match known {
					Some((known, from)) if known == owner => from_sql(from),
					Some(_) => {
						tracing::info!(
							meter,
							"the meter changed hands: its new owner reads from now on"
						);
						block_ms.max(*readings_from_ms)
					},
					None => (*readings_from_ms).max(from_sql(tracked_from)),
				};
				put.execute(params![to_sql(*meter), &owner[..], to_sql(from)])?;
				since.push(from);
			}
		}
		tx.commit()?;
		Ok(since)
	}

	/// At most `limit` readings of `meter` taken at or after `since_ms`, after cursor `after`,
	/// in cursor order.
	pub fn owner_readings(
		&self,
		meter: MeterId,
		since_ms: u64,
		after: u64,
		limit: u32,
	) -> Result<Vec<OwnerReading>, StoreError> {
		let Ok(after) = i64::try_from(after) else { return Ok(Vec::new()) };
		let conn = self.reader();
		let mut stmt = conn.prepare_cached(
			"SELECT cursor, seq, at_ms, cumulative_wh, flags, outcome, reason, block FROM readings
			 WHERE meter = ?1 AND at_ms >= ?2 AND cursor > ?3 ORDER BY cursor LIMIT ?4",
		)?;
		let rows = stmt.query_map(
			params![to_sql(meter), to_sql(since_ms), after, i64::from(limit)],
			|row| {
				Ok(OwnerReading {
					cursor: from_sql(row.get(0)?),
					seq: from_sql(row.get(1)?),
					at_ms: from_sql(row.get(2)?),
					cumulative_wh: from_sql(row.get(3)?),
					flags: row.get(4)?,
					outcome: row.get::<_, Option<String>>(5)?.unwrap_or_else(|| "pending".into()),
					reason: row.get(6)?,
					block: row.get::<_, Option<i64>>(7)?.map(from_sql),
				})
			},
		)?;
		rows.map(|row| row.map_err(StoreError::from)).collect()
	}
}

#[cfg(test)]
mod tests {
	use crate::store::Store;
	use sp_core::H256;
	use wattcoin_primitives::reading::{dev, Reading, SignedReading};

	const GENESIS: H256 = H256([3; 32]);

	fn signed(seq: u64, at_ms: u64) -> SignedReading {
		let reading = Reading { meter: 1_000, seq, at_ms, cumulative_wh: seq * 10, flags: 0 };
		SignedReading::sign(reading, GENESIS, &dev::dev_meter_pair(0))
	}

	#[test]
	fn an_owner_reads_from_the_time_the_meter_became_theirs() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path().join("db.sqlite"), GENESIS).unwrap();
		let batch: Vec<_> = (1..=6).map(|seq| signed(seq, seq * 1_000)).collect();
		store.insert_batch(&batch, 1).unwrap();
		let (alice, bob) = ([1; 32], [2; 32]);
		// First seen: the owner's since registration (2,000).
		assert_eq!(store.note_owners(&[(1_000, alice, 2_000)], 9_000).unwrap(), [2_000]);
		let seqs = |since| -> Vec<u64> {
			store.owner_readings(1_000, since, 0, 100).unwrap().iter().map(|r| r.seq).collect()
		};
		assert_eq!(seqs(2_000), [2, 3, 4, 5, 6]);
		// Seen again with the same owner: unchanged, whatever the block's time.
		assert_eq!(store.note_owners(&[(1_000, alice, 2_000)], 9_500).unwrap(), [2_000]);
		// Sold at a block of time 4,500: Bob reads from then on, never Alice's readings.
		assert_eq!(store.note_owners(&[(1_000, bob, 2_000)], 4_500).unwrap(), [4_500]);
		assert_eq!(seqs(4_500), [5, 6]);
		// Paging by cursor.
		let page = store.owner_readings(1_000, 4_500, 5, 100).unwrap();
		assert_eq!(page.len(), 1);
		assert_eq!((page[0].seq, page[0].outcome.as_str()), (6, "pending"));
		// Kept across a restart.
		drop(store);
		let store = Store::open(dir.path().join("db.sqlite"), GENESIS).unwrap();
		assert_eq!(store.note_owners(&[(1_000, bob, 2_000)], 9_900).unwrap(), [4_500]);
	}

	#[test]
	fn a_migrated_database_serves_nothing_from_before_it_tracked_owners() {
		let dir = tempfile::tempdir().unwrap();
		let path = dir.path().join("db.sqlite");
		drop(Store::open(&path, GENESIS).unwrap());
		// As a schema-3 database migrated at time 7,000 would be.
		let conn = rusqlite::Connection::open(&path).unwrap();
		conn.execute("UPDATE chain SET owners_from_ms = 7000", []).unwrap();
		drop(conn);
		let store = Store::open(&path, GENESIS).unwrap();
		assert_eq!(store.note_owners(&[(1_000, [1; 32], 2_000)], 9_000).unwrap(), [7_000]);
	}
}
