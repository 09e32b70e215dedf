//! MessagePack through two independent implementations:
//!
//! * `msgpack/rmp-serde`: the serde path. `Value` goes through
//!   [`crossfmt_value::serde_value`] with rmp-serde's one format convention (ext is the
//!   newtype struct `_ExtStruct((i8, bytes))`) plugged in by [`RmpExt`].
//! * `msgpack/rmpv`: `rmpv::Value` with `rmpv::encode::write_value` /
//!   `rmpv::decode::read_value`, no serde at all, so that the differential
//!   check between the two compares two code paths rather than one twice.
//!
//! Both keep what MessagePack's data model keeps: nil, bool, integers in
//! `i64::MIN..=u64::MAX`, f32 and f64 apart (bit-exact), str vs bin, arrays,
//! maps as ordered pairs with any key type and duplicates, and ext (the
//! timestamp is ext -1, kept raw). What MessagePack has no type for:
//!
//! * f16 is written as the exactly widened f32 (`Float::widen`), the same
//!   spelling serde uses for `half::f16`, and so comes back as an f32;
//! * a tuple is written as an array (as msgpack-python does) and comes back
//!   as one;
//! * sets and frozensets: no lowering. msgpack-python refuses them, and an
//!   array would silently drop the set semantics, so they are skipped;
//! * CBOR tags and simple values, and integers beyond 64 bits: skipped.
//!   (rmp-serde writes an i128/u128 as a 16-byte *bin*, which reads back as
//!   bytes; that is not a MessagePack integer, so the adapter refuses them.)

use crossfmt_value::caps::{Caps, CollectionRepr, Duplicates, FloatRepr, IntRange, MapKeys};
use crossfmt_value::serde_value::{Convention, Plain, Seed, Ser};
use crossfmt_value::stream::Framing;
use crossfmt_value::value::{Float, FloatWidth, Value};
use crossfmt_value::{Codec, CodecError, Format};
use serde::de::{DeserializeSeed, Deserializer};
use serde::{Deserialize, Serializer};
use std::io::{BufRead, Cursor};

pub struct RmpSerde;
pub struct Rmpv;

/// Deepest `Value` both MessagePack codecs read and write.
///
/// why: both libraries have a decoder depth limit, but neither default keeps
/// the stack safe. Measured on a 2 MiB thread (the default for spawned and
/// test threads) in a debug build: `rmpv::decode::read_value` alone overflows
/// the stack at about 450 nested arrays, before its default `MAX_DEPTH` (1024
/// units, about 512 levels) stops it; rmp-serde (default limit 1024 levels)
/// overflows between 512 and 600 levels with the `Value` visitor on top. A
/// stack overflow aborts the process, so the adapters pass explicit limits
/// that leave a wide margin, and declare them here.
const MAX_DEPTH: usize = 256;

/// rmp-serde counts one per array, map and ext, and fails when its counter
/// reaches 0: a limit of `MAX_DEPTH + 1` reads `MAX_DEPTH` nested levels
/// (`Value::depth` counts an ext as a leaf of depth 1, rmp-serde as a level).
const RMP_SERDE_DEPTH_LIMIT: usize = MAX_DEPTH + 1;

/// rmpv spends one unit per value read plus one per array/map/str/bin body,
/// and two for an ext body (ext, then its bin data). A container level costs
/// 2 and an ext leaf 3, so `2 * MAX_DEPTH + 1` reads every `Value` of depth
/// `MAX_DEPTH` and no nesting of `MAX_DEPTH + 1` containers.
const RMPV_DEPTH_LIMIT: usize = 2 * MAX_DEPTH + 1;

/// What both MessagePack codecs can represent.
fn msgpack_caps() -> Caps {
    Caps {
        null: true,
        bool: true,
        ints: IntRange::I64_U64,
        // why: MessagePack has no f16; it is widened exactly to f32.
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
        ext: true,
        tuple: CollectionRepr::Array,
        set: CollectionRepr::No,
        frozenset: CollectionRepr::No,
        max_depth: MAX_DEPTH,
        ..Caps::NONE
    }
}

/// Encode is only given supported values; anything else is refused here
/// rather than handed to a library that might lower it silently (rmp-serde
/// writes an i128 as bin) or recurse without bound.
/// rmp-serde's serde convention for MessagePack ext.
pub struct RmpExt;

impl Convention for RmpExt {
    fn serialize_extra<S: Serializer>(v: &Value, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Value::Ext(ty, data) => s.serialize_newtype_struct(
                rmp_serde::MSGPACK_EXT_STRUCT_NAME,
                &(*ty, serde_bytes::Bytes::new(data)),
            ),
            other => Plain::serialize_extra(other, s),
        }
    }

    /// rmp-serde's `deserialize_any` presents an ext, and only an ext, as a
    /// newtype struct whose content is the sequence `(i8, bytes)`.
    fn visit_newtype_struct<'de, D: Deserializer<'de>>(d: D) -> Result<Value, D::Error> {
        let (ty, data): (i8, serde_bytes::ByteBuf) = Deserialize::deserialize(d)?;
        Ok(Value::Ext(ty, data.into_vec()))
    }
}

impl Codec for RmpSerde {
    fn id(&self) -> &str {
        "msgpack/rmp-serde"
    }

    fn format(&self) -> Format {
        Format::MsgPack
    }

    fn caps(&self) -> Caps {
        msgpack_caps()
    }

    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        crossfmt_value::refuse_unsupported(&self.caps(), v)?;
        rmp_serde::to_vec(&Ser::<RmpExt>::new(v)).map_err(CodecError::encode)
    }

    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        // A `Cursor` reader (rather than `from_slice`) so that the number of
        // bytes consumed is known: `from_slice` ignores whatever follows the
        // first value. Its `ReadReader` grows buffers as bytes arrive, never
        // from a length prefix.
        let mut de = rmp_serde::Deserializer::new(Cursor::new(b));
        de.set_max_depth(RMP_SERDE_DEPTH_LIMIT);
        let r = Seed::<RmpExt>::new().deserialize(&mut de);
        let used = de.position() as usize;
        match r {
            Ok(v) if used == b.len() => Ok(v),
            Ok(_) => Err(CodecError::syntax(format!(
                "trailing bytes at offset {used}"
            ))),
            Err(e) => Err(rmp_serde_error(e, &format!("after {used} bytes"))),
        }
    }

    fn framing(&self) -> Option<Framing> {
        Some(Framing::Concatenated)
    }

    fn read_record(&self, r: &mut dyn BufRead) -> Result<Value, CodecError> {
        // `from_read`'s own deserializer over the stream: it reads exactly
        // one value, whatever pieces the reader hands out.
        let mut de = rmp_serde::Deserializer::new(r);
        de.set_max_depth(RMP_SERDE_DEPTH_LIMIT);
        Seed::<RmpExt>::new()
            .deserialize(&mut de)
            .map_err(|e| rmp_serde_error(e, "in the record"))
    }
}

fn rmp_serde_error(e: rmp_serde::decode::Error, at: &str) -> CodecError {
    match e {
        rmp_serde::decode::Error::DepthLimitExceeded => {
            CodecError::limit(format!("rmp-serde depth limit exceeded {at}"))
        }
        e => CodecError::syntax(format!("{e} ({at})")),
    }
}

impl Codec for Rmpv {
    fn id(&self) -> &str {
        "msgpack/rmpv"
    }

    fn format(&self) -> Format {
        Format::MsgPack
    }

    fn caps(&self) -> Caps {
        msgpack_caps()
    }

    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        crossfmt_value::refuse_unsupported(&self.caps(), v)?;
        let rv = to_rmpv(v)?;
        let mut out = Vec::new();
        rmpv::encode::write_value(&mut out, &rv).map_err(CodecError::encode)?;
        Ok(out)
    }

    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        let mut rest = b;
        let r = rmpv::decode::read_value_with_max_depth(&mut rest, RMPV_DEPTH_LIMIT);
        let used = b.len() - rest.len();
        match r {
            Ok(v) if rest.is_empty() => from_rmpv(v),
            Ok(_) => Err(CodecError::syntax(format!(
                "trailing bytes at offset {used}"
            ))),
            Err(e) => Err(rmpv_error(e, &format!("after {used} bytes"))),
        }
    }

    fn framing(&self) -> Option<Framing> {
        Some(Framing::Concatenated)
    }

    fn read_record(&self, mut r: &mut dyn BufRead) -> Result<Value, CodecError> {
        let v = rmpv::decode::read_value_with_max_depth(&mut r, RMPV_DEPTH_LIMIT)
            .map_err(|e| rmpv_error(e, "in the record"))?;
        from_rmpv(v)
    }
}

fn rmpv_error(e: rmpv::decode::Error, at: &str) -> CodecError {
    match e {
        rmpv::decode::Error::DepthLimitExceeded => {
            CodecError::limit(format!("rmpv depth limit exceeded {at}"))
        }
        e => CodecError::syntax(format!("{e} ({at})")),
    }
}

fn to_rmpv(v: &Value) -> Result<rmpv::Value, CodecError> {
    let all = |xs: &[Value]| xs.iter().map(to_rmpv).collect::<Result<Vec<_>, _>>();
    Ok(match v {
        Value::Null => rmpv::Value::Nil,
        Value::Bool(b) => rmpv::Value::Boolean(*b),
        Value::Int(i) => {
            if let Ok(n) = i64::try_from(*i) {
                rmpv::Value::from(n)
            } else if let Ok(n) = u64::try_from(*i) {
                rmpv::Value::from(n)
            } else {
                return Err(CodecError::unsupported(format!(
                    "integer {i} beyond 64 bits"
                )));
            }
        }
        Value::Float(f) => match f.widen(FloatWidth::F32) {
            Float::F32(bits) => rmpv::Value::F32(f32::from_bits(bits)),
            Float::F64(bits) => rmpv::Value::F64(f64::from_bits(bits)),
            Float::F16(_) => unreachable!("widening to F32 leaves no F16"),
        },
        Value::Text(s) => rmpv::Value::String(s.as_str().into()),
        Value::Bytes(b) => rmpv::Value::Binary(b.clone()),
        Value::Array(xs) | Value::Tuple(xs) => rmpv::Value::Array(all(xs)?),
        Value::Map(kvs) => rmpv::Value::Map(
            kvs.iter()
                .map(|(k, v)| Ok((to_rmpv(k)?, to_rmpv(v)?)))
                .collect::<Result<Vec<_>, CodecError>>()?,
        ),
        Value::Ext(ty, data) => rmpv::Value::Ext(*ty, data.clone()),
        other @ (Value::Simple(_)
        | Value::BigInt(_)
        | Value::Tag(..)
        | Value::Set(_)
        | Value::FrozenSet(_)) => {
            return Err(CodecError::unsupported(format!(
                "{} has no MessagePack representation",
                other.kind()
            )))
        }
    })
}

fn from_rmpv(v: rmpv::Value) -> Result<Value, CodecError> {
    let all = |xs: Vec<rmpv::Value>| xs.into_iter().map(from_rmpv).collect::<Result<Vec<_>, _>>();
    Ok(match v {
        rmpv::Value::Nil => Value::Null,
        rmpv::Value::Boolean(b) => Value::Bool(b),
        rmpv::Value::Integer(n) => match (n.as_i64(), n.as_u64()) {
            (Some(i), _) => Value::from(i),
            (None, Some(u)) => Value::from(u),
            (None, None) => unreachable!("an rmpv integer is an i64 or a u64"),
        },
        rmpv::Value::F32(x) => Value::f32(x),
        rmpv::Value::F64(x) => Value::f64(x),
        // why: rmpv accepts a str whose payload is not UTF-8 (keeping the raw
        // bytes); MessagePack's spec says str holds UTF-8, and `Value::Text`
        // cannot hold anything else, so the input is rejected as invalid.
        rmpv::Value::String(s) => match s.into_str() {
            Some(s) => Value::Text(s),
            None => return Err(CodecError::syntax("str payload is not valid UTF-8")),
        },
        rmpv::Value::Binary(b) => Value::Bytes(b),
        rmpv::Value::Array(xs) => Value::Array(all(xs)?),
        rmpv::Value::Map(kvs) => Value::Map(
            kvs.into_iter()
                .map(|(k, v)| Ok((from_rmpv(k)?, from_rmpv(v)?)))
                .collect::<Result<Vec<_>, CodecError>>()?,
        ),
        rmpv::Value::Ext(ty, data) => Value::Ext(ty, data),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossfmt_value::ErrorKind;

    fn codecs() -> [&'static dyn Codec; 2] {
        [&RmpSerde, &Rmpv]
    }

    fn nested(depth: usize) -> Value {
        let mut v = Value::Array(vec![]);
        for _ in 1..depth {
            v = Value::Array(vec![v]);
        }
        v
    }

    fn nested_bytes(depth: usize) -> Vec<u8> {
        let mut b = vec![0x91; depth - 1];
        b.push(0x90);
        b
    }

    fn representative() -> Vec<Value> {
        vec![
            Value::Null,
            Value::Bool(true),
            Value::from(u64::MAX),
            Value::from(i64::MIN),
            Value::from(-33i64),
            Value::from(128i64),
            Value::f64(-0.0),
            Value::f32(-0.0),
            Value::f64(f64::NAN),
            Value::f64(f64::NEG_INFINITY),
            Value::f32(1.5),
            Value::f64(1.5),
            Value::f64(0.1),
            Value::Float(Float::F32(0x7f80_0001)),
            Value::Float(Float::F64(0xfff0_0000_0000_0001)),
            Value::text(""),
            Value::text("ünïcödé"),
            Value::Bytes(vec![]),
            Value::Bytes(vec![0, 0xff, 0xc1]),
            Value::Ext(crossfmt_value::value::EXT_TIMESTAMP, vec![0, 0, 0, 1]),
            Value::Ext(5, vec![1, 2, 3]),
            Value::Ext(-128, vec![0; 17]),
            Value::Array(vec![Value::Null, Value::Array(vec![])]),
            Value::Map(vec![
                (Value::from(1i64), Value::text("int key")),
                (Value::Bytes(vec![1]), Value::Null),
                (Value::Array(vec![Value::Null]), Value::Bool(false)),
                (Value::text("dup"), Value::from(1i64)),
                (Value::text("dup"), Value::from(2i64)),
                (Value::f32(f32::NAN), Value::Map(vec![])),
            ]),
        ]
    }

    #[test]
    fn representative_values_round_trip_exactly() {
        for c in codecs() {
            for v in representative() {
                assert!(c.caps().supports(&v), "{} should support {v:?}", c.id());
                let b = c
                    .encode(&v)
                    .unwrap_or_else(|e| panic!("{}: {v:?}: {e}", c.id()));
                let back = c
                    .decode(&b)
                    .unwrap_or_else(|e| panic!("{}: {}: {e}", c.id(), hex::encode(&b)));
                assert_eq!(back, v, "{}: {}", c.id(), hex::encode(&b));
                assert_eq!(back, c.caps().normalise(&v));
            }
        }
    }

    #[test]
    fn declared_lowerings_come_back_as_normalised() {
        for c in codecs() {
            for v in [
                Value::Tuple(vec![Value::from(1i64), Value::Tuple(vec![])]),
                Value::Float(Float::F16(0x3e00)),
                Value::Float(Float::F16(0x7c01)),
                Value::Float(Float::F16(0x8000)),
            ] {
                let back = c.decode(&c.encode(&v).unwrap()).unwrap();
                assert_eq!(back, c.caps().normalise(&v), "{}: {v:?}", c.id());
            }
        }
    }

    #[test]
    fn both_write_the_same_bytes() {
        for v in representative() {
            assert_eq!(
                RmpSerde.encode(&v).unwrap(),
                Rmpv.encode(&v).unwrap(),
                "{v:?}"
            );
        }
        assert_eq!(
            RmpSerde.encode(&Value::f32(1.5)).unwrap(),
            [0xca, 0x3f, 0xc0, 0, 0]
        );
        assert_eq!(
            RmpSerde.encode(&Value::from(u64::MAX)).unwrap(),
            [0xcf, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]
        );
        assert_eq!(
            RmpSerde.encode(&Value::Ext(-1, vec![0, 0, 0, 1])).unwrap(),
            [0xd6, 0xff, 0, 0, 0, 1]
        );
    }

    #[test]
    fn known_bytes_decode() {
        let cases: &[(&str, Value)] = &[
            ("ca3fc00000", Value::f32(1.5)),
            ("cb3ff8000000000000", Value::f64(1.5)),
            ("cf ffffffffffffffff", Value::from(u64::MAX)),
            ("d3 8000000000000000", Value::from(i64::MIN)),
            // Non-shortest integer encodings are valid MessagePack.
            ("cc01", Value::from(1i64)),
            ("d0ff", Value::from(-1i64)),
            ("c40100", Value::Bytes(vec![0])),
            ("a161", Value::text("a")),
            ("d9 01 61", Value::text("a")),
            ("d6ff 00000001", Value::Ext(-1, vec![0, 0, 0, 1])),
            ("c7 00 05", Value::Ext(5, vec![])),
            (
                "82 a161 01 a161 02",
                Value::Map(vec![
                    (Value::text("a"), Value::from(1i64)),
                    (Value::text("a"), Value::from(2i64)),
                ]),
            ),
            ("ca 7fa00000", Value::Float(Float::F32(0x7fa0_0000))),
        ];
        for c in codecs() {
            for (h, want) in cases {
                let b = hex::decode(h.replace(' ', "")).unwrap();
                assert_eq!(c.decode(&b).as_ref(), Ok(want), "{}: {h}", c.id());
            }
        }
    }

    #[test]
    fn invalid_input_is_a_syntax_error() {
        for c in codecs() {
            for h in [
                "",
                "92 01",
                "cb 3ff8",
                "a2 61",
                "c4 05 00",
                "d6 ff 00",
                "dd ffffffff",
                "db ffffffff 61",
            ] {
                let b = hex::decode(h.replace(' ', "")).unwrap();
                let e = c.decode(&b).expect_err(h);
                assert_eq!(e.kind, ErrorKind::Syntax, "{}: {h}: {e}", c.id());
            }
        }
    }

    #[test]
    fn trailing_bytes_are_rejected_with_their_offset() {
        for c in codecs() {
            let e = c.decode(&[0x01, 0x02]).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Syntax);
            assert_eq!(e.message, "trailing bytes at offset 1", "{}", c.id());
            let e = c.decode(&hex::decode("ca3fc0000000").unwrap()).unwrap_err();
            assert_eq!(e.message, "trailing bytes at offset 5", "{}", c.id());
        }
    }

    #[test]
    fn reserved_byte_c1() {
        let e = RmpSerde.decode(&[0xc1]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Syntax, "{e}");
        // Library bug (recorded finding): rmpv's `read_value` maps the reserved
        // marker 0xc1, which the spec says "never used", to nil.
        assert_eq!(Rmpv.decode(&[0xc1]), Ok(Value::Null));
        assert_eq!(
            Rmpv.decode(&[0x91, 0xc1]),
            Ok(Value::Array(vec![Value::Null]))
        );
    }

    #[test]
    fn str_that_is_not_utf8() {
        // Library behaviour (recorded disagreement): rmp-serde hands a str
        // whose payload is not UTF-8 to a visitor that accepts bytes as bytes.
        assert_eq!(RmpSerde.decode(&[0xa1, 0xff]), Ok(Value::Bytes(vec![0xff])));
        let e = Rmpv.decode(&[0xa1, 0xff]).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Syntax, "{e}");
    }

    #[test]
    fn depth_limits_are_the_declared_ones() {
        for c in codecs() {
            let max = c.caps().max_depth;
            let deepest = nested(max);
            let b = c.encode(&deepest).unwrap();
            assert_eq!(b, nested_bytes(max));
            assert_eq!(c.decode(&b), Ok(deepest), "{}", c.id());
            let e = c.decode(&nested_bytes(max + 1)).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Limit, "{}: {e}", c.id());
            let e = c.encode(&nested(max + 1)).unwrap_err();
            assert_eq!(e.kind, ErrorKind::Limit, "{}: {e}", c.id());
            // Leaves that cost a level of their own: ext for rmp-serde,
            // str/bin/ext bodies for rmpv.
            for leaf in [
                Value::Ext(1, vec![]),
                Value::text("a"),
                Value::Bytes(vec![1]),
            ] {
                let mut v = leaf;
                for _ in 1..max {
                    v = Value::Array(vec![v]);
                }
                assert_eq!(v.depth(), max);
                assert_eq!(c.decode(&c.encode(&v).unwrap()), Ok(v), "{}", c.id());
            }
        }
    }

    #[test]
    fn caps_refuse_what_msgpack_has_no_type_for() {
        for c in codecs() {
            let caps = c.caps();
            for v in [
                Value::Int(i128::from(u64::MAX) + 1),
                Value::Int(i128::from(i64::MIN) - 1),
                Value::Set(vec![]),
                Value::FrozenSet(vec![]),
                Value::Simple(crossfmt_value::value::UNDEFINED),
                Value::Tag(0, Box::new(Value::text("2024-01-01T00:00:00Z"))),
            ] {
                let why = caps.unsupported(&v);
                assert!(why.is_some(), "{}: {v:?}", c.id());
                let e = c.encode(&v).unwrap_err();
                assert_eq!(e.kind, ErrorKind::Unsupported, "{}: {v:?}", c.id());
            }
        }
    }

    #[test]
    fn rmp_serde_would_write_i128_as_bin() {
        // Why the adapter refuses integers beyond 64 bits: rmp-serde's own
        // spelling of an i128 is a 16-byte bin, which reads back as bytes.
        let b = rmp_serde::to_vec(&1i128).unwrap();
        assert_eq!(&b[..2], [0xc4, 0x10]);
        assert_eq!(
            RmpSerde.decode(&b),
            Ok(Value::Bytes(1i128.to_be_bytes().to_vec()))
        );
    }
}
