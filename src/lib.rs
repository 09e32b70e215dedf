//! crossfmt: a cross-format fuzzing and conformance harness for binary
//! serialization codecs.
//!
//! A codec author implements [`codec::Codec`] for their implementation and
//! calls [`testing::check_codec`] from a test; the same checks
//! ([`check`]) drive the property tests, the fuzz targets, the corpus replay
//! and the `crossfmt` command line.

pub mod bench;
pub mod caps;
pub mod check;
pub mod codec;
pub mod conformance;
pub mod corpus;
pub mod expected;
pub mod fuzz;
pub mod fuzz_driver;
pub mod notation;
pub mod report;
pub mod run;
#[cfg(feature = "proptest")]
pub mod strategy;
pub mod testing;
pub mod value;

pub use caps::Caps;
pub use codec::{Codec, CodecError, Format, Registry};
pub use value::{Float, FloatWidth, Value};
