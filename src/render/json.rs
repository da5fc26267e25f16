//! `--format json`: the stable document described in the README.

use rayon::prelude::*;
use serde::Serialize;

use super::Report;
use crate::diagnostic::Diagnostic;
use crate::kind::Kind;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

#[derive(Serialize)]
struct File<'a> {
    path: &'a str,
    kind: Option<Kind>,
    skipped: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    reason: Option<&'a str>,
    #[serde(skip_serializing_if = "Option::is_none")]
    error: Option<&'a str>,
    diagnostics: &'a [Diagnostic],
}

/// The report as one JSON document, with a trailing newline.
///
/// Each file's entry is serialised on its own, in parallel, and indented into
/// place: the text is the same as serialising the whole document at once
/// (pretty JSON has no raw line break inside a string, so re-indenting by line
/// is exact).
pub fn render_json(report: &Report) -> String {
    let tool = Tool {
        name: env!("CARGO_PKG_NAME"),
        version: env!("CARGO_PKG_VERSION"),
    };
    let entries: Vec<String> = report
        .files
        .par_iter()
        .map(|f| {
            let entry = pretty(&File {
                path: &f.path,
                kind: f.kind,
                skipped: f.skipped.is_some(),
                reason: f.skipped.as_deref(),
                error: f.error.as_deref(),
                diagnostics: &f.diagnostics,
            });
            let mut indented = String::with_capacity(entry.len() + entry.len() / 4);
            push_indented(&mut indented, &entry, 4);
            indented
        })
        .collect();
    let mut out = String::with_capacity(entries.iter().map(|e| e.len() + 8).sum::<usize>() + 256);
    out.push_str("{\n  \"version\": 1,\n  \"tool\": ");
    push_indented(&mut out, &pretty(&tool), 2);
    out.push_str(",\n  \"files\": [");
    for (i, entry) in entries.iter().enumerate() {
        out.push_str(if i == 0 { "\n    " } else { ",\n    " });
        out.push_str(entry);
    }
    out.push_str(if entries.is_empty() { "]" } else { "\n  ]" });
    out.push_str(",\n  \"summary\": ");
    push_indented(&mut out, &pretty(&report.summary()), 2);
    out.push_str("\n}\n");
    out
}

fn pretty<T: Serialize>(value: &T) -> String {
    serde_json::to_string_pretty(value).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Appends `text` with every line after the first indented by `depth` spaces.
fn push_indented(out: &mut String, text: &str, depth: usize) {
    let mut start = 0;
    // Lines are short: a byte scan beats a searcher set up for each line.
    for (i, b) in text.bytes().enumerate() {
        if b == b'\n' {
            out.push_str(&text[start..=i]);
            out.extend(std::iter::repeat_n(' ', depth));
            start = i + 1;
        }
    }
    out.push_str(&text[start..]);
}
