//! Typed views of the data tables in `rules/`, embedded at build time and
//! parsed once. Rules read facts from here; no table is written in Rust.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

use prefilter::Prefilter;
pub use protocol::{Protocol, ProtocolNames};

mod prefilter;
mod protocol;

/// Every table, parsed.
pub struct Facts {
    pub protocols: ProtocolNames,
    pub qlik: QlikFacts,
    pub ionos: IonosFacts,
    pub patch: PatchPaths,
    pub url_shapes: UrlShapes,
    pub placeholders: Placeholders,
    pub secrets: Secrets,
    pub certificates: Certificates,
    pub code_scanning: CodeScanning,
}

static FACTS: LazyLock<Facts> = LazyLock::new(|| Facts {
    protocols: from_json(
        "rules/protocols.json",
        include_str!("../../rules/protocols.json"),
    ),
    qlik: from_json(
        "rules/qlik/facts.json",
        include_str!("../../rules/qlik/facts.json"),
    ),
    ionos: IonosFacts::compile(from_json(
        "rules/ionos/facts.json",
        include_str!("../../rules/ionos/facts.json"),
    )),
    patch: from_json(
        "rules/qlik/patch-paths.json",
        include_str!("../../rules/qlik/patch-paths.json"),
    ),
    url_shapes: UrlShapes::compile(from_json(
        "rules/url-shapes.json",
        include_str!("../../rules/url-shapes.json"),
    )),
    placeholders: Placeholders::compile(from_json(
        "rules/placeholders.json",
        include_str!("../../rules/placeholders.json"),
    )),
    secrets: from_json(
        "rules/secrets.json",
        include_str!("../../rules/secrets.json"),
    ),
    certificates: from_json(
        "rules/certificates.json",
        include_str!("../../rules/certificates.json"),
    ),
    code_scanning: from_json(
        "rules/code-scanning.json",
        include_str!("../../rules/code-scanning.json"),
    ),
});

/// The facts, loaded on first use.
pub fn facts() -> &'static Facts {
    &FACTS
}

fn from_json<T: for<'de> Deserialize<'de>>(name: &str, text: &str) -> T {
    // The tables are part of the binary and covered by tests: a parse failure
    // is a build defect, never a user input problem.
    serde_json::from_str(text).unwrap_or_else(|e| panic!("embedded table {name} is invalid: {e}"))
}

pub(crate) fn compile(pattern: &str) -> Regex {
    Regex::new(pattern).unwrap_or_else(|e| panic!("embedded pattern {pattern:?} is invalid: {e}"))
}

/// One pattern compiled on first use: most runs never consult a discovery
/// path shape or an individual placeholder pattern (their alternation is
/// tried first).
struct LazyRegex {
    source: String,
    compiled: std::sync::OnceLock<Regex>,
}

impl LazyRegex {
    fn new(source: String) -> Self {
        Self {
            source,
            compiled: std::sync::OnceLock::new(),
        }
    }

    fn get(&self) -> &Regex {
        self.compiled.get_or_init(|| compile(&self.source))
    }
}

fn lazy(sources: &[String]) -> Vec<LazyRegex> {
    sources.iter().cloned().map(LazyRegex::new).collect()
}

/// One pattern that matches where any of `patterns` does: one scan tells that
/// a value is none of them.
fn alternation<I: IntoIterator<Item = S>, S: AsRef<str>>(patterns: I) -> String {
    let alternatives: Vec<String> = patterns
        .into_iter()
        .map(|p| format!("(?:{})", p.as_ref()))
        .collect();
    alternatives.join("|")
}

/// A pattern with the [`Prefilter`] its syntax gives, if any: most strings
/// are turned away before the regex scans them, and the regex is compiled
/// only for the first string that is not (a clean file may have none).
struct Screened {
    prefilter: Option<Prefilter>,
    regex: LazyRegex,
}

impl Screened {
    fn new(pattern: String) -> Self {
        Self {
            prefilter: Prefilter::of(&pattern),
            regex: LazyRegex::new(pattern),
        }
    }

    fn is_match(&self, text: &str) -> bool {
        self.prefilter.as_ref().is_none_or(|p| p.may_match(text)) && self.regex.get().is_match(text)
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QlikFacts {
    pub protocols: BTreeMap<String, ProtocolFacts>,
    pub response_only_protocols: Vec<String>,
    pub response_only_providers: Vec<String>,
    pub email_verified_providers: Vec<String>,
    pub read_only_members: Vec<String>,
    /// Members of `options` and `pendingOptions` that only responses carry, per protocol.
    pub response_only_option_members: BTreeMap<String, Vec<String>>,
    /// Why a read-only member is wrong in a create body, where "the server
    /// sets it" is not the whole truth.
    pub response_only_reasons: BTreeMap<String, String>,
    /// The top-level members of a list response (`GET /api/v1/identity-providers`).
    pub list_response_members: Vec<String>,
    pub tolerated_extras: BTreeMap<String, Vec<String>>,
    pub protocol_only_members: BTreeMap<String, Vec<String>>,
    pub mode_required_members: ModeRequiredMembers,
    pub option_blocks: Vec<String>,
    pub claims: ClaimKeys,
    pub id_token_signature_algs: Vec<String>,
    pub decrypting_key: DecryptingKeyFacts,
    /// Value lists other tables refer to by name (`enum` in patch-paths.json).
    pub enums: BTreeMap<String, Vec<String>>,
    pub openid_configuration_required: Vec<String>,
    pub bounds: Bounds,
}

/// Members each Qlik mode needs inside its options block (IDP105).
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ModeRequiredMembers {
    /// `pendingOptions`, or `options` with `skipVerify`.
    pub interactive: Vec<String>,
    pub non_interactive: Vec<String>,
    pub jwt_auth: Vec<String>,
    pub saml: Vec<String>,
    pub saml_idp: SamlIdpMembers,
}

/// The two ways to describe a SAML IdP: its metadata document, or the parts.
#[derive(Deserialize)]
pub struct SamlIdpMembers {
    /// Pointer, relative to the options block, of the metadata document.
    pub metadata: String,
    pub manual: Vec<String>,
}

#[derive(Deserialize)]
pub struct ProtocolFacts {
    pub providers: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct ClaimKeys {
    pub interactive: Vec<String>,
    pub non_interactive: Vec<String>,
    pub saml: Vec<String>,
    pub interactive_required: Vec<String>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DecryptingKeyFacts {
    pub required: Vec<String>,
    pub offered_key_sizes: Vec<u64>,
    pub read_only: Vec<String>,
}

#[derive(Deserialize)]
pub struct Range {
    pub min: f64,
    pub max: f64,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Bounds {
    pub clock_tolerance_sec: Range,
    pub description_max_chars: usize,
    pub realm_max_chars: usize,
    pub realm_pattern: String,
    pub scope_max_chars: usize,
    pub audience_max_chars: usize,
    pub post_logout_redirect_uri_max_chars: usize,
    pub tenant_id_pattern: String,
    pub static_keys_count: usize,
}

impl QlikFacts {
    /// The protocols a request can create, in the table's order.
    pub fn protocol_names(&self) -> impl Iterator<Item = &str> {
        self.protocols.keys().map(String::as_str)
    }

    /// Providers allowed for `protocol`, if the protocol is creatable.
    pub fn providers_for(&self, protocol: &str) -> Option<&[String]> {
        self.protocols.get(protocol).map(|p| p.providers.as_slice())
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct IonosFactsFile {
    types: BTreeMap<String, IonosTypeFacts>,
    type_aliases: BTreeMap<String, String>,
    body_members: Vec<String>,
    create_required: Vec<String>,
    not_returned_by_get: Vec<String>,
    response_types: Vec<String>,
    collection_type: String,
    read_only_pointers: Vec<String>,
    domains_body: DomainsBody,
    uuid_pattern: String,
    domain_max_chars: usize,
    domain_label_max_chars: usize,
    member_aliases: BTreeMap<String, String>,
}

/// `rules/ionos/facts.json`, with its pattern compiled.
pub struct IonosFacts {
    /// `properties.type` values, each naming its `configuration` block.
    pub types: BTreeMap<String, IonosTypeFacts>,
    /// Wrong spellings of a type (lower-case, without separators) → the type.
    pub type_aliases: BTreeMap<String, String>,
    /// Top-level members of a request body.
    pub body_members: Vec<String>,
    /// Members a create body must carry, and so a PUT (full replace) too.
    pub create_required: Vec<String>,
    /// Members a GET response never returns.
    pub not_returned_by_get: Vec<String>,
    /// Top-level `type` values of response bodies.
    pub response_types: Vec<String>,
    /// The top-level `type` of a list response.
    pub collection_type: String,
    /// Server-populated members: never part of a request.
    pub read_only_pointers: Vec<String>,
    pub domains_body: DomainsBody,
    pub uuid: Regex,
    pub domain_max_chars: usize,
    pub domain_label_max_chars: usize,
    /// Names people write for a member (`clientId`) → the member (`clientName`).
    pub member_aliases: BTreeMap<String, String>,
}

#[derive(Deserialize)]
pub struct IonosTypeFacts {
    /// Members the type's `configuration` block must carry.
    pub required: Vec<String>,
    /// Members every IONOS example carries and the identity provider needs
    /// to work, although the API reference does not mark them required.
    #[serde(default)]
    pub expected: Vec<String>,
}

/// The body of `POST /federation/domains`, mistaken for an identity provider.
#[derive(Deserialize)]
pub struct DomainsBody {
    /// Its only member.
    pub member: String,
    /// Where it belongs.
    pub endpoint: String,
}

impl IonosFacts {
    fn compile(file: IonosFactsFile) -> Self {
        Self {
            types: file.types,
            type_aliases: file.type_aliases,
            body_members: file.body_members,
            create_required: file.create_required,
            not_returned_by_get: file.not_returned_by_get,
            response_types: file.response_types,
            collection_type: file.collection_type,
            read_only_pointers: file.read_only_pointers,
            domains_body: file.domains_body,
            uuid: compile(&file.uuid_pattern),
            domain_max_chars: file.domain_max_chars,
            domain_label_max_chars: file.domain_label_max_chars,
            member_aliases: file.member_aliases,
        }
    }

    /// The type `value` stands for: itself when valid, else the type it is a
    /// different spelling of (`OIDC`, `SAML2`, `OpenID Connect`), if any.
    pub fn canonical_type(&self, value: &str) -> Option<&str> {
        if let Some((name, _)) = self.types.get_key_value(value) {
            return Some(name);
        }
        let folded: String = value
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .map(|c| c.to_ascii_lowercase())
            .collect();
        self.types
            .get_key_value(folded.as_str())
            .map(|(name, _)| name.as_str())
            .or_else(|| self.type_aliases.get(&folded).map(String::as_str))
    }
}

/// `rules/qlik/patch-paths.json`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatchPaths {
    pub ops: BTreeMap<String, Vec<String>>,
    pub valueless_ops: Vec<String>,
    pub paths: Vec<PatchPath>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatchPath {
    pub path: String,
    #[serde(rename = "type")]
    pub value_type: String,
    pub protocols: Vec<String>,
    /// Name of the list in `facts.json` `enums` the value must be one of.
    #[serde(default, rename = "enum")]
    pub enum_name: Option<String>,
    /// Members an object value needs.
    #[serde(default)]
    pub required: Vec<String>,
    /// The shape of an array value's items.
    pub items: Option<PatchItems>,
    pub min_items: Option<usize>,
    pub max_items: Option<usize>,
}

/// The items of an array value in `rules/qlik/patch-paths.json`.
#[derive(Deserialize)]
pub struct PatchItems {
    #[serde(rename = "type")]
    pub value_type: String,
    #[serde(default)]
    pub required: Vec<String>,
}

impl PatchPaths {
    pub fn find(&self, path: &str) -> Option<&PatchPath> {
        self.paths.iter().find(|p| p.path == path)
    }

    /// Operations allowed for `protocol`, or for any protocol when it is
    /// unknown, in table order and without repeats.
    pub fn ops_for<'a>(&'a self, protocol: Option<&str>) -> Vec<&'a str> {
        let mut out: Vec<&str> = Vec::new();
        for (name, ops) in &self.ops {
            if protocol.is_none_or(|p| p == name) {
                for op in ops {
                    if !out.contains(&op.as_str()) {
                        out.push(op);
                    }
                }
            }
        }
        out
    }

    /// True for an operation that carries neither `path` nor `value`.
    pub fn is_valueless(&self, op: &str) -> bool {
        self.valueless_ops.iter().any(|o| o == op)
    }

    /// Paths allowed for `protocol`, or for any protocol when it is unknown.
    pub fn allowed<'a>(&'a self, protocol: Option<&'a str>) -> impl Iterator<Item = &'a PatchPath> {
        self.paths
            .iter()
            .filter(move |p| protocol.is_none_or(|proto| p.protocols.iter().any(|x| x == proto)))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UrlShapesFile {
    well_known_suffix: String,
    loopback_hosts: Vec<String>,
    url_fields: Vec<UrlField>,
    providers: BTreeMap<String, UrlShapeFile>,
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct UrlShapeFile {
    #[serde(default)]
    hosts: Vec<String>,
    path: Option<String>,
    #[serde(default)]
    also_accept: Vec<String>,
    #[serde(default)]
    any_vendor: bool,
    example: String,
}

/// What a URL field is for, which decides the checks it gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum UrlRole {
    /// An OpenID Connect discovery document.
    Discovery,
    /// A SAML metadata document.
    Metadata,
    /// An endpoint of the IdP.
    Endpoint,
    /// Where a browser is sent.
    Redirect,
}

/// Members that hold a URL in payloads of some kinds.
#[derive(Debug, Deserialize)]
pub struct UrlField {
    /// Kind names (`qlik.create`, …).
    pub kinds: Vec<String>,
    /// Qlik protocols that define the members; empty means any.
    #[serde(default)]
    pub protocols: Vec<String>,
    pub role: UrlRole,
    /// Create-body pointers of the members.
    pub pointers: Vec<String>,
}

impl UrlField {
    /// True when the members exist in a payload of the kind named `kind`
    /// for `protocol` (`None` when the protocol is not known: every field
    /// applies).
    pub fn applies(&self, kind: &str, protocol: Option<&str>) -> bool {
        self.kinds.iter().any(|k| k == kind)
            && (self.protocols.is_empty()
                || protocol.is_none_or(|p| self.protocols.iter().any(|x| x == p)))
    }
}

/// `rules/url-shapes.json`, with its patterns compiled.
pub struct UrlShapes {
    pub well_known_suffix: String,
    pub loopback_hosts: Vec<String>,
    pub url_fields: Vec<UrlField>,
    pub providers: BTreeMap<String, UrlShape>,
}

pub struct UrlShape {
    pub hosts: Vec<String>,
    path: Option<LazyRegex>,
    pub also_accept: Vec<String>,
    pub any_vendor: bool,
    pub example: String,
}

impl UrlShape {
    /// True when `host` is one of this provider's own hosts.
    pub fn owns_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').as_bytes();
        self.hosts.iter().any(|h| match h.strip_prefix('.') {
            Some(suffix) => {
                host.len() >= h.len()
                    && host[host.len() - h.len()..].eq_ignore_ascii_case(h.as_bytes())
                    || host.eq_ignore_ascii_case(suffix.as_bytes())
            }
            None => host.eq_ignore_ascii_case(h.as_bytes()),
        })
    }

    /// True when `path` is a discovery-document path of this provider.
    pub fn path_matches(&self, path: &str) -> bool {
        self.path.as_ref().is_none_or(|p| p.get().is_match(path))
    }
}

impl UrlShapes {
    fn compile(file: UrlShapesFile) -> Self {
        Self {
            well_known_suffix: file.well_known_suffix,
            loopback_hosts: file.loopback_hosts,
            url_fields: file.url_fields,
            providers: file
                .providers
                .into_iter()
                .map(|(name, s)| {
                    let shape = UrlShape {
                        hosts: s.hosts,
                        path: s.path.map(LazyRegex::new),
                        also_accept: s.also_accept,
                        any_vendor: s.any_vendor,
                        example: s.example,
                    };
                    (name, shape)
                })
                .collect(),
        }
    }

    /// The provider whose own hosts include `host`, if any.
    pub fn owner_of(&self, host: &str) -> Option<(&str, &UrlShape)> {
        self.providers
            .iter()
            .find(|(_, s)| s.owns_host(host))
            .map(|(n, s)| (n.as_str(), s))
    }

    /// True when plain http is acceptable for `host` (loopback).
    pub fn is_loopback(&self, host: &str) -> bool {
        let host = host.trim_start_matches('[').trim_end_matches(']');
        self.loopback_hosts
            .iter()
            .any(|h| h.eq_ignore_ascii_case(host))
    }
}

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct PlaceholdersFile {
    exact: Vec<String>,
    patterns: Vec<String>,
    truncated: Vec<String>,
    certificate_members: Vec<String>,
    host_members: Vec<String>,
    reserved_hosts: Vec<String>,
    reserved_suffixes: Vec<String>,
    templates: Vec<String>,
}

/// `rules/placeholders.json`, with its patterns compiled.
pub struct Placeholders {
    exact: Vec<String>,
    patterns: Vec<LazyRegex>,
    truncated: Vec<LazyRegex>,
    /// Members whose values are certificate material: a shortened value
    /// there is the certificate rules' to report.
    pub certificate_members: Vec<String>,
    /// Pointers of members that hold a bare DNS name.
    pub host_members: Vec<String>,
    reserved_hosts: Vec<String>,
    reserved_suffixes: Vec<String>,
    templates: Vec<LazyRegex>,
    /// `patterns` and `truncated` in one automaton: most strings are no
    /// placeholder, and one scan says so.
    any_placeholder: Screened,
    any_template: Screened,
}

impl Placeholders {
    fn compile(file: PlaceholdersFile) -> Self {
        Self {
            exact: file.exact,
            patterns: lazy(&file.patterns),
            truncated: lazy(&file.truncated),
            certificate_members: file.certificate_members,
            host_members: file.host_members,
            reserved_hosts: file.reserved_hosts,
            reserved_suffixes: file.reserved_suffixes,
            templates: lazy(&file.templates),
            any_placeholder: Screened::new(alternation(
                file.patterns.iter().chain(&file.truncated),
            )),
            any_template: Screened::new(alternation(&file.templates)),
        }
    }

    /// True for a documentation placeholder such as `<client-id>` or
    /// `string`, or a value shortened in the documentation (`MIIC...`).
    pub fn is_placeholder(&self, value: &str) -> bool {
        self.classify(value).is_some()
    }

    /// What kind of placeholder `value` is, if it is one.
    pub fn classify(&self, value: &str) -> Option<Placeholder> {
        self.find(value).map(|(kind, _)| kind)
    }

    /// What kind of placeholder `value` is, and the part of it that says so
    /// (the whole trimmed value, or the `<…>` inside a URL).
    pub fn find<'a>(&self, value: &'a str) -> Option<(Placeholder, &'a str)> {
        let trimmed = value.trim();
        if self.exact.iter().any(|e| e.eq_ignore_ascii_case(trimmed)) {
            return Some((Placeholder::Marker, trimmed));
        }
        // `<https://…>` is a real URL in Markdown's autolink brackets (IDP502).
        if autolink_inner(trimmed).is_some() {
            return None;
        }
        if !self.any_placeholder.is_match(trimmed) {
            return None;
        }
        if let Some(m) = self.patterns.iter().find_map(|p| p.get().find(trimmed)) {
            let part = m.as_str().trim_matches(|c: char| {
                !matches!(c, '<' | '>' | '{' | '}') && !c.is_alphanumeric()
            });
            let part = if part.is_empty() { trimmed } else { part };
            return Some((Placeholder::Marker, part));
        }
        self.truncated
            .iter()
            .any(|p| p.get().is_match(trimmed))
            .then_some((Placeholder::Truncated, trimmed))
    }

    /// The patterns of template variables, as `rules/placeholders.json` writes them.
    pub fn template_sources(&self) -> impl Iterator<Item = &str> {
        self.templates.iter().map(|t| t.source.as_str())
    }

    /// True when `value` is or contains a template variable (`${NAME}`, `{{name}}`, `$NAME`).
    pub fn is_template(&self, value: &str) -> bool {
        self.any_template.is_match(value)
    }

    /// The first template variable in `value`, as written.
    pub fn find_template<'a>(&self, value: &'a str) -> Option<&'a str> {
        if !self.any_template.is_match(value) {
            return None;
        }
        self.templates
            .iter()
            .filter_map(|p| p.get().find(value))
            .min_by_key(|m| m.start())
            .map(|m| m.as_str())
    }

    /// True for a host under a name reserved for documentation (RFC 2606, RFC 6761).
    pub fn is_reserved_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.reserved_hosts.contains(&host)
            || self
                .reserved_suffixes
                .iter()
                .any(|s| host.ends_with(s.as_str()))
    }
}

/// How a value is a documentation placeholder.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Placeholder {
    /// A stand-in to be replaced: `<client-id>`, `string`, `yourDomain.com`.
    Marker,
    /// A real-looking value shortened in the documentation: `MIIC...`.
    Truncated,
}

/// `rules/secrets.json`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Secrets {
    pub members: Vec<String>,
    pub private_key_marker: String,
    /// Words that mark a secret in any member name or patch path, found by
    /// a text search where no parse places the value.
    pub marking_words: Vec<String>,
    /// A searcher for `private_key_marker`, built once: every string of
    /// every payload is searched for it.
    #[serde(skip)]
    marker_finder: std::sync::OnceLock<memchr::memmem::Finder<'static>>,
}

impl Secrets {
    /// True when `text` holds the private-key marker anywhere, in any case
    /// and with any white space between its words (`private key`,
    /// `PRIVATE\u{a0}KEY`).
    pub fn mentions_private_key(&self, text: &str) -> bool {
        let exact = self
            .marker_finder
            .get_or_init(|| memchr::memmem::Finder::new(&self.private_key_marker).into_owned());
        // A label written loosely is still a PEM label, between dashes.
        exact.find(text.as_bytes()).is_some()
            || (memchr::memmem::find(text.as_bytes(), b"-----").is_some()
                && self.loose_marker_at(text).is_some())
    }

    /// True for a PEM label that names a private key, in any case and
    /// spacing (`RSA PRIVATE KEY`, `private  key`).
    pub fn is_private_key_label(&self, label: &str) -> bool {
        label.contains(&self.private_key_marker) || self.loose_marker_at(label).is_some()
    }

    /// Where the marker's words stand in `text` compared loosely: ASCII case
    /// ignored, any run of white space (a non-breaking space too) for each
    /// space of the marker.
    pub fn loose_marker_at(&self, text: &str) -> Option<std::ops::Range<usize>> {
        let words: Vec<&str> = self.private_key_marker.split(' ').collect();
        let first = words.first()?.as_bytes().first()?;
        let bytes = text.as_bytes();
        memchr::memchr2_iter(
            first.to_ascii_lowercase(),
            first.to_ascii_uppercase(),
            bytes,
        )
        .find_map(|start| {
            let mut at = start;
            for (i, word) in words.iter().enumerate() {
                if i > 0 {
                    let rest = &text[at..];
                    let spaced = rest.len() - rest.trim_start().len();
                    if spaced == 0 {
                        return None;
                    }
                    at += spaced;
                }
                let end = at + word.len();
                if !bytes.get(at..end)?.eq_ignore_ascii_case(word.as_bytes()) {
                    return None;
                }
                at = end;
            }
            Some(start..at)
        })
    }
}

/// `rules/certificates.json`: the fields that carry key material, and the
/// limits the IDP3xx rules apply.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Certificates {
    pub fields: Vec<CertificateField>,
    /// PEM label → the DER syntax it announces (RFC 7468).
    pub pem_labels: BTreeMap<String, KeySyntax>,
    pub min_rsa_bits: usize,
    /// Signature algorithm OID → its name, for digests too weak to trust.
    pub weak_signature_algorithms: BTreeMap<String, String>,
    pub expiry_notice_days: i64,
}

/// One field that carries a certificate or a public key.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct CertificateField {
    /// Create-body pointer; `*` matches any member or item.
    pub pointer: String,
    /// Payload kinds (`qlik.create`, …) the field exists in.
    pub kinds: Vec<String>,
    pub encoding: KeyEncoding,
    #[serde(default)]
    pub single_line: bool,
    pub accepts: Vec<KeySyntax>,
    #[serde(default)]
    pub tolerates: Vec<KeySyntax>,
    /// Key algorithms the vendor documents for the field; empty = any.
    #[serde(default)]
    pub key_algorithms: Vec<String>,
    #[serde(default)]
    pub key_algorithms_context: String,
}

impl CertificateField {
    /// True when the field exists in a payload of the kind named `kind`.
    pub fn applies_to(&self, kind: &str) -> bool {
        self.kinds.iter().any(|k| k == kind)
    }
}

/// How a field writes its key material.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum KeyEncoding {
    /// PEM armour around base64.
    Pem,
    /// The bare base64 of the DER, no armour.
    Base64Der,
    /// Either of the two.
    PemOrBase64,
}

/// What DER structure a value holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "camelCase")]
pub enum KeySyntax {
    /// An X.509 certificate (RFC 5280).
    Certificate,
    /// A SubjectPublicKeyInfo, PEM `PUBLIC KEY` (RFC 5280 §4.1.2.7).
    SubjectPublicKeyInfo,
    /// A PKCS#1 RSAPublicKey, PEM `RSA PUBLIC KEY` (RFC 8017 §A.1.1).
    RsaPublicKey,
}

/// `rules/code-scanning.json`: what GitHub code scanning reads about each
/// rule besides its code, name, severity and manual.
#[derive(Deserialize)]
pub struct CodeScanning {
    /// Rule code → its entry; every rule has one.
    pub rules: BTreeMap<String, ScanningRule>,
}

impl CodeScanning {
    /// The entry of the rule with `code`.
    pub fn rule(&self, code: &str) -> Option<&ScanningRule> {
        self.rules.get(code)
    }
}

/// One rule's entry in `rules/code-scanning.json`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ScanningRule {
    pub precision: Precision,
    /// What kind of problem the rule finds (`security`, a CWE id,
    /// `correctness`); the vendors come from the rule's kinds instead.
    pub tags: Vec<String>,
    /// For a rule whose findings are security alerts.
    pub security: Option<SecurityRating>,
}

/// How often a rule's findings are right, in GitHub's words.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Precision {
    VeryHigh,
    High,
    Medium,
    Low,
}

impl Precision {
    pub fn as_str(self) -> &'static str {
        match self {
            Precision::VeryHigh => "very-high",
            Precision::High => "high",
            Precision::Medium => "medium",
            Precision::Low => "low",
        }
    }
}

/// A security rule's rating.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SecurityRating {
    /// GitHub's `security-severity`: a score from 0.0 to 10.0, written with
    /// one decimal (critical from 9.0, high from 7.0, medium from 4.0).
    pub severity: String,
    /// Why the rule's findings are security problems, and of that severity.
    #[cfg_attr(not(test), allow(dead_code))]
    pub reason: String,
}

/// The URL inside `<https://…>`, Markdown's autolink brackets that a value
/// copied from rendered documentation keeps.
pub fn autolink_inner(s: &str) -> Option<&str> {
    let inner = s.strip_prefix('<')?.strip_suffix('>')?;
    let scheme_end = inner.find("://")?;
    let plain = inner
        .bytes()
        .all(|b| b.is_ascii_graphic() && b != b'<' && b != b'>');
    (plain
        && matches!(
            inner[..scheme_end].to_ascii_lowercase().as_str(),
            "http" | "https"
        ))
    .then_some(inner)
}

#[cfg(test)]
mod ionos_response_tests;

#[cfg(test)]
mod tests {
    use super::facts;

    #[test]
    fn hosts_are_owned_whatever_their_case_and_trailing_dot() {
        let shapes = &facts().url_shapes;
        let okta = &shapes.providers["okta"];
        let azure = &shapes.providers["azureAD"];
        for host in [
            "acme.okta.com",
            "ACME.Okta.COM",
            "acme.okta.com.",
            "okta.com",
            "a.b.oktapreview.com",
        ] {
            assert!(okta.owns_host(host), "{host}");
        }
        for host in ["evilokta.com", "okta.com.evil.io", "acme.okta.co", "", "."] {
            assert!(!okta.owns_host(host), "{host}");
        }
        assert!(azure.owns_host("Login.MicrosoftOnline.com"));
        assert!(!azure.owns_host("x.login.microsoftonline.com"));
        assert_eq!(
            shapes.owner_of("Dev-123.OKTA.com").map(|(name, _)| name),
            Some("okta")
        );
        assert_eq!(
            shapes.owner_of("idp.acme-corp.io").map(|(name, _)| name),
            None
        );
    }
}
