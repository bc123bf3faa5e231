//! Wattcoin's own JSON-RPC methods, namespace `wattcoin`, over the runtime APIs
//! [`PrepaidApi`] and [`MetersApi`]:
//!
//! | method | params | returns |
//! | --- | --- | --- |
//! | `wattcoin_meterStatus` | `meter`, `at?` | [`MeterStatus`]: registry record, credit, debt, emergency credit, supply, tariff in force, announced changes, what the credit buys, days left |
//! | `wattcoin_metersOf` | `owner` (SS58), `page?` ([`PageRequest`]), `at?` | [`MetersOf`]: one page of the owner's meters and the cursor of the next |
//! | `wattcoin_quote` | `meter`, `energyWh`, `at?` | [`QuoteResponse`]: what that energy costs the meter now |
//!
//! `at` is a block hash (default: the best block). Amounts of WATT are decimal strings in the
//! smallest unit (12 decimals): they exceed what a JavaScript number holds exactly. Errors are
//! JSON-RPC errors with the codes of [`error`]. `docs/rpc.md` tells why these are RPC methods.

use std::{marker::PhantomData, sync::Arc};

use codec::Codec;
use jsonrpsee::{core::RpcResult, proc_macros::rpc, types::ErrorObjectOwned};
use serde::{Deserialize, Serialize, Serializer};
use sp_api::{ApiExt, ProvideRuntimeApi};
use sp_blockchain::HeaderBackend;
use sp_runtime::traits::{Block as BlockT, Header as HeaderT};
use wattcoin_primitives::{
	meters_api::{MetersApi, MAX_METERS_PAGE},
	prepaid_api::{PrepaidApi, SupplyState},
	MeterId, Moment, WattHours,
};

/// The JSON-RPC error codes of the `wattcoin` methods.
pub mod error {
	/// No meter is registered under the id at the queried block.
	pub const UNKNOWN_METER: i32 = 9001;
	/// The meter has no tariff in force, so nothing can be quoted.
	pub const NO_TARIFF: i32 = 9002;
	/// The runtime at the queried block does not serve what the method needs (a chain before
	/// spec 104).
	pub const UNSUPPORTED: i32 = 9003;
	/// Calling the runtime failed.
	pub const RUNTIME: i32 = 9004;
	/// Bad arguments (JSON-RPC's standard code): an unknown block, a page limit out of range.
	pub const INVALID_PARAMS: i32 = jsonrpsee::types::error::INVALID_PARAMS_CODE;
}

/// The default number of meters a `wattcoin_metersOf` page holds.
pub const DEFAULT_PAGE_LIMIT: u32 = 100;

/// An amount of WATT in the smallest unit, serialized as a decimal string.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(try_from = "String")]
pub struct Amount(pub u128);

impl Serialize for Amount {
	fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
		s.serialize_str(&self.0.to_string())
	}
}

impl TryFrom<String> for Amount {
	type Error = std::num::ParseIntError;
	fn try_from(s: String) -> Result<Self, Self::Error> {
		s.parse().map(Amount)
	}
}

/// The block a response was read at.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct At<Hash> {
	/// Its hash.
	pub hash: Hash,
	/// Its number.
	pub number: u64,
}

/// The last reading the chain took from a meter.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct LastReading {
	/// Its `seq`.
	pub seq: u64,
	/// Its timestamp, ms since the Unix epoch (of the last reading billed, or the baseline).
	pub at_ms: Moment,
	/// The meter's register then.
	pub cumulative_wh: WattHours,
}

/// The tariff a meter is billed at now.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct TariffNow {
	/// The tariff's id.
	pub id: u32,
	/// When the version in force took effect (ms).
	pub effective_from: Moment,
	/// The price of the next kWh now (band or base price plus the inclining block's adder).
	pub price_per_kwh_now: Amount,
	/// The daily standing charge.
	pub standing_charge_per_day: Amount,
	/// When the next announced change takes effect (ms), if one is.
	pub next_change: Option<Moment>,
}

/// A change of terms announced for later.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Change {
	/// When it takes effect (ms).
	pub effective_from: Moment,
	/// The tariff billed from then on.
	pub tariff: u32,
	/// A switch to another tariff (else a new version of the same tariff).
	pub switch: bool,
	/// The base price of a kWh from then on.
	pub price_per_kwh: Amount,
	/// The daily standing charge from then on.
	pub standing_charge_per_day: Amount,
}

/// What `wattcoin_meterStatus` returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MeterStatus<AccountId, Hash> {
	/// The meter.
	pub meter: MeterId,
	/// The block read.
	pub at: At<Hash>,
	/// The household account owning it.
	pub owner: AccountId,
	/// The operator managing it.
	pub operator: AccountId,
	/// `Active`, `Suspended`, `Tampered` or `Implausible`.
	pub status: String,
	/// The most power it can deliver, watts.
	pub rated_power_w: u32,
	/// Its last reading taken, `None` before its first.
	pub last_reading: Option<LastReading>,
	/// Prepaid credit.
	pub credit: Amount,
	/// Debt to the operator, recovered from top-ups.
	pub debt: Amount,
	/// Emergency credit used and not repaid.
	pub emergency_credit_used: Amount,
	/// Emergency credit still available.
	pub emergency_credit_available: Amount,
	/// The supply state the chain orders: `Connected`, `LowCredit`, `Emergency` or
	/// `Disconnected`.
	pub supply: SupplyState,
	/// The tariff in force, `None` without one.
	pub tariff: Option<TariffNow>,
	/// Changes of terms announced, by time.
	pub announced_changes: Vec<Change>,
	/// Energy the credit buys at the current price (Wh); `None` without a price.
	pub credit_buys_wh: Option<WattHours>,
	/// Average daily cost: recent energy cost a day plus the standing charge.
	pub average_daily_cost: Amount,
	/// Whole days the credit lasts at the average daily cost; `None` before any cost.
	pub projected_days_left: Option<u32>,
	/// Timestamp of the last reading billed (ms).
	pub last_billed_ms: Option<Moment>,
	/// Energy recorded while the meter had no tariff (Wh).
	pub unbilled_wh: WattHours,
}

/// The page `wattcoin_metersOf` is asked for.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
pub struct PageRequest {
	/// Start after this meter (the `next` of the previous page); absent: from the first.
	pub after: Option<MeterId>,
	/// How many meters, 1 to 1,000; absent: 100.
	pub limit: Option<u32>,
}

/// What `wattcoin_metersOf` returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct MetersOf<AccountId, Hash> {
	/// The owner.
	pub owner: AccountId,
	/// The block read.
	pub at: At<Hash>,
	/// Meter ids of this page (in the index's order, not by id).
	pub meters: Vec<MeterId>,
	/// Pass as `after` for the next page; `None` on the last page.
	pub next: Option<MeterId>,
}

/// What `wattcoin_quote` returns.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QuoteResponse<Hash> {
	/// The meter.
	pub meter: MeterId,
	/// The block read.
	pub at: At<Hash>,
	/// The tariff the energy is priced at.
	pub tariff: u32,
	/// The energy quoted (Wh).
	pub energy_wh: WattHours,
	/// What it costs if consumed now, rounded down to the smallest unit; standing charges not
	/// included.
	pub cost: Amount,
	/// Whether the meter's credit covers it.
	pub covered_by_credit: bool,
}

/// The `wattcoin` JSON-RPC methods.
#[rpc(server, namespace = "wattcoin")]
pub trait WattcoinApi<BlockHash, AccountId> {
	/// A meter's status: registry record and prepaid account. Errors: `UNKNOWN_METER`,
	/// `INVALID_PARAMS` (unknown block), `UNSUPPORTED`, `RUNTIME`.
	#[method(name = "meterStatus")]
	fn meter_status(
		&self,
		meter: MeterId,
		at: Option<BlockHash>,
	) -> RpcResult<MeterStatus<AccountId, BlockHash>>;

	/// One page of the meters `owner` owns. Errors: `INVALID_PARAMS` (a limit outside 1 to
	/// 1,000, an unknown block), `UNSUPPORTED`, `RUNTIME`.
	#[method(name = "metersOf")]
	fn meters_of(
		&self,
		owner: AccountId,
		page: Option<PageRequest>,
		at: Option<BlockHash>,
	) -> RpcResult<MetersOf<AccountId, BlockHash>>;

	/// What `energy_wh` costs `meter` now. Errors: `UNKNOWN_METER`, `NO_TARIFF`,
	/// `INVALID_PARAMS`, `UNSUPPORTED`, `RUNTIME`.
	#[method(name = "quote")]
	fn quote(
		&self,
		meter: MeterId,
		energy_wh: WattHours,
		at: Option<BlockHash>,
	) -> RpcResult<QuoteResponse<BlockHash>>;
}

/// Serves [`WattcoinApiServer`] from the client's runtime APIs.
pub struct Wattcoin<C, Block, AccountId, Balance> {
	client: Arc<C>,
	_marker: PhantomData<(Block, AccountId, Balance)>,
}

impl<C, Block, AccountId, Balance> Wattcoin<C, Block, AccountId, Balance> {
	/// Methods reading the chain through `client`.
	pub fn new(client: Arc<C>) -> Self {
		Self { client, _marker: PhantomData }
	}
}

fn failure(code: i32, message: impl Into<String>) -> ErrorObjectOwned {
	ErrorObjectOwned::owned(code, message.into(), None::<()>)
}

fn runtime_error(e: impl std::fmt::Display) -> ErrorObjectOwned {
	failure(error::RUNTIME, format!("the runtime call failed: {e}"))
}

fn unknown_meter(meter: MeterId, number: u64) -> ErrorObjectOwned {
	failure(error::UNKNOWN_METER, format!("no meter {meter} is registered at block #{number}"))
}

fn amount<B: Into<u128>>(b: B) -> Amount {
	Amount(b.into())
}

impl<C, Block, AccountId, Balance> Wattcoin<C, Block, AccountId, Balance>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: PrepaidApi<Block, Balance> + MetersApi<Block, AccountId>,
	AccountId: Codec,
	Balance: Codec,
{
	/// The block `at` names (default: the best block), or `INVALID_PARAMS` if unknown.
	fn block(&self, at: Option<Block::Hash>) -> RpcResult<At<Block::Hash>> {
		let hash = at.unwrap_or_else(|| self.client.info().best_hash);
		let header = self
			.client
			.header(hash)
			.map_err(runtime_error)?
			.ok_or_else(|| failure(error::INVALID_PARAMS, format!("unknown block {hash:?}")))?;
		let number: u64 = (*header.number()).try_into().unwrap_or(u64::MAX);
		Ok(At { hash, number })
	}

	/// `UNSUPPORTED` unless the runtime at `at` serves `PrepaidApi` version 2 and `MetersApi`.
	fn require_spec_104(&self, at: &At<Block::Hash>) -> RpcResult<()> {
		let api = self.client.runtime_api();
		let prepaid = api
			.api_version::<dyn PrepaidApi<Block, Balance>>(at.hash)
			.map_err(runtime_error)?
			.unwrap_or(0);
		let meters =
			api.has_api::<dyn MetersApi<Block, AccountId>>(at.hash).map_err(runtime_error)?;
		if prepaid < 2 || !meters {
			return Err(failure(
				error::UNSUPPORTED,
				format!(
					"the runtime at block #{} serves PrepaidApi version {prepaid}{}; this method \
					 needs version 2 and MetersApi (spec 104 or later)",
					at.number,
					if meters { "" } else { " and no MetersApi" }
				),
			));
		}
		Ok(())
	}
}

impl<C, Block, AccountId, Balance> WattcoinApiServer<Block::Hash, AccountId>
	for Wattcoin<C, Block, AccountId, Balance>
where
	Block: BlockT,
	C: ProvideRuntimeApi<Block> + HeaderBackend<Block> + Send + Sync + 'static,
	C::Api: PrepaidApi<Block, Balance> + MetersApi<Block, AccountId>,
	AccountId: Codec + Clone + Serialize + for<'de> Deserialize<'de> + Send + Sync + 'static,
	Balance: Codec + Into<u128> + Send + Sync + 'static,
{
	fn meter_status(
		&self,
		meter: MeterId,
		at: Option<Block::Hash>,
	) -> RpcResult<MeterStatus<AccountId, Block::Hash>> {
		let at = self.block(at)?;
		self.require_spec_104(&at)?;
		let api = self.client.runtime_api();
		let record = api
			.meter(at.hash, meter)
			.map_err(runtime_error)?
			.ok_or_else(|| unknown_meter(meter, at.number))?;
		let status = api
			.meter_status(at.hash, meter)
			.map_err(runtime_error)?
			.ok_or_else(|| unknown_meter(meter, at.number))?;
		let changes = api.announced_changes(at.hash, meter).map_err(runtime_error)?;
		Ok(MeterStatus {
			meter,
			at,
			owner: record.owner,
			operator: record.operator,
			status: format!("{:?}", record.status),
			rated_power_w: record.rated_power_w,
			last_reading: (record.last_seq > 0).then_some(LastReading {
				seq: record.last_seq,
				at_ms: record.last_reading_ms,
				cumulative_wh: record.last_cumulative_wh,
			}),
			credit: amount(status.credit),
			debt: amount(status.debt),
			emergency_credit_used: amount(status.emergency_credit_used),
			emergency_credit_available: amount(status.emergency_credit_available),
			supply: status.supply,
			tariff: status.tariff.map(|t| TariffNow {
				id: t.id,
				effective_from: t.effective_from,
				price_per_kwh_now: amount(t.price_per_kwh_now),
				standing_charge_per_day: amount(t.standing_charge_per_day),
				next_change: t.next_change,
			}),
			announced_changes: changes
				.into_iter()
				.map(|c| Change {
					effective_from: c.effective_from,
					tariff: c.tariff,
					switch: c.switch,
					price_per_kwh: amount(c.price_per_kwh),
					standing_charge_per_day: amount(c.standing_charge_per_day),
				})
				.collect(),
			credit_buys_wh: status.credit_buys_wh,
			average_daily_cost: amount(status.average_daily_cost),
			projected_days_left: status.projected_days_left,
			last_billed_ms: status.last_billed_ms,
			unbilled_wh: status.unbilled_wh,
		})
	}

	fn meters_of(
		&self,
		owner: AccountId,
		page: Option<PageRequest>,
		at: Option<Block::Hash>,
	) -> RpcResult<MetersOf<AccountId, Block::Hash>> {
		let page = page.unwrap_or_default();
		let limit = page.limit.unwrap_or(DEFAULT_PAGE_LIMIT);
		if !(1..=MAX_METERS_PAGE).contains(&limit) {
			return Err(failure(
				error::INVALID_PARAMS,
				format!("a page holds 1 to {MAX_METERS_PAGE} meters, not {limit}"),
			));
		}
		let at = self.block(at)?;
		self.require_spec_104(&at)?;
		let found = self
			.client
			.runtime_api()
			.meters_of(at.hash, owner.clone(), page.after, limit)
			.map_err(runtime_error)?;
		Ok(MetersOf { owner, at, meters: found.meters, next: found.next })
	}

	fn quote(
		&self,
		meter: MeterId,
		energy_wh: WattHours,
		at: Option<Block::Hash>,
	) -> RpcResult<QuoteResponse<Block::Hash>> {
		let at = self.block(at)?;
		self.require_spec_104(&at)?;
		let api = self.client.runtime_api();
		let quote = match api.quote(at.hash, meter, energy_wh).map_err(runtime_error)? {
			Some(quote) => quote,
			None if api.meter(at.hash, meter).map_err(runtime_error)?.is_none() => {
				return Err(unknown_meter(meter, at.number))
			},
			None => {
				return Err(failure(
					error::NO_TARIFF,
					format!("meter {meter} has no tariff in force at block #{}", at.number),
				))
			},
		};
		Ok(QuoteResponse {
			meter,
			at,
			tariff: quote.tariff,
			energy_wh: quote.energy_wh,
			cost: amount(quote.cost),
			covered_by_credit: quote.covered_by_credit,
		})
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn amounts_are_decimal_strings_both_ways() {
		let big = Amount(123_456_789_012_345_678_901_234_567_890);
		let json = serde_json::to_string(&big).unwrap();
		assert_eq!(json, "\"123456789012345678901234567890\"");
		assert_eq!(serde_json::from_str::<Amount>(&json).unwrap(), big);
		assert!(serde_json::from_str::<Amount>("\"12x\"").is_err());
	}

	#[test]
	fn a_page_request_is_camel_case_and_refuses_unknown_fields() {
		let page: PageRequest = serde_json::from_str(r#"{"after":7,"limit":2}"#).unwrap();
		assert_eq!(page, PageRequest { after: Some(7), limit: Some(2) });
		assert_eq!(serde_json::from_str::<PageRequest>("{}").unwrap(), PageRequest::default());
		assert!(serde_json::from_str::<PageRequest>(r#"{"size":2}"#).is_err());
	}
}
