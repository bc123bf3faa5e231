//! Sorting a page's readings by what ingesting them now would do with each: new, on chain
//! already, refused for good, or held (refused for now); and deferred, another relayer's
//! ([`super::partition`]), which are checked against the chain without their signatures.

use super::{partition::Partition, LOG_TARGET, MAX_HOLD_MS};
use crate::{
	ingest::{judge, Signatures, Verdict},
	pallet::{Config, Meters, Pallet},
	MeterInfo, RejectReason,
};
use alloc::{collections::BTreeMap, vec, vec::Vec};
use sp_runtime::traits::Saturating;
use wattcoin_primitives::{gateway::Cursor, reading::SignedReading, MeterId, Moment};

/// A page's readings sorted by what the chain would do with them.
pub(super) struct SortedPage {
	/// The readings the chain would take, in page order.
	pub new: Vec<SignedReading>,
	/// How many the chain has already.
	pub on_chain: u32,
	/// How many the chain would refuse for good.
	pub refused: u32,
	/// How many the chain refuses for now but may take later (an unknown, suspended or
	/// tampered meter, a reading ahead of the chain's clock or of its predecessor).
	pub held: u32,
	/// How many are another relayer's and not on chain yet: they hold the cursor as held
	/// readings do, until their relayer brings them or they are handed over to this one.
	pub deferred: u32,
}

/// Sorts `readings` by what ingesting them now would do with each, with the rules of
/// ingestion ([`crate::ingest::judge`]), taking every meter's readings in `seq` order.
pub(super) fn sort_page<T: Config>(
	readings: &[(Cursor, SignedReading)],
	now_ms: Moment,
	partition: Partition,
	states: &mut BTreeMap<MeterId, Option<MeterInfo<T::AccountId>>>,
) -> SortedPage {
	let genesis_hash = Pallet::<T>::genesis_hash();
	let latest_ms = Pallet::<T>::latest_acceptable_ms();

	// Stable sort: readings with the same meter and `seq` stay in page order, as in ingestion.
	let mut ordered: Vec<(usize, &SignedReading)> =
		readings.iter().map(|(_, signed)| signed).enumerate().collect();
	ordered.sort_by_key(|(_, signed)| (signed.reading.meter, signed.reading.seq));

	let mut is_new = vec![false; readings.len()];
	let mut sorted = SortedPage { new: Vec::new(), on_chain: 0, refused: 0, held: 0, deferred: 0 };
	for group in ordered.chunk_by(|(_, a), (_, b)| a.reading.meter == b.reading.meter) {
		let Some((_, first)) = group.first() else { continue };
		let meter = first.reading.meter;
		let state = states.entry(meter).or_insert_with(|| Meters::<T>::get(meter));
		for (index, signed) in group {
			let reading = &signed.reading;
			if !partition.takes(meter, reading.at_ms, now_ms) {
				// Another relayer's: whether the chain has it, without verifying its signature.
				match state.as_ref() {
					Some(info) if reading.at_ms < info.readings_from_ms => {
						sorted.refused.saturating_inc()
					},
					Some(info) if reading.seq <= info.last_seq => sorted.on_chain.saturating_inc(),
					None if now_ms.saturating_sub(reading.at_ms) > MAX_HOLD_MS => {
						sorted.refused.saturating_inc()
					},
					_ => sorted.deferred.saturating_inc(),
				}
				continue;
			}
			let verdict = match state.as_mut() {
				Some(info) => judge(info, signed, genesis_hash, latest_ms, Signatures::Verify),
				None => Verdict::Refused(RejectReason::UnknownMeter),
			};
			match verdict {
				Verdict::Accepted(_) | Verdict::Tampered { .. } | Verdict::Implausible { .. } => {
					if let Some(slot) = is_new.get_mut(*index) {
						*slot = true;
					}
				},
				Verdict::Duplicate => sorted.on_chain.saturating_inc(),
				Verdict::Refused(reason)
					if !reason.is_final()
						&& now_ms.saturating_sub(reading.at_ms) <= MAX_HOLD_MS =>
				{
					sorted.held.saturating_inc();
					log::debug!(
						target: LOG_TARGET,
						"holding reading seq {} of meter {}: {reason:?} (may be taken later)",
						reading.seq,
						reading.meter,
					);
				},
				Verdict::Refused(reason) => {
					sorted.refused.saturating_inc();
					log::warn!(
						target: LOG_TARGET,
						"dropping reading seq {} of meter {}: {reason:?}",
						reading.seq,
						reading.meter,
					);
				},
			}
		}
	}
	sorted.new = readings
		.iter()
		.zip(is_new)
		.filter(|(_, new)| *new)
		.map(|((_, signed), _)| signed.clone())
		.collect();
	sorted
}
