//! A source as a whole: bytes that are not UTF-8, and a plain JSON file
//! whose text is the body.

use std::cell::OnceCell;

use serde_json::Value;

use super::body::{BodyOutcome, BodyText, FileText};
use super::mask::{likely_secrets, redact_source};
use super::place::{placed, sort_diagnostics, Place};
use super::selection::Selection;
use super::{FileReport, Linter, SourceOptions};
use crate::container::Format;
use crate::diagnostic::{Anchor, Finding, Span};
use crate::rules::{input, support};
use crate::source::{DecodeError, LineIndex, SourceText};

impl Linter {
    /// A file that is not UTF-8: one finding at the first bad byte.
    pub(super) fn undecodable(
        &self,
        selection: &Selection,
        report: &mut FileReport,
        e: DecodeError,
    ) {
        let lines = LineIndex::new(&e.lossy, 0);
        // The excerpt shows the text with U+FFFD in place of the bad bytes.
        let d = placed(
            selection,
            Finding::new(
                input::InvalidJson::META,
                "the file is not valid UTF-8",
                Anchor::value(""),
            )
            .label("invalid byte sequence")
            .help("save the file as UTF-8"),
            Span {
                offset: e.offset,
                length: e.length,
            },
            &e.lossy,
            &lines,
            Vec::new(),
        );
        report.diagnostics.extend(d);
        report.redacted_source = redact_source(&e.lossy, &likely_secrets(&e.lossy));
    }

    /// A plain JSON file: the file is the body.
    pub(super) fn lint_json(
        &self,
        selection: &Selection,
        report: &mut FileReport,
        source: &SourceText<'_>,
        options: &SourceOptions,
    ) {
        let base = source.json_offset();
        let line_index = OnceCell::new();
        let lines = || line_index.get_or_init(|| LineIndex::new(source.full(), base));
        let file = FileText {
            full: source.full(),
            lines: &lines,
        };
        let body = BodyText {
            json: source.json(),
            place: Place::Offset(base),
            whole_values: &[],
            substituted: &[],
        };
        let outcome = self.lint_body(selection, &file, &body, options, options.kind, None);
        match outcome {
            BodyOutcome::NotPayload(value) => {
                if Format::sniff(&value) {
                    return self.lint_container(
                        selection,
                        report,
                        source,
                        Format::Postman,
                        options,
                    );
                }
                report.skipped = Some(unknown_payload_reason(&value));
            }
            BodyOutcome::Linted(linted) | BodyOutcome::Unparsable(linted) => {
                report.kind = linted.kind;
                report.payloads = usize::from(linted.kind.is_some());
                report.diagnostics = linted.diagnostics;
                report.ionos_names.extend(linted.ionos_name);
                sort_diagnostics(&mut report.diagnostics);
                // Excerpts are drawn only for findings; IDP208, added across
                // files later, may add one to a named IONOS body.
                if self.keep_source
                    && (!report.diagnostics.is_empty() || !report.ionos_names.is_empty())
                {
                    let mut secrets = linted.secrets;
                    secrets.extend(likely_secrets(source.full()));
                    report.redacted_source = redact_source(source.full(), &secrets);
                }
            }
        }
    }
}

fn unknown_payload_reason(value: &Value) -> String {
    let what = match value {
        Value::Object(map) if map.is_empty() => "an empty object".to_string(),
        Value::Object(map) => {
            let keys: Vec<_> = map.keys().take(4).map(|k| format!("`{k}`")).collect();
            format!("an object with {}", keys.join(", "))
        }
        Value::Array(items) if items.is_empty() => "an empty array".to_string(),
        Value::Array(_) => "an array without patch operations".to_string(),
        other => support::json_type_name(other).to_string(),
    };
    format!("not an identity-provider payload ({what}); pass --kind to lint it anyway")
}
