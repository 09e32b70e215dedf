//! Rendering a run: the summary table for people, JSON for machines.

pub mod bench_cli;
pub mod bench_meta;
pub mod bench_model;
pub mod bench_plot;
pub mod bench_render;
pub mod conformance_json;
pub mod json;
pub mod junit;
pub mod matrix_html;
pub mod matrix_md;
pub mod sarif;

use crossfmt::run::Outcome;
use std::fmt::Write;

/// The codec × check table, one row per check and codec set.
pub fn summary_table(out: &Outcome) -> String {
    let header = [
        "check", "codecs", "cases", "passed", "failed", "known", "skipped",
    ];
    let mut rows: Vec<Vec<String>> = vec![header.map(String::from).to_vec()];
    for (check, ids, t) in out.rows() {
        rows.push(vec![
            check.to_string(),
            ids.join(" + "),
            t.cases.to_string(),
            t.passed.to_string(),
            t.failed.to_string(),
            t.known.to_string(),
            t.skipped.to_string(),
        ]);
    }
    table(&rows, 2)
}

/// The findings grouped into causes (one row per signature: how many, and
/// whether known), unexpected causes first; known ones only with
/// `show_known`, else as one count. Empty when there is no finding.
pub fn causes_table(out: &Outcome, show_known: bool) -> String {
    let causes =
        crossfmt::finding::cause::group(out.findings.iter().map(|r| (r.case.as_str(), &r.finding)));
    if causes.is_empty() {
        return String::new();
    }
    let known_of = |sig: &str| {
        out.findings
            .iter()
            .find(|r| r.finding.signature() == sig)
            .and_then(|r| r.known.as_ref())
    };
    let mut rows: Vec<Vec<String>> = vec![["cause (signature)", "status", "findings"]
        .map(String::from)
        .to_vec()];
    let mut known_causes = 0;
    let (unexpected, known): (Vec<_>, Vec<_>) = causes
        .iter()
        .partition(|c| known_of(&c.signature).is_none());
    for c in unexpected {
        rows.push(vec![
            c.signature.clone(),
            "UNEXPECTED".into(),
            c.count().to_string(),
        ]);
    }
    for c in known {
        known_causes += 1;
        if show_known {
            rows.push(vec![
                c.signature.clone(),
                "known".into(),
                c.count().to_string(),
            ]);
        }
    }
    let mut s = String::new();
    if rows.len() > 1 {
        s.push_str(&table(&rows, 2));
    }
    if !show_known && known_causes > 0 {
        let _ = writeln!(s, "{known_causes} known cause(s) (--show-known lists them)");
    }
    s.push('\n');
    s
}

pub use crossfmt::text::table;

/// Writes `contents` to `path` atomically (a reader never sees half a
/// file), creating the directory it goes in.
pub fn write_atomic(path: &std::path::Path, contents: &[u8]) -> std::io::Result<()> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".partial");
    std::fs::write(&tmp, contents)?;
    std::fs::rename(&tmp, path)
}

/// The closing lines: totals, and what makes the run fail.
pub fn verdict(out: &Outcome) -> String {
    let (mut cases, mut passed, mut failed, mut skipped, mut known) = (0, 0, 0, 0, 0);
    for (_, _, t) in out.rows() {
        cases += t.cases;
        passed += t.passed;
        failed += t.failed;
        skipped += t.skipped;
        known += t.known;
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

#[cfg(test)]
mod write_tests {
    #[test]
    fn write_atomic_creates_the_directory_and_leaves_no_partial_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a/b/report.xml");
        super::write_atomic(&path, b"<x/>").unwrap();
        assert_eq!(std::fs::read(&path).unwrap(), b"<x/>");
        let names: Vec<_> = std::fs::read_dir(path.parent().unwrap()).unwrap().collect();
        assert_eq!(names.len(), 1);
    }
}
