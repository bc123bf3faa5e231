//! # wattcoin-gateway
//!
//! The meters' head-end: meters POST signed readings (the format of `docs/protocol.md`), the
//! gateway checks them against the device keys of the meters it knows and the chain's
//! genesis hash, stores them durably in SQLite, and serves them in cursor order to the
//! nodes' off-chain workers, which carry them on chain, and to each meter's owner its own
//! readings, to no one else. It can also simulate household
//! meters with the deterministic dev keys the chain's genesis registers.
//!
//! - [`api`]: the HTTP endpoints;
//! - [`body`]: the size limits of a batch's body and its decoding (JSON or SCALE);
//! - [`connections`]: serving HTTP connections within the limits;
//! - [`limits`]: the timeouts and bounds on connections and requests;
//! - [`ingest`]: the checks every reading passes (POSTed or simulated) before it is stored;
//! - [`store`]: the SQLite store (its schema and migrations in `schema.rs`);
//! - [`meters`]: the known meters and the `--meters` file;
//! - [`chain`]: following the node's finalized blocks: meters as the chain has them, each
//!   reading's outcome, pruning;
//! - [`outcomes`]: what became of each stored reading, and pruning, in the store;
//! - [`readers`]: who may read the reading feeds (relayers, and each meter's owner);
//! - [`owners`]: since when each meter has had its owner, and the readings it may read;
//! - [`billing`]: each meter's billing history, indexed from finalized blocks;
//! - [`simulator`]: the simulated meters and their load model;
//! - [`genesis`]: the genesis hash from a node;
//! - [`web`]: the web app's files (`--web`), served next to the API;
//! - [`server`]: the whole gateway, started and stopped;
//! - [`cli`]: the command line.
//!
//! See `gateway/README.md` for the flags, the endpoints and the guarantees.

pub mod api;
pub mod billing;
pub mod body;
pub mod chain;
pub mod cli;
pub mod connections;
pub mod genesis;
pub mod ingest;
pub mod limits;
pub mod meters;
pub mod outcomes;
pub mod owners;
pub mod readers;
mod schema;
pub mod server;
pub mod simulator;
pub mod store;
pub mod supply;
pub mod web;

pub use server::{Config, Gateway};
