//! The whole lint of one source, with every kind: must never panic, and
//! every span must lie inside the input on character boundaries.
#![no_main]

use idplint::{Kind, Linter, SourceOptions};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static LINTER: LazyLock<Linter> = LazyLock::new(Linter::default);

fuzz_target!(|data: &[u8]| {
    let kinds = [None, Some(Kind::QlikCreate), Some(Kind::QlikPatch), Some(Kind::IonosCreate), Some(Kind::IonosEnsure)];
    let kind = kinds[data.first().map_or(0, |b| *b as usize % kinds.len())];
    let options = SourceOptions { kind, ..SourceOptions::default() };
    let report = LINTER.lint_bytes("fuzz.json", data, &options);
    for d in &report.diagnostics {
        let end = d.span.offset + d.span.length;
        assert!(end <= data.len(), "span past the end");
        if let Ok(text) = std::str::from_utf8(data) {
            assert!(text.is_char_boundary(d.span.offset) && text.is_char_boundary(end));
        }
    }
});
