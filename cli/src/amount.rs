//! WATT amounts as people write them ("12.5") and as the chain counts them (10^-12 parts).

use anyhow::{bail, Context};

/// Decimal places of WATT (the runtime's `currency::DECIMALS`, the chain's `tokenDecimals`).
pub const DECIMALS: u32 = 12;

/// Parses a decimal WATT amount ("12", "0.5", "1_000.25") into the chain's units. Refuses
/// negative numbers, more than 12 decimals, exponents and anything that overflows.
pub fn parse_watt(text: &str) -> anyhow::Result<u128> {
	let clean: String = text.trim().chars().filter(|c| *c != '_').collect();
	let (whole, fraction) = clean.split_once('.').unwrap_or((&clean, ""));
	if whole.is_empty() && fraction.is_empty() {
		bail!("{text:?} is not an amount of WATT (write e.g. 12 or 0.5)");
	}
	if !whole.chars().chain(fraction.chars()).all(|c| c.is_ascii_digit()) {
		bail!("{text:?} is not an amount of WATT (digits and one '.' only, e.g. 12 or 0.5)");
	}
	if fraction.len() > DECIMALS as usize {
		bail!("{text:?} has more than {DECIMALS} decimals: WATT has no smaller unit");
	}
	let scale = 10u128.pow(DECIMALS);
	let whole: u128 = if whole.is_empty() { 0 } else { whole.parse().context("too large")? };
	let fraction: u128 = if fraction.is_empty() {
		0
	} else {
		let digits: u128 = fraction.parse()?;
		digits * 10u128.pow(DECIMALS - fraction.len() as u32)
	};
	whole
		.checked_mul(scale)
		.and_then(|w| w.checked_add(fraction))
		.with_context(|| format!("{text:?} WATT is more than the chain can count"))
}

/// Formats chain units as WATT, without trailing zeros ("12.5 WATT").
pub fn format_watt(units: u128) -> String {
	let scale = 10u128.pow(DECIMALS);
	let (whole, fraction) = (units / scale, units % scale);
	if fraction == 0 {
		return format!("{whole} WATT");
	}
	let digits = format!("{fraction:012}");
	format!("{whole}.{} WATT", digits.trim_end_matches('0'))
}

/// Formats watt-hours as kWh ("1.25 kWh").
pub fn format_kwh(wh: u128) -> String {
	let (whole, fraction) = (wh / 1000, wh % 1000);
	if fraction == 0 {
		format!("{whole} kWh")
	} else {
		format!("{whole}.{} kWh", format!("{fraction:03}").trim_end_matches('0'))
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn amounts_parse_to_chain_units() {
		assert_eq!(parse_watt("12").unwrap(), 12_000_000_000_000);
		assert_eq!(parse_watt("0.5").unwrap(), 500_000_000_000);
		assert_eq!(parse_watt(".5").unwrap(), 500_000_000_000);
		assert_eq!(parse_watt("1_000.000000000001").unwrap(), 1_000_000_000_000_001);
		assert_eq!(parse_watt(" 3. ").unwrap(), 3_000_000_000_000);
	}

	#[test]
	fn bad_amounts_say_why() {
		for (text, why) in [
			("", "not an amount"),
			("-1", "digits and one '.'"),
			("1e3", "digits and one '.'"),
			("1.2.3", "digits and one '.'"),
			("0.0000000000001", "more than 12 decimals"),
			("999999999999999999999999999999", "more than the chain can count"),
		] {
			let err = parse_watt(text).unwrap_err().to_string();
			assert!(err.contains(why), "{text:?}: {err}");
		}
	}

	#[test]
	fn amounts_format_without_trailing_zeros() {
		assert_eq!(format_watt(12_000_000_000_000), "12 WATT");
		assert_eq!(format_watt(12_500_000_000_000), "12.5 WATT");
		assert_eq!(format_watt(1), "0.000000000001 WATT");
		assert_eq!(format_kwh(1_250), "1.25 kWh");
		assert_eq!(format_kwh(3_000), "3 kWh");
		for units in [0, 1, 10, 123_456_789_012_345, u128::MAX / 2] {
			let text = format_watt(units);
			assert_eq!(parse_watt(text.trim_end_matches(" WATT")).unwrap(), units);
		}
	}
}
