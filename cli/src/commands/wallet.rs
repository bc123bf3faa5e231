//! `wattcoin wallet new | import | export | list`.

use anyhow::{bail, Context as _};

use super::{read_password_file, Context};
use crate::{cli::WalletCommand, keystore};

pub fn run(ctx: &Context, command: WalletCommand) -> anyhow::Result<()> {
	match command {
		WalletCommand::New { name } => new(ctx, &name),
		WalletCommand::Import(args) => import(ctx, args),
		WalletCommand::Export { account, out, new_password_file } => {
			export(ctx, &account, &out, new_password_file.as_deref())
		},
		WalletCommand::List => list(ctx),
	}
}

fn new(ctx: &Context, name: &str) -> anyhow::Result<()> {
	check_name(ctx, name)?;
	let password = ctx.new_password(&format!("'{name}'"))?;
	let (pair, phrase) = keystore::generate();
	let account = keystore::encrypt(&pair, &password, name)?;
	let path = ctx.wallet.add(&account)?;
	println!("account:  {name}");
	println!("address:  {}", account.address);
	println!("mnemonic: {phrase}");
	eprintln!(
		"Write the mnemonic down and keep it offline: it is the only way to recover the account \
		 if this wallet ({}) is lost. It is not stored.",
		path.display()
	);
	Ok(())
}

fn import(ctx: &Context, args: crate::cli::ImportArgs) -> anyhow::Result<()> {
	let account = if let Some(json) = &args.json {
		let mut account = keystore::read_json(json)?;
		if let Some(name) = &args.name {
			account.meta.name = Some(name.clone());
		}
		let Some(name) = account.name().map(str::to_string) else {
			bail!("{} has no account name: pass --name", json.display());
		};
		check_name(ctx, &name)?;
		// Opening it proves the password and that the key is the address's.
		keystore::decrypt(&account, &ctx.password(&account.label())?)?;
		account
	} else {
		let Some(name) = &args.name else { bail!("--name: what to call the account") };
		check_name(ctx, name)?;
		let uri = match (&args.secret_file, &args.dev) {
			(Some(file), _) => std::fs::read_to_string(file)
				.with_context(|| format!("reading {}", file.display()))?
				.trim()
				.to_string(),
			(None, Some(uri)) => uri.clone(),
			(None, None) => bail!("--secret-file, --json or --dev: where the account comes from"),
		};
		let pair = keystore::pair_from_uri(&uri)?;
		let password = ctx.new_password(&format!("'{name}'"))?;
		keystore::encrypt(&pair, &password, name)?
	};
	ctx.wallet.add(&account)?;
	println!("imported {} as {}", account.address, account.name().unwrap_or("?"));
	Ok(())
}

fn export(
	ctx: &Context,
	who: &str,
	out: &std::path::Path,
	new_password_file: Option<&std::path::Path>,
) -> anyhow::Result<()> {
	let account = ctx.wallet.find(who)?;
	let password = ctx.password(&account.label())?;
	let exported = match new_password_file {
		None => {
			keystore::decrypt(&account, &password)?;
			account.clone()
		},
		Some(file) => {
			let new_password = read_password_file(file)?;
			if new_password.is_empty() {
				bail!("{} holds an empty password; choose one", file.display());
			}
			keystore::reencrypt(&account, &password, &new_password)?
		},
	};
	if out.exists() {
		bail!("{} exists; not overwriting it", out.display());
	}
	keystore::write_private(out, &serde_json::to_vec_pretty(&exported)?)?;
	println!("exported {} to {}", account.label(), out.display());
	eprintln!("In polkadot.js apps: Accounts > Add account > Restore JSON (or the extension's \"Restore account from backup JSON file\").");
	Ok(())
}

fn list(ctx: &Context) -> anyhow::Result<()> {
	let accounts = ctx.wallet.list()?;
	if accounts.is_empty() {
		println!(
			"no accounts in {} (`wattcoin wallet new NAME` makes one)",
			ctx.wallet.dir().display()
		);
	}
	for account in accounts {
		println!("{:<20} {}", account.name().unwrap_or("-"), account.address);
	}
	Ok(())
}

fn check_name(ctx: &Context, name: &str) -> anyhow::Result<()> {
	if name.is_empty() || name.len() > 64 || name.chars().any(|c| c.is_control()) {
		bail!("{name:?}: an account name is 1 to 64 printable characters");
	}
	if keystore::parse_account(name).is_ok() {
		bail!("{name:?} is an address; choose a name that is not one");
	}
	if ctx.wallet.list()?.iter().any(|a| a.name() == Some(name)) {
		bail!("the wallet already has an account named '{name}'");
	}
	Ok(())
}
