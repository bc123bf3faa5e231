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
		assert!(info.call_weight.all_lte(PalletMeters::ingest_weight_upper_bound(3)));
		assert_eq!(
			info.extension_weight,
			Weight::zero(),
			"the authorization weight is the extension's, added by AuthorizeCall"
		);
		// The authorization verifies every signature, as benchmarked: a reading costs it more
		// than a reading only looked up and skipped.
		let authorize_weight = RuntimeCall::PalletMeters(call).weight_of_authorize();
		assert_eq!(authorize_weight, PalletMeters::authorize_weight(3));
		assert_eq!(authorize_weight, <() as WeightInfo>::authorize_ingest_readings(3));
		let slope = |w: fn(u32) -> Weight| w(1).ref_time() - w(0).ref_time();
		assert!(
			slope(<() as WeightInfo>::authorize_ingest_readings)
				> slope(<() as WeightInfo>::ingest_readings_skipped)
		);
		assert!(PalletMeters::ingest_weight_upper_bound(3).all_gte(
			<() as WeightInfo>::ingest_readings_ecdsa(3) + CONSUMPTION_MAX_WEIGHT.saturating_mul(3)
		));
	});
}

#[test]
fn only_a_batch_with_ecdsa_readings_pays_the_ecdsa_fixed_part() {
	let (sr, ed, ec) = (Device::sr25519(1), Device::ed25519(2), Device::ecdsa(3));
	let weight_of = |readings: Vec<SignedReading>| {
		Call::<Test>::ingest_readings { batch: batch(readings) }.get_dispatch_info().call_weight
	};
	let ecdsa_fixed = <() as WeightInfo>::ingest_readings_ecdsa(0);
	let others_fixed = <() as WeightInfo>::ingest_readings_sr25519(0)
		.max(<() as WeightInfo>::ingest_readings_ed25519(0))
		.max(<() as WeightInfo>::ingest_readings_skipped(0));
	// The fit puts about 460 µs in the ecdsa benchmark's fixed part; the others' is ~20 µs
	// (both with the two database reads every batch makes).
	assert!(ecdsa_fixed.ref_time() > 5 * others_fixed.ref_time());
	let per_reading = |w: fn(u32) -> Weight| w(1).saturating_sub(w(0));
	let consumption = CONSUMPTION_MAX_WEIGHT;
	// sr25519 and ed25519 batches: their own fixed part and slopes, no ecdsa fixed part.
	let sr_batch =
		weight_of(vec![sr.sign(reading(M1, 1, NOW, 0)), sr.sign(reading(M1, 2, NOW, 1))]);
	let sr_slope = per_reading(<() as WeightInfo>::ingest_readings_sr25519);
	assert_eq!(sr_batch, others_fixed + sr_slope.saturating_mul(2) + consumption.saturating_mul(2));
	let mixed = weight_of(vec![sr.sign(reading(M1, 1, NOW, 0)), ed.sign(reading(M2, 1, NOW, 0))]);
	let ed_slope = per_reading(<() as WeightInfo>::ingest_readings_ed25519);
	assert_eq!(mixed, others_fixed + sr_slope + ed_slope + consumption.saturating_mul(2));
	let upper = PalletMeters::ingest_weight_upper_bound(2);
	assert!(sr_batch.all_lte(upper) && sr_batch.ref_time() < upper.ref_time());
	// One ecdsa reading: the batch pays the ecdsa fixed part.
	let with_ecdsa =
		weight_of(vec![sr.sign(reading(M1, 1, NOW, 0)), ec.sign(reading(M3, 1, NOW, 0))]);
	let ec_slope = per_reading(<() as WeightInfo>::ingest_readings_ecdsa);
	assert_eq!(
		with_ecdsa,
		ecdsa_fixed.max(others_fixed) + sr_slope + ec_slope + consumption.saturating_mul(2)
	);
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
			verified: [0, 1, 1],
			skipped: 2,
		};
		let expected =
			PalletMeters::ingest_weight_used(&outcome, CONSUMPTION_WEIGHT.saturating_mul(2));
		assert_eq!(post.actual_weight, Some(expected));
		let upper = PalletMeters::ingest_weight_upper_bound(4);
		assert!(expected.all_lte(charged) && charged.all_lte(upper) && expected != upper);

		// Only duplicates: the fixed part and four skipped readings, nothing verified or
		// billed, well below the upper bound.
		let post = ingest(vec![a.sign(reading(M1, 2, NOW, 10)); 4]);
		let only_skipped = IngestOutcome { duplicates: 4, skipped: 4, ..Default::default() };
		assert_eq!(
			post.actual_weight,
			Some(PalletMeters::ingest_weight_used(&only_skipped, Weight::zero()))
		);
		// No ecdsa reading: the ecdsa benchmark's fixed part is not charged.
		let fixed = [
			<() as WeightInfo>::ingest_readings_ed25519(0),
			<() as WeightInfo>::ingest_readings_sr25519(0),
			<() as WeightInfo>::ingest_readings_skipped(0),
		]
		.into_iter()
		.fold(Weight::zero(), |max, w| max.max(w));
		let skipped = <() as WeightInfo>::ingest_readings_skipped(4)
			.saturating_sub(<() as WeightInfo>::ingest_readings_skipped(0));
		assert_eq!(post.actual_weight, Some(fixed.saturating_add(skipped)));
		assert!(post.actual_weight.unwrap().all_lt(upper));
	});
}

#[test]
fn used_weight_never_exceeds_the_upper_bound() {
	for n in 0..=MAX_BATCH {
		let upper = PalletMeters::ingest_weight_upper_bound(n);
		for verified in 0..=n {
			let outcome = IngestOutcome {
				verified: [verified / 3, verified / 3, verified - 2 * (verified / 3)],
				skipped: n - verified,
				..Default::default()
			};
			let used = PalletMeters::ingest_weight_used(
				&outcome,
				CONSUMPTION_MAX_WEIGHT.saturating_mul(u64::from(verified)),
			);
			assert!(used.all_lte(upper), "n = {n}, verified = {verified}");
		}
	}
}

#[test]
fn integrity_test_passes() {
	ExtBuilder::default().build_and_execute(|| {
		<PalletMeters as Hooks<u64>>::integrity_test();
	});
}
