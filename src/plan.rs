//! The plan: every decision about the generated files, as data.
//!
//! `plan(project, options)` turns detection facts and explicit choices into a [`Plan`] that is exactly the
//! template context: commands are complete, paths are relative to the build context, values that reach
//! YAML or shell are escaped for compose interpolation here (templates add only quoting). Templates print;
//! they never decide. Nothing here touches the file system.

use serde::Serialize;

use crate::detect::{Framework, Interface, PackageManager, Project};
use crate::error::{Error, Result};
use crate::knowledge::{
    self, ENV_CONVENTIONS, EnvSource, SECRET_MARKERS, Server, Service, Worker, pins,
};

/// The non-root user the image runs as.
pub const APP_UID: u32 = 10001;
/// Where the virtualenv lives in both stages (same path: virtualenvs are not relocatable).
pub const VENV: &str = "/opt/venv";

/// Choices for `init` beyond detection's own overrides.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    pub port: Option<u16>,
    pub postgres: Option<bool>,
    pub redis: Option<bool>,
    /// The worker services to generate (detection's when `None`).
    pub workers: Option<Vec<WorkerKind>>,
    /// A name for the image when the project declares none (the project directory's name).
    pub name_hint: Option<String>,
}

/// The template context. Every field is documented because teams fork the templates against it.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Plan {
    /// dockgen's version, for the generated-file headers.
    pub dockgen_version: String,
    pub framework: Framework,
    pub package_manager: PackageManager,
    pub interface: Interface,
    /// `major.minor`, the default of the Dockerfile's `PYTHON_VERSION` argument.
    pub python_version: String,
    /// Directory of the generated files and the build context, relative to the detected PATH.
    pub context_dir: String,
    /// The app directory relative to the build context ("." for the context itself).
    pub app_dir: String,
    /// Absolute directory in the image the server runs from (`/app` or `/app/<app_dir>`).
    pub workdir: String,
    /// The port the server binds, `EXPOSE`s, and compose publishes.
    pub port: u16,
    /// The host port of the `dev` profile's server (so it can run beside `web`).
    pub dev_port: u16,
    /// The image name compose tags the build with (shared by web, migrate and worker services).
    pub image_name: String,
    /// Where the Postgres image keeps its data (`/var/lib/postgresql/data` up to 17, `/var/lib/postgresql` from 18).
    pub postgres_data_dir: String,
    /// The numeric uid (and gid) the image runs as: non-root, and numeric so Kubernetes' runAsNonRoot can verify it.
    pub uid: u32,
    /// The virtualenv the dependencies are installed into, at the same path in both stages (`/opt/venv`).
    pub venv: String,
    /// The images the Dockerfile and compose file use besides the Python base.
    pub images: Images,
    pub install: Install,
    /// Debian packages for the builder (compilers, headers) and for the runtime (shared libraries).
    pub build_packages: Vec<String>,
    /// Debian packages the runtime stage installs (shared libraries the compiled dependencies load).
    pub runtime_packages: Vec<String>,
    /// `ENV` of the runtime stage, in order.
    pub runtime_env: Vec<EnvPair>,
    /// A build-time `collectstatic` (complete shell command with throwaway inline values), if any.
    pub collectstatic: Option<String>,
    /// The server command, exec form.
    pub command: Vec<String>,
    /// The development server command (live reload), exec form, for the `dev` profile.
    pub dev_command: Vec<String>,
    /// The migration command, exec form, run by the one-shot `migrate` service and by
    /// `RUN_MIGRATIONS=1` in the entrypoint.
    pub migrate_command: Option<Vec<String>>,
    /// The same as a shell word list, for entrypoint.sh.
    pub migrate_shell: Option<String>,
    /// Whether compose has a Postgres service (`db`) and the app gets `DATABASE_URL`.
    pub postgres: bool,
    /// Whether compose has a Redis service (`redis`) and the app gets `REDIS_URL`.
    pub redis: bool,
    /// Extra services sharing the image (Celery worker and beat, RQ worker).
    pub workers: Vec<WorkerService>,
    /// Environment of the app services in compose, in order (values in compose syntax).
    pub app_env: Vec<EnvPair>,
    /// Variables app services pass through from `.env` when set (read by the app, no default needed).
    pub passthrough_env: Vec<String>,
    /// `.env.example` entries.
    pub env_example: Vec<EnvExample>,
    /// `.dockerignore` patterns.
    pub dockerignore: Vec<String>,
    /// Paths compose `develop.watch` syncs into the container (relative to the context) and rebuilds on.
    pub watch_sync: Vec<WatchSync>,
    /// Paths (relative to the context) whose change makes compose `develop.watch` rebuild the image: the manifests and lockfiles.
    pub watch_rebuild: Vec<String>,
    /// Messages for the user about what the plan did on its own (installed a server, ...).
    pub notes: Vec<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Images {
    /// The uv image the uv binary is copied from, when uv is used.
    pub uv: Option<String>,
    /// The Postgres image with its pinned major version (`postgres:17`).
    pub postgres: String,
    /// The Redis image with its pinned major version (`redis:7`).
    pub redis: String,
}

/// How dependencies are installed into the virtualenv in the builder stage.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Install {
    /// `ENV` of the builder stage.
    pub env: Vec<EnvPair>,
    /// Commands that set up the package manager and the virtualenv (each one `RUN`).
    pub setup: Vec<String>,
    /// Manifests copied before the dependency install, as (source, destination directory) pairs.
    pub manifests: Vec<CopyPair>,
    /// The cache directory mounted for the install.
    pub cache: String,
    /// The locked, production-only dependency install.
    pub command: String,
    /// Extra installs into the virtualenv that dockgen adds (a server the project lacks), before the source.
    pub extra: Vec<String>,
    /// Installs that need the source (the project itself), after `COPY . .`.
    pub after_source: Vec<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CopyPair {
    /// The file, relative to the build context.
    pub src: String,
    /// The directory in the image it is copied into (ends with `/`).
    pub dest: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EnvPair {
    /// The variable's name.
    pub name: String,
    /// Its value (for compose, already in compose syntax: `${X:?...}` references and `$$` escapes).
    pub value: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EnvExample {
    /// The variable's name.
    pub name: String,
    /// The example value (`change-me` for secrets).
    pub value: String,
    /// The comment written above it: what reads it, and where (file and line).
    pub comment: String,
    /// Written as `# NAME=value` (optional).
    pub commented_out: bool,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WorkerService {
    /// The compose service name (`worker`, `beat`, `rq-worker`).
    pub name: String,
    /// Its command, exec form.
    pub command: Vec<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WatchSync {
    /// The host path, relative to the build context.
    pub path: String,
    /// Where it is synced in the container.
    pub target: String,
}

/// A worker service kind, as named in answers (`celery`, `celery-beat`, `rq`).
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize,
)]
#[serde(rename_all = "kebab-case")]
pub enum WorkerKind {
    Celery,
    CeleryBeat,
    Rq,
}

impl WorkerKind {
    pub const ALL: &[WorkerKind] = &[WorkerKind::Celery, WorkerKind::CeleryBeat, WorkerKind::Rq];
    pub fn as_str(self) -> &'static str {
        match self {
            WorkerKind::Celery => "celery",
            WorkerKind::CeleryBeat => "celery-beat",
            WorkerKind::Rq => "rq",
        }
    }
}

impl std::fmt::Display for WorkerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for WorkerKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        WorkerKind::ALL
            .iter()
            .copied()
            .find(|k| k.as_str() == s.trim().to_ascii_lowercase())
            .ok_or_else(|| format!("unknown worker `{s}`: expected celery, celery-beat or rq"))
    }
}

/// The worker services detection calls for: a Celery worker when there is a Celery app, its beat when
/// the app has a schedule, an RQ worker when RQ is a dependency.
pub fn detected_workers(p: &Project) -> Vec<WorkerKind> {
    let mut out = Vec::new();
    if p.workers.contains(&Worker::Celery) && p.celery_app.is_some() {
        out.push(WorkerKind::Celery);
        if p.celery_beat {
            out.push(WorkerKind::CeleryBeat);
        }
    }
    if p.workers.contains(&Worker::Rq) {
        out.push(WorkerKind::Rq);
    }
    out
}

/// Whether Redis is added when no answer says: a Redis dependency, or workers (their broker).
pub fn default_redis(p: &Project, opts: &PlanOptions) -> bool {
    p.services.contains(&Service::Redis)
        || match &opts.workers {
            Some(w) => !w.is_empty(),
            None => !p.workers.is_empty(),
        }
}

/// Whether Postgres is added when no answer says: a Postgres driver or URL parser among the dependencies.
pub fn default_postgres(p: &Project) -> bool {
    p.services.contains(&Service::Postgres)
}

/// The port when no answer says.
pub const DEFAULT_PORT: u16 = 8000;

fn pair(name: &str, value: impl Into<String>) -> EnvPair {
    EnvPair {
        name: name.into(),
        value: value.into(),
    }
}

fn words(ws: &[&str]) -> Vec<String> {
    ws.iter().map(|s| s.to_string()).collect()
}

/// Shell-quotes one word (single quotes; plain words stay plain).
pub fn sh_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Escapes `$` so compose does not interpolate a literal value.
pub fn compose_literal(s: &str) -> String {
    s.replace('$', "$$")
}

fn rel_to(context: &str, path: &str) -> String {
    if context == "." {
        return path.to_string();
    }
    if path == context {
        return ".".into();
    }
    path.strip_prefix(&format!("{context}/"))
        .unwrap_or(path)
        .to_string()
}

fn check_path(what: &str, p: &str) -> Result<()> {
    if p.contains(['\n', '\r', '"', '\\']) {
        return Err(Error::Usage {
            message: format!(
                "{what} `{}` contains a quote, backslash or newline, which Dockerfiles cannot express",
                p.escape_debug()
            ),
        });
    }
    Ok(())
}

/// Builds the plan.
pub fn plan(p: &Project, opts: &PlanOptions) -> Result<Plan> {
    let context = p.project_dir.clone();
    let app_dir = rel_to(&context, &p.app_dir);
    check_path("the app directory", &app_dir)?;
    for f in &p.install_files {
        check_path("the manifest", f)?;
        if f.contains(char::is_whitespace) {
            return Err(Error::Usage {
                message: format!(
                    "the manifest `{f}` has whitespace in its path, which Dockerfile COPY cannot express"
                ),
            });
        }
    }
    if p.entrypoint.is_empty() {
        return Err(Error::Usage {
            message: "no entrypoint was detected; pass --entrypoint MODULE:ATTR".into(),
        });
    }
    let workdir = if app_dir == "." {
        "/app".to_string()
    } else {
        format!("/app/{app_dir}")
    };
    let port = opts.port.unwrap_or(DEFAULT_PORT);
    let postgres = opts.postgres.unwrap_or(default_postgres(p));
    let redis = opts.redis.unwrap_or(default_redis(p, opts));
    let mut notes = Vec::new();

    // ---- install
    let install = install_plan(p, &context)?;

    // ---- server
    let has = |s: Server| p.servers.contains(&s);
    let bind = format!("0.0.0.0:{port}");
    let (command, extra_server): (Vec<String>, Option<&str>) = match p.interface {
        Interface::Wsgi => (
            words(&[
                "gunicorn",
                &p.entrypoint,
                "--bind",
                &bind,
                "--access-logfile",
                "-",
            ]),
            (!has(Server::Gunicorn)).then_some("gunicorn"),
        ),
        Interface::Asgi
            if p.framework == Framework::Django && has(Server::Daphne) && !has(Server::Uvicorn) =>
        {
            (
                words(&[
                    "daphne",
                    "--bind",
                    "0.0.0.0",
                    "--port",
                    &port.to_string(),
                    &p.entrypoint,
                ]),
                None,
            )
        }
        Interface::Asgi => {
            let mut c = words(&["uvicorn"]);
            let target = match p.entrypoint.strip_suffix("()") {
                Some(factory) => {
                    c.push("--factory".into());
                    factory.to_string()
                }
                None => p.entrypoint.clone(),
            };
            c.extend(words(&[
                &target,
                "--host",
                "0.0.0.0",
                "--port",
                &port.to_string(),
                "--proxy-headers",
            ]));
            (c, (!has(Server::Uvicorn)).then_some("uvicorn"))
        }
    };
    let server_pin = extra_server.map(|s| match s {
        "gunicorn" => format!("gunicorn=={}", pins::GUNICORN),
        _ => format!("uvicorn=={}", pins::UVICORN),
    });
    let mut install = install;
    if let Some(pin) = &server_pin {
        notes.push(format!(
            "{} is not a dependency of the project; the image installs {pin} (add it to your dependencies to choose the version)",
            extra_server.unwrap_or_default()
        ));
        let cmd = match p.package_manager {
            PackageManager::Uv => format!("uv pip install --python {VENV} {pin}"),
            // The pip venv has no pip of its own: the base image's pip installs into it (PIP_PYTHON).
            PackageManager::Pip => format!("pip install --no-cache-dir {pin}"),
            _ => format!("{VENV}/bin/pip install --no-cache-dir {pin}"),
        };
        install.extra.push(cmd);
    }

    let dev_command = match p.framework {
        Framework::Django => words(&["python", "manage.py", "runserver", &bind]),
        Framework::Flask => {
            let app = p.entrypoint.clone();
            words(&[
                "flask",
                "--app",
                &app,
                "run",
                "--debug",
                "--host",
                "0.0.0.0",
                "--port",
                &port.to_string(),
            ])
        }
        Framework::Fastapi => {
            let mut c = command.clone();
            c.push("--reload".into());
            c
        }
    };
    let migrate_command = match p.framework {
        Framework::Django => Some(words(&["python", "manage.py", "migrate", "--noinput"])),
        _ if p.dependencies.has("flask-migrate") => {
            Some(words(&["flask", "--app", &p.entrypoint, "db", "upgrade"]))
        }
        _ if p.dependencies.has("alembic") => Some(words(&["alembic", "upgrade", "head"])),
        _ => None,
    };
    let migrate_shell = migrate_command
        .as_ref()
        .map(|c| c.iter().map(|w| sh_quote(w)).collect::<Vec<_>>().join(" "));

    // ---- workers
    let mut workers = Vec::new();
    let chosen = match &opts.workers {
        Some(w) => {
            if p.celery_app.is_none()
                && let Some(k) = w.iter().find(|k| **k != WorkerKind::Rq)
            {
                return Err(Error::Usage {
                    message: format!(
                        "the `{k}` worker was asked for, but no Celery app was found to run it"
                    ),
                });
            }
            w.clone()
        }
        None => {
            if p.workers.contains(&Worker::Celery) && p.celery_app.is_none() {
                notes.push("no Celery app was found, so no worker service was generated".into());
            }
            detected_workers(p)
        }
    };
    for k in &chosen {
        match (k, &p.celery_app) {
            (WorkerKind::Celery, Some(app)) => workers.push(WorkerService {
                name: "worker".into(),
                command: words(&["celery", "-A", app, "worker", "--loglevel=info"]),
            }),
            (WorkerKind::CeleryBeat, Some(app)) => workers.push(WorkerService {
                name: "beat".into(),
                command: words(&[
                    "celery",
                    "-A",
                    app,
                    "beat",
                    "--loglevel=info",
                    "--schedule",
                    "/tmp/celerybeat-schedule",
                ]),
            }),
            (WorkerKind::Rq, _) => {
                let command = if p.framework == Framework::Django && p.dependencies.has("django-rq")
                {
                    words(&["python", "manage.py", "rqworker", "default"])
                } else {
                    words(&["rq", "worker", "--url", "redis://redis:6379/0"])
                };
                let name = if chosen.contains(&WorkerKind::Celery) {
                    "rq-worker"
                } else {
                    "worker"
                };
                workers.push(WorkerService {
                    name: name.into(),
                    command,
                });
            }
            _ => {}
        }
    }
    // Keep compose's order stable whatever order the answer listed them in.
    workers.sort_by_key(|w| match w.name.as_str() {
        "worker" => 0,
        "beat" => 1,
        _ => 2,
    });

    if !redis && !workers.is_empty() {
        notes.push(
            "Redis is off but the worker services need a broker: point CELERY_BROKER_URL or REDIS_URL in .env at an external one"
                .into(),
        );
    }

    // ---- environment
    let pg_user = "${POSTGRES_USER:-app}";
    let pg_db = "${POSTGRES_DB:-app}";
    let pg_password = "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}";
    let pg_url = format!("postgres://{pg_user}:{pg_password}@db:5432/{pg_db}");
    let redis_url = "redis://redis:6379/0".to_string();
    let mut app_env: Vec<EnvPair> = Vec::new();
    let mut passthrough = Vec::new();
    let mut example: Vec<EnvExample> = Vec::new();
    let push_env = |env: &mut Vec<EnvPair>, name: &str, value: String| {
        if !env.iter().any(|e| e.name == name) {
            env.push(pair(name, value));
        }
    };
    if postgres {
        push_env(&mut app_env, "DATABASE_URL", pg_url.clone());
    }
    if redis {
        push_env(&mut app_env, "REDIS_URL", redis_url.clone());
    }
    push_env(
        &mut app_env,
        "WEB_CONCURRENCY",
        "${WEB_CONCURRENCY:-2}".into(),
    );
    for v in &p.env_vars {
        let conv = ENV_CONVENTIONS
            .iter()
            .find(|(n, _)| *n == v.name)
            .map(|(_, s)| *s);
        let value = match conv {
            Some(EnvSource::PostgresUrl) if postgres => Some(pg_url.clone()),
            Some(EnvSource::PostgresHost) if postgres => Some("db".into()),
            Some(EnvSource::PostgresPort) if postgres => Some("5432".into()),
            Some(EnvSource::PostgresDb) if postgres => Some(pg_db.into()),
            Some(EnvSource::PostgresUser) if postgres => Some(pg_user.into()),
            Some(EnvSource::PostgresPassword) if postgres => Some(pg_password.into()),
            Some(EnvSource::RedisUrl) if redis => Some(redis_url.clone()),
            Some(EnvSource::RedisHost) if redis => Some("redis".into()),
            Some(EnvSource::RedisPort) if redis => Some("6379".into()),
            Some(EnvSource::Port) => Some(port.to_string()),
            _ => None,
        };
        let secret = SECRET_MARKERS.iter().any(|m| v.name.contains(m));
        let at = v.evidence.to_string();
        match value {
            Some(val) => push_env(&mut app_env, &v.name, val),
            None if secret || v.required => {
                push_env(
                    &mut app_env,
                    &v.name,
                    format!("${{{0}:?set {0} in .env}}", v.name),
                );
                example.push(EnvExample {
                    name: v.name.clone(),
                    value: if secret {
                        "change-me-to-a-long-random-string".into()
                    } else {
                        "change-me".into()
                    },
                    comment: format!(
                        "Required{}. Read at {at}.",
                        if secret {
                            "; a secret: generate one with `python -c \"import secrets; print(secrets.token_urlsafe(50))\"`"
                        } else {
                            ""
                        }
                    ),
                    commented_out: false,
                });
            }
            None => {
                if !passthrough.contains(&v.name) && !app_env.iter().any(|e| e.name == v.name) {
                    passthrough.push(v.name.clone());
                    example.push(EnvExample {
                        name: v.name.clone(),
                        value: String::new(),
                        comment: format!(
                            "Optional; the app's default applies when unset. Read at {at}."
                        ),
                        commented_out: true,
                    });
                }
            }
        }
    }
    let mut env_example = Vec::new();
    if postgres {
        env_example.push(EnvExample {
            name: "POSTGRES_USER".into(),
            value: "app".into(),
            comment: "Postgres credentials, used by the db service and to build DATABASE_URL."
                .into(),
            commented_out: false,
        });
        env_example.push(EnvExample {
            name: "POSTGRES_PASSWORD".into(),
            value: "change-me".into(),
            comment: "Required. Choose a strong password; it never leaves .env.".into(),
            commented_out: false,
        });
        env_example.push(EnvExample {
            name: "POSTGRES_DB".into(),
            value: "app".into(),
            comment: String::new(),
            commented_out: false,
        });
    }
    env_example.extend(example);
    env_example.push(EnvExample {
        name: "WEB_PORT".into(),
        value: port.to_string(),
        comment: "Host port that publishes the web service.".into(),
        commented_out: false,
    });
    env_example.push(EnvExample {
        name: "DEV_PORT".into(),
        value: (port.saturating_add(1)).to_string(),
        comment: "Host port of the development server (`docker compose --profile dev up dev`)."
            .into(),
        commented_out: true,
    });
    env_example.push(EnvExample {
        name: "WEB_CONCURRENCY".into(),
        value: "2".into(),
        comment: "Server worker processes (gunicorn and uvicorn read it).".into(),
        commented_out: false,
    });
    // Variables entrypoint.sh reads: passed through from .env when set, documented here.
    let mut entrypoint_vars = Vec::new();
    if postgres {
        entrypoint_vars.push((
            "WAIT_FOR_DB",
            "1",
            "0 skips the entrypoint's wait for the database.",
        ));
        entrypoint_vars.push((
            "DB_WAIT_TIMEOUT",
            "60",
            "Seconds the entrypoint waits for the database before giving up.",
        ));
    }
    if migrate_command.is_some() {
        entrypoint_vars.push((
            "RUN_MIGRATIONS",
            "0",
            "1 makes the entrypoint migrate before starting (compose runs a one-shot migrate service instead).",
        ));
    }
    for (name, value, comment) in entrypoint_vars {
        if !passthrough.iter().any(|p| p == name) && !app_env.iter().any(|e| e.name == name) {
            passthrough.push(name.into());
        }
        env_example.push(EnvExample {
            name: name.into(),
            value: value.into(),
            comment: comment.into(),
            commented_out: true,
        });
    }

    // ---- Dockerfile runtime
    let mut runtime_env = vec![
        pair("PYTHONDONTWRITEBYTECODE", "1"),
        pair("PYTHONUNBUFFERED", "1"),
        pair("VIRTUAL_ENV", VENV),
        pair("PATH", format!("{VENV}/bin:$PATH")),
        pair("PORT", port.to_string()),
    ];
    if let Some(s) = &p.django_settings_module {
        runtime_env.push(pair("DJANGO_SETTINGS_MODULE", s.clone()));
    }
    if p.framework == Framework::Flask {
        runtime_env.push(pair("FLASK_APP", p.entrypoint.clone()));
    }
    let collectstatic = if p.framework == Framework::Django && p.static_root == Some(true) {
        // Throwaway values for what the settings require at import time; inline, never ENV/ARG.
        let mut inline: Vec<String> = Vec::new();
        for v in &p.env_vars {
            if v.required || SECRET_MARKERS.iter().any(|m| v.name.contains(m)) {
                let dummy = match ENV_CONVENTIONS
                    .iter()
                    .find(|(n, _)| *n == v.name)
                    .map(|(_, s)| *s)
                {
                    Some(EnvSource::PostgresUrl) => {
                        "postgres://build:build@localhost:5432/build".to_string()
                    }
                    Some(EnvSource::RedisUrl) => "redis://localhost:6379/0".to_string(),
                    _ => "dockgen-build-only-not-a-secret".to_string(),
                };
                inline.push(format!("{}={}", v.name, sh_quote(&dummy)));
            }
        }
        inline.push("python manage.py collectstatic --noinput".into());
        Some(inline.join(" "))
    } else {
        None
    };

    // ---- .dockerignore, watch
    let mut dockerignore = words(&[
        ".git",
        ".gitignore",
        ".venv",
        "venv",
        "**/__pycache__",
        "**/*.py[cod]",
        ".env",
        ".env.*",
        "!.env.example",
        "node_modules",
        "**/staticfiles",
        "**/media",
        "**/*.sqlite3",
        ".pytest_cache",
        ".mypy_cache",
        ".ruff_cache",
        ".tox",
        ".nox",
        ".coverage",
        "htmlcov",
        "**/*.egg-info",
        "dist",
        "Dockerfile",
        ".dockerignore",
        "docker-compose.yml",
    ]);
    // Never exclude what the Dockerfile copies.
    let covers = |pat: &str, path: &str| path == pat || path.starts_with(&format!("{pat}/"));
    dockerignore.retain(|pat| {
        let pat = pat.trim_start_matches("**/");
        !p.install_files.iter().any(|f| covers(pat, f)) && !covers(pat, &app_dir)
    });
    let watch_sync = vec![WatchSync {
        path: if app_dir == "." {
            "./".into()
        } else {
            format!("./{app_dir}")
        },
        target: workdir.clone(),
    }];
    let watch_rebuild = p.install_files.clone();

    let mut build_packages: Vec<String> = Vec::new();
    let mut runtime_packages: Vec<String> = Vec::new();
    for n in &p.native {
        for b in n.build {
            if !build_packages.iter().any(|x| x == b) {
                build_packages.push(b.to_string());
            }
        }
        for r in n.runtime {
            if !runtime_packages.iter().any(|x| x == r) {
                runtime_packages.push(r.to_string());
            }
        }
    }
    build_packages.sort();
    runtime_packages.sort();

    Ok(Plan {
        dockgen_version: env!("CARGO_PKG_VERSION").into(),
        framework: p.framework,
        package_manager: p.package_manager,
        interface: p.interface,
        python_version: p.python_version.clone(),
        context_dir: context,
        app_dir,
        workdir,
        port,
        dev_port: port.saturating_add(1),
        image_name: image_name(p, opts.name_hint.as_deref()),
        postgres_data_dir: if pins::POSTGRES.parse::<u32>().unwrap_or(17) >= 18 {
            "/var/lib/postgresql".into()
        } else {
            "/var/lib/postgresql/data".into()
        },
        uid: APP_UID,
        venv: VENV.into(),
        images: Images {
            uv: (p.package_manager == PackageManager::Uv)
                .then(|| format!("ghcr.io/astral-sh/uv:{}", pins::UV)),
            postgres: format!("postgres:{}", pins::POSTGRES),
            redis: format!("redis:{}", pins::REDIS),
        },
        install,
        build_packages,
        runtime_packages,
        runtime_env,
        collectstatic,
        command,
        dev_command,
        migrate_command,
        migrate_shell,
        postgres,
        redis,
        workers,
        app_env,
        passthrough_env: passthrough,
        env_example,
        dockerignore,
        watch_sync,
        watch_rebuild,
        notes,
    })
}

/// A Docker image name from the project name (or the build context's directory name).
fn image_name(p: &Project, hint: Option<&str>) -> String {
    let base = p
        .project_name
        .clone()
        .or_else(|| hint.map(String::from))
        .unwrap_or_else(|| "app".into());
    let mut out = String::new();
    for c in base.chars() {
        let c = c.to_ascii_lowercase();
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-').to_string();
    if out.is_empty() { "app".into() } else { out }
}

/// One COPY per destination directory: `COPY pyproject.toml uv.lock ./`.
fn copy_pairs(files: &[String]) -> Vec<CopyPair> {
    let mut out: Vec<CopyPair> = Vec::new();
    for f in files {
        let dest = match f.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/"),
            None => "./".into(),
        };
        match out.iter_mut().find(|c| c.dest == dest) {
            Some(c) => {
                c.src.push(' ');
                c.src.push_str(f);
            }
            None => out.push(CopyPair {
                src: f.clone(),
                dest,
            }),
        }
    }
    out
}

fn tool_setup(tool: &str, version: &str) -> String {
    format!("python -m venv /opt/{tool} && /opt/{tool}/bin/pip install {tool}=={version}")
}

fn install_plan(p: &Project, context: &str) -> Result<Install> {
    let venv_env = vec![
        pair("VIRTUAL_ENV", VENV),
        pair("PATH", format!("{VENV}/bin:$PATH")),
    ];
    let make_venv = format!("python -m venv {VENV}");
    let manifests = copy_pairs(&p.install_files);
    let _ = context;
    Ok(match p.package_manager {
        PackageManager::Uv => {
            let workspace = p.install_files.len() > 2;
            let package = p.project_name.clone().unwrap_or_default();
            let (command, after) = if workspace {
                (
                    format!(
                        "uv sync --locked --no-dev --no-install-workspace --package {}",
                        sh_quote(&package)
                    ),
                    vec![format!(
                        "uv sync --locked --no-dev --no-editable --package {}",
                        sh_quote(&package)
                    )],
                )
            } else if p.installable {
                (
                    "uv sync --locked --no-dev --no-install-project".to_string(),
                    vec!["uv sync --locked --no-dev --no-editable".to_string()],
                )
            } else {
                (
                    "uv sync --locked --no-dev --no-install-project".to_string(),
                    vec![],
                )
            };
            let locked = p.install_files.iter().any(|f| f == "uv.lock");
            let command = if locked {
                command
            } else {
                command.replace("--locked ", "")
            };
            Install {
                env: vec![
                    pair("UV_COMPILE_BYTECODE", "1"),
                    pair("UV_LINK_MODE", "copy"),
                    pair("UV_PYTHON_DOWNLOADS", "0"),
                    pair("UV_PROJECT_ENVIRONMENT", VENV),
                ],
                setup: vec![],
                manifests,
                cache: "/root/.cache/uv".into(),
                command,
                extra: vec![],
                after_source: after
                    .into_iter()
                    .map(|c| {
                        if locked {
                            c
                        } else {
                            c.replace("--locked ", "")
                        }
                    })
                    .collect(),
            }
        }
        PackageManager::Poetry => {
            let mut env = venv_env;
            env.push(pair("POETRY_VIRTUALENVS_CREATE", "false"));
            env.push(pair("POETRY_NO_INTERACTION", "1"));
            Install {
                env,
                setup: vec![tool_setup("poetry", pins::POETRY), make_venv],
                manifests,
                cache: "/root/.cache/pypoetry".into(),
                command: "/opt/poetry/bin/poetry install --only main --no-root".into(),
                extra: vec![],
                after_source: vec![],
            }
        }
        PackageManager::Pdm => Install {
            env: venv_env,
            setup: vec![tool_setup("pdm", pins::PDM), make_venv],
            manifests,
            cache: "/root/.cache/pdm".into(),
            command: "/opt/pdm/bin/pdm sync --prod --no-self --no-editable".into(),
            extra: vec![],
            after_source: vec![],
        },
        PackageManager::Pipenv => Install {
            env: venv_env,
            setup: vec![tool_setup("pipenv", pins::PIPENV), make_venv],
            manifests,
            cache: "/root/.cache/pip".into(),
            command: "/opt/pipenv/bin/pipenv install --deploy --system".into(),
            extra: vec![],
            after_source: vec![],
        },
        PackageManager::Pip => {
            let req = p.install_files.iter().find(|f| f.ends_with(".txt"));
            let command = match req {
                Some(r) => format!("pip install -r {}", sh_quote(r)),
                None if p.install_files.iter().any(|f| f == "pyproject.toml") => {
                    // No lock: install the declared dependencies, not the project (it runs from source).
                    "python -c \"import tomllib; print('\\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project'].get('dependencies', [])))\" > /tmp/requirements.txt && pip install -r /tmp/requirements.txt".to_string()
                }
                None => "true".into(),
            };
            let python_minor: u64 = p
                .python_version
                .split('.')
                .nth(1)
                .and_then(|m| m.parse().ok())
                .unwrap_or(13);
            if req.is_none()
                && python_minor < 11
                && p.install_files.iter().any(|f| f == "pyproject.toml")
            {
                return Err(Error::Usage {
                    message: format!(
                        "reading dependencies from pyproject.toml in the image needs Python 3.11+ (tomllib), and {} was chosen; pass --python 3.11 or add a requirements.txt",
                        p.python_version
                    ),
                });
            }
            // A venv without pip/setuptools (25 MB less in the runtime image); the base image's pip
            // installs into it through PIP_PYTHON.
            let mut env = venv_env;
            env.push(pair("PIP_PYTHON", format!("{VENV}/bin/python")));
            env.push(pair("PIP_DISABLE_PIP_VERSION_CHECK", "1"));
            Install {
                env,
                setup: vec![format!("python -m venv --without-pip {VENV}")],
                manifests,
                cache: "/root/.cache/pip".into(),
                command,
                extra: vec![],
                after_source: vec![],
            }
        }
    })
}

/// The supported Pythons, for `--python` validation messages.
pub fn supported_pythons() -> String {
    knowledge::SUPPORTED_PYTHONS
        .iter()
        .map(|(a, b)| format!("{a}.{b}"))
        .collect::<Vec<_>>()
        .join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting() {
        assert_eq!(
            sh_quote("config.wsgi:application"),
            "config.wsgi:application"
        );
        assert_eq!(sh_quote("a b"), "'a b'");
        assert_eq!(sh_quote("it's"), "'it'\\''s'");
        assert_eq!(sh_quote("$HOME"), "'$HOME'");
        assert_eq!(sh_quote(""), "''");
        assert_eq!(compose_literal("a$b"), "a$$b");
    }

    #[test]
    fn relative_paths() {
        assert_eq!(rel_to(".", "core"), "core");
        assert_eq!(rel_to("backend", "backend"), ".");
        assert_eq!(rel_to("backend", "backend/app"), "app");
    }
}
