//! The node: the connection, transactions with their progress, and errors as people read them.
//!
//! Calls and storage are typed by [`runtime`], generated offline by subxt from
//! `metadata/wattcoin.scale` (the runtime's metadata, kept current by the test
//! `tests/metadata.rs`). subxt checks each call and storage entry against the node's own
//! metadata before using it, so a node running a runtime whose calls differ is refused with a
//! clear message instead of being sent a transaction it would misread.

use anyhow::{anyhow, bail, Context};
use subxt::{
	config::DefaultExtrinsicParamsBuilder,
	error::{DispatchError, ExtrinsicError, TransactionEventsError},
	rpcs::{LegacyRpcMethods, RpcClient},
	transactions::{Payload, TransactionStatus},
	utils::{AccountId32, MultiAddress},
	OnlineClient, SubstrateConfig,
};
use subxt_signer::sr25519::Keypair;

/// The types, calls, storage entries and events of the Wattcoin runtime.
#[subxt::subxt(runtime_metadata_path = "metadata/wattcoin.scale")]
pub mod runtime {}

/// The chain's configuration as subxt sees it.
pub type Config = SubstrateConfig;
/// A client of the node.
pub type Api = OnlineClient<Config>;
/// The events of one included transaction.
pub type Events = subxt::extrinsics::ExtrinsicEvents<Config>;

/// A connection to a node.
pub struct Chain {
	/// The typed client.
	pub api: Api,
	/// The raw JSON-RPC client, for Wattcoin's own methods (`wattcoin_*`).
	pub rpc: RpcClient,
}

/// A transaction in a finalized block.
pub struct Included {
	/// The block's number.
	pub block: u64,
	/// Its events.
	pub events: Events,
}

impl Chain {
	/// Connects to the node at `url` (`ws://` or `wss://`).
	pub async fn connect(url: &str) -> anyhow::Result<Self> {
		let rpc = RpcClient::from_insecure_url(url).await.map_err(|e| {
			anyhow!(
				"cannot reach a node at {url}: {e}\n\
				 Is the node running? `--url` (or WATTCOIN_URL) picks another one."
			)
		})?;
		let api = Api::from_rpc_client(rpc.clone())
			.await
			.with_context(|| format!("the node at {url} answered, but not as a Wattcoin node"))?;
		Ok(Self { api, rpc })
	}

	/// The pool-aware next nonce of `who` (counts its transactions waiting in the pool).
	pub async fn next_nonce(&self, who: &AccountId32) -> anyhow::Result<u64> {
		let legacy = LegacyRpcMethods::<subxt::config::RpcConfigFor<Config>>::new(self.rpc.clone());
		legacy
			.system_account_next_index(who)
			.await
			.context("asking the node for the account's nonce")
	}

	/// Signs `call` with `signer`, submits it, reports its progress on stderr and waits until
	/// it is in a finalized block. A call that failed on chain is an error naming the pallet's
	/// error and its documentation.
	pub async fn submit<C: Payload>(
		&self,
		call: &C,
		signer: &Keypair,
		what: &str,
	) -> anyhow::Result<Included> {
		let nonce = self.next_nonce(&signer.public_key().to_account_id()).await?;
		let mut tx = self.api.tx().await.context("reading the chain's head")?;
		let params = DefaultExtrinsicParamsBuilder::<Config>::new().nonce(nonce).build();
		let mut progress = tx
			.sign_and_submit_then_watch(call, signer, params)
			.await
			.map_err(|e| submit_error(e, what))?;
		eprintln!("{what}: submitted");
		while let Some(status) = progress.next().await {
			match status.with_context(|| format!("{what}: following the transaction"))? {
				TransactionStatus::InBestBlock(block) => {
					let at = block.at().await?;
					eprintln!("{what}: in block #{} (not final yet)", at.block_number());
				},
				TransactionStatus::InFinalizedBlock(block) => {
					let number = block.at().await?.block_number();
					let events = block.wait_for_success().await.map_err(|e| failed(e, what))?;
					eprintln!("{what}: finalized in block #{number}");
					return Ok(Included { block: number, events });
				},
				TransactionStatus::Invalid { message } => {
					bail!("{what}: the node refused the transaction as invalid: {message}")
				},
				TransactionStatus::Dropped { message } => {
					bail!("{what}: the node dropped the transaction: {message}")
				},
				TransactionStatus::Error { message } => bail!("{what}: {message}"),
				TransactionStatus::Validated
				| TransactionStatus::Broadcasted
				| TransactionStatus::NoLongerInBestBlock => {},
			}
		}
		bail!("{what}: the node stopped reporting on the transaction before it was finalized")
	}
}

/// An account id as the runtime's calls take it.
pub fn address(id: [u8; 32]) -> MultiAddress<AccountId32, ()> {
	MultiAddress::Id(AccountId32(id))
}

/// Why a transaction could not be submitted, for people.
pub fn submit_error(err: ExtrinsicError, what: &str) -> anyhow::Error {
	match err {
		ExtrinsicError::IncompatibleCodegen => anyhow!(
			"{what}: the node runs a runtime whose calls differ from the ones this wattcoin was \
			 built for; update wattcoin (its metadata is cli/metadata/wattcoin.scale)"
		),
		other => anyhow!("{what}: the node did not take the transaction: {other}"),
	}
}

/// Why an included transaction failed, for people: `Pallet.Error: its documentation`.
pub fn failed(err: TransactionEventsError, what: &str) -> anyhow::Error {
	match err {
		TransactionEventsError::ExtrinsicFailed(dispatch) => {
			anyhow!("{what}: failed on chain: {}", describe(&dispatch))
		},
		other => anyhow!("{what}: {other}"),
	}
}

/// A dispatch error as `Pallet.Error: docs`, or subxt's description of the others.
pub fn describe(err: &DispatchError) -> String {
	if let DispatchError::Module(module) = err {
		if let Ok(details) = module.details() {
			let docs = details.variant.docs.join(" ");
			let docs = docs.trim();
			return if docs.is_empty() {
				format!("{}.{}", details.pallet.name(), details.variant.name)
			} else {
				format!("{}.{}: {docs}", details.pallet.name(), details.variant.name)
			};
		}
	}
	err.to_string()
}
