//! Builds the runtime's wasm blob (embedded into the native crate as `WASM_BINARY`).

#[cfg(feature = "std")]
fn main() {
	substrate_wasm_builder::WasmBuilder::build_using_defaults();
}

/// When this crate is itself compiled for wasm there is nothing to embed.
#[cfg(not(feature = "std"))]
fn main() {}
