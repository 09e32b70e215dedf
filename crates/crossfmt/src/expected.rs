//! Known findings in third-party codecs, recorded with a reason so that a run
//! stays green on them and goes red on anything new — or on a recorded finding
//! that no longer occurs (the library was fixed: remove the line).
//!
//! File format, one entry a line, `#` comments and blank lines ignored:
//!
//! ```text
//! <check> <codec>[+<codec>...] <case pattern> <reason...>
//! roundtrip cbor/ciborium float-f32-nan-payload* ciborium's encoder drops NaN payloads
//! ```
//!
//! The case pattern matches a case name, `*` matching any run of characters.

use std::fmt;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    pub check: String,
    pub codecs: Vec<String>,
    pub case: String,
    pub reason: String,
    /// Where the entry was read, for messages.
    pub line: usize,
}

impl Entry {
    pub fn matches(&self, check: &str, codecs: &[String], case: &str) -> bool {
        self.check == check && self.codecs == codecs && glob(&self.case, case)
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} ({})",
            self.check,
            self.codecs.join("+"),
            self.case,
            self.reason
        )
    }
}

#[derive(Clone, Debug, Default)]
pub struct Expected {
    pub path: Option<PathBuf>,
    pub entries: Vec<Entry>,
}

#[derive(Debug, thiserror::Error)]
pub enum ExpectedError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{path}:{line}: {message}")]
    Syntax {
        path: PathBuf,
        line: usize,
        message: String,
    },
}

impl Expected {
    /// The list committed beside the built-in corpus.
    pub fn builtin_path() -> PathBuf {
        crate::corpus::builtin_root().join("expected-findings.txt")
    }

    /// Reads a list; a missing file is an empty list.
    pub fn load(path: &Path) -> Result<Expected, ExpectedError> {
        let text = match std::fs::read_to_string(path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(source) => {
                return Err(ExpectedError::Io {
                    path: path.to_path_buf(),
                    source,
                })
            }
        };
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let mut parts = line.splitn(4, char::is_whitespace).map(str::trim);
            let (Some(check), Some(codecs), Some(case), Some(reason)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(ExpectedError::Syntax {
                    path: path.to_path_buf(),
                    line: i + 1,
                    message: "expected `<check> <codec>[+<codec>] <case pattern> <reason>`".into(),
                });
            };
            if !crate::check::ALL.contains(&check) {
                return Err(ExpectedError::Syntax {
                    path: path.to_path_buf(),
                    line: i + 1,
                    message: format!(
                        "unknown check {check:?}; expected one of {}",
                        crate::check::ALL.join(", ")
                    ),
                });
            }
            entries.push(Entry {
                check: check.to_string(),
                codecs: codecs.split('+').map(str::to_string).collect(),
                case: case.to_string(),
                reason: reason.trim().to_string(),
                line: i + 1,
            });
        }
        Ok(Expected {
            path: Some(path.to_path_buf()),
            entries,
        })
    }

    pub fn find(&self, check: &str, codecs: &[String], case: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| e.matches(check, codecs, case))
    }
}

/// `*` matches any run of characters; everything else matches itself.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !text.starts_with(first) || text.len() < first.len() + last.len() || !text.ends_with(last) {
        return false;
    }
    let mut rest = &text[first.len()..text.len() - last.len()];
    for mid in &parts[1..parts.len() - 1] {
        match rest.find(mid) {
            Some(i) => rest = &rest[i + mid.len()..],
            None => return false,
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn glob_matches_stars_only() {
        assert!(glob("float-*-nan*", "float-f32-nan-payload"));
        assert!(glob("*", ""));
        assert!(glob("a*b*c", "abc"));
        assert!(!glob("a*b*c", "acb"));
        assert!(!glob("ab*ba", "aba"));
        assert!(glob("exact", "exact"));
        assert!(!glob("exact", "exactly"));
    }

    /// An entry counts for staleness only when a job of the run could have
    /// matched it: every codec it names is in the run (entries for an
    /// external testee's codecs stay quiet in a run without the testee).
    #[test]
    fn only_entries_whose_codecs_all_ran_can_be_stale() {
        use crate::run::{run, Case, CaseInput, Plan, Quiet};
        use crate::Registry;
        let registry = Registry::builtin()
            .select(&["json/serde_json".to_string()])
            .unwrap();
        let cases = [Case {
            name: "int-zero".into(),
            input: CaseInput::Value(crate::Value::from(0i64)),
        }];
        let entry = |check: &str, codecs: &[&str]| Entry {
            check: check.into(),
            codecs: codecs.iter().map(|c| c.to_string()).collect(),
            case: "int-zero".into(),
            reason: "recorded".into(),
            line: 0,
        };
        let expected = Expected {
            path: None,
            entries: vec![
                // A codec of the run, no finding: stale.
                entry("roundtrip", &["json/serde_json"]),
                // Codecs not in the run: never stale.
                entry("roundtrip", &["json/cpython"]),
                entry("differential", &["json/serde_json", "json/cpython"]),
            ],
        };
        let out = run(
            &registry,
            &cases,
            &[],
            &Plan::all_checks(),
            &expected,
            &mut Quiet,
        );
        assert!(out.findings.is_empty(), "{:?}", out.findings);
        let stale: Vec<String> = out.stale.iter().map(|e| e.codecs.join("+")).collect();
        assert_eq!(stale, ["json/serde_json"]);
        assert_eq!(out.unexpected(), 1);
    }

    #[test]
    fn parses_entries_and_reports_bad_lines() {
        let dir = std::env::temp_dir().join(format!("crossfmt-exp-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let p = dir.join("e.txt");
        std::fs::write(&p, "# c\n\nroundtrip a/b+c/d case-* the reason here\n").unwrap();
        let e = Expected::load(&p).unwrap();
        assert_eq!(e.entries.len(), 1);
        assert_eq!(e.entries[0].codecs, ["a/b", "c/d"]);
        assert_eq!(e.entries[0].reason, "the reason here");
        assert!(e
            .find("roundtrip", &["a/b".into(), "c/d".into()], "case-1")
            .is_some());
        std::fs::write(&p, "roundtrip a/b\n").unwrap();
        let err = Expected::load(&p).unwrap_err().to_string();
        assert!(
            err.ends_with("e.txt:1: expected `<check> <codec>[+<codec>] <case pattern> <reason>`"),
            "{err}"
        );
        std::fs::write(&p, "nocheck a/b c r\n").unwrap();
        assert!(Expected::load(&p)
            .unwrap_err()
            .to_string()
            .contains("unknown check"));
        assert!(Expected::load(&dir.join("missing"))
            .unwrap()
            .entries
            .is_empty());
    }
}
