//! Redeeming WATT: burning a holder's WATT for a vendor to pay out off chain (the body of
//! [`Pallet::redeem`]), and [`BurnAndRecord`], which burns fees and dust and records them.

use super::*;
use crate::issuance::ensure_nonzero;

impl<T: Config> Pallet<T> {
	/// Burn `amount` (plus any dust it would leave) from `holder`, to be paid out by the licensed
	/// `vendor`: the body of [`Pallet::redeem`], with the same checks, storage changes and
	/// event. Returns the redemption id and the amount burned.
	pub fn do_redeem(
		holder: &T::AccountId,
		vendor: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<(RedemptionId, BalanceOf<T>), DispatchError> {
		ensure_nonzero::<T>(amount)?;
		let mut info = Vendors::<T>::get(vendor).ok_or(Error::<T>::NotLicensed)?;
		// Checked first: `can_withdraw` reports an amount above the total issuance as an
		// underflow, while for the holder it is simply more than they have.
		if amount > T::Currency::balance(holder) {
			return Err(Error::<T>::InsufficientBalance.into());
		}

		let to_burn = match T::Currency::can_withdraw(holder, amount) {
			WithdrawConsequence::Success => amount,
			// The account would be left with `dust` below the existential deposit and reaped:
			// redeem the dust too rather than let it be destroyed unpaid.
			WithdrawConsequence::ReducedToZero(dust) => {
				amount.checked_add(&dust).ok_or(ArithmeticError::Overflow)?
			},
			WithdrawConsequence::BalanceLow => return Err(Error::<T>::InsufficientBalance.into()),
			WithdrawConsequence::Frozen
			| WithdrawConsequence::WouldDie
			| WithdrawConsequence::UnknownAsset => return Err(Error::<T>::FundsUnavailable.into()),
			WithdrawConsequence::Underflow => return Err(ArithmeticError::Underflow.into()),
			WithdrawConsequence::Overflow => return Err(ArithmeticError::Overflow.into()),
		};
		let total_redeemed =
			TotalRedeemed::<T>::get().checked_add(&to_burn).ok_or(ArithmeticError::Overflow)?;
		let id = NextRedemptionId::<T>::get();
		let next_id = id.checked_add(1).ok_or(ArithmeticError::Overflow)?;

		let burned = T::Currency::burn_from(
			holder,
			to_burn,
			Preservation::Expendable,
			Precision::Exact,
			Fortitude::Polite,
		)?;
		if burned != to_burn {
			// `burn_from` with `Exact` precision burns exactly `to_burn` or fails.
			defensive!("pallet-wattcoin: burn_from burned a different amount", (to_burn, burned));
			return Err(DispatchError::Other(
				"pallet-wattcoin: burn_from burned a different amount",
			));
		}

		info.total_redeemed.defensive_saturating_accrue(burned);
		Vendors::<T>::insert(vendor, info);
		TotalRedeemed::<T>::put(total_redeemed);
		NextRedemptionId::<T>::put(next_id);

		Self::deposit_event(Event::Redeemed {
			id,
			holder: holder.clone(),
			vendor: vendor.clone(),
			amount: burned,
		});
		Ok((id, burned))
	}
}

/// Burns what it is given and records it in [`TotalBurned`], so the issuance invariant holds.
///
/// Plug it in as pallet-transaction-payment's fee handler,
/// `FungibleAdapter<Balances, BurnAndRecord<Runtime>>` (fees and tips), and as pallet-balances'
/// `DustRemoval` (dust of reaped accounts). It emits no event: pallet-transaction-payment
/// reports fees (`TransactionFeePaid`) and pallet-balances reports dust (`DustLost`).
pub struct BurnAndRecord<T>(PhantomData<T>);

impl<T: Config> OnUnbalanced<CreditOf<T>> for BurnAndRecord<T> {
	fn on_nonzero_unbalanced(credit: CreditOf<T>) {
		let amount = credit.peek();
		// Dropping a credit burns it: the currency lowers its total issuance by `amount`.
		drop(credit);
		TotalBurned::<T>::mutate(|burned| burned.defensive_saturating_accrue(amount));
	}
}
