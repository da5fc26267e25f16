//! The human output of one linted source, of any format and with lines of
//! any length: drawing must never panic, no control character of the input
//! may reach the output, and no output line may be a CI runner's workflow
//! command.
#![no_main]

use idplint::{render, Format, Linter, Report, SourceOptions};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static LINTER: LazyLock<Linter> = LazyLock::new(Linter::default);

fuzz_target!(|data: &[u8]| {
    let names = ["fuzz.json", "fuzz.md", "fuzz.sh", "fuzz.ps1", "fuzz.http", "fuzz.postman_collection.json"];
    let name = names[data.first().map_or(0, |b| *b as usize % names.len())];
    let data = data.get(1..).unwrap_or_default();
    let report = Report {
        files: vec![LINTER.lint_bytes(name, data, &SourceOptions::default())],
    };
    let out = render(&report, Format::Human);
    // A CRLF file's excerpt keeps its line endings.
    let mut chars = out.chars().peekable();
    while let Some(c) = chars.next() {
        let line_end = c == '\n' || (c == '\r' && chars.peek() == Some(&'\n'));
        assert!(!c.is_control() || line_end, "a control character in the output: {c:?}");
    }
    for line in out.lines() {
        assert!(!line.trim_start().starts_with("::") && !line.contains("##["), "{line}");
    }
});
