//! Micro-benchmarks of the per-payload work: the span-indexed parse, the
//! whole lint of one payload (schema pass and every rule), and the
//! certificate parse that the certificate rules need.
//!
//! ```text
//! cargo bench --bench lint
//! ```
//!
//! The end-to-end benchmark (a corpus of 10 000 files, the floor, the peers)
//! is `scripts/bench.sh`; see `bench/README.md`.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use idplint::{Linter, Options, SourceOptions};

const RSA2048: &str = include_str!("../testdata/certs/rsa2048-valid.pem");
const RSA4096: &str = include_str!("../testdata/certs/rsa4096-valid.pem");
const EC_P256: &str = include_str!("../testdata/certs/ecp256-valid.pem");

fn one_line(pem: &str) -> String {
    pem.trim().replace(['\n', '\r'], "")
}

fn pem_body(pem: &str) -> String {
    pem.lines().filter(|l| !l.starts_with("-----")).collect()
}

/// Realistic payloads of three kinds, as a user would commit them.
fn payloads() -> Vec<(&'static str, String)> {
    let jwt = serde_json::json!({
        "tenantIds": ["Xk3v9QaZ1bT7nLm2Pq8Rs4Uv6Wx0Yz5A"],
        "provider": "external",
        "protocol": "jwtAuth",
        "description": "JWT auth for embedded analytics",
        "clockToleranceSec": 5,
        "options": {
            "issuer": "issuer.acme-corp.io",
            "staticKeys": [{"kid": "key-2024", "pem": one_line(RSA2048)}]
        }
    });
    let oidc = serde_json::json!({
        "tenantIds": ["Xk3v9QaZ1bT7nLm2Pq8Rs4Uv6Wx0Yz5A"],
        "provider": "okta",
        "protocol": "OIDC",
        "interactive": true,
        "description": "okta login",
        "clockToleranceSec": 5,
        "pendingOptions": {
            "discoveryUrl": "https://dev-123.okta.com/oauth2/default/.well-known/openid-configuration",
            "clientId": "0oa1b2c3d4e5f6g7h8i9",
            "clientSecret": "${QLIK_CLIENT_SECRET}",
            "realm": "corp",
            "claimsMapping": {"sub": ["sub"], "name": ["name"], "email": ["email"],
                              "groups": ["/https:~1~1acme-corp.io~1groups"]}
        }
    });
    let saml = serde_json::json!({
        "metadata": {},
        "properties": {
            "type": "saml",
            "name": "Corporate SSO",
            "enabled": true,
            "domain": "corp.acme-corp.io",
            "configuration": {"saml": {
                "metadataDescriptor": "https://sso.acme-corp.io/realms/corp/protocol/saml/descriptor",
                "x509Certificate": pem_body(RSA4096)
            }}
        }
    });
    let pretty = |v: &serde_json::Value| serde_json::to_string_pretty(v).unwrap_or_default();
    vec![
        ("qlik-jwt", pretty(&jwt)),
        ("qlik-oidc", pretty(&oidc)),
        ("ionos-saml", pretty(&saml)),
    ]
}

fn parse(c: &mut Criterion) {
    // The parser and its span index, with no rule but the syntax check.
    let syntax_only = Linter::new(Options {
        select: vec!["IDP001".to_string()],
        ..Options::default()
    });
    let options = SourceOptions::default();
    let mut group = c.benchmark_group("parse (IDP001 only)");
    for (name, text) in payloads() {
        let report = syntax_only.lint_source("payload.json", &text, &options);
        assert!(report.diagnostics.is_empty(), "{name}: payload must parse");
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, text| {
            b.iter(|| syntax_only.lint_source("payload.json", black_box(text), &options))
        });
    }
    group.finish();

    // What the floor pays: serde_json alone, no spans.
    let mut group = c.benchmark_group("serde_json::from_str");
    for (name, text) in payloads() {
        group.throughput(Throughput::Bytes(text.len() as u64));
        group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, text| {
            b.iter(|| serde_json::from_str::<serde_json::Value>(black_box(text)).is_ok())
        });
    }
    group.finish();
}

fn lint(c: &mut Criterion) {
    let all = Linter::new(Options::default());
    let input_only = Linter::new(Options {
        select: vec!["IDP0".to_string()],
        ..Options::default()
    });
    let options = SourceOptions::default();
    for (label, linter) in [("all rules", &all), ("--select IDP0", &input_only)] {
        let mut group = c.benchmark_group(format!("Linter::lint_source ({label})"));
        for (name, text) in payloads() {
            let report = linter.lint_source("payload.json", &text, &options);
            assert!(report.kind.is_some(), "{name}: the kind must be recognised");
            group.throughput(Throughput::Bytes(text.len() as u64));
            group.bench_with_input(BenchmarkId::from_parameter(name), &text, |b, text| {
                b.iter(|| {
                    linter
                        .lint_source("payload.json", black_box(text), &options)
                        .diagnostics
                        .len()
                })
            });
        }
        group.finish();
    }
}

fn certificate(c: &mut Criterion) {
    let mut group = c.benchmark_group("certificate");
    for (name, pem_text) in [
        ("rsa2048", RSA2048),
        ("rsa4096", RSA4096),
        ("ec-p256", EC_P256),
    ] {
        let single = one_line(pem_text);
        // The PEM as Qlik takes it: one line, so the armour is stripped and
        // the base64 decoded by hand, as the certificate rules must.
        assert!(
            not_after_of_single_line(&single).is_some(),
            "{name}: the test certificate must parse"
        );
        group.bench_with_input(BenchmarkId::new("pem+x509", name), &single, |b, single| {
            b.iter(|| not_after_of_single_line(black_box(single)))
        });
        let der = pem::parse(pem_text)
            .map(|p| p.contents().to_vec())
            .unwrap_or_default();
        assert!(
            x509_parser::parse_x509_certificate(&der).is_ok(),
            "{name}: DER must parse"
        );
        group.bench_with_input(BenchmarkId::new("x509 (DER)", name), &der, |b, der| {
            b.iter(|| {
                x509_parser::parse_x509_certificate(black_box(der))
                    .map(|(_, cert)| cert.public_key().raw.len())
                    .ok()
            })
        });
    }
    group.finish();
}

/// What the certificate rules do with a Qlik `pem`: strip the armour, decode
/// the base64, parse the DER, read the validity.
fn not_after_of_single_line(single: &str) -> Option<i64> {
    let body = single
        .trim_start_matches("-----BEGIN CERTIFICATE-----")
        .trim_end_matches("-----END CERTIFICATE-----");
    let der = base64_decode(body);
    x509_parser::parse_x509_certificate(&der)
        .map(|(_, cert)| cert.validity().not_after.timestamp())
        .ok()
}

fn base64_decode(text: &str) -> Vec<u8> {
    use base64::Engine;
    base64::engine::general_purpose::STANDARD
        .decode(text)
        .unwrap_or_default()
}

criterion_group!(benches, parse, lint, certificate);
criterion_main!(benches);
