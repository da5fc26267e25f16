//! Masking secrets: no secret value reaches a message or an excerpt.

use std::borrow::Cow;
use std::cell::OnceCell;
use std::ops::Range;
use std::sync::{Arc, LazyLock};

use aho_corasick::AhoCorasick;

use crate::diagnostic::Diagnostic;
use crate::rules::support::{escaped, shorten};

/// Replaces every secret value that a message quotes with `***`: inside the
/// backticks a message quotes values in, where the secret stands as a whole
/// (not inside a longer word), never in the rule's own words.
pub(super) fn redact_text(d: &mut Diagnostic, secrets: &SecretMasks<'_>) {
    for (secret, finder) in &secrets.0 {
        each_text(d, |text| {
            if contains_secret(text, secret, finder) {
                // A secret with a backtick would cut the quotes apart: it is
                // masked wherever it stands.
                let masked = if secret.contains('`') {
                    Some(text.replace(secret.as_ref(), "***"))
                } else {
                    mask_quoted(text, secret)
                };
                if let Some(masked) = masked {
                    *text = masked;
                }
            }
        });
    }
}

/// `text` with each whole occurrence of `secret` inside a backtick quote
/// replaced by `***`, if there is one.
fn mask_quoted(text: &str, secret: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len());
    let mut changed = false;
    for (i, part) in text.split('`').enumerate() {
        if i > 0 {
            out.push('`');
        }
        if i % 2 == 0 {
            out.push_str(part);
            continue;
        }
        let mut kept = 0;
        for at in whole_occurrences(part.as_bytes(), secret.as_bytes()) {
            if at < kept {
                continue;
            }
            out.push_str(&part[kept..at]);
            out.push_str("***");
            kept = at + secret.len();
            changed = true;
        }
        out.push_str(&part[kept..]);
    }
    changed.then_some(out)
}

/// Where `needle` stands in `haystack` as a whole: not preceded or followed
/// by a letter, digit or `_` that would make it part of a longer word
/// (`tenant` in `tenantIds`).
fn whole_occurrences<'h>(haystack: &'h [u8], needle: &'h [u8]) -> impl Iterator<Item = usize> + 'h {
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_';
    let starts_word = needle.first().is_some_and(|&b| is_word(b));
    let ends_word = needle.last().is_some_and(|&b| is_word(b));
    memchr::memmem::find_iter(haystack, needle).filter(move |&at| {
        let before = at.checked_sub(1).map(|i| haystack[i]);
        let after = haystack.get(at + needle.len()).copied();
        let glued_before = starts_word && before.is_some_and(is_word);
        let glued_after = ends_word && after.is_some_and(is_word);
        !glued_before && !glued_after
    })
}

/// True for a value documentation writes where a secret goes (`string`,
/// `<client-secret>`, `changeme`): nothing to hide, and the message should
/// name it.
fn is_placeholder(value: &str) -> bool {
    matches!(
        crate::facts::facts().placeholders.find(value),
        Some((crate::facts::Placeholder::Marker, part)) if part == value.trim()
    )
}

/// Calls `change` on every text of a finding a reader sees: its message,
/// help, label and related labels' messages.
fn each_text(d: &mut Diagnostic, mut change: impl FnMut(&mut String)) {
    change(&mut d.message);
    if let Some(help) = d.help.as_mut() {
        change(help);
    }
    if let Some(label) = d.label.as_mut() {
        change(label);
    }
    for l in &mut d.related {
        change(&mut l.message);
    }
}

/// Texts up to this long are searched for a secret byte by byte: building
/// a searcher costs more than scanning a message.
const SHORT_TEXT: usize = 256;

/// True when `text` contains `secret`.
fn contains_secret(
    text: &str,
    secret: &str,
    finder: &OnceCell<memchr::memmem::Finder<'static>>,
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
            .get_or_init(|| memchr::memmem::Finder::new(secret).into_owned())
            .find(text)
            .is_some()
    }
}

/// The secret strings of a document that messages must not show (those of
/// four bytes or more), each with a searcher built once for all findings,
/// when a text long enough to need it first comes.
pub(super) struct SecretMasks<'a>(Vec<(Cow<'a, str>, OnceCell<memchr::memmem::Finder<'static>>)>);

impl<'a> SecretMasks<'a> {
    /// The masks of `values`: each value as written and as messages quote
    /// it (control characters escaped), then the heads that messages show
    /// of a long one (`shorten` keeps 39, 59, 79 or 99 characters before
    /// its `…`), so that a shortened secret is masked too.
    pub(super) fn new(values: Vec<&'a str>) -> Self {
        let mut quoted: Vec<Cow<'a, str>> = Vec::new();
        for value in values {
            if value.len() < 4 || is_placeholder(value) {
                continue;
            }
            let escaped = escaped(value);
            if escaped != value {
                quoted.push(Cow::Owned(escaped.into_owned()));
            }
            quoted.push(Cow::Borrowed(value));
        }
        let heads: Vec<Cow<'a, str>> = quoted
            .iter()
            .flat_map(|s| {
                SHOWN_HEADS.iter().filter_map(move |&chars| {
                    let (end, _) = s.char_indices().nth(chars)?;
                    Some(Cow::Owned(s[..end].to_string()))
                })
            })
            .collect();
        quoted.extend(heads);
        Self(quoted.into_iter().map(|s| (s, OnceCell::new())).collect())
    }
}

impl SecretMasks<'_> {
    /// True when a secret (or a head of one) is in `text`.
    pub(super) fn appear_in(&self, text: &str) -> bool {
        self.0
            .iter()
            .any(|(secret, finder)| contains_secret(text, secret, finder))
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
    each_text(d, |text| {
        if text.len() > LONGEST_QUOTED {
            if let Some(shorter) = bounded(text) {
                *text = shorter;
            }
        }
    });
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

/// The most bytes of one value masked by [`likely_secrets`].
const LONGEST_MASKED: usize = 64 * 1024;

/// Byte ranges of `text` that look secret, found without parsing it: the
/// value after a member named like a secret (a string, or every string of
/// an array or object), the `value` of a patch operation whose `path`
/// names a secret, and the body of a PEM private key, up to its end line.
/// Quotes may be escaped (`\"`), as in a shell string or a Postman body,
/// or single, as people write JSON by mistake.
pub(super) fn likely_secrets(text: &str) -> Vec<Range<usize>> {
    static WORDS: LazyLock<AhoCorasick> = LazyLock::new(|| {
        AhoCorasick::builder()
            .ascii_case_insensitive(true)
            .build(&crate::facts::facts().secrets.marking_words)
            .expect("secret words")
    });
    let secrets = &crate::facts::facts().secrets;
    let bytes = text.as_bytes();
    let mut ranges = Vec::new();
    let mut pem_end = 0;
    for hit in WORDS.find_iter(text) {
        let (start, end) = (hit.start(), hit.end());
        // The private-key marker's first word counts only as `private key`.
        let word_is_private = secrets
            .private_key_marker
            .split(' ')
            .next()
            .is_some_and(|first| text[start..end].eq_ignore_ascii_case(first));
        if word_is_private && start >= pem_end && in_begin_label(text, start) {
            if let Some(body) = pem_private_key_body(text, end) {
                pem_end = mask_base64(bytes, body, &mut ranges);
                continue;
            }
        }
        let key_start = start
            - bytes[..start]
                .iter()
                .rev()
                .take_while(|&&b| is_name_byte(b))
                .count();
        let key_end = end
            + bytes[end..]
                .iter()
                .take_while(|&&b| is_name_byte(b))
                .count();
        let name = &text[key_start..key_end];
        if word_is_private && !is_private_key_name(name) {
            continue;
        }
        if let Some(at) = member_value_at(bytes, key_start, key_end) {
            value_ranges(text, at, &mut ranges);
        } else if let Some(at) = patch_value_of_path_at(text, start, end) {
            value_ranges(text, at, &mut ranges);
        }
    }
    ranges
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'-'
}

fn is_private_key_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("privatekey") || lower.contains("private_key") || lower.contains("private-key")
}

/// Where the value starts when `bytes[key_start..key_end]` is a member name
/// in quotes (`"…"`, `\"…\"`, `'…'`) followed by a colon.
fn member_value_at(bytes: &[u8], key_start: usize, key_end: usize) -> Option<usize> {
    let open = *bytes.get(key_start.checked_sub(1)?)?;
    if !matches!(open, b'"' | b'\'') {
        return None;
    }
    let mut at = key_end;
    if bytes.get(at) == Some(&b'\\') {
        at += 1;
    }
    if bytes.get(at) != Some(&open) {
        return None;
    }
    at = skip_space(bytes, at + 1);
    if bytes.get(at) != Some(&b':') {
        return None;
    }
    Some(skip_space(bytes, at + 1))
}

/// Where the `value` of the patch operation starts when the word at
/// `start..end` is inside the string value of its `path` member.
fn patch_value_of_path_at(text: &str, start: usize, end: usize) -> Option<usize> {
    let bytes = text.as_bytes();
    let open = start
        - bytes[..start]
            .iter()
            .rev()
            .take(300)
            .take_while(|&&b| b != b'"')
            .count();
    let mut before = open.checked_sub(1)?;
    if bytes.get(before) != Some(&b'"') {
        return None;
    }
    if before > 0 && bytes[before - 1] == b'\\' {
        before -= 1;
    }
    let colon = before
        - bytes[..before]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    if colon == 0 || bytes[colon - 1] != b':' {
        return None;
    }
    let name_end = colon
        - 1
        - bytes[..colon - 1]
            .iter()
            .rev()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    let name = text.get(..name_end)?.trim_end_matches(['"', '\\']);
    if !name.ends_with("path") {
        return None;
    }
    let from = text[..open].rfind('{').unwrap_or(0);
    let to = text[end..].find('}').map_or(text.len(), |i| end + i);
    let object = &text[from..to];
    memchr::memmem::find_iter(object.as_bytes(), b"value")
        .find_map(|i| member_value_at(bytes, from + i, from + i + 5))
}

/// True when `at` is inside a PEM `BEGIN` label: after `-----BEGIN` on the
/// same line (an `END` label is no start of a key).
fn in_begin_label(text: &str, at: usize) -> bool {
    let Some(open) = text[..at].rfind("-----") else {
        return false;
    };
    let label = &text[open + 5..at];
    label.len() <= 80
        && !label.contains('\n')
        && label
            .trim_start()
            .get(..5)
            .is_some_and(|w| w.eq_ignore_ascii_case("begin"))
}

/// The start of a PEM private key's body when `private` ends at `after`
/// and is followed by `key` and the label's closing dashes.
fn pem_private_key_body(text: &str, after: usize) -> Option<usize> {
    let rest = &text[after..];
    let spaced = rest.len() - rest.trim_start().len();
    if spaced == 0 {
        return None;
    }
    let key = after + spaced;
    if !text.get(key..key + 3)?.eq_ignore_ascii_case("key") {
        return None;
    }
    let rest = &text[key + 3..];
    let dashes = key + 3 + (rest.len() - rest.trim_start().len());
    text[dashes..].starts_with("-----").then_some(dashes + 5)
}

/// Masks the base64 characters from `body` up to the next run of dashes
/// (the end line) or [`LONGEST_MASKED`]; returns where it stopped.
fn mask_base64(bytes: &[u8], body: usize, ranges: &mut Vec<Range<usize>>) -> usize {
    let end = memchr::memmem::find(&bytes[body..], b"-----")
        .map_or(bytes.len(), |i| body + i)
        .min(body + LONGEST_MASKED);
    let base64 = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'+' | b'/' | b'=');
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
    end
}

fn skip_space(bytes: &[u8], mut at: usize) -> usize {
    while bytes.get(at).is_some_and(u8::is_ascii_whitespace) {
        at += 1;
    }
    at
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

/// The most distinct secrets searched for elsewhere in a file.
const SEARCHED_SECRETS: usize = 32;

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
        if is_placeholder(text) {
            continue;
        }
        needles.push(text);
        bytes[range.clone()].fill(b'*');
    }
    // Each distinct secret of 8 bytes or more is searched for once, the
    // longest first and at most `SEARCHED_SECRETS` of them: a file whose
    // every value looks secret costs a few passes, not one per value.
    let mut needles: Vec<&str> = needles.into_iter().filter(|n| n.len() >= 8).collect();
    needles.sort_unstable_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
    needles.dedup();
    for needle in needles.into_iter().take(SEARCHED_SECRETS) {
        for at in whole_occurrences(full.as_bytes(), needle.as_bytes()) {
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

    fn masked(text: &str) -> String {
        redact_source(text, &likely_secrets(text)).to_string()
    }

    #[test]
    fn likely_secrets_mask_values_and_key_bodies_only() {
        let text = r#"{"options": {"clientSecret": "q8Z~fT3.kLm0", "clientId": "0oa1b2c3"},
  "pem": "-----BEGIN private key-----\nMIIEvQIBADAN\nBgkqhkiG9w0B\n-----END PRIVATE KEY-----", "kid": "acme-2026",
  "description": "the secret is rotated yearly", "password": ["hunter22", {"x": "hunter33"}]}"#;
        let shown = masked(text);
        for hidden in [
            "q8Z~fT3.kLm0",
            "MIIEvQIBADAN",
            "BgkqhkiG9w0B",
            "hunter22",
            "hunter33",
        ] {
            assert!(!shown.contains(hidden), "{hidden}: {shown}");
        }
        for kept in [
            "0oa1b2c3",
            "acme-2026",
            "the secret is rotated yearly",
            "-----END PRIVATE KEY-----",
        ] {
            assert!(shown.contains(kept), "{kept}: {shown}");
        }
        // Escaped quotes (a shell string), single quotes, a near-miss patch path.
        let text = r#"-d "{\"clientSecret\": \"q8Z~fT3.kLm0\", \"clientId\": \"0oa1\"}"
{'clientSecret': 'hunter44'}
[{"op": "replace", "path": "/options/client~1Secret", "value": "hunter55"}]"#;
        let shown = masked(text);
        for hidden in ["q8Z~fT3.kLm0", "hunter44", "hunter55"] {
            assert!(!shown.contains(hidden), "{hidden}: {shown}");
        }
        assert!(shown.contains("0oa1"), "{shown}");
        // A template variable names a secret kept elsewhere: it stays shown.
        assert!(masked(r#"{"clientSecret": "${OKTA_SECRET}"}"#).contains("${OKTA_SECRET}"));
    }

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
