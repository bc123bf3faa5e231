//! Configuration of every pallet in the runtime.

mod offchain;

use frame_support::{
	derive_impl,
	dispatch::DispatchClass,
	parameter_types,
	traits::{ConstBool, ConstU128, ConstU32, ConstU64, ConstU8, Contains, VariantCountOf},
	weights::{constants::WEIGHT_REF_TIME_PER_SECOND, IdentityFee, Weight},
	PalletId,
};
use frame_system::limits::{BlockLength, BlockWeights};
use pallet_transaction_payment::{ConstFeeMultiplier, FungibleAdapter, Multiplier};
use sp_consensus_aura::sr25519::AuthorityId as AuraId;
use sp_runtime::{traits::One, Perbill, Percent};
use sp_version::RuntimeVersion;

use super::{
	AccountId, Aura, Balance, Balances, Block, BlockNumber, Hash, Meters, Nonce, PalletInfo,
	Prepaid, Runtime, RuntimeCall, RuntimeEvent, RuntimeFreezeReason, RuntimeHoldReason,
	RuntimeOrigin, RuntimeTask, System, Timestamp, EXISTENTIAL_DEPOSIT, HOURS, SLOT_DURATION,
	SS58_PREFIX, VERSION,
};

/// Share of a block that ordinary transactions may fill; the rest is kept for operational
/// transactions (e.g. root calls) so they can always get in.
const NORMAL_DISPATCH_RATIO: Perbill = Perbill::from_percent(75);

/// The largest block, in bytes.
const MAX_BLOCK_LENGTH: u32 = 5 * 1024 * 1024;

parameter_types! {
	pub const BlockHashCount: BlockNumber = 2400;
	pub const Version: RuntimeVersion = VERSION;

	/// Two seconds of compute in a six-second block, as measured by the benchmarked weights.
	pub RuntimeBlockWeights: BlockWeights = BlockWeights::with_sensible_defaults(
		Weight::from_parts(2u64 * WEIGHT_REF_TIME_PER_SECOND, u64::MAX),
		NORMAL_DISPATCH_RATIO,
	);
	/// Blocks of at most 5 MiB, of which normal transactions may fill the normal ratio.
	pub RuntimeBlockLength: BlockLength = BlockLength::builder()
		.max_length(MAX_BLOCK_LENGTH)
		.modify_max_length_for_class(DispatchClass::Normal, |max| {
			*max = NORMAL_DISPATCH_RATIO * *max
		})
		.build();
	pub const SS58Prefix: u16 = SS58_PREFIX;
}

/// Calls refused to every origin but root (root bypasses call filters).
///
/// `Balances::burn` would let a holder destroy WATT outside pallet-wattcoin, breaking the
/// issuance accounting; holders cash out with `Wattcoin::redeem` instead.
pub struct BaseCallFilter;
impl Contains<RuntimeCall> for BaseCallFilter {
	fn contains(call: &RuntimeCall) -> bool {
		!matches!(call, RuntimeCall::Balances(pallet_balances::Call::burn { .. }))
	}
}

#[derive_impl(frame_system::config_preludes::SolochainDefaultConfig)]
impl frame_system::Config for Runtime {
	type BaseCallFilter = BaseCallFilter;
	type Block = Block;
	type BlockWeights = RuntimeBlockWeights;
	type BlockLength = RuntimeBlockLength;
	type AccountId = AccountId;
	type Nonce = Nonce;
	type Hash = Hash;
	type BlockHashCount = BlockHashCount;
	/// The node stores state in ParityDB: its weights measured on this machine, on a chain of
	/// 100,000 meters (`scripts/bench-storage.sh`).
	type DbWeight = crate::weights::paritydb_weights::ParityDbWeight;
	type Version = Version;
	type AccountData = pallet_balances::AccountData<Balance>;
	type SS58Prefix = SS58Prefix;
	type MaxConsumers = ConstU32<16>;
}

impl pallet_aura::Config for Runtime {
	type AuthorityId = AuraId;
	type DisabledValidators = ();
	type MaxAuthorities = ConstU32<32>;
	type AllowMultipleBlocksPerSlot = ConstBool<false>;
	type SlotDuration = pallet_aura::MinimumPeriodTimesTwo<Runtime>;
}

impl pallet_grandpa::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type WeightInfo = ();
	type MaxAuthorities = ConstU32<32>;
	type MaxNominators = ConstU32<0>;
	type MaxSetIdSessionEntries = ConstU64<0>;
	type KeyOwnerProof = sp_core::Void;
	type EquivocationReportSystem = ();
}

impl pallet_timestamp::Config for Runtime {
	/// Milliseconds since the Unix epoch.
	type Moment = u64;
	type OnTimestampSet = Aura;
	type MinimumPeriod = ConstU64<{ SLOT_DURATION / 2 }>;
	type WeightInfo = ();
}

impl pallet_balances::Config for Runtime {
	type MaxLocks = ConstU32<50>;
	type MaxReserves = ();
	type ReserveIdentifier = [u8; 8];
	type Balance = Balance;
	type RuntimeEvent = RuntimeEvent;
	/// Dust of reaped accounts is burned and counted by pallet-wattcoin.
	type DustRemoval = pallet_wattcoin::BurnAndRecord<Runtime>;
	type ExistentialDeposit = ConstU128<EXISTENTIAL_DEPOSIT>;
	type AccountStore = System;
	type WeightInfo = pallet_balances::weights::SubstrateWeight<Runtime>;
	type FreezeIdentifier = RuntimeFreezeReason;
	type MaxFreezes = VariantCountOf<RuntimeFreezeReason>;
	type RuntimeHoldReason = RuntimeHoldReason;
	type RuntimeFreezeReason = RuntimeFreezeReason;
	type DoneSlashHandler = ();
}

parameter_types! {
	pub FeeMultiplier: Multiplier = Multiplier::one();
}

impl pallet_transaction_payment::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	/// Fees are paid in WATT and burned; pallet-wattcoin counts what is burned.
	type OnChargeTransaction = FungibleAdapter<Balances, pallet_wattcoin::BurnAndRecord<Runtime>>;
	type OperationalFeeMultiplier = ConstU8<5>;
	/// One picosecond of benchmarked execution time costs one 10^-12 WATT: a transfer costs
	/// a fraction of a milli-WATT.
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = IdentityFee<Balance>;
	type FeeMultiplierUpdate = ConstFeeMultiplier<FeeMultiplier>;
	type WeightInfo = pallet_transaction_payment::weights::SubstrateWeight<Runtime>;
}

impl pallet_sudo::Config for Runtime {
	type RuntimeEvent = RuntimeEvent;
	type RuntimeCall = RuntimeCall;
	type WeightInfo = pallet_sudo::weights::SubstrateWeight<Runtime>;
}

impl pallet_wattcoin::Config for Runtime {
	type Currency = Balances;
	type ManagerOrigin = frame_system::EnsureRoot<AccountId>;
	/// Room for every shop, app and utility office of a national market.
	type MaxVendors = ConstU32<1024>;
	/// Payment references of card processors and mobile money fit in 64 bytes.
	type MaxReceiptLen = ConstU32<64>;
	/// A vendor's float refills at most once an hour.
	type MinPeriod = ConstU32<HOURS>;
	/// The smallest sale a vendor may issue: one WATT (100 existential deposits), so a vendor
	/// makes at most `allowance / 1 WATT` issues, and remembered receipts, per window.
	type MinIssue = ConstU128<{ crate::currency::WATT }>;
	/// Receipts are remembered for a week, and a sale must reach the chain within a week of the
	/// block its receipt is dated with (an offline till has days to sync).
	type ReceiptLifetime = ConstU32<{ 7 * crate::DAYS }>;
	type WeightInfo = pallet_wattcoin::weights::SubstrateWeight<Runtime>;
}

impl pallet_meters::Config for Runtime {
	type WeightInfo = pallet_meters::weights::SubstrateWeight<Runtime>;
	/// Accepted readings are billed by pallet-prepaid.
	type OnConsumption = Prepaid;
	/// Decommissioning refunds the meter's credit to its owner.
	type Lifecycle = Prepaid;
	type Time = Timestamp;
	/// Root licenses and removes operators.
	type AdminOrigin = frame_system::EnsureRoot<AccountId>;
	/// Readings per ingestion transaction: about 100 KiB of readings, well inside a block.
	type MaxBatch = ConstU32<1000>;
	type MaxMetadataLen = ConstU32<64>;
	/// A meter's clock may run five minutes ahead of the chain's.
	type MaxClockSkewMs = ConstU64<300_000>;
	/// Below signed transactions, so a household's top-up is never crowded out by readings.
	type IngestPriority = ConstU64<1>;
	/// An ingestion transaction not included within 16 blocks (96 s) is dropped and retried.
	type IngestLongevity = ConstU64<16>;
	/// 24 kW (100 A at 240 V), a large domestic connection: a reading implying more power
	/// waits for its operator's review; operators set each meter's own with `set_rated_power`.
	type DefaultRatedPowerW = ConstU32<24_000>;
	// The gateway knows its relayers from the chain: the block authors.
	type RelayerId = AuraId;
	// The off-chain workers share the readings among the block authors.
	type Relayers = AuraRelayers;
}

/// The block authors (Aura authorities), in the chain's order: the relayers the off-chain
/// workers share the readings among (`pallet_meters::offchain::partition`).
pub struct AuraRelayers;

impl frame_support::traits::Get<alloc::vec::Vec<AuraId>> for AuraRelayers {
	fn get() -> alloc::vec::Vec<AuraId> {
		pallet_aura::Authorities::<Runtime>::get().into_inner()
	}
}

parameter_types! {
	/// The pot holding every meter's prepaid credit and the operators' undrawn revenue.
	pub const PrepaidPalletId: PalletId = PalletId(*b"wt/prepd");
	/// A tariff change or a switch of tariff takes effect at least 7 days after it is announced.
	pub const TariffNoticePeriodMs: u64 = 7 * 24 * 60 * 60 * 1000;
	/// A reading that ended more than 30 minutes before the block's time never orders a
	/// disconnection (a backlog after an outage, a meter clock running behind).
	pub const MaxDisconnectionLagMs: u64 = 30 * 60 * 1000;
	/// At most a quarter of a top-up goes to repaying debt and used emergency credit.
	pub const MaxRecoveryShare: Percent = Percent::from_percent(25);
}

impl pallet_prepaid::Config for Runtime {
	type Currency = Balances;
	type Meters = Meters;
	type UnixTime = Timestamp;
	type PalletId = PrepaidPalletId;
	type NoticePeriod = TariffNoticePeriodMs;
	type MaxDisconnectionLag = MaxDisconnectionLagMs;
	type MaxRecoveryShare = MaxRecoveryShare;
	/// Time-of-use bands per tariff version.
	type MaxBands = ConstU32<8>;
	/// Inclining-block tiers per tariff version.
	type MaxTiers = ConstU32<4>;
	/// Versions kept per tariff: the one in force, those scheduled, and recent history.
	type MaxTariffVersions = ConstU32<6>;
	type MaxTariffsPerOperator = ConstU32<32>;
	type WeightInfo = pallet_prepaid::weights::SubstrateWeight<Runtime>;
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = PrepaidBenchmarkHelper;
}

/// Sets up operators, meters and time for pallet-prepaid's benchmarks through pallet-meters.
#[cfg(feature = "runtime-benchmarks")]
pub struct PrepaidBenchmarkHelper;

#[cfg(feature = "runtime-benchmarks")]
impl pallet_prepaid::BenchmarkHelper<AccountId> for PrepaidBenchmarkHelper {
	fn register_operator(who: &AccountId) {
		if !pallet_meters::Operators::<Runtime>::contains_key(who) {
			Meters::add_operator(RuntimeOrigin::root(), who.clone())
				.expect("root may add an operator; benchmark set-up");
		}
	}

	fn register_meter(
		meter: wattcoin_primitives::MeterId,
		operator: &AccountId,
		owner: &AccountId,
	) {
		Self::register_operator(operator);
		let key = sp_runtime::MultiSigner::Sr25519(sp_core::sr25519::Public::from_raw([7; 32]));
		Meters::register_meter(
			RuntimeOrigin::signed(operator.clone()),
			meter,
			key,
			owner.clone(),
			Default::default(),
		)
		.expect("a fresh meter of a licensed operator registers; benchmark set-up");
	}

	fn set_time(ms: wattcoin_primitives::Moment) {
		pallet_timestamp::Now::<Runtime>::put(ms);
	}
}
