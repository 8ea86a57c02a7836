//! The CLI as a user meets it: output, exit codes (0 ok, 1 failure, 2 usage) and error messages.
//! Each test works in its own directory so tests run in parallel.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use insta_cmd::{assert_cmd_snapshot, get_cargo_bin};

use crate::support::{fixtures, project, settings};

fn dockgen(dir: &Path) -> Command {
    let mut c = Command::new(get_cargo_bin("dockgen"));
    c.current_dir(dir).env("NO_COLOR", "1").env_remove("CI");
    c
}

/// Runs with a deadline: a hang is a failure, not a stuck test run.
fn run(mut cmd: Command) -> (i32, String, String) {
    let mut child = cmd
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let start = Instant::now();
    loop {
        if child.try_wait().unwrap().is_some() {
            break;
        }
        if start.elapsed() > Duration::from_secs(20) {
            child.kill().ok();
            panic!("dockgen did not finish within 20 s");
        }
        std::thread::sleep(Duration::from_millis(10));
    }
    let out = child.wait_with_output().unwrap();
    (
        out.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    )
}

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut c = dockgen(dir);
    c.args(args);
    run(c)
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

#[test]
fn missing_path_is_an_error_with_cause() {
    let d = tempfile::tempdir().unwrap();
    let (code, _, err) = run_in(d.path(), &["detect", "no-such-dir"]);
    assert_eq!(code, 1);
    assert_eq!(
        err,
        "error: failed to read `no-such-dir`\n  caused by: No such file or directory (os error 2)\n"
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
        "error: `pyproject.toml` is not valid UTF-8 text (first bad byte at line 2, column 12)\n"
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
