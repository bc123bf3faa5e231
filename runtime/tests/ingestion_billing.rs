//! The Wattcoin pallets together, in the real runtime: signed readings ingested by
//! pallet-meters through the authorized-transaction path are billed by pallet-prepaid, and a
//! neighbour's top-up reconnects the meter.

use frame_support::{assert_ok, weights::Weight};
use frame_system::offchain::CreateAuthorizedTransaction;
use sp_keyring::Sr25519Keyring;
use sp_runtime::{
	traits::Header as _,
	transaction_validity::{InvalidTransaction, TransactionValidityError},
	BuildStorage,
};
use wattcoin_primitives::{
	prepaid_api::SupplyState,
	reading::{dev::dev_meter_pair, Reading, SignedReading},
	MeterId,
};
use wattcoin_runtime::{
	genesis_config_presets::{get_preset, DEV_LOW_CREDIT, DEV_LOW_CREDIT_METER},
	Balances, Executive, Header, Prepaid, Runtime, RuntimeCall, RuntimeGenesisConfig,
	RuntimeOrigin, System, MILLI_WATT, WATT,
};

/// Monday 30 November 2026, 12:00 UTC.
const NOON: u64 = 1_796_040_000_000;
const MINUTE: u64 = 60_000;

/// Merges a genesis preset (a JSON patch) into the default genesis config, as the node does.
fn merge(base: &mut serde_json::Value, patch: serde_json::Value) {
	match (base, patch) {
		(serde_json::Value::Object(base), serde_json::Value::Object(patch)) => {
			for (key, value) in patch {
				merge(base.entry(key).or_insert(serde_json::Value::Null), value);
			}
		},
		(base, patch) => *base = patch,
	}
}

/// The state of a fresh `--dev` chain.
fn dev_chain() -> sp_io::TestExternalities {
	let preset = get_preset(&sp_genesis_builder::DEV_RUNTIME_PRESET.into()).expect("dev preset");
	let mut config = serde_json::to_value(RuntimeGenesisConfig::default()).unwrap();
	merge(&mut config, serde_json::from_slice(&preset).unwrap());
	let config: RuntimeGenesisConfig = serde_json::from_value(config).unwrap();
	let mut ext = sp_io::TestExternalities::new(config.build_storage().unwrap());
	ext.execute_with(|| {
		let genesis = System::block_hash(0);
		let header =
			Header::new(1, Default::default(), Default::default(), genesis, Default::default());
		Executive::initialize_block(&header);
		pallet_timestamp::Now::<Runtime>::put(NOON + 60 * MINUTE);
	});
	ext
}

/// A reading of dev meter `1000 + i`, signed with its device key.
fn reading(i: u32, seq: u64, at_ms: u64, cumulative_wh: u64) -> SignedReading {
	let reading = Reading { meter: 1000 + MeterId::from(i), seq, at_ms, cumulative_wh, flags: 0 };
	SignedReading::sign_sr25519(reading, System::block_hash(0), &dev_meter_pair(i))
}

/// Submits `batch` the way the off-chain worker does: an authorized general transaction.
fn ingest(batch: Vec<SignedReading>) -> Result<(), TransactionValidityError> {
	let call = RuntimeCall::Meters(pallet_meters::Call::ingest_readings {
		batch: batch.try_into().expect("within MaxBatch"),
	});
	let xt =
		<Runtime as CreateAuthorizedTransaction<RuntimeCall>>::create_authorized_transaction(call);
	let outcome = Executive::apply_extrinsic(xt)?;
	assert_ok!(outcome);
	Ok(())
}

fn status(meter: MeterId) -> wattcoin_primitives::prepaid_api::PrepaidStatus<u128> {
	Prepaid::meter_status(meter).expect("a registered meter has a status")
}

#[test]
fn readings_are_billed_at_the_tariff_and_a_top_up_reconnects() {
	dev_chain().execute_with(|| {
		let meter = DEV_LOW_CREDIT_METER;
		let issuance = Balances::total_issuance();
		assert_eq!(status(meter).credit, DEV_LOW_CREDIT);
		assert_eq!(status(meter).supply, SupplyState::LowCredit);

		// The first reading sets the baseline; the second is 2 kWh later: 2 x 0.25 WATT.
		assert_ok!(ingest(vec![
			reading(0, 1, NOON, 10_000),
			reading(0, 2, NOON + 15 * MINUTE, 12_000)
		]));
		assert_eq!(status(meter).credit, DEV_LOW_CREDIT - 500 * MILLI_WATT);
		assert_eq!(status(meter).supply, SupplyState::LowCredit);

		// The same readings again are refused by the authorization: never billed twice.
		assert_eq!(
			ingest(vec![reading(0, 2, NOON + 15 * MINUTE, 12_000)]),
			Err(InvalidTransaction::Stale.into())
		);
		assert_eq!(status(meter).credit, DEV_LOW_CREDIT - 500 * MILLI_WATT);

		// 4 kWh more costs 1 WATT: the 0.5 WATT left is used up, 0.5 WATT becomes debt, and
		// with no emergency credit taken and no friendly hours on this tariff the supply is cut.
		assert_ok!(ingest(vec![reading(0, 3, NOON + 30 * MINUTE, 16_000)]));
		let disconnected = status(meter);
		assert_eq!(disconnected.credit, 0);
		assert_eq!(disconnected.debt, 500 * MILLI_WATT);
		assert_eq!(disconnected.supply, SupplyState::Disconnected);

		// Bob tops up Alice's meter with 10 WATT: the debt is recovered first (within the 25%
		// share), the rest is credit, and the meter reconnects.
		assert_ok!(Prepaid::top_up(
			RuntimeOrigin::signed(Sr25519Keyring::Bob.to_account_id()),
			meter,
			10 * WATT
		));
		let reconnected = status(meter);
		assert_eq!(reconnected.debt, 0);
		assert_eq!(reconnected.credit, 10 * WATT - 500 * MILLI_WATT);
		assert_eq!(reconnected.supply, SupplyState::Connected);

		// Billing moves WATT, it never creates or destroys it (ingestion pays no fee).
		assert_eq!(Balances::total_issuance(), issuance);
	});
}

#[test]
fn readings_of_several_meters_in_one_batch_are_billed_independently() {
	dev_chain().execute_with(|| {
		// Meters 1002 (flat, 0.25 WATT/kWh) and 1004 (flat) in one batch, 1 kWh and 3 kWh.
		let before = [status(1002).credit, status(1004).credit];
		assert_ok!(ingest(vec![
			reading(2, 1, NOON, 500),
			reading(4, 1, NOON, 7_000),
			reading(2, 2, NOON + 10 * MINUTE, 1_500),
			reading(4, 2, NOON + 10 * MINUTE, 10_000),
		]));
		assert_eq!(before[0] - status(1002).credit, 250 * MILLI_WATT);
		assert_eq!(before[1] - status(1004).credit, 750 * MILLI_WATT);
	});
}

/// Validates an authorized `ingest_readings` batch as the transaction pool does.
fn validate(batch: Vec<SignedReading>) -> sp_runtime::transaction_validity::TransactionValidity {
	let call = RuntimeCall::Meters(pallet_meters::Call::ingest_readings {
		batch: batch.try_into().expect("within MaxBatch"),
	});
	let xt =
		<Runtime as CreateAuthorizedTransaction<RuntimeCall>>::create_authorized_transaction(call);
	Executive::validate_transaction(
		sp_runtime::transaction_validity::TransactionSource::External,
		xt,
		System::parent_hash(),
	)
}

#[test]
fn the_pool_refuses_a_valid_reading_padded_with_forged_ones() {
	dev_chain().execute_with(|| {
		let valid = reading(0, 1, NOON, 10_000);
		// Forged readings: meter 1000's readings signed with meter 1's key.
		let forged = |seq: u64| {
			let reading = Reading {
				meter: 1000,
				seq,
				at_ms: NOON + seq,
				cumulative_wh: 10_000 + seq,
				flags: 0,
			};
			SignedReading::sign_sr25519(reading, System::block_hash(0), &dev_meter_pair(1))
		};
		let mut padded = vec![valid.clone()];
		padded.extend((2..=999).map(forged));
		assert_eq!(validate(padded), Err(InvalidTransaction::BadProof.into()));
		// A batch that squats meter 1002's first tag with a forged reading is refused too...
		let squat = SignedReading::sign_sr25519(
			Reading { meter: 1002, seq: 1, at_ms: NOON, cumulative_wh: 1, flags: 0 },
			System::block_hash(0),
			&dev_meter_pair(1),
		);
		assert_eq!(validate(vec![valid.clone(), squat]), Err(InvalidTransaction::BadProof.into()));
		// ...and the honest batch carrying the real reading is valid.
		assert!(validate(vec![valid, reading(2, 1, NOON, 500)]).is_ok());
	});
}

/// The normal-class weight `batch` adds to the block once applied and refunded.
fn block_weight_of(batch: Vec<SignedReading>) -> Weight {
	use frame_support::dispatch::DispatchClass;
	let before = *System::block_weight().get(DispatchClass::Normal);
	assert_ok!(ingest(batch));
	System::block_weight().get(DispatchClass::Normal).saturating_sub(before)
}

#[test]
fn readings_of_one_batch_pay_for_the_storage_they_share_once() {
	use pallet_meters::IngestOutcome;
	use wattcoin_primitives::traits::OnConsumption;
	use wattcoin_runtime::{AccountId, Meters};
	dev_chain().execute_with(|| {
		// Meters 1002 and 1004: the same flat tariff of the same operator. First their
		// baselines (nothing billed).
		assert_ok!(ingest(vec![reading(2, 1, NOON, 500), reading(4, 1, NOON, 7_000)]));
		let one = vec![reading(2, 2, NOON + 10 * MINUTE, 1_500)];
		let two = vec![
			reading(2, 3, NOON + 20 * MINUTE, 2_500),
			reading(4, 2, NOON + 20 * MINUTE, 10_000),
		];
		let dispatch = |accepted| {
			Meters::ingest_weight_used(
				&IngestOutcome { accepted, ..Default::default() },
				Weight::zero(),
			)
		};
		let authorization = Meters::authorize_weight(&two) - Meters::authorize_weight(&one);
		let (one, two) = (block_weight_of(one), block_weight_of(two));
		// The second reading of a batch pays its authorization, its meter, and its billing
		// (a reading on a tariff of one version, the supply state unchanged) less the storage
		// the first reading's billing already read and wrote: the tariff, and the operator's
		// revenue (read and written).
		let alone = <Prepaid as OnConsumption<AccountId>>::ordinary_weight(1);
		let db = <Runtime as frame_system::Config>::DbWeight::get();
		let shared = db.reads(2).saturating_add(db.writes(1));
		assert!(alone.all_gt(shared));
		// (Proof sizes differ by the batches' lengths, which the block also counts.)
		assert_eq!(
			(two - one).ref_time(),
			(authorization + dispatch(2) - dispatch(1) + alone - shared).ref_time()
		);
	});
}

/// What the off-chain worker submits for one block, from the runtime's weights: the full
/// batches a block takes, then a smaller one in the weight they leave. The load benchmark's
/// smoke run in CI checks the same on a live node; this says where the figure comes from.
#[test]
fn a_block_takes_six_full_batches_and_a_smaller_seventh() {
	let sizes = pallet_meters::offchain::batches::batch_sizes::<Runtime>();
	println!("batches a block takes: {sizes:?}");
	let full =
		<<Runtime as pallet_meters::Config>::MaxBatch as frame_support::traits::Get<u32>>::get();
	assert_eq!(sizes.iter().filter(|&&size| size == full).count(), 6, "{sizes:?}");
	assert_eq!(sizes.len(), 7, "{sizes:?}");
	assert!(sizes[6] > full / 2, "{sizes:?}");
}
