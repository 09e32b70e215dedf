//! The data model every crossfmt crate speaks, and the one trait a codec
//! implements.
//!
//! - [`Value`] ([`value`]): lossless across MessagePack, CBOR, JSON, pickle,
//!   Protocol Buffers and `struct` — float widths and bit patterns, integers
//!   of any size, text vs bytes, ordered maps with any keys and duplicates,
//!   tags, ext, Python's tuple, set and frozenset.
//! - [`notation`]: `Value` ⇄ CBOR diagnostic notation (RFC 8949 §8 with the
//!   EDN encoding indicators), one spelling per value.
//! - [`Caps`] ([`caps`]): what a codec's data model holds, and the normal
//!   form it gives values back in.
//! - [`Codec`] ([`codec`]): an implementation of a format seen through
//!   `Value`, with [`CodecError`] and its [`ErrorKind`].
//! - [`guard`]: calls into a codec with panics contained, as an [`Outcome`].
//! - [`diff`]: where two values first differ.
//! - [`stream`]: many values in one file, read back in pieces.
//! - `strategy` (feature `proptest`) and `Value: Arbitrary` (feature
//!   `arbitrary`): generated values for property tests and fuzz targets.
//!
//! ```
//! use crossfmt_value::caps::{Caps, FloatRepr};
//! use crossfmt_value::{guard, notation, Codec, CodecError, FloatWidth, Format, Outcome, Value};
//!
//! // One spelling per value: a map with a byte-string key and an f32 NaN.
//! let v = notation::parse("{h'00ff': [1.5_2, NaN_2]}").unwrap();
//! assert_eq!(notation::print(&v), "{h'00ff': [1.5_2, NaN_2]}");
//!
//! // A model with one float type gives an f32 back as f64, by design:
//! // the normal form says what must come back.
//! let one_float = Caps { f32: FloatRepr::As(FloatWidth::F64), ..Caps::ALL };
//! assert_eq!(one_float.normalise(&Value::f32(1.5)), Value::f64(1.5));
//!
//! // Calls into a codec are contained: a panic is an outcome, not a crash.
//! struct Fragile;
//! impl Codec for Fragile {
//!     fn id(&self) -> &str { "json/fragile" }
//!     fn format(&self) -> Format { Format::Json }
//!     fn caps(&self) -> Caps { Caps::NONE }
//!     fn encode(&self, _: &Value) -> Result<Vec<u8>, CodecError> { Ok(b"null".to_vec()) }
//!     fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
//!         Ok(Value::Int(b[7].into())) // out of bounds on short input
//!     }
//! }
//! match guard::decode(&Fragile, b"[]") {
//!     Outcome::Panicked(p) => assert!(p.message.contains("out of bounds")),
//!     other => panic!("{other:?}"),
//! }
//! ```
//!
//! A codec author depends on the harness, `crossfmt`, which re-exports all of
//! this; this crate is for code that needs the model without the harness (the
//! pickle machine, the struct engine, the codec adapters).

#![warn(missing_docs)]

#[cfg(feature = "arbitrary")]
pub mod arbitrary;
pub mod caps;
pub mod codec;
pub mod diff;
pub mod guard;
pub mod notation;
pub mod rng;
pub mod serde_value;
#[cfg(feature = "proptest")]
pub mod strategy;
pub mod stream;
pub mod value;

pub use caps::Caps;
pub use codec::{refuse_unsupported, Codec, CodecError, CodecRef, ErrorKind, Format};
pub use guard::{Outcome, Panic};
pub use value::{Float, FloatWidth, Value};
