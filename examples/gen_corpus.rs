//! Writes a deterministic benchmark corpus of identity-provider payloads.
//!
//! ```text
//! cargo run --release --example gen_corpus -- OUT_DIR [COUNT] [SEED]
//! ```
//!
//! COUNT (default 10 000) JSON files mixing Qlik Cloud create payloads
//! (jwtAuth, OIDC in its three shapes: pendingOptions, options + skipVerify,
//! non-interactive options), Qlik PATCH bodies and IONOS IAM federation
//! create/ensure bodies (OIDC and SAML). About a third carry one deliberate
//! defect, named in the file name: `NNNNN-<kind>-<defect>.json`, `ok` for a
//! clean file, so a run can be scored for recall as well as timed.
//!
//! The same seed gives the same files on every machine (own PRNG, no
//! dependency). Certificates are the test certificates of `testdata/certs`.
//! Hosts are fictitious but not reserved names (`example.com` is a finding
//! of its own, IDP009), so that an `ok` file is clean.

use std::fs;
use std::path::Path;
use std::process::ExitCode;

use serde_json::{json, Map, Value};

const RSA2048_VALID: &str = include_str!("../testdata/certs/rsa2048-valid.pem");
const RSA4096_VALID: &str = include_str!("../testdata/certs/rsa4096-valid.pem");
const RSA2048_VALID_PUBKEY: &str = include_str!("../testdata/certs/rsa2048-valid.pubkey.pem");
const RSA2048_EXPIRED: &str = include_str!("../testdata/certs/rsa2048-expired.pem");

/// SplitMix64: tiny, fast, good enough to pick shapes and numbers.
struct Rng(u64);

impl Rng {
    fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (n > 0), without modulo bias worth speaking of.
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    /// Uniform in `[0, 1)`.
    fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len() as u64) as usize]
    }

    /// A random (version 4, RFC 9562 variant) UUID.
    fn uuid(&mut self) -> String {
        let hi = (self.next_u64() & !0xF000) | 0x4000;
        let lo = (self.next_u64() & !(0b11 << 62)) | (0b10 << 62);
        let hex = format!("{hi:016x}{lo:016x}");
        format!(
            "{}-{}-{}-{}-{}",
            &hex[0..8],
            &hex[8..12],
            &hex[12..16],
            &hex[16..20],
            &hex[20..32]
        )
    }

    fn hex128(&mut self) -> String {
        format!("{:016x}{:016x}", self.next_u64(), self.next_u64())
    }
}

fn one_line(pem: &str) -> String {
    pem.trim().replace(['\n', '\r'], "")
}

fn pem_body(pem: &str) -> String {
    pem.lines()
        .filter(|l| !l.starts_with("-----"))
        .map(str::trim)
        .collect()
}

const PROVIDERS: &[&str] = &[
    "azureAD",
    "okta",
    "auth0",
    "keycloak",
    "adfs",
    "salesforce",
    "generic",
];

const WELL_KNOWN: &str = "/.well-known/openid-configuration";

/// The discovery URL of a provider, in the shape that provider uses.
fn provider_url(r: &mut Rng, provider: &str) -> String {
    let n = r.below(1000);
    match provider {
        "azureAD" => format!(
            "https://login.microsoftonline.com/{}/v2.0{WELL_KNOWN}",
            r.uuid()
        ),
        "okta" => format!("https://dev-{n}.okta.com/oauth2/default{WELL_KNOWN}"),
        "auth0" => format!("https://tenant-{n}.eu.auth0.com{WELL_KNOWN}"),
        "keycloak" => keycloak_url(n),
        "adfs" => format!("https://adfs{n}.acme-corp.io/adfs{WELL_KNOWN}"),
        "salesforce" => format!("https://corp{n}.my.salesforce.com{WELL_KNOWN}"),
        _ => format!("https://idp{n}.globex-sso.net{WELL_KNOWN}"),
    }
}

fn keycloak_url(n: u64) -> String {
    format!("https://sso{n}.acme-corp.io/realms/corp{WELL_KNOWN}")
}

fn tenant_id(r: &mut Rng) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    (0..32).map(|_| *r.pick(ALPHABET) as char).collect()
}

fn claims(r: &mut Rng, interactive: bool) -> Value {
    if !interactive {
        return json!({"sub": ["sub"], "client_id": ["azp"]});
    }
    let mut m = json!({"sub": ["sub"], "name": ["name"], "email": ["email"], "groups": ["groups"]});
    if r.chance(0.3) {
        m["groups"] = json!(["/https:~1~1acme-corp.io~1groups"]);
    }
    if r.chance(0.3) {
        m["picture"] = json!(["picture"]);
    }
    m
}

fn qlik_jwt(r: &mut Rng) -> Value {
    let pem = *r.pick(&[RSA2048_VALID, RSA4096_VALID, RSA2048_VALID_PUBKEY]);
    json!({
        "tenantIds": [tenant_id(r)],
        "provider": "external",
        "protocol": "jwtAuth",
        "description": format!("JWT auth for embedded analytics {}", r.below(1000)),
        "clockToleranceSec": *r.pick(&[0, 5, 30, 60]),
        "options": {
            "issuer": format!("issuer-{}.acme-corp.io", r.below(1000)),
            "staticKeys": [{"kid": format!("key-{}", r.below(10000)), "pem": one_line(pem)}],
        },
    })
}

fn qlik_oidc(r: &mut Rng) -> Value {
    let provider = *r.pick(PROVIDERS);
    let url = provider_url(r, provider);
    let shape = *r.pick(&["pending", "skipverify", "m2m"]);
    let interactive = shape != "m2m";
    let mut opts = Map::new();
    opts.insert("discoveryUrl".into(), json!(url));
    opts.insert("claimsMapping".into(), claims(r, interactive));
    if interactive {
        opts.insert("clientId".into(), json!(r.uuid()));
        opts.insert(
            "clientSecret".into(),
            json!(format!("s3cr3t-{}", r.hex128())),
        );
        opts.insert("realm".into(), json!(format!("corp{}", r.below(100))));
        if provider == "azureAD" || provider == "adfs" {
            opts.insert("emailVerifiedAlwaysTrue".into(), json!(true));
        }
    }
    let mut p = json!({
        "tenantIds": [tenant_id(r)],
        "provider": provider,
        "protocol": "OIDC",
        "interactive": interactive,
        "description": format!("{provider} login"),
        "clockToleranceSec": 5,
    });
    let obj = p.as_object_mut().expect("object literal");
    if shape == "pending" {
        obj.insert("pendingOptions".into(), Value::Object(opts));
    } else {
        obj.insert("options".into(), Value::Object(opts));
        if shape == "skipverify" {
            obj.insert("skipVerify".into(), json!(true));
        }
    }
    p
}

fn qlik_patch(r: &mut Rng) -> Value {
    let count = 1 + r.below(3);
    let ops: Vec<Value> = (0..count)
        .map(|_| match r.below(4) {
            0 => json!({"op": "replace", "path": "/description",
                        "value": format!("updated {}", r.below(100))}),
            1 => json!({"op": "replace", "path": "/active", "value": r.chance(0.5)}),
            2 => json!({"op": "replace", "path": "/clockToleranceSec",
                        "value": *r.pick(&[5, 60, 300])}),
            _ => json!({"op": "replace", "path": "/pendingOptions/discoveryUrl",
                        "value": provider_url(r, "okta")}),
        })
        .collect();
    Value::Array(ops)
}

fn ionos(r: &mut Rng, ensure: bool) -> Value {
    let kind = *r.pick(&["oidc", "saml"]);
    let mut props = json!({
        "type": kind,
        "name": format!("IdP {}", r.below(10000)),
        "enabled": true,
        "domain": format!("corp{}.acme-corp.io", r.below(1000)),
    });
    props["configuration"] = if kind == "oidc" {
        json!({"oidc": {
            "openidConfigurationUrl": keycloak_url(r.below(1000)),
            "clientSecret": format!("s3cr3t-{}", r.hex128()),
            "clientName": format!("client-{}", r.below(1000)),
        }})
    } else {
        let cert = *r.pick(&[RSA2048_VALID, RSA4096_VALID]);
        json!({"saml": {
            "metadataDescriptor": format!(
                "https://sso{}.acme-corp.io/realms/corp/protocol/saml/descriptor",
                r.below(1000)
            ),
            "x509Certificate": pem_body(cert),
        }})
    };
    let mut body = Map::new();
    if ensure {
        body.insert("id".into(), json!(r.uuid()));
    }
    body.insert("metadata".into(), json!({}));
    body.insert("properties".into(), props);
    Value::Object(body)
}

/// The options object of a Qlik OIDC create (pendingOptions first).
fn oidc_options_key(p: &Value) -> &'static str {
    if p.get("pendingOptions").is_some() {
        "pendingOptions"
    } else {
        "options"
    }
}

/// Applies one defect in place and returns its name.
fn defect(r: &mut Rng, kind: &str, p: &mut Value) -> &'static str {
    match kind {
        "qlik-jwt" => {
            let d = *r.pick(&[
                "provider-mismatch",
                "tolerance-range",
                "pem-truncated",
                "pem-private",
                "pem-expired",
                "two-keys",
            ]);
            match d {
                "provider-mismatch" => p["provider"] = json!("okta"),
                "tolerance-range" => p["clockToleranceSec"] = json!(*r.pick(&[-1, 7201, 99999])),
                "pem-truncated" => {
                    let key = &mut p["options"]["staticKeys"][0];
                    let pem = key["pem"].as_str().unwrap_or_default();
                    let cut: String = pem.chars().take(120).collect();
                    key["pem"] = json!(format!("{cut}-----END CERTIFICATE-----"));
                }
                "pem-private" => {
                    p["options"]["staticKeys"][0]["pem"] = json!("-----BEGIN PRIVATE KEY-----MIIEvQIBADANBgkqhkiG9w0BAQEFAASC-----END PRIVATE KEY-----")
                }
                "pem-expired" => p["options"]["staticKeys"][0]["pem"] = json!(one_line(RSA2048_EXPIRED)),
                _ => {
                    let mut second = p["options"]["staticKeys"][0].clone();
                    second["kid"] = json!("second");
                    if let Some(keys) = p["options"]["staticKeys"].as_array_mut() {
                        keys.push(second);
                    }
                }
            }
            d
        }
        "qlik-oidc" => {
            let d = *r.pick(&[
                "provider-mismatch",
                "url-not-https",
                "url-no-wellknown",
                "claims-not-array",
                "claims-bad-pointer",
                "options-without-skipverify",
                "email-verified-wrong-provider",
            ]);
            let key = oidc_options_key(p);
            match d {
                "provider-mismatch" => p["provider"] = json!("external"),
                "url-not-https" => {
                    let url = p[key]["discoveryUrl"].as_str().unwrap_or_default();
                    p[key]["discoveryUrl"] = json!(url.replace("https://", "http://"));
                }
                "url-no-wellknown" => {
                    let url = p[key]["discoveryUrl"].as_str().unwrap_or_default();
                    p[key]["discoveryUrl"] = json!(url.replace(WELL_KNOWN, ""));
                }
                "claims-not-array" => p[key]["claimsMapping"]["sub"] = json!("sub"),
                "claims-bad-pointer" => p[key]["claimsMapping"]["sub"] = json!(["/claims~2sub"]),
                "options-without-skipverify" => {
                    let obj = p.as_object_mut().expect("qlik create is an object");
                    let mut opts = obj
                        .remove("pendingOptions")
                        .or_else(|| obj.remove("options"))
                        .unwrap_or_else(|| json!({}));
                    obj.remove("skipVerify");
                    obj.insert("interactive".into(), json!(true));
                    if let Some(o) = opts.as_object_mut() {
                        o.entry("clientId").or_insert(json!("x"));
                        o.entry("clientSecret").or_insert(json!("y"));
                    }
                    obj.insert("options".into(), opts);
                }
                _ => {
                    p["provider"] = json!("auth0");
                    p[key]["discoveryUrl"] =
                        json!(format!("https://tenant-7.eu.auth0.com{WELL_KNOWN}"));
                    p[key]["emailVerifiedAlwaysTrue"] = json!(true);
                }
            }
            d
        }
        "qlik-patch" => {
            let d = *r.pick(&[
                "path-not-allowed",
                "op-not-allowed",
                "replace-without-value",
                "value-type",
            ]);
            let op = match d {
                "path-not-allowed" => {
                    json!({"op": "replace", "path": "/protocol", "value": "jwtAuth"})
                }
                "op-not-allowed" => json!({"op": "add", "path": "/description", "value": "x"}),
                "replace-without-value" => json!({"op": "replace", "path": "/active"}),
                _ => json!({"op": "replace", "path": "/clockToleranceSec", "value": "five"}),
            };
            if let Some(ops) = p.as_array_mut() {
                ops.push(op);
            }
            d
        }
        _ => {
            let props = &mut p["properties"];
            let saml = props["type"] == "saml";
            let d = *r.pick(&[
                "type-case",
                "enabled-string",
                "missing-name",
                if saml {
                    "pem-armour"
                } else {
                    "url-no-wellknown"
                },
            ]);
            match d {
                "type-case" => {
                    let t = props["type"].as_str().unwrap_or_default().to_uppercase();
                    props["type"] = json!(t);
                }
                "enabled-string" => props["enabled"] = json!("true"),
                "missing-name" => {
                    if let Some(o) = props.as_object_mut() {
                        o.remove("name");
                    }
                }
                "pem-armour" => {
                    let c = &mut props["configuration"]["saml"]["x509Certificate"];
                    let body = c.as_str().unwrap_or_default();
                    *c = json!(format!(
                        "-----BEGIN CERTIFICATE-----{body}-----END CERTIFICATE-----"
                    ));
                }
                _ => {
                    let c = &mut props["configuration"]["oidc"]["openidConfigurationUrl"];
                    let url = c.as_str().unwrap_or_default().replace(WELL_KNOWN, "");
                    *c = json!(url);
                }
            }
            d
        }
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(out) = args.first() else {
        eprintln!("usage: gen_corpus OUT_DIR [COUNT] [SEED]");
        return ExitCode::from(2);
    };
    let parse = |i: usize, default: u64| -> Option<u64> {
        args.get(i).map_or(Some(default), |s| s.parse().ok())
    };
    let (Some(count), Some(seed)) = (parse(1, 10_000), parse(2, 1)) else {
        eprintln!("usage: gen_corpus OUT_DIR [COUNT] [SEED] (COUNT and SEED are integers)");
        return ExitCode::from(2);
    };
    let out = Path::new(out);
    if let Err(e) = fs::create_dir_all(out) {
        eprintln!("error: cannot create {}: {e}", out.display());
        return ExitCode::from(2);
    }
    for (name, text) in corpus(count, seed) {
        let path = out.join(name);
        if let Err(e) = fs::write(&path, text) {
            eprintln!("error: cannot write {}: {e}", path.display());
            return ExitCode::from(2);
        }
    }
    println!("wrote {count} files to {}", out.display());
    ExitCode::SUCCESS
}

/// The corpus of `count` payloads for `seed`: each file's name
/// (`NNNNN-<kind>-<defect>.json`) and text. The fix tests read it too.
pub fn corpus(count: u64, seed: u64) -> impl Iterator<Item = (String, String)> {
    // Same mix as the model generator: 20 % jwtAuth, 40 % OIDC, 20 % PATCH,
    // 12 % IONOS create, 8 % IONOS ensure; a defect in 33 % of the files.
    let weighted: [(&str, u64); 5] = [
        ("qlik-jwt", 20),
        ("qlik-oidc", 40),
        ("qlik-patch", 20),
        ("ionos-create", 12),
        ("ionos-ensure", 8),
    ];
    let mut r = Rng(seed ^ 0x1D9_11A7);
    (0..count).map(move |i| {
        let mut roll = r.below(100);
        let kind = weighted
            .iter()
            .find(|(_, w)| {
                let hit = roll < *w;
                roll = roll.saturating_sub(*w);
                hit
            })
            .map_or("qlik-oidc", |(k, _)| k);
        let mut p = match kind {
            "qlik-jwt" => qlik_jwt(&mut r),
            "qlik-oidc" => qlik_oidc(&mut r),
            "qlik-patch" => qlik_patch(&mut r),
            _ => ionos(&mut r, kind == "ionos-ensure"),
        };
        let d = if r.chance(0.33) {
            defect(&mut r, kind, &mut p)
        } else {
            "ok"
        };
        let mut text = serde_json::to_string_pretty(&p).expect("a Value always serialises");
        text.push('\n');
        (format!("{i:05}-{kind}-{d}.json"), text)
    })
}
