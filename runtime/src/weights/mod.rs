//! Weights of the runtime measured on this machine, apart from each pallet's own
//! (`pallets/*/src/weights.rs`): the database's (`docs/benchmarks.md`, "Database weights").

pub mod paritydb_weights;
