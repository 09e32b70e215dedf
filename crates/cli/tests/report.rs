//! `crossfmt report` refuses a broken run and publishes a complete one; the
//! bench rows refuse a codec whose round trip is broken. The report tests run
//! on a synthetic bench run (size records + criterion estimates written here),
//! so they need no `cargo bench`.

use crossfmt::codecs::msgpack::Rmpv;
use crossfmt::{Caps, Value};
use crossfmt::{Codec, CodecError, Format, Registry};
use crossfmt_bench::records::{
    bench_label, DatasetRecord, Path as RowPath, PythonRecords, PythonRow, SizeRecords, SizeRow,
    StreamFile, Timing, MEMCPY,
};
use crossfmt_bench::{self as bench, datasets, Row};
use crossfmt_cli::report::bench_model::{self, Inputs};
use std::path::Path;
use std::sync::Arc;

const CODECS: [&str; 2] = ["msgpack/rmp-serde", "protobuf/prost"];

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

fn estimate(dir: &Path, group: &str, function: &str, label: &str, median: f64) {
    let d = dir
        .join("criterion")
        .join(group)
        .join(format!("{function}-{}", label.replace(['/', ':'], "_")))
        .join("new");
    write(
        &d.join("benchmark.json"),
        &serde_json::json!({"group_id": group, "function_id": function, "value_str": label})
            .to_string(),
    );
    let ci = serde_json::json!({"confidence_level": 0.95, "lower_bound": median * 0.9, "upper_bound": median * 1.2});
    let est = serde_json::json!({"median": {"point_estimate": median, "confidence_interval": ci, "standard_error": 1.0}});
    write(&d.join("estimates.json"), &est.to_string());
}

/// A complete run of two datasets × two codecs × two paths.
fn fixture(dir: &Path) -> SizeRecords {
    let mut records = SizeRecords {
        seed: 1,
        started_unix: 0,
        datasets: Vec::new(),
    };
    for ds in ["alpha", "beta"] {
        estimate(dir, ds, "copy", MEMCPY, 100.0);
        let mut rows = Vec::new();
        for (i, codec) in CODECS.iter().enumerate() {
            for path in [RowPath::Typed, RowPath::Dynamic] {
                let label = bench_label(codec, path);
                estimate(dir, ds, "encode", &label, 1000.0 * (i + 1) as f64);
                estimate(dir, ds, "decode", &label, 2000.0 * (i + 1) as f64);
                let streams = path == RowPath::Dynamic;
                if streams {
                    estimate(dir, ds, "stream", &label, 4000.0 * (i + 1) as f64);
                }
                rows.push(SizeRow {
                    codec: codec.to_string(),
                    path,
                    size: 500 + 100 * i as u64,
                    zstd: vec![(3, 300), (19, 250)],
                    roundtrip_error: None,
                    unsupported: None,
                    stream: streams.then_some(StreamFile {
                        records: 1,
                        bytes: 500 + 100 * i as u64,
                    }),
                });
            }
        }
        records.datasets.push(DatasetRecord {
            name: ds.into(),
            description: format!("{ds} data"),
            raw_size: 400,
            messages: 1,
            sha256: format!("{ds}-digest"),
            rows,
        });
    }
    save(dir, &records);
    records
}

fn save(dir: &Path, records: &SizeRecords) {
    write(
        &dir.join("bench/sizes.json"),
        &serde_json::to_string(records).unwrap(),
    );
}

fn inputs(dir: &Path) -> Inputs {
    Inputs {
        criterion: dir.join("criterion"),
        bench: dir.join("bench"),
        conformance: None,
        fuzz: None,
        pickle_scan: None,
        pickle_decode: None,
    }
}

fn problems(dir: &Path) -> Vec<String> {
    match bench_model::load(&inputs(dir)) {
        Ok(_) => Vec::new(),
        Err(r) => r.0,
    }
}

#[test]
fn complete_run_has_every_ratio() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let model = bench_model::load(&inputs(dir.path())).unwrap();
    assert_eq!(model.datasets.len(), 2);
    let alpha = &model.datasets[0];
    assert_eq!(alpha.rows.len(), 4);
    // The dynamic rows read their record file back; the typed ones have none.
    for r in &alpha.rows {
        assert_eq!(
            r.stream.is_some(),
            r.path == "dynamic",
            "{}",
            r.implementation
        );
    }
    let slow = alpha
        .rows
        .iter()
        .find(|r| r.implementation == "protobuf/prost" && r.path == "dynamic")
        .unwrap();
    assert_eq!(slow.encode_vs_best, 2.0);
    assert_eq!(slow.decode_x_memcpy, 40.0);
    assert_eq!(slow.size_x_raw, 1.5);
    assert_eq!(slow.zstd_x_raw, vec![(3, 0.75), (19, 0.625)]);
    assert_eq!(slow.encode.low_ns, 1800.0);
}

#[test]
fn missing_row_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let gone = dir
        .path()
        .join("criterion/beta/decode-protobuf_prost_typed");
    std::fs::remove_dir_all(gone).unwrap();
    let p = problems(dir.path());
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(
        p[0].contains("beta: no criterion estimates for decode protobuf/prost:typed"),
        "{p:?}"
    );
}

#[test]
fn missing_memcpy_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    std::fs::remove_dir_all(dir.path().join("criterion/alpha/copy-memcpy")).unwrap();
    assert!(problems(dir.path())[0].contains("alpha: no criterion estimates for copy memcpy"));
}

#[test]
fn failed_roundtrip_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut records = fixture(dir.path());
    records.datasets[0].rows[1].roundtrip_error = Some("message 0 changed".into());
    save(dir.path(), &records);
    let p = problems(dir.path());
    assert_eq!(p.len(), 1, "{p:?}");
    assert!(p[0].contains("alpha: msgpack/rmp-serde:dynamic: round trip failed: message 0 changed"));
}

#[test]
fn a_codec_that_cannot_hold_a_dataset_is_listed_not_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut records = fixture(dir.path());
    // Not timed: its estimates are absent too.
    records.datasets[0].rows[1].unsupported = Some("message 0: float has no form".into());
    std::fs::remove_dir_all(
        dir.path()
            .join("criterion/alpha/encode-msgpack_rmp-serde_dynamic"),
    )
    .unwrap();
    save(dir.path(), &records);
    let model = bench_model::load(&inputs(dir.path())).unwrap();
    let alpha = &model.datasets[0];
    assert_eq!(alpha.rows.len(), 3);
    assert_eq!(
        alpha.not_measured,
        [(
            "msgpack/rmp-serde:dynamic".to_string(),
            "message 0: float has no form".to_string()
        )]
    );
    let md = crossfmt_cli::report::bench_render::markdown(
        &model,
        &crossfmt_cli::report::bench_meta::machine(),
    );
    assert!(
        md.contains("Not measured: msgpack/rmp-serde:dynamic cannot hold these messages"),
        "{md}"
    );
}

#[test]
fn estimates_of_an_earlier_run_are_refused() {
    let dir = tempfile::tempdir().unwrap();
    let mut records = fixture(dir.path());
    records.started_unix = u64::MAX;
    save(dir.path(), &records);
    let p = problems(dir.path());
    assert_eq!(
        p.len(),
        2 * 9,
        "every benchmark of both datasets is stale: {p:?}"
    );
    assert!(p[0].contains("older than the size records"));
}

fn python(dir: &Path, sha: &str, error: Option<&str>) {
    let t = Timing {
        median_ns: 5000.0,
        low_ns: 4000.0,
        high_ns: 6000.0,
    };
    let rows = ["alpha", "beta"]
        .map(|ds| PythonRow {
            dataset: ds.into(),
            sha256: if ds == "alpha" {
                sha.into()
            } else {
                "beta-digest".into()
            },
            library: "pickle".into(),
            size: 800,
            encode: t,
            decode: t,
            roundtrip_error: error.map(String::from),
        })
        .to_vec();
    let rec = PythonRecords {
        python: "3.11".into(),
        libraries: Default::default(),
        rows,
    };
    write(
        &dir.join("bench/python.json"),
        &serde_json::to_string(&rec).unwrap(),
    );
}

#[test]
fn python_baseline_sits_beside_the_rust_rows() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    python(dir.path(), "alpha-digest", None);
    let model = bench_model::load(&inputs(dir.path())).unwrap();
    let py = &model.datasets[0].python[0];
    assert_eq!(py.implementation, "python pickle");
    assert_eq!(
        (py.encode_vs_best, py.encode_x_memcpy, py.size_x_raw),
        (5.0, 50.0, 2.0)
    );
}

#[test]
fn python_baseline_of_other_data_or_broken_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    python(dir.path(), "stale-digest", None);
    let p = problems(dir.path());
    assert!(
        p.iter()
            .any(|m| m.contains("alpha: python pickle measured another dataset")),
        "{p:?}"
    );
    python(dir.path(), "alpha-digest", Some("message 0 changed"));
    let p = problems(dir.path());
    assert!(
        p.iter()
            .any(|m| m.contains("python pickle: round trip failed")),
        "{p:?}"
    );
}

fn report(dir: &Path, out: &Path) -> std::process::Output {
    crate::util::crossfmt()
        .arg("report")
        .arg("--criterion")
        .arg(dir.join("criterion"))
        .arg("--bench")
        .arg(dir.join("bench"))
        .arg("--conformance")
        .arg(dir.join("none.json"))
        .arg("--fuzz")
        .arg(dir.join("none.json"))
        .arg("--out")
        .arg(out)
        .output()
        .unwrap()
}

#[test]
fn cli_publishes_a_complete_run_and_nothing_of_a_broken_one() {
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let out = dir.path().join("report");
    let ok = report(dir.path(), &out);
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    let html = std::fs::read_to_string(out.join("index.html")).unwrap();
    for id in [
        "machine-table",
        "table-alpha",
        "table-beta",
        "plot-alpha",
        "plot-beta",
    ] {
        assert!(html.contains(&format!("id=\"{id}\"")), "{id} missing");
    }
    let md = std::fs::read_to_string(out.join("report.md")).unwrap();
    assert!(md.contains("| protobuf/prost | dynamic | 2.0 µs |"), "{md}");
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("report.json")).unwrap()).unwrap();
    assert_eq!(json["datasets"][1]["rows"][3]["size_x_raw"], 1.5);
    assert!(json["machine"]["rustc"]
        .as_str()
        .unwrap()
        .starts_with("rustc "));

    // A broken run: exit 1, the previous report untouched, no scratch left.
    std::fs::remove_dir_all(
        dir.path()
            .join("criterion/alpha/encode-msgpack_rmp-serde_typed"),
    )
    .unwrap();
    let before = std::fs::read_to_string(out.join("index.html")).unwrap();
    let fresh = dir.path().join("fresh");
    let refused = report(dir.path(), &fresh);
    assert_eq!(refused.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&refused.stderr).contains("refusing to publish: 1 problem(s)"));
    assert!(!fresh.exists() && !dir.path().join("fresh.partial").exists());
    assert_eq!(report(dir.path(), &out).status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(out.join("index.html")).unwrap(),
        before
    );
}

#[test]
fn cli_names_the_missing_size_records() {
    let dir = tempfile::tempdir().unwrap();
    let out = report(dir.path(), &dir.path().join("report"));
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("sizes.json") && err.contains("cargo bench --bench datasets"),
        "{err}"
    );
}

/// msgpack through rmpv, except that decoding drops the last entry of
/// every map: a codec with a broken round trip.
struct LosesLastField;

impl Codec for LosesLastField {
    fn id(&self) -> &str {
        "msgpack/loses-last-field"
    }
    fn format(&self) -> Format {
        Format::MsgPack
    }
    fn caps(&self) -> Caps {
        Rmpv.caps()
    }
    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        Rmpv.encode(v)
    }
    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        Ok(match Rmpv.decode(b)? {
            Value::Map(mut m) => {
                m.pop();
                Value::Map(m)
            }
            v => v,
        })
    }
}

/// Holds only null: every dataset is beyond it.
struct OnlyNull;

impl Codec for OnlyNull {
    fn id(&self) -> &str {
        "msgpack/only-null"
    }
    fn format(&self) -> Format {
        Format::MsgPack
    }
    fn caps(&self) -> Caps {
        Caps {
            null: true,
            max_depth: 1,
            ..Caps::NONE
        }
    }
    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        match v {
            Value::Null => Ok(vec![0xc0]),
            _ => Err(CodecError::unsupported(v.kind())),
        }
    }
    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        match b {
            [0xc0] => Ok(Value::Null),
            _ => Err(CodecError::unsupported("only nil")),
        }
    }
}

#[test]
fn bench_rows_check_the_round_trip_before_timing() {
    let all = datasets::all().unwrap();
    let names: Vec<_> = all.iter().map(|d| d.name).collect();
    assert_eq!(names, ["logs", "mesh", "savegame", "numbers", "small"]);
    let logs = &all[0];
    let good = Registry::builtin();
    let rows = bench::rows(logs, &good, true);
    let one_model = good
        .all()
        .iter()
        .filter(|c| !c.format().has_schema())
        .count();
    assert_eq!(
        rows.len(),
        5 + 1 + one_model,
        "typed rows, prost-reflect's DynamicMessage, then dynamic rows of every codec that is \
         not schema-driven"
    );
    assert_eq!(rows[5].codec(), "protobuf/prost-reflect");
    for row in &rows {
        let encoded = row
            .check()
            .unwrap_or_else(|e| panic!("{}: {e:?}", row.codec()));
        assert_eq!(encoded.len(), 1);
    }
    let broken = Registry::new(vec![Arc::new(LosesLastField)]);
    let rows: Vec<Box<dyn Row>> = bench::rows(&all[4], &broken, true);
    assert_eq!(rows.len(), 1, "the small set has no typed path");
    let err = rows[0].check().unwrap_err();
    assert!(
        matches!(&err, bench::RowError::Failed(e) if e.contains("value changed in round trip")),
        "{err:?}"
    );
    // A codec that cannot hold the messages is not a failure.
    let nulls = Registry::new(vec![Arc::new(OnlyNull)]);
    let rows: Vec<Box<dyn Row>> = bench::rows(logs, &nulls, false);
    assert_eq!(rows.len(), 1, "without the typed paths");
    assert!(
        matches!(rows[0].check(), Err(bench::RowError::Unsupported(_))),
        "{:?}",
        rows[0].check().err()
    );
}

#[test]
fn datasets_are_a_function_of_the_seed() {
    let a = datasets::all().unwrap();
    let b = datasets::all().unwrap();
    for (x, y) in a.iter().zip(&b) {
        assert_eq!(x.data, y.data);
        assert_eq!(x.raw_size, y.raw_size);
    }
    // The raw sizes the README states.
    let raw: Vec<usize> = a.iter().map(|d| d.raw_size).collect();
    assert_eq!(&raw[..4], [113_683, 96_000, 16_797, 111_000]);
}

#[test]
fn the_fuzz_summary_brings_its_exec_rates_and_ledger_to_the_report() {
    use crossfmt_cli::report::{bench_meta, bench_render};
    let dir = tempfile::tempdir().unwrap();
    fixture(dir.path());
    let summary = dir.path().join("fuzz-summary.json");
    write(
        &summary,
        r#"{"targets": [{"name": "cross_format", "status": "ok", "duration_seconds": 10.2,
                        "exec_per_sec": 5123, "crashes": []}],
            "ledger": {"entries": [{"signature": "s", "target": "differential_pickle",
                        "kind": "finding", "title": "pickle/crossfmt departs from CPython",
                        "first_seen": 1796600000, "last_seen": 1796690000, "times_seen": 3,
                        "status": "regressed", "regression": null}]},
            "coverage": {"index": "/ci/target/crossfmt-fuzz/coverage/index.html",
                         "lines": {"covered": 150, "count": 1000}, "regions": {"covered": 1, "count": 4},
                         "targets": [{"name": "cross_format", "status": "ok", "inputs": 300,
                                      "lines": {"covered": 120, "count": 1000},
                                      "regions": {"covered": 1, "count": 4}}]}}"#,
    );
    let model = bench_model::load(&Inputs {
        fuzz: Some(summary),
        ..inputs(dir.path())
    })
    .unwrap();
    let machine = bench_meta::machine();
    let md = bench_render::markdown(&model, &machine);
    assert!(md.contains("| cross_format | ok | 10 | 5123 | 0 |"), "{md}");
    assert!(md.contains("### Findings ledger"), "{md}");
    assert!(
        md.contains("| regressed | 3 | 2026-12-06 23:33 UTC | 2026-12-08 00:33 UTC | differential_pickle | pickle/crossfmt departs from CPython |"),
        "{md}"
    );
    assert!(
        md.contains("| cross_format | ok | 300 | 120/1000 (12.0 %) | 1/4 (25.0 %) |"),
        "{md}"
    );
    assert!(md.contains("lines 150/1000 (15.0 %)"), "{md}");
    let html = bench_render::html(&model, &machine, &[]);
    assert!(html.contains("id=\"fuzz-ledger-table\""), "{html}");
    assert!(html.contains("id=\"fuzz-coverage-table\""), "{html}");
    assert!(
        html.contains("href=\"/ci/target/crossfmt-fuzz/coverage/index.html\""),
        "{html}"
    );
}

#[test]
fn the_coverage_page_is_linked_relative_to_the_report() {
    use crossfmt_cli::report::bench_cli::link_from;
    assert_eq!(
        link_from(
            Path::new("/ci/target/crossfmt-report"),
            Path::new("/ci/target/crossfmt-fuzz/coverage/index.html")
        ),
        "../crossfmt-fuzz/coverage/index.html"
    );
}
