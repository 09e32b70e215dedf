//! The value crate's integration tests, one binary (see each module).

mod notation;
