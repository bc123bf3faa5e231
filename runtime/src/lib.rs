//! # Wattcoin runtime
//!
//! A solochain runtime (Aura block production, GRANDPA finality) whose native token is
//! Wattcoin (WATT, 12 decimals). Households use WATT to prepay their electricity; the
//! Wattcoin pallets (meters, issuance, prepaid billing) are assembled here.

#![cfg_attr(not(feature = "std"), no_std)]
// `construct_runtime`/`impl_runtime_apis` expand to large amounts of code.
#![recursion_limit = "256"]

#[cfg(feature = "std")]
include!(concat!(env!("OUT_DIR"), "/wasm_binary.rs"));

extern crate alloc;

use alloc::vec::Vec;

pub mod apis;
#[cfg(feature = "runtime-benchmarks")]
mod benchmarks;
pub mod configs;
pub mod genesis_config_presets;
pub mod weights;

use sp_runtime::{
	generic, impl_opaque_keys,
	traits::{BlakeTwo256, IdentifyAccount, Verify},
	MultiAddress, MultiSignature,
};
use sp_version::RuntimeVersion;

pub use frame_system::Call as SystemCall;
pub use pallet_balances::Call as BalancesCall;
pub use pallet_timestamp::Call as TimestampCall;
#[cfg(any(feature = "std", test))]
pub use sp_runtime::BuildStorage;

/// Types the node needs without knowing the runtime's call and event types.
pub mod opaque {
	use super::*;
	use sp_runtime::traits::Hash as HashT;

	pub use sp_runtime::OpaqueExtrinsic as UncheckedExtrinsic;

	/// Opaque block header type.
	pub type Header = generic::Header<BlockNumber, BlakeTwo256>;
	/// Opaque block type.
	pub type Block = generic::Block<Header, UncheckedExtrinsic>;
	/// Opaque block hash type.
	pub type Hash = <BlakeTwo256 as HashT>::Output;
}

impl_opaque_keys! {
	/// The keys a validator holds: Aura for authoring, GRANDPA for finality votes.
	pub struct SessionKeys {
		pub aura: Aura,
		pub grandpa: Grandpa,
	}
}

/// The runtime version. Bump `spec_version` for every runtime change that reaches a chain.
#[sp_version::runtime_version]
pub const VERSION: RuntimeVersion = RuntimeVersion {
	spec_name: alloc::borrow::Cow::Borrowed("wattcoin"),
	impl_name: alloc::borrow::Cow::Borrowed("wattcoin-node"),
	authoring_version: 1,
	spec_version: 106,
	impl_version: 1,
	apis: apis::RUNTIME_API_VERSIONS,
	transaction_version: 2,
	system_version: 1,
};

/// Block times. The slot duration cannot change once a chain has started.
mod block_times {
	/// Target block time.
	pub const MILLI_SECS_PER_BLOCK: u64 = 6000;
	/// Aura slot duration: one block per slot.
	pub const SLOT_DURATION: u64 = MILLI_SECS_PER_BLOCK;
}
pub use block_times::*;

/// Blocks per minute, hour and day at the target block time.
pub const MINUTES: BlockNumber = 60_000 / (MILLI_SECS_PER_BLOCK as BlockNumber);
pub const HOURS: BlockNumber = MINUTES * 60;
pub const DAYS: BlockNumber = HOURS * 24;

/// Wattcoin amounts. `WATT` is one whole token; balances count its 10^-12 parts.
pub mod currency {
	use super::Balance;

	/// Decimal places of WATT, as shown by wallets (`tokenDecimals`).
	pub const DECIMALS: u8 = 12;
	/// The token symbol, as shown by wallets (`tokenSymbol`).
	pub const SYMBOL: &str = "WATT";
	/// One WATT.
	pub const WATT: Balance = 1_000_000_000_000;
	/// One thousandth of a WATT.
	pub const MILLI_WATT: Balance = WATT / 1_000;
	/// One millionth of a WATT.
	pub const MICRO_WATT: Balance = WATT / 1_000_000;

	/// The existential deposit: 0.01 WATT.
	///
	/// An account holding less is reaped, so storage cannot be filled with dust accounts for
	/// free. One WATT is meant to be worth about one unit of a local currency, so this is about
	/// a cent: small enough that no household notices it, large enough that a million
	/// spam accounts cost real money.
	pub const EXISTENTIAL_DEPOSIT: Balance = 10 * MILLI_WATT;
}
pub use currency::*;

/// The SS58 address prefix. 42 is the generic Substrate prefix, which every wallet and
/// polkadot.js apps understand; a registered prefix of Wattcoin's own comes before a public
/// network launches.
pub const SS58_PREFIX: u16 = 42;

/// Signature of transactions: sr25519, ed25519 or ecdsa.
pub type Signature = MultiSignature;

/// An account: the public key of the transaction signing scheme.
pub type AccountId = <<Signature as Verify>::Signer as IdentifyAccount>::AccountId;

/// A balance of WATT, in its smallest unit.
pub type Balance = u128;

/// Transaction counter of an account.
pub type Nonce = u32;

/// Block and state hashes.
pub type Hash = sp_core::H256;

/// Block height.
pub type BlockNumber = u32;

/// The address format of transactions.
pub type Address = MultiAddress<AccountId, ()>;

/// Block header type as expected by this runtime.
pub type Header = generic::Header<BlockNumber, BlakeTwo256>;

/// Block type as expected by this runtime.
pub type Block = generic::Block<Header, UncheckedExtrinsic>;

/// A block with its justifications.
pub type SignedBlock = generic::SignedBlock<Block>;

/// The transaction extensions, checked in this order for every transaction.
///
/// `AuthorizeCall` comes first so that calls with `#[pallet::authorize]` (the feeless
/// meter-reading ingestion) are authorized before the other extensions look at the origin.
pub type TxExtension = (
	frame_system::AuthorizeCall<Runtime>,
	frame_system::CheckNonZeroSender<Runtime>,
	frame_system::CheckSpecVersion<Runtime>,
	frame_system::CheckTxVersion<Runtime>,
	frame_system::CheckGenesis<Runtime>,
	frame_system::CheckEra<Runtime>,
	frame_system::CheckNonce<Runtime>,
	frame_system::CheckWeight<Runtime>,
	pallet_transaction_payment::ChargeTransactionPayment<Runtime>,
	frame_metadata_hash_extension::CheckMetadataHash<Runtime>,
	frame_system::WeightReclaim<Runtime>,
);

/// Unchecked extrinsic type as expected by this runtime.
pub type UncheckedExtrinsic =
	generic::UncheckedExtrinsic<Address, RuntimeCall, Signature, TxExtension>;

/// The payload being signed in transactions.
pub type SignedPayload = generic::SignedPayload<RuntimeCall, TxExtension>;

/// Migrations to run on the next runtime upgrade, besides the pallets' own. Each runs once,
/// guarded by its pallet's storage version (`docs/upgrades.md`).
type Migrations = (
	pallet_meters::migrations::v1::MigrateV0ToV1<Runtime>,
	pallet_meters::migrations::v2::MigrateV1ToV2<Runtime>,
	pallet_prepaid::migrations::v1::MigrateV0ToV1<Runtime>,
	pallet_wattcoin::migrations::v1::MigrateV0ToV1<Runtime>,
);

/// Executive: dispatches blocks and transactions to the pallets.
pub type Executive = frame_executive::Executive<
	Runtime,
	Block,
	frame_system::ChainContext<Runtime>,
	Runtime,
	AllPalletsWithSystem,
	Migrations,
>;

#[frame_support::runtime]
mod runtime {
	#[runtime::runtime]
	#[runtime::derive(
		RuntimeCall,
		RuntimeEvent,
		RuntimeError,
		RuntimeOrigin,
		RuntimeFreezeReason,
		RuntimeHoldReason,
		RuntimeSlashReason,
		RuntimeLockId,
		RuntimeTask,
		RuntimeViewFunction
	)]
	pub struct Runtime;

	#[runtime::pallet_index(0)]
	pub type System = frame_system;

	#[runtime::pallet_index(1)]
	pub type Timestamp = pallet_timestamp;

	#[runtime::pallet_index(2)]
	pub type Aura = pallet_aura;

	#[runtime::pallet_index(3)]
	pub type Grandpa = pallet_grandpa;

	#[runtime::pallet_index(4)]
	pub type Balances = pallet_balances;

	#[runtime::pallet_index(5)]
	pub type TransactionPayment = pallet_transaction_payment;

	#[runtime::pallet_index(6)]
	pub type Sudo = pallet_sudo;

	#[runtime::pallet_index(7)]
	pub type Meters = pallet_meters;

	// After Balances and Meters: its genesis funds the registered meters' credit.
	#[runtime::pallet_index(8)]
	pub type Prepaid = pallet_prepaid;

	// Last: its genesis records the total issuance every other genesis created.
	#[runtime::pallet_index(9)]
	pub type Wattcoin = pallet_wattcoin;
}
