//! `idplint schema KIND`: the editor schema of a payload kind.

use std::process::ExitCode;

use crate::schema::editor_schema;
use crate::Kind;

/// The values `KIND` takes: the kinds' names.
pub fn kind_names() -> clap::builder::PossibleValuesParser {
    clap::builder::PossibleValuesParser::new(Kind::ALL.map(Kind::name))
}

/// Prints the schema of the kind named `kind`, pretty, with a final newline.
pub fn print(kind: &str) -> ExitCode {
    let Some(kind) = Kind::from_name(kind) else {
        eprintln!("error: no payload kind `{kind}`");
        return ExitCode::from(2);
    };
    let mut text = serde_json::to_string_pretty(&editor_schema(kind)).unwrap_or_default();
    text.push('\n');
    super::emit(text.as_bytes()).unwrap_or_else(|code| code)
}
