//! The entry point for codec authors: one call in a `#[test]` runs every
//! default check against your codec — over the built-in corpus, over
//! generated values (with shrinking), against every built-in codec, and
//! pairwise against the built-in implementations of your format.
//!
//! ```
//! use crossfmt::testing::{check_codec_with, Options};
//! use crossfmt::{Caps, Codec, CodecError, Format, Value};
//! use std::sync::Arc;
//!
//! /// JSON's null and booleans, nothing else: a codec with a narrow model.
//! /// `lies` plants a bug: `false` is written as `true`.
//! struct Flags {
//!     lies: bool,
//! }
//!
//! impl Codec for Flags {
//!     fn id(&self) -> &str {
//!         "json/flags"
//!     }
//!     fn format(&self) -> Format {
//!         Format::Json
//!     }
//!     fn caps(&self) -> Caps {
//!         // What the model holds; anything else is skipped, never passed.
//!         Caps { null: true, bool: true, max_depth: 1, ..Caps::NONE }
//!     }
//!     fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> {
//!         match v {
//!             Value::Null => Ok(b"null".to_vec()),
//!             Value::Bool(b) => Ok((*b || self.lies).to_string().into_bytes()),
//!             other => Err(CodecError::unsupported(other.kind())),
//!         }
//!     }
//!     fn decode(&self, b: &[u8]) -> Result<Value, CodecError> {
//!         match std::str::from_utf8(b).map(str::trim) {
//!             Ok("null") => Ok(Value::Null),
//!             Ok("true") => Ok(Value::Bool(true)),
//!             Ok("false") => Ok(Value::Bool(false)),
//!             // Valid JSON outside the model is unsupported, not a syntax
//!             // error: the differential check against serde_json tells the two apart.
//!             _ => Err(CodecError::unsupported("only null, true and false")),
//!         }
//!     }
//! }
//!
//! let opts = Options { generated_cases: 32, ..Options::default() };
//! let report = check_codec_with(Arc::new(Flags { lies: false }), &opts)?;
//! assert!(report.findings.is_empty(), "{}", report.render());
//!
//! let report = check_codec_with(Arc::new(Flags { lies: true }), &opts)?;
//! let (_, first) = &report.findings[0];
//! assert_eq!(first.signature(), "roundtrip|json/flags|value-changed|bool->bool");
//! assert_eq!(first.repro(), "crossfmt check roundtrip --codec json/flags --value=false");
//! # Ok::<(), String>(())
//! ```
//!
//! In a test of your crate, [`check_codec`] does the same with the default
//! options and panics with the findings:
//!
//! ```no_run
//! # use crossfmt::{Caps, Codec, CodecError, Format, Value};
//! # struct MyCodec;
//! # impl Codec for MyCodec {
//! #     fn id(&self) -> &str { "msgpack/my-codec" }
//! #     fn format(&self) -> Format { Format::MsgPack }
//! #     fn caps(&self) -> Caps { Caps::NONE }
//! #     fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> { todo!() }
//! #     fn decode(&self, b: &[u8]) -> Result<Value, CodecError> { todo!() }
//! # }
//! #[test]
//! fn crossfmt_checks() {
//!     crossfmt::testing::check_codec(MyCodec);
//! }
//! ```

use crate::check;
use crate::conformance::expected::FailureList;
use crate::conformance::{runner, suite, Matrix};
use crate::finding::cause::Cause;
use crate::finding::Finding;
use crate::fuzz::CodecTargets;
use crate::known::{Entry, Known};
use crate::run::{self, Plan, Quiet};
use crate::{corpus, Codec, CodecRef, Registry};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// The known-findings file `check_codec` reads by default, at the root of
/// the crate under test.
pub const KNOWN_FILE: &str = "crossfmt-known.txt";

/// Where the fuzz targets of the crate under test save their crash inputs
/// (`crossfmt fuzz --root <crate>`), replayed by default.
pub const FUZZ_REGRESSIONS: &str = "fuzz/regressions";

/// What [`check_codec_with`] runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// Corpus directory; the built-in one by default.
    pub corpus: PathBuf,
    /// Generated values per check and codec set (0 turns generation off).
    pub generated_cases: u32,
    /// Findings you have accepted, in the known-findings syntax
    /// ([`crate::known`]), conformance entries included. Default:
    /// [`KNOWN_FILE`] at the root of the crate under test
    /// (`$CARGO_MANIFEST_DIR`, which `cargo test` sets) when it exists.
    pub known: Option<PathBuf>,
    /// Run the conformance suites of the codec's format
    /// ([`conformance_with`]) too. Default: yes.
    pub conformance: bool,
    /// Saved fuzz inputs to replay, as `<dir>/<target>/<hash>` (targets of
    /// [`CodecTargets`]). Default: [`FUZZ_REGRESSIONS`] of the crate under
    /// test when it exists.
    pub regressions: Option<PathBuf>,
}

/// `$CARGO_MANIFEST_DIR/<rel>` when it exists.
fn in_crate_under_test(rel: &str) -> Option<PathBuf> {
    let path = Path::new(&std::env::var_os("CARGO_MANIFEST_DIR")?).join(rel);
    path.exists().then_some(path)
}

impl Default for Options {
    fn default() -> Self {
        Options {
            corpus: corpus::builtin_root(),
            generated_cases: 256,
            known: in_crate_under_test(KNOWN_FILE),
            conformance: true,
            regressions: in_crate_under_test(FUZZ_REGRESSIONS),
        }
    }
}

impl Options {
    /// The known-findings list (empty without one).
    fn known(&self) -> Result<Known, String> {
        match &self.known {
            Some(p) => Known::load(p).map_err(|e| e.to_string()),
            None => Ok(Known::default()),
        }
    }
}

/// What a check run found for one codec.
#[derive(Debug, Default)]
pub struct Report {
    /// Cases run (corpus, generated, saved fuzz inputs).
    pub cases: usize,
    /// Passed (a finding the known lists record counts as passed).
    pub passed: usize,
    /// Did not apply, or disagreements where a built-in reference is recorded as wrong.
    pub skipped: usize,
    /// Unexpected findings, each with its case.
    pub findings: Vec<(String, Finding)>,
    /// Entries of your known-findings list for corpus cases that matched
    /// nothing: the bug was fixed, or the entry is wrong.
    pub stale: Vec<Entry>,
    /// The conformance suites of the codec's format, when run.
    pub conformance: Option<Matrix>,
}

impl Report {
    /// Nothing unexpected: no finding, no stale entry, no conformance
    /// failure.
    pub fn is_clean(&self) -> bool {
        self.findings.is_empty()
            && self.stale.is_empty()
            && self
                .conformance
                .as_ref()
                .is_none_or(|m| m.failures().is_empty())
    }

    /// The findings grouped into causes (by signature), in the order each
    /// first showed.
    pub fn causes(&self) -> Vec<Cause<'_>> {
        crate::finding::cause::group(self.findings.iter().map(|(c, f)| (c.as_str(), f)))
    }

    /// The causes first, one line each with their count; then each cause's
    /// smallest finding in full, with its reproduce command and up to a few
    /// other cases it showed on; stale entries; the conformance rows and
    /// problems; then the totals.
    pub fn render(&self) -> String {
        let causes = self.causes();
        let mut s = String::new();
        let _ = writeln!(
            s,
            "{} finding(s) in {} cause(s):",
            self.findings.len(),
            causes.len()
        );
        for (i, c) in causes.iter().enumerate() {
            let _ = writeln!(s, "  {:>2}. {:>5} x {}", i + 1, c.count(), c.signature);
        }
        for (i, c) in causes.iter().enumerate() {
            let (case, f) = c.example;
            let _ = writeln!(
                s,
                "\n{}. {} finding(s); smallest: case {case}\n{f}",
                i + 1,
                c.count()
            );
            let others: Vec<&str> = c.cases.iter().copied().filter(|x| *x != case).collect();
            if !others.is_empty() {
                let shown = others
                    .iter()
                    .take(MORE_CASES)
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", ");
                let more = others.len().saturating_sub(MORE_CASES);
                let tail = if more > 0 {
                    format!(" and {more} more")
                } else {
                    String::new()
                };
                let _ = writeln!(s, "  also on:  {shown}{tail}");
            }
        }
        for e in &self.stale {
            let _ = writeln!(
                s,
                "\n[STALE] line {}: `{e}` matches no finding any more (fixed? remove it)",
                e.line
            );
        }
        if let Some(m) = &self.conformance {
            let _ = write!(s, "\nconformance:\n{}", m.render(false));
        }
        let _ = write!(
            s,
            "\n{} cases: {} passed, {} findings in {} causes, {} skipped",
            self.cases,
            self.passed,
            self.findings.len(),
            causes.len(),
            self.skipped
        );
        s
    }
}

/// Other cases of a cause named in the text.
const MORE_CASES: usize = 5;

/// Runs every default check against `codec` with default options (the
/// conformance suites of its format, generated values and your crate's
/// saved fuzz inputs included) and panics with what it found, one entry per
/// cause. For a `#[test]`.
pub fn check_codec<C: Codec + 'static>(codec: C) {
    let report = check_codec_with(Arc::new(codec), &Options::default())
        .unwrap_or_else(|e| panic!("crossfmt could not run: {e}"));
    if !report.is_clean() {
        panic!("crossfmt found problems:\n\n{}", report.render());
    }
}

/// Runs every conformance suite of `codec`'s format against it with the
/// default options' known-findings list, and panics on a required case that
/// fails unexpectedly, an unexpected pass or a stale entry, printing the
/// matrix rows. For a `#[test]`; [`check_codec`] does this too.
pub fn conformance<C: Codec + 'static>(codec: C) {
    let m = conformance_with(Arc::new(codec), &Options::default())
        .unwrap_or_else(|e| panic!("crossfmt could not run: {e}"));
    if !m.failures().is_empty() {
        panic!("crossfmt conformance failed:\n\n{}", m.render(false));
    }
}

/// The conformance matrix of `codec` over every suite of its format, judged
/// against the `conformance` entries of `opts.known` for its id.
pub fn conformance_with(codec: CodecRef, opts: &Options) -> Result<Matrix, String> {
    let dir = suite::builtin_root().join("suites");
    let suites = suite::load(&dir, &[]).map_err(|e| e.to_string())?;
    let format = codec.format().name();
    let cases: Vec<_> = suites
        .into_iter()
        .flat_map(|s| s.cases)
        .filter(|c| c.format == format)
        .collect();
    let list = FailureList::of(&opts.known()?, codec.id());
    let registry = Registry::new(vec![codec]);
    let run_opts = runner::Options {
        strict: false,
        check_stale: true,
    };
    Ok(runner::run(
        &registry,
        cases,
        vec![list],
        run_opts,
        &mut Quiet,
    ))
}

/// Runs every default check against `codec`; returns the report (or an
/// error naming the file when the corpus, a known-findings list, a suite or
/// a saved fuzz input cannot be read).
pub fn check_codec_with(codec: CodecRef, opts: &Options) -> Result<Report, String> {
    // A codec of a schema is compared with the built-in implementations
    // bound to the same one (the format's own codecs read another model),
    // over values drawn from the schema and their encodings.
    let peers = if codec.schema().is_some() {
        Registry::peers_of(&codec)
    } else {
        Vec::new()
    };
    let mut codecs: Vec<CodecRef> = Registry::builtin()
        .all()
        .iter()
        .filter(|c| c.id() != codec.id() && !peers.iter().any(|p| p.id() == c.id()))
        .cloned()
        .collect();
    codecs.extend(peers);
    codecs.push(codec.clone());
    let registry = Registry::new(codecs);
    let corpus = corpus::load(&opts.corpus).map_err(|e| e.to_string())?;
    let builtin = Known::load(&Known::builtin_path()).map_err(|e| e.to_string())?;
    let mut known = opts.known()?;
    let mut cases = run::cases(&corpus);
    if codec.schema().is_some() {
        let own = Registry::new(vec![codec.clone()]);
        cases.extend(run::schema_cases(&own, 0, opts.generated_cases as usize));
    }
    let plan = Plan {
        checks: check::defaults(),
        focus: Some(codec.id().to_string()),
    };
    let out = run::run(&registry, &cases, &plan, &known, &mut Quiet);
    let mut report = Report {
        stale: out.stale.clone(),
        ..Report::default()
    };
    for (_, _, t) in out.rows() {
        report.cases += t.cases;
        report.passed += t.passed + t.known;
        report.skipped += t.skipped;
    }
    for r in out.findings {
        if r.known.is_some() {
            continue;
        }
        if builtin
            .blames_another(&r.finding, &r.case, codec.id())
            .is_some()
        {
            report.skipped += 1;
        } else {
            report.findings.push((r.case, r.finding));
        }
    }
    if let Some(dir) = &opts.regressions {
        replay_fuzz_inputs(&codec, dir, &known, &mut report)?;
    }
    known.extend(builtin);
    #[cfg(feature = "proptest")]
    if opts.generated_cases > 0 {
        generated(&registry, &codec, opts.generated_cases, &known, &mut report)?;
    }
    if opts.conformance {
        report.conformance = Some(conformance_with(codec, opts)?);
    }
    Ok(report)
}

/// Every saved input under `dir/<target>/` through that target of the
/// codec's fuzz targets: a finding the lists do not record is reported.
fn replay_fuzz_inputs(
    codec: &CodecRef,
    dir: &Path,
    known: &Known,
    report: &mut Report,
) -> Result<(), String> {
    let targets = CodecTargets::new(codec.clone()).with_known_list(known.clone());
    let names: Vec<String> = targets.targets().into_iter().map(|t| t.name).collect();
    let entries = std::fs::read_dir(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    for e in entries {
        let sub = e.map_err(|e| format!("{}: {e}", dir.display()))?.path();
        let name = sub.file_name().and_then(|n| n.to_str()).unwrap_or("");
        if sub.is_dir() && !names.iter().any(|t| t == name) {
            return Err(format!(
                "{}: not a fuzz target of {} (expected one of {})",
                sub.display(),
                codec.id(),
                names.join(", ")
            ));
        }
    }
    for target in &names {
        let sub = dir.join(target);
        let inputs =
            crate::fuzz::saved_inputs(&sub).map_err(|e| format!("{}: {e}", sub.display()))?;
        for (path, data) in inputs {
            report.cases += 1;
            match targets.run(target, &data) {
                Err(f) if targets.known(target, &f).is_none() => {
                    report.findings.push((path.display().to_string(), *f));
                }
                _ => report.passed += 1,
            }
        }
    }
    Ok(())
}

/// Generated values within the codec's capabilities through every default
/// value check it takes part in ([`crate::generated`]).
#[cfg(feature = "proptest")]
fn generated(
    registry: &Registry,
    codec: &CodecRef,
    cases: u32,
    known: &Known,
    report: &mut Report,
) -> Result<(), String> {
    let plan = crate::generated::Plan { cases, seed: None };
    for p in crate::generated::run(
        registry,
        std::slice::from_ref(codec),
        &check::defaults(),
        plan,
        known,
        &mut |_| true,
    )? {
        report.cases += p.cases;
        match p.finding {
            None => report.passed += p.cases,
            Some(f) => report.findings.push(("generated (shrunk)".to_string(), *f)),
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::Case;

    /// A known-findings entry counts for staleness only when a job of the
    /// run could have matched it: every codec it names is in the run
    /// (entries for an external testee's codecs stay quiet in a run without
    /// the testee).
    #[test]
    fn only_entries_whose_codecs_all_ran_can_be_stale() {
        let registry = Registry::builtin()
            .select(&["json/serde_json".to_string()])
            .unwrap();
        let cases = [Case {
            name: "int-zero".into(),
            input: check::Input::Value(crate::Value::from(0i64)),
            expect: None,
            schema: None,
        }];
        let text = "roundtrip json/serde_json int-zero * -- recorded\n\
                    roundtrip json/cpython int-zero * -- recorded\n\
                    differential json/serde_json+json/cpython int-zero * -- recorded\n";
        let known = Known::parse(text, std::path::Path::new("k")).unwrap();
        let out = run::run(
            &registry,
            &cases,
            &Plan::default_checks(),
            &known,
            &mut Quiet,
        );
        assert!(out.findings.is_empty(), "{:?}", out.findings);
        let stale: Vec<String> = out.stale.iter().map(|e| e.codecs.join("+")).collect();
        assert_eq!(stale, ["json/serde_json"]);
        assert_eq!(out.unexpected(), 1);
    }
}
