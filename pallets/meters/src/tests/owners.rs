//! The index of the meters each account owns and the views wallets read (`meters_of`,
//! `meter_view`); `try_state`, run after every test, checks the index against the registry.

use super::*;
use wattcoin_primitives::meters_api::{MeterView, MetersPage, MAX_METERS_PAGE};

/// Every meter `owner` owns, page by page of `limit`, and how many pages it took.
fn all_pages(owner: u64, limit: u32) -> (Vec<MeterId>, usize) {
	let (mut meters, mut pages, mut after) = (Vec::new(), 0, None);
	loop {
		let page = PalletMeters::meters_of(&owner, after, limit);
		pages += 1;
		assert!(page.meters.len() <= limit as usize);
		meters.extend(page.meters.iter().copied());
		match page.next {
			Some(next) => after = Some(next),
			None => return (meters, pages),
		}
	}
}

fn sorted(mut meters: Vec<MeterId>) -> Vec<MeterId> {
	meters.sort();
	meters
}

fn register(meter: MeterId, owner: u64) {
	let key = Device::sr25519(meter as u8).public();
	assert_ok!(PalletMeters::register_meter(signed(ALICE), meter, key, owner, metadata(b"")));
}

#[test]
fn genesis_and_registered_meters_are_listed_under_their_owner() {
	let (ext, _) = one_meter();
	ext.build_and_execute(|| {
		register(M2, OWNER);
		register(M3, OTHER_OWNER);
		assert_eq!(sorted(all_pages(OWNER, 10).0), vec![M1, M2]);
		assert_eq!(PalletMeters::meters_of(&OTHER_OWNER, None, 10).meters, vec![M3]);
		assert_eq!(PalletMeters::meters_of(&STRANGER, None, 10), MetersPage::default());
	});
}

#[test]
fn set_owner_moves_the_meter_to_the_new_owners_list() {
	let (ext, _) = one_meter();
	ext.build_and_execute(|| {
		assert_ok!(PalletMeters::set_owner(signed(ALICE), M1, OTHER_OWNER));
		assert_eq!(PalletMeters::meters_of(&OWNER, None, 10).meters, Vec::<MeterId>::new());
		assert_eq!(PalletMeters::meters_of(&OTHER_OWNER, None, 10).meters, vec![M1]);
		// The same owner again changes nothing.
		assert_ok!(PalletMeters::set_owner(signed(ALICE), M1, OTHER_OWNER));
		assert_eq!(PalletMeters::meters_of(&OTHER_OWNER, None, 10).meters, vec![M1]);
	});
}

#[test]
fn a_refused_owner_change_leaves_the_lists_as_they_were() {
	let (ext, _) = one_meter();
	ext.build_and_execute(|| {
		refuse_owner_change(true);
		assert!(PalletMeters::set_owner(signed(ALICE), M1, OTHER_OWNER).is_err());
		assert_eq!(PalletMeters::meters_of(&OWNER, None, 10).meters, vec![M1]);
		assert!(PalletMeters::meters_of(&OTHER_OWNER, None, 10).meters.is_empty());
	});
}

#[test]
fn decommission_removes_the_meter_from_its_owners_list() {
	let (ext, _) = one_meter();
	ext.build_and_execute(|| {
		register(M2, OWNER);
		assert_ok!(PalletMeters::decommission(signed(ALICE), M1));
		assert_eq!(PalletMeters::meters_of(&OWNER, None, 10).meters, vec![M2]);
	});
}

#[test]
fn a_transfer_between_operators_keeps_the_owner() {
	let (ext, _) = one_meter();
	ext.operator(BOB).build_and_execute(|| {
		assert_ok!(PalletMeters::force_transfer_meter(RuntimeOrigin::root(), M1, BOB));
		assert_eq!(PalletMeters::meters_of(&OWNER, None, 10).meters, vec![M1]);
	});
}

#[test]
fn pages_list_every_meter_once_and_the_last_has_no_next() {
	let (ext, _) = one_meter();
	ext.build_and_execute(|| {
		for meter in 2..=7 {
			register(meter, OWNER);
		}
		let every = vec![2, 3, 4, 5, 6, 7, M1];
		for (limit, pages) in [(1, 7), (2, 4), (3, 3), (7, 1), (100, 1)] {
			let (meters, taken) = all_pages(OWNER, limit);
			assert_eq!(meters.len(), 7, "limit {limit}: no meter twice");
			assert_eq!(sorted(meters), every, "limit {limit}: every meter");
			assert_eq!(taken, pages, "limit {limit}");
		}
		// A limit of 0 is taken as 1, a larger one clamped.
		assert_eq!(PalletMeters::meters_of(&OWNER, None, 0).meters.len(), 1);
		assert_eq!(PalletMeters::meters_of(&OWNER, None, u32::MAX).meters.len(), 7);
	});
}

#[test]
fn a_page_is_at_most_the_largest_page() {
	let (ext, _) = one_meter();
	ext.build_and_execute(|| {
		for meter in 0..u64::from(MAX_METERS_PAGE) + 5 {
			if meter != M1 {
				register(meter, OTHER_OWNER);
			}
		}
		let page = PalletMeters::meters_of(&OTHER_OWNER, None, u32::MAX);
		assert_eq!(page.meters.len(), MAX_METERS_PAGE as usize);
		assert!(page.next.is_some());
		let rest = PalletMeters::meters_of(&OTHER_OWNER, page.next, u32::MAX);
		assert_eq!(rest.meters.len(), 4);
		assert_eq!(rest.next, None);
	});
}

#[test]
fn a_listing_goes_on_after_its_cursor_changed_owner() {
	let (ext, _) = one_meter();
	ext.build_and_execute(|| {
		for meter in 2..=5 {
			register(meter, OWNER);
		}
		let first = PalletMeters::meters_of(&OWNER, None, 2);
		let cursor = first.next.expect("more pages");
		assert_ok!(PalletMeters::set_owner(signed(ALICE), cursor, OTHER_OWNER));
		let rest = all_pages_after(OWNER, cursor);
		let mut seen = first.meters.clone();
		seen.extend(rest);
		seen.retain(|m| *m != cursor);
		assert_eq!(
			sorted(seen),
			vec![2, 3, 4, 5, M1].into_iter().filter(|m| *m != cursor).collect::<Vec<_>>()
		);
	});
}

fn all_pages_after(owner: u64, after: MeterId) -> Vec<MeterId> {
	let (mut meters, mut after) = (Vec::new(), Some(after));
	while let Some(cursor) = after {
		let page = PalletMeters::meters_of(&owner, Some(cursor), 2);
		meters.extend(page.meters);
		after = page.next;
	}
	meters
}

#[test]
fn meter_view_is_the_registry_record() {
	let (ext, device) = one_meter();
	ext.build_and_execute(|| {
		assert_eq!(
			PalletMeters::meter_view(M1),
			Some(MeterView {
				operator: ALICE,
				owner: OWNER,
				status: MeterStatus::Active,
				last_seq: 0,
				last_reading_ms: 0,
				last_cumulative_wh: 0,
				rated_power_w: DEFAULT_RATED_POWER_W,
			})
		);
		baseline(&device);
		let view = PalletMeters::meter_view(M1).unwrap();
		assert_eq!(
			(view.last_seq, view.last_reading_ms, view.last_cumulative_wh),
			(1, NOW - 600_000, 1_000)
		);
		assert_eq!(PalletMeters::meter_view(M2), None);
	});
}
