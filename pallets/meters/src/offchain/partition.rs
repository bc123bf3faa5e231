//! Which readings this relayer relays: relayers complement each other instead of all packing
//! the same readings (which the pool would keep once, the rest of the work wasted).
//!
//! The relayers are the chain's block authors ([`Config::Relayers`]), in the chain's order, the
//! same on every node. With `n` of them, relayer `i` relays the readings of the meters with
//! `meter % n == i`. A reading not taken by its relayer (that node is down, or behind) is
//! handed over as it ages, by its timestamp against the chain's time: after
//! [`HANDOVER_MS`] it is the next relayer's, after twice that the one after, and so on around
//! the set. So at any time each reading is one relayer's, and a reading whose relayer is gone
//! waits at most a handover before another takes it. A backlog, all of it older than the
//! handover, is still spread over the relayers.
//!
//! A node whose key is not in the set (a relayer given to the gateway with `--relayer`) is a
//! backup: it takes a reading only once every relayer of the set has had its turn. An empty
//! set (a chain without block authors in its state, as in tests) leaves one relayer relaying
//! everything.

use alloc::vec::Vec;
use wattcoin_primitives::{MeterId, Moment};

/// How long a reading is one relayer's before the next relayer's (by its timestamp against the
/// chain's time): five 6 s slots. A live relayer submits a reading in the run of the block after
/// it reached the gateway, so only a reading whose relayer is down or behind is handed over.
pub const HANDOVER_MS: Moment = 30_000;

/// This relayer's place among the relayers.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Partition {
	/// Its position in the set (`None`: not in it, a backup).
	index: Option<u32>,
	/// How many relayers the set has.
	count: u32,
}

impl Partition {
	/// The place of `key` among `relayers`.
	pub fn of<K: PartialEq>(key: &K, relayers: &[K]) -> Self {
		let count = u32::try_from(relayers.len()).unwrap_or(u32::MAX);
		let index = relayers.iter().position(|relayer| relayer == key);
		Self { index: index.and_then(|index| u32::try_from(index).ok()), count }
	}

	/// A relayer alone: it relays every reading.
	pub const ALONE: Self = Self { index: Some(0), count: 1 };

	/// Whether this relayer relays, now (`now_ms`, the chain's time), `meter`'s reading taken
	/// at `at_ms`.
	pub fn takes(&self, meter: MeterId, at_ms: Moment, now_ms: Moment) -> bool {
		if self.count == 0 || (self.count == 1 && self.index.is_some()) {
			return true;
		}
		let count = u64::from(self.count);
		// How many handovers the reading has seen.
		let turns = now_ms.saturating_sub(at_ms) / HANDOVER_MS;
		match self.index {
			Some(index) => meter.wrapping_add(turns) % count == u64::from(index),
			None => turns >= count,
		}
	}

	/// How many relayers share the readings (for the log).
	pub fn count(&self) -> u32 {
		self.count
	}

	/// This relayer's position (for the log).
	pub fn index(&self) -> Option<u32> {
		self.index
	}
}

/// The readings of `meters` (each `(meter, at_ms)`) each of `relayers` takes at `now_ms`.
pub fn shares(relayers: &[Partition], meters: &[(MeterId, Moment)], now_ms: Moment) -> Vec<u32> {
	relayers
		.iter()
		.map(|partition| {
			meters.iter().filter(|(meter, at_ms)| partition.takes(*meter, *at_ms, now_ms)).count()
				as u32
		})
		.collect()
}

#[cfg(test)]
mod tests {
	use super::*;

	fn set(n: u32) -> Vec<Partition> {
		let keys: Vec<u32> = (0..n).collect();
		keys.iter().map(|key| Partition::of(key, &keys)).collect()
	}

	#[test]
	fn fresh_readings_are_split_between_the_relayers_each_taken_once() {
		let now = 1_000_000;
		let readings: Vec<_> = (1_000..1_400).map(|meter| (meter, now - 5_000)).collect();
		assert_eq!(shares(&set(4), &readings, now), vec![100, 100, 100, 100]);
		for (meter, at_ms) in &readings {
			let takers = set(4).iter().filter(|p| p.takes(*meter, *at_ms, now)).count();
			assert_eq!(takers, 1, "meter {meter}");
		}
	}

	#[test]
	fn a_reading_its_relayer_left_is_handed_to_the_next_and_around_the_set() {
		let relayers = set(3);
		let now = 10_000_000;
		// Meter 3_000 is relayer 0's; after a handover relayer 1's, then 2's, then 0's again.
		for (age, taker) in [(0, 0), (29_999, 0), (30_000, 1), (60_000, 2), (90_000, 0)] {
			let takers: Vec<_> = relayers
				.iter()
				.enumerate()
				.filter(|(_, p)| p.takes(3_000, now - age, now))
				.map(|(i, _)| i)
				.collect();
			assert_eq!(takers, vec![taker], "age {age}");
		}
	}

	#[test]
	fn a_backlog_is_still_spread_over_the_relayers() {
		let now = 100_000_000;
		// Readings from 10 minutes ago to now: every one is one relayer's.
		let readings: Vec<_> = (0..1_200u64).map(|i| (1_000 + i % 97, now - i * 500)).collect();
		let shares = shares(&set(4), &readings, now);
		assert_eq!(shares.iter().sum::<u32>(), 1_200);
		assert!(shares.iter().all(|share| (200..400).contains(share)), "{shares:?}");
	}

	#[test]
	fn a_backup_takes_a_reading_once_every_relayer_had_its_turn() {
		let keys = [1u8, 2];
		let backup = Partition::of(&9, &keys);
		assert_eq!(backup.index(), None);
		assert!(!backup.takes(5, 0, 59_999));
		assert!(backup.takes(5, 0, 60_000));
	}

	#[test]
	fn alone_or_without_a_set_a_relayer_takes_everything() {
		assert!(Partition::ALONE.takes(7, 1_000, 1_000));
		assert!(Partition::of(&1u8, &[1u8]).takes(7, 1_000, 1_000));
		assert!(Partition::of(&1u8, &[]).takes(7, 1_000, 1_000));
	}
}
