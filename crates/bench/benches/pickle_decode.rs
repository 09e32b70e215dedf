//! Decode throughput of crossfmt's pickle machine (`pickle/crossfmt`) and of
//! `pickle/serde-pickle`, on the bytes `crates/bench/benches/pickle_decode_cpython.py`
//! times with CPython's C `pickle.loads`:
//!
//! - `suite`: every decode/accept case of `conformance/suites/pickle-cpython.json`,
//!   one iteration decoding each case once;
//! - `records-p4`, `records-p2`: a list of 10 000 small dicts (text, int,
//!   float, bool fields) generated from a fixed seed and written by the
//!   project's CPython-exact encoder at protocols 4 and 2. The bench writes
//!   them to `target/crossfmt-bench/pickle_decode/*.pkl` for the Python script.
//!
//! Before timing, every input must decode through `pickle/crossfmt` to the
//! value CPython gives (the suite's value; for the records, the generating
//! value normalised by the codec's caps). serde-pickle is timed on the same
//! bytes; the suite cases it refuses are counted and printed (a refusal is
//! part of the work timed), the records must decode to its normal form.
//!
//! `CROSSFMT_BENCH_QUICK=1` shortens warm-up and measurement (CI).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use crossfmt::check::conformance::{self as oracle, Expect, OutcomeKind};
use crossfmt::codecs::pickle::crossfmt::PickleCrossfmt;
use crossfmt::codecs::pickle::SerdePickle;
use crossfmt::Codec;
use crossfmt::{notation, Value};
use crossfmt_bench::records::bench_dir;
use crossfmt_pickle::encoder;
use std::hint::black_box;

/// Dicts in each records pickle.
const RECORDS: usize = 10_000;
const SEED: u64 = 0x0005_eed0_fb1c_41e5;

mod common;
use common::config;

fn fail(msg: String) -> ! {
    common::fail("pickle_decode", msg)
}

/// The decode/accept cases of the CPython suite: (id, bytes, value).
fn suite_cases() -> Vec<(String, Vec<u8>, Value)> {
    let path = crossfmt::data::conformance().join("suites/pickle-cpython.json");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| fail(format!("reading {}: {e}", path.display())));
    let j: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| fail(format!("{}: {e}", path.display())));
    let cases = j["cases"]
        .as_array()
        .unwrap_or_else(|| fail("the suite has no cases array".into()));
    cases
        .iter()
        .filter(|c| c["op"] == "decode" && c["expect"] == "accept")
        .map(|c| {
            let id = c["id"].as_str().unwrap_or("?").to_string();
            let input = hex::decode(c["input"].as_str().unwrap_or(""))
                .unwrap_or_else(|e| fail(format!("{id}: input: {e}")));
            let value = notation::parse(c["value"].as_str().unwrap_or(""))
                .unwrap_or_else(|e| fail(format!("{id}: value: {e}")));
            (id, input, value)
        })
        .collect()
}

/// A list of `RECORDS` small dicts from SplitMix64(`SEED`).
fn records_value() -> Value {
    let mut s = SEED;
    let mut next = || {
        s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    };
    const LEVELS: [&str; 4] = ["debug", "info", "warning", "error"];
    let list = (0..RECORDS)
        .map(|i| {
            let r = next();
            Value::Map(vec![
                (Value::text("id"), Value::Int(i as i128)),
                (
                    Value::text("name"),
                    Value::text(format!("user-{:08x}", r >> 32)),
                ),
                (Value::text("level"), Value::text(LEVELS[(r & 3) as usize])),
                (
                    Value::text("count"),
                    Value::Int(((r >> 8) % 100_000) as i128),
                ),
                // A 1/1024 grid: exact in f64, short in every spelling.
                (
                    Value::text("score"),
                    Value::f64(((r >> 20) % 1_000_000) as f64 / 1024.0),
                ),
                (Value::text("active"), Value::Bool(r & 4 != 0)),
            ])
        })
        .collect();
    Value::Array(list)
}

fn must_pass(codec: &dyn Codec, id: &str, input: &[u8], want: &Value) {
    let o = oracle::decode(codec, input, Expect::Accept, Some(want));
    if o.kind != OutcomeKind::Pass {
        fail(format!(
            "{}: {id}: {} ({}); expected {}, got {}",
            codec.id(),
            o.kind.name(),
            o.message,
            o.expected,
            o.actual
        ));
    }
}

fn bench(c: &mut Criterion) {
    let machine = PickleCrossfmt::default();
    let serde = SerdePickle;

    // (name, pickles) per input set.
    let mut sets: Vec<(&str, Vec<Vec<u8>>)> = Vec::new();

    let cases = suite_cases();
    let mut serde_refused = 0;
    for (id, input, want) in &cases {
        must_pass(&machine, id, input, want);
        if serde.decode(input).is_err() {
            serde_refused += 1;
        }
    }
    eprintln!(
        "suite: {} decode/accept cases, {} bytes; serde-pickle refuses {serde_refused} of them",
        cases.len(),
        cases.iter().map(|c| c.1.len()).sum::<usize>()
    );
    sets.push(("suite", cases.into_iter().map(|c| c.1).collect()));

    let value = records_value();
    let out = bench_dir().join("pickle_decode");
    std::fs::create_dir_all(&out)
        .unwrap_or_else(|e| fail(format!("creating {}: {e}", out.display())));
    for (name, protocol) in [("records-p4", 4u8), ("records-p2", 2u8)] {
        let bytes = encoder::encode(&value, protocol)
            .unwrap_or_else(|e| fail(format!("{name}: encoding: {e}")));
        let got = machine
            .decode(&bytes)
            .unwrap_or_else(|e| fail(format!("{name}: pickle/crossfmt: {e}")));
        if got != PickleCrossfmt::CAPS.normalise(&value) {
            fail(format!("{name}: pickle/crossfmt decoded another value"));
        }
        let got = serde
            .decode(&bytes)
            .unwrap_or_else(|e| fail(format!("{name}: pickle/serde-pickle: {e}")));
        if got != SerdePickle::CAPS.normalise(&value) {
            fail(format!("{name}: pickle/serde-pickle decoded another value"));
        }
        let file = out.join(format!("{name}.pkl"));
        std::fs::write(&file, &bytes)
            .unwrap_or_else(|e| fail(format!("writing {}: {e}", file.display())));
        eprintln!(
            "{name}: {} bytes, written to {}",
            bytes.len(),
            file.display()
        );
        sets.push((name, vec![bytes]));
    }

    let mut g = c.benchmark_group("pickle decode");
    for (name, pickles) in &sets {
        let total: usize = pickles.iter().map(Vec::len).sum();
        g.throughput(Throughput::Bytes(total as u64));
        let codecs: [&dyn Codec; 2] = [&machine, &serde];
        for codec in codecs {
            g.bench_with_input(BenchmarkId::new(codec.id(), name), pickles, |b, p| {
                b.iter(|| {
                    for bytes in p {
                        // Refusals (serde-pickle on a few suite cases) are
                        // timed too: the same bytes for every decoder.
                        let _ = black_box(codec.decode(black_box(bytes)));
                    }
                })
            });
        }
    }
    g.finish();
}

criterion_group! {
    name = benches;
    config = config();
    targets = bench
}
criterion_main!(benches);
