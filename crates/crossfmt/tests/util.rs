//! Helpers shared by the test modules.

use std::path::PathBuf;

/// The workspace root: `corpus/`, `conformance/`, `fuzz/`.
pub fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// A file of this crate's tests (`tests/<rel>`).
pub fn here(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(rel)
}

/// The Python reference testee, its venv set up first
/// ([`crossfmt::python_reference_testee`]); the reference tests never skip.
pub fn reference_testee() -> PathBuf {
    crossfmt::python_reference_testee().unwrap_or_else(|e| panic!("{e}"))
}
