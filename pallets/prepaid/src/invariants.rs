//! The pallet's invariants, checked by `try_state` (and after every unit test); the crate
//! documentation lists them.

use crate::{pallet::*, pricing, types::*};
use frame_support::{ensure, traits::fungible::Inspect};
use sp_runtime::traits::{CheckedAdd, Saturating, Zero};

impl<T: Config> Pallet<T> {
	/// Checks the pallet's invariants (see the crate documentation).
	pub fn do_try_state() -> Result<(), sp_runtime::TryRuntimeError> {
		use alloc::collections::btree_map::BTreeMap;
		let mut credit = BalanceOf::<T>::zero();
		let mut on_tariff: BTreeMap<TariffId, u32> = BTreeMap::new();
		for (meter, a) in MeterAccounts::<T>::iter() {
			credit = credit.checked_add(&a.credit).ok_or("credit sum overflows")?;
			let ordered = SupplyOrders::<T>::get(meter).unwrap_or(SupplyState::Connected);
			ensure!(ordered == a.supply, "SupplyOrders is not the meter's supply state");
			ensure!(a.remainder_milli < 1000, "remainder below one unit");
			ensure!(a.emergency_used <= a.emergency_granted, "emergency used within granted");
			if matches!(a.supply, SupplyState::Emergency | SupplyState::Disconnected) {
				ensure!(a.credit.is_zero(), "a meter with credit is on supply");
			}
			match a.tariff {
				Some(id) => *on_tariff.entry(id).or_default() += 1,
				None => {
					ensure!(a.next_tariff.is_none(), "a switch without a tariff");
					ensure!(
						a.debt.is_zero() && a.emergency_granted.is_zero(),
						"debt or emergency credit without a tariff"
					);
				},
			}
			if let Some((id, _)) = a.next_tariff {
				ensure!(a.tariff != Some(id), "a switch to the same tariff");
				*on_tariff.entry(id).or_default() += 1;
			}
		}
		for (meter, supply) in SupplyOrders::<T>::iter() {
			ensure!(supply != SupplyState::Connected, "SupplyOrders holds a Connected meter");
			ensure!(MeterAccounts::<T>::contains_key(meter), "a supply order of no account");
		}
		let mut revenue = BalanceOf::<T>::zero();
		for (_, r) in Revenue::<T>::iter() {
			ensure!(!r.is_zero(), "no zero revenue entries");
			revenue = revenue.checked_add(&r).ok_or("revenue sum overflows")?;
		}
		let mut unclaimed = BalanceOf::<T>::zero();
		for (_, u) in UnclaimedRefunds::<T>::iter() {
			ensure!(!u.is_zero(), "no zero unclaimed refunds");
			unclaimed = unclaimed.checked_add(&u).ok_or("unclaimed sum overflows")?;
		}
		let held = credit
			.checked_add(&revenue)
			.and_then(|h| h.checked_add(&unclaimed))
			.ok_or("held sum overflows")?;
		ensure!(
			held == Liabilities::<T>::get(),
			"Liabilities is the sum of credit, revenue and unclaimed refunds"
		);

		let balance = T::Currency::balance(&Self::pot());
		if !held.is_zero() || !balance.is_zero() {
			ensure!(
				balance >= held.saturating_add(T::Currency::minimum_balance()),
				"the pot holds all credit, revenue and unclaimed refunds plus its existential deposit"
			);
		}

		let next_id = NextTariffId::<T>::get();
		let mut owned: BTreeMap<T::AccountId, u32> = BTreeMap::new();
		for (id, t) in Tariffs::<T>::iter() {
			ensure!(id < next_id, "tariff ids come from the counter");
			ensure!(!t.versions.is_empty(), "a tariff has a version");
			ensure!(
				t.versions.windows(2).all(|w| w[0].effective_from < w[1].effective_from),
				"tariff versions sorted by time"
			);
			for v in t.versions.iter() {
				pricing::validate(&v.params).map_err(|_| "stored tariff terms are valid")?;
			}
			ensure!(
				t.meters == on_tariff.remove(&id).unwrap_or(0),
				"a tariff's meter count matches the meters on it"
			);
			*owned.entry(t.operator.clone()).or_default() += 1;
		}
		ensure!(on_tariff.is_empty(), "meters only refer to existing tariffs");
		for (operator, n) in OperatorTariffs::<T>::iter() {
			ensure!(owned.remove(&operator) == Some(n), "operator tariff counts match");
		}
		ensure!(owned.is_empty(), "every tariff's operator is counted");
		Ok(())
	}
}
