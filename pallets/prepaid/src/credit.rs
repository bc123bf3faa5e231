//! Money in and out of the pot: top-ups, emergency credit, operators' revenue, and the
//! charging of a meter's account (credit first, then emergency credit, then debt).
//!
//! The pot ([`Pallet::pot`]) holds every meter's credit and every operator's revenue not yet
//! withdrawn; [`Liabilities`] is their sum. A reading moves credit to revenue inside the pot.

use crate::pallet::*;
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::Preservation,
	},
};
use sp_runtime::{
	traits::{AccountIdConversion, Saturating, Zero},
	ArithmeticError,
};
use wattcoin_primitives::{traits::MeterRegistry, MeterId};

impl<T: Config> Pallet<T> {
	/// The pot account: all meters' credit, operators' revenue not yet withdrawn and the
	/// pot's existential deposit.
	pub fn pot() -> T::AccountId {
		T::PalletId::get().into_account_truncating()
	}

	/// The logic of [`Pallet::top_up`], paid by the signed `payer`.
	pub(crate) fn do_top_up(
		payer: T::AccountId,
		meter: MeterId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		let summary = T::Meters::meter(meter).ok_or(Error::<T>::UnknownMeter)?;
		let mut account = MeterAccounts::<T>::get(meter).unwrap_or_default();
		let now = Self::now();

		let cap = T::MaxRecoveryShare::get().mul_floor(amount);
		let to_emergency = account.emergency_used.min(cap);
		let to_debt = account.debt.min(cap.saturating_sub(to_emergency));
		let to_credit = amount.saturating_sub(to_emergency).saturating_sub(to_debt);
		let recovered = to_emergency.saturating_add(to_debt);
		account.credit = account.credit.checked_add(&to_credit).ok_or(ArithmeticError::Overflow)?;
		let held = Liabilities::<T>::get().checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
		account.emergency_used.saturating_reduce(to_emergency);
		account.debt.saturating_reduce(to_debt);
		// Emergency credit is once per cycle: with a top-up the unused part of the grant
		// lapses and repaying does not reopen it; once fully repaid it can be taken again.
		account.emergency_granted = account.emergency_used;

		Self::endow_pot(&payer)?;
		T::Currency::transfer(&payer, &Self::pot(), amount, Preservation::Preserve)?;
		if !recovered.is_zero() {
			// The operator managing the meter now carries its debt, and recovers it.
			Revenue::<T>::mutate(&summary.operator, |r| r.saturating_accrue(recovered));
		}
		Liabilities::<T>::put(held);
		if let Some(params) = Self::params_at(&account, now) {
			Self::set_supply(meter, &mut account, &params, now);
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

	/// The logic of [`Pallet::take_emergency_credit`], for the signed `who`.
	pub(crate) fn do_take_emergency_credit(who: T::AccountId, meter: MeterId) -> DispatchResult {
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
		Self::set_supply(meter, &mut account, &params, now);
		MeterAccounts::<T>::insert(meter, account);
		Self::deposit_event(Event::EmergencyCreditTaken { meter, amount: params.emergency_credit });
		Ok(())
	}

	/// The logic of [`Pallet::withdraw_revenue`], for the signed `who`.
	pub(crate) fn do_withdraw_revenue(
		who: T::AccountId,
		dest: T::AccountId,
		amount: BalanceOf<T>,
	) -> DispatchResult {
		ensure!(!amount.is_zero(), Error::<T>::ZeroAmount);
		ensure!(dest != Self::pot(), Error::<T>::DestinationIsPot);
		let left =
			Revenue::<T>::get(&who).checked_sub(&amount).ok_or(Error::<T>::InsufficientRevenue)?;
		T::Currency::transfer(&Self::pot(), &dest, amount, Preservation::Preserve)?;
		if left.is_zero() {
			Revenue::<T>::remove(&who);
		} else {
			Revenue::<T>::insert(&who, left);
		}
		Liabilities::<T>::mutate(|h| h.saturating_reduce(amount));
		Self::deposit_event(Event::RevenueWithdrawn { operator: who, dest, amount });
		Ok(())
	}

	/// The logic of [`Pallet::claim_refund`], for the signed `who`.
	pub(crate) fn do_claim_refund(who: T::AccountId) -> DispatchResult {
		let amount = UnclaimedRefunds::<T>::get(&who);
		ensure!(!amount.is_zero(), Error::<T>::NothingToClaim);
		T::Currency::transfer(&Self::pot(), &who, amount, Preservation::Preserve)?;
		UnclaimedRefunds::<T>::remove(&who);
		Liabilities::<T>::mutate(|h| h.saturating_reduce(amount));
		Self::deposit_event(Event::RefundClaimed { owner: who, amount });
		Ok(())
	}

	/// Transfers the pot's existential deposit from `payer` if the pot holds less.
	pub(crate) fn endow_pot(payer: &T::AccountId) -> DispatchResult {
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

	/// Charges `amount` to a meter: credit first, then the emergency credit taken, the
	/// rest as debt. Returns the part paid from credit.
	pub(crate) fn charge(account: &mut MeterAccountOf<T>, amount: BalanceOf<T>) -> BalanceOf<T> {
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
	pub(crate) fn pay_operator(operator: &T::AccountId, amount: BalanceOf<T>) {
		if amount.is_zero() {
			return;
		}
		Revenue::<T>::mutate(operator, |r| r.saturating_accrue(amount));
	}
}
