//! Recognising what a payload is from its shape.

use serde::Serialize;
use serde_json::Value;

use crate::facts::facts;
use crate::source::Members;

/// The request bodies idplint knows.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Kind {
    /// `POST /api/v1/identity-providers` (Qlik Cloud).
    #[serde(rename = "qlik.create")]
    QlikCreate,
    /// `PATCH /api/v1/identity-providers/{id}` (Qlik Cloud).
    #[serde(rename = "qlik.patch")]
    QlikPatch,
    /// `POST /federation/identityproviders` (IONOS Cloud IAM federation).
    #[serde(rename = "ionos.create")]
    IonosCreate,
    /// `PUT /federation/identityproviders/{id}` (IONOS Cloud IAM federation).
    #[serde(rename = "ionos.ensure")]
    IonosEnsure,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 4] = [
        Kind::QlikCreate,
        Kind::QlikPatch,
        Kind::IonosCreate,
        Kind::IonosEnsure,
    ];

    /// The kind's name as written on the command line and in output.
    pub fn name(self) -> &'static str {
        match self {
            Kind::QlikCreate => "qlik.create",
            Kind::QlikPatch => "qlik.patch",
            Kind::IonosCreate => "ionos.create",
            Kind::IonosEnsure => "ionos.ensure",
        }
    }

    /// The kind named `name`, if any.
    pub fn from_name(name: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// True for a Qlik Cloud body.
    pub fn is_qlik(self) -> bool {
        matches!(self, Kind::QlikCreate | Kind::QlikPatch)
    }

    /// True for an IONOS Cloud body.
    pub fn is_ionos(self) -> bool {
        matches!(self, Kind::IonosCreate | Kind::IonosEnsure)
    }

    /// The vendor whose API takes the body: the name's part before the dot.
    pub fn vendor(self) -> &'static str {
        let name = self.name();
        name.split_once('.').map_or(name, |(vendor, _)| vendor)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.name())
    }
}

/// Recognises the kind of a parsed document, or `None` for JSON that is no
/// identity-provider payload (package.json, tsconfig.json, …).
pub fn detect(value: &Value) -> Option<Kind> {
    let ionos = &facts().ionos;
    match value {
        // IONOS documents no PATCH; a patch whose paths are all inside an
        // IONOS body is aimed at the item path, PUT's (IDP609 says so).
        Value::Array(_) if is_patch(value) && patch_paths_are_ionos(value) => {
            Some(Kind::IonosEnsure)
        }
        Value::Array(_) => is_patch(value).then_some(Kind::QlikPatch),
        Value::Object(map) => {
            let ionos_kind = || {
                if map.has("id") {
                    Kind::IonosEnsure
                } else {
                    Kind::IonosCreate
                }
            };
            let properties_look_ionos = map
                .member("properties")
                .and_then(Value::as_object)
                .is_some_and(|p| p.has("type") || p.has("configuration"));
            let type_is_ionos = map
                .member("type")
                .and_then(Value::as_str)
                .is_some_and(|t| ionos.response_types.iter().any(|r| r == t))
                && (map.has("href") || map.has("items") || map.has("properties"));
            // A `/federation/domains` body (`{"domain": …}`) is recognised
            // only when `--kind` names an IONOS kind: on its own, a `domain`
            // member says nothing about what a JSON file is.
            if properties_look_ionos || type_is_ionos {
                Some(ionos_kind())
            } else if map.has("protocol") || map.has("provider") || lists_qlik_idps(map) {
                Some(Kind::QlikCreate)
            } else if map.has("op") && map.has("path") {
                Some(Kind::QlikPatch)
            } else {
                None
            }
        }
        _ => None,
    }
}

/// True for a Qlik list response (`GET /api/v1/identity-providers`): an
/// object with a `data` array and no `protocol` or `provider` of its own.
pub fn is_qlik_list(value: &Value) -> bool {
    let Some(map) = value.as_object() else {
        return false;
    };
    map.member("data").is_some_and(Value::is_array) && !map.has("protocol") && !map.has("provider")
}

/// True when a list response's items are Qlik IdPs, which tells a Qlik list
/// from any other `{"data": […]}` document.
fn lists_qlik_idps(map: &serde_json::Map<String, Value>) -> bool {
    map.member("data")
        .and_then(Value::as_array)
        .and_then(|items| items.first())
        .and_then(Value::as_object)
        .is_some_and(|idp| idp.has("protocol") && idp.has("provider"))
}

/// True for a JSON Patch: an array most of whose items have an `op`.
pub fn is_patch(value: &Value) -> bool {
    let Value::Array(items) = value else {
        return false;
    };
    let ops = items.iter().filter(|i| i.member("op").is_some()).count();
    ops > 0 && ops * 2 >= items.len()
}

/// True when a patch's operations have paths, all inside an IONOS body
/// (`/properties/…`, `/metadata/…`).
fn patch_paths_are_ionos(value: &Value) -> bool {
    let members = &facts().ionos.body_members;
    let mut paths = value
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(|op| op.member("path").and_then(Value::as_str))
        .peekable();
    paths.peek().is_some()
        && paths.all(|path| {
            let first = path.trim_start_matches('/').split('/').next().unwrap_or("");
            members.iter().any(|m| m == first)
        })
}

/// What an object sent to the IONOS identity-provider endpoints really is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IonosBody {
    /// A request (or a single response) carrying an identity provider.
    IdentityProvider,
    /// A list response: `{"type": "collection", "items": […]}`.
    Collection,
    /// The body of `POST /federation/domains`: `domain`, no `properties`.
    Domains,
}

/// Classifies an IONOS object body; `None` for anything but an object.
pub fn ionos_body(value: &Value) -> Option<IonosBody> {
    let map = value.as_object()?;
    let ionos = &facts().ionos;
    if map.has("properties") {
        Some(IonosBody::IdentityProvider)
    } else if map.member("type").and_then(Value::as_str) == Some(ionos.collection_type.as_str())
        || map.has("items")
    {
        Some(IonosBody::Collection)
    } else if map.has(&ionos.domains_body.member) {
        Some(IonosBody::Domains)
    } else {
        Some(IonosBody::IdentityProvider)
    }
}
