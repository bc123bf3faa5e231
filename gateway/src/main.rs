//! `wattcoin-gateway`: see the crate documentation and `gateway/README.md`.

use clap::Parser;
use std::{io::IsTerminal, process::ExitCode};
use tokio::sync::watch;
use tracing_subscriber::EnvFilter;
use wattcoin_gateway::{
	cli::{Cli, GenesisSource},
	genesis::{wait_for_genesis_hash, RPC_RETRY},
	Gateway,
};

fn main() -> ExitCode {
	tracing_subscriber::fmt()
		.with_env_filter(
			EnvFilter::try_from_default_env().unwrap_or_else(|_| EnvFilter::new("info")),
		)
		.with_writer(std::io::stderr)
		.with_ansi(std::io::stderr().is_terminal())
		.init();
	let cli = Cli::parse();
	let runtime = match tokio::runtime::Builder::new_multi_thread().enable_all().build() {
		Ok(runtime) => runtime,
		Err(err) => {
			tracing::error!("cannot start the async runtime: {err}");
			return ExitCode::FAILURE;
		},
	};
	match runtime.block_on(run(cli)) {
		Ok(()) => ExitCode::SUCCESS,
		Err(err) => {
			tracing::error!("{err:#}");
			ExitCode::FAILURE
		},
	}
}

/// Turns `true` on the first SIGINT or SIGTERM.
fn shutdown_signal() -> anyhow::Result<watch::Receiver<bool>> {
	use tokio::signal::unix::{signal, SignalKind};
	let mut interrupt = signal(SignalKind::interrupt())?;
	let mut terminate = signal(SignalKind::terminate())?;
	let (tx, rx) = watch::channel(false);
	tokio::spawn(async move {
		let name = tokio::select! {
			_ = interrupt.recv() => "SIGINT",
			_ = terminate.recv() => "SIGTERM",
		};
		tracing::info!("{name} received");
		let _ = tx.send(true);
		// Keep the sender (and the signal handlers) alive: a second signal is ignored
		// while the gateway finishes in-flight requests.
		std::future::pending::<()>().await;
	});
	Ok(rx)
}

async fn run(cli: Cli) -> anyhow::Result<()> {
	let mut shutdown = shutdown_signal()?;
	tracing::info!(
		listen = %cli.listen,
		db = %cli.db.display(),
		simulate = ?cli.simulate,
		interval = ?cli.interval,
		dev_meters = cli.dev_meters,
		meters_file = ?cli.meters,
		"starting wattcoin-gateway {}",
		env!("CARGO_PKG_VERSION"),
	);
	let genesis = match cli.genesis_source()? {
		GenesisSource::Hash(hash) => hash,
		GenesisSource::NodeRpc(url) => {
			tracing::info!(node = %url, "asking the node for the genesis hash");
			match wait_for_genesis_hash(&url, RPC_RETRY, &mut shutdown).await {
				Some(hash) => hash,
				None => {
					tracing::info!("stopped before the node answered");
					return Ok(());
				},
			}
		},
	};
	let gateway = Gateway::start(cli.into_config(genesis)?).await?;
	gateway
		.run(async move {
			// Errs only if the signal task is gone, which it never is: stop then too.
			let _ = shutdown.wait_for(|stop| *stop).await;
		})
		.await
}
