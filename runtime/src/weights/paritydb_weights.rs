//! The database weights of `wattcoin-node` (ParityDB), measured on this machine by
//! `./scripts/bench-storage.sh`: every key of a chain with many meters read and written
//! (`wattcoin-node benchmark storage`). DO NOT EDIT BY HAND: run the script again.
//!
//! CLI VERSION 64.0.0, DATE: 2026-12-03 (Y/M/D)
//! HOSTNAME: `vm`, CPU: `AMD EPYC`
//! DATABASE: `ParityDb`, RUNTIME: `Wattcoin Development`, BLOCK-NUM: `Number(5)`
//! WARMUPS: `1`, STATE-VERSION: `V1`
//! METRIC: `Average`, WEIGHT-MUL: `1.0`, WEIGHT-ADD: `0`

// Executed Command:
//   /root/.cache/wattcoin/bench-target/release/wattcoin-node
//   benchmark
//   storage
//   --chain
//   /tmp/wattcoin-storage-1QBpLJ/bench-raw.json
//   --base-path
//   /tmp/wattcoin-storage-1QBpLJ/node
//   --database
//   paritydb
//   --state-version
//   1
//   --warmups
//   1
//   --template-path
//   /work/main/.maintain/paritydb-weight-template.hbs
//   --batch-size
//   10000
//   --weight-path
//   /work/main/runtime/src/weights

use frame_support::{
	parameter_types,
	weights::{constants, RuntimeDbWeight},
};

parameter_types! {
	/// The cost of reading and of writing one storage item in ParityDB, the database of
	/// `wattcoin-node`, on the machine the weights were measured on.
	pub const ParityDbWeight: RuntimeDbWeight = RuntimeDbWeight {
		// Time to read one storage item: the *Average* of all
		// keys, times `1.0`, plus `0`.
		//
		// Nanoseconds: min 1_743, max 3_390_914,
		// average 9_657, median 8_503,
		// std-dev 30270.99; 99th 16_124,
		// 95th 12_218, 75th 9_985 percentile.
		read: 9_657 * constants::WEIGHT_REF_TIME_PER_NANOS,

		// Time to write one storage item (the storage root computed and committed with it):
		// the *Average* of all keys, times
		// `1.0`, plus `0`.
		//
		// Nanoseconds: min 19_440, max 30_582,
		// average 24_289, median 24_444,
		// std-dev 3049.48; 99th 30_582,
		// 95th 28_392, 75th 26_251 percentile.
		write: 24_289 * constants::WEIGHT_REF_TIME_PER_NANOS,
	};
}

#[cfg(test)]
mod tests {
	use super::{constants, ParityDbWeight as W};

	/// The measured weights are sane: between 1 µs and 1 ms.
	#[test]
	fn measured_weights_are_sane() {
		for weight in [W::get().reads(1), W::get().writes(1)] {
			assert!(weight.ref_time() >= constants::WEIGHT_REF_TIME_PER_MICROS, "{weight:?}");
			assert!(weight.ref_time() <= constants::WEIGHT_REF_TIME_PER_MILLIS, "{weight:?}");
		}
	}
}
