//! The comparison report's data: criterion's estimates, the bench's size
//! records and the Python baseline joined into one checked model, with every
//! ratio computed. Loading refuses a broken run: a planned row without
//! estimates (or with estimates older than the run), a failed round trip, or
//! a Python baseline made from other datasets is an error naming each problem.

use crossfmt_bench::records::{
    bench_label, PythonRecords, SizeRecords, Timing, MEMCPY, PYTHON_FILE, SIZES_FILE,
};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::time::UNIX_EPOCH;

/// Where the inputs are.
#[derive(Clone, Debug)]
pub struct Inputs {
    /// criterion's output directory (`target/criterion`).
    pub criterion: PathBuf,
    /// The bench's records (`target/crossfmt-bench`): sizes.json, python.json.
    pub bench: PathBuf,
    /// A `crossfmt conformance --json` file, when present.
    pub conformance: Option<PathBuf>,
    /// A `crossfmt fuzz` summary.json, when present.
    pub fuzz: Option<PathBuf>,
    /// The pickle scanner comparison's summary.json
    /// (`benches/pickle_scan_compare.sh`), when present.
    pub pickle_scan: Option<PathBuf>,
    /// Pickle decoding beside CPython's `pickle.loads`
    /// (`benches/pickle_decode_cpython.py`'s summary.json), when present.
    pub pickle_decode: Option<PathBuf>,
}

#[derive(Clone, Debug, Serialize)]
pub struct Model {
    pub seed: u64,
    pub datasets: Vec<DatasetReport>,
    /// Python and its libraries' versions, when the baseline ran.
    pub python: Option<PythonInfo>,
    /// `implementations[]` of the conformance summary, as read.
    pub conformance: Option<Vec<serde_json::Value>>,
    /// `targets[]` of the fuzz summary, as read.
    pub fuzz: Option<Vec<serde_json::Value>>,
    /// `ledger.entries[]` of the fuzz summary (the findings ledger), when
    /// the run kept one.
    pub fuzz_ledger: Option<Vec<serde_json::Value>>,
    /// What `crossfmt fuzz --coverage` measured, when it ran.
    pub fuzz_coverage: Option<FuzzCoverage>,
    /// The pickle scanner comparison: `throughput[]` and `families[]` rows.
    pub pickle_scan: Option<PickleScan>,
    /// Pickle decoders beside CPython: `rows[]`, and which CPython.
    pub pickle_decode: Option<PickleDecode>,
}

/// The fuzz summary's `coverage`: per target, and all targets together.
#[derive(Clone, Debug, Serialize)]
pub struct FuzzCoverage {
    /// The coverage overview page: as the summary names it, relative to the
    /// report once published.
    pub index: String,
    pub lines: serde_json::Value,
    pub regions: serde_json::Value,
    pub targets: Vec<serde_json::Value>,
}

/// Pickle decoding beside CPython's C `pickle.loads`, per input set: each
/// row an object whose keys are the columns, in order.
#[derive(Clone, Debug, Serialize)]
pub struct PickleDecode {
    pub python: String,
    pub rows: Vec<serde_json::Value>,
}

/// Scanners side by side, as `benches/pickle_scan_compare.py` measured
/// them: each row an object whose keys are the columns, in order.
#[derive(Clone, Debug, Serialize)]
pub struct PickleScan {
    pub versions: serde_json::Value,
    pub throughput: Vec<serde_json::Value>,
    pub families: Vec<serde_json::Value>,
}

#[derive(Clone, Debug, Serialize)]
pub struct PythonInfo {
    pub python: String,
    pub libraries: std::collections::BTreeMap<String, String>,
}

#[derive(Clone, Debug, Serialize)]
pub struct DatasetReport {
    pub name: String,
    pub description: String,
    pub raw_size: u64,
    pub messages: u64,
    /// Copying `raw_size` bytes into an existing buffer: the speed limit.
    pub memcpy: Timing,
    pub rows: Vec<RowReport>,
    pub python: Vec<RowReport>,
    /// Codecs whose declared model cannot hold the messages: (codec, why).
    /// Not timed, and not a failure of the run.
    pub not_measured: Vec<(String, String)>,
}

#[derive(Clone, Debug, Serialize)]
pub struct RowReport {
    /// A codec id, or `python <library>` for the baseline.
    pub implementation: String,
    /// `typed`, `dynamic`, or `python`.
    pub path: String,
    pub encode: Timing,
    pub decode: Timing,
    /// Reading every message back from one record file (a codec that reads
    /// streams): the time, and the records in the file.
    pub stream: Option<(Timing, u64)>,
    pub size: u64,
    /// (zstd level, bytes); empty for the Python rows.
    pub zstd: Vec<(i32, u64)>,
    /// Median ÷ the best median of the dataset's Rust rows (1.0 = best).
    pub encode_vs_best: f64,
    pub decode_vs_best: f64,
    pub size_vs_best: f64,
    /// Median ÷ memcpy's median.
    pub encode_x_memcpy: f64,
    pub decode_x_memcpy: f64,
    /// Bytes ÷ the raw information size.
    pub size_x_raw: f64,
    pub zstd_x_raw: Vec<(i32, f64)>,
}

impl RowReport {
    /// encode + decode, the plot's x axis.
    pub fn roundtrip_ns(&self) -> f64 {
        self.encode.median_ns + self.decode.median_ns
    }
}

/// Everything wrong with a run, one line each.
#[derive(Debug)]
pub struct Refused(pub Vec<String>);

impl std::fmt::Display for Refused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(f, "refusing to publish: {} problem(s)", self.0.len())?;
        for p in &self.0 {
            writeln!(f, "  {p}")?;
        }
        Ok(())
    }
}

impl std::error::Error for Refused {}

fn read_json<T: for<'de> Deserialize<'de>>(path: &Path) -> Result<T, String> {
    let text = std::fs::read_to_string(path).map_err(|e| format!("{}: {e}", path.display()))?;
    serde_json::from_str(&text).map_err(|e| format!("{}: {e}", path.display()))
}

#[derive(Deserialize)]
struct BenchmarkId {
    group_id: String,
    function_id: Option<String>,
    value_str: Option<String>,
}

#[derive(Deserialize)]
struct Estimates {
    median: Estimate,
}

#[derive(Deserialize)]
struct Estimate {
    point_estimate: f64,
    confidence_interval: Interval,
}

#[derive(Deserialize)]
struct Interval {
    lower_bound: f64,
    upper_bound: f64,
}

/// (group, function, parameter) -> (median timing, seconds since the epoch
/// when criterion wrote it).
type Criterion = HashMap<(String, String, String), (Timing, u64)>;

/// Every `*/new/{benchmark,estimates}.json` under `dir`.
fn read_criterion(dir: &Path) -> Result<Criterion, String> {
    let mut out = Criterion::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        let entries = std::fs::read_dir(&d).map_err(|e| format!("{}: {e}", d.display()))?;
        for entry in entries {
            let path = entry.map_err(|e| format!("{}: {e}", d.display()))?.path();
            if !path.is_dir() {
                continue;
            }
            if path.file_name().is_some_and(|n| n == "new") {
                let id: BenchmarkId = read_json(&path.join("benchmark.json"))?;
                let est_path = path.join("estimates.json");
                let est: Estimates = read_json(&est_path)?;
                let written = std::fs::metadata(&est_path)
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                    .map_or(0, |d| d.as_secs());
                let m = est.median;
                let timing = Timing {
                    median_ns: m.point_estimate,
                    low_ns: m.confidence_interval.lower_bound,
                    high_ns: m.confidence_interval.upper_bound,
                };
                let key = (
                    id.group_id,
                    id.function_id.unwrap_or_default(),
                    id.value_str.unwrap_or_default(),
                );
                out.insert(key, (timing, written));
            } else {
                stack.push(path);
            }
        }
    }
    Ok(out)
}

/// The estimates of one benchmark of this run, or a problem.
fn timed(
    criterion: &Criterion,
    started_unix: u64,
    problems: &mut Vec<String>,
    (ds, function, label): (&str, &str, &str),
) -> Option<Timing> {
    let key = (ds.to_string(), function.to_string(), label.to_string());
    match criterion.get(&key) {
        None => {
            problems.push(format!(
                "{ds}: no criterion estimates for {function} {label}"
            ));
            None
        }
        Some((_, written)) if *written < started_unix => {
            problems.push(format!(
                "{ds}: the estimates for {function} {label} are older than the size records (another run)"
            ));
            None
        }
        Some((t, _)) => Some(*t),
    }
}

/// Reads and checks every input; the model, or every problem found.
pub fn load(inputs: &Inputs) -> Result<Model, Refused> {
    let mut problems = Vec::new();
    let sizes: SizeRecords = read_json(&inputs.bench.join(SIZES_FILE)).map_err(|e| {
        Refused(vec![format!(
            "{e} (run `cargo bench --bench datasets` first)"
        )])
    })?;
    let criterion = read_criterion(&inputs.criterion).map_err(|e| Refused(vec![e]))?;
    let python_path = inputs.bench.join(PYTHON_FILE);
    let python: Option<PythonRecords> = if python_path.exists() {
        match read_json(&python_path) {
            Ok(p) => Some(p),
            Err(e) => {
                problems.push(e);
                None
            }
        }
    } else {
        None
    };

    let mut datasets = Vec::new();
    for ds in &sizes.datasets {
        let mut timed = |function: &str, label: &str| {
            timed(
                &criterion,
                sizes.started_unix,
                &mut problems,
                (&ds.name, function, label),
            )
        };
        let memcpy = timed("copy", MEMCPY);
        let mut rows = Vec::new();
        let mut failed = Vec::new();
        let mut not_measured = Vec::new();
        for r in &ds.rows {
            let label = bench_label(&r.codec, r.path);
            if let Some(why) = &r.unsupported {
                not_measured.push((label, why.clone()));
                continue;
            }
            if let Some(e) = &r.roundtrip_error {
                failed.push(format!("{}: {label}: round trip failed: {e}", ds.name));
                continue;
            }
            let (Some(encode), Some(decode)) = (timed("encode", &label), timed("decode", &label))
            else {
                continue;
            };
            let stream = match &r.stream {
                Some(file) => match timed("stream", &label) {
                    Some(t) => Some((t, file.records)),
                    None => continue,
                },
                None => None,
            };
            rows.push((
                r.codec.clone(),
                r.path.name().to_string(),
                encode,
                decode,
                stream,
                r.size,
                r.zstd.clone(),
            ));
        }
        problems.append(&mut failed);
        let mut py_rows = Vec::new();
        if let Some(p) = &python {
            for r in p.rows.iter().filter(|r| r.dataset == ds.name) {
                if r.sha256 != ds.sha256 {
                    problems.push(format!(
                        "{}: python {} measured another dataset (sha256 {} ≠ {}): rerun benches/python_baseline",
                        ds.name, r.library, r.sha256, ds.sha256
                    ));
                } else if let Some(e) = &r.roundtrip_error {
                    problems.push(format!(
                        "{}: python {}: round trip failed: {e}",
                        ds.name, r.library
                    ));
                } else {
                    py_rows.push((
                        format!("python {}", r.library),
                        "python".to_string(),
                        r.encode,
                        r.decode,
                        None,
                        r.size,
                        Vec::new(),
                    ));
                }
            }
            if py_rows.is_empty() {
                problems.push(format!(
                    "{}: python.json has no rows for this dataset",
                    ds.name
                ));
            }
        }
        let Some(memcpy) = memcpy else { continue };
        let rust = finish(&rows, &rows, memcpy, ds.raw_size);
        let py = finish(&py_rows, &rows, memcpy, ds.raw_size);
        datasets.push(DatasetReport {
            name: ds.name.clone(),
            description: ds.description.clone(),
            raw_size: ds.raw_size,
            messages: ds.messages,
            memcpy,
            rows: rust,
            python: py,
            not_measured,
        });
    }
    if sizes.datasets.is_empty() {
        problems.push(format!(
            "{}: no datasets",
            inputs.bench.join(SIZES_FILE).display()
        ));
    }

    let conformance = optional_list(
        inputs.conformance.as_deref(),
        "implementations",
        &mut problems,
    );
    let fuzz = optional_list(inputs.fuzz.as_deref(), "targets", &mut problems);
    let fuzz_ledger = fuzz.as_ref().and_then(|_| {
        let all: serde_json::Value = read_json(inputs.fuzz.as_deref()?).ok()?;
        all["ledger"]["entries"].as_array().cloned()
    });
    let fuzz_coverage = fuzz.as_ref().and_then(|_| {
        let all: serde_json::Value = read_json(inputs.fuzz.as_deref()?).ok()?;
        let c = &all["coverage"];
        Some(FuzzCoverage {
            index: c["index"].as_str()?.to_string(),
            lines: c["lines"].clone(),
            regions: c["regions"].clone(),
            targets: c["targets"].as_array()?.clone(),
        })
    });
    let pickle_scan = optional_list(inputs.pickle_scan.as_deref(), "throughput", &mut problems)
        .and_then(|throughput| {
            let path = inputs.pickle_scan.as_deref()?;
            let families = optional_list(Some(path), "families", &mut problems)?;
            let all: serde_json::Value = read_json(path).ok()?;
            Some(PickleScan {
                versions: all["versions"].clone(),
                throughput,
                families,
            })
        });
    let pickle_decode =
        optional_list(inputs.pickle_decode.as_deref(), "rows", &mut problems).map(|rows| {
            let python = inputs
                .pickle_decode
                .as_deref()
                .and_then(|p| read_json::<serde_json::Value>(p).ok())
                .and_then(|v| v["python"].as_str().map(str::to_string))
                .unwrap_or_default();
            PickleDecode { python, rows }
        });
    if !problems.is_empty() {
        return Err(Refused(problems));
    }
    Ok(Model {
        seed: sizes.seed,
        datasets,
        python: python.map(|p| PythonInfo {
            python: p.python,
            libraries: p.libraries,
        }),
        conformance,
        fuzz,
        fuzz_ledger,
        fuzz_coverage,
        pickle_scan,
        pickle_decode,
    })
}

type RawRow = (
    String,
    String,
    Timing,
    Timing,
    Option<(Timing, u64)>,
    u64,
    Vec<(i32, u64)>,
);

/// The rows with their ratios; "best" is always over the Rust rows, so the
/// Python baseline is measured against what Rust achieves.
fn finish(rows: &[RawRow], rust: &[RawRow], memcpy: Timing, raw: u64) -> Vec<RowReport> {
    let best = |f: &dyn Fn(&RawRow) -> f64| rust.iter().map(f).fold(f64::INFINITY, f64::min);
    let best_enc = best(&|r| r.2.median_ns);
    let best_dec = best(&|r| r.3.median_ns);
    let best_size = best(&|r| r.5 as f64);
    let raw = raw.max(1) as f64;
    rows.iter()
        .map(
            |(implementation, path, encode, decode, stream, size, zstd)| RowReport {
                implementation: implementation.clone(),
                path: path.clone(),
                encode: *encode,
                decode: *decode,
                stream: *stream,
                size: *size,
                zstd: zstd.clone(),
                encode_vs_best: encode.median_ns / best_enc,
                decode_vs_best: decode.median_ns / best_dec,
                size_vs_best: *size as f64 / best_size,
                encode_x_memcpy: encode.median_ns / memcpy.median_ns,
                decode_x_memcpy: decode.median_ns / memcpy.median_ns,
                size_x_raw: *size as f64 / raw,
                zstd_x_raw: zstd.iter().map(|(l, z)| (*l, *z as f64 / raw)).collect(),
            },
        )
        .collect()
}

/// `key`'s array in an optional JSON summary: absent file, `None`; present
/// but unreadable or without the array, a problem.
fn optional_list(
    path: Option<&Path>,
    key: &str,
    problems: &mut Vec<String>,
) -> Option<Vec<serde_json::Value>> {
    let path = path.filter(|p| p.exists())?;
    match read_json::<serde_json::Value>(path) {
        Ok(v) => match v.get(key).and_then(|a| a.as_array()) {
            Some(a) => Some(a.clone()),
            None => {
                problems.push(format!("{}: no `{key}` array", path.display()));
                None
            }
        },
        Err(e) => {
            problems.push(e);
            None
        }
    }
}
