//! The simulated meters' switches: before each round every meter whose gateway knows a newer
//! finalized block fetches its supply command, as JSON, checks it as a meter does
//! ([`MeterSwitch`]) and obeys. The validator set they check against is installed once, from
//! the node (an installer's trusted node), not from the gateway's commands.

use crate::supply::{MeterSwitch, SupplySource};
use std::{collections::BTreeMap, time::Duration};
use wattcoin_primitives::MeterId;

/// The supply loop's meter side for every simulated meter.
pub struct Switches {
	source: SupplySource,
	failsafe: Duration,
	switches: BTreeMap<MeterId, MeterSwitch>,
}

impl Switches {
	/// Switches fed by `source`, each with the fail-safe time `failsafe`.
	pub fn new(source: SupplySource, failsafe: Duration) -> Self {
		Self { source, failsafe, switches: BTreeMap::new() }
	}

	/// Installs the switches of `meters` (once the node answers), offers each the command of
	/// the newest finalized block it has not obeyed, and returns whether each has supply at
	/// `now_ms`.
	pub async fn update(&mut self, meters: &[MeterId], now_ms: u64) -> Vec<(MeterId, bool)> {
		if self.switches.is_empty() && !meters.is_empty() {
			match self.source.trust_root().await {
				Ok(trust) => {
					tracing::info!(
						meters = meters.len(),
						set_id = trust.set_id,
						validators = trust.authorities.len(),
						"meters installed with the chain's GRANDPA validator set"
					);
					for meter in meters {
						let switch = MeterSwitch::new(*meter, trust.clone(), self.failsafe);
						self.switches.insert(*meter, switch);
					}
				},
				Err(e) => tracing::warn!("cannot install the meters' validator set yet: {e}"),
			}
		}
		let latest = self.source.latest_block().await;
		let mut states = Vec::with_capacity(meters.len());
		for meter in meters {
			let Some(switch) = self.switches.get_mut(meter) else {
				states.push((*meter, true));
				continue;
			};
			let before = switch.supply_on(now_ms);
			let newer = latest.is_some_and(|n| switch.last().is_none_or(|v| v.block_number < n));
			if newer {
				match self.source.command(*meter).await.map(|c| serde_json::to_vec(&c)) {
					// What a meter receives is JSON: it parses and checks that.
					Ok(Ok(json)) => match serde_json::from_slice(&json) {
						Ok(command) => {
							if let Err(refusal) = switch.offer(&command) {
								tracing::warn!(meter, "supply command refused: {refusal}");
							}
						},
						Err(e) => tracing::warn!(meter, "supply command unreadable: {e}"),
					},
					Ok(Err(e)) => tracing::warn!(meter, "supply command not serialized: {e}"),
					Err(e) => tracing::debug!(meter, "no supply command: {e}"),
				}
			}
			let on = switch.supply_on(now_ms);
			if on != before {
				let block = switch.last().map(|v| v.block_number);
				tracing::info!(
					meter,
					supply_on = on,
					?block,
					"meter switch {}",
					if on { "closed: supply on" } else { "opened: supply off" }
				);
			}
			states.push((*meter, on));
		}
		states
	}
}
