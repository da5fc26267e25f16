//! JSON with comments (JSONC: `tsconfig.json`, `.vscode/settings.json`):
//! the comments and trailing commas blanked out, so that the text parses as
//! JSON with every byte where it was.

use std::ops::Range;

/// What JSONC allows and JSON does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JsoncConstruct {
    LineComment,
    BlockComment,
    TrailingComma,
}

impl JsoncConstruct {
    /// The construct as a message names it.
    pub fn describe(self) -> &'static str {
        match self {
            JsoncConstruct::LineComment => "a `//` comment",
            JsoncConstruct::BlockComment => "a `/* */` comment",
            JsoncConstruct::TrailingComma => "a trailing comma",
        }
    }
}

/// A JSONC text with its comments and trailing commas replaced by spaces
/// (line breaks kept), and where they were.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blanked {
    pub text: String,
    pub constructs: Vec<(JsoncConstruct, Range<usize>)>,
}

/// `json` with its comments and trailing commas blanked, or `None` when it
/// has none, or has a comment that never ends.
pub fn blank_jsonc(json: &str) -> Option<Blanked> {
    let bytes = json.as_bytes();
    let mut out = bytes.to_vec();
    let mut constructs = Vec::new();
    let mut pending_comma: Option<usize> = None;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' => {
                pending_comma = None;
                i = string_end(bytes, i);
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'/') => {
                let end = memchr::memchr2(b'\n', b'\r', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                blank(&mut out, i..end);
                constructs.push((JsoncConstruct::LineComment, i..end));
                i = end;
                continue;
            }
            b'/' if bytes.get(i + 1) == Some(&b'*') => {
                let end = memchr::memmem::find(&bytes[i + 2..], b"*/")? + i + 4;
                blank(&mut out, i..end);
                constructs.push((JsoncConstruct::BlockComment, i..end));
                i = end;
                continue;
            }
            b',' => pending_comma = Some(i),
            b'}' | b']' => {
                if let Some(comma) = pending_comma.take() {
                    out[comma] = b' ';
                    constructs.push((JsoncConstruct::TrailingComma, comma..comma + 1));
                }
            }
            b' ' | b'\t' | b'\n' | b'\r' => {}
            _ => pending_comma = None,
        }
        i += 1;
    }
    if constructs.is_empty() {
        return None;
    }
    constructs.sort_by_key(|(_, range)| range.start);
    let text = String::from_utf8(out).ok()?;
    Some(Blanked { text, constructs })
}

/// The index just past the string that starts at `start` (or the end).
fn string_end(bytes: &[u8], start: usize) -> usize {
    let mut i = start + 1;
    while let Some(n) = memchr::memchr2(b'"', b'\\', &bytes[i.min(bytes.len())..]) {
        i += n;
        if bytes[i] == b'\\' {
            i += 2;
        } else {
            return i + 1;
        }
    }
    bytes.len()
}

/// Spaces over `range`, keeping line breaks so that lines stay lines.
fn blank(out: &mut [u8], range: Range<usize>) {
    for byte in &mut out[range] {
        if !matches!(*byte, b'\n' | b'\r') {
            *byte = b' ';
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_tsconfig_with_comments_and_trailing_commas_parses() {
        let text = "{\n  // Visit https://aka.ms/tsconfig\n  \"compilerOptions\": {\n    \"target\": \"es2022\", /* \"lib\": [\"dom\"], */\n    \"strict\": true,\n  },\n  \"include\": [\"src\", \"a//b\",],\n}\n";
        let blanked = blank_jsonc(text).expect("JSONC");
        assert_eq!(blanked.text.len(), text.len());
        assert_eq!(blanked.text.lines().count(), text.lines().count());
        let value: serde_json::Value = serde_json::from_str(&blanked.text).expect("JSON");
        assert_eq!(value["include"][1], "a//b");
        let kinds: Vec<_> = blanked.constructs.iter().map(|(k, _)| *k).collect();
        use JsoncConstruct::*;
        assert_eq!(
            kinds,
            [
                LineComment,
                BlockComment,
                TrailingComma,
                TrailingComma,
                TrailingComma
            ]
        );
        let (_, first) = &blanked.constructs[0];
        assert_eq!(&text[first.clone()], "// Visit https://aka.ms/tsconfig");
    }

    #[test]
    fn plain_json_an_open_comment_and_escaped_quotes() {
        assert_eq!(blank_jsonc("{\"a\": [1, 2]}"), None);
        assert_eq!(blank_jsonc("{\"a\": 1 /* never closed"), None);
        let text = "{\"a\": \"say \\\"//hi\\\"\", // real\n\"b\": \"é\" /* ü */}";
        let blanked = blank_jsonc(text).expect("JSONC");
        let value: serde_json::Value = serde_json::from_str(&blanked.text).expect("JSON");
        assert_eq!(value["a"], "say \"//hi\"");
        assert_eq!(blanked.constructs.len(), 2);
    }
}
