//! `--format sarif`: one SARIF 2.1.0 log for GitHub code scanning and other
//! SARIF consumers.
//!
//! - One run; `tool.driver.rules` holds the rules that have results (sorted by
//!   code), with the summary, the `## Why` section, the full manual as help
//!   text and Markdown, and the default level. `ruleIndex` points into it.
//!   Each rule's `properties` carry what GitHub code scanning reads: `tags`,
//!   `precision` and, for security rules, `security-severity` (from
//!   `rules/code-scanning.json`, and the vendors from the rule's kinds). When
//!   the package names its repository, `tool.driver.informationUri` is it and
//!   each rule's `helpUri` its section of `rules/CATALOG.md` at this version.
//! - A result per finding: `ruleId`, `ruleIndex`, `level` (error, warning,
//!   note), the message (and the finding's help on a second line), the file's
//!   URI relative to `%SRCROOT%` (the base directory, given in
//!   `originalUriBaseIds`) or an absolute `file:` URI for a file outside it,
//!   the region as 1-based lines and columns
//!   (columns in Unicode code points, `run.columnKind`; the end column is the
//!   one after the region) plus `byteOffset`/`byteLength` in bytes of the file
//!   as read, the related labels as `relatedLocations`, the JSON pointer in
//!   `properties.jsonPointer`, and a `partialFingerprints` entry computed from
//!   the rule code, the path and the pointer, stable across runs and edits
//!   that move the member.
//! - A clean run has `results: []`. Files that could not be read are error
//!   notifications in `invocations[0].toolExecutionNotifications` and make
//!   `executionSuccessful` false; skipped files are note notifications.
//! - No source text is embedded (no snippets), so no secret can leak.

use std::collections::{BTreeMap, HashMap};

use std::path::Path;

use percent_encoding::{percent_decode_str, utf8_percent_encode, AsciiSet, NON_ALPHANUMERIC};
use serde_json::{json, Map, Value};

use super::{ci_path, CiOptions, CiPath, Report};
use crate::diagnostic::{Diagnostic, Label, Severity};
use crate::facts::facts;
use crate::rules::{self, RuleMeta};
use crate::source::Position;

/// The schema URI GitHub's documentation uses.
const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// The key of idplint's own entry in `partialFingerprints`.
const FINGERPRINT_KEY: &str = "idplintFingerprint/v1";
/// GitHub truncates longer descriptions.
const MAX_DESCRIPTION: usize = 1024;
/// The package's repository (`package.repository` in Cargo.toml), empty
/// when it names none.
const REPOSITORY: &str = env!("CARGO_PKG_REPOSITORY");
/// The base id of the repository-relative URIs.
const SRCROOT: &str = "%SRCROOT%";

/// The report as a SARIF 2.1.0 log, with a trailing newline.
pub fn render_sarif(report: &Report, options: &CiOptions) -> String {
    let (rules, index) = rule_descriptors(report);
    let (results, notifications) = drawn_results(report, options, &index);

    let mut invocation = Map::new();
    invocation.insert("executionSuccessful".into(), json!(!report.has_io_errors()));
    if !notifications.is_empty() {
        invocation.insert(
            "toolExecutionNotifications".into(),
            Value::Array(notifications),
        );
    }
    let placeholder = if results.is_empty() {
        json!([])
    } else {
        json!([RESULTS_HERE])
    };
    let mut run = Map::new();
    run.insert("tool".into(), json!({ "driver": driver(rules) }));
    run.insert("invocations".into(), json!([invocation]));
    let root = options.base_dir.as_deref().and_then(|d| file_uri(d, true));
    if let Some(root) = root {
        run.insert(
            "originalUriBaseIds".into(),
            json!({ SRCROOT: {"uri": root} }),
        );
    }
    run.insert("columnKind".into(), json!("unicodeCodePoints"));
    run.insert("results".into(), placeholder);
    let log = json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [run],
    });
    let skeleton =
        serde_json::to_string_pretty(&log).unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"));
    with_results(&skeleton, &results)
}

/// The descriptors of the rules that have results, sorted by code, and the
/// index of each code among them.
fn rule_descriptors(report: &Report) -> (Vec<Value>, HashMap<&'static str, usize>) {
    let mut codes: Vec<&'static str> = report
        .files
        .iter()
        .flat_map(|f| f.diagnostics.iter().map(|d| d.code))
        .collect();
    codes.sort_unstable();
    codes.dedup();
    let index = codes.iter().enumerate().map(|(i, c)| (*c, i)).collect();
    let rules = codes
        .iter()
        .map(|code| {
            let name = report
                .files
                .iter()
                .flat_map(|f| &f.diagnostics)
                .find(|d| d.code == *code)
                .map_or("", |d| d.name);
            rule_descriptor(code, name, REPOSITORY)
        })
        .collect();
    (rules, index)
}

/// Every finding as a drawn result, and a notification for each file that
/// could not be read or was skipped.
fn drawn_results(
    report: &Report,
    options: &CiOptions,
    index: &HashMap<&'static str, usize>,
) -> (Vec<String>, Vec<Value>) {
    // Each result is drawn as it is made: a run of a million findings
    // would hold a million JSON trees before drawing any.
    let mut results = Vec::new();
    let mut notifications = Vec::new();
    for file in &report.files {
        let path = ci_path(&file.path, options);
        let problems = [
            ("error", file.error.clone()),
            (
                "note",
                file.skipped.as_ref().map(|r| format!("skipped: {r}")),
            ),
        ];
        for (level, problem) in problems {
            if let Some(problem) = problem {
                notifications.push(json!({
                    "level": level,
                    "message": {"text": format!("{}: {problem}", path.text())},
                    "locations": [{"physicalLocation": {"artifactLocation": artifact(&path)}}],
                }));
            }
        }
        // Occurrences of one (rule, pointer) in this file, for distinct fingerprints.
        let mut seen: BTreeMap<(&str, &str), usize> = BTreeMap::new();
        for d in &file.diagnostics {
            let n = seen.entry((d.code, d.pointer.as_str())).or_insert(0);
            *n += 1;
            let drawn = result(d, &path, index.get(d.code).copied(), *n);
            results.push(pretty_at(&drawn, RESULT_INDENT));
        }
    }
    (results, notifications)
}

/// `tool.driver`: idplint, its version, its repository when the package
/// names one, and the rules.
fn driver(rules: Vec<Value>) -> Map<String, Value> {
    let mut driver = Map::new();
    driver.insert("name".into(), json!(env!("CARGO_PKG_NAME")));
    driver.insert("version".into(), json!(env!("CARGO_PKG_VERSION")));
    driver.insert("semanticVersion".into(), json!(env!("CARGO_PKG_VERSION")));
    if !REPOSITORY.is_empty() {
        driver.insert("informationUri".into(), json!(REPOSITORY));
    }
    driver.insert("rules".into(), Value::Array(rules));
    driver
}

/// The drawn log with the drawn results in the place of [`RESULTS_HERE`],
/// and a trailing newline.
fn with_results(skeleton: &str, results: &[String]) -> String {
    let here = format!(
        "{}{}",
        " ".repeat(RESULT_INDENT),
        serde_json::to_string(RESULTS_HERE).unwrap_or_default()
    );
    let mut out = String::with_capacity(
        skeleton.len() + results.iter().map(|r| r.len() + 2).sum::<usize>() + 1,
    );
    match skeleton.split_once(&here) {
        Some((before, after)) => {
            out.push_str(before);
            for (i, drawn) in results.iter().enumerate() {
                if i > 0 {
                    out.push_str(",\n");
                }
                out.push_str(drawn);
            }
            out.push_str(after);
        }
        None => out.push_str(skeleton),
    }
    out.push('\n');
    out
}

/// Stands for the results in the drawn log, until they are put in its place.
const RESULTS_HERE: &str = "\u{0}results\u{0}";
/// The indent of a result in the pretty-printed log: `runs[0].results[i]`.
const RESULT_INDENT: usize = 8;

/// `value` pretty-printed as it is at `indent` spaces inside a larger
/// document (two spaces a level, as `serde_json::to_string_pretty`).
fn pretty_at(value: &Value, indent: usize) -> String {
    let text = serde_json::to_string_pretty(value).unwrap_or_default();
    let pad = " ".repeat(indent);
    let mut out = String::with_capacity(text.len() + text.len() / 8);
    for (i, line) in text.lines().enumerate() {
        if i > 0 {
            out.push('\n');
        }
        out.push_str(&pad);
        out.push_str(line);
    }
    out
}

/// The stable fingerprint of a finding: a 64-bit FNV-1a hash of the rule
/// code, the file's repository-relative path and the finding's JSON pointer,
/// in hex, then `:` and the occurrence (1 for the first finding of that rule
/// at that pointer in the file). Line numbers play no part, so findings keep
/// their identity when lines are added above them.
pub fn fingerprint(code: &str, path: &str, pointer: &str, occurrence: usize) -> String {
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for part in [code, path, pointer] {
        for byte in part.bytes().chain(std::iter::once(0)) {
            hash ^= u64::from(byte);
            hash = hash.wrapping_mul(0x0000_0100_0000_01b3);
        }
    }
    format!("{hash:016x}:{occurrence}")
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// A rule's reportingDescriptor, from its metadata in the registry; its
/// `helpUri` in the catalogue of `repository` (none when that is empty).
fn rule_descriptor(code: &str, name: &str, repository: &str) -> Value {
    let meta: Option<&'static RuleMeta> = rules::find(code).map(|r| r.meta());
    let Some(meta) = meta else {
        // Not in the registry: the finding on an unused `[[suppress]]`
        // entry (the engine's findings all are).
        let (short, full) = match code {
            crate::rule_meta::UNUSED_CODE => (
                crate::rule_meta::UNUSED_SUMMARY,
                crate::rule_meta::UNUSED_DOCS,
            ),
            _ if name.is_empty() => (code, code),
            _ => (name, name),
        };
        return json!({
            "id": code,
            "name": name,
            "shortDescription": {"text": short},
            "fullDescription": {"text": full},
            "help": {"text": full},
        });
    };
    let summary = match meta.summary() {
        "" => meta.name,
        s => s,
    };
    let why = section(&meta.docs_text(), "Why").unwrap_or_default();
    let full = if why.is_empty() {
        summary.to_string()
    } else {
        why
    };
    let docs = meta.docs_text();
    let docs = docs.trim();
    let mut descriptor = Map::new();
    descriptor.insert("id".into(), json!(meta.code));
    descriptor.insert("name".into(), json!(meta.name));
    descriptor.insert(
        "shortDescription".into(),
        json!({"text": truncate(summary, MAX_DESCRIPTION)}),
    );
    descriptor.insert(
        "fullDescription".into(),
        json!({"text": truncate(&full, MAX_DESCRIPTION)}),
    );
    if let Some(uri) = help_uri(repository, env!("CARGO_PKG_VERSION"), meta) {
        descriptor.insert("helpUri".into(), json!(uri));
    }
    descriptor.insert(
        "help".into(),
        json!({
            "text": if docs.is_empty() { summary } else { docs },
            "markdown": format!("**{} {}**: {}", meta.code, meta.name, docs),
        }),
    );
    descriptor.insert(
        "defaultConfiguration".into(),
        json!({"level": level(meta.severity)}),
    );
    descriptor.insert("properties".into(), code_scanning_properties(meta));
    Value::Object(descriptor)
}

/// The address of the rule's section of `rules/CATALOG.md` in the
/// repository at the release tag `v{version}`; none without a repository.
fn help_uri(repository: &str, version: &str, meta: &RuleMeta) -> Option<String> {
    let repository = repository.trim().trim_end_matches('/');
    if repository.is_empty() {
        return None;
    }
    Some(format!(
        "{repository}/blob/v{version}/rules/CATALOG.md#{}",
        meta.anchor()
    ))
}

/// What GitHub code scanning reads from a rule's property bag: `tags` (the
/// rule's from `rules/code-scanning.json`, then its vendors), `precision`,
/// and `security-severity` for a security rule.
fn code_scanning_properties(meta: &RuleMeta) -> Value {
    let mut properties = Map::new();
    let scanning = facts().code_scanning.rule(meta.code);
    let mut tags: Vec<&str> =
        scanning.map_or_else(Vec::new, |s| s.tags.iter().map(String::as_str).collect());
    for vendor in meta.vendors() {
        if !tags.contains(&vendor) {
            tags.push(vendor);
        }
    }
    properties.insert("tags".into(), json!(tags));
    if let Some(scanning) = scanning {
        properties.insert("precision".into(), json!(scanning.precision.as_str()));
        if let Some(security) = &scanning.security {
            properties.insert("security-severity".into(), json!(security.severity));
        }
    }
    Value::Object(properties)
}

/// The paragraphs of a `## title` section of a rule's manual, on one line.
fn section(docs: &str, title: &str) -> Option<String> {
    let lines = crate::rule_meta::manual_section(docs, title)?;
    let body: Vec<&str> = lines.into_iter().filter(|l| !l.is_empty()).collect();
    Some(body.join(" "))
}

/// At most `max` characters, with an ellipsis when cut.
fn truncate(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let mut out: String = text.chars().take(max - 1).collect();
    out.push('…');
    out
}

fn result(d: &Diagnostic, path: &CiPath, rule_index: Option<usize>, occurrence: usize) -> Value {
    let mut text = d.message.clone();
    if let Some(help) = &d.help {
        text.push_str("\nhelp: ");
        text.push_str(help);
    }
    let mut location = Map::new();
    location.insert(
        "physicalLocation".into(),
        physical(path, d.span.offset, d.span.length, d.start, d.end),
    );
    if let Some(label) = &d.label {
        location.insert("message".into(), json!({ "text": label }));
    }
    let mut result = Map::new();
    result.insert("ruleId".into(), json!(d.code));
    if let Some(i) = rule_index {
        result.insert("ruleIndex".into(), json!(i));
    }
    result.insert("level".into(), json!(level(d.severity)));
    result.insert("message".into(), json!({ "text": text }));
    result.insert("locations".into(), json!([location]));
    if !d.related.is_empty() {
        let related: Vec<Value> = d
            .related
            .iter()
            .enumerate()
            .map(|(i, l)| related(i, l, path))
            .collect();
        result.insert("relatedLocations".into(), Value::Array(related));
    }
    result.insert(
        "partialFingerprints".into(),
        json!({ FINGERPRINT_KEY: fingerprint(d.code, &path.text(), &d.pointer, occurrence) }),
    );
    if let Some(fix) = &d.fix {
        result.insert("fixes".into(), json!([sarif_fix(fix, path)]));
    }
    result.insert(
        "properties".into(),
        json!({"jsonPointer": d.pointer, "fixable": d.fixable}),
    );
    Value::Object(result)
}

/// A fix as SARIF writes one (§3.55): the file's byte ranges and what
/// replaces them; its applicability in the properties.
fn sarif_fix(fix: &crate::diagnostic::Fix, path: &CiPath) -> Value {
    let replacements: Vec<Value> = fix
        .edits
        .iter()
        .map(|e| {
            json!({
                "deletedRegion": {"byteOffset": e.span.offset, "byteLength": e.span.length},
                "insertedContent": {"text": e.replacement},
            })
        })
        .collect();
    json!({
        "description": {"text": fix.title},
        "artifactChanges": [{"artifactLocation": artifact(path), "replacements": replacements}],
        "properties": {"applicability": fix.applicability.as_str()},
    })
}

fn related(i: usize, label: &Label, path: &CiPath) -> Value {
    json!({
        "id": i + 1,
        "physicalLocation": physical(path, label.span.offset, label.span.length, label.start, label.end),
        "message": {"text": label.message},
    })
}

fn physical(path: &CiPath, offset: usize, length: usize, start: Position, end: Position) -> Value {
    json!({
        "artifactLocation": artifact(path),
        "region": {
            "startLine": start.line,
            "startColumn": start.column,
            "endLine": end.line,
            "endColumn": end.column,
            "byteOffset": offset,
            "byteLength": length,
        },
    })
}

/// An artifactLocation: a relative URI reference under `%SRCROOT%`, or a
/// `file:` URI for an absolute path outside the base directory.
fn artifact(path: &CiPath) -> Value {
    match path {
        CiPath::Relative(p) => json!({"uri": encode_relative(p), "uriBaseId": SRCROOT}),
        CiPath::Absolute(p) => match file_uri(p, false) {
            Some(uri) => json!({ "uri": uri }),
            None => json!({ "uri": encode_relative(&p.display().to_string()) }),
        },
    }
}

/// The bytes a URI path leaves as they are (RFC 3986 `pchar` and `/`):
/// unreserved characters, sub-delimiters, `:` and `@`. Every other byte
/// (a space, `#`, `?`, `%`, `[`, a byte of a non-ASCII character) becomes `%XX`.
const PATH: &AsciiSet = &NON_ALPHANUMERIC
    .remove(b'-')
    .remove(b'.')
    .remove(b'_')
    .remove(b'~')
    .remove(b'!')
    .remove(b'$')
    .remove(b'&')
    .remove(b'\'')
    .remove(b'(')
    .remove(b')')
    .remove(b'*')
    .remove(b'+')
    .remove(b',')
    .remove(b';')
    .remove(b'=')
    .remove(b':')
    .remove(b'@')
    .remove(b'/');

/// A relative reference's path encodes `:` too: in its first segment it
/// would read as a scheme.
const RELATIVE_PATH: &AsciiSet = &PATH.add(b':');

/// A relative path as a URI reference, percent-encoded.
fn encode_relative(path: &str) -> String {
    utf8_percent_encode(path, RELATIVE_PATH).to_string()
}

/// The `file:` URI of an absolute path (ending in `/` for a directory),
/// percent-encoded as RFC 3986 wants; none for a relative path.
pub(crate) fn file_uri(path: &Path, directory: bool) -> Option<String> {
    let url = if directory {
        url::Url::from_directory_path(path)
    } else {
        url::Url::from_file_path(path)
    }
    .ok()?;
    // `url` leaves a few bytes RFC 3986 does not allow in a path (`[`, `|`):
    // each segment is decoded and encoded again with the stricter set.
    let segments: Vec<String> = url
        .path()
        .split('/')
        .map(|segment| {
            let bytes: Vec<u8> = percent_decode_str(segment).collect();
            percent_encoding::percent_encode(&bytes, PATH).to_string()
        })
        .collect();
    Some(format!(
        "file://{}{}",
        url.host_str().unwrap_or(""),
        segments.join("/")
    ))
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_fingerprint_changes_with_the_code_the_file_the_pointer_and_the_occurrence() {
        use super::fingerprint;
        assert_eq!(
            fingerprint("IDP005", "idp/okta.json", "/interactive", 1),
            fingerprint("IDP005", "idp/okta.json", "/interactive", 1)
        );
        assert_ne!(
            fingerprint("IDP005", "idp/okta.json", "/interactive", 1),
            fingerprint("IDP005", "idp/okta.json", "/skipVerify", 1)
        );
        assert_ne!(
            fingerprint("IDP005", "idp/okta.json", "/interactive", 1),
            fingerprint("IDP005", "idp/okta.json", "/interactive", 2)
        );
        assert_ne!(
            fingerprint("IDP005", "idp/okta.json", "/interactive", 1),
            fingerprint("IDP006", "idp/okta.json", "/interactive", 1)
        );
        assert_ne!(
            fingerprint("IDP005", "idp/okta.json", "/interactive", 1),
            fingerprint("IDP005", "idp/other.json", "/interactive", 1)
        );
    }

    use super::*;

    #[test]
    fn uri_paths_are_percent_encoded() {
        assert_eq!(encode_relative("idp/a b.json"), "idp/a%20b.json");
        assert_eq!(encode_relative("c:x/ü%.json"), "c%3Ax/%C3%BC%25.json");
        assert_eq!(encode_relative("<stdin>"), "%3Cstdin%3E");
        assert_eq!(
            encode_relative("idp/#1 [a]?.json"),
            "idp/%231%20%5Ba%5D%3F.json"
        );
        assert_eq!(
            encode_relative("idp/a-b_c~d(1)+e@f.json"),
            "idp/a-b_c~d(1)+e@f.json"
        );
    }

    #[cfg(unix)]
    #[test]
    fn file_uris_are_absolute_and_encoded() {
        assert_eq!(
            file_uri(Path::new("/srv/a b/#1 [x]|y%.json"), false).as_deref(),
            Some("file:///srv/a%20b/%231%20%5Bx%5D%7Cy%25.json")
        );
        assert_eq!(
            file_uri(Path::new("/srv/repo"), true).as_deref(),
            Some("file:///srv/repo/")
        );
        assert_eq!(
            file_uri(Path::new("/srv/ü:x"), true).as_deref(),
            Some("file:///srv/%C3%BC:x/")
        );
        assert_eq!(file_uri(Path::new("idp/a.json"), false), None);
    }

    fn meta(code: &str) -> &'static RuleMeta {
        rules::find(code).expect("a rule").meta()
    }

    #[test]
    fn help_uris_point_at_the_rules_section_of_the_catalogue() {
        assert_eq!(
            help_uri("https://github.com/acme/idplint", "1.2.3", meta("IDP504")).as_deref(),
            Some("https://github.com/acme/idplint/blob/v1.2.3/rules/CATALOG.md#idp504-discovery-url-not-well-known")
        );
        assert_eq!(
            help_uri("https://git.example.org/idplint/", "0.1.0", meta("IDP001")).as_deref(),
            Some(
                "https://git.example.org/idplint/blob/v0.1.0/rules/CATALOG.md#idp001-invalid-json"
            )
        );
        assert_eq!(help_uri("", "0.1.0", meta("IDP001")), None);
    }

    #[test]
    fn descriptors_carry_the_code_scanning_properties() {
        let private_key = rule_descriptor(
            "IDP303",
            "pem-private-key",
            "https://github.com/acme/idplint",
        );
        assert_eq!(
            private_key["properties"],
            json!({
                "tags": ["security", "external/cwe/cwe-321", "qlik", "ionos"],
                "precision": "very-high",
                "security-severity": "9.1",
            })
        );
        assert_eq!(
            private_key["helpUri"],
            format!(
                "https://github.com/acme/idplint/blob/v{}/rules/CATALOG.md#idp303-pem-private-key",
                env!("CARGO_PKG_VERSION")
            )
        );
        let tenant = rule_descriptor("IDP204", "tenant-id-format", "");
        assert_eq!(
            tenant["properties"],
            json!({"tags": ["correctness", "qlik"], "precision": "medium"})
        );
        assert!(tenant.get("helpUri").is_none());
    }

    #[test]
    fn sections_are_read_from_the_manual() {
        let docs = "summary\n\n## Why\nOne line\nand two.\n\nMore.\n\n## Fix\nDo it.";
        assert_eq!(
            section(docs, "Why").as_deref(),
            Some("One line and two. More.")
        );
        assert_eq!(section(docs, "Fix").as_deref(), Some("Do it."));
        assert_eq!(section(docs, "References"), None);
    }

    #[test]
    fn fingerprints_are_fixed_values() {
        // A change of these values churns every alert on GitHub: bump the key's version instead.
        assert_eq!(
            fingerprint("IDP005", "idp/okta.json", "/interactive", 1),
            "986c8d588e033555:1"
        );
        assert_ne!(
            fingerprint("IDP001", "a.json", "/a", 1),
            fingerprint("IDP001", "a.json/a", "", 1)
        );
    }
}
