//! `.dockerignore` patterns, the image's writable directories and compose `develop.watch` paths.

use super::{WatchSync, WritableDir};
use crate::detect::Project;
use crate::framework::{DataDir, DataRole};

/// What the build context leaves out. Never a file the Dockerfile copies.
const DOCKERIGNORE: &[&str] = &[
    ".git",
    ".gitignore",
    ".venv",
    "venv",
    "**/__pycache__",
    "**/*.py[cod]",
    "**/.env",
    "**/.env.*",
    "!**/.env.example",
    "node_modules",
    "**/*.db",
    "**/*.sqlite",
    "**/*.sqlite3",
    ".pytest_cache",
    ".mypy_cache",
    ".ruff_cache",
    ".tox",
    ".nox",
    ".coverage",
    "htmlcov",
    "**/*.egg-info",
    "dist",
    "Dockerfile",
    ".dockerignore",
    "docker-compose.yml",
];

/// The `.dockerignore` patterns, without any that would exclude an install file or the app directory,
/// then the data directories the app's configuration names inside the context (STATIC_ROOT, MEDIA_ROOT,
/// Flask's instance folder): the configured paths only, never every folder that has such a name (a
/// Django app named `media` is code).
pub(super) fn dockerignore(p: &Project, app_dir: &str, compose_file: &str) -> Vec<String> {
    let covers = |pat: &str, path: &str| path == pat || path.starts_with(&format!("{pat}/"));
    let mut out: Vec<String> = DOCKERIGNORE
        .iter()
        .filter(|pat| {
            let pat = pat.trim_start_matches("**/");
            !p.install_files().iter().any(|f| covers(pat, f)) && !covers(pat, app_dir)
        })
        .map(|s| s.to_string())
        .map(|s| {
            if s == super::DEFAULT_COMPOSE_FILE {
                compose_file.to_string()
            } else {
                s
            }
        })
        .collect();
    for d in &p.data_dirs {
        // A folder the code creates may hold files the project ships (seed data): left in the context.
        if d.path.starts_with('/') || d.role == DataRole::Written {
            continue;
        }
        let path = if app_dir == "." {
            d.path.clone()
        } else {
            format!("{app_dir}/{}", d.path)
        };
        if !covers(&path, app_dir) && !p.install_files().iter().any(|f| covers(&path, f)) {
            // A path that cannot be written as a pattern (a line break) is left in the context.
            if let Some(pattern) = crate::base::quote::dockerignore_literal(&path) {
                out.push(format!("/{pattern}"));
            }
        }
    }
    out
}

/// The directories of the image the app's user may write (created, and owned by it); code and the
/// virtualenv stay root's. Uploads (Django's MEDIA_ROOT) and Flask's instance folder; collected static
/// files are produced at build time, so STATIC_ROOT is not among them.
pub(super) fn writable_dirs(p: &Project, workdir: &str) -> Vec<WritableDir> {
    let mut out: Vec<WritableDir> = Vec::new();
    for d in &p.data_dirs {
        let reason = match d.role {
            DataRole::StaticRoot => continue,
            DataRole::MediaRoot => format!("uploaded files ({}, {})", d.label, at(d)),
            DataRole::Instance => {
                format!("{}: per-deployment data such as a SQLite database", d.label)
            }
            DataRole::Written => format!("created and written by the app ({})", d.evidence),
        };
        let path = if d.path.starts_with('/') {
            d.path.clone()
        } else {
            format!("{workdir}/{}", d.path)
        };
        if !out.iter().any(|w| w.path == path) {
            let volume = volume_name(&path);
            out.push(WritableDir {
                path,
                reason,
                volume,
            });
        }
    }
    out
}

/// The named volume compose mounts on a writable directory (the root file system is read-only):
/// `data-app-media` for `/app/media`.
fn volume_name(path: &str) -> String {
    let slug: String = path
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug: Vec<&str> = slug.split('-').filter(|p| !p.is_empty()).collect();
    format!("data-{}", slug.join("-"))
}

/// Where a data directory is configured: `file:line`, or the rule.
fn at(d: &DataDir) -> String {
    match (&d.evidence.file, d.evidence.line) {
        (Some(f), Some(l)) => format!("{f}:{l}"),
        (Some(f), None) => f.clone(),
        _ => d.evidence.rule.clone(),
    }
}

/// `develop.watch`: the app directory syncs into the work directory.
pub(super) fn watch_sync(app_dir: &str, workdir: &str) -> Vec<WatchSync> {
    vec![WatchSync {
        path: if app_dir == "." {
            "./".into()
        } else {
            format!("./{app_dir}")
        },
        target: workdir.to_string(),
    }]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn watch_paths() {
        assert_eq!(watch_sync(".", "/app")[0].path, "./");
        assert_eq!(watch_sync("core", "/app/core")[0].path, "./core");
    }
}
