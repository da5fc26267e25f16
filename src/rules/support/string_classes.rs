//! What the placeholder and template checks make of each string of a
//! document, worked out once per string.
//!
//! A string is read by IDP009, IDP010 and IDP011 and by the format check of
//! its field, and each asks whether it is a template variable or a
//! documentation placeholder. The answer depends on the text alone, so it is
//! kept, by the string's address, for the document's lifetime: a string
//! borrowed for that long cannot be freed or changed, so an address stands
//! for one text.

use std::cell::RefCell;
use std::marker::PhantomData;
use std::ops::Range;

use crate::facts::{Placeholder, Placeholders};

/// The most strings remembered, looked up one by one: a payload has a few
/// dozen; a large patch has one in each operation.
const MAX_REMEMBERED: usize = 64;

/// The classes of the strings of a document that lives for `'a`.
#[derive(Default)]
pub(crate) struct StringClasses<'a> {
    /// By the string's address and length.
    seen: RefCell<Vec<((usize, usize), Class)>>,
    /// Only strings borrowed for the document's lifetime are asked about.
    document: PhantomData<&'a str>,
}

#[derive(Default, Clone, Copy)]
struct Class {
    template: Option<bool>,
    /// The placeholder's kind and the part of the string that says so.
    placeholder: Option<Option<(Placeholder, (usize, usize))>>,
}

fn key(text: &str) -> (usize, usize) {
    (text.as_ptr() as usize, text.len())
}

impl<'a> StringClasses<'a> {
    /// [`Placeholders::is_template`] of `text`.
    pub fn is_template(&self, placeholders: &Placeholders, text: &'a str) -> bool {
        self.with(text, |class| {
            *class
                .template
                .get_or_insert_with(|| placeholders.is_template(text))
        })
    }

    /// [`Placeholders::find`] of `text`.
    pub fn placeholder(
        &self,
        placeholders: &Placeholders,
        text: &'a str,
    ) -> Option<(Placeholder, &'a str)> {
        let found = self.with(text, |class| {
            *class.placeholder.get_or_insert_with(|| {
                placeholders
                    .find(text)
                    .map(|(kind, part)| (kind, offsets(text, part)))
            })
        });
        found.map(|(kind, (start, end))| (kind, &text[start..end]))
    }

    fn with<R>(&self, text: &str, answer: impl FnOnce(&mut Class) -> R) -> R {
        let key = key(text);
        let mut seen = self.seen.borrow_mut();
        if let Some((_, class)) = seen.iter_mut().find(|(k, _)| *k == key) {
            return answer(class);
        }
        if seen.len() == MAX_REMEMBERED {
            return answer(&mut Class::default());
        }
        if seen.capacity() == 0 {
            seen.reserve_exact(32);
        }
        seen.push((key, Class::default()));
        answer(&mut seen.last_mut().expect("just pushed").1)
    }
}

/// Where `part`, a slice of `text`, sits in it.
fn offsets(text: &str, part: &str) -> (usize, usize) {
    let Range { start, end } = text.as_bytes().as_ptr_range();
    let part_range = part.as_bytes().as_ptr_range();
    debug_assert!(start <= part_range.start && part_range.end <= end);
    let from = part_range.start as usize - start as usize;
    (from, from + part.len())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::facts::facts;

    #[test]
    fn remembered_answers_are_the_placeholders_answers() {
        let placeholders = &facts().placeholders;
        let texts = [
            "${OKTA_CLIENT_SECRET}",
            "https://<your-okta-domain>/oauth2/default",
            "  <client-id>  ",
            "MIICyzCCAbSgAwIBAgIJAMyYqQJkmRIOMA0GCSqGSIb3DQEB...",
            "https://acme-corp.okta.com/oauth2/default",
            "string",
        ];
        let classes = StringClasses::default();
        // Twice each: the second answer comes from what was remembered.
        for _ in 0..2 {
            for text in texts {
                assert_eq!(
                    classes.is_template(placeholders, text),
                    placeholders.is_template(text),
                    "{text}"
                );
                assert_eq!(
                    classes.placeholder(placeholders, text),
                    placeholders.find(text),
                    "{text}"
                );
            }
        }
        assert_eq!(classes.seen.borrow().len(), texts.len());
    }

    #[test]
    fn strings_past_the_limit_are_answered_without_being_remembered() {
        let placeholders = &facts().placeholders;
        let texts: Vec<String> = (0..MAX_REMEMBERED + 8)
            .map(|i| {
                if i % 2 == 0 {
                    format!("<value-{i}>")
                } else {
                    format!("acme-{i}")
                }
            })
            .collect();
        let classes = StringClasses::default();
        for text in &texts {
            assert_eq!(
                classes.placeholder(placeholders, text),
                placeholders.find(text),
                "{text}"
            );
        }
        assert_eq!(classes.seen.borrow().len(), MAX_REMEMBERED);
    }
}
