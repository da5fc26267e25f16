//! Path globs as a configuration file writes them: relative to the file's
//! directory, `*` within one directory, `**` across directories.

use std::path::{Component, Path, PathBuf};

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};

/// A set of globs matched against paths relative to a root directory.
#[derive(Debug, Clone)]
pub struct Globs {
    patterns: Vec<String>,
    set: GlobSet,
    /// The directory the globs are relative to (absolute); `None` matches
    /// paths as given.
    root: Option<PathBuf>,
    /// What relative paths are relative to (the working directory).
    cwd: PathBuf,
}

/// A glob that does not compile: its index and why.
#[derive(Debug, Clone)]
pub struct GlobError {
    pub index: usize,
    pub message: String,
}

impl Globs {
    /// Compiles `patterns`, to be matched relative to `root` (made absolute
    /// against the working directory), or as given when `root` is `None`.
    pub fn new<S: AsRef<str>>(patterns: &[S], root: Option<&Path>) -> Result<Self, GlobError> {
        let mut builder = GlobSetBuilder::new();
        for (index, pattern) in patterns.iter().enumerate() {
            let glob = GlobBuilder::new(pattern.as_ref().trim_start_matches("./"))
                .literal_separator(true)
                .backslash_escape(true)
                .build()
                .map_err(|e| GlobError {
                    index,
                    message: e.kind().to_string(),
                })?;
            builder.add(glob);
        }
        let set = builder.build().map_err(|e| GlobError {
            index: 0,
            message: e.kind().to_string(),
        })?;
        let cwd = std::env::current_dir().unwrap_or_default();
        Ok(Self {
            patterns: patterns.iter().map(|p| p.as_ref().to_string()).collect(),
            set,
            root: root.map(|r| normalize(&cwd.join(r))),
            cwd,
        })
    }

    /// A set that matches nothing.
    pub fn none(root: Option<&Path>) -> Self {
        let cwd = std::env::current_dir().unwrap_or_default();
        Self {
            patterns: Vec::new(),
            set: GlobSet::empty(),
            root: root.map(|r| normalize(&cwd.join(r))),
            cwd,
        }
    }

    /// The globs as written.
    pub fn patterns(&self) -> &[String] {
        &self.patterns
    }

    /// True when some glob matches `path`.
    pub fn matches(&self, path: &Path) -> bool {
        !self.set.is_empty() && self.set.is_match(self.relative(path))
    }

    /// True when some glob matches `path` or one of its directories (below
    /// the root): `node_modules` excludes everything under it, and so does
    /// `node_modules/**` the directory itself.
    pub fn matches_with_ancestors(&self, path: &Path) -> bool {
        if self.set.is_empty() {
            return false;
        }
        let relative = self.relative(path);
        relative
            .ancestors()
            .filter(|p| !p.as_os_str().is_empty() && *p != Path::new("/"))
            .any(|p| self.set.is_match(p) || self.set.is_match(p.join("")))
    }

    /// `path` relative to the root when it lies under it, else absolute;
    /// without `.` and `..` components.
    fn relative(&self, path: &Path) -> PathBuf {
        let Some(root) = &self.root else {
            return normalize(path);
        };
        let absolute = normalize(&self.cwd.join(path));
        match absolute.strip_prefix(root) {
            Ok(relative) => relative.to_path_buf(),
            Err(_) => absolute,
        }
    }
}

/// `path` without `.` components, each `..` taking away the component
/// before it, as the text reads (symbolic links are not followed: globs,
/// baselines and reports speak of paths as written). A `..` with nothing
/// before it stays in a relative path and goes at the root.
pub(crate) fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalize_reads_dots_as_the_text_does() {
        let cases = [
            ("/repo/./idp/../qlik/okta.json", "/repo/qlik/okta.json"),
            ("/repo/../../etc", "/etc"),
            ("idp/../../shared/okta.json", "../shared/okta.json"),
            ("../../okta.json", "../../okta.json"),
            ("./a/b/..", "a"),
        ];
        for (given, expected) in cases {
            assert_eq!(
                normalize(Path::new(given)),
                PathBuf::from(expected),
                "{given}"
            );
        }
    }

    fn globs(patterns: &[&str]) -> Globs {
        Globs::new(patterns, Some(Path::new("/repo"))).expect("globs compile")
    }

    #[test]
    fn star_stays_within_a_directory() {
        let g = globs(&["idp/*.json"]);
        assert!(g.matches(Path::new("/repo/idp/a.json")));
        assert!(!g.matches(Path::new("/repo/idp/sub/a.json")));
        assert!(globs(&["idp/**/*.json"]).matches(Path::new("/repo/idp/sub/a.json")));
        assert!(globs(&["**/*.json"]).matches(Path::new("/repo/a.json")));
    }

    #[test]
    fn paths_are_relative_to_the_root() {
        let g = globs(&["legacy/**"]);
        assert!(g.matches(Path::new("/repo/legacy/a/b.json")));
        assert!(g.matches(Path::new("/repo/x/../legacy/./b.json")));
        assert!(!g.matches(Path::new("/elsewhere/legacy/b.json")));
    }

    #[test]
    fn a_directory_excludes_what_is_under_it() {
        let g = globs(&["node_modules"]);
        assert!(!g.matches(Path::new("/repo/node_modules/pkg/package.json")));
        assert!(g.matches_with_ancestors(Path::new("/repo/node_modules/pkg/package.json")));
        assert!(globs(&["node_modules/**"]).matches_with_ancestors(Path::new("/repo/node_modules")));
    }

    #[test]
    fn a_bad_glob_names_its_index() {
        let e = Globs::new(&["ok/*.json", "bad/[a.json"], None).expect_err("unclosed class");
        assert_eq!(e.index, 1);
    }
}
