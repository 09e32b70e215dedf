//! Known findings: what crossfmt has found in third-party codecs, recorded
//! with a reason, so that a run stays green on them and goes red on
//! anything new — or on a recorded finding that no longer occurs (the
//! library was fixed: remove the line).
//!
//! One syntax and one matcher serve `crossfmt run`, the fuzz targets, the
//! regression replay, the property tests, `testing::check_codec` and the
//! conformance runner's expected-failure lists. One entry a line, `#`
//! comments and blank lines ignored:
//!
//! ```text
//! <check> <codec>[+<codec>...] <case> <kind> [<class>] -- <reason>
//! roundtrip cbor/ciborium int-i128-min-minus-1 own-encoding-rejected -- ciborium cannot decode its own 16-byte negative bignum
//! roundtrip-bytes json/serde_json * not-fixed-point f64->f64 -- serde_json's default float parser is not correctly rounded
//! ```
//!
//! An entry matches a finding when the check and the codecs (in order) are
//! the finding's, the case pattern matches the case's name, the kind is the
//! finding's [`crate::finding::Kind`] name (or `*`), and the class
//! pattern matches the finding's [`class`](crate::finding::Finding::class)
//! (no class: any). Patterns are globs where `*` matches any run of
//! characters. The class is computed from the finding's data
//! ([`crate::finding::signature`]), so nothing here reads a finding's text.
//!
//! A case pattern of `*` records a *cause* (found by fuzzing or by
//! generated values, on any input); any other records the corpus cases it
//! was seen on. Staleness is judged where an entry could have matched: by
//! `crossfmt run` for corpus cases, by the regression replay for causes
//! (every cause needs a regression input under `corpus/regressions/` that
//! still shows it).

use crate::finding::{Finding, Kind};
use std::fmt;
use std::path::{Path, PathBuf};

/// One recorded finding.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Entry {
    /// The check (or `conformance`).
    pub check: String,
    /// The codec ids, in the check's order.
    pub codecs: Vec<String>,
    /// A glob over case names; `*` for a cause seen on any input.
    pub case: String,
    /// A kind name, or `*`.
    pub kind: String,
    /// A glob over the finding's class; `*` when the entry gives none.
    pub class: String,
    /// Why it is known: whose bug, and where it is recorded.
    pub reason: String,
    /// Where the entry was read (1-based), for messages.
    pub line: usize,
}

impl Entry {
    /// Whether this entry records `finding`, made on case `case`.
    pub fn matches(&self, finding: &Finding, case: &str) -> bool {
        self.matches_parts(
            finding.check,
            &finding.codecs,
            case,
            finding.kind.name(),
            &finding.class(),
        )
    }

    /// [`Entry::matches`] on a finding's parts, for outcomes that are not
    /// [`Finding`]s (a conformance case, a crash the fuzz driver signed).
    pub fn matches_parts(
        &self,
        check: &str,
        codecs: &[String],
        case: &str,
        kind: &str,
        class: &str,
    ) -> bool {
        self.matches_but_class(check, codecs, case, kind) && glob(&self.class, class)
    }

    /// Everything [`Entry::matches_parts`] asks but the class, which costs
    /// the most to compute (messages normalised).
    fn matches_but_class(&self, check: &str, codecs: &[String], case: &str, kind: &str) -> bool {
        self.check == check
            && self.codecs == codecs
            && glob(&self.case, case)
            && (self.kind == "*" || self.kind == kind)
    }

    /// True for an entry about any input (case `*`): a cause, witnessed by
    /// a regression input rather than by a corpus case.
    pub fn is_cause(&self) -> bool {
        self.case == "*"
    }
}

impl fmt::Display for Entry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} {} {}",
            self.check,
            self.codecs.join("+"),
            self.case,
            self.kind
        )?;
        if self.class != "*" {
            write!(f, " {}", self.class)?;
        }
        write!(f, " -- {}", self.reason)
    }
}

/// A list of known findings.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Known {
    /// The file it was read from, for messages.
    pub path: Option<PathBuf>,
    /// Its entries, in file order.
    pub entries: Vec<Entry>,
}

/// Why a list did not load. Both variants name the file.
#[derive(Debug, thiserror::Error)]
pub enum KnownError {
    #[error("{}: {source}", path.display())]
    /// The file could not be read.
    Io {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    #[error("{}:{line}: {message}", path.display())]
    /// A line is not an entry.
    Syntax {
        /// The file.
        path: PathBuf,
        /// The line (1-based).
        line: usize,
        /// What is wrong with it.
        message: String,
    },
}

/// The syntax, for messages.
pub const SYNTAX: &str = "<check> <codec>[+<codec>...] <case> <kind> [<class>] -- <reason>";

impl Known {
    /// The committed list: `corpus/known-findings.txt`.
    pub fn builtin_path() -> PathBuf {
        crate::corpus::builtin_root().join("known-findings.txt")
    }

    /// Reads a list; a missing file is an empty list.
    pub fn load(path: &Path) -> Result<Known, KnownError> {
        match std::fs::read_to_string(path) {
            Ok(text) => Known::parse(&text, path),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Known {
                path: Some(path.to_path_buf()),
                entries: Vec::new(),
            }),
            Err(source) => Err(KnownError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Parses `text`, read from `path`. Every check name and kind is
    /// checked, so a typo is an error rather than an entry that never
    /// matches.
    pub fn parse(text: &str, path: &Path) -> Result<Known, KnownError> {
        let mut entries = Vec::new();
        for (i, raw) in text.lines().enumerate() {
            let line = raw.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let syntax = |message: String| KnownError::Syntax {
                path: path.to_path_buf(),
                line: i + 1,
                message,
            };
            let Some((head, reason)) = line.split_once(" -- ") else {
                return Err(syntax(format!("expected `{SYNTAX}`")));
            };
            let mut parts = head.trim().splitn(5, char::is_whitespace);
            let (Some(check), Some(codecs), Some(case), Some(kind)) =
                (parts.next(), parts.next(), parts.next(), parts.next())
            else {
                return Err(syntax(format!("expected `{SYNTAX}`")));
            };
            let class = parts.next().map(str::trim).filter(|c| !c.is_empty());
            if !is_check(check) {
                return Err(syntax(format!(
                    "unknown check {check:?}; expected one of {}, conformance",
                    crate::check::names().join(", ")
                )));
            }
            if kind != "*" && !is_kind(kind) {
                return Err(syntax(format!(
                    "unknown kind {kind:?}; expected * or one of {}",
                    kind_names().join(", ")
                )));
            }
            let codecs: Vec<String> = codecs.split('+').map(str::to_string).collect();
            if let Some(c) = crate::check::get(check) {
                // An engine check's finding names the engine, one "codec".
                let (lo, hi) = match c.codec_count() {
                    (0, 0) => (1, 1),
                    n => n,
                };
                if codecs.len() < lo || codecs.len() > hi {
                    return Err(syntax(format!(
                        "{check} compares {lo} codec(s) at a time, this entry names {} \
                         ({}); a disagreement is recorded per pair",
                        codecs.len(),
                        codecs.join("+")
                    )));
                }
            }
            if reason.trim().is_empty() {
                return Err(syntax("every entry needs its reason after ` -- `".into()));
            }
            entries.push(Entry {
                check: check.to_string(),
                codecs,
                case: case.to_string(),
                kind: kind.to_string(),
                class: class.unwrap_or("*").to_string(),
                reason: reason.trim().to_string(),
                line: i + 1,
            });
        }
        Ok(Known {
            path: Some(path.to_path_buf()),
            entries,
        })
    }

    /// The first entry that records `finding`, made on case `case`.
    pub fn find(&self, finding: &Finding, case: &str) -> Option<&Entry> {
        // The class once, and only if some entry matches the rest: a fuzz
        // target asks on every input with a known disagreement, and
        // computing it per entry was a quarter of differential_cbor's time.
        let kind = finding.kind.name();
        let mut class: Option<String> = None;
        self.entries.iter().find(|e| {
            e.matches_but_class(finding.check, &finding.codecs, case, kind)
                && glob(&e.class, class.get_or_insert_with(|| finding.class()))
        })
    }

    /// An entry that records, on corpus case `case`, one of `finding`'s
    /// codecs other than `me` as wrong: for a codec author's run, a
    /// disagreement with a built-in reference that is already known to be
    /// wrong there is the reference's bug, not the author's.
    pub fn blames_another(&self, finding: &Finding, case: &str, me: &str) -> Option<&Entry> {
        self.entries.iter().find(|e| {
            !e.is_cause()
                && glob(&e.case, case)
                && e.codecs
                    .iter()
                    .any(|c| c != me && finding.codecs.contains(c))
        })
    }

    /// The entries of `other` after this list's.
    pub fn extend(&mut self, other: Known) {
        self.entries.extend(other.entries);
    }
}

fn is_check(name: &str) -> bool {
    name == crate::check::conformance::CHECK || crate::check::get(name).is_some()
}

fn is_kind(name: &str) -> bool {
    Kind::from_name(name).is_some()
        || crate::check::conformance::OutcomeKind::from_name(name).is_some()
}

fn kind_names() -> Vec<&'static str> {
    Kind::ALL.iter().map(|k| k.name()).collect()
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

    #[test]
    fn parses_entries_and_names_bad_lines() {
        let p = Path::new("k.txt");
        let k = Known::parse(
            "# c\n\ncross_format a/b+c/d case-* value-changed f64->f64 -- the reason here\n\
             differential a/b+c/d * accept-reject -- another\n",
            p,
        )
        .unwrap();
        assert_eq!(k.entries.len(), 2);
        assert_eq!(k.entries[0].codecs, ["a/b", "c/d"]);
        assert_eq!(k.entries[0].class, "f64->f64");
        assert_eq!(k.entries[0].reason, "the reason here");
        assert_eq!(k.entries[1].class, "*");
        assert!(k.entries[1].is_cause());
        let err = |t: &str| Known::parse(t, p).unwrap_err().to_string();
        assert!(
            err("roundtrip a/b\n").starts_with("k.txt:1: expected `"),
            "{}",
            err("roundtrip a/b\n")
        );
        assert!(err("nocheck a/b c * -- r\n").contains("unknown check"));
        // Three codecs in a pairwise comparison never match anything.
        assert!(
            err("differential a/x+a/y+a/z c * -- r\n").contains("per pair"),
            "{}",
            err("differential a/x+a/y+a/z c * -- r\n")
        );
        assert!(err("roundtrip a/x+a/y c * -- r\n").contains("1 codec"));
        assert!(err("roundtrip a/b c nokind -- r\n").contains("unknown kind"));
        assert!(
            err("roundtrip a/b c * --  \n").contains("reason")
                || err("roundtrip a/b c * --  \n").contains("expected")
        );
        assert!(Known::load(Path::new("/nonexistent/k.txt"))
            .unwrap()
            .entries
            .is_empty());
    }
}
