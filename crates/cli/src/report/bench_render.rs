//! The comparison report rendered: one table per dataset (the memcpy limit,
//! the Rust rows, then the Python baseline) in Markdown and HTML, the HTML
//! with each dataset's plot inline. Both renderings share [`dataset_table`],
//! so they cannot disagree.

use super::bench_meta::Machine;
use super::bench_model::{DatasetReport, Model, PickleScan, RowReport};
use super::bench_plot;
use crossfmt_bench::records::Timing;
use html_escape::encode_text;
use std::fmt::Write;

pub const HEADER: [&str; 17] = [
    "implementation",
    "path",
    "encode",
    "encode spread",
    "decode",
    "decode spread",
    "read from a record file",
    "size",
    "zstd-3",
    "zstd-19",
    "encode ÷ best",
    "decode ÷ best",
    "size ÷ best",
    "encode × memcpy",
    "decode × memcpy",
    "size × raw",
    "zstd-19 × raw",
];

pub fn duration(ns: f64) -> String {
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else if ns >= 1e3 {
        format!("{:.1} µs", ns / 1e3)
    } else {
        format!("{ns:.0} ns")
    }
}

fn spread(t: &Timing) -> String {
    format!("{} – {}", duration(t.low_ns), duration(t.high_ns))
}

fn ratio(x: f64) -> String {
    if x >= 10.0 {
        format!("{x:.0}×")
    } else {
        format!("{x:.2}×")
    }
}

fn zstd(r: &RowReport, level: i32) -> String {
    r.zstd
        .iter()
        .find(|(l, _)| *l == level)
        .map_or("–".into(), |(_, n)| n.to_string())
}

fn zstd_x_raw(r: &RowReport, level: i32) -> String {
    r.zstd_x_raw
        .iter()
        .find(|(l, _)| *l == level)
        .map_or("–".into(), |(_, x)| ratio(*x))
}

fn row_cells(r: &RowReport) -> Vec<String> {
    vec![
        r.implementation.clone(),
        r.path.clone(),
        duration(r.encode.median_ns),
        spread(&r.encode),
        duration(r.decode.median_ns),
        spread(&r.decode),
        match r.stream {
            Some((t, records)) => format!(
                "{} ({} records, {} decode)",
                duration(t.median_ns),
                records,
                ratio(t.median_ns / r.decode.median_ns)
            ),
            None => "–".into(),
        },
        r.size.to_string(),
        zstd(r, 3),
        zstd(r, 19),
        ratio(r.encode_vs_best),
        ratio(r.decode_vs_best),
        ratio(r.size_vs_best),
        ratio(r.encode_x_memcpy),
        ratio(r.decode_x_memcpy),
        ratio(r.size_x_raw),
        zstd_x_raw(r, 19),
    ]
}

/// The dataset's table body in three sections: the limit row, the Rust
/// rows, the Python rows.
pub fn dataset_table(ds: &DatasetReport) -> [Vec<Vec<String>>; 3] {
    let m = &ds.memcpy;
    let limit = vec![
        "memcpy (limit)".to_string(),
        "raw bytes".into(),
        duration(m.median_ns),
        spread(m),
        duration(m.median_ns),
        spread(m),
        "–".into(),
        ds.raw_size.to_string(),
        "–".into(),
        "–".into(),
        "–".into(),
        "–".into(),
        "–".into(),
        ratio(1.0),
        ratio(1.0),
        ratio(1.0),
        "–".into(),
    ];
    [
        vec![limit],
        ds.rows.iter().map(row_cells).collect(),
        ds.python.iter().map(row_cells).collect(),
    ]
}

fn md_row(s: &mut String, cells: &[String]) {
    let cells: Vec<String> = cells.iter().map(|c| c.replace('|', "\\|")).collect();
    let _ = writeln!(s, "| {} |", cells.join(" | "));
}

fn md_table(s: &mut String, head: &[String], rows: &[Vec<String>]) {
    md_row(s, head);
    let _ = writeln!(s, "|{}", "---|".repeat(head.len()));
    for r in rows {
        md_row(s, r);
    }
}

fn machine_rows(m: &Machine, model: &Model) -> Vec<(String, String)> {
    let mut rows = vec![
        (
            "CPU".to_string(),
            format!("{} ({} logical cores)", m.cpu, m.cores),
        ),
        ("OS".into(), m.os.clone()),
        ("rustc".into(), m.rustc.clone()),
        ("git revision".into(), m.git_revision.clone()),
        ("dataset seed".into(), format!("{:#x}", model.seed)),
    ];
    for (name, v) in &m.crates {
        rows.push((format!("crate {name}"), v.clone()));
    }
    if let Some(p) = &model.python {
        rows.push(("Python".into(), p.python.clone()));
        for (name, v) in &p.libraries {
            rows.push((format!("python {name}"), v.clone()));
        }
    }
    rows
}

const README_NOTE: &str = "Times are medians per pass over the dataset with their spread \
(criterion: 95% confidence interval of the median; Python: interquartile range). \
÷ best is against the best Rust row; × memcpy against copying the raw information bytes; \
× raw against the raw information size. See the README's timing contract.";

/// The whole report as Markdown.
pub fn markdown(model: &Model, machine: &Machine) -> String {
    let mut s = String::from("# crossfmt comparison report\n\n");
    let _ = writeln!(s, "{README_NOTE}\n");
    s.push_str("## Machine\n\n| | |\n|---|---|\n");
    for (k, v) in machine_rows(machine, model) {
        md_row(&mut s, &[k, v]);
    }
    for ds in &model.datasets {
        let _ = writeln!(
            s,
            "\n## {}\n\n{}; raw information size {} bytes in {} message(s).\n",
            ds.name, ds.description, ds.raw_size, ds.messages
        );
        let rows: Vec<Vec<String>> = dataset_table(ds).into_iter().flatten().collect();
        md_table(&mut s, &HEADER.map(String::from), &rows);
        for (codec, why) in &ds.not_measured {
            let _ = writeln!(
                s,
                "\nNot measured: {codec} cannot hold these messages ({why})."
            );
        }
        let _ = writeln!(s, "\nPlot: `plot-{}.svg`.", ds.name);
    }
    if let Some(c) = &model.conformance {
        s.push_str("\n## Conformance\n\n");
        let (head, rows) = conformance_rows(c);
        md_table(&mut s, &head, &rows);
    }
    if let Some(p) = &model.pickle_scan {
        let _ = writeln!(
            s,
            "\n## Pickle scanners\n\n{SCAN_NOTE} ({})\n",
            scan_versions(p)
        );
        let (head, rows) = object_rows(&p.throughput, THROUGHPUT_COLUMNS);
        md_table(&mut s, &head, &rows);
        s.push('\n');
        let (head, rows) = object_rows(&p.families, FAMILY_COLUMNS);
        md_table(&mut s, &head, &rows);
    }
    if let Some(d) = &model.pickle_decode {
        let _ = writeln!(
            s,
            "\n## Pickle decode beside CPython\n\n{DECODE_NOTE} ({})\n",
            d.python
        );
        let (head, rows) = object_rows(&d.rows, DECODE_COLUMNS);
        md_table(&mut s, &head, &rows);
    }
    if let Some(f) = &model.fuzz {
        s.push_str("\n## Fuzzing\n\n");
        let (head, rows) = fuzz_rows(f);
        md_table(&mut s, &head, &rows);
    }
    if let Some(l) = &model.fuzz_ledger {
        let _ = writeln!(s, "\n### Findings ledger\n\n{LEDGER_NOTE}\n");
        let (head, rows) = ledger_rows(l);
        md_table(&mut s, &head, &rows);
    }
    if let Some(c) = &model.fuzz_coverage {
        let _ = writeln!(
            s,
            "\n### Coverage\n\n{COVERAGE_NOTE} All targets together: lines {}, regions {}; per file: [{}]({}).\n",
            count(&c.lines),
            count(&c.regions),
            c.index,
            c.index
        );
        let (head, rows) = coverage_rows(&c.targets);
        md_table(&mut s, &head, &rows);
    }
    s
}

fn scalar(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Null => "–".into(),
        other => other.to_string(),
    }
}

/// id, format and every total the summary has, in its order.
fn conformance_rows(impls: &[serde_json::Value]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut keys: Vec<String> = Vec::new();
    for i in impls {
        for k in i["totals"].as_object().into_iter().flat_map(|o| o.keys()) {
            if !keys.contains(k) {
                keys.push(k.clone());
            }
        }
    }
    let head = ["implementation".to_string(), "format".into()]
        .into_iter()
        .chain(keys.iter().cloned())
        .collect();
    let rows = impls
        .iter()
        .map(|i| {
            [scalar(&i["id"]), scalar(&i["format"])]
                .into_iter()
                .chain(keys.iter().map(|k| scalar(&i["totals"][k])))
                .collect()
        })
        .collect();
    (head, rows)
}

/// Rows that are JSON objects: `first` columns, then the first row's other
/// keys.
fn object_rows(rows: &[serde_json::Value], first: &[&str]) -> (Vec<String>, Vec<Vec<String>>) {
    let mut head: Vec<String> = first.iter().map(|k| k.to_string()).collect();
    if let Some(o) = rows.first().and_then(|r| r.as_object()) {
        head.extend(o.keys().filter(|k| !first.contains(&k.as_str())).cloned());
    }
    let body = rows
        .iter()
        .map(|r| head.iter().map(|k| scalar(&r[k])).collect())
        .collect();
    (head, body)
}

/// What the scanner comparison measured with, in one line.
fn scan_versions(p: &PickleScan) -> String {
    p.versions
        .as_object()
        .map(|o| {
            o.iter()
                .map(|(k, v)| format!("{k} {}", scalar(v)))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .unwrap_or_default()
}

const THROUGHPUT_COLUMNS: &[&str] = &[
    "set",
    "tool",
    "files",
    "MB",
    "seconds",
    "MB/s",
    "vs picklescan",
];
const FAMILY_COLUMNS: &[&str] = &["family", "files", "crossfmt"];

const DECODE_COLUMNS: &[&str] = &[
    "set",
    "pickles",
    "bytes",
    "pickle/crossfmt ms",
    "pickle/serde-pickle ms",
    "CPython pickle.loads ms",
    "pickle/crossfmt / CPython",
];

const DECODE_NOTE: &str = "Time per pass over each input set (benches/pickle_decode.rs: the CPython suite's accepted cases, one pickle each of 10 000 dicts at protocols 4 and 2): criterion's median for the Rust decoders, the median of timed passes of CPython's C pickle.loads on the same bytes right after (benches/pickle_decode_cpython.py); the last column is pickle/crossfmt's time over CPython's. The Rust decoders run with mimalloc, the crossfmt binary's allocator, as CPython's objects come from its own small-object allocator.";

const SCAN_NOTE: &str = "`crossfmt pickle scan` beside picklescan and fickling on the same files (benches/pickle_scan_compare.sh): throughput per set, and per bypass family the malicious files each calls dangerous (a resource hazard: anything but safe), then benign files not called safe.";

/// One column of a table whose rows are JSON objects.
type Column = (&'static str, fn(&serde_json::Value) -> String);

/// A table of `items`, a row each, the columns read by `columns`.
fn json_rows(items: &[serde_json::Value], columns: &[Column]) -> (Vec<String>, Vec<Vec<String>>) {
    let head = columns.iter().map(|(h, _)| h.to_string()).collect();
    let rows = items
        .iter()
        .map(|i| columns.iter().map(|(_, f)| f(i)).collect())
        .collect();
    (head, rows)
}

fn fuzz_rows(targets: &[serde_json::Value]) -> (Vec<String>, Vec<Vec<String>>) {
    json_rows(
        targets,
        &[
            ("target", |t| scalar(&t["name"])),
            ("status", |t| scalar(&t["status"])),
            ("seconds", |t| {
                t["duration_seconds"]
                    .as_f64()
                    .map_or("–".into(), |d| format!("{d:.0}"))
            }),
            ("exec/s", |t| scalar(&t["exec_per_sec"])),
            ("crashes", |t| {
                t["crashes"].as_array().map_or(0, Vec::len).to_string()
            }),
        ],
    )
}

const COVERAGE_NOTE: &str = "Each fuzz target's corpus replayed in a coverage build (crossfmt fuzz --coverage): the lines and regions of the crate's own source files it reaches.";

/// A `{covered, count}` object as `covered/count (p %)`.
fn count(v: &serde_json::Value) -> String {
    match (v["covered"].as_u64(), v["count"].as_u64()) {
        (Some(c), Some(n)) if n > 0 => format!("{c}/{n} ({:.1} %)", c as f64 * 100.0 / n as f64),
        (Some(c), Some(n)) => format!("{c}/{n}"),
        _ => "–".into(),
    }
}

fn coverage_rows(targets: &[serde_json::Value]) -> (Vec<String>, Vec<Vec<String>>) {
    json_rows(
        targets,
        &[
            ("target", |t| scalar(&t["name"])),
            ("status", |t| scalar(&t["status"])),
            ("inputs", |t| scalar(&t["inputs"])),
            ("lines", |t| count(&t["lines"])),
            ("regions", |t| count(&t["regions"])),
        ],
    )
}

const LEDGER_NOTE: &str = "Every signature the nightly fuzz job has found, across runs (crossfmt fuzz's ledger.json): new this run, known (seen again or still reproducing), fixed (its saved input no longer crashes the target that way), regressed (seen again after a fix).";

fn ledger_rows(entries: &[serde_json::Value]) -> (Vec<String>, Vec<Vec<String>>) {
    use crate::fuzz_driver::summary::date;
    fn when(v: &serde_json::Value) -> String {
        v.as_u64().map_or("–".into(), date)
    }
    json_rows(
        entries,
        &[
            ("status", |e| scalar(&e["status"])),
            ("runs seen", |e| scalar(&e["times_seen"])),
            ("first seen", |e| when(&e["first_seen"])),
            ("last seen", |e| when(&e["last_seen"])),
            ("target", |e| scalar(&e["target"])),
            ("what", |e| scalar(&e["title"])),
        ],
    )
}

fn html_table(s: &mut String, id: &str, head: &[String], sections: &[(&str, Vec<Vec<String>>)]) {
    let _ = write!(s, "<table id=\"{id}\" class=\"bench-table\"><thead><tr>");
    for h in head {
        let _ = write!(s, "<th>{}</th>", encode_text(h));
    }
    s.push_str("</tr></thead>");
    for (class, rows) in sections {
        let _ = write!(s, "<tbody class=\"{class}\">");
        for r in rows {
            s.push_str("<tr>");
            for c in r {
                let _ = write!(s, "<td>{}</td>", encode_text(c));
            }
            s.push_str("</tr>");
        }
        s.push_str("</tbody>");
    }
    s.push_str("</table>\n");
}

const STYLE: &str = "body{font-family:sans-serif;margin:2em;max-width:1400px}\
table{border-collapse:collapse;margin:1em 0;font-size:13px}\
th,td{border:1px solid #ccc;padding:3px 6px;text-align:right}\
td:first-child,td:nth-child(2),th{text-align:left}\
tbody.limit{background:#eef}tbody.python-baseline{background:#efe}\
figure.pareto-plot{margin:1em 0}";

/// The whole report as one HTML page; `plots` holds each dataset's SVG in
/// `model.datasets` order.
pub fn html(model: &Model, machine: &Machine, plots: &[String]) -> String {
    let mut s = format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>crossfmt comparison report</title><style>{STYLE}</style></head><body>\n\
         <h1>crossfmt comparison report</h1>\n<p>{}</p>\n",
        encode_text(README_NOTE)
    );
    s.push_str("<section id=\"machine\"><h2>Machine</h2>");
    let rows: Vec<Vec<String>> = machine_rows(machine, model)
        .into_iter()
        .map(|(k, v)| vec![k, v])
        .collect();
    html_table(
        &mut s,
        "machine-table",
        &["".into(), "".into()],
        &[("meta", rows)],
    );
    s.push_str("</section>\n");
    for (ds, plot) in model.datasets.iter().zip(plots) {
        let name = encode_text(&ds.name);
        let _ = write!(
            s,
            "<section class=\"dataset\" id=\"dataset-{name}\"><h2>{name}</h2><p>{}; raw information \
             size {} bytes in {} message(s).</p>",
            encode_text(&ds.description),
            ds.raw_size,
            ds.messages
        );
        let [limit, rust, python] = dataset_table(ds);
        html_table(
            &mut s,
            &format!("table-{name}"),
            &HEADER.map(String::from),
            &[
                ("limit", limit),
                ("rust", rust),
                ("python-baseline", python),
            ],
        );
        for (codec, why) in &ds.not_measured {
            let _ = write!(
                s,
                "<p class=\"not-measured\">Not measured: {} cannot hold these messages ({}).</p>",
                encode_text(codec),
                encode_text(why)
            );
        }
        let svg = plot.find("<svg").map_or(plot.as_str(), |i| &plot[i..]);
        let _ = writeln!(
            s,
            "<figure class=\"pareto-plot\" id=\"plot-{name}\">{svg}<figcaption>{name}: size vs \
             encode + decode time; ● typed, ▲ dynamic, ✕ Python; red: the Pareto front.\
             </figcaption></figure></section>"
        );
    }
    if let Some(c) = &model.conformance {
        let (head, rows) = conformance_rows(c);
        s.push_str("<section id=\"conformance\"><h2>Conformance</h2>");
        html_table(&mut s, "conformance-table", &head, &[("conformance", rows)]);
        s.push_str("</section>\n");
    }
    if let Some(p) = &model.pickle_scan {
        let _ = write!(
            s,
            "<section id=\"pickle-scan\"><h2>Pickle scanners</h2><p>{} ({})</p>",
            encode_text(SCAN_NOTE),
            encode_text(&scan_versions(p))
        );
        let (head, rows) = object_rows(&p.throughput, THROUGHPUT_COLUMNS);
        html_table(
            &mut s,
            "pickle-scan-throughput",
            &head,
            &[("throughput", rows)],
        );
        let (head, rows) = object_rows(&p.families, FAMILY_COLUMNS);
        html_table(&mut s, "pickle-scan-families", &head, &[("families", rows)]);
        s.push_str("</section>\n");
    }
    if let Some(d) = &model.pickle_decode {
        let _ = write!(
            s,
            "<section id=\"pickle-decode\"><h2>Pickle decode beside CPython</h2><p>{} ({})</p>",
            encode_text(DECODE_NOTE),
            encode_text(&d.python)
        );
        let (head, rows) = object_rows(&d.rows, DECODE_COLUMNS);
        html_table(&mut s, "pickle-decode-table", &head, &[("decode", rows)]);
        s.push_str("</section>\n");
    }
    if let Some(f) = &model.fuzz {
        let (head, rows) = fuzz_rows(f);
        s.push_str("<section id=\"fuzz\"><h2>Fuzzing</h2>");
        html_table(&mut s, "fuzz-table", &head, &[("fuzz", rows)]);
        if let Some(l) = &model.fuzz_ledger {
            let _ = write!(
                s,
                "<h3>Findings ledger</h3><p>{}</p>",
                encode_text(LEDGER_NOTE)
            );
            let (head, rows) = ledger_rows(l);
            html_table(&mut s, "fuzz-ledger-table", &head, &[("ledger", rows)]);
        }
        if let Some(c) = &model.fuzz_coverage {
            let _ = write!(
                s,
                "<h3>Coverage</h3><p>{} All targets together: lines {}, regions {}; <a id=\"fuzz-coverage-link\" href=\"{}\">per file and line by line</a>.</p>",
                encode_text(COVERAGE_NOTE),
                encode_text(&count(&c.lines)),
                encode_text(&count(&c.regions)),
                html_escape::encode_double_quoted_attribute(&c.index)
            );
            let (head, rows) = coverage_rows(&c.targets);
            html_table(&mut s, "fuzz-coverage-table", &head, &[("coverage", rows)]);
        }
        s.push_str("</section>\n");
    }
    s.push_str("</body></html>\n");
    s
}

/// Every dataset's plot, in order.
pub fn plots(model: &Model) -> Result<Vec<String>, String> {
    model
        .datasets
        .iter()
        .map(|ds| bench_plot::svg(ds).map_err(|e| format!("{}: plot: {e}", ds.name)))
        .collect()
}
