//! Durable storage of accepted readings in SQLite.
//!
//! One table, `readings`, keyed by an `AUTOINCREMENT` cursor (so a cursor is never reused,
//! even if rows were ever deleted) with `UNIQUE (meter, seq)`, and a one-row table, `chain`,
//! with the genesis hash of the chain the database was created for: a gateway started for
//! another chain refuses it ([`StoreError::WrongChain`]). The database runs in WAL mode
//! with `synchronous = FULL`: [`Store::insert_batch`] returns only after its transaction is
//! committed and synced, so a reading the gateway acknowledged survives the process being
//! killed (and a power cut, as far as the disk honours `fsync`).
//!
//! SQLite integers are signed 64-bit: the `u64` fields of a reading are stored as the `i64`
//! with the same bits (values up to `i64::MAX`, which every real meter id, seq, timestamp and
//! register is, read the same in the `sqlite3` shell). The mapping is a bijection, so
//! `UNIQUE (meter, seq)` keeps its meaning for every value.

use crate::schema;
pub use crate::schema::SCHEMA_VERSION;
use codec::{DecodeAll, Encode};
use rusqlite::{params, Connection, OpenFlags, OptionalExtension};
use sp_core::H256;
use sp_runtime::MultiSignature;
use std::{
	fs::{File, OpenOptions},
	ops::Deref,
	path::{Path, PathBuf},
	sync::{
		atomic::{AtomicU64, Ordering},
		Condvar, Mutex, MutexGuard,
	},
	time::Duration,
};
use wattcoin_primitives::{
	gateway::Cursor,
	reading::{Reading, SignedReading},
	MeterId,
};

/// How many read-only connections serve reads at once (in WAL mode they never wait for the
/// writer nor for each other).
pub const READER_CONNECTIONS: usize = 4;

/// How long a connection waits for a lock held by the other connection.
const BUSY_TIMEOUT: Duration = Duration::from_secs(10);

/// A reading as stored, with its cursor.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct StoredReading {
	/// The gateway's cursor of the reading.
	pub cursor: Cursor,
	/// The signed reading.
	pub signed: SignedReading,
}

/// What [`Store::insert_batch`] did with one reading.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InsertOutcome {
	/// Stored now, at this cursor.
	New(Cursor),
	/// The same reading (same meter, seq, time, register and flags) was already stored at
	/// this cursor; nothing was written.
	Duplicate(Cursor),
}

impl InsertOutcome {
	/// The cursor the reading is stored at.
	pub fn cursor(&self) -> Cursor {
		match *self {
			Self::New(cursor) | Self::Duplicate(cursor) => cursor,
		}
	}
}

/// Why the store failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
	/// SQLite failed.
	#[error("database error: {0}")]
	Sqlite(#[from] rusqlite::Error),
	/// The lock file could not be created or taken.
	#[error("cannot lock {path}: {reason}")]
	Lock {
		/// The lock file.
		path: PathBuf,
		/// Why.
		reason: String,
	},
	/// The database was written by a newer gateway or is not a gateway database.
	#[error("{0}")]
	Schema(String),
	/// The database holds the readings of another chain.
	#[error(
		"{path} is the database of the chain with genesis hash {stored:?}, not of this \
		 gateway's chain {expected:?}: give this chain its own database with another --db \
		 (or start the gateway for the chain the database belongs to)"
	)]
	WrongChain {
		/// The database.
		path: PathBuf,
		/// The genesis hash it is bound to.
		stored: H256,
		/// The genesis hash the gateway was started with.
		expected: H256,
	},
	/// The batch's reading `index` has the `(meter, seq)` of a stored reading with different
	/// content. Nothing of the batch was stored.
	#[error("meter {meter} seq {seq} is already stored (cursor {cursor}) with different content")]
	Conflict {
		/// Position of the reading in the batch.
		index: usize,
		/// Its meter.
		meter: MeterId,
		/// Its seq.
		seq: u64,
		/// Where the other reading is stored.
		cursor: Cursor,
	},
	/// A stored row cannot be read back (the database was altered by something else).
	#[error("corrupt row at cursor {cursor}: {what}")]
	Corrupt {
		/// The row.
		cursor: Cursor,
		/// What is wrong with it.
		what: String,
	},
}

/// The gateway's reading store, bound to one chain.
///
/// One connection writes (behind a mutex, so writes are serialized), a pool of
/// [`READER_CONNECTIONS`] read: in WAL mode readers never wait for the writer, and several
/// reads run at once. Every method blocks on SQLite and its disk: call them from a blocking
/// context (`tokio::task::spawn_blocking`).
pub struct Store {
	writer: Mutex<Connection>,
	readers: ReaderPool,
	path: PathBuf,
	genesis: H256,
	count: AtomicU64,
	last_cursor: AtomicU64,
	/// Held (with an exclusive advisory lock) for as long as the store is open, so that two
	/// gateways never share one database.
	_lock: File,
}

/// `u64` to the SQLite integer with the same bits.
pub(crate) fn to_sql(value: u64) -> i64 {
	value as i64
}

/// The SQLite integer back to its `u64`.
pub(crate) fn from_sql(value: i64) -> u64 {
	value as u64
}

fn lock_path(path: &Path) -> PathBuf {
	let mut name = path.as_os_str().to_owned();
	name.push(".lock");
	PathBuf::from(name)
}

/// The read-only connections, each lent to one read at a time.
struct ReaderPool {
	idle: Mutex<Vec<Connection>>,
	returned: Condvar,
}

/// A reader lent by the pool, given back when dropped.
struct PooledReader<'a> {
	pool: &'a ReaderPool,
	conn: Option<Connection>,
}

impl ReaderPool {
	/// A reader; waits for one to be given back if all are lent.
	fn get(&self) -> PooledReader<'_> {
		let mut idle = self.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		loop {
			if let Some(conn) = idle.pop() {
				return PooledReader { pool: self, conn: Some(conn) };
			}
			idle = self.returned.wait(idle).unwrap_or_else(|poisoned| poisoned.into_inner());
		}
	}
}

impl Deref for PooledReader<'_> {
	type Target = Connection;

	fn deref(&self) -> &Connection {
		self.conn.as_ref().expect("present until dropped")
	}
}

impl Drop for PooledReader<'_> {
	fn drop(&mut self) {
		if let Some(conn) = self.conn.take() {
			let mut idle = self.pool.idle.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
			idle.push(conn);
			self.pool.returned.notify_one();
		}
	}
}

impl Store {
	/// Opens (creating if needed) the database at `path` for the chain with genesis hash
	/// `genesis`.
	///
	/// A new database is bound to `genesis`; a version-1 database (not bound yet) is migrated
	/// to version 2 and bound to `genesis`, in one transaction. Fails if another process has
	/// it open through a `Store` (an exclusive lock on `PATH.lock`), if it was written by a
	/// newer schema version, or if it is bound to another genesis hash
	/// ([`StoreError::WrongChain`], and then the database is left as it was).
	pub fn open(path: impl AsRef<Path>, genesis: H256) -> Result<Self, StoreError> {
		let path = path.as_ref().to_path_buf();
		let lock_file = lock_path(&path);
		let lock = OpenOptions::new()
			.create(true)
			.truncate(false)
			.write(true)
			.open(&lock_file)
			.map_err(|e| StoreError::Lock { path: lock_file.clone(), reason: e.to_string() })?;
		lock.try_lock().map_err(|e| StoreError::Lock {
			path: lock_file.clone(),
			reason: match e {
				std::fs::TryLockError::WouldBlock => {
					"the database is in use by another gateway".to_string()
				},
				std::fs::TryLockError::Error(e) => e.to_string(),
			},
		})?;

		let mut writer = Connection::open_with_flags(
			&path,
			OpenFlags::SQLITE_OPEN_READ_WRITE
				| OpenFlags::SQLITE_OPEN_CREATE
				| OpenFlags::SQLITE_OPEN_NO_MUTEX,
		)?;
		writer.busy_timeout(BUSY_TIMEOUT)?;
		let mode: String =
			writer.pragma_update_and_check(None, "journal_mode", "WAL", |row| row.get(0))?;
		if !mode.eq_ignore_ascii_case("wal") {
			return Err(StoreError::Schema(format!(
				"cannot switch {} to WAL mode (journal_mode is {mode})",
				path.display()
			)));
		}
		// FULL: every commit is synced, the WAL included, before it returns.
		writer.pragma_update(None, "synchronous", "FULL")?;
		schema::migrate(&mut writer, &path, genesis)?;

		let readers = (0..READER_CONNECTIONS)
			.map(|_| {
				let reader = Connection::open_with_flags(
					&path,
					OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX,
				)?;
				reader.busy_timeout(BUSY_TIMEOUT)?;
				Ok(reader)
			})
			.collect::<Result<Vec<_>, StoreError>>()?;

		let (count, last): (i64, Option<i64>) =
			writer.query_row("SELECT COUNT(*), MAX(cursor) FROM readings", [], |row| {
				Ok((row.get(0)?, row.get(1)?))
			})?;
		Ok(Self {
			writer: Mutex::new(writer),
			readers: ReaderPool { idle: Mutex::new(readers), returned: Condvar::new() },
			path,
			genesis,
			count: AtomicU64::new(count as u64),
			last_cursor: AtomicU64::new(last.unwrap_or(0) as u64),
			_lock: lock,
		})
	}

	/// The genesis hash of the chain the database is for.
	pub fn genesis(&self) -> H256 {
		self.genesis
	}

	/// The database file.
	pub fn path(&self) -> &Path {
		&self.path
	}

	/// How many readings are stored.
	pub fn count(&self) -> u64 {
		self.count.load(Ordering::Acquire)
	}

	/// The cursor of the last stored reading, `0` if none.
	pub fn last_cursor(&self) -> Cursor {
		self.last_cursor.load(Ordering::Acquire)
	}

	/// The writing connection, for the other modules' writes (outcomes, pruning).
	pub(crate) fn writer(&self) -> MutexGuard<'_, Connection> {
		Self::lock(&self.writer)
	}

	/// A reading connection from the pool.
	pub(crate) fn reader(&self) -> impl Deref<Target = Connection> + '_ {
		self.readers.get()
	}

	/// Takes `removed` pruned readings off the count.
	pub(crate) fn forget(&self, removed: u64) {
		self.count.fetch_sub(removed.min(self.count()), Ordering::AcqRel);
	}

	fn lock(conn: &Mutex<Connection>) -> MutexGuard<'_, Connection> {
		// A panic while holding the lock cannot leave the connection inconsistent (SQLite
		// rolls back an unfinished transaction when the `Transaction` is dropped).
		conn.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
	}

	/// Stores `readings` in one transaction, committed (and synced) before this returns.
	///
	/// A reading whose `(meter, seq)` is already stored with the same reading fields is a
	/// duplicate and is not stored again (its signature is not compared: sr25519 signatures
	/// are randomised, so a meter re-signing the same reading is still the same reading).
	/// A reading whose `(meter, seq)` is stored with different fields is a
	/// [`StoreError::Conflict`], and then nothing of the batch is stored. Readings repeated
	/// within the batch behave the same way.
	pub fn insert_batch(
		&self,
		readings: &[SignedReading],
		received_ms: u64,
	) -> Result<Vec<InsertOutcome>, StoreError> {
		self.insert_batch_in(readings, |_| 0, received_ms)
	}

	/// [`Store::insert_batch`], each reading stored under its meter's device epoch
	/// (`epoch_of`: the time from which the chain takes the meter's current device's readings):
	/// duplicates and conflicts are looked for among the readings of the same device only, so a
	/// replacement device counting its own `seq` from 1 never conflicts with the one it replaced.
	pub fn insert_batch_in(
		&self,
		readings: &[SignedReading],
		epoch_of: impl Fn(MeterId) -> u64,
		received_ms: u64,
	) -> Result<Vec<InsertOutcome>, StoreError> {
		let mut conn = Self::lock(&self.writer);
		let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
		let mut outcomes = Vec::with_capacity(readings.len());
		let mut new = 0u64;
		let mut last = None;
		{
			let mut find = tx.prepare_cached(
				"SELECT cursor, at_ms, cumulative_wh, flags FROM readings
				 WHERE meter = ?1 AND epoch = ?3 AND seq = ?2",
			)?;
			let mut insert = tx.prepare_cached(
				"INSERT INTO readings
				 (meter, seq, at_ms, cumulative_wh, flags, signature, received_ms, epoch)
				 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)",
			)?;
			for (index, signed) in readings.iter().enumerate() {
				let r = &signed.reading;
				let epoch = to_sql(epoch_of(r.meter));
				let existing = find
					.query_row(params![to_sql(r.meter), to_sql(r.seq), epoch], |row| {
						Ok((
							row.get::<_, i64>(0)?,
							row.get::<_, i64>(1)?,
							row.get::<_, i64>(2)?,
							row.get::<_, i64>(3)?,
						))
					})
					.optional()?;
				let outcome = match existing {
					Some((cursor, at_ms, cumulative_wh, flags)) => {
						let cursor = from_sql(cursor);
						let same = from_sql(at_ms) == r.at_ms
							&& from_sql(cumulative_wh) == r.cumulative_wh
							&& flags == i64::from(r.flags);
						if !same {
							// Dropping `tx` rolls the whole batch back.
							return Err(StoreError::Conflict {
								index,
								meter: r.meter,
								seq: r.seq,
								cursor,
							});
						}
						InsertOutcome::Duplicate(cursor)
					},
					None => {
						insert.execute(params![
							to_sql(r.meter),
							to_sql(r.seq),
							to_sql(r.at_ms),
							to_sql(r.cumulative_wh),
							i64::from(r.flags),
							signed.signature.encode(),
							to_sql(received_ms),
							epoch,
						])?;
						let cursor = from_sql(tx.last_insert_rowid());
						new += 1;
						last = Some(cursor);
						InsertOutcome::New(cursor)
					},
				};
				outcomes.push(outcome);
			}
		}
		tx.commit()?;
		if let Some(last) = last {
			self.count.fetch_add(new, Ordering::AcqRel);
			self.last_cursor.fetch_max(last, Ordering::AcqRel);
		}
		Ok(outcomes)
	}

	/// The readings with a cursor above `after`, in cursor order, at most `limit` of them.
	pub fn page(&self, after: Cursor, limit: u32) -> Result<Vec<StoredReading>, StoreError> {
		// Cursors are positive SQLite integers: nothing is stored above i64::MAX.
		let Ok(after) = i64::try_from(after) else { return Ok(Vec::new()) };
		let conn = self.readers.get();
		let mut stmt = conn.prepare_cached(
			"SELECT cursor, meter, seq, at_ms, cumulative_wh, flags, signature FROM readings
			 WHERE cursor > ?1 ORDER BY cursor LIMIT ?2",
		)?;
		let rows = stmt.query_map(params![after, i64::from(limit)], Self::row_to_raw)?;
		rows.map(|row| row.map_err(StoreError::from).and_then(RawRow::into_stored)).collect()
	}

	/// The cursor of the last stored reading, read from the database (`0` if none).
	pub fn last_cursor_in_db(&self) -> Result<Cursor, StoreError> {
		let conn = self.readers.get();
		let last: i64 =
			conn.query_row("SELECT COALESCE(MAX(cursor), 0) FROM readings", [], |row| row.get(0))?;
		Ok(from_sql(last))
	}

	/// The stored reading of `meter` with the highest `seq` (as a `u64`), if any.
	pub fn last_reading(&self, meter: MeterId) -> Result<Option<StoredReading>, StoreError> {
		let conn = self.readers.get();
		// Both queries walk the UNIQUE (meter, seq) index backwards. Seqs of 2^63 and above
		// are stored as negative integers, so they are looked for first.
		for sql in [
			"SELECT cursor, meter, seq, at_ms, cumulative_wh, flags, signature FROM readings
			 WHERE meter = ?1 AND seq < 0 ORDER BY epoch DESC, seq DESC LIMIT 1",
			"SELECT cursor, meter, seq, at_ms, cumulative_wh, flags, signature FROM readings
			 WHERE meter = ?1 ORDER BY epoch DESC, seq DESC LIMIT 1",
		] {
			let mut stmt = conn.prepare_cached(sql)?;
			if let Some(raw) =
				stmt.query_row(params![to_sql(meter)], Self::row_to_raw).optional()?
			{
				return raw.into_stored().map(Some);
			}
		}
		Ok(None)
	}

	fn row_to_raw(row: &rusqlite::Row<'_>) -> rusqlite::Result<RawRow> {
		Ok(RawRow {
			cursor: row.get(0)?,
			meter: row.get(1)?,
			seq: row.get(2)?,
			at_ms: row.get(3)?,
			cumulative_wh: row.get(4)?,
			flags: row.get(5)?,
			signature: row.get(6)?,
		})
	}

	/// Closes the connections (the writer last, checkpointing the WAL into the database
	/// file), reporting what SQLite says. Dropping the store closes it too, silently.
	pub fn close(self) -> Result<(), StoreError> {
		let Self { writer, readers, .. } = self;
		// No reader is lent: lending borrows the store, which is gone.
		let readers = readers.idle.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
		for reader in readers {
			reader.close().map_err(|(_, e)| e)?;
		}
		let writer = writer.into_inner().unwrap_or_else(|poisoned| poisoned.into_inner());
		writer.close().map_err(|(_, e)| e)?;
		Ok(())
	}
}

struct RawRow {
	cursor: i64,
	meter: i64,
	seq: i64,
	at_ms: i64,
	cumulative_wh: i64,
	flags: i64,
	signature: Vec<u8>,
}

impl RawRow {
	fn into_stored(self) -> Result<StoredReading, StoreError> {
		let cursor = from_sql(self.cursor);
		let corrupt = |what: String| StoreError::Corrupt { cursor, what };
		let flags =
			u8::try_from(self.flags).map_err(|_| corrupt(format!("flags {}", self.flags)))?;
		let signature = MultiSignature::decode_all(&mut &self.signature[..])
			.map_err(|_| corrupt("signature is not a SCALE MultiSignature".into()))?;
		Ok(StoredReading {
			cursor,
			signed: SignedReading {
				reading: Reading {
					meter: from_sql(self.meter),
					seq: from_sql(self.seq),
					at_ms: from_sql(self.at_ms),
					cumulative_wh: from_sql(self.cumulative_wh),
					flags,
				},
				signature,
			},
		})
	}
}

#[cfg(test)]
mod tests;
