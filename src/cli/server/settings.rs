//! `idplint.toml` for each document: found upward from the document's
//! directory, loaded once and kept with the linter built from it until a
//! configuration file changes.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use crate::config::{Config, ConfigError};
use crate::Linter;

/// The settings of the documents under one configuration file (or of those
/// under none).
pub enum Setup {
    Ready {
        config: Box<Config>,
        linter: Linter,
    },
    /// The configuration file has problems: its documents are not linted
    /// until it is fixed, as `idplint check` refuses to run.
    Invalid {
        path: PathBuf,
        errors: Vec<ConfigError>,
    },
}

impl Setup {
    fn load(path: &Path) -> Self {
        match Config::load(path) {
            Ok(config) => Self::ready(config),
            Err(errors) => Self::Invalid {
                path: path.to_path_buf(),
                errors,
            },
        }
    }

    fn ready(config: Config) -> Self {
        let linter = Linter::new(config.options()).with_variables(config.variables());
        Self::Ready {
            config: Box::new(config),
            linter,
        }
    }
}

/// The setups loaded so far, by directory and by configuration file.
#[derive(Default)]
pub struct Settings {
    /// The configuration file found from each directory asked about.
    found: HashMap<PathBuf, Option<PathBuf>>,
    loaded: HashMap<PathBuf, Rc<Setup>>,
    defaults: Option<Rc<Setup>>,
}

impl Settings {
    /// The setup for the document at `path` (none for an unsaved document),
    /// and whether it was loaded by this call (so its problems are new).
    pub fn for_document(&mut self, path: Option<&Path>) -> (Rc<Setup>, bool) {
        let file = path
            .and_then(Path::parent)
            .and_then(|dir| self.config_file(dir));
        match file {
            Some(file) => {
                if let Some(setup) = self.loaded.get(&file) {
                    return (Rc::clone(setup), false);
                }
                let setup = Rc::new(Setup::load(&file));
                self.loaded.insert(file, Rc::clone(&setup));
                (setup, true)
            }
            None => {
                let setup = self.defaults.get_or_insert_with(|| {
                    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("/"));
                    Rc::new(Setup::ready(Config::defaults(&cwd)))
                });
                (Rc::clone(setup), false)
            }
        }
    }

    fn config_file(&mut self, dir: &Path) -> Option<PathBuf> {
        self.found
            .entry(dir.to_path_buf())
            .or_insert_with(|| Config::find(dir))
            .clone()
    }

    /// Forgets every configuration file found or loaded: one was created,
    /// changed or deleted.
    pub fn forget(&mut self) {
        self.found.clear();
        self.loaded.clear();
    }
}

/// True when `path` names a configuration file.
pub fn is_config_file(path: &Path) -> bool {
    path.file_name()
        .is_some_and(|name| name == crate::config::FILE_NAME)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_directory_gets_the_nearest_file_until_it_changes() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        std::fs::create_dir_all(root.join(".git")).unwrap();
        std::fs::create_dir_all(root.join("idp/qlik")).unwrap();
        std::fs::write(root.join("idplint.toml"), "ignore = [\"IDP010\"]\n").unwrap();
        let mut settings = Settings::default();
        let document = root.join("idp/qlik/okta.json");

        let (setup, fresh) = settings.for_document(Some(&document));
        assert!(fresh);
        let Setup::Ready { linter, .. } = &*setup else {
            panic!("the file is valid");
        };
        assert!(!linter.is_enabled("IDP010"));
        let (again, fresh) = settings.for_document(Some(&root.join("idp/qlik/azure.json")));
        assert!(!fresh && Rc::ptr_eq(&setup, &again));

        std::fs::write(root.join("idplint.toml"), "ignore = [\"IDP999\"]\n").unwrap();
        settings.forget();
        let (setup, fresh) = settings.for_document(Some(&document));
        assert!(fresh);
        let Setup::Invalid { path, errors } = &*setup else {
            panic!("IDP999 is no rule");
        };
        assert_eq!(path, &root.join("idplint.toml"));
        assert!(!errors.is_empty());

        std::fs::remove_file(root.join("idplint.toml")).unwrap();
        settings.forget();
        let (setup, _) = settings.for_document(Some(&document));
        assert!(matches!(&*setup, Setup::Ready { linter, .. } if linter.is_enabled("IDP010")));
    }
}
