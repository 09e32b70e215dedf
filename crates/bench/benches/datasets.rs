//! Encode and decode of every dataset × codec × path, plus the memcpy limit:
//! [`crossfmt_bench::run`] over every built-in codec and the typed paths.
//!
//! Before timing anything it checks every row's round trip and writes
//! `target/crossfmt-bench/sizes.json` (sizes, zstd sizes, verdicts) and the
//! datasets for the Python baseline; a row whose round trip fails is recorded
//! as failed and not timed, so `crossfmt report` refuses the run.
//!
//! `CROSSFMT_BENCH_QUICK=1` shortens warm-up and measurement (CI).

use criterion::{criterion_group, criterion_main, Criterion};
use crossfmt_bench::{run, Plan};

mod common;

fn benches(c: &mut Criterion) {
    if let Err(e) = run::run(c, &Plan::builtin()) {
        common::fail("datasets", e.to_string())
    }
}

criterion_group! {
    name = datasets_benches;
    config = common::config();
    targets = benches
}
criterion_main!(datasets_benches);
