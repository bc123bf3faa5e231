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
//! | [`claw_back`](Pallet::claw_back) | [`Config::ManagerOrigin`] | burn what a compromised vendor's account holds, and end its license |
//! | [`issue`](Pallet::issue) | a licensed vendor | mint WATT to a beneficiary against a dated receipt |
//! | [`set_cash_out_limit`](Pallet::set_cash_out_limit) | a licensed vendor | bound what holders may redeem through it per window |
//! | [`redeem`](Pallet::redeem) | any holder | burn own WATT, cashed out by a licensed vendor within its limit |
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
//! ## Minimum issue
//!
//! Every issue mints at least [`Config::MinIssue`] (one WATT in the runtime), or fails with
//! [`Error::BelowMinimumIssue`]. So a vendor, or a thief with its key, makes at most
//! `allowance / MinIssue` issues in a window: the allowance bounds the number of receipts the
//! chain must remember as well as the WATT minted, and flooding state with one-unit issues
//! (whose fees the thief would pay from its own minting) is impossible.
//!
//! ## Receipts: idempotent vending for a bounded time
//!
//! `issue` takes the receipt and its date `paid_at`, a block number the vendor's till knew
//! when it took the payment (its best block). A receipt dated after the current block fails
//! with [`Error::ReceiptDatedInFuture`], one dated [`Config::ReceiptLifetime`] blocks or more
//! before it with [`Error::ReceiptExpired`]. `issue` records `blake2_256(receipt)` under the
//! vendor in [`UsedReceipts`], with the block it was used in, and refuses the same receipt from
//! the same vendor with [`Error::DuplicateReceipt`] for `ReceiptLifetime` blocks, including
//! after the vendor's license is revoked and granted again. The same receipt from two
//! different vendors is two different sales and both are accepted.
//!
//! A vendor whose request timed out retries it with the same receipt *and the same date*:
//! either the first attempt went through and the retry fails with `DuplicateReceipt` (while
//! the chain remembers the receipt) or `ReceiptExpired` (after, since the date is then at least
//! `ReceiptLifetime` old: the entry is only forgotten once no retry can pass the date check),
//! or the first attempt did not go through and the retry mints once. A sale therefore never
//! mints twice, while every receipt is forgotten `ReceiptLifetime` blocks after its use; its id
//! may then be used again, with a new date, for a new sale.
//!
//! A vendor can only use up its own receipt ids (ids are per vendor), and only for
//! `ReceiptLifetime`: it cannot date a receipt ahead to hold an id longer. A thief who burned a
//! vendor's ids blocks them for one lifetime at most.
//!
//! ### Forgetting, and the bound on stored receipts
//!
//! Every used receipt is also queued in [`ReceiptQueue`] (positions `head..tail` of
//! [`ReceiptQueueRange`]) in the order of use, so the expired ones are at its head. Each issue
//! first forgets up to [`PRUNE_PER_ISSUE`] (two) expired receipts, then adds its own; `on_idle`
//! forgets as many more as the block's spare weight allows (at most [`MAX_PRUNE_ON_IDLE`]).
//! No call or hook iterates more than that.
//!
//! The bound: **the chain never stores more receipts than the most issues made within any
//! `ReceiptLifetime` consecutive blocks**, even if `on_idle` never runs. Proof: if at most two
//! queued receipts are expired when an issue comes, it forgets them all, and the queue then
//! holds exactly the receipts of the last `ReceiptLifetime` blocks; otherwise the issue forgets
//! two and adds one, so the queue shrinks. Between issues it only shrinks. In turn, the issues
//! within `ReceiptLifetime` blocks are at most, summed over the vendors licensed then,
//! `allowance / MinIssue * (ReceiptLifetime / period + 2)`, figures governance sets. Each
//! receipt costs about 200 bytes of state (its [`UsedReceipts`] entry and its queue entry)
//! before trie overhead. In the runtime (a week, one WATT): 12 million sales a year, a
//! million households topping up monthly, keep about 230,000 receipts, some 46 MB, flat; before
//! receipts expired the same sales grew state by about 1.5 GB a year.
//!
//! No deposit is charged for a receipt: vendors are accountable parties licensed by root,
//! every issue is a signed transaction paying a fee that covers its storage writes, and each
//! issue mints at least `MinIssue` within the vendor's allowance.
//!
//! ## Cash-out limits
//!
//! A redemption makes the named vendor owe the holder cash. So that no holder can impose an
//! unbounded obligation on a vendor, each vendor has a `cash_out_limit`: in each of its
//! allowance windows, holders may redeem at most that much through it (dust swept by a
//! redemption included); beyond it `redeem` fails with [`Error::CashOutLimitExceeded`] and the
//! holder chooses another vendor or waits for the next window. The vendor sets its own limit
//! with [`Pallet::set_cash_out_limit`] (what its till can pay out in a window; zero to take no
//! cash-outs); a license starts with the allowance as its limit, the cash a vendor selling that
//! much takes in. As with the allowance, what was cashed out in the current window still counts
//! after the limit, the allowance or the period changes. The limit bounds the vendor's
//! obligation, not who gets served first: a holder may use up a vendor's window.
//! [`Pallet::remaining_cash_out`] tells wallets what a vendor still takes.
//!
//! ## Clawback of a compromised vendor
//!
//! When a vendor's key is stolen, governance ([`Config::ManagerOrigin`], which licenses
//! vendors) calls [`Pallet::claw_back`]: it burns up to the given amount of the WATT the
//! vendor's own account holds, frozen funds too (not funds on hold, nor the existential deposit
//! an account with dependants must keep; dust it would leave is burned as well), and revokes the
//! license in the same call. Only a licensed vendor's account can be clawed back from; to claw
//! back from one already revoked, license it again with a zero allowance first. WATT the thief
//! already moved to other accounts stays issued: the chain cannot tell it from honest
//! households' WATT, and the allowance bounds it.
//!
//! The burn is recorded in [`TotalBurned`] (with fees and dust) and in [`TotalClawedBack`]
//! (clawbacks only, at most `TotalBurned`), so the issuance identity below stays true:
//! `TotalIssued` still counts what the vendor minted, and the clawed-back part of it left
//! circulation as burned.
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
//! [`Error::BelowExistentialDeposit`] rather than minting tokens that would vanish (only
//! possible where `MinIssue` is below the existential deposit).
//!
//! ## Issuance accounting and the invariant
//!
//! The pallet keeps [`GenesisIssuance`] (total issuance when the genesis was built),
//! [`TotalIssued`], [`TotalRedeemed`] and [`TotalBurned`] (transaction fees and dust burned
//! through [`BurnAndRecord`], and clawbacks). At the end of every block:
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
//!   can enforce; if root does, `try_state` reports the difference (governance takes WATT
//!   from a compromised vendor with `claw_back`, which records it);
//! - no other pallet mints, burns, or drops a `fungible` credit or debt of the native token
//!   (they move WATT with transfers and holds only).
//!
//! ## Other invariants (also checked in `try_state`)
//! - The vendor counter equals the number of vendors and is at most [`Config::MaxVendors`].
//! - Every vendor's period is non-zero and its window start is a multiple of the period not
//!   after the current block.
//! - The vendors' own totals add up to at most [`TotalIssued`] and [`TotalRedeemed`].
//! - [`TotalClawedBack`] is at most [`TotalBurned`].
//! - The receipt queue holds exactly the positions `head..tail`, in the order of use, none used
//!   after the current block, and every entry of [`UsedReceipts`] has exactly one queued
//!   receipt that will forget it.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
mod genesis;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
mod issuance;
pub mod migrations;
#[cfg(test)]
mod mock;
mod receipts;
mod redemption;
#[cfg(test)]
mod tests;
pub mod types;
pub mod weights;

pub use receipts::{MAX_PRUNE_ON_IDLE, PRUNE_PER_ISSUE};
pub use redemption::BurnAndRecord;
pub use types::{BalanceOf, CreditOf, QueuedReceiptOf, ReceiptOf, VendorInfoOf};

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
};
use frame_system::pallet_prelude::BlockNumberFor;
use sp_runtime::{
	traits::{CheckedAdd, StaticLookup, Zero},
	ArithmeticError, DispatchError,
};

type AccountIdLookupOf<T> = <<T as frame_system::Config>::Lookup as StaticLookup>::Source;

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use frame_support::pallet_prelude::*;
	use frame_system::pallet_prelude::*;

	/// The in-code storage version.
	///
	/// Version 1: [`VendorInfo`] carries the vendor's cash-out limit, and used receipts are
	/// queued for expiry ([`migrations::v1`]).
	const STORAGE_VERSION: StorageVersion = StorageVersion::new(1);

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

		/// The smallest amount one [`Pallet::issue`] may mint. Must be at least one.
		///
		/// With it, a vendor's allowance also bounds how many issues (and so how many receipts
		/// to remember) it can make in a window: at most `allowance / MinIssue`.
		#[pallet::constant]
		type MinIssue: Get<BalanceOf<Self>>;

		/// How long, in blocks, a used receipt is remembered, and how old (by its `paid_at`
		/// date) a receipt may be when it is issued against. Must be at least one.
		#[pallet::constant]
		type ReceiptLifetime: Get<BlockNumberFor<Self>>;

		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;
	}

	/// The licensed vendors: allowance, period, and issuing in the current window.
	///
	/// At most [`Config::MaxVendors`] entries.
	#[pallet::storage]
	pub type Vendors<T: Config> =
		CountedStorageMap<_, Blake2_128Concat, T::AccountId, VendorInfoOf<T>, OptionQuery>;

	/// Receipts used within the last [`Config::ReceiptLifetime`] blocks, by vendor and
	/// `blake2_256` of the receipt, with the block of the issue.
	///
	/// An entry used at block `u` refuses the same receipt from the same vendor until block
	/// `u + ReceiptLifetime`; after that the receipt's own date is too old to be issued against
	/// and the entry is forgotten. Every entry has its place in [`ReceiptQueue`], which is how
	/// expired entries are found and removed. At most as many entries as issues in any
	/// `ReceiptLifetime` blocks (see the crate docs).
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

	/// Used receipts in the order they were used, for expiry: the queue holds the positions
	/// `head..tail` of [`ReceiptQueueRange`]. At most as many as issues in any
	/// [`Config::ReceiptLifetime`] blocks.
	#[pallet::storage]
	pub type ReceiptQueue<T: Config> =
		StorageMap<_, Twox64Concat, u64, QueuedReceiptOf<T>, OptionQuery>;

	/// `(head, tail)` of [`ReceiptQueue`]: the position of the oldest queued receipt, and the
	/// position the next one gets. The queue is empty when they are equal.
	#[pallet::storage]
	pub type ReceiptQueueRange<T: Config> = StorageValue<_, (u64, u64), ValueQuery>;

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

	/// Everything ever burned outside issue and redemption: transaction fees, tips and dust
	/// (through [`BurnAndRecord`]) and clawbacks ([`Pallet::claw_back`], also counted in
	/// [`TotalClawedBack`]).
	#[pallet::storage]
	pub type TotalBurned<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

	/// Everything ever burned from compromised vendors by [`Pallet::claw_back`]. A part of
	/// [`TotalBurned`], kept apart so that clawbacks can be told from fees.
	#[pallet::storage]
	pub type TotalClawedBack<T: Config> = StorageValue<_, BalanceOf<T>, ValueQuery>;

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
			Pallet::<T>::build_genesis(&self.vendors)
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
		/// `vendor` will cash out at most `limit` per window from now on.
		CashOutLimitSet { vendor: T::AccountId, limit: BalanceOf<T> },
		/// Governance burned `amount` from the compromised `vendor`'s account (including any
		/// dust it would have left); counted in `TotalBurned` and `TotalClawedBack`. Followed by
		/// [`Event::VendorRevoked`].
		ClawedBack { vendor: T::AccountId, amount: BalanceOf<T> },
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
		/// The amount is less than [`Config::MinIssue`].
		BelowMinimumIssue,
		/// The receipt's date (`paid_at`) is after the current block.
		ReceiptDatedInFuture,
		/// The receipt's date (`paid_at`) is [`Config::ReceiptLifetime`] blocks or more before
		/// the current block: too old to issue against (it may have been issued and forgotten).
		ReceiptExpired,
		/// The redemption (with any dust it sweeps) is more than the vendor still cashes out in
		/// the current window.
		CashOutLimitExceeded,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			Self::check_config()
		}

		/// Forget expired receipts with the block's spare weight (see [`ReceiptQueue`]).
		fn on_idle(now: BlockNumberFor<T>, remaining_weight: Weight) -> Weight {
			Self::prune_receipts_within(now, remaining_weight)
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
		/// receipts it used stay remembered for their lifetime: licensed again, it still cannot
		/// reuse them meanwhile. To also burn what a compromised vendor holds, use
		/// [`Pallet::claw_back`] instead, which revokes too.
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

		/// Mint `amount` to `to` against the off-chain payment `receipt`, made at block
		/// `paid_at`.
		///
		/// Origin: signed by a licensed vendor.
		///
		/// `paid_at` is the receipt's date on chain: a block number the vendor's till knew when
		/// it took the payment (its best block, say). It must not be after the current block nor
		/// [`Config::ReceiptLifetime`] blocks or more before it; a retry must carry the same
		/// date as the first attempt. The amount must be at least [`Config::MinIssue`] and
		/// counts against the vendor's allowance for the current window. The receipt is
		/// remembered for the vendor for `ReceiptLifetime` blocks (refused as a duplicate
		/// meanwhile, and as expired by its date after), and up to two expired receipts are
		/// forgotten. The total issuance grows by `amount`.
		///
		/// Errors: [`Error::ZeroAmount`]; [`Error::BelowMinimumIssue`]; [`Error::EmptyReceipt`];
		/// [`Error::NotLicensed`] if the signer is not a licensed vendor;
		/// [`Error::DuplicateReceipt`]; [`Error::ReceiptDatedInFuture`];
		/// [`Error::ReceiptExpired`]; [`Error::AllowanceExceeded`];
		/// [`Error::BelowExistentialDeposit`] if `to` does not exist and `amount` is below the
		/// existential deposit; [`Error::CannotReceive`]; `Arithmetic(Overflow)` if the total
		/// issuance would overflow.
		///
		/// Event: [`Event::Issued`].
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::issue(receipt.len() as u32))]
		pub fn issue(
			origin: OriginFor<T>,
			to: AccountIdLookupOf<T>,
			#[pallet::compact] amount: BalanceOf<T>,
			paid_at: BlockNumberFor<T>,
			receipt: ReceiptOf<T>,
		) -> DispatchResult {
			let vendor = ensure_signed(origin)?;
			let to = T::Lookup::lookup(to)?;
			Self::do_issue(&vendor, &to, amount, paid_at, receipt)
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

		/// Set the most holders may redeem through the caller in one window.
		///
		/// Origin: signed by a licensed vendor, for itself.
		///
		/// The limit applies in the vendor's allowance windows and refills with the allowance.
		/// What was cashed out in the current window still counts: lowering the limit below it
		/// stops cash-outs until the next window, raising it does not forget it. A limit of
		/// zero takes no more cash-outs (the vendor may still issue). A new license starts with
		/// its allowance as its limit.
		///
		/// Errors: `BadOrigin`; [`Error::NotLicensed`] if the signer is not a licensed vendor.
		///
		/// Event: [`Event::CashOutLimitSet`].
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::set_cash_out_limit())]
		pub fn set_cash_out_limit(
			origin: OriginFor<T>,
			#[pallet::compact] limit: BalanceOf<T>,
		) -> DispatchResult {
			let vendor = ensure_signed(origin)?;
			Self::do_set_cash_out_limit(&vendor, limit)
		}

		/// Burn up to `amount` from the account of `vendor`, whose key is compromised, and
		/// revoke its license.
		///
		/// Origin: [`Config::ManagerOrigin`] (root).
		///
		/// Burns what it can of `amount` from the vendor's own account (`Force`: frozen funds
		/// too, but not funds on hold, nor the existential deposit an account with dependants
		/// needs); if that would leave dust below the existential deposit, the dust is burned
		/// too. Nothing is taken from anyone else. The burn is counted in [`TotalBurned`] (and
		/// [`TotalClawedBack`]), so the issuance identity holds. Then the license is revoked as
		/// by [`Pallet::revoke_vendor`]. Holding nothing is no error: the license is revoked and
		/// the event reports zero.
		///
		/// Errors: `BadOrigin`; [`Error::ZeroAmount`]; [`Error::NotLicensed`] if `vendor` is
		/// not a licensed vendor (to claw back from a vendor already revoked, license it again
		/// with a zero allowance first).
		///
		/// Events: [`Event::ClawedBack`], then [`Event::VendorRevoked`].
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::claw_back())]
		pub fn claw_back(
			origin: OriginFor<T>,
			vendor: AccountIdLookupOf<T>,
			#[pallet::compact] amount: BalanceOf<T>,
		) -> DispatchResult {
			T::ManagerOrigin::ensure_origin(origin)?;
			let vendor = T::Lookup::lookup(vendor)?;
			Self::do_claw_back(&vendor, amount).map(|_| ())
		}
	}

	#[pallet::view_functions]
	impl<T: Config> Pallet<T> {
		/// What `vendor` may still issue in the current window; `None` if it is not licensed.
		pub fn remaining_allowance(vendor: T::AccountId) -> Option<BalanceOf<T>> {
			Self::remaining_allowance_of(&vendor)
		}

		/// What holders may still redeem through `vendor` in the current window; `None` if it is
		/// not licensed.
		pub fn remaining_cash_out(vendor: T::AccountId) -> Option<BalanceOf<T>> {
			Self::remaining_cash_out_of(&vendor)
		}

		/// The block in which `vendor` used `receipt`; `None` if it has not used it within the
		/// last [`Config::ReceiptLifetime`] blocks.
		pub fn receipt_used_at(
			vendor: T::AccountId,
			receipt: ReceiptOf<T>,
		) -> Option<BlockNumberFor<T>> {
			let now = frame_system::Pallet::<T>::block_number();
			Self::remembered_receipt(&vendor, &Self::receipt_hash(&receipt), now)
		}
	}
}
