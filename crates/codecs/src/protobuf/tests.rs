use super::*;
use crossfmt_value::ErrorKind;
use num_bigint::BigInt;

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

fn roundtrip(v: &Value) -> Value {
    assert!(Prost.caps().supports(v), "caps should support {v:?}");
    let b = Prost
        .encode(v)
        .unwrap_or_else(|e| panic!("encode {v:?}: {e}"));
    Prost
        .decode(&b)
        .unwrap_or_else(|e| panic!("decode {}: {e}", hex::encode(&b)))
}

fn assert_roundtrips(v: Value) {
    assert_eq!(roundtrip(&v), Prost.caps().normalise(&v), "value {v:?}");
}

fn nested_arrays(depth: usize) -> Value {
    let mut v = Value::Null;
    for _ in 1..depth {
        v = Value::Array(vec![v]);
    }
    v
}

fn nested_maps(depth: usize) -> Value {
    let mut v = Value::Null;
    for _ in 1..depth {
        v = Value::Map(vec![(Value::Null, v)]);
    }
    v
}

#[test]
fn roundtrips_scalars_and_edges() {
    for v in [
        Value::Null,
        Value::Bool(false),
        Value::Bool(true),
        Value::from(0i64),
        Value::from(-1i64),
        Value::from(i64::MIN),
        Value::from(i64::MAX),
        Value::Int(i128::from(i64::MAX) + 1),
        Value::from(u64::MAX),
        Value::f64(-0.0),
        Value::f32(-0.0),
        Value::f64(f64::NAN),
        Value::f64(f64::INFINITY),
        Value::f32(f32::NEG_INFINITY),
        Value::f32(1.5),
        Value::f64(0.1),
        Value::f64(f64::MIN_POSITIVE / 2.0),
        Value::text(""),
        Value::text("héllo \u{1F600}"),
        Value::Bytes(vec![]),
        Value::Bytes(vec![0, 0xff, 0x80]),
    ] {
        assert_roundtrips(v);
    }
}

#[test]
fn nan_payloads_survive() {
    for f in [
        Float::F64(0x7ff8_0000_0000_0001),
        Float::F64(0xfff0_0000_0000_0001), // negative signalling NaN
        Float::F32(0x7f80_0001),           // signalling NaN
        Float::F32(0xffc0_1234),
    ] {
        let v = Value::Float(f);
        assert!(f.is_nan_with_payload());
        assert_eq!(roundtrip(&v), v, "bits {f:?}");
    }
}

#[test]
fn f16_is_widened_to_f32() {
    let v = Value::f16(half::f16::from_f32(1.5));
    assert_eq!(roundtrip(&v), Value::f32(1.5));
    let nan = Value::Float(Float::F16(0x7d01)); // signalling NaN with payload
    assert_eq!(
        roundtrip(&nan),
        Value::Float(Float::F16(0x7d01).widen(FloatWidth::F32))
    );
    assert_eq!(Prost.caps().normalise(&nan), roundtrip(&nan));
}

#[test]
fn roundtrips_containers() {
    assert_roundtrips(Value::Array(vec![]));
    assert_roundtrips(Value::Map(vec![]));
    assert_roundtrips(Value::Array(vec![
        Value::Null,
        Value::from(1i64),
        Value::text("a"),
    ]));
    // Tuples come back as arrays.
    let t = Value::Tuple(vec![Value::from(1i64), Value::Tuple(vec![])]);
    assert_eq!(
        roundtrip(&t),
        Value::Array(vec![Value::from(1i64), Value::Array(vec![])])
    );
    assert_roundtrips(t);
    // Keys of any kind, order and duplicates kept.
    let m = Value::Map(vec![
        (Value::text("z"), Value::from(1i64)),
        (Value::Bytes(vec![1]), Value::Null),
        (Value::Array(vec![Value::f64(f64::NAN)]), Value::Bool(true)),
        (Value::Map(vec![]), Value::f32(2.5)),
        (Value::text("z"), Value::from(2i64)),
        (
            Value::from(u64::MAX),
            Value::Array(vec![Value::Map(vec![(Value::Null, Value::Null)])]),
        ),
    ]);
    assert_eq!(roundtrip(&m), m);
}

#[test]
fn known_encodings() {
    let cases: Vec<(Value, &str)> = vec![
        (Value::Null, "0a 00"),
        (Value::Bool(true), "10 01"),
        (Value::from(1i64), "18 02"),
        (Value::from(-1i64), "18 01"),
        (Value::from(i64::MIN), "18 ffffffffffffffffff01"),
        (
            Value::Int(i128::from(i64::MAX) + 1),
            "20 80808080808080808001",
        ),
        (Value::from(u64::MAX), "20 ffffffffffffffffff01"),
        (Value::f32(1.5), "2d 0000c03f"),
        (Value::f64(-0.0), "31 0000000000000080"),
        (Value::text("a"), "3a 01 61"),
        (Value::Bytes(vec![0, 0xff]), "42 02 00ff"),
        (Value::Array(vec![Value::from(1i64)]), "4a 04 0a02 1802"),
        (
            Value::Map(vec![(Value::text("a"), Value::Null)]),
            "52 0b 0a09 0a03 3a0161 1202 0a00",
        ),
    ];
    for (v, h) in cases {
        let b = hex(h);
        assert_eq!(
            hex::encode(Prost.encode(&v).unwrap()),
            hex::encode(&b),
            "encoding of {v:?}"
        );
        assert_eq!(Prost.decode(&b).unwrap(), v, "decoding of {h}");
    }
}

#[test]
fn small_uint_is_the_same_integer() {
    assert_eq!(Prost.decode(&hex("20 05")).unwrap(), Value::from(5i64));
    assert_eq!(Prost.decode(&hex("20 00")).unwrap(), Value::from(0i64));
}

#[test]
fn unknown_fields_are_skipped() {
    // bool true, then unknown field 15 (varint 5) and field 16 (LEN "xy").
    assert_eq!(
        Prost.decode(&hex("10 01 78 05 8201 02 7879")).unwrap(),
        Value::Bool(true)
    );
    // Unknown field inside a list's item and inside the list itself.
    assert_eq!(
        Prost.decode(&hex("4a 08 0a04 1802 7801 7802")).unwrap(),
        Value::Array(vec![Value::from(1i64)])
    );
}

#[test]
fn last_oneof_member_wins() {
    // int 1, then bool true: protobuf's last-one-wins for a oneof.
    assert_eq!(
        Prost.decode(&hex("18 02 10 01")).unwrap(),
        Value::Bool(true)
    );
    // Two occurrences of the list member are merged (items concatenated).
    assert_eq!(
        Prost
            .decode(&hex("4a 04 0a02 0a00 4a 04 0a02 0a00"))
            .unwrap(),
        Value::Array(vec![Value::Null, Value::Null])
    );
}

#[test]
fn rejects_bad_input() {
    let kind = |h: &str| Prost.decode(&hex(h)).unwrap_err().kind;
    // No kind set: the empty message, and a message of unknown fields only.
    assert_eq!(kind(""), ErrorKind::Unsupported);
    assert_eq!(kind("78 05"), ErrorKind::Unsupported);
    // An item of a list with no kind.
    assert_eq!(kind("4a 02 0a00"), ErrorKind::Unsupported);
    // Map entries missing a key or a value.
    assert_eq!(kind("52 06 0a04 1202 0a00"), ErrorKind::Unsupported);
    assert_eq!(kind("52 06 0a04 0a02 0a00"), ErrorKind::Unsupported);
    // Garbage, truncation, invalid UTF-8, wire-type mismatch, field number 0.
    assert_eq!(kind("ff ff ff"), ErrorKind::Syntax);
    assert_eq!(kind("3a 05 61"), ErrorKind::Syntax);
    assert_eq!(kind("18"), ErrorKind::Syntax);
    assert_eq!(kind("2d 0000"), ErrorKind::Syntax);
    assert_eq!(kind("3a 01 ff"), ErrorKind::Syntax);
    assert_eq!(kind("1d 00000000"), ErrorKind::Syntax); // int as fixed32
    assert_eq!(kind("00 00"), ErrorKind::Syntax);
    // A truncated valid encoding never decodes to something else silently.
    let full = Prost
        .encode(&Value::Array(vec![Value::text("abc"), Value::from(-7i64)]))
        .unwrap();
    for n in 1..full.len() {
        assert!(
            Prost.decode(&full[..n]).is_err(),
            "prefix {}",
            hex::encode(&full[..n])
        );
    }
}

#[test]
fn depth_limit_is_exact_for_maps() {
    let ok = nested_maps(MAX_DEPTH);
    assert_eq!(roundtrip(&ok), ok);
    // One deeper: encode refuses (caps say so), and prost refuses the bytes.
    let deep = nested_maps(MAX_DEPTH + 1);
    assert!(Prost
        .caps()
        .unsupported(&deep)
        .unwrap()
        .contains("nesting depth"));
    assert_eq!(Prost.encode(&deep).unwrap_err().kind, ErrorKind::Limit);
    let bytes = to_message(&deep).unwrap().encode_to_vec();
    assert_eq!(Prost.decode(&bytes).unwrap_err().kind, ErrorKind::Limit);
}

#[test]
fn depth_limit_for_arrays() {
    // Arrays cost two messages a level: 1 + 2 * (d - 1) + 1 <= 101, d <= 50.
    let ok = to_message(&nested_arrays(50)).unwrap().encode_to_vec();
    assert_eq!(Prost.decode(&ok).unwrap(), nested_arrays(50));
    let deep = to_message(&nested_arrays(51)).unwrap().encode_to_vec();
    assert_eq!(Prost.decode(&deep).unwrap_err().kind, ErrorKind::Limit);
    // A non-null leaf saves the Null message: one level more.
    let mut v = Value::Bool(true);
    for _ in 1..51 {
        v = Value::Array(vec![v]);
    }
    assert_eq!(
        Prost
            .decode(&to_message(&v).unwrap().encode_to_vec())
            .unwrap(),
        v
    );
}

#[test]
fn caps_are_honest() {
    let c = Prost.caps();
    for v in [
        Value::Set(vec![]),
        Value::FrozenSet(vec![]),
        Value::Tag(1, Box::new(Value::Null)),
        Value::Ext(-1, vec![]),
        Value::Simple(23),
        Value::Int(i128::from(u64::MAX) + 1),
        Value::Int(i128::from(i64::MIN) - 1),
        Value::BigInt(BigInt::from(i128::MAX) * 4),
        Value::Array(vec![Value::Set(vec![])]),
    ] {
        assert!(c.unsupported(&v).is_some(), "{v:?} should be unsupported");
        assert!(Prost.encode(&v).is_err(), "{v:?} should not encode");
    }
    assert!(c.supports(&Value::Map(vec![(Value::Array(vec![]), Value::Null)])));
}
