//! # Wattcoin RPC
//!
//! The node's JSON-RPC beyond Substrate's defaults (chain, state, author, system, ...):
//! - Wattcoin's own methods, [`wattcoin`]: `wattcoin_meterStatus`, `wattcoin_metersOf` and
//!   `wattcoin_quote`, over the runtime APIs `PrepaidApi` and `MetersApi` of
//!   [`wattcoin_primitives`];
//! - account nonces (`system_accountNextIndex`), from `substrate-frame-rpc-system`;
//! - fee queries (`payment_queryInfo`, `payment_queryFeeDetails`), from
//!   `pallet-transaction-payment-rpc`.
//!
//! `docs/rpc.md` documents the methods, their errors, and why each is an RPC method.

#![warn(missing_docs)]

pub mod wattcoin;

use std::sync::Arc;

use jsonrpsee::RpcModule;
use sc_transaction_pool_api::TransactionPool;
use sp_api::ProvideRuntimeApi;
use sp_block_builder::BlockBuilder;
use sp_blockchain::{Error as BlockChainError, HeaderBackend, HeaderMetadata};
use wattcoin_runtime::{opaque::Block, AccountId, Balance, Nonce};

/// What the RPC handlers need from the node.
pub struct FullDeps<C, P> {
	/// The client, to query the runtime at a block.
	pub client: Arc<C>,
	/// The transaction pool, for the next nonce of an account.
	pub pool: Arc<P>,
}

/// Assembles every RPC module of the node.
pub fn create_full<C, P>(
	deps: FullDeps<C, P>,
) -> Result<RpcModule<()>, Box<dyn std::error::Error + Send + Sync>>
where
	C: ProvideRuntimeApi<Block>
		+ HeaderBackend<Block>
		+ HeaderMetadata<Block, Error = BlockChainError>
		+ Send
		+ Sync
		+ 'static,
	C::Api: substrate_frame_rpc_system::AccountNonceApi<Block, AccountId, Nonce>,
	C::Api: pallet_transaction_payment_rpc::TransactionPaymentRuntimeApi<Block, Balance>,
	C::Api: BlockBuilder<Block>,
	C::Api: wattcoin_primitives::prepaid_api::PrepaidApi<Block, Balance>,
	C::Api: wattcoin_primitives::meters_api::MetersApi<Block, AccountId>,
	P: TransactionPool + 'static,
{
	use pallet_transaction_payment_rpc::{TransactionPayment, TransactionPaymentApiServer};
	use substrate_frame_rpc_system::{System, SystemApiServer};
	use wattcoin::{Wattcoin, WattcoinApiServer};

	let FullDeps { client, pool } = deps;
	let mut module = RpcModule::new(());
	module.merge(System::new(client.clone(), pool).into_rpc())?;
	module.merge(TransactionPayment::new(client.clone()).into_rpc())?;
	module.merge(Wattcoin::<C, Block, AccountId, Balance>::new(client).into_rpc())?;
	Ok(module)
}
