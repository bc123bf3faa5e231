//! The node's command line.

use sc_cli::RunCmd;

/// `wattcoin-node [SUBCOMMAND] [OPTIONS]`: without a subcommand, runs the node.
#[derive(Debug, clap::Parser)]
pub struct Cli {
	/// What to do instead of running the node.
	#[command(subcommand)]
	pub subcommand: Option<Subcommand>,

	/// Options of the running node.
	#[clap(flatten)]
	pub run: RunCmd,

	/// Base URL of the meter gateway this node's off-chain worker fetches signed readings from
	/// (e.g. `http://127.0.0.1:8080`). Stored in the node's off-chain storage, where it can
	/// also be changed at run time with the `offchain_localStorageSet` RPC (kind PERSISTENT,
	/// key `wattcoin::meters::gateway-url`). Without it the worker stays idle, and a URL
	/// stored by an earlier run is removed at start. The worker signs its requests with this
	/// node's block author (aura) key, which the gateway takes as a relayer's: a node without
	/// one in its keystore relays nothing.
	#[arg(long, value_name = "URL")]
	pub meter_gateway: Option<String>,
}

/// The node's subcommands.
#[derive(Debug, clap::Subcommand)]
#[allow(clippy::large_enum_variant)]
pub enum Subcommand {
	/// Key management: generate, inspect and insert keys.
	#[command(subcommand)]
	Key(sc_cli::KeySubcommand),

	/// Export a chain specification (`dev`, `local` or a JSON file) as JSON.
	ExportChainSpec(sc_cli::ExportChainSpecCmd),

	/// Build a chain specification (`--chain dev`, `local` or a JSON file), plain or with
	/// `--raw` storage. Kept for tools that call it, such as zombienet (`zombienet/`), which
	/// builds the spec of its network and turns its edited spec into a raw one with it.
	BuildSpec(sc_cli::BuildSpecCmd),

	/// Validate blocks.
	CheckBlock(sc_cli::CheckBlockCmd),

	/// Export blocks.
	ExportBlocks(sc_cli::ExportBlocksCmd),

	/// Export the state of a given block into a chain spec.
	ExportState(sc_cli::ExportStateCmd),

	/// Import blocks.
	ImportBlocks(sc_cli::ImportBlocksCmd),

	/// Remove the whole chain.
	PurgeChain(sc_cli::PurgeChainCmd),

	/// Revert the chain to a previous state.
	Revert(sc_cli::RevertCmd),

	/// Benchmark the runtime's pallets, a block or the machine. Only in a node built with
	/// `--features runtime-benchmarks` (`scripts/benchmark.sh` builds one).
	#[cfg(feature = "runtime-benchmarks")]
	#[command(subcommand)]
	Benchmark(frame_benchmarking_cli::BenchmarkCmd),

	/// Database meta columns information.
	ChainInfo(sc_cli::ChainInfoCmd),
}
