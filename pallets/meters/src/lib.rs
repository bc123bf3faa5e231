//! pallet-meters (being written).
