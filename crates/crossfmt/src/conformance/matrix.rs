//! The result of a conformance run: implementations x cases, each cell an
//! outcome judged against the implementation's expected-failure list, and
//! the pruned view the reports render (cases whose row of cells is identical
//! across implementations, grouped).

use super::case::{Case, Level};
use super::expected::FailureList;
use crate::check::conformance::{CaseOutcome, OutcomeKind};
use crate::known::Entry;
use serde::Serialize;
use std::collections::HashMap;

/// One implementation in the matrix.
#[derive(Clone, Debug)]
pub struct Implementation {
    /// The codec's id.
    pub id: String,
    /// Its format name.
    pub format: String,
    /// Bound to a schema of its own ([`Codec::schema`](crate::Codec::schema)):
    /// it reads only cases that bind it to theirs.
    pub bound: bool,
    /// Its expected-failure list.
    pub failures: FailureList,
}

/// An outcome judged against the expected-failure list.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    /// The case passed.
    Pass,
    /// A failure the list does not expect.
    Fail,
    /// A failure the list expects (glob and message prefix).
    ExpectedFailure,
    /// A pass of a case the list says fails: the list is out of date.
    UnexpectedPass,
    /// The case did not apply.
    Skipped,
}

impl Status {
    /// The status's name in reports.
    pub fn name(self) -> &'static str {
        match self {
            Status::Pass => "pass",
            Status::Fail => "fail",
            Status::ExpectedFailure => "expected-failure",
            Status::UnexpectedPass => "unexpected-pass",
            Status::Skipped => "skipped",
        }
    }
}

#[derive(Clone, Debug, PartialEq, Eq)]
/// One case for one implementation.
pub struct Cell {
    /// What the implementation did.
    pub outcome: CaseOutcome,
    /// How that is judged against its list.
    pub status: Status,
    /// The expected-failure entry involved (expected failure or unexpected pass).
    pub entry: Option<Entry>,
}

/// Judges `outcome` of case `id` against `list`.
pub fn judge(outcome: CaseOutcome, id: &str, list: &FailureList) -> Cell {
    let (status, entry) = match outcome.kind {
        OutcomeKind::Skipped => (Status::Skipped, None),
        OutcomeKind::Pass => match list.listing(id) {
            Some(i) => (Status::UnexpectedPass, Some(i)),
            None => (Status::Pass, None),
        },
        _ => match list.expecting(id, &outcome) {
            Some(i) => (Status::ExpectedFailure, Some(i)),
            None => (Status::Fail, None),
        },
    };
    Cell {
        outcome,
        status,
        entry: entry.map(|i| list.entries[i].clone()),
    }
}

/// An expected-failure entry that matched no case of its implementation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stale {
    /// The implementation's id.
    pub implementation: String,
    /// Its list.
    pub path: std::path::PathBuf,
    /// The entry.
    pub entry: Entry,
}

#[derive(Clone, Debug)]
/// Every case against every implementation of its format.
pub struct Matrix {
    /// The cases, in run order.
    pub cases: Vec<Case>,
    /// The implementations, in registry order.
    pub implementations: Vec<Implementation>,
    /// `cells[case][implementation]`: `None` where the case's format is not
    /// the implementation's, or the run was interrupted before it.
    pub cells: Vec<Vec<Option<Cell>>>,
    /// The run stopped early (SIGINT/SIGTERM): the matrix is partial.
    pub interrupted: bool,
    /// Recommended failures fail the run too.
    pub strict: bool,
    /// Entries that matched no case that ran.
    pub stale: Vec<Stale>,
}

/// Counts for one implementation.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Totals {
    /// Cases of the implementation's format.
    pub cases: usize,
    /// Passed.
    pub pass: usize,
    /// Required cases failed unexpectedly.
    pub fail_required: usize,
    /// Recommended cases failed unexpectedly.
    pub fail_recommended: usize,
    /// Failed as the list expects.
    pub expected_failures: usize,
    /// Listed, but passed.
    pub unexpected_passes: usize,
    /// Did not apply.
    pub skipped: usize,
    /// Cases an interrupted run did not reach.
    pub not_run: usize,
    /// List entries that matched no case.
    pub stale_entries: usize,
}

/// What a cell shows in the pruned matrix, and what rows are grouped by.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Mark {
    /// The case is of another format.
    NotApplicable,
    /// An interrupted run did not reach it.
    NotRun,
    /// Judged, and how it ended.
    Is(Status, OutcomeKind),
}

impl Mark {
    /// A short label: `pass`, `false-reject`, `xfail false-reject`, ...
    pub fn label(self) -> String {
        match self {
            Mark::NotApplicable => String::new(),
            Mark::NotRun => "not run".to_string(),
            Mark::Is(Status::Pass, _) => "pass".to_string(),
            Mark::Is(Status::Skipped, _) => "skipped".to_string(),
            Mark::Is(Status::UnexpectedPass, _) => "unexpected pass".to_string(),
            Mark::Is(Status::ExpectedFailure, k) => format!("xfail {k}"),
            Mark::Is(Status::Fail, k) => k.name().to_string(),
        }
    }

    /// Needs no one's attention: a pass or a case of another format.
    pub fn is_quiet(self) -> bool {
        matches!(self, Mark::NotApplicable | Mark::Is(Status::Pass, _))
    }
}

/// Cases whose marks across implementations are identical.
#[derive(Clone, Debug)]
pub struct Group {
    /// Each implementation's mark, in order.
    pub marks: Vec<Mark>,
    /// Indexes into `Matrix::cases`, in suite order.
    pub cases: Vec<usize>,
}

impl Group {
    /// Passes wherever it applies, and applies somewhere (a case no
    /// implementation ran is not a pass).
    pub fn all_pass(&self) -> bool {
        self.marks.iter().all(|m| m.is_quiet())
            && self.marks.iter().any(|m| *m != Mark::NotApplicable)
    }
}

impl Matrix {
    /// Whether case `case` is of implementation `imp`'s format, and binds
    /// it to the case's schema when it has one of its own.
    pub fn applies(&self, case: usize, imp: usize) -> bool {
        let (c, i) = (&self.cases[case], &self.implementations[imp]);
        c.format == i.format && (c.bind.is_some() || !i.bound)
    }

    /// Case `case`'s mark for implementation `imp`.
    pub fn mark(&self, case: usize, imp: usize) -> Mark {
        match &self.cells[case][imp] {
            Some(c) => Mark::Is(c.status, c.outcome.kind),
            None if self.applies(case, imp) => Mark::NotRun,
            None => Mark::NotApplicable,
        }
    }

    /// Implementation `imp`'s counts.
    pub fn totals(&self, imp: usize) -> Totals {
        let mut t = Totals {
            stale_entries: self
                .stale
                .iter()
                .filter(|s| s.implementation == self.implementations[imp].id)
                .count(),
            ..Totals::default()
        };
        for (i, case) in self.cases.iter().enumerate() {
            if !self.applies(i, imp) {
                continue;
            }
            t.cases += 1;
            match self.cells[i][imp].as_ref().map(|c| c.status) {
                None => t.not_run += 1,
                Some(Status::Pass) => t.pass += 1,
                Some(Status::Skipped) => t.skipped += 1,
                Some(Status::ExpectedFailure) => t.expected_failures += 1,
                Some(Status::UnexpectedPass) => t.unexpected_passes += 1,
                Some(Status::Fail) if case.level == Level::Required => t.fail_required += 1,
                Some(Status::Fail) => t.fail_recommended += 1,
            }
        }
        t
    }

    /// The summary table: a header, then one row per implementation.
    pub fn summary_rows(&self) -> Vec<Vec<String>> {
        let header = [
            "implementation",
            "cases",
            "pass",
            "fail req",
            "fail rec",
            "xfail",
            "xpass",
            "skipped",
            "not run",
            "stale",
        ];
        let mut rows = vec![header.map(String::from).to_vec()];
        for (i, imp) in self.implementations.iter().enumerate() {
            let t = self.totals(i);
            let counts = [
                t.cases,
                t.pass,
                t.fail_required,
                t.fail_recommended,
                t.expected_failures,
                t.unexpected_passes,
                t.skipped,
                t.not_run,
                t.stale_entries,
            ];
            rows.push(
                std::iter::once(imp.id.clone())
                    .chain(counts.map(|n| n.to_string()))
                    .collect(),
            );
        }
        rows
    }

    /// Whether a cell fails the run: an unexpected failure of a required
    /// case (or of a recommended one under `--strict`), or an unexpected pass.
    pub fn is_fatal(&self, case: usize, cell: &Cell) -> bool {
        match cell.status {
            Status::UnexpectedPass => true,
            Status::Fail => self.strict || self.cases[case].level == Level::Required,
            _ => false,
        }
    }

    /// The formats of cases no selected implementation serves, with how many
    /// cases each: those cases ran nowhere.
    pub fn unserved(&self) -> Vec<(String, usize)> {
        let mut out: Vec<(String, usize)> = Vec::new();
        for c in 0..self.cases.len() {
            if (0..self.implementations.len()).any(|i| self.applies(c, i)) {
                continue;
            }
            let f = &self.cases[c].format;
            match out.iter_mut().find(|(g, _)| g == f) {
                Some((_, n)) => *n += 1,
                None => out.push((f.clone(), 1)),
            }
        }
        out
    }

    /// The reasons the run fails; empty when it passes.
    pub fn failures(&self) -> Vec<String> {
        let mut all = Totals::default();
        for i in 0..self.implementations.len() {
            let t = self.totals(i);
            all.fail_required += t.fail_required;
            all.fail_recommended += t.fail_recommended;
            all.unexpected_passes += t.unexpected_passes;
        }
        let mut why = Vec::new();
        if all.fail_required > 0 {
            why.push(format!("{} required case(s) failed", all.fail_required));
        }
        if self.strict && all.fail_recommended > 0 {
            why.push(format!(
                "{} recommended case(s) failed (--strict)",
                all.fail_recommended
            ));
        }
        if all.unexpected_passes > 0 {
            why.push(format!(
                "{} unexpected pass(es): remove them from the expected-failure lists",
                all.unexpected_passes
            ));
        }
        if !self.stale.is_empty() {
            why.push(format!(
                "{} stale expected-failure entr(y/ies) match no case",
                self.stale.len()
            ));
        }
        why
    }

    /// One line per outcome worth a look: failures that fail the run, warnings
    /// (recommended failures without --strict), unexpected passes, stale
    /// entries; with `verbose`, expected failures and skips too.
    pub fn problems(&self, verbose: bool) -> String {
        let mut s = String::new();
        for (c, case) in self.cases.iter().enumerate() {
            for (i, imp) in self.implementations.iter().enumerate() {
                let Some(cell) = &self.cells[c][i] else {
                    continue;
                };
                let tag = match cell.status {
                    Status::Pass => continue,
                    Status::Fail if self.is_fatal(c, cell) => "FAIL",
                    Status::Fail => "warn",
                    Status::UnexpectedPass => "UNEXPECTED PASS",
                    Status::ExpectedFailure if verbose => "xfail",
                    Status::Skipped if verbose => "skip",
                    Status::ExpectedFailure | Status::Skipped => continue,
                };
                let msg = match (&cell.status, &cell.entry) {
                    (Status::UnexpectedPass, Some(e)) => format!(
                        "listed at {}:{} ({e}) but passes",
                        imp.failures.path.display(),
                        e.line,
                    ),
                    _ => cell.outcome.message.clone(),
                };
                s.push_str(&format!("[{tag}] {} {}: {msg}\n", imp.id, case.id));
            }
        }
        for st in &self.stale {
            s.push_str(&format!(
                "[STALE] {}:{}: `{}` matches no case of {}\n",
                st.path.display(),
                st.entry.line,
                st.entry,
                st.implementation
            ));
        }
        if !s.is_empty() {
            s.push('\n');
        }
        s
    }

    /// The per-implementation table and the verdict line.
    pub fn summary(&self) -> String {
        format!(
            "{}\n{}\n",
            crate::text::table(&self.summary_rows(), 1),
            self.verdict()
        )
    }

    /// [`Matrix::problems`] and [`Matrix::summary`]: the whole text of a run.
    pub fn render(&self, verbose: bool) -> String {
        format!("{}{}", self.problems(verbose), self.summary())
    }

    /// One line: ok or failed, and why.
    pub fn verdict(&self) -> String {
        let why = self.failures();
        let warnings: usize = (0..self.implementations.len())
            .map(|i| self.totals(i).fail_recommended)
            .sum();
        let mut s = if why.is_empty() {
            "result: ok".to_string()
        } else {
            format!("result: FAILED: {}", why.join("; "))
        };
        if warnings > 0 && !self.strict {
            s.push_str(&format!(
                " ({warnings} recommended failure(s) only warn; --strict fails on them)"
            ));
        }
        if self.interrupted {
            s.push_str(" [interrupted: partial results]");
        }
        let unserved: Vec<String> = self
            .unserved()
            .iter()
            .map(|(f, n)| format!("{n} {f}"))
            .collect();
        if !unserved.is_empty() {
            s.push_str(&format!(
                " (cases no selected implementation runs: {})",
                unserved.join(", ")
            ));
        }
        s
    }

    /// Cases grouped by their row of marks: groups needing attention first,
    /// larger groups first, then in suite order.
    pub fn groups(&self) -> Vec<Group> {
        let mut index: HashMap<Vec<Mark>, usize> = HashMap::new();
        let mut groups: Vec<Group> = Vec::new();
        for case in 0..self.cases.len() {
            let marks: Vec<Mark> = (0..self.implementations.len())
                .map(|imp| self.mark(case, imp))
                .collect();
            match index.get(&marks) {
                Some(&g) => groups[g].cases.push(case),
                None => {
                    index.insert(marks.clone(), groups.len());
                    groups.push(Group {
                        marks,
                        cases: vec![case],
                    });
                }
            }
        }
        groups.sort_by_key(|g| (g.all_pass(), std::cmp::Reverse(g.cases.len()), g.cases[0]));
        groups
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judging_against_the_list() {
        let l = FailureList::parse(
            "x.txt".as_ref(),
            "a/b",
            "conformance a/b s/a* wrong-value -- known",
        )
        .unwrap();
        let fail = CaseOutcome::new(OutcomeKind::WrongValue, String::new(), "x");
        let panic = CaseOutcome::new(OutcomeKind::Panic, String::new(), "x");
        assert_eq!(
            judge(fail.clone(), "s/a1", &l).status,
            Status::ExpectedFailure
        );
        assert_eq!(judge(panic, "s/a1", &l).status, Status::Fail);
        assert_eq!(judge(fail, "s/b", &l).status, Status::Fail);
        let passed = judge(CaseOutcome::pass(), "s/a1", &l);
        assert_eq!(passed.status, Status::UnexpectedPass);
        assert_eq!(passed.entry.unwrap().line, 1);
        assert_eq!(judge(CaseOutcome::pass(), "s/b", &l).status, Status::Pass);
        let skip = CaseOutcome::skipped("no");
        assert_eq!(judge(skip, "s/a1", &l).status, Status::Skipped);
    }
}
