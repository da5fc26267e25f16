//! Checks that compare the files of one run. The engine lints each file on
//! its own; these run afterwards over the reports
//! ([`crate::Linter::check_across_files`]).

use std::borrow::Borrow;

use crate::diagnostic::{Anchor, Finding, Severity};
use crate::linter::FileReport;
use crate::rules::ionos_fields::IonosNameInvalid;

/// How many other files a message names before it says "and N more".
const NAMED: usize = 3;

/// IDP208: IONOS identity providers of different files with the same name
/// (PUT bodies with the same `id` are one resource and do not count). One
/// finding per file, with the index of its report.
pub fn duplicate_ionos_names<R: Borrow<FileReport>>(files: &[R]) -> Vec<(usize, usize, Finding)> {
    let files: Vec<&FileReport> = files.iter().map(Borrow::borrow).collect();
    // (name, file, site in the file)
    let mut named: Vec<(&str, usize, usize)> = files
        .iter()
        .enumerate()
        .flat_map(|(i, file)| {
            file.ionos_names
                .iter()
                .enumerate()
                .map(move |(j, site)| (site.name.as_str(), i, j))
        })
        .collect();
    named.sort_unstable();
    let id_of = |i: usize, j: usize| files[i].ionos_names[j].id.as_deref();
    let mut out = Vec::new();
    for holders in named.chunk_by(|a, b| a.0 == b.0).filter(|h| h.len() > 1) {
        let name = holders[0].0;
        for &(_, i, j) in holders {
            let id = id_of(i, j);
            let mut others: Vec<String> = holders
                .iter()
                .filter(|&&(_, k, l)| (k, l) != (i, j))
                .filter(|&&(_, k, l)| id.is_none() || id_of(k, l) != id)
                .map(|&(_, k, l)| match &files[k].ionos_names[l].request {
                    Some(_) if k == i => format!(
                        "`{}` line {}",
                        files[k].path, files[k].ionos_names[l].start.line
                    ),
                    _ => format!("`{}`", files[k].path),
                })
                .collect();
            others.dedup();
            if others.is_empty() {
                continue;
            }
            let mut listed = others
                .iter()
                .take(NAMED)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if others.len() > NAMED {
                listed.push_str(&format!(" and {} more", others.len() - NAMED));
            }
            out.push((
                i,
                j,
                Finding::new(
                    IonosNameInvalid::META,
                    format!(
                        "`name` `{name}` is also the name of the identity provider in {listed}"
                    ),
                    Anchor::value("/properties/name"),
                )
                .severity(Severity::Warning)
                .label("name used twice")
                .help("give each identity provider its own name: the name identifies it"),
            ));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use crate::{Linter, Options, Severity, SourceOptions};

    fn body(name: &str, id: Option<&str>) -> String {
        let id = id.map(|i| format!(r#""id": "{i}", "#)).unwrap_or_default();
        format!(
            r#"{{{id}"metadata": {{}}, "properties": {{"type": "saml", "name": "{name}", "enabled": true, "domain": "acme-corp.io", "configuration": {{"saml": {{"metadataDescriptor": "https://login.acme-corp.io/realms/staff/protocol/saml/descriptor", "x509Certificate": "${{CERT}}"}}}}}}}}"#
        )
    }

    fn run(linter: &Linter, bodies: &[(&str, String)]) -> Vec<Vec<(String, Severity)>> {
        let mut files: Vec<_> = bodies
            .iter()
            .map(|(path, text)| linter.lint_source(path, text, &SourceOptions::default()))
            .collect();
        linter.check_across_files(&mut files);
        files
            .iter()
            .map(|f| {
                f.diagnostics
                    .iter()
                    .filter(|d| d.code == "IDP208")
                    .map(|d| (d.message.clone(), d.severity))
                    .collect()
            })
            .collect()
    }

    #[test]
    fn same_name_in_two_files_is_a_warning_in_both() {
        let linter = Linter::default();
        let found = run(
            &linter,
            &[
                ("a.json", body("Acme SSO", None)),
                ("b.json", body(" Acme SSO", None)),
                ("c.json", body("Other SSO", None)),
            ],
        );
        assert_eq!(
            found[0],
            vec![(
                "`name` `Acme SSO` is also the name of the identity provider in `b.json`"
                    .to_string(),
                Severity::Warning
            )]
        );
        // b.json also has the whitespace finding.
        assert!(found[1]
            .iter()
            .any(|(m, _)| m.contains("also the name") && m.contains("`a.json`")));
        assert!(found[2].is_empty());
    }

    #[test]
    fn puts_to_one_id_are_one_identity_provider() {
        let linter = Linter::default();
        let id = "5e6323da-8a45-5732-bec1-d7c29c1dc890";
        let found = run(
            &linter,
            &[
                ("a.json", body("Acme SSO", Some(id))),
                ("b.json", body("Acme SSO", Some(&id.to_uppercase()))),
            ],
        );
        assert!(found.iter().all(Vec::is_empty), "{found:?}");
        let found = run(
            &linter,
            &[
                ("a.json", body("Acme SSO", Some(id))),
                ("b.json", body("Acme SSO", None)),
            ],
        );
        assert_eq!(found[0].len(), 1);
        assert_eq!(found[1].len(), 1);
    }

    #[test]
    fn template_names_and_disabled_rule_are_left_alone() {
        let found = run(
            &Linter::default(),
            &[
                ("a.json", body("${IDP_NAME}", None)),
                ("b.json", body("${IDP_NAME}", None)),
            ],
        );
        assert!(found.iter().all(Vec::is_empty), "{found:?}");
        let linter = Linter::new(Options {
            ignore: vec!["IDP208".to_string()],
            ..Options::default()
        });
        let found = run(
            &linter,
            &[
                ("a.json", body("Acme SSO", None)),
                ("b.json", body("Acme SSO", None)),
            ],
        );
        assert!(found.iter().all(Vec::is_empty), "{found:?}");
    }

    #[test]
    fn the_finding_sits_on_the_name() {
        let linter = Linter::default();
        let text = body("Acme SSO", None);
        let mut files = vec![
            linter.lint_source("a.json", &text, &SourceOptions::default()),
            linter.lint_source("b.json", &text, &SourceOptions::default()),
        ];
        linter.check_across_files(&mut files);
        let d = files[0]
            .diagnostics
            .iter()
            .find(|d| d.code == "IDP208")
            .expect("a duplicate-name finding");
        assert_eq!(
            &text[d.span.offset..d.span.offset + d.span.length],
            "\"Acme SSO\""
        );
        assert_eq!(d.pointer, "/properties/name");
    }
}
