//! Requests of a Postman collection (v2.0 and v2.1), with the bodies'
//! JSON-string escapes mapped back to the collection file.
//!
//! A body is written in the collection as a JSON string (`"raw": "{\n
//! \"protocol\": \"jwtAuth\"}"`): decoding it loses positions, so the
//! collection is parsed by [`crate::source::parse`], each string found in
//! its span index by pointer, and decoded escape by escape
//! ([`decode_json_string`]), every escape mapped to its bytes in the file.

use std::ops::Range;

use serde_json::Value;

use super::map::Decoded;
use super::request::{Body, Extracted, Problem, Request};
use super::templates::with_holes;
use crate::source::{escape_token, floor_char_boundary, parse, SourceText, SpanIndex};

/// True for a Postman collection: its `info.schema` names a Postman
/// collection schema, or it has the `info` and `item` members every
/// collection has.
pub fn is_collection(value: &Value) -> bool {
    let Some(root) = value.as_object() else {
        return false;
    };
    let info = root.get("info");
    if let Some(schema) = info.and_then(|i| i.get("schema")).and_then(Value::as_str) {
        let schema = schema.to_ascii_lowercase();
        if schema.contains("getpostman.com") && schema.contains("collection") {
            return true;
        }
    }
    info.is_some_and(Value::is_object) && root.get("item").is_some_and(Value::is_array)
}

/// The requests of a collection, their URLs and bodies mapped to `text`,
/// and the collection's (and its folders' and items') variables.
pub fn extract(text: &str) -> Extracted {
    let mut out = Extracted::default();
    let source = SourceText::new(text);
    let parsed = match parse(source.json()) {
        Ok(parsed) => parsed,
        Err(e) => {
            let at = floor_char_boundary(text, source.json_offset() + e.offset);
            out.problems.push(Problem {
                span: at..floor_char_boundary(text, at + e.length),
                message: "the Postman collection is not valid JSON".to_string(),
                help: Some("export the collection again from Postman".to_string()),
            });
            return out;
        }
    };
    let root = Node {
        value: &parsed.value,
        pointer: String::new(),
    };
    if !root.value.is_object() {
        return out;
    }
    let w = Walk {
        text,
        json: source.json(),
        offset: source.json_offset(),
        index: &parsed.index,
    };
    w.variables(&root, &mut out.variables);
    if let Some(items) = root.get("item") {
        w.items(&items, &mut out);
    }
    out
}

/// Decodes the JSON string literal at `literal` (quotes included) of
/// `text`, every character copied and every escape (`\"`, `\n`, `\u00e9`,
/// a surrogate pair as one) standing for its bytes. `None` when the range is
/// not a well-formed string literal.
pub fn decode_json_string(text: &str, literal: Range<usize>) -> Option<Decoded> {
    let lit = text.get(literal.clone())?;
    if lit.len() < 2 || !lit.starts_with('"') || !lit.ends_with('"') {
        return None;
    }
    let start = literal.start + 1;
    let inner = &lit[1..lit.len() - 1];
    let b = inner.as_bytes();
    let mut d = Decoded::new();
    let mut i = 0;
    while i < b.len() {
        let run = b[i..]
            .iter()
            .position(|&c| c == b'\\')
            .map_or(b.len(), |k| i + k);
        if run > i {
            let piece = &inner[i..run];
            if piece.contains('"') {
                return None;
            }
            d.push_verbatim(piece, start + i);
            i = run;
            continue;
        }
        // An escape at `i`.
        let simple = match b.get(i + 1)? {
            b'"' => Some("\""),
            b'\\' => Some("\\"),
            b'/' => Some("/"),
            b'b' => Some("\u{8}"),
            b'f' => Some("\u{c}"),
            b'n' => Some("\n"),
            b'r' => Some("\r"),
            b't' => Some("\t"),
            b'u' => None,
            _ => return None,
        };
        if let Some(s) = simple {
            d.push_mapped(s, start + i..start + i + 2);
            i += 2;
            continue;
        }
        let high = hex4(b.get(i + 2..i + 6)?)?;
        let (c, len) = if (0xD800..0xDC00).contains(&high) {
            // A surrogate pair is one character.
            if b.get(i + 6..i + 8) != Some(b"\\u") {
                return None;
            }
            let low = hex4(b.get(i + 8..i + 12)?)?;
            if !(0xDC00..0xE000).contains(&low) {
                return None;
            }
            let code = 0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00);
            (char::from_u32(code)?, 12)
        } else {
            (char::from_u32(high)?, 6)
        };
        let mut buf = [0; 4];
        d.push_mapped(c.encode_utf8(&mut buf), start + i..start + i + len);
        i += len;
    }
    Some(d)
}

fn hex4(b: &[u8]) -> Option<u32> {
    let s = std::str::from_utf8(b).ok()?;
    if s.len() != 4 || !s.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    u32::from_str_radix(s, 16).ok()
}

// ---------------------------------------------------------------------------
// Walking the collection: the parsed value for its shape, the span index
// (by JSON pointer) for the places.

struct Walk<'a> {
    /// The collection file.
    text: &'a str,
    /// Its JSON text (after a BOM), whose bytes the index's offsets are.
    json: &'a str,
    offset: usize,
    index: &'a SpanIndex,
}

/// A value of the collection and its JSON pointer.
struct Node<'v> {
    value: &'v Value,
    pointer: String,
}

impl<'v> Node<'v> {
    /// Member `key` of an object (the last of that name, as parsed).
    fn get(&self, key: &str) -> Option<Node<'v>> {
        Some(Node {
            value: self.value.get(key)?,
            pointer: format!("{}/{}", self.pointer, escape_token(key)),
        })
    }

    /// The items of an array, or the members of an object, in order.
    fn entries(&self) -> Vec<Node<'v>> {
        match self.value {
            Value::Array(items) => items
                .iter()
                .enumerate()
                .map(|(i, value)| Node {
                    value,
                    pointer: format!("{}/{i}", self.pointer),
                })
                .collect(),
            Value::Object(map) => map.keys().filter_map(|k| self.get(k)).collect(),
            _ => Vec::new(),
        }
    }

    fn is_true(&self, key: &str) -> bool {
        self.value.get(key) == Some(&Value::Bool(true))
    }
}

impl Walk<'_> {
    /// The bytes of the file holding `node`.
    fn span(&self, node: &Node) -> Option<Range<usize>> {
        let (start, end) = self.index.locate(self.json, &node.pointer)?.value;
        Some(self.offset + start..self.offset + end)
    }

    /// A string value, decoded with its map.
    fn string(&self, node: &Node) -> Option<Decoded> {
        node.value.as_str()?;
        decode_json_string(self.text, self.span(node)?)
    }

    fn member_string(&self, node: &Node, key: &str) -> Option<Decoded> {
        self.string(&node.get(key)?)
    }

    /// A scalar as text: a string decoded, anything else as written.
    fn scalar(&self, node: &Node) -> Option<Decoded> {
        match node.value {
            Value::String(_) => self.string(node),
            Value::Object(_) | Value::Array(_) => None,
            _ => {
                let span = self.span(node)?;
                Some(Decoded::verbatim(&self.text[span.clone()], span.start))
            }
        }
    }

    /// `variable: [{key, value, disabled}]` of an object.
    fn variables(&self, node: &Node, out: &mut Vec<(String, String)>) {
        let Some(list) = node.get("variable") else {
            return;
        };
        for v in list.entries() {
            if !v.value.is_object() || v.is_true("disabled") {
                continue;
            }
            let name = |key| v.value.get(key).and_then(Value::as_str);
            let Some(key) = name("key").or_else(|| name("id")) else {
                continue;
            };
            let value = v.get("value").and_then(|m| self.scalar(&m));
            out.push((key.to_string(), value.map(|d| d.text).unwrap_or_default()));
        }
    }

    /// The items of a folder (or of the collection), and of the folders in
    /// them: the parser's depth limit bounds the recursion.
    fn items(&self, list: &Node, out: &mut Extracted) {
        if !list.value.is_array() {
            return;
        }
        for item in list.entries() {
            if !item.value.is_object() {
                continue;
            }
            self.variables(&item, &mut out.variables);
            if let Some(r) = item.get("request").and_then(|r| self.request(&r)) {
                out.requests.push(r);
            }
            if let Some(inner) = item.get("item") {
                self.items(&inner, out);
            }
        }
    }

    fn request(&self, node: &Node) -> Option<Request> {
        let mut r = Request {
            span: self.span(node)?,
            method: "GET".to_string(),
            ..Request::default()
        };
        match node.value {
            Value::String(_) => {
                r.url = self.string(node).map(with_holes);
                return Some(r);
            }
            Value::Object(_) => {}
            _ => return None,
        }
        if let Some(m) = self.member_string(node, "method") {
            if !m.text.trim().is_empty() {
                r.method = m.text.trim().to_ascii_uppercase();
                r.method_span = Some(m.map_range(0..m.text.len()));
            }
        }
        r.url = node.get("url").and_then(|u| self.url(&u));
        r.headers = self.headers(node);
        r.body = node.get("body").and_then(|b| self.body(&b));
        Some(r)
    }

    fn url(&self, node: &Node) -> Option<Decoded> {
        let url = match node.value {
            Value::String(_) => self.string(node)?,
            Value::Object(_) => match self.member_string(node, "raw") {
                Some(raw) => raw,
                None => self.joined_url(node)?,
            },
            _ => return None,
        };
        Some(with_holes(url))
    }

    /// A URL object without `raw`: protocol://host:port/path?query, the
    /// separators synthesized at the next part's place.
    fn joined_url(&self, node: &Node) -> Option<Decoded> {
        let mut d = Decoded::new();
        let pieces = |sep: &str, part: Option<Node>, join: &str, d: &mut Decoded| {
            let Some(part) = part else { return false };
            let parts = match part.value {
                Value::Array(_) => part.entries(),
                _ => vec![part],
            };
            let mut wrote = false;
            for (k, p) in parts.iter().enumerate() {
                let (Some(text), Some(span)) = (self.scalar(p), self.span(p)) else {
                    continue;
                };
                let sep = if k == 0 { sep } else { join };
                d.push_mapped(sep, span.start..span.start);
                d.append(&text);
                wrote = true;
            }
            wrote
        };
        if let Some(protocol) = node.get("protocol") {
            if let Some(text) = self.string(&protocol) {
                d.append(&text);
                let at = self.span(&protocol)?.end;
                d.push_mapped("://", at..at);
            }
        }
        if !pieces("", node.get("host"), ".", &mut d) {
            return None;
        }
        pieces(":", node.get("port"), ":", &mut d);
        pieces("/", node.get("path"), "/", &mut d);
        if let Some(query) = node.get("query") {
            let mut first = true;
            for q in query.entries() {
                if !q.value.is_object() || q.is_true("disabled") {
                    continue;
                }
                let Some(key) = self.member_string(&q, "key") else {
                    continue;
                };
                let at = self.span(&q)?.start;
                d.push_mapped(if first { "?" } else { "&" }, at..at);
                d.append(&key);
                if let Some(v) = q.get("value") {
                    if let Some(value) = self.scalar(&v) {
                        let at = self.span(&v)?.start;
                        d.push_mapped("=", at..at);
                        d.append(&value);
                    }
                }
                first = false;
            }
        }
        Some(d)
    }

    /// `header: [{key, value, disabled}]` as `Key: value` lines.
    fn headers(&self, node: &Node) -> Vec<Decoded> {
        let Some(list) = node.get("header") else {
            return Vec::new();
        };
        if list.value.is_string() {
            return self.string(&list).map(with_holes).into_iter().collect();
        }
        let mut out = Vec::new();
        for h in list.entries() {
            if !h.value.is_object() || h.is_true("disabled") {
                continue;
            }
            let Some(mut d) = self.member_string(&h, "key") else {
                continue;
            };
            let value = h.get("value");
            let at = match &value {
                Some(v) => self.span(v).map(|s| s.start),
                None => self.span(&h).map(|s| s.end),
            };
            let Some(at) = at else { continue };
            d.push_mapped(": ", at..at);
            if let Some(v) = value.and_then(|v| self.scalar(&v)) {
                d.append(&v);
            }
            out.push(with_holes(d));
        }
        out
    }

    fn body(&self, node: &Node) -> Option<Body> {
        if node.value.is_string() {
            return Some(Body::Inline(with_holes(self.string(node)?)));
        }
        if !node.value.is_object() || node.is_true("disabled") {
            return None;
        }
        match node.value.get("mode").and_then(Value::as_str) {
            Some("raw") | None => {
                let raw = self.member_string(node, "raw")?;
                Some(Body::Inline(with_holes(raw)))
            }
            Some("file") => {
                let src = self.member_string(&node.get("file")?, "src")?;
                Some(Body::File {
                    span: src.map_range(0..src.text.len()),
                    path: src.text,
                })
            }
            Some(_) => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::request::testing::{assert_maps_to, inline};
    use proptest::prelude::*;

    const V21: &str = r#"{
  "info": {
    "_postman_id": "5f0c2a55-1c1e-4f7e-9d7e-2b1f0f3c9a11",
    "name": "Qlik Cloud IdP",
    "schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"
  },
  "item": [
    {
      "name": "Identity providers",
      "item": [
        {
          "name": "Create JWT IdP",
          "request": {
            "method": "POST",
            "header": [
              {"key": "Content-Type", "value": "application/json"},
              {"key": "Authorization", "value": "Bearer {{token}}"},
              {"key": "X-Debug", "value": "1", "disabled": true}
            ],
            "body": {
              "mode": "raw",
              "raw": "{\n  \"tenantIds\": [\"{{tenantId}}\"],\n  \"provider\": \"external\",\n  \"protocol\": \"jwtAuth\",\n  \"description\": \"Caf\u00e9 \ud83d\ude00 SSO\",\n  \"options\": {\"issuer\": \"https:\/\/issuer.example\"}\n}",
              "options": {"raw": {"language": "json"}}
            },
            "url": {
              "raw": "{{baseUrl}}/api/v1/identity-providers",
              "host": ["{{baseUrl}}"],
              "path": ["api", "v1", "identity-providers"]
            }
          },
          "response": []
        },
        {
          "name": "Patch IdP",
          "request": {
            "method": "patch",
            "header": [],
            "body": {
              "mode": "raw",
              "raw": "[\n  {\"op\": \"replace\", \"path\": \"/active\", \"value\": true}\n]"
            },
            "url": {
              "raw": "{{baseUrl}}/api/v1/identity-providers/{{ idpId }}"
            }
          }
        }
      ],
      "variable": [{"key": "folderVar", "value": 5}]
    },
    {
      "name": "Upload",
      "request": {
        "method": "POST",
        "body": {"mode": "file", "file": {"src": "./idp.json"}},
        "url": {"protocol": "https", "host": ["tenant", "eu", "qlikcloud", "com"], "path": ["api", "v1", "identity-providers"], "query": [{"key": "dry", "value": "1"}, {"key": "x", "value": "y", "disabled": true}]}
      }
    },
    {
      "name": "Disabled body",
      "request": {"method": "PUT", "url": "https://h/x", "body": {"mode": "raw", "raw": "{}", "disabled": true}}
    },
    {
      "name": "Form",
      "request": {"method": "POST", "url": "https://h/x", "body": {"mode": "urlencoded", "urlencoded": []}}
    }
  ],
  "variable": [
    {"key": "baseUrl", "value": "https://tenant.eu.qlikcloud.com"},
    {"key": "tenantId", "value": "xYz-123"},
    {"key": "old", "value": "gone", "disabled": true}
  ]
}
"#;

    const V20: &str = r#"{
  "info": {"name": "Old", "schema": "https://schema.getpostman.com/json/collection/v2.0.0/collection.json"},
  "item": [
    {"name": "List", "request": "https://tenant.eu.qlikcloud.com/api/v1/identity-providers?limit={{limit}}"},
    {"name": "Create", "request": {"url": "https://api.ionos.com/cloudapi/v6/iam/federation/identityproviders", "method": "POST",
      "body": {"mode": "raw", "raw": "{\"properties\": {\"name\": \"Entra\"}}"}}}
  ]
}"#;

    #[test]
    fn a_v21_collection() {
        let value: Value = serde_json::from_str(V21).unwrap();
        assert!(is_collection(&value));
        let x = extract(V21);
        assert!(x.problems.is_empty());
        assert_eq!(x.requests.len(), 5);

        let create = &x.requests[0];
        assert_eq!(create.method, "POST");
        assert_eq!(&V21[create.method_span.clone().unwrap()], "POST");
        assert!(V21[create.span.clone()].starts_with("{\n            \"method\""));
        let url = create.url.as_ref().unwrap();
        assert_eq!(url.text, "{{baseUrl}}/api/v1/identity-providers");
        assert_eq!(url.holes.len(), 1);
        assert_eq!(url.holes[0].name, "baseUrl");
        assert_maps_to(V21, url, "{{baseUrl}}", "{{baseUrl}}");
        assert_eq!(
            create
                .headers
                .iter()
                .map(|h| h.text.as_str())
                .collect::<Vec<_>>(),
            [
                "Content-Type: application/json",
                "Authorization: Bearer {{token}}"
            ]
        );
        assert_eq!(create.headers[1].holes[0].name, "token");
        assert_maps_to(V21, &create.headers[1], "Bearer", "Bearer");

        let body = inline(create);
        let expected = "{\n  \"tenantIds\": [\"{{tenantId}}\"],\n  \"provider\": \"external\",\n  \"protocol\": \"jwtAuth\",\n  \"description\": \"Café 😀 SSO\",\n  \"options\": {\"issuer\": \"https://issuer.example\"}\n}";
        assert_eq!(body.text, expected);
        let v: Value = serde_json::from_str(&body.text).unwrap();
        assert_eq!(v["protocol"], "jwtAuth");
        assert_maps_to(
            V21,
            body,
            "\"protocol\": \"jwtAuth\"",
            r#"\"protocol\": \"jwtAuth\""#,
        );
        assert_maps_to(V21, body, "é", r"\u00e9");
        assert_maps_to(V21, body, "😀", r"\ud83d\ude00");
        assert_maps_to(V21, body, "Café 😀 SSO", r"Caf\u00e9 \ud83d\ude00 SSO");
        assert_maps_to(V21, body, "https://issuer", r"https:\/\/issuer");
        assert_maps_to(V21, body, "\n  \"provider", r#"\n  \"provider"#);
        assert_eq!(body.holes.len(), 1);
        assert_eq!(body.holes[0].name, "tenantId");
        assert_eq!(&body.text[body.holes[0].out.clone()], "{{tenantId}}");
        assert_eq!(
            &V21[body.map_range(body.holes[0].out.clone())],
            "{{tenantId}}"
        );
        // the whole body maps to the literal's inside
        let all = body.map_range(0..body.text.len());
        assert!(V21[all.start - 1..].starts_with("\"{\\n"));
        assert!(V21[..all.end + 1].ends_with("}\""));

        let patch = &x.requests[1];
        assert_eq!(patch.method, "PATCH");
        assert_eq!(&V21[patch.method_span.clone().unwrap()], "patch");
        let url = patch.url.as_ref().unwrap();
        assert_eq!(
            url.holes
                .iter()
                .map(|h| h.name.as_str())
                .collect::<Vec<_>>(),
            ["baseUrl", "idpId"]
        );
        assert_maps_to(V21, url, "{{ idpId }}", "{{ idpId }}");
        let body = inline(patch);
        assert_eq!(
            body.text,
            "[\n  {\"op\": \"replace\", \"path\": \"/active\", \"value\": true}\n]"
        );
        assert_maps_to(V21, body, "true}", "true}");
        assert_maps_to(V21, body, "\"/active\"", r#"\"/active\""#);

        let upload = &x.requests[2];
        let url = upload.url.as_ref().unwrap();
        assert_eq!(
            url.text,
            "https://tenant.eu.qlikcloud.com/api/v1/identity-providers?dry=1"
        );
        assert!(url.is_well_formed());
        assert_maps_to(V21, url, "qlikcloud", "qlikcloud");
        match &upload.body {
            Some(Body::File { path, span }) => {
                assert_eq!(path, "./idp.json");
                assert_eq!(&V21[span.clone()], "./idp.json");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(x.requests[3].method, "PUT");
        assert_eq!(x.requests[3].body, None);
        assert_eq!(x.requests[4].body, None);

        assert_eq!(
            x.variables,
            [
                (
                    "baseUrl".to_string(),
                    "https://tenant.eu.qlikcloud.com".to_string()
                ),
                ("tenantId".to_string(), "xYz-123".to_string()),
                ("folderVar".to_string(), "5".to_string()),
            ]
        );
    }

    #[test]
    fn a_v20_collection_with_a_bare_string_request() {
        let value: Value = serde_json::from_str(V20).unwrap();
        assert!(is_collection(&value));
        let x = extract(V20);
        assert_eq!(x.requests.len(), 2);
        let list = &x.requests[0];
        assert_eq!(list.method, "GET");
        assert_eq!(list.method_span, None);
        let url = list.url.as_ref().unwrap();
        assert_eq!(url.holes[0].name, "limit");
        assert_maps_to(V20, url, "?limit={{limit}}", "?limit={{limit}}");
        assert_eq!(list.body, None);
        let create = &x.requests[1];
        let body = inline(create);
        assert_eq!(body.text, r#"{"properties": {"name": "Entra"}}"#);
        assert_maps_to(V20, body, "\"Entra\"", r#"\"Entra\""#);
        assert_maps_to(V20, body, "{\"name\"", r#"{\"name\""#);
    }

    #[test]
    fn is_collection_tells_collections_from_payloads() {
        let yes = [
            r#"{"info": {"schema": "https://schema.getpostman.com/json/collection/v2.1.0/collection.json"}}"#,
            r#"{"info": {"name": "x"}, "item": []}"#,
        ];
        let no = [
            r#"{"protocol": "jwtAuth", "info": "x"}"#,
            r#"{"info": {"schema": "https://json-schema.org/draft-07/schema"}}"#,
            r#"[{"info": {}, "item": []}]"#,
            r#"{"item": []}"#,
        ];
        for t in yes {
            assert!(is_collection(&serde_json::from_str(t).unwrap()), "{t}");
        }
        for t in no {
            assert!(!is_collection(&serde_json::from_str(t).unwrap()), "{t}");
        }
    }

    #[test]
    fn a_broken_collection_is_a_problem_at_its_place() {
        let text = "{\"item\": [ {\"request\": \"x\" ]}";
        let x = extract(text);
        assert!(x.requests.is_empty());
        assert_eq!(x.problems.len(), 1);
        assert_eq!(&text[x.problems[0].span.clone()], "]");
        let x = extract("\u{feff}{\"item\": [{\"request\": {\"body\": \"{}\"}}]}");
        assert_eq!(x.requests.len(), 1);
        assert!(matches!(&x.requests[0].body, Some(Body::Inline(d)) if d.text == "{}"));
    }

    #[test]
    fn places_survive_a_bom_escaped_names_and_duplicate_members() {
        let text = format!(
            "\u{feff}{}",
            r#"{"item": [{"request": {"method": "get", "method": "post",
  "header": {"a/b": {"key": "X-A", "value": 1}, "~0": {"key": "X-B"}},
  "body": {"r\u0061w": "{\"a\": \"é\"}"}}}]}"#
        );
        let x = extract(&text);
        assert!(x.problems.is_empty());
        let r = &x.requests[0];
        assert_eq!(r.method, "POST");
        assert_eq!(&text[r.method_span.clone().unwrap()], "post");
        let headers: Vec<_> = r.headers.iter().map(|h| h.text.as_str()).collect();
        assert_eq!(headers, ["X-A: 1", "X-B: "]);
        assert_maps_to(&text, &r.headers[0], "X-A: 1", r#"X-A", "value": 1"#);
        assert_maps_to(&text, &r.headers[1], "X-B", "X-B");
        let body = inline(r);
        assert_eq!(body.text, r#"{"a": "é"}"#);
        assert_maps_to(&text, body, "\"é\"", r#"\"é\""#);
        let broken = "\u{feff}{\"item\": ]}";
        assert_eq!(&broken[extract(broken).problems[0].span.clone()], "]");
    }

    #[test]
    fn decode_json_string_escapes() {
        let text = r#"x"a\"b\\c\/d\b\f\n\r\t\u0041\u00e9\ud83d\ude00€""#;
        let d = decode_json_string(text, 1..text.len()).unwrap();
        assert_eq!(d.text, "a\"b\\c/d\u{8}\u{c}\n\r\tAé😀€");
        assert_eq!(d.text, serde_json::from_str::<String>(&text[1..]).unwrap());
        assert!(d.is_well_formed());
        assert_eq!(&text[d.map_range(0..1)], "a");
        assert_eq!(&text[d.map_range(1..2)], "\\\"");
        let at = d.text.find('😀').unwrap();
        assert_eq!(&text[d.map_range(at..at + 4)], r"\ud83d\ude00");
        assert_eq!(&text[d.map_range(at + 1..at + 2)], r"\ud83d\ude00");
        let at = d.text.find('€').unwrap();
        assert_eq!(&text[d.map_range(at..at + 3)], "€");
        for bad in [
            r#""\"#,
            r#""\x""#,
            r#""\u12""#,
            r#""\ud83d""#,
            r#""\ud83d\u0041""#,
            r#""a"b""#,
            "\"",
            "x",
            r#""\uDE00""#,
        ] {
            assert_eq!(decode_json_string(bad, 0..bad.len()), None, "{bad}");
        }
        assert_eq!(decode_json_string("\"é\"", 0..2), None);
        assert_eq!(decode_json_string("\"\"", 0..9), None);
        assert_eq!(decode_json_string("\"\"", 0..2).unwrap().text, "");
    }

    #[test]
    fn deep_and_big_inputs() {
        let deep = "[".repeat(100_000);
        assert_eq!(extract(&deep).problems.len(), 1);
        let mut big = String::from("{\"info\": {}, \"item\": [");
        for i in 0..20_000 {
            if i > 0 {
                big.push(',');
            }
            big.push_str(r#"{"request": {"method": "POST", "url": "https://h/{{x}}", "body": {"mode": "raw", "raw": "{\"a\": \"\u00e9\"}"}}}"#);
        }
        big.push_str("]}");
        assert!(big.len() > 1_000_000);
        let start = std::time::Instant::now();
        let x = extract(&big);
        assert_eq!(x.requests.len(), 20_000);
        assert!(start.elapsed().as_secs() < 10);
    }

    fn collection_with_raw(raw: &str) -> String {
        format!(
            "{{\"info\": {{\"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/\"}}, \"item\": [{{\"request\": {{\"method\": \"POST\", \"body\": {{\"mode\": \"raw\", \"raw\": {}}}}}}}]}}",
            serde_json::to_string(raw).unwrap()
        )
    }

    proptest! {
        #[test]
        fn encoded_bodies_decode_back_exactly(raw in any::<String>()) {
            let text = collection_with_raw(&raw);
            let x = extract(&text);
            prop_assert_eq!(x.requests.len(), 1);
            let Some(Body::Inline(d)) = &x.requests[0].body else {
                return Err(TestCaseError::fail("no body"));
            };
            prop_assert_eq!(&d.text, &raw);
            prop_assert!(d.is_well_formed());
            // every character maps to its encoding in the file
            for (at, c) in raw.char_indices() {
                let src = d.map_range(at..at + c.len_utf8());
                let encoded = serde_json::to_string(&c.to_string()).unwrap();
                prop_assert_eq!(&text[src], &encoded[1..encoded.len() - 1]);
            }
        }

        #[test]
        fn escaped_strings_with_unicode_escapes_decode(raw in "[a-z\"\\\\é😀\n\u{1}]{0,20}") {
            let escaped: String = raw.chars().map(|c| match c {
                'a'..='z' => c.to_string(),
                c => c.encode_utf16(&mut [0; 2]).iter().map(|u| format!("\\u{u:04x}")).collect(),
            }).collect();
            let text = format!("\"{escaped}\"");
            let d = decode_json_string(&text, 0..text.len()).unwrap();
            prop_assert_eq!(&d.text, &raw);
            prop_assert!(d.is_well_formed());
        }

        #[test]
        fn any_input_is_extracted_without_panicking(text in any::<String>()) {
            check_extracted(&text, &extract(&text));
        }

        #[test]
        fn json_like_inputs_are_extracted_without_panicking(
            text in "[{}\\[\\]\",:\\\\u0-9a-z \n]{0,80}"
        ) {
            let wrapped = format!("{{\"item\": [{{\"request\": {text}}}]}}");
            check_extracted(&wrapped, &extract(&wrapped));
            check_extracted(&text, &extract(&text));
        }
    }

    fn check_extracted(text: &str, x: &Extracted) {
        for r in &x.requests {
            assert!(r.span.end <= text.len());
            for d in r.url.iter().chain(&r.headers).chain(match &r.body {
                Some(Body::Inline(d)) => Some(d),
                _ => None,
            }) {
                assert!(d.is_well_formed());
                let all = d.map_range(0..d.text.len());
                assert!(all.end <= text.len());
            }
        }
    }
}
