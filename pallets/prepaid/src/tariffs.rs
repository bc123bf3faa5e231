//! Tariffs and their versions: creating, changing, retiring and assigning them (the calls'
//! logic), and which tariff and which terms price a meter at a given time.
//!
//! A tariff keeps its versions sorted by `effective_from`; the version in force at a time is
//! the last one that took effect by then. A meter is billed at its tariff and, once a switch
//! scheduled by [`Pallet::assign_tariff`] is due, at the tariff it switches to.

use crate::{pallet::*, pricing, pricing::Rates, types::*};
use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::*,
	traits::{Defensive, DefensiveSaturating},
};
use sp_runtime::{traits::Saturating, ArithmeticError};
use wattcoin_primitives::{traits::MeterRegistry, MeterId, Moment};

/// A meter's tariff and, if due, the tariff it switches to with the switch time.
pub(crate) type DueTariffs<T> = (TariffOf<T>, Option<(TariffOf<T>, Moment)>);

impl<T: Config> Pallet<T> {
	/// The logic of [`Pallet::create_tariff`], for the signed `who`.
	pub(crate) fn do_create_tariff(who: T::AccountId, params: TariffParamsOf<T>) -> DispatchResult {
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

	/// The logic of [`Pallet::schedule_tariff_change`], for the signed `who`.
	pub(crate) fn do_schedule_tariff_change(
		who: T::AccountId,
		tariff: TariffId,
		effective_from: Moment,
		params: TariffParamsOf<T>,
	) -> DispatchResult {
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

	/// The logic of [`Pallet::cancel_tariff_change`], for the signed `who`.
	pub(crate) fn do_cancel_tariff_change(
		who: T::AccountId,
		tariff: TariffId,
		effective_from: Moment,
	) -> DispatchResult {
		let mut t = Self::owned_tariff(tariff, &who)?;
		let now = Self::now();
		ensure!(effective_from > now, Error::<T>::ChangeInForce);
		ensure!(
			effective_from >= now.saturating_add(T::NoticePeriod::get()),
			Error::<T>::InsideNoticePeriod
		);
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

	/// The logic of [`Pallet::retire_tariff`], for the signed `who`.
	pub(crate) fn do_retire_tariff(who: T::AccountId, tariff: TariffId) -> DispatchResult {
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

	/// The logic of [`Pallet::assign_tariff`], for the signed `who`.
	pub(crate) fn do_assign_tariff(
		who: T::AccountId,
		meter: MeterId,
		tariff: TariffId,
	) -> DispatchResult {
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
				// Billing starts now: energy measured before is not the tariff's.
				account.last_billed = account.last_billed.max(now);
				account.tier_counter = TierCounter::default();
				if let Some(v) = t.version_at(now) {
					Self::set_supply(meter, &mut account, &v.params, now);
				}
				Self::deposit_event(Event::TariffAssigned { meter, tariff, effective_from: now });
			},
			// A scheduled switch is final (the household was told of it) until billed.
			(Some(_), Some(_)) => return Err(Error::<T>::SwitchPending.into()),
			(Some(current), None) => {
				ensure!(current != tariff, Error::<T>::AlreadyAssigned);
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

	pub(crate) fn owned_tariff(
		tariff: TariffId,
		who: &T::AccountId,
	) -> Result<TariffOf<T>, DispatchError> {
		let t = Tariffs::<T>::get(tariff).ok_or(Error::<T>::UnknownTariff)?;
		ensure!(t.operator == *who, Error::<T>::NotTariffOwner);
		Ok(t)
	}

	/// One meter fewer on `tariff`.
	pub(crate) fn release_tariff(tariff: TariffId) {
		Tariffs::<T>::mutate(tariff, |t| match t {
			Some(t) => t.meters.defensive_saturating_dec(),
			None => {
				frame_support::defensive!("a meter's tariff exists");
			},
		});
	}

	/// The tariff a meter is billed at, at time `at` (a scheduled switch included).
	pub(crate) fn tariff_id_at(account: &MeterAccountOf<T>, at: Moment) -> Option<TariffId> {
		match account.next_tariff {
			Some((next, from)) if from <= at => Some(next),
			_ => account.tariff,
		}
	}

	/// The terms a meter is billed at, at time `at`.
	pub(crate) fn params_at(account: &MeterAccountOf<T>, at: Moment) -> Option<TariffParamsOf<T>> {
		let id = Self::tariff_id_at(account, at)?;
		let tariff = Tariffs::<T>::get(id).defensive()?;
		tariff.version_at(at).map(|v| v.params.clone())
	}

	/// The operator paid for a meter's consumption at time `at`.
	pub(crate) fn tariff_operator(account: &MeterAccountOf<T>, at: Moment) -> Option<T::AccountId> {
		Tariffs::<T>::get(Self::tariff_id_at(account, at)?).map(|t| t.operator)
	}

	/// The tariffs a meter is billed at up to `until`: its tariff, and the one it
	/// switches to if the switch is due by then.
	pub(crate) fn tariffs_until(
		account: &MeterAccountOf<T>,
		until: Moment,
	) -> Option<DueTariffs<T>> {
		let current = Tariffs::<T>::get(account.tariff?).defensive()?;
		let next = match account.next_tariff {
			Some((id, at)) if at <= until => Tariffs::<T>::get(id).defensive().map(|t| (t, at)),
			_ => None,
		};
		Some((current, next))
	}

	/// The pricing timeline of a meter's tariff, followed from `at` by the tariff it
	/// switches to.
	pub(crate) fn rates_timeline<'a>(
		current: &'a TariffOf<T>,
		next: Option<&'a (TariffOf<T>, Moment)>,
	) -> Vec<(Moment, Rates<'a, BalanceOf<T>>)> {
		let switch = next.map(|(_, at)| *at);
		let mut timeline: Vec<(Moment, Rates<'a, BalanceOf<T>>)> = current
			.versions
			.iter()
			.filter(|v| switch.is_none_or(|at| v.effective_from < at))
			.map(|v| (v.effective_from, Rates::new(&v.params)))
			.collect();
		if let Some((tariff, at)) = next {
			let first = tariff.index_at(*at);
			for (i, v) in tariff.versions.iter().enumerate().skip(first) {
				let from = if i == first { *at } else { v.effective_from };
				timeline.push((from, Rates::new(&v.params)));
			}
		}
		timeline
	}
}
