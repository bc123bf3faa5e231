//! The supply loop back to the meter: the chain decides a meter's supply state
//! (pallet-prepaid's `SupplyOrders`); the gateway serves each meter a **supply command**
//! carrying the proof of it ([`source`], `GET /v1/meters/{meter}/supply`); the meter checks
//! the proof against the validator set it was installed with and drives its switch
//! ([`command`], [`switch`]). The gateway's simulated meters do exactly that before they obey.
//! `docs/protocol.md`, "Supply commands", specifies it.

pub mod command;
pub mod source;
pub mod switch;

pub use command::{Refusal, SupplyCommand, TrustRoot, Verified};
pub use source::{SupplyError, SupplySource};
pub use switch::MeterSwitch;

#[cfg(test)]
mod tests;
