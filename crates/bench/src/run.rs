//! A bench run as a library call: what `benches/datasets.rs` runs over
//! crossfmt's codecs, and what a codec author's own criterion bench calls for
//! theirs ([`bench_codec`]), so `crossfmt report` shows their rows beside the
//! built-in implementations', measured in the same run on the same data.
//!
//! The timing contract: before anything is timed, every row proves its round
//! trip over every message of the dataset and its encoded size (and zstd
//! sizes) is recorded in `sizes.json`; a row that cannot hold the messages is
//! recorded as such and not timed; a row whose round trip fails is recorded
//! as failed and not timed (the report then refuses the run). One timed
//! encode pass writes every message, one decode pass reads every encoding.
//! Each dataset also times a memcpy of its raw information size: the
//! physical limit the report divides by.

use crate::datasets::{self, Data, Dataset};
use crate::records::{
    bench_label, DatasetRecord, SizeRecords, SizeRow, StreamFile, MEMCPY, SIZES_FILE, ZSTD_LEVELS,
};
use crate::rows::{self, Row};
use crate::typed::TypedCodec;
use criterion::{BenchmarkId, Criterion, Throughput};
use crossfmt::codecs::msgpack::Rmpv;
use crossfmt::{stream, Codec, CodecRef, Registry, Value};
use sha2::{Digest, Sha256};
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

/// Where a run's records go unless its plan says otherwise:
/// `$CROSSFMT_BENCH_DIR`, else `target/crossfmt-bench` under the working
/// directory (cargo runs a bench in its crate's directory).
pub const DIR_ENV: &str = "CROSSFMT_BENCH_DIR";

/// What one run measures.
pub struct Plan {
    /// The dynamic-path codecs (crossfmt's `Value` adapters and yours), in
    /// report order. Schema-driven codecs are left out: they hold only
    /// records of their own layout.
    pub codecs: Vec<CodecRef>,
    /// Also the typed path of each [`TypedCodec`] (the libraries' own serde
    /// and prost APIs over structs).
    pub typed: bool,
    /// Also write each dataset as files for the Python baseline
    /// (`datasets/<name>.msgpack`, `.pb`).
    pub python_files: bool,
    /// Where `sizes.json` (and `datasets/`) go.
    pub out: PathBuf,
}

impl Plan {
    /// Every built-in codec, the typed paths and the Python files, into
    /// crossfmt's own `target/crossfmt-bench`.
    pub fn builtin() -> Plan {
        Plan {
            codecs: Registry::builtin().all().to_vec(),
            typed: true,
            python_files: true,
            out: crate::records::bench_dir(),
        }
    }

    /// `codec` beside every built-in implementation of its format, into
    /// [`default_dir`].
    pub fn for_codec(codec: CodecRef) -> Plan {
        let mut codecs = vec![codec.clone()];
        codecs.extend(
            Registry::builtin()
                .of_format(codec.format())
                .into_iter()
                .filter(|c| c.id() != codec.id()),
        );
        Plan {
            codecs,
            typed: false,
            python_files: false,
            out: default_dir(),
        }
    }
}

/// `$CROSSFMT_BENCH_DIR`, else `target/crossfmt-bench` under the working
/// directory.
pub fn default_dir() -> PathBuf {
    std::env::var_os(DIR_ENV)
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(crate::records::BENCH_DIR))
}

/// Criterion's defaults, or, with `CROSSFMT_BENCH_QUICK=1`, a short warm-up
/// and measurement: enough for CI to render a full report.
pub fn criterion_config() -> Criterion {
    let c = Criterion::default();
    if std::env::var_os("CROSSFMT_BENCH_QUICK").is_some_and(|v| v != "0") {
        c.warm_up_time(Duration::from_millis(200))
            .measurement_time(Duration::from_millis(600))
            .sample_size(10)
    } else {
        c
    }
}

/// Benches `codec` beside the built-in implementations of its format on
/// every dataset (see the module documentation), for a codec author's
/// criterion bench; `crossfmt report --criterion <criterion's dir> --bench
/// <the records' dir>` renders it.
///
/// # Panics
///
/// When the run cannot be set up (the datasets or the records directory):
/// nothing has been timed then.
pub fn bench_codec(c: &mut Criterion, codec: CodecRef) {
    let plan = Plan::for_codec(codec);
    run(c, &plan).unwrap_or_else(|e| panic!("crossfmt bench: {e}"));
}

/// Runs `plan`: records every row's size and verdict in `sizes.json`, then
/// times the rows that hold. `Err` before anything is timed.
pub fn run(c: &mut Criterion, plan: &Plan) -> Result<(), String> {
    let all = datasets::all()?;
    let data_dir = plan.out.join("datasets");
    std::fs::create_dir_all(&data_dir)
        .map_err(|e| format!("creating {}: {e}", data_dir.display()))?;
    if plan.python_files {
        write(&data_dir.join("datasets.binpb"), crate::DESCRIPTOR_SET)?;
    }
    let registry = Registry::new(plan.codecs.clone());
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
        let sha256 = dataset_file(&data_dir, ds, plan.python_files)?;
        let mut timed = Vec::new();
        let mut recs = Vec::new();
        for row in rows::rows(ds, &registry, plan.typed) {
            let (mut rec, encoded) = size_row(&*row)?;
            let stream = match (row.streams(), &encoded) {
                (Some(codec), Some(_)) => {
                    let path = stream_file(&plan.out, ds, codec.as_ref())?;
                    rec.stream = Some(StreamFile {
                        records: ds.messages.len() as u64,
                        bytes: std::fs::metadata(&path).map_or(0, |m| m.len()),
                    });
                    Some((codec.clone(), path))
                }
                _ => None,
            };
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
                timed.push((row, encoded, stream));
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
        plans.push((ds, timed));
    }
    let json = serde_json::to_vec_pretty(&records).map_err(|e| e.to_string())?;
    write(&plan.out.join(SIZES_FILE), &json)?;

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
        for (row, encoded, stream) in &rows {
            let label = bench_label(row.codec(), row.path());
            let mut scratch = Vec::new();
            group.bench_function(BenchmarkId::new("encode", &label), |b| {
                b.iter(|| row.encode_pass(&mut scratch))
            });
            group.bench_function(BenchmarkId::new("decode", &label), |b| {
                b.iter(|| row.decode_pass(encoded))
            });
            if let Some((codec, path)) = stream {
                // Opening the file, reading every record through a buffered
                // reader, dropping each: constant memory, whatever the size.
                group.bench_function(BenchmarkId::new("stream", &label), |b| {
                    b.iter(|| read_records(codec.as_ref(), path))
                });
            }
        }
        group.finish();
    }
    Ok(())
}

/// The dataset's messages written by `codec` as one record file
/// (`streams/<dataset>.<codec>` under the run's directory), read back once
/// in full before anything is timed.
fn stream_file(out: &Path, ds: &Dataset, codec: &dyn Codec) -> Result<PathBuf, String> {
    let dir = out.join("streams");
    std::fs::create_dir_all(&dir).map_err(|e| format!("creating {}: {e}", dir.display()))?;
    let path = dir.join(format!("{}.{}", ds.name, codec.id().replace('/', "_")));
    let mut file = std::io::BufWriter::new(
        std::fs::File::create(&path).map_err(|e| format!("{}: {e}", path.display()))?,
    );
    for v in &ds.messages {
        stream::write_record(codec, v, &mut file)
            .map_err(|e| format!("{} {}: writing a record: {e}", ds.name, codec.id()))?;
    }
    std::io::Write::flush(&mut file).map_err(|e| format!("{}: {e}", path.display()))?;
    let n = read_records(codec, &path);
    if n != ds.messages.len() {
        return Err(format!(
            "{} {}: {} holds {} records, read back {n}",
            ds.name,
            codec.id(),
            path.display(),
            ds.messages.len()
        ));
    }
    Ok(path)
}

/// How many complete records `codec` reads from the file at `path`.
fn read_records(codec: &dyn Codec, path: &Path) -> usize {
    let Ok(f) = std::fs::File::open(path) else {
        return 0;
    };
    stream::Records::new(codec, std::io::BufReader::with_capacity(1 << 16, f))
        .map_while(Result::ok)
        .map(black_box)
        .count()
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    std::fs::write(path, bytes).map_err(|e| format!("writing {}: {e}", path.display()))
}

/// The dataset as one MessagePack array of its messages: its SHA-256 names
/// the data a run measured (the Python baseline must have read the same).
/// With `files`, that array and prost's typed encoding are written for it.
fn dataset_file(dir: &Path, ds: &Dataset, files: bool) -> Result<String, String> {
    let file = Rmpv
        .encode(&Value::Array(ds.messages.clone()))
        .map_err(|e| format!("{}: encoding for Python: {e}", ds.name))?;
    if files {
        write(&dir.join(format!("{}.msgpack", ds.name)), &file)?;
        // protobuf in Python parses prost's typed encoding with the same schema.
        let typed = match &ds.data {
            Data::Logs(m) => TypedCodec::Prost.roundtrip(m),
            Data::Mesh(m) => TypedCodec::Prost.roundtrip(m),
            Data::SaveGame(m) => TypedCodec::Prost.roundtrip(m),
            Data::Numbers(m) => TypedCodec::Prost.roundtrip(m),
            Data::Small(_) => Ok(Vec::new()),
        };
        match typed {
            Ok(b) if !b.is_empty() => write(&dir.join(format!("{}.pb", ds.name)), &b)?,
            Ok(_) => {}
            Err(e) => return Err(format!("{}: {e}", ds.name)),
        }
    }
    Ok(hex::encode(Sha256::digest(&file)))
}

/// One encoding per message of a dataset.
type Encodings = Vec<Vec<u8>>;

/// A row's size record, and its encodings when it is to be timed.
fn size_row(row: &dyn Row) -> Result<(SizeRow, Option<Encodings>), String> {
    let mut rec = SizeRow {
        codec: row.codec().to_string(),
        path: row.path(),
        size: 0,
        zstd: Vec::new(),
        roundtrip_error: None,
        unsupported: None,
        stream: None,
    };
    match row.check() {
        Ok(encoded) => {
            let stream = encoded.concat();
            rec.size = stream.len() as u64;
            for level in ZSTD_LEVELS {
                let z = zstd::bulk::compress(&stream, level)
                    .map_err(|e| format!("zstd level {level}: {e}"))?;
                rec.zstd.push((level, z.len() as u64));
            }
            Ok((rec, Some(encoded)))
        }
        Err(rows::RowError::Unsupported(why)) => {
            rec.unsupported = Some(why);
            Ok((rec, None))
        }
        Err(rows::RowError::Failed(e)) => {
            rec.roundtrip_error = Some(e);
            Ok((rec, None))
        }
    }
}
