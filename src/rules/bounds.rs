//! IDP201–IDP207: bounds and formats of Qlik's scalar fields. The limits and
//! patterns are in `rules/qlik/facts.json` (`bounds`); every rule reads its
//! field through [`Context::fields`], so a patch value is checked like the
//! member of a create body. Lengths are counted in characters (Unicode
//! scalar values).

use std::sync::LazyLock;

use regex::Regex;
use serde_json::Value;

use super::support::{child_pointer, json_type_name, not_a_string_array, shorten, too_long};
use super::support::{Context, Field, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Applicability, Finding, Repair, Severity};
use crate::facts::{compile, facts};

static TENANT_ID: LazyLock<Regex> =
    LazyLock::new(|| compile(&facts().qlik.bounds.tenant_id_pattern));
static REALM: LazyLock<Regex> = LazyLock::new(|| compile(&facts().qlik.bounds.realm_pattern));

/// The values of `member` in every option block (`options`, `pendingOptions`).
fn in_option_blocks<'a>(cx: &Context<'a>, member: &str) -> Vec<Field<'a>> {
    let mut found = Vec::new();
    for block in &cx.facts.qlik.option_blocks {
        cx.each_field(&child_pointer(block, member), &mut |field| {
            found.push(field)
        });
    }
    found
}

fn chars(s: &str) -> usize {
    s.chars().count()
}

/// A JSON number as the payload wrote it.
fn number_text(value: &Value) -> String {
    value.to_string()
}

declare_rule! {
    /// `clockToleranceSec` is outside 0..=7200 seconds
    ///
    /// ## Why
    /// Qlik accepts a clock-skew tolerance between 0 and 7200 seconds (two hours); the API
    /// rejects anything else. A value in milliseconds (`5000`, `30000`) is the usual slip.
    /// A patch of `/clockToleranceSec` is checked the same way, at its `value`.
    ///
    /// ## Fix
    /// Give the tolerance in seconds, between 0 and 7200. The default is 5.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, CreateOIDCPayload.clockToleranceSec:
    ///   "minimum=0, maximum=7200": <https://qlik.dev/apis/rest/identity-providers/>
    /// - Qlik's OpenAPI document, `clockToleranceSec`:
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub ClockToleranceOutOfRange {
        code: "IDP201",
        name: "clock-tolerance-out-of-range",
        severity: Error,
        kinds: [QlikCreate, QlikPatch],
        pass: [
            r#"{"protocol": "OIDC", "provider": "auth0", "interactive": false, "clockToleranceSec": 30, "options": {"discoveryUrl": "https://acme.eu.auth0.com/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"]}}}"#,
            r#"[{"op": "replace", "path": "/clockToleranceSec", "value": 7200}]"#,
        ],
        fail: [
            r#"{"protocol": "OIDC", "provider": "auth0", "interactive": false, "clockToleranceSec": 30000, "options": {"discoveryUrl": "https://acme.eu.auth0.com/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"]}}}"#,
            r#"[{"op": "replace", "path": "/clockToleranceSec", "value": 9000}]"#,
        ],
    }
}

impl Rule for ClockToleranceOutOfRange {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let range = &cx.facts.qlik.bounds.clock_tolerance_sec;
        for field in cx.fields("/clockToleranceSec") {
            let Some(n) = field.value.as_f64() else {
                continue;
            };
            if n < range.min || n > range.max {
                let side = if n < range.min { "below" } else { "above" };
                out.push(
                    Finding::new(
                        Self::META,
                        format!(
                            "`clockToleranceSec` is {}, outside {}..={} seconds",
                            number_text(field.value),
                            range.min,
                            range.max
                        ),
                        field.anchor(),
                    )
                    .label(format!("{side} the allowed range"))
                    .help(format!(
                        "give the tolerance in seconds, between {} and {}",
                        range.min, range.max
                    )),
                );
            }
        }
    }
}

declare_rule! {
    /// `clockToleranceSec` has a fractional part, which the server rounds off
    ///
    /// ## Why
    /// The tolerance is a whole number of seconds. Qlik's reference says "decimals will be
    /// rounded off", so `2.5` is stored as a different value than the file says, and newer
    /// versions of the schema declare the member an integer.
    ///
    /// ## Fix
    /// Round the value to whole seconds.
    ///
    /// ## Autofix
    /// safe (`--fix`): the decimal is replaced by the whole number the server rounds it to, so
    /// the IdP ends up with the same tolerance.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, clockToleranceSec: "a tolerance can be set,
    ///   decimals will be rounded off": <https://qlik.dev/apis/rest/identity-providers/>
    /// - Qlik's OpenAPI document: `clockToleranceSec {type: integer}` in the current spec:
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub ClockToleranceFractional {
        code: "IDP202",
        name: "clock-tolerance-fractional",
        severity: Warning,
        kinds: [QlikCreate, QlikPatch],
        pass: [r#"[{"op": "replace", "path": "/clockToleranceSec", "value": 10}]"#],
        fail: [r#"[{"op": "replace", "path": "/clockToleranceSec", "value": 2.5}]"#],
    }
}

impl Rule for ClockToleranceFractional {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let range = &cx.facts.qlik.bounds.clock_tolerance_sec;
        for field in cx.fields("/clockToleranceSec") {
            let Some(n) = field.value.as_f64() else {
                continue;
            };
            // Out of range is IDP201's, whatever the fraction.
            if n.fract() == 0.0 || n < range.min || n > range.max {
                continue;
            }
            out.push(
                Finding::new(
                    Self::META,
                    format!(
                        "`clockToleranceSec` is {}; the server rounds it off to whole seconds",
                        number_text(field.value)
                    ),
                    field.anchor(),
                )
                .label("not a whole number")
                .help(format!("write `{}`", n.round()))
                .fix(
                    Applicability::Safe,
                    format!("write `{}`, the value the server keeps", n.round()),
                    vec![Repair::Value {
                        pointer: field.pointer.clone(),
                        json: format!("{}", n.round()),
                    }],
                ),
            );
        }
    }
}

declare_rule! {
    /// `description` is longer than 128 characters
    ///
    /// ## Why
    /// Qlik's schema limits an IdP's `description` to 128 characters (Unicode characters, not
    /// bytes); a longer one is rejected with a 400. A patch of `/description` is checked too.
    ///
    /// ## Fix
    /// Shorten the description; keep details in your repository instead.
    ///
    /// ## References
    /// - Qlik's OpenAPI document: `description` "string ≤128" (all three create schemas):
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub DescriptionTooLong {
        code: "IDP203",
        name: "description-too-long",
        severity: Error,
        kinds: [QlikCreate, QlikPatch],
        pass: [r#"[{"op": "replace", "path": "/description", "value": "Okta workforce login for the analytics tenant"}]"#],
        fail: [r#"[{"op": "replace", "path": "/description", "value": "Okta workforce login for the analytics tenant, set up by the platform team in 2024; contact them on #idp-support before changing any of these settings"}]"#],
    }
}

impl Rule for DescriptionTooLong {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let max = cx.facts.qlik.bounds.description_max_chars;
        for field in cx.fields("/description") {
            let Some(s) = cx.checkable_str(field.value) else {
                continue;
            };
            let n = chars(s);
            if n > max {
                out.push(too_long(
                    Self::META,
                    "description",
                    &field,
                    n,
                    max,
                    format!("shorten `description` to {max} characters or fewer"),
                ));
            }
        }
    }
}

declare_rule! {
    /// a `tenantIds` entry does not look like a Qlik tenant id
    ///
    /// ## Why
    /// `tenantIds` lists the tenants the IdP belongs to. Every public tenant id is 32 letters,
    /// digits, `_` or `-` (`BL4tTJ4S7xrHTcq0zQxQrJ5qB1_Q6cSo`). The classic mistakes are the
    /// tenant's host name (`acme.eu.qlikcloud.com`), a GUID from another system, or the user's
    /// own `id` from `GET /api/v1/users/me` instead of its `tenantId`: the API then answers 403
    /// ("the tenantID in the JWT does not match any of the tenantIDs in the payload"). The format
    /// is derived from Qlik's examples, not documented, hence a warning.
    ///
    /// ## Fix
    /// Use the `tenantId` member of `GET /api/v1/users/me`.
    ///
    /// ## References
    /// - qlik.dev, "Create identity providers" (tenant id in the examples):
    ///   <https://qlik.dev/manage/automate/identity-provider-create/>
    /// - the 32-character format is idplint's inference from Qlik's examples; Qlik documents none
    /// - qlik.dev, Identity providers API reference, the 403 of `POST /v1/identity-providers`:
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    pub TenantIdFormat {
        code: "IDP204",
        name: "tenant-id-format",
        severity: Warning,
        kinds: [QlikCreate],
        pass: [r#"{"protocol": "OIDC", "provider": "auth0", "interactive": false, "tenantIds": ["BL4tTJ4S7xrHTcq0zQxQrJ5qB1_Q6cSo"], "options": {"discoveryUrl": "https://acme.eu.auth0.com/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"]}}}"#],
        fail: [r#"{"protocol": "OIDC", "provider": "auth0", "interactive": false, "tenantIds": ["acme.eu.qlikcloud.com"], "options": {"discoveryUrl": "https://acme.eu.auth0.com/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"]}}}"#],
    }
}

impl Rule for TenantIdFormat {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for field in cx.fields("/tenantIds/*") {
            let Some(s) = cx.checkable_str(field.value) else {
                continue;
            };
            if TENANT_ID.is_match(s) {
                continue;
            }
            let (what, label) = if s.contains('.') {
                ("is a host name, not a tenant id", "host name")
            } else if looks_like_guid(s) {
                ("is a GUID, not a Qlik tenant id", "GUID")
            } else {
                (
                    "does not look like a Qlik tenant id (32 letters, digits, `_` or `-`)",
                    "not a tenant id",
                )
            };
            out.push(
                Finding::new(
                    Self::META,
                    format!("`tenantIds` entry `{}` {what}", shorten(s, 60)),
                    field.anchor(),
                )
                .label(label)
                .help("use the `tenantId` member of GET /api/v1/users/me (not the user's `id`)"),
            );
        }
    }
}

/// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` in hex digits.
fn looks_like_guid(s: &str) -> bool {
    let groups: Vec<&str> = s.trim_matches(['{', '}']).split('-').collect();
    groups.iter().map(|g| g.len()).eq([8, 4, 4, 4, 12])
        && groups
            .iter()
            .all(|g| g.chars().all(|c| c.is_ascii_hexdigit()))
}

declare_rule! {
    /// `realm` does not match Qlik's realm pattern or is too long
    ///
    /// ## Why
    /// Qlik puts the realm before user ids as a domain (`acme\jdoe`), so its schema allows only
    /// letters, digits, `.`, `-` and `_`, starting with a letter or digit, at least two and at
    /// most 254 characters (`^[A-Za-z0-9][A-Za-z0-9.\-_]+$`). A space, a backslash (`ACME\staff`)
    /// or an `@` is rejected. Patches of `/options/realm` and `/pendingOptions/realm` are
    /// checked too.
    ///
    /// ## Fix
    /// Use a plain name such as `acme` or `acme-corp`.
    ///
    /// ## References
    /// - Qlik's OpenAPI document: `realm.pattern`, `maxLength: 254`:
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub RealmFormat {
        code: "IDP205",
        name: "realm-format",
        severity: Error,
        kinds: [QlikCreate, QlikPatch],
        pass: [r#"[{"op": "replace", "path": "/pendingOptions/realm", "value": "acme-corp"}]"#],
        fail: [r#"[{"op": "replace", "path": "/pendingOptions/realm", "value": "ACME\\staff"}]"#],
    }
}

impl Rule for RealmFormat {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let bounds = &cx.facts.qlik.bounds;
        for field in in_option_blocks(cx, "realm") {
            let Some(s) = cx.checkable_str(field.value) else {
                continue;
            };
            let n = chars(s);
            let finding = if let Some((problem, label)) = realm_problem(s) {
                let help = match realm_suggestion(s) {
                    Some(fixed) => {
                        format!("use letters, digits, `.`, `-` and `_` only, e.g. `{fixed}`")
                    }
                    None => format!(
                        "give `realm` a value that matches `{}`",
                        bounds.realm_pattern
                    ),
                };
                let message = if s.is_empty() {
                    format!("`realm` {problem}")
                } else {
                    format!("`realm` value `{}` {problem}", shorten(s, 60))
                };
                Finding::new(Self::META, message, field.anchor())
                    .label(label)
                    .help(help)
            } else if n > bounds.realm_max_chars {
                Finding::new(
                    Self::META,
                    format!(
                        "`realm` has {n} characters; the API accepts at most {}",
                        bounds.realm_max_chars
                    ),
                    field.anchor(),
                )
                .label(format!("{n} characters"))
                .help(format!(
                    "shorten `realm` to {} characters or fewer",
                    bounds.realm_max_chars
                ))
            } else {
                continue;
            };
            out.push(finding);
        }
    }
}

// The offending character is found by asking the pattern itself about it, so
// the rule follows the table: `{c}a` tests `c` as a first character, `a{c}`
// as a later one (`a` is allowed in both places).
fn allowed_first(c: char) -> bool {
    REALM.is_match(&format!("{c}a"))
}

fn allowed_later(c: char) -> bool {
    REALM.is_match(&format!("a{c}"))
}

/// What is wrong with a realm that does not match the pattern, and a label.
fn realm_problem(s: &str) -> Option<(String, String)> {
    if REALM.is_match(s) {
        return None;
    }
    let mut chars = s.chars();
    let Some(first) = chars.next() else {
        return Some(("is empty".into(), "empty realm".into()));
    };
    if !allowed_first(first) {
        return Some((
            format!("cannot start with {}", describe_char(first)),
            "invalid first character".into(),
        ));
    }
    if let Some(bad) = chars.find(|c| !allowed_later(*c)) {
        return Some((
            format!("contains {}, which a realm cannot hold", describe_char(bad)),
            format!("{} not allowed", describe_char(bad)),
        ));
    }
    Some((
        "is too short: a realm has at least two characters".into(),
        "too short".into(),
    ))
}

/// The realm with disallowed characters turned into `-`, if that fits.
fn realm_suggestion(s: &str) -> Option<String> {
    let mut fixed = String::new();
    for c in s.chars() {
        let ok = if fixed.is_empty() {
            allowed_first(c)
        } else {
            allowed_later(c)
        };
        if ok {
            fixed.push(c);
        } else if !fixed.is_empty() && !fixed.ends_with('-') {
            fixed.push('-');
        }
    }
    let fixed = fixed.trim_end_matches('-').to_string();
    (fixed != s && REALM.is_match(&fixed)).then_some(fixed)
}

fn describe_char(c: char) -> String {
    match c {
        ' ' => "a space".into(),
        '\\' => "a backslash `\\`".into(),
        c if c.is_whitespace() || c.is_control() => format!("the character U+{:04X}", c as u32),
        c => format!("`{c}`"),
    }
}

declare_rule! {
    /// `scope` is longer than 254 characters or separates scopes with commas
    ///
    /// ## Why
    /// The scope string is sent to the IdP with token requests. Qlik's schema limits it to 254
    /// characters (error) and says "Scopes should be space delimited": OAuth 2.0 reads
    /// `openid,profile,email` as one unknown scope, so the IdP refuses the request or leaves out
    /// the profile claims (warning).
    ///
    /// ## Severity
    /// - error: `scope` is longer than the API accepts
    /// - warning: scopes separated by commas
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Separate the scopes with single spaces: `openid profile email`.
    ///
    /// ## Autofix
    /// safe (`--fix`), for comma-separated scopes: the same scopes, separated by single spaces,
    /// as RFC 6749 and Qlik's contract want. A scope list that is too long has no fix.
    ///
    /// ## References
    /// - Qlik's OpenAPI document: `scope.maxLength: 254`, "space delimited":
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    /// - RFC 6749 §3.3: the scope is "a list of space-delimited, case-sensitive strings"
    pub ScopeFormat {
        code: "IDP206",
        name: "scope-format",
        severity: Error,
        kinds: [QlikCreate, QlikPatch],
        pass: [r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "pendingOptions": {"discoveryUrl": "https://acme.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8f2k1xzQ4bN3d5697", "clientSecret": "${OKTA_CLIENT_SECRET}", "scope": "openid profile email groups", "claimsMapping": {"sub": ["sub"], "name": ["name"], "email": ["email"]}}}"#],
        fail: [r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "pendingOptions": {"discoveryUrl": "https://acme.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8f2k1xzQ4bN3d5697", "clientSecret": "${OKTA_CLIENT_SECRET}", "scope": "openid,profile,email,groups", "claimsMapping": {"sub": ["sub"], "name": ["name"], "email": ["email"]}}}"#],
    }
}

impl Rule for ScopeFormat {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let max = cx.facts.qlik.bounds.scope_max_chars;
        for field in in_option_blocks(cx, "scope") {
            let Some(s) = cx.checkable_str(field.value) else {
                continue;
            };
            let n = chars(s);
            if n > max {
                out.push(too_long(
                    Self::META,
                    "scope",
                    &field,
                    n,
                    max,
                    format!("request fewer scopes: at most {max} characters in all"),
                ));
            } else if s.contains(',') {
                let fixed = s
                    .split(|c: char| c == ',' || c.is_whitespace())
                    .filter(|t| !t.is_empty())
                    .collect::<Vec<_>>()
                    .join(" ");
                out.push(
                    Finding::new(
                        Self::META,
                        format!(
                            "`scope` value `{}` separates scopes with commas",
                            shorten(s, 60)
                        ),
                        field.anchor(),
                    )
                    .severity(Severity::Warning)
                    .label("comma-separated")
                    .help(format!("separate scopes with spaces: `{fixed}`"))
                    .fix_string(
                        Applicability::Safe,
                        field.pointer.clone(),
                        &fixed,
                    ),
                );
            }
        }
    }
}

declare_rule! {
    /// `audience` is longer than 256 characters, or `allowedClientIds` is not strings
    ///
    /// ## Why
    /// For a non-interactive (API access) OIDC IdP, Qlik's schema limits `options.audience` to
    /// 256 characters and declares `options.allowedClientIds` an array of strings. A longer
    /// audience, or a single client id written as a bare string, is rejected.
    ///
    /// ## Fix
    /// Shorten the audience; write the client ids as an array: `["svc-reporting"]`.
    ///
    /// ## Autofix
    /// safe (`--fix`), for `allowedClientIds` given as a string: the same client id, wrapped in
    /// a one-element array. An audience that is too long has no fix.
    ///
    /// ## References
    /// - Qlik's OpenAPI document, CreateOIDCPayload.options (`audience`, `allowedClientIds`):
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub AudienceTooLong {
        code: "IDP207",
        name: "audience-too-long",
        severity: Error,
        kinds: [QlikCreate, QlikPatch],
        pass: [r#"{"protocol": "OIDC", "provider": "keycloak", "interactive": false, "options": {"discoveryUrl": "https://sso.acme-corp.io/realms/services/.well-known/openid-configuration", "audience": "qlik-api", "allowedClientIds": ["svc-reporting", "svc-etl"], "claimsMapping": {"sub": ["sub"], "client_id": ["azp"]}}}"#],
        fail: [r#"{"protocol": "OIDC", "provider": "keycloak", "interactive": false, "options": {"discoveryUrl": "https://sso.acme-corp.io/realms/services/.well-known/openid-configuration", "audience": "qlik-api", "allowedClientIds": "svc-reporting", "claimsMapping": {"sub": ["sub"], "client_id": ["azp"]}}}"#],
    }
}

impl Rule for AudienceTooLong {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let max = cx.facts.qlik.bounds.audience_max_chars;
        for field in in_option_blocks(cx, "audience") {
            let Some(s) = cx.checkable_str(field.value) else {
                continue;
            };
            let n = chars(s);
            if n > max {
                out.push(too_long(
                    Self::META,
                    "audience",
                    &field,
                    n,
                    max,
                    format!("shorten `audience` to {max} characters or fewer"),
                ));
            }
        }
        for field in in_option_blocks(cx, "allowedClientIds") {
            match field.value {
                Value::Array(items) => {
                    for (i, item) in items.iter().enumerate() {
                        if !item.is_string() {
                            out.push(
                                Finding::new(
                                    Self::META,
                                    format!(
                                        "`allowedClientIds` must hold strings, found {} at index {i}",
                                        json_type_name(item)
                                    ),
                                    Anchor::value(format!("{}/{i}", field.pointer)),
                                )
                                .label("not a string")
                                .help("write each client id as a JSON string"),
                            );
                        }
                    }
                }
                other => out.push(not_a_string_array(
                    Self::META,
                    "allowedClientIds",
                    other,
                    field.anchor(),
                    "the client ids as an array of strings, e.g. `[\"svc-reporting\"]`",
                )),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn realm_problems_name_the_character() {
        assert!(realm_problem("acme-corp.io_1").is_none());
        assert_eq!(realm_problem("").map(|p| p.0).as_deref(), Some("is empty"));
        assert_eq!(
            realm_problem("_acme").map(|p| p.0).as_deref(),
            Some("cannot start with `_`")
        );
        assert_eq!(
            realm_problem("acme corp").map(|p| p.0).as_deref(),
            Some("contains a space, which a realm cannot hold")
        );
        assert!(realm_problem("a").is_some_and(|p| p.0.contains("too short")));
        assert_eq!(realm_suggestion("@acme corp").as_deref(), Some("acme-corp"));
        assert_eq!(realm_suggestion("acme"), None);
    }

    #[test]
    fn guids_are_recognised() {
        assert!(looks_like_guid("c21eeb5f-f5a6-44e8-a997-123f2f7a123c"));
        assert!(!looks_like_guid("BL4tTJ4S7xrHTcq0zQxQrJ5qB1_Q6cSo"));
    }
}
