//! The bounded, pruned walk of a project tree.
//!
//! One pass collects everything detection reads later: directories holding manifests, every `manage.py`,
//! Python modules whose names can hold an app object, and Procfiles. Virtualenvs (by name, or by their
//! `pyvenv.cfg` / `conda-meta` whatever their name), VCS folders, `node_modules`, `site-packages` and build
//! output are pruned before they are entered, and `.gitignore` is honoured even outside a git checkout,
//! so a tree with 150,000 files inside `.venv` costs a handful of directory reads. Symlinks are not
//! followed (no loops, no escaping the project). Ignore files (`.ignore`, `.gitignore`,
//! `.git/info/exclude`) are read here with the bounded reads of [`files::read_text`], not by the
//! `ignore` crate, which would block on a FIFO. Entries whose names have a control character are
//! skipped with a warning: no generated file could name them safely.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;
use std::sync::{Arc, Mutex};

use ignore::Match;
use ignore::WalkBuilder;
use ignore::gitignore::{Gitignore, GitignoreBuilder};

use crate::base::fs::{self as files, limit};
use crate::base::quote;
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
    /// Module file names worth summarising: [`APP_MODULES`] and the task queues' own (`celery.py`).
    pub modules: Vec<&'static str>,
}

/// Module file names that may hold an app object, a factory or a task queue's app.
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
    /// What the walk could not read or skipped (unreadable directories, unusable ignore files, names
    /// with control characters), for detection's warnings.
    pub warnings: Vec<String>,
    /// Paths skipped because their names have a control character (escaped), for an error that
    /// finds nothing.
    pub hostile: Vec<String>,
    /// The Python files read and tokenised so far in this run (each once).
    pub sources: super::index::SourceIndex,
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
    let shared = std::sync::Arc::new(Shared::new(root));
    let walker = walker(root, shared.clone());
    for (seen, entry) in walker.enumerate() {
        if seen >= MAX_ENTRIES {
            out.truncated = true;
            break;
        }
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                out.warnings.push(unreadable(root, &e));
                continue;
            }
        };
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
    out.pruned = shared.pruned.lock().map(|p| p.clone()).unwrap_or_default();
    out.warnings.extend(shared.take_warnings());
    out.hostile = shared.hostile.lock().map(|h| h.clone()).unwrap_or_default();
    out
}

/// A directory or entry the walk could not read, as a warning (never silently skipped).
fn unreadable(root: &Path, e: &ignore::Error) -> String {
    match e {
        ignore::Error::WithPath { path, err } => {
            format!(
                "could not read `{}`: {err}; it was skipped",
                shown(root, path)
            )
        }
        ignore::Error::WithDepth { err, .. } => unreadable(root, err),
        other => format!("could not read part of the project tree: {other}"),
    }
}

/// A path relative to the root, escaped for messages.
fn shown(root: &Path, path: &Path) -> String {
    quote::terminal(&files::rel(root, path)).into_owned()
}

/// What the walk's filter shares with the loop: pruned directories, names skipped for control
/// characters, and the ignore files read so far (each directory's, in precedence order).
struct Shared {
    root: std::path::PathBuf,
    pruned: Mutex<BTreeSet<String>>,
    hostile: Mutex<Vec<String>>,
    ignores: Mutex<HashMap<std::path::PathBuf, Arc<DirIgnores>>>,
    warnings: Mutex<Vec<String>>,
}

/// One directory's ignore files: `.ignore` wins over `.gitignore`, which wins over `.git/info/exclude`.
#[derive(Default)]
struct DirIgnores {
    by_kind: [Option<Gitignore>; 3],
}

/// The ignore files honoured, by precedence; `.git/info/exclude` only at the root.
const IGNORE_FILES: [&str; 3] = [".ignore", ".gitignore", ".git/info/exclude"];

impl Shared {
    fn new(root: &Path) -> Self {
        Shared {
            root: root.to_path_buf(),
            pruned: Mutex::default(),
            hostile: Mutex::default(),
            ignores: Mutex::default(),
            warnings: Mutex::default(),
        }
    }

    fn warn(&self, w: String) {
        if let Ok(mut ws) = self.warnings.lock() {
            ws.push(w);
        }
    }

    fn take_warnings(&self) -> Vec<String> {
        let mut out = self.warnings.lock().map(|w| w.clone()).unwrap_or_default();
        let hostile = self.hostile.lock().map(|h| h.clone()).unwrap_or_default();
        if !hostile.is_empty() {
            let more = hostile.len().saturating_sub(MAX_LISTED);
            let mut list = hostile
                .iter()
                .take(MAX_LISTED)
                .map(|h| format!("`{h}`"))
                .collect::<Vec<_>>()
                .join(", ");
            if more > 0 {
                list.push_str(&format!(" and {more} more"));
            }
            out.push(format!(
                "skipped {} path{} whose name has a control character or line break (no Dockerfile, compose file or shell can name it safely): {list}",
                hostile.len(),
                if hostile.len() == 1 { "" } else { "s" }
            ));
        }
        out
    }

    /// Whether the walk enters or lists `e`.
    fn keep(&self, e: &ignore::DirEntry) -> bool {
        if e.depth() == 0 {
            return true;
        }
        let Some(ft) = e.file_type() else { return true };
        let name = e.file_name().to_string_lossy();
        if quote::has_hostile_char(&name) {
            if let Ok(mut h) = self.hostile.lock() {
                h.push(shown(&self.root, e.path()));
            }
            return false;
        }
        if self.ignored(e.path(), ft.is_dir()) {
            return false;
        }
        if !ft.is_dir() {
            return true;
        }
        let skip = SKIP_DIRS.contains(&name.as_ref())
            || name.ends_with(".egg-info")
            || e.path().join("pyvenv.cfg").exists()
            || e.path().join("conda-meta").is_dir();
        if skip && let Ok(mut p) = self.pruned.lock() {
            p.insert(files::rel(&self.root, e.path()));
        }
        !skip
    }

    /// Whether the ignore files of the directories above `path` ignore it (the deepest match of the
    /// strongest kind decides, as git and ripgrep do).
    fn ignored(&self, path: &Path, is_dir: bool) -> bool {
        let dirs: Vec<Arc<DirIgnores>> = path
            .ancestors()
            .skip(1)
            .take_while(|d| d.starts_with(&self.root))
            .map(|d| self.ignores_of(d))
            .collect();
        for kind in 0..IGNORE_FILES.len() {
            for d in &dirs {
                if let Some(g) = &d.by_kind[kind] {
                    match g.matched(path, is_dir) {
                        Match::Ignore(_) => return true,
                        Match::Whitelist(_) => return false,
                        Match::None => {}
                    }
                }
            }
        }
        false
    }

    fn ignores_of(&self, dir: &Path) -> Arc<DirIgnores> {
        if let Ok(cache) = self.ignores.lock()
            && let Some(found) = cache.get(dir)
        {
            return found.clone();
        }
        let mut loaded = DirIgnores::default();
        for (kind, name) in IGNORE_FILES.iter().enumerate() {
            if kind == 2 && dir != self.root {
                continue;
            }
            loaded.by_kind[kind] = self.load_ignore(dir, name);
        }
        let loaded = Arc::new(loaded);
        if let Ok(mut cache) = self.ignores.lock() {
            cache.insert(dir.to_path_buf(), loaded.clone());
        }
        loaded
    }

    /// Reads one ignore file through the same bounded read as every other file (a FIFO, a link to
    /// `/dev/zero` or a huge file is a warning, not a hang); `None` when it is absent or unusable.
    fn load_ignore(&self, dir: &Path, name: &str) -> Option<Gitignore> {
        let path = files::join(dir, name);
        if !files::exists(&path) {
            return None;
        }
        let rel = files::rel(&self.root, &path);
        let text = match files::read_text(&path, Path::new(&rel), limit::IGNORE) {
            Ok(text) => text,
            Err(e) => {
                self.warn(format!("{}; its patterns were not honoured", e.one_line()));
                return None;
            }
        };
        let (matcher, bad_lines) = gitignore(dir, &path, &text);
        for line in bad_lines {
            self.warn(format!(
                "`{}` line {line}: not a valid pattern; it was ignored",
                quote::terminal(&rel)
            ));
        }
        matcher
    }
}

/// The patterns of one ignore file's `text` (read from `path`), relative to `base`, and the numbers of
/// the lines that are not valid patterns (git skips them too).
pub fn gitignore(base: &Path, path: &Path, text: &str) -> (Option<Gitignore>, Vec<usize>) {
    let mut b = GitignoreBuilder::new(base);
    let mut bad = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if b.add_line(Some(path.to_path_buf()), line).is_err() {
            bad.push(i + 1);
        }
    }
    (b.build().ok(), bad)
}

/// How many names a warning lists before saying how many more there are.
const MAX_LISTED: usize = 10;

/// The walker: no links followed, hidden entries skipped, and everything else filtered by [`Shared::keep`]
/// (our own reading of the ignore files, pruning of virtualenvs and dependency trees).
fn walker(root: &Path, shared: Arc<Shared>) -> ignore::Walk {
    WalkBuilder::new(root)
        .max_depth(Some(MAX_DEPTH))
        .follow_links(false)
        .hidden(true)
        // The crate's own ignore-file reading opens whatever is there (a FIFO blocks, /dev/zero never
        // ends): `Shared` reads them with the bounded reads instead.
        .git_ignore(false)
        .git_exclude(false)
        .git_global(false)
        .ignore(false)
        .parents(false)
        .require_git(false)
        .filter_entry(move |e| shared.keep(e))
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
            if markers.modules.contains(&name.as_str()) {
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
            modules: APP_MODULES.to_vec(),
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

    /// Scans on a thread, failing after a few seconds instead of hanging the test suite.
    fn scan_within_seconds(root: &Path) -> Scan {
        let (tx, rx) = std::sync::mpsc::channel();
        let root = root.to_path_buf();
        std::thread::spawn(move || {
            let _ = tx.send(scan(&root, &markers()));
        });
        rx.recv_timeout(std::time::Duration::from_secs(10))
            .expect("the walk hangs")
    }

    #[cfg(unix)]
    #[test]
    fn ignore_files_are_read_with_the_type_and_size_checks() {
        for name in [".gitignore", ".ignore", ".git/info/exclude"] {
            let d = tempfile::tempdir().unwrap();
            fs::create_dir_all(d.path().join(".git/info")).unwrap();
            fs::write(d.path().join("app.py"), "").unwrap();
            let fifo = d.path().join(name);
            let ok = std::process::Command::new("mkfifo").arg(&fifo).status();
            assert!(ok.unwrap().success());
            let s = scan_within_seconds(d.path());
            assert_eq!(s.modules, vec!["app.py"], "{name}");
            assert!(
                s.warnings
                    .iter()
                    .any(|w| w.contains(name) && w.contains("FIFO")),
                "{name}: {:?}",
                s.warnings
            );
        }
        let d = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink("/dev/zero", d.path().join(".gitignore")).unwrap();
        fs::create_dir(d.path().join("sub")).unwrap();
        fs::write(d.path().join("sub/.gitignore"), "x".repeat(3 * 1024 * 1024)).unwrap();
        fs::write(d.path().join("sub/app.py"), "").unwrap();
        let s = scan_within_seconds(d.path());
        assert_eq!(s.modules, vec!["sub/app.py"]);
        assert!(
            s.warnings.iter().any(|w| w.contains("a device")),
            "{:?}",
            s.warnings
        );
        assert!(
            s.warnings
                .iter()
                .any(|w| w.contains("sub/.gitignore") && w.contains("limit")),
            "{:?}",
            s.warnings
        );
    }

    #[test]
    fn ignore_precedence_follows_git() {
        let d = tempfile::tempdir().unwrap();
        for f in ["a/app.py", "a/keep/app.py", "b/main.py", "c/wsgi.py"] {
            let p = d.path().join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, "").unwrap();
        }
        fs::write(d.path().join(".gitignore"), "a/\nb/*.py\n").unwrap();
        fs::write(d.path().join("b/.gitignore"), "!main.py\n").unwrap();
        fs::write(d.path().join(".ignore"), "c/\n").unwrap();
        let s = scan(d.path(), &markers());
        assert_eq!(s.modules, vec!["b/main.py"]);
    }

    #[test]
    fn names_with_control_characters_are_skipped_with_a_warning() {
        let d = tempfile::tempdir().unwrap();
        for f in ["ok/app.py", "bad\ndir/main.py", "x\u{9b}y.py"] {
            let p = d.path().join(f);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, "").unwrap();
        }
        let s = scan(d.path(), &markers());
        assert_eq!(s.modules, vec!["ok/app.py"]);
        assert_eq!(s.py_files, vec!["ok/app.py"]);
        assert_eq!(s.warnings.len(), 1, "{:?}", s.warnings);
        assert!(
            s.warnings[0].contains("skipped 2 paths"),
            "{}",
            s.warnings[0]
        );
        assert!(
            s.warnings[0].contains("`bad\\ndir`") || s.warnings[0].contains("bad\\ndir"),
            "{}",
            s.warnings[0]
        );
        assert!(!s.warnings[0].contains('\n') && !s.warnings[0].contains('\u{9b}'));
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
