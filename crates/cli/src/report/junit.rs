//! JUnit XML for CI: one testsuite per implementation, one testcase per case
//! of its format (classname = the case's suite).
//!
//! Only what fails the run is a `<failure>`: an unexpected failure of a
//! required case (any level under `--strict`), an unexpected pass, a stale
//! expected-failure entry (a testcase named `expected-failures <pattern>`).
//! Expected failures, recommended failures that only warn, skips and cases an
//! interrupted run did not reach are `<skipped>` with a message saying which.

use crossfmt::conformance::matrix::{Matrix, Status};
use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

fn skipped(message: String) -> TestCaseStatus {
    let mut s = TestCaseStatus::skipped();
    s.set_message(message);
    s
}

fn failure(kind: &str, message: &str, description: String) -> TestCaseStatus {
    let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
    s.set_type(kind)
        .set_message(message)
        .set_description(description);
    s
}

pub fn render(m: &Matrix) -> Result<String, quick_junit::SerializeError> {
    let mut report = Report::new("crossfmt conformance");
    for (i, imp) in m.implementations.iter().enumerate() {
        let mut suite = TestSuite::new(imp.id.as_str());
        for (c, case) in m.cases.iter().enumerate() {
            if !m.applies(c, i) {
                continue;
            }
            let status = match &m.cells[c][i] {
                None => skipped("not run (interrupted)".to_string()),
                Some(cell) => {
                    let o = &cell.outcome;
                    let listed = || {
                        cell.entry.as_ref().map_or(String::new(), |e| {
                            format!("{}:{}", imp.failures.path.display(), e.line)
                        })
                    };
                    match cell.status {
                        Status::Pass => TestCaseStatus::success(),
                        Status::Fail if m.is_fatal(c, cell) => failure(
                            o.kind.name(),
                            &o.message,
                            format!(
                                "{}\nexpected: {}\nactual: {}\nsource: {}",
                                match &case.value_text {
                                    Some(v) if case.input_hex().is_empty() => format!("value: {v}"),
                                    _ => format!("input: {}", case.input_hex()),
                                },
                                o.expected,
                                o.actual,
                                case.source
                            ),
                        ),
                        Status::Fail => skipped(format!("warning (recommended): {}", o.message)),
                        Status::UnexpectedPass => failure(
                            "unexpected-pass",
                            &format!("unexpected pass: listed at {} but passes", listed()),
                            String::new(),
                        ),
                        Status::ExpectedFailure => {
                            skipped(format!("expected failure ({}): {}", listed(), o.message))
                        }
                        Status::Skipped => skipped(o.message.clone()),
                    }
                }
            };
            let mut tc = TestCase::new(case.id.as_str(), status);
            tc.set_classname(case.suite.as_str());
            suite.add_test_case(tc);
        }
        for s in m.stale.iter().filter(|s| s.implementation == imp.id) {
            let name = format!("expected-failures {}", s.entry.case);
            let message = format!(
                "stale: {}:{} matches no case",
                s.path.display(),
                s.entry.line
            );
            suite.add_test_case(TestCase::new(
                name,
                failure("stale", &message, String::new()),
            ));
        }
        report.add_test_suite(suite);
    }
    report.to_string()
}
