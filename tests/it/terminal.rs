//! What the human output writes to a terminal or a CI log, from hostile
//! input: never a control character, never a line a CI runner would run as
//! a command, never a panic, and a size linear in the findings.

use std::fs;
use std::path::Path;
use std::process::Stdio;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn idplint(args: &[&str], files: &[&Path]) -> Run {
    let out = Command::cargo_bin("idplint")
        .expect("binary")
        .args(args)
        .args(files)
        .env("NO_COLOR", "1")
        .timeout(Duration::from_secs(120))
        .output()
        .expect("ran");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

fn write(dir: &Path, name: &str, text: &str) -> std::path::PathBuf {
    let path = dir.join(name);
    fs::write(&path, text).unwrap();
    path
}

/// The GitHub Actions runner's two parsers of workflow commands, as they
/// read a line of a step's output: the current one takes a line whose
/// first characters after white space are `::`; the legacy one takes
/// `##[` anywhere in the line.
fn runner_would_run(line: &str) -> bool {
    line.trim_start().starts_with("::") || line.contains("##[")
}

#[test]
fn the_runner_emulator_sees_what_the_runner_runs() {
    assert!(runner_would_run("::add-mask::x"));
    assert!(runner_would_run("        ::error::x"));
    assert!(runner_would_run("  × unknown `##[add-mask]x`"));
    assert!(!runner_would_run("  \\::add-mask::x"));
    assert!(!runner_would_run("  × `##\\[add-mask]x`"));
}

/// A Qlik body whose unknown member names and values carry terminal
/// escapes, bidi overrides and workflow commands.
const HOSTILE_TEXT: &str = r###"{
  "protocol": "OIDC",
  "provider": "okta",
  "interactive": false,
  "description": "##[add-mask]aGVsbG8=",
  "a\n::add-mask::s3cr3t-but-public\n": 1,
  "clear\u001b[2J\u001b]0;pwned\u0007\u001b]52;c;ZWNobw==\u0007": 2,
  "rtl\u202egnp.exe\u0000\u009b31m\rover": 3,
  "options": {"issuer": "##[error]x", "discoveryUrl": "https://acme.okta.com/.well-known/openid-configuration", "clientId": "0oa1", "clientSecret": "s3cr3t-Value-1234"}
}
"###;

#[test]
fn input_reaches_the_terminal_as_visible_text_only() {
    let dir = tempfile::tempdir().unwrap();
    let payload = write(dir.path(), "idp\u{1b}]0;title\u{7}.json", HOSTILE_TEXT);
    let run = idplint(&["check"], &[&payload]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(run.stdout.contains("IDP006"), "{}", run.stdout);
    for (i, c) in run.stdout.char_indices() {
        let bad = (c.is_control() && c != '\n') || ('\u{202a}'..='\u{202e}').contains(&c);
        assert!(
            !bad,
            "{:?} at {i}: {}",
            c,
            &run.stdout[i.saturating_sub(80)..]
        );
    }
    // The escapes are shown as text.
    assert!(run.stdout.contains("\\u{1b}[2J"), "{}", run.stdout);
    assert!(run.stdout.contains("\\u{202e}"), "{}", run.stdout);
    assert!(
        run.stdout.contains("idp\\u{1b}]0;title\\u{7}.json"),
        "{}",
        run.stdout
    );
    for line in run.stdout.lines() {
        assert!(!runner_would_run(line), "a workflow command: {line:?}");
    }
}

#[test]
fn carriage_returns_alone_do_not_end_lines_in_any_format() {
    let dir = tempfile::tempdir().unwrap();
    let text =
        "{\r  \"protocol\": \"OIDC\",\r  \"provider\": \"okta\",\r  \"interactive\": \"yes\"\r}\r";
    let payload = write(dir.path(), "cr.json", text);
    let json = idplint(&["check", "--format", "json"], &[&payload]);
    let doc: Value = serde_json::from_str(&json.stdout).unwrap();
    let wrong_type = doc["files"][0]["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "IDP005")
        .expect("IDP005")
        .clone();
    let (line, column) = (&wrong_type["start"]["line"], &wrong_type["start"]["column"]);
    let human = idplint(&["check"], &[&payload]);
    let header = format!("cr.json:{line}:{column}]");
    assert!(
        human.stdout.contains(&header),
        "{header} in {}",
        human.stdout
    );
    assert!(!human.stdout.contains('\r'));
}

#[test]
fn findings_far_along_one_line_are_drawn_each_with_its_own_excerpt() {
    // 180 duplicate keys, each after 90 tabs, on one line: the labels lie
    // past column 65 535 once tabs are expanded.
    let dir = tempfile::tempdir().unwrap();
    let mut text =
        String::from("{\"protocol\": \"OIDC\", \"provider\": \"okta\", \"interactive\": false");
    for _ in 0..180 {
        text.push_str(", ");
        text.push_str(&"\t".repeat(90));
        text.push_str("\"description\": \"x\"");
    }
    text.push('}');
    let payload = write(dir.path(), "tabs.json", &text);
    let run = idplint(&["check"], &[&payload]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    assert!(!run.stdout.contains("internal error"), "{}", run.stderr);
    assert_eq!(run.stdout.matches("IDP002 duplicate-key").count(), 179);
    assert!(run.stdout.contains("failed:"), "{}", run.stdout);
    // Each excerpt shows its own key, not the whole line around all 179.
    assert!(run.stdout.len() < 179 * 4000, "{} bytes", run.stdout.len());

    // 5 000 findings on one minified line: output grows with the findings,
    // not with findings times line length.
    let members: Vec<String> = (0..5000).map(|i| format!("\"extra{i:05}\": {i}")).collect();
    let text = format!(
        "{{\"protocol\": \"OIDC\", \"provider\": \"okta\", \"interactive\": false, {}}}",
        members.join(", ")
    );
    let payload = write(dir.path(), "wide.json", &text);
    let run = idplint(&["check"], &[&payload]);
    assert_eq!(run.code, 1, "{}", run.stderr);
    let findings = run.stdout.matches("IDP006 unknown-field").count();
    assert!(findings >= 5000, "{findings}");
    assert!(
        run.stdout.len() < findings * 1200,
        "{} bytes for {findings} findings",
        run.stdout.len()
    );
}

#[test]
fn a_config_error_far_along_a_line_is_drawn() {
    let dir = tempfile::tempdir().unwrap();
    let config = write(
        dir.path(),
        "idplint.toml",
        &format!("select = [{}\"NOPE\"]\n", " ".repeat(70_000)),
    );
    let payload = write(dir.path(), "p.json", "{}");
    let config = config.to_str().unwrap();
    let run = idplint(&["check", "--config", config], &[&payload]);
    assert_eq!(run.code, 2, "{}", run.stderr);
    assert!(run.stderr.contains("NOPE"), "{}", run.stderr);
    assert!(run.stderr.len() < 4000, "{}", run.stderr.len());
}

#[test]
fn a_full_disk_is_an_error_and_a_closed_pipe_a_quiet_end() {
    for args in [
        &["rules"][..],
        &["rules", "--format", "markdown"],
        &["explain", "IDP302"],
        &["check", "testdata/qlik/create/seed000-jwt.json"],
    ] {
        if let Ok(full) = fs::OpenOptions::new().write(true).open("/dev/full") {
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_idplint"))
                .args(args)
                .stdout(full)
                .output()
                .unwrap();
            let stderr = String::from_utf8_lossy(&out.stderr);
            assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
            assert!(
                stderr.contains("cannot write the output"),
                "{args:?}: {stderr}"
            );
        }
        let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_idplint"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        drop(child.stdout.take());
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_ne!(out.status.code(), Some(101), "{args:?}: {stderr}");
        assert!(!stderr.contains("panicked"), "{args:?}: {stderr}");
        assert!(!stderr.contains("cannot write"), "{args:?}: {stderr}");
    }
}
