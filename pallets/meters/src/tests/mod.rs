//! Tests of pallet-meters against the mock runtime.

use crate::{mock::*, *};
use codec::{Compact, Decode, Encode, MaxEncodedLen};
use frame_support::{
	assert_noop, assert_ok,
	dispatch::{GetDispatchInfo, Pays, PostDispatchInfo},
	pallet_prelude::{
		InvalidTransaction, TransactionSource, TransactionValidityError, ValidTransaction,
	},
	traits::{Authorize, Hooks},
	weights::Weight,
	BoundedVec,
};
use frame_system::RawOrigin;
use sp_core::{ecdsa, H256};
use sp_runtime::{
	traits::{BadOrigin, DispatchTransaction},
	AccountId32, DispatchError, MultiSigner,
};
use wattcoin_primitives::{
	reading::{flags, DeviceKey, Reading, SignedReading, DOMAIN_TAG, DOMAIN_TAG_V1},
	traits::{Consumption, MeterRegistry, MeterStatus, MeterSummary},
	MeterId,
};

const M1: MeterId = 1_000;
const M2: MeterId = 1_001;
const M3: MeterId = 1_002;

/// Cases of the property tests: `PROPTEST_CASES` if set (CI runs 100,000), else `default`.
fn property_cases(default: u32) -> u32 {
	std::env::var("PROPTEST_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn reading(meter: MeterId, seq: u64, at_ms: u64, cumulative_wh: u64) -> Reading {
	Reading { meter, seq, at_ms, cumulative_wh, flags: 0 }
}

fn batch(readings: Vec<SignedReading>) -> BatchOf<Test> {
	BoundedVec::try_from(readings).expect("test batches fit MaxBatch")
}

fn authorized() -> RuntimeOrigin {
	RawOrigin::Authorized.into()
}

fn signed(who: u64) -> RuntimeOrigin {
	RuntimeOrigin::signed(who)
}

fn metadata(bytes: &[u8]) -> MetadataOf<Test> {
	BoundedVec::try_from(bytes.to_vec()).unwrap()
}

/// Dispatches `ingest_readings` with the authorized origin.
fn ingest(readings: Vec<SignedReading>) -> PostDispatchInfo {
	PalletMeters::ingest_readings(authorized(), batch(readings)).expect("ingestion never fails")
}

/// Runs the authorization of `ingest_readings` as the transaction pool does.
fn authorize(
	readings: Vec<SignedReading>,
) -> Result<(ValidTransaction, Weight), TransactionValidityError> {
	let call = RuntimeCall::PalletMeters(Call::ingest_readings { batch: batch(readings) });
	call.authorize(TransactionSource::External).expect("ingest_readings has an authorization")
}

/// This pallet's events so far, in order.
fn events() -> Vec<Event<Test>> {
	System::events()
		.into_iter()
		.filter_map(|record| match record.event {
			RuntimeEvent::PalletMeters(event) => Some(event),
			_ => None,
		})
		.collect()
}

/// The `ReadingRejected` events so far, as `(meter, seq, reason)`.
fn rejections() -> Vec<(MeterId, u64, RejectReason)> {
	events()
		.into_iter()
		.filter_map(|event| match event {
			Event::ReadingRejected { meter, seq, reason } => Some((meter, seq, reason)),
			_ => None,
		})
		.collect()
}

fn summary(
	accepted: u32,
	duplicates: u32,
	rejected: u32,
	tampered: u32,
	energy_wh: u64,
) -> Event<Test> {
	Event::ReadingsIngested { accepted, duplicates, rejected, tampered, implausible: 0, energy_wh }
}

fn last_event() -> Event<Test> {
	events().pop().expect("an event was deposited")
}

fn info(meter: MeterId) -> MeterInfo<u64> {
	Meters::<Test>::get(meter).expect("the meter is registered")
}

fn consumption(meter: MeterId, from_ms: u64, to_ms: u64, energy_wh: u64) -> Consumption {
	Consumption { meter, from_ms, to_ms, energy_wh }
}

/// A chain with operator ALICE and meter M1 (sr25519) operated by her.
fn one_meter() -> (ExtBuilder, Device) {
	let device = Device::sr25519(1);
	(ExtBuilder::default().operator(ALICE).meter(M1, &device, ALICE), device)
}

/// Ingests M1's baseline reading (seq 1 at NOW - 10 min, 1000 Wh) and clears the events.
fn baseline(device: &Device) {
	ingest(vec![device.sign(reading(M1, 1, NOW - 600_000, 1_000))]);
	System::reset_events();
}

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
		ingest(vec![old.sign(reading(M1, 2, NOW, 1_500))]);
		assert_eq!(rejections(), vec![(M1, 2, RejectReason::BadSignature)]);
		System::reset_events();
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
fn duplicate_seq_within_a_batch_counts_once_and_the_valid_copy_wins() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		baseline(&device);
		let mut forged = device.sign(reading(M1, 2, NOW, 1_300));
		forged.reading.cumulative_wh = 5_000;
		let genuine = device.sign(reading(M1, 2, NOW, 1_300));
		ingest(vec![forged, genuine.clone(), genuine]);
		assert_eq!(rejections(), vec![(M1, 2, RejectReason::BadSignature)]);
		assert_eq!(last_event(), summary(1, 1, 1, 0, 300));
		assert_eq!(consumed(), vec![consumption(M1, NOW - 600_000, NOW, 300)]);
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
		ingest(vec![other_chain.clone()]);
		assert_eq!(rejections(), vec![(M1, 2, RejectReason::BadSignature)]);
		assert_eq!(authorize(vec![other_chain]), Err(InvalidTransaction::BadProof.into()));
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
			ingest(vec![SignedReading { reading: r, signature: device.sign_bytes(&payload) }]);
		}
		assert_eq!(rejections(), vec![(M1, 2, RejectReason::BadSignature); 3]);
		assert!(consumed().is_empty());
		// The genuine v2 payload is accepted.
		ingest(vec![device.sign(r)]);
		assert_eq!(consumed().len(), 1);
	});
}

#[test]
fn signature_by_another_meters_key_is_refused() {
	let a = Device::sr25519(1);
	let b = Device::sr25519(2);
	ExtBuilder::default()
		.operator(ALICE)
		.meter(M1, &a, ALICE)
		.meter(M2, &b, ALICE)
		.build_and_execute(|| {
			ingest(vec![b.sign(reading(M1, 1, NOW, 10)), a.sign(reading(M2, 1, NOW, 10))]);
			assert_eq!(
				rejections(),
				vec![(M1, 1, RejectReason::BadSignature), (M2, 1, RejectReason::BadSignature)]
			);
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
		ingest(mismatched);
		assert_eq!(
			rejections(),
			meters.iter().map(|m| (*m, 2, RejectReason::BadSignature)).collect::<Vec<_>>()
		);
		let genuine = meters.iter().zip(&devices).map(|(m, d)| d.sign(reading(*m, 2, NOW, 150)));
		ingest(genuine.collect());
		assert_eq!(
			consumed(),
			meters.iter().map(|m| consumption(*m, NOW - 1_000, NOW, 50)).collect::<Vec<_>>()
		);
	});
}

#[test]
fn one_bad_reading_does_not_block_the_good_ones() {
	let a = Device::sr25519(1);
	let b = Device::ed25519(2);
	ExtBuilder::default()
		.operator(ALICE)
		.meter(M1, &a, ALICE)
		.meter(M2, &b, ALICE)
		.build_and_execute(|| {
			ingest(vec![
				a.sign(reading(M1, 1, NOW - 1_000, 0)),
				b.sign(reading(M2, 1, NOW - 1_000, 0)),
			]);
			let mut forged = b.sign(reading(M2, 2, NOW, 10));
			forged.reading.cumulative_wh = 1;
			ingest(vec![
				forged,
				a.sign(reading(M1, 2, NOW, 10)),
				a.sign(reading(M3, 1, NOW, 10)),
				b.sign(reading(M2, 2, NOW, 30)),
			]);
			// Taken by meter, then seq: M1's good reading, M2's forged then good one (the
			// same seq: the first valid copy wins), M3 unknown.
			assert_eq!(
				rejections(),
				vec![(M2, 2, RejectReason::BadSignature), (M3, 1, RejectReason::UnknownMeter)]
			);
			assert_eq!(
				consumed(),
				vec![consumption(M1, NOW - 1_000, NOW, 10), consumption(M2, NOW - 1_000, NOW, 30)]
			);
			assert_eq!(last_event(), summary(2, 0, 2, 0, 40));
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
	let a = Device::sr25519(1);
	let b = Device::ecdsa(2);
	ExtBuilder::default()
		.operator(ALICE)
		.meter(M1, &a, ALICE)
		.meter(M2, &b, ALICE)
		.build_and_execute(|| {
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

// ---------------------------------------------------------------------------------------------
// Authorization (the transaction pool's view)

#[test]
fn authorize_accepts_a_batch_with_a_new_valid_reading() {
	let a = Device::sr25519(1);
	let b = Device::ed25519(2);
	ExtBuilder::default()
		.operator(ALICE)
		.meter(M1, &a, ALICE)
		.meter(M2, &b, ALICE)
		.build_and_execute(|| {
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

mod migrations;
mod payees;
mod plausibility;
mod trust;
