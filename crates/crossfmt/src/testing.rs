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
use crate::finding::cause::Cause;
use crate::finding::Finding;
use crate::known::Known;
use crate::run::{self, Plan, Quiet};
use crate::{corpus, Codec, CodecRef, Registry};
use std::fmt::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// What [`check_codec_with`] runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// Corpus directory; the built-in one by default.
    pub corpus: PathBuf,
    /// Generated values per check and codec set (0 turns generation off).
    pub generated_cases: u32,
    /// Findings you have accepted, in the known-findings syntax
    /// ([`crate::known`]).
    pub known: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            corpus: corpus::builtin_root(),
            generated_cases: 256,
            known: None,
        }
    }
}

/// What a check run found for one codec.
#[derive(Debug, Default)]
pub struct Report {
    /// Cases run (corpus and generated).
    pub cases: usize,
    /// Passed (a finding the known lists record counts as passed).
    pub passed: usize,
    /// Did not apply, or disagreements where a built-in reference is recorded as wrong.
    pub skipped: usize,
    /// Unexpected findings, corpus and generated, each with its case.
    pub findings: Vec<(String, Finding)>,
}

impl Report {
    /// The findings grouped into causes (by signature), in the order each
    /// first showed.
    pub fn causes(&self) -> Vec<Cause<'_>> {
        crate::finding::cause::group(self.findings.iter().map(|(c, f)| (c.as_str(), f)))
    }

    /// The causes first, one line each with their count; then each cause's
    /// smallest finding in full, with its reproduce command and up to a few
    /// other cases it showed on; then the totals.
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

/// Runs every default check against `codec` with default options and
/// panics with the findings, if any. For a `#[test]`.
pub fn check_codec<C: Codec + 'static>(codec: C) {
    let report = check_codec_with(Arc::new(codec), &Options::default())
        .unwrap_or_else(|e| panic!("crossfmt could not run: {e}"));
    if !report.findings.is_empty() {
        panic!("crossfmt found problems:\n\n{}", report.render());
    }
}

/// Runs every default check against `codec`; returns the report (or an
/// error naming the file when the corpus or a known-findings list cannot be
/// read).
pub fn check_codec_with(codec: CodecRef, opts: &Options) -> Result<Report, String> {
    let mut codecs: Vec<CodecRef> = Registry::builtin()
        .all()
        .iter()
        .filter(|c| c.id() != codec.id())
        .cloned()
        .collect();
    codecs.push(codec.clone());
    let registry = Registry::new(codecs);
    let corpus = corpus::load(&opts.corpus).map_err(|e| e.to_string())?;
    let builtin = Known::load(&Known::builtin_path()).map_err(|e| e.to_string())?;
    let mut known = match &opts.known {
        Some(p) => Known::load(p).map_err(|e| e.to_string())?,
        None => Known::default(),
    };
    let cases = run::cases(&corpus);
    let plan = Plan {
        checks: check::defaults(),
        focus: Some(codec.id().to_string()),
    };
    let out = run::run(&registry, &cases, &plan, &known, &mut Quiet);
    let mut report = Report::default();
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
    known.extend(builtin);
    #[cfg(feature = "proptest")]
    if opts.generated_cases > 0 {
        generated(&registry, &codec, opts.generated_cases, &known, &mut report)?;
    }
    Ok(report)
}

/// Generated values within the codec's capabilities through every default
/// value check it takes part in; proptest shrinks a failure to a minimal
/// value before it is reported. A finding the known lists record (the
/// reference's bug) does not fail the property.
#[cfg(feature = "proptest")]
fn generated(
    registry: &Registry,
    codec: &CodecRef,
    cases: u32,
    known: &Known,
    report: &mut Report,
) -> Result<(), String> {
    use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let value_checks = check::defaults()
        .into_iter()
        .filter(|c| c.input == check::InputKind::Value);
    // A struct layout's values are shaped by its format, not its caps.
    let one_model: Vec<CodecRef> = registry
        .all()
        .iter()
        .filter(|c| !c.format().has_schema())
        .cloned()
        .collect();
    for c in value_checks {
        for app in c.applications(&one_model) {
            if !app.iter().any(|x| x.id() == codec.id()) {
                continue;
            }
            let refs: Vec<&dyn Codec> = app.iter().map(|x| x.as_ref()).collect();
            let caps = refs
                .iter()
                .skip(1)
                .fold(refs[0].caps(), |m, x| m.meet(&x.caps()));
            // Two models with nothing in common: nothing to compare.
            if !crate::strategy::generates(&caps) {
                continue;
            }
            let unknown = |v: &crate::Value| match c.run(&refs, &check::Input::Value(v.clone())) {
                Err(f) if known.find(&f, "generated").is_none() => Some(f),
                _ => None,
            };
            let mut runner = TestRunner::new(config.clone());
            let result = runner.run(&crate::strategy::value_for(&caps), |v| match unknown(&v) {
                Some(f) => Err(TestCaseError::fail(f.signature())),
                None => Ok(()),
            });
            report.cases += cases as usize;
            match result {
                Ok(()) => report.passed += cases as usize,
                // Re-run on the shrunk value to report its finding.
                Err(TestError::Fail(_, minimal)) => {
                    if let Some(f) = unknown(&minimal) {
                        report.findings.push(("generated (shrunk)".to_string(), *f));
                    }
                }
                Err(TestError::Abort(why)) => {
                    return Err(format!("value generation for {} aborted: {why}", c.name))
                }
            }
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
