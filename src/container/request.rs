//! What an extractor finds in a container: requests and their bodies, and
//! the container's own problems (an unterminated quote, a heredoc without its
//! end marker).

use std::ops::Range;

use super::map::Decoded;

/// One HTTP request found in a container, every range in the container file
/// (after composing with any outer map).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Request {
    /// The whole request as written (a curl command with its continuation
    /// lines, a `.http` request block, a Postman item's `request`).
    pub span: Range<usize>,
    /// The method as sent: the one written (`-X PATCH`, `PATCH https://…`,
    /// `"method": "PATCH"`) or the one implied (curl: POST with data, else
    /// GET; `.http`: GET), upper-cased.
    pub method: String,
    /// Where the method is written; `None` when it is implied.
    pub method_span: Option<Range<usize>>,
    /// The URL, decoded, with template variables as holes.
    pub url: Option<Decoded>,
    /// Headers as `Name: value`, decoded.
    pub headers: Vec<Decoded>,
    /// The body.
    pub body: Option<Body>,
}

/// A request's body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Body {
    /// Written in the container.
    Inline(Decoded),
    /// Read from another file (`-d @body.json`, `< ./body.json`): the path
    /// as written and where it is written.
    File { path: String, span: Range<usize> },
}

/// A container that cannot be read as its format says: reported at the
/// place, never as invalid JSON at 1:1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub span: Range<usize>,
    pub message: String,
    pub help: Option<String>,
}

/// Everything an extractor found in one container (or one part of it).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Extracted {
    pub requests: Vec<Request>,
    /// Bodies with no request around them (a bare ```` ```json ```` fence):
    /// their shape decides their kind.
    pub bare_bodies: Vec<Decoded>,
    /// Variables the container defines for itself (`.http` `@name = value`,
    /// a Postman collection's `variable` list): name → value.
    pub variables: Vec<(String, String)>,
    pub problems: Vec<Problem>,
}

impl Extracted {
    /// Adds what was found in a part of the container, mapped through
    /// `outer` (the part's decoded text → the container file).
    pub fn absorb(&mut self, inner: Extracted, outer: &Decoded) {
        let range = |r: Range<usize>| outer.map_range(r);
        let map = |d: Decoded| d.compose(outer);
        for r in inner.requests {
            self.requests.push(Request {
                span: range(r.span),
                method: r.method,
                method_span: r.method_span.map(range),
                url: r.url.map(map),
                headers: r.headers.into_iter().map(map).collect(),
                body: r.body.map(|b| match b {
                    Body::Inline(d) => Body::Inline(map(d)),
                    Body::File { path, span } => Body::File {
                        path,
                        span: range(span),
                    },
                }),
            });
        }
        self.bare_bodies
            .extend(inner.bare_bodies.into_iter().map(map));
        self.variables.extend(inner.variables);
        self.problems
            .extend(inner.problems.into_iter().map(|p| Problem {
                span: range(p.span),
                ..p
            }));
    }
}

/// Helpers for the extractors' tests.
#[cfg(test)]
pub(crate) mod testing {
    use super::{Body, Request};
    use crate::container::map::Decoded;

    /// `needle` in the decoded text maps to `source` in the file `text`.
    pub fn assert_maps_to(text: &str, d: &Decoded, needle: &str, source: &str) {
        assert!(d.is_well_formed());
        let at = d
            .text
            .find(needle)
            .unwrap_or_else(|| panic!("{needle:?} not in {:?}", d.text));
        assert_eq!(&text[d.map_range(at..at + needle.len())], source);
    }

    /// `needle` in the decoded text maps to the same bytes in the file.
    pub fn assert_maps(text: &str, d: &Decoded, needle: &str) {
        assert_maps_to(text, d, needle, needle);
    }

    /// The inline body of a request.
    pub fn inline(r: &Request) -> &Decoded {
        match &r.body {
            Some(Body::Inline(d)) => d,
            other => panic!("{other:?}"),
        }
    }
}
