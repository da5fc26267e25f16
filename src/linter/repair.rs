//! Placing a rule's repair: the pointers of a [`ProposedFix`] become byte
//! edits of the file, where the file holds the body's bytes as they are.

use crate::diagnostic::{Edit, Fix, ProposedFix, Repair, Span};
use crate::source::{Located, SpanIndex};

use super::place::Place;

/// The fix of a finding in its file, or `None` when a repair's pointer is
/// not in the body, two repairs overlap, or the body's bytes are not the
/// file's (a container that quotes or escapes them: the fix is then offered
/// in words by the finding's help, not as edits).
pub(super) fn placed_fix(
    proposed: &ProposedFix,
    json: &str,
    index: &SpanIndex,
    place: Place<'_>,
    file: &str,
) -> Option<Fix> {
    let mut edits = Vec::with_capacity(proposed.repairs.len());
    for repair in &proposed.repairs {
        if let Repair::Surround {
            pointer,
            before,
            after,
        } = repair
        {
            let (start, end) = index.locate(json, pointer)?.value;
            edits.push(file_edit(start..start, before.clone(), json, place, file)?);
            edits.push(file_edit(end..end, after.clone(), json, place, file)?);
            continue;
        }
        let (range, replacement) = body_edit(repair, json, index)?;
        edits.push(file_edit(range, replacement, json, place, file)?);
    }
    edits.sort_by_key(|e| e.span.offset);
    // Removals that meet (the last two members of an object, each with its
    // comma) are one removal.
    let mut merged: Vec<Edit> = Vec::with_capacity(edits.len());
    for edit in edits {
        match merged.last_mut() {
            Some(last)
                if last.replacement.is_empty()
                    && edit.replacement.is_empty()
                    && edit.span.offset <= last.span.offset + last.span.length =>
            {
                let end =
                    (last.span.offset + last.span.length).max(edit.span.offset + edit.span.length);
                last.span.length = end - last.span.offset;
            }
            _ => merged.push(edit),
        }
    }
    // A removal that now ends the object must not leave the comma before it.
    for edit in merged.iter_mut().filter(|e| e.replacement.is_empty()) {
        let bytes = file.as_bytes();
        let end = edit.span.offset + edit.span.length;
        let next = bytes[end.min(bytes.len())..]
            .iter()
            .find(|b| !b.is_ascii_whitespace());
        if matches!(next, Some(b'}' | b']')) {
            let before = bytes[..edit.span.offset]
                .iter()
                .rposition(|b| !b.is_ascii_whitespace());
            if let Some(comma) = before.filter(|&i| bytes[i] == b',') {
                edit.span.length += edit.span.offset - comma;
                edit.span.offset = comma;
            }
        }
    }
    let edits = merged;
    let overlapping = edits
        .windows(2)
        .any(|w| w[0].span.offset + w[0].span.length > w[1].span.offset);
    (!overlapping && !edits.is_empty()).then(|| Fix {
        applicability: proposed.applicability,
        title: proposed.title.clone(),
        edits,
    })
}

/// The fix of a syntax error that is a PEM pasted over several lines (a raw
/// line break inside its string, which JSON forbids): the PEM on one line,
/// as Qlik asks for it. Not offered for a private key, whose text no report
/// may carry.
pub(super) fn pem_line_breaks_fix(
    json: &str,
    error_offset: usize,
    place: Place<'_>,
    file: &str,
) -> Option<Fix> {
    if !matches!(json.as_bytes().get(error_offset), Some(b'\n' | b'\r')) {
        return None;
    }
    let open = json.get(..error_offset)?.rfind('"')?;
    let close = error_offset + json.get(error_offset..)?.find('"')?;
    let content = &json[open + 1..close];
    let label = content.strip_prefix("-----BEGIN ")?;
    let label = &label[..label.find("-----")?];
    let pem_characters = content
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b"+/=- \t\r\n".contains(&b));
    if !pem_characters || label.to_ascii_uppercase().contains("PRIVATE") {
        return None;
    }
    let one_line: String = content.lines().map(str::trim).collect();
    if !one_line.ends_with("-----") {
        return None;
    }
    let edit = file_edit(open + 1..close, one_line, json, place, file)?;
    Some(Fix {
        applicability: crate::diagnostic::Applicability::Safe,
        title: "put the PEM on one line".to_string(),
        edits: vec![edit],
    })
}

/// The body's byte range a repair replaces, and with what.
fn body_edit(
    repair: &Repair,
    json: &str,
    index: &SpanIndex,
) -> Option<(std::ops::Range<usize>, String)> {
    match repair {
        Repair::Value { pointer, json: new } => {
            let Located { value, .. } = index.locate(json, pointer)?;
            Some((value.0..value.1, new.clone()))
        }
        Repair::Rename { pointer, name } => {
            let (start, end) = index.locate(json, pointer)?.key?;
            Some((
                start..end,
                serde_json::Value::from(name.as_str()).to_string(),
            ))
        }
        Repair::Remove { pointer } => {
            let located = index.locate(json, pointer)?;
            let (key_start, _) = located.key?;
            Some((
                member_with_comma(json, key_start, located.value.1),
                String::new(),
            ))
        }
        Repair::Surround { .. } => None,
    }
}

/// The bytes a member takes with the comma that separates it: up to the
/// next member when one follows, else from the comma before it. The
/// layout of the members around it is kept.
fn member_with_comma(json: &str, key_start: usize, value_end: usize) -> std::ops::Range<usize> {
    let bytes = json.as_bytes();
    let after = value_end
        + bytes[value_end..]
            .iter()
            .take_while(|b| b.is_ascii_whitespace())
            .count();
    if bytes.get(after) == Some(&b',') {
        let next = after
            + 1
            + bytes[after + 1..]
                .iter()
                .take_while(|b| b.is_ascii_whitespace())
                .count();
        return key_start..next;
    }
    let before = bytes[..key_start]
        .iter()
        .rev()
        .take_while(|b| b.is_ascii_whitespace())
        .count();
    match key_start.checked_sub(before + 1) {
        Some(comma) if bytes[comma] == b',' => comma..value_end,
        _ => key_start..value_end,
    }
}

/// The body's edit as an edit of the file. In a plain JSON file the bytes
/// are the body's. In a container, the new text is written the way the file
/// writes the replaced bytes: as they are (a single-quoted curl body, a
/// Markdown fence), escaped for a double-quoted shell string, or escaped as
/// in a JSON string (a Postman `raw` body). When the replaced bytes do not
/// tell which, or the ways disagree on the new text, no edit is made.
fn file_edit(
    range: std::ops::Range<usize>,
    replacement: String,
    json: &str,
    place: Place<'_>,
    file: &str,
) -> Option<Edit> {
    let span = place.span(Span {
        offset: range.start,
        length: range.len(),
    });
    let original = json.get(range)?;
    let written = file.get(span.offset..span.offset + span.length)?;
    if matches!(place, Place::Offset(_)) {
        return (written == original).then_some(Edit { span, replacement });
    }
    // Written as it is, a character that quoting may treat specially is
    // kept only where the replaced bytes hold it too (a `"` in a
    // single-quoted shell string, but no `'` there).
    let as_is = |text: &str| {
        let special = |b: &u8| matches!(b, b'\'' | b'"' | b'\\' | b'$' | b'`' | b'\n' | b'\r');
        let quotable = text
            .as_bytes()
            .iter()
            .filter(|b| special(b))
            .all(|b| original.as_bytes().contains(b));
        quotable.then(|| text.to_string())
    };
    let writers: [&Writer<'_>; 3] = [&as_is, &shell_double_quoted, &json_string];
    let mut candidates = writers
        .into_iter()
        .filter(|write| write(original).as_deref() == Some(written))
        .map(|write| write(&replacement));
    let first = candidates.next()??;
    candidates
        .all(|other| other.as_deref() == Some(first.as_str()))
        .then_some(Edit {
            span,
            replacement: first,
        })
}

/// How a container writes a text: `None` when it cannot.
type Writer<'a> = dyn Fn(&str) -> Option<String> + 'a;

/// `text` inside a double-quoted shell string.
fn shell_double_quoted(text: &str) -> Option<String> {
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        if matches!(c, '\\' | '"' | '$' | '`') {
            out.push('\\');
        }
        if c == '\n' || c == '\r' {
            return None;
        }
        out.push(c);
    }
    Some(out)
}

/// `text` inside a JSON string (a Postman collection's `raw` body).
fn json_string(text: &str) -> Option<String> {
    let quoted = serde_json::Value::from(text).to_string();
    Some(quoted[1..quoted.len() - 1].to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removed(json: &str, key: &str) -> String {
        let key_start = json.find(&format!("\"{key}\"")).unwrap();
        let value_end = json[key_start..].find([',', '}']).unwrap() + key_start;
        let value_end = json[..value_end].trim_end().len();
        let range = member_with_comma(json, key_start, value_end);
        format!("{}{}", &json[..range.start], &json[range.end..])
    }

    #[test]
    fn a_removed_member_takes_its_comma_and_leaves_the_layout() {
        let pretty = "{\n  \"id\": \"x\",\n  \"name\": \"a\",\n  \"last\": 1\n}";
        assert_eq!(
            removed(pretty, "id"),
            "{\n  \"name\": \"a\",\n  \"last\": 1\n}"
        );
        assert_eq!(
            removed(pretty, "name"),
            "{\n  \"id\": \"x\",\n  \"last\": 1\n}"
        );
        assert_eq!(
            removed(pretty, "last"),
            "{\n  \"id\": \"x\",\n  \"name\": \"a\"\n}"
        );
        assert_eq!(removed("{\"only\": 1}", "only"), "{}");
        assert_eq!(removed("{\"a\": 1, \"b\": 2}", "b"), "{\"a\": 1}");
    }
}
