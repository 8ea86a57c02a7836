//! `init` over every fixture: a golden snapshot of all generated files, and checks that parse, lint and
//! cross-check them (hadolint, checkov, shellcheck, `docker compose config`), because a snapshot only proves
//! "unchanged". The linters come from `scripts/tools`; a missing one fails the test, never skips it.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

use dockgen::detect::{Options, detect};
use dockgen::output::render::render;
use dockgen::plan::proxy::Proxy;
use dockgen::plan::{PlanOptions, plan};

use crate::support::{fixtures, project, settings, snapshot_text};

/// A linter from `.tools/bin` (scripts/tools) or the PATH.
pub fn tool(name: &str) -> PathBuf {
    let local = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join(".tools/bin")
        .join(name);
    if local.exists() {
        return local;
    }
    let found = std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|p| p.join(name))
            .find(|p| p.exists())
    });
    found.unwrap_or_else(|| {
        panic!("`{name}` is not installed: run scripts/tools (scripts/test does)")
    })
}

fn generated(fixture: &str) -> Option<(dockgen::detect::Project, BTreeMap<String, String>)> {
    generated_with(fixture, Proxy::None)
}

fn generated_with(
    fixture: &str,
    proxy: Proxy,
) -> Option<(dockgen::detect::Project, BTreeMap<String, String>)> {
    let p = detect(&fixtures().join(fixture), &Options::default()).ok()?;
    let opts = PlanOptions {
        name_hint: Some(fixture.to_string()),
        proxy,
        ..PlanOptions::default()
    };
    let plan = plan(&p, &opts).unwrap();
    Some((p, render(&plan).unwrap()))
}

/// The fixtures also generated with `--proxy nginx`: a Django app whose build collects static files,
/// a Flask app and a FastAPI app.
pub const PROXY_FIXTURES: &[&str] = &[
    "django-celery-pip",
    "flask-factory-pipenv",
    "fastapi-standard-uv",
];

/// Every fixture's generated files by name, then the proxy variants as `proxy-<fixture>`.
fn every_generated_set() -> Vec<(String, BTreeMap<String, String>)> {
    let plain = fixture_names()
        .into_iter()
        .filter_map(|f| generated(&f).map(|(_, files)| (f, files)));
    let proxied = PROXY_FIXTURES.iter().map(|f| {
        let (_, files) = generated_with(f, Proxy::Nginx).expect("a proxy fixture generates");
        (format!("proxy-{f}"), files)
    });
    plain.chain(proxied).collect()
}

pub fn fixture_names() -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

fn write_out(files: &BTreeMap<String, String>) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = d.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    std::fs::write(d.path().join(".env"), filled_env(&files[".env.example"])).unwrap();
    d
}

/// `.env.example` as a user fills it in: every empty value it asks for (the secrets `dockgen init`
/// generates, the values the app requires) gets one; nothing is uncommented.
fn filled_env(example: &str) -> String {
    example
        .lines()
        .map(|l| match l.strip_suffix('=') {
            Some(name) if !l.starts_with('#') => format!("{name}=test-value-{name}\n"),
            _ => format!("{l}\n"),
        })
        .collect()
}

/// Lints one generated set; returns every finding as text (empty: clean).
pub fn lint(dir: &Path) -> Vec<String> {
    let mut findings = Vec::new();
    let run = |cmd: &mut Command| -> (bool, String) {
        let out = cmd.current_dir(dir).output().expect("linter runs");
        let text = format!(
            "{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        (out.status.success() && text.trim().is_empty(), text)
    };
    let (ok, text) =
        run(Command::new(tool("hadolint")).args(["--failure-threshold", "style", "Dockerfile"]));
    if !ok {
        findings.push(format!("hadolint: {text}"));
    }
    let (ok, text) = run(Command::new(tool("shellcheck")).args([
        "--shell=sh",
        "--severity=style",
        "entrypoint.sh",
    ]));
    if !ok {
        findings.push(format!("shellcheck: {text}"));
    }
    let (ok, text) = run(Command::new(tool("docker-compose")).args(["config", "-q"]));
    if !ok {
        findings.push(format!("docker compose config: {text}"));
    }
    findings
}

fn compose_json(dir: &Path) -> serde_json::Value {
    let out = Command::new(tool("docker-compose"))
        .args(["--profile", "dev", "config", "--format", "json"])
        .current_dir(dir)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Every fixture's runtime stage: the code and the venv are copied without `--chown` (root's), nothing
/// runs after `USER`, and the directories made the app user's are exactly the plan's, each explained in
/// a comment above the `RUN` that creates them. (The e2e tier checks the built image's permissions.)
#[test]
fn code_and_venv_belong_to_root_and_only_the_planned_dirs_are_writable() {
    for name in fixture_names() {
        let Some(p) = detect(&fixtures().join(&name), &Options::default()).ok() else {
            continue;
        };
        let plan = plan(&p, &PlanOptions::default()).unwrap();
        let docker = &render(&plan).unwrap()["Dockerfile"];
        let runtime = &docker[docker.find(" AS runtime").unwrap()..];
        assert!(!runtime.contains("--chown"), "{name}: {runtime}");
        let user = runtime.find("\nUSER 10001:10001\n").expect("USER");
        assert!(
            !runtime[user..].contains("\nRUN "),
            "{name}: a RUN after USER"
        );
        let owned: Vec<&str> = runtime
            .lines()
            .filter_map(|l| l.split_once("install -d -o 10001 -g 10001 "))
            .flat_map(|(_, dirs)| dirs.split(' '))
            .collect();
        let planned: Vec<&str> = plan.writable_dirs.iter().map(|w| w.path.as_str()).collect();
        assert_eq!(owned, planned, "{name}");
        for w in &plan.writable_dirs {
            assert!(
                runtime.contains(&format!("#   {}: {}", w.path, w.reason)),
                "{name}: {} has no comment",
                w.path
            );
        }
    }
}

#[test]
fn golden_files() {
    settings().bind(|| {
        for (name, files) in every_generated_set() {
            insta::assert_snapshot!(format!("init-{name}"), snapshot_text(&files));
        }
    });
}

#[test]
fn every_fixture_generates_lint_clean_output() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for (fixture, files) in every_generated_set() {
        let dir = write_out(&files);
        for f in lint(dir.path()) {
            failures.push(format!("{fixture}: {f}"));
        }
        checked += 1;
    }
    assert!(
        checked >= 17 + PROXY_FIXTURES.len(),
        "only {checked} fixtures generated output"
    );
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// checkov's Dockerfile policies over every fixture's generated Dockerfile, in one run over a directory
/// of `<fixture>/Dockerfile` (one process start instead of one per fixture). Offline: no API key, no
/// guideline or policy download (`--skip-download`, `BC_SKIP_MAPPING`), no PyPI update check
/// (`CKV_SKIP_PACKAGE_UPDATE_CHECK`).
#[test]
fn every_fixture_dockerfile_passes_checkov() {
    let root = tempfile::tempdir().unwrap();
    let mut checked = 0;
    for (fixture, files) in every_generated_set() {
        let d = root.path().join(&fixture);
        std::fs::create_dir(&d).unwrap();
        std::fs::write(d.join("Dockerfile"), &files["Dockerfile"]).unwrap();
        checked += 1;
    }
    assert!(checked >= 17, "only {checked} fixtures generated output");
    let out = Command::new(tool("checkov"))
        .args(["--framework", "dockerfile", "--directory", "."])
        .args([
            "--compact",
            "--quiet",
            "--skip-download",
            "--output",
            "json",
        ])
        .env("BC_SKIP_MAPPING", "TRUE")
        .env("CKV_SKIP_PACKAGE_UPDATE_CHECK", "TRUE")
        .env_remove("BC_API_KEY")
        .current_dir(root.path())
        .output()
        .expect("checkov runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    if out.status.success() {
        return;
    }
    // Exit 1 with a JSON report: list each failed check as `fixture: CHECK_ID name`.
    let mut failures = Vec::new();
    if let Ok(report) = serde_json::from_str::<serde_json::Value>(&stdout) {
        let reports = match report {
            serde_json::Value::Array(v) => v,
            one => vec![one],
        };
        for r in &reports {
            for c in r["results"]["failed_checks"]
                .as_array()
                .into_iter()
                .flatten()
            {
                let file = c["file_path"].as_str().unwrap_or("?");
                let fixture = file
                    .trim_start_matches('/')
                    .split('/')
                    .next()
                    .unwrap_or("?");
                failures.push(format!(
                    "{fixture}: {} {}",
                    c["check_id"].as_str().unwrap_or("?"),
                    c["check_name"].as_str().unwrap_or("")
                ));
            }
        }
    }
    failures.sort();
    panic!(
        "checkov failed ({}):\n{}\n{}{}",
        out.status,
        failures.join("\n"),
        if failures.is_empty() { &stdout } else { "" },
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The checklist's cross-file and [R] items, read from the files themselves.
#[test]
fn generated_files_agree_with_each_other() {
    let mut failures = Vec::new();
    for fixture in fixture_names() {
        let Some((p, files)) = generated(&fixture) else {
            continue;
        };
        let dir = write_out(&files);
        let docker = &files["Dockerfile"];
        let entry = &files["entrypoint.sh"];
        let ignore = &files[".dockerignore"];
        let example = &files[".env.example"];
        let compose_text = &files["docker-compose.yml"];
        let c = compose_json(dir.path());
        let mut fail = |m: String| failures.push(format!("{fixture}: {m}"));

        // One port everywhere.
        let expose: Vec<&str> = docker
            .lines()
            .filter_map(|l| l.strip_prefix("EXPOSE "))
            .collect();
        let port: u16 = expose[0].parse().unwrap();
        let web = &c["services"]["web"];
        // The server listens on $PORT, which the image sets to the EXPOSEd port: gunicorn reads PORT
        // itself when no --bind is given; the others expand it through `sh -c`.
        if !docker.contains(&format!(" PORT={port}")) {
            fail(format!("ENV PORT is not the EXPOSEd {port}"));
        }
        let cmd = docker
            .lines()
            .find(|l| l.starts_with("CMD ["))
            .unwrap_or("");
        let listens = if cmd.starts_with("CMD [\"gunicorn\"") {
            !cmd.contains("--bind")
        } else {
            cmd.starts_with("CMD [\"sh\", \"-c\", \"exec ")
                && cmd.contains(&format!("--port \\\"${{PORT:-{port}}}\\\""))
        };
        if !listens {
            fail(format!("CMD does not listen on $PORT: {cmd}"));
        }
        if web["environment"]["PORT"].as_str() != Some(port.to_string().as_str()) {
            fail(format!(
                "compose gives web PORT={}",
                web["environment"]["PORT"]
            ));
        }
        if web["ports"][0]["target"].as_u64() != Some(port as u64) {
            fail(format!(
                "web port target {} != {port}",
                web["ports"][0]["target"]
            ));
        }
        if !web["healthcheck"]["test"]
            .to_string()
            .contains(&format!("os.environ.get('PORT') or {port})"))
        {
            fail("web healthcheck probes another port".into());
        }
        // Every variable compose interpolates or passes through is documented in .env.example.
        let documented = |name: &str| {
            example
                .lines()
                .any(|l| l.trim_start_matches("# ").starts_with(&format!("{name}=")))
        };
        let mut rest = compose_text.as_str();
        while let Some(i) = rest.find("${") {
            let before = &rest[..i];
            rest = &rest[i + 2..];
            if before.ends_with('$') {
                continue; // `$${X}` is a literal for the container's shell
            }
            let name: String = rest
                .chars()
                .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                .collect();
            if !documented(&name) {
                fail(format!(
                    "compose interpolates ${{{name}}} but .env.example does not list it"
                ));
            }
        }
        for line in compose_text.lines() {
            let t = line.trim();
            if t.ends_with(':')
                && line.starts_with("    ")
                && !line.starts_with("     ")
                && t[..t.len() - 1]
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit())
            {
                let name = &t[..t.len() - 1];
                if !documented(name) {
                    fail(format!(
                        "compose passes {name} through but .env.example does not list it"
                    ));
                }
            }
        }
        // Checklist [R] items.
        if compose_text.lines().any(|l| l.starts_with("version:")) {
            fail("top-level version: key".into());
        }
        for svc in ["db", "redis"] {
            if c["services"][svc].is_object() && c["services"][svc]["ports"].is_array() {
                fail(format!("{svc} publishes ports"));
            }
        }
        if docker.lines().any(|l| {
            (l.starts_with("ARG ") || l.starts_with("ENV ") || l.starts_with("    "))
                && ["SECRET", "PASSWORD", "TOKEN", "KEY"]
                    .iter()
                    .any(|w| l.split('=').next().unwrap_or("").contains(w))
        }) {
            fail("an ARG/ENV name looks like a secret".into());
        }
        let user = docker
            .lines()
            .rfind(|l| l.starts_with("USER "))
            .unwrap_or("");
        if !user[5..]
            .split(':')
            .all(|x| x.parse::<u32>().is_ok_and(|u| u != 0))
        {
            fail(format!("final USER is not a numeric non-root uid: {user}"));
        }
        // One stage only when uv is mounted for the install, never copied into the image.
        let single = docker.matches("FROM ").count() < 2;
        if (single && docker.contains("COPY --from=")) || docker.contains(":latest") {
            fail("a tool copied into a single-stage image, or an unpinned image".into());
        }
        if !entry.starts_with("#!/bin/sh\n")
            || !entry.contains("\nset -eu\n")
            || !entry.trim_end().ends_with("exec \"$@\"")
        {
            fail("entrypoint.sh shape".into());
        }
        if entry.contains('\r') {
            fail("CRLF in entrypoint.sh".into());
        }
        // .dockerignore excludes secrets and never what the Dockerfile copies.
        let patterns: Vec<&str> = ignore
            .lines()
            .filter(|l| !l.starts_with('#') && !l.is_empty())
            .collect();
        for must in [
            ".git",
            "**/.env",
            "**/.env.*",
            "!**/.env.example",
            ".venv",
            "**/__pycache__",
            "node_modules",
        ] {
            if !patterns.contains(&must) {
                fail(format!(".dockerignore lacks {must}"));
            }
        }
        // The app directory relative to the build context.
        let app_dir_rel = p.project_dir.strip(p.app_dir.as_str());
        for copied in p
            .install_files()
            .iter()
            .chain(["entrypoint.sh".to_string(), app_dir_rel].iter())
        {
            for pat in &patterns {
                let pat = pat.trim_start_matches("**/");
                if !pat.starts_with('!')
                    && (copied == pat || copied.starts_with(&format!("{pat}/")))
                {
                    fail(format!(".dockerignore pattern {pat} excludes {copied}"));
                }
            }
        }
        // web waits for its dependencies being healthy.
        for dep in ["db", "redis"] {
            if c["services"][dep].is_object()
                && web["depends_on"][dep]["condition"] != "service_healthy"
            {
                fail(format!("web does not wait for {dep} healthy"));
            }
        }
        if web["init"] != true || web["restart"] != "unless-stopped" {
            fail("web lacks init/restart".into());
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// `.env.example` carries no usable secret: copied as it is, compose refuses to start, naming what to set.
#[test]
fn env_example_as_it_is_does_not_start_the_stack() {
    let mut checked = 0;
    for fixture in fixture_names() {
        let Some((_, files)) = generated(&fixture) else {
            continue;
        };
        let example = &files[".env.example"];
        for line in example.lines().filter(|l| !l.starts_with('#')) {
            let (name, value) = line.split_once('=').unwrap_or((line, ""));
            let secret = ["PASSWORD", "SECRET", "_KEY", "TOKEN"]
                .iter()
                .any(|m| name.contains(m));
            assert!(
                !secret || value.is_empty(),
                "{fixture}: .env.example gives {name} a value: {value}"
            );
        }
        if !example.contains("\nPOSTGRES_PASSWORD=\n") {
            continue;
        }
        let d = write_out(&files);
        std::fs::write(d.path().join(".env"), example).unwrap();
        let out = Command::new(tool("docker-compose"))
            .args(["config", "-q"])
            .current_dir(d.path())
            .output()
            .unwrap();
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success(),
            "{fixture}: compose started with .env.example"
        );
        // Compose names the first empty required variable it meets (its order varies): one of the
        // values .env.example leaves empty, POSTGRES_PASSWORD or an app's secret.
        let name = err
            .split("required variable ")
            .nth(1)
            .and_then(|r| r.split_whitespace().next())
            .unwrap_or_default();
        assert!(
            !name.is_empty() && example.contains(&format!("\n{name}=\n")),
            "{fixture}: {err}"
        );
        assert!(
            err.contains(&format!("set {name} in .env")),
            "{fixture}: {err}"
        );
        checked += 1;
    }
    assert!(checked >= 5, "only {checked} fixtures have Postgres");
}

#[test]
fn odd_paths_still_give_valid_yaml_and_sh() {
    let d = project(&[
        ("pyproject.toml", b"[project]\nname = \"my \\\"app\\\" $HOME #1\"\nrequires-python = \">=3.12\"\ndependencies = [\"fastapi\", \"uvicorn\", \"psycopg[binary]\"]\n"),
        ("my app$x #1/main.py", b"from fastapi import FastAPI\napi = FastAPI()\n"),
    ]);
    let p = detect(d.path(), &Options::default()).unwrap();
    assert_eq!(p.app_dir, "my app$x #1");
    let files = render(&plan(&p, &PlanOptions::default()).unwrap()).unwrap();
    let out = write_out(&files);
    let findings = lint(out.path());
    assert!(findings.is_empty(), "{findings:?}");
    assert!(files["Dockerfile"].contains("WORKDIR /app/my app\\$x #1"));
    let c = compose_json(out.path());
    let watched = c["services"]["web"]["develop"]["watch"][0]["path"]
        .as_str()
        .unwrap()
        .to_string();
    // `config` prints compose syntax again, so the literal `$` comes back escaped as `$$`.
    assert!(watched.ends_with("my app$$x #1"), "{watched}");
    assert_eq!(c["services"]["web"]["image"], "my-app-home-1");
}

#[test]
fn newline_in_a_path_is_a_clear_error() {
    let d = project(&[
        ("requirements.txt", b"fastapi\nuvicorn\n"),
        (
            "bad\ndir/main.py",
            b"from fastapi import FastAPI\napp = FastAPI()\n",
        ),
    ]);
    // The walk skips the name (no generated file could carry it), and the error says why nothing was found.
    let err = detect(d.path(), &Options::default()).unwrap_err();
    let hint = err.hint().unwrap();
    assert!(
        hint.contains("`bad\\ndir`") && hint.contains("rename"),
        "{hint}"
    );
    // The name's line break never reaches the hint raw (the hint's own lines list the warnings).
    assert!(!hint.contains("bad\ndir"), "{hint}");
    assert!(hint.lines().all(|l| !l.starts_with("dir")), "{hint}");
}

/// A package installed by `-e .`: the dependency layer (before the source) installs what setup.cfg
/// declares with the `-e .` line taken out of the builder's copy, and the requirements as written are
/// installed once the package's files are in (issue 17: "does not appear to be a Python project").
/// Flask 2.1 has no `--app`: migrate and the dev server lean on the image's FLASK_APP.
#[test]
fn local_package_is_installed_after_its_files_and_old_flask_gets_no_app_option() {
    let (_, files) = generated("flask-editable-setupcfg-pip").unwrap();
    let docker = &files["Dockerfile"];
    let (deps_layer, after) = docker
        .split_once("\nCOPY . .\n")
        .expect("a COPY . . in the builder");
    assert!(
        deps_layer.contains(
            "sed -i -e 1d requirements.txt && uv pip install -r requirements.txt Flask==2.1.3 "
        ),
        "{deps_layer}"
    );
    assert!(deps_layer.contains(" gunicorn==22.0.0\n"), "{deps_layer}");
    let builder_rest = after.split("FROM ").next().unwrap();
    assert!(
        builder_rest.contains("uv pip install -r requirements.txt\n"),
        "{builder_rest}"
    );
    let compose = &files["docker-compose.yml"];
    assert!(
        compose.contains(r#"command: ["flask", "db", "upgrade"]"#),
        "{compose}"
    );
    assert!(!compose.contains("--app"), "{compose}");
    assert!(docker.contains(r#"FLASK_APP="blog:create_app()""#));
}

/// `--python 3.13` on a uv project whose `.python-version` says 3.12: the image is 3.13 and uv is pointed
/// at the image's interpreter, so the `.python-version` that `COPY . .` brings in cannot send `uv sync`
/// looking for a 3.12 that is not there (issue 17, item 7).
#[test]
fn the_python_flag_wins_inside_the_build() {
    let dir = fixtures().join("django-uv-subdir");
    assert_eq!(
        std::fs::read_to_string(dir.join(".python-version"))
            .unwrap()
            .trim(),
        "3.12"
    );
    let opts = Options {
        python: Some("3.13".into()),
        ..Options::default()
    };
    let p = detect(&dir, &opts).unwrap();
    let files = render(&plan(&p, &PlanOptions::default()).unwrap()).unwrap();
    let docker = &files["Dockerfile"];
    assert!(docker.contains("ARG PYTHON_VERSION=3.13\n"), "{docker}");
    // The install's settings, exported in its RUN (no builder stage: every package is a wheel).
    let install = docker
        .lines()
        .find(|l| l.contains("export UV_"))
        .expect("the install's settings");
    assert!(
        install.contains(" UV_PYTHON=/usr/local/bin/python3 "),
        "{docker}"
    );
    assert!(docker.contains("uv sync --locked"), "{docker}");
}

/// A pdm.lock from PDM 2.10 (no `inherit_metadata`): `pdm export` refuses it, so the image syncs the lock
/// into the app's venv instead (issue 17, item 11); a current lock keeps the hashed export.
#[test]
fn an_old_pdm_lock_is_synced_into_the_venv() {
    let (_, files) = generated("flask-old-pdm-lock").unwrap();
    let docker = &files["Dockerfile"];
    assert!(
        docker.contains("/opt/pdm/bin/pdm use -f /opt/venv/bin/python && /opt/pdm/bin/pdm sync --prod --no-self --no-editable"),
        "{docker}"
    );
    assert!(!docker.contains("pdm export"), "{docker}");
    let (_, files) = generated("pdm-flask").unwrap();
    assert!(files["Dockerfile"].contains("/opt/pdm/bin/pdm export --prod"));
}

/// Workers on a broker they cannot reach: the project's Celery has no Redis client and its broker URL
/// says nothing of RabbitMQ, yet the generated broker is Redis. Init says the stack will not work,
/// instead of "Next:" (issue 17, item 8); with `celery[redis]` it says nothing of the kind, and a broker
/// URL that defaults to `amqp://` gets a RabbitMQ service instead of Redis (issue 17).
#[test]
fn workers_without_a_redis_client_are_a_blocker() {
    let app = b"from fastapi import FastAPI\n\napp = FastAPI()\n";
    let worker = |broker: &str| {
        format!(
            "import os\n\nfrom celery import Celery\n\ncelery_app = Celery(\"proj\", broker={broker})\n"
        )
    };
    let with_broker = |broker: &str| {
        let worker = worker(broker);
        let dir = project(&[
            (
                "requirements.txt",
                b"fastapi==0.115.6\nuvicorn==0.34.0\ncelery==5.4.0\n",
            ),
            ("proj/__init__.py", b""),
            ("proj/main.py", app),
            ("proj/celery_app.py", worker.as_bytes()),
        ]);
        let p = detect(dir.path(), &Options::default()).unwrap();
        plan(&p, &PlanOptions::default()).unwrap()
    };
    let blockers = with_broker("os.environ[\"CELERY_BROKER_URL\"]").blockers;
    assert_eq!(blockers.len(), 1, "{blockers:?}");
    assert!(
        blockers[0].problem.contains("no Redis client"),
        "{blockers:?}"
    );
    let rabbit = with_broker(
        "os.environ.get(\"CELERY_BROKER_URL\", \"amqp://guest:guest@localhost:5672//\")",
    );
    assert!(rabbit.blockers.is_empty(), "{:?}", rabbit.blockers);
    let names: Vec<&str> = rabbit.services.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(names, ["rabbitmq"]);
    let p = detect(
        &fixtures().join("fastapi-celery-module-pip"),
        &Options::default(),
    )
    .unwrap();
    assert!(
        plan(&p, &PlanOptions::default())
            .unwrap()
            .blockers
            .is_empty()
    );
}

/// With `--proxy nginx`, read from `docker compose config`: web publishes nothing (so `--scale web=3`
/// can start), trusts the forwarded headers, and the proxy alone publishes WEB_PORT to the port its
/// nginx.conf listens on, proxies to web's port by name resolved per request, runs hardened and waits
/// for web healthy. The Django fixture's static files are copied into the proxy's image and served
/// from where they were copied.
#[test]
fn the_proxy_variant_publishes_through_nginx_and_leaves_web_free_to_scale() {
    for fixture in PROXY_FIXTURES {
        let (_, files) = generated_with(fixture, Proxy::Nginx).unwrap();
        let dir = write_out(&files);
        let c = compose_json(dir.path());
        let web = &c["services"]["web"];
        let proxy = &c["services"]["proxy"];
        assert!(web.get("ports").is_none(), "{fixture}: web publishes {web}");
        assert_eq!(web["expose"][0], "8000", "{fixture}");
        assert_eq!(web["environment"]["FORWARDED_ALLOW_IPS"], "*", "{fixture}");
        assert_eq!(proxy["ports"][0]["target"], 8080, "{fixture}");
        assert_eq!(proxy["ports"][0]["published"], "8000", "{fixture}");
        assert_eq!(proxy["user"], "101:101", "{fixture}");
        assert_eq!(proxy["read_only"], true, "{fixture}");
        assert_eq!(proxy["cap_drop"], serde_json::json!(["ALL"]), "{fixture}");
        assert!(
            proxy["security_opt"]
                .to_string()
                .contains("no-new-privileges"),
            "{fixture}"
        );
        assert!(proxy["healthcheck"]["test"].is_array(), "{fixture}");
        assert_eq!(
            proxy["depends_on"]["web"]["condition"], "service_healthy",
            "{fixture}"
        );
        let mount = &proxy["volumes"][0];
        assert_eq!(mount["target"], "/etc/nginx/nginx.conf", "{fixture}");
        assert_eq!(mount["read_only"], true, "{fixture}");
        assert!(
            mount["source"]
                .as_str()
                .unwrap()
                .ends_with("/nginx/nginx.conf"),
            "{fixture}: {mount}"
        );
        let conf = &files["nginx/nginx.conf"];
        for line in [
            "listen 8080;",
            "resolver 127.0.0.11 valid=1s",
            "set $web http://web:8000;",
            "proxy_pass $web;",
            "proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;",
            "proxy_set_header X-Forwarded-Proto $scheme;",
            "proxy_set_header X-Forwarded-Host $host;",
        ] {
            assert!(conf.contains(line), "{fixture}: no `{line}` in\n{conf}");
        }
        let docker = &files["Dockerfile"];
        if *fixture == "django-celery-pip" {
            assert_eq!(proxy["build"]["target"], "proxy", "{fixture}");
            assert!(
                docker.contains(
                    "FROM nginx:1.28 AS proxy\nCOPY --from=runtime /app/staticfiles /srv/www/static/\n"
                ),
                "{docker}"
            );
            let last_from = docker.lines().rfind(|l| l.starts_with("FROM ")).unwrap();
            assert_eq!(
                last_from, "FROM runtime",
                "the app stays the default target"
            );
            assert!(
                conf.contains("location /static/ {\n            root /srv/www;"),
                "{conf}"
            );
        } else {
            assert_eq!(proxy["image"], "nginx:1.28", "{fixture}");
            assert!(proxy.get("build").is_none(), "{fixture}");
            assert!(!docker.contains(" AS proxy"), "{fixture}");
            assert!(!conf.contains("root "), "{fixture}: {conf}");
        }
    }
}

/// daphne reads no FORWARDED_ALLOW_IPS: behind the proxy, the plan says so (and how to trust the
/// headers) instead of claiming they are trusted.
#[test]
fn a_daphne_app_behind_the_proxy_is_told_it_trusts_no_forwarded_headers() {
    let p = detect(
        &fixtures().join("django-asgi-channels"),
        &Options::default(),
    )
    .unwrap();
    let with = |proxy| {
        let opts = PlanOptions {
            proxy,
            ..PlanOptions::default()
        };
        plan(&p, &opts).unwrap()
    };
    let proxied = with(Proxy::Nginx);
    assert_eq!(proxied.server.program, "daphne");
    let note = "daphne does not read FORWARDED_ALLOW_IPS";
    assert!(
        proxied.notes.iter().any(|n| n.contains(note)),
        "{:?}",
        proxied.notes
    );
    assert!(!with(Proxy::None).notes.iter().any(|n| n.contains(note)));
}

/// A Django project on MySQL (mysqlclient or PyMySQL, `django.db.backends.mysql`, its settings from the
/// environment) gets MariaDB as `db`, each DATABASES key pointed at it (issue 17; it was a blocker while
/// no service existed). A mysqlclient the settings never use (SQLite), or a project that also has a
/// Postgres driver (so compose runs Postgres), gets no MariaDB.
#[test]
fn a_mysql_project_gets_a_mariadb_service() {
    use dockgen::knowledge::Service;
    let settings = |engine: &str| {
        format!(
            "import os\nSECRET_KEY = os.environ[\"SECRET_KEY\"]\nALLOWED_HOSTS = [\"localhost\"]\nROOT_URLCONF = \"mysite.urls\"\nWSGI_APPLICATION = \"mysite.wsgi.application\"\nDATABASES = {{\"default\": {{\"ENGINE\": \"django.db.backends.{engine}\", \"NAME\": os.environ.get(\"MYSQL_DATABASE\", \"app\"), \"USER\": os.environ.get(\"MYSQL_USER\", \"app\"), \"PASSWORD\": os.environ.get(\"MYSQL_PASSWORD\", \"\"), \"HOST\": os.environ.get(\"MYSQL_HOST\", \"localhost\")}}}}\nSTATIC_URL = \"static/\"\nSTATIC_ROOT = \"staticfiles\"\n"
        )
    };
    let planned = |requirements: &[u8], engine: &str| {
        let settings = settings(engine);
        let dir = project(&[
            ("requirements.txt", requirements),
            (".python-version", b"3.12\n"),
            (
                "manage.py",
                b"import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"mysite.settings\")\n",
            ),
            ("mysite/__init__.py", b""),
            ("mysite/settings.py", settings.as_bytes()),
            ("mysite/urls.py", b"urlpatterns = []\n"),
            (
                "mysite/wsgi.py",
                b"from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
            ),
        ]);
        let p = detect(dir.path(), &Options::default()).unwrap();
        plan(&p, &PlanOptions::default()).unwrap()
    };
    let env = |plan: &dockgen::plan::Plan, name: &str| {
        plan.app_env
            .iter()
            .find(|e| e.name == name)
            .map(|e| e.value.clone())
    };
    for requirements in [
        &b"Django==5.2.9\nmysqlclient==2.2.7\ngunicorn==23.0.0\n"[..],
        b"Django==5.2.9\nPyMySQL==1.1.1\n",
    ] {
        let mysql = planned(requirements, "mysql");
        assert!(mysql.blockers.is_empty(), "{:?}", mysql.blockers);
        assert!(mysql.runs(Service::Mariadb) && !mysql.runs(Service::Postgres));
        assert_eq!(env(&mysql, "MYSQL_HOST").as_deref(), Some("db"));
        assert_eq!(
            env(&mysql, "MYSQL_PASSWORD").as_deref(),
            Some("${MARIADB_PASSWORD:?set MARIADB_PASSWORD in .env}")
        );
        assert_eq!(
            env(&mysql, "MYSQL_DATABASE").as_deref(),
            Some("${MARIADB_DATABASE:-app}")
        );
        let compose = dockgen::output::render::render(&mysql).unwrap();
        let compose = &compose["docker-compose.yml"];
        assert!(
            compose.contains("healthcheck.sh\", \"--connect\""),
            "{compose}"
        );
        assert!(compose.contains("mariadb-data:/var/lib/mysql"), "{compose}");
        assert!(!compose.contains("postgres"), "{compose}");
    }
    let both = planned(
        b"Django==5.2.9\nmysqlclient==2.2.7\npsycopg[binary]==3.2.3\n",
        "postgresql",
    );
    assert!(both.runs(Service::Postgres) && !both.runs(Service::Mariadb));
    let p = detect(
        &fixtures().join("django-hostile-settings"),
        &Options::default(),
    )
    .unwrap();
    let unused = plan(&p, &PlanOptions::default()).unwrap();
    assert!(!unused.runs(Service::Mariadb), "{:?}", unused.services);
}

/// django-rq gives Django a management command for RQ's worker: the worker runs it through the
/// framework's CLI (`python manage.py rqworker default`), not the bare `rq worker`; plain rq keeps
/// `rq worker`.
#[test]
fn django_rq_runs_its_worker_through_manage_py() {
    let worker = |requirements: &[u8]| {
        let dir = project(&[
            ("requirements.txt", requirements),
            (".python-version", b"3.12\n"),
            (
                "manage.py",
                b"import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"mysite.settings\")\n",
            ),
            ("mysite/__init__.py", b""),
            (
                "mysite/settings.py",
                b"import os\nSECRET_KEY = os.environ[\"SECRET_KEY\"]\nROOT_URLCONF = \"mysite.urls\"\nWSGI_APPLICATION = \"mysite.wsgi.application\"\nSTATIC_URL = \"static/\"\nSTATIC_ROOT = \"staticfiles\"\n",
            ),
            ("mysite/urls.py", b"urlpatterns = []\n"),
            (
                "mysite/wsgi.py",
                b"from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
            ),
        ]);
        let p = detect(dir.path(), &Options::default()).unwrap();
        let plan = plan(&p, &PlanOptions::default()).unwrap();
        plan.workers
            .iter()
            .find(|w| w.name == "worker")
            .map(|w| w.command.join(" "))
    };
    assert_eq!(
        worker(b"Django==5.2.9\ndjango-rq==3.1\n").as_deref(),
        Some("python manage.py rqworker default")
    );
    assert_eq!(
        worker(b"Django==5.2.9\nrq==2.6.0\n").as_deref(),
        Some("rq worker --url redis://redis:6379/0")
    );
}

/// Flask's `config.from_prefixed_env()` makes every key the app sets in code a variable: `FLASK_<KEY>`
/// by default (Flask's own prefix), `<PREFIX>_<KEY>` with the prefix the call gives.
#[test]
fn from_prefixed_env_reads_flask_prefixed_variables() {
    let names = |call: &str| {
        let app = format!(
            "from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    app.config.from_mapping(SECRET_KEY=\"dev\", CELERY=dict(broker_url=\"redis://localhost\"))\n    app.config.{call}\n    return app\n"
        );
        let dir = project(&[
            ("requirements.txt", b"Flask==3.1.2\n"),
            (".python-version", b"3.12\n"),
            ("shop/__init__.py", app.as_bytes()),
        ]);
        let p = detect(dir.path(), &Options::default()).unwrap();
        p.env_vars
            .iter()
            .map(|v| v.name.clone())
            .collect::<Vec<_>>()
    };
    let default = names("from_prefixed_env()");
    assert!(
        default.contains(&"FLASK_SECRET_KEY".to_string()),
        "{default:?}"
    );
    assert!(
        default.contains(&"FLASK_CELERY__broker_url".to_string()),
        "{default:?}"
    );
    let own = names("from_prefixed_env(\"SHOP\")");
    assert!(own.contains(&"SHOP_SECRET_KEY".to_string()), "{own:?}");
    assert!(!own.iter().any(|n| n.starts_with("FLASK_")), "{own:?}");
}

/// A Django app that collects static files but has nothing to serve them with DEBUG off (no WhiteNoise,
/// no django-storages) is told so at init, with both fixes; not with the front proxy, which serves them,
/// and not when WhiteNoise is a dependency.
#[test]
fn unserved_django_static_files_are_named_unless_the_proxy_serves_them() {
    let note = "nothing in the generated stack serves the collected static files";
    let notes = |fixture: &str, proxy| {
        let p = detect(&fixtures().join(fixture), &Options::default()).unwrap();
        let opts = PlanOptions {
            proxy,
            ..PlanOptions::default()
        };
        plan(&p, &opts).unwrap().notes
    };
    let bare = notes("django-media-app", Proxy::None);
    let n = bare.iter().find(|n| n.contains(note)).expect("the note");
    assert!(
        n.contains("--proxy nginx") && n.contains("add WhiteNoise"),
        "{n}"
    );
    assert!(
        !notes("django-media-app", Proxy::Nginx)
            .iter()
            .any(|n| n.contains(note))
    );
    let corpus = |app: &str| {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/e2e/corpus")
            .join(app);
        let p = detect(&dir, &Options::default()).unwrap();
        plan(&p, &PlanOptions::default()).unwrap().notes
    };
    // Its settings use WhiteNoise's middleware, and whitenoise is pinned.
    assert!(
        !corpus("django-startproject-pip")
            .iter()
            .any(|n| n.contains(note))
    );
}
