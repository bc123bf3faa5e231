//! The storage migrations, run on meters written in the layout they migrate from.

use super::*;
use crate::migrations::{
	v1::{v0, MigrateV0ToV1},
	v2::MigrateV1ToV2,
};
use frame_support::traits::{GetStorageVersion, OnRuntimeUpgrade, StorageVersion};

fn v0_meter(device: &Device, status: MeterStatus, last_seq: u64) -> v0::MeterInfo<u64> {
	v0::MeterInfo {
		operator: ALICE,
		owner: OWNER,
		key: DeviceKey::try_from(device.public()).unwrap(),
		status,
		last_seq,
		last_at_ms: NOW - 600_000,
		last_cumulative_wh: 1_000,
		readings_from_ms: NOW - 900_000,
		rebase_allowed: status == MeterStatus::Tampered,
	}
}

#[test]
fn v1_gives_every_meter_the_default_rated_power_and_keeps_the_rest() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		// A chain written by version 0 of the pallet: two meters in the old layout.
		StorageVersion::new(0).put::<PalletMeters>();
		let active = v0_meter(&device, MeterStatus::Active, 7);
		let tampered = v0_meter(&Device::ed25519(2), MeterStatus::Tampered, 3);
		v0::Meters::<Test>::insert(M1, active.clone());
		v0::Meters::<Test>::insert(M2, tampered.clone());
		MeterCount::<Test>::put(2);
		Operators::<Test>::insert(ALICE, OperatorInfo { meters: 2 });

		#[cfg(feature = "try-runtime")]
		let state = MigrateV0ToV1::<Test>::pre_upgrade().unwrap();
		MigrateV0ToV1::<Test>::on_runtime_upgrade();
		#[cfg(feature = "try-runtime")]
		MigrateV0ToV1::<Test>::post_upgrade(state).unwrap();
		assert_eq!(PalletMeters::on_chain_storage_version(), StorageVersion::new(1));
		// And on to version 2, as the runtime's migrations run them in one upgrade.
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(PalletMeters::on_chain_storage_version(), StorageVersion::new(2));
		for (meter, old) in [(M1, active), (M2, tampered)] {
			let new = info(meter);
			assert_eq!(new.rated_power_w, DEFAULT_RATED_POWER_W);
			assert_eq!(
				(new.operator, new.owner, new.key, new.status, new.last_seq),
				(old.operator, old.owner, old.key, old.status, old.last_seq)
			);
			assert_eq!(
				(new.last_at_ms, new.last_cumulative_wh, new.readings_from_ms, new.rebase_allowed),
				(old.last_at_ms, old.last_cumulative_wh, old.readings_from_ms, old.rebase_allowed)
			);
		}
		// The migrated meter ingests its next reading as before the upgrade.
		ingest(vec![device.sign(reading(M1, 8, NOW - 300_000, 1_400))]);
		assert_eq!(consumed(), vec![consumption(M1, NOW - 600_000, NOW - 300_000, 400)]);
	});
}

#[test]
fn v1_and_v2_run_once() {
	let (ext, _) = one_meter();
	ext.build_and_execute(|| {
		// A chain started with this code is at version 2 from genesis: nothing to do.
		assert_eq!(PalletMeters::on_chain_storage_version(), StorageVersion::new(2));
		let before = info(M1);
		MigrateV0ToV1::<Test>::on_runtime_upgrade();
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		assert_eq!(info(M1), before);
		assert_eq!(PalletMeters::on_chain_storage_version(), StorageVersion::new(2));
	});
}

#[test]
fn v2_indexes_every_meter_under_its_owner() {
	let (ext, _) = one_meter();
	ext.build_and_execute(|| {
		// A chain written by version 1: meters, no index.
		let key = Device::ed25519(2).public();
		assert_ok!(PalletMeters::register_meter(
			signed(ALICE),
			M2,
			key,
			OTHER_OWNER,
			metadata(b"")
		));
		let _ = OwnerMeters::<Test>::clear(u32::MAX, None);
		StorageVersion::new(1).put::<PalletMeters>();
		assert!(PalletMeters::do_try_state().is_err(), "the index is missing");

		#[cfg(feature = "try-runtime")]
		let state = MigrateV1ToV2::<Test>::pre_upgrade().unwrap();
		MigrateV1ToV2::<Test>::on_runtime_upgrade();
		#[cfg(feature = "try-runtime")]
		MigrateV1ToV2::<Test>::post_upgrade(state).unwrap();

		assert_eq!(PalletMeters::on_chain_storage_version(), StorageVersion::new(2));
		assert_eq!(PalletMeters::meters_of(&OWNER, None, 10).meters, vec![M1]);
		assert_eq!(PalletMeters::meters_of(&OTHER_OWNER, None, 10).meters, vec![M2]);
	});
}
