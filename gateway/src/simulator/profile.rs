//! A simulated household's load: how much energy it uses between two readings.
//!
//! A household's mean power follows a daily curve (UTC time of day, in watts at scale 1):
//! a 200 W base load (fridge, standby), a morning peak of +550 W around 07:30, a broad
//! midday bump of +250 W around 13:00 and an evening peak of +950 W around 19:30, each a
//! Gaussian bump in the time of day; about 12 kWh a day. Each meter has its own deterministic
//! scale (0.6 to 1.5 times the curve) and shifts the curve by up to ±45 minutes. On top,
//! each reading gets deterministic pseudo-random noise seeded by (meter, seq): a factor of
//! 0.8 to 1.2 on the interval's energy and, with a chance that follows the household's
//! activity (none at night, up to about a quarter of the readings at the evening peak), an
//! appliance (kettle, oven, washing machine: 1.5 to 3 kW for up to 10 minutes of the
//! interval). The energy of
//! an interval is integrated over the curve in steps of at most 5 minutes, so a long gap
//! (the gateway was down) is billed as the household really used it. The register is kept
//! in milliwatt-hours so that short intervals do not lose their fractions of a watt-hour.
//!
//! `--simulate-scale PCT` scales every meter; `--heavy-meter ID` (repeatable) multiplies a
//! meter's load by `--heavy-factor` (default 50), for a demo meter whose credit runs out fast.
//!

use wattcoin_primitives::MeterId;

pub(super) const HOUR_MS: f64 = 3_600_000.0;
pub(super) const DAY_MS: u64 = 86_400_000;
/// Longest integration step of the daily curve.
const MAX_STEP_MS: u64 = 5 * 60 * 1000;
/// The base load of the daily curve (fridge, standby), in watts at scale 1.
const BASE_LOAD_W: f64 = 200.0;
/// The curve's highest load above the base (the evening peak), in watts at scale 1.
const PEAK_LOAD_W: f64 = 1000.0;
/// Longest an appliance runs within one interval.
const MAX_APPLIANCE_MS: u64 = 10 * 60 * 1000;

/// A mixer of 64-bit values (SplitMix64's finalizer), for deterministic noise.
fn mix(mut z: u64) -> u64 {
	z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
	z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
	z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
	z ^ (z >> 31)
}

/// A deterministic pseudo-random number in `[0, 1)` for `(meter, seq, salt)`.
pub(super) fn unit(meter: MeterId, seq: u64, salt: u64) -> f64 {
	let h = mix(mix(mix(meter) ^ seq) ^ salt);
	(h >> 11) as f64 / (1u64 << 53) as f64
}

/// A Gaussian bump of height 1 centred on `centre` hours, on the 24-hour circle.
fn bump(hour: f64, centre: f64, width: f64) -> f64 {
	let d = (hour - centre).rem_euclid(24.0);
	let d = d.min(24.0 - d);
	(-(d * d) / (2.0 * width * width)).exp()
}

/// One household's load: the daily curve scaled and shifted for one meter.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LoadProfile {
	/// Multiplier of the base curve.
	pub scale: f64,
	/// Hours the curve is shifted by (positive: later).
	pub shift_hours: f64,
}

impl LoadProfile {
	/// The profile of `meter`, its deterministic scale multiplied by `multiplier`.
	pub fn for_meter(meter: MeterId, multiplier: f64) -> Self {
		Self {
			scale: (0.6 + 0.9 * unit(meter, 0, 1)) * multiplier,
			shift_hours: (unit(meter, 0, 2) - 0.5) * 1.5,
		}
	}

	/// Mean power in watts at `at_ms` (UTC), without noise.
	pub fn power_w(&self, at_ms: u64) -> f64 {
		let hour = (at_ms % DAY_MS) as f64 / HOUR_MS - self.shift_hours;
		let watts = BASE_LOAD_W
			+ 550.0 * bump(hour, 7.5, 1.0)
			+ 250.0 * bump(hour, 13.0, 2.5)
			+ 950.0 * bump(hour, 19.5, 1.8);
		watts * self.scale
	}

	/// Mean energy in milliwatt-hours used in `[from_ms, to_ms]`, without noise.
	pub fn energy_mwh(&self, from_ms: u64, to_ms: u64) -> f64 {
		let mut total = 0.0;
		let mut start = from_ms;
		while start < to_ms {
			let end = to_ms.min(start.saturating_add(MAX_STEP_MS));
			let mid = start + (end - start) / 2;
			// W * ms = 1/3600 mWh.
			total += self.power_w(mid) * (end - start) as f64 / 3600.0;
			start = end;
		}
		total
	}

	/// The energy in milliwatt-hours meter `meter` reports for reading `seq` over
	/// `[from_ms, to_ms]`: the curve's energy with the reading's noise and appliances.
	pub fn reading_energy_mwh(&self, meter: MeterId, seq: u64, from_ms: u64, to_ms: u64) -> u64 {
		let duration = to_ms.saturating_sub(from_ms);
		let noise = 0.8 + 0.4 * unit(meter, seq, 3);
		let mut mwh = self.energy_mwh(from_ms, to_ms) * noise;
		// Appliances run when the household is up: never at night, most in the evening.
		let mid = from_ms + duration / 2;
		let activity =
			((self.power_w(mid) / self.scale - BASE_LOAD_W) / PEAK_LOAD_W).clamp(0.0, 1.0);
		if unit(meter, seq, 4) < 0.3 * activity {
			let watts = (1500.0 + 1500.0 * unit(meter, seq, 5)) * self.scale;
			let runs = (MAX_APPLIANCE_MS as f64 * unit(meter, seq, 6)) as u64;
			mwh += watts * duration.min(runs) as f64 / 3600.0;
		}
		// Saturating float-to-int conversion; the value is finite and non-negative.
		mwh.round() as u64
	}
}
