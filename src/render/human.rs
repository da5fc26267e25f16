//! `--format human`: miette's graphical reports, one per finding, with the
//! source excerpt (secrets masked), the label at the span, the rule's code
//! and name, the help line, and a summary at the end.

use std::fmt;
use std::io;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteError, MietteSpanContents,
    SourceCode, SourceSpan, SpanContents,
};

use super::{plural, PerFile, Report, Summary};
use crate::diagnostic::Diagnostic;
use crate::linter::FileReport;

/// How the human report looks.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
}

impl Default for HumanOptions {
    fn default() -> Self {
        Self {
            color: false,
            width: 100,
        }
    }
}

/// A diagnostic with its file's (redacted) text, for the excerpt.
struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a Excerpted<'a>,
}

/// A file's text as miette reads excerpts from it, named as miette's
/// `NamedSource` names it. miette finds an excerpt by reading the text
/// byte by byte from its start, once for every label of every finding; here
/// it reads from a few lines above the span, found in an index of line
/// starts built once per file. The excerpt is the same: miette's reading is
/// the same from any line start at least `context_lines_before` lines up,
/// but for the line count and the offsets, which are shifted back.
struct Excerpted<'a> {
    name: &'a str,
    text: &'a str,
    /// Where each line starts, as miette breaks lines: after `\n`, after
    /// `\r\n`, and after a `\r` alone.
    line_starts: Vec<usize>,
}

impl<'a> Excerpted<'a> {
    fn new(name: &'a str, text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut line_starts = vec![0];
        for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
                continue; // the `\n` ends this line
            }
            line_starts.push(at + 1);
        }
        Self {
            name,
            text,
            line_starts,
        }
    }
}

impl SourceCode for Excerpted<'_> {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        // The line the span starts on, and the one to read from: one more line
        // up than miette keeps, so that its reading is the same as from the top.
        let line = self
            .line_starts
            .partition_point(|&start| start <= span.offset())
            .saturating_sub(1);
        let skipped = line.saturating_sub(context_lines_before + 1);
        let from = self.line_starts[skipped];
        let shifted = SourceSpan::from((span.offset() - from, span.len()));
        let inner =
            self.text[from..].read_span(&shifted, context_lines_before, context_lines_after)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            SourceSpan::from((inner.span().offset() + from, inner.span().len())),
            inner.line() + skipped,
            inner.column(),
            inner.line_count() + skipped,
        )))
    }
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.diagnostic, f)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.diagnostic, f)
    }
}

impl std::error::Error for Shown<'_> {}

impl miette::Diagnostic for Shown<'_> {
    fn code<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        miette::Diagnostic::severity(self.diagnostic)
    }

    fn help<'b>(&'b self) -> Option<Box<dyn fmt::Display + 'b>> {
        self.diagnostic.help()
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.diagnostic.labels()
    }
}

/// Renders every finding of the report, then a summary line.
pub fn render_human(report: &Report, options: HumanOptions) -> String {
    Human::new(options).render(report)
}

/// `--format human`.
pub struct Human {
    handler: GraphicalReportHandler,
}

impl Human {
    pub fn new(options: HumanOptions) -> Self {
        let theme = if options.color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        // Lines break at spaces only: the Unicode line-breaking search that is
        // textwrap's default was the costliest part of drawing a report, and a
        // path or pointer is better kept whole on the next line than cut at a
        // `/` or `-`.
        let handler = GraphicalReportHandler::new_themed(theme)
            .with_width(options.width)
            .with_word_separator(textwrap::WordSeparator::AsciiSpace)
            .with_word_splitter(textwrap::WordSplitter::NoHyphenation)
            .with_links(false);
        Self { handler }
    }
}

impl PerFile for Human {
    fn draw(&self, file: &FileReport) -> String {
        let mut out = String::new();
        if let Some(error) = &file.error {
            out.push_str(&format!("error: {}: {error}\n\n", file.path));
        }
        let source = Excerpted::new(&file.path, &file.redacted_source);
        for d in &file.diagnostics {
            let shown = Shown {
                diagnostic: d,
                source: &source,
            };
            // Rendering into a String cannot fail.
            let _ = self.handler.render_report(&mut out, &shown);
            out.push('\n');
        }
        out
    }

    fn write(&self, files: &[String], s: Summary, out: &mut dyn io::Write) -> io::Result<()> {
        for file in files {
            out.write_all(file.as_bytes())?;
        }
        let checked = s.files - s.skipped;
        write!(
            out,
            "{}: {}, {}, {} in {}",
            if s.errors > 0 { "failed" } else { "passed" },
            plural(s.errors, "error", "errors"),
            plural(s.warnings, "warning", "warnings"),
            plural(s.infos, "info", "infos"),
            plural(checked, "file", "files"),
        )?;
        if s.skipped > 0 {
            write!(
                out,
                " ({} skipped: not identity-provider payloads)",
                s.skipped
            )?;
        }
        out.write_all(b"\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use miette::NamedSource;

    /// Everything miette reads of an excerpt: text, span, line, column,
    /// line count and name.
    fn read(source: &dyn SourceCode, span: (usize, usize), before: usize, after: usize) -> String {
        match source.read_span(&span.into(), before, after) {
            Ok(c) => format!(
                "{:?} {:?} {} {} {} {:?}",
                c.data(),
                c.span(),
                c.line(),
                c.column(),
                c.line_count(),
                c.name()
            ),
            Err(e) => format!("error: {e}"),
        }
    }

    #[test]
    fn excerpts_are_read_as_miette_reads_them() {
        let texts = [
            "{\n  \"a\": 1,\n  \"b\": [\n    2,\n    3\n  ],\n  \"c\": \"x\"\n}\n".to_string(),
            "{\r\n  \"a\": 1,\r\n  \"b\": 2,\r\n\r\n  \"c\": 3\r\n}".to_string(),
            "{\r  \"a\": 1,\r\n  \"b\": 2\n\r  \"c\": 3}".to_string(),
            format!("{{\"pem\": \"{}\",\n\"é\": \"ü\"}}", "MIIC".repeat(40)),
        ];
        for text in &texts {
            let theirs = NamedSource::new("payload.json", text.clone());
            let ours = Excerpted::new("payload.json", text);
            for offset in 0..text.len() {
                for len in [0, 1, 5] {
                    if !text.is_char_boundary(offset)
                        || !text.is_char_boundary((offset + len).min(text.len()))
                    {
                        continue;
                    }
                    for (before, after) in [(0, 0), (1, 1), (2, 3), (3, 2)] {
                        assert_eq!(
                            read(&ours, (offset, len), before, after),
                            read(&theirs, (offset, len), before, after),
                            "{text:?} at {offset}+{len}, {before} before, {after} after"
                        );
                    }
                }
            }
        }
    }
}
