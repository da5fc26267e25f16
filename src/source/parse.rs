//! A strict RFC 8259 parser that builds the `serde_json::Value` and the
//! pointer → byte-range index in one pass over the text.
//!
//! serde_json alone cannot be used: it keeps no positions, silently lets the
//! last of two duplicate keys win, and reports errors only as line/column.
//! Parsing once here gives every later step the value, the spans and the
//! duplicate keys without a second pass over the bytes.

use serde_json::{Map, Number, Value};

use super::index::{Node, SpanIndex, NO_NODE};

/// The deepest nesting accepted, as serde_json's own recursion limit.
pub const MAX_DEPTH: usize = 128;

/// A syntax error at a byte offset of the parsed text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SyntaxError {
    pub offset: usize,
    pub length: usize,
    pub message: String,
    pub help: &'static str,
}

/// Two members of one object with the same name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DuplicateKey {
    /// Pointer to the object that holds both members.
    pub object: String,
    pub name: String,
    /// Byte range of the earlier key (with its quotes).
    pub first: (usize, usize),
    /// Byte range of the later key, the one whose value is kept.
    pub second: (usize, usize),
}

/// The result of a successful parse.
#[derive(Debug)]
pub struct Parsed {
    pub value: Value,
    /// Where every value and member name is in the text.
    pub index: SpanIndex,
    pub duplicates: Vec<DuplicateKey>,
}

/// Parses `text` as one JSON document: the value, the span index and the
/// duplicate keys, in one pass.
pub fn parse(text: &str) -> Result<Parsed, SyntaxError> {
    let mut p = Parser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        // About one value per 16 bytes of a pretty-printed payload.
        nodes: Vec::with_capacity(text.len() / 16),
        duplicates: Vec::new(),
        scratch: String::new(),
        members: Vec::with_capacity(16),
    };
    p.skip_ws();
    if p.pos >= p.bytes.len() {
        return Err(p.error_at(
            p.pos,
            0,
            "the file is empty: expected a JSON value",
            "write the request body as one JSON object or array",
        ));
    }
    let value = p.value(0, NO_NODE, None)?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.error_at(
            p.pos,
            p.char_len_at(p.pos),
            "unexpected content after the end of the JSON document",
            "remove everything after the closing bracket, or put the values into one array",
        ));
    }
    Ok(Parsed {
        value,
        index: SpanIndex::new(p.nodes, text),
        duplicates: p.duplicates,
    })
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    nodes: Vec<Node>,
    duplicates: Vec<DuplicateKey>,
    scratch: String,
    /// The members of the objects being parsed, innermost last, each with
    /// its name's span: an object's map is made once its members are
    /// counted, at its size, instead of growing member by member.
    members: Vec<(String, Value, usize, usize)>,
}

impl<'a> Parser<'a> {
    fn error_at(
        &self,
        offset: usize,
        length: usize,
        message: &str,
        help: &'static str,
    ) -> SyntaxError {
        SyntaxError {
            offset,
            length,
            message: message.to_string(),
            help,
        }
    }

    fn char_len_at(&self, pos: usize) -> usize {
        self.text[pos..].chars().next().map_or(0, char::len_utf8)
    }

    fn unexpected(&self, expected: &str) -> SyntaxError {
        if self.pos >= self.bytes.len() {
            return self.error_at(
                self.pos,
                0,
                &format!("unexpected end of file: expected {expected}"),
                "the document is cut short: close every open string, object and array",
            );
        }
        let found = self.text[self.pos..].chars().next().unwrap_or(' ');
        let help = match found {
            '}' | ']' => "remove the trailing comma before the closing bracket",
            '\'' => "JSON strings use double quotes",
            '/' => "JSON has no comments: remove them",
            _ => "check the punctuation here",
        };
        self.error_at(
            self.pos,
            found.len_utf8(),
            &format!("expected {expected}, found `{}`", found.escape_debug()),
            help,
        )
    }

    fn skip_ws(&mut self) {
        while let Some(b) = self.bytes.get(self.pos) {
            match b {
                b' ' | b'\t' | b'\n' | b'\r' => self.pos += 1,
                _ => break,
            }
        }
    }

    fn push_node(&mut self, parent: u32, key: Option<(usize, usize, bool)>) -> u32 {
        let id = self.nodes.len() as u32;
        let (key_start, key_end, key_escaped) = key.unwrap_or((0, 0, false));
        self.nodes.push(Node {
            start: self.pos as u32,
            end: self.pos as u32,
            key_start: key_start as u32,
            key_end: key_end as u32,
            has_key: key.is_some(),
            key_escaped,
            first_child: NO_NODE,
            next_sibling: NO_NODE,
            parent,
        });
        id
    }

    fn value(
        &mut self,
        depth: usize,
        parent: u32,
        key: Option<(usize, usize, bool)>,
    ) -> Result<Value, SyntaxError> {
        let id = self.push_node(parent, key);
        let value = match self.bytes.get(self.pos) {
            Some(b'{') => self.object(depth, id)?,
            Some(b'[') => self.array(depth, id)?,
            Some(b'"') => Value::String(self.string()?),
            Some(b't') => self.literal("true", Value::Bool(true))?,
            Some(b'f') => self.literal("false", Value::Bool(false))?,
            Some(b'n') => self.literal("null", Value::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            _ => return Err(self.not_a_value()),
        };
        if let Some(node) = self.nodes.get_mut(id as usize) {
            node.end = self.pos as u32;
        }
        Ok(value)
    }

    fn literal(&mut self, word: &str, value: Value) -> Result<Value, SyntaxError> {
        let rest = &self.bytes[self.pos..];
        let ends_word = rest
            .get(word.len())
            .is_none_or(|b| !b.is_ascii_alphanumeric() && *b != b'_');
        if rest.starts_with(word.as_bytes()) && ends_word {
            self.pos += word.len();
            Ok(value)
        } else {
            Err(self.not_a_value())
        }
    }

    /// The error where a value should start and none does. Documentation
    /// leaves its stand-ins there: `<value>`, `<any>`, or a bare word such
    /// as `undefined` (what a generated example prints when it has no body).
    fn not_a_value(&self) -> SyntaxError {
        let rest = &self.text[self.pos..];
        let word_len = rest
            .bytes()
            .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
            .count();
        let bracketed = rest
            .strip_prefix('<')
            .and_then(|r| r.find('>').filter(|&end| end > 0 && end <= 60))
            .filter(|&end| !rest[1..=end].contains(['<', '\n', '"']))
            .map(|end| end + 2);
        let (len, message, help) = if let Some(len) = bracketed {
            (
                len,
                "is a documentation placeholder left where a JSON value goes",
                "write the real value: a string in double quotes, a number, `true`/`false`, an object or an array",
            )
        } else if word_len > 0 && word_len <= 60 && rest.as_bytes()[0].is_ascii_alphabetic() {
            let (message, help) = match &rest[..word_len] {
                "undefined" => (
                    "is what a generated documentation example prints where it has no value, not JSON",
                    "write the JSON the API takes here",
                ),
                "True" | "TRUE" => ("is not JSON", "JSON writes `true` in lower case"),
                "False" | "FALSE" => ("is not JSON", "JSON writes `false` in lower case"),
                "None" | "NULL" | "Null" | "nil" => ("is not JSON", "JSON writes `null`"),
                _ => (
                    "is a bare word where a JSON value goes",
                    "if it stands in for a value from the documentation, write the real one; a string needs double quotes",
                ),
            };
            (word_len, message, help)
        } else {
            return self.unexpected("a JSON value");
        };
        let found = &rest[..len];
        self.error_at(
            self.pos,
            len,
            &format!("`{}` {message}", found.escape_debug()),
            help,
        )
    }

    fn enter(&self, depth: usize) -> Result<(), SyntaxError> {
        if depth >= MAX_DEPTH {
            return Err(self.error_at(
                self.pos,
                1,
                &format!("nesting deeper than {MAX_DEPTH} levels"),
                "an identity-provider payload is only a few levels deep: this is not a request body",
            ));
        }
        Ok(())
    }

    fn link_child(&mut self, parent: u32, last: &mut u32, child: u32) {
        if *last == NO_NODE {
            self.nodes[parent as usize].first_child = child;
        } else {
            self.nodes[*last as usize].next_sibling = child;
        }
        *last = child;
    }

    fn object(&mut self, depth: usize, id: u32) -> Result<Value, SyntaxError> {
        self.enter(depth)?;
        self.pos += 1;
        let mut last = NO_NODE;
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            return Ok(Value::Object(Map::new()));
        }
        let first_member = self.members.len();
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.unexpected("a member name in double quotes"));
            }
            let key_start = self.pos;
            let name = self.string()?;
            let key_end = self.pos;
            let escaped = self.bytes[key_start..key_end].contains(&b'\\');
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.unexpected("`:` after the member name"));
            }
            self.pos += 1;
            self.skip_ws();
            let child_id = self.nodes.len() as u32;
            let value = self.value(depth + 1, id, Some((key_start, key_end, escaped)))?;
            self.link_child(id, &mut last, child_id);
            self.members.push((name, value, key_start, key_end));
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    return Ok(Value::Object(self.map_of_members(id, first_member)));
                }
                _ => return Err(self.unexpected("`,` or `}`")),
            }
        }
    }

    /// The map of the object `id`, from its members (those from
    /// `first_member` on). Member names are compared only here, where the
    /// value is kept.
    fn map_of_members(&mut self, id: u32, first_member: usize) -> Map<String, Value> {
        let mut members = std::mem::take(&mut self.members);
        let mut map = Map::with_capacity(members.len() - first_member);
        let mut again = Vec::new();
        for (name, value, key_start, key_end) in members.drain(first_member..) {
            match map.entry(name) {
                serde_json::map::Entry::Vacant(slot) => {
                    slot.insert(value);
                }
                serde_json::map::Entry::Occupied(mut slot) => {
                    again.push((slot.key().clone(), (key_start, key_end)));
                    // The later member wins, in the earlier one's place, as
                    // serde_json decides.
                    slot.insert(value);
                }
            }
        }
        self.members = members;
        if !again.is_empty() {
            self.record_duplicates(id, again);
        }
        map
    }

    /// Records the members of object `object` named again (each name with
    /// the later key's range), placing each at its first definition: one
    /// pass over the object's members, however many names repeat.
    fn record_duplicates(&mut self, object: u32, again: Vec<(String, (usize, usize))>) {
        let index = SpanIndex::borrowed(&self.nodes);
        let repeated: std::collections::HashSet<&str> =
            again.iter().map(|(name, _)| name.as_str()).collect();
        let mut first = std::collections::HashMap::new();
        for child in index.children(object) {
            let name = index.key_text(child, self.text);
            if repeated.contains(name.as_ref()) {
                first.entry(name).or_insert_with(|| index.key_range(child));
            }
        }
        let pointer = index.pointer_of(object, self.text);
        for (name, second) in again {
            if let Some(&first) = first.get(name.as_str()) {
                self.duplicates.push(DuplicateKey {
                    object: pointer.clone(),
                    name,
                    first,
                    second,
                });
            }
        }
    }

    fn array(&mut self, depth: usize, id: u32) -> Result<Value, SyntaxError> {
        self.enter(depth)?;
        self.pos += 1;
        let mut items = Vec::new();
        let mut last = NO_NODE;
        self.skip_ws();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            return Ok(Value::Array(items));
        }
        loop {
            self.skip_ws();
            let child_id = self.nodes.len() as u32;
            let item = self.value(depth + 1, id, None)?;
            items.push(item);
            self.link_child(id, &mut last, child_id);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    return Ok(Value::Array(items));
                }
                _ => return Err(self.unexpected("`,` or `]`")),
            }
        }
    }

    fn string(&mut self) -> Result<String, SyntaxError> {
        let open = self.pos;
        self.pos += 1;
        let start = self.pos;
        // Fast path: no escapes. The closing quote or first backslash is
        // found with a vector search, and the run before it checked for
        // control characters (JSON forbids them raw), branch-free:
        // certificates are kilobytes.
        let rest = &self.bytes[start..];
        let end = memchr::memchr2(b'"', b'\\', rest).unwrap_or(rest.len());
        match super::find_byte(&rest[..end], |b| b < 0x20) {
            Some(at) => {
                self.pos = start + at;
                return Err(self.control_char(open));
            }
            None => self.pos = start + end,
        }
        if self.bytes.get(self.pos) == Some(&b'"') {
            let s = self.text[start..self.pos].to_string();
            self.pos += 1;
            return Ok(s);
        }
        self.scratch.clear();
        self.scratch.push_str(&self.text[start..self.pos]);
        loop {
            let Some(&b) = self.bytes.get(self.pos) else {
                return Err(self.error_at(
                    open,
                    1,
                    "string is never closed",
                    "add the closing double quote",
                ));
            };
            match b {
                b'"' => {
                    self.pos += 1;
                    return Ok(std::mem::take(&mut self.scratch));
                }
                b'\\' => self.escape()?,
                0x00..=0x1f => return Err(self.control_char(open)),
                _ => {
                    let run_start = self.pos;
                    while let Some(&b) = self.bytes.get(self.pos) {
                        if b == b'"' || b == b'\\' || b < 0x20 {
                            break;
                        }
                        self.pos += 1;
                    }
                    let run = &self.text[run_start..self.pos];
                    self.scratch.push_str(run);
                }
            }
        }
    }

    fn control_char(&self, open: usize) -> SyntaxError {
        if self.pos >= self.bytes.len() {
            return self.error_at(
                open,
                1,
                "string is never closed",
                "add the closing double quote",
            );
        }
        match self.bytes[self.pos] {
            b'\n' | b'\r' => self.error_at(
                self.pos,
                1,
                "raw line break inside a string",
                "JSON strings cannot span lines: join the lines (a PEM certificate goes on a single line) or write the break as \\n",
            ),
            b'\t' => self.error_at(self.pos, 1, "raw tab inside a string", "write the tab as \\t"),
            other => self.error_at(
                self.pos,
                1,
                &format!("control character U+{other:04X} inside a string"),
                "remove it, or escape it as \\u00XX",
            ),
        }
    }

    fn escape(&mut self) -> Result<(), SyntaxError> {
        let at = self.pos;
        self.pos += 1;
        let Some(&c) = self.bytes.get(self.pos) else {
            return Err(self.error_at(
                at,
                1,
                "string is never closed",
                "add the closing double quote",
            ));
        };
        self.pos += 1;
        let ch = match c {
            b'"' => '"',
            b'\\' => '\\',
            b'/' => '/',
            b'b' => '\u{8}',
            b'f' => '\u{c}',
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'u' => {
                let hi = self.hex4(at)?;
                if (0xD800..0xDC00).contains(&hi) {
                    if self.bytes[self.pos..].starts_with(b"\\u") {
                        let low_at = self.pos;
                        self.pos += 2;
                        let lo = self.hex4(low_at)?;
                        if !(0xDC00..0xE000).contains(&lo) {
                            return Err(self.lone_surrogate(at, hi));
                        }
                        let code = 0x10000 + ((hi - 0xD800) << 10) + (lo - 0xDC00);
                        char::from_u32(code).unwrap_or('\u{FFFD}')
                    } else {
                        return Err(self.lone_surrogate(at, hi));
                    }
                } else if (0xDC00..0xE000).contains(&hi) {
                    return Err(self.lone_surrogate(at, hi));
                } else {
                    char::from_u32(hi).unwrap_or('\u{FFFD}')
                }
            }
            _ => {
                self.pos = at;
                return Err(self.error_at(
                    at,
                    2.min(self.bytes.len() - at),
                    "invalid escape sequence in a string",
                    "the valid escapes are \\\" \\\\ \\/ \\b \\f \\n \\r \\t and \\uXXXX; write a backslash as \\\\",
                ));
            }
        };
        self.scratch.push(ch);
        Ok(())
    }

    fn lone_surrogate(&self, at: usize, unit: u32) -> SyntaxError {
        self.error_at(
            at,
            6.min(self.bytes.len() - at),
            &format!("lone surrogate escape `\\u{unit:04x}` is not a Unicode character"),
            "encode characters outside the Basic Multilingual Plane as a surrogate pair, or remove the escape",
        )
    }

    fn hex4(&mut self, at: usize) -> Result<u32, SyntaxError> {
        let digits = self.bytes.get(self.pos..self.pos + 4);
        let parsed = digits
            .filter(|d| d.iter().all(u8::is_ascii_hexdigit))
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u32::from_str_radix(d, 16).ok());
        match parsed {
            Some(v) => {
                self.pos += 4;
                Ok(v)
            }
            None => Err(self.error_at(
                at,
                2,
                "`\\u` must be followed by four hexadecimal digits",
                "write the character as \\uXXXX",
            )),
        }
    }

    fn number(&mut self) -> Result<Value, SyntaxError> {
        let start = self.pos;
        let digits = |p: &mut Self| {
            let s = p.pos;
            while p.bytes.get(p.pos).is_some_and(u8::is_ascii_digit) {
                p.pos += 1;
            }
            p.pos - s
        };
        if self.bytes[self.pos] == b'-' {
            self.pos += 1;
        }
        let int_start = self.pos;
        let n = digits(self);
        if n == 0 {
            return Err(self.unexpected("a digit"));
        }
        if n > 1 && self.bytes[int_start] == b'0' {
            return Err(self.error_at(
                int_start,
                n,
                "numbers cannot have leading zeros",
                "remove the leading zeros, or quote the value if it is an identifier",
            ));
        }
        let mut is_float = false;
        if self.bytes.get(self.pos) == Some(&b'.') {
            self.pos += 1;
            is_float = true;
            if digits(self) == 0 {
                return Err(self.unexpected("a digit after the decimal point"));
            }
        }
        if matches!(self.bytes.get(self.pos), Some(b'e' | b'E')) {
            self.pos += 1;
            is_float = true;
            if matches!(self.bytes.get(self.pos), Some(b'+' | b'-')) {
                self.pos += 1;
            }
            if digits(self) == 0 {
                return Err(self.unexpected("a digit in the exponent"));
            }
        }
        let literal = &self.text[start..self.pos];
        // `-0` is the float -0.0, as serde_json reads it.
        if !is_float && literal != "-0" {
            if let Ok(v) = literal.parse::<i64>() {
                return Ok(Value::Number(v.into()));
            }
            if let Ok(v) = literal.parse::<u64>() {
                return Ok(Value::Number(v.into()));
            }
        }
        match literal.parse::<f64>().ok().and_then(Number::from_f64) {
            Some(n) => Ok(Value::Number(n)),
            None => Err(self.error_at(
                start,
                literal.len(),
                &format!("number `{literal}` is out of range"),
                "no API accepts a number beyond the range of a 64-bit float: use a realistic value",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_raw_control_character_is_placed_in_a_long_string() {
        let long = "A".repeat(150);
        for (at, text) in [
            (2, format!("[\"\u{1}{long}\"]")),
            (2 + 100, format!("[\"{}\t{}\"]", &long[..100], &long[100..])),
            (2 + 150, format!("[\"{long}\n\"]")),
        ] {
            let error = parse(&text).unwrap_err();
            assert_eq!(error.offset, at, "{text:?}: {error:?}");
        }
        // After an escape, and past the closing quote, the same rules hold.
        assert_eq!(
            parse(&format!("[\"{long}\\n\u{1}\"]")).unwrap_err().offset,
            154
        );
        assert!(parse(&format!("[\"{long}\"]\n")).is_ok());
        assert_eq!(
            parse(&format!("[\"{long}")).unwrap_err().message,
            "string is never closed"
        );
    }

    #[test]
    fn a_long_string_without_escapes_is_taken_whole() {
        let long = "MIIC".repeat(300);
        let parsed = parse(&format!("{{\"pem\": \"{long}\", \"q\": \"a\\\"b\"}}")).unwrap();
        assert_eq!(parsed.value["pem"], long.as_str());
        assert_eq!(parsed.value["q"], "a\"b");
    }
}
