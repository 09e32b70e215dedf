//! crossfmt: a cross-format fuzzing and conformance harness for binary
//! serialization codecs.
//!
//! A codec author implements [`Codec`] for their implementation and calls
//! [`testing::check_codec`] from a test; the same checks ([`check`]) drive
//! the property tests, the fuzz targets ([`fuzz`]), the corpus replay
//! ([`run`]), the conformance suites ([`conformance`]) and the `crossfmt`
//! command line.
//!
//! The data model ([`Value`], [`Caps`], [`Codec`], [`notation`]) comes from
//! `crossfmt-value` and is re-exported here, as is the [`Registry`] of
//! built-in codecs (`crossfmt-codecs`).

#![warn(missing_docs)]

pub mod check;
pub mod conformance;
pub mod corpus;
pub mod finding;
pub mod fuzz;
#[cfg(feature = "proptest")]
pub mod generated;
pub mod known;
pub mod probe;
pub mod reference;

pub mod run;
pub mod testing;
pub mod text;

/// The shared data (corpus, conformance suites, fuzz dictionaries), found
/// wherever the crate was unpacked, or at `CROSSFMT_DATA`.
pub use crossfmt_data as data;

/// The Python reference testee (`conformance/testees/python/testee`:
/// CPython's pickle, json and struct, msgpack-python, cbor2, Google's
/// protobuf), with its venv set up first (`target/pyref` in a crossfmt
/// checkout, a per-user cache directory for a dependent crate, or
/// `CROSSFMT_PYREF`). The set-up
/// installs the pinned packages on a fresh machine, which can take longer
/// than a testee's hello may, so it runs here, with no deadline (it is
/// idempotent and locked). Needs `python3` 3.11+ and PyPI (or
/// `PIP_INDEX_URL`); the error says what failed.
pub fn python_reference_testee() -> Result<std::path::PathBuf, String> {
    data::prepare_python_reference().map(|dir| dir.join("testee"))
}

pub use crossfmt_codecs as codecs;
pub use crossfmt_codecs::Registry;
#[cfg(feature = "proptest")]
pub use crossfmt_value::strategy;
pub use crossfmt_value::{caps, diff, guard, notation, rng, stream, value};
pub use crossfmt_value::{
    Caps, Codec, CodecError, CodecRef, ErrorKind, Float, FloatWidth, Format, Outcome, Value,
};
