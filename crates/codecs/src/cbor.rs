//! CBOR through `ciborium::Value` (`ciborium::into_writer` / `from_reader`).
//!
//! ciborium's value model: integers in CBOR's major types 0/1
//! (`-2^64..=2^64-1`), bytes, text, one float type (`f64`), bool, null, tags,
//! arrays, and maps as ordered pairs (any key type, duplicates kept). Its
//! encoder writes each float in the shortest of f16/f32/f64 that keeps the
//! f64's bits, and its decoder widens f16/f32 to f64.
//!
//! The mapping to `Value`:
//!
//! * integers beyond major types 0/1 are bignums, tags 2/3 around a byte
//!   string, both ways (ciborium itself turns bignums of up to 16 bytes into
//!   integers when decoding; either way they come back as `Value::integer`);
//! * f16 and f32 are widened exactly (`Float::widen`) to the model's f64 and
//!   come back as f64;
//! * a set is tag 258 around an array (as cbor2 writes it) and comes back as
//!   a set.
//!
//! why (lowerings of what CBOR has no type for):
//!
//! * tuple → array, as cbor2 and every JSON-like model writes it; it comes
//!   back as an array. crossfmt's own tag 65300 would keep it, but no other
//!   CBOR implementation writes or understands that tag, so bytes written with
//!   it would not be the CBOR a Python programmer gets;
//! * frozenset: crossfmt's tag 65301 (cbor2 writes it as tag 258 like a set,
//!   which reads back as a set and so loses the type);
//! * ext: crossfmt's tag 65302 `[type, data]`, so that a MessagePack ext
//!   survives a trip through CBOR;
//! * simple values other than false/true/null, `undefined` included:
//!   `ciborium::Value` has no variant for them (its decoder reads `undefined`
//!   as null and refuses other simple values), so skipped.
//!
//! Decoding reads crossfmt's own tags (65300 tuple, 65301 frozenset, 65302
//! ext) as their variants, as the diagnostic notation does, so that decode
//! never returns a `Value::Tag` that spells another variant
//! (`Value::is_well_formed`); writing is symmetric except for tuples, which
//! are written as plain arrays as cbor2 does.

use ciborium::value::Integer;
use crossfmt_value::caps::{Caps, CollectionRepr, Duplicates, FloatRepr, IntRange, MapKeys};
use crossfmt_value::stream::Framing;
use crossfmt_value::value::{is_reserved_tag, tags, Float, FloatWidth, Value};
use crossfmt_value::{Codec, CodecError, Format};
use num_bigint::{BigInt, Sign};
use std::io::BufRead;

pub struct Ciborium;

/// ciborium's `from_reader` allows 256 nested arrays, maps and tags. A set is
/// two of those (tag 258 and its array) but one level of `Value`, and a
/// bignum of more than 16 bytes one (its tag) but a leaf of depth 1, so 128
/// is the depth every `Value` of it is read back at.
const MAX_DEPTH: usize = 128;

impl Codec for Ciborium {
    fn id(&self) -> &str {
        "cbor/ciborium"
    }

    fn format(&self) -> Format {
        Format::Cbor
    }

    fn caps(&self) -> Caps {
        Caps {
            null: true,
            bool: true,
            ints: IntRange::UNBOUNDED,
            f16: FloatRepr::As(FloatWidth::F64),
            f32: FloatRepr::As(FloatWidth::F64),
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
            tags: true,
            tuple: CollectionRepr::Array,
            set: CollectionRepr::Native,
            frozenset: CollectionRepr::Native,
            ext: true,
            // Tag 258 is an array: members stay in the order written.
            set_order: true,
            max_depth: MAX_DEPTH,
            ..Caps::NONE
        }
    }

    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        crossfmt_value::refuse_unsupported(&self.caps(), v)?;
        let cv = to_ciborium(v)?;
        let mut out = Vec::new();
        ciborium::into_writer(&cv, &mut out).map_err(CodecError::encode)?;
        Ok(out)
    }

    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        let mut rest = b;
        let r: Result<ciborium::Value, _> = ciborium::from_reader(&mut rest);
        let used = b.len() - rest.len();
        let cv = r.map_err(|e| decode_error(e, used))?;
        if !rest.is_empty() {
            return Err(CodecError::syntax(format!(
                "trailing bytes at offset {used}"
            )));
        }
        within_depth(from_ciborium(cv)?)
    }

    fn framing(&self) -> Option<Framing> {
        Some(Framing::Concatenated)
    }

    fn read_record(&self, r: &mut dyn BufRead) -> Result<Value, CodecError> {
        // A CBOR sequence (RFC 8742): `from_reader` over the stream, one
        // item per call. Offsets in its errors count from the record.
        let cv: ciborium::Value = ciborium::from_reader(r).map_err(|e| decode_error(e, 0))?;
        within_depth(from_ciborium(cv)?)
    }
}

/// ciborium's own limit counts CBOR items, not `Value` levels (a tag is a
/// level, a set's tag+array is one), so it admits up to 256 levels of tags:
/// hold decoding to the depth the caps declare.
fn within_depth(v: Value) -> Result<Value, CodecError> {
    if v.depth() > MAX_DEPTH {
        return Err(CodecError::limit(format!(
            "nesting depth {} exceeds {MAX_DEPTH}",
            v.depth()
        )));
    }
    Ok(v)
}

fn decode_error(e: ciborium::de::Error<std::io::Error>, used: usize) -> CodecError {
    use ciborium::de::Error;
    match e {
        Error::Io(io) if io.kind() == std::io::ErrorKind::UnexpectedEof => {
            CodecError::syntax(format!("unexpected end of input at offset {used}"))
        }
        Error::Io(io) => CodecError::syntax(format!("{io} (after {used} bytes)")),
        Error::Syntax(at) => CodecError::syntax(format!("invalid CBOR at offset {at}")),
        Error::RecursionLimitExceeded => CodecError::limit(format!(
            "ciborium recursion limit exceeded after {used} bytes"
        )),
        // Semantic errors are raised on well-formed items ciborium's value
        // model does not take (simple values, bignums past 128 bits that it
        // converts itself), except a misplaced break, which is malformed.
        Error::Semantic(at, msg) => {
            let at = at.unwrap_or(used);
            if msg.contains("break") {
                CodecError::syntax(format!("{msg} at offset {at}"))
            } else {
                CodecError::unsupported(format!("{msg} at offset {at}"))
            }
        }
    }
}

fn unsupported(v: &Value) -> CodecError {
    CodecError::unsupported(format!("{} is not written by this CBOR codec", v.kind()))
}

fn bignum(n: &BigInt) -> ciborium::Value {
    // CBOR: tag 2 holds n, tag 3 holds -1 - n, as unsigned big-endian bytes.
    let (tag, magnitude) = if n.sign() == Sign::Minus {
        (tags::NEG_BIGNUM, -n - 1)
    } else {
        (tags::POS_BIGNUM, n.clone())
    };
    let (_, bytes) = magnitude.to_bytes_be();
    ciborium::Value::Tag(tag, Box::new(ciborium::Value::Bytes(bytes)))
}

fn to_ciborium(v: &Value) -> Result<ciborium::Value, CodecError> {
    use ciborium::Value as C;
    let all = |xs: &[Value]| xs.iter().map(to_ciborium).collect::<Result<Vec<_>, _>>();
    Ok(match v {
        Value::Null => C::Null,
        Value::Bool(b) => C::Bool(*b),
        Value::Int(i) => match Integer::try_from(*i) {
            Ok(n) => C::Integer(n),
            Err(_) => bignum(&BigInt::from(*i)),
        },
        Value::BigInt(n) => bignum(n),
        Value::Float(f) => match f.widen(FloatWidth::F64) {
            Float::F64(bits) => C::Float(f64::from_bits(bits)),
            _ => unreachable!("widening to F64 gives F64"),
        },
        Value::Text(s) => C::Text(s.clone()),
        Value::Bytes(b) => C::Bytes(b.clone()),
        Value::Array(xs) | Value::Tuple(xs) => C::Array(all(xs)?),
        Value::Set(xs) => C::Tag(tags::SET, Box::new(C::Array(all(xs)?))),
        Value::FrozenSet(xs) => C::Tag(tags::FROZENSET, Box::new(C::Array(all(xs)?))),
        Value::Ext(ty, data) => C::Tag(
            tags::EXT,
            Box::new(C::Array(vec![
                C::Integer(Integer::from(*ty)),
                C::Bytes(data.clone()),
            ])),
        ),
        Value::Map(kvs) => C::Map(
            kvs.iter()
                .map(|(k, v)| Ok((to_ciborium(k)?, to_ciborium(v)?)))
                .collect::<Result<Vec<_>, CodecError>>()?,
        ),
        Value::Tag(t, inner) if !is_reserved_tag(*t, inner) => {
            C::Tag(*t, Box::new(to_ciborium(inner)?))
        }
        other @ (Value::Tag(..) | Value::Simple(_)) => return Err(unsupported(other)),
    })
}

fn from_ciborium(cv: ciborium::Value) -> Result<Value, CodecError> {
    use ciborium::Value as C;
    let all = |xs: Vec<C>| {
        xs.into_iter()
            .map(from_ciborium)
            .collect::<Result<Vec<_>, _>>()
    };
    Ok(match cv {
        C::Null => Value::Null,
        C::Bool(b) => Value::Bool(b),
        C::Integer(n) => Value::Int(i128::from(n)),
        C::Float(x) => Value::f64(x),
        C::Text(s) => Value::Text(s),
        C::Bytes(b) => Value::Bytes(b),
        C::Array(xs) => Value::Array(all(xs)?),
        C::Map(kvs) => Value::Map(
            kvs.into_iter()
                .map(|(k, v)| Ok((from_ciborium(k)?, from_ciborium(v)?)))
                .collect::<Result<Vec<_>, CodecError>>()?,
        ),
        C::Tag(t, inner) => Value::tagged(t, from_ciborium(*inner)?),
        // ciborium::Value is non-exhaustive.
        other => return Err(CodecError::unsupported(format!("ciborium value {other:?}"))),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crossfmt_value::ErrorKind;

    fn h(s: &str) -> Vec<u8> {
        hex::decode(s.replace(' ', "")).unwrap()
    }

    fn big(s: &str) -> Value {
        Value::integer(s.parse::<BigInt>().unwrap())
    }

    fn representative() -> Vec<Value> {
        vec![
            Value::Null,
            Value::Bool(false),
            Value::from(u64::MAX),
            Value::from(i64::MIN),
            Value::Int(-(1i128 << 64)),
            Value::Int(1i128 << 64),
            Value::Int(-(1i128 << 64) - 1),
            Value::Int(i128::MAX),
            Value::Int(i128::MIN + 1),
            big("340282366920938463463374607431768211456"),
            big("-1000000000000000000000000000000000000000000000"),
            Value::f64(-0.0),
            Value::f64(f64::NAN),
            Value::f64(f64::INFINITY),
            Value::f64(0.1),
            Value::f64(1.5),
            Value::f64(1e300),
            Value::Float(Float::F64(0x7ff0_0000_0000_0001)),
            Value::Float(Float::F64(0xfff8_0000_0000_0001)),
            Value::text("ünïcödé"),
            Value::Bytes(vec![0, 0xff]),
            Value::Array(vec![Value::Null, Value::Array(vec![])]),
            Value::Map(vec![
                (Value::from(1i64), Value::text("int key")),
                (Value::Bytes(vec![1]), Value::Null),
                (Value::Array(vec![Value::Null]), Value::Bool(false)),
                (Value::text("dup"), Value::from(1i64)),
                (Value::text("dup"), Value::from(2i64)),
                (Value::f64(f64::NAN), Value::Map(vec![])),
            ]),
            Value::Tag(1, Box::new(Value::from(1_700_000_000i64))),
            Value::Tag(2, Box::new(Value::text("not bytes: an ordinary tag"))),
            Value::Tag(
                u64::MAX,
                Box::new(Value::Tag(24, Box::new(Value::Bytes(vec![0xf6])))),
            ),
            Value::Set(vec![Value::from(1i64), Value::text("a")]),
        ]
    }

    #[test]
    fn representative_values_round_trip_exactly() {
        let c = Ciborium;
        for v in representative() {
            assert!(c.caps().supports(&v), "{v:?}");
            let b = c.encode(&v).unwrap_or_else(|e| panic!("{v:?}: {e}"));
            let back = c
                .decode(&b)
                .unwrap_or_else(|e| panic!("{}: {e}", hex::encode(&b)));
            assert_eq!(back, v, "{}", hex::encode(&b));
        }
    }

    #[test]
    fn declared_lowerings_come_back_as_normalised() {
        let c = Ciborium;
        for v in [
            Value::f32(1.5),
            Value::f32(-0.0),
            Value::f32(0.1),
            Value::Float(Float::F32(0x7f80_0001)),
            Value::Float(Float::F16(0x7c01)),
            Value::Float(Float::F16(0x3555)),
            Value::Tuple(vec![Value::from(1i64), Value::Set(vec![])]),
        ] {
            let b = c.encode(&v).unwrap();
            assert_eq!(
                c.decode(&b),
                Ok(c.caps().normalise(&v)),
                "{v:?} {}",
                hex::encode(&b)
            );
        }
    }

    #[test]
    fn encoder_writes_the_shortest_exact_float_and_bignum_tags() {
        let c = Ciborium;
        let cases: &[(Value, &str)] = &[
            (Value::f64(1.5), "f93e00"),
            (Value::f64(f64::NAN), "f97e00"),
            (Value::f64(-0.0), "f98000"),
            (Value::f64(1e10), "fa501502f9"),
            (Value::f64(0.1), "fb3fb999999999999a"),
            (Value::Float(Float::F32(0x7f80_0001)), "fa7fc00001"),
            (Value::Int(1i128 << 64), "c249010000000000000000"),
            (Value::Int(-(1i128 << 64) - 1), "c349010000000000000000"),
            (Value::Int(-(1i128 << 64)), "3bffffffffffffffff"),
            (Value::Set(vec![Value::from(1i64)]), "d9010281 01"),
            (Value::Tuple(vec![]), "80"),
        ];
        for (v, want) in cases {
            assert_eq!(
                hex::encode(c.encode(v).unwrap()),
                want.replace(' ', ""),
                "{v:?}"
            );
        }
    }

    #[test]
    fn known_bytes_decode() {
        let c = Ciborium;
        let cases: &[(&str, Value)] = &[
            ("f97e00", Value::f64(f64::NAN)),
            ("f93e00", Value::f64(1.5)),
            ("fa3fc00000", Value::f64(1.5)),
            ("f98000", Value::f64(-0.0)),
            ("f97c01", Value::Float(Float::F64(0x7ff8_0400_0000_0000))),
            ("1b ffffffffffffffff", Value::from(u64::MAX)),
            ("3b ffffffffffffffff", Value::Int(-(1i128 << 64))),
            ("c2 49 010000000000000000", Value::Int(1i128 << 64)),
            ("c3 49 010000000000000000", Value::Int(-(1i128 << 64) - 1)),
            // Non-minimal bignums are valid.
            ("c2 42 0001", Value::from(1i64)),
            ("c2 40", Value::from(0i64)),
            ("c2 5f 41 01 41 00 ff", Value::from(256i64)),
            (
                "c2 51 01 00000000000000000000000000000000",
                big("340282366920938463463374607431768211456"),
            ),
            (
                "d9 0102 83 01 02 03",
                Value::Set(vec![
                    Value::from(1i64),
                    Value::from(2i64),
                    Value::from(3i64),
                ]),
            ),
            (
                "d9 ff14 82 01 02",
                Value::Tuple(vec![Value::from(1i64), Value::from(2i64)]),
            ),
            ("d9 ff15 80", Value::FrozenSet(vec![])),
            ("d9 ff16 82 20 41 00", Value::Ext(-1, vec![0])),
            (
                "d9 ff16 82 19 0100 41 00",
                Value::Tag(
                    tags::EXT,
                    Box::new(Value::Array(vec![
                        Value::from(256i64),
                        Value::Bytes(vec![0]),
                    ])),
                ),
            ),
            ("7f 61 61 62 62 63 ff", Value::text("abc")),
            ("9f 01 ff", Value::Array(vec![Value::from(1i64)])),
            (
                "a2 01 02 01 03",
                Value::Map(vec![
                    (Value::from(1i64), Value::from(2i64)),
                    (Value::from(1i64), Value::from(3i64)),
                ]),
            ),
            ("18 01", Value::from(1i64)),
        ];
        for (hx, want) in cases {
            let got = c.decode(&h(hx));
            assert_eq!(got.as_ref(), Ok(want), "{hx}");
            assert!(got.unwrap().is_well_formed(), "{hx}");
        }
    }

    #[test]
    fn invalid_input_is_a_syntax_error() {
        let c = Ciborium;
        for hx in [
            "",
            "ff",
            "1c",
            "19 01",
            "61",
            "61 ff",
            "62 c3 28",
            "82 01",
            "5f 61 61 ff",
            "a1 01",
            "9f 01",
            "81 ff",
            "fb 3ff8",
        ] {
            let e = c.decode(&h(hx)).expect_err(hx);
            assert_eq!(e.kind, ErrorKind::Syntax, "{hx}: {e}");
        }
    }

    #[test]
    fn trailing_bytes_are_rejected_with_their_offset() {
        let e = Ciborium.decode(&h("01 02")).unwrap_err();
        assert_eq!(
            (e.kind, e.message.as_str()),
            (ErrorKind::Syntax, "trailing bytes at offset 1")
        );
        let e = Ciborium.decode(&h("f97e00 00")).unwrap_err();
        assert_eq!(e.message, "trailing bytes at offset 3");
    }

    #[test]
    fn simple_values_are_outside_ciborium_value() {
        // `undefined` is read as null (ciborium::Value has no undefined): a
        // lossy read recorded as a finding.
        assert_eq!(Ciborium.decode(&h("f7")), Ok(Value::Null));
        for hx in ["e0", "f0", "f8 20", "f8 ff"] {
            let e = Ciborium.decode(&h(hx)).expect_err(hx);
            assert_eq!(e.kind, ErrorKind::Unsupported, "{hx}: {e}");
        }
    }

    #[test]
    fn not_well_formed_inputs_ciborium_accepts() {
        // Library bugs (recorded findings). RFC 8949 §3.3: a two-byte simple
        // value below 32 is not well-formed; ciborium reads f8 14..17 as the
        // one-byte false/true/null/undefined (and reports f8 00..13 as an
        // unknown simple value rather than malformed input).
        assert_eq!(Ciborium.decode(&h("f8 14")), Ok(Value::Bool(false)));
        assert_eq!(Ciborium.decode(&h("f8 15")), Ok(Value::Bool(true)));
        assert_eq!(Ciborium.decode(&h("f8 16")), Ok(Value::Null));
        assert_eq!(
            Ciborium.decode(&h("f8 00")).unwrap_err().kind,
            ErrorKind::Unsupported
        );
        // RFC 8949 §3.2.3: the chunks of an indefinite-length byte string are
        // definite-length byte strings; ciborium accepts a nested
        // indefinite-length chunk.
        assert_eq!(Ciborium.decode(&h("5f 5f ff ff")), Ok(Value::Bytes(vec![])));
    }

    #[test]
    fn negative_bignum_of_16_bytes_past_i128_is_refused() {
        // Library bug (recorded finding): ciborium converts a bignum of up to
        // 16 bytes to i128/u128 itself, and a tag 3 whose magnitude needs the
        // top bit of 16 bytes (-2^127 - 1 and below) fails with "integer too
        // large", though it is a valid bignum.
        let v = Value::integer(BigInt::from(i128::MIN) - 1);
        let b = Ciborium.encode(&v).unwrap();
        assert_eq!(hex::encode(&b), "c35080000000000000000000000000000000");
        let e = Ciborium.decode(&b).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unsupported, "{e}");
        assert!(e.message.contains("integer too large"), "{e}");
        // One byte more and ciborium leaves the tag alone: read fine.
        assert_eq!(
            Ciborium.decode(&h("c3 51 00 80000000000000000000000000000000")),
            Ok(v)
        );
    }

    #[test]
    fn depth_limit_is_the_declared_one() {
        let c = Ciborium;
        let max = c.caps().max_depth;
        // Sets cost two levels in CBOR (tag + array).
        let mut v = Value::Set(vec![]);
        for _ in 1..max {
            v = Value::Set(vec![v]);
        }
        assert_eq!(c.decode(&c.encode(&v).unwrap()), Ok(v));
        let mut v = big("-100000000000000000000000000000000000000000000000000");
        for _ in 1..max {
            v = Value::Set(vec![v]);
        }
        assert_eq!(v.depth(), max);
        assert_eq!(c.decode(&c.encode(&v).unwrap()), Ok(v));
        // Decoding holds to the declared depth, below the library's own
        // limit of 256 nested items.
        let mut b = vec![0x81; max - 1];
        b.push(0x80);
        assert!(c.decode(&b).is_ok());
        b.insert(0, 0x81);
        assert_eq!(c.decode(&b).unwrap_err().kind, ErrorKind::Limit);
        let mut b = vec![0x81; 256];
        b.push(0x80);
        assert_eq!(c.decode(&b).unwrap_err().kind, ErrorKind::Limit);
        let mut deep = Value::Array(vec![]);
        for _ in 0..max {
            deep = Value::Array(vec![deep]);
        }
        assert_eq!(c.encode(&deep).unwrap_err().kind, ErrorKind::Limit);
    }

    #[test]
    fn decoding_stops_at_the_declared_depth() {
        // 128 nested tags around 0: 129 levels, within ciborium's own limit
        // of 256 items (found by the decode_cbor_ciborium fuzz target).
        let mut b = vec![0xc0; MAX_DEPTH];
        b.push(0x00);
        assert_eq!(Ciborium.decode(&b).unwrap_err().kind, ErrorKind::Limit);
        assert!(Ciborium.decode(&b[1..]).is_ok());
    }

    #[test]
    fn caps_refuse_what_this_mapping_does_not_write() {
        let c = Ciborium;
        for v in [
            Value::Simple(crossfmt_value::value::UNDEFINED),
            Value::Simple(0),
        ] {
            assert!(c.caps().unsupported(&v).is_some(), "{v:?}");
            assert_eq!(
                c.encode(&v).unwrap_err().kind,
                ErrorKind::Unsupported,
                "{v:?}"
            );
        }
    }
}
