//! Rendering a run: the summary table for people, JSON for machines.

pub mod json;

use crate::run::Outcome;
use std::fmt::Write;

/// The codec × check table, one row per check and codec set.
pub fn summary_table(out: &Outcome) -> String {
    let header = [
        "check", "codecs", "cases", "passed", "failed", "known", "skipped",
    ];
    let mut rows: Vec<[String; 7]> = vec![header.map(String::from)];
    for (check, ids, t) in out.rows() {
        rows.push([
            check.to_string(),
            ids.join(" + "),
            t.cases.to_string(),
            t.passed.to_string(),
            t.failed.to_string(),
            t.expected.to_string(),
            t.skipped.to_string(),
        ]);
    }
    let widths: Vec<usize> = (0..7)
        .map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0))
        .collect();
    let mut s = String::new();
    for (n, r) in rows.iter().enumerate() {
        for (i, cell) in r.iter().enumerate() {
            let pad = widths[i] - cell.chars().count();
            if i >= 2 {
                let _ = write!(s, "{}{}  ", " ".repeat(pad), cell);
            } else {
                let _ = write!(s, "{}{}  ", cell, " ".repeat(pad));
            }
        }
        s.truncate(s.trim_end().len());
        s.push('\n');
        if n == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * 6;
            s.push_str(&"-".repeat(total));
            s.push('\n');
        }
    }
    s
}

/// The closing lines: totals, and what makes the run fail.
pub fn verdict(out: &Outcome) -> String {
    let (mut cases, mut passed, mut failed, mut skipped, mut known) = (0, 0, 0, 0, 0);
    for (_, _, t) in out.rows() {
        cases += t.cases;
        passed += t.passed;
        failed += t.failed;
        skipped += t.skipped;
        known += t.expected;
    }
    let mut s = format!(
        "{cases} cases: {passed} passed, {failed} failed ({known} known), {skipped} skipped\n"
    );
    if !out.stale.is_empty() {
        let _ = writeln!(
            s,
            "{} expected finding(s) no longer occur — remove them from the list:",
            out.stale.len()
        );
        for e in &out.stale {
            let _ = writeln!(s, "  line {}: {e}", e.line);
        }
    }
    let unexpected = out.unexpected();
    if unexpected == 0 {
        s.push_str("result: ok, nothing unexpected\n");
    } else {
        let _ = writeln!(s, "result: {unexpected} unexpected");
    }
    s
}
