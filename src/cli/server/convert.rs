//! Findings as the protocol carries them: diagnostics with ranges in the
//! negotiated encoding, and each fix in the diagnostic's `data`, ready to be
//! offered as a code action.

use crate::config::ConfigError;
use crate::diagnostic::{Applicability, Fix};
use crate::{Diagnostic, Severity};
use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    TextEdit, Uri,
};
use serde::{Deserialize, Serialize};

use super::text::{Encoding, LineIndex};

/// The `source` of every diagnostic the server publishes.
pub const SOURCE: &str = "idplint";

/// What a diagnostic's `data` carries: its fix, placed in the version of
/// the document it was found in.
#[derive(Debug, Serialize, Deserialize)]
pub struct FixData {
    /// The document version the edits apply to.
    pub version: i32,
    pub title: String,
    pub safe: bool,
    pub edits: Vec<TextEdit>,
}

/// A document's findings as LSP diagnostics.
pub struct Converter<'a> {
    pub uri: &'a Uri,
    pub version: i32,
    pub lines: &'a LineIndex<'a>,
    pub encoding: Encoding,
}

impl Converter<'_> {
    pub fn diagnostic(&self, d: &Diagnostic) -> lsp_types::Diagnostic {
        let message = match &d.help {
            Some(help) => format!("{}\nhelp: {help}", d.message),
            None => d.message.clone(),
        };
        let related: Vec<DiagnosticRelatedInformation> = d
            .related
            .iter()
            .map(|label| DiagnosticRelatedInformation {
                location: Location::new(
                    self.uri.clone(),
                    self.lines
                        .range(label.span.offset, label.span.length, self.encoding),
                ),
                message: label.message.clone(),
            })
            .collect();
        lsp_types::Diagnostic {
            range: self
                .lines
                .range(d.span.offset, d.span.length, self.encoding),
            severity: Some(severity(d.severity)),
            code: Some(NumberOrString::String(d.code.to_string())),
            code_description: rule_documentation(),
            source: Some(SOURCE.to_string()),
            message,
            related_information: (!related.is_empty()).then_some(related),
            tags: None,
            data: d
                .fix
                .as_ref()
                .and_then(|fix| serde_json::to_value(self.fix_data(fix)).ok()),
        }
    }

    fn fix_data(&self, fix: &Fix) -> FixData {
        FixData {
            version: self.version,
            title: fix.title.clone(),
            safe: fix.applicability == Applicability::Safe,
            edits: fix
                .edits
                .iter()
                .map(|edit| TextEdit {
                    range: self
                        .lines
                        .range(edit.span.offset, edit.span.length, self.encoding),
                    new_text: edit.replacement.clone(),
                })
                .collect(),
        }
    }
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// Where the rules are documented: the rule reference in the repository
/// the package names, when it names one (it does not yet).
fn rule_documentation() -> Option<CodeDescription> {
    catalog_address(env!("CARGO_PKG_REPOSITORY"))
}

fn catalog_address(repository: &str) -> Option<CodeDescription> {
    if repository.is_empty() {
        return None;
    }
    let address = format!(
        "{}/blob/HEAD/rules/CATALOG.md",
        repository.trim_end_matches('/')
    );
    Some(CodeDescription {
        href: address.parse().ok()?,
    })
}

/// The problems of a configuration file, as diagnostics on that file;
/// `text` is the file as read.
pub fn config_diagnostics(
    errors: &[ConfigError],
    text: &str,
    encoding: Encoding,
) -> Vec<lsp_types::Diagnostic> {
    let lines = LineIndex::new(text);
    errors
        .iter()
        .map(|e| {
            let span = e.span.clone().unwrap_or(0..0);
            let message = match &e.help {
                Some(help) => format!("{}\nhelp: {help}", e.message),
                None => e.message.clone(),
            };
            lsp_types::Diagnostic {
                range: lines.range(span.start, span.len(), encoding),
                severity: Some(DiagnosticSeverity::ERROR),
                source: Some(SOURCE.to_string()),
                message,
                ..Default::default()
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::{Linter, Options, SourceOptions};
    use lsp_types::{Position, Range};

    #[test]
    fn a_finding_keeps_its_code_range_help_and_fix() {
        let text = "{\r\n  \"protocol\": \"OIDC\", \"provider\": \"okta\", \"interactive\": true,\r\n  \"description\": \"Zürich 🔐\", \"clockToleranceSec\": 2.5,\r\n  \"pendingOptions\": {\"discoveryUrl\": \"https://acme.okta.com/oauth2/default/.well-known/openid-configuration\", \"clientId\": \"0oa8f2k1xzQ4bN3d5697\", \"clientSecret\": \"${SECRET}\", \"claimsMapping\": {\"sub\": [\"sub\"], \"name\": [\"name\"], \"email\": [\"email\"]}}\r\n}\r\n";
        let report = Linter::new(Options::default()).lint_source(
            "okta.json",
            text,
            &SourceOptions::default(),
        );
        let finding = report
            .diagnostics
            .iter()
            .find(|d| d.code == "IDP202")
            .expect("a fractional clock tolerance");
        let uri: Uri = "file:///repo/okta.json".parse().unwrap();
        let lines = LineIndex::new(text);
        let converter = Converter {
            uri: &uri,
            version: 7,
            lines: &lines,
            encoding: Encoding::Utf16,
        };
        let d = converter.diagnostic(finding);
        // `  "description": "Zürich 🔐", "clockToleranceSec": ` is 51 UTF-16 units.
        let expected = Range::new(Position::new(2, 51), Position::new(2, 54));
        assert_eq!(d.range, expected);
        assert_eq!(d.code, Some(NumberOrString::String("IDP202".into())));
        assert_eq!(d.severity, Some(DiagnosticSeverity::WARNING));
        assert_eq!(d.source.as_deref(), Some("idplint"));
        assert!(
            d.message.starts_with("`clockToleranceSec` is 2.5"),
            "{}",
            d.message
        );
        assert!(d.message.contains("\nhelp: write `3`"), "{}", d.message);
        assert!(d.code_description.is_none());
        let data: FixData = serde_json::from_value(d.data.expect("a fix")).unwrap();
        assert_eq!(data.version, 7);
        assert!(data.safe);
        assert_eq!(data.edits.len(), 1);
        assert_eq!(data.edits[0].range, expected);
        assert_eq!(data.edits[0].new_text, "3");
    }

    #[test]
    fn related_places_are_related_information() {
        let text = "{\"protocol\": \"OIDC\",\n \"protocol\": \"OIDC\", \"provider\": \"okta\", \"interactive\": true}";
        let report = Linter::new(Options::default()).lint_source(
            "dup.json",
            text,
            &SourceOptions::default(),
        );
        let duplicate = report
            .diagnostics
            .iter()
            .find(|d| !d.related.is_empty())
            .expect("a duplicate key points at the first one");
        let uri: Uri = "file:///repo/dup.json".parse().unwrap();
        let lines = LineIndex::new(text);
        let converter = Converter {
            uri: &uri,
            version: 1,
            lines: &lines,
            encoding: Encoding::Utf8,
        };
        let d = converter.diagnostic(duplicate);
        let related = d.related_information.expect("related information");
        assert_eq!(related[0].location.uri, uri);
        assert_eq!(related[0].location.range.start, Position::new(0, 1));
        assert_eq!(d.range.start.line, 1);
    }

    #[test]
    fn the_rule_reference_is_linked_only_with_a_repository() {
        assert!(catalog_address("").is_none());
        let linked = catalog_address("https://github.com/acme/idplint/").expect("a link");
        assert_eq!(
            linked.href.as_str(),
            "https://github.com/acme/idplint/blob/HEAD/rules/CATALOG.md"
        );
    }
}
