//! The command line as users run it: exit codes, stdin, directories,
//! skipped files, unreadable files and the JSON document.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;

fn idplint() -> Command {
    let mut cmd = Command::cargo_bin("idplint").expect("binary built");
    cmd.env("NO_COLOR", "1");
    cmd
}

fn testdata(path: &str) -> String {
    format!("{}/testdata/{path}", env!("CARGO_MANIFEST_DIR"))
}

fn json_of(output: &[u8]) -> Value {
    serde_json::from_slice(output).expect("--format json prints one JSON document")
}

/// The JSON report of `check --format json PATHS`, which must exit with `code`.
fn json_report<P: AsRef<std::ffi::OsStr>>(paths: &[P], code: i32) -> Value {
    let out = idplint()
        .args(["check", "--format", "json"])
        .args(paths)
        .assert()
        .code(code);
    json_of(&out.get_output().stdout)
}

/// The paths of a JSON report's files, in its order, relative to `root`.
fn reported_paths(doc: &Value, root: &Path) -> Vec<String> {
    doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            Path::new(f["path"].as_str().unwrap())
                .strip_prefix(root)
                .unwrap()
                .display()
                .to_string()
        })
        .collect()
}

const VALID_JWT: &str = r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics",
 "options": {"issuer": "https://issuer.acme-corp.io", "staticKeys": [{"kid": "k1", "pem": "PEM"}]}}"#;

#[test]
fn error_findings_exit_1_and_name_the_rule() {
    let out = idplint()
        .args(["check", &testdata("qlik/create/seed000-jwt.json")])
        .assert()
        .code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(text.contains("IDP302 certificate-unparseable"), "{text}");
    assert!(text.contains("failed:"), "{text}");
}

#[test]
fn non_payload_json_is_skipped_with_exit_0() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("package.json"),
        r#"{"name": "web", "version": "1.0.0"}"#,
    )
    .unwrap();
    let doc = json_report(&[dir.path().join("package.json")], 0);
    assert_eq!(doc["files"][0]["skipped"], true);
    assert!(doc["files"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("not an identity-provider payload"));
    assert_eq!(doc["files"][0]["diagnostics"], serde_json::json!([]));
    assert_eq!(doc["summary"]["skipped"], 1);
}

#[test]
fn stdin_is_linted_under_the_given_name() {
    let out = idplint()
        .args([
            "check",
            "-",
            "--stdin-filename",
            "idp/jwt.json",
            "--format",
            "json",
        ])
        .write_stdin("{\"protocol\": \"jwtAuth\",\n \"provider\": \"external\",\n}")
        .assert()
        .code(1);
    let doc = json_of(&out.get_output().stdout);
    let file = &doc["files"][0];
    assert_eq!(file["path"], "idp/jwt.json");
    // The trailing comma is the syntax error; the body behind it is linted too.
    let syntax: Vec<_> = file["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "IDP001")
        .collect();
    assert_eq!(syntax.len(), 1, "{file}");
    assert_eq!(
        syntax[0]["start"],
        serde_json::json!({"line": 2, "column": 24})
    );
}

#[test]
fn unreadable_file_exits_2_and_the_others_are_still_linted() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("bad.json"),
        "[{\"op\": \"add\", \"path\": \"/description\"}",
    )
    .unwrap();
    let doc = json_report(
        &[dir.path().join("missing.json"), dir.path().join("bad.json")],
        2,
    );
    let files = doc["files"].as_array().unwrap();
    assert_eq!(files.len(), 2);
    assert_eq!(files[0]["error"], "no such file or directory");
    assert_eq!(files[1]["diagnostics"][0]["code"], "IDP001");
}

#[test]
fn directories_are_walked_for_json_and_containers_respecting_gitignore() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir(root.join(".git")).unwrap();
    fs::write(root.join(".gitignore"), "generated/\n").unwrap();
    fs::create_dir_all(root.join("idp/qlik")).unwrap();
    fs::create_dir_all(root.join("generated")).unwrap();
    fs::write(
        root.join("idp/qlik/broken.json"),
        "{\"protocol\": \"OIDC\",}",
    )
    .unwrap();
    fs::write(root.join("idp/README.md"), "not json").unwrap();
    fs::write(root.join("generated/ignored.json"), "not json at all").unwrap();
    fs::write(root.join("package.json"), r#"{"name": "x"}"#).unwrap();
    let doc = json_report(&[root], 1);
    let paths = reported_paths(&doc, root);
    // A Markdown file is a container: walked, and skipped for holding no request.
    assert_eq!(
        paths,
        ["idp/README.md", "idp/qlik/broken.json", "package.json"]
    );
}

#[test]
fn reports_follow_the_command_line_and_sorted_paths_within_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let tree = root.join("tree");
    fs::create_dir_all(tree.join("a")).unwrap();
    for name in ["b.json", "a.json", "a-b.json", "a/z.json"] {
        fs::write(tree.join(name), VALID_JWT).unwrap();
    }
    fs::write(root.join("first.json"), VALID_JWT).unwrap();
    fs::write(root.join("last.json"), VALID_JWT).unwrap();
    let out = idplint()
        .args(["check", "--format", "json"])
        .arg(root.join("last.json"))
        .arg(&tree)
        .arg(root.join("first.json"))
        .assert();
    let doc = json_of(&out.get_output().stdout);
    let paths = reported_paths(&doc, root);
    // A path separator sorts before every other byte: `a/` comes before `a-b`.
    assert_eq!(
        paths,
        [
            "last.json",
            "tree/a/z.json",
            "tree/a-b.json",
            "tree/a.json",
            "tree/b.json",
            "first.json"
        ]
    );
}

/// Files are drawn as soon as they are linted, but an IONOS body waits for
/// the checks across files: a name used twice is reported in both files, in
/// place, and counted in the summary.
#[test]
fn a_name_used_twice_is_reported_in_both_files_in_order() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let ionos = fs::read_to_string(testdata("ionos/create/valid-saml.json")).unwrap();
    for name in ["a.json", "c.json", "e.json"] {
        fs::write(root.join(name), &ionos).unwrap();
    }
    fs::write(root.join("b.json"), VALID_JWT).unwrap();
    fs::write(root.join("d.json"), "{\"protocol\": ").unwrap();
    let doc = json_report(&[root], 1);
    assert_eq!(
        reported_paths(&doc, root),
        ["a.json", "b.json", "c.json", "d.json", "e.json"]
    );
    let codes: Vec<Vec<&str>> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            f["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| d["code"].as_str().unwrap())
                .collect()
        })
        .collect();
    for (i, file) in codes.iter().enumerate() {
        assert_eq!(file.contains(&"IDP208"), i % 2 == 0, "{codes:?}");
    }
    assert_eq!(codes[3], ["IDP001"]);
    let message = doc["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "IDP208")
        .unwrap()["message"]
        .as_str()
        .unwrap();
    assert!(
        message.contains("c.json`, `") && message.contains("e.json`"),
        "{message}"
    );
    let summary = &doc["summary"];
    let severities: Vec<&str> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|f| f["diagnostics"].as_array().unwrap())
        .map(|d| d["severity"].as_str().unwrap())
        .collect();
    assert_eq!(summary["files"], 5);
    assert_eq!(
        summary["errors"],
        severities.iter().filter(|s| **s == "error").count()
    );
    assert_eq!(
        summary["warnings"],
        severities.iter().filter(|s| **s == "warning").count()
    );

    let out = idplint().arg("check").arg(root).assert().code(1);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert_eq!(text.matches("IDP208").count(), 3, "{text}");
    let order: Vec<usize> = ["a.json", "b.json", "c.json", "d.json", "e.json"]
        .iter()
        .filter_map(|name| text.find(&format!("[{}", root.join(name).display())))
        .collect();
    assert_eq!(order.len(), 5, "{text}");
    assert!(order.windows(2).all(|w| w[0] < w[1]), "{text}");
    assert!(text.ends_with("in 5 files\n"), "{text}");
}

#[test]
fn json_document_has_the_documented_shape() {
    let out = idplint()
        .args([
            "check",
            "--format",
            "json",
            "-",
            "--stdin-filename",
            "jwt.json",
        ])
        .write_stdin(VALID_JWT.replace("\"k1\"", "\" k1\""))
        .assert();
    let doc = json_of(&out.get_output().stdout);
    assert_eq!(doc["version"], 1);
    assert_eq!(doc["tool"]["name"], "idplint");
    assert_eq!(doc["files"][0]["kind"], "qlik.create");
    assert_eq!(doc["files"][0]["skipped"], false);
    for d in doc["files"][0]["diagnostics"].as_array().unwrap() {
        for key in [
            "code", "name", "severity", "message", "pointer", "span", "start", "end", "fixable",
        ] {
            assert!(d.get(key).is_some(), "diagnostic lacks `{key}`: {d}");
        }
        assert!(d["span"]["offset"].is_u64() && d["span"]["length"].is_u64());
    }
    for key in ["files", "skipped", "errors", "warnings", "infos"] {
        assert!(doc["summary"][key].is_u64(), "summary lacks `{key}`");
    }
}

#[test]
fn select_and_ignore_filter_rules_and_reject_unknown_codes() {
    let run = |args: &[&str]| {
        let out = idplint()
            .args(["check", "--format", "json"])
            .args(args)
            .arg(testdata("qlik/create/seed000-jwt.json"))
            .output()
            .unwrap();
        json_of(&out.stdout)["files"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect::<Vec<_>>()
    };
    assert!(run(&["--select", "IDP3"])
        .iter()
        .all(|c| c.starts_with("IDP3")));
    assert!(!run(&["--select", "IDP3"]).is_empty());
    assert!(run(&["--ignore", "IDP3,IDP006"])
        .iter()
        .all(|c| !c.starts_with("IDP3") && c != "IDP006"));
    idplint()
        .args(["check", "--select", "IDP999"])
        .arg(testdata("qlik/create/seed000-jwt.json"))
        .assert()
        .code(2);
}

#[test]
fn kind_override_lints_an_unrecognised_body() {
    let out = idplint()
        .args(["check", "--format", "json", "--kind", "qlik.create", "-"])
        .write_stdin(r#"{"description": "no protocol here"}"#)
        .assert()
        .code(1);
    let doc = json_of(&out.get_output().stdout);
    let codes: Vec<_> = doc["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["code"].clone())
        .collect();
    assert!(codes.contains(&Value::from("IDP004")), "{codes:?}");
}

#[test]
fn rules_and_explain() {
    let out = idplint()
        .args(["rules", "--format", "json"])
        .assert()
        .code(0);
    let list = json_of(&out.get_output().stdout);
    assert!(list
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["code"] == "IDP001" && r["name"] == "invalid-json"));
    let out = idplint().args(["explain", "IDP302"]).assert().code(0);
    let text = String::from_utf8_lossy(&out.get_output().stdout).to_string();
    assert!(
        text.contains("## Why")
            && text.contains("## Fails")
            && text.contains("IDP302 certificate-unparseable"),
        "{text}"
    );
    let out = idplint().args(["explain", "IDP31"]).assert().code(2);
    assert!(String::from_utf8_lossy(&out.get_output().stderr).contains("did you mean"));
}

#[test]
fn containers_in_a_directory_are_counted_as_payloads_and_files() {
    let out = idplint()
        .args(["check", &testdata("containers"), &testdata("docs")])
        .assert()
        .code(1);
    let stdout = String::from_utf8_lossy(&out.get_output().stdout).into_owned();
    let summary = stdout.lines().last().unwrap_or_default();
    assert!(summary.contains("in 18 payloads in 9 files"), "{summary}");
    assert!(!summary.contains("without payloads"), "{summary}");
    let doc = json_report(&[testdata("containers/runbook.md")], 1);
    let file = &doc["files"][0];
    assert_eq!(file["container"], "markdown");
    assert_eq!(file["payloads"], 3);
    let request = &file["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["request"]["line"].is_string())
        .expect("a diagnostic of a curl request")["request"];
    assert_eq!(
        request["line"],
        "POST https://$TENANT/api/v1/identity-providers"
    );
    assert_eq!(request["start"]["line"], 31);
}

#[test]
fn variables_come_from_the_command_line_and_an_env_file() {
    let dir = tempfile::tempdir().unwrap();
    let script = dir.path().join("create.sh");
    fs::write(
        &script,
        "curl -X POST \"https://$TENANT/api/v1/identity-providers\" -d '{\"provider\": \"external\", \"protocol\": \"jwtAuth\", \"clockToleranceSec\": '\"$SKEW\"', \"options\": {\"issuer\": \"https://portal.acme-corp.io\", \"staticKeys\": [{\"kid\": \"k\", \"pem\": \"'\"$PEM\"'\"}]}}'\n",
    )
    .unwrap();
    let codes = |doc: &Value| -> Vec<String> {
        doc["files"][0]["diagnostics"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| d["code"].as_str().unwrap().to_string())
            .collect()
    };
    let plain = json_report(&[&script], 0);
    assert!(!codes(&plain).contains(&"IDP201".to_string()));
    let out = idplint()
        .args(["check", "--format", "json", "--var", "SKEW=9000"])
        .arg(&script)
        .assert()
        .code(1);
    assert!(codes(&json_of(&out.get_output().stdout)).contains(&"IDP201".to_string()));
    let env = dir.path().join(".env");
    fs::write(&env, "# values for the check\nexport SKEW=30\n").unwrap();
    let out = idplint()
        .args(["check", "--format", "json", "--env-file"])
        .arg(&env)
        .arg(&script)
        .assert()
        .code(0);
    assert!(!codes(&json_of(&out.get_output().stdout)).contains(&"IDP201".to_string()));
    fs::write(&env, "SKEW=30\nthis is not a line\n").unwrap();
    idplint()
        .args(["check", "--env-file"])
        .arg(&env)
        .arg(&script)
        .assert()
        .code(2)
        .stderr(predicates::str::contains(":2: not a `NAME=value` line"));
}

#[test]
fn files_without_any_payload_are_said_on_stderr() {
    let dir = tempfile::tempdir().unwrap();
    let notes = dir.path().join("notes.md");
    fs::write(
        &notes,
        "# Notes\n\n```bash\ncurl https://acme.eu.qlikcloud.com/api/v1/spaces\n```\n",
    )
    .unwrap();
    idplint()
        .args(["check"])
        .arg(&notes)
        .assert()
        .code(0)
        .stderr(predicates::str::contains(
            "no identity-provider payload found",
        ));
}

/// JSON with comments (`tsconfig.json`, `.vscode/settings.json`) never fails
/// a run: skipped when it is no payload, and linted when it is one, with the
/// comments reported, for the API takes plain JSON.
#[test]
fn json_with_comments_is_skipped_or_linted_never_a_blind_syntax_error() {
    let doc = json_report(
        &[
            testdata("jsonc/tsconfig.json"),
            testdata("jsonc/.vscode/settings.json"),
        ],
        0,
    );
    for file in doc["files"].as_array().unwrap() {
        assert_eq!(file["skipped"], true, "{file}");
        assert_eq!(file["diagnostics"], serde_json::json!([]), "{file}");
    }
    let doc = json_report(&[testdata("jsonc/okta-with-comments.json")], 1);
    let file = &doc["files"][0];
    assert_eq!(file["kind"], "qlik.create", "{file}");
    let found: Vec<(&str, u64)> = file["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["code"].as_str().unwrap(),
                d["start"]["line"].as_u64().unwrap(),
            )
        })
        .collect();
    // The comment is the one error; the body behind it is linted as usual.
    assert_eq!(found[0], ("IDP001", 5), "{found:?}");
    assert!(
        found[1..].iter().all(|(code, _)| *code != "IDP001"),
        "{found:?}"
    );
    assert!(found.iter().any(|(code, _)| *code == "IDP010"), "{found:?}");
}
