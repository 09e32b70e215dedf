//! `pickle/crossfmt` writes the bytes CPython 3.11's `pickle.dumps(v,
//! protocol=p)` writes, for every corpus value Python can represent and every
//! protocol 0–5, compared through the Python reference testee with
//! `check::differential::same_encoding`. Each remaining difference must be
//! listed, with its cause, in `tests/fixtures/pickle_cpython_differences.txt`;
//! a listed difference that no longer occurs fails too (stale).
//!
//! Needs `python3` (CPython 3.11+); fails, never skips, without it.

use crossfmt::check::differential::same_encoding;
use crossfmt::codecs::external::{self, Limits};
use crossfmt::codecs::pickle::crossfmt::PickleCrossfmt;
use crossfmt::corpus;
use crossfmt::Codec;
use crossfmt::Value;
use std::collections::BTreeSet;
use std::path::Path;

const KNOWN: &str = "fixtures/pickle_cpython_differences.txt";

/// `value-name protocol` lines of the list (comments say why).
fn known(root: &Path) -> BTreeSet<String> {
    let text = std::fs::read_to_string(root.join(KNOWN)).unwrap_or_else(|e| panic!("{KNOWN}: {e}"));
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .map(String::from)
        .collect()
}

#[test]
fn encoder_is_byte_identical_to_cpython() {
    let testee = crate::util::reference_testee();
    let codecs = external::start(&testee.to_string_lossy(), Limits::default())
        .unwrap_or_else(|e| panic!("starting the Python reference testee: {e}"));
    let cpython = codecs
        .iter()
        .find(|c| c.id() == "pickle/cpython")
        .expect("the testee announces pickle/cpython");
    let mut values: Vec<(String, Value)> = corpus::load_values(&corpus::builtin_root())
        .expect("corpus values load")
        .into_iter()
        .map(|c| (c.name, c.value))
        .collect();
    values.extend(framing_and_batching());
    let ours = PickleCrossfmt::default();
    let (mut compared, mut found) = (0, BTreeSet::new());
    let mut report = Vec::new();
    for p in 0..=5u8 {
        let a = ours.for_schema(&p.to_string()).unwrap();
        let b = cpython.for_schema(&p.to_string()).unwrap();
        for (name, value) in &values {
            match same_encoding(a.as_ref(), b.as_ref(), value) {
                Ok(crossfmt::check::Verdict::Pass) => compared += 1,
                Ok(_) => {}
                Err(f) => {
                    let key = format!("{name} {p}");
                    report.push(format!("{key}: {f}"));
                    found.insert(key);
                }
            }
        }
    }
    let known = known(&crate::util::here(""));
    let new: Vec<_> = report
        .iter()
        .filter(|r| !known.contains(r.split(':').next().unwrap()))
        .collect();
    let stale: Vec<_> = known.difference(&found).collect();
    assert!(compared > 100, "only {compared} encodings compared");
    assert!(
        new.is_empty() && stale.is_empty(),
        "{compared} encodings identical; {} differ, unlisted:\n{}\nlisted but no longer different: {stale:?}",
        found.len(),
        new.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
    eprintln!(
        "{compared} encodings identical to CPython, {} listed differences",
        found.len()
    );
}

/// Values past the sizes where CPython's pickler changes course: frames
/// closed at 64 KiB, payloads of 64 KiB written outside frames, batches of
/// 1000 (and the empty batch after exactly 1000 dict items or set members),
/// memo indexes past 255 (`LONG_BINPUT`), sets in hash-table order.
fn framing_and_batching() -> Vec<(String, Value)> {
    let int = |i: i64| Value::from(i);
    let text = |i: usize| Value::Text(format!("item {i:06}"));
    let big_text = Value::Text("x".repeat(70_000));
    let big_bytes = Value::Bytes(vec![7; 65_536]);
    vec![
        (
            "gen-list-20000-str".into(),
            Value::Array((0..20_000).map(text).collect()),
        ),
        (
            "gen-list-with-large-payloads".into(),
            Value::Array(vec![text(1), big_text.clone(), text(2), big_bytes, text(3)]),
        ),
        ("gen-large-str".into(), big_text),
        (
            "gen-dict-1000".into(),
            Value::Map((0..1000).map(|i| (int(i), text(i as usize))).collect()),
        ),
        (
            "gen-dict-2001".into(),
            Value::Map((0..2001).map(|i| (text(i as usize), int(i))).collect()),
        ),
        (
            "gen-set-1000".into(),
            Value::Set((0..1000).map(|i| int(i * 7)).collect()),
        ),
        (
            "gen-set-mixed-numbers".into(),
            Value::Set(vec![int(-5), Value::f64(2.5), int(1 << 40), int(3)]),
        ),
        (
            "gen-list-1000".into(),
            Value::Array((0..1000).map(int).collect()),
        ),
        (
            "gen-list-1001".into(),
            Value::Array((0..1001).map(int).collect()),
        ),
        (
            "gen-tuples-300".into(),
            Value::Array(
                (0..300)
                    .map(|i| Value::Tuple(vec![int(i), text(i as usize)]))
                    .collect(),
            ),
        ),
    ]
}
