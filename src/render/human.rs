//! `--format human`: miette's graphical reports, one per finding, with the
//! source excerpt (secrets masked), the label at the span, the rule's code
//! and name, the help line, and a summary at the end.

use std::borrow::Cow;
use std::fmt;

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
    /// The message and help as drawn: broken into lines already when the
    /// handler does not wrap them.
    message: Cow<'a, str>,
    help: Option<Cow<'a, str>>,
}

/// A file's text as miette reads excerpts from it, named as miette's
/// `NamedSource` names it. miette finds an excerpt by reading the text
/// byte by byte from its start, once for every label of every finding; here
/// it reads from a few lines above the span, found in an index of line
/// starts built once per file. The excerpt is the same: miette's reading is
/// the same from any line start at least `context_lines_before` lines up,
/// but for the line count and the offsets, which are shifted back.
///
/// A line longer than [`LONG_LINE`] bytes (a certificate on one line, a
/// minified file) is shown shortened, as rustc shortens it: what lies more
/// than [`KEPT_AROUND`] bytes from every label's ends is cut out and an
/// ellipsis stands in its place. Labels are moved to match
/// ([`Excerpted::shown_span`]); the `file:line:column` of the header stays
/// the file's.
struct Excerpted<'a> {
    name: &'a str,
    text: Cow<'a, str>,
    /// Where each line of `text` starts, as miette breaks lines: after `\n`,
    /// after `\r\n`, and after a `\r` alone.
    line_starts: Vec<usize>,
    /// The stretches cut out, in order.
    cuts: Vec<Cut>,
}

/// Lines longer than this, in bytes, are shortened in excerpts.
const LONG_LINE: usize = 120;
/// Bytes kept on either side of a label's start and end on a shortened line,
/// and at the start of the line.
const KEPT_AROUND: usize = 40;
/// Shorter stretches than this are not worth an ellipsis.
const SHORTEST_CUT: usize = 16;
const ELLIPSIS: &str = "…";

/// A stretch of the file left out of the text shown.
struct Cut {
    /// Where the stretch starts and ends in the file.
    start: usize,
    end: usize,
    /// Where its ellipsis is in the text shown.
    shown_at: usize,
    /// Bytes shown fewer than in the file, up to the end of this cut.
    fewer: usize,
}

impl Cut {
    /// Bytes shown fewer than in the file for this cut alone.
    fn removed(&self) -> usize {
        self.end - self.start - ELLIPSIS.len()
    }
}

fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut line_starts = vec![0];
    for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
        if bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n') {
            continue; // the `\n` ends this line
        }
        line_starts.push(at + 1);
    }
    line_starts
}

impl<'a> Excerpted<'a> {
    /// The whole text, as it is.
    fn new(name: &'a str, text: &'a str) -> Self {
        Self {
            name,
            text: Cow::Borrowed(text),
            line_starts: line_starts(text),
            cuts: Vec::new(),
        }
    }

    /// The text with its long lines shortened around `ends`, the offsets
    /// where labels start and end.
    fn shortened(name: &'a str, text: &'a str, mut ends: Vec<usize>) -> Self {
        let whole = Self::new(name, text);
        let starts = &whole.line_starts;
        let bytes = text.as_bytes();
        let line_end = |line: usize| {
            let mut end = starts.get(line + 1).copied().unwrap_or(text.len());
            while end > starts[line] && matches!(bytes[end - 1], b'\n' | b'\r') {
                end -= 1;
            }
            end
        };
        if (0..starts.len()).all(|line| line_end(line) - starts[line] <= LONG_LINE) {
            return whole;
        }
        ends.sort_unstable();
        let mut shown = String::with_capacity(text.len());
        let mut cuts: Vec<Cut> = Vec::new();
        let mut copied = 0;
        let mut cut = |from: usize, to: usize| {
            let (mut start, mut end) = (from, to);
            while !text.is_char_boundary(start) {
                start += 1;
            }
            while !text.is_char_boundary(end) {
                end -= 1;
            }
            if end < start + SHORTEST_CUT {
                return;
            }
            shown.push_str(&text[copied..start]);
            let mut cut = Cut {
                start,
                end,
                shown_at: shown.len(),
                fewer: cuts.last().map_or(0, |c| c.fewer),
            };
            cut.fewer += cut.removed();
            cuts.push(cut);
            shown.push_str(ELLIPSIS);
            copied = end;
        };
        for (line, &start) in starts.iter().enumerate() {
            let end = line_end(line);
            if end - start <= LONG_LINE {
                continue;
            }
            let first = ends.partition_point(|&at| at < start);
            let last = ends.partition_point(|&at| at <= end);
            let mut kept_to = start + KEPT_AROUND;
            for &at in &ends[first..last] {
                let keep_from = at.saturating_sub(KEPT_AROUND).max(start);
                if keep_from > kept_to {
                    cut(kept_to, keep_from);
                }
                kept_to = kept_to.max(at + KEPT_AROUND);
            }
            if end > kept_to {
                cut(kept_to, end);
            }
        }
        if cuts.is_empty() {
            return whole;
        }
        shown.push_str(&text[copied..]);
        Self {
            name,
            line_starts: line_starts(&shown),
            text: Cow::Owned(shown),
            cuts,
        }
    }

    /// Where the file's `offset` is in the text shown.
    fn shown_offset(&self, offset: usize) -> usize {
        let after = self.cuts.partition_point(|c| c.end <= offset);
        match self.cuts.get(after) {
            Some(cut) if cut.start < offset => cut.shown_at,
            _ => offset - after.checked_sub(1).map_or(0, |c| self.cuts[c].fewer),
        }
    }

    /// Where the file's `span` is in the text shown.
    fn shown_span(&self, span: SourceSpan) -> SourceSpan {
        if self.cuts.is_empty() {
            return span;
        }
        let start = self.shown_offset(span.offset());
        let end = self.shown_offset(span.offset() + span.len());
        SourceSpan::from((start, end - start))
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
        // miette reports the column (in bytes) of a span read without context
        // lines: the file's column, counting what was cut before it.
        let line_start = self.line_starts[line];
        let cut_before: usize = self
            .cuts
            .iter()
            .filter(|c| (line_start..span.offset()).contains(&c.shown_at))
            .map(Cut::removed)
            .sum();
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.to_string(),
            inner.data(),
            SourceSpan::from((inner.span().offset() + from, inner.span().len())),
            inner.line() + skipped,
            if context_lines_before == 0 {
                inner.column() + cut_before
            } else {
                inner.column()
            },
            inner.line_count() + skipped,
        )))
    }
}

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl fmt::Display for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
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
        self.help
            .as_ref()
            .map(|h| Box::new(h) as Box<dyn fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(self.source)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        Some(Box::new(
            self.diagnostic
                .labels_at(|span| self.source.shown_span(span)),
        ))
    }
}

/// Renders every finding of the report, then a summary line.
pub fn render_human(report: &Report, options: HumanOptions) -> String {
    Human::new(options).render(report)
}

/// `--format human`.
pub struct Human {
    handler: GraphicalReportHandler,
    /// The same handler with wrapping off, for findings whose message and
    /// help [`wrap_ascii`] has broken into lines already, as textwrap would:
    /// textwrap's search for break points was a third of the cost of drawing.
    unwrapped: GraphicalReportHandler,
    /// The columns a message line and a help line have beside their indents.
    message_width: usize,
    help_width: usize,
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
        // miette wraps to the width less 2, after indents of 4 columns for
        // the message (`  × `, `  │ `) and 8 for the help (`  help: `).
        let width = options.width.saturating_sub(2);
        Self {
            unwrapped: handler.clone().with_wrap_lines(false),
            handler,
            message_width: width.saturating_sub(4),
            help_width: width.saturating_sub(8),
        }
    }
}

/// `text` broken into lines of at most `width` columns as textwrap breaks it
/// with miette's options here (words split at ASCII spaces, first fit,
/// the spaces at a break dropped), when that is simple: one line of
/// printable ASCII, one column a byte, no space at either end, no word wider
/// than a line. `None` otherwise, for textwrap to do.
fn wrap_ascii(text: &str, width: usize) -> Option<Cow<'_, str>> {
    let bytes = text.as_bytes();
    if !bytes.iter().all(|&b| b.is_ascii_graphic() || b == b' ')
        || bytes.first() == Some(&b' ')
        || bytes.last() == Some(&b' ')
    {
        return None;
    }
    if bytes.len() <= width {
        return Some(Cow::Borrowed(text));
    }
    let mut wrapped = String::with_capacity(text.len() + 8);
    let mut line_start = 0;
    // Columns taken on the line so far, with the spaces after its last word.
    let mut taken = 0;
    let mut word_start = 0;
    while word_start < bytes.len() {
        let word_end =
            memchr::memchr(b' ', &bytes[word_start..]).map_or(bytes.len(), |at| word_start + at);
        let spaces_end = bytes[word_end..]
            .iter()
            .position(|&b| b != b' ')
            .map_or(bytes.len(), |at| word_end + at);
        let word = word_end - word_start;
        if word > width {
            return None;
        }
        if taken + word > width && word_start > line_start {
            wrapped.push_str(text[line_start..word_start].trim_end_matches(' '));
            wrapped.push('\n');
            line_start = word_start;
            taken = 0;
        }
        taken += spaces_end - word_start;
        word_start = spaces_end;
    }
    wrapped.push_str(&text[line_start..]);
    Some(Cow::Owned(wrapped))
}

impl PerFile for Human {
    fn draw(&self, file: &FileReport) -> String {
        let mut out = String::new();
        if let Some(error) = &file.error {
            out.push_str(&format!("error: {}: {error}\n\n", file.path));
        }
        let ends = file
            .diagnostics
            .iter()
            .flat_map(|d| std::iter::once(&d.span).chain(d.related.iter().map(|l| &l.span)))
            .flat_map(|span| [span.offset, span.offset + span.length])
            .collect();
        let source = Excerpted::shortened(&file.path, &file.redacted_source, ends);
        for d in &file.diagnostics {
            let wrapped = wrap_ascii(&d.message, self.message_width).and_then(|message| {
                match d.help.as_deref() {
                    None => Some((message, None)),
                    Some(help) => wrap_ascii(help, self.help_width).map(|h| (message, Some(h))),
                }
            });
            let (handler, (message, help)) = match wrapped {
                Some(texts) => (&self.unwrapped, texts),
                None => (
                    &self.handler,
                    (
                        Cow::Borrowed(d.message.as_str()),
                        d.help.as_deref().map(Cow::Borrowed),
                    ),
                ),
            };
            let shown = Shown {
                diagnostic: d,
                source: &source,
                message,
                help,
            };
            // Rendering into a String cannot fail.
            let _ = handler.render_report(&mut out, &shown);
            out.push('\n');
        }
        out
    }

    fn head(&self) -> String {
        String::new()
    }

    fn before_part(&self, _first: bool) -> &'static str {
        ""
    }

    fn tail(&self, s: Summary, _parts: usize) -> String {
        let checked = s.files - s.skipped;
        let counts = format!(
            "{}: {}, {}, {}",
            if s.errors > 0 { "failed" } else { "passed" },
            plural(s.errors, "error", "errors"),
            plural(s.warnings, "warning", "warnings"),
            plural(s.infos, "info", "infos"),
        );
        let mut line = if s.containers == 0 {
            let mut line = format!("{counts} in {}", plural(checked, "file", "files"));
            if s.skipped > 0 {
                line.push_str(&format!(
                    " ({} skipped: not identity-provider payloads)",
                    s.skipped
                ));
            }
            line
        } else {
            let mut line = format!(
                "{counts} in {} in {}",
                plural(s.payloads(), "payload", "payloads"),
                plural(checked, "file", "files"),
            );
            if s.skipped > 0 {
                line.push_str(&format!(
                    "; {} without payloads",
                    plural(s.skipped, "file", "files")
                ));
            }
            line
        };
        line.push('\n');
        line
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

    /// `len` bytes of words of many lengths, single and double spaces.
    fn words(len: usize, seed: usize) -> String {
        let words = [
            "set",
            "`options.issuer`",
            "to",
            "",
            "an",
            "https://",
            "URL,",
            "(e.g.",
            "\"https://login.example.com/realms/corp\")",
            "a",
            "x509",
            "certificate",
        ];
        let mut text = String::new();
        for i in 0.. {
            if text.len() >= len {
                break;
            }
            text.push_str(words[(i * 7 + seed) % words.len()]);
            text.push(' ');
        }
        text.truncate(len);
        text.trim().to_string()
    }

    #[test]
    fn text_wrapped_here_is_drawn_as_textwrap_draws_it() {
        let mut wrapped_here = 0;
        for (width, color) in [40, 80, 100, 140]
            .into_iter()
            .flat_map(|w| [(w, false), (w, true)])
        {
            let human = Human::new(HumanOptions { color, width });
            for len in 1..=3 * width {
                let (message, help) = (words(len, len), words(len, len + 5));
                let (Some(our_message), Some(our_help)) = (
                    wrap_ascii(&message, human.message_width),
                    wrap_ascii(&help, human.help_width),
                ) else {
                    continue;
                };
                wrapped_here += 1;
                for severity in [
                    miette::Severity::Error,
                    miette::Severity::Warning,
                    miette::Severity::Advice,
                ] {
                    let draw = |handler: &GraphicalReportHandler, message: &str, help: &str| {
                        let shown = miette::MietteDiagnostic::new(message)
                            .with_code("IDP000 name")
                            .with_severity(severity)
                            .with_help(help);
                        let mut out = String::new();
                        handler.render_report(&mut out, &shown).unwrap();
                        out
                    };
                    assert_eq!(
                        draw(&human.unwrapped, &our_message, &our_help),
                        draw(&human.handler, &message, &help),
                        "{width} {color}: {message:?} / {help:?}"
                    );
                }
            }
        }
        assert!(wrapped_here > 1000, "{wrapped_here}");
    }

    #[test]
    fn textwrap_wraps_what_is_not_simple() {
        assert_eq!(wrap_ascii("fits", 10).as_deref(), Some("fits"));
        assert_eq!(
            wrap_ascii("one two three", 7).as_deref(),
            Some("one two\nthree")
        );
        assert_eq!(
            wrap_ascii("one  two three", 8).as_deref(),
            Some("one  two\nthree")
        );
        assert_eq!(wrap_ascii(" leading space", 80), None);
        assert_eq!(wrap_ascii("trailing space ", 80), None);
        assert_eq!(wrap_ascii("two\nlines", 80), None);
        assert_eq!(wrap_ascii("a tab\there", 80), None);
        assert_eq!(wrap_ascii("naïve", 80), None);
        assert_eq!(wrap_ascii("a word-wider-than-the-line", 10), None);
    }

    /// The line of the shown text that holds `offset` of the file.
    fn shown_line(source: &Excerpted, offset: usize) -> String {
        let at = source.shown_offset(offset);
        let start = source.text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = source.text[at..]
            .find('\n')
            .map_or(source.text.len(), |i| at + i);
        source.text[start..end].to_string()
    }

    #[test]
    fn long_lines_are_cut_away_from_the_labels() {
        let cert = format!("MIIC{}AB==", "x".repeat(1500));
        let text = format!("{{\n  \"kid\": \"k1\",\n  \"pem\": \"{cert}\"\n}}\n");
        let start = text.find("MIIC").unwrap() - 1;
        let end = start + cert.len() + 2;
        let source = Excerpted::shortened("p.json", &text, vec![start, end]);
        // One cut, in the middle of the certificate; the short lines stay.
        assert_eq!(source.cuts.len(), 1);
        let line = shown_line(&source, start);
        assert!(line.len() < 120, "{line}");
        assert!(line.starts_with("  \"pem\": \"MIICxxx"), "{line}");
        assert!(line.contains('…') && line.ends_with("xxxAB==\""), "{line}");
        assert!(source.text.contains("\"kid\": \"k1\",\n"));
        // The label covers what is left of the string, quote to quote.
        let span = source.shown_span(SourceSpan::from((start, end - start)));
        assert_eq!(&source.text[span.offset()..][..1], "\"");
        assert_eq!(&source.text[span.offset() + span.len() - 1..][..1], "\"");
        // After the cut, offsets move back by what was cut.
        let close = text.rfind('}').unwrap();
        assert_eq!(&source.text[source.shown_offset(close)..][..1], "}");
    }

    #[test]
    fn the_header_keeps_the_files_column_after_a_cut() {
        // A minified body: the label far along one line, past a cut.
        let text = format!(
            "{{\"a\": \"{}\", \"protocol\": \"oidc\", \"b\": \"{}\"}}",
            "é".repeat(200),
            "z".repeat(200)
        );
        let start = text.find("\"oidc\"").unwrap();
        let source = Excerpted::shortened("p.json", &text, vec![start, start + 6]);
        assert_eq!(source.cuts.len(), 2);
        let span = source.shown_span(SourceSpan::from((start, 6)));
        assert_eq!(&source.text[span.offset()..][..span.len()], "\"oidc\"");
        let header = source.read_span(&span, 0, 0).unwrap();
        assert_eq!(header.column(), start, "bytes before the label on its line");
        assert_eq!(header.line(), 0);
        // Cuts fall between characters, never inside one.
        assert!(source.text.is_char_boundary(source.cuts[0].shown_at));
    }

    #[test]
    fn short_lines_and_labels_inside_them_are_left_alone() {
        let text = "{\n  \"protocol\": \"oidc\"\n}\n";
        let source = Excerpted::shortened("p.json", text, vec![4, 14]);
        assert!(source.cuts.is_empty());
        assert_eq!(source.text, text);
        // A long line whose labels leave no long stretch between them is whole.
        let text = format!("[{}]", "1, ".repeat(50));
        let ends = (0..text.len()).step_by(20).collect();
        let source = Excerpted::shortened("p.json", &text, ends);
        assert!(source.cuts.is_empty());
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
