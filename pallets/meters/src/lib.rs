//! # pallet-meters
//!
//! The registry of Wattcoin's smart meters and the ingestion of their signed readings.
//!
//! ## Roles
//! - **Admin** (`T::AdminOrigin`, root in the dev runtime): licenses and removes operators,
//!   moves a meter to another operator.
//! - **Operator** (a utility or retailer account): registers meters and alone manages its own
//!   ones: rotates their device keys, changes their owner, suspends, resumes and
//!   decommissions them.
//! - **Meter**: a device key (sr25519, ed25519 or ecdsa) that signs readings in the format of
//!   [`wattcoin_primitives::reading`] (`docs/protocol.md`). It never holds funds.
//! - **Relayer**: anyone (the off-chain workers of the nodes) submitting a batch of signed
//!   readings with [`Pallet::ingest_readings`], a feeless general transaction authorized by
//!   the call itself (`#[pallet::authorize]`, which needs `frame_system::AuthorizeCall` first
//!   in the runtime's transaction extensions). A relayer can neither forge nor alter readings.
//!
//! ## Ingestion
//! Readings follow protocol v2 (`docs/protocol.md`): each meter's readings form a chain in
//! which every `seq` is one above the one before, and the chain accepts only the next link
//! (or a reading whose meter declares a gap). The rules, shared by the pool, dispatch and the
//! off-chain worker, are in [`ingest`]; in short, a reading is
//! - refused while its meter is unknown, suspended or tampered (it waits, it is not lost);
//! - a duplicate if the chain has its `seq` already;
//! - refused if it is not the next link (`NotNextReading`), if its signature is not the
//!   registered key's (`BadSignature`), if it sets a reserved flag, is timestamped ahead of
//!   the chain, before the meter's last reading, or before the meter's registration or last
//!   key rotation (`BeforeRegistration`);
//! - the meter's baseline if it is its first (nothing is billed before it);
//! - a tamper event if its register is below the meter's mark (the highest register billed):
//!   the meter is flagged `Tampered` until its operator resumes it, and the mark stays, so
//!   nothing is ever billed twice;
//! - implausible if it claims more energy than the meter's rated power
//!   ([`MeterInfo::rated_power_w`], [`Config::DefaultRatedPowerW`] until the operator calls
//!   [`Pallet::set_rated_power`]) can deliver over its interval: nothing is billed, the meter
//!   is flagged `Implausible` and the reading kept in [`ReadingsUnderReview`] until the
//!   operator bills it or makes it the new baseline ([`Pallet::review_implausible_reading`]);
//! - otherwise accepted, the energy since the mark handed to `T::OnConsumption`.
//!
//! Each batch ends with one `ReadingsIngested` summary event; refused readings have a
//! `ReadingRejected` event each, accepted ones none (thousands of readings per block would
//! otherwise mean thousands of events). A meter is written at most once per batch. The weight
//! of skipped readings is refunded.
//!
//! ## Transaction pool
//! The authorization of a batch ([`Pallet::authorize_ingest`], run by the pool and again when
//! the batch is applied) verifies every reading: a batch is valid only if the chain would take
//! every one of its readings. One forged, duplicate or out-of-order reading makes the whole
//! batch invalid, so nobody gets block space for work the chain would throw away, and the
//! `(meter, seq)` tags a batch provides are those of readings it validly carries: a batch of
//! garbage cannot squat the tags of honest relayers' readings.

//! ## Off-chain worker
//! After every imported block the pallet's off-chain worker ([`offchain`]) relays readings from
//! a meter gateway whose base URL it reads from PERSISTENT off-chain storage under
//! [`wattcoin_primitives::gateway::GATEWAY_URL_STORAGE_KEY`] (the node's `--meter-gateway`
//! flag; none set: it does nothing). Under a lock ([`offchain::LOCK_KEY`]) it fetches pages of
//! `GET {url}/v1/readings`, signed as a relayer, drops what the chain has or would refuse, and
//! submits as many authorized feeless `ingest_readings` batches as a block takes.
//! Its cursor (PERSISTENT storage, [`offchain::CURSOR_KEY_PREFIX`] followed by the URL) is a
//! *confirmed* one: it moves past a page only once the page holds nothing new for the chain,
//! so readings whose transaction never lands are fetched and submitted again. A gateway that
//! is down, slow or answering garbage, and a pool that refuses the transaction, cost a warning
//! (log target `meters::ocw`) and a retry at the next block; the worker never panics and
//! always releases its lock. See [`offchain`] for the details.
//!
//! The runtime must implement
//! `frame_system::offchain::CreateAuthorizedTransaction<pallet_meters::Call<Runtime>>` (its
//! extension starts with `frame_system::AuthorizeCall`), and the node must run off-chain
//! workers with HTTP enabled.

#![cfg_attr(not(feature = "std"), no_std)]

extern crate alloc;

pub use pallet::*;
pub use types::*;
pub use weights::WeightInfo;

#[cfg(feature = "runtime-benchmarks")]
mod benchmarking;
pub mod ingest;
mod ingest_weight;
#[cfg(any(feature = "try-runtime", test))]
mod invariants;
pub mod migrations;
#[cfg(test)]
mod mock;
pub mod offchain;
mod registry;
mod review;
#[cfg(test)]
mod tests;
pub mod types;
mod views;
pub mod weights;

/// Log target of this pallet.
pub const LOG_TARGET: &str = "runtime::meters";

/// Prefix of the transaction pool tags of `ingest_readings`.
pub const TAG_PREFIX: &str = "WattcoinMeters";

#[frame_support::pallet]
pub mod pallet {
	use super::*;
	use alloc::vec::Vec;
	use frame_support::{
		dispatch::{DispatchResultWithPostInfo, PostDispatchInfo},
		pallet_prelude::*,
		traits::Time,
	};
	use frame_system::pallet_prelude::*;
	use sp_runtime::MultiSigner;
	use wattcoin_primitives::{
		reading::{DeviceKey, SignedReading},
		traits::{MeterLifecycle, MeterStatus, OnConsumption},
		MeterId, Moment, WattHours,
	};

	/// The in-code storage version.
	///
	/// 1: `MeterInfo` carries the meter's `rated_power_w` ([`crate::migrations::v1`]).
	/// 2: [`OwnerMeters`] indexes the meters of each owner ([`crate::migrations::v2`]).
	pub const STORAGE_VERSION: StorageVersion = StorageVersion::new(2);

	#[pallet::pallet]
	#[pallet::storage_version(STORAGE_VERSION)]
	pub struct Pallet<T>(_);

	/// The batch of signed readings `ingest_readings` takes.
	pub type BatchOf<T> = BoundedVec<SignedReading, <T as Config>::MaxBatch>;

	/// Meter metadata (free-form, e.g. a site reference or a model name).
	pub type MetadataOf<T> = BoundedVec<u8, <T as Config>::MaxMetadataLen>;

	/// A meter registered at genesis: meter id, device key, owner, operator, metadata.
	pub type GenesisMeter<AccountId> = (MeterId, MultiSigner, AccountId, AccountId, Vec<u8>);

	/// The pallet's configuration.
	///
	/// The runtime must be able to build the authorized (general, feeless) transactions its
	/// off-chain worker submits: `CreateAuthorizedTransaction` with an extension that starts
	/// with `frame_system::AuthorizeCall`.
	#[pallet::config]
	pub trait Config:
		frame_system::Config + frame_system::offchain::CreateAuthorizedTransaction<Call<Self>>
	{
		/// Weights of this pallet's calls.
		type WeightInfo: WeightInfo;

		/// Receives the energy of every accepted reading (pallet-prepaid in the runtime).
		type OnConsumption: OnConsumption<Self::AccountId>;

		/// Told when meters are registered and before they are decommissioned.
		type Lifecycle: MeterLifecycle<Self::AccountId>;

		/// The chain's time in milliseconds since the Unix epoch (pallet-timestamp), against
		/// which future readings are refused.
		type Time: Time<Moment = Moment>;

		/// May license and remove operators and move meters between them.
		type AdminOrigin: EnsureOrigin<Self::RuntimeOrigin>;

		/// The most readings one `ingest_readings` batch may carry.
		#[pallet::constant]
		type MaxBatch: Get<u32>;

		/// The longest metadata of a meter, in bytes.
		#[pallet::constant]
		type MaxMetadataLen: Get<u32>;

		/// How far ahead of the chain's time (the timestamp of the block, or of the best
		/// block in the transaction pool) a reading may be timestamped, in milliseconds. It
		/// must cover the block time plus the meters' clock drift.
		#[pallet::constant]
		type MaxClockSkewMs: Get<Moment>;

		/// Transaction pool priority of an `ingest_readings` batch. Keep it below the
		/// priority of signed transactions so that top-ups are not held back when readings
		/// fill blocks.
		#[pallet::constant]
		type IngestPriority: Get<TransactionPriority>;

		/// How many blocks an `ingest_readings` batch stays valid in the transaction pool.
		#[pallet::constant]
		type IngestLongevity: Get<TransactionLongevity>;

		/// The rated power, in watts, a meter is registered with; its operator may change it
		/// with `set_rated_power`. Readings implying more power wait for the operator's review.
		#[pallet::constant]
		type DefaultRatedPowerW: Get<u32>;

		/// The key this node's off-chain worker signs its requests for the gateway's reading
		/// feed with ([`wattcoin_primitives::feed_auth`]): the gateway serves the feed only to
		/// relayers it knows. A runtime sets its block authors' key (`AuraId`), so the gateway
		/// knows its relayers from the chain; the worker signs with the first such key in the
		/// node's keystore, and relays nothing without one.
		type RelayerId: sp_runtime::RuntimeAppPublic + PartialEq;

		/// The relayers among which the off-chain workers share the readings
		/// ([`offchain::partition`]), in an order every node sees alike: a runtime gives its
		/// block authors (the Aura authorities). Empty: every relayer relays every reading.
		type Relayers: Get<Vec<Self::RelayerId>>;
	}

	/// Licensed operators, with the number of meters each manages.
	#[pallet::storage]
	pub type Operators<T: Config> =
		StorageMap<_, Blake2_128Concat, T::AccountId, OperatorInfo, OptionQuery>;

	/// Registered meters: operator, owner, device key, status and last accepted reading
	/// (at most 123 bytes encoded with 32-byte account ids).
	#[pallet::storage]
	pub type Meters<T: Config> =
		StorageMap<_, Blake2_128Concat, MeterId, MeterInfo<T::AccountId>, OptionQuery>;

	/// Metadata of registered meters; absent when empty. Kept apart from [`Meters`] so that
	/// ingesting a reading never reads or writes it.
	#[pallet::storage]
	pub type MeterMetadata<T: Config> =
		StorageMap<_, Blake2_128Concat, MeterId, MetadataOf<T>, OptionQuery>;

	/// Readings above their meter's rated power, kept until the meter's operator reviews them
	/// with `review_implausible_reading`; one at most per meter, present exactly while the meter is
	/// `Implausible`. Ingestion never reads it.
	#[pallet::storage]
	pub type ReadingsUnderReview<T: Config> =
		StorageMap<_, Blake2_128Concat, MeterId, ReadingUnderReview, OptionQuery>;

	/// How many meters are registered.
	#[pallet::storage]
	pub type MeterCount<T: Config> = StorageValue<_, u32, ValueQuery>;

	/// The meters each account owns: an entry `(owner, meter)` exactly while `meter` is
	/// registered with that owner. Kept by registration, `set_owner` and `decommission`; read
	/// by wallets through [`Pallet::meters_of`] (the `MetersApi` runtime API), never by
	/// ingestion.
	#[pallet::storage]
	pub type OwnerMeters<T: Config> = StorageDoubleMap<
		_,
		Blake2_128Concat,
		T::AccountId,
		Blake2_128Concat,
		MeterId,
		(),
		OptionQuery,
	>;

	#[pallet::genesis_config]
	#[derive(frame_support::DefaultNoBound)]
	pub struct GenesisConfig<T: Config> {
		/// Operators licensed at genesis.
		pub operators: Vec<T::AccountId>,
		/// Meters registered at genesis: `(meter id, device key, owner, operator, metadata)`;
		/// each operator must be listed in `operators`.
		pub meters: Vec<GenesisMeter<T::AccountId>>,
		/// Rated powers, in watts, of genesis meters that differ from `DefaultRatedPowerW`:
		/// `(meter id, watts)`, each meter listed in `meters`, each power positive. May be
		/// left out of a chain spec.
		#[serde(default)]
		pub rated_powers: Vec<(MeterId, u32)>,
	}

	#[pallet::genesis_build]
	impl<T: Config> BuildGenesisConfig for GenesisConfig<T> {
		fn build(&self) {
			for operator in &self.operators {
				assert!(
					!Operators::<T>::contains_key(operator),
					"pallet-meters genesis: operator listed twice"
				);
				Operators::<T>::insert(operator, OperatorInfo::default());
			}
			for (meter, key, owner, operator, metadata) in &self.meters {
				let key = DeviceKey::try_from(key.clone())
					.expect("pallet-meters genesis: device keys must be sr25519, ed25519 or ecdsa");
				let metadata = MetadataOf::<T>::try_from(metadata.clone())
					.expect("pallet-meters genesis: metadata longer than MaxMetadataLen");
				Pallet::<T>::do_register(*meter, key, owner.clone(), operator.clone(), metadata)
					.expect(
						"pallet-meters genesis: invalid meter (duplicate id or unlisted operator)",
					);
			}
			for (meter, rated_power_w) in &self.rated_powers {
				assert!(*rated_power_w > 0, "pallet-meters genesis: a rated power of zero");
				Meters::<T>::mutate(meter, |info| match info {
					Some(info) => info.rated_power_w = *rated_power_w,
					None => panic!("pallet-meters genesis: rated power of an unlisted meter"),
				});
			}
		}
	}

	#[pallet::event]
	#[pallet::generate_deposit(pub(super) fn deposit_event)]
	pub enum Event<T: Config> {
		/// An operator was licensed.
		OperatorAdded { operator: T::AccountId },
		/// An operator's license was withdrawn.
		OperatorRemoved { operator: T::AccountId },
		/// A meter was registered.
		MeterRegistered {
			meter: MeterId,
			operator: T::AccountId,
			owner: T::AccountId,
			key: DeviceKey,
		},
		/// A meter's device key was replaced: readings signed with the old key are refused
		/// from now on.
		KeyRotated { meter: MeterId, key: DeviceKey },
		/// A meter changed owner.
		OwnerChanged { meter: MeterId, old_owner: T::AccountId, new_owner: T::AccountId },
		/// A meter was suspended by its operator: its readings are refused.
		MeterSuspended { meter: MeterId },
		/// A suspended or tampered meter was resumed by its operator: its readings are
		/// accepted again.
		MeterResumed { meter: MeterId, was_tampered: bool },
		/// A meter was decommissioned and its storage freed.
		MeterDecommissioned { meter: MeterId, operator: T::AccountId },
		/// A meter was moved to another operator by the admin origin.
		MeterTransferred { meter: MeterId, from: T::AccountId, to: T::AccountId },
		/// A batch of readings was ingested: how many readings were accepted, skipped as
		/// duplicates, refused (each with a `ReadingRejected` event), seen as tampering (each
		/// with a `TamperSuspected` event) and implausible, above their meter's rated power
		/// (each with an `ImplausibleReading` event), and the total energy accepted.
		ReadingsIngested {
			accepted: u32,
			duplicates: u32,
			rejected: u32,
			tampered: u32,
			implausible: u32,
			energy_wh: WattHours,
		},
		/// A reading of an ingested batch was refused and skipped.
		ReadingRejected { meter: MeterId, seq: u64, reason: RejectReason },
		/// A verified reading's register is lower than the meter's last one: the meter is
		/// flagged `Tampered` and no consumption is counted.
		TamperSuspected {
			meter: MeterId,
			seq: u64,
			last_cumulative_wh: WattHours,
			cumulative_wh: WattHours,
		},
		/// A verified reading claims `energy_wh` over `interval_ms`, more than the meter's
		/// `rated_power_w` can deliver: nothing is billed, the meter is flagged
		/// `Implausible` and its readings wait until the operator reviews it.
		ImplausibleReading {
			meter: MeterId,
			seq: u64,
			energy_wh: WattHours,
			interval_ms: Moment,
			rated_power_w: u32,
		},
		/// The operator reviewed an implausible reading: its `energy_wh` was billed (`billed`), or not
		/// and the reading became the meter's new baseline. The meter is active again.
		ImplausibleReadingReviewed { meter: MeterId, seq: u64, energy_wh: WattHours, billed: bool },
		/// A meter's rated power was set by its operator.
		RatedPowerSet { meter: MeterId, rated_power_w: u32 },
	}

	#[pallet::error]
	pub enum Error<T> {
		/// The account is not a licensed operator.
		NotOperator,
		/// The account is already a licensed operator.
		AlreadyOperator,
		/// The operator still manages meters: decommission them or move them first.
		OperatorHasMeters,
		/// A meter is already registered under this id.
		MeterExists,
		/// No meter is registered under this id.
		UnknownMeter,
		/// The caller is not the meter's operator.
		NotMeterOperator,
		/// Meters sign with sr25519, ed25519 or ecdsa keys only.
		UnsupportedKeyScheme,
		/// The new device key is the current one.
		SameKey,
		/// The meter is not active (already suspended or tampered).
		NotActive,
		/// The meter is already active.
		AlreadyActive,
		/// The meter already belongs to this operator.
		SameOperator,
		/// A counter would overflow.
		TooManyMeters,
		/// The meter holds no reading to review.
		NoReadingUnderReview,
		/// The meter holds a reading above its rated power: its operator reviews it with
		/// `review_implausible_reading` before the meter is resumed, changes owner or device, or is
		/// decommissioned.
		ReadingUnderReview,
		/// A meter's rated power must be at least one watt.
		ZeroRatedPower,
	}

	#[pallet::hooks]
	impl<T: Config> Hooks<BlockNumberFor<T>> for Pallet<T> {
		fn integrity_test() {
			assert!(T::MaxBatch::get() > 0, "MaxBatch must be at least 1");
			assert!(T::MaxClockSkewMs::get() > 0, "MaxClockSkewMs must be positive");
			assert!(T::IngestLongevity::get() > 0, "IngestLongevity must be positive");
			assert!(T::DefaultRatedPowerW::get() > 0, "DefaultRatedPowerW must be positive");
			assert_eq!(
				T::Hash::default().as_ref().len(),
				32,
				"readings are signed over a 32-byte genesis hash"
			);
			let max_extrinsic = T::BlockWeights::get()
				.get(DispatchClass::Normal)
				.max_extrinsic
				.unwrap_or_else(|| T::BlockWeights::get().max_block);
			let batch = Self::ingest_weight_upper_bound(T::MaxBatch::get())
				.saturating_add(Self::authorize_weight_upper_bound(T::MaxBatch::get()));
			assert!(
				batch.all_lte(max_extrinsic),
				"a full batch ({batch:?}) must fit in one extrinsic ({max_extrinsic:?})"
			);
		}

		/// Relays readings from the meter gateway, see [`crate::offchain`].
		fn offchain_worker(block: BlockNumberFor<T>) {
			crate::offchain::run::<T>(block);
		}

		#[cfg(feature = "try-runtime")]
		fn try_state(_: BlockNumberFor<T>) -> Result<(), sp_runtime::TryRuntimeError> {
			Self::do_try_state()
		}
	}

	#[pallet::call]
	impl<T: Config> Pallet<T> {
		/// License `operator`.
		///
		/// Origin: `AdminOrigin`. Errors: `AlreadyOperator`. Event: `OperatorAdded`.
		#[pallet::call_index(0)]
		#[pallet::weight(T::WeightInfo::add_operator())]
		pub fn add_operator(origin: OriginFor<T>, operator: T::AccountId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			ensure!(!Operators::<T>::contains_key(&operator), Error::<T>::AlreadyOperator);
			Operators::<T>::insert(&operator, OperatorInfo::default());
			Self::deposit_event(Event::OperatorAdded { operator });
			Ok(())
		}

		/// Withdraw `operator`'s license.
		///
		/// An operator that still manages meters cannot be removed: its meters must be
		/// decommissioned by it or moved to another operator (`force_transfer_meter`) first,
		/// so every registered meter always has a licensed operator.
		///
		/// Origin: `AdminOrigin`. Errors: `NotOperator`, `OperatorHasMeters`.
		/// Event: `OperatorRemoved`.
		#[pallet::call_index(1)]
		#[pallet::weight(T::WeightInfo::remove_operator())]
		pub fn remove_operator(origin: OriginFor<T>, operator: T::AccountId) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			let info = Operators::<T>::get(&operator).ok_or(Error::<T>::NotOperator)?;
			ensure!(info.meters == 0, Error::<T>::OperatorHasMeters);
			Operators::<T>::remove(&operator);
			Self::deposit_event(Event::OperatorRemoved { operator });
			Ok(())
		}

		/// Register meter `meter` with its device key `key`, owned by `owner`, managed by the
		/// caller, with optional `metadata`. The meter is active; its first reading will set
		/// its baseline. `T::Lifecycle::on_registered` is told.
		///
		/// A meter id freed by `decommission` may be registered again: give it a new device
		/// key, or the old key's readings (still held by gateways) could be replayed.
		/// Device keys are not required to be unique, but a key registered for two meters can
		/// sign readings for both: give every device its own key.
		///
		/// Origin: signed by an operator. Errors: `NotOperator`, `MeterExists`,
		/// `UnsupportedKeyScheme` (an `Eth` key), `TooManyMeters`. Event: `MeterRegistered`.
		#[pallet::call_index(2)]
		#[pallet::weight(
			T::WeightInfo::register_meter(metadata.len() as u32)
				.saturating_add(T::Lifecycle::max_weight())
		)]
		pub fn register_meter(
			origin: OriginFor<T>,
			meter: MeterId,
			key: MultiSigner,
			owner: T::AccountId,
			metadata: MetadataOf<T>,
		) -> DispatchResult {
			let operator = ensure_signed(origin)?;
			let key = DeviceKey::try_from(key).map_err(|_| Error::<T>::UnsupportedKeyScheme)?;
			Self::do_register(meter, key, owner, operator, metadata)
		}

		/// Replace the device key of `meter` with `new_key` (a replacement device).
		/// Readings signed with the old key are refused from now on. The new device counts
		/// its own `seq` and register: its first reading becomes the meter's new baseline
		/// (energy between the old device's last reading and it is not billed), and readings
		/// timestamped before the rotation are refused.
		///
		/// Origin: signed by the meter's operator. Errors: `UnknownMeter`, `NotMeterOperator`,
		/// `UnsupportedKeyScheme`, `SameKey`, `ReadingUnderReview`. Event: `KeyRotated`.
		#[pallet::call_index(3)]
		#[pallet::weight(T::WeightInfo::rotate_key())]
		pub fn rotate_key(
			origin: OriginFor<T>,
			meter: MeterId,
			new_key: MultiSigner,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			let key = DeviceKey::try_from(new_key).map_err(|_| Error::<T>::UnsupportedKeyScheme)?;
			Self::mutate_own_meter(&who, meter, |info| {
				ensure!(info.status != MeterStatus::Implausible, Error::<T>::ReadingUnderReview);
				ensure!(info.key != key, Error::<T>::SameKey);
				info.replace_device(key, T::Time::now());
				Ok(Event::KeyRotated { meter, key })
			})
		}

		/// Make `new_owner` the owner of `meter` (a change of tenancy).
		///
		/// `T::Lifecycle::on_owner_change` first settles the leaving household's account (in
		/// pallet-prepaid: its unused credit refunded to it, the next household starting
		/// clean); its error refuses the change. Making the owner the owner again changes
		/// nothing. Origin: signed by the meter's operator. Errors: `UnknownMeter`,
		/// `NotMeterOperator`, `ReadingUnderReview` (the leaving household's reading is reviewed
		/// first), any error of `on_owner_change`. Event: `OwnerChanged`.
		#[pallet::call_index(4)]
		#[pallet::weight(T::WeightInfo::set_owner().saturating_add(T::Lifecycle::max_weight()))]
		pub fn set_owner(
			origin: OriginFor<T>,
			meter: MeterId,
			new_owner: T::AccountId,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_set_owner(&who, meter, new_owner)
		}

		/// Suspend the active meter `meter`: its readings are refused until it is resumed.
		///
		/// Origin: signed by the meter's operator. Errors: `UnknownMeter`, `NotMeterOperator`,
		/// `NotActive` (already suspended or tampered). Event: `MeterSuspended`.
		#[pallet::call_index(5)]
		#[pallet::weight(T::WeightInfo::suspend())]
		pub fn suspend(origin: OriginFor<T>, meter: MeterId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::mutate_own_meter(&who, meter, |info| {
				ensure!(info.status == MeterStatus::Active, Error::<T>::NotActive);
				info.status = MeterStatus::Suspended;
				Ok(Event::MeterSuspended { meter })
			})
		}

		/// Resume a suspended or tampered meter: its readings are accepted again, from the
		/// next link of its chain of readings. For a tampered meter this clears the flag;
		/// billing continues from the meter's mark (the highest register billed), so nothing
		/// is billed twice, and if the meter's next reading is below the mark (its register
		/// was reset) that reading becomes the new baseline.
		///
		/// A meter holding a reading above its rated power is not resumed but reviewed
		/// (`review_implausible_reading`).
		///
		/// Origin: signed by the meter's operator. Errors: `UnknownMeter`, `NotMeterOperator`,
		/// `AlreadyActive`, `ReadingUnderReview`. Event: `MeterResumed`.
		#[pallet::call_index(6)]
		#[pallet::weight(T::WeightInfo::resume())]
		pub fn resume(origin: OriginFor<T>, meter: MeterId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::mutate_own_meter(&who, meter, |info| {
				ensure!(info.status != MeterStatus::Active, Error::<T>::AlreadyActive);
				ensure!(info.status != MeterStatus::Implausible, Error::<T>::ReadingUnderReview);
				let was_tampered = info.status == MeterStatus::Tampered;
				info.status = MeterStatus::Active;
				info.rebase_allowed = was_tampered;
				Ok(Event::MeterResumed { meter, was_tampered })
			})
		}

		/// Decommission `meter`: `T::Lifecycle::on_decommission` settles it first (its error
		/// refuses the decommissioning), then the meter and its metadata are removed.
		///
		/// Origin: signed by the meter's operator. Errors: `UnknownMeter`, `NotMeterOperator`,
		/// `ReadingUnderReview`, any error of `on_decommission`. Event: `MeterDecommissioned`.
		#[pallet::call_index(7)]
		#[pallet::weight(
			T::WeightInfo::decommission().saturating_add(T::Lifecycle::max_weight())
		)]
		pub fn decommission(origin: OriginFor<T>, meter: MeterId) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::do_decommission(&who, meter)
		}

		/// Ingest a batch of signed readings (see the crate documentation for the rules).
		///
		/// Origin: authorized by the call itself ([`Pallet::authorize_ingest`]): a general
		/// transaction without signature, refused by the pool and by the block applying it
		/// unless the chain would take every reading it carries, every signature verified;
		/// dispatch trusts that and verifies no signature again. Feeless: transaction payment
		/// never charges an unsigned origin. Declared `Pays::Yes` on purpose: submitted signed
		/// it fails (`BadOrigin`) and its signer pays the full fee, so nobody fills blocks free.
		///
		/// Refused readings are skipped with a `ReadingRejected` event; the batch never fails.
		/// Events: `ReadingsIngested` (one per batch), `ReadingRejected`, `TamperSuspected`,
		/// `ImplausibleReading`. Charged up front for every reading taken and billed at the most
		/// billing can cost; refunded to what it did.
		#[pallet::call_index(8)]
		#[pallet::weight((
			Pallet::<T>::ingest_weight_for(batch),
			DispatchClass::Normal,
			Pays::Yes
		))]
		#[pallet::authorize(Pallet::<T>::authorize_ingest)]
		#[pallet::weight_of_authorize(Pallet::<T>::authorize_weight(batch))]
		pub fn ingest_readings(
			origin: OriginFor<T>,
			batch: BatchOf<T>,
		) -> DispatchResultWithPostInfo {
			ensure_authorized(origin)?;
			let (outcome, consumption_weight) = Self::do_ingest(&batch);
			Ok(PostDispatchInfo {
				actual_weight: Some(Self::ingest_weight_used(&outcome, consumption_weight)),
				pays_fee: Pays::No,
			})
		}

		/// Move `meter` to operator `to` (for example before withdrawing its operator's
		/// license).
		///
		/// Origin: `AdminOrigin`. Errors: `UnknownMeter`, `NotOperator` (`to` is not
		/// licensed), `SameOperator`, `TooManyMeters`. Event: `MeterTransferred`.
		#[pallet::call_index(9)]
		#[pallet::weight(T::WeightInfo::force_transfer_meter())]
		pub fn force_transfer_meter(
			origin: OriginFor<T>,
			meter: MeterId,
			to: T::AccountId,
		) -> DispatchResult {
			T::AdminOrigin::ensure_origin(origin)?;
			Self::do_force_transfer(meter, to)
		}

		/// Set the rated power of `meter` to `rated_power_w` watts: the most power the meter
		/// (its connection) can deliver. A reading claiming more energy than that over its
		/// interval waits for the operator's review instead of being billed. Applies to readings ingested from
		/// now on.
		///
		/// Origin: signed by the meter's operator. Errors: `UnknownMeter`, `NotMeterOperator`,
		/// `ZeroRatedPower`. Event: `RatedPowerSet`.
		#[pallet::call_index(10)]
		#[pallet::weight(T::WeightInfo::set_rated_power())]
		pub fn set_rated_power(
			origin: OriginFor<T>,
			meter: MeterId,
			rated_power_w: u32,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			ensure!(rated_power_w > 0, Error::<T>::ZeroRatedPower);
			Self::mutate_own_meter(&who, meter, |info| {
				info.rated_power_w = rated_power_w;
				Ok(Event::RatedPowerSet { meter, rated_power_w })
			})
		}

		/// Review the reading `meter` holds (a reading above its rated power, see
		/// `ImplausibleReading`): with `bill`, its energy was real (a heater and an oven on a small
		/// connection, a long interval) and is billed now over its interval, as ingestion
		/// would have; without, it was not (a register jump, a swapped meter): nothing is
		/// billed and the reading becomes the meter's new baseline. Either way the meter is
		/// active again and billing continues from the reviewed reading.
		///
		/// Origin: signed by the meter's operator. Errors: `UnknownMeter`, `NotMeterOperator`,
		/// `NoReadingUnderReview`. Event: `ImplausibleReadingReviewed`.
		#[pallet::call_index(11)]
		#[pallet::weight(
			T::WeightInfo::review_implausible_reading().saturating_add(T::OnConsumption::max_weight())
		)]
		pub fn review_implausible_reading(
			origin: OriginFor<T>,
			meter: MeterId,
			bill: bool,
		) -> DispatchResult {
			let who = ensure_signed(origin)?;
			Self::mutate_own_meter(&who, meter, |info| Self::do_review(meter, info, bill))
		}
	}
}
