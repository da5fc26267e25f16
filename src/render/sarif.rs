//! `--format sarif`: one SARIF 2.1.0 log for GitHub code scanning and other
//! SARIF consumers.
//!
//! - One run; `tool.driver.rules` holds the rules that have results (sorted by
//!   code), with the summary, the `## Why` section, the full manual as help
//!   text and Markdown, and the default level. `ruleIndex` points into it.
//! - A result per finding: `ruleId`, `ruleIndex`, `level` (error, warning,
//!   note), the message (and the finding's help on a second line), the
//!   repository-relative file URI, the region as 1-based lines and columns
//!   (columns in Unicode code points, `run.columnKind`; the end column is the
//!   one after the region) plus `byteOffset`/`byteLength` in bytes of the file
//!   as read, the related labels as `relatedLocations`, the JSON pointer in
//!   `properties.jsonPointer`, and a `partialFingerprints` entry computed from
//!   the rule code, the path and the pointer, stable across runs and edits
//!   that move the member.
//! - A clean run has `results: []`. Files that could not be read are error
//!   notifications in `invocations[0].toolExecutionNotifications` and make
//!   `executionSuccessful` false; skipped files are note notifications.
//! - No source text is embedded (no snippets), so no secret can leak.

use std::collections::{BTreeMap, HashMap};

use serde_json::{json, Map, Value};

use super::{ci_path, CiOptions, CiPath, Report};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::rules::{self, RuleMeta};
use crate::source::Position;

/// The schema URI GitHub's documentation uses.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The key of idplint's own entry in `partialFingerprints`.
const FINGERPRINT_KEY: &str = "idplintFingerprint/v1";
/// GitHub truncates longer descriptions.
const MAX_DESCRIPTION: usize = 1024;

/// The report as a SARIF 2.1.0 log, with a trailing newline.
pub fn render_sarif(report: &Report, options: &CiOptions) -> String {
    let mut codes: Vec<&'static str> = report
        .files
        .iter()
        .flat_map(|f| f.diagnostics.iter().map(|d| d.code))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let index: HashMap<&str, usize> = codes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let rules: Vec<Value> = codes
        .iter()
        .map(|code| {
            let name = report
                .files
                .iter()
                .flat_map(|f| &f.diagnostics)
                .find(|d| d.code == *code)
                .map_or("", |d| d.name);
            rule_descriptor(code, name)
        })
        .collect();

    // Each result is drawn as it is made: a run of a million findings
    // would hold a million JSON trees before drawing any.
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for file in &report.files {
        let path = ci_path(&file.path, options);
        if let Some(error) = &file.error {
            notifications.push(json!({
                "level": "error",
                "message": {"text": format!("{}: {error}", path.text())},
                "locations": [{"physicalLocation": {"artifactLocation": artifact(&path)}}],
            }));
        }
        if let Some(reason) = &file.skipped {
            notifications.push(json!({
                "level": "note",
                "message": {"text": format!("{}: skipped: {reason}", path.text())},
                "locations": [{"physicalLocation": {"artifactLocation": artifact(&path)}}],
            }));
        }
        // Occurrences of one (rule, pointer) in this file, for distinct fingerprints.
        let mut seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for d in &file.diagnostics {
            let n = seen.entry((d.code, d.pointer.as_str())).or_insert(0);
            *n += 1;
            let drawn = result(d, &path, index.get(d.code).copied(), *n);
            results.push(pretty_at(&drawn, RESULT_INDENT));
        }
    }

    let mut driver = Map::new();
    driver.insert("name".into(), json!(env!("CARGO_PKG_NAME")));
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert("semanticVersion".into(), json!(env!("CARGO_PKG_VERSION")));
    let homepage = option_env!("CARGO_PKG_HOMEPAGE").unwrap_or("");
    let repository = option_env!("CARGO_PKG_REPOSITORY").unwrap_or("");
    let information = if homepage.is_empty() {
        repository
    } else {
        homepage
    };
    if !information.is_empty() {
        driver.insert("informationUri".into(), json!(information));
    }
    driver.insert("rules".into(), Value::Array(rules));

    let mut invocation = Map::new();
    invocation.insert("executionSuccessful".into(), json!(!report.has_io_errors()));
    if !notifications.is_empty() {
        invocation.insert(
            "toolExecutionNotifications".into(),
            Value::Array(notifications),
        );
    }

    let placeholder = if results.is_empty() {
        json!([])
    } else {
        json!([RESULTS_HERE])
    };
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": driver},
            "invocations": [invocation],
            "columnKind": "unicodeCodePoints",
            "results": placeholder,
        }],
    });
    let skeleton =
        serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    let here = format!(
        "{}{}",
        " ".repeat(RESULT_INDENT),
        serde_json::to_string(RESULTS_HERE).unwrap_or_default()
    );
    let mut out = String::with_capacity(
        skeleton.len() + results.iter().map(|r| r.len() + 2).sum::<usize>() + 1,
    );
    match skeleton.split_once(&here) {
        Some((before, after)) => {
            out.push_str(before);
            for (i, drawn) in results.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                out.push_str(drawn);
            }
            out.push_str(after);
        }
        None => out.push_str(&skeleton),
    }
    out.push('\n');
    out
}

/// Stands for the results in the drawn log, until they are put in its place.
const RESULTS_HERE: &str = "\u{0}results\u{0}";
/// The indent of a result in the pretty-printed log: `runs[0].results[i]`.
const RESULT_INDENT: usize = 8;

/// `value` pretty-printed as it is at `indent` spaces inside a larger
/// document (two spaces a level, as `serde_json::to_string_pretty`).
fn pretty_at(value: &Value, indent: usize) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let pad = " ".repeat(indent);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&pad);
        out.push_str(line);
    }
    out
}

/// The stable fingerprint of a finding: a 64-bit FNV-1a hash of the rule
/// code, the file's repository-relative path and the finding's JSON pointer,
/// in hex, then `:` and the occurrence (1 for the first finding of that rule
/// at that pointer in the file). Line numbers play no part, so findings keep
/// their identity when lines are added above them.
pub fn fingerprint(code: &str, path: &str, pointer: &str, occurrence: usize) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [code, path, pointer] {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}:{occurrence}")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A rule's reportingDescriptor, from its metadata in the registry.
fn rule_descriptor(code: &str, name: &str) -> Value {
    let meta: Option<&'static RuleMeta> = rules::find(code).map(|r| r.meta());
    let Some(meta) = meta else {
        // Not in the registry (cannot happen for the engine's findings).
        let text = if name.is_empty() { code } else { name };
        return json!({
            "id": code,
            "name": name,
            "shortDescription": {"text": text},
            "fullDescription": {"text": text},
            "help": {"text": text},
        });
    };
    let summary = match meta.summary() {
        "" => meta.name,
        s => s,
    };
    let why = section(&meta.docs_text(), "Why").unwrap_or_default();
    let full = if why.is_empty() {
        summary.to_string()
    } else {
        why
    };
    let docs = meta.docs_text();
    let docs = docs.trim();
    json!({
        "id": meta.code,
        "name": meta.name,
        "shortDescription": {"text": truncate(summary, MAX_DESCRIPTION)},
        "fullDescription": {"text": truncate(&full, MAX_DESCRIPTION)},
        "help": {
            "text": if docs.is_empty() { summary } else { docs },
            "markdown": format!("**{} {}**: {}", meta.code, meta.name, docs),
        },
        "defaultConfiguration": {"level": level(meta.severity)},
    })
}

/// The paragraphs of a `## title` section of a rule's manual, on one line.
fn section(docs: &str, title: &str) -> Option<String> {
    let mut lines = docs
        .lines()
        .skip_while(|l| l.strip_prefix("## ").map(str::trim) != Some(title));
    lines.next()?;
    let body: Vec<&str> = lines
        .take_while(|l| !l.starts_with("## "))
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    Some(body.join(" "))
}

/// At most `max` characters, with an ellipsis when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

fn result(d: &Diagnostic, path: &CiPath, rule_index: Option<usize>, occurrence: usize) -> Value {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut location = Map::new();
    location.insert(
        "physicalLocation".into(),
        physical(path, d.span.offset, d.span.length, d.start, d.end),
    );
    if let Some(label) = &d.label {
        location.insert("message".into(), json!({ "text": label }));
    }
    let mut result = Map::new();
    result.insert("ruleId".into(), json!(d.code));
    if let Some(i) = rule_index {
        result.insert("ruleIndex".into(), json!(i));
    }
    result.insert("level".into(), json!(level(d.severity)));
    result.insert("message".into(), json!({ "text": text }));
    result.insert("locations".into(), json!([location]));
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .enumerate()
            .map(|(i, l)| related(i, l, path))
            .collect();
        result.insert("relatedLocations".into(), Value::Array(related));
    }
    result.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: fingerprint(d.code, &path.text(), &d.pointer, occurrence) }),
    );
    if let Some(fix) = &d.fix {
        result.insert("fixes".into(), json!([sarif_fix(fix, path)]));
    }
    result.insert(
        "properties".into(),
        json!({"jsonPointer": d.pointer, "fixable": d.fixable}),
    );
    Value::Object(result)
}

/// A fix as SARIF writes one (§3.55): the file's byte ranges and what
/// replaces them; its applicability in the properties.
fn sarif_fix(fix: &crate::diagnostic::Fix, path: &CiPath) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            json!({
                "deletedRegion": {"byteOffset": e.span.offset, "byteLength": e.span.length},
                "insertedContent": {"text": e.replacement},
            })
        })
        .collect();
    json!({
        "description": {"text": fix.title},
        "artifactChanges": [{"artifactLocation": artifact(path), "replacements": replacements}],
        "properties": {"applicability": fix.applicability.as_str()},
    })
}

fn related(i: usize, label: &Label, path: &CiPath) -> Value {
    json!({
        "id": i + 1,
        "physicalLocation": physical(path, label.span.offset, label.span.length, label.start, label.end),
        "message": {"text": label.message},
    })
}

fn physical(path: &CiPath, offset: usize, length: usize, start: Position, end: Position) -> Value {
    json!({
        "artifactLocation": artifact(path),
        "region": {
            "startLine": start.line,
            "startColumn": start.column,
            "endLine": end.line,
            "endColumn": end.column,
            "byteOffset": offset,
            "byteLength": length,
        },
    })
}

/// An artifactLocation: a relative URI reference under `%SRCROOT%`, or a
/// `file:` URI for an absolute path outside the base directory.
fn artifact(path: &CiPath) -> Value {
    match path {
        CiPath::Relative(p) => json!({"uri": encode_uri_path(p), "uriBaseId": "%SRCROOT%"}),
        CiPath::Absolute(p) => match url::Url::from_file_path(p) {
            Ok(url) => json!({ "uri": url.as_str() }),
            Err(()) => json!({ "uri": encode_uri_path(&p.display().to_string()) }),
        },
    }
}

/// Percent-encodes a relative path as a URI reference: unreserved
/// characters, `/` and the sub-delimiters stay, every other byte (`:` too,
/// which would otherwise read as a scheme) is `%XX`.
fn encode_uri_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.bytes() {
        match b {
            b'A'..=b'Z'
            | b'a'..=b'z'
            | b'0'..=b'9'
            | b'-'
            | b'.'
            | b'_'
            | b'~'
            | b'/'
            | b'!'
            | b'$'
            | b'&'
            | b'\''
            | b'('
            | b')'
            | b'*'
            | b'+'
            | b','
            | b';'
            | b'='
            | b'@' => out.push(char::from(b)),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(encode_uri_path("idp/a b.json"), "idp/a%20b.json");
        assert_eq!(encode_uri_path("c:x/ü%.json"), "c%3Ax/%C3%BC%25.json");
        assert_eq!(encode_uri_path("<stdin>"), "%3Cstdin%3E");
    }

    #[test]
    fn sections_are_read_from_the_manual() {
        let docs = "summary\n\n## Why\nOne line\nand two.\n\nMore.\n\n## Fix\nDo it.";
        assert_eq!(
            section(docs, "Why").as_deref(),
            Some("One line and two. More.")
        );
        assert_eq!(section(docs, "Fix").as_deref(), Some("Do it."));
        assert_eq!(section(docs, "References"), None);
    }

    #[test]
    fn fingerprints_are_fixed_values() {
        // A change of these values churns every alert on GitHub: bump the key's version instead.
        assert_eq!(
            fingerprint("IDP005", "idp/okta.json", "/interactive", 1),
            "986c8d588e033555:1"
        );
        assert_ne!(
            fingerprint("IDP001", "a.json", "/a", 1),
            fingerprint("IDP001", "a.json/a", "", 1)
        );
    }
}
