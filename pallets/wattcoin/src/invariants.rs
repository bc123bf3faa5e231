//! The pallet's invariants (see the crate docs), checked by `try_state` and after every unit
//! test.

use super::*;

impl<T: Config> Pallet<T> {
	/// Check the pallet's invariants (see the crate docs). Run by `try_state` and after every
	/// unit test.
	#[cfg(any(feature = "try-runtime", test))]
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use frame_support::ensure;
		use sp_runtime::traits::Saturating;

		// Issuance: total == genesis + issued - redeemed - burned, without underflow.
		let total = T::Currency::total_issuance();
		let left = total
			.checked_add(&TotalRedeemed::<T>::get())
			.and_then(|x| x.checked_add(&TotalBurned::<T>::get()))
			.ok_or("issuance accounting overflows")?;
		let right = GenesisIssuance::<T>::get()
			.checked_add(&TotalIssued::<T>::get())
			.ok_or("issuance accounting overflows")?;
		ensure!(
			left == right,
			"total issuance != GenesisIssuance + TotalIssued - TotalRedeemed - TotalBurned"
		);
		ensure!(
			TotalClawedBack::<T>::get() <= TotalBurned::<T>::get(),
			"clawbacks not counted in TotalBurned"
		);

		// Vendors: counter, bound and windows.
		let now = frame_system::Pallet::<T>::block_number();
		let mut count: u32 = 0;
		let mut issued = BalanceOf::<T>::zero();
		let mut redeemed = BalanceOf::<T>::zero();
		for (_, info) in Vendors::<T>::iter() {
			count = count.saturating_add(1);
			ensure!(!info.period.is_zero(), "a vendor has a zero period");
			ensure!(info.window_start <= now, "a vendor's window starts in the future");
			ensure!(
				(info.window_start % info.period).is_zero(),
				"a vendor's window start is not a multiple of its period"
			);
			issued = issued.saturating_add(info.total_issued);
			redeemed = redeemed.saturating_add(info.total_redeemed);
		}
		ensure!(count == Vendors::<T>::count(), "the vendor counter is wrong");
		ensure!(count <= T::MaxVendors::get(), "more vendors than MaxVendors");
		ensure!(issued <= TotalIssued::<T>::get(), "vendors issued more than TotalIssued");
		ensure!(redeemed <= TotalRedeemed::<T>::get(), "vendors redeemed more than TotalRedeemed");

		Self::try_state_receipts(now)
	}

	/// The receipt queue holds exactly the positions `head..tail`, in the order of use, and
	/// every remembered receipt has exactly one place in it that will forget it.
	#[cfg(any(feature = "try-runtime", test))]
	fn try_state_receipts(now: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::BTreeSet;
		use frame_support::ensure;

		let (head, tail) = ReceiptQueueRange::<T>::get();
		ensure!(head <= tail, "the receipt queue's head is after its tail");
		let mut queued: u64 = 0;
		for (position, _) in ReceiptQueue::<T>::iter() {
			ensure!(head <= position && position < tail, "a receipt queued outside head..tail");
			queued = queued.saturating_add(1);
		}
		ensure!(queued == tail.saturating_sub(head), "a hole in the receipt queue");

		let mut previous = BlockNumberFor::<T>::zero();
		let mut forgetting = BTreeSet::new();
		for position in head..tail {
			let entry = ReceiptQueue::<T>::get(position).ok_or("a hole in the receipt queue")?;
			ensure!(entry.used_at >= previous, "the receipt queue is not in the order of use");
			ensure!(entry.used_at <= now, "a receipt used in the future");
			previous = entry.used_at;
			if UsedReceipts::<T>::get(&entry.vendor, entry.hash) == Some(entry.used_at) {
				ensure!(
					forgetting.insert((entry.vendor, entry.hash)),
					"a receipt queued twice for the same use"
				);
			}
		}
		ensure!(
			UsedReceipts::<T>::iter().count() == forgetting.len(),
			"a used receipt that no queued receipt will forget"
		);
		Ok(())
	}
}
