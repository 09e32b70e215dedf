//! `pystruct:<format>`: a struct layout as a schema-driven codec. A value is
//! an array of the layout's fields; the bytes are one packed record.

use crossfmt_pystruct::layout::{Kind, Layout};
use crossfmt_pystruct::{pack, unpack, StructError};
use crossfmt_value::caps::{Caps, FloatRepr, IntRange};
use crossfmt_value::notation;
use crossfmt_value::stream::{self, Framing};
use crossfmt_value::value::{FloatWidth, Value};
use crossfmt_value::{Codec, CodecError, CodecRef, Format};
use std::io::BufRead;
use std::sync::Arc;

/// The prefix of every struct codec id: `pystruct:<hhl`.
pub const ID_PREFIX: &str = "pystruct:";

/// Records larger than this are refused on encode (a `Limit`): CPython would
/// allocate them, a harness run should not.
pub const MAX_ENCODE_SIZE: usize = 64 << 20;

/// Representative layouts in the built-in registry, so that `crossfmt run`
/// puts struct records through round trip and cross-format checks; the
/// corpus has `struct-*.diag` values of each shape.
pub fn layouts() -> [&'static str; 4] {
    [
        // A file header: magic, version, flags, record count, offset.
        "<4sHHIQ",
        // A sensor-log record: timestamp, channel, half/single/double readings, valid.
        "<QHefd?",
        // Native alignment: padding between members and to the trailing `0l`.
        "@bqhd?0l",
        // A network packet header in network order, with a Pascal string.
        "!BBHi8p",
    ]
}

/// One struct layout, bound: the codec `pystruct:<format>`.
#[derive(Clone, Debug)]
pub struct StructCodec {
    id: String,
    layout: Layout,
}

impl StructCodec {
    pub fn new(format: &str) -> Result<StructCodec, StructError> {
        Ok(StructCodec {
            id: format!("{ID_PREFIX}{format}"),
            layout: Layout::parse(format)?,
        })
    }

    /// The codec for an id `pystruct:<format>`, `None` for another id.
    pub fn from_id(id: &str) -> Option<Result<StructCodec, StructError>> {
        id.strip_prefix(ID_PREFIX).map(StructCodec::new)
    }

    pub fn layout(&self) -> &Layout {
        &self.layout
    }

    fn record<'a>(&self, v: &'a Value) -> Result<&'a [Value], String> {
        match v {
            Value::Array(xs) => Ok(xs),
            other => Err(format!(
                "a {} record is an array of {} fields, not {} {}",
                self.layout.format,
                self.layout.fields,
                other.kind(),
                notation::print_short(other)
            )),
        }
    }
}

impl Codec for StructCodec {
    fn id(&self) -> &str {
        &self.id
    }

    fn format(&self) -> Format {
        Format::Struct
    }

    /// What the layout's codes can hold; the exact per-field answer is
    /// [`StructCodec::unsupported`]'s.
    fn caps(&self) -> Caps {
        let kinds: Vec<Kind> = self.layout.items.iter().map(|it| it.code.kind).collect();
        let has = |k: &[Kind]| kinds.iter().any(|x| k.contains(x));
        let floats = has(&[Kind::Half, Kind::Float, Kind::Double]);
        let repr = if floats {
            FloatRepr::As(FloatWidth::F64)
        } else {
            FloatRepr::No
        };
        let (mut min, mut max) = (0i128, 0i128);
        for it in &self.layout.items {
            let bits = it.code.size * 8;
            match it.code.kind {
                Kind::Signed => {
                    min = min.min(-(1i128 << (bits - 1)));
                    max = max.max((1i128 << (bits - 1)) - 1);
                }
                Kind::Unsigned | Kind::Pointer => max = max.max((1i128 << bits) - 1),
                _ => {}
            }
        }
        Caps {
            bool: has(&[Kind::Bool]),
            ints: IntRange {
                min,
                max,
                big: false,
            },
            f16: repr,
            f32: repr,
            f64: repr,
            nan: floats,
            nan_payload: has(&[Kind::Float, Kind::Double]),
            infinity: floats,
            bytes: has(&[Kind::Char, Kind::Bytes, Kind::Pascal]),
            array: true,
            max_depth: 2,
            ..Caps::NONE
        }
    }

    /// A record must have the layout's shape, and each field must come back
    /// as itself (its caps' normal form): an integer in the code's range, a
    /// bool for `?`, a float the code's width holds exactly, `s` bytes of the
    /// exact length, `p` bytes that fit. The reason names the field.
    fn unsupported(&self, v: &Value) -> Option<String> {
        let xs = match self.record(v) {
            Ok(xs) => xs,
            Err(why) => return Some(why),
        };
        if self.layout.size > MAX_ENCODE_SIZE {
            return Some(format!(
                "a {}-byte record is beyond the codec's {MAX_ENCODE_SIZE}-byte limit",
                self.layout.size
            ));
        }
        let bytes = match pack(&self.layout, xs) {
            Ok(b) => b,
            Err(e) => return Some(e.message),
        };
        let back = unpack(&self.layout, &bytes).ok()?;
        let caps = self.caps();
        let codes = self.layout.field_codes();
        for (i, ((x, y), (code, _, _))) in xs.iter().zip(&back).zip(codes).enumerate() {
            let want = caps.normalise(x);
            if &want != y {
                return Some(format!(
                    "field {i} ('{}'): {} comes back as {}",
                    code.ch as char,
                    notation::print_short(x),
                    notation::print_short(y)
                ));
            }
        }
        None
    }

    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        let xs = self.record(v).map_err(CodecError::unsupported)?;
        if self.layout.size > MAX_ENCODE_SIZE {
            return Err(CodecError::limit(format!(
                "a {}-byte record is beyond the codec's {MAX_ENCODE_SIZE}-byte limit",
                self.layout.size
            )));
        }
        Ok(pack(&self.layout, xs)?)
    }

    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        Ok(Value::Array(unpack(&self.layout, b)?))
    }

    /// A file of packed records, one after another (`iter_unpack` over
    /// what `f.read()` gives); a zero-size layout has no records to count.
    fn framing(&self) -> Option<Framing> {
        (self.layout.size > 0).then_some(Framing::Fixed(self.layout.size))
    }

    fn read_record(&self, r: &mut dyn BufRead) -> Result<Value, CodecError> {
        self.decode(&stream::read_payload(r, self.layout.size as u64)?)
    }

    /// Binds to any format string: a bad one gives a codec that refuses
    /// every record and buffer with the format's error, as CPython refuses
    /// at pack/unpack time (so a conformance case expecting a bad format to
    /// be rejected is judged, not skipped).
    fn for_schema(&self, schema: &str) -> Result<CodecRef, CodecError> {
        Ok(bind(schema))
    }
}

/// The codec for `schema`, a [`BadFormat`] when it does not parse.
fn bind(schema: &str) -> CodecRef {
    match StructCodec::new(schema) {
        Ok(c) => Arc::new(c),
        Err(error) => Arc::new(BadFormat {
            id: format!("{ID_PREFIX}{schema}"),
            error,
        }),
    }
}

/// A struct codec bound to a format string that does not parse.
struct BadFormat {
    id: String,
    error: StructError,
}

impl Codec for BadFormat {
    fn id(&self) -> &str {
        &self.id
    }

    fn format(&self) -> Format {
        Format::Struct
    }

    fn caps(&self) -> Caps {
        Caps {
            array: true,
            max_depth: 1,
            ..Caps::NONE
        }
    }

    fn unsupported(&self, _: &Value) -> Option<String> {
        Some(self.error.message.clone())
    }

    fn encode(&self, _: &Value) -> Result<Vec<u8>, CodecError> {
        Err(self.error.clone().into())
    }

    /// CPython's `unpack` raises `struct.error` for a bad format as for bad
    /// bytes: the call is invalid, not a value beyond the data model.
    fn decode(&self, _: &[u8]) -> Result<Value, CodecError> {
        Err(CodecError::syntax(self.error.message.clone()))
    }

    fn for_schema(&self, schema: &str) -> Result<CodecRef, CodecError> {
        Ok(bind(schema))
    }
}
