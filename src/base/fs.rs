//! Safe reading of project files.
//!
//! Detection reads files a user did not write for us: they may be FIFOs (opening one blocks forever),
//! symlink loops, binary blobs, huge, or not UTF-8. Everything goes through [`read_text`], which checks the
//! file type and size before opening, so no input can hang or exhaust memory. This module does not decide
//! what to do with a bad file: callers choose between failing (manifests) and skipping with a warning
//! (Python sources scanned for evidence).

use std::fs;
use std::io::Read;
use std::path::{Path, PathBuf};

use super::error::{Error, Result};

/// Size limits by kind of file, in bytes.
pub mod limit {
    /// Manifests (`pyproject.toml`, `Pipfile`): real ones are kilobytes.
    pub const MANIFEST: u64 = 16 * 1024 * 1024;
    /// Lockfiles (`uv.lock`, `poetry.lock`, `pdm.lock`, `Pipfile.lock`): a large real one is 1 to 3 MiB.
    /// Parsing a TOML lock takes up to about 80 times its size in memory, so this keeps a hostile one
    /// well under 1 GiB (issue 19: a 16 MiB `uv.lock` exhausted it); over it, detection stops with an
    /// error naming the limit.
    pub const LOCKFILE: u64 = 8 * 1024 * 1024;
    /// Requirements files: real ones are kilobytes; anything this big is not a requirements file.
    pub const REQUIREMENTS: u64 = 4 * 1024 * 1024;
    /// Python sources scanned for app objects and settings.
    pub const SOURCE: u64 = 2 * 1024 * 1024;
    /// Small marker files such as `.python-version` or `runtime.txt`.
    pub const SMALL: u64 = 64 * 1024;
    /// Ignore files (`.gitignore`): real ones are a few kilobytes, large monorepo ones well under this.
    pub const IGNORE: u64 = 1024 * 1024;
    /// A fork's templates: the built-in ones are a few kilobytes.
    pub const TEMPLATE: u64 = 1024 * 1024;
}

/// Reads a regular file as UTF-8 text (a BOM is dropped), refusing FIFOs, devices, directories, files over
/// `max` bytes and invalid UTF-8. `shown` is the path used in error messages (relative to the project).
pub fn read_text(path: &Path, shown: &Path, max: u64) -> Result<String> {
    let meta = fs::metadata(path).map_err(|source| Error::Io {
        path: shown.to_path_buf(),
        source,
    })?;
    if !meta.is_file() {
        return Err(Error::NotAFile {
            path: shown.to_path_buf(),
            kind: kind_of(&meta),
        });
    }
    if meta.len() > max {
        return Err(Error::TooLarge {
            path: shown.to_path_buf(),
            size: meta.len(),
            limit: max,
        });
    }
    let file = fs::File::open(path).map_err(|source| Error::Io {
        path: shown.to_path_buf(),
        source,
    })?;
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    // `take` guards against a file that grows between the stat and the read.
    file.take(max + 1)
        .read_to_end(&mut bytes)
        .map_err(|source| Error::Io {
            path: shown.to_path_buf(),
            source,
        })?;
    if bytes.len() as u64 > max {
        return Err(Error::TooLarge {
            path: shown.to_path_buf(),
            size: bytes.len() as u64,
            limit: max,
        });
    }
    let text = String::from_utf8(bytes).map_err(|e| {
        let valid = e.utf8_error().valid_up_to();
        let prefix = std::str::from_utf8(&e.as_bytes()[..valid]).unwrap_or_default();
        Error::NotUtf8 {
            path: shown.to_path_buf(),
            pos: super::error::position_of(prefix, valid),
        }
    })?;
    Ok(match text.strip_prefix('\u{feff}') {
        Some(rest) => rest.to_string(),
        None => text,
    })
}

/// [`read_text`] for a file of the project at `root`, refusing one that resolves (through a link) to a
/// file outside it: a manifest linked to `/etc/passwd` or another checkout is not this project's.
pub fn read_inside(root: &Path, path: &Path, shown: &Path, max: u64) -> Result<String> {
    let inside = match (root.canonicalize(), path.canonicalize()) {
        (Ok(root), Ok(path)) => path.starts_with(root),
        // Missing or a loop: read_text says which.
        _ => true,
    };
    if !inside {
        return Err(Error::NotAFile {
            path: shown.to_path_buf(),
            kind: "a link to a file outside the project",
        });
    }
    read_text(path, shown, max)
}

/// Reads a regular file's bytes, whatever they are, refusing FIFOs, devices, directories and files over
/// `max` bytes (a file already where dockgen writes, compared byte for byte).
pub fn read_bytes(path: &Path, shown: &Path, max: u64) -> Result<Vec<u8>> {
    let io = |source| Error::Io {
        path: shown.to_path_buf(),
        source,
    };
    let meta = fs::metadata(path).map_err(io)?;
    if !meta.is_file() {
        return Err(Error::NotAFile {
            path: shown.to_path_buf(),
            kind: kind_of(&meta),
        });
    }
    let mut bytes = Vec::new();
    fs::File::open(path)
        .and_then(|f| f.take(max + 1).read_to_end(&mut bytes))
        .map_err(io)?;
    if bytes.len() as u64 > max {
        return Err(Error::TooLarge {
            path: shown.to_path_buf(),
            size: meta.len().max(bytes.len() as u64),
            limit: max,
        });
    }
    Ok(bytes)
}

/// Whether `path` is a regular file (following symlinks; a dangling link or loop is "no").
pub fn is_file(path: &Path) -> bool {
    fs::metadata(path).map(|m| m.is_file()).unwrap_or(false)
}

/// Whether `path` exists at all, in any form (so a FIFO named `pyproject.toml` is noticed and then refused).
pub fn exists(path: &Path) -> bool {
    fs::symlink_metadata(path).is_ok()
}

/// What a file that is not a regular file is, in words for a message (`a FIFO`, `a directory`).
pub fn kind_of(meta: &fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let t = meta.file_type();
        if t.is_fifo() {
            return "a FIFO";
        }
        if t.is_socket() {
            return "a socket";
        }
        if t.is_block_device() || t.is_char_device() {
            return "a device";
        }
    }
    if meta.is_dir() {
        "a directory"
    } else {
        "not a regular file"
    }
}

/// A path relative to the project root, with `/` separators, for reports (never absolute).
pub fn rel(root: &Path, path: &Path) -> String {
    let p = path.strip_prefix(root).unwrap_or(path);
    let s = p
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    if s.is_empty() { ".".into() } else { s }
}

/// Joins a `/`-separated relative path onto `root`.
pub fn join(root: &Path, rel: &str) -> PathBuf {
    if rel == "." {
        root.to_path_buf()
    } else {
        rel.split('/').fold(root.to_path_buf(), |p, c| p.join(c))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn refuses_non_utf8_large_and_directories() {
        let dir = tempfile::tempdir().unwrap();
        let bad = dir.path().join("bad.txt");
        fs::write(&bad, b"ok\xff\xfe").unwrap();
        let err = read_text(&bad, Path::new("bad.txt"), 100).unwrap_err();
        assert!(
            matches!(
                err,
                Error::NotUtf8 {
                    pos: crate::base::error::Position { line: 1, column: 3 },
                    ..
                }
            ),
            "{err:?}"
        );

        let big = dir.path().join("big.txt");
        fs::write(&big, vec![b'a'; 101]).unwrap();
        assert!(matches!(
            read_text(&big, Path::new("big.txt"), 100),
            Err(Error::TooLarge { size: 101, .. })
        ));

        assert!(matches!(
            read_text(dir.path(), Path::new("."), 100),
            Err(Error::NotAFile {
                kind: "a directory",
                ..
            })
        ));
    }

    #[test]
    fn strips_bom() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("f");
        fs::write(&f, "\u{feff}3.12\n").unwrap();
        assert_eq!(read_text(&f, Path::new("f"), 100).unwrap(), "3.12\n");
    }

    #[cfg(unix)]
    #[test]
    fn refuses_fifo_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("requirements.txt");
        let status = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(status.success());
        let err = read_text(&fifo, Path::new("requirements.txt"), 100).unwrap_err();
        assert!(
            matches!(err, Error::NotAFile { kind: "a FIFO", .. }),
            "{err:?}"
        );
    }

    #[cfg(unix)]
    #[test]
    fn bytes_are_read_within_the_limit_and_never_from_a_fifo() {
        let dir = tempfile::tempdir().unwrap();
        let f = dir.path().join("Dockerfile");
        fs::write(&f, b"FROM x\n\xff").unwrap();
        assert_eq!(
            read_bytes(&f, Path::new("Dockerfile"), 8).unwrap(),
            b"FROM x\n\xff"
        );
        assert!(matches!(
            read_bytes(&f, Path::new("Dockerfile"), 7),
            Err(Error::TooLarge {
                size: 8,
                limit: 7,
                ..
            })
        ));
        let fifo = dir.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        assert!(matches!(
            read_bytes(&fifo, Path::new("fifo"), 8),
            Err(Error::NotAFile { kind: "a FIFO", .. })
        ));
    }

    #[cfg(unix)]
    #[test]
    fn a_link_out_of_the_project_is_not_read() {
        let outside = tempfile::tempdir().unwrap();
        let root = tempfile::tempdir().unwrap();
        fs::write(outside.path().join("secret"), "[project]\n").unwrap();
        let link = root.path().join("pyproject.toml");
        std::os::unix::fs::symlink(outside.path().join("secret"), &link).unwrap();
        let err = read_inside(root.path(), &link, Path::new("pyproject.toml"), 100).unwrap_err();
        assert_eq!(
            err.to_string(),
            "`pyproject.toml` is not a regular file (a link to a file outside the project)"
        );
        fs::write(root.path().join("real"), "x").unwrap();
        let inner = root.path().join("inner");
        std::os::unix::fs::symlink(root.path().join("real"), &inner).unwrap();
        assert_eq!(
            read_inside(root.path(), &inner, Path::new("inner"), 100).unwrap(),
            "x"
        );
    }

    #[test]
    fn rel_paths_use_slashes_and_dot() {
        let root = Path::new("/p");
        assert_eq!(rel(root, Path::new("/p")), ".");
        assert_eq!(rel(root, Path::new("/p/core/manage.py")), "core/manage.py");
        assert_eq!(join(root, "core/config"), Path::new("/p/core/config"));
    }
}
