//! The container stage: finding identity-provider requests inside the files
//! where people keep them — curl commands in shell scripts and Markdown,
//! `.http` request files, Postman collections — each body decoded with a
//! byte map back to the file ([`map::Decoded`]).
//!
//! Which files are containers, which Markdown fences are looked into, and
//! which endpoints decide a request's kind are data: `rules/containers.json`.

mod http;
pub mod map;
mod markdown;
mod postman;
pub mod request;
mod shell;
mod templates;

use std::collections::HashMap;
use std::ops::Range;
use std::sync::LazyLock;

use serde::Deserialize;

use crate::kind::Kind;
pub use map::Decoded;
pub use request::{Body, Extracted, Problem, Request};
pub use shell::Dialect;
pub use templates::{fill, Filled, Variables};

/// A file format that holds requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// A Markdown document: its JSON fences and shell fences (`.md`).
    Markdown,
    /// A shell script with `curl` (or PowerShell's `Invoke-RestMethod`)
    /// requests (`.sh`, `.bash`, `.zsh`, `.cmd`, `.bat`, `.ps1`).
    Shell(Dialect),
    /// An HTTP request file of the REST Client and JetBrains kind (`.http`, `.rest`).
    Http,
    /// A Postman collection (`*.postman_collection.json`).
    Postman,
}

impl Format {
    /// The format's name in the JSON output.
    pub fn name(self) -> &'static str {
        match self {
            Format::Markdown => "markdown",
            Format::Shell(Dialect::Posix) => "shell",
            Format::Shell(Dialect::Cmd) => "cmd",
            Format::Shell(Dialect::PowerShell) => "powershell",
            Format::Http => "http",
            Format::Postman => "postman",
        }
    }

    /// What the format is called in a message.
    pub(crate) fn noun(self) -> &'static str {
        match self {
            Format::Markdown => "Markdown file",
            Format::Shell(_) => "script",
            Format::Http => "HTTP request file",
            Format::Postman => "Postman collection",
        }
    }

    /// The format of the file named `name`, from its extension; `None` for
    /// a plain JSON file (a Postman collection is told from its name here,
    /// and from its content when it is linted).
    pub fn for_name(name: &str) -> Option<Format> {
        let facts = &*FACTS;
        let bytes = name.as_bytes();
        let ends_with = |suffix: &str| {
            bytes.len() >= suffix.len()
                && bytes[bytes.len() - suffix.len()..].eq_ignore_ascii_case(suffix.as_bytes())
        };
        if facts.postman_suffixes.iter().any(|s| ends_with(s)) {
            return Some(Format::Postman);
        }
        let (_, extension) = name.rsplit_once('.')?;
        // Most files linted are `.json`: they are answered without a look-up.
        if extension.eq_ignore_ascii_case("json") || extension.contains(['/', '\\']) {
            return None;
        }
        facts
            .by_extension
            .get(extension.to_ascii_lowercase().as_str())
            .copied()
    }

    /// True when a JSON document is a Postman collection (by its
    /// `info.schema`, or `info` and `item` at the top).
    pub(crate) fn sniff(value: &serde_json::Value) -> bool {
        postman::is_collection(value)
    }

    /// The container format of a language identifier an editor sends
    /// (VS Code's `shellscript`, Neovim's `sh`), from `rules/containers.json`.
    pub(crate) fn for_editor_language(language: &str) -> Option<Format> {
        FACTS.by_editor_language.get(language).copied()
    }

    /// The file extensions of every container format, for directory walks.
    pub(crate) fn extensions() -> impl Iterator<Item = &'static str> {
        FACTS.by_extension.keys().map(String::as_str)
    }
}

/// Everything found in a container file, every range a range of `text`.
pub fn extract(format: Format, text: &str) -> Extracted {
    match format {
        Format::Markdown => extract_markdown(text),
        Format::Shell(dialect) => shell::extract(text, dialect, false),
        Format::Http => extract_http(text),
        Format::Postman => postman::extract(text),
    }
}

fn extract_markdown(text: &str) -> Extracted {
    let mut found = Extracted::default();
    // Documentation pages saved as text lose their fences: a paragraph that
    // is a curl command is read as one, from its bytes as written.
    for range in command_paragraphs(text) {
        let Some(part) = text.get(range.clone()) else {
            continue;
        };
        let inner = shell::extract(part, shell::sniff(part), false);
        found.absorb(inner, &Decoded::verbatim(part, range.start));
    }
    for fence in markdown::fences(text) {
        if fence.skip {
            continue;
        }
        let content = &fence.content;
        let inner = match FACTS.fence_language(&fence.lang) {
            Some(FenceLanguage::Json) => bare_body(content),
            Some(FenceLanguage::Http) => extract_http(&content.text),
            Some(FenceLanguage::Shell(dialect, console)) => {
                // Documentation labels Windows commands `bash` too: the
                // text, not the label, tells a POSIX shell from cmd.
                let dialect = dialect.unwrap_or_else(|| shell::sniff(&content.text));
                shell::extract(&content.text, dialect, console)
            }
            None if fence.lang.is_empty() => {
                let trimmed = content.text.trim_start();
                if trimmed.starts_with('{') || trimmed.starts_with('[') {
                    bare_body(content)
                } else if looks_like_shell(&content.text) {
                    let dialect = shell::sniff(&content.text);
                    shell::extract(&content.text, dialect, false)
                } else {
                    continue;
                }
            }
            None => continue,
        };
        if !inner.requests.is_empty() && !fence_is_closed(text, &fence) {
            found.problems.push(Problem {
                span: fence.span.start..fence.info_span.end,
                message: "this code fence is never closed: the rest of the document is its content"
                    .to_string(),
                help: Some("close the fence with the same characters that open it".to_string()),
            });
        }
        found.absorb(inner, content);
    }
    found
}

/// True when the fence's last line is a closing fence (three or more of
/// the backticks or tildes that open it).
fn fence_is_closed(text: &str, fence: &markdown::Fence) -> bool {
    let Some(written) = text.get(fence.span.clone()) else {
        return true;
    };
    let opening = written.trim_start_matches([' ', '\t', '>', '-', '*', '+']);
    let Some(mark) = opening.chars().next().filter(|c| matches!(c, '`' | '~')) else {
        return true;
    };
    let last = written.trim_end().lines().last().unwrap_or("");
    let closing = last.trim_start_matches([' ', '\t', '>']);
    written.trim_end().lines().count() > 1
        && closing.len() >= 3
        && closing.chars().all(|c| c == mark)
}

/// A fence's whole content as one body whose shape decides its kind, in the
/// fence's own coordinates.
fn bare_body(content: &Decoded) -> Extracted {
    let mut body = Decoded::verbatim(&content.text, 0);
    templates::mark_holes(&mut body, true);
    Extracted {
        bare_bodies: vec![body],
        ..Extracted::default()
    }
}

/// The paragraphs of a Markdown text that start with a command line
/// (`curl …`, `$ curl …`, `qlik …`), as byte ranges of the text.
fn command_paragraphs(text: &str) -> Vec<Range<usize>> {
    use pulldown_cmark::{Event, Parser, Tag};
    Parser::new(text)
        .into_offset_iter()
        .filter_map(|(event, range)| match event {
            Event::Start(Tag::Paragraph) => Some(range),
            _ => None,
        })
        .filter(|range| text.get(range.clone()).is_some_and(looks_like_shell_start))
        .collect()
}

/// True when `text` starts with a command idplint reads.
fn looks_like_shell_start(text: &str) -> bool {
    let first = text.trim_start().trim_start_matches("$ ");
    first.starts_with("curl ") || first.starts_with("curl.exe ") || first.starts_with("qlik ")
}

fn looks_like_shell(text: &str) -> bool {
    text.lines().any(looks_like_shell_start)
}

fn extract_http(text: &str) -> Extracted {
    let (mut found, curls) = http::extract(text);
    for range in curls {
        let Some(part) = text.get(range.clone()) else {
            continue;
        };
        let inner = shell::extract(part, Dialect::Posix, false);
        found.absorb(inner, &Decoded::verbatim(part, range.start));
    }
    found
}

/// Where a request goes, by its method and URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Route {
    /// An identity-provider endpoint that takes this body.
    Kind(Kind),
    /// An identity-provider endpoint that does not take a body with this
    /// method: what it takes instead.
    WrongMethod {
        /// `POST`, `PATCH`, `PUT`.
        takes: String,
        /// The kind it would be with that method.
        kind: Kind,
        /// `…/federation/identityproviders/{id}` as the endpoint is named.
        endpoint: String,
    },
    /// Another endpoint: not ours to lint.
    Elsewhere,
}

/// The route of a request with a body: `method` as sent, `url` as written
/// (host and prefix may be template variables).
pub fn route(method: &str, url: &str) -> Route {
    let path = url_path(url);
    for endpoint in &FACTS.endpoints {
        let Some(at) = path.rfind(endpoint.path.as_str()) else {
            continue;
        };
        let rest = &path[at + endpoint.path.len()..];
        let (table, shown) = if rest.is_empty() {
            (&endpoint.collection, endpoint.path.clone())
        } else if rest.starts_with('/') && rest.len() > 1 && !rest[1..].contains('/') {
            (&endpoint.item, format!("{}/{{id}}", endpoint.path))
        } else {
            continue;
        };
        if let Some(kind) = table.get(&method.to_ascii_uppercase()) {
            return Route::Kind(*kind);
        }
        let Some((takes, kind)) = table.iter().next() else {
            continue;
        };
        return Route::WrongMethod {
            takes: takes.clone(),
            kind: *kind,
            endpoint: shown,
        };
    }
    Route::Elsewhere
}

/// The path of a URL as written: after `scheme://host`, without query,
/// fragment or trailing slash.
fn url_path(url: &str) -> &str {
    let url = url.trim();
    let url = url.split(['?', '#']).next().unwrap_or("");
    let url = match url.find("://") {
        Some(at) => {
            let after = &url[at + 3..];
            after.find('/').map_or("", |slash| &after[slash..])
        }
        None => url,
    };
    url.trim_end_matches('/')
}

/// The range, in a header's decoded text, of a literal credential it
/// carries (`Authorization: Bearer eyJ…`, `X-API-Key: …`); `None` for a
/// template variable or a documentation placeholder.
pub fn header_secret(header: &Decoded) -> Option<Range<usize>> {
    let text = &header.text;
    let (written_name, value) = text.split_once(':')?;
    let name = written_name.trim().to_ascii_lowercase();
    if !FACTS.secret_headers.contains(&name) {
        return None;
    }
    let value_start = written_name.len() + 1;
    let mut start = value_start + (value.len() - value.trim_start().len());
    let mut credential = value.trim();
    if let Some((scheme, rest)) = credential.split_once(char::is_whitespace) {
        if FACTS
            .auth_schemes
            .iter()
            .any(|s| s.eq_ignore_ascii_case(scheme))
        {
            let skipped = credential.len() - rest.trim_start().len();
            start += skipped;
            credential = rest.trim();
        }
    }
    let range = start..start + credential.len();
    let placeholders = &crate::facts::facts().placeholders;
    let templated = header
        .holes
        .iter()
        .any(|h| h.out.start < range.end && range.start < h.out.end);
    if credential.len() < 8
        || templated
        || placeholders.is_placeholder(credential)
        || placeholders.is_template(credential)
        || credential.contains(char::is_whitespace)
    {
        return None;
    }
    Some(range)
}

/// The language of a Markdown fence, as far as requests go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum FenceLanguage {
    Json,
    Http,
    /// A shell; the dialect when the language names one, and whether the
    /// block is a terminal session (commands after prompts).
    Shell(Option<Dialect>, bool),
}

#[derive(Deserialize)]
struct EndpointFile {
    path: String,
    collection: HashMap<String, String>,
    item: HashMap<String, String>,
}

#[derive(Deserialize)]
struct ContainersFile {
    endpoints: Vec<EndpointFile>,
    extensions: HashMap<String, Vec<String>>,
    editor_languages: HashMap<String, Vec<String>>,
    postman_suffixes: Vec<String>,
    fence_languages: HashMap<String, Vec<String>>,
    secret_headers: Vec<String>,
    auth_schemes: Vec<String>,
}

struct Endpoint {
    path: String,
    collection: HashMap<String, Kind>,
    item: HashMap<String, Kind>,
}

struct Facts {
    endpoints: Vec<Endpoint>,
    by_extension: HashMap<String, Format>,
    by_editor_language: HashMap<String, Format>,
    postman_suffixes: Vec<String>,
    fence_languages: HashMap<String, FenceLanguage>,
    secret_headers: Vec<String>,
    auth_schemes: Vec<String>,
}

impl Facts {
    fn fence_language(&self, lang: &str) -> Option<FenceLanguage> {
        self.fence_languages.get(lang).copied()
    }
}

static FACTS: LazyLock<Facts> = LazyLock::new(|| {
    let file: ContainersFile = serde_json::from_str(include_str!("../../rules/containers.json"))
        .expect("rules/containers.json is valid");
    let kinds = |table: HashMap<String, String>| -> HashMap<String, Kind> {
        table
            .into_iter()
            .map(|(method, kind)| {
                let kind = Kind::from_name(&kind).expect("rules/containers.json names kinds");
                (method, kind)
            })
            .collect()
    };
    let endpoints = file
        .endpoints
        .into_iter()
        .map(|e| Endpoint {
            path: e.path,
            collection: kinds(e.collection),
            item: kinds(e.item),
        })
        .collect();
    let by_format = |table: HashMap<String, Vec<String>>| -> HashMap<String, Format> {
        let mut out = HashMap::new();
        for (format, names) in table {
            let format = match format.as_str() {
                "markdown" => Format::Markdown,
                "posix" => Format::Shell(Dialect::Posix),
                "powershell" => Format::Shell(Dialect::PowerShell),
                "cmd" => Format::Shell(Dialect::Cmd),
                "http" => Format::Http,
                other => panic!("rules/containers.json: unknown container format `{other}`"),
            };
            out.extend(names.into_iter().map(|name| (name, format)));
        }
        out
    };
    let by_extension = by_format(file.extensions);
    let by_editor_language = by_format(file.editor_languages);
    let console = file
        .fence_languages
        .get("console")
        .cloned()
        .unwrap_or_default();
    let mut fence_languages = HashMap::new();
    for (language, names) in &file.fence_languages {
        let meaning = match language.as_str() {
            "json" => FenceLanguage::Json,
            "http" => FenceLanguage::Http,
            "posix" => FenceLanguage::Shell(None, false),
            "powershell" => FenceLanguage::Shell(Some(Dialect::PowerShell), false),
            "cmd" => FenceLanguage::Shell(Some(Dialect::Cmd), false),
            "console" => continue,
            other => panic!("rules/containers.json: unknown fence language `{other}`"),
        };
        for name in names {
            let meaning = match meaning {
                FenceLanguage::Shell(dialect, _) => {
                    FenceLanguage::Shell(dialect, console.contains(name))
                }
                other => other,
            };
            fence_languages.insert(name.clone(), meaning);
        }
    }
    Facts {
        endpoints,
        by_extension,
        by_editor_language,
        postman_suffixes: file.postman_suffixes,
        fence_languages,
        secret_headers: file.secret_headers,
        auth_schemes: file.auth_schemes,
    }
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_line_decides_the_kind() {
        let cases = [
            ("POST", "https://acme.eu.qlikcloud.com/api/v1/identity-providers", Route::Kind(Kind::QlikCreate)),
            ("PATCH", "https://${TENANT}/api/v1/identity-providers/${IDP_ID}", Route::Kind(Kind::QlikPatch)),
            ("POST", "{{baseUrl}}/api/v1/identity-providers/", Route::Kind(Kind::QlikCreate)),
            ("POST", "https://iam.ionos.com/federation/identityproviders", Route::Kind(Kind::IonosCreate)),
            ("put", "https://iam.ionos.com/federation/identityproviders/3f1c0c1e-1111-4d5e-9a1b-2c3d4e5f6a7b?depth=1", Route::Kind(Kind::IonosEnsure)),
            ("POST", "https://acme.eu.qlikcloud.com/api/v1/spaces", Route::Elsewhere),
            ("POST", "https://acme.eu.qlikcloud.com/api/v1/identity-providers/abc/actions/promote", Route::Elsewhere),
            ("POST", "https://iam.ionos.com/federation/domains", Route::Elsewhere),
        ];
        for (method, url, expected) in cases {
            assert_eq!(route(method, url), expected, "{method} {url}");
        }
        assert_eq!(
            route(
                "PUT",
                "https://acme.eu.qlikcloud.com/api/v1/identity-providers"
            ),
            Route::WrongMethod {
                takes: "POST".into(),
                kind: Kind::QlikCreate,
                endpoint: "/api/v1/identity-providers".into()
            }
        );
        assert_eq!(
            route(
                "POST",
                "https://iam.ionos.com/federation/identityproviders/${ID}"
            ),
            Route::WrongMethod {
                takes: "PUT".into(),
                kind: Kind::IonosEnsure,
                endpoint: "/federation/identityproviders/{id}".into()
            }
        );
    }

    #[test]
    fn a_curl_command_in_a_paragraph_is_read() {
        // A documentation page saved as text: the command is a paragraph.
        let page = "POST/v1/identity-providers\n\ncurl \"https://t.us.qlikcloud.com/api/v1/identity-providers\" \\\n -X POST \\\n -d '{\"protocol\": \"OIDC\"}'\n\nReturns the IdP.\n";
        let found = extract(Format::Markdown, page);
        assert_eq!(found.requests.len(), 1);
        let Some(Body::Inline(body)) = &found.requests[0].body else {
            panic!("{found:?}");
        };
        assert_eq!(&page[body.map_range(1..11)], "\"protocol\"");
        // Prose that mentions curl mid-sentence is not a command.
        assert!(extract(Format::Markdown, "Use curl -d to send it.\n")
            .requests
            .is_empty());
    }

    #[test]
    fn an_unclosed_fence_around_a_request_is_reported() {
        let open = "# Setup\n\n```bash\ncurl -X POST https://h/api/v1/identity-providers -d '{}'\n";
        let found = extract(Format::Markdown, open);
        assert_eq!(found.requests.len(), 1);
        assert_eq!(found.problems.len(), 1);
        assert_eq!(&open[found.problems[0].span.clone()], "```bash");
        let closed = format!("{open}```\n");
        assert!(extract(Format::Markdown, &closed).problems.is_empty());
        let listed = "1. Create:\n\n   ~~~sh\n   curl -X POST https://h/api/v1/identity-providers -d '{}'\n   ~~~\n";
        assert!(extract(Format::Markdown, listed).problems.is_empty());
    }

    #[test]
    fn containers_are_known_by_their_names() {
        assert_eq!(Format::for_name("docs/runbook.md"), Some(Format::Markdown));
        assert_eq!(
            Format::for_name("create-idp.SH"),
            Some(Format::Shell(Dialect::Posix))
        );
        assert_eq!(
            Format::for_name("x.ps1"),
            Some(Format::Shell(Dialect::PowerShell))
        );
        assert_eq!(Format::for_name("requests/idp.http"), Some(Format::Http));
        assert_eq!(
            Format::for_name("IdP.postman_collection.json"),
            Some(Format::Postman)
        );
        assert_eq!(Format::for_name("idp/okta.json"), None);
        assert_eq!(Format::for_name("Makefile"), None);
        assert_eq!(Format::for_name("dir.md/file"), None);
    }

    #[test]
    fn literal_credentials_in_headers_are_secrets() {
        let secret = |h: &str| {
            let d = Decoded::verbatim(h, 0);
            header_secret(&d).map(|r| h[r].to_string())
        };
        assert_eq!(
            secret("Authorization: Bearer eyJ0eXAiOiJKV1QiLCJraWQiO").as_deref(),
            Some("eyJ0eXAiOiJKV1QiLCJraWQiO")
        );
        assert_eq!(
            secret("x-api-key:   k3y-8f7a6d5c4b3a").as_deref(),
            Some("k3y-8f7a6d5c4b3a")
        );
        assert_eq!(secret("Authorization: Bearer <API-key>"), None);
        assert_eq!(secret("Authorization: Bearer <ACCESS_TOKEN>"), None);
        assert_eq!(secret("Authorization: Bearer ${TOKEN}"), None);
        assert_eq!(secret("Authorization: Bearer {{token}}"), None);
        assert_eq!(secret("Content-Type: application/json"), None);
    }
}
