//! The JSON Schemas in `rules/schemas/`, compiled once, and the adapter that
//! turns validator errors into one clear finding per problem: IDP004
//! missing-field, IDP005 wrong-type, IDP006 unknown-field.

use std::collections::HashSet;
use std::sync::{LazyLock, OnceLock};

use jsonschema::error::{TypeKind, ValidationErrorKind};
use jsonschema::Validator;
use serde_json::Value;

use crate::diagnostic::{Anchor, Applicability, Finding, Repair, Severity};
use crate::facts::{facts, Protocol};
use crate::kind::{ionos_body, is_patch, IonosBody, Kind};
use crate::rules::input;
use crate::rules::support::{json_type_name, nearest_name, Context};
use crate::source::{escape_token, unescape_token, Members};

mod export;

pub use export::editor_schema;

/// One embedded schema, parsed and compiled.
pub struct Schema {
    #[cfg_attr(not(test), allow(dead_code))]
    pub file: &'static str,
    pub document: Value,
    validator: Validator,
}

macro_rules! embedded {
    ($file:literal) => {
        ($file, include_str!(concat!("../../rules/schemas/", $file)))
    };
}

/// Every schema file, for the catalogue and tests.
pub const FILES: &[(&str, &str)] = &[
    embedded!("qlik.create.schema.json"),
    embedded!("qlik.create.oidc.schema.json"),
    embedded!("qlik.create.jwtauth.schema.json"),
    embedded!("qlik.create.saml.schema.json"),
    embedded!("qlik.patch.schema.json"),
    embedded!("ionos.create.schema.json"),
    embedded!("ionos.ensure.schema.json"),
];

/// Each schema is compiled the first time a document needs it: a run over
/// one file pays for one schema, not seven.
static SCHEMAS: [OnceLock<Schema>; FILES.len()] = [const { OnceLock::new() }; FILES.len()];

fn schema_at(i: usize) -> &'static Schema {
    let (file, text) = FILES[i];
    SCHEMAS[i].get_or_init(|| compile(file, text))
}

fn compile(file: &'static str, text: &str) -> Schema {
    // Embedded schemas are covered by tests; failing here is a build defect.
    let mut document: Value = serde_json::from_str(text)
        .unwrap_or_else(|e| panic!("embedded schema {file} is not JSON: {e}"));
    fill_enums(file, &mut document);
    let validator = jsonschema::validator_for(&document)
        .unwrap_or_else(|e| panic!("embedded schema {file} is invalid: {e}"));
    Schema {
        file,
        document,
        validator,
    }
}

/// Replaces each `"x-enum": NAME` of a schema with `"enum"` and the list
/// `NAME` of `enums` in `rules/qlik/facts.json`, so that a value list the
/// rules also read is written once.
fn fill_enums(file: &str, node: &mut Value) {
    match node {
        Value::Object(map) => {
            if let Some(name) = map.remove("x-enum") {
                let list = name
                    .as_str()
                    .and_then(|name| facts().qlik.enums.get(name))
                    .unwrap_or_else(|| panic!("{file}: `x-enum` {name} names no list"));
                map.insert(
                    "enum".to_string(),
                    list.iter().cloned().map(Value::from).collect(),
                );
            }
            map.values_mut().for_each(|v| fill_enums(file, v));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| fill_enums(file, v)),
        _ => {}
    }
}

/// Every embedded schema, compiled (those not compiled yet, now).
pub fn all() -> Vec<&'static Schema> {
    (0..FILES.len()).map(schema_at).collect()
}

fn by_file(file: &str) -> Option<&'static Schema> {
    FILES.iter().position(|(f, _)| *f == file).map(schema_at)
}

/// The schema of a Qlik create body for `protocol`:
/// `qlik.create.<name in lower case>.schema.json`.
pub fn protocol_schema_file(protocol: Protocol) -> &'static str {
    static FILES_BY_PROTOCOL: LazyLock<[String; 3]> = LazyLock::new(|| {
        Protocol::ALL.map(|p| format!("qlik.create.{}.schema.json", p.name().to_ascii_lowercase()))
    });
    &FILES_BY_PROTOCOL[protocol as usize]
}

/// The schema a document of `kind` is validated against.
pub fn schema_for(kind: Kind, root: &Value) -> Option<&'static Schema> {
    let file = match kind {
        // A list response is IDP008's: the schema would only repeat it.
        Kind::QlikCreate if crate::kind::is_qlik_list(root) => return None,
        Kind::QlikCreate => {
            let protocol = root
                .member("protocol")
                .and_then(Value::as_str)
                .and_then(Protocol::from_name);
            return by_file(match protocol {
                Some(protocol) => protocol_schema_file(protocol),
                None => "qlik.create.schema.json",
            });
        }
        // A patch that is no array is IDP601's; the schema would only repeat it.
        Kind::QlikPatch if root.is_array() => "qlik.patch.schema.json",
        // A patch aimed at IONOS is IDP609's; a list response or a domains
        // body is IDP008's: the schema would only repeat them member by member.
        Kind::IonosCreate | Kind::IonosEnsure
            if is_patch(root)
                || matches!(
                    ionos_body(root),
                    Some(IonosBody::Collection | IonosBody::Domains)
                ) =>
        {
            return None
        }
        Kind::IonosCreate => "ionos.create.schema.json",
        Kind::IonosEnsure => "ionos.ensure.schema.json",
        _ => return None,
    };
    by_file(file)
}

/// Validates the document against its kind's schema.
pub fn check(cx: &Context<'_>, out: &mut Vec<Finding>) {
    let Some(schema) = schema_for(cx.kind, cx.root) else {
        return;
    };
    // Most payloads pass: asking whether one does is cheaper than collecting
    // its errors, which the validator builds as it goes.
    if schema.validator.is_valid(cx.root) {
        return;
    }
    let mut seen = HashSet::new();
    for error in schema.validator.iter_errors(cx.root) {
        let at = error.instance_path().as_str().to_string();
        for finding in adapt(cx, schema, &at, error.kind(), error.instance()) {
            if seen.insert((finding.rule.code, finding.at.pointer.clone())) {
                out.push(finding);
            }
        }
    }
}

fn adapt(
    cx: &Context<'_>,
    schema: &Schema,
    at: &str,
    kind: &ValidationErrorKind,
    instance: &Value,
) -> Vec<Finding> {
    let member = display_member(at);
    match kind {
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or_default();
            let pointer = format!("{at}/{}", escape_token(name));
            let place = if at.is_empty() {
                "the body".to_string()
            } else {
                format!("`{member}`")
            };
            vec![Finding::new(
                input::MissingField::META,
                format!("missing required member `{name}` in {place}"),
                Anchor::missing(pointer),
            )
            .label(format!("`{name}` missing here"))
            .help(format!("add `{name}`"))]
        }
        ValidationErrorKind::Type { kind } => {
            let expected = match kind {
                TypeKind::Single(t) => t.to_string(),
                TypeKind::Multiple(set) => set
                    .iter()
                    .map(|t| t.to_string())
                    .collect::<Vec<_>>()
                    .join(" or "),
            };
            let found = json_type_name(instance);
            let help = match (expected.as_str(), instance) {
                ("boolean", Value::String(s)) if s == "true" || s == "false" => {
                    format!("write `{s}` without quotes")
                }
                ("number" | "integer", Value::String(s)) if s.trim().parse::<f64>().is_ok() => {
                    format!("write {} without quotes", s.trim())
                }
                _ => format!("give `{member}` a JSON {expected}"),
            };
            let unquoted = match (expected.as_str(), instance) {
                ("boolean", Value::String(s)) if s == "true" || s == "false" => Some(s.clone()),
                ("integer", Value::String(s)) if s.trim().parse::<u64>().is_ok() => {
                    Some(s.trim().to_string())
                }
                _ => None,
            };
            let finding = Finding::new(
                input::WrongType::META,
                format!("`{member}` must be {}, found {found}", article(&expected)),
                Anchor::value(at),
            )
            .label(format!("{found} here"))
            .help(help);
            vec![match unquoted {
                Some(json) => finding.fix(
                    Applicability::Safe,
                    format!("write `{json}` without quotes"),
                    vec![Repair::Value {
                        pointer: at.to_string(),
                        json,
                    }],
                ),
                None => finding,
            }]
        }
        ValidationErrorKind::AdditionalProperties { unexpected } => unexpected
            .iter()
            .filter_map(|name| unknown_member(cx, schema, at, name))
            .collect(),
        ValidationErrorKind::Enum { options } => {
            let allowed = options
                .as_array()
                .map(|o| {
                    o.iter()
                        .map(|v| format!("`{}`", v.as_str().unwrap_or_default()))
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default();
            vec![Finding::new(
                input::WrongType::META,
                format!("`{member}` must be one of {allowed}"),
                Anchor::value(at),
            )
            .label("not an allowed value")
            .help(format!("use one of {allowed}"))]
        }
        other => vec![Finding::new(
            input::WrongType::META,
            format!("`{member}` does not match the schema: {}", describe(other)),
            Anchor::value(at),
        )
        .help("change the value to the documented shape")],
    }
}

fn unknown_member(cx: &Context<'_>, schema: &Schema, at: &str, name: &str) -> Option<Finding> {
    let pointer = format!("{at}/{}", escape_token(name));
    let qlik = &cx.facts.qlik;
    // Members of the other protocol are IDP106's.
    if cx.kind == Kind::QlikCreate
        && qlik
            .protocol_only_members
            .iter()
            .any(|(protocol, members)| {
                Some(protocol.as_str()) != cx.protocol && members.contains(&pointer)
            })
    {
        return None;
    }
    let tolerated = cx
        .protocol
        .and_then(|p| qlik.tolerated_extras.get(p))
        .is_some_and(|t| t.contains(&pointer));
    if tolerated {
        return Some(
            Finding::new(
                input::UnknownField::META,
                format!("`{name}` is not part of the API schema, but Qlik's own examples send it"),
                Anchor::key(pointer),
            )
            .severity(Severity::Info)
            .label("tolerated extra member")
            .help(format!(
                "remove `{name}` unless you rely on it; the API ignores it"
            )),
        );
    }
    let known = known_members(&schema.document, at);
    let mut finding = Finding::new(
        input::UnknownField::META,
        format!("unknown member `{name}`"),
        Anchor::key(pointer.clone()),
    )
    .label("not defined by the API");
    // What people write for an IONOS member from other APIs (`clientId`,
    // `discoveryUrl`) is no typo of it, so no edit distance finds it.
    let alias = cx
        .kind
        .is_ionos()
        .then(|| cx.facts.ionos.member_aliases.get(name))
        .flatten()
        .filter(|a| known.contains(a))
        .map(String::as_str);
    let taken = |suggestion: &str| {
        cx.get(at)
            .and_then(Value::as_object)
            .is_some_and(|o| o.contains_key(suggestion))
    };
    finding = match alias.or_else(|| nearest_name(name, known.iter().map(String::as_str))) {
        Some(suggestion) if !taken(suggestion) => {
            finding.help(format!("did you mean `{suggestion}`?")).fix(
                Applicability::Unsafe,
                format!("rename `{name}` to `{suggestion}`"),
                vec![Repair::Rename {
                    pointer: pointer.clone(),
                    name: suggestion.to_string(),
                }],
            )
        }
        Some(suggestion) => finding.help(format!(
            "did you mean `{suggestion}`? It is there already: remove `{name}`"
        )),
        None => finding.help(format!("remove `{name}`: the API does not define it here")),
    };
    Some(finding)
}

/// Member names the schema defines for the object at instance pointer `at`.
fn known_members(schema: &Value, at: &str) -> Vec<String> {
    let mut node = resolve(schema, schema);
    let tokens = at
        .strip_prefix('/')
        .map(|r| r.split('/').collect::<Vec<_>>())
        .unwrap_or_default();
    for token in tokens {
        let token = unescape_token(token);
        let next = node
            .get("properties")
            .and_then(|p| p.get(token.as_ref()))
            .or_else(|| node.get("items"));
        match next {
            Some(n) => node = resolve(schema, n),
            None => return Vec::new(),
        }
    }
    node.get("properties")
        .and_then(Value::as_object)
        .map(|p| p.keys().cloned().collect())
        .unwrap_or_default()
}

fn resolve<'a>(schema: &'a Value, node: &'a Value) -> &'a Value {
    match node
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| r.strip_prefix('#'))
    {
        Some(pointer) => schema.pointer(pointer).unwrap_or(node),
        None => node,
    }
}

fn display_member(pointer: &str) -> String {
    if pointer.is_empty() {
        return "body".to_string();
    }
    pointer
        .trim_start_matches('/')
        .split('/')
        .map(|t| unescape_token(t).into_owned())
        .collect::<Vec<_>>()
        .join(".")
}

fn article(type_name: &str) -> String {
    match type_name.chars().next() {
        Some('a' | 'e' | 'i' | 'o' | 'u') => format!("an {type_name}"),
        _ => format!("a {type_name}"),
    }
}

fn describe(kind: &ValidationErrorKind) -> String {
    match kind {
        ValidationErrorKind::MinItems { limit } => format!("needs at least {limit} items"),
        ValidationErrorKind::MaxItems { limit } => format!("takes at most {limit} items"),
        ValidationErrorKind::MinLength { limit } => format!("needs at least {limit} characters"),
        ValidationErrorKind::MaxLength { limit } => format!("takes at most {limit} characters"),
        ValidationErrorKind::Pattern { pattern } => format!("does not match `{pattern}`"),
        _ => "not the documented shape".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use serde_json::Value;

    use super::{protocol_schema_file, FILES};
    use crate::facts::{facts, Protocol};

    /// The schema of each protocol defines exactly the members the table
    /// gives that protocol: otherwise the schema pass (which leaves other
    /// protocols' members to IDP106) and IDP106 would disagree.
    #[test]
    fn table_agrees_with_the_schemas() {
        for (protocol, members) in &facts().qlik.protocol_only_members {
            let protocol = Protocol::from_name(protocol).expect("a protocol name");
            let file = protocol_schema_file(protocol);
            let (_, text) = FILES.iter().find(|(f, _)| *f == file).expect("schema");
            let schema: Value = serde_json::from_str(text).expect("schema JSON");
            for pointer in members {
                assert!(defines(&schema, pointer), "{file} lacks {pointer}");
            }
        }
    }

    fn defines(schema: &Value, pointer: &str) -> bool {
        let mut node = schema;
        for token in pointer.split('/').skip(1) {
            if let Some(r) = node.get("$ref").and_then(Value::as_str) {
                node = schema.pointer(r.trim_start_matches('#')).unwrap_or(node);
            }
            match node.get("properties").and_then(|p| p.get(token)) {
                Some(next) => node = next,
                None => return false,
            }
        }
        true
    }

    /// The SAML schema takes its NameID formats from the facts, the list
    /// patch values are checked against.
    #[test]
    fn saml_name_id_formats_come_from_the_facts() {
        let file = protocol_schema_file(Protocol::Saml);
        let schema = super::by_file(file).expect("SAML schema");
        let formats = schema
            .document
            .pointer("/definitions/options/properties/nameIdFormat/enum")
            .expect("nameIdFormat enum");
        let listed: Vec<Value> = facts().qlik.enums["samlNameIdFormats"]
            .iter()
            .cloned()
            .map(Value::from)
            .collect();
        assert_eq!(formats, &Value::Array(listed));
        assert!(!FILES.iter().any(|(_, text)| text.contains("nameid-format")));
    }
}
