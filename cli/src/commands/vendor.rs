//! `wattcoin vendor issue`.

use anyhow::bail;

use super::Context;
use crate::{
	amount::{format_watt, parse_watt},
	chain::{address, runtime},
	cli::{Payment, VendorCommand},
	keystore::address_of,
};

pub async fn run(ctx: &Context, command: VendorCommand) -> anyhow::Result<()> {
	match command {
		VendorCommand::Issue { payment, receipt, paid_at } => {
			issue(ctx, &payment, &receipt, paid_at).await
		},
	}
}

/// The runtime's `MaxReceiptLen`.
const MAX_RECEIPT: usize = 64;

async fn issue(
	ctx: &Context,
	payment: &Payment,
	receipt: &str,
	paid_at: Option<u32>,
) -> anyhow::Result<()> {
	let value = parse_watt(&payment.amount)?;
	let dest = ctx.account(&payment.to)?;
	if receipt.is_empty() || receipt.len() > MAX_RECEIPT {
		bail!("a receipt is 1 to {MAX_RECEIPT} bytes; {receipt:?} is {}", receipt.len());
	}
	let signer = ctx.signer(&payment.from)?;
	let chain = ctx.chain().await?;
	let paid_at = match paid_at {
		Some(block) => block,
		None => chain.api.at_current_block().await?.block_number() as u32,
	};
	let call = runtime::tx().wattcoin().issue(
		address(dest),
		value,
		paid_at,
		runtime::runtime_types::bounded_collections::bounded_vec::BoundedVec(
			receipt.as_bytes().to_vec(),
		),
	);
	let what =
		format!("issue of {} to {} (receipt {receipt:?})", format_watt(value), address_of(&dest));
	let included = chain.submit(&call, &signer, &what).await?;
	println!(
		"issued {} to {} against receipt {receipt:?} in block #{}",
		format_watt(value),
		address_of(&dest),
		included.block
	);
	Ok(())
}
