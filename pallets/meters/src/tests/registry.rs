//! Operators, registration and managing meters: who may do what, and what each call stores.

use super::*;

// ---------------------------------------------------------------------------------------------
// Operators

#[test]
fn add_operator_works() {
	ExtBuilder::default().build_and_execute(|| {
		assert!(!PalletMeters::is_operator(&ALICE));
		assert_ok!(PalletMeters::add_operator(RuntimeOrigin::root(), ALICE));
		assert!(PalletMeters::is_operator(&ALICE));
		assert_eq!(Operators::<Test>::get(ALICE), Some(OperatorInfo { meters: 0 }));
		assert_eq!(last_event(), Event::OperatorAdded { operator: ALICE });
	});
}

#[test]
fn add_operator_needs_admin_origin() {
	ExtBuilder::default().build_and_execute(|| {
		assert_noop!(PalletMeters::add_operator(signed(ALICE), ALICE), BadOrigin);
		assert_noop!(PalletMeters::add_operator(authorized(), ALICE), BadOrigin);
	});
}

#[test]
fn add_operator_twice_fails() {
	ExtBuilder::default().operator(ALICE).build_and_execute(|| {
		assert_noop!(
			PalletMeters::add_operator(RuntimeOrigin::root(), ALICE),
			Error::<Test>::AlreadyOperator
		);
	});
}

#[test]
fn remove_operator_works() {
	ExtBuilder::default().operator(ALICE).build_and_execute(|| {
		assert_ok!(PalletMeters::remove_operator(RuntimeOrigin::root(), ALICE));
		assert!(!PalletMeters::is_operator(&ALICE));
		assert_eq!(last_event(), Event::OperatorRemoved { operator: ALICE });
	});
}

#[test]
fn remove_operator_errors() {
	let (ext, _) = one_meter();
	ext.build_and_execute(|| {
		assert_noop!(PalletMeters::remove_operator(signed(ALICE), ALICE), BadOrigin);
		assert_noop!(
			PalletMeters::remove_operator(RuntimeOrigin::root(), BOB),
			Error::<Test>::NotOperator
		);
		assert_noop!(
			PalletMeters::remove_operator(RuntimeOrigin::root(), ALICE),
			Error::<Test>::OperatorHasMeters
		);
	});
}

#[test]
fn operator_can_be_removed_once_its_meters_are_gone() {
	let (ext, _) = one_meter();
	ext.build_and_execute(|| {
		assert_ok!(PalletMeters::decommission(signed(ALICE), M1));
		assert_ok!(PalletMeters::remove_operator(RuntimeOrigin::root(), ALICE));
	});
}

// ---------------------------------------------------------------------------------------------
// Registration

#[test]
fn register_meter_works() {
	ExtBuilder::default().operator(ALICE).build_and_execute(|| {
		let device = Device::ed25519(5);
		assert_ok!(PalletMeters::register_meter(
			signed(ALICE),
			M1,
			device.public(),
			OWNER,
			metadata(b"flat 3, 12 Grid St")
		));
		let key = DeviceKey::try_from(device.public()).unwrap();
		assert_eq!(info(M1), MeterInfo::new(ALICE, OWNER, key, NOW, DEFAULT_RATED_POWER_W));
		assert_eq!(MeterMetadata::<Test>::get(M1), Some(metadata(b"flat 3, 12 Grid St")));
		assert_eq!(MeterCount::<Test>::get(), 1);
		assert_eq!(Operators::<Test>::get(ALICE), Some(OperatorInfo { meters: 1 }));
		assert_eq!(registered(), vec![(M1, OWNER)]);
		assert_eq!(
			last_event(),
			Event::MeterRegistered { meter: M1, operator: ALICE, owner: OWNER, key }
		);
		assert_eq!(
			PalletMeters::meter(M1),
			Some(MeterSummary { operator: ALICE, owner: OWNER, status: MeterStatus::Active })
		);
		assert_eq!(PalletMeters::meter(M2), None);
	});
}

#[test]
fn register_meter_without_metadata_stores_none() {
	ExtBuilder::default().operator(ALICE).build_and_execute(|| {
		assert_ok!(PalletMeters::register_meter(
			signed(ALICE),
			M1,
			Device::ecdsa(5).public(),
			OWNER,
			metadata(b"")
		));
		assert!(!MeterMetadata::<Test>::contains_key(M1));
		assert!(Meters::<Test>::contains_key(M1));
	});
}

#[test]
fn register_meter_errors() {
	let (ext, device) = one_meter();
	ext.operator(BOB).build_and_execute(|| {
		assert_noop!(
			PalletMeters::register_meter(
				signed(STRANGER),
				M2,
				device.public(),
				OWNER,
				metadata(b"")
			),
			Error::<Test>::NotOperator
		);
		assert_noop!(
			PalletMeters::register_meter(
				RuntimeOrigin::root(),
				M2,
				device.public(),
				OWNER,
				metadata(b"")
			),
			BadOrigin
		);
		// Meter ids are unique across operators.
		assert_noop!(
			PalletMeters::register_meter(signed(BOB), M1, device.public(), OWNER, metadata(b"")),
			Error::<Test>::MeterExists
		);
		let eth = MultiSigner::Eth(ecdsa::KeccakPublic::from_raw([2; 33]));
		assert_noop!(
			PalletMeters::register_meter(signed(BOB), M2, eth, OWNER, metadata(b"")),
			Error::<Test>::UnsupportedKeyScheme
		);
	});
}

#[test]
fn register_meter_counts_overflow_is_refused() {
	ExtBuilder::default().operator(ALICE).build_and_execute(|| {
		Operators::<Test>::insert(ALICE, OperatorInfo { meters: u32::MAX });
		assert_noop!(
			PalletMeters::register_meter(
				signed(ALICE),
				M1,
				Device::sr25519(1).public(),
				OWNER,
				metadata(b"")
			),
			Error::<Test>::TooManyMeters
		);
		// Restore the invariant checked after the test.
		Operators::<Test>::insert(ALICE, OperatorInfo { meters: 0 });
	});
}

#[test]
fn metadata_longer_than_the_bound_does_not_decode() {
	ExtBuilder::default().build_and_execute(|| {
		let call = Call::<Test>::register_meter {
			meter: M1,
			key: Device::sr25519(1).public(),
			owner: OWNER,
			metadata: metadata(&[7; MAX_METADATA_LEN as usize]),
		};
		let mut encoded = call.encode();
		assert!(Call::<Test>::decode(&mut &encoded[..]).is_ok());
		// Re-encode with one more metadata byte: the compact length and the extra byte.
		let prefix_len = encoded.len() - MAX_METADATA_LEN as usize - 1;
		encoded.truncate(prefix_len);
		Compact(MAX_METADATA_LEN + 1).encode_to(&mut encoded);
		encoded.extend(vec![7; MAX_METADATA_LEN as usize + 1]);
		assert!(Call::<Test>::decode(&mut &encoded[..]).is_err());
	});
}

#[test]
fn genesis_registers_operators_and_meters() {
	let sr = Device::sr25519(1);
	let ec = Device::ecdsa(2);
	ExtBuilder::default()
		.operator(ALICE)
		.operator(BOB)
		.meter(M1, &sr, ALICE)
		.meter(M2, &ec, BOB)
		.build_and_execute(|| {
			assert!(PalletMeters::is_operator(&ALICE) && PalletMeters::is_operator(&BOB));
			assert_eq!(info(M1).operator, ALICE);
			assert_eq!(info(M2).key, DeviceKey::try_from(ec.public()).unwrap());
			assert_eq!(MeterCount::<Test>::get(), 2);
			assert_eq!(Operators::<Test>::get(BOB), Some(OperatorInfo { meters: 1 }));
		});
}

#[test]
#[should_panic(expected = "invalid meter")]
fn genesis_refuses_a_meter_of_an_unlisted_operator() {
	ExtBuilder::default().meter(M1, &Device::sr25519(1), ALICE).build();
}

#[test]
fn genesis_config_round_trips_through_json() {
	let config = GenesisConfig::<Test> {
		operators: vec![ALICE],
		meters: vec![(M1, Device::sr25519(1).public(), OWNER, ALICE, b"site".to_vec())],
		rated_powers: vec![(M1, 7_000)],
	};
	let json = serde_json::to_value(&config).unwrap();
	assert_eq!(json["operators"], serde_json::json!([ALICE]));
	assert_eq!(json["ratedPowers"], serde_json::json!([[M1, 7_000]]));
	let back: GenesisConfig<Test> = serde_json::from_value(json).unwrap();
	assert_eq!(back.meters, config.meters);
	assert_eq!(back.rated_powers, config.rated_powers);
	// A chain spec written before rated powers existed still reads: every meter gets the
	// default.
	let old: GenesisConfig<Test> =
		serde_json::from_value(serde_json::json!({ "operators": [ALICE], "meters": [] })).unwrap();
	assert!(old.rated_powers.is_empty());
}

#[test]
fn meter_info_fits_in_160_bytes() {
	let max = MeterInfo::<AccountId32>::max_encoded_len();
	assert_eq!(max, 32 + 32 + 34 + 1 + 8 * 4 + 1 + 4);
	assert!(max <= 160);
	let ecdsa_key = DeviceKey::try_from(Device::ecdsa(1).public()).unwrap();
	let info = MeterInfo {
		operator: AccountId32::new([1; 32]),
		owner: AccountId32::new([2; 32]),
		key: ecdsa_key,
		status: MeterStatus::Tampered,
		last_seq: u64::MAX,
		last_at_ms: u64::MAX,
		last_cumulative_wh: u64::MAX,
		readings_from_ms: u64::MAX,
		rebase_allowed: true,
		rated_power_w: u32::MAX,
	};
	assert_eq!(info.encode().len(), max);
}

// ---------------------------------------------------------------------------------------------
// Managing meters

#[test]
fn rotate_key_works_and_refuses_old_key_readings() {
	let (ext, old) = one_meter();
	ext.build_and_execute(|| {
		baseline(&old);
		let new = Device::ed25519(9);
		assert_ok!(PalletMeters::rotate_key(signed(ALICE), M1, new.public()));
		let key = DeviceKey::try_from(new.public()).unwrap();
		assert_eq!(info(M1).key, key);
		assert_eq!(last_event(), Event::KeyRotated { meter: M1, key });

		// The old key's reading is refused; the new device starts its own chain of readings,
		// timestamped from the rotation on.
		assert!(!info(M1).has_baseline());
		let old_key_reading = old.sign(reading(M1, 2, NOW, 1_500));
		assert_eq!(apply(vec![old_key_reading]), Err(InvalidTransaction::BadProof.into()));
		ingest(vec![new.sign(reading(M1, 1, NOW - 1, 10))]);
		assert_eq!(rejections(), vec![(M1, 1, RejectReason::BeforeRegistration)]);
		ingest(vec![new.sign(reading(M1, 1, NOW, 10)), new.sign(reading(M1, 2, NOW + 1_000, 25))]);
		assert_eq!(consumed(), vec![consumption(M1, NOW, NOW + 1_000, 15)]);
		assert_eq!(last_event(), summary(2, 0, 0, 0, 15));
	});
}

#[test]
fn rotate_key_errors() {
	let (ext, device) = one_meter();
	ext.operator(BOB).build_and_execute(|| {
		assert_noop!(
			PalletMeters::rotate_key(signed(ALICE), M2, Device::sr25519(2).public()),
			Error::<Test>::UnknownMeter
		);
		assert_noop!(
			PalletMeters::rotate_key(signed(BOB), M1, Device::sr25519(2).public()),
			Error::<Test>::NotMeterOperator
		);
		assert_noop!(
			PalletMeters::rotate_key(signed(ALICE), M1, device.public()),
			Error::<Test>::SameKey
		);
		assert_noop!(
			PalletMeters::rotate_key(
				signed(ALICE),
				M1,
				MultiSigner::Eth(ecdsa::KeccakPublic::from_raw([2; 33]))
			),
			Error::<Test>::UnsupportedKeyScheme
		);
	});
}

#[test]
fn set_owner_works() {
	let (ext, _) = one_meter();
	ext.build_and_execute(|| {
		assert_ok!(PalletMeters::set_owner(signed(ALICE), M1, OTHER_OWNER));
		assert_eq!(info(M1).owner, OTHER_OWNER);
		assert_eq!(
			last_event(),
			Event::OwnerChanged { meter: M1, old_owner: OWNER, new_owner: OTHER_OWNER }
		);
	});
}

#[test]
fn set_owner_settles_the_leaving_household_first() {
	let (ext, _) = one_meter();
	ext.build_and_execute(|| {
		assert_ok!(PalletMeters::set_owner(signed(ALICE), M1, OTHER_OWNER));
		assert_eq!(owner_changes(), vec![(M1, OWNER, OTHER_OWNER)]);
		// The same owner again: no change of tenancy, nothing settled.
		assert_ok!(PalletMeters::set_owner(signed(ALICE), M1, OTHER_OWNER));
		assert_eq!(owner_changes().len(), 1);
		// A settlement that fails refuses the change.
		refuse_owner_change(true);
		assert_noop!(
			PalletMeters::set_owner(signed(ALICE), M1, OWNER),
			DispatchError::Other("the leaving household's refund failed")
		);
		assert_eq!(info(M1).owner, OTHER_OWNER);
	});
}

#[test]
fn set_owner_errors() {
	let (ext, _) = one_meter();
	ext.operator(BOB).build_and_execute(|| {
		assert_noop!(
			PalletMeters::set_owner(signed(ALICE), M2, OTHER_OWNER),
			Error::<Test>::UnknownMeter
		);
		assert_noop!(
			PalletMeters::set_owner(signed(BOB), M1, OTHER_OWNER),
			Error::<Test>::NotMeterOperator
		);
		assert_noop!(
			PalletMeters::set_owner(signed(OWNER), M1, OTHER_OWNER),
			Error::<Test>::NotMeterOperator
		);
	});
}

#[test]
fn suspend_refuses_readings_until_resumed() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		assert_ok!(PalletMeters::suspend(signed(ALICE), M1));
		assert_eq!(info(M1).status, MeterStatus::Suspended);
		assert_eq!(last_event(), Event::MeterSuspended { meter: M1 });

		let r2 = device.sign(reading(M1, 2, NOW - 300_000, 1_200));
		ingest(vec![r2.clone()]);
		assert_eq!(rejections(), vec![(M1, 2, RejectReason::MeterSuspended)]);
		assert_eq!(last_event(), summary(0, 0, 1, 0, 0));
		assert!(consumed().is_empty());
		assert_eq!(info(M1).last_seq, 1);

		assert_ok!(PalletMeters::resume(signed(ALICE), M1));
		assert_eq!(info(M1).status, MeterStatus::Active);
		assert_eq!(last_event(), Event::MeterResumed { meter: M1, was_tampered: false });
		ingest(vec![r2]);
		assert_eq!(consumed(), vec![consumption(M1, NOW - 600_000, NOW - 300_000, 200)]);
	});
}

#[test]
fn suspend_and_resume_errors() {
	let (ext, _) = one_meter();
	ext.operator(BOB).build_and_execute(|| {
		assert_noop!(PalletMeters::suspend(signed(ALICE), M2), Error::<Test>::UnknownMeter);
		assert_noop!(PalletMeters::suspend(signed(BOB), M1), Error::<Test>::NotMeterOperator);
		assert_noop!(PalletMeters::resume(signed(ALICE), M1), Error::<Test>::AlreadyActive);
		assert_ok!(PalletMeters::suspend(signed(ALICE), M1));
		assert_noop!(PalletMeters::suspend(signed(ALICE), M1), Error::<Test>::NotActive);
		assert_noop!(PalletMeters::resume(signed(BOB), M1), Error::<Test>::NotMeterOperator);
		assert_noop!(PalletMeters::resume(signed(ALICE), M2), Error::<Test>::UnknownMeter);
	});
}

#[test]
fn decommission_frees_storage() {
	ExtBuilder::default().operator(ALICE).build_and_execute(|| {
		assert_ok!(PalletMeters::register_meter(
			signed(ALICE),
			M1,
			Device::sr25519(1).public(),
			OWNER,
			metadata(b"x")
		));
		assert_ok!(PalletMeters::decommission(signed(ALICE), M1));
		assert!(!Meters::<Test>::contains_key(M1));
		assert!(!MeterMetadata::<Test>::contains_key(M1));
		assert_eq!(MeterCount::<Test>::get(), 0);
		assert_eq!(Operators::<Test>::get(ALICE), Some(OperatorInfo { meters: 0 }));
		assert_eq!(decommissioned(), vec![(M1, OWNER)]);
		assert_eq!(last_event(), Event::MeterDecommissioned { meter: M1, operator: ALICE });
		assert_eq!(PalletMeters::meter(M1), None);
	});
}

#[test]
fn decommission_errors() {
	let (ext, _) = one_meter();
	ext.operator(BOB).build_and_execute(|| {
		assert_noop!(PalletMeters::decommission(signed(ALICE), M2), Error::<Test>::UnknownMeter);
		assert_noop!(PalletMeters::decommission(signed(BOB), M1), Error::<Test>::NotMeterOperator);
		// The lifecycle hook's refusal keeps the meter registered.
		refuse_decommission(true);
		assert_noop!(
			PalletMeters::decommission(signed(ALICE), M1),
			DispatchError::Other("meter still holds credit")
		);
		assert!(Meters::<Test>::contains_key(M1));
	});
}

#[test]
fn decommissioned_meter_readings_are_refused() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		assert_ok!(PalletMeters::decommission(signed(ALICE), M1));
		ingest(vec![device.sign(reading(M1, 2, NOW, 2_000))]);
		assert_eq!(rejections(), vec![(M1, 2, RejectReason::UnknownMeter)]);
		assert!(consumed().is_empty());
	});
}

#[test]
fn force_transfer_meter_works() {
	let (ext, _) = one_meter();
	ext.operator(BOB).build_and_execute(|| {
		assert_ok!(PalletMeters::force_transfer_meter(RuntimeOrigin::root(), M1, BOB));
		assert_eq!(info(M1).operator, BOB);
		assert_eq!(Operators::<Test>::get(ALICE), Some(OperatorInfo { meters: 0 }));
		assert_eq!(Operators::<Test>::get(BOB), Some(OperatorInfo { meters: 1 }));
		assert_eq!(last_event(), Event::MeterTransferred { meter: M1, from: ALICE, to: BOB });
		// The new operator manages it, the old one no longer does and may be removed.
		assert_noop!(PalletMeters::suspend(signed(ALICE), M1), Error::<Test>::NotMeterOperator);
		assert_ok!(PalletMeters::suspend(signed(BOB), M1));
		assert_ok!(PalletMeters::remove_operator(RuntimeOrigin::root(), ALICE));
	});
}

#[test]
fn force_transfer_meter_errors() {
	let (ext, _) = one_meter();
	ext.build_and_execute(|| {
		assert_noop!(PalletMeters::force_transfer_meter(signed(ALICE), M1, BOB), BadOrigin);
		assert_noop!(
			PalletMeters::force_transfer_meter(RuntimeOrigin::root(), M2, ALICE),
			Error::<Test>::UnknownMeter
		);
		assert_noop!(
			PalletMeters::force_transfer_meter(RuntimeOrigin::root(), M1, ALICE),
			Error::<Test>::SameOperator
		);
		assert_noop!(
			PalletMeters::force_transfer_meter(RuntimeOrigin::root(), M1, BOB),
			Error::<Test>::NotOperator
		);
	});
}
