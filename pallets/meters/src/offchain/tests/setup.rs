//! The worker's settings: the hook, the gateway URL, and blocks it must not read.

use super::*;

#[test]
fn the_hook_runs_the_worker() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.serve(0, &page(1, &readings));
	relay.execute(|| <PalletMeters as Hooks<u64>>::offchain_worker(1));
	relay.check_after_run();
	assert_eq!(relay.submitted(), vec![readings]);
}

#[test]
fn a_block_whose_migrations_have_not_run_is_skipped() {
	// The block that sets a new runtime code is followed by off-chain workers of the new
	// runtime on its state, which the next block migrates: the old layouts do not decode, and
	// every reading would look like a reading of an unknown meter.
	let (builder, _, _) = meters();
	let mut relay = Relay::new(builder);
	relay.execute(|| frame_support::traits::StorageVersion::new(0).put::<crate::Pallet<Test>>());
	assert_eq!(relay.run(1), RunOutcome::MigrationPending);
	assert!(relay.requested().is_empty(), "the gateway was not asked");
	assert!(relay.submitted().is_empty());
}

#[test]
fn no_gateway_configured_does_nothing() {
	let (builder, _, _) = meters();
	let mut relay = Relay::new(builder);
	relay.remove_persistent(GATEWAY_URL_STORAGE_KEY);
	assert_eq!(relay.run(1), RunOutcome::NoGateway);
	relay.set_gateway(b"");
	assert_eq!(relay.run(2), RunOutcome::NoGateway);
	relay.set_gateway(b"  \n");
	assert_eq!(relay.run(3), RunOutcome::NoGateway);
	for (block, invalid) in (4..).zip([
		&b"ftp://127.0.0.1"[..],
		b"127.0.0.1:8080",
		b"http://",
		b"http://host/?after=1",
		b"http://host name",
		b"\xff\xfe",
	]) {
		relay.set_gateway(invalid);
		assert_eq!(relay.run(block), RunOutcome::InvalidGateway, "{invalid:?}");
	}
	// No request was made (the scripted network would have panicked), nothing submitted,
	// nothing stored but the setting.
	assert!(relay.requested().is_empty());
	assert!(relay.submitted().is_empty());
	assert_eq!(relay.persistent(LOCK_KEY), None);
	assert_eq!(relay.cursor(), None);
}

#[test]
fn gateway_urls_are_normalised() {
	let cases: [(&[u8], Option<&str>); 9] = [
		(b"http://127.0.0.1:8080", Some("http://127.0.0.1:8080")),
		(b"http://127.0.0.1:8080/", Some("http://127.0.0.1:8080")),
		(b" https://gw.example.org/meters//\n", Some("https://gw.example.org/meters")),
		(b"http://[::1]:8080", Some("http://[::1]:8080")),
		(b"HTTP://upper.case", None),
		(b"http:///path", None),
		(b"http://host#top", None),
		(b"", None),
		(b"https://", None),
	];
	for (raw, expected) in cases {
		assert_eq!(parse_gateway_url(raw).as_deref(), expected, "{raw:?}");
	}
	// A SCALE-encoded string is accepted too (e.g. written with `StorageValueRef::set`).
	assert_eq!(
		parse_gateway_url(&b"http://127.0.0.1:8080/".to_vec().encode()).as_deref(),
		Some("http://127.0.0.1:8080")
	);
	let too_long = format!("http://{}", "a".repeat(MAX_URL_LEN));
	assert_eq!(parse_gateway_url(too_long.as_bytes()), None);
}

#[test]
fn the_gateway_url_is_normalised_in_requests_and_keys() {
	let (builder, d1, _) = meters();
	let mut relay = Relay::new(builder);
	relay.set_gateway(&format!("{URL}/").encode());
	let readings = vec![d1.sign(reading(M1, 1, 100))];
	relay.execute(|| put_on_chain(readings.clone()));
	relay.serve(0, &page(1, &readings));
	relay.serve(1, &empty_page(1));
	assert_eq!(relay.run_report(1).cursor_after, 1);
	assert_eq!(relay.cursor(), Some(1));
}
