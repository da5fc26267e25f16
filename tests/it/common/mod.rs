//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::Path;

use assert_cmd::Command;
use idplint::{Diagnostic, FileReport};

/// How a run of the `idplint` binary ended.
pub struct Run {
    pub code: i32,
    pub stdout: String,
    pub stderr: String,
}

/// Runs the `idplint` binary in `cwd` with `args`, without colour.
pub fn idplint(cwd: &Path, args: &[&str]) -> Run {
    let output = Command::cargo_bin("idplint")
        .expect("the binary")
        .current_dir(cwd)
        .env("NO_COLOR", "1")
        .args(args)
        .output()
        .expect("idplint runs");
    Run {
        code: output.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
    }
}

/// Checks that a diagnostic's span, start and end agree with the file's
/// bytes; returns what disagrees.
pub fn span_problems(bytes: &[u8], report: &FileReport) -> Vec<String> {
    let mut problems = Vec::new();
    let text = String::from_utf8_lossy(bytes);
    for d in &report.diagnostics {
        let end = d.span.offset + d.span.length;
        if end > bytes.len() {
            problems.push(format!(
                "{} {}: span {:?} past the end ({})",
                report.path,
                d.code,
                d.span,
                bytes.len()
            ));
            continue;
        }
        let Ok(text) = std::str::from_utf8(bytes) else {
            continue; // invalid UTF-8: only the IDP001 span exists, checked above
        };
        if !text.is_char_boundary(d.span.offset) || !text.is_char_boundary(end) {
            problems.push(format!(
                "{} {}: span {:?} not on character boundaries",
                report.path, d.code, d.span
            ));
            continue;
        }
        let (start, stop) = (position(text, d.span.offset), position(text, end));
        if (d.start.line, d.start.column) != start || (d.end.line, d.end.column) != stop {
            problems.push(format!(
                "{} {}: start/end {:?}/{:?} but the bytes say {:?}/{:?}",
                report.path, d.code, d.start, d.end, start, stop
            ));
        }
        for l in &d.related {
            let end = l.span.offset + l.span.length;
            if end > text.len()
                || !text.is_char_boundary(l.span.offset)
                || !text.is_char_boundary(end)
            {
                problems.push(format!(
                    "{} {}: related span {:?} is not in the text",
                    report.path, d.code, l.span
                ));
                continue;
            }
            let (start, stop) = (position(text, l.span.offset), position(text, end));
            if (l.start.line, l.start.column) != start || (l.end.line, l.end.column) != stop {
                problems.push(format!(
                    "{} {}: related start/end {:?}/{:?} but the bytes say {:?}/{:?}",
                    report.path, d.code, l.start, l.end, start, stop
                ));
            }
        }
    }
    let _ = text;
    problems
}

/// Line and column (1-based, characters) of a byte offset, counted plainly.
fn position(text: &str, offset: usize) -> (usize, usize) {
    let before = &text[..offset];
    let line = before.matches('\n').count() + 1;
    let line_start = before.rfind('\n').map_or(0, |i| i + 1);
    let mut column = before[line_start..].chars().count() + 1;
    if line == 1 && text.starts_with('\u{feff}') {
        column -= 1;
    }
    (line, column)
}

/// For a finding on a value, the span's bytes are that value's JSON text.
pub fn value_span_problems(bytes: &[u8], d: &Diagnostic) -> Option<String> {
    let text = std::str::from_utf8(bytes).ok()?;
    let json = text.trim_start_matches('\u{feff}');
    let doc: serde_json::Value = serde_json::from_str(json).ok()?;
    let expected = doc.pointer(&d.pointer)?;
    let slice = &text[d.span.offset..d.span.offset + d.span.length];
    match serde_json::from_str::<serde_json::Value>(slice) {
        Ok(v) if &v == expected => None,
        // The span is on the member name (unknown or read-only member), or on a part of the value.
        _ if slice.starts_with('"') && slice.ends_with('"') && slice.len() >= 2 => None,
        _ if d.span.length <= 1 => None,
        Ok(_) | Err(_) => Some(format!(
            "{} at {}: span text {:?} is not the value",
            d.code, d.pointer, slice
        )),
    }
}
