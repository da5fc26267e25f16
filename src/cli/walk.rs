//! The command line's paths as inputs: files as given, directories walked,
//! `-` for standard input; each linted once, in a stable order.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};

use rayon::prelude::*;

use crate::config::{Config, ConfigTree};

pub(super) enum Input {
    Stdin,
    File(PathBuf),
    /// A regular file found by walking a directory.
    Walked(PathBuf),
    Error(String, String),
}

/// What decides which files a run lints: one configuration, or the
/// configuration of each file ([`ConfigTree`]).
pub(super) trait Scope: Send + Sync {
    /// True when `path` (a file, or a directory with all it holds) is not
    /// linted, even when named on the command line.
    fn is_excluded(&self, path: &Path) -> bool;
    /// True when a file found by walking a directory is one to lint.
    fn is_included(&self, path: &Path) -> bool;
}

impl Scope for Config {
    fn is_excluded(&self, path: &Path) -> bool {
        Config::is_excluded(self, path)
    }

    fn is_included(&self, path: &Path) -> bool {
        Config::is_included(self, path)
    }
}

/// A file or directory is excluded by the configuration of the directory
/// it is in: a directory's own `idplint.toml` does not undo its parent's
/// `exclude`. A file whose configuration has problems is linted, to be
/// reported as such.
impl<T: AsRef<Config> + Send + Sync> Scope for ConfigTree<T> {
    fn is_excluded(&self, path: &Path) -> bool {
        self.for_file(path)
            .is_ok_and(|t| (*t).as_ref().is_excluded(path))
    }

    fn is_included(&self, path: &Path) -> bool {
        match self.for_file(path) {
            Ok(t) => (*t).as_ref().is_included(path),
            Err(_) => (**self.run()).as_ref().is_included(path),
        }
    }
}

impl Input {
    /// The name the input's report gives it.
    pub(super) fn name(&self, stdin_name: &str) -> String {
        match self {
            Input::Stdin => stdin_name.to_string(),
            Input::File(path) | Input::Walked(path) => crate::linter::display_name(path),
            Input::Error(name, _) => name.clone(),
        }
    }
}

/// Expands the command line's paths and lints each input as it is found:
/// files as given, directories walked for the configuration's `include`
/// (every `*.json` by default, respecting .gitignore), `-` for stdin.
/// Excluded paths are dropped, even when named explicitly.
///
/// A walk runs as a task of the linting pool and hands the files it finds
/// to the pool in small batches, so that linting does not wait for the
/// whole tree and no thread beyond the pool's competes for the cores.
/// The reports come back in a stable order whatever the walk order: the
/// paths in command-line order, and within a directory its walk errors,
/// then its files sorted. The run's own files (`own`, canonical: the file
/// the report is written to, the baseline) are no inputs.
pub(super) fn lint_inputs<T, F>(
    paths: &[PathBuf],
    config: &std::sync::Arc<dyn Scope>,
    own: &[PathBuf],
    lint: F,
) -> Vec<T>
where
    T: Send,
    F: Fn(Input) -> T + Sync,
{
    // Each input is linted with the number it was found as; the places
    // those numbers go to are worked out apart from the linting.
    let (batches, places): (Vec<Vec<(usize, T)>>, Vec<usize>) = if paths.iter().any(|p| p.is_dir())
    {
        let linted = std::sync::Mutex::new(Vec::new());
        let places = rayon::scope(|scope| {
            let (lint, linted) = (&lint, &linted);
            let hand_over = |batch: Vec<(usize, Input)>| {
                scope.spawn(move |_| {
                    let batch: Vec<(usize, T)> = batch
                        .into_iter()
                        .map(|(number, input)| (number, lint(input)))
                        .collect();
                    linted
                        .lock()
                        .unwrap_or_else(std::sync::PoisonError::into_inner)
                        .push(batch);
                });
            };
            let mut batch = Vec::with_capacity(WALK_BATCH);
            let orders = expand_numbered(paths, config, own, &mut |number, input| {
                batch.push((number, input));
                if batch.len() == WALK_BATCH {
                    hand_over(std::mem::replace(
                        &mut batch,
                        Vec::with_capacity(WALK_BATCH),
                    ));
                }
            });
            if !batch.is_empty() {
                hand_over(batch);
            }
            places(&orders)
        });
        let batches = linted
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        (batches, places)
    } else {
        // Nothing to walk (the pre-commit case).
        let mut inputs = Vec::new();
        let orders = expand_numbered(paths, config, own, &mut |number, input| {
            inputs.push((number, input));
        });
        let linted = inputs
            .into_par_iter()
            .map(|(number, input)| (number, lint(input)))
            .collect();
        (vec![linted], places(&orders))
    };
    let mut placed: Vec<Option<T>> = std::iter::repeat_with(|| None).take(places.len()).collect();
    for (number, linted) in batches.into_iter().flatten() {
        placed[places[number]] = Some(linted);
    }
    placed.into_iter().flatten().collect()
}

/// How many walked files a linting task takes: enough that handing them
/// over costs little, few enough that the workers finish together.
const WALK_BATCH: usize = 16;

/// [`expand`], handing each input to `found` with the number it is found as
/// (0, 1, 2, …); returns the order of each, by number.
fn expand_numbered(
    paths: &[PathBuf],
    config: &std::sync::Arc<dyn Scope>,
    own: &[PathBuf],
    found: &mut dyn FnMut(usize, Input),
) -> Vec<Order> {
    let mut orders = Vec::new();
    expand(paths, config, own, &mut |order, input| {
        found(orders.len(), input);
        orders.push(order);
    });
    orders
}

/// For each input, by the number it was found as, its place in the output.
fn places(orders: &[Order]) -> Vec<usize> {
    let mut sorted: Vec<usize> = (0..orders.len()).collect();
    sorted.sort_unstable_by(|&a, &b| orders[a].cmp(&orders[b]));
    let mut places = vec![0; orders.len()];
    for (place, &number) in sorted.iter().enumerate() {
        places[number] = place;
    }
    places
}

/// Where an input's report goes: the index of the command-line path it
/// came from, then its place under that path.
type Order = (usize, Place);

#[derive(PartialEq, Eq, PartialOrd, Ord)]
enum Place {
    /// The path itself, or the n-th error of its walk.
    Given(usize),
    /// A file found by the walk, by its sort key under the walk's root.
    Walked(WalkKey),
}

/// Hands every input the command line's paths stand for to `found`. A
/// path that does not exist is an error input, named as given.
fn expand(
    paths: &[PathBuf],
    config: &std::sync::Arc<dyn Scope>,
    own: &[PathBuf],
    found: &mut dyn FnMut(Order, Input),
) {
    let mut unseen = Unseen::new(paths.len(), own);
    for (index, path) in paths.iter().enumerate() {
        if path.as_os_str() == "-" {
            found((index, Place::Given(0)), Input::Stdin);
        } else if config.is_excluded(path) || !unseen.first_time(path) {
            continue;
        } else if path.is_dir() {
            walk(index, path, config, &mut unseen, found);
        } else if !path.try_exists().unwrap_or(true) {
            let name = path.display().to_string();
            let missing = "no such file or directory".to_string();
            found((index, Place::Given(0)), Input::Error(name, missing));
        } else {
            found((index, Place::Given(0)), Input::File(path.clone()));
        }
    }
}

/// Hands every file to lint under the directory `path`, the `index`-th
/// path of the command line, to `found`, and every error of the walk, as
/// an error of the directory: its name ends in a separator.
fn walk(
    index: usize,
    path: &Path,
    config: &std::sync::Arc<dyn Scope>,
    unseen: &mut Unseen,
    found: &mut dyn FnMut(Order, Input),
) {
    let scope = config.clone();
    let root = path.as_os_str().as_encoded_bytes();
    let walk = ignore::WalkBuilder::new(path)
        .filter_entry(move |e| !scope.is_excluded(e.path()))
        .build();
    let mut errors = 0;
    for entry in walk {
        match entry {
            Ok(e)
                if e.file_type().is_some_and(|t| t.is_file())
                    && config.is_included(e.path())
                    && unseen.first_time(e.path()) =>
            {
                let path = e.into_path();
                found(
                    (index, Place::Walked(WalkKey::new(&path, root))),
                    Input::Walked(path),
                );
            }
            Ok(_) => {}
            Err(err) => {
                let mut name = path.display().to_string();
                if !name.ends_with(std::path::is_separator) {
                    name.push(std::path::MAIN_SEPARATOR);
                }
                found(
                    (index, Place::Given(errors)),
                    Input::Error(name, err.to_string()),
                );
                errors += 1;
            }
        }
    }
}

/// The files a run has met, to lint each once: a file named twice, or named
/// and found again by walking its directory; and the files the run's report
/// is written to, which are never linted: standard output redirected to a
/// file (`idplint check --format json . > report.json`) or `--output-file`,
/// and the baseline the run reads or writes.
struct Unseen {
    /// Paths met so far, without `.` components; kept only when several
    /// paths are given (one walk meets each file once).
    met: Option<std::collections::HashSet<PathBuf>>,
    /// The names and canonical paths of the files the report goes to.
    reports: Vec<(std::ffi::OsString, PathBuf)>,
}

impl Unseen {
    /// For a run of `paths` paths whose own files (the report's, the
    /// baseline) are `own` (canonical paths), besides standard output's.
    fn new(paths: usize, own: &[PathBuf]) -> Self {
        let report = own
            .iter()
            .filter_map(|path| Some((path.file_name()?.to_os_string(), path.clone())));
        Self {
            met: (paths > 1).then(std::collections::HashSet::new),
            reports: redirected_stdout().into_iter().chain(report).collect(),
        }
    }

    fn first_time(&mut self, path: &Path) -> bool {
        let is_report = |(name, canonical): &(std::ffi::OsString, PathBuf)| {
            path.file_name() == Some(name.as_os_str())
                && std::fs::canonicalize(path).is_ok_and(|p| p == *canonical)
        };
        if self.reports.iter().any(is_report) {
            return false;
        }
        let Some(met) = &mut self.met else {
            return true;
        };
        let plain: PathBuf = path
            .components()
            .filter(|c| *c != std::path::Component::CurDir)
            .collect();
        met.insert(plain)
    }
}

/// The name and canonical path of the regular file standard output is
/// redirected to, where the system tells it (Linux).
fn redirected_stdout() -> Option<(std::ffi::OsString, PathBuf)> {
    if !cfg!(target_os = "linux") || std::io::stdout().is_terminal() {
        return None;
    }
    let path = std::fs::read_link("/proc/self/fd/1").ok()?;
    if !std::fs::metadata(&path).ok()?.is_file() {
        return None;
    }
    Some((path.file_name()?.to_os_string(), path))
}

/// Where a walked file sorts among the files of its walk: component by
/// component, as `Path` orders, but on bytes, with a separator before every
/// other byte. The walk's root, which every such path begins with, is left
/// out, and the key's [`crate::linter::order_key`] is kept too: most
/// comparisons of a sort end there.
#[derive(PartialEq, Eq, PartialOrd, Ord)]
struct WalkKey {
    head: u64,
    key: Vec<u8>,
}

impl WalkKey {
    fn new(path: &Path, root: &[u8]) -> Self {
        let bytes = path.as_os_str().as_encoded_bytes();
        let mut key = bytes.strip_prefix(root).unwrap_or(bytes).to_vec();
        key.iter_mut().filter(|b| **b == b'/').for_each(|b| *b = 0);
        Self {
            head: crate::linter::order_key(&key),
            key,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn walk_keys_sort_as_paths_do() {
        let root = "walk/root";
        let mut paths: Vec<PathBuf> = [
            "a.json",
            "a-b.json",
            "a/z.json",
            "a/b/c.json",
            "a.jsonx",
            "abcdefgh.json",
            "abcdefgh/i.json",
            "abcdefg.json",
            "abcdefghij.json",
            "abcdefgh-i.json",
            "b",
            "b/a.json",
            "Z.json",
            "é.json",
            "00017-qlik-jwt-ok.json",
            "00017-qlik-jwt.json",
            "0001-qlik.json",
        ]
        .iter()
        .map(|name| Path::new(root).join(name))
        .collect();
        paths.sort();
        let mut by_key: Vec<&PathBuf> = paths.iter().collect();
        by_key.reverse();
        by_key.sort_by_key(|path| WalkKey::new(path, root.as_bytes()));
        assert_eq!(by_key, paths.iter().collect::<Vec<_>>());
    }

    #[test]
    fn a_walk_of_many_batches_comes_back_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        let mut expected = Vec::new();
        for sub in ["b", "a", "a/deeper", "c-d", "c"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
            for i in (0..37).rev() {
                let path = dir.path().join(sub).join(format!("{i}.json"));
                std::fs::write(&path, "{}").unwrap();
                expected.push(path);
            }
        }
        std::fs::write(dir.path().join("notes.txt"), "not linted").unwrap();
        expected.sort();
        let config: std::sync::Arc<dyn Scope> = std::sync::Arc::new(Config::defaults(dir.path()));
        let lone = dir.path().join("b/3.json");
        let paths = [dir.path().to_path_buf(), lone.clone()];
        let linted = lint_inputs(&paths, &config, &[], |input| match input {
            Input::Walked(path) | Input::File(path) => path,
            Input::Stdin | Input::Error(..) => PathBuf::from("?"),
        });
        // The file named again after its walk is linted once, in its walk.
        assert!(expected.contains(&lone));
        assert!(expected.len() > 5 * WALK_BATCH);
        assert_eq!(linted, expected);
    }
}
