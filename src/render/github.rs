//! `--format github`: GitHub Actions workflow commands, one per finding,
//! which the runner turns into annotations on the files of a pull request.
//!
//! ```text
//! ::error file=idp/a.json,line=3,col=15,endLine=3,endColumn=22,title=IDP001 invalid-json::idp/a.json:3:15: IDP001 …
//! ```
//!
//! Errors are `::error`, warnings `::warning`, infos `::notice`. `col` and
//! `endColumn` (1-based characters; the end is the column after the span)
//! are given only for a span on one line: the runner rejects them otherwise.
//! The message repeats `path:line:col: CODE` so that the raw log reads on its
//! own, and carries the finding's help on a second line. A file that cannot
//! be read is an `::error file=…::` without a line. Skipped files give no
//! command. The last line is the summary, as plain log text.

use super::{ci_path, CiOptions, Ending, Report};
use crate::diagnostic::Severity;

/// The report as workflow commands, one per line, then the summary line of
/// `ending`.
pub fn render_github(report: &Report, options: &CiOptions, ending: &Ending) -> String {
    let mut out = String::new();
    for file in &report.files {
        let path = ci_path(&file.path, options).text();
        if let Some(error) = &file.error {
            out.push_str(&format!(
                "::error file={}::{}\n",
                escape_property(&path),
                escape_data(&format!("{path}: {error}"))
            ));
        }
        for d in &file.diagnostics {
            let command = match d.severity {
                Severity::Error => "error",
                Severity::Warning => "warning",
                Severity::Info => "notice",
            };
            let mut properties = vec![
                format!("file={}", escape_property(&path)),
                format!("line={}", d.start.line),
            ];
            let one_line = d.start.line == d.end.line;
            if one_line {
                properties.push(format!("col={}", d.start.column));
            }
            properties.push(format!("endLine={}", d.end.line));
            if one_line {
                properties.push(format!("endColumn={}", d.end.column));
            }
            properties.push(format!(
                "title={}",
                escape_property(&format!("{} {}", d.code, d.name))
            ));
            let mut message = format!(
                "{path}:{}:{}: {} {}",
                d.start.line, d.start.column, d.code, d.message
            );
            if let Some(help) = &d.help {
                message.push_str("\nhelp: ");
                message.push_str(help);
            }
            out.push_str(&format!(
                "::{command} {}::{}\n",
                properties.join(","),
                escape_data(&message)
            ));
        }
    }
    out.push_str("idplint ");
    out.push_str(&ending.line());
    out.push('\n');
    out
}

/// Escapes a command's message (actions/toolkit `escapeData`).
pub(crate) fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escapes a command's property value (actions/toolkit `escapeProperty`).
pub(crate) fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_is_escaped_like_the_toolkit() {
        assert_eq!(escape_data("100% done"), "100%25 done");
        assert_eq!(escape_data("a\r\nb"), "a%0D%0Ab");
        assert_eq!(escape_data("%0A"), "%250A");
        assert_eq!(escape_data("key: a, b"), "key: a, b");
        assert_eq!(escape_data("::error::x"), "::error::x");
    }

    #[test]
    fn properties_are_escaped_like_the_toolkit() {
        assert_eq!(escape_property("a:b,c"), "a%3Ab%2Cc");
        assert_eq!(escape_property("50%\nx"), "50%25%0Ax");
        assert_eq!(
            escape_property("C:\\idp\\a,b.json"),
            "C%3A\\idp\\a%2Cb.json"
        );
        assert_eq!(
            escape_property("IDP001 invalid-json"),
            "IDP001 invalid-json"
        );
    }
}
