//! What the worker does with each reading of a page: judged with the chain's rules, submitted,
//! dropped or held.

use super::*;

#[test]
fn a_good_page_is_submitted_as_one_authorized_transaction() {
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder);
	let readings = vec![
		d1.sign(reading(M1, 1, 100)),
		d2.sign(reading(M2, 1, 500)),
		d1.sign(reading(M1, 2, 130)),
	];
	relay.serve(0, &page(1, &readings));

	let report = relay.run_report(1);
	assert_eq!(
		report,
		RunReport {
			pages: 1,
			fetched: 3,
			new: 3,
			submitted: 3,
			batches: 1,
			cursor_before: 0,
			cursor_after: 0,
			..Default::default()
		}
	);
	assert_eq!(relay.requested(), vec![format!("{URL}/v1/readings?after=0&limit=16")]);
	// Exactly the page's readings, in the gateway's order, in one transaction.
	assert_eq!(relay.submitted(), vec![readings]);
	// Submitted, not yet on chain: the confirmed cursor has not moved.
	assert_eq!(relay.cursor(), None);

	relay.include_submitted();
	relay.execute(|| {
		assert_eq!((last_seq(M1), last_seq(M2)), (2, 1));
		assert_eq!(
			consumed(),
			vec![wattcoin_primitives::traits::Consumption {
				meter: M1,
				from_ms: NOW - 99_000,
				to_ms: NOW - 98_000,
				energy_wh: 30,
			}]
		);
	});
}

#[test]
fn a_partly_stale_page_submits_only_the_new_readings() {
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder);
	let readings = vec![
		d1.sign(reading(M1, 1, 100)),
		d2.sign(reading(M2, 1, 200)),
		d1.sign(reading(M1, 2, 110)),
		d1.sign(reading(M1, 3, 120)),
		d2.sign(reading(M2, 2, 230)),
	];
	// Another relayer already brought M1's first two readings and M2's first.
	relay.execute(|| put_on_chain(readings[..3].to_vec()));
	relay.serve(0, &page(1, &readings));

	let report = relay.run_report(1);
	assert_eq!((report.fetched, report.on_chain, report.new, report.submitted), (5, 3, 2, 2));
	assert_eq!(relay.submitted(), vec![vec![readings[3].clone(), readings[4].clone()]]);
	assert_eq!(relay.cursor(), None);
}

#[test]
fn an_empty_page_submits_nothing_and_keeps_the_cursor() {
	let (builder, _, _) = meters();
	let mut relay = Relay::new(builder);
	relay.set_cursor(7);
	relay.serve(7, &empty_page(7));
	let report = relay.run_report(1);
	assert_eq!(
		report,
		RunReport { pages: 1, cursor_before: 7, cursor_after: 7, ..Default::default() }
	);
	// One request: an empty page ends the run.
	assert_eq!(relay.requested().len(), 1);
	assert!(relay.submitted().is_empty());
	assert_eq!(relay.cursor(), Some(7));
}

#[test]
fn bad_signatures_are_filtered_out() {
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder);
	let forger = Device::sr25519(99);
	let forged = forger.sign(reading(M1, 1, 1_000_000));
	let wrong_chain = d2.sign_for(sp_core::H256::repeat_byte(1), reading(M2, 1, 5));
	let good = vec![d2.sign(reading(M2, 2, 10)), d1.sign(reading(M1, 2, 100))];
	let readings = vec![forged.clone(), wrong_chain, good[0].clone(), good[1].clone()];
	relay.execute(|| {
		// The pool would refuse the whole page: its first new reading is forged.
		let call = RuntimeCall::PalletMeters(Call::ingest_readings {
			batch: BatchOf::<Test>::try_from(readings.clone()).unwrap(),
		});
		assert_eq!(
			call.authorize(TransactionSource::Local).unwrap().map(|_| ()),
			Err(InvalidTransaction::BadProof.into())
		);
	});
	relay.serve(0, &page(1, &readings));

	let report = relay.run_report(1);
	assert_eq!((report.refused, report.new, report.submitted), (2, 2, 2));
	assert_eq!(relay.submitted(), vec![good]);
	// The filtered batch is valid and lands.
	relay.include_submitted();
	relay.execute(|| assert_eq!((last_seq(M1), last_seq(M2)), (2, 2)));

	// Next run: the meters' last readings are past the dropped ones' `seq`: the whole page
	// counts as on chain and the cursor moves past it.
	relay.serve(0, &page(1, &readings));
	relay.serve(4, &empty_page(4));
	let report = relay.run_report(2);
	assert_eq!((report.on_chain, report.refused, report.new), (4, 0, 0));
	assert_eq!(relay.cursor(), Some(4));
	assert!(relay.submitted().is_empty());
}

#[test]
fn readings_the_chain_would_refuse_are_dropped_as_ingestion_would() {
	let suspended = Device::sr25519(3);
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder.meter(M2 + 1, &suspended, ALICE));
	relay.execute(|| {
		put_on_chain(vec![d1.sign(reading(M1, 5, 100))]);
		PalletMeters::suspend(RuntimeOrigin::signed(ALICE), M2 + 1).unwrap();
	});
	let mut reserved = reading(M2, 1, 10);
	reserved.flags = flags::RESERVED & 0x20;
	let mut future = reading(M2, 2, 20);
	future.at_ms = NOW + MAX_CLOCK_SKEW_MS + 1;
	let mut before_last = reading(M1, 6, 110);
	before_last.at_ms = NOW - 100_000 + 4_000;
	let readings = vec![
		Device::sr25519(50).sign(reading(UNKNOWN, 1, 1)),
		suspended.sign(reading(M2 + 1, 1, 1)),
		d2.sign(reserved),
		d2.sign(future),
		d1.sign(before_last),
		d1.sign(reading(M1, 4, 90)),
		d1.sign(reading(M1, 7, 130)),
		// Two copies of the same seq: the first valid one is taken, the other is a duplicate.
		d2.sign(reading(M2, 3, 30)),
		d2.sign(reading(M2, 3, 31)),
		// Known flags are fine.
		d2.sign(Reading { flags: flags::KNOWN, ..reading(M2, 4, 40) }),
	];
	relay.serve(0, &page(1, &readings));
	let report = relay.run_report(1);
	// Refused for good: the reserved flag, the timestamp before the last reading's. Held:
	// the unknown and the suspended meter, the reading ahead of the clock, and M1's seq 7,
	// which waits for a seq 6 (the one refused). M2 has no baseline yet (its seq 1 and 2 are
	// refused or held), so its seq 3 becomes it.
	assert_eq!((report.on_chain, report.refused, report.held, report.new), (2, 2, 4, 2));
	let submitted = relay.submitted();
	assert_eq!(ids(&submitted[0]), vec![(M2, 3), (M2, 4)]);
	assert_eq!(submitted[0][0], readings[7]);

	// Ingesting the whole page refuses exactly what the worker dropped, for the same reasons,
	// and accepts exactly what it submitted.
	relay.execute(|| {
		System::reset_events();
		put_on_chain(readings.clone());
		let mut rejected: Vec<(MeterId, u64, RejectReason)> = System::events()
			.into_iter()
			.filter_map(|record| match record.event {
				RuntimeEvent::PalletMeters(Event::ReadingRejected { meter, seq, reason }) => {
					Some((meter, seq, reason))
				},
				_ => None,
			})
			.collect();
		rejected.sort_by_key(|(meter, seq, _)| (*meter, *seq));
		assert_eq!(
			rejected,
			vec![
				(M1, 6, RejectReason::TimestampRegression),
				(M1, 7, RejectReason::NotNextReading),
				(M2, 1, RejectReason::ReservedFlags),
				(M2, 2, RejectReason::FutureTimestamp),
				(M2 + 1, 1, RejectReason::MeterSuspended),
				(UNKNOWN, 1, RejectReason::UnknownMeter),
			]
		);
		assert!(System::events().iter().any(|record| record.event
			== RuntimeEvent::PalletMeters(Event::ReadingsIngested {
				accepted: 2,
				duplicates: 2,
				rejected: 6,
				tampered: 0,
				implausible: 0,
				energy_wh: 10,
			})));
	});
}

#[test]
fn a_page_of_refused_readings_advances_the_cursor() {
	let (builder, _, d2) = meters();
	let mut relay = Relay::new(builder);
	// Refused for good: a forged signature, a reserved flag bit.
	let readings = vec![
		Device::sr25519(51).sign(reading(M2, 1, 1)),
		Device::sr25519(1).sign(Reading { flags: 0x20, ..reading(M1, 1, 1) }),
	];
	relay.serve(0, &page(1, &readings));
	let next = vec![d2.sign(reading(M2, 1, 1))];
	relay.serve(2, &page(3, &next));
	let report = relay.run_report(1);
	assert_eq!((report.pages, report.refused, report.submitted), (2, 2, 1));
	assert_eq!((report.cursor_before, report.cursor_after), (0, 2));
	assert_eq!(relay.cursor(), Some(2));
	assert_eq!(relay.submitted(), vec![next]);
}

#[test]
fn a_tamper_reading_is_relayed_and_the_meters_later_readings_held() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	relay.execute(|| put_on_chain(vec![d1.sign(reading(M1, 1, 500))]));
	let readings = vec![
		d1.sign(reading(M1, 2, 520)),
		d1.sign(reading(M1, 3, 100)),
		d1.sign(reading(M1, 4, 130)),
	];
	relay.serve(0, &page(1, &readings));
	let report = relay.run_report(1);
	assert_eq!((report.new, report.held), (2, 1));
	assert_eq!(relay.submitted(), vec![readings[..2].to_vec()]);
	relay.include_submitted();
	relay.execute(|| {
		let info = crate::Meters::<Test>::get(M1).unwrap();
		assert_eq!(info.status, wattcoin_primitives::traits::MeterStatus::Tampered);
		assert_eq!(info.last_seq, 3);
	});
	// The reading after the tamper event waits for the operator's resume: it pins the cursor.
	relay.serve(0, &page(1, &readings));
	relay.serve(3, &empty_page(3));
	let report = relay.run_report(2);
	assert_eq!((report.on_chain, report.held, report.cursor_after), (2, 1, 0));
}

#[test]
fn held_readings_pin_the_cursor_and_are_relayed_once_takeable() {
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder);
	relay.execute(|| {
		assert_ok!(PalletMeters::suspend(RuntimeOrigin::signed(ALICE), M1));
	});
	let readings = vec![d1.sign(reading(M1, 1, 100)), d2.sign(reading(M2, 1, 500))];
	relay.serve(0, &page(1, &readings));
	let report = relay.run_report(2);
	assert_eq!((report.held, report.new, report.refused), (1, 1, 0));
	assert_eq!(relay.submitted(), vec![readings[1..].to_vec()]);
	relay.include_submitted();

	// M2's reading is on chain, M1's is still held: the cursor does not move past it.
	relay.serve(0, &page(1, &readings));
	relay.serve(2, &empty_page(2));
	let report = relay.run_report(4);
	assert_eq!((report.held, report.on_chain, report.new), (1, 1, 0));
	assert_eq!(relay.cursor(), None, "a held reading pins the confirmed cursor");

	// Once the meter is resumed, the held reading is relayed.
	relay.execute(|| {
		assert_ok!(PalletMeters::resume(RuntimeOrigin::signed(ALICE), M1));
	});
	relay.serve(0, &page(1, &readings));
	relay.run_report(6);
	assert_eq!(relay.submitted(), vec![readings[..1].to_vec()]);
	relay.include_submitted();
	relay.execute(|| assert_eq!(last_seq(M1), 1));
}

#[test]
fn readings_behind_a_long_held_stretch_are_relayed_all_the_same() {
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder);
	let max = u64::from(MAX_PAGES_PER_RUN);
	let on_chain: Vec<SignedReading> =
		(1..=max).map(|seq| d2.sign(reading(M2, seq, seq))).collect();
	relay.execute(|| {
		assert_ok!(PalletMeters::suspend(RuntimeOrigin::signed(ALICE), M1));
		on_chain.chunks(MAX_BATCH as usize).for_each(|c| put_on_chain(c.to_vec()));
	});
	let held = d1.sign(reading(M1, 1, 100));
	let fresh = d2.sign(reading(M2, max + 1, max + 1));
	// Pages of one reading: the held one, those already on chain, then a new one.
	relay.serve(0, &page(1, &[held]));
	for (i, signed) in on_chain.iter().take(max as usize - 1).enumerate() {
		relay.serve(i as u64 + 1, &page(i as u64 + 2, std::slice::from_ref(signed)));
	}
	let report = relay.run_report(2);
	assert_eq!((report.pages, report.held, report.new), (MAX_PAGES_PER_RUN, 1, 0));
	assert_eq!(relay.cursor(), None);

	// The next run starts where the scan stopped, past the held reading.
	relay.serve(max, &page(max + 1, &[on_chain[max as usize - 1].clone()]));
	relay.serve(max + 1, &page(max + 2, std::slice::from_ref(&fresh)));
	relay.run_report(3);
	assert_eq!(relay.submitted(), vec![vec![fresh]]);
	assert_eq!(relay.cursor(), None, "the held reading still pins the confirmed cursor");
}

#[test]
fn a_meters_readings_on_a_later_page_follow_those_of_earlier_pages() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	let readings: Vec<SignedReading> =
		(1..=20).map(|seq| d1.sign(reading(M1, seq, seq * 10))).collect();
	relay.serve(0, &page(1, &readings[..16]));
	relay.serve(16, &page(17, &readings[16..]));
	let report = relay.run_report(1);
	// Seqs 17 to 20 follow 1 to 16 of the page before: new, not held for a missing link. A
	// batch holds one meter's first 16; the other 4 wait for the next run.
	assert_eq!((report.new, report.held, report.batches, report.submitted), (20, 0, 1, 16));
	let submitted = relay.submitted();
	assert_eq!(submitted, [readings[..16].to_vec()]);
}
