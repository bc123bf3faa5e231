//! The store's SQLite schema, its versions, and the migration from each older version, run
//! when a database is opened: version 1 had the readings only; version 2 binds the database to
//! the genesis hash of the chain it was created for (the `chain` table); version 3 records
//! what became of each reading on finalized blocks (the `outcome` columns) and how far the
//! gateway followed the chain (the `follower` table); version 4 records since when each meter
//! has had its current owner (the `owners` table), so that an owner reads only its own
//! readings; version 5 holds each meter's billing history (the `billing` table,
//! [`crate::billing`]).

use crate::store::StoreError;
use rusqlite::{Connection, OptionalExtension};
use sp_core::H256;
use std::path::Path;

/// The schema version this gateway writes (`PRAGMA user_version`): 5 records billing; 4 records owners; 3
/// records outcomes; 2 bound the database to a genesis hash (the `chain` table); 1 had the
/// readings only. Older versions are migrated when opened.
pub const SCHEMA_VERSION: i64 = 5;

/// Version 1: the readings.
pub(crate) const SCHEMA_V1: &str = "
CREATE TABLE readings (
	-- The gateway's cursor: strictly increasing in acceptance order, never reused.
	cursor        INTEGER PRIMARY KEY AUTOINCREMENT,
	meter         INTEGER NOT NULL,
	seq           INTEGER NOT NULL,
	at_ms         INTEGER NOT NULL,
	cumulative_wh INTEGER NOT NULL,
	flags         INTEGER NOT NULL CHECK (flags BETWEEN 0 AND 255),
	-- SCALE encoding of the MultiSignature: scheme byte, then the signature.
	signature     BLOB    NOT NULL,
	-- When the gateway accepted the reading (its own clock, ms since the Unix epoch).
	received_ms   INTEGER NOT NULL,
	UNIQUE (meter, seq)
);
";

/// What version 2 adds: the genesis hash of the chain the database is for, in its one row.
const SCHEMA_V2_CHAIN: &str = "
CREATE TABLE chain (
	id           INTEGER PRIMARY KEY CHECK (id = 1),
	genesis_hash BLOB    NOT NULL CHECK (length(genesis_hash) = 32)
);
";

/// What version 3 changes: the readings table is rebuilt with each reading's device epoch
/// (`epoch`: the time from which the chain takes the meter's current device's readings, its
/// registration or last key rotation; `0` when not known), so that a replacement device,
/// which counts its own `seq` from 1, never conflicts with the readings of the device it
/// replaced (`UNIQUE (meter, epoch, seq)`); and with each reading's outcome on finalized
/// blocks (all `NULL` while it is pending). The `follower` table holds the last finalized block
/// the gateway followed. Cursors are kept, and so is the AUTOINCREMENT sequence.
const SCHEMA_V3_OUTCOMES: &str = "
CREATE TABLE readings_v3 (
	cursor        INTEGER PRIMARY KEY AUTOINCREMENT,
	meter         INTEGER NOT NULL,
	epoch         INTEGER NOT NULL DEFAULT 0,
	seq           INTEGER NOT NULL,
	at_ms         INTEGER NOT NULL,
	cumulative_wh INTEGER NOT NULL,
	flags         INTEGER NOT NULL CHECK (flags BETWEEN 0 AND 255),
	signature     BLOB    NOT NULL,
	received_ms   INTEGER NOT NULL,
	-- 'accepted', 'refused', 'tamper', 'implausible' or 'superseded'; NULL while pending.
	outcome       TEXT,
	-- Why, for 'refused' (the chain's RejectReason) and 'superseded'.
	reason        TEXT,
	-- The finalized block that settled it, its hash, and when the gateway saw it (ms).
	block         INTEGER,
	block_hash    BLOB,
	settled_ms    INTEGER,
	UNIQUE (meter, epoch, seq)
);
INSERT INTO readings_v3 (cursor, meter, seq, at_ms, cumulative_wh, flags, signature, received_ms)
	SELECT cursor, meter, seq, at_ms, cumulative_wh, flags, signature, received_ms FROM readings;
INSERT INTO sqlite_sequence (name, seq) SELECT 'readings_v3', 0
	WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'readings_v3');
UPDATE sqlite_sequence
	SET seq = MAX(seq, COALESCE((SELECT seq FROM sqlite_sequence WHERE name = 'readings'), 0))
	WHERE name = 'readings_v3';
DROP TABLE readings;
ALTER TABLE readings_v3 RENAME TO readings;
CREATE INDEX readings_meter_seq ON readings (meter, seq);
CREATE INDEX readings_settled ON readings (settled_ms) WHERE settled_ms IS NOT NULL;
CREATE TABLE follower (
	id     INTEGER PRIMARY KEY CHECK (id = 1),
	block  INTEGER NOT NULL,
	hash   BLOB    NOT NULL CHECK (length(hash) = 32)
);
";

/// What version 4 adds: since when each meter has had its current owner (ms, chain time), and
/// in the `chain` row since when the gateway has tracked owners: a database created before
/// (migrated from an older version) may hold readings of a meter's earlier owner, so nothing
/// before it is served to an owner.
const SCHEMA_V4_OWNERS: &str = "
CREATE TABLE owners (
	meter    INTEGER PRIMARY KEY,
	owner    BLOB    NOT NULL CHECK (length(owner) = 32),
	since_ms INTEGER NOT NULL
);
ALTER TABLE chain ADD COLUMN owners_from_ms INTEGER NOT NULL DEFAULT 0;
";

/// What version 5 adds: each meter's prepaid account at every finalized block that changed
/// it, with what the block debited and topped up ([`crate::billing`]). Amounts are decimal
/// text: a `u128` does not fit SQLite's integers.
const SCHEMA_V5_BILLING: &str = "
CREATE TABLE billing (
	meter          INTEGER NOT NULL,
	block          INTEGER NOT NULL,
	at_ms          INTEGER NOT NULL,
	credit         TEXT    NOT NULL,
	debt           TEXT    NOT NULL,
	emergency_used TEXT    NOT NULL,
	tariff         INTEGER,
	supply         TEXT    NOT NULL,
	topped_up      TEXT    NOT NULL,
	debited        TEXT    NOT NULL,
	PRIMARY KEY (meter, block)
) WITHOUT ROWID;
CREATE INDEX billing_by_time ON billing (at_ms);
";

/// Creates or migrates the schema and checks the database is bound to `genesis`, in one
/// transaction: on any error nothing was changed.
pub(crate) fn migrate(conn: &mut Connection, path: &Path, genesis: H256) -> Result<(), StoreError> {
	let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
	let version: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
	let bind = |tx: &rusqlite::Transaction<'_>| -> Result<(), StoreError> {
		tx.execute_batch(SCHEMA_V2_CHAIN)?;
		tx.execute("INSERT INTO chain (id, genesis_hash) VALUES (1, ?1)", [genesis.as_bytes()])?;
		Ok(())
	};
	let add_outcomes = |tx: &rusqlite::Transaction<'_>| -> Result<(), StoreError> {
		tx.execute_batch(SCHEMA_V3_OUTCOMES)?;
		Ok(())
	};
	// `owners_from`: since when owners are tracked (0 for a new database: it holds nothing yet).
	let add_owners = |tx: &rusqlite::Transaction<'_>, owners_from: u64| {
		tx.execute_batch(SCHEMA_V4_OWNERS)?;
		tx.execute("UPDATE chain SET owners_from_ms = ?1", [crate::store::to_sql(owners_from)])?;
		Ok::<_, StoreError>(())
	};
	let now = crate::ingest::now_ms();
	let migrated_from_v1 = match version {
		0 => {
			let tables: i64 =
				tx.query_row("SELECT COUNT(*) FROM sqlite_schema", [], |row| row.get(0))?;
			if tables != 0 {
				return Err(StoreError::Schema(format!(
					"{} is an SQLite database but not a gateway database",
					path.display()
				)));
			}
			tx.execute_batch(SCHEMA_V1)?;
			bind(&tx)?;
			add_outcomes(&tx)?;
			add_owners(&tx, 0)?;
			false
		},
		1 => {
			bind(&tx)?;
			add_outcomes(&tx)?;
			add_owners(&tx, now)?;
			true
		},
		2 => {
			add_outcomes(&tx)?;
			add_owners(&tx, now)?;
			false
		},
		3 => {
			add_owners(&tx, now)?;
			false
		},
		4 | SCHEMA_VERSION => false,
		other => {
			return Err(StoreError::Schema(format!(
				"{} has schema version {other}; this gateway knows versions 1 to \
				 {SCHEMA_VERSION}",
				path.display()
			)))
		},
	};
	if version < SCHEMA_VERSION {
		tx.execute_batch(SCHEMA_V5_BILLING)?;
		tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
	}
	let stored: Option<Vec<u8>> = tx
		.query_row("SELECT genesis_hash FROM chain WHERE id = 1", [], |row| row.get(0))
		.optional()?;
	let stored = match stored {
		Some(bytes) if bytes.len() == 32 => H256::from_slice(&bytes),
		_ => {
			return Err(StoreError::Schema(format!(
				"{} has no genesis hash in its chain table",
				path.display()
			)))
		},
	};
	if stored != genesis {
		// Dropping `tx` leaves the database as it was.
		return Err(StoreError::WrongChain { path: path.to_path_buf(), stored, expected: genesis });
	}
	tx.commit()?;
	if migrated_from_v1 {
		tracing::warn!(
			db = %path.display(),
			genesis = ?genesis,
			"migrated the database from schema version 1 to {SCHEMA_VERSION}: it is now bound \
			 to genesis hash {genesis:?}, the chain this gateway was started for (version 1 \
			 did not record its chain: if its readings were signed for another chain, the \
			 chain refuses them)"
		);
	}
	Ok(())
}
