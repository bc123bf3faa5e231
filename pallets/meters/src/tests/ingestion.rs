//! Ingesting readings: what is taken, billed, refused or flagged, and the events.

use super::*;

// ---------------------------------------------------------------------------------------------
// Ingestion

#[test]
fn ingest_needs_the_authorized_origin() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		let b = batch(vec![device.sign(reading(M1, 1, NOW, 1))]);
		for origin in [signed(ALICE), RuntimeOrigin::root(), RuntimeOrigin::none()] {
			assert_noop!(PalletMeters::ingest_readings(origin, b.clone()), BadOrigin);
		}
	});
}

#[test]
fn first_reading_sets_the_baseline() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		ingest(vec![device.sign(reading(M1, 1, NOW - 1_000, 52_000))]);
		let info = info(M1);
		assert_eq!(
			(info.last_seq, info.last_at_ms, info.last_cumulative_wh),
			(1, NOW - 1_000, 52_000)
		);
		assert!(consumed().is_empty(), "nothing is billed before the baseline");
		assert_eq!(events(), vec![summary(1, 0, 0, 0, 0)]);
	});
}

#[test]
fn on_consumption_receives_exact_deltas_in_seq_order() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		let t = NOW - 600_000;
		// Out of order in the batch: taken in seq order.
		ingest(vec![
			device.sign(reading(M1, 4, t + 300_000, 1_700)),
			device.sign(reading(M1, 2, t + 100_000, 1_250)),
			device.sign(reading(M1, 3, t + 200_000, 1_250)),
		]);
		assert_eq!(
			consumed(),
			vec![
				consumption(M1, t, t + 100_000, 250),
				consumption(M1, t + 100_000, t + 200_000, 0),
				consumption(M1, t + 200_000, t + 300_000, 450),
			]
		);
		assert_eq!(events(), vec![summary(3, 0, 0, 0, 700)]);
		let info = info(M1);
		assert_eq!(
			(info.last_seq, info.last_at_ms, info.last_cumulative_wh),
			(4, t + 300_000, 1_700)
		);
	});
}

#[test]
fn sequence_gaps_are_refused_unless_declared() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		ingest(vec![device.sign(reading(M1, 10, NOW, 1_100))]);
		assert_eq!(rejections(), vec![(M1, 10, RejectReason::NotNextReading)]);
		assert_eq!(last_event(), summary(0, 0, 1, 0, 0));
		assert!(consumed().is_empty());
		ingest(vec![device.sign(Reading { flags: flags::GAP, ..reading(M1, 10, NOW, 1_100) })]);
		assert_eq!(consumed(), vec![consumption(M1, NOW - 600_000, NOW, 100)]);
	});
}

#[test]
fn replayed_reading_is_a_counted_duplicate() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		let r2 = device.sign(reading(M1, 2, NOW, 1_100));
		ingest(vec![r2.clone()]);
		System::reset_events();
		ingest(vec![r2, device.sign(reading(M1, 1, NOW - 600_000, 1_000))]);
		assert_eq!(events(), vec![summary(0, 2, 0, 0, 0)]);
		assert_eq!(consumed().len(), 1);
		// A different reading reusing an old seq is a duplicate as well, even if it is signed.
		ingest(vec![device.sign(reading(M1, 2, NOW, 9_999))]);
		assert_eq!(last_event(), summary(0, 1, 0, 0, 0));
		assert_eq!(info(M1).last_cumulative_wh, 1_100);
	});
}

#[test]
fn the_same_batch_twice_counts_once() {
	let a = Device::sr25519(1);
	let b = Device::ed25519(2);
	let c = Device::ecdsa(3);
	ExtBuilder::default()
		.operator(ALICE)
		.meter(M1, &a, ALICE)
		.meter(M2, &b, ALICE)
		.meter(M3, &c, ALICE)
		.build_and_execute(|| {
			let readings = vec![
				a.sign(reading(M1, 1, NOW - 1_000, 10)),
				b.sign(reading(M2, 1, NOW - 1_000, 20)),
				c.sign(reading(M3, 1, NOW - 1_000, 30)),
				a.sign(reading(M1, 2, NOW, 15)),
				b.sign(reading(M2, 2, NOW, 27)),
				c.sign(reading(M3, 2, NOW, 39)),
			];
			assert!(authorize(readings.clone()).is_ok());
			ingest(readings.clone());
			assert_eq!(last_event(), summary(6, 0, 0, 0, 5 + 7 + 9));
			// The pool refuses the copy; dispatched anyway, it counts nothing.
			assert_eq!(authorize(readings.clone()), Err(InvalidTransaction::Stale.into()));
			ingest(readings);
			assert_eq!(last_event(), summary(0, 6, 0, 0, 0));
			assert_eq!(
				consumed(),
				vec![
					consumption(M1, NOW - 1_000, NOW, 5),
					consumption(M2, NOW - 1_000, NOW, 7),
					consumption(M3, NOW - 1_000, NOW, 9),
				]
			);
		});
}

#[test]
fn duplicate_seq_within_a_batch_counts_once_and_a_forged_copy_spoils_the_batch() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		let genuine = device.sign(reading(M1, 2, NOW, 1_300));
		// Dispatch takes the first copy and counts the second as a duplicate.
		ingest(vec![genuine.clone(), genuine.clone()]);
		assert!(rejections().is_empty());
		assert_eq!(last_event(), summary(1, 1, 0, 0, 300));
		assert_eq!(consumed(), vec![consumption(M1, NOW - 600_000, NOW, 300)]);
		// A forged copy of the next reading, beside the genuine one: the authorization refuses
		// the whole batch, so a forged copy can never win over the genuine one.
		let next = device.sign(reading(M1, 3, NOW + 1_000, 1_310));
		let mut forged = next.clone();
		forged.reading.cumulative_wh = 5_000;
		assert_eq!(apply(vec![forged, next.clone()]), Err(InvalidTransaction::BadProof.into()));
		assert_eq!(info(M1).last_seq, 2);
		assert_ok!(apply(vec![next]));
		assert_eq!(info(M1).last_cumulative_wh, 1_310);
	});
}

#[test]
fn register_regression_is_a_tamper_event() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		ingest(vec![
			device.sign(reading(M1, 2, NOW - 300_000, 1_400)),
			device.sign(reading(M1, 3, NOW - 200_000, 900)),
			device.sign(reading(M1, 4, NOW - 100_000, 950)),
		]);
		assert_eq!(
			events(),
			vec![
				Event::TamperSuspected {
					meter: M1,
					seq: 3,
					last_cumulative_wh: 1_400,
					cumulative_wh: 900
				},
				Event::ReadingRejected { meter: M1, seq: 4, reason: RejectReason::MeterTampered },
				summary(1, 0, 1, 1, 400),
			]
		);
		// Only the reading before the regression is billed.
		assert_eq!(consumed(), vec![consumption(M1, NOW - 600_000, NOW - 300_000, 400)]);
		let info = info(M1);
		assert_eq!(info.status, MeterStatus::Tampered);
		assert_eq!(PalletMeters::meter(M1).unwrap().status, MeterStatus::Tampered);
		// The regressed reading is the last link (replaying it is a duplicate); the mark stays.
		assert_eq!((info.last_seq, info.last_cumulative_wh), (3, 1_400));
	});
}

#[test]
fn resume_clears_tampered_and_a_lower_register_becomes_the_new_baseline() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		ingest(vec![device.sign(reading(M1, 2, NOW - 300_000, 500))]);
		assert_eq!(info(M1).status, MeterStatus::Tampered);
		// Readings of a tampered meter are refused.
		ingest(vec![device.sign(reading(M1, 3, NOW - 200_000, 600))]);
		assert_eq!(rejections(), vec![(M1, 3, RejectReason::MeterTampered)]);

		assert_ok!(PalletMeters::resume(signed(ALICE), M1));
		assert_eq!(last_event(), Event::MeterResumed { meter: M1, was_tampered: true });
		// The tamper reading replayed is a duplicate, not a second tamper event; the next
		// reading, below the mark of 1,000 Wh after the resume, is the new baseline.
		ingest(vec![
			device.sign(reading(M1, 2, NOW - 300_000, 500)),
			device.sign(reading(M1, 3, NOW - 200_000, 600)),
			device.sign(reading(M1, 4, NOW - 100_000, 650)),
		]);
		assert_eq!(last_event(), summary(2, 1, 0, 0, 50));
		assert_eq!(consumed(), vec![consumption(M1, NOW - 200_000, NOW - 100_000, 50)]);
		assert_eq!(info(M1).status, MeterStatus::Active);
		assert!(!info(M1).rebase_allowed);
	});
}

#[test]
fn future_timestamps_are_refused() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		let ahead = device.sign(reading(M1, 2, NOW + MAX_CLOCK_SKEW_MS + 1, 1_100));
		ingest(vec![ahead.clone()]);
		assert_eq!(rejections(), vec![(M1, 2, RejectReason::FutureTimestamp)]);
		assert!(!RejectReason::FutureTimestamp.is_final(), "it is taken once the chain catches up");
		// At the skew limit is fine.
		ingest(vec![device.sign(reading(M1, 2, NOW + MAX_CLOCK_SKEW_MS, 1_200))]);
		assert_eq!(consumed(), vec![consumption(M1, NOW - 600_000, NOW + MAX_CLOCK_SKEW_MS, 200)]);
		// Once the chain's time has moved on, later timestamps are accepted.
		Timestamp::set_timestamp(NOW + 2 * MAX_CLOCK_SKEW_MS);
		ingest(vec![device.sign(reading(M1, 3, NOW + 2 * MAX_CLOCK_SKEW_MS, 1_300))]);
		assert_eq!(consumed().len(), 2);
	});
}

#[test]
fn timestamps_running_backwards_are_refused() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		ingest(vec![device.sign(reading(M1, 2, NOW - 600_001, 1_100))]);
		assert_eq!(rejections(), vec![(M1, 2, RejectReason::TimestampRegression)]);
		assert!(RejectReason::TimestampRegression.is_final());
		assert_eq!(info(M1).last_seq, 1);
		// The meter's next reading is not the next link: it waits...
		System::reset_events();
		ingest(vec![device.sign(reading(M1, 3, NOW, 1_150))]);
		assert_eq!(rejections(), vec![(M1, 3, RejectReason::NotNextReading)]);
		// ...until the meter, told the reading was refused for good, declares the gap. The
		// energy is not lost: the reading after the gap carries it.
		ingest(vec![device.sign(Reading { flags: flags::GAP, ..reading(M1, 3, NOW, 1_150) })]);
		assert_eq!(consumed(), vec![consumption(M1, NOW - 600_000, NOW, 150)]);
	});
}

#[test]
fn reserved_flags_are_refused_and_known_flags_accepted() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		let reserved = Reading { flags: 0x20, ..reading(M1, 2, NOW, 1_100) };
		let known = Reading { flags: flags::KNOWN, ..reading(M1, 3, NOW, 1_200) };
		ingest(vec![device.sign(reserved), device.sign(known)]);
		assert_eq!(rejections(), vec![(M1, 2, RejectReason::ReservedFlags)]);
		assert_eq!(consumed(), vec![consumption(M1, NOW - 600_000, NOW, 200)]);
	});
}

#[test]
fn wrong_genesis_hash_is_refused() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		let other_chain = device.sign_for(H256::repeat_byte(0x69), reading(M1, 2, NOW, 1_100));
		assert_eq!(apply(vec![other_chain.clone()]), Err(InvalidTransaction::BadProof.into()));
		assert_eq!(authorize(vec![other_chain]), Err(InvalidTransaction::BadProof.into()));
		assert_eq!(info(M1).last_seq, 1);
		assert!(consumed().is_empty());
	});
}

#[test]
fn wrong_domain_tag_is_refused() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		let r = reading(M1, 2, NOW, 1_100);
		let v1 = (DOMAIN_TAG_V1, GENESIS, r).encode();
		let with_length_prefix = (DOMAIN_TAG.to_vec(), GENESIS, r).encode();
		let no_tag = (GENESIS, r).encode();
		for payload in [v1, with_length_prefix, no_tag] {
			let signed = SignedReading { reading: r, signature: device.sign_bytes(&payload) };
			assert_eq!(apply(vec![signed]), Err(InvalidTransaction::BadProof.into()));
		}
		assert!(consumed().is_empty());
		// The genuine v2 payload is accepted.
		assert_ok!(apply(vec![device.sign(r)]));
		assert_eq!(consumed().len(), 1);
	});
}

#[test]
fn signature_by_another_meters_key_is_refused() {
	let (ext, a, b) = two_meters(Device::sr25519(2));
	ext.build_and_execute(|| {
		for forged in [b.sign(reading(M1, 1, NOW, 10)), a.sign(reading(M2, 1, NOW, 10))] {
			assert_eq!(apply(vec![forged]), Err(InvalidTransaction::BadProof.into()));
		}
		assert_eq!(info(M1).last_seq, 0);
		assert_eq!(info(M2).last_seq, 0);
	});
}

#[test]
fn unknown_meter_is_refused() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		ingest(vec![device.sign(reading(M2, 1, NOW, 10)), device.sign(reading(M2, 2, NOW, 11))]);
		assert_eq!(
			rejections(),
			vec![(M2, 1, RejectReason::UnknownMeter), (M2, 2, RejectReason::UnknownMeter)]
		);
		assert_eq!(last_event(), summary(0, 0, 2, 0, 0));
	});
}

#[test]
fn each_scheme_is_accepted_and_a_mismatched_scheme_refused() {
	let devices = [Device::sr25519(1), Device::ed25519(2), Device::ecdsa(3)];
	let meters = [M1, M2, M3];
	let mut ext = ExtBuilder::default().operator(ALICE);
	for (meter, device) in meters.iter().zip(&devices) {
		ext = ext.meter(*meter, device, ALICE);
	}
	ext.build_and_execute(|| {
		let baselines =
			meters.iter().zip(&devices).map(|(m, d)| d.sign(reading(*m, 1, NOW - 1_000, 100)));
		ingest(baselines.collect());
		// Each meter's reading signed with the next meter's device (another scheme) is refused.
		let mismatched: Vec<_> = meters
			.iter()
			.enumerate()
			.map(|(i, m)| devices[(i + 1) % 3].sign(reading(*m, 2, NOW, 150)))
			.collect();
		for signed in mismatched {
			assert_eq!(apply(vec![signed]), Err(InvalidTransaction::BadProof.into()));
		}
		assert!(consumed().is_empty());
		let genuine = meters.iter().zip(&devices).map(|(m, d)| d.sign(reading(*m, 2, NOW, 150)));
		assert_ok!(apply(genuine.collect()));
		assert_eq!(
			consumed(),
			meters.iter().map(|m| consumption(*m, NOW - 1_000, NOW, 50)).collect::<Vec<_>>()
		);
	});
}

#[test]
fn one_refused_reading_does_not_block_the_good_ones_in_dispatch() {
	let (ext, a, b) = two_meters(Device::ed25519(2));
	ext.build_and_execute(|| {
		ingest(vec![
			a.sign(reading(M1, 1, NOW - 1_000, 0)),
			b.sign(reading(M2, 1, NOW - 1_000, 0)),
		]);
		// The pool would refuse this batch whole; dispatch, reached anyway, skips the refused
		// readings and takes the rest.
		ingest(vec![
			b.sign(reading(M2, 2, NOW, 30)),
			a.sign(reading(M3, 1, NOW, 10)),
			a.sign(reading(M1, 2, NOW, 10)),
		]);
		// Taken by meter: M1's and M2's readings; M3 is unknown.
		assert_eq!(rejections(), vec![(M3, 1, RejectReason::UnknownMeter)]);
		assert_eq!(
			consumed(),
			vec![consumption(M1, NOW - 1_000, NOW, 10), consumption(M2, NOW - 1_000, NOW, 30)]
		);
		System::reset_events();
		// A reading that is not the next link, and a future one, beside a good one.
		ingest(vec![
			a.sign(reading(M1, 4, NOW, 20)),
			b.sign(reading(M2, 3, NOW + 1_000, 40)),
			a.sign(reading(M1, 3, NOW + MAX_CLOCK_SKEW_MS + 1, 20)),
		]);
		assert_eq!(
			rejections(),
			vec![(M1, 3, RejectReason::FutureTimestamp), (M1, 4, RejectReason::NotNextReading),]
		);
		assert_eq!(info(M2).last_cumulative_wh, 40);
		assert_eq!(last_event(), summary(1, 0, 2, 0, 10));
	});
}

#[test]
fn batch_bounds() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		let readings: Vec<_> = (1..=u64::from(MAX_BATCH) + 1)
			.map(|seq| device.sign(reading(M1, seq, NOW + seq, seq)))
			.collect();
		assert!(BatchOf::<Test>::try_from(readings.clone()).is_err());
		// A call carrying MaxBatch + 1 readings does not decode.
		let mut encoded = Call::<Test>::ingest_readings { batch: batch(Vec::new()) }.encode();
		encoded.truncate(encoded.len() - 1);
		readings.encode_to(&mut encoded);
		assert!(Call::<Test>::decode(&mut &encoded[..]).is_err());
		// MaxBatch readings are fine.
		let full = readings[..MAX_BATCH as usize].to_vec();
		ingest(full);
		assert_eq!(last_event(), summary(MAX_BATCH, 0, 0, 0, u64::from(MAX_BATCH) - 1));
	});
}

#[test]
fn empty_batch_does_nothing() {
	ExtBuilder::default().build_and_execute(|| {
		ingest(vec![]);
		assert_eq!(events(), vec![summary(0, 0, 0, 0, 0)]);
		assert_eq!(authorize(vec![]), Err(InvalidTransaction::Call.into()));
	});
}
