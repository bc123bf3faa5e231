//! Relayers complement each other: each relays its share of the meters, defers the others'
//! until they are on chain, and takes over a share whose relayer does not bring it.

use super::*;
use crate::offchain::partition::HANDOVER_MS;
use sp_runtime::app_crypto::sr25519::AppPublic;

/// Reading `seq` of `meter`, taken `seq` seconds after a moment 10 s before the chain's time:
/// fresh, so no handover has happened.
fn fresh(meter: MeterId, seq: u64, cumulative_wh: u64) -> Reading {
	Reading { meter, seq, at_ms: NOW - 10_000 + seq * 1_000, cumulative_wh, flags: 0 }
}

/// Another relayer's key.
fn other() -> AppPublic {
	AppPublic::from(sr25519::Public::from_raw([7; 32]))
}

/// M1 (1,000: even) is the first of two relayers', M2 (1,001: odd) the second's.
fn two_meters_and_a_page() -> (Relay, ReadingsPage, Vec<SignedReading>, Vec<SignedReading>) {
	let (builder, d1, d2) = meters();
	let relay = Relay::new(builder);
	let mine = vec![d1.sign(fresh(M1, 1, 100)), d1.sign(fresh(M1, 2, 130))];
	let theirs = vec![d2.sign(fresh(M2, 1, 500)), d2.sign(fresh(M2, 2, 520))];
	let p = page(1, &[mine[0].clone(), theirs[0].clone(), mine[1].clone(), theirs[1].clone()]);
	(relay, p, mine, theirs)
}

#[test]
fn each_relayer_submits_its_share_and_defers_the_others_until_they_are_on_chain() {
	let (mut relay, p, mine, theirs) = two_meters_and_a_page();
	Relayers::set(vec![AppPublic::from(relay.relayer), other()]);

	relay.serve(0, &p);
	let report = relay.run_report(1);
	assert_eq!((report.new, report.deferred, report.submitted), (2, 2, 2));
	assert_eq!(relay.submitted(), vec![mine.clone()], "only M1's readings");
	assert_eq!(relay.cursor(), None);

	// Its batch lands, the other relayer's not yet: the page still holds the cursor.
	relay.include_submitted();
	relay.serve(0, &p);
	relay.serve(4, &empty_page(4));
	let report = relay.run_report(2);
	assert_eq!((report.on_chain, report.deferred, report.submitted), (2, 2, 0));
	assert_eq!(relay.cursor(), None);

	// The other relayer's batch lands: the whole page is on chain, and confirmed (by a run of
	// an even block, which starts at the confirmed cursor).
	relay.execute(|| put_on_chain(theirs));
	relay.serve(0, &p);
	relay.serve(4, &empty_page(4));
	let report = relay.run_report(4);
	assert_eq!((report.on_chain, report.deferred, report.cursor_after), (4, 0, 4));
	assert_eq!(relay.cursor(), Some(4));
	Relayers::set(Vec::new());
}

#[test]
fn two_relayers_together_submit_every_reading_once() {
	let (builder, d1, d2) = meters();
	let (same, _, _) = meters();
	let readings: Vec<_> = (1..=6)
		.flat_map(|seq| [d1.sign(fresh(M1, seq, seq * 10)), d2.sign(fresh(M2, seq, seq * 20))])
		.collect();
	let p = page(1, &readings);
	let mut first = Relay::new(builder);
	let mut second = Relay::new(same);
	let keys = vec![AppPublic::from(first.relayer), AppPublic::from(second.relayer)];
	let mut submitted = Vec::new();
	for relay in [&mut first, &mut second] {
		Relayers::set(keys.clone());
		relay.serve(0, &p);
		relay.run_report(1);
		submitted.extend(relay.submitted().concat());
	}
	Relayers::set(Vec::new());
	let mut all = ids(&submitted);
	all.sort();
	let mut expected = ids(&readings);
	expected.sort();
	assert_eq!(all, expected, "each reading by exactly one of the two");
}

#[test]
fn a_share_its_relayer_does_not_bring_is_handed_over_after_a_while() {
	let (mut relay, p, mine, theirs) = two_meters_and_a_page();
	Relayers::set(vec![AppPublic::from(relay.relayer), other()]);
	relay.serve(0, &p);
	relay.run_report(1);
	relay.include_submitted();
	assert_eq!(relay.submitted(), Vec::<Vec<SignedReading>>::new());

	// The other relayer is down: once M2's readings are a handover old, they are this one's.
	relay.execute(|| pallet_timestamp::Pallet::<Test>::set_timestamp(NOW + HANDOVER_MS));
	relay.serve(0, &p);
	let report = relay.run_report(2);
	assert_eq!((report.on_chain, report.deferred, report.submitted), (2, 0, 2));
	assert_eq!(relay.submitted(), vec![theirs]);
	relay.include_submitted();
	relay.execute(|| assert_eq!((last_seq(M1), last_seq(M2)), (2, 2)));
	drop(mine);
	Relayers::set(Vec::new());
}

#[test]
fn a_relayer_outside_the_set_is_a_backup() {
	let (mut relay, p, _, _) = two_meters_and_a_page();
	Relayers::set(vec![other(), AppPublic::from(sr25519::Public::from_raw([8; 32]))]);
	relay.serve(0, &p);
	relay.serve(4, &empty_page(4));
	let report = relay.run_report(1);
	assert_eq!((report.deferred, report.submitted), (4, 0));

	// Once both relayers of the set had their turn, it relays what they did not.
	relay.execute(|| pallet_timestamp::Pallet::<Test>::set_timestamp(NOW + 2 * HANDOVER_MS));
	relay.serve(0, &p);
	let report = relay.run_report(2);
	assert_eq!((report.deferred, report.submitted), (0, 4));
	Relayers::set(Vec::new());
}
