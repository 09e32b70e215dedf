//! What every criterion bench of crossfmt shares: quick mode for CI (the
//! library's [`crossfmt_bench::criterion_config`]) and the way a bench gives
//! up on a broken set-up.

pub use crossfmt_bench::criterion_config as config;

/// Stops the bench before anything is timed (or published): exit 2 with why.
pub fn fail(bench: &str, msg: String) -> ! {
    eprintln!("{bench} bench: {msg}");
    std::process::exit(2)
}
