//! Implausible readings and their operator's review: a reading claiming more energy than its meter's
//! rated power can deliver over its interval is taken as the meter's next link but billed to
//! nobody ([`crate::ingest`] rule 9); `review_implausible_reading` bills it or makes it the meter's
//! new baseline (`docs/tariffs.md`, "Implausible readings").

use crate::{
	pallet::{Config, Error, Event, Pallet, ReadingsUnderReview},
	MeterInfo,
};
use frame_support::ensure;
use sp_runtime::DispatchError;
use wattcoin_primitives::{
	traits::{Consumption, MeterStatus, OnConsumption},
	MeterId,
};

impl<T: Config> Pallet<T> {
	/// Reviews the reading `meter` holds: bills it (`bill`) or not, and makes it the meter's
	/// mark either way; the meter is active again. The caller writes `info`.
	pub(crate) fn do_review(
		meter: MeterId,
		info: &mut MeterInfo<T::AccountId>,
		bill: bool,
	) -> Result<Event<T>, DispatchError> {
		ensure!(info.status == MeterStatus::Implausible, Error::<T>::NoReadingUnderReview);
		let Some(held) = ReadingsUnderReview::<T>::take(meter) else {
			frame_support::defensive!("an implausible meter holds a reading");
			return Err(Error::<T>::NoReadingUnderReview.into());
		};
		// A reading is implausible only above the mark; saturating all the same.
		let energy_wh = held.cumulative_wh.saturating_sub(info.last_cumulative_wh);
		if bill {
			let consumption =
				Consumption { meter, from_ms: info.last_at_ms, to_ms: held.at_ms, energy_wh };
			// A reading billed on its own: a batch of one.
			T::OnConsumption::on_consumption(&consumption, &info.operator, &mut Default::default());
		}
		info.last_at_ms = held.at_ms;
		info.last_cumulative_wh = held.cumulative_wh;
		info.status = MeterStatus::Active;
		Ok(Event::ImplausibleReadingReviewed { meter, seq: held.seq, energy_wh, billed: bill })
	}
}
