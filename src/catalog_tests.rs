//! The rule registry's invariants, its agreement with the product's rule
//! catalogue (`testdata/spec/rules.tsv`, taken from the specification), and
//! the generated reference `rules/CATALOG.md`.

use std::collections::HashSet;

use crate::rules::{catalog_markdown, ALL};

#[test]
fn codes_are_unique_sorted_and_names_kebab_case() {
    let codes: Vec<_> = ALL.iter().map(|r| r.meta().code).collect();
    let mut sorted = codes.clone();
    sorted.sort();
    assert_eq!(codes, sorted, "ALL must be sorted by code");
    assert_eq!(
        codes.iter().collect::<HashSet<_>>().len(),
        codes.len(),
        "codes must be unique"
    );
    let names: HashSet<_> = ALL.iter().map(|r| r.meta().name).collect();
    assert_eq!(names.len(), ALL.len(), "names must be unique");
    for r in ALL {
        let m = r.meta();
        assert!(
            m.name
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{}: name `{}` is not kebab-case",
            m.code,
            m.name
        );
    }
}

#[test]
fn every_rule_is_documented_with_examples() {
    for r in ALL {
        let m = r.meta();
        let summary = m.summary();
        assert!(
            !summary.is_empty() && summary.chars().count() <= 80,
            "{}: summary must be 1..=80 chars",
            m.code
        );
        assert!(
            !summary.ends_with('.'),
            "{}: summary ends with a period",
            m.code
        );
        assert!(
            m.docs.contains("## Why"),
            "{}: docs need a `## Why` section",
            m.code
        );
        assert!(
            !m.pass.is_empty() && !m.fail.is_empty(),
            "{}: needs pass and fail examples",
            m.code
        );
        assert!(!m.kinds.is_empty(), "{}: applies to no kind", m.code);
    }
}

/// The kinds a `kinds` cell of the specification names: `*` is every kind,
/// `qlik.*` and `ionos.*` each vendor's, and `auto` (IDP003, raised while
/// recognising a payload of any kind) every kind too.
fn spec_kinds(cell: &str) -> Vec<&'static str> {
    let all = ["qlik.create", "qlik.patch", "ionos.create", "ionos.ensure"];
    let mut kinds: Vec<&'static str> = Vec::new();
    for part in cell.split(',').map(str::trim) {
        let matched: Vec<&'static str> = match part {
            "*" | "auto" => all.to_vec(),
            _ => match part.strip_suffix(".*") {
                Some(vendor) => all
                    .into_iter()
                    .filter(|k| k.split('.').next() == Some(vendor))
                    .collect(),
                None => all.into_iter().filter(|k| *k == part).collect(),
            },
        };
        assert!(!matched.is_empty(), "`{part}` names no kind");
        kinds.extend(matched);
    }
    kinds.sort();
    kinds.dedup();
    kinds
}

#[test]
fn registry_agrees_with_the_specification() {
    let spec = include_str!("../testdata/spec/rules.tsv");
    let rows: Vec<Vec<&str>> = spec
        .lines()
        .filter(|l| !l.starts_with('#'))
        .map(|l| l.split('\t').collect())
        .collect();
    let mut problems = Vec::new();
    for row in &rows {
        assert_eq!(
            row.len(),
            4,
            "a row has code, name, severity, kinds: {row:?}"
        );
        if !ALL.iter().any(|r| r.meta().code == row[0]) {
            problems.push(format!(
                "{}: in the specification, not in the registry",
                row[0]
            ));
        }
    }
    for r in ALL {
        let m = r.meta();
        let Some(row) = rows.iter().find(|row| row[0] == m.code) else {
            problems.push(format!("{}: not in the specification's catalogue", m.code));
            continue;
        };
        if row[1] != m.name {
            problems.push(format!(
                "{}: name `{}` is `{}` in the specification",
                m.code, m.name, row[1]
            ));
        }
        if row[2] != m.severity.as_str() {
            problems.push(format!(
                "{}: severity {} is {} in the specification",
                m.code, m.severity, row[2]
            ));
        }
        let mut kinds: Vec<&str> = m.kinds.iter().map(|k| k.name()).collect();
        kinds.sort();
        if kinds != spec_kinds(row[3]) {
            problems.push(format!(
                "{}: kinds {kinds:?} are `{}` in the specification",
                m.code, row[3]
            ));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn catalog_md_is_up_to_date() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/rules/CATALOG.md");
    let generated = catalog_markdown();
    if std::env::var_os("UPDATE_CATALOG").is_some() {
        std::fs::write(path, &generated).expect("write rules/CATALOG.md");
    }
    let current = std::fs::read_to_string(path).unwrap_or_default();
    assert!(
        current == generated,
        "rules/CATALOG.md is stale: run `UPDATE_CATALOG=1 cargo test --lib catalog`"
    );
}

#[test]
fn data_tables_and_schemas_load() {
    let facts = crate::facts::facts();
    assert!(facts
        .qlik
        .providers_for("OIDC")
        .is_some_and(|p| p.contains(&"azureAD".to_string())));
    assert!(!facts.patch.paths.is_empty());
    let compiled: Vec<_> = crate::schema::all().iter().map(|s| s.file).collect();
    let embedded: Vec<_> = crate::schema::FILES.iter().map(|(f, _)| *f).collect();
    assert_eq!(compiled, embedded);
    let on_disk = std::fs::read_dir(concat!(env!("CARGO_MANIFEST_DIR"), "/rules/schemas"))
        .expect("rules/schemas")
        .count();
    assert_eq!(
        on_disk,
        embedded.len(),
        "every schema in rules/schemas is embedded"
    );
}

#[test]
fn every_rule_has_its_code_scanning_entry() {
    let scanning = &crate::facts::facts().code_scanning;
    let codes: HashSet<&str> = ALL.iter().map(|r| r.meta().code).collect();
    let listed: HashSet<&str> = scanning.rules.keys().map(String::as_str).collect();
    assert_eq!(
        listed, codes,
        "rules/code-scanning.json lists every rule, and no other"
    );
    for (code, rule) in &scanning.rules {
        assert!(!rule.tags.is_empty(), "{code}: no tags");
        for tag in &rule.tags {
            assert!(
                !["qlik", "ionos"].contains(&tag.as_str()),
                "{code}: the vendor tags come from the kinds"
            );
        }
        let tagged = rule.tags.iter().any(|t| t == "security");
        match &rule.security {
            Some(security) => {
                assert!(
                    tagged,
                    "{code}: a security severity needs the `security` tag"
                );
                let score: f64 = security.severity.parse().expect("a number");
                let (_, decimals) = security.severity.split_once('.').expect("a decimal");
                assert!(
                    (0.0..=10.0).contains(&score) && decimals.len() == 1,
                    "{code}: `{}` is no score from 0.0 to 10.0",
                    security.severity
                );
                assert!(
                    security.reason.len() > 40,
                    "{code}: say why it is a security rule"
                );
            }
            None => assert!(!tagged, "{code}: a security rule needs a security severity"),
        }
    }
}

/// The anchor GitHub gives a Markdown heading: lower case, punctuation
/// other than `-` and `_` dropped, spaces as `-`.
fn github_anchor(heading: &str) -> String {
    heading
        .trim()
        .to_lowercase()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, ' ' | '-' | '_'))
        .map(|c| if c == ' ' { '-' } else { c })
        .collect()
}

#[test]
fn the_catalogue_has_a_section_per_rule_at_its_anchor() {
    let catalogue = catalog_markdown();
    let anchors: Vec<String> = catalogue
        .lines()
        .filter_map(|l| l.strip_prefix("### "))
        .map(github_anchor)
        .collect();
    let expected: Vec<String> = ALL.iter().map(|r| r.meta().anchor()).collect();
    assert_eq!(anchors, expected);
    for anchor in &expected {
        assert!(
            catalogue.contains(&format!("](#{anchor})")),
            "the table links to {anchor}"
        );
    }
}
