//! # pallet-prepaid
//!
//! Tariffs, prepaid credit per meter, per-kWh debit and the consumer-protection rules that
//! drive each meter's relay.
//!
//! - **Tariffs** belong to an operator (a licensed operator of pallet-meters): a base price
//!   per kWh, time-of-use bands, inclining blocks over the calendar month, a daily standing
//!   charge, a low-credit threshold, an emergency credit allowance and friendly hours, all
//!   in the tariff's local time. A change is scheduled at least [`Config::NoticePeriod`]
//!   ahead and readings are priced at the version in force at their own time. Pricing is
//!   specified in `docs/tariffs.md` and implemented by the pure functions of [`pricing`].
//! - **Credit** is held in the pallet's pot account ([`Pallet::pot`]), which also holds
//!   operators' revenue not yet withdrawn and its own existential deposit. Anyone can
//!   [`top_up`](Pallet::top_up) a meter; at most [`Config::MaxRecoveryShare`] of each top-up
//!   repays used emergency credit, then debt.
//! - **Debit**: pallet-meters reports each accepted reading's energy through
//!   [`OnConsumption`]; the pallet prices it, debits the credit and credits the tariff
//!   operator's revenue (withdrawn with [`withdraw_revenue`](Pallet::withdraw_revenue)).
//! - **Relay**: `Connected -> LowCredit -> Emergency -> Disconnected` and back, each change
//!   an event ([`Event::RelayChanged`]); never disconnected inside friendly hours.
//!
//! ## Invariants (checked by `try_state`)
//! - `Held` is the sum of all meters' credit and all operators' revenue (a reading moves
//!   credit to revenue inside the pot, so the per-reading path does not write `Held`);
//! - the pot's balance is at least `Held + ED` (exactly that unless
//!   someone transferred WATT to the pot account directly);
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
#[cfg(test)]
mod mock;
#[cfg(test)]
mod tests;

pub use weights::WeightInfo;

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
	use crate::{
		pricing::{InvalidTariff, Rates},
		types::*,
	};
	use alloc::vec::Vec;
	use frame_support::{
		pallet_prelude::*,
		traits::{
			fungible::{Inspect, Mutate},
			tokens::{DepositConsequence, Preservation, Provenance},
			BuildGenesisConfig, Defensive, DefensiveSaturating, UnixTime,
		},
		PalletId,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::{
		traits::{AccountIdConversion, SaturatedConversion, Saturating, StaticLookup, Zero},
		ArithmeticError, Percent,
	};
	use wattcoin_primitives::{
		prepaid_api::{PrepaidStatus, TariffInForce},
		traits::{Consumption, MeterLifecycle, MeterRegistry, OnConsumption},
		MeterId, Moment,
	};

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
	/// A meter's tariff and, if due, the tariff it switches to with the switch time.
	type DueTariffs<T> = (TariffOf<T>, Option<(TariffOf<T>, Moment)>);

	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

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

		/// Minimum notice (ms) for a tariff change or a switch of tariff.
		#[pallet::constant]
		type NoticePeriod: Get<Moment>;

		/// Largest share of a top-up that repays emergency credit and debt.
		#[pallet::constant]
		type MaxRecoveryShare: Get<Percent>;

		/// Most time-of-use bands of a tariff version (at most 24).
		#[pallet::constant]
		type MaxBands: Get<u32>;

		/// Most inclining blocks of a tariff version.
		#[pallet::constant]
		type MaxTiers: Get<u32>;

		/// Most versions a tariff keeps: the one in force, scheduled ones and recent history.
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

	/// Revenue of each operator held in the pot, not yet withdrawn.
	#[pallet::storage]
	pub type Revenue<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, BalanceOf<T>, ValueQuery>;

	/// What the pot holds besides its existential deposit: the sum of all meters' credit and
	/// all operators' revenue. A reading moves credit to revenue without changing it.
	#[pallet::storage]
	pub type Held<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

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
			let pot = Pallet::<T>::pot();
			let ed = T::Currency::minimum_balance();
			let balance = T::Currency::balance(&pot);
			if balance < ed {
				T::Currency::mint_into(&pot, ed - balance).expect("the pot's endowment mints");
			}
			for (operator, params) in &self.tariffs {
				assert!(T::Meters::is_operator(operator), "genesis tariff of a non-operator");
				pricing::validate(params).expect("genesis tariff terms are valid");
				let id = NextTariffId::<T>::get();
				let version = TariffVersion { effective_from: 0, params: params.clone() };
				let versions = BoundedVec::try_from(alloc::vec![version])
					.expect("MaxTariffVersions >= 2 by integrity_test");
				Tariffs::<T>::insert(
					id,
					Tariff { operator: operator.clone(), versions, meters: 0 },
				);
				OperatorTariffs::<T>::mutate(operator, |n| n.saturating_inc());
				assert!(
					OperatorTariffs::<T>::get(operator) <= T::MaxTariffsPerOperator::get(),
					"too many genesis tariffs for one operator"
				);
				NextTariffId::<T>::put(id + 1);
			}
			let mut seen = alloc::collections::btree_set::BTreeSet::new();
			for (meter, tariff, credit) in &self.meters {
				let summary = T::Meters::meter(*meter).expect("genesis meter is registered");
				assert!(seen.insert(*meter), "genesis meter listed twice");
				// pallet-meters' genesis registered it (`on_registered`: an empty account).
				assert!(
					MeterAccounts::<T>::get(meter).is_none_or(|a| a == Default::default()),
					"genesis meter already has a billing account"
				);
				if let Some(id) = tariff {
					Tariffs::<T>::mutate(id, |t| {
						let t = t.as_mut().expect("genesis meter's tariff exists");
						assert!(t.operator == summary.operator, "tariff of another operator");
						t.meters.saturating_inc();
					});
				}
				if !credit.is_zero() {
					T::Currency::mint_into(&pot, *credit).expect("genesis credit mints");
				}
				Held::<T>::mutate(|h| h.saturating_accrue(*credit));
				let mut account =
					MeterAccountOf::<T> { tariff: *tariff, credit: *credit, ..Default::default() };
				if let Some(params) = Pallet::<T>::params_at(&account, 0) {
					account.relay = Pallet::<T>::target_relay(&account, &params, 0);
				}
				MeterAccounts::<T>::insert(meter, account);
			}
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
		/// A scheduled switch of tariff was cancelled: the meter stays at `tariff`.
		TariffSwitchCancelled { meter: MeterId, tariff: TariffId },
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
		/// The meter's relay is ordered from `from` to `to`.
		RelayChanged { meter: MeterId, from: RelayState, to: RelayState },
		/// An operator withdrew revenue from the pot.
		RevenueWithdrawn { operator: T::AccountId, dest: T::AccountId, amount: BalanceOf<T> },
		/// A decommissioned meter's account was settled and closed: `refunded` to the owner,
		/// `paid` to the operator (standing charges, debt and emergency credit recovered from
		/// credit), `forfeited` to the operator because the owner's account could not receive
		/// it (below the existential deposit), `written_off` debt that credit did not cover.
		MeterClosed {
			meter: MeterId,
			owner: T::AccountId,
			refunded: BalanceOf<T>,
			paid: BalanceOf<T>,
			forfeited: BalanceOf<T>,
			written_off: BalanceOf<T>,
		},
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
			ensure!(T::Meters::is_operator(&who), Error::<T>::NotOperator);
			pricing::validate(&params).map_err(Error::<T>::from)?;
			let owned = OperatorTariffs::<T>::get(&who);
			ensure!(owned < T::MaxTariffsPerOperator::get(), Error::<T>::TooManyTariffs);
			let id = NextTariffId::<T>::get();
			let next = id.checked_add(1).ok_or(ArithmeticError::Overflow)?;
			let now = Self::now();
			let versions =
				BoundedVec::try_from(alloc::vec![TariffVersion { effective_from: now, params }])
					.map_err(|_| Error::<T>::TooManyTariffVersions)?;
			Tariffs::<T>::insert(id, Tariff { operator: who.clone(), versions, meters: 0 });
			OperatorTariffs::<T>::insert(&who, owned.saturating_add(1));
			NextTariffId::<T>::put(next);
			Self::deposit_event(Event::TariffCreated {
				tariff: id,
				operator: who,
				effective_from: now,
			});
			Ok(())
		}

		/// Schedule new terms for a tariff from `effective_from` on.
		///
		/// Origin: the tariff's owner, still a licensed operator. `effective_from` must be at
		/// least `NoticePeriod` after now; readings before it stay priced at the earlier
		/// terms. Versions superseded more than `NoticePeriod` ago are dropped to make room.
		/// Errors: `NotOperator`, `UnknownTariff`, `NotTariffOwner`, `NoticeTooShort`,
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
			ensure!(T::Meters::is_operator(&who), Error::<T>::NotOperator);
			let mut t = Self::owned_tariff(tariff, &who)?;
			pricing::validate(&params).map_err(Error::<T>::from)?;
			let now = Self::now();
			let earliest = now.saturating_add(T::NoticePeriod::get());
			ensure!(effective_from >= earliest, Error::<T>::NoticeTooShort);
			ensure!(
				!t.versions.iter().any(|v| v.effective_from == effective_from),
				Error::<T>::DuplicateChange
			);
			Self::prune_history(&mut t, now);
			let at = t
				.versions
				.iter()
				.position(|v| v.effective_from > effective_from)
				.unwrap_or(t.versions.len());
			t.versions
				.try_insert(at, TariffVersion { effective_from, params })
				.map_err(|_| Error::<T>::TooManyTariffVersions)?;
			Tariffs::<T>::insert(tariff, t);
			Self::deposit_event(Event::TariffChangeScheduled { tariff, effective_from });
			Ok(())
		}

		/// Withdraw a scheduled tariff version before it takes effect.
		///
		/// Origin: the tariff's owner. Meters stay at the version in force before it.
		/// Errors: `UnknownTariff`, `NotTariffOwner`, `ChangeInForce` (it took effect),
		/// `UnknownChange`. Event: `TariffChangeCancelled`.
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::cancel_tariff_change())]
		pub fn cancel_tariff_change(
			origin: OriginFor<T>,
			tariff: TariffId,
			effective_from: Moment,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let mut t = Self::owned_tariff(tariff, &who)?;
			ensure!(effective_from > Self::now(), Error::<T>::ChangeInForce);
			let index = t
				.versions
				.iter()
				.position(|v| v.effective_from == effective_from)
				.ok_or(Error::<T>::UnknownChange)?;
			// The first version is in force (it prices all earlier times): never removed.
			ensure!(index > 0, Error::<T>::ChangeInForce);
			t.versions.remove(index);
			Tariffs::<T>::insert(tariff, t);
			Self::deposit_event(Event::TariffChangeCancelled { tariff, effective_from });
			Ok(())
		}

		/// Remove a tariff no meter is assigned or switching to.
		///
		/// Origin: the tariff's owner. Errors: `UnknownTariff`, `NotTariffOwner`,
		/// `TariffInUse`. Event: `TariffRetired`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::retire_tariff())]
		pub fn retire_tariff(origin: OriginFor<T>, tariff: TariffId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let t = Self::owned_tariff(tariff, &who)?;
			ensure!(t.meters == 0, Error::<T>::TariffInUse);
			Tariffs::<T>::remove(tariff);
			OperatorTariffs::<T>::mutate_exists(&who, |n| {
				let left = n.unwrap_or(0).saturating_sub(1);
				*n = (left > 0).then_some(left);
			});
			Self::deposit_event(Event::TariffRetired { tariff });
			Ok(())
		}

		/// Bill a meter at one of the operator's tariffs.
		///
		/// Origin: the meter's operator, owning the tariff. A meter without a tariff is
		/// billed at it from now (standing charges start now). A meter with a tariff switches
		/// after `NoticePeriod`, replacing any switch already scheduled; assigning the tariff
		/// it is billed at cancels a scheduled switch. Errors: `NotOperator`, `UnknownMeter`,
		/// `NotMeterOperator`, `UnknownTariff`, `NotTariffOwner`, `AlreadyAssigned`.
		/// Events: `TariffAssigned` or `TariffSwitchCancelled`, `RelayChanged` if the relay
		/// state changes (a meter without credit is disconnected when first assigned).
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::assign_tariff())]
		pub fn assign_tariff(
			origin: OriginFor<T>,
			meter: MeterId,
			tariff: TariffId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(T::Meters::is_operator(&who), Error::<T>::NotOperator);
			let summary = T::Meters::meter(meter).ok_or(Error::<T>::UnknownMeter)?;
			ensure!(summary.operator == who, Error::<T>::NotMeterOperator);
			let mut t = Self::owned_tariff(tariff, &who)?;
			let mut account = MeterAccounts::<T>::get(meter).unwrap_or_default();
			let now = Self::now();
			match (account.tariff, account.next_tariff) {
				(None, _) => {
					t.meters.saturating_inc();
					Tariffs::<T>::insert(tariff, &t);
					account.tariff = Some(tariff);
					account.next_tariff = None;
					account.standing_paid_until = now;
					account.tier_counter = TierCounter::default();
					if let Some(v) = t.version_at(now) {
						Self::set_relay(meter, &mut account, &v.params, now);
					}
					Self::deposit_event(Event::TariffAssigned {
						meter,
						tariff,
						effective_from: now,
					});
				},
				(Some(current), pending) if current == tariff => {
					let (pending, _) = pending.ok_or(Error::<T>::AlreadyAssigned)?;
					Self::release_tariff(pending);
					account.next_tariff = None;
					Self::deposit_event(Event::TariffSwitchCancelled { meter, tariff });
				},
				(Some(_), pending) => {
					ensure!(pending.map(|p| p.0) != Some(tariff), Error::<T>::AlreadyAssigned);
					if let Some((previous, _)) = pending {
						Self::release_tariff(previous);
					}
					t.meters.saturating_inc();
					Tariffs::<T>::insert(tariff, &t);
					let effective_from = now.saturating_add(T::NoticePeriod::get());
					account.next_tariff = Some((tariff, effective_from));
					Self::deposit_event(Event::TariffAssigned { meter, tariff, effective_from });
				},
			}
			MeterAccounts::<T>::insert(meter, account);
			Ok(())
		}

		/// Pay `amount` into a meter's prepaid credit.
		///
		/// Origin: any signed account (the household, a neighbour, a charity); it keeps its
		/// own account alive. At most `MaxRecoveryShare` of `amount` repays the emergency
		/// credit used, then the debt; the rest is credit. A meter with credit again is
		/// reconnected. If the pot was never endowed, the payer also pays its existential
		/// deposit (`PotEndowed`). Errors: `ZeroAmount`, `UnknownMeter`, the currency's
		/// (insufficient funds), `Overflow`. Events: `ToppedUp`, `RelayChanged`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::top_up())]
		pub fn top_up(
			origin: OriginFor<T>,
			meter: MeterId,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let payer = ensure_signed(origin)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let summary = T::Meters::meter(meter).ok_or(Error::<T>::UnknownMeter)?;
			let mut account = MeterAccounts::<T>::get(meter).unwrap_or_default();
			let now = Self::now();

			let cap = T::MaxRecoveryShare::get().mul_floor(amount);
			let to_emergency = account.emergency_used.min(cap);
			let to_debt = account.debt.min(cap.saturating_sub(to_emergency));
			let to_credit = amount.saturating_sub(to_emergency).saturating_sub(to_debt);
			let recovered = to_emergency.saturating_add(to_debt);
			account.credit =
				account.credit.checked_add(&to_credit).ok_or(ArithmeticError::Overflow)?;
			let held = Held::<T>::get().checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
			account.emergency_used.saturating_reduce(to_emergency);
			account.debt.saturating_reduce(to_debt);
			if account.emergency_used.is_zero() {
				account.emergency_granted = Zero::zero();
			}

			Self::endow_pot(&payer)?;
			T::Currency::transfer(&payer, &Self::pot(), amount, Preservation::Preserve)?;
			if !recovered.is_zero() {
				let operator = Self::tariff_operator(&account, now).unwrap_or(summary.operator);
				Revenue::<T>::mutate(&operator, |r| r.saturating_accrue(recovered));
			}
			Held::<T>::put(held);
			if let Some(params) = Self::params_at(&account, now) {
				Self::set_relay(meter, &mut account, &params, now);
			}
			MeterAccounts::<T>::insert(meter, account);
			Self::deposit_event(Event::ToppedUp {
				meter,
				payer,
				amount,
				to_credit,
				to_emergency,
				to_debt,
			});
			Ok(())
		}

		/// Take the tariff's emergency credit: supply continues on it once credit runs out,
		/// and it is repaid from the next top-ups (before debt).
		///
		/// Origin: the meter's owner. Only when credit is below the low-credit threshold (or
		/// zero); a disconnected meter is reconnected (`Emergency`). Errors: `UnknownMeter`,
		/// `NotMeterOwner`, `NoTariff`, `NoEmergencyCredit`, `EmergencyCreditAlreadyTaken`,
		/// `CreditNotLow`. Events: `EmergencyCreditTaken`, `RelayChanged`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::take_emergency_credit())]
		pub fn take_emergency_credit(origin: OriginFor<T>, meter: MeterId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let summary = T::Meters::meter(meter).ok_or(Error::<T>::UnknownMeter)?;
			ensure!(summary.owner == who, Error::<T>::NotMeterOwner);
			let mut account = MeterAccounts::<T>::get(meter).unwrap_or_default();
			let now = Self::now();
			let params = Self::params_at(&account, now).ok_or(Error::<T>::NoTariff)?;
			ensure!(account.emergency_granted.is_zero(), Error::<T>::EmergencyCreditAlreadyTaken);
			ensure!(!params.emergency_credit.is_zero(), Error::<T>::NoEmergencyCredit);
			ensure!(
				account.credit.is_zero() || account.credit < params.low_credit_threshold,
				Error::<T>::CreditNotLow
			);
			account.emergency_granted = params.emergency_credit;
			Self::set_relay(meter, &mut account, &params, now);
			MeterAccounts::<T>::insert(meter, account);
			Self::deposit_event(Event::EmergencyCreditTaken {
				meter,
				amount: params.emergency_credit,
			});
			Ok(())
		}

		/// Pay out revenue held in the pot.
		///
		/// Origin: an account with revenue (an operator, licensed or no longer). `dest` is the
		/// operator's revenue account (itself or any other). Errors: `ZeroAmount`,
		/// `InsufficientRevenue`, the currency's (e.g. `dest` would stay below the existential
		/// deposit). Event: `RevenueWithdrawn`.
		#[pallet::call_index(7)]
		#[pallet::weight(T::WeightInfo::withdraw_revenue())]
		pub fn withdraw_revenue(
			origin: OriginFor<T>,
			dest: AccountIdLookupOf<T>,
			amount: BalanceOf<T>,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let dest = T::Lookup::lookup(dest)?;
			ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
			let left = Revenue::<T>::get(&who)
				.checked_sub(&amount)
				.ok_or(Error::<T>::InsufficientRevenue)?;
			T::Currency::transfer(&Self::pot(), &dest, amount, Preservation::Preserve)?;
			if left.is_zero() {
				Revenue::<T>::remove(&who);
			} else {
				Revenue::<T>::insert(&who, left);
			}
			Held::<T>::mutate(|h| h.saturating_reduce(amount));
			Self::deposit_event(Event::RevenueWithdrawn { operator: who, dest, amount });
			Ok(())
		}
	}

	impl<T: Config> Pallet<T> {
		/// The pot account: all meters' credit, operators' revenue not yet withdrawn and the
		/// pot's existential deposit.
		pub fn pot() -> T::AccountId {
			T::PalletId::get().into_account_truncating()
		}

		/// Now, in ms since the Unix epoch.
		fn now() -> Moment {
			T::UnixTime::now().as_millis().saturated_into()
		}

		fn owned_tariff(
			tariff: TariffId,
			who: &T::AccountId,
		) -> Result<TariffOf<T>, DispatchError> {
			let t = Tariffs::<T>::get(tariff).ok_or(Error::<T>::UnknownTariff)?;
			ensure!(t.operator == *who, Error::<T>::NotTariffOwner);
			Ok(t)
		}

		/// One meter fewer on `tariff`.
		fn release_tariff(tariff: TariffId) {
			Tariffs::<T>::mutate(tariff, |t| match t {
				Some(t) => t.meters.defensive_saturating_dec(),
				None => {
					frame_support::defensive!("a meter's tariff exists");
				},
			});
		}

		/// Drops versions superseded at least `NoticePeriod` before `now`.
		fn prune_history(t: &mut TariffOf<T>, now: Moment) {
			let retention = T::NoticePeriod::get();
			while t
				.versions
				.get(1)
				.is_some_and(|next| next.effective_from.saturating_add(retention) <= now)
			{
				t.versions.remove(0);
			}
		}

		/// Transfers the pot's existential deposit from `payer` if the pot holds less.
		fn endow_pot(payer: &T::AccountId) -> DispatchResult {
			let pot = Self::pot();
			let ed = T::Currency::minimum_balance();
			let balance = T::Currency::balance(&pot);
			if balance < ed {
				let amount = ed.saturating_sub(balance);
				T::Currency::transfer(payer, &pot, amount, Preservation::Preserve)?;
				Self::deposit_event(Event::PotEndowed { payer: payer.clone(), amount });
			}
			Ok(())
		}

		/// The tariff a meter is billed at, at time `at` (a scheduled switch included).
		fn tariff_id_at(account: &MeterAccountOf<T>, at: Moment) -> Option<TariffId> {
			match account.next_tariff {
				Some((next, from)) if from <= at => Some(next),
				_ => account.tariff,
			}
		}

		/// The terms a meter is billed at, at time `at`.
		fn params_at(account: &MeterAccountOf<T>, at: Moment) -> Option<TariffParamsOf<T>> {
			let id = Self::tariff_id_at(account, at)?;
			let tariff = Tariffs::<T>::get(id).defensive()?;
			tariff.version_at(at).map(|v| v.params.clone())
		}

		/// The operator paid for a meter's consumption at time `at`.
		fn tariff_operator(account: &MeterAccountOf<T>, at: Moment) -> Option<T::AccountId> {
			Tariffs::<T>::get(Self::tariff_id_at(account, at)?).map(|t| t.operator)
		}

		/// The relay state `account` must be in under `params` at time `at`.
		fn target_relay(
			account: &MeterAccountOf<T>,
			params: &TariffParamsOf<T>,
			at: Moment,
		) -> RelayState {
			pricing::relay_state(
				account.relay,
				account.credit.saturated_into(),
				params.low_credit_threshold.saturated_into(),
				account.emergency_granted.saturating_sub(account.emergency_used).saturated_into(),
				pricing::is_friendly(params.friendly_hours, params.utc_offset_minutes, at),
			)
		}

		/// Moves the relay to the state it must be in, with an event if it changes.
		fn set_relay(
			meter: MeterId,
			account: &mut MeterAccountOf<T>,
			params: &TariffParamsOf<T>,
			at: Moment,
		) {
			let to = Self::target_relay(account, params, at);
			if to != account.relay {
				Self::deposit_event(Event::RelayChanged { meter, from: account.relay, to });
				account.relay = to;
			}
		}

		/// Charges `amount` to a meter: credit first, then the emergency credit taken, the
		/// rest as debt. Returns the part paid from credit.
		fn charge(account: &mut MeterAccountOf<T>, amount: BalanceOf<T>) -> BalanceOf<T> {
			let from_credit = amount.min(account.credit);
			account.credit.saturating_reduce(from_credit);
			let mut rest = amount.saturating_sub(from_credit);
			let room = account.emergency_granted.saturating_sub(account.emergency_used);
			let from_emergency = rest.min(room);
			account.emergency_used.saturating_accrue(from_emergency);
			rest.saturating_reduce(from_emergency);
			account.debt.saturating_accrue(rest);
			from_credit
		}

		/// Moves `amount` of a meter's credit to `operator`'s revenue (both in the pot).
		fn pay_operator(operator: &T::AccountId, amount: BalanceOf<T>) {
			if amount.is_zero() {
				return;
			}
			Revenue::<T>::mutate(operator, |r| r.saturating_accrue(amount));
		}

		/// The tariffs a meter is billed at up to `until`: its tariff, and the one it
		/// switches to if the switch is due by then.
		fn tariffs_until(account: &MeterAccountOf<T>, until: Moment) -> Option<DueTariffs<T>> {
			let current = Tariffs::<T>::get(account.tariff?).defensive()?;
			let next = match account.next_tariff {
				Some((id, at)) if at <= until => Tariffs::<T>::get(id).defensive().map(|t| (t, at)),
				_ => None,
			};
			Some((current, next))
		}

		/// The pricing schedule of a meter's tariff, followed from `at` by the tariff it
		/// switches to.
		fn schedule<'a>(
			current: &'a TariffOf<T>,
			next: Option<&'a (TariffOf<T>, Moment)>,
		) -> Vec<(Moment, Rates<'a, BalanceOf<T>>)> {
			let switch = next.map(|(_, at)| *at);
			let mut schedule: Vec<(Moment, Rates<'a, BalanceOf<T>>)> = current
				.versions
				.iter()
				.filter(|v| switch.is_none_or(|at| v.effective_from < at))
				.map(|v| (v.effective_from, Rates::new(&v.params)))
				.collect();
			if let Some((tariff, at)) = next {
				let first = tariff.index_at(*at);
				for (i, v) in tariff.versions.iter().enumerate().skip(first) {
					let from = if i == first { *at } else { v.effective_from };
					schedule.push((from, Rates::new(&v.params)));
				}
			}
			schedule
		}

		/// Bills one interval of consumption. Never fails.
		fn bill(c: &Consumption) -> Weight {
			let mut account = MeterAccounts::<T>::get(c.meter).unwrap_or_default();
			let until = c.to_ms.max(c.from_ms);
			let Some((current, next)) = Self::tariffs_until(&account, until) else {
				account.unbilled_wh.saturating_accrue(c.energy_wh);
				account.last_billed = account.last_billed.max(until);
				MeterAccounts::<T>::insert(c.meter, account);
				return T::WeightInfo::on_consumption_unbilled();
			};
			let schedule = Self::schedule(&current, next.as_ref());
			let first = account.last_billed == 0;
			if account.standing_paid_until == 0 {
				// Genesis meters: standing charges start with the first reading.
				account.standing_paid_until = c.from_ms;
			}

			let energy = pricing::energy_cost(
				&schedule,
				c.from_ms,
				c.to_ms,
				c.energy_wh,
				account.tier_counter,
			);
			let (standing, paid_until) =
				pricing::standing_charge(&schedule, account.standing_paid_until, until);
			let (energy_units, remainder) =
				pricing::split_milli(energy.milli, account.remainder_milli);
			let total: BalanceOf<T> = energy_units.saturating_add(standing).saturated_into();
			account.tier_counter = energy.counter;
			account.standing_paid_until = paid_until;
			account.remainder_milli = remainder;
			account.daily_energy_cost = pricing::daily_average(
				account.daily_energy_cost.saturated_into(),
				energy_units,
				c.to_ms.saturating_sub(c.from_ms),
				first,
			)
			.saturated_into();
			account.last_billed = account.last_billed.max(until);

			let paid = Self::charge(&mut account, total);
			// The operator of the terms in force at the end of the interval (the same operator
			// across a switch: switches are between one operator's tariffs).
			let operator = match &next {
				Some((t, _)) => &t.operator,
				None => &current.operator,
			};
			Self::pay_operator(operator, paid);

			if next.is_some() {
				// The switch is due: from now on the meter is billed at the new tariff.
				if let Some(old) = account.tariff {
					Self::release_tariff(old);
				}
				account.tariff = account.next_tariff.take().map(|(id, _)| id);
			}
			let params = match &next {
				Some((t, _)) => t.version_at(until),
				None => current.version_at(until),
			};
			if let Some(v) = params {
				Self::set_relay(c.meter, &mut account, &v.params, until);
			}
			MeterAccounts::<T>::insert(c.meter, account);
			T::WeightInfo::on_consumption()
		}

		/// Settles and removes a meter's account, refunding its credit to `owner`.
		fn close(meter: MeterId, owner: &T::AccountId) -> DispatchResult {
			let Some(mut account) = MeterAccounts::<T>::get(meter) else { return Ok(()) };
			let now = Self::now().max(account.last_billed);
			let registry_operator = T::Meters::meter(meter).map(|m| m.operator);
			let operator = Self::tariff_operator(&account, now).or(registry_operator);
			let credit_before = account.credit;

			// Standing charges up to now.
			if let Some((current, next)) = Self::tariffs_until(&account, now) {
				let schedule = Self::schedule(&current, next.as_ref());
				if account.standing_paid_until != 0 {
					let (standing, _) =
						pricing::standing_charge(&schedule, account.standing_paid_until, now);
					Self::charge(&mut account, standing.saturated_into());
				}
			}
			// Debt and emergency credit recovered from what is left.
			let owed = account.debt.saturating_add(account.emergency_used);
			let recovered = owed.min(account.credit);
			account.credit.saturating_reduce(recovered);
			let written_off = owed.saturating_sub(recovered);
			let paid = credit_before.saturating_sub(account.credit);

			// Without a tariff nor a registry entry there is nobody to pay (and nothing owed).
			ensure!(operator.is_some() || paid.is_zero(), Error::<T>::UnknownMeter);

			let refund = account.credit;
			let mut forfeited = Zero::zero();
			let mut refunded = Zero::zero();
			if !refund.is_zero() {
				match T::Currency::transfer(&Self::pot(), owner, refund, Preservation::Preserve) {
					Ok(_) => refunded = refund,
					Err(e) => {
						// Only a refund the owner's account cannot receive (below the existential
						// deposit) is forfeited, to the operator; anything else refuses.
						ensure!(
							T::Currency::can_deposit(owner, refund, Provenance::Extant)
								!= DepositConsequence::Success,
							e
						);
						ensure!(operator.is_some(), e);
						forfeited = refund;
					},
				}
			}

			if let Some(operator) = &operator {
				Self::pay_operator(operator, paid.saturating_add(forfeited));
			}
			Held::<T>::mutate(|h| h.saturating_reduce(refunded));
			if let Some(id) = account.tariff {
				Self::release_tariff(id);
			}
			if let Some((id, _)) = account.next_tariff {
				Self::release_tariff(id);
			}
			MeterAccounts::<T>::remove(meter);
			Self::deposit_event(Event::MeterClosed {
				meter,
				owner: owner.clone(),
				refunded,
				paid,
				forfeited,
				written_off,
			});
			Ok(())
		}

		/// A meter's prepaid status now, for the `PrepaidApi` runtime API; `None` if the meter
		/// is not registered.
		pub fn meter_status(meter: MeterId) -> Option<PrepaidStatus<BalanceOf<T>>> {
			T::Meters::meter(meter)?;
			let account = MeterAccounts::<T>::get(meter).unwrap_or_default();
			let now = Self::now();
			let mut status = PrepaidStatus {
				credit: account.credit,
				debt: account.debt,
				emergency_credit_used: account.emergency_used,
				emergency_credit_available: account
					.emergency_granted
					.saturating_sub(account.emergency_used),
				relay: account.relay,
				tariff: None,
				credit_buys_wh: None,
				average_daily_cost: account.daily_energy_cost,
				projected_days_left: None,
				last_billed_ms: (account.last_billed != 0).then_some(account.last_billed),
				unbilled_wh: account.unbilled_wh,
			};
			let Some(id) = Self::tariff_id_at(&account, now) else { return Some(status) };
			let Some(tariff) = Tariffs::<T>::get(id) else { return Some(status) };
			let Some(version) = tariff.version_at(now) else { return Some(status) };
			let params = &version.params;
			let rates = Rates::new(params);
			let price = pricing::price_at(&rates, now, account.tier_counter);
			if account.emergency_granted.is_zero() {
				status.emergency_credit_available = params.emergency_credit;
			}
			let switch = account.next_tariff.map(|(_, at)| at).filter(|at| *at > now);
			let change = tariff.next_change_after(now);
			let effective_from = match account.next_tariff {
				Some((next, at)) if next == id && at <= now => at.max(version.effective_from),
				_ => version.effective_from,
			};
			status.tariff = Some(TariffInForce {
				id,
				effective_from,
				price_per_kwh_now: price.saturated_into(),
				standing_charge_per_day: params.standing_charge_per_day,
				next_change: match (switch, change) {
					(Some(a), Some(b)) => Some(a.min(b)),
					(a, b) => a.or(b),
				},
			});
			let credit: u128 = account.credit.saturated_into();
			if price > 0 {
				let wh = pricing::mul_div(credit, pricing::MILLI_PER_UNIT, price);
				status.credit_buys_wh = Some(wh.saturated_into());
			}
			let daily = account.daily_energy_cost.saturating_add(params.standing_charge_per_day);
			status.average_daily_cost = daily;
			let daily: u128 = daily.saturated_into();
			status.projected_days_left = credit.checked_div(daily).map(|d| d.saturated_into());
			Some(status)
		}

		/// Checks the pallet's invariants (see the crate documentation).
		#[cfg(any(feature = "try-runtime", test))]
		pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
			use alloc::collections::btree_map::BTreeMap;
			let mut credit = BalanceOf::<T>::zero();
			let mut on_tariff: BTreeMap<TariffId, u32> = BTreeMap::new();
			for (_, a) in MeterAccounts::<T>::iter() {
				credit = credit.checked_add(&a.credit).ok_or("credit sum overflows")?;
				ensure!(a.remainder_milli < 1000, "remainder below one unit");
				ensure!(a.emergency_used <= a.emergency_granted, "emergency used within granted");
				if matches!(a.relay, RelayState::Emergency | RelayState::Disconnected) {
					ensure!(a.credit.is_zero(), "a meter with credit is on supply");
				}
				match a.tariff {
					Some(id) => *on_tariff.entry(id).or_default() += 1,
					None => {
						ensure!(a.next_tariff.is_none(), "a switch without a tariff");
						ensure!(
							a.debt.is_zero() && a.emergency_granted.is_zero(),
							"debt or emergency credit without a tariff"
						);
					},
				}
				if let Some((id, _)) = a.next_tariff {
					ensure!(a.tariff != Some(id), "a switch to the same tariff");
					*on_tariff.entry(id).or_default() += 1;
				}
			}
			let mut revenue = BalanceOf::<T>::zero();
			for (_, r) in Revenue::<T>::iter() {
				ensure!(!r.is_zero(), "no zero revenue entries");
				revenue = revenue.checked_add(&r).ok_or("revenue sum overflows")?;
			}
			let held = credit.checked_add(&revenue).ok_or("held sum overflows")?;
			ensure!(held == Held::<T>::get(), "Held is the sum of credit and revenue");

			let balance = T::Currency::balance(&Self::pot());
			if !held.is_zero() || !balance.is_zero() {
				ensure!(
					balance >= held.saturating_add(T::Currency::minimum_balance()),
					"the pot holds all credit and revenue plus its existential deposit"
				);
			}

			let next_id = NextTariffId::<T>::get();
			let mut owned: BTreeMap<T::AccountId, u32> = BTreeMap::new();
			for (id, t) in Tariffs::<T>::iter() {
				ensure!(id < next_id, "tariff ids come from the counter");
				ensure!(!t.versions.is_empty(), "a tariff has a version");
				ensure!(
					t.versions.windows(2).all(|w| w[0].effective_from < w[1].effective_from),
					"tariff versions sorted by time"
				);
				for v in t.versions.iter() {
					pricing::validate(&v.params).map_err(|_| "stored tariff terms are valid")?;
				}
				ensure!(
					t.meters == on_tariff.remove(&id).unwrap_or(0),
					"a tariff's meter count matches the meters on it"
				);
				*owned.entry(t.operator.clone()).or_default() += 1;
			}
			ensure!(on_tariff.is_empty(), "meters only refer to existing tariffs");
			for (operator, n) in OperatorTariffs::<T>::iter() {
				ensure!(owned.remove(&operator) == Some(n), "operator tariff counts match");
			}
			ensure!(owned.is_empty(), "every tariff's operator is counted");
			Ok(())
		}
	}

	impl<T: Config> OnConsumption for Pallet<T> {
		fn on_consumption(consumption: &Consumption) -> Weight {
			Self::bill(consumption)
		}

		fn max_weight() -> Weight {
			T::WeightInfo::on_consumption().max(T::WeightInfo::on_consumption_unbilled())
		}
	}

	impl<T: Config> MeterLifecycle<T::AccountId> for Pallet<T> {
		fn on_registered(meter: MeterId, _owner: &T::AccountId) {
			if !MeterAccounts::<T>::contains_key(meter) {
				MeterAccounts::<T>::insert(meter, MeterAccountOf::<T>::default());
			}
		}

		fn on_decommission(meter: MeterId, owner: &T::AccountId) -> DispatchResult {
			Self::close(meter, owner)
		}

		fn max_weight() -> Weight {
			T::WeightInfo::on_registered().max(T::WeightInfo::on_decommission())
		}
	}
}
