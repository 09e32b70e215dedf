//! Decode time of pickle files held in memory, best of several passes:
//! `cargo run --release -p crossfmt-pickle --example decode_speed -- FILE...`.
//! A quick loop for profiling `loads` (`perf record` on it); the timing
//! beside CPython is `crates/bench/benches/pickle_decode.rs` with
//! `pickle_decode_cpython.py`.

// The `crossfmt` binary's allocator, so that the figures are the command's.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use std::time::Instant;

fn main() {
    let passes: usize = std::env::var("PASSES")
        .ok()
        .and_then(|p| p.parse().ok())
        .unwrap_or(20);
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("readable file");
        let mut best = f64::INFINITY;
        for _ in 0..passes {
            let t = Instant::now();
            let v = crossfmt_pickle::loads(&bytes).expect("a pickle that decodes");
            drop(std::hint::black_box(v));
            best = best.min(t.elapsed().as_secs_f64());
        }
        println!(
            "{path}: {:.3} ms, {:.1} MB/s",
            best * 1e3,
            bytes.len() as f64 / best / 1e6
        );
    }
}
