//! `--format json`: the stable document described in the README.

use serde::Serialize;

use super::{Report, Summary};
use crate::diagnostic::Diagnostic;
use crate::kind::Kind;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    tool: Tool,
    files: Vec<File<'a>>,
    summary: Summary,
}

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
pub fn render_json(report: &Report) -> String {
    let doc = Document {
        version: 1,
        tool: Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        },
        files: report
            .files
            .iter()
            .map(|f| File {
                path: &f.path,
                kind: f.kind,
                skipped: f.skipped.is_some(),
                reason: f.skipped.as_deref(),
                error: f.error.as_deref(),
                diagnostics: &f.diagnostics,
            })
            .collect(),
        summary: report.summary(),
    };
    let mut out =
        serde_json::to_string_pretty(&doc).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    out.push('\n');
    out
}
