//! The command line.

use crate::{
	chain::FollowConfig,
	genesis::{parse_h256, parse_rpc_url},
	limits::{self, Limits},
	meters::KnownMeters,
	server::Config,
	simulator::SimulatorConfig,
};
use anyhow::Context;
use clap::Parser;
use hyper::Uri;
use sp_core::{sr25519, H256};
use std::{fmt, net::SocketAddr, path::PathBuf, str::FromStr, time::Duration};
use wattcoin_primitives::MeterId;

/// The Wattcoin meter gateway: receives signed meter readings, stores them durably and
/// serves them in order to the nodes' off-chain workers.
#[derive(Parser, Debug, Clone)]
#[command(name = "wattcoin-gateway", version, about)]
pub struct Cli {
	/// Address to listen on (HTTP).
	#[arg(long, value_name = "ADDR", default_value = "127.0.0.1:8080")]
	pub listen: SocketAddr,

	/// The SQLite database of accepted readings (created if missing; `PATH.lock`, `PATH-wal`
	/// and `PATH-shm` live next to it).
	#[arg(long, value_name = "PATH", default_value = "wattcoin-gateway.sqlite")]
	pub db: PathBuf,

	/// The genesis hash of the chain readings are signed for (0x and 64 hex digits).
	#[arg(
		long,
		value_name = "0xHASH",
		value_parser = parse_h256,
		required_unless_present = "node_rpc",
		conflicts_with = "node_rpc"
	)]
	pub genesis_hash: Option<H256>,

	/// The node to follow, e.g. http://127.0.0.1:9944: its genesis hash is asked at startup
	/// (retrying until it answers), then its finalized blocks are followed over WebSocket on
	/// the same port (meters, keys and each reading's outcome from the chain).
	#[arg(long, value_name = "URL", value_parser = parse_rpc_url)]
	pub node_rpc: Option<Uri>,

	/// An sr25519 public key (0x hex or SS58) that may read every meter's readings at
	/// GET /v1/readings, besides the chain's block authors (read from the node followed);
	/// repeat the flag for several.
	#[arg(long, value_name = "KEY", value_parser = parse_relayer)]
	pub relayer: Vec<sr25519::Public>,

	/// Serve GET /v1/readings (every household's readings) to anyone, as before relayers
	/// signed: only for a gateway that only its relayers reach, while its chain runs a
	/// runtime older than spec 102 (docs/upgrades.md).
	#[arg(long)]
	pub open_feed: bool,

	/// Do not index each meter's billing history from the finalized blocks (a storage read per
	/// billed meter per block; households' statements and the web app need it).
	#[arg(long, requires = "node_rpc")]
	pub no_billing_index: bool,

	/// The built web app to serve at / (the `dist/` directory `cd web && npm run build`
	/// writes): households' and operators' pages, on the same origin as the owners' feed.
	#[arg(long, value_name = "DIR")]
	pub web: Option<PathBuf>,

	/// Days a reading is kept after a finalized block settled it (decimals allowed). Pending
	/// readings and each meter's latest are always kept.
	#[arg(long, value_name = "DAYS", default_value = "30", value_parser = parse_retention)]
	pub retention_days: Duration,

	/// A JSON file of more meters to accept:
	/// `[{"meter": 5000, "scheme": "ed25519", "public": "0x..."}]`.
	#[arg(long, value_name = "FILE")]
	pub meters: Option<PathBuf>,

	/// Accept readings of dev meters 0..N (ids 1000..1000+N, keys //Meter//i) without
	/// simulating them. Simulated meters are always accepted.
	#[arg(long, value_name = "N", default_value_t = 0)]
	pub dev_meters: u32,

	/// Simulate dev meters 0..N (ids 1000..1000+N) with a household load.
	#[arg(long, value_name = "N")]
	pub simulate: Option<u32>,

	/// Seconds between two readings of a simulated meter (decimals allowed).
	#[arg(long, value_name = "SECS", default_value = "6", value_parser = parse_interval)]
	pub interval: Duration,

	/// Scale of every simulated meter's load, in percent.
	#[arg(long, value_name = "PCT", default_value_t = 100, requires = "simulate")]
	pub simulate_scale: u32,

	/// A simulated meter whose load is multiplied by --heavy-factor (repeatable, or
	/// comma-separated), e.g. a demo meter whose credit runs out fast.
	#[arg(long, value_name = "METER", value_delimiter = ',', requires = "simulate")]
	pub heavy_meter: Vec<MeterId>,

	/// The load multiplier of --heavy-meter meters.
	#[arg(long, value_name = "FACTOR", default_value_t = 50.0, requires = "simulate")]
	pub heavy_factor: f64,

	/// Simulated meters ignore their supply commands (by default they fetch, check and obey
	/// them when the gateway follows a node): for load benchmarks of thousands of meters.
	#[arg(long, requires = "simulate")]
	pub ignore_supply: bool,

	/// Minutes a simulated meter obeys a disconnection without hearing of a newer finalized
	/// block; then it reconnects (the fail-safe, docs/protocol.md).
	#[arg(long, value_name = "MINUTES", default_value_t = 15, requires = "simulate")]
	pub supply_failsafe_mins: u64,

	/// The most connections open at once; one more is answered 503 and closed.
	#[arg(long, value_name = "N", default_value_t = limits::DEFAULT_MAX_CONNECTIONS)]
	pub max_connections: usize,

	/// Seconds a client may take to send a request's headers (an idle keep-alive connection
	/// is closed after them too).
	#[arg(long, value_name = "SECS", default_value_t = Secs(limits::DEFAULT_HEADER_TIMEOUT))]
	pub header_timeout: Secs,

	/// Seconds a client may take to send a POST's body after its headers (then 408).
	#[arg(long, value_name = "SECS", default_value_t = Secs(limits::DEFAULT_BODY_TIMEOUT))]
	pub body_timeout: Secs,

	/// Seconds a connection may stay open: then it finishes its request and closes.
	#[arg(long, value_name = "SECS", default_value_t = Secs(limits::DEFAULT_MAX_CONNECTION_AGE))]
	pub max_connection_age: Secs,

	/// The most reads (GET /v1/readings, /healthz) served at once; more are answered 503.
	#[arg(long, value_name = "N", default_value_t = limits::DEFAULT_MAX_READS)]
	pub max_reads: usize,

	/// The most reads served at once to one client address; more are answered 503.
	#[arg(long, value_name = "N", default_value_t = limits::DEFAULT_MAX_READS_PER_PEER)]
	pub max_reads_per_peer: usize,

	/// The most POSTs being received or processed at once; more are answered 503.
	#[arg(long, value_name = "N", default_value_t = limits::DEFAULT_MAX_UPLOADS)]
	pub max_uploads: usize,

	/// The most POSTed batches parsed, verified and stored at once (the others wait).
	#[arg(long, value_name = "N", default_value_t = limits::DEFAULT_MAX_INGESTS)]
	pub max_ingests: usize,
}

/// A number of seconds on the command line (decimals allowed, more than 0, at most a day).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Secs(pub Duration);

impl fmt::Display for Secs {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		write!(f, "{}", self.0.as_secs_f64())
	}
}

impl FromStr for Secs {
	type Err = String;

	fn from_str(text: &str) -> Result<Self, String> {
		let secs: f64 = text.parse().map_err(|_| format!("not a number of seconds: {text:?}"))?;
		if !(secs > 0.0 && secs <= 86_400.0) {
			return Err(format!("must be more than 0 and at most 86400 seconds, not {secs}"));
		}
		Ok(Self(Duration::from_secs_f64(secs)))
	}
}

fn parse_interval(text: &str) -> Result<Duration, String> {
	let secs: f64 = text.parse().map_err(|_| format!("not a number of seconds: {text:?}"))?;
	if !(0.05..=86_400.0).contains(&secs) {
		return Err(format!("the interval must be between 0.05 and 86400 seconds, not {secs}"));
	}
	Ok(Duration::from_secs_f64(secs))
}

fn parse_retention(text: &str) -> Result<Duration, String> {
	let days: f64 = text.parse().map_err(|_| format!("not a number of days: {text:?}"))?;
	if !(days > 0.0 && days <= 36_500.0) {
		return Err(format!(
			"the retention must be more than 0 and at most 36500 days, not {days}"
		));
	}
	Ok(Duration::from_secs_f64(days * 86_400.0))
}

/// The WebSocket URL of the node at `http://host:port` (the same port serves both).
pub fn websocket_url(url: &Uri) -> String {
	let text = url.to_string();
	match text.strip_prefix("http://") {
		Some(rest) => format!("ws://{}", rest.trim_end_matches('/')),
		None => text,
	}
}

/// Where the genesis hash comes from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum GenesisSource {
	/// Given.
	Hash(H256),
	/// Asked of a node.
	NodeRpc(Uri),
}

impl Cli {
	/// Where the genesis hash comes from (clap guarantees exactly one of the two flags).
	pub fn genesis_source(&self) -> anyhow::Result<GenesisSource> {
		match (&self.genesis_hash, &self.node_rpc) {
			(Some(hash), None) => Ok(GenesisSource::Hash(*hash)),
			(None, Some(url)) => Ok(GenesisSource::NodeRpc(url.clone())),
			_ => anyhow::bail!("give exactly one of --genesis-hash and --node-rpc"),
		}
	}

	/// The gateway's configuration, reading the `--meters` file.
	pub fn into_config(self, genesis: H256) -> anyhow::Result<Config> {
		let mut meters = KnownMeters::new();
		meters.add_dev_meters(self.dev_meters)?;
		if let Some(path) = &self.meters {
			let count = meters
				.add_file(path)
				.with_context(|| format!("loading --meters {}", path.display()))?;
			tracing::info!(file = %path.display(), count, "meters loaded");
		}
		let simulator = self.simulate.map(|count| SimulatorConfig {
			count,
			interval: self.interval,
			scale_percent: self.simulate_scale,
			heavy_meters: self.heavy_meter.iter().copied().collect(),
			heavy_factor: self.heavy_factor,
			obey_supply: !self.ignore_supply,
			supply_failsafe: Duration::from_secs(self.supply_failsafe_mins.saturating_mul(60)),
		});
		let limits = Limits {
			max_connections: self.max_connections,
			header_timeout: self.header_timeout.0,
			body_timeout: self.body_timeout.0,
			max_connection_age: self.max_connection_age.0,
			max_reads: self.max_reads,
			max_reads_per_peer: self.max_reads_per_peer,
			max_uploads: self.max_uploads,
			max_ingests: self.max_ingests,
		};
		limits.check().map_err(anyhow::Error::msg)?;
		let follow = self.node_rpc.as_ref().map(|url| FollowConfig {
			url: websocket_url(url),
			retention: self.retention_days,
			index_billing: !self.no_billing_index,
		});
		Ok(Config {
			listen: self.listen,
			db: self.db,
			genesis,
			meters,
			simulator,
			limits,
			follow,
			relayers: self.relayer,
			open_feed: self.open_feed,
			web: self.web,
		})
	}
}

/// An sr25519 public key, `0x` and 64 hex digits or SS58.
fn parse_relayer(text: &str) -> Result<sr25519::Public, String> {
	let account = crate::readers::parse_account(text).map_err(|err| err.to_string())?;
	Ok(sr25519::Public::from_raw(account.into()))
}

#[cfg(test)]
mod tests {
	use super::*;

	const HASH: &str = "0x000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

	#[test]
	fn defaults_and_flags() {
		let cli = Cli::try_parse_from(["gw", "--genesis-hash", HASH]).unwrap();
		assert_eq!(cli.listen, "127.0.0.1:8080".parse().unwrap());
		assert_eq!(cli.db, PathBuf::from("wattcoin-gateway.sqlite"));
		assert!(matches!(cli.genesis_source().unwrap(), GenesisSource::Hash(h) if h.0[1] == 1));
		let config = cli.into_config(H256::zero()).unwrap();
		assert!(config.simulator.is_none());
		assert!(config.meters.is_empty());
		assert_eq!(config.limits, Limits::default());

		let cli = Cli::try_parse_from([
			"gw",
			"--node-rpc",
			"http://127.0.0.1:9944",
			"--simulate",
			"20",
			"--interval",
			"0.5",
			"--heavy-meter",
			"1019,1018",
			"--heavy-meter",
			"1017",
			"--heavy-factor",
			"80",
			"--dev-meters",
			"3",
			"--max-connections",
			"64",
			"--header-timeout",
			"2.5",
			"--body-timeout",
			"60",
			"--max-connection-age",
			"600",
			"--max-reads",
			"8",
			"--max-reads-per-peer",
			"1",
			"--max-uploads",
			"16",
			"--max-ingests",
			"4",
		])
		.unwrap();
		assert!(matches!(cli.genesis_source().unwrap(), GenesisSource::NodeRpc(_)));
		let config = cli.into_config(H256::zero()).unwrap();
		let follow = config.follow.clone().unwrap();
		assert_eq!(follow.url, "ws://127.0.0.1:9944");
		assert_eq!(follow.retention, Duration::from_secs(30 * 86_400));
		assert_eq!(config.meters.len(), 3);
		let sim = config.simulator.unwrap();
		assert_eq!((sim.count, sim.interval), (20, Duration::from_millis(500)));
		assert_eq!(sim.heavy_meters.into_iter().collect::<Vec<_>>(), [1017, 1018, 1019]);
		assert_eq!(sim.heavy_factor, 80.0);
		assert_eq!(
			config.limits,
			Limits {
				max_connections: 64,
				header_timeout: Duration::from_millis(2500),
				body_timeout: Duration::from_secs(60),
				max_connection_age: Duration::from_secs(600),
				max_reads: 8,
				max_reads_per_peer: 1,
				max_uploads: 16,
				max_ingests: 4,
			}
		);
	}

	#[test]
	fn refuses_bad_flags() {
		for args in [
			&["gw"][..],
			&["gw", "--genesis-hash", HASH, "--node-rpc", "http://127.0.0.1:9944"],
			&["gw", "--genesis-hash", "0x00"],
			&["gw", "--node-rpc", "https://example.invalid"],
			&["gw", "--genesis-hash", HASH, "--simulate", "1", "--interval", "0"],
			&["gw", "--genesis-hash", HASH, "--heavy-meter", "1000"],
			&["gw", "--genesis-hash", HASH, "--listen", "localhost"],
			&["gw", "--genesis-hash", HASH, "--header-timeout", "0"],
			&["gw", "--genesis-hash", HASH, "--body-timeout", "-1"],
			&["gw", "--genesis-hash", HASH, "--max-connection-age", "nan"],
			&["gw", "--genesis-hash", HASH, "--retention-days", "0"],
		] {
			assert!(Cli::try_parse_from(args).is_err(), "{args:?}");
		}
		let cli =
			Cli::try_parse_from(["gw", "--genesis-hash", HASH, "--meters", "/nonexistent.json"])
				.unwrap();
		let err = format!("{:#}", cli.into_config(H256::zero()).unwrap_err());
		assert!(err.contains("loading --meters /nonexistent.json"), "{err}");
		let cli =
			Cli::try_parse_from(["gw", "--genesis-hash", HASH, "--max-uploads", "0"]).unwrap();
		let err = format!("{:#}", cli.into_config(H256::zero()).unwrap_err());
		assert!(err.contains("--max-uploads must be between 1"), "{err}");
	}
}
