//! What every criterion bench of crossfmt shares: quick mode for CI (the
//! library's [`crossfmt_bench::criterion_config`]) and the way a bench gives
//! up on a broken set-up, and the allocator. Each bench uses what it needs
//! of it.
#![allow(dead_code, unused_imports)]

pub use crossfmt_bench::criterion_config as config;

// The allocator the `crossfmt` binary runs with, so that a bench measures
// what the command does (with glibc's, `pickle/crossfmt` spent half of the
// records benchmark in malloc and free; CPython's own objects come from
// its small-object allocator).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Stops the bench before anything is timed (or published): exit 2 with why.
pub fn fail(bench: &str, msg: String) -> ! {
    eprintln!("{bench} bench: {msg}");
    std::process::exit(2)
}
