//! Writing generated files safely: preflight everything, then write atomically, or only compare.
//!
//! Preflight classifies every target before anything is written: missing (create), byte-identical
//! (unchanged), different (conflict unless `--force`). Any conflict without force stops the run before the
//! first write and lists them all. Each write goes through a temp file in the target directory and a
//! rename, so a file is either old or new, never half-written; if a later write fails, files already
//! written in this run are restored. Targets that are symlinks, or whose directory resolves outside the
//! project, are refused: dockgen never writes through a link. `.env` is never a target.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::base::error::{Error, Result};

/// What happened (or would happen) to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Created,
    Unchanged,
    Overwritten,
    /// Same content; only the executable bit was restored.
    ModeFixed,
    /// Differs from what dockgen would generate and stops the write (no `--force`, no answer).
    Conflict,
    /// Differs from what dockgen would generate and was kept, as the user chose.
    Kept,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// Path relative to PATH.
    pub path: String,
    pub status: Status,
    /// Unified diff from the file on disk to the generated one (for `--check` and conflicts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
}

/// How `init` treats the disk.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write files; overwrite differing ones only with `force`.
    Write { force: bool },
    /// Write nothing; report what would happen.
    DryRun,
    /// Write nothing; report drift with diffs.
    Check,
}

struct Target {
    rel: String,
    path: PathBuf,
    content: String,
    executable: bool,
    existing: Option<Vec<u8>>,
    existing_exec: bool,
}

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(unix)]
fn is_executable(meta: &fs::Metadata) -> bool {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o111 != 0
}
#[cfg(not(unix))]
fn is_executable(_: &fs::Metadata) -> bool {
    true
}

/// Unified diff from `old` to `new`, labelled with `path`.
pub fn unified_diff(path: &str, old: &str, new: &str) -> String {
    similar::TextDiff::from_lines(old, new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("a/{path}"), &format!("b/{path}"))
        .to_string()
}

/// One file to write, relative to the project root.
#[derive(Debug, Clone)]
pub struct OutFile {
    pub rel: String,
    pub content: String,
    pub executable: bool,
}

/// The generated files, placed in `context` (relative to the root), with their modes.
pub fn out_files(
    context: &str,
    files: &BTreeMap<String, String>,
    executable: &[&str],
) -> Vec<OutFile> {
    files
        .iter()
        .map(|(name, content)| OutFile {
            rel: if context == "." {
                name.clone()
            } else {
                format!("{context}/{name}")
            },
            content: content.clone(),
            executable: executable.contains(&name.as_str()),
        })
        .collect()
}

/// The preflight of a write: every target classified, nothing written yet.
pub struct Prepared {
    targets: Vec<Target>,
    /// One report per file, in order.
    pub reports: Vec<FileReport>,
    mode: Mode,
}

/// How to settle one conflicting file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    Keep,
    Overwrite,
}

/// Classifies every target (see the module docs); writes nothing.
pub fn prepare(root: &Path, files: &[OutFile], mode: Mode) -> Result<Prepared> {
    let canon_root = root.canonicalize().map_err(|e| io(root, e))?;
    let targets = files
        .iter()
        .map(|f| target(root, &canon_root, f))
        .collect::<Result<Vec<_>>>()?;
    let force = matches!(mode, Mode::Write { force: true });
    let reports = targets.iter().map(|t| report(t, mode, force)).collect();
    Ok(Prepared {
        targets,
        reports,
        mode,
    })
}

/// Where `f` goes and what is there now; refuses `.env`, paths through a symlink out of the project,
/// symlinks and non-regular files.
fn target(root: &Path, canon_root: &Path, f: &OutFile) -> Result<Target> {
    let (dir_rel, name) = match f.rel.rsplit_once('/') {
        Some((d, n)) => (d, n),
        None => (".", f.rel.as_str()),
    };
    if name == ".env" {
        return Err(Error::Usage {
            message: "refusing to write `.env`: it holds the user's secrets".into(),
        });
    }
    let dir = crate::base::fs::join(root, dir_rel);
    let canon_dir = dir.canonicalize().map_err(|e| io(&dir, e))?;
    if !canon_dir.starts_with(canon_root) {
        return Err(Error::Usage {
            message: format!(
                "`{dir_rel}` resolves outside the project (through a symlink); refusing to write there"
            ),
        });
    }
    let rel = f.rel.clone();
    let path = canon_dir.join(name);
    let (existing, existing_exec) = match fs::symlink_metadata(&path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(Error::Usage {
                message: format!(
                    "`{rel}` is a symlink; dockgen never writes through links (replace it with a regular file)"
                ),
            });
        }
        Ok(meta) if !meta.is_file() => {
            return Err(Error::NotAFile {
                path: rel.into(),
                kind: "not a regular file",
            });
        }
        Ok(meta) => (
            Some(fs::read(&path).map_err(|e| io(Path::new(&rel), e))?),
            is_executable(&meta),
        ),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => (None, false),
        Err(e) => return Err(io(Path::new(&rel), e)),
    };
    Ok(Target {
        rel,
        path,
        content: f.content.clone(),
        executable: f.executable,
        existing,
        existing_exec,
    })
}

/// The status of one target (and its diff where there is one to show).
fn report(t: &Target, mode: Mode, force: bool) -> FileReport {
    let (status, diff) = match &t.existing {
        None => (Status::Created, None),
        Some(old) if old == t.content.as_bytes() => {
            if t.executable && !t.existing_exec {
                (Status::ModeFixed, None)
            } else {
                (Status::Unchanged, None)
            }
        }
        Some(old) => {
            let diff = unified_diff(&t.rel, &String::from_utf8_lossy(old), &t.content);
            let status = if force {
                Status::Overwritten
            } else {
                Status::Conflict
            };
            (status, Some(diff))
        }
    };
    let diff = match (mode, status) {
        (Mode::Check, Status::Created) => Some(unified_diff(&t.rel, "", &t.content)),
        _ => diff,
    };
    FileReport {
        path: t.rel.clone(),
        status,
        diff,
    }
}

impl Prepared {
    /// Settles a conflicting file: keep the file on disk, or overwrite it.
    pub fn resolve(&mut self, path: &str, how: Resolution) {
        for r in &mut self.reports {
            if r.path == path && r.status == Status::Conflict {
                r.status = match how {
                    Resolution::Keep => Status::Kept,
                    Resolution::Overwrite => Status::Overwritten,
                };
            }
        }
    }

    /// Writes (in write mode) every created or overwritten file, atomically each, undoing the run's
    /// earlier writes if a later one fails. Unsettled conflicts stop it before the first write.
    pub fn commit(self) -> Result<Vec<FileReport>> {
        if !matches!(self.mode, Mode::Write { .. }) {
            return Ok(self.reports);
        }
        let conflicts: Vec<String> = self
            .reports
            .iter()
            .filter(|r| r.status == Status::Conflict)
            .map(|r| r.path.clone())
            .collect();
        if !conflicts.is_empty() {
            return Err(Error::Conflicts { paths: conflicts });
        }
        let mut done: Vec<(&Target, Status)> = Vec::new();
        for (t, r) in self.targets.iter().zip(&self.reports) {
            let result = match r.status {
                Status::Created | Status::Overwritten => {
                    write_atomic(&t.path, t.content.as_bytes(), t.executable)
                }
                Status::ModeFixed => set_executable(&t.path),
                Status::Unchanged | Status::Conflict | Status::Kept => Ok(()),
            };
            if let Err(e) = result {
                for (prev, status) in done.into_iter().rev() {
                    match (status, &prev.existing) {
                        (Status::Created, _) => {
                            let _ = fs::remove_file(&prev.path);
                        }
                        (Status::Overwritten, Some(old)) => {
                            let _ = write_atomic(&prev.path, old, prev.existing_exec);
                        }
                        _ => {}
                    }
                }
                return Err(e);
            }
            done.push((t, r.status));
        }
        Ok(self.reports)
    }
}

fn write_atomic(path: &Path, bytes: &[u8], executable: bool) -> Result<()> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".dockgen-")
        .tempfile_in(dir)
        .map_err(|e| io(path, e))?;
    tmp.write_all(bytes).map_err(|e| io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| io(path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if executable { 0o755 } else { 0o644 };
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(mode))
            .map_err(|e| io(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = executable;
    tmp.persist(path).map_err(|e| io(path, e.error))?;
    Ok(())
}

/// Creates `path` with `bytes`, readable by its owner only (0600), unless something (a file, a
/// directory, a link, even a dangling one) already has that name: then it returns `Ok(false)` and
/// touches nothing. Atomic: a temp file in the same directory, moved into place only if the name is still
/// free (no window in which another process's file is overwritten). For `.env`, which holds secrets.
pub fn create_private(path: &Path, bytes: &[u8]) -> Result<bool> {
    if fs::symlink_metadata(path).is_ok() {
        return Ok(false);
    }
    let dir = path.parent().unwrap_or(Path::new("."));
    // tempfile creates its files with mode 0600 on Unix.
    let mut tmp = tempfile::Builder::new()
        .prefix(".dockgen-")
        .tempfile_in(dir)
        .map_err(|e| io(path, e))?;
    tmp.write_all(bytes).map_err(|e| io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| io(path, e))?;
    match tmp.persist_noclobber(path) {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(io(path, e.error)),
    }
}

fn set_executable(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o755)).map_err(|e| io(path, e))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Preflights and (in write mode) writes `files` (relative to `root/context`) into the project.
    fn apply(
        root: &Path,
        context: &str,
        files: &BTreeMap<String, String>,
        executable: &[&str],
        mode: Mode,
    ) -> Result<Vec<FileReport>> {
        prepare(root, &out_files(context, files, executable), mode)?.commit()
    }

    fn files() -> BTreeMap<String, String> {
        BTreeMap::from([
            ("Dockerfile".to_string(), "FROM x\n".to_string()),
            (
                "entrypoint.sh".to_string(),
                "#!/bin/sh\nexec \"$@\"\n".to_string(),
            ),
        ])
    }

    #[test]
    fn creates_then_is_a_no_op_then_conflicts_without_force() {
        let d = tempfile::tempdir().unwrap();
        let r = apply(
            d.path(),
            ".",
            &files(),
            &["entrypoint.sh"],
            Mode::Write { force: false },
        )
        .unwrap();
        assert!(r.iter().all(|r| r.status == Status::Created));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let m = fs::metadata(d.path().join("entrypoint.sh"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(m & 0o777, 0o755);
        }
        let r = apply(
            d.path(),
            ".",
            &files(),
            &["entrypoint.sh"],
            Mode::Write { force: false },
        )
        .unwrap();
        assert!(r.iter().all(|r| r.status == Status::Unchanged));

        fs::write(d.path().join("Dockerfile"), "FROM mine\n").unwrap();
        let mut changed = files();
        changed.insert(
            "entrypoint.sh".into(),
            "#!/bin/sh\nset -eu\nexec \"$@\"\n".into(),
        );
        let err = apply(
            d.path(),
            ".",
            &changed,
            &["entrypoint.sh"],
            Mode::Write { force: false },
        )
        .unwrap_err();
        match err {
            Error::Conflicts { paths } => assert_eq!(paths, vec!["Dockerfile", "entrypoint.sh"]),
            e => panic!("{e:?}"),
        }
        // Nothing was written: not even the non-conflicting parts.
        assert_eq!(
            fs::read_to_string(d.path().join("Dockerfile")).unwrap(),
            "FROM mine\n"
        );
        assert_eq!(
            fs::read_to_string(d.path().join("entrypoint.sh")).unwrap(),
            "#!/bin/sh\nexec \"$@\"\n"
        );

        let r = apply(
            d.path(),
            ".",
            &changed,
            &["entrypoint.sh"],
            Mode::Write { force: true },
        )
        .unwrap();
        assert_eq!(r[0].status, Status::Overwritten);
        assert_eq!(
            fs::read_to_string(d.path().join("Dockerfile")).unwrap(),
            "FROM x\n"
        );
    }

    #[test]
    fn check_and_dry_run_write_nothing() {
        let d = tempfile::tempdir().unwrap();
        for mode in [Mode::Check, Mode::DryRun] {
            let r = apply(d.path(), ".", &files(), &["entrypoint.sh"], mode).unwrap();
            assert!(r.iter().all(|r| r.status == Status::Created));
            assert_eq!(fs::read_dir(d.path()).unwrap().count(), 0);
        }
        let r = apply(d.path(), ".", &files(), &["entrypoint.sh"], Mode::Check).unwrap();
        assert!(r[0].diff.as_deref().unwrap().contains("+FROM x"));
    }

    #[cfg(unix)]
    #[test]
    fn private_files_are_created_0600_and_never_over_anything() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        let p = d.path().join(".env");
        assert!(create_private(&p, b"A=1\n").unwrap());
        assert_eq!(fs::read_to_string(&p).unwrap(), "A=1\n");
        let mode = fs::metadata(&p).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o600);
        // Never over an existing file, nor through a link (even a dangling one).
        assert!(!create_private(&p, b"A=2\n").unwrap());
        assert_eq!(fs::read_to_string(&p).unwrap(), "A=1\n");
        let link = d.path().join("link.env");
        std::os::unix::fs::symlink(d.path().join("nowhere"), &link).unwrap();
        assert!(!create_private(&link, b"A=3\n").unwrap());
        assert!(!d.path().join("nowhere").exists());
        // No temp file is left behind.
        assert_eq!(fs::read_dir(d.path()).unwrap().count(), 2);
    }

    #[cfg(unix)]
    #[test]
    fn refuses_symlinks_and_env() {
        let d = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        std::os::unix::fs::symlink(outside.path().join("x"), d.path().join("Dockerfile")).unwrap();
        let err = apply(d.path(), ".", &files(), &[], Mode::Write { force: true }).unwrap_err();
        assert!(err.to_string().contains("is a symlink"), "{err}");
        assert!(!outside.path().join("x").exists());

        let env = BTreeMap::from([(".env".to_string(), "X=1\n".to_string())]);
        assert!(apply(d.path(), ".", &env, &[], Mode::Write { force: true }).is_err());

        std::os::unix::fs::symlink(outside.path(), d.path().join("sub")).unwrap();
        let err = apply(d.path(), "sub", &files(), &[], Mode::Write { force: true }).unwrap_err();
        assert!(err.to_string().contains("outside the project"), "{err}");
    }
}
