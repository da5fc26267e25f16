//! Code actions: each finding's fix as a quick fix, and the document's safe
//! fixes all at once (`source.fixAll.idplint`).

use std::collections::HashMap;

use lsp_types::{
    CodeAction, CodeActionKind, CodeActionOrCommand, CodeActionParams, TextEdit, Uri, WorkspaceEdit,
};

use super::convert::{FixData, SOURCE};
use super::documents::Document;
use super::text::{Encoding, LineIndex};

/// The kind of the action that applies every safe fix of a document.
pub const FIX_ALL: &str = "source.fixAll.idplint";

/// True when the client asks for actions of `kind`: it asks for no kind in
/// particular, or for `kind` or a kind `kind` is under (`source.fixAll`).
pub fn wanted(params: &CodeActionParams, kind: &str) -> bool {
    params.context.only.as_ref().is_none_or(|only| {
        only.iter().any(|asked| {
            let asked = asked.as_str();
            kind == asked
                || kind
                    .strip_prefix(asked)
                    .is_some_and(|rest| rest.starts_with('.'))
        })
    })
}

/// A quick fix for each of the client's diagnostics that carries a fix
/// placed in the document's current version.
pub fn quick_fixes(params: &CodeActionParams, document: &Document) -> Vec<CodeActionOrCommand> {
    let mut actions = Vec::new();
    for diagnostic in &params.context.diagnostics {
        if diagnostic.source.as_deref() != Some(SOURCE) {
            continue;
        }
        let Some(fix) = diagnostic
            .data
            .clone()
            .and_then(|data| serde_json::from_value::<FixData>(data).ok())
        else {
            continue;
        };
        // Edits placed in another version would land on the wrong bytes.
        if fix.version != document.version {
            continue;
        }
        let code = match &diagnostic.code {
            Some(lsp_types::NumberOrString::String(code)) => code.as_str(),
            _ => "",
        };
        actions.push(CodeActionOrCommand::CodeAction(CodeAction {
            title: fix_title(&fix.title, code, fix.safe),
            kind: Some(CodeActionKind::QUICKFIX),
            diagnostics: Some(vec![diagnostic.clone()]),
            edit: Some(edit_of(&document.uri, fix.edits)),
            is_preferred: Some(fix.safe),
            ..CodeAction::default()
        }));
    }
    actions
}

/// `Remove the `<` and `>` (IDP502)`; an unsafe fix says so first.
fn fix_title(title: &str, code: &str, safe: bool) -> String {
    let mut chars = title.chars();
    let title: String = chars
        .next()
        .map(|first| first.to_uppercase().chain(chars).collect())
        .unwrap_or_default();
    if safe {
        format!("{title} ({code})")
    } else {
        format!("Unsafe fix, review it: {title} ({code})")
    }
}

/// The action that turns the document's text into `fixed`: one edit, over
/// the bytes between what the two texts start and end with alike.
pub fn fix_all(
    document: &Document,
    fixed: &str,
    applied: usize,
    encoding: Encoding,
) -> Option<CodeActionOrCommand> {
    let text = document.text.as_str();
    if fixed == text {
        return None;
    }
    let (start, end, replacement) = changed_part(text, fixed);
    let lines = LineIndex::new(text);
    let edit = TextEdit {
        range: lines.range(start, end - start, encoding),
        new_text: replacement.to_string(),
    };
    let findings = if applied == 1 { "finding" } else { "findings" };
    Some(CodeActionOrCommand::CodeAction(CodeAction {
        title: format!("Fix all safely fixable idplint findings ({applied} {findings})"),
        kind: Some(CodeActionKind::new(FIX_ALL)),
        edit: Some(edit_of(&document.uri, vec![edit])),
        ..CodeAction::default()
    }))
}

/// The bytes `start..end` of `before` that `after` has `replacement` for,
/// the rest alike; on character boundaries.
fn changed_part<'a>(before: &str, after: &'a str) -> (usize, usize, &'a str) {
    let mut start = before
        .bytes()
        .zip(after.bytes())
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(start) || !after.is_char_boundary(start) {
        start -= 1;
    }
    let room = before.len().min(after.len()) - start;
    let mut common_end = before
        .bytes()
        .rev()
        .zip(after.bytes().rev())
        .take(room)
        .take_while(|(a, b)| a == b)
        .count();
    while !before.is_char_boundary(before.len() - common_end)
        || !after.is_char_boundary(after.len() - common_end)
    {
        common_end -= 1;
    }
    (
        start,
        before.len() - common_end,
        &after[start..after.len() - common_end],
    )
}

fn edit_of(uri: &Uri, edits: Vec<TextEdit>) -> WorkspaceEdit {
    WorkspaceEdit {
        changes: Some(HashMap::from([(uri.clone(), edits)])),
        ..WorkspaceEdit::default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_changed_part_is_between_what_is_alike() {
        let before = "{\"enabled\": \"true\", \"type\": \"OIDC\"}";
        let after = "{\"enabled\": true, \"type\": \"oidc\"}";
        let (start, end, replacement) = changed_part(before, after);
        let rebuilt = format!("{}{replacement}{}", &before[..start], &before[end..]);
        assert_eq!(rebuilt, after);
        assert_eq!(&before[start..end], "\"true\", \"type\": \"OIDC");

        // A shared prefix and suffix that overlap in the shorter text.
        let (start, end, replacement) = changed_part("aaa", "aaaa");
        assert_eq!((start, end, replacement), (3, 3, "a"));
        // Characters that share their first bytes are not cut.
        let (start, end, replacement) = changed_part("\"é\"", "\"è\"");
        assert_eq!((start, end, replacement), (1, 3, "è"));
    }

    #[test]
    fn titles_capitalise_and_mark_unsafe_fixes() {
        assert_eq!(
            fix_title("remove the `<` and `>`", "IDP502", true),
            "Remove the `<` and `>` (IDP502)"
        );
        assert_eq!(
            fix_title("rename to `discoveryUrl`", "IDP006", false),
            "Unsafe fix, review it: Rename to `discoveryUrl` (IDP006)"
        );
    }
}
