//! Drives the conformance check over every case of every selected codec's
//! format and fills the [`Matrix`].

use super::case::Case;
use super::expected::FailureList;
use super::matrix::{judge, Implementation, Matrix, Stale};
use crate::check::conformance::{self, CaseOutcome};
use crate::run::Observer;
use crate::{CodecRef, Registry};
use std::collections::HashMap;

#[derive(Clone, Copy, Debug, Default)]
/// How a conformance run judges.
pub struct Options {
    /// Recommended failures fail the run.
    pub strict: bool,
    /// Report list entries that match no case. Off when the run covers only
    /// some cases (`--suite`, `--case`), where they would be false alarms.
    pub check_stale: bool,
}

/// Runs `cases` against `registry`'s codecs; `lists[i]` is the expected-failure
/// list of the i-th codec. Stops early when the observer says the run was
/// interrupted (the command line's does on SIGINT/SIGTERM) and marks the
/// matrix interrupted.
pub fn run(
    registry: &Registry,
    cases: Vec<Case>,
    lists: Vec<FailureList>,
    opts: Options,
    observer: &mut dyn Observer,
) -> Matrix {
    let codecs = registry.all();
    assert_eq!(
        codecs.len(),
        lists.len(),
        "one expected-failure list per codec"
    );
    let implementations: Vec<Implementation> = codecs
        .iter()
        .zip(lists)
        .map(|(c, failures)| Implementation {
            id: c.id().to_string(),
            format: c.format().name().to_string(),
            bound: c.schema().is_some(),
            failures,
        })
        .collect();
    let mut m = Matrix {
        cells: vec![vec![None; codecs.len()]; cases.len()],
        cases,
        implementations,
        interrupted: false,
        strict: opts.strict,
        stale: Vec::new(),
    };
    let total: u64 = (0..codecs.len())
        .map(|imp| (0..m.cases.len()).filter(|&c| m.applies(c, imp)).count() as u64)
        .sum();
    let mut done = 0;
    'run: for (imp, codec) in codecs.iter().enumerate() {
        let mut bound: HashMap<std::sync::Arc<str>, Result<CodecRef, String>> = HashMap::new();
        for c in 0..m.cases.len() {
            if !m.applies(c, imp) {
                continue;
            }
            if observer.interrupted() {
                m.interrupted = true;
                break 'run;
            }
            let case = &m.cases[c];
            let outcome = match (&case.bind, &case.schema) {
                (Some(bind), Some(schema)) => match bound
                    .entry(std::sync::Arc::clone(bind))
                    .or_insert_with(|| codec.for_schema(bind).map_err(|e| e.to_string()))
                {
                    Ok(bound) => conformance::run(bound.as_ref(), &case.test),
                    Err(e) => CaseOutcome::skipped(format!("schema {schema:?}: {e}")),
                },
                _ => conformance::run(codec.as_ref(), &case.test),
            };
            m.cells[c][imp] = Some(judge(outcome, &case.id, &m.implementations[imp].failures));
            done += 1;
            observer.progress(done, total);
        }
    }
    if opts.check_stale && !m.interrupted {
        m.stale = stale(&m);
    }
    m
}

fn stale(m: &Matrix) -> Vec<Stale> {
    let mut out = Vec::new();
    for (imp, i) in m.implementations.iter().enumerate() {
        for e in &i.failures.entries {
            let used = (0..m.cases.len())
                .any(|c| m.applies(c, imp) && crate::known::glob(&e.case, &m.cases[c].id));
            if !used {
                out.push(Stale {
                    implementation: i.id.clone(),
                    path: i.failures.path.clone(),
                    entry: e.clone(),
                });
            }
        }
    }
    out
}
