//! The clap front end. Commands parse arguments, call the library, and map
//! results to exit codes: 0 nothing unexpected, 1 findings, 2 usage or input
//! errors. No check logic lives here.

use crate::progress::{progress_bar, Progress};
use crate::report;
use anyhow::{anyhow, bail, Context, Result};
use clap::{Parser, Subcommand};
use crossfmt::check::{self, CheckResult, Input, Verdict};
use crossfmt::codecs::protobuf::dynamic::Peer;
use crossfmt::codecs::protobuf::google;
use crossfmt::finding::Seen;
use crossfmt::known::Known;
use crossfmt::run::{Observer, Plan, Recorded};
use crossfmt::{corpus, notation, run};
use crossfmt::{CodecRef, Format, Registry};
use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const AFTER_HELP: &str = "\
Exit status: 0 when nothing unexpected was found, 1 when something was, 2 on
usage or input errors.

Values are written in CBOR diagnostic notation (RFC 8949 §8), e.g.
  {1: h'00ff', \"a\": [1.5, NaN, -Infinity], \"t\": 65300([1, 2])}
See the README for the notation's float widths and the tags that carry
Python's tuple, set and frozenset and MessagePack's ext.

Environment: CROSSFMT_DATA=DIR reads the corpus, conformance suites and fuzz
dictionaries from DIR (a crossfmt checkout's layout: corpus/, conformance/,
fuzz/dict/) instead of the ones shipped with crossfmt; CROSSFMT_PYREF=DIR puts
the Python reference testee's venv there.";

#[derive(Parser)]
#[command(
    name = "crossfmt",
    version,
    about = "Cross-format fuzzing and conformance harness for binary serialization codecs",
    long_about = "Runs round-trip, cross-format and differential checks over a shared corpus \
                  for MessagePack, CBOR, JSON, pickle and protobuf implementations, and reports \
                  every value a codec loses, every disagreement between formats and every \
                  difference between implementations of one format.",
    after_help = AFTER_HELP
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
    /// A directory searched for the imports of a `protobuf:<file>#<Message>`
    /// codec's `.proto` file, before the file's own directory (repeatable;
    /// also $CROSSFMT_PROTO_PATH, `:`-separated).
    #[arg(long = "proto-path", global = true, value_name = "DIR")]
    proto_path: Vec<PathBuf>,
}

#[derive(Subcommand)]
enum Command {
    /// Python struct records: calcsize, pack, unpack, iterate a record file.
    #[command(subcommand)]
    Struct(crate::pystruct::StructCommand),
    /// Run every check over a corpus and summarise (the main job).
    #[command(after_help = AFTER_HELP)]
    Run(RunArgs),
    /// List the registered codecs with their format and capabilities.
    Codecs {
        /// Show every capability, not just the summary line.
        #[arg(long, short)]
        verbose: bool,
        /// Also start CMD as a testee (conformance/PROTOCOL.md) and list the
        /// codecs it announces, with the capabilities it declares (repeatable).
        #[arg(long = "testee", value_name = "CMD")]
        testees: Vec<String>,
    },
    /// Hex-dump a file and show what every implementation of its format makes of it.
    Inspect {
        /// The format of the file (msgpack, cbor, json, pickle, protobuf):
        /// every implementation of it reads the file. Or one codec's id, such
        /// as `protobuf:<file.proto>#<Message>`: that codec reads it.
        #[arg(long, short, value_name = "FORMAT|ID")]
        format: String,
        /// The file to read; `-` for standard input.
        file: PathBuf,
        /// The file holds hex text rather than raw bytes.
        #[arg(long)]
        hex: bool,
    },
    /// Pickle tools: disassemble a pickle, or scan files for malicious pickles, without loading them.
    #[command(subcommand)]
    Pickle(crate::pickle::PickleArgs),
    /// Convert between value notation and any codec's bytes.
    ///
    /// FROM and TO are `diag` (diagnostic notation), a codec id
    /// (`msgpack/rmpv`) or a format name (its first implementation).
    Convert {
        #[arg(long)]
        from: String,
        #[arg(long)]
        to: String,
        /// Input file; standard input when absent.
        input: Option<PathBuf>,
        /// Read and write bytes as hex text instead of raw bytes.
        #[arg(long)]
        hex: bool,
        /// Write here instead of standard output.
        #[arg(long, short)]
        output: Option<PathBuf>,
    },
    /// Run one check on one input (the command printed as `repro:` in findings).
    Check {
        /// The check (`crossfmt check --list` shows every one, with what it takes).
        #[arg(required_unless_present = "list")]
        check: Option<String>,
        /// The codec(s): as many as the check takes (none for an engine check).
        /// `external:CMD` starts a testee, as in `run`.
        #[arg(long = "codec", value_name = "ID")]
        codecs: Vec<String>,
        /// Start CMD as a testee; its codecs can be named with --codec.
        #[arg(long = "testee", value_name = "CMD")]
        testees: Vec<String>,
        /// Bind every codec to this schema first (a struct format string).
        #[arg(long)]
        schema: Option<String>,
        /// List the checks with what they take, and stop.
        #[arg(long)]
        list: bool,
        /// The input value, in diagnostic notation.
        #[arg(long, conflicts_with_all = ["hex", "probe"])]
        value: Option<String>,
        /// The input bytes, as hex.
        #[arg(long, conflicts_with = "probe")]
        hex: Option<String>,
        /// The stress probe, by name (`deep-array/10000`; `crossfmt check
        /// --list` names every one): built from each codec's caps.
        #[arg(long)]
        probe: Option<String>,
        /// The format of --hex bytes (defaults to the codecs' format).
        #[arg(long)]
        format: Option<Format>,
    },
    /// Set up your crate for crossfmt: a test running every check and
    /// conformance suite on your codec, fuzz targets, the ClusterFuzzLite build.
    #[command(after_help = crate::init::AFTER_HELP)]
    Init(crate::init::InitArgs),
    /// The nightly fuzzing driver: build, seed, fuzz, minimise, merge, summarise.
    #[command(after_help = FUZZ_AFTER_HELP)]
    Fuzz(FuzzArgs),
    /// Serve built-in codecs over the testee protocol on stdin/stdout
    /// (conformance/PROTOCOL.md): the protocol's reference server, and a way
    /// to run a built-in codec isolated (`run --testee 'crossfmt testee'`).
    Testee {
        /// Only these codecs (repeatable). Default: every built-in codec.
        #[arg(long = "codec", value_name = "ID")]
        codecs: Vec<String>,
    },
    /// Serve a crossfmt protobuf codec over Google's conformance testee
    /// protocol (conformance.proto, length-prefixed ConformanceRequest /
    /// ConformanceResponse on stdin/stdout), so that Google's
    /// conformance_test_runner can run it. Binary payloads of Google's test
    /// messages; JSON and text requests are answered `skipped`.
    #[command(name = "google-testee")]
    GoogleTestee {
        /// The codec: protobuf/prost (prost's generated code) or
        /// protobuf/prost-reflect (DynamicMessage).
        #[arg(long, value_name = "ID", default_value = "protobuf/prost")]
        codec: String,
    },
    /// Run one fuzz target's checks on one input, without libFuzzer (what
    /// `cargo test` does for every file under corpus/regressions/<target>/),
    /// or on every file of a directory (a corpus): then one line per
    /// distinct finding, with its count, an input that shows it, and
    /// whether corpus/known-findings.txt records it as the fuzz target
    /// would (exit 1 when one is not).
    Replay {
        /// The fuzz target (`cargo fuzz list` in fuzz/).
        target: String,
        /// The input file, a directory of inputs, or `hex:<HEX>`.
        input: String,
    },
    /// List the records of a file of many values (a MessagePack or JSON Lines
    /// log, a CBOR sequence, appended pickles, delimited protobuf, struct
    /// records), in constant memory.
    #[command(after_help = crate::stream::AFTER_HELP)]
    Stream(crate::stream::StreamArgs),
    /// Run the conformance suites against every implementation and report the matrix.
    #[command(after_help = crate::conformance::AFTER_HELP)]
    Conformance(crate::conformance::ConformanceArgs),
    /// Write the size/speed comparison report from a bench run (`cargo bench --bench datasets`).
    #[command(after_help = crate::report::bench_cli::AFTER_HELP)]
    Report(crate::report::bench_cli::ReportArgs),
}

const FUZZ_AFTER_HELP: &str = "\
Runs cargo-fuzz over the crate in <root>/fuzz/ (crossfmt's own, or a codec
author's that `crossfmt init` wrote; installing cargo-fuzz if absent; +nightly
when rustup has it, else RUSTC_BOOTSTRAP=1): builds every selected target once
with AddressSanitizer, writes the shared corpus as seeds into fuzz/corpus/<target>/
(what each target takes is in the [crossfmt] section of fuzz/options/<target>.options),
fuzzes the targets within the budget, minimises each crash, keeps one input per
distinct signature in <regressions>/<target>/<hash> (replayed by cargo test),
merges new coverage back into fuzz/corpus/<target>/, and writes summary.json and
summary.md under --out. With --coverage, it then replays every target's corpus
in a coverage build and writes line-coverage reports (HTML per target, and per
source file of the crate) under --out/coverage/.

Exit status: 0 no new distinct crash; 1 a new distinct crash, or an
--expect-crash target that did not crash; 2 usage or setup errors (with
--coverage: also when no target's coverage could be measured). Ctrl-C or
SIGTERM stops the fuzzers, saves the crashes found so far un-minimised, writes
the summaries and exits with the same rule.";

#[derive(clap::Args)]
struct FuzzArgs {
    /// The whole budget in minutes (fractions allowed), split equally over the
    /// targets after a reserve for minimisation and merge.
    #[arg(long, default_value_t = 60.0, value_name = "N")]
    minutes: f64,
    /// Instead of --minutes: fuzz each target this long (the budget becomes
    /// what that takes, plus the reserve).
    #[arg(long, value_name = "S", conflicts_with = "minutes")]
    seconds_per_target: Option<u64>,
    /// Only these targets, comma-separated or repeated. Default: every
    /// target of `cargo fuzz list` (those that compare with a Python
    /// reference only with the referee).
    #[arg(long = "target", value_delimiter = ',', value_name = "T,...")]
    targets: Vec<String>,
    /// Leave these targets out, comma-separated or repeated.
    #[arg(long, value_delimiter = ',', value_name = "T,...")]
    skip: Vec<String>,
    /// Targets fuzzed in parallel.
    #[arg(long, default_value_t = 1, value_name = "J", value_parser = clap::value_parser!(u16).range(1..))]
    jobs: u16,
    /// libFuzzer's -seed (CI uses a fixed one). Default: random.
    #[arg(long, value_name = "S")]
    seed: Option<u64>,
    /// Time allowed to minimise each crash.
    #[arg(long, default_value_t = 30, value_name = "M")]
    minimize_seconds: u64,
    /// Where summary.json, summary.md and the logs go.
    #[arg(long, default_value = "target/crossfmt-fuzz", value_name = "DIR")]
    out: PathBuf,
    /// Targets that must crash (planted bugs), comma-separated or repeated:
    /// their crashes are expected and not saved as regressions; no crash
    /// there fails the run.
    #[arg(long, value_delimiter = ',', value_name = "T,...")]
    expect_crash: Vec<String>,
    /// Only write the seeds into fuzz/corpus/<target>/, then stop.
    #[arg(long)]
    seeds_only: bool,
    /// Do not merge new coverage back into fuzz/corpus/.
    #[arg(long)]
    no_merge: bool,
    /// Build without the referee even where it is available. By default,
    /// when the fuzz crate has a `python` feature and the Python reference
    /// venv exists (conformance/testees/python/setup), the targets are built
    /// with it: CPython, msgpack-python and cbor2 run inside each target and
    /// decide every disagreement a differential target finds ("pickle/crossfmt
    /// departs from CPython"), and the targets that compare a format's one
    /// Rust implementation with its reference (differential_cbor, _json,
    /// _protobuf, _struct) run; without it they are left out.
    #[arg(long)]
    no_referee: bool,
    /// After fuzzing, show what the fuzzers reach: build the targets for
    /// source-based coverage (cargo fuzz coverage, no sanitizer), replay each
    /// target's corpus, and write <out>/coverage/: index.html (every target
    /// and every file of the crate with lines and regions covered), llvm-cov's
    /// line-by-line HTML per target and for all targets together, and
    /// summary.json. Installs rustup's llvm-tools when missing.
    #[arg(long)]
    coverage: bool,
    /// Only the coverage reports of the corpus as it is: no fuzzing, the
    /// ledger untouched; an existing summary.json in --out gains them (for
    /// `crossfmt report`), its fuzzing results kept.
    #[arg(long, conflicts_with_all = ["coverage", "seeds_only", "expect_crash"])]
    coverage_only: bool,
    /// The crate whose fuzz/ crate to run: crossfmt's own checkout, or a
    /// codec author's crate (`crossfmt init` writes its fuzz/).
    #[arg(long, default_value = ".", value_name = "DIR")]
    root: PathBuf,
    /// Where each target's saved crash inputs go, as <DIR>/<target>/<hash>.
    /// Default: corpus/regressions under --root when that exists (crossfmt's
    /// own checkout), else fuzz/regressions.
    #[arg(long, value_name = "DIR")]
    regressions: Option<PathBuf>,
}

#[derive(clap::Args)]
struct RunArgs {
    /// A corpus directory of the built-in layout (values/, bytes/<format>/,
    /// regressions/). Default: the built-in corpus.
    #[arg(long)]
    corpus: Option<PathBuf>,
    /// Only these codecs (repeatable). Default: all registered codecs.
    /// `external:CMD` is `--testee CMD`.
    #[arg(long = "codec", value_name = "ID")]
    codecs: Vec<String>,
    /// Start CMD as a testee (conformance/PROTOCOL.md); its codecs join the
    /// run, taking the place of a built-in codec of the same id (repeatable).
    #[arg(long = "testee", value_name = "CMD")]
    testees: Vec<String>,
    /// Only these checks (repeatable; `crossfmt check --list` names them all).
    /// Default: roundtrip, roundtrip-bytes, cross_format, differential.
    #[arg(long = "check", value_name = "NAME")]
    checks: Vec<String>,
    /// Write the results as JSON to this file.
    #[arg(long, value_name = "PATH")]
    json: Option<PathBuf>,
    /// The known-findings list (syntax: crossfmt::known). Default:
    /// known-findings.txt in the corpus directory.
    #[arg(long, visible_alias = "expected", value_name = "FILE")]
    known: Option<PathBuf>,
    /// Print known findings in full, not just unexpected ones.
    #[arg(long)]
    show_known: bool,
    #[command(flatten)]
    generated: crate::generated::GeneratedArgs,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    crossfmt::codecs::protobuf::dynamic::set_proto_path(cli.proto_path.clone());
    // A data directory the user named but that is not one is a usage error
    // up front, not a "file not found" from whichever file is read first.
    if std::env::var_os(crossfmt::data::OVERRIDE).is_some() {
        if let Err(e) = crossfmt::data::check() {
            eprintln!("crossfmt: error: {e}");
            return ExitCode::from(2);
        }
    }
    let result = match cli.command {
        Command::Run(args) => cmd_run(args),
        Command::Codecs { verbose, testees } => cmd_codecs(verbose, &testees),
        Command::Inspect { format, file, hex } => cmd_inspect(format, &file, hex),
        Command::Convert {
            from,
            to,
            input,
            hex,
            output,
        } => cmd_convert(&from, &to, input.as_deref(), hex, output.as_deref()),
        Command::Check {
            check,
            codecs,
            testees,
            schema,
            list,
            value,
            hex,
            probe,
            format,
        } => {
            if list {
                Ok(cmd_check_list())
            } else {
                let name = check.unwrap_or_default();
                let given = Given {
                    value,
                    hex,
                    probe,
                    format,
                };
                cmd_check(&name, &codecs, &testees, schema.as_deref(), given)
            }
        }
        Command::Init(args) => crate::init::cmd_init(args),
        Command::Fuzz(args) => cmd_fuzz(args),
        Command::Replay { target, input } => cmd_replay(&target, &input),
        Command::Testee { codecs } => cmd_testee(&codecs),
        Command::GoogleTestee { codec } => cmd_google_testee(&codec),
        Command::Conformance(args) => crate::conformance::run(args),
        Command::Struct(cmd) => crate::pystruct::run(cmd).map(|()| ExitCode::SUCCESS),
        Command::Report(args) => Ok(crate::report::bench_cli::run(&args)),
        Command::Pickle(args) => crate::pickle::run(args),
        Command::Stream(args) => crate::stream::run(args),
    };
    match result {
        Ok(code) => code,
        Err(e) => {
            eprintln!("crossfmt: error: {e:#}");
            ExitCode::from(2)
        }
    }
}

/// Prints findings above the progress bar as they are made.
/// One finding per cause is printed in full, as it is made (so an
/// interrupted run has shown it); later findings of a printed cause only
/// count, and the causes table at the end says how many.
struct Console {
    bar: Progress,
    show_known: bool,
    /// Signatures already printed.
    shown: std::collections::HashSet<String>,
}

impl Observer for Console {
    fn progress(&mut self, done: u64, total: u64) {
        self.bar.progress(done, total);
    }

    fn interrupted(&self) -> bool {
        self.bar.interrupted()
    }

    fn finding(&mut self, r: &Recorded) {
        if (r.known.is_none() || self.show_known) && self.shown.insert(r.finding.signature()) {
            let tag = match &r.known {
                Some(e) => format!("known: {}", e.reason),
                None => "UNEXPECTED".to_string(),
            };
            self.bar
                .0
                .suspend(|| println!("[{tag}] case {}\n{}\n", r.case, r.finding));
        }
    }
}

fn cmd_run(args: RunArgs) -> Result<ExitCode> {
    let registry = run_registry(&args.codecs, &args.testees)?;
    let checks = check::select(&args.checks).map_err(|e| anyhow!(e))?;
    let root = args.corpus.clone().unwrap_or_else(corpus::builtin_root);
    let corpus = corpus::load(&root).context("loading the corpus")?;
    let known_path = args
        .known
        .clone()
        .unwrap_or_else(|| root.join("known-findings.txt"));
    let known = Known::load(&known_path)?;
    let mut cases = run::cases(&corpus);
    cases.extend(run::schema_cases(
        &registry,
        args.generated.seed.unwrap_or(0),
        args.generated.generated as usize,
    ));
    let count = |f: fn(&Input) -> bool| cases.iter().filter(|c| f(&c.input)).count();
    eprintln!(
        "crossfmt: {} codecs, {} values, {} byte inputs from {}, {} stress probes",
        registry.all().len(),
        count(|i| matches!(i, Input::Value(_))),
        count(|i| matches!(i, Input::Bytes { .. })),
        root.display(),
        count(|i| matches!(i, Input::Probe(_))),
    );

    let mut console = Console {
        bar: progress_bar("checks"),
        show_known: args.show_known,
        shown: Default::default(),
    };
    let plan = Plan {
        checks,
        focus: None,
    };
    crate::fuzz_driver::process::install_signal_handlers();
    let started = std::time::Instant::now();
    let mut out = run::run(&registry, &cases, &plan, &known, &mut console);
    console.bar.0.finish_and_clear();
    if !console.interrupted() {
        let found = crate::generated::for_testees(
            &registry,
            &plan.checks,
            &args.generated,
            &known,
            &mut |r| console.finding(r),
        )?;
        out.findings.extend(found);
    }

    print!("{}", report::summary_table(&out));
    println!();
    print!("{}", report::causes_table(&out, args.show_known));
    print!("{}", report::verdict(&out));
    eprintln!("crossfmt: finished in {:.2?}", started.elapsed());
    if let Some(path) = &args.json {
        report::json::write(&out, path).with_context(|| format!("writing {}", path.display()))?;
        eprintln!("crossfmt: wrote {}", path.display());
    }
    if console.interrupted() {
        eprintln!("crossfmt: interrupted: the results above are partial");
    }
    Ok(if out.unexpected() == 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// The codecs of a run: every testee's codecs (`--testee CMD` or `--codec
/// external:CMD`), which take the place of a built-in codec of the same id,
/// and the built-ins. Plain `--codec` ids select among both: a testee's codec
/// named there runs (and only the named ones of that testee's); a built-in
/// named there runs; with no plain id, everything runs.
fn run_registry(codec_args: &[String], testee_args: &[String]) -> Result<Registry> {
    use crossfmt::codecs::external;
    let (external_args, ids): (Vec<&String>, Vec<&String>) =
        codec_args.iter().partition(|c| c.starts_with("external:"));
    let commands = testee_args.iter().map(String::as_str).chain(
        external_args
            .iter()
            .filter_map(|c| c.strip_prefix("external:")),
    );
    let started =
        external::start_announced(commands, external::Limits::default()).map_err(|e| anyhow!(e))?;
    let names_a_testee_codec = ids
        .iter()
        .any(|id| started.iter().any(|c| c.id() == id.as_str()));
    let joined: Vec<_> = started
        .into_iter()
        .filter(|c| !names_a_testee_codec || ids.iter().any(|id| id.as_str() == c.id()))
        .collect();
    // `<testee codec>@<Message>` names a testee's codec bound to a
    // `protobuf:` codec's message; those are made below, from both.
    let (peer_ids, ids): (Vec<&String>, Vec<&String>) = ids.into_iter().partition(|id| {
        Peer::parse_id(id).is_some()
            && !joined.iter().any(|c| c.id() == id.as_str())
            && google::bound(id).is_none()
    });
    let builtin_ids: Vec<String> = ids
        .iter()
        .filter(|id| !joined.iter().any(|c| c.id() == id.as_str()))
        .map(|id| id.to_string())
        .collect();
    let selected = if builtin_ids.is_empty() && !ids.is_empty() {
        Registry::new(Vec::new())
    } else {
        Registry::builtin()
            .select(&builtin_ids)
            .map_err(|e| anyhow!(e))?
    };
    let mut registry = external::join(&selected, &joined).map_err(|e| anyhow!(e))?;
    let peers: Vec<CodecRef> = Peer::bind_all(registry.all())
        .into_iter()
        .filter(|p| peer_ids.is_empty() || peer_ids.iter().any(|id| id.as_str() == p.id()))
        .collect();
    if let Some(missing) = peer_ids
        .iter()
        .find(|id| !peers.iter().any(|p| p.id() == id.as_str()))
    {
        bail!(
            "codec {missing:?}: no testee codec of that id takes the schema of a \
             protobuf:<file>#<Message> codec of this run"
        );
    }
    peers.into_iter().for_each(|p| registry.push(p));
    Ok(registry)
}

fn cmd_testee(ids: &[String]) -> Result<ExitCode> {
    let registry = Registry::builtin().select(ids).map_err(|e| anyhow!(e))?;
    crossfmt::codecs::external::serve(&registry, std::io::stdin().lock(), std::io::stdout().lock())
        .map_err(|e| anyhow!(e))?;
    Ok(ExitCode::SUCCESS)
}

fn cmd_google_testee(id: &str) -> Result<ExitCode> {
    let registry = Registry::builtin()
        .select(&[id.to_string()])
        .map_err(|e| anyhow!(e))?;
    let codec = &registry.all()[0];
    if codec.format() != Format::Protobuf {
        bail!("--codec {id}: a Google conformance testee serves a protobuf codec");
    }
    let served = crossfmt::codecs::protobuf::upstream::serve(
        codec,
        std::io::stdin().lock(),
        std::io::stdout().lock(),
    )
    .map_err(|e| anyhow!(e))?;
    eprintln!("crossfmt google-testee: {served} requests served");
    Ok(ExitCode::SUCCESS)
}

fn cmd_codecs(verbose: bool, testees: &[String]) -> Result<ExitCode> {
    let registry = run_registry(&[], testees)?;
    let width = registry
        .all()
        .iter()
        .map(|c| c.id().len())
        .max()
        .unwrap_or(0);
    for c in registry.all() {
        let caps = c.caps();
        if verbose {
            println!("{}  ({})", c.id(), c.format());
            for (k, v) in caps.describe() {
                println!("    {k:<16} {v}");
            }
        } else {
            let yes: Vec<_> = caps
                .describe()
                .into_iter()
                .filter(|(_, v)| v != "no")
                .map(|(k, v)| {
                    if v == "yes" {
                        k.to_string()
                    } else {
                        format!("{k}={v}")
                    }
                })
                .collect();
            println!("{:<width$} {:<9} {}", c.id(), c.format(), yes.join(", "));
        }
    }
    Ok(ExitCode::SUCCESS)
}

fn read_input(path: Option<&Path>) -> Result<Vec<u8>> {
    match path {
        None => read_stdin(),
        Some(p) if p == Path::new("-") => read_stdin(),
        Some(p) => std::fs::read(p).with_context(|| format!("reading {}", p.display())),
    }
}

fn read_stdin() -> Result<Vec<u8>> {
    let mut buf = Vec::new();
    std::io::stdin()
        .read_to_end(&mut buf)
        .context("reading standard input")?;
    Ok(buf)
}

fn parse_hex(text: &[u8], what: &str) -> Result<Vec<u8>> {
    let clean: Vec<u8> = text
        .iter()
        .copied()
        .filter(|b| !b.is_ascii_whitespace())
        .collect();
    hex::decode(&clean).map_err(|e| anyhow!("{what} is not valid hex: {e}"))
}

fn cmd_inspect(format: String, file: &Path, is_hex: bool) -> Result<ExitCode> {
    let readers = match format.parse::<Format>() {
        Ok(f) => Registry::builtin().of_format(f),
        Err(_) => Registry::builtin()
            .select(std::slice::from_ref(&format))
            .map_err(|e| anyhow!("--format: {e}"))?
            .all()
            .to_vec(),
    };
    let Some(format) = readers.first().map(|c| c.format()) else {
        bail!("--format {format}: no implementation");
    };
    let raw = read_input(Some(file))?;
    let bytes = if is_hex {
        parse_hex(&raw, &file.display().to_string())?
    } else {
        raw
    };
    println!("{} ({} bytes, {format})", file.display(), bytes.len());
    print!("{}", hex_dump(&bytes));
    for c in readers {
        let shown = match check::decode(c.as_ref(), &bytes) {
            check::Outcome::Ok(v) => notation::print_pretty(&v),
            other => Seen::of_value(&other).to_string(),
        };
        print!("\n{}:\n{}", c.id(), indent(shown.trim_end()));
    }
    if format == Format::Pickle {
        let (text, _) = crossfmt_pickle::disasm::disassemble(&bytes);
        print!("\ndisassembly:\n{}", indent(text.trim_end()));
    }
    Ok(ExitCode::SUCCESS)
}

fn indent(s: &str) -> String {
    s.lines().map(|l| format!("  {l}\n")).collect()
}

/// Offset, 16 bytes of hex, and their printable ASCII.
fn hex_dump(bytes: &[u8]) -> String {
    let mut out = String::new();
    for (i, chunk) in bytes.chunks(16).enumerate() {
        let hex: Vec<String> = chunk.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String = chunk
            .iter()
            .map(|&b| {
                if (0x20..0x7f).contains(&b) {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        out.push_str(&format!(
            "{:08x}  {:<47}  |{ascii}|\n",
            i * 16,
            hex.join(" ")
        ));
    }
    out
}

/// `diag`, a codec id, or a format name (its first implementation).
fn endpoint(registry: &Registry, name: &str) -> Result<Option<CodecRef>> {
    if name == "diag" {
        return Ok(None);
    }
    if let Some(c) = registry.get(name) {
        return Ok(Some(c));
    }
    if let Ok(f) = name.parse::<Format>() {
        if let Some(c) = registry.of_format(f).into_iter().next() {
            return Ok(Some(c));
        }
    }
    // A codec made from its id: a struct layout, a .proto message.
    if name.starts_with(crossfmt::codecs::protobuf::dynamic::PREFIX)
        || name.starts_with("pystruct:")
    {
        let one = registry
            .select(&[name.to_string()])
            .map_err(|e| anyhow!(e))?;
        return Ok(one.all().first().cloned());
    }
    let ids: Vec<_> = registry.all().iter().map(|c| c.id().to_string()).collect();
    bail!(
        "unknown endpoint {name:?}: expected diag, a format name, or one of {}",
        ids.join(", ")
    )
}

fn cmd_convert(
    from: &str,
    to: &str,
    input: Option<&Path>,
    is_hex: bool,
    output: Option<&Path>,
) -> Result<ExitCode> {
    let registry = Registry::builtin();
    let (src, dst) = (endpoint(&registry, from)?, endpoint(&registry, to)?);
    let raw = read_input(input)?;
    let what = input.map_or("standard input".to_string(), |p| p.display().to_string());
    let value = match &src {
        None => {
            let text =
                String::from_utf8(raw).map_err(|e| anyhow!("{what} is not UTF-8 text: {e}"))?;
            notation::parse(&text).map_err(|e| anyhow!("{what}: {e}"))?
        }
        Some(c) => {
            let bytes = if is_hex { parse_hex(&raw, &what)? } else { raw };
            match check::decode(c.as_ref(), &bytes) {
                check::Outcome::Ok(v) => v,
                other => bail!(
                    "{} cannot decode {what}: {}",
                    c.id(),
                    Seen::of_value(&other)
                ),
            }
        }
    };
    let out: Vec<u8> = match &dst {
        None => format!("{}\n", notation::print(&value)).into_bytes(),
        Some(c) => {
            if let Some(why) = c.unsupported(&value) {
                bail!("{} cannot represent this value: {why}", c.id());
            }
            let bytes = match check::encode(c.as_ref(), &value) {
                check::Outcome::Ok(b) => b,
                other => bail!(
                    "{} cannot encode the value: {}",
                    c.id(),
                    Seen::of_bytes(&other)
                ),
            };
            if is_hex || (output.is_none() && std::io::stdout().is_terminal()) {
                format!("{}\n", hex::encode(bytes)).into_bytes()
            } else {
                bytes
            }
        }
    };
    match output {
        Some(p) => std::fs::write(p, out).with_context(|| format!("writing {}", p.display()))?,
        None => std::io::stdout()
            .write_all(&out)
            .context("writing standard output")?,
    }
    Ok(ExitCode::SUCCESS)
}

fn cmd_check_list() -> ExitCode {
    let width = check::CHECKS
        .iter()
        .map(|c| c.name.len())
        .max()
        .unwrap_or(0);
    for c in check::CHECKS.iter() {
        let (lo, hi) = c.codec_count();
        let codecs = match (lo, hi) {
            (0, 0) => "no codec".to_string(),
            (1, 1) => "1 codec".to_string(),
            (a, b) if a == b => format!("{a} codecs"),
            (a, _) => format!("{a}+ codecs"),
        };
        let input = match c.input {
            check::InputKind::Value => "--value",
            check::InputKind::Bytes => "--hex",
            check::InputKind::Probe => "--probe",
        };
        let default = if c.default { ", in run" } else { "" };
        println!(
            "{:<width$}  {input}, {codecs}{default}: {}",
            c.name, c.about
        );
    }
    println!(
        "\nprobes (--probe): {}",
        crossfmt::probe::names().join(", ")
    );
    ExitCode::SUCCESS
}

/// The codecs named by `ids`, in order: a testee's codec (from `--testee` or
/// an `external:CMD` among the ids), a built-in, or a `pystruct:<format>`.
pub(crate) fn resolve_codecs(ids: &[String], testees: &[String]) -> Result<Vec<CodecRef>> {
    use crossfmt::codecs::external;
    let (external_args, ids): (Vec<&String>, Vec<&String>) =
        ids.iter().partition(|c| c.starts_with("external:"));
    let commands = testees.iter().map(String::as_str).chain(
        external_args
            .iter()
            .filter_map(|c| c.strip_prefix("external:")),
    );
    let started =
        external::start_announced(commands, external::Limits::default()).map_err(|e| anyhow!(e))?;
    let builtin = Registry::builtin();
    let plain: Vec<CodecRef> = ids
        .iter()
        .filter(|id| {
            Peer::parse_id(id).is_none()
                || google::bound(id).is_some()
                || started.iter().any(|c| c.id() == id.as_str())
        })
        .map(|id| match started.iter().find(|c| c.id() == id.as_str()) {
            Some(c) => Ok(c.clone()),
            None => builtin
                .select(std::slice::from_ref(id))
                .map_err(|e| anyhow!(e))
                .map(|r| r.all()[0].clone()),
        })
        .collect::<Result<_>>()?;
    // A peer id binds a testee's codec to a message named among the others.
    let peers = Peer::bind_all(&plain.iter().chain(&started).cloned().collect::<Vec<_>>());
    ids.into_iter()
        .map(|id| {
            plain
                .iter()
                .chain(&peers)
                .find(|c| c.id() == id.as_str())
                .cloned()
                .ok_or_else(|| {
                    anyhow!(
                        "codec {id:?}: no testee codec of that id takes the schema of a \
                         protobuf:<file>#<Message> codec named here"
                    )
                })
        })
        .collect()
}

/// The input `crossfmt check` was given: one of a value, bytes (with their
/// format) or a probe.
struct Given {
    value: Option<String>,
    hex: Option<String>,
    probe: Option<String>,
    format: Option<Format>,
}

fn cmd_check(
    name: &str,
    ids: &[String],
    testees: &[String],
    schema: Option<&str>,
    given: Given,
) -> Result<ExitCode> {
    let Given {
        value,
        hex: hex_in,
        probe,
        format,
    } = given;
    let c = check::get(name).ok_or_else(|| {
        anyhow!(
            "unknown check {name:?}; expected one of {} (crossfmt check --list)",
            check::names().join(", ")
        )
    })?;
    let codecs = resolve_codecs(ids, testees)?;
    let probe_given = probe.is_some();
    let input = match (c.input, value, hex_in) {
        (check::InputKind::Value, Some(v), None) => {
            Input::Value(notation::parse(&v).map_err(|e| anyhow!("--value: {e}"))?)
        }
        (check::InputKind::Bytes, None, Some(h)) => {
            let format = format
                .or(codecs.first().map(|c| c.format()))
                .or(c.format)
                .ok_or_else(|| anyhow!("give the format of --hex with --format"))?;
            Input::bytes(format, &parse_hex(h.as_bytes(), "--hex")?)
        }
        (check::InputKind::Probe, None, None) => {
            let p = probe.ok_or_else(|| anyhow!("{name} takes --probe NAME"))?;
            Input::Probe(crossfmt::probe::get(&p).ok_or_else(|| {
                anyhow!(
                    "unknown probe {p:?}; expected one of {}",
                    crossfmt::probe::names().join(", ")
                )
            })?)
        }
        (check::InputKind::Value, ..) => bail!("{name} takes --value DIAG"),
        (check::InputKind::Bytes, ..) => bail!("{name} takes --hex HEX"),
        (check::InputKind::Probe, ..) => bail!("{name} takes --probe NAME"),
    };
    if probe_given && c.input != check::InputKind::Probe {
        bail!("{name} takes no --probe");
    }
    let result = match schema {
        Some(s) => check::run_bound(c, &codecs, s, &input).map_err(|e| anyhow!(e))?,
        None => {
            let refs: Vec<&dyn crossfmt::Codec> = codecs.iter().map(|c| c.as_ref()).collect();
            c.accepts(&refs).map_err(|e| anyhow!(e))?;
            c.run(&refs, &input)
        }
    };
    Ok(print_result(result))
}

fn cmd_replay(target: &str, input: &str) -> Result<ExitCode> {
    if !crossfmt::fuzz::targets().iter().any(|t| t.name == target) {
        let names: Vec<_> = crossfmt::fuzz::targets()
            .into_iter()
            .map(|t| t.name)
            .collect();
        bail!(
            "unknown fuzz target {target:?}; known: {}",
            names.join(", ")
        );
    }
    if let Some(why) = crossfmt::fuzz::unavailable(target) {
        // "no finding" would be a lie: nothing was compared.
        bail!("cannot replay here: {why}");
    }
    if std::path::Path::new(input).is_dir() {
        return replay_dir(target, std::path::Path::new(input));
    }
    let data = match input.strip_prefix("hex:") {
        Some(h) => parse_hex(h.as_bytes(), "the hex: input")?,
        None => std::fs::read(input).with_context(|| format!("reading {input}"))?,
    };
    match crossfmt::fuzz::run_target(target, &data) {
        Ok(()) => {
            println!("no finding");
            Ok(ExitCode::SUCCESS)
        }
        Err(f) => {
            println!("signature: {}\n{f}", f.signature());
            Ok(ExitCode::from(1))
        }
    }
}

/// `crossfmt replay TARGET DIR`: every file of `dir`, findings grouped by
/// signature.
fn replay_dir(target: &str, dir: &std::path::Path) -> Result<ExitCode> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .with_context(|| format!("reading {}", dir.display()))?
        .map(|e| e.map(|e| e.path()))
        .collect::<std::io::Result<_>>()
        .with_context(|| format!("reading {}", dir.display()))?;
    files.retain(|p| p.is_file());
    files.sort();
    // signature -> (count, first file, known)
    let mut seen: std::collections::BTreeMap<String, (usize, std::path::PathBuf, bool)> =
        Default::default();
    for path in &files {
        let data = std::fs::read(path).with_context(|| format!("reading {}", path.display()))?;
        if let Err(f) = crossfmt::fuzz::run_target(target, &data) {
            let known = crossfmt::fuzz::is_known(target, &f);
            seen.entry(f.signature())
                .or_insert((0, path.clone(), known))
                .0 += 1;
        }
    }
    let new = seen.values().filter(|(_, _, known)| !known).count();
    for (sig, (n, path, known)) in &seen {
        let mark = if *known { "known" } else { "NEW" };
        println!(
            "{mark:5} {n:6}  {sig}\n              e.g. {}",
            path.display()
        );
    }
    println!(
        "{} inputs, {} distinct findings, {new} not in the known list",
        files.len(),
        seen.len()
    );
    Ok(if new > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn print_result(r: CheckResult) -> ExitCode {
    match r {
        Ok(Verdict::Pass) => {
            println!("pass");
            ExitCode::SUCCESS
        }
        Ok(Verdict::Skip(why)) => {
            println!("skipped: {why}");
            ExitCode::SUCCESS
        }
        Err(f) => {
            println!("{f}");
            ExitCode::from(1)
        }
    }
}

/// Writes the shared corpus as seeds into `out/<target>/<hash>`: the seam to
/// `crossfmt::fuzz::materialise_seeds`.
/// Seeds for every target with an options file in `options` (crossfmt's
/// own, or a codec author's crate's), from the shared corpus and the saved
/// crash inputs under `regressions`.
fn materialise_seeds(options: &Path, regressions: &Path, out: &Path) -> Result<String> {
    let root = corpus::builtin_root();
    let corpus = corpus::load(&root).context("loading the corpus")?;
    let mut targets = Vec::new();
    let entries =
        std::fs::read_dir(options).with_context(|| format!("reading {}", options.display()))?;
    let mut files: Vec<PathBuf> = entries
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "options"))
        .collect();
    files.sort();
    let mut undescribed = Vec::new();
    for file in files {
        let name = file.file_stem().unwrap_or_default().to_string_lossy();
        let opts = crate::fuzz_driver::libfuzzer::Options::load(options, &name)
            .with_context(|| format!("reading {}", file.display()))?;
        if opts.crossfmt.is_empty() {
            undescribed.push(name.into_owned());
            continue;
        }
        targets.push(
            opts.target(&name)
                .map_err(|e| anyhow!("{}: [crossfmt]: {e}", file.display()))?,
        );
    }
    let stats = crossfmt::fuzz::materialise_seeds(
        &corpus,
        &Registry::builtin(),
        &targets,
        regressions,
        out,
    )
    .with_context(|| format!("writing seeds under {}", out.display()))?;
    let mut what = format!(
        "{} seed files for {} targets",
        stats.files(),
        stats.per_target.len()
    );
    if !undescribed.is_empty() {
        what.push_str(&format!(
            "; none for {} (no [crossfmt] section in its options file says what it takes)",
            undescribed.join(", ")
        ));
    }
    Ok(what)
}

fn cmd_fuzz(a: FuzzArgs) -> Result<ExitCode> {
    if !(a.minutes > 0.0 && a.minutes.is_finite()) {
        bail!("--minutes must be a positive number");
    }
    let root =
        std::path::absolute(&a.root).with_context(|| format!("resolving {}", a.root.display()))?;
    let out = if a.out.is_absolute() {
        a.out
    } else {
        root.join(a.out)
    };
    let regressions = match a.regressions {
        Some(r) if r.is_absolute() => r,
        Some(r) => root.join(r),
        None if root.join("corpus/regressions").is_dir() => root.join("corpus/regressions"),
        None => root.join("fuzz/regressions"),
    };
    let options = root.join("fuzz/options");
    let seeds = {
        let regressions = regressions.clone();
        move |out: &Path| materialise_seeds(&options, &regressions, out)
    };
    let cfg = crate::fuzz_driver::Config {
        root,
        regressions,
        minutes: a.minutes,
        seconds_per_target: a.seconds_per_target,
        targets: a.targets,
        skip: a.skip,
        jobs: usize::from(a.jobs),
        seed: a.seed,
        minimize_seconds: a.minimize_seconds,
        out,
        expect_crash: a.expect_crash,
        seeds_only: a.seeds_only,
        merge: !a.no_merge,
        referee: !a.no_referee,
        coverage: a.coverage || a.coverage_only,
        coverage_only: a.coverage_only,
    };
    let code = crate::fuzz_driver::run(&cfg, &seeds)?;
    Ok(ExitCode::from(code))
}
