//! Reading a repository dockgen does not trust: where its git directory is (found without following
//! links), and `git` run so that nothing the repository configures can execute.
//!
//! dockgen reads three things from git, all for the three-way view of a conflict (see
//! [`crate::output::ownership`]): the staged version of a generated file (`git cat-file` on `:path`), the
//! commits that touched it (`git rev-list HEAD -- path`) and their versions of it (`git cat-file
//! --batch`). It writes one thing, its copies of what it wrote, in `dockgen/` inside the git directory
//! ([`copy_store`]). Nothing else.
//!
//! A cloned repository's `.git/config` is the repository's, not the user's: it can name programs git
//! runs (`core.fsmonitor` when the index is read, hooks, pagers, `diff.external`, textconv and filter
//! drivers). So git runs here with a clean environment (no system or global configuration, no
//! `GIT_*` variables from the caller), with every configured program switched off on the command line
//! (`-c` beats any configuration file), with commands that apply no filters or textconv, and through
//! [`crate::base::child`] with a time and output limit. Before git runs, the files it opens first are
//! checked: a FIFO or device there (a `.git/config` that would block git forever) is reported and git is
//! not run.
//!
//! This module never prints; it returns the reasons for the caller to show.

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use crate::base::child::{self, Limits};

/// How long one git command may take: reading a few hundred blobs takes milliseconds.
const TIMEOUT: Duration = Duration::from_secs(5);
/// How much one git command may print: the versions of a generated file (a few KB) in 200 commits.
const MAX_OUTPUT: usize = 32 * 1024 * 1024;

/// The configuration every git run overrides: each setting that names a program git would run (or a
/// background job it would start) while reading objects, refs or the index.
const SWITCHED_OFF: &[&str] = &[
    "core.fsmonitor=false",
    "core.hooksPath=/dev/null",
    "core.pager=cat",
    "core.askPass=",
    "core.sshCommand=",
    "core.editor=true",
    "core.untrackedCache=false",
    "diff.external=",
    "credential.helper=",
    "protocol.allow=never",
    "gc.auto=0",
    "maintenance.auto=false",
    "fetch.recurseSubmodules=false",
    "submodule.recurse=false",
];

/// Where a repository's git directory is, as found from a project directory.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Repo {
    /// The work tree's top: the directory holding `.git`.
    pub top: PathBuf,
    /// `top/.git`.
    pub git: PathBuf,
    /// What `.git` is.
    pub kind: GitKind,
}

/// What the `.git` entry is. Only a real directory is a git directory dockgen writes into.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitKind {
    /// A directory of its own (not a link).
    Dir,
    /// A `.git` file (`gitdir: ...`: a linked worktree or a submodule): the git directory is elsewhere.
    File,
    /// A symlink, or anything else (a FIFO, a device).
    Other(&'static str),
}

/// The repository `dir` is in: the nearest ancestor with a `.git` entry, looked at without following it.
pub fn find(dir: &Path) -> Option<Repo> {
    let dir = dir.canonicalize().ok()?;
    dir.ancestors().find_map(|top| {
        let git = top.join(".git");
        let meta = std::fs::symlink_metadata(&git).ok()?;
        let t = meta.file_type();
        let kind = if t.is_dir() {
            GitKind::Dir
        } else if t.is_file() {
            GitKind::File
        } else if t.is_symlink() {
            GitKind::Other("a symlink")
        } else {
            GitKind::Other("not a regular file or directory")
        };
        Some(Repo {
            top: top.to_path_buf(),
            git,
            kind,
        })
    })
}

/// The files git opens first when it reads this repository, relative to the git directory.
const OPENED_FIRST: &[&str] = &[
    "config",
    "HEAD",
    "index",
    "commondir",
    "packed-refs",
    "shallow",
    "info/grafts",
    "info/attributes",
    "objects/info/alternates",
];

/// Why git must not run in `repo`, if it must not: a FIFO, device or socket among the files git opens
/// first (one that would block it), or a `.git` that is neither a directory nor a `gitdir:` file.
pub fn unreadable(repo: &Repo) -> Option<String> {
    match repo.kind {
        GitKind::Dir => {}
        GitKind::File => return None,
        GitKind::Other(what) => return Some(format!("`.git` is {what}")),
    }
    for name in OPENED_FIRST {
        let path = repo.git.join(name);
        let Ok(meta) = std::fs::metadata(&path) else {
            continue;
        };
        if !meta.is_file() {
            return Some(format!(
                "`.git/{name}` is {}, which git would block on",
                crate::base::fs::kind_of(&meta)
            ));
        }
    }
    None
}

/// Why a git command gave no output, in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum GitError {
    /// git answered with an error (no such revision, an unborn `HEAD`): an answer, not a problem.
    Failed(String),
    /// git was not run, or was stopped (a FIFO, the time limit, too much output): worth a warning.
    Unreadable(String),
}

impl std::fmt::Display for GitError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GitError::Failed(why) | GitError::Unreadable(why) => f.write_str(why),
        }
    }
}

/// Runs `git args` in `repo` (stdin `input`) with nothing configured able to run, within the limits.
pub fn run(repo: &Repo, args: &[&str], input: Option<&[u8]>) -> Result<Vec<u8>, GitError> {
    if let Some(why) = unreadable(repo) {
        return Err(GitError::Unreadable(format!("git was not run: {why}")));
    }
    let mut cmd = Command::new("git");
    // Nothing from the caller's environment (GIT_DIR from a hook, GIT_CONFIG_COUNT, GIT_EXTERNAL_DIFF,
    // GIT_PAGER...): only where to find git.
    cmd.env_clear();
    if let Some(path) = std::env::var_os("PATH") {
        cmd.env("PATH", path);
    }
    cmd.env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_CONFIG_GLOBAL", "/dev/null")
        .env("GIT_TERMINAL_PROMPT", "0")
        .env("GIT_OPTIONAL_LOCKS", "0")
        .env("GIT_NO_REPLACE_OBJECTS", "1")
        .env("LC_ALL", "C")
        .current_dir(&repo.top)
        .arg("--no-pager")
        .arg("--no-replace-objects");
    for setting in SWITCHED_OFF {
        cmd.arg("-c").arg(setting);
    }
    cmd.arg("--git-dir")
        .arg(&repo.git)
        .arg("--work-tree")
        .arg(&repo.top)
        .args(args);
    let limits = Limits {
        timeout: TIMEOUT,
        max_output: MAX_OUTPUT,
    };
    child::run(&mut cmd, input, limits).map_err(|e| {
        let why = format!("`git {}`: {e}", args[0]);
        match e {
            child::Failure::Failed(_) => GitError::Failed(why),
            _ => GitError::Unreadable(why),
        }
    })
}

/// The copy store, `dockgen/` in the repository's own git directory, created if missing; or why dockgen
/// keeps no copies there. Checked without following links: `.git` must be a real directory (not a
/// `gitdir:` file or a link), not share another repository's objects through `commondir`, and
/// `.git/dockgen` must be a real directory or absent.
pub fn copy_store(repo: &Repo) -> Result<PathBuf, String> {
    match repo.kind {
        GitKind::Dir => {}
        GitKind::File => {
            return Err(
                "`.git` is a file pointing to a git directory elsewhere (a linked worktree or a submodule), so dockgen keeps no copies of what it wrote".into(),
            );
        }
        GitKind::Other(what) => {
            return Err(format!(
                "`.git` is {what}, so dockgen keeps no copies of what it wrote"
            ));
        }
    }
    if std::fs::symlink_metadata(repo.git.join("commondir")).is_ok() {
        return Err(
            "`.git/commondir` points to another git directory, so dockgen keeps no copies of what it wrote".into(),
        );
    }
    let store = repo.git.join("dockgen");
    match std::fs::symlink_metadata(&store) {
        Ok(meta) if meta.file_type().is_dir() => Ok(store),
        Ok(meta) => Err(format!(
            "`.git/dockgen` is {}, not a directory, so dockgen keeps no copies of what it wrote (remove it to let dockgen keep them)",
            if meta.file_type().is_symlink() {
                "a symlink"
            } else {
                crate::base::fs::kind_of(&meta)
            }
        )),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            // Not create_dir_all: the parent is the git directory just checked.
            std::fs::create_dir(&store)
                .map(|()| store)
                .map_err(|e| format!("cannot create `.git/dockgen`: {e}"))
        }
        Err(e) => Err(format!("cannot read `.git/dockgen`: {e}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[cfg(unix)]
    #[test]
    fn the_copy_store_is_a_real_directory_in_a_real_git_directory() {
        let d = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let root = d.path().join("p");
        std::fs::create_dir_all(root.join(".git")).unwrap();
        let repo = find(&root.join(".")).unwrap();
        assert_eq!(repo.kind, GitKind::Dir);
        assert_eq!(copy_store(&repo).unwrap(), repo.git.join("dockgen"));
        std::fs::remove_dir(repo.git.join("dockgen")).unwrap();
        std::os::unix::fs::symlink(outside.path(), repo.git.join("dockgen")).unwrap();
        let err = copy_store(&repo).unwrap_err();
        assert!(err.contains("`.git/dockgen` is a symlink"), "{err}");
        std::fs::remove_file(repo.git.join("dockgen")).unwrap();
        std::fs::write(repo.git.join("commondir"), outside.path().to_str().unwrap()).unwrap();
        assert!(copy_store(&repo).unwrap_err().contains("commondir"));
        std::fs::remove_dir_all(repo.git).unwrap();
        std::fs::write(root.join(".git"), "gitdir: /elsewhere\n").unwrap();
        let repo = find(&root).unwrap();
        assert_eq!(repo.kind, GitKind::File);
        assert!(copy_store(&repo).unwrap_err().contains("a file pointing"));
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    }
}
