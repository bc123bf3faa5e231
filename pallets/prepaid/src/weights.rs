//! Weights for `pallet_prepaid`.
//!
//! PROVISIONAL: NOT MEASURED. These values are estimates written by hand (database reads and
//! writes counted from the code, execution time and proof size estimated) so the pallet can
//! be wired before the node builds. Regenerate them with
//! `wattcoin-node benchmark pallet --pallet pallet_prepaid --extrinsic '*' --steps 50
//! --repeat 20 --output pallets/prepaid/src/weights.rs --template <frame-weight-template>`
//! on the reference machine, and replace this file.

#![cfg_attr(rustfmt, rustfmt_skip)]
#![allow(unused_parens)]
#![allow(unused_imports)]
#![allow(missing_docs)]
#![allow(dead_code)]

use frame_support::{traits::Get, weights::{Weight, constants::RocksDbWeight}};
use core::marker::PhantomData;

/// Weight functions needed for `pallet_prepaid`.
pub trait WeightInfo {
	fn create_tariff() -> Weight;
	fn schedule_tariff_change() -> Weight;
	fn cancel_tariff_change() -> Weight;
	fn retire_tariff() -> Weight;
	fn assign_tariff() -> Weight;
	fn top_up() -> Weight;
	fn take_emergency_credit() -> Weight;
	fn withdraw_revenue() -> Weight;
	fn on_consumption() -> Weight;
	fn on_consumption_unbilled() -> Weight;
	fn on_registered() -> Weight;
	fn on_decommission() -> Weight;
}

/// Weights for `pallet_prepaid` using the Substrate node and recommended hardware.
pub struct SubstrateWeight<T>(PhantomData<T>);
impl<T: frame_system::Config> WeightInfo for SubstrateWeight<T> {
	/// Storage: `Meters::Operators` (r:1 w:0), `Prepaid::OperatorTariffs` (r:1 w:1),
	/// `Prepaid::NextTariffId` (r:1 w:1), `Timestamp::Now` (r:1 w:0), `Prepaid::Tariffs` (r:0 w:1)
	fn create_tariff() -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Meters::Operators` (r:1 w:0), `Prepaid::Tariffs` (r:1 w:1), `Timestamp::Now` (r:1 w:0)
	fn schedule_tariff_change() -> Weight {
		Weight::from_parts(45_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads(3_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Prepaid::Tariffs` (r:1 w:1), `Timestamp::Now` (r:1 w:0)
	fn cancel_tariff_change() -> Weight {
		Weight::from_parts(30_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Prepaid::Tariffs` (r:1 w:1), `Prepaid::OperatorTariffs` (r:1 w:1)
	fn retire_tariff() -> Weight {
		Weight::from_parts(25_000_000, 12_000)
			.saturating_add(T::DbWeight::get().reads(2_u64))
			.saturating_add(T::DbWeight::get().writes(2_u64))
	}
	/// Storage: `Meters::Operators` (r:1 w:0), `Meters::Meters` (r:1 w:0), `Prepaid::Tariffs` (r:2 w:2),
	/// `Prepaid::MeterAccounts` (r:1 w:1), `Timestamp::Now` (r:1 w:0)
	fn assign_tariff() -> Weight {
		Weight::from_parts(40_000_000, 24_000)
			.saturating_add(T::DbWeight::get().reads(6_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Meters::Meters` (r:1 w:0), `Prepaid::MeterAccounts` (r:1 w:1), `Timestamp::Now` (r:1 w:0),
	/// `Prepaid::Held` (r:1 w:1), `System::Account` (r:2 w:2), `Prepaid::Tariffs` (r:1 w:0),
	/// `Prepaid::Revenue` (r:1 w:1)
	fn top_up() -> Weight {
		Weight::from_parts(75_000_000, 16_000)
			.saturating_add(T::DbWeight::get().reads(9_u64))
			.saturating_add(T::DbWeight::get().writes(5_u64))
	}
	/// Storage: `Meters::Meters` (r:1 w:0), `Prepaid::MeterAccounts` (r:1 w:1), `Timestamp::Now` (r:1 w:0),
	/// `Prepaid::Tariffs` (r:1 w:0)
	fn take_emergency_credit() -> Weight {
		Weight::from_parts(35_000_000, 14_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Prepaid::Revenue` (r:1 w:1), `System::Account` (r:2 w:2), `Prepaid::Held` (r:1 w:1)
	fn withdraw_revenue() -> Weight {
		Weight::from_parts(55_000_000, 6_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(4_u64))
	}
	/// Storage: `Prepaid::MeterAccounts` (r:1 w:1), `Prepaid::Tariffs` (r:2 w:1),
	/// `Prepaid::Revenue` (r:1 w:1)
	fn on_consumption() -> Weight {
		Weight::from_parts(60_000_000, 26_000)
			.saturating_add(T::DbWeight::get().reads(4_u64))
			.saturating_add(T::DbWeight::get().writes(3_u64))
	}
	/// Storage: `Prepaid::MeterAccounts` (r:1 w:1)
	fn on_consumption_unbilled() -> Weight {
		Weight::from_parts(10_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Prepaid::MeterAccounts` (r:1 w:1)
	fn on_registered() -> Weight {
		Weight::from_parts(8_000_000, 3_700)
			.saturating_add(T::DbWeight::get().reads(1_u64))
			.saturating_add(T::DbWeight::get().writes(1_u64))
	}
	/// Storage: `Prepaid::MeterAccounts` (r:1 w:1), `Timestamp::Now` (r:1 w:0), `Meters::Meters` (r:1 w:0),
	/// `Prepaid::Tariffs` (r:2 w:2), `System::Account` (r:2 w:2), `Prepaid::Revenue` (r:1 w:1),
	/// `Prepaid::Held` (r:1 w:1)
	fn on_decommission() -> Weight {
		Weight::from_parts(90_000_000, 30_000)
			.saturating_add(T::DbWeight::get().reads(9_u64))
			.saturating_add(T::DbWeight::get().writes(7_u64))
	}
}

// For backwards compatibility and tests.
impl WeightInfo for () {
	fn create_tariff() -> Weight {
		Weight::from_parts(30_000_000, 4_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn schedule_tariff_change() -> Weight {
		Weight::from_parts(45_000_000, 12_000)
			.saturating_add(RocksDbWeight::get().reads(3_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn cancel_tariff_change() -> Weight {
		Weight::from_parts(30_000_000, 12_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn retire_tariff() -> Weight {
		Weight::from_parts(25_000_000, 12_000)
			.saturating_add(RocksDbWeight::get().reads(2_u64))
			.saturating_add(RocksDbWeight::get().writes(2_u64))
	}
	fn assign_tariff() -> Weight {
		Weight::from_parts(40_000_000, 24_000)
			.saturating_add(RocksDbWeight::get().reads(6_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn top_up() -> Weight {
		Weight::from_parts(75_000_000, 16_000)
			.saturating_add(RocksDbWeight::get().reads(9_u64))
			.saturating_add(RocksDbWeight::get().writes(5_u64))
	}
	fn take_emergency_credit() -> Weight {
		Weight::from_parts(35_000_000, 14_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn withdraw_revenue() -> Weight {
		Weight::from_parts(55_000_000, 6_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(4_u64))
	}
	fn on_consumption() -> Weight {
		Weight::from_parts(60_000_000, 26_000)
			.saturating_add(RocksDbWeight::get().reads(4_u64))
			.saturating_add(RocksDbWeight::get().writes(3_u64))
	}
	fn on_consumption_unbilled() -> Weight {
		Weight::from_parts(10_000_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn on_registered() -> Weight {
		Weight::from_parts(8_000_000, 3_700)
			.saturating_add(RocksDbWeight::get().reads(1_u64))
			.saturating_add(RocksDbWeight::get().writes(1_u64))
	}
	fn on_decommission() -> Weight {
		Weight::from_parts(90_000_000, 30_000)
			.saturating_add(RocksDbWeight::get().reads(9_u64))
			.saturating_add(RocksDbWeight::get().writes(7_u64))
	}
}
