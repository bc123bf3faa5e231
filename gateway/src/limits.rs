//! The bounds that keep one client from taking the gateway from the others: timeouts on
//! slow clients, and bounded pools of connections, reads, uploads and ingests, each refusing
//! what is over its bound at once (`503 Service Unavailable` with `Retry-After`) rather than
//! queueing it without bound.
//!
//! - A connection is one of at most [`Limits::max_connections`]; one over the bound is
//!   answered `503` and closed.
//! - Its request headers must arrive within [`Limits::header_timeout`] (from the connection's
//!   start, or the end of its previous response: an idle keep-alive connection is closed
//!   after it too).
//! - A POST's body must arrive within [`Limits::body_timeout`] of its headers (`408`).
//! - A connection lives at most [`Limits::max_connection_age`]: then it finishes its request
//!   and closes, and is dropped [`CLOSE_GRACE`] later whatever it is doing (a client that
//!   never reads its answer).
//! - Reads (`GET /v1/readings`, `/healthz`) take one of [`Limits::max_reads`] slots, at most
//!   [`Limits::max_reads_per_peer`] of them per client address, so one host reading as fast
//!   as it can does not take the slots of relayers elsewhere.
//! - A POST takes one of [`Limits::max_uploads`] slots before its body is read (so at most
//!   that many bodies are in memory), then waits for one of [`Limits::max_ingests`] slots to
//!   parse, verify and store it (so signature checks never take every core from readers).
//!
//! Reads and POSTs have separate pools: a flood of POSTs cannot take a relayer's read slot.

use std::{
	collections::HashMap,
	net::IpAddr,
	sync::{Arc, Mutex},
	time::Duration,
};

/// Default of [`Limits::max_connections`].
pub const DEFAULT_MAX_CONNECTIONS: usize = 512;
/// Default of [`Limits::header_timeout`].
pub const DEFAULT_HEADER_TIMEOUT: Duration = Duration::from_secs(10);
/// Default of [`Limits::body_timeout`]: a full JSON batch (about 4 MiB) at 1.2 Mbit/s.
pub const DEFAULT_BODY_TIMEOUT: Duration = Duration::from_secs(30);
/// Default of [`Limits::max_connection_age`].
pub const DEFAULT_MAX_CONNECTION_AGE: Duration = Duration::from_secs(300);
/// Default of [`Limits::max_reads`].
pub const DEFAULT_MAX_READS: usize = 32;
/// Default of [`Limits::max_reads_per_peer`].
pub const DEFAULT_MAX_READS_PER_PEER: usize = 8;
/// Default of [`Limits::max_uploads`].
pub const DEFAULT_MAX_UPLOADS: usize = 32;
/// Default of [`Limits::max_ingests`].
pub const DEFAULT_MAX_INGESTS: usize = 2;

/// How long a connection past its [`Limits::max_connection_age`] may take to finish its
/// request before it is dropped.
pub const CLOSE_GRACE: Duration = Duration::from_secs(10);
/// The `Retry-After` of a `503` over a bound, in seconds.
pub const RETRY_AFTER_SECS: u64 = 1;
/// After answering with `Connection: close` a request whose body may be unread (`408`,
/// `413`, `503`), how long the gateway keeps reading (and discarding) what the client still
/// sends, so that the client reads the answer instead of a connection reset.
pub const LINGER: Duration = Duration::from_secs(2);
/// How many connections over [`Limits::max_connections`] may be being answered `503` at
/// once; more are closed without an answer.
pub const MAX_REFUSING: usize = 64;

/// The gateway's bounds (see the module documentation). Every field is a command-line flag.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Limits {
	/// The most connections open at once.
	pub max_connections: usize,
	/// How long a client may take to send a request's headers.
	pub header_timeout: Duration,
	/// How long a client may take to send a request's body, after its headers.
	pub body_timeout: Duration,
	/// How long a connection may stay open.
	pub max_connection_age: Duration,
	/// The most reads (`GET /v1/readings`, `/healthz`) served at once.
	pub max_reads: usize,
	/// The most reads served at once to one client address.
	pub max_reads_per_peer: usize,
	/// The most POSTs whose body is being received or processed at once.
	pub max_uploads: usize,
	/// The most POSTed batches parsed, verified and stored at once.
	pub max_ingests: usize,
}

impl Default for Limits {
	fn default() -> Self {
		Self {
			max_connections: DEFAULT_MAX_CONNECTIONS,
			header_timeout: DEFAULT_HEADER_TIMEOUT,
			body_timeout: DEFAULT_BODY_TIMEOUT,
			max_connection_age: DEFAULT_MAX_CONNECTION_AGE,
			max_reads: DEFAULT_MAX_READS,
			max_reads_per_peer: DEFAULT_MAX_READS_PER_PEER,
			max_uploads: DEFAULT_MAX_UPLOADS,
			max_ingests: DEFAULT_MAX_INGESTS,
		}
	}
}

impl Limits {
	/// Refuses a bound of zero (nothing would ever be served) or one a semaphore cannot hold.
	pub fn check(&self) -> Result<(), String> {
		for (name, value) in [
			("--max-connections", self.max_connections),
			("--max-reads", self.max_reads),
			("--max-reads-per-peer", self.max_reads_per_peer),
			("--max-uploads", self.max_uploads),
			("--max-ingests", self.max_ingests),
		] {
			if value == 0 || value > u32::MAX as usize >> 3 {
				return Err(format!("{name} must be between 1 and {}, not {value}", u32::MAX >> 3));
			}
		}
		for (name, value) in [
			("--header-timeout", self.header_timeout),
			("--body-timeout", self.body_timeout),
			("--max-connection-age", self.max_connection_age),
		] {
			if value.is_zero() {
				return Err(format!("{name} must be more than 0"));
			}
		}
		Ok(())
	}
}

/// Counts what each client address holds of a pool, up to a bound per address.
#[derive(Debug)]
pub struct PerPeer {
	max: usize,
	held: Mutex<HashMap<IpAddr, usize>>,
}

/// One slot of a [`PerPeer`], given back when dropped.
#[derive(Debug)]
pub struct PeerSlot {
	pool: Arc<PerPeer>,
	peer: IpAddr,
}

impl PerPeer {
	/// At most `max` slots per address.
	pub fn new(max: usize) -> Arc<Self> {
		Arc::new(Self { max, held: Mutex::new(HashMap::new()) })
	}

	/// A slot for `peer`, or `None` if it holds `max` already.
	pub fn try_acquire(self: &Arc<Self>, peer: IpAddr) -> Option<PeerSlot> {
		let mut held = self.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		let count = held.entry(peer).or_insert(0);
		if *count >= self.max {
			return None;
		}
		*count += 1;
		Some(PeerSlot { pool: self.clone(), peer })
	}

	/// How many slots `peer` holds.
	pub fn held(&self, peer: IpAddr) -> usize {
		let held = self.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		held.get(&peer).copied().unwrap_or(0)
	}
}

impl Drop for PeerSlot {
	fn drop(&mut self) {
		let mut held = self.pool.held.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
		if let Some(count) = held.get_mut(&self.peer) {
			*count -= 1;
			if *count == 0 {
				held.remove(&self.peer);
			}
		}
	}
}

#[cfg(test)]
mod tests {
	use super::*;

	#[test]
	fn per_peer_slots_are_bounded_per_address_and_given_back() {
		let pool = PerPeer::new(2);
		let a: IpAddr = "127.0.0.1".parse().unwrap();
		let b: IpAddr = "127.0.0.2".parse().unwrap();
		let first = pool.try_acquire(a).unwrap();
		let _second = pool.try_acquire(a).unwrap();
		assert!(pool.try_acquire(a).is_none());
		// Another address has its own slots.
		let _other = pool.try_acquire(b).unwrap();
		drop(first);
		assert_eq!(pool.held(a), 1);
		let _third = pool.try_acquire(a).unwrap();
		assert!(pool.try_acquire(a).is_none());
	}

	#[test]
	fn zero_bounds_are_refused() {
		assert_eq!(Limits::default().check(), Ok(()));
		let limits = Limits { max_reads: 0, ..Limits::default() };
		assert!(limits.check().unwrap_err().contains("--max-reads"));
		let limits = Limits { body_timeout: Duration::ZERO, ..Limits::default() };
		assert!(limits.check().unwrap_err().contains("--body-timeout"));
	}
}
