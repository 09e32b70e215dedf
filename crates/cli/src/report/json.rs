//! The machine-readable form of a run (`crossfmt run --json PATH`).

use crossfmt::run::Outcome;
use serde::Serialize;

#[derive(Serialize)]
pub struct RunJson<'a> {
    pub codecs: Vec<CodecJson<'a>>,
    pub checks: Vec<CheckJson<'a>>,
    pub findings: Vec<FindingJson>,
    /// The findings grouped by signature, in the order each cause showed.
    pub causes: Vec<CauseJson>,
    /// Known-findings entries that no longer occur.
    pub stale_known: Vec<String>,
    /// Findings the known list does not record, plus stale entries: non-zero
    /// fails the run.
    pub unexpected: usize,
}

#[derive(Serialize)]
pub struct CodecJson<'a> {
    pub id: &'a str,
    pub format: String,
}

#[derive(Serialize)]
pub struct CheckJson<'a> {
    pub check: &'a str,
    pub codecs: &'a [String],
    pub cases: usize,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    pub known_failures: usize,
}

#[derive(Serialize)]
pub struct FindingJson {
    pub check: String,
    /// The finding's kind (`value-changed`, `accept-reject`, `panic`, ...).
    pub kind: &'static str,
    pub codecs: Vec<String>,
    pub case: String,
    /// `check|codecs|kind|class`: the key that groups findings into causes.
    pub signature: String,
    pub headline: String,
    pub input_hex: String,
    pub input_diag: String,
    /// What the check expected, when it held one codec to something.
    pub expected: Option<String>,
    /// What each implementation did.
    pub outcomes: Vec<OutcomeJson>,
    /// Where the values first differ.
    pub difference: Option<String>,
    pub repro: String,
    /// The reason recorded in the known-findings list, when it is known.
    pub known: Option<String>,
}

/// Findings of one signature.
#[derive(Serialize)]
pub struct CauseJson {
    pub signature: String,
    pub count: usize,
    /// The reason recorded for it, when it is known.
    pub known: Option<String>,
    /// The case of its smallest input (its finding is in `findings`).
    pub example: String,
    /// That finding's headline.
    pub headline: String,
    /// The command that reproduces that finding.
    pub repro: String,
    /// Every case it showed on.
    pub cases: Vec<String>,
}

#[derive(Serialize)]
pub struct OutcomeJson {
    pub codec: String,
    pub outcome: String,
}

pub fn to_json(out: &Outcome) -> RunJson<'_> {
    RunJson {
        codecs: out
            .codecs
            .iter()
            .map(|(id, f)| CodecJson {
                id,
                format: f.to_string(),
            })
            .collect(),
        checks: out
            .rows()
            .map(|(check, codecs, t)| CheckJson {
                check,
                codecs,
                cases: t.cases,
                passed: t.passed,
                failed: t.failed,
                skipped: t.skipped,
                known_failures: t.known,
            })
            .collect(),
        findings: out
            .findings
            .iter()
            .map(|r| {
                let f = &r.finding;
                FindingJson {
                    check: f.check.to_string(),
                    kind: f.kind.name(),
                    codecs: f.codecs.clone(),
                    case: r.case.clone(),
                    signature: f.signature(),
                    headline: f.headline(),
                    input_hex: f.input_hex(),
                    input_diag: f.input.diag(),
                    expected: f.expected.as_ref().map(|w| w.to_string()),
                    outcomes: f
                        .outcomes
                        .iter()
                        .map(|o| OutcomeJson {
                            codec: o.codec.clone(),
                            outcome: o.seen.to_string(),
                        })
                        .collect(),
                    difference: f.difference.as_ref().map(|d| d.to_string()),
                    repro: f.repro(),
                    known: r.known.as_ref().map(|e| e.reason.clone()),
                }
            })
            .collect(),
        causes: crossfmt::finding::cause::group(
            out.findings.iter().map(|r| (r.case.as_str(), &r.finding)),
        )
        .into_iter()
        .map(|c| CauseJson {
            known: out
                .findings
                .iter()
                .find(|r| r.case == c.example.0 && r.finding.signature() == c.signature)
                .and_then(|r| r.known.as_ref())
                .map(|e| e.reason.clone()),
            count: c.count(),
            example: c.example.0.to_string(),
            headline: c.example.1.headline(),
            repro: c.example.1.repro(),
            cases: c.cases.iter().map(|s| s.to_string()).collect(),
            signature: c.signature,
        })
        .collect(),
        stale_known: out.stale.iter().map(|e| e.to_string()).collect(),
        unexpected: out.unexpected(),
    }
}

/// Writes the JSON to `path`, atomically (a reader never sees half a file).
pub fn write(out: &Outcome, path: &std::path::Path) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(&to_json(out)).map_err(std::io::Error::other)?;
    super::write_atomic(path, text.as_bytes())
}
