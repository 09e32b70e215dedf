//! Expected-failure lists, one per implementation:
//! `<conformance dir>/expected-failures/<codec id>.txt` (the id's `/` makes a
//! folder per format). One entry a line, `#` comments and blank lines ignored:
//!
//! ```text
//! <case id glob> <message prefix>
//! cbor-rfc8949/float16/* wrong-value: at top level: expected float
//! ```
//!
//! The prefix starts with a failing outcome's name, so an expected
//! `wrong-value` that turns into a `panic` is news. A listed case that passes
//! is an *unexpected pass*; an entry whose glob matches no case that ran is
//! *stale*. Both fail the run, so the lists stay true.

use crate::check::conformance::OutcomeKind;
use crate::expected::{glob, ExpectedError};
use std::path::{Component, Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub pattern: String,
    pub prefix: String,
    /// 1-based, for messages.
    pub line: usize,
}

impl Entry {
    pub fn matches_id(&self, id: &str) -> bool {
        glob(&self.pattern, id)
    }
}

/// One implementation's list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FailureList {
    pub path: PathBuf,
    pub entries: Vec<Entry>,
}

impl FailureList {
    /// The first entry whose glob matches `id`, whatever the outcome.
    pub fn listing(&self, id: &str) -> Option<usize> {
        self.entries.iter().position(|e| e.matches_id(id))
    }

    /// The first entry that expects this failure: glob and message prefix.
    pub fn expecting(&self, id: &str, message: &str) -> Option<usize> {
        self.entries
            .iter()
            .position(|e| e.matches_id(id) && message.starts_with(&e.prefix))
    }
}

/// Where the list of codec `id` lives under `dir`.
pub fn path_for(dir: &Path, id: &str) -> Result<PathBuf, String> {
    let rel = PathBuf::from(format!("{id}.txt"));
    if !rel.components().all(|c| matches!(c, Component::Normal(_))) {
        return Err(format!(
            "codec id {id:?} cannot name an expected-failure file"
        ));
    }
    Ok(dir.join(rel))
}

/// Reads the list of codec `id`; no file is an empty list.
pub fn load(dir: &Path, id: &str) -> Result<FailureList, ExpectedError> {
    let path = path_for(dir, id).map_err(|message| ExpectedError::Syntax {
        path: dir.to_path_buf(),
        line: 0,
        message,
    })?;
    match std::fs::read_to_string(&path) {
        Ok(text) => FailureList::parse(&path, &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FailureList {
            path,
            entries: Vec::new(),
        }),
        Err(source) => Err(ExpectedError::Io { path, source }),
    }
}

impl FailureList {
    /// Parses a list's text; `path` is where it came from, for messages.
    pub fn parse(path: &Path, text: &str) -> Result<FailureList, ExpectedError> {
        let failing: Vec<&str> = OutcomeKind::ALL
            .iter()
            .filter(|k| k.is_failure())
            .map(|k| k.name())
            .collect();
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (pattern, prefix) = line
                .split_once(char::is_whitespace)
                .map_or((line, ""), |(p, rest)| (p, rest.trim()));
            if !failing.iter().any(|k| prefix.starts_with(k)) {
                return Err(ExpectedError::Syntax {
                    path: path.to_path_buf(),
                    line: i + 1,
                    message: format!(
                        "expected `<case id glob> <message prefix>`, the prefix starting with one of {}",
                        failing.join(", ")
                    ),
                });
            }
            entries.push(Entry {
                pattern: pattern.to_string(),
                prefix: prefix.to_string(),
                line: i + 1,
            });
        }
        Ok(FailureList {
            path: path.to_path_buf(),
            entries,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_live_in_a_folder_per_format_and_match_by_glob_and_prefix() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path(), "msgpack/x").unwrap().entries.is_empty());
        std::fs::create_dir_all(dir.path().join("msgpack")).unwrap();
        std::fs::write(
            dir.path().join("msgpack/x.txt"),
            "# known\n\ns/float/* wrong-value: at top\ns/one false-reject\n",
        )
        .unwrap();
        let l = load(dir.path(), "msgpack/x").unwrap();
        assert_eq!(l.entries.len(), 2);
        assert_eq!(l.entries[1].line, 4);
        assert_eq!(
            l.expecting("s/float/1", "wrong-value: at top level"),
            Some(0)
        );
        assert_eq!(l.expecting("s/float/1", "panic: boom"), None);
        assert_eq!(l.listing("s/float/1"), Some(0));
        assert_eq!(l.expecting("s/one", "false-reject: Syntax: x"), Some(1));
        assert_eq!(l.listing("s/two"), None);
    }

    #[test]
    fn bad_lines_and_ids_are_errors_with_their_place() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("cbor")).unwrap();
        std::fs::write(dir.path().join("cbor/y.txt"), "s/a\n").unwrap();
        let e = load(dir.path(), "cbor/y").unwrap_err().to_string();
        assert!(
            e.contains("cbor/y.txt:1: expected `<case id glob> <message prefix>`"),
            "{e}"
        );
        std::fs::write(dir.path().join("cbor/y.txt"), "s/a pass\n").unwrap();
        assert!(load(dir.path(), "cbor/y").is_err());
        assert!(load(dir.path(), "../etc/passwd").is_err());
    }
}
