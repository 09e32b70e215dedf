//! The datasets' random source: SplitMix64, spelled out so that a dataset is
//! a function of its seed alone, whatever version of a random crate is in the
//! lock file (the Python baseline and older reports must see the same bytes).

pub struct Rng(crossfmt::rng::SplitMix64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(crossfmt::rng::SplitMix64::new(seed))
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0.next_u64()
    }

    /// Uniform in `0..n` (`n > 0`); the modulo bias is irrelevant here.
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// Uniform in `[lo, hi)` on a grid of `1/steps` (like a quantised mesh
    /// or a fixed-point reading): such floats print in few digits, which
    /// every JSON parser reads back exactly. serde_json's default parser is
    /// not correctly rounded beyond that (corpus/known-findings.txt), and
    /// every row must round-trip before it is timed.
    pub fn f32_in(&mut self, lo: f32, hi: f32, steps: f32) -> f32 {
        let unit = (self.next_u64() >> 40) as f32 / (1u64 << 24) as f32;
        ((lo + (hi - lo) * unit) * steps).round() / steps
    }

    /// As [`Rng::f32_in`], with `steps` a power of ten (decimal places).
    pub fn f64_in(&mut self, lo: f64, hi: f64, steps: f64) -> f64 {
        let unit = (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64;
        ((lo + (hi - lo) * unit) * steps).round() / steps
    }

    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}
