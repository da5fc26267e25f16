//! Property tests of the parser and its pointer → span index: for generated
//! JSON documents, every pointer that serde_json's `Value::pointer` finds is
//! found by the index, with a span whose bytes parse back to the same value
//! (and, for members, a key span holding the member name).

use crate::source::{escape_token, parse};
use proptest::prelude::*;
use serde_json::Value;

fn json_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(Value::from),
        (-1e12f64..1e12).prop_map(Value::from),
        "[a-z~/é\"\\\\ \u{1F600}\n]{0,8}".prop_map(Value::String),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            prop::collection::btree_map("[a-z~/é\"\\\\ ]{0,6}", inner, 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
        ]
    })
}

fn pointers(value: &Value, base: String, out: &mut Vec<String>) {
    out.push(base.clone());
    match value {
        Value::Array(items) => {
            for (i, v) in items.iter().enumerate() {
                pointers(v, format!("{base}/{i}"), out);
            }
        }
        Value::Object(map) => {
            for (k, v) in map {
                pointers(v, format!("{base}/{}", escape_token(k)), out);
            }
        }
        _ => {}
    }
}

fn check(text: &str) -> Result<(), TestCaseError> {
    let parsed = parse(text).map_err(|e| TestCaseError::fail(format!("{e:?}")))?;
    let expected: Value =
        serde_json::from_str(text).map_err(|e| TestCaseError::fail(e.to_string()))?;
    prop_assert_eq!(&parsed.value, &expected);
    let mut all = Vec::new();
    pointers(&expected, String::new(), &mut all);
    for pointer in all {
        let located = parsed.index.locate(text, &pointer);
        prop_assert!(located.is_some(), "pointer {:?} not found", pointer);
        let located = located.unwrap();
        let (start, end) = located.value;
        prop_assert!(text.is_char_boundary(start) && text.is_char_boundary(end));
        let slice: Value = serde_json::from_str(&text[start..end])
            .map_err(|e| TestCaseError::fail(e.to_string()))?;
        prop_assert_eq!(Some(&slice), expected.pointer(&pointer));
        if let Some((ks, ke)) = located.key {
            prop_assert!(text.is_char_boundary(ks) && text.is_char_boundary(ke));
            let key: String = serde_json::from_str(&text[ks..ke])
                .map_err(|e| TestCaseError::fail(e.to_string()))?;
            let last = pointer
                .rsplit('/')
                .next()
                .unwrap_or_default()
                .replace("~1", "/")
                .replace("~0", "~");
            prop_assert_eq!(key, last);
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn compact_documents(value in json_value()) {
        check(&serde_json::to_string(&value).unwrap())?;
    }

    #[test]
    fn pretty_documents(value in json_value()) {
        check(&serde_json::to_string_pretty(&value).unwrap())?;
    }

    #[test]
    fn any_text_never_panics(text in "\\PC{0,64}") {
        let _ = parse(&text);
    }

    #[test]
    fn nearest_never_panics(value in json_value(), pointer in "(/[a-z0-9~]{0,3}){0,4}") {
        let text = serde_json::to_string(&value).unwrap();
        let parsed = parse(&text).unwrap();
        if let Some((located, _)) = parsed.index.nearest(&text, &pointer) {
            prop_assert!(located.value.1 <= text.len());
        }
    }
}

/// Found by fuzzing: a member shadowed by a later duplicate (`saml` twice)
/// has no pointer of its own; its pointer resolves to the later member, as
/// in the parsed value, and pointers into the earlier one find nothing.
#[test]
fn shadowed_duplicate_members_resolve_to_the_last() {
    let text = r#"{"configuration": {"saml": {"x509Certificate": "MIIB"}, "saml": {"metadataDescriptor": "https://idp"}}}"#;
    let parsed = parse(text).unwrap();
    assert_eq!(parsed.duplicates.len(), 1);
    check(text).unwrap();
    let located = parsed.index.locate(text, "/configuration/saml").unwrap();
    assert_eq!(
        &text[located.value.0..located.value.1],
        r#"{"metadataDescriptor": "https://idp"}"#
    );
    assert!(parsed
        .index
        .locate(text, "/configuration/saml/x509Certificate")
        .is_none());
    assert!(parsed
        .index
        .pointers(text)
        .contains(&"/configuration/saml/x509Certificate".to_string()));
}

/// Found by fuzzing: `-0` is the float -0.0, as serde_json reads it.
#[test]
fn negative_zero_is_read_as_serde_json_reads_it() {
    for text in ["-0", "[-0, 0, -0.0]", "{\"clockToleranceSec\": -0}"] {
        let ours = parse(text).unwrap().value;
        let theirs: Value = serde_json::from_str(text).unwrap();
        assert_eq!(ours, theirs, "{text}");
    }
}
