//! `--statistics`: the findings counted by rule, as `ruff check
//! --statistics` counts them.

use std::collections::BTreeMap;

use crate::render::Ending;
use crate::Report;

/// One rule's findings in a run.
#[derive(serde::Serialize)]
struct Row {
    code: &'static str,
    name: &'static str,
    count: usize,
    /// Some finding of the rule carries a fix (`--fix` or `--unsafe-fixes`).
    fixable: bool,
}

/// The findings of `report` counted by rule: the most first, then by code.
fn rows(report: &Report) -> Vec<Row> {
    let mut by_code: BTreeMap<&'static str, Row> = BTreeMap::new();
    for d in report.files.iter().flat_map(|f| &f.diagnostics) {
        let row = by_code.entry(d.code).or_insert(Row {
            code: d.code,
            name: d.name,
            count: 0,
            fixable: false,
        });
        row.count += 1;
        row.fixable |= d.fix.is_some();
    }
    let mut rows: Vec<Row> = by_code.into_values().collect();
    // Stable: rules with as many findings stay in code order.
    rows.sort_by_key(|row| std::cmp::Reverse(row.count));
    rows
}

/// One `count  code  name  [*]` line a rule, the counts right-aligned and
/// `[*]` marking a rule with a fix; then, unless `quiet`, the summary line.
pub(super) fn text(report: &Report, ending: &Ending, quiet: bool) -> String {
    let rows = rows(report);
    let count_width = rows.iter().map(|r| r.count.to_string().len()).max();
    let name_width = rows.iter().map(|r| r.name.len()).max().unwrap_or(0);
    let mut out = String::new();
    for row in &rows {
        let line = format!(
            "{:>count_width$}  {}  {:<name_width$}  {}",
            row.count,
            row.code,
            row.name,
            if row.fixable { "[*]" } else { "" },
            count_width = count_width.unwrap_or(1),
        );
        out.push_str(line.trim_end());
        out.push('\n');
    }
    if !quiet {
        out.push_str(&ending.line());
        out.push('\n');
    }
    out
}

/// A JSON array of `{code, name, count, fixable}`, in the order of [`text`].
pub(super) fn json(report: &Report) -> String {
    serde_json::to_string_pretty(&rows(report)).unwrap_or_else(|_| "[]".to_string()) + "\n"
}
