//! IDP306 certificate-expired.

use time::{Duration, OffsetDateTime};

use super::support::key_material::{CertificateInfo, Key};
use super::support::{Context, Rule};
use crate::declare_rule;
use crate::diagnostic::{Finding, Severity};

declare_rule! {
    /// the certificate has expired, is not valid yet, or expires within 30 days
    ///
    /// ## Why
    /// A SAML identity provider signs with the key of the certificate it was given, and a
    /// relying party that checks dates refuses an expired one. Qlik does not document whether
    /// it enforces the dates of a JWT IdP's certificate, so this is a warning, not an error: but
    /// an expired certificate is a rotation that was forgotten, and a certificate that is not
    /// valid yet usually means a clock was wrong where it was issued. A certificate that expires
    /// within 30 days is reported as info, so the rotation can be planned.
    ///
    /// The dates are compared with the current time when idplint runs.
    ///
    /// ## Severity
    /// - warning: the certificate has expired, or is not valid yet
    /// - info: the certificate expires within 30 days
    ///
    /// A severity set for the rule (`[severity]` in `idplint.toml`) applies to all of them.
    ///
    /// ## Fix
    /// Issue a new certificate for the signing key (`openssl req -new -x509 -key key.pem -days
    /// 1825`) and replace this one, at the identity provider too.
    ///
    /// ## References
    /// - idplint's own check (current practice): neither Qlik nor IONOS documents whether the dates
    ///   are enforced. Qlik's tutorial "Create Signed Tokens for JWT Authorization" issues its
    ///   certificate for 1825 days:
    ///   <https://qlik.dev/authenticate/jwt/create-signed-tokens-for-jwt-authorization/>
    /// - RFC 5280 §4.1.2.5 (validity)
    pub CertificateExpired {
        code: "IDP306",
        name: "certificate-expired",
        severity: Warning,
        kinds: [QlikCreate, QlikPatch, IonosCreate, IonosEnsure],
        pass: [r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics", "options": {"issuer": "https://login.acme-corp.io", "staticKeys": [{"kid": "acme-2026", "pem": "-----BEGIN CERTIFICATE-----MIIDAjCCAeqgAwIBAgIUBUAHiCbzem1OJXJ1DdyUbdmLbs0wDQYJKoZIhvcNAQELBQAwOzELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRYwFAYDVQQDDA1yc2EyMDQ4LXZhbGlkMB4XDTI2MDEwMTAwMDAwMFoXDTM1MTIzMDAwMDAwMFowOzELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRYwFAYDVQQDDA1yc2EyMDQ4LXZhbGlkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAnZziI85JaZKd3uqHtykyCcK7tOFx/QORZagpVjzeGRUzfhDAY3SMjeGapblGuZvg6SYC8tTSOsb8PM6XKRH9OoCPA7A8EST8f+eFLuS1dzp3NkS18tlcabD3Da/t4WV1Gh625lOD0OTE2JR60sVztFKQpU9zy/jB6I3I/YniLOi8FK8c3CJlkGXQn36eZy6g6xdJ4nUfGzHdWOz+WaWVgM5FlqkTYqdr9FQCinYGJ7g5t7p8nScbuy9k0GsZuekYHLNlEbw3YCpIyMk3sQC/AC1qq+rCl1Lj2YneV+H+AUQP35ruQPVDnZ3srMNqI3EfYvQckgYtj0shs9E41VTfAQIDAQABMA0GCSqGSIb3DQEBCwUAA4IBAQAdK4ubIZZrhNY4IGx0dGXXBh/mpfEOz/e19oPUQoe+ofktLcjsGndD3fB4BA/RAZ8GKHAtnS2IgODAHRlM5NOVHSrGf/UQ0y9ozOGMppwTo+vnh4PMsnX7zMUV+sM/UUY2UilWwY4wJKfup6fjC2/4/d9jMuVFVw23geuvS2OFVuGpkKY8H4rUDBfKzcQzSrlrMosAcydcFZS5OswvETBM4ECe42A1RgaH30+9kgsXz+EDQ2WO6oQT1XR2StXXpTkjC+kmeifPZKZj6w8S7aq3jcxEj11KxftrFB33SeovjuZGIpHhYfR5xYG2Qg2V8/RBV+JjU4n5C9zpgvyUqpaf-----END CERTIFICATE-----"}]}}"#],
        fail: [r#"{"protocol": "jwtAuth", "provider": "external", "description": "Embedded analytics", "options": {"issuer": "https://login.acme-corp.io", "staticKeys": [{"kid": "acme-2026", "pem": "-----BEGIN CERTIFICATE-----MIIDBjCCAe6gAwIBAgIUGNSf3jxcvss8/sPhrSGWhRWjtwIwDQYJKoZIhvcNAQELBQAwPTELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRgwFgYDVQQDDA9yc2EyMDQ4LWV4cGlyZWQwHhcNMTkwMTAxMDAwMDAwWhcNMjEwMTAxMDAwMDAwWjA9MQswCQYDVQQGEwJHQjEUMBIGA1UECgwLRXhhbXBsZSBPcmcxGDAWBgNVBAMMD3JzYTIwNDgtZXhwaXJlZDCCASIwDQYJKoZIhvcNAQEBBQADggEPADCCAQoCggEBAKa01cAyJNX2uggeMeb5m+RnNJhPVAY/UPjd7cVev2BEQB8c86lPnVI4hDT3wDCuTARqhhr/mV1JdTyjHBOwE0n7V6bAbf1KtkEAks/OSlcmSpeTeim9VkpJ1qcZc1IcHyTsebLqwU2Axxy1WXnmcASYCDIRLeKx24jF+2UwYLt7hsb9a8pb459p8zgJbCnVCc7sfwg/eOuA7b4g/KAYZkd7OSAnEj+GO+2O1o0N6Qkw5tYzyOyf1RWU7m99khcq+DDVASc4fd1L2J1wlLMEa8sQ3DIcHkguhuHzLt5XKS+Vp7wFBwwjx8k1dzl6/aYvFEqIB2s9Xkv7BwQrQcDACjcCAwEAATANBgkqhkiG9w0BAQsFAAOCAQEAZruvlFWDHtxSUo6eJnvfLE7R0YPu8KDBzVdmNQsvgNXB/pKY16yxCS/pcmmJdYpjnxOVTtK5tb4vVsWdDNuCKpL2N4aLqoyAkazXjLhcx9KTMt2QqQNvvwsPPW6iFQVMd5CATeP8e/M5VmjL03sGGyHTh5lZmcJ8uZKPKlfd6DVdHak8ZJk4K1K8bs7YzQbRIUPYyQGy/qAZ1beMKKe/8PEYjidoI7nubYcVcPvonECVOgZsjhZrd2mH7LFpgGV4kNEVfziTWIazNq7zzS2ktzbD/tnbNiFnNDJi0ZSWIdZbpB6YKBz3jUInRdJlSCzlwzhnawBPz2MK0ffLCUtFnA==-----END CERTIFICATE-----"}]}}"#, r#"{"metadata": {}, "properties": {"type": "saml", "name": "Acme SSO", "enabled": true, "domain": "acme-corp.io", "configuration": {"saml": {"metadataDescriptor": "https://sso.acme-corp.io/saml/metadata", "x509Certificate": "MIIDDjCCAfagAwIBAgIUejasDGZurxKhhyXHOUe9fkppgqkwDQYJKoZIhvcNAQELBQAwQTELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRwwGgYDVQQDDBNyc2EyMDQ4LW5vdHlldHZhbGlkMB4XDTQwMDEwMTAwMDAwMFoXDTQ1MDEwMTAwMDAwMFowQTELMAkGA1UEBhMCR0IxFDASBgNVBAoMC0V4YW1wbGUgT3JnMRwwGgYDVQQDDBNyc2EyMDQ4LW5vdHlldHZhbGlkMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAxhMN3nDbvY4hFzI02jt7LqyqfGKNfZqPPK0eh/1/GOz08ZC2LHgCeCimDiD5CFqnZ4/FlvRdabriKpHOCOlz477pi5/EdcINYrTjQWxZKNk5buKoRlbj2U1QEkVnSbx6RKSw8y4kgxcN69jV5kVghS1y267/BJhKPY9E+bksKz14GjyeohY0+8RjONH3LkuUVrjuQ4kSCWYJt1ptgmgthOnvcMWmBFXaj8Ej8ZMCITdNFgq5Iej9ZFZTOvyR9VmvOluFnYl4zEfvM6dKQwe/vP2B8mhfMSd4C0F+sPBFWctoo2tybT0yfSHhaQgmkYgB5gCN9nD1570Io6QacMR+EQIDAQABMA0GCSqGSIb3DQEBCwUAA4IBAQCtXfPgxgWHmMascjb5fSsmfQjubS29EM2e3rw4qFBYVaevTktfGDpGNnIR3Q7tAY1swhbLX4tQWRzbayxxWociEF9HKmNa19q9aAySBnGLlggaNhu6VxDXFD9eW9Cf5GnaifK+xU28Fut0py6y6uLEJ51efoEpUQgb92zL5gDnYIFt+5NpxuaG/nSUd/LTw3nk7Cw5zoyj8jra8iP/O2X7tALuAZTQnoEDCDU4gG5aQWsZ/s1UW5n6sWZbtTJJBF+Q974V7VOdmUwtkFmykrtUhREm8FIYOTn5o0s/Qper9Z+i4teVUgY7CfhSeRg6zseTnJqSH9xbt9O9jO+zsBcf"}}}}"#],
    }
}

impl Rule for CertificateExpired {
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Finding>) {
        let now = OffsetDateTime::now_utc();
        let notice = Duration::days(cx.facts.certificates.expiry_notice_days);
        for m in cx.materials() {
            let Some(Ok(Key::Certificate(cert))) = &m.decoded else {
                continue;
            };
            if let Some(finding) = dates(cert, now, notice, m.name()) {
                out.push(finding.at_anchor(m.field.anchor()));
            }
        }
    }
}

/// What the certificate's dates say at `now`, before it is anchored.
struct DateFinding {
    severity: Severity,
    message: String,
    label: String,
    help: String,
}

impl DateFinding {
    fn at_anchor(self, at: crate::diagnostic::Anchor) -> Finding {
        Finding::new(CertificateExpired::META, self.message, at)
            .severity(self.severity)
            .label(self.label)
            .help(self.help)
    }
}

fn dates(
    cert: &CertificateInfo,
    now: OffsetDateTime,
    notice: Duration,
    name: &str,
) -> Option<DateFinding> {
    let (from, to) = (cert.not_before.date(), cert.not_after.date());
    let subject = &cert.subject;
    if cert.not_after < now {
        Some(DateFinding {
            severity: Severity::Warning,
            message: format!("the certificate in `{name}` expired on {to} (subject `{subject}`)"),
            label: format!("expired {to}"),
            help: "issue a new certificate for the signing key and replace this one".to_string(),
        })
    } else if cert.not_before > now {
        Some(DateFinding {
            severity: Severity::Warning,
            message: format!(
                "the certificate in `{name}` is not valid before {from} (subject `{subject}`)"
            ),
            label: format!("valid from {from}"),
            help: "check the clock of the machine that issued it, and issue it again with a start date in the past".to_string(),
        })
    } else if cert.not_after - now <= notice {
        let days = (cert.not_after - now).whole_days();
        Some(DateFinding {
            severity: Severity::Info,
            message: format!(
                "the certificate in `{name}` expires on {to}, in {days} days (subject `{subject}`)"
            ),
            label: format!("expires {to}"),
            help: format!("plan the rotation: issue a new certificate before {to}"),
        })
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::support::key_material::{KeyInfo, Subject};
    use time::{Date, Month};

    fn day(y: i32, m: u8, d: u8) -> OffsetDateTime {
        let month = Month::try_from(m).expect("month");
        Date::from_calendar_date(y, month, d)
            .expect("date")
            .midnight()
            .assume_utc()
    }

    fn cert(from: OffsetDateTime, to: OffsetDateTime) -> CertificateInfo {
        CertificateInfo {
            subject: Subject::default(),
            not_before: from,
            not_after: to,
            signature_oid: "1.2.840.113549.1.1.11".parse().expect("an OID"),
            key: KeyInfo {
                algorithm: "RSA".to_string(),
                curve: None,
                bits: 2048,
            },
        }
    }

    #[test]
    fn tells_expired_not_yet_valid_and_soon() {
        let now = day(2026, 6, 1);
        let notice = Duration::days(30);
        let check =
            |from, to| dates(&cert(from, to), now, notice, "pem").map(|f| (f.severity, f.label));
        assert_eq!(
            check(day(2019, 1, 1), day(2021, 1, 1)),
            Some((Severity::Warning, "expired 2021-01-01".to_string()))
        );
        assert_eq!(
            check(day(2040, 1, 1), day(2045, 1, 1)),
            Some((Severity::Warning, "valid from 2040-01-01".to_string()))
        );
        assert_eq!(
            check(day(2026, 1, 1), day(2026, 6, 20)),
            Some((Severity::Info, "expires 2026-06-20".to_string()))
        );
        assert_eq!(check(day(2026, 1, 1), day(2026, 8, 1)), None);
    }
}
