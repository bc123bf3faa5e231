//! Readings and the signed reading format: see `docs/protocol.md`, which specifies the same
//! thing byte by byte (and whose test vectors the tests of this module check).
//!
//! A meter keeps a cumulative energy register and a sequence number. For every reading it
//! signs the [`signing_payload`]: the SCALE encoding of
//! `(DOMAIN_TAG, genesis_hash, reading)`, with its device key (sr25519, ed25519 or ecdsa, see
//! [`DeviceKey`]). The chain verifies the signature against the key registered for the meter,
//! with the runtime's host functions ([`sp_runtime::traits::Verify`]).

use crate::{MeterId, Moment, WattHours};
use alloc::vec::Vec;
use codec::{Decode, DecodeWithMemTracking, Encode, MaxEncodedLen};
use scale_info::TypeInfo;
use sp_core::{ecdsa, ed25519, sr25519, H256};
use sp_runtime::{traits::Verify, MultiSignature, MultiSigner};

/// Domain separation tag of version 2 of the reading format, the version the chain accepts.
///
/// Encoded as a fixed-size array: its 19 bytes go into the payload as they are, **without** a
/// length prefix. A new format gets a new tag, so a signature over one version can never be
/// taken for a signature over another: a v1 signature does not verify as v2.
///
/// Version 2 keeps v1's layout and adds one rule and one flag: a meter's readings form a
/// chain, each reading's `seq` one above the previous reading's, and the chain accepts only
/// the next link; a meter that lost readings says so with [`flags::GAP`].
pub const DOMAIN_TAG: [u8; 19] = *b"wattcoin/reading/v2";

/// The tag of version 1 (retired: its readings allowed `seq` gaps, so whoever carried them
/// could choose which readings counted). Kept to name it in tests and documentation.
pub const DOMAIN_TAG_V1: [u8; 19] = *b"wattcoin/reading/v1";

/// Length in bytes of a signing payload: tag (19) + genesis hash (32) + reading (33).
pub const PAYLOAD_LEN: usize = 19 + 32 + READING_LEN;

/// Length in bytes of an encoded [`Reading`] (four `u64` and one `u8`, no length prefixes).
pub const READING_LEN: usize = 8 + 8 + 8 + 8 + 1;

/// Bits of [`Reading::flags`].
///
/// Bits 0 to 3 are information from the meter: the chain verifies them as part of the signed
/// message but does not act on them. Bit 4 ([`GAP`], new in v2) changes which reading the
/// chain accepts. Bits 5 to 7 are reserved: a reading with a reserved bit set is refused, so
/// that a meaning given to such a bit later (with a new domain tag) can never be silently
/// ignored by a verifier of this version.
pub mod flags {
	/// The supply was interrupted at some point since the previous reading.
	pub const POWER_FAILURE: u8 = 1 << 0;
	/// The meter's cover or enclosure switch was opened since the previous reading.
	pub const COVER_OPENED: u8 = 1 << 1;
	/// The meter's switch was open (no supply to the household) when the reading was taken.
	pub const SUPPLY_OFF: u8 = 1 << 2;
	/// The meter's clock was not synchronised when the reading was taken (`at_ms` comes
	/// from its free-running clock).
	pub const CLOCK_UNSYNCED: u8 = 1 << 3;
	/// The meter lost the readings between the last one the chain confirmed to it and this
	/// one (storage failure, a reset): this reading follows the meter's last accepted reading
	/// whatever its `seq`, and the energy across the gap is billed as one interval. Without
	/// it a reading is accepted only as the next link (`seq` one above the last accepted).
	/// A meter sets it only for readings it cannot send: never to skip readings it holds.
	pub const GAP: u8 = 1 << 4;
	/// Every bit version 2 defines.
	pub const KNOWN: u8 = POWER_FAILURE | COVER_OPENED | SUPPLY_OFF | CLOCK_UNSYNCED | GAP;
	/// Bits reserved for later versions; they must be zero.
	pub const RESERVED: u8 = !KNOWN;
}

/// One reading of a meter, as the meter signs it.
///
/// Field order is the encoding order; every integer is fixed width little endian (SCALE,
/// no compact encoding), so an encoded reading is always [`READING_LEN`] bytes.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
#[cfg_attr(feature = "serde", derive(serde::Serialize, serde::Deserialize))]
#[cfg_attr(feature = "serde", serde(deny_unknown_fields))]
pub struct Reading {
	/// The meter that took the reading.
	pub meter: MeterId,
	/// The meter's reading counter: starts at 1 and grows by exactly one per reading (a link
	/// to the reading before). A reading whose `seq` is not above the last one accepted is a
	/// replay; one above the next is refused until the readings between arrive, unless it
	/// declares a [`flags::GAP`].
	pub seq: u64,
	/// When the reading was taken, by the meter's clock: milliseconds since the Unix epoch.
	pub at_ms: Moment,
	/// The meter's cumulative energy register, in watt-hours. It never runs backwards.
	pub cumulative_wh: WattHours,
	/// Status bits, see [`flags`].
	pub flags: u8,
}

impl Reading {
	/// Whether a bit reserved for later versions is set (such a reading is refused).
	pub fn has_reserved_flags(&self) -> bool {
		self.flags & flags::RESERVED != 0
	}

	/// Whether the meter declares that readings before this one are lost ([`flags::GAP`]).
	pub fn declares_gap(&self) -> bool {
		self.flags & flags::GAP != 0
	}
}

/// The bytes a meter signs for `reading` on the chain whose genesis hash is `genesis_hash`:
/// the SCALE encoding of `(DOMAIN_TAG, genesis_hash, reading)`, always [`PAYLOAD_LEN`] bytes.
///
/// The payload is signed as it is (it is never hashed first, whatever its length), except
/// that ecdsa signs its blake2b-256 hash, as every Substrate ecdsa signature does.
pub fn signing_payload(genesis_hash: H256, reading: &Reading) -> Vec<u8> {
	let mut payload = Vec::with_capacity(PAYLOAD_LEN);
	(DOMAIN_TAG, genesis_hash, reading).encode_to(&mut payload);
	payload
}

/// A meter's device key: the three schemes of [`MultiSigner`] that meters may use.
///
/// It encodes exactly like the corresponding [`MultiSigner`] variant (index byte 0, 1 or 2
/// then the public key), but unlike [`MultiSigner`] it has a bounded encoded size and
/// excludes `MultiSigner::Eth`, which meters do not use.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum DeviceKey {
	/// An Ed25519 public key (32 bytes).
	#[codec(index = 0)]
	Ed25519(ed25519::Public),
	/// An Sr25519 (Schnorrkel, signing context `substrate`) public key (32 bytes).
	#[codec(index = 1)]
	Sr25519(sr25519::Public),
	/// A compressed secp256k1 public key (33 bytes); signatures are over the blake2b-256
	/// hash of the payload.
	#[codec(index = 2)]
	Ecdsa(ecdsa::Public),
}

impl DeviceKey {
	/// Whether `signature` is this key's signature of `payload`.
	///
	/// Uses the runtime's host functions; a signature of another scheme than the key's is
	/// never valid.
	pub fn verify(&self, payload: &[u8], signature: &MultiSignature) -> bool {
		match (self, signature) {
			(Self::Ed25519(public), MultiSignature::Ed25519(sig)) => sig.verify(payload, public),
			(Self::Sr25519(public), MultiSignature::Sr25519(sig)) => sig.verify(payload, public),
			(Self::Ecdsa(public), MultiSignature::Ecdsa(sig)) => {
				is_canonical_ecdsa(sig.as_ref()) && sig.verify(payload, public)
			},
			_ => false,
		}
	}

	/// The scheme of the key.
	pub fn scheme(&self) -> SignatureScheme {
		match self {
			Self::Ed25519(_) => SignatureScheme::Ed25519,
			Self::Sr25519(_) => SignatureScheme::Sr25519,
			Self::Ecdsa(_) => SignatureScheme::Ecdsa,
		}
	}
}

/// Half the order of secp256k1's group, big endian: a canonical signature's `s` is at most this.
const SECP256K1_HALF_ORDER: [u8; 32] = [
	0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff,
	0x5d, 0x57, 0x6e, 0x73, 0x57, 0xa4, 0x50, 0x1d, 0xdf, 0xe9, 0x2f, 0x46, 0x68, 0x1b, 0x20, 0xa0,
];

/// Whether a 65-byte ecdsa signature `r ‖ s ‖ v` is in its one canonical form: recovery id
/// `v` from 0 to 3 (not Ethereum's 27 to 30) and low `s` (at most half the group order).
/// Every valid signature has a second form (`n - s`, the other recovery id) that verifies
/// too; accepting only one keeps a reading's signed bytes unique.
pub fn is_canonical_ecdsa(signature: &[u8]) -> bool {
	match (signature.get(32..64), signature.get(64)) {
		(Some(s), Some(v)) => *v <= 3 && s <= &SECP256K1_HALF_ORDER[..],
		_ => false,
	}
}

impl From<DeviceKey> for MultiSigner {
	fn from(key: DeviceKey) -> Self {
		match key {
			DeviceKey::Ed25519(public) => MultiSigner::Ed25519(public),
			DeviceKey::Sr25519(public) => MultiSigner::Sr25519(public),
			DeviceKey::Ecdsa(public) => MultiSigner::Ecdsa(public),
		}
	}
}

/// A [`MultiSigner`] of a scheme meters do not use (`Eth`).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct UnsupportedScheme;

impl TryFrom<MultiSigner> for DeviceKey {
	type Error = UnsupportedScheme;

	fn try_from(signer: MultiSigner) -> Result<Self, Self::Error> {
		match signer {
			MultiSigner::Ed25519(public) => Ok(Self::Ed25519(public)),
			MultiSigner::Sr25519(public) => Ok(Self::Sr25519(public)),
			MultiSigner::Ecdsa(public) => Ok(Self::Ecdsa(public)),
			MultiSigner::Eth(_) => Err(UnsupportedScheme),
		}
	}
}

impl From<ed25519::Public> for DeviceKey {
	fn from(public: ed25519::Public) -> Self {
		Self::Ed25519(public)
	}
}

impl From<sr25519::Public> for DeviceKey {
	fn from(public: sr25519::Public) -> Self {
		Self::Sr25519(public)
	}
}

impl From<ecdsa::Public> for DeviceKey {
	fn from(public: ecdsa::Public) -> Self {
		Self::Ecdsa(public)
	}
}

/// The signature schemes a meter may use.
#[derive(
	Clone,
	Copy,
	PartialEq,
	Eq,
	PartialOrd,
	Ord,
	Encode,
	Decode,
	DecodeWithMemTracking,
	MaxEncodedLen,
	TypeInfo,
	Debug,
)]
pub enum SignatureScheme {
	/// Ed25519.
	Ed25519,
	/// Sr25519 (Schnorrkel on Ristretto25519).
	Sr25519,
	/// ECDSA on secp256k1 over the blake2b-256 hash of the payload.
	Ecdsa,
}

impl SignatureScheme {
	/// The scheme's name as written in the JSON form (`"ed25519"`, `"sr25519"`, `"ecdsa"`).
	pub fn name(&self) -> &'static str {
		match self {
			Self::Ed25519 => "ed25519",
			Self::Sr25519 => "sr25519",
			Self::Ecdsa => "ecdsa",
		}
	}

	/// The scheme named `name` in the JSON form.
	pub fn from_name(name: &str) -> Option<Self> {
		match name {
			"ed25519" => Some(Self::Ed25519),
			"sr25519" => Some(Self::Sr25519),
			"ecdsa" => Some(Self::Ecdsa),
			_ => None,
		}
	}
}

/// A reading and its meter's signature of its [`signing_payload`].
#[derive(
	Clone, PartialEq, Eq, Encode, Decode, DecodeWithMemTracking, MaxEncodedLen, TypeInfo, Debug,
)]
pub struct SignedReading {
	/// The reading.
	pub reading: Reading,
	/// The meter's signature of `signing_payload(genesis_hash, &reading)`.
	pub signature: MultiSignature,
}

impl SignedReading {
	/// Whether `signer` signed this reading for the chain whose genesis hash is
	/// `genesis_hash`. A signer or signature of an unsupported scheme (`Eth`), or a signature
	/// of another scheme than the signer's, is never valid.
	pub fn verify(&self, genesis_hash: H256, signer: &MultiSigner) -> bool {
		match DeviceKey::try_from(signer.clone()) {
			Ok(key) => self.verify_with(genesis_hash, &key),
			Err(UnsupportedScheme) => false,
		}
	}

	/// Whether the meter whose device key is `key` signed this reading for the chain whose
	/// genesis hash is `genesis_hash`.
	pub fn verify_with(&self, genesis_hash: H256, key: &DeviceKey) -> bool {
		key.verify(&signing_payload(genesis_hash, &self.reading), &self.signature)
	}

	/// The scheme of the signature, `None` for one meters do not use (`Eth`).
	pub fn scheme(&self) -> Option<SignatureScheme> {
		match self.signature {
			MultiSignature::Ed25519(_) => Some(SignatureScheme::Ed25519),
			MultiSignature::Sr25519(_) => Some(SignatureScheme::Sr25519),
			MultiSignature::Ecdsa(_) => Some(SignatureScheme::Ecdsa),
			MultiSignature::Eth(_) => None,
		}
	}
}

#[cfg(feature = "std")]
impl SignedReading {
	/// Signs `reading` for the chain whose genesis hash is `genesis_hash` with `pair`.
	pub fn sign<P>(reading: Reading, genesis_hash: H256, pair: &P) -> Self
	where
		P: sp_core::Pair,
		P::Signature: Into<MultiSignature>,
	{
		let signature = pair.sign(&signing_payload(genesis_hash, &reading)).into();
		Self { reading, signature }
	}

	/// Signs `reading` with an sr25519 device key (randomised: two signatures differ).
	pub fn sign_sr25519(reading: Reading, genesis_hash: H256, pair: &sr25519::Pair) -> Self {
		Self::sign(reading, genesis_hash, pair)
	}

	/// Signs `reading` with an ed25519 device key (deterministic, RFC 8032).
	pub fn sign_ed25519(reading: Reading, genesis_hash: H256, pair: &ed25519::Pair) -> Self {
		Self::sign(reading, genesis_hash, pair)
	}

	/// Signs `reading` with an ecdsa (secp256k1) device key (deterministic, RFC 6979), over
	/// the blake2b-256 hash of the payload.
	pub fn sign_ecdsa(reading: Reading, genesis_hash: H256, pair: &ecdsa::Pair) -> Self {
		Self::sign(reading, genesis_hash, pair)
	}
}

/// The JSON form of a signed reading (used between meters, the gateway and relayers; see
/// `docs/protocol.md`): the reading's fields as JSON integers, the signature's scheme by name
/// and its raw bytes as `0x`-prefixed lowercase hex.
#[cfg(feature = "serde")]
mod json {
	use super::*;
	use alloc::{format, string::String};
	use serde::{de::Error as _, Deserialize, Deserializer, Serialize, Serializer};

	#[derive(Serialize, Deserialize)]
	#[serde(deny_unknown_fields)]
	struct SignedReadingJson {
		meter: MeterId,
		seq: u64,
		at_ms: Moment,
		cumulative_wh: WattHours,
		flags: u8,
		scheme: String,
		signature: String,
	}

	impl Serialize for SignedReading {
		fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
			let (scheme, bytes): (_, &[u8]) = match &self.signature {
				MultiSignature::Ed25519(sig) => (SignatureScheme::Ed25519, sig.as_ref()),
				MultiSignature::Sr25519(sig) => (SignatureScheme::Sr25519, sig.as_ref()),
				MultiSignature::Ecdsa(sig) => (SignatureScheme::Ecdsa, sig.as_ref()),
				MultiSignature::Eth(_) => {
					return Err(serde::ser::Error::custom("unsupported signature scheme: eth"))
				},
			};
			let Reading { meter, seq, at_ms, cumulative_wh, flags } = self.reading;
			SignedReadingJson {
				meter,
				seq,
				at_ms,
				cumulative_wh,
				flags,
				scheme: String::from(scheme.name()),
				signature: format!("0x{}", hex::encode(bytes)),
			}
			.serialize(serializer)
		}
	}

	impl<'de> Deserialize<'de> for SignedReading {
		fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
			let json = SignedReadingJson::deserialize(deserializer)?;
			let scheme = SignatureScheme::from_name(&json.scheme).ok_or_else(|| {
				D::Error::custom(format!("unknown signature scheme {:?}", json.scheme))
			})?;
			let hex_digits = json
				.signature
				.strip_prefix("0x")
				.ok_or_else(|| D::Error::custom("signature must start with 0x"))?;
			let bytes = hex::decode(hex_digits)
				.map_err(|e| D::Error::custom(format!("signature is not hex: {e}")))?;
			let length_error = |expected: usize| {
				D::Error::custom(format!(
					"{} signature must be {expected} bytes, not {}",
					scheme.name(),
					bytes.len()
				))
			};
			let signature = match scheme {
				SignatureScheme::Ed25519 => MultiSignature::Ed25519(
					ed25519::Signature::try_from(&bytes[..]).map_err(|_| length_error(64))?,
				),
				SignatureScheme::Sr25519 => MultiSignature::Sr25519(
					sr25519::Signature::try_from(&bytes[..]).map_err(|_| length_error(64))?,
				),
				SignatureScheme::Ecdsa => MultiSignature::Ecdsa(
					ecdsa::Signature::try_from(&bytes[..]).map_err(|_| length_error(65))?,
				),
			};
			let reading = Reading {
				meter: json.meter,
				seq: json.seq,
				at_ms: json.at_ms,
				cumulative_wh: json.cumulative_wh,
				flags: json.flags,
			};
			Ok(SignedReading { reading, signature })
		}
	}
}

/// Deterministic development meters, shared by the runtime's genesis presets and the
/// gateway's simulator.
///
/// Dev meter `i` has the meter id `DEV_METER_ID_BASE + i` and an sr25519 device key derived
/// from the secret URI `//Meter//{i}` (the default development phrase, no password), exactly
/// as `subkey inspect --scheme sr25519 "//Meter//{i}"` or polkadot.js
/// `keyring.addFromUri('//Meter//{i}')` derive it. Genesis presets are built inside the
/// no_std runtime, where keys cannot be derived from strings, so the public keys of the first
/// [`DEV_METER_COUNT`] meters are constants here (a test re-derives every one of them).
pub mod dev {
	use super::*;
	use hex_literal::hex;

	/// How many dev meters have their public key listed in [`DEV_METER_PUBLIC_KEYS`].
	pub const DEV_METER_COUNT: u32 = 20;

	/// The meter id of dev meter 0.
	pub const DEV_METER_ID_BASE: MeterId = 1000;

	/// The sr25519 public keys of dev meters `0..DEV_METER_COUNT`, derived from
	/// `//Meter//{i}`.
	pub const DEV_METER_PUBLIC_KEYS: [[u8; 32]; DEV_METER_COUNT as usize] = [
		// //Meter//0
		hex!("44ff97322f5338f00fe57c1781335c72fb81d451702cb279cfe7f2eed17ff002"),
		// //Meter//1
		hex!("f8bf2d75ac707b3ba59c88526aa56bb7420e88941910e033d879682e21926740"),
		// //Meter//2
		hex!("ce62053f59efd32f718e989e9633cd944eef6a2f8fd23743fa44724fd3f1ea22"),
		// //Meter//3
		hex!("ba4b739be2a1d29c68ccc977c7e90a2162f40d8c97241ed018211173a264e06f"),
		// //Meter//4
		hex!("08665ee6a8742d358c98595c4788a10195e535f45e3a47764827a6aa9888323f"),
		// //Meter//5
		hex!("107d2bfbbd42e81b77300a41b987d1297a96da6c4c3c2363489f327dd096be37"),
		// //Meter//6
		hex!("ec3b2f935f523216bb1d0cf912a3b601f8df96a8b8d12b9b96e9e90f954b7614"),
		// //Meter//7
		hex!("ec0809e8b54b3690585d68daa584ac4d2016489c53b9f008a1727d5ce6726f27"),
		// //Meter//8
		hex!("ccb043ae069aa760208021244fb4312074032cdb26bf4a76b183b22fcda3ef0b"),
		// //Meter//9
		hex!("8a0fe50f29b23a604c9f316ed57643c862779d5c6a4a6dc474dabff57a328963"),
		// //Meter//10
		hex!("62e7ab470db729b50fd73d26e36289e202145a1e4c8c91b3f7fa23e4c601d610"),
		// //Meter//11
		hex!("0031c1c3ce8bb0ce76450913380e0ef0cb9b3f47f8c2d08ce61583c5385d1f2a"),
		// //Meter//12
		hex!("044dc245429c051b36ae083a787798288eb174cb6bf04211f3355ab759e82777"),
		// //Meter//13
		hex!("1ec9b0048f9762b28ee06399af49dc64c2621587392cd3d89388e07ab349474a"),
		// //Meter//14
		hex!("50997d6110844b797b4d047e74f9d9d62d2d6c4fa0394e2c6786e590857f5025"),
		// //Meter//15
		hex!("88f129bd537cce64749c4bf3eadd7ce53d48379f5c92a2ca649159d5f2fdfe1a"),
		// //Meter//16
		hex!("966f0d186808c37f5457342d1f3ee0463d3b35a28942f085ada453c627a21965"),
		// //Meter//17
		hex!("240ffa079afbccbd849b94a4aa1723c2e6a57711dab6951bc04488aece8b316e"),
		// //Meter//18
		hex!("b010d5ff67ffd3a1768e95716e812e0b84eed4763e857707ceea23e7d1df911e"),
		// //Meter//19
		hex!("90feab7019c0fa5093e96c74d3ca32325ed26c875ddc074c2fd7b799b49f727a"),
	];

	/// The meter id of dev meter `i` (for any `i`, listed key or not).
	pub const fn dev_meter_id(i: u32) -> MeterId {
		DEV_METER_ID_BASE + i as MeterId
	}

	/// The device key of dev meter `i`, if `i < DEV_METER_COUNT`.
	pub fn dev_meter_key(i: u32) -> Option<DeviceKey> {
		DEV_METER_PUBLIC_KEYS
			.get(i as usize)
			.map(|public| DeviceKey::Sr25519(sr25519::Public::from_raw(*public)))
	}

	/// The first `count` dev meters (at most [`DEV_METER_COUNT`]): id and device key.
	pub fn dev_meters(count: u32) -> impl Iterator<Item = (MeterId, MultiSigner)> {
		(0..count.min(DEV_METER_COUNT))
			.filter_map(|i| dev_meter_key(i).map(|key| (dev_meter_id(i), key.into())))
	}

	/// The secret URI of dev meter `i`.
	#[cfg(feature = "std")]
	pub fn dev_meter_uri(i: u32) -> std::string::String {
		std::format!("//Meter//{i}")
	}

	/// The sr25519 key pair of dev meter `i` (any `i`: the simulator may run more meters
	/// than have a listed public key).
	#[cfg(feature = "std")]
	pub fn dev_meter_pair(i: u32) -> sr25519::Pair {
		<sr25519::Pair as sp_core::Pair>::from_string(&dev_meter_uri(i), None)
			.expect("a derivation path from the development phrase is a valid secret URI; qed")
	}
}

#[cfg(test)]
mod tests;
