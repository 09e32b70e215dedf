//! libFuzzer targets over crossfmt's checks, for a cargo-fuzz crate.
//!
//! A target of your codec is two lines in `fuzz/fuzz_targets/<target>.rs`
//! (`crossfmt init` writes them):
//!
//! ```ignore
//! #![no_main]
//! crossfmt_fuzz::codec_target!(decode, my_codec::MyCodec::default(),
//!     known = include_str!("../../crossfmt-known.txt"));
//! ```
//!
//! `decode`, `roundtrip_value` and `differential` are the targets
//! ([`crossfmt::fuzz::codec`] says what each runs); `known` is your
//! known-findings list, compiled in so the binary needs no file at run time
//! (ClusterFuzzLite runs it elsewhere). The fuzz crate depends on this crate
//! and on `libfuzzer-sys` (which links libFuzzer; this crate leaves that to
//! it). crossfmt's own targets are `crossfmt_fuzz::target!(name)`.

pub use crossfmt;
pub use libfuzzer_sys;

/// Defines the libFuzzer entry point for crossfmt's built-in target `$name`
/// ([`crossfmt::fuzz::targets`]).
#[macro_export]
macro_rules! target {
    ($name:ident) => {
        $crate::libfuzzer_sys::fuzz_target!(|data: &[u8]| {
            $crate::crossfmt::fuzz::fuzz_one(stringify!($name), data);
        });
        $crate::libfuzzer_sys::fuzz_mutator!(|data: &mut [u8],
                                              size: usize,
                                              max_size: usize,
                                              seed: u32| {
            $crate::crossfmt::fuzz::mutate(
                stringify!($name),
                data,
                size,
                max_size,
                seed,
                $crate::libfuzzer_sys::fuzzer_mutate,
            )
        });
    };
}

/// Defines the libFuzzer entry point for target `$target` (`decode`,
/// `roundtrip_value`, `differential`) of the codec `$codec` (an expression
/// evaluated once), optionally with a known-findings list's text.
#[macro_export]
macro_rules! codec_target {
    ($target:ident, $codec:expr) => {
        $crate::codec_target!($target, $codec, known = "");
    };
    ($target:ident, $codec:expr, known = $known:expr) => {
        static TARGETS: ::std::sync::OnceLock<$crate::crossfmt::fuzz::CodecTargets> =
            ::std::sync::OnceLock::new();
        fn targets() -> &'static $crate::crossfmt::fuzz::CodecTargets {
            TARGETS.get_or_init(|| {
                $crate::crossfmt::fuzz::CodecTargets::new(::std::sync::Arc::new($codec))
                    .with_known($known, "the known-findings list compiled into this target")
            })
        }
        $crate::libfuzzer_sys::fuzz_target!(|data: &[u8]| {
            targets().fuzz_one(stringify!($target), data);
        });
        $crate::libfuzzer_sys::fuzz_mutator!(|data: &mut [u8],
                                              size: usize,
                                              max_size: usize,
                                              seed: u32| {
            targets().mutate(
                stringify!($target),
                data,
                size,
                max_size,
                seed,
                $crate::libfuzzer_sys::fuzzer_mutate,
            )
        });
    };
}
