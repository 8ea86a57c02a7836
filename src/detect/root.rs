//! Finding the project root from where dockgen was started, as uv, cargo and git do.
//!
//! Started in `src/pkg/` of a uv project, dockgen must work on the project (the directory holding
//! `pyproject.toml`), not on a dependency-less folder of it. The rule:
//! - the start directory is the root when it holds a project marker (a manifest, a lockfile, a
//!   `requirements*.txt`, a framework's marker file such as `manage.py`, or dockgen's own
//!   `dockgen.toml`; the names come from the registries), or when projects sit below it (a
//!   monorepo's top), or when it is a VCS root;
//! - otherwise the nearest ancestor holding a marker is the root, the search stopping at a VCS root
//!   (`.git`, `.hg`, `.svn`: a checkout's top; that directory is still looked at) and before a ceiling
//!   the caller names (the user's home directory);
//! - with no marker anywhere up to there, the start directory stays the root, and detection says what
//!   it looked for.
//!
//! This module only finds the directory; the binary says which one was chosen.

use std::path::{Component, Path, PathBuf};

use super::Registry;
use crate::parse::walk;

/// Directories that mark the top of a checkout.
const VCS_DIRS: &[&str] = &[".git", ".hg", ".svn"];

/// The project root found from a start directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Root {
    /// The root, as a path from the current directory: `start` itself when the search did not move,
    /// else a relative path (`../..`) when the root is above the current directory's path, or absolute.
    pub dir: PathBuf,
    /// How many directories above `start` the root is (0: `start` itself).
    pub up: usize,
    /// What made it the root: a marker file's name (`pyproject.toml`), or why the start stayed.
    pub because: String,
}

/// Where the search may look, besides the registries' markers.
#[derive(Debug, Clone, Default)]
pub struct Search<'a> {
    /// More marker file names: the caller's own (`dockgen.toml`, which this module cannot name
    /// without depending on `answers`).
    pub extra_markers: &'a [&'static str],
    /// Directories the search never enters on its way up, as git's `GIT_CEILING_DIRECTORIES`: the
    /// user's home directory, so a stray `~/requirements.txt` never makes the whole home a project.
    pub ceilings: &'a [PathBuf],
}

/// Finds the project root for `start` (see the module's rule). A `start` that is not a readable
/// directory is returned as is: detection reports it.
pub fn find_root(start: &Path, search: &Search) -> Root {
    find_root_with(start, search, Registry::builtin())
}

/// [`find_root`] with the given registries' markers.
pub fn find_root_with(start: &Path, search: &Search, reg: Registry) -> Root {
    let extra = search.extra_markers;
    let stay = |because: &str| Root {
        dir: start.to_path_buf(),
        up: 0,
        because: because.to_string(),
    };
    let Ok(canon) = start.canonicalize() else {
        return stay("not a readable directory");
    };
    if !canon.is_dir() {
        return stay("not a directory");
    }
    let markers = reg.markers();
    let ceilings: Vec<PathBuf> = search
        .ceilings
        .iter()
        .filter_map(|c| c.canonicalize().ok())
        .collect();
    if let Some(m) = marker_in(&canon, &markers, extra) {
        // Only an app marker here (`manage.py`), a manifest or lockfile above: the project is there
        // (issue 17: Django's folder inside a uv or Poetry project).
        if project_marker_in(&canon, &markers, extra).is_none()
            && let Some(root) = project_above(start, &canon, &markers, extra, &ceilings, &m)
        {
            return root;
        }
        return stay(&m);
    }
    if is_vcs_root(&canon) {
        return stay("the top of a checkout, and no project marker above it is looked for");
    }
    let scan = walk::scan(&canon, &markers);
    if !scan.project_dirs.is_empty() || scan.app_markers.values().any(|v| !v.is_empty()) {
        return stay("projects below it");
    }
    for (up, dir) in canon.ancestors().enumerate().skip(1) {
        if ceilings.iter().any(|c| c == dir) {
            break;
        }
        if let Some(m) = marker_in(dir, &markers, extra) {
            return Root {
                dir: shown(start, &canon, up, dir),
                up,
                because: m,
            };
        }
        if is_vcs_root(dir) {
            break;
        }
    }
    stay("no project marker in it or above it")
}

/// A marker in `dir` that is not an app's: a manifest, a lockfile, requirements, `dockgen.toml`.
fn project_marker_in(
    dir: &Path,
    markers: &walk::Markers,
    extra: &[&'static str],
) -> Option<String> {
    let only_project = walk::Markers {
        project: markers.project.clone(),
        app: Vec::new(),
        modules: Vec::new(),
    };
    marker_in(dir, &only_project, extra)
}

/// The nearest ancestor of `canon` holding a project marker, up to the checkout's top (looked at) and
/// never at or above a ceiling.
fn project_above(
    start: &Path,
    canon: &Path,
    markers: &walk::Markers,
    extra: &[&'static str],
    ceilings: &[PathBuf],
    here: &str,
) -> Option<Root> {
    if is_vcs_root(canon) {
        return None;
    }
    for (up, dir) in canon.ancestors().enumerate().skip(1) {
        if ceilings.iter().any(|c| c == dir) {
            return None;
        }
        if let Some(m) = project_marker_in(dir, markers, extra) {
            return Some(Root {
                dir: shown(start, canon, up, dir),
                up,
                because: format!("{m}; `{here}` is part of that project"),
            });
        }
        if is_vcs_root(dir) {
            return None;
        }
    }
    None
}

/// The first marker in `dir`, in the registries' order (`pyproject.toml` first).
fn marker_in(dir: &Path, markers: &walk::Markers, extra: &[&'static str]) -> Option<String> {
    let named = markers
        .project
        .iter()
        .chain(&markers.app)
        .chain(extra)
        .find(|m| dir.join(m).is_file())
        .map(|m| m.to_string());
    named.or_else(|| {
        // `requirements-prod.txt`, `requirements/base.txt`.
        if dir.join("requirements").is_dir() {
            return Some("requirements/".into());
        }
        let mut reqs: Vec<String> = std::fs::read_dir(dir)
            .ok()?
            .flatten()
            .map(|e| e.file_name().to_string_lossy().into_owned())
            .filter(|n| n.starts_with("requirements") && n.ends_with(".txt"))
            // The name is printed: none that could carry terminal escapes.
            .filter(|n| !n.chars().any(char::is_control))
            .collect();
        reqs.sort();
        reqs.into_iter().next()
    })
}

fn is_vcs_root(dir: &Path) -> bool {
    VCS_DIRS.iter().any(|v| dir.join(v).exists())
}

/// The root `up` levels above `start`, as the user would type it: `start` with its last `up` plain
/// components removed (`src/pkg` up 2 is `.`), or `..` for each level above the current directory;
/// the absolute path when `start`'s own components (`..`, symlinks) make that unsafe.
fn shown(start: &Path, canon: &Path, up: usize, root: &Path) -> PathBuf {
    let mut parts: Vec<Component> = start
        .components()
        .filter(|c| !matches!(c, Component::CurDir))
        .collect();
    if parts.iter().any(|c| !matches!(c, Component::Normal(_))) {
        return root.to_path_buf();
    }
    let mut levels = 0;
    while levels < up && !parts.is_empty() {
        parts.pop();
        levels += 1;
    }
    let mut out: PathBuf = parts.iter().collect();
    for _ in levels..up {
        out.push("..");
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    // A symlink in `start` would make the lexical path wrong: use it only when it resolves there.
    match out.canonicalize() {
        Ok(p) if p == root && canon.ancestors().nth(up) == Some(root) => out,
        _ => root.to_path_buf(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(files: &[&str]) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for f in files {
            let p = d.path().join(f);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            if f.ends_with('/') {
                std::fs::create_dir_all(&p).unwrap();
            } else {
                std::fs::write(p, "").unwrap();
            }
        }
        d
    }

    fn from(d: &tempfile::TempDir, rel: &str) -> Root {
        let start = d.path().join(rel);
        let search = Search {
            extra_markers: &["dockgen.toml"],
            // The temporary directory's parent is a ceiling too: a marker left in /tmp by anything else
            // must not decide these tests.
            ceilings: &[
                d.path().join("home"),
                d.path().parent().unwrap().to_path_buf(),
            ],
        };
        let root = find_root(&start, &search);
        Root {
            dir: root
                .dir
                .strip_prefix(d.path())
                .map(Path::to_path_buf)
                .unwrap_or(root.dir),
            ..root
        }
    }

    #[test]
    fn a_subfolder_finds_the_nearest_manifest_above() {
        let d = tree(&[".git/", "pyproject.toml", "uv.lock", "src/pkg/__init__.py"]);
        let r = from(&d, "src/pkg");
        assert_eq!((r.dir.as_path(), r.up), (Path::new(""), 2));
        assert_eq!(r.because, "pyproject.toml");
        // A Django app folder: manage.py marks the root.
        let d = tree(&["manage.py", "requirements-prod.txt", "blog/models.py"]);
        assert_eq!(from(&d, "blog").because, "manage.py");
        // Started beside manage.py inside a uv project: the manifest above is the root (issue 17).
        let d = tree(&[".git/", "pyproject.toml", "uv.lock", "core/manage.py"]);
        let r = from(&d, "core");
        assert_eq!((r.dir.as_path(), r.up), (Path::new(""), 1));
        assert_eq!(
            r.because,
            "pyproject.toml; `manage.py` is part of that project"
        );
        // ... but a manage.py with its own requirements is its own project, and a checkout's top stays.
        let d = tree(&["pyproject.toml", "core/manage.py", "core/requirements.txt"]);
        assert_eq!(from(&d, "core").up, 0);
        let d = tree(&["pyproject.toml", "core/.git/", "core/manage.py"]);
        assert_eq!(from(&d, "core").up, 0);
        let d = tree(&["requirements-prod.txt", "blog/models.py"]);
        assert_eq!(from(&d, "blog").because, "requirements-prod.txt");
        let d = tree(&["dockgen.toml", "svc/x.py"]);
        assert_eq!(from(&d, "svc").because, "dockgen.toml");
        // Never the home directory (a ceiling), nor above it.
        let d = tree(&[
            "requirements.txt",
            "home/requirements.txt",
            "home/me/app/x.py",
        ]);
        let r = from(&d, "home/me/app");
        assert_eq!(
            (r.up, r.because.as_str()),
            (0, "no project marker in it or above it")
        );
        let d = tree(&["home/me/requirements.txt", "home/me/app/x.py"]);
        assert_eq!(from(&d, "home/me/app").up, 1);
        // A name with a terminal escape in it is no marker (it would be printed).
        let d = tree(&["requirements\u{1b}[2J.txt", "blog/x.py"]);
        assert_eq!(from(&d, "blog").up, 0);
    }

    #[test]
    fn the_start_stays_with_a_marker_projects_below_or_at_a_checkout_top() {
        let d = tree(&["pyproject.toml", "svc/requirements.txt", "svc/app/x.py"]);
        assert_eq!(from(&d, "svc/app").up, 1, "the nearest marker wins");
        assert_eq!(from(&d, "svc").up, 0);
        // A monorepo's top, without a manifest of its own, above another project.
        let d = tree(&[
            "pyproject.toml",
            "mono/api/requirements.txt",
            "mono/web/manage.py",
        ]);
        let r = from(&d, "mono");
        assert_eq!((r.up, r.because.as_str()), (0, "projects below it"));
        // The search stops at a checkout's top.
        let d = tree(&["pyproject.toml", "repo/.git/", "repo/src/x.py"]);
        assert_eq!(from(&d, "repo/src").up, 0);
        assert_eq!(from(&d, "repo").up, 0);
    }

    #[test]
    fn an_absolute_start_shows_an_absolute_root() {
        let d = tree(&["pyproject.toml", "a/b/c/"]);
        let canon = d.path().canonicalize().unwrap();
        let start = canon.join("a/b");
        assert_eq!(shown(&start, &start, 2, &canon), canon);
        assert_eq!(find_root(&start, &Search::default()).dir, canon);
    }
}
