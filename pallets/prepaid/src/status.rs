//! A meter's prepaid status for the `PrepaidApi` runtime API (what wallets and the web app
//! show a household): credit, debt, emergency credit, supply state, the tariff in force, what
//! the credit buys and a forecast of the days it lasts.

use crate::{pallet::*, pricing, pricing::Rates};
use sp_runtime::traits::{SaturatedConversion, Saturating, Zero};
use wattcoin_primitives::{
	prepaid_api::{PrepaidStatus, TariffInForce},
	traits::MeterRegistry,
	MeterId,
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
}
