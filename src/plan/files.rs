//! `.dockerignore` patterns and compose `develop.watch` paths.

use super::WatchSync;
use crate::detect::Project;

/// What the build context leaves out. Never a file the Dockerfile copies.
const DOCKERIGNORE: &[&str] = &[
    ".git",
    ".gitignore",
    ".venv",
    "venv",
    "**/__pycache__",
    "**/*.py[cod]",
    ".env",
    ".env.*",
    "!.env.example",
    "node_modules",
    "**/staticfiles",
    "**/media",
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

/// The `.dockerignore` patterns, without any that would exclude an install file or the app directory.
pub(super) fn dockerignore(p: &Project, app_dir: &str, compose_file: &str) -> Vec<String> {
    let covers = |pat: &str, path: &str| path == pat || path.starts_with(&format!("{pat}/"));
    DOCKERIGNORE
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
        .collect()
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
