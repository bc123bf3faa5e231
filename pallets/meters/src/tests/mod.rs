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

/// Applies an `ingest_readings` transaction as a block does: the authorization
/// (`AuthorizeCall`), then dispatch. `Err` if the authorization refuses it.
fn apply(readings: Vec<SignedReading>) -> Result<PostDispatchInfo, TransactionValidityError> {
	let call = RuntimeCall::PalletMeters(Call::ingest_readings { batch: batch(readings) });
	let (dispatch_info, len) = (call.get_dispatch_info(), call.encoded_size());
	frame_system::AuthorizeCall::<Test>::new()
		.dispatch_transaction(RuntimeOrigin::none(), call, &dispatch_info, len, 0)
		.map(|result| result.expect("ingestion never fails"))
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

/// M1 with an sr25519 device and M2 with `device`, both operated by ALICE.
fn two_meters(device: Device) -> (ExtBuilder, Device, Device) {
	let a = Device::sr25519(1);
	let builder =
		ExtBuilder::default().operator(ALICE).meter(M1, &a, ALICE).meter(M2, &device, ALICE);
	(builder, a, device)
}

/// Ingests M1's baseline reading (seq 1 at NOW - 10 min, 1000 Wh) and clears the events.
fn baseline(device: &Device) {
	ingest(vec![device.sign(reading(M1, 1, NOW - 600_000, 1_000))]);
	System::reset_events();
}

mod authorization;
mod ingestion;
mod migrations;
mod owners;
mod payees;
mod plausibility;
mod registry;
mod trust;
mod weights;
