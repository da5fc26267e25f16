//! IDP301 pem-not-single-line.

use super::support::key_material::plural;
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Applicability, Finding, Repair, Severity};

declare_rule! {
    /// a Qlik PEM is split over several lines
    ///
    /// ## Why
    /// Qlik asks for the `pem` of a JWT IdP's static key "on a single line without any line
    /// breaks". A raw line break inside a JSON string is invalid JSON (IDP001); one written as
    /// `\n` is valid JSON and accepted in practice (Qlik's own scripts send `.cer` files
    /// JSON-escaped), but it is not the documented form (warning). A carriage return (`\r`, from
    /// a file saved on Windows) is reported the same way. A line break escaped twice (`\\n`)
    /// is worse: it arrives as a backslash and an `n`, which no PEM reader skips, so the key
    /// the API receives is corrupt (error).
    ///
    /// idplint reads the PEM either way: the certificate is still decoded and checked by the
    /// other IDP3xx rules.
    ///
    /// ## Severity
    /// - warning: the PEM has line breaks (`\n`) or carriage returns (`\r`)
    /// - error: the PEM has line breaks escaped twice (`\\n`), which corrupt the base64
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Remove the line breaks and keep the armour:
    /// `-----BEGIN CERTIFICATE-----MIIB…-----END CERTIFICATE-----` (`tr -d '\n' < cert.pem`).
    ///
    /// ## Autofix
    /// safe (`--fix`): the `\n` escapes and other whitespace are removed and the armour kept;
    /// the base64, and so the key, is unchanged.
    ///
    /// ## References
    /// - qlik.dev, "Create identity providers", JWT: "the `pem` must be on a single line without
    ///   any line breaks": <https://qlik.dev/manage/automate/identity-provider-create/>
    /// - a Qlik staff member's deployment example sends the `.cer` file JSON-escaped:
    ///   <https://github.com/withdave/qlik/blob/HEAD/examples/qcs_deployment/configure_tenant.js>
    pub PemNotSingleLine {
        code: "IDP301",
        name: "pem-not-single-line",
        severity: Warning,
        kinds: [QlikCreate, QlikPatch],
        pass: [r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics", "options": {"issuer": "https://login.acme-corp.io", "staticKeys": [{"kid": "acme-2026", "pem": "-----BEGIN CERTIFICATE-----MIIDAjCCAeqgAwIBAgIUBUAHiCbzem1OJXJ1DdyUbdmLbs0wDQYJKoZIhvcNAQELBQAwOzELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRYwFAYDVQQDDA1yc2EyMDQ4LXZhbGlkMB4XDTI2MDEwMTAwMDAwMFoXDTM1MTIzMDAwMDAwMFowOzELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRYwFAYDVQQDDA1yc2EyMDQ4LXZhbGlkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnZziI85JaZKd3uqHtykyCcK7tOFx/QORZagpVjzeGRUzfhDAY3SMjeGapblGuZvg6SYC8tTSOsb8PM6XKRH9OoCPA7A8EST8f+eFLuS1dzp3NkS18tlcabD3Da/t4WV1Gh625lOD0OTE2JR60sVztFKQpU9zy/jB6I3I/YniLOi8FK8c3CJlkGXQn36eZy6g6xdJ4nUfGzHdWOz+WaWVgM5FlqkTYqdr9FQCinYGJ7g5t7p8nScbuy9k0GsZuekYHLNlEbw3YCpIyMk3sQC/AC1qq+rCl1Lj2YneV+H+AUQP35ruQPVDnZ3srMNqI3EfYvQckgYtj0shs9E41VTfAQIDAQABMA0GCSqGSIb3DQEBCwUAA4IBAQAdK4ubIZZrhNY4IGx0dGXXBh/mpfEOz/e19oPUQoe+ofktLcjsGndD3fB4BA/RAZ8GKHAtnS2IgODAHRlM5NOVHSrGf/UQ0y9ozOGMppwTo+vnh4PMsnX7zMUV+sM/UUY2UilWwY4wJKfup6fjC2/4/d9jMuVFVw23geuvS2OFVuGpkKY8H4rUDBfKzcQzSrlrMosAcydcFZS5OswvETBM4ECe42A1RgaH30+9kgsXz+EDQ2WO6oQT1XR2StXXpTkjC+kmeifPZKZj6w8S7aq3jcxEj11KxftrFB33SeovjuZGIpHhYfR5xYG2Qg2V8/RBV+JjU4n5C9zpgvyUqpaf-----END CERTIFICATE-----"}]}}"#],
        fail: [r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics", "options": {"issuer": "https://login.acme-corp.io", "staticKeys": [{"kid": "acme-2026", "pem": "-----BEGIN CERTIFICATE-----\nMIIDAjCCAeqgAwIBAgIUBUAHiCbzem1OJXJ1DdyUbdmLbs0wDQYJKoZIhvcNAQEL\nBQAwOzELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRYwFAYDVQQD\nDA1yc2EyMDQ4LXZhbGlkMB4XDTI2MDEwMTAwMDAwMFoXDTM1MTIzMDAwMDAwMFow\nOzELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRYwFAYDVQQDDA1y\nc2EyMDQ4LXZhbGlkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnZzi\nI85JaZKd3uqHtykyCcK7tOFx/QORZagpVjzeGRUzfhDAY3SMjeGapblGuZvg6SYC\n8tTSOsb8PM6XKRH9OoCPA7A8EST8f+eFLuS1dzp3NkS18tlcabD3Da/t4WV1Gh62\n5lOD0OTE2JR60sVztFKQpU9zy/jB6I3I/YniLOi8FK8c3CJlkGXQn36eZy6g6xdJ\n4nUfGzHdWOz+WaWVgM5FlqkTYqdr9FQCinYGJ7g5t7p8nScbuy9k0GsZuekYHLNl\nEbw3YCpIyMk3sQC/AC1qq+rCl1Lj2YneV+H+AUQP35ruQPVDnZ3srMNqI3EfYvQc\nkgYtj0shs9E41VTfAQIDAQABMA0GCSqGSIb3DQEBCwUAA4IBAQAdK4ubIZZrhNY4\nIGx0dGXXBh/mpfEOz/e19oPUQoe+ofktLcjsGndD3fB4BA/RAZ8GKHAtnS2IgODA\nHRlM5NOVHSrGf/UQ0y9ozOGMppwTo+vnh4PMsnX7zMUV+sM/UUY2UilWwY4wJKfu\np6fjC2/4/d9jMuVFVw23geuvS2OFVuGpkKY8H4rUDBfKzcQzSrlrMosAcydcFZS5\nOswvETBM4ECe42A1RgaH30+9kgsXz+EDQ2WO6oQT1XR2StXXpTkjC+kmeifPZKZj\n6w8S7aq3jcxEj11KxftrFB33SeovjuZGIpHhYfR5xYG2Qg2V8/RBV+JjU4n5C9zp\ngvyUqpaf\n-----END CERTIFICATE-----"}]}}"#],
    }
}

impl Rule for PemNotSingleLine {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        for m in cx.materials() {
            let b = m.breaks;
            if !m.spec.single_line || m.private_key.is_some() || b.line_breaks() == 0 {
                continue;
            }
            let mut what = Vec::new();
            if b.newlines > 0 {
                what.push(format!("{} (`\\n`)", plural(b.newlines, "line break")));
            }
            if b.carriage_returns > 0 {
                what.push(format!(
                    "{} (`\\r`)",
                    plural(b.carriage_returns, "carriage return")
                ));
            }
            if b.literal_escapes > 0 {
                what.push(format!(
                    "{} escaped twice (`\\\\n`: a backslash and a letter)",
                    plural(b.literal_escapes, "line break")
                ));
            }
            let label = m.armour_label();
            // `\\n` reaches the API as a backslash and an `n` in the base64.
            let (severity, message) = if b.literal_escapes > 0 {
                (
                    Severity::Error,
                    format!(
                        "`{}` is corrupt as sent: it contains {}, which leave a backslash and an `n` in the base64",
                        m.name(),
                        what.join(" and ")
                    ),
                )
            } else {
                (
                    Severity::Warning,
                    format!(
                        "`{}` is not on a single line: it contains {}",
                        m.name(),
                        what.join(" and ")
                    ),
                )
            };
            out.push(
                Finding::new(Self::META, message, m.field.anchor())
                .severity(severity)
                .label("line breaks inside the PEM")
                .help(format!(
                    "remove the line breaks and keep the armour: `-----BEGIN {label}-----MII…-----END {label}-----`"
                ))
                .fix(
                    Applicability::Safe,
                    "put the PEM on one line",
                    vec![Repair::Value {
                        pointer: m.field.pointer.clone(),
                        json: serde_json::Value::from(single_line(
                            m.field.value.as_str().unwrap_or_default(),
                        ))
                        .to_string(),
                    }],
                ),
            );
        }
    }
}

/// A PEM on one line, as Qlik asks: its line breaks, carriage returns and
/// line breaks escaped twice removed, the armour kept.
fn single_line(pem: &str) -> String {
    pem.replace("\\r", "")
        .replace("\\n", "")
        .chars()
        .filter(|c| !matches!(c, '\n' | '\r'))
        .collect()
}
