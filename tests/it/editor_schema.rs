//! `idplint schema KIND`: each kind's editor schema is printed, compiles,
//! stays inside its own document, describes every member, takes every body
//! idplint accepts (nothing above info) and refuses the shape defects of
//! the `invalid-*` payloads.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use jsonschema::Validator;
use serde_json::Value;

use idplint::editor_schema;
use idplint::{Kind, Linter, Options, Severity, SourceOptions};

fn idplint() -> Command {
    let mut cmd = Command::cargo_bin("idplint").expect("binary built");
    cmd.env("NO_COLOR", "1");
    cmd
}

fn validator(kind: Kind) -> Validator {
    jsonschema::draft7::new(&editor_schema(kind))
        .unwrap_or_else(|e| panic!("the {kind} schema does not compile: {e}"))
}

/// The directory of `testdata/` whose payloads are of `kind`.
fn testdata_dir(kind: Kind) -> PathBuf {
    let dir = match kind {
        Kind::QlikCreate => "qlik/create",
        Kind::QlikPatch => "qlik/patch",
        Kind::IonosCreate => "ionos/create",
        Kind::IonosEnsure => "ionos/ensure",
    };
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("testdata")
        .join(dir)
}

/// Every `.json` payload of `kind` in `testdata/`, with the protocol its
/// directory names (`qlik/patch/SAML/…`).
fn payloads(kind: Kind) -> Vec<(PathBuf, Option<String>)> {
    let mut out = Vec::new();
    let mut stack = vec![testdata_dir(kind)];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("testdata is readable") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                let protocol = path
                    .parent()
                    .and_then(|p| p.file_name())
                    .and_then(|n| n.to_str())
                    .filter(|n| ["OIDC", "jwtAuth", "SAML"].contains(n))
                    .map(str::to_string);
                out.push((path, protocol));
            }
        }
    }
    out.sort();
    out
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).expect("payload is readable");
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn file_name(path: &Path) -> &str {
    path.file_name()
        .and_then(|n| n.to_str())
        .unwrap_or_default()
}

/// What the validator says about `doc`, one line per error.
fn errors(validator: &Validator, doc: &Value) -> Vec<String> {
    validator
        .iter_errors(doc)
        .map(|e| format!("{}: {e}", e.instance_path()))
        .collect()
}

#[test]
fn each_kind_is_printed_as_its_schema() {
    for kind in Kind::ALL {
        let out = idplint().args(["schema", kind.name()]).assert().code(0);
        let text = String::from_utf8(out.get_output().stdout.clone()).expect("UTF-8");
        assert!(text.ends_with("}\n"), "{kind}: one final newline");
        assert!(text.starts_with("{\n  \"$schema\""), "{kind}: pretty");
        let printed: Value = serde_json::from_str(&text).expect("the output is JSON");
        assert_eq!(printed, editor_schema(kind), "{kind}");
    }
}

#[test]
fn an_unknown_kind_is_a_usage_error() {
    let out = idplint().args(["schema", "qlik.delete"]).assert().code(2);
    let stderr = String::from_utf8_lossy(&out.get_output().stderr).to_string();
    assert!(stderr.contains("qlik.create"), "{stderr}");
    assert!(out.get_output().stdout.is_empty());
}

/// Every `$ref` of `node`, with where it is.
fn refs(node: &Value, at: &str, out: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            for (key, child) in map {
                if let ("$ref", Value::String(target)) = (key.as_str(), child) {
                    out.push((at.to_string(), target.clone()));
                }
                refs(child, &format!("{at}/{key}"), out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                refs(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

/// True when `key` appears as a member name anywhere in `node`.
fn has_key(node: &Value, key: &str) -> bool {
    match node {
        Value::Object(map) => map.contains_key(key) || map.values().any(|v| has_key(v, key)),
        Value::Array(items) => items.iter().any(|v| has_key(v, key)),
        _ => false,
    }
}

#[test]
fn schemas_are_self_contained_draft_07() {
    for kind in Kind::ALL {
        let schema = editor_schema(kind);
        assert_eq!(
            schema["$schema"], "http://json-schema.org/draft-07/schema#",
            "{kind}"
        );
        assert!(!has_key(&schema, "$id"), "{kind}: no `$id`");
        assert!(
            !schema.to_string().contains("idplint.invalid"),
            "{kind}: no address on idplint.invalid"
        );
        let mut found = Vec::new();
        refs(&schema, "", &mut found);
        assert!(
            !found.is_empty(),
            "{kind}: shared definitions are referred to"
        );
        for (at, target) in found {
            let resolved = target
                .strip_prefix('#')
                .filter(|p| p.starts_with("/definitions/"))
                .and_then(|p| schema.pointer(p));
            assert!(
                resolved.is_some(),
                "{kind}: `$ref` {target} at {at} leaves the document"
            );
        }
        // A validator that cannot fetch anything compiles it, too.
        validator(kind);
    }
}

/// Every member of a `properties` below `node` (conditions of an `if`
/// aside), with where it is.
fn members<'a>(node: &'a Value, at: &str, out: &mut Vec<(String, &'a Value)>) {
    match node {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{at}/{key}");
                match (key.as_str(), child) {
                    ("if", _) => {}
                    ("definitions", Value::Object(definitions)) => {
                        for (name, definition) in definitions {
                            members(definition, &format!("{here}/{name}"), out);
                        }
                    }
                    ("properties", Value::Object(properties)) => {
                        for (name, member) in properties {
                            out.push((format!("{here}/{name}"), member));
                            members(member, &format!("{here}/{name}"), out);
                        }
                    }
                    _ => members(child, &here, out),
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                members(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_member_is_described_and_every_rule_named_exists() {
    let code = regex::Regex::new(r"IDP\d{3}").expect("regex");
    for kind in Kind::ALL {
        let schema = editor_schema(kind);
        let mut found = Vec::new();
        members(&schema, "", &mut found);
        assert!(found.len() > 10, "{kind}: {} members", found.len());
        for (at, member) in found {
            let description = member["description"].as_str().unwrap_or_default();
            assert!(!description.is_empty(), "{kind}: {at} has no description");
            if let Some(markdown) = member["markdownDescription"].as_str() {
                assert!(markdown.starts_with(description), "{kind}: {at}");
            }
            for key in ["description", "markdownDescription", "deprecationMessage"] {
                let text = member[key].as_str().unwrap_or_default();
                for rule in code.find_iter(text) {
                    assert!(
                        idplint::rule(rule.as_str()).is_some(),
                        "{kind}: {at} names {}, which is no rule",
                        rule.as_str()
                    );
                }
            }
        }
    }
}

#[test]
fn every_valid_payload_passes() {
    let mut problems = Vec::new();
    let mut checked = 0;
    for kind in Kind::ALL {
        let validator = validator(kind);
        for (path, _) in payloads(kind) {
            if !file_name(&path).starts_with("valid-") {
                continue;
            }
            checked += 1;
            let errors = errors(&validator, &read_json(&path));
            if !errors.is_empty() {
                problems.push(format!("{}: {errors:?}", path.display()));
            }
        }
    }
    assert!(checked >= 40, "only {checked} valid payloads");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// `invalid-*` payloads whose defect is one of shape, and where the editor
/// reports it (an instance pointer).
const SHAPE_DEFECTS: &[(Kind, &str, &str)] = &[
    (
        Kind::QlikCreate,
        "invalid-protocol-lowercase.json",
        "/protocol",
    ),
    (Kind::QlikCreate, "invalid-provider-case.json", "/provider"),
    (Kind::QlikCreate, "invalid-response-list.json", ""),
    (
        Kind::QlikCreate,
        "invalid-allowed-client-ids-string.json",
        "/options/allowedClientIds",
    ),
    (
        Kind::QlikCreate,
        "invalid-claims-string-value.json",
        "/pendingOptions/claimsMapping/sub",
    ),
    (
        Kind::QlikCreate,
        "invalid-clock-tolerance-milliseconds.json",
        "/clockToleranceSec",
    ),
    (
        Kind::QlikCreate,
        "invalid-description-too-long.json",
        "/description",
    ),
    (
        Kind::QlikCreate,
        "invalid-id-token-hs256.json",
        "/pendingOptions/idTokenSignatureAlg",
    ),
    (
        Kind::QlikCreate,
        "invalid-jwt-two-static-keys.json",
        "/options/staticKeys",
    ),
    (
        Kind::QlikCreate,
        "invalid-openid-configuration-incomplete.json",
        "/options/openid_configuration",
    ),
    (
        Kind::QlikCreate,
        "invalid-saml-six-certificates.json",
        "/options/certificates",
    ),
    (
        Kind::QlikCreate,
        "invalid-jwtauth-with-oidc-members.json",
        "",
    ),
    (
        Kind::QlikCreate,
        "invalid-claims-key-typo.json",
        "/pendingOptions/claimsMapping",
    ),
    (Kind::QlikPatch, "invalid-object-body.json", ""),
    (Kind::QlikPatch, "invalid-path-typo.json", "/0/path"),
    (Kind::QlikPatch, "invalid-json-patch-ops.json", "/0/op"),
    (Kind::QlikPatch, "invalid-value-types.json", "/0/value"),
    (Kind::QlikPatch, "invalid-name-id-format.json", "/0/value"),
    (
        Kind::QlikPatch,
        "invalid-certificates-empty.json",
        "/0/value",
    ),
    (Kind::QlikPatch, "invalid-clock-tolerance.json", "/0/value"),
    (
        Kind::QlikPatch,
        "invalid-description-too-long.json",
        "/0/value",
    ),
    (
        Kind::IonosCreate,
        "invalid-enabled-string.json",
        "/properties/enabled",
    ),
    (
        Kind::IonosCreate,
        "invalid-type-unknown.json",
        "/properties/type",
    ),
    (
        Kind::IonosCreate,
        "invalid-type-uppercase.json",
        "/properties/type",
    ),
    (Kind::IonosEnsure, "invalid-id-not-uuid.json", "/id"),
    (Kind::IonosEnsure, "invalid-patch.json", ""),
    (
        Kind::IonosEnsure,
        "invalid-copied-from-get.json",
        "/properties",
    ),
];

#[test]
fn shape_defects_fail_where_they_are() {
    let mut problems = Vec::new();
    for (kind, name, at) in SHAPE_DEFECTS {
        let validator = validator(*kind);
        let path = payloads(*kind)
            .into_iter()
            .map(|(path, _)| path)
            .find(|path| file_name(path) == *name)
            .unwrap_or_else(|| panic!("no {kind} payload {name}"));
        let errors = errors(&validator, &read_json(&path));
        if !errors.iter().any(|e| e.starts_with(&format!("{at}: "))) {
            problems.push(format!(
                "{kind} {name}: expected an error at `{at}`, got {errors:?}"
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// A body to lint, of a kind, for a protocol (of a patch's target).
struct Body {
    origin: String,
    kind: Kind,
    protocol: Option<String>,
    doc: Value,
}

/// The payloads of `testdata/` and the rules' examples.
fn bodies(linter: &Linter) -> Vec<Body> {
    let mut out = Vec::new();
    for kind in Kind::ALL {
        for (path, protocol) in payloads(kind) {
            let text = std::fs::read_to_string(&path).expect("payload is readable");
            // A payload that is no JSON is IDP001's, and no editor's to validate.
            if let Ok(doc) = serde_json::from_str(&text) {
                let origin = path.display().to_string();
                out.push(Body {
                    origin,
                    kind,
                    protocol,
                    doc,
                });
            }
        }
    }
    for rule in idplint::rules() {
        let examples = rule.passing_examples().iter();
        for example in examples.chain(rule.failing_examples()) {
            let Ok(doc) = serde_json::from_str::<Value>(example) else {
                continue; // IDP001's examples are no JSON
            };
            let report = linter.lint_source("example.json", example, &SourceOptions::default());
            if let Some(kind) = report.kind {
                out.push(Body {
                    origin: format!("an example of {}", rule.code()),
                    kind,
                    protocol: None,
                    doc,
                });
            }
        }
    }
    out
}

/// Every pointer of `doc`'s members and items.
fn pointers(doc: &Value, at: &str, out: &mut Vec<String>) {
    match doc {
        Value::Object(map) => {
            for (key, child) in map {
                let here = format!("{at}/{}", key.replace('~', "~0").replace('/', "~1"));
                out.push(here.clone());
                pointers(child, &here, out);
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                let here = format!("{at}/{i}");
                out.push(here.clone());
                pointers(child, &here, out);
            }
        }
        _ => {}
    }
}

/// `doc` with the member or item at `pointer` removed.
fn without(doc: &Value, pointer: &str) -> Value {
    let mut doc = doc.clone();
    let (parent, last) = pointer.rsplit_once('/').expect("a member pointer");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&last.replace("~1", "/").replace("~0", "~"));
        }
        Some(Value::Array(items)) => {
            items.remove(last.parse::<usize>().expect("an index"));
        }
        _ => {}
    }
    doc
}

/// The body and what becomes of it when a member goes, or its value is
/// replaced by a template variable or a value of another type: the
/// slips an editor sees while a body is written.
fn variants(doc: &Value) -> Vec<Value> {
    let replacements = [
        Value::from("${TEMPLATE_VALUE}"),
        Value::from("{{ value }}"),
        Value::from(""),
        Value::from("x"),
        Value::from(true),
        Value::from(0),
        Value::from(2.5),
        Value::Array(Vec::new()),
        Value::Object(serde_json::Map::new()),
        Value::Null,
    ];
    let mut at = Vec::new();
    pointers(doc, "", &mut at);
    let mut out = vec![doc.clone()];
    for pointer in at {
        out.push(without(doc, &pointer));
        for replacement in &replacements {
            let mut changed = doc.clone();
            if let Some(value) = changed.pointer_mut(&pointer) {
                *value = replacement.clone();
            }
            out.push(changed);
        }
    }
    out
}

/// The honesty of the schemas: a body in which idplint finds nothing above
/// info (the contract of a `valid-*` payload) must not be flagged by an
/// editor. Checked on every payload of `testdata/`, every rule example,
/// and their variants.
#[test]
fn the_editor_flags_nothing_idplint_accepts() {
    let linter = Linter::new(Options::default()).without_source_text();
    let validators: Vec<(Kind, Validator)> = Kind::ALL.map(|k| (k, validator(k))).into();
    let mut problems = Vec::new();
    let (mut accepted, mut linted) = (0, 0);
    for body in bodies(&linter) {
        let validator = &validators
            .iter()
            .find(|(k, _)| *k == body.kind)
            .expect("kind")
            .1;
        let options = SourceOptions {
            kind: Some(body.kind),
            protocol: body.protocol.clone(),
            ..SourceOptions::default()
        };
        for doc in variants(&body.doc) {
            let text = serde_json::to_string_pretty(&doc).expect("JSON");
            let report = linter.lint_source("payload.json", &text, &options);
            linted += 1;
            if report
                .diagnostics
                .iter()
                .any(|d| d.severity > Severity::Info)
            {
                continue;
            }
            accepted += 1;
            let errors = errors(validator, &doc);
            if !errors.is_empty() && problems.len() < 40 {
                problems.push(format!(
                    "{} ({}): idplint accepts\n{text}\nbut the editor schema says {errors:?}",
                    body.origin, body.kind
                ));
            }
        }
    }
    eprintln!("{accepted} of {linted} bodies accepted by idplint, all by the editor schemas");
    assert!(
        accepted > 1000,
        "only {accepted} of {linted} bodies accepted"
    );
    assert!(problems.is_empty(), "{}", problems.join("\n\n"));
}
