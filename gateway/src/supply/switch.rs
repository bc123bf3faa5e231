//! A meter's switch, driven only by verified supply commands, with the fail-safe.
//!
//! The switch opens (supply off) only on a command proven final under the meter's validator
//! set, from a block newer than the last command obeyed, whose block time is at most
//! `failsafe` old. A meter that has heard nothing finalized for longer closes its switch
//! again: no household stays cut off on stale information (a gateway that withholds commands
//! can delay a reconnection by at most `failsafe`, never make a disconnection last).

use super::command::{Refusal, SupplyCommand, TrustRoot, Verified};
use std::time::Duration;
use wattcoin_primitives::{prepaid_api::SupplyState, MeterId, Moment};

/// The meter-side state of the supply loop.
#[derive(Clone, Debug)]
pub struct MeterSwitch {
	meter: MeterId,
	trust: TrustRoot,
	failsafe_ms: Moment,
	last: Option<Verified>,
}

impl MeterSwitch {
	/// The switch of `meter`, installed with `trust`; closed (supply on) until a command
	/// opens it. A disconnection older than `failsafe` is not obeyed any more.
	pub fn new(meter: MeterId, trust: TrustRoot, failsafe: Duration) -> Self {
		let failsafe_ms = Moment::try_from(failsafe.as_millis()).unwrap_or(Moment::MAX);
		Self { meter, trust, failsafe_ms, last: None }
	}

	/// Offers a command: obeyed if it verifies (see [`SupplyCommand::verify`]).
	pub fn offer(&mut self, command: &SupplyCommand) -> Result<Verified, Refusal> {
		let last = self.last.map(|v| v.block_number);
		let verified = command.verify(self.meter, &self.trust, last)?;
		self.last = Some(verified);
		Ok(verified)
	}

	/// Whether the household has supply at `now_ms`: yes unless the last command obeyed
	/// orders `Disconnected` from a block at most the fail-safe time old.
	pub fn supply_on(&self, now_ms: Moment) -> bool {
		match self.last {
			Some(v) if v.supply == SupplyState::Disconnected => {
				now_ms.saturating_sub(v.block_time_ms) > self.failsafe_ms
			},
			_ => true,
		}
	}

	/// The last command obeyed.
	pub fn last(&self) -> Option<Verified> {
		self.last
	}
}
