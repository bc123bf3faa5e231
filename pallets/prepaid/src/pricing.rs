//! Pricing: pure functions, no storage.
//!
//! The model (specified with worked examples in `docs/tariffs.md`):
//!
//! - The price of one kWh consumed at time `t` is `hour_price(t) + tier_adder(c)`, where
//!   `hour_price` is the price of the time-of-use band covering the local hour of `t` (the
//!   base price outside every band) and `tier_adder` is the adder of the inclining block
//!   the meter's cumulative energy `c` of the calendar month (local time) has reached.
//! - The energy of a reading interval `[from, to)` is spread uniformly over it. The interval
//!   is split where the tariff version changes, where the local calendar month changes
//!   (the block counter restarts at zero in any month other than its own; whole months
//!   inside one interval each start at zero) and, through the time integral of the hourly
//!   price, at every band boundary. An instant interval (`to <= from`) is priced at `from`.
//! - Costs are computed in thousandths of the smallest unit ("milli-units"), exactly as the
//!   rational `(E * W + sum of adder * energy_in_tier * D) / D`, with `W` the time integral
//!   of the hourly price over the interval and `D` its length, and rounded down once per
//!   interval (less than a milli-unit, in the consumer's favour). Whole units are debited
//!   and the milli-units carried per meter ([`split_milli`]). Because tier adders never
//!   decrease, the cost is monotonic in energy.
//! - Standing charges are whole units per elapsed day; a day is charged at the version in
//!   force when it starts ([`standing_charge`]).
//!
//! Every function is total: no panics, no floats, checked or saturating arithmetic. Prices
//! are bounded by [`MAX_PRICE`] so that no realistic input saturates.

use crate::types::{Band, FriendlyHours, SupplyState, TariffParams, Tier, TierCounter};
use core::cmp::{max, min};
use frame_support::traits::Get;
use sp_runtime::{
	helpers_128bit::multiply_by_rational_with_rounding, traits::UniqueSaturatedInto, Rounding,
};
use wattcoin_primitives::{Moment, WattHours};

/// One minute in milliseconds.
pub const MINUTE_MS: u64 = 60_000;
/// One hour in milliseconds.
pub const HOUR_MS: u64 = 3_600_000;
/// One day in milliseconds.
pub const DAY_MS: u64 = 86_400_000;
/// Milli-units per smallest unit.
pub const MILLI_PER_UNIT: u128 = 1_000;
/// Highest price per kWh, block adder or daily standing charge a tariff may set: 2^60
/// smallest units (over a million WATT per kWh at 12 decimals). With it, the cost of any
/// interval of up to 2^64 Wh fits in 128 bits.
pub const MAX_PRICE: u128 = 1 << 60;
/// Lowest UTC offset of a tariff's local time, in minutes.
pub const MIN_UTC_OFFSET_MINUTES: i16 = -720;
/// Highest UTC offset of a tariff's local time, in minutes.
pub const MAX_UTC_OFFSET_MINUTES: i16 = 840;
/// Window of the moving average of the daily energy cost.
pub const AVERAGE_WINDOW_MS: u64 = 7 * DAY_MS;

const HOUR: i128 = HOUR_MS as i128;
const DAY: i128 = DAY_MS as i128;

/// Why tariff terms are refused.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum InvalidTariff {
	/// A price, adder or standing charge is above [`MAX_PRICE`].
	PriceTooHigh,
	/// The UTC offset is out of range or not a multiple of 15 minutes.
	UtcOffset,
	/// A band's hours are out of range or empty.
	BandHours,
	/// Two bands cover the same hour.
	BandsOverlap,
	/// Tier thresholds are not strictly increasing, or an adder is below the previous one.
	TiersNotIncreasing,
	/// Friendly hours name an hour above 23 or a weekday above Sunday.
	FriendlyHours,
}

fn to_u128<B: UniqueSaturatedInto<u128>>(b: B) -> u128 {
	b.unique_saturated_into()
}

/// `a * b / c` rounded down, saturating at `u128::MAX` (and 0 for `c == 0`).
pub fn mul_div(a: u128, b: u128, c: u128) -> u128 {
	if c == 0 {
		return 0;
	}
	multiply_by_rational_with_rounding(a, b, c, Rounding::Down).unwrap_or(u128::MAX)
}

/// The hours a band covers, as a bit mask (bit `h` for hour `h`), or `None` if invalid.
pub fn band_mask(start_hour: u8, end_hour: u8) -> Option<u32> {
	if start_hour > 23 || end_hour > 24 || start_hour == end_hour {
		return None;
	}
	let upto = |h: u8| -> u32 { (1u32 << h) - 1 };
	Some(if start_hour < end_hour {
		upto(end_hour) & !upto(start_hour)
	} else {
		(upto(24) & !upto(start_hour)) | upto(end_hour)
	})
}

/// Checks tariff terms.
pub fn validate<B, MaxBands, MaxTiers>(
	params: &TariffParams<B, MaxBands, MaxTiers>,
) -> Result<(), InvalidTariff>
where
	B: Copy + PartialEq + Eq + core::fmt::Debug + UniqueSaturatedInto<u128>,
	MaxBands: Get<u32>,
	MaxTiers: Get<u32>,
{
	let price_ok = |b: B| to_u128(b) <= MAX_PRICE;
	if !price_ok(params.price_per_kwh) || !price_ok(params.standing_charge_per_day) {
		return Err(InvalidTariff::PriceTooHigh);
	}
	let offset = params.utc_offset_minutes;
	if !(MIN_UTC_OFFSET_MINUTES..=MAX_UTC_OFFSET_MINUTES).contains(&offset) || offset % 15 != 0 {
		return Err(InvalidTariff::UtcOffset);
	}
	if params.friendly_hours.hours >= 1 << 24 || params.friendly_hours.weekdays >= 1 << 7 {
		return Err(InvalidTariff::FriendlyHours);
	}
	let mut covered = 0u32;
	for band in params.bands.iter() {
		let mask = band_mask(band.start_hour, band.end_hour).ok_or(InvalidTariff::BandHours)?;
		if covered & mask != 0 {
			return Err(InvalidTariff::BandsOverlap);
		}
		covered |= mask;
		if !price_ok(band.price_per_kwh) {
			return Err(InvalidTariff::PriceTooHigh);
		}
	}
	let mut previous: Option<(WattHours, u128)> = None;
	for tier in params.tiers.iter() {
		let adder = to_u128(tier.adder_per_kwh);
		if adder > MAX_PRICE {
			return Err(InvalidTariff::PriceTooHigh);
		}
		if previous.is_some_and(|(from, a)| tier.from_wh <= from || adder < a) {
			return Err(InvalidTariff::TiersNotIncreasing);
		}
		previous = Some((tier.from_wh, adder));
	}
	Ok(())
}

/// A tariff version prepared for pricing: the price of every local hour and its prefix
/// sums (price x ms), the standing charge, the local time offset and the blocks.
#[derive(Clone, Debug)]
pub struct Rates<'a, B> {
	hourly: [u128; 24],
	/// `cumulative[h]`: integral of the hourly price over `[0, h)` hours of a day.
	cumulative: [u128; 25],
	standing: u128,
	offset_ms: i128,
	tiers: &'a [Tier<B>],
}

impl<'a, B: Copy + UniqueSaturatedInto<u128>> Rates<'a, B> {
	/// Prepares `params` (assumed valid: an invalid band is ignored).
	pub fn new<MaxBands, MaxTiers>(params: &'a TariffParams<B, MaxBands, MaxTiers>) -> Self
	where
		B: PartialEq + Eq + core::fmt::Debug,
		MaxBands: Get<u32>,
		MaxTiers: Get<u32>,
	{
		Self::from_parts(
			params.price_per_kwh,
			&params.bands,
			params.standing_charge_per_day,
			params.utc_offset_minutes,
			&params.tiers,
		)
	}

	/// Prepares terms given field by field.
	pub fn from_parts(
		price_per_kwh: B,
		bands: &[Band<B>],
		standing_charge_per_day: B,
		utc_offset_minutes: i16,
		tiers: &'a [Tier<B>],
	) -> Self {
		let mut hourly = [to_u128(price_per_kwh); 24];
		for band in bands {
			let mask = band_mask(band.start_hour, band.end_hour).unwrap_or(0);
			let price = to_u128(band.price_per_kwh);
			for (hour, slot) in hourly.iter_mut().enumerate() {
				if mask & (1 << hour) != 0 {
					*slot = price;
				}
			}
		}
		let mut cumulative = [0u128; 25];
		for hour in 0..24 {
			cumulative[hour + 1] =
				cumulative[hour].saturating_add(hourly[hour].saturating_mul(HOUR_MS as u128));
		}
		Rates {
			hourly,
			cumulative,
			standing: to_u128(standing_charge_per_day),
			offset_ms: i128::from(utc_offset_minutes) * i128::from(MINUTE_MS),
			tiers,
		}
	}

	/// Price of a kWh in the local hour containing `t` (band or base price).
	pub fn hour_price(&self, t: Moment) -> u128 {
		let in_day = (i128::from(t) + self.offset_ms).rem_euclid(DAY);
		self.hourly[(in_day / HOUR) as usize]
	}

	/// Integral of the hourly price over `[0, x)` ms of a local day (`x < DAY`).
	fn day_prefix(&self, x: i128) -> u128 {
		let hour = (x / HOUR) as usize;
		self.cumulative[hour].saturating_add(self.hourly[hour].saturating_mul((x % HOUR) as u128))
	}

	/// Integral of the hourly price (price x ms) over `[a, b)`, `a < b` in UTC ms.
	fn price_integral(&self, a: i128, b: i128) -> u128 {
		let (la, lb) = (a + self.offset_ms, b + self.offset_ms);
		let (day_a, in_a) = (la.div_euclid(DAY), la.rem_euclid(DAY));
		let (day_b, in_b) = (lb.div_euclid(DAY), lb.rem_euclid(DAY));
		if day_a == day_b {
			self.day_prefix(in_b).saturating_sub(self.day_prefix(in_a))
		} else {
			let whole_day = self.cumulative[24];
			let full_days = (day_b - day_a - 1) as u128;
			whole_day
				.saturating_sub(self.day_prefix(in_a))
				.saturating_add(full_days.saturating_mul(whole_day))
				.saturating_add(self.day_prefix(in_b))
		}
	}

	/// Adder of the block reached by `cumulative_wh` of the month.
	pub fn tier_adder(&self, cumulative_wh: WattHours) -> u128 {
		self.tiers
			.iter()
			.rev()
			.find(|b| b.from_wh <= cumulative_wh)
			.map_or(0, |b| to_u128(b.adder_per_kwh))
	}

	/// Adds to `sum` the tier cost (in milli-units x `sum.scale`) of the energy
	/// `[start, start + energy)` of a month, `times` over; energies are scaled by
	/// `sum.scale` (Wh x the interval's length, see [`energy_cost`]).
	fn tier_cost(&self, sum: &mut ExactSum, start: u128, energy: u128, times: u128) {
		if energy == 0 || times == 0 {
			return;
		}
		let d = sum.scale;
		let end = start.saturating_add(energy);
		for (i, tier) in self.tiers.iter().enumerate() {
			let low = u128::from(tier.from_wh).saturating_mul(d);
			let high = self
				.tiers
				.get(i + 1)
				.map_or(u128::MAX, |next| u128::from(next.from_wh).saturating_mul(d));
			let overlap = min(end, high).saturating_sub(max(start, low));
			if overlap > 0 {
				sum.add_product(to_u128(tier.adder_per_kwh), overlap.saturating_mul(times));
			}
		}
	}
}

/// An exact sum of products `a * b` divided by `scale`, kept as a quotient and a remainder
/// so that only the final result is rounded (down), once.
#[derive(Clone, Copy, Debug)]
pub struct ExactSum {
	quotient: u128,
	remainder: u128,
	scale: u128,
}

impl ExactSum {
	/// An empty sum of products divided by `scale` (`> 0`).
	pub fn new(scale: u128) -> Self {
		ExactSum { quotient: 0, remainder: 0, scale: scale.max(1) }
	}

	/// Adds `a * b / scale`, exactly (saturating at `u128::MAX`).
	pub fn add_product(&mut self, a: u128, b: u128) {
		match multiply_by_rational_with_rounding(a, b, self.scale, Rounding::Down) {
			Some(q) => {
				// `a * b - q * scale < scale`, so it is exact in wrapping arithmetic.
				let r = a.wrapping_mul(b).wrapping_sub(q.wrapping_mul(self.scale));
				self.remainder = self.remainder.saturating_add(r);
				self.quotient = self.quotient.saturating_add(q);
				if self.remainder >= self.scale {
					self.remainder -= self.scale;
					self.quotient = self.quotient.saturating_add(1);
				}
			},
			None => self.quotient = u128::MAX,
		}
	}

	/// The sum, rounded down.
	pub fn floor(&self) -> u128 {
		self.quotient
	}
}

/// Days since the Unix epoch of a civil date (proleptic Gregorian calendar).
pub fn days_from_civil(year: i64, month: u32, day: u32) -> i64 {
	let y = if month <= 2 { year - 1 } else { year };
	let era = if y >= 0 { y } else { y - 399 } / 400;
	let year_of_era = y - era * 400;
	let month_from_march = i64::from((month + 9) % 12);
	let day_of_year = (153 * month_from_march + 2) / 5 + i64::from(day) - 1;
	let day_of_era = year_of_era * 365 + year_of_era / 4 - year_of_era / 100 + day_of_year;
	era * 146_097 + day_of_era - 719_468
}

/// The civil date `(year, month 1..=12, day 1..=31)` of a day number since the Unix epoch.
pub fn civil_from_days(days: i64) -> (i64, u32, u32) {
	let z = days + 719_468;
	let era = if z >= 0 { z } else { z - 146_096 } / 146_097;
	let day_of_era = z - era * 146_097;
	let year_of_era =
		(day_of_era - day_of_era / 1460 + day_of_era / 36_524 - day_of_era / 146_096) / 365;
	let day_of_year = day_of_era - (365 * year_of_era + year_of_era / 4 - year_of_era / 100);
	let month_from_march = (5 * day_of_year + 2) / 153;
	let day = (day_of_year - (153 * month_from_march + 2) / 5 + 1) as u32;
	let month =
		if month_from_march < 10 { month_from_march + 3 } else { month_from_march - 9 } as u32;
	let year = year_of_era + era * 400;
	(if month <= 2 { year + 1 } else { year }, month, day)
}

/// Whether `year` is a leap year.
pub fn is_leap_year(year: i64) -> bool {
	(year % 4 == 0 && year % 100 != 0) || year % 400 == 0
}

/// Month index `year * 12 + month - 1` of UTC time `t` (ms) at local offset `offset_ms`.
fn month_index(t: i128, offset_ms: i128) -> i64 {
	let day = (t + offset_ms).div_euclid(DAY);
	let day = i64::try_from(day).unwrap_or(if day < 0 { i64::MIN / 2 } else { i64::MAX / 2 });
	let (year, month, _) = civil_from_days(day);
	year * 12 + i64::from(month) - 1
}

/// UTC time (ms) at which month `index` starts at local offset `offset_ms`.
fn month_start(index: i64, offset_ms: i128) -> i128 {
	let (year, month) = (index.div_euclid(12), index.rem_euclid(12) as u32 + 1);
	i128::from(days_from_civil(year, month, 1)) * DAY - offset_ms
}

/// How many of the months with index in `[low, high)` have 28, 29, 30 and 31 days.
pub fn months_by_length(low: i64, high: i64) -> [u64; 4] {
	let mut counts = [0u64; 4];
	if high <= low {
		return counts;
	}
	// Number of `i` in `[low, high)` with `i = k (mod 12)`.
	let congruent = |k: i64| -> u64 {
		((high - 1 - k).div_euclid(12) - (low - 1 - k).div_euclid(12)).max(0) as u64
	};
	for k in 0..12 {
		match k {
			1 => {}, // February, below.
			3 | 5 | 8 | 10 => counts[2] += congruent(k),
			_ => counts[3] += congruent(k),
		}
	}
	// Februaries are the months `y * 12 + 1`: years `y` in `[year_low, year_high)`.
	// `ceil(x / 12)` for any integer `x`.
	let ceil_12 = |x: i64| (x - 1).div_euclid(12) + 1;
	let year_low = ceil_12(low - 1);
	let year_high = ceil_12(high - 1);
	// Leap years in `[1, n]` (and their negative-side analogue: only differences are used).
	let leaps_upto = |n: i64| n.div_euclid(4) - n.div_euclid(100) + n.div_euclid(400);
	let februaries = (year_high - year_low).max(0);
	let leap = (leaps_upto(year_high - 1) - leaps_upto(year_low - 1)).clamp(0, februaries);
	counts[1] = leap as u64;
	counts[0] = (februaries - leap) as u64;
	counts
}

/// A piece of timeline: the terms in force from a time on.
pub type Timeline<'s, 'a, B> = &'s [(Moment, Rates<'a, B>)];

/// The interval `[from, to)` of timeline entry `i`: the first entry also covers all earlier
/// times, the last all later ones.
fn entry_bounds<B>(timeline: Timeline<B>, i: usize) -> (i128, i128) {
	let start =
		if i == 0 { i128::MIN } else { timeline.get(i).map_or(i128::MIN, |e| i128::from(e.0)) };
	let end = timeline.get(i + 1).map_or(i128::MAX, |e| i128::from(e.0));
	(start, end)
}

/// The timeline entry in force at `t`.
pub fn rates_at<'s, 'a, B>(timeline: Timeline<'s, 'a, B>, t: Moment) -> Option<&'s Rates<'a, B>> {
	timeline
		.iter()
		.rev()
		.find(|(from, _)| *from <= t)
		.or_else(|| timeline.first())
		.map(|(_, rates)| rates)
}

/// The energy cost of an interval and the block counter after it.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct EnergyCharge {
	/// Cost in milli-units.
	pub milli: u128,
	/// The meter's block counter after the interval.
	pub counter: TierCounter,
}

/// Prices `energy_wh` consumed uniformly over `[from_ms, to_ms)` at `timeline` (entries by
/// increasing time; empty: free), continuing the meter's block `counter`.
///
/// Monotonic: with everything else fixed, more energy never costs less.
pub fn energy_cost<B: Copy + UniqueSaturatedInto<u128>>(
	timeline: Timeline<B>,
	from_ms: Moment,
	to_ms: Moment,
	energy_wh: WattHours,
	counter: TierCounter,
) -> EnergyCharge {
	let from = i128::from(from_ms);
	let to = max(i128::from(to_ms), from + 1);
	// `d` is the scale of energies below: an energy of `x` Wh spread over `len` ms of the
	// interval is `energy_wh * len / d` Wh, kept exactly as `energy_wh * len`.
	let d = (to - from) as u128;
	let e = u128::from(energy_wh);
	let mut integral = 0u128;
	let mut tiers = ExactSum::new(d);
	let mut period = i64::from(counter.period);
	let mut counted = u128::from(counter.wh).saturating_mul(d);

	// Energy of `len` ms in month `month`: continues the counter of that month, restarts it
	// at zero in any other month.
	let mut piece = |rates: &Rates<B>, month: i64, len: i128, tiers: &mut ExactSum| {
		if month != period {
			period = month;
			counted = 0;
		}
		let energy = e.saturating_mul(len.max(0) as u128);
		rates.tier_cost(tiers, counted, energy, 1);
		counted = counted.saturating_add(energy);
	};

	for (i, (_, rates)) in timeline.iter().enumerate() {
		let (start, end) = entry_bounds(timeline, i);
		let (a, b) = (max(from, start), min(to, end));
		if a >= b {
			continue;
		}
		integral = integral.saturating_add(rates.price_integral(a, b));
		if e == 0 {
			// No energy: the counter only follows the calendar, to the month the piece ends in.
			piece(rates, month_index(b - 1, rates.offset_ms), 0, &mut tiers);
			continue;
		}
		let first_month = month_index(a, rates.offset_ms);
		let last_month = month_index(b - 1, rates.offset_ms);
		if first_month == last_month {
			piece(rates, first_month, b - a, &mut tiers);
			continue;
		}
		piece(rates, first_month, month_start(first_month + 1, rates.offset_ms) - a, &mut tiers);
		// Whole months in between: each starts its count at zero.
		let lengths = months_by_length(first_month + 1, last_month);
		for (days, count) in [28u128, 29, 30, 31].into_iter().zip(lengths) {
			let energy = e.saturating_mul(days * DAY_MS as u128);
			rates.tier_cost(&mut tiers, 0, energy, u128::from(count));
		}
		piece(rates, last_month, b - month_start(last_month, rates.offset_ms), &mut tiers);
	}

	// One rounding for the whole interval: the band part `E * W / d` plus the tier parts.
	tiers.add_product(e, integral);
	let milli = tiers.floor();
	let counter = TierCounter {
		period: u32::try_from(period.max(0)).unwrap_or(u32::MAX),
		wh: u64::try_from(counted / d).unwrap_or(u64::MAX),
	};
	EnergyCharge { milli, counter }
}

/// Standing charges (whole units) for the full days elapsed from `paid_until` to `to`,
/// each day charged at the entry of `timeline` in force when it starts, and the new
/// `paid_until` (advanced by whole days only).
pub fn standing_charge<B>(timeline: Timeline<B>, paid_until: Moment, to: Moment) -> (u128, Moment) {
	let days = to.saturating_sub(paid_until) / DAY_MS;
	if days == 0 || timeline.is_empty() {
		return (0, paid_until);
	}
	let anchor = i128::from(paid_until);
	let n = i128::from(days);
	// Index of the first day starting at or after `t`, clamped to `[0, n]`.
	let first_day_from = |t: i128| -> i128 {
		if t == i128::MIN {
			0
		} else if t == i128::MAX {
			n
		} else {
			(t - anchor).div_euclid(DAY) + i128::from((t - anchor).rem_euclid(DAY) != 0)
		}
		.clamp(0, n)
	};
	let mut total = 0u128;
	for (i, (_, rates)) in timeline.iter().enumerate() {
		let (start, end) = entry_bounds(timeline, i);
		let count = first_day_from(end) - first_day_from(start);
		if count > 0 {
			total = total.saturating_add(rates.standing.saturating_mul(count as u128));
		}
	}
	(total, paid_until.saturating_add(days.saturating_mul(DAY_MS)))
}

/// Adds a cost in milli-units to the carried remainder: whole units to debit and the new
/// remainder (`< 1000`).
pub fn split_milli(milli: u128, carried: u16) -> (u128, u16) {
	let total = milli.saturating_add(u128::from(carried));
	(total / MILLI_PER_UNIT, (total % MILLI_PER_UNIT) as u16)
}

/// Price of the next kWh at `t`: hour price plus the adder of the block the meter's
/// counter is in (the counter counts only in its own month).
pub fn price_at<B: Copy + UniqueSaturatedInto<u128>>(
	rates: &Rates<B>,
	t: Moment,
	counter: TierCounter,
) -> u128 {
	let month = month_index(i128::from(t), rates.offset_ms);
	let counted = if i64::from(counter.period) == month { counter.wh } else { 0 };
	rates.hour_price(t).saturating_add(rates.tier_adder(counted))
}

/// Whether `t` is inside the friendly hours (local time at `utc_offset_minutes`).
pub fn is_friendly(friendly: FriendlyHours, utc_offset_minutes: i16, t: Moment) -> bool {
	let local = i128::from(t) + i128::from(utc_offset_minutes) * i128::from(MINUTE_MS);
	let hour = local.rem_euclid(DAY) / HOUR;
	// 1970-01-01 was a Thursday (weekday 3 counting Monday as 0).
	let weekday = (local.div_euclid(DAY) + 3).rem_euclid(7);
	(friendly.hours >> hour) & 1 == 1 || (friendly.weekdays >> weekday) & 1 == 1
}

/// The supply state a meter must be in.
///
/// - credit at or above the threshold: `Connected`; positive but below: `LowCredit`;
/// - no credit, emergency credit left: `Emergency`;
/// - no credit, no emergency credit left: `Disconnected`, except when `protected` (inside
///   friendly hours at the chain's time, or judged on old information), when a meter is never
///   disconnected (it stays `Emergency` if it was, `LowCredit` otherwise; one already
///   `Disconnected` stays so until topped up).
pub fn supply_state(
	previous: SupplyState,
	credit: u128,
	low_credit_threshold: u128,
	emergency_left: u128,
	protected: bool,
) -> SupplyState {
	if credit > 0 {
		if credit < low_credit_threshold {
			SupplyState::LowCredit
		} else {
			SupplyState::Connected
		}
	} else if emergency_left > 0 {
		SupplyState::Emergency
	} else if protected {
		match previous {
			SupplyState::Disconnected | SupplyState::Emergency => previous,
			SupplyState::Connected | SupplyState::LowCredit => SupplyState::LowCredit,
		}
	} else {
		SupplyState::Disconnected
	}
}

/// Moving average of the daily energy cost after an interval of `interval_ms` costing
/// `cost` (whole units); `first`: no average yet.
pub fn daily_average(average: u128, cost: u128, interval_ms: u64, first: bool) -> u128 {
	if interval_ms == 0 {
		return average;
	}
	let rate = mul_div(cost, u128::from(DAY_MS), u128::from(interval_ms));
	if first {
		return rate;
	}
	let window = u128::from(AVERAGE_WINDOW_MS);
	let weight = u128::from(interval_ms).min(window);
	mul_div(average, window - weight, window).saturating_add(mul_div(rate, weight, window))
}

#[cfg(test)]
mod tests;
