//! Simulated household meters (`--simulate N`).
//!
//! Virtual meter `i` (for `i` in `0..N`) is dev meter `i`: meter id `1000 + i`, sr25519
//! device key `//Meter//{i}` (the keys the chain's genesis registers). Every interval each
//! meter takes a reading: `seq` one above its last, `at_ms` the wall clock, and its register
//! advanced by the energy its household used since its previous reading.
//!
//! ## Load model
//! See [`profile`]: a daily curve per household, with noise and appliances.
//!
//! ## Restarts
//! The simulator resumes every meter from its reading with the highest `seq` in the
//! database: it continues with the next `seq`, from that register and at no earlier time, so
//! a restarted gateway never produces a lower `seq`, register or time (which the chain would
//! take for a replay or tampering). The first reading of a meter the database has never seen
//! starts at `seq` 1 with a plausible register (1,000 to 31,000 kWh).

mod profile;
mod switches;

use profile::unit;
pub use profile::LoadProfile;
#[cfg(test)]
use profile::{DAY_MS, HOUR_MS};
pub use switches::Switches;

use crate::{
	ingest::{now_ms, IngestError, Ingestor},
	store::{Store, StoreError},
};
use sp_core::{sr25519, Pair, H256};
use std::{collections::BTreeSet, time::Duration};
use tokio::sync::watch;
use wattcoin_primitives::{
	gateway::Cursor,
	reading::{dev, flags, DeviceKey, Reading, SignedReading},
	MeterId,
};

/// What to simulate.
#[derive(Clone, Debug, PartialEq)]
pub struct SimulatorConfig {
	/// How many dev meters (`0..count`).
	pub count: u32,
	/// Time between two readings of a meter.
	pub interval: Duration,
	/// Scale of every meter's load, in percent.
	pub scale_percent: u32,
	/// Meters whose load is multiplied by `heavy_factor`.
	pub heavy_meters: BTreeSet<MeterId>,
	/// The multiplier of heavy meters.
	pub heavy_factor: f64,
	/// Whether the meters obey their supply commands (when the gateway follows a node).
	pub obey_supply: bool,
	/// How old a disconnection may be before a meter that heard nothing newer reconnects.
	pub supply_failsafe: Duration,
}

/// Why the simulator cannot start.
#[derive(Debug, thiserror::Error)]
pub enum SimulatorError {
	/// A heavy meter is not simulated.
	#[error("--heavy-meter {meter} is not a simulated meter (simulated: {first}..={last})")]
	HeavyNotSimulated {
		/// The meter.
		meter: MeterId,
		/// The first simulated meter.
		first: MeterId,
		/// The last simulated meter.
		last: MeterId,
	},
	/// A factor is not a positive finite number.
	#[error("{0}")]
	BadFactor(String),
	/// A meter's stored seq is already `u64::MAX`.
	#[error("meter {0} has reached the highest seq (u64::MAX): it cannot take another reading")]
	SeqExhausted(MeterId),
	/// Reading the last readings failed.
	#[error(transparent)]
	Store(#[from] StoreError),
}

/// The state of one simulated meter after its last committed reading.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct MeterState {
	seq: u64,
	/// The register, in whole watt-hours (what the reading reports)...
	register_wh: u64,
	/// ...and the milliwatt-hours beyond them (below 1000).
	fraction_mwh: u64,
	last_at_ms: Option<u64>,
}

impl MeterState {
	/// The register after `energy_mwh` more.
	fn add(&self, energy_mwh: u64) -> (u64, u64) {
		let total = self.fraction_mwh.saturating_add(energy_mwh);
		(self.register_wh.saturating_add(total / 1000), total % 1000)
	}
}

struct SimMeter {
	id: MeterId,
	pair: sr25519::Pair,
	profile: LoadProfile,
	state: MeterState,
	/// Whether the meter's switch is closed (the household has supply)...
	supply_on: bool,
	/// ...since this time (`None`: since the simulator started).
	switched_at_ms: Option<u64>,
}

impl SimMeter {
	fn fresh_state(id: MeterId) -> MeterState {
		let register_wh = 1_000_000 + (30_000_000.0 * unit(id, 0, 7)) as u64;
		MeterState { seq: 0, register_wh, fraction_mwh: 0, last_at_ms: None }
	}

	fn resume(&mut self, store: &Store) -> Result<bool, SimulatorError> {
		match store.last_reading(self.id)? {
			Some(last) => {
				let r = last.signed.reading;
				if r.seq == u64::MAX {
					return Err(SimulatorError::SeqExhausted(self.id));
				}
				self.state = MeterState {
					seq: r.seq,
					register_wh: r.cumulative_wh,
					fraction_mwh: 0,
					last_at_ms: Some(r.at_ms),
				};
				Ok(true)
			},
			None => {
				self.state = Self::fresh_state(self.id);
				Ok(false)
			},
		}
	}

	fn next(&self, now_ms: u64) -> (Reading, MeterState) {
		let seq = self.state.seq.saturating_add(1);
		let (at_ms, energy) = match self.state.last_at_ms {
			// The clock never runs backwards for the chain, even if the host's does.
			Some(last) => {
				let at = now_ms.max(last);
				// Only the part of the interval with the switch closed uses energy.
				let switched = self.switched_at_ms.filter(|t| *t > last).map(|t| t.min(at));
				let (from, to) = match (self.supply_on, switched) {
					(true, Some(on_at)) => (on_at, at),
					(true, None) => (last, at),
					(false, Some(off_at)) => (last, off_at),
					(false, None) => (last, last),
				};
				(at, self.profile.reading_energy_mwh(self.id, seq, from, to))
			},
			// The first reading is the baseline.
			None => (now_ms, 0),
		};
		let (register_wh, fraction_mwh) = self.state.add(energy);
		let flags = if self.supply_on { 0 } else { flags::SUPPLY_OFF };
		let reading = Reading { meter: self.id, seq, at_ms, cumulative_wh: register_wh, flags };
		(reading, MeterState { seq, register_wh, fraction_mwh, last_at_ms: Some(at_ms) })
	}
}

/// One round of readings, not yet committed to the simulator's state.
pub struct Round {
	/// The signed readings, one per meter.
	pub readings: Vec<SignedReading>,
	states: Vec<MeterState>,
}

/// The simulated meters.
pub struct Simulator {
	meters: Vec<SimMeter>,
	genesis: H256,
	resumed: usize,
}

impl Simulator {
	/// Builds the meters of `config` (deriving their keys, which takes a moment per meter)
	/// and resumes each from `store`. Blocks.
	pub fn new(
		config: &SimulatorConfig,
		genesis: H256,
		store: &Store,
	) -> Result<Self, SimulatorError> {
		let first = dev::dev_meter_id(0);
		let last = dev::dev_meter_id(config.count.saturating_sub(1));
		if let Some(&meter) =
			config.heavy_meters.iter().find(|m| config.count == 0 || !(first..=last).contains(*m))
		{
			return Err(SimulatorError::HeavyNotSimulated { meter, first, last });
		}
		if !(config.heavy_factor.is_finite() && config.heavy_factor > 0.0) {
			return Err(SimulatorError::BadFactor(format!(
				"--heavy-factor must be a positive number, not {}",
				config.heavy_factor
			)));
		}
		if config.scale_percent == 0 {
			return Err(SimulatorError::BadFactor("--simulate-scale must be at least 1".into()));
		}
		let scale = f64::from(config.scale_percent) / 100.0;
		let meters = (0..config.count)
			.map(|i| {
				let id = dev::dev_meter_id(i);
				let heavy =
					if config.heavy_meters.contains(&id) { config.heavy_factor } else { 1.0 };
				SimMeter {
					id,
					pair: dev::dev_meter_pair(i),
					profile: LoadProfile::for_meter(id, scale * heavy),
					state: SimMeter::fresh_state(id),
					supply_on: true,
					switched_at_ms: None,
				}
			})
			.collect();
		let mut simulator = Self { meters, genesis, resumed: 0 };
		simulator.resumed = simulator.resume(store)?;
		Ok(simulator)
	}

	/// Resumes every meter from its last stored reading; returns how many had one.
	pub fn resume(&mut self, store: &Store) -> Result<usize, SimulatorError> {
		let mut resumed = 0;
		for meter in &mut self.meters {
			resumed += usize::from(meter.resume(store)?);
		}
		Ok(resumed)
	}

	/// How many meters had readings in the store when the simulator was built (and so
	/// carry on from them).
	pub fn resumed(&self) -> usize {
		self.resumed
	}

	/// The simulated meters' ids.
	pub fn meter_ids(&self) -> impl Iterator<Item = MeterId> + '_ {
		self.meters.iter().map(|m| m.id)
	}

	/// The simulated meters' ids and device keys.
	pub fn device_keys(&self) -> impl Iterator<Item = (MeterId, DeviceKey)> + '_ {
		self.meters.iter().map(|m| (m.id, DeviceKey::Sr25519(m.pair.public())))
	}

	/// Opens (`on == false`) or closes `meter`'s switch at `at_ms`, as its verified supply
	/// command orders: while open the meter counts no energy and flags its readings
	/// `SUPPLY_OFF`.
	pub fn set_supply(&mut self, meter: MeterId, on: bool, at_ms: u64) {
		if let Some(m) = self.meters.iter_mut().find(|m| m.id == meter) {
			if m.supply_on != on {
				m.supply_on = on;
				m.switched_at_ms = Some(at_ms);
			}
		}
	}

	/// The load profile of `meter`, if simulated.
	pub fn profile(&self, meter: MeterId) -> Option<LoadProfile> {
		self.meters.iter().find(|m| m.id == meter).map(|m| m.profile)
	}

	/// Every meter's next reading, taken at `now_ms`, signed. The simulator's state moves on
	/// only when the round is [`commit`](Self::commit)ted (after it was stored).
	pub fn round(&self, now_ms: u64) -> Round {
		let (readings, states) = self
			.meters
			.iter()
			.map(|meter| {
				let (reading, state) = meter.next(now_ms);
				(SignedReading::sign_sr25519(reading, self.genesis, &meter.pair), state)
			})
			.unzip();
		Round { readings, states }
	}

	/// Moves every meter on to its reading in `round` (which must come from the last
	/// [`round`](Self::round) call).
	pub fn commit(&mut self, round: Round) {
		debug_assert_eq!(round.states.len(), self.meters.len());
		for (meter, state) in self.meters.iter_mut().zip(round.states) {
			meter.state = state;
		}
	}

	/// Takes a round at `now_ms`, stores it through `ingestor` and commits it. On failure
	/// nothing is committed; after a conflict (another reading took one of the seqs) every
	/// meter is resumed from the store.
	pub fn step(
		&mut self,
		ingestor: &Ingestor,
		now_ms: u64,
	) -> Result<(usize, Cursor), IngestError> {
		let mut round = self.round(now_ms);
		// Meters the gateway does not accept (not registered on the chain it follows) are left
		// out, so that the others go on; they move on only when they are stored.
		let known: Vec<bool> = {
			let meters = ingestor.meters().read().unwrap_or_else(|poisoned| poisoned.into_inner());
			round.readings.iter().map(|signed| meters.get(signed.reading.meter).is_some()).collect()
		};
		let mut sent = round.readings.clone();
		let mut index = 0;
		sent.retain(|_| {
			index += 1;
			known[index - 1]
		});
		if sent.is_empty() {
			return Ok((0, ingestor.store().last_cursor()));
		}
		// A round of more meters than one batch takes is stored a batch at a time.
		let mut stored = 0;
		let mut cursor = None;
		for (index, chunk) in sent.chunks(crate::ingest::MAX_BATCH).enumerate() {
			match ingestor.ingest(chunk) {
				Ok(report) => {
					stored += report.new_count();
					cursor = report.last_cursor().or(cursor);
				},
				Err(err) => {
					// The store holds the earlier batches of the round (or, on a conflict, another
					// writer's readings): the meters resume from what it holds.
					if index > 0 || matches!(err, IngestError::Store(StoreError::Conflict { .. })) {
						if let Err(resume_err) = self.resume(ingestor.store()) {
							tracing::error!(
								"simulator: cannot resume meters from the store: {resume_err}"
							);
						}
					}
					return Err(err);
				},
			}
		}
		for ((state, known), meter) in round.states.iter_mut().zip(&known).zip(&self.meters) {
			if !known {
				*state = meter.state;
			}
		}
		round.readings = sent;
		self.commit(round);
		Ok((stored, cursor.unwrap_or_else(|| ingestor.store().last_cursor())))
	}
}

/// Runs `simulator` every `interval` until `shutdown` turns true (or its sender is gone),
/// storing through `ingestor`; with `switches`, every meter first obeys its verified supply
/// command. A failed round is logged and the next one carries on.
pub async fn run(
	simulator: Simulator,
	ingestor: Ingestor,
	interval: Duration,
	mut switches: Option<Switches>,
	mut shutdown: watch::Receiver<bool>,
) {
	let meters: Vec<MeterId> = simulator.meter_ids().collect();
	let mut ticker = tokio::time::interval(interval);
	ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
	let mut simulator = Some(simulator);
	loop {
		if *shutdown.borrow() {
			break;
		}
		tokio::select! {
			_ = ticker.tick() => {},
			changed = shutdown.changed() => {
				if changed.is_err() || *shutdown.borrow() {
					break;
				}
				continue;
			},
		}
		let Some(mut sim) = simulator.take() else { break };
		if let Some(switches) = switches.as_mut() {
			let now = now_ms();
			for (meter, on) in switches.update(&meters, now).await {
				sim.set_supply(meter, on, now);
			}
		}
		let ingestor = ingestor.clone();
		let joined = tokio::task::spawn_blocking(move || {
			let result = sim.step(&ingestor, now_ms());
			(sim, result)
		})
		.await;
		match joined {
			Ok((sim, result)) => {
				match result {
					Ok((stored, cursor)) => {
						tracing::info!(readings = stored, cursor, "simulated round stored")
					},
					Err(err) => tracing::error!("simulated round not stored: {err}"),
				}
				simulator = Some(sim);
			},
			Err(join_error) => {
				tracing::error!("simulator stopped: its round panicked: {join_error}");
				break;
			},
		}
	}
	tracing::info!("simulator stopped");
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::meters::KnownMeters;
	use std::sync::Arc;

	/// 2026-01-01T00:00:00Z.
	const MIDNIGHT: u64 = 1_767_225_600_000;
	const QUARTER: u64 = 15 * 60 * 1000;

	fn config(count: u32) -> SimulatorConfig {
		SimulatorConfig {
			count,
			interval: Duration::from_secs(1),
			scale_percent: 100,
			heavy_meters: BTreeSet::new(),
			heavy_factor: 50.0,
			obey_supply: true,
			supply_failsafe: Duration::from_secs(900),
		}
	}

	fn setup(count: u32) -> (tempfile::TempDir, Ingestor) {
		let dir = tempfile::tempdir().unwrap();
		let store =
			Arc::new(Store::open(dir.path().join("db.sqlite"), H256::repeat_byte(3)).unwrap());
		let mut meters = KnownMeters::new();
		meters.add_dev_meters(count).unwrap();
		(dir, Ingestor::new(store, Arc::new(meters.into()), H256::repeat_byte(3)))
	}

	#[test]
	fn the_daily_curve_is_low_at_night_and_peaks_morning_and_evening() {
		let profile = LoadProfile { scale: 1.0, shift_hours: 0.0 };
		let at = |h: f64| profile.power_w(MIDNIGHT + (h * HOUR_MS) as u64);
		assert!(at(3.0) < 250.0 && at(3.0) > 150.0, "night {}", at(3.0));
		assert!(at(7.5) > 2.5 * at(3.0), "morning {}", at(7.5));
		assert!(at(19.5) > 5.0 * at(3.0), "evening {}", at(19.5));
		assert!(at(19.5) > at(7.5) && at(7.5) > at(11.0) && at(11.0) > at(3.0));
		// About 12 kWh a day.
		let day_kwh = profile.energy_mwh(MIDNIGHT, MIDNIGHT + DAY_MS) / 1e6;
		assert!((11.0..13.5).contains(&day_kwh), "{day_kwh} kWh a day");
		// The curve wraps around midnight smoothly.
		assert!((at(0.0) - profile.power_w(MIDNIGHT - 1)).abs() < 1.0);
	}

	#[test]
	fn simulated_readings_follow_the_curve_and_always_move_forward() {
		let count = 20;
		let (_dir, ingestor) = setup(count);
		let mut sim = Simulator::new(&config(count), ingestor.genesis(), ingestor.store()).unwrap();
		let mut per_meter: Vec<Vec<Reading>> = vec![Vec::new(); count as usize];
		// A baseline at midnight, then a reading every 15 minutes for a day.
		for k in 0..=96 {
			let (stored, _) = sim.step(&ingestor, MIDNIGHT + k * QUARTER).unwrap();
			assert_eq!(stored, count as usize);
		}
		for page in ingestor.store().page(0, 10_000).unwrap() {
			// Stored readings verify against the dev meter keys (a sample: sr25519 is slow in
			// debug builds).
			if page.cursor % 7 == 0 {
				assert_eq!(ingestor.check(&page.signed), Ok(()));
			}
			let i = (page.signed.reading.meter - dev::DEV_METER_ID_BASE) as usize;
			per_meter[i].push(page.signed.reading);
		}
		for (i, readings) in per_meter.iter().enumerate() {
			assert_eq!(readings.len(), 97, "meter {i}");
			assert_eq!(readings[0].seq, 1);
			let mut deltas = Vec::new();
			for pair in readings.windows(2) {
				assert_eq!(pair[1].seq, pair[0].seq + 1);
				assert_eq!(pair[1].at_ms, pair[0].at_ms + QUARTER);
				assert!(pair[1].cumulative_wh > pair[0].cumulative_wh, "meter {i}: {pair:?}");
				deltas.push(pair[1].cumulative_wh - pair[0].cumulative_wh);
			}
			// deltas[k] is the quarter ending at (k + 1) * 15 minutes.
			let wh =
				|from_h: usize, to_h: usize| -> u64 { deltas[from_h * 4..to_h * 4].iter().sum() };
			let night = wh(1, 4);
			let evening = wh(18, 21);
			let morning = wh(6, 9);
			assert!(3 * night < evening, "meter {i}: night {night} Wh, evening {evening} Wh");
			assert!(night < morning, "meter {i}: night {night} Wh, morning {morning} Wh");
			// Noise: not a constant even within the flat night.
			let night_deltas = &deltas[4..16];
			assert!(night_deltas.iter().any(|d| *d != night_deltas[0]), "meter {i}");
			let day: u64 = deltas.iter().sum();
			assert!((5_000..30_000).contains(&day), "meter {i}: {day} Wh in a day");
		}
		// Households differ.
		let totals: BTreeSet<u64> =
			per_meter.iter().map(|r| r[96].cumulative_wh - r[0].cumulative_wh).collect();
		assert_eq!(totals.len(), count as usize);
	}

	#[test]
	fn a_round_of_more_meters_than_a_batch_takes_is_stored_a_batch_at_a_time() {
		// Before, a round was one batch: 10,005 meters never stored a reading (over the limit).
		let count = crate::ingest::MAX_BATCH as u32 + 5;
		let (_dir, ingestor) = setup(count);
		let mut sim = Simulator::new(&config(count), ingestor.genesis(), ingestor.store()).unwrap();
		for k in 0..2 {
			let (stored, cursor) = sim.step(&ingestor, MIDNIGHT + k * QUARTER).unwrap();
			assert_eq!(stored, count as usize);
			assert_eq!(cursor, ingestor.store().last_cursor());
		}
		let seq = |i| ingestor.store().last_reading(dev::dev_meter_id(i)).unwrap().unwrap().signed;
		assert_eq!((seq(0).reading.seq, seq(count - 1).reading.seq), (2, 2));
	}

	#[test]
	fn meters_the_gateway_does_not_accept_are_left_out_and_the_others_go_on() {
		// Three simulated meters; the chain followed has only the first two.
		let (_dir, ingestor) = setup(2);
		let mut sim = Simulator::new(&config(3), ingestor.genesis(), ingestor.store()).unwrap();
		for k in 0..3 {
			assert_eq!(sim.step(&ingestor, MIDNIGHT + k * QUARTER).unwrap().0, 2);
		}
		let last = |i| ingestor.store().last_reading(dev::dev_meter_id(i)).unwrap();
		assert_eq!(last(0).unwrap().signed.reading.seq, 3);
		assert!(last(2).is_none());
		// Once registered, the third starts at seq 1.
		ingestor.meters().write().unwrap().add_dev_meters(3).unwrap();
		assert_eq!(sim.step(&ingestor, MIDNIGHT + 3 * QUARTER).unwrap().0, 3);
		assert_eq!(last(2).unwrap().signed.reading.seq, 1);
	}

	#[test]
	fn resumes_seq_register_and_time_after_a_restart() {
		let count = 3;
		let (dir, ingestor) = setup(count);
		let mut sim = Simulator::new(&config(count), ingestor.genesis(), ingestor.store()).unwrap();
		assert_eq!(sim.resumed(), 0);
		for k in 0..5 {
			sim.step(&ingestor, MIDNIGHT + k * QUARTER).unwrap();
		}
		let before: Vec<Reading> = (0..count)
			.map(|i| {
				let last = ingestor.store().last_reading(dev::dev_meter_id(i)).unwrap().unwrap();
				last.signed.reading
			})
			.collect();
		assert!(before.iter().all(|r| r.seq == 5));
		drop(sim);
		let path = ingestor.store().path().to_path_buf();
		drop(ingestor);

		// A new gateway on the same database, whose clock is behind the stored readings.
		let store = Arc::new(Store::open(&path, H256::repeat_byte(3)).unwrap());
		let mut meters = KnownMeters::new();
		meters.add_dev_meters(count).unwrap();
		let ingestor = Ingestor::new(store, Arc::new(meters.into()), H256::repeat_byte(3));
		let mut sim = Simulator::new(&config(count), ingestor.genesis(), ingestor.store()).unwrap();
		assert_eq!(sim.resumed(), count as usize);
		let (stored, cursor) = sim.step(&ingestor, MIDNIGHT).unwrap();
		assert_eq!((stored, cursor), (count as usize, 5 * u64::from(count) + u64::from(count)));
		for (i, old) in before.iter().enumerate() {
			let new = ingestor.store().last_reading(dev::dev_meter_id(i as u32)).unwrap().unwrap();
			let new = new.signed.reading;
			assert_eq!(new.seq, 6);
			assert!(new.cumulative_wh >= old.cumulative_wh);
			assert_eq!(new.at_ms, old.at_ms, "the time never goes back");
		}
		// An hour later the registers have moved on from where they were.
		sim.step(&ingestor, MIDNIGHT + 5 * QUARTER + 3_600_000).unwrap();
		for (i, old) in before.iter().enumerate() {
			let new = ingestor.store().last_reading(dev::dev_meter_id(i as u32)).unwrap().unwrap();
			assert_eq!(new.signed.reading.seq, 7);
			assert!(new.signed.reading.cumulative_wh > old.cumulative_wh);
		}
		drop(dir);
	}

	#[test]
	fn a_failed_round_is_not_committed_and_a_conflict_resyncs() {
		let count = 2;
		let (_dir, ingestor) = setup(count);
		let mut sim = Simulator::new(&config(count), ingestor.genesis(), ingestor.store()).unwrap();
		sim.step(&ingestor, MIDNIGHT).unwrap();
		// Someone else stores meter 1001's seq 2 (the dev keys are public knowledge).
		let taken = Reading {
			meter: 1001,
			seq: 2,
			at_ms: MIDNIGHT + 1,
			cumulative_wh: u64::MAX / 2,
			flags: 0,
		};
		let signed =
			SignedReading::sign_sr25519(taken, ingestor.genesis(), &dev::dev_meter_pair(1));
		ingestor.ingest(&[signed]).unwrap();
		let err = sim.step(&ingestor, MIDNIGHT + QUARTER).unwrap_err();
		assert!(matches!(err, IngestError::Store(StoreError::Conflict { index: 1, .. })), "{err}");
		assert_eq!(ingestor.store().count(), 3);
		// Resynced: meter 1000 goes on at seq 2, meter 1001 at seq 3 from the stored register.
		sim.step(&ingestor, MIDNIGHT + 2 * QUARTER).unwrap();
		let m0 = ingestor.store().last_reading(1000).unwrap().unwrap().signed.reading;
		let m1 = ingestor.store().last_reading(1001).unwrap().unwrap().signed.reading;
		assert_eq!((m0.seq, m1.seq), (2, 3));
		assert!(m1.cumulative_wh >= u64::MAX / 2);
		assert!(m0.cumulative_wh < u64::MAX / 2);
	}

	#[test]
	fn heavy_meters_and_scale() {
		let mut config = config(20);
		config.heavy_meters.insert(1019);
		config.scale_percent = 200;
		let (_dir, ingestor) = setup(20);
		let sim = Simulator::new(&config, ingestor.genesis(), ingestor.store()).unwrap();
		let normal = sim.profile(1018).unwrap();
		let heavy = sim.profile(1019).unwrap();
		assert!((normal.scale - 2.0 * LoadProfile::for_meter(1018, 1.0).scale).abs() < 1e-9);
		assert!((heavy.scale - 100.0 * LoadProfile::for_meter(1019, 1.0).scale).abs() < 1e-9);

		config.heavy_meters.insert(1020);
		let err = Simulator::new(&config, ingestor.genesis(), ingestor.store()).err().unwrap();
		assert!(err.to_string().contains("--heavy-meter 1020 is not a simulated meter"), "{err}");
		config.heavy_meters.clear();
		config.heavy_factor = 0.0;
		assert!(Simulator::new(&config, ingestor.genesis(), ingestor.store()).is_err());
	}

	#[test]
	fn an_open_switch_counts_no_energy_and_flags_its_readings() {
		let (_dir, ingestor) = setup(1);
		let mut sim = Simulator::new(&config(1), ingestor.genesis(), ingestor.store()).unwrap();
		let step = |sim: &mut Simulator, at: u64| {
			let round = sim.round(at);
			let reading = round.readings[0].reading;
			sim.commit(round);
			reading
		};
		let evening = MIDNIGHT + 19 * 3_600_000;
		let baseline = step(&mut sim, evening);
		let on = step(&mut sim, evening + QUARTER);
		assert!(on.cumulative_wh > baseline.cumulative_wh, "a household uses energy at 19:15");
		assert_eq!(on.flags, 0);
		// Opened half way through the next quarter: only the first half counts.
		sim.set_supply(1000, false, evening + QUARTER + QUARTER / 2);
		let opened = step(&mut sim, evening + 2 * QUARTER);
		assert_eq!(opened.flags, flags::SUPPLY_OFF);
		let full = sim.profile(1000).unwrap().reading_energy_mwh(
			1000,
			opened.seq,
			evening + QUARTER,
			evening + 2 * QUARTER,
		);
		let used = (opened.cumulative_wh - on.cumulative_wh) * 1000;
		assert!(used > 0 && used + 2000 < full, "half an interval: {used} of {full} mWh");
		// Off: nothing at all.
		let off = step(&mut sim, evening + 3 * QUARTER);
		assert_eq!((off.cumulative_wh, off.flags), (opened.cumulative_wh, flags::SUPPLY_OFF));
		// Closed again: consumption resumes.
		sim.set_supply(1000, true, evening + 3 * QUARTER);
		let back = step(&mut sim, evening + 4 * QUARTER);
		assert!(back.cumulative_wh > off.cumulative_wh);
		assert_eq!(back.flags, 0);
	}

	#[test]
	fn noise_is_deterministic_per_meter_and_seq() {
		let profile = LoadProfile::for_meter(1000, 1.0);
		let a = profile.reading_energy_mwh(1000, 7, MIDNIGHT, MIDNIGHT + QUARTER);
		assert_eq!(a, profile.reading_energy_mwh(1000, 7, MIDNIGHT, MIDNIGHT + QUARTER));
		let others: BTreeSet<u64> = (8..40)
			.map(|seq| profile.reading_energy_mwh(1000, seq, MIDNIGHT, MIDNIGHT + QUARTER))
			.collect();
		assert!(others.len() > 20);
		assert_eq!(profile.reading_energy_mwh(1000, 7, MIDNIGHT, MIDNIGHT), 0);
	}
}
