//! For random payloads wrapped in each container and quoting style, every
//! finding's span in the container covers exactly the bytes that encode the
//! value it names: the decoded body's byte map is exact through shell
//! quotes, cmd's escapes, heredocs, Markdown list fences, `.http` files and
//! Postman's JSON-in-JSON.

use std::ops::Range;

use idplint::{Linter, SourceOptions};
use proptest::prelude::*;

/// A container text being written, with the places of the two values.
#[derive(Default)]
struct Written {
    text: String,
    description: Range<usize>,
    clock: Range<usize>,
}

/// The body's JSON in pieces: before the description literal, the literal,
/// between, the clock number, after. Each container encodes piece by piece.
fn pieces(description: &str, clock: i64) -> [String; 5] {
    [
        "{\n  \"provider\": \"external\",\n  \"protocol\": \"jwtAuth\",\n  \"description\": "
            .to_string(),
        serde_json::to_string(description).unwrap(),
        ",\n  \"clockToleranceSec\": ".to_string(),
        clock.to_string(),
        ",\n  \"options\": {\"issuer\": \"https://issuer.acme-corp.io\", \"staticKeys\": []}\n}"
            .to_string(),
    ]
}

/// Writes the five pieces with `encode`, between `head` and `tail`.
fn wrap(head: &str, parts: &[String; 5], encode: impl Fn(&str) -> String, tail: &str) -> Written {
    let mut w = Written {
        text: head.to_string(),
        ..Written::default()
    };
    for (i, part) in parts.iter().enumerate() {
        let start = w.text.len();
        w.text.push_str(&encode(part));
        match i {
            1 => w.description = start..w.text.len(),
            3 => w.clock = start..w.text.len(),
            _ => {}
        }
    }
    w.text.push_str(tail);
    w
}

const CURL: &str = "curl -sS -X POST \"https://${TENANT}/api/v1/identity-providers\" \\\n  -H 'Content-Type: application/json' \\\n  -d ";

fn single_quoted(parts: &[String; 5]) -> (&'static str, Written) {
    let w = wrap(
        &format!("{CURL}'"),
        parts,
        |s| s.replace('\'', "'\\''"),
        "'\n",
    );
    ("create.sh", w)
}

fn double_quoted(parts: &[String; 5]) -> (&'static str, Written) {
    let encode = |s: &str| {
        s.chars()
            .map(|c| match c {
                '"' | '\\' | '$' | '`' => format!("\\{c}"),
                c => c.to_string(),
            })
            .collect::<String>()
    };
    (
        "create.bash",
        wrap(&format!("{CURL}\""), parts, encode, "\"\n"),
    )
}

/// Windows cmd, as Qlik's documentation writes it: `^` continuations and a
/// `"…"` argument read by the C runtime's rules.
fn cmd(parts: &[String; 5]) -> (&'static str, Written) {
    let encode = |s: &str| {
        let mut out = String::new();
        let mut backslashes = 0;
        for c in s.chars() {
            match c {
                '\\' => backslashes += 1,
                '"' => {
                    out.push_str(&"\\".repeat(2 * backslashes + 1));
                    out.push('"');
                    backslashes = 0;
                }
                c => {
                    out.push_str(&"\\".repeat(backslashes));
                    out.push(c);
                    backslashes = 0;
                }
            }
        }
        out.push_str(&"\\".repeat(backslashes));
        out
    };
    let head = "curl -L \"https://mytenant.eu.qlikcloud.com/api/v1/identity-providers\" ^\n  -X POST ^\n  -H \"Content-Type: application/json\" ^\n  -d \"";
    ("create.cmd", wrap(head, parts, encode, "\"\n"))
}

fn heredoc(parts: &[String; 5]) -> (&'static str, Written) {
    let head = "curl -X POST \"https://$TENANT/api/v1/identity-providers\" \\\n  --data-binary @- <<'JSON'\n";
    ("heredoc.sh", wrap(head, parts, str::to_string, "\nJSON\n"))
}

fn markdown_list(parts: &[String; 5]) -> (&'static str, Written) {
    let head = "# Runbook\n\n1. Create the provider:\n\n   ```json\n   ";
    let w = wrap(head, parts, |s| s.replace('\n', "\n   "), "\n   ```\n");
    ("runbook.md", w)
}

fn http_file(parts: &[String; 5]) -> (&'static str, Written) {
    let head = "@base = https://acme.eu.qlikcloud.com\n\n### Create\nPOST {{base}}/api/v1/identity-providers\nContent-Type: application/json\n\n";
    ("idp.http", wrap(head, parts, str::to_string, "\n"))
}

fn postman(parts: &[String; 5]) -> (&'static str, Written) {
    let head = "{\"info\": {\"name\": \"IdPs\", \"schema\": \"https://schema.getpostman.com/json/collection/v2.1.0/collection.json\"},\n \"item\": [{\"name\": \"Create\", \"request\": {\"method\": \"POST\", \"url\": \"{{baseUrl}}/api/v1/identity-providers\",\n  \"body\": {\"mode\": \"raw\", \"raw\": \"";
    let encode = |s: &str| {
        let quoted = serde_json::to_string(s).unwrap();
        quoted[1..quoted.len() - 1].to_string()
    };
    (
        "idp.postman_collection.json",
        wrap(head, parts, encode, "\"}}}]}\n"),
    )
}

type Container = fn(&[String; 5]) -> (&'static str, Written);

const CONTAINERS: [Container; 7] = [
    single_quoted,
    double_quoted,
    cmd,
    heredoc,
    markdown_list,
    http_file,
    postman,
];

fn check(description: &str, clock: i64) -> Result<(), TestCaseError> {
    let parts = pieces(description, clock);
    for container in CONTAINERS {
        let (name, written) = container(&parts);
        let report = Linter::default().lint_source(name, &written.text, &SourceOptions::default());
        let span_of = |code: &str| {
            report
                .diagnostics
                .iter()
                .find(|d| d.code == code)
                .map(|d| d.span.offset..d.span.offset + d.span.length)
        };
        let context = || format!("{name}:\n{}\n{:#?}", written.text, report.diagnostics);
        prop_assert_eq!(
            span_of("IDP203"),
            Some(written.description.clone()),
            "{}",
            context()
        );
        prop_assert_eq!(
            span_of("IDP201"),
            Some(written.clock.clone()),
            "{}",
            context()
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn findings_cover_the_bytes_of_their_value_in_every_container(
        description in "[a-zA-Z '\"\\\\é€😀$]{129,160}",
        clock in prop_oneof![7201i64..100_000, -100_000i64..-1],
    ) {
        check(&description, clock)?;
    }
}

#[test]
fn a_description_with_every_awkward_character() {
    let description = format!("{}'\"\\$é€😀 `x` \\\"", "a".repeat(130));
    check(&description, 9000).unwrap();
}
