//! Writes the seed corpus of every fuzz target:
//! `cargo run --release --example fuzz_seeds -- fuzz/corpus`
//! (the `crossfmt fuzz` driver does the same before a nightly run).

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let out = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "fuzz/corpus".into());
    let corpus = crossfmt::corpus::load(&crossfmt::corpus::builtin_root())?;
    let stats = crossfmt::fuzz::materialise_seeds(
        &corpus,
        &crossfmt::Registry::builtin(),
        std::path::Path::new(&out),
    )?;
    for (target, n) in &stats.per_target {
        println!("{n:5} {target}");
    }
    println!("{:5} files in {out}", stats.files());
    Ok(())
}
