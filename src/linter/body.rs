//! The body stage: one JSON body → parse and span index → kind → schema
//! pass and rules → findings placed in the file, secrets masked.

use std::sync::Arc;

use serde_json::Value;

use super::mask::{likely_secrets, redact_text, SecretMasks};
use super::place::{label, placed, resolve, Place};
use super::repair::{pem_line_breaks_fix, placed_fix};
use super::selection::Selection;
use super::{IonosName, Linter, SourceOptions};
use crate::container;
use crate::diagnostic::{Anchor, Diagnostic, Finding, Label, RequestRef, Span};
use crate::kind::{detect, Kind};
use crate::rules::response_as_request::ResponseAsRequest;
use crate::rules::secret_in_file::SecretInFile;
use crate::rules::{input, ionos_fields, support, Context};
use crate::source::{
    blank_jsonc, escape_token, parse, DuplicateKey, LineIndex, Members, SpanIndex, SyntaxError,
};

impl Linter {
    /// Parses one body, decides its kind, runs the schema pass and the
    /// rules, and places the findings in the file.
    pub(super) fn lint_body(
        &self,
        selection: &Selection,
        file: &FileText<'_>,
        body: &BodyText<'_>,
        options: &SourceOptions,
        kind: Option<Kind>,
        request: Option<&Arc<RequestRef>>,
    ) -> BodyOutcome {
        let parsed = match parse(body.json) {
            Ok(parsed) => parsed,
            Err(e) => return self.lint_jsonc(selection, file, body, options, kind, request, e),
        };
        let Some(kind) = kind.or_else(|| detect(&parsed.value)) else {
            return BodyOutcome::NotPayload(parsed.value);
        };
        let doc = Document {
            file,
            body,
            index: &parsed.index,
        };
        let protocol = protocol_of(kind, &parsed.value, options);
        let cx = Context::new(kind, &parsed.value, protocol.as_deref());
        let ionos_name = ionos_name(selection, &cx, &doc, request);
        let mut findings = duplicate_keys(&parsed.duplicates, &doc);
        let checked = self.check(selection, &cx);
        findings.extend(
            template_aware(checked, &doc)
                .into_iter()
                .map(|f| (f, None, Vec::new())),
        );
        let diagnostics = place_and_mask(selection, findings, &doc, &cx);
        // Secret values are masked in excerpts; a body's are found only
        // when something will be drawn.
        let secrets = if self.keep_source && (!diagnostics.is_empty() || ionos_name.is_some()) {
            secret_ranges(&cx, &doc)
        } else {
            Vec::new()
        };
        BodyOutcome::Linted(Linted {
            kind: Some(kind),
            diagnostics,
            ionos_name,
            secrets,
        })
    }

    /// A body that is not JSON but JSON with comments (JSONC): skipped
    /// when it is no payload (`tsconfig.json`), else linted with the
    /// comments and trailing commas blanked, and each of them an IDP001
    /// finding, for the API takes JSON only.
    #[allow(clippy::too_many_arguments)]
    fn lint_jsonc(
        &self,
        selection: &Selection,
        file: &FileText<'_>,
        body: &BodyText<'_>,
        options: &SourceOptions,
        kind: Option<Kind>,
        request: Option<&Arc<RequestRef>>,
        error: SyntaxError,
    ) -> BodyOutcome {
        let Some(blanked) = blank_jsonc(body.json).filter(|b| parse(&b.text).is_ok()) else {
            return BodyOutcome::Unparsable(syntax_error(selection, file, body, error, kind));
        };
        let plain = BodyText {
            json: &blanked.text,
            place: body.place,
            whole_values: body.whole_values,
            substituted: body.substituted,
        };
        let mut linted = match self.lint_body(selection, file, &plain, options, kind, request) {
            BodyOutcome::Linted(linted) => linted,
            other => return other,
        };
        let Some(((first, first_range), rest)) = blanked.constructs.split_first() else {
            return BodyOutcome::Linted(linted);
        };
        let span = |range: &std::ops::Range<usize>| {
            body.place.span(Span {
                offset: range.start,
                length: range.end - range.start,
            })
        };
        let finding = Finding::new(
            input::InvalidJson::META,
            format!(
                "{} in the body: JSON has no comments and no trailing commas",
                first.describe()
            ),
            Anchor::value(""),
        )
        .label(first.describe().trim_start_matches("a "))
        .help(match rest.len() {
            0 => "remove the comments and trailing commas: the API takes plain JSON".to_string(),
            more => format!(
                "remove the comments and trailing commas ({more} more below): the API takes plain JSON"
            ),
        });
        let placed = file.place(selection, finding, span(first_range));
        linted.diagnostics.extend(placed);
        linted.diagnostics.sort_by_key(|d| d.span.offset);
        BodyOutcome::Linted(linted)
    }

    /// The schema pass and every rule that runs on this kind of body.
    fn check(&self, selection: &Selection, cx: &Context<'_>) -> Vec<Finding> {
        let mut found = Vec::new();
        if [
            input::MissingField::META,
            input::WrongType::META,
            input::UnknownField::META,
        ]
        .iter()
        .any(|m| selection.runs(m))
        {
            crate::schema::check(cx, &mut found);
        }
        // A Qlik list response holds no IdP of its own: IDP008 says what it
        // is, and nothing inside it is checked.
        let list_response = cx.kind == Kind::QlikCreate && crate::kind::is_qlik_list(cx.root);
        for (i, rule) in self.rules.iter().enumerate() {
            if list_response && rule.meta().code != ResponseAsRequest::META.code {
                continue;
            }
            if rule.meta().applies_to(cx.kind) && selection.level_at(i).is_some() {
                rule.check(cx, &mut found);
            }
        }
        found
    }
}

/// A parsed body in its file: where a pointer's bytes are in the file.
struct Document<'d, 'f> {
    file: &'d FileText<'f>,
    body: &'d BodyText<'d>,
    index: &'d SpanIndex,
}

impl Document<'_, '_> {
    /// The file's span of a span of the body.
    fn span(&self, span: Span) -> Span {
        self.body.place.span(span)
    }

    /// The file's span of an anchor.
    fn at(&self, anchor: &Anchor) -> Span {
        self.span(resolve(self.index, self.body.json, anchor))
    }

    fn label(&self, span: Span, message: String) -> Label {
        label(span, message, self.file.full, (self.file.lines)())
    }
}

/// A finding placed before the rules' (the engine's own, such as a
/// duplicate key), or a rule's finding still to place.
type Pending = (Finding, Option<Span>, Vec<Label>);

/// A body that is not JSON: one IDP001 finding at the syntax error.
fn syntax_error(
    selection: &Selection,
    file: &FileText<'_>,
    body: &BodyText<'_>,
    e: SyntaxError,
    kind: Option<Kind>,
) -> Linted {
    let span = body.place.span(Span {
        offset: e.offset,
        length: e.length,
    });
    let finding = Finding::new(input::InvalidJson::META, e.message, Anchor::value(""))
        .label("here")
        .help(e.help);
    let mut diagnostic = file.place(selection, finding, span);
    if let Some(d) = diagnostic.as_mut() {
        d.fix = pem_line_breaks_fix(body.json, e.offset, body.place, file.full);
        d.fixable = d.fix.is_some();
    }
    Linted {
        kind,
        diagnostics: diagnostic.into_iter().collect(),
        ionos_name: None,
        secrets: Vec::new(),
    }
}

/// IDP002 for every member defined twice, at the later one, with the
/// earlier one as a related label.
fn duplicate_keys(duplicates: &[DuplicateKey], doc: &Document<'_, '_>) -> Vec<Pending> {
    let span = |(start, end): (usize, usize)| {
        doc.span(Span {
            offset: start,
            length: end - start,
        })
    };
    duplicates
        .iter()
        .map(|dup| {
            let pointer = format!("{}/{}", dup.object, escape_token(&dup.name));
            let finding = Finding::new(
                input::DuplicateKey::META,
                format!("member `{}` is defined twice", dup.name),
                Anchor::key(pointer),
            )
            .label("defined again here")
            .help("keep one of the two members: servers disagree on which one wins");
            let first = doc.label(span(dup.first), "first defined here".to_string());
            (finding, Some(span(dup.second)), vec![first])
        })
        .collect()
}

/// The protocol the body is checked for: a Qlik create's own, or the one a
/// Qlik patch targets (given, or inferred from its paths).
fn protocol_of(kind: Kind, value: &Value, options: &SourceOptions) -> Option<String> {
    match kind {
        Kind::QlikCreate => value
            .member("protocol")
            .and_then(Value::as_str)
            .map(str::to_string),
        Kind::QlikPatch => options.protocol.clone().or_else(|| {
            support::infer_patch_protocol(value)
                .unique()
                .map(str::to_string)
        }),
        _ => None,
    }
}

/// An IONOS body's name, kept for the checks across files (IDP208).
fn ionos_name(
    selection: &Selection,
    cx: &Context<'_>,
    doc: &Document<'_, '_>,
    request: Option<&Arc<RequestRef>>,
) -> Option<IonosName> {
    if !cx.kind.is_ionos() || !selection.runs(ionos_fields::IonosNameInvalid::META) {
        return None;
    }
    let (name, id) = ionos_fields::name_and_id(cx)?;
    let span = doc.at(&Anchor::value("/properties/name"));
    let lines = (doc.file.lines)();
    Some(IonosName {
        name,
        id,
        span,
        start: lines.position(doc.file.full, span.offset),
        end: lines.position(doc.file.full, span.offset + span.length),
        request: request.cloned(),
    })
}

/// The findings on a container's body with its template variables in
/// mind: a variable standing for a whole value is one IDP010 finding, not
/// findings on the value it hides; a value filled in from a variable is
/// not a committed secret.
fn template_aware(mut found: Vec<Finding>, doc: &Document<'_, '_>) -> Vec<Finding> {
    let (json, body) = (doc.body.json, doc.body);
    let holes = hole_pointers(doc.index, json, body.whole_values);
    if !holes.is_empty() {
        found.retain(|f| !holes.iter().any(|(p, _)| under(&f.at.pointer, p)));
        for (pointer, written) in &holes {
            found.push(
                Finding::new(
                    crate::rules::placeholders::TemplateVariable::META,
                    format!("`{pointer}` is the template variable `{written}`, standing for a whole value: its type and format are not checked"),
                    Anchor::value(pointer.clone()),
                )
                .label("template variable")
                .help("pass its value with --var or --env-file to check it"),
            );
        }
    }
    if !body.substituted.is_empty() {
        found.retain(|f| {
            f.rule.code != SecretInFile::META.code
                || !doc.index.locate(json, &f.at.pointer).is_some_and(|l| {
                    body.substituted
                        .iter()
                        .any(|r| r.start < l.value.1 && l.value.0 < r.end)
                })
        });
    }
    found
}

/// Every finding that runs, at its configured severity, placed in the file,
/// with the document's secret values masked in its texts.
fn place_and_mask(
    selection: &Selection,
    findings: Vec<Pending>,
    doc: &Document<'_, '_>,
    cx: &Context<'_>,
) -> Vec<Diagnostic> {
    if findings.is_empty() {
        return Vec::new();
    }
    let json = doc.body.json;
    let mut values = support::secret_values(cx.secret_pointers(), cx.root);
    values.extend(likely_secrets(json).into_iter().filter_map(|r| json.get(r)));
    let masks = SecretMasks::new(values);
    let mut diagnostics = Vec::new();
    for (finding, span, mut related) in findings {
        if !selection.runs(finding.rule) {
            continue;
        }
        let span = span.unwrap_or_else(|| doc.at(&finding.at));
        related.extend(
            finding
                .related
                .iter()
                .map(|(anchor, message)| doc.label(doc.at(anchor), message.clone())),
        );
        let lines = (doc.file.lines)();
        let proposed = finding.fix.clone();
        if let Some(mut d) = placed(selection, finding, span, doc.file.full, lines, related) {
            redact_text(&mut d, &masks);
            // A fix that would write a secret into a report is not offered.
            d.fix = proposed
                .and_then(|p| placed_fix(&p, json, doc.index, doc.body.place, doc.file.full))
                .filter(|fix| !fix.edits.iter().any(|e| masks.appear_in(&e.replacement)));
            diagnostics.push(d);
        }
    }
    diagnostics
}

/// The file's byte ranges that hold the body's secret values, quotes left
/// out.
fn secret_ranges(cx: &Context<'_>, doc: &Document<'_, '_>) -> Vec<std::ops::Range<usize>> {
    cx.secret_pointers()
        .iter()
        .filter_map(|pointer| doc.index.locate(doc.body.json, pointer))
        .map(|located| {
            let (start, end) = located.value;
            let span = doc.span(Span {
                offset: (start + 1).min(end),
                length: end.saturating_sub(1).saturating_sub(start + 1),
            });
            span.offset..span.offset + span.length
        })
        .collect()
}

/// The file a body is in: its text and line starts (computed when first
/// needed: only to place a finding).
pub(super) struct FileText<'a> {
    pub(super) full: &'a str,
    pub(super) lines: &'a dyn Fn() -> &'a LineIndex,
}

impl FileText<'_> {
    /// Places a finding of the engine's own (no related labels) at `span`.
    pub(super) fn place(
        &self,
        selection: &Selection,
        finding: Finding,
        span: Span,
    ) -> Option<Diagnostic> {
        placed(
            selection,
            finding,
            span,
            self.full,
            (self.lines)(),
            Vec::new(),
        )
    }
}

/// One body to lint and where its bytes are in the file.
pub(super) struct BodyText<'a> {
    pub(super) json: &'a str,
    pub(super) place: Place<'a>,
    /// Ranges of `json` that stand for a whole value of unknown type.
    pub(super) whole_values: &'a [(std::ops::Range<usize>, String)],
    /// Ranges of `json` filled in with a variable's value: not written in
    /// the file, so not a committed secret.
    pub(super) substituted: &'a [std::ops::Range<usize>],
}

impl<'a> BodyText<'a> {
    /// A container's body with its variables filled in.
    pub(super) fn filled(filled: &'a container::Filled) -> Self {
        Self {
            json: &filled.body.text,
            place: Place::Mapped(&filled.body),
            whole_values: &filled.whole_values,
            substituted: &filled.substituted,
        }
    }
}

pub(super) enum BodyOutcome {
    /// Parsed, but of no known kind.
    NotPayload(Value),
    /// Not JSON: the syntax error as a finding.
    Unparsable(Linted),
    Linted(Linted),
}

pub(super) struct Linted {
    pub(super) kind: Option<Kind>,
    pub(super) diagnostics: Vec<Diagnostic>,
    pub(super) ionos_name: Option<IonosName>,
    /// Byte ranges of the file holding secret values, to mask in excerpts.
    pub(super) secrets: Vec<std::ops::Range<usize>>,
}

/// The pointers of the values that stand for whole-value template
/// variables, with the variables as written.
fn hole_pointers(
    index: &SpanIndex,
    json: &str,
    whole_values: &[(std::ops::Range<usize>, String)],
) -> Vec<(String, String)> {
    if whole_values.is_empty() {
        return Vec::new();
    }
    index
        .pointers(json)
        .into_iter()
        .filter_map(|pointer| {
            let (start, end) = index.locate(json, &pointer)?.value;
            let (_, written) = whole_values
                .iter()
                .find(|(range, _)| range.start == start && range.end == end)?;
            Some((pointer, written.clone()))
        })
        .collect()
}

/// True when `pointer` is `parent` or lies under it.
fn under(pointer: &str, parent: &str) -> bool {
    pointer == parent
        || (pointer.starts_with(parent) && pointer.as_bytes().get(parent.len()) == Some(&b'/'))
}
