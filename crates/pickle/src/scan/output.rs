//! Scan reports as text and JSON (the command line adds SARIF 2.1.0).

use super::Report;
use std::fmt::Write as _;

/// One block per file: the verdict line, then one line per finding.
pub fn text(reports: &[Report]) -> String {
    let mut out = String::new();
    for r in reports {
        let _ = writeln!(
            out,
            "{}: {} ({}, {} bytes, {} ops)",
            r.path, r.verdict, r.container, r.bytes, r.ops
        );
        for f in &r.findings {
            let place = if f.location.is_empty() {
                String::new()
            } else {
                format!(" in {}", f.location)
            };
            let _ = writeln!(
                out,
                "  {:<10} offset {}{place}: {}",
                f.severity.to_string(),
                f.offset,
                f.message
            );
        }
        if r.findings_dropped > 0 {
            let _ = writeln!(out, "  ... and {} more findings", r.findings_dropped);
        }
    }
    out
}

/// `{"files": [Report...]}` — see [`Report`] for the fields.
pub fn json(reports: &[Report]) -> String {
    serde_json::to_string_pretty(&serde_json::json!({ "files": reports }))
        .expect("reports serialise")
}
