//! Helpers shared by the test modules.

use std::path::PathBuf;
use std::process::Command;

/// The `crossfmt` binary under test.
pub const CROSSFMT: &str = env!("CARGO_BIN_EXE_crossfmt");

/// The workspace root: `corpus/`, `conformance/`, `fuzz/`, `.clusterfuzzlite/`.
pub fn root() -> PathBuf {
    PathBuf::from(concat!(env!("CARGO_MANIFEST_DIR"), "/../.."))
}

/// A file of this crate's tests (`tests/<rel>`).
pub fn here(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(rel)
}

/// `crossfmt` with its working directory at the workspace root, where the
/// README's commands run.
pub fn crossfmt() -> Command {
    let mut c = Command::new(CROSSFMT);
    c.current_dir(root());
    c
}

/// The Python reference testee, its venv set up first
/// ([`crossfmt::python_reference_testee`]); the reference tests never skip.
pub fn reference_testee() -> PathBuf {
    crossfmt::python_reference_testee().unwrap_or_else(|e| panic!("{e}"))
}
