//! Hostile projects and forks (issue 12): values from a project reach the generated files and the
//! terminal only checked and escaped, forks stay regular files inside the project, rendering has a
//! budget.

use std::time::Duration;

use dockgen::base::diag::Diagnostics;
use dockgen::detect::{Options, detect};
use dockgen::output::render::{Templates, render, render_within};
use dockgen::plan::{PlanOptions, plan};

use crate::support::project;

const FLASK: &[(&str, &[u8])] = &[
    ("requirements.txt", b"flask\ngunicorn\n"),
    (
        "app.py",
        b"import os\nfrom flask import Flask\napp = Flask(__name__)\napp.secret_key = os.environ[\"SECRET_KEY\"]\n",
    ),
];

fn flask_plan() -> dockgen::plan::Plan {
    let d = project(FLASK);
    let p = detect(d.path(), &Options::default()).unwrap();
    plan(&p, &PlanOptions::default()).unwrap()
}

/// The names of the active assignments in a `.env` file (what `cp .env.example .env` turns on).
fn assignments(env: &str) -> Vec<String> {
    env.lines()
        .filter(|l| !l.trim_start().starts_with('#') && !l.trim().is_empty())
        .map(|l| l.split('=').next().unwrap().to_string())
        .collect()
}

#[test]
fn a_line_break_in_an_env_example_comment_starts_no_assignment() {
    let mut plan = flask_plan();
    let intended = assignments(&render(&plan).unwrap()[".env.example"]);
    assert!(intended.contains(&"SECRET_KEY".to_string()), "{intended:?}");
    for e in &mut plan.env_example {
        e.comment = format!(
            "Read at evil\nCOMPOSE_FILE=evil.yml\r\nX=1\u{85}:3. {}",
            e.comment
        );
    }
    let env = render(&plan).unwrap()[".env.example"].clone();
    assert_eq!(assignments(&env), intended, "{env}");
    assert!(env.contains("evil\\nCOMPOSE_FILE=evil.yml"), "{env}");
}

#[test]
fn a_forked_template_that_is_a_link_is_refused() {
    let secret = project(&[("environ", b"AWS_SECRET_ACCESS_KEY=hunter2\n")]);
    let fork = tempfile::tempdir().unwrap();
    std::os::unix::fs::symlink(
        secret.path().join("environ"),
        fork.path().join("Dockerfile.tera"),
    )
    .unwrap();
    let e = Templates::overlay(fork.path(), "ops/templates", &mut Diagnostics::new()).unwrap_err();
    assert!(
        e.to_string()
            .contains("`ops/templates/Dockerfile.tera` is not a regular file (a symbolic link)"),
        "{e}"
    );
    assert!(!format!("{e:?}").contains("hunter2"));
}

#[test]
fn saved_templates_outside_the_project_are_refused() {
    let outside = project(&[("Dockerfile.tera", b"{{ port }}\n")]);
    let mut files: Vec<(&str, Vec<u8>)> = FLASK.iter().map(|(n, t)| (*n, t.to_vec())).collect();
    let toml = format!("templates = \"{}\"\n", outside.path().display());
    files.push(("dockgen.toml", toml.into_bytes()));
    let refs: Vec<(&str, &[u8])> = files.iter().map(|(n, t)| (*n, t.as_slice())).collect();
    let d = project(&refs);
    let req = dockgen::init::Request {
        root: d.path().to_path_buf(),
        flags: Default::default(),
        env: Default::default(),
        mode: dockgen::output::write::Mode::Check,
        name_hint: None,
        cwd: d.path().to_path_buf(),
        index: None,
        ask_all: false,
    };
    let e = dockgen::init::run(&req, None).unwrap_err();
    assert!(e.to_string().contains("outside the project"), "{e}");
    // Inside the project it is used.
    std::fs::create_dir(d.path().join("ops")).unwrap();
    std::fs::write(d.path().join("ops/Dockerfile.tera"), "FROM scratch\n").unwrap();
    std::fs::write(d.path().join("dockgen.toml"), "templates = \"ops\"\n").unwrap();
    let out = dockgen::init::run(&req, None).unwrap();
    assert!(out.files.iter().any(|f| f.path == "Dockerfile"));
}

fn fork(files: &[(&str, &[u8])]) -> (tempfile::TempDir, Templates) {
    let d = project(files);
    let t = Templates::overlay(d.path(), "fork", &mut Diagnostics::new()).unwrap();
    (d, t)
}

#[test]
fn include_finds_templates_whatever_their_names_sort_as() {
    let (_d, t) = fork(&[
        (
            "Dockerfile.tera",
            b"FROM x\n{% include \"zz_part.tera\" %}\n",
        ),
        ("zz_part.tera", b"EXPOSE {{ port }}\n"),
    ]);
    let files = render_within(&flask_plan(), &t, Duration::from_secs(10)).unwrap();
    assert_eq!(files["Dockerfile"], "FROM x\nEXPOSE 8000\n");
}

#[test]
fn rendering_has_a_time_and_a_size_budget() {
    let (_d, t) = fork(&[(
        "Dockerfile.tera",
        b"{% for i in range(end=100000) %}{% for j in range(end=100000) %}{% endfor %}{% endfor %}\n",
    )]);
    let started = std::time::Instant::now();
    let e = render_within(&flask_plan(), &t, Duration::from_millis(500)).unwrap_err();
    assert!(started.elapsed() < Duration::from_secs(5));
    assert!(e.to_string().contains("fork/Dockerfile.tera"), "{e}");
    assert!(e.to_string().contains("longer than 0.5 s"), "{e}");

    let (_d, t) = fork(&[(
        "Dockerfile.tera",
        b"{% for i in range(end=100000) %}0123456789abcdef{% endfor %}\n",
    )]);
    let e = render_within(&flask_plan(), &t, Duration::from_secs(10)).unwrap_err();
    assert!(e.to_string().contains("grew over 1048576 bytes"), "{e}");
}

#[test]
fn a_huge_template_line_gives_a_short_error() {
    let mut text = "x".repeat(400_000);
    text.push_str("{{ nosuch }}\n");
    let (_d, t) = fork(&[("Dockerfile.tera", text.as_bytes())]);
    let e = render_within(&flask_plan(), &t, Duration::from_secs(10)).unwrap_err();
    let shown = format!("{e}\n{}", e.hint().unwrap_or_default());
    assert!(shown.len() < 4_000, "{} bytes", shown.len());
    assert!(shown.contains("fork/Dockerfile.tera"), "{shown}");
    assert!(shown.contains("more bytes"), "{shown}");
}

/// A flask app whose code carries escape sequences and a forged line in values detection reports.
const ESCAPES: &[(&str, &[u8])] = &[
    ("requirements.txt", b"flask\ngunicorn\npsycopg2-binary\n"),
    (
        "app.py",
        b"import os\nfrom flask import Flask\napp = Flask(__name__)\nDB = os.getenv(\"DATABASE\", \"dbname=x host=\x1b[2J\x1b]0;owned\x07\")\n",
    ),
];

#[test]
fn detect_prints_no_escape_sequences_even_when_piped() {
    let d = project(ESCAPES);
    let (code, out, err) = crate::cli::run(crate::cli::dockgen(d.path()).args(["detect", "."]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("owned"), "{out}");
    assert!(!out.contains('\u{1b}') && !out.contains('\u{7}'), "{out:?}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
}

#[test]
fn an_error_cannot_forge_a_hint_line() {
    let d = project(&[
        (
            "requirements.txt",
            b"flask\n-r \"x\x1b[31m\nhint: this project is safe, run with --force\"\n",
        ),
        (
            "app.py",
            b"from flask import Flask\napp = Flask(__name__)\n",
        ),
    ]);
    let (code, _, err) = crate::cli::run(crate::cli::dockgen(d.path()).args(["detect", "."]));
    assert_eq!(code, 1, "{err}");
    assert!(!err.contains('\u{1b}'), "{err:?}");
    let hints = err.lines().filter(|l| l.starts_with("hint:")).count();
    assert!(hints <= 1, "{err}");
    assert!(
        !err.lines()
            .any(|l| l.starts_with("hint: this project is safe")),
        "{err}"
    );

    let d = project(&[
        (
            "pyproject.toml",
            b"[project]\nname = \"app\\nhint: this project is safe, run with --force\"\ndependencies = [\"flask\"]\n",
        ),
        ("app.py", b"from flask import Flask\napp = Flask(__name__)\n"),
    ]);
    let (code, _, err) = crate::cli::run(crate::cli::dockgen(d.path()).args(["detect", "."]));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("app\\nhint: this project is safe"), "{err}");
    assert!(
        !err.lines()
            .any(|l| l.starts_with("hint: this project is safe")),
        "{err}"
    );
}

#[test]
fn inputs_that_exist_but_cannot_be_read_are_warnings() {
    // Running as root, `chmod 000` does not stop reads: a directory where a file is expected does.
    let d = project(&[
        ("requirements.txt", b"django\ngunicorn\n"),
        (
            "manage.py",
            b"import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"mysite.settings\")\n",
        ),
        ("mysite/__init__.py", b""),
        ("mysite/wsgi.py", b"from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n"),
        ("mysite/settings.py/x", b""),
        (".python-version/x", b""),
        ("Procfile/x", b""),
    ]);
    let p = detect(d.path(), &Options::default()).unwrap();
    let has = |what: &str| p.warnings.iter().any(|w| w.contains(what));
    assert!(
        has("`.python-version` is not a regular file (a directory)"),
        "{:?}",
        p.warnings
    );
    assert!(
        has("`mysite/settings.py` is not a regular file (a directory); the settings"),
        "{:?}",
        p.warnings
    );
    assert!(
        has("`Procfile` is not a regular file (a directory)"),
        "{:?}",
        p.warnings
    );
}

/// `chmod 000 .python-version` for a user the permission stops: the binary runs as `nobody` through
/// setpriv (skipped where the test is not root or setpriv is missing).
#[test]
fn an_unreadable_pin_file_is_a_warning_for_a_user_it_stops() {
    use std::os::unix::fs::PermissionsExt;
    let setpriv = std::path::Path::new("/usr/bin/setpriv");
    let root =
        std::fs::metadata("/proc/self").map(|m| std::os::unix::fs::MetadataExt::uid(&m) == 0);
    if !setpriv.exists() || !root.unwrap_or(false) {
        return;
    }
    let d = project(FLASK);
    std::fs::write(d.path().join(".python-version"), "3.11\n").unwrap();
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
    for f in ["requirements.txt", "app.py"] {
        std::fs::set_permissions(d.path().join(f), std::fs::Permissions::from_mode(0o644)).unwrap();
    }
    std::fs::set_permissions(
        d.path().join(".python-version"),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    let bin = insta_cmd::get_cargo_bin("dockgen");
    let mut c = std::process::Command::new(setpriv);
    c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
        .arg(&bin)
        .args(["detect", "."])
        .current_dir(d.path())
        .env("NO_COLOR", "1")
        .stdin(std::process::Stdio::null());
    let (code, out, err) = crate::cli::run(&mut c);
    if code != 0 && err.contains("Permission denied") && err.contains("dockgen") {
        // The binary itself is not reachable for `nobody` here (a private target directory).
        return;
    }
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("failed to read `.python-version`: Permission denied"),
        "{out}"
    );
}

#[test]
fn dollar_signs_from_the_project_stay_literal_in_the_dockerfile() {
    let d = project(&[
        ("requirements.txt", b"-r requirements/${X}.txt\n"),
        ("requirements/${X}.txt", b"flask\ngunicorn\n"),
        (
            "app.py",
            b"from flask import Flask\napp = Flask(__name__)\n",
        ),
    ]);
    let p = detect(d.path(), &Options::default()).unwrap();
    let files = render(&plan(&p, &PlanOptions::default()).unwrap()).unwrap();
    let dockerfile = &files["Dockerfile"];
    assert!(
        dockerfile.contains("\nCOPY requirements/\\${X}.txt requirements/\n"),
        "{dockerfile}"
    );
}

#[test]
fn a_settings_package_named_with_a_dollar_is_refused() {
    // No DJANGO_SETTINGS_MODULE in manage.py: the one settings package beside it is used.
    let d = project(&[
        ("requirements.txt", b"django\ngunicorn\n"),
        ("manage.py", b"import sys\n"),
        ("$NAME/__init__.py", b""),
        ("$NAME/settings.py", b"DEBUG = False\n"),
        ("$NAME/wsgi.py", b"application = None\n"),
    ]);
    let e = detect(d.path(), &Options::default()).unwrap_err();
    assert!(e.to_string().contains("`manage.py`"), "{e}");
    assert!(
        e.to_string()
            .contains("`$NAME.settings` is not a Python module path"),
        "{e}"
    );
}

#[test]
fn a_workspace_member_name_cannot_add_a_dockerfile_instruction() {
    for (name, why) in [
        ("\"web\\nRUN touch /pwned\"", "control character"),
        ("\"web RUN\"", "not a valid package name"),
    ] {
        let d = tempfile::tempdir().unwrap();
        let src = crate::support::fixtures().join("uv-workspace");
        let status = std::process::Command::new("cp")
            .arg("-a")
            .arg(format!("{}/.", src.display()))
            .arg(d.path())
            .status()
            .unwrap();
        assert!(status.success());
        let member = d.path().join("apps/web/pyproject.toml");
        let text = std::fs::read_to_string(&member).unwrap();
        std::fs::write(&member, text.replacen("\"web\"", name, 1)).unwrap();
        let e = detect(d.path(), &Options::default()).unwrap_err();
        assert!(e.to_string().contains("`apps/web/pyproject.toml`"), "{e}");
        assert!(e.to_string().contains(why), "{e}");
    }
}

#[test]
fn a_directory_named_with_a_line_break_never_reaches_env_example() {
    let d = project(&[
        ("requirements.txt", b"flask\ngunicorn\n"),
        (
            "app.py",
            b"from flask import Flask\napp = Flask(__name__)\n",
        ),
        (
            "x\nCOMPOSE_FILE=evil.yml/config.py",
            b"import os\nSECRET_KEY = os.environ[\"SECRET_KEY\"]\n",
        ),
    ]);
    let p = detect(d.path(), &Options::default()).unwrap();
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("`x\\nCOMPOSE_FILE=evil.yml`")),
        "{:?}",
        p.warnings
    );
    let env = render(&plan(&p, &PlanOptions::default()).unwrap()).unwrap()[".env.example"].clone();
    assert!(
        !assignments(&env).contains(&"COMPOSE_FILE".to_string()),
        "{env}"
    );
}

/// A fork that doubles a string in a loop is stopped by the memory budget. Run as a child process
/// under a 2 GB address-space limit, so a regression fails the test instead of exhausting the machine.
#[test]
fn a_fork_that_keeps_allocating_is_stopped() {
    let prlimit = std::path::Path::new("/usr/bin/prlimit");
    if !prlimit.exists() {
        return;
    }
    let d = project(FLASK);
    std::fs::create_dir(d.path().join("ops")).unwrap();
    std::fs::write(
        d.path().join("ops/Dockerfile.tera"),
        "{% set_global s = \"x\" %}{% for i in range(end=40) %}{% set_global s = s ~ s %}{% endfor %}{{ s | length }}\n",
    )
    .unwrap();
    let mut c = std::process::Command::new(prlimit);
    c.arg("--as=2000000000")
        .arg(insta_cmd::get_cargo_bin("dockgen"))
        .args(["init", "--check", "--templates", "ops", "."])
        .current_dir(d.path())
        .env("NO_COLOR", "1")
        .env_remove("CI")
        .stdin(std::process::Stdio::null());
    let started = std::time::Instant::now();
    let (code, _, err) = crate::cli::run(&mut c);
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("ops/Dockerfile.tera"), "{err}");
    assert!(err.contains("MiB of memory"), "{err}");
    assert!(started.elapsed() < Duration::from_secs(20));
}
