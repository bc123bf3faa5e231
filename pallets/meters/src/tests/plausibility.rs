//! Readings above a meter's rated power wait for its operator's review, never billed blindly
//! (issue 12, finding 3): one register jump (a firmware bug, a swapped meter) would otherwise
//! take a household's credit and leave it a debt recovered from every future top-up.
//!
//! The rule (`docs/tariffs.md`, "Implausible readings"): a reading whose energy since the
//! meter's mark is more than its rated power can deliver over the interval since the last
//! billed reading is taken as the next link and billed to nobody; the meter is flagged
//! `Implausible` and its readings wait until the operator reviews that reading, either billing
//! it (the energy was real) or making it the meter's new baseline (it was not).

use super::*;

/// A large household connection: 100 A at 240 V.
const RATED_POWER_W: u32 = 24_000;

/// 24 kW over five minutes: 2,000 Wh.
const AT_THE_LIMIT_WH: u64 = 2_000;

/// [`one_meter`] with a rated power of 24 kW.
fn one_24_kw_meter(test: impl FnOnce(&Device)) {
	let (ext, device) = one_meter();
	ext.operator(BOB).build_and_execute(|| {
		assert_ok!(PalletMeters::set_rated_power(signed(ALICE), M1, RATED_POWER_W));
		System::reset_events();
		test(&device);
	});
}

/// M1 with its baseline of 1,000 Wh at `NOW - 10 min` (see [`baseline`]), then seq 2 five
/// minutes later with `energy_wh` more.
fn second_reading(device: &Device, energy_wh: u64) -> SignedReading {
	device.sign(reading(M1, 2, NOW - 300_000, 1_000 + energy_wh))
}

/// M1 with a reading under review: 10 kWh in five minutes (120 kW on a 24 kW meter).
fn under_review(device: &Device) {
	baseline(device);
	ingest(vec![second_reading(device, 10_000)]);
	System::reset_events();
}

#[test]
fn meters_are_registered_with_the_default_rated_power() {
	let (ext, _) = one_meter();
	ext.build_and_execute(|| {
		assert_eq!(info(M1).rated_power_w, DEFAULT_RATED_POWER_W);
	});
}

#[test]
fn genesis_meters_may_have_their_own_rated_power() {
	let (ext, _) = one_meter();
	let other = Device::sr25519(2);
	ext.meter(M2, &other, ALICE).rated_power(M2, 7_000).build_and_execute(|| {
		assert_eq!(info(M1).rated_power_w, DEFAULT_RATED_POWER_W);
		assert_eq!(info(M2).rated_power_w, 7_000);
	});
}

#[test]
#[should_panic(expected = "rated power of an unlisted meter")]
fn genesis_refuses_the_rated_power_of_an_unlisted_meter() {
	let (ext, _) = one_meter();
	ext.rated_power(M2, 7_000).build();
}

#[test]
fn a_reading_at_the_rated_power_is_billed() {
	one_24_kw_meter(|device| {
		baseline(device);
		ingest(vec![second_reading(device, AT_THE_LIMIT_WH)]);
		assert_eq!(last_event(), summary(1, 0, 0, 0, AT_THE_LIMIT_WH));
		assert_eq!(
			consumed(),
			vec![consumption(M1, NOW - 600_000, NOW - 300_000, AT_THE_LIMIT_WH)]
		);
		assert_eq!(info(M1).status, MeterStatus::Active);
	});
}

#[test]
fn a_reading_above_the_rated_power_waits_for_the_operators_review() {
	one_24_kw_meter(|device| {
		baseline(device);
		ingest(vec![second_reading(device, AT_THE_LIMIT_WH + 1)]);
		// Nothing billed; the owner sees why in an event.
		assert!(consumed().is_empty());
		assert_eq!(
			events(),
			vec![
				Event::ImplausibleReading {
					meter: M1,
					seq: 2,
					energy_wh: AT_THE_LIMIT_WH + 1,
					interval_ms: 300_000,
					rated_power_w: RATED_POWER_W,
				},
				Event::ReadingsIngested {
					accepted: 0,
					duplicates: 0,
					rejected: 0,
					tampered: 0,
					implausible: 1,
					energy_wh: 0
				},
			]
		);
		let info = info(M1);
		assert_eq!(info.status, MeterStatus::Implausible);
		assert_eq!(PalletMeters::meter(M1).unwrap().status, MeterStatus::Implausible);
		// The reading is the last link (replaying it is a duplicate); the mark stays.
		assert_eq!(
			(info.last_seq, info.last_at_ms, info.last_cumulative_wh),
			(2, NOW - 600_000, 1_000)
		);
		assert_eq!(
			ReadingsUnderReview::<Test>::get(M1),
			Some(ReadingUnderReview {
				seq: 2,
				at_ms: NOW - 300_000,
				cumulative_wh: 1_000 + AT_THE_LIMIT_WH + 1
			})
		);
	});
}

#[test]
fn a_register_jump_in_no_time_is_implausible() {
	one_24_kw_meter(|device| {
		baseline(device);
		ingest(vec![device.sign(reading(M1, 2, NOW - 600_000, 1_001))]);
		assert_eq!(info(M1).status, MeterStatus::Implausible);
		assert!(consumed().is_empty());
	});
}

#[test]
fn readings_after_an_implausible_one_wait_for_the_review() {
	one_24_kw_meter(|device| {
		under_review(device);
		let next = device.sign(reading(M1, 3, NOW - 200_000, 11_100));
		ingest(vec![second_reading(device, 10_000), next.clone()]);
		assert_eq!(rejections(), vec![(M1, 3, RejectReason::MeterImplausible)]);
		assert!(!RejectReason::MeterImplausible.is_final(), "relayers keep it for later");
		assert_eq!(last_event(), summary(0, 1, 1, 0, 0));
		assert!(consumed().is_empty());
		// The pool refuses a batch it could not deliver.
		assert_eq!(
			authorize(vec![next]).unwrap_err(),
			InvalidTransaction::Custom(RejectReason::MeterImplausible.code()).into()
		);
	});
}

#[test]
fn the_pool_accepts_a_batch_whose_reading_will_wait_for_review() {
	one_24_kw_meter(|device| {
		baseline(device);
		let (validity, _) = authorize(vec![second_reading(device, 10_000)]).unwrap();
		assert_eq!(validity.provides, vec![(TAG_PREFIX, (M1, 2u64)).encode()]);
	});
}

#[test]
fn billing_the_reviewed_reading_bills_its_energy_over_its_interval() {
	one_24_kw_meter(|device| {
		under_review(device);
		assert_ok!(PalletMeters::review_implausible_reading(signed(ALICE), M1, true));
		assert_eq!(consumed(), vec![consumption(M1, NOW - 600_000, NOW - 300_000, 10_000)]);
		assert_eq!(
			last_event(),
			Event::ImplausibleReadingReviewed {
				meter: M1,
				seq: 2,
				energy_wh: 10_000,
				billed: true
			}
		);
		let info = info(M1);
		assert_eq!(info.status, MeterStatus::Active);
		assert_eq!(
			(info.last_seq, info.last_at_ms, info.last_cumulative_wh),
			(2, NOW - 300_000, 11_000)
		);
		assert_eq!(ReadingsUnderReview::<Test>::get(M1), None);
		// The next reading is billed from the held one.
		ingest(vec![device.sign(reading(M1, 3, NOW - 200_000, 11_100))]);
		assert_eq!(consumed().last(), Some(&consumption(M1, NOW - 300_000, NOW - 200_000, 100)));
	});
}

#[test]
fn refusing_the_implausible_reading_makes_it_the_new_baseline() {
	one_24_kw_meter(|device| {
		under_review(device);
		assert_ok!(PalletMeters::review_implausible_reading(signed(ALICE), M1, false));
		assert!(consumed().is_empty(), "the jump is never billed");
		assert_eq!(
			last_event(),
			Event::ImplausibleReadingReviewed {
				meter: M1,
				seq: 2,
				energy_wh: 10_000,
				billed: false
			}
		);
		let info = info(M1);
		assert_eq!(info.status, MeterStatus::Active);
		assert_eq!(
			(info.last_seq, info.last_at_ms, info.last_cumulative_wh),
			(2, NOW - 300_000, 11_000)
		);
		ingest(vec![device.sign(reading(M1, 3, NOW - 200_000, 11_100))]);
		assert_eq!(consumed(), vec![consumption(M1, NOW - 300_000, NOW - 200_000, 100)]);
	});
}

#[test]
fn review_implausible_reading_errors() {
	one_24_kw_meter(|device| {
		baseline(device);
		assert_noop!(
			PalletMeters::review_implausible_reading(signed(ALICE), M1, true),
			Error::<Test>::NoReadingUnderReview
		);
		assert_noop!(
			PalletMeters::review_implausible_reading(signed(ALICE), M2, true),
			Error::<Test>::UnknownMeter
		);
		ingest(vec![second_reading(device, 10_000)]);
		assert_noop!(
			PalletMeters::review_implausible_reading(signed(BOB), M1, true),
			Error::<Test>::NotMeterOperator
		);
		assert_noop!(PalletMeters::review_implausible_reading(authorized(), M1, true), BadOrigin);
	});
}

#[test]
fn an_implausible_reading_is_reviewed_before_the_meter_changes_hands_or_device() {
	one_24_kw_meter(|device| {
		under_review(device);
		// Resuming would leave the reading undecided, a new owner would pay for the
		// leaving household's energy, a new device would lose the mark it is judged against.
		assert_noop!(PalletMeters::resume(signed(ALICE), M1), Error::<Test>::ReadingUnderReview);
		assert_noop!(PalletMeters::suspend(signed(ALICE), M1), Error::<Test>::NotActive);
		assert_noop!(
			PalletMeters::set_owner(signed(ALICE), M1, OTHER_OWNER),
			Error::<Test>::ReadingUnderReview
		);
		assert_noop!(
			PalletMeters::rotate_key(signed(ALICE), M1, Device::sr25519(7).public()),
			Error::<Test>::ReadingUnderReview
		);
		assert_noop!(
			PalletMeters::decommission(signed(ALICE), M1),
			Error::<Test>::ReadingUnderReview
		);
		assert_ok!(PalletMeters::review_implausible_reading(signed(ALICE), M1, false));
		assert_ok!(PalletMeters::set_owner(signed(ALICE), M1, OTHER_OWNER));
		assert_ok!(PalletMeters::decommission(signed(ALICE), M1));
	});
}

#[test]
fn set_rated_power_works() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		assert_ok!(PalletMeters::set_rated_power(signed(ALICE), M1, 48_000));
		assert_eq!(last_event(), Event::RatedPowerSet { meter: M1, rated_power_w: 48_000 });
		assert_eq!(info(M1).rated_power_w, 48_000);
		// 10 kWh in five minutes is 120 kW: still implausible at 48 kW; 4 kWh (48 kW) is billed.
		baseline(&device);
		ingest(vec![second_reading(&device, 4_000)]);
		assert_eq!(consumed().len(), 1);
	});
}

#[test]
fn set_rated_power_errors() {
	let (ext, _) = one_meter();
	ext.operator(BOB).build_and_execute(|| {
		assert_noop!(
			PalletMeters::set_rated_power(signed(ALICE), M1, 0),
			Error::<Test>::ZeroRatedPower
		);
		assert_noop!(
			PalletMeters::set_rated_power(signed(BOB), M1, 1_000),
			Error::<Test>::NotMeterOperator
		);
		assert_noop!(
			PalletMeters::set_rated_power(signed(ALICE), M2, 1_000),
			Error::<Test>::UnknownMeter
		);
	});
}

#[test]
fn try_state_ties_readings_under_review_to_implausible_meters() {
	let (ext, device) = one_meter();
	ext.build().execute_with(|| {
		assert_ok!(PalletMeters::set_rated_power(signed(ALICE), M1, RATED_POWER_W));
		under_review(&device);
		assert_ok!(PalletMeters::do_try_state());
		ReadingsUnderReview::<Test>::remove(M1);
		assert!(PalletMeters::do_try_state().is_err(), "an implausible meter holds a reading");
		ReadingsUnderReview::<Test>::insert(
			M1,
			ReadingUnderReview { seq: 2, at_ms: NOW - 300_000, cumulative_wh: 11_000 },
		);
		Meters::<Test>::mutate(M1, |info| {
			if let Some(info) = info {
				info.status = MeterStatus::Active;
			}
		});
		assert!(PalletMeters::do_try_state().is_err(), "only implausible meters hold readings");
	});
}

/// Whatever the readings, nothing handed to `OnConsumption` is more than the meter's rated
/// power over its interval, except a reading its operator reviewed and billed.
mod property {
	use super::*;
	use proptest::prelude::*;

	proptest! {
		#![proptest_config(ProptestConfig::with_cases(super::super::property_cases(256)))]
		#[test]
		fn ingestion_never_bills_above_the_rated_power(
			steps in prop::collection::vec((0u64..600_000, 0u64..20_000, any::<bool>()), 1..24),
			rated_power_w in 1u32..50_000,
		) {
			let (ext, device) = one_meter();
			ext.build_and_execute(|| {
				assert_ok!(PalletMeters::set_rated_power(signed(ALICE), M1, rated_power_w));
				let mut reviewed_and_billed = Vec::new();
				let mut at_ms = NOW - 20_000_000;
				let mut register = 0u64;
				for (seq, (dt, energy, bill)) in (1u64..).zip(steps.iter().copied()) {
					at_ms += dt;
					register += energy;
					ingest(vec![device.sign(reading(M1, seq, at_ms, register))]);
					if info(M1).status == MeterStatus::Implausible {
						assert_ok!(PalletMeters::review_implausible_reading(signed(ALICE), M1, bill));
						if bill {
							reviewed_and_billed.push(*consumed().last().expect("billed"));
						}
					}
				}
				for c in consumed() {
					let within = u128::from(c.energy_wh) * 3_600_000 <=
						u128::from(rated_power_w) * u128::from(c.to_ms - c.from_ms);
					assert!(within || reviewed_and_billed.contains(&c), "{c:?} billed blindly");
				}
			});
		}
	}
}
