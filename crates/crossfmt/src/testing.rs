//! The entry point for codec authors: one call in a `#[test]` runs every
//! check against your codec — over the built-in corpus, over generated values
//! (with shrinking), against every built-in codec, and differentially against
//! the built-in implementations of your format.
//!
//! ```no_run
//! # use crossfmt::{Caps, Codec, CodecError, Format, Value};
//! struct MyCodec;
//! impl Codec for MyCodec {
//!     fn id(&self) -> &str { "msgpack/my-codec" }
//!     fn format(&self) -> Format { Format::MsgPack }
//!     fn caps(&self) -> Caps { Caps { null: true, bool: true, ..Caps::NONE } }
//!     fn encode(&self, v: &Value) -> Result<Vec<u8>, CodecError> { todo!() }
//!     fn decode(&self, b: &[u8]) -> Result<Value, CodecError> { todo!() }
//! }
//! #[test]
//! fn crossfmt_checks() {
//!     crossfmt::testing::check_codec(MyCodec);
//! }
//! ```

use crate::check::{self, Finding};
use crate::corpus;
use crate::expected::Expected;
use crate::run::{self, Plan, Quiet};
use crate::{Codec, CodecRef, Registry};
use std::fmt::Write;
use std::path::PathBuf;
use std::sync::Arc;

/// What [`check_codec_with`] runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// Corpus directory; the built-in one by default.
    pub corpus: PathBuf,
    /// Generated values per property (0 turns generation off).
    pub generated_cases: u32,
    /// Findings you have accepted, in the expected-findings format.
    pub expected: Option<PathBuf>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            corpus: corpus::builtin_root(),
            generated_cases: 256,
            expected: None,
        }
    }
}

/// What a check run found for one codec.
#[derive(Debug, Default)]
pub struct Report {
    pub cases: usize,
    pub passed: usize,
    pub skipped: usize,
    /// Unexpected findings, corpus and generated.
    pub findings: Vec<(String, Finding)>,
}

impl Report {
    /// The findings, readable, each with its reproduce command.
    pub fn render(&self) -> String {
        let mut s = String::new();
        for (case, f) in &self.findings {
            let _ = writeln!(s, "case {case}\n{f}\n");
        }
        let _ = write!(
            s,
            "{} cases: {} passed, {} findings, {} skipped",
            self.cases,
            self.passed,
            self.findings.len(),
            self.skipped
        );
        s
    }
}

/// Runs every check against `codec` with default options and panics with
/// the findings, if any. For a `#[test]`.
pub fn check_codec<C: Codec + 'static>(codec: C) {
    let report = check_codec_with(Arc::new(codec), &Options::default())
        .unwrap_or_else(|e| panic!("crossfmt could not run: {e}"));
    if !report.findings.is_empty() {
        panic!("crossfmt found problems:\n\n{}", report.render());
    }
}

/// Runs every check against `codec`; returns the report (or an error when the
/// corpus or expected list cannot be read).
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
    let expected = match &opts.expected {
        Some(p) => Expected::load(p).map_err(|e| e.to_string())?,
        None => Expected::default(),
    };
    let (values, bytes) = run::cases(&corpus);
    let plan = Plan {
        checks: check::ALL.to_vec(),
        focus: Some(codec.id().to_string()),
    };
    let out = run::run(&registry, &values, &bytes, &plan, &expected, &mut Quiet);
    let mut report = Report::default();
    for (_, _, t) in out.rows() {
        report.cases += t.cases;
        report.passed += t.passed;
        report.skipped += t.skipped;
    }
    // A disagreement with a built-in codec on an input where that codec is
    // already recorded as wrong is the reference's bug, not yours.
    let builtin_known = Expected::load(&Expected::builtin_path()).map_err(|e| e.to_string())?;
    let reference_wrong = |r: &run::Recorded| {
        builtin_known.entries.iter().any(|e| {
            crate::expected::glob(&e.case, &r.case)
                && e.codecs
                    .iter()
                    .any(|c| c != codec.id() && r.finding.codecs.contains(c))
        })
    };
    for r in out.findings {
        if r.expected.is_some() {
            continue;
        }
        if reference_wrong(&r) {
            report.skipped += 1;
        } else {
            report.findings.push((r.case, r.finding));
        }
    }
    #[cfg(feature = "proptest")]
    if opts.generated_cases > 0 {
        generated(&registry, &codec, opts.generated_cases, &mut report);
    }
    Ok(report)
}

/// Generated values within the codec's capabilities through its round trip
/// and each pair with another codec; proptest shrinks a failure to a minimal
/// value before it is reported.
#[cfg(feature = "proptest")]
fn generated(registry: &Registry, codec: &CodecRef, cases: u32, report: &mut Report) {
    use proptest::test_runner::{Config, TestCaseError, TestError, TestRunner};
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    let others: Vec<CodecRef> = registry
        .all()
        .iter()
        .filter(|c| c.id() != codec.id())
        .cloned()
        .collect();
    let property = |v: crate::Value| -> Result<(), TestCaseError> {
        let mut results = vec![check::roundtrip::value_first(codec.as_ref(), &v)];
        results.extend(
            others
                .iter()
                .map(|o| check::cross_format::pair(codec.as_ref(), o.as_ref(), &v)),
        );
        for r in results {
            if let Err(f) = r {
                return Err(TestCaseError::fail(f.to_string()));
            }
        }
        Ok(())
    };
    let mut runner = TestRunner::new(config);
    let result = runner.run(&crate::strategy::value_for(&codec.caps()), property);
    report.cases += cases as usize;
    match result {
        Ok(()) => report.passed += cases as usize,
        Err(TestError::Fail(_, minimal)) => {
            // Re-run on the shrunk value to report its finding, not the first one.
            let mut found = check::roundtrip::value_first(codec.as_ref(), &minimal).err();
            for o in &others {
                if found.is_some() {
                    break;
                }
                found = check::cross_format::pair(codec.as_ref(), o.as_ref(), &minimal).err();
            }
            if let Some(f) = found {
                report.findings.push(("generated (shrunk)".to_string(), *f));
            }
        }
        Err(TestError::Abort(why)) => report.findings.push((
            "generated".to_string(),
            Finding::new(
                check::ROUNDTRIP,
                &[codec.as_ref()],
                check::Input::Value(crate::Value::Null),
            )
            .detail(format!("value generation aborted: {why}")),
        )),
    }
}
