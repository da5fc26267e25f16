//! `idplint schema KIND`: one self-contained JSON Schema (draft-07) per
//! payload kind, for editors that validate a file with one schema: VS Code's
//! `json.schemas`, SchemaStore, yaml-language-server.
//!
//! It is built from what idplint itself checks with: the schemas of
//! `rules/schemas/`, the facts its rules read (`rules/qlik/facts.json`,
//! `rules/qlik/patch-paths.json`, `rules/ionos/facts.json`,
//! `rules/placeholders.json`) and, for the editor's hover text, the notes of
//! `rules/editor.json`.
//!
//! - A Qlik create body is checked against its protocol's schema through one
//!   `if`/`then` pair per protocol (`if` `protocol` is `OIDC` `then` the OIDC
//!   body), not a `oneOf` of the three bodies. With `oneOf` a body that fits
//!   no branch gets the errors of every branch (or only "matches no schema"),
//!   and completion offers the members of all three protocols at once. With
//!   `if`/`then` an editor validates against the one protocol the body names,
//!   reports only that protocol's errors, and completes that protocol's
//!   members; before `protocol` is written it offers the members all three
//!   share. A `protocol` that is none of the three is refused by its `enum`.
//! - Values the rules refuse are refused here too where a schema can say so
//!   (an unknown protocol, a provider of another protocol, a clock tolerance
//!   outside 0..=7200 seconds, a second static key, …). A string constraint
//!   also accepts a template variable (`${NAME}`), whose format idplint does
//!   not check either (IDP010).
//! - Members only the server sets carry a `deprecationMessage`, which VS Code
//!   shows as a warning, as idplint does (IDP007).
//!
//! The schema flags nothing idplint accepts, a body in which idplint finds
//! nothing above info: what an editor flags is a part of what idplint reports
//! as a warning or an error. `tests/editor_schema.rs` holds it to that.

use std::cell::RefCell;
use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;
use serde_json::{json, Map, Value};

use crate::facts::{facts, Protocol};
use crate::kind::Kind;
use crate::rule_meta::RuleMeta;
use crate::rules::decrypting_key::DecryptingKey;
use crate::rules::read_only_field::ReadOnlyField;

const DRAFT_07: &str = "http://json-schema.org/draft-07/schema#";
const TEMPLATE_VARIABLE: &str = "templateVariable";

/// The schema an editor validates a body of `kind` with: self-contained,
/// every `$ref` pointing into its own `definitions`, every member described.
pub fn editor_schema(kind: Kind) -> Value {
    build(kind).0
}

/// The schema of `kind`, and the notes of `rules/editor.json` it
/// used (`kind section pointer`).
fn build(kind: Kind) -> (Value, BTreeSet<String>) {
    let notes = Describer::new(kind);
    let mut doc = match kind {
        Kind::QlikCreate => qlik_create(),
        Kind::QlikPatch => qlik_patch(&notes),
        Kind::IonosCreate | Kind::IonosEnsure => ionos(kind),
    };
    deprecate_server_members(kind, &mut doc);
    describe_document(&mut doc, &notes);
    drop_comments(&mut doc);
    let title = notes.title();
    (finish(doc, title), notes.used.into_inner())
}

// ---------------------------------------------------------------------------
// The kinds

fn qlik_create() -> Value {
    let (mut root, _) = source("qlik.create.schema.json");
    let shared_required = root.get("required").cloned().unwrap_or_default();
    let mut definitions = Map::new();
    definitions.insert(TEMPLATE_VARIABLE.into(), template_variable());
    let mut branches = Vec::new();
    for protocol in Protocol::ALL {
        let name = protocol.name();
        let (mut body, defs) = source(super::protocol_schema_file(protocol));
        prefix_refs(&mut body, name);
        // The body's root repeats what the document's root requires: one
        // "missing property" is enough.
        if let (Some(Value::Array(required)), Value::Array(shared)) =
            (body.get_mut("required"), &shared_required)
        {
            required.retain(|r| !shared.contains(r));
        }
        for (def_name, mut def) in defs {
            prefix_refs(&mut def, name);
            definitions.insert(format!("{name}.{def_name}"), def);
        }
        definitions.insert(name.to_string(), body);
        branches.push(json!({
            "if": {"properties": {"protocol": {"const": name}}, "required": ["protocol"]},
            "then": {"$ref": format!("#/definitions/{name}")}
        }));
    }
    root["allOf"] = Value::Array(branches);
    root["definitions"] = Value::Object(definitions);
    constrain_qlik_create(&mut root);
    root
}

/// The values `rules/qlik/facts.json` bounds, on the root and on every
/// protocol's body where the member exists.
fn constrain_qlik_create(doc: &mut Value) {
    let members = qlik_member_constraints();
    let bodies = std::iter::once(String::new())
        .chain(Protocol::ALL.map(|p| format!("/definitions/{}", p.name())))
        .collect::<Vec<_>>();
    for body in &bodies {
        for (pointer, keywords) in &members {
            add_keywords(doc, body, pointer, keywords.clone());
        }
    }
    let protocols: Vec<&str> = Protocol::ALL.map(Protocol::name).to_vec();
    add_keywords(
        doc,
        "",
        "/protocol",
        or_template(json!({"enum": protocols})),
    );
    for protocol in Protocol::ALL {
        constrain_protocol(doc, protocol);
    }
}

/// The keywords that state a bound of `rules/qlik/facts.json`, by the
/// member of a create body they bound; a patch's value takes them too.
fn qlik_member_constraints() -> Vec<(&'static str, Value)> {
    let qlik = &facts().qlik;
    let bounds = &qlik.bounds;
    let keys = bounds.static_keys_count;
    vec![
        (
            "/clockToleranceSec",
            json!({"minimum": number(bounds.clock_tolerance_sec.min),
                   "maximum": number(bounds.clock_tolerance_sec.max)}),
        ),
        ("/description", max_length(bounds.description_max_chars)),
        (
            "/postLogoutRedirectUri",
            max_length(bounds.post_logout_redirect_uri_max_chars),
        ),
        (
            "/options/realm",
            or_template(
                json!({"maxLength": bounds.realm_max_chars, "pattern": bounds.realm_pattern}),
            ),
        ),
        ("/options/scope", max_length(bounds.scope_max_chars)),
        ("/options/audience", max_length(bounds.audience_max_chars)),
        (
            "/options/idTokenSignatureAlg",
            or_template(json!({"enum": qlik.id_token_signature_algs})),
        ),
        (
            "/options/allowedClientIds",
            json!({"type": "array", "items": {"type": "string"}}),
        ),
        (
            "/options/openid_configuration",
            json!({"required": qlik.openid_configuration_required}),
        ),
        (
            "/options/decryptingKey",
            json!({"required": qlik.decrypting_key.required}),
        ),
        ("/options/decryptingKey/keySize", json!({"type": "integer"})),
        (
            "/options/staticKeys",
            json!({"minItems": keys, "maxItems": keys}),
        ),
    ]
}

/// The providers, claim keys and tolerated extras of one protocol's body.
fn constrain_protocol(doc: &mut Value, protocol: Protocol) {
    let qlik = &facts().qlik;
    let name = protocol.name();
    let body = format!("/definitions/{name}");
    if let Some(providers) = qlik.providers_for(name) {
        add_keywords(
            doc,
            &body,
            "/provider",
            or_template(json!({"enum": providers})),
        );
    }
    let claims = &qlik.claims;
    let keys: Vec<&String> = match protocol {
        Protocol::Saml => claims.saml.iter().collect(),
        _ => claims
            .interactive
            .iter()
            .chain(&claims.non_interactive)
            .collect(),
    };
    let sources = json!({"type": "array", "items": {"type": "string", "minLength": 1}});
    let mut properties = Map::new();
    for key in keys {
        properties.insert(key.clone(), sources.clone());
    }
    // A key Qlik does not map is IDP402's warning.
    add_keywords(
        doc,
        &body,
        "/options/claimsMapping",
        json!({"properties": properties, "additionalProperties": false}),
    );
    // What Qlik's own examples send although the schema lacks it is
    // reported as info only (IDP006): an editor must take it.
    for extra in qlik.tolerated_extras.get(name).into_iter().flatten() {
        let (parent, member) = extra.rsplit_once('/').unwrap_or(("", extra));
        let properties = json!({"properties": {member: {}}});
        add_keywords(doc, &body, parent, properties);
    }
}

fn qlik_patch(notes: &Describer) -> Value {
    let (mut root, _) = source("qlik.patch.schema.json");
    let mut operation = root.get_mut("items").map(Value::take).unwrap_or_default();
    let patch = &facts().patch;
    let mut ops: Vec<&String> = Vec::new();
    for op in patch.ops.values().flatten() {
        if !ops.contains(&op) {
            ops.push(op);
        }
    }
    let paths: Vec<&String> = patch.paths.iter().map(|p| &p.path).collect();
    let branches: Vec<Value> = patch
        .paths
        .iter()
        .map(|path| {
            json!({
                "if": {"properties": {"path": {"const": path.path}}, "required": ["path"]},
                "then": {"properties": {"value": patch_value(path, notes)}}
            })
        })
        .collect();
    operation["allOf"] = Value::Array(branches);
    root["items"] = json!({"$ref": "#/definitions/operation"});
    // An empty patch changes nothing (IDP601's warning).
    root["minItems"] = json!(1);
    root["definitions"] = json!({ "operation": operation, TEMPLATE_VARIABLE: template_variable() });
    add_keywords(
        &mut root,
        "/definitions/operation",
        "/op",
        or_template(json!({"enum": ops})),
    );
    add_keywords(
        &mut root,
        "/definitions/operation",
        "/path",
        or_template(json!({"enum": paths})),
    );
    root
}

/// What a patch of `path` takes as its `value`, described as the member it
/// replaces (a `pendingOptions` member as its `options` twin).
fn patch_value(path: &crate::facts::PatchPath, notes: &Describer) -> Value {
    let mut value = json!({"type": path.value_type});
    if let Some(list) = path
        .enum_name
        .as_ref()
        .and_then(|n| facts().qlik.enums.get(n))
    {
        // IDP605 leaves a template variable's value to the deployment.
        value["anyOf"] = or_template(json!({ "enum": list }))["anyOf"].take();
    }
    if !path.required.is_empty() {
        value["required"] = json!(path.required);
    }
    if let Some(items) = &path.items {
        value["items"] = json!({"type": items.value_type});
        if !items.required.is_empty() {
            value["items"]["required"] = json!(items.required);
        }
    }
    if let Some(min) = path.min_items {
        value["minItems"] = json!(min);
    }
    if let Some(max) = path.max_items {
        value["maxItems"] = json!(max);
    }
    let twin = path.path.replacen("/pendingOptions/", "/options/", 1);
    // The rules check a patched value as the member of a create body.
    for (pointer, keywords) in qlik_member_constraints() {
        if let (true, Value::Object(map), Value::Object(keywords)) = (
            pointer == path.path || pointer == twin,
            &mut value,
            keywords,
        ) {
            merge(map, keywords);
        }
    }
    let note = notes.note(None, &path.path).or_else(|| {
        path.protocols.iter().find_map(|protocol| {
            let protocol = Some(protocol.as_str());
            notes
                .note(protocol, &path.path)
                .or_else(|| notes.note(protocol, &twin))
        })
    });
    if let Some(note) = note {
        let described = Note {
            description: format!("The new value of `{}`. {}", path.path, note.description),
            markdown: note.markdown.clone(),
        };
        annotate(&mut value, &described);
    }
    value
}

fn ionos(kind: Kind) -> Value {
    let file = match kind {
        Kind::IonosEnsure => "ionos.ensure.schema.json",
        _ => "ionos.create.schema.json",
    };
    let (mut root, mut definitions) = source(file);
    definitions.insert(TEMPLATE_VARIABLE.into(), template_variable());
    root["definitions"] = Value::Object(definitions);
    let ionos = &facts().ionos;
    let types: Vec<&String> = ionos.types.keys().collect();
    add_keywords(
        &mut root,
        "",
        "/properties/type",
        or_template(json!({"enum": types})),
    );
    // The block `type` names, with the members it needs (IDP110, IDP004).
    let branches: Vec<Value> = ionos
        .types
        .iter()
        .map(|(name, block)| {
            json!({
                "if": {"properties": {"type": {"const": name}}, "required": ["type"]},
                "then": {
                    "required": ["configuration"],
                    "properties": {"configuration": {
                        "required": [name],
                        "properties": {name: {"required": block.required}}
                    }}
                }
            })
        })
        .collect();
    add_keywords(&mut root, "", "/properties", json!({"allOf": branches}));
    // A create requires them by its schema, a PUT by IDP608: it replaces the
    // whole resource.
    for pointer in &ionos.create_required {
        let (parent, member) = pointer.rsplit_once('/').unwrap_or(("", pointer));
        if let Some(Value::Object(object)) =
            locate(&root, "", parent).and_then(|at| root.pointer_mut(&at))
        {
            let required = object.entry("required").or_insert_with(|| json!([]));
            if let Value::Array(list) = required {
                if !list.iter().any(|r| r == member) {
                    list.push(json!(member));
                }
            }
        }
    }
    if kind == Kind::IonosEnsure {
        add_keywords(
            &mut root,
            "",
            "/id",
            or_template(json!({"pattern": ionos.uuid.as_str()})),
        );
    }
    root
}

/// `deprecationMessage` (shown by VS Code as a warning) on each member only
/// the server sets, as idplint reports it.
fn deprecate_server_members(kind: Kind, doc: &mut Value) {
    let qlik = &facts().qlik;
    let read_only = ReadOnlyField::META;
    match kind {
        Kind::QlikCreate => {
            for protocol in Protocol::ALL {
                let name = protocol.name();
                let body = format!("/definitions/{name}");
                let reason = |member: &str| qlik.response_only_reasons.get(member).cloned();
                for member in &qlik.read_only_members {
                    let pointer = format!("/{member}");
                    deprecate(doc, &body, &pointer, read_only, reason(member));
                }
                for member in qlik
                    .response_only_option_members
                    .get(name)
                    .into_iter()
                    .flatten()
                {
                    let pointer = format!("/options/{member}");
                    deprecate(doc, &body, &pointer, read_only, reason(member));
                }
                for member in &qlik.decrypting_key.read_only {
                    let pointer = format!("/options/decryptingKey/{member}");
                    deprecate(doc, &body, &pointer, DecryptingKey::META, None);
                }
            }
        }
        Kind::IonosCreate | Kind::IonosEnsure => {
            for pointer in &facts().ionos.read_only_pointers {
                deprecate(doc, "", pointer, read_only, None);
            }
        }
        Kind::QlikPatch => {}
    }
}

/// Marks the member at `pointer` as one the server sets; `reason` says
/// more than that where the facts do.
fn deprecate(doc: &mut Value, body: &str, pointer: &str, rule: &RuleMeta, reason: Option<String>) {
    let member = pointer.rsplit('/').next().unwrap_or(pointer);
    let reason = reason.unwrap_or_else(|| "is set by the server".to_string());
    let message = format!(
        "`{member}` {reason}. Remove it from the request ({} {}).",
        rule.code, rule.name
    );
    add_keywords(doc, body, pointer, json!({ "deprecationMessage": message }));
}

// ---------------------------------------------------------------------------
// Building blocks

/// A schema of `rules/schemas/` as idplint compiles it (its `x-enum`s
/// filled in), without what makes it a document of its own: its body, and
/// its definitions.
fn source(file: &str) -> (Value, Map<String, Value>) {
    // Embedded schemas are covered by tests; a missing one is a build defect.
    let schema = super::by_file(file).unwrap_or_else(|| panic!("no embedded schema {file}"));
    let mut body = schema.document.clone();
    let mut definitions = Map::new();
    if let Value::Object(map) = &mut body {
        for key in ["$schema", "$id", "title", "description"] {
            map.shift_remove(key);
        }
        if let Some(Value::Object(defs)) = map.shift_remove("definitions") {
            definitions = defs;
        }
    }
    (body, definitions)
}

/// Points each `#/definitions/NAME` below `node` at `#/definitions/PREFIX.NAME`.
fn prefix_refs(node: &mut Value, prefix: &str) {
    match node {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get_mut("$ref") {
                if let Some(name) = target.strip_prefix("#/definitions/") {
                    *target = format!("#/definitions/{prefix}.{name}");
                }
            }
            map.values_mut().for_each(|v| prefix_refs(v, prefix));
        }
        Value::Array(items) => items.iter_mut().for_each(|v| prefix_refs(v, prefix)),
        _ => {}
    }
}

/// A string that is a template variable (`rules/placeholders.json`).
fn template_variable() -> Value {
    let alternatives: Vec<String> = facts()
        .placeholders
        .template_sources()
        .map(|p| format!("(?:{p})"))
        .collect();
    json!({
        "description": "A template variable (`${NAME}`, `{{name}}`, `$NAME`) that the deployment fills in: its format is not checked (IDP010).",
        "type": "string",
        "pattern": alternatives.join("|")
    })
}

/// `constraint`, or a template variable in its place.
fn or_template(constraint: Value) -> Value {
    json!({"anyOf": [constraint, {"$ref": format!("#/definitions/{TEMPLATE_VARIABLE}")}]})
}

fn max_length(chars: usize) -> Value {
    or_template(json!({ "maxLength": chars }))
}

/// A bound as JSON: a whole number without `.0`.
fn number(value: f64) -> Value {
    if value.fract() == 0.0 && value.abs() < 1e15 {
        json!(value as i64)
    } else {
        json!(value)
    }
}

/// Adds `keywords` to the schema of the member at instance `pointer` of the
/// body whose schema is at `body` (into its `properties`, say, rather than
/// in their place); nothing when the body has no such member.
fn add_keywords(doc: &mut Value, body: &str, pointer: &str, keywords: Value) {
    let at = locate(doc, body, pointer);
    if let (Some(Value::Object(node)), Value::Object(keywords)) =
        (at.and_then(|at| doc.pointer_mut(&at)), keywords)
    {
        merge(node, keywords);
    }
}

fn merge(node: &mut Map<String, Value>, keywords: Map<String, Value>) {
    for (key, value) in keywords {
        match (node.get_mut(&key), value) {
            (Some(Value::Object(existing)), Value::Object(added)) => merge(existing, added),
            (_, value) => {
                node.insert(key, value);
            }
        }
    }
}

/// Where the schema of the member at instance `pointer` (`*` for an array
/// item) is, as a pointer into `doc`, starting at the schema at `body`.
/// `$ref`s are followed, the member's own too.
fn locate(doc: &Value, body: &str, pointer: &str) -> Option<String> {
    let mut at = follow(doc, body.to_string())?;
    for token in pointer.split('/').skip(1) {
        let step = match token {
            "*" => "items".to_string(),
            name => format!("properties/{name}"),
        };
        at = follow(doc, format!("{at}/{step}"))?;
    }
    Some(at)
}

fn follow(doc: &Value, mut at: String) -> Option<String> {
    // Generated documents refer at most a few levels deep; the bound only
    // keeps a defect from looping.
    for _ in 0..8 {
        let node = doc.pointer(&at)?;
        match node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
        {
            Some(target) => at = target.to_string(),
            None => return Some(at),
        }
    }
    None
}

fn drop_comments(node: &mut Value) {
    match node {
        Value::Object(map) => {
            map.shift_remove("$comment");
            map.values_mut().for_each(drop_comments);
        }
        Value::Array(items) => items.iter_mut().for_each(drop_comments),
        _ => {}
    }
}

/// The document as printed: `$schema` and `title` first, `definitions` last.
fn finish(doc: Value, title: &str) -> Value {
    let Value::Object(mut body) = doc else {
        return doc;
    };
    let definitions = body.shift_remove("definitions");
    let mut out = Map::new();
    out.insert("$schema".into(), json!(DRAFT_07));
    out.insert("title".into(), json!(title));
    out.extend(body);
    if let Some(definitions) = definitions {
        out.insert("definitions".into(), definitions);
    }
    Value::Object(out)
}

// ---------------------------------------------------------------------------
// Descriptions

/// `rules/editor.json`.
#[derive(Deserialize)]
struct Notes {
    #[serde(rename = "$comment")]
    _comment: String,
    #[serde(flatten)]
    kinds: BTreeMap<String, KindNotes>,
}

#[derive(Deserialize)]
struct KindNotes {
    title: String,
    #[serde(default)]
    shares: Option<String>,
    #[serde(default)]
    members: BTreeMap<String, Note>,
    /// Notes that hold for one protocol's bodies only.
    #[serde(flatten)]
    protocols: BTreeMap<String, BTreeMap<String, Note>>,
}

#[derive(Deserialize)]
struct Note {
    description: String,
    /// What a rule manual adds, with the rule's code.
    #[serde(default)]
    markdown: Option<String>,
}

static NOTES: LazyLock<Notes> = LazyLock::new(|| {
    // Covered by tests; failing here is a build defect.
    serde_json::from_str(include_str!("../../rules/editor.json"))
        .unwrap_or_else(|e| panic!("rules/editor.json is invalid: {e}"))
});

/// The notes of one kind, and those it shares; remembers which it gave.
struct Describer {
    kind: &'static str,
    used: RefCell<BTreeSet<String>>,
}

impl Describer {
    fn new(kind: Kind) -> Self {
        Self {
            kind: kind.name(),
            used: RefCell::new(BTreeSet::new()),
        }
    }

    fn title(&self) -> &'static str {
        NOTES.kinds.get(self.kind).map_or("", |k| k.title.as_str())
    }

    /// The note of the member at `pointer` of a body of `protocol`: the
    /// protocol's own, else the kind's, else those of the kind it shares.
    fn note(&self, protocol: Option<&str>, pointer: &str) -> Option<&'static Note> {
        let mut kind = Some(self.kind);
        while let Some(name) = kind {
            let notes = NOTES.kinds.get(name)?;
            let own = protocol.and_then(|p| Some((p, notes.protocols.get(p)?.get(pointer)?)));
            let found = own.or_else(|| Some(("members", notes.members.get(pointer)?)));
            if let Some((section, note)) = found {
                self.used
                    .borrow_mut()
                    .insert(format!("{name} {section} {pointer}"));
                return Some(note);
            }
            kind = notes.shares.as_deref();
        }
        None
    }
}

/// Describes the root, every definition at the instance pointer it is
/// first referred to from, and every member below them.
fn describe_document(doc: &mut Value, notes: &Describer) {
    let places = definition_places(doc);
    if let Some(Value::Object(definitions)) = doc.get_mut("definitions") {
        for (name, definition) in definitions.iter_mut() {
            let Some(at) = places.get(name) else {
                continue;
            };
            let protocol = name
                .split('.')
                .next()
                .filter(|p| Protocol::from_name(p).is_some());
            // A definition a member refers to is described at the member.
            if at.is_empty() || at.ends_with("/*") {
                if let Some(note) = notes.note(protocol, at) {
                    annotate(definition, note);
                }
            }
            describe(definition, at, protocol, notes);
        }
    }
    if let Some(note) = notes.note(None, "") {
        annotate(doc, note);
    }
    describe(doc, "", None, notes);
}

/// Where each definition is first referred to from: the instance pointer
/// of the members it describes.
fn definition_places(doc: &Value) -> BTreeMap<String, String> {
    let mut places = BTreeMap::new();
    let mut found = Vec::new();
    refs_below(doc, "", &mut found);
    let mut found = VecDeque::from(found);
    while let Some((name, at)) = found.pop_front() {
        if places.contains_key(&name) {
            continue;
        }
        if let Some(definition) = doc.get("definitions").and_then(|d| d.get(&name)) {
            let mut below = Vec::new();
            refs_below(definition, &at, &mut below);
            found.extend(below);
        }
        places.insert(name, at);
    }
    places
}

/// The definitions `node` (at instance pointer `at`) refers to, with the
/// instance pointer of each reference, in document order.
fn refs_below(node: &Value, at: &str, found: &mut Vec<(String, String)>) {
    let Value::Object(map) = node else {
        return;
    };
    for (key, child) in map {
        match (key.as_str(), child) {
            ("$ref", Value::String(target)) => {
                if let Some(name) = target.strip_prefix("#/definitions/") {
                    found.push((name.to_string(), at.to_string()));
                }
            }
            ("properties", Value::Object(members)) => {
                for (name, member) in members {
                    refs_below(member, &format!("{at}/{name}"), found);
                }
            }
            ("items", _) => refs_below(child, &format!("{at}/*"), found),
            ("allOf" | "anyOf" | "oneOf", Value::Array(branches)) => {
                branches.iter().for_each(|b| refs_below(b, at, found));
            }
            ("then" | "else", _) => refs_below(child, at, found),
            _ => {}
        }
    }
}

/// Gives every member below `node` (at instance pointer `at`) its note,
/// and array items theirs, through `then` and the combinators. An `if`
/// holds conditions, not members.
fn describe(node: &mut Value, at: &str, protocol: Option<&str>, notes: &Describer) {
    let Value::Object(map) = node else {
        return;
    };
    for (key, child) in map.iter_mut() {
        match key.as_str() {
            "properties" => {
                let Value::Object(members) = child else {
                    continue;
                };
                for (name, member) in members.iter_mut() {
                    let pointer = format!("{at}/{name}");
                    wrap_ref(member);
                    if let Some(note) = notes.note(protocol, &pointer) {
                        annotate(member, note);
                    }
                    describe(member, &pointer, protocol, notes);
                }
            }
            "items" => {
                let pointer = format!("{at}/*");
                if let Some(note) = notes.note(protocol, &pointer) {
                    wrap_ref(child);
                    annotate(child, note);
                }
                describe(child, &pointer, protocol, notes);
            }
            "allOf" | "anyOf" | "oneOf" => {
                if let Value::Array(branches) = child {
                    for branch in branches {
                        describe(branch, at, protocol, notes);
                    }
                }
            }
            "then" | "else" => describe(child, at, protocol, notes),
            _ => {}
        }
    }
}

/// `{"$ref": …}` as `{"allOf": [{"$ref": …}]}`: in draft-07 the keywords
/// next to a `$ref` are ignored, a description among them.
fn wrap_ref(member: &mut Value) {
    if let Value::Object(map) = member {
        if map.len() == 1 && map.contains_key("$ref") {
            *member = json!({ "allOf": [Value::Object(std::mem::take(map))] });
        }
    }
}

/// Puts the note's `description` (and `markdownDescription`) first in
/// `node`, unless it has a description already.
fn annotate(node: &mut Value, note: &Note) {
    let Value::Object(map) = node else {
        return;
    };
    if map.contains_key("description") {
        return;
    }
    let mut described = Map::new();
    described.insert("description".into(), json!(note.description));
    if let Some(extra) = &note.markdown {
        described.insert(
            "markdownDescription".into(),
            json!(markdown(&note.description, extra)),
        );
    }
    described.extend(std::mem::take(map));
    *map = described;
}

/// The description, what the rule manuals add (their codes in bold), and
/// the commands that print those manuals.
fn markdown(description: &str, extra: &str) -> String {
    static CODE: LazyLock<Regex> = LazyLock::new(|| crate::facts::compile(r"IDP\d{3}"));
    let mut codes: Vec<&str> = Vec::new();
    for code in CODE.find_iter(extra).map(|m| m.as_str()) {
        if !codes.contains(&code) {
            codes.push(code);
        }
    }
    let emphasised = CODE.replace_all(extra, "**$0**");
    if codes.is_empty() {
        return format!("{description}\n\n{emphasised}");
    }
    let commands: Vec<String> = codes
        .iter()
        .map(|code| format!("`idplint explain {code}`"))
        .collect();
    format!(
        "{description}\n\n{emphasised}\n\nMore: {}",
        commands.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::{build, NOTES};
    use crate::kind::Kind;

    /// Every note of `rules/editor.json` describes a member of some
    /// schema: a note whose pointer is misspelt would describe nothing.
    #[test]
    fn every_note_is_used() {
        let mut used = std::collections::BTreeSet::new();
        for kind in Kind::ALL {
            used.extend(build(kind).1);
        }
        let mut unused = Vec::new();
        for (kind, notes) in &NOTES.kinds {
            let sections = notes
                .protocols
                .iter()
                .map(|(section, members)| (section.as_str(), members))
                .chain(std::iter::once(("members", &notes.members)));
            for (section, members) in sections {
                for pointer in members.keys() {
                    let key = format!("{kind} {section} {pointer}");
                    if !used.contains(&key) {
                        unused.push(key);
                    }
                }
            }
        }
        assert!(
            unused.is_empty(),
            "notes that describe nothing: {unused:#?}"
        );
    }
}
