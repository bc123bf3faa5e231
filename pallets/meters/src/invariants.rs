//! The pallet's invariants, checked by `try_state` (and after every unit test).

use crate::{
	pallet::{Config, MeterCount, MeterMetadata, Meters, Operators},
	Pallet,
};
use frame_support::ensure;

impl<T: Config> Pallet<T> {
	/// Checks the pallet's invariants:
	/// - `MeterCount` is the number of meters, and each operator's `meters` the number of
	///   meters it manages;
	/// - every meter's operator is licensed;
	/// - metadata exists only for registered meters and is never empty;
	/// - a meter without baseline has no last reading.
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;

		let mut per_operator: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		let mut meters: u32 = 0;
		for (_, info) in Meters::<T>::iter() {
			meters = meters.checked_add(1).ok_or("more meters than a u32 counts")?;
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
		}
		ensure!(meters == MeterCount::<T>::get(), "MeterCount is not the number of meters");
		for (operator, info) in Operators::<T>::iter() {
			ensure!(
				per_operator.get(&operator).copied().unwrap_or(0) == info.meters,
				"an operator's meter count is not the number of its meters"
			);
		}
		for (meter, metadata) in MeterMetadata::<T>::iter() {
			ensure!(Meters::<T>::contains_key(meter), "metadata of an unregistered meter");
			ensure!(!metadata.is_empty(), "empty metadata is stored");
		}
		Ok(())
	}
}
