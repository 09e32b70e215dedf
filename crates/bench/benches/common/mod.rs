//! What every criterion bench of crossfmt shares: quick mode for CI and the
//! way a bench gives up on a broken set-up.

use criterion::Criterion;
use std::time::Duration;

/// Criterion's defaults, or, with `CROSSFMT_BENCH_QUICK=1`, a short warm-up
/// and measurement: enough for CI to render a full report.
pub fn config() -> Criterion {
    let c = Criterion::default();
    if std::env::var_os("CROSSFMT_BENCH_QUICK").is_some_and(|v| v != "0") {
        c.warm_up_time(Duration::from_millis(200))
            .measurement_time(Duration::from_millis(600))
            .sample_size(10)
    } else {
        c
    }
}

/// Stops the bench before anything is timed (or published): exit 2 with why.
pub fn fail(bench: &str, msg: String) -> ! {
    eprintln!("{bench} bench: {msg}");
    std::process::exit(2)
}
