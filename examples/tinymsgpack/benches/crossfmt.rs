//! tinymsgpack beside crossfmt's MessagePack implementations on crossfmt's
//! benchmark datasets; `crossfmt report` renders the run.

use criterion::{criterion_group, criterion_main, Criterion};
use std::sync::Arc;

fn bench(c: &mut Criterion) {
    crossfmt_bench::bench_codec(c, Arc::new(tinymsgpack::TinyMsgpack::default()));
}

criterion_group! {
    name = benches;
    config = crossfmt_bench::criterion_config();
    targets = bench
}
criterion_main!(benches);
