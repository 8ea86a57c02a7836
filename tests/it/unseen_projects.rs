//! Projects shaped like real ones dockgen had not seen (issue 17), with expectations written by reading
//! each fixture: what is required, what is optional and typed, what gets a generated value, and what
//! `.env` leaves for the user (nothing, for a stack that should start with zero edits).

use dockgen::base::kinds::EnvType;
use dockgen::detect::{Options, Project, detect};
use dockgen::plan::{Plan, PlanOptions, plan};

use crate::support::fixtures;

fn planned(fixture: &str) -> (Project, Plan) {
    let p = detect(&fixtures().join(fixture), &Options::default()).unwrap();
    let opts = PlanOptions {
        name_hint: Some(fixture.to_string()),
        ..PlanOptions::default()
    };
    let plan = plan(&p, &opts).unwrap();
    (p, plan)
}

/// The `.env` `dockgen init` writes, with `secret` as every generated value.
fn dotenv(plan: &Plan) -> (String, Vec<String>) {
    dockgen::output::dotenv::content(plan, Some((1000, 1000)), || Ok("generated".to_string()))
        .unwrap()
}

/// Active `NAME=` lines with no value: what the user would have to type before compose starts.
fn left_empty(env: &str) -> Vec<&str> {
    env.lines()
        .filter(|l| !l.starts_with('#'))
        .filter_map(|l| l.strip_suffix('='))
        .collect()
}

#[test]
fn optional_settings_stay_optional_and_only_the_signing_key_is_generated() {
    let (p, plan) = planned("django-optional-env-pip");
    let required: Vec<&str> = p
        .env_vars
        .iter()
        .filter(|v| v.required)
        .map(|v| v.name.as_str())
        .collect();
    // settings.py line 10 reads it by subscript; everything else has a default, a helper default
    // (envsecret's `default=None`), `or 25`, an `if ... in os.environ` guard or a KeyError handler.
    assert_eq!(required, ["DJANGO_SECRET_KEY"]);
    let var = |n: &str| p.env_vars.iter().find(|v| v.name == n);
    for request_key in ["SCRIPT_NAME", "PATH_INFO", "HTTP_X_SCRIPT_NAME"] {
        assert!(var(request_key).is_none(), "{request_key} is request data");
    }
    let port = var("EMAIL_PORT").unwrap();
    assert_eq!(port.read.kind, Some(EnvType::Int));
    assert_eq!(port.read.default.as_deref(), Some("25"));
    assert!(var("CSP_DEFAULT_SRC").unwrap().read.guarded);
    assert!(var("SENTRY_DSN").unwrap().read.guarded);

    let (env, secrets) = dotenv(&plan);
    assert_eq!(secrets, ["POSTGRES_PASSWORD", "DJANGO_SECRET_KEY"]);
    assert_eq!(left_empty(&env), Vec::<&str>::new(), "{env}");
    // Third-party credentials and switches are never given a value.
    for name in [
        "GITHUB_TOKEN",
        "STRIPE_SECRET_KEY",
        "DJANGO_DEBUG",
        "CSP_DEFAULT_SRC",
    ] {
        assert!(env.contains(&format!("\n# {name}=\n")), "{name}: {env}");
    }
    assert!(
        env.contains(
            "# Optional, an integer; the app's default `25` applies when unset. Read at newsroom/settings.py:34"
        ),
        "{env}"
    );
    assert!(plan.must_set.iter().all(|m| m.name == "DJANGO_SECRET_KEY"));

    // collectstatic imports the settings: dj_database_url gets a URL, the signing key a stand-in, and
    // nothing optional is switched on.
    let build = plan.build_command.as_deref().unwrap();
    assert_eq!(
        build,
        "DATABASE_URL=postgres://build:build@localhost:5432/build DJANGO_SECRET_KEY=dockgen-build-only-not-a-secret python manage.py collectstatic --noinput"
    );
}

#[test]
fn an_app_built_by_the_project_s_own_function_in_another_module_is_followed() {
    let (p, plan) = planned("fastapi-get-application-pip");
    // app/main.py:3 `app = get_application()`, imported from app/core/factory.py (`-> FastAPI`).
    assert_eq!(p.entrypoint, "app.main:app");
    let required: Vec<&str> = plan.must_set.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(required, ["PROJECT_NAME"]);
    let debug = p.env_vars.iter().find(|v| v.name == "DEBUG").unwrap();
    assert_eq!(debug.read.kind, Some(EnvType::Bool { on: None }));
    assert_eq!(debug.read.default.as_deref(), Some("False"));
    // PROJECT_NAME is the user's to give: no value is made up for it.
    let (env, secrets) = dotenv(&plan);
    assert!(secrets.is_empty(), "{secrets:?}");
    assert_eq!(left_empty(&env), ["PROJECT_NAME"]);
}

#[test]
fn a_click_manage_py_in_a_flask_project_beside_a_package_json_is_not_django() {
    let (p, _) = planned("flask-click-manage-pip");
    assert_eq!(p.framework.to_string(), "flask");
    assert_eq!(p.entrypoint, "blog:create_app()");
    let lost = p.candidates.iter().skip(1).map(|c| c.framework.to_string());
    assert_eq!(lost.collect::<Vec<_>>(), ["django"]);
}

#[test]
fn an_asgi_only_django_project_is_served_as_asgi() {
    let (p, plan) = planned("django-asgi-only-pip");
    // base.py sets ASGI_APPLICATION only; no ASGI server is a dependency, so one is installed.
    assert_eq!(p.interface, dockgen::detect::Interface::Asgi);
    let files = dockgen::output::render::render(&plan).unwrap();
    let dockerfile = &files["Dockerfile"];
    assert!(
        dockerfile.contains("exec uvicorn mysite.asgi:application"),
        "{dockerfile}"
    );
}

#[test]
fn started_beside_manage_py_inside_a_uv_project_the_manifest_above_is_the_root() {
    // tests/fixtures/django-uv-subdir: pyproject.toml and uv.lock at the top, manage.py in core/.
    let start = fixtures().join("django-uv-subdir/core");
    let root = dockgen::detect::find_root(&start, &Default::default());
    assert_eq!(root.up, 1);
    assert_eq!(
        root.because,
        "pyproject.toml; `manage.py` is part of that project"
    );
    let p = detect(&root.dir, &Options::default()).unwrap();
    assert_eq!(p.package_manager.to_string(), "uv");
}

#[test]
fn a_data_folder_the_app_creates_at_start_is_writable_on_a_volume() {
    let (_, plan) = planned("fastapi-get-application-pip");
    // app/core/factory.py:10 `os.makedirs(settings.data_folder, exist_ok=True)`; config.py:9 defaults
    // it to "./data".
    let dirs: Vec<(&str, &str)> = plan
        .writable_dirs
        .iter()
        .map(|d| (d.path.as_str(), d.volume.as_str()))
        .collect();
    assert_eq!(dirs, [("/app/data", "data-app-data")]);
    assert!(
        plan.writable_dirs[0]
            .reason
            .contains("app/core/factory.py:10: `os.makedirs(...)` creates `data` (the default of `settings.data_folder`, app/core/config.py:9)"),
        "{}",
        plan.writable_dirs[0].reason
    );
    let files = dockgen::output::render::render(&plan).unwrap();
    let compose = &files["docker-compose.yml"];
    assert!(
        compose.contains("    - \"data-app-data:/app/data\"\n"),
        "{compose}"
    );
    assert!(compose.contains("\n  data-app-data:\n"), "{compose}");
    assert!(files["Dockerfile"].contains("install -d -o 10001 -g 10001 /app/data"));
}

#[test]
fn a_candidate_its_framework_cannot_resolve_gives_way_to_one_that_explains_the_project() {
    // Both frameworks are dependencies; manage.py (Django's marker, ranked first) names no settings.
    let d = crate::support::project(&[
        (
            "requirements.txt",
            b"Django==5.2\nfastapi==0.115.6\nuvicorn==0.34.0\n",
        ),
        (
            "manage.py",
            b"import sys\n\nif __name__ == '__main__':\n    print(sys.argv)\n",
        ),
        (
            "main.py",
            b"from fastapi import FastAPI\n\napp = FastAPI()\n",
        ),
    ]);
    let p = detect(d.path(), &Options::default()).unwrap();
    assert_eq!(p.framework.to_string(), "fastapi");
    assert_eq!(p.entrypoint, "main:app");
    assert!(
        p.warnings.iter().any(|w| w.starts_with(
            "the django app found by `manage.py` was not used: `manage.py` does not set DJANGO_SETTINGS_MODULE"
        )),
        "{:?}",
        p.warnings
    );
}

#[test]
fn a_python_manifest_beside_a_package_json_keeps_the_project_python() {
    let files: &[(&str, &[u8])] = &[
        ("package.json", b"{}\n"),
        ("requirements.txt", b"requests\n"),
    ];
    let err = detect(crate::support::project(files).path(), &Options::default())
        .unwrap_err()
        .to_string();
    assert!(err.starts_with("no Python web application found"), "{err}");
    assert!(!err.contains("Node.js"), "{err}");
    // Without the manifest it is one.
    let err = detect(
        crate::support::project(&files[..1]).path(),
        &Options::default(),
    )
    .unwrap_err()
    .to_string();
    assert!(
        err.contains("this looks like a Node.js project (package.json)"),
        "{err}"
    );
}

#[test]
fn a_database_url_merged_into_databases_points_the_app_at_postgres() {
    let (p, plan) = planned("django-db-url-merge-pip");
    // production.py:12 `db_from_env = dj_database_url.config(conn_max_age=500)`, merged into
    // DATABASES["default"]: dj-database-url reads DATABASE_URL itself.
    let url = p
        .env_vars
        .iter()
        .find(|v| v.name == "DATABASE_URL")
        .unwrap();
    assert_eq!(
        url.role.as_ref().map(|t| &t.role),
        Some(&dockgen::base::kinds::EnvRole::DatabaseUrl {
            scheme: "postgres".into()
        })
    );
    assert!(plan.blockers.is_empty(), "{:?}", plan.blockers);
    assert!(
        !p.warnings.iter().any(|w| w.contains("DATABASES")),
        "{:?}",
        p.warnings
    );
}

#[test]
fn environment_writes_and_self_checked_reads_are_not_asked_for() {
    let (p, plan) = planned("django-env-writes-pip");
    // settings.py:11 `os.environ["OMP_THREAD_LIMIT"] = "1"` sets the variable: no read at all.
    assert!(p.env_vars.iter().all(|v| v.name != "OMP_THREAD_LIMIT"));
    // settings.py:17 reads ARCHIVE_EXTRA_APPS only when it is set.
    let extra = p
        .env_vars
        .iter()
        .find(|v| v.name == "ARCHIVE_EXTRA_APPS")
        .unwrap();
    assert!(!extra.required);
    let required: Vec<&str> = plan.must_set.iter().map(|m| m.name.as_str()).collect();
    assert_eq!(required, ["DJANGO_SECRET_KEY"]);
    // Generated: the database password and the signing key, nothing else.
    let (env, secrets) = dotenv(&plan);
    assert_eq!(secrets, ["POSTGRES_PASSWORD", "DJANGO_SECRET_KEY"]);
    assert!(left_empty(&env).is_empty(), "{env}");
}

/// A project whose only database driver is MySQL's gets MariaDB as `db` instead of Postgres, every
/// database URL it reads in its driver's SQLAlchemy scheme pointing at it, and generated credentials for
/// both of MariaDB's accounts: nothing for the user to type (issue 17; before, it got only a blocker).
#[test]
fn a_mysql_driver_gets_a_mariadb_service_and_urls_in_its_scheme() {
    use dockgen::base::kinds::Service;
    let (_, plan) = planned("flask-pymysql-pip");
    assert!(plan.runs(Service::Mariadb));
    assert!(!plan.runs(Service::Postgres));
    assert!(plan.blockers.is_empty(), "{:?}", plan.blockers);
    let url = "mysql+pymysql://${MARIADB_USER:-app}:${MARIADB_PASSWORD:?set MARIADB_PASSWORD in .env}@db:3306/${MARIADB_DATABASE:-app}";
    for name in ["DATABASE_URL", "ORDERS_DB_URL"] {
        let e = plan.app_env.iter().find(|e| e.name == name).unwrap();
        assert_eq!(e.value, url, "{name}");
    }
    assert!(plan.must_set.is_empty(), "{:?}", plan.must_set);
    let (env, secrets) = dotenv(&plan);
    assert_eq!(secrets, ["MARIADB_PASSWORD", "MARIADB_ROOT_PASSWORD"]);
    assert_eq!(left_empty(&env), Vec::<&str>::new(), "{env}");
}

/// Django settings that read `REDIS_URL` twice: with a default for the cache, then without one for a
/// client built at import (`redis.from_url(os.environ.get("REDIS_URL"))`, which fails on `None`), and
/// a DEBUG switch compared after `.lower()`.
const TWO_REDIS_READS: &[(&str, &[u8])] = &[
    (
        "requirements.txt",
        b"Django==5.2.20\ndjango-redis==7.0.0\nredis==8.2.0\npsycopg[binary]==3.3.9\n",
    ),
    (
        "manage.py",
        b"import os\nimport sys\n\n\ndef main():\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\n    from django.core.management import execute_from_command_line\n    execute_from_command_line(sys.argv)\n\n\nif __name__ == '__main__':\n    main()\n",
    ),
    ("shop/__init__.py", b""),
    (
        "shop/settings.py",
        b"import os\nfrom pathlib import Path\n\nimport redis\n\nBASE_DIR = Path(__file__).resolve().parent.parent\nSECRET_KEY = os.environ.get('SECRET_KEY', 'dev')\nDEBUG = os.environ.get('DEBUG', 'false').lower() == 'true'\nROOT_URLCONF = 'shop.urls'\nWSGI_APPLICATION = 'shop.wsgi.application'\nCACHES = {\n    'default': {\n        'BACKEND': 'django_redis.cache.RedisCache',\n        'LOCATION': os.environ.get('REDIS_URL', 'redis://127.0.0.1:6379/1'),\n    }\n}\nREDIS = redis.from_url(os.environ.get('REDIS_URL'))\nSTATIC_URL = 'static/'\nSTATIC_ROOT = BASE_DIR / 'staticfiles'\n",
    ),
    ("shop/urls.py", b"urlpatterns = []\n"),
    (
        "shop/wsgi.py",
        b"import os\n\nfrom django.core.wsgi import get_wsgi_application\n\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'shop.settings')\napplication = get_wsgi_application()\n",
    ),
];

#[test]
fn a_url_read_again_without_a_default_at_import_gets_a_build_value() {
    let dir = crate::support::project(TWO_REDIS_READS);
    let p = detect(dir.path(), &Options::default()).unwrap();
    let plan = plan(&p, &PlanOptions::default()).unwrap();
    // collectstatic imports the settings, where the second read hands `None` to redis.from_url.
    assert_eq!(
        plan.build_command.as_deref(),
        Some("REDIS_URL=redis://localhost:6379/0 python manage.py collectstatic --noinput")
    );
    // `.lower() == 'true'`: the dev profile turns DEBUG on with `true`, not `1`.
    let debug = plan.dev_env.iter().find(|e| e.name == "DEBUG").unwrap();
    assert_eq!(debug.value, "true");
}
