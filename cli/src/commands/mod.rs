//! The subcommands, and what they share: the wallet, passwords, the node.

mod account;
mod meter;
mod operator;
mod register;
mod tariff;
mod vendor;
mod wallet;

use std::path::{Path, PathBuf};

use anyhow::{bail, Context as _};
use subxt_signer::sr25519::Keypair;

use crate::{
	chain::Chain,
	cli::{Cli, Command},
	keystore::{self, Wallet},
};

/// Runs the parsed command line.
pub async fn run(cli: Cli) -> anyhow::Result<()> {
	let ctx = Context::new(&cli)?;
	match cli.command {
		Command::Wallet(command) => wallet::run(&ctx, command),
		Command::Balance { account } => account::balance(&ctx, &account).await,
		Command::Transfer(payment) => account::transfer(&ctx, &payment).await,
		Command::Meter(command) => meter::run(&ctx, command).await,
		Command::Tariff(command) => tariff::run(&ctx, command).await,
		Command::Vendor(command) => vendor::run(&ctx, command).await,
		Command::Operator(command) => operator::run(&ctx, command).await,
	}
}

/// What every subcommand may need.
pub struct Context {
	/// The accounts.
	pub wallet: Wallet,
	/// The node's address.
	pub url: String,
	password_file: Option<PathBuf>,
}

impl Context {
	fn new(cli: &Cli) -> anyhow::Result<Self> {
		let dir = match &cli.wallet {
			Some(dir) => dir.clone(),
			None => dirs::data_dir()
				.context("no data directory for the wallet: pass --wallet DIR")?
				.join("wattcoin")
				.join("wallet"),
		};
		Ok(Self {
			wallet: Wallet::new(dir),
			url: cli.url.clone(),
			password_file: cli.password_file.clone(),
		})
	}

	/// Connects to the node.
	pub async fn chain(&self) -> anyhow::Result<Chain> {
		Chain::connect(&self.url).await
	}

	/// The password of `account`: from `--password-file`, WATTCOIN_PASSWORD or the terminal.
	pub fn password(&self, account: &str) -> anyhow::Result<String> {
		if let Some(file) = &self.password_file {
			return read_password_file(file);
		}
		if let Ok(password) = std::env::var("WATTCOIN_PASSWORD") {
			return Ok(password);
		}
		rpassword::prompt_password(format!("password for {account}: "))
			.context("reading the password from the terminal (or pass --password-file)")
	}

	/// A new account's password, asked twice on a terminal; never empty.
	pub fn new_password(&self, account: &str) -> anyhow::Result<String> {
		let password = if self.password_file.is_some() || std::env::var("WATTCOIN_PASSWORD").is_ok()
		{
			self.password(account)?
		} else {
			let first = rpassword::prompt_password(format!("new password for {account}: "))?;
			let again = rpassword::prompt_password("the same password again: ")?;
			if first != again {
				bail!("the two passwords differ; nothing was saved");
			}
			first
		};
		if password.is_empty() {
			bail!("an empty password would leave the key unprotected; choose one");
		}
		Ok(password)
	}

	/// Opens the wallet account `who` (name or address) with its password.
	pub fn signer(&self, who: &str) -> anyhow::Result<Keypair> {
		let account = self.wallet.find(who)?;
		let password = self.password(&account.label())?;
		keystore::decrypt(&account, &password)
	}

	/// An account id from a wallet name or an address.
	pub fn account(&self, who: &str) -> anyhow::Result<[u8; 32]> {
		if let Ok(id) = keystore::parse_account(who) {
			return Ok(id);
		}
		self.wallet.find(who)?.account_id()
	}
}

/// The first line of a password file, without its line ending.
pub fn read_password_file(file: &Path) -> anyhow::Result<String> {
	let text = std::fs::read_to_string(file)
		.with_context(|| format!("reading the password file {}", file.display()))?;
	Ok(text.lines().next().unwrap_or("").to_string())
}
