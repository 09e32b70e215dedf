//! Every check, shown failing on a deliberately broken codec and passing on
//! the correct one. The codec under test stores a value as its diagnostic
//! notation (lossless by construction), so each planted bug is the only
//! thing that can go wrong.

use crossfmt::caps::{Caps, FloatRepr};
use crossfmt::check::{self, Kind, Verdict};
use crossfmt::finding::{Seen, Wanted};
use crossfmt::{notation, Codec, CodecError, Float, FloatWidth, Format, Value};

#[derive(Clone, Copy, PartialEq, Debug)]
enum Bug {
    None,
    /// -0.0 written as 0.0: silent data loss.
    NegZero,
    /// Panics on an input beginning with `[[`.
    PanicOnNestedArray,
    /// Writes an f64 that fits in f32 as f32: wrong only for f64 values.
    NarrowsF64,
    /// Refuses to decode empty arrays.
    RejectsEmptyArray,
    /// Decodes the integer 7 as 8.
    SevenIsEight,
    /// Decodes a top-level `0.5` as its own f32 of different bits, so decode ->
    /// encode -> decode drifts.
    Drifts,
    /// Gives map pairs back in reverse: a bug only for a model that declares
    /// it keeps map order.
    ReversesMaps,
    /// Accepts an empty array but cannot show what it read (a testee's
    /// `unrepresentable` answer).
    CannotShowEmptyArray,
    /// Panics encoding anything nested past its declared depth, instead of
    /// refusing it.
    PanicsPastDepth,
    /// Refuses to encode at its declared depth: it counts from 0.
    RefusesAtDepth,
    /// Text of more than 65,535 bytes comes back cut to 65,535.
    CutsLongText,
    /// Reads every NaN as the one NaN (payload and sign gone), as Google's
    /// pure-Python protobuf does: a bug unless the caps declare it.
    OneNan,
}

struct DiagCodec {
    id: &'static str,
    bug: Bug,
    caps: Caps,
    /// Reads every float back as f64 (by design, declared in `caps`).
    widens: bool,
}

fn codec(id: &'static str, bug: Bug) -> DiagCodec {
    DiagCodec {
        id,
        bug,
        caps: Caps::ALL,
        widens: false,
    }
}

/// `v` with `f` applied to every float in it.
fn map_floats(v: &Value, f: &dyn Fn(Float) -> Float) -> Value {
    v.map_scalars(&|x| match x {
        Value::Float(x) => Some(Value::Float(f(*x))),
        _ => None,
    })
}

impl Codec for DiagCodec {
    fn id(&self) -> &str {
        self.id
    }
    fn format(&self) -> Format {
        Format::Cbor
    }
    fn caps(&self) -> Caps {
        self.caps
    }
    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        let v = match self.bug {
            Bug::NegZero => map_floats(v, &|f| {
                if f.is_neg_zero() {
                    Float::from_f64(0.0)
                } else {
                    f
                }
            }),
            Bug::NarrowsF64 => map_floats(v, &|f| match f {
                Float::F64(_) => f.narrow(FloatWidth::F32).unwrap_or(f),
                _ => f,
            }),
            Bug::PanicsPastDepth if v.depth() > self.caps.max_depth => {
                panic!("stack exhausted at depth {}", v.depth())
            }
            Bug::RefusesAtDepth if v.depth() >= self.caps.max_depth => {
                return Err(CodecError::limit("too deep"))
            }
            _ => v.clone(),
        };
        Ok(notation::print(&v).into_bytes())
    }
    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        let text = std::str::from_utf8(b).map_err(CodecError::syntax)?;
        if self.bug == Bug::PanicOnNestedArray && text.starts_with("[[") {
            panic!("index out of bounds: the len is 0 but the index is 0");
        }
        let mut v = notation::parse(text).map_err(CodecError::syntax)?;
        if self.widens {
            v = map_floats(&v, &|f| f.widen(FloatWidth::F64));
        }
        match (self.bug, &v) {
            (Bug::RejectsEmptyArray, Value::Array(xs)) if xs.is_empty() => {
                Err(CodecError::syntax("empty array"))
            }
            (Bug::CannotShowEmptyArray, Value::Array(xs)) if xs.is_empty() => {
                Err(CodecError::unrepresentable("an empty array"))
            }
            (Bug::SevenIsEight, Value::Int(7)) => Ok(Value::Int(8)),
            (Bug::CutsLongText, Value::Text(t)) if t.len() > 0xffff => {
                let cut = (0..=0xffff).rev().find(|&i| t.is_char_boundary(i));
                Ok(Value::Text(t[..cut.unwrap_or(0)].to_string()))
            }
            (Bug::Drifts, Value::Float(Float::F64(b))) => Ok(Value::Float(Float::F64(b + 1))),
            (Bug::OneNan, _) => Ok(map_floats(&v, &|f| {
                if f.is_nan() {
                    f.width().canonical_nan()
                } else {
                    f
                }
            })),
            (Bug::ReversesMaps, Value::Map(kvs)) => {
                Ok(Value::Map(kvs.iter().rev().cloned().collect()))
            }
            _ => Ok(v),
        }
    }
}

fn failed(r: check::CheckResult) -> Box<check::Finding> {
    match r {
        Err(f) => f,
        Ok(v) => panic!("expected a finding, got {v:?}"),
    }
}

#[test]
fn roundtrip_catches_silent_value_change() {
    let v = Value::Array(vec![Value::f64(-0.0)]);
    assert_eq!(
        check::roundtrip::value_first(&codec("ok", Bug::None), &v),
        Ok(Verdict::Pass)
    );
    let f = failed(check::roundtrip::value_first(
        &codec("bad", Bug::NegZero),
        &v,
    ));
    assert_eq!(f.check, check::ROUNDTRIP);
    assert_eq!(f.codecs, ["bad"]);
    assert_eq!(f.kind, Kind::ValueChanged);
    let d = f.difference.as_ref().expect("the first difference");
    assert_eq!(d.to_string(), "at [0]: expected f64 -0.0, got f64 0.0");
    assert_eq!(d.class(), "f64->f64");
    assert_eq!(
        f.expected,
        Some(Wanted::Value(Value::Array(vec![Value::f64(-0.0)])))
    );
    assert_eq!(
        f.outcomes[0].seen,
        Seen::Value(Value::Array(vec![Value::f64(0.0)]))
    );
    assert_eq!(f.signature(), "roundtrip|bad|value-changed|f64->f64");
    assert!(
        f.to_string()
            .starts_with("roundtrip [bad]: value changed in round trip: at [0]"),
        "{f}"
    );
    assert_eq!(
        f.repro(),
        "crossfmt check roundtrip --codec bad --value='[-0.0]'"
    );
}

#[test]
fn roundtrip_skips_what_the_codec_cannot_represent() {
    let c = DiagCodec {
        caps: Caps {
            bytes: false,
            ..Caps::ALL
        },
        ..codec("nobytes", Bug::None)
    };
    let r = check::roundtrip::value_first(&c, &Value::Bytes(vec![1]));
    assert!(
        matches!(r, Ok(Verdict::Skip(ref why)) if why.contains("bytes")),
        "{r:?}"
    );
}

#[test]
fn roundtrip_bytes_contains_a_panic_and_reports_it() {
    let input = b"[[1]]";
    assert_eq!(
        check::roundtrip::bytes_first(&codec("ok", Bug::None), input),
        Ok(Verdict::Pass)
    );
    let f = failed(check::roundtrip::bytes_first(
        &codec("bad", Bug::PanicOnNestedArray),
        input,
    ));
    assert_eq!(f.kind, Kind::Panic);
    let p = f.panic().expect("the panic is recorded");
    assert!(p.message.starts_with("index out of bounds"), "{p}");
    assert!(
        p.location
            .as_deref()
            .unwrap()
            .contains("checks_catch_bugs.rs"),
        "panic location missing: {p}"
    );
    assert!(f.signature().starts_with(
        "roundtrip-bytes|bad|panic|index out of bounds: the len is N but the index is N|crates/crossfmt/tests/checks_catch_bugs.rs:"
    ), "{}", f.signature());
    assert_eq!(f.input_hex(), hex::encode(input));
}

#[test]
fn roundtrip_bytes_requires_a_fixed_point() {
    let f = failed(check::roundtrip::bytes_first(
        &codec("bad", Bug::Drifts),
        b"0.5",
    ));
    assert_eq!(f.kind, Kind::NotFixedPoint, "{f}");
    // A decode error is fine.
    assert_eq!(
        check::roundtrip::bytes_first(&codec("bad", Bug::Drifts), b"[1,"),
        Ok(Verdict::Pass)
    );
}

#[test]
fn cross_format_catches_a_bug_only_another_codec_exposes() {
    // `widening` reads every float back as f64; `narrowing` mishandles only
    // f64 values. An f32 value passes both round trips, but the f64 that
    // `widening` gives back trips `narrowing`.
    let widening = DiagCodec {
        caps: Caps {
            f16: FloatRepr::As(FloatWidth::F64),
            f32: FloatRepr::As(FloatWidth::F64),
            ..Caps::ALL
        },
        widens: true,
        ..codec("widening", Bug::None)
    };
    let narrowing = codec("narrowing", Bug::NarrowsF64);
    let v = Value::f32(1.5);
    assert_eq!(
        check::roundtrip::value_first(&narrowing, &v),
        Ok(Verdict::Pass)
    );
    assert_eq!(
        check::roundtrip::value_first(&widening, &v),
        Ok(Verdict::Pass)
    );
    assert_eq!(
        check::cross_format::pair(&widening, &codec("ok", Bug::None), &v),
        Ok(Verdict::Pass)
    );
    let f = failed(check::cross_format::pair(&widening, &narrowing, &v));
    assert_eq!(f.check, check::CROSS_FORMAT);
    assert_eq!(f.kind, Kind::TranscodeChanged, "{f}");
    assert_eq!(f.codecs, ["widening", "narrowing"]);
    assert!(
        f.headline()
            .starts_with("transcoding widening -> narrowing changed the value"),
        "{}",
        f.headline()
    );
}

#[test]
fn transcode_carries_what_one_codec_read_from_bytes_through_another() {
    let ok = codec("a", Bug::None);
    let seven = codec("b", Bug::SevenIsEight);
    assert_eq!(
        check::cross_format::from_bytes(&ok, &ok, b"[7]"),
        Ok(Verdict::Pass)
    );
    // The first codec reads 7 from the bytes; the second cannot round-trip
    // it (in an array it can: the bug is on a top-level 7 only).
    let f = failed(check::cross_format::from_bytes(&ok, &seven, b"7"));
    assert_eq!(f.check, check::TRANSCODE);
    assert_eq!(f.kind, Kind::TranscodeChanged, "{f}");
    assert_eq!(f.codecs, ["a", "b"]);
    assert_eq!(
        f.repro(),
        "crossfmt check transcode --codec a --codec b --format cbor --hex 37"
    );
    // Bytes the first codec rejects are not the check's business.
    assert_eq!(
        check::cross_format::from_bytes(&ok, &seven, b"[7"),
        Ok(Verdict::Pass)
    );
}

#[test]
fn differential_catches_disagreements_and_refusals() {
    let ok = codec("a", Bug::None);
    let seven = codec("b", Bug::SevenIsEight);
    let picky = codec("c", Bug::RejectsEmptyArray);
    assert_eq!(
        check::differential::same_bytes(&[&ok, &seven], b"[7]"),
        Ok(Verdict::Pass)
    );
    let f = failed(check::differential::same_bytes(&[&ok, &seven], b"7"));
    assert_eq!(f.kind, Kind::ValuesDiffer, "{f}");
    let rows: Vec<(&str, &Seen)> = f
        .outcomes
        .iter()
        .map(|r| (r.codec.as_str(), &r.seen))
        .collect();
    assert_eq!(
        rows,
        [
            ("a", &Seen::Value(Value::from(7i64))),
            ("b", &Seen::Value(Value::from(8i64)))
        ]
    );
    let f = failed(check::differential::same_bytes(&[&ok, &picky], b"[]"));
    assert_eq!(f.kind, Kind::AcceptReject, "{f}");
    assert_eq!(f.class(), "a=ok,c=err:Syntax:empty array");
    // Both rejecting is agreement.
    assert_eq!(
        check::differential::same_bytes(&[&ok, &picky], b"[1,"),
        Ok(Verdict::Pass)
    );
    let f = failed(check::differential::same_bytes(
        &[&ok, &codec("p", Bug::PanicOnNestedArray)],
        b"[[]]",
    ));
    assert_eq!(f.kind, Kind::Panic, "{f}");
    assert_eq!(f.headline(), "p panicked");
}

/// A reader that reads every NaN as the one NaN disagrees with one that
/// keeps payloads, unless it declares that it keeps none: then the two
/// agree up to it (and still disagree on anything else).
#[test]
fn a_declared_loss_of_nan_payloads_is_no_disagreement() {
    let keeps = codec("a", Bug::None);
    let undeclared = codec("b", Bug::OneNan);
    let declared = DiagCodec {
        caps: Caps {
            nan_payload: false,
            ..Caps::ALL
        },
        ..codec("c", Bug::OneNan)
    };
    let nan = b"[float'7fc00001', float'fff8000000000000']";
    let f = failed(check::differential::same_bytes(&[&keeps, &undeclared], nan));
    assert_eq!(f.kind, Kind::ValuesDiffer, "{f}");
    assert_eq!(
        check::differential::same_bytes(&[&keeps, &declared], nan),
        Ok(Verdict::Pass)
    );
    let f = failed(check::differential::same_bytes(
        &[&codec("d", Bug::SevenIsEight), &declared],
        b"7",
    ));
    assert_eq!(f.kind, Kind::ValuesDiffer, "{f}");
}

#[test]
fn an_accept_without_a_value_is_an_accept() {
    let ok = codec("a", Bug::None);
    let unshown = codec("u", Bug::CannotShowEmptyArray);
    let picky = codec("c", Bug::RejectsEmptyArray);
    // Against a reject: a disagreement, not two refusals.
    let f = failed(check::differential::same_bytes(&[&unshown, &picky], b"[]"));
    assert_eq!(f.kind, Kind::AcceptReject, "{f}");
    // Against an accept: nothing to compare, and nothing wrong.
    assert!(matches!(
        check::differential::same_bytes(&[&ok, &unshown], b"[]"),
        Ok(Verdict::Skip(_))
    ));
    assert!(matches!(
        check::roundtrip::bytes_first(&unshown, b"[]"),
        Ok(Verdict::Skip(_))
    ));
}

#[test]
fn map_order_counts_only_where_the_model_keeps_it() {
    let v = Value::Map(vec![
        (Value::text("b"), Value::from(1i64)),
        (Value::text("a"), Value::from(2i64)),
        (Value::text("c"), Value::from(3i64)),
    ]);
    // Declared: pairs come back in the order written. Reversing them is a bug.
    let f = failed(check::roundtrip::value_first(
        &codec("keeps", Bug::ReversesMaps),
        &v,
    ));
    assert_eq!(f.kind, Kind::ValueChanged, "{f}");
    // Declared: no order (a sorted or hashed map). Any order is the same map,
    // whichever the codec's own is.
    let unordered = DiagCodec {
        caps: Caps {
            map_order: false,
            ..Caps::ALL
        },
        ..codec("sorted-its-own-way", Bug::ReversesMaps)
    };
    assert_eq!(
        check::roundtrip::value_first(&unordered, &v),
        Ok(Verdict::Pass)
    );
    assert_eq!(
        check::roundtrip::bytes_first(&unordered, notation::print(&v).as_bytes()),
        Ok(Verdict::Pass)
    );
}

/// The stress probes on a codec declaring depth 20: each planted bug is
/// found by the probe that reaches it and by no other, and the correct codec
/// passes every probe (past its depth, a refusal is an answer).
#[test]
fn stress_probes_find_what_only_deep_or_long_values_reach() {
    let stress = check::get(check::STRESS).unwrap();
    let with_depth = |bug| DiagCodec {
        caps: Caps {
            max_depth: 20,
            ..Caps::ALL
        },
        ..codec("cbor/deep", bug)
    };
    let run = |c: &DiagCodec, probe: &str| {
        let p = crossfmt::probe::get(probe).unwrap();
        stress.run(&[c], &check::Input::Probe(p))
    };
    for p in crossfmt::probe::PROBES {
        assert_eq!(
            run(&with_depth(Bug::None), p.name),
            Ok(Verdict::Pass),
            "{}",
            p.name
        );
    }

    let panics = with_depth(Bug::PanicsPastDepth);
    assert_eq!(run(&panics, "deep-array/at-limit"), Ok(Verdict::Pass));
    for probe in ["deep-array/past-limit", "deep-map/10000"] {
        let f = failed(run(&panics, probe));
        assert_eq!(f.kind, Kind::Panic, "{f}");
        assert_eq!(f.expected, Some(Wanted::Answer));
        assert!(
            f.repro()
                .ends_with(&format!("--codec cbor/deep --probe {probe}")),
            "{}",
            f.repro()
        );
        assert!(
            f.to_string().contains("one past the codec's max_depth") || probe.ends_with("10000"),
            "{f}"
        );
    }

    let refuses = with_depth(Bug::RefusesAtDepth);
    let f = failed(run(&refuses, "deep-map/at-limit"));
    assert_eq!(f.kind, Kind::EncodeFailed, "{f}");
    assert!(f.to_string().contains("within its declared caps"), "{f}");
    assert_eq!(run(&refuses, "deep-map/past-limit"), Ok(Verdict::Pass));

    let cuts = with_depth(Bug::CutsLongText);
    assert_eq!(run(&cuts, "long-bytes/65537"), Ok(Verdict::Pass));
    let f = failed(run(&cuts, "long-text/65537"));
    assert_eq!(f.kind, Kind::ValueChanged, "{f}");
    assert!(f.signature().ends_with("|text->text"), "{}", f.signature());
    assert_eq!(
        f.bytes,
        Vec::<u8>::new(),
        "a probe finding carries no 65 KiB encoding"
    );
}

/// A `.proto` message, the schema-bound codec over it, and the same codec
/// with a bug a reader of unknown fields could have (it drops them on
/// decode): the run's schema samples find the bug through `roundtrip` and
/// only there, the correct codec is clean, and no check pairs either with
/// `protobuf/prost`, whose bytes are another schema's.
#[test]
fn schema_samples_find_a_reader_that_drops_unknown_fields() {
    use crossfmt::codecs::protobuf::dynamic::Dynamic;
    use crossfmt::run::{self, Plan, Quiet};
    use crossfmt::{CodecRef, Registry};
    use std::sync::Arc;

    struct DropsUnknown(Dynamic);
    impl Codec for DropsUnknown {
        fn id(&self) -> &str {
            "protobuf/drops-unknown"
        }
        fn format(&self) -> Format {
            Format::Protobuf
        }
        fn schema(&self) -> Option<&str> {
            self.0.schema()
        }
        fn caps(&self) -> Caps {
            self.0.caps()
        }
        fn unsupported(&self, v: &Value) -> Option<String> {
            self.0.unsupported(v)
        }
        fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
            self.0.encode(v)
        }
        fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
            let known = self
                .0
                .message()
                .fields()
                .map(|f| f.number() as i128)
                .collect::<Vec<_>>();
            match self.0.decode(b)? {
                Value::Map(fields) => Ok(Value::Map(
                    fields
                        .into_iter()
                        .filter(|(k, _)| matches!(k, Value::Int(n) if known.contains(n)))
                        .collect(),
                )),
                other => Ok(other),
            }
        }
        fn samples(&self, seed: u64, n: usize) -> Vec<Value> {
            self.0.samples(seed, n)
        }
    }

    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("point.proto");
    std::fs::write(
        &file,
        "syntax = \"proto3\";\npackage geo;\nmessage Point { sint32 x = 1; sint32 y = 2; string label = 3; repeated Point near = 4; }\n",
    )
    .unwrap();
    let compile = || Dynamic::compile(&file, "geo.Point", &[]).unwrap();
    let plan = Plan::default_checks();
    let findings = |codec: CodecRef| {
        let prost = Registry::builtin()
            .select(&["protobuf/prost".to_string()])
            .unwrap()
            .all()[0]
            .clone();
        let registry = Registry::new(vec![codec, prost]);
        let cases = run::schema_cases(&registry, 1, 64);
        assert!(cases.len() > 64, "values and their encodings");
        let out = run::run(&registry, &cases, &plan, &Default::default(), &mut Quiet);
        assert!(
            !out.tallies
                .values()
                .any(|(check, ids, _)| *check == check::DIFFERENTIAL
                    && ids.iter().any(|i| i == "protobuf/prost")),
            "a schema-bound codec is no implementation of prost's schema"
        );
        out.findings
    };

    assert!(findings(Arc::new(compile())).is_empty());
    let found = findings(Arc::new(DropsUnknown(compile())));
    assert!(!found.is_empty());
    for r in &found {
        assert_eq!(r.finding.check, check::ROUNDTRIP, "{}", r.finding);
        assert_eq!(r.finding.kind, Kind::ValueChanged, "{}", r.finding);
        assert!(r.case.contains("/sample-"), "{}", r.case);
    }
}
