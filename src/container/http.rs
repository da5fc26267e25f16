//! Requests of a `.http` / `.rest` file (VS Code REST Client, JetBrains HTTP
//! Client), their URLs, headers and bodies mapped to the file.
//!
//! Requests are separated by lines starting with `###`. In a request block:
//! comment lines (`#`, `//`), file variables (`@name = value`) and
//! pre-request scripts (`< {% … %}`) before the request line; the request
//! line (`METHOD URL [HTTP/1.1]` or a bare URL) with `?`/`&` continuation
//! lines; headers up to the first blank line; then the body up to a response
//! handler (`> {% … %}`, `> file`, `<> file`) or the block's end. Comment
//! lines are removed from the body too, as REST Client does. A block whose
//! request line starts with `curl` is handed back as a range for the shell
//! extractor; a pasted response (`HTTP/1.1 200 OK`) is skipped.

use std::ops::Range;

use super::map::Decoded;
use super::request::{Body, Extracted, Request};
use super::templates::with_holes;

const METHODS: [&str; 9] = [
    "GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS", "TRACE", "CONNECT",
];

/// The requests and variables of a `.http` file, and the byte ranges of the
/// blocks that are curl commands (for the shell extractor).
pub fn extract(text: &str) -> (Extracted, Vec<Range<usize>>) {
    let mut out = Extracted::default();
    let mut curls = Vec::new();
    let start = if text.starts_with('\u{feff}') { 3 } else { 0 };
    let lines: Vec<Line> = Line::all(text, start).collect();
    let mut block_start = 0;
    for i in 0..=lines.len() {
        let separator = lines.get(i).is_none_or(|l| l.text(text).starts_with("###"));
        if separator {
            block(text, &lines[block_start..i], &mut out, &mut curls);
            block_start = i + 1;
        }
    }
    (out, curls)
}

/// One line: its text without the line end, and with it.
#[derive(Debug, Clone, Copy)]
struct Line {
    start: usize,
    /// End of the text, before `\r\n` / `\n`.
    end: usize,
    /// End with the line terminator.
    next: usize,
}

impl Line {
    fn all(text: &str, from: usize) -> impl Iterator<Item = Line> + '_ {
        let b = text.as_bytes();
        let mut at = from;
        std::iter::from_fn(move || {
            if at >= b.len() {
                return None;
            }
            let start = at;
            let nl = b[at..].iter().position(|&c| c == b'\n').map(|k| at + k);
            let (end, next) = match nl {
                Some(n) if n > start && b[n - 1] == b'\r' => (n - 1, n + 1),
                Some(n) => (n, n + 1),
                None => (b.len(), b.len()),
            };
            at = next;
            Some(Line { start, end, next })
        })
    }

    fn text(self, text: &str) -> &str {
        &text[self.start..self.end]
    }

    fn is_blank(self, text: &str) -> bool {
        self.text(text).trim().is_empty()
    }
}

fn is_comment(line: &str) -> bool {
    let t = line.trim_start();
    t.starts_with('#') || t.starts_with("//")
}

/// `@name = value` → name and trimmed value.
fn file_variable(line: &str) -> Option<(String, String)> {
    let rest = line.trim_start().strip_prefix('@')?;
    let (name, value) = rest.split_once('=')?;
    let name = name.trim();
    if name.is_empty() || name.contains(char::is_whitespace) {
        return None;
    }
    Some((name.to_string(), value.trim().to_string()))
}

/// The first byte offset of `line` after leading whitespace.
fn indent_end(text: &str, line: Line) -> usize {
    let t = line.text(text);
    line.start + (t.len() - t.trim_start().len())
}

/// Skips a `{% … %}` script that starts on line `i`; returns the index of
/// the line after it.
fn skip_script(text: &str, lines: &[Line], i: usize) -> usize {
    let first = lines[i].text(text);
    let open = first.find("{%").map_or(0, |k| k + 2);
    if first[open..].contains("%}") {
        return i + 1;
    }
    let mut j = i + 1;
    while j < lines.len() {
        if lines[j].text(text).contains("%}") {
            return j + 1;
        }
        j += 1;
    }
    j
}

/// A response handler or response reference, which ends a request's body.
fn ends_body(line: &str) -> bool {
    line.starts_with("> ")
        || line.starts_with(">{%")
        || line.starts_with(">>")
        || line.starts_with("<> ")
        || line == ">"
}

fn block(text: &str, lines: &[Line], out: &mut Extracted, curls: &mut Vec<Range<usize>>) {
    let mut i = 0;
    // Before the request line.
    while i < lines.len() {
        let line = lines[i];
        let t = line.text(text);
        if line.is_blank(text) {
            i += 1;
        } else if let Some(var) = file_variable(t) {
            out.variables.push(var);
            i += 1;
        } else if is_comment(t) {
            i += 1;
        } else if t.trim_start().starts_with('<') {
            // A pre-request script, inline or from a file.
            i = if t.contains("{%") {
                skip_script(text, lines, i)
            } else {
                i + 1
            };
        } else {
            break;
        }
    }
    let Some(&first) = lines.get(i) else {
        return;
    };
    let content_end = lines
        .iter()
        .rev()
        .find(|l| !l.is_blank(text))
        .map_or(first.end, |l| l.end);
    let head = first.text(text).trim_start();
    if head.starts_with("curl") && head[4..].chars().next().is_none_or(char::is_whitespace) {
        curls.push(indent_end(text, first)..content_end);
        return;
    }
    if head.starts_with("HTTP/") {
        return;
    }
    let mut r = request_line(text, first);
    r.span = indent_end(text, first)..content_end;
    i += 1;
    // `?` / `&` continuation lines of the URL.
    while let Some(&line) = lines.get(i) {
        let t = line.text(text).trim_start();
        if !(t.starts_with('?') || t.starts_with('&')) {
            break;
        }
        if let Some(url) = r.url.as_mut() {
            url.push_verbatim(t.trim_end(), indent_end(text, line));
        }
        i += 1;
    }
    r.url = r.url.map(with_holes);
    // Headers, up to a blank line or a line that is no header.
    while let Some(&line) = lines.get(i) {
        let t = line.text(text);
        if line.is_blank(text) {
            i += 1;
            break;
        }
        if ends_body(t) {
            break;
        }
        if is_comment(t) {
            i += 1;
            continue;
        }
        if !is_header(t) {
            break;
        }
        let trimmed = t.trim();
        r.headers.push(with_holes(Decoded::verbatim(
            trimmed,
            indent_end(text, line),
        )));
        i += 1;
    }
    r.body = body(text, &lines[i..]);
    out.requests.push(r);
}

/// `Name: value`, the name a header field name.
fn is_header(line: &str) -> bool {
    let Some((name, _)) = line.trim_start().split_once(':') else {
        return false;
    };
    !name.is_empty()
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.'))
}

fn request_line(text: &str, line: Line) -> Request {
    let from = indent_end(text, line);
    let t = text[from..line.end].trim_end();
    let mut r = Request {
        method: "GET".to_string(),
        ..Request::default()
    };
    let (word, rest) = match t.find(char::is_whitespace) {
        Some(k) => (&t[..k], &t[k..]),
        None => (t, ""),
    };
    let (url_from, url) = if METHODS.iter().any(|m| m.eq_ignore_ascii_case(word)) {
        r.method = word.to_ascii_uppercase();
        r.method_span = Some(from..from + word.len());
        let url = rest.trim_start();
        (from + (t.len() - url.len()), url)
    } else {
        (from, t)
    };
    // A trailing ` HTTP/1.1`.
    let url = match url.rfind(char::is_whitespace) {
        Some(k) if url[k..].trim_start().starts_with("HTTP/") => url[..k].trim_end(),
        _ => url,
    };
    if !url.is_empty() {
        r.url = Some(Decoded::verbatim(url, url_from));
    }
    r
}

/// The body lines (after the headers): comment lines removed, ended by a
/// response handler, blank lines around it dropped and trailing whitespace
/// trimmed; a `< path` / `<@ path` line makes it a file body.
fn body(text: &str, lines: &[Line]) -> Option<Body> {
    let mut kept: Vec<Line> = Vec::new();
    for &line in lines {
        let t = line.text(text);
        if ends_body(t) {
            break;
        }
        if is_comment(t) {
            continue;
        }
        kept.push(line);
    }
    let first = kept.iter().position(|l| !l.is_blank(text))?;
    let last = kept.iter().rposition(|l| !l.is_blank(text))?;
    let kept = &kept[first..=last];
    if let Some(file) = file_reference(text, kept[0]) {
        return Some(file);
    }
    let mut d = Decoded::new();
    for (k, line) in kept.iter().enumerate() {
        if k + 1 == kept.len() {
            d.push_verbatim(line.text(text).trim_end(), line.start);
        } else {
            d.push_verbatim(&text[line.start..line.next], line.start);
        }
    }
    Some(Body::Inline(with_holes(d)))
}

/// `< ./body.json`, `<@ ./body.json`, `<@latin1 ./body.json`.
fn file_reference(text: &str, line: Line) -> Option<Body> {
    let t = line.text(text);
    let rest = t.strip_prefix('<')?;
    let rest = match rest.strip_prefix('@') {
        Some(r) => r.trim_start_matches(|c: char| c.is_ascii_alphanumeric()),
        None => rest,
    };
    if !rest.starts_with([' ', '\t']) {
        return None;
    }
    let path = rest.trim();
    if path.is_empty() {
        return None;
    }
    let at = line.start + (t.len() - rest.trim_start().len());
    Some(Body::File {
        path: path.to_string(),
        span: at..at + path.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::container::request::testing::{assert_maps, inline};
    use proptest::prelude::*;

    const FILE: &str = r#"@baseUrl = https://tenant.eu.qlikcloud.com
@interactive=false
@token = {{$dotenv QLIK_TOKEN}}

### Create JWT IdP
# @name create
POST {{baseUrl}}/api/v1/identity-providers HTTP/1.1
Content-Type: application/json
// the token comes from .env
Authorization: Bearer {{token}}

{
  "tenantIds": ["{{tenantId}}"],
  "provider": "external",
  // REST Client drops this line
  "protocol": "jwtAuth",
  "interactive": {{interactive}},
  "description": "Zürich SSO"
}


### Activate it
PATCH {{baseUrl}}/api/v1/identity-providers/{{idpId}}
    ?dryRun=false
    &x={{ $guid }}
Content-Type: application/json

[{"op": "replace", "path": "/active", "value": true}]

> {%
  client.global.set("idpId", response.body.id);
%}

###
GET {{baseUrl}}/api/v1/identity-providers
"#;

    fn names(d: &Decoded) -> Vec<&str> {
        d.holes.iter().map(|h| h.name.as_str()).collect()
    }

    #[test]
    fn a_rest_client_file() {
        let (x, curls) = extract(FILE);
        assert!(curls.is_empty());
        assert_eq!(
            x.variables,
            [
                (
                    "baseUrl".to_string(),
                    "https://tenant.eu.qlikcloud.com".to_string()
                ),
                ("interactive".to_string(), "false".to_string()),
                ("token".to_string(), "{{$dotenv QLIK_TOKEN}}".to_string()),
            ]
        );
        assert_eq!(x.requests.len(), 3);

        let create = &x.requests[0];
        assert_eq!(create.method, "POST");
        assert_eq!(&FILE[create.method_span.clone().unwrap()], "POST");
        let url = create.url.as_ref().unwrap();
        assert_eq!(url.text, "{{baseUrl}}/api/v1/identity-providers");
        assert_eq!(names(url), ["baseUrl"]);
        assert_maps(FILE, url, "{{baseUrl}}/api");
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
        assert_maps(FILE, &create.headers[1], "Bearer {{token}}");
        let body = inline(create);
        assert_eq!(
            body.text,
            "{\n  \"tenantIds\": [\"{{tenantId}}\"],\n  \"provider\": \"external\",\n  \"protocol\": \"jwtAuth\",\n  \"interactive\": {{interactive}},\n  \"description\": \"Zürich SSO\"\n}"
        );
        assert_eq!(names(body), ["tenantId", "interactive"]);
        assert_maps(FILE, body, "\"protocol\": \"jwtAuth\"");
        assert_maps(FILE, body, "\"Zürich SSO\"");
        assert_maps(FILE, body, "{{interactive}}");
        // across the removed comment line: from the first byte to the last
        let a = body.text.find("\"provider\"").unwrap();
        let b = body.text.find("\"jwtAuth\"").unwrap() + 9;
        let src = &FILE[body.map_range(a..b)];
        assert!(src.starts_with("\"provider\"") && src.ends_with("\"jwtAuth\""));
        assert!(src.contains("// REST Client drops this line"));
        assert!(FILE[create.span.clone()].starts_with("POST {{baseUrl}}"));
        assert!(FILE[create.span.clone()].ends_with("}"));

        let patch = &x.requests[1];
        assert_eq!(patch.method, "PATCH");
        let url = patch.url.as_ref().unwrap();
        assert_eq!(
            url.text,
            "{{baseUrl}}/api/v1/identity-providers/{{idpId}}?dryRun=false&x={{ $guid }}"
        );
        assert_eq!(names(url), ["baseUrl", "idpId", "$guid"]);
        assert_maps(FILE, url, "?dryRun=false");
        assert_maps(FILE, url, "{{ $guid }}");
        let body = inline(patch);
        assert_eq!(
            body.text,
            r#"[{"op": "replace", "path": "/active", "value": true}]"#
        );
        assert_maps(FILE, body, "\"/active\"");
        assert!(FILE[patch.span.clone()].ends_with("%}"));

        let get = &x.requests[2];
        assert_eq!(get.method, "GET");
        assert_eq!(get.body, None);
        assert!(get.headers.is_empty());
        assert_maps(FILE, get.url.as_ref().unwrap(), "/identity-providers");
    }

    #[test]
    fn file_bodies_scripts_responses_and_curl() {
        let text = "\
< {%
  request.variables.set(\"x\", \"1\")
%}
POST https://h/api/v1/identity-providers
Content-Type: application/json

< ./idp.json

###
POST https://h/x

<@ ./with-vars.json
> ./response.json

### pasted response
HTTP/1.1 201 Created
Content-Type: application/json

{\"id\": \"1\"}

### curl
curl -X POST https://h/x \\
  -d '{\"a\": 1}'


###
https://h/only-url

###
# just a comment
";
        let (x, curls) = extract(text);
        assert_eq!(x.requests.len(), 3);
        match &x.requests[0].body {
            Some(Body::File { path, span }) => {
                assert_eq!(path, "./idp.json");
                assert_eq!(&text[span.clone()], "./idp.json");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(x.requests[0].headers.len(), 1);
        match &x.requests[1].body {
            Some(Body::File { path, span }) => {
                assert_eq!(path, "./with-vars.json");
                assert_eq!(&text[span.clone()], "./with-vars.json");
            }
            other => panic!("{other:?}"),
        }
        let only = &x.requests[2];
        assert_eq!(only.method, "GET");
        assert_eq!(only.method_span, None);
        assert_eq!(only.url.as_ref().unwrap().text, "https://h/only-url");
        assert_eq!(curls.len(), 1);
        assert_eq!(
            &text[curls[0].clone()],
            "curl -X POST https://h/x \\\n  -d '{\"a\": 1}'"
        );
    }

    #[test]
    fn crlf_bom_and_no_blank_line_before_the_body() {
        let text = "\u{feff}POST https://h/x\r\nContent-Type: application/json\r\n{\"a\": {{a}},\r\n # gone\r\n \"b\": 2}\r\n\r\n";
        let (x, _) = extract(text);
        assert_eq!(x.requests.len(), 1);
        let r = &x.requests[0];
        assert_eq!(&text[r.method_span.clone().unwrap()], "POST");
        assert_eq!(r.headers[0].text, "Content-Type: application/json");
        let body = inline(r);
        assert_eq!(body.text, "{\"a\": {{a}},\r\n \"b\": 2}");
        assert_maps(text, body, "\"b\": 2}");
        assert_maps(text, body, "{{a}}");
    }

    #[test]
    fn jetbrains_forms() {
        let text = "### Get\nGET https://h/x HTTP/2\nAccept: */*\n\n>> out.json\n\n### Post\npost https://h/y\n\n{\"a\": 1}\n<> 2024-01-01T000000.200.json\n";
        let (x, _) = extract(text);
        assert_eq!(x.requests.len(), 2);
        assert_eq!(x.requests[0].url.as_ref().unwrap().text, "https://h/x");
        assert_eq!(x.requests[0].body, None);
        assert_eq!(x.requests[1].method, "POST");
        assert_eq!(inline(&x.requests[1]).text, "{\"a\": 1}");
    }

    #[test]
    fn odd_inputs_do_not_panic() {
        for text in [
            "",
            "###",
            "\u{feff}",
            "curl",
            "curlx https://h",
            "< {%",
            "GET",
            "@=x",
            "@ a b = c",
            "POST https://h\n\n<",
            "POST https://h\n\n<@",
            "POST https://h\n  ?\n",
            "\r\r\n###\r",
            "POST {{ https://h\n\n{{",
            "é\n\né",
            "> {%\n",
            "GET h\n>\n",
        ] {
            let (x, curls) = extract(text);
            check(text, &x, &curls);
        }
    }

    fn check(text: &str, x: &Extracted, curls: &[Range<usize>]) {
        for c in curls {
            assert!(text.get(c.clone()).is_some());
        }
        for r in &x.requests {
            assert!(text.get(r.span.clone()).is_some(), "{text:?} {r:?}");
            for d in r.url.iter().chain(&r.headers).chain(match &r.body {
                Some(Body::Inline(d)) => Some(d),
                _ => None,
            }) {
                assert!(d.is_well_formed());
                // everything here is copied: the text is the file's bytes
                for s in &d.segments {
                    assert_eq!(&d.text[s.out.clone()], &text[s.src.clone()]);
                }
            }
        }
    }

    #[test]
    fn a_big_file_is_linear() {
        let one = "### x\nPOST https://h/{{a}}\nContent-Type: application/json\n\n{\"a\": \"{{b}}\",\n// c\n\"d\": 1}\n\n";
        let text = one.repeat(1_000_000 / one.len() + 1);
        let start = std::time::Instant::now();
        let (x, _) = extract(&text);
        assert_eq!(x.requests.len(), 1_000_000 / one.len() + 1);
        assert!(start.elapsed().as_secs() < 10);
        let (_, curls) = extract(&"curl x\n".repeat(150_000));
        assert_eq!(curls.len(), 1);
        let (x, _) = extract(&format!("POST h\n\n{}", "{{{{".repeat(250_000)));
        assert_eq!(x.requests.len(), 1);
    }

    proptest! {
        #[test]
        fn any_input_is_extracted_without_panicking(text in any::<String>()) {
            let (x, curls) = extract(&text);
            check(&text, &x, &curls);
        }

        #[test]
        fn http_like_inputs_are_extracted_without_panicking(
            text in "(###|GET |POST |curl |HTTP/|@a=|# |// |< |<@ |> |\\{\\{|\\}\\}|\\{%|%\\}|x|:| |\n|\r\n|\t)*"
        ) {
            let (x, curls) = extract(&text);
            check(&text, &x, &curls);
        }
    }

    #[test]
    fn an_http_fence_in_a_markdown_list_maps_to_the_markdown_file() {
        let md = "1. Send:\n\n   ```http\n   POST {{host}}/api/v1/identity-providers\n   Content-Type: application/json\n\n   {\"protocol\": \"jwtAuth\",\n    \"tenantIds\": [\"{{tenantId}}\"]}\n   ```\n";
        let fences = super::super::markdown::fences(md);
        assert_eq!(fences[0].lang, "http");
        let (inner, _) = extract(&fences[0].content.text);
        let mut x = Extracted::default();
        x.absorb(inner, &fences[0].content);
        let r = &x.requests[0];
        assert_eq!(&md[r.method_span.clone().unwrap()], "POST");
        let body = inline(r);
        assert_maps(md, body, "\"jwtAuth\"");
        assert_maps(md, body, "[\"{{tenantId}}\"]");
        let at = body.text.find("\"jwtAuth\"").unwrap();
        let end = body.text.find("]}").unwrap() + 2;
        assert_eq!(
            &md[body.map_range(at..end)],
            "\"jwtAuth\",\n    \"tenantIds\": [\"{{tenantId}}\"]}"
        );
        assert_eq!(body.holes[0].name, "tenantId");
    }
}
