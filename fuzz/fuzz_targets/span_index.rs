//! The parser and pointer index: never panic; whatever serde_json accepts we
//! accept with the same value, and every pointer's span parses back to it.
#![no_main]

use idplint::fuzzing_parse as parse;
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let ours = parse(text);
    let theirs: Result<serde_json::Value, _> = serde_json::from_str(text);
    if let (Ok(ours), Ok(theirs)) = (&ours, &theirs) {
        // serde_json keeps the last of duplicate keys, as we do.
        assert_eq!(&ours.value, theirs);
        for pointer in ours.index.pointers(text) {
            // A member shadowed by a later duplicate has no pointer of its own:
            // its pointer names the later member, as in the parsed value.
            let Some(located) = ours.index.locate(text, &pointer) else {
                assert!(!ours.duplicates.is_empty(), "pointer {pointer} does not resolve");
                continue;
            };
            let slice = &text[located.value.0..located.value.1];
            let value: serde_json::Value = serde_json::from_str(slice).expect("span is JSON");
            if ours.duplicates.is_empty() {
                assert_eq!(Some(&value), theirs.pointer(&pointer));
            }
        }
    }
    if theirs.is_ok() && ours.is_err() {
        // Only our depth limit and out-of-range numbers may refuse what serde_json takes.
        let e = ours.unwrap_err();
        assert!(e.message.contains("nesting") || e.message.contains("out of range"), "{e:?}");
    }
});
