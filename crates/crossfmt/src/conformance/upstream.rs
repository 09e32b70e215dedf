//! Failure lists in the format of Google's protobuf `conformance_test_runner`
//! (`failure_list_*.txt`): one test name a line, `*` standing for one whole
//! dot-separated section, the failure message it expects after `#`:
//!
//! ```text
//! Required.*.ProtobufInput.BadTag_FieldNumberTooHigh   # Should have failed to parse, but didn't.
//! ```
//!
//! Cases name the upstream test they correspond to ([`Case::upstream`]); a
//! list read here becomes an ordinary [`FailureList`] of those cases, so its
//! entries are judged like crossfmt's own (a listed case that passes is an
//! unexpected pass), and a run's failures are written back in this format.

use super::case::Case;
use super::expected::FailureList;
use super::matrix::{Matrix, Status};
use crate::known::Entry;
use std::path::{Path, PathBuf};

/// One line of an upstream list.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct UpstreamEntry {
    /// The test name, sections possibly `*`.
    pub name: String,
    /// The expected failure message, after `#`.
    pub message: String,
    /// Where it was read (1-based).
    pub line: usize,
}

/// An upstream failure list.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct UpstreamList {
    /// The file it was read from.
    pub path: PathBuf,
    /// Its entries, in file order.
    pub entries: Vec<UpstreamEntry>,
}

impl UpstreamList {
    /// Parses `text` read at `path`; a wildcard that does not span a whole
    /// section is an error naming the line, as upstream's runner refuses it.
    pub fn parse(path: &Path, text: &str) -> Result<UpstreamList, String> {
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let (name, message) = raw.split_once('#').unwrap_or((raw, ""));
            let name = name.trim();
            if name.is_empty() {
                continue;
            }
            if let Some(bad) = name.split('.').find(|s| s.contains('*') && s.len() > 1) {
                return Err(format!(
                    "{}:{}: {bad:?}: a wildcard spans a whole dot-separated section",
                    path.display(),
                    i + 1
                ));
            }
            entries.push(UpstreamEntry {
                name: name.to_string(),
                message: message.trim().to_string(),
                line: i + 1,
            });
        }
        Ok(UpstreamList {
            path: path.to_path_buf(),
            entries,
        })
    }

    /// The list as codec `id`'s expected failures of `cases`: one entry per
    /// case whose upstream name an entry matches (any failing outcome), and
    /// the entries that match no case.
    pub fn expected(&self, id: &str, cases: &[Case]) -> (FailureList, Vec<UpstreamEntry>) {
        let mut list = FailureList {
            path: self.path.clone(),
            entries: Vec::new(),
        };
        let mut unmatched = Vec::new();
        for e in &self.entries {
            let mut any = false;
            for c in cases {
                if c.upstream.as_deref().is_some_and(|n| matches(&e.name, n)) {
                    any = true;
                    list.entries.push(Entry {
                        check: super::CHECK.to_string(),
                        codecs: vec![id.to_string()],
                        case: c.id.clone(),
                        kind: "*".to_string(),
                        class: "*".to_string(),
                        reason: format!("{} (upstream list)", e.name),
                        line: e.line,
                    });
                }
            }
            if !any {
                unmatched.push(e.clone());
            }
        }
        (list, unmatched)
    }
}

/// Whether upstream `pattern` names `test`: as many sections, each equal or
/// `*`.
pub fn matches(pattern: &str, test: &str) -> bool {
    let (p, t): (Vec<&str>, Vec<&str>) = (pattern.split('.').collect(), test.split('.').collect());
    p.len() == t.len() && p.iter().zip(&t).all(|(p, t)| *p == "*" || p == t)
}

/// Implementation `imp`'s failures in `m` that have an upstream name, as an
/// upstream list: sorted names, each with its failure message.
pub fn render(m: &Matrix, imp: usize) -> String {
    let mut lines: Vec<(String, String)> = Vec::new();
    for (c, case) in m.cases.iter().enumerate() {
        let (Some(name), Some(cell)) = (&case.upstream, &m.cells[c][imp]) else {
            continue;
        };
        if matches!(cell.status, Status::Fail | Status::ExpectedFailure) {
            // Upstream lists are one line an entry.
            let why: String = cell
                .outcome
                .message
                .replace('\n', " ")
                .chars()
                .take(160)
                .collect();
            lines.push((name.clone(), why));
        }
    }
    lines.sort();
    lines.dedup_by(|a, b| a.0 == b.0);
    let width = lines.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    lines
        .iter()
        .map(|(n, why)| format!("{n:<width$}  # {why}\n"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards_span_one_section() {
        assert!(matches(
            "Required.*.ProtobufInput.BadTag_FieldNumberTooHigh",
            "Required.Proto3.ProtobufInput.BadTag_FieldNumberTooHigh"
        ));
        assert!(!matches(
            "Required.*.ProtobufInput",
            "Required.Proto3.ProtobufInput.BadTag_FieldNumberTooHigh"
        ));
        assert!(!matches("Required.Proto2.X", "Required.Proto3.X"));
        let e = UpstreamList::parse(Path::new("l.txt"), "ok.name # fine\nRequired.Proto*.X\n")
            .unwrap_err();
        assert!(e.starts_with("l.txt:2: \"Proto*\""), "{e}");
        let l = UpstreamList::parse(
            Path::new("l.txt"),
            "\n# a comment\nA.*.B   # why it fails\n",
        )
        .unwrap();
        assert_eq!(
            l.entries,
            vec![UpstreamEntry {
                name: "A.*.B".into(),
                message: "why it fails".into(),
                line: 3
            }]
        );
    }
}
