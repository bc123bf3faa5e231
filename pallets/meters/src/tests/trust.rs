//! The ingestion rules that no relayer, gateway or block author can game (issue 10): each test
//! is one attack, and fails on the rules before protocol v2.

use super::*;

/// Flag bit 4 of protocol v2: the meter declares that the readings between the last one the
/// chain confirmed to it and this one are lost.
const GAP: u8 = 1 << 4;

fn reading_with_flags(
	meter: MeterId,
	seq: u64,
	at_ms: u64,
	cumulative_wh: u64,
	flags: u8,
) -> Reading {
	Reading { meter, seq, at_ms, cumulative_wh, flags }
}

/// A reading of `meter` whose signature is garbage.
fn forged(meter: MeterId, seq: u64) -> SignedReading {
	let device = Device::sr25519(1);
	let mut signed = device.sign(reading(meter, seq, NOW - 1_000, 5_000));
	signed.signature = device.sign_bytes(b"not this reading");
	signed
}

// ---------------------------------------------------------------------------------------------
// Finding 1: free block space and pool tag squatting

#[test]
fn padding_a_valid_reading_with_forged_ones_is_refused_by_the_pool() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		// One fresh valid reading (anyone can fetch one from the gateway), then forged padding
		// that dispatch would verify at nobody's cost.
		let mut readings = vec![device.sign(reading(M1, 2, NOW - 1_000, 1_100))];
		readings.extend((3..(MAX_BATCH as u64 + 2)).map(|seq| forged(M1, seq)));
		assert_eq!(readings.len(), MAX_BATCH as usize);
		assert!(authorize(readings).is_err(), "a batch with forged readings must be refused");
	});
}

#[test]
fn a_batch_cannot_squat_the_tags_of_readings_it_does_not_carry_validly() {
	let (ext, device) = one_meter();
	let other = Device::sr25519(2);
	ext.meter(M2, &other, ALICE).build_and_execute(|| {
		baseline(&device);
		// Valid M1 reading first, then a forged M2 reading that would take M2's (M2, 1) tag
		// and get the honest relayers' batch carrying the real (M2, 1) refused.
		let squatting = vec![device.sign(reading(M1, 2, NOW - 1_000, 1_100)), forged(M2, 1)];
		assert!(authorize(squatting).is_err(), "the forged reading's tag must not be provided");
		let honest = vec![other.sign(reading(M2, 1, NOW - 1_000, 10))];
		assert!(authorize(honest).is_ok());
	});
}

#[test]
fn a_batch_padded_with_duplicates_is_refused_by_the_pool() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		let old = device.sign(reading(M1, 1, NOW - 600_000, 1_000));
		let readings = vec![device.sign(reading(M1, 2, NOW - 1_000, 1_100)), old];
		assert_eq!(
			authorize(readings).map(|_| ()),
			Err(InvalidTransaction::Stale.into()),
			"readings the chain has already are free work: the batch is stale"
		);
	});
}

#[test]
fn a_batch_with_a_reading_of_an_inactive_or_unknown_meter_is_refused_by_the_pool() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		let unknown = Device::sr25519(7).sign(reading(M3, 1, NOW - 1_000, 10));
		assert!(authorize(vec![device.sign(reading(M1, 2, NOW - 1_000, 1_100)), unknown]).is_err());
		assert_ok!(PalletMeters::suspend(signed(ALICE), M1));
		assert!(authorize(vec![device.sign(reading(M1, 2, NOW - 1_000, 1_100))]).is_err());
	});
}

// ---------------------------------------------------------------------------------------------
// Finding 2: the submitter chooses which readings are billed

#[test]
fn a_reading_cannot_be_skipped_by_whoever_submits_a_later_one_first() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		let peak = device.sign(reading(M1, 2, NOW - 300_000, 1_900));
		let late = device.sign(reading(M1, 3, NOW - 1_000, 2_000));
		// The later reading alone is refused, in the pool and at dispatch...
		assert!(authorize(vec![late.clone()]).is_err());
		ingest(vec![late.clone()]);
		assert!(consumed().is_empty(), "skipping seq 2 must not bill seq 3");
		assert_eq!(info(M1).last_seq, 1);
		// ...and both are billed, each over its own interval, once seq 2 arrives.
		ingest(vec![late, peak]);
		assert_eq!(
			consumed(),
			vec![
				consumption(M1, NOW - 600_000, NOW - 300_000, 900),
				consumption(M1, NOW - 300_000, NOW - 1_000, 100),
			]
		);
	});
}

#[test]
fn a_tamper_dip_cannot_be_hidden_by_skipping_it() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		let dip = device.sign(reading(M1, 2, NOW - 300_000, 500));
		let after = device.sign(reading(M1, 3, NOW - 1_000, 1_200));
		ingest(vec![after.clone()]);
		assert_eq!(info(M1).status, MeterStatus::Active);
		ingest(vec![dip, after]);
		assert_eq!(info(M1).status, MeterStatus::Tampered);
	});
}

#[test]
fn a_gap_declared_by_the_meter_is_billed_across() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		ingest(vec![device.sign(reading_with_flags(M1, 5, NOW - 1_000, 1_300, GAP))]);
		assert_eq!(consumed(), vec![consumption(M1, NOW - 600_000, NOW - 1_000, 300)]);
		assert_eq!(info(M1).last_seq, 5);
	});
}

// ---------------------------------------------------------------------------------------------
// Finding 3: baseline and replay

#[test]
fn a_reading_from_before_registration_cannot_become_the_baseline() {
	ExtBuilder::default().operator(ALICE).build_and_execute(|| {
		let device = Device::sr25519(1);
		assert_ok!(PalletMeters::register_meter(
			signed(ALICE),
			M1,
			device.public(),
			OWNER,
			metadata(b"")
		));
		let before = device.sign(reading(M1, 1, NOW - 1, 1_000));
		assert!(authorize(vec![before.clone()]).is_err());
		ingest(vec![before]);
		assert!(!info(M1).has_baseline(), "history before registration is not the baseline");
		ingest(vec![device.sign(reading(M1, 2, NOW, 1_010))]);
		assert_eq!(info(M1).last_seq, 2);
	});
}

#[test]
fn a_re_registered_meter_is_not_billed_for_replayed_history() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		let old = device.sign(reading(M1, 2, NOW - 300_000, 9_000));
		assert_ok!(PalletMeters::decommission(signed(ALICE), M1));
		Timestamp::set_timestamp(NOW + 60_000);
		assert_ok!(PalletMeters::register_meter(
			signed(ALICE),
			M1,
			device.public(),
			OTHER_OWNER,
			metadata(b"")
		));
		// The old owner's readings, still at the gateway, are replayed.
		ingest(vec![device.sign(reading(M1, 1, NOW - 600_000, 1_000)), old]);
		assert!(consumed().is_empty());
		assert!(!info(M1).has_baseline());
	});
}

// ---------------------------------------------------------------------------------------------
// Finding 4: double billing after tamper

#[test]
fn nothing_is_billed_twice_after_a_tamper_event_and_resume() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		ingest(vec![device.sign(reading(M1, 2, NOW - 300_000, 1_500))]);
		// A glitch reads the register low: a tamper event.
		ingest(vec![device.sign(reading(M1, 3, NOW - 200_000, 900))]);
		assert_eq!(info(M1).status, MeterStatus::Tampered);
		assert_ok!(PalletMeters::resume(signed(ALICE), M1));
		ingest(vec![device.sign(reading(M1, 4, NOW - 100_000, 1_600))]);
		let billed: u64 = consumed().iter().map(|c| c.energy_wh).sum();
		assert_eq!(billed, 600, "1,000 -> 1,600 Wh is 600 Wh, whatever the glitch read");
	});
}

#[test]
fn a_register_reset_confirmed_by_resume_becomes_the_new_baseline() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		ingest(vec![device.sign(reading(M1, 2, NOW - 300_000, 10))]);
		assert_eq!(info(M1).status, MeterStatus::Tampered);
		assert_ok!(PalletMeters::resume(signed(ALICE), M1));
		ingest(vec![
			device.sign(reading(M1, 3, NOW - 200_000, 20)),
			device.sign(reading(M1, 4, NOW - 100_000, 70)),
		]);
		assert_eq!(info(M1).status, MeterStatus::Active, "the reset is not a second tamper");
		assert_eq!(consumed(), vec![consumption(M1, NOW - 200_000, NOW - 100_000, 50)]);
	});
}

// ---------------------------------------------------------------------------------------------
// Finding 5: device replacement

#[test]
fn a_replacement_device_is_accepted_with_its_own_counters() {
	let (ext, old) = one_meter();
	ext.build_and_execute(|| {
		ingest(vec![old.sign(reading(M1, 500, NOW - 600_000, 80_000))]);
		let new = Device::ed25519(9);
		Timestamp::set_timestamp(NOW + 1_000);
		assert_ok!(PalletMeters::rotate_key(signed(ALICE), M1, new.public()));
		// The new device counts from seq 1 and a register of 0.
		ingest(vec![new.sign(reading(M1, 1, NOW + 2_000, 0))]);
		ingest(vec![new.sign(reading(M1, 2, NOW + 3_000, 40))]);
		assert_eq!(info(M1).status, MeterStatus::Active);
		assert_eq!(consumed(), vec![consumption(M1, NOW + 2_000, NOW + 3_000, 40)]);
		// The old device's readings are refused.
		ingest(vec![old.sign(reading(M1, 501, NOW + 2_500, 80_100))]);
		assert_eq!(info(M1).last_seq, 2);
	});
}

#[test]
fn reject_reason_codes_are_those_docs_protocol_md_lists() {
	let doc = include_str!("../../../../docs/protocol.md");
	let reasons = [
		RejectReason::UnknownMeter,
		RejectReason::MeterSuspended,
		RejectReason::MeterTampered,
		RejectReason::BadSignature,
		RejectReason::ReservedFlags,
		RejectReason::FutureTimestamp,
		RejectReason::TimestampRegression,
		RejectReason::NotNextReading,
		RejectReason::BeforeRegistration,
		RejectReason::MeterImplausible,
	];
	for (code, reason) in reasons.iter().enumerate() {
		assert_eq!(reason.code() as usize, code);
		let listed = format!("{code} `{reason:?}`");
		assert!(doc.replace('\n', " ").contains(&listed), "docs/protocol.md lists {listed}");
	}
}
