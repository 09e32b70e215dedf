//! `crossfmt run`: every selected check over a corpus for the selected codecs,
//! tallied per check and codec set, with findings sorted into expected (known,
//! with a reason) and unexpected.

use crate::check::{self, CheckResult, Finding, Verdict};
use crate::corpus::{Corpus, RegressionInput};
use crate::expected::{Entry, Expected};
use crate::Value;
use crate::{Codec, CodecRef, Format, Registry};
use std::collections::{BTreeMap, BTreeSet};

/// One input to a check, named so that findings and expected-findings
/// entries can refer to it.
#[derive(Clone, Debug)]
pub enum CaseInput {
    Value(Value),
    Bytes(Format, Vec<u8>),
}

#[derive(Clone, Debug)]
pub struct Case {
    pub name: String,
    pub input: CaseInput,
}

/// One unit of work: a check on a case for a set of codecs.
struct Job<'a> {
    check: &'static str,
    codecs: Vec<&'a CodecRef>,
    case: &'a Case,
}

/// Counts for one (check, codec set) row of the summary.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Tally {
    pub cases: usize,
    pub passed: usize,
    pub failed: usize,
    pub skipped: usize,
    /// Failures matched by the expected-findings list.
    pub expected: usize,
}

/// A finding with the case it came from and, when known, the recorded reason.
#[derive(Clone, Debug)]
pub struct Recorded {
    pub case: String,
    pub finding: Finding,
    pub expected: Option<Entry>,
}

#[derive(Clone, Debug, Default)]
pub struct Outcome {
    pub codecs: Vec<(String, Format)>,
    /// Keyed by (check, codec ids), in the order the checks ran.
    pub tallies: BTreeMap<(usize, String), (&'static str, Vec<String>, Tally)>,
    pub findings: Vec<Recorded>,
    /// Expected-findings entries that applied to this run but matched nothing.
    pub stale: Vec<Entry>,
}

impl Outcome {
    pub fn unexpected(&self) -> usize {
        self.findings
            .iter()
            .filter(|f| f.expected.is_none())
            .count()
            + self.stale.len()
    }

    pub fn rows(&self) -> impl Iterator<Item = (&'static str, &[String], &Tally)> {
        self.tallies
            .values()
            .map(|(c, ids, t)| (*c, ids.as_slice(), t))
    }
}

/// The named cases a corpus provides: its values and byte inputs, and its
/// regression inputs (named `regressions/<check>/<name>`), which every check
/// of their kind replays.
pub fn cases(corpus: &Corpus) -> (Vec<Case>, Vec<Case>) {
    let mut values: Vec<Case> = corpus
        .values
        .iter()
        .map(|c| Case {
            name: c.name.clone(),
            input: CaseInput::Value(c.value.clone()),
        })
        .collect();
    let mut bytes: Vec<Case> = corpus
        .bytes
        .iter()
        .map(|c| Case {
            name: format!("{}/{}", c.format, c.name),
            input: CaseInput::Bytes(c.format, c.bytes.clone()),
        })
        .collect();
    for r in &corpus.regressions {
        let name = format!("regressions/{}/{}", r.check, r.name);
        match &r.input {
            RegressionInput::Value(v) => values.push(Case {
                name,
                input: CaseInput::Value(v.clone()),
            }),
            RegressionInput::Bytes { format, bytes: b } => bytes.push(Case {
                name,
                input: CaseInput::Bytes(*format, b.clone()),
            }),
            // Raw fuzz inputs: replayed through `fuzz::run_target` by
            // tests/regressions.rs, not through a single check.
            RegressionInput::Target { .. } => {}
        }
    }
    (values, bytes)
}

/// What a run reports while it goes: findings as they are made (so an
/// interrupted run has already shown them) and progress.
pub trait Observer {
    fn progress(&mut self, _done: u64, _total: u64) {}
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
    pub checks: Vec<&'static str>,
    /// When set, only jobs involving this codec: its round trips, its pairs
    /// with every other codec, and the differential check pairwise between it
    /// and each other implementation of its format (so that known
    /// disagreements among the others are not charged to it).
    pub focus: Option<String>,
}

impl Plan {
    pub fn all_checks() -> Plan {
        Plan {
            checks: check::ALL.to_vec(),
            focus: None,
        }
    }
}

/// Runs the plan's checks over the value and bytes cases.
pub fn run(
    registry: &Registry,
    values: &[Case],
    bytes: &[Case],
    plan: &Plan,
    expected: &Expected,
    observer: &mut dyn Observer,
) -> Outcome {
    let checks = plan.checks.as_slice();
    let codecs = registry.all();
    let focused = |c: &CodecRef| plan.focus.as_deref().is_none_or(|f| c.id() == f);
    // Encodings of every value by every implementation of a format with more
    // than one: the most natural seeds for the differential check.
    let encoded = if checks.contains(&check::DIFFERENTIAL) {
        encodings_for_differential(registry, values)
    } else {
        Vec::new()
    };
    let mut jobs: Vec<Job> = Vec::new();
    for &name in checks {
        match name {
            check::ROUNDTRIP => {
                for c in codecs.iter().filter(|c| focused(c)) {
                    jobs.extend(values.iter().map(|case| Job {
                        check: name,
                        codecs: vec![c],
                        case,
                    }));
                }
            }
            check::ROUNDTRIP_BYTES => {
                for c in codecs.iter().filter(|c| focused(c)) {
                    jobs.extend(
                        bytes
                            .iter()
                            .filter(|case| matches!(case.input, CaseInput::Bytes(f, _) if f == c.format()))
                            .map(|case| Job { check: name, codecs: vec![c], case }),
                    );
                }
            }
            check::CROSS_FORMAT => {
                for (i, a) in codecs.iter().enumerate() {
                    for b in &codecs[i + 1..] {
                        if !focused(a) && !focused(b) {
                            continue;
                        }
                        jobs.extend(values.iter().map(|case| Job {
                            check: name,
                            codecs: vec![a, b],
                            case,
                        }));
                    }
                }
            }
            check::DIFFERENTIAL => {
                // Schema-driven codecs of one format hold different schemas:
                // their differential is `check::schema_differential`.
                for f in Format::ALL.into_iter().filter(|f| !f.has_schema()) {
                    let impls: Vec<&CodecRef> = codecs.iter().filter(|c| c.format() == f).collect();
                    if impls.len() < 2 {
                        continue;
                    }
                    let groups: Vec<Vec<&CodecRef>> = match impls.iter().find(|c| focused(c)) {
                        _ if plan.focus.is_none() => vec![impls.clone()],
                        Some(me) => impls
                            .iter()
                            .filter(|c| c.id() != me.id())
                            .map(|other| vec![*me, *other])
                            .collect(),
                        None => Vec::new(),
                    };
                    for group in groups {
                        jobs.extend(
                            bytes
                                .iter()
                                .chain(&encoded)
                                .filter(
                                    |case| matches!(case.input, CaseInput::Bytes(g, _) if g == f),
                                )
                                .map(|case| Job {
                                    check: name,
                                    codecs: group.clone(),
                                    case,
                                }),
                        );
                    }
                }
            }
            other => unreachable!("unknown check {other} (the CLI validates names)"),
        }
    }

    let mut out = Outcome {
        codecs: codecs
            .iter()
            .map(|c| (c.id().to_string(), c.format()))
            .collect(),
        ..Outcome::default()
    };
    // Which cases each expected entry could have matched, for staleness.
    let mut seen: BTreeSet<usize> = BTreeSet::new();
    let mut matched: BTreeSet<usize> = BTreeSet::new();
    let total = jobs.len() as u64;
    for (done, job) in jobs.iter().enumerate() {
        let ids: Vec<String> = job.codecs.iter().map(|c| c.id().to_string()).collect();
        let order = checks.iter().position(|c| *c == job.check).unwrap_or(0);
        let row = out
            .tallies
            .entry((order, ids.join("+")))
            .or_insert_with(|| (job.check, ids.clone(), Tally::default()));
        let tally = &mut row.2;
        tally.cases += 1;
        for (i, e) in expected.entries.iter().enumerate() {
            if e.matches(job.check, &ids, &job.case.name) {
                seen.insert(i);
            }
        }
        match run_job(job) {
            Ok(Verdict::Pass) => tally.passed += 1,
            Ok(Verdict::Skip(_)) => tally.skipped += 1,
            Err(finding) => {
                tally.failed += 1;
                let hit = expected
                    .entries
                    .iter()
                    .position(|e| e.matches(job.check, &ids, &job.case.name));
                if let Some(i) = hit {
                    matched.insert(i);
                    tally.expected += 1;
                }
                let recorded = Recorded {
                    case: job.case.name.clone(),
                    finding: *finding,
                    expected: hit.map(|i| expected.entries[i].clone()),
                };
                observer.finding(&recorded);
                out.findings.push(recorded);
            }
        }
        observer.progress(done as u64 + 1, total);
    }
    out.stale = seen
        .difference(&matched)
        .map(|&i| expected.entries[i].clone())
        .collect();
    out
}

fn run_job(job: &Job) -> CheckResult {
    let codecs: Vec<&dyn Codec> = job.codecs.iter().map(|c| c.as_ref()).collect();
    match (&job.case.input, job.check) {
        (CaseInput::Value(v), check::ROUNDTRIP) => check::roundtrip::value_first(codecs[0], v),
        (CaseInput::Value(v), check::CROSS_FORMAT) => {
            check::cross_format::pair(codecs[0], codecs[1], v)
        }
        (CaseInput::Bytes(_, b), check::ROUNDTRIP_BYTES) => {
            check::roundtrip::bytes_first(codecs[0], b)
        }
        (CaseInput::Bytes(_, b), check::DIFFERENTIAL) => {
            check::differential::same_bytes(&codecs, b)
        }
        _ => unreachable!("jobs pair each check with its input kind"),
    }
}

fn encodings_for_differential(registry: &Registry, values: &[Case]) -> Vec<Case> {
    let mut out = Vec::new();
    for f in Format::ALL.into_iter().filter(|f| !f.has_schema()) {
        let impls = registry.of_format(f);
        if impls.len() < 2 {
            continue;
        }
        for c in &impls {
            for case in values {
                let CaseInput::Value(v) = &case.input else {
                    continue;
                };
                if c.unsupported(v).is_some() {
                    continue;
                }
                if let check::Outcome::Ok(b) = check::encode(c.as_ref(), v) {
                    out.push(Case {
                        name: format!("{}@{}", case.name, c.id()),
                        input: CaseInput::Bytes(f, b),
                    });
                }
            }
        }
    }
    out
}
