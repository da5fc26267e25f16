//! `[[suppress]]`: one finding silenced, for a reason, where it is.
//!
//! ```toml
//! [[suppress]]
//! path = "idp/legacy-okta.json"             # a glob, relative to the file's directory
//! code = "IDP504"                            # a code, a prefix or a rule name
//! pointer = "/options/discoveryUrl"          # optional: this member and what lies under it
//! reason = "legacy tenant, migrating in Q1"  # required
//! ```
//!
//! A finding is suppressed when the file it is in matches `path`, its rule
//! matches `code`, and its JSON pointer is `pointer` or lies under it
//! (`/options` covers `/options/discoveryUrl`, not `/optionsExtra`); with
//! no `pointer`, every finding of the rule in those files. In a container
//! (Markdown, a script) the pointer is inside the request's body.

use std::ops::Range;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::globs::Globs;
use crate::linter::matches_code;
use crate::source::{LineIndex, Position};

pub use crate::rule_meta::{UNUSED_CODE, UNUSED_NAME};

/// One `[[suppress]]` entry of a configuration file.
#[derive(Debug, Clone)]
pub struct Suppression {
    /// The files, by glob relative to the configuration file's directory.
    pub path: Globs,
    /// A code, a prefix or a rule name, as written.
    pub code: String,
    /// The JSON pointer the finding must be at or under; `None` for any.
    pub pointer: Option<String>,
    /// Why the finding is accepted.
    pub reason: String,
    /// Where the entry is in the configuration file (its `[[suppress]]`
    /// line), for the finding that says it matched nothing.
    pub span: Span,
    pub start: Position,
    pub end: Position,
}

impl Suppression {
    /// The glob as written.
    pub fn pattern(&self) -> &str {
        self.path.patterns().first().map_or("", String::as_str)
    }

    /// True when the entry applies to the file at `path`.
    pub fn covers_file(&self, path: &std::path::Path) -> bool {
        self.path.matches(path)
    }

    /// True when the entry silences `diagnostic`, a finding in a file it
    /// applies to.
    pub fn silences(&self, diagnostic: &Diagnostic) -> bool {
        matches_code(diagnostic.code, &self.code)
            && self
                .pointer
                .as_deref()
                .is_none_or(|p| pointer_within(&diagnostic.pointer, p))
    }

    /// The warning that the entry matched no finding, placed on its
    /// `[[suppress]]` line.
    pub fn unused(&self) -> Diagnostic {
        let at = match &self.pointer {
            Some(pointer) => format!(" at `{pointer}`"),
            None => String::new(),
        };
        Diagnostic {
            code: UNUSED_CODE,
            name: UNUSED_NAME,
            severity: Severity::Warning,
            message: format!(
                "unused suppression: no `{}` finding{at} in the files `{}` names",
                self.code,
                self.pattern()
            ),
            help: Some(
                "remove the entry: the finding is fixed, moved, or no longer reported".to_string(),
            ),
            pointer: String::new(),
            span: self.span,
            start: self.start,
            end: self.end,
            fixable: false,
            fix: None,
            label: Some("matches no finding".to_string()),
            related: Vec::new(),
            request: None,
        }
    }
}

impl super::Config {
    /// True when a `[[suppress]]` entry silences `diagnostic`, a finding in
    /// the file at `path`.
    pub fn is_suppressed(&self, path: &std::path::Path, diagnostic: &Diagnostic) -> bool {
        self.suppress
            .iter()
            .any(|s| s.covers_file(path) && s.silences(diagnostic))
    }
}

/// True when `pointer` is `within` or a member or item under it.
pub fn pointer_within(pointer: &str, within: &str) -> bool {
    match pointer.strip_prefix(within) {
        Some(rest) => rest.is_empty() || rest.starts_with('/') || within.ends_with('/'),
        None => false,
    }
}

/// A `[[suppress]]` entry as written.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSuppression {
    path: Spanned<String>,
    code: Spanned<String>,
    pointer: Option<Spanned<String>>,
    reason: Option<Spanned<String>>,
}

/// What is wrong with an entry: the span, the message, the label, the help.
pub(super) type Problem = (Range<usize>, String, &'static str, String);

impl RawSuppression {
    pub(super) fn path(&self) -> &Spanned<String> {
        &self.path
    }

    pub(super) fn code(&self) -> &Spanned<String> {
        &self.code
    }
}

/// Checks one entry (`entry` spans it in `text`), whose path compiled to
/// `globs` (`None`: it did not, and was reported) and whose code selects a
/// rule when `code_ok` (else it was reported).
pub(super) fn check(
    entry: &Spanned<RawSuppression>,
    text: &Arc<str>,
    globs: Option<Globs>,
    code_ok: bool,
) -> Result<Suppression, Vec<Problem>> {
    let raw = entry.get_ref();
    let mut problems = Vec::new();
    let reason = raw.reason.as_ref().map(|r| r.get_ref().trim().to_string());
    match (&raw.reason, reason.as_deref()) {
        (None, _) => problems.push((
            header(text, entry.span()),
            "a suppression without a `reason`".to_string(),
            "this suppression",
            "say why the finding is accepted: `reason = \"legacy tenant, migrating in Q1\"`"
                .to_string(),
        )),
        (Some(r), Some("")) => problems.push((
            r.span(),
            "a suppression with an empty `reason`".to_string(),
            "empty reason",
            "say why the finding is accepted".to_string(),
        )),
        _ => {}
    }
    if let Some(p) = &raw.pointer {
        let value = p.get_ref();
        if !value.is_empty() && !value.starts_with('/') {
            problems.push((
                p.span(),
                format!("`{value}` is not a JSON pointer"),
                "not a JSON pointer",
                format!(
                    "write it from the body's root: `/{}`",
                    value.replace('.', "/")
                ),
            ));
        }
    }
    match (globs, code_ok, problems.is_empty()) {
        (Some(path), true, true) => Ok(placed(raw, path, entry.span(), text)),
        _ => Err(problems),
    }
}

fn placed(raw: &RawSuppression, path: Globs, entry: Range<usize>, text: &str) -> Suppression {
    let at = header(text, entry);
    let lines = LineIndex::new(text, 0);
    Suppression {
        path,
        code: raw.code.get_ref().trim().to_string(),
        pointer: raw.pointer.as_ref().map(|p| p.get_ref().clone()),
        reason: raw
            .reason
            .as_ref()
            .map_or_else(String::new, |r| r.get_ref().trim().to_string()),
        span: Span {
            offset: at.start,
            length: at.len(),
        },
        start: lines.position(text, at.start),
        end: lines.position(text, at.end),
    }
}

/// The `[[suppress]]` line of the entry spanned by `entry`: the header
/// before it when there is one, else the entry's first line.
fn header(text: &str, entry: Range<usize>) -> Range<usize> {
    let before = text.get(..entry.start).unwrap_or("");
    let start = match before.rfind("[[") {
        Some(at) if before[at..].trim_end().ends_with("]]") => at,
        _ => entry.start,
    };
    let end = text[start..]
        .find('\n')
        .map_or(text.len(), |n| start + n)
        .min(entry.end.max(start));
    let line = &text[start..end];
    start..start + line.trim_end().len()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_pointer_covers_what_lies_under_it() {
        assert!(pointer_within(
            "/options/discoveryUrl",
            "/options/discoveryUrl"
        ));
        assert!(pointer_within("/options/discoveryUrl", "/options"));
        assert!(pointer_within("/options/discoveryUrl", ""));
        assert!(!pointer_within("/optionsExtra", "/options"));
        assert!(!pointer_within("/options", "/options/discoveryUrl"));
        assert!(pointer_within("/claimsMapping/sub/0", "/claimsMapping/sub"));
    }
}
