//! Used receipts: remembered for [`Config::ReceiptLifetime`] blocks and then forgotten.
//!
//! Every used receipt is recorded in [`UsedReceipts`] (looked up by vendor and hash) and queued
//! in [`ReceiptQueue`] (in the order of use, so by the block of use). A receipt is *remembered*
//! while `now < used_at + ReceiptLifetime`; after that its entry is *expired* and is removed
//! from the head of the queue: up to [`PRUNE_PER_ISSUE`] by every issue, and as many as the
//! spare weight of a block allows in `on_idle`. See the crate docs for the bound this keeps.

use super::*;
use frame_support::weights::Weight;
use sp_runtime::traits::Saturating;

/// How many expired receipts each issue forgets, at most: one for the receipt the issue adds
/// and one to catch up. This alone keeps the queue no longer than the most receipts ever used
/// within one lifetime, even in blocks where `on_idle` never runs (see the crate docs).
pub const PRUNE_PER_ISSUE: u32 = 2;

/// The most expired receipts `on_idle` forgets in one block, whatever its spare weight.
pub const MAX_PRUNE_ON_IDLE: u32 = 1_000;

impl<T: Config> Pallet<T> {
	/// Whether a receipt used at block `used_at` is still remembered at block `now`.
	pub fn is_remembered(used_at: BlockNumberFor<T>, now: BlockNumberFor<T>) -> bool {
		now < used_at.saturating_add(T::ReceiptLifetime::get())
	}

	/// The block `vendor` used the receipt with hash `hash` in, if it is still remembered at
	/// `now` (an expired entry not yet pruned counts as forgotten).
	pub fn remembered_receipt(
		vendor: &T::AccountId,
		hash: &ReceiptHash,
		now: BlockNumberFor<T>,
	) -> Option<BlockNumberFor<T>> {
		UsedReceipts::<T>::get(vendor, hash).filter(|used_at| Self::is_remembered(*used_at, now))
	}

	/// Check the date `paid_at` of a receipt issued against at block `now`: not after `now`,
	/// and less than [`Config::ReceiptLifetime`] blocks before it.
	pub(crate) fn ensure_receipt_date(
		paid_at: BlockNumberFor<T>,
		now: BlockNumberFor<T>,
	) -> Result<(), Error<T>> {
		if paid_at > now {
			return Err(Error::<T>::ReceiptDatedInFuture);
		}
		if now.saturating_sub(paid_at) >= T::ReceiptLifetime::get() {
			return Err(Error::<T>::ReceiptExpired);
		}
		Ok(())
	}

	/// `Arithmetic(Overflow)` if the queue has no position left for another receipt (it has
	/// 2^64 of them: never in practice).
	pub(crate) fn ensure_queue_room() -> Result<(), ArithmeticError> {
		let (_, tail) = ReceiptQueueRange::<T>::get();
		tail.checked_add(1).map(|_| ()).ok_or(ArithmeticError::Overflow)
	}

	/// Remember that `vendor` used the receipt `hash` at block `now`, and queue it for expiry.
	/// Callers check [`Self::ensure_queue_room`] first.
	pub(crate) fn remember_receipt(
		vendor: &T::AccountId,
		hash: ReceiptHash,
		now: BlockNumberFor<T>,
	) {
		let (head, tail) = ReceiptQueueRange::<T>::get();
		UsedReceipts::<T>::insert(vendor, hash, now);
		ReceiptQueue::<T>::insert(
			tail,
			QueuedReceipt { vendor: vendor.clone(), hash, used_at: now },
		);
		ReceiptQueueRange::<T>::put((head, tail.saturating_add(1)));
	}

	/// Forget up to `max` expired receipts from the head of the queue at block `now`; returns
	/// how many were taken off the queue.
	///
	/// A queued receipt whose entry in [`UsedReceipts`] was used again since (a different
	/// `used_at`) leaves the entry alone: the entry's own, later place in the queue forgets it.
	pub fn prune_expired_receipts(now: BlockNumberFor<T>, max: u32) -> u32 {
		let (mut head, tail) = ReceiptQueueRange::<T>::get();
		let mut pruned: u32 = 0;
		while pruned < max && head < tail {
			match ReceiptQueue::<T>::get(head) {
				Some(queued) => {
					if Self::is_remembered(queued.used_at, now) {
						break;
					}
					ReceiptQueue::<T>::remove(head);
					if UsedReceipts::<T>::get(&queued.vendor, queued.hash) == Some(queued.used_at) {
						UsedReceipts::<T>::remove(&queued.vendor, queued.hash);
					}
				},
				None => {
					defensive!("pallet-wattcoin: a hole in the receipt queue", head);
				},
			}
			head = head.saturating_add(1);
			pruned = pruned.saturating_add(1);
		}
		if pruned > 0 {
			ReceiptQueueRange::<T>::put((head, tail));
		}
		pruned
	}

	/// Forget as many expired receipts as `remaining` weight allows (at most
	/// [`MAX_PRUNE_ON_IDLE`]); returns the weight used. The body of `on_idle`.
	pub(crate) fn prune_receipts_within(now: BlockNumberFor<T>, remaining: Weight) -> Weight {
		let base = T::WeightInfo::prune_receipts(0);
		let one = T::WeightInfo::prune_receipts(1);
		if !remaining.all_gte(one) {
			return Weight::zero();
		}
		let per = one.saturating_sub(base);
		let spare = remaining.saturating_sub(base);
		let fits = |spare: u64, per: u64| spare.checked_div(per).unwrap_or(u64::MAX);
		let max = fits(spare.ref_time(), per.ref_time())
			.min(fits(spare.proof_size(), per.proof_size()))
			.min(u64::from(MAX_PRUNE_ON_IDLE));
		// `max` is at most `MAX_PRUNE_ON_IDLE`, a `u32`.
		let max = u32::try_from(max).unwrap_or(MAX_PRUNE_ON_IDLE);
		let pruned = Self::prune_expired_receipts(now, max);
		T::WeightInfo::prune_receipts(pruned)
	}
}
