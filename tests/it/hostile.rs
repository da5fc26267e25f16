//! Hostile inputs: each gives a clear finding or a clear exit-2 error — never
//! a panic (exit 101) and never a hang — and the other files of the same run
//! are still linted.

use std::fs;
use std::path::Path;
use std::time::Duration;

use assert_cmd::Command;
use serde_json::Value;

/// A payload with one known error (a truncated certificate), linted beside
/// every hostile input to show the run carries on.
const GOOD_NEIGHBOUR: &str = include_str!("../../testdata/qlik/create/seed000-jwt.json");

fn run(files: &[&Path]) -> (i32, Value, String) {
    let out = Command::cargo_bin("idplint")
        .expect("binary")
        .args(["check", "--format", "json"])
        .args(files)
        .timeout(Duration::from_secs(120))
        .output()
        .expect("ran");
    let code = out.status.code().unwrap_or(-1);
    let doc = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
    (code, doc, String::from_utf8_lossy(&out.stderr).into_owned())
}

/// Lints `bytes` as a file beside the good neighbour; returns the exit code
/// and the hostile file's entry of the JSON report.
fn lint_hostile(name: &str, bytes: &[u8]) -> (i32, Value) {
    let dir = tempfile::tempdir().unwrap();
    let hostile = dir.path().join(name);
    let good = dir.path().join("neighbour.json");
    fs::write(&hostile, bytes).unwrap();
    fs::write(&good, GOOD_NEIGHBOUR).unwrap();
    let (code, doc, stderr) = run(&[&hostile, &good]);
    assert_ne!(code, 101, "{name}: panicked: {stderr}");
    assert!(doc.is_object(), "{name}: no JSON report; stderr: {stderr}");
    let neighbour = &doc["files"][1];
    assert!(
        neighbour["diagnostics"]
            .as_array()
            .is_some_and(|d| d.iter().any(|d| d["code"] == "IDP302")),
        "{name}: the neighbour was not linted: {neighbour}"
    );
    (code, doc["files"][0].clone())
}

fn codes(file: &Value) -> Vec<String> {
    file["diagnostics"].as_array().map_or_else(Vec::new, |d| {
        d.iter()
            .map(|d| d["code"].as_str().unwrap_or("").to_string())
            .collect()
    })
}

fn assert_invalid_json_at(name: &str, bytes: &[u8], line: u64) {
    let (code, file) = lint_hostile(name, bytes);
    assert_eq!(code, 1, "{name}");
    assert_eq!(codes(&file), ["IDP001"], "{name}: {file}");
    assert_eq!(
        file["diagnostics"][0]["start"]["line"], line,
        "{name}: {file}"
    );
}

#[test]
fn empty_whitespace_and_bom_only() {
    assert_invalid_json_at("empty.json", b"", 1);
    assert_invalid_json_at("blank.json", b"  \n\n\t ", 3);
    assert_invalid_json_at("bom-only.json", b"\xEF\xBB\xBF", 1);
}

#[test]
fn bom_before_a_payload_is_accepted() {
    let mut bytes = b"\xEF\xBB\xBF".to_vec();
    bytes.extend_from_slice(GOOD_NEIGHBOUR.as_bytes());
    let (_, file) = lint_hostile("bom.json", &bytes);
    assert_eq!(file["kind"], "qlik.create");
    let d = file["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["code"] == "IDP302")
        .cloned()
        .expect("IDP302");
    // Offsets count the BOM's three bytes; columns do not.
    let offset = d["span"]["offset"].as_u64().unwrap() as usize;
    assert_eq!(
        &bytes[offset..offset + 28],
        b"\"-----BEGIN CERTIFICATE-----"
    );
}

#[test]
fn invalid_utf8_binary_and_nul() {
    let (code, file) = lint_hostile("latin1.json", b"{\"description\": \"Caf\xE9\"}");
    assert_eq!((code, codes(&file)), (1, vec!["IDP001".to_string()]));
    assert_eq!(file["diagnostics"][0]["span"]["offset"], 20);
    let png: Vec<u8> = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"
        .iter()
        .copied()
        .chain((0..4096).map(|i| (i * 7 % 256) as u8))
        .collect();
    let (code, file) = lint_hostile("image.json", &png);
    assert_eq!((code, codes(&file)), (1, vec!["IDP001".to_string()]));
    assert_invalid_json_at("nul.json", b"{\"protocol\": \"OIDC\"\0}", 1);
}

#[test]
fn deep_nesting() {
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let (code, file) = lint_hostile("deep.json", deep.as_bytes());
    assert_eq!(code, 1);
    assert_eq!(codes(&file), ["IDP001"]);
    assert!(file["diagnostics"][0]["message"]
        .as_str()
        .unwrap()
        .contains("nesting deeper than"));
    let deep_objects = "{\"a\":".repeat(100_000) + "1" + &"}".repeat(100_000);
    let (_, file) = lint_hostile("deep-objects.json", deep_objects.as_bytes());
    assert_eq!(codes(&file), ["IDP001"]);
}

#[test]
fn inputs_past_the_size_limit_are_an_error_and_those_under_it_are_linted() {
    let limit = idplint::MAX_INPUT_BYTES;
    let big_string = format!(
        "{{\"protocol\": \"OIDC\", \"provider\": \"okta\", \"interactive\": false, \"description\": \"{}\"}}",
        "x".repeat(limit + 1)
    );
    let (code, file) = lint_hostile("big-string.json", big_string.as_bytes());
    assert_eq!(code, 2);
    let error = file["error"].as_str().unwrap_or_default();
    assert!(error.contains("larger than 16 MiB"), "{file}");

    // From standard input too.
    let out = Command::cargo_bin("idplint")
        .expect("binary")
        .args(["check", "--format", "json", "-"])
        .write_stdin(big_string.into_bytes())
        .timeout(Duration::from_secs(120))
        .output()
        .expect("ran");
    assert_eq!(out.status.code(), Some(2));
    let doc: Value = serde_json::from_slice(&out.stdout).expect("a JSON report");
    let error = doc["files"][0]["error"].as_str().unwrap_or_default();
    assert!(error.contains("larger than 16 MiB"), "{doc}");

    // Just under the limit: linted, every unknown member found.
    let mut many =
        String::from("{\"protocol\": \"OIDC\", \"provider\": \"okta\", \"interactive\": false");
    let mut i = 0;
    while many.len() < limit - 200 {
        many.push_str(&format!(
            ", \"extra{i}\": {{\"clientId\": \"client-{i}\", \"scope\": \"openid profile\"}}"
        ));
        i += 1;
    }
    many.push('}');
    let (code, file) = lint_hostile("many-keys.json", many.as_bytes());
    assert_eq!(code, 1);
    assert_eq!(
        codes(&file).iter().filter(|c| *c == "IDP006").count(),
        i,
        "one finding per unknown member"
    );
}

#[test]
fn a_file_is_linted_once_however_often_it_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let idp = dir.path().join("idp");
    fs::create_dir(&idp).unwrap();
    let named = idp.join("ionos.json");
    fs::write(
        &named,
        include_str!("../../testdata/ionos/create/valid-oidc.json"),
    )
    .unwrap();
    let dotted = dir.path().join(".").join("idp").join("ionos.json");
    let (code, doc, stderr) = run(&[&named, &named, &dotted, &idp]);
    assert_eq!(code, 0, "{stderr}: {doc}");
    assert_eq!(doc["files"].as_array().map(Vec::len), Some(1), "{doc}");
    assert_eq!(
        doc["summary"]["errors"], 0,
        "no clash of a file with itself: {doc}"
    );
}

#[test]
fn the_report_being_written_is_not_linted() {
    let dir = tempfile::tempdir().unwrap();
    fs::write(dir.path().join("idp.json"), GOOD_NEIGHBOUR).unwrap();
    let report = fs::File::create(dir.path().join("report.json")).unwrap();
    let status = std::process::Command::new(env!("CARGO_BIN_EXE_idplint"))
        .args(["check", "--format", "json", "."])
        .current_dir(dir.path())
        .stdout(report)
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(1));
    let doc: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("report.json")).unwrap()).unwrap();
    let paths: Vec<&str> = doc["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    if cfg!(target_os = "linux") {
        assert_eq!(paths, ["./idp.json"], "{doc}");
    }
}

#[test]
fn a_config_that_is_a_fifo_or_endless_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let payload = dir.path().join("p.json");
    fs::write(&payload, GOOD_NEIGHBOUR).unwrap();
    let fifo = dir.path().join("fifo.toml");
    let made = std::process::Command::new("mkfifo").arg(&fifo).status();
    let mut configs = vec![Path::new("/dev/zero").to_path_buf()];
    if made.is_ok_and(|s| s.success()) {
        configs.push(fifo);
    }
    let big = dir.path().join("big.toml");
    fs::write(&big, format!("# {}\n", "x".repeat(2 << 20))).unwrap();
    configs.push(big);
    for config in &configs {
        let out = Command::cargo_bin("idplint")
            .expect("binary")
            .args(["check", "--config"])
            .arg(config)
            .arg(&payload)
            .timeout(Duration::from_secs(20))
            .output()
            .expect("ran");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{}: {stderr}", config.display());
        assert!(
            stderr.contains("not a regular file") || stderr.contains("larger than 1 MiB"),
            "{}: {stderr}",
            config.display()
        );
    }
}

#[test]
fn extreme_numbers() {
    assert_invalid_json_at(
        "huge.json",
        b"{\"protocol\": \"OIDC\", \"clockToleranceSec\": 1e400}",
        1,
    );
    let (code, file) = lint_hostile(
        "negzero.json",
        b"[{\"op\": \"replace\", \"path\": \"/clockToleranceSec\", \"value\": -0}]",
    );
    assert_ne!(code, 2);
    assert_eq!(file["kind"], "qlik.patch");
    let (_, file) = lint_hostile(
        "tiny.json",
        b"[{\"op\": \"replace\", \"path\": \"/clockToleranceSec\", \"value\": 0.1e-400}]",
    );
    assert_eq!(file["kind"], "qlik.patch");
}

#[test]
fn lone_surrogates() {
    assert_invalid_json_at(
        "surrogate.json",
        br#"{"protocol": "OIDC", "description": "\ud800"}"#,
        1,
    );
    assert_invalid_json_at("low-surrogate.json", br#"{"description": "\udc00x"}"#, 1);
    let (_, file) = lint_hostile(
        "pair.json",
        br#"{"protocol": "jwtAuth", "provider": "external", "description": "\ud83d\ude00"}"#,
    );
    assert!(!codes(&file).contains(&"IDP001".to_string()));
}

#[test]
fn duplicate_keys_at_every_level() {
    let text = r#"{"protocol": "OIDC", "protocol": "OIDC",
 "options": {"claimsMapping": {"sub": ["sub"], "sub": ["oid"]}, "claimsMapping": {}},
 "tenantIds": [{"a": 1, "a": 2}]}"#;
    let (code, file) = lint_hostile("dups.json", text.as_bytes());
    assert_eq!(code, 1);
    let dups: Vec<_> = file["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["code"] == "IDP002")
        .map(|d| d["pointer"].as_str().unwrap().to_string())
        .collect();
    assert_eq!(
        dups,
        [
            "/protocol",
            "/options/claimsMapping/sub",
            "/options/claimsMapping",
            "/tenantIds/0/a"
        ]
    );
}

#[test]
fn missing_file_symlink_loop_fifo_and_directory_as_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    let good = root.join("neighbour.json");
    fs::write(&good, GOOD_NEIGHBOUR).unwrap();
    std::os::unix::fs::symlink(root.join("loop-b.json"), root.join("loop-a.json")).unwrap();
    std::os::unix::fs::symlink(root.join("loop-a.json"), root.join("loop-b.json")).unwrap();
    fs::create_dir(root.join("walk")).unwrap();
    std::os::unix::fs::symlink(root.join("walk"), root.join("walk/again")).unwrap();
    let fifo = root.join("pipe.json");
    let made = std::process::Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .is_ok_and(|s| s.success());
    let mut args = vec![
        root.join("gone.json"),
        root.join("loop-a.json"),
        root.join("walk"),
        good.clone(),
    ];
    if made {
        args.push(fifo.clone());
    }
    let refs: Vec<&Path> = args.iter().map(|p| p.as_path()).collect();
    let (code, doc, stderr) = run(&refs);
    assert_eq!(code, 2, "{stderr}");
    let files = doc["files"].as_array().unwrap();
    let by_name = |n: &str| {
        files
            .iter()
            .find(|f| f["path"].as_str().unwrap().ends_with(n))
            .cloned()
            .unwrap_or(Value::Null)
    };
    assert!(by_name("gone.json")["error"].is_string());
    assert!(by_name("loop-a.json")["error"].is_string());
    assert!(by_name("neighbour.json")["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .any(|d| d["code"] == "IDP302"));
    if made {
        assert!(by_name("pipe.json")["error"]
            .as_str()
            .unwrap()
            .contains("not a regular file"));
    }
}

/// Containers built to hurt: many requests, many variables, unterminated
/// constructs and deep fences, about a megabyte each. Each is read (within
/// the run's time-out) and the neighbour is still linted.
#[test]
fn hostile_containers() {
    let body = |i: usize| {
        format!(
            "curl -X POST \"https://$T/api/v1/identity-providers\" -d '{{\"provider\": \"external\", \"protocol\": \"jwtAuth\", \"description\": \"'\"$D{i}\"'\", \"tenantIds\": ['\"$A\"', '\"$B\"']}}'\n"
        )
    };
    let many_requests: String = (0..5_000).map(body).collect();
    let variables = format!(
        "curl -X POST https://h/api/v1/identity-providers -d '[{}]'\n",
        vec!["'\"$X\"'"; 100_000].join(",")
    );
    let fences = "```json\n{\"provider\": \"okta\", \"protocol\": \"OIDC\"}\n```\n".repeat(20_000);
    let nested_fences = format!("{}```bash\ncurl -d '{{", "> - ".repeat(50_000));
    let open_quote = format!(
        "curl -X POST https://h/api/v1/identity-providers -d '{}",
        "{\"a\": 1,".repeat(100_000)
    );
    let open_heredoc = format!(
        "curl -X POST https://h/api/v1/identity-providers --data-binary @- <<EOF\n{}",
        "$(x)\n".repeat(100_000)
    );
    let carets = format!(
        "curl \"https://h/api/v1/identity-providers\" ^\n{}",
        "-d \"{\\\"a\\\": 1}\" ^\n".repeat(50_000)
    );
    let http =
        "POST {{base}}/api/v1/identity-providers\n\n{\"interactive\": {{x}}}\n###\n".repeat(20_000);
    for (name, text) in [
        ("many-requests.sh", many_requests),
        ("variables.sh", variables),
        ("fences.md", fences),
        ("nested-fences.md", nested_fences),
        ("open-quote.sh", open_quote),
        ("open-heredoc.sh", open_heredoc),
        ("carets.cmd", carets),
        ("requests.http", http),
    ] {
        let (code, file) = lint_hostile(name, text.as_bytes());
        assert!(code == 0 || code == 1, "{name}: exit {code}");
        assert!(file["error"].is_null(), "{name}: {}", file["error"]);
    }
}

#[test]
fn a_link_to_a_system_file_is_not_read() {
    let dir = tempfile::tempdir().unwrap();
    let link = dir.path().join("idp.json");
    #[cfg(unix)]
    {
        if std::os::unix::fs::symlink("/proc/self/environ", &link).is_err() {
            return;
        }
        let out = Command::cargo_bin("idplint")
            .expect("binary")
            .args(["check"])
            .arg(&link)
            .env("IDPLINT_CANARY", "EnvironmentCanary41d7")
            .output()
            .expect("ran");
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{stdout}");
        assert!(stderr.contains("system file"), "{stderr}");
        assert!(!stdout.contains("EnvironmentCanary41d7"), "{stdout}");
        assert!(!stderr.contains("EnvironmentCanary41d7"), "{stderr}");
    }
}

#[test]
fn long_values_are_shortened_in_messages() {
    let number = format!(
        "{{\"protocol\": \"OIDC\", \"provider\": \"okta\", \"interactive\": false, \"clockToleranceSec\": {}x}}",
        "9".repeat(1_000_000)
    );
    let key = format!(
        "{{\"protocol\": \"OIDC\", \"provider\": \"okta\", \"interactive\": false, \"{}\": 1}}",
        "k".repeat(5_000_000)
    );
    for (name, text) in [("number.json", number), ("key.json", key)] {
        let (_, file) = lint_hostile(name, text.as_bytes());
        let diagnostics = file["diagnostics"].as_array().cloned().unwrap_or_default();
        assert!(!diagnostics.is_empty(), "{name}");
        for d in &diagnostics {
            for field in ["message", "help", "label"] {
                let shown = d[field].as_str().unwrap_or_default();
                assert!(
                    shown.chars().count() <= 1000,
                    "{name} {field}: {} chars",
                    shown.len()
                );
            }
        }
    }
}
