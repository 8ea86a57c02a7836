//! Writing generated files safely: preflight everything, then write atomically, or only compare.
//!
//! Preflight classifies every target before anything is written: missing (create), byte-identical
//! (unchanged), dockgen's own untouched output (update: its stamp matches, see [`crate::output::ownership`]),
//! different otherwise (conflict unless `--force`, with a three-way view). Any conflict without force
//! stops the run before the first write and lists them all. Each write goes through a temp file in the
//! target directory and a rename, so a file is either old or new, never half-written; if a later write
//! fails, files already written in this run are restored. Targets that are symlinks, or whose directory
//! resolves outside the project, are refused: dockgen never writes through a link. `.env` is never a
//! target. After a successful write, dockgen keeps a copy of what it wrote for later three-way views
//! (`ownership::remember`).
//!
//! The set is written as one unit ([`Prepared::commit`]): every new file is staged beside its target
//! before the first rename, and a failure or a signal during the renames puts back every file replaced.
//! [`lock`] keeps a second run from writing at the same time.

use std::collections::BTreeMap;
use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::base::error::{Error, Result};
use crate::output::ownership;

/// What happened (or would happen) to one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Created,
    Unchanged,
    /// dockgen's own output, untouched since it was written, replaced by what dockgen writes now.
    Updated,
    Overwritten,
    /// Same content; only the executable bit was restored.
    ModeFixed,
    /// Differs from what dockgen would generate and stops the write (no `--force`, no answer).
    Conflict,
    /// Differs from what dockgen would generate and was kept, as the user chose.
    Kept,
    /// Not managed by dockgen (listed under `unmanaged` in `dockgen.toml`, or just chosen so): neither
    /// written nor compared.
    Unmanaged,
}

#[derive(Debug, Clone, Serialize)]
pub struct FileReport {
    /// Path relative to PATH.
    pub path: String,
    pub status: Status,
    /// Unified diff from the file on disk to the generated one (for `--check` and conflicts).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub diff: Option<String>,
    /// For a conflict: the three-way view (the user's edits and dockgen's changes, each against what
    /// dockgen wrote last), or, when that is not known, why, and the two-way diff.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub three_way: Option<String>,
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
    previous: Option<String>,
    existing: Option<Vec<u8>>,
    existing_exec: bool,
    /// The permission bits of the file on disk, restored with its contents if the run fails.
    existing_mode: Option<u32>,
}

fn io(path: &Path, source: std::io::Error) -> Error {
    Error::Io {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(unix)]
fn is_executable(meta: &fs::Metadata) -> bool {
    mode_of(meta) & 0o111 != 0
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
#[derive(Debug, Clone, Default)]
pub struct OutFile {
    pub rel: String,
    pub content: String,
    pub executable: bool,
    /// What dockgen wrote here last, when the caller knows it (`dockgen.toml`: the text dockgen writes
    /// for the answers read from it); otherwise the stamp in the file's header line tells.
    pub previous: Option<String>,
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
            previous: None,
        })
        .collect()
}

/// The preflight of a write: every target classified, nothing written yet.
pub struct Prepared {
    root: PathBuf,
    canon_root: PathBuf,
    targets: Vec<Target>,
    /// One report per file, in order.
    pub reports: Vec<FileReport>,
    mode: Mode,
    /// A file created with the set only if nothing has its name (see [`Prepared::create_private`]).
    private: Option<Private>,
}

/// The file of [`Prepared::create_private`]: where, what, and its path as reports show it.
struct Private {
    path: PathBuf,
    bytes: Vec<u8>,
    rel: String,
}

/// How to settle one conflicting file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Resolution {
    Keep,
    Overwrite,
    /// Keep it, and leave it alone from now on (the caller records that in `dockgen.toml`).
    StopManaging,
}

/// Classifies every target (see the module docs); writes nothing.
pub fn prepare(root: &Path, files: &[OutFile], mode: Mode) -> Result<Prepared> {
    let canon_root = root.canonicalize().map_err(|e| io(root, e))?;
    let targets = files
        .iter()
        .map(|f| target(root, &canon_root, f))
        .collect::<Result<Vec<_>>>()?;
    let force = matches!(mode, Mode::Write { force: true });
    let reports = targets
        .iter()
        .map(|t| report(root, t, mode, force))
        .collect();
    Ok(Prepared {
        root: root.to_path_buf(),
        canon_root,
        targets,
        reports,
        mode,
        private: None,
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
        return Err(Error::Project {
            message: "refusing to write `.env`: it holds the user's secrets".into(),
        });
    }
    let dir = crate::base::fs::join(root, dir_rel);
    let canon_dir = canonical_dir(&dir)?;
    if !canon_dir.starts_with(canon_root) {
        return Err(Error::Project {
            message: format!(
                "`{dir_rel}` resolves outside the project (through a symlink); refusing to write there"
            ),
        });
    }
    let rel = f.rel.clone();
    let path = canon_dir.join(name);
    let existing_mode = fs::symlink_metadata(&path).ok().map(|m| mode_of(&m));
    let (existing, existing_exec) = match fs::symlink_metadata(&path) {
        Ok(meta) if meta.file_type().is_symlink() => {
            return Err(Error::Project {
                message: format!(
                    "`{rel}` is a symlink; dockgen never writes through links (replace it with a regular file)"
                ),
            });
        }
        Ok(meta) if !meta.is_file() => {
            return Err(Error::NotAFile {
                path: rel.into(),
                kind: crate::base::fs::kind_of(&meta),
            });
        }
        Ok(meta) => (
            Some(crate::base::fs::read_bytes(
                &path,
                Path::new(&rel),
                crate::base::fs::limit::MANIFEST,
            )?),
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
        previous: f.previous.clone(),
        existing,
        existing_exec,
        existing_mode,
    })
}

/// `dir` canonicalised. A directory that does not exist yet (`deploy/kubernetes/base`) is made when
/// writing: the nearest one that exists is canonicalised (and must then be inside the project), with
/// the missing components after it.
fn canonical_dir(dir: &Path) -> Result<PathBuf> {
    let mut existing = dir.to_path_buf();
    let mut missing = Vec::new();
    while fs::symlink_metadata(&existing).is_err() {
        match existing.file_name() {
            Some(n) => missing.push(n.to_os_string()),
            None => break,
        }
        existing.pop();
    }
    let mut canon = existing.canonicalize().map_err(|e| io(dir, e))?;
    canon.extend(missing.iter().rev());
    Ok(canon)
}

/// The status of one target (and its diff, or its three-way view, where there is one to show).
fn report(root: &Path, t: &Target, mode: Mode, force: bool) -> FileReport {
    let (status, diff, three_way) = match &t.existing {
        None => (Status::Created, None, None),
        Some(old) if old == t.content.as_bytes() => {
            if t.executable && !t.existing_exec {
                (Status::ModeFixed, None, None)
            } else {
                (Status::Unchanged, None, None)
            }
        }
        Some(old) => changed(root, t, &String::from_utf8_lossy(old), mode, force),
    };
    let diff = match (mode, status) {
        (Mode::Check, Status::Created) => Some(unified_diff(&t.rel, "", &t.content)),
        _ => diff,
    };
    FileReport {
        path: t.rel.clone(),
        status,
        diff,
        three_way,
    }
}

/// A file on disk that differs from what dockgen writes now: dockgen's own (updated), or the user's
/// (overwritten with force, else a conflict with its three-way view).
fn changed(
    root: &Path,
    t: &Target,
    old: &str,
    mode: Mode,
    force: bool,
) -> (Status, Option<String>, Option<String>) {
    let untouched = match &t.previous {
        Some(previous) => previous == old,
        None => ownership::owner(old) == ownership::Owner::Dockgen,
    };
    // An older dockgen's output (its version in the header, no stamp) with the same content: no drift
    // for --check, and `init` stamps it.
    let older = t.previous.is_none()
        && ownership::owner(old) == ownership::Owner::Unstamped
        && ownership::only_the_header_differs(old, &t.content);
    if older && mode == Mode::Check {
        return (Status::Unchanged, None, None);
    }
    let diff = Some(unified_diff(&t.rel, old, &t.content));
    if untouched || older {
        return (Status::Updated, diff, None);
    }
    if force {
        return (Status::Overwritten, diff, None);
    }
    let base = match &t.previous {
        Some(_) => Err("it is not the text dockgen writes for what it holds".to_string()),
        None => ownership::base(root, &t.rel, old, &t.content),
    };
    let view = ownership::three_way(&t.rel, &base, old, &t.content);
    (Status::Conflict, diff, Some(view))
}

impl Prepared {
    /// Preflights one more file (one whose content depends on how conflicts were settled).
    pub fn add(&mut self, file: &OutFile) -> Result<()> {
        let t = target(&self.root, &self.canon_root, file)?;
        let force = matches!(self.mode, Mode::Write { force: true });
        self.reports.push(report(&self.root, &t, self.mode, force));
        self.targets.push(t);
        Ok(())
    }

    /// Adds `path` (`.env`, which holds secrets) to the set, created readable by its owner only (0600)
    /// when nothing has its name at the rename, never over anything (see [`create_private`]): staged
    /// with the others, so a full disk is found before any file is replaced.
    pub fn create_private(&mut self, path: &Path, bytes: Vec<u8>) {
        self.private = Some(Private {
            path: path.to_path_buf(),
            bytes,
            rel: crate::base::fs::rel(&self.root, path),
        });
    }

    /// Settles a conflicting file: keep the file on disk, overwrite it, or stop managing it.
    pub fn resolve(&mut self, path: &str, how: Resolution) {
        for r in &mut self.reports {
            if r.path == path && r.status == Status::Conflict {
                r.status = match how {
                    Resolution::Keep => Status::Kept,
                    Resolution::Overwrite => Status::Overwritten,
                    Resolution::StopManaging => Status::Unmanaged,
                };
            }
        }
    }

    /// Writes (in write mode) every created, updated or overwritten file as one set (see [`Staged`]):
    /// when it fails or is interrupted, every file it had replaced is put back and its temp files are
    /// removed. Unsettled conflicts stop it before the first write.
    pub fn commit(self) -> Result<Written> {
        if !matches!(self.mode, Mode::Write { .. }) {
            return Ok(Written {
                reports: self.reports,
                warnings: Vec::new(),
                private_created: false,
            });
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
        let _writing = signal::Writing::start();
        let jobs: Vec<(&Target, Status)> = self
            .targets
            .iter()
            .zip(&self.reports)
            .map(|(t, r)| (t, r.status))
            .filter(|(_, s)| {
                matches!(
                    s,
                    Status::Created | Status::Updated | Status::Overwritten | Status::ModeFixed
                )
            })
            .collect();
        let private_created = Staged::stage(&jobs, self.private.as_ref())?.swap()?;
        // Every file now as dockgen writes it, written in this run or already so.
        let current: Vec<&str> = self
            .targets
            .iter()
            .zip(&self.reports)
            .filter(|(_, r)| {
                !matches!(
                    r.status,
                    Status::Conflict | Status::Kept | Status::Unmanaged
                )
            })
            .map(|(t, _)| t.content.as_str())
            .collect();
        let warnings = ownership::remember(&self.root, &current)
            .into_iter()
            .collect();
        Ok(Written {
            reports: self.reports,
            warnings,
            private_created,
        })
    }
}

/// What a write did: one report per file, and what it could not do beside (keep its copies).
#[derive(Debug)]
pub struct Written {
    pub reports: Vec<FileReport>,
    pub warnings: Vec<String>,
    /// Whether the file of [`Prepared::create_private`] was created (not when something had its name).
    pub private_created: bool,
}

/// A set of files being written as one unit. First every new text goes to a temp file beside its
/// target (so a full disk, a read-only directory or any other failure is found before anything is
/// replaced); then each target is replaced by a rename, its old file kept under a temp name by a hard
/// link (so putting it back is a rename too, needing no space). A failure or an interruption (SIGINT,
/// SIGTERM: see [`signal`]) during the renames puts every replaced file back and removes the created
/// ones; the temp files are removed in every case (they delete themselves when dropped).
struct Staged<'a> {
    jobs: Vec<(&'a Target, Status, Option<tempfile::TempPath>)>,
    /// The private file's staged temp file and its path.
    private: Option<(tempfile::TempPath, &'a Private)>,
}

/// What one rename did, to be undone if a later one fails.
enum Done<'a> {
    Created(&'a Target),
    /// Replaced; the old file is at the temp path (or, where hard links fail, only in memory).
    Replaced(&'a Target, Option<tempfile::TempPath>),
    ModeFixed(&'a Target),
}

impl<'a> Staged<'a> {
    fn stage(jobs: &[(&'a Target, Status)], private: Option<&'a Private>) -> Result<Self> {
        let mut staged = Vec::with_capacity(jobs.len());
        for &(t, status) in jobs {
            let tmp = match status {
                Status::ModeFixed => None,
                // A new file may go in a new directory (`deploy/kubernetes/overlays/dev`).
                _ => Some(
                    make_parent(&t.path)
                        .and_then(|()| temp_with(&t.path, t.content.as_bytes(), t.executable))
                        .map_err(|e| shown_as(e, &t.rel))?,
                ),
            };
            staged.push((t, status, tmp));
            signal::check()?;
        }
        let private = match private {
            Some(p) => Some((
                private_temp(&p.path, &p.bytes).map_err(|e| shown_as(e, &p.rel))?,
                p,
            )),
            None => None,
        };
        signal::check()?;
        Ok(Staged {
            jobs: staged,
            private,
        })
    }

    /// Renames every staged file into place, the private one last; whether that one was created.
    fn swap(self) -> Result<bool> {
        let mut done: Vec<Done> = Vec::with_capacity(self.jobs.len());
        for (t, _, tmp) in self.jobs {
            let step = swap_one(t, tmp).map_err(|e| shown_as(e, &t.rel));
            let step = step.and_then(|d| {
                done.push(d);
                signal::pause_for_tests();
                signal::check()
            });
            if let Err(e) = step {
                undo(done);
                return Err(e);
            }
        }
        let Some((tmp, p)) = self.private else {
            return Ok(false);
        };
        match tmp.persist_noclobber(&p.path) {
            Ok(()) => Ok(true),
            // Something took the name since the preflight: it is left as it is.
            Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
            Err(e) => {
                undo(done);
                Err(write_error(Path::new(&p.rel), e.error))
            }
        }
    }
}

/// Replaces one target with its staged temp file (or restores its executable bit).
fn swap_one(t: &Target, tmp: Option<tempfile::TempPath>) -> Result<Done<'_>> {
    let Some(tmp) = tmp else {
        set_executable(&t.path)?;
        return Ok(Done::ModeFixed(t));
    };
    if t.existing.is_none() {
        tmp.persist_noclobber(&t.path)
            .map_err(|e| write_error(&t.path, e.error))?;
        return Ok(Done::Created(t));
    }
    let dir = t.path.parent().unwrap_or(Path::new("."));
    let backup = tempfile::Builder::new()
        .prefix(".dockgen-old-")
        .make_in(dir, |p| fs::hard_link(&t.path, p))
        .ok()
        .map(tempfile::NamedTempFile::into_temp_path);
    tmp.persist(&t.path)
        .map_err(|e| write_error(&t.path, e.error))?;
    Ok(Done::Replaced(t, backup))
}

/// Puts back what the renames in `done` replaced, newest first (best effort: each step is a rename).
fn undo(done: Vec<Done>) {
    for d in done.into_iter().rev() {
        match d {
            Done::Created(t) => {
                let _ = fs::remove_file(&t.path);
            }
            Done::Replaced(t, Some(backup)) => {
                let _ = backup.persist(&t.path);
            }
            Done::Replaced(t, None) => {
                if let Some(old) = &t.existing {
                    let _ = write_atomic(&t.path, old, t.existing_exec);
                    restore_mode(&t.path, t.existing_mode);
                }
            }
            Done::ModeFixed(t) => restore_mode(&t.path, t.existing_mode),
        }
    }
}

/// The binary's signal handler and a write in progress meet here: while a set is being written,
/// SIGINT/SIGTERM only asks it to stop ([`interrupt`]), and the write undoes itself at its next step.
pub mod signal {
    use std::sync::atomic::{AtomicBool, Ordering};

    use crate::base::error::{Error, Result};

    static WRITING: AtomicBool = AtomicBool::new(false);
    static INTERRUPTED: AtomicBool = AtomicBool::new(false);

    /// For a signal handler: asks the write in progress to stop and restore the old files. `false`
    /// when no write is in progress (the handler then does what it does otherwise).
    pub fn interrupt() -> bool {
        if WRITING.load(Ordering::SeqCst) {
            INTERRUPTED.store(true, Ordering::SeqCst);
            true
        } else {
            false
        }
    }

    /// Whether a signal arrived during a write (one that had finished: the new set is complete).
    pub fn interrupted() -> bool {
        INTERRUPTED.load(Ordering::SeqCst)
    }

    /// While it lives, a write is in progress.
    pub(super) struct Writing;

    impl Writing {
        pub(super) fn start() -> Self {
            INTERRUPTED.store(false, Ordering::SeqCst);
            WRITING.store(true, Ordering::SeqCst);
            Writing
        }
    }

    impl Drop for Writing {
        fn drop(&mut self) {
            WRITING.store(false, Ordering::SeqCst);
        }
    }

    pub(super) fn check() -> Result<()> {
        if interrupted() {
            Err(Error::Interrupted)
        } else {
            Ok(())
        }
    }

    /// The variable that makes each rename wait (in milliseconds), so a test can send a signal in the
    /// middle of a write; unset in real runs.
    pub const PAUSE_VAR: &str = "_DOCKGEN_TEST_WRITE_PAUSE_MS";

    pub(super) fn pause_for_tests() {
        let Some(ms) = std::env::var(PAUSE_VAR)
            .ok()
            .and_then(|v| v.parse::<u64>().ok())
        else {
            return;
        };
        let until = std::time::Instant::now() + std::time::Duration::from_millis(ms);
        while std::time::Instant::now() < until && !interrupted() {
            std::thread::sleep(std::time::Duration::from_millis(10));
        }
    }
}

/// How long a second `init` waits for the first to finish writing before it refuses.
pub const LOCK_WAIT: std::time::Duration = std::time::Duration::from_secs(5);

/// The project's write lock: an advisory `flock` on the project directory itself (no lock file is
/// created, and the kernel releases it when the process ends, however it ends). Held from before
/// detection to after the write, so a second run sees the first one's files, not a mix.
pub struct Lock {
    _dir: fs::File,
}

/// Takes the project's write lock, waiting up to [`LOCK_WAIT`] for another run to release it.
pub fn lock(root: &Path) -> Result<Lock> {
    // Opening a FIFO would block: only a directory is opened.
    if !fs::metadata(root).map_err(|e| io(root, e))?.is_dir() {
        return Err(Error::NotADirectory {
            path: root.to_path_buf(),
        });
    }
    let dir = fs::File::open(root).map_err(|e| io(root, e))?;
    let started = std::time::Instant::now();
    loop {
        match dir.try_lock() {
            Ok(()) => return Ok(Lock { _dir: dir }),
            Err(fs::TryLockError::WouldBlock) if started.elapsed() < LOCK_WAIT => {
                std::thread::sleep(std::time::Duration::from_millis(50));
            }
            Err(fs::TryLockError::WouldBlock) => {
                return Err(Error::Locked {
                    path: root.to_path_buf(),
                    waited_secs: LOCK_WAIT.as_secs(),
                });
            }
            // A file system without locks (some network mounts): write unlocked, as before.
            Err(fs::TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::Unsupported => {
                return Ok(Lock { _dir: dir });
            }
            Err(fs::TryLockError::Error(e)) => return Err(io(root, e)),
        }
    }
}

/// A write error names the file as the report does (relative), not by its absolute path.
fn shown_as(e: Error, rel: &str) -> Error {
    match e {
        Error::Write { source, .. } => Error::Write {
            path: rel.into(),
            source,
        },
        other => other,
    }
}

fn write_error(path: &Path, source: std::io::Error) -> Error {
    Error::Write {
        path: path.to_path_buf(),
        source,
    }
}

#[cfg(unix)]
fn mode_of(meta: &fs::Metadata) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    meta.permissions().mode() & 0o7777
}
#[cfg(not(unix))]
fn mode_of(_: &fs::Metadata) -> u32 {
    0
}

/// Puts back the permission bits a restored file had (best effort, like the restore itself).
fn restore_mode(path: &Path, mode: Option<u32>) {
    #[cfg(unix)]
    if let Some(mode) = mode {
        use std::os::unix::fs::PermissionsExt;
        let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode));
    }
    #[cfg(not(unix))]
    let _ = (path, mode);
}

/// Creates the directories a new file goes in (`deploy/kubernetes/overlays/dev`).
fn make_parent(path: &Path) -> Result<()> {
    match path.parent() {
        Some(dir) if !dir.exists() => fs::create_dir_all(dir).map_err(|e| write_error(dir, e)),
        _ => Ok(()),
    }
}

fn write_atomic(path: &Path, bytes: &[u8], executable: bool) -> Result<()> {
    temp_with(path, bytes, executable)?
        .persist(path)
        .map_err(|e| write_error(path, e.error))
}

/// A temp file beside `path` holding `bytes`, synced, with the mode `path` gets; removed when dropped.
fn temp_with(path: &Path, bytes: &[u8], executable: bool) -> Result<tempfile::TempPath> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".dockgen-")
        .tempfile_in(dir)
        .map_err(|e| write_error(path, e))?;
    tmp.write_all(bytes).map_err(|e| write_error(path, e))?;
    tmp.as_file().sync_all().map_err(|e| write_error(path, e))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = if executable { 0o755 } else { 0o644 };
        fs::set_permissions(tmp.path(), fs::Permissions::from_mode(mode))
            .map_err(|e| write_error(path, e))?;
    }
    #[cfg(not(unix))]
    let _ = executable;
    Ok(tmp.into_temp_path())
}

/// Creates `path` with `bytes`, readable by its owner only (0600), unless something (a file, a
/// directory, a link, even a dangling one) already has that name: then it returns `Ok(false)` and
/// touches nothing. Atomic: a temp file in the same directory, moved into place only if the name is still
/// free (no window in which another process's file is overwritten). For `.env`, which holds secrets.
pub fn create_private(path: &Path, bytes: &[u8]) -> Result<bool> {
    if fs::symlink_metadata(path).is_ok() {
        return Ok(false);
    }
    // A signal now waits for the file to be created or not (no temp file left behind).
    let _writing = signal::Writing::start();
    match private_temp(path, bytes)?.persist_noclobber(path) {
        Ok(()) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(write_error(path, e.error)),
    }
}

/// A temp file beside `path` holding `bytes`, synced, readable by its owner only (tempfile creates its
/// files 0600 on Unix); removed when dropped.
fn private_temp(path: &Path, bytes: &[u8]) -> Result<tempfile::TempPath> {
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::Builder::new()
        .prefix(".dockgen-")
        .tempfile_in(dir)
        .map_err(|e| write_error(path, e))?;
    tmp.write_all(bytes).map_err(|e| write_error(path, e))?;
    tmp.as_file().sync_all().map_err(|e| write_error(path, e))?;
    Ok(tmp.into_temp_path())
}

fn set_executable(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(path, fs::Permissions::from_mode(0o755))
            .map_err(|e| write_error(path, e))?;
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
        Ok(prepare(root, &out_files(context, files, executable), mode)?
            .commit()?
            .reports)
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
    fn untouched_output_is_updated_and_an_edited_file_is_a_conflict() {
        let d = tempfile::tempdir().unwrap();
        let stamped = |body: &str| {
            BTreeMap::from([(
                "Dockerfile".to_string(),
                ownership::stamp(&format!("# Generated by dockgen.\n{body}")),
            )])
        };
        let write = Mode::Write { force: false };
        apply(d.path(), ".", &stamped("FROM a\n"), &[], write).unwrap();
        // dockgen's own output, untouched: replaced without --force.
        let r = apply(d.path(), ".", &stamped("FROM b\n"), &[], write).unwrap();
        assert_eq!(r[0].status, Status::Updated);
        assert!(r[0].three_way.is_none());
        let on_disk = fs::read_to_string(d.path().join("Dockerfile")).unwrap();
        assert_eq!(on_disk, stamped("FROM b\n")["Dockerfile"]);
        // The same file edited: a conflict, nothing written, with the three-way view.
        fs::write(
            d.path().join("Dockerfile"),
            on_disk.replace("FROM b", "FROM mine"),
        )
        .unwrap();
        let p = prepare(
            d.path(),
            &out_files(".", &stamped("FROM c\n"), &[]),
            Mode::Check,
        )
        .unwrap();
        assert_eq!(p.reports[0].status, Status::Conflict);
        let view = p.reports[0].three_way.as_deref().unwrap();
        assert!(view.contains("Dockerfile (yours)"), "{view}");
        let err = apply(d.path(), ".", &stamped("FROM c\n"), &[], write).unwrap_err();
        assert!(matches!(err, Error::Conflicts { .. }), "{err}");
        assert!(
            fs::read_to_string(d.path().join("Dockerfile"))
                .unwrap()
                .contains("FROM mine")
        );
        // A caller that knows what dockgen wrote last (dockgen.toml) says so.
        let file = |content: &str, previous: &str| OutFile {
            rel: "dockgen.toml".into(),
            content: content.into(),
            previous: Some(previous.into()),
            ..Default::default()
        };
        fs::write(d.path().join("dockgen.toml"), "port = 1\n").unwrap();
        let r = prepare(d.path(), &[file("port = 2\n", "port = 1\n")], write).unwrap();
        assert_eq!(r.reports[0].status, Status::Updated);
        let r = prepare(d.path(), &[file("port = 2\n", "# mine\nport = 1\n")], write).unwrap();
        assert_eq!(r.reports[0].status, Status::Conflict);
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
    fn a_failed_write_restores_contents_and_modes_and_says_write() {
        use std::os::unix::fs::PermissionsExt;
        let d = tempfile::tempdir().unwrap();
        fs::write(d.path().join("Dockerfile"), "FROM mine\n").unwrap();
        fs::set_permissions(
            d.path().join("Dockerfile"),
            fs::Permissions::from_mode(0o600),
        )
        .unwrap();
        fs::write(d.path().join("entrypoint.sh"), "#!/bin/sh\n").unwrap();
        let prepared = prepare(
            d.path(),
            &out_files(".", &files(), &["entrypoint.sh"]),
            Mode::Write { force: true },
        )
        .unwrap();
        // The second write fails: its target became a non-empty directory after the preflight.
        fs::remove_file(d.path().join("entrypoint.sh")).unwrap();
        fs::create_dir_all(d.path().join("entrypoint.sh/x")).unwrap();
        let err = prepared.commit().unwrap_err();
        assert_eq!(err.to_string(), "failed to write `entrypoint.sh`");
        let dockerfile = d.path().join("Dockerfile");
        assert_eq!(fs::read_to_string(&dockerfile).unwrap(), "FROM mine\n");
        let mode = fs::metadata(&dockerfile).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }

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

        // A directory still to be made below a link out of the project is refused too, and nothing
        // is made there.
        let deep = BTreeMap::from([("a/b/web.yaml".to_string(), "x: 1\n".to_string())]);
        let err = apply(d.path(), "sub", &deep, &[], Mode::Write { force: true }).unwrap_err();
        assert!(err.to_string().contains("outside the project"), "{err}");
        assert!(!outside.path().join("a").exists());
    }

    #[test]
    fn directories_a_file_needs_are_made_when_writing_only() {
        let d = tempfile::tempdir().unwrap();
        let deep = BTreeMap::from([(
            "deploy/kubernetes/base/web.yaml".to_string(),
            "kind: Deployment\n".to_string(),
        )]);
        let r = apply(d.path(), ".", &deep, &[], Mode::Check).unwrap();
        assert_eq!(r[0].status, Status::Created);
        assert!(
            !d.path().join("deploy").exists(),
            "--check makes no directory"
        );
        apply(d.path(), ".", &deep, &[], Mode::Write { force: false }).unwrap();
        assert_eq!(
            fs::read_to_string(d.path().join("deploy/kubernetes/base/web.yaml")).unwrap(),
            "kind: Deployment\n"
        );
    }
}
