//! `summary.json` and `summary.md`.

use super::libfuzzer::Stats;
use serde::Serialize;
use std::fmt::Write as _;

/// One crash, after minimisation and deduplication.
#[derive(Clone, Debug, Default, Serialize)]
pub struct CrashReport {
    pub target: String,
    /// The deduplication key.
    pub signature: String,
    /// `finding`, `panic`, `stack-overflow`, `timeout`, …
    pub kind: String,
    pub title: String,
    /// Not seen before (neither in corpus/regressions nor earlier this run).
    pub new: bool,
    /// The target was run with `--expect-crash` (a planted bug).
    pub expected: bool,
    pub minimized: bool,
    /// The libFuzzer artifact this came from.
    pub artifact: String,
    /// Where the input was saved (relative to the repository root).
    pub saved_as: Option<String>,
    /// `cargo +nightly fuzz run <target> <saved file>`.
    pub reproduce: String,
    /// The `repro` of the CROSSFMT-FINDING line, when there was one.
    pub crossfmt_repro: Option<String>,
    pub detail: Option<String>,
    pub input_len: usize,
    pub input_hex: String,
    /// The decoded input in diagnostic notation, for targets that decode bytes.
    pub input_diag: Option<String>,
}

/// One target's run.
#[derive(Clone, Debug, Default, Serialize)]
pub struct TargetReport {
    pub name: String,
    /// `ok`, `crashed`, `interrupted`, `not run`, or an error.
    pub status: String,
    pub expect_crash: bool,
    pub budget_seconds: u64,
    pub duration_seconds: f64,
    #[serde(flatten)]
    pub stats: Stats,
    pub corpus_before: usize,
    pub corpus_after: usize,
    pub merged: bool,
    pub log: String,
    pub crashes: Vec<CrashReport>,
}

/// The whole night.
#[derive(Clone, Debug, Default, Serialize)]
pub struct Summary {
    pub started_unix: u64,
    pub duration_seconds: f64,
    /// `None`, or why the run was cut short (`signal`, `time limit`).
    pub interrupted: Option<String>,
    pub seed: Option<u64>,
    pub minutes: f64,
    pub jobs: usize,
    pub toolchain: String,
    pub targets: Vec<TargetReport>,
    /// Distinct new crashes in targets not expected to crash.
    pub new_crashes: usize,
    /// Targets run with `--expect-crash` that did not crash.
    pub missed_expected: Vec<String>,
    /// Findings the ledger had as fixed that this run saw again.
    pub regressed: usize,
    pub exit_code: u8,
    /// The findings ledger after this run.
    pub ledger: Option<LedgerReport>,
    /// What `--coverage` measured.
    pub coverage: Option<super::coverage::CoverageReport>,
}

/// The findings ledger as the summary carries it.
#[derive(Clone, Debug, Default, Serialize)]
pub struct LedgerReport {
    /// `ledger.json`.
    pub path: String,
    /// `ledger.sarif`, its open entries for code-scanning UIs.
    pub sarif: String,
    /// Entries by status.
    pub counts: std::collections::BTreeMap<String, usize>,
    pub entries: Vec<LedgerRow>,
}

/// One ledger entry with its signature.
#[derive(Clone, Debug, Serialize)]
pub struct LedgerRow {
    pub signature: String,
    #[serde(flatten)]
    pub entry: super::ledger::Entry,
}

/// Unix seconds as `2026-12-07 05:44 UTC`.
pub fn date(unix: u64) -> String {
    chrono::DateTime::from_timestamp(unix as i64, 0).map_or_else(
        || unix.to_string(),
        |d| d.format("%Y-%m-%d %H:%M UTC").to_string(),
    )
}

impl Summary {
    /// 0 nothing new; 1 a new distinct crash, a fixed one back, or a
    /// planted bug not found.
    pub fn verdict(&self) -> u8 {
        u8::from(self.new_crashes > 0 || self.regressed > 0 || !self.missed_expected.is_empty())
    }
}

fn opt(v: Option<u64>) -> String {
    v.map_or("–".into(), |v| v.to_string())
}

fn md_cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn cut(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        format!("{}…", s.chars().take(max).collect::<String>())
    }
}

/// The Markdown rendering of the summary.
pub fn render_markdown(s: &Summary) -> String {
    let mut m = String::new();
    let _ = writeln!(m, "# crossfmt fuzz summary\n");
    let _ = writeln!(
        m,
        "{} targets, {:.1} min budget, {} job(s), seed {}, {}, took {:.0} s{}.\n",
        s.targets.len(),
        s.minutes,
        s.jobs,
        s.seed.map_or("random".into(), |x| x.to_string()),
        s.toolchain,
        s.duration_seconds,
        s.interrupted
            .as_ref()
            .map_or(String::new(), |r| format!(", **interrupted ({r})**"))
    );
    let verdict = match (s.new_crashes, s.missed_expected.is_empty()) {
        (0, true) => "**No new crashes.**".to_string(),
        (n, true) => format!("**{n} new distinct crash(es).**"),
        (n, false) => format!(
            "**{n} new distinct crash(es); planted bug NOT found in: {}.**",
            s.missed_expected.join(", ")
        ),
    };
    let back = if s.regressed > 0 {
        format!(" **{} fixed finding(s) back (regressed).**", s.regressed)
    } else {
        String::new()
    };
    let _ = writeln!(m, "{verdict}{back} Exit status {}.\n", s.exit_code);
    let _ = writeln!(
        m,
        "| target | status | seconds | execs | exec/s | cov | ft | corpus before → after | peak RSS MB | crashes |"
    );
    let _ = writeln!(m, "|---|---|---:|---:|---:|---:|---:|---:|---:|---:|");
    for t in &s.targets {
        let status = if t.expect_crash {
            format!("{} (expects crash)", t.status)
        } else {
            t.status.clone()
        };
        let _ = writeln!(
            m,
            "| {} | {} | {:.0} | {} | {} | {} | {} | {} → {} | {} | {} |",
            t.name,
            md_cell(&status),
            t.duration_seconds,
            opt(t.stats.execs),
            opt(t.stats.exec_per_sec),
            opt(t.stats.cov),
            opt(t.stats.ft),
            t.corpus_before,
            t.corpus_after,
            opt(t.stats.peak_rss_mb),
            t.crashes.len()
        );
    }
    if let Some(l) = &s.ledger {
        let _ = writeln!(m, "\n## Findings ledger\n");
        let counts: Vec<String> = l.counts.iter().map(|(k, n)| format!("{n} {k}")).collect();
        let _ = writeln!(
            m,
            "{} signature(s): {}. `{}`, open ones as SARIF in `{}`.\n",
            l.entries.len(),
            if counts.is_empty() {
                "none yet".to_string()
            } else {
                counts.join(", ")
            },
            l.path,
            l.sarif
        );
        if !l.entries.is_empty() {
            let _ = writeln!(
                m,
                "| status | runs seen | first seen | last seen | target | what |\n|---|---:|---|---|---|---|"
            );
        }
        let mut rows: Vec<&LedgerRow> = l.entries.iter().collect();
        rows.sort_by_key(|r| (r.entry.status, std::cmp::Reverse(r.entry.last_seen)));
        for r in rows {
            let e = &r.entry;
            let _ = writeln!(
                m,
                "| {} | {} | {} | {} | {} | {} |",
                e.status.name(),
                e.times_seen,
                date(e.first_seen),
                date(e.last_seen),
                e.target,
                md_cell(&cut(&e.title, 200))
            );
        }
    }
    if let Some(c) = &s.coverage {
        super::coverage::render_markdown(&mut m, c);
    }
    let crashes: Vec<&CrashReport> = s.targets.iter().flat_map(|t| &t.crashes).collect();
    if !crashes.is_empty() {
        let _ = writeln!(m, "\n## Crashes\n");
    }
    for c in crashes {
        let tag = match (c.expected, c.new) {
            (true, _) => "expected (planted)",
            (false, true) => "NEW",
            (false, false) => "known",
        };
        let _ = writeln!(m, "### {} — {} [{tag}]\n", c.target, md_cell(&c.title));
        let _ = writeln!(m, "- signature: `{}`", c.signature);
        if let Some(d) = &c.detail {
            let _ = writeln!(m, "- detail: {}", md_cell(d));
        }
        let _ = writeln!(
            m,
            "- input ({} bytes{}): `{}`",
            c.input_len,
            if c.minimized { ", minimised" } else { "" },
            cut(&c.input_hex, 512)
        );
        if let Some(d) = &c.input_diag {
            let _ = writeln!(m, "- decoded: `{}`", md_cell(&cut(d, 512)));
        }
        if let Some(p) = &c.saved_as {
            let _ = writeln!(m, "- saved as `{p}`");
        }
        let _ = writeln!(m, "- reproduce: `{}`", c.reproduce);
        if let Some(r) = &c.crossfmt_repro {
            let _ = writeln!(m, "- crossfmt: `{}`", md_cell(r));
        }
        let _ = writeln!(m);
    }
    m
}
