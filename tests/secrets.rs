//! Secrets never leave: a unique canary planted in every secret field — Qlik
//! `clientSecret` in `options` and `pendingOptions` and in a patch value,
//! IONOS `clientSecret`, and a private key's PEM body — appears in no output
//! format, and in no error message.

use assert_cmd::Command;

const CANARY: &str = "CanarySecret7f3a9e1d";

/// A distinctive stretch of the private key's base64 body.
fn private_key_fragment() -> String {
    let fixture = include_str!("../testdata/qlik/create/invalid-jwt-private-key.json");
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
        include_str!("../testdata/qlik/create/invalid-jwt-private-key.json").to_string();
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
    }
}
