//! The Wattcoin node: a Substrate solochain for prepaid electricity.
#![warn(missing_docs)]
// The subcommands return `sc_cli::Error`, a large upstream error type the node cannot shrink.
#![allow(clippy::result_large_err)]

mod chain_spec;
mod cli;
mod command;
mod service;

fn main() -> sc_cli::Result<()> {
	command::run()
}
