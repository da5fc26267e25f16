//! `--format json`: the stable document described in the README.

use std::cell::RefCell;
use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

use super::{PerFile, Report, Summary};
use crate::diagnostic::Diagnostic;
use crate::kind::Kind;
use crate::linter::FileReport;

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
    Json.render(report)
}

/// `--format json`. Each file's entry is serialised on its own, already
/// indented to its place in the document: the text is the same as
/// serialising the whole document at once.
#[derive(Debug, Clone, Copy, Default)]
pub struct Json;

impl PerFile for Json {
    fn draw(&self, f: &FileReport) -> String {
        pretty_at(
            &File {
                path: &f.path,
                kind: f.kind,
                skipped: f.skipped.is_some(),
                reason: f.skipped.as_deref(),
                error: f.error.as_deref(),
                diagnostics: &f.diagnostics,
            },
            2,
        )
    }

    fn head(&self) -> String {
        let tool = Tool {
            name: env!("CARGO_PKG_NAME"),
            version: env!("CARGO_PKG_VERSION"),
        };
        format!(
            "{{\n  \"version\": 1,\n  \"tool\": {},\n  \"files\": [",
            pretty_at(&tool, 1)
        )
    }

    fn before_part(&self, first: bool) -> &'static str {
        if first {
            "\n    "
        } else {
            ",\n    "
        }
    }

    fn tail(&self, summary: Summary, parts: usize) -> String {
        format!(
            "{},\n  \"summary\": {}\n}}\n",
            if parts == 0 { "]" } else { "\n  ]" },
            pretty_at(&summary, 1)
        )
    }
}

/// The largest buffer a thread keeps between two files' entries.
const KEPT_BUFFER_BYTES: usize = 1 << 20;

/// `value` as pretty JSON (two-space indent) for a place `depth` levels deep
/// in a document: every line after the first is indented as if the
/// enclosing levels were there.
///
/// The text is written into a buffer the thread keeps, then copied into a
/// string of its exact length: a run keeps every file's text until the end,
/// and a string grown by doubling would hold a third more than its text.
fn pretty_at<T: Serialize>(value: &T, depth: usize) -> String {
    thread_local! {
        static WRITTEN: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
    }
    WRITTEN.with_borrow_mut(|out| {
        out.clear();
        let mut serializer = serde_json::Serializer::with_formatter(&mut *out, Nested::at(depth));
        let text = match value.serialize(&mut serializer) {
            // serde_json writes UTF-8 only.
            Ok(()) => String::from_utf8(out.to_vec()).unwrap_or_else(|e| e.to_string()),
            Err(e) => format!("{{\"error\": \"{e}\"}}"),
        };
        if out.capacity() > KEPT_BUFFER_BYTES {
            // A large report's buffer is not kept for the small ones after it.
            *out = Vec::new();
        }
        text
    })
}

/// serde_json's pretty formatter, started `depth` levels deep.
struct Nested {
    depth: usize,
    has_value: bool,
}

impl Nested {
    fn at(depth: usize) -> Self {
        Self {
            depth,
            has_value: false,
        }
    }

    fn new_line<W: ?Sized + Write>(&self, writer: &mut W, comma: bool) -> io::Result<()> {
        const SPACES: &[u8; 64] = &[b' '; 64];
        writer.write_all(if comma { b",\n" } else { b"\n" })?;
        let mut width = self.depth * 2;
        while width > 0 {
            let run = width.min(SPACES.len());
            writer.write_all(&SPACES[..run])?;
            width -= run;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth += 1;
        self.has_value = false;
        writer.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, writer: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.depth -= 1;
        if self.has_value {
            self.new_line(writer, false)?;
        }
        writer.write_all(bracket)
    }
}

impl Formatter for Nested {
    fn begin_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.new_line(writer, !first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.open(writer, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        self.close(writer, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> io::Result<()> {
        self.new_line(writer, !first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, writer: &mut W) -> io::Result<()> {
        writer.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _writer: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde::Serialize;

    use super::{render_json, File, Tool};
    use crate::linter::FileReport;
    use crate::{Linter, Options, Report, SourceOptions, Summary};

    #[derive(Serialize)]
    struct Document<'a> {
        version: u32,
        tool: Tool,
        files: Vec<File<'a>>,
        summary: Summary,
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
        assert!(files.iter().any(|f| f.diagnostics.len() > 1));
        assert!(files.iter().any(|f| f.skipped.is_some()));
        let report = Report { files };
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
                    skipped: f.skipped.is_some(),
                    reason: f.skipped.as_deref(),
                    error: f.error.as_deref(),
                    diagnostics: &f.diagnostics,
                })
                .collect(),
            summary: report.summary(),
        };
        let expected = serde_json::to_string_pretty(&whole).unwrap() + "\n";
        assert_eq!(render_json(&report), expected);
        let empty = Report::default();
        let expected = serde_json::to_string_pretty(&Document {
            files: Vec::new(),
            summary: empty.summary(),
            ..whole
        })
        .unwrap()
            + "\n";
        assert_eq!(render_json(&empty), expected);
    }
}
