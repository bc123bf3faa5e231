//! The worker against a gateway that fails, is slow, answers garbage or a page that contradicts
//! the protocol, and the relayer's signature on every request.

use super::*;

#[test]
fn http_500_costs_a_retry_next_block() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	relay.answer(0, 500, 0, b"internal server error".to_vec());
	let report = relay.run_report(1);
	assert_eq!(report.error, Some(FetchError::Status(500)));
	assert_eq!((report.pages, report.fetched, report.submitted), (0, 0, 0));
	assert!(relay.submitted().is_empty());
	assert_eq!(relay.cursor(), None);

	// The next block retries the same request.
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.serve(0, &page(1, &readings));
	assert_eq!(relay.run_report(2).submitted, 1);
	assert_eq!(relay.submitted(), vec![readings]);
}

#[test]
fn other_statuses_are_failures_too() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	// A 404 (wrong base URL) or a 204 carrying a valid page are not pages.
	let body = page(1, &[d1.sign(reading(M1, 1, 100))]).encode();
	for (block, status) in [(1, 404), (2, 204), (3, 503)] {
		relay.answer(0, status, 0, body.clone());
		assert_eq!(relay.run_report(block).error, Some(FetchError::Status(status)));
	}
	assert!(relay.submitted().is_empty());
	assert_eq!(relay.cursor(), None);
}

#[test]
fn a_slow_gateway_times_out_at_the_deadline() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.answer(0, 200, HTTP_TIMEOUT_MS + 500, page(1, &readings).encode());
	let started = relay.now();
	let report = relay.run_report(1);
	assert_eq!(report.error, Some(FetchError::Timeout));
	// The worker gave up at its deadline, not later.
	assert_eq!(relay.now(), started + HTTP_TIMEOUT_MS);
	assert!(relay.submitted().is_empty());
	assert_eq!(relay.cursor(), None);

	// Next block, an answer within the deadline is taken.
	relay.answer(0, 200, HTTP_TIMEOUT_MS - 500, page(1, &readings).encode());
	let report = relay.run_report(2);
	assert_eq!((report.error, report.submitted), (None, 1));
	assert_eq!(relay.submitted(), vec![readings]);
}

#[test]
fn a_body_that_does_not_come_times_out_at_the_same_deadline() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.serve_slowly(0, &page(1, &readings), HTTP_TIMEOUT_MS + 1);
	let started = relay.now();
	let report = relay.run_report(1);
	assert_eq!(report.error, Some(FetchError::Body(HttpError::DeadlineReached)));
	assert_eq!(relay.now(), started + HTTP_TIMEOUT_MS);
	assert!(relay.submitted().is_empty());

	// The deadline covers the whole request: headers, then a body within it, is taken.
	relay.serve_slowly(0, &page(1, &readings), HTTP_TIMEOUT_MS);
	assert_eq!(relay.run_report(2).submitted, 1);
	assert_eq!(relay.submitted(), vec![readings]);
}

#[test]
fn a_gateway_that_is_down_costs_a_retry_next_block() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	relay.down();
	let report = relay.run_report(1);
	assert_eq!(report.error, Some(FetchError::Connection));
	assert_eq!(relay.requested(), vec![format!("{URL}/v1/readings?after=0&limit=16")]);
	assert!(relay.submitted().is_empty());
	assert_eq!(relay.cursor(), None);

	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.serve(0, &page(1, &readings));
	assert_eq!(relay.run_report(2).submitted, 1);
}

#[test]
fn garbage_is_refused() {
	let (builder, d1, d2) = meters();
	let mut relay = Relay::new(builder);
	let r1 = d1.sign(reading(M1, 1, 100));
	let r2 = d2.sign(reading(M2, 1, 100));
	let good = page(1, &[r1.clone(), r2.clone()]);
	let mut trailing = good.encode();
	trailing.push(0);
	let mut truncated = good.encode();
	truncated.pop();
	let oversized = vec![0u8; max_page_len(MAX_BATCH) + 1];
	let oversized_len = max_page_len(MAX_BATCH) as u32;
	let not_increasing = ReadingsPage { readings: vec![(2, r1.clone()), (2, r2.clone())], next: 2 };
	let not_after = ReadingsPage { readings: vec![(0, r1.clone())], next: 0 };
	let next_behind = ReadingsPage { readings: vec![(1, r1.clone()), (2, r2.clone())], next: 1 };
	let not_a_page = b"<html><body>502 Bad Gateway</body></html>".to_vec();

	let cases: Vec<(Vec<u8>, Option<&str>, FetchError)> = vec![
		(not_a_page.clone(), Some(SCALE_CONTENT_TYPE), FetchError::Undecodable { len: 41 }),
		(
			trailing.clone(),
			Some(SCALE_CONTENT_TYPE),
			FetchError::Undecodable { len: trailing.len() as u32 },
		),
		(truncated.clone(), None, FetchError::Undecodable { len: truncated.len() as u32 }),
		(Vec::new(), Some(SCALE_CONTENT_TYPE), FetchError::Undecodable { len: 0 }),
		(
			good.encode(),
			Some("application/json"),
			FetchError::ContentType("application/json".into()),
		),
		(
			not_a_page,
			Some("text/html; charset=utf-8"),
			FetchError::ContentType("text/html; charset=utf-8".into()),
		),
		(oversized, Some(SCALE_CONTENT_TYPE), FetchError::BodyTooLarge { limit: oversized_len }),
		(
			not_increasing.encode(),
			Some(SCALE_CONTENT_TYPE),
			FetchError::Inconsistent(
				"reading cursors are not strictly increasing after the requested cursor",
			),
		),
		(
			not_after.encode(),
			Some(SCALE_CONTENT_TYPE),
			FetchError::Inconsistent(
				"reading cursors are not strictly increasing after the requested cursor",
			),
		),
		(
			next_behind.encode(),
			Some(SCALE_CONTENT_TYPE),
			FetchError::Inconsistent("the next cursor is before the last reading's"),
		),
	];
	for (block, (body, content_type, error)) in (1..).zip(cases) {
		relay.answer_from(URL, 0, 200, 0, body, content_type);
		let report = relay.run_report(block);
		assert_eq!(report.error, Some(error));
		assert_eq!((report.pages, report.submitted), (0, 0));
		assert!(relay.submitted().is_empty());
		assert_eq!(relay.cursor(), None);
	}

	// The content type may be omitted or carry parameters; a good page is then taken.
	relay.answer_from(URL, 0, 200, 0, good.encode(), Some("Application/SCALE; v=1"));
	assert_eq!(relay.run_report(100).submitted, 2);
	assert_eq!(relay.submitted().len(), 1);
	relay.answer_from(URL, 0, 200, 0, good.encode(), None);
	assert_eq!(relay.run_report(101).submitted, 2);
}

#[test]
fn the_largest_page_is_accepted() {
	// MAX_BATCH readings with the longest signatures (ecdsa) fit the body limit exactly.
	let devices: Vec<Device> = (0..MAX_BATCH as u8).map(|i| Device::ecdsa(10 + i)).collect();
	let builder = devices
		.iter()
		.enumerate()
		.fold(ExtBuilder::default().operator(ALICE), |builder, (i, device)| {
			builder.meter(M1 + i as u64, device, ALICE)
		});
	let mut relay = Relay::new(builder);
	let readings: Vec<SignedReading> = devices
		.iter()
		.enumerate()
		.map(|(i, device)| device.sign(reading(M1 + i as u64, 1, 7)))
		.collect();
	let full = ReadingsPage {
		readings: (0..).map(|i| u64::MAX - MAX_BATCH as u64 + i).zip(readings.clone()).collect(),
		next: u64::MAX - 1,
	};
	assert_eq!(
		full.encode().len(),
		max_page_len(MAX_BATCH) - 4,
		"only the compact prefix is shorter"
	);
	relay.set_cursor(u64::MAX - MAX_BATCH as u64 - 1);
	relay.serve(u64::MAX - MAX_BATCH as u64 - 1, &full);
	// A full page: the gateway may have more, the run asks for the next page.
	relay.serve(u64::MAX - 1, &empty_page(u64::MAX - 1));
	assert_eq!(relay.run_report(1).submitted, MAX_BATCH);
	assert_eq!(relay.submitted(), vec![readings]);
}

#[test]
fn a_page_longer_than_asked_is_cut() {
	let d1 = Device::sr25519(1);
	let readings: Vec<SignedReading> = (1..=3).map(|seq| d1.sign(reading(M1, seq, seq))).collect();
	let long = page(11, &readings);
	let cut = check_page(long.clone(), 10, 2).expect("consistent");
	assert_eq!(cut, ReadingsPage { readings: long.readings[..2].to_vec(), next: 12 });
	assert_eq!(check_page(long.clone(), 10, 3), Ok(long));
}

#[test]
fn the_body_limit_is_the_largest_page() {
	assert_eq!(max_page_len(0), 5 + 8);
	// A cursor (8) and a signed reading with an ecdsa signature (33 + 1 + 65) per reading.
	assert_eq!(max_page_len(1000), 5 + 1000 * (8 + 33 + 66) + 8);
}

#[test]
fn fetch_errors_read_well_in_logs() {
	assert_eq!(FetchError::Timeout.to_string(), "no answer within 2000 ms");
	assert_eq!(FetchError::Status(500).to_string(), "HTTP status 500");
	assert_eq!(
		FetchError::ContentType("text/html".into()).to_string(),
		"content type \"text/html\", not application/scale"
	);
	assert_eq!(
		FetchError::Body(HttpError::DeadlineReached).to_string(),
		"reading the body failed: deadline reached"
	);
}

// ---------------------------------------------------------------------------------------------
// Relaying that never stalls (issue 10, finding 6)

#[test]
fn a_next_cursor_ahead_of_the_readings_is_refused() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.execute(|| put_on_chain(readings.clone()));
	let mut lying = page(1, &readings);
	lying.next = u64::MAX;
	relay.serve(0, &lying);
	let report = relay.run_report(1);
	assert!(
		matches!(report.error, Some(FetchError::Inconsistent(_))),
		"unexpected {:?}",
		report.error
	);
	assert_eq!(relay.cursor(), None, "the relayer must not skip to u64::MAX");
}

#[test]
fn every_feed_request_is_signed_by_the_relayer_key() {
	let (builder, _, _) = meters();
	let mut relay = Relay::new(builder);
	relay.serve(0, &empty_page(0));
	relay.run_report(1);
	// `run` checked the header's key, time and signature; here: there was one.
	relay.serve(0, &empty_page(0));
	relay.execute(|| run::<Test>(2));
	let headers = core::mem::take(&mut relay.network.lock().unwrap().authorizations);
	assert_eq!(headers.len(), 1);
	let (key, at_ms, signature) = parse_relayer_authorization(&headers[0]);
	assert_eq!((key, at_ms), (relay.relayer, START_MS));
	// Signed for this chain only: another genesis hash or time does not verify.
	assert!(sr25519_verify(&signature, &relayer_message(GENESIS, START_MS), &key));
	assert!(!sr25519_verify(&signature, &relayer_message(H256::repeat_byte(9), START_MS), &key));
	assert!(!sr25519_verify(&signature, &relayer_message(GENESIS, START_MS + 1), &key));
}

#[test]
fn without_a_relayer_key_nothing_is_fetched() {
	let (builder, _, _) = meters();
	let mut relay = Relay::new(builder);
	relay.ext.register_extension(KeystoreExt::new(MemoryKeystore::new()));
	// No request scripted: one made would panic.
	assert_eq!(relay.run(1), RunOutcome::NoRelayerKey);
	assert!(relay.requested().is_empty());
	assert_eq!(relay.cursor(), None);
}

#[test]
fn a_refused_signature_reads_well_in_logs() {
	let refused = FetchError::Status(401).to_string();
	assert!(refused.contains("did not take this relayer's signature"), "{refused}");
	assert_eq!(FetchError::Status(500).to_string(), "HTTP status 500");
}
