//! The engine: bytes → parsed document → kind → schema pass and rules →
//! findings (pointers) → spans → report.

mod across;
mod body;
mod container;
mod file;
mod mask;
mod place;
mod repair;
mod report;
mod selection;

use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::container::{Format, Variables};
pub use crate::cross_file::IonosName;
use crate::diagnostic::Severity;
use crate::globs::Globs;
use crate::kind::Kind;
use crate::rules::{self, Rule};
use crate::source::SourceText;
pub use report::{BodyFile, FileReport};
pub use selection::{matches_code, nearest_rule, order_key, selects_any, unknown_selector_help};
use selection::{Layer, Level, Selection};

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

/// Rule settings for the sources whose name matches some globs: a
/// configuration's `[[overrides]]` (see the public `Config::options`).
#[derive(Debug, Clone)]
pub struct Override {
    /// Matched against the name a source is linted under (its path).
    pub(crate) files: Globs,
    /// Codes or prefixes to turn on for these files, even ones the base ignores.
    pub(crate) select: Vec<String>,
    /// Codes or prefixes to turn off for these files; wins over `select`.
    pub(crate) ignore: Vec<String>,
    /// Per-code severity replacing the base's; `None` turns the rule off.
    pub(crate) severity: BTreeMap<String, Option<Severity>>,
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

impl Linter {
    /// A linter with the given rule selection. Schemas and tables are compiled
    /// on first use and shared by every linter.
    pub fn new(options: Options) -> Self {
        let rules: Vec<&'static dyn Rule> = rules::ALL.to_vec();
        let base = Selection::new(&options);
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
    /// file is work for nothing. The reports keep no text, except for a
    /// named IONOS body, which the check across files needs.
    pub fn without_source_text(mut self) -> Self {
        self.keep_source = false;
        self
    }

    /// A linter that fills in template variables (`${NAME}`, `{{name}}`) in
    /// the bodies of containers with these values, and checks them like
    /// literal values.
    pub(crate) fn with_variables(mut self, variables: Variables) -> Self {
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
        if let Some(system) = system_file(path) {
            return FileReport::unreadable(
                name,
                format!(
                    "cannot read file: it is the system file `{}`, not a payload",
                    system.display()
                ),
            );
        }
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
    pub(crate) fn lint_regular_file(&self, path: &Path, options: &SourceOptions) -> FileReport {
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

    /// Lints a payload already parsed, as a body of `kind`. The report is
    /// about the value's pretty-printed text, `serde_json::to_string_pretty`
    /// of it (members in the value's order, two-space indents): the spans,
    /// lines and columns of its findings point into that text, and its path
    /// is `payload.json`. A finding's `pointer` is a JSON pointer into the
    /// value itself.
    ///
    /// ```
    /// use idplint::{Kind, Linter};
    /// use serde_json::json;
    ///
    /// let body = json!({"protocol": "OIDC", "provider": "okta", "interactive": "no"});
    /// let report = Linter::default().lint_value(Kind::QlikCreate, &body);
    /// let wrong = report.diagnostics.iter().find(|d| d.pointer == "/interactive").unwrap();
    /// assert_eq!(wrong.start.line, 4);
    /// ```
    pub fn lint_value(&self, kind: Kind, value: &serde_json::Value) -> FileReport {
        // A `Value` always serialises: its keys are strings.
        let text = serde_json::to_string_pretty(value).unwrap_or_default();
        let options = SourceOptions {
            kind: Some(kind),
            ..SourceOptions::default()
        };
        self.lint_source("payload.json", &text, &options)
    }

    /// Lints raw bytes (they may be invalid UTF-8, which is a finding).
    ///
    /// A panic while linting, which is a bug, does not reach the caller: the
    /// file gets a report whose `error` says so, and a run over many files
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
        report.diagnostics.iter_mut().for_each(mask::bound_texts);
        report
    }
}

/// Runs `lint`, the linting of the file `name`; a panic in it becomes the
/// file's [`FileReport::failed`] report.
fn guarded(name: &str, lint: impl FnOnce() -> FileReport) -> FileReport {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(lint))
        .unwrap_or_else(|_| FileReport::failed(name))
}

/// `text` with what looks secret in it masked byte for byte: the value of a
/// member named like a secret, a patch value whose path names one, a
/// private key's PEM body. For showing a payload outside a report (the
/// examples of `idplint explain`).
pub fn masked(text: &str) -> String {
    mask::redact_source(text, &mask::likely_secrets(text)).to_string()
}

/// The file under `/proc`, `/sys` or `/dev` that `path` is or links to:
/// such a file reports a size of 0 and holds the process's environment or
/// the kernel's state, so it is never read as a payload.
fn system_file(path: &Path) -> Option<std::path::PathBuf> {
    let system = |p: &Path| {
        ["/proc", "/sys", "/dev"]
            .iter()
            .any(|root| p.starts_with(root))
    };
    if system(path) {
        return Some(path.to_path_buf());
    }
    let linked = std::fs::symlink_metadata(path)
        .ok()?
        .file_type()
        .is_symlink();
    let target = if linked {
        std::fs::canonicalize(path).ok()?
    } else {
        return None;
    };
    system(&target).then_some(target)
}

/// A path as reports name it: as written when it is UTF-8 (most are), else
/// with replacement characters.
pub fn display_name(path: &Path) -> String {
    path.to_str()
        .map_or_else(|| path.display().to_string(), str::to_string)
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
