//! Checks that compare the files of one run: a stage of its own, after every
//! file is linted. Its input is small — each file's path and the IONOS names
//! its bodies give — and it returns findings for the engine to place
//! (`Linter::check_across_files`).

use std::sync::Arc;

use crate::diagnostic::{Anchor, Finding, RequestRef, Severity, Span};
use crate::rules::ionos_fields::IonosNameInvalid;
use crate::source::Position;

/// Where an IONOS body names its identity provider: what the checks across
/// the files of a run need to know of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IonosName {
    /// `properties.name`, trimmed.
    pub name: String,
    /// The `id` of a PUT body, lower-cased: PUTs to one id are one resource.
    pub id: Option<String>,
    /// The span of the `name` value.
    pub span: Span,
    /// The line and column where the span starts.
    pub start: Position,
    /// The line and column where the span ends.
    pub end: Position,
    /// The request the body belongs to, in a container.
    pub request: Option<Arc<RequestRef>>,
}

/// One file of a run, as the checks across files see it: its name and the
/// IONOS names its bodies give.
#[derive(Debug, Clone, Copy)]
pub struct NamedFile<'a> {
    pub path: &'a str,
    pub names: &'a [IonosName],
}

/// How many other files a message names before it says "and N more".
const NAMED: usize = 3;

/// IDP208: IONOS identity providers of different files with the same name
/// (PUT bodies with the same `id` are one resource and do not count). One
/// finding per file, with the index of its report.
pub fn duplicate_ionos_names(files: &[NamedFile<'_>]) -> Vec<(usize, usize, Finding)> {
    // (name, file, site in the file)
    let mut named: Vec<(&str, usize, usize)> = files
        .iter()
        .enumerate()
        .flat_map(|(i, file)| {
            file.names
                .iter()
                .enumerate()
                .map(move |(j, site)| (site.name.as_str(), i, j))
        })
        .collect();
    named.sort_unstable();
    let id_of = |i: usize, j: usize| files[i].names[j].id.as_deref();
    let mut out = Vec::new();
    for holders in named.chunk_by(|a, b| a.0 == b.0).filter(|h| h.len() > 1) {
        let name = holders[0].0;
        for &(_, i, j) in holders {
            let id = id_of(i, j);
            let mut others: Vec<String> = holders
                .iter()
                .filter(|&&(_, k, l)| (k, l) != (i, j))
                .filter(|&&(_, k, l)| id.is_none() || id_of(k, l) != id)
                .map(|&(_, k, l)| match &files[k].names[l].request {
                    Some(_) if k == i => {
                        format!("`{}` line {}", files[k].path, files[k].names[l].start.line)
                    }
                    _ => format!("`{}`", files[k].path),
                })
                .collect();
            others.dedup();
            if others.is_empty() {
                continue;
            }
            let mut listed = others
                .iter()
                .take(NAMED)
                .cloned()
                .collect::<Vec<_>>()
                .join(", ");
            if others.len() > NAMED {
                listed.push_str(&format!(" and {} more", others.len() - NAMED));
            }
            out.push((
                i,
                j,
                Finding::new(
                    IonosNameInvalid::META,
                    format!(
                        "`name` `{name}` is also the name of the identity provider in {listed}"
                    ),
                    Anchor::value("/properties/name"),
                )
                .severity(Severity::Warning)
                .label("name used twice")
                .help("give each identity provider its own name: the name identifies it"),
            ));
        }
    }
    out
}
