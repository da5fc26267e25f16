//! The checks across the files of a run (IDP208), after every file is linted.

use std::borrow::BorrowMut;

use super::place::{placed_at, sort_diagnostics};
use super::{FileReport, Linter};
use crate::cross_file::NamedFile;

impl Linter {
    /// Runs the checks that compare the files of one run (IDP208: one IONOS
    /// name for two identity providers). Call it once, after linting every
    /// file; it adds findings to the files' reports, and returns the indices
    /// of the reports it added to.
    pub fn check_across_files<R: BorrowMut<FileReport>>(&self, files: &mut [R]) -> Vec<usize> {
        let named: Vec<NamedFile<'_>> = files
            .iter()
            .map(|f| {
                let f = f.borrow();
                NamedFile {
                    path: &f.path,
                    names: &f.ionos_names,
                }
            })
            .collect();
        let found = crate::cross_file::duplicate_ionos_names(&named);
        let mut changed = Vec::new();
        for (i, site, finding) in found {
            let file = files[i].borrow_mut();
            let Some(site) = file.ionos_names.get(site) else {
                continue;
            };
            let request = site.request.clone();
            let selection = self.selection_for(&file.path);
            let at = (site.span, site.start, site.end);
            if let Some(mut d) = placed_at(&selection, finding, at, Vec::new()) {
                d.request = request;
                super::mask::bound_texts(&mut d);
                file.diagnostics.push(d);
                sort_diagnostics(&mut file.diagnostics);
                if changed.last() != Some(&i) {
                    changed.push(i);
                }
            }
        }
        changed
    }
}
