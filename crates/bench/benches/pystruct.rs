//! Pack and unpack throughput of the struct engine, on the records that
//! `crates/bench/benches/pystruct_cpython.py` times with CPython's `struct.Struct` (both
//! read `crates/bench/benches/pystruct_spec.json`: each layout's records are the
//! unpacking of `records * calcsize` bytes of splitmix64(seed)).
//!
//! `cargo bench --bench pystruct` reports records/s (`elem/s`); bytes/s is
//! that times the layout's size, printed once per layout.

use criterion::{black_box, criterion_group, criterion_main, Criterion, Throughput};
use crossfmt_pystruct::{iter_unpack, pack, Layout};

mod common;

struct Spec {
    seed: u64,
    records: usize,
    layouts: Vec<String>,
}

fn spec() -> Spec {
    let text = include_str!("pystruct_spec.json");
    let j: serde_json::Value = serde_json::from_str(text).expect("the bench spec is JSON");
    Spec {
        seed: j["seed"].as_u64().expect("seed"),
        records: j["records"].as_u64().expect("records") as usize,
        layouts: j["layouts"]
            .as_array()
            .expect("layouts")
            .iter()
            .map(|l| l.as_str().expect("a layout is a format string").to_string())
            .collect(),
    }
}

/// The same bytes as the Python script's `splitmix64_bytes`.
fn splitmix64_bytes(seed: u64, n: usize) -> Vec<u8> {
    let mut s = seed;
    let mut out = Vec::with_capacity(n + 8);
    while out.len() < n {
        s = s.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = s;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^= z >> 31;
        out.extend_from_slice(&z.to_le_bytes());
    }
    out.truncate(n);
    out
}

fn bench(c: &mut Criterion) {
    let spec = spec();
    for format in &spec.layouts {
        let layout = Layout::parse(format).expect("bench layouts parse");
        let data = splitmix64_bytes(spec.seed, spec.records * layout.size);
        let records: Vec<_> = iter_unpack(&layout, &data)
            .expect("whole records")
            .collect();
        eprintln!(
            "{format}: {} bytes a record; bytes/s = elem/s x {}",
            layout.size, layout.size
        );
        let mut g = c.benchmark_group(format!("pystruct {format}"));
        g.throughput(Throughput::Elements(spec.records as u64));
        g.sample_size(20);
        g.bench_function("pack", |b| {
            b.iter(|| {
                for r in &records {
                    black_box(pack(&layout, r).expect("records pack"));
                }
            })
        });
        g.bench_function("unpack", |b| {
            b.iter(|| {
                for r in iter_unpack(&layout, &data).expect("whole records") {
                    black_box(r);
                }
            })
        });
        g.finish();
    }
}

criterion_group!(benches, bench);
criterion_main!(benches);
