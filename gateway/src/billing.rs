//! Each meter's billing history, indexed from finalized blocks, for its owner's statement.
//!
//! Billing a reading emits no event of its own (pallet-prepaid keeps a batch of thousands of
//! readings to one summary event), so the history cannot be read from events alone. The chain
//! follower ([`crate::chain`]) indexes it from what each finalized block says:
//!
//! - the meters the block may have billed or credited: those with a reading the block took,
//!   and those named by a `Prepaid` event (`ToppedUp`, `EmergencyCreditTaken`,
//!   `TariffAssigned`, `SupplyChanged`, `TenancyEnded`) or by `Meters.ImplausibleReadingReviewed`;
//! - for each, its `Prepaid.MeterAccounts` entry **at that block** (credit, debt, emergency
//!   credit used, tariff, supply), and the block's `ToppedUp` amounts;
//! - a row is stored when the account differs from the meter's previous row: what the block
//!   **debited** is the fall of the meter's balance (credit − debt − emergency credit used)
//!   plus what it topped up.
//!
//! Every figure is the chain's own, at a block the household can name: `prepaid.meterAccounts`
//! at block `N` and at `N − 1` gives the same numbers (`docs/web.md`). A meter met for the
//! first time is compared with its account at the block before, so its first row is a debit
//! too. The rows are written before the block's outcomes and progress (one block at a time, in
//! order), so after a crash the block is indexed again and its row replaced, never lost nor
//! doubled. Rows older than [`BILLING_RETENTION_DAYS`] are pruned.

use crate::store::{from_sql, to_sql, Store, StoreError};
use anyhow::Context;
use rusqlite::{params, OptionalExtension};
use serde::Serialize;
use std::{collections::BTreeMap, sync::Arc, time::Duration};
use subxt::{ext::scale_decode::DecodeAsType, OnlineClient, SubstrateConfig};
use wattcoin_primitives::MeterId;

/// The chain's client, as the follower has it.
type Client = OnlineClient<SubstrateConfig>;

/// Days a billing row is kept: statements go back a year and a month.
pub const BILLING_RETENTION_DAYS: u64 = 400;

/// How long a billing row is kept.
pub const BILLING_RETENTION: Duration = Duration::from_secs(BILLING_RETENTION_DAYS * 86_400);

/// A meter's prepaid account at a block, as the statement needs it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Account {
	/// Prepaid credit.
	pub credit: u128,
	/// Debt owed (recovered from top-ups).
	pub debt: u128,
	/// Emergency credit used (repaid from top-ups).
	pub emergency_used: u128,
	/// The tariff in force.
	pub tariff: Option<u32>,
	/// The supply state (`Connected`, `LowCredit`, `Emergency`, `Disconnected`).
	pub supply: String,
}

impl Account {
	/// Credit less what is owed, signed.
	pub fn balance(&self) -> i128 {
		let owed = self.debt.saturating_add(self.emergency_used);
		i128::try_from(self.credit)
			.unwrap_or(i128::MAX)
			.saturating_sub(i128::try_from(owed).unwrap_or(i128::MAX))
	}
}

/// One row of a meter's billing history: its account after a finalized block that changed it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BillingEntry {
	/// The finalized block.
	pub block: u64,
	/// Its time (ms since the Unix epoch).
	pub at_ms: u64,
	/// Credit after the block (plancks, decimal text: 1 WATT is 10^12).
	pub credit: String,
	/// Debt after the block.
	pub debt: String,
	/// Emergency credit used after the block.
	pub emergency_used: String,
	/// The tariff in force after the block.
	pub tariff: Option<u32>,
	/// The supply state after the block.
	pub supply: String,
	/// What the block's top-ups added.
	pub topped_up: String,
	/// What the block debited: energy and standing charges (negative for a refund or a
	/// write-off).
	pub debited: String,
}

/// What a block changed of a meter's account: `previous` (its row before, or its account at
/// the block before) to `now`, with `topped_up` added by the block's top-ups. `None` when
/// nothing changed.
pub fn entry(
	block: u64,
	at_ms: u64,
	previous: Option<&Account>,
	now: &Account,
	topped_up: u128,
) -> Option<BillingEntry> {
	if previous == Some(now) && topped_up == 0 {
		return None;
	}
	let debited = previous.map_or(0, |previous| {
		previous
			.balance()
			.saturating_sub(now.balance())
			.saturating_add(i128::try_from(topped_up).unwrap_or(i128::MAX))
	});
	Some(BillingEntry {
		block,
		at_ms,
		credit: now.credit.to_string(),
		debt: now.debt.to_string(),
		emergency_used: now.emergency_used.to_string(),
		tariff: now.tariff,
		supply: now.supply.clone(),
		topped_up: topped_up.to_string(),
		debited: debited.to_string(),
	})
}

impl Store {
	/// `meter`'s account in its last row before block `block`, if any.
	pub fn billing_before(
		&self,
		meter: MeterId,
		block: u64,
	) -> Result<Option<Account>, StoreError> {
		let conn = self.reader();
		let mut stmt = conn.prepare_cached(
			"SELECT credit, debt, emergency_used, tariff, supply FROM billing
			 WHERE meter = ?1 AND block < ?2 ORDER BY block DESC LIMIT 1",
		)?;
		let row = stmt
			.query_row(params![to_sql(meter), to_sql(block)], |row| {
				Ok((
					row.get::<_, String>(0)?,
					row.get::<_, String>(1)?,
					row.get::<_, String>(2)?,
					row.get::<_, Option<u32>>(3)?,
					row.get::<_, String>(4)?,
				))
			})
			.optional()?;
		let Some((credit, debt, emergency_used, tariff, supply)) = row else { return Ok(None) };
		let amount = |text: String| {
			text.parse::<u128>().map_err(|_| {
				StoreError::Schema(format!("a billing amount {text:?} of meter {meter}"))
			})
		};
		Ok(Some(Account {
			credit: amount(credit)?,
			debt: amount(debt)?,
			emergency_used: amount(emergency_used)?,
			tariff,
			supply,
		}))
	}

	/// Stores `entries` (`(meter, row)`), replacing rows of the same meter and block.
	pub fn put_billing(&self, entries: &[(MeterId, BillingEntry)]) -> Result<(), StoreError> {
		if entries.is_empty() {
			return Ok(());
		}
		let mut conn = self.writer();
		let tx = conn.transaction()?;
		{
			let mut put = tx.prepare_cached(
				"INSERT OR REPLACE INTO billing (meter, block, at_ms, credit, debt,
				   emergency_used, tariff, supply, topped_up, debited)
				 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
			)?;
			for (meter, entry) in entries {
				put.execute(params![
					to_sql(*meter),
					to_sql(entry.block),
					to_sql(entry.at_ms),
					entry.credit,
					entry.debt,
					entry.emergency_used,
					entry.tariff,
					entry.supply,
					entry.topped_up,
					entry.debited,
				])?;
			}
		}
		tx.commit()?;
		Ok(())
	}

	/// At most `limit` rows of `meter` at or after `since_ms`, of blocks after `after`, in
	/// block order.
	pub fn billing(
		&self,
		meter: MeterId,
		since_ms: u64,
		after: u64,
		limit: u32,
	) -> Result<Vec<BillingEntry>, StoreError> {
		let conn = self.reader();
		let mut stmt = conn.prepare_cached(
			"SELECT block, at_ms, credit, debt, emergency_used, tariff, supply, topped_up, debited
			 FROM billing WHERE meter = ?1 AND at_ms >= ?2 AND block > ?3
			 ORDER BY block LIMIT ?4",
		)?;
		let rows = stmt.query_map(
			params![to_sql(meter), to_sql(since_ms), to_sql(after), i64::from(limit)],
			|row| {
				Ok(BillingEntry {
					block: from_sql(row.get(0)?),
					at_ms: from_sql(row.get(1)?),
					credit: row.get(2)?,
					debt: row.get(3)?,
					emergency_used: row.get(4)?,
					tariff: row.get(5)?,
					supply: row.get(6)?,
					topped_up: row.get(7)?,
					debited: row.get(8)?,
				})
			},
		)?;
		rows.map(|row| row.map_err(StoreError::from)).collect()
	}

	/// Deletes billing rows of blocks older than `before_ms`, at most `limit`.
	pub fn prune_billing(&self, before_ms: u64, limit: u32) -> Result<u64, StoreError> {
		let conn = self.writer();
		Ok(conn.execute(
			"DELETE FROM billing WHERE (meter, block) IN
			   (SELECT meter, block FROM billing WHERE at_ms < ?1 LIMIT ?2)",
			params![to_sql(before_ms), i64::from(limit)],
		)? as u64)
	}
}

/// `MeterAccount` of pallet-prepaid, the fields the statement uses (by name).
#[derive(DecodeAsType, Debug)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct AccountRecord {
	tariff: Option<u32>,
	credit: u128,
	debt: u128,
	emergency_used: u128,
	supply: SupplyRecord,
}

/// `SupplyState`, by variant name.
#[derive(DecodeAsType, Debug)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
enum SupplyRecord {
	Connected,
	LowCredit,
	Emergency,
	Disconnected,
}

impl From<AccountRecord> for Account {
	fn from(record: AccountRecord) -> Self {
		let supply = match record.supply {
			SupplyRecord::Connected => "Connected",
			SupplyRecord::LowCredit => "LowCredit",
			SupplyRecord::Emergency => "Emergency",
			SupplyRecord::Disconnected => "Disconnected",
		};
		Self {
			credit: record.credit,
			debt: record.debt,
			emergency_used: record.emergency_used,
			tariff: record.tariff,
			supply: supply.into(),
		}
	}
}

/// The accounts read at once while indexing a block.
const CONCURRENT_READS: usize = 64;

/// `meters`' prepaid accounts at block `number` (a meter without one is left out).
async fn read_accounts(
	client: &Client,
	number: u64,
	meters: &[MeterId],
) -> anyhow::Result<Vec<(MeterId, Account)>> {
	let at = client.at_block(number).await.with_context(|| format!("block #{number}"))?;
	let mut accounts = Vec::with_capacity(meters.len());
	for chunk in meters.chunks(CONCURRENT_READS) {
		let mut reads = tokio::task::JoinSet::new();
		for &meter in chunk {
			let at = at.clone();
			reads.spawn(async move {
				let address =
					subxt::dynamic::storage::<(u64,), AccountRecord>("Prepaid", "MeterAccounts");
				let value = at.storage().try_fetch(address, (meter,)).await?;
				let account = value.map(|value| value.decode()).transpose()?;
				Ok::<_, anyhow::Error>((meter, account.map(Account::from)))
			});
		}
		while let Some(read) = reads.join_next().await {
			let (meter, account) =
				read?.with_context(|| format!("a prepaid account at #{number}"))?;
			accounts.extend(account.map(|account| (meter, account)));
		}
	}
	accounts.sort_unstable_by_key(|(meter, _)| *meter);
	Ok(accounts)
}

/// Indexes block `number` (of time `at_ms`): the accounts of `meters` (each with what the
/// block topped up) that the block changed.
pub async fn index_block(
	client: &Client,
	store: &Arc<Store>,
	number: u64,
	at_ms: u64,
	meters: &BTreeMap<MeterId, u128>,
) -> anyhow::Result<usize> {
	if meters.is_empty() {
		return Ok(0);
	}
	let ids: Vec<_> = meters.keys().copied().collect();
	let now = read_accounts(client, number, &ids).await?;
	let previous = {
		let store = store.clone();
		let ids = ids.clone();
		tokio::task::spawn_blocking(move || {
			ids.iter()
				.map(|&meter| Ok((meter, store.billing_before(meter, number)?)))
				.collect::<Result<BTreeMap<_, _>, StoreError>>()
		})
		.await??
	};
	// Meters met for the first time: their account at the block before.
	let unknown: Vec<_> =
		previous.iter().filter(|(_, account)| account.is_none()).map(|(meter, _)| *meter).collect();
	let before: BTreeMap<_, _> = match number.checked_sub(1) {
		Some(parent) if !unknown.is_empty() => {
			read_accounts(client, parent, &unknown).await?.into_iter().collect()
		},
		_ => BTreeMap::new(),
	};
	let rows: Vec<_> = now
		.iter()
		.filter_map(|(meter, account)| {
			let previous = previous.get(meter).and_then(Option::as_ref).or(before.get(meter));
			let topped_up = meters.get(meter).copied().unwrap_or(0);
			entry(number, at_ms, previous, account, topped_up).map(|row| (*meter, row))
		})
		.collect();
	let count = rows.len();
	let store = store.clone();
	tokio::task::spawn_blocking(move || store.put_billing(&rows)).await??;
	Ok(count)
}

#[cfg(test)]
mod tests {
	use super::*;
	use sp_core::H256;

	const WATT: u128 = 1_000_000_000_000;

	fn account(credit: u128, debt: u128, emergency_used: u128) -> Account {
		Account { credit, debt, emergency_used, tariff: Some(0), supply: "Connected".into() }
	}

	#[test]
	fn a_debit_is_the_fall_of_the_balance_plus_the_top_ups() {
		// Billed 2 WATT.
		let row =
			entry(5, 50, Some(&account(10 * WATT, 0, 0)), &account(8 * WATT, 0, 0), 0).unwrap();
		assert_eq!(row.debited, (2 * WATT).to_string());
		// Topped up 5 WATT and billed 1 WATT in the same block: 4 WATT more credit.
		let row = entry(6, 60, Some(&account(8 * WATT, 0, 0)), &account(12 * WATT, 0, 0), 5 * WATT)
			.unwrap();
		assert_eq!(
			(row.debited.as_str(), row.topped_up.as_str()),
			("1000000000000", "5000000000000")
		);
		// Credit gone, then emergency credit and debt used: all of it is debited.
		let row = entry(7, 70, Some(&account(WATT, 0, 0)), &account(0, WATT, 2 * WATT), 0).unwrap();
		assert_eq!(row.debited, (4 * WATT).to_string());
		// A top-up that repays debt first: nothing debited.
		let row = entry(8, 80, Some(&account(0, 3 * WATT, 0)), &account(2 * WATT, 0, 0), 5 * WATT)
			.unwrap();
		assert_eq!(row.debited, "0");
	}

	#[test]
	fn an_unchanged_account_makes_no_row() {
		assert_eq!(entry(5, 50, Some(&account(WATT, 0, 0)), &account(WATT, 0, 0), 0), None);
		let mut disconnected = account(WATT, 0, 0);
		disconnected.supply = "Disconnected".into();
		assert!(entry(5, 50, Some(&account(WATT, 0, 0)), &disconnected, 0).is_some());
	}

	#[test]
	fn rows_are_stored_replaced_and_read_in_block_order_from_the_owners_time() {
		let dir = tempfile::tempdir().unwrap();
		let store = Store::open(dir.path().join("db.sqlite"), H256::repeat_byte(1)).unwrap();
		let rows: Vec<_> = [(3u64, 300u64, 9u128), (1, 100, 10), (2, 200, 9)]
			.iter()
			.map(|&(block, at_ms, credit)| {
				(1_000, entry(block, at_ms, None, &account(credit * WATT, 0, 0), 0).unwrap())
			})
			.collect();
		store.put_billing(&rows).unwrap();
		// A block indexed again after a crash replaces its row.
		store.put_billing(&rows[..1]).unwrap();
		let read = store.billing(1_000, 0, 0, 10).unwrap();
		assert_eq!(read.iter().map(|row| row.block).collect::<Vec<_>>(), vec![1, 2, 3]);
		assert_eq!(store.billing(1_000, 150, 0, 10).unwrap().len(), 2, "owner since 150 ms");
		assert_eq!(store.billing(1_000, 0, 1, 1).unwrap()[0].block, 2, "paged");
		assert_eq!(store.billing(1_001, 0, 0, 10).unwrap(), vec![]);
		assert_eq!(store.billing_before(1_000, 3).unwrap(), Some(account(9 * WATT, 0, 0)));
		assert_eq!(store.billing_before(1_000, 1).unwrap(), None);
		assert_eq!(store.prune_billing(250, 10).unwrap(), 2);
		assert_eq!(store.billing(1_000, 0, 0, 10).unwrap().len(), 1);
	}
}
