//! When the supply may be cut: a disconnection is ordered only at a chain time outside the
//! tariff's friendly hours and only on a reading that ended at most `MaxDisconnectionLag`
//! before it (issue 12, finding 2). A backlog uploaded after an outage, or a meter whose clock
//! runs behind, can lower the supply state to `LowCredit` but never disconnect.

use super::*;
use crate::pallet::Pallet;

/// Friday 2026-01-09, 00:00 UTC.
fn friday() -> Moment {
	t0() + 4 * DAY_MS
}

/// A meter on a flat tariff of 1 WATT per kWh with friendly hours 18:00-08:00 every day and
/// 1 WATT of credit.
fn meter_with_friendly_evenings() {
	let mut p = flat(UNIT);
	p.friendly_hours = friendly(18, 8, 0);
	funded_meter(METER, p, UNIT);
}

#[test]
fn a_reading_relayed_inside_friendly_hours_does_not_disconnect() {
	ExtBuilder::default().build_and_execute(|| {
		meter_with_friendly_evenings();
		// The reading ends at 17:50, outside friendly hours, and reaches the chain at 18:10,
		// inside them: the chain's time decides, and the supply stays on until 08:00.
		set_now(friday() + 18 * HOUR_MS + 10 * 60_000);
		let end = friday() + 17 * HOUR_MS + 50 * 60_000;
		consume_at_chain_time(METER, end - HOUR_MS, end, 2_000);
		let a = account(METER);
		assert_eq!((a.credit, a.debt), (0, UNIT));
		assert_eq!(a.supply, SupplyState::LowCredit);
		assert!(!supply_events(METER).iter().any(|(_, to)| *to == SupplyState::Disconnected));
	});
}

#[test]
fn a_stale_reading_does_not_disconnect() {
	ExtBuilder::default().build_and_execute(|| {
		meter_with_friendly_evenings();
		// A backlog reading of 10:00-11:00 arriving at 12:00 (an hour and a bit late): credit
		// runs out, the supply state drops to LowCredit, but no disconnection is ordered on
		// information that old.
		set_now(friday() + 12 * HOUR_MS + 1);
		consume_at_chain_time(METER, friday() + 10 * HOUR_MS, friday() + 11 * HOUR_MS, 2_000);
		assert_eq!(supply(METER), SupplyState::LowCredit);
		// The next reading, fresh, disconnects.
		consume_at_chain_time(METER, friday() + 11 * HOUR_MS, friday() + 12 * HOUR_MS, 0);
		assert_eq!(supply(METER), SupplyState::Disconnected);
		assert_eq!(
			supply_events(METER),
			vec![
				(SupplyState::Connected, SupplyState::LowCredit),
				(SupplyState::LowCredit, SupplyState::Disconnected)
			]
		);
	});
}

#[test]
fn a_reading_at_most_the_lag_old_disconnects_outside_friendly_hours() {
	ExtBuilder::default().build_and_execute(|| {
		meter_with_friendly_evenings();
		let end = friday() + 11 * HOUR_MS;
		set_now(end + MaxDisconnectionLag::get());
		consume_at_chain_time(METER, end - HOUR_MS, end, 2_000);
		assert_eq!(supply(METER), SupplyState::Disconnected);
	});
}

#[test]
fn a_reading_from_a_clock_running_ahead_is_judged_at_chain_time() {
	ExtBuilder::default().build_and_execute(|| {
		meter_with_friendly_evenings();
		// The chain says 19:00 (friendly); the meter's clock says 09:00 the next day.
		set_now(friday() + 19 * HOUR_MS);
		consume_at_chain_time(METER, friday() + 18 * HOUR_MS, friday() + 33 * HOUR_MS, 2_000);
		assert_eq!(supply(METER), SupplyState::LowCredit);
	});
}

// ---------------------------------------------------------------------------------------
// The rule under any sequence of readings, top-ups and clocks.

mod property {
	use super::*;
	use proptest::prelude::*;

	proptest! {
		#![proptest_config(ProptestConfig {
			cases: crate::tests::property_cases(256),
			..ProptestConfig::default()
		})]

		/// Every `SupplyChanged { to: Disconnected }` is emitted at a chain time outside
		/// friendly hours, by a reading that ended at most `MaxDisconnectionLag` before it (or
		/// by a call made at that time).
		#[test]
		fn no_disconnection_inside_friendly_hours_or_on_old_news(
			steps in prop::collection::vec(
				(0..48u64, 0..180u64, 0..3_000u64, 0..4u8, any::<bool>()), 1..30),
			start_hour in 0..168u64,
			friendly_from in 0..24u8,
			friendly_to in 0..24u8,
			weekdays in 0..128u8,
		) {
			ExtBuilder::default().build_and_execute(|| {
				let mut p = flat(UNIT);
				p.friendly_hours = friendly(friendly_from, friendly_to, weekdays);
				p.low_credit_threshold = UNIT / 2;
				funded_meter(METER, p.clone(), UNIT);
				let mut clock = t0() + start_hour * HOUR_MS;
				let mut reading_end = clock;
				set_now(clock);
				for (wait_quarters, lag_minutes, wh, top_up_tenths, ahead) in steps {
					clock += wait_quarters * 15 * 60_000;
					set_now(clock);
					System::reset_events();
					if top_up_tenths > 0 {
						top_up(NEIGHBOUR, METER, u128::from(top_up_tenths) * UNIT / 10);
					} else {
						// A reading ending `lag` before the chain's time, or ahead of it.
						let end = if ahead {
							clock + lag_minutes * 60_000
						} else {
							clock.saturating_sub(lag_minutes * 60_000)
						};
						let end = end.max(reading_end);
						consume_at_chain_time(METER, reading_end, end, wh);
						if supply_events(METER).iter().any(|(_, to)| *to == SupplyState::Disconnected) {
							assert!(clock.saturating_sub(end) <= MaxDisconnectionLag::get());
						}
						reading_end = end;
					}
					if supply_events(METER).iter().any(|(_, to)| *to == SupplyState::Disconnected) {
						assert!(
							!crate::pricing::is_friendly(p.friendly_hours, 0, Pallet::<Test>::now()),
							"disconnected at a friendly chain time"
						);
					}
				}
			});
		}
	}
}
