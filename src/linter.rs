//! The engine: bytes → parsed document → kind → schema pass and rules →
//! findings (pointers) → spans → report.

use std::borrow::{BorrowMut, Cow};
use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use serde_json::Value;

use crate::container::{self, Body, Decoded, Format, Route, Variables};
pub use crate::cross_file::IonosName;
use crate::cross_file::NamedFile;
use crate::diagnostic::{Anchor, Diagnostic, Finding, Label, RequestRef, Severity, Span, Target};
use crate::globs::Globs;
use crate::kind::{detect, Kind};
use crate::rules::secret_in_file::SecretInFile;
use crate::rules::{self, input, ionos_fields, support, Context, Rule, RuleMeta};
use crate::source::{
    index_of, parse, parse_value, DecodeError, LineIndex, Located, Members, Position, SourceText,
    SpanIndex,
};

/// Which rules run, and at what severity.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Codes or prefixes to enable (`IDP3`); empty means every rule.
    pub select: Vec<String>,
    /// Codes or prefixes to disable; wins over `select`.
    pub ignore: Vec<String>,
    /// Per-code severity; `None` turns the rule off.
    pub severity: BTreeMap<String, Option<Severity>>,
    /// Settings for some files, applied over the ones above in order, so the
    /// last override that matches a file has the last word.
    pub overrides: Vec<Override>,
}

/// Rule settings for the sources whose name `files` matches.
#[derive(Debug, Clone)]
pub struct Override {
    /// Matched against the name a source is linted under (its path).
    pub files: Globs,
    /// Codes or prefixes to turn on for these files, even ones the base ignores.
    pub select: Vec<String>,
    /// Codes or prefixes to turn off for these files; wins over `select`.
    pub ignore: Vec<String>,
    /// Per-code severity replacing the base's; `None` turns the rule off.
    pub severity: BTreeMap<String, Option<Severity>>,
}

/// What one lint call is told about the source.
#[derive(Debug, Clone, Default)]
pub struct SourceOptions {
    /// The payload's kind; `None` recognises it from the shape.
    pub kind: Option<Kind>,
    /// The protocol of the IdP a Qlik patch targets (`OIDC`, `jwtAuth`, `SAML`).
    pub protocol: Option<String>,
    /// The container the source is (Markdown, a shell script, an `.http`
    /// file, a Postman collection); `None` decides from the source's name
    /// (a `.json` name, or none, is a plain payload).
    pub container: Option<Format>,
}

/// The linter: built once, used for any number of sources, from any thread.
#[derive(Debug, Clone)]
pub struct Linter {
    rules: Vec<&'static dyn Rule>,
    base: Selection,
    overrides: Vec<Layer>,
    keep_source: bool,
    variables: Arc<Variables>,
}

/// A rule's configured severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Level {
    /// The finding's own.
    Default,
    Set(Severity),
    Off,
}

/// Whether a rule is selected, and its level.
#[derive(Debug, Clone, Copy)]
struct Setting {
    on: bool,
    level: Level,
}

/// Every rule's setting for one source, in the order of [`rules::ALL`]
/// (sorted by code).
#[derive(Debug, Clone)]
struct Selection(Vec<(&'static str, Setting)>);

impl Selection {
    fn setting_mut(&mut self, code: &str) -> Option<&mut Setting> {
        Some(&mut self.0[rule_position(code)?].1)
    }

    /// The rule's level when it runs, `None` when it does not.
    fn level(&self, code: &str) -> Option<Level> {
        self.level_at(rule_position(code)?)
    }

    /// [`Self::level`] of the `i`-th rule of [`rules::ALL`].
    fn level_at(&self, i: usize) -> Option<Level> {
        Self::level_of(&self.0.get(i)?.1)
    }

    fn level_of(setting: &Setting) -> Option<Level> {
        (setting.on && setting.level != Level::Off).then_some(setting.level)
    }

    fn runs(&self, meta: &RuleMeta) -> bool {
        self.level(meta.code).is_some()
    }
}

/// Where the rule with `code` is in [`rules::ALL`], and so in every
/// [`Selection`]. Findings are placed by their rule's code, a few times per
/// file: the codes are searched as numbers (their [`order_key`]s, which
/// differ for every code, see the tests), not compared as strings.
fn rule_position(code: &str) -> Option<usize> {
    static KEYS: LazyLock<Vec<u64>> = LazyLock::new(|| {
        rules::ALL
            .iter()
            .map(|r| order_key(r.meta().code.as_bytes()))
            .collect()
    });
    let i = KEYS.binary_search(&order_key(code.as_bytes())).ok()?;
    (rules::ALL[i].meta().code == code).then_some(i)
}

/// The first eight bytes of `bytes` as a big-endian number, zero-padded:
/// two byte strings order as their keys do, unless the keys are equal.
/// Sorting or searching by the key first saves most byte comparisons.
pub fn order_key(bytes: &[u8]) -> u64 {
    bytes
        .iter()
        .copied()
        .chain(std::iter::repeat(0))
        .take(8)
        .fold(0, |key, byte| key << 8 | u64::from(byte))
}

/// An [`Override`] with its selectors expanded to codes.
#[derive(Debug, Clone)]
struct Layer {
    files: Globs,
    select: Vec<&'static str>,
    ignore: Vec<&'static str>,
    severity: Vec<(&'static str, Level)>,
}

impl Layer {
    fn new(o: &Override) -> Self {
        Self {
            files: o.files.clone(),
            select: codes(&o.select),
            ignore: codes(&o.ignore),
            severity: severities(&o.severity),
        }
    }

    fn apply(&self, selection: &mut Selection) {
        for (code, setting) in selection.0.iter_mut() {
            let selected = setting.on || self.select.contains(code);
            setting.on = selected && !self.ignore.contains(code);
        }
        for (code, level) in &self.severity {
            if let Some(setting) = selection.setting_mut(code) {
                setting.level = *level;
            }
        }
    }
}

/// The codes of the rules that `selectors` select.
fn codes(selectors: &[String]) -> Vec<&'static str> {
    rules::ALL
        .iter()
        .map(|r| r.meta().code)
        .filter(|code| selectors.iter().any(|s| matches_code(code, s)))
        .collect()
}

fn severities(map: &BTreeMap<String, Option<Severity>>) -> Vec<(&'static str, Level)> {
    rules::ALL
        .iter()
        .map(|r| r.meta().code)
        .filter_map(|code| {
            let level = map.get(code)?;
            Some((code, level.map_or(Level::Off, Level::Set)))
        })
        .collect()
}

impl std::fmt::Debug for dyn Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.meta().code)
    }
}

impl Default for Linter {
    fn default() -> Self {
        Self::new(Options::default())
    }
}

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
    /// ([`Linter::without_source_text`]).
    pub redacted_source: Arc<str>,
    /// The IONOS identity providers' names, for the checks across the
    /// files of a run ([`Linter::check_across_files`]).
    pub ionos_names: Vec<IonosName>,
    /// Bodies a container's requests read from other files (`-d @body.json`),
    /// with the kind their request gives them.
    pub body_files: Vec<BodyFile>,
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
    pub fn new(path: impl Into<String>, kind: Option<Kind>) -> Self {
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
    pub fn failed(path: impl Into<String>) -> Self {
        Self::unreadable(
            path,
            "idplint failed on this file: an internal error (a bug in idplint; please report it)",
        )
    }

    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

impl Linter {
    /// A linter with the given rule selection. Schemas and tables are compiled
    /// on first use and shared by every linter.
    pub fn new(options: Options) -> Self {
        let rules: Vec<&'static dyn Rule> = rules::ALL.to_vec();
        let select = codes(&options.select);
        let ignore = codes(&options.ignore);
        let mut base = Selection(
            rules
                .iter()
                .map(|r| {
                    let code = r.meta().code;
                    let selected = options.select.is_empty() || select.contains(&code);
                    let setting = Setting {
                        on: selected && !ignore.contains(&code),
                        level: Level::Default,
                    };
                    (code, setting)
                })
                .collect(),
        );
        for (code, level) in severities(&options.severity) {
            if let Some(setting) = base.setting_mut(code) {
                setting.level = level;
            }
        }
        Self {
            rules,
            base,
            overrides: options.overrides.iter().map(Layer::new).collect(),
            keep_source: true,
            variables: Arc::default(),
        }
    }

    /// A linter whose reports keep no text for excerpts: for an output that
    /// draws none (JSON, SARIF, annotations, JUnit), the redacted copy of each
    /// file is work for nothing. [`FileReport::redacted_source`] stays empty,
    /// except for a named IONOS body, which the check across files needs.
    pub fn without_source_text(mut self) -> Self {
        self.keep_source = false;
        self
    }

    /// A linter that fills in template variables (`${NAME}`, `{{name}}`) in
    /// the bodies of containers with these values, and checks them like
    /// literal values.
    pub fn with_variables(mut self, variables: Variables) -> Self {
        self.variables = Arc::new(variables);
        self
    }

    /// True when the rule with `code` runs on a file that no override matches.
    pub fn is_enabled(&self, code: &str) -> bool {
        self.base.level(code).is_some()
    }

    /// The severity the rule with `code` reports at in the file `path`
    /// (its default when none is configured); `None` when it does not run
    /// there.
    pub fn severity_for(&self, path: &Path, code: &str) -> Option<Severity> {
        let name = display_name(path);
        match self.selection_for(&name).level(code)? {
            Level::Set(severity) => Some(severity),
            Level::Default => rules::find(code).map(|r| r.meta().severity),
            Level::Off => None,
        }
    }

    /// The rule settings for the source named `name`: the base, with every
    /// override that matches the name applied in order.
    fn selection_for(&self, name: &str) -> Cow<'_, Selection> {
        let path = Path::new(name);
        let mut matching = self
            .overrides
            .iter()
            .filter(|o| o.files.matches(path))
            .peekable();
        if matching.peek().is_none() {
            return Cow::Borrowed(&self.base);
        }
        let mut selection = self.base.clone();
        for layer in matching {
            layer.apply(&mut selection);
        }
        Cow::Owned(selection)
    }

    /// Lints a file on disk. An unreadable file gives a report with `error`.
    pub fn lint_file(&self, path: &Path, options: &SourceOptions) -> FileReport {
        let name = display_name(path);
        // A FIFO or device would block or never end: only regular files are read.
        match std::fs::metadata(path) {
            Ok(m) if !m.is_file() => {
                let what = if m.is_dir() {
                    "a directory"
                } else {
                    "not a regular file"
                };
                return FileReport::unreadable(name, format!("cannot read file: {what}"));
            }
            Err(e) => return FileReport::unreadable(name, format!("cannot read file: {e}")),
            Ok(_) => {}
        }
        self.read_and_lint(path, name, options)
    }

    /// Lints a file already known to be a regular file, such as one found by
    /// walking a directory: [`Linter::lint_file`] without its check of the
    /// path's type.
    pub fn lint_regular_file(&self, path: &Path, options: &SourceOptions) -> FileReport {
        self.read_and_lint(path, display_name(path), options)
    }

    fn read_and_lint(&self, path: &Path, name: String, options: &SourceOptions) -> FileReport {
        match crate::source::with_file(path, |bytes| self.lint_bytes(&name, bytes, options)) {
            Ok(report) => report,
            Err(e) => FileReport::unreadable(name, format!("cannot read file: {e}")),
        }
    }

    /// Lints a source held in memory.
    pub fn lint_source(&self, name: &str, text: &str, options: &SourceOptions) -> FileReport {
        self.lint_bytes(name, text.as_bytes(), options)
    }

    /// Lints raw bytes (they may be invalid UTF-8, which is a finding).
    ///
    /// A panic while linting, which is a bug, does not reach the caller: the
    /// file gets a [`FileReport::failed`] report, and a run over many files
    /// goes on with the others.
    pub fn lint_bytes(&self, name: &str, bytes: &[u8], options: &SourceOptions) -> FileReport {
        guarded(name, || self.lint_unguarded(name, bytes, options))
    }

    fn lint_unguarded(&self, name: &str, bytes: &[u8], options: &SourceOptions) -> FileReport {
        let selection = self.selection_for(name);
        let mut report = FileReport::new(name, options.kind);
        let source = match SourceText::decode(bytes) {
            Ok(s) => s,
            Err(e) => {
                self.undecodable(&selection, &mut report, e);
                return report;
            }
        };
        let container = options.container.or_else(|| Format::for_name(name));
        match container {
            None => self.lint_json(&selection, &mut report, &source, options),
            Some(format) => self.lint_container(&selection, &mut report, &source, format, options),
        }
        report
    }

    /// A file that is not UTF-8: one finding at the first bad byte.
    fn undecodable(&self, selection: &Selection, report: &mut FileReport, e: DecodeError) {
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
        report.redacted_source = Arc::from(e.lossy.as_str());
    }

    /// A plain JSON file: the file is the body.
    fn lint_json(
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
                    report.redacted_source = redact_source(source.full(), &linted.secrets);
                }
            }
        }
    }

    /// A container: every identity-provider request it holds, each body
    /// linted and its findings placed in the container file.
    fn lint_container(
        &self,
        selection: &Selection,
        report: &mut FileReport,
        source: &SourceText<'_>,
        format: Format,
        options: &SourceOptions,
    ) {
        let full = source.full();
        let text = source.json();
        let base = source.json_offset();
        let line_index = OnceCell::new();
        let lines = || line_index.get_or_init(|| LineIndex::new(full, base));
        let file = FileText {
            full,
            lines: &lines,
        };
        report.container = Some(format);
        let mut found = container::extract(format, text);
        if base > 0 {
            let whole = Decoded::verbatim(text, base);
            let inner = std::mem::take(&mut found);
            found.absorb(inner, &whole);
        }
        let mut variables = self.variables.as_ref().clone();
        for (name, value) in &found.variables {
            variables.set_default(name.clone(), value.clone());
        }
        let mut secrets = Vec::new();
        for problem in &found.problems {
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
            report
                .diagnostics
                .extend(placed(selection, finding, span, full, lines(), Vec::new()));
        }
        let mut index = 0;
        for request in &found.requests {
            let Some(url) = &request.url else {
                continue;
            };
            let route = container::route(&request.method, &url.text);
            if route == Route::Elsewhere {
                continue;
            }
            let request_ref = Arc::new(RequestRef {
                index,
                line: Some(request_line(&request.method, &url.text)),
                start: lines().position(full, request.span.start),
            });
            index += 1;
            let mut diagnostics = Vec::new();
            for header in &request.headers {
                if let Some(range) = container::header_secret(header) {
                    let range = header.map_range(range);
                    secrets.push(range.clone());
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
                    diagnostics.extend(placed(selection, finding, span, full, lines(), Vec::new()));
                }
            }
            let kind = match &route {
                Route::Kind(kind) => Some(*kind),
                Route::WrongMethod {
                    takes,
                    kind,
                    endpoint,
                } => {
                    if request.body.is_some() {
                        let finding = Finding::new(
                            input::RequestMethod::META,
                            format!(
                                "a body sent with {} to `{endpoint}`, which takes a body only with {takes} ({kind})",
                                request.method
                            ),
                            Anchor::value(""),
                        )
                        .label(format!("{} here", request.method))
                        .help(format!("send it with {takes}, or to the endpoint that takes {}", request.method));
                        let at = request
                            .method_span
                            .clone()
                            .unwrap_or(request.span.start..request.span.start);
                        let span = Span {
                            offset: at.start,
                            length: at.len(),
                        };
                        diagnostics.extend(placed(
                            selection,
                            finding,
                            span,
                            full,
                            lines(),
                            Vec::new(),
                        ));
                    }
                    None
                }
                Route::Elsewhere => None,
            };
            match &request.body {
                Some(Body::Inline(body)) => {
                    let filled = container::fill(body, &variables);
                    let body = BodyText::filled(&filled);
                    let kind = options.kind.or(kind);
                    match self.lint_body(selection, &file, &body, options, kind, Some(&request_ref))
                    {
                        BodyOutcome::Linted(linted) | BodyOutcome::Unparsable(linted) => {
                            diagnostics.extend(report.add_payload(linted, &mut secrets));
                        }
                        BodyOutcome::NotPayload(_) => {}
                    }
                }
                Some(Body::File { path, span }) => {
                    report.body_files.push(BodyFile {
                        path: path.clone(),
                        kind: options.kind.or(kind),
                        span: Span {
                            offset: span.start,
                            length: span.len(),
                        },
                    });
                }
                None => {}
            }
            for d in &mut diagnostics {
                d.request = Some(request_ref.clone());
            }
            report.diagnostics.extend(diagnostics);
        }
        for body in &found.bare_bodies {
            let filled = container::fill(body, &variables);
            let body = BodyText::filled(&filled);
            let start = body.place.span(Span {
                offset: 0,
                length: 0,
            });
            let request_ref = Arc::new(RequestRef {
                index,
                line: None,
                start: lines().position(full, start.offset),
            });
            // A fence that does not parse, or is no payload, is someone
            // else's JSON: only a recognised payload is linted.
            let outcome = self.lint_body(
                selection,
                &file,
                &body,
                options,
                options.kind,
                Some(&request_ref),
            );
            if let BodyOutcome::Linted(linted) = outcome {
                index += 1;
                let mut diagnostics = report.add_payload(linted, &mut secrets);
                for d in &mut diagnostics {
                    d.request = Some(request_ref.clone());
                }
                report.diagnostics.extend(diagnostics);
            }
        }
        if report.payloads == 0 && report.diagnostics.is_empty() && report.body_files.is_empty() {
            report.skipped = Some(format!(
                "no identity-provider request found in this {}",
                format.noun()
            ));
        }
        sort_diagnostics(&mut report.diagnostics);
        if self.keep_source && (!report.diagnostics.is_empty() || !report.ionos_names.is_empty()) {
            report.redacted_source = redact_source(full, &secrets);
        }
    }

    /// Parses one body, decides its kind, runs the schema pass and the
    /// rules, and places the findings in the file.
    fn lint_body(
        &self,
        selection: &Selection,
        file: &FileText<'_>,
        body: &BodyText<'_>,
        options: &SourceOptions,
        kind: Option<Kind>,
        request: Option<&Arc<RequestRef>>,
    ) -> BodyOutcome {
        let json = body.json;
        let place = |span: Span| body.place.span(span);
        let lines = file.lines;
        let parse = if json.len() > INDEX_ON_DEMAND_ABOVE {
            parse_value
        } else {
            parse
        };
        let parsed = match parse(json) {
            Ok(p) => p,
            Err(e) => {
                let d = placed(
                    selection,
                    Finding::new(input::InvalidJson::META, e.message, Anchor::value(""))
                        .label("here")
                        .help(e.help),
                    place(Span {
                        offset: e.offset,
                        length: e.length,
                    }),
                    file.full,
                    lines(),
                    Vec::new(),
                );
                return BodyOutcome::Unparsable(Linted {
                    kind,
                    diagnostics: d.into_iter().collect(),
                    ionos_name: None,
                    secrets: Vec::new(),
                });
            }
        };
        let deferred_index = OnceCell::new();
        let index = || {
            if parsed.index.is_empty() {
                deferred_index.get_or_init(|| index_of(json))
            } else {
                &parsed.index
            }
        };
        let Some(kind) = kind.or_else(|| detect(&parsed.value)) else {
            return BodyOutcome::NotPayload(parsed.value);
        };
        let at = |anchor: &Anchor| place(resolve(index(), json, 0, anchor));

        let mut findings = Vec::new();
        for dup in &parsed.duplicates {
            findings.push((
                Finding::new(
                    input::DuplicateKey::META,
                    format!("member `{}` is defined twice", dup.name),
                    Anchor::key(format!(
                        "{}/{}",
                        dup.object,
                        crate::source::escape_token(&dup.name)
                    )),
                )
                .label("defined again here")
                .help("keep one of the two members: servers disagree on which one wins"),
                Some(place(Span {
                    offset: dup.second.0,
                    length: dup.second.1 - dup.second.0,
                })),
                vec![label(
                    place(Span {
                        offset: dup.first.0,
                        length: dup.first.1 - dup.first.0,
                    }),
                    "first defined here".to_string(),
                    file.full,
                    lines(),
                )],
            ));
        }

        let protocol = match kind {
            Kind::QlikCreate => parsed
                .value
                .member("protocol")
                .and_then(Value::as_str)
                .map(str::to_string),
            Kind::QlikPatch => options.protocol.clone().or_else(|| {
                support::infer_patch_protocol(&parsed.value)
                    .unique()
                    .map(str::to_string)
            }),
            _ => None,
        };
        let cx = Context::new(kind, &parsed.value, protocol.as_deref());
        let ionos_name = if kind.is_ionos() && selection.runs(ionos_fields::IonosNameInvalid::META)
        {
            ionos_fields::name_and_id(&cx).map(|(name, id)| {
                let span = at(&Anchor::value("/properties/name"));
                IonosName {
                    name,
                    id,
                    span,
                    start: lines().position(file.full, span.offset),
                    end: lines().position(file.full, span.offset + span.length),
                    request: request.cloned(),
                }
            })
        } else {
            None
        };
        let mut raw = Vec::new();
        if [
            input::MissingField::META,
            input::WrongType::META,
            input::UnknownField::META,
        ]
        .iter()
        .any(|m| selection.runs(m))
        {
            crate::schema::check(&cx, &mut raw);
        }
        for (i, rule) in self.rules.iter().enumerate() {
            let meta = rule.meta();
            if meta.applies_to(kind) && selection.level_at(i).is_some() {
                rule.check(&cx, &mut raw);
            }
        }
        let holes = hole_pointers(index(), json, body.whole_values);
        if !holes.is_empty() {
            raw.retain(|f| !holes.iter().any(|(p, _)| under(&f.at.pointer, p)));
            for (pointer, written) in &holes {
                raw.push(
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
            raw.retain(|f| {
                f.rule.code != SecretInFile::META.code
                    || !index().locate(json, &f.at.pointer).is_some_and(|l| {
                        body.substituted
                            .iter()
                            .any(|r| r.start < l.value.1 && l.value.0 < r.end)
                    })
            });
        }
        findings.extend(raw.into_iter().map(|f| (f, None, Vec::new())));

        let secret_values = if findings.is_empty() {
            Vec::new()
        } else {
            support::secret_values(cx.secret_pointers(), &parsed.value)
        };
        let masks = SecretMasks::new(secret_values);
        let mut diagnostics = Vec::new();
        for (finding, span, related) in findings {
            if !selection.runs(finding.rule) {
                continue;
            }
            let span = span.unwrap_or_else(|| at(&finding.at));
            let mut related = related;
            related.extend(
                finding.related.iter().map(|(anchor, message)| {
                    label(at(anchor), message.clone(), file.full, lines())
                }),
            );
            if let Some(mut d) = placed(selection, finding, span, file.full, lines(), related) {
                redact_text(&mut d, &masks);
                diagnostics.push(d);
            }
        }
        // Secret values are masked in excerpts; a body's are found only
        // when something will be drawn.
        let mut secrets = Vec::new();
        if self.keep_source && (!diagnostics.is_empty() || ionos_name.is_some()) {
            for pointer in cx.secret_pointers() {
                if let Some(located) = index().locate(json, pointer) {
                    let (start, end) = located.value;
                    // Keep the quotes; mask what is between them.
                    let inner = (start + 1).min(end)..end.saturating_sub(1);
                    let span = place(Span {
                        offset: inner.start,
                        length: inner.len(),
                    });
                    secrets.push(span.offset..span.offset + span.length);
                }
            }
        }
        BodyOutcome::Linted(Linted {
            kind: Some(kind),
            diagnostics,
            ionos_name,
            secrets,
        })
    }
}

/// The file a body is in: its text and line starts (computed when first
/// needed: only to place a finding).
struct FileText<'a> {
    full: &'a str,
    lines: &'a dyn Fn() -> &'a LineIndex,
}

/// One body to lint and where its bytes are in the file.
struct BodyText<'a> {
    json: &'a str,
    place: Place<'a>,
    /// Ranges of `json` that stand for a whole value of unknown type.
    whole_values: &'a [(std::ops::Range<usize>, String)],
    /// Ranges of `json` filled in with a variable's value: not written in
    /// the file, so not a committed secret.
    substituted: &'a [std::ops::Range<usize>],
}

impl<'a> BodyText<'a> {
    /// A container's body with its variables filled in.
    fn filled(filled: &'a container::Filled) -> Self {
        Self {
            json: &filled.body.text,
            place: Place::Mapped(&filled.body),
            whole_values: &filled.whole_values,
            substituted: &filled.substituted,
        }
    }
}

impl FileReport {
    /// Counts a linted body of a container and keeps what the run needs of
    /// it; returns its findings.
    fn add_payload(
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

/// How a body's byte offsets become the file's.
#[derive(Clone, Copy)]
enum Place<'a> {
    /// The body is the file from this offset (after a BOM).
    Offset(usize),
    /// The body was decoded from the file.
    Mapped(&'a Decoded),
}

impl Place<'_> {
    fn span(&self, span: Span) -> Span {
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

enum BodyOutcome {
    /// Parsed, but of no known kind.
    NotPayload(Value),
    /// Not JSON: the syntax error as a finding.
    Unparsable(Linted),
    Linted(Linted),
}

struct Linted {
    kind: Option<Kind>,
    diagnostics: Vec<Diagnostic>,
    ionos_name: Option<IonosName>,
    /// Byte ranges of the file holding secret values, to mask in excerpts.
    secrets: Vec<std::ops::Range<usize>>,
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

/// Above this many bytes, a document's span index is built only when a
/// finding needs a place: a second pass over the text then costs less than
/// holding an index of millions of values. A smaller document gets its index
/// in the pass that builds its value.
const INDEX_ON_DEMAND_ABOVE: usize = 1 << 20;

/// Applies the configured severity and places a finding at a span; `None`
/// when the finding's rule does not run.
fn placed(
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
fn placed_at(
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
        label: finding.label,
        related,
        request: None,
    })
}

/// A secondary label at a span, with its line and column.
fn label(span: Span, message: String, text: &str, lines: &LineIndex) -> Label {
    Label {
        span,
        message,
        start: lines.position(text, span.offset),
        end: lines.position(text, span.offset + span.length),
    }
}

impl Linter {
    /// Runs the checks that compare the files of one run (IDP208: one IONOS
    /// name for two identity providers). Call it once, after linting every
    /// file; it adds findings to the files' reports, and returns the indices
    /// of the reports it added to.
    pub fn check_across_files<R: BorrowMut<FileReport>>(&self, files: &mut [R]) -> Vec<usize> {
        let named: Vec<NamedFile<'_>> = files
            .iter()
            .map(|f| {
                let f = f.borrow();
                NamedFile {
                    path: &f.path,
                    names: &f.ionos_names,
                }
            })
            .collect();
        let found = crate::cross_file::duplicate_ionos_names(&named);
        let mut changed = Vec::new();
        for (i, site, finding) in found {
            let file = files[i].borrow_mut();
            let Some(site) = file.ionos_names.get(site) else {
                continue;
            };
            let request = site.request.clone();
            let selection = self.selection_for(&file.path);
            let at = (site.span, site.start, site.end);
            if let Some(mut d) = placed_at(&selection, finding, at, Vec::new()) {
                d.request = request;
                file.diagnostics.push(d);
                sort_diagnostics(&mut file.diagnostics);
                if changed.last() != Some(&i) {
                    changed.push(i);
                }
            }
        }
        changed
    }
}

/// Orders findings by position, then code and message.
fn sort_diagnostics(diagnostics: &mut [Diagnostic]) {
    diagnostics.sort_by(|a, b| {
        (a.span.offset, a.code, &a.message).cmp(&(b.span.offset, b.code, &b.message))
    });
}

/// True when `code` is selected by `selector` (a code, a prefix such as
/// `IDP3`, or a rule name).
pub fn matches_code(code: &str, selector: &str) -> bool {
    let selector = selector.trim();
    if selector.eq_ignore_ascii_case("ALL") {
        return true;
    }
    if code.len() >= selector.len() && code[..selector.len()].eq_ignore_ascii_case(selector) {
        return true;
    }
    rules::find(selector).is_some_and(|r| r.meta().code == code)
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

/// The span for an anchor, by the fallback policy: wrong value → the value;
/// unknown member → its key; missing member → the parent's key (or the
/// root's `{`); anything else → the nearest existing ancestor.
fn resolve(index: &SpanIndex, text: &str, base: usize, at: &Anchor) -> Span {
    let opening = |l: Located| Span {
        offset: base + l.value.0,
        length: 1.min(l.value.1 - l.value.0),
    };
    let key_or_opening = |l: Located| match l.key {
        Some((s, e)) => Span {
            offset: base + s,
            length: e - s,
        },
        None => opening(l),
    };
    let Some((located, complete)) = index.nearest(text, &at.pointer) else {
        return Span {
            offset: base,
            length: 0,
        };
    };
    if !complete {
        return key_or_opening(located);
    }
    match at.target {
        Target::Value => Span {
            offset: base + located.value.0,
            length: located.value.1 - located.value.0,
        },
        Target::Key => key_or_opening(located),
        Target::Missing => key_or_opening(located),
    }
}

/// Runs `lint`, the linting of the file `name`; a panic in it becomes the
/// file's [`FileReport::failed`] report.
fn guarded(name: &str, lint: impl FnOnce() -> FileReport) -> FileReport {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(lint))
        .unwrap_or_else(|_| FileReport::failed(name))
}

/// A path as reports name it: as written when it is UTF-8 (most are), else
/// with replacement characters.
pub fn display_name(path: &Path) -> String {
    path.to_str()
        .map_or_else(|| path.display().to_string(), str::to_string)
}

/// Replaces every secret value that found its way into a message with `***`.
fn redact_text(d: &mut Diagnostic, secrets: &SecretMasks<'_>) {
    for (secret, finder) in &secrets.0 {
        let mask = |text: &mut String| {
            if contains_secret(text, secret, finder) {
                *text = text.replace(secret, "***");
            }
        };
        mask(&mut d.message);
        if let Some(help) = d.help.as_mut() {
            mask(help);
        }
        if let Some(label) = d.label.as_mut() {
            mask(label);
        }
        for l in &mut d.related {
            mask(&mut l.message);
        }
    }
}

/// Texts up to this long are searched for a secret byte by byte: building
/// a searcher costs more than scanning a message.
const SHORT_TEXT: usize = 256;

/// True when `text` contains `secret`.
fn contains_secret<'a>(
    text: &str,
    secret: &'a str,
    finder: &OnceCell<memchr::memmem::Finder<'a>>,
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
            .get_or_init(|| memchr::memmem::Finder::new(secret))
            .find(text)
            .is_some()
    }
}

/// The secret strings of a document that messages must not show (those of
/// four bytes or more), each with a searcher built once for all findings,
/// when a text long enough to need it first comes.
struct SecretMasks<'a>(Vec<(&'a str, OnceCell<memchr::memmem::Finder<'a>>)>);

impl<'a> SecretMasks<'a> {
    fn new(values: Vec<&'a str>) -> Self {
        Self(
            values
                .into_iter()
                .filter(|s| s.len() >= 4)
                .map(|s| (s, OnceCell::new()))
                .collect(),
        )
    }
}

/// The file's text with the bytes of every secret value masked byte for
/// byte, so that offsets stay valid for excerpts. The same secret pasted
/// elsewhere in the file is masked too.
fn redact_source(full: &str, secrets: &[std::ops::Range<usize>]) -> Arc<str> {
    if secrets.is_empty() {
        return Arc::from(full);
    }
    let mut bytes = full.as_bytes().to_vec();
    let mut needles = Vec::new();
    for range in secrets {
        let Some(text) = full.get(range.clone()) else {
            continue;
        };
        needles.push(text);
        bytes[range.clone()].fill(b'*');
    }
    for needle in needles.iter().filter(|n| n.len() >= 8) {
        for (at, _) in full.match_indices(*needle) {
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
    fn rules_are_found_by_their_code() {
        let codes: Vec<&str> = rules::ALL.iter().map(|r| r.meta().code).collect();
        let keys: Vec<u64> = codes.iter().map(|c| order_key(c.as_bytes())).collect();
        assert!(keys.windows(2).all(|w| w[0] < w[1]), "{codes:?}");
        for (i, code) in codes.iter().enumerate() {
            assert_eq!(rule_position(code), Some(i));
        }
        for absent in ["", "IDP", "IDP00", "IDP0010", "IDP999", "idp001", "XYZ001"] {
            assert_eq!(rule_position(absent), None, "{absent}");
        }
    }

    #[test]
    fn a_panic_while_linting_fails_that_file_alone() {
        let secret = "q8Z~fT3.kLm0-Xy7Vb2NcR5sWd9PzA1hGj4UeYo6";
        let failed = guarded("idp/okta.json", || {
            let _ = [1, 2, 3]
                .get(7)
                .copied()
                .unwrap_or_else(|| panic!("{secret}"));
            FileReport::unreadable("never", "never")
        });
        assert_eq!(failed.path, "idp/okta.json");
        let error = failed.error.expect("a failed file has an error");
        assert!(error.contains("internal error"), "{error}");
        assert!(!error.contains(secret), "{error}");
        assert!(failed.diagnostics.is_empty());

        // The linter is whole after a panic: the next file is linted as usual.
        let linter = Linter::new(Options::default());
        let text = r#"{"protocol": "OIDC", "provider": "okta", "interactive": false}"#;
        let report = linter.lint_source("next.json", text, &SourceOptions::default());
        assert_eq!(report.path, "next.json");
        assert!(report.error.is_none());
        assert!(!report.diagnostics.is_empty());
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
