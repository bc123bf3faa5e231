//! The built-in chain specifications: `dev` and `local`.

use sc_service::{ChainType, Properties};
use wattcoin_runtime::{currency, SS58_PREFIX, WASM_BINARY};

/// A chain specification of the Wattcoin runtime.
pub type ChainSpec = sc_service::GenericChainSpec;

/// What wallets (polkadot.js apps among them) read to show WATT amounts and addresses.
pub fn properties() -> Properties {
	let mut properties = Properties::new();
	properties.insert("tokenSymbol".into(), currency::SYMBOL.into());
	properties.insert("tokenDecimals".into(), currency::DECIMALS.into());
	properties.insert("ss58Format".into(), SS58_PREFIX.into());
	properties
}

fn wasm_binary() -> Result<&'static [u8], String> {
	WASM_BINARY.ok_or_else(|| {
		"The runtime's wasm binary is missing: this node was built with SKIP_WASM_BUILD=1. \
		 Build it again without it."
			.to_string()
	})
}

/// `--dev`: a single validator (Alice) chain with funded dev accounts.
pub fn development_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Wattcoin Development")
		.with_id("wattcoin_dev")
		.with_chain_type(ChainType::Development)
		.with_genesis_config_preset_name(sp_genesis_builder::DEV_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}

/// `--chain local`: validators Alice, Bob, Charlie and Dave, for a local multi-node network
/// (`zombienet/`).
pub fn local_chain_spec() -> Result<ChainSpec, String> {
	Ok(ChainSpec::builder(wasm_binary()?, None)
		.with_name("Wattcoin Local Testnet")
		.with_id("wattcoin_local")
		.with_chain_type(ChainType::Local)
		.with_genesis_config_preset_name(sp_genesis_builder::LOCAL_TESTNET_RUNTIME_PRESET)
		.with_properties(properties())
		.build())
}
