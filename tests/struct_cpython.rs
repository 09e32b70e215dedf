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
