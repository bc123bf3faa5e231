//! The meters the gateway knows: their ids and device keys.
//!
//! A reading is accepted only from a known meter, with a signature by its device key. The
//! gateway knows the development meters it simulates (or is told to know with
//! `--dev-meters`) and the meters listed in a `--meters` file:
//!
//! ```json
//! [
//!   { "meter": 5000, "scheme": "ed25519", "public": "0xd75a9801...511a" },
//!   { "meter": 5001, "scheme": "ecdsa",   "public": "0x024e3b81...de6e" }
//! ]
//! ```
//!
//! `scheme` is `"ed25519"`, `"sr25519"` (32-byte keys) or `"ecdsa"` (33-byte compressed
//! secp256k1 key); `public` is `0x` and hex.

use serde::Deserialize;
use sp_core::{ecdsa, ed25519, sr25519, Pair};
use std::{collections::HashMap, path::Path};
use wattcoin_primitives::{
	reading::{dev, DeviceKey, SignatureScheme},
	MeterId,
};

/// Why a meter list cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum MetersError {
	/// The file cannot be read.
	#[error("cannot read {path}: {reason}")]
	Read {
		/// The file.
		path: String,
		/// Why.
		reason: String,
	},
	/// The file is not a JSON array of meter entries.
	#[error("{path}: {reason}")]
	Format {
		/// The file.
		path: String,
		/// What is wrong.
		reason: String,
	},
	/// An entry is not usable.
	#[error("{path}: entry {index} (meter {meter}): {reason}")]
	Entry {
		/// The file.
		path: String,
		/// The entry's position in the array.
		index: usize,
		/// Its meter id.
		meter: MeterId,
		/// What is wrong.
		reason: String,
	},
	/// Two different keys for one meter.
	#[error("meter {meter} is listed twice with different keys ({first} and {second})")]
	ConflictingKey {
		/// The meter.
		meter: MeterId,
		/// The key known first (scheme and hex).
		first: String,
		/// The other key.
		second: String,
	},
}

/// One entry of a `--meters` file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct MeterEntry {
	meter: MeterId,
	scheme: String,
	public: String,
}

/// A device key as `scheme:0xhex`, for messages.
pub fn describe_key(key: &DeviceKey) -> String {
	let bytes: &[u8] = match key {
		DeviceKey::Ed25519(public) => public.as_ref(),
		DeviceKey::Sr25519(public) => public.as_ref(),
		DeviceKey::Ecdsa(public) => public.as_ref(),
	};
	format!("{}:0x{}", key.scheme().name(), hex::encode(bytes))
}

/// Parses a device key given by scheme name and `0x`-hex public key.
pub fn parse_device_key(scheme: &str, public: &str) -> Result<DeviceKey, String> {
	let scheme = SignatureScheme::from_name(scheme).ok_or_else(|| {
		format!("unknown scheme {scheme:?} (expected \"ed25519\", \"sr25519\" or \"ecdsa\")")
	})?;
	let digits = public.strip_prefix("0x").ok_or("public key must start with 0x")?;
	let bytes = hex::decode(digits).map_err(|e| format!("public key is not hex: {e}"))?;
	let length = |expected: usize| {
		format!("{} public key must be {expected} bytes, not {}", scheme.name(), bytes.len())
	};
	Ok(match scheme {
		SignatureScheme::Ed25519 => {
			DeviceKey::Ed25519(ed25519::Public::try_from(&bytes[..]).map_err(|_| length(32))?)
		},
		SignatureScheme::Sr25519 => {
			DeviceKey::Sr25519(sr25519::Public::try_from(&bytes[..]).map_err(|_| length(32))?)
		},
		SignatureScheme::Ecdsa => {
			DeviceKey::Ecdsa(ecdsa::Public::try_from(&bytes[..]).map_err(|_| length(33))?)
		},
	})
}

/// The device key of dev meter `i`: the listed constant for the first
/// [`dev::DEV_METER_COUNT`], derived from `//Meter//{i}` beyond.
pub fn dev_meter_key(i: u32) -> DeviceKey {
	dev::dev_meter_key(i).unwrap_or_else(|| DeviceKey::Sr25519(dev::dev_meter_pair(i).public()))
}

/// What the chain says of a meter at the last finalized block the gateway followed.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct ChainMeter {
	/// The account that owns the meter (may read its readings).
	pub owner: [u8; 32],
	/// The `seq` of its last reading on chain.
	pub last_seq: u64,
	/// Readings timestamped before this are refused (registration or last key rotation).
	pub readings_from_ms: u64,
	/// Since when (chain time, ms) `owner` has owned the meter, as far as the gateway knows
	/// ([`crate::owners`]): the owner reads its readings from then on.
	pub owner_since_ms: u64,
}

/// The meters the gateway accepts readings from: those of its configuration, and, when it
/// follows a node, the chain's registered meters, which replace them.
#[derive(Clone, Default, Debug)]
pub struct KnownMeters {
	keys: HashMap<MeterId, DeviceKey>,
	chain: HashMap<MeterId, ChainMeter>,
}

/// The known meters, shared by the endpoints (readers) and the chain follower (the writer).
pub type SharedMeters = std::sync::Arc<std::sync::RwLock<KnownMeters>>;

impl KnownMeters {
	/// No meters.
	pub fn new() -> Self {
		Self::default()
	}

	/// Adds `meter` with `key`. Adding a meter again with the same key does nothing; with
	/// another key it is an error.
	pub fn insert(&mut self, meter: MeterId, key: DeviceKey) -> Result<(), MetersError> {
		match self.keys.get(&meter) {
			Some(known) if *known == key => Ok(()),
			Some(known) => Err(MetersError::ConflictingKey {
				meter,
				first: describe_key(known),
				second: describe_key(&key),
			}),
			None => {
				self.keys.insert(meter, key);
				Ok(())
			},
		}
	}

	/// Adds dev meters `0..count` (meter ids `1000..1000 + count`).
	pub fn add_dev_meters(&mut self, count: u32) -> Result<(), MetersError> {
		for i in 0..count {
			self.insert(dev::dev_meter_id(i), dev_meter_key(i))?;
		}
		Ok(())
	}

	/// Adds the meters of a `--meters` JSON file (see the module documentation).
	pub fn add_file(&mut self, path: &Path) -> Result<usize, MetersError> {
		let shown = path.display().to_string();
		let text = std::fs::read_to_string(path)
			.map_err(|e| MetersError::Read { path: shown.clone(), reason: e.to_string() })?;
		self.add_json(&shown, &text)
	}

	/// Adds the meters of a meter list in JSON; `source` names it in errors.
	pub fn add_json(&mut self, source: &str, json: &str) -> Result<usize, MetersError> {
		let entries: Vec<MeterEntry> =
			serde_json::from_str(json).map_err(|e| MetersError::Format {
				path: source.to_string(),
				reason: format!(
					"expected a JSON array of {{\"meter\", \"scheme\", \"public\"}} objects: {e}"
				),
			})?;
		let count = entries.len();
		for (index, entry) in entries.into_iter().enumerate() {
			let key = parse_device_key(&entry.scheme, &entry.public).map_err(|reason| {
				MetersError::Entry { path: source.to_string(), index, meter: entry.meter, reason }
			})?;
			self.insert(entry.meter, key)?;
		}
		Ok(count)
	}

	/// The device key of `meter`, if known.
	pub fn get(&self, meter: MeterId) -> Option<&DeviceKey> {
		self.keys.get(&meter)
	}

	/// What the chain says of `meter`, if the gateway follows a node that has it.
	pub fn chain(&self, meter: MeterId) -> Option<&ChainMeter> {
		self.chain.get(&meter)
	}

	/// Sets `meter` as the chain has it at a finalized block: its key replaces the one
	/// configured (a device replaced with `rotate_key`). Returns whether its key changed.
	pub fn set_from_chain(&mut self, meter: MeterId, key: DeviceKey, chain: ChainMeter) -> bool {
		self.chain.insert(meter, chain);
		self.keys.insert(meter, key) != Some(key)
	}

	/// Forgets `meter` (decommissioned on chain): its readings are refused from now on.
	pub fn remove(&mut self, meter: MeterId) {
		self.keys.remove(&meter);
		self.chain.remove(&meter);
	}

	/// Notes that the chain took `meter`'s reading `seq`.
	pub fn note_on_chain(&mut self, meter: MeterId, seq: u64) {
		if let Some(chain) = self.chain.get_mut(&meter) {
			chain.last_seq = chain.last_seq.max(seq);
		}
	}

	/// Keeps only the meters of `registered` (the chain's, at a finalized block), with their
	/// chain state: what the configuration listed but the chain does not have is forgotten.
	pub fn replace_with_chain(&mut self, registered: Vec<(MeterId, DeviceKey, ChainMeter)>) {
		self.keys.clear();
		self.chain.clear();
		for (meter, key, chain) in registered {
			self.keys.insert(meter, key);
			self.chain.insert(meter, chain);
		}
	}

	/// How many meters are known.
	pub fn len(&self) -> usize {
		self.keys.len()
	}

	/// Whether no meter is known.
	pub fn is_empty(&self) -> bool {
		self.keys.is_empty()
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	const ED25519: &str = "0xd75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a";
	const ECDSA: &str = "0x024e3b81af9c2234cad09d679ce6035ed1392347ce64ce405f5dcd36228a25de6e";

	#[test]
	fn reads_a_meter_file() {
		let mut meters = KnownMeters::new();
		let json = format!(
			r#"[{{"meter": 5000, "scheme": "ed25519", "public": "{ED25519}"}},
			    {{"meter": 5001, "scheme": "ecdsa", "public": "{ECDSA}"}},
			    {{"meter": 5002, "scheme": "sr25519",
			      "public": "0x44ff97322f5338f00fe57c1781335c72fb81d451702cb279cfe7f2eed17ff002"}}]"#
		);
		assert_eq!(meters.add_json("m.json", &json).unwrap(), 3);
		assert_eq!(meters.len(), 3);
		assert_eq!(meters.get(5000).unwrap().scheme(), SignatureScheme::Ed25519);
		assert_eq!(meters.get(5001).unwrap().scheme(), SignatureScheme::Ecdsa);
		assert_eq!(describe_key(meters.get(5001).unwrap()), format!("ecdsa:{ECDSA}"));
		assert_eq!(*meters.get(5002).unwrap(), dev::dev_meter_key(0).unwrap());
		assert!(meters.get(5003).is_none());
	}

	#[test]
	fn refuses_bad_entries_naming_them() {
		let cases = [
			("{}", "expected a JSON array"),
			(r#"[{"meter": 1, "scheme": "ed25519"}]"#, "missing field `public`"),
			(r#"[{"meter": 1, "scheme": "ed25519", "public": "0x00", "x": 1}]"#, "unknown field"),
			(
				r#"[{"meter": 1, "scheme": "eth", "public": "0x00"}]"#,
				"entry 0 (meter 1): unknown scheme",
			),
			(r#"[{"meter": 1, "scheme": "ed25519", "public": "00"}]"#, "must start with 0x"),
			(r#"[{"meter": 1, "scheme": "ed25519", "public": "0xzz"}]"#, "not hex"),
			(
				&format!(
					r#"[{{"meter": 1, "scheme": "ed25519", "public": "{ED25519}"}},
				            {{"meter": 2, "scheme": "sr25519", "public": "{ECDSA}"}}]"#
				),
				"entry 1 (meter 2): sr25519 public key must be 32 bytes, not 33",
			),
		];
		for (json, expected) in cases {
			let err = KnownMeters::new().add_json("m.json", json).unwrap_err().to_string();
			assert!(err.contains(expected), "{json}: {err}");
		}
	}

	#[test]
	fn a_meter_cannot_have_two_keys() {
		let mut meters = KnownMeters::new();
		meters.add_dev_meters(2).unwrap();
		// The same key again is fine.
		meters.insert(1000, dev::dev_meter_key(0).unwrap()).unwrap();
		let json = format!(r#"[{{"meter": 1001, "scheme": "ed25519", "public": "{ED25519}"}}]"#);
		let err = meters.add_json("m.json", &json).unwrap_err().to_string();
		assert!(err.contains("meter 1001 is listed twice with different keys"), "{err}");
	}

	#[test]
	fn dev_meter_keys_beyond_the_listed_ones_are_derived() {
		let mut meters = KnownMeters::new();
		meters.add_dev_meters(dev::DEV_METER_COUNT + 2).unwrap();
		assert_eq!(meters.len(), dev::DEV_METER_COUNT as usize + 2);
		for i in [0, dev::DEV_METER_COUNT - 1, dev::DEV_METER_COUNT + 1] {
			let expected = DeviceKey::Sr25519(dev::dev_meter_pair(i).public());
			assert_eq!(*meters.get(dev::dev_meter_id(i)).unwrap(), expected, "dev meter {i}");
		}
	}
}
