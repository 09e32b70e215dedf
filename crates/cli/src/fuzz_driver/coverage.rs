//! `crossfmt fuzz --coverage`: what the fuzzers reach, as line coverage.
//!
//! cargo-fuzz's own `coverage` stops at a `.profdata` per target. This builds
//! that flavour (source-based coverage, no sanitizer, the dev profile: the
//! lines map to the source as written and the build is the cheapest), replays
//! each target's corpus, and turns the profiles into what a person reads:
//! llvm-cov's HTML per target and for all targets together (the profiles
//! merged, every binary one object), and a table of lines and regions
//! covered per source file of the crate under test. Only files under the
//! crate's root count: a codec author sees their codec, not crossfmt's
//! registry sources; generated code under a `target/` directory is left out.
//!
//! `llvm-cov` and `llvm-profdata` come from rustup's `llvm-tools` component
//! of the toolchain that builds the targets (added when missing), since the
//! profile format follows the compiler's LLVM.

use super::{process, Config, Toolchain};
use anyhow::{bail, Context, Result};
use serde::{Deserialize, Serialize};
use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// Environment variable naming a directory with `llvm-cov` and
/// `llvm-profdata` to use instead of the toolchain's (tests point it at
/// stand-ins).
pub const LLVM_BIN_ENV: &str = "CROSSFMT_LLVM_BIN";

/// The build's first replay compiles every dependency; later ones link one
/// binary each.
const FIRST_LIMIT: Duration = Duration::from_secs(3600);
const REPLAY_LIMIT: Duration = Duration::from_secs(1800);

/// Covered out of countable, as llvm-cov counts lines or regions.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    pub covered: u64,
    pub count: u64,
}

impl Count {
    /// Percent covered; 0 when there is nothing to count.
    pub fn percent(self) -> f64 {
        if self.count == 0 {
            0.0
        } else {
            self.covered as f64 * 100.0 / self.count as f64
        }
    }

    fn add(&mut self, o: Count) {
        self.covered += o.covered;
        self.count += o.count;
    }
}

impl std::fmt::Display for Count {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{}/{} ({:.1} %)",
            self.covered,
            self.count,
            self.percent()
        )
    }
}

/// One source file's coverage.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct FileCoverage {
    /// Relative to the crate root.
    pub path: String,
    pub lines: Count,
    pub regions: Count,
    pub functions: Count,
}

/// One target's replay.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct TargetCoverage {
    pub name: String,
    /// `ok`, or what went wrong (`replay failed …`, `interrupted`).
    pub status: String,
    /// Corpus files replayed.
    pub inputs: usize,
    /// Over the crate's files.
    pub lines: Count,
    pub regions: Count,
    /// Its llvm-cov HTML report, relative to the coverage directory.
    pub html: Option<String>,
}

/// Everything `--coverage` made.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct CoverageReport {
    /// The overview page (`index.html`), as given in the output directory.
    pub index: String,
    /// The llvm-cov HTML of all targets together, relative to the coverage
    /// directory.
    pub all_html: Option<String>,
    pub targets: Vec<TargetCoverage>,
    /// All targets together, per file of the crate.
    pub files: Vec<FileCoverage>,
    pub lines: Count,
    pub regions: Count,
    pub seconds: f64,
}

impl CoverageReport {
    /// Whether any target's replay produced a profile.
    pub fn any_ok(&self) -> bool {
        self.targets.iter().any(|t| t.status == "ok")
    }
}

/// The subset of `llvm-cov export -summary-only` this reads.
#[derive(Deserialize)]
struct Export {
    data: Vec<ExportData>,
}

#[derive(Deserialize)]
struct ExportData {
    files: Vec<ExportFile>,
}

#[derive(Deserialize)]
struct ExportFile {
    filename: String,
    summary: ExportSummary,
}

#[derive(Deserialize)]
struct ExportSummary {
    lines: Count,
    regions: Count,
    functions: Count,
}

/// The files of an `llvm-cov export -summary-only` document that belong to
/// the crate at `root` (under it, not under a `target/` directory), with
/// paths relative to it, sorted.
pub fn crate_files(export_json: &str, root: &Path) -> Result<Vec<FileCoverage>> {
    let export: Export =
        serde_json::from_str(export_json).context("reading llvm-cov's export JSON")?;
    let mut files: Vec<FileCoverage> = export
        .data
        .into_iter()
        .flat_map(|d| d.files)
        .filter_map(|f| {
            let rel = Path::new(&f.filename).strip_prefix(root).ok()?;
            if rel.components().any(|c| c.as_os_str() == "target") {
                return None;
            }
            Some(FileCoverage {
                path: rel.to_string_lossy().into_owned(),
                lines: f.summary.lines,
                regions: f.summary.regions,
                functions: f.summary.functions,
            })
        })
        .collect();
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// Sums lines and regions over files.
fn totals(files: &[FileCoverage]) -> (Count, Count) {
    let (mut l, mut r) = (Count::default(), Count::default());
    for f in files {
        l.add(f.lines);
        r.add(f.regions);
    }
    (l, r)
}

/// `llvm-cov` and `llvm-profdata`.
struct Llvm {
    dir: PathBuf,
}

impl Llvm {
    fn tool(&self, name: &str) -> Command {
        Command::new(self.dir.join(name))
    }

    /// The toolchain's llvm-tools, adding the rustup component when missing.
    fn find(tc: &Toolchain) -> Result<Llvm> {
        if let Some(d) = std::env::var_os(LLVM_BIN_ENV) {
            let dir = PathBuf::from(d);
            if !dir.join("llvm-cov").is_file() {
                bail!("no llvm-cov in {} ({LLVM_BIN_ENV})", dir.display());
            }
            return Ok(Llvm { dir });
        }
        let rustc = |args: &[&str]| -> Result<String> {
            let mut c = Command::new("rustc");
            if tc.plus_nightly {
                c.arg("+nightly");
            } else {
                c.env("RUSTC_BOOTSTRAP", "1");
            }
            let o = c.args(args).output().context("running rustc")?;
            if !o.status.success() {
                bail!(
                    "rustc {}: {}",
                    args.join(" "),
                    String::from_utf8_lossy(&o.stderr)
                );
            }
            Ok(String::from_utf8_lossy(&o.stdout).into_owned())
        };
        let sysroot = rustc(&["--print", "sysroot"])?.trim().to_string();
        let host = rustc(&["-vV"])?
            .lines()
            .find_map(|l| l.strip_prefix("host: ").map(str::to_string))
            .context("rustc -vV names no host")?;
        let dir = Path::new(&sysroot)
            .join("lib/rustlib")
            .join(host)
            .join("bin");
        if !dir.join("llvm-cov").is_file() {
            let mut add = Command::new("rustup");
            add.args(["component", "add", "llvm-tools-preview"]);
            if tc.plus_nightly {
                add.args(["--toolchain", "nightly"]);
            }
            eprintln!(
                "crossfmt fuzz: coverage: installing rustup's llvm-tools (llvm-cov, llvm-profdata)"
            );
            let ok = add.status().is_ok_and(|s| s.success());
            if !ok || !dir.join("llvm-cov").is_file() {
                bail!(
                    "no llvm-cov in {} and `rustup component add llvm-tools-preview` did not add it",
                    dir.display()
                );
            }
        }
        Ok(Llvm { dir })
    }

    /// Runs a tool to completion; its stdout, or an error with its stderr.
    fn output(&self, mut c: Command, what: &str) -> Result<String> {
        let o = c
            .stdin(Stdio::null())
            .output()
            .with_context(|| format!("running {what}"))?;
        if !o.status.success() {
            bail!(
                "{what} failed ({}): {}",
                o.status,
                String::from_utf8_lossy(&o.stderr).trim()
            );
        }
        Ok(String::from_utf8_lossy(&o.stdout).into_owned())
    }

    /// `llvm-cov export -summary-only` of `objects` with `profile`.
    fn export(&self, profile: &Path, objects: &[PathBuf]) -> Result<String> {
        let mut c = self.tool("llvm-cov");
        c.arg("export")
            .arg("-summary-only")
            .arg(format!("-instr-profile={}", profile.display()));
        add_objects(&mut c, objects);
        self.output(c, "llvm-cov export")
    }

    /// `llvm-cov show -format=html` of `objects`, restricted to `sources`.
    fn html(
        &self,
        profile: &Path,
        objects: &[PathBuf],
        sources: &[PathBuf],
        title: &str,
        out: &Path,
    ) -> Result<()> {
        let _ = fs::remove_dir_all(out);
        let mut c = self.tool("llvm-cov");
        c.arg("show")
            .arg("-format=html")
            .arg(format!("-instr-profile={}", profile.display()))
            .arg(format!("-output-dir={}", out.display()))
            .arg(format!("-project-title={title}"))
            .arg("-show-line-counts-or-regions")
            .arg("-show-instantiations=false");
        add_objects(&mut c, objects);
        c.arg("--").args(sources);
        self.output(c, "llvm-cov show").map(|_| ())
    }
}

/// The first object is positional, the rest `-object`.
fn add_objects(c: &mut Command, objects: &[PathBuf]) {
    for (i, o) in objects.iter().enumerate() {
        if i > 0 {
            c.arg("-object");
        }
        c.arg(o);
    }
}

/// The coverage binary cargo-fuzz built for `target` under `target_dir`
/// (`<target_dir>/<triple>/debug/<target>`).
fn coverage_binary(target_dir: &Path, target: &str) -> Option<PathBuf> {
    fs::read_dir(target_dir)
        .ok()?
        .filter_map(|e| e.ok())
        .map(|e| e.path().join("debug").join(target))
        .find(|p| p.is_file())
}

/// Where `cargo fuzz coverage` leaves a target's merged profile.
fn profile_of(fuzz_dir: &Path, target: &str) -> PathBuf {
    fuzz_dir
        .join("coverage")
        .join(target)
        .join("coverage.profdata")
}

/// The bytes of the files directly in `dir`.
fn corpus_bytes(dir: &Path) -> u64 {
    fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok()?.metadata().ok())
                .filter(|m| m.is_file())
                .map(|m| m.len())
                .sum()
        })
        .unwrap_or(0)
}

/// One running `cargo fuzz coverage`.
struct Replay {
    index: usize,
    child: std::process::Child,
    started: Instant,
    limit: Duration,
}

/// Runs `cargo fuzz coverage` for every target, `cfg.jobs` at a time after
/// the first (which builds every dependency, alone); each one's status
/// (`ok` when it left a profile) and how long it took, in `targets`' order.
fn replay_all(
    cfg: &Config,
    tc: &Toolchain,
    targets: &[String],
    target_dir: &Path,
    logs: &Path,
) -> Result<Vec<(String, Duration)>> {
    let fuzz_dir = cfg.fuzz_dir();
    let mut done: Vec<Option<(String, Duration)>> = vec![None; targets.len()];
    // The smallest corpus first, alone, to build; then the largest first,
    // so that no long replay is left running by itself at the end.
    let bytes: Vec<u64> = targets
        .iter()
        .map(|t| corpus_bytes(&cfg.corpus_dir(t)))
        .collect();
    let mut order: Vec<usize> = (0..targets.len()).collect();
    order.sort_by_key(|&i| std::cmp::Reverse(bytes[i]));
    if let Some(last) = order.pop() {
        order.insert(0, last);
    }
    let first = order.first().copied();
    let mut pending = order.into_iter();
    let mut running: Vec<Replay> = Vec::new();
    let log_of = |i: usize| logs.join(format!("{}.log", targets[i]));
    loop {
        let built = first.is_none_or(|f| done[f].is_some());
        let width = if built { cfg.jobs.max(1) } else { 1 };
        while running.len() < width && !process::interrupted() {
            let Some(i) = pending.next() else { break };
            let target = &targets[i];
            let corpus = cfg.corpus_dir(target);
            fs::create_dir_all(&corpus)?;
            // cargo-fuzz merges every raw profile it finds there.
            let _ = fs::remove_dir_all(fuzz_dir.join("coverage").join(target));
            let spawned = fs::File::create(log_of(i))
                .and_then(|f| Ok((f.try_clone()?, f)))
                .and_then(|(out, err)| {
                    let mut c = tc.fuzz(
                        &cfg.root,
                        &[
                            "coverage",
                            "--dev",
                            "--sanitizer",
                            "none",
                            "--target-dir",
                            &target_dir.display().to_string(),
                            target,
                            &corpus.display().to_string(),
                        ],
                    );
                    // Coverage maps need no debug info, and without it the
                    // dev build of every dependency takes a quarter less.
                    c.env("CARGO_PROFILE_DEV_DEBUG", "0")
                        .stdout(out)
                        .stderr(err);
                    process::spawn_group(&mut c)
                });
            match spawned {
                Ok(child) => running.push(Replay {
                    index: i,
                    child,
                    started: Instant::now(),
                    limit: if Some(i) == first {
                        FIRST_LIMIT
                    } else {
                        REPLAY_LIMIT
                    },
                }),
                Err(e) => {
                    done[i] = Some((
                        format!("could not run cargo fuzz coverage: {e}"),
                        Duration::ZERO,
                    ))
                }
            }
        }
        if running.is_empty() {
            break;
        }
        std::thread::sleep(Duration::from_millis(50));
        let mut still = Vec::new();
        for mut r in running {
            let took = r.started.elapsed();
            let status = match r.child.try_wait() {
                Ok(Some(s))
                    if s.success() && profile_of(&fuzz_dir, &targets[r.index]).is_file() =>
                {
                    "ok".to_string()
                }
                Ok(Some(s)) => format!("replay failed ({s}; see {})", log_of(r.index).display()),
                Ok(None) if process::interrupted() => {
                    process::stop_group(&mut r.child, Duration::from_secs(3));
                    "interrupted".into()
                }
                Ok(None) if took > r.limit => {
                    process::stop_group(&mut r.child, Duration::from_secs(3));
                    format!("replay took over {} s", r.limit.as_secs())
                }
                Ok(None) => {
                    still.push(r);
                    continue;
                }
                Err(e) => format!("waiting for cargo fuzz coverage: {e}"),
            };
            done[r.index] = Some((status, took));
        }
        running = still;
    }
    Ok(done
        .into_iter()
        .map(|d| d.unwrap_or_else(|| ("interrupted".into(), Duration::ZERO)))
        .collect())
}

/// What a target's replay contributes to the all-targets report.
#[derive(Clone)]
struct Made {
    profile: PathBuf,
    binary: PathBuf,
    sources: Vec<PathBuf>,
}

/// Where things are, for [`report_target`].
struct Place<'a> {
    llvm: &'a Llvm,
    root: &'a Path,
    fuzz_dir: &'a Path,
    target_dir: &'a Path,
    dir: &'a Path,
}

/// One target's totals and llvm-cov page, from its replay's profile.
fn report_target(
    p: &Place<'_>,
    target: &str,
    corpus: &Path,
    status: String,
) -> (TargetCoverage, Option<Made>) {
    let mut t = TargetCoverage {
        name: target.to_string(),
        inputs: super::count_files(corpus),
        status,
        ..TargetCoverage::default()
    };
    if t.status != "ok" {
        return (t, None);
    }
    let profile = profile_of(p.fuzz_dir, target);
    let Some(binary) = coverage_binary(p.target_dir, target) else {
        t.status = format!("no coverage binary under {}", p.target_dir.display());
        return (t, None);
    };
    let files = match summarise(p.llvm, p.root, &profile, std::slice::from_ref(&binary)) {
        Ok(files) => files,
        Err(e) => {
            t.status = format!("{e:#}");
            return (t, None);
        }
    };
    (t.lines, t.regions) = totals(&files);
    // A target's page shows the files it reached (every file is on the
    // all-targets page): a sixth of the size.
    let reached: Vec<PathBuf> = files
        .iter()
        .filter(|f| f.lines.covered > 0)
        .map(|f| p.root.join(&f.path))
        .collect();
    let html = p.dir.join("targets").join(target);
    match p.llvm.html(
        &profile,
        std::slice::from_ref(&binary),
        &reached,
        target,
        &html,
    ) {
        Ok(()) => t.html = Some(format!("targets/{target}/index.html")),
        Err(e) => eprintln!("crossfmt fuzz: coverage: {target}: {e:#}"),
    }
    let sources = files.iter().map(|f| p.root.join(&f.path)).collect();
    (
        t,
        Some(Made {
            profile,
            binary,
            sources,
        }),
    )
}

/// Builds the coverage flavour of `targets`, replays each one's corpus and
/// writes the reports under `<out>/coverage/`. Stops at an interruption with
/// what it has. An error is a setup error (no llvm-tools).
pub fn run(cfg: &Config, tc: &Toolchain, targets: &[String]) -> Result<CoverageReport> {
    let started = Instant::now();
    let llvm = Llvm::find(tc)?;
    // The referee is no part of what is measured, and CPython in every
    // replay would only slow it.
    let tc = Toolchain {
        features: Vec::new(),
        ..tc.clone()
    };
    // A target that compares with a reference compares nothing without it.
    let targets: Vec<String> = targets
        .iter()
        .filter(|t| super::reference_of(cfg, t).is_none())
        .cloned()
        .collect();
    let targets = targets.as_slice();
    let root =
        fs::canonicalize(&cfg.root).with_context(|| format!("resolving {}", cfg.root.display()))?;
    let fuzz_dir = cfg.fuzz_dir();
    let target_dir = fs::canonicalize(&fuzz_dir)?.join("target").join("coverage");
    let dir = cfg.out.join("coverage");
    fs::create_dir_all(dir.join("logs"))?;
    let mut report = CoverageReport {
        index: dir.join("index.html").display().to_string(),
        ..CoverageReport::default()
    };
    let mut profiles = Vec::new();
    let mut objects = Vec::new();
    let mut sources: std::collections::BTreeSet<PathBuf> = Default::default();
    eprintln!(
        "crossfmt fuzz: coverage: building {} target(s) with -Cinstrument-coverage and replaying their corpora…",
        targets.len()
    );
    let replays = replay_all(cfg, &tc, targets, &target_dir, &dir.join("logs"))?;
    // llvm-cov per target, `jobs` threads at a time: a second or so each.
    let reports: Vec<(TargetCoverage, Option<Made>)> = {
        let work: Vec<(usize, &String, String)> = targets
            .iter()
            .zip(&replays)
            .enumerate()
            .map(|(i, (t, (status, _)))| (i, t, status.clone()))
            .collect();
        let width = cfg.jobs.max(1);
        let mut slots: Vec<Option<(TargetCoverage, Option<Made>)>> = vec![None; work.len()];
        std::thread::scope(|scope| {
            let handles: Vec<_> = (0..width)
                .map(|w| {
                    let work = &work;
                    let (llvm, root, fuzz_dir, target_dir, dir) =
                        (&llvm, &root, &fuzz_dir, &target_dir, &dir);
                    scope.spawn(move || {
                        work.iter()
                            .skip(w)
                            .step_by(width)
                            .map(|(i, target, status)| {
                                let corpus = cfg.corpus_dir(target);
                                let place = Place {
                                    llvm,
                                    root,
                                    fuzz_dir,
                                    target_dir,
                                    dir,
                                };
                                (*i, report_target(&place, target, &corpus, status.clone()))
                            })
                            .collect::<Vec<_>>()
                    })
                })
                .collect();
            for h in handles {
                for (i, r) in h.join().unwrap_or_default() {
                    slots[i] = Some(r);
                }
            }
        });
        slots
            .into_iter()
            .zip(targets)
            .map(|(slot, name)| {
                slot.unwrap_or_else(|| {
                    let t = TargetCoverage {
                        name: name.clone(),
                        status: "its report failed (a panic in crossfmt)".into(),
                        ..TargetCoverage::default()
                    };
                    (t, None)
                })
            })
            .collect()
    };
    for (i, ((t, made), (_, took))) in reports.into_iter().zip(&replays).enumerate() {
        eprintln!(
            "crossfmt fuzz: coverage [{}/{}] {}: {}, {} inputs, lines {}, regions {} ({:.0?})",
            i + 1,
            targets.len(),
            t.name,
            t.status,
            t.inputs,
            t.lines,
            t.regions,
            took
        );
        if let Some(m) = made {
            sources.extend(m.sources);
            profiles.push(m.profile);
            objects.push(m.binary);
        }
        report.targets.push(t);
    }

    if !profiles.is_empty() {
        let all = dir.join("all.profdata");
        let mut merge = llvm.tool("llvm-profdata");
        merge
            .arg("merge")
            .arg("-sparse")
            .args(&profiles)
            .arg("-o")
            .arg(&all);
        let together = llvm
            .output(merge, "llvm-profdata merge")
            .and_then(|_| summarise(&llvm, &root, &all, &objects));
        match together {
            Ok(files) => {
                (report.lines, report.regions) = totals(&files);
                report.files = files;
                let sources: Vec<PathBuf> = sources.into_iter().collect();
                match llvm.html(&all, &objects, &sources, "all targets", &dir.join("all")) {
                    Ok(()) => report.all_html = Some("all/index.html".into()),
                    Err(e) => eprintln!("crossfmt fuzz: coverage: all targets: {e:#}"),
                }
            }
            Err(e) => eprintln!("crossfmt fuzz: coverage: all targets: {e:#}"),
        }
    }
    report.seconds = started.elapsed().as_secs_f64();
    fs::write(
        dir.join("summary.json"),
        serde_json::to_string_pretty(&report)?,
    )?;
    fs::write(dir.join("index.html"), render_html(&report))?;
    eprintln!(
        "crossfmt fuzz: coverage: lines {}, regions {} over {} file(s); {}",
        report.lines,
        report.regions,
        report.files.len(),
        report.index
    );
    Ok(report)
}

/// Puts `report` into the fuzz summary in `out` when there is one (what
/// `--coverage-only` measured, for the comparison report to show); the
/// rest of the summary stays as the fuzzing run wrote it.
pub fn attach(out: &Path, report: &CoverageReport) -> Result<()> {
    let path = out.join("summary.json");
    let Ok(text) = fs::read_to_string(&path) else {
        return Ok(());
    };
    let mut summary: serde_json::Value = serde_json::from_str(&text)
        .with_context(|| format!("{} is not a fuzz summary", path.display()))?;
    let Some(fields) = summary.as_object_mut() else {
        bail!("{} is not a fuzz summary", path.display());
    };
    fields.insert("coverage".into(), serde_json::to_value(report)?);
    fs::write(&path, serde_json::to_string_pretty(&summary)?)?;
    Ok(())
}

/// The crate's files in the coverage of `objects` under `profile`.
fn summarise(
    llvm: &Llvm,
    root: &Path,
    profile: &Path,
    objects: &[PathBuf],
) -> Result<Vec<FileCoverage>> {
    crate_files(&llvm.export(profile, objects)?, root)
}

/// The overview page: every target with its totals and its report, then
/// every file with all targets together.
pub fn render_html(r: &CoverageReport) -> String {
    use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
    let mut s = String::from(
        "<!doctype html><html><head><meta charset=\"utf-8\"><title>crossfmt fuzz coverage</title><style>\
         body{font-family:system-ui,sans-serif;margin:2em;max-width:70em}\
         table{border-collapse:collapse;margin:1em 0}td,th{padding:.2em .6em;border-bottom:1px solid #ddd;text-align:left}\
         td.n{text-align:right;font-variant-numeric:tabular-nums}\
         .bar{display:inline-block;height:.7em;background:#4a8;vertical-align:middle}\
         .bg{display:inline-block;width:8em;background:#eee}</style></head><body>\
         <h1>What the fuzzers reach</h1>",
    );
    let _ = write!(
        s,
        "<p>Line coverage of each fuzz target's corpus replayed (<code>crossfmt fuzz --coverage</code>: \
         cargo-fuzz's coverage build, llvm-cov), over the crate's own source files. \
         All targets together: lines {}, regions {}{}.</p>",
        text(&r.lines.to_string()),
        text(&r.regions.to_string()),
        r.all_html.as_ref().map_or(String::new(), |h| format!(
            " (<a href=\"{}\">line by line</a>)",
            attr(h)
        ))
    );
    let bar = |c: Count| {
        format!(
            "<span class=\"bg\"><span class=\"bar\" style=\"width:{:.1}%\"></span></span>",
            c.percent()
        )
    };
    s.push_str(
        "<h2>Targets</h2><table id=\"coverage-targets\"><thead><tr><th>target</th><th>status</th>\
         <th>inputs</th><th>lines</th><th></th><th>regions</th></tr></thead><tbody>",
    );
    for t in &r.targets {
        let name = match &t.html {
            Some(h) => format!("<a href=\"{}\">{}</a>", attr(h), text(&t.name)),
            None => text(&t.name).into_owned(),
        };
        let _ = write!(
            s,
            "<tr><td>{name}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td></tr>",
            text(&t.status),
            t.inputs,
            text(&t.lines.to_string()),
            bar(t.lines),
            text(&t.regions.to_string()),
        );
    }
    s.push_str("</tbody></table>");
    s.push_str(
        "<h2>Files, all targets together</h2><table id=\"coverage-files\"><thead><tr><th>file</th>\
         <th>lines</th><th></th><th>regions</th><th>functions</th></tr></thead><tbody>",
    );
    for f in &r.files {
        let _ = write!(
            s,
            "<tr><td><code>{}</code></td><td class=\"n\">{}</td><td>{}</td><td class=\"n\">{}</td><td class=\"n\">{}</td></tr>",
            text(&f.path),
            text(&f.lines.to_string()),
            bar(f.lines),
            text(&f.regions.to_string()),
            text(&f.functions.to_string()),
        );
    }
    s.push_str("</tbody></table></body></html>\n");
    s
}

/// The Markdown section of the fuzz summary.
pub fn render_markdown(m: &mut String, r: &CoverageReport) {
    let _ = writeln!(
        m,
        "\n## Coverage\n\nEach target's corpus replayed in the coverage build ({:.0} s): lines {}, \
         regions {} of the crate's files, all targets together. Line by line: `{}`.\n",
        r.seconds, r.lines, r.regions, r.index
    );
    let _ = writeln!(
        m,
        "| target | status | inputs | lines | regions |\n|---|---|---:|---:|---:|"
    );
    for t in &r.targets {
        let _ = writeln!(
            m,
            "| {} | {} | {} | {} | {} |",
            t.name,
            t.status.replace('|', "\\|"),
            t.inputs,
            t.lines,
            t.regions
        );
    }
    if !r.files.is_empty() {
        let _ = writeln!(
            m,
            "\n| file (all targets) | lines | regions |\n|---|---:|---:|"
        );
        for f in &r.files {
            let _ = writeln!(m, "| `{}` | {} | {} |", f.path, f.lines, f.regions);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const EXPORT: &str = r#"{"type":"llvm.coverage.json.export","version":"3.1.0","data":[{"files":[
      {"filename":"/src/crate/src/lib.rs","summary":{"lines":{"count":10,"covered":4,"percent":40},
        "regions":{"count":20,"covered":5,"notcovered":15,"percent":25},"functions":{"count":2,"covered":1,"percent":50}}},
      {"filename":"/src/crate/fuzz/target/cov/x86_64/debug/build/x/out/gen.rs","summary":{"lines":{"count":9,"covered":9},
        "regions":{"count":9,"covered":9},"functions":{"count":1,"covered":1}}},
      {"filename":"/root/.cargo/registry/src/index/serde-1.0/src/de.rs","summary":{"lines":{"count":99,"covered":1},
        "regions":{"count":99,"covered":1},"functions":{"count":9,"covered":1}}},
      {"filename":"/src/crate/src/a.rs","summary":{"lines":{"count":4,"covered":4},
        "regions":{"count":6,"covered":3},"functions":{"count":1,"covered":1}}}
    ],"totals":{}}]}"#;

    #[test]
    fn only_the_crates_own_files_count() {
        let files = crate_files(EXPORT, Path::new("/src/crate")).unwrap();
        let paths: Vec<&str> = files.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["src/a.rs", "src/lib.rs"]);
        let (lines, regions) = totals(&files);
        assert_eq!(
            lines,
            Count {
                covered: 8,
                count: 14
            }
        );
        assert_eq!(
            regions,
            Count {
                covered: 8,
                count: 26
            }
        );
        assert_eq!(format!("{lines}"), "8/14 (57.1 %)");
    }

    #[test]
    fn a_document_that_is_not_an_export_is_an_error() {
        assert!(crate_files("{\"data\":3}", Path::new("/")).is_err());
        assert_eq!(Count::default().percent(), 0.0);
    }

    #[test]
    fn the_page_links_each_report_and_lists_each_file() {
        let r = CoverageReport {
            all_html: Some("all/index.html".into()),
            targets: vec![
                TargetCoverage {
                    name: "decode_x".into(),
                    status: "ok".into(),
                    inputs: 3,
                    lines: Count {
                        covered: 1,
                        count: 2,
                    },
                    regions: Count {
                        covered: 1,
                        count: 4,
                    },
                    html: Some("targets/decode_x/index.html".into()),
                },
                TargetCoverage {
                    name: "<odd>".into(),
                    status: "replay failed".into(),
                    ..TargetCoverage::default()
                },
            ],
            files: crate_files(EXPORT, Path::new("/src/crate")).unwrap(),
            ..CoverageReport::default()
        };
        let page = render_html(&r);
        assert!(page.contains("<a href=\"targets/decode_x/index.html\">decode_x</a>"));
        assert!(page.contains("&lt;odd&gt;") && !page.contains("<odd>"));
        assert!(page.contains("href=\"all/index.html\""));
        assert_eq!(page.matches("<tr>").count(), 2 + 2 + 2);
        let mut md = String::new();
        render_markdown(&mut md, &r);
        assert!(md.contains("| `src/lib.rs` | 4/10 (40.0 %) | 5/20 (25.0 %) |"));
    }
}
