//! `wattcoin operator revenue | withdraw`.

use super::Context;
use crate::{
	amount::{format_watt, parse_watt},
	chain::{address, runtime},
	cli::OperatorCommand,
	keystore::address_of,
};
use subxt::utils::AccountId32;

pub async fn run(ctx: &Context, command: OperatorCommand) -> anyhow::Result<()> {
	match command {
		OperatorCommand::Revenue { operator } => revenue(ctx, &operator).await,
		OperatorCommand::Withdraw { from, amount, to } => {
			withdraw(ctx, &from, &amount, to.as_deref()).await
		},
	}
}

/// Prints the operator's revenue held in the pot at the finalized block.
async fn revenue(ctx: &Context, who: &str) -> anyhow::Result<()> {
	let id = ctx.account(who)?;
	let chain = ctx.chain().await?;
	let at = chain.api.at_current_block().await?;
	let held = at
		.storage()
		.fetch(runtime::storage().prepaid().revenue(), (AccountId32(id),))
		.await?
		.decode()?;
	println!("operator: {}", address_of(&id));
	println!("revenue:  {}", format_watt(held));
	println!("at block: #{} (finalized)", at.block_number());
	Ok(())
}

/// Pays `amount` of the operator's revenue to `to` (default: the operator).
async fn withdraw(ctx: &Context, from: &str, amount: &str, to: Option<&str>) -> anyhow::Result<()> {
	let value = parse_watt(amount)?;
	let signer = ctx.signer(from)?;
	let dest = match to {
		Some(to) => ctx.account(to)?,
		None => signer.public_key().0,
	};
	let chain = ctx.chain().await?;
	let call = runtime::tx().prepaid().withdraw_revenue(address(dest), value);
	let what = format!("withdrawal of {} of revenue to {}", format_watt(value), address_of(&dest));
	let included = chain.submit(&call, &signer, &what).await?;
	println!(
		"withdrew {} to {} in block #{}",
		format_watt(value),
		address_of(&dest),
		included.block
	);
	Ok(())
}
