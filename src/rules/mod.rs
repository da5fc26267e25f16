//! The rules: one file per rule or tight family, each declared with
//! [`declare_rule!`](crate::declare_rule), and the registry [`ALL`], sorted by code.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;
use smallvec::SmallVec;

use crate::diagnostic::{Anchor, Finding};
use crate::facts::{facts, Facts, Placeholder};
use crate::kind::Kind;
use crate::source::{escape_token, last_token, parse_index, tokens, unescape_token, Members};

pub mod bounds;
pub mod certificate_expired;
pub mod certificate_unparseable;
pub mod claims;
pub mod decrypting_key;
pub mod id_token_alg;
pub mod input;
pub mod ionos_fields;
pub mod ionos_protocol;
pub mod ionos_update;
pub mod mode;
pub mod patch;
pub mod pem_armour_in_base64_field;
pub mod pem_not_single_line;
pub mod pem_private_key;
pub mod pem_wrong_label;
pub mod placeholders;
pub mod protocol;
pub mod protocol_only_field;
pub mod provider_options;
pub mod read_only_field;
pub mod response_as_request;
pub mod secret_in_file;
pub mod static_keys_count;
pub mod support;
pub mod urls;
pub mod weak_key;

pub use crate::rule_meta::{Declared, RuleMeta};

/// A check over one parsed document.
pub trait Rule: Declared + Sync + Send {
    /// Pushes one finding per problem. Rules whose findings the engine itself
    /// emits (syntax, duplicate keys, schema findings) keep the default.
    fn check(&self, _cx: &Context<'_>, _out: &mut Vec<Finding>) {}
}

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
    texts: std::cell::OnceCell<placeholders::Texts<'a>>,
    secret_pointers: std::cell::OnceCell<Vec<String>>,
    read_only_pointers: std::cell::OnceCell<Vec<String>>,
    materials: std::cell::OnceCell<Vec<support::key_material::Material<'a>>>,
    url_values: std::cell::OnceCell<Vec<urls::UrlValue<'a>>>,
    patch_targets: std::cell::OnceCell<PatchTargets<'a>>,
    claim_mappings: std::cell::OnceCell<Vec<claims::Mapping<'a>>>,
    pointer_table: std::cell::OnceCell<Option<support::pointer_table::PointerTable<'a>>>,
    string_classes: support::string_classes::StringClasses<'a>,
}

/// A Qlik patch operation that has a `path` and a `value`, as a field query
/// sees it.
struct PatchTarget<'a> {
    index: usize,
    /// The path's reference tokens, still escaped, after the leading `/`;
    /// `None` for a path that is no pointer (it has no tokens).
    tokens: Option<&'a str>,
    value: &'a Value,
}

impl<'a> PatchTarget<'a> {
    fn of(ops: &'a [Value], index: usize) -> Option<Self> {
        let op = ops.get(index)?.as_object()?;
        let path = op.member("path")?.as_str()?;
        let value = op.member("value")?;
        Some(Self {
            index,
            tokens: path.strip_prefix('/'),
            value,
        })
    }

    /// How many of `pattern`'s tokens the path covers, when the path is
    /// `pattern` or an ancestor of it (a `*` token matches any).
    fn covers(&self, pattern: &[&str]) -> Option<usize> {
        let Some(path) = self.tokens else {
            return Some(0);
        };
        let mut covered = 0;
        for token in tokens(path) {
            let wanted = pattern.get(covered)?;
            if *wanted != "*" && unescape_token(token) != unescape_token(wanted) {
                return None;
            }
            covered += 1;
        }
        Some(covered)
    }
}

/// The operations of a Qlik patch that have a `path` and a `value`, by
/// position, grouped by the first token of their path so that a field query
/// looks only at the operations that can hold the field. A large patch has
/// millions of operations: positions are all that is kept of them.
#[derive(Default)]
struct PatchTargets<'a> {
    ops: &'a [Value],
    /// The targets whose path starts with each token. Asked for every field
    /// query of a patch: a fast hash rather than SipHash.
    by_first_token: HashMap<Cow<'a, str>, Vec<u32>, foldhash::fast::RandomState>,
    /// The targets whose path has no token: they hold every field.
    whole: Vec<u32>,
}

impl<'a> PatchTargets<'a> {
    fn new(ops: &'a [Value]) -> Self {
        let mut targets = Self {
            ops,
            ..Self::default()
        };
        for index in 0..ops.len() {
            let Some(target) = PatchTarget::of(ops, index) else {
                continue;
            };
            match target.tokens.and_then(|path| tokens(path).next()) {
                Some(first) => targets
                    .by_first_token
                    .entry(unescape_token(first))
                    .or_default()
                    .push(index as u32),
                None => targets.whole.push(index as u32),
            }
        }
        targets
    }

    /// The targets that may hold a field whose pattern starts with the
    /// reference token `first` (every target for none), in document order.
    fn candidates<'t>(
        &'t self,
        first: Option<&str>,
    ) -> impl Iterator<Item = PatchTarget<'a>> + use<'t, 'a> {
        let first = first.filter(|&first| first != "*");
        let (every, whole, named): (usize, &'t [u32], &'t [u32]) = match first {
            None => (self.ops.len(), &[], &[]),
            Some(first) => (
                0,
                &self.whole,
                self.by_first_token
                    .get(unescape_token(first).as_ref())
                    .map(Vec::as_slice)
                    .unwrap_or_default(),
            ),
        };
        let ops = self.ops;
        (0..every)
            .chain(merged(whole, named).map(|index| index as usize))
            .filter_map(move |index| PatchTarget::of(ops, index))
    }
}

/// The union of two ascending lists, ascending.
fn merged<'s>(mut a: &'s [u32], mut b: &'s [u32]) -> impl Iterator<Item = u32> + 's {
    std::iter::from_fn(move || {
        let take_a = match (a.first(), b.first()) {
            (Some(x), Some(y)) => x < y,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        let list = if take_a { &mut a } else { &mut b };
        let (&next, rest) = list.split_first()?;
        *list = rest;
        Some(next)
    })
}

/// A value the payload gives for a field, and where it sits.
#[derive(Debug, Clone)]
pub struct Field<'a> {
    /// Pointer to the value in this document.
    pub pointer: String,
    pub value: &'a Value,
}

impl<'a> Field<'a> {
    /// The last token of the field's pointer (its member name).
    pub fn name(&self) -> String {
        unescape_token(last_token(&self.pointer)).into_owned()
    }

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
            string_classes: support::string_classes::StringClasses::default(),
        }
    }

    /// Pointers of every secret string of the document (see
    /// [`support::secret_pointers`]), computed on first use.
    pub fn secret_pointers(&self) -> &[String] {
        self.secret_pointers
            .get_or_init(|| support::secret_pointers(self))
    }

    /// Pointers of the read-only members present in the document (see
    /// [`read_only_field::read_only_pointers`]), computed on first use.
    pub(crate) fn read_only_pointers(&self) -> &[String] {
        self.read_only_pointers
            .get_or_init(|| read_only_field::read_only_pointers(self))
    }

    /// The key material of every certificate-bearing field (see
    /// [`support::key_material::materials`]), read and decoded once per document.
    pub fn materials(&self) -> &[support::key_material::Material<'a>] {
        self.materials
            .get_or_init(|| support::key_material::materials(self))
    }

    /// Every claims mapping of the payload, with its mode.
    pub(crate) fn claim_mappings(&self) -> &[claims::Mapping<'a>] {
        self.claim_mappings.get_or_init(|| claims::mappings(self))
    }

    /// Every URL member of the payload, parsed once per document.
    pub(crate) fn url_values(&self) -> &[urls::UrlValue<'a>] {
        self.url_values.get_or_init(|| urls::url_values(self))
    }

    /// Every string value that stands for a field (see [`placeholders::texts`]),
    /// computed on first use.
    pub(crate) fn texts(&self) -> &placeholders::Texts<'a> {
        self.texts.get_or_init(|| placeholders::texts(self))
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
    fn pointer_table(&self) -> Option<&support::pointer_table::PointerTable<'a>> {
        self.pointer_table
            .get_or_init(|| support::pointer_table::PointerTable::of(self.root))
            .as_ref()
    }

    /// Visits every string of the document as [`support::walk_strings`]
    /// does, from the table of values when the document has one.
    pub fn walk_strings(&self, visit: &mut dyn FnMut(&str, Option<&'a str>, &'a str)) {
        match self.pointer_table() {
            Some(table) => table.each(&mut |pointer, key, value| {
                if let Value::String(s) = value {
                    visit(pointer, key, s);
                }
            }),
            None => support::walk_strings(self.root, visit),
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
                    support::push_index(&mut pointer, target.index);
                    pointer.push_str("/value");
                    collect(target.value, &tokens[covered..], &mut pointer, visit);
                }
            }
        } else if let Some(star) = first_wildcard(pattern) {
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

    fn patch_targets(&self) -> &PatchTargets<'a> {
        self.patch_targets.get_or_init(|| {
            PatchTargets::new(self.root.as_array().map(Vec::as_slice).unwrap_or_default())
        })
    }

    /// [`Self::fields`] over several patterns.
    pub fn fields_any(&self, patterns: &[&str]) -> Vec<Field<'a>> {
        patterns.iter().flat_map(|p| self.fields(p)).collect()
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
                support::push_index(pointer, i);
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

/// Every rule, sorted by code.
pub static ALL: &[&dyn Rule] = &[
    &input::InvalidJson,
    &input::DuplicateKey,
    &input::UnknownPayload,
    &input::MissingField,
    &input::WrongType,
    &input::UnknownField,
    &read_only_field::ReadOnlyField,
    &response_as_request::ResponseAsRequest,
    &placeholders::PlaceholderValue,
    &placeholders::TemplateVariable,
    &secret_in_file::SecretInFile,
    &protocol::ProtocolUnknown,
    &protocol::ProviderProtocolMismatch,
    &mode::InteractiveModeMismatch,
    &mode::OptionsConflict,
    &mode::ModeRequiredMissing,
    &protocol_only_field::ProtocolOnlyField,
    &provider_options::ProviderOnlyOption,
    &provider_options::AzureEmailUnverified,
    &ionos_protocol::IonosTypeInvalid,
    &ionos_protocol::IonosConfigBlockMismatch,
    &id_token_alg::IdTokenAlg,
    &decrypting_key::DecryptingKey,
    &bounds::ClockToleranceOutOfRange,
    &bounds::ClockToleranceFractional,
    &bounds::DescriptionTooLong,
    &bounds::TenantIdFormat,
    &bounds::RealmFormat,
    &bounds::ScopeFormat,
    &bounds::AudienceTooLong,
    &ionos_fields::IonosNameInvalid,
    &ionos_fields::IonosDomainFormat,
    &ionos_fields::UuidFormat,
    &pem_not_single_line::PemNotSingleLine,
    &certificate_unparseable::CertificateUnparseable,
    &pem_private_key::PemPrivateKey,
    &pem_wrong_label::PemWrongLabel,
    &pem_armour_in_base64_field::PemArmourInBase64Field,
    &certificate_expired::CertificateExpired,
    &weak_key::WeakKey,
    &static_keys_count::StaticKeysCount,
    &claims::ClaimsValueNotArray,
    &claims::ClaimsKeyNotAllowed,
    &claims::ClaimsPointerInvalid,
    &claims::ClaimsPointerUnescaped,
    &claims::ClaimsRequiredMissing,
    &claims::ClaimsEmptyOrDuplicate,
    &urls::DiscoveryMissing,
    &urls::UrlInvalid,
    &urls::UrlNotHttps,
    &urls::DiscoveryUrlNotWellKnown,
    &urls::DiscoveryUrlProviderMismatch,
    &urls::OpenidConfigurationIncomplete,
    &urls::UrlTooLong,
    &patch::PatchNotArray,
    &patch::PatchOpNotAllowed,
    &patch::PatchPathNotAllowed,
    &patch::PatchValueMissing,
    &patch::PatchValueInvalid,
    &patch::PromoteOptionsForm,
    &patch::PatchProtocolAmbiguous,
    &ionos_update::EnsureIncomplete,
    &ionos_update::IonosPatchUnsupported,
];

/// The rule with `code` or `name`.
pub fn find(code_or_name: &str) -> Option<&'static dyn Rule> {
    ALL.iter()
        .copied()
        .find(|r| r.meta().code.eq_ignore_ascii_case(code_or_name) || r.meta().name == code_or_name)
}

/// The rule reference as Markdown (`rules/CATALOG.md`).
pub fn catalog_markdown() -> String {
    let mut out = String::from(
        "# Rule reference\n\nGenerated by `idplint rules --format markdown`; `idplint explain CODE` prints a rule's full documentation.\n\n| code | name | severity | kinds | summary |\n|---|---|---|---|---|\n",
    );
    for r in ALL {
        let m = r.meta();
        let kinds = m
            .kinds
            .iter()
            .map(|k| k.name())
            .collect::<Vec<_>>()
            .join(", ");
        out.push_str(&format!(
            "| {} | {} | {} | {} | {} |\n",
            m.code,
            m.name,
            m.severity,
            kinds,
            m.summary()
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use serde_json::{json, Value};

    use super::{collect, split_pointer, Context, Kind, PatchTarget};

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
