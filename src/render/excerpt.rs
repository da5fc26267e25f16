//! The excerpt drawn under one finding: only the lines around its own
//! labels, long lines shortened around them, and every character of input
//! shown as visible text.
//!
//! miette reads an excerpt through [`SourceCode::read_span`]; an [`Excerpt`]
//! answers from a small text built for one finding, so that drawing a
//! finding costs what its excerpt shows, not the size of the file or the
//! number of other findings on the same line:
//!
//! - **Windows.** The excerpt holds the lines of each label with one line
//!   of context on either side (miette's default); labels whose lines are
//!   at most [`JOINED_GAP`] lines apart share a window. A label over more than [`MAX_LABEL_LINES`] lines is
//!   drawn on its first line only.
//! - **Long lines.** A line longer than [`LONG_LINE`] bytes (a certificate
//!   on one line, a minified file) keeps its first [`KEPT_AROUND`] bytes
//!   and as many around each of the finding's label ends; an ellipsis
//!   stands for each stretch cut out, as rustc shortens lines.
//! - **Visible text.** Control characters (C0 but tab and line feed, DEL,
//!   C1), bidirectional overrides and isolates, and other invisible format
//!   characters are shown as `\u{…}` escapes: no byte of input can move
//!   the terminal's cursor, set its title or clipboard, or reorder a line.
//!   A byte order mark at the start of the file is left out.
//!
//! Lines are counted at line feeds only and columns in characters, as the
//! JSON, SARIF and GitHub outputs count them: a carriage return alone does
//! not end a line, it is shown as `\u{d}`.

use std::ops::Range;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use crate::source::{floor_char_boundary, is_invisible, Position};

/// Lines longer than this, in bytes, are shortened in excerpts.
pub const LONG_LINE: usize = 120;
/// Bytes kept on either side of a label's start and end on a shortened line,
/// and at the start of the line.
pub const KEPT_AROUND: usize = 40;
/// Shorter stretches than this are not worth an ellipsis.
const SHORTEST_CUT: usize = 16;
/// A label over more lines than this is drawn on its first line only.
pub const MAX_LABEL_LINES: usize = 12;
/// Two labels' lines this few lines apart are shown in one snippet, the
/// lines between them included.
pub const JOINED_GAP: usize = 3;
/// Lines of context miette shows above and below a label.
const CONTEXT_LINES: usize = 1;
const ELLIPSIS: &str = "…";

/// A file's text and where its lines start, computed once for all the
/// file's findings.
pub struct FileLines<'a> {
    text: &'a str,
    /// Where each line starts: after every line feed.
    starts: Vec<usize>,
}

impl<'a> FileLines<'a> {
    pub fn new(text: &'a str) -> Self {
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(0);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        Self { text, starts }
    }

    /// The 0-based line that byte `offset` is on.
    fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&s| s <= offset)
            .saturating_sub(1)
    }

    /// The bytes of line `line` without its line ending, and its ending.
    fn line(&self, line: usize) -> (Range<usize>, Range<usize>) {
        let start = self.starts[line];
        let next = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let bytes = self.text.as_bytes();
        let mut end = next;
        if end > start && bytes[end - 1] == b'\n' {
            end -= 1;
            if end > start && bytes[end - 1] == b'\r' {
                end -= 1;
            }
        }
        (start..end, end..next)
    }

    /// `span` within the text, on character boundaries, and cut to its first
    /// line when it runs over more than [`MAX_LABEL_LINES`] lines.
    fn drawn(&self, span: SourceSpan) -> Range<usize> {
        let start = floor_char_boundary(self.text, span.offset().min(self.text.len()));
        let end = floor_char_boundary(
            self.text,
            (span.offset() + span.len()).clamp(start, self.text.len()),
        );
        let first = self.line_of(start);
        let last = self.line_of(end);
        if last - first > MAX_LABEL_LINES {
            return start..self.line(first).0.end.max(start);
        }
        start..end
    }
}

/// One finding's excerpt. Offsets into it (the labels' spans, as
/// [`Excerpt::shown_span`] gives them) are offsets of `shown`.
#[derive(Debug, Clone)]
pub struct Excerpt {
    name: String,
    shown: String,
    windows: Vec<Window>,
    /// The file's line and column of each label's start, by its offset in
    /// `shown`: the header's `file:line:column` is the file's.
    starts: Vec<(usize, Position)>,
}

/// Consecutive lines of the file, as shown.
#[derive(Debug, Clone)]
struct Window {
    /// The 0-based line of the file the window starts on.
    first_line: usize,
    file: Range<usize>,
    shown: Range<usize>,
    /// What was shown otherwise than written, in order.
    edits: Vec<Edit>,
}

/// Bytes of the file shown as other text: a stretch cut out (an ellipsis),
/// or an invisible character (its escape).
#[derive(Debug, Clone)]
struct Edit {
    file: Range<usize>,
    shown: Range<usize>,
}

impl Excerpt {
    /// The excerpt of the file named `name` for labels at `spans`, each with
    /// the file's position of its start.
    pub fn new(name: &str, lines: &FileLines<'_>, spans: &[(SourceSpan, Position)]) -> Self {
        let drawn: Vec<Range<usize>> = spans.iter().map(|(s, _)| lines.drawn(*s)).collect();
        let mut ranges: Vec<(usize, usize)> = drawn
            .iter()
            .map(|r| {
                let first = lines.line_of(r.start);
                let last = lines.line_of(r.end);
                (
                    first.saturating_sub(CONTEXT_LINES),
                    (last + CONTEXT_LINES).min(lines.starts.len() - 1),
                )
            })
            .collect();
        ranges.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::new();
        for (first, last) in ranges {
            match merged.last_mut() {
                Some(prev) if first <= prev.1 + 1 + JOINED_GAP => prev.1 = prev.1.max(last),
                _ => merged.push((first, last)),
            }
        }
        let mut ends: Vec<usize> = drawn.iter().flat_map(|r| [r.start, r.end]).collect();
        ends.sort_unstable();
        let mut excerpt = Self {
            name: visible(name).into_owned(),
            shown: String::new(),
            windows: Vec::with_capacity(merged.len()),
            starts: Vec::new(),
        };
        for (first, last) in merged {
            excerpt.push_window(lines, first, last, &ends);
        }
        excerpt.starts = drawn
            .iter()
            .zip(spans)
            .map(|(r, (_, position))| (excerpt.shown_offset(r.start), *position))
            .collect();
        excerpt
    }

    fn push_window(&mut self, lines: &FileLines<'_>, first: usize, last: usize, ends: &[usize]) {
        let text = lines.text;
        let file_start = lines.starts[first];
        let shown_start = self.shown.len();
        let mut edits = Vec::new();
        for line in first..=last {
            let (content, ending) = lines.line(line);
            let mut at = content.start;
            if line == 0 && text.starts_with('\u{feff}') {
                let bom = 0..'\u{feff}'.len_utf8();
                edits.push(Edit {
                    file: bom.clone(),
                    shown: self.shown.len()..self.shown.len(),
                });
                at = bom.end.min(content.end.max(bom.end));
            }
            for (keep, cut) in kept_stretches(text, at..content.end, ends) {
                self.push_visible(text, keep, &mut edits);
                if let Some(cut) = cut {
                    let shown = self.shown.len();
                    self.shown.push_str(ELLIPSIS);
                    edits.push(Edit {
                        file: cut,
                        shown: shown..self.shown.len(),
                    });
                }
            }
            self.shown.push_str(&text[ending]);
        }
        let file_end = lines.line(last).1.end;
        self.windows.push(Window {
            first_line: first,
            file: file_start..file_end,
            shown: shown_start..self.shown.len(),
            edits,
        });
    }

    /// Appends `text[range]` with every invisible character escaped.
    fn push_visible(&mut self, text: &str, range: Range<usize>, edits: &mut Vec<Edit>) {
        if plain_ascii(&text.as_bytes()[range.clone()]) {
            self.shown.push_str(&text[range]);
            return;
        }
        let mut copied = range.start;
        for (i, c) in text[range.clone()].char_indices() {
            if !is_invisible(c) {
                continue;
            }
            let at = range.start + i;
            self.shown.push_str(&text[copied..at]);
            let shown = self.shown.len();
            self.shown.push_str(&escape(c));
            edits.push(Edit {
                file: at..at + c.len_utf8(),
                shown: shown..self.shown.len(),
            });
            copied = at + c.len_utf8();
        }
        self.shown.push_str(&text[copied..range.end]);
    }

    /// Where the file's `offset` is in the text shown: an offset inside an
    /// edited stretch is at the start of what stands for it.
    fn shown_offset(&self, offset: usize) -> usize {
        let w = self
            .windows
            .partition_point(|w| w.file.start <= offset)
            .saturating_sub(1);
        let Some(window) = self.windows.get(w) else {
            return 0;
        };
        let offset = offset.clamp(window.file.start, window.file.end);
        let after = window.edits.partition_point(|e| e.file.end <= offset);
        if let Some(edit) = window.edits.get(after) {
            if edit.file.start < offset || (edit.file.is_empty() && edit.file.start == offset) {
                return edit.shown.start;
            }
        }
        match after.checked_sub(1).map(|e| &window.edits[e]) {
            Some(edit) => edit.shown.end + (offset - edit.file.end),
            None => window.shown.start + (offset - window.file.start),
        }
    }

    /// Where the file's `span` is drawn in the text shown.
    pub fn shown_span(&self, lines: &FileLines<'_>, span: SourceSpan) -> SourceSpan {
        let drawn = lines.drawn(span);
        let start = self.shown_offset(drawn.start);
        let end = self.shown_offset(drawn.end).max(start);
        SourceSpan::from((start, end - start))
    }
}

/// The stretches of a line to keep, each with the stretch cut out after
/// it, if any: all of a short line; of a long one, its start and the bytes
/// around each of `ends` (sorted) on it.
fn kept_stretches(
    text: &str,
    line: Range<usize>,
    ends: &[usize],
) -> Vec<(Range<usize>, Option<Range<usize>>)> {
    if line.len() <= LONG_LINE {
        return vec![(line, None)];
    }
    let mut stretches = Vec::new();
    let mut kept_from = line.start;
    let mut kept_to = (line.start + KEPT_AROUND).min(line.end);
    let first = ends.partition_point(|&at| at < line.start);
    let last = ends.partition_point(|&at| at <= line.end);
    let mut cut = |from: usize, to: usize, kept_from: &mut usize| {
        let start = ceil_char_boundary(text, from);
        let end = floor_char_boundary(text, to);
        if end >= start + SHORTEST_CUT {
            stretches.push((*kept_from..start, Some(start..end)));
            *kept_from = end;
        }
    };
    for &at in &ends[first..last] {
        let keep_from = at.saturating_sub(KEPT_AROUND).max(line.start);
        if keep_from > kept_to {
            cut(kept_to, keep_from, &mut kept_from);
        }
        kept_to = kept_to.max((at + KEPT_AROUND).min(line.end));
    }
    if line.end > kept_to {
        cut(kept_to, line.end, &mut kept_from);
    }
    stretches.push((kept_from..line.end, None));
    stretches.retain(|(keep, cut)| !keep.is_empty() || cut.is_some());
    stretches
}

fn ceil_char_boundary(text: &str, mut at: usize) -> usize {
    while at < text.len() && !text.is_char_boundary(at) {
        at += 1;
    }
    at.min(text.len())
}

/// True for printable ASCII and tabs only: nothing to escape (most text).
fn plain_ascii(bytes: &[u8]) -> bool {
    bytes
        .iter()
        .all(|&b| (0x20..0x7f).contains(&b) || b == b'\t')
}

/// `\u{…}` for a character.
fn escape(c: char) -> String {
    format!("\\u{{{:x}}}", u32::from(c))
}

/// `text` with every invisible character, and line feeds, escaped: for a
/// one-line text taken from input (a file name, a value in a message).
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    visible_except(text, false)
}

/// `text` with every invisible character escaped; line feeds kept when
/// `keep_lines` (a message or help text of several lines).
pub fn visible_except(text: &str, keep_lines: bool) -> std::borrow::Cow<'_, str> {
    if plain_ascii(text.as_bytes()) {
        return std::borrow::Cow::Borrowed(text);
    }
    let needs = |c: char| is_invisible(c) || (c == '\n' && !keep_lines);
    if !text.chars().any(needs) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if needs(c) {
            out.push_str(&escape(c));
        } else {
            out.push(c);
        }
    }
    std::borrow::Cow::Owned(out)
}

impl SourceCode for Excerpt {
    fn read_span<'b>(
        &'b self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'b> + 'b>, MietteError> {
        let w = self
            .windows
            .partition_point(|w| w.shown.start <= span.offset())
            .saturating_sub(1);
        let window = self.windows.get(w).ok_or(MietteError::OutOfBounds)?;
        let text = &self.shown[window.shown.clone()];
        let local =
            SourceSpan::from((span.offset().saturating_sub(window.shown.start), span.len()));
        let inner = text.read_span(&local, context_lines_before, context_lines_after)?;
        // miette counts the lines up to the end of what it read from the
        // start of its text, and takes two snippets whose counts meet for
        // one: a window's are the file's. A span that leaves its window is
        // out of bounds, so snippets of two windows are never joined.
        let line = window.first_line + inner.line();
        let line_count = window.first_line + inner.line_count();
        let column = match self.starts.iter().find(|(at, _)| *at == span.offset()) {
            Some((_, position)) if context_lines_before == 0 => position.column.saturating_sub(1),
            _ => inner.column(),
        };
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            SourceSpan::from((
                inner.span().offset() + window.shown.start,
                inner.span().len(),
            )),
            line,
            column,
            line_count,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::source::LineIndex;
    use miette::NamedSource;

    /// The excerpt for one label at `span` of `text`, placed as the linter
    /// places findings.
    fn excerpt(text: &str, span: (usize, usize)) -> (Excerpt, FileLines<'_>, SourceSpan) {
        let lines = FileLines::new(text);
        let bom = if text.starts_with('\u{feff}') { 3 } else { 0 };
        let index = LineIndex::new(text, bom);
        let span = SourceSpan::from(span);
        let excerpt = Excerpt::new(
            "p.json",
            &lines,
            &[(span, index.position(text, span.offset()))],
        );
        let shown = excerpt.shown_span(&lines, span);
        (excerpt, lines, shown)
    }

    /// The shown line that holds the shown offset `at`.
    fn shown_line(excerpt: &Excerpt, at: usize) -> &str {
        let text = &excerpt.shown;
        let start = text[..at].rfind('\n').map_or(0, |i| i + 1);
        let end = text[at..].find('\n').map_or(text.len(), |i| at + i);
        &text[start..end]
    }

    #[test]
    fn long_lines_are_cut_away_from_the_label() {
        let cert = format!("MIIC{}AB==", "x".repeat(1500));
        let text = format!("{{\n  \"kid\": \"k1\",\n  \"pem\": \"{cert}\"\n}}\n");
        let start = text.find("MIIC").unwrap() - 1;
        let end = start + cert.len() + 2;
        let (excerpt, _, span) = excerpt(&text, (start, end - start));
        let line = shown_line(&excerpt, span.offset());
        assert!(line.len() < 120, "{line}");
        assert!(line.starts_with("  \"pem\": \"MIICxxx"), "{line}");
        assert!(line.contains('…') && line.ends_with("xxxAB==\""), "{line}");
        // The lines around it are shown whole; the label covers what is
        // left of the string, quote to quote.
        assert_eq!(
            excerpt.shown,
            format!("  \"kid\": \"k1\",\n{line}\n}}\n"),
            "one line of context on either side"
        );
        assert_eq!(&excerpt.shown[span.offset()..][..1], "\"");
        assert_eq!(&excerpt.shown[span.offset() + span.len() - 1..][..1], "\"");
    }

    #[test]
    fn the_header_gives_the_files_line_and_column_in_characters() {
        // A minified body: the label far along one line, past a cut.
        let text = format!(
            "{{\"a\": \"{}\", \"protocol\": \"oidc\", \"b\": \"{}\"}}",
            "é".repeat(200),
            "z".repeat(200)
        );
        let start = text.find("\"oidc\"").unwrap();
        let (excerpt, _, span) = excerpt(&text, (start, 6));
        assert_eq!(excerpt.windows[0].edits.len(), 2, "{}", excerpt.shown);
        assert_eq!(&excerpt.shown[span.offset()..][..span.len()], "\"oidc\"");
        let header = excerpt.read_span(&span, 0, 0).unwrap();
        assert_eq!(header.line(), 0);
        assert_eq!(header.column(), text[..start].chars().count());
    }

    #[test]
    fn other_findings_on_the_line_do_not_widen_the_excerpt() {
        // 2 000 members on one line: each finding shows its own neighbourhood.
        let members: Vec<String> = (0..2000).map(|i| format!("\"k{i:04}\": {i}")).collect();
        let text = format!("{{{}}}", members.join(", "));
        for i in [0, 999, 1999] {
            let at = text.find(&format!("\"k{i:04}\"")).unwrap();
            let (excerpt, _, span) = excerpt(&text, (at, 7));
            assert!(excerpt.shown.len() < 2 * LONG_LINE, "{}", excerpt.shown);
            assert_eq!(&excerpt.shown[span.offset()..][..7], format!("\"k{i:04}\""));
        }
    }

    #[test]
    fn a_label_over_many_lines_is_drawn_on_its_first() {
        let items: Vec<String> = (0..100).map(|i| format!("    {i}")).collect();
        let text = format!("{{\n  \"tenantIds\": [\n{}\n  ]\n}}\n", items.join(",\n"));
        let start = text.find('[').unwrap();
        let end = text.find(']').unwrap() + 1;
        let (excerpt, _, span) = excerpt(&text, (start, end - start));
        assert_eq!(excerpt.shown.lines().count(), 3, "{}", excerpt.shown);
        assert_eq!(&excerpt.shown[span.offset()..][..span.len()], "[");
    }

    #[test]
    fn invisible_characters_are_shown_as_escapes() {
        let text = "{\"description\": \"a\u{1b}]52;c;ZWNobw==\u{7}b\u{202e}c\rd\u{0}\u{9b}\"}";
        let start = text.find("\"a").unwrap();
        let (excerpt, _, span) = excerpt(text, (start, text.len() - 1 - start));
        assert_eq!(
            excerpt.shown,
            "{\"description\": \"a\\u{1b}]52;c;ZWNobw==\\u{7}b\\u{202e}c\\u{d}d\\u{0}\\u{9b}\"}"
        );
        assert!(!excerpt.shown.chars().any(is_invisible));
        assert_eq!(&excerpt.shown[span.offset()..][..2], "\"a");
        assert!(excerpt.shown[span.offset()..][..span.len()].ends_with("d\\u{0}\\u{9b}\""));
        assert_eq!(visible("a\nb\u{1b}"), "a\\u{a}b\\u{1b}");
        assert_eq!(visible_except("a\nb\u{1b}", true), "a\nb\\u{1b}");
    }

    #[test]
    fn a_byte_order_mark_is_left_out() {
        let text = "\u{feff}{\"protocol\": 1}";
        let start = text.find('1').unwrap();
        let (excerpt, _, span) = excerpt(text, (start, 1));
        assert_eq!(excerpt.shown, "{\"protocol\": 1}");
        assert_eq!(&excerpt.shown[span.offset()..][..1], "1");
        let header = excerpt.read_span(&span, 0, 0).unwrap();
        assert_eq!(
            header.column(),
            13,
            "the column the JSON output gives, less one"
        );
    }

    /// Where nothing is cut or escaped, an excerpt reads as miette reads the
    /// whole file: the same lines, line numbers and label.
    #[test]
    fn excerpts_are_read_as_miette_reads_the_file() {
        let texts = [
            "{\n  \"a\": 1,\n  \"b\": [\n    2,\n    3\n  ],\n  \"c\": \"x\"\n}\n".to_string(),
            "{\r\n  \"a\": 1,\r\n  \"b\": 2,\r\n\r\n  \"c\": 3\r\n}".to_string(),
            format!("{{\"pem\": \"{}\",\n\"é\": \"ü\"}}", "MIIC".repeat(20)),
        ];
        for text in &texts {
            // No finding starts or ends between a CR and its LF.
            let inside_crlf =
                |at: usize| at > 0 && text.as_bytes().get(at - 1..=at) == Some(b"\r\n");
            let theirs = NamedSource::new("p.json", text.clone());
            for offset in 0..text.len() {
                for len in [0, 1, 5] {
                    if !text.is_char_boundary(offset)
                        || !text.is_char_boundary((offset + len).min(text.len()))
                        || text[offset..(offset + len).min(text.len())].contains('\r')
                        || inside_crlf(offset)
                        || inside_crlf(offset + len)
                    {
                        continue;
                    }
                    let len = len.min(text.len() - offset);
                    let (ours, _, span) = excerpt(text, (offset, len));
                    let a = ours.read_span(&span, 1, 1).unwrap();
                    let b = theirs.read_span(&(offset, len).into(), 1, 1).unwrap();
                    let at = format!("{text:?} at {offset}+{len}");
                    assert_eq!(a.data(), b.data(), "{at}");
                    assert_eq!(a.line(), b.line(), "{at}");
                    assert_eq!(a.line_count(), b.line_count(), "{at}");
                    assert_eq!(a.name(), Some("p.json"), "{at}");
                    let shown = &ours.shown[span.offset()..][..span.len()];
                    assert_eq!(shown, &text[offset..offset + len], "{at}");
                }
            }
        }
    }
}
