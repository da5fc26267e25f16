//! The lint of one source read as each container format (Markdown, POSIX
//! shell, PowerShell, cmd, an `.http` file, a Postman collection): must
//! never panic, and every span (and related label) must lie inside the
//! input on character boundaries, however the body was quoted.
#![no_main]

use idplint::{Container as Format, Dialect, Linter, SourceOptions};
use libfuzzer_sys::fuzz_target;
use std::sync::LazyLock;

static LINTER: LazyLock<Linter> = LazyLock::new(Linter::default);

fuzz_target!(|data: &[u8]| {
    let formats = [
        Format::Markdown,
        Format::Shell(Dialect::Posix),
        Format::Shell(Dialect::PowerShell),
        Format::Shell(Dialect::Cmd),
        Format::Http,
        Format::Postman,
    ];
    let format = formats[data.first().map_or(0, |b| *b as usize % formats.len())];
    let data = data.get(1..).unwrap_or_default();
    let options = SourceOptions { container: Some(format), ..SourceOptions::default() };
    let report = LINTER.lint_bytes("fuzz", data, &options);
    let text = std::str::from_utf8(data).ok();
    for d in &report.diagnostics {
        let spans = std::iter::once(d.span).chain(d.related.iter().map(|l| l.span));
        for span in spans {
            let end = span.offset + span.length;
            assert!(end <= data.len(), "span past the end");
            if let Some(text) = text {
                assert!(text.is_char_boundary(span.offset) && text.is_char_boundary(end));
            }
        }
    }
});
