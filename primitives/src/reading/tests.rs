use super::*;
use hex_literal::hex;
use sp_core::Pair;

/// The specification whose test vectors these tests check.
const PROTOCOL_DOC: &str = include_str!("../../../docs/protocol.md");

const VECTOR_GENESIS: H256 =
	H256(hex!("000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"));

const VECTOR_READING: Reading = Reading {
	meter: 1000,
	seq: 42,
	at_ms: 1_767_225_600_000,
	cumulative_wh: 123_456,
	flags: flags::POWER_FAILURE,
};

const VECTOR_PAYLOAD: [u8; PAYLOAD_LEN] = hex!(
	"77617474636f696e2f72656164696e672f7632"
	"000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"
	"e803000000000000"
	"2a00000000000000"
	"00a8da769b010000"
	"40e2010000000000"
	"01"
);

const ED25519_SEED: [u8; 32] =
	hex!("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60");
const ED25519_PUBLIC: [u8; 32] =
	hex!("d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a");
const ED25519_SIGNATURE: [u8; 64] = hex!(
	"20fbf4db76de1a0f7cc380df5a8a6b3feb9dcaafefbe6f435f1b213732569c0f"
	"7d74d504cebb365a2af733cbbd69f613ab7590f40ae7ddcf17093202b4e58f07"
);

const ECDSA_SECRET: [u8; 32] =
	hex!("4c0883a69102937d6231471b5dbb6204fe5129617082792ae468d01a3f362318");
const ECDSA_PUBLIC: [u8; 33] =
	hex!("024e3b81af9c2234cad09d679ce6035ed1392347ce64ce405f5dcd36228a25de6e");
const ECDSA_SIGNATURE: [u8; 65] = hex!(
	"9fa67f8a8addaaa0369d7ac16f7f83799acea41380d0d4f46905fcb24532affe"
	"15b24e1c83c1b87681b82d4c7ff1717f47d83f64b71db3c8d464c22846a2d98e01"
);

const SR25519_PUBLIC: [u8; 32] =
	hex!("44ff97322f5338f00fe57c1781335c72fb81d451702cb279cfe7f2eed17ff002");
const SR25519_SIGNATURE: [u8; 64] = hex!(
	"14d458a7115ed22a85573ccd673b3de67d5c9c20adf256a95741f5a5ebe89155"
	"58f4a245d954a529844aa50ab674dc4cd4dd023167b887f6e1c99ed06d8b568c"
);

fn hex0x(bytes: &[u8]) -> String {
	format!("0x{}", hex::encode(bytes))
}

/// `doc` has a line that is exactly `label` followed by spaces and `value`.
fn assert_doc_line(label: &str, value: &str) {
	let found = PROTOCOL_DOC.lines().any(|line| {
		line.strip_prefix(label)
			.is_some_and(|rest| rest.starts_with(' ') && rest.trim_start() == value)
	});
	assert!(found, "docs/protocol.md has no line `{label} {value}`");
}

fn ed25519_vector_pair() -> ed25519::Pair {
	ed25519::Pair::from_seed(&ED25519_SEED)
}

fn ecdsa_vector_pair() -> ecdsa::Pair {
	ecdsa::Pair::from_seed(&ECDSA_SECRET)
}

fn signed(signature: MultiSignature) -> SignedReading {
	SignedReading { reading: VECTOR_READING, signature }
}

#[test]
fn payload_is_tag_genesis_then_reading_fields_little_endian() {
	let reading = Reading {
		meter: 0x0102_0304_0506_0708,
		seq: 0x1112_1314_1516_1718,
		at_ms: 0x2122_2324_2526_2728,
		cumulative_wh: 0x3132_3334_3536_3738,
		flags: 0x0f,
	};
	let genesis = H256::repeat_byte(0xaa);
	let payload = signing_payload(genesis, &reading);

	assert_eq!(payload.len(), PAYLOAD_LEN);
	assert_eq!(PAYLOAD_LEN, 84);
	assert_eq!(&payload[0..19], b"wattcoin/reading/v2");
	assert_eq!(&payload[19..51], &[0xaa; 32]);
	assert_eq!(&payload[51..59], &hex!("0807060504030201"));
	assert_eq!(&payload[59..67], &hex!("1817161514131211"));
	assert_eq!(&payload[67..75], &hex!("2827262524232221"));
	assert_eq!(&payload[75..83], &hex!("3837363534333231"));
	assert_eq!(payload[83], 0x0f);
	// The reading on its own encodes to its 33 bytes, the same as in the payload.
	assert_eq!(reading.encode(), payload[51..].to_vec());
	assert_eq!(Reading::max_encoded_len(), READING_LEN);
}

#[test]
fn domain_tag_is_a_fixed_array_without_length_prefix() {
	assert_eq!(DOMAIN_TAG.encode(), b"wattcoin/reading/v2".to_vec());
	// A slice or vector would carry a compact length prefix: that is a different message.
	assert_eq!(DOMAIN_TAG.to_vec().encode()[0], 19 << 2);
	assert_ne!(
		(DOMAIN_TAG.to_vec(), VECTOR_GENESIS, VECTOR_READING).encode(),
		signing_payload(VECTOR_GENESIS, &VECTOR_READING)
	);
}

#[test]
fn payload_test_vector() {
	assert_eq!(signing_payload(VECTOR_GENESIS, &VECTOR_READING), VECTOR_PAYLOAD.to_vec());
}

#[test]
fn ed25519_test_vector() {
	let pair = ed25519_vector_pair();
	assert_eq!(pair.public().0, ED25519_PUBLIC);
	let signed = SignedReading::sign_ed25519(VECTOR_READING, VECTOR_GENESIS, &pair);
	assert_eq!(
		signed.signature,
		MultiSignature::Ed25519(ed25519::Signature::from_raw(ED25519_SIGNATURE))
	);
	let mut scale = vec![0x00];
	scale.extend_from_slice(&ED25519_SIGNATURE);
	assert_eq!(signed.signature.encode(), scale);
	assert!(signed
		.verify(VECTOR_GENESIS, &MultiSigner::Ed25519(ed25519::Public::from_raw(ED25519_PUBLIC))));
}

#[test]
fn ecdsa_test_vector() {
	let pair = ecdsa_vector_pair();
	assert_eq!(pair.public().0, ECDSA_PUBLIC);
	let signed = SignedReading::sign_ecdsa(VECTOR_READING, VECTOR_GENESIS, &pair);
	assert_eq!(
		signed.signature,
		MultiSignature::Ecdsa(ecdsa::Signature::from_raw(ECDSA_SIGNATURE))
	);
	assert!(
		signed.verify(VECTOR_GENESIS, &MultiSigner::Ecdsa(ecdsa::Public::from_raw(ECDSA_PUBLIC)))
	);
	// ecdsa signs the blake2b-256 hash of the payload.
	let prehashed = pair.sign_prehashed(&sp_io::hashing::blake2_256(&VECTOR_PAYLOAD));
	assert_eq!(prehashed.0, ECDSA_SIGNATURE);
}

#[test]
fn sr25519_test_vector_verifies() {
	assert_eq!(dev::dev_meter_pair(0).public().0, SR25519_PUBLIC);
	let signer = MultiSigner::Sr25519(sr25519::Public::from_raw(SR25519_PUBLIC));
	let vector = signed(MultiSignature::Sr25519(sr25519::Signature::from_raw(SR25519_SIGNATURE)));
	assert!(vector.verify(VECTOR_GENESIS, &signer));
	// Randomised: a fresh signature differs but verifies too.
	let fresh =
		SignedReading::sign_sr25519(VECTOR_READING, VECTOR_GENESIS, &dev::dev_meter_pair(0));
	assert_ne!(fresh.signature, vector.signature);
	assert!(fresh.verify(VECTOR_GENESIS, &signer));
}

#[test]
fn docs_carry_the_test_vectors() {
	assert_doc_line("payload:", &hex0x(&VECTOR_PAYLOAD));
	assert_doc_line("ed25519 seed:", &hex0x(&ED25519_SEED));
	assert_doc_line("ed25519 public:", &hex0x(&ED25519_PUBLIC));
	assert_doc_line("ed25519 signature:", &hex0x(&ED25519_SIGNATURE));
	assert_doc_line(
		"MultiSignature:",
		&hex0x(
			&signed(MultiSignature::Ed25519(ed25519::Signature::from_raw(ED25519_SIGNATURE)))
				.signature
				.encode(),
		),
	);
	assert_doc_line("ecdsa secret key:", &hex0x(&ECDSA_SECRET));
	assert_doc_line("ecdsa public:", &hex0x(&ECDSA_PUBLIC));
	assert_doc_line("ecdsa signature:", &hex0x(&ECDSA_SIGNATURE));
	assert_doc_line("sr25519 public:", &hex0x(&SR25519_PUBLIC));
	assert_doc_line("sr25519 signature:", &hex0x(&SR25519_SIGNATURE));
	assert!(
		PROTOCOL_DOC.contains(&format!("genesis hash | `{}`", hex0x(VECTOR_GENESIS.as_bytes()))),
		"docs/protocol.md states another genesis hash"
	);
	let reading_row = format!(
		"reading | `meter` {}, `seq` {}, `at_ms` {} (2026-01-01T00:00:00Z), `cumulative_wh` {}, \
		 `flags` {} (`POWER_FAILURE`)",
		VECTOR_READING.meter,
		VECTOR_READING.seq,
		VECTOR_READING.at_ms,
		VECTOR_READING.cumulative_wh,
		VECTOR_READING.flags
	);
	assert!(PROTOCOL_DOC.contains(&reading_row), "docs/protocol.md states another reading");
	// The per-field dump of the payload concatenates to the payload.
	let dump: String = PROTOCOL_DOC
		.lines()
		.skip_while(|line| !line.starts_with("Payload (84 bytes), split by field:"))
		.skip_while(|line| !line.starts_with("```"))
		.skip(1)
		.take_while(|line| !line.starts_with("```"))
		.filter_map(|line| line.split_whitespace().next())
		.collect();
	assert_eq!(dump, hex::encode(VECTOR_PAYLOAD));
	// The JSON example is the ed25519 vector.
	let json = serde_json::to_string_pretty(&SignedReading::sign_ed25519(
		VECTOR_READING,
		VECTOR_GENESIS,
		&ed25519_vector_pair(),
	))
	.unwrap();
	assert!(
		PROTOCOL_DOC.contains(&format!("```json\n{json}\n```")),
		"JSON example differs:\n{json}"
	);
}

#[test]
fn sign_and_verify_with_each_scheme() {
	let sr = sr25519::Pair::from_seed(&[1; 32]);
	let ed = ed25519::Pair::from_seed(&[2; 32]);
	let ec = ecdsa::Pair::from_seed(&[3; 32]);
	let cases = [
		(
			SignedReading::sign_sr25519(VECTOR_READING, VECTOR_GENESIS, &sr),
			MultiSigner::from(sr.public()),
			SignatureScheme::Sr25519,
		),
		(
			SignedReading::sign_ed25519(VECTOR_READING, VECTOR_GENESIS, &ed),
			MultiSigner::from(ed.public()),
			SignatureScheme::Ed25519,
		),
		(
			SignedReading::sign_ecdsa(VECTOR_READING, VECTOR_GENESIS, &ec),
			MultiSigner::from(ec.public()),
			SignatureScheme::Ecdsa,
		),
	];
	for (signed, signer, scheme) in &cases {
		assert!(signed.verify(VECTOR_GENESIS, signer));
		assert_eq!(signed.scheme(), Some(*scheme));
		let key = DeviceKey::try_from(signer.clone()).unwrap();
		assert_eq!(key.scheme(), *scheme);
		assert!(signed.verify_with(VECTOR_GENESIS, &key));
		assert_eq!(MultiSigner::from(key), *signer);
		// The encodings of `DeviceKey` and `MultiSigner` agree.
		assert_eq!(key.encode(), signer.encode());
		assert_eq!(DeviceKey::decode(&mut &signer.encode()[..]).unwrap(), key);
	}
	// A signature never verifies under another key, including one of another scheme.
	for (i, (signed, _, _)) in cases.iter().enumerate() {
		for (j, (_, signer, _)) in cases.iter().enumerate() {
			if i != j {
				assert!(!signed.verify(VECTOR_GENESIS, signer));
			}
		}
	}
}

#[test]
fn any_change_to_the_message_breaks_the_signature() {
	let pair = ed25519_vector_pair();
	let signer = MultiSigner::from(pair.public());
	let good = SignedReading::sign_ed25519(VECTOR_READING, VECTOR_GENESIS, &pair);

	// Another chain.
	assert!(!good.verify(H256::repeat_byte(0x69), &signer));
	// Any field altered.
	let alterations: [fn(&mut Reading); 5] = [
		|r| r.meter += 1,
		|r| r.seq += 1,
		|r| r.at_ms += 1,
		|r| r.cumulative_wh -= 1,
		|r| r.flags ^= flags::COVER_OPENED,
	];
	for alter in alterations {
		let mut tampered = good.clone();
		alter(&mut tampered.reading);
		assert!(!tampered.verify(VECTOR_GENESIS, &signer));
	}
	// Another domain tag, or the tag with a length prefix.
	let v1 = (DOMAIN_TAG_V1, VECTOR_GENESIS, VECTOR_READING).encode();
	let v3 = (*b"wattcoin/reading/v3", VECTOR_GENESIS, VECTOR_READING).encode();
	let prefixed = (DOMAIN_TAG.to_vec(), VECTOR_GENESIS, VECTOR_READING).encode();
	for payload in [v1, v3, prefixed] {
		let forged = signed(pair.sign(&payload).into());
		assert!(!forged.verify(VECTOR_GENESIS, &signer));
	}
	// Another key.
	assert!(!good
		.verify(VECTOR_GENESIS, &MultiSigner::from(ed25519::Pair::from_seed(&[9; 32]).public())));
}

#[test]
fn eth_keys_and_signatures_are_unsupported() {
	let ec = ecdsa::Pair::from_seed(&[3; 32]);
	let eth_signer = MultiSigner::Eth(ecdsa::KeccakPublic::from_raw(ec.public().0));
	assert_eq!(DeviceKey::try_from(eth_signer.clone()), Err(UnsupportedScheme));
	let signed = SignedReading::sign_ecdsa(VECTOR_READING, VECTOR_GENESIS, &ec);
	assert!(!signed.verify(VECTOR_GENESIS, &eth_signer));
	let eth_signature = SignedReading {
		reading: VECTOR_READING,
		signature: MultiSignature::Eth(ecdsa::KeccakSignature::from_raw([0; 65])),
	};
	assert_eq!(eth_signature.scheme(), None);
	assert!(!eth_signature.verify(VECTOR_GENESIS, &MultiSigner::from(ec.public())));
	assert!(serde_json::to_string(&eth_signature).is_err());
}

#[test]
fn flags() {
	assert_eq!(flags::KNOWN, 0x1f);
	assert_eq!(flags::RESERVED, 0xe0);
	assert_eq!(flags::GAP, 0x10);
	assert!(Reading { flags: flags::GAP, ..VECTOR_READING }.declares_gap());
	assert!(!VECTOR_READING.declares_gap());
	for bit in 0..8u8 {
		let reading = Reading { flags: 1 << bit, ..VECTOR_READING };
		assert_eq!(reading.has_reserved_flags(), bit >= 5, "bit {bit}");
	}
	assert!(!Reading { flags: flags::KNOWN, ..VECTOR_READING }.has_reserved_flags());
}

#[test]
fn encoded_sizes_are_bounded() {
	assert_eq!(DeviceKey::max_encoded_len(), 34);
	assert_eq!(Reading::max_encoded_len(), 33);
	assert_eq!(MultiSignature::max_encoded_len(), 66);
	assert_eq!(SignedReading::max_encoded_len(), 33 + 66);
	let ecdsa = SignedReading::sign_ecdsa(VECTOR_READING, VECTOR_GENESIS, &ecdsa_vector_pair());
	assert_eq!(ecdsa.encode().len(), 33 + 66);
	assert_eq!(SignedReading::decode(&mut &ecdsa.encode()[..]).unwrap(), ecdsa);
}

#[test]
fn json_round_trips_for_each_scheme() {
	let signed_readings = [
		SignedReading::sign_sr25519(VECTOR_READING, VECTOR_GENESIS, &dev::dev_meter_pair(1)),
		SignedReading::sign_ed25519(VECTOR_READING, VECTOR_GENESIS, &ed25519_vector_pair()),
		SignedReading::sign_ecdsa(VECTOR_READING, VECTOR_GENESIS, &ecdsa_vector_pair()),
	];
	for signed in signed_readings {
		let json = serde_json::to_string(&signed).unwrap();
		assert_eq!(serde_json::from_str::<SignedReading>(&json).unwrap(), signed);
	}
	let reading_json = serde_json::to_string(&VECTOR_READING).unwrap();
	assert_eq!(
		reading_json,
		r#"{"meter":1000,"seq":42,"at_ms":1767225600000,"cumulative_wh":123456,"flags":1}"#
	);
	assert_eq!(serde_json::from_str::<Reading>(&reading_json).unwrap(), VECTOR_READING);
}

#[test]
fn json_refuses_malformed_input() {
	let good = serde_json::to_value(SignedReading::sign_ed25519(
		VECTOR_READING,
		VECTOR_GENESIS,
		&ed25519_vector_pair(),
	))
	.unwrap();
	let variants: [(&str, serde_json::Value); 6] = [
		("scheme", "rsa".into()),
		("scheme", "ecdsa".into()), // 64 bytes are not an ecdsa signature
		("signature", hex::encode(ED25519_SIGNATURE).into()), // no 0x
		("signature", "0xzz".into()),
		("signature", format!("0x{}", hex::encode(&ED25519_SIGNATURE[..63])).into()),
		("seq", (-1).into()),
	];
	for (field, value) in variants {
		let mut bad = good.clone();
		bad[field] = value.clone();
		assert!(
			serde_json::from_value::<SignedReading>(bad).is_err(),
			"{field} = {value} was accepted"
		);
	}
	let mut unknown_field = good.clone();
	unknown_field["extra"] = 1.into();
	assert!(serde_json::from_value::<SignedReading>(unknown_field).is_err());
	let mut missing_field = good;
	missing_field.as_object_mut().unwrap().remove("flags");
	assert!(serde_json::from_value::<SignedReading>(missing_field).is_err());
}

#[test]
fn dev_meter_keys_are_derived_from_their_uris() {
	assert_eq!(dev::DEV_METER_PUBLIC_KEYS.len(), dev::DEV_METER_COUNT as usize);
	for i in 0..dev::DEV_METER_COUNT {
		assert_eq!(dev::dev_meter_uri(i), format!("//Meter//{i}"));
		let derived = sr25519::Pair::from_string(&format!("//Meter//{i}"), None).unwrap().public();
		assert_eq!(derived, dev::dev_meter_pair(i).public());
		assert_eq!(dev::DEV_METER_PUBLIC_KEYS[i as usize], derived.0, "dev meter {i}");
		assert_eq!(dev::dev_meter_key(i), Some(DeviceKey::Sr25519(derived)));
		assert_eq!(dev::dev_meter_id(i), 1000 + u64::from(i));
	}
	assert_eq!(dev::dev_meter_key(dev::DEV_METER_COUNT), None);
	// Keys are distinct, and meters beyond the listed ones still have deterministic keys.
	let keys: std::collections::BTreeSet<_> = dev::DEV_METER_PUBLIC_KEYS.iter().collect();
	assert_eq!(keys.len(), dev::DEV_METER_COUNT as usize);
	assert_eq!(dev::dev_meter_pair(500).public(), dev::dev_meter_pair(500).public());
	assert_ne!(dev::dev_meter_pair(500).public(), dev::dev_meter_pair(501).public());
	// The dev phrase is the default one: //Meter//0 is the phrase's derivation.
	let explicit =
		sr25519::Pair::from_string(&format!("{}//Meter//0", sp_core::crypto::DEV_PHRASE), None)
			.unwrap();
	assert_eq!(explicit.public().0, dev::DEV_METER_PUBLIC_KEYS[0]);
}

#[test]
fn dev_meters_lists_ids_and_keys() {
	let meters: Vec<_> = dev::dev_meters(3).collect();
	assert_eq!(meters.len(), 3);
	for (i, (id, key)) in meters.iter().enumerate() {
		assert_eq!(*id, 1000 + i as u64);
		assert_eq!(*key, MultiSigner::from(dev::dev_meter_pair(i as u32).public()));
	}
	assert_eq!(dev::dev_meters(1000).count(), dev::DEV_METER_COUNT as usize);
	// A dev meter's reading signed with its pair verifies against the listed key.
	let reading = Reading { meter: dev::dev_meter_id(7), ..VECTOR_READING };
	let signed = SignedReading::sign_sr25519(reading, VECTOR_GENESIS, &dev::dev_meter_pair(7));
	assert!(signed.verify_with(VECTOR_GENESIS, &dev::dev_meter_key(7).unwrap()));
}

#[test]
fn a_v1_signature_does_not_verify_as_v2() {
	let pair = ed25519_vector_pair();
	let mut v1_payload = Vec::new();
	(DOMAIN_TAG_V1, VECTOR_GENESIS, VECTOR_READING).encode_to(&mut v1_payload);
	let v1 = SignedReading {
		reading: VECTOR_READING,
		signature: MultiSignature::Ed25519(pair.sign(&v1_payload)),
	};
	assert!(!v1.verify(VECTOR_GENESIS, &MultiSigner::from(pair.public())));
	let v2 = SignedReading::sign_ed25519(VECTOR_READING, VECTOR_GENESIS, &pair);
	assert!(v2.verify(VECTOR_GENESIS, &MultiSigner::from(pair.public())));
}

/// `n - s` for secp256k1's group order `n`, big endian.
fn negate_s(s: &[u8]) -> [u8; 32] {
	const ORDER: [u8; 32] =
		hex!("fffffffffffffffffffffffffffffffebaaedce6af48a03bbfd25e8cd0364141");
	let mut out = [0u8; 32];
	let mut borrow = 0i16;
	for i in (0..32).rev() {
		let mut d = ORDER[i] as i16 - s[i] as i16 - borrow;
		borrow = if d < 0 {
			d += 256;
			1
		} else {
			0
		};
		out[i] = d as u8;
	}
	out
}

#[test]
fn non_canonical_ecdsa_signatures_are_refused() {
	let pair = ecdsa_vector_pair();
	let signer = MultiSigner::from(pair.public());
	let signed = SignedReading::sign_ecdsa(VECTOR_READING, VECTOR_GENESIS, &pair);
	assert!(signed.verify(VECTOR_GENESIS, &signer));
	let MultiSignature::Ecdsa(sig) = &signed.signature else { panic!("an ecdsa signature") };
	let bytes: [u8; 65] = sig.0;
	assert!(is_canonical_ecdsa(&bytes));

	// The same signature with Ethereum's recovery id (27 or 28).
	let mut eth_v = bytes;
	eth_v[64] += 27;
	let eth_v = SignedReading {
		reading: VECTOR_READING,
		signature: MultiSignature::Ecdsa(ecdsa::Signature::from_raw(eth_v)),
	};
	assert!(!eth_v.verify(VECTOR_GENESIS, &signer), "v = 27/28 must be refused");

	// Its high-S twin: s' = n - s with the other recovery id.
	let mut high_s = bytes;
	high_s[32..64].copy_from_slice(&negate_s(&bytes[32..64]));
	high_s[64] ^= 1;
	assert!(!is_canonical_ecdsa(&high_s));
	let twin = SignedReading {
		reading: VECTOR_READING,
		signature: MultiSignature::Ecdsa(ecdsa::Signature::from_raw(high_s)),
	};
	assert!(!twin.verify(VECTOR_GENESIS, &signer), "a high-S signature must be refused");
}

#[test]
#[ignore = "prints the test vectors of docs/protocol.md; run with --ignored --nocapture"]
fn print_test_vectors() {
	let payload = signing_payload(VECTOR_GENESIS, &VECTOR_READING);
	println!("payload: {}", hex0x(&payload));
	let ed = SignedReading::sign_ed25519(VECTOR_READING, VECTOR_GENESIS, &ed25519_vector_pair());
	println!("ed25519 signature: {}", hex0x(&ed.signature.encode()[1..]));
	let ec = SignedReading::sign_ecdsa(VECTOR_READING, VECTOR_GENESIS, &ecdsa_vector_pair());
	println!("ecdsa signature: {}", hex0x(&ec.signature.encode()[1..]));
	let sr = SignedReading::sign_sr25519(VECTOR_READING, VECTOR_GENESIS, &dev::dev_meter_pair(0));
	println!("sr25519 signature: {}", hex0x(&sr.signature.encode()[1..]));
}
