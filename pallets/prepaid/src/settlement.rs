//! Settling a household's account when it leaves the meter: on a change of tenancy
//! (pallet-meters' `set_owner`) and when the meter is decommissioned. Standing charges up to
//! now, debt and emergency credit recovered from credit, the rest refunded to the leaving
//! owner; debt that credit does not cover is written off (reported in the event, for the
//! operator to pursue off chain), never passed to the next household. A refund the owner's
//! account cannot receive yet (below the existential deposit) is kept in the pot for the
//! owner to claim with `claim_refund`: it is the household's, never the operator's.

use crate::{pallet::*, pricing, types::*};
use frame_support::{
	pallet_prelude::*,
	traits::{
		fungible::{Inspect, Mutate},
		tokens::{DepositConsequence, Preservation, Provenance},
	},
};
use sp_runtime::traits::{SaturatedConversion, Saturating, Zero};
use wattcoin_primitives::{traits::MeterRegistry, MeterId};

/// What settling a household's account came to.
pub(crate) struct Settlement<Balance> {
	/// Credit paid back to the owner.
	pub refunded: Balance,
	/// Credit paid to the operator: standing charges, debt and emergency credit recovered.
	pub paid: Balance,
	/// A refund the owner's account could not receive (below the existential deposit), kept
	/// for the owner to claim.
	pub unclaimed: Balance,
	/// Debt and emergency credit that credit did not cover.
	pub written_off: Balance,
}

impl<T: Config> Pallet<T> {
	/// Settles `account` for `owner` up to now and leaves it without credit, debt or
	/// emergency credit (its tariff and reading history are kept).
	fn settle(
		meter: MeterId,
		account: &mut MeterAccountOf<T>,
		owner: &T::AccountId,
	) -> Result<Settlement<BalanceOf<T>>, DispatchError> {
		let now = Self::now().max(account.last_billed);
		// The operator managing the meter; the tariff's only for a meter the registry has
		// forgotten.
		let operator = T::Meters::meter(meter)
			.map(|m| m.operator)
			.or_else(|| Self::tariff_operator(account, now));
		let credit_before = account.credit;

		// Standing charges up to now.
		if let Some((current, next)) = Self::tariffs_until(account, now) {
			let timeline = Self::rates_timeline(&current, next.as_ref());
			if account.standing_paid_until != 0 && account.supply != SupplyState::Disconnected {
				let (standing, paid_until) =
					pricing::standing_charge(&timeline, account.standing_paid_until, now);
				Self::charge(account, standing.saturated_into());
				account.standing_paid_until = paid_until;
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
		let mut unclaimed = Zero::zero();
		let mut refunded = Zero::zero();
		if !refund.is_zero() {
			match T::Currency::transfer(&Self::pot(), owner, refund, Preservation::Preserve) {
				Ok(_) => refunded = refund,
				Err(e) => {
					// Only a refund the owner's account cannot receive (below the existential
					// deposit) is kept for it to claim; anything else refuses.
					ensure!(
						T::Currency::can_deposit(owner, refund, Provenance::Extant)
							!= DepositConsequence::Success,
						e
					);
					UnclaimedRefunds::<T>::mutate(owner, |u| u.saturating_accrue(refund));
					unclaimed = refund;
				},
			}
		}

		if let Some(operator) = &operator {
			Self::pay_operator(operator, paid);
		}
		// What is still owed: the unclaimed refund stays in `Liabilities`.
		Liabilities::<T>::mutate(|h| h.saturating_reduce(refunded));
		account.credit = Zero::zero();
		account.debt = Zero::zero();
		account.emergency_granted = Zero::zero();
		account.emergency_used = Zero::zero();
		Ok(Settlement { refunded, paid, unclaimed, written_off })
	}

	/// Settles and removes a meter's account, refunding its credit to `owner`.
	pub(crate) fn close(meter: MeterId, owner: &T::AccountId) -> DispatchResult {
		let Some(mut account) = MeterAccounts::<T>::get(meter) else { return Ok(()) };
		let s = Self::settle(meter, &mut account, owner)?;
		if let Some(id) = account.tariff {
			Self::release_tariff(id);
		}
		if let Some((id, _)) = account.next_tariff {
			Self::release_tariff(id);
		}
		MeterAccounts::<T>::remove(meter);
		SupplyOrders::<T>::remove(meter);
		Self::deposit_event(Event::MeterClosed {
			meter,
			owner: owner.clone(),
			refunded: s.refunded,
			paid: s.paid,
			unclaimed: s.unclaimed,
			written_off: s.written_off,
		});
		Ok(())
	}

	/// Ends the tenancy of `old_owner`: its account is settled and refunded, and the meter
	/// goes on at the same tariff for the next household with nothing owed and nothing
	/// inherited (no credit, debt, emergency credit, block-tier energy or forecast).
	pub(crate) fn end_tenancy(meter: MeterId, old_owner: &T::AccountId) -> DispatchResult {
		let Some(mut account) = MeterAccounts::<T>::get(meter) else { return Ok(()) };
		let s = Self::settle(meter, &mut account, old_owner)?;
		account.tier_counter = TierCounter::default();
		account.remainder_milli = 0;
		account.daily_energy_cost = Zero::zero();
		if account.standing_paid_until != 0 {
			// The leaving household paid whole days; the part of a day before the handover
			// is charged to neither household.
			account.standing_paid_until = Self::now().max(account.standing_paid_until);
		}
		let now = Self::now();
		if let Some(params) = Self::params_at(&account, now) {
			Self::set_supply(meter, &mut account, &params, now);
		}
		MeterAccounts::<T>::insert(meter, account);
		Self::deposit_event(Event::TenancyEnded {
			meter,
			owner: old_owner.clone(),
			refunded: s.refunded,
			paid: s.paid,
			unclaimed: s.unclaimed,
			written_off: s.written_off,
		});
		Ok(())
	}
}
