//! The HTTP API, against a gateway running in this process with a temporary database.

mod common;

use codec::{Decode, Encode};
use common::*;
use hyper::{Method, StatusCode};
use serde_json::{json, Value};
use sp_core::{ecdsa, Pair, H256};
use sp_runtime::MultiSignature;
use std::{collections::BTreeSet, time::Duration};
use wattcoin_gateway::{
	api::{DEFAULT_LIMIT, MAX_LIMIT},
	simulator::SimulatorConfig,
};
use wattcoin_primitives::{
	gateway::{ReadingsPage, SCALE_CONTENT_TYPE},
	reading::{dev, flags, SignedReading},
};

async fn gateway() -> (tempfile::TempDir, TestGateway) {
	let dir = tempfile::tempdir().unwrap();
	let gateway =
		TestGateway::start(&dir.path().join("gw.sqlite"), known_meters(dir.path()), None).await;
	(dir, gateway)
}

fn to_json(batch: &[SignedReading]) -> Value {
	serde_json::to_value(batch).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepts_readings_of_all_three_schemes() {
	let (_dir, gw) = gateway().await;
	let signed =
		[sign(reading(ED_METER, 1)), sign(reading(SR_METER, 1)), sign(reading(ECDSA_METER, 1))];
	for (i, signed) in signed.iter().enumerate() {
		// One signed reading as a JSON object.
		let reply = gw.http.post_json(&serde_json::to_value(signed).unwrap()).await;
		assert_eq!(reply.status, StatusCode::CREATED, "{}", reply.json());
		assert_eq!(
			reply.json(),
			json!({ "accepted": 1, "new": 1, "duplicates": 0, "cursors": [i + 1] })
		);
		assert!(reply.content_type().starts_with("application/json"));
	}
	let stored = gw.http.all_readings().await;
	assert_eq!(
		stored,
		signed.iter().cloned().enumerate().map(|(i, s)| (i as u64 + 1, s)).collect::<Vec<_>>()
	);
	// The JSON page is exactly the protocol's JSON form plus the cursor.
	let page = gw.http.get("/v1/readings").await.json();
	let first = &page["readings"][0];
	assert_eq!(
		first,
		&json!({
			"cursor": 1,
			"meter": ED_METER,
			"seq": 1,
			"at_ms": T0 + 60_000,
			"cumulative_wh": 1_007,
			"flags": 0,
			"scheme": "ed25519",
			"signature": format!("0x{}", hex::encode(match &signed[0].signature {
				MultiSignature::Ed25519(s) => s.0.to_vec(),
				_ => unreachable!(),
			})),
		})
	);
	assert_eq!(page["readings"][1]["scheme"], "sr25519");
	assert_eq!(page["readings"][2]["scheme"], "ecdsa");
	assert_eq!(page["next"], 3);
	gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn accepts_json_arrays_and_scale_batches() {
	let (_dir, gw) = gateway().await;
	let batch = ed_readings(1..=3);
	let reply = gw.http.post_json(&to_json(&batch)).await;
	assert_eq!(reply.status, StatusCode::CREATED);
	assert_eq!(
		reply.json(),
		json!({ "accepted": 3, "new": 3, "duplicates": 0, "cursors": [1, 2, 3] })
	);

	// SCALE Vec<SignedReading>, mixing schemes; the answer is JSON.
	let scale_batch =
		vec![sign(reading(SR_METER, 1)), sign(reading(ECDSA_METER, 1)), batch[2].clone()];
	let reply = gw.http.post_raw(SCALE_CONTENT_TYPE, scale_batch.encode()).await;
	assert_eq!(reply.status, StatusCode::CREATED);
	assert_eq!(
		reply.json(),
		json!({ "accepted": 3, "new": 2, "duplicates": 1, "cursors": [4, 5, 3] })
	);
	// A Content-Type with parameters, and none at all, are JSON.
	let reply = gw
		.http
		.post_raw(
			"application/json; charset=utf-8",
			to_json(&ed_readings(4..=4)).to_string().into_bytes(),
		)
		.await;
	assert_eq!(reply.status, StatusCode::CREATED);
	let reply = gw
		.http
		.request(
			Method::POST,
			"/v1/readings",
			&[],
			to_json(&ed_readings(5..=5)).to_string().into_bytes(),
		)
		.await
		.unwrap();
	assert_eq!(reply.status, StatusCode::CREATED);
	assert_eq!(reply.json()["cursors"], json!([7]));

	let stored: Vec<_> = gw.http.all_readings().await.into_iter().map(|(c, _)| c).collect();
	assert_eq!(stored, [1, 2, 3, 4, 5, 6, 7]);
	gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn malformed_requests_are_400_naming_the_reading() {
	let (_dir, gw) = gateway().await;
	let good = serde_json::to_value(sign(reading(ED_METER, 1))).unwrap();
	let with = |field: &str, value: Value| {
		let mut v = good.clone();
		v[field] = value;
		v
	};
	let without = |field: &str| {
		let mut v = good.clone();
		v.as_object_mut().unwrap().remove(field);
		v
	};
	let raw_cases: Vec<(&[u8], &str)> = vec![
		(b"{ not json", "malformed JSON"),
		(b"", "malformed JSON"),
		(b"42", "expected a signed reading (a JSON object) or an array of them"),
		(b"\"reading\"", "expected a signed reading"),
	];
	for (body, error) in raw_cases {
		let reply = gw.http.post_raw("application/json", body.to_vec()).await;
		reply.assert_error(StatusCode::BAD_REQUEST, error, None);
	}
	let cases = [
		(without("signature"), "missing field `signature`"),
		(without("meter"), "missing field `meter`"),
		(with("extra", json!(1)), "unknown field `extra`"),
		// Out-of-range and fractional integers read "invalid value"/"invalid type", or
		// "invalid number" when serde_json's `arbitrary_precision` is on (other crates of the
		// workspace enable it).
		(with("seq", json!(-1)), "invalid"),
		(with("seq", json!("1")), "invalid type"),
		(with("cumulative_wh", json!(1.5)), "invalid"),
		(with("flags", json!(256)), "invalid"),
		(with("scheme", json!("eth")), "unknown signature scheme \"eth\""),
		(with("signature", json!("00")), "signature must start with 0x"),
		(with("signature", json!("0xzz")), "signature is not hex"),
		(with("signature", json!("0x0011")), "ed25519 signature must be 64 bytes, not 2"),
		(json!(null), "invalid type"),
	];
	for (bad, error) in cases {
		// Alone: index 0.
		let reply = gw.http.post_json(&bad).await;
		if bad.is_object() {
			reply.assert_error(StatusCode::BAD_REQUEST, error, Some(0));
		} else {
			reply.assert_error(StatusCode::BAD_REQUEST, "expected a signed reading", None);
		}
		// Second of a batch: index 1.
		let reply = gw.http.post_json(&json!([good, bad])).await;
		reply.assert_error(StatusCode::BAD_REQUEST, error, Some(1));
	}
	gw.http.post_json(&json!([])).await.assert_error(StatusCode::BAD_REQUEST, "empty batch", None);

	// SCALE: garbage, a truncated reading, trailing bytes.
	let encoded = vec![sign(reading(ED_METER, 1)), sign(reading(ED_METER, 2))].encode();
	let reply = gw.http.post_raw(SCALE_CONTENT_TYPE, encoded[..encoded.len() - 3].to_vec()).await;
	reply.assert_error(StatusCode::BAD_REQUEST, "malformed SCALE SignedReading", Some(1));
	let mut trailing = encoded.clone();
	trailing.extend([1, 2]);
	let reply = gw.http.post_raw(SCALE_CONTENT_TYPE, trailing).await;
	reply.assert_error(StatusCode::BAD_REQUEST, "2 bytes after the SCALE Vec<SignedReading>", None);
	let reply = gw.http.post_raw(SCALE_CONTENT_TYPE, Vec::new()).await;
	reply.assert_error(StatusCode::BAD_REQUEST, "malformed SCALE Vec<SignedReading>", None);
	// An unknown MultiSignature variant.
	let mut bad_variant = vec![sign(reading(ED_METER, 1))].encode();
	bad_variant[1 + 33] = 9;
	let reply = gw.http.post_raw(SCALE_CONTENT_TYPE, bad_variant).await;
	reply.assert_error(StatusCode::BAD_REQUEST, "malformed SCALE SignedReading", Some(0));

	// Too many readings, or too many bytes.
	let too_many = vec![good.clone(); wattcoin_gateway::ingest::MAX_BATCH + 1];
	let reply = gw.http.post_json(&Value::Array(too_many)).await;
	reply.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "larger than the limit of 10000", None);
	let reply = gw.http.post_raw(SCALE_CONTENT_TYPE, codec::Compact(10_001u32).encode()).await;
	reply.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "larger than the limit", None);
	let huge = vec![b' '; wattcoin_gateway::api::MAX_JSON_BODY_BYTES + 1];
	let reply = gw.http.post_raw("application/json", huge).await;
	reply.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "body larger than 4280002 bytes", None);
	let huge = vec![0; wattcoin_gateway::api::MAX_SCALE_BODY_BYTES + 1];
	let reply = gw.http.post_raw(SCALE_CONTENT_TYPE, huge).await;
	reply.assert_error(StatusCode::PAYLOAD_TOO_LARGE, "body larger than 990005 bytes", None);

	// Other content types.
	let reply = gw.http.post_raw("text/plain", good.to_string().into_bytes()).await;
	reply.assert_error(StatusCode::UNSUPPORTED_MEDIA_TYPE, "unsupported Content-Type", None);

	// Nothing was stored by any of these.
	assert!(gw.http.all_readings().await.is_empty());
	gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_signatures_unknown_meters_and_reserved_flags_are_422() {
	let (_dir, gw) = gateway().await;
	let good = sign(reading(ED_METER, 1));

	let other_chain =
		SignedReading::sign_ed25519(reading(ED_METER, 2), H256::repeat_byte(1), &ed_pair());
	let mut altered = sign(reading(ED_METER, 2));
	altered.reading.cumulative_wh += 1;
	let wrong_key = SignedReading::sign_ed25519(
		reading(ED_METER, 2),
		GENESIS,
		&sp_core::ed25519::Pair::from_seed(&[9; 32]),
	);
	let wrong_scheme =
		SignedReading::sign_sr25519(reading(ED_METER, 2), GENESIS, &dev::dev_meter_pair(0));
	let other_ecdsa = SignedReading::sign_ecdsa(
		reading(ECDSA_METER, 2),
		GENESIS,
		&ecdsa::Pair::from_seed(&[3; 32]),
	);
	// Dev meter 1's key signing for dev meter 0.
	let other_dev =
		SignedReading::sign_sr25519(reading(SR_METER, 2), GENESIS, &dev::dev_meter_pair(1));
	let unknown = SignedReading::sign_sr25519(reading(1002, 1), GENESIS, &dev::dev_meter_pair(2));
	let mut flagged = reading(ED_METER, 2);
	flagged.flags = flags::POWER_FAILURE | 0x80;
	let reserved = sign(flagged);
	let seq_zero = sign(reading(ED_METER, 0));

	let cases = [
		(other_chain, "bad signature: not meter 5000's signature"),
		(altered, "bad signature"),
		(wrong_key, "bad signature"),
		(
			wrong_scheme,
			"bad signature: meter 5000's device key is ed25519, the signature is sr25519",
		),
		(other_ecdsa, "bad signature: not meter 5001's signature (ecdsa:0x"),
		(other_dev, "bad signature: not meter 1000's signature (sr25519:0x44ff9732"),
		(unknown, "unknown meter 1002"),
		(reserved, "reserved flag bits set: flags 0x81 has bits 0x80"),
		(seq_zero, "seq must be at least 1"),
	];
	for (bad, error) in cases {
		let reply = gw.http.post_json(&to_json(&[good.clone(), bad.clone()])).await;
		reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, error, Some(1));
		let reply = gw.http.post_raw(SCALE_CONTENT_TYPE, vec![bad].encode()).await;
		reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, error, Some(0));
	}
	// An Eth signature can only come in SCALE.
	let eth = SignedReading {
		reading: reading(ED_METER, 2),
		signature: MultiSignature::Eth(sp_core::ecdsa::KeccakSignature::from_raw([0; 65])),
	};
	let reply = gw.http.post_raw(SCALE_CONTENT_TYPE, vec![good.clone(), eth].encode()).await;
	reply.assert_error(StatusCode::UNPROCESSABLE_ENTITY, "unsupported signature scheme", Some(1));

	// All or nothing: the good reading of those batches was not stored.
	assert!(gw.http.all_readings().await.is_empty());
	let health = gw.http.get("/healthz").await.json();
	assert_eq!(health["readings"], 0);
	gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn resubmissions_are_idempotent_and_conflicts_are_409() {
	let (_dir, gw) = gateway().await;
	let batch = vec![sign(reading(ED_METER, 1)), sign(reading(SR_METER, 1))];
	assert_eq!(gw.http.post_json(&to_json(&batch)).await.status, StatusCode::CREATED);

	// The same batch again: 200, the same cursors, nothing stored twice.
	let reply = gw.http.post_json(&to_json(&batch)).await;
	assert_eq!(reply.status, StatusCode::OK);
	assert_eq!(
		reply.json(),
		json!({ "accepted": 2, "new": 0, "duplicates": 2, "cursors": [1, 2] })
	);
	// The same sr25519 reading signed again (another signature, the same reading) too.
	let resigned = sign(reading(SR_METER, 1));
	assert_ne!(resigned.signature, batch[1].signature);
	let reply = gw.http.post_raw(SCALE_CONTENT_TYPE, vec![resigned].encode()).await;
	assert_eq!(reply.status, StatusCode::OK);
	assert_eq!(reply.json()["cursors"], json!([2]));
	// Repeated within one batch, with a new reading: stored once.
	let new = sign(reading(ED_METER, 2));
	let reply = gw.http.post_json(&to_json(&[new.clone(), new.clone(), batch[0].clone()])).await;
	assert_eq!(reply.status, StatusCode::CREATED);
	assert_eq!(
		reply.json(),
		json!({ "accepted": 3, "new": 1, "duplicates": 2, "cursors": [3, 3, 1] })
	);

	// The same (meter, seq) with other content: 409, and nothing of the batch stored.
	let mut other = reading(ED_METER, 1);
	other.cumulative_wh += 100;
	let conflicting = sign(other);
	let reply =
		gw.http.post_json(&to_json(&[sign(reading(ED_METER, 3)), conflicting.clone()])).await;
	reply.assert_error(
		StatusCode::CONFLICT,
		"meter 5000 seq 1 is already stored (cursor 1) with different content",
		Some(1),
	);
	let mut other_flags = reading(SR_METER, 1);
	other_flags.flags = flags::COVER_OPENED;
	let reply = gw.http.post_raw(SCALE_CONTENT_TYPE, vec![sign(other_flags)].encode()).await;
	reply.assert_error(StatusCode::CONFLICT, "meter 1000 seq 1", Some(0));
	// Conflicting within one batch.
	let a = sign(reading(ECDSA_METER, 1));
	let mut b = reading(ECDSA_METER, 1);
	b.at_ms += 1;
	let reply = gw.http.post_json(&to_json(&[a, sign(b)])).await;
	reply.assert_error(StatusCode::CONFLICT, "meter 5001 seq 1", Some(1));

	let stored = gw.http.all_readings().await;
	assert_eq!(stored, vec![(1, batch[0].clone()), (2, batch[1].clone()), (3, new)]);
	gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn pages_in_cursor_order_in_json_and_scale() {
	let (_dir, gw) = gateway().await;
	let total = MAX_LIMIT as u64 + 5;
	let batch = ed_readings(1..=total);
	assert_eq!(gw.http.post_json(&to_json(&batch)).await.status, StatusCode::CREATED);

	let cursors = |page: &Value| -> Vec<u64> {
		page["readings"].as_array().unwrap().iter().map(|r| r["cursor"].as_u64().unwrap()).collect()
	};
	// after / limit.
	let page = gw.http.get("/v1/readings?after=0&limit=10").await.json();
	assert_eq!(cursors(&page), (1..=10).collect::<Vec<_>>());
	assert_eq!(page["next"], 10);
	let page = gw.http.get("/v1/readings?after=10&limit=3").await.json();
	assert_eq!(cursors(&page), [11, 12, 13]);
	assert_eq!(page["next"], 13);
	let page = gw.http.get(&format!("/v1/readings?limit=10&after={}", total - 2)).await.json();
	assert_eq!(cursors(&page), [total - 1, total]);
	assert_eq!(page["next"], total);
	let page = gw.http.get(&format!("/v1/readings?after={total}")).await.json();
	assert_eq!(page, json!({ "readings": [], "next": total }));
	let page = gw.http.get(&format!("/v1/readings?after={}", u64::MAX)).await.json();
	assert_eq!(page, json!({ "readings": [], "next": u64::MAX }));
	// Defaults, and the cap.
	let page = gw.http.get("/v1/readings").await.json();
	assert_eq!(cursors(&page), (1..=u64::from(DEFAULT_LIMIT)).collect::<Vec<_>>());
	let page = gw.http.get("/v1/readings?limit=5000").await.json();
	assert_eq!(cursors(&page).len(), MAX_LIMIT as usize);
	assert_eq!(page["next"], u64::from(MAX_LIMIT));

	// SCALE: the same pages as ReadingsPage.
	for (after, limit) in [(0u64, 10u32), (10, 3), (total - 2, 10), (total, 10), (0, 5000)] {
		let reply = gw.http.get_scale(&format!("/v1/readings?after={after}&limit={limit}")).await;
		assert_eq!(reply.status, StatusCode::OK);
		assert_eq!(reply.content_type(), SCALE_CONTENT_TYPE);
		let page = ReadingsPage::decode(&mut &reply.body[..]).unwrap();
		let expected: Vec<_> = (after + 1..=total)
			.take(limit.min(MAX_LIMIT) as usize)
			.map(|cursor| (cursor, batch[cursor as usize - 1].clone()))
			.collect();
		let next = expected.last().map_or(after, |(cursor, _)| *cursor);
		assert_eq!(page, ReadingsPage { readings: expected, next });
		assert_eq!(page.encode().len(), reply.body.len(), "nothing after the page");
	}
	// Accept lists are understood.
	let reply = gw
		.http
		.request(
			Method::GET,
			"/v1/readings?limit=1",
			&[("accept", "application/json;q=0.5, application/scale")],
			Vec::new(),
		)
		.await
		.unwrap();
	assert_eq!(ReadingsPage::decode(&mut &reply.body[..]).unwrap().readings.len(), 1);
	gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_query_parameters_are_400() {
	let (_dir, gw) = gateway().await;
	for (query, error) in [
		("after=abc", "after must be an unsigned integer, not \"abc\""),
		("after=-1", "after must be an unsigned integer"),
		("after=18446744073709551616", "after must be an unsigned integer"),
		("limit=0", "limit must be at least 1"),
		("limit=ten", "limit must be an unsigned integer"),
		("after=1&after=2", "after given more than once"),
		("cursor=1", "unknown query parameter \"cursor\""),
	] {
		let reply = gw.http.get(&format!("/v1/readings?{query}")).await;
		reply.assert_error(StatusCode::BAD_REQUEST, error, None);
		let reply = gw.http.get_scale(&format!("/v1/readings?{query}")).await;
		reply.assert_error(StatusCode::BAD_REQUEST, error, None);
	}
	gw.http.get("/nowhere").await.assert_error(StatusCode::NOT_FOUND, "not found", None);
	let reply = gw.http.request(Method::DELETE, "/v1/readings", &[], Vec::new()).await.unwrap();
	reply.assert_error(StatusCode::METHOD_NOT_ALLOWED, "method not allowed", None);
	gw.stop().await;
}

/// Supply commands come from the node a gateway follows: one that follows none says so, and a
/// malformed meter id is 400 (the e2e tests serve real commands, `e2e/tests/ocw.test.mjs`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_gateway_following_no_node_serves_no_supply_command() {
	let (_dir, gw) = gateway().await;
	gw.http.get(&format!("/v1/meters/{ED_METER}/supply")).await.assert_error(
		StatusCode::NOT_FOUND,
		"follows no node (--node-rpc)",
		None,
	);
	assert_eq!(gw.http.get("/v1/meters/lots/supply").await.status, StatusCode::BAD_REQUEST);
	gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthz_reports_the_store() {
	let (_dir, gw) = gateway().await;
	let health = |json: Value| {
		(json["status"].clone(), json["readings"].clone(), json["last_cursor"].clone())
	};
	let reply = gw.http.get("/healthz").await;
	assert_eq!(reply.status, StatusCode::OK);
	assert_eq!(health(reply.json()), (json!("ok"), json!(0), json!(0)));
	assert_eq!(reply.json()["meters"], 4);
	assert_eq!(reply.json()["genesis_hash"], format!("{GENESIS:?}"));
	gw.http.post_json(&to_json(&ed_readings(1..=4))).await;
	gw.http.post_json(&to_json(&ed_readings(3..=6))).await;
	assert_eq!(health(gw.http.get("/healthz").await.json()), (json!("ok"), json!(6), json!(6)));
	gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn readings_survive_a_restart_with_the_same_cursors() {
	let dir = tempfile::tempdir().unwrap();
	let db = dir.path().join("gw.sqlite");
	let gw = TestGateway::start(&db, known_meters(dir.path()), None).await;
	gw.http.post_json(&to_json(&ed_readings(1..=5))).await;
	gw.http.post_json(&to_json(&[sign(reading(SR_METER, 1)), sign(reading(ECDSA_METER, 1))])).await;
	let before = gw.http.all_readings().await;
	assert_eq!(before.len(), 7);
	gw.stop().await;

	let gw = TestGateway::start(&db, known_meters(dir.path()), None).await;
	assert_eq!(gw.http.all_readings().await, before);
	let health = gw.http.get("/healthz").await.json();
	assert_eq!((health["readings"].clone(), health["last_cursor"].clone()), (json!(7), json!(7)));
	// Idempotent across the restart, and new readings carry on after the last cursor.
	let reply = gw.http.post_json(&to_json(&ed_readings(5..=6))).await;
	assert_eq!(reply.json()["cursors"], json!([5, 8]));
	gw.stop().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn simulated_meters_are_served_and_resume_after_a_restart() {
	let dir = tempfile::tempdir().unwrap();
	let db = dir.path().join("gw.sqlite");
	let config = SimulatorConfig {
		count: 3,
		interval: Duration::from_millis(100),
		scale_percent: 100,
		heavy_meters: BTreeSet::from([1002]),
		heavy_factor: 50.0,
		obey_supply: true,
		supply_failsafe: Duration::from_secs(900),
	};
	let meters = known_meters(dir.path());
	let wait_for = |http: common::Http, count: usize| async move {
		for _ in 0..600 {
			let stored = http.all_readings().await;
			if stored.len() >= count {
				return stored;
			}
			tokio::time::sleep(Duration::from_millis(50)).await;
		}
		panic!("fewer than {count} readings after 30 s");
	};
	let gw = TestGateway::start(&db, meters.clone(), Some(config.clone())).await;
	wait_for(gw.http.clone(), 9).await;
	// Simulated meters are known: a reading POSTed for one with a wrong key is refused.
	let forged =
		SignedReading::sign_sr25519(reading(1002, 1_000), GENESIS, &dev::dev_meter_pair(0));
	gw.http.post_json(&serde_json::to_value(forged).unwrap()).await.assert_error(
		StatusCode::UNPROCESSABLE_ENTITY,
		"bad signature",
		Some(0),
	);
	gw.stop().await;
	let before = TestGateway::start(&db, meters.clone(), None).await;
	let stored_before = before.http.all_readings().await;
	before.stop().await;

	let gw = TestGateway::start(&db, meters, Some(config)).await;
	let stored = wait_for(gw.http.clone(), stored_before.len() + 6).await;
	gw.stop().await;
	assert_eq!(stored[..stored_before.len()], stored_before[..]);
	for meter in [1000, 1001, 1002] {
		let readings: Vec<_> =
			stored.iter().map(|(_, s)| s.reading).filter(|r| r.meter == meter).collect();
		assert!(readings.len() >= 5, "meter {meter}: {}", readings.len());
		for pair in readings.windows(2) {
			assert_eq!(pair[1].seq, pair[0].seq + 1, "meter {meter}: {pair:?}");
			assert!(pair[1].cumulative_wh >= pair[0].cumulative_wh, "meter {meter}: {pair:?}");
			assert!(pair[1].at_ms >= pair[0].at_ms, "meter {meter}: {pair:?}");
		}
		assert_eq!(readings[0].seq, 1);
	}
	// Each served reading verifies for its dev meter.
	for (_, signed) in &stored {
		let i = (signed.reading.meter - 1000) as u32;
		assert!(signed.verify_with(GENESIS, &dev::dev_meter_key(i).unwrap()));
	}
}

/// A fake node (a jsonrpsee WebSocket server): answers `chain_getBlockHash(0)` with an error,
/// then with no block, then with the genesis hash.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_genesis_hash_comes_from_the_node_after_retries() {
	use jsonrpsee::{server::Server, types::ErrorObjectOwned, RpcModule};
	use std::sync::{
		atomic::{AtomicUsize, Ordering},
		Arc,
	};
	use wattcoin_gateway::genesis::{fetch_genesis_hash, wait_for_genesis_hash};

	// Nothing listening: a connection error, said so.
	let dead: hyper::Uri = "http://127.0.0.1:9/".parse().unwrap();
	let err = fetch_genesis_hash(&dead, Duration::from_secs(5)).await.unwrap_err();
	assert!(err.contains("cannot connect to ws://127.0.0.1:9"), "{err}");

	let calls = Arc::new(AtomicUsize::new(0));
	let mut module = RpcModule::new(calls.clone());
	module
		.register_method("chain_getBlockHash", |params, calls, _| {
			assert_eq!(params.parse::<(u32,)>().unwrap(), (0,));
			match calls.fetch_add(1, Ordering::SeqCst) {
				0 => Err(ErrorObjectOwned::owned(-32000, "not yet", None::<()>)),
				1 => Ok(None),
				_ => Ok(Some(format!("{GENESIS:?}"))),
			}
		})
		.unwrap();
	let server = Server::builder().build("127.0.0.1:0").await.unwrap();
	let url: hyper::Uri = format!("http://{}/", server.local_addr().unwrap()).parse().unwrap();
	let handle = server.start(module);

	let err = fetch_genesis_hash(&url, Duration::from_secs(5)).await.unwrap_err();
	assert!(err.contains("not yet"), "{err}");
	let err = fetch_genesis_hash(&url, Duration::from_secs(5)).await.unwrap_err();
	assert!(err.contains("no block 0"), "{err}");
	let (_stop, mut shutdown) = tokio::sync::watch::channel(false);
	let hash = wait_for_genesis_hash(&url, Duration::from_millis(10), &mut shutdown).await;
	assert_eq!(hash, Some(GENESIS));
	assert_eq!(calls.load(Ordering::SeqCst), 3);

	// A shutdown while waiting ends the wait.
	let (stop, mut shutdown) = tokio::sync::watch::channel(false);
	let waiting = tokio::spawn(async move {
		wait_for_genesis_hash(&dead, Duration::from_millis(10), &mut shutdown).await
	});
	tokio::time::sleep(Duration::from_millis(100)).await;
	stop.send(true).unwrap();
	assert_eq!(
		tokio::time::timeout(Duration::from_secs(10), waiting).await.unwrap().unwrap(),
		None
	);
	handle.stop().unwrap();
}
