//! Ownership of generated files (issue 11): dockgen updates its own untouched output without `--force`,
//! shows an edited file as a three-way conflict, can stop managing a file, and puts no version number in
//! what `--check` compares.

use std::path::Path;
use std::process::Command;

use dockgen::init::answers::Layer;
use dockgen::init::prompt::{Reply, Scripted};
use dockgen::init::{KEEP, OVERWRITE, Outcome, Request, STOP_MANAGING, run};
use dockgen::output::write::{Mode, Status};

use crate::cli::{copy_fixture, dockgen, run as output};
use crate::support::settings;

/// flask-flaskenv asks eight questions (framework, app directory, entrypoint, Python, port, Postgres,
/// Redis, front proxy): all at their defaults here.
const DECISIONS: usize = 8;

fn request(root: &Path) -> Request {
    Request {
        root: root.to_path_buf(),
        flags: Layer::default(),
        env: Layer::default(),
        mode: Mode::Write { force: false },
        // As the binary names the image: after the project's directory.
        name_hint: Some(PROJECT.into()),
        cwd: root.to_path_buf(),
        index: None,
        // Every run asks all the questions (re-runs that keep earlier answers: guided_flow.rs).
        ask_all: true,
    }
}

/// The project's directory name, which names the image: fixed, so the views are the same every run.
const PROJECT: &str = "shop";

/// A copy of fixture `name` in `<tmp>/shop`; returns the temporary directory and the project in it.
fn copy_project(name: &str) -> (tempfile::TempDir, std::path::PathBuf) {
    let tmp = copy_fixture(name);
    let project = tmp.path().join(PROJECT);
    std::fs::create_dir(&project).unwrap();
    for e in std::fs::read_dir(tmp.path()).unwrap().flatten() {
        if e.file_name() != PROJECT {
            std::fs::rename(e.path(), project.join(e.file_name())).unwrap();
        }
    }
    (tmp, project)
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn status(o: &Outcome, path: &str) -> Status {
    o.files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} not reported: {:?}", o.files))
        .status
}

fn init(dir: &Path, args: &[&str]) -> (i32, String, String) {
    output(dockgen(dir).arg("init").args(args))
}

/// Adds a dependency the way a user would: a new line in requirements.txt.
fn add_dependency(dir: &Path, line: &str) {
    let path = dir.join("requirements.txt");
    let mut text = std::fs::read_to_string(&path).unwrap();
    text.push_str(line);
    text.push('\n');
    std::fs::write(path, text).unwrap();
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

/// A project whose generated files were committed as dockgen wrote them.
fn committed_project() -> (tempfile::TempDir, std::path::PathBuf) {
    let (tmp, dir) = copy_project("flask-flaskenv");
    let (code, _, err) = init(&dir, &["--yes"]);
    assert_eq!(code, 0, "{err}");
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "-A"]);
    git(&dir, &["commit", "-q", "-m", "dockgen init"]);
    (tmp, dir)
}

#[test]
fn untouched_output_is_updated_without_force_after_a_dependency_change() {
    let (_tmp, dir) = copy_project("flask-flaskenv");
    let (code, _, err) = init(&dir, &["--yes"]);
    assert_eq!(code, 0, "{err}");
    let before = read(&dir, "docker-compose.yml");
    assert!(!before.contains("\n  redis:"), "{before}");

    add_dependency(&dir, "redis==5.2.1");
    let (code, out, err) = init(&dir, &["--yes"]);
    assert_eq!(code, 0, "no --force needed: {err}");
    assert!(out.contains("  updated     docker-compose.yml\n"), "{out}");
    assert!(out.contains("  unchanged   Dockerfile\n"), "{out}");
    let after = read(&dir, "docker-compose.yml");
    assert!(after.contains("\n  redis:"), "{after}");
    // What was written is again recognised as dockgen's own: no drift, and the next change updates it.
    let (code, _, err) = init(&dir, &["--check"]);
    assert_eq!(code, 0, "{err}");
    add_dependency(&dir, "psycopg[binary]==3.2.3");
    let (code, out, err) = init(&dir, &["--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  updated     docker-compose.yml\n"), "{out}");
    assert!(read(&dir, "docker-compose.yml").contains("\n  db:"));
}

#[test]
fn an_edited_file_is_a_conflict_shown_three_ways() {
    let (_tmp, dir) = committed_project();
    let compose = read(&dir, "docker-compose.yml");
    let edited = compose.replace("  restart: unless-stopped\n", "  restart: always\n");
    assert_ne!(edited, compose);
    std::fs::write(dir.join("docker-compose.yml"), &edited).unwrap();
    add_dependency(&dir, "redis==5.2.1");

    // Without a terminal: an error listing the file, and nothing written.
    let (code, _, err) = init(&dir, &["--yes"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: 1 existing file would change: `docker-compose.yml`\n  conflict: docker-compose.yml\nhint: nothing was written"),
        "{err}"
    );
    assert!(err.contains("three-way view"), "{err}");
    assert_eq!(read(&dir, "docker-compose.yml"), edited);

    // At the prompt: the view, then keep / overwrite / stop managing.
    let mut replies = vec![Reply::Default; DECISIONS];
    replies.push(Reply::Text(KEEP.into()));
    let mut p = Scripted::new(replies);
    let o = run(&request(&dir), Some(&mut p)).unwrap();
    assert_eq!(p.left(), 0, "{:?}", p.asked);
    assert_eq!(
        p.asked.last().unwrap(),
        "`docker-compose.yml` differs from what dockgen would write (above) [keep yours]"
    );
    assert_eq!(p.shown.len(), 1, "{:?}", p.shown);
    let view = &p.shown[0];
    // The user's side: only their edit. dockgen's side: the Redis service, and not the user's edit.
    let (yours, ours) = view.split_once("dockgen's changes").unwrap();
    assert!(
        yours.contains("-  restart: unless-stopped\n+  restart: always\n"),
        "{view}"
    );
    assert!(!yours.contains("redis"), "{view}");
    assert!(ours.contains("+  redis:\n"), "{view}");
    assert!(!ours.contains("restart: always"), "{view}");
    settings().bind(|| insta::assert_snapshot!("ownership-three-way-view", view));
    assert_eq!(status(&o, "docker-compose.yml"), Status::Kept);
    assert_eq!(read(&dir, "docker-compose.yml"), edited);
    // The untouched files were updated in the same run.
    assert_eq!(status(&o, "Dockerfile"), Status::Unchanged);

    // --force still overwrites.
    let (code, out, err) = init(&dir, &["--yes", "--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  overwritten docker-compose.yml\n"), "{out}");
}

#[test]
fn without_the_base_the_view_says_why_and_shows_two_ways() {
    let (_tmp, dir) = copy_project("flask-flaskenv");
    init(&dir, &["--yes"]);
    let compose = read(&dir, "docker-compose.yml");
    let edited = compose.replace("  restart: unless-stopped\n", "  restart: always\n");
    std::fs::write(dir.join("docker-compose.yml"), &edited).unwrap();
    add_dependency(&dir, "redis==5.2.1");
    let mut replies = vec![Reply::Default; DECISIONS];
    replies.push(Reply::Text(KEEP.into()));
    let mut p = Scripted::new(replies);
    run(&request(&dir), Some(&mut p)).unwrap();
    let view = &p.shown[0];
    assert!(
        view.starts_with("`docker-compose.yml` differs from what dockgen would write; what dockgen wrote last is not in git: "),
        "{view}"
    );
    assert!(
        view.contains("--- docker-compose.yml (yours)\n+++ docker-compose.yml (dockgen now)\n"),
        "{view}"
    );

    // When dockgen's output did not change, what it would write now is the base: no git needed.
    std::fs::write(
        dir.join("requirements.txt"),
        read(&dir, "requirements.txt").replace("redis==5.2.1\n", ""),
    )
    .unwrap();
    let mut replies = vec![Reply::Default; DECISIONS];
    replies.push(Reply::Text(KEEP.into()));
    let mut p = Scripted::new(replies);
    run(&request(&dir), Some(&mut p)).unwrap();
    let view = &p.shown[0];
    assert!(
        view.starts_with("`docker-compose.yml` was edited since dockgen wrote it."),
        "{view}"
    );
    assert!(
        view.ends_with(
            "dockgen's changes (what dockgen wrote last -> what it would write now):\n  (none)\n"
        ),
        "{view}"
    );
}

#[test]
fn stop_managing_is_recorded_then_skipped_by_init_and_check() {
    let (_tmp, dir) = committed_project();
    let edited = read(&dir, "docker-compose.yml")
        .replace("  restart: unless-stopped\n", "  restart: always\n");
    std::fs::write(dir.join("docker-compose.yml"), &edited).unwrap();
    add_dependency(&dir, "redis==5.2.1");

    let mut replies = vec![Reply::Default; DECISIONS];
    replies.push(Reply::Text(STOP_MANAGING.into()));
    let mut p = Scripted::new(replies);
    let o = run(&request(&dir), Some(&mut p)).unwrap();
    assert_eq!(p.left(), 0, "{:?}", p.asked);
    assert_eq!(status(&o, "docker-compose.yml"), Status::Unmanaged);
    assert_eq!(status(&o, "dockgen.toml"), Status::Created);
    let saved = read(&dir, "dockgen.toml");
    assert!(
        saved.contains("\nunmanaged = [\"docker-compose.yml\"]\n"),
        "{saved}"
    );
    assert_eq!(read(&dir, "docker-compose.yml"), edited);

    // From now on init and --check leave it alone, with no flag and no question.
    let (code, out, err) = init(&dir, &["--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("  unchanged   Dockerfile\n  unmanaged   docker-compose.yml\n  unchanged   entrypoint.sh\n"),
        "in path order: {out}"
    );
    let (code, out, err) = init(&dir, &["--check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(err.contains("dockgen: 5 files match"), "{err}");
    let mut p = Scripted::new(vec![Reply::Default; DECISIONS]);
    run(&request(&dir), Some(&mut p)).unwrap();
    assert_eq!(p.left(), 0, "{:?}", p.asked);
    assert_eq!(read(&dir, "docker-compose.yml"), edited);
    // Not even --force touches it.
    let (code, _, err) = init(&dir, &["--yes", "--force"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(read(&dir, "docker-compose.yml"), edited);

    // --no-unmanaged manages it again: the edit is a conflict again, and the setting is dropped.
    let (code, _, err) = init(&dir, &["--check", "--no-unmanaged"]);
    assert_eq!(code, 1, "{err}");
    let (code, _, err) = init(&dir, &["--yes", "--force", "--no-unmanaged"]);
    assert_eq!(code, 0, "{err}");
    assert!(!read(&dir, "dockgen.toml").contains("unmanaged ="));
    assert!(read(&dir, "docker-compose.yml").contains("\n  redis:"));
}

#[test]
fn a_misspelt_or_missing_unmanaged_file_is_warned_about() {
    let (_tmp, dir) = copy_project("flask-flaskenv");
    std::fs::write(
        dir.join("dockgen.toml"),
        "unmanaged = [\"docker-compose.yaml\"]\n",
    )
    .unwrap();
    let (code, _, err) = init(&dir, &["--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: `unmanaged` lists `docker-compose.yaml`, which dockgen does not generate here (it generates .dockerignore, .env.example, Dockerfile, docker-compose.yml, entrypoint.sh)"),
        "{err}"
    );
    // A listed file that does not exist is not created, and dockgen says so.
    let (_tmp, fresh) = copy_project("flask-flaskenv");
    let (code, out, err) = init(&fresh, &["--yes", "--unmanaged", "entrypoint.sh"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  unmanaged   entrypoint.sh\n"), "{out}");
    assert!(!fresh.join("entrypoint.sh").exists());
    assert!(read(&fresh, "dockgen.toml").contains("\nunmanaged = [\"entrypoint.sh\"]\n"));
    assert!(
        err.contains("warning: `entrypoint.sh` is not managed by dockgen (`unmanaged` in dockgen.toml) and does not exist, so it is not created"),
        "{err}"
    );
}

/// dockgen's version reaches no template's context and no generated file, so an upgrade with the same
/// output is no drift under `--check`.
#[test]
fn a_changed_version_string_is_no_drift() {
    let p = dockgen::detect::detect(
        &crate::support::fixtures().join("django-celery-pip"),
        &Default::default(),
    )
    .unwrap();
    let plan = dockgen::plan::plan(&p, &Default::default()).unwrap();
    assert!(dockgen::output::contexts::templates_with("dockgen_version").is_empty());
    for (name, text) in &dockgen::output::render::render(&plan).unwrap() {
        assert!(!text.contains(env!("CARGO_PKG_VERSION")), "{name}");
    }
}

#[test]
fn dockgen_toml_written_by_dockgen_is_updated_when_an_answer_changes() {
    let (_tmp, dir) = copy_project("flask-flaskenv");
    let (code, _, err) = init(&dir, &["--yes", "--port", "8080"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = init(&dir, &["--yes", "--port", "9000"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  updated     dockgen.toml\n"), "{out}");
    assert!(read(&dir, "dockgen.toml").contains("\nport = 9000\n"));
    // Edited by hand, it is the user's: a conflict.
    let text = read(&dir, "dockgen.toml");
    std::fs::write(dir.join("dockgen.toml"), format!("# ours\n{text}")).unwrap();
    let (code, _, err) = init(&dir, &["--yes", "--port", "9001"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("conflict: dockgen.toml"), "{err}");
}

#[test]
fn an_older_dockgens_unstamped_output_is_no_drift_and_gets_stamped() {
    let (_tmp, dir) = copy_project("flask-flaskenv");
    let (code, _, err) = init(&dir, &["--yes"]);
    assert_eq!(code, 0, "{err}");
    // As dockgen 0.1.0 wrote them: its version in the header line, no stamp.
    for f in GENERATED {
        let text = read(&dir, f);
        let (head, rest) = text.split_once(" [sha256:").unwrap();
        let rest = &rest[rest.find(']').unwrap() + 1..];
        let old = format!("{head}{rest}").replacen(
            "# Generated by dockgen",
            "# Generated by dockgen 0.1.0",
            1,
        );
        std::fs::write(dir.join(f), old).unwrap();
    }
    let (code, out, err) = init(&dir, &["--check"]);
    assert_eq!(code, 0, "only the version differs: {out}{err}");
    let (code, out, err) = init(&dir, &["--yes"]);
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        out.matches("  updated     ").count(),
        GENERATED.len(),
        "{out}"
    );
    assert!(
        read(&dir, "Dockerfile")
            .starts_with("# Generated by dockgen for a flask project (pip). [sha256:")
    );
    // With different content, an unstamped file may be the user's: a conflict.
    let text = read(&dir, "Dockerfile");
    let (head, rest) = text.split_once(" [sha256:").unwrap();
    let rest = &rest[rest.find(']').unwrap() + 1..];
    let edited = format!("{head}{rest}")
        .replacen("dockgen for", "dockgen 0.1.0 for", 1)
        .replacen("FROM ", "FROM --platform=linux/amd64 ", 1);
    std::fs::write(dir.join("Dockerfile"), edited).unwrap();
    let (code, _, err) = init(&dir, &["--yes"]);
    assert_eq!(code, 1, "{err}");
}

const GENERATED: &[&str] = &[
    "Dockerfile",
    "entrypoint.sh",
    ".dockerignore",
    "docker-compose.yml",
    ".env.example",
];

/// `init`, an edit, and one commit of both: the history never held dockgen's own version, so the base
/// comes from the copy dockgen keeps in the git directory; a fresh clone has no such copy and says so.
#[test]
fn the_base_of_an_edit_committed_with_dockgens_output_is_kept_in_the_git_directory() {
    let (tmp, dir) = copy_project("flask-flaskenv");
    git(&dir, &["init", "-q"]);
    let (code, _, err) = init(&dir, &["--yes"]);
    assert_eq!(code, 0, "{err}");
    let edited = read(&dir, "docker-compose.yml")
        .replace("  restart: unless-stopped\n", "  restart: always\n");
    std::fs::write(dir.join("docker-compose.yml"), &edited).unwrap();
    git(&dir, &["add", "-A"]);
    git(
        &dir,
        &["commit", "-q", "-m", "dockgen init, and our restart policy"],
    );
    let clone = tmp.path().join("clone");
    git(tmp.path(), &["clone", "-q", PROJECT, "clone"]);

    add_dependency(&dir, "redis==5.2.1");
    let mut replies = vec![Reply::Default; DECISIONS];
    replies.push(Reply::Text(OVERWRITE.into()));
    let mut p = Scripted::new(replies);
    let o = run(&request(&dir), Some(&mut p)).unwrap();
    assert!(
        p.shown[0]
            .starts_with("`docker-compose.yml` was edited since dockgen wrote it.\nYour edits"),
        "{}",
        p.shown[0]
    );
    assert_eq!(status(&o, "docker-compose.yml"), Status::Overwritten);
    let compose = read(&dir, "docker-compose.yml");
    assert!(compose.contains("\n  redis:") && !compose.contains("restart: always"));

    add_dependency(&clone, "redis==5.2.1");
    let mut replies = vec![Reply::Default; DECISIONS];
    replies.push(Reply::Text(KEEP.into()));
    let mut p = Scripted::new(replies);
    run(&request(&clone), Some(&mut p)).unwrap();
    assert!(
        p.shown[0].contains("no commit holds the version with its stamp, and this clone has no copy of it.\nYour file -> what dockgen would write now:\n"),
        "{}",
        p.shown[0]
    );
}

/// The proxy's nginx/nginx.conf is owned like the other generated files: written with its stamp,
/// updated without --force while untouched, and an edit is drift under --check and a conflict for init.
#[test]
fn the_proxy_config_is_a_generated_file_like_the_others() {
    let (_tmp, dir) = copy_project("flask-flaskenv");
    let (code, out, err) = init(&dir, &["--yes", "--proxy", "nginx"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  created     nginx/nginx.conf\n"), "{out}");
    let conf = read(&dir, "nginx/nginx.conf");
    assert!(conf.lines().next().unwrap().contains("[sha256:"), "{conf}");
    // Saved: a plain rerun and --check see no drift; a port change updates it without --force.
    let (code, _, err) = init(&dir, &["--check"]);
    assert_eq!(code, 0, "{err}");
    let (code, out, err) = init(&dir, &["--yes", "--port", "9000"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("  updated     nginx/nginx.conf\n"), "{out}");
    assert!(read(&dir, "nginx/nginx.conf").contains("set $web http://web:9000;"));
    // An edit: drift under --check, and init refuses to overwrite it.
    let edited = read(&dir, "nginx/nginx.conf") + "# mine\n";
    std::fs::write(dir.join("nginx/nginx.conf"), &edited).unwrap();
    let (code, out, _) = init(&dir, &["--check"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("nginx/nginx.conf"), "{out}");
    let (code, _, err) = init(&dir, &["--yes", "--port", "9001"]);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("conflict: nginx/nginx.conf"), "{err}");
    assert_eq!(read(&dir, "nginx/nginx.conf"), edited);
}

/// "Keep yours" on an edited compose file while the port answer changes: the Dockerfile is written on
/// the new port, and the kept compose file's old container port is named as a contradiction. A kept
/// Dockerfile's Python against a new Python answer likewise. A kept file that agrees says nothing.
#[test]
fn a_kept_file_that_contradicts_the_new_answers_is_named() {
    let (_tmp, dir) = copy_project("flask-flaskenv");
    init(&dir, &["--yes"]);
    let compose = read(&dir, "docker-compose.yml");
    let edited = compose.replace("  restart: unless-stopped\n", "  restart: always\n");
    std::fs::write(dir.join("docker-compose.yml"), &edited).unwrap();
    let dockerfile = read(&dir, "Dockerfile");
    std::fs::write(dir.join("Dockerfile"), format!("{dockerfile}# mine\n")).unwrap();

    // Framework, app dir, entrypoint, Python 3.12, port 8088, Postgres, Redis; keep both files.
    let mut replies = vec![Reply::Default; DECISIONS];
    replies[3] = Reply::Text("3.12".into());
    replies[4] = Reply::Text("8088".into());
    replies.push(Reply::Text(KEEP.into()));
    replies.push(Reply::Text(KEEP.into()));
    let mut p = Scripted::new(replies);
    let o = run(&request(&dir), Some(&mut p)).unwrap();
    assert_eq!(p.left(), 0, "{:?}", p.asked);
    assert_eq!(status(&o, "docker-compose.yml"), Status::Kept);
    assert_eq!(status(&o, "Dockerfile"), Status::Kept);
    let warned = o.warnings.join("\n");
    let said = |what: &str| o.warnings.iter().any(|w| w.contains(what));
    assert!(
        said(
            "`docker-compose.yml`, kept as yours, sends its web port to container port 8000 while the Dockerfile now makes the server listen on 8088"
        ),
        "{warned}"
    );
    assert!(
        said("`Dockerfile`, kept as yours, exposes port 8000 (Dockerfile:"),
        "{warned}"
    );
    assert!(
        said("`Dockerfile`, kept as yours, builds on Python 3.13 (Dockerfile:")
            && said("now give Python 3.12"),
        "{warned}"
    );

    // Kept again with answers it agrees with: no contradiction.
    let (_tmp, dir) = copy_project("flask-flaskenv");
    init(&dir, &["--yes"]);
    std::fs::write(dir.join("docker-compose.yml"), &edited).unwrap();
    let mut replies = vec![Reply::Default; DECISIONS];
    replies.push(Reply::Text(KEEP.into()));
    let mut p = Scripted::new(replies);
    let o = run(&request(&dir), Some(&mut p)).unwrap();
    assert!(
        !o.warnings.iter().any(|w| w.contains("kept as yours")),
        "{:?}",
        o.warnings
    );
}
