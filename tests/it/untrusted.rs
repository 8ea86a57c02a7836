//! A repository dockgen does not trust (issue 19): nothing its git configuration names runs, no write
//! leaves the project, no FIFO hangs a run, and the set of generated files is written as one unit
//! (interrupted, concurrent and out-of-space runs leave the old set or the new one).

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use crate::cli::{copy_fixture, dockgen, run as output};

/// Every file of the project (relative path -> bytes), `.git` left out; a file that vanishes while it is
/// listed is left out too.
fn snapshot(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if e.file_name() == ".git" {
                continue;
            }
            // While a run writes, its temp files come and go between the listing and the read.
            let Ok(t) = e.file_type() else { continue };
            if t.is_dir() {
                stack.push(p);
            } else if let Ok(bytes) = std::fs::read(&p) {
                let rel = p.strip_prefix(dir).unwrap().to_string_lossy().into_owned();
                out.insert(rel, bytes);
            }
        }
    }
    out
}

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args([
            "-c",
            "commit.gpgsign=false",
            "-c",
            "init.defaultBranch=main",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn init(dir: &Path, args: &[&str]) -> (i32, String, String) {
    output(dockgen(dir).arg("init").args(args))
}

fn add_dependency(dir: &Path, line: &str) {
    let path = dir.join("requirements.txt");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(line);
    text.push('\n');
    std::fs::write(path, text).unwrap();
}

/// flask-flaskenv initialised, committed as dockgen wrote it, then `docker-compose.yml` edited and a
/// dependency added, so the three-way view's base can only come from git's history (no copy kept:
/// `init` ran before `git init`).
fn edited_committed_project() -> (tempfile::TempDir, PathBuf) {
    let tmp = copy_fixture("flask-flaskenv");
    let dir = tmp.path().to_path_buf();
    let (code, _, err) = init(&dir, &["--yes"]);
    assert_eq!(code, 0, "{err}");
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "dockgen init"]);
    let compose = std::fs::read_to_string(dir.join("docker-compose.yml")).unwrap();
    let edited = compose.replace("  restart: unless-stopped\n", "  restart: always\n");
    assert_ne!(edited, compose);
    std::fs::write(dir.join("docker-compose.yml"), edited).unwrap();
    add_dependency(&dir, "redis==5.2.1");
    (tmp, dir)
}

/// A shell command that leaves a mark named `name` in `marks`.
fn mark(marks: &Path, name: &str) -> String {
    format!("touch {}/{name}", marks.display())
}

#[test]
fn no_program_the_repositorys_git_config_names_ever_runs() {
    let (_tmp, dir) = edited_committed_project();
    let marks = tempfile::tempdir().unwrap();
    let m = |name: &str| mark(marks.path(), name);
    // Hooks, in the configured hooks directory and in the default one.
    let hooks = dir.join(".git/evil-hooks");
    std::fs::create_dir_all(&hooks).unwrap();
    for name in [
        "pre-commit",
        "post-checkout",
        "post-index-change",
        "reference-transaction",
        "fsmonitor-watchman",
        "pre-auto-gc",
    ] {
        for d in [hooks.clone(), dir.join(".git/hooks")] {
            let p = d.join(name);
            std::fs::write(&p, format!("#!/bin/sh\n{}\n", m(&format!("hook-{name}")))).unwrap();
            Command::new("chmod").arg("+x").arg(&p).status().unwrap();
        }
    }
    let config = [
        ("core.fsmonitor", m("fsmonitor")),
        ("core.hooksPath", hooks.display().to_string()),
        ("core.pager", m("pager")),
        ("pager.cat-file", m("pager-cat-file")),
        ("pager.rev-list", m("pager-rev-list")),
        ("diff.external", m("external-diff")),
        ("diff.evil.textconv", m("textconv")),
        ("filter.evil.clean", m("filter-clean")),
        ("filter.evil.smudge", m("filter-smudge")),
        ("filter.evil.process", m("filter-process")),
        ("core.alternateRefsCommand", m("alternate-refs")),
        ("gpg.program", m("gpg")),
        ("log.showSignature", "true".into()),
        ("core.sshCommand", m("ssh")),
        ("credential.helper", format!("!{}", m("credential"))),
    ];
    for (key, value) in &config {
        git(&dir, &["config", key, value]);
    }
    std::fs::write(dir.join(".gitattributes"), "* filter=evil diff=evil\n").unwrap();
    // A caller's environment (a git hook running dockgen) adds configuration too.
    let (code, out, err) = output(
        dockgen(&dir)
            .args(["init", "--check", "--json"])
            .env("GIT_CONFIG_COUNT", "1")
            .env("GIT_CONFIG_KEY_0", "core.fsmonitor")
            .env("GIT_CONFIG_VALUE_0", m("env-fsmonitor"))
            .env("GIT_EXTERNAL_DIFF", m("env-external-diff"))
            .env("GIT_PAGER", m("env-pager")),
    );
    assert_eq!(code, 1, "drift: {out}{err}");
    let ran: Vec<String> = std::fs::read_dir(marks.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert!(ran.is_empty(), "the repository's programs ran: {ran:?}");
    // git itself did run: the base was found in the history.
    assert!(
        out.contains("`docker-compose.yml` was edited since dockgen wrote it."),
        "{out}"
    );
    // And with --yes (which keeps its copies): still nothing.
    let (code, _, err) = init(&dir, &["--yes"]);
    assert_eq!(code, 1, "the edited file is a conflict: {err}");
    assert_eq!(std::fs::read_dir(marks.path()).unwrap().count(), 0);
}

fn outside_entries(outside: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(outside)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn copies_are_never_written_through_a_link_or_into_another_git_directory() {
    let outside = tempfile::tempdir().unwrap();
    // `.git/dockgen` a symlink to a directory elsewhere.
    let tmp = copy_fixture("flask-flaskenv");
    let dir = tmp.path();
    git(dir, &["init", "-q"]);
    std::os::unix::fs::symlink(outside.path(), dir.join(".git/dockgen")).unwrap();
    let (code, _, err) = init(dir, &["--yes"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(outside_entries(outside.path()), Vec::<String>::new());
    assert!(
        err.contains("`.git/dockgen` is a symlink, not a directory, so dockgen keeps no copies"),
        "{err}"
    );

    // `.git` a file naming a git directory outside the project.
    let tmp = copy_fixture("flask-flaskenv");
    let dir = tmp.path();
    let gitdir = outside.path().join("gitdir");
    git(
        dir,
        &["init", "-q", "--separate-git-dir", gitdir.to_str().unwrap()],
    );
    assert!(dir.join(".git").is_file());
    let (code, _, err) = init(dir, &["--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(!gitdir.join("dockgen").exists());
    assert!(
        err.contains("`.git` is a file pointing to a git directory elsewhere"),
        "{err}"
    );

    // `commondir` pointing outside.
    let tmp = copy_fixture("flask-flaskenv");
    let dir = tmp.path();
    git(dir, &["init", "-q"]);
    std::fs::write(
        dir.join(".git/commondir"),
        format!("{}\n", gitdir.display()),
    )
    .unwrap();
    let (code, _, err) = init(dir, &["--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(!gitdir.join("dockgen").exists());
    assert!(err.contains("`.git/commondir`"), "{err}");
}

fn mkfifo(path: &Path) {
    assert!(Command::new("mkfifo").arg(path).status().unwrap().success());
}

#[test]
fn a_fifo_where_git_reads_is_a_warning_not_a_hang() {
    let (_tmp, dir) = edited_committed_project();
    let config = dir.join(".git/config");
    std::fs::remove_file(&config).unwrap();
    mkfifo(&config);
    let started = Instant::now();
    let (code, out, err) = init(&dir, &["--check", "--json"]);
    assert_eq!(code, 1, "drift: {err}");
    assert!(
        out.contains("git was not run: `.git/config` is a FIFO, which git would block on"),
        "{out}"
    );
    let (code, _, err) = init(&dir, &["--yes"]);
    assert_eq!(code, 1, "a conflict, not a hang: {err}");
    assert!(started.elapsed() < Duration::from_secs(10));
}

#[test]
fn a_fifo_deeper_in_the_git_directory_stops_git_within_its_time_limit() {
    let (_tmp, dir) = edited_committed_project();
    // Only the history holds the base (not the index), and the branch's ref is a FIFO.
    git(&dir, &["rm", "-q", "--cached", "docker-compose.yml"]);
    let head = dir.join(".git/refs/heads/main");
    std::fs::remove_file(&head).unwrap();
    mkfifo(&head);
    let started = Instant::now();
    let (code, out, err) = init(&dir, &["--check", "--json"]);
    assert_eq!(code, 1, "drift: {err}");
    assert!(
        out.contains("the history could not be read: `git rev-list`: it did not finish within 5 s"),
        "{out}"
    );
    assert!(started.elapsed() < Duration::from_secs(15));
}

/// Starts `dockgen init --yes ARGS` with each rename paused for `pause_ms`.
fn paused_init(dir: &Path, args: &[&str], pause_ms: u64) -> Child {
    dockgen(dir)
        .args(["init", "--yes"])
        .args(args)
        .env("_DOCKGEN_TEST_WRITE_PAUSE_MS", pause_ms.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap()
}

/// Waits (up to 20 s) until some file of `before` has other contents on disk.
fn wait_for_a_change(dir: &Path, before: &BTreeMap<String, Vec<u8>>) {
    let started = Instant::now();
    while snapshot(dir)
        .iter()
        .filter(|(k, _)| before.contains_key(*k))
        .all(|(k, v)| before[k] == *v)
    {
        assert!(
            started.elapsed() < Duration::from_secs(20),
            "no file changed"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn finish(child: Child) -> (i32, String) {
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn temp_files(dir: &Path) -> Vec<String> {
    snapshot(dir)
        .into_keys()
        .filter(|k| k.rsplit('/').next().unwrap().starts_with(".dockgen-"))
        .collect()
}

#[test]
fn a_signal_during_the_write_restores_every_replaced_file() {
    for signal in ["-TERM", "-INT"] {
        let tmp = copy_fixture("flask-flaskenv");
        let dir = tmp.path();
        let (code, _, err) = init(dir, &["--yes"]);
        assert_eq!(code, 0, "{err}");
        let before = snapshot(dir);
        // A new port changes the Dockerfile, compose, .env.example and dockgen.toml.
        let child = paused_init(dir, &["--port", "9002"], 2_000);
        wait_for_a_change(dir, &before);
        let pid = child.id().to_string();
        assert!(
            Command::new("kill")
                .args([signal, &pid])
                .status()
                .unwrap()
                .success()
        );
        let (code, err) = finish(child);
        assert_eq!(code, 130, "{signal}: {err}");
        assert!(
            err.contains("interrupted; the project's files are as they were"),
            "{err}"
        );
        assert_eq!(snapshot(dir), before, "{signal}: the old set, whole");
        assert_eq!(temp_files(dir), Vec::<String>::new());
    }
}

#[test]
fn two_inits_at_once_leave_one_runs_files() {
    let tmp = copy_fixture("flask-flaskenv");
    let dir = tmp.path();
    let (code, _, err) = init(dir, &["--yes"]);
    assert_eq!(code, 0, "{err}");
    let before = snapshot(dir);
    let first = paused_init(dir, &["--port", "8101"], 300);
    wait_for_a_change(dir, &before);
    // The second waits for the first's lock, then writes its own set over it.
    let second = paused_init(dir, &["--port", "9002"], 0);
    let (code, err) = finish(first);
    assert_eq!(code, 0, "{err}");
    let (code, err) = finish(second);
    assert_eq!(code, 0, "{err}");
    for (rel, bytes) in snapshot(dir) {
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            !text.contains("8101"),
            "{rel} still has the first run's port:\n{text}"
        );
    }
    let compose = std::fs::read_to_string(dir.join("docker-compose.yml")).unwrap();
    assert!(compose.contains("9002"), "{compose}");

    // A run that holds the lock too long: the second refuses, clearly, and changes nothing.
    let before = snapshot(dir);
    let slow = paused_init(dir, &["--port", "8101"], 8_000);
    wait_for_a_change(dir, &before);
    let (code, _, err) = init(dir, &["--yes", "--port", "7007"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("another dockgen init is running in"), "{err}");
    assert!(
        err.contains("hint: wait for the other run to finish"),
        "{err}"
    );
    let pid = slow.id().to_string();
    Command::new("kill").args(["-TERM", &pid]).status().unwrap();
    let (code, _) = finish(slow);
    assert_eq!(code, 130);
    assert_eq!(snapshot(dir), before);
}

/// A small tmpfs, unmounted when dropped (the temporary directory it is mounted in goes after it).
struct Tmpfs(PathBuf, #[allow(dead_code)] tempfile::TempDir);

impl Tmpfs {
    fn mount(size: &str) -> Option<Tmpfs> {
        let d = tempfile::tempdir().unwrap();
        let at = d.path().join("mnt");
        std::fs::create_dir(&at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(&at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        ok.then_some(Tmpfs(at, d))
    }
}

impl Drop for Tmpfs {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn inodes(dir: &Path) -> BTreeMap<String, u64> {
    use std::os::unix::fs::MetadataExt;
    snapshot(dir)
        .into_keys()
        .map(|k| {
            let ino = std::fs::metadata(dir.join(&k)).unwrap().ino();
            (k, ino)
        })
        .collect()
}

#[test]
fn a_full_disk_is_found_before_the_first_file_is_replaced() {
    // Mounting needs root (the end-to-end tier runs as root too).
    let Some(fs) = Tmpfs::mount("512k") else {
        assert_ne!(
            Command::new("id").arg("-u").output().unwrap().stdout,
            b"0\n",
            "root could not mount a tmpfs"
        );
        return;
    };
    let dir = fs.0.join("shop");
    let fixture = copy_fixture("flask-flaskenv");
    Command::new("cp")
        .arg("-a")
        .arg(fixture.path())
        .arg(&dir)
        .status()
        .unwrap();
    let (code, _, err) = init(&dir, &["--yes"]);
    assert_eq!(code, 0, "{err}");
    let before = snapshot(&dir);
    let ino = inodes(&dir);
    // And a project never initialised: its six files (`.env` too) are created together or not at all.
    let fresh = fs.0.join("fresh");
    Command::new("cp")
        .arg("-a")
        .arg(fixture.path())
        .arg(&fresh)
        .status()
        .unwrap();
    let fresh_before = snapshot(&fresh);
    // Fill the disk but for a few KB: less than the files need.
    let _ = Command::new("dd")
        .args(["if=/dev/zero", "bs=1k", "count=100000"])
        .arg(format!("of={}", fs.0.join("filler").display()))
        .stderr(Stdio::null())
        .status();
    let free = |n: u64| {
        let _ = Command::new("truncate")
            .args(["-s", &format!("-{n}K")])
            .arg(fs.0.join("filler"))
            .status();
    };
    free(6);
    let (code, _, err) = init(&dir, &["--yes", "--port", "9002"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("error: failed to write `"), "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    assert_eq!(snapshot(&dir), before);
    assert_eq!(inodes(&dir), ino, "a file was replaced (and put back)");
    assert_eq!(temp_files(&dir), Vec::<String>::new());

    // Room for exactly the pages of the five files but not for `.env` (tmpfs counts 4 KiB pages): the
    // issue's "fails after writing five of the six files".
    let pages: u64 = snapshot(&dir)
        .iter()
        .filter(|(k, _)| !fresh_before.contains_key(*k) && *k != ".env")
        .map(|(_, v)| (v.len() as u64).div_ceil(4096))
        .sum();
    let _ = Command::new("dd")
        .args(["if=/dev/zero", "bs=4k", "count=100000"])
        .arg(format!("of={}", fs.0.join("filler2").display()))
        .stderr(Stdio::null())
        .status();
    let _ = Command::new("truncate")
        .args(["-s", &format!("-{}K", pages * 4)])
        .arg(fs.0.join("filler"))
        .status();
    let (code, _, err) = init(&fresh, &["--yes"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("No space left on device"), "{err}");
    let names = |m: &BTreeMap<String, Vec<u8>>| m.keys().cloned().collect::<Vec<_>>();
    assert_eq!(
        names(&snapshot(&fresh)),
        names(&fresh_before),
        "no file of the set, and no .env"
    );
}

/// A `uv.lock` of `size` bytes made of small packages (the densest shape for a TOML parser), beside a
/// pyproject.toml and a Flask app.
fn project_with_a_huge_uv_lock(size: usize) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let mut lock = String::from(
        "version = 1\nrequires-python = \">=3.12\"\n\n[[package]]\nname = \"app\"\nversion = \"0.1.0\"\nsource = { virtual = \".\" }\ndependencies = [{ name = \"flask\" }]\n\n[[package]]\nname = \"flask\"\nversion = \"3.0.0\"\nsource = { registry = \"https://pypi.org/simple\" }\n",
    );
    let mut i = 0;
    while lock.len() + 64 < size {
        lock.push_str(&format!(
            "[[package]]\nname = \"p{i}\"\ndependencies = [{{ name = \"q\" }}]\n"
        ));
        i += 1;
    }
    std::fs::write(d.path().join("uv.lock"), lock).unwrap();
    std::fs::write(
        d.path().join("pyproject.toml"),
        "[project]\nname = \"app\"\nversion = \"0.1.0\"\nrequires-python = \">=3.12\"\ndependencies = [\"flask\", \"gunicorn\"]\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("app.py"),
        "from flask import Flask\napp = Flask(__name__)\n",
    )
    .unwrap();
    d
}

#[test]
fn a_huge_lockfile_is_an_error_naming_the_limit_within_1_gib() {
    // Just under 16 MiB, the limit before issue 19 (where it exhausted 1 GiB and aborted).
    let d = project_with_a_huge_uv_lock(16 * 1024 * 1024 - 1024);
    let bin = insta_cmd::get_cargo_bin("dockgen");
    // In a child whose address space is 1 GiB: it must fail cleanly, not abort on a failed allocation.
    let (code, _, err) = output(
        dockgen(d.path())
            .env("_DOCKGEN_TEST_BIN", bin)
            .arg("detect")
            .under_1_gib(),
    );
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("error: `uv.lock` is 1677") && err.contains("over the 8388608-byte limit"),
        "{err}"
    );
}

/// Runs a dockgen command under `ulimit -v 1048576` (1 GiB), through `sh`.
trait UnderUlimit {
    fn under_1_gib(&mut self) -> &mut Command;
}

impl UnderUlimit for Command {
    fn under_1_gib(&mut self) -> &mut Command {
        let args: Vec<String> = self
            .get_args()
            .map(|a| a.to_string_lossy().into_owned())
            .collect();
        let mut sh = Command::new("sh");
        sh.arg("-c")
            .arg("ulimit -v 1048576 && exec \"$_DOCKGEN_TEST_BIN\" \"$@\"")
            .arg("sh")
            .args(args);
        if let Some(dir) = self.get_current_dir() {
            sh.current_dir(dir);
        }
        for (k, v) in self.get_envs() {
            match v {
                Some(v) => sh.env(k, v),
                None => sh.env_remove(k),
            };
        }
        *self = sh;
        self
    }
}

#[test]
/// Its speed (linear in the entries, under 1 s for 12,000) is printed side by side with smaller locks by
/// `cargo bench --bench detect_large_tree`: speed targets live in benchmarks, not in timed tests.
fn a_pipfile_lock_with_12000_entries_is_read_whole() {
    let d = tempfile::tempdir().unwrap();
    let mut entries = vec![
        "\"flask\": {\"hashes\": [], \"index\": \"pypi\", \"version\": \"==3.0.0\"}".to_string(),
        "\"gunicorn\": {\"hashes\": [], \"index\": \"pypi\", \"version\": \"==22.0.0\"}"
            .to_string(),
    ];
    for i in 0..12_000 {
        entries.push(format!(
            "\"pkg-{i}\": {{\n            \"hashes\": [\"sha256:{:064}\"],\n            \"index\": \"pypi\",\n            \"markers\": \"python_version >= '3.8'\",\n            \"version\": \"==1.{i}\"\n        }}",
            i
        ));
    }
    let lock = format!(
        "{{\n    \"_meta\": {{\"requires\": {{\"python_version\": \"3.12\"}}}},\n    \"default\": {{\n        {}\n    }},\n    \"develop\": {{}}\n}}\n",
        entries.join(",\n        ")
    );
    std::fs::write(d.path().join("Pipfile.lock"), lock).unwrap();
    std::fs::write(
        d.path().join("Pipfile"),
        "[packages]\nflask = \"*\"\ngunicorn = \"*\"\n",
    )
    .unwrap();
    std::fs::write(
        d.path().join("app.py"),
        "from flask import Flask\napp = Flask(__name__)\n",
    )
    .unwrap();
    let p = dockgen::detect::detect(d.path(), &Default::default()).unwrap();
    assert!(p.dependencies.has("pkg-0") && p.dependencies.has("pkg-11999"));
}

/// Whether `s` holds a character no terminal line should carry raw (line breaks and tabs are ours).
fn raw_hostile(s: &str) -> Option<char> {
    s.chars()
        .find(|c| *c != '\n' && *c != '\t' && dockgen::base::quote::is_hostile_char(*c))
}

#[test]
fn escape_sequences_and_bidi_controls_from_flags_and_names_never_reach_the_terminal() {
    let value = "x\u{1b}[2J\u{202e}y\u{2066}";
    let tmp = copy_fixture("flask-flaskenv");
    for flag in [
        "--port",
        "--app-dir",
        "--migrate-command",
        "--framework",
        "--task-workers",
        "--python",
        "--color",
        "--memory",
    ] {
        let (code, out, err) = output(dockgen(tmp.path()).args(["init", "--dry-run", flag, value]));
        assert_eq!(code, 2, "{flag}: {err}");
        assert_eq!(raw_hostile(&out), None, "{flag}: {out:?}");
        assert_eq!(raw_hostile(&err), None, "{flag}: {err:?}");
    }
    // A project directory with such a name, shown as the root with -v.
    let parent = tempfile::tempdir().unwrap();
    let dir = parent.path().join(value);
    let status = Command::new("cp")
        .arg("-a")
        .arg(tmp.path())
        .arg(&dir)
        .status()
        .unwrap();
    assert!(status.success());
    let (code, out, err) = output(dockgen(&dir).args(["-v", "init", "--dry-run"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("project root: "), "{err}");
    assert_eq!(raw_hostile(&out), None, "{out:?}");
    assert_eq!(raw_hostile(&err), None, "{err:?}");
}

#[test]
fn a_file_skipped_before_detection_fails_is_named_in_the_error() {
    let tmp = copy_fixture("flask-flaskenv");
    // `.flaskenv` names `server:srv`; the module is not UTF-8, so no app is found.
    std::fs::write(tmp.path().join("server.py"), b"srv = 1\xff\n").unwrap();
    let (code, _, err) = init(tmp.path(), &["--yes"]);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("dockgen also noted, before it stopped:\n  - skipped `server.py` is not valid UTF-8 text (first bad byte at line 1, column 8)"),
        "{err}"
    );
}

#[test]
fn an_unreadable_flaskenv_is_a_warning_naming_it_not_a_silent_skip() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("requirements.txt"), "flask==3.0.0\n").unwrap();
    std::fs::write(
        d.path().join("app.py"),
        "from flask import Flask\napp = Flask(__name__)\n",
    )
    .unwrap();
    mkfifo(&d.path().join(".flaskenv"));
    let p = dockgen::detect::detect(d.path(), &Default::default())
        .expect("the app is still found by its Flask(...) object");
    assert_eq!(p.entrypoint, "app:app");
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("`.flaskenv`") && w.contains("FLASK_APP in it was not read")),
        "{:?}",
        p.warnings
    );
}
