//! The metadata `wattcoin` is generated from (`metadata/wattcoin.scale`) is the runtime's.
//!
//! When the runtime changes, this test fails and says how to refresh the file:
//! `WATTCOIN_BLESS_METADATA=1 cargo test --release -p wattcoin-cli --test metadata`, then
//! rebuild `wattcoin` and commit the file with the runtime change.

use std::path::PathBuf;

/// The metadata version the file holds (V15: calls, storage, events, runtime APIs).
const VERSION: u32 = 15;

#[test]
fn the_committed_metadata_is_the_runtimes() {
	let runtime = wattcoin_runtime::Runtime::metadata_at_version(VERSION)
		.expect("the runtime offers metadata V15");
	let runtime: &[u8] = &runtime;
	let path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("metadata/wattcoin.scale");
	if std::env::var_os("WATTCOIN_BLESS_METADATA").is_some() {
		std::fs::write(&path, runtime).expect("writing the metadata file");
	}
	let committed = std::fs::read(&path).expect("reading the metadata file");
	assert!(
		committed == runtime,
		"{} is not the runtime's metadata ({} bytes committed, {} now): refresh it with \
		 `WATTCOIN_BLESS_METADATA=1 cargo test --release -p wattcoin-cli --test metadata` and \
		 commit it",
		path.display(),
		committed.len(),
		runtime.len()
	);
}
