//! An interrupted conformance run keeps what it has and says so, in every
//! report. The runner asks its observer; the command line's observer answers
//! from the SIGINT/SIGTERM flag.

use crossfmt::conformance::expected::FailureList;
use crossfmt::conformance::runner::{self, Options};
use crossfmt::conformance::suite;
use crossfmt::run::Observer;
use crossfmt::Registry;

/// Interrupts the run, as Ctrl-C would, after a few cases.
struct CtrlC {
    done: u64,
}
impl Observer for CtrlC {
    fn progress(&mut self, done: u64, _total: u64) {
        self.done = done;
    }
    fn interrupted(&self) -> bool {
        self.done >= 3
    }
}

#[test]
fn an_interrupted_run_reports_what_it_has() {
    let dir = crate::util::here("fixtures/conformance/suites");
    let cases = suite::load(&dir, &["mini-msgpack".into()])
        .unwrap()
        .into_iter()
        .flat_map(|s| s.cases)
        .collect();
    let registry = Registry::builtin()
        .select(&["msgpack/rmp-serde".into()])
        .unwrap();
    let opts = Options {
        strict: false,
        check_stale: true,
    };
    let m = runner::run(
        &registry,
        cases,
        vec![FailureList::default()],
        opts,
        &mut CtrlC { done: 0 },
    );
    assert!(m.interrupted);
    let t = m.totals(0);
    assert_eq!((t.cases, t.pass, t.not_run), (10, 3, 7));
    assert!(m.stale.is_empty(), "no staleness judged on a partial run");
    assert!(
        m.verdict().contains("[interrupted: partial results]"),
        "{}",
        m.verdict()
    );
    let j: serde_json::Value =
        serde_json::from_str(&crossfmt_cli::report::conformance_json::render(&m)).unwrap();
    assert_eq!(j["interrupted"], true);
    let xml = crossfmt_cli::report::junit::render(&m).unwrap();
    assert_eq!(xml.matches("not run (interrupted)").count(), 7);
    assert!(crossfmt_cli::report::matrix_html::render(&m).contains("not run"));
}
