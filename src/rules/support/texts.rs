//! The strings of a document that stand for a field, collected once for the
//! rules that read every string (IDP009, IDP010, IDP011).

use std::borrow::Cow;

use super::read_only::decrypting_key_read_only_pointers;
use super::{is_within, patch_field, Context};
use crate::kind::Kind;

/// A string of the document that stands for a field.
pub(crate) struct Text<'t, 'a> {
    /// Pointer to the string in this document.
    pub pointer: &'t str,
    /// For a value inside a Qlik patch operation whose `path` is a pointer,
    /// that path and the rest of `pointer` after `/N/value` (see
    /// [`patch_field`]): the field is the two joined.
    pub patch_field: Option<(&'a str, &'t str)>,
    pub value: &'a str,
}

impl Text<'_, '_> {
    /// The create-body pointer of the field the string stands for.
    pub fn field(&self) -> Cow<'_, str> {
        match self.patch_field {
            Some((path, rest)) => Cow::Owned(format!("{path}{rest}")),
            None => Cow::Borrowed(self.pointer),
        }
    }
}

/// The field strings of a document. Their pointers share one buffer: a
/// large patch has a string in each of its operations.
pub(crate) struct Texts<'a> {
    /// The Qlik patch the strings are in, if they are.
    patch: Option<&'a serde_json::Value>,
    pointers: String,
    entries: Vec<Entry<'a>>,
}

struct Entry<'a> {
    /// Where the pointer ends in the shared buffer (it starts where the
    /// previous one ends).
    pointer_end: usize,
    value: &'a str,
}

impl<'a> Texts<'a> {
    pub fn iter(&self) -> impl Iterator<Item = Text<'_, 'a>> {
        let mut start = 0;
        self.entries.iter().map(move |e| {
            let pointer = &self.pointers[start..e.pointer_end];
            start = e.pointer_end;
            Text {
                pointer,
                patch_field: self
                    .patch
                    .and_then(|root| patch_field(root, pointer).flatten()),
                value: e.value,
            }
        })
    }
}

/// Every string value that stands for a field: for a Qlik patch, those inside
/// operation values. Members that must not be sent at all (read-only ones)
/// are left out: their rules say to remove them, not to fill them in; so is
/// an IONOS block of the protocol the body does not use.
pub(crate) fn texts<'a>(cx: &Context<'a>) -> Texts<'a> {
    let key_members = decrypting_key_read_only_pointers(cx);
    let excluded = cx
        .read_only_pointers()
        .iter()
        .chain(&key_members)
        .chain(cx.unused_ionos_block());
    let patch = (cx.kind == Kind::QlikPatch).then_some(cx.root);
    let mut texts = Texts {
        patch,
        // Room for a usual payload's strings, so that they rarely grow.
        pointers: String::with_capacity(512),
        entries: Vec::with_capacity(32),
    };
    cx.walk_strings(&mut |pointer, _, value| {
        if excluded.clone().any(|e| is_within(pointer, e))
            || patch.is_some_and(|root| patch_field(root, pointer).is_none())
        {
            return;
        }
        texts.pointers.push_str(pointer);
        texts.entries.push(Entry {
            pointer_end: texts.pointers.len(),
            value,
        });
    });
    texts
}
