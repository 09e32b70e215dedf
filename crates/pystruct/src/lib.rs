//! Python's `struct` module, as CPython 3.11 on x86-64 Linux implements it:
//! the format language ([`layout`]), `pack`/`pack_into` ([`pack`()]) and
//! `unpack`/`unpack_from`/`iter_unpack` ([`unpack`()]), over crossfmt's
//! [`Value`](crossfmt_value::Value): a record is an array of fields. (The
//! schema-driven codec `pystruct:<format>` is in `crossfmt-codecs`.)
//!
//! Values follow CPython's types: integers for the integer codes, `bool` for
//! `?`, a binary64 float (a Python float) for `e`/`f`/`d`, a byte string for
//! `c`/`s`/`p`. `pack` converts as CPython does (a bool packs as an integer,
//! an integer as a float, `?` takes any value's truth).
//!
//! Errors mirror CPython's `struct.error`/`OverflowError` messages, followed
//! by where: the format and offset for a bad format, the field index for a
//! bad argument, the sizes for a bad buffer.
//!
//! ```
//! use crossfmt_pystruct::{calcsize, pack, unpack, Layout};
//! use crossfmt_value::Value;
//!
//! // struct.pack("<hB", -2, 7)
//! let layout = Layout::parse("<hB")?;
//! assert_eq!(calcsize("<hB")?, 3);
//! let record = [Value::from(-2i64), Value::from(7i64)];
//! let bytes = pack(&layout, &record)?;
//! assert_eq!(bytes, [0xfe, 0xff, 7]);
//! assert_eq!(unpack(&layout, &bytes)?, record);
//! // CPython's message, and where.
//! let err = pack(&layout, &[Value::from(40_000i64), Value::from(0i64)]).unwrap_err();
//! assert!(err.message.starts_with("short format requires -32768 <= number <= 32767"));
//! # Ok::<(), crossfmt_pystruct::StructError>(())
//! ```

pub mod half;
pub mod layout;
pub mod pack;
#[cfg(feature = "proptest")]
pub mod strategy;
pub mod unpack;

pub use layout::{calcsize, ByteOrder, Code, Item, Kind, Layout};
pub use pack::{pack, pack_into};
pub use unpack::{iter_unpack, unpack, unpack_from};

use crossfmt_value::CodecError;
use std::fmt;

/// What went wrong, by whose fault.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum StructErrorKind {
    /// The format string is not valid (CPython: `struct.error` from
    /// compiling the format). The schema's fault, whatever the data.
    Format,
    /// A value to pack has the wrong type or count, or is out of range
    /// (CPython: `struct.error`).
    Argument,
    /// A float too large for `e`/`f` (CPython: `OverflowError`).
    Overflow,
    /// The buffer does not have the size the layout needs.
    Buffer,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructError {
    pub kind: StructErrorKind,
    pub message: String,
}

impl StructError {
    pub fn new(kind: StructErrorKind, message: impl Into<String>) -> Self {
        StructError {
            kind,
            message: message.into(),
        }
    }
}

impl fmt::Display for StructError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for StructError {}

/// A bad format is `Unsupported` (no codec can be bound to that schema, so
/// a decode with it says nothing about the bytes); a bad buffer is `Syntax`;
/// a value that cannot be packed is `Encode`.
impl From<StructError> for CodecError {
    fn from(e: StructError) -> CodecError {
        match e.kind {
            StructErrorKind::Format => CodecError::unsupported(e.message),
            StructErrorKind::Buffer => CodecError::syntax(e.message),
            StructErrorKind::Argument | StructErrorKind::Overflow => CodecError::encode(e.message),
        }
    }
}
