//! The store's SQLite schema, its versions, and the migration from each older version, run
//! when a database is opened: version 1 had the readings only; version 2 binds the database to
//! the genesis hash of the chain it was created for (the `chain` table).

use crate::store::StoreError;
use rusqlite::{Connection, OptionalExtension};
use sp_core::H256;
use std::path::Path;

/// The schema version this gateway writes (`PRAGMA user_version`): 2 binds the database to a
/// genesis hash (the `chain` table); 1 had the readings only, and is migrated when opened.
pub const SCHEMA_VERSION: i64 = 2;

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

/// Creates or migrates the schema and checks the database is bound to `genesis`, in one
/// transaction: on any error nothing was changed.
pub(crate) fn migrate(conn: &mut Connection, path: &Path, genesis: H256) -> Result<(), StoreError> {
	let tx = conn.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate)?;
	let version: i64 = tx.pragma_query_value(None, "user_version", |row| row.get(0))?;
	let bind = |tx: &rusqlite::Transaction<'_>| -> Result<(), StoreError> {
		tx.execute_batch(SCHEMA_V2_CHAIN)?;
		tx.execute("INSERT INTO chain (id, genesis_hash) VALUES (1, ?1)", [genesis.as_bytes()])?;
		tx.pragma_update(None, "user_version", SCHEMA_VERSION)?;
		Ok(())
	};
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
			false
		},
		1 => {
			bind(&tx)?;
			true
		},
		SCHEMA_VERSION => false,
		other => {
			return Err(StoreError::Schema(format!(
				"{} has schema version {other}; this gateway knows versions 1 and \
				 {SCHEMA_VERSION}",
				path.display()
			)))
		},
	};
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
