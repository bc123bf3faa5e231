//! Building the genesis state: the pot's existential deposit, tariffs in force from time 0,
//! and meters' tariffs and initial credit (minted into the pot).

use crate::{pallet::*, pricing, types::*};
use frame_support::{
	pallet_prelude::*,
	traits::fungible::{Inspect, Mutate},
};
use sp_runtime::traits::{Saturating, Zero};
use wattcoin_primitives::traits::MeterRegistry;

impl<T: Config> Pallet<T> {
	/// Builds the state `config` describes; panics on an inconsistent config (genesis only).
	pub(crate) fn build_genesis(config: &GenesisConfig<T>) {
		let pot = Pallet::<T>::pot();
		let ed = T::Currency::minimum_balance();
		let balance = T::Currency::balance(&pot);
		if balance < ed {
			T::Currency::mint_into(&pot, ed - balance).expect("the pot's endowment mints");
		}
		for (operator, params) in &config.tariffs {
			assert!(T::Meters::is_operator(operator), "genesis tariff of a non-operator");
			pricing::validate(params).expect("genesis tariff terms are valid");
			let id = NextTariffId::<T>::get();
			let version = TariffVersion { effective_from: 0, params: params.clone() };
			let versions = BoundedVec::try_from(alloc::vec![version])
				.expect("MaxTariffVersions >= 2 by integrity_test");
			Tariffs::<T>::insert(id, Tariff { operator: operator.clone(), versions, meters: 0 });
			OperatorTariffs::<T>::mutate(operator, |n| n.saturating_inc());
			assert!(
				OperatorTariffs::<T>::get(operator) <= T::MaxTariffsPerOperator::get(),
				"too many genesis tariffs for one operator"
			);
			NextTariffId::<T>::put(id + 1);
		}
		let mut seen = alloc::collections::btree_set::BTreeSet::new();
		for (meter, tariff, credit) in &config.meters {
			let summary = T::Meters::meter(*meter).expect("genesis meter is registered");
			assert!(seen.insert(*meter), "genesis meter listed twice");
			// pallet-meters' genesis registered it (`on_registered`: an empty account).
			assert!(
				MeterAccounts::<T>::get(meter).is_none_or(|a| a == Default::default()),
				"genesis meter already has a billing account"
			);
			if let Some(id) = tariff {
				Tariffs::<T>::mutate(id, |t| {
					let t = t.as_mut().expect("genesis meter's tariff exists");
					assert!(t.operator == summary.operator, "tariff of another operator");
					t.meters.saturating_inc();
				});
			}
			if !credit.is_zero() {
				T::Currency::mint_into(&pot, *credit).expect("genesis credit mints");
			}
			Liabilities::<T>::mutate(|h| h.saturating_accrue(*credit));
			let mut account =
				MeterAccountOf::<T> { tariff: *tariff, credit: *credit, ..Default::default() };
			if let Some(params) = Pallet::<T>::params_at(&account, 0) {
				account.supply = Pallet::<T>::target_supply(
					&account,
					&params,
					Pallet::<T>::protected(&params, 0),
				);
				Pallet::<T>::order_supply(*meter, account.supply);
			}
			MeterAccounts::<T>::insert(meter, account);
		}
	}
}
