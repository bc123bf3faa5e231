//! The wallet: sr25519 key pairs kept on disk, each encrypted with its own password, in the
//! polkadot.js JSON account format (version 3).
//!
//! One format for storing and for moving accounts: a file in the wallet directory is exactly
//! what polkadot.js apps and the browser extension export and import ("Restore JSON"), so
//! `wattcoin wallet export` copies it (under a new password if asked) and `wattcoin wallet
//! import --json` takes theirs as it is.
//!
//! The format: `encoded` is base64 of
//! `salt (32) ‖ N ‖ p ‖ r (u32 little-endian each) ‖ nonce (24) ‖ secretbox(pkcs8)`, where the
//! secretbox key is scrypt(password, salt, N = 2^15, p = 1, r = 8) and `pkcs8` is polkadot.js's
//! fixed header, the 64-byte sr25519 secret key in its ed25519-expanded form, a divider and
//! the 32-byte public key. Files are opened with `subxt-signer`'s own reader
//! ([`subxt_signer::polkadot_js_compat::decrypt_json`]), so what this module writes is checked
//! by an implementation other than its own (and by polkadot.js itself in the e2e tests).
//!
//! The mnemonic is never stored: `wallet new` shows it once, to be written down, as
//! polkadot.js does.

use std::{
	fs,
	path::{Path, PathBuf},
	time::{SystemTime, UNIX_EPOCH},
};

use anyhow::{anyhow, bail, Context};
use base64::Engine;
use crypto_secretbox::{
	aead::{Aead, AeadCore, KeyInit, OsRng},
	Key, XSalsa20Poly1305,
};
use rand::RngCore;
use serde::{Deserialize, Serialize};
use sp_core::{
	crypto::{Ss58AddressFormat, Ss58Codec},
	sr25519, Pair,
};
use subxt_signer::sr25519::Keypair;

/// The SS58 prefix of Wattcoin addresses (the runtime's `SS58Prefix`: generic Substrate).
pub const SS58_PREFIX: u16 = 42;

/// polkadot.js's default scrypt parameters (`N = 2^15, p = 1, r = 8`).
const SCRYPT_LOG_N: u8 = 15;
const SCRYPT_P: u32 = 1;
const SCRYPT_R: u32 = 8;
const PKCS8_HEADER: [u8; 16] = [48, 83, 2, 1, 1, 48, 5, 6, 3, 43, 101, 112, 4, 34, 4, 32];
const PKCS8_DIVIDER: [u8; 5] = [161, 35, 3, 33, 0];

/// A polkadot.js account file (`KeyringPair$Json`).
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct AccountJson {
	/// Base64 of the scrypt parameters, the nonce and the encrypted pkcs8 key pair.
	pub encoded: String,
	/// How `encoded` is made.
	pub encoding: Encoding,
	/// The account's SS58 address.
	pub address: String,
	/// The account's name and creation time, as polkadot.js keeps them.
	#[serde(default)]
	pub meta: Meta,
}

/// The `encoding` member of a polkadot.js account file.
#[derive(Serialize, Deserialize, Clone, Debug)]
pub struct Encoding {
	/// `["pkcs8", "sr25519"]`.
	pub content: Vec<String>,
	/// `["scrypt", "xsalsa20-poly1305"]`.
	#[serde(rename = "type")]
	pub kind: Vec<String>,
	/// `"3"`.
	pub version: String,
}

/// The `meta` member of a polkadot.js account file; members this tool does not use are kept.
#[derive(Serialize, Deserialize, Clone, Debug, Default)]
pub struct Meta {
	/// The account's name.
	#[serde(default, skip_serializing_if = "Option::is_none")]
	pub name: Option<String>,
	/// When it was created, in ms since the Unix epoch.
	#[serde(rename = "whenCreated", default, skip_serializing_if = "Option::is_none")]
	pub when_created: Option<u64>,
	/// Anything else polkadot.js wrote (genesisHash, tags, ...).
	#[serde(flatten)]
	pub other: serde_json::Map<String, serde_json::Value>,
}

/// The SS58 address of an sr25519 public key.
pub fn address_of(public: &[u8; 32]) -> String {
	sr25519::Public::from_raw(*public)
		.to_ss58check_with_version(Ss58AddressFormat::custom(SS58_PREFIX))
}

/// The 32-byte account id in an SS58 address (any prefix) or a 0x-prefixed hex public key.
pub fn parse_account(text: &str) -> anyhow::Result<[u8; 32]> {
	if let Some(hex) = text.strip_prefix("0x") {
		let bytes = hex::decode(hex).map_err(|e| anyhow!("{text:?} is not hex: {e}"))?;
		return bytes
			.try_into()
			.map_err(|_| anyhow!("{text:?} is not a 32-byte account id (64 hex digits)"));
	}
	sr25519::Public::from_ss58check_with_version(text)
		.map(|(public, _)| public.0)
		.map_err(|e| anyhow!("{text:?} is not an SS58 address: {e:?}"))
}

/// A key pair derived from a secret URI (`mnemonic[//hard][/soft][///password]`, or a dev
/// account's `//Alice`), as Substrate and polkadot.js derive it.
pub fn pair_from_uri(uri: &str) -> anyhow::Result<sr25519::Pair> {
	sr25519::Pair::from_string(uri, None)
		.map_err(|e| anyhow!("not a valid mnemonic or secret URI: {e:?}"))
}

/// A new random key pair and the 12-word mnemonic it comes from.
pub fn generate() -> (sr25519::Pair, String) {
	let (pair, phrase, _seed) = sr25519::Pair::generate_with_phrase(None);
	(pair, phrase)
}

/// `pair` encrypted with `password` as a polkadot.js account file named `name`.
pub fn encrypt(pair: &sr25519::Pair, password: &str, name: &str) -> anyhow::Result<AccountJson> {
	encrypt_keypair(pair.as_ref(), password, name)
}

/// [`encrypt`] for a schnorrkel key pair.
fn encrypt_keypair(
	keypair: &schnorrkel::Keypair,
	password: &str,
	name: &str,
) -> anyhow::Result<AccountJson> {
	let mut pkcs8 = Vec::with_capacity(117);
	pkcs8.extend_from_slice(&PKCS8_HEADER);
	pkcs8.extend_from_slice(&keypair.secret.to_ed25519_bytes());
	pkcs8.extend_from_slice(&PKCS8_DIVIDER);
	pkcs8.extend_from_slice(&keypair.public.to_bytes());

	let mut salt = [0u8; 32];
	rand::thread_rng().fill_bytes(&mut salt);
	let key = scrypt_key(password, &salt)?;
	let nonce = XSalsa20Poly1305::generate_nonce(&mut OsRng);
	let sealed = XSalsa20Poly1305::new(&key)
		.encrypt(&nonce, pkcs8.as_slice())
		.map_err(|e| anyhow!("encrypting the key pair: {e}"))?;

	let mut encoded = Vec::with_capacity(68 + sealed.len());
	encoded.extend_from_slice(&salt);
	encoded.extend_from_slice(&(1u32 << SCRYPT_LOG_N).to_le_bytes());
	encoded.extend_from_slice(&SCRYPT_P.to_le_bytes());
	encoded.extend_from_slice(&SCRYPT_R.to_le_bytes());
	encoded.extend_from_slice(&nonce);
	encoded.extend_from_slice(&sealed);
	Ok(AccountJson {
		encoded: base64::engine::general_purpose::STANDARD.encode(encoded),
		encoding: Encoding {
			content: vec!["pkcs8".into(), "sr25519".into()],
			kind: vec!["scrypt".into(), "xsalsa20-poly1305".into()],
			version: "3".into(),
		},
		address: address_of(&keypair.public.to_bytes()),
		meta: Meta {
			name: Some(name.into()),
			when_created: SystemTime::now()
				.duration_since(UNIX_EPOCH)
				.ok()
				.map(|d| d.as_millis() as u64),
			other: Default::default(),
		},
	})
}

fn scrypt_key(password: &str, salt: &[u8]) -> anyhow::Result<Key> {
	scrypt_key_with(password, salt, 1 << SCRYPT_LOG_N, SCRYPT_P, SCRYPT_R)
}

/// The secretbox key from `password` with the scrypt parameters a file names (`decrypt`
/// has checked they are among polkadot.js's).
fn scrypt_key_with(password: &str, salt: &[u8], n: u32, p: u32, r: u32) -> anyhow::Result<Key> {
	if !n.is_power_of_two() {
		bail!("scrypt N = {n} is not a power of two");
	}
	let params = scrypt::Params::new(n.trailing_zeros() as u8, r, p, 32)
		.map_err(|e| anyhow!("scrypt parameters: {e}"))?;
	let mut key = Key::default();
	scrypt::scrypt(password.as_bytes(), salt, &params, &mut key)
		.map_err(|e| anyhow!("scrypt: {e}"))?;
	Ok(key)
}

/// Opens `account` with `password`: the key pair that signs for it.
pub fn decrypt(account: &AccountJson, password: &str) -> anyhow::Result<Keypair> {
	use subxt_signer::polkadot_js_compat::{decrypt_json, Error};
	let json = serde_json::to_string(account)?;
	decrypt_json(&json, password).map_err(|e| match e {
		Error::Secretbox(_) => anyhow!("wrong password for account {}", account.label()),
		Error::UnsupportedEncoding => anyhow!(
			"account {} is not an sr25519 account in the polkadot.js JSON format, version 3 \
			 (ed25519, ecdsa and ethereum accounts are not supported)",
			account.label()
		),
		other => anyhow!("cannot open account {}: {other}", account.label()),
	})
}

/// `account` under `new_password` instead of `password` (the same key pair and name).
pub fn reencrypt(
	account: &AccountJson,
	password: &str,
	new_password: &str,
) -> anyhow::Result<AccountJson> {
	// Opened by subxt-signer first: a wrong password is reported as such.
	decrypt(account, password)?;
	let decoded = base64::engine::general_purpose::STANDARD.decode(&account.encoded)?;
	if decoded.len() != 68 + 117 + 16 {
		bail!("account {} is not a polkadot.js sr25519 file", account.label());
	}
	let key = scrypt_key_with(
		password,
		&decoded[..32],
		u32::from_le_bytes(decoded[32..36].try_into()?),
		u32::from_le_bytes(decoded[36..40].try_into()?),
		u32::from_le_bytes(decoded[40..44].try_into()?),
	)?;
	let nonce = crypto_secretbox::Nonce::from_slice(&decoded[44..68]);
	let pkcs8 = XSalsa20Poly1305::new(&key)
		.decrypt(nonce, &decoded[68..])
		.map_err(|_| anyhow!("wrong password for account {}", account.label()))?;
	let secret = schnorrkel::SecretKey::from_ed25519_bytes(&pkcs8[16..80])
		.map_err(|e| anyhow!("account {}: {e}", account.label()))?;
	let keypair = schnorrkel::Keypair { public: secret.to_public(), secret };
	let mut again = encrypt_keypair(&keypair, new_password, account.name().unwrap_or(""))?;
	again.meta = account.meta.clone();
	Ok(again)
}

impl AccountJson {
	/// The account's name, if it has one.
	pub fn name(&self) -> Option<&str> {
		self.meta.name.as_deref()
	}

	/// `'name' (address)`, for messages.
	pub fn label(&self) -> String {
		match self.name() {
			Some(name) => format!("'{name}' ({})", self.address),
			None => self.address.clone(),
		}
	}

	/// The account id the file claims; checked against the key when it is opened.
	pub fn account_id(&self) -> anyhow::Result<[u8; 32]> {
		parse_account(&self.address)
	}
}

/// The accounts in a wallet directory, one polkadot.js file per account (`<address>.json`).
pub struct Wallet {
	dir: PathBuf,
}

impl Wallet {
	/// The wallet in `dir` (created when the first account is added).
	pub fn new(dir: PathBuf) -> Self {
		Self { dir }
	}

	/// Where the wallet lives.
	pub fn dir(&self) -> &Path {
		&self.dir
	}

	/// Every account, by name.
	pub fn list(&self) -> anyhow::Result<Vec<AccountJson>> {
		let entries = match fs::read_dir(&self.dir) {
			Ok(entries) => entries,
			Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
			Err(e) => return Err(e).with_context(|| format!("reading {}", self.dir.display())),
		};
		let mut accounts = Vec::new();
		for entry in entries {
			let path = entry?.path();
			if path.extension().is_some_and(|e| e == "json") {
				accounts.push(read_json(&path)?);
			}
		}
		accounts.sort_by(|a, b| a.name().cmp(&b.name()).then(a.address.cmp(&b.address)));
		Ok(accounts)
	}

	/// The account named `who`, or whose address is `who`.
	pub fn find(&self, who: &str) -> anyhow::Result<AccountJson> {
		let accounts = self.list()?;
		if let Some(found) = accounts.iter().find(|a| a.name() == Some(who) || a.address == who) {
			return Ok(found.clone());
		}
		let known: Vec<_> = accounts.iter().filter_map(|a| a.name()).collect();
		bail!(
			"unknown account '{who}': the wallet in {} has {} (`wattcoin wallet list` shows \
			 them; `wattcoin wallet new` or `wallet import` adds one)",
			self.dir.display(),
			if known.is_empty() { "no accounts".to_string() } else { known.join(", ") }
		)
	}

	/// Adds `account`; refuses a second account with the same name or address.
	pub fn add(&self, account: &AccountJson) -> anyhow::Result<PathBuf> {
		for existing in self.list()? {
			if existing.address == account.address {
				bail!("the wallet already has this account, as {}", existing.label());
			}
			if existing.name().is_some() && existing.name() == account.name() {
				bail!("the wallet already has an account named {}", existing.label());
			}
		}
		fs::create_dir_all(&self.dir)
			.with_context(|| format!("creating the wallet directory {}", self.dir.display()))?;
		let path = self.dir.join(format!("{}.json", account.address));
		write_private(&path, &serde_json::to_vec_pretty(account)?)?;
		Ok(path)
	}
}

/// Reads a polkadot.js account file.
pub fn read_json(path: &Path) -> anyhow::Result<AccountJson> {
	let text = fs::read_to_string(path).with_context(|| format!("reading {}", path.display()))?;
	serde_json::from_str(&text)
		.with_context(|| format!("{} is not a polkadot.js account file", path.display()))
}

/// Writes `bytes` to `path` readable by its owner only, through a temporary file, so a crash
/// leaves the old file or the new one, never half of one.
pub fn write_private(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
	use std::io::Write;
	let dir = path.parent().unwrap_or(Path::new("."));
	let mut file = tempfile::NamedTempFile::new_in(dir)
		.with_context(|| format!("creating a file in {}", dir.display()))?;
	#[cfg(unix)]
	{
		use std::os::unix::fs::PermissionsExt;
		file.as_file().set_permissions(fs::Permissions::from_mode(0o600))?;
	}
	file.write_all(bytes)?;
	file.as_file().sync_all()?;
	file.persist(path).with_context(|| format!("writing {}", path.display()))?;
	Ok(())
}

#[cfg(test)]
mod tests {
	use super::*;

	const FIXTURE: &str = include_str!("../tests/fixtures/polkadotjs-household.json");
	const FIXTURE_MNEMONIC: &str =
		"honey senior crawl bean pepper marble reform october home obtain dignity shine";
	const FIXTURE_PASSWORD: &str = "correct horse battery staple";
	const FIXTURE_ADDRESS: &str = "5C5iJWJr56qXGzVzm4EmrxrLPk5m3BdYWRMiFpYnDyZt27Ys";

	#[test]
	fn a_polkadot_js_file_opens_with_its_password_and_matches_its_mnemonic() {
		let account: AccountJson = serde_json::from_str(FIXTURE).unwrap();
		let keypair = decrypt(&account, FIXTURE_PASSWORD).unwrap();
		assert_eq!(address_of(&keypair.public_key().0), FIXTURE_ADDRESS);
		let pair = pair_from_uri(FIXTURE_MNEMONIC).unwrap();
		assert_eq!(address_of(&pair.public().0), FIXTURE_ADDRESS);
		assert_eq!(account.name(), Some("household"));
	}

	#[test]
	fn a_wrong_password_is_named_as_such() {
		let account: AccountJson = serde_json::from_str(FIXTURE).unwrap();
		let err = decrypt(&account, "not it").unwrap_err().to_string();
		assert_eq!(err, format!("wrong password for account 'household' ({FIXTURE_ADDRESS})"));
	}

	#[test]
	fn what_this_module_writes_subxt_signer_opens_as_the_same_key() {
		let (pair, _phrase) = generate();
		let account = encrypt(&pair, "pw", "new").unwrap();
		assert_eq!(account.address, address_of(&pair.public().0));
		let keypair = decrypt(&account, "pw").unwrap();
		assert_eq!(keypair.public_key().0, pair.public().0);
		// Same secret: a signature made by the opened key verifies under the original public key.
		let signature = keypair.sign(b"wattcoin");
		assert!(sr25519::Pair::verify(
			&sr25519::Signature::from_raw(signature.0),
			b"wattcoin",
			&pair.public()
		));
		assert!(decrypt(&account, "other").is_err());
	}

	#[test]
	fn a_polkadot_js_file_reencrypted_opens_with_the_new_password_only() {
		let account: AccountJson = serde_json::from_str(FIXTURE).unwrap();
		let again = reencrypt(&account, FIXTURE_PASSWORD, "new one").unwrap();
		assert_eq!(again.address, FIXTURE_ADDRESS);
		assert_eq!(again.name(), Some("household"));
		assert_eq!(
			address_of(&decrypt(&again, "new one").unwrap().public_key().0),
			FIXTURE_ADDRESS
		);
		assert!(decrypt(&again, FIXTURE_PASSWORD).is_err());
		assert!(reencrypt(&account, "wrong", "x")
			.unwrap_err()
			.to_string()
			.contains("wrong password"));
	}

	#[test]
	fn a_tampered_file_is_refused() {
		let pair = pair_from_uri("//Alice").unwrap();
		let mut account = encrypt(&pair, "pw", "alice").unwrap();
		account.address = address_of(&pair_from_uri("//Bob").unwrap().public().0);
		assert!(decrypt(&account, "pw").is_err(), "a file claiming another address");
		let mut account = encrypt(&pair, "pw", "alice").unwrap();
		account.encoding.content = vec!["pkcs8".into(), "ed25519".into()];
		let err = decrypt(&account, "pw").unwrap_err().to_string();
		assert!(err.contains("not an sr25519 account"), "{err}");
	}

	#[test]
	fn the_wallet_finds_by_name_or_address_and_refuses_duplicates() {
		let dir = tempfile::tempdir().unwrap();
		let wallet = Wallet::new(dir.path().join("wallet"));
		assert!(wallet.list().unwrap().is_empty());
		let alice = encrypt(&pair_from_uri("//Alice").unwrap(), "pw", "alice").unwrap();
		wallet.add(&alice).unwrap();
		assert_eq!(wallet.find("alice").unwrap().address, alice.address);
		assert_eq!(wallet.find(&alice.address).unwrap().name(), Some("alice"));
		let again = encrypt(&pair_from_uri("//Alice").unwrap(), "pw", "other").unwrap();
		assert!(wallet.add(&again).unwrap_err().to_string().contains("already has this account"));
		let bob = encrypt(&pair_from_uri("//Bob").unwrap(), "pw", "alice").unwrap();
		assert!(wallet.add(&bob).unwrap_err().to_string().contains("already has an account named"));
		let err = wallet.find("carol").unwrap_err().to_string();
		assert!(err.starts_with("unknown account 'carol'") && err.contains("alice"), "{err}");
	}

	#[test]
	fn accounts_parse_from_ss58_or_hex() {
		let id = parse_account(FIXTURE_ADDRESS).unwrap();
		assert_eq!(address_of(&id), FIXTURE_ADDRESS);
		let hex = format!("0x{}", hex::encode(id));
		assert_eq!(parse_account(&hex).unwrap(), id);
		assert!(parse_account("5notanaddress").is_err());
		assert!(parse_account("0x1234").is_err());
	}
}
