//! `crossfmt fuzz`: the nightly fuzzing driver.
//!
//! It drives cargo-fuzz over the crate in `<root>/fuzz/` (crossfmt's own, or
//! a codec author's that `crossfmt init` wrote): builds every selected
//! target once with AddressSanitizer, materialises the shared corpus as seeds,
//! fuzzes the targets within a time budget, minimises and deduplicates
//! crashes into `<regressions>/<target>/<hash>`, merges new coverage
//! back into `fuzz/corpus/<target>/`, and writes `summary.json` and
//! `summary.md`. No check logic lives here: the targets call `crossfmt::check`.
//!
//! The driver knows the targets only through `cargo fuzz list` and their
//! options files on disk, and gets seeds through [`SeedSource`], so it can be
//! tested against a stand-in fuzz crate (see `CROSSFMT_FUZZ_CARGO`).

pub mod coverage;
pub mod ledger;
pub mod libfuzzer;
pub mod process;
pub mod signature;
pub mod summary;

use anyhow::{anyhow, bail, Context, Result};
use ledger::Ledger;
use libfuzzer::{parse_stats, Options};
use signature::{sign, Signature};
use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant, SystemTime};
use summary::{CrashReport, Summary, TargetReport};

/// Environment variable naming the `cargo` to run (default `cargo`); tests
/// point it at a stand-in that emulates `cargo fuzz`.
pub const CARGO_ENV: &str = "CROSSFMT_FUZZ_CARGO";

/// Writes the shared corpus as seeds into `out/<target>/<hash>`; returns a
/// one-line description of what it wrote.
pub trait SeedSource {
    fn materialise(&self, out: &Path) -> Result<String>;
}

impl<F: Fn(&Path) -> Result<String>> SeedSource for F {
    fn materialise(&self, out: &Path) -> Result<String> {
        self(out)
    }
}

/// What `crossfmt fuzz` was asked to do.
#[derive(Clone, Debug)]
pub struct Config {
    /// The crate root: `fuzz/` lives under it.
    pub root: PathBuf,
    /// Where each target's saved crash inputs go (`<regressions>/<target>/`).
    pub regressions: PathBuf,
    /// The whole budget, fuzzing plus minimisation and merge.
    pub minutes: f64,
    /// Overrides the split: each target fuzzes this long, and the budget is
    /// what that takes plus the reserve.
    pub seconds_per_target: Option<u64>,
    /// The targets to run; empty means every target of `cargo fuzz list`.
    pub targets: Vec<String>,
    /// Targets left out (after `targets`).
    pub skip: Vec<String>,
    pub jobs: usize,
    pub seed: Option<u64>,
    pub minimize_seconds: u64,
    /// Where summaries and logs go.
    pub out: PathBuf,
    /// Targets that must crash (planted bugs): a crash there is expected and
    /// not saved as a regression; no crash there fails the run.
    pub expect_crash: Vec<String>,
    /// Only materialise seeds into `fuzz/corpus/`, then stop.
    pub seeds_only: bool,
    /// Merge new coverage back into `fuzz/corpus/<target>/`.
    pub merge: bool,
    /// Build with the fuzz crate's `python` feature (the referee) when it
    /// has one and the Python reference venv exists.
    pub referee: bool,
    /// After fuzzing, replay each target's corpus in the coverage build and
    /// write the line-coverage reports ([`coverage`]).
    pub coverage: bool,
    /// Only that: no fuzzing, no summary, no ledger.
    pub coverage_only: bool,
}

impl Config {
    pub fn fuzz_dir(&self) -> PathBuf {
        self.root.join("fuzz")
    }
    fn corpus_dir(&self, t: &str) -> PathBuf {
        self.fuzz_dir().join("corpus").join(t)
    }
    fn artifacts_dir(&self, t: &str) -> PathBuf {
        self.fuzz_dir().join("artifacts").join(t)
    }
    fn regressions_dir(&self, t: &str) -> PathBuf {
        self.regressions.join(t)
    }
}

/// How the budget is spent.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Budget {
    /// `-max_total_time` of each target.
    pub per_target: u64,
    /// Kept back for minimisation and merge.
    pub reserve: u64,
}

/// Splits `total_seconds` into equal shares for `targets` targets run `jobs`
/// at a time, keeping back a reserve for minimisation and merge (15%, at most
/// 10 minutes). Every target gets at least one second.
pub fn split_budget(total_seconds: u64, targets: usize, jobs: usize) -> Budget {
    let reserve = (total_seconds * 15 / 100).min(600);
    let waves = targets.max(1).div_ceil(jobs.max(1)) as u64;
    let per_target = ((total_seconds - reserve) / waves).max(1);
    Budget {
        per_target,
        reserve,
    }
}

/// A fixed time per target: the budget becomes what the waves take plus a
/// reserve (15%, at least a minute, at most 10).
pub fn fixed_budget(per_target: u64, targets: usize, jobs: usize) -> (u64, Budget) {
    let waves = targets.max(1).div_ceil(jobs.max(1)) as u64;
    let fuzzing = per_target.max(1) * waves;
    let reserve = (fuzzing * 15 / 100).clamp(60, 600);
    (
        fuzzing + reserve,
        Budget {
            per_target: per_target.max(1),
            reserve,
        },
    )
}

/// Which cargo and toolchain run cargo-fuzz.
#[derive(Clone, Debug)]
pub struct Toolchain {
    pub cargo: PathBuf,
    /// `+nightly`, or nothing with `RUSTC_BOOTSTRAP=1`.
    pub plus_nightly: bool,
    /// Cargo features of the fuzz crate every build and run turns on.
    pub features: Vec<String>,
}

impl Toolchain {
    /// `+nightly` when rustup lists a nightly toolchain, else `RUSTC_BOOTSTRAP=1`.
    pub fn detect() -> Toolchain {
        let cargo =
            std::env::var_os(CARGO_ENV).map_or_else(|| PathBuf::from("cargo"), PathBuf::from);
        let plus_nightly = Command::new("rustup")
            .args(["toolchain", "list"])
            .stderr(Stdio::null())
            .output()
            .map(|o| {
                String::from_utf8_lossy(&o.stdout)
                    .lines()
                    .any(|l| l.starts_with("nightly"))
            })
            .unwrap_or(false);
        Toolchain {
            cargo,
            plus_nightly,
            features: Vec::new(),
        }
    }

    pub fn describe(&self) -> String {
        let cargo = if self.plus_nightly {
            "cargo +nightly"
        } else {
            "RUSTC_BOOTSTRAP=1 cargo"
        };
        match self.features.as_slice() {
            [] => cargo.into(),
            f => format!("{cargo}, features {}", f.join(",")),
        }
    }

    /// `cargo [+nightly] fuzz <args>` run from `root`, with the features
    /// after a subcommand that builds (a run built otherwise would rebuild).
    pub fn fuzz(&self, root: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(&self.cargo);
        if self.plus_nightly {
            c.arg("+nightly");
        } else {
            c.env("RUSTC_BOOTSTRAP", "1");
        }
        c.arg("fuzz").current_dir(root);
        match args.split_first() {
            Some((sub, rest))
                if !self.features.is_empty()
                    && ["build", "run", "tmin", "cmin", "coverage"].contains(sub) =>
            {
                c.arg(sub)
                    .arg("--features")
                    .arg(self.features.join(","))
                    .args(rest);
            }
            _ => {
                c.args(args);
            }
        }
        if self.features.iter().any(|f| f == "python") {
            // An embedded CPython keeps allocations for the process's life
            // (interned strings, imported modules) that LeakSanitizer
            // reports as leaks, first on the input that starts it.
            let asan = std::env::var("ASAN_OPTIONS").unwrap_or_default();
            let asan = if asan.is_empty() {
                "detect_leaks=0".to_string()
            } else {
                format!("{asan}:detect_leaks=0")
            };
            c.env("ASAN_OPTIONS", asan);
        }
        c
    }
}

/// Exit statuses.
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FOUND: u8 = 1;
pub const EXIT_USAGE: u8 = 2;

/// Runs the driver; returns the exit status. Errors are setup errors (exit 2).
pub fn run(cfg: &Config, seeds: &dyn SeedSource) -> Result<u8> {
    let started = Instant::now();
    let fuzz_dir = cfg.fuzz_dir();
    if !fuzz_dir.join("Cargo.toml").is_file() {
        bail!("no cargo-fuzz crate at {}", fuzz_dir.display());
    }
    if cfg.seeds_only {
        let what = seeds
            .materialise(&fuzz_dir.join("corpus"))
            .context("materialising seeds")?;
        eprintln!("crossfmt fuzz: seeds: {what}");
        return Ok(EXIT_CLEAN);
    }
    process::install_signal_handlers();
    let mut tc = Toolchain::detect();
    tc.features = referee_features(cfg);
    ensure_cargo_fuzz(cfg, &tc)?;
    let all = list_targets(cfg, &tc)?;
    let selected = select(&all, &cfg.targets, &cfg.skip)?;
    let selected = runnable(cfg, &tc.features, selected)?;
    if cfg.coverage_only {
        match seeds.materialise(&fuzz_dir.join("corpus")) {
            Ok(what) => eprintln!("crossfmt fuzz: seeds: {what}"),
            Err(e) => eprintln!("crossfmt fuzz: warning: no seeds materialised: {e:#}"),
        }
        let report = coverage::run(cfg, &tc, &selected)?;
        coverage::attach(&cfg.out, &report)?;
        return Ok(if report.any_ok() {
            EXIT_CLEAN
        } else {
            EXIT_USAGE
        });
    }
    for e in &cfg.expect_crash {
        if !selected.contains(e) {
            bail!("--expect-crash {e}: not among the selected targets");
        }
    }

    match seeds.materialise(&fuzz_dir.join("corpus")) {
        Ok(what) => eprintln!("crossfmt fuzz: seeds: {what}"),
        Err(e) => eprintln!("crossfmt fuzz: warning: no seeds materialised: {e:#}"),
    }
    // Before anything runs: a damaged ledger stops the run with nothing lost.
    let mut ledger = Ledger::load(&cfg.out)?;
    build(cfg, &tc, &selected, &all)?;
    fs::create_dir_all(cfg.out.join("logs"))?;

    let (total, budget) = match cfg.seconds_per_target {
        Some(s) => fixed_budget(s, selected.len(), cfg.jobs),
        None => {
            let total = (cfg.minutes * 60.0).round().max(1.0) as u64;
            (total, split_budget(total, selected.len(), cfg.jobs))
        }
    };
    eprintln!(
        "crossfmt fuzz: {} targets, {} s each, {} at a time, {} s reserve",
        selected.len(),
        budget.per_target,
        cfg.jobs.max(1),
        budget.reserve
    );
    let deadline = Instant::now() + Duration::from_secs(total + 60);
    let mut summary = Summary {
        started_unix: SystemTime::now()
            .duration_since(SystemTime::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        seed: cfg.seed,
        minutes: total as f64 / 60.0,
        jobs: cfg.jobs.max(1),
        toolchain: tc.describe(),
        ..Summary::default()
    };
    let mut runs = fuzz_all(cfg, &tc, &selected, budget, deadline);
    summary.interrupted = interrupt_reason(deadline);

    // Crashes: minimise (unless interrupted), sign, deduplicate, save, and
    // enter each in the ledger as soon as it is handled.
    let now = summary.started_unix;
    let mut known: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    let mut seen_this_run = BTreeSet::new();
    for run in &mut runs {
        for artifact in std::mem::take(&mut run.artifacts) {
            let c = handle_crash(
                cfg,
                &tc,
                run,
                &artifact,
                deadline,
                &mut known,
                &mut seen_this_run,
            );
            match c {
                Ok(Some(c)) => {
                    enter(cfg, &mut ledger, &c, now);
                    run.report.crashes.push(c);
                }
                Ok(None) => {}
                Err(e) => eprintln!("crossfmt fuzz: {}: {e:#}", artifact.display()),
            }
        }
        if Instant::now() >= deadline {
            process::interrupt();
        }
    }
    // What earlier runs found and this one did not: fixed when its saved
    // input no longer crashes the target the same way.
    if interrupt_reason(deadline).is_none() {
        settle(cfg, &tc, &mut ledger, &selected, deadline, now);
    }
    summary.interrupted = summary
        .interrupted
        .take()
        .or_else(|| interrupt_reason(deadline));

    // Merge new coverage back into the shared corpus.
    if cfg.merge && summary.interrupted.is_none() {
        for run in &mut runs {
            if process::interrupted() || Instant::now() >= deadline {
                break;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            match merge(cfg, &tc, &run.report.name, left) {
                Ok(merged) => run.report.merged = merged,
                Err(e) => eprintln!("crossfmt fuzz: merge {}: {e:#}", run.report.name),
            }
            run.report.corpus_after = count_files(&cfg.corpus_dir(&run.report.name));
        }
    }
    summary.interrupted = summary
        .interrupted
        .take()
        .or_else(|| interrupt_reason(deadline));

    for run in runs {
        summary.targets.push(run.report);
    }
    summary.regressed = ledger
        .entries
        .values()
        .filter(|e| e.status == ledger::Status::Regressed && e.last_seen == now)
        .count();
    summary.ledger = Some(ledger_report(cfg, &ledger));
    // The findings are saved before coverage starts its own build.
    finish(cfg, &mut summary, started)?;
    if cfg.coverage && summary.interrupted.is_none() {
        match coverage::run(cfg, &tc, &selected) {
            Ok(report) => {
                // Asked for and not made: a setup error, unless the night
                // found something, which matters more.
                if !report.any_ok() && summary.exit_code == EXIT_CLEAN {
                    summary.exit_code = EXIT_USAGE;
                }
                summary.coverage = Some(report);
            }
            Err(e) => {
                eprintln!("crossfmt fuzz: coverage: {e:#}");
                if summary.exit_code == EXIT_CLEAN {
                    summary.exit_code = EXIT_USAGE;
                }
            }
        }
        write_summaries(&cfg.out, &summary)?;
    }
    Ok(summary.exit_code)
}

/// Enters a handled crash in the ledger and saves it; a new one's input is
/// also copied to `out/new/<target>/` (what a CI job uploads as an
/// artifact). A planted bug is not a finding.
fn enter(cfg: &Config, ledger: &mut Ledger, c: &CrashReport, now: u64) {
    if c.expected {
        return;
    }
    ledger.record(
        &ledger::Sighting {
            signature: &c.signature,
            target: &c.target,
            kind: &c.kind,
            title: &c.title,
            new: c.new,
            regression: c.saved_as.as_deref(),
        },
        now,
    );
    if let Err(e) = ledger.save(&cfg.out) {
        eprintln!("crossfmt fuzz: warning: ledger not saved: {e:#}");
    }
    if c.new {
        let dir = cfg.out.join("new").join(&c.target);
        let input = hex::decode(&c.input_hex).unwrap_or_default();
        let name = crossfmt::corpus::content_name(&input);
        let written = fs::create_dir_all(&dir).and_then(|()| fs::write(dir.join(name), &input));
        if let Err(e) = written {
            eprintln!("crossfmt fuzz: warning: {}: {e}", dir.display());
        }
    }
}

/// Replays the saved input of each open ledger entry of `targets` that this
/// run did not see; one that no longer crashes the same way is fixed.
fn settle(
    cfg: &Config,
    tc: &Toolchain,
    ledger: &mut Ledger,
    targets: &[String],
    deadline: Instant,
    now: u64,
) {
    for (sig, target, saved) in ledger.unseen(targets) {
        if process::interrupted() || Instant::now() >= deadline {
            break;
        }
        let input = cfg.root.join(&saved);
        if !input.is_file() {
            continue;
        }
        let Ok(log) = replay(cfg, tc, &target, &input) else {
            continue;
        };
        if !crashed(&log) || sign(&target, &log).key != sig {
            eprintln!("crossfmt fuzz: fixed: {target}: {saved} no longer gives {sig}");
            ledger.settle(&sig, now);
        }
    }
    if let Err(e) = ledger.save(&cfg.out) {
        eprintln!("crossfmt fuzz: warning: ledger not saved: {e:#}");
    }
}

/// The ledger as the summaries show it, and its SARIF beside it.
fn ledger_report(cfg: &Config, ledger: &Ledger) -> summary::LedgerReport {
    let sarif = cfg.out.join("ledger.sarif");
    if let Err(e) = fs::write(&sarif, crate::report::sarif::fuzz_ledger(ledger, &cfg.root)) {
        eprintln!("crossfmt fuzz: warning: {}: {e}", sarif.display());
    }
    summary::LedgerReport {
        path: cfg.out.join(ledger::FILE).display().to_string(),
        sarif: sarif.display().to_string(),
        counts: ledger
            .counts()
            .into_iter()
            .map(|(s, n)| (s.name().to_string(), n))
            .collect(),
        entries: ledger
            .entries
            .iter()
            .map(|(sig, e)| summary::LedgerRow {
                signature: sig.clone(),
                entry: e.clone(),
            })
            .collect(),
    }
}

/// Why the run was cut short, if it was.
fn interrupt_reason(deadline: Instant) -> Option<String> {
    process::interrupted().then(|| {
        if Instant::now() >= deadline {
            "time limit".to_string()
        } else {
            "signal".to_string()
        }
    })
}

/// Counts the crashes and planted bugs, writes both summaries, prints the verdict.
fn finish(cfg: &Config, s: &mut Summary, started: Instant) -> Result<()> {
    s.duration_seconds = started.elapsed().as_secs_f64();
    s.new_crashes = s
        .targets
        .iter()
        .flat_map(|t| &t.crashes)
        .filter(|c| c.new && !c.expected)
        .count();
    s.missed_expected = s
        .targets
        .iter()
        .filter(|t| t.expect_crash && t.crashes.is_empty())
        .map(|t| t.name.clone())
        .collect();
    s.exit_code = s.verdict();
    write_summaries(&cfg.out, s)?;
    for c in s.targets.iter().flat_map(|t| &t.crashes) {
        let tag = if c.expected {
            "expected"
        } else if c.new {
            "NEW"
        } else {
            "known"
        };
        println!(
            "[{tag}] {}: {}\n  reproduce: {}",
            c.target, c.title, c.reproduce
        );
        if let Some(r) = &c.crossfmt_repro {
            println!("  crossfmt:  {r}");
        }
    }
    for m in &s.missed_expected {
        println!("[MISSED] {m}: expected a crash (planted bug) and found none");
    }
    if s.regressed > 0 {
        println!(
            "[REGRESSED] {} finding(s) the ledger had as fixed are back (see {})",
            s.regressed,
            cfg.out.join(ledger::FILE).display()
        );
    }
    println!(
        "crossfmt fuzz: {} new distinct crash(es){}; summary in {}",
        s.new_crashes,
        s.interrupted
            .as_ref()
            .map_or(String::new(), |r| format!(", interrupted ({r})")),
        cfg.out.join("summary.md").display()
    );
    Ok(())
}

/// Writes `summary.json` and `summary.md` into `out`.
pub fn write_summaries(out: &Path, s: &Summary) -> Result<()> {
    fs::create_dir_all(out)?;
    fs::write(out.join("summary.json"), serde_json::to_string_pretty(s)?)?;
    fs::write(out.join("summary.md"), summary::render_markdown(s))?;
    Ok(())
}

fn ensure_cargo_fuzz(cfg: &Config, tc: &Toolchain) -> Result<()> {
    let ok = tc
        .fuzz(&cfg.root, &["--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if ok {
        return Ok(());
    }
    eprintln!(
        "crossfmt fuzz: cargo-fuzz not found; installing it (cargo install cargo-fuzz --locked)"
    );
    let st = Command::new(&tc.cargo)
        .args(["install", "cargo-fuzz", "--locked"])
        .status()
        .context("running cargo install cargo-fuzz")?;
    if !st.success() {
        bail!("cargo install cargo-fuzz failed ({st})");
    }
    Ok(())
}

/// The targets of `cargo fuzz list`.
pub fn list_targets(cfg: &Config, tc: &Toolchain) -> Result<Vec<String>> {
    let o = tc
        .fuzz(&cfg.root, &["list"])
        .output()
        .context("running cargo fuzz list")?;
    if !o.status.success() {
        bail!(
            "cargo fuzz list failed: {}",
            String::from_utf8_lossy(&o.stderr).trim()
        );
    }
    let names: Vec<String> = String::from_utf8_lossy(&o.stdout)
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_string)
        .collect();
    if names.is_empty() {
        bail!("cargo fuzz list names no targets");
    }
    Ok(names)
}

/// The requested targets (all when none are named) minus the skipped ones,
/// in `all`'s order; every name must exist.
pub fn select(all: &[String], wanted: &[String], skip: &[String]) -> Result<Vec<String>> {
    for w in wanted.iter().chain(skip) {
        if !all.contains(w) {
            bail!(
                "unknown fuzz target {w:?}; cargo fuzz list has {}",
                all.join(", ")
            );
        }
    }
    let out: Vec<String> = all
        .iter()
        .filter(|t| wanted.is_empty() || wanted.contains(t))
        .filter(|t| !skip.contains(t))
        .cloned()
        .collect();
    if out.is_empty() {
        bail!("no fuzz target left to run");
    }
    Ok(out)
}

/// The reference codec target `t` compares with (`reference` in the
/// `[crossfmt]` section of its options file), if any: such a target runs
/// only in a build with the `python` feature.
pub fn reference_of(cfg: &Config, t: &str) -> Option<String> {
    Options::load(&cfg.fuzz_dir().join("options"), t)
        .ok()?
        .crossfmt
        .get("reference")
        .cloned()
}

/// `selected` without the targets that compare with a reference when
/// `features` cannot run one: they would pass every input, so running them
/// would only spend the budget. Leaving out a target that was named with
/// `--target` is an error; leaving out the rest is said on stderr.
fn runnable(cfg: &Config, features: &[String], selected: Vec<String>) -> Result<Vec<String>> {
    if features.iter().any(|f| f == "python") {
        return Ok(selected);
    }
    let mut kept = Vec::new();
    let mut left_out = Vec::new();
    for t in selected {
        match reference_of(cfg, &t) {
            Some(r) if cfg.targets.contains(&t) => bail!(
                "{t} compares with {r}, which runs only with the referee (the fuzz \
                 crate's `python` feature and the Python reference venv; \
                 conformance/testees/python/setup makes it, and --no-referee turns it off)"
            ),
            Some(r) => left_out.push(format!("{t} ({r})")),
            None => kept.push(t),
        }
    }
    if !left_out.is_empty() {
        eprintln!(
            "crossfmt fuzz: left out without the referee: {}",
            left_out.join(", ")
        );
    }
    if kept.is_empty() {
        bail!("no fuzz target left to run");
    }
    Ok(kept)
}

/// `["python"]` when the referee can be built in: asked for, the fuzz crate
/// declares a `python` feature (crossfmt's own does; a codec author's may
/// not), and the Python reference venv exists (its `setup` made it; the
/// fuzz binaries install nothing). Says on stderr which, and why not.
fn referee_features(cfg: &Config) -> Vec<String> {
    if !cfg.referee {
        return Vec::new();
    }
    let manifest = fs::read_to_string(cfg.fuzz_dir().join("Cargo.toml")).unwrap_or_default();
    let declares = manifest
        .parse::<toml::Table>()
        .ok()
        .and_then(|m| m.get("features")?.get("python").cloned())
        .is_some();
    if !declares {
        return Vec::new();
    }
    match crossfmt::data::python_reference_venv() {
        Ok(venv) if venv.join("pyvenv.cfg").is_file() => {
            eprintln!(
                "crossfmt fuzz: referee: CPython, msgpack-python, cbor2 in-process \
                 (feature python; venv {})",
                venv.display()
            );
            vec!["python".into()]
        }
        Ok(venv) => {
            eprintln!(
                "crossfmt fuzz: no referee: no Python reference venv at {} \
                 (conformance/testees/python/setup makes it)",
                venv.display()
            );
            Vec::new()
        }
        Err(e) => {
            eprintln!("crossfmt fuzz: no referee: {e}");
            Vec::new()
        }
    }
}

fn build(cfg: &Config, tc: &Toolchain, selected: &[String], all: &[String]) -> Result<()> {
    let started = Instant::now();
    let batches: Vec<Vec<&str>> = if selected.len() == all.len() {
        vec![vec!["build", "-O"]]
    } else {
        selected
            .iter()
            .map(|t| vec!["build", "-O", t.as_str()])
            .collect()
    };
    eprintln!(
        "crossfmt fuzz: building {} target(s) with AddressSanitizer ({} fuzz build -O)…",
        selected.len(),
        tc.describe()
    );
    for (i, args) in batches.iter().enumerate() {
        if batches.len() > 1 {
            eprintln!(
                "crossfmt fuzz: build {}/{}: {}",
                i + 1,
                batches.len(),
                args[2]
            );
        }
        let st = process::run_bounded(&mut tc.fuzz(&cfg.root, args), Duration::from_secs(3600))?;
        match st {
            Some(s) if s.success() => {}
            Some(s) => bail!("cargo fuzz build failed ({s})"),
            None => bail!("interrupted while building"),
        }
    }
    eprintln!("crossfmt fuzz: built in {:.0?}", started.elapsed());
    Ok(())
}

/// One target's fuzzing run, with the artifacts it left.
struct Run {
    report: TargetReport,
    log: PathBuf,
    artifacts: Vec<PathBuf>,
}

struct Running {
    index: usize,
    child: Child,
    started: Instant,
    before: BTreeMap<PathBuf, Option<SystemTime>>,
}

/// Crash artifacts in `dir` with their modification times: libFuzzer names
/// them by content, so finding a known input again rewrites the same file.
fn artifact_files(dir: &Path) -> BTreeMap<PathBuf, Option<SystemTime>> {
    fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .filter(|p| {
                    let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
                    ["crash-", "oom-", "timeout-", "leak-"]
                        .iter()
                        .any(|pre| n.starts_with(pre))
                })
                .map(|p| {
                    let t = fs::metadata(&p).and_then(|m| m.modified()).ok();
                    (p, t)
                })
                .collect()
        })
        .unwrap_or_default()
}

/// Files directly in `dir` (0 when absent).
pub fn count_files(dir: &Path) -> usize {
    fs::read_dir(dir)
        .map(|rd| {
            rd.filter_map(|e| e.ok())
                .filter(|e| e.path().is_file())
                .count()
        })
        .unwrap_or(0)
}

fn fuzz_command(cfg: &Config, tc: &Toolchain, target: &str, seconds: u64) -> Result<Command> {
    let corpus = cfg.corpus_dir(target);
    fs::create_dir_all(&corpus)?;
    fs::create_dir_all(cfg.artifacts_dir(target))?;
    let options_dir = cfg.fuzz_dir().join("options");
    let opts = Options::load(&options_dir, target)?;
    let mut args: Vec<String> = vec![
        "run".into(),
        "-O".into(),
        target.into(),
        corpus.display().to_string(),
        "--".into(),
        format!("-max_total_time={seconds}"),
        "-print_final_stats=1".into(),
    ];
    if let Some(s) = cfg.seed {
        args.push(format!("-seed={s}"));
    }
    if let Some(d) = opts.dict(&options_dir, &cfg.fuzz_dir().join("dict")) {
        args.push(format!("-dict={}", d.display()));
    }
    args.extend(opts.flags());
    if tc.features.iter().any(|f| f == "python") {
        args.push("-detect_leaks=0".into());
    }
    let refs: Vec<&str> = args.iter().map(String::as_str).collect();
    Ok(tc.fuzz(&cfg.root, &refs))
}

fn fuzz_all(
    cfg: &Config,
    tc: &Toolchain,
    selected: &[String],
    budget: Budget,
    deadline: Instant,
) -> Vec<Run> {
    let mut runs: Vec<Run> = selected
        .iter()
        .map(|t| Run {
            report: TargetReport {
                name: t.clone(),
                status: "not run".into(),
                expect_crash: cfg.expect_crash.contains(t),
                budget_seconds: budget.per_target,
                corpus_before: count_files(&cfg.corpus_dir(t)),
                corpus_after: count_files(&cfg.corpus_dir(t)),
                log: cfg
                    .out
                    .join("logs")
                    .join(format!("{t}.log"))
                    .display()
                    .to_string(),
                ..TargetReport::default()
            },
            log: cfg.out.join("logs").join(format!("{t}.log")),
            artifacts: Vec::new(),
        })
        .collect();
    let jobs = cfg.jobs.max(1);
    let mut next = 0;
    let mut running: Vec<Running> = Vec::new();
    let overrun = Duration::from_secs(budget.per_target + 60);
    loop {
        if Instant::now() >= deadline {
            process::interrupt();
        }
        while !process::interrupted() && running.len() < jobs && next < runs.len() {
            let i = next;
            next += 1;
            let name = runs[i].report.name.clone();
            let before = artifact_files(&cfg.artifacts_dir(&name));
            let spawned = fuzz_command(cfg, tc, &name, budget.per_target).and_then(|mut cmd| {
                let log = fs::File::create(&runs[i].log)?;
                cmd.stdin(Stdio::null())
                    .stdout(log.try_clone()?)
                    .stderr(log);
                Ok(process::spawn_group(&mut cmd)?)
            });
            match spawned {
                Ok(child) => {
                    eprintln!(
                        "crossfmt fuzz: [{}/{}] {name}: fuzzing for {} s",
                        i + 1,
                        runs.len(),
                        budget.per_target
                    );
                    running.push(Running {
                        index: i,
                        child,
                        started: Instant::now(),
                        before,
                    })
                }
                Err(e) => runs[i].report.status = format!("error: {e:#}"),
            }
        }
        if running.is_empty() {
            break;
        }
        let mut k = 0;
        while k < running.len() {
            let r = &mut running[k];
            let stop = process::interrupted() || r.started.elapsed() > overrun;
            let status = match r.child.try_wait() {
                Ok(Some(s)) => Some((Some(s), false)),
                Ok(None) if stop => Some((
                    process::stop_group(&mut r.child, Duration::from_secs(3)),
                    true,
                )),
                Ok(None) => None,
                Err(_) => Some((None, false)),
            };
            if let Some((status, stopped)) = status {
                let r = running.swap_remove(k);
                let run = &mut runs[r.index];
                collect(cfg, run, &r.before, r.started, status, stopped);
            } else {
                k += 1;
            }
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    runs
}

fn collect(
    cfg: &Config,
    run: &mut Run,
    before: &BTreeMap<PathBuf, Option<SystemTime>>,
    started: Instant,
    status: Option<std::process::ExitStatus>,
    stopped: bool,
) {
    let name = run.report.name.clone();
    let log = fs::read(&run.log)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    run.report.stats = parse_stats(&log);
    run.report.duration_seconds = started.elapsed().as_secs_f64();
    run.report.corpus_after = count_files(&cfg.corpus_dir(&name));
    run.artifacts = artifact_files(&cfg.artifacts_dir(&name))
        .into_iter()
        .filter(|(p, t)| before.get(p) != Some(t))
        .map(|(p, _)| p)
        .collect();
    run.report.status = if !run.artifacts.is_empty() {
        "crashed".into()
    } else if stopped {
        "interrupted".into()
    } else {
        match status {
            Some(s) if s.success() => "ok".into(),
            Some(s) => format!("failed ({s}); see log"),
            None => "failed; see log".into(),
        }
    };
    let st = &run.report.stats;
    let o = |v: Option<u64>| v.map_or("?".to_string(), |v| v.to_string());
    eprintln!(
        "crossfmt fuzz: {name}: {} in {:.0} s, {} execs ({}/s), cov {} ft {}, corpus {} -> {}, rss {} MB",
        run.report.status,
        run.report.duration_seconds,
        o(st.execs),
        o(st.exec_per_sec),
        o(st.cov),
        o(st.ft),
        run.report.corpus_before,
        run.report.corpus_after,
        o(st.peak_rss_mb)
    );
}

/// Runs the target once on `input` and returns its output.
fn replay(cfg: &Config, tc: &Toolchain, target: &str, input: &Path) -> Result<String> {
    let log = cfg.out.join("logs").join(format!("{target}.replay.log"));
    let f = fs::File::create(&log)?;
    let mut cmd = tc.fuzz(
        &cfg.root,
        &["run", "-O", target, &input.display().to_string()],
    );
    cmd.stdin(Stdio::null()).stdout(f.try_clone()?).stderr(f);
    process::run_bounded(&mut cmd, Duration::from_secs(120))?;
    Ok(String::from_utf8_lossy(&fs::read(&log)?).into_owned())
}

/// Minimises `artifact` with `cargo fuzz tmin`; returns the minimised file.
fn minimise(
    cfg: &Config,
    tc: &Toolchain,
    target: &str,
    artifact: &Path,
) -> Result<Option<PathBuf>> {
    let dir = cfg.artifacts_dir(target);
    let list = |d: &Path| -> BTreeSet<PathBuf> {
        fs::read_dir(d)
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.path())
                    .filter(|p| {
                        p.file_name()
                            .and_then(|n| n.to_str())
                            .is_some_and(|n| n.starts_with("minimized-from-"))
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    let before = list(&dir);
    let log = cfg.out.join("logs").join(format!("{target}.tmin.log"));
    let f = fs::File::create(&log)?;
    let secs = cfg.minimize_seconds.to_string();
    let max_time = format!("-max_total_time={secs}");
    let mut cmd = tc.fuzz(
        &cfg.root,
        &[
            "tmin",
            "-O",
            target,
            &artifact.display().to_string(),
            "--",
            &max_time,
        ],
    );
    cmd.stdin(Stdio::null()).stdout(f.try_clone()?).stderr(f);
    process::run_bounded(&mut cmd, Duration::from_secs(cfg.minimize_seconds + 60))?;
    let after = list(&dir);
    // The smallest new minimized-from-* file (tmin writes several as it goes).
    Ok(after
        .difference(&before)
        .filter_map(|p| Some((fs::metadata(p).ok()?.len(), p.clone())))
        .min()
        .map(|(_, p)| p))
}

/// The signatures of the inputs already in `corpus/regressions/<target>/`
/// that still crash.
fn known_signatures(cfg: &Config, tc: &Toolchain, target: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    let Ok(rd) = fs::read_dir(cfg.regressions_dir(target)) else {
        return out;
    };
    for e in rd.filter_map(|e| e.ok()).take(100) {
        if process::interrupted() {
            break;
        }
        if let Ok(log) = replay(cfg, tc, target, &e.path()) {
            if crashed(&log) {
                out.insert(sign(target, &log).key);
            }
        }
    }
    out
}

fn crashed(log: &str) -> bool {
    log.contains("CROSSFMT-FINDING ")
        || log.contains("panicked at ")
        || log.contains("==ERROR: ")
        || log.contains("== ERROR: ")
        || log.contains("ERROR: libFuzzer")
        || log.contains("ERROR: AddressSanitizer")
}

fn handle_crash(
    cfg: &Config,
    tc: &Toolchain,
    run: &Run,
    artifact: &Path,
    deadline: Instant,
    known: &mut BTreeMap<String, BTreeSet<String>>,
    seen: &mut BTreeSet<String>,
) -> Result<Option<CrashReport>> {
    let target = run.report.name.as_str();
    let log = fs::read(&run.log)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default();
    let mut sig: Signature = sign(target, &log);
    let mut input =
        fs::read(artifact).with_context(|| format!("reading {}", artifact.display()))?;
    let mut minimized = false;
    let calm = || !process::interrupted() && Instant::now() < deadline;
    if calm() {
        eprintln!(
            "crossfmt fuzz: {target}: minimising {} ({} bytes)",
            artifact.display(),
            input.len()
        );
        if let Some(m) = minimise(cfg, tc, target, artifact)? {
            let small = fs::read(&m)?;
            // Keep the minimised input only if it is still the same bug.
            if calm() && small.len() < input.len() {
                let again = replay(cfg, tc, target, &m)?;
                if crashed(&again) && sign(target, &again).key == sig.key {
                    sig = sign(target, &again);
                    input = small;
                    minimized = true;
                }
            }
        }
    }
    let expected = run.report.expect_crash;
    let name = crossfmt::corpus::content_name(&input);
    let save_dir = if expected {
        cfg.out.join("expected-crashes").join(target)
    } else {
        cfg.regressions_dir(target)
    };
    let already_saved = save_dir.join(&name).exists();
    let known_sigs = if expected || !calm() || !cfg.regressions_dir(target).is_dir() {
        BTreeSet::new()
    } else {
        known
            .entry(target.to_string())
            .or_insert_with(|| known_signatures(cfg, tc, target))
            .clone()
    };
    let new = !already_saved && !known_sigs.contains(&sig.key) && !seen.contains(&sig.key);
    let duplicate_this_run = seen.contains(&sig.key);
    seen.insert(sig.key.clone());
    let saved_as = if duplicate_this_run || (known_sigs.contains(&sig.key) && !already_saved) {
        None
    } else {
        fs::create_dir_all(&save_dir)?;
        let path = save_dir.join(&name);
        if !path.exists() {
            fs::write(&path, &input)?;
        }
        Some(path)
    };
    let rel = |p: &Path| p.strip_prefix(&cfg.root).unwrap_or(p).display().to_string();
    let repro_path = saved_as.as_deref().map_or_else(|| rel(artifact), rel);
    let finding = sig.finding.clone();
    Ok(Some(CrashReport {
        target: target.to_string(),
        signature: sig.key.clone(),
        kind: sig.kind.clone(),
        title: sig.title.clone(),
        new,
        expected,
        minimized,
        artifact: rel(artifact),
        saved_as: saved_as.as_deref().map(rel),
        reproduce: format!("cargo +nightly fuzz run {target} {repro_path}"),
        crossfmt_repro: finding
            .as_ref()
            .map(|f| f.repro.clone())
            .filter(|r| !r.is_empty()),
        detail: finding.map(|f| f.headline).filter(|d| !d.is_empty()),
        input_len: input.len(),
        input_hex: hex::encode(&input),
        input_diag: if calm() { diag(target, &input) } else { None },
    }))
}

/// The codec id a `decode_<codec>` / `bare_decode_<codec>` target decodes
/// with, from the harness's target table.
pub fn decoding_codec(target: &str) -> Option<String> {
    crossfmt::fuzz::target(target)?
        .decoding_codec()
        .map(str::to_string)
}

/// The input decoded by the target's codec, in diagnostic notation. Runs in
/// a child `crossfmt convert` so that an input that overflows the stack or
/// exhausts memory cannot take the driver down with it.
fn diag(target: &str, input: &[u8]) -> Option<String> {
    let codec = decoding_codec(target)?;
    let exe = std::env::current_exe().ok()?;
    if !exe.file_stem()?.to_str()?.starts_with("crossfmt") {
        return None;
    }
    let tmp = std::env::temp_dir().join(format!(
        "crossfmt-fuzz-{}",
        crossfmt::corpus::content_name(input)
    ));
    fs::write(&tmp, input).ok()?;
    let out = cfg_output(&exe, &codec, &tmp);
    let _ = fs::remove_file(&tmp);
    out
}

fn cfg_output(exe: &Path, codec: &str, file: &Path) -> Option<String> {
    let out_file = file.with_extension("diag");
    let mut cmd = Command::new(exe);
    cmd.args(["convert", "--from", codec, "--to", "diag", "-o"])
        .arg(&out_file)
        .arg(file)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null());
    let ok = process::run_bounded(&mut cmd, Duration::from_secs(10))
        .ok()
        .flatten()
        .is_some_and(|s| s.success());
    let text = fs::read_to_string(&out_file).ok();
    let _ = fs::remove_file(&out_file);
    ok.then(|| text.map(|t| t.trim().to_string())).flatten()
}

/// Minimises `fuzz/corpus/<target>` with libFuzzer's `-merge=1` into a fresh
/// directory, and swaps it in only when the merge completed: an interrupted
/// merge loses nothing.
fn merge(cfg: &Config, tc: &Toolchain, target: &str, limit: Duration) -> Result<bool> {
    let corpus = cfg.corpus_dir(target);
    if count_files(&corpus) == 0 {
        return Ok(false);
    }
    let fresh = cfg
        .fuzz_dir()
        .join("corpus")
        .join(format!(".{target}.merge"));
    let _ = fs::remove_dir_all(&fresh);
    fs::create_dir_all(&fresh)?;
    let log = cfg.out.join("logs").join(format!("{target}.merge.log"));
    let f = fs::File::create(&log)?;
    let mut cmd = tc.fuzz(
        &cfg.root,
        &[
            "run",
            "-O",
            target,
            &fresh.display().to_string(),
            &corpus.display().to_string(),
            "--",
            "-merge=1",
        ],
    );
    cmd.stdin(Stdio::null()).stdout(f.try_clone()?).stderr(f);
    let st = process::run_bounded(&mut cmd, limit)?;
    let complete = st.is_some_and(|s| s.success()) && count_files(&fresh) > 0;
    if !complete {
        let _ = fs::remove_dir_all(&fresh);
        return Ok(false);
    }
    let old = cfg.fuzz_dir().join("corpus").join(format!(".{target}.old"));
    let _ = fs::remove_dir_all(&old);
    fs::rename(&corpus, &old)?;
    fs::rename(&fresh, &corpus).map_err(|e| {
        let _ = fs::rename(&old, &corpus);
        anyhow!(e)
    })?;
    fs::remove_dir_all(&old)?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn features_go_to_every_command_that_builds_and_nowhere_else() {
        let tc = Toolchain {
            cargo: "cargo".into(),
            plus_nightly: true,
            features: vec!["python".into()],
        };
        let args = |c: &Command| -> Vec<String> {
            c.get_args()
                .map(|a| a.to_string_lossy().into_owned())
                .collect()
        };
        let leaks = |c: &Command| {
            c.get_envs().any(|(k, v)| {
                k == "ASAN_OPTIONS"
                    && v.is_some_and(|v| v.to_string_lossy().contains("detect_leaks=0"))
            })
        };
        for sub in ["build", "run", "tmin", "cmin"] {
            let c = tc.fuzz(Path::new("."), &[sub, "-O", "t"]);
            assert_eq!(
                args(&c),
                ["+nightly", "fuzz", sub, "--features", "python", "-O", "t"]
            );
            assert!(leaks(&c), "{sub}: LeakSanitizer left on beside CPython");
        }
        let list = tc.fuzz(Path::new("."), &["list"]);
        assert_eq!(args(&list), ["+nightly", "fuzz", "list"]);
        let plain = Toolchain {
            features: Vec::new(),
            ..tc
        };
        let c = plain.fuzz(Path::new("."), &["run", "-O", "t"]);
        assert_eq!(args(&c), ["+nightly", "fuzz", "run", "-O", "t"]);
        assert!(!leaks(&c));
    }

    #[test]
    fn budget_is_split_in_waves_with_a_reserve() {
        assert_eq!(
            split_budget(600, 4, 1),
            Budget {
                per_target: 127,
                reserve: 90
            }
        );
        assert_eq!(
            split_budget(600, 4, 2),
            Budget {
                per_target: 255,
                reserve: 90
            }
        );
        assert_eq!(
            split_budget(600, 3, 2),
            Budget {
                per_target: 255,
                reserve: 90
            }
        );
        assert_eq!(split_budget(100_000, 1, 1).reserve, 600);
        assert_eq!(split_budget(1, 30, 1).per_target, 1);
    }

    #[test]
    fn a_fixed_time_per_target_sets_the_budget() {
        assert_eq!(
            fixed_budget(15, 15, 2),
            (
                180,
                Budget {
                    per_target: 15,
                    reserve: 60
                }
            )
        );
    }

    #[test]
    fn targets_are_selected_and_skipped() {
        let all: Vec<String> = ["a", "b", "c"].map(String::from).to_vec();
        let s = |v: &[&str]| v.iter().map(|x| x.to_string()).collect::<Vec<_>>();
        assert_eq!(select(&all, &[], &s(&["b"])).unwrap(), s(&["a", "c"]));
        assert_eq!(select(&all, &s(&["c", "a"]), &[]).unwrap(), s(&["a", "c"]));
        assert!(select(&all, &s(&["x"]), &[]).is_err());
        assert!(select(&all, &s(&["a"]), &s(&["a"])).is_err());
    }

    #[test]
    fn decode_targets_name_their_codec() {
        assert_eq!(
            decoding_codec("decode_msgpack_rmp_serde").as_deref(),
            Some("msgpack/rmp-serde")
        );
        assert_eq!(
            decoding_codec("bare_decode_cbor_ciborium").as_deref(),
            Some("cbor/ciborium")
        );
        assert_eq!(decoding_codec("roundtrip_value"), None);
    }
}
