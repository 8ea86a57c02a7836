//! The plan: every decision about the generated files, as data.
//!
//! `plan(project, options)` turns detection facts and explicit choices into a [`Plan`], each decision
//! stored once; each generated file's template context is a typed view of it (`output::contexts`).
//! Commands are complete, paths are relative to the build context, values that reach
//! YAML or shell are escaped for compose interpolation here (templates add only quoting). Templates print;
//! they never decide. Nothing here touches the file system.

use crate::base::diag::Diagnostics;
use serde::Serialize;

pub mod bytecode;
mod env;
mod files;
mod hardening;
mod health;
pub mod proxy;
mod server;
mod workers;
pub use env::names_a_service;
pub use workers::run_facts;

use crate::base::error::{Error, Result};
use crate::base::evidence::{Evidence, Key};
use crate::base::kinds::Service;
pub use crate::base::quote::{compose_literal, sh_quote};
use crate::detect::{Framework, Project};
use crate::framework::AppView;
use crate::knowledge::{self, pins};
use crate::manager::InstallCx;
use crate::manager::PackageManager;
pub use crate::manager::install::{CopyPair, EnvPair, Install, pair};
pub use crate::queue::{WorkerKind, WorkerProbe, WorkerRun};
pub use hardening::{DEFAULT_CPUS, DEFAULT_MEMORY, Hardening, Health, HealthTimings};

/// The non-root user the image runs as.
pub const APP_UID: u32 = 10001;
/// Where the virtualenv lives in both stages (same path: virtualenvs are not relocatable).
pub const VENV: &str = "/opt/venv";
/// Where the build context (the code) is copied in the image.
pub const APP_DIR: &str = "/app";

/// Choices for `init` beyond detection's own overrides.
#[derive(Debug, Clone, Default)]
pub struct PlanOptions {
    pub port: Option<u16>,
    pub postgres: Option<bool>,
    pub redis: Option<bool>,
    /// The worker services to generate (detection's when `None`).
    pub workers: Option<Vec<WorkerKind>>,
    /// The server's settings (each `None`: the server's own default).
    pub server: ServerAnswers,
    /// The path the healthcheck requests: `None` detects it, `Some(None)` uses no route.
    pub health_path: Option<Option<String>>,
    /// The migration command as words: `None` is the framework's, `Some(None)` no migration step.
    pub migrate_command: Option<Option<Vec<String>>>,
    /// The compose file's name (`docker-compose.yml` when `None`).
    pub compose_file: Option<String>,
    /// The memory limit of each app service (`512m`; [`DEFAULT_MEMORY`] when `None`).
    pub memory: Option<String>,
    /// The CPU limit of each app service, in cores ([`DEFAULT_CPUS`] when `None`).
    pub cpus: Option<String>,
    /// The Debian packages the app runs with (the project's own Dockerfile's when `None`).
    pub system_packages: Option<Vec<String>>,
    /// A name for the image when the project declares none (the project directory's name).
    pub name_hint: Option<String>,
    /// The front proxy in front of web (none: web publishes the port itself).
    pub proxy: proxy::Proxy,
}

/// The production server's settings users change, from their answers.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ServerAnswers {
    /// Processes: the default of `WEB_CONCURRENCY`.
    pub workers: Option<u32>,
    /// gunicorn's `--timeout`, in seconds.
    pub timeout: Option<u32>,
    /// gunicorn's `--worker-class`.
    pub worker_class: Option<String>,
    /// `--max-requests` (gunicorn) or `--limit-max-requests` (uvicorn).
    pub max_requests: Option<u32>,
    /// gunicorn's `--max-requests-jitter` (a tenth of `max_requests` when `None`).
    pub max_requests_jitter: Option<u32>,
    /// `--forwarded-allow-ips`.
    pub forwarded_allow_ips: Option<String>,
}

/// Every decision about the generated files, each stored once. The templates do not read it directly:
/// each generated file has its own typed context built from it (`output::contexts`), and the reports
/// read the rest (notes, blockers, what to set).
#[derive(Debug, Clone, Serialize)]
pub struct Plan {
    pub framework: Framework,
    pub package_manager: PackageManager,
    /// `major.minor`, the default of the Dockerfile's `PYTHON_VERSION` argument.
    pub python_version: crate::base::python::PythonVersion,
    /// Directory of the generated files and the build context, relative to the detected PATH.
    pub context_dir: String,
    /// Absolute directory in the image the server runs from (`/app` or `/app/<app_dir>`).
    pub workdir: String,
    /// The port the server binds, `EXPOSE`s, and compose publishes. The image sets `PORT` to it and the
    /// server listens on `$PORT`, so a platform that sets `PORT` (Cloud Run, Render) moves it there.
    pub port: u16,
    /// Server processes by default: `WEB_CONCURRENCY` in the image and in compose.
    pub web_concurrency: u32,
    /// The web service's healthcheck.
    pub health: HealthCheck,
    /// The name of the generated compose file (`docker-compose.yml`, or `compose.yaml` and the like).
    pub compose_file: String,
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
    /// The install in the runtime stage from bind mounts, without a builder stage, when the builder
    /// would hold nothing but uv.
    pub direct_install: Option<crate::manager::install::direct::DirectInstall>,
    /// Debian packages the runtime stage installs (shared libraries the compiled dependencies load).
    pub runtime_packages: Vec<String>,
    /// `ENV` of the runtime stage, in order.
    pub runtime_env: Vec<EnvPair>,
    /// Bytecode the runtime stage compiles: the standard library and the project's modules.
    pub bytecode: bytecode::Bytecode,
    /// The framework's build-time steps (Django's `collectstatic`, then `compress` when
    /// `COMPRESS_OFFLINE` is on), one complete shell command (steps joined by `&&`)
    /// with throwaway inline values, if any. Was `collectstatic` before context version 2.
    pub build_command: Option<String>,
    /// The production server's command, as data ([`ServerCommand::exec_form`] is the image's `CMD`).
    pub server: ServerCommand,
    /// The backing services compose runs, with why (`postgres` runs as compose's `db`).
    pub services: Vec<ServiceDecision>,
    /// The development server command (live reload), exec form, for the `dev` profile.
    pub dev_command: Vec<String>,
    /// The migration, run by the one-shot `migrate` service and by `RUN_MIGRATIONS=1` in the
    /// entrypoint; none when the framework has none or an answer turned it off.
    pub migration: Option<MigrationStep>,
    /// Extra services sharing the image (Celery worker and beat, RQ worker).
    pub workers: Vec<WorkerService>,
    /// Environment of the app services in compose, in order (values in compose syntax).
    pub app_env: Vec<EnvPair>,
    /// Variables app services pass through from `.env` when set (read by the app, no default needed).
    pub passthrough_env: Vec<String>,
    /// Least privilege of the services: dropped capabilities, no-new-privileges, a read-only root with
    /// an in-memory /tmp, resource limits, and the capabilities db and redis get back.
    pub hardening: Hardening,
    /// Health-check timings of web, db and redis.
    pub health_timings: HealthTimings,
    /// The user the `dev` profile runs as: the host user that owns the bind-mounted source, from
    /// `DEV_UID`/`DEV_GID` in `.env` (which `dockgen init` writes), so files it creates (new
    /// migrations) belong to that user.
    pub dev_user: String,
    /// Environment the `dev` profile adds to the app's: the framework's debug switch turned on, and a
    /// writable HOME for a user the image does not know.
    pub dev_env: Vec<EnvPair>,
    /// `.env.example` entries.
    pub env_example: Vec<EnvExample>,
    /// `.dockerignore` patterns.
    pub dockerignore: Vec<String>,
    /// The directories of the image the app's user may write, each with why; the code and the
    /// virtualenv belong to root and are read-only to it.
    pub writable_dirs: Vec<WritableDir>,
    /// Paths compose `develop.watch` syncs into the container (relative to the context) and rebuilds on.
    pub watch_sync: Vec<WatchSync>,
    /// Paths (relative to the context) whose change makes compose `develop.watch` rebuild the image: the manifests and lockfiles.
    pub watch_rebuild: Vec<String>,
    /// Messages for the user about what the plan did on its own (installed a server, ...).
    pub notes: Vec<String>,
    /// Variables the app cannot start without that no generated service provides: set them in `.env`.
    pub must_set: Vec<MustSet>,
    /// Reasons the generated stack is known not to work as the project stands, each with what to
    /// change. `init` prints them instead of "Next: docker compose up".
    pub blockers: Vec<Blocker>,
    /// The app's own command that creates its schema, to run once in `web` after the stack is up
    /// (Flask's `flask init-db`), when nothing generated creates the tables. Not a template variable:
    /// `dockgen verify` runs it in its throwaway stack.
    #[serde(skip)]
    pub schema_command: Option<Vec<String>>,
    /// The framework's one-off commands (Django's `createsuperuser`), each with what it is for, to run
    /// once with `docker compose run`. Not a template variable: `init`'s checklist lists them.
    #[serde(skip)]
    pub one_off: Vec<(String, Vec<String>)>,
    /// The front proxy compose runs in front of web (the `proxy` answer), when there is one: it
    /// publishes the port, so web publishes none and scales.
    pub proxy: Option<proxy::ProxyPlan>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Images {
    /// The uv image the uv binary is copied from, when uv is used.
    pub uv: Option<String>,
    /// The Postgres image with its pinned major version (`postgres:17`).
    pub postgres: String,
    /// The Redis image with its pinned major version (`redis:7`).
    pub redis: String,
    /// The RabbitMQ image with its pinned major version (`rabbitmq:4`).
    pub rabbitmq: String,
    /// The MariaDB image with its pinned major version (`mariadb:11`).
    pub mariadb: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EnvExample {
    /// The variable's name.
    pub name: String,
    /// The example value: empty for secrets and for the values the app requires (so compose refuses to
    /// start until `.env` sets them).
    pub value: String,
    /// The comment written above it: what reads it, and where (file and line).
    pub comment: String,
    /// Written as `# NAME=value` (optional).
    pub commented_out: bool,
    /// A secret: `dockgen init` writes a fresh random value for it in `.env`.
    pub secret: bool,
}

/// A variable to set in `.env`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct MustSet {
    /// The variable's name.
    pub name: String,
    /// Where the code reads it (file:line and how).
    pub read_at: String,
}

/// Why the generated stack will not work as the project stands, and what to change.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Blocker {
    /// What goes wrong.
    pub problem: String,
    /// What to change (in the project, or an answer to give).
    pub fix: String,
}

/// The production server's command, as data.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ServerCommand {
    /// The program: `gunicorn`, `uvicorn` or `daphne`.
    pub program: String,
    /// What it serves, `module:attr` (a factory without its `()`).
    pub app: String,
    /// Every option after the program, in order, each flag with its value when it takes one.
    pub options: Vec<ServerOption>,
    /// Whether the server listens on `$PORT`: an option value holds `${PORT:-<port>}` (which needs a
    /// shell), or, for gunicorn, there is no `--bind` and gunicorn reads `PORT` itself.
    pub port_from_env: bool,
}

impl ServerCommand {
    /// The command in exec form, as the image's `CMD`: the words themselves, or `sh -c 'exec ...'`
    /// when an option expands `$PORT`.
    pub fn exec_form(&self) -> Vec<String> {
        server::exec_form(self)
    }
}

/// The web service's healthcheck.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HealthCheck {
    /// The path the probe requests, which must answer within 3s with neither 404 nor 5xx; none: any HTTP
    /// answer at `/` counts.
    pub path: Option<String>,
    /// Where the path came from (the route detection found, or the answer), or why there is none.
    pub why: String,
    /// compose's `test`, exec form with `CMD` first: a Python probe on `127.0.0.1:$PORT`.
    pub test: Vec<String>,
}

/// One server option.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ServerOption {
    /// The flag, `--bind`.
    pub flag: String,
    /// Its value, `0.0.0.0:8000`; none for a switch such as `--proxy-headers`.
    pub value: Option<String>,
}

/// The migration step.
#[derive(Debug, Clone, Serialize)]
pub struct MigrationStep {
    /// The command, exec form.
    pub command: Vec<String>,
    /// The directory it runs from when it is not `workdir` (the one holding `alembic.ini`).
    pub workdir: Option<String>,
    /// The same as one shell line (run from its directory in a subshell), for entrypoint.sh.
    pub shell: String,
}

/// A backing service compose runs (its image is in [`Images`]).
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ServiceDecision {
    /// `postgres`, `mariadb`, `redis` or `rabbitmq` (the compose services are `db` for either database,
    /// `redis` and `rabbitmq`).
    pub name: String,
    /// Why it is there: the evidence detection found, or the answer that asked for it.
    pub why: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WorkerService {
    /// The compose service name (`worker`, `beat`, `rq-worker`).
    pub name: String,
    /// Why it is there: the evidence detection found, or the answer that asked for it.
    pub why: String,
    /// Its command, exec form.
    pub command: Vec<String>,
    /// How `dockgen verify` tells that it is alive and talks to its broker. Not a template variable.
    #[serde(skip)]
    pub probe: Option<WorkerProbe>,
    /// How an orchestrator runs it (one replica or many, its liveness check). Not a template variable.
    #[serde(skip)]
    pub run: WorkerRun,
}

/// A directory of the image the app's user may write.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WritableDir {
    /// The absolute path in the image (created at build time, owned by `uid`).
    pub path: String,
    /// Why the app writes there, with where it is configured.
    pub reason: String,
    /// The named volume compose mounts there, so writes survive the read-only root file system and
    /// the container's replacement.
    pub volume: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct WatchSync {
    /// The host path, relative to the build context.
    pub path: String,
    /// Where it is synced in the container.
    pub target: String,
}

/// The worker services detection calls for: each queue's worker when it can run (Celery's needs its
/// app), and its scheduler when the project has a schedule.
pub fn detected_workers(p: &Project) -> Vec<WorkerKind> {
    let mut out = Vec::new();
    for q in &p.workers {
        let facts = p.queue(*q);
        if q.can_run(facts) {
            out.push(WorkerKind::worker(*q));
            if facts.schedule && q.scheduler().is_some() {
                out.push(WorkerKind {
                    queue: *q,
                    scheduler: true,
                });
            }
        }
    }
    out
}

/// The worker services the project can run (asked about by the guided init), each with the evidence
/// for it: each queue's worker (and its scheduler) when it can run.
pub fn available_workers(p: &Project) -> Vec<(WorkerKind, Option<&Evidence>)> {
    let mut available = Vec::new();
    for q in &p.workers {
        if !q.can_run(p.queue(*q)) {
            continue;
        }
        available.push((WorkerKind::worker(*q), p.evidence.get(&q.worker_key())));
        if let Some(s) = q.scheduler() {
            let k = WorkerKind {
                queue: *q,
                scheduler: true,
            };
            available.push((k, p.evidence.get(&Key::Scheduler(s.kind))));
        }
    }
    available
}

/// Whether Redis is added when no answer says: a Redis dependency, or workers whose broker it is.
pub fn default_redis(p: &Project, opts: &PlanOptions) -> bool {
    p.services.contains(&Service::Redis) || workers_on(p, opts, Service::Redis)
}

/// Whether any worker the plan runs (the answer's, else detection's) uses `broker`: each task queue's
/// broker among the project's services (RabbitMQ for an `amqp://` broker URL), else its default.
fn workers_on(p: &Project, opts: &PlanOptions, broker: Service) -> bool {
    let queues: Vec<crate::queue::TaskQueue> = match &opts.workers {
        Some(w) => w.iter().map(|k| k.queue).collect(),
        None => p.workers.clone(),
    };
    queues
        .into_iter()
        .any(|q| q.broker_among(&p.services) == broker)
}

/// Whether RabbitMQ is added: the app's broker URL defaults to `amqp://`.
pub fn default_rabbitmq(p: &Project) -> bool {
    p.services.contains(&Service::Rabbitmq)
}

/// Whether MariaDB is added (when Postgres is not): the app's database drivers are MySQL's (or its
/// settings name a MySQL engine) and it takes its database from the environment. A MySQL driver the
/// settings never point at (SQLite in DATABASES) starts nothing.
pub fn default_mariadb(p: &Project) -> bool {
    p.services.contains(&Service::Mariadb) && reads_database(p)
}

/// Whether Postgres is added when no answer says: a Postgres driver or URL parser among the dependencies.
pub fn default_postgres(p: &Project) -> bool {
    p.services.contains(&Service::Postgres)
}

impl Plan {
    /// Whether compose runs `service` (Postgres as `db`, Redis as `redis`), which also gives the app its
    /// URL (`DATABASE_URL`, `REDIS_URL`).
    pub fn runs(&self, service: Service) -> bool {
        self.services.iter().any(|s| s.name == service.to_string())
    }
}

/// The version of the template context. Version 1 was the context before `context_version` existed;
/// version 3 gave each generated file its own context.
pub const CONTEXT_VERSION: u32 = 3;

/// Variables renamed in the template context: (old name, new name, the version that renamed it). A fork
/// that still uses an old name is told the new one.
pub const RENAMED: &[(&str, &str, u32)] = &[("collectstatic", "build_command", 2)];

/// The `dev` profile's user: the host user's ids from `.env`, or 1000 (the first user on most Linux
/// systems) when `.env` does not set them.
pub const DEV_USER: &str = "${DEV_UID:-1000}:${DEV_GID:-1000}";

/// The port when no answer says.
pub const DEFAULT_PORT: u16 = 8000;

/// The compose file's name when no answer says.
pub const DEFAULT_COMPOSE_FILE: &str = "docker-compose.yml";

pub use crate::knowledge::COMPOSE_FILES;

pub use server::DEFAULT_TIMEOUT;

/// The migration: the answer's command (run from the app directory), none when the answer turns it
/// off, else the framework's.
fn migration(p: &Project, opts: &PlanOptions, view: &AppView) -> Option<MigrationStep> {
    let migration = match &opts.migrate_command {
        Some(Some(words)) => Some(crate::framework::Migration {
            command: words.clone(),
            workdir: None,
        }),
        Some(None) => None,
        None => p.framework.migration(view),
    };
    migration.map(|m| MigrationStep {
        shell: migrate_shell(&m),
        workdir: m.workdir,
        command: m.command,
    })
}

fn check_path(what: &str, p: &str) -> Result<()> {
    if p.contains(['\n', '\r', '"', '\\']) {
        return Err(Error::Project {
            message: format!(
                "{what} `{}` contains a quote, backslash or newline, which Dockerfiles cannot express",
                p.escape_debug()
            ),
        });
    }
    Ok(())
}

/// Paths that reach the Dockerfile must be expressible there, and an entrypoint must be known.
fn check_inputs(p: &Project, app_dir: &str) -> Result<()> {
    check_path("the app directory", app_dir)?;
    for f in p.install_files() {
        check_path("the manifest", f)?;
        if f.contains(char::is_whitespace) {
            return Err(Error::Project {
                message: format!(
                    "the manifest `{f}` has whitespace in its path, which Dockerfile COPY cannot express"
                ),
            });
        }
    }
    if p.entrypoint.is_empty() {
        return Err(Error::Project {
            message: "no entrypoint was detected; pass --entrypoint MODULE:ATTR".into(),
        });
    }
    Ok(())
}

/// What the framework hooks see of the project.
fn app_view<'a>(p: &'a Project, port: u16, alembic_dir: Option<&'a str>) -> AppView<'a> {
    AppView {
        alembic_dir,
        facts: &p.framework_facts,
        entrypoint: &p.entrypoint,
        interface: p.interface,
        settings_module: p.settings_module(),
        static_root: p.static_root,
        deps: &p.dependencies,
        port,
    }
}

/// The builder stage's install, with a server the project lacks added (and a note saying so).
fn install(p: &Project, server: &server::ServerPlan, notes: &mut Diagnostics) -> Result<Install> {
    let cx = InstallCx {
        facts: &p.install,
        python_version: p.python_version,
        installable: p.installable,
        project_name: p.project_name.as_deref(),
        venv: VENV,
    };
    let mut install = p.package_manager.install(&cx)?;
    if let Some((server, pin)) = &server.install {
        notes.warn(format!(
            "{server} is not a dependency of the project; the image installs {pin} (add it to your dependencies to choose the version)"
        ));
        install
            .extra
            .push(p.package_manager.install_extra(&cx, pin));
    }
    // A dependency imports pkg_resources, which only setuptools provides (see `detect`'s evidence).
    if let Some(pin) = &p.setuptools {
        install.extra.push(
            p.package_manager
                .install_extra(&cx, &crate::base::quote::sh_quote(pin)),
        );
    }
    Ok(install)
}

/// The runtime stage's `ENV`: Python's settings, the venv, the port, and the framework's own.
fn runtime_env(p: &Project, view: &AppView, port: u16, workers: u32) -> Vec<EnvPair> {
    let mut env = vec![
        pair("PYTHONDONTWRITEBYTECODE", "1"),
        pair("PYTHONUNBUFFERED", "1"),
        pair("VIRTUAL_ENV", VENV),
        pair("PATH", format!("{VENV}/bin:$PATH")),
        pair("PORT", port.to_string()),
        pair("WEB_CONCURRENCY", workers.to_string()),
    ];
    // The framework's values come from the project (a settings module, an app): literal, never expanded.
    for (name, value) in p.framework.runtime_env(view) {
        env.push(pair(name, crate::base::quote::dockerfile_literal(&value)));
    }
    env
}

/// Debian packages for source builds: the builder's compilers and headers, the runtime's libraries.
fn native_packages(p: &Project, opts: &PlanOptions) -> (Vec<String>, Vec<String>) {
    let mut build: Vec<String> = Vec::new();
    let mut runtime: Vec<String> = Vec::new();
    for n in &p.native {
        for b in n.build {
            if !build.iter().any(|x| x == b) {
                build.push(b.to_string());
            }
        }
        for r in n.runtime {
            if !runtime.iter().any(|x| x == r) {
                runtime.push(r.to_string());
            }
        }
    }
    // The answer, or what the project's own Dockerfile installs: what its app runs with.
    let own = || own_packages(p);
    for name in opts.system_packages.clone().unwrap_or_else(own) {
        if !runtime.contains(&name) {
            runtime.push(name);
        }
    }
    build.sort();
    runtime.sort();
    (build, runtime)
}

/// What to say when the app collects static files that nothing in the stack serves (no front proxy,
/// and the framework's app serves none with its debug mode off).
fn static_note(p: &Project, proxy: proxy::Proxy, view: &AppView, notes: &mut Diagnostics) {
    if proxy == proxy::Proxy::None
        && let Some((why, fix)) = p.framework.unserved_static(view)
    {
        notes.warn(format!(
            "nothing in the generated stack serves the collected static files ({why}): pass --proxy nginx, whose nginx serves them, or {fix}"
        ));
    }
}

/// The system packages the project's own Dockerfile installs.
pub fn own_packages(p: &Project) -> Vec<String> {
    p.own_dockerfile
        .as_ref()
        .map(|d| d.apt_packages.clone())
        .unwrap_or_default()
}

/// The port the project's own Dockerfile `EXPOSE`s.
pub fn own_port(p: &Project) -> Option<u16> {
    p.own_dockerfile.as_ref()?.expose.map(|(port, _)| port)
}

/// Builds the plan: a list of named decisions, each its own function or module.
// Longer than 60 lines: the struct literal at its end takes one line per field of `Plan` (40); each
// line above it is one named step.
pub fn plan(p: &Project, opts: &PlanOptions) -> Result<Plan> {
    let app_dir = p.project_dir.strip(p.app_dir.as_str());
    check_inputs(p, &app_dir)?;
    let workdir = workdir_of(&app_dir);
    let port = opts.port.or(own_port(p)).unwrap_or(DEFAULT_PORT);
    let postgres = opts.postgres.unwrap_or(default_postgres(p));
    let redis = opts.redis.unwrap_or(default_redis(p, opts));
    let rabbitmq = default_rabbitmq(p);
    let mariadb = !postgres && default_mariadb(p);
    // Compose's backing services, in its order.
    let running: Vec<Service> = [
        (Service::Postgres, postgres),
        (Service::Mariadb, mariadb),
        (Service::Redis, redis),
        (Service::Rabbitmq, rabbitmq),
    ]
    .into_iter()
    .filter_map(|(s, on)| on.then_some(s))
    .collect();
    let alembic_dir = alembic_workdir(p, &p.project_dir);
    let view = app_view(p, port, alembic_dir.as_deref());
    let mut notes = Diagnostics::new();
    let server = server::choose(p, port, &opts.server)?;
    let install = install(p, &server, &mut notes)?;
    let dev_command = p.framework.dev_command(&view, &server.fixed_command);
    let migration = migration(p, opts, &view);
    let broker = redis || rabbitmq;
    let workers = workers::plan(p, opts, broker, &mut notes)?;
    let web_concurrency = web_concurrency(p, opts, migration.is_some(), &mut notes);
    let switches = env::Switches {
        workers: web_concurrency,
        postgres,
        mariadb,
        redis,
        rabbitmq,
        port,
        migrations: migration.is_some(),
    };
    let env = env::plan(p, &switches);
    let build_command = env::build_command(p, &p.framework.build_commands(&view));
    let compose_file = compose_file(p, opts, &mut notes);
    let compose_file = compose_file.as_str();
    let (build_packages, runtime_packages) = native_packages(p, opts);
    let images = images(p);
    let runtime_env = runtime_env(p, &view, port, web_concurrency);
    let direct_install = crate::manager::install::direct::plan(
        &install,
        &build_packages,
        images.uv.as_deref(),
        &runtime_env,
        VENV,
        APP_DIR,
    );
    let image_name = image_name(p, opts.name_hint.as_deref());
    static_note(p, opts.proxy, &view, &mut notes);
    if opts.proxy != proxy::Proxy::None && server.data.program == "daphne" {
        notes.warn(
            "daphne does not read FORWARDED_ALLOW_IPS, so behind the proxy the app sees the proxy's address and plain http; add --proxy-headers to the Dockerfile's CMD to trust its X-Forwarded-* headers",
        );
    }
    let proxy = proxy::plan(
        p,
        opts.proxy,
        &workdir,
        &image_name,
        build_command.is_some(),
    );
    Ok(Plan {
        proxy,
        framework: p.framework,
        package_manager: p.package_manager,
        python_version: p.python_version,
        dockerignore: files::dockerignore(p, &app_dir, compose_file),
        watch_sync: files::watch_sync(&app_dir, &workdir),
        writable_dirs: files::writable_dirs(p, &workdir),
        watch_rebuild: p.install_files().to_vec(),
        context_dir: p.project_dir.to_string(),
        workdir,
        port,
        web_concurrency,
        health: health::plan(p, opts, port),
        compose_file: compose_file.into(),
        dev_port: port.saturating_add(1),
        image_name,
        postgres_data_dir: postgres_data_dir(),
        uid: APP_UID,
        venv: VENV.into(),
        services: services(p, &running),
        images,
        server: server.data,
        install,
        build_packages,
        direct_install,
        runtime_packages,
        runtime_env,
        bytecode: bytecode::plan(APP_DIR),
        build_command,
        dev_command,
        schema_command: schema(p, migration.is_some(), postgres || mariadb, &mut notes),
        one_off: p
            .framework
            .one_off_commands(&view)
            .into_iter()
            .map(|(what, c)| (what.into(), c))
            .collect(),
        migration,
        blockers: blockers(
            p,
            &running,
            redis && workers_on(p, opts, Service::Redis),
            compose_file,
        ),
        workers,
        hardening: hardening::plan(opts),
        health_timings: hardening::health_timings(),
        dev_user: DEV_USER.into(),
        dev_env: env::dev_env(p),
        must_set: env.must_set,
        app_env: env.app_env,
        passthrough_env: env.passthrough,
        env_example: env.example,
        notes: notes.into_messages(),
    })
}

/// Where Alembic runs in the image, when `alembic.ini` is above the app's directory.
fn alembic_workdir(p: &Project, context: &crate::base::relpath::RelDir) -> Option<String> {
    p.alembic_dir
        .as_ref()
        .map(|d| workdir_of(&context.strip(d.as_str())))
}

/// The compose file's name: the answer; else the project's own compose file that `docker compose` reads
/// first (so the generated file replaces it, a conflict to settle like any edited file, rather than
/// landing beside it where compose would not read it); else docker-compose.yml.
fn compose_file(p: &Project, opts: &PlanOptions, notes: &mut Diagnostics) -> String {
    if let Some(answer) = &opts.compose_file {
        return answer.clone();
    }
    let rank = |name: &str| COMPOSE_FILES.iter().position(|f| *f == name);
    let name_of = |file: &'_ String| file.rsplit('/').next().unwrap_or(file).to_string();
    let Some(theirs) = p.compose_files.iter().min_by_key(|f| rank(&name_of(f))) else {
        return DEFAULT_COMPOSE_FILE.into();
    };
    let name = name_of(theirs);
    if name == DEFAULT_COMPOSE_FILE {
        return name;
    }
    notes.warn(format!(
        "the compose file is generated as `{theirs}`, the name the project already uses (the one `docker compose` reads first); pass --compose-file to choose another"
    ));
    name
}

/// Whether the app takes its database from the environment (a URL, a host, an engine or a switch that
/// compose can set).
fn reads_database(p: &Project) -> bool {
    use crate::base::kinds::EnvRole::*;
    p.env_vars.iter().any(|v| {
        matches!(
            v.role.as_ref().map(|t| &t.role),
            Some(
                DatabaseUrl { .. }
                    | DatabaseHost
                    | DatabaseSwitch { .. }
                    | DatabaseEngine { .. }
                    | DatabaseConninfo
            )
        )
    })
}

/// What is known to break the stack: a database compose starts that the app never reads, a compose file
/// that docker compose prefers to ours, workers whose Redis broker they have no client for.
/// (Called before `workers` moves into the plan: `redis_broker` says whether any run on Redis.)
fn blockers(p: &Project, running: &[Service], redis_broker: bool, ours: &str) -> Vec<Blocker> {
    let mut out = Vec::new();
    let reads_database = reads_database(p);
    let rank = |name: &str| COMPOSE_FILES.iter().position(|f| *f == name);
    for file in &p.compose_files {
        let name = file.rsplit('/').next().unwrap_or(file);
        if rank(name) >= rank(ours) {
            continue;
        }
        out.push(Blocker {
            problem: format!(
                "`{file}` exists, and `docker compose` reads it instead of the generated {ours}"
            ),
            fix: format!(
                "generate into it with --compose-file {name} (a conflict to settle like any other), remove or rename it, or run `docker compose -f {ours} up`"
            ),
        });
    }
    out.extend(broker_blocker(p, redis_broker));
    let database = running.iter().find_map(|s| match s {
        Service::Postgres => Some(("Postgres", "; or pass --no-postgres")),
        Service::Mariadb => Some(("MariaDB", "")),
        _ => None,
    });
    if let Some((name, or_no)) = database
        && !reads_database
    {
        out.push(Blocker {
            problem: format!("compose starts {name}, but nothing in the app reads a database setting from the environment, so the app would keep its own database (SQLite, or localhost) and {name} would stay empty"),
            fix: format!(
                "read the database from the environment ({}), then run dockgen init again{or_no}",
                crate::framework::ALL
                    .iter()
                    .filter_map(|f| f.database_from_env())
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        });
    }
    out
}

/// The workers' broker URL is pointed at the generated Redis; without a Redis client the worker cannot
/// reach it (a project written for an `amqp://` broker, issue 17). Detection's Redis service comes from
/// a Redis client among the dependencies (a queue's redis extra included) or the project's own Redis
/// settings.
fn broker_blocker(p: &Project, redis_broker: bool) -> Option<Blocker> {
    if !redis_broker || p.services.contains(&Service::Redis) {
        return None;
    }
    Some(Blocker {
        problem: "the worker services use the generated Redis service as their broker, but no Redis client (`redis`, or the task queue's redis extra) is among the dependencies, so they cannot connect to it (a broker URL that defaults to `amqp://` gets a RabbitMQ service instead)".into(),
        fix: "add the task queue's Redis extra or the `redis` package to the dependencies and lock them, then run dockgen init again; or run your own broker and set its URL in .env".into(),
    })
}

/// The migration as one shell line for entrypoint.sh, run from its own directory in a subshell.
fn migrate_shell(m: &crate::framework::Migration) -> String {
    match &m.workdir {
        Some(dir) => format!("(cd {} && {})", sh_quote(dir), shell_line(&m.command)),
        None => shell_line(&m.command),
    }
}

/// The app's own schema command (`flask init-db`) when nothing generated creates the tables, with the
/// note about it.
fn schema(
    p: &Project,
    migrates: bool,
    postgres: bool,
    notes: &mut Diagnostics,
) -> Option<Vec<String>> {
    notes.extend(schema_note(p, migrates, postgres));
    schema_command(p, migrates, postgres)
}

fn schema_command(p: &Project, migrates: bool, postgres: bool) -> Option<Vec<String>> {
    if migrates || !postgres || p.creates_tables.is_some() {
        return None;
    }
    p.schema_commands
        .iter()
        .find_map(|(name, _)| p.framework.cli_invocation(name))
}

/// What to say about the schema when nothing generated creates it: the app's own schema command to
/// run once, or that no migration step was found.
fn schema_note(p: &Project, migrates: bool, postgres: bool) -> Option<String> {
    if migrates || !postgres || p.creates_tables.is_some() {
        return None;
    }
    let invoked = p.schema_commands.iter().find_map(|(name, at)| {
        let cmd = p.framework.cli_invocation(name)?;
        Some((shell_line(&cmd), at))
    });
    Some(match invoked {
        Some((cmd, at)) => format!(
            "the database schema comes from the app's own `{cmd}` ({at}), which dockgen does not run (such commands usually drop and recreate the tables): once the stack is up, run it once with `docker compose exec web {cmd}`"
        ),
        None => {
            let mut tools: Vec<&str> = crate::framework::ALL
                .iter()
                .filter_map(|f| f.migration_tool())
                .collect();
            tools.extend(["Alembic", "create_all()"]);
            format!(
                "no migration step was found ({}): the app's tables must be created before it serves requests",
                tools.join(", ")
            )
        }
    })
}

/// Server processes by default: the answer's; else 2, or 1 when the app creates its tables at startup with no migration
/// step (several processes would race on CREATE TABLE and one would fail to start).
fn web_concurrency(
    p: &Project,
    opts: &PlanOptions,
    migrates: bool,
    notes: &mut Diagnostics,
) -> u32 {
    if let Some(n) = opts.server.workers {
        return n;
    }
    match &p.creates_tables {
        Some(at) if !migrates => {
            notes.warn(format!(
                "the app creates its tables at startup ({at}) and has no migration step: several server processes would race on CREATE TABLE, so WEB_CONCURRENCY defaults to 1 (migrations, e.g. Alembic, let it run more)"
            ));
            1
        }
        _ => 2,
    }
}

/// Words as one shell line, each quoted where it needs to be.
fn shell_line(words: &[String]) -> String {
    words
        .iter()
        .map(|w| sh_quote(w))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The directory in the image the server runs from.
fn workdir_of(app_dir: &str) -> String {
    if app_dir == "." {
        APP_DIR.to_string()
    } else {
        format!("{APP_DIR}/{app_dir}")
    }
}

/// Where the Postgres image keeps its data: `/var/lib/postgresql/data` up to 17, the parent from 18.
fn postgres_data_dir() -> String {
    if pins::POSTGRES.parse::<u32>().unwrap_or(17) >= 18 {
        "/var/lib/postgresql".into()
    } else {
        "/var/lib/postgresql/data".into()
    }
}

/// The services compose runs, each with the evidence for it (or "asked for" when an answer added it).
fn services(p: &Project, running: &[Service]) -> Vec<ServiceDecision> {
    running
        .iter()
        .map(|&s| ServiceDecision {
            name: s.to_string(),
            why: p
                .evidence
                .get(&crate::base::evidence::Key::Service(s))
                .map_or_else(
                    || "asked for (an answer or the workers' broker)".into(),
                    |e| e.to_string(),
                ),
        })
        .collect()
}

fn images(p: &Project) -> Images {
    Images {
        uv: p.package_manager.binary_image(),
        postgres: format!("postgres:{}", pins::POSTGRES),
        redis: format!("redis:{}", pins::REDIS),
        rabbitmq: format!("rabbitmq:{}", pins::RABBITMQ),
        mariadb: format!("mariadb:{}", pins::MARIADB),
    }
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

/// The supported Pythons, for `--python` validation messages.
pub fn supported_pythons() -> String {
    knowledge::SUPPORTED_PYTHONS
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join(", ")
}
