//! `wattcoin balance` and `wattcoin transfer`.

use super::Context;
use crate::{
	amount::{format_watt, parse_watt},
	chain::{address, runtime},
	cli::Payment,
	keystore::address_of,
};
use subxt::utils::AccountId32;

/// Prints the free, reserved and frozen WATT of `who` at the finalized block.
pub async fn balance(ctx: &Context, who: &str) -> anyhow::Result<()> {
	let id = ctx.account(who)?;
	let chain = ctx.chain().await?;
	let at = chain.api.at_current_block().await?;
	let account = at
		.storage()
		.fetch(runtime::storage().system().account(), (AccountId32(id),))
		.await?
		.decode()?;
	println!("account:  {}", address_of(&id));
	println!("free:     {}", format_watt(account.data.free));
	println!("reserved: {}", format_watt(account.data.reserved));
	println!("frozen:   {}", format_watt(account.data.frozen));
	println!("at block: #{} (finalized)", at.block_number());
	Ok(())
}

/// Sends `amount` WATT from the wallet account `from` to `to`, keeping the sender alive.
pub async fn transfer(ctx: &Context, payment: &Payment) -> anyhow::Result<()> {
	let value = parse_watt(&payment.amount)?;
	let dest = ctx.account(&payment.to)?;
	let signer = ctx.signer(&payment.from)?;
	let chain = ctx.chain().await?;
	let call = runtime::tx().balances().transfer_keep_alive(address(dest), value);
	let what = format!("transfer of {} to {}", format_watt(value), address_of(&dest));
	let included = chain.submit(&call, &signer, &what).await?;
	println!("sent {} to {} in block #{}", format_watt(value), address_of(&dest), included.block);
	Ok(())
}
