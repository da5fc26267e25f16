//! The URL members of a payload (`rules/url-shapes.json`, `urlFields`),
//! each parsed once per document: the URL rules (IDP501–IDP507) judge them,
//! and IDP009 reads their hosts.

use std::borrow::Cow;

use url::Url;

use super::{Context, Field};
use crate::facts::{autolink_inner, Protocol, UrlRole};
use crate::source::{last_token, unescape_token};

/// A URL member's value and what parsing it found.
pub(crate) struct UrlValue<'a> {
    pub field: Field<'a>,
    /// The field's pattern, whose last token is the member's name.
    pub pattern: &'static str,
    pub role: UrlRole,
    /// The URL, parsed without Markdown's autolink brackets when it had them.
    pub parsed: Result<Url, Invalid>,
    /// The value was written `<https://…>`, as Markdown autolinks a URL.
    pub autolinked: bool,
}

impl<'a> UrlValue<'a> {
    /// The member's name (`discoveryUrl`), also for a patch value.
    pub fn name(&self) -> Cow<'static, str> {
        unescape_token(last_token(self.pattern))
    }

    /// The value as written, without Markdown's autolink brackets.
    pub fn text(&self) -> &'a str {
        let text = self.field.value.as_str().unwrap_or_default();
        autolink_inner(text).unwrap_or(text)
    }
}

/// Why a value is not an absolute http(s) URL.
pub(crate) enum Invalid {
    Xml,
    Base64Xml,
    /// Whitespace in the value; the trimmed value when that is a URL.
    Whitespace(Option<String>),
    Control,
    /// No scheme; a suggestion with `https://` when the value starts with a host.
    Relative(Option<String>),
    Scheme(String),
    Malformed(String),
}

/// Every URL member of the payload, parsed. Template variables and
/// placeholders are left out (IDP009, IDP010), inline XML is not.
pub(crate) fn url_values<'a>(cx: &Context<'a>) -> Vec<UrlValue<'a>> {
    let protocol = cx.qlik_protocol().map(Protocol::name);
    let mut out = Vec::new();
    for group in &cx.facts.url_shapes.url_fields {
        if !group.applies(cx.kind.name(), protocol) {
            continue;
        }
        for pattern in &group.pointers {
            cx.each_field(pattern, &mut |field| {
                let Some(raw) = field.value.as_str() else {
                    return;
                };
                let inner = autolink_inner(raw);
                let parsed = if let Some(inner) = inner {
                    parse(inner)
                } else if looks_like_xml(raw) {
                    Err(Invalid::Xml)
                } else if let Some(s) = cx.checkable_str(field.value) {
                    parse(s)
                } else {
                    return;
                };
                out.push(UrlValue {
                    field,
                    pattern,
                    role: group.role,
                    parsed,
                    autolinked: inner.is_some(),
                });
            });
        }
    }
    out
}

/// The URL that parsing the URL member at `pointer` gave, if the member is one
/// of a few. A large patch has a URL member in each operation: searching them
/// for every string would cost more than parsing the string again.
pub(crate) fn parsed_url<'c>(cx: &'c Context<'_>, pointer: &str) -> Option<&'c Url> {
    let values = cx.url_values();
    if values.len() > 8 {
        return None;
    }
    values
        .iter()
        .find(|v| v.field.pointer == pointer)?
        .parsed
        .as_ref()
        .ok()
}

pub(crate) fn looks_like_xml(s: &str) -> bool {
    let t = s.trim_start();
    t.starts_with('<') && (t.starts_with("<?xml") || t.contains("</") || t.contains("/>"))
}

fn is_base64_xml(s: &str) -> bool {
    let head: String = s.chars().take(64).collect();
    if !head.is_ascii() {
        return false;
    }
    let head = &head[..head.len() / 4 * 4];
    base64_simd::STANDARD
        .decode_to_vec(head)
        .is_ok_and(|bytes| bytes.trim_ascii_start().starts_with(b"<"))
}

pub(crate) fn parse(s: &str) -> Result<Url, Invalid> {
    // The WHATWG parser drops control characters and surrounding spaces
    // silently; the API receives them. Most URLs are printable ASCII, which
    // one look at the bytes tells.
    let plain = s.bytes().all(|b| b.is_ascii_graphic());
    if !plain && s.chars().any(|c| c.is_control() && !c.is_whitespace()) {
        return Err(Invalid::Control);
    }
    if !plain && s.chars().any(char::is_whitespace) {
        let trimmed = s.trim();
        let fixed = (!trimmed.chars().any(char::is_whitespace) && parse(trimmed).is_ok())
            .then(|| trimmed.to_string());
        return Err(Invalid::Whitespace(fixed));
    }
    let with_scheme = || {
        let first = s.split('/').next().unwrap_or("");
        (first.contains('.') || first.starts_with("localhost")).then(|| format!("https://{s}"))
    };
    let after_scheme = |u: &Url| s.get(u.scheme().len() + 1..).unwrap_or("");
    match Url::parse(s) {
        Err(url::ParseError::RelativeUrlWithoutBase) if is_base64_xml(s) => Err(Invalid::Base64Xml),
        Err(url::ParseError::RelativeUrlWithoutBase) => Err(Invalid::Relative(with_scheme())),
        Err(e) => Err(Invalid::Malformed(e.to_string())),
        Ok(u) if !matches!(u.scheme(), "http" | "https") => {
            let rest = after_scheme(&u);
            // `acme.okta.com:443/…` parses as scheme `acme.okta.com`.
            if !rest.starts_with("//") && (u.scheme().contains('.') || u.scheme() == "localhost") {
                Err(Invalid::Relative(with_scheme()))
            } else {
                Err(Invalid::Scheme(u.scheme().to_string()))
            }
        }
        // The WHATWG parser forgives `https:/host` and `https:\\host`; servers do not.
        Ok(u) if !after_scheme(&u).starts_with("//") => Err(Invalid::Malformed(
            "the scheme must be followed by `//`".to_string(),
        )),
        Ok(u) => Ok(u),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parse_tells_what_is_wrong() {
        assert!(parse("https://acme.okta.com/x").is_ok());
        assert!(matches!(
            parse("acme.okta.com/x"),
            Err(Invalid::Relative(Some(_)))
        ));
        assert!(matches!(
            parse("sso.acme-corp.io:8443/x"),
            Err(Invalid::Relative(Some(_)))
        ));
        assert!(matches!(parse("/signed-out"), Err(Invalid::Relative(None))));
        assert!(matches!(
            parse("ftp://acme-corp.io/x"),
            Err(Invalid::Scheme(_))
        ));
        assert!(matches!(
            parse(" https://acme-corp.io "),
            Err(Invalid::Whitespace(Some(_)))
        ));
        assert!(matches!(
            parse("https:/acme-corp.io"),
            Err(Invalid::Malformed(_))
        ));
        assert!(matches!(parse("https://"), Err(Invalid::Malformed(_))));
        assert!(matches!(
            parse("\u{1}https://acme-corp.io"),
            Err(Invalid::Control)
        ));
        assert!(!is_base64_xml("ééééé"));
        assert!(matches!(
            parse("PD94bWwgdmVyc2lvbj0iMS4wIj8+"),
            Err(Invalid::Base64Xml)
        ));
    }
}
