//! The weights `ingest_readings` is charged and refunded.

use super::*;

// ---------------------------------------------------------------------------------------------
// Weights

#[test]
fn ingest_charges_the_upper_bound_up_front_and_only_a_signed_misuse_pays() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		let b = batch(vec![device.sign(reading(M1, 1, NOW, 1)); 3]);
		let call = Call::<Test>::ingest_readings { batch: b.clone() };
		let info = call.get_dispatch_info();
		// Transaction payment charges signed origins only: the authorized general
		// transaction pays nothing, a signed submission pays and fails.
		assert_eq!(info.pays_fee, Pays::Yes);
		assert_eq!(
			PalletMeters::ingest_readings(signed(ALICE), b.clone()).unwrap_err().post_info,
			PostDispatchInfo { actual_weight: None, pays_fee: Pays::Yes }
		);
		assert_eq!(info.call_weight, PalletMeters::ingest_weight_for(&b));
		assert_eq!(info.call_weight, PalletMeters::ingest_weight_upper_bound(3));
		assert_eq!(
			info.extension_weight,
			Weight::zero(),
			"the authorization weight is the extension's, added by AuthorizeCall"
		);
		// The authorization verifies every signature, as benchmarked: a reading costs it more
		// than a reading only looked up and skipped by dispatch.
		let authorize_weight = RuntimeCall::PalletMeters(call).weight_of_authorize();
		assert_eq!(authorize_weight, PalletMeters::authorize_weight(&b));
		let sr25519 = <() as WeightInfo>::authorize_ingest_readings_sr25519;
		let fixed = sr25519(0).max(<() as WeightInfo>::authorize_ingest_readings_ed25519(0));
		assert_eq!(authorize_weight, fixed + sr25519(3) - sr25519(0));
		let slope = |w: fn(u32) -> Weight| w(1).ref_time() - w(0).ref_time();
		assert!(
			slope(<() as WeightInfo>::authorize_ingest_readings_ed25519)
				> slope(<() as WeightInfo>::ingest_readings_skipped)
		);
	});
}

#[test]
fn dispatch_is_charged_no_verification_and_billing_once() {
	// Dispatch verifies no signature (the authorization did): whatever the schemes, a batch
	// is charged the same, and less than the authorization's verification of it.
	let (sr, ed, ec) = (Device::sr25519(1), Device::ed25519(2), Device::ecdsa(3));
	let weight_of = |readings: Vec<SignedReading>| {
		Call::<Test>::ingest_readings { batch: batch(readings) }.get_dispatch_info().call_weight
	};
	let sr_batch = weight_of(vec![sr.sign(reading(M1, 1, NOW, 0)); 4]);
	assert_eq!(sr_batch, weight_of(vec![ed.sign(reading(M1, 1, NOW, 0)); 4]));
	assert_eq!(sr_batch, weight_of(vec![ec.sign(reading(M1, 1, NOW, 0)); 4]));
	let per_reading = |w: fn(u32) -> Weight| w(1).saturating_sub(w(0));
	let dispatch = per_reading(<() as WeightInfo>::ingest_readings);
	let verification = per_reading(<() as WeightInfo>::authorize_ingest_readings_sr25519);
	// Beyond their database accesses (dispatch: the meter read and written; the
	// authorization: the meter read), dispatch costs a fraction of a verification.
	let db = frame_support::weights::constants::RocksDbWeight::get(); // as `()` weighs them
	assert!(
		dispatch.saturating_sub(db.reads_writes(1, 1)).ref_time() * 3
			< verification.saturating_sub(db.reads(1)).ref_time()
	);
	// Billing is charged once, at its bound: the dispatch benchmark bills nothing (its
	// readings are baselines), so its slope is only the meter's lookup and write.
	assert_eq!(
		sr_batch,
		<() as WeightInfo>::ingest_readings(0).max(<() as WeightInfo>::ingest_readings_skipped(0))
			+ dispatch.saturating_mul(4)
			+ CONSUMPTION_MAX_WEIGHT.saturating_mul(4)
	);
}

#[test]
fn only_a_batch_with_ecdsa_readings_pays_the_ecdsa_fixed_part() {
	let (sr, ed, ec) = (Device::sr25519(1), Device::ed25519(2), Device::ecdsa(3));
	let ecdsa_fixed = <() as WeightInfo>::authorize_ingest_readings_ecdsa(0);
	let others_fixed = <() as WeightInfo>::authorize_ingest_readings_sr25519(0)
		.max(<() as WeightInfo>::authorize_ingest_readings_ed25519(0));
	// The linear fit has put more in the ecdsa benchmark's fixed part than in the others'
	// (460 µs against 20 µs in one run; 92 µs against 69 µs in the latest).
	assert!(ecdsa_fixed.ref_time() > others_fixed.ref_time());
	let per_reading = |w: fn(u32) -> Weight| w(1).saturating_sub(w(0));
	let sr_slope = per_reading(<() as WeightInfo>::authorize_ingest_readings_sr25519);
	let ed_slope = per_reading(<() as WeightInfo>::authorize_ingest_readings_ed25519);
	let ec_slope = per_reading(<() as WeightInfo>::authorize_ingest_readings_ecdsa);
	// sr25519 and ed25519 batches: their own fixed part and slopes, no ecdsa fixed part.
	let sr_batch = [sr.sign(reading(M1, 1, NOW, 0)), sr.sign(reading(M1, 2, NOW, 1))];
	assert_eq!(
		PalletMeters::authorize_weight(&sr_batch),
		others_fixed + sr_slope.saturating_mul(2)
	);
	let mixed = [sr.sign(reading(M1, 1, NOW, 0)), ed.sign(reading(M2, 1, NOW, 0))];
	assert_eq!(PalletMeters::authorize_weight(&mixed), others_fixed + sr_slope + ed_slope);
	let upper = PalletMeters::authorize_weight_upper_bound(2);
	assert!(PalletMeters::authorize_weight(&sr_batch).ref_time() < upper.ref_time());
	// One ecdsa reading: the batch pays the ecdsa fixed part.
	let with_ecdsa = [sr.sign(reading(M1, 1, NOW, 0)), ec.sign(reading(M3, 1, NOW, 0))];
	assert_eq!(
		PalletMeters::authorize_weight(&with_ecdsa),
		ecdsa_fixed.max(others_fixed) + sr_slope + ec_slope
	);
	assert!(PalletMeters::authorize_weight(&with_ecdsa).all_lte(upper));
}

#[test]
fn ingest_refunds_what_it_did_not_use() {
	let (ext, a, b) = two_meters(Device::ecdsa(2));
	ext.build_and_execute(|| {
		ingest(vec![
			a.sign(reading(M1, 1, NOW - 1_000, 0)),
			b.sign(reading(M2, 1, NOW - 1_000, 0)),
		]);
		let readings = vec![
			a.sign(reading(M1, 2, NOW, 10)),
			b.sign(reading(M2, 2, NOW, 10)),
			a.sign(reading(M1, 1, NOW - 1_000, 0)), // duplicate
			a.sign(reading(M3, 1, NOW, 0)),         // unknown meter
		];
		let charged = PalletMeters::ingest_weight_for(&readings);
		let post = ingest(readings);
		assert_eq!(post.pays_fee, Pays::No);
		let outcome = IngestOutcome {
			accepted: 2,
			duplicates: 1,
			rejected: 1,
			tampered: 0,
			implausible: 0,
			energy_wh: 20,
			skipped: 2,
		};
		let expected =
			PalletMeters::ingest_weight_used(&outcome, CONSUMPTION_WEIGHT.saturating_mul(2));
		assert_eq!(post.actual_weight, Some(expected));
		assert!(expected.all_lte(charged) && expected != charged);

		// Only duplicates: the fixed part and four skipped readings, nothing billed.
		let post = ingest(vec![a.sign(reading(M1, 2, NOW, 10)); 4]);
		let only_skipped = IngestOutcome { duplicates: 4, skipped: 4, ..Default::default() };
		let fixed = <() as WeightInfo>::ingest_readings(0)
			.max(<() as WeightInfo>::ingest_readings_skipped(0));
		let skipped = <() as WeightInfo>::ingest_readings_skipped(4)
			.saturating_sub(<() as WeightInfo>::ingest_readings_skipped(0));
		assert_eq!(
			post.actual_weight,
			Some(PalletMeters::ingest_weight_used(&only_skipped, Weight::zero()))
		);
		assert_eq!(post.actual_weight, Some(fixed.saturating_add(skipped)));
	});
}

#[test]
fn used_weight_never_exceeds_the_upper_bound() {
	for n in 0..=MAX_BATCH {
		let upper = PalletMeters::ingest_weight_upper_bound(n);
		for taken in 0..=n {
			let outcome = IngestOutcome {
				accepted: taken / 2,
				tampered: taken / 4,
				implausible: taken - taken / 2 - taken / 4,
				skipped: n - taken,
				..Default::default()
			};
			let used = PalletMeters::ingest_weight_used(
				&outcome,
				CONSUMPTION_MAX_WEIGHT.saturating_mul(u64::from(outcome.accepted)),
			);
			assert!(used.all_lte(upper), "n = {n}, taken = {taken}");
		}
	}
}

#[test]
fn integrity_test_passes() {
	ExtBuilder::default().build_and_execute(|| {
		<PalletMeters as Hooks<u64>>::integrity_test();
	});
}
