//! Which `idplint.toml` applies to which file, as in ruff: the nearest one
//! upward from the file's own directory, up to the root of its repository
//! (a directory holding `.git`) or of the filesystem. A file with none in
//! its ancestry gets the run's configuration (the one found from the
//! working directory, or the defaults); `--config FILE` gives one file to
//! every path.
//!
//! Each configuration file is read and checked once, and what the run
//! builds from it (its linter) is built once, however many files it
//! applies to.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

use super::{Config, ConfigError, Flags, FILE_NAME};
use crate::globs::normalize;

/// A configuration file met on the way that has problems: the files it
/// applies to cannot be linted.
#[derive(Debug)]
pub struct Invalid {
    /// The file, as it is named to the user.
    pub path: PathBuf,
    pub errors: Vec<ConfigError>,
}

/// What applies to a file: what the run prepared from its configuration,
/// or the configuration file's problems.
pub type Applied<T> = Result<Arc<T>, Arc<Invalid>>;

/// The configurations of a run's files, each prepared once into a `T`
/// (for the command line: the configuration with its linter).
pub struct ConfigTree<T> {
    cwd: PathBuf,
    /// The run's own: found from the working directory, given with
    /// `--config`, or the defaults.
    run: Arc<T>,
    /// `--config` was given: `run` applies everywhere.
    forced: bool,
    flags: Flags,
    prepare: Box<dyn Fn(Config) -> T + Send + Sync>,
    state: Mutex<State<T>>,
}

struct State<T> {
    /// What applies to the files of a directory (absolute, normalised).
    dirs: HashMap<PathBuf, Applied<T>>,
    /// What each configuration file (absolute, normalised) gave, in the
    /// order they were met.
    files: Vec<(PathBuf, Applied<T>)>,
}

impl<T: AsRef<Config>> ConfigTree<T> {
    /// The tree of a run whose own configuration is `run` (with the
    /// command line's `flags` on top); `forced` when it was given with
    /// `--config`. Every other configuration file met is read, checked,
    /// given `flags` and made into a `T` by `prepare`.
    pub fn new(
        run: T,
        forced: bool,
        flags: Flags,
        prepare: impl Fn(Config) -> T + Send + Sync + 'static,
    ) -> Self {
        let cwd = std::env::current_dir().unwrap_or_default();
        let run = Arc::new(run);
        let mut files = Vec::new();
        if let Some(path) = &run.as_ref().as_ref().path {
            files.push((normalize(&cwd.join(path)), Ok(run.clone())));
        }
        Self {
            cwd,
            run,
            forced,
            flags,
            prepare: Box::new(prepare),
            state: Mutex::new(State {
                dirs: HashMap::new(),
                files,
            }),
        }
    }

    /// The run's own configuration.
    pub fn run(&self) -> &Arc<T> {
        &self.run
    }

    /// What applies to the file (or the name of standard input) `path`:
    /// the nearest configuration upward from its directory.
    pub fn for_file(&self, path: &Path) -> Applied<T> {
        let absolute = normalize(&self.cwd.join(path));
        let dir = absolute.parent().unwrap_or(Path::new("/"));
        self.for_dir(dir)
    }

    /// What applies to the files of the directory `dir`.
    pub fn for_dir(&self, dir: &Path) -> Applied<T> {
        if self.forced {
            return Ok(self.run.clone());
        }
        let dir = normalize(&self.cwd.join(dir));
        let mut state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let mut visited = Vec::new();
        let mut applied = None;
        for ancestor in dir.ancestors() {
            if let Some(known) = state.dirs.get(ancestor) {
                applied = Some(known.clone());
                break;
            }
            visited.push(ancestor.to_path_buf());
            let candidate = ancestor.join(FILE_NAME);
            if candidate.is_file() {
                applied = Some(self.load(&mut state, &candidate));
                break;
            }
            if ancestor.join(".git").exists() {
                break;
            }
        }
        let applied = applied.unwrap_or_else(|| Ok(self.run.clone()));
        for dir in visited {
            state.dirs.insert(dir, applied.clone());
        }
        applied
    }

    /// Every configuration met so far, the run's first, each once, with
    /// the problems of those that have them.
    pub fn met(&self) -> Vec<Applied<T>> {
        let state = self.state.lock().unwrap_or_else(PoisonError::into_inner);
        let mut met = vec![Ok(self.run.clone())];
        for (_, applied) in &state.files {
            if !matches!(applied, Ok(t) if Arc::ptr_eq(t, &self.run)) {
                met.push(applied.clone());
            }
        }
        met
    }

    /// The configuration file at `path` (absolute), read once.
    fn load(&self, state: &mut State<T>, path: &Path) -> Applied<T> {
        if let Some((_, known)) = state.files.iter().find(|(p, _)| p == path) {
            return known.clone();
        }
        let named = match path.strip_prefix(&self.cwd) {
            Ok(relative) => relative.to_path_buf(),
            Err(_) => path.to_path_buf(),
        };
        let applied = match Config::load(&named) {
            Ok(config) => Ok(Arc::new((self.prepare)(
                config.with_flags(self.flags.clone()),
            ))),
            Err(errors) => Err(Arc::new(Invalid {
                path: named,
                errors,
            })),
        };
        state.files.push((path.to_path_buf(), applied.clone()));
        applied
    }
}

impl AsRef<Config> for Config {
    fn as_ref(&self) -> &Config {
        self
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(dir: &Path) -> ConfigTree<Config> {
        let run = Config::defaults(dir);
        ConfigTree::new(run, false, Flags::default(), |config| config)
    }

    #[test]
    fn the_nearest_file_upward_applies_and_is_read_once() {
        let scratch = tempfile::tempdir().expect("a scratch directory");
        let top = scratch.path();
        std::fs::create_dir_all(top.join(".git")).unwrap();
        std::fs::create_dir_all(top.join("cfg/deep")).unwrap();
        std::fs::create_dir_all(top.join("plain")).unwrap();
        std::fs::write(top.join("cfg/idplint.toml"), "ignore = [\"IDP006\"]\n").unwrap();
        let tree = tree(top);
        let deep = tree.for_file(&top.join("cfg/deep/a.json")).expect("valid");
        let near = tree.for_file(&top.join("cfg/b.json")).expect("valid");
        assert!(Arc::ptr_eq(&deep, &near));
        assert_eq!(deep.ignore, ["IDP006"]);
        let plain = tree.for_file(&top.join("plain/c.json")).expect("valid");
        assert!(Arc::ptr_eq(&plain, tree.run()));
        assert_eq!(tree.met().len(), 2);
    }

    #[test]
    fn a_file_with_problems_is_reported_for_the_files_it_applies_to() {
        let scratch = tempfile::tempdir().expect("a scratch directory");
        let top = scratch.path();
        std::fs::create_dir_all(top.join(".git")).unwrap();
        std::fs::write(top.join("idplint.toml"), "ignore = [\"IDP999\"]\n").unwrap();
        let invalid = tree(top)
            .for_file(&top.join("a.json"))
            .expect_err("invalid");
        assert_eq!(invalid.errors.len(), 1);
    }
}
