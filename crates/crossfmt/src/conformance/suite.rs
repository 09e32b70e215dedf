//! Finding and loading the suite files under `<conformance dir>/suites/`.

use super::case::{parse_suite, Suite};
use std::path::{Path, PathBuf};

/// The conformance data that ships with crossfmt (suites, expected failures):
/// [`crate::data::conformance`].
pub fn builtin_root() -> PathBuf {
    crate::data::conformance()
}

/// Why no suites could be had.
#[derive(Debug, thiserror::Error)]
pub enum SuiteError {
    #[error("{}: {source}", path.display())]
    /// A suite file or directory could not be read.
    Io {
        /// What could not be read.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    #[error("no suite files (*.json) in {} — generate them first (conformance/generators/)", dir.display())]
    /// The directory holds no suite.
    Empty {
        /// The directory.
        dir: PathBuf,
    },
    #[error("unknown suite {name:?}; known: {}", known.join(", "))]
    /// A suite asked for by name is not there.
    Unknown {
        /// The name asked for.
        name: String,
        /// The suites there are.
        known: Vec<String>,
    },
    #[error(transparent)]
    /// A suite file is malformed.
    Case(#[from] super::case::CaseError),
}

/// The suite files in `dir`, sorted by name.
pub fn files(dir: &Path) -> Result<Vec<PathBuf>, SuiteError> {
    let io = |source| SuiteError::Io {
        path: dir.to_path_buf(),
        source,
    };
    let entries = match std::fs::read_dir(dir) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return Err(SuiteError::Empty {
                dir: dir.to_path_buf(),
            })
        }
        r => r.map_err(io)?,
    };
    let mut paths = Vec::new();
    for entry in entries {
        let p = entry.map_err(io)?.path();
        if p.extension().is_some_and(|e| e == "json") {
            paths.push(p);
        }
    }
    paths.sort();
    if paths.is_empty() {
        return Err(SuiteError::Empty {
            dir: dir.to_path_buf(),
        });
    }
    Ok(paths)
}

/// Loads the suites in `dir` whose names are in `names` (all when empty),
/// each file parsed once. A name with no file is an error naming the known
/// suites.
pub fn load(dir: &Path, names: &[String]) -> Result<Vec<Suite>, SuiteError> {
    let paths = files(dir)?;
    let stem = |p: &Path| {
        p.file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    for name in names {
        if !paths.iter().any(|p| stem(p) == *name) {
            return Err(SuiteError::Unknown {
                name: name.clone(),
                known: paths.iter().map(|p| stem(p)).collect(),
            });
        }
    }
    paths
        .iter()
        .filter(|p| names.is_empty() || names.contains(&stem(p)))
        .map(|p| {
            let text = std::fs::read_to_string(p).map_err(|source| SuiteError::Io {
                path: p.clone(),
                source,
            })?;
            Ok(parse_suite(p, &text)?)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_and_unknown_are_explained() {
        let dir = tempfile::tempdir().unwrap();
        let e = load(dir.path(), &[]).unwrap_err().to_string();
        assert!(e.starts_with("no suite files (*.json) in "), "{e}");
        std::fs::write(dir.path().join("a.json"), r#"{"suite": "a", "cases": []}"#).unwrap();
        assert_eq!(load(dir.path(), &[]).unwrap().len(), 1);
        let e = load(dir.path(), &["b".into()]).unwrap_err().to_string();
        assert_eq!(e, "unknown suite \"b\"; known: a");
        let e = load(&dir.path().join("missing"), &[])
            .unwrap_err()
            .to_string();
        assert!(e.contains("missing"), "{e}");
    }
}
