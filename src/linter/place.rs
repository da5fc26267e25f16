//! Placing findings: a finding's anchor (a JSON pointer) becomes a byte
//! span of the file, with its line and column and the configured severity.

use super::selection::{Level, Selection};
use crate::container::Decoded;
use crate::diagnostic::{Anchor, Diagnostic, Finding, Label, Span, Target};
use crate::source::{LineIndex, Located, Position, SpanIndex};

/// How a body's byte offsets become the file's.
#[derive(Clone, Copy)]
pub(super) enum Place<'a> {
    /// The body is the file from this offset (after a BOM).
    Offset(usize),
    /// The body was decoded from the file.
    Mapped(&'a Decoded),
}

impl Place<'_> {
    pub(super) fn span(&self, span: Span) -> Span {
        match self {
            Place::Offset(base) => Span {
                offset: base + span.offset,
                length: span.length,
            },
            Place::Mapped(decoded) => {
                let range = decoded.map_range(span.offset..span.offset + span.length);
                Span {
                    offset: range.start,
                    length: range.len(),
                }
            }
        }
    }
}

/// Applies the configured severity and places a finding at a span; `None`
/// when the finding's rule does not run.
pub(super) fn placed(
    selection: &Selection,
    finding: Finding,
    span: Span,
    text: &str,
    lines: &LineIndex,
    related: Vec<Label>,
) -> Option<Diagnostic> {
    let start = lines.position(text, span.offset);
    let end = lines.position(text, span.offset + span.length);
    placed_at(selection, finding, (span, start, end), related)
}

/// [`placed`], at a span whose line and column are known.
pub(super) fn placed_at(
    selection: &Selection,
    finding: Finding,
    (span, start, end): (Span, Position, Position),
    related: Vec<Label>,
) -> Option<Diagnostic> {
    let severity = match selection.level(finding.rule.code)? {
        Level::Set(s) => s,
        Level::Default => finding.severity,
        Level::Off => return None,
    };
    Some(Diagnostic {
        code: finding.rule.code,
        name: finding.rule.name,
        severity,
        message: finding.message,
        help: finding.help,
        pointer: finding.at.pointer,
        span,
        start,
        end,
        fixable: finding.fixable,
        fix: None,
        label: finding.label,
        related,
        request: None,
    })
}

/// A secondary label at a span, with its line and column.
pub(super) fn label(span: Span, message: String, text: &str, lines: &LineIndex) -> Label {
    Label {
        span,
        message,
        start: lines.position(text, span.offset),
        end: lines.position(text, span.offset + span.length),
    }
}

/// The span for an anchor, by the fallback policy: wrong value → the value;
/// unknown member → its key; missing member → the parent's key (or the
/// root's `{`); anything else → the nearest existing ancestor.
pub(super) fn resolve(index: &SpanIndex, text: &str, at: &Anchor) -> Span {
    let opening = |l: Located| Span {
        offset: l.value.0,
        length: 1.min(l.value.1 - l.value.0),
    };
    let key_or_opening = |l: Located| match l.key {
        Some((s, e)) => Span {
            offset: s,
            length: e - s,
        },
        None => opening(l),
    };
    let Some((located, complete)) = index.nearest(text, &at.pointer) else {
        return Span {
            offset: 0,
            length: 0,
        };
    };
    if !complete {
        return key_or_opening(located);
    }
    match at.target {
        Target::Value => Span {
            offset: located.value.0,
            length: located.value.1 - located.value.0,
        },
        Target::Key => key_or_opening(located),
        Target::Missing => key_or_opening(located),
    }
}

/// Orders findings by position, then code and message.
pub(super) fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.span.offset, a.code, &a.message).cmp(&(b.span.offset, b.code, &b.message))
    });
}
