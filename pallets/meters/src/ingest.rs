//! The rules of reading ingestion, in one place for the transaction pool (`authorize`),
//! dispatch (`ingest_readings`) and the off-chain worker (which drops what the chain would
//! refuse before submitting).
//!
//! [`judge`] decides what the chain does with one reading given the meter's state, and updates
//! that state as ingestion would. Every caller takes a meter's readings in `seq` order, so a
//! batch and a page are judged exactly as dispatch will apply them.
//!
//! ## The rules, in the order they are checked
//! 1. The meter must be registered (`UnknownMeter`).
//! 2. `seq` not above the meter's last: a duplicate (the chain has it already), whatever the
//!    meter's status.
//! 3. The meter must be active (`MeterSuspended`, `MeterTampered`: the reading waits, it is
//!    not lost).
//! 4. Once the meter has a baseline, only the **next link** is accepted: `seq` one above the
//!    last, or a reading whose meter declares a gap ([`flags::GAP`]). A relayer, gateway or
//!    block author can therefore neither skip a reading (to merge a peak-hour interval into a
//!    cheaper one, or hide a tamper dip) nor reorder them (`NotNextReading`: the reading waits
//!    for its predecessor).
//! 5. The signature must be the registered key's over the v2 payload for this chain
//!    (`BadSignature`).
//! 6. No reserved flag bit (`ReservedFlags`); not timestamped more than `MaxClockSkewMs`
//!    ahead of the chain (`FutureTimestamp`), nor before the meter's last reading
//!    (`TimestampRegression`), nor before the meter was registered or its key last rotated
//!    (`BeforeRegistration`: a decommissioned meter's old readings, or a device's history,
//!    can never become a new owner's baseline).
//! 7. The meter's first reading (after registration or a key rotation) sets the baseline:
//!    nothing is billed before it.
//! 8. A register below the meter's mark (the highest register billed) is a tamper event: the
//!    meter is flagged `Tampered`, the reading takes its place in the chain of links, and the
//!    mark is kept. After the operator resumes the meter, billing continues from the mark, so
//!    energy already billed is never billed again; if the register is really lower (a reset
//!    the operator confirmed by resuming), the first reading after the resume that is below
//!    the mark becomes the new baseline instead of a second tamper event.
//! 9. A reading whose energy since the mark is more than the meter's rated power can deliver
//!    over the interval since the last billed reading is implausible: kept for the operator's review
//!    ([`crate::review`]): it takes its place in the chain of links, nothing is billed, the
//!    mark stays and the meter is flagged `Implausible` until the operator reviews it.
//! 10. Otherwise the energy since the mark is billed over the interval since the last
//!     billed reading.
//!
//! [`flags::GAP`]: wattcoin_primitives::reading::flags::GAP

use crate::{
	pallet::{BatchOf, Config, Event, Meters, Pallet, ReadingsUnderReview},
	IngestOutcome, MeterInfo, ReadingUnderReview, RejectReason, LOG_TARGET, TAG_PREFIX,
};
use alloc::vec::Vec;
use frame_support::{
	pallet_prelude::{
		InvalidTransaction, TransactionSource, TransactionValidityWithRefund, ValidTransaction,
	},
	traits::Get,
	weights::Weight,
};
use sp_core::H256;
use sp_runtime::traits::Saturating;
use wattcoin_primitives::{
	reading::SignedReading,
	traits::{Consumption, MeterStatus, OnConsumption},
	Moment, WattHours,
};

/// Whether [`judge`] verifies a reading's signature.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Signatures {
	/// Verify it: the authorization of a batch (the transaction pool, and the block when it
	/// applies the batch) and the off-chain worker.
	Verify,
	/// Trust it: dispatch. Only an authorized batch reaches dispatch (`RawOrigin::Authorized`
	/// comes from `frame_system::AuthorizeCall` alone), and the authorization has verified
	/// every signature in this very state, in the same extrinsic's application; verifying
	/// again would cost a second verification per reading and change no verdict.
	Trusted,
}

/// What the chain does with one reading.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Verdict {
	/// Accepted: as the meter's baseline (`None`) or with the energy to bill.
	Accepted(Option<Consumption>),
	/// Accepted as a tamper event: the meter is flagged, nothing is billed.
	Tampered {
		/// The meter's mark (highest register billed).
		mark_wh: WattHours,
	},
	/// Taken but kept for the operator's review: more energy than the meter's rated power can deliver
	/// over the interval. The meter is flagged, nothing is billed.
	Implausible {
		/// The reading, kept in `ReadingsUnderReview`.
		held: ReadingUnderReview,
		/// The energy it claims since the mark.
		energy_wh: WattHours,
		/// The interval since the last billed reading.
		interval_ms: Moment,
	},
	/// The chain has it already.
	Duplicate,
	/// Refused (see [`RejectReason::is_final`] for whether it may be accepted later).
	Refused(RejectReason),
}

impl Verdict {
	/// Whether the reading is taken (accepted or as a tamper event).
	pub fn is_taken(&self) -> bool {
		matches!(self, Self::Accepted(_) | Self::Tampered { .. } | Self::Implausible { .. })
	}
}

/// What ingesting `signed` does to a meter whose state is `info` (as left by the readings of
/// the same batch before it), on the chain with `genesis_hash` whose latest acceptable reading
/// time is `latest_ms`, verifying the signature or trusting it as `signatures` says. Updates
/// `info` as ingestion would when the reading is taken.
pub fn judge<AccountId>(
	info: &mut MeterInfo<AccountId>,
	signed: &SignedReading,
	genesis_hash: H256,
	latest_ms: Moment,
	signatures: Signatures,
) -> Verdict {
	let reading = &signed.reading;
	if reading.seq <= info.last_seq {
		return Verdict::Duplicate;
	}
	match info.status {
		MeterStatus::Active => {},
		MeterStatus::Suspended => return Verdict::Refused(RejectReason::MeterSuspended),
		MeterStatus::Tampered => return Verdict::Refused(RejectReason::MeterTampered),
		MeterStatus::Implausible => return Verdict::Refused(RejectReason::MeterImplausible),
	}
	let has_baseline = info.has_baseline();
	if has_baseline && reading.seq != info.last_seq.saturating_add(1) && !reading.declares_gap() {
		return Verdict::Refused(RejectReason::NotNextReading);
	}
	if signatures == Signatures::Verify && !signed.verify_with(genesis_hash, &info.key) {
		return Verdict::Refused(RejectReason::BadSignature);
	}
	if let Some(reason) = precheck(reading, info, latest_ms) {
		return Verdict::Refused(reason);
	}

	let rebase = core::mem::take(&mut info.rebase_allowed);
	if !has_baseline || (rebase && reading.cumulative_wh < info.last_cumulative_wh) {
		// A baseline: the first reading, or a register reset the operator confirmed.
		info.last_seq = reading.seq;
		info.last_at_ms = reading.at_ms;
		info.last_cumulative_wh = reading.cumulative_wh;
		return Verdict::Accepted(None);
	}
	match reading.cumulative_wh.checked_sub(info.last_cumulative_wh) {
		Some(energy_wh) => {
			let interval_ms = reading.at_ms.saturating_sub(info.last_at_ms);
			if !info.is_plausible(energy_wh, interval_ms) {
				// The link is taken; the mark and the time of the last billed reading stay
				// until the operator reviews the reading.
				info.last_seq = reading.seq;
				info.status = MeterStatus::Implausible;
				let held = ReadingUnderReview {
					seq: reading.seq,
					at_ms: reading.at_ms,
					cumulative_wh: reading.cumulative_wh,
				};
				return Verdict::Implausible { held, energy_wh, interval_ms };
			}
			let consumption = Consumption {
				meter: reading.meter,
				from_ms: info.last_at_ms,
				to_ms: reading.at_ms,
				energy_wh,
			};
			info.last_seq = reading.seq;
			info.last_at_ms = reading.at_ms;
			info.last_cumulative_wh = reading.cumulative_wh;
			Verdict::Accepted(Some(consumption))
		},
		None => {
			// The link is taken (replaying it is a duplicate); the mark and the time of the
			// last billed reading stay, so nothing is billed twice after a resume.
			info.last_seq = reading.seq;
			info.status = MeterStatus::Tampered;
			Verdict::Tampered { mark_wh: info.last_cumulative_wh }
		},
	}
}

/// Whether `reading` would be refused for its flags or timestamp: `Some(reason)` if so.
pub fn precheck<AccountId>(
	reading: &wattcoin_primitives::reading::Reading,
	info: &MeterInfo<AccountId>,
	latest_ms: Moment,
) -> Option<RejectReason> {
	if reading.has_reserved_flags() {
		Some(RejectReason::ReservedFlags)
	} else if reading.at_ms > latest_ms {
		Some(RejectReason::FutureTimestamp)
	} else if reading.at_ms < info.readings_from_ms {
		Some(RejectReason::BeforeRegistration)
	} else if reading.at_ms < info.last_at_ms {
		Some(RejectReason::TimestampRegression)
	} else {
		None
	}
}

/// Readings of one meter together, in `seq` order; readings with the same meter and `seq`
/// stay in batch order (a stable sort).
fn by_meter_and_seq<'a, I: Iterator<Item = &'a SignedReading>>(
	readings: I,
) -> Vec<&'a SignedReading> {
	let mut ordered: Vec<&SignedReading> = readings.collect();
	ordered.sort_by_key(|signed| (signed.reading.meter, signed.reading.seq));
	ordered
}

impl<T: Config> Pallet<T> {
	/// The authorization of `ingest_readings`, run by the transaction pool and again when the
	/// batch is applied: valid only if **every** reading of the batch would be taken (accepted
	/// or a tamper event), every signature verified. A batch carrying any reading the chain
	/// has already is `Stale`; one with a bad signature `BadProof`; any other refusal
	/// `Custom(reason.code())`; an empty batch `Call`. So nobody gets block space for work
	/// the chain would throw away, and the batch `provides` one `(meter, seq)` tag per
	/// reading it validly carries, never a tag of a reading it cannot deliver.
	///
	/// The source does not matter: a fully valid batch is as welcome from a peer as from the
	/// local off-chain worker, and it propagates so any validator can include it.
	pub fn authorize_ingest(
		_source: TransactionSource,
		batch: &BatchOf<T>,
	) -> TransactionValidityWithRefund {
		if batch.is_empty() {
			return Err(InvalidTransaction::Call.into());
		}
		let genesis_hash = Self::genesis_hash();
		let latest_ms = Self::latest_acceptable_ms();
		let ordered = by_meter_and_seq(batch.iter());
		let mut validity = ValidTransaction::with_tag_prefix(TAG_PREFIX);
		for group in ordered.chunk_by(|a, b| a.reading.meter == b.reading.meter) {
			let Some(first) = group.first() else { continue };
			let meter = first.reading.meter;
			let mut info = Meters::<T>::get(meter)
				.ok_or_else(|| InvalidTransaction::Custom(RejectReason::UnknownMeter.code()))?;
			for signed in group {
				match judge(&mut info, signed, genesis_hash, latest_ms, Signatures::Verify) {
					Verdict::Accepted(_)
					| Verdict::Tampered { .. }
					| Verdict::Implausible { .. } => {},
					Verdict::Duplicate => return Err(InvalidTransaction::Stale.into()),
					Verdict::Refused(RejectReason::BadSignature) => {
						return Err(InvalidTransaction::BadProof.into())
					},
					Verdict::Refused(reason) => {
						return Err(InvalidTransaction::Custom(reason.code()).into())
					},
				}
				validity = validity.and_provides((meter, signed.reading.seq));
			}
		}
		let validity = validity
			.priority(T::IngestPriority::get())
			.longevity(T::IngestLongevity::get())
			.propagate(true)
			.build()?;
		Ok((validity, Weight::zero()))
	}

	/// Ingests a batch; returns what happened and the weight `OnConsumption` used.
	///
	/// The authorization has already checked every reading in this very state, signatures
	/// included, so dispatch trusts the signatures ([`Signatures::Trusted`]). The other rules
	/// are applied again all the same (a refused reading is skipped with a `ReadingRejected`
	/// event: they cost a lookup, not a verification), so that the batch never fails and a
	/// meter is written at most once.
	pub(crate) fn do_ingest(batch: &[SignedReading]) -> (IngestOutcome, Weight) {
		let genesis_hash = Self::genesis_hash();
		let latest_ms = Self::latest_acceptable_ms();
		let mut outcome = IngestOutcome::default();
		let mut consumption_weight = Weight::zero();
		let mut billing = <T::OnConsumption as OnConsumption<T::AccountId>>::Batch::default();

		let ordered = by_meter_and_seq(batch.iter());
		for group in ordered.chunk_by(|a, b| a.reading.meter == b.reading.meter) {
			let Some(first) = group.first() else { continue };
			let meter = first.reading.meter;
			let Some(mut info) = Meters::<T>::get(meter) else {
				for signed in group {
					outcome.skipped.saturating_inc();
					Self::reject(&mut outcome, signed, RejectReason::UnknownMeter);
				}
				continue;
			};
			let mut changed = false;
			for signed in group {
				let reading = &signed.reading;
				match judge(&mut info, signed, genesis_hash, latest_ms, Signatures::Trusted) {
					Verdict::Duplicate => {
						outcome.skipped.saturating_inc();
						outcome.duplicates.saturating_inc()
					},
					Verdict::Refused(reason) => {
						outcome.skipped.saturating_inc();
						Self::reject(&mut outcome, signed, reason)
					},
					Verdict::Accepted(consumption) => {
						changed = true;
						outcome.accepted.saturating_inc();
						if let Some(consumption) = consumption {
							outcome.energy_wh.saturating_accrue(consumption.energy_wh);
							consumption_weight.saturating_accrue(T::OnConsumption::on_consumption(
								&consumption,
								&info.operator,
								&mut billing,
							));
						}
					},
					Verdict::Tampered { mark_wh } => {
						changed = true;
						outcome.tampered.saturating_inc();
						log::warn!(
							target: LOG_TARGET,
							"meter {meter}: register ran backwards from {mark_wh} Wh to {} Wh \
							 at seq {}",
							reading.cumulative_wh,
							reading.seq,
						);
						Self::deposit_event(Event::TamperSuspected {
							meter,
							seq: reading.seq,
							last_cumulative_wh: mark_wh,
							cumulative_wh: reading.cumulative_wh,
						});
					},
					Verdict::Implausible { held, energy_wh, interval_ms } => {
						changed = true;
						outcome.implausible.saturating_inc();
						ReadingsUnderReview::<T>::insert(meter, held);
						Self::deposit_event(Event::ImplausibleReading {
							meter,
							seq: held.seq,
							energy_wh,
							interval_ms,
							rated_power_w: info.rated_power_w,
						});
					},
				}
			}
			if changed {
				Meters::<T>::insert(meter, info);
			}
		}

		Self::deposit_event(Event::ReadingsIngested {
			accepted: outcome.accepted,
			duplicates: outcome.duplicates,
			rejected: outcome.rejected,
			tampered: outcome.tampered,
			implausible: outcome.implausible,
			energy_wh: outcome.energy_wh,
		});
		(outcome, consumption_weight)
	}

	/// Counts a refused reading and deposits its `ReadingRejected` event.
	fn reject(outcome: &mut IngestOutcome, signed: &SignedReading, reason: RejectReason) {
		outcome.rejected.saturating_inc();
		Self::deposit_event(Event::ReadingRejected {
			meter: signed.reading.meter,
			seq: signed.reading.seq,
			reason,
		});
	}
}
