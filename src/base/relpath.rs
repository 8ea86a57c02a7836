//! [`RelDir`]: a directory relative to the project root, written with `/` (`.` for the root itself).
//!
//! Paths in reports, evidence and generated files are relative to the project, never absolute. This type
//! owns the one rule for joining and comparing them, which was once six hand-written "join with `.`"
//! helpers.

use std::fmt;
use std::path::{Path, PathBuf};

use serde::{Serialize, Serializer};

/// A normalised relative directory: `.` or `a/b` (no `./` prefix, no trailing `/`, no empty parts).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct RelDir(String);

impl Default for RelDir {
    fn default() -> Self {
        RelDir::root()
    }
}

impl RelDir {
    /// The project root, `.`.
    pub fn root() -> Self {
        RelDir(".".into())
    }

    /// Normalises `./a//b/` to `a/b`, and `""` or `./` to `.`.
    pub fn new(s: &str) -> Self {
        let parts: Vec<&str> = s
            .split('/')
            .filter(|p| !p.is_empty() && *p != ".")
            .collect();
        if parts.is_empty() {
            RelDir::root()
        } else {
            RelDir(parts.join("/"))
        }
    }

    /// The directory holding the file at `path` (`core/manage.py` -> `core`, `manage.py` -> `.`).
    pub fn of_file(path: &str) -> Self {
        match path.rsplit_once('/') {
            Some((dir, _)) => RelDir::new(dir),
            None => RelDir::root(),
        }
    }

    pub fn is_root(&self) -> bool {
        self.0 == "."
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The relative path of `name` (a file or a subpath) inside this directory.
    pub fn join(&self, name: &str) -> String {
        if self.is_root() {
            name.to_string()
        } else {
            format!("{}/{name}", self.0)
        }
    }

    /// The subdirectory `name`.
    pub fn child(&self, name: &str) -> RelDir {
        RelDir::new(&self.join(name))
    }

    /// The parent directory; `None` for the root.
    pub fn parent(&self) -> Option<RelDir> {
        if self.is_root() {
            None
        } else {
            Some(RelDir::of_file(&self.0))
        }
    }

    /// Whether `path` is this directory or lies below it.
    pub fn contains(&self, path: &str) -> bool {
        self.is_root() || path == self.0 || path.starts_with(&format!("{}/", self.0))
    }

    /// `path` relative to this directory (`backend` and `backend/app` give `app`; the directory itself
    /// gives `.`); a path outside it is returned unchanged.
    pub fn strip(&self, path: &str) -> String {
        if self.is_root() {
            return path.to_string();
        }
        if path == self.0 {
            return ".".into();
        }
        path.strip_prefix(&format!("{}/", self.0))
            .unwrap_or(path)
            .to_string()
    }

    /// How deep it is (`.` is 0, `a/b` is 2), for ranking shallower candidates first.
    pub fn depth(&self) -> usize {
        if self.is_root() {
            0
        } else {
            self.0.matches('/').count() + 1
        }
    }

    /// This directory under an absolute `root`.
    pub fn on(&self, root: &Path) -> PathBuf {
        super::fs::join(root, &self.0)
    }

    /// `name` in this directory under an absolute `root`.
    pub fn file_on(&self, root: &Path, name: &str) -> PathBuf {
        super::fs::join(root, &self.join(name))
    }
}

impl fmt::Display for RelDir {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl Serialize for RelDir {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.0)
    }
}

impl schemars::JsonSchema for RelDir {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "RelDir".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        schemars::json_schema!({ "type": "string" })
    }
    fn inline_schema() -> bool {
        true
    }
}

impl PartialEq<str> for RelDir {
    fn eq(&self, other: &str) -> bool {
        self.0 == other
    }
}

impl PartialEq<&str> for RelDir {
    fn eq(&self, other: &&str) -> bool {
        self.0 == *other
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_joins() {
        assert_eq!(RelDir::new("./core/"), "core");
        assert_eq!(RelDir::new(""), ".");
        assert_eq!(RelDir::new("./"), ".");
        assert_eq!(RelDir::root().join("manage.py"), "manage.py");
        assert_eq!(RelDir::new("core").join("manage.py"), "core/manage.py");
        assert_eq!(RelDir::of_file("core/manage.py"), "core");
        assert_eq!(RelDir::of_file("manage.py"), ".");
        assert_eq!(RelDir::new("a/b").parent(), Some(RelDir::new("a")));
        assert_eq!(RelDir::new("a").parent(), Some(RelDir::root()));
        assert_eq!(RelDir::root().parent(), None);
    }

    #[test]
    fn strips_and_contains() {
        let b = RelDir::new("backend");
        assert_eq!(b.strip("backend"), ".");
        assert_eq!(b.strip("backend/app"), "app");
        assert_eq!(b.strip("other"), "other");
        assert_eq!(RelDir::root().strip("core"), "core");
        assert!(b.contains("backend/x.py"));
        assert!(!b.contains("backend2/x.py"));
        assert!(RelDir::root().contains("anything"));
        assert_eq!(RelDir::new("a/b").depth(), 2);
        assert_eq!(RelDir::root().depth(), 0);
    }
}
