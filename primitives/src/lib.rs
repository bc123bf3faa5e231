//! # Wattcoin primitives
//!
//! What the runtime, the node, the RPC and the meter gateway must agree on:
//! - [`reading`]: meter identifiers, readings and the signed message format
//!   (specified byte by byte in `docs/protocol.md`);
//! - [`traits`]: how the pallets talk to each other without depending on each other's crates;
//! - [`gateway`]: what the meter gateway serves to the nodes' off-chain workers;
//! - [`feed_auth`]: how relayers and meters' owners prove who they are to read the gateway's feeds;
//! - [`prepaid_api`]: the runtime API that reports a meter's prepaid status.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub mod feed_auth;
pub mod gateway;
pub mod meters_api;
pub mod prepaid_api;
pub mod reading;
pub mod traits;

/// Identifier of a meter: its serial number, unique across all operators.
///
/// Serial numbers of prepaid meters (STS meters use 11 or 13 decimal digits) fit in 64 bits.
pub type MeterId = u64;

/// A point in time: milliseconds since the Unix epoch, as kept by pallet-timestamp.
pub type Moment = u64;

/// Energy in watt-hours.
pub type WattHours = u64;
