//! The options blocks of a Qlik create body and the mode each is read in
//! (interactive, non-interactive, jwtAuth, SAML), for IDP103–IDP108.

use serde_json::Value;

use super::Context;
use crate::facts::Protocol;

pub(crate) const OPTIONS: &str = "/options";
pub(crate) const PENDING: &str = "/pendingOptions";

/// The value of `skipVerify`, if it is a boolean.
pub(crate) fn skip_verify(cx: &Context<'_>) -> Option<bool> {
    cx.get("/skipVerify").and_then(Value::as_bool)
}

/// How an options block of a create body is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Mode {
    /// OIDC `pendingOptions`, or `options` of an interactive IdP.
    Interactive,
    /// OIDC `options` of a non-interactive IdP.
    NonInteractive,
    /// OIDC `options` while `interactive` is missing or not a boolean.
    OidcUndecided,
    Jwt,
    Saml,
}

impl Mode {
    pub fn describe(self) -> &'static str {
        match self {
            Mode::Interactive => "an interactive OIDC IdP",
            Mode::NonInteractive => "a non-interactive OIDC IdP",
            Mode::OidcUndecided => "every OIDC IdP",
            Mode::Jwt => "a jwtAuth IdP",
            Mode::Saml => "a SAML IdP",
        }
    }
}

/// An options block of a create body and the mode it is read in.
#[derive(Debug, Clone)]
pub(crate) struct Block {
    /// `/options` or `/pendingOptions`.
    pub pointer: &'static str,
    pub mode: Mode,
}

/// The options blocks of a Qlik create body that the API will read, with their
/// mode. A block the mode does not take (IDP103, IDP106) is left out.
pub(crate) fn option_blocks(cx: &Context<'_>) -> Vec<Block> {
    let interactive = cx.get("/interactive").and_then(Value::as_bool);
    let is_object = |p: &str| cx.get(p).is_some_and(Value::is_object);
    let mut blocks = Vec::new();
    let mut add = |pointer: &'static str, mode: Mode| {
        if is_object(pointer) {
            blocks.push(Block { pointer, mode });
        }
    };
    match cx.qlik_protocol() {
        Some(Protocol::Oidc) => match interactive {
            Some(true) => {
                add(PENDING, Mode::Interactive);
                add(OPTIONS, Mode::Interactive);
            }
            Some(false) => add(OPTIONS, Mode::NonInteractive),
            None => {
                add(PENDING, Mode::Interactive);
                let mode = match skip_verify(cx) {
                    Some(true) => Mode::Interactive,
                    _ => Mode::OidcUndecided,
                };
                add(OPTIONS, mode);
            }
        },
        Some(Protocol::Saml) => {
            add(PENDING, Mode::Saml);
            add(OPTIONS, Mode::Saml);
        }
        Some(Protocol::JwtAuth) => add(OPTIONS, Mode::Jwt),
        None => {}
    }
    blocks
}
