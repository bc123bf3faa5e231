//! Billing is told which operator to pay: the one managing the meter when the reading is
//! taken (issue 12, finding 8: after `force_transfer_meter`, the new operator).

use super::*;

#[test]
fn readings_are_paid_to_the_operator_managing_the_meter() {
	let (ext, device) = one_meter();
	ext.operator(BOB).build_and_execute(|| {
		baseline(&device);
		ingest(vec![device.sign(reading(M1, 2, NOW - 300_000, 1_100))]);
		assert_ok!(PalletMeters::force_transfer_meter(RuntimeOrigin::root(), M1, BOB));
		ingest(vec![device.sign(reading(M1, 3, NOW - 200_000, 1_200))]);
		assert_eq!(consumed().len(), 2);
		assert_eq!(paid_to(), vec![ALICE, BOB]);
	});
}

#[test]
fn a_reviewed_reading_is_paid_to_the_operator_managing_the_meter() {
	let (ext, device) = one_meter();
	ext.operator(BOB).rated_power(M1, 1_000).build_and_execute(|| {
		baseline(&device);
		// 1 kWh in five minutes on a 1 kW meter: under review.
		ingest(vec![device.sign(reading(M1, 2, NOW - 300_000, 2_000))]);
		assert_ok!(PalletMeters::force_transfer_meter(RuntimeOrigin::root(), M1, BOB));
		assert_ok!(PalletMeters::review_implausible_reading(signed(BOB), M1, true));
		assert_eq!(paid_to(), vec![BOB]);
	});
}
