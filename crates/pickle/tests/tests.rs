//! The pickle crate's integration tests, one binary.

mod scan;
