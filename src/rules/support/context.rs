//! What a rule sees of a document: [`Context`], with the field queries that
//! find a create-body field in a create body and in the values of a Qlik
//! patch alike, and the per-document caches the rules share.

use serde_json::Value;
use smallvec::SmallVec;

use super::patch_targets::PatchTargets;
use crate::diagnostic::Anchor;
use crate::facts::{facts, Facts, Placeholder, Protocol};
use crate::kind::Kind;
use crate::source::{escape_token, parse_index, tokens, unescape_token, Members};

/// What a rule sees: the parsed document, its kind, the target protocol (for
/// a Qlik patch) and the facts.
pub struct Context<'a> {
    pub kind: Kind,
    pub root: &'a Value,
    /// The Qlik protocol the payload is for: `protocol` of a create body, or
    /// the target IdP's protocol of a patch (given or inferred), if known.
    pub protocol: Option<&'a str>,
    pub facts: &'static Facts,
    /// The document's field strings, collected once for the rules that read
    /// every string (IDP009, IDP010, IDP011).
    texts: std::cell::OnceCell<super::texts::Texts<'a>>,
    secret_pointers: std::cell::OnceCell<Vec<String>>,
    read_only_pointers: std::cell::OnceCell<Vec<String>>,
    materials: std::cell::OnceCell<Vec<super::key_material::Material<'a>>>,
    url_values: std::cell::OnceCell<Vec<super::urls::UrlValue<'a>>>,
    patch_targets: std::cell::OnceCell<PatchTargets<'a>>,
    claim_mappings: std::cell::OnceCell<Vec<super::claims::Mapping<'a>>>,
    pointer_table: std::cell::OnceCell<Option<super::pointer_table::PointerTable<'a>>>,
    unused_ionos_block: std::cell::OnceCell<Option<String>>,
    string_classes: super::string_classes::StringClasses<'a>,
}

/// A value the payload gives for a field, and where it sits.
#[derive(Debug, Clone)]
pub struct Field<'a> {
    /// Pointer to the value in this document.
    pub pointer: String,
    pub value: &'a Value,
}

impl<'a> Field<'a> {
    pub fn anchor(&self) -> Anchor {
        Anchor::value(self.pointer.clone())
    }
}

impl<'a> Context<'a> {
    pub fn new(kind: Kind, root: &'a Value, protocol: Option<&'a str>) -> Self {
        Self {
            kind,
            root,
            protocol,
            facts: facts(),
            texts: std::cell::OnceCell::new(),
            secret_pointers: std::cell::OnceCell::new(),
            read_only_pointers: std::cell::OnceCell::new(),
            materials: std::cell::OnceCell::new(),
            url_values: std::cell::OnceCell::new(),
            patch_targets: std::cell::OnceCell::new(),
            claim_mappings: std::cell::OnceCell::new(),
            pointer_table: std::cell::OnceCell::new(),
            unused_ionos_block: std::cell::OnceCell::new(),
            string_classes: super::string_classes::StringClasses::default(),
        }
    }

    /// Pointers of every secret string of the document (see
    /// [`super::secret_pointers`]), computed on first use.
    pub fn secret_pointers(&self) -> &[String] {
        self.secret_pointers
            .get_or_init(|| super::secret_pointers(self))
    }

    /// Pointers of the read-only members present in the document (see
    /// [`super::read_only::read_only_pointers`]), computed on first use.
    pub(crate) fn read_only_pointers(&self) -> &[String] {
        self.read_only_pointers
            .get_or_init(|| super::read_only::read_only_pointers(self))
    }

    /// The key material of every certificate-bearing field (see
    /// [`super::key_material::materials`]), read and decoded once per document.
    pub fn materials(&self) -> &[super::key_material::Material<'a>] {
        self.materials
            .get_or_init(|| super::key_material::materials(self))
    }

    /// Every claims mapping of the payload, with its mode.
    pub(crate) fn claim_mappings(&self) -> &[super::claims::Mapping<'a>] {
        self.claim_mappings
            .get_or_init(|| super::claims::mappings(self))
    }

    /// Every URL member of the payload, parsed once per document.
    pub(crate) fn url_values(&self) -> &[super::urls::UrlValue<'a>] {
        self.url_values
            .get_or_init(|| super::urls::url_values(self))
    }

    /// Every string value that stands for a field (see [`super::texts::texts`]),
    /// computed on first use.
    pub(crate) fn texts(&self) -> &super::texts::Texts<'a> {
        self.texts.get_or_init(|| super::texts::texts(self))
    }

    /// True when `text`, a string of this document, is or contains a
    /// template variable (`${NAME}`, `{{name}}`, `$NAME`).
    pub fn is_template(&self, text: &'a str) -> bool {
        self.string_classes
            .is_template(&self.facts.placeholders, text)
    }

    /// What kind of documentation placeholder `text`, a string of this
    /// document, is, and the part of it that says so.
    pub fn placeholder(&self, text: &'a str) -> Option<(Placeholder, &'a str)> {
        self.string_classes
            .placeholder(&self.facts.placeholders, text)
    }

    /// True when `text` is a documentation placeholder.
    pub fn is_placeholder(&self, text: &'a str) -> bool {
        self.placeholder(text).is_some()
    }

    /// True for a string that format checks may look at: not a template
    /// variable (IDP010) and not a documentation placeholder (IDP009).
    pub fn is_checkable(&self, text: &'a str) -> bool {
        !self.is_template(text) && !self.is_placeholder(text)
    }

    /// `value` as a string that format checks may look at: `None` for a
    /// non-string, a template variable or a documentation placeholder (those
    /// have rules of their own).
    pub fn checkable_str(&self, value: &'a Value) -> Option<&'a str> {
        value.as_str().filter(|&s| self.is_checkable(s))
    }

    /// The table of the document's values, built on first use; `None` for a
    /// document too large for one.
    fn pointer_table(&self) -> Option<&super::pointer_table::PointerTable<'a>> {
        self.pointer_table
            .get_or_init(|| super::pointer_table::PointerTable::of(self.root))
            .as_ref()
    }

    /// Visits every string of the document as [`super::walk_strings`]
    /// does, from the table of values when the document has one.
    pub fn walk_strings(&self, visit: &mut dyn FnMut(&str, Option<&'a str>, &'a str)) {
        match self.pointer_table() {
            Some(table) => table.each(&mut |pointer, key, value| {
                if let Value::String(s) = value {
                    visit(pointer, key, s);
                }
            }),
            None => super::walk_strings(self.root, visit),
        }
    }

    /// The value at `pointer` (RFC 6901) in this document.
    pub fn get(&self, pointer: &str) -> Option<&'a Value> {
        match self.pointer_table() {
            Some(table) => table.get(pointer).or_else(|| {
                table
                    .may_miss(pointer)
                    .then(|| resolve(self.root, pointer))
                    .flatten()
            }),
            None => resolve(self.root, pointer),
        }
    }

    /// The value at `pointer` joined with one more reference token, as
    /// `get(&format!("{pointer}/{token}"))` finds it, without the string.
    pub fn get_below(&self, pointer: &str, token: &str) -> Option<&'a Value> {
        step(self.get(pointer)?, token)
    }

    /// The string at `pointer`, if it is one.
    pub fn str(&self, pointer: &str) -> Option<&'a str> {
        self.get(pointer).and_then(Value::as_str)
    }

    /// Every value the payload gives for the create-body field `pattern`
    /// (tokens may be `*`, matching any member or item). For a Qlik patch,
    /// the values of operations whose `path` is the field or an ancestor of
    /// it, anchored inside `/N/value`.
    pub fn fields(&self, pattern: &str) -> Vec<Field<'a>> {
        let mut found = Vec::new();
        self.each_field(pattern, &mut |field| found.push(field));
        found
    }

    /// Hands each field [`Context::fields`] finds to `visit`, in the same
    /// order, without collecting them: a large patch has one per operation.
    pub fn each_field(&self, pattern: &str, visit: &mut dyn FnMut(Field<'a>)) {
        if matches!((self.kind, self.root), (Kind::QlikPatch, Value::Array(_))) {
            let first = pattern
                .strip_prefix('/')
                .and_then(|rest| tokens(rest).next());
            let mut candidates = self.patch_targets().candidates(first).peekable();
            if candidates.peek().is_none() {
                return;
            }
            let tokens = split_pointer(pattern);
            for target in candidates {
                if let Some(covered) = target.covers(&tokens) {
                    let mut pointer = String::with_capacity(32);
                    pointer.push('/');
                    super::push_index(&mut pointer, target.index);
                    pointer.push_str("/value");
                    collect(target.value, &tokens[covered..], &mut pointer, visit);
                }
            }
        } else if let Some(unused) = self.unused_ionos_block() {
            let unused = unused.as_str();
            if pattern.starts_with(unused) && pattern[unused.len()..].starts_with('/') {
                return;
            }
            self.each_document_field(pattern, &mut |field| {
                let inside = field.pointer.starts_with(unused)
                    && field.pointer[unused.len()..].starts_with('/');
                if !inside {
                    visit(field);
                }
            });
        } else {
            self.each_document_field(pattern, visit);
        }
    }

    /// [`Self::each_field`] in a document that is not a patch.
    fn each_document_field(&self, pattern: &str, visit: &mut dyn FnMut(Field<'a>)) {
        if let Some(star) = first_wildcard(pattern) {
            // The part before the first `*` is one lookup.
            let (prefix, rest) = pattern.split_at(star);
            if let Some(value) = self.get(prefix) {
                let mut pointer = String::with_capacity(pattern.len() + 8);
                pointer.push_str(prefix);
                collect(value, &split_pointer(rest), &mut pointer, visit);
            }
        } else if let Some(value) = self.get(pattern) {
            // One field at most, at the pattern itself.
            visit(Field {
                pointer: pattern.to_string(),
                value,
            });
        }
    }

    /// The pointer of an IONOS `configuration` block of the protocol `type`
    /// does not name, when the block `type` names is there too: the body
    /// carries both, and the other one is unused (IDP110 reports it), so no
    /// field check looks inside it.
    pub(crate) fn unused_ionos_block(&self) -> Option<&String> {
        self.unused_ionos_block
            .get_or_init(|| {
                if !matches!(self.kind, Kind::IonosCreate | Kind::IonosEnsure) {
                    return None;
                }
                let ionos = &self.facts.ionos;
                let wanted = ionos.canonical_type(self.str("/properties/type")?)?;
                let config = self.get("/properties/configuration")?.as_object()?;
                config.get(wanted)?;
                let other = ionos
                    .types
                    .keys()
                    .find(|t| t.as_str() != wanted && config.contains_key(t.as_str()))?;
                Some(format!("/properties/configuration/{other}"))
            })
            .as_ref()
    }

    fn patch_targets(&self) -> &PatchTargets<'a> {
        self.patch_targets.get_or_init(|| {
            PatchTargets::new(self.root.as_array().map(Vec::as_slice).unwrap_or_default())
        })
    }

    /// [`Self::fields`] over several patterns.
    pub fn fields_any(&self, patterns: &[&str]) -> Vec<Field<'a>> {
        patterns.iter().flat_map(|p| self.fields(p)).collect()
    }

    /// [`Self::protocol`] when it is a protocol Qlik has.
    pub fn qlik_protocol(&self) -> Option<Protocol> {
        self.protocol.and_then(Protocol::from_name)
    }

    /// The Qlik `provider` of a create body.
    pub fn provider(&self) -> Option<&'a str> {
        match self.kind {
            Kind::QlikCreate => self.str("/provider"),
            _ => None,
        }
    }
}

/// The value at `pointer` (RFC 6901) in `root`, as [`Value::pointer`] finds
/// it, without allocating for tokens that have no escape.
pub fn resolve<'v>(root: &'v Value, pointer: &str) -> Option<&'v Value> {
    if pointer.is_empty() {
        return Some(root);
    }
    let rest = pointer.strip_prefix('/')?;
    let mut node = root;
    // Most pointers have no escape: one search spares looking in each token.
    if memchr::memchr(b'~', rest.as_bytes()).is_none() {
        for token in tokens(rest) {
            node = step_unescaped(node, token)?;
        }
    } else {
        for token in tokens(rest) {
            node = step(node, token)?;
        }
    }
    Some(node)
}

/// The value one reference token below `node`.
fn step<'v>(node: &'v Value, token: &str) -> Option<&'v Value> {
    step_unescaped(node, &unescape_token(token))
}

/// The value below `node` at a reference token that has no escape.
fn step_unescaped<'v>(node: &'v Value, token: &str) -> Option<&'v Value> {
    match node {
        Value::Object(map) => map.member(token),
        Value::Array(items) => items.get(parse_index(token)?),
        _ => None,
    }
}

/// Where the first `*` token of a field pattern starts (at its `/`).
fn first_wildcard(pattern: &str) -> Option<usize> {
    memchr::memchr(b'*', pattern.as_bytes())?;
    let mut at = 0;
    for token in tokens(pattern.strip_prefix('/')?) {
        if token == "*" {
            return Some(at);
        }
        at += 1 + token.len();
    }
    None
}

/// A pointer's reference tokens; a field pattern has a handful.
fn split_pointer(pointer: &str) -> SmallVec<[&str; 8]> {
    match pointer.strip_prefix('/') {
        Some(rest) => tokens(rest).collect(),
        None => SmallVec::new(),
    }
}

fn collect<'a>(
    value: &'a Value,
    tokens: &[&str],
    pointer: &mut String,
    out: &mut dyn FnMut(Field<'a>),
) {
    let Some((first, rest)) = tokens.split_first() else {
        out(Field {
            pointer: pointer.clone(),
            value,
        });
        return;
    };
    let len = pointer.len();
    match value {
        Value::Object(map) if *first == "*" => {
            for (k, v) in map {
                pointer.push('/');
                pointer.push_str(&escape_token(k));
                collect(v, rest, pointer, out);
                pointer.truncate(len);
            }
        }
        Value::Object(map) => {
            let key = unescape_token(first);
            if let Some(v) = map.member(&key) {
                pointer.push('/');
                pointer.push_str(first);
                collect(v, rest, pointer, out);
                pointer.truncate(len);
            }
        }
        Value::Array(items) if *first == "*" => {
            for (i, v) in items.iter().enumerate() {
                pointer.push('/');
                super::push_index(pointer, i);
                collect(v, rest, pointer, out);
                pointer.truncate(len);
            }
        }
        Value::Array(items) => {
            if let Some(v) = parse_index(first).and_then(|i| items.get(i)) {
                pointer.push('/');
                pointer.push_str(first);
                collect(v, rest, pointer, out);
                pointer.truncate(len);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::super::patch_targets::PatchTarget;
    use super::{collect, split_pointer, Context, Kind};

    /// A patch's operations grouped by the first token of their path give
    /// every field query the answer that each operation alone gives, in
    /// document order.
    #[test]
    fn grouped_patch_targets_find_what_each_operation_finds() {
        let paths = [
            "/description",
            "/options",
            "/options/claimsMapping",
            "/options/claimsMapping/email",
            "",
            "/",
            "not-a-pointer",
            "/pendingOptions/discoveryUrl",
            "/a~1b",
            "/options/staticKeys/0",
        ];
        let ops: Vec<Value> = (0..40)
            .map(|i| {
                let path = paths[i % paths.len()];
                json!({"op": "replace", "path": path, "value": {
                    "claimsMapping": {"email": ["mail"]},
                    "staticKeys": [{"pem": "x"}],
                    "email": ["mail"],
                    "pem": "y",
                    "discoveryUrl": "https://idp/x",
                }})
            })
            .collect();
        let patch = Value::Array(ops.clone());
        let cx = Context::new(Kind::QlikPatch, &patch, None);
        let patterns = [
            "/description",
            "/options/claimsMapping/email",
            "/options/claimsMapping/*",
            "/options/staticKeys/*/pem",
            "/*/discoveryUrl",
            "/pendingOptions/discoveryUrl",
            "/a~1b",
            "",
        ];
        for pattern in patterns {
            let grouped: Vec<(String, &Value)> = cx
                .fields(pattern)
                .into_iter()
                .map(|f| (f.pointer, f.value))
                .collect();
            // Each operation on its own, as a patch of one and as its path
            // and value say without any grouping.
            let mut alone = Vec::new();
            let mut by_path = Vec::new();
            let tokens = split_pointer(pattern);
            for (i, op) in ops.iter().enumerate() {
                let single = Value::Array(vec![op.clone()]);
                let cx = Context::new(Kind::QlikPatch, &single, None);
                for f in cx.fields(pattern) {
                    let rest = f.pointer.strip_prefix("/0").unwrap_or_default();
                    alone.push((format!("/{i}{rest}"), patch.pointer(&format!("/{i}{rest}"))));
                }
                let Some(target) = PatchTarget::of(&ops, i) else {
                    continue;
                };
                if let Some(covered) = target.covers(&tokens) {
                    let mut pointer = format!("/{i}/value");
                    collect(target.value, &tokens[covered..], &mut pointer, &mut |f| {
                        by_path.push((f.pointer, Some(f.value)))
                    });
                }
            }
            assert_eq!(alone, by_path, "{pattern}");
            let grouped: Vec<_> = grouped.into_iter().map(|(p, v)| (p, Some(v))).collect();
            assert_eq!(grouped, alone, "{pattern}");
            assert!(
                !alone.is_empty() || pattern.is_empty(),
                "{pattern} finds nothing"
            );
        }
    }

    /// The table of values answers every pointer as a walk does, pointers
    /// it turns away by their length and last bytes and escapes it never
    /// writes (`~2`, `~01`) included.
    #[test]
    fn get_answers_as_a_walk_does() {
        let with_tildes =
            json!({"a~2": 1, "b~": {"c": [true, {"~1": "x"}]}, "d/e": null, "~01": 2});
        let without = json!({"options": {"claimsMapping": {"sub": ["sub"]}}, "a": [1, 2, 3]});
        for doc in [&with_tildes, &without] {
            let cx = Context::new(Kind::QlikCreate, doc, None);
            for pointer in [
                "",
                "/a~2",
                "/a~02",
                "/b~0",
                "/b~",
                "/b~0/c/1/~01",
                "/b~0/c/1/~1",
                "/d~1e",
                "/~01",
                "/~001",
                "/~0~1",
                "/options/claimsMapping/sub/0",
                "/options/claimsMapping/sub/1",
                "/options/claimsmapping",
                "/a/2",
                "/a/02",
                "/a/3",
                "/a",
                "/b",
                "/",
                "//",
            ] {
                let walked = super::resolve(doc, pointer).map(|v| v as *const Value);
                let got = cx.get(pointer).map(|v| v as *const Value);
                assert_eq!(got, walked, "{pointer} in {doc}");
            }
        }
        assert!(Context::new(Kind::QlikCreate, &with_tildes, None)
            .get("/a~2")
            .is_some());
    }

    /// A pattern with `*` finds, from its part before the first `*`, what a
    /// walk from the root finds.
    #[test]
    fn wildcard_fields_are_found_as_a_walk_from_the_root_finds_them() {
        let body = json!({
            "protocol": "SAML",
            "tenantIds": ["a1", "b2"],
            "options": {
                "certificates": [{"certificate": "MIIC1"}, {"name": "no certificate"}, {"certificate": "MIIC3"}],
                "claimsMapping": {"sub": ["nameid"], "a/b": ["x"], "c~d": []},
                "*": {"certificate": "a member named *"},
            },
            "pendingOptions": {"certificates": {"0": {"certificate": "an object, not a list"}}},
        });
        let cx = Context::new(Kind::QlikCreate, &body, None);
        for pattern in [
            "/tenantIds/*",
            "/options/certificates/*/certificate",
            "/pendingOptions/certificates/*/certificate",
            "/options/claimsMapping/*",
            "/options/claimsMapping/*/0",
            "/*/certificates/*/certificate",
            "/options/*/certificate",
            "/*",
            "/absent/*",
            "/tenantIds/*/x",
        ] {
            let found: Vec<(String, *const Value)> = cx
                .fields(pattern)
                .into_iter()
                .map(|f| (f.pointer, f.value as *const Value))
                .collect();
            let mut walked = Vec::new();
            collect(
                &body,
                &split_pointer(pattern),
                &mut String::new(),
                &mut |f| walked.push((f.pointer, f.value as *const Value)),
            );
            assert_eq!(found, walked, "{pattern}");
        }
        assert_eq!(cx.fields("/options/certificates/*/certificate").len(), 2);
        assert_eq!(cx.fields("/options/*/certificate").len(), 1);
    }
}
