//! Encode and decode of every dataset × codec × path, plus the memcpy limit.
//!
//! Before timing anything it checks every row's round trip and writes
//! `target/crossfmt-bench/sizes.json` (sizes, zstd sizes, verdicts) and the
//! datasets for the Python baseline; a row whose round trip fails is recorded
//! as failed and not timed, so `crossfmt report` refuses the run.
//!
//! `CROSSFMT_BENCH_QUICK=1` shortens warm-up and measurement (CI).

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use crossfmt::codecs::msgpack::Rmpv;
use crossfmt::Value;
use crossfmt::{Codec, Registry};
use crossfmt_bench::records::{
    bench_dir, bench_label, DatasetRecord, SizeRecords, SizeRow, MEMCPY, SIZES_FILE, ZSTD_LEVELS,
};
use crossfmt_bench::{self as bench, datasets, Data, Dataset, Row, TypedCodec};
use sha2::{Digest, Sha256};
use std::hint::black_box;
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

mod common;
use common::config;

fn fail(msg: String) -> ! {
    common::fail("datasets", msg)
}

fn write(path: &Path, bytes: &[u8]) {
    if let Err(e) = std::fs::write(path, bytes) {
        fail(format!("writing {}: {e}", path.display()));
    }
}

/// The dataset as Python reads it: a MessagePack array of its messages.
fn write_for_python(dir: &Path, ds: &Dataset) -> String {
    let file = Rmpv
        .encode(&Value::Array(ds.messages.clone()))
        .unwrap_or_else(|e| fail(format!("{}: encoding for Python: {e}", ds.name)));
    write(&dir.join(format!("{}.msgpack", ds.name)), &file);
    // protobuf in Python parses prost's typed encoding with the same schema.
    let typed = match &ds.data {
        Data::Logs(m) => TypedCodec::Prost.roundtrip(m),
        Data::Mesh(m) => TypedCodec::Prost.roundtrip(m),
        Data::SaveGame(m) => TypedCodec::Prost.roundtrip(m),
        Data::Numbers(m) => TypedCodec::Prost.roundtrip(m),
        Data::Small(_) => Ok(Vec::new()),
    };
    match typed {
        Ok(b) if !b.is_empty() => write(&dir.join(format!("{}.pb", ds.name)), &b),
        Ok(_) => {}
        Err(e) => fail(format!("{}: {e}", ds.name)),
    }
    hex::encode(Sha256::digest(&file))
}

fn size_row(row: &dyn Row) -> (SizeRow, Option<Vec<Vec<u8>>>) {
    let mut rec = SizeRow {
        codec: row.codec().to_string(),
        path: row.path(),
        size: 0,
        zstd: Vec::new(),
        roundtrip_error: None,
    };
    match row.check() {
        Ok(encoded) => {
            let stream = encoded.concat();
            rec.size = stream.len() as u64;
            for level in ZSTD_LEVELS {
                let z = zstd::bulk::compress(&stream, level)
                    .unwrap_or_else(|e| fail(format!("zstd level {level}: {e}")));
                rec.zstd.push((level, z.len() as u64));
            }
            (rec, Some(encoded))
        }
        Err(e) => {
            rec.roundtrip_error = Some(e);
            (rec, None)
        }
    }
}

fn benches(c: &mut Criterion) {
    let all = datasets::all().unwrap_or_else(|e| fail(e));
    let registry = Registry::builtin();
    let out = bench_dir();
    let data_dir = out.join("datasets");
    if let Err(e) = std::fs::create_dir_all(&data_dir) {
        fail(format!("creating {}: {e}", data_dir.display()));
    }
    write(&data_dir.join("datasets.binpb"), bench::DESCRIPTOR_SET);

    let started_unix = SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_secs());
    let mut records = SizeRecords {
        seed: datasets::SEED,
        started_unix,
        datasets: Vec::new(),
    };
    let mut plans = Vec::new();
    for ds in &all {
        let sha256 = write_for_python(&data_dir, ds);
        let mut rows = Vec::new();
        let mut recs = Vec::new();
        for row in bench::rows(ds, &registry) {
            let (rec, encoded) = size_row(&*row);
            if let Some(e) = &rec.roundtrip_error {
                eprintln!(
                    "{} {} {}: round trip failed, not timed: {e}",
                    ds.name,
                    rec.codec,
                    rec.path.name()
                );
            }
            recs.push(rec);
            if let Some(encoded) = encoded {
                rows.push((row, encoded));
            }
        }
        records.datasets.push(DatasetRecord {
            name: ds.name.to_string(),
            description: ds.description.to_string(),
            raw_size: ds.raw_size as u64,
            messages: ds.messages.len() as u64,
            sha256,
            rows: recs,
        });
        plans.push((ds, rows));
    }
    let json = serde_json::to_vec_pretty(&records).expect("records serialise");
    write(&out.join(SIZES_FILE), &json);

    for (ds, rows) in plans {
        let mut group = c.benchmark_group(ds.name);
        group.throughput(Throughput::Bytes(ds.raw_size as u64));
        // The physical limit: copying the dataset's raw information bytes
        // into a buffer that already exists.
        let src = vec![0x5au8; ds.raw_size];
        let mut dst = vec![0u8; ds.raw_size];
        group.bench_function(BenchmarkId::new("copy", MEMCPY), |b| {
            b.iter(|| {
                dst.copy_from_slice(black_box(&src));
                black_box(&dst);
            })
        });
        for (row, encoded) in &rows {
            let label = bench_label(row.codec(), row.path());
            let mut scratch = Vec::new();
            group.bench_function(BenchmarkId::new("encode", &label), |b| {
                b.iter(|| row.encode_pass(&mut scratch))
            });
            group.bench_function(BenchmarkId::new("decode", &label), |b| {
                b.iter(|| row.decode_pass(encoded))
            });
        }
        group.finish();
    }
}

criterion_group! {
    name = datasets_benches;
    config = config();
    targets = benches
}
criterion_main!(datasets_benches);
