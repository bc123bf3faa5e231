//! The confirmed and scan cursors, the lock, lost and refused transactions, and a backlog
//! relayed in several batches a block.

use super::*;

#[test]
fn a_submitted_page_holds_the_cursor_until_it_is_on_chain() {
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder);
	let p1 = page(1, &[d1.sign(reading(M1, 1, 100)), d2.sign(reading(M2, 1, 100))]);
	let p2 = page(3, &[d1.sign(reading(M1, 2, 110)), d2.sign(reading(M2, 2, 120))]);
	let p3 = page(5, &[d1.sign(reading(M1, 3, 150))]);
	let new_readings = |p: &ReadingsPage| -> Vec<SignedReading> {
		p.readings.iter().map(|(_, signed)| signed.clone()).collect()
	};

	// Block 1: page 1 is new: submitted, the cursor stays at 0.
	relay.serve(0, &p1);
	let report = relay.run_report(1);
	assert_eq!((report.submitted, report.cursor_after), (2, 0));
	assert_eq!(relay.submitted(), vec![new_readings(&p1)]);

	// Block 2: the transaction was lost (not in a block): the same readings are submitted
	// again, the cursor still at 0.
	relay.lose_submitted();
	relay.serve(0, &p1);
	let report = relay.run_report(2);
	assert_eq!((report.submitted, report.cursor_after), (2, 0));
	assert_eq!(relay.cursor(), None);

	// Block 3: page 1 landed: confirmed; page 2 is fetched in the same run and submitted.
	relay.include_submitted();
	relay.serve(0, &p1);
	relay.serve(2, &p2);
	let report = relay.run_report(3);
	assert_eq!(
		report,
		RunReport {
			pages: 2,
			fetched: 4,
			on_chain: 2,
			new: 2,
			submitted: 2,
			batches: 1,
			cursor_before: 0,
			cursor_after: 2,
			..Default::default()
		}
	);
	assert_eq!(relay.cursor(), Some(2));
	assert_eq!(relay.submitted(), vec![new_readings(&p2)]);

	// Block 4: page 2 landed; page 3 is submitted.
	relay.include_submitted();
	relay.serve(2, &p2);
	relay.serve(4, &p3);
	let report = relay.run_report(4);
	assert_eq!((report.cursor_before, report.cursor_after, report.submitted), (2, 4, 1));
	assert_eq!(relay.submitted(), vec![new_readings(&p3)]);

	// Block 5: everything on chain, the gateway has nothing more.
	relay.include_submitted();
	relay.serve(4, &p3);
	relay.serve(5, &empty_page(5));
	let report = relay.run_report(5);
	assert_eq!((report.cursor_after, report.submitted), (5, 0));
	relay.execute(|| assert_eq!((last_seq(M1), last_seq(M2)), (3, 2)));
}

#[test]
fn a_run_fetches_at_most_max_pages_per_run() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	let max = MAX_PAGES_PER_RUN as u64;
	// Readings of M1 already on chain (another relayer brought them), two per page, one page
	// more than a run fetches.
	let readings: Vec<SignedReading> =
		(1..=2 * max + 2).map(|seq| d1.sign(reading(M1, seq, 100 + seq))).collect();
	relay.execute(|| readings.chunks(MAX_BATCH as usize).for_each(|c| put_on_chain(c.to_vec())));
	let pages: Vec<ReadingsPage> =
		readings.chunks(2).enumerate().map(|(i, chunk)| page(1 + 2 * i as u64, chunk)).collect();

	for p in &pages[..MAX_PAGES_PER_RUN as usize] {
		relay.serve(p.readings[0].0 - 1, p);
	}
	let report = relay.run_report(1);
	assert_eq!(
		(report.pages, u64::from(report.on_chain), report.cursor_after),
		(MAX_PAGES_PER_RUN, 2 * max, 2 * max)
	);
	assert_eq!(relay.cursor(), Some(2 * max));

	relay.serve(2 * max, &pages[max as usize]);
	relay.serve(2 * max + 2, &empty_page(2 * max + 2));
	let report = relay.run_report(2);
	assert_eq!(
		(report.pages, report.cursor_before, report.cursor_after),
		(2, 2 * max, 2 * max + 2)
	);
	assert!(relay.submitted().is_empty());
}

#[test]
fn a_failure_after_stale_pages_keeps_their_progress() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.execute(|| put_on_chain(readings.clone()));
	relay.serve(0, &page(1, &readings));
	relay.down();
	let report = relay.run_report(1);
	assert_eq!((report.pages, report.cursor_after), (1, 1));
	assert_eq!(report.error, Some(FetchError::Connection));
	assert_eq!(relay.cursor(), Some(1));
}

#[test]
fn the_lock_keeps_runs_from_overlapping() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	let lock = || {
		StorageLock::<BlockAndTime<frame_system::Pallet<Test>>>::with_block_and_time_deadline(
			LOCK_KEY,
			LOCK_EXPIRY_BLOCKS,
			Duration::from_millis(LOCK_EXPIRY_MS),
		)
	};
	relay.execute(|| {
		System::set_block_number(1);
		// A run in progress holds the lock: a run for the next block does nothing.
		let mut running = lock();
		let guard = running.try_lock().expect("the lock is free");
		assert_eq!(run::<Test>(2), RunOutcome::Locked);
		drop(guard);
	});
	assert!(relay.requested().is_empty());
	assert_eq!(relay.persistent(LOCK_KEY), None);

	// A run that died without releasing the lock (the node was killed).
	relay.execute(|| {
		System::set_block_number(3);
		let mut crashed = lock();
		crashed.try_lock().expect("the lock is free").forget();
	});
	assert!(relay.persistent(LOCK_KEY).is_some());
	relay.execute(|| {
		// Neither the blocks nor the time of its expiry have passed.
		System::set_block_number(4);
		assert_eq!(run::<Test>(4), RunOutcome::Locked);
	});
	relay.advance_clock(LOCK_EXPIRY_MS + 1);
	relay.execute(|| {
		// The time has passed, not the blocks.
		System::set_block_number(3 + LOCK_EXPIRY_BLOCKS as u64);
		assert_eq!(run::<Test>(3 + LOCK_EXPIRY_BLOCKS as u64), RunOutcome::Locked);
	});
	assert!(relay.requested().is_empty());

	// Both have: the lock is taken over, and released at the end of the run.
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.serve(0, &page(1, &readings));
	assert_eq!(relay.run_report(4 + LOCK_EXPIRY_BLOCKS as u64).submitted, 1);
	assert_eq!(relay.persistent(LOCK_KEY), None);
}

#[test]
fn a_transaction_the_pool_refuses_keeps_the_cursor() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::with_pool(builder, RefusingPool, Box::new(Vec::new));
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.serve(0, &page(1, &readings));
	let report = relay.run_report(1);
	assert_eq!((report.new, report.submitted, report.pool_refused), (1, 0, true));
	assert_eq!(relay.cursor(), None);
}

#[test]
fn each_gateway_has_its_own_cursor() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	relay.set_cursor(40);
	let other = "http://10.0.0.2:9000";
	relay.set_gateway(other.as_bytes());
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.answer_from(other, 0, 200, 0, page(1, &readings).encode(), Some(SCALE_CONTENT_TYPE));
	assert_eq!(relay.run_report(1).submitted, 1);
	assert_eq!((relay.cursor(), relay.cursor_of(other)), (Some(40), None));
}

#[test]
fn an_undecodable_cursor_restarts_from_the_start() {
	let (builder, _, _) = meters();
	let mut relay = Relay::new(builder);
	relay.set_persistent(&cursor_key(URL), b"bad");
	relay.serve(0, &empty_page(0));
	assert_eq!(relay.run_report(1).cursor_before, 0);
}

#[test]
fn a_resubmitted_batch_is_another_transaction() {
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder);
	let readings = vec![d1.sign(reading(M1, 1, 100)), d2.sign(reading(M2, 1, 500))];
	relay.serve(0, &page(1, &readings));
	relay.run_report(1);
	let first = relay.new_transactions();
	// The batch expires unincluded (the pool bans its hash); the worker submits it again.
	relay.lose_submitted();
	relay.serve(0, &page(1, &readings));
	relay.run_report(2);
	let second = relay.new_transactions();
	assert_eq!((first.len(), second.len()), (1, 1));
	assert_ne!(first[0].encode(), second[0].encode(), "a banned hash would stop relaying");
	relay.lose_submitted();
	relay.include_submitted_from(second);
	relay.execute(|| assert_eq!((last_seq(M1), last_seq(M2)), (1, 1)));
}

/// `count` registered meters from 2,000, each with its own sr25519 device.
fn many_meters(count: u8) -> (ExtBuilder, Vec<(MeterId, Device)>) {
	let mut builder = ExtBuilder::default().operator(ALICE);
	let mut devices = Vec::new();
	for i in 0..count {
		let (meter, device) = (2_000 + MeterId::from(i), Device::sr25519(100 + i));
		builder = builder.meter(meter, &device, ALICE);
		devices.push((meter, device));
	}
	(builder, devices)
}

#[test]
fn a_backlog_fills_several_batches_that_one_block_takes() {
	let (builder, devices) = many_meters(40);
	let mut relay = Relay::new(builder);
	assert!(batches::max_batches::<Test>() >= 3, "the mock's blocks take three batches");
	let readings: Vec<SignedReading> =
		devices.iter().map(|(meter, device)| device.sign(reading(*meter, 1, 0))).collect();
	// Two full pages (the gateway has more), then the rest.
	relay.serve(0, &page(1, &readings[..16]));
	relay.serve(16, &page(17, &readings[16..32]));
	relay.serve(32, &page(33, &readings[32..]));
	let report = relay.run_report(1);
	assert_eq!((report.pages, report.new, report.batches, report.submitted), (3, 40, 3, 40));
	assert_eq!(report.cursor_after, 0, "nothing confirmed before it is on chain");
	// Three transactions sharing no meter: the pool takes each against the same state, and
	// one block applies them all.
	let transactions = relay.new_transactions();
	assert_eq!(transactions.len(), 3);
	relay.execute(|| {
		for xt in &transactions {
			let info = xt.function.get_dispatch_info();
			let checked = xt.clone().check(&frame_system::ChainContext::<Test>::default()).unwrap();
			assert_ok!(checked.validate::<Test>(
				TransactionSource::Local,
				&info,
				xt.encoded_size()
			));
		}
	});
	relay.include_submitted();
	relay.execute(|| {
		for (meter, _) in &devices {
			assert_eq!(Meters::<Test>::get(meter).unwrap().last_seq, 1, "meter {meter}");
		}
	});
	// The next run finds the three pages on chain and confirms them.
	relay.serve(0, &page(1, &readings[..16]));
	relay.serve(16, &page(17, &readings[16..32]));
	relay.serve(32, &page(33, &readings[32..]));
	relay.serve(40, &empty_page(40));
	let report = relay.run_report(2);
	assert_eq!((report.on_chain, report.new, report.cursor_after), (40, 0, 40));
}

/// How a block author fills a block with batches of the worker's readings, as
/// `frame_system::CheckWeight` does: the next batch goes in while its charge (worst case up
/// front) fits the weight the batches before it used once refunded; each batch as large as
/// fits, at most `MaxBatch`. The sizes of the batches a block takes, at most `most`.
fn block_fill(most: u32) -> Vec<u32> {
	let weights: frame_system::limits::BlockWeights =
		<Test as frame_system::Config>::BlockWeights::get();
	let normal = weights.get(frame_support::dispatch::DispatchClass::Normal);
	let budget = normal.max_total.unwrap_or(weights.max_block);
	let authorization =
		|n| PalletMeters::authorize_weight_upper_bound(n).saturating_add(normal.base_extrinsic);
	let charged = |n| PalletMeters::ingest_weight_upper_bound(n).saturating_add(authorization(n));
	let used = |n| PalletMeters::ingest_weight_ordinary(n).saturating_add(authorization(n));
	let mut sizes = Vec::new();
	let mut spent = frame_support::weights::Weight::zero();
	while (sizes.len() as u32) < most {
		let Some(size) =
			(1..=MAX_BATCH).rev().find(|&n| spent.saturating_add(charged(n)).all_lte(budget))
		else {
			break;
		};
		sizes.push(size);
		spent = spent.saturating_add(used(size));
	}
	sizes
}

#[test]
fn a_backlog_fills_the_block_with_full_batches_and_a_smaller_last_one() {
	let (builder, devices) = many_meters(8 * MAX_BATCH as u8);
	let mut relay = Relay::new(builder);
	// A block whose normal class takes four full batches and half of another, as the
	// runtime's takes five and most of a sixth.
	let full = |n| {
		PalletMeters::ingest_weight_ordinary(n)
			.saturating_add(PalletMeters::authorize_weight_upper_bound(n))
	};
	let budget = full(MAX_BATCH).saturating_mul(4).saturating_add(full(MAX_BATCH / 2));
	crate::mock::BlockLimits::set(frame_system::limits::BlockWeights::simple_max(budget));
	let fill = relay.execute(|| block_fill(batches::MAX_BATCHES_PER_RUN));
	let full = fill.iter().filter(|&&size| size == MAX_BATCH).count();
	assert!(
		full >= 2 && fill.len() == full + 1,
		"the mock's blocks end with a smaller batch: {fill:?}"
	);
	let readings: Vec<SignedReading> =
		devices.iter().map(|(meter, device)| device.sign(reading(*meter, 1, 0))).collect();
	// As many full pages as the block takes: the worker reads them all (before the last
	// smaller batch it stopped a page short).
	let taken = fill.iter().sum::<u32>() as usize;
	let pages = taken.div_ceil(MAX_BATCH as usize);
	for (i, chunk) in readings.chunks(MAX_BATCH as usize).take(pages).enumerate() {
		let first = (i * MAX_BATCH as usize) as Cursor;
		relay.serve(first, &page(first + 1, chunk));
	}
	let report = relay.run_report(1);
	let sizes: Vec<u32> = relay.submitted().iter().map(|batch| batch.len() as u32).collect();
	assert_eq!(sizes, fill, "the worker's batches are what one block takes");
	assert_eq!(report.submitted, fill.iter().sum::<u32>());
	// The batches apply in one block, and the next run finds them all on chain.
	relay.include_submitted();
	relay.execute(|| {
		for (meter, _) in &devices[..taken] {
			assert_eq!(Meters::<Test>::get(meter).unwrap().last_seq, 1, "meter {meter}");
		}
	});
}
