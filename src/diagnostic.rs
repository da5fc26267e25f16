//! Findings as rules emit them (pointers) and as reports carry them (spans).

use serde::Serialize;

use crate::rule_meta::RuleMeta;
pub use crate::rule_meta::Severity;
use crate::source::Position;

/// Which part of the member at a pointer a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The value (wrong value, wrong type).
    Value,
    /// The member name (unknown or read-only member).
    Key,
    /// A member that should be there and is not: the pointer names the
    /// missing member, the span falls on its parent's key.
    Missing,
}

/// A place in the document, spoken as a JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Anchor {
    pub pointer: String,
    pub target: Target,
}

impl Anchor {
    pub fn value(pointer: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            target: Target::Value,
        }
    }
    pub fn key(pointer: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            target: Target::Key,
        }
    }
    pub fn missing(pointer: impl Into<String>) -> Self {
        Self {
            pointer: pointer.into(),
            target: Target::Missing,
        }
    }
}

/// How sure a fix is of the user's intent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// The meaning is kept and the API takes what it refused: `--fix` applies it.
    Safe,
    /// The likely intent, which a person should look at: `--unsafe-fixes`.
    Unsafe,
}

impl Applicability {
    /// `safe` or `unsafe`, as the JSON output writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Applicability::Safe => "safe",
            Applicability::Unsafe => "unsafe",
        }
    }
}

/// One change a rule proposes, spoken in pointers like its anchor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Repair {
    /// Replace the value at `pointer` with `json`, a JSON text.
    Value { pointer: String, json: String },
    /// Rename the member at `pointer` to `name`.
    Rename { pointer: String, name: String },
    /// Remove the member at `pointer`, with the comma that separates it.
    Remove { pointer: String },
    /// Write `before` and `after` around the value at `pointer`, leaving it
    /// as it is (`[` and `]` around a single operation).
    Surround {
        pointer: String,
        before: String,
        after: String,
    },
}

/// The repair a rule proposes for its finding.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposedFix {
    pub applicability: Applicability,
    /// What the fix does, in a few words (`write \`true\` without quotes`).
    pub title: String,
    pub repairs: Vec<Repair>,
}

/// A change of the file's bytes: the bytes at `span` become `replacement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Edit {
    /// The bytes replaced (empty for an insertion).
    pub span: Span,
    /// What they become.
    pub replacement: String,
}

/// A fix placed in its file: the edits that repair the finding.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Fix {
    /// Whether the fix keeps the payload's meaning (`--fix` applies it)
    /// or may change it (only `--unsafe-fixes` does).
    pub applicability: Applicability,
    /// What the fix does, in a few words.
    pub title: String,
    /// Sorted by offset, not overlapping.
    pub edits: Vec<Edit>,
}

/// What a rule reports: a message at an anchor. The engine turns anchors into
/// spans and applies the configured severity.
#[derive(Debug, Clone)]
pub struct Finding {
    pub rule: &'static RuleMeta,
    pub severity: Severity,
    pub message: String,
    pub label: Option<String>,
    pub help: Option<String>,
    pub at: Anchor,
    pub related: Vec<(Anchor, String)>,
    pub fixable: bool,
    pub fix: Option<ProposedFix>,
}

impl Finding {
    /// A finding of `rule` at its default severity.
    pub fn new(rule: &'static RuleMeta, message: impl Into<String>, at: Anchor) -> Self {
        Self {
            rule,
            severity: rule.severity,
            message: message.into(),
            label: None,
            help: None,
            at,
            related: Vec::new(),
            fixable: false,
            fix: None,
        }
    }

    pub fn severity(mut self, severity: Severity) -> Self {
        self.severity = severity;
        self
    }

    pub fn label(mut self, label: impl Into<String>) -> Self {
        self.label = Some(label.into());
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    pub fn related(mut self, at: Anchor, label: impl Into<String>) -> Self {
        self.related.push((at, label.into()));
        self
    }

    /// A fix that writes the string `text` as the value at `pointer`.
    pub fn fix_string(
        self,
        applicability: Applicability,
        pointer: impl Into<String>,
        text: &str,
    ) -> Self {
        let json = serde_json::Value::from(text).to_string();
        let shown: String = if text.chars().count() > 60 {
            text.chars().take(59).chain(['…']).collect()
        } else {
            text.to_string()
        };
        self.fix(
            applicability,
            format!("write `{}`", shown.escape_debug()),
            vec![Repair::Value {
                pointer: pointer.into(),
                json,
            }],
        )
    }

    /// The repair `--fix` (a safe one) or `--unsafe-fixes` applies.
    pub fn fix(
        mut self,
        applicability: Applicability,
        title: impl Into<String>,
        repairs: Vec<Repair>,
    ) -> Self {
        self.fixable = true;
        self.fix = Some(ProposedFix {
            applicability,
            title: title.into(),
            repairs,
        });
        self
    }
}

/// A byte range of the file as read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Span {
    /// The first byte's offset in the text, from 0.
    pub offset: usize,
    /// The number of bytes.
    pub length: usize,
}

/// A secondary label: another place the finding concerns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Label {
    /// The bytes the label is about.
    pub span: Span,
    /// What the label says about them.
    pub message: String,
    /// Where the span starts (1-based line and column, in characters).
    pub start: Position,
    /// Where the span ends (exclusive).
    pub end: Position,
}

/// A finding placed in its file: the JSON output's diagnostic object.
#[derive(Debug, Clone, Serialize)]
pub struct Diagnostic {
    /// The rule's code, such as `IDP101`.
    pub code: &'static str,
    /// The rule's name, such as `protocol-unknown`.
    pub name: &'static str,
    /// How serious the finding is (the rule's, or the one configured).
    pub severity: Severity,
    /// What is wrong, in one sentence.
    pub message: String,
    /// What to do about it, when the rule knows.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub help: Option<String>,
    /// A JSON pointer (RFC 6901) to the value or member the finding is
    /// about (`/options/issuer`); empty for the whole document.
    pub pointer: String,
    /// The bytes of the file the finding points at.
    pub span: Span,
    /// Where the span starts (1-based line and column, in characters).
    pub start: Position,
    /// Where the span ends (exclusive).
    pub end: Position,
    /// True when the rule knows a fix, even one that cannot be written
    /// into the file as it is (then `fix` is `None`).
    pub fixable: bool,
    /// The edits that repair the finding, when the rule knows them and they
    /// can be written into the file as it is.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub fix: Option<Fix>,
    /// The label at the primary span.
    #[serde(skip)]
    pub label: Option<String>,
    /// Other places, labelled (the first occurrence of a duplicate key, the
    /// member a value conflicts with).
    #[serde(skip)]
    pub related: Vec<Label>,
    /// In a container (Markdown, a script, an `.http` file, a Postman
    /// collection), the request whose body the finding is about; `pointer`
    /// is then a pointer into that body.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub request: Option<std::sync::Arc<RequestRef>>,
}

/// A request in a container file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequestRef {
    /// Its place among the file's identity-provider requests, from 0.
    pub index: usize,
    /// The method and URL as written (`POST https://${TENANT}/api/v1/identity-providers`);
    /// none for a body without a request around it (a JSON fence).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<String>,
    /// Where the request (or the body) starts.
    pub start: Position,
}

impl std::fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Diagnostic {}

/// A diagnostic is a miette diagnostic of its own: code and name, severity,
/// help and labelled spans. It holds no source text (a report does); attach
/// the file with [`miette::Report::with_source_code`] to render an excerpt.
impl miette::Diagnostic for Diagnostic {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new(format!("{} {}", self.code, self.name)))
    }

    fn severity(&self) -> Option<miette::Severity> {
        Some(match self.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help_and_fix()
            .map(|h| Box::new(h) as Box<dyn std::fmt::Display>)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        Some(Box::new(self.labels_at(|span| span)))
    }
}

impl Diagnostic {
    /// The help, and which flag applies the finding's fix, if it has one:
    /// `… (fixable with --fix)`.
    pub(crate) fn help_and_fix(&self) -> Option<std::borrow::Cow<'_, str>> {
        let flag = self.fix.as_ref().map(|f| match f.applicability {
            Applicability::Safe => "--fix",
            Applicability::Unsafe => "--unsafe-fixes",
        });
        match (&self.help, flag) {
            (Some(help), Some(flag)) => Some(format!("{help} (fixable with {flag})").into()),
            (None, Some(flag)) => Some(format!("fixable with {flag}").into()),
            (Some(help), None) => Some(help.as_str().into()),
            (None, None) => None,
        }
    }

    /// The primary label and the related ones, each span placed by `place`
    /// (a shortened excerpt moves them).
    pub(crate) fn labels_at<'a>(
        &'a self,
        place: impl Fn(miette::SourceSpan) -> miette::SourceSpan + 'a,
    ) -> impl Iterator<Item = miette::LabeledSpan> + 'a {
        let span = move |s: Span| place(miette::SourceSpan::new(s.offset.into(), s.length));
        let primary =
            miette::LabeledSpan::new_primary_with_span(self.label.clone(), span(self.span));
        let related = self.related.iter().map(move |l| {
            miette::LabeledSpan::new_with_span(Some(l.message.clone()), span(l.span))
        });
        std::iter::once(primary).chain(related)
    }
}
