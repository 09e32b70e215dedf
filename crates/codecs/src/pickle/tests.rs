use super::*;
use crossfmt_value::guard::{contain, Outcome};
use crossfmt_value::value::Float;
use crossfmt_value::ErrorKind;

// CPython 3.11 `pickle.dumps(v, protocol=p)` for p = 0..=5, generated once
// (never loaded back in Python by these tests); see the values below.
const TUPLE_1_A: [&str; 6] = [
    "2849310a56610a70300a7470310a2e",
    "284b0158010000006171007471012e",
    "80024b0158010000006171008671012e",
    "80034b0158010000006171008671012e",
    "80049509000000000000004b018c01619486942e",
    "80059509000000000000004b018c01619486942e",
];
const MIXED: [&str; 6] = [
    concat!(
        "286470300a56610a70310a286c70320a49310a6146322e350a614e614930310a614930300a6173635f636f646563730a",
        "656e636f64650a70330a28566b0a70340a566c6174696e310a70350a7470360a5270370a2849310a49320a7470380a73",
        "49330a635f5f6275696c74696e5f5f0a7365740a70390a28286c7031300a49310a6149320a61747031310a527031320a",
        "735666730a7031330a635f5f6275696c74696e5f5f0a66726f7a656e7365740a7031340a28286c7031350a49330a6174",
        "7031360a527031370a73566269670a7031380a4c31323637363530363030323238323239343031343936373033323035",
        "3337364c0a73566e65670a7031390a4c2d313138303539313632303731373431313330333432344c0a7356620a703230",
        "0a67330a28565c7530303030ff0a7032310a67350a747032320a527032330a7356750a7032340a56e95c75303035635c",
        "75303030615c75323061635c5530303031663630300a7032350a73567a0a7032360a462d302e300a7356696e660a7032",
        "370a462d696e660a732849310a56780a7032380a747032390a567475706c656b65790a7033300a73566d696e0a703331",
        "0a4c2d393232333337323033363835343737353830384c0a73567536340a7033320a4c31383434363734343037333730",
        "393535313631354c0a732e",
    ),
    concat!(
        "7d71002858010000006171015d7102284b014740040000000000004e4930310a4930300a65635f636f646563730a656e",
        "636f64650a71032858010000006b710458060000006c6174696e317105747106527107284b014b027471084b03635f5f",
        "6275696c74696e5f5f0a7365740a7109285d710a284b014b026574710b52710c58020000006673710d635f5f6275696c",
        "74696e5f5f0a66726f7a656e7365740a710e285d710f4b0361747110527111580300000062696771124c313236373635",
        "303630303232383232393430313439363730333230353337364c0a58030000006e656771134c2d313138303539313632",
        "303731373431313330333432344c0a5801000000627114680328580300000000c3bf7115680574711652711758010000",
        "00757118580b000000c3a95c0ae282acf09f9880711958010000007a711a4780000000000000005803000000696e6671",
        "1b47fff0000000000000284b01580100000078711c74711d58080000007475706c656b6579711e58030000006d696e71",
        "1f4c2d393232333337323033363835343737353830384c0a580300000075363471204c31383434363734343037333730",
        "393535313631354c0a752e",
    ),
    concat!(
        "80027d71002858010000006171015d7102284b014740040000000000004e888965635f636f646563730a656e636f6465",
        "0a710358010000006b710458060000006c6174696e3171058671065271074b014b028671084b03635f5f6275696c7469",
        "6e5f5f0a7365740a71095d710a284b014b026585710b52710c58020000006673710d635f5f6275696c74696e5f5f0a66",
        "726f7a656e7365740a710e5d710f4b0361857110527111580300000062696771128a0d00000000000000000000000010",
        "58030000006e656771138a090000000000000000c058010000006271146803580300000000c3bf711568058671165271",
        "175801000000757118580b000000c3a95c0ae282acf09f9880711958010000007a711a47800000000000000058030000",
        "00696e66711b47fff00000000000004b01580100000078711c86711d58080000007475706c656b6579711e5803000000",
        "6d696e711f8a080000000000000080580300000075363471208a09ffffffffffffffff00752e",
    ),
    concat!(
        "80037d71002858010000006171015d7102284b014740040000000000004e88896543016b71034b014b028671044b0363",
        "6275696c74696e730a7365740a71055d7106284b014b0265857107527108580200000066737109636275696c74696e73",
        "0a66726f7a656e7365740a710a5d710b4b036185710c52710d5803000000626967710e8a0d0000000000000000000000",
        "001058030000006e6567710f8a090000000000000000c05801000000627110430200ff71115801000000757112580b00",
        "0000c3a95c0ae282acf09f9880711358010000007a71144780000000000000005803000000696e66711547fff0000000",
        "0000004b01580100000078711686711758080000007475706c656b6579711858030000006d696e71198a080000000000",
        "0000805803000000753634711a8a09ffffffffffffffff00752e",
    ),
    concat!(
        "800495ca000000000000007d94288c0161945d94284b014740040000000000004e88896543016b944b014b0286944b03",
        "8f94284b014b02908c02667394284b0391948c03626967948a0d000000000000000000000000108c036e6567948a0900",
        "00000000000000c08c016294430200ff948c0175948c0bc3a95c0ae282acf09f9880948c017a94478000000000000000",
        "8c03696e669447fff00000000000004b018c01789486948c087475706c656b6579948c036d696e948a08000000000000",
        "00808c03753634948a09ffffffffffffffff00752e",
    ),
    concat!(
        "800595ca000000000000007d94288c0161945d94284b014740040000000000004e88896543016b944b014b0286944b03",
        "8f94284b014b02908c02667394284b0391948c03626967948a0d000000000000000000000000108c036e6567948a0900",
        "00000000000000c08c016294430200ff948c0175948c0bc3a95c0ae282acf09f9880948c017a94478000000000000000",
        "8c03696e669447fff00000000000004b018c01789486948c087475706c656b6579948c036d696e948a08000000000000",
        "00808c03753634948a09ffffffffffffffff00752e",
    ),
];

fn hex(s: &str) -> Vec<u8> {
    hex::decode(s.replace(' ', "")).unwrap()
}

fn int(i: i128) -> Value {
    Value::Int(i)
}

fn big(b: BigInt) -> Value {
    Value::integer(b)
}

/// The value of `MIXED`: `{'a': [1, 2.5, None, True, False], b'k': (1, 2), 3:
/// {1, 2}, 'fs': frozenset({3}), 'big': 2**100, 'neg': -2**70, 'b':
/// b'\x00\xff', 'u': 'é\\\n€😀', 'z': -0.0, 'inf': float('-inf'), (1, 'x'):
/// 'tuplekey', 'min': -2**63, 'u64': 2**64-1}`, pairs sorted.
fn mixed() -> Value {
    let mut pairs = vec![
        (
            Value::text("a"),
            Value::Array(vec![
                int(1),
                Value::f64(2.5),
                Value::Null,
                Value::Bool(true),
                Value::Bool(false),
            ]),
        ),
        (
            Value::Bytes(b"k".to_vec()),
            Value::Tuple(vec![int(1), int(2)]),
        ),
        (int(3), Value::Set(vec![int(1), int(2)])),
        (Value::text("fs"), Value::FrozenSet(vec![int(3)])),
        (Value::text("big"), big(BigInt::from(1) << 100usize)),
        (Value::text("neg"), big(-(BigInt::from(1) << 70usize))),
        (Value::text("b"), Value::Bytes(vec![0, 0xff])),
        (Value::text("u"), Value::text("é\\\n€😀")),
        (Value::text("z"), Value::f64(-0.0)),
        (Value::text("inf"), Value::f64(f64::NEG_INFINITY)),
        (
            Value::Tuple(vec![int(1), Value::text("x")]),
            Value::text("tuplekey"),
        ),
        (Value::text("min"), Value::from(i64::MIN)),
        (Value::text("u64"), Value::from(u64::MAX)),
    ];
    pairs.sort();
    Value::Map(pairs)
}

fn roundtrip(v: &Value) -> Value {
    assert!(SerdePickle.caps().supports(v), "caps should support {v:?}");
    let b = SerdePickle
        .encode(v)
        .unwrap_or_else(|e| panic!("encode {v:?}: {e}"));
    SerdePickle
        .decode(&b)
        .unwrap_or_else(|e| panic!("decode {}: {e}", hex::encode(&b)))
}

fn assert_roundtrips(v: Value) {
    assert_eq!(
        roundtrip(&v),
        SerdePickle.caps().normalise(&v),
        "value {v:?}"
    );
}

fn err(h: &str) -> CodecError {
    match SerdePickle.decode(&hex(h)) {
        Ok(v) => panic!("{h} decoded to {v:?}"),
        Err(e) => e,
    }
}

fn nested_lists(n: usize) -> Vec<u8> {
    let mut b = vec![0x80, 2];
    b.extend(std::iter::repeat_n(b']', n));
    b.extend(std::iter::repeat_n(b'a', n - 1));
    b.push(b'.');
    b
}

#[test]
fn roundtrips_scalars_and_edges() {
    let two = BigInt::from(2);
    for v in [
        Value::Null,
        Value::Bool(false),
        Value::Bool(true),
        int(0),
        int(-1),
        int(255),
        int(256),
        int(-129),
        Value::from(i64::MIN),
        Value::from(i64::MAX),
        Value::from(u64::MAX),
        int(i128::MIN),
        int(i128::MAX),
        big(two.pow(200)),
        big(-two.pow(200)),
        big(-two.pow(127) - 1),
        big(two.pow(4000)), // LONG4: more than 255 bytes
        Value::f64(-0.0),
        Value::f64(f64::NAN),
        Value::f64(f64::INFINITY),
        Value::f64(5e-324),
        Value::Float(Float::F64(0x7ff8_0000_0000_0001)),
        Value::Float(Float::F64(0xfff0_0000_0000_0001)), // negative signalling NaN
        Value::text(""),
        Value::text("héllo \u{1F600}"),
        Value::Bytes(vec![]),
        Value::Bytes(vec![0, 0xff]),
        Value::Bytes(vec![7; 300]),
    ] {
        assert_roundtrips(v);
    }
}

#[test]
fn narrow_floats_come_back_as_f64() {
    assert_eq!(roundtrip(&Value::f32(1.5)), Value::f64(1.5));
    assert_eq!(
        roundtrip(&Value::f16(half::f16::from_f32(-0.0))),
        Value::f64(-0.0)
    );
    let snan = Value::Float(Float::F32(0x7f80_0001));
    assert_eq!(roundtrip(&snan), SerdePickle.caps().normalise(&snan));
}

#[test]
fn roundtrips_containers() {
    for n in 0..6 {
        assert_roundtrips(Value::Tuple((0..n).map(int).collect()));
        assert_roundtrips(Value::Array((0..n).map(int).collect()));
    }
    assert_roundtrips(Value::Array((0..2500).map(int).collect())); // APPENDS chunks of 1000
    assert_roundtrips(Value::Set(vec![]));
    assert_roundtrips(Value::Set(vec![
        int(1),
        Value::text("a"),
        Value::Tuple(vec![Value::Null]),
    ]));
    assert_roundtrips(Value::FrozenSet(vec![
        int(1),
        Value::FrozenSet(vec![int(2)]),
    ]));
    assert_roundtrips(Value::Map(vec![]));
    assert_roundtrips(Value::Map(vec![
        (Value::text("z"), Value::Array(vec![Value::Map(vec![])])),
        (int(-5), Value::Null),
        (Value::Bytes(vec![1]), Value::Set(vec![int(1)])),
        (Value::Null, Value::Bool(true)),
        (Value::f64(1.5), Value::text("float key")),
        (
            Value::Tuple(vec![int(1), Value::FrozenSet(vec![])]),
            Value::Tuple(vec![]),
        ),
        (big(BigInt::from(3).pow(100)), Value::Bytes(vec![])),
    ]));
    let many: Vec<_> = (0..2500).map(|i| (int(i), int(-i))).collect();
    assert_roundtrips(Value::Map(many)); // SETITEMS chunks of 1000
    assert_roundtrips(mixed());
}

#[test]
fn duplicate_map_keys_last_wins() {
    let v = Value::Map(vec![
        (int(1), Value::text("a")),
        (int(2), Value::Null),
        (int(1), Value::text("b")),
    ]);
    assert_eq!(
        roundtrip(&v),
        Value::Map(vec![(int(1), Value::text("b")), (int(2), Value::Null)])
    );
    assert_roundtrips(v);
    // A pickle that sets a key twice: the last value wins, as in CPython.
    // }(K1 K2 K1 K3 u.
    assert_eq!(
        SerdePickle
            .decode(&hex("7d284b014b024b014b03752e"))
            .unwrap(),
        Value::Map(vec![(int(1), int(3))])
    );
}

#[test]
fn python_equal_keys_are_refused_not_dropped() {
    let one_and = |k: Value| Value::Map(vec![(int(1), Value::Null), (k, Value::Null)]);
    for v in [
        one_and(Value::f64(1.0)),
        one_and(Value::Bool(true)),
        Value::Map(vec![
            (Value::f64(0.0), Value::Null),
            (Value::f64(-0.0), Value::Null),
        ]),
        Value::Set(vec![int(1), int(1)]),
        Value::FrozenSet(vec![int(0), Value::Bool(false)]),
        // serde-pickle rounds the integer to f64 to compare: 2**53+1 "==" 2.0**53.
        Value::Set(vec![int((1 << 53) + 1), Value::f64(9007199254740992.0)]),
    ] {
        let e = SerdePickle.encode(&v).unwrap_err();
        assert_eq!(e.kind, ErrorKind::Unsupported, "{v:?}: {e}");
        assert!(e.message.contains("equal"), "{e}");
    }
}

#[test]
fn writes_protocol_3() {
    assert_eq!(
        hex::encode(SerdePickle.encode(&Value::Null).unwrap()),
        "80034e2e"
    );
    // Small integers as BININT (4 bytes), never BININT1/BININT2.
    let t = Value::Tuple(vec![int(1), Value::text("a")]);
    assert_eq!(
        hex::encode(SerdePickle.encode(&t).unwrap()),
        "80034a01000000580100000061862e"
    );
    // Sets are spelled builtins.set([...]) (protocol 3 has no set opcodes).
    let s = hex::encode(SerdePickle.encode(&Value::Set(vec![int(1)])).unwrap());
    assert_eq!(s, "8003636275696c74696e730a7365740a5d284a010000006585522e");
}

#[test]
fn decodes_cpython_pickles_of_every_protocol() {
    let t = Value::Tuple(vec![int(1), Value::text("a")]);
    for (p, h) in TUPLE_1_A.iter().enumerate() {
        assert_eq!(SerdePickle.decode(&hex(h)).unwrap(), t, "protocol {p}");
    }
    for (p, h) in MIXED.iter().enumerate() {
        assert_eq!(
            SerdePickle.decode(&hex(h)).unwrap(),
            mixed(),
            "protocol {p}"
        );
    }
    // NaN, protocol 2: float('nan').
    assert_eq!(
        SerdePickle
            .decode(&hex("8002477ff80000000000002e"))
            .unwrap(),
        Value::f64(f64::NAN)
    );
    // a = [1]; [a, a], protocol 2: the shared list is copied.
    let a = Value::Array(vec![int(1)]);
    assert_eq!(
        SerdePickle
            .decode(&hex("80025d7100285d71014b01616801652e"))
            .unwrap(),
        Value::Array(vec![a.clone(), a])
    );
    // Leftover stack items and open marks at STOP are ignored, as in CPython.
    assert_eq!(SerdePickle.decode(&hex("4b014b022e")).unwrap(), int(2));
    assert_eq!(SerdePickle.decode(&hex("284b012e")).unwrap(), int(1));
}

#[test]
fn known_library_limitation_shared_twice() {
    // a = [1]; b = [a, a]; pickle.dumps([b, b], 2): acyclic, but serde-pickle
    // counts references in the stream, not in the expanded value, and calls
    // it recursive. Documented in the report; refused as unsupported.
    let e = err("80025d7100285d7101285d71024b01616802656801652e");
    assert_eq!(e.kind, ErrorKind::Unsupported);
    assert!(e.message.contains("acyclic"), "{e}");
}

#[test]
fn rejects_malformed_input() {
    for h in [
        "",
        "ff",
        "2e",
        "80",
        "8003",
        "4b",
        "58ffffffff",
        "8002285d2e6c",
        "4e2e00",
        "4e2e2e",
    ] {
        let e = err(h);
        assert_eq!(e.kind, ErrorKind::Syntax, "{h}: {e}");
    }
    // Trailing bytes after STOP (CPython ignores them; refused here).
    assert!(err("80034e2e00").message.contains("railing"));
    // Every proper prefix of a valid pickle is refused.
    for h in MIXED.iter().chain(TUPLE_1_A.iter()) {
        let b = hex(h);
        for n in 0..b.len() {
            assert!(
                SerdePickle.decode(&b[..n]).is_err(),
                "prefix {}",
                hex::encode(&b[..n])
            );
        }
    }
    // DICT / SETITEMS with an odd number of items: CPython raises,
    // serde-pickle silently drops the odd key.
    assert_eq!(err("284b01642e").kind, ErrorKind::Syntax);
    assert_eq!(err("7d284b014b024b03752e").kind, ErrorKind::Syntax);
    // A list as a set member (unhashable).
    assert_eq!(err("80048f285d902e").kind, ErrorKind::Syntax);
    // Recursive: l = []; l.append(l).
    assert!(err("80025d71006800612e").message.contains("recursive"));
}

#[test]
fn rejects_globals_and_objects_naming_them() {
    let cases = [
        // GLOBAL os.system, REDUCE: c os\nsystem\n X'ls' TUPLE1 R .
        ("636f730a73797374656d0a58020000006c7385522e", "os.system"),
        // STACK_GLOBAL (protocol 4) os.system.
        ("80048c026f738c0673797374656d9358020000006c7385522e", "os.system"),
        // INST os.system (serde-pickle alone returns {}).
        ("28696f730a73797374656d0a2e", "os.system"),
        // An instance of a class crossfmt_test.C, protocols 2, 0 and 4.
        ("80026363726f7373666d745f746573740a430a7100298171012e", "crossfmt_test.C"),
        (
            "63636f70795f7265670a5f7265636f6e7374727563746f720a70300a286363726f7373666d745f746573740a430a70\
             310a635f5f6275696c74696e5f5f0a6f626a6563740a70320a4e7470330a5270340a2e",
            "copy_reg._reconstructor",
        ),
        (
            "80049524000000000000008c0d63726f7373666d745f74657374948c01439493942981947d948c0178944b0173622e",
            "crossfmt_test.C",
        ),
        // bytearray(b'ab'), protocols 3 and 5; b'' in protocol 2.
        ("8003636275696c74696e730a6279746561727261790a71004302616271018571025271032e", "builtins.bytearray"),
        ("8005950d000000000000009602000000000000006162942e", "bytearray"),
        ("8002635f5f6275696c74696e5f5f0a62797465730a7100295271012e", "__builtin__.bytes"),
        // BUILD on a dict (serde-pickle alone returns the second dict).
        ("7d7d622e", "BUILD"),
        // _codecs.encode('é', 'utf-8'): serde-pickle alone returns b'\xe9'.
        ("635f636f646563730a656e636f64650a5802000000c3a958050000007574662d3886522e", "utf-8"),
        // _codecs.encode('ab', 'latin1', 'ignore'): serde-pickle alone returns b'latin1'.
        (
            "635f636f646563730a656e636f64650a285802000000616258060000006c6174696e31580600000069676e6f726574522e",
            "3 arguments",
        ),
        // _codecs.encode('\u0100', 'latin1'): serde-pickle alone returns b'\x00'.
        ("635f636f646563730a656e636f64650a5802000000c48058060000006c6174696e3186522e", "latin-1"),
    ];
    for (h, name) in cases {
        let e = err(h);
        assert_eq!(e.kind, ErrorKind::Unsupported, "{h}: {e}");
        assert!(e.message.contains(name), "{h}: {e} should name {name}");
    }
}

#[test]
fn depth_limit() {
    let ok = nested_lists(MAX_DEPTH);
    assert_eq!(SerdePickle.decode(&ok).unwrap().depth(), MAX_DEPTH);
    assert_eq!(
        SerdePickle
            .decode(&nested_lists(MAX_DEPTH + 1))
            .unwrap_err()
            .kind,
        ErrorKind::Limit
    );
    // Deep enough to overflow serde-pickle's recursive conversion (an abort):
    // refused before it runs.
    assert_eq!(
        SerdePickle.decode(&nested_lists(100_000)).unwrap_err().kind,
        ErrorKind::Limit
    );
    let mut deep = Value::Null;
    for _ in 1..MAX_DEPTH {
        deep = Value::Tuple(vec![deep]);
    }
    assert_roundtrips(deep.clone());
    let deeper = Value::Array(vec![deep]);
    assert!(SerdePickle.caps().unsupported(&deeper).is_some());
    assert_eq!(
        SerdePickle.encode(&deeper).unwrap_err().kind,
        ErrorKind::Limit
    );
}

/// `() (DUP TUPLE2)*n`: each step pairs the previous tuple with its copy,
/// so `n` steps expand to 2**n nodes.
fn doubling_pairs(n: usize) -> Vec<u8> {
    let mut b = vec![0x80, 2, b')'];
    for _ in 0..n {
        b.extend([b'2', 0x86]);
    }
    b.push(b'.');
    b
}

#[test]
fn expansion_limit() {
    // 2**40 nodes from 84 bytes.
    let e = SerdePickle.decode(&doubling_pairs(40)).unwrap_err();
    assert_eq!(e.kind, ErrorKind::Limit, "{e}");
    assert!(e.message.contains("expands"), "{e}");
    // A few doublings are fine.
    assert_eq!(SerdePickle.decode(&doubling_pairs(3)).unwrap().depth(), 4);
}

#[test]
fn shared_mutable_objects_are_refused() {
    // DUP of a list, then an APPEND to one of the two: CPython has one list
    // holding itself, serde-pickle two lists.
    let e = SerdePickle.decode(b"]2a.").unwrap_err();
    assert_eq!(e.kind, ErrorKind::Unsupported, "{e}");
    assert!(e.message.contains("DUP"), "{e}");
    // Memo index 0 PUT twice: serde-pickle would give the dict for the text.
    let e = SerdePickle.decode(b"V\n\x94(dp0\n0.").unwrap_err();
    assert!(e.message.contains("PUT a second time"), "{e}");
    // A tuple may be duplicated: nothing can change it.
    assert!(SerdePickle.decode(b"\x80\x02)2\x86.").is_ok());
}

#[test]
fn caps_are_honest() {
    let c = SerdePickle.caps();
    for v in [
        Value::Simple(23),
        Value::Tag(1, Box::new(Value::Null)),
        Value::Ext(-1, vec![]),
        Value::Map(vec![(Value::Array(vec![]), Value::Null)]),
        Value::Map(vec![(Value::Tuple(vec![Value::Map(vec![])]), Value::Null)]),
        Value::Set(vec![Value::Array(vec![])]),
        Value::FrozenSet(vec![Value::Set(vec![])]),
    ] {
        assert!(c.unsupported(&v).is_some(), "{v:?} should be unsupported");
        assert!(SerdePickle.encode(&v).is_err(), "{v:?} should not encode");
    }
}

/// Mutations of valid pickles never panic (a panic would be a serde-pickle
/// finding, reported with its input).
#[test]
fn mutated_pickles_never_panic() {
    let mut seeds: Vec<Vec<u8>> = MIXED
        .iter()
        .chain(TUPLE_1_A.iter())
        .map(|h| hex(h))
        .collect();
    seeds.push(SerdePickle.encode(&mixed()).unwrap());
    let mut panics = Vec::new();
    for s in &seeds {
        for i in 0..s.len() {
            for r in [
                0x00, 0x01, 0x7f, 0x80, 0xff, b'(', b'.', b'0', b'2', b'h', b'a', b'u', 0x94, 0x93,
                b'R',
            ] {
                let mut m = s.clone();
                m[i] = r;
                if let Outcome::Panicked(p) = contain(|| SerdePickle.decode(&m)) {
                    panics.push(format!("{}: {p}", hex::encode(&m)));
                }
            }
            let mut cut = s.clone();
            cut.remove(i);
            if let Outcome::Panicked(p) = contain(|| SerdePickle.decode(&cut)) {
                panics.push(format!("{}: {p}", hex::encode(&cut)));
            }
        }
    }
    assert!(panics.is_empty(), "panics:\n{}", panics.join("\n"));
}
