//! Types stored by pallet-wattcoin.

use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use core::fmt::Debug;
use scale_info::TypeInfo;
use sp_runtime::traits::{AtLeast32BitUnsigned, Zero};

/// The identifier of a redemption, unique chain-wide and strictly increasing (the first
/// redemption has id 0).
pub type RedemptionId = u64;

/// Key of a used receipt under its vendor: `blake2_256` of the receipt bytes.
pub type ReceiptHash = [u8; 32];

/// A licensed vendor: its allowance, its cash-out limit, and where it stands in the current
/// window.
///
/// The allowance is a *float per period*: in every window of `period` blocks a vendor may
/// issue at most `allowance`. Windows are aligned to multiples of `period` counted from block
/// 0, so window `k` covers blocks `[k * period, (k + 1) * period)`; the float refills at the
/// first block of each window. A `period` so long that the chain never leaves its first window
/// makes the allowance a lifetime cap.
///
/// The cash-out limit works the same way, in the same windows: holders may redeem at most
/// `cash_out_limit` through the vendor in one window. It is the vendor's own choice (set with
/// `set_cash_out_limit`); a new license starts with the allowance as its limit.
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct VendorInfo<Balance, BlockNumber> {
	/// The most the vendor may issue in one window.
	pub allowance: Balance,
	/// The window length in blocks. Never zero.
	pub period: BlockNumber,
	/// The first block of the window `issued_in_window` refers to (a multiple of `period`).
	pub window_start: BlockNumber,
	/// What the vendor issued in the window starting at `window_start`.
	pub issued_in_window: Balance,
	/// What the vendor issued since it was (last) licensed.
	pub total_issued: Balance,
	/// What holders redeemed through the vendor since it was (last) licensed.
	pub total_redeemed: Balance,
	/// The most holders may redeem through the vendor in one window.
	pub cash_out_limit: Balance,
	/// What holders redeemed through the vendor in the window starting at `window_start`.
	pub cashed_out_in_window: Balance,
}

impl<Balance, BlockNumber> VendorInfo<Balance, BlockNumber>
where
	Balance: AtLeast32BitUnsigned + Copy,
	BlockNumber: AtLeast32BitUnsigned + Copy,
{
	/// A fresh license at block `now`: nothing issued or cashed out yet, and a cash-out limit
	/// equal to the allowance.
	///
	/// `period` must be non-zero; callers check it (a zero period is treated as one block so
	/// that nothing here can divide by zero).
	pub fn new(allowance: Balance, period: BlockNumber, now: BlockNumber) -> Self {
		Self {
			allowance,
			period,
			window_start: window_start(now, period),
			issued_in_window: Zero::zero(),
			total_issued: Zero::zero(),
			total_redeemed: Zero::zero(),
			cash_out_limit: allowance,
			cashed_out_in_window: Zero::zero(),
		}
	}

	/// Move to the window containing `now` if it is a later one, refilling the float and the
	/// cash-out limit.
	pub fn roll_window(&mut self, now: BlockNumber) {
		let start = window_start(now, self.period);
		if start > self.window_start {
			self.window_start = start;
			self.issued_in_window = Zero::zero();
			self.cashed_out_in_window = Zero::zero();
		}
	}

	/// What the vendor may still issue in the window containing `now`.
	pub fn remaining_at(&self, now: BlockNumber) -> Balance {
		if window_start(now, self.period) > self.window_start {
			self.allowance
		} else {
			self.allowance.saturating_sub(self.issued_in_window)
		}
	}

	/// What holders may still redeem through the vendor in the window containing `now`.
	pub fn cash_out_remaining_at(&self, now: BlockNumber) -> Balance {
		if window_start(now, self.period) > self.window_start {
			self.cash_out_limit
		} else {
			self.cash_out_limit.saturating_sub(self.cashed_out_in_window)
		}
	}

	/// Change the allowance and the period at block `now`.
	///
	/// What was issued in the current window still counts against the new allowance: lowering
	/// the allowance below it stops issuing until the next window, and changing the period does
	/// not hand out a fresh float. The window is re-aligned to the new period. The cash-out
	/// limit and what was cashed out in the current window are kept in the same way.
	pub fn reconfigure(&mut self, allowance: Balance, period: BlockNumber, now: BlockNumber) {
		self.roll_window(now);
		self.allowance = allowance;
		self.period = period;
		self.window_start = window_start(now, period);
	}
}

/// A used receipt in the expiry queue ([`ReceiptQueue`](crate::ReceiptQueue)): the key of its
/// entry in [`UsedReceipts`](crate::UsedReceipts) and the block it was used in.
///
/// Entries are queued in the order they are used, so the queue is ordered by `used_at` and the
/// expired ones are always at its head. The entry is forgotten when the queued receipt is
/// pruned, unless the entry has been used again since (then its `used_at` differs and its own,
/// later queued receipt forgets it).
#[derive(
	Clone, Encode, Decode, DecodeWithMemTracking, Eq, PartialEq, Debug, TypeInfo, MaxEncodedLen,
)]
pub struct QueuedReceipt<AccountId, BlockNumber> {
	/// The vendor that used the receipt.
	pub vendor: AccountId,
	/// `blake2_256` of the receipt.
	pub hash: ReceiptHash,
	/// The block the receipt was used in.
	pub used_at: BlockNumber,
}

/// The first block of the window of length `period` that contains `now`.
///
/// A zero `period` (which the pallet never stores) is treated as a period of one block.
pub fn window_start<BlockNumber: AtLeast32BitUnsigned + Copy>(
	now: BlockNumber,
	period: BlockNumber,
) -> BlockNumber {
	match now.checked_rem(&period) {
		Some(offset) => now.saturating_sub(offset),
		None => now,
	}
}

// The types above with the runtime's: its currency, account and block number types.

/// The balance type of the currency this pallet mints and burns.
pub type BalanceOf<T> =
	<<T as crate::Config>::Currency as frame_support::traits::fungible::Inspect<
		<T as frame_system::Config>::AccountId,
	>>::Balance;

/// A credit (an amount taken out of accounts but not yet out of the total issuance) of the
/// currency: what fee payment and dust removal hand to [`BurnAndRecord`](crate::BurnAndRecord).
pub type CreditOf<T> = frame_support::traits::fungible::Credit<
	<T as frame_system::Config>::AccountId,
	<T as crate::Config>::Currency,
>;

/// A vendor record with the runtime's balance and block number types.
pub type VendorInfoOf<T> =
	VendorInfo<BalanceOf<T>, frame_system::pallet_prelude::BlockNumberFor<T>>;

/// The id of an off-chain payment, as given to [`Pallet::issue`](crate::Pallet::issue).
pub type ReceiptOf<T> = frame_support::BoundedVec<u8, <T as crate::Config>::MaxReceiptLen>;

/// A used receipt in the expiry queue, with the runtime's account and block number types.
pub type QueuedReceiptOf<T> = QueuedReceipt<
	<T as frame_system::Config>::AccountId,
	frame_system::pallet_prelude::BlockNumberFor<T>,
>;
