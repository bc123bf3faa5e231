//! Readings and the signed reading format: see docs/protocol.md.
