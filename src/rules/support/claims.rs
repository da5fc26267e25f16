//! The claims mappings of a Qlik payload (`options.claimsMapping`,
//! `pendingOptions.claimsMapping`, and patch values aimed at them), each
//! with the mode it is read in, found once per document for IDP401–IDP406.

use serde_json::{Map, Value};

use super::{child_pointer, Context, Field};
use crate::diagnostic::Severity;
use crate::facts::{ClaimKeys, Protocol};
use crate::kind::Kind;
use crate::source::escape_token;

/// How a mapping is read, from where it sits.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// OIDC `pendingOptions`, or `options` of an interactive IdP (skipVerify).
    Interactive,
    /// OIDC `options` of a non-interactive IdP.
    NonInteractive,
    /// OIDC `options` whose IdP's mode is not known (a patch).
    OidcEither,
    /// SAML: values are attribute names, not pointers.
    Saml,
    /// The protocol is not known.
    Unknown,
}

impl Mode {
    pub fn allowed(self, keys: &ClaimKeys) -> Vec<&str> {
        let lists: Vec<&Vec<String>> = match self {
            Mode::Interactive => vec![&keys.interactive],
            Mode::NonInteractive => vec![&keys.non_interactive],
            Mode::OidcEither => vec![&keys.interactive, &keys.non_interactive],
            Mode::Saml => vec![&keys.saml],
            Mode::Unknown => vec![&keys.interactive, &keys.non_interactive, &keys.saml],
        };
        let mut out: Vec<&str> = Vec::new();
        for key in lists.into_iter().flatten() {
            if !out.contains(&key.as_str()) {
                out.push(key);
            }
        }
        out
    }

    /// Keys the mapping must carry, and how bad their absence is.
    pub fn required(self, keys: &ClaimKeys) -> Option<(&[String], Severity)> {
        match self {
            Mode::Interactive => Some((&keys.interactive_required, Severity::Warning)),
            Mode::Saml => Some((&keys.saml, Severity::Error)),
            _ => None,
        }
    }

    /// True when values are JSON pointers into OIDC claims (bare names allowed).
    pub fn pointers(self) -> bool {
        self != Mode::Saml
    }

    /// True when the IdP is known to be OIDC, so a `/` in a bare value is a mistake.
    pub fn oidc(self) -> bool {
        matches!(
            self,
            Mode::Interactive | Mode::NonInteractive | Mode::OidcEither
        )
    }

    pub fn describe(self) -> &'static str {
        match self {
            Mode::Interactive => "an interactive OIDC mapping",
            Mode::NonInteractive => "a non-interactive OIDC mapping",
            Mode::OidcEither => "an OIDC mapping",
            Mode::Saml => "a SAML mapping",
            Mode::Unknown => "a claims mapping",
        }
    }
}

/// One `claimsMapping` object in the payload.
pub(crate) struct Mapping<'a> {
    pub field: Field<'a>,
    pub map: &'a Map<String, Value>,
    pub mode: Mode,
}

impl Mapping<'_> {
    pub fn key_pointer(&self, key: &str) -> String {
        format!("{}/{}", self.field.pointer, escape_token(key))
    }
}

/// Every claims mapping, with its mode. Mappings of a jwtAuth payload are
/// IDP106's and left out.
pub(crate) fn mappings<'a>(cx: &Context<'a>) -> Vec<Mapping<'a>> {
    let mut out = Vec::new();
    for block in &cx.facts.qlik.option_blocks {
        let Some(mode) = mode_for(cx, block) else {
            continue;
        };
        for field in cx.fields(&child_pointer(block, "claimsMapping")) {
            if let Value::Object(map) = field.value {
                out.push(Mapping { field, map, mode });
            }
        }
    }
    out
}

fn mode_for(cx: &Context<'_>, block: &str) -> Option<Mode> {
    let pending = block == "/pendingOptions";
    match cx.qlik_protocol() {
        Some(Protocol::Saml) => Some(Mode::Saml),
        Some(Protocol::JwtAuth) => None,
        Some(Protocol::Oidc) if pending => Some(Mode::Interactive),
        Some(Protocol::Oidc) if cx.kind == Kind::QlikCreate => Some(match cx.get("/interactive") {
            Some(Value::Bool(true)) => Mode::Interactive,
            Some(Value::Bool(false)) => Mode::NonInteractive,
            _ => Mode::OidcEither,
        }),
        Some(Protocol::Oidc) => Some(Mode::OidcEither),
        // `/options/claimsMapping` exists for OIDC only; `/pendingOptions` for OIDC and SAML.
        _ if cx.kind == Kind::QlikPatch && !pending => Some(Mode::OidcEither),
        _ => Some(Mode::Unknown),
    }
}
