use super::*;
use sp_core::{ed25519, Pair, H256};

const GENESIS: H256 = H256([1; 32]);

fn signed(meter: MeterId, seq: u64, cumulative_wh: u64) -> SignedReading {
	let pair = ed25519::Pair::from_seed(&[7; 32]);
	let reading = Reading { meter, seq, at_ms: 1_767_225_600_000 + seq, cumulative_wh, flags: 0 };
	SignedReading::sign_ed25519(reading, GENESIS, &pair)
}

#[test]
fn u64_values_round_trip_through_sqlite_integers() {
	for value in [0, 1, i64::MAX as u64, i64::MAX as u64 + 1, u64::MAX] {
		assert_eq!(from_sql(to_sql(value)), value);
	}
}

#[test]
fn stores_and_pages_in_cursor_order() {
	let dir = tempfile::tempdir().unwrap();
	let store = Store::open(dir.path().join("db.sqlite"), GENESIS).unwrap();
	let batch: Vec<_> = (1..=5).map(|seq| signed(1, seq, 100 * seq)).collect();
	let outcomes = store.insert_batch(&batch, 1).unwrap();
	assert_eq!(outcomes, (1..=5).map(InsertOutcome::New).collect::<Vec<_>>());
	assert_eq!((store.count(), store.last_cursor()), (5, 5));

	let page = store.page(0, 3).unwrap();
	assert_eq!(page.iter().map(|r| r.cursor).collect::<Vec<_>>(), [1, 2, 3]);
	assert_eq!(page.iter().map(|r| r.signed.clone()).collect::<Vec<_>>(), batch[..3]);
	assert_eq!(store.page(3, 100).unwrap().len(), 2);
	assert!(store.page(5, 100).unwrap().is_empty());
	assert!(store.page(u64::MAX, 100).unwrap().is_empty());
}

#[test]
fn duplicates_are_not_stored_twice_and_conflicts_roll_the_batch_back() {
	let dir = tempfile::tempdir().unwrap();
	let store = Store::open(dir.path().join("db.sqlite"), GENESIS).unwrap();
	store.insert_batch(&[signed(1, 1, 10), signed(1, 2, 20)], 1).unwrap();

	// The same reading again, and a new one: the duplicate keeps its cursor.
	let outcomes = store.insert_batch(&[signed(1, 2, 20), signed(1, 3, 30)], 2).unwrap();
	assert_eq!(outcomes, [InsertOutcome::Duplicate(2), InsertOutcome::New(3)]);
	assert_eq!(store.count(), 3);

	// A new reading, then a different reading with a stored (meter, seq): nothing stored.
	let err = store.insert_batch(&[signed(1, 4, 40), signed(1, 3, 31)], 3).unwrap_err();
	assert!(
		matches!(err, StoreError::Conflict { index: 1, meter: 1, seq: 3, cursor: 3 }),
		"{err:?}"
	);
	assert_eq!((store.count(), store.last_cursor()), (3, 3));
	assert_eq!(store.page(0, 10).unwrap().len(), 3);

	// Within one batch too.
	let err = store.insert_batch(&[signed(2, 1, 1), signed(2, 1, 2)], 4).unwrap_err();
	assert!(matches!(err, StoreError::Conflict { index: 1, meter: 2, seq: 1, .. }), "{err:?}");
	let outcomes = store.insert_batch(&[signed(2, 1, 1), signed(2, 1, 1)], 4).unwrap();
	assert_eq!(outcomes, [InsertOutcome::New(4), InsertOutcome::Duplicate(4)]);
	assert_eq!(store.count(), 4);
}

#[test]
fn reopening_keeps_readings_cursors_and_counters() {
	let dir = tempfile::tempdir().unwrap();
	let path = dir.path().join("db.sqlite");
	let store = Store::open(&path, GENESIS).unwrap();
	store.insert_batch(&[signed(1, 1, 10), signed(1, 2, 20)], 1).unwrap();
	let before = store.page(0, 10).unwrap();
	store.close().unwrap();

	let store = Store::open(&path, GENESIS).unwrap();
	assert_eq!((store.count(), store.last_cursor()), (2, 2));
	assert_eq!(store.page(0, 10).unwrap(), before);
	assert_eq!(store.insert_batch(&[signed(1, 3, 30)], 2).unwrap(), [InsertOutcome::New(3)]);
}

#[test]
fn a_second_store_on_the_same_database_is_refused() {
	let dir = tempfile::tempdir().unwrap();
	let path = dir.path().join("db.sqlite");
	let store = Store::open(&path, GENESIS).unwrap();
	let err = Store::open(&path, GENESIS).err().expect("the database is locked");
	assert!(err.to_string().contains("in use by another gateway"), "{err}");
	drop(store);
	Store::open(&path, GENESIS).unwrap();
}

#[test]
fn refuses_foreign_and_newer_databases() {
	let dir = tempfile::tempdir().unwrap();
	let foreign = dir.path().join("foreign.sqlite");
	Connection::open(&foreign).unwrap().execute_batch("CREATE TABLE t (x)").unwrap();
	let err = Store::open(&foreign, GENESIS).err().expect("not a gateway database");
	assert!(err.to_string().contains("not a gateway database"), "{err}");

	let newer = dir.path().join("newer.sqlite");
	Connection::open(&newer)
		.unwrap()
		.pragma_update(None, "user_version", SCHEMA_VERSION + 1)
		.unwrap();
	let err = Store::open(&newer, GENESIS).err().expect("a newer schema");
	assert!(err.to_string().contains(&format!("schema version {}", SCHEMA_VERSION + 1)), "{err}");
}

#[test]
fn a_database_is_bound_to_the_genesis_hash_it_was_created_for() {
	let dir = tempfile::tempdir().unwrap();
	let path = dir.path().join("db.sqlite");
	let store = Store::open(&path, GENESIS).unwrap();
	assert_eq!(store.genesis(), GENESIS);
	store.insert_batch(&[signed(1, 1, 10)], 1).unwrap();
	store.close().unwrap();

	// Another chain's gateway is refused, naming both hashes and what to do.
	let other = H256::repeat_byte(2);
	let err = Store::open(&path, other).err().expect("a database of another chain");
	assert!(
		matches!(err, StoreError::WrongChain { stored, expected, .. }
			if stored == GENESIS && expected == other),
		"{err:?}"
	);
	let message = err.to_string();
	for needle in [format!("{GENESIS:?}"), format!("{other:?}"), "--db".into()] {
		assert!(message.contains(&needle), "no {needle} in {message}");
	}
	// It was left as it was: the right chain opens it with its reading.
	let store = Store::open(&path, GENESIS).unwrap();
	assert_eq!((store.count(), store.genesis()), (1, GENESIS));
	assert_eq!(store.page(0, 10).unwrap()[0].signed, signed(1, 1, 10));
}

/// 2026-01-01T00:00:00Z.
const T0_2026: i64 = 1_767_225_600_000;

#[test]
fn a_version_1_database_is_migrated_and_bound_to_the_genesis_it_is_opened_with() {
	let dir = tempfile::tempdir().unwrap();
	let path = dir.path().join("v1.sqlite");
	// A database as version 1 of the gateway wrote it, with one reading.
	{
		let conn = Connection::open(&path).unwrap();
		conn.execute_batch(schema::SCHEMA_V1).unwrap();
		conn.pragma_update(None, "user_version", 1).unwrap();
		let r = signed(1, 1, 10);
		conn.execute(
			"INSERT INTO readings
			 (meter, seq, at_ms, cumulative_wh, flags, signature, received_ms)
			 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
			params![1, 1, to_sql(r.reading.at_ms), 10, 0, r.signature.encode(), 5],
		)
		.unwrap();
	}
	let store = Store::open(&path, GENESIS).unwrap();
	assert_eq!((store.count(), store.last_cursor(), store.genesis()), (1, 1, GENESIS));
	assert_eq!(store.page(0, 10).unwrap()[0].signed, signed(1, 1, 10));
	{
		let conn = Store::lock(&store.writer);
		let version: i64 = conn.pragma_query_value(None, "user_version", |r| r.get(0)).unwrap();
		assert_eq!(version, SCHEMA_VERSION);
		let bound: Vec<u8> =
			conn.query_row("SELECT genesis_hash FROM chain", [], |r| r.get(0)).unwrap();
		assert_eq!(bound, GENESIS.as_bytes());
		// Its readings may be of earlier owners: owners read nothing from before the migration.
		let owners_from: i64 =
			conn.query_row("SELECT owners_from_ms FROM chain", [], |r| r.get(0)).unwrap();
		assert!(owners_from > T0_2026, "{owners_from}");
	}
	assert_eq!(store.insert_batch(&[signed(1, 2, 20)], 2).unwrap(), [InsertOutcome::New(2)]);
	store.close().unwrap();
	// From now on it is the database of that chain only.
	let err = Store::open(&path, H256::repeat_byte(2)).err().expect("bound by the migration");
	assert!(matches!(err, StoreError::WrongChain { .. }), "{err:?}");
	assert_eq!(Store::open(&path, GENESIS).unwrap().count(), 2);
}

#[test]
fn last_reading_is_the_highest_seq_as_u64() {
	let dir = tempfile::tempdir().unwrap();
	let store = Store::open(dir.path().join("db.sqlite"), GENESIS).unwrap();
	assert_eq!(store.last_reading(7).unwrap(), None);
	store.insert_batch(&[signed(7, 5, 50), signed(7, 3, 30), signed(8, 9, 90)], 1).unwrap();
	assert_eq!(store.last_reading(7).unwrap().unwrap().signed.reading.seq, 5);
	// A seq above i64::MAX is stored as a negative integer and still is the highest.
	let high = i64::MAX as u64 + 10;
	store.insert_batch(&[signed(7, high, 60), signed(7, 6, 55)], 2).unwrap();
	let last = store.last_reading(7).unwrap().unwrap();
	assert_eq!((last.signed.reading.seq, last.signed.reading.cumulative_wh), (high, 60));
	assert_eq!(store.last_reading(8).unwrap().unwrap().signed.reading.seq, 9);
}

#[test]
fn reads_share_a_pool_of_connections() {
	let dir = tempfile::tempdir().unwrap();
	let store = Store::open(dir.path().join("db.sqlite"), GENESIS).unwrap();
	store.insert_batch(&[signed(1, 1, 10)], 1).unwrap();
	// All but one reader lent: reads go on.
	let mut held: Vec<_> = (1..READER_CONNECTIONS).map(|_| store.readers.get()).collect();
	assert_eq!(store.page(0, 10).unwrap().len(), 1);
	// All lent: a read waits until one is given back.
	held.push(store.readers.get());
	std::thread::scope(|scope| {
		let reading = scope.spawn(|| store.page(0, 10).unwrap().len());
		std::thread::sleep(Duration::from_millis(100));
		assert!(!reading.is_finished());
		drop(held);
		assert_eq!(reading.join().unwrap(), 1);
	});
	store.close().unwrap();
}

#[test]
fn database_runs_in_wal_mode_with_full_sync() {
	let dir = tempfile::tempdir().unwrap();
	let store = Store::open(dir.path().join("db.sqlite"), GENESIS).unwrap();
	let conn = Store::lock(&store.writer);
	let mode: String = conn.pragma_query_value(None, "journal_mode", |r| r.get(0)).unwrap();
	let sync: i64 = conn.pragma_query_value(None, "synchronous", |r| r.get(0)).unwrap();
	assert_eq!((mode.as_str(), sync), ("wal", 2));
}
