//! Unit and property tests of the pure pricing functions.

use super::*;
use crate::types::{Band, FriendlyHours, SupplyState, TariffParams, Tier, TierCounter};
use alloc::vec::Vec;
use frame_support::{traits::ConstU32, BoundedVec};
use proptest::prelude::*;

type Params = TariffParams<u128, ConstU32<24>, ConstU32<8>>;

const W: u128 = 1_000_000_000; // a milli-WATT in smallest units (12 decimals)

fn params(price: u128) -> Params {
	Params {
		price_per_kwh: price,
		standing_charge_per_day: 0,
		utc_offset_minutes: 0,
		bands: BoundedVec::new(),
		tiers: BoundedVec::new(),
		low_credit_threshold: 0,
		emergency_credit: 0,
		friendly_hours: FriendlyHours::default(),
	}
}

fn with_bands(mut p: Params, bands: &[(u8, u8, u128)]) -> Params {
	p.bands = bands
		.iter()
		.map(|&(s, e, price)| Band { start_hour: s, end_hour: e, price_per_kwh: price })
		.collect::<Vec<_>>()
		.try_into()
		.unwrap();
	p
}

fn with_tiers(mut p: Params, tiers: &[(u64, u128)]) -> Params {
	p.tiers = tiers
		.iter()
		.map(|&(from_wh, adder)| Tier { from_wh, adder_per_kwh: adder })
		.collect::<Vec<_>>()
		.try_into()
		.unwrap();
	p
}

fn day(y: i64, m: u32, d: u32) -> Moment {
	days_from_civil(y, m, d) as u64 * DAY_MS
}

fn month_of(y: i64, m: u32) -> u32 {
	(y * 12 + i64::from(m) - 1) as u32
}

fn cost(p: &Params, from: Moment, to: Moment, wh: u64, counter: TierCounter) -> EnergyCharge {
	let timeline = [(0, Rates::new(p))];
	energy_cost(&timeline, from, to, wh, counter)
}

#[test]
fn civil_dates_round_trip() {
	assert_eq!(days_from_civil(1970, 1, 1), 0);
	assert_eq!(days_from_civil(2026, 1, 5), 20_458);
	assert_eq!(days_from_civil(2000, 2, 29), 11_016);
	assert_eq!(days_from_civil(1969, 12, 31), -1);
	assert_eq!(civil_from_days(-1), (1969, 12, 31));
	assert_eq!(civil_from_days(11_016), (2000, 2, 29));
	for days in (-800_000i64..800_000).step_by(7) {
		let (y, m, d) = civil_from_days(days);
		assert_eq!(days_from_civil(y, m, d), days);
		assert!((1..=12).contains(&m) && (1..=31).contains(&d));
	}
}

#[test]
fn leap_years() {
	assert!(is_leap_year(2000) && is_leap_year(2024) && is_leap_year(2028));
	assert!(!is_leap_year(1900) && !is_leap_year(2026) && !is_leap_year(2100));
}

fn month_days(index: i64) -> u64 {
	let (y, m) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
	let (ny, nm) = if m == 12 { (y + 1, 1) } else { (y, m + 1) };
	(days_from_civil(ny, nm, 1) - days_from_civil(y, m, 1)) as u64
}

#[test]
fn months_by_length_examples() {
	let jan_2024 = 2024 * 12;
	// 2024: Jan 31, Feb 29, Mar 31, Apr 30.
	assert_eq!(months_by_length(jan_2024, jan_2024 + 4), [0, 1, 1, 2]);
	assert_eq!(months_by_length(jan_2024 + 12, jan_2024 + 24), [1, 0, 4, 7]);
	assert_eq!(months_by_length(jan_2024, jan_2024), [0; 4]);
	assert_eq!(months_by_length(jan_2024 + 5, jan_2024), [0; 4]);
	// 400 years: 97 leap Februaries.
	assert_eq!(months_by_length(2000 * 12, 2400 * 12), [303, 97, 1600, 2800]);
}

#[test]
fn band_masks() {
	assert_eq!(band_mask(0, 24), Some(0x00FF_FFFF));
	assert_eq!(band_mask(0, 7), Some(0b111_1111));
	assert_eq!(band_mask(22, 6), Some(0x00C0_0000 | 0b11_1111));
	assert_eq!(band_mask(23, 0), Some(0x0080_0000));
	assert_eq!(band_mask(5, 5), None);
	assert_eq!(band_mask(24, 3), None);
	assert_eq!(band_mask(3, 25), None);
}

#[test]
fn validation() {
	assert_eq!(validate(&params(MAX_PRICE)), Ok(()));
	assert_eq!(validate(&params(MAX_PRICE + 1)), Err(InvalidTariff::PriceTooHigh));
	let mut p = params(1);
	p.standing_charge_per_day = MAX_PRICE + 1;
	assert_eq!(validate(&p), Err(InvalidTariff::PriceTooHigh));
	for (offset, ok) in [
		(-720, true),
		(840, true),
		(330, true),
		(345, true),
		(-721, false),
		(841, false),
		(10, false),
	] {
		let mut p = params(1);
		p.utc_offset_minutes = offset;
		assert_eq!(validate(&p).is_ok(), ok, "offset {offset}");
	}
	assert_eq!(validate(&with_bands(params(1), &[(22, 6, 1), (6, 22, 2)])), Ok(()));
	assert_eq!(
		validate(&with_bands(params(1), &[(22, 6, 1), (5, 7, 2)])),
		Err(InvalidTariff::BandsOverlap)
	);
	assert_eq!(validate(&with_bands(params(1), &[(7, 7, 1)])), Err(InvalidTariff::BandHours));
	assert_eq!(validate(&with_bands(params(1), &[(24, 2, 1)])), Err(InvalidTariff::BandHours));
	assert_eq!(
		validate(&with_bands(params(1), &[(1, 2, MAX_PRICE + 1)])),
		Err(InvalidTariff::PriceTooHigh)
	);
	assert_eq!(validate(&with_tiers(params(1), &[(0, 1), (10, 2)])), Ok(()));
	assert_eq!(
		validate(&with_tiers(params(1), &[(10, 1), (10, 2)])),
		Err(InvalidTariff::TiersNotIncreasing)
	);
	assert_eq!(
		validate(&with_tiers(params(1), &[(10, 1), (5, 2)])),
		Err(InvalidTariff::TiersNotIncreasing)
	);
	// Declining blocks are refused: adders may stay equal but never decrease.
	assert_eq!(validate(&with_tiers(params(1), &[(0, 2), (10, 2)])), Ok(()));
	assert_eq!(
		validate(&with_tiers(params(1), &[(0, 2), (10, 1)])),
		Err(InvalidTariff::TiersNotIncreasing)
	);
	assert_eq!(
		validate(&with_tiers(params(1), &[(10, MAX_PRICE + 1)])),
		Err(InvalidTariff::PriceTooHigh)
	);
	let mut p = params(1);
	p.friendly_hours = FriendlyHours { hours: 1 << 24, weekdays: 0 };
	assert_eq!(validate(&p), Err(InvalidTariff::FriendlyHours));
	p.friendly_hours = FriendlyHours { hours: 0x00FF_FFFF, weekdays: 1 << 7 };
	assert_eq!(validate(&p), Err(InvalidTariff::FriendlyHours));
	p.friendly_hours = FriendlyHours { hours: 0x00FF_FFFF, weekdays: 0x7F };
	assert_eq!(validate(&p), Ok(()));
}

#[test]
fn flat_price_is_exact() {
	let p = params(215 * W);
	let t = day(2026, 3, 10);
	let c = cost(&p, t, t + HOUR_MS, 1_234, TierCounter::default());
	assert_eq!(c.milli, 1_234 * 215 * W);
	assert_eq!(c.counter, TierCounter { period: month_of(2026, 3), wh: 1_234 });
	// An instant interval is priced at its time.
	let c = cost(&p, t, t, 10, TierCounter::default());
	assert_eq!(c.milli, 10 * 215 * W);
	// A backwards interval too.
	let c = cost(&p, t, t - HOUR_MS, 10, TierCounter::default());
	assert_eq!(c.milli, 10 * 215 * W);
}

#[test]
fn time_of_use_splits_at_band_boundaries() {
	// Night 00-07 local at 0.10, base 0.30, local time UTC+2.
	let mut p = with_bands(params(300 * W), &[(0, 7, 100 * W)]);
	p.utc_offset_minutes = 120;
	let t = day(2026, 3, 10);
	// 04:00-06:00 UTC is 06:00-08:00 local: one hour at night, one at base.
	let c = cost(&p, t + 4 * HOUR_MS, t + 6 * HOUR_MS, 2_000, TierCounter::default());
	assert_eq!(c.milli, 1_000 * 100 * W + 1_000 * 300 * W);
	// Over exactly one day, every hour's share: 7 h at 0.10, 17 h at 0.30 for 2.4 kWh.
	let c = cost(&p, t, t + DAY_MS, 2_400, TierCounter::default());
	assert_eq!(c.milli, 700 * 100 * W + 1_700 * 300 * W);
	// Over ten days and a bit, the same share per full day.
	let c =
		cost(&p, t + 5 * HOUR_MS, t + 5 * HOUR_MS + 10 * DAY_MS, 24_000, TierCounter::default());
	assert_eq!(c.milli, 7_000 * 100 * W + 17_000 * 300 * W);
}

#[test]
fn wrapping_band_and_negative_offset() {
	// 22-06 at 0.05 in UTC-5; base 0.25.
	let mut p = with_bands(params(250 * W), &[(22, 6, 50 * W)]);
	p.utc_offset_minutes = -300;
	let rates = Rates::new(&p);
	let t = day(2026, 3, 10); // 00:00 UTC = 19:00 local
	assert_eq!(rates.hour_price(t), 250 * W);
	assert_eq!(rates.hour_price(t + 3 * HOUR_MS), 50 * W); // 22:00 local
	assert_eq!(rates.hour_price(t + 10 * HOUR_MS), 50 * W); // 05:00 local
	assert_eq!(rates.hour_price(t + 11 * HOUR_MS), 250 * W); // 06:00 local
														  // Near the epoch a negative offset gives negative local times: still total.
	assert_eq!(rates.hour_price(0), 250 * W); // 19:00 on 1969-12-31
	let c = cost(&p, 0, 8 * HOUR_MS, 8_000, TierCounter::default());
	assert_eq!(c.milli, 3_000 * 250 * W + 5_000 * 50 * W);
}

#[test]
fn inclining_blocks_split_at_thresholds() {
	// Lifeline: first 50 kWh of a month at 0.10, then 0.25 (adder 0.15).
	let p = with_tiers(params(100 * W), &[(50_000, 150 * W)]);
	let t = day(2026, 3, 10);
	let counter = TierCounter { period: month_of(2026, 3), wh: 49_000 };
	let c = cost(&p, t, t + HOUR_MS, 3_000, counter);
	assert_eq!(c.milli, 3_000 * 100 * W + 2_000 * 150 * W);
	assert_eq!(c.counter, TierCounter { period: month_of(2026, 3), wh: 52_000 });
	// A counter of an earlier month is restarted.
	let old = TierCounter { period: month_of(2026, 2), wh: 49_000 };
	let c = cost(&p, t, t + HOUR_MS, 3_000, old);
	assert_eq!(c.milli, 3_000 * 100 * W);
	assert_eq!(c.counter, TierCounter { period: month_of(2026, 3), wh: 3_000 });
	// So is a counter of a later month (the meter's clock went backwards).
	let later = TierCounter { period: month_of(2026, 4), wh: 49_000 };
	let c = cost(&p, t, t + HOUR_MS, 3_000, later);
	assert_eq!(c.milli, 3_000 * 100 * W);
	assert_eq!(c.counter, TierCounter { period: month_of(2026, 3), wh: 3_000 });
}

#[test]
fn several_blocks_in_one_interval() {
	let p = with_tiers(params(0), &[(0, W), (1_000, 2 * W), (2_000, 4 * W)]);
	let t = day(2026, 3, 10);
	let c = cost(&p, t, t + HOUR_MS, 5_000, TierCounter { period: month_of(2026, 3), wh: 500 });
	// 500 Wh at 1, 1000 at 2, 3500 at 4.
	assert_eq!(c.milli, 500 * W + 2_000 * W + 14_000 * W);
	assert_eq!(rates_at(&[(0, Rates::new(&p))], t).unwrap().tier_adder(1_999), 2 * W);
}

#[test]
fn blocks_restart_at_the_local_month_boundary() {
	// UTC+1: the local month starts at 23:00 UTC on the last day.
	let mut p = with_tiers(params(100 * W), &[(10_000, 100 * W)]);
	p.utc_offset_minutes = 60;
	let boundary = day(2026, 2, 1) - HOUR_MS;
	let counter = TierCounter { period: month_of(2026, 1), wh: 9_000 };
	// 2 h before, 2 h after, 4 kWh: 2 kWh in January (1 kWh above 10 kWh), 2 in February.
	let c = cost(&p, boundary - 2 * HOUR_MS, boundary + 2 * HOUR_MS, 4_000, counter);
	assert_eq!(c.milli, 4_000 * 100 * W + 1_000 * 100 * W);
	assert_eq!(c.counter, TierCounter { period: month_of(2026, 2), wh: 2_000 });
}

/// Reference: splits explicitly at every timeline entry, every local hour (for the time
/// integral) and every local month (for the blocks), with no closed forms.
fn reference_cost(
	timeline: Timeline<u128>,
	from: Moment,
	to: Moment,
	wh: u64,
	counter: TierCounter,
) -> EnergyCharge {
	let from = i128::from(from);
	let to = max(i128::from(to), from + 1);
	let d = (to - from) as u128;
	let e = u128::from(wh);
	let mut integral = 0u128;
	let mut sum = ExactSum::new(d);
	let mut period = i64::from(counter.period);
	let mut counted = u128::from(counter.wh) * d;
	for (i, (_, rates)) in timeline.iter().enumerate() {
		let (start, end) = entry_bounds(timeline, i);
		let (a, b) = (max(from, start), min(to, end));
		let off = rates.offset_ms;
		let mut t = a;
		while t < b {
			let next_hour = (t + off).div_euclid(HOUR) * HOUR + HOUR - off;
			let piece_end = min(b, next_hour);
			integral += rates.hour_price(t as u64) * (piece_end - t) as u128;
			t = piece_end;
		}
		let mut t = a;
		while t < b {
			let month = month_index(t, off);
			let piece_end = min(b, month_start(month + 1, off));
			if month != period {
				period = month;
				counted = 0;
			}
			let energy = e * (piece_end - t) as u128;
			rates.tier_cost(&mut sum, counted, energy, 1);
			counted += energy;
			t = piece_end;
		}
	}
	sum.add_product(e, integral);
	let milli = sum.floor();
	EnergyCharge { milli, counter: TierCounter { period: period as u32, wh: (counted / d) as u64 } }
}

#[test]
fn whole_months_inside_an_interval_start_at_zero() {
	// Blocks from 0 at +1 and from 100 kWh at +2; base 0. A year-long silent interval of
	// 3_650 kWh: every month gets its share (by length) and restarts at zero.
	let p = with_tiers(params(0), &[(0, W), (100_000, 2 * W)]);
	let timeline = [(0, Rates::new(&p))];
	let (from, to) = (day(2026, 1, 15), day(2027, 1, 15));
	let counter = TierCounter { period: month_of(2026, 1), wh: 50_000 };
	let fast = energy_cost(&timeline, from, to, 3_650_000, counter);
	let slow = reference_cost(&timeline, from, to, 3_650_000, counter);
	assert_eq!(fast, slow);
	assert_eq!(fast.counter.period, month_of(2027, 1));
	// 10 kWh a day: January 2027's piece is 14 days, 140 kWh.
	assert_eq!(fast.counter.wh, 140_000);
	// February 2026 alone (280 kWh): 100 kWh at +1, then 180 kWh at +2 (the adder of the
	// block reached replaces the lower block's).
	let feb = cost(&p, day(2026, 2, 1), day(2026, 3, 1), 280_000, TierCounter::default());
	assert_eq!(feb.milli, 100_000 * W + 180_000 * 2 * W);
}

#[test]
fn schedule_entries_price_their_own_times() {
	let (old, new) = (params(200 * W), params(300 * W));
	let change = day(2026, 3, 10);
	let timeline = [(0, Rates::new(&old)), (change, Rates::new(&new))];
	let c =
		energy_cost(&timeline, change - HOUR_MS, change + HOUR_MS, 2_000, TierCounter::default());
	assert_eq!(c.milli, 1_000 * 200 * W + 1_000 * 300 * W);
	// Entirely before the change (even if billed after it): the old price.
	let c = energy_cost(
		&timeline,
		change - 3 * HOUR_MS,
		change - 2 * HOUR_MS,
		1_000,
		TierCounter::default(),
	);
	assert_eq!(c.milli, 1_000 * 200 * W);
	// The first entry also prices times before it.
	let late = [(change, Rates::new(&new))];
	let c = energy_cost(
		&late,
		change - 3 * HOUR_MS,
		change - 2 * HOUR_MS,
		1_000,
		TierCounter::default(),
	);
	assert_eq!(c.milli, 1_000 * 300 * W);
	assert_eq!(energy_cost::<u128>(&[], 0, 10, 10, TierCounter::default()).milli, 0);
	assert!(rates_at::<u128>(&[], 5).is_none());
	assert_eq!(rates_at(&timeline, change - 1).unwrap().hour_price(change - 1), 200 * W);
	assert_eq!(rates_at(&timeline, change).unwrap().hour_price(change), 300 * W);
}

#[test]
fn standing_charges_per_elapsed_day() {
	let mut a = params(0);
	a.standing_charge_per_day = 500 * W;
	let mut b = params(0);
	b.standing_charge_per_day = 600 * W;
	let start = day(2026, 1, 5);
	let change = start + 7 * DAY_MS + 12 * HOUR_MS;
	let timeline = [(0, Rates::new(&a)), (change, Rates::new(&b))];
	// 9 days 5 hours: days 0..=7 start before the change, day 8 after.
	let (charge, paid) = standing_charge(&timeline, start, start + 9 * DAY_MS + 5 * HOUR_MS);
	assert_eq!(charge, 8 * 500 * W + 600 * W);
	assert_eq!(paid, start + 9 * DAY_MS);
	// Less than a day: nothing, nothing advanced.
	assert_eq!(standing_charge(&timeline, start, start + DAY_MS - 1), (0, start));
	// Backwards: nothing.
	assert_eq!(standing_charge(&timeline, start, start - DAY_MS), (0, start));
	// A day starting exactly at the change is charged at the new terms.
	let timeline = [(0, Rates::new(&a)), (start + DAY_MS, Rates::new(&b))];
	assert_eq!(
		standing_charge(&timeline, start, start + 2 * DAY_MS),
		(500 * W + 600 * W, start + 2 * DAY_MS)
	);
}

#[test]
fn remainders_are_carried() {
	assert_eq!(split_milli(700, 0), (0, 700));
	assert_eq!(split_milli(700, 700), (1, 400));
	assert_eq!(split_milli(2_999, 1), (3, 0));
	assert_eq!(split_milli(u128::MAX, 999), (u128::MAX / 1_000, (u128::MAX % 1_000) as u16));
}

#[test]
fn price_now_includes_the_block_reached() {
	let p = with_tiers(with_bands(params(200 * W), &[(0, 7, 100 * W)]), &[(50_000, 50 * W)]);
	let rates = Rates::new(&p);
	let t = day(2026, 3, 10);
	let counter = TierCounter { period: month_of(2026, 3), wh: 60_000 };
	assert_eq!(price_at(&rates, t + HOUR_MS, counter), 150 * W);
	assert_eq!(price_at(&rates, t + 12 * HOUR_MS, counter), 250 * W);
	// Next month the counter no longer applies.
	assert_eq!(price_at(&rates, day(2026, 4, 2) + 12 * HOUR_MS, counter), 200 * W);
}

#[test]
fn friendly_hours_and_weekdays() {
	let monday = day(2026, 1, 5);
	let nights = FriendlyHours { hours: band_mask(22, 7).unwrap(), weekdays: 0 };
	assert!(is_friendly(nights, 0, monday + 23 * HOUR_MS));
	assert!(is_friendly(nights, 0, monday + 6 * HOUR_MS + 59 * MINUTE_MS));
	assert!(!is_friendly(nights, 0, monday + 7 * HOUR_MS));
	assert!(!is_friendly(nights, 0, monday + 21 * HOUR_MS + 59 * MINUTE_MS));
	// UTC+2: 21:00 UTC is 23:00 local.
	assert!(is_friendly(nights, 120, monday + 21 * HOUR_MS));
	let weekend = FriendlyHours { hours: 0, weekdays: 0b110_0000 };
	assert!(!is_friendly(weekend, 0, monday + 5 * DAY_MS - 1)); // Friday 23:59:59.999
	assert!(is_friendly(weekend, 0, monday + 5 * DAY_MS)); // Saturday 00:00
	assert!(is_friendly(weekend, 0, monday + 7 * DAY_MS - 1)); // Sunday 23:59
	assert!(!is_friendly(weekend, 0, monday + 7 * DAY_MS)); // Monday
														 // UTC-5: Monday 03:00 UTC is still Sunday locally.
	assert!(is_friendly(weekend, -300, monday + 3 * HOUR_MS));
	// 1970-01-01 (a Thursday) and the times before it in local time.
	let thursday = FriendlyHours { hours: 0, weekdays: 1 << 3 };
	assert!(is_friendly(thursday, 0, 0));
	assert!(!is_friendly(thursday, -60, 0)); // Wednesday 23:00
	assert!(!is_friendly(FriendlyHours::default(), 0, monday));
}

#[test]
fn supply_state_machine() {
	use SupplyState::*;
	for prev in [Connected, LowCredit, Emergency, Disconnected] {
		for friendly in [false, true] {
			assert_eq!(supply_state(prev, 10, 5, 0, friendly), Connected);
			assert_eq!(supply_state(prev, 5, 5, 0, friendly), Connected);
			assert_eq!(supply_state(prev, 4, 5, 9, friendly), LowCredit);
			assert_eq!(supply_state(prev, 0, 5, 1, friendly), Emergency);
			assert_eq!(supply_state(prev, 1, 0, 0, friendly), Connected);
		}
		assert_eq!(supply_state(prev, 0, 5, 0, false), Disconnected);
	}
	assert_eq!(supply_state(Connected, 0, 5, 0, true), LowCredit);
	assert_eq!(supply_state(LowCredit, 0, 5, 0, true), LowCredit);
	assert_eq!(supply_state(Emergency, 0, 5, 0, true), Emergency);
	assert_eq!(supply_state(Disconnected, 0, 5, 0, true), Disconnected);
}

#[test]
fn daily_average_moves_towards_the_rate() {
	// First interval: the rate itself (10 units over 6 h is 40 a day).
	assert_eq!(daily_average(0, 10, 6 * HOUR_MS, true), 40);
	// A week or longer replaces the average.
	assert_eq!(daily_average(1_000, 70, 7 * DAY_MS, false), 10);
	assert_eq!(daily_average(1_000, 140, 14 * DAY_MS, false), 10);
	// One day moves it a seventh of the way.
	assert_eq!(daily_average(700, 0, DAY_MS, false), 600);
	assert_eq!(daily_average(700, 0, 0, false), 700);
}

#[test]
fn extreme_inputs_do_not_panic() {
	let p = with_tiers(
		with_bands(params(MAX_PRICE), &[(0, 12, MAX_PRICE)]),
		&[(0, MAX_PRICE), (1, MAX_PRICE)],
	);
	let timeline = [(0, Rates::new(&p)), (u64::MAX / 2, Rates::new(&p))];
	let counter = TierCounter { period: u32::MAX, wh: u64::MAX };
	let c = energy_cost(&timeline, 0, u64::MAX, u64::MAX, counter);
	assert!(c.milli > 0);
	let c = energy_cost(&timeline, u64::MAX, 0, u64::MAX, counter);
	assert!(c.milli > 0);
	let _ = standing_charge(&timeline, 0, u64::MAX);
	let _ = price_at(&Rates::new(&p), u64::MAX, TierCounter::default());
	assert!(is_friendly(FriendlyHours { hours: 0x00FF_FFFF, weekdays: 0 }, 840, u64::MAX));
	let _ = daily_average(u128::MAX, u128::MAX, 1, false);
	assert_eq!(mul_div(u128::MAX, u128::MAX, 1), u128::MAX);
	assert_eq!(mul_div(5, 5, 0), 0);
}

// ---------------------------------------------------------------------------------------
// Property tests.

fn arb_price() -> impl Strategy<Value = u128> {
	prop_oneof![0u128..1_000, 0u128..1_000 * W, Just(MAX_PRICE)]
}

prop_compose! {
	fn arb_bands()(
		cuts in proptest::collection::btree_set(0u8..=24, 0..7),
		prices in proptest::collection::vec(arb_price(), 7),
		wrap in any::<bool>(),
	) -> Vec<(u8, u8, u128)> {
		// Consecutive cuts delimit disjoint bands; optionally the last wraps to the first.
		let cuts: Vec<u8> = cuts.into_iter().collect();
		let mut bands = Vec::new();
		for (i, pair) in cuts.windows(2).enumerate() {
			bands.push((pair[0], pair[1], prices[i]));
		}
		let (first, last) = (cuts.first().copied(), cuts.last().copied());
		if let (true, Some(first), Some(last)) = (wrap, first, last) {
			if cuts.len() >= 2 && last < 24 && first < last {
				bands.push((last, first, prices[6]));
			}
		}
		bands
	}
}

prop_compose! {
	fn arb_tiers()(
		steps in proptest::collection::vec((1u64..200_000, arb_price()), 0..5),
		zero in any::<bool>(),
	) -> Vec<(u64, u128)> {
		// Thresholds strictly increasing, adders non-decreasing (sorted).
		let mut at = if zero { 0 } else { 1 };
		let mut adders: Vec<u128> = steps.iter().map(|s| s.1).collect();
		adders.sort();
		let mut tiers = Vec::new();
		for ((step, _), adder) in steps.into_iter().zip(adders) {
			tiers.push((at, adder));
			at += step;
		}
		tiers
	}
}

prop_compose! {
	fn arb_params()(
		price in arb_price(),
		bands in arb_bands(),
		tiers in arb_tiers(),
		offset in -48i16..=56,
		standing in arb_price(),
	) -> Params {
		let mut p = with_tiers(with_bands(params(price), &bands), &tiers);
		p.utc_offset_minutes = offset * 15;
		p.standing_charge_per_day = standing;
		p
	}
}

prop_compose! {
	/// A start in 2020..2036, a timeline of 1 to 3 versions around it, an interval of up to
	/// `max_len` ms (0: an instant) and a counter of this month or the previous one.
	fn arb_case(max_len: u64)(
		versions in proptest::collection::vec(arb_params(), 1..4),
		start in day(2020, 1, 1)..day(2036, 1, 1),
		len in prop_oneof![Just(0), 0..HOUR_MS, 0..max_len],
		gaps in proptest::collection::vec(0..max_len, 3),
		wh in prop_oneof![0u64..10_000, 0u64..10_000_000],
		counted in 0u64..300_000,
		same_month in any::<bool>(),
	) -> (Vec<(Moment, Params)>, Moment, Moment, u64, TierCounter) {
		let mut at = start.saturating_sub(gaps[0] / 2);
		let timeline = versions.into_iter().enumerate().map(|(i, p)| {
			let from = at;
			at += gaps[i % 3] / 2 + 1;
			(from, p)
		}).collect::<Vec<_>>();
		// The counter's month in the earliest local time (the tariff's offset may differ).
		let month = month_index(i128::from(start), -14 * HOUR);
		let period = if same_month { month } else { month - 1 };
		let counter = TierCounter { period: period as u32, wh: counted };
		(timeline, start, start + len, wh, counter)
	}
}

fn rates_of(timeline: &[(Moment, Params)]) -> Vec<(Moment, Rates<'_, u128>)> {
	timeline.iter().map(|(t, p)| (*t, Rates::new(p))).collect()
}

proptest! {
	#![proptest_config(ProptestConfig { cases: 400, ..ProptestConfig::default() })]

	#[test]
	fn civil_dates_round_trip_everywhere(days in -1_000_000i64..1_000_000) {
		let (y, m, d) = civil_from_days(days);
		prop_assert_eq!(days_from_civil(y, m, d), days);
		let next = civil_from_days(days + 1);
		prop_assert!(next.2 == d + 1 || (next.2 == 1 && (next.1 == m % 12 + 1)));
	}

	#[test]
	fn months_by_length_matches_counting(low in 1960i64 * 12..2200 * 12, len in 0i64..3_000) {
		let mut expected = [0u64; 4];
		for index in low..low + len {
			expected[(month_days(index) - 28) as usize] += 1;
		}
		prop_assert_eq!(months_by_length(low, low + len), expected);
	}

	#[test]
	fn energy_cost_matches_the_explicit_reference(
		(timeline, from, to, wh, counter) in arb_case(200 * DAY_MS),
	) {
		let rates = rates_of(&timeline);
		let fast = energy_cost(&rates, from, to, wh, counter);
		let slow = reference_cost(&rates, from, to, wh, counter);
		prop_assert_eq!(fast, slow);
	}

	#[test]
	fn pricing_is_monotonic_in_energy(
		(timeline, from, to, wh, counter) in arb_case(800 * DAY_MS),
		extra in prop_oneof![0u64..10, 0u64..5_000_000],
	) {
		let rates = rates_of(&timeline);
		let less = energy_cost(&rates, from, to, wh, counter);
		let more = energy_cost(&rates, from, to, wh + extra, counter);
		prop_assert!(less.milli <= more.milli, "{} > {}", less.milli, more.milli);
		if wh > 0 {
			prop_assert_eq!(less.counter.period, more.counter.period);
			prop_assert!(less.counter.wh <= more.counter.wh);
		}
	}

	#[test]
	fn pricing_is_between_the_cheapest_and_dearest_rate(
		(timeline, from, to, wh, counter) in arb_case(800 * DAY_MS),
	) {
		let rates = rates_of(&timeline);
		let c = energy_cost(&rates, from, to, wh, counter);
		let cheapest = rates.iter().flat_map(|(_, r)| r.hourly).min().unwrap();
		let dearest = rates.iter().flat_map(|(_, r)| r.hourly).max().unwrap();
		let adder = rates
			.iter()
			.map(|(_, r)| r.tiers.iter().map(|b| b.adder_per_kwh).max().unwrap_or(0))
			.max()
			.unwrap();
		let e = u128::from(wh);
		prop_assert!(c.milli >= e * cheapest);
		prop_assert!(c.milli <= e * (dearest + adder));
	}

	#[test]
	fn readings_split_anywhere_in_a_month_cost_the_same_without_bands(
		price in arb_price(),
		tiers in arb_tiers(),
		cuts in proptest::collection::vec((0u64..DAY_MS, 0u64..200_000), 1..20),
		carried in 0u16..1000,
	) {
		// Without bands the price does not depend on when energy is used within a month:
		// any split into readings costs what one reading costs, to the milli-unit, and the
		// debited units plus the carried remainder are exactly that cost.
		let p = with_tiers(params(price), &tiers);
		let rates = [(0, Rates::new(&p))];
		let start = day(2026, 3, 1);
		let mut t = start;
		let mut counter = TierCounter::default();
		let (mut milli, mut units, mut remainder) = (0u128, 0u128, carried);
		let mut total_wh = 0;
		for &(len, wh) in &cuts {
			let c = energy_cost(&rates, t, t + len, wh, counter);
			counter = c.counter;
			milli += c.milli;
			let (u, r) = split_milli(c.milli, remainder);
			units += u;
			remainder = r;
			total_wh += wh;
			t += len;
		}
		let once = energy_cost(&rates, start, t, total_wh, TierCounter::default());
		prop_assert_eq!(milli, once.milli);
		prop_assert_eq!(counter.wh, total_wh);
		prop_assert_eq!(units * MILLI_PER_UNIT + u128::from(remainder), milli + u128::from(carried));
	}

	#[test]
	fn standing_charge_matches_counting_days(
		versions in proptest::collection::vec((0u64..(30 * DAY_MS), arb_price()), 1..4),
		paid in day(2026, 1, 1)..day(2026, 2, 1),
		len in 0u64..(90 * DAY_MS),
	) {
		let mut at = paid.saturating_sub(10 * DAY_MS);
		let ps: Vec<(Moment, Params)> = versions.iter().map(|&(gap, standing)| {
			at += gap;
			let mut p = params(0);
			p.standing_charge_per_day = standing;
			(at, p)
		}).collect();
		let rates = rates_of(&ps);
		let (charge, until) = standing_charge(&rates, paid, paid + len);
		let days = len / DAY_MS;
		let mut expected = 0u128;
		for k in 0..days {
			let start = paid + k * DAY_MS;
			let (_, p) = ps.iter().rev().find(|(t, _)| *t <= start).unwrap_or(&ps[0]);
			expected += p.standing_charge_per_day;
		}
		prop_assert_eq!(charge, expected);
		prop_assert_eq!(until, paid + days * DAY_MS);
	}

	#[test]
	fn validation_accepts_generated_tariffs(p in arb_params()) {
		prop_assert_eq!(validate(&p), Ok(()));
	}
}
