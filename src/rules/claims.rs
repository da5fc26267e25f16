//! IDP401–IDP406: Qlik claim mappings (`options.claimsMapping`,
//! `pendingOptions.claimsMapping`, and patch values aimed at them). Which
//! keys a mapping may carry depends on where it sits: the mode below. The key
//! lists are in `rules/qlik/facts.json` (`claims`).

use std::collections::HashMap;

use serde_json::Value;

use super::support::claims::{Mapping, Mode};
use super::support::{json_type_name, nearest_name, not_a_string_array, shorten};
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Applicability, Finding};
use crate::source::{escape_token, Members};

/// The strings a mapping value gives: the value itself when it is a string
/// (IDP401 reports the shape), or the array's string items.
/// Each comes with its index in the array, if it is in one.
fn entries(value: &Value) -> impl Iterator<Item = (Option<usize>, &str)> {
    let (single, items) = match value {
        Value::String(s) => (Some(s.as_str()), &[][..]),
        Value::Array(items) => (None, items.as_slice()),
        _ => (None, &[][..]),
    };
    let listed = items
        .iter()
        .enumerate()
        .filter_map(|(i, v)| v.as_str().map(|s| (Some(i), s)));
    single.map(|s| (None, s)).into_iter().chain(listed)
}

/// The pointer to a mapping value's string, as [`entries`] gives it.
fn entry_pointer(mapping: &Mapping<'_>, key: &str, index: Option<usize>) -> String {
    let pointer = mapping.key_pointer(key);
    match index {
        Some(i) => format!("{pointer}/{i}"),
        None => pointer,
    }
}

fn display_key(key: &str) -> String {
    format!("claimsMapping.{key}")
}

fn quoted_list(items: &[impl AsRef<str>]) -> String {
    items
        .iter()
        .map(|k| format!("`{}`", k.as_ref()))
        .collect::<Vec<_>>()
        .join(", ")
}

const INTERACTIVE_PENDING: &str = r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "pendingOptions": {"discoveryUrl": "https://acme.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8f2k1xzQ4bN3d5697", "clientSecret": "${OKTA_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "name": ["name"], "email": ["email"], "groups": ["groups"]}}}"#;

declare_rule! {
    /// a `claimsMapping` value is not an array of non-empty strings
    ///
    /// ## Why
    /// Each Qlik claim maps to an array of sources ("an array of JSON pointers"), tried in
    /// order. `"sub": "sub"` — a bare string — is the classic mistake and is rejected; so are
    /// numbers, objects and empty strings inside the array.
    ///
    /// ## Fix
    /// Wrap a single source in an array: `"sub": ["sub"]`.
    ///
    /// ## Autofix
    /// safe (`--fix`): a single source written as a string becomes a one-element array of the
    /// same source, the form the API takes.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, claimsMappingInteractive: "Mappings from claim
    ///   name to an array of JSON pointers": <https://qlik.dev/apis/rest/identity-providers/>
    /// - Qlik's OpenAPI document, the `claimsMapping` schemas:
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub ClaimsValueNotArray {
        code: "IDP401",
        name: "claims-value-not-array",
        severity: Error,
        kinds: [QlikCreate, QlikPatch],
        pass: [INTERACTIVE_PENDING],
        fail: [r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "pendingOptions": {"discoveryUrl": "https://acme.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8f2k1xzQ4bN3d5697", "clientSecret": "${OKTA_CLIENT_SECRET}", "claimsMapping": {"sub": "sub", "name": ["name"], "email": ["email"]}}}"#],
    }
}

impl Rule for ClaimsValueNotArray {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for mapping in cx.claim_mappings() {
            for (key, value) in mapping.map {
                let name = || display_key(key);
                match value {
                    Value::Array(items) => {
                        for (i, item) in items.iter().enumerate() {
                            let at = || Anchor::value(entry_pointer(mapping, key, Some(i)));
                            match item {
                                Value::String(s) if s.trim().is_empty() => out.push(
                                    Finding::new(
                                        Self::META,
                                        format!("`{}` holds an empty string at index {i}", name()),
                                        at(),
                                    )
                                    .label("empty source")
                                    .help("name a claim here, or remove the empty entry"),
                                ),
                                Value::String(_) => {}
                                other => out.push(
                                    Finding::new(
                                        Self::META,
                                        format!(
                                            "`{}` must hold strings, found {} at index {i}",
                                            name(),
                                            json_type_name(other)
                                        ),
                                        at(),
                                    )
                                    .label("not a string")
                                    .help("write each source as a JSON string, e.g. `\"email\"`"),
                                ),
                            }
                        }
                    }
                    other => out.push(not_a_string_array(
                        Self::META,
                        &name(),
                        other,
                        Anchor::value(mapping.key_pointer(key)),
                        &format!("the sources as an array, e.g. `[\"{key}\"]`"),
                    )),
                }
            }
        }
    }
}

declare_rule! {
    /// a `claimsMapping` key is not a claim Qlik maps in this mode
    ///
    /// ## Why
    /// Qlik maps a fixed set of claims, and the set depends on the IdP's mode. An interactive
    /// OIDC mapping (`pendingOptions`, or `options` with `interactive: true` and `skipVerify`)
    /// takes `sub`, `name`, `email`, `groups`, `locale`, `picture`, `zoneinfo`, `client_id` and
    /// `email_verified`; a non-interactive one (`options` of an API-access IdP) takes `sub` and
    /// `client_id` only; a SAML one takes `sub`, `name`, `email`, `picture` and `groups`. Any
    /// other key — often a typo such as `emails` or `group`, or a claim such as `upn` that
    /// belongs on the right-hand side — is never read, so the claim it meant stays unmapped.
    /// For a patch of `/options/claimsMapping` the IdP's mode is not known, so any OIDC key
    /// passes.
    ///
    /// A warning, not an error: Qlik's contract lists the keys of each mapping but does not
    /// forbid others (its schemas set no `additionalProperties: false`), so the API may accept
    /// the body and ignore the key.
    ///
    /// ## Fix
    /// Rename the key as suggested, or remove it.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, claimsMappingInteractive and
    ///   claimsMappingNonInteractive: <https://qlik.dev/apis/rest/identity-providers/>
    /// - Qlik's OpenAPI document, `claimsMappingSAML` (SAML):
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub ClaimsKeyNotAllowed {
        code: "IDP402",
        name: "claims-key-not-allowed",
        severity: Warning,
        kinds: [QlikCreate, QlikPatch],
        pass: [INTERACTIVE_PENDING],
        fail: [r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "pendingOptions": {"discoveryUrl": "https://acme.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8f2k1xzQ4bN3d5697", "clientSecret": "${OKTA_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "name": ["name"], "emails": ["email"]}}}"#],
    }
}

impl Rule for ClaimsKeyNotAllowed {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let keys = &cx.facts.qlik.claims;
        for mapping in cx.claim_mappings() {
            let allowed = mapping.mode.allowed(keys);
            for key in mapping.map.keys() {
                if allowed.contains(&key.as_str()) {
                    continue;
                }
                let known_elsewhere = Mode::Unknown.allowed(keys).contains(&key.as_str());
                let (message, help) = if known_elsewhere {
                    (
                        format!(
                            "`{key}` is not read in {}, which maps {}",
                            mapping.mode.describe(),
                            quoted_list(&allowed)
                        ),
                        format!("remove `{key}`: Qlik ignores it here"),
                    )
                } else {
                    let help = match nearest_name(key, allowed.iter().copied()) {
                        Some(near) => format!("did you mean `{near}`?"),
                        None => format!(
                            "map one of {}; a claim of the IdP such as `{key}` belongs in a value: `\"<qlik-claim>\": [\"{key}\"]`",
                            quoted_list(&allowed)
                        ),
                    };
                    (
                        format!("`{key}` is not a claim Qlik maps: the key is never read"),
                        help,
                    )
                };
                out.push(
                    Finding::new(Self::META, message, Anchor::key(mapping.key_pointer(key)))
                        .label("not an allowed claim")
                        .help(help),
                );
            }
        }
    }
}

declare_rule! {
    /// a claim source starting with `/` is not a valid JSON pointer
    ///
    /// ## Why
    /// A source that starts with `/` is read as an RFC 6901 JSON pointer into the IdP's claims.
    /// In a pointer, `~` only appears as `~0` (a literal `~`) or `~1` (a literal `/` inside a
    /// name); any other `~` makes the pointer invalid and the claim is never found.
    ///
    /// ## Fix
    /// Write `~` as `~0` and a `/` that belongs to a claim's name as `~1`.
    ///
    /// ## References
    /// - RFC 6901 §3 and §4 (JSON Pointer syntax and evaluation)
    /// - qlik.dev, Identity providers API reference, claimsMapping: "an array of JSON pointers":
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    pub ClaimsPointerInvalid {
        code: "IDP403",
        name: "claims-pointer-invalid",
        severity: Error,
        kinds: [QlikCreate, QlikPatch],
        pass: [r#"[{"op": "replace", "path": "/options/claimsMapping", "value": {"sub": ["sub"], "client_id": ["/https:~1~1acme-corp.io~1client_id"]}}]"#],
        fail: [r#"[{"op": "replace", "path": "/options/claimsMapping", "value": {"sub": ["sub"], "client_id": ["/https:~2~2acme-corp.io~2client_id"]}}]"#],
    }
}

impl Rule for ClaimsPointerInvalid {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for mapping in cx.claim_mappings().iter().filter(|m| m.mode.pointers()) {
            for (key, value) in mapping.map {
                for (index, s) in entries(value) {
                    if !s.starts_with('/') || !cx.is_checkable(s) {
                        continue;
                    }
                    let Some(bad) = bad_escape(s) else {
                        continue;
                    };
                    out.push(
                        Finding::new(
                            Self::META,
                            format!(
                                "`{}` is not a valid JSON pointer: `~` must be followed by `0` or `1`",
                                shorten(s, 60)
                            ),
                            Anchor::value(entry_pointer(mapping, key, index)),
                        )
                        .label(format!("invalid escape `{bad}`"))
                        .help("write `~` as `~0`, and a `/` inside a claim name as `~1`"),
                    );
                }
            }
        }
    }
}

/// The first `~` escape that RFC 6901 does not allow (`~` not followed by `0` or `1`).
fn bad_escape(s: &str) -> Option<String> {
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '~' {
            match chars.peek() {
                Some('0' | '1') => {
                    chars.next();
                }
                Some(next) => return Some(format!("~{next}")),
                None => return Some("~".to_string()),
            }
        }
    }
    None
}

declare_rule! {
    /// a claim source contains `/` but is not written as a JSON pointer
    ///
    /// ## Why
    /// Qlik reads a source without a leading `/` as a claim name and one with a leading `/` as
    /// a JSON pointer. A namespaced claim such as Auth0's `https://qlik.com/groups` holds `/`
    /// in its name, so it has to be written in pointer form with each `/` of the name escaped:
    /// `/https:~1~1qlik.com~1groups`. A nested claim (`realm_access/roles`) needs the leading
    /// `/`: `/realm_access/roles`. Written as-is, the claim is not found and the user gets no
    /// groups. Not checked for SAML, whose attribute names are URIs by design.
    ///
    /// ## Fix
    /// Write the source in pointer form, as the help shows.
    ///
    /// ## Autofix
    /// unsafe (`--unsafe-fixes`): the source is rewritten as an escaped JSON pointer (`/` →
    /// `~1`, `~` → `~0`), which reads a claim whose name contains `/`. If the `/` was meant to
    /// step into a nested claim, the pointer to write is a different one.
    ///
    /// ## References
    /// - Qlik community, "How to Enable User Groups in Qlik Sense Enterprise SaaS", a comment
    ///   (`/https:~1~1qlik.com~1groups`):
    ///   <https://community.qlik.com/t5/Support-Knowledge-Base/How-to-Enable-User-Groups-in-Qlik-Sense-Enterprise-SaaS/ta-p/1735945>
    /// - RFC 6901 §3 (escaping `/` as `~1`)
    pub ClaimsPointerUnescaped {
        code: "IDP404",
        name: "claims-pointer-unescaped",
        severity: Warning,
        kinds: [QlikCreate, QlikPatch],
        pass: [r#"{"protocol": "OIDC", "provider": "auth0", "interactive": true, "pendingOptions": {"discoveryUrl": "https://acme.eu.auth0.com/.well-known/openid-configuration", "clientId": "kT3v9QbW1xLr7ZpN2sYd8HfJ4mCg6AeU", "clientSecret": "${AUTH0_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "name": ["name"], "email": ["email"], "groups": ["/https:~1~1qlik.com~1groups"]}}}"#],
        fail: [r#"{"protocol": "OIDC", "provider": "auth0", "interactive": true, "pendingOptions": {"discoveryUrl": "https://acme.eu.auth0.com/.well-known/openid-configuration", "clientId": "kT3v9QbW1xLr7ZpN2sYd8HfJ4mCg6AeU", "clientSecret": "${AUTH0_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "name": ["name"], "email": ["email"], "groups": ["https://qlik.com/groups"]}}}"#],
    }
}

impl Rule for ClaimsPointerUnescaped {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for mapping in cx.claim_mappings().iter().filter(|m| m.mode.oidc()) {
            for (key, value) in mapping.map {
                for (index, s) in entries(value) {
                    if s.starts_with('/') || !s.contains('/') || !cx.is_checkable(s) {
                        continue;
                    }
                    let escaped = format!("/{}", escape_token(s));
                    let help = if s.contains("://") {
                        format!("write the namespaced claim as a pointer: `{escaped}`")
                    } else {
                        format!(
                            "for a nested claim write `/{s}`; for a claim whose name holds `/` write `{escaped}`"
                        )
                    };
                    out.push(
                        Finding::new(
                            Self::META,
                            format!(
                                "`{}` contains `/` but is not written as a JSON pointer",
                                shorten(s, 60)
                            ),
                            Anchor::value(entry_pointer(mapping, key, index)),
                        )
                        .label("read as a plain claim name")
                        .help(help)
                        .fix_string(
                            Applicability::Unsafe,
                            entry_pointer(mapping, key, index),
                            &escaped,
                        ),
                    );
                }
            }
        }
    }
}

declare_rule! {
    /// a claims mapping lacks a claim its mode needs
    ///
    /// ## Why
    /// An interactive OIDC IdP identifies and reaches users by `sub` and `email`: without them
    /// the interactive test fails to map the user ("sub, email, and email_verified are required
    /// claims"); `name` is strongly recommended too. A SAML mapping must carry all of
    /// `sub`, `name`, `email`, `picture` and `groups`: Qlik's schema requires them (error).
    /// A patch that replaces `/pendingOptions/claimsMapping` replaces the whole mapping, so it
    /// is checked too.
    ///
    /// ## Severity
    /// - warning: an interactive OIDC mapping lacks `sub` or `email`
    /// - error: a SAML mapping lacks one of the claims SAML needs
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Add the missing claims, e.g. `"email": ["email"]`.
    ///
    /// ## References
    /// - Qlik community, "OpenID Connect configuration in Qlik Cloud Services - Explained" (Qlik's
    ///   OIDC deep-dive blog):
    ///   <https://community.qlik.com/t5/Support-Updates/OpenID-Connect-configuration-in-Qlik-Cloud-Services-Explained/ba-p/1774547>
    /// - Qlik's OpenAPI document, `claimsMappingSAML.required`:
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub ClaimsRequiredMissing {
        code: "IDP405",
        name: "claims-required-missing",
        severity: Warning,
        kinds: [QlikCreate, QlikPatch],
        pass: [INTERACTIVE_PENDING],
        fail: [r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "pendingOptions": {"discoveryUrl": "https://acme.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8f2k1xzQ4bN3d5697", "clientSecret": "${OKTA_CLIENT_SECRET}", "claimsMapping": {"sub": ["sub"], "name": ["name"]}}}"#],
    }
}

impl Rule for ClaimsRequiredMissing {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let keys = &cx.facts.qlik.claims;
        for mapping in cx.claim_mappings() {
            let Some((required, severity)) = mapping.mode.required(keys) else {
                continue;
            };
            // A misspelt key (`emails`) is IDP402's; its claim is not missing twice.
            let allowed = mapping.mode.allowed(keys);
            let misspelt: Vec<&str> = mapping
                .map
                .keys()
                .filter(|k| !allowed.contains(&k.as_str()))
                .filter_map(|k| nearest_name(k, allowed.iter().copied()))
                .collect();
            let missing: Vec<&String> = required
                .iter()
                .filter(|k| !mapping.map.has(k.as_str()))
                .filter(|k| !misspelt.contains(&k.as_str()))
                .collect();
            let Some(first) = missing.first() else {
                continue;
            };
            let list = quoted_list(&missing);
            let example = format!("\"{first}\": [\"{first}\"]");
            out.push(
                Finding::new(
                    Self::META,
                    format!("{} lacks {list}", mapping.mode.describe()),
                    Anchor::missing(mapping.key_pointer(first)),
                )
                .severity(severity)
                .label(format!("{list} missing"))
                .help(format!("add {list} to `claimsMapping`, e.g. `{example}`")),
            );
        }
    }
}

declare_rule! {
    /// a claims mapping value is an empty array or lists a source twice
    ///
    /// ## Why
    /// An empty array maps nothing, so the claim stays empty at login although the file seems to
    /// configure it. A source listed twice in the same array (also `email` next to `/email`,
    /// which point at the same claim) is dead weight and often hides the source that was meant.
    /// Derived check.
    ///
    /// ## Fix
    /// List the claim to read, or remove the key; remove the repeated entry.
    ///
    /// ## References
    /// - derived: idplint's inference from the claims mapping schemas of Qlik's OpenAPI document,
    ///   which say nothing on empty or repeated sources:
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub ClaimsEmptyOrDuplicate {
        code: "IDP406",
        name: "claims-empty-or-duplicate",
        severity: Warning,
        kinds: [QlikCreate, QlikPatch],
        pass: [r#"[{"op": "replace", "path": "/pendingOptions/claimsMapping", "value": {"sub": ["sub"], "name": ["name", "preferred_username"], "email": ["email", "upn"]}}]"#],
        fail: [r#"[{"op": "replace", "path": "/pendingOptions/claimsMapping", "value": {"sub": ["sub"], "name": ["name"], "email": ["email", "upn", "/email"]}}]"#],
    }
}

impl Rule for ClaimsEmptyOrDuplicate {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for mapping in cx.claim_mappings() {
            for (key, value) in mapping.map {
                let Value::Array(items) = value else {
                    continue;
                };
                if items.is_empty() {
                    out.push(
                        Finding::new(
                            Self::META,
                            format!(
                                "`{}` is an empty array: nothing is mapped",
                                display_key(key)
                            ),
                            Anchor::value(mapping.key_pointer(key)),
                        )
                        .label("empty")
                        .help(format!(
                            "list the claim to read, e.g. `[\"{key}\"]`, or remove `{key}`"
                        )),
                    );
                    continue;
                }
                let mut seen: HashMap<String, usize> = HashMap::new();
                for (i, item) in items.iter().enumerate() {
                    let Some(s) = item.as_str().filter(|s| !s.trim().is_empty()) else {
                        continue;
                    };
                    let norm = normalised(s, mapping.mode);
                    if let Some(first) = seen.get(&norm) {
                        let same = if norm == s {
                            String::new()
                        } else {
                            format!(" (`{}` reads the same claim)", shorten(s, 60))
                        };
                        out.push(
                            Finding::new(
                                Self::META,
                                format!(
                                    "`{}` lists `{}` twice{same}",
                                    display_key(key),
                                    shorten(&norm, 60)
                                ),
                                Anchor::value(entry_pointer(mapping, key, Some(i))),
                            )
                            .label("listed again here")
                            .help("remove the repeated entry")
                            .related(
                                Anchor::value(entry_pointer(mapping, key, Some(*first))),
                                "first listed here",
                            ),
                        );
                    } else {
                        seen.insert(norm, i);
                    }
                }
            }
        }
    }
}

/// A source as the claim it reads: `/email` and `email` are the same claim.
fn normalised(s: &str, mode: Mode) -> String {
    match s.strip_prefix('/') {
        Some(rest) if mode.pointers() && !rest.contains('/') && bad_escape(s).is_none() => {
            crate::source::unescape_token(rest).into_owned()
        }
        _ => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_escape_follows_rfc_6901() {
        assert_eq!(bad_escape("/https:~1~1qlik.com~1groups"), None);
        assert_eq!(bad_escape("/a~0b"), None);
        assert_eq!(bad_escape("/a~2b").as_deref(), Some("~2"));
        assert_eq!(bad_escape("/a~").as_deref(), Some("~"));
    }

    #[test]
    fn a_top_level_pointer_is_the_bare_name() {
        assert_eq!(normalised("/email", Mode::Interactive), "email");
        assert_eq!(normalised("/a~1b", Mode::Interactive), "a/b");
        assert_eq!(
            normalised("/address/country", Mode::Interactive),
            "/address/country"
        );
        assert_eq!(normalised("/email", Mode::Saml), "/email");
    }
}
