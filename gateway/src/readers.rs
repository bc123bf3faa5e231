//! Who may read the reading feeds: a household's readings are its load curve, personal data
//! (`docs/protocol.md`, "Who can read what").
//!
//! - `GET /v1/readings`, every meter's readings, is served to **relayers** only: a request
//!   carries `Authorization: WattcoinRelayer key=0x.., at=MS, signature=0x..`, the signature by
//!   an sr25519 key the gateway knows over
//!   [`relayer_message`](wattcoin_primitives::feed_auth::relayer_message). The keys it knows
//!   are those given with `--relayer`, and, when it follows a node, the chain's current block
//!   authors (Aura authorities at the finalized head, refreshed with every finalized block),
//!   which are the keys the off-chain workers of pallet-meters sign with.
//! - `GET /v1/meters/{meter}/readings`, one meter's readings, is served to the meter's
//!   **owner** as the chain has it: `Authorization: WattcoinOwner account=.., at=MS,
//!   signature=0x..`, the signature by the account over the text of
//!   [`owner_message`](wattcoin_primitives::feed_auth::owner_message), as a wallet signs it.
//!
//! A header whose `at` is more than [`AUTH_MAX_SKEW_MS`] from the gateway's clock is refused,
//! so a captured header serves minutes, not for good. Missing, malformed, stale or forged
//! credentials are `401` (with `WWW-Authenticate` naming the scheme); a valid signature of a
//! key that may not read is `403`.

use crate::api::ApiError;
use axum::http::{header, HeaderMap, StatusCode};
use sp_core::{
	crypto::{AccountId32, Ss58Codec},
	ecdsa, ed25519, sr25519, H256,
};
use sp_runtime::{traits::Verify, MultiSignature};
use std::{collections::BTreeSet, fmt, sync::RwLock};
use wattcoin_primitives::{
	feed_auth::{owner_message, relayer_message, AUTH_MAX_SKEW_MS, OWNER_SCHEME, RELAYER_SCHEME},
	MeterId,
};

/// Why a reader was refused.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
pub enum AuthError {
	/// No `Authorization` header of the scheme.
	#[error("{0} authentication required: send Authorization: {0} ... (docs/protocol.md, \"Who can read what\")")]
	Missing(&'static str),
	/// The header is not of the documented form.
	#[error("malformed Authorization header: {0}")]
	Malformed(String),
	/// `at` is too far from the gateway's clock.
	#[error("the Authorization was signed at {at_ms}, more than {} s from the gateway's clock ({now_ms}): sign a fresh one (is your clock right?)", AUTH_MAX_SKEW_MS / 1_000)]
	OutOfTime {
		/// The header's `at`.
		at_ms: u64,
		/// The gateway's clock.
		now_ms: u64,
	},
	/// The signature does not verify (wrong key, message, chain or time).
	#[error("the signature does not verify for this chain, key and time")]
	BadSignature,
	/// A valid signature of a key that is not one of the gateway's relayers.
	#[error("{0} is not one of this gateway's relayers")]
	NotARelayer(String),
	/// The gateway has not read the chain's block authors yet (it is starting).
	#[error("the gateway has not read the chain's relayers yet (starting); retry in a moment")]
	NotReady,
	/// A valid signature of an account that does not own the meter.
	#[error("{account} does not own meter {meter}")]
	NotTheOwner {
		/// The account that signed.
		account: String,
		/// The meter asked for.
		meter: MeterId,
	},
}

impl AuthError {
	fn scheme(&self) -> Option<&'static str> {
		match self {
			Self::Missing(scheme) => Some(scheme),
			_ => None,
		}
	}
}

impl From<AuthError> for ApiError {
	fn from(err: AuthError) -> Self {
		let status = match err {
			AuthError::NotARelayer(_) | AuthError::NotTheOwner { .. } => StatusCode::FORBIDDEN,
			AuthError::NotReady => StatusCode::SERVICE_UNAVAILABLE,
			_ => StatusCode::UNAUTHORIZED,
		};
		let scheme = err.scheme();
		let mut api = ApiError::new(status, err.to_string(), None);
		if status == StatusCode::SERVICE_UNAVAILABLE {
			api.retry_after = Some(crate::limits::RETRY_AFTER_SECS);
		}
		if status == StatusCode::UNAUTHORIZED {
			api.www_authenticate = Some(scheme.unwrap_or(RELAYER_SCHEME));
		}
		api
	}
}

/// The `key=value` parameters of an `Authorization` header of `scheme`, which must be exactly
/// `names`, in any order.
fn credentials<'a>(
	headers: &'a HeaderMap,
	scheme: &'static str,
	names: [&str; 3],
) -> Result<[&'a str; 3], AuthError> {
	let Some(value) = headers.get(header::AUTHORIZATION) else {
		return Err(AuthError::Missing(scheme));
	};
	let value = value
		.to_str()
		.map_err(|_| AuthError::Malformed("the header is not visible ASCII".into()))?;
	let (given, params) = value.trim().split_once(' ').unwrap_or((value.trim(), ""));
	if !given.eq_ignore_ascii_case(scheme) {
		return Err(AuthError::Missing(scheme));
	}
	let mut found: [Option<&str>; 3] = [None; 3];
	for param in params.split(',').map(str::trim).filter(|param| !param.is_empty()) {
		let (name, value) = param
			.split_once('=')
			.ok_or_else(|| AuthError::Malformed(format!("{param:?} is not name=value")))?;
		let slot = names
			.iter()
			.position(|known| name.trim().eq_ignore_ascii_case(known))
			.ok_or_else(|| AuthError::Malformed(format!("unknown parameter {name:?}")))?;
		if found[slot].replace(value.trim().trim_matches('"')).is_some() {
			return Err(AuthError::Malformed(format!("{name} given twice")));
		}
	}
	let mut out = [""; 3];
	for (slot, name) in names.iter().enumerate() {
		out[slot] = found[slot].ok_or_else(|| AuthError::Malformed(format!("no {name}")))?;
	}
	Ok(out)
}

fn hex_bytes(name: &str, value: &str) -> Result<Vec<u8>, AuthError> {
	let digits = value
		.strip_prefix("0x")
		.ok_or_else(|| AuthError::Malformed(format!("{name} must be 0x-prefixed hex")))?;
	hex::decode(digits).map_err(|_| AuthError::Malformed(format!("{name} is not hex")))
}

/// `at` parsed and checked against the clock.
fn fresh(at: &str, now_ms: u64) -> Result<u64, AuthError> {
	let at_ms = at
		.parse::<u64>()
		.map_err(|_| AuthError::Malformed(format!("at must be ms since the epoch, not {at:?}")))?;
	if at_ms.abs_diff(now_ms) > AUTH_MAX_SKEW_MS {
		return Err(AuthError::OutOfTime { at_ms, now_ms });
	}
	Ok(at_ms)
}

/// An account as a reader may name it: SS58 (any network prefix) or `0x` and 32 bytes of hex.
pub fn parse_account(text: &str) -> Result<AccountId32, AuthError> {
	if text.starts_with("0x") {
		let bytes: [u8; 32] = hex_bytes("account", text)?
			.try_into()
			.map_err(|_| AuthError::Malformed("account must be 32 bytes".into()))?;
		return Ok(bytes.into());
	}
	AccountId32::from_ss58check(text)
		.map_err(|_| AuthError::Malformed(format!("account {text:?} is neither SS58 nor hex")))
}

/// The relayers the gateway serves its whole feed to.
pub struct Readers {
	genesis: H256,
	/// `--open-feed`: the whole feed to anyone who asks (a gateway reached only by its relayers,
	/// during an upgrade from a runtime whose workers do not sign yet).
	open: bool,
	/// Given with `--relayer`.
	configured: BTreeSet<sr25519::Public>,
	/// The chain's block authors at the last finalized block read; `None` until read, when
	/// the gateway follows a node.
	authorities: RwLock<Option<BTreeSet<sr25519::Public>>>,
}

impl fmt::Debug for Readers {
	fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
		f.debug_struct("Readers")
			.field("configured", &self.configured.len())
			.field("authorities", &self.authorities().as_ref().map(BTreeSet::len))
			.finish()
	}
}

impl Readers {
	/// The readers of the chain with `genesis`: the `configured` relayers, and, if the gateway
	/// `follows` a node, its block authors once [`Self::set_authorities`] is called (until
	/// then, other keys are told to retry: `503`).
	pub fn new(
		genesis: H256,
		configured: impl IntoIterator<Item = sr25519::Public>,
		follows: bool,
	) -> Self {
		Self {
			genesis,
			open: false,
			configured: configured.into_iter().collect(),
			authorities: RwLock::new((!follows).then(BTreeSet::new)),
		}
	}

	/// The same readers, serving the whole feed to anyone (`--open-feed`): for a gateway that
	/// only its relayers reach, while the chain runs a runtime whose off-chain workers do not
	/// sign their requests yet (before spec 102). Owners' feeds stay authenticated.
	pub fn open_feed(self) -> Self {
		Self { open: true, ..self }
	}

	/// Whether the whole feed is served to anyone.
	pub fn is_open(&self) -> bool {
		self.open
	}

	fn authorities(&self) -> std::sync::RwLockReadGuard<'_, Option<BTreeSet<sr25519::Public>>> {
		self.authorities.read().unwrap_or_else(|poisoned| poisoned.into_inner())
	}

	/// Replaces the chain's block authors; whether they changed.
	pub fn set_authorities(&self, keys: impl IntoIterator<Item = sr25519::Public>) -> bool {
		let keys: BTreeSet<_> = keys.into_iter().collect();
		let mut current = self.authorities.write().unwrap_or_else(|poisoned| poisoned.into_inner());
		let changed = current.as_ref() != Some(&keys);
		*current = Some(keys);
		changed
	}

	/// How many keys may read the whole feed (so far).
	pub fn relayer_count(&self) -> usize {
		match self.authorities().as_ref() {
			Some(authorities) => self.configured.union(authorities).count(),
			None => self.configured.len(),
		}
	}

	/// The relayer whose valid `Authorization` the request carries, at `now_ms` (`None`: the
	/// feed is open to anyone).
	pub fn check_relayer(
		&self,
		headers: &HeaderMap,
		now_ms: u64,
	) -> Result<Option<sr25519::Public>, AuthError> {
		if self.open {
			return Ok(None);
		}
		let [key, at, signature] =
			credentials(headers, RELAYER_SCHEME, ["key", "at", "signature"])?;
		let key = sr25519::Public::try_from(&hex_bytes("key", key)?[..])
			.map_err(|_| AuthError::Malformed("key must be 32 bytes".into()))?;
		let at_ms = fresh(at, now_ms)?;
		let signature = sr25519::Signature::try_from(&hex_bytes("signature", signature)?[..])
			.map_err(|_| AuthError::Malformed("signature must be 64 bytes".into()))?;
		if !signature.verify(&relayer_message(self.genesis, at_ms)[..], &key) {
			return Err(AuthError::BadSignature);
		}
		if self.configured.contains(&key) {
			return Ok(Some(key));
		}
		match self.authorities().as_ref() {
			Some(authorities) if authorities.contains(&key) => Ok(Some(key)),
			Some(_) => Err(AuthError::NotARelayer(format!("0x{}", hex::encode(key)))),
			None => Err(AuthError::NotReady),
		}
	}

	/// Checks the request's `Authorization` proves `owner` asks for `meter`'s readings at
	/// `now_ms`.
	pub fn check_owner(
		&self,
		headers: &HeaderMap,
		meter: MeterId,
		owner: &AccountId32,
		now_ms: u64,
	) -> Result<(), AuthError> {
		let [account, at, signature] =
			credentials(headers, OWNER_SCHEME, ["account", "at", "signature"])?;
		let account = parse_account(account)?;
		let at_ms = fresh(at, now_ms)?;
		let signature = hex_bytes("signature", signature)?;
		let text = owner_message(self.genesis, meter, at_ms);
		// Wallets (polkadot.js extensions) sign text wrapped in <Bytes>...</Bytes>.
		let wrapped = format!("<Bytes>{text}</Bytes>");
		let signed = |signature: &MultiSignature| {
			[text.as_bytes(), wrapped.as_bytes()]
				.iter()
				.any(|message| signature.verify(*message, &account))
		};
		let verified = match signature.len() {
			64 => {
				let raw: [u8; 64] = signature.try_into().expect("64 bytes");
				signed(&MultiSignature::Sr25519(sr25519::Signature::from_raw(raw)))
					|| signed(&MultiSignature::Ed25519(ed25519::Signature::from_raw(raw)))
			},
			65 => {
				let raw: [u8; 65] = signature.try_into().expect("65 bytes");
				signed(&MultiSignature::Ecdsa(ecdsa::Signature::from_raw(raw)))
			},
			other => {
				return Err(AuthError::Malformed(format!(
					"signature of {other} bytes (64: sr25519 or ed25519, 65: ecdsa)"
				)))
			},
		};
		if !verified {
			return Err(AuthError::BadSignature);
		}
		if &account != owner {
			return Err(AuthError::NotTheOwner { account: account.to_ss58check(), meter });
		}
		Ok(())
	}
}

#[cfg(test)]
mod tests {
	use super::*;
	use axum::http::HeaderValue;
	use sp_core::Pair;
	use wattcoin_primitives::feed_auth::relayer_authorization;

	const GENESIS: H256 = H256([7; 32]);
	const NOW: u64 = 1_767_225_600_000;

	fn with(value: &str) -> HeaderMap {
		let mut headers = HeaderMap::new();
		headers.insert(header::AUTHORIZATION, HeaderValue::from_str(value).unwrap());
		headers
	}

	fn relayer_header(pair: &sr25519::Pair, genesis: H256, at_ms: u64) -> HeaderMap {
		let signature = pair.sign(&relayer_message(genesis, at_ms));
		with(&relayer_authorization(&pair.public().0, at_ms, &signature.0))
	}

	#[test]
	fn relayers_are_checked_for_key_time_chain_and_membership() {
		let relayer = sr25519::Pair::from_string("//Relayer", None).unwrap();
		let author = sr25519::Pair::from_string("//Alice", None).unwrap();
		let readers = Readers::new(GENESIS, [relayer.public()], true);
		let check = |headers: &HeaderMap| readers.check_relayer(headers, NOW);
		assert_eq!(check(&relayer_header(&relayer, GENESIS, NOW)), Ok(Some(relayer.public())));
		// Within the skew either way; beyond it, refused.
		assert!(check(&relayer_header(&relayer, GENESIS, NOW - AUTH_MAX_SKEW_MS)).is_ok());
		assert!(check(&relayer_header(&relayer, GENESIS, NOW + AUTH_MAX_SKEW_MS)).is_ok());
		assert!(matches!(
			check(&relayer_header(&relayer, GENESIS, NOW - AUTH_MAX_SKEW_MS - 1)),
			Err(AuthError::OutOfTime { .. })
		));
		// Another chain's signature.
		assert_eq!(
			check(&relayer_header(&relayer, H256::zero(), NOW)),
			Err(AuthError::BadSignature)
		);
		// A valid signature of a block author: before the gateway read the chain, retry;
		// before and after the chain says it is one.
		let header = relayer_header(&author, GENESIS, NOW);
		assert_eq!(check(&header), Err(AuthError::NotReady));
		let api = ApiError::from(AuthError::NotReady);
		assert_eq!((api.status, api.retry_after), (StatusCode::SERVICE_UNAVAILABLE, Some(1)));
		assert!(readers.set_authorities([]));
		assert!(matches!(check(&header), Err(AuthError::NotARelayer(_))));
		assert!(readers.set_authorities([author.public()]));
		assert!(!readers.set_authorities([author.public()]));
		assert_eq!(check(&header), Ok(Some(author.public())));
		assert_eq!(readers.relayer_count(), 2);
		// A signature moved to another `at`, or another key.
		let moved = relayer_header(&relayer, GENESIS, NOW).get(header::AUTHORIZATION).cloned();
		let moved = moved.unwrap().to_str().unwrap().replace(&format!("at={NOW}"), "at=1");
		assert!(matches!(check(&with(&moved)), Err(AuthError::OutOfTime { .. })));
		let moved = moved.replace("at=1", &format!("at={}", NOW + 1));
		assert_eq!(check(&with(&moved)), Err(AuthError::BadSignature));
	}

	#[test]
	fn malformed_relayer_headers_are_named() {
		let readers = Readers::new(GENESIS, [], false);
		for (value, expect) in [
			("Bearer abc", "WattcoinRelayer authentication required"),
			("WattcoinRelayer", "no key"),
			("WattcoinRelayer key=0x00, at=1, signature=0x00", "key must be 32 bytes"),
			("WattcoinRelayer key=00, at=1, signature=0x00", "0x-prefixed"),
			("WattcoinRelayer key=0xzz, at=1, signature=0x00", "not hex"),
			("WattcoinRelayer key=0x00, key=0x00, at=1, signature=0x00", "key given twice"),
			("WattcoinRelayer key=0x00, at=1, signature=0x00, x=1", "unknown parameter"),
			("WattcoinRelayer key, at=1, signature=0x00", "not name=value"),
		] {
			let err = readers.check_relayer(&with(value), NOW).unwrap_err();
			assert!(err.to_string().contains(expect), "{value}: {err}");
		}
		let err = readers.check_relayer(&HeaderMap::new(), NOW).unwrap_err();
		let api = ApiError::from(err);
		assert_eq!(
			(api.status, api.www_authenticate),
			(StatusCode::UNAUTHORIZED, Some(RELAYER_SCHEME))
		);
	}

	fn owner_header(account: &str, at_ms: u64, signature: &[u8]) -> HeaderMap {
		with(&format!(
			"WattcoinOwner account={account}, at={at_ms}, signature=0x{}",
			hex::encode(signature)
		))
	}

	#[test]
	fn owners_sign_as_their_wallet_does() {
		let readers = Readers::new(GENESIS, [], false);
		let text = owner_message(GENESIS, 1_000, NOW);
		let sr = sr25519::Pair::from_string("//Alice", None).unwrap();
		let ed = ed25519::Pair::from_string("//Alice", None).unwrap();
		let ec = ecdsa::Pair::from_string("//Alice", None).unwrap();
		let sr_account = AccountId32::from(sr.public().0);
		let ed_account = AccountId32::from(ed.public().0);
		let ec_account: AccountId32 = sp_runtime::MultiSigner::from(ec.public()).into_account();
		use sp_runtime::traits::IdentifyAccount;
		// Bare text, <Bytes>-wrapped (polkadot.js extensions), SS58 or hex, all three schemes.
		let wrapped = format!("<Bytes>{text}</Bytes>");
		for (account, signature, owner) in [
			(sr_account.to_ss58check(), sr.sign(text.as_bytes()).0.to_vec(), &sr_account),
			(
				format!("0x{}", hex::encode(&sr_account)),
				sr.sign(wrapped.as_bytes()).0.to_vec(),
				&sr_account,
			),
			(ed_account.to_ss58check(), ed.sign(text.as_bytes()).0.to_vec(), &ed_account),
			(ec_account.to_ss58check(), ec.sign(text.as_bytes()).0.to_vec(), &ec_account),
		] {
			let headers = owner_header(&account, NOW, &signature);
			assert_eq!(readers.check_owner(&headers, 1_000, owner, NOW), Ok(()), "{account}");
			// The same header for another meter, or checked against another owner.
			assert_eq!(
				readers.check_owner(&headers, 1_001, owner, NOW),
				Err(AuthError::BadSignature)
			);
			let other = AccountId32::new([9; 32]);
			assert!(matches!(
				readers.check_owner(&headers, 1_000, &other, NOW),
				Err(AuthError::NotTheOwner { meter: 1_000, .. })
			));
		}
		let api = ApiError::from(AuthError::NotTheOwner { account: "x".into(), meter: 1 });
		assert_eq!((api.status, api.www_authenticate), (StatusCode::FORBIDDEN, None));
		// Someone else's signature naming the owner's account.
		let mallory = sr25519::Pair::from_string("//Mallory", None).unwrap();
		let headers =
			owner_header(&sr_account.to_ss58check(), NOW, &mallory.sign(text.as_bytes()).0);
		assert_eq!(
			readers.check_owner(&headers, 1_000, &sr_account, NOW),
			Err(AuthError::BadSignature)
		);
		let headers = owner_header(&sr_account.to_ss58check(), NOW, &[1; 10]);
		assert!(matches!(
			readers.check_owner(&headers, 1_000, &sr_account, NOW),
			Err(AuthError::Malformed(_))
		));
	}
}
