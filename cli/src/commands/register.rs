//! `wattcoin meter register`: one meter, or thousands from a CSV file, none silently lost.
//!
//! The runtime has no batch call, so each meter is its own transaction, all signed by the
//! operator with consecutive nonces. A node's pool may drop some of them (a full pool, a nonce
//! that clashes with a transaction still waiting, a lapsed mortality) without the chain ever
//! saying so. So this command does not trust what it sent; it trusts what the chain holds:
//!
//! 1. Every row is checked first (ids, keys, owners, duplicates), before anything is signed.
//! 2. Meters the finalized chain already holds as written are skipped; one held differently
//!    is reported. Running the same file again after a crash sends only what is missing.
//! 3. Registrations go out with at most `--in-flight` waiting at once; each is followed until
//!    it is in a block, and a call that fails on chain is reported with the pallet's error.
//! 4. Once the finalized chain has caught up, every row is read back. A row the node dropped is
//!    sent again (up to [`ROUNDS`] rounds). Whatever is still missing is listed and the command
//!    fails.

use std::{
	collections::{HashMap, HashSet},
	path::Path,
	time::{Duration, Instant},
};

use anyhow::{anyhow, bail, Context as _};
use futures::StreamExt;
use subxt::{
	config::DefaultExtrinsicParamsBuilder,
	error::DispatchError,
	events::Phase,
	rpcs::{rpc_params, LegacyRpcMethods},
	utils::{AccountId32, H256},
};
use subxt_signer::sr25519::Keypair;

use super::Context;
use crate::{
	chain::{describe, runtime, Chain, Config},
	cli::RegisterArgs,
	keystore::address_of,
};

use runtime::runtime_types::{
	bounded_collections::bounded_vec::BoundedVec, sp_runtime::MultiSigner,
	wattcoin_primitives::reading::DeviceKey,
};

/// How many times rows the node dropped are sent again.
const ROUNDS: u32 = 5;
/// For how many blocks after the finalized block a registration is valid.
const MORTALITY: u64 = 256;
/// How many meters are read back from the chain at once.
const CONCURRENT_READS: usize = 64;
/// How long the round waits for the next registration to be included before it reads back
/// what landed.
const BLOCK_WAIT: Duration = Duration::from_secs(90);
/// The runtime's `MaxMetadataLen`.
const MAX_METADATA: usize = 64;

/// One meter to register, from the flags or a CSV row.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Row {
	/// The CSV line it came from (1 is the header), 0 for the flags.
	pub line: u64,
	pub meter: u64,
	pub scheme: Scheme,
	pub key: Vec<u8>,
	pub owner: [u8; 32],
	pub metadata: Vec<u8>,
}

/// A device key's signature scheme.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scheme {
	Sr25519,
	Ed25519,
	Ecdsa,
}

impl Scheme {
	fn parse(text: &str) -> anyhow::Result<Self> {
		match text.trim().to_ascii_lowercase().as_str() {
			"" | "sr25519" => Ok(Self::Sr25519),
			"ed25519" => Ok(Self::Ed25519),
			"ecdsa" => Ok(Self::Ecdsa),
			other => bail!("scheme {other:?}: sr25519, ed25519 or ecdsa"),
		}
	}

	fn key_len(self) -> usize {
		match self {
			Self::Ecdsa => 33,
			_ => 32,
		}
	}
}

impl Row {
	fn new(
		line: u64,
		meter: &str,
		key: &str,
		owner: [u8; 32],
		scheme: &str,
		metadata: &str,
	) -> anyhow::Result<Self> {
		let meter =
			meter.trim().parse().map_err(|_| anyhow!("meter {meter:?} is not a meter id"))?;
		let scheme = Scheme::parse(scheme)?;
		let hex = key
			.trim()
			.strip_prefix("0x")
			.ok_or_else(|| anyhow!("key {key:?}: write it as 0x and hex"))?;
		let key = hex::decode(hex).map_err(|e| anyhow!("key {key:?} is not hex: {e}"))?;
		if key.len() != scheme.key_len() {
			bail!("a {scheme:?} key is {} bytes; this one is {}", scheme.key_len(), key.len());
		}
		if metadata.len() > MAX_METADATA {
			bail!("metadata is {} bytes; at most {MAX_METADATA}", metadata.len());
		}
		Ok(Self { line, meter, scheme, key, owner, metadata: metadata.as_bytes().to_vec() })
	}

	fn label(&self) -> String {
		if self.line == 0 {
			format!("meter {}", self.meter)
		} else {
			format!("line {}, meter {}", self.line, self.meter)
		}
	}

	fn multi_signer(&self) -> MultiSigner {
		let mut key32 = [0u8; 32];
		let mut key33 = [0u8; 33];
		match self.scheme {
			Scheme::Sr25519 => {
				key32.copy_from_slice(&self.key);
				MultiSigner::Sr25519(key32)
			},
			Scheme::Ed25519 => {
				key32.copy_from_slice(&self.key);
				MultiSigner::Ed25519(key32)
			},
			Scheme::Ecdsa => {
				key33.copy_from_slice(&self.key);
				MultiSigner::Ecdsa(key33)
			},
		}
	}

	/// Whether the chain's record is this row's meter as written.
	fn matches(&self, key: &DeviceKey, owner: &AccountId32) -> bool {
		let (scheme, bytes): (Scheme, &[u8]) = match key {
			DeviceKey::Sr25519(k) => (Scheme::Sr25519, k),
			DeviceKey::Ed25519(k) => (Scheme::Ed25519, k),
			DeviceKey::Ecdsa(k) => (Scheme::Ecdsa, k),
		};
		scheme == self.scheme && bytes == self.key.as_slice() && owner.0 == self.owner
	}
}

/// Reads and checks every row of `path`; names each bad line.
pub fn read_csv(ctx: &Context, path: &Path) -> anyhow::Result<Vec<Row>> {
	let mut reader = csv::ReaderBuilder::new()
		.trim(csv::Trim::All)
		.from_path(path)
		.with_context(|| format!("opening {}", path.display()))?;
	let headers = reader.headers()?.clone();
	let column = |name: &str| headers.iter().position(|h| h.eq_ignore_ascii_case(name));
	let (Some(meter), Some(key), Some(owner)) = (column("meter"), column("key"), column("owner"))
	else {
		bail!("{}: the first line must name the columns meter,key,owner (and optionally scheme, metadata)", path.display());
	};
	let (scheme, metadata) = (column("scheme"), column("metadata"));
	let mut rows = Vec::new();
	let mut errors = Vec::new();
	let mut seen = HashSet::new();
	for (index, record) in reader.records().enumerate() {
		let line = index as u64 + 2;
		let parsed = record.map_err(anyhow::Error::from).and_then(|record| {
			let field = |i: Option<usize>| i.and_then(|i| record.get(i)).unwrap_or("");
			let owner = ctx.account(field(Some(owner))).context("owner")?;
			Row::new(
				line,
				field(Some(meter)),
				field(Some(key)),
				owner,
				field(scheme),
				field(metadata),
			)
		});
		match parsed {
			Ok(row) if !seen.insert(row.meter) => {
				errors.push(format!("line {line}: meter {} is listed twice", row.meter))
			},
			Ok(row) => rows.push(row),
			Err(e) => errors.push(format!("line {line}: {e:#}")),
		}
	}
	if !errors.is_empty() {
		let shown: Vec<_> = errors.iter().take(20).cloned().collect();
		bail!(
			"{} has {} bad line(s); nothing was sent:\n  {}{}",
			path.display(),
			errors.len(),
			shown.join("\n  "),
			if errors.len() > shown.len() { "\n  ..." } else { "" }
		);
	}
	if rows.is_empty() {
		bail!("{} lists no meters", path.display());
	}
	Ok(rows)
}

pub async fn run(ctx: &Context, args: RegisterArgs) -> anyhow::Result<()> {
	let rows = match (&args.csv, args.meter, &args.key, &args.owner) {
		(Some(path), ..) => read_csv(ctx, path)?,
		(None, Some(meter), Some(key), Some(owner)) => {
			vec![Row::new(0, &meter.to_string(), key, ctx.account(owner)?, &args.scheme, "")?]
		},
		_ => bail!("--csv FILE, or --meter, --key and --owner for one meter"),
	};
	let signer = ctx.signer(&args.from)?;
	let chain = ctx.chain().await?;
	let total = rows.len();
	let started = Instant::now();

	let (mut pending, mut failed, already) = check_chain(&chain, rows).await?;
	let already = already.len();
	if already > 0 {
		eprintln!("{already} of {total} meters are already registered as written; skipping them");
	}
	let mut registered = 0usize;
	for round in 1..=ROUNDS {
		if pending.is_empty() {
			break;
		}
		if round > 1 {
			eprintln!(
				"round {round}: {} registrations did not land; sending them again",
				pending.len()
			);
		}
		let sent = send(&chain, &signer, &pending, args.in_flight.into(), round, total).await?;
		wait_for_finality(&chain, &sent).await?;
		let (missing, wrong, landed) = check_chain(&chain, pending).await?;
		registered += landed.len();
		// A row that failed (`MeterExists`) because a copy sent in an earlier round landed
		// first is registered all the same: `check_chain` counted it as landed.
		failed.extend(wrong);
		let why = failures(&chain, &sent, &missing).await?;
		if sent.refused > 0 {
			eprintln!("the node refused {} registrations at submission", sent.refused);
		}
		pending = Vec::new();
		for row in missing {
			match why.get(&row.meter) {
				Some(error) => failed.push((row, error.clone())),
				None => pending.push(row),
			}
		}
	}

	println!(
		"registered {registered} meter(s), {already} already there, {} failed, {} not landed, of {total} in {:.0?}",
		failed.len(),
		pending.len(),
		started.elapsed()
	);
	const SHOWN: usize = 50;
	for (row, why) in failed.iter().take(SHOWN) {
		println!("  {}: {why}", row.label());
	}
	for row in pending.iter().take(SHOWN.saturating_sub(failed.len())) {
		println!("  {}: not on chain after {ROUNDS} rounds", row.label());
	}
	if failed.len() + pending.len() > SHOWN {
		println!("  ... and {} more", failed.len() + pending.len() - SHOWN);
	}
	if !failed.is_empty() || !pending.is_empty() {
		bail!("{} of {total} meters are not registered", failed.len() + pending.len());
	}
	Ok(())
}

/// Splits `rows` by what the finalized chain holds: (not registered, registered differently
/// with why, registered as written).
async fn check_chain(
	chain: &Chain,
	rows: Vec<Row>,
) -> anyhow::Result<(Vec<Row>, Vec<(Row, String)>, Vec<Row>)> {
	let at = chain.api.at_current_block().await?;
	let storage = at.storage();
	let (mut missing, mut wrong, mut same) = (Vec::new(), Vec::new(), Vec::new());
	// Many reads at once: one at a time, 10,000 meters take minutes.
	let mut reads = futures::stream::iter(rows.into_iter().map(|row| {
		let storage = &storage;
		async move {
			let found = storage.try_fetch(runtime::storage().meters().meters(), (row.meter,)).await;
			(row, found)
		}
	}))
	.buffer_unordered(CONCURRENT_READS);
	while let Some((row, found)) = reads.next().await {
		match found? {
			None => missing.push(row),
			Some(value) => {
				let info = value.decode()?;
				if row.matches(&info.key, &info.owner) {
					same.push(row);
				} else {
					let why = format!(
						"already registered with another key or owner (owner {}, operator {})",
						address_of(&info.owner.0),
						address_of(&info.operator.0)
					);
					wrong.push((row, why));
				}
			},
		}
	}
	Ok((missing, wrong, same))
}

/// What one round of sending did.
struct Sent {
	/// The transaction hash of each row submitted.
	hashes: HashMap<H256, u64>,
	/// The finalized block the round's transactions are anchored at (their mortality).
	from_block: u64,
	/// The best block once every registration was included (or the round gave up waiting).
	to_block: u64,
	/// Registrations the node refused at submission.
	refused: usize,
}

/// Signs and submits `rows` with consecutive nonces, at most `in_flight` not yet in a block at
/// once. Signing is offline (the nonce counted here, the mortality anchored at the finalized
/// block) and submission is one JSON-RPC call each (`author_submitExtrinsic`), so thousands go
/// out in seconds without a subscription per transaction; progress is the operator's nonce
/// at the best block. Round `round` tips `round - 1` units, so its transactions replace any
/// copy of an earlier round still waiting in the pool with the same nonce.
async fn send(
	chain: &Chain,
	signer: &Keypair,
	rows: &[Row],
	in_flight: u64,
	round: u32,
	total: usize,
) -> anyhow::Result<Sent> {
	let operator = signer.public_key().to_account_id();
	let at = chain.api.at_current_block().await?;
	let (anchor_number, anchor_hash) = (at.block_number(), at.block_hash());
	let first_nonce = included_nonce(chain, &operator).await?.0;
	let mut nonce = first_nonce;
	let tx = at.tx();
	let mut sent = Sent {
		hashes: HashMap::new(),
		from_block: anchor_number,
		to_block: anchor_number,
		refused: 0,
	};
	let (mut included, mut best) = (first_nonce, anchor_number);
	let mut last_progress = Instant::now();
	let mut last_report = Instant::now();
	let mut rows = rows.iter().peekable();
	loop {
		if rows.peek().is_none() && included >= nonce {
			break;
		}
		// Saturating: another client signing for the operator meanwhile moves the chain's nonce
		// past ours; then our next transactions are refused as stale, and the next round
		// starts from the chain's nonce.
		if let Some(row) = rows.peek().filter(|_| nonce.saturating_sub(included) < in_flight) {
			let call = runtime::tx().meters().register_meter(
				row.meter,
				row.multi_signer(),
				AccountId32(row.owner),
				BoundedVec(row.metadata.clone()),
			);
			let params = DefaultExtrinsicParamsBuilder::<Config>::new()
				.nonce(nonce)
				.tip(u128::from(round - 1))
				.mortal_from_unchecked(MORTALITY, anchor_number, anchor_hash)
				.build();
			let signed = tx
				.create_signable_offline(&call, params)
				.and_then(|mut signable| signable.sign(signer))
				.map_err(|e| crate::chain::submit_error(e, &row.label()))?;
			let encoded = format!("0x{}", hex::encode(signed.encoded()));
			match chain.rpc.request::<H256>("author_submitExtrinsic", rpc_params![encoded]).await {
				Ok(hash) => {
					sent.hashes.insert(hash, row.meter);
					nonce += 1;
				},
				// Refused at the door (a full pool, say): read back as missing and sent again
				// next round.
				Err(_) => sent.refused += 1,
			}
			rows.next();
		} else {
			tokio::time::sleep(Duration::from_millis(500)).await;
			let (now_included, now_best) = included_nonce(chain, &operator).await?;
			if now_included > included {
				last_progress = Instant::now();
			}
			(included, best) = (now_included.max(included), now_best);
			if last_progress.elapsed() > BLOCK_WAIT {
				eprintln!(
					"{} registrations were not included for {} s; reading back what landed",
					nonce.saturating_sub(included),
					BLOCK_WAIT.as_secs()
				);
				break;
			}
		}
		if last_report.elapsed() >= Duration::from_secs(2) {
			eprintln!(
				"submitted {} of {total}: {} in blocks (best #{best}), {} waiting, {} refused",
				nonce - first_nonce,
				included.saturating_sub(first_nonce),
				nonce.saturating_sub(included),
				sent.refused
			);
			last_report = Instant::now();
		}
	}
	sent.to_block = best;
	eprintln!(
		"{} in blocks by #{best}, {} refused by the node",
		included.saturating_sub(first_nonce),
		sent.refused
	);
	Ok(sent)
}

/// The operator's nonce at the best block (how many of its transactions are included), and
/// that block's number.
async fn included_nonce(chain: &Chain, operator: &AccountId32) -> anyhow::Result<(u64, u64)> {
	let legacy = LegacyRpcMethods::<subxt::config::RpcConfigFor<Config>>::new(chain.rpc.clone());
	let best = legacy.chain_get_block_hash(None).await?.context("the node has no best block")?;
	let at = chain.api.at_block(best).await?;
	let nonce = at.tx().account_nonce(operator).await?;
	Ok((nonce, at.block_number()))
}

/// Why each of `rows` is not registered: the `ExtrinsicFailed` event of its transaction, found
/// in the finalized blocks the round's transactions could be in. Rows with no failure found
/// (dropped by the pool, or in a retracted block) are not in the answer: they are sent again.
async fn failures(
	chain: &Chain,
	sent: &Sent,
	rows: &[Row],
) -> anyhow::Result<HashMap<u64, String>> {
	let wanted: HashSet<u64> = rows.iter().map(|row| row.meter).collect();
	let mut why = HashMap::new();
	if wanted.is_empty() {
		return Ok(why);
	}
	for number in sent.from_block + 1..=sent.to_block {
		let at = chain.api.at_block(number).await?;
		let extrinsics = at.extrinsics().fetch().await?;
		let mut ours = HashMap::new();
		for extrinsic in extrinsics.iter() {
			let extrinsic = extrinsic?;
			if let Some(meter) = sent.hashes.get(&extrinsic.hash()).filter(|m| wanted.contains(m)) {
				ours.insert(extrinsic.index() as u32, *meter);
			}
		}
		if ours.is_empty() {
			continue;
		}
		for event in at.events().fetch().await?.iter() {
			let event = event?;
			if event.pallet_name() != "System" || event.event_name() != "ExtrinsicFailed" {
				continue;
			}
			if let Phase::ApplyExtrinsic(index) = event.phase() {
				if let Some(meter) = ours.get(&index) {
					let error = DispatchError::decode_from(event.field_bytes(), at.metadata())
						.map(|e| describe(&e))
						.unwrap_or_else(|e| format!("an error this wattcoin cannot decode: {e}"));
					why.insert(*meter, error);
				}
			}
		}
	}
	Ok(why)
}

/// Waits until the finalized head reaches the round's last block, so reading back is final.
async fn wait_for_finality(chain: &Chain, sent: &Sent) -> anyhow::Result<()> {
	let deadline = Instant::now() + Duration::from_secs(120);
	loop {
		let finalized = chain.api.at_current_block().await?.block_number();
		if finalized >= sent.to_block {
			return Ok(());
		}
		if Instant::now() > deadline {
			bail!(
				"the chain has not finalized block #{} within 2 minutes (finalized: #{finalized})",
				sent.to_block
			);
		}
		tokio::time::sleep(Duration::from_secs(1)).await;
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn rows_check_keys_schemes_and_metadata() {
		let owner = [1u8; 32];
		let key = format!("0x{}", "ab".repeat(32));
		let row = Row::new(2, "7", &key, owner, "", "flat 3").unwrap();
		assert_eq!(
			(row.meter, row.scheme, row.metadata.as_slice()),
			(7, Scheme::Sr25519, &b"flat 3"[..])
		);
		assert!(Row::new(2, "x", &key, owner, "", "")
			.unwrap_err()
			.to_string()
			.contains("not a meter id"));
		assert!(Row::new(2, "7", "abab", owner, "", "").unwrap_err().to_string().contains("0x"));
		assert!(Row::new(2, "7", &key, owner, "ecdsa", "")
			.unwrap_err()
			.to_string()
			.contains("33 bytes"));
		assert!(Row::new(2, "7", &key, owner, "rsa", "")
			.unwrap_err()
			.to_string()
			.contains("sr25519, ed25519 or ecdsa"));
		assert!(Row::new(2, "7", &key, owner, "", &"m".repeat(65))
			.unwrap_err()
			.to_string()
			.contains("at most 64"));
	}
}
