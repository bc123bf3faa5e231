//! pallet-prepaid (being written).
