//! Expected-failure lists, one per implementation:
//! `<conformance dir>/expected-failures/<codec id>.txt` (the id's `/` makes a
//! folder per format), in the known-findings syntax ([`crate::known`]) with
//! the check `conformance`, the implementation's id, a case id glob, the
//! outcome kind and optionally a class glob:
//!
//! ```text
//! conformance cbor/cbor2 cbor-appendix-a/encode/f9*/canonical wrong-value -- cbor2 writes every float as binary64
//! conformance pickle/serde-pickle pickle-cpython/p0/* false-reject err:Syntax:eval error* -- serde-pickle's protocol 0 reader
//! ```
//!
//! The kind is part of the match, so an expected `wrong-value` that turns
//! into a `panic` is news. A listed case that passes is an *unexpected
//! pass*; an entry whose glob matches no case that ran is *stale*. Both fail
//! the run, so the lists stay true.

use super::CHECK;
use crate::check::conformance::{CaseOutcome, OutcomeKind};
use crate::known::{glob, Entry, Known, KnownError};
use std::path::{Component, Path, PathBuf};

/// One implementation's list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct FailureList {
    /// The file it was read from.
    pub path: PathBuf,
    /// Its entries, in file order.
    pub entries: Vec<Entry>,
}

impl FailureList {
    /// The first entry whose glob matches case `id`, whatever the outcome.
    pub fn listing(&self, id: &str) -> Option<usize> {
        self.entries.iter().position(|e| glob(&e.case, id))
    }

    /// The first entry that expects this failure of case `id`.
    pub fn expecting(&self, id: &str, outcome: &CaseOutcome) -> Option<usize> {
        self.entries.iter().position(|e| {
            e.matches_parts(CHECK, &e.codecs, id, outcome.kind.name(), &outcome.class)
        })
    }

    /// Parses codec `id`'s list from `text` read at `path`; every entry must
    /// be a `conformance` entry for `id`.
    pub fn parse(path: &Path, id: &str, text: &str) -> Result<FailureList, KnownError> {
        let known = Known::parse(text, path)?;
        for e in &known.entries {
            let failing = OutcomeKind::from_name(&e.kind).is_some_and(OutcomeKind::is_failure);
            if e.kind != "*" && !failing {
                return Err(KnownError::Syntax {
                    path: path.to_path_buf(),
                    line: e.line,
                    message: format!(
                        "kind {:?}: an expected failure is one of {}",
                        e.kind,
                        OutcomeKind::ALL
                            .iter()
                            .filter(|k| k.is_failure())
                            .map(|k| k.name())
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                });
            }
            if e.check != CHECK || e.codecs != [id] {
                return Err(KnownError::Syntax {
                    path: path.to_path_buf(),
                    line: e.line,
                    message: format!(
                        "this is {id}'s list: entries read `{CHECK} {id} <case id glob> <kind> [<class>] -- <reason>`"
                    ),
                });
            }
        }
        Ok(FailureList {
            path: path.to_path_buf(),
            entries: known.entries,
        })
    }
}

impl FailureList {
    /// The `conformance` entries for codec `id` of a known-findings list (an
    /// author's one file for every check: `crossfmt-known.txt`), as `id`'s
    /// expected-failure list.
    pub fn of(known: &Known, id: &str) -> FailureList {
        FailureList {
            path: known.path.clone().unwrap_or_default(),
            entries: known
                .entries
                .iter()
                .filter(|e| e.check == CHECK && e.codecs == [id])
                .cloned()
                .collect(),
        }
    }

    /// This list with `more`'s entries after its own (an author's list on
    /// top of crossfmt's); it keeps its own path unless it has no entries.
    pub fn and(mut self, more: FailureList) -> FailureList {
        if self.entries.is_empty() {
            self.path = more.path;
        }
        self.entries.extend(more.entries);
        self
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
pub fn load(dir: &Path, id: &str) -> Result<FailureList, KnownError> {
    let path = path_for(dir, id).map_err(|message| KnownError::Syntax {
        path: dir.to_path_buf(),
        line: 0,
        message,
    })?;
    match std::fs::read_to_string(&path) {
        Ok(text) => FailureList::parse(&path, id, &text),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(FailureList {
            path,
            entries: Vec::new(),
        }),
        Err(source) => Err(KnownError::Io { path, source }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outcome(kind: OutcomeKind, class: &str) -> CaseOutcome {
        CaseOutcome::new(kind, class.to_string(), "detail")
    }

    #[test]
    fn lists_live_in_a_folder_per_format_and_match_by_glob_kind_and_class() {
        let dir = tempfile::tempdir().unwrap();
        assert!(load(dir.path(), "msgpack/x").unwrap().entries.is_empty());
        std::fs::create_dir_all(dir.path().join("msgpack")).unwrap();
        std::fs::write(
            dir.path().join("msgpack/x.txt"),
            "# known\n\nconformance msgpack/x s/float/* wrong-value f64->* -- widens\n\
             conformance msgpack/x s/one false-reject -- strict\n",
        )
        .unwrap();
        let l = load(dir.path(), "msgpack/x").unwrap();
        assert_eq!(l.entries.len(), 2);
        assert_eq!(l.entries[1].line, 4);
        let wrong = outcome(OutcomeKind::WrongValue, "f64->f32");
        assert_eq!(l.expecting("s/float/1", &wrong), Some(0));
        assert_eq!(
            l.expecting(
                "s/float/1",
                &outcome(OutcomeKind::WrongValue, "text->bytes")
            ),
            None
        );
        assert_eq!(
            l.expecting("s/float/1", &outcome(OutcomeKind::Panic, "boom|x.rs:1")),
            None
        );
        assert_eq!(l.listing("s/float/1"), Some(0));
        let reject = outcome(OutcomeKind::FalseReject, "err:Syntax:x");
        assert_eq!(l.expecting("s/one", &reject), Some(1));
        assert_eq!(l.listing("s/two"), None);
    }

    #[test]
    fn bad_lines_and_ids_are_errors_with_their_place() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("cbor")).unwrap();
        std::fs::write(dir.path().join("cbor/y.txt"), "s/a\n").unwrap();
        let e = load(dir.path(), "cbor/y").unwrap_err().to_string();
        assert!(e.contains("cbor/y.txt:1: expected `"), "{e}");
        std::fs::write(
            dir.path().join("cbor/y.txt"),
            "conformance cbor/other s/a false-accept -- r\n",
        )
        .unwrap();
        let e = load(dir.path(), "cbor/y").unwrap_err().to_string();
        assert!(e.contains("this is cbor/y's list"), "{e}");
        assert!(load(dir.path(), "../etc/passwd").is_err());
    }
}
