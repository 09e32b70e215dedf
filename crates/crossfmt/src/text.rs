//! Plain-text tables, for console output: `crossfmt`'s summaries and
//! [`crate::testing`]'s reports print the same way.

use std::fmt::Write as _;

/// `rows` as aligned columns (the first row a header, underlined): the first
/// `text_columns` columns left-aligned, the rest (counts) right-aligned.
pub fn table(rows: &[Vec<String>], text_columns: usize) -> String {
    let n = rows.iter().map(Vec::len).max().unwrap_or(0);
    let widths: Vec<usize> = (0..n)
        .map(|i| {
            rows.iter()
                .map(|r| r.get(i).map_or(0, |c| c.chars().count()))
                .max()
                .unwrap_or(0)
        })
        .collect();
    let mut s = String::new();
    for (row, r) in rows.iter().enumerate() {
        for (i, cell) in r.iter().enumerate() {
            let pad = widths[i] - cell.chars().count();
            if i >= text_columns {
                let _ = write!(s, "{}{}  ", " ".repeat(pad), cell);
            } else {
                let _ = write!(s, "{}{}  ", cell, " ".repeat(pad));
            }
        }
        s.truncate(s.trim_end().len());
        s.push('\n');
        if row == 0 {
            let total: usize = widths.iter().sum::<usize>() + 2 * n.saturating_sub(1);
            s.push_str(&"-".repeat(total));
            s.push('\n');
        }
    }
    s
}
