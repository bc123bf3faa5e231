//! The gateway as a whole: the store, the HTTP server and the simulator, started and
//! stopped together.

use crate::{
	api,
	chain::{self, FollowConfig},
	connections,
	ingest::Ingestor,
	limits::Limits,
	meters::KnownMeters,
	readers::Readers,
	simulator::{self, Simulator, SimulatorConfig, Switches},
	store::Store,
	supply::SupplySource,
	web::WebApp,
};
use anyhow::Context;
use sp_core::{sr25519, H256};
use std::{future::Future, net::SocketAddr, path::PathBuf, sync::Arc, time::Duration};
use tokio::{
	net::TcpListener,
	sync::{watch, Semaphore},
};
use wattcoin_primitives::gateway::READINGS_PATH;

/// How long in-flight requests may take to finish after a shutdown signal.
pub const SHUTDOWN_GRACE: Duration = Duration::from_secs(30);

/// How long to wait, after the server stopped, for the last connection tasks to let go of
/// the store before closing it.
const STORE_RELEASE_WAIT: Duration = Duration::from_secs(5);

/// Everything the gateway needs to start.
#[derive(Clone, Debug)]
pub struct Config {
	/// Address to listen on.
	pub listen: SocketAddr,
	/// The SQLite database.
	pub db: PathBuf,
	/// The genesis hash of the chain the readings are signed for.
	pub genesis: H256,
	/// Meters known besides the simulated ones.
	pub meters: KnownMeters,
	/// Meters to simulate, if any.
	pub simulator: Option<SimulatorConfig>,
	/// Timeouts and bounds on connections and requests.
	pub limits: Limits,
	/// The node whose finalized blocks to follow, if any.
	pub follow: Option<FollowConfig>,
	/// The relayers (sr25519 keys) served the whole feed besides the chain's block authors.
	pub relayers: Vec<sr25519::Public>,
	/// Serve the whole feed to anyone (`--open-feed`).
	pub open_feed: bool,
	/// The built web app to serve at `/` (`--web`), if any.
	pub web: Option<PathBuf>,
}

/// A started gateway: the database is open and the listener bound; [`Gateway::run`] serves.
pub struct Gateway {
	listener: TcpListener,
	ingestor: Ingestor,
	simulator: Option<(Simulator, SimulatorConfig)>,
	limits: Limits,
	follow: Option<FollowConfig>,
	readers: Arc<Readers>,
	web: Option<WebApp>,
}

impl Gateway {
	/// Opens the database, resumes the simulated meters from it and binds the listener.
	pub async fn start(config: Config) -> anyhow::Result<Self> {
		let Config {
			listen,
			db,
			genesis,
			mut meters,
			simulator,
			limits,
			follow,
			relayers,
			open_feed,
			web,
		} = config;
		limits.check().map_err(anyhow::Error::msg)?;
		let (store, simulator) = tokio::task::spawn_blocking(move || {
			let store =
				Store::open(&db, genesis).with_context(|| format!("opening {}", db.display()))?;
			let simulator = simulator
				.map(|config| Simulator::new(&config, genesis, &store).map(|sim| (sim, config)))
				.transpose()?;
			Ok::<_, anyhow::Error>((store, simulator))
		})
		.await??;
		let simulator = match simulator {
			Some((sim, config)) => {
				for (meter, key) in sim.device_keys() {
					meters.insert(meter, key)?;
				}
				let ids: Vec<_> = sim.meter_ids().collect();
				if let (Some(first), Some(last)) = (ids.first(), ids.last()) {
					tracing::info!(
						meters = ids.len(),
						resumed = sim.resumed(),
						interval = ?config.interval,
						scale_percent = config.scale_percent,
						heavy_meters = ?config.heavy_meters,
						heavy_factor = config.heavy_factor,
						"simulating dev meters {first}..={last}",
					);
				} else {
					tracing::info!("--simulate 0: no meter to simulate");
				}
				Some((sim, config))
			},
			None => None,
		};
		let listener =
			TcpListener::bind(listen).await.with_context(|| format!("binding {listen}"))?;
		tracing::info!(
			db = %store.path().display(),
			stored = store.count(),
			last_cursor = store.last_cursor(),
			meters = meters.len(),
			genesis = ?genesis,
			?limits,
			"gateway started"
		);
		let mut readers = Readers::new(genesis, relayers, follow.is_some());
		if open_feed {
			readers = readers.open_feed();
			tracing::warn!(
				"--open-feed: GET {READINGS_PATH} (every household's readings) is served to \
				 anyone who reaches this gateway; keep it on a network only the relayers reach, \
				 and drop the flag once the chain's runtime signs feed requests (spec 102)"
			);
		}
		let readers = Arc::new(readers);
		let web = match web {
			Some(dir) => {
				let app = WebApp::load(&dir)?;
				tracing::info!(dir = %dir.display(), files = app.len(), "serving the web app at /");
				Some(app)
			},
			None => None,
		};
		if readers.relayer_count() == 0 && follow.is_none() && !readers.is_open() {
			tracing::warn!(
				"no --relayer given and no node followed (--node-rpc): no relayer can read \
				 GET {READINGS_PATH}, so no reading reaches the chain"
			);
		}
		let ingestor = Ingestor::new(Arc::new(store), Arc::new(meters.into()), genesis);
		Ok(Self { listener, ingestor, simulator, limits, follow, readers, web })
	}

	/// The address the gateway listens on.
	pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
		self.listener.local_addr()
	}

	/// The ingestor (store, meters, genesis).
	pub fn ingestor(&self) -> &Ingestor {
		&self.ingestor
	}

	/// Serves until `shutdown` completes, then stops accepting connections, lets in-flight
	/// requests finish (for at most [`SHUTDOWN_GRACE`]), stops the simulator after its
	/// current round, and closes the database.
	pub async fn run(
		self,
		shutdown: impl Future<Output = ()> + Send + 'static,
	) -> anyhow::Result<()> {
		let Self { listener, ingestor, simulator, limits, follow, readers, web } = self;
		let addr = listener.local_addr()?;
		let (stop_tx, stop_rx) = watch::channel(false);
		// Supply commands come from the node followed: served to meters, obeyed by the
		// simulated ones.
		let supply = follow.as_ref().map(|config| SupplySource::new(config.url.clone()));
		let supply_task = supply.clone().map(|source| tokio::spawn(source.follow(stop_rx.clone())));
		let simulator_task = simulator.map(|(sim, config)| {
			let switches = supply
				.clone()
				.filter(|_| config.obey_supply)
				.map(|source| Switches::new(source, config.supply_failsafe));
			tokio::spawn(simulator::run(
				sim,
				ingestor.clone(),
				config.interval,
				switches,
				stop_rx.clone(),
			))
		});

		let follower_task = follow.map(|config| {
			let (store, meters) = (ingestor.store().clone(), ingestor.meters().clone());
			tokio::spawn(chain::follow(config, store, meters, readers.clone(), stop_rx.clone()))
		});
		let app = api::router(ingestor.clone(), readers, &limits, supply, web);
		let open_connections = Arc::new(Semaphore::new(limits.max_connections));
		let (kill_tx, kill_rx) = watch::channel(false);
		tracing::info!(
			"listening on http://{addr} ({READINGS_PATH}, /v1/meters/{{meter}}/supply, /healthz)"
		);
		let accepting = connections::accept(
			listener,
			app,
			limits.clone(),
			open_connections.clone(),
			stop_rx.clone(),
			kill_rx,
		);
		tokio::select! {
			() = accepting => {},
			() = shutdown => {},
		}
		// The listener is closed: no new connection.
		tracing::info!("shutting down: finishing in-flight requests");
		// Receivers may all be gone already (no simulator): nothing to tell then.
		let _ = stop_tx.send(true);
		let all = u32::try_from(limits.max_connections).unwrap_or(u32::MAX);
		match tokio::time::timeout(SHUTDOWN_GRACE, open_connections.acquire_many(all)).await {
			Ok(_) => {},
			Err(_) => {
				tracing::warn!(
					"in-flight requests still running after {SHUTDOWN_GRACE:?}; closing"
				);
				let _ = kill_tx.send(true);
			},
		}

		if let Some(task) = follower_task {
			if let Err(err) = task.await {
				tracing::error!("chain follower task failed: {err}");
			}
		}
		if let Some(task) = simulator_task {
			if let Err(err) = task.await {
				tracing::error!("simulator task failed: {err}");
			}
		}
		if let Some(task) = supply_task {
			if let Err(err) = task.await {
				tracing::error!("supply command task failed: {err}");
			}
		}
		let mut store = ingestor.store().clone();
		drop(ingestor);
		// Connection tasks drop their handle on the router (and so the store) just after
		// they report closed: give them a moment.
		let release_deadline = tokio::time::Instant::now() + STORE_RELEASE_WAIT;
		let store = loop {
			match Arc::try_unwrap(store) {
				Ok(store) => break Ok(store),
				Err(shared) if tokio::time::Instant::now() < release_deadline => {
					store = shared;
					tokio::time::sleep(Duration::from_millis(5)).await;
				},
				Err(shared) => break Err(shared),
			}
		};
		match store {
			Ok(store) => {
				let path = store.path().display().to_string();
				tokio::task::spawn_blocking(move || store.close())
					.await?
					.with_context(|| format!("closing {path}"))?;
				tracing::info!("database {path} closed");
			},
			// Requests cut off by the grace deadline still hold it; it closes when they end.
			Err(_) => tracing::warn!("database still in use by unfinished requests"),
		}
		tracing::info!("gateway stopped");
		Ok(())
	}
}
