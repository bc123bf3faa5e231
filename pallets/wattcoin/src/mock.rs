//! A test runtime: frame-system, pallet-balances and pallet-transaction-payment wired the way
//! the Wattcoin runtime wires them (fees and dust through [`BurnAndRecord`]), and this pallet.

use crate::{self as pallet_wattcoin, BurnAndRecord};
use frame_support::{
	derive_impl, parameter_types,
	traits::{ConstU32, ConstU64},
	weights::IdentityFee,
};
use pallet_transaction_payment::FungibleAdapter;
use sp_runtime::BuildStorage;

pub type AccountId = u64;
pub type Balance = u64;
pub type BlockNumber = u64;

type Block = frame_system::mocking::MockBlock<Test>;

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		TransactionPayment: pallet_transaction_payment,
		Wattcoin: pallet_wattcoin,
	}
);

/// The existential deposit.
pub const ED: Balance = 10;
/// The shortest allowance period.
pub const MIN_PERIOD: BlockNumber = 10;
/// The longest receipt.
pub const MAX_RECEIPT_LEN: u32 = 32;
/// The most vendors.
pub const MAX_VENDORS: u32 = 3;
/// How long a receipt is remembered, in blocks.
pub const RECEIPT_LIFETIME: BlockNumber = 1_000;

/// Vendors licensed at genesis by [`ExtBuilder::default`].
pub const VENDOR: AccountId = 100;
pub const VENDOR_2: AccountId = 101;
/// An account that is never a vendor.
pub const NOT_VENDOR: AccountId = 200;
/// Holders.
pub const ALICE: AccountId = 1;
pub const BOB: AccountId = 2;
pub const CHARLIE: AccountId = 3;
/// An account that does not exist at genesis.
pub const NEWCOMER: AccountId = 50;

/// The genesis allowance of [`VENDOR`] and [`VENDOR_2`].
pub const ALLOWANCE: Balance = 1_000;
/// The genesis period of [`VENDOR`] and [`VENDOR_2`].
pub const PERIOD: BlockNumber = 100;

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountId = AccountId;
	type Lookup = sp_runtime::traits::IdentityLookup<AccountId>;
	type AccountData = pallet_balances::AccountData<Balance>;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU64<ED>;
	type AccountStore = System;
	type DustRemoval = BurnAndRecord<Test>;
}

#[derive_impl(pallet_transaction_payment::config_preludes::TestDefaultConfig)]
impl pallet_transaction_payment::Config for Test {
	type OnChargeTransaction = FungibleAdapter<Balances, BurnAndRecord<Test>>;
	type WeightToFee = IdentityFee<Balance>;
	type LengthToFee = IdentityFee<Balance>;
}

parameter_types! {
	pub const MinPeriod: BlockNumber = MIN_PERIOD;
	pub const ReceiptLifetime: BlockNumber = RECEIPT_LIFETIME;
	/// The smallest issue: 1 unless a test sets it with [`ExtBuilder::min_issue`].
	pub static MinIssue: Balance = 1;
}

impl pallet_wattcoin::Config for Test {
	type Currency = Balances;
	type ManagerOrigin = frame_system::EnsureRoot<AccountId>;
	type MaxVendors = ConstU32<MAX_VENDORS>;
	type MaxReceiptLen = ConstU32<MAX_RECEIPT_LEN>;
	type MinPeriod = MinPeriod;
	type MinIssue = MinIssue;
	type ReceiptLifetime = ReceiptLifetime;
	type WeightInfo = ();
}

/// Builds test externalities; [`ExtBuilder::build_and_execute`] checks the pallet's invariants
/// after the test.
pub struct ExtBuilder {
	balances: Vec<(AccountId, Balance)>,
	vendors: Vec<(AccountId, Balance, BlockNumber)>,
	min_issue: Balance,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		Self {
			balances: vec![(ALICE, 1_000), (BOB, 500), (CHARLIE, 100)],
			vendors: vec![(VENDOR, ALLOWANCE, PERIOD), (VENDOR_2, ALLOWANCE, PERIOD)],
			min_issue: 1,
		}
	}
}

impl ExtBuilder {
	/// Genesis balances instead of the default ones.
	pub fn balances(mut self, balances: Vec<(AccountId, Balance)>) -> Self {
		self.balances = balances;
		self
	}

	/// Genesis vendors instead of the default ones.
	pub fn vendors(mut self, vendors: Vec<(AccountId, Balance, BlockNumber)>) -> Self {
		self.vendors = vendors;
		self
	}

	/// The smallest issue ([`Config::MinIssue`](crate::Config::MinIssue)) instead of 1.
	pub fn min_issue(mut self, min_issue: Balance) -> Self {
		self.min_issue = min_issue;
		self
	}

	/// The externalities at block 1, without the invariant check at the end.
	pub fn build(self) -> sp_io::TestExternalities {
		MinIssue::set(self.min_issue);
		let storage = RuntimeGenesisConfig {
			system: Default::default(),
			balances: pallet_balances::GenesisConfig {
				balances: self.balances,
				dev_accounts: None,
			},
			transaction_payment: Default::default(),
			wattcoin: pallet_wattcoin::GenesisConfig { vendors: self.vendors },
		}
		.build_storage()
		.expect("the test genesis is valid");
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| System::set_block_number(1));
		ext
	}

	/// Run `test`, then check the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		self.build().execute_with(|| {
			test();
			Wattcoin::do_try_state().expect("pallet-wattcoin invariants hold after the test");
		})
	}
}

/// The externalities the benchmarks run in.
#[cfg(feature = "runtime-benchmarks")]
pub fn new_test_ext() -> sp_io::TestExternalities {
	ExtBuilder::default().build()
}
