//! `wattcoin tariff show`.

use anyhow::bail;

use super::{meter::utc, Context};
use crate::{
	amount::{format_kwh, format_watt},
	chain::runtime,
	cli::TariffCommand,
	keystore::address_of,
};

pub async fn run(ctx: &Context, command: TariffCommand) -> anyhow::Result<()> {
	match command {
		TariffCommand::Show { tariff } => show(ctx, tariff).await,
		TariffCommand::Assign { from, meter, tariff } => assign(ctx, &from, meter, tariff).await,
	}
}

/// Prints a tariff's operator, every version (prices, bands, tiers) and its meters.
async fn show(ctx: &Context, id: u32) -> anyhow::Result<()> {
	let chain = ctx.chain().await?;
	let at = chain.api.at_current_block().await?;
	let Some(value) = at.storage().try_fetch(runtime::storage().prepaid().tariffs(), (id,)).await?
	else {
		bail!("no tariff #{id} at block #{} (finalized)", at.block_number());
	};
	let tariff = value.decode()?;
	println!("tariff:   #{id}, at block #{} (finalized)", at.block_number());
	println!("operator: {}", address_of(&tariff.operator.0));
	println!("meters:   {}", tariff.meters);
	for (index, version) in tariff.versions.0.iter().enumerate() {
		let p = &version.params;
		match version.effective_from {
			0 => println!("version {}, from the start:", index + 1),
			from => println!("version {} from {}:", index + 1, utc(from)),
		}
		println!("  price:            {} per kWh", format_watt(p.price_per_kwh));
		println!("  standing charge:  {} per day", format_watt(p.standing_charge_per_day));
		println!("  local time:       UTC{:+} min", p.utc_offset_minutes);
		for band in &p.bands.0 {
			println!(
				"  band {:02}:00-{:02}:00: {} per kWh",
				band.start_hour,
				band.end_hour,
				format_watt(band.price_per_kwh)
			);
		}
		println!("  low credit below: {}", format_watt(p.low_credit_threshold));
		println!("  emergency credit: {}", format_watt(p.emergency_credit));
		let hours: Vec<String> = (0..24)
			.filter(|h| p.friendly_hours.hours & (1 << h) != 0)
			.map(|h| format!("{h:02}"))
			.collect();
		const DAYS: [&str; 7] = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];
		let days: Vec<&str> =
			(0..7).filter(|d| p.friendly_hours.weekdays & (1 << d) != 0).map(|d| DAYS[d]).collect();
		println!("  never cut off:    hours [{}], days [{}]", hours.join(" "), days.join(" "));
		for tier in &p.tiers.0 {
			println!(
				"  tier from {} a month: +{} per kWh",
				format_kwh(tier.from_wh.into()),
				format_watt(tier.adder_per_kwh)
			);
		}
	}
	Ok(())
}

/// Bills `meter` at `tariff`, signed by its operator.
async fn assign(ctx: &Context, from: &str, meter: u64, tariff: u32) -> anyhow::Result<()> {
	let signer = ctx.signer(from)?;
	let chain = ctx.chain().await?;
	let call = runtime::tx().prepaid().assign_tariff(meter, tariff);
	let what = format!("assignment of meter {meter} to tariff #{tariff}");
	let included = chain.submit(&call, &signer, &what).await?;
	let switch =
		included.events.find_first::<runtime::prepaid::events::TariffAssigned>().transpose()?;
	match switch {
		Some(event) if event.effective_from > 0 => println!(
			"meter {meter} is billed at tariff #{tariff} from {} (block #{})",
			utc(event.effective_from),
			included.block
		),
		_ => println!("meter {meter} is billed at tariff #{tariff} (block #{})", included.block),
	}
	Ok(())
}
