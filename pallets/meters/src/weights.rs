//! Weights for `pallet_meters`.
//!
//! PROVISIONAL: these values are estimates written by hand, NOT benchmark results. They are
//! to be replaced by the output of the benchmarks on this machine, once the node builds:
//!
//! ```text
//! ./target/release/wattcoin-node benchmark pallet \
//!     --runtime <path to wattcoin_runtime.compact.compressed.wasm> \
//!     --pallet pallet_meters --extrinsic '*' --steps 50 --repeat 20 \
//!     --output pallets/meters/src/weights.rs --template .maintain/frame-weight-template.hbs
//! ```
//!
//! Estimates (reference machine, execution time only; database accesses are added with
//! `T::DbWeight`): one signature verification 45 µs (ed25519), 50 µs (sr25519),
//! 60 µs (ecdsa, public key recovery); one reading's bookkeeping 6 µs.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_meters`.
pub trait WeightInfo {
	fn add_operator() -> Weight;
	fn remove_operator() -> Weight;
	fn register_meter(m: u32, ) -> Weight;
	fn rotate_key() -> Weight;
	fn set_owner() -> Weight;
	fn suspend() -> Weight;
	fn resume() -> Weight;
	fn decommission() -> Weight;
	fn force_transfer_meter() -> Weight;
	fn ingest_readings_ed25519(n: u32, ) -> Weight;
	fn ingest_readings_sr25519(n: u32, ) -> Weight;
	fn ingest_readings_ecdsa(n: u32, ) -> Weight;
	fn ingest_readings_skipped(n: u32, ) -> Weight;
	fn authorize_ingest_readings(n: u32, ) -> Weight;
}

/// Weights for `pallet_meters` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Meters::Operators` (r:1 w:1)
	fn add_operator() -> Weight {
		Weight::from_parts(12_000_000, 3_513)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Meters::Operators` (r:1 w:1)
	fn remove_operator() -> Weight {
		Weight::from_parts(14_000_000, 3_513)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Meters::Operators` (r:1 w:1), `Meters::Meters` (r:1 w:1),
	/// `Meters::MeterCount` (r:1 w:1), `Meters::MeterMetadata` (r:0 w:1)
	/// The range of component `m` is `[0, MaxMetadataLen]`.
	fn register_meter(m: u32, ) -> Weight {
		Weight::from_parts(30_000_000, 3_613)
			.saturating_add(Weight::from_parts(1_000, 0).saturating_mul(m.into()))
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Meters::Meters` (r:1 w:1)
	fn rotate_key() -> Weight {
		Weight::from_parts(16_000_000, 3_613)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Meters::Meters` (r:1 w:1)
	fn set_owner() -> Weight {
		Weight::from_parts(16_000_000, 3_613)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Meters::Meters` (r:1 w:1)
	fn suspend() -> Weight {
		Weight::from_parts(15_000_000, 3_613)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Meters::Meters` (r:1 w:1)
	fn resume() -> Weight {
		Weight::from_parts(15_000_000, 3_613)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Meters::Meters` (r:1 w:1), `Meters::Operators` (r:1 w:1),
	/// `Meters::MeterCount` (r:1 w:1), `Meters::MeterMetadata` (r:0 w:1)
	fn decommission() -> Weight {
		Weight::from_parts(28_000_000, 3_613)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Meters::Meters` (r:1 w:1), `Meters::Operators` (r:2 w:2)
	fn force_transfer_meter() -> Weight {
		Weight::from_parts(24_000_000, 6_026)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `System::BlockHash` (r:1 w:0), `Timestamp::Now` (r:1 w:0),
	/// `Meters::Meters` (r:n w:n)
	/// The range of component `n` is `[0, MaxBatch]`.
	fn ingest_readings_ed25519(n: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 3_509)
			.saturating_add(Weight::from_parts(51_000_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2_613).saturating_mul(n.into()))
	}
	/// Storage: `System::BlockHash` (r:1 w:0), `Timestamp::Now` (r:1 w:0),
	/// `Meters::Meters` (r:n w:n)
	/// The range of component `n` is `[0, MaxBatch]`.
	fn ingest_readings_sr25519(n: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 3_509)
			.saturating_add(Weight::from_parts(56_000_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2_613).saturating_mul(n.into()))
	}
	/// Storage: `System::BlockHash` (r:1 w:0), `Timestamp::Now` (r:1 w:0),
	/// `Meters::Meters` (r:n w:n)
	/// The range of component `n` is `[0, MaxBatch]`.
	fn ingest_readings_ecdsa(n: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 3_509)
			.saturating_add(Weight::from_parts(66_000_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(T::DbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2_613).saturating_mul(n.into()))
	}
	/// Storage: `System::BlockHash` (r:1 w:0), `Timestamp::Now` (r:1 w:0),
	/// `Meters::Meters` (r:n w:0)
	/// The range of component `n` is `[0, MaxBatch]`.
	fn ingest_readings_skipped(n: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 3_509)
			.saturating_add(Weight::from_parts(6_000_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2_613).saturating_mul(n.into()))
	}
	/// Storage: `System::BlockHash` (r:1 w:0), `Timestamp::Now` (r:1 w:0),
	/// `Meters::Meters` (r:n w:0)
	/// The range of component `n` is `[1, MaxBatch]`.
	fn authorize_ingest_readings(n: u32, ) -> Weight {
		Weight::from_parts(70_000_000, 3_509)
			.saturating_add(Weight::from_parts(4_000_000, 0).saturating_mul(n.into()))
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2_613).saturating_mul(n.into()))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn add_operator() -> Weight {
		Weight::from_parts(12_000_000, 3_513)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn remove_operator() -> Weight {
		Weight::from_parts(14_000_000, 3_513)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn register_meter(m: u32, ) -> Weight {
		Weight::from_parts(30_000_000, 3_613)
			.saturating_add(Weight::from_parts(1_000, 0).saturating_mul(m.into()))
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn rotate_key() -> Weight {
		Weight::from_parts(16_000_000, 3_613)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn set_owner() -> Weight {
		Weight::from_parts(16_000_000, 3_613)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn suspend() -> Weight {
		Weight::from_parts(15_000_000, 3_613)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn resume() -> Weight {
		Weight::from_parts(15_000_000, 3_613)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn decommission() -> Weight {
		Weight::from_parts(28_000_000, 3_613)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn force_transfer_meter() -> Weight {
		Weight::from_parts(24_000_000, 6_026)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn ingest_readings_ed25519(n: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 3_509)
			.saturating_add(Weight::from_parts(51_000_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2_613).saturating_mul(n.into()))
	}
	fn ingest_readings_sr25519(n: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 3_509)
			.saturating_add(Weight::from_parts(56_000_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2_613).saturating_mul(n.into()))
	}
	fn ingest_readings_ecdsa(n: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 3_509)
			.saturating_add(Weight::from_parts(66_000_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(RocksDbWeight::get().writes((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2_613).saturating_mul(n.into()))
	}
	fn ingest_readings_skipped(n: u32, ) -> Weight {
		Weight::from_parts(10_000_000, 3_509)
			.saturating_add(Weight::from_parts(6_000_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2_613).saturating_mul(n.into()))
	}
	fn authorize_ingest_readings(n: u32, ) -> Weight {
		Weight::from_parts(70_000_000, 3_509)
			.saturating_add(Weight::from_parts(4_000_000, 0).saturating_mul(n.into()))
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().reads((1_u64).saturating_mul(n.into())))
			.saturating_add(Weight::from_parts(0, 2_613).saturating_mul(n.into()))
	}
}
