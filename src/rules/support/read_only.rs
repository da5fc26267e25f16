//! The members a request must not send because the server sets them: IDP007
//! and IDP112 report them, and IDP009–IDP011 leave them alone (their rules
//! say to remove them, not to fill them in).

use serde_json::Value;

use super::Context;
use crate::kind::{ionos_body, IonosBody, Kind};
use crate::source::{escape_token, Members};

/// Where a Qlik payload's `decryptingKey` objects sit.
pub(crate) const DECRYPTING_KEYS: [&str; 2] =
    ["/options/decryptingKey", "/pendingOptions/decryptingKey"];

/// Pointers of the read-only members present in the document.
pub(crate) fn read_only_pointers(cx: &Context<'_>) -> Vec<String> {
    match cx.kind {
        Kind::QlikCreate => {
            let Some(root) = cx.root.as_object() else {
                return Vec::new();
            };
            let qlik = &cx.facts.qlik;
            let mut pointers: Vec<String> = qlik
                .read_only_members
                .iter()
                .filter(|m| root.has(m))
                .map(|m| format!("/{}", escape_token(m)))
                .collect();
            let option_members = cx
                .protocol
                .and_then(|p| qlik.response_only_option_members.get(p))
                .map(Vec::as_slice)
                .unwrap_or_default();
            for block in &qlik.option_blocks {
                let Some(options) = cx.get(block).and_then(Value::as_object) else {
                    continue;
                };
                pointers.extend(
                    option_members
                        .iter()
                        .filter(|m| options.has(m))
                        .map(|m| format!("{block}/{}", escape_token(m))),
                );
            }
            pointers
        }
        Kind::IonosCreate | Kind::IonosEnsure => cx
            .facts
            .ionos
            .read_only_pointers
            .iter()
            .flat_map(|p| cx.fields(p))
            .map(|f| f.pointer)
            .collect(),
        Kind::QlikPatch => Vec::new(),
    }
}

/// Pointers of the server-populated members of every `decryptingKey`.
pub(crate) fn decrypting_key_read_only_pointers(cx: &Context<'_>) -> Vec<String> {
    let read_only = &cx.facts.qlik.decrypting_key.read_only;
    cx.fields_any(&DECRYPTING_KEYS)
        .into_iter()
        .filter_map(|f| f.value.as_object().map(|o| (f.pointer.clone(), o)))
        .flat_map(|(pointer, key)| {
            read_only
                .iter()
                .filter(|m| key.has(m))
                .map(move |m| format!("{pointer}/{m}"))
                .collect::<Vec<_>>()
        })
        .collect()
}

/// True when IDP008 reports the body: a domains body, a list response, or an
/// identity provider with response-only members outside `properties`. The
/// read-only members of such a body are then IDP008's to list, not IDP007's.
pub(crate) fn is_response(cx: &Context<'_>) -> bool {
    if cx.kind == Kind::QlikCreate {
        return qlik_response(cx).is_some();
    }
    match ionos_body(cx.root) {
        Some(IonosBody::Domains | IonosBody::Collection) => true,
        Some(IonosBody::IdentityProvider) => cx
            .facts
            .ionos
            .read_only_pointers
            .iter()
            .any(|p| !p.starts_with("/properties/") && cx.get(p).is_some()),
        _ => false,
    }
}

/// What a Qlik create body copied from a response is.
pub(crate) enum QlikResponse {
    /// `GET /api/v1/identity-providers`: `data` and `links`, no IdP of its own.
    List(Vec<String>),
    /// One IdP as `GET` or the create returned it: the server-set members
    /// present (two of them at least: one alone is IDP007's mistake).
    Single(Vec<String>),
}

/// The response a Qlik create body was copied from, if it was.
pub(crate) fn qlik_response(cx: &Context<'_>) -> Option<QlikResponse> {
    if cx.kind != Kind::QlikCreate {
        return None;
    }
    let root = cx.root.as_object()?;
    let qlik = &cx.facts.qlik;
    if crate::kind::is_qlik_list(cx.root) {
        let present = qlik
            .list_response_members
            .iter()
            .filter(|m| root.has(m))
            .map(|m| format!("/{}", escape_token(m)))
            .collect();
        return Some(QlikResponse::List(present));
    }
    let server_set = qlik
        .read_only_members
        .iter()
        .filter(|m| root.has(m) && !qlik.response_only_reasons.contains_key(m.as_str()))
        .count();
    (server_set >= 2).then(|| QlikResponse::Single(cx.read_only_pointers().to_vec()))
}
