//! `--format json`: the stable document described in the README.

use std::cell::RefCell;

use serde::Serialize;

use super::{Ending, Outcome, PerFile, Summary};
use crate::linter::FileReport;

#[derive(Serialize)]
struct Tool {
    name: &'static str,
    version: &'static str,
}

/// The document's `summary`: the run's counts and its outcome.
#[derive(Serialize)]
struct SummaryOut<'a> {
    #[serde(flatten)]
    counts: &'a Summary,
    outcome: Outcome,
}

/// `--format json`. Each file's entry is written on its own, already
/// indented to its place in the document: the text is the same as
/// serialising the whole document at once.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json;

impl PerFile for Json {
    fn draw(&self, f: &FileReport) -> String {
        thread_local! {
            static WRITTEN: RefCell<String> = const { RefCell::new(String::new()) };
        }
        WRITTEN.with_borrow_mut(|out| {
            out.clear();
            write_entry(out, f);
            let text = out.as_str().to_owned();
            if out.capacity() > KEPT_BUFFER_BYTES {
                // A large report's buffer is not kept for the small ones after it.
                *out = String::new();
            }
            text
        })
    }

    fn head(&self) -> String {
        let tool = Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        };
        format!(
            "{{\n  \"version\": 1,\n  \"tool\": {},\n  \"files\": [",
            pretty_nested(&tool)
        )
    }

    fn before_part(&self, first: bool) -> &'static str {
        if first {
            "\n    "
        } else {
            ",\n    "
        }
    }

    fn tail(&self, ending: &Ending, parts: usize) -> String {
        let summary = SummaryOut {
            counts: &ending.summary,
            outcome: ending.outcome(),
        };
        format!(
            "{},\n  \"summary\": {}\n}}\n",
            if parts == 0 { "]" } else { "\n  ]" },
            pretty_nested(&summary)
        )
    }
}

/// A file's entry: the text serde_json's pretty printer gives a file's
/// entry (its members as the README lists them) two levels deep in the
/// document (a test holds the two to the same text),
/// written directly. The JSON output of a large run is mostly these entries,
/// and serde_json looks at every byte of every string, one at a time, for
/// what needs escaping.
fn write_entry(out: &mut String, f: &FileReport) {
    const MEMBER: &str = ",\n      ";
    const FINDING_MEMBER: &str = ",\n          ";
    out.push_str("{\n      \"path\": ");
    push_string(out, &f.path);
    out.push_str(MEMBER);
    out.push_str("\"kind\": ");
    match f.kind {
        Some(kind) => push_string(out, kind.name()),
        None => out.push_str("null"),
    }
    if let Some(container) = f.container {
        out.push_str(MEMBER);
        out.push_str("\"container\": ");
        push_string(out, container.name());
        out.push_str(MEMBER);
        out.push_str("\"payloads\": ");
        out.push_str(itoa::Buffer::new().format(f.payloads));
    }
    out.push_str(MEMBER);
    out.push_str("\"skipped\": ");
    out.push_str(if f.skipped.is_some() { "true" } else { "false" });
    for (key, value) in [("\"reason\": ", &f.skipped), ("\"error\": ", &f.error)] {
        if let Some(value) = value {
            out.push_str(MEMBER);
            out.push_str(key);
            push_string(out, value);
        }
    }
    out.push_str(MEMBER);
    out.push_str("\"diagnostics\": [");
    for (i, d) in f.diagnostics.iter().enumerate() {
        out.push_str(if i == 0 {
            "\n        {"
        } else {
            ",\n        {"
        });
        out.push_str("\n          \"code\": ");
        push_string(out, d.code);
        let strings = [
            ("\"name\": ", Some(d.name)),
            ("\"severity\": ", Some(d.severity.as_str())),
            ("\"message\": ", Some(d.message.as_str())),
            ("\"help\": ", d.help.as_deref()),
            ("\"pointer\": ", Some(d.pointer.as_str())),
        ];
        for (key, value) in strings {
            if let Some(value) = value {
                out.push_str(FINDING_MEMBER);
                out.push_str(key);
                push_string(out, value);
            }
        }
        let pairs = [
            (
                "\"span\": ",
                ("offset", d.span.offset),
                ("length", d.span.length),
            ),
            (
                "\"start\": ",
                ("line", d.start.line),
                ("column", d.start.column),
            ),
            ("\"end\": ", ("line", d.end.line), ("column", d.end.column)),
        ];
        for (key, (first, a), (second, b)) in pairs {
            out.push_str(FINDING_MEMBER);
            out.push_str(key);
            out.push_str("{\n            \"");
            out.push_str(first);
            out.push_str("\": ");
            out.push_str(itoa::Buffer::new().format(a));
            out.push_str(",\n            \"");
            out.push_str(second);
            out.push_str("\": ");
            out.push_str(itoa::Buffer::new().format(b));
            out.push_str("\n          }");
        }
        out.push_str(FINDING_MEMBER);
        out.push_str("\"fixable\": ");
        out.push_str(if d.fixable { "true" } else { "false" });
        if let Some(fix) = &d.fix {
            push_fix(out, fix);
        }
        if let Some(request) = &d.request {
            out.push_str(FINDING_MEMBER);
            out.push_str("\"request\": {\n            \"index\": ");
            out.push_str(itoa::Buffer::new().format(request.index));
            if let Some(line) = &request.line {
                out.push_str(",\n            \"line\": ");
                push_string(out, line);
            }
            out.push_str(",\n            \"start\": {\n              \"line\": ");
            out.push_str(itoa::Buffer::new().format(request.start.line));
            out.push_str(",\n              \"column\": ");
            out.push_str(itoa::Buffer::new().format(request.start.column));
            out.push_str("\n            }\n          }");
        }
        out.push_str("\n        }");
    }
    if !f.diagnostics.is_empty() {
        out.push_str("\n      ");
    }
    out.push_str("]\n    }");
}

/// A finding's fix: its applicability, what it does, and its edits of the
/// file's bytes.
fn push_fix(out: &mut String, fix: &crate::diagnostic::Fix) {
    out.push_str(",\n          \"fix\": {\n            \"applicability\": \"");
    out.push_str(fix.applicability.as_str());
    out.push_str("\",\n            \"title\": ");
    push_string(out, &fix.title);
    out.push_str(",\n            \"edits\": [");
    for (i, edit) in fix.edits.iter().enumerate() {
        out.push_str(if i == 0 { "\n" } else { ",\n" });
        out.push_str("              {\"offset\": ");
        out.push_str(itoa::Buffer::new().format(edit.span.offset));
        out.push_str(", \"length\": ");
        out.push_str(itoa::Buffer::new().format(edit.span.length));
        out.push_str(", \"replacement\": ");
        push_string(out, &edit.replacement);
        out.push('}');
    }
    out.push_str("\n            ]\n          }");
}

/// `text` as a JSON string, escaped as serde_json escapes it: `"`, `\\` and
/// the control characters, the usual ones in short form.
fn push_string(out: &mut String, text: &str) {
    let needs_escape = |b: u8| b < 0x20 || b == b'"' || b == b'\\';
    out.push('"');
    // Without an early exit the check runs on many bytes at once; most
    // strings need no escape.
    if !text.bytes().fold(false, |found, b| found | needs_escape(b)) {
        out.push_str(text);
    } else {
        let mut plain = 0;
        for (i, b) in text.bytes().enumerate() {
            if !needs_escape(b) {
                continue;
            }
            out.push_str(&text[plain..i]);
            plain = i + 1;
            match b {
                b'"' => out.push_str("\\\""),
                b'\\' => out.push_str("\\\\"),
                b'\n' => out.push_str("\\n"),
                b'\r' => out.push_str("\\r"),
                b'\t' => out.push_str("\\t"),
                0x08 => out.push_str("\\b"),
                0x0c => out.push_str("\\f"),
                _ => {
                    const HEX: &[u8; 16] = b"0123456789abcdef";
                    out.push_str("\\u00");
                    out.push(char::from(HEX[usize::from(b >> 4)]));
                    out.push(char::from(HEX[usize::from(b & 0xf)]));
                }
            }
        }
        out.push_str(&text[plain..]);
    }
    out.push('"');
}

/// The largest buffer a thread keeps between two files' entries. The entry
/// is copied out of it into a string of its exact length: a run keeps every
/// file's text until the end, and a string grown by doubling would hold a
/// third more than its text.
const KEPT_BUFFER_BYTES: usize = 1 << 20;

/// `value` as pretty JSON (two-space indent) one level deep in the
/// document: every line after the first is indented as if the enclosing
/// object were there. (Pretty JSON has no line break inside a string.)
fn pretty_nested<T: Serialize>(value: &T) -> String {
    match serde_json::to_string_pretty(value) {
        Ok(text) => text.replace('\n', "\n  "),
        Err(e) => format!("{{\"error\": \"{e}\"}}"),
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    use super::{SummaryOut, Tool};
    use crate::diagnostic::{Diagnostic, Severity, Span};
    use crate::kind::Kind;
    use crate::linter::FileReport;
    use crate::render::{Ending, Outcome};
    use crate::source::Position;
    use crate::{Linter, Options, Report, SourceOptions, Summary};

    /// A file's entry as the README describes it; the output must be what
    /// serde_json makes of it.
    #[derive(Serialize)]
    struct File<'a> {
        path: &'a str,
        kind: Option<Kind>,
        #[serde(skip_serializing_if = "Option::is_none")]
        container: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        payloads: Option<usize>,
        skipped: bool,
        #[serde(skip_serializing_if = "Option::is_none")]
        reason: Option<&'a str>,
        #[serde(skip_serializing_if = "Option::is_none")]
        error: Option<&'a str>,
        diagnostics: &'a [Diagnostic],
    }

    /// Every character that JSON escapes, in every string of an entry.
    fn escaped_everywhere() -> Vec<FileReport> {
        let odd = "q\"uote\\back\u{0}\u{1}\u{8}\t\n\u{b}\u{c}\r\u{1f} \u{7f}é€😀\u{2028}/end";
        let diagnostic = |help: Option<String>| Diagnostic {
            code: "IDP009",
            name: "placeholder-value",
            severity: Severity::Info,
            message: format!("`{odd}` holds {odd}"),
            help,
            pointer: format!("/options/{odd}/0"),
            span: Span {
                offset: 12_345_678_901,
                length: 0,
            },
            start: Position {
                line: 1,
                column: usize::MAX,
            },
            end: Position { line: 9, column: 1 },
            fixable: true,
            fix: None,
            label: None,
            related: Vec::new(),
            request: None,
        };
        let mut skipped = FileReport::unreadable(format!("dir/{odd}.json"), odd);
        skipped.error = None;
        skipped.skipped = Some(format!("not a payload: {odd}"));
        vec![
            FileReport {
                diagnostics: vec![diagnostic(Some(odd.to_string())), diagnostic(None)],
                ..FileReport::new(odd, Some(Kind::IonosEnsure))
            },
            skipped,
            FileReport::unreadable("", ""),
        ]
    }

    #[derive(Serialize)]
    struct Document<'a> {
        version: u32,
        tool: Tool,
        files: Vec<File<'a>>,
        summary: SummaryOut<'a>,
    }

    /// Entries serialised on their own at their depth give the text of the
    /// whole document serialised at once.
    #[test]
    fn entries_are_indented_as_in_the_whole_document() {
        let linter = Linter::new(Options::default());
        let payloads = [
            (
                "oidc.json",
                r#"{"protocol": "OIDC", "provider": "okta", "interactive": false, "clockToleranceSec": 30000, "options": {"discoveryUrl": "https://<your-okta-domain>/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"], "email": []}}}"#,
            ),
            (
                "patch.json",
                r#"[{"op": "replace", "path": "/clockToleranceSec", "value": "five"}, {"op": "move", "path": "/a"}]"#,
            ),
            ("other.json", r#"{"hello": "world"}"#),
            (
                "clean.json",
                r#"[{"op": "replace", "path": "/description", "value": "Staff login"}]"#,
            ),
            ("broken.json", "{\"a\": [1, 2,\n"),
        ];
        let mut files: Vec<FileReport> = payloads
            .iter()
            .map(|(name, text)| linter.lint_bytes(name, text.as_bytes(), &SourceOptions::default()))
            .collect();
        files.push(FileReport::unreadable(
            "gone.json".to_string(),
            "cannot read gone.json: no such file".to_string(),
        ));
        files.extend(escaped_everywhere());
        assert!(files.iter().any(|f| f.diagnostics.len() > 1));
        assert!(files.iter().any(|f| f.skipped.is_some()));
        let report = Report { files };
        let counts = report.summary();
        assert_eq!(Ending::of(&report).outcome(), Outcome::Error);
        let whole = Document {
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
                    container: f.container.map(|c| c.name()),
                    payloads: f.container.map(|_| f.payloads),
                    skipped: f.skipped.is_some(),
                    reason: f.skipped.as_deref(),
                    error: f.error.as_deref(),
                    diagnostics: &f.diagnostics,
                })
                .collect(),
            summary: SummaryOut {
                counts: &counts,
                outcome: Outcome::Error,
            },
        };
        let expected = serde_json::to_string_pretty(&whole).unwrap() + "\n";
        assert_eq!(crate::render(&report, crate::Format::Json), expected);
        let empty = Report::default();
        let expected = serde_json::to_string_pretty(&Document {
            files: Vec::new(),
            summary: SummaryOut {
                counts: &Summary::default(),
                outcome: Outcome::Passed,
            },
            ..whole
        })
        .unwrap()
            + "\n";
        assert_eq!(crate::render(&empty, crate::Format::Json), expected);
    }
}
