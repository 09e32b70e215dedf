//! The struct engine against CPython: the committed vectors
//! (`conformance/suites/struct-cpython.json`, written by CPython's own
//! `struct`) must pass in full.

use crossfmt::codec::pystruct::StructCodec;
use crossfmt::codec::Codec;
use crossfmt::notation;
use serde_json::Value as Json;

fn suite() -> Vec<Json> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/conformance/suites/struct-cpython.json"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let suite: Json = serde_json::from_str(&text).unwrap();
    suite["cases"].as_array().unwrap().clone()
}

/// `None` when the case passes, else why not.
fn run_case(case: &Json) -> Option<String> {
    let field = |k: &str| case[k].as_str().unwrap_or_default();
    let schema = field("schema");
    let expect = case["expect"].as_str().unwrap_or("accept");
    let codec = match StructCodec::new(schema) {
        Ok(c) => c,
        Err(_) if expect == "reject" => return None,
        Err(e) => return Some(format!("format rejected: {e}")),
    };
    let value = || notation::parse(field("value")).unwrap();
    match (field("op"), expect) {
        ("encode", "reject") => codec
            .encode(&value())
            .ok()
            .map(|b| format!("encoded to {}", hex::encode(b))),
        ("encode", _) => match codec.encode(&value()) {
            Ok(b) => {
                let got = hex::encode(&b);
                let ok = case["encodings"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|e| e.as_str() == Some(&got));
                (!ok).then(|| format!("encoded to {got}"))
            }
            Err(e) => Some(format!("encode failed: {e}")),
        },
        ("decode", expect) => {
            let input = hex::decode(field("input")).unwrap();
            match (codec.decode(&input), expect) {
                (Err(_), "reject" | "implementation-defined") => None,
                (Err(e), _) => Some(format!("decode failed: {e}")),
                (Ok(v), "reject") => Some(format!("decoded to {}", notation::print(&v))),
                (Ok(v), _) if case.get("value").is_none() || v == value() => None,
                (Ok(v), _) => Some(format!("decoded to {}", notation::print(&v))),
            }
        }
        (op, _) => Some(format!("unknown op {op}")),
    }
}

#[test]
fn cpython_vectors_pass_in_full() {
    let cases = suite();
    assert!(cases.len() > 2000, "{} cases", cases.len());
    let failures: Vec<String> = cases
        .iter()
        .filter_map(|c| run_case(c).map(|why| format!("{}: {why}", c["id"])))
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}

mod live {
    //! A live differential against CPython's `struct` through the Python
    //! reference testee, on thousands of random formats and records.

    use crossfmt::check::schema_differential::{decode_pair, record};
    use crossfmt::codec::external::{start, Limits};
    use crossfmt::codec::pystruct::strategy::{format_and_any_values, format_and_bytes};
    use crossfmt::codec::pystruct::StructCodec;
    use crossfmt::codec::CodecRef;
    use crossfmt::Value;
    use proptest::test_runner::{Config, TestCaseError, TestRunner};
    use std::path::Path;

    const CASES: u32 = 3000;

    fn cpython() -> Option<CodecRef> {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let testee = root.join("conformance/testees/python/testee");
        let python = std::process::Command::new("python3")
            .arg("--version")
            .output();
        if !testee.exists() || !python.is_ok_and(|o| o.status.success()) {
            eprintln!("skipping: no Python reference testee or python3");
            return None;
        }
        let codecs = start(testee.to_str().unwrap(), Limits::default())
            .unwrap_or_else(|e| panic!("starting the reference testee: {e}"));
        let found = codecs.into_iter().find(|c| c.id() == "struct/cpython");
        Some(found.expect("the reference testee announces struct/cpython"))
    }

    fn runner() -> TestRunner {
        TestRunner::new(Config {
            cases: CASES,
            failure_persistence: None,
            ..Config::default()
        })
    }

    #[test]
    fn engine_agrees_with_cpython_on_random_formats() {
        let Some(reference) = cpython() else { return };
        let engine = StructCodec::new("").unwrap();
        let packs = std::cell::Cell::new(0u32);
        runner()
            .run(&format_and_any_values(), |(format, values)| {
                packs.set(packs.get() + 1);
                record(&engine, reference.as_ref(), &format, &Value::Array(values))
                    .map(drop)
                    .map_err(|f| TestCaseError::fail(f.to_string()))
            })
            .unwrap();
        let unpacks = std::cell::Cell::new(0u32);
        runner()
            .run(&format_and_bytes(), |(format, bytes)| {
                unpacks.set(packs.get() + 1);
                decode_pair(&engine, reference.as_ref(), &format, &bytes)
                    .map(drop)
                    .map_err(|f| TestCaseError::fail(f.to_string()))
            })
            .unwrap();
        let (packs, unpacks) = (packs.get(), unpacks.get());
        eprintln!(
            "struct vs CPython: {packs} random records packed and unpacked, \
             {unpacks} random buffers unpacked"
        );
        assert!(packs >= CASES && unpacks >= CASES);
    }

    #[test]
    fn bad_formats_agree_with_cpython() {
        let Some(reference) = cpython() else { return };
        let engine = StructCodec::new("").unwrap();
        for format in [
            "z",
            "3",
            "<3",
            "h<",
            "<<h",
            " <h",
            "3 h",
            "<n",
            "=P",
            "99999999999999999999b",
            "@9223372036854775807xl",
            "h\0",
        ] {
            decode_pair(&engine, reference.as_ref(), format, b"")
                .unwrap_or_else(|f| panic!("{format:?}: {f}"));
        }
    }
}
