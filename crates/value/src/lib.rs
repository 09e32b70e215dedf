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
//! - `strategy` (feature `proptest`) and `Value: Arbitrary` (feature
//!   `arbitrary`): generated values for property tests and fuzz targets.
//!
//! A codec author depends on the harness, `crossfmt`, which re-exports all of
//! this; this crate is for code that needs the model without the harness (the
//! pickle machine, the struct engine, the codec adapters).

#[cfg(feature = "arbitrary")]
pub mod arbitrary;
pub mod caps;
pub mod codec;
pub mod diff;
pub mod guard;
pub mod notation;
pub mod serde_value;
#[cfg(feature = "proptest")]
pub mod strategy;
pub mod value;

pub use caps::Caps;
pub use codec::{refuse_unsupported, Codec, CodecError, CodecRef, ErrorKind, Format};
pub use guard::{Outcome, Panic};
pub use value::{Float, FloatWidth, Value};
