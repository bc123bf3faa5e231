//! The pallet's invariants, checked by `try_state` (and after every unit test).

use crate::{
	pallet::{
		Config, MeterCount, MeterMetadata, Meters, Operators, OwnerMeters, ReadingsUnderReview,
	},
	Pallet,
};
use frame_support::ensure;
use wattcoin_primitives::traits::MeterStatus;

impl<T: Config> Pallet<T> {
	/// Checks the pallet's invariants:
	/// - `MeterCount` is the number of meters, and each operator's `meters` the number of
	///   meters it manages;
	/// - every meter's operator is licensed;
	/// - metadata exists only for registered meters and is never empty;
	/// - a meter without baseline has no last reading;
	/// - a meter has a reading under review exactly while it is `Implausible`: the reading is
	///   its last link, taken after its last billed reading and above its mark;
	/// - every meter's rated power is positive;
	/// - [`OwnerMeters`] holds exactly `(owner, meter)` for every registered meter.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;

		let mut per_operator: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		let mut meters: u32 = 0;
		for (meter, info) in Meters::<T>::iter() {
			meters = meters.checked_add(1).ok_or("more meters than a u32 counts")?;
			ensure!(
				OwnerMeters::<T>::contains_key(&info.owner, meter),
				"a meter is missing from its owner's index"
			);
			ensure!(
				Operators::<T>::contains_key(&info.operator),
				"a meter's operator is not licensed"
			);
			let count = per_operator.entry(info.operator.clone()).or_default();
			*count = count.saturating_add(1);
			ensure!(
				info.has_baseline() || (info.last_at_ms == 0 && info.last_cumulative_wh == 0),
				"a meter without baseline has a last reading"
			);
			ensure!(info.rated_power_w > 0, "a meter's rated power is zero");
		}
		for (meter, info) in Meters::<T>::iter() {
			let review = ReadingsUnderReview::<T>::get(meter);
			ensure!(
				review.is_some() == (info.status == MeterStatus::Implausible),
				"a meter has a reading under review unless it is implausible"
			);
			if let Some(review) = review {
				ensure!(review.seq == info.last_seq, "the reading under review is the last link");
				ensure!(
					review.at_ms >= info.last_at_ms
						&& review.cumulative_wh > info.last_cumulative_wh,
					"the reading under review is after and above the last billed reading"
				);
			}
		}
		ensure!(meters == MeterCount::<T>::get(), "MeterCount is not the number of meters");
		for (operator, info) in Operators::<T>::iter() {
			ensure!(
				per_operator.get(&operator).copied().unwrap_or(0) == info.meters,
				"an operator's meter count is not the number of its meters"
			);
		}
		let mut indexed: u32 = 0;
		for (owner, meter) in OwnerMeters::<T>::iter_keys() {
			indexed = indexed.saturating_add(1);
			ensure!(
				Meters::<T>::get(meter).is_some_and(|info| info.owner == owner),
				"the owner index lists a meter its account does not own"
			);
		}
		ensure!(indexed == meters, "the owner index is not one entry per meter");
		for meter in ReadingsUnderReview::<T>::iter_keys() {
			ensure!(Meters::<T>::contains_key(meter), "a reading under review of no meter");
		}
		for (meter, metadata) in MeterMetadata::<T>::iter() {
			ensure!(Meters::<T>::contains_key(meter), "metadata of an unregistered meter");
			ensure!(!metadata.is_empty(), "empty metadata is stored");
		}
		Ok(())
	}
}
