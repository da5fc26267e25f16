//! `idplint.toml`: the nearest one upward from each file ([`ConfigTree`]) or
//! one named on the command line, parsed with the span of every key and
//! value, checked (each problem is a [`ConfigError`] labelled on the file
//! itself), and resolved, with the command line's flags on top, into the
//! [`Options`] a [`Linter`] is built from once and the [`SourceOptions`] of
//! each file.
//!
//! How the settings combine:
//! - `select` (default: every rule) and `ignore` take codes (`IDP006`),
//!   prefixes (`IDP0`, `ALL`) or names (`unknown-field`); `ignore` wins.
//!   `[severity]` keys take the same, expanded in document order, and `off`
//!   turns a rule off.
//! - Flags win: `--select` replaces the file's `select` and `ignore` (as in
//!   ruff), `--ignore` adds to `ignore`, `--kind`/`--protocol` win over
//!   `[kinds]`/`[patch-protocol]`, `--max-warnings` over `max-warnings`.
//! - `[[overrides]]` apply to the files their globs match, in order, on top
//!   of the above: `select` turns rules on, `ignore` off, `severity` replaces.
//! - Globs are relative to the configuration file's directory; `*` stays in
//!   one directory, `**` crosses them. `exclude` holds for files named on the
//!   command line too, and for every file under an excluded directory;
//!   `include` (default: every `*.json`) says what walking a directory finds.
//!   In `[kinds]` and `[patch-protocol]` the last matching glob wins.
//! - `[[suppress]]` entries silence one rule's findings in some files, at
//!   a pointer or under it, each for a required reason ([`suppress`]);
//!   `baseline` names a file of findings a run does not report
//!   (the baseline module).
//!
//! The library reads a configuration through its public `Config` type, whose
//! documentation has an example.
//!
//! [`Linter`]: crate::Linter

mod error;
mod file;
pub mod suppress;
pub mod tree;

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

pub use error::ConfigError;
pub use suppress::Suppression;
pub use tree::ConfigTree;

use crate::globs::Globs;
use crate::kind::Kind;
use crate::linter::{matches_code, Options, Override, SourceOptions};
use crate::{rules, Linter, Severity};

/// The name of the configuration file looked for upward from the working
/// directory.
pub const FILE_NAME: &str = "idplint.toml";

/// The resolved settings of a run.
#[derive(Debug, Clone)]
pub struct Config {
    /// The configuration file, as found or given; `None` for the defaults.
    pub path: Option<PathBuf>,
    /// The directory globs are relative to (the file's, absolute).
    pub root: PathBuf,
    /// Codes, prefixes or names to enable; empty means every rule.
    pub select: Vec<String>,
    /// Codes, prefixes or names to disable; wins over `select`.
    pub ignore: Vec<String>,
    /// Severity by code (`None` turns the rule off).
    pub severity: BTreeMap<String, Option<Severity>>,
    /// The files directories are searched for; `None` means every `*.json`.
    pub include: Option<Globs>,
    /// Files and directories never linted, even when named explicitly.
    pub exclude: Globs,
    pub deny_warnings: bool,
    pub max_warnings: Option<usize>,
    /// Kinds pinned by glob; the last matching entry wins.
    pub kinds: Vec<Pinned<Kind>>,
    /// The protocol a `qlik.patch` targets, by glob; the last match wins.
    pub patch_protocol: Vec<Pinned<String>>,
    /// Rule settings for some files, applied in order.
    pub overrides: Vec<Override>,
    /// The kind of every file (`--kind`); wins over `kinds`.
    pub kind: Option<Kind>,
    /// The protocol of every patch (`--protocol`); wins over `patch_protocol`.
    pub protocol: Option<String>,
    /// Values of template variables in container bodies (`[vars]`; the
    /// command line's `--var` and `--env-file` go on top).
    pub vars: BTreeMap<String, String>,
    /// Findings silenced where they are, each for a reason (`[[suppress]]`).
    pub suppress: Vec<Suppression>,
    /// The baseline file (`baseline`), absolute: findings recorded there
    /// are not reported.
    pub baseline: Option<PathBuf>,
    /// The configuration file's text with the values of `[vars]` masked,
    /// for excerpts drawn on it; `None` for the defaults.
    pub masked_text: Option<std::sync::Arc<str>>,
}

/// A value for the files one glob matches.
#[derive(Debug, Clone)]
pub struct Pinned<T> {
    pub globs: Globs,
    pub value: T,
}

impl<T> Pinned<T> {
    /// The glob as written.
    pub fn pattern(&self) -> &str {
        self.globs.patterns().first().map_or("", String::as_str)
    }
}

/// The settings given on the command line; they win over the file.
#[derive(Debug, Clone, Default)]
pub struct Flags {
    /// `--select`: replaces the file's `select` and `ignore`.
    pub select: Vec<String>,
    /// `--ignore`: added to the file's `ignore`.
    pub ignore: Vec<String>,
    /// `--kind` (`None` for `auto`).
    pub kind: Option<Kind>,
    /// `--protocol`.
    pub protocol: Option<String>,
    /// `--deny-warnings`.
    pub deny_warnings: bool,
    /// `--max-warnings`.
    pub max_warnings: Option<usize>,
    /// `--var NAME=VALUE` and the lines of `--env-file`: over `[vars]`.
    pub vars: Vec<(String, String)>,
}

impl Config {
    /// The settings when there is no configuration file: globs (from the
    /// command line only) are relative to `root`.
    pub fn defaults(root: &Path) -> Self {
        Self {
            path: None,
            root: root.to_path_buf(),
            select: Vec::new(),
            ignore: Vec::new(),
            severity: BTreeMap::new(),
            include: None,
            exclude: Globs::none(Some(root)),
            deny_warnings: false,
            max_warnings: None,
            kinds: Vec::new(),
            patch_protocol: Vec::new(),
            overrides: Vec::new(),
            kind: None,
            protocol: None,
            vars: BTreeMap::new(),
            suppress: Vec::new(),
            baseline: None,
            masked_text: None,
        }
    }

    /// The nearest `idplint.toml` in `start` or one of its ancestors, up to
    /// the root of the repository `start` is in (the directory that holds
    /// `.git`): a file above it belongs to someone else's tree.
    pub fn find(start: &Path) -> Option<PathBuf> {
        for dir in start.ancestors() {
            let candidate = dir.join(FILE_NAME);
            if candidate.is_file() {
                return Some(candidate);
            }
            if dir.join(".git").exists() {
                return None;
            }
        }
        None
    }

    /// Reads and checks the configuration file at `path`.
    pub fn load(path: &Path) -> Result<Self, Vec<ConfigError>> {
        let text = crate::source::read_small_text(path).map_err(|e| {
            vec![ConfigError::file(format!(
                "cannot read the configuration file `{}`: {e}",
                path.display()
            ))]
        })?;
        Self::parse(path, &text)
    }

    /// Checks the text of the configuration file at `path`; its globs are
    /// relative to the file's directory. Every problem is returned, each
    /// labelled at its bytes.
    pub fn parse(path: &Path, text: &str) -> Result<Self, Vec<ConfigError>> {
        let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
        let root = absolute.parent().unwrap_or(Path::new("/"));
        // A BOM is not TOML, but editors write one.
        file::parse(path, text.strip_prefix('\u{feff}').unwrap_or(text), root)
    }

    /// Puts the command line's settings on top of the file's.
    pub fn with_flags(mut self, flags: Flags) -> Self {
        if flags.select.is_empty() {
            self.ignore.extend(flags.ignore);
        } else {
            // As in ruff: a selection on the command line starts afresh, and
            // a rule it names runs even if the file turned it off.
            self.severity.retain(|code, level| {
                level.is_some() || !flags.select.iter().any(|s| matches_code(code, s))
            });
            self.select = flags.select;
            self.ignore = flags.ignore;
        }
        self.kind = flags.kind.or(self.kind);
        self.protocol = flags.protocol.or(self.protocol);
        self.deny_warnings |= flags.deny_warnings;
        self.max_warnings = flags.max_warnings.or(self.max_warnings);
        self.vars.extend(flags.vars);
        self
    }

    /// The template variables' values, for the linter.
    pub fn variables(&self) -> crate::container::Variables {
        let mut variables = crate::container::Variables::new();
        for (name, value) in &self.vars {
            variables.set(name.clone(), value.clone());
        }
        variables
    }

    /// The options to build the linter from.
    pub fn options(&self) -> Options {
        Options {
            select: self.select.clone(),
            ignore: self.ignore.clone(),
            severity: self.severity.clone(),
            overrides: self.overrides.clone(),
        }
    }

    /// The kind and protocol for the file at `path`: the command line's, or
    /// the last glob that matches, or neither (recognised from the payload).
    pub fn source_options(&self, path: &Path) -> SourceOptions {
        SourceOptions {
            kind: self.kind.or_else(|| last_match(&self.kinds, path).copied()),
            protocol: self
                .protocol
                .clone()
                .or_else(|| last_match(&self.patch_protocol, path).cloned()),
            container: None,
        }
    }

    /// True when `path` (a file or a directory) or a directory it is in is
    /// excluded. Excludes hold for files named on the command line too.
    pub fn is_excluded(&self, path: &Path) -> bool {
        self.exclude.matches_with_ancestors(path)
    }

    /// True when a file found by walking a directory is one to lint: by
    /// default every `*.json` file and every container (Markdown, shell and
    /// PowerShell scripts, `.http` files).
    pub fn is_included(&self, path: &Path) -> bool {
        match &self.include {
            Some(include) => include.matches(path),
            None => path.extension().and_then(|e| e.to_str()).is_some_and(|e| {
                e.eq_ignore_ascii_case("json")
                    || crate::container::Format::extensions()
                        .any(|known| known.eq_ignore_ascii_case(e))
            }),
        }
    }

    /// True when `warnings` warnings fail the run.
    pub fn warnings_fail(&self, warnings: usize) -> bool {
        (self.deny_warnings && warnings > 0) || self.max_warnings.is_some_and(|max| warnings > max)
    }

    /// The codes of the rules that run nowhere unless an override turns them on.
    pub fn rules_off(&self) -> Vec<&'static str> {
        let linter = Linter::new(Options {
            overrides: Vec::new(),
            ..self.options()
        });
        rules::ALL
            .iter()
            .map(|r| r.meta().code)
            .filter(|code| !linter.is_enabled(code))
            .collect()
    }
}

/// The resolved settings as TOML (`idplint check --show-config`): what is
/// not a setting of the file is a comment.
impl fmt::Display for Config {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "# idplint check: resolved settings")?;
        match &self.path {
            Some(path) => writeln!(f, "# configuration file: {}", path.display())?,
            None => writeln!(f, "# configuration file: none (defaults)")?,
        }
        writeln!(f, "# globs are relative to: {}", self.root.display())?;
        writeln!(f, "select = {}", list(&self.select))?;
        writeln!(f, "ignore = {}", list(&self.ignore))?;
        match &self.include {
            Some(include) => writeln!(f, "include = {}", list(include.patterns()))?,
            None => writeln!(
                f,
                "# include: every *.json file, and Markdown, shell, PowerShell, cmd and .http files"
            )?,
        }
        writeln!(f, "exclude = {}", list(self.exclude.patterns()))?;
        writeln!(f, "deny-warnings = {}", self.deny_warnings)?;
        match self.max_warnings {
            Some(max) => writeln!(f, "max-warnings = {max}")?,
            None => writeln!(f, "# max-warnings: no limit")?,
        }
        match self.kind {
            Some(kind) => writeln!(f, "# kind: {kind} for every file (--kind)")?,
            None => writeln!(f, "# kind: from [kinds], else from each payload's shape")?,
        }
        match &self.protocol {
            Some(p) => writeln!(f, "# patch protocol: {p} for every patch (--protocol)")?,
            None => writeln!(
                f,
                "# patch protocol: from [patch-protocol], else from the patch"
            )?,
        }
        writeln!(f, "\n[severity]")?;
        for (code, level) in &self.severity {
            writeln!(f, "{code} = {}", quote(level_name(*level)))?;
        }
        writeln!(f, "\n[kinds]")?;
        for p in &self.kinds {
            writeln!(f, "{} = {}", quote(p.pattern()), quote(p.value.name()))?;
        }
        writeln!(f, "\n[patch-protocol]")?;
        for p in &self.patch_protocol {
            writeln!(f, "{} = {}", quote(p.pattern()), quote(&p.value))?;
        }
        for o in &self.overrides {
            writeln!(f, "\n[[overrides]]")?;
            writeln!(f, "files = {}", list(o.files.patterns()))?;
            if !o.select.is_empty() {
                writeln!(f, "select = {}", list(&o.select))?;
            }
            if !o.ignore.is_empty() {
                writeln!(f, "ignore = {}", list(&o.ignore))?;
            }
            if !o.severity.is_empty() {
                let entries: Vec<String> = o
                    .severity
                    .iter()
                    .map(|(code, level)| format!("{code} = {}", quote(level_name(*level))))
                    .collect();
                writeln!(f, "severity = {{ {} }}", entries.join(", "))?;
            }
        }
        if let Some(baseline) = &self.baseline {
            writeln!(f, "\nbaseline = {}", quote(&baseline.display().to_string()))?;
        }
        for s in &self.suppress {
            writeln!(f, "\n[[suppress]]")?;
            writeln!(f, "path = {}", quote(s.pattern()))?;
            writeln!(f, "code = {}", quote(&s.code))?;
            if let Some(pointer) = &s.pointer {
                writeln!(f, "pointer = {}", quote(pointer))?;
            }
            writeln!(f, "reason = {}", quote(&s.reason))?;
        }
        let off = self.rules_off();
        if !off.is_empty() {
            writeln!(f, "\n# rules off (unless an override turns them on):")?;
            for code in off {
                let name = rules::find(code).map_or("", |r| r.meta().name);
                writeln!(f, "#   {code} {name}")?;
            }
        }
        Ok(())
    }
}

/// The value of the last entry whose glob matches `path`.
fn last_match<'a, T>(pinned: &'a [Pinned<T>], path: &Path) -> Option<&'a T> {
    pinned
        .iter()
        .rev()
        .find(|p| p.globs.matches(path))
        .map(|p| &p.value)
}

fn level_name(level: Option<Severity>) -> &'static str {
    level.map_or("off", Severity::as_str)
}

/// A TOML basic string (JSON's escapes are TOML's).
fn quote(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| format!("\"{s}\""))
}

fn list<S: AsRef<str>>(items: &[S]) -> String {
    let quoted: Vec<String> = items.iter().map(|s| quote(s.as_ref())).collect();
    format!("[{}]", quoted.join(", "))
}

#[cfg(test)]
mod tests;
