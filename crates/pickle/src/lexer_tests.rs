use super::*;
use crate::text;

mod vectors {
    include!("testdata/lexer_vectors.rs");
}

/// What pickletools prints for an argument, in the generator's spelling.
fn spelled(op: &Op<'_>) -> String {
    let hex = |b: &[u8]| b.iter().map(|x| format!("{x:02x}")).collect::<String>();
    let utf8 = |b: &[u8]| format!("s{}", hex(b));
    match (op.info.arg, op.arg) {
        (_, Arg::None) => "-".into(),
        (ArgKind::DecimalNlShort, Arg::Line(l)) if op.code == crate::opcodes::op::INT => {
            match text::int_line(l).unwrap() {
                Ok(n) => format!("i{n}"),
                Err(b) => format!("i{}", u8::from(b)),
            }
        }
        (ArgKind::DecimalNlShort, Arg::Line(l)) => format!("i{}", text::memo_key(l).unwrap()),
        (ArgKind::DecimalNlLong, Arg::Line(l)) => format!("i{}", text::long_line(l).unwrap()),
        (ArgKind::FloatNl, Arg::Line(l)) => format!("f{:?}", text::float_line(l).unwrap()),
        (ArgKind::StringNl, Arg::Line(l)) => utf8(&text::string_literal(l).unwrap()),
        (ArgKind::UnicodeStringNl, Arg::Line(l)) => {
            utf8(text::raw_unicode_escape(l).unwrap().as_bytes())
        }
        (_, Arg::Line(l)) => utf8(l),
        (_, Arg::Pair(m, n)) => utf8(&[m, b" ", n].concat()),
        (_, Arg::Int(i)) => format!("i{i}"),
        (_, Arg::U64(i)) => format!("i{i}"),
        (_, Arg::Long(b)) => format!("i{}", text::long_bytes(b)),
        (_, Arg::Float(x)) => format!("f{x:?}"),
        (ArgKind::String1 | ArgKind::String4, Arg::Bytes(b)) => utf8(b),
        (_, Arg::Bytes(b)) => format!("b{}", hex(b)),
        (_, Arg::Text(b)) => utf8(b),
    }
}

fn unhex(s: &str) -> Vec<u8> {
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(&s[i..i + 2], 16).unwrap())
        .collect()
}

#[test]
fn agrees_with_pickletools_on_every_opcode() {
    let mut seen = std::collections::BTreeSet::new();
    for (hex, expected) in vectors::CASES {
        let bytes = unhex(hex);
        let got: Vec<String> = ops(&bytes)
            .map(|op| {
                let op = op.unwrap_or_else(|e| panic!("{hex}: {e}"));
                seen.insert(op.info.name);
                format!("{} {} {}", op.offset, op.info.name, spelled(&op))
            })
            .collect();
        // pickletools spells floats with repr; Rust's {:?} agrees for these.
        assert_eq!(got, *expected, "{hex}");
    }
    assert_eq!(seen.len(), opcodes::OPCODES.len());
}

fn err(bytes: &[u8]) -> LexError {
    ops(bytes)
        .find_map(Result::err)
        .expect("the lexer reports an error")
}

#[test]
fn reports_errors_with_offsets() {
    assert_eq!(
        err(b"\x80\x04\xff."),
        LexError {
            offset: 2,
            kind: LexErrorKind::UnknownOpcode(0xff)
        }
    );
    assert_eq!(
        err(b"N\x8e\xff\xff\xff\xff\xff\xff\xff\xffab"),
        LexError {
            offset: 1,
            kind: LexErrorKind::Truncated("BINBYTES8")
        }
    );
    assert_eq!(err(b"cos\nsystem").kind, LexErrorKind::Truncated("GLOBAL"));
    assert_eq!(err(b"NN").kind, LexErrorKind::NoStop);
    assert_eq!(err(b"NN").offset, 2);
    let e = err(b"\x8b\xff\xff\xff\xff.");
    assert!(
        matches!(e.kind, LexErrorKind::BadArgument("LONG4", _)),
        "{e}"
    );
    assert_eq!(e.to_string(), "offset 0: LONG4: negative byte count -1");
    assert_eq!(
        err(b"K").to_string(),
        "offset 0: pickle data was truncated in the argument of BININT1"
    );
}

#[test]
fn stops_after_stop_and_after_an_error() {
    let mut it = ops(b"N.junk");
    assert_eq!(it.next().unwrap().unwrap().info.name, "NONE");
    assert_eq!(it.next().unwrap().unwrap().info.name, "STOP");
    assert!(it.next().is_none());
    assert_eq!(it.position(), 2);
    let mut it = ops(b"\xff\xff");
    assert!(it.next().unwrap().is_err());
    assert!(it.next().is_none());
}

/// `hot` reads the ops it knows exactly as `ops` does, at every op of every
/// vector and of every truncation of one (where it must not read past the
/// end).
#[test]
fn hot_ops_read_as_the_lexer_reads_them() {
    let mut read = 0;
    for (hex, _) in vectors::CASES {
        let whole = unhex(hex);
        for cut in 1..=whole.len() {
            let bytes = &whole[..cut];
            for item in ops(bytes) {
                match item {
                    Ok(o) => {
                        if let Some(h) = hot(bytes, o.offset) {
                            assert_eq!(h, o, "{hex} cut at {cut}");
                            read += 1;
                        }
                    }
                    Err(e) => assert_eq!(hot(bytes, e.offset), None, "{hex} cut at {cut}: {e}"),
                }
            }
        }
    }
    assert!(read > 10_000, "only {read} ops read by hot");
}
