//! Billing one interval of consumption, reported by pallet-meters for each accepted reading:
//! energy priced by `pricing` at the terms in force over the interval, standing charges up to
//! its end, the charge taken from the meter's account and paid to the operator managing the
//! meter, a due tariff switch completed, and the supply state brought in line.
//!
//! The readings of one batch are billed with one [`BillingBatch`]: what their billing already
//! read and wrote is paid for once a batch.

use crate::{pallet::*, pricing, types::*, weights::WeightInfo};
use alloc::collections::BTreeSet;
use frame_support::pallet_prelude::*;
use sp_runtime::traits::{SaturatedConversion, Saturating, Zero};
use wattcoin_primitives::traits::Consumption;

/// The storage the billing of one batch's readings has read and written so far
/// ([`OnConsumption::Batch`](wattcoin_primitives::traits::OnConsumption::Batch)).
///
/// A reading on a tariff an earlier reading of the batch read finds it in the block's cache;
/// an operator's revenue, once read and written, is in the block's overlay, and the block
/// commits it once. So the benchmarked read of the tariff, and the read and write of the
/// revenue, are paid for by the first reading of a batch that touches them; the next ones are
/// charged the rest of their benchmark ([`Pallet::shared_tariff_read`],
/// [`Pallet::shared_revenue_access`]). At most one entry per reading of the batch.
#[derive(frame_support::DefaultNoBound)]
pub struct BillingBatch<AccountId> {
	/// Tariffs read.
	tariffs: BTreeSet<TariffId>,
	/// Operators whose revenue was read and written (paid more than nothing).
	paid: BTreeSet<AccountId>,
}

impl<T: Config> Pallet<T> {
	/// The benchmarked read of the tariff, paid once a batch per tariff.
	pub(crate) fn shared_tariff_read() -> Weight {
		T::DbWeight::get().reads(1)
	}

	/// The benchmarked read and write of an operator's revenue, paid once a batch per operator.
	pub(crate) fn shared_revenue_access() -> Weight {
		T::DbWeight::get().reads_writes(1, 1)
	}

	/// Bills one interval of consumption of a meter managed by `operator`, one reading of
	/// `batch`. Never fails.
	pub(crate) fn bill(
		c: &Consumption,
		operator: &T::AccountId,
		batch: &mut BillingBatch<T::AccountId>,
	) -> Weight {
		let mut account = MeterAccounts::<T>::get(c.meter).unwrap_or_default();
		let until = c.to_ms.max(c.from_ms);
		let Some((current, next)) = Self::tariffs_until(&account, until) else {
			account.unbilled_wh.saturating_accrue(c.energy_wh);
			account.last_billed = account.last_billed.max(until);
			MeterAccounts::<T>::insert(c.meter, account);
			return T::WeightInfo::on_consumption_unbilled();
		};
		let timeline = Self::rates_timeline(&current, next.as_ref());
		// No average yet (a new meter, a new tariff, a new household): the first rate is the
		// forecast's start, not a seventh of it.
		let first = account.daily_energy_cost.is_zero();
		if account.standing_paid_until == 0 {
			// Genesis meters: standing charges start with the first reading.
			account.standing_paid_until = c.from_ms;
		}
		// Energy measured before billing started (a reading spanning the meter's first
		// assignment) is recorded as unbilled, in proportion to the time: the household had
		// no terms to be billed at then. For every other reading `from_ms == last_billed`.
		let from = c.from_ms.max(account.last_billed).min(until);
		// Without a switch due, the work is that of the tariff's versions (pricing and standing
		// charges are in closed form over them, whatever the interval's length), less the
		// `SupplyOrders` write if the supply state stays (below).
		let mut weight = match next {
			None => T::WeightInfo::on_consumption_same_tariff(current.versions.len() as u32),
			Some(_) => T::WeightInfo::on_consumption(),
		};
		// The tariffs read (`tariffs_until`): the current one, and with a switch due the next.
		let read_before = account.tariff.is_some_and(|id| !batch.tariffs.insert(id));
		if let Some((id, _)) = account.next_tariff.filter(|_| next.is_some()) {
			batch.tariffs.insert(id);
		}
		// Only the ordinary path is discounted: a switch stays charged its worst case.
		if read_before && next.is_none() {
			weight = weight.saturating_sub(Self::shared_tariff_read());
		}
		let mut energy_wh = c.energy_wh;
		if from > c.from_ms {
			let before = pricing::mul_div(
				u128::from(c.energy_wh),
				u128::from(from.saturating_sub(c.from_ms)),
				u128::from(until.saturating_sub(c.from_ms)),
			)
			.saturated_into::<u64>();
			account.unbilled_wh.saturating_accrue(before);
			energy_wh.saturating_reduce(before);
		}

		let energy =
			pricing::energy_cost(&timeline, from, c.to_ms, energy_wh, account.tier_counter);
		// No standing charge while the supply is off: the days from a disconnection to the
		// reconnection are never charged (`set_supply` moves `standing_paid_until` on).
		let (standing, paid_until) = if account.supply == SupplyState::Disconnected {
			(0, account.standing_paid_until)
		} else {
			pricing::standing_charge(&timeline, account.standing_paid_until, until)
		};
		let (energy_units, remainder) = pricing::split_milli(energy.milli, account.remainder_milli);
		let total: BalanceOf<T> = energy_units.saturating_add(standing).saturated_into();
		account.tier_counter = energy.counter;
		account.standing_paid_until = paid_until;
		account.remainder_milli = remainder;
		account.daily_energy_cost = pricing::daily_average(
			account.daily_energy_cost.saturated_into(),
			energy_units,
			c.to_ms.saturating_sub(from),
			first,
		)
		.saturated_into();
		account.last_billed = account.last_billed.max(until);

		let paid = Self::charge(&mut account, total);
		// The operator managing the meter, which after a `force_transfer_meter` is not the
		// operator whose tariff the meter is still on until the new one assigns its own.
		Self::pay_operator(operator, paid);
		// Nothing paid: the revenue was not touched (and is charged all the same).
		if !paid.is_zero() && !batch.paid.insert(operator.clone()) && next.is_none() {
			weight = weight.saturating_sub(Self::shared_revenue_access());
		}

		if next.is_some() {
			// The switch is due: from now on the meter is billed at the new tariff.
			if let Some(old) = account.tariff {
				Self::release_tariff(old);
			}
			account.tariff = account.next_tariff.take().map(|(id, _)| id);
		}
		let params = match &next {
			Some((t, _)) => t.version_at(until),
			None => current.version_at(until),
		};
		let changed =
			params.is_some_and(|v| Self::set_supply(c.meter, &mut account, &v.params, until));
		if !changed && next.is_none() {
			weight = weight.saturating_sub(Self::supply_order_write());
		}
		MeterAccounts::<T>::insert(c.meter, account);
		weight
	}
}
