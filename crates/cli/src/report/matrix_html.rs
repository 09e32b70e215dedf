//! The conformance matrix as one static, self-contained HTML page
//! (`--html DIR` writes DIR/index.html): the summary per implementation, then
//! the pruned matrix. Cases whose row of outcomes across implementations is
//! identical form one group (its size, its ids collapsed); all-pass groups
//! are folded away; each other group opens onto its cases: source, level,
//! input hex, expectation, and per non-passing implementation the message,
//! expected and actual. Pruning is what keeps the page small with ~10
//! implementations x ~10k cases; a group shows at most [`DRILL_DOWN_CASES`]
//! cases in full and points at matrix.json for the rest.

use super::matrix_md::ids_preview;
use crossfmt::conformance::matrix::{Group, Mark, Matrix, Status};
use html_escape::{encode_double_quoted_attribute as attr, encode_text as text};
use std::fmt::Write;

pub const DRILL_DOWN_CASES: usize = 100;
/// Ids listed per all-pass group.
const QUIET_IDS: usize = 20;

const STYLE: &str = "
body { font: 14px/1.4 system-ui, sans-serif; margin: 1.5em; color: #222; }
table { border-collapse: collapse; margin: .5em 0 1em; }
th, td { border: 1px solid #ccc; padding: 2px 6px; vertical-align: top; }
th { background: #f4f4f4; }
td.n { text-align: right; }
.pass { background: #dff0d8; } .fail { background: #f2b8b5; font-weight: bold; }
.warn { background: #fce8b2; } .xfail { background: #e8e0f0; }
.xpass { background: #f7a35c; font-weight: bold; } .skip { background: #eee; color: #666; }
.na { background: #fff; } .notrun { background: repeating-linear-gradient(45deg,#fff,#fff 4px,#eee 4px,#eee 8px); }
code, pre { font: 12px/1.3 ui-monospace, monospace; }
pre { white-space: pre-wrap; word-break: break-all; margin: 0; }
details > summary { cursor: pointer; }
.case { border-left: 3px solid #ccc; padding-left: .6em; margin: .6em 0; }
.ok { color: #2a7d2a; } .bad { color: #b00020; }
";

/// The CSS class of a cell; `fatal` says whether a plain failure fails the run.
fn class(mark: Mark, fatal: bool) -> &'static str {
    match mark {
        Mark::NotApplicable => "na",
        Mark::NotRun => "notrun",
        Mark::Is(Status::Pass, _) => "pass",
        Mark::Is(Status::Fail, _) if fatal => "fail",
        Mark::Is(Status::Fail, _) => "warn",
        Mark::Is(Status::ExpectedFailure, _) => "xfail",
        Mark::Is(Status::UnexpectedPass, _) => "xpass",
        Mark::Is(Status::Skipped, _) => "skip",
    }
}

pub fn render(m: &Matrix) -> String {
    let mut s = String::new();
    let _ = write!(
        s,
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">\
         <title>crossfmt conformance</title><style>{STYLE}</style></head><body>\n\
         <h1>Conformance</h1>\n"
    );
    let ok = m.failures().is_empty();
    let _ = writeln!(
        s,
        "<p class=\"{}\"><strong>{}</strong></p>",
        if ok { "ok" } else { "bad" },
        text(&m.verdict())
    );
    summary(&mut s, m);
    let groups = m.groups();
    let (quiet, loud): (Vec<&Group>, Vec<&Group>) = groups.iter().partition(|g| g.all_pass());
    s.push_str("<h2>Matrix</h2>\n<p>Cases with the same outcome in every implementation are grouped. \
                Open a group for its cases; blank cells are implementations of another format.</p>\n");
    matrix_table(&mut s, m, &loud, true);
    let quiet_cases: usize = quiet.iter().map(|g| g.cases.len()).sum();
    let _ = writeln!(
        s,
        "<details><summary>{quiet_cases} case(s) in {} group(s) pass in every implementation of their format</summary>",
        quiet.len()
    );
    matrix_table(&mut s, m, &quiet, false);
    s.push_str("</details>\n");
    stale(&mut s, m);
    s.push_str("</body></html>\n");
    s
}

fn summary(s: &mut String, m: &Matrix) {
    let rows = m.summary_rows();
    s.push_str("<table><tr>");
    for h in &rows[0] {
        let _ = write!(s, "<th>{}</th>", text(h));
    }
    s.push_str("</tr>\n");
    for r in &rows[1..] {
        let _ = write!(s, "<tr><td><code>{}</code></td>", text(&r[0]));
        for n in &r[1..] {
            let _ = write!(s, "<td class=\"n\">{}</td>", text(n));
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n");
}

fn matrix_table(s: &mut String, m: &Matrix, groups: &[&Group], drill: bool) {
    if groups.is_empty() {
        return;
    }
    s.push_str("<table><tr><th>cases</th><th>ids</th>");
    for imp in &m.implementations {
        let _ = write!(s, "<th><code>{}</code></th>", text(&imp.id));
    }
    s.push_str("</tr>\n");
    for g in groups {
        let _ = write!(s, "<tr><td class=\"n\">{}</td><td>", g.cases.len());
        if drill {
            let _ = write!(
                s,
                "<details><summary><code>{}</code></summary>",
                text(&ids_preview(m, g, 3))
            );
            drill_down(s, m, g);
            s.push_str("</details>");
        } else {
            let _ = write!(s, "<code>{}</code>", text(&ids_preview(m, g, QUIET_IDS)));
        }
        s.push_str("</td>");
        let fatal = |imp: usize| {
            g.cases.iter().any(|&c| {
                m.cells[c][imp]
                    .as_ref()
                    .is_some_and(|cell| m.is_fatal(c, cell))
            })
        };
        for (imp, mark) in g.marks.iter().enumerate() {
            let _ = write!(
                s,
                "<td class=\"{}\">{}</td>",
                class(*mark, fatal(imp)),
                text(&mark.label())
            );
        }
        s.push_str("</tr>\n");
    }
    s.push_str("</table>\n");
}

fn field(s: &mut String, name: &str, value: &str) {
    if !value.is_empty() {
        let _ = write!(s, "<div>{name}: <code>{}</code></div>", text(value));
    }
}

fn drill_down(s: &mut String, m: &Matrix, g: &Group) {
    for &c in g.cases.iter().take(DRILL_DOWN_CASES) {
        let case = &m.cases[c];
        let _ = write!(
            s,
            "<div class=\"case\" id=\"{}\"><div><strong><code>{}</code></strong> ({}, {} {})</div>",
            attr(&case.id),
            text(&case.id),
            case.level.name(),
            text(&case.format),
            case.op().name()
        );
        field(s, "source", &case.source);
        field(s, "schema", case.schema.as_deref().unwrap_or(""));
        field(s, "input", &case.input_hex());
        field(s, "value", case.value_text.as_deref().unwrap_or(""));
        field(s, "expect", &case.expectation());
        field(s, "note", case.note.as_deref().unwrap_or(""));
        for (i, imp) in m.implementations.iter().enumerate() {
            let Some(cell) = &m.cells[c][i] else { continue };
            if cell.status == Status::Pass {
                continue;
            }
            let _ = write!(
                s,
                "<details><summary><code>{}</code> <span class=\"{}\">{}</span></summary><pre>{}</pre>",
                text(&imp.id),
                class(Mark::Is(cell.status, cell.outcome.kind), m.is_fatal(c, cell)),
                text(cell.status.name()),
                text(&cell.outcome.message)
            );
            field(s, "expected", &cell.outcome.expected);
            field(s, "actual", &cell.outcome.actual);
            if let Some(e) = &cell.entry {
                let at = format!("{}:{} {e}", imp.failures.path.display(), e.line);
                field(s, "listed", &at);
            }
            s.push_str("</details>");
        }
        s.push_str("</div>");
    }
    if g.cases.len() > DRILL_DOWN_CASES {
        let _ = write!(
            s,
            "<p>… and {} more cases like these: see matrix.json.</p>",
            g.cases.len() - DRILL_DOWN_CASES
        );
    }
}

fn stale(s: &mut String, m: &Matrix) {
    if m.stale.is_empty() {
        return;
    }
    s.push_str("<h2>Stale expected-failure entries</h2>\n<ul>\n");
    for st in &m.stale {
        let _ = writeln!(
            s,
            "<li><code>{}:{}</code> <code>{}</code> matches no case of <code>{}</code></li>",
            text(&st.path.display().to_string()),
            st.entry.line,
            text(&st.entry.to_string()),
            text(&st.implementation)
        );
    }
    s.push_str("</ul>\n");
}
