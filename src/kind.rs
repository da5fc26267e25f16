//! Recognising what a payload is from its shape.

use serde::Serialize;
use serde_json::Value;

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

    pub fn is_qlik(self) -> bool {
        matches!(self, Kind::QlikCreate | Kind::QlikPatch)
    }

    pub fn is_ionos(self) -> bool {
        matches!(self, Kind::IonosCreate | Kind::IonosEnsure)
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
    match value {
        Value::Array(items) => {
            let ops = items.iter().filter(|i| i.get("op").is_some()).count();
            (ops > 0 && ops * 2 >= items.len()).then_some(Kind::QlikPatch)
        }
        Value::Object(map) => {
            let ionos_kind = || {
                if map.contains_key("id") {
                    Kind::IonosEnsure
                } else {
                    Kind::IonosCreate
                }
            };
            let properties_look_ionos = map
                .get("properties")
                .and_then(Value::as_object)
                .is_some_and(|p| p.contains_key("type") || p.contains_key("configuration"));
            let type_is_ionos = matches!(
                map.get("type").and_then(Value::as_str),
                Some("identityprovider" | "collection")
            ) && (map.contains_key("href")
                || map.contains_key("items")
                || map.contains_key("properties"));
            if properties_look_ionos || type_is_ionos {
                Some(ionos_kind())
            } else if map.contains_key("protocol") || map.contains_key("provider") {
                Some(Kind::QlikCreate)
            } else if map.contains_key("op") && map.contains_key("path") {
                Some(Kind::QlikPatch)
            } else {
                None
            }
        }
        _ => None,
    }
}
