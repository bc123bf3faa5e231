//! Following the chain: the gateway reads each **finalized** block of its node, with
//! [subxt](https://docs.rs/subxt) (the metadata of each block's runtime, so a runtime upgrade
//! that changes a type is read with the new types from its block on), and
//!
//! - keeps its meters as the chain has them ([`KnownMeters`]): a meter registered on chain is
//!   accepted at once, a rotated key replaces the old one, a decommissioned meter is refused,
//!   and each meter's last `seq` and registration time let it refuse at once readings the
//!   chain would never take ([`crate::ingest`]);
//! - settles each stored reading from the finalized blocks ([`crate::outcomes`]): the readings
//!   of every `Meters.ingest_readings` call and the per-reading events of that call;
//! - keeps since when each meter has had its owner ([`crate::owners`]), so that an owner reads
//!   only its own readings;
//! - indexes each meter's billing history ([`crate::billing`]), unless `--no-billing-index`;
//! - keeps the chain's block authors (Aura authorities) as relayers ([`crate::readers`]), at
//!   every finalized block;
//! - prunes settled readings older than the retention.
//!
//! Its progress (the last block settled) is stored with the outcomes in one transaction: after
//! a crash or a restart it goes on from the block after, so no finalized block is skipped. When
//! the node goes away it reconnects, every [`RECONNECT`].

use crate::{
	billing,
	ingest::now_ms,
	meters::{ChainMeter, SharedMeters},
	outcomes::{Finalized, MeterProgress, Outcome},
	readers::Readers,
	store::Store,
};
use anyhow::{anyhow, Context};
use codec::Decode;
use sp_core::sr25519;
use std::{collections::BTreeMap, sync::Arc, time::Duration};
use subxt::{
	dynamic::Value,
	events::Phase,
	ext::{
		scale_decode::DecodeAsType,
		scale_value::{At, ValueDef},
	},
	OnlineClient, SubstrateConfig,
};
use tokio::sync::watch;
use wattcoin_primitives::{
	reading::{DeviceKey, SignedReading},
	MeterId,
};

/// How long to wait before connecting again after the node went away.
pub const RECONNECT: Duration = Duration::from_secs(3);

/// How far behind the finalized head the follower catches up block by block. Beyond it (a
/// gateway down for longer) the node may have pruned those blocks' state (it keeps 256 by
/// default): the follower starts again from the head and settles what was stored before from
/// the meters' state there.
pub const MAX_CATCH_UP: u64 = 200;

/// The most settled readings one prune deletes (so it never holds the writer for long).
const PRUNE_BATCH: u32 = 10_000;

/// The chain's client: every block read with the metadata of its own runtime.
type Client = OnlineClient<SubstrateConfig>;

/// The follower's settings.
#[derive(Clone, Debug)]
pub struct FollowConfig {
	/// The node's WebSocket JSON-RPC URL (`ws://127.0.0.1:9944`).
	pub url: String,
	/// How long settled readings are kept.
	pub retention: Duration,
	/// Index each meter's billing history ([`crate::billing`]).
	pub index_billing: bool,
}

/// `MeterInfo` of pallet-meters, the fields the gateway uses (by name: fields added by a later
/// runtime are skipped).
#[derive(DecodeAsType, Debug)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
struct MeterRecord {
	owner: [u8; 32],
	key: KeyRecord,
	last_seq: u64,
	readings_from_ms: u64,
}

/// `DeviceKey`, by variant name.
#[derive(DecodeAsType, Debug)]
#[decode_as_type(crate_path = "subxt::ext::scale_decode")]
enum KeyRecord {
	Ed25519([u8; 32]),
	Sr25519([u8; 32]),
	Ecdsa([u8; 33]),
}

impl KeyRecord {
	fn into_key(self) -> DeviceKey {
		match self {
			Self::Ed25519(bytes) => DeviceKey::Ed25519(bytes.into()),
			Self::Sr25519(bytes) => DeviceKey::Sr25519(bytes.into()),
			Self::Ecdsa(bytes) => DeviceKey::Ecdsa(bytes.into()),
		}
	}
}

impl MeterRecord {
	fn into_parts(self) -> (DeviceKey, ChainMeter) {
		let chain = ChainMeter {
			owner: self.owner,
			last_seq: self.last_seq,
			readings_from_ms: self.readings_from_ms,
			// Set from the store's record of owners before use (`with_owners_since`).
			owner_since_ms: self.readings_from_ms,
		};
		(self.key.into_key(), chain)
	}
}

/// What one finalized block says about readings and meters.
#[derive(Default, Debug, PartialEq, Eq)]
pub struct BlockReport {
	/// The outcome of each reading its ingest calls carried.
	pub outcomes: Vec<(MeterId, u64, Outcome)>,
	/// Meters whose registration changed (registered, key rotated, owner changed,
	/// decommissioned, ...): read again at this block.
	pub changed: Vec<MeterId>,
	/// Meters a `Prepaid` event of the block names, with what the block topped up
	/// ([`crate::billing`]).
	pub credited: BTreeMap<MeterId, u128>,
}

impl BlockReport {
	/// The meters whose prepaid account the block may have changed, with what it topped up.
	pub fn billed(&self) -> BTreeMap<MeterId, u128> {
		let mut billed = self.credited.clone();
		for meter in self.outcomes.iter().map(|(meter, ..)| meter).chain(&self.changed) {
			billed.entry(*meter).or_insert(0);
		}
		billed
	}
}

/// A per-reading event of pallet-meters.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum ReadingEvent {
	/// `ReadingRejected { meter, seq, reason }`.
	Rejected(MeterId, u64, String),
	/// `TamperSuspected { meter, seq, .. }`.
	Tamper(MeterId, u64),
	/// `ImplausibleReading { meter, seq, .. }`.
	Implausible(MeterId, u64),
}

/// The outcomes of one successful ingest call: each reading it carried is accepted unless an
/// event of the call says otherwise.
pub fn settle_call(
	readings: &[(MeterId, u64)],
	events: &[ReadingEvent],
) -> Vec<(MeterId, u64, Outcome)> {
	readings
		.iter()
		.map(|&(meter, seq)| {
			let outcome = events
				.iter()
				.find_map(|event| match event {
					ReadingEvent::Rejected(m, s, reason) if (*m, *s) == (meter, seq) => {
						Some(Outcome::Refused(reason.clone()))
					},
					ReadingEvent::Tamper(m, s) if (*m, *s) == (meter, seq) => Some(Outcome::Tamper),
					ReadingEvent::Implausible(m, s) if (*m, *s) == (meter, seq) => {
						Some(Outcome::Implausible)
					},
					_ => None,
				})
				.unwrap_or(Outcome::Accepted);
			(meter, seq, outcome)
		})
		.collect()
}

/// pallet-meters' events that change a meter's registration (their first field is `meter`).
const REGISTRY_EVENTS: &[&str] = &[
	"MeterRegistered",
	"KeyRotated",
	"OwnerChanged",
	"MeterSuspended",
	"MeterResumed",
	"MeterDecommissioned",
	"MeterTransferred",
	"ImplausibleReadingReviewed",
];

/// pallet-prepaid's events, besides `ToppedUp`, that change a meter's account (their first field
/// is `meter`).
const BILLING_EVENTS: &[&str] =
	&["EmergencyCreditTaken", "TariffAssigned", "SupplyChanged", "TenancyEnded", "MeterClosed"];

/// Reads a finalized block: its ingest calls with their events, and its registry events.
async fn read_block(client: &Client, number: u64) -> anyhow::Result<(Finalized, BlockReport)> {
	let at = client.at_block(number).await.with_context(|| format!("block #{number}"))?;
	let block = Finalized { number, hash: at.block_hash() };
	let events = at.events().fetch().await.with_context(|| format!("events of #{number}"))?;
	let mut report = BlockReport::default();
	// Per extrinsic index: its per-reading events, and whether it failed.
	let mut per_call: BTreeMap<u32, Vec<ReadingEvent>> = BTreeMap::new();
	let mut failed = Vec::new();
	for event in events.iter() {
		let event = event.with_context(|| format!("an event of #{number}"))?;
		let index = match event.phase() {
			Phase::ApplyExtrinsic(index) => Some(index),
			_ => None,
		};
		match (event.pallet_name(), event.event_name()) {
			("System", "ExtrinsicFailed") => failed.extend(index),
			("Prepaid", "ToppedUp") => {
				let (meter, _payer, amount) =
					<(u64, [u8; 32], u128)>::decode(&mut event.field_bytes())?;
				let credited = report.credited.entry(meter).or_insert(0);
				*credited = credited.saturating_add(amount);
			},
			("Prepaid", name) if BILLING_EVENTS.contains(&name) => {
				report.credited.entry(u64::decode(&mut event.field_bytes())?).or_insert(0);
			},
			("Meters", name) if REGISTRY_EVENTS.contains(&name) => {
				report.changed.push(u64::decode(&mut event.field_bytes())?);
			},
			("Meters", name @ ("ReadingRejected" | "TamperSuspected" | "ImplausibleReading")) => {
				let (meter, seq) = <(u64, u64)>::decode(&mut event.field_bytes())?;
				let reading_event = match name {
					"ReadingRejected" => {
						let fields = event.decode_fields_unchecked_as::<Value>()?;
						let reason = match fields.at("reason").map(|reason| &reason.value) {
							Some(ValueDef::Variant(variant)) => variant.name.clone(),
							_ => "unknown".into(),
						};
						ReadingEvent::Rejected(meter, seq, reason)
					},
					"TamperSuspected" => ReadingEvent::Tamper(meter, seq),
					_ => ReadingEvent::Implausible(meter, seq),
				};
				per_call.entry(index.unwrap_or(u32::MAX)).or_default().push(reading_event);
			},
			_ => {},
		}
	}
	let extrinsics =
		at.extrinsics().fetch().await.with_context(|| format!("extrinsics of #{number}"))?;
	for extrinsic in extrinsics.iter() {
		let extrinsic = extrinsic.with_context(|| format!("an extrinsic of #{number}"))?;
		if (extrinsic.pallet_name(), extrinsic.call_name()) != ("Meters", "ingest_readings") {
			continue;
		}
		let index = u32::try_from(extrinsic.index()).unwrap_or(u32::MAX);
		if failed.contains(&index) {
			continue;
		}
		let batch = Vec::<SignedReading>::decode(&mut extrinsic.call_data_field_bytes())
			.with_context(|| format!("the readings of extrinsic {number}-{index}"))?;
		let readings: Vec<_> =
			batch.iter().map(|signed| (signed.reading.meter, signed.reading.seq)).collect();
		let events = per_call.get(&index).map(Vec::as_slice).unwrap_or_default();
		report.outcomes.extend(settle_call(&readings, events));
	}
	report.changed.sort_unstable();
	report.changed.dedup();
	Ok((block, report))
}

/// `meter` as the chain has it at block `number` (`None`: not registered).
async fn read_meter(
	client: &Client,
	number: u64,
	meter: MeterId,
) -> anyhow::Result<Option<(DeviceKey, ChainMeter)>> {
	let at = client.at_block(number).await?;
	let address = subxt::dynamic::storage::<(u64,), MeterRecord>("Meters", "Meters");
	let value = at.storage().try_fetch(address, (meter,)).await?;
	value
		.map(|value| value.decode().map(MeterRecord::into_parts))
		.transpose()
		.with_context(|| format!("meter {meter} at #{number}"))
}

/// Every meter registered at block `number`.
async fn read_all_meters(
	client: &Client,
	number: u64,
) -> anyhow::Result<Vec<(MeterId, DeviceKey, ChainMeter)>> {
	let at = client.at_block(number).await?;
	let address = subxt::dynamic::storage::<(u64,), MeterRecord>("Meters", "Meters");
	let mut entries = at.storage().iter(address, ()).await?;
	let mut meters = Vec::new();
	while let Some(entry) = entries.next().await {
		let entry = entry?;
		// Blake2_128Concat: the meter id is the key's last 8 bytes.
		let key = entry.key_bytes();
		let id = key
			.len()
			.checked_sub(8)
			.and_then(|start| u64::decode(&mut &key[start..]).ok())
			.ok_or_else(|| anyhow!("a Meters key of {} bytes", key.len()))?;
		let (device, chain) = entry.value().decode()?.into_parts();
		meters.push((id, device, chain));
	}
	Ok(meters)
}

/// The time (`Timestamp.Now`, ms) of block `number`.
async fn block_time(client: &Client, number: u64) -> anyhow::Result<u64> {
	let at = client.at_block(number).await?;
	let address = subxt::dynamic::storage::<(), u64>("Timestamp", "Now");
	let now = at.storage().try_fetch(address, ()).await?;
	Ok(now.map(|value| value.decode()).transpose()?.unwrap_or(0))
}

/// Sets the block authors of block `number` (Aura authorities) as relayers.
async fn refresh_authorities(
	client: &Client,
	readers: &Readers,
	number: u64,
) -> anyhow::Result<()> {
	let at = client.at_block(number).await?;
	let address = subxt::dynamic::storage::<(), Vec<[u8; 32]>>("Aura", "Authorities");
	let keys = match at.storage().try_fetch(address, ()).await? {
		Some(value) => value.decode().context("Aura.Authorities")?,
		None => Vec::new(),
	};
	let count = keys.len();
	if readers.set_authorities(keys.into_iter().map(sr25519::Public::from_raw)) {
		tracing::info!(block = number, authorities = count, "relayers: the chain's block authors");
	}
	Ok(())
}

/// Records the owners of `registered` at block `number` in the store and sets each one's
/// `owner_since_ms`.
async fn with_owners_since(
	client: &Client,
	store: &Arc<Store>,
	number: u64,
	mut registered: Vec<(MeterId, DeviceKey, ChainMeter)>,
) -> anyhow::Result<Vec<(MeterId, DeviceKey, ChainMeter)>> {
	if registered.is_empty() {
		return Ok(registered);
	}
	let block_ms = block_time(client, number).await?;
	let owners: Vec<_> = registered
		.iter()
		.map(|(meter, _, chain)| (*meter, chain.owner, chain.readings_from_ms))
		.collect();
	let since = blocking(store, move |store| store.note_owners(&owners, block_ms)).await?;
	for ((.., chain), since) in registered.iter_mut().zip(since) {
		chain.owner_since_ms = since;
	}
	Ok(registered)
}

/// Follows the chain until `stop` turns `true`, reconnecting whenever the node goes away.
pub async fn follow(
	config: FollowConfig,
	store: Arc<Store>,
	meters: SharedMeters,
	readers: Arc<Readers>,
	mut stop: watch::Receiver<bool>,
) {
	loop {
		let session = follow_once(&config, &store, &meters, &readers, &mut stop);
		match session.await {
			Ok(()) => return,
			Err(err) => {
				tracing::warn!(node = %config.url, "following the chain: {err:#}; again in {RECONNECT:?}")
			},
		}
		tokio::select! {
			_ = tokio::time::sleep(RECONNECT) => {},
			_ = stop.wait_for(|stop| *stop) => return,
		}
	}
}

/// One connection's worth of following; `Ok` when stopped.
async fn follow_once(
	config: &FollowConfig,
	store: &Arc<Store>,
	meters: &SharedMeters,
	readers: &Readers,
	stop: &mut watch::Receiver<bool>,
) -> anyhow::Result<()> {
	let client = Client::from_insecure_url(&config.url).await.context("connecting")?;
	let genesis = client.genesis_hash();
	if genesis != store.genesis() {
		// Not transient: a gateway of one chain must never take another chain's word.
		tracing::error!(
			node = %config.url,
			node_genesis = ?genesis,
			gateway_genesis = ?store.genesis(),
			"the node is on another chain: not following it"
		);
		let _ = stop.wait_for(|stop| *stop).await;
		return Ok(());
	}
	let mut blocks = client.stream_blocks().await.context("subscribing to finalized blocks")?;
	let head = client.at_current_block().await?.block_number();
	refresh_authorities(&client, readers, head).await?;
	let registered = read_all_meters(&client, head).await?;
	let registered = with_owners_since(&client, store, head, registered).await?;
	let count = registered.len();
	let progress: Vec<_> =
		registered.iter().map(|(meter, _, chain)| (*meter, progress_of(chain))).collect();
	write_meters(meters).replace_with_chain(registered);
	let followed = blocking(store, |store| store.followed()).await?;
	let mut next = match followed {
		Some(block) if head.saturating_sub(block.number) <= MAX_CATCH_UP => block.number + 1,
		_ => {
			if let Some(block) = followed {
				tracing::warn!(
					last = block.number,
					head,
					"more than {MAX_CATCH_UP} blocks behind: starting again from the head"
				);
			}
			// What the chain's meters say now settles what was stored before.
			let hash = client.at_block(head).await?.block_hash();
			let head_block = Finalized { number: head, hash };
			blocking(store, move |store| store.settle(head_block, &[], &progress, &[], now_ms()))
				.await?;
			head + 1
		},
	};
	tracing::info!(node = %config.url, meters = count, from = next, "following finalized blocks");
	loop {
		let finalized = tokio::select! {
			block = blocks.next() => match block {
				Some(block) => block?.number(),
				None => return Err(anyhow!("the node closed the subscription")),
			},
			_ = stop.wait_for(|stop| *stop) => return Ok(()),
		};
		while next <= finalized {
			settle_block(&client, store, meters, next, config.index_billing).await?;
			next += 1;
		}
		refresh_authorities(&client, readers, finalized).await?;
		prune(store, config.retention).await;
		if config.index_billing {
			prune_billing(store).await;
		}
	}
}

/// Reads block `number`, updates the meters and settles what it says.
async fn settle_block(
	client: &Client,
	store: &Arc<Store>,
	meters: &SharedMeters,
	number: u64,
	index_billing: bool,
) -> anyhow::Result<()> {
	let (block, report) = match read_block(client, number).await {
		Ok(read) => read,
		Err(err) => {
			// A block this runtime's metadata does not decode (the block that sets a new
			// runtime holds the old one's events): its readings are settled from the meters'
			// state by the next blocks.
			tracing::warn!("block #{number} not read ({err:#}): its readings settle later");
			let hash = client.at_block(number).await?.block_hash();
			(Finalized { number, hash }, BlockReport::default())
		},
	};
	if index_billing {
		// Before the block's progress is stored: a crash in between indexes it again.
		let billed = report.billed();
		if !billed.is_empty() {
			let at_ms = block_time(client, number).await?;
			let rows = billing::index_block(client, store, number, at_ms, &billed).await?;
			tracing::debug!(block = number, rows, "billing indexed");
		}
	}
	let mut progress = Vec::new();
	let mut decommissioned = Vec::new();
	for &meter in &report.changed {
		let read = match read_meter(client, number, meter).await? {
			Some((key, chain)) => {
				let mut owned =
					with_owners_since(client, store, number, vec![(meter, key, chain)]).await?;
				owned.pop().map(|(_, key, chain)| (key, chain))
			},
			None => None,
		};
		match read {
			Some((key, chain)) => {
				if write_meters(meters).set_from_chain(meter, key, chain) {
					tracing::info!(meter, block = number, "meter's device key set from the chain");
				}
				progress.push((meter, progress_of(&chain)));
			},
			None => {
				write_meters(meters).remove(meter);
				tracing::info!(
					meter,
					block = number,
					"meter decommissioned on chain: refused from now on"
				);
				decommissioned.push(meter);
			},
		}
	}
	{
		let mut known = write_meters(meters);
		for (meter, seq, outcome) in &report.outcomes {
			if !matches!(outcome, Outcome::Refused(_)) {
				known.note_on_chain(*meter, *seq);
			}
		}
		let mut touched: Vec<_> = report.outcomes.iter().map(|(meter, ..)| *meter).collect();
		touched.sort_unstable();
		touched.dedup();
		for meter in touched {
			if let Some(chain) = known.chain(meter) {
				progress.push((meter, progress_of(chain)));
			}
		}
	}
	let outcomes = report.outcomes;
	let settled = blocking(store, move |store| {
		store.settle(block, &outcomes, &progress, &decommissioned, now_ms())
	})
	.await?;
	if settled > 0 {
		tracing::debug!(block = number, settled, "readings settled");
	}
	Ok(())
}

fn progress_of(chain: &ChainMeter) -> MeterProgress {
	MeterProgress { last_seq: chain.last_seq, readings_from_ms: chain.readings_from_ms }
}

fn write_meters(
	meters: &SharedMeters,
) -> std::sync::RwLockWriteGuard<'_, crate::meters::KnownMeters> {
	meters.write().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Deletes settled readings older than `retention`, a batch at a time.
async fn prune(store: &Arc<Store>, retention: Duration) {
	let before = now_ms().saturating_sub(u64::try_from(retention.as_millis()).unwrap_or(u64::MAX));
	match blocking(store, move |store| store.prune(before, PRUNE_BATCH)).await {
		Ok(0) => {},
		Ok(removed) => {
			tracing::info!(removed, "pruned readings settled more than {retention:?} ago")
		},
		Err(err) => tracing::warn!("pruning: {err:#}"),
	}
}

/// Deletes billing rows older than [`billing::BILLING_RETENTION`], a batch at a time.
async fn prune_billing(store: &Arc<Store>) {
	let retention = u64::try_from(billing::BILLING_RETENTION.as_millis()).unwrap_or(u64::MAX);
	let before = now_ms().saturating_sub(retention);
	if let Err(err) = blocking(store, move |store| store.prune_billing(before, PRUNE_BATCH)).await {
		tracing::warn!("pruning the billing history: {err:#}");
	}
}

/// Runs `work` on the store in a blocking thread.
async fn blocking<R: Send + 'static>(
	store: &Arc<Store>,
	work: impl FnOnce(&Store) -> Result<R, crate::store::StoreError> + Send + 'static,
) -> anyhow::Result<R> {
	let store = store.clone();
	Ok(tokio::task::spawn_blocking(move || work(&store)).await??)
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn a_call_settles_each_reading_it_carried_by_its_events() {
		let readings = [(1000, 1), (1000, 2), (1001, 7), (1002, 3)];
		let events = [
			ReadingEvent::Tamper(1000, 2),
			ReadingEvent::Rejected(1001, 7, "NotNextReading".into()),
			ReadingEvent::Implausible(1002, 3),
			// An event of another reading changes nothing here.
			ReadingEvent::Tamper(1000, 9),
		];
		assert_eq!(
			settle_call(&readings, &events),
			vec![
				(1000, 1, Outcome::Accepted),
				(1000, 2, Outcome::Tamper),
				(1001, 7, Outcome::Refused("NotNextReading".into())),
				(1002, 3, Outcome::Implausible),
			]
		);
	}
}
