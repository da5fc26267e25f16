//! `--format human`: miette's graphical reports, one per finding, with the
//! source excerpt (secrets masked), the label at the span, the rule's code
//! and name, the help line, and a summary at the end.

use std::borrow::Cow;
use std::fmt;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan};

use super::excerpt::{visible, Excerpt, FileLines};
use super::{Ending, PerFile, Report};
use crate::diagnostic::Diagnostic;
use crate::linter::FileReport;

/// How the human report looks.
#[derive(Debug, Clone, Copy)]
pub struct HumanOptions {
    pub color: bool,
    pub width: usize,
    /// The findings only: no summary line at the end.
    pub quiet: bool,
}

impl Default for HumanOptions {
    fn default() -> Self {
        Self {
            color: false,
            width: 100,
            quiet: false,
        }
    }
}

/// A diagnostic with its excerpt.
struct Shown<'a> {
    diagnostic: &'a Diagnostic,
    source: &'a Excerpt,
    lines: &'a FileLines<'a>,
    /// The message and help as drawn: broken into lines already when the
    /// handler does not wrap them.
    message: Cow<'a, str>,
    help: Option<Cow<'a, str>>,
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
                .labels_at(|span| self.source.shown_span(self.lines, span))
                .map(|label| {
                    let text = label.label().map(|t| visible(t).into_owned());
                    if label.primary() {
                        LabeledSpan::new_primary_with_span(text, *label.inner())
                    } else {
                        LabeledSpan::new_with_span(text, *label.inner())
                    }
                }),
        ))
    }
}

/// `out` with nothing a CI runner would take for a command: the GitHub
/// Actions runner runs a line that starts with `::` after spaces, and its
/// older parser runs `##[…]` anywhere in a line. Input can put either in a
/// message or an excerpt; a backslash keeps it visible and inert.
fn inert(out: String) -> String {
    if !out.contains("::") && !out.contains("##[") {
        return out;
    }
    let mut safe = String::with_capacity(out.len() + 16);
    for line in out.split_inclusive('\n') {
        let indent = line.len() - line.trim_start().len();
        if line[indent..].starts_with("::") {
            safe.push_str(&line[..indent]);
            safe.push('\\');
            safe.push_str(&line[indent..].replace("##[", "##\\["));
        } else {
            safe.push_str(&line.replace("##[", "##\\["));
        }
    }
    safe
}

/// Renders every finding of the report, then a summary line. A file that
/// could not be read is counted there; its [`FileReport::error`] says why.
pub fn render_human(report: &Report, options: HumanOptions) -> String {
    Human::new(options).render(report, &Ending::of(report))
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
    quiet: bool,
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
            quiet: options.quiet,
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
        let lines = FileLines::new(&file.redacted_source);
        for d in &file.diagnostics {
            let message = visible(&d.message);
            let help = d.help_and_fix();
            let help = help.as_deref().map(visible);
            let wrapped = wrap_ascii(&message, self.message_width).and_then(|wrapped| {
                match help.as_deref() {
                    None => Some((wrapped, None)),
                    Some(help) => wrap_ascii(help, self.help_width).map(|h| (wrapped, Some(h))),
                }
            });
            let (handler, (message, help)) = match wrapped {
                Some((m, h)) => (
                    &self.unwrapped,
                    (
                        Cow::Owned(m.into_owned()),
                        h.map(|h| Cow::Owned(h.into_owned())),
                    ),
                ),
                None => (&self.handler, (message, help)),
            };
            let spans: Vec<_> = std::iter::once((d.span, d.start))
                .chain(d.related.iter().map(|l| (l.span, l.start)))
                .map(|(span, start)| {
                    (
                        miette::SourceSpan::new(span.offset.into(), span.length),
                        start,
                    )
                })
                .collect();
            let source = Excerpt::new(&file.path, &lines, &spans);
            let shown = Shown {
                diagnostic: d,
                source: &source,
                lines: &lines,
                message,
                help,
            };
            // Rendering into a String cannot fail.
            let _ = handler.render_report(&mut out, &shown);
            out.push('\n');
        }
        inert(out)
    }

    fn head(&self) -> String {
        String::new()
    }

    fn before_part(&self, _first: bool) -> &'static str {
        ""
    }

    fn tail(&self, ending: &Ending, _parts: usize) -> String {
        if self.quiet {
            return String::new();
        }
        let mut line = ending.line();
        line.push('\n');
        line
    }
}

#[cfg(test)]
mod tests {
    use super::*;
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
            let human = Human::new(HumanOptions {
                color,
                width,
                quiet: false,
            });
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
}
