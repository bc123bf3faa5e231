//! `wattcoin meter status | top-up | register`.

use anyhow::{anyhow, Context as _};
use serde::Deserialize;
use subxt::rpcs::rpc_params;

use super::{register, Context};
use crate::{
	amount::{format_kwh, format_watt, parse_watt},
	chain::runtime,
	cli::MeterCommand,
};

pub async fn run(ctx: &Context, command: MeterCommand) -> anyhow::Result<()> {
	match command {
		MeterCommand::Status { meter, json } => status(ctx, meter, json).await,
		MeterCommand::TopUp { meter, from, amount } => top_up(ctx, meter, &from, &amount).await,
		MeterCommand::Register(args) => register::run(ctx, args).await,
	}
}

/// What `wattcoin_meterStatus` answers (the fields shown here; `--json` prints them all).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct MeterStatus {
	meter: u64,
	at: At,
	owner: String,
	operator: String,
	status: String,
	credit: String,
	debt: String,
	emergency_credit_used: String,
	emergency_credit_available: String,
	supply: String,
	tariff: Option<Tariff>,
	announced_changes: Vec<Announced>,
	credit_buys_wh: Option<u64>,
	projected_days_left: Option<u64>,
	last_reading: Option<LastReading>,
}

#[derive(Deserialize)]
struct At {
	number: u64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Tariff {
	id: u32,
	price_per_kwh_now: String,
	standing_charge_per_day: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Announced {
	effective_from: u64,
	tariff: u32,
	switch: bool,
	price_per_kwh: String,
	standing_charge_per_day: String,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct LastReading {
	seq: u64,
	at_ms: u64,
	cumulative_wh: u64,
}

/// Asks the node for `wattcoin_meterStatus(meter)`, in JSON.
async fn fetch_status(ctx: &Context, meter: u64) -> anyhow::Result<serde_json::Value> {
	let chain = ctx.chain().await?;
	chain
		.rpc
		.request::<serde_json::Value>("wattcoin_meterStatus", rpc_params![meter])
		.await
		.map_err(|e| match e {
			subxt::rpcs::Error::User(e) => {
				anyhow!("meter {meter}: {} (error {})", e.message, e.code)
			},
			other => anyhow!("asking the node at {} for meter {meter}: {other}", ctx.url),
		})
}

async fn status(ctx: &Context, meter: u64, json: bool) -> anyhow::Result<()> {
	let value = fetch_status(ctx, meter).await?;
	if json {
		println!("{}", serde_json::to_string_pretty(&value)?);
		return Ok(());
	}
	let s: MeterStatus = serde_json::from_value(value).context("reading the node's answer")?;
	let watt = |text: &str| -> anyhow::Result<String> {
		Ok(format_watt(text.parse().with_context(|| format!("{text:?} is not an amount"))?))
	};
	println!("meter:            {} ({}), at block #{}", s.meter, s.status, s.at.number);
	println!("owner:            {}", s.owner);
	println!("operator:         {}", s.operator);
	println!("supply:           {}", s.supply);
	println!("credit:           {}", watt(&s.credit)?);
	println!("debt:             {}", watt(&s.debt)?);
	println!(
		"emergency credit: {} used, {} available",
		watt(&s.emergency_credit_used)?,
		watt(&s.emergency_credit_available)?
	);
	match &s.tariff {
		Some(t) => println!(
			"tariff:           #{}: {} per kWh now, {} per day",
			t.id,
			watt(&t.price_per_kwh_now)?,
			watt(&t.standing_charge_per_day)?
		),
		None => println!("tariff:           none assigned (no billing)"),
	}
	for change in &s.announced_changes {
		println!(
			"announced:        from {}, {}: {} per kWh, {} per day",
			utc(change.effective_from),
			if change.switch {
				format!("a switch to tariff #{}", change.tariff)
			} else {
				"new prices".into()
			},
			watt(&change.price_per_kwh)?,
			watt(&change.standing_charge_per_day)?
		);
	}
	if let Some(wh) = s.credit_buys_wh {
		println!("credit buys:      {}", format_kwh(wh.into()));
	}
	if let Some(days) = s.projected_days_left {
		println!("days left:        about {days}");
	}
	match &s.last_reading {
		Some(r) => println!(
			"last reading:     #{} at {}, register {}",
			r.seq,
			utc(r.at_ms),
			format_kwh(r.cumulative_wh.into())
		),
		None => println!("last reading:     none yet"),
	}
	Ok(())
}

async fn top_up(ctx: &Context, meter: u64, from: &str, amount: &str) -> anyhow::Result<()> {
	let value = parse_watt(amount)?;
	let signer = ctx.signer(from)?;
	let chain = ctx.chain().await?;
	let call = runtime::tx().prepaid().top_up(meter, value);
	let what = format!("top-up of meter {meter} with {}", format_watt(value));
	let included = chain.submit(&call, &signer, &what).await?;
	let credit = included
		.events
		.find_first::<runtime::prepaid::events::ToppedUp>()
		.transpose()?
		.map(|e| {
			format!(
				": {} to credit, {} to emergency credit, {} to debt",
				format_watt(e.to_credit),
				format_watt(e.to_emergency),
				format_watt(e.to_debt)
			)
		})
		.unwrap_or_default();
	println!(
		"topped up meter {meter} with {} in block #{}{credit}",
		format_watt(value),
		included.block
	);
	Ok(())
}

/// A time in ms since the Unix epoch as `2026-12-03 09:30 UTC`.
pub fn utc(ms: u64) -> String {
	chrono::DateTime::from_timestamp_millis(ms as i64)
		.map(|t| t.format("%Y-%m-%d %H:%M UTC").to_string())
		.unwrap_or_else(|| format!("{ms} ms"))
}
