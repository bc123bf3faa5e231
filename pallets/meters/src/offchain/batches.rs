//! Packing a run's new readings into as many `ingest_readings` batches as a block can hold, and
//! submitting them.
//!
//! A block takes several batches when they share no meter: each batch is valid against the
//! chain's state on its own (every meter's readings in it start at that meter's next link), so
//! the pool admits them all and a block author includes as many as its weight allows. What a
//! run submits is [`batch_sizes`]: as many full batches as a block takes ([`max_batches`]),
//! each charged its worst case up front and counted, once applied, at the weight it used
//! (ordinary readings' billing, `OnConsumption::ordinary_weight`); then one smaller batch, as
//! large as the weight the full ones leave can be charged for. At most
//! [`MAX_BATCHES_PER_RUN`] batches.

use crate::{
	offchain::LAST_BATCH_KEY,
	pallet::{BatchOf, Call, Config, Pallet},
};
use alloc::{collections::BTreeMap, vec, vec::Vec};
use codec::Encode;
use frame_support::{dispatch::DispatchClass, traits::Get, weights::Weight};
use frame_system::offchain::{CreateAuthorizedTransaction, SubmitTransaction};
use sp_runtime::offchain::storage::StorageValueRef;
use wattcoin_primitives::{reading::SignedReading, MeterId};

/// The most batches one run submits, whatever the block weight would allow.
pub const MAX_BATCHES_PER_RUN: u32 = 8;

/// What a block's normal class allows, and what a batch of `n` readings costs in it.
struct BlockBudget<T> {
	/// The normal class's weight limit.
	budget: Weight,
	/// Each transaction's base weight in the normal class.
	base_extrinsic: Weight,
	_config: core::marker::PhantomData<T>,
}

impl<T: Config> BlockBudget<T> {
	fn new() -> Self {
		let weights = T::BlockWeights::get();
		let normal = weights.get(DispatchClass::Normal);
		Self {
			budget: normal.max_total.unwrap_or(weights.max_block),
			base_extrinsic: normal.base_extrinsic,
			_config: Default::default(),
		}
	}

	/// Authorizing `n` readings, at the dearest scheme, with the transaction's base weight.
	fn authorization(&self, n: u32) -> Weight {
		Pallet::<T>::authorize_weight_upper_bound(n).saturating_add(self.base_extrinsic)
	}

	/// What a batch of `n` readings is charged up front (its worst case).
	fn charged(&self, n: u32) -> Weight {
		Pallet::<T>::ingest_weight_upper_bound(n).saturating_add(self.authorization(n))
	}

	/// What a batch of `n` ordinary readings counts for once applied and refunded.
	fn used(&self, n: u32) -> Weight {
		Pallet::<T>::ingest_weight_ordinary(n).saturating_add(self.authorization(n))
	}

	/// The most readings, fewer than `below`, a batch charged within `left` can hold (0: none).
	fn largest_within(&self, left: Weight, below: u32) -> u32 {
		// `charged` grows with `n`: the largest `n` in `[low, high)` whose charge fits.
		let (mut low, mut high) = (0u32, below);
		while high.saturating_sub(low) > 1 {
			let middle = low.saturating_add(high.saturating_sub(low) / 2);
			if self.charged(middle).all_lte(left) {
				low = middle;
			} else {
				high = middle;
			}
		}
		low
	}
}

/// How many batches of `MaxBatch` readings one block can take in its normal class (at least
/// one, at most [`MAX_BATCHES_PER_RUN`]): `batches_per_block` with a full batch's worst case
/// charged up front and its ordinary weight used (authorization and dispatch).
pub fn max_batches<T: Config>() -> u32 {
	let block = BlockBudget::<T>::new();
	let full = T::MaxBatch::get();
	batches_per_block(block.budget, block.charged(full), block.used(full))
		.clamp(1, MAX_BATCHES_PER_RUN)
}

/// The sizes of the batches one run submits, in the order a block author takes them:
/// [`max_batches`] full batches of `MaxBatch` readings, then, while fewer than
/// [`MAX_BATCHES_PER_RUN`], one batch of as many readings as the weight the full ones leave
/// (once applied at their ordinary weight) can be charged for up front. Without it a block
/// went out with up to a full batch's charge unused (at spec 105, 285 ms of 1,500).
pub fn batch_sizes<T: Config>() -> Vec<u32> {
	let block = BlockBudget::<T>::new();
	let full = T::MaxBatch::get();
	let count = max_batches::<T>();
	let mut sizes = vec![full; count as usize];
	if count < MAX_BATCHES_PER_RUN {
		let left = block.budget.saturating_sub(block.used(full).saturating_mul(count.into()));
		let last = block.largest_within(left, full);
		if last > 0 {
			sizes.push(last);
		}
	}
	sizes
}

/// How many batches a block of `budget` takes when each is `charged` up front and, once
/// applied, counts for the weight it `used`: a block author applies the next batch while its
/// charge fits what the batches before it used (`frame_system::CheckWeight`).
fn batches_per_block(budget: Weight, charged: Weight, used: Weight) -> u32 {
	if !charged.all_lte(budget) {
		return 0;
	}
	fits(budget.saturating_sub(charged), used).saturating_add(1)
}

/// How many times `part` fits in `whole`, by both ref time and proof size.
fn fits(whole: Weight, part: Weight) -> u32 {
	let by = |whole: u64, part: u64| whole.checked_div(part).unwrap_or(u64::MAX);
	let times =
		by(whole.ref_time(), part.ref_time()).min(by(whole.proof_size(), part.proof_size()));
	u32::try_from(times).unwrap_or(u32::MAX)
}

/// Packs `readings` (in the gateway's order) into batches of at most `sizes[i]` readings (at
/// most `sizes.len()` batches), each meter's readings all in one batch, meters in the order
/// their first reading came, and each batch in the gateway's order. A meter with more readings
/// than a batch holds gets its first ones; readings that do not fit wait for a later run.
pub fn pack(readings: Vec<SignedReading>, sizes: &[u32]) -> Vec<Vec<SignedReading>> {
	let mut order: Vec<MeterId> = Vec::new();
	let mut by_meter: BTreeMap<MeterId, Vec<(usize, SignedReading)>> = BTreeMap::new();
	for (index, signed) in readings.into_iter().enumerate() {
		let meter = signed.reading.meter;
		by_meter
			.entry(meter)
			.or_insert_with(|| {
				order.push(meter);
				Vec::new()
			})
			.push((index, signed));
	}
	let size = |index: usize| sizes.get(index).map_or(0, |&size| size as usize);
	let largest = sizes.iter().copied().max().unwrap_or(0) as usize;
	let mut batches: Vec<Vec<(usize, SignedReading)>> = Vec::new();
	for meter in order {
		let Some(mut run) = by_meter.remove(&meter) else { continue };
		run.truncate(largest);
		// The first batch with room for the whole run (first fit keeps batches full).
		let room = batches
			.iter()
			.enumerate()
			.position(|(index, batch)| batch.len() + run.len() <= size(index));
		if let Some(batch) = room.and_then(|index| batches.get_mut(index)) {
			batch.extend(run);
		} else if batches.len() < sizes.len() {
			run.truncate(size(batches.len()));
			if !run.is_empty() {
				batches.push(run);
			}
		}
	}
	batches
		.into_iter()
		.map(|mut batch| {
			batch.sort_by_key(|(index, _)| *index);
			batch.into_iter().map(|(_, signed)| signed).collect()
		})
		.collect()
}

/// Submits each batch as one authorized `ingest_readings` transaction; returns how many
/// readings the pool took, and how many batches it refused.
///
/// A batch with the same readings as one this worker submitted in its last run (still pooled,
/// or expired unincluded, whose hash the pool then bans for a while) is rotated by one reading
/// more each time: dispatch orders readings by meter and `seq` anyway, and the resubmission is
/// another transaction, so a ban never stops relaying. (A batch of one reading cannot vary: it
/// is tried again once the ban ends.)
pub fn submit_all<T: Config>(batches: Vec<Vec<SignedReading>>) -> (u32, u32) {
	let last = StorageValueRef::persistent(LAST_BATCH_KEY);
	let previous: Vec<([u8; 32], u32)> = last.get().ok().flatten().unwrap_or_default();
	let mut remembered = Vec::with_capacity(batches.len());
	let (mut submitted, mut refused) = (0u32, 0u32);
	for mut readings in batches {
		let count = readings.len() as u32;
		let fingerprint = sp_io::hashing::blake2_256(&readings.encode());
		let repeats = previous
			.iter()
			.find(|(seen, _)| *seen == fingerprint)
			.map_or(0, |(_, repeats)| repeats.saturating_add(1));
		remembered.push((fingerprint, repeats));
		if count > 1 {
			readings.rotate_left((repeats % count) as usize);
		}
		let Ok(batch) = BatchOf::<T>::try_from(readings) else {
			frame_support::defensive!("batches are packed to MaxBatch readings");
			refused = refused.saturating_add(1);
			continue;
		};
		let call = Call::<T>::ingest_readings { batch };
		let transaction =
			<T as CreateAuthorizedTransaction<Call<T>>>::create_authorized_transaction(call.into());
		match SubmitTransaction::<T, Call<T>>::submit_transaction(transaction) {
			Ok(()) => submitted = submitted.saturating_add(count),
			Err(()) => refused = refused.saturating_add(1),
		}
	}
	last.set(&remembered);
	(submitted, refused)
}

#[cfg(test)]
mod tests {
	use super::*;
	use crate::mock::{Device, GENESIS, MAX_BATCH};
	use wattcoin_primitives::reading::Reading;

	fn readings(of: &[(MeterId, u64)]) -> Vec<SignedReading> {
		let device = Device::sr25519(1);
		of.iter()
			.map(|&(meter, seq)| {
				device.sign_for(
					GENESIS,
					Reading { meter, seq, at_ms: seq, cumulative_wh: seq, flags: 0 },
				)
			})
			.collect()
	}

	fn shape(batches: &[Vec<SignedReading>]) -> Vec<Vec<(MeterId, u64)>> {
		batches
			.iter()
			.map(|batch| batch.iter().map(|s| (s.reading.meter, s.reading.seq)).collect())
			.collect()
	}

	#[test]
	fn each_meter_goes_whole_into_one_batch() {
		let page = readings(&[(1, 1), (2, 1), (1, 2), (3, 1), (2, 2), (1, 3), (4, 1)]);
		// Each batch in the gateway's order.
		assert_eq!(
			shape(&pack(page.clone(), &[3; 8])),
			[vec![(1, 1), (1, 2), (1, 3)], vec![(2, 1), (3, 1), (2, 2)], vec![(4, 1)]]
		);
		// Room for everything: one batch, the page as it came.
		assert_eq!(shape(&pack(page.clone(), &[16; 8])), shape(core::slice::from_ref(&page)));
		// Two batches at most: meter 4 waits for a later run.
		assert_eq!(
			shape(&pack(page.clone(), &[3, 3])),
			[vec![(1, 1), (1, 2), (1, 3)], vec![(2, 1), (3, 1), (2, 2)]]
		);
		// A meter with more readings than a batch holds: its first ones.
		assert_eq!(
			shape(&pack(page.clone(), &[2; 8])),
			[vec![(1, 1), (1, 2)], vec![(2, 1), (2, 2)], vec![(3, 1), (4, 1)]]
		);
		// A smaller last batch: meters that fit it whole go in it, a longer run gets its first
		// readings there.
		assert_eq!(
			shape(&pack(page.clone(), &[3, 2])),
			[vec![(1, 1), (1, 2), (1, 3)], vec![(2, 1), (2, 2)]]
		);
		assert_eq!(
			shape(&pack(page, &[3, 3, 1])),
			[vec![(1, 1), (1, 2), (1, 3)], vec![(2, 1), (3, 1), (2, 2)], vec![(4, 1)]]
		);
		assert!(pack(Vec::new(), &[3; 8]).is_empty());
	}

	#[test]
	fn batches_per_block_follow_the_weights() {
		let whole = Weight::from_parts(1_500, 10_000);
		assert_eq!(fits(whole, Weight::from_parts(500, 100)), 3);
		assert_eq!(fits(whole, Weight::from_parts(500, 4_000)), 2);
		assert_eq!(fits(whole, Weight::from_parts(2_000, 1)), 0);
		assert_eq!(fits(whole, Weight::zero()), u32::MAX);
		// Charged 500 up front, 200 used once applied: after 5 batches (1,000 used) a sixth
		// still fits (1,000 + 500 <= 1,500), a seventh does not.
		let used = Weight::from_parts(200, 100);
		assert_eq!(batches_per_block(whole, Weight::from_parts(500, 100), used), 6);
		assert_eq!(batches_per_block(whole, Weight::from_parts(200, 100), used), 7);
		assert_eq!(batches_per_block(whole, Weight::from_parts(1_600, 100), used), 0);
		crate::mock::ExtBuilder::default().build().execute_with(|| {
			let batches = max_batches::<crate::mock::Test>();
			assert!((1..=MAX_BATCHES_PER_RUN).contains(&batches), "{batches}");
			// The mock's default blocks take the most full batches a run submits: no smaller
			// batch after them.
			assert_eq!(batch_sizes::<crate::mock::Test>(), vec![MAX_BATCH; 8]);
		});
	}
}
