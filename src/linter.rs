//! The engine: bytes → parsed document → kind → schema pass and rules →
//! findings (pointers) → spans → report.

use std::borrow::{BorrowMut, Cow};
use std::cell::OnceCell;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::{Arc, LazyLock};

use serde_json::Value;

use crate::diagnostic::{Anchor, Diagnostic, Finding, Label, Severity, Span, Target};
use crate::globs::Globs;
use crate::kind::{detect, Kind};
use crate::rules::{self, input, ionos_fields, support, Context, Rule, RuleMeta};
use crate::source::{
    index_of, parse, parse_value, LineIndex, Located, Members, Position, SourceText, SpanIndex,
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
}

/// The linter: built once, used for any number of sources, from any thread.
#[derive(Debug, Clone)]
pub struct Linter {
    rules: Vec<&'static dyn Rule>,
    base: Selection,
    overrides: Vec<Layer>,
    keep_source: bool,
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
    /// The recognised or given kind.
    pub kind: Option<Kind>,
    /// Why the file was skipped (IDP003), if it was.
    pub skipped: Option<String>,
    /// Why the file could not be linted (unreadable), if so.
    pub error: Option<String>,
    /// Findings, sorted by position.
    pub diagnostics: Vec<Diagnostic>,
    /// The text for excerpts, with secret values masked; empty when the
    /// file has no finding to show, or when the linter keeps no text
    /// ([`Linter::without_source_text`]).
    pub redacted_source: Arc<str>,
    /// The IONOS identity provider's name, for the checks across the files
    /// of a run ([`Linter::check_across_files`]).
    pub ionos_name: Option<IonosName>,
}

/// Where an IONOS body names its identity provider.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IonosName {
    /// `properties.name`, trimmed.
    pub name: String,
    /// The `id` of a PUT body, lower-cased: PUTs to one id are one resource.
    pub id: Option<String>,
    /// The span of the `name` value.
    pub span: Span,
    /// The line and column where the span starts.
    pub start: Position,
    /// The line and column where the span ends.
    pub end: Position,
}

impl FileReport {
    /// A report for a source that could not be read.
    pub fn unreadable(path: impl Into<String>, error: impl Into<String>) -> Self {
        Self {
            path: path.into(),
            kind: None,
            skipped: None,
            error: Some(error.into()),
            diagnostics: Vec::new(),
            redacted_source: Arc::from(""),
            ionos_name: None,
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
        let mut report = FileReport {
            path: name.to_string(),
            kind: options.kind,
            skipped: None,
            error: None,
            diagnostics: Vec::new(),
            redacted_source: Arc::from(""),
            ionos_name: None,
        };
        let source = match SourceText::decode(bytes) {
            Ok(s) => s,
            Err(e) => {
                let lines = LineIndex::new(&e.lossy, 0);
                // The excerpt shows the text with U+FFFD in place of the bad bytes.
                let d = placed(
                    &selection,
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
                return report;
            }
        };
        let base = source.json_offset();
        // Line starts are needed only to place a finding.
        let line_index = std::cell::OnceCell::new();
        let lines = || line_index.get_or_init(|| LineIndex::new(source.full(), base));
        let parse = if source.json().len() > INDEX_ON_DEMAND_ABOVE {
            parse_value
        } else {
            parse
        };
        let parsed = match parse(source.json()) {
            Ok(p) => p,
            Err(e) => {
                let d = placed(
                    &selection,
                    Finding::new(input::InvalidJson::META, e.message, Anchor::value(""))
                        .label("here")
                        .help(e.help),
                    Span {
                        offset: base + e.offset,
                        length: e.length,
                    },
                    source.full(),
                    lines(),
                    Vec::new(),
                );
                report.diagnostics.extend(d);
                report.redacted_source = Arc::from(source.full());
                return report;
            }
        };
        let deferred_index = std::cell::OnceCell::new();
        let index = || {
            if parsed.index.is_empty() {
                deferred_index.get_or_init(|| index_of(source.json()))
            } else {
                &parsed.index
            }
        };
        let Some(kind) = options.kind.or_else(|| detect(&parsed.value)) else {
            report.skipped = Some(unknown_payload_reason(&parsed.value));
            return report;
        };
        report.kind = Some(kind);

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
                Some(Span {
                    offset: base + dup.second.0,
                    length: dup.second.1 - dup.second.0,
                }),
                vec![label(
                    Span {
                        offset: base + dup.first.0,
                        length: dup.first.1 - dup.first.0,
                    },
                    "first defined here".to_string(),
                    source.full(),
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
        if kind.is_ionos() && selection.runs(ionos_fields::IonosNameInvalid::META) {
            report.ionos_name = ionos_fields::name_and_id(&cx).map(|(name, id)| {
                let span = resolve(
                    index(),
                    source.json(),
                    base,
                    &Anchor::value("/properties/name"),
                );
                IonosName {
                    name,
                    id,
                    span,
                    start: lines().position(source.full(), span.offset),
                    end: lines().position(source.full(), span.offset + span.length),
                }
            });
        }
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
        findings.extend(raw.into_iter().map(|f| (f, None, Vec::new())));

        let secrets = SecretMasks::new(if findings.is_empty() {
            Vec::new()
        } else {
            support::secret_values(cx.secret_pointers(), &parsed.value)
        });
        for (finding, span, related) in findings {
            if !selection.runs(finding.rule) {
                continue;
            }
            let span = span.unwrap_or_else(|| resolve(index(), source.json(), base, &finding.at));
            let mut related = related;
            related.extend(finding.related.iter().map(|(at, message)| {
                label(
                    resolve(index(), source.json(), base, at),
                    message.clone(),
                    source.full(),
                    lines(),
                )
            }));
            if let Some(mut d) = placed(&selection, finding, span, source.full(), lines(), related)
            {
                redact_text(&mut d, &secrets);
                report.diagnostics.push(d);
            }
        }
        sort_diagnostics(&mut report.diagnostics);
        // Excerpts are drawn only for findings; IDP208, added across files
        // later, may add one to a named IONOS body.
        if self.keep_source && (!report.diagnostics.is_empty() || report.ionos_name.is_some()) {
            report.redacted_source = redact_source(
                index(),
                source.json(),
                base,
                source.full(),
                cx.secret_pointers(),
            );
        }
        report
    }
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
        let mut changed = Vec::new();
        for (i, finding) in crate::cross_file::duplicate_ionos_names(files) {
            let file = files[i].borrow_mut();
            let Some(site) = &file.ionos_name else {
                continue;
            };
            let selection = self.selection_for(&file.path);
            let at = (site.span, site.start, site.end);
            if let Some(d) = placed_at(&selection, finding, at, Vec::new()) {
                file.diagnostics.push(d);
                sort_diagnostics(&mut file.diagnostics);
                changed.push(i);
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

/// The file's text with every secret string's contents masked byte for byte,
/// so that offsets stay valid for excerpts.
fn redact_source(
    index: &SpanIndex,
    json: &str,
    base: usize,
    full: &str,
    pointers: &[String],
) -> Arc<str> {
    if pointers.is_empty() {
        return Arc::from(full);
    }
    let mut bytes = full.as_bytes().to_vec();
    let mut needles = Vec::new();
    for pointer in pointers {
        if let Some(located) = index.locate(json, pointer) {
            let (start, end) = (base + located.value.0, base + located.value.1);
            // Keep the quotes; mask what is between them.
            let inner = (start + 1).min(end)..end.saturating_sub(1);
            needles.push(full[inner.clone()].to_string());
            bytes[inner].fill(b'*');
        }
    }
    // The same secret pasted into another member is still the secret.
    for needle in needles.iter().filter(|n| n.len() >= 8) {
        let found: Vec<usize> = full
            .match_indices(needle.as_str())
            .map(|(i, _)| i)
            .collect();
        for at in found {
            bytes[at..at + needle.len()].fill(b'*');
        }
    }
    Arc::from(String::from_utf8(bytes).unwrap_or_default())
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
