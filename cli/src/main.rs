//! `wattcoin`: the command-line wallet of Wattcoin.
//!
//! - [`keystore`]: accounts, encrypted in the polkadot.js JSON format;
//! - [`chain`]: the node, typed by subxt from the runtime's metadata, and transactions
//!   followed to finality with the chain's errors decoded;
//! - [`commands`]: the subcommands ([`cli`] lists them and their flags);
//! - [`amount`]: WATT and kWh as people write them.
//!
//! `docs/wallet.md` is the guide for households, operators and vendors.

mod amount;
mod chain;
mod cli;
mod commands;
mod keystore;

use clap::Parser;

#[tokio::main]
async fn main() -> std::process::ExitCode {
	let cli = cli::Cli::parse();
	match commands::run(cli).await {
		Ok(()) => std::process::ExitCode::SUCCESS,
		Err(err) => {
			eprintln!("error: {err:#}");
			std::process::ExitCode::FAILURE
		},
	}
}
