//! Protocol Buffers through prost, with crossfmt's universal value message
//! (`corpus/schemas/value.proto`, compiled by `build.rs` with protox and
//! prost-build; no `protoc`).
//!
//! Mapping between [`Value`] and `crossfmt.Value`:
//!
//! | `Value`                          | wire (`Value.kind`)                    | decoded back as |
//! |----------------------------------|----------------------------------------|-----------------|
//! | `Null`                           | `null` (empty `Null` message)          | `Null`          |
//! | `Bool`                           | `bool`                                 | `Bool`          |
//! | integer in `i64` range           | `int` (sint64, zigzag)                 | integer         |
//! | integer in `i64::MAX+1..=u64::MAX` | `uint` (uint64)                      | integer         |
//! | f16                              | `f32` (widened exactly, payload kept)  | f32             |
//! | f32 / f64                        | `f32` / `f64` (raw IEEE bits)          | f32 / f64       |
//! | `Text` / `Bytes`                 | `text` / `bytes`                       | same            |
//! | `Array`, `Tuple`                 | `list`                                 | `Array`         |
//! | `Map` (any keys)                 | `map`: repeated `Entry{key, value}`    | `Map`, order and duplicates kept |
//!
//! Sets, frozensets, CBOR tags and simple values, MessagePack ext and integers
//! outside `i64::MIN..=u64::MAX` have no representation (`caps` says no).
//!
//! Decoding rejects, as [`ErrorKind::Unsupported`](crossfmt_value::ErrorKind): a
//! `Value` whose `kind` is unset (e.g. the empty input, or a message made only
//! of unknown fields), and an `Entry` without a key or without a value. A
//! `uint` holding a value that fits `i64` (only another writer produces that)
//! is the same integer as the `int` that would hold it: `Value` has one
//! integer type. Beyond that, decoding follows ordinary protobuf semantics and
//! is lenient by design: unknown fields are skipped, and when a field or oneof
//! member occurs twice the last scalar wins while repeated occurrences of a
//! message member are merged (lists concatenated). That is protobuf, not a bug.
//!
//! Depth: prost refuses to nest messages more than 100 deep
//! (`RECURSION_LIMIT`). One level of array nesting costs two messages
//! (`Value`, `List`) and one level of map nesting three (`Value`, `Map`,
//! `Entry`); a `Null` leaf costs one more. [`MAX_DEPTH`] is the deepest `Value`
//! that decodes whatever its shape (nested maps ending in null); deeper
//! encodings are refused with [`ErrorKind::Limit`](crossfmt_value::ErrorKind).

use crossfmt_value::caps::{Caps, CollectionRepr, Duplicates, FloatRepr, IntRange, MapKeys};
use crossfmt_value::stream::{self, Framing};
use crossfmt_value::value::{Float, FloatWidth, Value};
use crossfmt_value::{Codec, CodecError, CodecRef, Format};
use prost::Message;
use std::io::BufRead;

/// Code generated from `corpus/schemas/value.proto` by `build.rs`.
#[allow(clippy::all, clippy::pedantic, missing_docs)]
pub mod dynamic;
pub mod generated;
pub mod google;
pub mod upstream;

pub mod schema {
    include!(concat!(env!("OUT_DIR"), "/crossfmt.rs"));
}

use schema::value::Kind;

/// The schema as an encoded `FileDescriptorSet` (no source info), written by
/// `build.rs`: what a protobuf library with runtime reflection (the Python
/// reference testee) builds the `crossfmt.Value` message from.
pub const DESCRIPTOR_SET: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/value.binpb"));

/// Deepest `Value` (scalars are depth 1) that round-trips through prost for
/// every shape: nested maps cost 3 messages a level, the `Null` leaf 1, the
/// root `Value` 1, and prost allows 100 nested messages below the root, so
/// `1 + 3 * (d - 1) + 1 <= 101`, i.e. `d <= 34`. Checked by the tests
/// `depth_limit_is_exact_for_maps` and `depth_limit_for_arrays`.
pub const MAX_DEPTH: usize = 34;

/// The id of [`prost_reflect()`].
pub const PROST_REFLECT: &str = "protobuf/prost-reflect";

/// `protobuf/prost-reflect`: prost-reflect's `DynamicMessage`, bound to
/// `crossfmt.Value` in the field-number mapping of [`dynamic`] until a
/// conformance case or a user's schema binds it to another message.
pub fn prost_reflect() -> dynamic::Dynamic {
    let spec = format!("crossfmt.Value@{}", hex::encode(DESCRIPTOR_SET));
    dynamic::Dynamic::from_spec(PROST_REFLECT, &spec)
        .expect("the built-in descriptor set holds crossfmt.Value")
}

/// `protobuf/prost`: the universal value message through prost.
pub struct Prost;

impl Prost {
    pub const CAPS: Caps = Caps {
        null: true,
        bool: true,
        ints: IntRange::I64_U64,
        f16: FloatRepr::As(FloatWidth::F32),
        f32: FloatRepr::As(FloatWidth::F32),
        f64: FloatRepr::As(FloatWidth::F64),
        nan: true,
        nan_payload: true,
        infinity: true,
        text: true,
        bytes: true,
        array: true,
        map: true,
        map_keys: MapKeys::Any,
        map_order: true,
        duplicates: Duplicates::Kept,
        tuple: CollectionRepr::Array,
        max_depth: MAX_DEPTH,
        ..Caps::NONE
    };
}

impl Codec for Prost {
    fn id(&self) -> &str {
        "protobuf/prost"
    }

    fn format(&self) -> Format {
        Format::Protobuf
    }

    fn caps(&self) -> Caps {
        Prost::CAPS
    }

    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        crossfmt_value::refuse_unsupported(&Prost::CAPS, v)?;
        Ok(to_message(v)?.encode_to_vec())
    }

    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        let m = schema::Value::decode(b).map_err(|e| {
            let msg = e.to_string();
            if msg.contains("recursion limit") {
                CodecError::limit(msg)
            } else {
                CodecError::syntax(msg)
            }
        })?;
        from_message(m)
    }

    fn framing(&self) -> Option<Framing> {
        Some(Framing::LengthDelimited)
    }

    /// prost's generated code for Google's conformance messages
    /// ([`google`]); no other message has code in this build.
    fn for_schema(&self, schema: &str) -> Result<CodecRef, CodecError> {
        google::typed(self.id(), schema)
            .unwrap_or_else(|| {
                Err(format!(
                    "{} has generated code only for crossfmt.Value, {} and {}",
                    self.id(),
                    google::PROTO3,
                    google::PROTO2
                ))
            })
            .map_err(CodecError::unsupported)
    }

    /// `parseDelimitedFrom`: a varint length, then that many bytes of one
    /// message. prost reads from buffers, not streams, so the payload is
    /// gathered first (growing as bytes arrive, never by the declared
    /// length) and then decoded whole.
    fn read_record(&self, r: &mut dyn BufRead) -> Result<Value, CodecError> {
        let len = stream::read_length_header(r)?;
        self.decode(&stream::read_payload(r, len)?)
    }
}

/// `Value` → message. Only called with values `CAPS` supports; anything else
/// is an error, never a silent conversion.
pub fn to_message(v: &Value) -> Result<schema::Value, CodecError> {
    let kind = match v {
        Value::Null => Kind::Null(schema::Null {}),
        Value::Bool(b) => Kind::Bool(*b),
        Value::Int(i) => {
            if let Ok(s) = i64::try_from(*i) {
                Kind::Int(s)
            } else if let Ok(u) = u64::try_from(*i) {
                Kind::Uint(u)
            } else {
                return Err(CodecError::unsupported(format!(
                    "integer {i} outside i64..=u64"
                )));
            }
        }
        Value::Float(f) => match *f {
            Float::F16(_) => match f.widen(FloatWidth::F32) {
                Float::F32(bits) => Kind::F32(f32::from_bits(bits)),
                _ => unreachable!("widen to F32 yields F32"),
            },
            Float::F32(bits) => Kind::F32(f32::from_bits(bits)),
            Float::F64(bits) => Kind::F64(f64::from_bits(bits)),
        },
        Value::Text(s) => Kind::Text(s.clone()),
        Value::Bytes(b) => Kind::Bytes(b.clone()),
        Value::Array(xs) | Value::Tuple(xs) => Kind::List(schema::List {
            items: xs.iter().map(to_message).collect::<Result<_, _>>()?,
        }),
        Value::Map(kvs) => Kind::Map(schema::Map {
            entries: kvs
                .iter()
                .map(|(k, v)| {
                    Ok(schema::Entry {
                        key: Some(to_message(k)?),
                        value: Some(to_message(v)?),
                    })
                })
                .collect::<Result<_, CodecError>>()?,
        }),
        other => {
            return Err(CodecError::unsupported(format!(
                "{} has no representation in crossfmt.Value",
                other.kind()
            )))
        }
    };
    Ok(schema::Value { kind: Some(kind) })
}

/// Message → `Value`. Recursion is bounded by prost's decode limit.
pub fn from_message(m: schema::Value) -> Result<Value, CodecError> {
    let Some(kind) = m.kind else {
        return Err(CodecError::unsupported("Value with no kind set"));
    };
    Ok(match kind {
        Kind::Null(_) => Value::Null,
        Kind::Bool(b) => Value::Bool(b),
        Kind::Int(i) => Value::from(i),
        Kind::Uint(u) => Value::from(u),
        Kind::F32(x) => Value::f32(x),
        Kind::F64(x) => Value::f64(x),
        Kind::Text(s) => Value::Text(s),
        Kind::Bytes(b) => Value::Bytes(b),
        Kind::List(l) => Value::Array(
            l.items
                .into_iter()
                .map(from_message)
                .collect::<Result<_, _>>()?,
        ),
        Kind::Map(m) => Value::Map(
            m.entries
                .into_iter()
                .enumerate()
                .map(|(i, e)| {
                    let key = e.key.ok_or_else(|| {
                        CodecError::unsupported(format!("map entry {i} has no key"))
                    })?;
                    let value = e.value.ok_or_else(|| {
                        CodecError::unsupported(format!("map entry {i} has no value"))
                    })?;
                    Ok((from_message(key)?, from_message(value)?))
                })
                .collect::<Result<_, CodecError>>()?,
        ),
    })
}

#[cfg(test)]
mod descriptor_tests;
#[cfg(test)]
mod dynamic_tests;
#[cfg(test)]
mod tests;
