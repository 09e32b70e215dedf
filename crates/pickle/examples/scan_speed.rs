//! Scan throughput of files held in memory, best of several passes:
//! `cargo run --release -p crossfmt-pickle --example scan_speed -- FILE...`.
//! A quick loop for profiling the scanner (`perf record` on it); the
//! comparison with other scanners is `crates/bench/benches/pickle_scan_compare.sh`.

// The `crossfmt` binary's allocator, so that the figures are the command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use crossfmt_pickle::scan::{scan_bytes, Limits, Policy};
use std::time::Instant;

fn main() {
    let policy = Policy::default_policy();
    let passes: usize = std::env::var("PASSES")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(20);
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("readable file");
        let mut best = f64::INFINITY;
        let mut ops = 0;
        for _ in 0..passes {
            let t = Instant::now();
            let r = scan_bytes(&path, &bytes, &policy, Limits::default());
            best = best.min(t.elapsed().as_secs_f64());
            ops = r.ops;
        }
        println!(
            "{path}: {:.1} MB/s, {:.1} ns/op ({ops} ops)",
            bytes.len() as f64 / best / 1e6,
            best * 1e9 / ops as f64
        );
    }
}
