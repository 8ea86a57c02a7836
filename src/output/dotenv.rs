//! The project's `.env`: what `init` writes there the first time (the entries of `.env.example`, with
//! a fresh random value for every secret and the host user's ids for the dev profile), and whether git
//! ignores it.
//!
//! `.env` is the user's file: it is written only when no file (or link) of that name exists, never over
//! one, with mode 0600 (see [`crate::output::write::create_private`]); `--check` and `--dry-run` never write it.
//! Nothing here prints: `init` reports what happened and the binary says so.

use std::path::{Path, PathBuf};

use ignore::Match;
use ignore::gitignore::{Gitignore, GitignoreBuilder};
use serde::Serialize;

use crate::base::error::{Error, Result};
use crate::base::fs::{self as files};
use crate::base::quote;
use crate::plan::Plan;

/// The file's name, beside docker-compose.yml.
pub const FILE: &str = ".env";

/// What happened (or, for `--check` and `--dry-run`, would happen) to `.env`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum EnvStatus {
    /// Written with fresh secrets.
    Created,
    /// Would be written (`--dry-run`, `--check`).
    WouldCreate,
    /// A `.env` exists and was left as it is.
    Exists,
}

/// The report on `.env`.
#[derive(Debug, Clone, Serialize)]
pub struct EnvFileReport {
    /// Its path, relative to PATH.
    pub path: String,
    pub status: EnvStatus,
    /// The variables that got a fresh random value (none when the file was not written).
    pub secrets: Vec<String>,
}

/// Characters of a generated secret: URL-safe (it goes into `postgres://user:PASSWORD@db`) and free of
/// `$`, quotes and `#`, which compose would interpolate or cut in `.env`. 64 of them, so a random byte
/// maps to one without bias.
const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// 64 characters of 6 bits: 384 bits, and longer than the 50 characters Django's `check --deploy` asks
/// of a SECRET_KEY.
const SECRET_LEN: usize = 64;

/// A fresh secret from the operating system's random source.
pub fn random_secret() -> Result<String> {
    let mut bytes = [0u8; SECRET_LEN];
    getrandom::fill(&mut bytes).map_err(|e| Error::Io {
        path: PathBuf::from("(the system's random source)"),
        source: std::io::Error::other(e.to_string()),
    })?;
    Ok(bytes
        .iter()
        .map(|b| ALPHABET[usize::from(b & 63)] as char)
        .collect())
}

/// The text of a first `.env`: each entry of `.env.example` in order with its comment; a secret (even an
/// optional one, so the app does not fall back to a default everyone knows) gets `secret()`; the dev
/// profile's user ids are `dev_ids` when known. Values the app requires that dockgen cannot know stay
/// empty, so compose refuses to start until they are set. Returns the text and the secrets' names.
pub fn content(
    plan: &Plan,
    dev_ids: Option<(u32, u32)>,
    mut secret: impl FnMut() -> Result<String>,
) -> Result<(String, Vec<String>)> {
    let mut out = String::from(
        "# Written by `dockgen init` with fresh random secrets for this machine; dockgen never writes over it.\n\
         # Keep it out of git (.gitignore) and out of the image (.dockerignore). .env.example documents each entry.\n",
    );
    let mut secrets = Vec::new();
    for e in &plan.env_example {
        out.push('\n');
        if !e.comment.is_empty() {
            out.push_str(&format!("# {}\n", quote::dotenv_comment(&e.comment)));
        }
        let (value, commented) = match (e.secret, e.name.as_str(), dev_ids) {
            (true, _, _) => {
                secrets.push(e.name.clone());
                (secret()?, false)
            }
            (false, "DEV_UID", Some((uid, _))) => (uid.to_string(), false),
            (false, "DEV_GID", Some((_, gid))) => (gid.to_string(), false),
            _ => (e.value.clone(), e.commented_out),
        };
        let hash = if commented { "# " } else { "" };
        out.push_str(&format!(
            "{hash}{}={}\n",
            e.name,
            quote::dotenv_value(&value)
        ));
    }
    Ok((out, secrets))
}

/// The owner of `dir` (uid, gid): the host user the dev profile should run as, since it owns the source
/// the profile bind-mounts.
pub fn owner_of(dir: &Path) -> Option<(u32, u32)> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::MetadataExt;
        std::fs::metadata(dir).ok().map(|m| (m.uid(), m.gid()))
    }
    #[cfg(not(unix))]
    {
        let _ = dir;
        None
    }
}

/// Whether git ignores `dir/.env`, as git decides: the `.gitignore` of every directory from the work
/// tree's root (the nearest ancestor with `.git`; without one, `root`) down to `dir`, the deepest match
/// winning, then `.git/info/exclude`, then the user's global excludes file. Ignore files are read with
/// the same type and size checks as every other input; an unreadable one counts as absent.
pub fn ignored_by_git(root: &Path, dir: &Path) -> bool {
    let Ok(dir) = dir.canonicalize() else {
        return false;
    };
    let root = root.canonicalize().unwrap_or_else(|_| dir.clone());
    let top = dir
        .ancestors()
        .find(|a| files::exists(&a.join(".git")))
        .map_or(root, Path::to_path_buf);
    let target = dir.join(FILE);
    // From `dir` up to `top`: the deepest .gitignore first.
    let mut matchers: Vec<Gitignore> = dir
        .ancestors()
        .take_while(|a| a.starts_with(&top))
        .filter_map(|a| matcher(a, &a.join(".gitignore")))
        .collect();
    matchers.extend(matcher(&top, &top.join(".git/info/exclude")));
    // The user's own excludes file (core.excludesFile), rooted at the work tree like git roots it.
    matchers.push(GitignoreBuilder::new(&top).build_global().0);
    // Every matcher is rooted at an ancestor of `target`, as `matched_path_or_any_parents` requires.
    for m in &matchers {
        match m.matched_path_or_any_parents(&target, false) {
            Match::Ignore(_) => return true,
            Match::Whitelist(_) => return false,
            Match::None => {}
        }
    }
    false
}

/// The patterns of one ignore file, relative to `base`; `None` when it is missing or unreadable.
fn matcher(base: &Path, file: &Path) -> Option<Gitignore> {
    let text = files::read_text(file, file, files::limit::IGNORE).ok()?;
    // A malformed pattern is skipped, as git skips it.
    crate::parse::walk::gitignore(base, file, &text).0
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn ignored(files_: &[(&str, &str)], dir: &str) -> bool {
        let d = tempfile::tempdir().unwrap();
        for (name, text) in files_ {
            let p = d.path().join(name);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        fs::create_dir_all(d.path().join(dir)).unwrap();
        ignored_by_git(d.path(), &d.path().join(dir))
    }

    #[test]
    fn gitignore_semantics() {
        // No ignore file: not ignored.
        assert!(!ignored(&[], "."));
        assert!(ignored(&[(".gitignore", ".env\n")], "."));
        assert!(ignored(&[(".gitignore", "*.env\n")], "."));
        assert!(ignored(&[(".gitignore", ".env*\n!.env.example\n")], "."));
        // A pattern with a slash is anchored to its file's directory.
        assert!(!ignored(&[(".gitignore", "/.env\n")], "app"));
        assert!(ignored(&[(".gitignore", ".env\n")], "app"));
        assert!(ignored(&[("app/.gitignore", ".env\n")], "app"));
        // The last match wins, and a deeper file wins over a shallower one.
        assert!(!ignored(&[(".gitignore", ".env\n!.env\n")], "."));
        assert!(!ignored(
            &[(".gitignore", ".env\n"), ("app/.gitignore", "!.env\n")],
            "app"
        ));
        // A comment or an escaped pattern is not a match.
        assert!(!ignored(&[(".gitignore", "# .env\n")], "."));
        // .git/info/exclude counts, at the work tree's root.
        assert!(ignored(&[(".git/info/exclude", ".env\n")], "app"));
        // An ignored directory ignores what is in it.
        assert!(ignored(&[(".gitignore", "deploy/\n")], "deploy"));
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_named_gitignore_does_not_hang() {
        let d = tempfile::tempdir().unwrap();
        let fifo = d.path().join(".gitignore");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        assert!(!ignored_by_git(d.path(), d.path()));
    }

    #[test]
    fn secrets_are_long_random_and_safe_in_dotenv_and_urls() {
        let a = random_secret().unwrap();
        let b = random_secret().unwrap();
        assert_ne!(a, b);
        assert_eq!(a.len(), SECRET_LEN);
        assert!(a.bytes().all(|c| ALPHABET.contains(&c)), "{a}");
        // Django's check --deploy: at least 50 characters, at least 5 distinct.
        let distinct: std::collections::BTreeSet<char> = a.chars().collect();
        assert!(distinct.len() >= 5);
    }
}
