//! One typed context per generated file, built from the [`Plan`] (the way cargo-dist gives each
//! installer its own context): a template sees exactly the facts its file prints, each once.
//!
//! The variable names are the ones each built-in template read when every template got the whole plan
//! (context version 2), so a fork of a file keeps working with the variables that file used. A fork
//! that uses a variable its file's context does not have is told which file's context has it
//! ([`templates_with`]), or why it is gone ([`REMOVED`]: no template printed it). Each field's doc comment is its
//! documentation (`dockgen templates context`, docs/template-context.md). Nothing here decides.

use serde::Serialize;

use crate::base::kinds::Service;
use crate::detect::Framework;
use crate::manager::PackageManager;
use crate::manager::install::{EnvPair, Install};
use crate::plan::bytecode::Bytecode;
use crate::plan::proxy::ProxyPlan;
use crate::plan::{
    CONTEXT_VERSION, EnvExample, Hardening, HealthCheck, HealthTimings, Plan, WatchSync,
    WorkerService, WritableDir,
};

/// The context of `Dockerfile.tera`: the builder stage's install and the runtime stage.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DockerfileContext {
    /// The version of the template context (`CONTEXT_VERSION`). It changes when a variable is renamed,
    /// moved or removed; docs/template-context.md lists what changed, and a fork that uses an old name is
    /// told the new one.
    pub context_version: u32,
    pub framework: Framework,
    pub package_manager: PackageManager,
    /// `major.minor`, the default of the Dockerfile's `PYTHON_VERSION` argument.
    pub python_version: crate::base::python::PythonVersion,
    /// Absolute directory in the image the server runs from (`/app` or `/app/<app_dir>`).
    pub workdir: String,
    /// The port the server binds and `EXPOSE`s. The image sets `PORT` to it and the server listens on
    /// `$PORT`, so a platform that sets `PORT` (Cloud Run, Render) moves it there.
    pub port: u16,
    /// The numeric uid (and gid) the image runs as: non-root, and numeric so Kubernetes' runAsNonRoot can verify it.
    pub uid: u32,
    /// The virtualenv the dependencies are installed into, at the same path in both stages (`/opt/venv`).
    pub venv: String,
    /// The images the Dockerfile copies from besides the Python base.
    pub images: DockerfileImages,
    pub install: Install,
    /// Debian packages the builder installs for source builds (compilers, headers).
    pub build_packages: Vec<String>,
    /// The dependency install in the runtime stage itself (the manifests copied in, uv and its
    /// download cache bind-mounted; no builder stage), or null when the install needs the builder
    /// stage: build packages, a package manager besides uv, or an install that needs the source.
    pub direct_install: Option<crate::manager::install::direct::DirectInstall>,
    /// Debian packages the runtime stage installs (shared libraries the compiled dependencies load).
    pub runtime_packages: Vec<String>,
    /// `ENV` of the runtime stage, in order.
    pub runtime_env: Vec<EnvPair>,
    /// Bytecode the runtime stage compiles: the standard library and the project's modules.
    pub bytecode: Bytecode,
    /// The framework's build-time steps (Django's `collectstatic`, then `compress` when
    /// `COMPRESS_OFFLINE` is on), one complete shell command (steps joined by `&&`)
    /// with throwaway inline values, if any. Was `collectstatic` before context version 2.
    pub build_command: Option<String>,
    /// The server command, exec form (the image's `CMD`). It listens on `$PORT`: gunicorn by itself,
    /// uvicorn and daphne through `sh -c 'exec ...'`.
    pub command: Vec<String>,
    /// The directories of the image the app's user may write, each with why; the code and the
    /// virtualenv belong to root and are read-only to it.
    pub writable_dirs: Vec<WritableDir>,
    /// The image's name, as compose tags the build; for a fork's labels (the built-in Dockerfile does
    /// not print it).
    pub image_name: String,
    /// The front proxy's stage (`proxy`, built by compose's proxy service): its image, with the
    /// collected static files copied from the runtime stage; none without a proxy or static files.
    pub proxy_stage: Option<ProxyStage>,
}

/// The Dockerfile's `proxy` stage.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ProxyStage {
    /// The proxy's image (`nginx:1.28`).
    pub image: String,
    /// Where the runtime stage holds the collected static files.
    pub from: String,
    /// Where the proxy's image keeps them (nginx's root joined with their URL path).
    pub to: String,
}

/// The images the Dockerfile uses besides the Python base.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DockerfileImages {
    /// The uv image the uv binary is copied from, when uv is used.
    pub uv: Option<String>,
}

/// The context of `docker-compose.yml.tera`: web, the one-shot migrate service, the workers, the
/// backing services and the `dev` profile.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ComposeContext {
    /// The version of the template context (see the Dockerfile's).
    pub context_version: u32,
    /// The port compose publishes (the image's `PORT`).
    pub port: u16,
    /// The host port of the `dev` profile's server (so it can run beside `web`).
    pub dev_port: u16,
    /// The image name compose tags the build with (shared by web, migrate and worker services).
    pub image_name: String,
    /// The images of the backing services, with their pinned major versions.
    pub images: ComposeImages,
    /// Whether compose has a Postgres service (`db`) and the app gets `DATABASE_URL`.
    pub postgres: bool,
    /// Where the Postgres image keeps its data (`/var/lib/postgresql/data` up to 17, `/var/lib/postgresql` from 18).
    pub postgres_data_dir: String,
    /// Whether compose has a Redis service (`redis`) and the app gets `REDIS_URL`.
    pub redis: bool,
    /// Whether compose has a RabbitMQ service (`rabbitmq`), the broker of the app's `amqp://` URL.
    pub rabbitmq: bool,
    /// Whether compose's `db` service is MariaDB instead of Postgres (the app's database drivers are
    /// MySQL's), and the app gets a `mysql` `DATABASE_URL`. At most one of `postgres` and `mariadb`.
    pub mariadb: bool,
    /// The migration command, exec form, run by the one-shot `migrate` service.
    pub migrate_command: Option<Vec<String>>,
    /// The directory the migration runs from when it is not the image's workdir (the one holding
    /// `alembic.ini`), for the migrate service's `working_dir`.
    pub migrate_workdir: Option<String>,
    /// Extra services sharing the image (Celery worker and beat, RQ worker).
    pub workers: Vec<WorkerService>,
    /// Environment of the app services, in order (values in compose syntax).
    pub app_env: Vec<EnvPair>,
    /// Variables app services pass through from `.env` when set (read by the app, no default needed).
    pub passthrough_env: Vec<String>,
    /// The web service's healthcheck.
    pub health: HealthCheck,
    /// Least privilege of the services: dropped capabilities, no-new-privileges, a read-only root with
    /// an in-memory /tmp, resource limits, and the capabilities db and redis get back.
    pub hardening: Hardening,
    /// Health-check timings of web, db and redis.
    pub health_timings: HealthTimings,
    /// The development server command (live reload), exec form, for the `dev` profile.
    pub dev_command: Vec<String>,
    /// The user the `dev` profile runs as: the host user that owns the bind-mounted source, from
    /// `DEV_UID`/`DEV_GID` in `.env` (which `dockgen init` writes), so files it creates (new
    /// migrations) belong to that user.
    pub dev_user: String,
    /// Environment the `dev` profile adds to the app's: the framework's debug switch turned on, and a
    /// writable HOME for a user the image does not know.
    pub dev_env: Vec<EnvPair>,
    /// Paths compose `develop.watch` syncs into the container (relative to the context).
    pub watch_sync: Vec<WatchSync>,
    /// Paths (relative to the context) whose change makes compose `develop.watch` rebuild the image: the manifests and lockfiles.
    pub watch_rebuild: Vec<String>,
    /// The directories the app writes, each on a named volume of its own (the root file system is
    /// read-only).
    pub writable_dirs: Vec<WritableDir>,
    /// The front proxy in front of web (the `proxy` answer), when there is one: it publishes the port
    /// and web only `expose`s it, so web scales.
    pub proxy: Option<ProxyPlan>,
}

/// The images of compose's backing services.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ComposeImages {
    /// The Postgres image with its pinned major version (`postgres:17`).
    pub postgres: String,
    /// The Redis image with its pinned major version (`redis:7`).
    pub redis: String,
    /// The RabbitMQ image with its pinned major version (`rabbitmq:4`).
    pub rabbitmq: String,
    /// The MariaDB image with its pinned major version (`mariadb:11`).
    pub mariadb: String,
}

/// The context of `entrypoint.sh.tera`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EntrypointContext {
    /// The version of the template context (see the Dockerfile's).
    pub context_version: u32,
    /// The migration as one shell line, run when `RUN_MIGRATIONS=1`; none without a migration.
    pub migrate_shell: Option<String>,
}

/// The context of `env.example.tera`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EnvExampleContext {
    /// The version of the template context (see the Dockerfile's).
    pub context_version: u32,
    /// `.env.example` entries.
    pub env_example: Vec<EnvExample>,
}

/// The context of `dockerignore.tera`.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct DockerignoreContext {
    /// The version of the template context (see the Dockerfile's).
    pub context_version: u32,
    /// `.dockerignore` patterns.
    pub dockerignore: Vec<String>,
}

impl DockerfileContext {
    pub fn new(plan: &Plan) -> Self {
        DockerfileContext {
            context_version: CONTEXT_VERSION,
            framework: plan.framework,
            package_manager: plan.package_manager,
            python_version: plan.python_version,
            workdir: plan.workdir.clone(),
            port: plan.port,
            uid: plan.uid,
            venv: plan.venv.clone(),
            images: DockerfileImages {
                uv: plan.images.uv.clone(),
            },
            install: plan.install.clone(),
            build_packages: plan.build_packages.clone(),
            direct_install: plan.direct_install.clone(),
            runtime_packages: plan.runtime_packages.clone(),
            runtime_env: plan.runtime_env.clone(),
            bytecode: plan.bytecode.clone(),
            build_command: plan.build_command.clone(),
            command: plan.server.exec_form(),
            writable_dirs: plan.writable_dirs.clone(),
            image_name: plan.image_name.clone(),
            proxy_stage: plan.proxy.as_ref().and_then(|p| {
                let s = p.static_files.as_ref()?;
                Some(ProxyStage {
                    image: p.image.clone(),
                    from: s.from.clone(),
                    to: format!("{}{}", s.root, s.url),
                })
            }),
        }
    }
}

impl ComposeContext {
    pub fn new(plan: &Plan) -> Self {
        let migration = plan.migration.as_ref();
        ComposeContext {
            context_version: CONTEXT_VERSION,
            port: plan.port,
            dev_port: plan.dev_port,
            image_name: plan.image_name.clone(),
            images: ComposeImages {
                postgres: plan.images.postgres.clone(),
                redis: plan.images.redis.clone(),
                rabbitmq: plan.images.rabbitmq.clone(),
                mariadb: plan.images.mariadb.clone(),
            },
            postgres: plan.runs(Service::Postgres),
            postgres_data_dir: plan.postgres_data_dir.clone(),
            redis: plan.runs(Service::Redis),
            rabbitmq: plan.runs(Service::Rabbitmq),
            mariadb: plan.runs(Service::Mariadb),
            migrate_command: migration.map(|m| m.command.clone()),
            migrate_workdir: migration.and_then(|m| m.workdir.clone()),
            workers: plan.workers.clone(),
            app_env: plan.app_env.clone(),
            passthrough_env: plan.passthrough_env.clone(),
            health: plan.health.clone(),
            hardening: plan.hardening.clone(),
            health_timings: plan.health_timings.clone(),
            dev_command: plan.dev_command.clone(),
            dev_user: plan.dev_user.clone(),
            dev_env: plan.dev_env.clone(),
            watch_sync: plan.watch_sync.clone(),
            watch_rebuild: plan.watch_rebuild.clone(),
            writable_dirs: plan.writable_dirs.clone(),
            proxy: plan.proxy.clone(),
        }
    }
}

/// Variables a context carries for forks although its built-in template does not print them: (template,
/// variable). Everything else in a context is printed by its template (a test holds it).
pub const FOR_FORKS: &[(&str, &str)] = &[("Dockerfile.tera", "image_name")];

/// Each built-in template, the file it writes, and its context as JSON (what tera renders with).
pub fn contexts(plan: &Plan) -> Vec<(&'static str, serde_json::Value)> {
    let json = |v: serde_json::Result<serde_json::Value>| v.expect("a context serialises");
    vec![
        (
            "Dockerfile.tera",
            json(serde_json::to_value(DockerfileContext::new(plan))),
        ),
        (
            "entrypoint.sh.tera",
            json(serde_json::to_value(EntrypointContext {
                context_version: CONTEXT_VERSION,
                migrate_shell: plan.migration.as_ref().map(|m| m.shell.clone()),
            })),
        ),
        (
            "dockerignore.tera",
            json(serde_json::to_value(DockerignoreContext {
                context_version: CONTEXT_VERSION,
                dockerignore: plan.dockerignore.clone(),
            })),
        ),
        (
            "docker-compose.yml.tera",
            json(serde_json::to_value(ComposeContext::new(plan))),
        ),
        (
            "env.example.tera",
            json(serde_json::to_value(EnvExampleContext {
                context_version: CONTEXT_VERSION,
                env_example: plan.env_example.clone(),
            })),
        ),
    ]
}

/// Each template's context type, as a JSON schema (for the documentation).
pub fn schemas() -> Vec<(&'static str, schemars::Schema)> {
    vec![
        ("Dockerfile.tera", schemars::schema_for!(DockerfileContext)),
        (
            "entrypoint.sh.tera",
            schemars::schema_for!(EntrypointContext),
        ),
        (
            "dockerignore.tera",
            schemars::schema_for!(DockerignoreContext),
        ),
        (
            "docker-compose.yml.tera",
            schemars::schema_for!(ComposeContext),
        ),
        ("env.example.tera", schemars::schema_for!(EnvExampleContext)),
    ]
}

/// The templates whose context has the top-level variable `name` (for a fork that uses a variable
/// of another file's context: every template saw every variable before version 3).
pub fn templates_with(name: &str) -> Vec<&'static str> {
    schemas()
        .into_iter()
        .filter(|(_, schema)| {
            schema
                .as_value()
                .get("properties")
                .and_then(|p| p.get(name))
                .is_some()
        })
        .map(|(template, _)| template)
        .collect()
}

/// Variables of context version 2 that no built-in template printed, gone in version 3: (name, what
/// to use instead).
pub const REMOVED: &[(&str, &str)] = &[
    (
        "dockgen_version",
        "a version in a generated file makes every upgrade drift under `--check`",
    ),
    (
        "interface",
        "`command` is the server command, which follows from it",
    ),
    (
        "context_dir",
        "paths in every context are relative to the build context already",
    ),
    (
        "app_dir",
        "`workdir` (in the Dockerfile's context) is the app's directory in the image",
    ),
    (
        "web_concurrency",
        "it is `WEB_CONCURRENCY` in `runtime_env` (the Dockerfile's context)",
    ),
    (
        "compose_file",
        "dockgen names the file it writes; the template only gives its content",
    ),
    (
        "server",
        "`command` (the Dockerfile's context) is the server command, exec form; change an option there",
    ),
    (
        "services",
        "`postgres` and `redis` (the compose file's context) say which services run",
    ),
    (
        "notes",
        "they are messages for the user, printed by `dockgen init`",
    ),
    (
        "must_set",
        "`env_example` (the `.env.example` context) lists every variable, required ones with an empty value",
    ),
    (
        "blockers",
        "they are messages for the user, printed by `dockgen init`",
    ),
];
