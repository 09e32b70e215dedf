//! The machine-readable conformance matrix (`--json`, and `matrix.json`
//! beside the HTML page): per-implementation totals, and every case with
//! every implementation's outcome.

use crossfmt::check::conformance::OutcomeKind;
use crossfmt::conformance::case::{Level, Op};
use crossfmt::conformance::matrix::{Matrix, Status, Totals};
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
pub struct ConformanceJson<'a> {
    pub interrupted: bool,
    pub strict: bool,
    /// Why the run fails; empty when it passes.
    pub failures: Vec<String>,
    pub implementations: Vec<ImplementationJson<'a>>,
    pub cases: Vec<CaseJson<'a>>,
    pub stale_expected_failures: Vec<StaleJson<'a>>,
}

#[derive(Serialize)]
pub struct ImplementationJson<'a> {
    pub id: &'a str,
    pub format: &'a str,
    pub expected_failures_file: String,
    pub totals: Totals,
}

#[derive(Serialize)]
pub struct CaseJson<'a> {
    pub id: &'a str,
    pub suite: &'a str,
    pub format: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub schema: Option<&'a str>,
    pub source: &'a str,
    pub level: Level,
    pub op: Op,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub input_hex: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<&'a str>,
    pub expect: String,
    /// Keyed by implementation id; implementations of other formats (and
    /// cases an interrupted run did not reach) are absent.
    pub results: BTreeMap<&'a str, ResultJson<'a>>,
}

#[derive(Serialize)]
pub struct ResultJson<'a> {
    pub outcome: OutcomeKind,
    pub status: Status,
    pub message: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub expected: &'a str,
    #[serde(skip_serializing_if = "str::is_empty")]
    pub actual: &'a str,
    /// `file:line` of the expected-failure entry involved.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub listed_at: Option<String>,
}

#[derive(Serialize)]
pub struct StaleJson<'a> {
    pub implementation: &'a str,
    pub at: String,
    pub entry: String,
}

pub fn to_json(m: &Matrix) -> ConformanceJson<'_> {
    ConformanceJson {
        interrupted: m.interrupted,
        strict: m.strict,
        failures: m.failures(),
        implementations: m
            .implementations
            .iter()
            .enumerate()
            .map(|(i, imp)| ImplementationJson {
                id: &imp.id,
                format: &imp.format,
                expected_failures_file: imp.failures.path.display().to_string(),
                totals: m.totals(i),
            })
            .collect(),
        cases: m
            .cases
            .iter()
            .enumerate()
            .map(|(c, case)| CaseJson {
                id: &case.id,
                suite: &case.suite,
                format: &case.format,
                schema: case.schema.as_deref(),
                source: &case.source,
                level: case.level,
                op: case.op(),
                input_hex: case.input_hex(),
                value: case.value_text.as_deref(),
                expect: case.expectation(),
                results: m
                    .implementations
                    .iter()
                    .zip(&m.cells[c])
                    .filter_map(|(imp, cell)| {
                        let cell = cell.as_ref()?;
                        Some((
                            imp.id.as_str(),
                            ResultJson {
                                outcome: cell.outcome.kind,
                                status: cell.status,
                                message: &cell.outcome.message,
                                expected: &cell.outcome.expected,
                                actual: &cell.outcome.actual,
                                listed_at: cell
                                    .entry
                                    .as_ref()
                                    .map(|e| format!("{}:{}", imp.failures.path.display(), e.line)),
                            },
                        ))
                    })
                    .collect(),
            })
            .collect(),
        stale_expected_failures: m
            .stale
            .iter()
            .map(|s| StaleJson {
                implementation: &s.implementation,
                at: format!("{}:{}", s.path.display(), s.entry.line),
                entry: s.entry.to_string(),
            })
            .collect(),
    }
}

pub fn render(m: &Matrix) -> String {
    serde_json::to_string_pretty(&to_json(m)).expect("the matrix serialises")
}
