//! Detection over every fixture: a golden `--json` snapshot each, plus hand-written expectations read off
//! the fixtures themselves (the snapshot proves "unchanged"; the table proves "right").

use dockgen::detect::{Interface, Key, Options, Project, detect};

use crate::support::{fixtures, settings};

/// What a fixture must detect, written by reading the fixture (see its README.md).
struct Expect {
    fixture: &'static str,
    outcome: Result<Facts, &'static str>,
}

struct Facts {
    framework: &'static str,
    pm: &'static str,
    python: &'static str,
    app_dir: &'static str,
    entrypoint: &'static str,
    settings: Option<&'static str>,
    services: &'static [&'static str],
    workers: &'static [&'static str],
    /// Each must appear in some warning; an empty list means no warnings at all.
    warnings: &'static [&'static str],
}

// A table row reads best positionally; named fields would triple the table.
#[allow(clippy::too_many_arguments)]
const fn ok(
    framework: &'static str,
    pm: &'static str,
    python: &'static str,
    app_dir: &'static str,
    entrypoint: &'static str,
    settings: Option<&'static str>,
    services: &'static [&'static str],
    workers: &'static [&'static str],
    warnings: &'static [&'static str],
) -> Result<Facts, &'static str> {
    Ok(Facts {
        framework,
        pm,
        python,
        app_dir,
        entrypoint,
        settings,
        services,
        workers,
        warnings,
    })
}

const PG: &[&str] = &["postgres"];
const PG_REDIS: &[&str] = &["postgres", "redis"];
const REDIS: &[&str] = &["redis"];
const RABBITMQ: &[&str] = &["rabbitmq"];
const NONE: &[&str] = &[];

#[rustfmt::skip]
const EXPECTED: &[Expect] = &[
    Expect { fixture: "broken-toml", outcome: Err("failed to parse `pyproject.toml` (line 3, column 26)") },
    Expect { fixture: "django-asgi-channels", outcome: ok("django", "poetry", "3.13", ".", "chat_site.asgi:application", Some("chat_site.settings"), PG_REDIS, NONE, NONE) },
    Expect { fixture: "django-asgi-only-pip", outcome: ok("django", "pip", "3.11", ".", "mysite.asgi:application", Some("mysite.settings.production"), PG, NONE,
        &["the image runs `mysite.settings.production`", "production.py` line 6: ALLOWED_HOSTS does not list localhost, so http://localhost answers 400; open the app at http://127.0.0.1:<WEB_PORT>/"]) },
    Expect { fixture: "django-celery-pip", outcome: ok("django", "pip", "3.13", ".", "proj.wsgi:application", Some("proj.settings"), PG_REDIS, &["celery"], NONE) },
    Expect { fixture: "django-compressor-pip", outcome: ok("django", "pip", "3.13", ".", "mysite.wsgi:application", Some("mysite.settings"), PG, NONE, &["no Python version is pinned"]) },
    Expect { fixture: "django-db-url-merge-pip", outcome: ok("django", "pip", "3.12", ".", "mysite.wsgi:application", Some("mysite.settings.production"), PG, NONE,
        &["the image runs `mysite.settings.production`"]) },
    Expect { fixture: "django-env-writes-pip", outcome: ok("django", "pip", "3.12", ".", "archive.wsgi:application", Some("archive.settings"), PG, NONE, NONE) },
    Expect { fixture: "django-hostile-settings", outcome: ok("django", "pip", "3.13", ".", "blog.wsgi:application", Some("blog.settings"), NONE, NONE,
        &["DEBUG = True", "ALLOWED_HOSTS = []", "only database is SQLite", "STATIC_ROOT is not set", "no Python version is pinned"]) },
    Expect { fixture: "django-media-app", outcome: ok("django", "pip", "3.13", ".", "gallery.wsgi:application", Some("gallery.settings"), PG, NONE, NONE) },
    Expect { fixture: "django-optional-env-pip", outcome: ok("django", "pip", "3.12", ".", "newsroom.wsgi:application", Some("newsroom.settings"), PG, NONE, NONE) },
    Expect { fixture: "django-redis-cache-pip", outcome: ok("django", "pip", "3.11", ".", "shopfront.wsgi:application", Some("shopfront.settings"), PG_REDIS, NONE, NONE) },
    Expect { fixture: "django-settings-package", outcome: ok("django", "pip", "3.11", ".", "mysite.wsgi:application", Some("mysite.settings.production"), PG, NONE,
        &["the image runs `mysite.settings.production`"]) },
    Expect { fixture: "django-uv-subdir", outcome: ok("django", "uv", "3.12", "core", "config.wsgi:application", Some("config.settings"), PG_REDIS, NONE, NONE) },
    Expect { fixture: "empty", outcome: Err("no Python web application found") },
    Expect { fixture: "fastapi-celery-module-pip", outcome: ok("fastapi", "pip", "3.12", ".", "app.main:app", None, REDIS, &["celery"], NONE) },
    Expect { fixture: "fastapi-env-sample-pip", outcome: ok("fastapi", "pip", "3.12", ".", "app.main:app", None, NONE, NONE, NONE) },
    Expect { fixture: "fastapi-get-application-pip", outcome: ok("fastapi", "pip", "3.12", ".", "app.main:app", None, NONE, NONE, NONE) },
    Expect { fixture: "fastapi-register-app-pip", outcome: ok("fastapi", "pip", "3.12", ".", "backend.main:app", None, NONE, NONE, NONE) },
    Expect { fixture: "fastapi-standard-uv", outcome: ok("fastapi", "uv", "3.12", "src", "inventory.main:api", None, NONE, NONE, NONE) },
    Expect { fixture: "flask-alembic-pip", outcome: ok("flask", "pip", "3.12", ".", "forum:create_app()", None, NONE, NONE, NONE) },
    Expect { fixture: "flask-celery-rabbitmq-pip", outcome: ok("flask", "pip", "3.12", ".", "app:app", None, RABBITMQ, &["celery"], NONE) },
    Expect { fixture: "flask-ci-matrix-pip", outcome: ok("flask", "pip", "3.12", ".", "app:app", None, NONE, NONE, NONE) },
    Expect { fixture: "flask-click-manage-pip", outcome: ok("flask", "pip", "3.12", ".", "blog:create_app()", None, NONE, NONE,
        &["the django app found by `manage.py` was not used: django is not a dependency of the project, flask is"]) },
    Expect { fixture: "flask-editable-setupcfg-pip", outcome: ok("flask", "pip", "3.11", ".", "blog:create_app()", None, PG_REDIS, NONE, NONE) },
    Expect { fixture: "flask-factory-pipenv", outcome: ok("flask", "pipenv", "3.11", ".", "myapp:create_app()", None, PG_REDIS, NONE, NONE) },
    Expect { fixture: "flask-flaskenv", outcome: ok("flask", "pip", "3.13", ".", "server:srv", None, NONE, NONE, &["no Python version is pinned"]) },
    Expect { fixture: "flask-old-pdm-lock", outcome: ok("flask", "pdm", "3.13", ".", "app:app", None, REDIS, NONE, &["run `pdm lock --update-reuse --strategy inherit_metadata`"]) },
    Expect { fixture: "flask-old-pins-uv", outcome: ok("flask", "uv", "3.11", ".", "wsgi:app", None, PG, NONE, &["no Python version is pinned (.python-version, requires-python, Pipfile); the image uses 3.11"]) },
    Expect { fixture: "flask-pkg-resources-pip", outcome: ok("flask", "pip", "3.10", ".", "notes:app", None, PG, NONE, NONE) },
    Expect { fixture: "lock-and-requirements", outcome: ok("fastapi", "poetry", "3.13", ".", "main:app", None, PG, NONE, &["the lockfile wins and `requirements.txt` is ignored"]) },
    Expect { fixture: "monorepo", outcome: ok("fastapi", "uv", "3.13", "backend", "app.main:app", None, NONE, NONE, NONE) },
    Expect { fixture: "pdm-backend-requirements", outcome: ok("flask", "pip", "3.13", ".", "app:app", None, NONE, NONE, NONE) },
    Expect { fixture: "pdm-flask", outcome: ok("flask", "pdm", "3.12", ".", "app:app", None, REDIS, &["rq"], NONE) },
    Expect { fixture: "pip-pep621", outcome: ok("fastapi", "pip", "3.13", ".", "main:application", None, NONE, NONE, NONE) },
    Expect { fixture: "poetry1-flask", outcome: ok("flask", "poetry", "3.13", ".", "wsgi:app", None, REDIS, &["rq"], NONE) },
    Expect { fixture: "poetry2-fastapi", outcome: ok("fastapi", "poetry", "3.12", ".", "app.main:app", None, PG, NONE, NONE) },
    Expect { fixture: "two-apps", outcome: Err("found 2 candidate applications") },
    Expect { fixture: "uv-workspace", outcome: ok("django", "uv", "3.12", "apps/web", "web.wsgi:application", Some("web.settings"), PG, NONE, NONE) },
    Expect { fixture: "venv-decoys", outcome: ok("flask", "pip", "3.13", ".", "app:application", None, NONE, NONE, &["no Python version is pinned"]) },
];

fn run(fixture: &str) -> dockgen::Result<Project> {
    detect(&fixtures().join(fixture), &Options::default())
}

#[test]
fn every_fixture_has_an_expectation_and_a_readme() {
    let mut dirs: Vec<String> = std::fs::read_dir(fixtures())
        .unwrap()
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    let listed: Vec<&str> = EXPECTED.iter().map(|e| e.fixture).collect();
    assert_eq!(
        dirs, listed,
        "tests/fixtures and EXPECTED must list the same cases"
    );
    assert!(dirs.len() >= 16);
    for d in &dirs {
        let readme = std::fs::read_to_string(fixtures().join(d).join("README.md")).unwrap();
        assert_eq!(
            readme.trim().lines().count(),
            1,
            "{d}/README.md must be one line"
        );
    }
}

#[test]
fn fixtures_detect_what_their_readme_says() {
    let mut failures = Vec::new();
    for e in EXPECTED {
        let got = run(e.fixture);
        match (&e.outcome, got) {
            (Err(want), Err(err)) => {
                if !err.to_string().contains(want) {
                    failures.push(format!("{}: error `{err}` lacks `{want}`", e.fixture));
                }
            }
            (Err(want), Ok(p)) => failures.push(format!(
                "{}: expected error `{want}`, got {:?}",
                e.fixture, p.entrypoint
            )),
            (Ok(_), Err(err)) => failures.push(format!("{}: unexpected error `{err}`", e.fixture)),
            (Ok(f), Ok(p)) => {
                let services: Vec<&str> = p.services.iter().map(|s| s.as_str()).collect();
                let workers: Vec<&str> = p.workers.iter().map(|s| s.as_str()).collect();
                let checks = [
                    (
                        "framework",
                        p.framework.as_str().to_string(),
                        f.framework.to_string(),
                    ),
                    (
                        "package_manager",
                        p.package_manager.as_str().to_string(),
                        f.pm.to_string(),
                    ),
                    (
                        "python_version",
                        p.python_version.to_string(),
                        f.python.to_string(),
                    ),
                    ("app_dir", p.app_dir.to_string(), f.app_dir.to_string()),
                    ("entrypoint", p.entrypoint.clone(), f.entrypoint.to_string()),
                    (
                        "settings",
                        format!("{:?}", p.settings_module()),
                        format!("{:?}", f.settings.map(String::from)),
                    ),
                    ("services", services.join(","), f.services.join(",")),
                    ("workers", workers.join(","), f.workers.join(",")),
                ];
                for (k, got, want) in checks {
                    if got != want {
                        failures.push(format!("{}: {k} = {got:?}, expected {want:?}", e.fixture));
                    }
                }
                if f.warnings.is_empty() && !p.warnings.is_empty() {
                    failures.push(format!(
                        "{}: unexpected warnings {:?}",
                        e.fixture, p.warnings
                    ));
                }
                for w in f.warnings {
                    if !p.warnings.iter().any(|x| x.contains(w)) {
                        failures.push(format!(
                            "{}: no warning contains `{w}` in {:?}",
                            e.fixture, p.warnings
                        ));
                    }
                }
                for k in [
                    Key::Framework,
                    Key::PackageManager,
                    Key::PythonVersion,
                    Key::AppDir,
                    Key::Entrypoint,
                ] {
                    if !p.evidence.contains_key(&k) {
                        failures.push(format!("{}: no evidence for {k}", e.fixture));
                    }
                }
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// A Celery app is found by what its module does, whatever the module is called (issue 17: `celery_app.py`
/// got no worker app, only a warning).
#[test]
fn celery_app_in_a_module_of_any_name() {
    let p = run("fastapi-celery-module-pip").unwrap();
    assert_eq!(
        p.queue_named("celery").app.as_deref(),
        Some("app.celery_app:celery_app")
    );
    let e = &p.evidence[&Key::QueueApp("celery")];
    assert_eq!(
        (e.file.as_deref(), e.line),
        (Some("app/celery_app.py"), Some(5))
    );
}

/// `-e .` in requirements.txt: the dependencies are the package's own, from setup.cfg, with their lines
/// and exact pins (issue 17: Postgres, Redis and Flask-Migrate were missed).
#[test]
fn editable_local_package_dependencies_come_from_its_setup_cfg() {
    let p = run("flask-editable-setupcfg-pip").unwrap();
    let flask = p.dependencies.get("flask").unwrap();
    assert_eq!(flask.version.as_deref(), Some("2.1.3"));
    assert_eq!(
        (flask.evidence.file.as_deref(), flask.evidence.line),
        (Some("setup.cfg"), Some(11))
    );
    assert!(p.dependencies.has("flask-migrate"));
    assert!(
        !p.dependencies.has("pytest"),
        "the `test` extra was not asked for"
    );
    let local = &p.install.local_packages;
    assert_eq!(local.len(), 1);
    assert_eq!(
        (local[0].file.as_str(), local[0].line),
        ("requirements.txt", 1)
    );
    assert_eq!(local[0].requires.len(), 8);
}

#[test]
fn golden_reports() {
    settings().bind(|| {
        insta::glob!("../fixtures", "*/README.md", |readme| {
            let dir = readme.parent().unwrap();
            match detect(dir, &Options::default()) {
                Ok(p) => insta::assert_json_snapshot!("detect", p),
                Err(e) => {
                    // The message names the path as given; make it independent of the checkout location.
                    let text = format!("error: {e}\nhint: {}", e.hint().unwrap_or_default())
                        .replace(&dir.display().to_string(), "[fixture]");
                    insta::assert_snapshot!("detect-error", text)
                }
            }
        });
    });
}

// ---- specific traps, beyond the table

#[test]
fn uvicorn_comes_from_fastapi_standard_in_the_lock() {
    let p = run("fastapi-standard-uv").unwrap();
    let uv = p
        .dependencies
        .get("uvicorn")
        .expect("uvicorn is locked through fastapi[standard]");
    assert!(!uv.direct);
    assert!(
        p.dependencies
            .get("fastapi")
            .unwrap()
            .extras
            .contains("standard")
    );
    assert_eq!(p.servers, vec![dockgen::knowledge::Server::Uvicorn]);
    assert!(
        !p.dependencies.has("pytest"),
        "dev dependencies are not runtime"
    );
}

#[test]
fn dev_dependencies_never_count() {
    for (fixture, dev) in [
        ("django-settings-package", "django-debug-toolbar"),
        ("django-celery-pip", "pytest"),
        ("flask-factory-pipenv", "pytest"),
        ("poetry1-flask", "pytest"),
        ("pdm-flask", "pytest"),
        ("django-asgi-channels", "pytest-django"),
        ("lock-and-requirements", "pytest"),
    ] {
        let p = run(fixture).unwrap();
        assert!(
            !p.dependencies.has(dev),
            "{fixture}: {dev} is a dev dependency"
        );
    }
}

#[test]
fn names_are_normalised_and_markers_evaluated() {
    let p = run("django-redis-cache-pip").unwrap();
    for name in [
        "django",
        "django-redis",
        "psycopg",
        "djangorestframework",
        "gunicorn",
    ] {
        assert!(p.dependencies.has(name), "{name}");
    }
    assert!(
        !p.dependencies.has("pywin32"),
        "a win32-only marker does not apply in the image"
    );
    assert!(
        p.native.is_empty(),
        "psycopg[binary] needs no libpq headers"
    );
}

#[test]
fn source_builds_need_native_packages() {
    let p = run("django-settings-package").unwrap();
    assert_eq!(p.native.len(), 1);
    assert!(p.native[0].build.contains(&"libpq-dev") && p.native[0].runtime.contains(&"libpq5"));
    let p = run("django-hostile-settings").unwrap();
    assert!(p.native[0].build.contains(&"default-libmysqlclient-dev"));
}

#[test]
fn django_details() {
    let p = run("django-asgi-channels").unwrap();
    assert_eq!(p.interface, Interface::Asgi);
    assert_eq!(p.static_root, Some(true));
    let p = run("django-celery-pip").unwrap();
    // The project's own Procfile runs `celery -A proj worker`: what it runs beats the Celery(...)
    // object found in proj/celery.py (both name the same app).
    assert_eq!(p.queue_named("celery").app.as_deref(), Some("proj"));
    assert_eq!(
        p.evidence[&Key::QueueApp("celery")].to_string(),
        "Procfile:2: Procfile `worker:` runs `celery -A proj`"
    );
    assert!(p.queue_named("celery").schedule);
    let p = run("django-hostile-settings").unwrap();
    assert_eq!(p.static_root, Some(false));
    let p = run("django-uv-subdir").unwrap();
    let ev = &p.evidence[&Key::Fact("django_settings_module")];
    assert_eq!(
        (ev.file.as_deref(), ev.line.is_some()),
        (Some("core/manage.py"), true)
    );
}

#[test]
fn workspace_builds_from_its_root() {
    let p = run("uv-workspace").unwrap();
    assert_eq!(p.project_dir, ".");
    assert_eq!(
        p.install_files(),
        vec![
            "pyproject.toml",
            "uv.lock",
            "apps/web/pyproject.toml",
            "packages/common/pyproject.toml"
        ]
    );
    let p = run("monorepo").unwrap();
    assert_eq!(p.project_dir, "backend");
}

#[test]
fn decoys_are_not_candidates() {
    let p = run("venv-decoys").unwrap();
    assert_eq!(p.candidates.len(), 1, "{:?}", p.candidates);
    let p = run("fastapi-standard-uv").unwrap();
    assert!(p.candidates.iter().all(|c| {
        !c.evidence
            .file
            .as_deref()
            .unwrap_or("")
            .starts_with("tests/")
    }));
}

#[test]
fn explicit_choices_win_and_say_so() {
    let dir = fixtures().join("two-apps");
    let p = detect(
        &dir,
        &Options {
            app_dir: Some("services/orders".into()),
            python: Some("3.12".into()),
            package_manager: Some("pip".parse().unwrap()),
            ..Options::default()
        },
    )
    .unwrap();
    assert_eq!(p.framework.as_str(), "flask");
    assert_eq!(p.app_dir, "services/orders");
    assert_eq!(p.python_version.to_string(), "3.12");
    assert_eq!(p.evidence[&Key::PythonVersion].rule, "--python flag");
    assert_eq!(p.evidence[&Key::AppDir].rule, "--app-dir flag");
    let err = detect(
        &dir,
        &Options {
            app_dir: Some("nope".into()),
            ..Options::default()
        },
    )
    .unwrap_err();
    assert!(
        err.hint().unwrap().contains("services/billing"),
        "{:?}",
        err.hint()
    );
}

#[test]
fn an_unpinned_python_follows_the_wheels_the_lockfile_lists() {
    let p = run("flask-old-pins-uv").unwrap();
    // greenlet 3.0.1 has cp311/cp312 wheels, psycopg2-binary 2.9.6 cp311 only: 3.13 (the default) and
    // 3.12 would build them from source.
    assert_eq!(p.python_version.to_string(), "3.11");
    let why = &p.evidence[&Key::PythonVersion];
    assert_eq!(why.file.as_deref(), Some("uv.lock"));
    assert!(
        why.rule
            .contains("greenlet 3.0.1 and psycopg2-binary 2.9.6 have none for 3.13"),
        "{why:?}"
    );
    // docopt is published as an sdist only: the builder gets a compiler, with the lock as evidence.
    assert!(
        p.native.contains(&dockgen::knowledge::COMPILER),
        "{:?}",
        p.native
    );
    let docopt = &p.evidence[&Key::Native("docopt".into())];
    assert!(
        docopt
            .rule
            .contains("lists only a source distribution of docopt 0.6.2"),
        "{docopt:?}"
    );
    assert!(!p.evidence.contains_key(&Key::Native("greenlet".into())));
}

#[test]
fn a_pinned_python_without_wheels_is_kept_and_warned_about() {
    let opts = Options {
        python: Some("3.13".into()),
        ..Options::default()
    };
    let p = detect(&fixtures().join("flask-old-pins-uv"), &opts).unwrap();
    assert_eq!(p.python_version.to_string(), "3.13");
    let warned = |pkg: &str, with: &str| {
        p.warnings.iter().any(|w| {
            w.starts_with(&format!("`{pkg}` in uv.lock has no wheel for Python 3.13"))
                && w.contains(&format!("(it has wheels for {with})"))
        })
    };
    assert!(warned("greenlet 3.0.1", "3.11, 3.12"), "{:#?}", p.warnings);
    assert!(warned("psycopg2-binary 2.9.6", "3.11"), "{:#?}", p.warnings);
    assert!(p.evidence.contains_key(&Key::Native("greenlet".into())));
    assert!(
        !p.warnings
            .iter()
            .any(|w| w.contains("no Python version is pinned"))
    );
}

#[test]
fn a_range_never_gives_way_to_the_wheels() {
    // fastapi-standard-uv allows >=3.10,<3.13; its lock has wheels for 3.12, so the range's choice stands.
    let p = run("fastapi-standard-uv").unwrap();
    assert_eq!(p.python_version.to_string(), "3.12");
    assert!(
        p.evidence[&Key::PythonVersion]
            .rule
            .contains("requires-python")
    );
}

#[test]
fn the_ci_matrix_is_evidence_for_the_python_version() {
    let p = run("flask-ci-matrix-pip").unwrap();
    assert_eq!(p.python_version.to_string(), "3.12");
    let why = &p.evidence[&Key::PythonVersion];
    assert_eq!(why.file.as_deref(), Some(".github/workflows/tests.yml"));
    assert!(why.rule.contains("3.10, 3.11, 3.12"), "{why:?}");
}

#[test]
fn offline_compression_runs_compress_after_collectstatic_at_build_time() {
    let p = run("django-compressor-pip").unwrap();
    let why = &p.evidence[&Key::Fact("compress_offline")];
    assert_eq!(
        (why.file.as_deref(), why.line),
        (Some("mysite/settings.py"), Some(46))
    );
    let plan = dockgen::plan::plan(&p, &Default::default()).unwrap();
    let cmd = plan.build_command.expect("a build step");
    let steps: Vec<&str> = cmd.split(" && ").collect();
    assert_eq!(steps.len(), 2, "{cmd}");
    assert!(
        steps[0].ends_with("python manage.py collectstatic --noinput"),
        "{cmd}"
    );
    assert!(
        steps[1].ends_with("python manage.py compress --force"),
        "{cmd}"
    );
    // Both steps get the throwaway SECRET_KEY the settings require.
    assert!(steps.iter().all(|s| s.starts_with("SECRET_KEY=")), "{cmd}");
    // Without COMPRESS_OFFLINE, only collectstatic.
    let p = run("django-celery-pip").unwrap();
    let plan = dockgen::plan::plan(&p, &Default::default()).unwrap();
    assert!(!plan.build_command.unwrap().contains("compress"));
}

#[test]
fn a_schema_made_by_the_apps_own_command_is_named_not_run() {
    // The Flask tutorial's `flask --app flaskr init-db` (tests/e2e/corpus/flaskr-uwsgi-pip): no
    // migration tool, so init says to run the app's own command once (it drops and recreates tables,
    // so no service runs it on every start).
    let dir = fixtures().join("../e2e/corpus/flaskr-uwsgi-pip");
    let p = detect(&dir, &Options::default()).unwrap();
    let names: Vec<(&str, Option<&str>, Option<usize>)> = p
        .schema_commands
        .iter()
        .map(|(n, e)| (n.as_str(), e.file.as_deref(), e.line))
        .collect();
    assert_eq!(names, vec![("init-db", Some("flaskr/db.py"), Some(29))]);
    let plan = dockgen::plan::plan(&p, &Default::default()).unwrap();
    assert!(plan.migration.is_none());
    assert!(
        plan.notes
            .iter()
            .any(|n| n.contains("run it once with `docker compose exec web flask init-db`")),
        "{:#?}",
        plan.notes
    );
    // A Flask app with Flask-Migrate gets its migrations, and no such note.
    let p = run("poetry1-flask").unwrap();
    let plan = dockgen::plan::plan(&p, &Default::default()).unwrap();
    assert!(
        !plan.notes.iter().any(|n| n.contains("schema")),
        "{:#?}",
        plan.notes
    );
}

/// A uv.lock out of date with its pyproject is said at init with the command that fixes it (issue 17:
/// `uv sync --locked` failed only at build time); the committed fixture's lock matches and is quiet.
#[test]
fn a_stale_uv_lock_is_reported_with_the_fix() {
    let src = fixtures().join("django-uv-subdir");
    let read = |f: &str| std::fs::read(src.join(f)).unwrap();
    let pyproject = String::from_utf8(read("pyproject.toml"))
        .unwrap()
        .replace("\"redis>=5.2\",", "\"redis>=5.2\",\n    \"celery>=5.4\",");
    let manage = read("core/manage.py");
    let settings = read("core/config/settings.py");
    let wsgi = read("core/config/wsgi.py");
    let init = read("core/config/__init__.py");
    let dir = crate::support::project(&[
        ("pyproject.toml", pyproject.as_bytes()),
        ("uv.lock", &read("uv.lock")),
        (".python-version", &read(".python-version")),
        ("core/manage.py", &manage),
        ("core/config/__init__.py", &init),
        ("core/config/settings.py", &settings),
        ("core/config/wsgi.py", &wsgi),
    ]);
    let p = detect(dir.path(), &Options::default()).unwrap();
    let w: Vec<&String> = p
        .warnings
        .iter()
        .filter(|w| w.contains("out of date"))
        .collect();
    assert_eq!(w.len(), 1, "{:?}", p.warnings);
    assert!(
        w[0].contains("`celery` is not in it") && w[0].contains("run `uv lock`"),
        "{}",
        w[0]
    );
    assert!(run("django-uv-subdir").unwrap().warnings.is_empty());
}

/// A Pipfile without Pipfile.lock and a requirements.txt beside it: the image installs the committed
/// requirements (issue 17: the lockless Pipfile failed in the builder), and init says how to lock. A
/// lockless Pipfile alone is locked in the builder, then installed from the export like a committed lock.
#[test]
fn a_lockless_pipfile_yields_to_its_requirements_file() {
    let pipfile = b"[packages]\nflask = \"*\"\n\n[requires]\npython_version = \"3.12\"\n";
    let app = b"from flask import Flask\n\napp = Flask(__name__)\n";
    let dir = crate::support::project(&[
        ("Pipfile", pipfile),
        ("requirements.txt", b"flask==3.1.0\n"),
        ("app.py", app),
    ]);
    let p = detect(dir.path(), &Options::default()).unwrap();
    assert_eq!(p.package_manager.as_str(), "pip");
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("`Pipfile` has no Pipfile.lock")
                && w.contains("installs `requirements.txt`")
                && w.contains("run `pipenv lock`")),
        "{:?}",
        p.warnings
    );
    let alone = crate::support::project(&[("Pipfile", pipfile), ("app.py", app)]);
    let p = detect(alone.path(), &Options::default()).unwrap();
    assert_eq!(p.package_manager.as_str(), "pipenv");
    let plan = dockgen::plan::plan(&p, &dockgen::plan::PlanOptions::default()).unwrap();
    let docker = &dockgen::output::render::render(&plan).unwrap()["Dockerfile"];
    assert!(
        docker
            .contains("/opt/pipenv/bin/pipenv lock && /opt/pipenv/bin/pipenv requirements --hash"),
        "{docker}"
    );
    assert!(!docker.contains("install --deploy --system"), "{docker}");
}

/// A declared range that admits no Python dockgen has images for is refused with the file, line and a
/// hint, never built on the default outside the range (issue 17, item 7); `--python` still decides.
#[test]
fn a_range_dockgen_cannot_serve_is_an_error_with_a_hint() {
    let pyproject =
        b"[project]\nname = \"x\"\nversion = \"0\"\nrequires-python = \">=3.6,<3.9\"\ndependencies = [\"flask\"]\n";
    let dir = crate::support::project(&[
        ("pyproject.toml", pyproject),
        (
            "app.py",
            b"from flask import Flask\napp = Flask(__name__)\n",
        ),
    ]);
    let e = detect(dir.path(), &Options::default()).unwrap_err();
    let shown = format!("{e}");
    assert!(shown.contains("`pyproject.toml` (line 4"), "{shown}");
    assert!(shown.contains("admits none of the versions"), "{shown}");
    assert!(
        matches!(&e, dockgen::Error::Hinted { hint, .. } if hint.contains("--python")),
        "{e:?}"
    );
    let opts = Options {
        python: Some("3.9".into()),
        ..Options::default()
    };
    assert_eq!(
        detect(dir.path(), &opts)
            .unwrap()
            .python_version
            .to_string(),
        "3.9"
    );
}

/// An edit of a manifest's text.
type Edit = fn(&str) -> String;

/// A copy of `dir`'s files with `manifest` edited by `edit`, as a new project.
fn edited_copy(
    dir: &std::path::Path,
    manifest: &str,
    edit: fn(&str) -> String,
) -> tempfile::TempDir {
    let to = tempfile::tempdir().unwrap();
    copy_tree(dir, to.path());
    let text = std::fs::read_to_string(to.path().join(manifest)).unwrap();
    let edited = edit(&text);
    assert_ne!(text, edited, "{manifest} edit changed nothing");
    std::fs::write(to.path().join(manifest), edited).unwrap();
    to
}

fn copy_tree(from: &std::path::Path, to: &std::path::Path) {
    for e in std::fs::read_dir(from).unwrap().flatten() {
        let dest = to.join(e.file_name());
        if e.path().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
            copy_tree(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

#[test]
fn a_lock_out_of_date_with_its_manifest_is_reported_with_the_fix() {
    let add_redis = |t: &str| t.replacen("dependencies = [", "dependencies = [\"redis\", ", 1);
    let cases: &[(&str, &str, Edit, &str)] = &[
        (
            "poetry1-flask",
            "pyproject.toml",
            |t| {
                t.replacen(
                    "[tool.poetry.dependencies]\n",
                    "[tool.poetry.dependencies]\ncelery = \"^5.4\"\n",
                    1,
                )
            },
            "run `poetry lock`",
        ),
        (
            "poetry2-fastapi",
            "pyproject.toml",
            add_redis,
            "run `poetry lock`",
        ),
        (
            "pdm-flask",
            "pyproject.toml",
            add_redis,
            "run `pdm lock --update-reuse`",
        ),
        (
            "flask-factory-pipenv",
            "Pipfile",
            |t| t.replacen("[packages]\n", "[packages]\ncelery = \"*\"\n", 1),
            "run `pipenv lock`",
        ),
    ];
    for (fixture, manifest, edit, fix) in cases {
        let dir = fixtures().join(fixture);
        let fresh = detect(&dir, &Options::default()).unwrap();
        assert!(
            !fresh.warnings.iter().any(|w| w.contains("is out of date")),
            "{fixture}: {:?}",
            fresh.warnings
        );
        let copy = edited_copy(&dir, manifest, *edit);
        let p = detect(copy.path(), &Options::default()).unwrap();
        assert!(
            p.warnings.iter().any(
                |w| w.contains(&format!("is out of date with `{manifest}`")) && w.contains(fix)
            ),
            "{fixture}: {:?}",
            p.warnings
        );
    }
}

#[test]
fn the_corpus_locks_match_their_manifests() {
    let corpus = fixtures().join("../e2e/corpus");
    let mut checked = 0;
    for e in std::fs::read_dir(&corpus).unwrap().flatten() {
        let has_digest = ["poetry.lock", "pdm.lock", "Pipfile.lock", "uv.lock"]
            .iter()
            .any(|l| e.path().join(l).exists());
        if !e.path().is_dir() || !has_digest {
            continue;
        }
        let p = detect(&e.path(), &Options::default()).unwrap();
        assert!(
            !p.warnings.iter().any(|w| w.contains("is out of date")),
            "{:?}: {:?}",
            e.file_name(),
            p.warnings
        );
        checked += 1;
    }
    assert!(checked >= 7, "{checked}");
}

#[test]
fn required_values_come_from_the_projects_example_env_file_but_never_its_secrets() {
    let p = run("fastapi-env-sample-pip").unwrap();
    let plan = dockgen::plan::plan(&p, &dockgen::plan::PlanOptions::default()).unwrap();
    let value = |name: &str| {
        let e = plan.env_example.iter().find(|e| e.name == name).unwrap();
        (e.value.clone(), e.comment.clone(), e.secret)
    };
    let (v, comment, _) = value("PROJECT_NAME");
    assert_eq!(v, "Shop API");
    assert!(comment.contains(".env.sample:2"), "{comment}");
    assert_eq!(value("FIRST_SUPERUSER").0, "admin@example.com");
    // A placeholder and a token-like value are not copied; a signing key gets a fresh secret.
    assert_eq!(value("SENTRY_DSN").0, "");
    assert_eq!(value("API_TOKEN").0, "");
    assert!(value("SECRET_KEY").2);
    let must: Vec<&str> = plan.must_set.iter().map(|m| m.name.as_str()).collect();
    // SECRET_KEY is required too, and init writes its random value.
    assert_eq!(must, ["API_TOKEN", "SECRET_KEY", "SENTRY_DSN"]);
}
