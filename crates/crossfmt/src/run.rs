//! `crossfmt run`: the selected checks over a corpus for the selected codecs,
//! tallied per check and codec set, with findings sorted into known (with a
//! reason) and unexpected.
//!
//! The jobs come from the check registry ([`crate::check::CHECKS`]): each
//! check's [`applications`](crate::check::Check::applications) over the
//! registry's codecs, times the cases of the check's input kind.

use crate::check::{Arity, Check, InputKind, Verdict};
use crate::corpus::{Corpus, Expect, RegressionInput};
use crate::finding::{Finding, Input};
use crate::known::{Entry, Known};
use crate::{Codec, CodecRef, Format, Registry};
use std::collections::{BTreeMap, BTreeSet};

/// One input to a check, named so that findings and known-findings entries
/// can refer to it.
#[derive(Clone, Debug)]
pub struct Case {
    /// The case's name: a corpus file, `<format>/<hash>`, `regressions/<check>/<name>`, or `<case>@<codec>` for an encoding.
    pub name: String,
    /// The input.
    pub input: Input,
    /// What a conforming decoder does with it, for a corpus bytes input
    /// that `MANIFEST.tsv` describes.
    pub expect: Option<Expect>,
    /// The schema bytes are bound to ([`Codec::schema`]): only codecs of
    /// that schema read them.
    pub schema: Option<String>,
}

/// One unit of work: a check on a case for a set of codecs.
struct Job<'a> {
    check: &'static Check,
    codecs: Vec<&'a CodecRef>,
    case: &'a Case,
}

/// Counts for one (check, codec set) row of the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    /// Cases run.
    pub cases: usize,
    /// Passed.
    pub passed: usize,
    /// Made a finding (known ones included).
    pub failed: usize,
    /// Did not apply.
    pub skipped: usize,
    /// Failures the known-findings list records.
    pub known: usize,
}

/// A finding with the case it came from and, when known, its entry.
#[derive(Clone, Debug)]
pub struct Recorded {
    /// The case it was made on.
    pub case: String,
    /// The finding.
    pub finding: Finding,
    /// The known-findings entry that records it, if any.
    pub known: Option<Entry>,
}

/// What a run found.
#[derive(Clone, Debug, Default)]
pub struct Outcome {
    /// The codecs of the run, with their formats.
    pub codecs: Vec<(String, Format)>,
    /// Keyed by (check, codec ids), in the order the checks ran.
    pub tallies: BTreeMap<(usize, String), (&'static str, Vec<String>, Tally)>,
    /// Every finding, in the order made.
    pub findings: Vec<Recorded>,
    /// Known-findings entries for corpus cases of this run that matched
    /// nothing: the library was fixed, or the entry is wrong.
    pub stale: Vec<Entry>,
}

impl Outcome {
    /// Unexpected findings plus stale entries: non-zero fails the run.
    pub fn unexpected(&self) -> usize {
        self.findings.iter().filter(|f| f.known.is_none()).count() + self.stale.len()
    }

    /// The summary rows: check, codec ids, counts.
    pub fn rows(&self) -> impl Iterator<Item = (&'static str, &[String], &Tally)> {
        self.tallies
            .values()
            .map(|(c, ids, t)| (*c, ids.as_slice(), t))
    }
}

/// The named cases a corpus provides: its values and byte inputs, and its
/// regression inputs (named `regressions/<check>/<name>`), which every check
/// of their kind replays, and the stress probes (named `stress/<probe>`),
/// which the corpus does not hold because each codec builds them. Raw fuzz
/// inputs (`regressions/<target>/`) are the regression replay's
/// ([`crate::fuzz::run_target`]).
pub fn cases(corpus: &Corpus) -> Vec<Case> {
    let mut out: Vec<Case> = corpus
        .values
        .iter()
        .map(|c| Case {
            name: c.name.clone(),
            input: Input::Value(c.value.clone()),
            expect: None,
            schema: None,
        })
        .collect();
    out.extend(corpus.bytes.iter().map(|c| Case {
        name: format!("{}/{}", c.format, c.name),
        input: Input::bytes(c.format, &c.bytes),
        expect: c.expect,
        schema: None,
    }));
    for r in &corpus.regressions {
        if let RegressionInput::Check(input) = &r.input {
            out.push(Case {
                name: format!("regressions/{}/{}", r.check, r.name),
                input: input.clone(),
                expect: None,
                schema: None,
            });
        }
    }
    out.extend(crate::probe::PROBES.into_iter().map(|p| Case {
        name: format!("{}/{}", crate::check::STRESS, p.name),
        input: Input::Probe(p),
        expect: None,
        schema: None,
    }));
    out
}

/// What a run reports while it goes: findings as they are made (so an
/// interrupted run has already shown them) and progress.
pub trait Observer {
    /// `done` of `total` jobs are done.
    fn progress(&mut self, _done: u64, _total: u64) {}
    /// A finding was just made.
    fn finding(&mut self, _r: &Recorded) {}
    /// True once the run should stop early (the command line sets it on
    /// SIGINT/SIGTERM); what was done so far is still reported.
    fn interrupted(&self) -> bool {
        false
    }
}

/// An observer that watches nothing.
pub struct Quiet;
impl Observer for Quiet {}

/// What to run.
#[derive(Clone, Debug)]
pub struct Plan {
    /// The checks, in the order they run.
    pub checks: Vec<&'static Check>,
    /// When set, only jobs involving this codec: its round trips, its pairs
    /// with every other codec and with each other implementation of its
    /// format.
    pub focus: Option<String>,
}

impl Plan {
    /// Every default check ([`crate::check::defaults`]), no focus.
    pub fn default_checks() -> Plan {
        Plan {
            checks: crate::check::defaults(),
            focus: None,
        }
    }
}

/// The applications of `check` over `codecs` that the plan keeps.
fn applications<'a>(
    check: &Check,
    codecs: &'a [CodecRef],
    focus: Option<&str>,
) -> Vec<Vec<&'a CodecRef>> {
    let all = check.applications(codecs);
    let Some(me) = focus else { return all };
    let mine = |app: &Vec<&CodecRef>| app.iter().any(|c| c.id() == me);
    match check.arity {
        Arity::Engine => Vec::new(),
        _ => all.into_iter().filter(mine).collect(),
    }
}

/// Whether `case` is an input for `check` applied to `codecs`.
fn fits(check: &Check, codecs: &[&CodecRef], case: &Case) -> bool {
    match (check.input, &case.input) {
        (InputKind::Value, Input::Value(_)) | (InputKind::Probe, Input::Probe(_)) => true,
        (InputKind::Bytes, Input::Bytes { format, .. }) => match codecs.first() {
            Some(c) => c.format() == *format && c.schema() == case.schema.as_deref(),
            None => check.format == Some(*format) && case.schema.is_none(),
        },
        _ => false,
    }
}

/// Runs the plan's checks over the cases; `known` sorts the findings.
pub fn run(
    registry: &Registry,
    cases: &[Case],
    plan: &Plan,
    known: &Known,
    observer: &mut dyn Observer,
) -> Outcome {
    let codecs = registry.all();
    // Every implementation's encoding of every value, for the checks that
    // compare implementations on bytes: the most natural seeds for them.
    let needs_encodings = plan
        .checks
        .iter()
        .any(|c| c.input == InputKind::Bytes && c.arity == Arity::SameFormatPair);
    let encoded = if needs_encodings {
        encodings(registry, cases)
    } else {
        Vec::new()
    };
    let mut jobs: Vec<Job> = Vec::new();
    for &check in &plan.checks {
        for app in applications(check, codecs, plan.focus.as_deref()) {
            let extra = match check.arity {
                Arity::SameFormatPair if check.input == InputKind::Bytes => encoded.as_slice(),
                _ => &[],
            };
            jobs.extend(
                cases
                    .iter()
                    .chain(extra)
                    .filter(|case| fits(check, &app, case))
                    .map(|case| Job {
                        check,
                        codecs: app.clone(),
                        case,
                    }),
            );
        }
    }

    let mut out = Outcome {
        codecs: codecs
            .iter()
            .map(|c| (c.id().to_string(), c.format()))
            .collect(),
        ..Outcome::default()
    };
    // Which corpus-case entries a job could have matched, for staleness.
    let mut seen: BTreeSet<usize> = BTreeSet::new();
    let mut matched: BTreeSet<usize> = BTreeSet::new();
    let total = jobs.len() as u64;
    for (done, job) in jobs.iter().enumerate() {
        if observer.interrupted() {
            break;
        }
        let ids: Vec<String> = job.codecs.iter().map(|c| c.id().to_string()).collect();
        let order = plan
            .checks
            .iter()
            .position(|c| c.name == job.check.name)
            .unwrap_or(0);
        let tally = &mut out
            .tallies
            .entry((order, ids.join("+")))
            .or_insert_with(|| (job.check.name, ids.clone(), Tally::default()))
            .2;
        tally.cases += 1;
        for (i, e) in known.entries.iter().enumerate() {
            if !e.is_cause()
                && e.check == job.check.name
                && e.codecs == ids
                && crate::known::glob(&e.case, &job.case.name)
            {
                seen.insert(i);
            }
        }
        let refs: Vec<&dyn Codec> = job.codecs.iter().map(|c| c.as_ref()).collect();
        let result = job.check.run(&refs, &job.case.input);
        let result = match (result, job.case.expect) {
            (Err(f), Some(expect)) => match crate::check::allowed_by(expect, &f) {
                Some(why) => Ok(Verdict::Skip(why)),
                None => Err(f),
            },
            (r, _) => r,
        };
        match result {
            Ok(Verdict::Pass) => tally.passed += 1,
            Ok(Verdict::Skip(_)) => tally.skipped += 1,
            Err(finding) => {
                tally.failed += 1;
                let hit = known
                    .entries
                    .iter()
                    .position(|e| e.matches(&finding, &job.case.name));
                if let Some(i) = hit {
                    matched.insert(i);
                    tally.known += 1;
                }
                let recorded = Recorded {
                    case: job.case.name.clone(),
                    finding: *finding,
                    known: hit.map(|i| known.entries[i].clone()),
                };
                observer.finding(&recorded);
                out.findings.push(recorded);
            }
        }
        observer.progress(done as u64 + 1, total);
    }
    if !observer.interrupted() {
        out.stale = seen
            .difference(&matched)
            .map(|&i| known.entries[i].clone())
            .collect();
    }
    out
}

/// Each value case encoded by each implementation of every format (and
/// schema) with two or more, named `<case>@<codec>`.
fn encodings(registry: &Registry, cases: &[Case]) -> Vec<Case> {
    let mut out = Vec::new();
    for impls in crate::check::implementations(registry.all()).into_values() {
        if impls.len() < 2 {
            continue;
        }
        for c in impls {
            for case in cases {
                let Input::Value(v) = &case.input else {
                    continue;
                };
                if c.unsupported(v).is_some() {
                    continue;
                }
                if let crate::Outcome::Ok(b) = crate::guard::encode(c.as_ref(), v) {
                    out.push(Case {
                        name: format!("{}@{}", case.name, c.id()),
                        input: Input::bytes(c.format(), &b),
                        expect: None,
                        schema: c.schema().map(str::to_string),
                    });
                }
            }
        }
    }
    out
}

/// Inputs for the codecs bound to a schema no corpus knows (a user's
/// `.proto` message): `n` values drawn from the schema with `seed`
/// ([`Codec::samples`]), named `<codec>/sample-<i>`, and each one's
/// encoding as bytes of that schema (`…@<codec>`), which the bytes-first
/// checks read.
pub fn schema_cases(registry: &Registry, seed: u64, n: usize) -> Vec<Case> {
    let mut out = Vec::new();
    for c in registry.all().iter().filter(|c| c.schema().is_some()) {
        for (i, v) in c.samples(seed, n).into_iter().enumerate() {
            let name = format!("{}/sample-{i}", c.id());
            if let crate::Outcome::Ok(b) = crate::guard::encode(c.as_ref(), &v) {
                out.push(Case {
                    name: format!("{name}@{}", c.id()),
                    input: Input::bytes(c.format(), &b),
                    expect: None,
                    schema: c.schema().map(str::to_string),
                });
            }
            out.push(Case {
                name,
                input: Input::Value(v),
                expect: None,
                schema: None,
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// rmpv reads the reserved marker c1 as nil, rmp-serde refuses it: a
    /// differential finding, unless the corpus calls the input
    /// implementation-defined.
    #[test]
    fn an_either_input_is_no_disagreement_but_still_a_case() {
        let registry = Registry::builtin()
            .select(&["msgpack/rmp-serde".into(), "msgpack/rmpv".into()])
            .unwrap();
        let plan = Plan {
            checks: vec![crate::check::get(crate::check::DIFFERENTIAL).unwrap()],
            focus: None,
        };
        let case = |expect| Case {
            name: "msgpack/c1".into(),
            input: Input::bytes(Format::MsgPack, &[0xc1]),
            expect,
            schema: None,
        };
        let run = |expect| {
            super::run(
                &registry,
                &[case(expect)],
                &plan,
                &Known::default(),
                &mut Quiet,
            )
        };
        for expect in [None, Some(Expect::Reject), Some(Expect::Accept)] {
            let out = run(expect);
            assert_eq!(out.findings.len(), 1, "{expect:?}");
            assert_eq!(
                out.findings[0].finding.kind,
                crate::finding::Kind::AcceptReject
            );
        }
        let out = run(Some(Expect::Either));
        assert!(out.findings.is_empty(), "{:?}", out.findings);
        let (_, _, tally) = out.rows().next().unwrap();
        assert_eq!((tally.cases, tally.skipped), (1, 1));
    }
}
