//! The container stage: a Markdown page, a script, an `.http` file or a
//! Postman collection → its identity-provider requests → each body linted,
//! its findings placed in the container.

use std::cell::OnceCell;
use std::ops::Range;
use std::sync::Arc;

use super::body::{BodyOutcome, BodyText, FileText};
use super::mask::{likely_secrets, redact_source};
use super::place::sort_diagnostics;
use super::selection::Selection;
use super::{BodyFile, FileReport, Linter, SourceOptions};
use crate::container::{
    self, Body, Decoded, Extracted, Format, Problem, Request, Route, Variables,
};
use crate::diagnostic::{Anchor, Diagnostic, Finding, RequestRef, Span};
use crate::rules::input;
use crate::rules::secret_in_file::SecretInFile;
use crate::source::{LineIndex, SourceText};

impl Linter {
    /// A container: every identity-provider request it holds, each body
    /// linted and its findings placed in the container file.
    pub(super) fn lint_container(
        &self,
        selection: &Selection,
        report: &mut FileReport,
        source: &SourceText<'_>,
        format: Format,
        options: &SourceOptions,
    ) {
        let (full, base) = (source.full(), source.json_offset());
        let line_index = OnceCell::new();
        let lines = || line_index.get_or_init(|| LineIndex::new(full, base));
        let file = FileText {
            full,
            lines: &lines,
        };
        report.container = Some(format);
        let found = extract(format, source);
        let mut variables = self.variables.as_ref().clone();
        for (name, value) in &found.variables {
            variables.set_default(name.clone(), value.clone());
        }
        for problem in &found.problems {
            report
                .diagnostics
                .extend(syntax_problem(selection, problem, &file));
        }
        let mut run = Requests {
            linter: self,
            selection,
            options,
            file: &file,
            variables: &variables,
            report,
            secrets: Vec::new(),
            index: 0,
        };
        for request in &found.requests {
            run.request(request);
        }
        for body in &found.bare_bodies {
            run.bare_body(body);
        }
        let mut secrets = run.secrets;
        if report.payloads == 0 && report.diagnostics.is_empty() && report.body_files.is_empty() {
            report.skipped = Some(format!(
                "no identity-provider request found in this {}",
                format.noun()
            ));
        }
        sort_diagnostics(&mut report.diagnostics);
        if self.keep_source && (!report.diagnostics.is_empty() || !report.ionos_names.is_empty()) {
            secrets.extend(likely_secrets(full));
            report.redacted_source = redact_source(full, &secrets);
        }
    }
}

/// The requests and bare bodies of a container, their places mapped to the
/// file's bytes (after a BOM, if any).
fn extract(format: Format, source: &SourceText<'_>) -> Extracted {
    let (text, base) = (source.json(), source.json_offset());
    let mut found = container::extract(format, text);
    if base > 0 {
        let whole = Decoded::verbatim(text, base);
        let inner = std::mem::take(&mut found);
        found.absorb(inner, &whole);
    }
    found
}

/// IDP012: the container itself cannot be read at this place.
fn syntax_problem(
    selection: &Selection,
    problem: &Problem,
    file: &FileText<'_>,
) -> Option<Diagnostic> {
    let mut finding = Finding::new(
        input::ContainerSyntax::META,
        problem.message.clone(),
        Anchor::value(""),
    )
    .label("here");
    if let Some(help) = &problem.help {
        finding = finding.help(help.clone());
    }
    let span = Span {
        offset: problem.span.start,
        length: problem.span.len(),
    };
    file.place(selection, finding, span)
}

/// Linting the identity-provider requests of one container, in order.
struct Requests<'r, 'f> {
    linter: &'r Linter,
    selection: &'r Selection,
    options: &'r SourceOptions,
    file: &'r FileText<'f>,
    variables: &'r Variables,
    report: &'r mut FileReport,
    /// The file's byte ranges of secret values, to mask in excerpts.
    secrets: Vec<Range<usize>>,
    /// How many requests and bodies were linted so far.
    index: usize,
}

impl Requests<'_, '_> {
    /// A request: its credentials in headers, its method, and its body, if
    /// it goes to an identity-provider endpoint.
    fn request(&mut self, request: &Request) {
        let Some(url) = &request.url else {
            return;
        };
        let route = container::route(&request.method, &url.text);
        if route == Route::Elsewhere {
            return;
        }
        let request_ref = self.next_ref(
            Some(request_line(&request.method, &url.text)),
            request.span.start,
        );
        let mut diagnostics = Vec::new();
        for header in &request.headers {
            diagnostics.extend(self.header_secret(header));
        }
        let kind = match &route {
            Route::Kind(kind) => Some(*kind),
            Route::WrongMethod { .. } => {
                if request.body.is_some() {
                    diagnostics.extend(self.wrong_method(request, &route));
                }
                None
            }
            Route::Elsewhere => None,
        };
        let kind = self.options.kind.or(kind);
        match &request.body {
            Some(Body::Inline(body)) => {
                let filled = container::fill(body, self.variables);
                let body = BodyText::filled(&filled);
                let outcome = self.linter.lint_body(
                    self.selection,
                    self.file,
                    &body,
                    self.options,
                    kind,
                    Some(&request_ref),
                );
                match outcome {
                    BodyOutcome::Linted(linted) | BodyOutcome::Unparsable(linted) => {
                        diagnostics.extend(self.report.add_payload(linted, &mut self.secrets));
                    }
                    BodyOutcome::NotPayload(_) => {}
                }
            }
            Some(Body::File { path, span }) => self.report.body_files.push(BodyFile {
                path: path.clone(),
                kind,
                span: Span {
                    offset: span.start,
                    length: span.len(),
                },
            }),
            None => {}
        }
        self.add(diagnostics, &request_ref);
    }

    /// A body with no request around it (a JSON fence): linted when it is
    /// a recognised payload. A fence that does not parse, or is no payload,
    /// is someone else's JSON.
    fn bare_body(&mut self, body: &Decoded) {
        let filled = container::fill(body, self.variables);
        let body = BodyText::filled(&filled);
        let start = body.place.span(Span {
            offset: 0,
            length: 0,
        });
        let request_ref = Arc::new(RequestRef {
            index: self.index,
            line: None,
            start: (self.file.lines)().position(self.file.full, start.offset),
        });
        let outcome = self.linter.lint_body(
            self.selection,
            self.file,
            &body,
            self.options,
            self.options.kind,
            Some(&request_ref),
        );
        if let BodyOutcome::Linted(linted) = outcome {
            self.index += 1;
            let diagnostics = self.report.add_payload(linted, &mut self.secrets);
            self.add(diagnostics, &request_ref);
        }
    }

    /// The reference findings of the next request carry.
    fn next_ref(&mut self, line: Option<String>, offset: usize) -> Arc<RequestRef> {
        let request_ref = Arc::new(RequestRef {
            index: self.index,
            line,
            start: (self.file.lines)().position(self.file.full, offset),
        });
        self.index += 1;
        request_ref
    }

    fn add(&mut self, mut diagnostics: Vec<Diagnostic>, request_ref: &Arc<RequestRef>) {
        for d in &mut diagnostics {
            d.request = Some(request_ref.clone());
        }
        self.report.diagnostics.extend(diagnostics);
    }

    /// IDP011: a literal credential in a header; its bytes are masked.
    fn header_secret(&mut self, header: &Decoded) -> Option<Diagnostic> {
        let range = header.map_range(container::header_secret(header)?);
        self.secrets.push(range.clone());
        let name = header.text.split(':').next().unwrap_or("").trim();
        let finding = Finding::new(
            SecretInFile::META,
            format!("a literal credential is committed in the `{name}` header"),
            Anchor::value(""),
        )
        .label("credential")
        .help("read it from the environment (`-H \"Authorization: Bearer $TOKEN\"`) and revoke the committed one");
        let span = Span {
            offset: range.start,
            length: range.len(),
        };
        self.place(finding, span)
    }

    /// IDP013: a body sent with a method its endpoint takes none with.
    fn wrong_method(&self, request: &Request, route: &Route) -> Option<Diagnostic> {
        let Route::WrongMethod {
            takes,
            kind,
            endpoint,
        } = route
        else {
            return None;
        };
        let finding = Finding::new(
            input::RequestMethod::META,
            format!(
                "a body sent with {} to `{endpoint}`, which takes a body only with {takes} ({kind})",
                request.method
            ),
            Anchor::value(""),
        )
        .label(format!("{} here", request.method))
        .help(format!(
            "send it with {takes}, or to the endpoint that takes {}",
            request.method
        ));
        let at = request
            .method_span
            .clone()
            .unwrap_or(request.span.start..request.span.start);
        let span = Span {
            offset: at.start,
            length: at.len(),
        };
        self.place(finding, span)
    }

    fn place(&self, finding: Finding, span: Span) -> Option<Diagnostic> {
        self.file.place(self.selection, finding, span)
    }
}

/// `POST https://…/api/v1/identity-providers`, shortened when long.
fn request_line(method: &str, url: &str) -> String {
    const LONGEST: usize = 200;
    let url = url.trim();
    if url.len() <= LONGEST {
        return format!("{method} {url}");
    }
    let cut = crate::source::floor_char_boundary(url, LONGEST);
    format!("{method} {}…", &url[..cut])
}
