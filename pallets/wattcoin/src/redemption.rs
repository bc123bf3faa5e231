//! Redeeming WATT: burning a holder's WATT for a vendor to pay out off chain, within the
//! vendor's cash-out limit (the bodies of [`Pallet::redeem`] and
//! [`Pallet::set_cash_out_limit`]); clawing back a compromised vendor's WATT
//! ([`Pallet::claw_back`]); and [`BurnAndRecord`], which burns fees and dust and records them.

use super::*;
use crate::issuance::ensure_nonzero;
use sp_runtime::traits::Saturating;

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
		let now = frame_system::Pallet::<T>::block_number();
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
		info.roll_window(now);
		let cashed_out_in_window = info
			.cashed_out_in_window
			.checked_add(&to_burn)
			.filter(|cashed_out| *cashed_out <= info.cash_out_limit)
			.ok_or(Error::<T>::CashOutLimitExceeded)?;
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

		info.cashed_out_in_window = cashed_out_in_window;
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

	/// What holders may still redeem through `vendor` in the current window; `None` if it is
	/// not licensed.
	pub fn remaining_cash_out_of(vendor: &T::AccountId) -> Option<BalanceOf<T>> {
		let now = frame_system::Pallet::<T>::block_number();
		Vendors::<T>::get(vendor).map(|info| info.cash_out_remaining_at(now))
	}

	/// Set the licensed `vendor`'s cash-out limit: the body of [`Pallet::set_cash_out_limit`].
	pub fn do_set_cash_out_limit(
		vendor: &T::AccountId,
		limit: BalanceOf<T>,
	) -> Result<(), DispatchError> {
		let now = frame_system::Pallet::<T>::block_number();
		Vendors::<T>::try_mutate(vendor, |maybe_info| -> Result<(), DispatchError> {
			let info = maybe_info.as_mut().ok_or(Error::<T>::NotLicensed)?;
			info.roll_window(now);
			info.cash_out_limit = limit;
			Ok(())
		})?;
		Self::deposit_event(Event::CashOutLimitSet { vendor: vendor.clone(), limit });
		Ok(())
	}

	/// Burn up to `amount` (plus any dust it would leave) from the licensed `vendor`'s account
	/// and revoke it: the body of [`Pallet::claw_back`], with the same checks, storage changes
	/// and events. Returns the amount burned.
	pub fn do_claw_back(
		vendor: &T::AccountId,
		amount: BalanceOf<T>,
	) -> Result<BalanceOf<T>, DispatchError> {
		ensure_nonzero::<T>(amount)?;
		if !Vendors::<T>::contains_key(vendor) {
			return Err(Error::<T>::NotLicensed.into());
		}
		// Frozen funds too (`Force`); never funds on hold, nor the existential deposit that an
		// account with dependants must keep.
		let reducible =
			T::Currency::reducible_balance(vendor, Preservation::Expendable, Fortitude::Force);
		let mut to_burn = amount.min(reducible);
		// Take the dust too rather than leave it to be reaped.
		let rest = T::Currency::balance(vendor).saturating_sub(to_burn);
		if !rest.is_zero() && rest < T::Currency::minimum_balance() {
			if let Some(all) = to_burn.checked_add(&rest).filter(|all| *all <= reducible) {
				to_burn = all;
			}
		}
		let total_burned =
			TotalBurned::<T>::get().checked_add(&to_burn).ok_or(ArithmeticError::Overflow)?;
		let total_clawed_back =
			TotalClawedBack::<T>::get().checked_add(&to_burn).ok_or(ArithmeticError::Overflow)?;

		if !to_burn.is_zero() {
			let burned = T::Currency::burn_from(
				vendor,
				to_burn,
				Preservation::Expendable,
				Precision::Exact,
				Fortitude::Force,
			)?;
			if burned != to_burn {
				// `burn_from` with `Exact` precision burns exactly `to_burn` or fails.
				defensive!(
					"pallet-wattcoin: burn_from burned a different amount",
					(to_burn, burned)
				);
				return Err(DispatchError::Other(
					"pallet-wattcoin: burn_from burned a different amount",
				));
			}
		}

		TotalBurned::<T>::put(total_burned);
		TotalClawedBack::<T>::put(total_clawed_back);
		Vendors::<T>::remove(vendor);
		Self::deposit_event(Event::ClawedBack { vendor: vendor.clone(), amount: to_burn });
		Self::deposit_event(Event::VendorRevoked { vendor: vendor.clone() });
		Ok(to_burn)
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
