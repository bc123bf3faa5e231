//! # pallet-prepaid
//!
//! Prepaid electricity: tariffs, each meter's prepaid credit, the per-kWh debit of every
//! verified reading, and the consumer-protection rules that decide each meter's supply state.
//! The rules are specified in `docs/tariffs.md`; the path from meter to bill is drawn in
//! `docs/architecture.md`.
//!
//! ## The story
//!
//! 1. An operator (licensed by pallet-meters) creates a **tariff** with
//!    [`create_tariff`](Pallet::create_tariff): a base price per kWh, time-of-use bands,
//!    inclining blocks, a daily standing charge, a low-credit threshold, an emergency credit
//!    allowance and friendly hours. Tariffs are stored in [`Tariffs`], each with its versions.
//! 2. Changes are announced with [`schedule_tariff_change`](Pallet::schedule_tariff_change) at
//!    least [`Config::NoticePeriod`] ahead, and can be withdrawn with
//!    [`cancel_tariff_change`](Pallet::cancel_tariff_change) only while they are still that
//!    far away: the terms in force at any time are fixed a notice period before it.
//! 3. The operator bills a meter at a tariff with [`assign_tariff`](Pallet::assign_tariff): at
//!    once for a new meter, after the notice period for a switch (which is then final).
//! 4. Anyone (the household, a neighbour, a charity) pays WATT into a meter's credit with
//!    [`top_up`](Pallet::top_up). Credit lives in the pot account ([`Pallet::pot`]); each
//!    meter's billing state is in [`MeterAccounts`].
//! 5. pallet-meters reports the energy of every accepted reading through [`OnConsumption`]:
//!    it is priced at the terms in force over the reading's interval (pure functions of
//!    [`pricing`]), taken from credit and credited to the [`Revenue`] of the operator managing
//!    the meter (pallet-meters names it), which withdraws it with
//!    [`withdraw_revenue`](Pallet::withdraw_revenue). The readings of one batch are billed
//!    with one [`BillingBatch`], so that the tariff and the revenue they share are paid for
//!    once a batch.
//! 6. After every reading and every payment the meter's **supply state** follows its credit:
//!    `Connected`, `LowCredit`, `Emergency` (on emergency credit the owner took with
//!    [`take_emergency_credit`](Pallet::take_emergency_credit)) or `Disconnected`, each change
//!    an [`Event::SupplyChanged`]. No disconnection is ordered at a chain time inside the
//!    tariff's friendly hours, nor on a reading older than [`Config::MaxDisconnectionLag`].
//! 7. When the household leaves (pallet-meters' `set_owner`) or the meter is decommissioned,
//!    [`MeterLifecycle`] settles its account and refunds its unused credit (what its account
//!    cannot receive yet is kept in [`UnclaimedRefunds`] for it to
//!    [`claim_refund`](Pallet::claim_refund)); the next household starts clean.
//!
//! ## Examples
//!
//! A flat tariff, a top-up and a reading: the carried remainder means rounding neither
//! creates nor loses value (example 1 of `docs/tariffs.md`).
#![doc = docify::embed!("src/tests/doc_examples.rs", example_1_flat_price_and_carried_remainder)]
//!
//! A household's top-up repays at most a quarter of emergency credit and debt (example 8).
#![doc = docify::embed!("src/tests/doc_examples.rs", example_8_top_up_split)]
//!
//! The notice rule: a change inside the notice period cannot be cancelled.
#![doc = docify::embed!("src/tests/notice.rs", a_change_cannot_be_cancelled_inside_the_notice_period)]
//!
//! ## Where things are
//!
//! | file | concern |
//! | --- | --- |
//! | `lib.rs` | the pallet's declarations: config, storage, events, errors, calls |
//! | `tariffs.rs` | tariffs, their versions and assignment; which terms price a time |
//! | `billing.rs` | pricing and debiting one reading's interval |
//! | `credit.rs` | top-ups, emergency credit, revenue, the pot |
//! | `supply.rs` | the supply state and the protection rules |
//! | `settlement.rs` | settling an account on a change of tenancy or decommissioning |
//! | `status.rs` | the `PrepaidApi` runtime API's meter status |
//! | `impl_meter_hooks.rs` | `OnConsumption` and `MeterLifecycle`, called by pallet-meters |
//! | `genesis.rs`, `invariants.rs` | the genesis build; `try_state` |
//! | `pricing.rs`, `types.rs` | pure pricing functions; stored types |
//!
//! ## Invariants (checked by `try_state`, and after every unit test)
//! - [`Liabilities`] is the sum of all meters' credit, all operators' revenue and all
//!   [`UnclaimedRefunds`] (a reading moves credit to revenue inside the pot, so the
//!   per-reading path does not write it);
//! - the pot's balance is at least `Liabilities + ED` (exactly that unless someone transferred WATT
//!   to the pot account directly);
//! - no meter with credit is `Emergency` or `Disconnected`; emergency credit used never
//!   exceeds the grant; a meter without a tariff owes nothing;
//! - every tariff's versions are valid and sorted, its `meters` count matches the meters
//!   assigned or switching to it, operators' tariff counts match.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;

pub mod pricing;
pub mod types;
pub mod weights;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod billing;
mod credit;
mod genesis;
mod impl_meter_hooks;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
pub mod migrations;
#[cfg(test)]
mod mock;
mod settlement;
mod status;
mod supply;
mod tariffs;
#[cfg(test)]
mod tests;

pub use billing::BillingBatch;
pub use weights::WeightInfo;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::prepaid";

/// What benchmarks need from the runtime: an operator and a registered meter, which
/// pallet-meters (not this pallet) owns.
#[cfg(feature = "runtime-benchmarks")]
pub trait BenchmarkHelper<AccountId> {
	/// Make `who` a licensed operator.
	fn register_operator(who: &AccountId);
	/// Register `meter`, managed by `operator` and owned by `owner`.
	fn register_meter(meter: wattcoin_primitives::MeterId, operator: &AccountId, owner: &AccountId);
	/// Set the time `UnixTime::now` returns (pallet-timestamp's `Now`), in ms.
	fn set_time(ms: wattcoin_primitives::Moment);
}

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use crate::{pricing::InvalidTariff, types::*};
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate},
			BuildGenesisConfig, UnixTime,
		},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{AccountIdConversion, SaturatedConversion, StaticLookup},
		Percent,
	};
	use wattcoin_primitives::{traits::MeterRegistry, MeterId, Moment};

	/// The balance type of [`Config::Currency`].
	pub type BalanceOf<T> =
		<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;
	/// Tariff terms as stored.
	pub type TariffParamsOf<T> =
		TariffParams<BalanceOf<T>, <T as Config>::MaxBands, <T as Config>::MaxTiers>;
	/// A tariff version as stored.
	pub type TariffVersionOf<T> =
		TariffVersion<BalanceOf<T>, <T as Config>::MaxBands, <T as Config>::MaxTiers>;
	/// A tariff as stored.
	pub type TariffOf<T> = Tariff<
		<T as frame_system::Config>::AccountId,
		BalanceOf<T>,
		<T as Config>::MaxBands,
		<T as Config>::MaxTiers,
		<T as Config>::MaxTariffVersions,
	>;
	/// A meter's billing state as stored.
	pub type MeterAccountOf<T> = MeterAccount<BalanceOf<T>>;
	type AccountIdLookupOf<T> = <<T as frame_system::Config>::Lookup as StaticLookup>::Source;

	/// The in-code storage version.
	///
	/// 1: [`SupplyOrders`] holds the supply state of every meter not `Connected`
	/// ([`crate::migrations::v1`]).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The currency (WATT) credit is paid in.
		type Currency: Mutate<Self::AccountId>;

		/// The meter registry (pallet-meters): operators, meters' operator and owner.
		type Meters: MeterRegistry<Self::AccountId>;

		/// Wall-clock time of the current block (pallet-timestamp).
		type UnixTime: UnixTime;

		/// Derives the pot account holding credit and undrawn revenue.
		#[pallet::constant]
		type PalletId: Get<PalletId>;

		/// Minimum notice (ms) for a tariff change or a switch of tariff: the terms a meter is
		/// billed at, at a time `t`, are fixed from `t - NoticePeriod` on.
		#[pallet::constant]
		type NoticePeriod: Get<Moment>;

		/// Most age (ms) of a reading that may order a disconnection: a reading that ended
		/// longer before the block's time (a backlog, a meter clock running behind) can lower
		/// the supply state to `LowCredit` but never disconnect.
		#[pallet::constant]
		type MaxDisconnectionLag: Get<Moment>;

		/// Largest share of a top-up that repays emergency credit and debt.
		#[pallet::constant]
		type MaxRecoveryShare: Get<Percent>;

		/// Most time-of-use bands of a tariff version (at most 24).
		#[pallet::constant]
		type MaxBands: Get<u32>;

		/// Most inclining blocks of a tariff version.
		#[pallet::constant]
		type MaxTiers: Get<u32>;

		/// Most versions a tariff has in its life: its first terms and every change. Versions
		/// are never dropped, so that a late reading is always priced at its own time's terms.
		#[pallet::constant]
		type MaxTariffVersions: Get<u32>;

		/// Most tariffs one operator may own.
		#[pallet::constant]
		type MaxTariffsPerOperator: Get<u32>;

		/// Weights of this pallet's calls and hooks.
		type WeightInfo: WeightInfo;

		/// Creates operators and meters for benchmarks.
		#[cfg(feature = "runtime-benchmarks")]
		type BenchmarkHelper: crate::BenchmarkHelper<Self::AccountId>;
	}

	/// The id the next tariff gets.
	#[pallet::storage]
	pub type NextTariffId<T> = StorageValue<_, TariffId, ValueQuery>;

	/// Tariffs by id.
	#[pallet::storage]
	pub type Tariffs<T: Config> = StorageMap<_, Twox64Concat, TariffId, TariffOf<T>, OptionQuery>;

	/// Number of tariffs each operator owns.
	#[pallet::storage]
	pub type OperatorTariffs<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, u32, ValueQuery>;

	/// Billing state of each meter.
	#[pallet::storage]
	pub type MeterAccounts<T: Config> =
		StorageMap<_, Blake2_128Concat, MeterId, MeterAccountOf<T>, OptionQuery>;

	/// The supply state the chain orders each meter's switch to, for the meters themselves:
	/// present exactly while the meter's supply is not `Connected` (a copy of
	/// `MeterAccounts::supply`, written only when it changes).
	///
	/// Meters verify their supply command against this entry: a storage proof of its key
	/// (present: this state; absent: `Connected`) under a finalized block's state root. Its key
	/// and one-byte value stay fixed whatever else a meter's account holds
	/// (`docs/protocol.md`, "Supply commands").
	#[pallet::storage]
	pub type SupplyOrders<T: Config> =
		StorageMap<_, Blake2_128Concat, MeterId, SupplyState, OptionQuery>;

	/// Revenue of each operator held in the pot, not yet withdrawn.
	#[pallet::storage]
	pub type Revenue<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BalanceOf<T>, ValueQuery>;

	/// Refunds owed to households that left a meter while their account could not receive
	/// them (below the existential deposit), held in the pot until the household claims them
	/// with `claim_refund`. An entry is only made by settling a meter with credit; no zero
	/// entries.
	#[pallet::storage]
	pub type UnclaimedRefunds<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BalanceOf<T>, ValueQuery>;

	/// What the pot holds besides its existential deposit: the sum of all meters' credit, all
	/// operators' revenue and all unclaimed refunds. A reading moves credit to revenue without
	/// changing it.
	#[pallet::storage]
	pub type Liabilities<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Tariffs `(operator, terms)`, in force from time 0, given ids 0, 1, ... in order.
		/// Each operator must be an operator of pallet-meters' genesis.
		pub tariffs: Vec<(T::AccountId, TariffParamsOf<T>)>,
		/// Meters `(meter, tariff, initial credit)`: each meter must be registered by
		/// pallet-meters' genesis (built before this one) and the tariff be its operator's.
		/// The credit is minted into the pot; standing charges start at the first reading.
		pub meters: Vec<(MeterId, Option<TariffId>, BalanceOf<T>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			Pallet::<T>::build_genesis(self)
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An operator created a tariff, in force from `effective_from`.
		TariffCreated { tariff: TariffId, operator: T::AccountId, effective_from: Moment },
		/// A new version of a tariff will take effect at `effective_from`.
		TariffChangeScheduled { tariff: TariffId, effective_from: Moment },
		/// A scheduled tariff version was withdrawn before taking effect.
		TariffChangeCancelled { tariff: TariffId, effective_from: Moment },
		/// A tariff without meters was removed.
		TariffRetired { tariff: TariffId },
		/// A meter is billed at `tariff` from `effective_from` (now for a meter without a
		/// tariff, after the notice period for a switch).
		TariffAssigned { meter: MeterId, tariff: TariffId, effective_from: Moment },
		/// The pot account was endowed with its existential deposit by `payer`.
		PotEndowed { payer: T::AccountId, amount: BalanceOf<T> },
		/// `payer` topped up a meter with `amount`: `to_credit + to_emergency + to_debt`.
		ToppedUp {
			meter: MeterId,
			payer: T::AccountId,
			amount: BalanceOf<T>,
			to_credit: BalanceOf<T>,
			to_emergency: BalanceOf<T>,
			to_debt: BalanceOf<T>,
		},
		/// The owner took `amount` of emergency credit, repaid from the next top-ups.
		EmergencyCreditTaken { meter: MeterId, amount: BalanceOf<T> },
		/// The meter's supply state is ordered from `from` to `to`.
		SupplyChanged { meter: MeterId, from: SupplyState, to: SupplyState },
		/// An operator withdrew revenue from the pot.
		RevenueWithdrawn { operator: T::AccountId, dest: T::AccountId, amount: BalanceOf<T> },
		/// A decommissioned meter's account was settled and closed: `refunded` to the owner,
		/// `paid` to the operator managing the meter (standing charges, debt and emergency
		/// credit recovered from credit), `unclaimed`: a refund the owner's account could not
		/// receive (below the existential deposit), kept for the owner to claim with
		/// `claim_refund`, `written_off` debt that credit did not cover.
		MeterClosed {
			meter: MeterId,
			owner: T::AccountId,
			refunded: BalanceOf<T>,
			paid: BalanceOf<T>,
			unclaimed: BalanceOf<T>,
			written_off: BalanceOf<T>,
		},
		/// The meter changed owner: the leaving `owner`'s account was settled like a closed
		/// one (`refunded`, `paid`, `unclaimed`, `written_off` as in `MeterClosed`), and the
		/// meter goes on at its tariff for the next household, with nothing owed or inherited.
		TenancyEnded {
			meter: MeterId,
			owner: T::AccountId,
			refunded: BalanceOf<T>,
			paid: BalanceOf<T>,
			unclaimed: BalanceOf<T>,
			written_off: BalanceOf<T>,
		},
		/// A household claimed the refunds it was owed (see `MeterClosed`).
		RefundClaimed { owner: T::AccountId, amount: BalanceOf<T> },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The caller is not a licensed operator.
		NotOperator,
		/// No tariff with this id.
		UnknownTariff,
		/// The caller does not own the tariff.
		NotTariffOwner,
		/// The meter is not registered.
		UnknownMeter,
		/// The caller is not the meter's operator.
		NotMeterOperator,
		/// The caller is not the meter's owner.
		NotMeterOwner,
		/// A price, adder or standing charge is above the limit (2^60).
		PriceTooHigh,
		/// The UTC offset is outside -720..=840 minutes or not a multiple of 15.
		InvalidUtcOffset,
		/// A band's hours are outside 0..=24 or it is empty.
		InvalidBand,
		/// Two bands cover the same hour.
		OverlappingBands,
		/// Tier thresholds are not strictly increasing, or an adder is below the previous one.
		TiersNotIncreasing,
		/// Friendly hours name an hour above 23 or a weekday above 6.
		InvalidFriendlyHours,
		/// The operator owns `MaxTariffsPerOperator` tariffs.
		TooManyTariffs,
		/// The tariff already holds `MaxTariffVersions` versions still needed.
		TooManyTariffVersions,
		/// The change would take effect before now plus the notice period.
		NoticeTooShort,
		/// A version of the tariff already takes effect at that time.
		DuplicateChange,
		/// No scheduled version takes effect at that time.
		UnknownChange,
		/// The version is already in force.
		ChangeInForce,
		/// Meters are assigned (or switching) to the tariff.
		TariffInUse,
		/// The meter is already billed at (or switching to) that tariff.
		AlreadyAssigned,
		/// An amount of zero.
		ZeroAmount,
		/// The meter has no tariff.
		NoTariff,
		/// The tariff grants no emergency credit.
		NoEmergencyCredit,
		/// Emergency credit was taken and is not yet repaid.
		EmergencyCreditAlreadyTaken,
		/// Credit is not below the low-credit threshold.
		CreditNotLow,
		/// The operator's revenue is less than the amount.
		InsufficientRevenue,
		/// The change takes effect within the notice period: the terms up to then are fixed.
		InsideNoticePeriod,
		/// The meter has a switch of tariff scheduled, or due and not yet billed: its terms are
		/// fixed until the switch is billed.
		SwitchPending,
		/// Revenue cannot be withdrawn into the pot, which holds it already.
		DestinationIsPot,
		/// The account is owed no refund.
		NothingToClaim,
	}

	impl<T> From<InvalidTariff> for Error<T> {
		fn from(e: InvalidTariff) -> Self {
			match e {
				InvalidTariff::PriceTooHigh => Error::PriceTooHigh,
				InvalidTariff::UtcOffset => Error::InvalidUtcOffset,
				InvalidTariff::BandHours => Error::InvalidBand,
				InvalidTariff::BandsOverlap => Error::OverlappingBands,
				InvalidTariff::TiersNotIncreasing => Error::TiersNotIncreasing,
				InvalidTariff::FriendlyHours => Error::InvalidFriendlyHours,
			}
		}
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(
				(1..=24).contains(&T::MaxBands::get()),
				"MaxBands must be 1..=24: a band covers at least one hour"
			);
			assert!(T::MaxTiers::get() >= 1, "MaxTiers must be at least 1");
			assert!(
				T::MaxTariffVersions::get() >= 2,
				"MaxTariffVersions must keep the version in force and a scheduled one"
			);
			assert!(T::MaxTariffsPerOperator::get() >= 1, "MaxTariffsPerOperator must be >= 1");
			assert!(
				T::MaxRecoveryShare::get() < Percent::from_percent(100),
				"MaxRecoveryShare must leave part of every top-up as credit"
			);
			assert!(
				T::NoticePeriod::get() <= 366 * pricing::DAY_MS,
				"NoticePeriod above a year is surely a unit mistake (it is in ms)"
			);
			let pot: T::AccountId = T::PalletId::get().into_account_truncating();
			let other: T::AccountId = PalletId(*b"py/other").into_account_truncating();
			assert!(pot != other, "the pot account must be derived from PalletId");
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// Create a tariff, in force from now.
		///
		/// Origin: a licensed operator, who owns the tariff and is paid for energy billed at
		/// it. Errors: `NotOperator`, `TooManyTariffs`, and the terms' errors (`PriceTooHigh`,
		/// `InvalidUtcOffset`, `InvalidBand`, `OverlappingBands`, `TiersNotIncreasing`,
		/// `InvalidFriendlyHours`). Event: `TariffCreated`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::create_tariff())]
		pub fn create_tariff(origin: OriginFor<T>, params: TariffParamsOf<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_create_tariff(who, params)
		}

		/// Announce new terms for a tariff from `effective_from` on.
		///
		/// Origin: the tariff's owner, still a licensed operator. `effective_from` must be at
		/// least `NoticePeriod` after now; readings before it stay priced at the earlier
		/// terms, however late they arrive: versions are never dropped, so a tariff takes at
		/// most `MaxTariffVersions - 1` changes (then the operator creates a new tariff and
		/// switches its meters to it). Errors: `NotOperator`, `UnknownTariff`, `NotTariffOwner`, `NoticeTooShort`,
		/// `DuplicateChange`, `TooManyTariffVersions`, the terms' errors.
		/// Event: `TariffChangeScheduled`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::schedule_tariff_change())]
		pub fn schedule_tariff_change(
			origin: OriginFor<T>,
			tariff: TariffId,
			effective_from: Moment,
			params: TariffParamsOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_schedule_tariff_change(who, tariff, effective_from, params)
		}

		/// Withdraw a scheduled tariff version while it is still at least `NoticePeriod` away.
		///
		/// Origin: the tariff's owner. Meters stay at the version in force before it. A change
		/// nearer than the notice period cannot be withdrawn: the terms households were told
		/// about for the coming `NoticePeriod` are fixed (a one-hour spike whose revert is
		/// cancelled would otherwise become a permanent rise with an hour's notice).
		/// Errors: `UnknownTariff`, `NotTariffOwner`, `ChangeInForce` (it took effect),
		/// `InsideNoticePeriod`, `UnknownChange`. Event: `TariffChangeCancelled`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::cancel_tariff_change())]
		pub fn cancel_tariff_change(
			origin: OriginFor<T>,
			tariff: TariffId,
			effective_from: Moment,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_cancel_tariff_change(who, tariff, effective_from)
		}

		/// Remove a tariff no meter is assigned or switching to.
		///
		/// Origin: the tariff's owner. Errors: `UnknownTariff`, `NotTariffOwner`,
		/// `TariffInUse`. Event: `TariffRetired`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::retire_tariff())]
		pub fn retire_tariff(origin: OriginFor<T>, tariff: TariffId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_retire_tariff(who, tariff)
		}

		/// Bill a meter at one of the operator's tariffs.
		///
		/// Origin: the meter's operator, owning the tariff. A meter without a tariff is
		/// billed at it from now (standing charges start now). A meter with a tariff switches
		/// after `NoticePeriod`. A scheduled switch is final: it can be neither cancelled nor
		/// replaced, and the next switch can be scheduled once a reading has billed across it.
		/// Errors: `NotOperator`, `UnknownMeter`, `NotMeterOperator`, `UnknownTariff`,
		/// `NotTariffOwner`, `AlreadyAssigned`, `SwitchPending`. Events: `TariffAssigned`,
		/// `SupplyChanged` if the supply state changes (a meter without credit is disconnected
		/// when first assigned, outside friendly hours).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::assign_tariff())]
		pub fn assign_tariff(
			origin: OriginFor<T>,
			meter: MeterId,
			tariff: TariffId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_assign_tariff(who, meter, tariff)
		}

		/// Pay `amount` into a meter's prepaid credit.
		///
		/// Origin: any signed account (the household, a neighbour, a charity); it keeps its
		/// own account alive. At most `MaxRecoveryShare` of `amount` repays the emergency
		/// credit used, then the debt; the rest is credit. A meter with credit again is
		/// reconnected. If the pot was never endowed, the payer also pays its existential
		/// deposit (`PotEndowed`). Errors: `ZeroAmount`, `UnknownMeter`, the currency's
		/// (insufficient funds), `Overflow`. Events: `ToppedUp`, `SupplyChanged`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::top_up())]
		pub fn top_up(
			origin: OriginFor<T>,
			meter: MeterId,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let payer = ensure_signed(origin)?;
			Self::do_top_up(payer, meter, amount)
		}

		/// Take the tariff's emergency credit: supply continues on it once credit runs out,
		/// and it is repaid from the next top-ups (before debt).
		///
		/// Origin: the meter's owner. Only when credit is below the low-credit threshold (or
		/// zero), once per cycle: not again before what was used is fully repaid (a top-up
		/// ends the unused part of a grant). A disconnected meter is reconnected (`Emergency`). Errors: `UnknownMeter`,
		/// `NotMeterOwner`, `NoTariff`, `NoEmergencyCredit`, `EmergencyCreditAlreadyTaken`,
		/// `CreditNotLow`. Events: `EmergencyCreditTaken`, `SupplyChanged`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::take_emergency_credit())]
		pub fn take_emergency_credit(origin: OriginFor<T>, meter: MeterId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_take_emergency_credit(who, meter)
		}

		/// Pay out revenue held in the pot.
		///
		/// Origin: an account with revenue (an operator, licensed or no longer). `dest` is the
		/// operator's revenue account (itself or any other, not the pot). Errors: `ZeroAmount`,
		/// `DestinationIsPot`, `InsufficientRevenue`, the currency's (e.g. `dest` would stay
		/// below the existential deposit). Event: `RevenueWithdrawn`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::withdraw_revenue())]
		pub fn withdraw_revenue(
			origin: OriginFor<T>,
			dest: AccountIdLookupOf<T>,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let dest = T::Lookup::lookup(dest)?;
			Self::do_withdraw_revenue(who, dest, amount)
		}

		/// Claim the refunds owed to the caller: credit left when it stopped being a meter's
		/// owner that its account could not receive then (below the existential deposit).
		/// All of it is paid at once.
		///
		/// Origin: signed by the household owed it. Errors: `NothingToClaim`, the currency's
		/// (e.g. `BelowMinimum` while the caller's account with the refund would stay below
		/// the existential deposit: it can claim once it holds funds). Event: `RefundClaimed`.
		#[pallet::call_index(8)]
		#[pallet::weight(T::WeightInfo::claim_refund())]
		pub fn claim_refund(origin: OriginFor<T>) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_claim_refund(who)
		}
	}

	impl<T: Config> Pallet<T> {
		/// Now, in ms since the Unix epoch.
		pub(crate) fn now() -> Moment {
			T::UnixTime::now().as_millis().saturated_into()
		}
	}
}
