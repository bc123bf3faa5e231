//! The runtime API reporting a meter's prepaid status.
