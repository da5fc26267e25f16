//! The rule catalogue as the library shows it: every rule's code, name,
//! default severity, kinds and manual.

use crate::kind::Kind;
use crate::rule_meta::{RuleMeta, Severity};

/// A rule of the catalogue (what `idplint rules` lists and `idplint explain`
/// prints).
///
/// ```
/// let rule = idplint::rule("IDP101").expect("a known code");
/// assert_eq!(rule.name(), "protocol-unknown");
/// assert_eq!(idplint::rule("protocol-unknown").map(|r| r.code()), Some("IDP101"));
/// ```
#[derive(Clone, Copy)]
pub struct RuleInfo {
    meta: &'static RuleMeta,
}

impl RuleInfo {
    /// The rule's code, such as `IDP101`.
    pub fn code(&self) -> &'static str {
        self.meta.code
    }

    /// The rule's name in kebab case, such as `protocol-unknown`.
    pub fn name(&self) -> &'static str {
        self.meta.name
    }

    /// The severity of its findings unless a configuration sets another;
    /// a few rules give some findings another one (their manual says when).
    pub fn severity(&self) -> Severity {
        self.meta.severity
    }

    /// The payload kinds the rule checks.
    pub fn kinds(&self) -> &'static [Kind] {
        self.meta.kinds
    }

    /// The manual's first line: what the rule finds, in a few words.
    pub fn summary(&self) -> &'static str {
        self.meta.summary()
    }

    /// The rule's manual in Markdown: its summary, then `## Why`, and where
    /// they apply `## Severity`, `## Fix` and `## References` (the vendors'
    /// documentation by URL).
    pub fn docs(&self) -> String {
        self.meta.docs_text()
    }

    /// The severities the rule's findings can have: its default, then those
    /// its manual's `## Severity` section gives some findings.
    pub fn severities(&self) -> Vec<Severity> {
        self.meta.severities()
    }

    /// Example payloads on which the rule finds nothing.
    pub fn passing_examples(&self) -> &'static [&'static str] {
        self.meta.pass
    }

    /// Example payloads on which the rule finds exactly one problem.
    pub fn failing_examples(&self) -> &'static [&'static str] {
        self.meta.fail
    }
}

impl std::fmt::Debug for RuleInfo {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RuleInfo")
            .field("code", &self.code())
            .field("name", &self.name())
            .finish_non_exhaustive()
    }
}

/// Every rule, in the order of their codes.
///
/// ```
/// for rule in idplint::rules() {
///     println!("{} {:<32} {:<7} {}", rule.code(), rule.name(), rule.severity(), rule.summary());
/// }
/// assert!(idplint::rules().all(|rule| !rule.kinds().is_empty()));
/// ```
pub fn rules() -> impl ExactSizeIterator<Item = RuleInfo> {
    crate::rules::ALL
        .iter()
        .map(|rule| RuleInfo { meta: rule.meta() })
}

/// The rule with this code (`IDP101`, in any case) or name
/// (`protocol-unknown`).
pub fn rule(code_or_name: &str) -> Option<RuleInfo> {
    crate::rules::find(code_or_name).map(|rule| RuleInfo { meta: rule.meta() })
}
