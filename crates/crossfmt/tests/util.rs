//! Helpers shared by the test modules.

use std::path::PathBuf;

/// The workspace root: `corpus/`, `conformance/`, `fuzz/`.
pub fn root() -> PathBuf {
    crossfmt::data_root()
}

/// A file of this crate's tests (`tests/<rel>`).
pub fn here(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(rel)
}

/// The Python reference testee (`conformance/testees/python/testee`), its
/// venv (`target/pyref`) set up first: the set-up installs the pinned
/// packages on a fresh machine, which can take longer than a testee's hello
/// may, so it runs here, outside any deadline (it is idempotent and locked).
///
/// # Panics
///
/// When the set-up fails, with its output: the reference tests never skip.
pub fn reference_testee() -> PathBuf {
    let python = root().join("conformance/testees/python");
    let out = std::process::Command::new(python.join("setup"))
        .output()
        .unwrap_or_else(|e| panic!("running {}/setup: {e}", python.display()));
    assert!(
        out.status.success(),
        "{}/setup failed ({}):\n{}{}",
        python.display(),
        out.status,
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    python.join("testee")
}
