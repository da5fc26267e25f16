//! Fixes: applied to every rule example and every payload under `testdata/`,
//! a fix removes its finding, brings no new error, keeps the file JSON, and
//! a second run finds nothing more to fix. On the command line, nothing is
//! written without `--fix`, and a fixed file keeps its permissions and line
//! endings.

use std::collections::BTreeSet;
use std::path::Path;

use assert_cmd::Command;
use idplint::{fix_text, FixMode};
use idplint::{Linter, Options, Severity, SourceOptions};

#[allow(dead_code)]
#[path = "../../examples/gen_corpus.rs"]
mod gen_corpus;

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig::with_cases(16))]
    /// Over the benchmark's generated payloads, a third with a defect:
    /// fixing keeps JSON JSON, changes no byte outside its findings' edits,
    /// and a second run has nothing left to fix.
    #[test]
    fn fixing_generated_payloads_is_stable(seed in proptest::prelude::any::<u64>()) {
        let linter = Linter::new(Options::default());
        let options = SourceOptions::default();
        for (name, text) in gen_corpus::corpus(40, seed) {
            let fixed = fix_text(&linter, &name, &text, &options, FixMode::Unsafe);
            if serde_json::from_str::<serde_json::Value>(&text).is_ok() {
                proptest::prop_assert!(
                    serde_json::from_str::<serde_json::Value>(&fixed.text).is_ok(),
                    "{name}: the fixed text is no longer JSON"
                );
            }
            let replayed = replay(&linter, &name, &text, &fixed.rounds, &options);
            proptest::prop_assert!(
                replayed.as_deref() == Ok(fixed.text.as_str()),
                "{name}: the fixed text is not the original with its findings' edits: {replayed:?}"
            );
            let again = fix_text(&linter, &name, &fixed.text, &options, FixMode::Unsafe);
            proptest::prop_assert_eq!(again.applied, 0, "{}: a second run fixed more", name);
            proptest::prop_assert_eq!(&again.text, &fixed.text);
        }
    }
}

/// Rebuilds the fixed text from the original, round by round: each round's
/// edits must be edits of the fixes its findings carry, must not overlap, and
/// every byte between them is copied from the text the round started from.
fn replay(
    linter: &Linter,
    name: &str,
    original: &str,
    rounds: &[Vec<idplint::Edit>],
    options: &SourceOptions,
) -> Result<String, String> {
    let mut text = original.to_string();
    for (round, edits) in rounds.iter().enumerate() {
        let report = linter.lint_bytes(name, text.as_bytes(), options);
        let offered: Vec<_> = report
            .diagnostics
            .iter()
            .filter_map(|d| d.fix.as_ref())
            .flat_map(|f| f.edits.iter())
            .collect();
        let mut next = String::new();
        let mut copied_to = 0;
        for edit in edits {
            if !offered.contains(&edit) {
                return Err(format!("round {round}: {edit:?} is no finding's edit"));
            }
            let (start, end) = (edit.span.offset, edit.span.offset + edit.span.length);
            if start < copied_to || end > text.len() {
                return Err(format!("round {round}: {edit:?} overlaps or overruns"));
            }
            next.push_str(&text[copied_to..start]);
            next.push_str(&edit.replacement);
            copied_to = end;
        }
        next.push_str(&text[copied_to..]);
        text = next;
    }
    Ok(text)
}

fn payloads() -> Vec<(String, String)> {
    let mut out: Vec<(String, String)> = idplint::rules()
        .flat_map(|m| {
            m.failing_examples()
                .iter()
                .enumerate()
                .map(move |(i, e)| (format!("{}-fail-{i}.json", m.code()), e.to_string()))
        })
        .collect();
    let mut stack = vec![Path::new(env!("CARGO_MANIFEST_DIR")).join("testdata")];
    while let Some(dir) = stack.pop() {
        for entry in std::fs::read_dir(&dir).expect("testdata") {
            let path = entry.expect("entry").path();
            if path.is_dir() {
                stack.push(path);
            } else if path.extension().is_some_and(|e| e == "json") {
                if let Ok(text) = std::fs::read_to_string(&path) {
                    out.push((path.display().to_string(), text));
                }
            }
        }
    }
    out
}

#[test]
fn fixes_remove_their_findings_and_bring_no_new_error() {
    let linter = Linter::new(Options::default());
    let options = SourceOptions::default();
    let mut fixed_files = 0;
    let mut problems = Vec::new();
    for (name, text) in payloads() {
        let before = linter.lint_bytes(&name, text.as_bytes(), &options);
        let fixable: Vec<(&str, String)> = before
            .diagnostics
            .iter()
            .filter(|d| d.fix.is_some())
            .map(|d| (d.code, d.pointer.clone()))
            .collect();
        let fixed = fix_text(&linter, &name, &text, &options, FixMode::Unsafe);
        if fixable.is_empty() {
            if fixed.text != text {
                problems.push(format!("{name}: changed with no fix offered"));
            }
            continue;
        }
        fixed_files += 1;
        if fixed.applied == 0 {
            problems.push(format!("{name}: {fixable:?} offered, none applied"));
        }
        if serde_json::from_str::<serde_json::Value>(&text).is_ok()
            && serde_json::from_str::<serde_json::Value>(&fixed.text).is_err()
        {
            problems.push(format!("{name}: the fixed text is no longer JSON"));
        }
        let errors = |report: &idplint::FileReport| -> BTreeSet<(String, String)> {
            report
                .diagnostics
                .iter()
                .filter(|d| d.severity == Severity::Error)
                .map(|d| (d.code.to_string(), d.pointer.clone()))
                .collect()
        };
        let new_errors: Vec<_> = errors(&fixed.report)
            .difference(&errors(&before))
            .cloned()
            .collect();
        // A file that was no JSON had no other findings to compare with.
        let was_json = !before.diagnostics.iter().any(|d| d.code == "IDP001");
        if was_json && !new_errors.is_empty() {
            problems.push(format!("{name}: new errors after fixing: {new_errors:?}"));
        }
        for (code, pointer) in &fixable {
            if fixed
                .report
                .diagnostics
                .iter()
                .any(|d| d.code == *code && d.pointer == *pointer && d.fix.is_some())
            {
                problems.push(format!("{name}: {code} at {pointer} is still there"));
            }
        }
        let again = fix_text(&linter, &name, &fixed.text, &options, FixMode::Unsafe);
        if again.applied != 0 || again.text != fixed.text {
            problems.push(format!("{name}: a second run fixed {} more", again.applied));
        }
    }
    assert!(fixed_files >= 10, "only {fixed_files} payloads had a fix");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn safe_mode_applies_no_unsafe_fix() {
    let linter = Linter::new(Options::default());
    let text = r#"{"id": "65a0f1c2d3e4b5a697887766", "protocol": "OIDC", "provider": "okta", "interactive": "true", "options": {"discoveryURL": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": "sub"}}}"#;
    let fixed = fix_text(
        &linter,
        "body.json",
        text,
        &SourceOptions::default(),
        FixMode::Safe,
    );
    assert_eq!(
        fixed.text,
        r#"{"id": "65a0f1c2d3e4b5a697887766", "protocol": "OIDC", "provider": "okta", "interactive": true, "options": {"discoveryURL": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"]}}}"#
    );
    assert_eq!(fixed.applied, 2);
    let fixed = fix_text(
        &linter,
        "body.json",
        text,
        &SourceOptions::default(),
        FixMode::Unsafe,
    );
    assert_eq!(
        fixed.text,
        r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "options": {"discoveryUrl": "https://acme-corp.okta.com/oauth2/default/.well-known/openid-configuration", "claimsMapping": {"sub": ["sub"]}}}"#
    );
}

const CRLF_BODY: &str = "{\r\n  \"metadata\": {},\r\n  \"properties\": {\r\n    \"type\": \"OIDC\",\r\n    \"name\": \"Acme Keycloak\",\r\n    \"enabled\": \"true\",\r\n    \"domain\": \"acme-corp.io\",\r\n    \"configuration\": {\r\n      \"oidc\": {\r\n        \"openidConfigurationUrl\": \"https://login.acme-corp.io/realms/staff/.well-known/openid-configuration\",\r\n        \"clientSecret\": \"${IONOS_IDP_CLIENT_SECRET}\",\r\n        \"clientName\": \"ionos-cloud\"\r\n      }\r\n    }\r\n  }\r\n}\r\n";

fn idplint() -> Command {
    Command::cargo_bin("idplint").unwrap()
}

#[test]
fn nothing_is_written_without_fix_and_diff_shows_the_change() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ionos.json");
    std::fs::write(&path, CRLF_BODY).unwrap();
    let out = idplint().arg("check").arg(&path).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stdout).contains("(fixable with --fix)"));
    let out = idplint()
        .args(["check", "--diff"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "a diff to show exits 1");
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains("-    \"type\": \"OIDC\",\r\n+    \"type\": \"oidc\",\r\n"),
        "{diff}"
    );
    assert!(
        diff.contains("-    \"enabled\": \"true\",\r\n+    \"enabled\": true,\r\n"),
        "{diff}"
    );
    assert_eq!(std::fs::read_to_string(&path).unwrap(), CRLF_BODY);
}

#[cfg(unix)]
#[test]
fn fix_writes_in_place_keeping_permissions_and_line_endings() {
    use std::os::unix::fs::PermissionsExt;
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("ionos.json");
    std::fs::write(&path, CRLF_BODY).unwrap();
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o640)).unwrap();
    let out = idplint()
        .args(["check", "--fix"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixed 2 findings"));
    let after = std::fs::read_to_string(&path).unwrap();
    assert_eq!(
        after,
        CRLF_BODY
            .replace("\"type\": \"OIDC\"", "\"type\": \"oidc\"")
            .replace("\"enabled\": \"true\"", "\"enabled\": true")
    );
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o640);
    // Nothing is left to fix: --diff has nothing to show.
    let out = idplint()
        .args(["check", "--diff"])
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0));
    assert!(out.stdout.is_empty());
}

/// Inside a container, a fix is written the way the container writes the
/// body: as it is in a single-quoted curl body, escaped in a double-quoted
/// one, escaped as a JSON string in a Postman `raw` body.
#[test]
fn a_container_is_fixed_in_its_own_quoting() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/testdata/fix/ionos-setup.md");
    let out = idplint().args(["check", "--diff", path]).output().unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diff = String::from_utf8_lossy(&out.stdout);
    assert!(
        diff.contains("-      \"type\": \"OIDC\",\n+      \"type\": \"oidc\",\n"),
        "{diff}"
    );
    assert!(
        diff.contains("-      \"enabled\": \"true\",\n+      \"enabled\": true,\n"),
        "{diff}"
    );
    assert!(
        diff.contains("+  -d \"{\\\"properties\\\": {\\\"type\\\": \\\"oidc\\\", \\\"name\\\": \\\"Acme\\\", \\\"enabled\\\": true,"),
        "the double-quoted body is fixed with its escapes:\n{diff}"
    );
    let added = diff
        .lines()
        .filter(|l| l.starts_with('+') && !l.starts_with("+++"))
        .count();
    assert_eq!(added, 3, "{diff}");

    let dir = tempfile::tempdir().unwrap();
    let collection = dir.path().join("idp.postman_collection.json");
    std::fs::copy(
        concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/testdata/containers/identity-providers.postman_collection.json"
        ),
        &collection,
    )
    .unwrap();
    let out = idplint()
        .args(["check", "--unsafe-fixes", "--fix-only"])
        .arg(&collection)
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&out.stderr).contains("fixed 1 finding"));
    let text = std::fs::read_to_string(&collection).unwrap();
    serde_json::from_str::<serde_json::Value>(&text).expect("the collection is still JSON");
    let out = idplint()
        .args(["check", "--unsafe-fixes", "--diff"])
        .arg(&collection)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "nothing left to fix");
}

/// The fixed text of every rule's failing example that has a fix, as a
/// diff: the reviewed record of what each fix writes.
#[test]
fn fixed_examples() {
    let linter = Linter::new(Options::default());
    let mut out = String::new();
    for m in idplint::rules() {
        for (i, example) in m.failing_examples().iter().enumerate() {
            let name = format!("{}-fail-{i}.json", m.code());
            let pretty = serde_json::from_str::<serde_json::Value>(example)
                .map(|v| serde_json::to_string_pretty(&v).expect("pretty") + "\n")
                .unwrap_or_else(|_| example.to_string());
            let fixed = fix_text(
                &linter,
                &name,
                &pretty,
                &SourceOptions::default(),
                FixMode::Unsafe,
            );
            if fixed.applied > 0 {
                out.push_str(&unified_diff(&name, &pretty, &fixed.text));
            }
        }
    }
    insta::assert_snapshot!(out);
}

/// `--diff` on realistic files: a JSON payload and a Markdown runbook.
#[test]
fn diff_of_realistic_files() {
    let files = [
        "testdata/fix/ionos-setup.md",
        "testdata/qlik/create/invalid-discovery-url-markdown-autolink.json",
        "testdata/ionos/ensure/invalid-id-braces.json",
    ];
    let mut out = String::new();
    for file in files {
        let run = idplint()
            .current_dir(env!("CARGO_MANIFEST_DIR"))
            .args(["check", "--unsafe-fixes", "--diff", file])
            .output()
            .unwrap();
        out.push_str(&String::from_utf8_lossy(&run.stdout));
        out.push_str(&String::from_utf8_lossy(&run.stderr));
    }
    insta::assert_snapshot!(out);
}

/// `explain` says which flag applies a rule's fix and shows it on an example.
#[test]
fn explain_shows_the_fix() {
    let out = idplint().args(["explain", "IDP401"]).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("## Autofix\nsafe (`--fix`): a single source"),
        "{text}"
    );
    assert!(
        text.contains("## Fixes of the failing examples\n\n- `--fix`: wrap it in an array"),
        "{text}"
    );
    assert!(
        text.contains("-      \"sub\": \"sub\",\n+      \"sub\": [\"sub\"],"),
        "{text}"
    );
    let out = idplint().args(["explain", "IDP105"]).output().unwrap();
    assert!(String::from_utf8_lossy(&out.stdout).contains("No automatic fix"));
}

/// A PEM pasted over raw lines is a syntax error whose fix joins the lines;
/// a private key pasted so gets none (no report may carry its text).
#[test]
fn a_pem_over_raw_lines_is_joined_unless_it_is_private() {
    let linter = Linter::new(Options::default());
    let public = "{\"protocol\": \"jwtAuth\", \"provider\": \"external\", \"options\": {\"issuer\": \"https://portal.acme-corp.io\", \"staticKeys\": [{\"kid\": \"k1\", \"pem\": \"-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEF\n  AAOCAQ8AMIIBCgKCAQEAnZzi\n-----END PUBLIC KEY-----\"}]}}";
    let fixed = fix_text(
        &linter,
        "body.json",
        public,
        &SourceOptions::default(),
        FixMode::Safe,
    );
    assert!(fixed.text.contains(
        "\"pem\": \"-----BEGIN PUBLIC KEY-----MIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnZzi-----END PUBLIC KEY-----\""
    ));
    assert!(!fixed.report.diagnostics.iter().any(|d| d.code == "IDP001"));
    let private = public.replace("PUBLIC KEY", "PRIVATE KEY");
    let report = linter.lint_bytes("body.json", private.as_bytes(), &SourceOptions::default());
    let syntax = report
        .diagnostics
        .iter()
        .find(|d| d.code == "IDP001")
        .expect("IDP001");
    assert!(syntax.fix.is_none() && !syntax.fixable);
}

/// A rule's manual argues each kind of fix its examples offer, in an
/// `## Autofix` section (`safe (`--fix`)…`, `unsafe (`--unsafe-fixes`)…`),
/// and argues none it never offers.
#[test]
fn every_fix_is_argued_in_its_manual() {
    let mut wrong = Vec::new();
    for m in idplint::rules() {
        let linter = Linter::new(Options {
            select: vec![m.code().to_string()],
            ..Options::default()
        });
        let offered: BTreeSet<&str> = m
            .failing_examples()
            .iter()
            .flat_map(|e| {
                linter
                    .lint_source("example.json", e, &SourceOptions::default())
                    .diagnostics
            })
            .filter_map(|d| d.fix)
            .map(|f| match f.applicability {
                idplint::Applicability::Safe => "safe (`--fix`)",
                idplint::Applicability::Unsafe => "unsafe (`--unsafe-fixes`)",
            })
            .collect();
        let section = manual_section(&m.docs(), "Autofix").join(" ");
        let argued: BTreeSet<&str> = ["safe (`--fix`)", "unsafe (`--unsafe-fixes`)"]
            .into_iter()
            .filter(|a| {
                section
                    .match_indices(a)
                    .any(|(i, _)| !section[..i].ends_with("un"))
            })
            .collect();
        if offered != argued {
            wrong.push(format!(
                "{}: offers {offered:?}, argues {argued:?}",
                m.code()
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// A unified diff from `before` to `after`, as `idplint check --diff`
/// prints one.
fn unified_diff(name: &str, before: &str, after: &str) -> String {
    similar::TextDiff::from_lines(before, after)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{name}"), &format!("b/{name}"))
        .to_string()
}

/// The trimmed lines of a rule manual's `## title` section; none when it
/// has no such section.
fn manual_section(docs: &str, title: &str) -> Vec<String> {
    let mut lines = docs
        .lines()
        .map(str::trim)
        .skip_while(|l| l.strip_prefix("## ").map(str::trim) != Some(title));
    if lines.next().is_none() {
        return Vec::new();
    }
    lines
        .take_while(|l| !l.starts_with("## "))
        .map(str::to_string)
        .collect()
}
