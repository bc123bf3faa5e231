//! The command line: what each subcommand takes.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// The Wattcoin wallet: accounts, payments, prepaid meters, tariffs and vendors.
///
/// Accounts are sr25519 key pairs kept encrypted in the polkadot.js JSON format, so they move
/// to and from polkadot.js apps and the browser extension. Every transaction is signed here and
/// followed until its block is finalized; a failed one prints the chain's error.
#[derive(Parser, Debug)]
#[command(name = "wattcoin", version, propagate_version = true)]
pub struct Cli {
	/// The node to talk to.
	#[arg(long, global = true, env = "WATTCOIN_URL", default_value = "ws://127.0.0.1:9944")]
	pub url: String,
	/// The wallet directory (default: the user's data directory, `wattcoin/wallet`).
	#[arg(long, global = true, env = "WATTCOIN_WALLET")]
	pub wallet: Option<PathBuf>,
	/// A file whose first line is the account's password; without it, WATTCOIN_PASSWORD, else
	/// the password is asked for on the terminal.
	#[arg(long, global = true)]
	pub password_file: Option<PathBuf>,
	#[command(subcommand)]
	pub command: Command,
}

#[derive(Subcommand, Debug)]
pub enum Command {
	/// Create, import, export and list accounts.
	#[command(subcommand)]
	Wallet(WalletCommand),
	/// The free, reserved and frozen WATT of an account (a wallet name or an address).
	Balance {
		/// A wallet account's name, or any address.
		account: String,
	},
	/// Send WATT to an account; the sender keeps at least the existential deposit.
	Transfer(Payment),
	/// Prepaid meters: status, top-up, registration.
	#[command(subcommand)]
	Meter(MeterCommand),
	/// Tariffs: prices, versions and announced changes.
	#[command(subcommand)]
	Tariff(TariffCommand),
	/// Licensed vendors: issue WATT against a payment received off chain.
	#[command(subcommand)]
	Vendor(VendorCommand),
	/// Operators: revenue from billed energy, and its withdrawal.
	#[command(subcommand)]
	Operator(OperatorCommand),
}

#[derive(Subcommand, Debug)]
pub enum OperatorCommand {
	/// The revenue an operator holds in the prepaid pot, not yet withdrawn.
	Revenue {
		/// The operator: a wallet account's name or an address.
		operator: String,
	},
	/// Pay revenue out of the pot to the operator's account (or another).
	Withdraw {
		/// The operator's wallet account.
		#[arg(long)]
		from: String,
		/// How much, in WATT.
		#[arg(long)]
		amount: String,
		/// Where to pay it (default: the operator itself).
		#[arg(long)]
		to: Option<String>,
	},
}

/// Who pays whom how much: `--from`, `--to`, `--amount`.
#[derive(Args, Debug)]
pub struct Payment {
	/// The wallet account that pays (or signs, for a vendor's issue).
	#[arg(long)]
	pub from: String,
	/// Who receives: a wallet account's name or any address.
	#[arg(long)]
	pub to: String,
	/// How much, in WATT (e.g. 12.5).
	#[arg(long)]
	pub amount: String,
}

#[derive(Subcommand, Debug)]
pub enum WalletCommand {
	/// Create an account: prints its 12-word mnemonic once (write it down) and its address.
	New {
		/// A name for the account, unique in this wallet.
		name: String,
	},
	/// Add an existing account: from its mnemonic or secret URI, or a polkadot.js JSON file.
	Import(ImportArgs),
	/// Write an account as a polkadot.js JSON file, for polkadot.js apps or the extension.
	Export {
		/// The account's name or address.
		account: String,
		/// Where to write the file.
		#[arg(long)]
		out: PathBuf,
		/// Encrypt the exported file with a new password read from this file (default: the
		/// account's own password).
		#[arg(long)]
		new_password_file: Option<PathBuf>,
	},
	/// The accounts in this wallet: names and addresses.
	List,
}

#[derive(Args, Debug)]
pub struct ImportArgs {
	/// A name for the account (for `--json`, default: the name in the file).
	#[arg(long)]
	pub name: Option<String>,
	/// A file holding a mnemonic or secret URI (`phrase//hard/soft`, or `//Alice` on a dev
	/// chain).
	#[arg(long, required_unless_present_any = ["json", "dev"], conflicts_with_all = ["json", "dev"])]
	pub secret_file: Option<PathBuf>,
	/// A polkadot.js JSON account file (exported from polkadot.js apps or the extension); the
	/// password that opens it becomes the account's password here.
	#[arg(long, conflicts_with = "dev")]
	pub json: Option<PathBuf>,
	/// A dev account's secret URI given on the command line (`//Alice`). Only for dev chains:
	/// a real mnemonic belongs in a file (`--secret-file`), not in shell history.
	#[arg(long)]
	pub dev: Option<String>,
}

#[derive(Subcommand, Debug)]
pub enum MeterCommand {
	/// A meter's credit, debt, emergency credit, supply state, tariff and days left.
	Status {
		/// The meter's id.
		meter: u64,
		/// Print the node's JSON answer (`wattcoin_meterStatus`) instead.
		#[arg(long)]
		json: bool,
	},
	/// Pay WATT into a meter's prepaid credit (anyone may top up any meter).
	TopUp {
		/// The meter's id.
		meter: u64,
		/// The wallet account that pays.
		#[arg(long)]
		from: String,
		/// How much, in WATT.
		#[arg(long)]
		amount: String,
	},
	/// Register meters (an operator): one from the flags, or many from a CSV file.
	Register(RegisterArgs),
}

#[derive(Args, Debug)]
pub struct RegisterArgs {
	/// The operator's wallet account (it signs every registration).
	#[arg(long)]
	pub from: String,
	/// A CSV file with a header `meter,key,owner` (key: the device's 0x sr25519 public key;
	/// optional columns `scheme` (sr25519, ed25519 or ecdsa) and `metadata`). Rows already
	/// registered as written are skipped, so a run that stopped can be run again.
	#[arg(long, conflicts_with_all = ["meter", "key", "owner"])]
	pub csv: Option<PathBuf>,
	/// One meter's id.
	#[arg(long, requires_all = ["key", "owner"])]
	pub meter: Option<u64>,
	/// Its device's public key (0x hex), sr25519 unless `--scheme` says otherwise.
	#[arg(long)]
	pub key: Option<String>,
	/// Its owner (the household): a wallet name or an address.
	#[arg(long)]
	pub owner: Option<String>,
	/// The key's scheme: sr25519, ed25519 or ecdsa.
	#[arg(long, default_value = "sr25519")]
	pub scheme: String,
	/// How many registrations may wait in the node's pool at once (CSV only).
	#[arg(long, default_value_t = 2000, value_parser = clap::value_parser!(u32).range(1..=5000))]
	pub in_flight: u32,
}

#[derive(Subcommand, Debug)]
pub enum TariffCommand {
	/// A tariff's operator, versions (prices, bands, tiers) and the meters on it.
	Show {
		/// The tariff's id.
		tariff: u32,
	},
	/// Bill a meter at one of the operator's tariffs (a meter already on a tariff switches
	/// after the notice period).
	Assign {
		/// The meter's operator, owning the tariff.
		#[arg(long)]
		from: String,
		/// The meter's id.
		#[arg(long)]
		meter: u64,
		/// The tariff's id.
		#[arg(long)]
		tariff: u32,
	},
}

#[derive(Subcommand, Debug)]
pub enum VendorCommand {
	/// Issue WATT to a household against a payment received off chain (a licensed vendor).
	Issue {
		/// The vendor (`--from`), the household (`--to`) and the amount.
		#[command(flatten)]
		payment: Payment,
		/// The vendor's receipt for the payment (unique per vendor, e.g. the till's number).
		#[arg(long)]
		receipt: String,
		/// The block at which the payment was taken (default: the chain's best block now).
		#[arg(long)]
		paid_at: Option<u32>,
	},
}
