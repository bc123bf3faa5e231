//! Test runtime: frame-system, pallet-balances (12 decimals, ED 0.01 WATT like the chain),
//! a storage-backed meter registry standing in for pallet-meters, and a settable clock.

use crate::{
	self as pallet_prepaid,
	pricing::{days_from_civil, DAY_MS, HOUR_MS},
	types::*,
	Config, Liabilities, MeterAccounts, Revenue,
};
use alloc::collections::{btree_map::BTreeMap, btree_set::BTreeSet};
use frame_support::{
	derive_impl, parameter_types,
	traits::{fungible::Inspect, BuildGenesisConfig, ConstU128, ConstU32, Hooks, UnixTime},
	BoundedVec, PalletId,
};
use sp_runtime::{BuildStorage, Percent};
use wattcoin_primitives::{
	traits::{
		Consumption, MeterLifecycle, MeterRegistry, MeterStatus, MeterSummary, OnConsumption,
	},
	MeterId, Moment, WattHours,
};

type Block = frame_system::mocking::MockBlock<Test>;
pub type AccountId = u64;
pub type Balance = u128;

/// One WATT.
pub const UNIT: Balance = 1_000_000_000_000;
/// A thousandth of a WATT.
pub const MILLIWATT: Balance = UNIT / 1_000;
/// The existential deposit, 0.01 WATT as on the chain.
pub const ED: Balance = UNIT / 100;

/// Operators.
pub const OPERATOR: AccountId = 1;
pub const OPERATOR_2: AccountId = 2;
/// Households.
pub const OWNER: AccountId = 10;
pub const NEIGHBOUR: AccountId = 11;
pub const OWNER_2: AccountId = 12;
/// An account that holds nothing.
pub const NOBODY: AccountId = 99;
/// Meters: `METER` and `METER_2` of `OPERATOR`, `METER_3` of `OPERATOR_2`.
pub const METER: MeterId = 1001;
pub const METER_2: MeterId = 1002;
pub const METER_3: MeterId = 2001;
/// A meter nobody registered.
pub const UNKNOWN_METER: MeterId = 9999;

/// Monday 2026-01-05 00:00 UTC: the clock's start.
pub fn t0() -> Moment {
	days_from_civil(2026, 1, 5) as u64 * DAY_MS
}
/// `t0` plus hours.
pub fn at_hour(h: u64) -> Moment {
	t0() + h * HOUR_MS
}

frame_support::construct_runtime!(
	pub enum Test {
		System: frame_system,
		Balances: pallet_balances,
		Prepaid: pallet_prepaid,
	}
);

#[derive_impl(frame_system::config_preludes::TestDefaultConfig)]
impl frame_system::Config for Test {
	type Block = Block;
	type AccountData = pallet_balances::AccountData<Balance>;
	// Real database weights, so that tests can tell a write charged from one not charged.
	type DbWeight = frame_support::weights::constants::RocksDbWeight;
}

#[derive_impl(pallet_balances::config_preludes::TestDefaultConfig)]
impl pallet_balances::Config for Test {
	type Balance = Balance;
	type ExistentialDeposit = ConstU128<ED>;
	type AccountStore = System;
}

parameter_types! {
	pub storage Now: Moment = 0;
	pub storage Operators: BTreeSet<AccountId> = BTreeSet::new();
	pub storage Meters: BTreeMap<MeterId, MeterSummary<AccountId>> = BTreeMap::new();
	pub const PrepaidPalletId: PalletId = PalletId(*b"wt/prepd");
	pub const NoticePeriod: Moment = 7 * DAY_MS;
	pub const MaxDisconnectionLag: Moment = HOUR_MS;
	pub const MaxRecoveryShare: Percent = Percent::from_percent(25);
}

/// The clock: `Now` in ms.
pub struct MockTime;
impl UnixTime for MockTime {
	fn now() -> core::time::Duration {
		core::time::Duration::from_millis(Now::get())
	}
}

/// Sets the clock.
pub fn set_now(ms: Moment) {
	Now::set(&ms);
}

/// The meter registry pallet-meters provides in the runtime.
pub struct MockMeters;
impl MeterRegistry<AccountId> for MockMeters {
	fn is_operator(who: &AccountId) -> bool {
		Operators::get().contains(who)
	}
	fn meter(meter: MeterId) -> Option<MeterSummary<AccountId>> {
		Meters::get().get(&meter).cloned()
	}
}

pub fn add_operator(who: AccountId) {
	let mut ops = Operators::get();
	ops.insert(who);
	Operators::set(&ops);
}
pub fn remove_operator(who: AccountId) {
	let mut ops = Operators::get();
	ops.remove(&who);
	Operators::set(&ops);
}
pub fn register_meter(meter: MeterId, operator: AccountId, owner: AccountId) {
	let mut meters = Meters::get();
	meters.insert(meter, MeterSummary { operator, owner, status: MeterStatus::Active });
	Meters::set(&meters);
}
/// Makes `owner` the owner of a registered meter, as pallet-meters' `set_owner` does after
/// `on_owner_change`.
pub fn set_owner(meter: MeterId, owner: AccountId) {
	let mut meters = Meters::get();
	if let Some(m) = meters.get_mut(&meter) {
		m.owner = owner;
	}
	Meters::set(&meters);
}
/// Makes `operator` the operator of a registered meter, as pallet-meters'
/// `force_transfer_meter` does.
pub fn set_operator(meter: MeterId, operator: AccountId) {
	let mut meters = Meters::get();
	if let Some(m) = meters.get_mut(&meter) {
		m.operator = operator;
	}
	Meters::set(&meters);
}
pub fn unregister_meter(meter: MeterId) {
	let mut meters = Meters::get();
	meters.remove(&meter);
	Meters::set(&meters);
}

#[cfg(feature = "runtime-benchmarks")]
impl crate::BenchmarkHelper<AccountId> for MockMeters {
	fn register_operator(who: &AccountId) {
		add_operator(*who);
	}
	fn register_meter(meter: MeterId, operator: &AccountId, owner: &AccountId) {
		register_meter(meter, *operator, *owner);
	}
	fn set_time(ms: Moment) {
		set_now(ms);
	}
}

impl Config for Test {
	type Currency = Balances;
	type Meters = MockMeters;
	type UnixTime = MockTime;
	type PalletId = PrepaidPalletId;
	type NoticePeriod = NoticePeriod;
	type MaxDisconnectionLag = MaxDisconnectionLag;
	type MaxRecoveryShare = MaxRecoveryShare;
	type MaxBands = ConstU32<6>;
	type MaxTiers = ConstU32<4>;
	type MaxTariffVersions = ConstU32<4>;
	type MaxTariffsPerOperator = ConstU32<3>;
	type WeightInfo = ();
	#[cfg(feature = "runtime-benchmarks")]
	type BenchmarkHelper = MockMeters;
}

pub type Params = crate::TariffParamsOf<Test>;

/// A flat tariff: `price` per kWh, nothing else.
pub fn flat(price: Balance) -> Params {
	Params {
		price_per_kwh: price,
		standing_charge_per_day: 0,
		utc_offset_minutes: 0,
		bands: BoundedVec::new(),
		tiers: BoundedVec::new(),
		low_credit_threshold: 0,
		emergency_credit: 0,
		friendly_hours: FriendlyHours::default(),
	}
}

/// Time-of-use bands `(start_hour, end_hour, price)`.
pub fn bands(list: &[(u8, u8, Balance)]) -> BoundedVec<Band<Balance>, ConstU32<6>> {
	list.iter()
		.map(|&(start_hour, end_hour, price_per_kwh)| Band { start_hour, end_hour, price_per_kwh })
		.collect::<alloc::vec::Vec<_>>()
		.try_into()
		.expect("at most MaxBands")
}

/// Inclining-block tiers `(from_wh, adder)`.
pub fn tiers(list: &[(WattHours, Balance)]) -> BoundedVec<Tier<Balance>, ConstU32<4>> {
	list.iter()
		.map(|&(from_wh, adder_per_kwh)| Tier { from_wh, adder_per_kwh })
		.collect::<alloc::vec::Vec<_>>()
		.try_into()
		.expect("at most MaxTiers")
}

/// Friendly hours `[start, end)` of every day (wrapping midnight if `start > end`).
pub fn friendly(start: u8, end: u8, weekdays: u8) -> FriendlyHours {
	FriendlyHours { hours: crate::pricing::band_mask(start, end).unwrap_or(0), weekdays }
}

/// The energy of one reading, reported as pallet-meters would when the reading is relayed
/// at once: the chain's clock is moved to the reading's end if it is behind.
pub fn consume(meter: MeterId, from_ms: Moment, to_ms: Moment, energy_wh: WattHours) {
	if Now::get() < to_ms {
		set_now(to_ms);
	}
	consume_at_chain_time(meter, from_ms, to_ms, energy_wh);
}

/// The energy of one reading, reported at the chain's time as it is: a backlog, or a reading
/// of a meter whose clock runs ahead.
pub fn consume_at_chain_time(meter: MeterId, from_ms: Moment, to_ms: Moment, energy_wh: WattHours) {
	// pallet-meters pays the operator managing the meter, which it knows.
	let operator = MockMeters::meter(meter).map_or(OPERATOR, |m| m.operator);
	let weight = Prepaid::on_consumption(
		&Consumption { meter, from_ms, to_ms, energy_wh },
		&operator,
		&mut Default::default(),
	);
	assert!(weight.all_lte(<Prepaid as OnConsumption<AccountId>>::max_weight()));
}

pub fn account(meter: MeterId) -> MeterAccount<Balance> {
	MeterAccounts::<Test>::get(meter).expect("meter has an account")
}
pub fn credit(meter: MeterId) -> Balance {
	account(meter).credit
}
pub fn revenue(operator: AccountId) -> Balance {
	Revenue::<Test>::get(operator)
}
pub fn pot_balance() -> Balance {
	Balances::balance(&Prepaid::pot())
}
pub fn free(who: AccountId) -> Balance {
	Balances::balance(&who)
}

/// The events of this pallet so far.
pub fn prepaid_events() -> alloc::vec::Vec<crate::Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|r| match r.event {
			RuntimeEvent::Prepaid(e) => Some(e),
			_ => None,
		})
		.collect()
}

/// The pot holds exactly the credit, revenue and unclaimed refunds plus its existential
/// deposit.
pub fn assert_pot_exact() {
	let credit: Balance = MeterAccounts::<Test>::iter().map(|(_, a)| a.credit).sum();
	let revenue: Balance = Revenue::<Test>::iter().map(|(_, r)| r).sum();
	let unclaimed: Balance = crate::UnclaimedRefunds::<Test>::iter().map(|(_, u)| u).sum();
	assert_eq!(Liabilities::<Test>::get(), credit + revenue + unclaimed);
	assert_eq!(pot_balance(), credit + revenue + unclaimed + ED, "pot == liabilities + ED");
}

/// Genesis of the test chain.
pub struct ExtBuilder {
	endow_pot: bool,
	tariffs: alloc::vec::Vec<(AccountId, Params)>,
	meters: alloc::vec::Vec<(MeterId, Option<TariffId>, Balance)>,
}

impl Default for ExtBuilder {
	fn default() -> Self {
		ExtBuilder { endow_pot: true, tariffs: alloc::vec![], meters: alloc::vec![] }
	}
}

impl ExtBuilder {
	/// No genesis config for the pallet at all: the pot is not endowed.
	pub fn without_pallet_genesis(mut self) -> Self {
		self.endow_pot = false;
		self
	}
	pub fn tariff(mut self, operator: AccountId, params: Params) -> Self {
		self.tariffs.push((operator, params));
		self
	}
	pub fn meter(mut self, meter: MeterId, tariff: Option<TariffId>, credit: Balance) -> Self {
		self.meters.push((meter, tariff, credit));
		self
	}

	pub fn build(self) -> sp_io::TestExternalities {
		let mut storage = frame_system::GenesisConfig::<Test>::default().build_storage().unwrap();
		pallet_balances::GenesisConfig::<Test> {
			balances: alloc::vec![
				(OPERATOR, 10 * UNIT),
				(OPERATOR_2, 10 * UNIT),
				(OWNER, 1_000 * UNIT),
				(NEIGHBOUR, 1_000 * UNIT),
				(OWNER_2, 1_000 * UNIT),
			],
			..Default::default()
		}
		.assimilate_storage(&mut storage)
		.unwrap();
		let mut ext = sp_io::TestExternalities::new(storage);
		ext.execute_with(|| {
			// pallet-meters' genesis builds before this pallet's in the runtime.
			add_operator(OPERATOR);
			add_operator(OPERATOR_2);
			register_meter(METER, OPERATOR, OWNER);
			register_meter(METER_2, OPERATOR, OWNER_2);
			register_meter(METER_3, OPERATOR_2, OWNER);
			// pallet-meters tells this pallet of the meters it registers, at genesis too.
			for meter in [METER, METER_2, METER_3] {
				<Prepaid as MeterLifecycle<AccountId>>::on_registered(meter, &OWNER);
			}
			if self.endow_pot {
				pallet_prepaid::GenesisConfig::<Test> {
					tariffs: self.tariffs,
					meters: self.meters,
				}
				.build();
			}
			set_now(t0());
			System::set_block_number(1);
		});
		ext
	}

	/// Runs `test`, then checks the pallet's invariants.
	pub fn build_and_execute(self, test: impl FnOnce()) {
		let endowed = self.endow_pot;
		self.build().execute_with(|| {
			test();
			Prepaid::do_try_state().expect("try_state holds after the test");
			if endowed {
				assert_pot_exact();
			}
		});
	}
}

/// Default externalities (used by the benchmark test suite).
pub fn new_test_ext() -> sp_io::TestExternalities {
	ExtBuilder::default().build()
}

/// `integrity_test` of the test configuration.
pub fn integrity() {
	<Prepaid as Hooks<u64>>::integrity_test();
}
