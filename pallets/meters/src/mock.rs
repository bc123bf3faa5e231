//! A test runtime: frame-system, pallet-timestamp and this pallet, with an `OnConsumption` and
//! a `MeterLifecycle` that record what they are told, and extrinsics whose transaction
//! extension is `frame_system::AuthorizeCall` (so that the authorized transactions the
//! off-chain worker builds are decodable and validate as in a real runtime).

use crate::{self as pallet_meters, GenesisMeter};
use core::cell::RefCell;
use frame_support::{
	construct_runtime, derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
	weights::Weight,
};
use frame_system::EnsureRoot;
use sp_core::{ecdsa, ed25519, sr25519, Pair, H256};
use sp_keystore::{testing::MemoryKeystore, KeystoreExt};
use sp_runtime::{BuildStorage, DispatchError, DispatchResult, MultiSigner};
use wattcoin_primitives::{
	reading::{Reading, SignedReading},
	traits::{Consumption, MeterLifecycle, OnConsumption},
	MeterId,
};

/// The mock's extrinsic: `AuthorizeCall` as its transaction extension (the off-chain worker's
/// general transactions carry no signature; the test signature type makes it `Checkable`).
pub type Extrinsic = sp_runtime::generic::UncheckedExtrinsic<
	u64,
	RuntimeCall,
	sp_runtime::testing::TestSignature,
	frame_system::AuthorizeCall<Test>,
>;

type Block = sp_runtime::generic::Block<
	sp_runtime::generic::Header<u64, sp_runtime::traits::BlakeTwo256>,
	Extrinsic,
>;

construct_runtime!(
	pub enum Test {
		System: frame_system,
		Timestamp: pallet_timestamp,
		PalletMeters: pallet_meters,
	}
);

parameter_types! {
	/// The mock's block weights: frame-system's defaults, which a test may change (for this
	/// test's thread only).
	pub static BlockLimits: frame_system::limits::BlockWeights = Default::default();
}

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type BlockWeights = BlockLimits;
}

#[derive_impl(pallet_timestamp::config_preludes::TestDefaultConfig)]
impl pallet_timestamp::Config for Test {}

/// The mock's `MaxBatch`.
pub const MAX_BATCH: u32 = 16;
/// The mock's `MaxClockSkewMs`: one minute.
pub const MAX_CLOCK_SKEW_MS: u64 = 60_000;
/// The mock's `IngestPriority`.
pub const INGEST_PRIORITY: u64 = 100;
/// The mock's `IngestLongevity`.
pub const INGEST_LONGEVITY: u64 = 32;
/// The mock's `DefaultRatedPowerW`: 1 GW, so that the readings of the tests of other rules,
/// a few watt-hours a millisecond apart, are plausible; `tests/plausibility.rs` gives its
/// meters a household's 24 kW.
pub const DEFAULT_RATED_POWER_W: u32 = 1_000_000_000;
/// The mock's `MaxMetadataLen`.
pub const MAX_METADATA_LEN: u32 = 32;

parameter_types! {
	/// The relayers the off-chain workers share the readings among (none: each relays all).
	pub static Relayers: Vec<sp_runtime::app_crypto::sr25519::AppPublic> = Vec::new();
}

parameter_types! {
	pub const MaxBatch: u32 = MAX_BATCH;
}

impl pallet_meters::Config for Test {
	type WeightInfo = ();
	type OnConsumption = RecordConsumption;
	type Lifecycle = RecordLifecycle;
	type Time = Timestamp;
	type AdminOrigin = EnsureRoot<u64>;
	type MaxBatch = MaxBatch;
	type MaxMetadataLen = ConstU32<MAX_METADATA_LEN>;
	type MaxClockSkewMs = ConstU64<MAX_CLOCK_SKEW_MS>;
	type IngestPriority = ConstU64<INGEST_PRIORITY>;
	type IngestLongevity = ConstU64<INGEST_LONGEVITY>;
	type DefaultRatedPowerW = ConstU32<DEFAULT_RATED_POWER_W>;
	type RelayerId = sp_runtime::app_crypto::sr25519::AppPublic;
	type Relayers = Relayers;
}

impl<LocalCall> frame_system::offchain::CreateTransactionBase<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	type Extrinsic = Extrinsic;
	type RuntimeCall = RuntimeCall;
}

impl<LocalCall> frame_system::offchain::CreateTransaction<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	type Extension = frame_system::AuthorizeCall<Test>;

	fn create_transaction(call: RuntimeCall, extension: Self::Extension) -> Extrinsic {
		Extrinsic::new_transaction(call, extension)
	}
}

impl<LocalCall> frame_system::offchain::CreateAuthorizedTransaction<LocalCall> for Test
where
	RuntimeCall: From<LocalCall>,
{
	fn create_extension() -> Self::Extension {
		frame_system::AuthorizeCall::new()
	}
}

/// The genesis hash the test chain's readings are signed for (block 0's hash).
pub const GENESIS: H256 = H256::repeat_byte(0x47);
/// The chain's time at the start of every test (ms since the epoch).
pub const NOW: u64 = 1_767_225_600_000;

/// Operator accounts.
pub const ALICE: u64 = 1;
pub const BOB: u64 = 2;
/// A household account.
pub const OWNER: u64 = 10;
/// Another household account.
pub const OTHER_OWNER: u64 = 11;
/// An account that is no operator.
pub const STRANGER: u64 = 99;

/// The weight `RecordConsumption` says it uses per call, and its maximum.
pub const CONSUMPTION_WEIGHT: Weight = Weight::from_parts(400_000, 10);
pub const CONSUMPTION_MAX_WEIGHT: Weight = Weight::from_parts(1_000_000, 100);
/// `RecordLifecycle`'s maximum weight.
pub const LIFECYCLE_MAX_WEIGHT: Weight = Weight::from_parts(5_000_000, 0);

thread_local! {
	static CONSUMED: RefCell<Vec<Consumption>> = const { RefCell::new(Vec::new()) };
	static PAID_TO: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
	static REGISTERED: RefCell<Vec<(MeterId, u64)>> = const { RefCell::new(Vec::new()) };
	static DECOMMISSIONED: RefCell<Vec<(MeterId, u64)>> = const { RefCell::new(Vec::new()) };
	static REFUSE_DECOMMISSION: RefCell<bool> = const { RefCell::new(false) };
	static OWNER_CHANGES: RefCell<Vec<(MeterId, u64, u64)>> = const { RefCell::new(Vec::new()) };
	static REFUSE_OWNER_CHANGE: RefCell<bool> = const { RefCell::new(false) };
}

/// Records every consumption it is handed.
pub struct RecordConsumption;

impl OnConsumption<u64> for RecordConsumption {
	type Batch = ();

	fn on_consumption(consumption: &Consumption, operator: &u64, _: &mut ()) -> Weight {
		CONSUMED.with(|c| c.borrow_mut().push(*consumption));
		PAID_TO.with(|p| p.borrow_mut().push(*operator));
		CONSUMPTION_WEIGHT
	}
	fn max_weight() -> Weight {
		CONSUMPTION_MAX_WEIGHT
	}
}

/// The operators each consumption handed to `OnConsumption` is to be paid to, in order.
pub fn paid_to() -> Vec<u64> {
	PAID_TO.with(|p| p.borrow().clone())
}

/// The consumptions handed to `OnConsumption` so far, in order.
pub fn consumed() -> Vec<Consumption> {
	CONSUMED.with(|c| c.borrow().clone())
}

/// Records registrations and decommissionings; refuses the latter when told to.
pub struct RecordLifecycle;

impl MeterLifecycle<u64> for RecordLifecycle {
	fn on_registered(meter: MeterId, owner: &u64) {
		REGISTERED.with(|r| r.borrow_mut().push((meter, *owner)));
	}
	fn on_decommission(meter: MeterId, owner: &u64) -> DispatchResult {
		if REFUSE_DECOMMISSION.with(|r| *r.borrow()) {
			return Err(DispatchError::Other("meter still holds credit"));
		}
		DECOMMISSIONED.with(|d| d.borrow_mut().push((meter, *owner)));
		Ok(())
	}
	fn on_owner_change(meter: MeterId, old_owner: &u64, new_owner: &u64) -> DispatchResult {
		if REFUSE_OWNER_CHANGE.with(|r| *r.borrow()) {
			return Err(DispatchError::Other("the leaving household's refund failed"));
		}
		OWNER_CHANGES.with(|c| c.borrow_mut().push((meter, *old_owner, *new_owner)));
		Ok(())
	}
	fn max_weight() -> Weight {
		LIFECYCLE_MAX_WEIGHT
	}
}

/// The meters `on_registered` was told of, with their owners.
pub fn registered() -> Vec<(MeterId, u64)> {
	REGISTERED.with(|r| r.borrow().clone())
}

/// The meters `on_decommission` accepted, with their owners.
pub fn decommissioned() -> Vec<(MeterId, u64)> {
	DECOMMISSIONED.with(|d| d.borrow().clone())
}

/// The owner changes `on_owner_change` accepted: `(meter, old owner, new owner)`.
pub fn owner_changes() -> Vec<(MeterId, u64, u64)> {
	OWNER_CHANGES.with(|c| c.borrow().clone())
}

/// Makes `on_owner_change` refuse (or accept again).
pub fn refuse_owner_change(refuse: bool) {
	REFUSE_OWNER_CHANGE.with(|r| *r.borrow_mut() = refuse);
}

/// Makes `on_decommission` refuse (or accept again).
pub fn refuse_decommission(refuse: bool) {
	REFUSE_DECOMMISSION.with(|r| *r.borrow_mut() = refuse);
}

fn clear_records() {
	CONSUMED.with(|c| c.borrow_mut().clear());
	PAID_TO.with(|p| p.borrow_mut().clear());
	REGISTERED.with(|r| r.borrow_mut().clear());
	DECOMMISSIONED.with(|d| d.borrow_mut().clear());
	refuse_decommission(false);
	OWNER_CHANGES.with(|c| c.borrow_mut().clear());
	refuse_owner_change(false);
}

/// A meter's device key pair, of any of the three schemes.
#[derive(Clone)]
#[allow(clippy::large_enum_variant)] // a handful of test values
pub enum Device {
	Sr25519(sr25519::Pair),
	Ed25519(ed25519::Pair),
	Ecdsa(ecdsa::Pair),
}

impl Device {
	/// An sr25519 device from a one-byte seed.
	pub fn sr25519(seed: u8) -> Self {
		Self::Sr25519(sr25519::Pair::from_seed(&[seed; 32]))
	}
	/// An ed25519 device from a one-byte seed.
	pub fn ed25519(seed: u8) -> Self {
		Self::Ed25519(ed25519::Pair::from_seed(&[seed; 32]))
	}
	/// An ecdsa device from a one-byte seed.
	pub fn ecdsa(seed: u8) -> Self {
		Self::Ecdsa(ecdsa::Pair::from_seed(&[seed; 32]))
	}
	/// The device key as registered.
	pub fn public(&self) -> MultiSigner {
		match self {
			Self::Sr25519(pair) => pair.public().into(),
			Self::Ed25519(pair) => pair.public().into(),
			Self::Ecdsa(pair) => pair.public().into(),
		}
	}
	/// Signs `reading` for the test chain.
	pub fn sign(&self, reading: Reading) -> SignedReading {
		self.sign_for(GENESIS, reading)
	}
	/// Signs `reading` for the chain whose genesis hash is `genesis`.
	pub fn sign_for(&self, genesis: H256, reading: Reading) -> SignedReading {
		match self {
			Self::Sr25519(pair) => SignedReading::sign_sr25519(reading, genesis, pair),
			Self::Ed25519(pair) => SignedReading::sign_ed25519(reading, genesis, pair),
			Self::Ecdsa(pair) => SignedReading::sign_ecdsa(reading, genesis, pair),
		}
	}
	/// Signs arbitrary bytes (to forge payloads of another format).
	pub fn sign_bytes(&self, payload: &[u8]) -> sp_runtime::MultiSignature {
		match self {
			Self::Sr25519(pair) => pair.sign(payload).into(),
			Self::Ed25519(pair) => pair.sign(payload).into(),
			Self::Ecdsa(pair) => pair.sign(payload).into(),
		}
	}
}

/// Builds the test externalities: genesis operators and meters, the block hash of block 0 set
/// to [`GENESIS`], block 1, the time set to [`NOW`] and a keystore (for benchmarks).
#[derive(Default)]
pub struct ExtBuilder {
	operators: Vec<u64>,
	meters: Vec<GenesisMeter<u64>>,
	rated_powers: Vec<(MeterId, u32)>,
}

impl ExtBuilder {
	/// Licenses `operator` at genesis.
	pub fn operator(mut self, operator: u64) -> Self {
		self.operators.push(operator);
		self
	}

	/// Registers `meter` at genesis, operated by `operator` and owned by [`OWNER`].
	pub fn meter(mut self, meter: MeterId, device: &Device, operator: u64) -> Self {
		self.meters.push((meter, device.public(), OWNER, operator, Vec::new()));
		self
	}

	/// Gives genesis meter `meter` the rated power `watts`.
	pub fn rated_power(mut self, meter: MeterId, watts: u32) -> Self {
		self.rated_powers.push((meter, watts));
		self
	}

	/// The externalities.
	pub fn build(self) -> sp_io::TestExternalities {
		// The whole runtime's genesis, as a chain is built: it also sets the pallets' storage
		// versions (`on_genesis`).
		let storage = RuntimeGenesisConfig {
			pallet_meters: pallet_meters::GenesisConfig::<Test> {
				operators: self.operators,
				meters: self.meters,
				rated_powers: self.rated_powers,
			},
			..Default::default()
		}
		.build_storage()
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
		ext.execute_with(|| {
			System::set_block_number(1);
			frame_system::BlockHash::<Test>::insert(0, GENESIS);
			Timestamp::set_timestamp(NOW);
			clear_records();
		});
		ext
	}

	/// Runs `test` in the externalities, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			PalletMeters::do_try_state().expect("pallet-meters invariants hold");
		});
	}
}
