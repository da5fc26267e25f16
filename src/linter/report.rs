//! What linting one source gives: its findings, and what the run needs of it.

use std::sync::Arc;

use super::body::Linted;
use super::IonosName;
use crate::container::Format;
use crate::diagnostic::{Diagnostic, Severity, Span};
use crate::kind::Kind;

/// The outcome of linting one source.
#[derive(Debug, Clone)]
pub struct FileReport {
    /// The name the source was given (a path, or the stdin name).
    pub path: String,
    /// The recognised or given kind (in a container, the first payload's).
    pub kind: Option<Kind>,
    /// How many identity-provider payloads were linted: 1 for a payload
    /// file, the count of request bodies in a container.
    pub payloads: usize,
    /// The container the file was read as; `None` for a JSON payload file.
    pub container: Option<Format>,
    /// Why the file was skipped (IDP003: not a payload; a container without
    /// an identity-provider request), if it was.
    pub skipped: Option<String>,
    /// Why the file could not be linted (unreadable), if so.
    pub error: Option<String>,
    /// Findings, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The text for excerpts, with secret values masked; empty when the
    /// file has no finding to show, or when the linter keeps no text
    /// ([`Linter::without_source_text`](crate::Linter::without_source_text)).
    pub(crate) redacted_source: Arc<str>,
    /// The IONOS identity providers' names, for the checks across the
    /// files of a run ([`Linter::check_across_files`](crate::Linter::check_across_files)).
    pub(crate) ionos_names: Vec<IonosName>,
    /// Bodies a container's requests read from other files (`-d @body.json`),
    /// with the kind their request gives them.
    pub(crate) body_files: Vec<BodyFile>,
    /// Findings a `[[suppress]]` entry of the configuration took out of
    /// `diagnostics`.
    pub(crate) suppressed: usize,
    /// Findings the baseline took out of `diagnostics`.
    pub(crate) baselined: usize,
}

/// A request body kept in a file of its own, named by a container.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BodyFile {
    /// The path as written in the container.
    pub path: String,
    /// The kind the request's method and URL give it.
    pub kind: Option<Kind>,
    /// Where the path is written in the container.
    pub span: Span,
}

impl FileReport {
    /// An empty report for the source named `path`.
    pub(crate) fn new(path: impl Into<String>, kind: Option<Kind>) -> Self {
        Self {
            path: path.into(),
            kind,
            payloads: 0,
            container: None,
            skipped: None,
            error: None,
            diagnostics: Vec::new(),
            redacted_source: Arc::from(""),
            ionos_names: Vec::new(),
            body_files: Vec::new(),
            suppressed: 0,
            baselined: 0,
        }
    }

    /// A report for a source that could not be read.
    pub fn unreadable(path: impl Into<String>, error: impl Into<String>) -> Self {
        Self {
            error: Some(error.into()),
            ..Self::new(path, None)
        }
    }

    /// A report for a file whose linting stopped on a bug in idplint (a
    /// panic): an error, as for a file that cannot be read. It names nothing
    /// of the file's content: a panic's own message may quote a value.
    pub(crate) fn failed(path: impl Into<String>) -> Self {
        Self::unreadable(
            path,
            "idplint failed on this file: an internal error (a bug in idplint; please report it)",
        )
    }

    /// The number of findings of `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

impl FileReport {
    /// Counts a linted body of a container and keeps what the run needs of
    /// it; returns its findings.
    pub(super) fn add_payload(
        &mut self,
        linted: Linted,
        secrets: &mut Vec<std::ops::Range<usize>>,
    ) -> Vec<Diagnostic> {
        self.payloads += 1;
        self.kind = self.kind.or(linted.kind);
        self.ionos_names.extend(linted.ionos_name);
        secrets.extend(linted.secrets);
        linted.diagnostics
    }
}
