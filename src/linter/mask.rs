//! Masking secrets: no secret value reaches a message or an excerpt.

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::{Arc, LazyLock};

use regex::Regex;

use crate::diagnostic::Diagnostic;
use crate::rules::support::shorten;

/// Replaces every secret value that found its way into a message with `***`.
pub(super) fn redact_text(d: &mut Diagnostic, secrets: &SecretMasks<'_>) {
    for (secret, finder) in &secrets.0 {
        let mask = |text: &mut String| {
            if contains_secret(text, secret, finder) {
                *text = text.replace(secret, "***");
            }
        };
        mask(&mut d.message);
        if let Some(help) = d.help.as_mut() {
            mask(help);
        }
        if let Some(label) = d.label.as_mut() {
            mask(label);
        }
        for l in &mut d.related {
            mask(&mut l.message);
        }
    }
}

/// Texts up to this long are searched for a secret byte by byte: building
/// a searcher costs more than scanning a message.
const SHORT_TEXT: usize = 256;

/// True when `text` contains `secret`.
fn contains_secret<'a>(
    text: &str,
    secret: &'a str,
    finder: &OnceCell<memchr::memmem::Finder<'a>>,
) -> bool {
    let (text, secret_bytes) = (text.as_bytes(), secret.as_bytes());
    // Most secrets (keys, certificates) are longer than any message.
    let Some(last_start) = text.len().checked_sub(secret_bytes.len()) else {
        return false;
    };
    let Some((&first, rest)) = secret_bytes.split_first() else {
        return true;
    };
    if text.len() <= SHORT_TEXT {
        memchr::memchr_iter(first, &text[..=last_start])
            .any(|i| text[i + 1..i + secret_bytes.len()] == *rest)
    } else {
        finder
            .get_or_init(|| memchr::memmem::Finder::new(secret))
            .find(text)
            .is_some()
    }
}

/// The secret strings of a document that messages must not show (those of
/// four bytes or more), each with a searcher built once for all findings,
/// when a text long enough to need it first comes.
pub(super) struct SecretMasks<'a>(Vec<(&'a str, OnceCell<memchr::memmem::Finder<'a>>)>);

impl<'a> SecretMasks<'a> {
    /// The masks of `values`: each value, then the heads that messages show
    /// of a long one (`shorten` keeps 39, 59, 79 or 99 characters before
    /// its `…`), so that a shortened secret is masked too.
    pub(super) fn new(values: Vec<&'a str>) -> Self {
        let values: Vec<&'a str> = values.into_iter().filter(|s| s.len() >= 4).collect();
        let heads = values.iter().flat_map(|s| {
            SHOWN_HEADS.iter().filter_map(move |&chars| {
                let (end, _) = s.char_indices().nth(chars)?;
                Some(&s[..end])
            })
        });
        let mut needles: Vec<&'a str> = values.to_vec();
        needles.extend(heads);
        Self(needles.into_iter().map(|s| (s, OnceCell::new())).collect())
    }
}

/// The characters of a value that `shorten` keeps before its `…`, at the
/// widths messages use.
const SHOWN_HEADS: [usize; 4] = [39, 59, 79, 99];

/// Quoted values longer than this many characters are shortened in
/// messages, after masking.
const LONGEST_QUOTED: usize = 200;
/// A message, help or label longer than this many characters is cut.
const LONGEST_TEXT: usize = 1000;

/// Shortens every long value quoted in backticks in the finding's texts,
/// and cuts any text still too long: a 10 MB key is not repeated in its
/// message. Runs after [`redact_text`], so that no shortened secret escapes
/// its mask.
pub(super) fn bound_texts(d: &mut Diagnostic) {
    let bound = |text: &mut String| {
        if text.len() > LONGEST_QUOTED {
            if let Some(shorter) = bounded(text) {
                *text = shorter;
            }
        }
    };
    bound(&mut d.message);
    if let Some(help) = d.help.as_mut() {
        bound(help);
    }
    if let Some(label) = d.label.as_mut() {
        bound(label);
    }
    for l in &mut d.related {
        bound(&mut l.message);
    }
}

fn bounded(text: &str) -> Option<String> {
    let mut out = String::new();
    let mut changed = false;
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 1 && part.len() > LONGEST_QUOTED && part.chars().count() > LONGEST_QUOTED {
            out.push_str(&shorten(part, 100));
            changed = true;
        } else {
            out.push_str(part);
        }
    }
    if out.len() > LONGEST_TEXT && out.chars().count() > LONGEST_TEXT {
        out = shorten(&out, LONGEST_TEXT);
        changed = true;
    }
    changed.then_some(out)
}

/// Member names that mark a secret value wherever they stand, as a text
/// search finds them (in any case, `_` and `-` ignored): used where no
/// parse says which value is which (a syntax error, a duplicate member, a
/// value of the wrong type, a patch path written almost right).
const SECRET_WORDS: &str = "secret|password|private_?key";

/// The most bytes of one value masked by [`likely_secrets`].
const LONGEST_MASKED: usize = 64 * 1024;

/// Byte ranges of `text` that look secret, found without parsing it: the
/// value after a member named like a secret (a string, or every string of
/// an array or object), the `value` of a patch operation whose `path`
/// names a secret, and the body of a PEM private key, up to its end line.
/// Quotes may be escaped (`\"`), as in a shell string or a Postman body.
pub(super) fn likely_secrets(text: &str) -> Vec<Range<usize>> {
    static MEMBER: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r#"(?i)(?:\\?"|')[a-z0-9_\-]*(?:{SECRET_WORDS})[a-z0-9_\-]*(?:\\?"|')\s*:\s*"#
        ))
        .expect("member pattern")
    });
    static PATH: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(&format!(
            r#"(?i)\\?"path\\?"\s*:\s*\\?"[^"\\]*(?:{SECRET_WORDS})[^"\\]*\\?""#
        ))
        .expect("path pattern")
    });
    static VALUE: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(r#"\\?"value\\?"\s*:\s*"#).expect("value pattern"));
    static ANY: LazyLock<Regex> =
        LazyLock::new(|| Regex::new(&format!("(?i){SECRET_WORDS}|private")).expect("word pattern"));
    let mut ranges = Vec::new();
    if ANY.is_match(text) {
        for m in MEMBER.find_iter(text) {
            value_ranges(text, m.end(), &mut ranges);
        }
        for m in PATH.find_iter(text) {
            let from = text[..m.start()].rfind('{').unwrap_or(0);
            let to = text[m.end()..]
                .find('}')
                .map_or(text.len(), |i| m.end() + i);
            if let Some(v) = VALUE.find(&text[from..to]) {
                value_ranges(text, from + v.end(), &mut ranges);
            }
        }
        let secrets = &crate::facts::facts().secrets;
        let mut at = 0;
        while let Some(marker) = secrets.loose_marker_at(&text[at..]) {
            let body = at + marker.end;
            let end = text[body..]
                .find("-----")
                .map(|dashes| body + dashes)
                .and_then(|dashes| text[dashes + 5..].find("-----").map(|i| dashes + 5 + i))
                .unwrap_or(text.len())
                .min(body + LONGEST_MASKED);
            let base64 = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
            let bytes = text.as_bytes();
            let mut i = body;
            while i < end {
                if base64(bytes[i]) {
                    let start = i;
                    while i < end && base64(bytes[i]) {
                        i += 1;
                    }
                    ranges.push(start..i);
                } else {
                    i += 1;
                }
            }
            at = end.max(body);
        }
    }
    ranges
}

/// The ranges to mask of the value that starts at `at` (after white space):
/// a string's content, or every string's content of an array or object.
fn value_ranges(text: &str, at: usize, ranges: &mut Vec<Range<usize>>) {
    // A template variable or a documentation placeholder names a secret
    // kept elsewhere: it is shown.
    let placeholders = &crate::facts::facts().placeholders;
    let mut push = |range: Range<usize>| {
        // In a shell string a variable may be written `\$NAME`.
        let value = text
            .get(range.clone())
            .unwrap_or_default()
            .replace("\\$", "$");
        if !placeholders.is_template(&value) && !placeholders.is_placeholder(&value) {
            ranges.push(range);
        }
    };
    let bytes = text.as_bytes();
    let end = (at + LONGEST_MASKED).min(bytes.len());
    match bytes.get(at) {
        Some(b'"' | b'\\' | b'\'') => {
            if let Some(range) = string_content(bytes, at, end) {
                push(range);
            }
        }
        Some(b'[' | b'{') => {
            let mut depth = 0usize;
            let mut i = at;
            while i < end {
                match bytes[i] {
                    b'[' | b'{' => depth += 1,
                    b']' | b'}' => {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    b'"' | b'\\' | b'\'' => {
                        if let Some(range) = string_content(bytes, i, end) {
                            i = range.end;
                            push(range);
                        }
                    }
                    _ => {}
                }
                i += 1;
            }
        }
        _ => {}
    }
}

/// The content of the string whose opening quote (`"`, or `\"` in an
/// escaped body) is at `at`: up to its closing quote, or the end of the
/// line.
fn string_content(bytes: &[u8], at: usize, end: usize) -> Option<Range<usize>> {
    let escaped = bytes.get(at) == Some(&b'\\');
    let quote = *bytes.get(at)?;
    let start = if escaped {
        (bytes.get(at + 1) == Some(&b'"')).then_some(at + 2)?
    } else {
        at + 1
    };
    let mut i = start;
    while i < end {
        match bytes[i] {
            b'\n' | b'\r' => break,
            b'\\' if escaped && bytes.get(i + 1) == Some(&b'"') => break,
            b'\\' => i += 1,
            b'"' | b'\'' if !escaped && bytes[i] == quote => break,
            _ => {}
        }
        i += 1;
    }
    let i = i.min(end);
    (i > start).then_some(start..i)
}

/// The file's text with the bytes of every secret value masked byte for
/// byte, so that offsets stay valid for excerpts. The same secret pasted
/// elsewhere in the file is masked too.
pub(super) fn redact_source(full: &str, secrets: &[std::ops::Range<usize>]) -> Arc<str> {
    if secrets.is_empty() {
        return Arc::from(full);
    }
    let mut bytes = full.as_bytes().to_vec();
    let mut needles = Vec::new();
    for range in secrets {
        let Some(text) = full.get(range.clone()) else {
            continue;
        };
        needles.push(text);
        bytes[range.clone()].fill(b'*');
    }
    for needle in needles.iter().filter(|n| n.len() >= 8) {
        for (at, _) in full.match_indices(*needle) {
            bytes[at..at + needle.len()].fill(b'*');
        }
    }
    // Masking whole characters keeps the text UTF-8; a range that cuts one
    // (it cannot, ranges come from string values) would fall back to lossy.
    match String::from_utf8(bytes) {
        Ok(text) => Arc::from(text),
        Err(e) => Arc::from(String::from_utf8_lossy(e.as_bytes()).as_ref()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// Short texts are scanned, long ones searched: both find a secret
    /// exactly where `str::contains` does.
    fn agrees(text: &str, secret: &str) {
        let finder = OnceCell::new();
        assert_eq!(
            contains_secret(text, secret, &finder),
            text.contains(secret),
            "{text:?} / {secret:?}"
        );
    }

    #[test]
    fn secrets_are_found_in_short_and_long_texts() {
        let secret = "q8Z~fT3.kLm0-Xy7Vb2NcR5sWd9PzA1hGj4UeYo6";
        let near = &secret[..secret.len() - 1];
        for pad in [0, 1, 100, SHORT_TEXT - secret.len(), SHORT_TEXT, 1000] {
            let filler = "q".repeat(pad);
            agrees(&format!("{filler}{secret}"), secret);
            agrees(&format!("{secret}{filler}"), secret);
            agrees(&format!("{filler}{near}!{filler}"), secret);
            agrees(&format!("`clientSecret` is {near}"), secret);
        }
        agrees(near, secret);
        agrees(secret, secret);
    }

    proptest! {
        #[test]
        fn contains_secret_is_contains(
            text in "[ab~é]{0,300}",
            secret in "[ab~é]{1,6}",
            at in 0usize..300,
            planted in any::<bool>(),
        ) {
            let text = if planted {
                let at = (0..=at.min(text.len())).rev().find(|&i| text.is_char_boundary(i)).unwrap_or(0);
                format!("{}{secret}{}", &text[..at], &text[at..])
            } else {
                text
            };
            agrees(&text, &secret);
        }
    }
}
