//! What a meter's owner reads, signed in as the chain's owner of the meter
//! (`Authorization: WattcoinOwner ...`, [`crate::readers`]), and only from the time the meter
//! became theirs ([`crate::owners`]):
//!
//! - `GET /v1/meters/{meter}/readings?after=CURSOR&limit=N`: its readings, each with its
//!   outcome;
//! - `GET /v1/meters/{meter}/billing?after=BLOCK&limit=N`: its prepaid account after every
//!   finalized block that changed it, with what the block debited and topped up
//!   ([`crate::billing`]).

use super::{parse_meter, parse_page_query, ApiError, AppState, Peer};
use crate::{billing::BillingEntry, ingest::now_ms, owners::OwnerReading};
use axum::{
	extract::{Path, RawQuery, State},
	http::{HeaderMap, StatusCode},
	Json,
};
use serde::Serialize;
use wattcoin_primitives::{gateway::Cursor, MeterId};

/// A meter's readings for its owner.
#[derive(Serialize)]
pub(super) struct OwnerPage {
	meter: MeterId,
	/// Since when (ms) the meter has been the owner's: nothing before is served.
	owner_since_ms: u64,
	readings: Vec<OwnerReading>,
	/// The cursor to ask after next time.
	next: Cursor,
}

/// A meter's billing history for its owner.
#[derive(Serialize)]
pub(super) struct BillingPage {
	meter: MeterId,
	/// Since when (ms) the meter has been the owner's: nothing before is served.
	owner_since_ms: u64,
	billing: Vec<BillingEntry>,
	/// The block to ask after next time.
	next: u64,
}

/// Checks the request is signed by `meter`'s owner; returns since when it has owned it.
fn check_owner(
	state: &AppState,
	peer: Option<std::net::IpAddr>,
	meter: MeterId,
	headers: &HeaderMap,
	what: &str,
) -> Result<u64, ApiError> {
	let chain = state.ingestor.meters().read().ok().and_then(|meters| meters.chain(meter).copied());
	let Some(chain) = chain else {
		return Err(ApiError::new(
			StatusCode::NOT_FOUND,
			format!(
				"meter {meter} is not registered on the chain this gateway follows (a gateway \
				 that follows no node serves no owner)"
			),
			None,
		));
	};
	state.readers.check_owner(headers, meter, &chain.owner.into(), now_ms()).map_err(|err| {
		tracing::info!(?peer, meter, "GET /v1/meters/{meter}/{what}: refused: {err}");
		ApiError::from(err)
	})?;
	Ok(chain.owner_since_ms)
}

pub(super) async fn get_owner_readings(
	State(state): State<AppState>,
	Peer(peer): Peer,
	Path(meter): Path<String>,
	headers: HeaderMap,
	RawQuery(query): RawQuery,
) -> Result<Json<OwnerPage>, ApiError> {
	let meter = parse_meter(&meter)?;
	let (after, limit) = parse_page_query(query.as_deref())?;
	let since = check_owner(&state, peer, meter, &headers, "readings")?;
	let _slot = state.pools.read_slot(peer)?;
	let store = state.ingestor.store().clone();
	let readings =
		tokio::task::spawn_blocking(move || store.owner_readings(meter, since, after, limit))
			.await
			.map_err(ApiError::internal)?
			.map_err(ApiError::internal)?;
	let next = readings.last().map_or(after, |r| r.cursor);
	Ok(Json(OwnerPage { meter, owner_since_ms: since, readings, next }))
}

pub(super) async fn get_billing(
	State(state): State<AppState>,
	Peer(peer): Peer,
	Path(meter): Path<String>,
	headers: HeaderMap,
	RawQuery(query): RawQuery,
) -> Result<Json<BillingPage>, ApiError> {
	let meter = parse_meter(&meter)?;
	let (after, limit) = parse_page_query(query.as_deref())?;
	let since = check_owner(&state, peer, meter, &headers, "billing")?;
	let _slot = state.pools.read_slot(peer)?;
	let store = state.ingestor.store().clone();
	let billing = tokio::task::spawn_blocking(move || store.billing(meter, since, after, limit))
		.await
		.map_err(ApiError::internal)?
		.map_err(ApiError::internal)?;
	let next = billing.last().map_or(after, |row| row.block);
	Ok(Json(BillingPage { meter, owner_since_ms: since, billing, next }))
}
