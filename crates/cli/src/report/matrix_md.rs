//! The conformance matrix as Markdown (`--markdown`): the summary table, the
//! verdict, the pruned matrix (cases with the same row of outcomes across
//! implementations grouped; all-pass groups folded into one line) and the
//! failures that fail the run, one line each.

use crossfmt::conformance::matrix::{Group, Matrix};
use std::fmt::Write;

/// Failing lines listed before the rest is left to the JSON.
const MAX_FAILURE_LINES: usize = 200;
/// Case ids shown per group.
const IDS_SHOWN: usize = 5;

/// Text in a code span, fenced with more backticks than it contains in a row.
fn code(s: &str) -> String {
    let longest = s.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    format!("{fence} {s} {fence}")
}

fn row(cells: &[String]) -> String {
    format!("| {} |\n", cells.join(" | "))
}

fn table(rows: &[Vec<String>]) -> String {
    let mut s = row(&rows[0]);
    s.push_str(&row(&vec!["---".to_string(); rows[0].len()]));
    for r in &rows[1..] {
        s.push_str(&row(r));
    }
    s
}

/// The first ids of a group, then how many more.
pub fn ids_preview(m: &Matrix, g: &Group, shown: usize) -> String {
    let mut ids: Vec<String> = g
        .cases
        .iter()
        .take(shown)
        .map(|&c| m.cases[c].id.clone())
        .collect();
    if g.cases.len() > shown {
        ids.push(format!("… {} more", g.cases.len() - shown));
    }
    ids.join(", ")
}

pub fn render(m: &Matrix) -> String {
    let mut s = String::from("# Conformance\n\n");
    s.push_str(&table(&m.summary_rows()));
    let _ = writeln!(s, "\n{}\n", m.verdict());

    let groups = m.groups();
    let (quiet, loud): (Vec<&Group>, Vec<&Group>) = groups.iter().partition(|g| g.all_pass());
    s.push_str("## Matrix\n\n");
    let quiet_cases: usize = quiet.iter().map(|g| g.cases.len()).sum();
    let _ = writeln!(
        s,
        "{quiet_cases} case(s) pass in every implementation of their format (not shown). \
         {} group(s) of cases with the same outcomes:\n",
        loud.len()
    );
    if !loud.is_empty() {
        let mut rows = vec![["cases", "ids"]
            .iter()
            .map(|h| h.to_string())
            .chain(m.implementations.iter().map(|i| code(&i.id)))
            .collect::<Vec<_>>()];
        for g in &loud {
            rows.push(
                [g.cases.len().to_string(), ids_preview(m, g, IDS_SHOWN)]
                    .into_iter()
                    .chain(g.marks.iter().map(|mk| mk.label()))
                    .collect(),
            );
        }
        s.push_str(&table(&rows));
    }

    let mut lines = Vec::new();
    for (c, case) in m.cases.iter().enumerate() {
        for (i, imp) in m.implementations.iter().enumerate() {
            if let Some(cell) = m.cells[c][i].as_ref().filter(|cell| m.is_fatal(c, cell)) {
                lines.push(format!(
                    "- {} {}: {}",
                    code(&imp.id),
                    code(&case.id),
                    code(&cell.outcome.message)
                ));
            }
        }
    }
    if !lines.is_empty() {
        let _ = writeln!(s, "\n## Failures ({})\n", lines.len());
        let more = lines.len().saturating_sub(MAX_FAILURE_LINES);
        lines.truncate(MAX_FAILURE_LINES);
        s.push_str(&lines.join("\n"));
        s.push('\n');
        if more > 0 {
            let _ = writeln!(s, "\n… and {more} more (see the JSON report).");
        }
    }
    s
}

#[cfg(test)]
mod tests {
    use super::code;

    #[test]
    fn code_spans_outfence_their_content() {
        assert_eq!(code("a"), "` a `");
        assert_eq!(code("a `b` c"), "`` a `b` c ``");
        assert_eq!(code("``"), "``` `` ```");
    }
}
