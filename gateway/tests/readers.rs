//! Who may read the reading feeds (`wattcoin_gateway::readers`), against a gateway running in
//! this process: the whole feed to relayers only, a meter's readings to its owner only.

mod common;

use common::*;
use hyper::{header, Method, StatusCode};
use sp_core::{sr25519, Pair};
use wattcoin_gateway::{
	ingest::now_ms,
	meters::{dev_meter_key, ChainMeter},
};
use wattcoin_primitives::feed_auth::{self, AUTH_MAX_SKEW_MS};

async fn get_with(http: &Http, path: &str, authorization: &str) -> Reply {
	http.request(Method::GET, path, &[("authorization", authorization)], Vec::new()).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_feed_is_served_to_relayers_only() {
	let dir = tempfile::tempdir().unwrap();
	let gw =
		TestGateway::start(&dir.path().join("gw.sqlite"), known_meters(dir.path()), None).await;
	assert_eq!(
		gw.http.post_json(&serde_json::to_value(ed_readings(1..=3)).unwrap()).await.status,
		StatusCode::CREATED
	);
	let anonymous = Http::new(gw.addr);

	// Anonymous: 401, naming the scheme.
	let reply = anonymous.get("/v1/readings").await;
	reply.assert_error(StatusCode::UNAUTHORIZED, "WattcoinRelayer authentication required", None);
	assert_eq!(reply.headers[header::WWW_AUTHENTICATE], "WattcoinRelayer");
	assert_eq!(anonymous.get_scale("/v1/readings").await.status, StatusCode::UNAUTHORIZED);

	// A valid signature of a key that is no relayer: 403.
	let stranger = sr25519::Pair::from_string("//Stranger", None).unwrap();
	let reply = get_with(&anonymous, "/v1/readings", &relayer_authorization(&stranger)).await;
	reply.assert_error(StatusCode::FORBIDDEN, "is not one of this gateway's relayers", None);

	// The relayer's key, signed too long ago, or for another chain: 401.
	let relayer = relayer_pair();
	let old = now_ms() - AUTH_MAX_SKEW_MS - 60_000;
	let stale = feed_auth::relayer_authorization(
		&relayer.public().0,
		old,
		&relayer.sign(&feed_auth::relayer_message(GENESIS, old)).0,
	);
	get_with(&anonymous, "/v1/readings", &stale).await.assert_error(
		StatusCode::UNAUTHORIZED,
		"sign a fresh one",
		None,
	);
	let at = now_ms();
	let other_chain = feed_auth::relayer_authorization(
		&relayer.public().0,
		at,
		&relayer.sign(&feed_auth::relayer_message(sp_core::H256::zero(), at)).0,
	);
	get_with(&anonymous, "/v1/readings", &other_chain).await.assert_error(
		StatusCode::UNAUTHORIZED,
		"does not verify",
		None,
	);

	// The relayer: served.
	let reply = get_with(&anonymous, "/v1/readings", &relayer_authorization(&relayer)).await;
	assert_eq!(reply.status, StatusCode::OK);
	assert_eq!(reply.json()["readings"].as_array().unwrap().len(), 3);
	gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_meters_readings_are_served_to_its_owner_only() {
	let dir = tempfile::tempdir().unwrap();
	let alice = sr25519::Pair::from_string("//Alice", None).unwrap();
	let bob = sr25519::Pair::from_string("//Bob", None).unwrap();
	let mut meters = known_meters(dir.path());
	// Dev meter 0 is Alice's on chain since the time of its reading 3.
	let chain = ChainMeter {
		owner: alice.public().0,
		last_seq: 0,
		readings_from_ms: T0,
		owner_since_ms: reading(SR_METER, 3).at_ms,
	};
	meters.set_from_chain(SR_METER, dev_meter_key(0), chain);
	let gw = TestGateway::start(&dir.path().join("gw.sqlite"), meters, None).await;
	let batch: Vec<_> = (1..=5).map(|seq| sign(reading(SR_METER, seq))).collect();
	assert_eq!(
		gw.http.post_json(&serde_json::to_value(batch).unwrap()).await.status,
		StatusCode::CREATED
	);
	let http = Http::new(gw.addr);
	let path = format!("/v1/meters/{SR_METER}/readings");

	// The owner: its readings since the meter became its own, with their outcomes.
	let reply = get_with(&http, &path, &owner_authorization(&alice, SR_METER)).await;
	assert_eq!(reply.status, StatusCode::OK, "{:?}", reply.body);
	let page = reply.json();
	let seqs: Vec<_> =
		page["readings"].as_array().unwrap().iter().map(|r| r["seq"].as_u64().unwrap()).collect();
	assert_eq!(seqs, [3, 4, 5]);
	assert_eq!(page["readings"][0]["cumulative_wh"], reading(SR_METER, 3).cumulative_wh);
	assert_eq!(page["readings"][0]["outcome"], "pending");
	assert_eq!(page["owner_since_ms"], chain.owner_since_ms);
	// Paged by cursor.
	let next = page["readings"][0]["cursor"].as_u64().unwrap();
	let reply = get_with(
		&http,
		&format!("{path}?after={next}&limit=1"),
		&owner_authorization(&alice, SR_METER),
	)
	.await;
	assert_eq!(reply.json()["readings"][0]["seq"], 4);

	// Someone else's account: 403; no signature, or a relayer's: 401.
	get_with(&http, &path, &owner_authorization(&bob, SR_METER)).await.assert_error(
		StatusCode::FORBIDDEN,
		"does not own meter 1000",
		None,
	);
	let reply = http.get(&path).await;
	reply.assert_error(StatusCode::UNAUTHORIZED, "WattcoinOwner authentication required", None);
	assert_eq!(reply.headers[header::WWW_AUTHENTICATE], "WattcoinOwner");
	get_with(&http, &path, &relayer_authorization(&relayer_pair())).await.assert_error(
		StatusCode::UNAUTHORIZED,
		"WattcoinOwner authentication required",
		None,
	);
	// Alice's signature for another meter does not open this one.
	get_with(&http, &path, &owner_authorization(&alice, SR_METER + 1)).await.assert_error(
		StatusCode::UNAUTHORIZED,
		"does not verify",
		None,
	);
	// A meter the chain does not have (the file's meters are not on chain): 404.
	get_with(
		&http,
		&format!("/v1/meters/{ED_METER}/readings"),
		&owner_authorization(&alice, ED_METER),
	)
	.await
	.assert_error(StatusCode::NOT_FOUND, "not registered on the chain", None);

	// The public outcomes show no consumption.
	let outcomes = http.get(&format!("/v1/meters/{SR_METER}/outcomes")).await.json();
	assert_eq!(outcomes["outcomes"].as_array().unwrap().len(), 5);
	assert!(!outcomes.to_string().contains("cumulative_wh"), "{outcomes}");
	gw.stop().await;
}
