//! Reading a payload: bytes → text (BOM, UTF-8) → parsed value and span index,
//! and turning byte offsets into lines and columns.

mod index;
mod jsonc;
mod members;
mod parse;
mod read;

pub use index::{
    escape_token, last_token, parse_index, tokens, unescape_token, Located, SpanIndex,
};
pub use jsonc::blank_jsonc;
pub use members::Members;
pub use parse::{parse, DuplicateKey, SyntaxError};
pub use read::{read_limited, read_small_text, with_file, MAX_INPUT_BYTES};

const BOM: &str = "\u{feff}";

/// A payload's text as read, with its byte-order mark (if any) kept so that
/// offsets stay offsets of the file.
#[derive(Debug, Clone)]
pub struct SourceText<'a> {
    text: &'a str,
    bom_len: usize,
}

/// The file's bytes are not UTF-8.
#[derive(Debug, Clone)]
pub struct DecodeError {
    pub offset: usize,
    pub length: usize,
    /// The text with invalid sequences replaced, for showing an excerpt.
    pub lossy: String,
}

impl<'a> SourceText<'a> {
    /// Decodes bytes as UTF-8, keeping a leading BOM out of the JSON text.
    pub fn decode(bytes: &'a [u8]) -> Result<Self, DecodeError> {
        match std::str::from_utf8(bytes) {
            Ok(text) => Ok(Self::new(text)),
            Err(e) => {
                let offset = e.valid_up_to();
                let length = e.error_len().unwrap_or(bytes.len() - offset);
                Err(DecodeError {
                    offset,
                    length,
                    lossy: String::from_utf8_lossy(bytes).into_owned(),
                })
            }
        }
    }

    pub fn new(text: &'a str) -> Self {
        let bom_len = if text.starts_with(BOM) { BOM.len() } else { 0 };
        Self { text, bom_len }
    }

    /// The whole text, BOM included.
    pub fn full(&self) -> &'a str {
        self.text
    }

    /// The JSON text: everything after the BOM.
    pub fn json(&self) -> &'a str {
        &self.text[self.bom_len..]
    }

    /// Byte offset of the JSON text within the file.
    pub fn json_offset(&self) -> usize {
        self.bom_len
    }
}

/// 1-based line and column (in Unicode scalar values) of a byte offset.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Position {
    /// The line, from 1.
    pub line: usize,
    /// The column, from 1, in characters (Unicode scalar values).
    pub column: usize,
}

/// Start offsets of every line of a text, for offset → line/column, with
/// character counts at regular byte checkpoints so that a column on a very
/// long line costs a bounded count, not a count from the line's start.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
    /// `(byte offset, characters before it)` at char boundaries every `STEP`
    /// bytes; none for an ASCII text, whose characters are its bytes.
    checkpoints: Vec<(usize, usize)>,
    ascii: bool,
}

const STEP: usize = 4096;

impl LineIndex {
    /// Indexes `text`; the first line starts after `skip` bytes (the BOM).
    pub fn new(text: &str, skip: usize) -> Self {
        // A pretty-printed payload has a line every few dozen bytes.
        let mut starts = Vec::with_capacity(text.len() / 32 + 1);
        starts.push(skip);
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        let ascii = text.is_ascii();
        let mut checkpoints = Vec::new();
        if !ascii {
            checkpoints.reserve_exact(text.len() / STEP + 1);
            let (mut at, mut chars) = (0, 0);
            for k in 0..=text.len() / STEP {
                let boundary = floor_char_boundary(text, k * STEP);
                chars += text[at..boundary].chars().count();
                at = boundary;
                checkpoints.push((at, chars));
            }
        }
        Self {
            starts,
            checkpoints,
            ascii,
        }
    }

    fn chars_before(&self, text: &str, offset: usize) -> usize {
        if self.ascii {
            return offset;
        }
        let (at, chars) = self
            .checkpoints
            .get(offset / STEP)
            .copied()
            .unwrap_or((0, 0));
        let at = at.min(offset);
        chars + text[at..offset].chars().count()
    }

    /// Position of byte `offset`; offsets inside a character or past the end
    /// are clamped to the nearest boundary before them.
    pub fn position(&self, text: &str, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset);
        let line = self.starts.partition_point(|&s| s <= offset).max(1);
        let start = self.starts[line - 1].min(offset);
        Position {
            line,
            column: self.chars_before(text, offset) - self.chars_before(text, start) + 1,
        }
    }
}

/// The largest char boundary of `text` at or before `offset`.
pub fn floor_char_boundary(text: &str, offset: usize) -> usize {
    let mut offset = offset.min(text.len());
    while !text.is_char_boundary(offset) {
        offset -= 1;
    }
    offset
}

/// The offset of the first byte of `bytes` for which `is_wanted` holds.
/// Each chunk is tested branch-free first, so that the compiler can compare
/// many bytes at once: on a long text with none (a certificate), this is
/// several times faster than a byte-by-byte search.
pub(crate) fn find_byte(bytes: &[u8], is_wanted: impl Fn(u8) -> bool) -> Option<usize> {
    const CHUNK: usize = 64;
    bytes.chunks(CHUNK).enumerate().find_map(|(i, chunk)| {
        chunk
            .iter()
            .fold(false, |found, &b| found | is_wanted(b))
            .then(|| i * CHUNK + chunk.iter().position(|&b| is_wanted(b)).unwrap_or(0))
    })
}

/// True for a character that a terminal does not show as itself: controls
/// (but tab and line feed), bidirectional formatting, zero-width and other
/// format characters, line and paragraph separators.
pub fn is_invisible(c: char) -> bool {
    match c {
        '\t' | '\n' => false,
        c if c.is_control() => true,
        '\u{200b}'..='\u{200f}'
        | '\u{2028}'..='\u{202e}'
        | '\u{2060}'..='\u{206f}'
        | '\u{061c}'
        | '\u{feff}'
        | '\u{fff9}'..='\u{fffb}'
        | '\u{00ad}'
        | '\u{180e}' => true,
        _ => false,
    }
}

#[cfg(test)]
mod props_tests;

#[cfg(test)]
mod tests {
    use super::*;

    /// Line and column of every offset, counted from the start of the text.
    fn counted(text: &str, skip: usize, offset: usize) -> Position {
        let offset = floor_char_boundary(text, offset);
        let before = &text[..offset];
        let line_start = before.rfind('\n').map_or(skip.min(offset), |i| i + 1);
        Position {
            line: before.matches('\n').count() + 1,
            column: text[line_start..offset].chars().count() + 1,
        }
    }

    #[test]
    fn positions_count_characters_in_ascii_and_other_texts() {
        let long_ascii = format!("{{\"a\": \"{}\",\n\"b\": 1}}", "x".repeat(3 * STEP));
        let long_other = format!("{{\"a\": \"{}\",\n\"b\": \"é\"}}", "é€😀x".repeat(STEP));
        let texts = [
            ("{\n  \"protocol\": \"OIDC\"\n}\n", 0),
            (
                "\u{feff}{\"name\": \"Zürich SSO\",\n \"domain\": \"ß.example\"}",
                3,
            ),
            (long_ascii.as_str(), 0),
            (long_other.as_str(), 0),
            ("", 0),
        ];
        for (text, skip) in texts {
            let lines = LineIndex::new(text, skip);
            assert_eq!(lines.ascii, text.is_ascii());
            for offset in (0..=text.len() + 2).step_by(if text.len() > 1000 { 97 } else { 1 }) {
                assert_eq!(
                    lines.position(text, offset),
                    counted(text, skip, offset),
                    "offset {offset} of a {}-byte text",
                    text.len()
                );
            }
        }
    }
}
