//! The machine-readable form of a run (`crossfmt run --json PATH`).

use crossfmt::run::Outcome;
use serde::Serialize;

#[derive(Serialize)]
pub struct RunJson<'a> {
    pub codecs: Vec<CodecJson<'a>>,
    pub checks: Vec<CheckJson<'a>>,
    pub findings: Vec<FindingJson>,
    /// Expected-findings entries that no longer occur.
    pub stale_expected: Vec<String>,
    /// Findings not in the expected list, plus stale entries: non-zero fails the run.
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
    pub codecs: Vec<String>,
    pub case: String,
    pub input_hex: String,
    pub input_diag: String,
    pub detail: String,
    pub expected: String,
    pub actual: String,
    pub repro: String,
    /// The reason recorded in the expected-findings list, when it is known.
    pub known: Option<String>,
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
                known_failures: t.expected,
            })
            .collect(),
        findings: out
            .findings
            .iter()
            .map(|r| FindingJson {
                check: r.finding.check.to_string(),
                codecs: r.finding.codecs.clone(),
                case: r.case.clone(),
                input_hex: r.finding.input_hex(),
                input_diag: r.finding.input_diag(),
                detail: r.finding.detail.clone(),
                expected: r.finding.expected.clone(),
                actual: r.finding.actual.clone(),
                repro: r.finding.repro(),
                known: r.expected.as_ref().map(|e| e.reason.clone()),
            })
            .collect(),
        stale_expected: out.stale.iter().map(|e| e.to_string()).collect(),
        unexpected: out.unexpected(),
    }
}

/// Writes the JSON to `path`, atomically (a reader never sees half a file).
pub fn write(out: &Outcome, path: &std::path::Path) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(&to_json(out)).map_err(std::io::Error::other)?;
    super::write_atomic(path, text.as_bytes())
}
