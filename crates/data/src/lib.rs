//! The data crossfmt's checks run on, shipped with the crate so that it
//! reaches a dependent crate however that crate got crossfmt (crates.io, git,
//! a path): the shared corpus (`corpus/`), the conformance suites, vectors and
//! reference testees (`conformance/`) and the fuzz dictionaries
//! (`fuzz/dict/`).
//!
//! The files are read at run time from the directory Cargo unpacked this
//! crate into, which every build on the machine can see. Set
//! [`OVERRIDE`] (`CROSSFMT_DATA`) to a directory of the same layout — a
//! crossfmt checkout, or an author's copy with their own cases added — to
//! read that instead.
#![warn(missing_docs)]

use std::path::{Path, PathBuf};

/// The environment variable that points crossfmt at another data directory.
pub const OVERRIDE: &str = "CROSSFMT_DATA";

/// Where this crate's own files are.
pub fn packaged() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// The data directory: [`OVERRIDE`] when set and not empty, else the
/// packaged data.
pub fn root() -> PathBuf {
    match std::env::var_os(OVERRIDE) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => packaged().to_path_buf(),
    }
}

/// The shared corpus: `values/`, `bytes/<format>/`, `regressions/`,
/// `known-findings.txt`.
pub fn corpus() -> PathBuf {
    root().join("corpus")
}

/// The conformance data: `suites/`, `vectors/`, `expected-failures/`,
/// `testees/`.
pub fn conformance() -> PathBuf {
    root().join("conformance")
}

/// Runs the Python reference testee's `setup` (which makes its venv, or
/// checks it current; idempotent and locked) and returns the testee's
/// directory, `conformance/testees/python`. On a fresh machine this installs
/// the pinned packages from PyPI (or `PIP_INDEX_URL`); the error says what
/// failed.
pub fn prepare_python_reference() -> Result<PathBuf, String> {
    let dir = conformance().join("testees/python");
    let out = std::process::Command::new(dir.join("setup"))
        .output()
        .map_err(|e| format!("running {}/setup: {e}", dir.display()))?;
    if !out.status.success() {
        return Err(format!(
            "{}/setup failed ({}):\n{}{}",
            dir.display(),
            out.status,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(dir)
}

/// Where the Python reference testee's venv is (or would be), as its
/// `conformance/testees/python/venv.sh` says: `CROSSFMT_PYREF`, else
/// `target/pyref` in a crossfmt checkout, else a per-user cache directory.
/// An error when the script cannot be run.
pub fn python_reference_venv() -> Result<PathBuf, String> {
    let script = conformance().join("testees/python/venv.sh");
    let out = std::process::Command::new("bash")
        .arg("-c")
        .arg(r#"source "$1" && printf %s "$venv""#)
        .arg("bash")
        .arg(&script)
        .output()
        .map_err(|e| format!("running bash on {}: {e}", script.display()))?;
    let venv = String::from_utf8_lossy(&out.stdout).into_owned();
    if !out.status.success() || venv.is_empty() {
        return Err(format!(
            "{} names no venv: {}",
            script.display(),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    Ok(PathBuf::from(venv))
}

/// The libFuzzer dictionary of a format (by its name: `msgpack`, `cbor`,
/// …), when there is one.
pub fn dictionary(format: &str) -> Option<PathBuf> {
    let path = root().join("fuzz/dict").join(format!("{format}.dict"));
    path.is_file().then_some(path)
}

/// The data directory, or an error saying which part is missing and how to
/// point crossfmt elsewhere: for a program to call once before it reads
/// anything, so a missing directory is one clear message rather than a
/// "file not found" deep in a load.
pub fn check() -> Result<PathBuf, String> {
    let root = root();
    let from = match std::env::var_os(OVERRIDE) {
        Some(d) if !d.is_empty() => format!("{OVERRIDE}={}", Path::new(&d).display()),
        _ => "the crossfmt-data crate's files".to_string(),
    };
    for part in ["corpus", "conformance"] {
        if !root.join(part).is_dir() {
            return Err(format!(
                "crossfmt's data is missing: {} is not a directory (from {from}); \
                 set {OVERRIDE} to a directory holding corpus/ and conformance/ \
                 (a crossfmt checkout)",
                root.join(part).display()
            ));
        }
    }
    Ok(root)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_packaged_data_is_there() {
        let root = packaged();
        assert!(root.join("corpus/known-findings.txt").is_file());
        assert!(root.join("conformance/suites").is_dir());
        assert!(root.join("fuzz/dict/msgpack.dict").is_file());
    }
}
