//! The answers users change most (server settings, health path, Celery app, migration command, compose
//! file name) and `$PORT`, through the CLI: each reaches the generated files, is validated with a
//! precise message, and is saved so `init --check` reproduces it.

use std::path::Path;
use std::process::Command;

use crate::cli::{copy_fixture, dockgen, run, run as output};
use crate::support::project;

fn run_in(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let mut c = dockgen(dir);
    c.args(args);
    run(&mut c)
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

const FLASK: &[(&str, &[u8])] = &[
    ("requirements.txt", b"flask==3.1.0\ngunicorn==23.0.0\n"),
    (
        "app.py",
        b"from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get(\"/\")\ndef index():\n    return \"hi\"\n",
    ),
];

const FASTAPI: &[(&str, &[u8])] = &[
    ("requirements.txt", b"fastapi==0.118.0\nuvicorn==0.37.0\n"),
    (
        "main.py",
        b"from fastapi import FastAPI\n\napp = FastAPI()\n\n\n@app.get(\"/healthz\")\ndef healthz():\n    return {}\n",
    ),
];

/// The Dockerfile's CMD line.
fn cmd(dir: &Path) -> String {
    read(dir, "Dockerfile")
        .lines()
        .find(|l| l.starts_with("CMD "))
        .unwrap_or_default()
        .to_string()
}

#[test]
fn server_settings_reach_the_command_are_saved_and_reproduced() {
    let d = project(FLASK);
    let (code, out, err) = run_in(
        d.path(),
        &[
            "init",
            "--yes",
            "--server-timeout",
            "120",
            "--worker-class",
            "gthread",
            "--max-requests",
            "1000",
            "--forwarded-allow-ips",
            "10.0.0.0/8,127.0.0.1",
            "--server-workers",
            "4",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        cmd(d.path()),
        "CMD [\"gunicorn\", \"app:app\", \"--worker-class\", \"gthread\", \"--timeout\", \"120\", \"--max-requests\", \"1000\", \"--max-requests-jitter\", \"100\", \"--forwarded-allow-ips\", \"10.0.0.0/8,127.0.0.1\", \"--access-logfile\", \"-\"]"
    );
    assert!(read(d.path(), "Dockerfile").contains("    WEB_CONCURRENCY=4 \\\n"));
    assert!(
        read(d.path(), "docker-compose.yml").contains("WEB_CONCURRENCY: \"${WEB_CONCURRENCY:-4}\"")
    );
    let saved = read(d.path(), "dockgen.toml");
    for line in [
        "server-workers = 4\n",
        "server-timeout = 120\n",
        "worker-class = \"gthread\"\n",
        "max-requests = 1000\n",
        "forwarded-allow-ips = \"10.0.0.0/8,127.0.0.1\"\n",
    ] {
        assert!(saved.contains(line), "{line}: {saved}");
    }
    // The saved answers reproduce the files with no flags; a variable overrides one for one run.
    let (code, out, _) = run_in(d.path(), &["init", "--check"]);
    assert_eq!(code, 0, "{out}");
    let mut c = dockgen(d.path());
    c.args(["init", "--check"])
        .env("DOCKGEN_SERVER_TIMEOUT", "60");
    let (code, out, _) = run(&mut c);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("+CMD [\"gunicorn\", \"app:app\", \"--worker-class\", \"gthread\", \"--timeout\", \"60\""), "{out}");
}

#[test]
fn invalid_values_say_what_is_expected() {
    let d = project(FLASK);
    let cases: &[(&[&str], &str)] = &[
        (
            &["--server-timeout", "soon"],
            "`soon` is not a number from 1 to 86400",
        ),
        (
            &["--server-workers", "0"],
            "`0` is not a number from 1 to 256",
        ),
        (
            &["--worker-class", "threads"],
            "`threads` is not a gunicorn worker class: expected sync, gthread, gevent, eventlet, tornado or a dotted path",
        ),
        (
            &["--forwarded-allow-ips", "proxy.local"],
            "`proxy.local` is not a list of proxy addresses",
        ),
        (
            &["--health-path", "healthz"],
            "`healthz` is not a URL path: expected one that starts with /",
        ),
        (
            &["--migrate-command", "flask db upgrade && echo"],
            "has `&`: give the command as plain words without shell syntax",
        ),
        (
            &["--compose-file", "compose.yml.bak"],
            "`compose.yml.bak` is not a compose file name docker compose finds by itself",
        ),
        (
            &["--celery-app", "celery -A proj"],
            "`celery -A proj` is not a Celery app",
        ),
    ];
    for (args, msg) in cases {
        let mut all = vec!["init", "--yes", "--dry-run"];
        all.extend_from_slice(args);
        let (code, _, err) = run_in(d.path(), &all);
        assert_eq!(code, 2, "{args:?}: {err}");
        assert!(err.contains(msg), "{args:?}: {err}");
    }
    // A list and "none" at once is a mistake.
    let (code, _, err) = run_in(
        d.path(),
        &[
            "init",
            "--yes",
            "--dry-run",
            "--health-path",
            "/h",
            "--no-health-path",
        ],
    );
    assert_eq!(code, 2, "{err}");
    let mut c = dockgen(d.path());
    c.args(["init", "--yes", "--dry-run"])
        .env("DOCKGEN_MAX_REQUESTS", "lots");
    let (code, _, err) = run(&mut c);
    assert_ne!(code, 0);
    assert!(err.contains("`DOCKGEN_MAX_REQUESTS=lots`"), "{err}");
}

#[test]
fn settings_the_server_lacks_are_refused_with_a_hint() {
    let d = project(FASTAPI);
    let (code, _, err) = run_in(
        d.path(),
        &["init", "--yes", "--dry-run", "--server-timeout", "60"],
    );
    assert_ne!(code, 0);
    assert!(
        err.contains(
            "error: uvicorn serves this app, and --server-timeout: uvicorn has no worker timeout"
        ),
        "{err}"
    );
    assert!(
        err.contains(
            "hint: serve through gunicorn with --worker-class uvicorn.workers.UvicornWorker"
        ),
        "{err}"
    );
    let (code, _, err) = run_in(
        d.path(),
        &[
            "init",
            "--yes",
            "--dry-run",
            "--max-requests-jitter",
            "5",
            "--max-requests",
            "100",
        ],
    );
    assert_ne!(code, 0);
    assert!(err.contains("uvicorn has no jitter"), "{err}");
    let f = project(FLASK);
    let (code, _, err) = run_in(
        f.path(),
        &[
            "init",
            "--yes",
            "--dry-run",
            "--worker-class",
            "uvicorn.workers.UvicornWorker",
        ],
    );
    assert_ne!(code, 0);
    assert!(
        err.contains("serves ASGI apps, but this is a WSGI app"),
        "{err}"
    );
}

#[test]
fn an_asgi_worker_class_serves_the_app_through_gunicorn() {
    let d = project(FASTAPI);
    let (code, out, err) = run_in(
        d.path(),
        &[
            "init",
            "--yes",
            "--worker-class",
            "uvicorn.workers.UvicornWorker",
            "--server-timeout",
            "90",
            "--max-requests",
            "500",
        ],
    );
    assert_eq!(code, 0, "{out}{err}");
    assert_eq!(
        cmd(d.path()),
        "CMD [\"gunicorn\", \"main:app\", \"--worker-class\", \"uvicorn.workers.UvicornWorker\", \"--timeout\", \"90\", \"--max-requests\", \"500\", \"--max-requests-jitter\", \"50\", \"--access-logfile\", \"-\"]"
    );
    // gunicorn is not a dependency: the image installs it, and says so.
    assert!(
        err.contains("gunicorn is not a dependency of the project"),
        "{err}"
    );
}

#[test]
fn uvicorn_listens_on_port_through_a_shell_that_execs_it() {
    let d = project(FASTAPI);
    let (code, _, err) = run_in(
        d.path(),
        &["init", "--yes", "--port", "8080", "--max-requests", "1000"],
    );
    assert_eq!(code, 0, "{err}");
    assert_eq!(
        cmd(d.path()),
        "CMD [\"sh\", \"-c\", \"exec uvicorn main:app --host 0.0.0.0 --port \\\"${PORT:-8080}\\\" --proxy-headers --limit-max-requests 1000\"]"
    );
    let docker = read(d.path(), "Dockerfile");
    assert!(
        docker.contains("    PORT=8080 \\\n") && docker.contains("EXPOSE 8080\n"),
        "{docker}"
    );
    let compose = read(d.path(), "docker-compose.yml");
    assert!(compose.contains("    PORT: \"8080\"\n"), "{compose}");
    // The dev service runs on the fixed port, with reload.
    assert!(compose.contains("command: [\"uvicorn\", \"main:app\", \"--host\", \"0.0.0.0\", \"--port\", \"8080\", \"--proxy-headers\", \"--limit-max-requests\", \"1000\", \"--reload\"]"), "{compose}");
}

#[test]
fn the_health_route_is_detected_and_an_answer_overrides_it() {
    let d = project(FASTAPI);
    let (code, out, _) = run_in(d.path(), &["detect"]);
    assert_eq!(code, 0);
    // The report wraps at 80 columns.
    let flat = out.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("main.py:6: route `@app.get(\"/healthz\")`"),
        "{out}"
    );
    let (code, _, err) = run_in(d.path(), &["init", "--yes"]);
    assert_eq!(code, 0, "{err}");
    let compose = read(d.path(), "docker-compose.yml");
    assert!(
        compose.contains("# GET /healthz must answer within 3s, with neither 404 nor 5xx: main.py:6: route `@app.get(\"/healthz\")`"),
        "{compose}"
    );
    assert!(
        compose.contains("c.request('GET', '/healthz')"),
        "{compose}"
    );
    let (code, _, err) = run_in(
        d.path(),
        &["init", "--yes", "--force", "--health-path", "/ready"],
    );
    assert_eq!(code, 0, "{err}");
    let compose = read(d.path(), "docker-compose.yml");
    assert!(compose.contains("c.request('GET', '/ready')"), "{compose}");
    assert!(read(d.path(), "dockgen.toml").contains("health-path = \"/ready\"\n"));
    let (code, _, err) = run_in(d.path(), &["init", "--yes", "--force", "--no-health-path"]);
    assert_eq!(code, 0, "{err}");
    let compose = read(d.path(), "docker-compose.yml");
    assert!(
        compose.contains("c.request('GET', '/'); c.getresponse()"),
        "{compose}"
    );
    assert!(
        compose.contains("the health-path answer says there is no health route"),
        "{compose}"
    );
    assert!(read(d.path(), "dockgen.toml").contains("health-path = \"none\"\n"));
}

#[test]
fn the_compose_file_is_the_projects_own_compose_yaml_or_the_answer() {
    let d = project(FLASK);
    std::fs::write(d.path().join("compose.yaml"), "services: {}\n").unwrap();
    // The project's compose.yaml is the generated file: a conflict like any other file that differs,
    // and no docker-compose.yml beside it that compose would not read.
    let (code, _, err) = run_in(d.path(), &["init", "--yes"]);
    assert_ne!(code, 0);
    assert!(err.contains("conflict: compose.yaml"), "{err}");
    assert!(!d.path().join("docker-compose.yml").exists());
    let (code, out, err) = run_in(d.path(), &["init", "--yes", "--force"]);
    assert_eq!(code, 0, "{err}");
    assert!(!out.contains("reads it instead"), "{out}");
    assert!(!d.path().join("docker-compose.yml").exists());
    assert!(read(d.path(), "compose.yaml").contains("\n  web:\n"));
    assert!(read(d.path(), ".dockerignore").contains("\ncompose.yaml\n"));
    // What detection gives is not saved.
    let saved = std::fs::read_to_string(d.path().join("dockgen.toml")).unwrap_or_default();
    assert!(!saved.contains("compose-file"), "{saved}");
    let (code, out, _) = run_in(d.path(), &["init", "--check"]);
    assert_eq!(code, 0, "{out}");

    // Without a compose file of its own, the answer names it, and it is saved.
    let d = project(FLASK);
    let (code, _, err) = run_in(
        d.path(),
        &["init", "--yes", "--compose-file", "compose.yml"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!d.path().join("docker-compose.yml").exists());
    assert!(read(d.path(), "compose.yml").contains("\n  web:\n"));
    assert!(read(d.path(), "dockgen.toml").contains("compose-file = \"compose.yml\"\n"));
    let (code, out, _) = run_in(d.path(), &["init", "--check"]);
    assert_eq!(code, 0, "{out}");
}

#[test]
fn the_celery_app_answer_overrides_detection() {
    let d = project(&[
        (
            "requirements.txt",
            b"flask==3.1.0\ngunicorn==23.0.0\ncelery[redis]==5.5.0\n",
        ),
        (
            "app.py",
            b"from flask import Flask\napp = Flask(__name__)\n",
        ),
        (
            "tasks.py",
            b"from celery import Celery\ncelery = Celery(__name__)\n",
        ),
    ]);
    let (code, out, _) = run_in(d.path(), &["detect", "--json"]);
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["celery_app"], "tasks:celery");
    let (code, out, _) = run_in(
        d.path(),
        &["detect", "--json", "--celery-app", "workers.celery_app:app"],
    );
    assert_eq!(code, 0);
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["celery_app"], "workers.celery_app:app");
    assert_eq!(v["evidence"]["celery_app"]["rule"], "--celery-app flag");
    let (code, _, err) = run_in(
        d.path(),
        &["init", "--yes", "--celery-app", "workers.celery_app:app"],
    );
    assert_eq!(code, 0, "{err}");
    let compose = read(d.path(), "docker-compose.yml");
    assert!(
        compose.contains("command: [\"celery\", \"-A\", \"workers.celery_app:app\", \"worker\""),
        "{compose}"
    );
}

#[test]
fn the_migration_command_can_be_given_or_turned_off() {
    let d = project(FLASK);
    let (code, _, err) = run_in(
        d.path(),
        &[
            "init",
            "--yes",
            "--migrate-command",
            "flask --app app db upgrade",
        ],
    );
    assert_eq!(code, 0, "{err}");
    let compose = read(d.path(), "docker-compose.yml");
    assert!(
        compose.contains("command: [\"flask\", \"--app\", \"app\", \"db\", \"upgrade\"]"),
        "{compose}"
    );
    assert!(read(d.path(), "entrypoint.sh").contains("    flask --app app db upgrade\n"));
    let (code, _, err) = run_in(
        d.path(),
        &["init", "--yes", "--force", "--no-migrate-command"],
    );
    assert_eq!(code, 0, "{err}");
    assert!(!read(d.path(), "docker-compose.yml").contains("\n  migrate:\n"));
    assert!(!read(d.path(), "entrypoint.sh").contains("RUN_MIGRATIONS"));
    assert!(read(d.path(), "dockgen.toml").contains("migrate-command = \"none\"\n"));
}

/// The guided flow asks about a detected health route (a flag or variable would skip it); `none` turns
/// the route off and is saved.
#[test]
fn the_guided_flow_asks_to_confirm_a_detected_health_route() {
    use dockgen::init::answers::Layer;
    use dockgen::init::prompt::{Reply, Scripted};
    use dockgen::init::{Request, run};
    use dockgen::output::write::Mode;
    let d = project(FASTAPI);
    let request = Request {
        root: d.path().to_path_buf(),
        flags: Layer::default(),
        env: Layer::default(),
        mode: Mode::Write { force: false },
        name_hint: None,
        cwd: d.path().to_path_buf(),
        index: None,
        ask_all: false,
    };
    // framework, app dir, entrypoint, python, port: defaults; health path: a bad answer, then none.
    let mut replies = vec![Reply::Default; 5];
    replies.extend([Reply::Text("ready".into()), Reply::Text("none".into())]);
    replies.extend(vec![Reply::Default; 3]);
    let mut p = Scripted::new(replies);
    run(&request, Some(&mut p)).unwrap();
    assert_eq!(p.left(), 0, "{:?}", p.asked);
    assert!(
        p.asked.iter().any(|q| q
            == "Health-check path (from main.py:6: route `@app.get(\"/healthz\")`) [/healthz]"),
        "{:?}",
        p.asked
    );
    assert!(
        p.shown
            .iter()
            .any(|s| s.contains("`ready` is not a URL path")),
        "{:?}",
        p.shown
    );
    assert!(read(d.path(), "dockgen.toml").contains("health-path = \"none\"\n"));
    assert!(
        read(d.path(), "docker-compose.yml").contains("c.request('GET', '/'); c.getresponse()")
    );
}

// ---- the answer layers: precedence, saving, errors

fn json(c: &mut Command) -> serde_json::Value {
    let (code, out, err) = output(c);
    assert!(code == 0 || code == 1, "{code}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn precedence_is_flag_then_environment_then_saved_then_detection() {
    let dir = copy_fixture("flask-flaskenv");
    let p = dir.path();
    let port = |c: &mut Command| {
        let r = json(c);
        (
            r["port"].as_u64().unwrap(),
            r["answers"]["port"]["origin"]["kind"]
                .as_str()
                .unwrap_or("detection")
                .to_string(),
        )
    };
    let dry = ["init", "--dry-run", "--json"];
    assert_eq!(port(dockgen(p).args(dry)), (8000, "detection".into()));
    std::fs::write(p.join("dockgen.toml"), "port = 8100\n").unwrap();
    assert_eq!(port(dockgen(p).args(dry)), (8100, "saved".into()));
    assert_eq!(
        port(dockgen(p).env("DOCKGEN_PORT", "8200").args(dry)),
        (8200, "env".into())
    );
    assert_eq!(
        port(
            dockgen(p)
                .env("DOCKGEN_PORT", "8200")
                .args(dry)
                .args(["--port", "8300"])
        ),
        (8300, "flag".into())
    );
    // `detect` reads the same layers.
    std::fs::write(p.join("dockgen.toml"), "python = \"3.11\"\n").unwrap();
    let r = json(dockgen(p).args(["detect", "--json"]));
    assert_eq!(r["python_version"], "3.11");
    assert_eq!(r["evidence"]["python_version"]["file"], "dockgen.toml");
    assert_eq!(r["evidence"]["python_version"]["line"], 1);
    let r = json(
        dockgen(p)
            .env("DOCKGEN_PYTHON", "3.12")
            .args(["detect", "--json"]),
    );
    assert_eq!(r["python_version"], "3.12");
    assert_eq!(
        r["evidence"]["python_version"]["rule"],
        "DOCKGEN_PYTHON environment variable"
    );
}

#[test]
fn flags_given_once_are_saved_so_check_in_ci_needs_no_flags() {
    let dir = copy_fixture("flask-flaskenv");
    let p = dir.path();
    let (code, _, err) = output(dockgen(p).args(["init", "--yes", "--port", "9000", "--no-redis"]));
    assert_eq!(code, 0, "{err}");
    let saved = read(p, "dockgen.toml");
    assert!(saved.contains("port = 9000"), "{saved}");
    let (code, _, err) = output(dockgen(p).env("CI", "true").args(["init", "--check"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("6 files match"), "{err}");
    // Another port in CI is drift in the compose file and in the saved answers.
    let (code, out, _) = output(dockgen(p).args(["init", "--check", "--port", "9100"]));
    assert_eq!(code, 1);
    assert!(out.contains("+port = 9100"), "{out}");
}

#[test]
fn a_malformed_dockgen_toml_is_an_error_with_line_and_column_and_writes_nothing() {
    let dir = copy_fixture("flask-flaskenv");
    let p = dir.path();
    std::fs::write(
        p.join("dockgen.toml"),
        "python = \"3.12\"\nport = \"http\"\n",
    )
    .unwrap();
    let (code, out, err) = output(dockgen(p).args(["init", "--yes"]));
    assert_eq!(code, 1, "{out}");
    assert!(
        err.contains("error: failed to parse `dockgen.toml` (line 2, column 8)"),
        "{err}"
    );
    assert!(!p.join("Dockerfile").exists());
    std::fs::write(
        p.join("dockgen.toml"),
        "redis = true\nworker = [\"celery\"]\n",
    )
    .unwrap();
    let (code, _, err) = output(dockgen(p).args(["detect"]));
    assert_eq!(code, 1);
    assert!(
        err.contains("(line 2, column 1): unknown field `worker`"),
        "{err}"
    );
}

#[test]
fn workers_without_redis_are_warned_about() {
    let dir = copy_fixture("django-celery-pip");
    let (code, _, err) = output(dockgen(dir.path()).args(["init", "--yes", "--no-redis"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: Redis is off but the worker services need a broker"),
        "{err}"
    );
    let compose = read(dir.path(), "docker-compose.yml");
    assert!(!compose.contains("\n  redis:\n"), "{compose}");
    assert!(compose.contains("\n  worker:\n"), "{compose}");
}

#[test]
fn a_bad_dockgen_variable_names_itself() {
    let dir = copy_fixture("flask-flaskenv");
    let (code, _, err) = output(
        dockgen(dir.path())
            .env("DOCKGEN_PORT", "http")
            .args(["init", "--yes"]),
    );
    assert_eq!(code, 2, "a usage error: {err}");
    assert!(err.contains("`DOCKGEN_PORT=http`"), "{err}");
    let (code, _, err) = output(
        dockgen(dir.path())
            .env("DOCKGEN_PROT", "1")
            .args(["init", "--dry-run"]),
    );
    assert_eq!(code, 0);
    assert!(err.contains("warning: ignoring `DOCKGEN_PROT`"), "{err}");
}
