//! The bounded, pruned walk of a project tree.
//!
//! One pass collects everything detection reads later: directories holding manifests, every `manage.py`,
//! Python modules whose names can hold an app object, and Procfiles. Virtualenvs (by name, or by their
//! `pyvenv.cfg` / `conda-meta` whatever their name), VCS folders, `node_modules`, `site-packages` and build
//! output are pruned before they are entered, and `.gitignore` is honoured even outside a git checkout,
//! so a tree with 150,000 files inside `.venv` costs a handful of directory reads. Symlinks are not
//! followed (no loops, no escaping the project).

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use ignore::WalkBuilder;

use crate::base::fs as files;
use crate::knowledge::{SKIP_DIRS, TEST_DIRS};

/// How deep below the root the walk goes (`root/a/b/c/d/e/file`).
pub const MAX_DEPTH: usize = 7;
/// Python modules listed for their environment reads; the rest are not read.
pub const MAX_PY_FILES: usize = 5_000;
/// Entries visited before the walk gives up (a warning says so).
pub const MAX_ENTRIES: usize = 200_000;

/// What the walk looks for; the registries supply the names.
#[derive(Debug, Clone, Default)]
pub struct Markers {
    /// Files whose presence makes a directory a Python project (manifests, lockfiles).
    pub project: Vec<&'static str>,
    /// Files that mark an app by themselves (Django's `manage.py`), collected wherever they are
    /// (outside test directories).
    pub app: Vec<&'static str>,
}

/// Module file names that may hold an app object, a factory or a Celery app.
pub const APP_MODULES: &[&str] = &[
    "wsgi.py",
    "asgi.py",
    "app.py",
    "main.py",
    "application.py",
    "server.py",
    "api.py",
    "run.py",
    "factory.py",
    "__init__.py",
    "celery.py",
    "worker.py",
    "tasks.py",
];

#[derive(Debug, Default)]
pub struct Scan {
    /// Relative directory -> marker files in it.
    pub project_dirs: BTreeMap<String, BTreeSet<String>>,
    /// App marker file name -> relative paths of every such file, sorted.
    pub app_markers: BTreeMap<&'static str, Vec<String>>,
    /// Relative paths of Python modules worth summarising.
    pub modules: Vec<String>,
    /// Every Python module outside tests (at most [`MAX_PY_FILES`]), for the environment variables
    /// the code reads.
    pub py_files: Vec<String>,
    /// Directories skipped because they are virtualenvs or dependency trees (for the report).
    pub pruned: BTreeSet<String>,
    pub truncated: bool,
}

fn is_test_path(rel: &str) -> bool {
    let parts: Vec<&str> = rel.split('/').collect();
    let (dirs, file) = parts.split_at(parts.len() - 1);
    dirs.iter().any(|d| TEST_DIRS.contains(d))
        || file[0].starts_with("test_")
        || file[0].ends_with("_test.py")
        || file[0] == "conftest.py"
}

pub fn scan(root: &Path, markers: &Markers) -> Scan {
    let mut out = Scan::default();
    let pruned = std::sync::Arc::new(std::sync::Mutex::new(BTreeSet::new()));
    let walker = walker(root, pruned.clone());
    for (seen, entry) in walker.enumerate() {
        if seen >= MAX_ENTRIES {
            out.truncated = true;
            break;
        }
        let Ok(entry) = entry else { continue };
        let Some(ft) = entry.file_type() else {
            continue;
        };
        if !ft.is_dir() {
            out.note(root, &entry, ft.is_symlink(), markers);
        }
    }
    for paths in out.app_markers.values_mut() {
        paths.sort();
    }
    out.modules.sort();
    out.py_files.sort();
    out.pruned = pruned.lock().map(|p| p.clone()).unwrap_or_default();
    out
}

/// The ignore-aware walker, pruning virtualenvs and dependency trees (recorded in `pruned`).
fn walker(root: &Path, pruned: std::sync::Arc<std::sync::Mutex<BTreeSet<String>>>) -> ignore::Walk {
    let root_buf = root.to_path_buf();
    WalkBuilder::new(root)
        .max_depth(Some(MAX_DEPTH))
        .follow_links(false)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .git_global(false)
        .ignore(true)
        .parents(false)
        .require_git(false)
        .filter_entry(move |e| {
            let Some(ft) = e.file_type() else { return true };
            if !ft.is_dir() || e.depth() == 0 {
                return true;
            }
            let name = e.file_name().to_string_lossy();
            let skip = SKIP_DIRS.contains(&name.as_ref())
                || name.ends_with(".egg-info")
                || e.path().join("pyvenv.cfg").exists()
                || e.path().join("conda-meta").is_dir();
            if skip && let Ok(mut p) = pruned.lock() {
                p.insert(files::rel(&root_buf, e.path()));
            }
            !skip
        })
        .build()
}

impl Scan {
    /// Records one file: a project marker, a `requirements/*.txt`, an app marker or an app module.
    fn note(&mut self, root: &Path, entry: &ignore::DirEntry, symlink: bool, markers: &Markers) {
        let rel = files::rel(root, entry.path());
        let name = entry.file_name().to_string_lossy().to_string();
        let parent = match rel.rsplit_once('/') {
            Some((p, _)) => p.to_string(),
            None => ".".to_string(),
        };
        // A FIFO or socket named like a marker still marks the project: reading it later fails clearly.
        if markers.project.contains(&name.as_str()) {
            self.project_dirs
                .entry(parent.clone())
                .or_default()
                .insert(name.clone());
        }
        if parent.ends_with("requirements") && name.ends_with(".txt") && !symlink {
            let owner = match parent.rsplit_once('/') {
                Some((p, _)) => p.to_string(),
                None => ".".to_string(),
            };
            self.project_dirs
                .entry(owner)
                .or_default()
                .insert("requirements/".into());
        }
        if let Some(m) = markers.app.iter().find(|m| **m == name)
            && !is_test_path(&rel)
        {
            self.app_markers.entry(m).or_default().push(rel);
        } else if name.ends_with(".py") && !is_test_path(&rel) {
            if self.py_files.len() < MAX_PY_FILES {
                self.py_files.push(rel.clone());
            }
            if APP_MODULES.contains(&name.as_str()) {
                self.modules.push(rel);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn markers() -> Markers {
        Markers {
            project: vec!["requirements.txt", "pyproject.toml"],
            app: vec!["manage.py"],
        }
    }

    #[test]
    fn prunes_virtualenvs_by_name_and_by_pyvenv_cfg() {
        let d = tempfile::tempdir().unwrap();
        for f in [
            "requirements.txt",
            "app.py",
            ".venv/lib/python3.12/site-packages/django/conf/project_template/manage.py",
            "myenv/pyvenv.cfg",
            "myenv/lib/x/app.py",
            "node_modules/x/wsgi.py",
            "pkg/__init__.py",
            "tests/app.py",
            "core/manage.py",
            "requirements/base.txt",
            "ignored/app.py",
        ] {
            let p = d.path().join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, "").unwrap();
        }
        fs::write(d.path().join(".gitignore"), "ignored/\n").unwrap();
        let s = scan(d.path(), &markers());
        assert_eq!(s.app_markers["manage.py"], vec!["core/manage.py"]);
        assert_eq!(s.modules, vec!["app.py", "pkg/__init__.py"]);
        let root = s.project_dirs.get(".").unwrap();
        assert!(root.contains("requirements.txt") && root.contains("requirements/"));
        assert!(!s.truncated);
        assert!(s.pruned.contains("myenv") && s.pruned.contains("node_modules"));
    }

    #[cfg(unix)]
    #[test]
    fn symlink_loops_are_not_followed() {
        let d = tempfile::tempdir().unwrap();
        fs::create_dir(d.path().join("a")).unwrap();
        std::os::unix::fs::symlink(d.path(), d.path().join("a/loop")).unwrap();
        fs::write(d.path().join("app.py"), "").unwrap();
        let s = scan(d.path(), &markers());
        assert_eq!(s.modules, vec!["app.py"]);
    }
}
