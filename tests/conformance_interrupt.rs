//! An interrupted conformance run keeps what it has and says so. (Its own
//! test binary: the interrupt flag is process-wide.)

use crossfmt::conformance::expected::FailureList;
use crossfmt::conformance::runner::{self, Options};
use crossfmt::conformance::suite;
use crossfmt::run::Observer;
use crossfmt::Registry;
use std::path::Path;

/// Interrupts the run, as Ctrl-C would, after a few cases.
struct CtrlC;
impl Observer for CtrlC {
    fn progress(&mut self, done: u64, _total: u64) {
        if done == 3 {
            crossfmt::fuzz_driver::process::interrupt();
        }
    }
}

#[test]
fn an_interrupted_run_reports_what_it_has() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/conformance/suites");
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
        &mut CtrlC,
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
        serde_json::from_str(&crossfmt::report::conformance_json::render(&m)).unwrap();
    assert_eq!(j["interrupted"], true);
    let xml = crossfmt::report::junit::render(&m).unwrap();
    assert_eq!(xml.matches("not run (interrupted)").count(), 7);
    assert!(crossfmt::report::matrix_html::render(&m).contains("not run"));
}
