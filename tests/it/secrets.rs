//! Secrets never leave: a unique canary planted in every secret field — Qlik
//! `clientSecret` in `options` and `pendingOptions` and in a patch value,
//! IONOS `clientSecret`, and a private key's PEM body — appears in no output
//! format, and in no error message.

use assert_cmd::Command;

const CANARY: &str = "CanarySecret7f3a9e1d";

/// A distinctive stretch of the private key's base64 body.
fn private_key_fragment() -> String {
    let fixture = include_str!("../../testdata/qlik/create/invalid-jwt-private-key.json");
    let doc: serde_json::Value = serde_json::from_str(fixture).expect("fixture is JSON");
    let pem = doc["options"]["staticKeys"][0]["pem"]
        .as_str()
        .expect("pem")
        .to_string();
    let body = pem
        .split("-----")
        .nth(2)
        .expect("PEM body")
        .replace("\\n", "")
        .replace('\n', "");
    body[40..80].to_string()
}

fn payloads() -> Vec<(&'static str, String)> {
    let key_fixture =
        include_str!("../../testdata/qlik/create/invalid-jwt-private-key.json").to_string();
    vec![
        (
            "qlik-options.json",
            format!(
                r#"{{"protocol": "OIDC", "provider": "okta", "interactive": true, "skipVerify": true,
  "options": {{"discoveryUrl": "https://acme.okta.com/oauth2/default/.well-known/openid-configuration",
    "clientId": "0oa1b2c3d4", "clientSecret": "{CANARY}", "claimsMapping": {{"sub": ["sub"], "email": ["{CANARY}"], "emails": ["email"]}}}}}}"#
            ),
        ),
        (
            "qlik-pending.json",
            format!(
                r#"{{"protocol": "OIDC", "provider": "auth0", "interactive": true,
  "pendingOptions": {{"discoveryUrl": "http://acme.eu.auth0.com", "clientId": "abc", "clientSecret": "{CANARY}<x>", "claimsMapping": {{"sub": "sub"}}}}}}"#
            ),
        ),
        (
            "qlik-patch.json",
            format!(
                r#"[{{"op": "replace", "path": "/pendingOptions/clientSecret", "value": "{CANARY}"}},
  {{"op": "replace", "path": "/pendingOptions/clientSecret", "value": 42}},
  {{"op": "add", "path": "/options/clientSecret", "value": "{CANARY}"}}]"#
            ),
        ),
        (
            "ionos.json",
            format!(
                r#"{{"properties": {{"type": "oidc", "name": " Acme ", "enabled": "yes", "domain": "https://acme.io",
  "configuration": {{"oidc": {{"openidConfigurationUrl": "acme.io", "clientSecret": "{CANARY}", "clientId": "dcd"}}}}}}}}"#
            ),
        ),
        (
            "ionos-ensure.json",
            format!(
                r#"{{"id": "not-a-uuid", "properties": {{"type": "OIDC", "name": "",
  "configuration": {{"oidc": {{"clientSecret": "{CANARY}..."}}}}}}}}"#
            ),
        ),
        (
            // The secret pasted into a field whose message shortens values.
            "qlik-tenant.json",
            format!(
                r#"{{"protocol": "OIDC", "provider": "okta", "interactive": false, "tenantIds": ["{CANARY}-q8Z~fT3.kLm0-Xy7Vb2NcR5sWd9PzA1hGj4UeYo6-lvLx0Zz9"],
  "options": {{"issuer": "https://acme.okta.com", "discoveryUrl": "https://acme.okta.com/.well-known/openid-configuration",
    "clientId": "0oa1b2c3d4", "clientSecret": "{CANARY}-q8Z~fT3.kLm0-Xy7Vb2NcR5sWd9PzA1hGj4UeYo6-lvLx0Zz9"}}}}"#
            ),
        ),
        ("private-key.json", key_fixture),
    ]
}

#[test]
fn no_format_ever_prints_a_secret() {
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (name, text) in payloads() {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        paths.push(path);
    }
    let fragment = private_key_fragment();
    for format in ["human", "json", "sarif", "github", "junit"] {
        let out = Command::cargo_bin("idplint")
            .unwrap()
            .args(["check", "--format", format])
            .args(&paths)
            .output()
            .unwrap();
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{format}: {stderr}");
        assert!(stdout.len() > 500, "{format}: the findings were rendered");
        for (what, secret) in [("canary", CANARY), ("private key", fragment.as_str())] {
            assert!(
                !stdout.contains(secret),
                "{format} output shows the {what}:\n{stdout}"
            );
            assert!(!stderr.contains(secret), "{format} errors show the {what}");
        }
    }
    // The same with input on stdin, and with only the secret rules selected.
    for (_, text) in payloads() {
        let out = Command::cargo_bin("idplint")
            .unwrap()
            .args(["check", "--select", "IDP011,IDP009,IDP303,IDP002", "-"])
            .write_stdin(text)
            .output()
            .unwrap();
        assert!(!String::from_utf8_lossy(&out.stdout).contains(CANARY));
        assert!(!String::from_utf8_lossy(&out.stdout).contains(&fragment));
    }
}

#[test]
fn explain_prints_no_secret_of_its_examples() {
    let secret_value = regex::Regex::new(r#""clientSecret": "([^"*$<]{4,})""#).unwrap();
    for code in ["IDP011", "IDP303", "IDP009"] {
        let out = Command::cargo_bin("idplint")
            .unwrap()
            .args(["explain", code])
            .output()
            .unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        // The rendered diagnostic section shows the example's source excerpt: secrets masked there.
        let rendered = text
            .split("## Diagnostic of the first failing example")
            .nth(1)
            .unwrap_or_default();
        assert!(
            rendered.contains('*') || code == "IDP009",
            "{code}: {rendered}"
        );
        // The examples themselves show no secret either.
        let examples = text.split("## Fails").nth(1).unwrap_or_default();
        // A value shortened as documentation shortens it (`MIIC...`) is a
        // placeholder, shown as the finding's subject.
        for shown in secret_value.captures_iter(examples) {
            assert!(shown[1].ends_with("..."), "{code}: {}", &shown[0]);
        }
        if code == "IDP303" {
            let body = examples
                .split("PRIVATE KEY-----")
                .nth(1)
                .unwrap_or_default()
                .split("-----")
                .next()
                .unwrap_or_default();
            assert!(
                !body.is_empty() && body.chars().all(|c| c == '*' || c == '\\' || c == 'n'),
                "{code}: the private key is shown: {body}"
            );
        }
    }
}

/// The private key's body, written with literal line breaks, as people
/// paste it.
fn private_key_lines() -> String {
    let fixture = include_str!("../../testdata/qlik/create/invalid-jwt-private-key.json");
    let doc: serde_json::Value = serde_json::from_str(fixture).expect("fixture is JSON");
    let pem = doc["options"]["staticKeys"][0]["pem"].as_str().unwrap();
    pem.split("-----").nth(2).unwrap().replace("\\n", "\n")
}

/// Secrets where no parse says which value is the secret: a syntax error
/// beside it, single quotes, a cut-off file, bytes that are not UTF-8, a PEM
/// pasted with line breaks or split into an array, a duplicated member, a
/// secret of the wrong type, a patch path written almost right, a private
/// key under a lower-case or non-breaking-space label.
#[test]
fn secrets_are_masked_where_the_body_does_not_say_which_value_they_are() {
    let key = private_key_lines();
    let key_lines: Vec<&str> = key.lines().filter(|l| l.len() > 20).collect();
    let one_line: String = key_lines.concat();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("syntax-error.json", format!(r#"{{"protocol": "OIDC", "options": {{"clientSecret": "{CANARY}" "clientId": "x"}}}}"#).into_bytes()),
        ("single-quotes.json", format!(r#"{{'protocol': 'OIDC', 'options': {{'clientSecret': '{CANARY}'}}}}"#).into_bytes()),
        ("cut-off.json", format!("{{\"protocol\": \"OIDC\", \"options\": {{\"clientSecret\": \"{CANARY}").into_bytes()),
        ("unterminated.json", format!("{{\"protocol\": \"OIDC\", \"options\": {{\"clientSecret\": \"{CANARY}\n}}}}").into_bytes()),
        ("not-utf8.json", [format!("{{\"protocol\": \"OIDC\", \"options\": {{\"clientSecret\": \"{CANARY}").as_bytes(), b"\xff\xfe\"}}"].concat()),
        ("pem-lines.json", format!("{{\"protocol\": \"jwtAuth\", \"provider\": \"external\", \"options\": {{\"issuer\": \"https://login.acme-corp.io\", \"staticKeys\": [{{\"kid\": \"k\", \"pem\": \"-----BEGIN PRIVATE KEY-----\n{key}\n-----END PRIVATE KEY-----\"}}]}}}}").into_bytes()),
        ("pem-array.json", format!("{{\"protocol\": \"jwtAuth\", \"provider\": \"external\", \"options\": {{\"issuer\": \"https://login.acme-corp.io\", \"staticKeys\": [{{\"kid\": \"k\", \"pem\": [\"-----BEGIN PRIVATE KEY-----\", {}, \"-----END PRIVATE KEY-----\"]}}]}}}}", key_lines.iter().map(|l| format!("\"{l}\"")).collect::<Vec<_>>().join(",\n  ")).into_bytes()),
        ("pem-lower-label.json", format!("{{\"protocol\": \"jwtAuth\", \"provider\": \"external\", \"options\": {{\"issuer\": \"https://login.acme-corp.io\", \"staticKeys\": [{{\"kid\": \"k\", \"pem\": \"-----BEGIN private key-----{one_line}-----END private key-----\"}}]}}}}").into_bytes()),
        ("pem-nbsp-label.json", format!("{{\"protocol\": \"jwtAuth\", \"provider\": \"external\", \"options\": {{\"issuer\": \"https://login.acme-corp.io\", \"staticKeys\": [{{\"kid\": \"k\", \"pem\": \"-----BEGIN PRIVATE\u{a0}KEY-----{one_line}-----END PRIVATE\u{a0}KEY-----\"}}]}}}}").into_bytes()),
        ("duplicate.json", format!(r#"{{"protocol": "OIDC", "provider": "okta", "interactive": false, "options": {{"clientSecret": "{CANARY}", "clientSecret": "${{SECRET}}"}}}}"#).into_bytes()),
        ("duplicate-block.json", format!(r#"{{"protocol": "OIDC", "provider": "okta", "interactive": true, "pendingOptions": {{"clientSecret": "{CANARY}"}}, "pendingOptions": {{"clientId": "x"}}}}"#).into_bytes()),
        ("array-secret.json", format!(r#"{{"protocol": "OIDC", "provider": "okta", "interactive": false, "options": {{"clientSecret": ["{CANARY}"]}}}}"#).into_bytes()),
        ("object-secret.json", format!(r#"{{"protocol": "OIDC", "provider": "okta", "interactive": false, "options": {{"clientSecret": {{"value": "{CANARY}"}}}}}}"#).into_bytes()),
        ("near-paths.json", format!(r#"[{{"op": "replace", "path": "/options/clientsecret", "value": "{CANARY}"}},
  {{"op": "replace", "path": "/pendingOptions/clientSecret/", "value": "{CANARY}"}},
  {{"op": "replace", "path": "/options/client~1Secret", "value": "{CANARY}"}},
  {{"op": "replace", "path": "/options/clientSecret", "value": "{CANARY}", "value": "${{SECRET}}"}}]"#).into_bytes()),
        ("ionos-duplicate-oidc.json", format!(r#"{{"properties": {{"type": "oidc", "name": "Acme", "domain": "acme.io",
  "configuration": {{"oidc": {{"clientSecret": "{CANARY}", "clientId": "x"}}, "oidc": {{"clientId": "y"}}}}}}}}"#).into_bytes()),
    ];
    let dir = tempfile::tempdir().unwrap();
    let mut paths = Vec::new();
    for (name, bytes) in &cases {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        paths.push(path);
    }
    let fragments: Vec<&str> = key_lines.iter().map(|l| &l[4..20]).collect();
    for format in ["human", "json", "sarif", "github", "junit"] {
        for path in &paths {
            let out = Command::cargo_bin("idplint")
                .unwrap()
                .args(["check", "--format", format])
                .arg(path)
                .output()
                .unwrap();
            let stdout = String::from_utf8_lossy(&out.stdout);
            let name = path.file_name().unwrap().to_string_lossy();
            assert_ne!(out.status.code(), Some(0), "{format} {name}: no finding");
            assert!(
                !stdout.contains(CANARY),
                "{format} {name} shows the canary:\n{stdout}"
            );
            for fragment in &fragments {
                assert!(
                    !stdout.contains(fragment),
                    "{format} {name} shows the private key ({fragment}):\n{stdout}"
                );
            }
        }
    }
    // A private key under a loosely written label is still reported.
    for name in ["pem-lower-label.json", "pem-nbsp-label.json"] {
        let out = Command::cargo_bin("idplint")
            .unwrap()
            .args(["check", "--format", "json", "--select", "IDP303"])
            .arg(dir.path().join(name))
            .output()
            .unwrap();
        assert!(
            String::from_utf8_lossy(&out.stdout).contains("IDP303"),
            "{name}: no IDP303"
        );
    }
}

/// Masking hides the secret where a message quotes it, never the rule's own
/// words nor a longer name that contains it, and a documentation placeholder
/// in a secret member is no secret: its message names it.
#[test]
fn masking_keeps_the_rules_words_and_names_placeholders() {
    let lint = |text: &str| {
        let out = Command::cargo_bin("idplint")
            .unwrap()
            .args(["check", "--format", "json", "--kind", "qlik.create", "-"])
            .write_stdin(text)
            .output()
            .unwrap();
        let report: serde_json::Value = serde_json::from_slice(&out.stdout).expect("JSON report");
        report["files"][0]["diagnostics"]
            .as_array()
            .expect("diagnostics")
            .iter()
            .map(|d| {
                format!(
                    "{} {}",
                    d["code"].as_str().unwrap(),
                    d["message"].as_str().unwrap()
                )
            })
            .collect::<Vec<_>>()
    };
    // Qlik's reference example writes `string` for every value, the secret too.
    let messages = lint(
        r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "pendingOptions": {"discoveryUrl": "https://acme.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "string", "clientSecret": "string", "claimsMapping": {"sub": ["sub"], "email": ["email"]}}}"#,
    );
    assert!(
        messages.iter().any(|m| m
            == "IDP009 `pendingOptions.clientSecret` holds the documentation placeholder `string`"),
        "{messages:#?}"
    );
    assert!(!messages.iter().any(|m| m.contains("***")), "{messages:#?}");
    // A secret that is also a word of the message and a prefix of a member name.
    let messages = lint(
        r#"{"protocol": "OIDC", "provider": "okta", "interactive": true, "tenantIds": ["tenant"], "pendingOptions": {"discoveryUrl": "https://acme.okta.com/oauth2/default/.well-known/openid-configuration", "clientId": "0oa8f2k1xzQ4bN3d5697", "clientSecret": "tenant", "claimsMapping": {"sub": ["sub"], "email": ["email"]}}}"#,
    );
    let tenant = messages
        .iter()
        .find(|m| m.starts_with("IDP204"))
        .expect("IDP204");
    assert_eq!(
        tenant,
        "IDP204 `tenantIds` entry `***` does not look like a Qlik tenant id (32 letters, digits, `_` or `-`)"
    );
}
