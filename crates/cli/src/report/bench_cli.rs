//! `crossfmt report`: the comparison report from a bench run. Loads and
//! checks everything first ([`bench_model::load`]), renders into a scratch
//! directory beside the output, and only then replaces the output: a refused
//! or failed run publishes nothing and leaves the previous report alone.

use super::bench_meta;
use super::bench_model::{self, Inputs, Model};
use super::bench_render;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

pub const AFTER_HELP: &str = "\
Run `cargo bench --bench datasets` first (CROSSFMT_BENCH_QUICK=1 for a short
run), optionally `benches/python_baseline`, then this command from the
repository root. Writes index.html, report.md, report.json and
plot-<dataset>.svg into --out.

Exit status: 0 report written; 1 the run is refused (a dataset × codec row
without estimates, a failed round trip, a Python baseline of other data):
nothing is written; 2 input or output errors.";

#[derive(clap::Args, Debug)]
pub struct ReportArgs {
    /// criterion's output directory.
    #[arg(long, default_value = "target/criterion", value_name = "DIR")]
    pub criterion: PathBuf,
    /// The bench's records (sizes.json, python.json).
    #[arg(long, default_value = "target/crossfmt-bench", value_name = "DIR")]
    pub bench: PathBuf,
    /// A `crossfmt conformance --json` summary; included when the file exists.
    #[arg(
        long,
        default_value = "target/crossfmt-conformance.json",
        value_name = "FILE"
    )]
    pub conformance: PathBuf,
    /// A `crossfmt fuzz` summary.json; included when the file exists.
    #[arg(
        long,
        default_value = "target/crossfmt-fuzz/summary.json",
        value_name = "FILE"
    )]
    pub fuzz: PathBuf,
    /// The pickle scanner comparison's summary
    /// (`crates/bench/benches/pickle_scan_compare.sh`); included when the
    /// file exists.
    #[arg(
        long,
        default_value = "target/pickle-scan-bench/summary.json",
        value_name = "FILE"
    )]
    pub pickle_scan: PathBuf,
    /// Pickle decoding beside CPython (`cargo bench --bench pickle_decode`,
    /// then `crates/bench/benches/pickle_decode_cpython.py`); included when
    /// the file exists.
    #[arg(
        long,
        default_value = "target/crossfmt-bench/pickle_decode/summary.json",
        value_name = "FILE"
    )]
    pub pickle_decode: PathBuf,
    /// Where the report goes.
    #[arg(long, default_value = "target/crossfmt-report", value_name = "DIR")]
    pub out: PathBuf,
}

#[derive(Serialize)]
struct ReportJson<'a> {
    machine: &'a bench_meta::Machine,
    #[serde(flatten)]
    model: &'a Model,
}

pub fn run(args: &ReportArgs) -> ExitCode {
    let inputs = Inputs {
        criterion: args.criterion.clone(),
        bench: args.bench.clone(),
        conformance: Some(args.conformance.clone()),
        fuzz: Some(args.fuzz.clone()),
        pickle_scan: Some(args.pickle_scan.clone()),
        pickle_decode: Some(args.pickle_decode.clone()),
    };
    let mut model = match bench_model::load(&inputs) {
        Ok(m) => m,
        Err(refused) => {
            eprint!("crossfmt report: {refused}");
            return ExitCode::from(1);
        }
    };
    if let Some(c) = &mut model.fuzz_coverage {
        c.index = link_from(&args.out, Path::new(&c.index));
    }
    match publish(&model, &bench_meta::machine(), &args.out) {
        Ok(()) => {
            println!(
                "report written to {}",
                args.out.join("index.html").display()
            );
            ExitCode::SUCCESS
        }
        Err(e) => {
            eprintln!("crossfmt report: {e}");
            ExitCode::from(2)
        }
    }
}

/// `file` as a link from a page in `dir`: relative, so the two directories
/// can move together (a CI artifact); as given when no relative path exists.
pub fn link_from(dir: &Path, file: &Path) -> String {
    let abs = |p: &Path| std::path::absolute(p).unwrap_or_else(|_| p.to_path_buf());
    pathdiff::diff_paths(abs(file), abs(dir))
        .unwrap_or_else(|| file.to_path_buf())
        .display()
        .to_string()
}

/// Renders `model` into `out`, replacing it whole.
pub fn publish(model: &Model, machine: &bench_meta::Machine, out: &Path) -> Result<(), String> {
    let plots = bench_render::plots(model)?;
    let json = serde_json::to_string_pretty(&ReportJson { machine, model })
        .map_err(|e| format!("report.json: {e}"))?;
    let mut files = vec![
        (
            "index.html".to_string(),
            bench_render::html(model, machine, &plots),
        ),
        ("report.md".into(), bench_render::markdown(model, machine)),
        ("report.json".into(), json),
    ];
    for (ds, svg) in model.datasets.iter().zip(plots) {
        files.push((format!("plot-{}.svg", ds.name), svg));
    }
    let sibling = |suffix: &str| {
        let mut name = out.file_name().unwrap_or_default().to_owned();
        name.push(suffix);
        out.with_file_name(name)
    };
    let (tmp, old) = (sibling(".partial"), sibling(".old"));
    let io = |what: &Path, e: std::io::Error| format!("{}: {e}", what.display());
    for dir in [&tmp, &old] {
        if dir.exists() {
            std::fs::remove_dir_all(dir).map_err(|e| io(dir, e))?;
        }
    }
    std::fs::create_dir_all(&tmp).map_err(|e| io(&tmp, e))?;
    for (name, text) in &files {
        let path = tmp.join(name);
        std::fs::write(&path, text).map_err(|e| io(&path, e))?;
    }
    if out.exists() {
        std::fs::rename(out, &old).map_err(|e| io(out, e))?;
    }
    std::fs::rename(&tmp, out).map_err(|e| io(out, e))?;
    if old.exists() {
        std::fs::remove_dir_all(&old).map_err(|e| io(&old, e))?;
    }
    Ok(())
}
