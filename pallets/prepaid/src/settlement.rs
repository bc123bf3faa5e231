//! Closing a meter's account when pallet-meters decommissions it: standing charges up to
//! now, debt and emergency credit recovered from credit, the rest refunded to the owner.

use crate::{pallet::*, pricing};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::{DepositConsequence, Preservation, Provenance},
	},
};
use sp_runtime::traits::{SaturatedConversion, Saturating, Zero};
use wattcoin_primitives::{traits::MeterRegistry, MeterId};

impl<T: Config> Pallet<T> {
	/// Settles and removes a meter's account, refunding its credit to `owner`.
	pub(crate) fn close(meter: MeterId, owner: &T::AccountId) -> DispatchResult {
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
}
