//! The CLI as a user meets it: output, exit codes (0 ok, 1 failure, 2 usage) and error messages.
//! Each test works in its own directory so tests run in parallel.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

use crate::support::{fixtures, project, settings};

/// The binary in `dir`, with no colour, no CI, no DOCKGEN_* answers from the test's environment, the
/// package index not asked (`DOCKGEN_OFFLINE`; a test may remove it and serve a local index), and stdin
/// from /dev/null (a test may set another).
pub fn dockgen(dir: &Path) -> Command {
    let mut c = Command::new(get_cargo_bin("dockgen"));
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .env_remove("COLUMNS")
        .stdin(Stdio::null());
    for (k, _) in std::env::vars() {
        if k.starts_with("DOCKGEN_") {
            c.env_remove(k);
        }
    }
    c.env("DOCKGEN_OFFLINE", "1")
        .env_remove("PIP_INDEX_URL")
        .env_remove("UV_INDEX_URL");
    c
}

/// Runs with a deadline: a hang is a failure, not a stuck test run.
pub fn run(cmd: &mut Command) -> (i32, String, String) {
    let child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Read the output while a watchdog waits: polling for exit first would deadlock on a full pipe.
    let pid = child.id().to_string();
    let (done, finished) = std::sync::mpsc::channel::<()>();
    let watchdog = std::thread::spawn(move || {
        let late = finished.recv_timeout(Duration::from_secs(20)).is_err();
        if late {
            let _ = Command::new("kill").args(["-9", &pid]).status();
        }
        late
    });
    let out = child.wait_with_output().unwrap();
    let _ = done.send(());
    assert!(
        !watchdog.join().unwrap(),
        "dockgen did not finish within 20 s"
    );
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut c = dockgen(dir);
    c.args(args);
    run(&mut c)
}

#[test]
fn help_teaches() {
    settings().bind(|| {
        assert_cmd_snapshot!(
            "cli-detect-help",
            dockgen(&fixtures()).args(["detect", "--help"])
        );
    });
}

#[test]
fn human_report_cites_evidence() {
    settings().bind(|| {
        assert_cmd_snapshot!(
            "cli-detect-django-uv-subdir",
            dockgen(&fixtures().join("django-uv-subdir")).arg("detect")
        );
    });
}

#[test]
fn json_report_keeps_the_contract() {
    let (code, out, err) = run_in(&fixtures(), &["detect", "--json", "django-celery-pip"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["framework"], "django");
    assert_eq!(v["package_manager"], "pip");
    assert_eq!(v["python_version"], "3.13");
    assert_eq!(v["app_dir"], ".");
    assert_eq!(v["entrypoint"], "proj.wsgi:application");
    assert_eq!(v["django_settings_module"], "proj.settings");
    assert_eq!(v["services"], serde_json::json!(["postgres", "redis"]));
    assert_eq!(v["workers"], serde_json::json!(["celery"]));
    assert!(v["warnings"].is_array());
    for key in [
        "framework",
        "package_manager",
        "python_version",
        "app_dir",
        "entrypoint",
        "django_settings_module",
    ] {
        assert!(v["evidence"][key]["rule"].is_string(), "evidence for {key}");
    }
    assert_eq!(v["evidence"]["django_settings_module"]["file"], "manage.py");
    assert!(v["evidence"]["django_settings_module"]["line"].is_u64());
    let (_, flask, _) = run_in(&fixtures(), &["detect", "--json", "flask-flaskenv"]);
    let v: serde_json::Value = serde_json::from_str(&flask).unwrap();
    assert_eq!(v["django_settings_module"], serde_json::Value::Null);
}

#[test]
fn broken_toml_names_file_line_and_column() {
    settings().bind(|| {
        assert_cmd_snapshot!(
            "cli-broken-toml",
            dockgen(&fixtures().join("broken-toml")).arg("detect")
        );
    });
}

#[test]
fn empty_directory_says_what_was_looked_for() {
    let d = tempfile::tempdir().unwrap();
    settings().bind(|| {
        assert_cmd_snapshot!("cli-empty", dockgen(d.path()).arg("detect"));
    });
}

#[test]
fn ambiguity_lists_candidates_and_app_dir_chooses() {
    settings().bind(|| {
        assert_cmd_snapshot!(
            "cli-two-apps",
            dockgen(&fixtures().join("two-apps")).arg("detect")
        );
    });
    let (code, out, err) = run_in(
        &fixtures().join("two-apps"),
        &["detect", "--json", "--app-dir", "services/billing"],
    );
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["framework"], "fastapi");
    assert_eq!(v["app_dir"], "services/billing");
    assert_eq!(v["entrypoint"], "main:app");
}

#[test]
fn usage_errors_exit_2() {
    let (code, _, err) = run_in(&fixtures(), &["detect", "--framework", "rails"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("possible values: django, flask, fastapi"),
        "{err}"
    );
}

#[cfg(unix)]
#[test]
fn fifo_requirements_fail_fast_instead_of_hanging() {
    let d = project(&[(
        "app.py",
        b"from flask import Flask\napp = Flask(__name__)\n",
    )]);
    let status = Command::new("mkfifo")
        .arg(d.path().join("requirements.txt"))
        .status()
        .unwrap();
    assert!(status.success());
    let (code, _, err) = run_in(d.path(), &["detect"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: `requirements.txt` is not a regular file (a FIFO)\n"),
        "{err}"
    );
}

#[test]
fn huge_requirements_file_is_refused_with_its_size() {
    let mut big = Vec::with_capacity(20 * 1024 * 1024);
    while big.len() < 20 * 1024 * 1024 {
        big.extend_from_slice(b"flask==3.1.0\n");
    }
    let d = project(&[
        (
            "app.py",
            b"from flask import Flask\napp = Flask(__name__)\n",
        ),
        ("requirements.txt", &big),
    ]);
    let (code, _, err) = run_in(d.path(), &["detect"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with("error: `requirements.txt` is 20971522 bytes, over the 4194304-byte limit"),
        "{err}"
    );
}

#[test]
fn self_including_requirements_warn_and_succeed() {
    let d = project(&[
        (
            "app.py",
            b"from flask import Flask\napp = Flask(__name__)\n",
        ),
        ("requirements.txt", b"flask\n-r base.txt\n"),
        ("base.txt", b"gunicorn\n-r requirements.txt\n"),
    ]);
    let (code, out, err) = run_in(d.path(), &["detect", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["servers"], serde_json::json!(["gunicorn"]));
    let w = v["warnings"].to_string();
    assert!(w.contains("`requirements.txt` includes itself"), "{w}");
}

#[test]
fn binary_and_non_utf8_sources_are_skipped_with_a_warning() {
    let d = project(&[
        ("app.py", b"\x00\x01\xff\xfeFlask\x00"),
        ("main.py", b"from fastapi import FastAPI\napi = FastAPI()\n"),
        ("requirements.txt", b"fastapi\nuvicorn\n"),
    ]);
    let (code, out, err) = run_in(d.path(), &["detect", "--json"]);
    assert_eq!(code, 0, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["entrypoint"], "main:api");
    assert!(
        v["warnings"][0]
            .as_str()
            .unwrap()
            .contains("`app.py` is not valid UTF-8"),
        "{}",
        v["warnings"]
    );
}

#[test]
fn non_utf8_manifest_is_an_error_naming_it() {
    let d = project(&[
        ("main.py", b"from fastapi import FastAPI\napp = FastAPI()\n"),
        ("pyproject.toml", b"[project]\nname = \"caf\xe9\"\n"),
    ]);
    let (code, _, err) = run_in(d.path(), &["detect"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: `pyproject.toml` is not valid UTF-8 text (first bad byte at line 2, column 12)\n\
         hint: dockgen reads project files as UTF-8, as Python and its packaging tools do: save the file as UTF-8\n"
    );
}

#[cfg(unix)]
#[test]
fn symlink_loops_neither_hang_nor_panic() {
    let d = project(&[
        ("main.py", b"from fastapi import FastAPI\napp = FastAPI()\n"),
        ("requirements.txt", b"fastapi\n"),
    ]);
    std::os::unix::fs::symlink(d.path(), d.path().join("loop")).unwrap();
    std::os::unix::fs::symlink("a", d.path().join("b")).unwrap();
    std::os::unix::fs::symlink("b", d.path().join("a")).unwrap();
    let (code, out, err) = run_in(d.path(), &["detect", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\"entrypoint\": \"main:app\""));

    // A manifest that is itself a link loop is an error naming it.
    std::os::unix::fs::symlink("pyproject.toml", d.path().join("pyproject.toml")).unwrap();
    let (code, _, err) = run_in(d.path(), &["detect"]);
    assert_eq!(code, 1);
    assert!(
        err.starts_with(
            "error: failed to read `pyproject.toml`\n  caused by: Too many levels of symbolic links"
        ),
        "{err}"
    );
}

// ---- init

pub fn copy_fixture(name: &str) -> tempfile::TempDir {
    fn copy(from: &Path, to: &Path) {
        std::fs::create_dir_all(to).unwrap();
        for e in std::fs::read_dir(from).unwrap().flatten() {
            let t = to.join(e.file_name());
            if e.file_type().unwrap().is_dir() {
                copy(&e.path(), &t);
            } else {
                std::fs::copy(e.path(), t).unwrap();
            }
        }
    }
    let d = tempfile::tempdir().unwrap();
    copy(&fixtures().join(name), d.path());
    d
}

const GENERATED: &[&str] = &[
    "Dockerfile",
    "entrypoint.sh",
    ".dockerignore",
    "docker-compose.yml",
    ".env.example",
];

#[test]
fn init_writes_all_files_and_a_rerun_is_a_no_op() {
    let d = copy_fixture("django-uv-subdir");
    let (code, out, err) = run_in(d.path(), &["init", "--yes"]);
    assert_eq!(code, 0, "{err}");
    for f in GENERATED {
        assert!(d.path().join(f).is_file(), "{f} missing");
        assert!(out.contains(&format!("created     {f}")), "{out}");
    }
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.path().join("entrypoint.sh"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o111, 0o111, "entrypoint.sh is executable");
    }
    // .env is written once, with fresh secrets, readable by its owner only.
    let env = std::fs::read_to_string(d.path().join(".env")).unwrap();
    assert!(
        out.contains("created     .env with fresh random secrets"),
        "{out}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(d.path().join(".env"))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, ".env is private");
    }
    let (code, out, _) = run_in(d.path(), &["init", "--yes"]);
    assert_eq!(code, 0);
    assert_eq!(out.matches("unchanged").count(), GENERATED.len(), "{out}");
    assert!(out.contains("kept        .env (it exists"), "{out}");
    assert_eq!(
        std::fs::read_to_string(d.path().join(".env")).unwrap(),
        env,
        ".env is never written over"
    );
    assert!(
        !out.contains("Next:"),
        "nothing to do, nothing to advise: {out}"
    );
}

#[test]
fn init_refuses_to_overwrite_a_changed_file_and_writes_nothing() {
    let d = copy_fixture("flask-flaskenv");
    let mine = b"FROM python:3.12\n# my own\n";
    std::fs::write(d.path().join("Dockerfile"), mine).unwrap();
    let (code, out, err) = run_in(d.path(), &["init", "--yes"]);
    assert_eq!(code, 1, "{out}");
    assert!(err.starts_with("error: 1 existing file would change: `Dockerfile`\n  conflict: Dockerfile\nhint: nothing was written"), "{err}");
    assert_eq!(
        std::fs::read(d.path().join("Dockerfile")).unwrap(),
        mine,
        "bytes unchanged"
    );
    for f in &GENERATED[1..] {
        assert!(
            !d.path().join(f).exists(),
            "{f} must not be written when another file conflicts"
        );
    }
    let (code, out, err) = run_in(d.path(), &["init", "--yes", "--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("overwritten Dockerfile"), "{out}");
    assert_ne!(std::fs::read(d.path().join("Dockerfile")).unwrap(), mine);
}

#[test]
fn init_check_reports_drift_with_a_diff_and_exit_code() {
    let d = copy_fixture("pdm-flask");
    // Before any init: one error saying so, not five whole-file diffs.
    let (code, out, err) = run_in(d.path(), &["init", "--check"]);
    assert_eq!((code, out.as_str()), (1, ""), "{err}");
    assert_eq!(
        err,
        "error: nothing to check: the files are not generated yet in `.`\nhint: run `dockgen init` to generate them, and commit them; `dockgen init --check` then compares them with what dockgen would generate\n"
    );
    assert!(
        !d.path().join("Dockerfile").exists(),
        "--check writes nothing"
    );
    // One generated file present: the others are drift, with their diffs.
    std::fs::write(d.path().join(".dockerignore"), ".git\n").unwrap();
    let (code, out, err) = run_in(d.path(), &["init", "--check"]);
    assert_eq!(code, 1);
    assert!(out.contains("+++ b/Dockerfile"), "{out}");
    assert!(err.contains("5 of 5 files differ"), "{err}");
    std::fs::remove_file(d.path().join(".dockerignore")).unwrap();

    assert_eq!(run_in(d.path(), &["init", "--yes"]).0, 0);
    let (code, out, err) = run_in(d.path(), &["init", "--check"]);
    assert_eq!((code, out.as_str()), (0, ""), "{err}");

    let compose = d.path().join("docker-compose.yml");
    let text = std::fs::read_to_string(&compose)
        .unwrap()
        .replace("stop_grace_period: 35s", "stop_grace_period: 1s");
    std::fs::write(&compose, text).unwrap();
    let (code, out, _) = run_in(d.path(), &["init", "--check"]);
    assert_eq!(code, 1);
    assert!(
        out.contains("-    stop_grace_period: 1s\n+    stop_grace_period: 35s"),
        "{out}"
    );
}

#[test]
fn init_dry_run_writes_nothing() {
    let d = copy_fixture("django-celery-pip");
    let before: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    let (code, out, err) = run_in(d.path(), &["init", "--dry-run"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Would write (nothing was written):"), "{out}");
    assert!(out.contains("create      Dockerfile"), "{out}");
    assert!(
        out.contains("services: web, migrate, postgres, redis, worker, beat"),
        "{out}"
    );
    let after: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(before, after);
}

#[test]
fn init_overrides_reach_the_files() {
    let d = copy_fixture("pip-pep621");
    let (code, _, err) = run_in(
        d.path(),
        &[
            "init",
            "--yes",
            "--port",
            "9000",
            "--postgres",
            "--no-redis",
            "--python",
            "3.12",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let docker = std::fs::read_to_string(d.path().join("Dockerfile")).unwrap();
    assert!(
        docker.contains("ARG PYTHON_VERSION=3.12\n") && docker.contains("EXPOSE 9000\n"),
        "{docker}"
    );
    let compose = std::fs::read_to_string(d.path().join("docker-compose.yml")).unwrap();
    assert!(compose.contains("\n  db:\n") && !compose.contains("\n  redis:\n"));
    assert!(compose.contains("\"${WEB_PORT:-9000}:9000\""));
}

#[test]
fn init_without_a_terminal_never_blocks() {
    // stdin is /dev/null and CI is set: no prompt may wait for input.
    let d = copy_fixture("monorepo");
    let mut c = dockgen(d.path());
    c.arg("init").env("CI", "true").stdin(Stdio::null());
    let (code, out, err) = run(&mut c);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("created     backend/Dockerfile"),
        "generated into the build context: {out}"
    );
}

#[test]
fn init_installs_a_pinned_server_when_the_project_has_none_and_says_so() {
    let d = project(&[
        ("requirements.txt", b"flask==3.1.0\n"),
        (
            "app.py",
            b"from flask import Flask\napp = Flask(__name__)\n",
        ),
    ]);
    let (code, _, err) = run_in(d.path(), &["init", "--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains(
            "warning: gunicorn is not a dependency of the project; the image installs gunicorn=="
        ),
        "{err}"
    );
    let docker = std::fs::read_to_string(d.path().join("Dockerfile")).unwrap();
    let install = docker
        .find("uv pip install gunicorn==")
        .expect("pinned gunicorn install");
    // In the dependency layer, before the code: a code-only change reuses it.
    assert!(install < docker.find("COPY . /app/").unwrap(), "{docker}");
    assert!(
        docker.contains("CMD [\"gunicorn\", \"app:app\", \"--access-logfile\", \"-\"]"),
        "{docker}"
    );
    let out = std::process::Command::new(crate::generated_files::tool("hadolint"))
        .arg(d.path().join("Dockerfile"))
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stdout.is_empty(),
        "{}",
        String::from_utf8_lossy(&out.stdout)
    );
}

/// A database compose would start but the app never reads: init says so and what to change, instead of
/// "Next: docker compose up".
#[test]
fn init_says_why_the_stack_would_not_work_instead_of_next() {
    let dir = crate::support::project(&[
        (
            "requirements.txt",
            b"flask==3.1.0\nflask-sqlalchemy==3.1.1\npsycopg2-binary==2.9.10\n",
        ),
        (
            "app.py",
            b"from flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n\napp = Flask(__name__)\napp.config[\"SQLALCHEMY_DATABASE_URI\"] = \"sqlite:///app.db\"\ndb = SQLAlchemy(app)\n",
        ),
    ]);
    let (code, out, _) = run_in(dir.path(), &["init", "--yes"]);
    assert_eq!(code, 0, "{out}");
    assert!(
        out.contains("The generated stack will not work yet:"),
        "{out}"
    );
    assert!(
        out.contains("nothing in the app reads a database setting"),
        "{out}"
    );
    assert!(
        out.contains("fix: read the database from the environment"),
        "{out}"
    );
    assert!(!out.contains("\nNext:"), "{out}");
    // The checklist still follows, as what to do once it is fixed.
    assert!(
        out.contains("\nThen:\n  1. start it: docker compose up --build --wait\n"),
        "{out}"
    );

    // Reading the URL from the environment clears it, and Next names the directory to go to.
    let parent = tempfile::tempdir().unwrap();
    let app = parent.path().join("shop");
    std::fs::create_dir(&app).unwrap();
    std::fs::copy(
        dir.path().join("requirements.txt"),
        app.join("requirements.txt"),
    )
    .unwrap();
    std::fs::write(
        app.join("app.py"),
        "import os\nfrom flask import Flask\nfrom flask_sqlalchemy import SQLAlchemy\n\napp = Flask(__name__)\napp.config[\"SQLALCHEMY_DATABASE_URI\"] = os.environ[\"DATABASE_URL\"]\ndb = SQLAlchemy(app)\n",
    )
    .unwrap();
    let (code, out, _) = run_in(parent.path(), &["init", "--yes", "shop"]);
    assert_eq!(code, 0, "{out}");
    // Every variable this app reads is provided, so nothing is listed to set.
    assert!(
        !out.contains("set "),
        "no required variable in this app: {out}"
    );
    assert!(
        out.contains("\nNext:\n  1. start it: cd shop && docker compose up --build --wait\n  2. open http://localhost:8000/\n  3. check that it works: dockgen verify shop\n"),
        "{out}"
    );
    let compose = std::fs::read_to_string(app.join("docker-compose.yml")).unwrap();
    assert!(
        compose.contains("DATABASE_URL: \"postgresql+psycopg2://"),
        "psycopg2 with SQLAlchemy gets postgresql+psycopg2://: {compose}"
    );
}

/// The project's own compose.yaml is where the compose file is generated (a conflict, not a file beside
/// it that compose would not read); its own Dockerfile's FROM is a pin.
#[test]
fn an_existing_compose_yaml_is_generated_into_and_an_existing_dockerfile_pins_python() {
    let dir = crate::support::project(&[
        ("requirements.txt", b"flask==3.1.0\ngunicorn==23.0.0\n"),
        ("app.py", b"from flask import Flask\n\napp = Flask(__name__)\n"),
        ("compose.yaml", b"services:\n  web:\n    build: .\n"),
        (
            "Dockerfile",
            b"FROM --platform=linux/amd64 python:3.11-slim-bookworm\nCOPY . .\nCMD [\"flask\", \"run\"]\n",
        ),
    ]);
    let (code, out, _) = run_in(dir.path(), &["detect", "--json"]);
    assert_eq!(code, 0, "{out}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["python_version"], "3.11");
    assert_eq!(
        v["evidence"]["python_version"]["rule"],
        "`FROM python:3.11-slim-bookworm` in the project's own Dockerfile"
    );
    assert_eq!(v["compose_files"][0], "compose.yaml");
    std::fs::remove_file(dir.path().join("Dockerfile")).unwrap();
    // The project's compose.yaml is an edited file: a conflict, and nothing written beside it.
    let (code, out, err) = run_in(dir.path(), &["init", "--yes"]);
    assert_eq!(code, 1, "{out}{err}");
    assert!(err.contains("conflict: compose.yaml"), "{err}");
    assert!(!dir.path().join("docker-compose.yml").exists());
    let (code, out, err) = run_in(dir.path(), &["init", "--yes", "--force"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains(
            "the compose file is generated as `compose.yaml`, the name the project already uses"
        ),
        "{err}"
    );
    assert!(!dir.path().join("docker-compose.yml").exists());
    let compose = std::fs::read_to_string(dir.path().join("compose.yaml")).unwrap();
    assert!(compose.contains("\n  web:\n"), "{compose}");
    assert!(!out.contains("reads it instead of the generated"), "{out}");
    assert!(
        out.contains("\nNext:\n  1. start it: docker compose up --build --wait\n"),
        "{out}"
    );
    // It is what detection gives, so it is not saved, and a re-run is unchanged.
    let saved = std::fs::read_to_string(dir.path().join("dockgen.toml")).unwrap_or_default();
    assert!(!saved.contains("compose-file"), "{saved}");
    let (code, out, err) = run_in(dir.path(), &["init", "--check"]);
    assert_eq!(code, 0, "{out}{err}");
    // Asked for by name, docker-compose.yml is still shadowed, and the stack will not work yet.
    let (code, out, err) = run_in(
        dir.path(),
        &["init", "--yes", "--compose-file", "docker-compose.yml"],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        out.contains("`compose.yaml` exists, and `docker compose` reads it instead of the generated docker-compose.yml"),
        "{out}"
    );
    assert!(!out.contains("\nNext:"), "{out}");
}

/// The project's own Dockerfile is evidence: its Python, `EXPOSE` port and `apt-get install` packages are
/// carried over (and saved, since the generated Dockerfile replaces it), its other `RUN` steps named as
/// dropped, in detect and init alike.
#[test]
fn an_existing_dockerfiles_port_and_packages_are_carried_over_and_its_other_steps_named_as_dropped()
{
    let dir = crate::support::project(&[
        ("requirements.txt", b"flask==3.1.0\ngunicorn==23.0.0\n"),
        ("app.py", b"from flask import Flask\n\napp = Flask(__name__)\n"),
        (
            "Dockerfile",
            b"FROM python:3.12-slim\nRUN apt-get update && apt-get install -y --no-install-recommends gettext \\\n    && rm -rf /var/lib/apt/lists/*\nCOPY . .\nRUN flask translate compile\nEXPOSE 5000\nCMD [\"flask\", \"run\"]\n",
        ),
    ]);
    let said = [
        "`EXPOSE 5000` in the project's own Dockerfile (Dockerfile:6) is carried over",
        "the system packages the project's own Dockerfile installs (Dockerfile: gettext) are carried over",
        "`RUN flask translate compile` in the project's own Dockerfile (Dockerfile:5) is dropped",
    ];
    let (code, out, err) = run_in(dir.path(), &["detect"]);
    assert_eq!(code, 0, "{err}");
    // The report wraps its warnings at 80 columns.
    let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
    for s in said {
        assert!(flat.contains(s), "{s}: {out}");
    }
    let (code, out, err) = run_in(dir.path(), &["init", "--yes", "--force"]);
    assert_eq!(code, 0, "{out}{err}");
    for s in said {
        assert!(err.contains(s), "{s}: {err}");
    }
    assert!(out.contains("open http://localhost:5000/"), "{out}");
    let dockerfile = std::fs::read_to_string(dir.path().join("Dockerfile")).unwrap();
    assert!(dockerfile.contains("\nEXPOSE 5000\n"), "{dockerfile}");
    assert!(
        dockerfile.contains("--no-install-recommends gettext"),
        "{dockerfile}"
    );
    assert!(
        dockerfile.contains("ARG PYTHON_VERSION=3.12\n"),
        "{dockerfile}"
    );
    let saved = std::fs::read_to_string(dir.path().join("dockgen.toml")).unwrap();
    assert!(
        saved.ends_with("\npython = \"3.12\"\nport = 5000\nsystem-packages = \"gettext\"\n"),
        "{saved}"
    );
    // The evidence is gone now; the saved answers plan the same files.
    let (code, out, err) = run_in(dir.path(), &["init", "--check"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(!err.contains("own Dockerfile"), "{err}");
}

/// Flask-Migrate upgrades from a committed migrations/ folder: without one, no migrate service (it would
/// fail and keep web waiting forever), and a warning says what to run.
#[test]
fn flask_migrate_without_migrations_gets_no_migrate_service_and_a_warning() {
    let files: &[(&str, &[u8])] = &[
        (
            "requirements.txt",
            b"flask==3.1.0\nflask-sqlalchemy==3.1.1\nflask-migrate==4.1.0\npsycopg2-binary==2.9.10\n",
        ),
        (
            "app.py",
            b"import os\nfrom flask import Flask\nfrom flask_migrate import Migrate\nfrom flask_sqlalchemy import SQLAlchemy\n\napp = Flask(__name__)\napp.config[\"SQLALCHEMY_DATABASE_URI\"] = os.environ[\"DATABASE_URL\"]\ndb = SQLAlchemy(app)\nmigrate = Migrate(app, db)\n",
        ),
    ];
    let dir = crate::support::project(files);
    let (code, out, err) = run_in(dir.path(), &["init", "--yes"]);
    assert_eq!(code, 0, "{out}{err}");
    assert!(
        err.contains("has no migrations/ folder, so no migrate service is generated"),
        "{err}"
    );
    let compose = std::fs::read_to_string(dir.path().join("docker-compose.yml")).unwrap();
    assert!(!compose.contains("  migrate:"), "{compose}");

    let dir = crate::support::project(files);
    std::fs::create_dir(dir.path().join("migrations")).unwrap();
    std::fs::write(dir.path().join("migrations/env.py"), "").unwrap();
    let (code, _, err) = run_in(dir.path(), &["init", "--yes"]);
    assert_eq!(code, 0);
    assert!(!err.contains("migrations/ folder"), "{err}");
    let compose = std::fs::read_to_string(dir.path().join("docker-compose.yml")).unwrap();
    assert!(
        compose.contains("command: [\"flask\", \"--app\", \"app:app\", \"db\", \"upgrade\"]"),
        "{compose}"
    );
}

/// A required variable nothing generated provides is named first, with its line in `.env` and where it
/// is read, and then "Next:" is not printed (the stack cannot start yet; issue 17): the checklist
/// follows as "Then:". Once `.env` sets it, it is "Next:" again.
#[test]
fn required_variables_are_listed_before_next() {
    let dir = crate::support::project(&[
        ("requirements.txt", b"fastapi==0.118.0\npydantic-settings==2.11.0\n"),
        (
            "main.py",
            b"from fastapi import FastAPI\nfrom pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    admin_email: str\n    debug: bool = False\n\n\nsettings = Settings()\napp = FastAPI()\n",
        ),
    ]);
    let (code, out, _) = run_in(dir.path(), &["init", "--yes"]);
    assert_eq!(code, 0, "{out}");
    let env = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    let line = env.lines().position(|l| l == "ADMIN_EMAIL=").unwrap() + 1;
    let listed = out
        .split(
            "The app cannot start without these, and dockgen cannot supply them: set them in .env\n",
        )
        .nth(1)
        .unwrap_or_else(|| panic!("{out}"));
    assert!(
        listed.starts_with(&format!(
            "  ADMIN_EMAIL  (.env:{line}, read at main.py:6: read by the app)\n\nThen:\n  1. start it: docker compose up --build --wait\n"
        )),
        "{out}"
    );
    assert!(!listed.contains("DEBUG"), "optional: {out}");
    assert!(!out.contains("Next:"), "{out}");
    let compose = std::fs::read_to_string(dir.path().join("docker-compose.yml")).unwrap();
    assert!(
        compose.contains("ADMIN_EMAIL: \"${ADMIN_EMAIL:?set ADMIN_EMAIL in .env}\""),
        "{compose}"
    );
    // Once `.env` sets it, it is no longer asked for.
    std::fs::write(
        dir.path().join(".env"),
        env.replace("ADMIN_EMAIL=\n", "ADMIN_EMAIL=ops@example.com\n"),
    )
    .unwrap();
    std::fs::remove_file(dir.path().join("Dockerfile")).unwrap();
    let (code, out, _) = run_in(dir.path(), &["init", "--yes"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("\nNext:\n  1. start it: "), "{out}");
    assert!(!out.contains("cannot start without"), "{out}");
}

#[test]
fn a_port_that_is_not_a_number_says_what_a_port_is() {
    let d = project(&[(
        "app.py",
        b"from flask import Flask\napp = Flask(__name__)\n",
    )]);
    for bad in ["http", "0", "70000"] {
        let (code, _, err) = run_in(d.path(), &["init", "--dry-run", "--yes", "--port", bad]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.starts_with(&format!(
                "error: invalid value '{bad}' for '--port <PORT>': not a port: expected a number from 1 to 65535\n"
            )),
            "{err}"
        );
        assert!(!err.contains("invalid digit"), "{err}");
    }
}

#[test]
fn a_file_given_as_the_project_is_a_usage_error_with_a_hint() {
    let d = project(&[
        ("some/file.py", b"print(1)\n"),
        (
            "app.py",
            b"from flask import Flask\napp = Flask(__name__)\n",
        ),
    ]);
    for cmd in ["detect", "init"] {
        let (code, _, err) = run_in(d.path(), &[cmd, "some/file.py"]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.starts_with("error: `some/file.py` is a file, not a project directory\n"),
            "{err}"
        );
        assert!(err.contains("hint: pass its directory: `some`"), "{err}");
        assert!(!err.contains("Not a directory"), "{err}");
    }
}

/// An app that creates its tables at startup, with no migration step, runs one server process by
/// default: several would race on CREATE TABLE (seen on the corpus: one uvicorn worker died with a
/// UniqueViolation on pg_type). With Alembic the default stays 2.
#[test]
fn create_all_at_startup_without_migrations_runs_one_process() {
    let files: &[(&str, &[u8])] = &[
        (
            "requirements.txt",
            b"fastapi==0.118.0\nsqlmodel==0.0.27\npsycopg2-binary==2.9.10\nuvicorn==0.37.0\n",
        ),
        (
            "main.py",
            b"import os\nfrom contextlib import asynccontextmanager\nfrom fastapi import FastAPI\nfrom sqlmodel import SQLModel, create_engine\n\nengine = create_engine(os.environ[\"DATABASE_URL\"])\n\n\n@asynccontextmanager\nasync def lifespan(app):\n    SQLModel.metadata.create_all(engine)\n    yield\n\napp = FastAPI(lifespan=lifespan)\n",
        ),
    ];
    let dir = crate::support::project(files);
    let (code, _, err) = run_in(dir.path(), &["init", "--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("the app creates its tables at startup (main.py:11:"),
        "{err}"
    );
    let compose = std::fs::read_to_string(dir.path().join("docker-compose.yml")).unwrap();
    assert!(
        compose.contains("WEB_CONCURRENCY: \"${WEB_CONCURRENCY:-1}\""),
        "{compose}"
    );

    let dir = crate::support::project(files);
    std::fs::write(dir.path().join("requirements.txt"), "fastapi==0.118.0\nsqlmodel==0.0.27\npsycopg2-binary==2.9.10\nuvicorn==0.37.0\nalembic==1.16.5\n").unwrap();
    std::fs::write(
        dir.path().join("alembic.ini"),
        "[alembic]\nscript_location = migrations\n",
    )
    .unwrap();
    let (code, _, err) = run_in(dir.path(), &["init", "--yes"]);
    assert_eq!(code, 0, "{err}");
    let compose = std::fs::read_to_string(dir.path().join("docker-compose.yml")).unwrap();
    assert!(
        compose.contains("WEB_CONCURRENCY: \"${WEB_CONCURRENCY:-2}\""),
        "{compose}"
    );
}

/// Alembic among the dependencies is not a migration step by itself: `alembic upgrade head` needs its
/// configuration (`alembic.ini`, or `[tool.alembic]` in pyproject.toml), else it stops with "No config
/// file" and web, which waits for the migrate service, never starts. Flask-Alembic keeps its
/// configuration in the app's config and migrates with `flask db upgrade` (issue 17).
#[test]
fn alembic_migrates_only_where_it_is_configured() {
    let main = b"from fastapi import FastAPI\n\napp = FastAPI()\n" as &[u8];
    let compose_of = |files: &[(&str, &[u8])]| {
        let dir = crate::support::project(files);
        let (code, _, err) = run_in(dir.path(), &["init", "--yes"]);
        assert_eq!(code, 0, "{err}");
        std::fs::read_to_string(dir.path().join("docker-compose.yml")).unwrap()
    };
    let bare = compose_of(&[
        (
            "requirements.txt",
            b"fastapi==0.118.0\nuvicorn==0.37.0\nalembic==1.16.5\n",
        ),
        ("main.py", main),
    ]);
    assert!(!bare.contains("alembic"), "{bare}");
    assert!(!bare.contains("  migrate:"), "{bare}");
    let in_pyproject = compose_of(&[
        (
            "pyproject.toml",
            b"[project]\nname = \"svc\"\nrequires-python = \">=3.12\"\ndependencies = [\"fastapi\", \"uvicorn\", \"alembic>=1.16\"]\n\n[tool.alembic]\nscript_location = \"%(here)s/migrations\"\n",
        ),
        ("main.py", main),
    ]);
    assert!(
        in_pyproject.contains(r#"command: ["alembic", "upgrade", "head"]"#),
        "{in_pyproject}"
    );
    let flask_alembic = compose_of(&[
        (
            "requirements.txt",
            b"flask==3.1.0\nflask-alembic==3.1.1\nalembic==1.16.5\n",
        ),
        (
            "app.py",
            b"from flask import Flask\n\napp = Flask(__name__)\n",
        ),
    ]);
    assert!(
        flask_alembic.contains(r#"command: ["flask", "--app", "app:app", "db", "upgrade"]"#),
        "{flask_alembic}"
    );
}

// ---- project root, precise errors, global flags (issue 11)

/// A project with its app in `src/pkg/`, inside a git checkout.
fn src_layout_project() -> tempfile::TempDir {
    let d = project(&[
        (
            "pyproject.toml",
            b"[project]\nname = \"shop\"\nrequires-python = \">=3.12\"\ndependencies = [\"fastapi\", \"uvicorn\"]\n",
        ),
        ("src/pkg/__init__.py", b""),
        (
            "src/pkg/main.py",
            b"from fastapi import FastAPI\napp = FastAPI()\n",
        ),
    ]);
    std::fs::create_dir(d.path().join(".git")).unwrap();
    d
}

/// Run in `src/pkg/`, dockgen works on the project (found upward, as cargo and uv do) and says so; it
/// writes nothing into the subfolder.
#[test]
fn a_subfolder_finds_the_project_root_upward() {
    let d = src_layout_project();
    let sub = d.path().join("src/pkg");
    settings().bind(|| {
        assert_cmd_snapshot!("cli-root-found-upward", dockgen(&sub).arg("detect"));
    });
    let (code, out, err) = run_in(&sub, &["init", "--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.starts_with("dockgen: project root: ../.. (pyproject.toml)\n"),
        "{err}"
    );
    assert!(out.contains("1. start it: cd ../.. && "), "{out}");
    assert!(d.path().join("Dockerfile").is_file());
    assert!(!sub.join("Dockerfile").exists(), "nothing in the subfolder");
    let docker = std::fs::read_to_string(d.path().join("Dockerfile")).unwrap();
    assert!(
        docker
            .lines()
            .any(|l| l.starts_with("CMD [") && l.contains(" pkg.main:app ")),
        "{docker}"
    );

    // The same from anywhere with -C, and with PATH; at the root itself nothing is said.
    let (code, _, err) = run_in(d.path(), &["-C", "src/pkg", "init", "--check"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("project root: ../.. (pyproject.toml)"),
        "{err}"
    );
    let (code, out, err) = run_in(d.path(), &["detect", "src/pkg"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("project root: . (pyproject.toml)"), "{err}");
    assert!(out.contains("pkg.main:app"), "{out}");
    let (code, _, err) = run_in(d.path(), &["init", "--check"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("project root"), "{err}");
}

/// The search stops at the top of a checkout: a project above it is another project.
#[test]
fn the_root_search_stops_at_a_checkout() {
    let d = project(&[
        ("pyproject.toml", b"[project]\nname = \"outer\"\n"),
        (
            "inner/app.py",
            b"from flask import Flask\napp = Flask(__name__)\n",
        ),
    ]);
    std::fs::create_dir(d.path().join("inner/.git")).unwrap();
    let (code, out, err) = run_in(&d.path().join("inner"), &["detect", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("project root"), "{err}");
    assert!(out.contains("\"entrypoint\": \"app:app\""), "{out}");
    // Nor does it enter the home directory: a stray `~/requirements.txt` is no project root.
    let home = project(&[
        ("requirements.txt", b"requests\n"),
        (
            "shop/app.py",
            b"from flask import Flask\napp = Flask(__name__)\n",
        ),
    ]);
    let mut c = dockgen(&home.path().join("shop"));
    c.env("HOME", home.path()).args(["detect", "--json"]);
    let (code, out, err) = run(&mut c);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("project root"), "{err}");
    assert!(out.contains("\"app_dir\": \".\""), "{out}");
}

/// Every usage error exits 2, every other failure 1: clap's own, a bad variable, a file as PATH,
/// an entrypoint or Python version that cannot be.
#[test]
fn usage_errors_exit_2_and_failures_exit_1() {
    let d = src_layout_project();
    let p = d.path();
    let usage: &[&[&str]] = &[
        &["init", "--frobnicate"],
        &["detect", "pyproject.toml"],
        &["init", "--dry-run", "--entrypoint", "nosuch.mod:app"],
        &["init", "--dry-run", "--python", "3.15"],
        &["init", "--dry-run", "--task-workers", "celry"],
        &["-C", "no-such-dir", "detect"],
        &["detect", "no-such-dir"],
        &["man", "int"],
    ];
    for args in usage {
        let (code, _, err) = run_in(p, args);
        assert_eq!(code, 2, "{args:?}: {err}");
    }
    for cmd in ["detect", "init"] {
        let mut c = dockgen(p);
        c.env("DOCKGEN_PORT", "http").arg(cmd);
        assert_eq!(run(&mut c).0, 2, "{cmd}");
    }
    let failures: &[&[&str]] = &[&["init", "--check"]];
    for args in failures {
        let (code, _, err) = run_in(p, args);
        assert_eq!(code, 1, "{args:?}: {err}");
    }
}

#[test]
fn an_entrypoint_that_names_nothing_is_refused() {
    let d = src_layout_project();
    settings().bind(|| {
        assert_cmd_snapshot!(
            "cli-entrypoint-no-module",
            dockgen(d.path()).args(["init", "--dry-run", "--entrypoint", "nosuch.mod:app"])
        );
        assert_cmd_snapshot!(
            "cli-entrypoint-no-attribute",
            dockgen(d.path()).args(["init", "--dry-run", "--entrypoint", "pkg.main:application"])
        );
    });
    // Through the variable too; a module in `src/` and a factory are accepted.
    let mut c = dockgen(d.path());
    c.env("DOCKGEN_ENTRYPOINT", "pkg.nothing:app")
        .args(["init", "--dry-run"]);
    let (code, _, err) = run(&mut c);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("(from DOCKGEN_ENTRYPOINT"), "{err}");
    let (code, out, err) = run_in(
        d.path(),
        &["init", "--dry-run", "--entrypoint", "pkg.main:app"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("pkg.main:app"), "{out}");
}

#[test]
fn a_python_without_an_image_is_an_error_listing_the_supported_ones() {
    let d = src_layout_project();
    settings().bind(|| {
        assert_cmd_snapshot!(
            "cli-python-unsupported",
            dockgen(d.path()).args(["init", "--dry-run", "--python", "3.15"])
        );
    });
    let mut c = dockgen(d.path());
    c.env("DOCKGEN_PYTHON", "3.8").args(["init", "--dry-run"]);
    let (code, _, err) = run(&mut c);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("choose one of 3.9, 3.10"), "{err}");
}

#[test]
fn another_ecosystem_is_named() {
    let d = project(&[
        ("package.json", b"{\"name\": \"web\"}\n"),
        ("index.js", b"console.log(1)\n"),
    ]);
    settings().bind(|| {
        assert_cmd_snapshot!("cli-node-project", dockgen(d.path()).arg("init"));
    });
    let d = project(&[("go.mod", b"module example.com/x\n")]);
    let (code, _, err) = run_in(d.path(), &["detect"]);
    assert_eq!(code, 1);
    assert!(
        err.contains(": this looks like a Go module (go.mod)\n"),
        "{err}"
    );
}

#[test]
fn close_values_get_a_did_you_mean() {
    let d = src_layout_project();
    let (code, _, err) = run_in(d.path(), &["init", "--dry-run", "--task-workers", "celry"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("tip: a similar value exists: 'celery'"),
        "{err}"
    );
    let (code, _, err) = run_in(d.path(), &["detect", "--framework", "flsk"]);
    assert_eq!(code, 2);
    assert!(
        err.contains("tip: a similar value exists: 'flask'"),
        "{err}"
    );
    let (_, _, err) = run_in(d.path(), &["initt"]);
    assert!(
        err.contains("tip: a similar subcommand exists: 'init'"),
        "{err}"
    );
    let mut c = dockgen(d.path());
    c.env("DOCKGEN_FRAMEWORK", "flsk").arg("detect");
    let (code, _, err) = run(&mut c);
    assert_eq!(code, 2);
    assert!(err.contains("did you mean `flask`?"), "{err}");
    let mut c = dockgen(d.path());
    c.env("DOCKGEN_PROT", "8080").args(["detect"]);
    let (code, _, err) = run(&mut c);
    assert_eq!(code, 0);
    assert!(err.contains("did you mean `DOCKGEN_PORT`?"), "{err}");
    std::fs::write(d.path().join("dockgen.toml"), "prot = 8080\n").unwrap();
    settings().bind(|| {
        assert_cmd_snapshot!("cli-saved-key-typo", dockgen(d.path()).arg("detect"));
    });
}

#[test]
fn quiet_verbose_and_directory() {
    let d = src_layout_project();
    let sub = d.path().join("src/pkg");
    // -q: nothing but errors on a successful init; warnings silenced.
    let (code, out, err) = run_in(&sub, &["init", "-q", "--yes"]);
    assert_eq!((code, out.as_str(), err.as_str()), (0, "", ""));
    // -v: the root even when it is PATH, the report with evidence, the time taken.
    let (code, _, err) = run_in(d.path(), &["init", "--check", "-v"]);
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("dockgen: project root: . (pyproject.toml)\n"),
        "{err}"
    );
    assert!(
        err.contains("  entrypoint        pkg.main:app (asgi)"),
        "{err}"
    );
    assert!(err.contains("dockgen: finished in "), "{err}");
    // -C before or after the subcommand.
    let (code, out, _) = run_in(
        d.path().parent().unwrap(),
        &["detect", "--json", "-C", &d.path().to_string_lossy()],
    );
    assert_eq!(code, 0);
    assert!(out.contains("\"entrypoint\": \"pkg.main:app\""), "{out}");
    let (code, _, _) = run_in(d.path(), &["-q", "-v", "detect"]);
    assert_eq!(code, 2, "-q and -v conflict");
}

/// `--check` diffs are coloured with --color always (git's colours), and never with --color never,
/// whatever NO_COLOR and CLICOLOR_FORCE say.
#[test]
fn check_diffs_follow_color() {
    let d = src_layout_project();
    assert_eq!(run_in(d.path(), &["init", "-q", "--yes"]).0, 0);
    let docker = d.path().join("Dockerfile");
    let text = std::fs::read_to_string(&docker).unwrap();
    std::fs::write(&docker, text.replace("EXPOSE 8000", "EXPOSE 9000")).unwrap();
    let (code, out, _) = run_in(d.path(), &["init", "--check", "--color", "always"]);
    assert_eq!(code, 1);
    assert!(out.contains("\u{1b}[31m-EXPOSE 9000\u{1b}[0m\n"), "{out:?}");
    assert!(out.contains("\u{1b}[32m+EXPOSE 8000\u{1b}[0m\n"), "{out:?}");
    assert!(
        out.contains("\u{1b}[1m--- a/Dockerfile\u{1b}[0m\n"),
        "{out:?}"
    );
    let mut c = dockgen(d.path());
    c.env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .args(["init", "--check", "--color=never"]);
    let (_, out, _) = run(&mut c);
    assert!(!out.contains('\u{1b}'), "{out:?}");
    assert!(out.contains("\n-EXPOSE 9000\n+EXPOSE 8000\n"), "{out}");
    // auto follows CLICOLOR_FORCE, as before.
    let mut c = dockgen(d.path());
    c.env_remove("NO_COLOR")
        .env("CLICOLOR_FORCE", "1")
        .args(["init", "--check"]);
    let (_, out, err) = run(&mut c);
    assert!(out.contains("\u{1b}[32m+EXPOSE 8000"), "{out:?}");
    // clap's own errors follow --color too.
    let mut c = dockgen(d.path());
    c.env_remove("NO_COLOR")
        .args(["--color", "always", "init", "--frobnicate"]);
    let (_, _, err2) = run(&mut c);
    assert!(err2.contains('\u{1b}'), "{err2:?}");
    drop(err);
}

/// Saved answers mark the root too: a project whose manifests sit in subfolders, with `dockgen.toml` at
/// its top, is found from a folder inside it.
#[test]
fn saved_answers_mark_the_project_root() {
    let d = project(&[
        ("dockgen.toml", b"app-dir = \"services/api\"\n"),
        ("services/api/requirements.txt", b"flask\n"),
        (
            "services/api/app.py",
            b"from flask import Flask\napp = Flask(__name__)\n",
        ),
        ("docs/notes/x.md", b""),
    ]);
    let (code, out, err) = run_in(&d.path().join("docs/notes"), &["detect", "--json"]);
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("project root: ../.. (dockgen.toml)"), "{err}");
    assert!(out.contains("\"app_dir\": \"services/api\""), "{out}");
}

#[test]
fn check_and_dry_run_never_write_env_and_git_must_ignore_it() {
    let d = copy_fixture("django-uv-subdir");
    for mode in ["--dry-run", "--check"] {
        let (_, out, err) = run_in(d.path(), &["init", "--yes", mode]);
        assert!(!d.path().join(".env").exists(), "{mode} wrote .env");
        if mode == "--dry-run" {
            assert!(
                out.contains("create      .env with fresh random secrets"),
                "{out}"
            );
        }
        // --check before any init stops at "not generated yet"; --dry-run warns about git.
        if mode == "--dry-run" {
            assert!(
                err.contains("warning: `.env` is not ignored by git"),
                "{mode}: {err}"
            );
        }
    }
    std::fs::write(d.path().join(".gitignore"), "__pycache__/\n.env\n").unwrap();
    let (code, _, err) = run_in(d.path(), &["init", "--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("is not ignored by git"), "{err}");
    // A later negation un-ignores it, as git would.
    std::fs::write(d.path().join(".gitignore"), ".env\n!.env\n").unwrap();
    let (_, _, err) = run_in(d.path(), &["init", "--yes"]);
    assert!(
        err.contains("warning: `.env` is not ignored by git"),
        "{err}"
    );
}

#[test]
fn memory_and_cpu_limits_are_answers() {
    let d = copy_fixture("django-celery-pip");
    let (code, _, err) = run_in(
        d.path(),
        &["init", "--yes", "--memory", "1g", "--cpus", "0.5"],
    );
    assert_eq!(code, 0, "{err}");
    let compose = std::fs::read_to_string(d.path().join("docker-compose.yml")).unwrap();
    assert!(
        compose.contains("      limits:\n        memory: \"1g\"\n        cpus: \"0.5\"\n"),
        "{compose}"
    );
    let saved = std::fs::read_to_string(d.path().join("dockgen.toml")).unwrap();
    assert!(
        saved.contains("\nmemory = \"1g\"\ncpus = \"0.5\"\n"),
        "{saved}"
    );
    // Saved, so a later check with no flags agrees; a bad value is a usage error.
    let (code, _, err) = run_in(d.path(), &["init", "--check"]);
    assert_eq!(code, 0, "{err}");
    let (code, _, err) = run_in(d.path(), &["init", "--yes", "--memory", "1.5g"]);
    assert_eq!(code, 2, "{err}");
    assert!(err.contains("`1.5g` is not a memory size"), "{err}");
}

/// An existing `.env` is checked against the plan and never rewritten: a required value left empty, a
/// placeholder, a stale host port, the debug switch on for production, a database URL at localhost.
#[test]
fn an_existing_env_is_checked_against_the_plan_and_left_alone() {
    let d = copy_fixture("django-celery-pip");
    let (code, _, err) = run_in(d.path(), &["init", "--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(!err.contains("`.env` line"), "a fresh .env is fine: {err}");
    let path = d.path().join(".env");
    let fresh = std::fs::read_to_string(&path).unwrap();
    let edited: String = fresh
        .lines()
        .map(|l| match l.split_once('=').map(|(k, _)| k) {
            Some("POSTGRES_PASSWORD") => "POSTGRES_PASSWORD=".to_string(),
            Some("WEB_PORT") => "WEB_PORT=80".to_string(),
            Some("# DEBUG") => "DEBUG=True".to_string(),
            _ => l.to_string(),
        })
        .chain(["SECRET_KEY=changeme".to_string()])
        .collect::<Vec<_>>()
        .join("\n")
        + "\n";
    std::fs::write(&path, &edited).unwrap();
    // The last line that sets it (compose takes the last).
    let line = |name: &str| {
        edited
            .lines()
            .collect::<Vec<_>>()
            .iter()
            .rposition(|l| l.starts_with(&format!("{name}=")))
            .unwrap()
            + 1
    };
    let (code, _, err) = run_in(d.path(), &["init", "--yes"]);
    assert_eq!(code, 0, "{err}");
    for want in [
        format!(
            "warning: `.env` line {} leaves POSTGRES_PASSWORD empty, and the stack requires it",
            line("POSTGRES_PASSWORD")
        ),
        format!(
            "warning: `.env` line {}: WEB_PORT=80 publishes the app on host port 80 while it listens on 8000",
            line("WEB_PORT")
        ),
        format!(
            "warning: `.env` line {}: DEBUG=True turns the debug mode on in the production services",
            line("DEBUG")
        ),
        format!(
            "warning: `.env` line {}: SECRET_KEY=changeme looks like a placeholder",
            line("SECRET_KEY")
        ),
    ] {
        assert!(err.contains(&want), "{want}\n---\n{err}");
    }
    assert_eq!(
        std::fs::read_to_string(&path).unwrap(),
        edited,
        "never rewritten"
    );
}

/// A PATH that does not exist is a usage error (exit 2) with a hint, as `-C /nope` is (it was a failure,
/// exit 1, with only the OS's "No such file or directory").
#[test]
fn a_missing_path_is_a_usage_error_with_a_hint() {
    let d = tempfile::tempdir().unwrap();
    for cmd in ["detect", "init", "verify"] {
        let (code, _, err) = run_in(d.path(), &[cmd, "nonexistent"]);
        assert_eq!(code, 2, "{cmd}: {err}");
        assert!(
            err.starts_with(
                "error: `nonexistent` does not exist\nhint: pass the project directory"
            ),
            "{cmd}: {err}"
        );
    }
}

/// `--workers 4` (the task-queue flag's earlier name) meant server processes: the error says which flag
/// that is, under either name.
#[test]
fn a_number_for_workers_points_at_server_workers() {
    let d = copy_fixture("django-celery-pip");
    for flag in ["--task-workers", "--workers"] {
        let (code, _, err) = run_in(d.path(), &["init", "--dry-run", flag, "4"]);
        assert_eq!(code, 2, "{err}");
        assert!(
            err.contains("`4` is not a worker service: --task-workers (once --workers) chooses the task-queue worker services (celery, celery-beat, rq, or none); for 4 server processes, pass --server-workers 4"),
            "{flag}: {err}"
        );
        let (code, _, err) = run_in(d.path(), &["init", "--dry-run", flag, "celery,rq"]);
        assert_ne!(code, 2, "{flag}: names still parse: {err}");
    }
}

/// The earlier name `--workers` is hidden: `init --help` shows only `--task-workers`.
#[test]
fn init_help_names_the_task_queue_flag_apart_from_server_workers() {
    let d = copy_fixture("django-celery-pip");
    let (code, out, err) = run_in(d.path(), &["init", "--help"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("--task-workers <LIST>"), "{out}");
    assert!(out.contains("--no-task-workers"), "{out}");
    assert!(!out.contains("--workers"), "{out}");
    assert!(!out.contains("--no-workers"), "{out}");
}

/// With `django.contrib.auth` installed, init's checklist has the one-off command that creates the first
/// admin user, run through compose; without it, none.
#[test]
fn the_checklist_says_how_to_create_a_django_admin_user_when_auth_is_installed() {
    let step = "once, to create an admin user: docker compose run --rm web python manage.py createsuperuser\n";
    let d = copy_fixture("django-celery-pip");
    let (code, out, err) = run_in(d.path(), &["init", "--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains(&format!("  3. {step}")), "{out}");
    let d = copy_fixture("django-celery-pip");
    let settings = d.path().join("proj/settings.py");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(
        &settings,
        text.replace("    \"django.contrib.auth\",\n", ""),
    )
    .unwrap();
    let (code, out, err) = run_in(d.path(), &["init", "--yes"]);
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("\nNext:\n"), "{out}");
    assert!(!out.contains("createsuperuser"), "{out}");
}

/// `dockgen detect` wraps its table at `COLUMNS` at word boundaries, each continuation under the
/// start of its field; without a terminal or `COLUMNS` it wraps at 80.
#[test]
fn detect_wraps_its_table_at_the_width() {
    let dir = fixtures().join("django-celery-pip");
    for (columns, width) in [(None, 80), (Some("60"), 60), (Some("100"), 100)] {
        let mut c = dockgen(&dir);
        c.arg("detect");
        if let Some(w) = columns {
            c.env("COLUMNS", w);
        }
        let out = c.output().unwrap();
        assert!(out.status.success());
        let text = String::from_utf8(out.stdout).unwrap();
        // No line is wider than the width but for one word that does not fit anywhere.
        for line in text.lines() {
            let wide = line.chars().count() > width;
            assert!(
                !wide || !line.trim().contains(' ') || line.trim_start().starts_with("os.environ"),
                "{columns:?}: a line wider than {width}: {line:?}\n{text}"
            );
        }
        // Every word of the unwrapped report is still whole.
        let words: Vec<&str> = text.split_whitespace().collect();
        assert!(
            words.contains(&"os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\","),
            "{text}"
        );
        assert!(words.contains(&".python-version"), "{text}");
        assert!(words.contains(&"`psycopg2-binary`"), "{text}");
    }
}

/// Every way to name a directory that is not there, and a file that cannot be read as text, ends
/// with a `hint:` line saying what to do (`-C /nope` had none; a path naming a file had none).
#[test]
fn path_and_reading_errors_each_give_a_hint() {
    let d = crate::support::project(&[
        ("requirements.txt", b"flask==3.1.0\n"),
        (
            "app.py",
            b"from flask import Flask\n\napp = Flask(__name__)\n",
        ),
        ("notes.txt", b"x"),
    ]);
    std::fs::write(d.path().join("requirements.txt"), b"flask==3.1.0 \xff\n").unwrap();
    let cases: [(&[&str], &str); 4] = [
        (
            &["-C", "no-such-dir", "detect"],
            "-C takes a directory that exists",
        ),
        (&["detect", "no-such-dir"], "pass the project directory"),
        (&["detect", "notes.txt"], "pass its directory"),
        (&["detect"], "save the file as UTF-8"),
    ];
    for (args, hint) in cases {
        let (code, _, err) = run_in(d.path(), args);
        assert_ne!(code, 0, "{args:?}");
        let hint_line = err
            .lines()
            .find(|l| l.starts_with("hint: "))
            .unwrap_or_default();
        assert!(hint_line.contains(hint), "{args:?}: {err}");
    }
}
