//! pallet-wattcoin (being written).
