//! What a rule is, below both the findings and the rules: its severity,
//! its metadata (code, name, kinds, manual, examples) and the macro that
//! declares it.

use serde::{Deserialize, Serialize};

use crate::kind::Kind;

/// How serious a finding is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Worth knowing; never fails a run.
    Info,
    /// Likely wrong; fails a run only when warnings are denied.
    Warning,
    /// The API rejects the body, or it does not do what it says.
    Error,
}

impl Severity {
    /// `info`, `warning` or `error`.
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl std::fmt::Display for Severity {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What the catalogue knows about a rule.
#[derive(Debug)]
pub struct RuleMeta {
    pub code: &'static str,
    pub name: &'static str,
    pub severity: Severity,
    pub kinds: &'static [Kind],
    /// The rule's manual: the first line is its summary, then `## Why`,
    /// `## Severity` (for a rule whose findings differ in severity), `## Fix`,
    /// `## References`.
    pub docs: &'static str,
    /// Payloads that must give no finding of this rule.
    pub pass: &'static [&'static str],
    /// Payloads that must give exactly one finding of this rule.
    pub fail: &'static [&'static str],
}

impl RuleMeta {
    /// The first line of the docs.
    pub fn summary(&self) -> &'static str {
        self.docs.lines().next().unwrap_or("").trim()
    }

    pub fn applies_to(&self, kind: Kind) -> bool {
        self.kinds.contains(&kind)
    }

    /// The severities the rule's findings have: its default, and those its
    /// manual lists under `## Severity` (`- warning: when ...`).
    pub fn severities(&self) -> Vec<Severity> {
        let mut out = vec![self.severity];
        let section = self.section("Severity").unwrap_or_default();
        for line in section {
            let listed = line
                .strip_prefix("- ")
                .and_then(|l| l.split([':', ' ']).next())
                .and_then(|word| {
                    [Severity::Error, Severity::Warning, Severity::Info]
                        .into_iter()
                        .find(|s| s.as_str() == word)
                });
            if let Some(severity) = listed.filter(|s| !out.contains(s)) {
                out.push(severity);
            }
        }
        out
    }

    /// The id of the rule's section in `rules/CATALOG.md`, as GitHub makes
    /// it from the section's heading `CODE name`: `idp504-discovery-url-not-well-known`.
    pub fn anchor(&self) -> String {
        format!("{}-{}", self.code.to_ascii_lowercase(), self.name)
    }

    /// The vendors whose bodies the rule checks, in the order of its kinds.
    pub fn vendors(&self) -> Vec<&'static str> {
        let mut vendors: Vec<&'static str> = Vec::new();
        for vendor in self.kinds.iter().map(|k| k.vendor()) {
            if !vendors.contains(&vendor) {
                vendors.push(vendor);
            }
        }
        vendors
    }

    /// The lines of the manual's `## title` section, trimmed; `None` when
    /// the manual has no such section.
    pub fn section(&self, title: &str) -> Option<Vec<&'static str>> {
        manual_section(self.docs, title)
    }

    /// The docs as written, without the doc comment's leading space.
    pub fn docs_text(&self) -> String {
        self.docs
            .lines()
            .map(|l| l.strip_prefix(' ').unwrap_or(l))
            .collect::<Vec<_>>()
            .join("\n")
    }
}

/// The lines of the `## title` section of a manual, trimmed; `None` when
/// it has no such section.
pub fn manual_section<'a>(docs: &'a str, title: &str) -> Option<Vec<&'a str>> {
    let mut lines = docs
        .lines()
        .map(str::trim)
        .skip_while(|l| l.strip_prefix("## ").map(str::trim) != Some(title));
    lines.next()?;
    Some(lines.take_while(|l| !l.starts_with("## ")).collect())
}

/// The declaration half of a rule, implemented by [`declare_rule!`](crate::declare_rule).
pub trait Declared {
    fn meta(&self) -> &'static RuleMeta;
}

/// Declares a rule: a unit struct with its doc comment, its [`RuleMeta`] as
/// `META`, and [`Declared`]. The rule's `impl Rule` goes next to it.
macro_rules! declare_rule {
    (
        $(#[doc = $doc:literal])+
        $vis:vis $ident:ident {
            code: $code:literal,
            name: $name:literal,
            severity: $severity:ident,
            kinds: [$($kind:ident),* $(,)?],
            pass: [$($pass:expr),* $(,)?],
            fail: [$($fail:expr),* $(,)?] $(,)?
        }
    ) => {
        $(#[doc = $doc])+
        #[derive(Debug, Clone, Copy, Default)]
        $vis struct $ident;

        impl $ident {
            pub const META: &'static $crate::rule_meta::RuleMeta = &$crate::rule_meta::RuleMeta {
                code: $code,
                name: $name,
                severity: $crate::rule_meta::Severity::$severity,
                kinds: &[$($crate::kind::Kind::$kind),*],
                docs: concat!($($doc, "\n"),+),
                pass: &[$($pass),*],
                fail: &[$($fail),*],
            };
        }

        impl $crate::rule_meta::Declared for $ident {
            fn meta(&self) -> &'static $crate::rule_meta::RuleMeta {
                Self::META
            }
        }
    };
}
pub(crate) use declare_rule;

/// The code of the finding about a `[[suppress]]` entry that matched
/// nothing. It is no rule of the catalogue: it speaks of the configuration
/// file, not of a payload.
pub const UNUSED_CODE: &str = "IDP000";
/// The name of that finding.
pub const UNUSED_NAME: &str = "unused-suppression";
/// What that finding is about, in a line.
pub const UNUSED_SUMMARY: &str = "A `[[suppress]]` entry of idplint.toml matched no finding";
/// Why it is reported, and what to do.
pub const UNUSED_DOCS: &str = "A `[[suppress]]` entry of idplint.toml silenced no finding in a run that linted the files it names: the finding was fixed, moved to another pointer or file, or its rule no longer reports it. Remove the entry, so that suppressions do not outlive their findings and hide a later one.";
