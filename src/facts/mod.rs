//! Typed views of the data tables in `rules/`, embedded at build time and
//! parsed once. Rules read facts from here; no table is written in Rust.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use regex::Regex;
use serde::Deserialize;

/// Every table, parsed.
pub struct Facts {
    pub qlik: QlikFacts,
    pub patch: PatchPaths,
    pub url_shapes: UrlShapes,
    pub placeholders: Placeholders,
    pub secrets: Secrets,
}

static FACTS: LazyLock<Facts> = LazyLock::new(|| Facts {
    qlik: from_json(
        "rules/qlik/facts.json",
        include_str!("../../rules/qlik/facts.json"),
    ),
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

#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct QlikFacts {
    pub protocols: BTreeMap<String, ProtocolFacts>,
    pub response_only_protocols: Vec<String>,
    pub response_only_providers: Vec<String>,
    pub email_verified_providers: Vec<String>,
    pub read_only_members: Vec<String>,
    pub tolerated_extras: BTreeMap<String, Vec<String>>,
    pub protocol_only_members: BTreeMap<String, Vec<String>>,
    pub option_blocks: Vec<String>,
    pub claims: ClaimKeys,
    pub id_token_signature_algs: Vec<String>,
    pub decrypting_key: DecryptingKeyFacts,
    pub openid_configuration_required: Vec<String>,
    pub bounds: Bounds,
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

/// `rules/qlik/patch-paths.json`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct PatchPaths {
    pub ops: BTreeMap<String, Vec<String>>,
    pub valueless_ops: Vec<String>,
    pub paths: Vec<PatchPath>,
}

#[derive(Deserialize)]
pub struct PatchPath {
    pub path: String,
    #[serde(rename = "type")]
    pub value_type: String,
    pub protocols: Vec<String>,
}

impl PatchPaths {
    pub fn find(&self, path: &str) -> Option<&PatchPath> {
        self.paths.iter().find(|p| p.path == path)
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
    #[serde(default)]
    host_required: bool,
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
    /// True when the members exist in a payload of `kind` for `protocol`
    /// (`None` when the protocol is not known: every field applies).
    pub fn applies(&self, kind: crate::Kind, protocol: Option<&str>) -> bool {
        self.kinds.iter().any(|k| k == kind.name())
            && (self.protocols.is_empty()
                || protocol.map_or(true, |p| self.protocols.iter().any(|x| x == p)))
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
    pub host_required: bool,
    pub path: Option<Regex>,
    pub also_accept: Vec<String>,
    pub any_vendor: bool,
    pub example: String,
}

impl UrlShape {
    /// True when `host` is one of this provider's own hosts.
    pub fn owns_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.hosts.iter().any(|h| match h.strip_prefix('.') {
            Some(suffix) => host.ends_with(h.as_str()) || host == suffix,
            None => host == *h,
        })
    }

    /// True when `path` is a discovery-document path of this provider.
    pub fn path_matches(&self, path: &str) -> bool {
        self.path.as_ref().map_or(true, |p| p.is_match(path))
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
                        host_required: s.host_required,
                        path: s.path.as_deref().map(compile),
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
    reserved_hosts: Vec<String>,
    reserved_suffixes: Vec<String>,
    templates: Vec<String>,
}

/// `rules/placeholders.json`, with its patterns compiled.
pub struct Placeholders {
    exact: Vec<String>,
    patterns: Vec<Regex>,
    reserved_hosts: Vec<String>,
    reserved_suffixes: Vec<String>,
    templates: Vec<Regex>,
}

impl Placeholders {
    fn compile(file: PlaceholdersFile) -> Self {
        Self {
            exact: file.exact,
            patterns: file.patterns.iter().map(|p| compile(p)).collect(),
            reserved_hosts: file.reserved_hosts,
            reserved_suffixes: file.reserved_suffixes,
            templates: file.templates.iter().map(|p| compile(p)).collect(),
        }
    }

    /// True for a documentation placeholder such as `<client-id>` or `string`.
    pub fn is_placeholder(&self, value: &str) -> bool {
        let trimmed = value.trim();
        self.exact.iter().any(|e| e.eq_ignore_ascii_case(trimmed))
            || self.patterns.iter().any(|p| p.is_match(trimmed))
    }

    /// True when `value` is or contains a template variable (`${NAME}`, `{{name}}`, `$NAME`).
    pub fn is_template(&self, value: &str) -> bool {
        self.templates.iter().any(|p| p.is_match(value))
    }

    /// True for a host under a name reserved for documentation (RFC 2606, RFC 6761).
    pub fn is_reserved_host(&self, host: &str) -> bool {
        let host = host.trim_end_matches('.').to_ascii_lowercase();
        self.reserved_hosts.iter().any(|h| *h == host)
            || self
                .reserved_suffixes
                .iter()
                .any(|s| host.ends_with(s.as_str()))
    }
}

/// `rules/secrets.json`.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct Secrets {
    pub members: Vec<String>,
    pub private_key_marker: String,
}
