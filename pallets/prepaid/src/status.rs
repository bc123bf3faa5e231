//! What the `PrepaidApi` runtime API tells wallets and the web app about a meter: its prepaid
//! status (credit, debt, emergency credit, supply state, the tariff in force, what the credit
//! buys and a forecast of the days it lasts), the changes of its terms announced, and what an
//! amount of energy costs it now.

use crate::{pallet::*, pricing, pricing::Rates, types::TariffVersion};
use alloc::vec::Vec;
use sp_runtime::traits::{SaturatedConversion, Saturating, Zero};
use wattcoin_primitives::{
	prepaid_api::{AnnouncedChange, PrepaidStatus, Quote, TariffInForce},
	traits::MeterRegistry,
	MeterId, Moment, WattHours,
};

impl<T: Config> Pallet<T> {
	/// A meter's prepaid status now, for the `PrepaidApi` runtime API; `None` if the meter
	/// is not registered.
	pub fn meter_status(meter: MeterId) -> Option<PrepaidStatus<BalanceOf<T>>> {
		T::Meters::meter(meter)?;
		let account = MeterAccounts::<T>::get(meter).unwrap_or_default();
		let now = Self::now();
		let mut status = PrepaidStatus {
			credit: account.credit,
			debt: account.debt,
			emergency_credit_used: account.emergency_used,
			emergency_credit_available: account
				.emergency_granted
				.saturating_sub(account.emergency_used),
			supply: account.supply,
			tariff: None,
			credit_buys_wh: None,
			average_daily_cost: account.daily_energy_cost,
			projected_days_left: None,
			last_billed_ms: (account.last_billed != 0).then_some(account.last_billed),
			unbilled_wh: account.unbilled_wh,
		};
		let Some(id) = Self::tariff_id_at(&account, now) else { return Some(status) };
		let Some(tariff) = Tariffs::<T>::get(id) else { return Some(status) };
		let Some(version) = tariff.version_at(now) else { return Some(status) };
		let params = &version.params;
		let rates = Rates::new(params);
		let price = pricing::price_at(&rates, now, account.tier_counter);
		if account.emergency_granted.is_zero() {
			status.emergency_credit_available = params.emergency_credit;
		}
		let switch = account.next_tariff.map(|(_, at)| at).filter(|at| *at > now);
		let change = tariff.next_change_after(now);
		let effective_from = match account.next_tariff {
			Some((next, at)) if next == id && at <= now => at.max(version.effective_from),
			_ => version.effective_from,
		};
		status.tariff = Some(TariffInForce {
			id,
			effective_from,
			price_per_kwh_now: price.saturated_into(),
			standing_charge_per_day: params.standing_charge_per_day,
			next_change: match (switch, change) {
				(Some(a), Some(b)) => Some(a.min(b)),
				(a, b) => a.or(b),
			},
		});
		let credit: u128 = account.credit.saturated_into();
		if price > 0 {
			let wh = pricing::mul_div(credit, pricing::MILLI_PER_UNIT, price);
			status.credit_buys_wh = Some(wh.saturated_into());
		}
		let daily = account.daily_energy_cost.saturating_add(params.standing_charge_per_day);
		status.average_daily_cost = daily;
		let daily: u128 = daily.saturated_into();
		status.projected_days_left = credit.checked_div(daily).map(|d| d.saturated_into());
		Some(status)
	}

	/// What `energy_wh` costs `meter` if consumed now, for the `PrepaidApi` runtime API: priced
	/// as billing prices a reading (`pricing::energy_cost`, the meter's block counter
	/// continued) over one millisecond from now, at the tariff in force. `None` if the meter is
	/// not registered or has no tariff in force.
	pub fn quote(meter: MeterId, energy_wh: WattHours) -> Option<Quote<BalanceOf<T>>> {
		T::Meters::meter(meter)?;
		let account = MeterAccounts::<T>::get(meter).unwrap_or_default();
		let now = Self::now();
		let tariff = Self::tariff_id_at(&account, now)?;
		let params = Self::params_at(&account, now)?;
		let timeline = [(now, Rates::new(&params))];
		let charge = pricing::energy_cost(
			&timeline,
			now,
			now.saturating_add(1),
			energy_wh,
			account.tier_counter,
		);
		let cost: BalanceOf<T> = (charge.milli / pricing::MILLI_PER_UNIT).saturated_into();
		Some(Quote { tariff, energy_wh, cost, covered_by_credit: cost <= account.credit })
	}

	/// The changes of `meter`'s terms announced after now, by time, for the `PrepaidApi`
	/// runtime API: the versions of its tariff taking effect later (up to a switch), then the
	/// switch to another tariff and that tariff's later versions. Empty for an unknown meter.
	pub fn announced_changes(meter: MeterId) -> Vec<AnnouncedChange<BalanceOf<T>>> {
		let mut changes = Vec::new();
		let Some(account) = MeterAccounts::<T>::get(meter) else { return changes };
		let now = Self::now();
		let switch = account.next_tariff.filter(|(_, at)| *at > now);
		let mut announce = |tariff, switch, version: &TariffVersionOf<T>| {
			changes.push(AnnouncedChange {
				effective_from: version.effective_from,
				tariff,
				switch,
				price_per_kwh: version.params.price_per_kwh,
				standing_charge_per_day: version.params.standing_charge_per_day,
			})
		};
		if let Some(id) = Self::tariff_id_at(&account, now) {
			let until = switch.map_or(Moment::MAX, |(_, at)| at);
			for version in Tariffs::<T>::get(id).iter().flat_map(|t| t.versions.iter()) {
				if version.effective_from > now && version.effective_from < until {
					announce(id, false, version);
				}
			}
		}
		if let Some((id, at)) = switch {
			let Some(tariff) = Tariffs::<T>::get(id) else { return changes };
			if let Some(version) = tariff.version_at(at) {
				announce(id, true, &TariffVersion { effective_from: at, ..version.clone() });
			}
			for version in tariff.versions.iter().filter(|v| v.effective_from > at) {
				announce(id, false, version);
			}
		}
		changes
	}
}
