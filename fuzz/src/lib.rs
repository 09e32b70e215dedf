//! The cargo-fuzz driver: every fuzz target is `crossfmt_fuzz::target!(name);`
//! and hands libFuzzer's input to `crossfmt::fuzz::fuzz_one`. No check logic
//! lives here; the list of targets is `crossfmt::fuzz::targets()`.

pub use crossfmt;
pub use libfuzzer_sys;

/// Defines the libFuzzer entry point for the crossfmt target `$name`.
#[macro_export]
macro_rules! target {
    ($name:ident) => {
        $crate::libfuzzer_sys::fuzz_target!(|data: &[u8]| {
            $crate::crossfmt::fuzz::fuzz_one(stringify!($name), data);
        });
    };
}
