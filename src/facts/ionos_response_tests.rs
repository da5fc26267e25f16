//! The IONOS response members the facts call read-only are known members
//! of both IONOS schemas: IDP007 and IDP008 speak about them, IDP006 does not.

use crate::{Kind, Linter, Options, SourceOptions};

#[test]
fn response_members_are_no_unknown_fields() {
    // Every read-only pointer of the facts is accepted by both schemas:
    // IDP007 and IDP008 speak about them, IDP006 does not.
    let body = r#"{"id": "5e6323da-8a45-5732-bec1-d7c29c1dc890", "type": "identityprovider", "href": "/identityproviders/5e6323da-8a45-5732-bec1-d7c29c1dc890", "items": [],
        "metadata": {"createdDate": "2020-12-10T13:37:50+01:00", "createdBy": "u", "createdByUserId": "u", "lastModifiedDate": "2020-12-10T13:37:50+01:00", "lastModifiedBy": "u", "lastModifiedByUserId": "u", "resourceURN": "urn", "redirectURI": "https://iam.ionos.com/realms/cloud/broker/x/endpoint", "webOrigin": "https://iam.ionos.com"},
        "properties": {"type": "oidc", "name": "Acme SSO", "enabled": true, "domain": "acme-corp.io",
          "configuration": {"oidc": {"openidConfigurationUrl": "https://login.acme-corp.io/realms/staff/.well-known/openid-configuration", "clientSecret": "${SECRET}", "clientName": "ionos-dcd", "endpoint": "https://iam.ionos.com/x"},
                             "saml": {"metadataDescriptor": "https://login.acme-corp.io/realms/staff/protocol/saml/descriptor", "x509Certificate": "${CERT}", "endpoint": "https://iam.ionos.com/y"}}}}"#;
    let read_only = &crate::facts::facts().ionos.read_only_pointers;
    let doc: serde_json::Value = serde_json::from_str(body).expect("test body is JSON");
    assert!(
        read_only.iter().all(|p| doc.pointer(p).is_some()),
        "the body carries every read-only pointer"
    );
    let linter = Linter::new(Options::default());
    for kind in [Kind::IonosCreate, Kind::IonosEnsure] {
        let report = linter.lint_source(
            "body.json",
            body,
            &SourceOptions {
                kind: Some(kind),
                ..SourceOptions::default()
            },
        );
        let unknown: Vec<_> = report
            .diagnostics
            .iter()
            .filter(|d| d.code == "IDP006")
            .map(|d| d.pointer.as_str())
            .collect();
        // A create body has no `id`; that one is unknown.
        let expected: &[&str] = if kind == Kind::IonosCreate {
            &["/id"]
        } else {
            &[]
        };
        assert_eq!(unknown, expected, "{kind}");
        assert_eq!(
            report
                .diagnostics
                .iter()
                .filter(|d| d.code == "IDP008")
                .count(),
            1,
            "{kind}"
        );
    }
}
