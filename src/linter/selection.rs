//! Which rules run on a source, and at what severity: the configuration's
//! selectors and severities, with the overrides that match the source's name.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use super::{Options, Override};
use crate::diagnostic::Severity;
use crate::globs::Globs;
use crate::rules::{self, RuleMeta};

/// A rule's configured severity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Level {
    /// The finding's own.
    Default,
    Set(Severity),
    Off,
}

/// Whether a rule is selected, and its level.
#[derive(Debug, Clone, Copy)]
pub(super) struct Setting {
    on: bool,
    level: Level,
}

/// Every rule's setting for one source, in the order of [`rules::ALL`]
/// (sorted by code).
#[derive(Debug, Clone)]
pub(super) struct Selection(Vec<(&'static str, Setting)>);

impl Selection {
    /// The settings of `options`, before any override.
    pub(super) fn new(options: &Options) -> Self {
        let select = codes(&options.select);
        let ignore = codes(&options.ignore);
        let mut selection = Self(
            rules::ALL
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
            if let Some(setting) = selection.setting_mut(code) {
                setting.level = level;
            }
        }
        selection
    }

    fn setting_mut(&mut self, code: &str) -> Option<&mut Setting> {
        Some(&mut self.0[rule_position(code)?].1)
    }

    /// The rule's level when it runs, `None` when it does not.
    pub(super) fn level(&self, code: &str) -> Option<Level> {
        self.level_at(rule_position(code)?)
    }

    /// [`Self::level`] of the `i`-th rule of [`rules::ALL`].
    pub(super) fn level_at(&self, i: usize) -> Option<Level> {
        Self::level_of(&self.0.get(i)?.1)
    }

    fn level_of(setting: &Setting) -> Option<Level> {
        (setting.on && setting.level != Level::Off).then_some(setting.level)
    }

    pub(super) fn runs(&self, meta: &RuleMeta) -> bool {
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
pub(super) struct Layer {
    pub(super) files: Globs,
    select: Vec<&'static str>,
    ignore: Vec<&'static str>,
    severity: Vec<(&'static str, Level)>,
}

impl Layer {
    pub(super) fn new(o: &Override) -> Self {
        Self {
            files: o.files.clone(),
            select: codes(&o.select),
            ignore: codes(&o.ignore),
            severity: severities(&o.severity),
        }
    }

    pub(super) fn apply(&self, selection: &mut Selection) {
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
pub(super) fn codes(selectors: &[String]) -> Vec<&'static str> {
    rules::ALL
        .iter()
        .map(|r| r.meta().code)
        .filter(|code| selectors.iter().any(|s| matches_code(code, s)))
        .collect()
}

pub(super) fn severities(map: &BTreeMap<String, Option<Severity>>) -> Vec<(&'static str, Level)> {
    rules::ALL
        .iter()
        .map(|r| r.meta().code)
        .filter_map(|code| {
            let level = map.get(code)?;
            Some((code, level.map_or(Level::Off, Level::Set)))
        })
        .collect()
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

/// True when `selector` (a code, a prefix such as `IDP3`, `ALL`, or a rule
/// name) selects at least one rule. An empty selector selects none.
pub fn selects_any(selector: &str) -> bool {
    let selector = selector.trim();
    !selector.is_empty()
        && rules::ALL
            .iter()
            .any(|r| matches_code(r.meta().code, selector))
}

/// What to say about `selector`, which selects no rule: the nearest code,
/// prefix or name (see [`nearest_selector`]), or what a selector is.
pub fn unknown_selector_help(selector: &str) -> String {
    match nearest_selector(selector) {
        Some(near) => format!("did you mean `{near}`? `idplint rules` lists every rule"),
        None => "use a rule code (IDP006), a prefix (IDP0) or a name; `idplint rules` lists them"
            .to_string(),
    }
}

/// The selector nearest to `word`, which selects no rule: for a code or
/// prefix (`IDP` and one to three digits) the code or prefix of as many
/// digits whose number is nearest (`IDP113` → `IDP112`, `IDP99` → `IDP61`);
/// for anything else the code or name most like it, if one is alike enough.
pub fn nearest_selector(word: &str) -> Option<&'static str> {
    let word = word.trim();
    match code_digits(word) {
        Some(digits) => nearest_number(word, digits),
        None => nearest_name(word),
    }
}

/// The rule nearest to `word`, which names none: for a code (`IDP` and three
/// digits) the code whose number is nearest (`IDP999` → the last code); for
/// anything else the code or name most like it, if one is alike enough.
pub fn nearest_rule(word: &str) -> Option<&'static str> {
    let word = word.trim();
    match code_digits(word) {
        Some(CODE_DIGITS) => nearest_number(word, CODE_DIGITS),
        _ => nearest_name(word),
    }
}

/// The digits of every rule code's number.
const CODE_DIGITS: usize = 3;

/// How many digits follow `IDP` (in any case) in `word`, when `word` is a
/// code or a prefix of one: one to three digits.
fn code_digits(word: &str) -> Option<usize> {
    let (prefix, number) = (word.get(..3)?, &word[3..]);
    let digits = number.len();
    (prefix.eq_ignore_ascii_case("IDP")
        && (1..=CODE_DIGITS).contains(&digits)
        && number.bytes().all(|b| b.is_ascii_digit()))
    .then_some(digits)
}

/// The code prefix of `digits` digits whose number is nearest to that of
/// `word` (`IDP` and `digits` digits); the lower one on a tie.
fn nearest_number(word: &str, digits: usize) -> Option<&'static str> {
    let number = |code: &str| code[3..].parse::<i64>().ok();
    let wanted = number(word)?;
    rules::ALL
        .iter()
        .map(|r| &r.meta().code[..3 + digits])
        .filter_map(|prefix| Some((prefix, (number(prefix)? - wanted).abs())))
        .min_by_key(|&(_, distance)| distance)
        .map(|(prefix, _)| prefix)
}

/// The rule code or name most like `word`, if one is alike enough to be a
/// likely typo.
fn nearest_name(word: &str) -> Option<&'static str> {
    let candidates = rules::ALL
        .iter()
        .flat_map(|r| [r.meta().code, r.meta().name]);
    rules::support::nearest_name(word, candidates)
}

#[cfg(test)]
mod tests {
    use super::*;

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
    fn codes_are_suggested_by_number_and_names_by_spelling() {
        let last = rules::ALL.last().unwrap().meta().code;
        assert_eq!(nearest_rule("IDP999"), Some(last));
        assert_eq!(nearest_rule("idp999"), Some(last));
        assert_eq!(nearest_rule("IDP113"), Some("IDP112"));
        assert_eq!(nearest_rule("IDP096"), Some("IDP101"));
        assert_eq!(nearest_rule("IDP000"), Some("IDP001"));
        assert_eq!(
            nearest_rule("certificate-unparsable"),
            Some("certificate-unparseable")
        );
        assert_eq!(nearest_selector("IDP99"), Some("IDP61"));
        assert_eq!(nearest_selector("IDP9"), Some("IDP6"));
        assert_eq!(nearest_selector("IDP999"), Some(last));
        assert_eq!(nearest_selector("unknwn-field"), Some("unknown-field"));
        assert_eq!(nearest_selector("nothing-like-any-rule-at-all"), None);
    }

    #[test]
    fn a_selector_selects_some_rule_or_is_unknown() {
        for known in ["IDP110", "IDP1", "idp3", "ALL", "unknown-field", " IDP006 "] {
            assert!(selects_any(known), "{known}");
        }
        for unknown in [
            "",
            " ",
            "IDP99",
            "IDP113",
            "IDP0010",
            "XYZ",
            "unknown_field",
        ] {
            assert!(!selects_any(unknown), "{unknown}");
        }
        assert!(unknown_selector_help("IDP99").starts_with("did you mean `IDP61`?"));
        assert!(unknown_selector_help("zzzzzzzzzzzzzzzz").starts_with("use a rule code"));
    }
}
