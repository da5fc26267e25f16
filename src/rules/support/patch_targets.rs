//! The operations of a Qlik patch, grouped so that a field query looks only
//! at those that can hold the field: how [`Context::fields`](super::Context::fields)
//! finds a create-body field inside patch values.

use std::borrow::Cow;
use std::collections::HashMap;

use serde_json::Value;

use crate::source::{tokens, unescape_token, Members};

/// A Qlik patch operation that has a `path` and a `value`, as a field query
/// sees it.
pub(crate) struct PatchTarget<'a> {
    pub index: usize,
    /// The path's reference tokens, still escaped, after the leading `/`;
    /// `None` for a path that is no pointer (it has no tokens).
    pub tokens: Option<&'a str>,
    pub value: &'a Value,
}

impl<'a> PatchTarget<'a> {
    pub fn of(ops: &'a [Value], index: usize) -> Option<Self> {
        let op = ops.get(index)?.as_object()?;
        let path = op.member("path")?.as_str()?;
        let value = op.member("value")?;
        Some(Self {
            index,
            tokens: path.strip_prefix('/'),
            value,
        })
    }

    /// How many of `pattern`'s tokens the path covers, when the path is
    /// `pattern` or an ancestor of it (a `*` token matches any).
    pub fn covers(&self, pattern: &[&str]) -> Option<usize> {
        let Some(path) = self.tokens else {
            return Some(0);
        };
        let mut covered = 0;
        for token in tokens(path) {
            let wanted = pattern.get(covered)?;
            if *wanted != "*" && unescape_token(token) != unescape_token(wanted) {
                return None;
            }
            covered += 1;
        }
        Some(covered)
    }
}

/// The operations of a Qlik patch that have a `path` and a `value`, by
/// position, grouped by the first token of their path so that a field query
/// looks only at the operations that can hold the field. A large patch has
/// millions of operations: positions are all that is kept of them.
#[derive(Default)]
pub(crate) struct PatchTargets<'a> {
    ops: &'a [Value],
    /// The targets whose path starts with each token. Asked for every field
    /// query of a patch: a fast hash rather than SipHash.
    by_first_token: HashMap<Cow<'a, str>, Vec<u32>, foldhash::fast::RandomState>,
    /// The targets whose path has no token: they hold every field.
    whole: Vec<u32>,
}

impl<'a> PatchTargets<'a> {
    pub fn new(ops: &'a [Value]) -> Self {
        let mut targets = Self {
            ops,
            ..Self::default()
        };
        for index in 0..ops.len() {
            let Some(target) = PatchTarget::of(ops, index) else {
                continue;
            };
            match target.tokens.and_then(|path| tokens(path).next()) {
                Some(first) => targets
                    .by_first_token
                    .entry(unescape_token(first))
                    .or_default()
                    .push(index as u32),
                None => targets.whole.push(index as u32),
            }
        }
        targets
    }

    /// The targets that may hold a field whose pattern starts with the
    /// reference token `first` (every target for none), in document order.
    pub fn candidates<'t>(
        &'t self,
        first: Option<&str>,
    ) -> impl Iterator<Item = PatchTarget<'a>> + use<'t, 'a> {
        let first = first.filter(|&first| first != "*");
        let (every, whole, named): (usize, &'t [u32], &'t [u32]) = match first {
            None => (self.ops.len(), &[], &[]),
            Some(first) => (
                0,
                &self.whole,
                self.by_first_token
                    .get(unescape_token(first).as_ref())
                    .map(Vec::as_slice)
                    .unwrap_or_default(),
            ),
        };
        let ops = self.ops;
        (0..every)
            .chain(merged(whole, named).map(|index| index as usize))
            .filter_map(move |index| PatchTarget::of(ops, index))
    }
}

/// The union of two ascending lists, ascending.
fn merged<'s>(mut a: &'s [u32], mut b: &'s [u32]) -> impl Iterator<Item = u32> + 's {
    std::iter::from_fn(move || {
        let take_a = match (a.first(), b.first()) {
            (Some(x), Some(y)) => x < y,
            (Some(_), None) => true,
            (None, Some(_)) => false,
            (None, None) => return None,
        };
        let list = if take_a { &mut a } else { &mut b };
        let (&next, rest) = list.split_first()?;
        *list = rest;
        Some(next)
    })
}
