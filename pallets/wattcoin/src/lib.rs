//! # pallet-wattcoin
//!
//! Governs how Wattcoin (WATT), the chain's native token held in pallet-balances, enters and
//! leaves circulation, so that every WATT in existence is backed by a recorded sale.
//!
//! A household pays cash or card at a *vendor* (a shop, an app, the utility's office); the
//! vendor calls [`Pallet::issue`], which mints WATT to the household's account against the id
//! of the off-chain payment (the *receipt*). A holder who wants cash back calls
//! [`Pallet::redeem`] naming a vendor: the WATT is burned and the vendor pays out off chain,
//! reconciling against the [`Event::Redeemed`] event and its redemption id.
//!
//! ## Roles and calls
//!
//! | call | origin | effect |
//! | --- | --- | --- |
//! | [`license_vendor`](Pallet::license_vendor) | [`Config::ManagerOrigin`] (root) | license an account as a vendor with an allowance |
//! | [`set_vendor_allowance`](Pallet::set_vendor_allowance) | [`Config::ManagerOrigin`] | change a vendor's allowance and period |
//! | [`revoke_vendor`](Pallet::revoke_vendor) | [`Config::ManagerOrigin`] | end a license |
//! | [`issue`](Pallet::issue) | a licensed vendor | mint WATT to a beneficiary against a receipt |
//! | [`redeem`](Pallet::redeem) | any holder | burn own WATT, cashed out by a licensed vendor |
//!
//! ## Allowance: a float per period
//!
//! Each vendor has an `allowance` and a `period` (in blocks, at least [`Config::MinPeriod`]).
//! In every window of `period` blocks the vendor may issue at most `allowance`; the float
//! refills at the first block of the next window, like a till limit that is reset every day.
//! Windows are aligned to multiples of `period` counted from block 0, so everyone can tell
//! when a vendor's float refills (the next multiple of its period) and the pallet stores just
//! two numbers per vendor (window start and amount issued in it): O(1) state and O(1) work per
//! issue.
//!
//! Why per period and not a lifetime total: a vendor sells tokens continuously, so a total cap
//! would have to be topped up by governance over and over (or be set so high that it bounds
//! nothing), while a float per period bounds what a compromised or dishonest vendor key can
//! mint before it is noticed and revoked, to at most `allowance` per window (at most twice
//! the allowance across a window boundary). A total cap is still available: a period longer
//! than the chain will ever run keeps a vendor in its first window for good.
//! A fixed window was preferred to a rolling one, which would need a history of issues per
//! vendor. An allowance of zero suspends issuing while holders can still redeem through the
//! vendor. Changing the allowance or the period keeps what was already issued in the current
//! window (no fresh float by reconfiguration). Redemptions do not refill the float.
//!
//! ## Receipts: idempotent vending
//!
//! `issue` records `blake2_256(receipt)` under the vendor in [`UsedReceipts`], with the block
//! it was used in, and refuses the same receipt from the same vendor forever after, including
//! after the vendor's license is revoked and granted again. The same receipt from two
//! different vendors is two different sales and both are accepted. A vendor whose request
//! timed out can simply retry it: either the first attempt went through and the retry fails
//! with [`Error::DuplicateReceipt`], or the retry mints once.
//!
//! Storage growth: one entry (~120 bytes of key and value plus trie overhead) per issue,
//! kept forever, because "refused forever" cannot be checked after forgetting. No deposit is
//! charged: the entries can never be removed, so a deposit could never be returned and would
//! only be a second fee; vendors are accountable parties licensed by root, every issue is a
//! signed transaction paying a fee that covers its storage write, and each issue mints at least
//! one unit within the vendor's allowance (at least the existential deposit to a new account).
//! The growth is therefore proportional to real sales (12 million top-ups a year, a million
//! households topping up monthly, are roughly 1.5 GB a year of state before trie overhead).
//!
//! ## Redemption and the existential deposit
//!
//! `redeem` burns with [`Preservation::Expendable`], so a holder may redeem everything. If a
//! redemption would leave a non-zero balance below the existential deposit (dust that
//! pallet-balances would destroy when reaping the account), the dust is redeemed as well: the
//! account is emptied, the event reports the whole amount burned and the vendor pays it all
//! out. Nothing a holder owns is destroyed without being paid for, and a holder who wants to
//! empty an account may ask for up to one existential deposit less than its balance (handy as
//! the balance at dispatch is already reduced by the transaction fee). Balance that is frozen,
//! on hold, or needed to keep an account with dependants alive cannot be redeemed.
//!
//! Issuing less than the existential deposit to an account that does not exist fails with
//! [`Error::BelowExistentialDeposit`] rather than minting tokens that would vanish.
//!
//! ## Issuance accounting and the invariant
//!
//! The pallet keeps [`GenesisIssuance`] (total issuance when the genesis was built),
//! [`TotalIssued`], [`TotalRedeemed`] and [`TotalBurned`] (transaction fees and dust burned
//! through [`BurnAndRecord`]). At the end of every block:
//!
//! ```text
//! Currency::total_issuance() == GenesisIssuance + TotalIssued - TotalRedeemed - TotalBurned
//! ```
//!
//! It is checked in `try_state` (as `total_issuance + TotalRedeemed + TotalBurned ==
//! GenesisIssuance + TotalIssued`, which cannot underflow), run by try-runtime and after every
//! unit test of this pallet. It holds under these assumptions about the runtime:
//! - this pallet's genesis is built after pallet-balances' (it reads the total issuance);
//! - pallet-transaction-payment uses `FungibleAdapter<Balances, BurnAndRecord<Runtime>>` and
//!   pallet-balances uses `DustRemoval = BurnAndRecord<Runtime>`, so burned fees, tips and
//!   dust are recorded;
//! - the runtime's call filter forbids `Balances::burn`, with which any holder could lower
//!   the total issuance outside this pallet;
//! - root does not call `Balances::force_set_balance` or `Balances::force_adjust_total_issuance`.
//!   Root bypasses every call filter, so this is trust in governance, not a rule the runtime
//!   can enforce; if root does, `try_state` reports the difference;
//! - no other pallet mints, burns, or drops a `fungible` credit or debt of the native token
//!   (they move WATT with transfers and holds only).
//!
//! ## Other invariants (also checked in `try_state`)
//! - The vendor counter equals the number of vendors and is at most [`Config::MaxVendors`].
//! - Every vendor's period is non-zero and its window start is a multiple of the period not
//!   after the current block.
//! - The vendors' own totals add up to at most [`TotalIssued`] and [`TotalRedeemed`].

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
mod issuance;
#[cfg(test)]
mod mock;
mod redemption;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use redemption::BurnAndRecord;

use core::marker::PhantomData;
use frame_support::{
	defensive,
	traits::{
		fungible::{self, Inspect, Mutate},
		tokens::{
			DepositConsequence, Fortitude, Precision, Preservation, Provenance, WithdrawConsequence,
		},
		DefensiveSaturating, Get, Imbalance, OnUnbalanced,
	},
	BoundedVec,
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{CheckedAdd, StaticLookup, Zero},
	ArithmeticError, DispatchError,
};

/// The balance type of the currency this pallet mints and burns.
pub type BalanceOf<T> =
	<<T as Config>::Currency as Inspect<<T as frame_system::Config>::AccountId>>::Balance;

/// A credit (an amount taken out of accounts but not yet out of the total issuance) of the
/// currency: what fee payment and dust removal hand to [`BurnAndRecord`].
pub type CreditOf<T> =
	fungible::Credit<<T as frame_system::Config>::AccountId, <T as Config>::Currency>;

/// A vendor record with the runtime's balance and block number types.
pub type VendorInfoOf<T> = VendorInfo<BalanceOf<T>, BlockNumberFor<T>>;

/// The id of an off-chain payment, as given to [`Pallet::issue`].
pub type ReceiptOf<T> = BoundedVec<u8, <T as Config>::MaxReceiptLen>;

type AccountIdLookupOf<T> = <<T as frame_system::Config>::Lookup as StaticLookup>::Source;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// The in-code storage version.
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(0);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	#[pallet::config]
	pub trait Config: frame_system::Config {
		/// The native currency (pallet-balances). This pallet mints into and burns from it, and
		/// its total issuance is what the issuance invariant is about.
		type Currency: fungible::Mutate<Self::AccountId> + fungible::Balanced<Self::AccountId>;

		/// Who may license vendors, change their allowances and revoke them (root in the
		/// runtime).
		type ManagerOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The most vendors that can be licensed at the same time.
		#[pallet::constant]
		type MaxVendors: Get<u32>;

		/// The longest receipt id, in bytes.
		#[pallet::constant]
		type MaxReceiptLen: Get<u32>;

		/// The shortest allowance period, in blocks. Must be at least one.
		#[pallet::constant]
		type MinPeriod: Get<BlockNumberFor<Self>>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// The licensed vendors: allowance, period, and issuing in the current window.
	///
	/// At most [`Config::MaxVendors`] entries.
	#[pallet::storage]
	pub type Vendors<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, VendorInfoOf<T>, OptionQuery>;

	/// Receipts already used, by vendor and `blake2_256` of the receipt, with the block of the
	/// issue. Entries are never removed: a used receipt is refused forever.
	#[pallet::storage]
	pub type UsedReceipts<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Identity,
		ReceiptHash,
		BlockNumberFor<T>,
		OptionQuery,
	>;

	/// The id the next redemption gets. Ids start at 0 and grow by one per redemption.
	#[pallet::storage]
	pub type NextRedemptionId<T: Config> = StorageValue<_, RedemptionId, ValueQuery>;

	/// The currency's total issuance when the genesis was built.
	#[pallet::storage]
	pub type GenesisIssuance<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Everything ever minted by vendors through [`Pallet::issue`].
	#[pallet::storage]
	pub type TotalIssued<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Everything ever burned by holders through [`Pallet::redeem`].
	#[pallet::storage]
	pub type TotalRedeemed<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Everything ever burned through [`BurnAndRecord`]: transaction fees, tips and dust.
	#[pallet::storage]
	pub type TotalBurned<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Vendors licensed at genesis.
	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// `(vendor, allowance, period)`: the vendor may issue up to `allowance` in every
		/// window of `period` blocks (at least [`Config::MinPeriod`]). No duplicates, at most
		/// [`Config::MaxVendors`] entries.
		pub vendors: alloc::vec::Vec<(T::AccountId, BalanceOf<T>, BlockNumberFor<T>)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			// An invalid genesis must not produce a chain: failing here is the expected
			// behaviour (this runs when the chain spec is built, never in a block).
			assert!(
				self.vendors.len() <= T::MaxVendors::get() as usize,
				"pallet-wattcoin genesis: more vendors than MaxVendors"
			);
			let now = frame_system::Pallet::<T>::block_number();
			for (vendor, allowance, period) in &self.vendors {
				assert!(
					!period.is_zero() && *period >= T::MinPeriod::get(),
					"pallet-wattcoin genesis: a vendor's period is shorter than MinPeriod"
				);
				assert!(
					!Vendors::<T>::contains_key(vendor),
					"pallet-wattcoin genesis: a vendor is listed twice"
				);
				Vendors::<T>::insert(vendor, VendorInfo::new(*allowance, *period, now));
			}
			GenesisIssuance::<T>::put(T::Currency::total_issuance());
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// `vendor` was licensed to issue up to `allowance` in every window of `period` blocks.
		VendorLicensed { vendor: T::AccountId, allowance: BalanceOf<T>, period: BlockNumberFor<T> },
		/// `vendor`'s allowance is now `allowance` per window of `period` blocks.
		VendorAllowanceChanged {
			vendor: T::AccountId,
			allowance: BalanceOf<T>,
			period: BlockNumberFor<T>,
		},
		/// `vendor`'s license was revoked: it can no longer issue, nor be redeemed through.
		VendorRevoked { vendor: T::AccountId },
		/// `vendor` minted `amount` to `beneficiary` against the off-chain payment `receipt`.
		Issued {
			vendor: T::AccountId,
			beneficiary: T::AccountId,
			amount: BalanceOf<T>,
			receipt: ReceiptOf<T>,
		},
		/// `holder` burned `amount` (including any dust below the existential deposit that the
		/// redemption would have left) for `vendor` to pay out; `id` is unique and increasing.
		Redeemed {
			id: RedemptionId,
			holder: T::AccountId,
			vendor: T::AccountId,
			amount: BalanceOf<T>,
		},
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is not a licensed vendor.
		NotLicensed,
		/// The account is already a licensed vendor (use `set_vendor_allowance` to change it).
		AlreadyLicensed,
		/// [`Config::MaxVendors`] vendors are already licensed.
		TooManyVendors,
		/// The period is shorter than [`Config::MinPeriod`].
		PeriodTooShort,
		/// The amount is zero.
		ZeroAmount,
		/// The receipt is empty.
		EmptyReceipt,
		/// This vendor already used this receipt: it issued for this payment before.
		DuplicateReceipt,
		/// The amount is more than the vendor may still issue in the current window.
		AllowanceExceeded,
		/// The beneficiary account does not exist and the amount is less than the existential
		/// deposit, which it needs to exist.
		BelowExistentialDeposit,
		/// The beneficiary account cannot receive the amount.
		CannotReceive,
		/// The amount is more than the holder's free balance.
		InsufficientBalance,
		/// The amount is more than the holder may spend: part of the balance is frozen, on
		/// hold, or needed to keep an account with dependants alive.
		FundsUnavailable,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxReceiptLen::get() > 0, "pallet-wattcoin: MaxReceiptLen must be > 0");
			assert!(T::MaxVendors::get() > 0, "pallet-wattcoin: MaxVendors must be > 0");
			assert!(!T::MinPeriod::get().is_zero(), "pallet-wattcoin: MinPeriod must be > 0");
			assert!(
				!T::Currency::minimum_balance().is_zero(),
				"pallet-wattcoin: the currency's existential deposit must be > 0"
			);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_n: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// License `vendor` to issue up to `allowance` in every window of `period` blocks.
		///
		/// Origin: [`Config::ManagerOrigin`] (root).
		///
		/// Windows are aligned to multiples of `period` from block 0; the current one starts
		/// with nothing issued. An `allowance` of zero licenses a vendor that can be redeemed
		/// through but cannot issue yet.
		///
		/// Errors: `BadOrigin`; [`Error::PeriodTooShort`] if `period` is below
		/// [`Config::MinPeriod`]; [`Error::AlreadyLicensed`]; [`Error::TooManyVendors`].
		///
		/// Event: [`Event::VendorLicensed`].
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::license_vendor())]
		pub fn license_vendor(
			origin: OriginFor<T>,
			vendor: AccountIdLookupOf<T>,
			#[pallet::compact] allowance: BalanceOf<T>,
			period: BlockNumberFor<T>,
		) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			let vendor = T::Lookup::lookup(vendor)?;
			Self::ensure_period(period)?;
			ensure!(!Vendors::<T>::contains_key(&vendor), Error::<T>::AlreadyLicensed);
			ensure!(Vendors::<T>::count() < T::MaxVendors::get(), Error::<T>::TooManyVendors);

			let now = frame_system::Pallet::<T>::block_number();
			Vendors::<T>::insert(&vendor, VendorInfo::new(allowance, period, now));
			Self::deposit_event(Event::VendorLicensed { vendor, allowance, period });
			Ok(())
		}

		/// Change a licensed vendor's allowance and period.
		///
		/// Origin: [`Config::ManagerOrigin`] (root).
		///
		/// What the vendor already issued in the current window counts against the new
		/// allowance: lowering the allowance below it stops issuing until the next window, and
		/// a new period never hands out a fresh float. The window is re-aligned to the new
		/// period.
		///
		/// Errors: `BadOrigin`; [`Error::PeriodTooShort`]; [`Error::NotLicensed`].
		///
		/// Event: [`Event::VendorAllowanceChanged`].
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::set_vendor_allowance())]
		pub fn set_vendor_allowance(
			origin: OriginFor<T>,
			vendor: AccountIdLookupOf<T>,
			#[pallet::compact] allowance: BalanceOf<T>,
			period: BlockNumberFor<T>,
		) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			let vendor = T::Lookup::lookup(vendor)?;
			Self::ensure_period(period)?;
			let now = frame_system::Pallet::<T>::block_number();
			Vendors::<T>::try_mutate(&vendor, |maybe_info| -> DispatchResult {
				let info = maybe_info.as_mut().ok_or(Error::<T>::NotLicensed)?;
				info.reconfigure(allowance, period, now);
				Ok(())
			})?;
			Self::deposit_event(Event::VendorAllowanceChanged { vendor, allowance, period });
			Ok(())
		}

		/// Revoke `vendor`'s license.
		///
		/// Origin: [`Config::ManagerOrigin`] (root).
		///
		/// The vendor can no longer issue and holders can no longer redeem through it. The
		/// receipts it used stay used: licensed again, it still cannot reuse them.
		///
		/// Errors: `BadOrigin`; [`Error::NotLicensed`].
		///
		/// Event: [`Event::VendorRevoked`].
		#[pallet::call_index(2)]
		#[pallet::weight(T::WeightInfo::revoke_vendor())]
		pub fn revoke_vendor(origin: OriginFor<T>, vendor: AccountIdLookupOf<T>) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			let vendor = T::Lookup::lookup(vendor)?;
			Vendors::<T>::take(&vendor).ok_or(Error::<T>::NotLicensed)?;
			Self::deposit_event(Event::VendorRevoked { vendor });
			Ok(())
		}

		/// Mint `amount` to `to` against the off-chain payment `receipt`.
		///
		/// Origin: signed by a licensed vendor.
		///
		/// The amount counts against the vendor's allowance for the current window. The receipt
		/// is recorded for the vendor and refused forever after; the total issuance grows by
		/// `amount`.
		///
		/// Errors: [`Error::ZeroAmount`]; [`Error::EmptyReceipt`]; [`Error::NotLicensed`] if
		/// the signer is not a licensed vendor; [`Error::DuplicateReceipt`];
		/// [`Error::AllowanceExceeded`]; [`Error::BelowExistentialDeposit`] if `to` does not
		/// exist and `amount` is below the existential deposit; [`Error::CannotReceive`];
		/// `Arithmetic(Overflow)` if the total issuance would overflow.
		///
		/// Event: [`Event::Issued`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::issue(receipt.len() as u32))]
		pub fn issue(
			origin: OriginFor<T>,
			to: AccountIdLookupOf<T>,
			#[pallet::compact] amount: BalanceOf<T>,
			receipt: ReceiptOf<T>,
		) -> DispatchResult {
			let vendor = ensure_signed(origin)?;
			let to = T::Lookup::lookup(to)?;
			Self::do_issue(&vendor, &to, amount, receipt)
		}

		/// Burn `amount` of the caller's WATT, to be paid out off chain by `vendor`.
		///
		/// Origin: signed by any holder.
		///
		/// Burns with `Expendable` preservation: the caller may redeem its whole balance. If the
		/// redemption would leave less than the existential deposit (but not nothing), that
		/// dust is redeemed too and the account is emptied. The event carries a unique,
		/// increasing redemption id the vendor reconciles its payouts against. The total
		/// issuance falls by the amount redeemed. Redemptions do not refill the vendor's
		/// allowance.
		///
		/// Errors: [`Error::ZeroAmount`]; [`Error::NotLicensed`] if `vendor` is not a licensed
		/// vendor; [`Error::InsufficientBalance`] if `amount` is more than the free balance;
		/// [`Error::FundsUnavailable`] if part of it is frozen, on hold or needed to keep the
		/// account alive.
		///
		/// Event: [`Event::Redeemed`].
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::redeem())]
		pub fn redeem(
			origin: OriginFor<T>,
			vendor: AccountIdLookupOf<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			let holder = ensure_signed(origin)?;
			let vendor = T::Lookup::lookup(vendor)?;
			Self::do_redeem(&holder, &vendor, amount).map(|_| ())
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// What `vendor` may still issue in the current window; `None` if it is not licensed.
		pub fn remaining_allowance(vendor: T::AccountId) -> Option<BalanceOf<T>> {
			Self::remaining_allowance_of(&vendor)
		}

		/// The block in which `vendor` used `receipt`; `None` if it has not used it.
		pub fn receipt_used_at(
			vendor: T::AccountId,
			receipt: ReceiptOf<T>,
		) -> Option<BlockNumberFor<T>> {
			UsedReceipts::<T>::get(&vendor, Self::receipt_hash(&receipt))
		}
	}
}
