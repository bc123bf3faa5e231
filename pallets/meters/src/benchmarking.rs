//! Benchmarks of pallet-meters (frame-benchmarking v2).
//!
//! Readings are signed through the host's keystore (`sp_io::crypto::*_generate` and
//! `*_sign`): the runtime has no private-key crypto of its own. `wattcoin-node benchmark
//! pallet` registers an in-memory keystore, and so does the mock's `ExtBuilder`.
//!
//! Ingestion is benchmarked in three parts, which `crate::ingest_weight` adds up:
//! - `authorize_ingest_readings_*`: the authorization of `n` readings of `n` distinct meters,
//!   every signature verified, per signature scheme (the pool does it, and the block again);
//! - `ingest_readings`: dispatch of `n` readings of `n` distinct meters, each taken (a read
//!   and a write) and **not billed**: they are the meters' first readings, so `OnConsumption`
//!   is not called. Billing is charged apart, at `OnConsumption::max_weight` (pallet-prepaid's
//!   own benchmark), so it is not counted twice. Dispatch verifies no signature: it trusts the
//!   authorization;
//! - `ingest_readings_skipped`: `n` readings skipped by dispatch (suspended meters: a read and
//!   an event each).

use super::*;
use alloc::{vec, vec::Vec};
use frame_benchmarking::v2::*;
use frame_support::{
	pallet_prelude::{Get, TransactionSource},
	traits::{Authorize, EnsureOrigin},
	BoundedVec,
};
use frame_system::RawOrigin;
use sp_core::{crypto::KeyTypeId, ecdsa};
use sp_runtime::{MultiSignature, MultiSigner};
use wattcoin_primitives::{
	reading::{signing_payload, DeviceKey, Reading, SignatureScheme, SignedReading},
	traits::MeterStatus,
	MeterId,
};

/// Key type of the benchmark device keys in the keystore.
const KEY_TYPE: KeyTypeId = KeyTypeId(*b"metr");
/// The secret URI the benchmark device keys are generated from.
const DEVICE_SEED: &[u8] = b"//wattcoin//benchmark-meter";
/// The first meter id the benchmarks use.
const FIRST_METER: MeterId = 1_000_000;

fn operator<T: Config>(index: u32) -> T::AccountId {
	let who: T::AccountId = account("operator", index, 0);
	Operators::<T>::insert(&who, OperatorInfo::default());
	who
}

/// A device key of `scheme`, generated in the host's keystore.
fn device_key(scheme: SignatureScheme) -> DeviceKey {
	let seed = Some(DEVICE_SEED.to_vec());
	match scheme {
		SignatureScheme::Ed25519 => sp_io::crypto::ed25519_generate(KEY_TYPE, seed).into(),
		SignatureScheme::Sr25519 => sp_io::crypto::sr25519_generate(KEY_TYPE, seed).into(),
		SignatureScheme::Ecdsa => sp_io::crypto::ecdsa_generate(KEY_TYPE, seed).into(),
	}
}

/// Signs `reading` for this chain with `key`, held by the host's keystore.
fn sign<T: Config>(key: &DeviceKey, reading: Reading) -> Result<SignedReading, BenchmarkError> {
	let payload = signing_payload(Pallet::<T>::genesis_hash(), &reading);
	let signature: Option<MultiSignature> = match key {
		DeviceKey::Ed25519(public) => {
			sp_io::crypto::ed25519_sign(KEY_TYPE, public, &payload).map(Into::into)
		},
		DeviceKey::Sr25519(public) => {
			sp_io::crypto::sr25519_sign(KEY_TYPE, public, &payload).map(Into::into)
		},
		DeviceKey::Ecdsa(public) => {
			sp_io::crypto::ecdsa_sign(KEY_TYPE, public, &payload).map(Into::into)
		},
	};
	let signature = signature.ok_or(BenchmarkError::Stop("the keystore holds the device key"))?;
	Ok(SignedReading { reading, signature })
}

/// Registers `count` meters (ids from `FIRST_METER`) with `key` and `status`, operated by
/// `operator`; with a baseline reading (seq 1 at 0 ms, 0 Wh) if `with_baseline`.
fn meters<T: Config>(
	count: u32,
	key: DeviceKey,
	status: MeterStatus,
	operator: &T::AccountId,
	with_baseline: bool,
) -> Vec<MeterId> {
	let owner: T::AccountId = account("owner", 0, 0);
	let ids: Vec<MeterId> = (0..count).map(|i| FIRST_METER + MeterId::from(i)).collect();
	for meter in &ids {
		let mut info =
			MeterInfo::new(operator.clone(), owner.clone(), key, 0, T::DefaultRatedPowerW::get());
		info.status = status;
		if with_baseline {
			info.last_seq = 1;
		}
		Meters::<T>::insert(meter, info);
	}
	MeterCount::<T>::mutate(|c| *c = c.saturating_add(count));
	Operators::<T>::mutate(operator, |info| {
		if let Some(info) = info {
			info.meters = info.meters.saturating_add(count);
		}
	});
	ids
}

/// A batch with one new reading (seq 2 at 1 s, 1 Wh more: plausible at any rated power of 4 W
/// or more) of each meter, signed with `key`.
fn batch_for<T: Config>(meters: &[MeterId], key: &DeviceKey) -> Result<BatchOf<T>, BenchmarkError> {
	let readings = meters
		.iter()
		.map(|meter| {
			sign::<T>(
				key,
				Reading { meter: *meter, seq: 2, at_ms: 1_000, cumulative_wh: 1, flags: 0 },
			)
		})
		.collect::<Result<Vec<_>, _>>()?;
	BoundedVec::try_from(readings).map_err(|_| BenchmarkError::Stop("the batch fits MaxBatch"))
}

/// [`meters`] with a baseline reading each.
fn meters_with_baseline<T: Config>(
	count: u32,
	key: DeviceKey,
	status: MeterStatus,
	operator: &T::AccountId,
) -> Vec<MeterId> {
	meters::<T>(count, key, status, operator, true)
}

/// Sets up `n` readings the chain takes, of `n` meters with a baseline (so each would be
/// billed), signed with `scheme`; returns the batch.
fn accepted_batch<T: Config>(
	n: u32,
	scheme: SignatureScheme,
) -> Result<BatchOf<T>, BenchmarkError> {
	let key = device_key(scheme);
	let meters = meters_with_baseline::<T>(n, key, MeterStatus::Active, &operator::<T>(0));
	batch_for::<T>(&meters, &key)
}

/// Authorizes `ingest_readings` of `batch` as the pool does, checking it is valid.
fn authorize_batch<T: Config>(batch: BatchOf<T>) -> Result<(), BenchmarkError> {
	let n = batch.len();
	let (validity, _) = Call::<T>::ingest_readings { batch }
		.authorize(TransactionSource::External)
		.ok_or(BenchmarkError::Stop("ingest_readings has an authorization"))?
		.map_err(|_| BenchmarkError::Stop("the batch is valid"))?;
	assert_eq!(validity.provides.len(), n);
	Ok(())
}

#[benchmarks]
mod benchmarks {
	use super::*;

	#[benchmark]
	fn add_operator() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who: T::AccountId = account("operator", 0, 0);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert!(Operators::<T>::contains_key(&who));
		Ok(())
	}

	#[benchmark]
	fn remove_operator() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let who = operator::<T>(0);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, who.clone());

		assert!(!Operators::<T>::contains_key(&who));
		Ok(())
	}

	#[benchmark]
	fn register_meter(m: Linear<0, { T::MaxMetadataLen::get() }>) -> Result<(), BenchmarkError> {
		let who = operator::<T>(0);
		let owner: T::AccountId = account("owner", 0, 0);
		let key = MultiSigner::Ecdsa(ecdsa::Public::from_raw([2; 33]));
		let metadata = BoundedVec::try_from(vec![7u8; m as usize])
			.map_err(|_| BenchmarkError::Stop("metadata fits MaxMetadataLen"))?;

		#[extrinsic_call]
		_(RawOrigin::Signed(who), FIRST_METER, key, owner, metadata);

		assert!(Meters::<T>::contains_key(FIRST_METER));
		Ok(())
	}

	#[benchmark]
	fn rotate_key() -> Result<(), BenchmarkError> {
		let who = operator::<T>(0);
		meters_with_baseline::<T>(
			1,
			device_key(SignatureScheme::Sr25519),
			MeterStatus::Active,
			&who,
		);
		let new_key = MultiSigner::Ecdsa(ecdsa::Public::from_raw([3; 33]));

		#[extrinsic_call]
		_(RawOrigin::Signed(who), FIRST_METER, new_key.clone());

		assert_eq!(Meters::<T>::get(FIRST_METER).map(|i| i.key.into()), Some(new_key));
		Ok(())
	}

	#[benchmark]
	fn set_owner() -> Result<(), BenchmarkError> {
		let who = operator::<T>(0);
		meters_with_baseline::<T>(
			1,
			device_key(SignatureScheme::Sr25519),
			MeterStatus::Active,
			&who,
		);
		let new_owner: T::AccountId = account("owner", 1, 0);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), FIRST_METER, new_owner.clone());

		assert_eq!(Meters::<T>::get(FIRST_METER).map(|i| i.owner), Some(new_owner));
		Ok(())
	}

	#[benchmark]
	fn suspend() -> Result<(), BenchmarkError> {
		let who = operator::<T>(0);
		meters_with_baseline::<T>(
			1,
			device_key(SignatureScheme::Sr25519),
			MeterStatus::Active,
			&who,
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), FIRST_METER);

		assert_eq!(Meters::<T>::get(FIRST_METER).map(|i| i.status), Some(MeterStatus::Suspended));
		Ok(())
	}

	#[benchmark]
	fn resume() -> Result<(), BenchmarkError> {
		let who = operator::<T>(0);
		let key = device_key(SignatureScheme::Sr25519);
		meters_with_baseline::<T>(1, key, MeterStatus::Tampered, &who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), FIRST_METER);

		assert_eq!(Meters::<T>::get(FIRST_METER).map(|i| i.status), Some(MeterStatus::Active));
		Ok(())
	}

	#[benchmark]
	fn set_rated_power() -> Result<(), BenchmarkError> {
		let who = operator::<T>(0);
		let key = device_key(SignatureScheme::Sr25519);
		meters_with_baseline::<T>(1, key, MeterStatus::Active, &who);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), FIRST_METER, 48_000);

		assert_eq!(Meters::<T>::get(FIRST_METER).map(|i| i.rated_power_w), Some(48_000));
		Ok(())
	}

	/// Without billing: the call charges `OnConsumption::max_weight` on top for billing.
	#[benchmark]
	fn review_implausible_reading() -> Result<(), BenchmarkError> {
		let who = operator::<T>(0);
		let key = device_key(SignatureScheme::Sr25519);
		meters_with_baseline::<T>(1, key, MeterStatus::Implausible, &who);
		ReadingsUnderReview::<T>::insert(
			FIRST_METER,
			ReadingUnderReview { seq: 1, at_ms: 1_000, cumulative_wh: 1_000_000 },
		);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), FIRST_METER, false);

		assert_eq!(Meters::<T>::get(FIRST_METER).map(|i| i.status), Some(MeterStatus::Active));
		assert!(!ReadingsUnderReview::<T>::contains_key(FIRST_METER));
		Ok(())
	}

	#[benchmark]
	fn decommission() -> Result<(), BenchmarkError> {
		let who = operator::<T>(0);
		meters_with_baseline::<T>(
			1,
			device_key(SignatureScheme::Sr25519),
			MeterStatus::Active,
			&who,
		);
		let metadata = BoundedVec::try_from(vec![7u8; T::MaxMetadataLen::get() as usize])
			.map_err(|_| BenchmarkError::Stop("metadata fits MaxMetadataLen"))?;
		MeterMetadata::<T>::insert(FIRST_METER, metadata);

		#[extrinsic_call]
		_(RawOrigin::Signed(who), FIRST_METER);

		assert!(!Meters::<T>::contains_key(FIRST_METER));
		assert!(!MeterMetadata::<T>::contains_key(FIRST_METER));
		Ok(())
	}

	#[benchmark]
	fn force_transfer_meter() -> Result<(), BenchmarkError> {
		let origin =
			T::AdminOrigin::try_successful_origin().map_err(|_| BenchmarkError::Weightless)?;
		let from = operator::<T>(0);
		let to = operator::<T>(1);
		meters_with_baseline::<T>(
			1,
			device_key(SignatureScheme::Sr25519),
			MeterStatus::Active,
			&from,
		);

		#[extrinsic_call]
		_(origin as T::RuntimeOrigin, FIRST_METER, to.clone());

		assert_eq!(Meters::<T>::get(FIRST_METER).map(|i| i.operator), Some(to));
		Ok(())
	}

	#[benchmark]
	fn ingest_readings(n: Linear<0, { T::MaxBatch::get() }>) -> Result<(), BenchmarkError> {
		// Each reading is its meter's first: taken (a read and a write), nothing billed.
		let key = device_key(SignatureScheme::Sr25519);
		let meters = meters::<T>(n, key, MeterStatus::Active, &operator::<T>(0), false);
		let batch = batch_for::<T>(&meters, &key)?;

		#[extrinsic_call]
		_(RawOrigin::Authorized, batch);

		frame_system::Pallet::<T>::assert_last_event(
			Event::<T>::ReadingsIngested {
				accepted: n,
				duplicates: 0,
				rejected: 0,
				tampered: 0,
				implausible: 0,
				energy_wh: 0,
			}
			.into(),
		);
		Ok(())
	}

	#[benchmark]
	fn ingest_readings_skipped(n: Linear<0, { T::MaxBatch::get() }>) -> Result<(), BenchmarkError> {
		let key = device_key(SignatureScheme::Sr25519);
		let meters = meters_with_baseline::<T>(n, key, MeterStatus::Suspended, &operator::<T>(0));
		let batch = batch_for::<T>(&meters, &key)?;

		#[extrinsic_call]
		ingest_readings(RawOrigin::Authorized, batch);

		frame_system::Pallet::<T>::assert_last_event(
			Event::<T>::ReadingsIngested {
				accepted: 0,
				duplicates: 0,
				rejected: n,
				tampered: 0,
				implausible: 0,
				energy_wh: 0,
			}
			.into(),
		);
		Ok(())
	}

	#[benchmark]
	fn authorize_ingest_readings_ed25519(
		n: Linear<1, { T::MaxBatch::get() }>,
	) -> Result<(), BenchmarkError> {
		let batch = accepted_batch::<T>(n, SignatureScheme::Ed25519)?;

		#[block]
		{
			authorize_batch::<T>(batch)?;
		}

		Ok(())
	}

	#[benchmark]
	fn authorize_ingest_readings_sr25519(
		n: Linear<1, { T::MaxBatch::get() }>,
	) -> Result<(), BenchmarkError> {
		let batch = accepted_batch::<T>(n, SignatureScheme::Sr25519)?;

		#[block]
		{
			authorize_batch::<T>(batch)?;
		}

		Ok(())
	}

	#[benchmark]
	fn authorize_ingest_readings_ecdsa(
		n: Linear<1, { T::MaxBatch::get() }>,
	) -> Result<(), BenchmarkError> {
		let batch = accepted_batch::<T>(n, SignatureScheme::Ecdsa)?;

		#[block]
		{
			authorize_batch::<T>(batch)?;
		}

		Ok(())
	}

	impl_benchmark_test_suite!(
		Pallet,
		crate::mock::ExtBuilder::default().build(),
		crate::mock::Test
	);
}
