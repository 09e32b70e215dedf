//! `crossfmt conformance`: arguments, the run, the console summary, the
//! report files, and the exit status.

use crate::fuzz_driver::process::install_signal_handlers;
use crate::report;
use anyhow::{anyhow, bail, Context, Result};
use crossfmt::caps::Caps;
use crossfmt::codecs::external;
use crossfmt::codecs::protobuf::upstream;
use crossfmt::conformance::case::Case;
use crossfmt::conformance::matrix::Matrix;
use crossfmt::conformance::runner::{self, Options};
use crossfmt::conformance::upstream::UpstreamList;
use crossfmt::conformance::{expected, suite};
use crossfmt::known::{glob, Known};
use crossfmt::Value;
use crossfmt::{Codec, CodecError, CodecRef, Format, Registry};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;

pub const AFTER_HELP: &str = "\
Every case of a suite runs against every selected implementation of its
format. Outcomes: pass, wrong-value, false-accept, false-reject, panic,
timeout, out-of-memory, skipped (the implementation cannot hold the value;
never a pass).

Expected failures: <dir>/expected-failures/<codec id>.txt (e.g. `msgpack/rmpv.txt`),
lines `conformance <codec id> <case id glob> <kind> [<class>] -- <reason>`
(the known-findings syntax; kind: wrong-value, false-accept, false-reject,
panic, timeout, out-of-memory or *).

Exit status: 0 when no required case failed unexpectedly; 1 when one did,
when a recommended one did under --strict, on an unexpected pass (a listed
failure that now passes) or a stale list entry (matching no case); 2 on usage
or input errors (bad suite files, no suites, unknown names). Ctrl-C stops the
run and still writes the reports, marked interrupted.

Generated values: each testee codec (--testee) also gets --generated N values
its caps hold through every value check it takes part in, beside the selected
implementations; a failure is shrunk over the pipe and fails the run unless
corpus/known-findings.txt or an --expected file records it
(`<check> <codecs> generated <kind> -- <reason>`).";

#[derive(clap::Args, Debug)]
pub struct ConformanceArgs {
    /// Only this suite (repeatable; the file name without .json). Default: every suite.
    #[arg(long = "suite", value_name = "S")]
    pub suites: Vec<String>,
    /// Only this implementation (repeatable), built-in or announced by a testee.
    #[arg(long = "codec", value_name = "ID")]
    pub codecs: Vec<String>,
    /// Also test the implementations this command announces over the testee
    /// protocol (conformance/PROTOCOL.md); repeatable.
    #[arg(long = "testee", value_name = "CMD")]
    pub testees: Vec<String>,
    /// Also test this Google-protocol conformance testee (repeatable): any
    /// protobuf implementation's unmodified testee for Google's
    /// conformance_test_runner, speaking ConformanceRequest/Response on
    /// stdin/stdout. It runs the protobuf cases bound to Google's test
    /// messages, as `protobuf/<program name>`.
    #[arg(long = "google-testee", value_name = "CMD")]
    pub google_testees: Vec<String>,
    /// Expected failures of a --google-testee in upstream's failure-list
    /// format (`Required.Proto3.ProtobufInput.X.ProtobufOutput  # message`,
    /// `*` matching one dot-separated part), matched against the cases'
    /// upstream names; give it after the --google-testee it is for
    /// (repeatable).
    #[arg(long = "google-failure-list", value_name = "FILE")]
    pub google_failure_lists: Vec<PathBuf>,
    /// Write each --google-testee's failures in upstream's failure-list
    /// format to `DIR/<name>.txt` (a list Google's runner reads, too).
    #[arg(long = "write-google-failure-list", value_name = "DIR")]
    pub write_google_failure_lists: Option<PathBuf>,
    /// Recommended-level failures fail the run too (by default they warn).
    #[arg(long)]
    pub strict: bool,
    /// Write every outcome as JSON to this file.
    #[arg(long, value_name = "PATH")]
    pub json: Option<PathBuf>,
    /// Write JUnit XML (one testsuite per implementation) to this file.
    #[arg(long, value_name = "PATH")]
    pub junit: Option<PathBuf>,
    /// Write the Markdown summary and pruned matrix to this file.
    #[arg(long, value_name = "PATH")]
    pub markdown: Option<PathBuf>,
    /// Write the HTML matrix to DIR/index.html, and DIR/matrix.json.
    #[arg(long, value_name = "DIR")]
    pub html: Option<PathBuf>,
    /// Run only the cases whose id matches (an id, or a glob with `*`), and
    /// dump each: its fields, and per implementation the outcome, input,
    /// expected and actual.
    #[arg(long, value_name = "ID")]
    pub case: Option<String>,
    /// Print every non-pass outcome, expected failures and skips included.
    #[arg(long, short)]
    pub verbose: bool,
    /// Time bound of one request to a testee, in milliseconds.
    #[arg(long, default_value_t = 10_000, value_name = "N")]
    pub timeout_ms: u64,
    /// List the suites (cases per format and level) and the implementations, then stop.
    #[arg(long)]
    pub list: bool,
    /// The conformance directory (suites/, expected-failures/). Default: this checkout's.
    #[arg(long, value_name = "DIR")]
    pub dir: Option<PathBuf>,
    /// Your own expected failures, on top of the directory's lists (repeatable):
    /// a file of `conformance <codec id> <case glob> <kind> -- <reason>` lines
    /// (a crossfmt-known.txt of `crossfmt init` will do; its other lines are
    /// ignored here).
    #[arg(long = "expected", value_name = "FILE")]
    pub expected: Vec<PathBuf>,
    #[command(flatten)]
    pub generated: crate::generated::GeneratedArgs,
}

pub fn run(args: ConformanceArgs) -> Result<ExitCode> {
    let dir = args.dir.clone().unwrap_or_else(suite::builtin_root);
    let suites = suite::load(&dir.join("suites"), &args.suites)?;
    let mut registry = Registry::builtin();
    let limits = external::Limits {
        timeout: std::time::Duration::from_millis(args.timeout_ms),
        ..external::Limits::default()
    };
    for c in external::start_announced(args.testees.iter().map(String::as_str), limits)
        .map_err(|e| anyhow!("--testee: {e}"))?
    {
        registry.push(c);
    }
    let mut google_ids: Vec<String> = Vec::new();
    for command in &args.google_testees {
        let base = upstream::id_of(command);
        let mut id = base.clone();
        let mut n = 1;
        while google_ids.contains(&id) || registry.get(&id).is_some() {
            n += 1;
            id = format!("{base}-{n}");
        }
        google_ids.push(id.clone());
        let c =
            upstream::start(command, &id, limits).map_err(|e| anyhow!("--google-testee: {e}"))?;
        eprintln!("crossfmt: Google-protocol testee `{command}`: {id}");
        registry.push(c);
    }
    let registry = registry.select(&args.codecs).map_err(|e| anyhow!(e))?;
    if args.list {
        print_list(&suites, &with_engines(registry, &args.codecs));
        return Ok(ExitCode::SUCCESS);
    }
    let mut cases: Vec<Case> = suites.into_iter().flat_map(|s| s.cases).collect();
    if let Some(pattern) = &args.case {
        cases.retain(|c| glob(pattern, &c.id));
        if cases.is_empty() {
            bail!("no case matches {pattern:?}");
        }
    }
    // The generated values compare a testee's codecs with every selected
    // implementation, cases or not.
    let selected = registry.clone();
    let registry = with_engines(registry, &args.codecs);
    // Implementations no selected case is for would only add empty columns.
    let (used, idle): (Vec<_>, Vec<_>) = registry
        .all()
        .iter()
        .cloned()
        // A codec bound to a user's schema has no suite: the suites' cases
        // are crossfmt's and Google's messages. A built-in one bound to a
        // schema of its own reads the cases that bind it to theirs.
        .partition(|c| {
            !c.id()
                .starts_with(crossfmt::codecs::protobuf::dynamic::PREFIX)
                && cases.iter().any(|k| {
                    k.format == c.format().name() && (k.bind.is_some() || c.schema().is_none())
                })
        });
    if !idle.is_empty() {
        let ids: Vec<&str> = idle.iter().map(|c| c.id()).collect();
        eprintln!("crossfmt: no cases for {}", ids.join(", "));
    }
    let used = used
        .into_iter()
        .map(|c| {
            // A testee's protobuf codec bound to a case's message is judged
            // in that message's model.
            if c.format() == Format::Protobuf && c.testee().is_some() && c.schema().is_none() {
                Arc::new(crossfmt::codecs::protobuf::dynamic::Binder(c)) as CodecRef
            } else {
                c
            }
        })
        .collect();
    let registry = Registry::new(one_per_engine(used));
    let lists_dir = dir.join("expected-failures");
    let own = args
        .expected
        .iter()
        .map(|p| {
            if !p.is_file() {
                bail!("--expected {}: no such file", p.display());
            }
            Known::load(p).with_context(|| format!("--expected {}", p.display()))
        })
        .collect::<Result<Vec<_>>>()?;
    let upstream_lists = args
        .google_failure_lists
        .iter()
        .map(|p| {
            let text = std::fs::read_to_string(p)
                .with_context(|| format!("--google-failure-list {}", p.display()))?;
            UpstreamList::parse(p, &text).map_err(|e| anyhow!("--google-failure-list {e}"))
        })
        .collect::<Result<Vec<_>>>()?;
    let lists = registry
        .all()
        .iter()
        .map(|c| {
            let list = expected::load(&lists_dir, c.id())?;
            let mut list = own
                .iter()
                .fold(list, |l, k| l.and(expected::FailureList::of(k, c.id())));
            if google_ids.contains(&c.id().to_string()) {
                for u in &upstream_lists {
                    let (more, unmatched) = u.expected(c.id(), &cases);
                    if !unmatched.is_empty() {
                        // Upstream's catalogue has JSON and text-format tests
                        // crossfmt's suites do not: a note, not an error.
                        eprintln!(
                            "crossfmt: {}: {} of {} entries name no case here (e.g. {})",
                            u.path.display(),
                            unmatched.len(),
                            u.entries.len(),
                            unmatched[0].name
                        );
                    }
                    list = list.and(more);
                }
            }
            Ok(list)
        })
        .collect::<Result<Vec<_>>>()?;
    eprintln!(
        "crossfmt: {} cases, {} implementations",
        cases.len(),
        registry.all().len()
    );
    install_signal_handlers();
    let mut bar = crate::progress::progress_bar("cases");
    let opts = Options {
        strict: args.strict,
        check_stale: args.suites.is_empty() && args.case.is_none(),
    };
    let started = std::time::Instant::now();
    let m = runner::run(&registry, cases, lists, opts, &mut bar);
    bar.0.finish_and_clear();

    if args.case.is_some() {
        print!("{}", dump_cases(&m));
    } else {
        print!("{}", m.problems(args.verbose));
    }
    print!("{}", m.summary());
    let mut generated = Vec::new();
    if args.case.is_none() && !m.interrupted {
        let mut known = Known::load(&Known::builtin_path())?;
        own.into_iter().for_each(|k| known.extend(k));
        generated = crate::generated::for_testees(
            &selected,
            &crossfmt::check::defaults(),
            &args.generated,
            &known,
            &mut |r| println!("[UNEXPECTED] case {}\n{}\n", r.case, r.finding),
        )?;
    }
    eprintln!("crossfmt: finished in {:.2?}", started.elapsed());
    write_reports(&m, &args)?;
    if let Some(dir) = &args.write_google_failure_lists {
        write_upstream_lists(&m, &google_ids, dir)?;
    }
    Ok(if m.failures().is_empty() && generated.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// Each Google-protocol testee's failures in upstream's list format, to
/// `dir/<name>.txt`.
fn write_upstream_lists(m: &Matrix, ids: &[String], dir: &Path) -> Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("{}", dir.display()))?;
    for (imp, i) in m.implementations.iter().enumerate() {
        if !ids.contains(&i.id) {
            continue;
        }
        let name = i.id.rsplit('/').next().unwrap_or(&i.id);
        let path = dir.join(format!("{name}.txt"));
        write_file(&path, &crossfmt::conformance::upstream::render(m, imp))?;
        eprintln!(
            "crossfmt: {}'s failures, upstream format: {}",
            i.id,
            path.display()
        );
    }
    Ok(())
}

/// The schema engines ([`Registry::engines`]) read only cases bound to a
/// schema: unless `--codec` chose, they join the cases' run (not the
/// generated values', which compare universal values).
fn with_engines(mut registry: Registry, codecs: &[String]) -> Registry {
    if codecs.is_empty() {
        for c in Registry::engines() {
            registry.push(c);
        }
    }
    registry
}

fn print_list(suites: &[crossfmt::conformance::Suite], registry: &Registry) {
    let mut rows = vec![[
        "suite",
        "format",
        "required",
        "recommended",
        "decode",
        "encode",
    ]
    .map(String::from)
    .to_vec()];
    for s in suites {
        let mut formats: Vec<&str> = s.cases.iter().map(|c| c.format.as_str()).collect();
        formats.sort();
        formats.dedup();
        for f in formats {
            let of: Vec<&Case> = s.cases.iter().filter(|c| c.format == f).collect();
            let count = |p: &dyn Fn(&Case) -> bool| of.iter().filter(|c| p(c)).count().to_string();
            rows.push(vec![
                s.name.clone(),
                f.to_string(),
                count(&|c| c.level == crossfmt::conformance::Level::Required),
                count(&|c| c.level == crossfmt::conformance::Level::Recommended),
                count(&|c| c.op() == crossfmt::conformance::case::Op::Decode),
                count(&|c| c.op() == crossfmt::conformance::case::Op::Encode),
            ]);
        }
    }
    print!("{}", report::table(&rows, 2));
    println!("\nimplementations:");
    for c in registry.all() {
        println!("  {:<24} {}", c.id(), c.format());
    }
}

/// Everything about each case that ran, for `--case`.
fn dump_cases(m: &Matrix) -> String {
    let mut s = String::new();
    for (c, case) in m.cases.iter().enumerate() {
        s.push_str(&format!(
            "case {}\n  suite:    {}\n  source:   {}\n  format:   {}{}\n  level:    {}\n  op:       {}\n",
            case.id,
            case.suite,
            case.source,
            case.format,
            case.schema.as_ref().map(|x| format!(" (schema {x:?})")).unwrap_or_default(),
            case.level.name(),
            case.op().name(),
        ));
        if !case.input_hex().is_empty() {
            s.push_str(&format!("  input:    {}\n", case.input_hex()));
        }
        if let Some(v) = &case.value_text {
            s.push_str(&format!("  value:    {v}\n"));
        }
        s.push_str(&format!("  expect:   {}\n", case.expectation()));
        if let Some(n) = &case.note {
            s.push_str(&format!("  note:     {n}\n"));
        }
        for (i, imp) in m.implementations.iter().enumerate() {
            let Some(cell) = &m.cells[c][i] else { continue };
            s.push_str(&format!(
                "  {}: {} [{}]\n",
                imp.id,
                cell.outcome.message,
                cell.status.name()
            ));
            if !cell.outcome.expected.is_empty() {
                s.push_str(&format!("      expected: {}\n", cell.outcome.expected));
            }
            if !cell.outcome.actual.is_empty() {
                s.push_str(&format!("      actual:   {}\n", cell.outcome.actual));
            }
        }
        s.push('\n');
    }
    s
}

fn write_file(path: &Path, text: &str) -> Result<()> {
    report::write_atomic(path, text.as_bytes())
        .with_context(|| format!("writing {}", path.display()))?;
    eprintln!("crossfmt: wrote {}", path.display());
    Ok(())
}

fn write_reports(m: &Matrix, args: &ConformanceArgs) -> Result<()> {
    if let Some(p) = &args.json {
        write_file(p, &report::conformance_json::render(m))?;
    }
    if let Some(p) = &args.junit {
        write_file(p, &report::junit::render(m)?)?;
    }
    if let Some(p) = &args.markdown {
        write_file(p, &report::matrix_md::render(m))?;
    }
    if let Some(dir) = &args.html {
        std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
        write_file(&dir.join("index.html"), &report::matrix_html::render(m))?;
        write_file(
            &dir.join("matrix.json"),
            &report::conformance_json::render(m),
        )?;
    }
    Ok(())
}

/// Schema-driven codecs of one engine (`pystruct:<4sHHIQ`, `pystruct:@bq...`)
/// are bound to each case's schema, so they would all give the same column:
/// one stands for the engine, under the engine's name (`pystruct`).
fn one_per_engine(codecs: Vec<CodecRef>) -> Vec<CodecRef> {
    let mut seen = std::collections::BTreeSet::new();
    let mut out = Vec::new();
    for c in codecs {
        let engine = match c.id().split_once(':') {
            Some((engine, _)) if c.format().has_schema() => engine.to_string(),
            _ => {
                out.push(c);
                continue;
            }
        };
        if seen.insert(engine.clone()) {
            out.push(Arc::new(Engine {
                id: engine,
                inner: c,
            }));
        }
    }
    out
}

/// A schema-driven codec shown under its engine's name.
struct Engine {
    id: String,
    inner: CodecRef,
}

impl Codec for Engine {
    fn id(&self) -> &str {
        &self.id
    }
    fn format(&self) -> Format {
        self.inner.format()
    }
    fn caps(&self) -> Caps {
        self.inner.caps()
    }
    fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
        self.inner.encode(v)
    }
    fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
        self.inner.decode(b)
    }
    fn unsupported(&self, v: &Value) -> Option<String> {
        self.inner.unsupported(v)
    }
    fn for_schema(&self, schema: &str) -> Result<CodecRef, CodecError> {
        self.inner.for_schema(schema)
    }
    fn schema(&self) -> Option<&str> {
        self.inner.schema()
    }
}
