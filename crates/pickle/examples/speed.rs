//! Scan throughput or decode time of files held in memory, best of
//! `PASSES` (default 20):
//!
//! ```text
//! cargo run --release -p crossfmt-pickle --example speed -- scan FILE...
//! cargo run --release -p crossfmt-pickle --example speed -- decode FILE...
//! ```
//!
//! A quick loop to profile the scanner or `loads` under `perf record` or
//! `valgrind --tool=callgrind`. The comparisons with other tools are
//! `crates/bench/benches/pickle_scan_compare.sh` (picklescan, fickling) and
//! `crates/bench/benches/pickle_decode.rs` with `pickle_decode_cpython.py`.

// The `crossfmt` binary's allocator, so that the figures are the command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use crossfmt_pickle::scan::{scan_bytes, Limits, Policy};
use std::time::Instant;

/// One pass over a file; the ops it took, when that is counted.
type Pass<'p> = Box<dyn Fn(&str, &[u8]) -> u64 + 'p>;

fn main() {
    let mut args = std::env::args().skip(1);
    let what = args.next().unwrap_or_default();
    let policy = Policy::default_policy();
    let pass: Pass = match what.as_str() {
        "scan" => Box::new(|path, bytes| scan_bytes(path, bytes, &policy, Limits::default()).ops),
        "decode" => Box::new(|path, bytes| {
            let v = crossfmt_pickle::loads(bytes)
                .unwrap_or_else(|e| panic!("{path} does not decode: {e}"));
            drop(std::hint::black_box(v));
            0
        }),
        _ => {
            eprintln!("usage: speed scan|decode FILE...");
            std::process::exit(2)
        }
    };
    let passes: usize = std::env::var("PASSES")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(20);
    for path in args {
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
        let mut best = f64::INFINITY;
        let mut ops = 0;
        for _ in 0..passes {
            let t = Instant::now();
            ops = pass(&path, &bytes);
            best = best.min(t.elapsed().as_secs_f64());
        }
        let per_op = if ops > 0 {
            format!(", {:.1} ns/op ({ops} ops)", best * 1e9 / ops as f64)
        } else {
            String::new()
        };
        println!(
            "{path}: {:.3} ms, {:.1} MB/s{per_op}",
            best * 1e3,
            bytes.len() as f64 / best / 1e6
        );
    }
}
