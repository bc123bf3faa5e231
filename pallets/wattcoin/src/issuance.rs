//! Issuing WATT: the minimum issue, the vendor's float per period and the dated receipts that
//! make vending idempotent (the body of [`Pallet::issue`]).

use super::*;

impl<T: Config> Pallet<T> {
	/// The key under which a vendor's receipt is recorded.
	pub fn receipt_hash(receipt: &[u8]) -> ReceiptHash {
		sp_io::hashing::blake2_256(receipt)
	}

	/// What `vendor` may still issue in the current window; `None` if it is not licensed.
	pub fn remaining_allowance_of(vendor: &T::AccountId) -> Option<BalanceOf<T>> {
		let now = frame_system::Pallet::<T>::block_number();
		Vendors::<T>::get(vendor).map(|info| info.remaining_at(now))
	}

	pub(crate) fn ensure_period(period: BlockNumberFor<T>) -> Result<(), Error<T>> {
		if period.is_zero() || period < T::MinPeriod::get() {
			return Err(Error::<T>::PeriodTooShort);
		}
		Ok(())
	}

	/// Mint `amount` to `to` on behalf of the licensed `vendor` against `receipt`, dated
	/// `paid_at`: the body of [`Pallet::issue`], with the same checks, storage changes and
	/// event.
	pub fn do_issue(
		vendor: &T::AccountId,
		to: &T::AccountId,
		amount: BalanceOf<T>,
		paid_at: BlockNumberFor<T>,
		receipt: ReceiptOf<T>,
	) -> Result<(), DispatchError> {
		ensure_nonzero::<T>(amount)?;
		if amount < T::MinIssue::get() {
			return Err(Error::<T>::BelowMinimumIssue.into());
		}
		if receipt.is_empty() {
			return Err(Error::<T>::EmptyReceipt.into());
		}
		let mut info = Vendors::<T>::get(vendor).ok_or(Error::<T>::NotLicensed)?;
		let now = frame_system::Pallet::<T>::block_number();
		let receipt_hash = Self::receipt_hash(&receipt);
		// Checked before the date, so that a retry is told the sale went through for as long
		// as the chain remembers it.
		if Self::remembered_receipt(vendor, &receipt_hash, now).is_some() {
			return Err(Error::<T>::DuplicateReceipt.into());
		}
		Self::ensure_receipt_date(paid_at, now)?;

		info.roll_window(now);
		let issued_in_window = info
			.issued_in_window
			.checked_add(&amount)
			.filter(|issued| *issued <= info.allowance)
			.ok_or(Error::<T>::AllowanceExceeded)?;

		match T::Currency::can_deposit(to, amount, Provenance::Minted) {
			DepositConsequence::Success => {},
			DepositConsequence::BelowMinimum => {
				return Err(Error::<T>::BelowExistentialDeposit.into())
			},
			DepositConsequence::Overflow => return Err(ArithmeticError::Overflow.into()),
			DepositConsequence::CannotCreate
			| DepositConsequence::UnknownAsset
			| DepositConsequence::Blocked => return Err(Error::<T>::CannotReceive.into()),
		}
		let total_issued =
			TotalIssued::<T>::get().checked_add(&amount).ok_or(ArithmeticError::Overflow)?;
		Self::ensure_queue_room()?;

		let minted = T::Currency::mint_into(to, amount)?;
		if minted != amount {
			// `mint_into` mints exactly `amount` or fails.
			defensive!("pallet-wattcoin: mint_into minted a different amount", (amount, minted));
			return Err(DispatchError::Other(
				"pallet-wattcoin: mint_into minted a different amount",
			));
		}

		info.issued_in_window = issued_in_window;
		info.total_issued.defensive_saturating_accrue(amount);
		Vendors::<T>::insert(vendor, info);
		Self::prune_expired_receipts(now, PRUNE_PER_ISSUE);
		Self::remember_receipt(vendor, receipt_hash, now);
		TotalIssued::<T>::put(total_issued);

		Self::deposit_event(Event::Issued {
			vendor: vendor.clone(),
			beneficiary: to.clone(),
			amount,
			receipt,
		});
		Ok(())
	}
}

/// `ZeroAmount` for an amount of zero.
pub(crate) fn ensure_nonzero<T: Config>(amount: BalanceOf<T>) -> Result<(), Error<T>> {
	if amount.is_zero() {
		return Err(Error::<T>::ZeroAmount);
	}
	Ok(())
}
