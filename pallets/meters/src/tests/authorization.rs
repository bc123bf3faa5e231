//! The transaction pool's view of a batch (`authorize_ingest`), the invariants and the
//! genesis hash.

use super::*;

// ---------------------------------------------------------------------------------------------
// Authorization (the transaction pool's view)

#[test]
fn authorize_accepts_a_batch_with_a_new_valid_reading() {
	let (ext, a, b) = two_meters(Device::ed25519(2));
	ext.build_and_execute(|| {
		ingest(vec![a.sign(reading(M1, 1, NOW - 1_000, 0))]);
		// Any order: each meter's readings are judged in `seq` order.
		let (validity, refund) = authorize(vec![
			b.sign(reading(M2, 2, NOW, 5)),
			a.sign(reading(M1, 2, NOW, 5)),
			b.sign(reading(M2, 1, NOW - 1_000, 0)),
		])
		.unwrap();
		assert_eq!(refund, Weight::zero());
		assert_eq!(validity.priority, INGEST_PRIORITY);
		assert_eq!(validity.longevity, INGEST_LONGEVITY);
		assert!(validity.propagate);
		assert!(validity.requires.is_empty());
		let tag = |meter: MeterId, seq: u64| (TAG_PREFIX, (meter, seq)).encode();
		assert_eq!(validity.provides, vec![tag(M1, 2), tag(M2, 1), tag(M2, 2)]);
	});
}

#[test]
fn authorize_refuses_a_batch_with_any_reading_the_chain_would_not_take() {
	let (ext, device) = one_meter();
	ext.operator(BOB).build_and_execute(|| {
		let r1 = device.sign(reading(M1, 1, NOW - 1_000, 0));
		ingest(vec![r1.clone()]);
		let r2 = device.sign(reading(M1, 2, NOW, 5));
		let custom = |reason: RejectReason| Err(InvalidTransaction::Custom(reason.code()).into());
		// Empty.
		assert_eq!(authorize(vec![]), Err(InvalidTransaction::Call.into()));
		// Already ingested, alone or beside a new reading, or the same reading twice.
		assert_eq!(authorize(vec![r1.clone()]), Err(InvalidTransaction::Stale.into()));
		assert_eq!(authorize(vec![r2.clone(), r1]), Err(InvalidTransaction::Stale.into()));
		assert_eq!(authorize(vec![r2.clone(), r2.clone()]), Err(InvalidTransaction::Stale.into()));
		// Unknown meter.
		assert_eq!(
			authorize(vec![r2.clone(), device.sign(reading(M2, 1, NOW, 0))]),
			custom(RejectReason::UnknownMeter)
		);
		// Not the next link.
		assert_eq!(
			authorize(vec![device.sign(reading(M1, 3, NOW, 5))]),
			custom(RejectReason::NotNextReading)
		);
		// Future, reserved flags, time regression.
		assert_eq!(
			authorize(vec![device.sign(reading(M1, 2, NOW + MAX_CLOCK_SKEW_MS + 1, 5))]),
			custom(RejectReason::FutureTimestamp)
		);
		assert_eq!(
			authorize(vec![device.sign(Reading { flags: 0x80, ..reading(M1, 2, NOW, 5) })]),
			custom(RejectReason::ReservedFlags)
		);
		assert_eq!(
			authorize(vec![device.sign(reading(M1, 2, NOW - 2_000, 5))]),
			custom(RejectReason::TimestampRegression)
		);
		// A suspended meter.
		assert_ok!(PalletMeters::suspend(signed(ALICE), M1));
		assert_eq!(authorize(vec![r2]), custom(RejectReason::MeterSuspended));
	});
}

#[test]
fn authorize_refuses_a_batch_with_any_forged_reading() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		let forger = Device::sr25519(66);
		assert_eq!(
			authorize(vec![
				forger.sign(reading(M1, 1, NOW, 0)),
				device.sign(reading(M1, 2, NOW, 0))
			]),
			Err(InvalidTransaction::BadProof.into())
		);
		// Wherever it stands in the batch.
		assert_eq!(
			authorize(vec![
				device.sign(reading(M1, 1, NOW, 0)),
				forger.sign(reading(M1, 2, NOW, 5)),
			]),
			Err(InvalidTransaction::BadProof.into())
		);
	});
}

#[test]
fn authorized_general_transaction_goes_through_authorize_call() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		let call = RuntimeCall::PalletMeters(Call::ingest_readings {
			batch: batch(vec![device.sign(reading(M1, 1, NOW - 1_000, 7))]),
		});
		let dispatch_info = call.get_dispatch_info();
		let len = call.encoded_size();
		let extension = frame_system::AuthorizeCall::<Test>::new();
		let (validity, _, origin) = extension
			.validate_only(
				RuntimeOrigin::none(),
				&call,
				&dispatch_info,
				len,
				TransactionSource::External,
				0,
			)
			.unwrap();
		assert_eq!(validity.priority, INGEST_PRIORITY);
		let raw: Result<RawOrigin<u64>, RuntimeOrigin> = origin.into();
		assert!(matches!(raw, Ok(RawOrigin::Authorized)));

		let post = frame_system::AuthorizeCall::<Test>::new()
			.dispatch_transaction(RuntimeOrigin::none(), call.clone(), &dispatch_info, len, 0)
			.expect("valid transaction")
			.expect("dispatch succeeds");
		assert_eq!(post.pays_fee, Pays::No);
		assert_eq!(info(M1).last_cumulative_wh, 7);

		// The same transaction again is invalid.
		assert_eq!(
			frame_system::AuthorizeCall::<Test>::new()
				.dispatch_transaction(RuntimeOrigin::none(), call, &dispatch_info, len, 0)
				.unwrap_err(),
			InvalidTransaction::Stale.into()
		);
	});
}

#[test]
fn dispatch_trusts_the_authorization_and_verifies_no_signature_again() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		let mut forged = device.sign(reading(M1, 2, NOW, 1_300));
		forged.reading.cumulative_wh = 1_400;
		// The pool refuses the batch, and so does the block when it applies it: the
		// authorization runs again, in the very state dispatch will see.
		assert_eq!(authorize(vec![forged.clone()]), Err(InvalidTransaction::BadProof.into()));
		assert_eq!(apply(vec![forged.clone()]), Err(InvalidTransaction::BadProof.into()));
		assert_eq!(info(M1).last_seq, 1);
		// So dispatch, which only an authorized batch reaches (`RawOrigin::Authorized` comes
		// from `AuthorizeCall` alone), verifies no signature a second time: the rules that
		// are not cryptography still apply, the 45 µs of a verification do not.
		ingest(vec![forged]);
		assert!(rejections().is_empty());
		assert_eq!(info(M1).last_cumulative_wh, 1_400);
	});
}

#[test]
fn try_state_detects_broken_invariants() {
	let (ext, _) = one_meter();
	let corruptions: [fn(); 6] = [
		|| MeterCount::<Test>::put(2),
		|| Operators::<Test>::insert(ALICE, OperatorInfo { meters: 2 }),
		|| Operators::<Test>::insert(BOB, OperatorInfo { meters: 1 }),
		|| Meters::<Test>::mutate(M1, |info| info.as_mut().unwrap().operator = BOB),
		|| MeterMetadata::<Test>::insert(M2, metadata(b"orphan")),
		|| Meters::<Test>::mutate(M1, |info| info.as_mut().unwrap().last_cumulative_wh = 5),
	];
	let mut ext = ext.build();
	for corrupt in corruptions {
		ext.execute_with(|| {
			assert_ok!(PalletMeters::do_try_state());
			frame_support::storage::with_transaction(|| {
				corrupt();
				assert!(PalletMeters::do_try_state().is_err());
				sp_runtime::TransactionOutcome::Rollback(Ok::<(), DispatchError>(()))
			})
			.unwrap();
		});
	}
	ext.execute_with(|| {
		MeterMetadata::<Test>::insert(M1, BoundedVec::new());
		assert!(PalletMeters::do_try_state().is_err(), "empty metadata is never stored");
	});
}

#[cfg(feature = "try-runtime")]
#[test]
fn try_state_hook_runs_the_checks() {
	let (ext, _) = one_meter();
	ext.build_and_execute(|| {
		assert_ok!(<PalletMeters as Hooks<u64>>::try_state(1));
		MeterCount::<Test>::put(5);
		assert!(<PalletMeters as Hooks<u64>>::try_state(1).is_err());
		MeterCount::<Test>::put(1);
	});
}

#[test]
fn genesis_hash_is_block_zero_hash() {
	ExtBuilder::default().build_and_execute(|| {
		assert_eq!(PalletMeters::genesis_hash(), GENESIS);
	});
}
