//! The genesis config: what it builds, its JSON in a chain spec, what it refuses.

use super::*;

#[test]
fn genesis_builds_tariffs_and_credit() {
	let mut tou = flat(300 * MILLIWATT);
	tou.bands = bands(&[(0, 7, 100 * MILLIWATT)]);
	ExtBuilder::default()
		.tariff(OPERATOR, flat(200 * MILLIWATT))
		.tariff(OPERATOR, tou.clone())
		.meter(METER, Some(0), 10 * UNIT)
		.meter(METER_2, Some(1), 0)
		.meter(METER_3, None, 5 * UNIT)
		.build_and_execute(|| {
			assert_eq!(NextTariffId::<Test>::get(), 2);
			assert_eq!(Tariffs::<Test>::get(1).unwrap().versions[0].params, tou);
			assert_eq!(Tariffs::<Test>::get(0).unwrap().meters, 1);
			assert_eq!(OperatorTariffs::<Test>::get(OPERATOR), 2);
			assert_eq!(credit(METER), 10 * UNIT);
			assert_eq!(supply(METER), SupplyState::Connected);
			assert_eq!(supply(METER_2), SupplyState::Disconnected);
			assert_eq!(credit(METER_3), 5 * UNIT);
			assert_eq!(pot_balance(), ED + 15 * UNIT);
			assert_eq!(Liabilities::<Test>::get(), 15 * UNIT);
		});
}

#[test]
fn genesis_config_reads_the_json_of_a_chain_spec() {
	// The shape a runtime preset writes (camelCase fields, tuples as arrays).
	let json = r#"{
		"tariffs": [
			[1, {
				"pricePerKwh": 250000000000,
				"standingChargePerDay": 100000000000,
				"utcOffsetMinutes": 0,
				"bands": [],
				"tiers": [],
				"lowCreditThreshold": 2000000000000,
				"emergencyCredit": 5000000000000,
				"friendlyHours": { "hours": 12583039, "weekdays": 96 }
			}],
			[1, {
				"pricePerKwh": 300000000000,
				"standingChargePerDay": 100000000000,
				"utcOffsetMinutes": 60,
				"bands": [
					{ "startHour": 0, "endHour": 7, "pricePerKwh": 100000000000 },
					{ "startHour": 17, "endHour": 20, "pricePerKwh": 450000000000 }
				],
				"tiers": [{ "fromWh": 50000, "adderPerKwh": 50000000000 }],
				"lowCreditThreshold": 2000000000000,
				"emergencyCredit": 5000000000000,
				"friendlyHours": { "hours": 12583039, "weekdays": 96 }
			}]
		],
		"meters": [[1001, 0, 10000000000000], [1002, 1, 10000000000000], [2001, null, 0]]
	}"#;
	let config: crate::GenesisConfig<Test> = serde_json::from_str(json).expect("valid JSON");
	assert_eq!(
		config.tariffs[1].1.bands[1],
		Band { start_hour: 17, end_hour: 20, price_per_kwh: 450 * MILLIWATT }
	);
	assert_eq!(config.tariffs[0].1.friendly_hours, friendly(22, 7, 0b110_0000));
	let round_trip: crate::GenesisConfig<Test> =
		serde_json::from_str(&serde_json::to_string(&config).unwrap()).unwrap();
	assert_eq!(round_trip.meters, config.meters);
	let mut builder = ExtBuilder::default();
	for (operator, params) in config.tariffs {
		builder = builder.tariff(operator, params);
	}
	for (meter, tariff, credit) in config.meters {
		builder = builder.meter(meter, tariff, credit);
	}
	builder.build_and_execute(|| {
		assert_eq!(credit(METER), 10 * UNIT);
		assert_eq!(account(METER_2).tariff, Some(1));
		assert_eq!(pot_balance(), ED + 20 * UNIT);
	});
}

#[test]
#[should_panic(expected = "tariff of another operator")]
fn genesis_refuses_another_operators_tariff() {
	ExtBuilder::default().tariff(OPERATOR, flat(1)).meter(METER_3, Some(0), 0).build();
}

#[test]
#[should_panic(expected = "genesis meter listed twice")]
fn genesis_refuses_duplicate_meters() {
	ExtBuilder::default().meter(METER, None, 1).meter(METER, None, 1).build();
}

#[test]
#[should_panic(expected = "genesis meter is registered")]
fn genesis_refuses_unknown_meters() {
	ExtBuilder::default().meter(UNKNOWN_METER, None, 0).build();
}
