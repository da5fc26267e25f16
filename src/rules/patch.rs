//! IDP601–IDP607: the shape of a Qlik PATCH body — an array of operations
//! whose `op`, `path` and `value` the API accepts for the target IdP's
//! protocol. The allowed ops and paths, and each path's value type, are the
//! table `rules/qlik/patch-paths.json`.

use serde_json::{Map, Value};

use super::support::{infer_patch_protocol, json_type_name, nearest_name, shorten};
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Anchor, Applicability, Finding, Repair, Severity};
use crate::facts::PatchPath;
use crate::source::{escape_token, last_token, Members};

declare_rule! {
    /// the patch body is not a JSON array of operations
    ///
    /// ## Why
    /// `PATCH /api/v1/identity-providers/{id}` takes a JSON array of operation objects
    /// (`[{"op": "replace", "path": "/description", "value": "…"}]`), even for a single change.
    /// A bare operation object, the classic slip when copying one operation out of an example,
    /// is answered with a 400. An empty array changes nothing (warning).
    ///
    /// The operation inside a bare object is still checked by the other patch rules, so that
    /// one run shows everything that is wrong with it.
    ///
    /// ## Severity
    /// - error: the body is not an array
    /// - warning: the array is empty
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Wrap the operation in `[` and `]`.
    ///
    /// ## Autofix
    /// safe (`--fix`): a single operation object is wrapped in `[` and `]`; the operation is
    /// unchanged and the API takes an array.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, `IDPPatchSchema` (one of two arrays of
    ///   `Patch*Payload`): <https://qlik.dev/apis/rest/identity-providers/>
    /// - RFC 6902 §3: "A JSON Patch document is a JSON document that represents an array of objects"
    pub PatchNotArray {
        code: "IDP601",
        name: "patch-not-array",
        severity: Error,
        kinds: [QlikPatch],
        pass: [r#"[{"op": "replace", "path": "/description", "value": "Staff login via Okta"}]"#],
        fail: [r#"{"op": "replace", "path": "/description", "value": "Staff login via Okta"}"#],
    }
}

impl Rule for PatchNotArray {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let finding = match cx.root {
            Value::Array(items) if items.is_empty() => {
                Finding::new(Self::META, "the patch has no operations", Anchor::value(""))
                    .severity(Severity::Warning)
                    .label("empty array")
                    .help("add the operations to apply, or do not send the request")
            }
            Value::Array(_) => return,
            Value::Object(map) if map.has("op") => Finding::new(
                Self::META,
                "the patch body is a single operation object, not an array of operations",
                Anchor::value(""),
            )
            .label("an object, not an array")
            .help("wrap the operation in `[` and `]`: the API takes an array even for one change")
            .fix(
                Applicability::Safe,
                "wrap the operation in `[` and `]`",
                vec![Repair::Surround {
                    pointer: String::new(),
                    before: "[".to_string(),
                    after: "]".to_string(),
                }],
            ),
            other => {
                let found = json_type_name(other);
                Finding::new(
                    Self::META,
                    format!("the patch body must be an array of operations, found {found}"),
                    Anchor::value(""),
                )
                .label(format!("{found}, not an array"))
                .help(r#"send a JSON array of `{"op", "path", "value"}` objects"#)
            }
        };
        out.push(finding);
    }
}

declare_rule! {
    /// the operation is not one the API accepts for the IdP's protocol
    ///
    /// ## Why
    /// Qlik's identity-providers API implements only `replace` and, for OIDC and SAML IdPs, its
    /// own `promote-options` (which makes the tested `pendingOptions` the active configuration).
    /// The other JSON Patch operations (`add`, `remove`, `move`, `copy`, `test`) are refused, and
    /// a jwtAuth IdP takes `replace` only. Since the API applies a patch all or nothing, one
    /// refused operation rejects the whole request.
    ///
    /// When the protocol of the target IdP is known (`--protocol`, the `[patch-protocol]`
    /// configuration, or inferred from the paths), its operations apply; otherwise any
    /// operation some protocol allows passes.
    ///
    /// ## Fix
    /// Use `replace` with the member's new value (`replace` also sets a member that was unset).
    ///
    /// ## Autofix
    /// unsafe (`--unsafe-fixes`), when one allowed operation is near the value (`Replace` →
    /// `replace`): `add` or `remove` may have been meant as something else than `replace`.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, `PatchOIDCPayload.op` and
    ///   `PatchJWTAuthPayload.op` enums: <https://qlik.dev/apis/rest/identity-providers/>
    pub PatchOpNotAllowed {
        code: "IDP602",
        name: "patch-op-not-allowed",
        severity: Error,
        kinds: [QlikPatch],
        pass: [r#"[{"op": "replace", "path": "/description", "value": "Staff login via Okta"}]"#],
        fail: [
            r#"[{"op": "add", "path": "/description", "value": "Staff login via Okta"}]"#,
            r#"[{"op": "Replace", "path": "/description", "value": "Staff login via Okta"}]"#,
        ],
    }
}

impl Rule for PatchOpNotAllowed {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let table = &cx.facts.patch;
        let protocol = known_protocol(cx);
        let allowed = table.ops_for(protocol);
        for op in operations(cx) {
            let Some(name) = op.op() else { continue };
            if allowed.contains(&name) {
                continue;
            }
            let elsewhere = table.ops_for(None).contains(&name);
            let (message, label) = match protocol {
                Some(p) if elsewhere => (
                    format!(
                        "operation `{name}` is not allowed on {} IdP",
                        with_article(p)
                    ),
                    format!("not allowed for {p}"),
                ),
                _ => (
                    format!("operation `{name}` is not supported by the identity-providers API"),
                    "not a supported operation".to_string(),
                ),
            };
            let mut finding =
                Finding::new(Self::META, message, Anchor::value(op.ptr("op"))).label(label);
            let listed = code_list(&allowed, "or");
            finding = match nearest_name(name, allowed.iter().copied()) {
                Some(suggestion) => finding
                    .help(format!("did you mean `{suggestion}`?"))
                    .fix_string(Applicability::Unsafe, op.ptr("op"), suggestion),
                None if elsewhere => finding.help(format!(
                    "remove this operation: {} IdPs accept only {listed}",
                    protocol.unwrap_or("these")
                )),
                None => finding.help(format!(
                    "use `replace` with the member's new value: the API accepts only {listed}"
                )),
            };
            out.push(finding);
        }
    }
}

declare_rule! {
    /// the path is not one the API can patch for the IdP's protocol
    ///
    /// ## Why
    /// The API patches a fixed set of members, which depends on the protocol of the target IdP:
    ///
    /// - OIDC: `/active`, `/description`, `/meta`, `/options`, `/options/realm`,
    ///   `/options/discoveryUrl`, `/options/claimsMapping`, `/pendingOptions`, and under
    ///   `/pendingOptions/`: `realm`, `discoveryUrl`, `clientId`, `clientSecret`,
    ///   `emailVerifiedAlwaysTrue`, `claimsMapping`, `idTokenSignatureAlg`, `decryptingKey`;
    ///   then `/postLogoutRedirectUri`, `/clockToleranceSec`;
    /// - SAML: `/active`, `/description`, `/pendingOptions`, and under `/pendingOptions/`:
    ///   `nameIdFormat`, `allowIdpInitiatedLogin`, `entityId`, `signOnUrl`, `metadata`,
    ///   `certificates`, `claimsMapping`; then `/postLogoutRedirectUri`, `/clockToleranceSec`;
    /// - jwtAuth: `/description` only. The issuer and the signing key of a JWT IdP cannot be
    ///   patched: a new IdP is needed to rotate its key (derived from the path list).
    ///
    /// A deeper path (`/options/claimsMapping/groups`) is not accepted either: replace the
    /// nearest patchable ancestor as a whole. When the protocol is unknown, a path of any
    /// protocol passes (IDP607 reports a mix).
    ///
    /// A `replace` without `path` is a warning: Qlik's contract marks `path` optional
    /// (`PatchOIDCPayload.path`, "optional"), so the API may take it, but it does not say what
    /// such a replace changes, and RFC 6902 requires a path.
    ///
    /// ## Severity
    /// - error: the path is not one the API can patch for the IdP's protocol
    /// - warning: a `replace` has no `path`
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Use the suggested path: the nearest allowed one, an allowed ancestor to replace as a
    /// whole, or the `pendingOptions` twin of an `options` member.
    ///
    /// ## Autofix
    /// unsafe (`--unsafe-fixes`), when exactly one allowed path is near the value
    /// (`/options/discoveryURL`): a patch to another member changes another setting, so confirm
    /// it. An ancestor or `pendingOptions` twin is suggested in the help, not applied.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, `PatchOIDCPayload.path` and
    ///   `PatchJWTAuthPayload.path` enums: <https://qlik.dev/apis/rest/identity-providers/>
    /// - Qlik's OpenAPI document (SAML paths, newer OIDC paths):
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub PatchPathNotAllowed {
        code: "IDP603",
        name: "patch-path-not-allowed",
        severity: Error,
        kinds: [QlikPatch],
        pass: [r#"[{"op": "replace", "path": "/pendingOptions/clientSecret", "value": "${OKTA_CLIENT_SECRET}"}]"#],
        fail: [
            r#"[{"op": "replace", "path": "/options/clientSecret", "value": "${OKTA_CLIENT_SECRET}"}]"#,
            r#"[{"op": "replace", "path": "/pendingOptions/discoveryURL", "value": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration"}]"#,
        ],
    }
}

impl Rule for PatchPathNotAllowed {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let table = &cx.facts.patch;
        let protocol = known_protocol(cx);
        let allowed: Vec<&PatchPath> = table.allowed(protocol).collect();
        for op in operations(cx) {
            if op.is_valueless(cx) {
                continue; // a path on promote-options is IDP606's
            }
            let path = match op.map.member("path") {
                Some(Value::String(path)) => path.as_str(),
                Some(_) => continue, // not a string: IDP005
                None => {
                    let name = op.op().unwrap_or("the");
                    out.push(
                        Finding::new(
                            Self::META,
                            format!("operation `{name}` has no `path`: Qlik's contract allows that, but does not say what it changes"),
                            Anchor::missing(op.ptr("path")),
                        )
                        .severity(Severity::Warning)
                        .label("`path` missing")
                        .help("add `path`: the member the operation changes"),
                    );
                    continue;
                }
            };
            if allowed.iter().any(|p| p.path == path) {
                continue;
            }
            let (message, label) = match (table.find(path), protocol) {
                _ if path.is_empty() => (
                    "an empty `path` targets the whole IdP, which the API cannot replace"
                        .to_string(),
                    "the whole document".to_string(),
                ),
                (Some(_), Some(p)) => (
                    format!("`{path}` cannot be patched on {} IdP", with_article(p)),
                    format!("not {} path", with_article(p)),
                ),
                _ => (
                    format!("`{}` is not a path the API can patch", shorten(path, 80)),
                    "not patchable".to_string(),
                ),
            };
            let mut finding =
                Finding::new(Self::META, message, Anchor::value(op.ptr("path"))).label(label);
            let known_elsewhere = table.find(path).map(|e| e.protocols.as_slice());
            let s = suggest_path(path, &allowed, known_elsewhere.is_some());
            let or_whole =
                |a: &PatchPath| format!("replace `{}` with the whole {}", a.path, a.value_type);
            finding = match (s.nearest, s.ancestor) {
                (Some(n), _) if s.exact => finding.help(format!("did you mean `{n}`?")).fix_string(
                    Applicability::Unsafe,
                    op.ptr("path"),
                    n,
                ),
                (Some(n), Some(a)) if a.path != n => {
                    finding.help(format!("did you mean `{n}`? Or {}", or_whole(a)))
                }
                (Some(n), _) => finding.help(format!("did you mean `{n}`?")),
                (None, Some(a)) => finding.help(format!("{} instead", or_whole(a))),
                (None, None) if known_elsewhere.is_some() => {
                    let names: Vec<&str> = known_elsewhere
                        .unwrap_or_default()
                        .iter()
                        .map(String::as_str)
                        .collect();
                    finding.help(format!(
                        "`{path}` is for {} IdPs: check that this patch targets the right IdP",
                        word_list(&names)
                    ))
                }
                (None, None) => {
                    let who = protocol.map_or("any IdP".to_string(), |p| format!("{p} IdPs"));
                    if allowed.len() <= 3 {
                        let paths: Vec<&str> = allowed.iter().map(|p| p.path.as_str()).collect();
                        finding.help(format!(
                            "{who} can patch only {}: create a new IdP to change anything else",
                            code_list(&paths, "and")
                        ))
                    } else {
                        finding.help(format!(
                            "patch a path the API allows for {who} (`idplint explain IDP603` lists them)"
                        ))
                    }
                }
            };
            out.push(finding);
        }
    }
}

declare_rule! {
    /// a `replace` operation has no `value`
    ///
    /// ## Why
    /// A `replace` sets the member at `path` to `value` (RFC 6902 §4.3: the operation object
    /// "MUST contain a `value` member"). Qlik's contract, though, marks `value` optional
    /// (`PatchOIDCPayload.value`, "optional") and its own reference example is
    /// `[{"op": "replace", "path": "/active"}]`. What the API does with a `replace` without
    /// `value` is not documented: it may refuse it, or set the member to nothing. Hence a
    /// warning, not an error.
    ///
    /// ## Fix
    /// Add `value` with the member's new value (`"value": true` to activate an IdP).
    ///
    /// ## References
    /// - RFC 6902 §4.3
    /// - qlik.dev, Identity providers API reference (the PATCH example without `value`):
    ///   <https://qlik.dev/apis/rest/identity-providers/>
    pub PatchValueMissing {
        code: "IDP604",
        name: "patch-value-missing",
        severity: Warning,
        kinds: [QlikPatch],
        pass: [r#"[{"op": "replace", "path": "/active", "value": true}]"#],
        fail: [r#"[{"op": "replace", "path": "/active"}]"#],
    }
}

impl Rule for PatchValueMissing {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for op in operations(cx) {
            if op.op() != Some("replace") || op.map.has("value") {
                continue;
            }
            let entry = op.path().and_then(|p| cx.facts.patch.find(p));
            let (message, help) = match (op.path(), entry) {
                (Some(path), Some(e)) => (
                    format!("`replace` of `{path}` has no `value`"),
                    format!("add `value` with the new {} for `{path}`", e.value_type),
                ),
                (Some(path), None) => (
                    format!("`replace` of `{}` has no `value`", shorten(path, 80)),
                    "add `value` with the member's new value".to_string(),
                ),
                (None, _) => (
                    "`replace` operation has no `value`".to_string(),
                    "add `value` with the member's new value".to_string(),
                ),
            };
            out.push(
                Finding::new(
                    Self::META,
                    format!("{message}: what the API does without one is not documented"),
                    Anchor::missing(op.ptr("value")),
                )
                .label("no `value` in this operation")
                .help(help),
            );
        }
    }
}

declare_rule! {
    /// the value does not have the type or shape its path takes
    ///
    /// ## Why
    /// "The value data type is dependent on the path value being used": a boolean for
    /// `/active`, a number for `/clockToleranceSec`, a string for `/description`, an object for
    /// `/options`, `/pendingOptions` and the `claimsMapping` paths, an array of 1 to 5
    /// `{"certificate": …}` objects for `/pendingOptions/certificates`, an object with `raw`
    /// for `/pendingOptions/metadata`, one of the three NameID format URNs for
    /// `/pendingOptions/nameIdFormat`. `"true"` and `"30"` in quotes are strings, and an object
    /// written as JSON text inside a string is a string too.
    ///
    /// This rule checks the type and the shape only. The value itself is then checked by the
    /// same rules as the field on create: a `/clockToleranceSec` of 9000 is IDP201's, an
    /// `idTokenSignatureAlg` of `HS256` IDP111's, a `discoveryUrl` goes through the URL rules.
    /// A template variable inside a string where a number or boolean belongs stays a string
    /// after substitution (warning); a documentation placeholder is IDP009's.
    ///
    /// ## Severity
    /// - error: the value does not have the type or shape its path takes
    /// - warning: a template variable in quotes where the path takes a number, boolean or object
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Write the value with the type the path takes; the help says how.
    ///
    /// ## Autofix
    /// unsafe (`--unsafe-fixes`), when one allowed value is near the one written: the nearest
    /// name is a guess about which setting was meant.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, `Patch*Payload.value`; value types derived
    ///   from the create schemas: <https://qlik.dev/apis/rest/identity-providers/>
    /// - Qlik's OpenAPI document (the SAML create schema and the patch paths):
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub PatchValueInvalid {
        code: "IDP605",
        name: "patch-value-invalid",
        severity: Error,
        kinds: [QlikPatch],
        pass: [r#"[{"op": "replace", "path": "/active", "value": false}, {"op": "replace", "path": "/clockToleranceSec", "value": 30}]"#],
        fail: [
            r#"[{"op": "replace", "path": "/active", "value": "false"}]"#,
            r#"[{"op": "replace", "path": "/pendingOptions/nameIdFormat", "value": "urn:oasis:names:tc:SAML:2.0:nameid-format:emailAddress"}]"#,
        ],
    }
}

impl Rule for PatchValueInvalid {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for op in operations(cx) {
            if op.is_valueless(cx) {
                continue;
            }
            let (Some(entry), Some(value)) =
                (op.path().and_then(|p| cx.facts.patch.find(p)), op.value())
            else {
                continue;
            };
            check_value(cx, entry, value, &op.ptr("value"), out);
        }
    }
}

fn check_value<'a>(
    cx: &Context<'a>,
    entry: &PatchPath,
    value: &'a Value,
    at: &str,
    out: &mut Vec<Finding>,
) {
    let meta = PatchValueInvalid::META;
    let path = entry.path.as_str();
    let expected = entry.value_type.as_str();
    if !type_fits(expected, value) {
        if let Some(f) = type_mismatch(cx, entry, value, at) {
            out.push(f);
        }
        return;
    }
    if let (Some(name), Some(s)) = (&entry.enum_name, value.as_str()) {
        let allowed = cx
            .facts
            .qlik
            .enums
            .get(name)
            .map(Vec::as_slice)
            .unwrap_or_default();
        if !allowed.is_empty() && cx.is_checkable(s) && !allowed.iter().any(|a| a == s) {
            let finding = Finding::new(
                meta,
                format!("`{path}` does not accept `{}`", shorten(s, 80)),
                Anchor::value(at),
            )
            .label("not an allowed value");
            let names: Vec<&str> = allowed.iter().map(String::as_str).collect();
            out.push(match nearest_name(s, names.iter().copied()) {
                Some(n) => finding.help(format!("did you mean `{n}`?")).fix_string(
                    Applicability::Unsafe,
                    at,
                    n,
                ),
                None => finding.help(format!("use one of {}", code_list(&names, "or"))),
            });
        }
    }
    if let Value::Object(map) = value {
        missing_members(
            meta,
            map,
            &entry.required,
            at,
            &format!("the value for `{path}`"),
            out,
        );
    }
    if let Value::Array(items) = value {
        let (min, max) = (
            entry.min_items.unwrap_or(0),
            entry.max_items.unwrap_or(usize::MAX),
        );
        if items.len() < min || items.len() > max {
            let range = match entry.max_items {
                Some(max) => format!("{min} to {max}"),
                None => format!("at least {min}"),
            };
            out.push(
                Finding::new(
                    meta,
                    format!("`{path}` takes {range} items, found {}", items.len()),
                    Anchor::value(at),
                )
                .label(format!("{} items", items.len()))
                .help(format!("give `{path}` {range} items")),
            );
        }
        let Some(shape) = &entry.items else { return };
        for (i, item) in items.iter().enumerate() {
            let item_at = format!("{at}/{i}");
            if !type_fits(&shape.value_type, item) {
                let found = json_type_name(item);
                let wanted = with_article(&shape.value_type);
                let help = match (shape.required.first(), item) {
                    (Some(member), Value::String(_)) if shape.value_type == "object" => {
                        format!("write the item as an object: `{{\"{member}\": …}}`")
                    }
                    _ => format!("write each item of `{path}` as {wanted}"),
                };
                out.push(
                    Finding::new(
                        meta,
                        format!("item {i} of `{path}` must be {wanted}, found {found}"),
                        Anchor::value(item_at),
                    )
                    .label(format!("{found}, not {wanted}"))
                    .help(help),
                );
            } else if let Value::Object(map) = item {
                let whose = format!("item {i} of `{path}`");
                missing_members(meta, map, &shape.required, &item_at, &whose, out);
            }
        }
    }
}

fn missing_members(
    meta: &'static crate::rule_meta::RuleMeta,
    map: &Map<String, Value>,
    required: &[String],
    at: &str,
    whose: &str,
    out: &mut Vec<Finding>,
) {
    for member in required.iter().filter(|m| !map.has(m.as_str())) {
        out.push(
            Finding::new(
                meta,
                format!("{whose} has no `{member}`"),
                Anchor::missing(format!("{at}/{}", escape_token(member))),
            )
            .label(format!("`{member}` missing"))
            .help(format!("add `{member}`")),
        );
    }
}

/// The finding for a value of the wrong JSON type, if one is due.
fn type_mismatch<'a>(
    cx: &Context<'a>,
    entry: &PatchPath,
    value: &'a Value,
    at: &str,
) -> Option<Finding> {
    let path = entry.path.as_str();
    let expected = entry.value_type.as_str();
    let wanted = with_article(expected);
    let found = json_type_name(value);
    let secret = is_secret_path(cx, path);
    if let Value::String(s) = value {
        if cx.is_placeholder(s) {
            return None; // IDP009
        }
        if cx.is_template(s) {
            return Some(
                Finding::new(
                    PatchValueInvalid::META,
                    format!(
                        "`{path}` takes {wanted}, but the template variable `{}` is inside a string",
                        shorten(s, 60)
                    ),
                    Anchor::value(at),
                )
                .severity(Severity::Warning)
                .label("still a string after substitution")
                .help(format!(
                    "substitute {wanted} without quotes, or make sure the template tool removes them"
                )),
            );
        }
    }
    let shown = match value {
        _ if secret => String::new(),
        Value::String(s) => format!(" `{}`", serde_json::Value::from(shorten(s, 60))),
        Value::Bool(_) | Value::Number(_) => format!(" `{value}`"),
        _ => String::new(),
    };
    let help = match (expected, value) {
        ("boolean", Value::String(s))
            if matches!(s.trim().to_ascii_lowercase().as_str(), "true" | "false") =>
        {
            format!("write `{}` without quotes", s.trim().to_ascii_lowercase())
        }
        ("number" | "integer", Value::String(s))
            if s.trim().parse::<f64>().is_ok_and(f64::is_finite) =>
        {
            format!("write `{}` without quotes", s.trim())
        }
        ("object" | "array", Value::String(s))
            if serde_json::from_str::<Value>(s).is_ok_and(|v| type_fits(expected, &v)) =>
        {
            format!("write the {expected} itself, not JSON text inside a string")
        }
        ("string", Value::Bool(_) | Value::Number(_)) if !secret => {
            format!("quote the value: `\"{value}\"`")
        }
        _ => format!("give `{path}` {wanted} value"),
    };
    Some(
        Finding::new(
            PatchValueInvalid::META,
            format!("`{path}` takes {wanted}, found {found}{shown}"),
            Anchor::value(at),
        )
        .label(format!("{found}, not {wanted}"))
        .help(help),
    )
}

declare_rule! {
    /// `promote-options` carries a path or a value
    ///
    /// ## Why
    /// `promote-options` makes the `pendingOptions` that passed the IdP test the active
    /// configuration, as a whole: it takes no `path` and no `value` (warning when present:
    /// the API documents neither for it, and they suggest a partial promotion). The request
    /// must send the header `QLIK-IDP-POPTS-MATCH` with the value of the `QLIK-IDP-POPTS`
    /// header returned by the create or the get of the IdP: it proves that what is promoted
    /// is what was tested.
    /// Without it, or with a stale value, the API answers 412 Precondition Failed (whose
    /// message misspells the header `QLIK-IDP-OPTS-MATCH`).
    ///
    /// The help repeats the header; a well-formed `promote-options` gets the reminder of
    /// IDP610 instead. On a jwtAuth IdP, `promote-options` is IDP602's.
    ///
    /// ## Fix
    /// Send `[{"op": "promote-options"}]` with `QLIK-IDP-POPTS-MATCH: <QLIK-IDP-POPTS value>`.
    ///
    /// ## Autofix
    /// safe (`--fix`): `promote-options` reads neither `path` nor `value`, so removing them
    /// does not change what the operation does.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, PATCH header parameter
    ///   `QLIK-IDP-POPTS-MATCH`, response 412: <https://qlik.dev/apis/rest/identity-providers/>
    pub PromoteOptionsForm {
        code: "IDP606",
        name: "promote-options-form",
        severity: Warning,
        kinds: [QlikPatch],
        pass: [r#"[{"op": "replace", "path": "/pendingOptions/clientId", "value": "0oa1b2c3d4e5f6g7h8i9"}]"#],
        fail: [r#"[{"op": "promote-options", "path": "/pendingOptions"}]"#],
    }
}

impl Rule for PromoteOptionsForm {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let table = &cx.facts.patch;
        let allowed = table.ops_for(known_protocol(cx));
        for op in operations(cx) {
            let Some(name) = op.op().filter(|o| table.is_valueless(o)) else {
                continue;
            };
            if !allowed.contains(&name) {
                continue; // IDP602
            }
            let extra: Vec<&str> = ["path", "value"]
                .into_iter()
                .filter(|m| op.map.has(m))
                .collect();
            let Some((head, rest)) = extra.split_first() else {
                continue; // IDP610
            };
            let mut finding = Finding::new(
                Self::META,
                format!("`{name}` takes no {}", code_list(&extra, "or")),
                Anchor::key(op.ptr(head)),
            )
            .label(format!("not used by `{name}`"))
            .help(format!(
                "remove {}: `{name}` promotes the tested pendingOptions as a whole (send header `QLIK-IDP-POPTS-MATCH`)",
                code_list(&extra, "and")
            ))
            .fix(
                Applicability::Safe,
                format!("remove {}", code_list(&extra, "and")),
                extra
                    .iter()
                    .map(|m| Repair::Remove { pointer: op.ptr(m) })
                    .collect(),
            );
            for member in rest {
                finding = finding.related(Anchor::key(op.ptr(member)), "not used either");
            }
            out.push(finding);
        }
    }
}

declare_rule! {
    /// `promote-options` needs the request header `QLIK-IDP-POPTS-MATCH`
    ///
    /// ## Why
    /// The request that sends `promote-options` must carry the header `QLIK-IDP-POPTS-MATCH`
    /// with the value of the `QLIK-IDP-POPTS` header returned by the create or the get of the
    /// IdP: it proves that what is promoted is what was tested. Without it, or with a stale
    /// value, the API answers 412 Precondition Failed (whose message misspells the header
    /// `QLIK-IDP-OPTS-MATCH`). A body file cannot show its headers, so a well-formed
    /// `promote-options` gets this reminder, once per patch. When an operation carries `path`
    /// or `value`, IDP606's help repeats the header and this reminder is left out.
    ///
    /// ## Fix
    /// Send `[{"op": "promote-options"}]` with `QLIK-IDP-POPTS-MATCH: <QLIK-IDP-POPTS value>`.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, PATCH header parameter
    ///   `QLIK-IDP-POPTS-MATCH`, response 412: <https://qlik.dev/apis/rest/identity-providers/>
    pub PromoteOptionsPrecondition {
        code: "IDP610",
        name: "promote-options-precondition",
        severity: Info,
        kinds: [QlikPatch],
        pass: [r#"[{"op": "replace", "path": "/pendingOptions/clientId", "value": "0oa1b2c3d4e5f6g7h8i9"}]"#],
        fail: [r#"[{"op": "promote-options"}]"#],
    }
}

impl Rule for PromoteOptionsPrecondition {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let table = &cx.facts.patch;
        let allowed = table.ops_for(known_protocol(cx));
        let mut first = None;
        for op in operations(cx) {
            let Some(name) = op.op().filter(|o| table.is_valueless(o)) else {
                continue;
            };
            if !allowed.contains(&name) {
                continue; // IDP602
            }
            if op.map.has("path") || op.map.has("value") {
                return; // IDP606, whose help repeats the header
            }
            first.get_or_insert((op.ptr("op"), name));
        }
        if let Some((at, name)) = first {
            out.push(
                Finding::new(
                    Self::META,
                    format!("`{name}` needs the request header `QLIK-IDP-POPTS-MATCH`"),
                    Anchor::value(at),
                )
                .label("send with `QLIK-IDP-POPTS-MATCH`")
                .help("set `QLIK-IDP-POPTS-MATCH` to the `QLIK-IDP-POPTS` header of the create or get response; without it the API answers 412"),
            );
        }
    }
}

declare_rule! {
    /// the operations patch paths that exist for different protocols
    ///
    /// ## Why
    /// One PATCH request changes one IdP, and an IdP has one protocol. A patch that sets
    /// `/options/discoveryUrl` (OIDC only) and `/pendingOptions/entityId` (SAML only) cannot
    /// succeed on any IdP: whichever it is sent to refuses one of the paths, and with it the
    /// whole request. This is checked when the target's protocol is not known; with
    /// `--protocol` (or `[patch-protocol]` in `idplint.toml`) every path of another protocol is
    /// IDP603's instead. The first conflicting operation is labelled, with the earlier one it
    /// conflicts with.
    ///
    /// ## Fix
    /// Split the operations into one patch per IdP, or correct the path that does not belong.
    ///
    /// ## References
    /// - qlik.dev, Identity providers API reference, `PatchOIDCPayload` / `PatchJWTAuthPayload`
    ///   path enums: <https://qlik.dev/apis/rest/identity-providers/>
    /// - Qlik's OpenAPI document (SAML paths):
    ///   <https://qlik.dev/specs/rest/identity-providers.json>
    pub PatchProtocolAmbiguous {
        code: "IDP607",
        name: "patch-protocol-ambiguous",
        severity: Error,
        kinds: [QlikPatch],
        pass: [r#"[{"op": "replace", "path": "/pendingOptions/discoveryUrl", "value": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration"}, {"op": "replace", "path": "/pendingOptions/clientId", "value": "0oa1b2c3d4e5f6g7h8i9"}]"#],
        fail: [r#"[{"op": "replace", "path": "/options/discoveryUrl", "value": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration"}, {"op": "replace", "path": "/pendingOptions/entityId", "value": "http://www.okta.com/exk1a2b3c4d5e6f7g8h9"}]"#],
    }
}

impl Rule for PatchProtocolAmbiguous {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        if cx.protocol.is_some() {
            return; // given: IDP603 reports paths of other protocols
        }
        let Some((earlier, later)) = infer_patch_protocol(cx.root).conflict else {
            return;
        };
        let ops = cx.root.as_array().map(Vec::as_slice).unwrap_or_default();
        let Some(b) = ops.get(later) else { return };
        let b_set = protocols_of(cx, b);
        // Prefer the nearest earlier operation that conflicts with the later one by itself.
        let earlier = (0..later)
            .rev()
            .find(|&i| {
                ops.get(i)
                    .is_some_and(|a| protocols_of(cx, a).iter().all(|p| !b_set.contains(p)))
            })
            .unwrap_or(earlier);
        let Some(a) = ops.get(earlier) else { return };
        let a_set = protocols_of(cx, a);
        let (b_at, b_what) = op_place(b, later);
        let (a_at, a_what) = op_place(a, earlier);
        out.push(
            Finding::new(
                Self::META,
                format!(
                    "{b_what} is for {} IdPs, but {a_what} is for {} IdPs: one patch targets one IdP",
                    word_list(&b_set),
                    word_list(&a_set)
                ),
                Anchor::value(b_at),
            )
            .label(format!("{} only", word_list(&b_set)))
            .related(Anchor::value(a_at), format!("{} only", word_list(&a_set)))
            .help("split the operations into one patch per IdP, or correct the path that does not belong"),
        );
    }
}

/// One operation of a Qlik patch and where it sits.
struct Operation<'a> {
    /// Position in the array; `None` for a bare object body.
    index: Option<usize>,
    map: &'a Map<String, Value>,
}

impl<'a> Operation<'a> {
    fn ptr(&self, member: &str) -> String {
        match self.index {
            Some(i) => format!("/{i}/{member}"),
            None => format!("/{member}"),
        }
    }

    fn op(&self) -> Option<&'a str> {
        self.map.member("op").and_then(Value::as_str)
    }

    fn path(&self) -> Option<&'a str> {
        self.map.member("path").and_then(Value::as_str)
    }

    fn value(&self) -> Option<&'a Value> {
        self.map.member("value")
    }

    fn is_valueless(&self, cx: &Context<'_>) -> bool {
        self.op().is_some_and(|o| cx.facts.patch.is_valueless(o))
    }
}

/// The operations of the body: the objects of the array, or the body itself
/// when it is a bare operation object (IDP601).
fn operations<'a>(cx: &Context<'a>) -> impl Iterator<Item = Operation<'a>> {
    let (items, bare) = match cx.root {
        Value::Array(items) => (items.as_slice(), None),
        Value::Object(map) if map.has("op") => (&[][..], Some(map)),
        _ => (&[][..], None),
    };
    let listed = items.iter().enumerate().filter_map(|(i, item)| {
        item.as_object().map(|map| Operation {
            index: Some(i),
            map,
        })
    });
    let bare = bare.map(|map| Operation { index: None, map });
    listed.chain(bare)
}

/// The target's protocol, when it is one the table knows.
fn known_protocol<'a>(cx: &Context<'a>) -> Option<&'a str> {
    cx.protocol.filter(|p| cx.facts.patch.ops.contains_key(*p))
}

/// Protocols an operation can be sent to, by its path and its op.
fn protocols_of(cx: &Context<'_>, op: &Value) -> Vec<&'static str> {
    let table = &cx.facts.patch;
    let name = op.member("op").and_then(Value::as_str);
    let entry = op
        .member("path")
        .and_then(Value::as_str)
        .and_then(|p| table.find(p));
    table
        .ops
        .iter()
        .filter(|(protocol, ops)| {
            entry.is_none_or(|e| e.protocols.contains(protocol))
                && name
                    .is_none_or(|n| ops.iter().any(|o| o == n) || !table.ops_for(None).contains(&n))
        })
        .map(|(protocol, _)| protocol.as_str())
        .collect()
}

/// Where an operation's protocol shows, and how a message names it.
fn op_place(op: &Value, index: usize) -> (String, String) {
    match op.member("path").and_then(Value::as_str) {
        Some(path) => (format!("/{index}/path"), format!("`{path}`")),
        None => {
            let name = op
                .member("op")
                .and_then(Value::as_str)
                .unwrap_or("operation");
            (format!("/{index}/op"), format!("`{name}`"))
        }
    }
}

/// What IDP603 suggests for a path the protocol does not allow.
struct PathSuggestion<'a> {
    /// The likely intended path.
    nearest: Option<&'a str>,
    /// The intended path differs only in case or slashes.
    exact: bool,
    /// The deepest allowed ancestor, to replace as a whole.
    ancestor: Option<&'a PatchPath>,
}

/// A path that exists for another protocol gets only its twin under another
/// parent (`/options/claimsMapping` → `/pendingOptions/claimsMapping`), never an
/// ancestor or a look-alike: it is probably aimed at the wrong IdP.
fn suggest_path<'a>(path: &str, allowed: &[&'a PatchPath], known: bool) -> PathSuggestion<'a> {
    let normalized = format!("/{}", path.trim().trim_matches('/'));
    let tokens = pointer_tokens(&normalized);
    let last = tokens.last().copied().unwrap_or_default();
    let shared = |p: &PatchPath| {
        pointer_tokens(&p.path)
            .iter()
            .zip(&tokens)
            .take_while(|(a, b)| a.eq_ignore_ascii_case(b))
            .count()
    };
    // Among candidates, the one sharing the most leading tokens, first in table order on ties.
    let best = |candidates: Vec<&'a PatchPath>| {
        let mut best: Option<(&'a PatchPath, usize)> = None;
        for c in candidates {
            let score = shared(c);
            if best.is_none_or(|(_, s)| score > s) {
                best = Some((c, score));
            }
        }
        best.map(|(c, _)| c.path.as_str())
    };
    let ancestor = allowed
        .iter()
        .copied()
        .filter(|p| {
            let pt = pointer_tokens(&p.path);
            pt.len() < tokens.len() && shared(p) == pt.len()
        })
        .max_by_key(|p| pointer_tokens(&p.path).len())
        .filter(|_| !known);
    if let Some(p) = allowed
        .iter()
        .find(|p| p.path.eq_ignore_ascii_case(&normalized))
    {
        return PathSuggestion {
            nearest: Some(&p.path),
            exact: true,
            ancestor,
        };
    }
    let same_last: Vec<&PatchPath> = allowed
        .iter()
        .copied()
        .filter(|p| last_token(&p.path).eq_ignore_ascii_case(last))
        .collect();
    let nearest = best(same_last).or_else(|| {
        if known {
            return None;
        }
        let token = nearest_name(last, allowed.iter().map(|p| last_token(&p.path)))?;
        best(
            allowed
                .iter()
                .copied()
                .filter(|p| last_token(&p.path) == token)
                .collect(),
        )
    });
    PathSuggestion {
        nearest,
        exact: false,
        ancestor,
    }
}

fn pointer_tokens(pointer: &str) -> Vec<&str> {
    pointer
        .strip_prefix('/')
        .map(|rest| rest.split('/').collect())
        .unwrap_or_default()
}

fn is_secret_path(cx: &Context<'_>, path: &str) -> bool {
    cx.facts
        .secrets
        .members
        .iter()
        .any(|m| m == last_token(path))
}

fn type_fits(expected: &str, value: &Value) -> bool {
    match expected {
        "boolean" => value.is_boolean(),
        "string" => value.is_string(),
        "number" => value.is_number(),
        "integer" => value.is_i64() || value.is_u64(),
        "object" => value.is_object(),
        "array" => value.is_array(),
        _ => true,
    }
}

fn with_article(type_name: &str) -> String {
    match type_name.chars().next().map(|c| c.to_ascii_lowercase()) {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}

/// `` `a`, `b` or `c` ``.
fn code_list(items: &[&str], conjunction: &str) -> String {
    let quoted: Vec<String> = items.iter().map(|i| format!("`{i}`")).collect();
    join_words(&quoted, conjunction)
}

/// `OIDC and SAML`.
fn word_list(items: &[&str]) -> String {
    let words: Vec<String> = items.iter().map(|i| i.to_string()).collect();
    join_words(&words, "and")
}

fn join_words(items: &[String], conjunction: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} {conjunction} {last}", init.join(", ")),
    }
}

#[cfg(test)]
mod tests {
    use crate::facts::facts;
    use crate::{Linter, Options, Severity, SourceOptions};

    /// `(code, severity, pointer, message)` of each IDP6xx finding.
    fn lint(text: &str, protocol: Option<&str>) -> Vec<(&'static str, Severity, String, String)> {
        let options = SourceOptions {
            kind: Some(crate::Kind::QlikPatch),
            protocol: protocol.map(str::to_string),
            ..SourceOptions::default()
        };
        Linter::new(Options::default())
            .lint_source("t.json", text, &options)
            .diagnostics
            .into_iter()
            .filter(|d| d.code.starts_with("IDP6"))
            .map(|d| (d.code, d.severity, d.pointer, d.message))
            .collect()
    }

    fn codes(text: &str, protocol: Option<&str>) -> Vec<&'static str> {
        lint(text, protocol).into_iter().map(|f| f.0).collect()
    }

    #[test]
    fn a_bare_object_is_reported_and_its_operation_checked() {
        let found = codes(
            r#"{"op": "add", "path": "/options/issuer", "value": "x"}"#,
            None,
        );
        assert_eq!(found, ["IDP601", "IDP602", "IDP603"]);
        assert_eq!(codes(r#""replace""#, None), ["IDP601"]);
        assert_eq!(lint("[]", None)[0].1, Severity::Warning);
    }

    #[test]
    fn a_given_protocol_narrows_ops_and_paths_and_silences_the_mix() {
        let mixed = r#"[{"op": "replace", "path": "/options/realm", "value": "acme"},
            {"op": "replace", "path": "/pendingOptions/entityId", "value": "urn:acme"}]"#;
        assert_eq!(codes(mixed, None), ["IDP607"]);
        assert_eq!(codes(mixed, Some("SAML")), ["IDP603"]);
        assert_eq!(codes(mixed, Some("OIDC")), ["IDP603"]);
        let promote = r#"[{"op": "promote-options"}]"#;
        assert_eq!(codes(promote, Some("jwtAuth")), ["IDP602"]);
        assert_eq!(codes(promote, Some("SAML")), ["IDP610"]);
    }

    #[test]
    fn the_mix_names_the_operation_that_conflicts_by_itself() {
        let found = lint(
            r#"[{"op": "replace", "path": "/options/realm", "value": "acme"},
                {"op": "replace", "path": "/active", "value": true},
                {"op": "replace", "path": "/pendingOptions/nameIdFormat", "value": "urn:oasis:names:tc:SAML:2.0:nameid-format:persistent"}]"#,
            None,
        );
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].2, "/2/path");
        assert!(
            found[0].3.contains("`/options/realm` is for OIDC IdPs"),
            "{}",
            found[0].3
        );
    }

    #[test]
    fn array_items_and_object_members_have_their_shape() {
        let found = lint(
            r#"[{"op": "replace", "path": "/pendingOptions/certificates", "value": ["MIIC", {"name": "old"}]},
                {"op": "replace", "path": "/pendingOptions/metadata", "value": {}},
                {"op": "replace", "path": "/pendingOptions/certificates", "value": [{"certificate": "a"}, {"certificate": "b"}, {"certificate": "c"}, {"certificate": "d"}, {"certificate": "e"}, {"certificate": "f"}]}]"#,
            None,
        );
        let at: Vec<&str> = found.iter().map(|f| f.2.as_str()).collect();
        assert_eq!(
            at,
            [
                "/0/value/0",
                "/0/value/1/certificate",
                "/1/value/raw",
                "/2/value"
            ]
        );
        assert!(
            found[3].3.contains("takes 1 to 5 items, found 6"),
            "{}",
            found[3].3
        );
    }

    #[test]
    fn values_are_typed_without_echoing_secrets_or_piling_on_placeholders() {
        let found = lint(
            r#"[{"op": "replace", "path": "/pendingOptions/clientSecret", "value": 8675309},
                {"op": "replace", "path": "/description", "value": null},
                {"op": "replace", "path": "/clockToleranceSec", "value": "${CLOCK_TOLERANCE}"},
                {"op": "replace", "path": "/active", "value": "<value>"},
                {"op": "replace", "path": "/clockToleranceSec", "value": 2.5}]"#,
            None,
        );
        assert_eq!(found.len(), 3, "{found:?}");
        assert!(!found[0].3.contains("8675309"));
        assert!(found[1].3.ends_with("found null"), "{}", found[1].3);
        assert_eq!(found[2].1, Severity::Warning);
    }

    #[test]
    fn promote_options_gets_one_finding_per_problem_and_one_reminder() {
        let twice = r#"[{"op": "promote-options"}, {"op": "promote-options"}]"#;
        assert_eq!(lint(twice, None).len(), 1);
        let with_value = r#"[{"op": "promote-options"}, {"op": "promote-options", "value": {}}]"#;
        let found = lint(with_value, None);
        assert_eq!(found.len(), 1);
        assert_eq!(
            (found[0].1, found[0].2.as_str()),
            (Severity::Warning, "/1/value")
        );
    }

    #[test]
    fn paths_of_another_protocol_get_only_their_twin() {
        let found = Linter::new(Options::default()).lint_source(
            "t.json",
            r#"[{"op": "replace", "path": "/options/claimsMapping", "value": {}},
                {"op": "replace", "path": "/pendingOptions/realm", "value": "acme"}]"#,
            &SourceOptions {
                protocol: Some("SAML".to_string()),
                ..SourceOptions::default()
            },
        );
        let helps: Vec<&str> = found
            .diagnostics
            .iter()
            .filter(|d| d.code == "IDP603")
            .filter_map(|d| d.help.as_deref())
            .collect();
        assert_eq!(
            helps,
            [
                "did you mean `/pendingOptions/claimsMapping`?",
                "`/pendingOptions/realm` is for OIDC IdPs: check that this patch targets the right IdP"
            ]
        );
    }

    #[test]
    fn every_enum_the_patch_table_names_exists() {
        let f = facts();
        for p in &f.patch.paths {
            if let Some(name) = &p.enum_name {
                assert!(
                    f.qlik.enums.contains_key(name),
                    "{}: no enum {name}",
                    p.path
                );
            }
        }
    }
}
