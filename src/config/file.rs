//! `idplint.toml` as written: deserialised with the span of every key and
//! value, then checked into a [`Config`], every problem reported at its bytes.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;
use std::sync::Arc;

use serde::Deserialize;
use toml::Spanned;

use super::error::ConfigError;
use super::suppress::{self, RawSuppression, Suppression};
use super::{Config, Pinned};
use crate::facts::facts;
use crate::globs::Globs;
use crate::kind::Kind;
use crate::linter::{matches_code, selects_any, unknown_selector_help, Override};
use crate::rules;
use crate::Severity;

const SEVERITIES: &[&str] = &["error", "warning", "info", "off"];

type Strings = Vec<Spanned<String>>;
type Table = BTreeMap<Spanned<String>, Spanned<String>>;

#[derive(Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    select: Strings,
    #[serde(default)]
    ignore: Strings,
    include: Option<Strings>,
    #[serde(default)]
    exclude: Strings,
    #[serde(default)]
    deny_warnings: bool,
    max_warnings: Option<Spanned<i64>>,
    #[serde(default)]
    severity: Table,
    #[serde(default)]
    kinds: Table,
    #[serde(default)]
    patch_protocol: Table,
    #[serde(default)]
    overrides: Vec<Spanned<RawOverride>>,
    #[serde(default)]
    vars: Table,
    #[serde(default)]
    suppress: Vec<Spanned<RawSuppression>>,
    baseline: Option<Spanned<String>>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    files: Strings,
    #[serde(default)]
    select: Strings,
    #[serde(default)]
    ignore: Strings,
    #[serde(default)]
    severity: Table,
}

/// Parses and checks the text of the configuration file at `path`, whose
/// globs are relative to `root`.
pub(super) fn parse(path: &Path, text: &str, root: &Path) -> Result<Config, Vec<ConfigError>> {
    let name = &path.display().to_string();
    let text: Arc<str> = Arc::from(text);
    let raw: RawConfig = toml::from_str(&text).map_err(|e| vec![syntax_error(name, &text, &e)])?;
    let mut cx = Checker {
        name,
        text: &text,
        root,
        errors: Vec::new(),
    };
    let config = Config {
        path: Some(path.to_path_buf()),
        root: root.to_path_buf(),
        select: cx.selectors(&raw.select, "select"),
        ignore: cx.selectors(&raw.ignore, "ignore"),
        severity: cx.severity(&raw.severity),
        include: raw.include.as_ref().and_then(|globs| cx.globs(globs)),
        exclude: cx
            .globs(&raw.exclude)
            .unwrap_or_else(|| Globs::none(Some(root))),
        deny_warnings: raw.deny_warnings,
        max_warnings: raw.max_warnings.as_ref().and_then(|m| cx.count(m)),
        vars: raw
            .vars
            .iter()
            .map(|(name, value)| (name.get_ref().clone(), value.get_ref().clone()))
            .collect(),
        kinds: cx.pinned(&raw.kinds, "kind", Kind::from_name, &kind_names()),
        patch_protocol: cx.pinned(
            &raw.patch_protocol,
            "protocol",
            |v| protocols().contains(&v).then(|| v.to_string()),
            &protocols(),
        ),
        overrides: raw.overrides.iter().filter_map(|o| cx.over(o)).collect(),
        kind: None,
        protocol: None,
        suppress: raw
            .suppress
            .iter()
            .filter_map(|s| cx.suppression(s))
            .collect(),
        baseline: raw.baseline.as_ref().map(|b| root.join(b.get_ref())),
        masked_text: Some(masked_vars(&text, &raw.vars)),
    };
    if cx.errors.is_empty() {
        Ok(config)
    } else {
        Err(cx.errors)
    }
}

fn syntax_error(name: &str, text: &Arc<str>, e: &toml::de::Error) -> ConfigError {
    let message = e.message().trim().trim_end_matches('.');
    let quoted = |prefix: &str| {
        message
            .strip_prefix(prefix)
            .and_then(|rest| rest.split('`').next())
            .map(str::to_string)
    };
    let (message, label, help) = if let Some(key) = quoted("unknown field `") {
        // serde lists the keys the table takes: "…, expected one of `a`, `b`".
        let expected: Vec<&str> = message
            .split_once("expected ")
            .map(|(_, list)| list.trim_start_matches("one of ").split(", "))
            .into_iter()
            .flatten()
            .map(|k| k.trim_matches('`'))
            .collect();
        let help = match suggest(&key, &expected) {
            Some(known) => format!("did you mean `{known}`?"),
            None => format!("remove it; the keys here are {}", backticked(&expected)),
        };
        (format!("unknown key `{key}`"), "unknown key", help)
    } else if let Some(key) = quoted("missing field `") {
        let help = match key.as_str() {
            "files" => "add the globs the override is for: `files = [\"legacy/**\"]`".to_string(),
            _ => format!("add `{key}`"),
        };
        (format!("missing key `{key}`"), "in this table", help)
    } else if message.starts_with("invalid type") || message.starts_with("invalid value") {
        let first = message.lines().next().unwrap_or(message);
        (
            first.to_string(),
            "wrong value",
            "write a value of the expected type".to_string(),
        )
    } else {
        let first = message.lines().next().unwrap_or("invalid TOML");
        (first.to_string(), "here", "fix the TOML syntax".to_string())
    };
    ConfigError::at(name, text, e.span(), message, label).help(help)
}

struct Checker<'a> {
    name: &'a str,
    text: &'a Arc<str>,
    root: &'a Path,
    errors: Vec<ConfigError>,
}

impl Checker<'_> {
    fn error(&mut self, span: Range<usize>, message: String, label: &str, help: String) {
        self.errors
            .push(ConfigError::at(self.name, self.text, Some(span), message, label).help(help));
    }

    /// A number of warnings.
    fn count(&mut self, n: &Spanned<i64>) -> Option<usize> {
        let count = usize::try_from(*n.get_ref()).ok();
        if count.is_none() {
            self.error(
                n.span(),
                format!("`max-warnings` is {}", n.get_ref()),
                "not a number of warnings",
                "write 0 or more".to_string(),
            );
        }
        count
    }

    /// Codes, prefixes or rule names; each must select at least one rule.
    fn selectors(&mut self, list: &[Spanned<String>], key: &str) -> Vec<String> {
        for s in list {
            self.selector(s, &format!("in `{key}`"));
        }
        list.iter()
            .map(|s| s.get_ref().trim().to_string())
            .collect()
    }

    fn selector(&mut self, s: &Spanned<String>, context: &str) -> bool {
        let value = s.get_ref().trim();
        if selects_any(value) {
            return true;
        }
        self.error(
            s.span(),
            format!("unknown rule `{value}` {context}"),
            "no rule has this code, prefix or name",
            unknown_selector_help(value),
        );
        false
    }

    /// The `[severity]` table, keys expanded to codes in document order (so
    /// a later `IDP006` refines an earlier `IDP0`).
    fn severity(&mut self, table: &Table) -> BTreeMap<String, Option<Severity>> {
        let mut out = BTreeMap::new();
        for (key, value) in in_document_order(table) {
            let level = match value.get_ref().as_str() {
                "error" => Some(Some(Severity::Error)),
                "warning" => Some(Some(Severity::Warning)),
                "info" => Some(Some(Severity::Info)),
                "off" => Some(None),
                other => {
                    let help = match suggest(other, SEVERITIES) {
                        Some(s) => format!(
                            "did you mean `{s}`? use one of `error`, `warning`, `info`, `off`"
                        ),
                        None => "use one of `error`, `warning`, `info`, `off`".to_string(),
                    };
                    self.error(
                        value.span(),
                        format!("unknown severity `{other}` for `{}`", key.get_ref()),
                        "not a severity",
                        help,
                    );
                    None
                }
            };
            if self.selector(key, "in `[severity]`") {
                for r in rules::ALL {
                    let code = r.meta().code;
                    if let Some(level) = level.filter(|_| matches_code(code, key.get_ref())) {
                        out.insert(code.to_string(), level);
                    }
                }
            }
        }
        out
    }

    /// A glob list; `None` when one of them does not compile.
    fn globs(&mut self, list: &[Spanned<String>]) -> Option<Globs> {
        let patterns: Vec<&str> = list.iter().map(|s| s.get_ref().as_str()).collect();
        match Globs::new(&patterns, Some(self.root)) {
            Ok(globs) => Some(globs),
            Err(e) => {
                let s = &list[e.index.min(list.len().saturating_sub(1))];
                self.error(
                    s.span(),
                    format!("invalid glob `{}`: {}", s.get_ref(), e.message),
                    "not a glob",
                    "write a glob relative to the configuration file's directory, such as `idp/**/*.json`".to_string(),
                );
                None
            }
        }
    }

    /// A glob → value table (`[kinds]`, `[patch-protocol]`).
    fn pinned<T>(
        &mut self,
        table: &Table,
        what: &str,
        parse: impl Fn(&str) -> Option<T>,
        known: &[&str],
    ) -> Vec<Pinned<T>> {
        let mut out = Vec::new();
        for (glob, value) in in_document_order(table) {
            let Some(globs) = self.globs(std::slice::from_ref(glob)) else {
                continue;
            };
            match parse(value.get_ref()) {
                Some(v) => out.push(Pinned { globs, value: v }),
                None => {
                    let listed = backticked(known);
                    let help = match suggest(value.get_ref(), known) {
                        Some(k) => format!("did you mean `{k}`? use one of {listed}"),
                        None => format!("use one of {listed}"),
                    };
                    self.error(
                        value.span(),
                        format!(
                            "unknown {what} `{}` for `{}`",
                            value.get_ref(),
                            glob.get_ref()
                        ),
                        &format!("not a {what}"),
                        help,
                    );
                }
            }
        }
        out
    }

    /// One `[[overrides]]` entry.
    fn over(&mut self, o: &Spanned<RawOverride>) -> Option<Override> {
        let raw = o.get_ref();
        if raw.files.is_empty() {
            let span = o.span();
            self.error(
                span,
                "an override with no `files`".to_string(),
                "this override",
                "list the globs it applies to: `files = [\"legacy/**\"]`".to_string(),
            );
            return None;
        }
        let select = self.selectors(&raw.select, "overrides.select");
        let ignore = self.selectors(&raw.ignore, "overrides.ignore");
        let severity = self.severity(&raw.severity);
        let files = self.globs(&raw.files)?;
        Some(Override {
            files,
            select,
            ignore,
            severity,
        })
    }
}

impl Checker<'_> {
    /// One `[[suppress]]` entry.
    fn suppression(&mut self, entry: &Spanned<RawSuppression>) -> Option<Suppression> {
        let raw = entry.get_ref();
        let globs = self.globs(std::slice::from_ref(raw.path()));
        let code_ok = self.selector(raw.code(), "in `[[suppress]]`");
        match suppress::check(entry, self.text, globs, code_ok) {
            Ok(suppression) => Some(suppression),
            Err(problems) => {
                for (span, message, label, help) in problems {
                    self.error(span, message, label, help);
                }
                None
            }
        }
    }
}

/// The text of the file with the values of `[vars]` masked, for the
/// excerpts drawn on it: a variable may hold a token.
fn masked_vars(text: &Arc<str>, vars: &Table) -> Arc<str> {
    if vars.is_empty() {
        return text.clone();
    }
    let mut bytes = text.as_bytes().to_vec();
    for value in vars.values() {
        let span = value.span();
        if let Some(inner) = bytes.get_mut(span.start + 1..span.end.saturating_sub(1)) {
            inner
                .iter_mut()
                .filter(|b| b.is_ascii())
                .for_each(|b| *b = b'*');
        }
    }
    Arc::from(String::from_utf8_lossy(&bytes).into_owned())
}

fn in_document_order(table: &Table) -> Vec<(&Spanned<String>, &Spanned<String>)> {
    let mut entries: Vec<_> = table.iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    entries
}

fn kind_names() -> Vec<&'static str> {
    Kind::ALL.iter().map(|k| k.name()).collect()
}

/// The protocols of the Qlik identity providers a patch can target.
fn protocols() -> Vec<&'static str> {
    facts().qlik.protocols.keys().map(String::as_str).collect()
}

fn backticked(words: &[&str]) -> String {
    words
        .iter()
        .map(|w| format!("`{w}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The nearest known word, when it is near enough to be a likely typo.
fn suggest<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| {
            (
                strsim::jaro_winkler(&word.to_ascii_lowercase(), &k.to_ascii_lowercase()),
                *k,
            )
        })
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}
