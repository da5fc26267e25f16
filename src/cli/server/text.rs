//! Byte offsets of a document's text and the positions the protocol speaks
//! in: a zero-based line and a character counted in the negotiated encoding
//! (UTF-16 code units unless the client offers UTF-8).

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// What a position's `character` counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    /// Bytes of UTF-8.
    Utf8,
    /// UTF-16 code units: the protocol's default, which every client speaks.
    Utf16,
}

/// Where each line of a text starts. A line ends at `\n`, `\r\n` or a lone
/// `\r`, the three line ends the protocol names.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str) -> Self {
        let bytes = text.as_bytes();
        let mut starts = vec![0];
        for at in memchr::memchr2_iter(b'\n', b'\r', bytes) {
            let crlf_first_half = bytes[at] == b'\r' && bytes.get(at + 1) == Some(&b'\n');
            if !crlf_first_half {
                starts.push(at + 1);
            }
        }
        Self { text, starts }
    }

    /// The position of the byte `offset`. An offset past the end is the
    /// end; one inside a character or a line end is the place before it.
    pub fn position(&self, offset: usize, encoding: Encoding) -> Position {
        let offset = floor_char_boundary(self.text, offset.min(self.text.len()));
        let line = self.starts.partition_point(|&start| start <= offset) - 1;
        let start = self.starts[line];
        let offset = offset.min(self.content_end(line));
        let before = &self.text[start..offset];
        Position::new(to_u32(line), to_u32(units(before, encoding)))
    }

    /// The range of `length` bytes from `offset`.
    pub fn range(&self, offset: usize, length: usize, encoding: Encoding) -> Range {
        Range::new(
            self.position(offset, encoding),
            self.position(offset.saturating_add(length), encoding),
        )
    }

    /// The byte offset of `position`. A line past the last is the end of
    /// the text, a character past the end of its line is the line's end, and
    /// one inside a character is the place before that character.
    pub fn offset(&self, position: Position, encoding: Encoding) -> usize {
        let line = position.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return self.text.len();
        };
        let content = &self.text[start..self.content_end(line)];
        let wanted = position.character as usize;
        let mut counted = 0;
        for (at, c) in content.char_indices() {
            let width = match encoding {
                Encoding::Utf8 => c.len_utf8(),
                Encoding::Utf16 => c.len_utf16(),
            };
            if counted + width > wanted {
                return start + at;
            }
            counted += width;
        }
        start + content.len()
    }

    /// Where the line's text ends: before its line end.
    fn content_end(&self, line: usize) -> usize {
        match self.starts.get(line + 1) {
            Some(&next) => {
                let ending = &self.text.as_bytes()[..next];
                next - if ending.ends_with(b"\r\n") { 2 } else { 1 }
            }
            None => self.text.len(),
        }
    }
}

/// The length of `text` in the encoding's units.
fn units(text: &str, encoding: Encoding) -> usize {
    match encoding {
        Encoding::Utf8 => text.len(),
        Encoding::Utf16 if text.is_ascii() => text.len(),
        Encoding::Utf16 => text.chars().map(char::len_utf16).sum(),
    }
}

fn floor_char_boundary(text: &str, mut offset: usize) -> usize {
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The protocol's numbers are 32-bit; a document is far smaller.
fn to_u32(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// Applies one change a client sends: the whole text, or a range of it
/// replaced.
pub fn apply_change(text: &mut String, change: TextDocumentContentChangeEvent, encoding: Encoding) {
    match change.range {
        None => *text = change.text,
        Some(range) => {
            let index = LineIndex::new(text);
            let start = index.offset(range.start, encoding);
            let end = index.offset(range.end, encoding).max(start);
            text.replace_range(start..end, &change.text);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pos(line: u32, character: u32) -> Position {
        Position::new(line, character)
    }

    #[test]
    fn ascii_offsets_are_columns() {
        let text = "{\n  \"enabled\": \"true\"\n}\n";
        let index = LineIndex::new(text);
        let at = text.find("\"true\"").unwrap();
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            assert_eq!(index.position(at, encoding), pos(1, 13));
            assert_eq!(index.offset(pos(1, 13), encoding), at);
            assert_eq!(index.position(0, encoding), pos(0, 0));
            assert_eq!(index.position(text.len(), encoding), pos(3, 0));
        }
    }

    #[test]
    fn non_ascii_counts_utf16_units_or_bytes() {
        // `é` is 2 bytes and 1 UTF-16 unit, `🔐` 4 bytes and 2 units.
        let text = "{\"description\": \"Zürich 🔐\", \"clockToleranceSec\": 2.5}";
        let index = LineIndex::new(text);
        let at = text.find("2.5").unwrap();
        assert_eq!(at, 53);
        assert_eq!(index.position(at, Encoding::Utf8), pos(0, 53));
        assert_eq!(index.position(at, Encoding::Utf16), pos(0, 50));
        assert_eq!(index.offset(pos(0, 50), Encoding::Utf16), at);
        assert_eq!(index.offset(pos(0, 53), Encoding::Utf8), at);
        let range = index.range(at, 3, Encoding::Utf16);
        assert_eq!((range.start, range.end), (pos(0, 50), pos(0, 53)));
    }

    #[test]
    fn a_place_inside_a_character_is_the_place_before_it() {
        let text = "a🔐b";
        let index = LineIndex::new(text);
        // Inside the 4 bytes of 🔐, and between its two UTF-16 units.
        assert_eq!(index.position(3, Encoding::Utf16), pos(0, 1));
        assert_eq!(index.position(3, Encoding::Utf8), pos(0, 1));
        assert_eq!(index.offset(pos(0, 2), Encoding::Utf16), 1);
        assert_eq!(index.offset(pos(0, 3), Encoding::Utf8), 1);
        assert_eq!(index.offset(pos(0, 3), Encoding::Utf16), 5);
    }

    #[test]
    fn crlf_is_one_line_end() {
        let text = "{\r\n  \"a\": 1,\r\n  \"b\": \"ü\"\r\n}";
        let index = LineIndex::new(text);
        let b = text.find("\"b\"").unwrap();
        assert_eq!(index.position(b, Encoding::Utf16), pos(2, 2));
        assert_eq!(index.offset(pos(2, 2), Encoding::Utf16), b);
        // The `\r` and the `\n` of a line end are the line's end.
        let cr = text.find("\r\n  \"b\"").unwrap();
        assert_eq!(index.position(cr, Encoding::Utf16), pos(1, 9));
        assert_eq!(index.position(cr + 1, Encoding::Utf16), pos(1, 9));
        assert_eq!(index.position(cr + 2, Encoding::Utf16), pos(2, 0));
        // A character past the line's end is its end, before the `\r`.
        assert_eq!(index.offset(pos(1, 400), Encoding::Utf16), cr);
        assert_eq!(index.position(text.len(), Encoding::Utf16), pos(3, 1));
    }

    #[test]
    fn a_lone_cr_ends_a_line() {
        let text = "a\rb\n\nc";
        let index = LineIndex::new(text);
        assert_eq!(index.position(2, Encoding::Utf16), pos(1, 0));
        assert_eq!(index.position(4, Encoding::Utf16), pos(2, 0));
        assert_eq!(index.position(5, Encoding::Utf16), pos(3, 0));
        assert_eq!(index.offset(pos(3, 0), Encoding::Utf16), 5);
    }

    #[test]
    fn places_out_of_the_text_are_clamped() {
        let text = "{}\n";
        let index = LineIndex::new(text);
        assert_eq!(index.position(99, Encoding::Utf16), pos(1, 0));
        assert_eq!(index.offset(pos(7, 3), Encoding::Utf16), 3);
        assert_eq!(index.offset(pos(0, 99), Encoding::Utf8), 2);
        let empty = LineIndex::new("");
        assert_eq!(empty.position(0, Encoding::Utf16), pos(0, 0));
        assert_eq!(empty.offset(pos(0, 5), Encoding::Utf16), 0);
    }

    #[test]
    fn changes_replace_their_range_or_the_whole_text() {
        let mut text = "{\r\n  \"city\": \"Zürich\",\r\n  \"x\": 1\r\n}".to_string();
        let change = |range: Option<Range>, new: &str| TextDocumentContentChangeEvent {
            range,
            range_length: None,
            text: new.to_string(),
        };
        // `Zürich` is 6 UTF-16 units, from character 11 on line 1.
        let range = Range::new(pos(1, 11), pos(1, 17));
        apply_change(&mut text, change(Some(range), "Genève"), Encoding::Utf16);
        assert_eq!(text, "{\r\n  \"city\": \"Genève\",\r\n  \"x\": 1\r\n}");
        // An insertion at the end of a line, and a range given backwards.
        let end_of_line = Range::new(pos(2, 8), pos(2, 8));
        apply_change(&mut text, change(Some(end_of_line), ","), Encoding::Utf16);
        assert!(text.contains("\"x\": 1,\r\n}"), "{text}");
        let backwards = Range::new(pos(3, 1), pos(0, 0));
        apply_change(&mut text, change(Some(backwards), "!"), Encoding::Utf8);
        assert!(text.ends_with("}!"), "{text}");
        apply_change(&mut text, change(None, "{}"), Encoding::Utf16);
        assert_eq!(text, "{}");
    }
}
