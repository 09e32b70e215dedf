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

/// The `passed` count of the summary row of `check` whose codecs include
/// `codec`, in `crossfmt run`'s output; panics naming what is missing.
pub fn passed(stdout: &str, check: &str, codec: &str) -> usize {
    let row = stdout
        .lines()
        .find(|l| l.split_whitespace().next() == Some(check) && l.contains(codec))
        .unwrap_or_else(|| panic!("no {check} row for {codec}:\n{stdout}"));
    row.split_whitespace()
        .rev()
        .nth(3)
        .and_then(|n| n.parse().ok())
        .unwrap_or_else(|| panic!("no passed count in {row:?}"))
}
