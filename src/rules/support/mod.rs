//! The machinery the rules share: key material parsing, the table of a
//! document's values, what each string is (template, placeholder), pointer
//! and message helpers.

use std::ops::ControlFlow;

use serde_json::Value;

use crate::diagnostic::{Anchor, Finding};
use crate::facts::facts;
use crate::kind::{ionos_body, IonosBody, Kind};
use crate::rule_meta::{Declared, RuleMeta};
use crate::source::{last_token, tokens, Members};

pub(crate) mod claims;
mod context;
pub mod key_material;
pub(crate) mod modes;
mod patch_targets;
pub(crate) mod pointer_table;
pub(crate) mod read_only;
pub(crate) mod string_classes;
pub(crate) mod texts;
pub(crate) mod urls;

pub use context::{resolve, Context, Field};

/// A check over one parsed document.
pub trait Rule: Declared + Sync + Send {
    /// Pushes one finding per problem. Rules whose findings the engine itself
    /// emits (syntax, duplicate keys, schema findings) keep the default.
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

/// The JSON type of a value, as messages name it.
pub fn json_type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

/// The candidate closest to `name`, if it is close enough to be a likely typo
/// (or differs only in case). A name longer than [`LONGEST_TYPO`] bytes is
/// no typo of a member name or rule name.
pub fn nearest_name<'a>(
    name: &str,
    candidates: impl IntoIterator<Item = &'a str>,
) -> Option<&'a str> {
    if name.len() > LONGEST_TYPO {
        return None;
    }
    let lower = name.to_ascii_lowercase();
    let mut candidate = String::new();
    candidates
        .into_iter()
        .filter(|c| *c != name)
        .map(|c| {
            let score = if c.eq_ignore_ascii_case(name) {
                1.0
            } else if !may_be_near(&lower, c) {
                0.0
            } else {
                candidate.clear();
                candidate.extend(c.chars().map(|ch| ch.to_ascii_lowercase()));
                strsim::jaro_winkler(&lower, &candidate)
            };
            (c, score)
        })
        .filter(|&(_, score)| score >= 0.8)
        .max_by(|a, b| a.1.total_cmp(&b.1))
        .map(|(c, _)| c)
}

/// False when `lower` and `candidate` share too few characters for a
/// Jaro-Winkler similarity of 0.8: that needs a Jaro similarity of 2/3
/// (the prefix bonus adds at most 0.4 of what is missing), so
/// `m/|a| + m/|b| ≥ 1` for the `m` matching characters, and `m` is at most
/// the characters the two have in common. Only ASCII names are screened.
fn may_be_near(lower: &str, candidate: &str) -> bool {
    if !lower.is_ascii() || !candidate.is_ascii() || lower.is_empty() || candidate.is_empty() {
        return true;
    }
    let mut counts = [0u8; 128];
    for b in lower.bytes() {
        counts[usize::from(b)] = counts[usize::from(b)].saturating_add(1);
    }
    let mut common = 0usize;
    for b in candidate.bytes() {
        let slot = &mut counts[usize::from(b.to_ascii_lowercase())];
        if *slot > 0 {
            *slot -= 1;
            common += 1;
        }
    }
    let (a, b) = (lower.len() as f64, candidate.len() as f64);
    common as f64 / a + common as f64 / b >= 1.0
}

/// Longer names than this, in bytes, are not compared with the known ones.
pub const LONGEST_TYPO: usize = 100;

/// A value as a message shows it: strings quoted in backticks, shortened,
/// their control and invisible characters escaped.
pub fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => format!("`{}`", shorten(s, 60)),
        other => format!("`{}`", shorten(&other.to_string(), 60)),
    }
}

/// `s` as a message may quote it: a line break, a tab, a terminal escape or
/// an invisible character written as `\n`, `\t`, `\u{1b}`, so that a value
/// can neither break the message's line nor reach the terminal as a control.
pub fn escaped(s: &str) -> std::borrow::Cow<'_, str> {
    let needs = |c: char| c.is_control() || crate::source::is_invisible(c);
    if !s.chars().any(needs) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if needs(c) => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// `s` as a message quotes it: control and invisible characters escaped
/// (see [`escaped`]), cut to at most `max` characters, with `…` when cut.
pub fn shorten(s: &str, max: usize) -> String {
    let s = escaped(s);
    if s.chars().count() <= max {
        s.into_owned()
    } else {
        let mut out: String = s.chars().take(max.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// What the operations of a Qlik patch say about the protocol of the IdP
/// they target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PatchProtocol {
    /// Protocols every operation is allowed for, in table order.
    pub candidates: Vec<&'static str>,
    /// Two operations whose paths exist for no common protocol.
    pub conflict: Option<(usize, usize)>,
}

impl PatchProtocol {
    /// The protocol, when the operations leave exactly one.
    pub fn unique(&self) -> Option<&'static str> {
        match self.candidates.as_slice() {
            [one] if self.conflict.is_none() => Some(one),
            _ => None,
        }
    }
}

/// Infers the target protocol of a Qlik patch from its operations' paths and ops.
pub fn infer_patch_protocol(root: &Value) -> PatchProtocol {
    let table = &facts().patch;
    let all: Vec<&'static str> = table.ops.keys().map(String::as_str).collect();
    let mut candidates = all.clone();
    let mut narrowed_by: Option<usize> = None;
    let mut conflict = None;
    for (i, op) in root.as_array().into_iter().flatten().enumerate() {
        let mut allowed: Vec<&'static str> = all.clone();
        if let Some(path) = op.member("path").and_then(Value::as_str) {
            if let Some(entry) = table.find(path) {
                allowed.retain(|p| entry.protocols.iter().any(|x| x == p));
            }
        }
        if let Some(name) = op.member("op").and_then(Value::as_str) {
            let for_op: Vec<&'static str> = all
                .iter()
                .copied()
                .filter(|p| {
                    table
                        .ops
                        .get(*p)
                        .is_some_and(|ops| ops.iter().any(|o| o == name))
                })
                .collect();
            if !for_op.is_empty() {
                allowed.retain(|p| for_op.contains(p));
            }
        }
        let next: Vec<&'static str> = candidates
            .iter()
            .copied()
            .filter(|p| allowed.contains(p))
            .collect();
        if next.is_empty() {
            if conflict.is_none() {
                conflict = Some((narrowed_by.unwrap_or(0), i));
            }
            continue;
        }
        if next.len() < candidates.len() {
            narrowed_by = Some(i);
        }
        candidates = next;
    }
    PatchProtocol {
        candidates,
        conflict,
    }
}

/// Pointers of every secret string in the document: members named as
/// secrets, patch values aimed at such a member, and private keys (PEM, or
/// bare base64 whose DER is a private key).
pub fn secret_pointers(cx: &Context<'_>) -> Vec<String> {
    let secrets = &facts().secrets;
    let mut out = Vec::new();
    cx.walk_strings(&mut |pointer, parent_key, s| {
        let named = parent_key.is_some_and(|k| secrets.members.iter().any(|m| m == k));
        if (named && !is_whole_template(s))
            || secrets.mentions_private_key(s)
            || key_material::is_private_key_base64(s)
        {
            out.push(pointer.to_string());
        }
    });
    if cx.kind == Kind::QlikPatch {
        for (i, op) in cx.root.as_array().into_iter().flatten().enumerate() {
            let targets_secret = op
                .member("path")
                .and_then(Value::as_str)
                .map(last_token)
                .is_some_and(|last| secrets.members.iter().any(|m| m == last));
            let literal = op
                .member("value")
                .and_then(Value::as_str)
                .is_some_and(|v| !is_whole_template(v));
            if targets_secret && literal {
                out.push(format!("/{i}/value"));
            }
        }
    }
    out
}

/// The secret strings themselves, to keep them out of messages.
pub fn secret_values<'a>(pointers: &[String], root: &'a Value) -> Vec<&'a str> {
    pointers
        .iter()
        .filter_map(|p| resolve(root, p).and_then(Value::as_str))
        .collect()
}

/// Visits every string of `value` with its pointer and the name of the
/// member that holds it (`None` for an array item or the root).
pub fn walk_strings<'a>(value: &'a Value, visit: &mut dyn FnMut(&str, Option<&'a str>, &'a str)) {
    walk_values(value, &mut |pointer, key, value| {
        if let Value::String(s) = value {
            visit(pointer, key, s);
        }
        ControlFlow::Continue(())
    });
}

/// Visits `value` and every value below it, parents first, with its pointer
/// and the name of the member that holds it (`None` for an array item or
/// the root). The walk stops at the first `Break`; true when it did not.
pub fn walk_values<'a, F>(value: &'a Value, visit: &mut F) -> bool
where
    F: FnMut(&str, Option<&'a str>, &'a Value) -> ControlFlow<()>,
{
    fn inner<'a, F>(
        value: &'a Value,
        key: Option<&'a str>,
        pointer: &mut String,
        visit: &mut F,
    ) -> bool
    where
        F: FnMut(&str, Option<&'a str>, &'a Value) -> ControlFlow<()>,
    {
        if visit(pointer, key, value).is_break() {
            return false;
        }
        let len = pointer.len();
        match value {
            Value::Array(items) => {
                for (i, v) in items.iter().enumerate() {
                    pointer.push('/');
                    push_index(pointer, i);
                    let go_on = inner(v, None, pointer, visit);
                    pointer.truncate(len);
                    if !go_on {
                        return false;
                    }
                }
            }
            Value::Object(map) => {
                for (k, v) in map {
                    pointer.push('/');
                    pointer.push_str(&crate::source::escape_token(k));
                    let go_on = inner(v, Some(k), pointer, visit);
                    pointer.truncate(len);
                    if !go_on {
                        return false;
                    }
                }
            }
            _ => {}
        }
        true
    }
    // Room for the pointers of a usual payload, so that it rarely grows.
    inner(value, None, &mut String::with_capacity(128), visit)
}

/// Appends `i` in decimal without an intermediate string.
pub fn push_index(out: &mut String, i: usize) {
    if i < 10 {
        // Most arrays of a payload are short; the formatter costs more than the digit.
        out.push(char::from(b'0' + i as u8));
    } else {
        use std::fmt::Write;
        let _ = write!(out, "{i}");
    }
}

/// The `properties` object of an IONOS body that carries an identity
/// provider; `None` for a patch, a list response, a domains body, or when
/// `properties` is missing or no object (the schema reports those).
pub fn ionos_properties(root: &Value) -> Option<&serde_json::Map<String, Value>> {
    match ionos_body(root) {
        Some(IonosBody::IdentityProvider) => root.get("properties").and_then(Value::as_object),
        _ => None,
    }
}

/// The IONOS `configuration` blocks whose members are checked: the block
/// `type` names, or every block present when `type` names none. Each comes
/// with its facts and its members. A missing block is IDP110's.
pub fn ionos_checked_blocks<'a>(
    cx: &Context<'a>,
) -> Vec<(
    &'static str,
    &'static crate::facts::IonosTypeFacts,
    &'a serde_json::Map<String, Value>,
)> {
    let ionos = &cx.facts.ionos;
    let Some(config) = cx
        .get("/properties/configuration")
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    let wanted = cx
        .str("/properties/type")
        .and_then(|t| ionos.canonical_type(t));
    ionos
        .types
        .iter()
        .filter(|(block, _)| wanted.is_none_or(|w| w == block.as_str()))
        .filter_map(|(block, facts)| {
            let members = config.get(block).and_then(Value::as_object)?;
            Some((block.as_str(), facts, members))
        })
        .collect()
}

/// A pointer as messages name the member: `properties.configuration.oidc`.
pub fn dotted(pointer: &str) -> String {
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(crate::source::unescape_token)
        .collect::<Vec<_>>()
        .join(".")
}

/// The create-body pointer a value stands for: the pointer itself, or, for a
/// value inside a Qlik patch operation, the operation's `path` joined with
/// the rest (the value's own pointer when the path is no pointer). `None`
/// for the parts of an operation that are no field (`op`, `path`) and for
/// the value of an operation without a `path`.
pub fn create_pointer(kind: Kind, root: &Value, pointer: &str) -> Option<String> {
    if kind != Kind::QlikPatch {
        return Some(pointer.to_string());
    }
    Some(match patch_field(root, pointer)? {
        Some((path, rest)) => format!("{path}{rest}"),
        None => pointer.to_string(),
    })
}

/// For a pointer into a Qlik patch, the two parts of the create-body
/// pointer it stands for: the operation's `path` (without a trailing `/`)
/// and the rest of the pointer after `/N/value`. `Some(None)` when the path
/// is no pointer, so the value stands for itself; `None` as for
/// [`create_pointer`].
pub fn patch_field<'v, 'p>(
    root: &'v Value,
    pointer: &'p str,
) -> Option<Option<(&'v str, &'p str)>> {
    let (index, rest) = pointer.strip_prefix('/')?.split_once('/')?;
    let rest = rest.strip_prefix("value")?;
    if !(rest.is_empty() || rest.starts_with('/')) {
        return None;
    }
    let path = root
        .get(index.parse::<usize>().ok()?)?
        .get("path")?
        .as_str()?;
    // A path that is no pointer names no field: the value stays what it is.
    Some(
        path.starts_with('/')
            .then(|| (path.trim_end_matches('/'), rest)),
    )
}

/// A create-body pointer as messages name the member: `options.staticKeys[0].pem`.
pub fn display_pointer(pointer: &str) -> String {
    let mut out = String::new();
    for token in tokens(pointer).skip(1) {
        if !token.is_empty() && token.bytes().all(|b| b.is_ascii_digit()) {
            out.push('[');
            out.push_str(token);
            out.push(']');
        } else {
            if !out.is_empty() {
                out.push('.');
            }
            out.push_str(&crate::source::unescape_token(token));
        }
    }
    if out.is_empty() {
        "body".to_string()
    } else {
        out
    }
}

/// The pointer of `member` (a name that needs no escape) inside the value
/// at `parent`: `{parent}/{member}`, without the formatter's cost.
pub fn child_pointer(parent: &str, member: &str) -> String {
    let mut pointer = String::with_capacity(parent.len() + 1 + member.len());
    pointer.push_str(parent);
    pointer.push('/');
    pointer.push_str(member);
    pointer
}

/// The member name at the end of a pointer, skipping array indices
/// (`/options/staticKeys/0/pem` → `pem`, `/tenantIds/0` → `tenantIds`).
pub fn member_name(pointer: &str) -> std::borrow::Cow<'_, str> {
    let mut rest = pointer;
    loop {
        let token = last_token(rest);
        if !token.bytes().all(|b| b.is_ascii_digit()) {
            return crate::source::unescape_token(token);
        }
        match rest.len().checked_sub(token.len() + 1) {
            Some(parent) => rest = &rest[..parent],
            None => return std::borrow::Cow::default(),
        }
    }
}

/// True when `pointer` matches `pattern`, whose tokens may be `*`.
pub fn pointer_matches(pattern: &str, pointer: &str) -> bool {
    let (mut a, mut b) = (tokens(pattern), tokens(pointer));
    loop {
        match (a.next(), b.next()) {
            (None, None) => return true,
            (Some(p), Some(t)) if p == "*" || p == t => {}
            _ => return false,
        }
    }
}

/// True when `pointer` is `ancestor` or lies inside it.
pub fn is_within(pointer: &str, ancestor: &str) -> bool {
    pointer
        .strip_prefix(ancestor)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

/// True when the whole value is one template variable (`${OKTA_SECRET}`):
/// a reference to a secret, not a secret, so it is shown as written.
fn is_whole_template(value: &str) -> bool {
    facts().placeholders.find_template(value) == Some(value.trim())
}

/// The finding for a string field longer than the API accepts: the message
/// counts characters, the label repeats the count, `help` says what to do.
pub fn too_long(
    rule: &'static RuleMeta,
    name: &str,
    field: &Field<'_>,
    chars: usize,
    max: usize,
    help: String,
) -> Finding {
    Finding::new(
        rule,
        format!("`{name}` has {chars} characters; the API accepts at most {max}"),
        field.anchor(),
    )
    .label(format!("{chars} characters"))
    .help(help)
}

/// The finding for a member that must be an array of strings but is not an
/// array: a lone string gets a fixable "wrap it"; anything else names its type
/// and shows `example`.
pub fn not_a_string_array(
    rule: &'static RuleMeta,
    name: &str,
    value: &Value,
    at: Anchor,
    example: &str,
) -> Finding {
    match value {
        Value::String(s) => {
            let wrapped = format!("[{}]", Value::String(s.clone()));
            let pointer = at.pointer.clone();
            Finding::new(
                rule,
                format!("`{name}` must be an array of strings, found a string"),
                at,
            )
            .label("a string, not an array")
            .help(format!("wrap it in an array: `{}`", shorten(&wrapped, 100)))
            .fix(
                crate::diagnostic::Applicability::Safe,
                "wrap it in an array",
                vec![crate::diagnostic::Repair::Value {
                    pointer,
                    json: wrapped,
                }],
            )
        }
        other => Finding::new(
            rule,
            format!(
                "`{name}` must be an array of strings, found {}",
                json_type_name(other)
            ),
            at,
        )
        .label("not an array")
        .help(format!("write {example}")),
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn quoted_values_cannot_break_a_line_or_reach_the_terminal() {
        assert_eq!(
            super::shown(&serde_json::json!("a\nb\tc\u{1b}[31md\u{202e}e")),
            "`a\\nb\\tc\\u{1b}[31md\\u{202e}e`"
        );
        assert_eq!(super::shorten("plain value", 60), "plain value");
        // Escaped first, then cut: the count is of what the reader sees.
        assert_eq!(super::shorten("ab\ncdef", 5), "ab\\n…");
    }

    proptest::proptest! {
        /// The screen never turns away a pair the similarity would keep.
        #[test]
        fn the_screen_keeps_every_near_name(a in "[a-zA-Z_~/]{1,14}", b in "[a-zA-Z_]{1,14}") {
            let lower = a.to_ascii_lowercase();
            let score = strsim::jaro_winkler(&lower, &b.to_ascii_lowercase());
            if score >= 0.8 {
                proptest::prop_assert!(may_be_near(&lower, &b), "{a} {b} {score}");
            }
        }
    }

    use super::*;

    const POINTERS: &[&str] = &[
        "/options/staticKeys/0/pem",
        "/tenantIds/0",
        "/options/claimsMapping/a~1b",
        "/0/value",
        "/0",
        "/12/34",
        "",
        "/",
        "/a//0",
        "/a//",
        "no-slash",
        "/options/~0~1/",
    ];

    #[test]
    fn last_token_is_what_follows_the_last_slash() {
        for pointer in POINTERS {
            assert_eq!(
                last_token(pointer),
                pointer.rsplit('/').next().unwrap_or_default(),
                "{pointer}"
            );
        }
    }

    #[test]
    fn member_name_skips_array_indices_from_the_end() {
        for pointer in POINTERS {
            let by_split = pointer
                .rsplit('/')
                .find(|t| !t.bytes().all(|b| b.is_ascii_digit()))
                .map(crate::source::unescape_token)
                .unwrap_or_default();
            assert_eq!(member_name(pointer), by_split, "{pointer}");
        }
        assert_eq!(member_name("/options/staticKeys/0/pem"), "pem");
        assert_eq!(member_name("/tenantIds/0"), "tenantIds");
        assert_eq!(member_name("/options/claimsMapping/a~1b"), "a/b");
    }
}
