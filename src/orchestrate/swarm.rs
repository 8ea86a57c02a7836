//! The Swarm target: `stack.yml` beside the compose file, for `docker stack deploy`, and its template
//! context, [`SwarmContext`], built from the [`Plan`].
//!
//! `docker stack deploy` reads a compose file but refuses or ignores what `docker compose` needs
//! (`build:`, `depends_on` conditions, `env_file` paths relative to nothing, `restart`), so the stack
//! file is its own: the image by reference, short `depends_on`, the migration as a `replicated-job`,
//! rolling updates that start the new task first and roll back on failure, and the secrets as Docker
//! secrets (created once with `docker secret create`), read by the entrypoint from `/run/secrets`.

use serde::Serialize;

use super::Output;
use crate::base::kinds::Service;
use crate::plan::{EnvPair, Plan, run_facts};

/// The stack file's name, beside the compose file.
pub const FILE: &str = "stack.yml";
/// The front proxy's configuration, beside the stack file (a Swarm config of the stack).
pub const PROXY_CONFIG: &str = "nginx.conf";
/// The port the proxy listens on in its container: unprivileged, so it needs no capability.
pub const PROXY_PORT: u16 = 8080;

/// The context of `stack.yml.tera`.
#[derive(Debug, Clone, Serialize)]
pub struct SwarmContext {
    /// The stack's name in the commands shown (`docker stack deploy -c stack.yml NAME`).
    pub name: String,
    /// The image, without a tag: `${TAG}` chooses it at deploy time.
    pub image: String,
    /// The port the server listens on in the container (and publishes).
    pub port: u16,
    /// Web replicas.
    pub replicas: u32,
    /// The compose healthcheck's command, exec form with `CMD` first.
    pub health_test: Vec<String>,
    /// The app services' environment that is no secret (compose syntax: `docker stack deploy`
    /// interpolates `${X:-default}` from the deploying shell).
    pub app_env: Vec<EnvPair>,
    /// The Docker secrets the app services read (created with `docker secret create NAME -`): the
    /// secrets the app reads and the values compose requires from `.env` (`DATABASE_URL` with its
    /// password), and the secrets compose passes through from `.env` (`SECRET_KEY`). The entrypoint
    /// turns each into the variable of its name. The `db` service reads `POSTGRES_PASSWORD` as a
    /// secret of its own.
    pub secrets: Vec<String>,
    /// Every Docker secret the stack uses, once each (the app's and the `db` service's).
    pub all_secrets: Vec<String>,
    /// The migration command, when the plan has one.
    pub migrate_command: Option<Vec<String>>,
    /// Its working directory, when it is not the image's.
    pub migrate_workdir: Option<String>,
    /// The workers.
    pub workers: Vec<Worker>,
    /// Whether the stack runs Postgres.
    pub postgres: bool,
    /// Whether the stack runs Redis.
    pub redis: bool,
    /// The Postgres image.
    pub postgres_image: String,
    /// The Redis image.
    pub redis_image: String,
    /// The Postgres data directory in its image.
    pub postgres_data_dir: String,
    /// Memory limit of each app service, as Docker takes it.
    pub memory: String,
    /// CPU limit of each app service.
    pub cpus: String,
    /// Health-check timings, as in compose.
    pub health: crate::plan::HealthTimings,
    /// Seconds between SIGTERM and SIGKILL.
    pub grace_seconds: u32,
    /// The front proxy's image.
    pub proxy_image: String,
    /// The port it listens on in its container.
    pub proxy_port: u16,
    /// Its configuration file, beside the stack file.
    pub proxy_config: String,
}

/// One worker service.
#[derive(Debug, Clone, Serialize)]
pub struct Worker {
    /// The compose service name.
    pub name: String,
    /// Its command, exec form.
    pub command: Vec<String>,
    /// At most one task at a time (Celery beat): updated by stopping the old task first.
    pub singleton: bool,
    /// Its healthcheck, exec form with `CMD` first: the liveness command run through the entrypoint.
    pub healthcheck: Vec<String>,
}

/// The context, from the plan.
pub fn context(plan: &Plan) -> SwarmContext {
    let (secret, app_env): (Vec<EnvPair>, Vec<EnvPair>) = plan
        .app_env
        .iter()
        .cloned()
        .partition(|e| super::is_secret_setting(plan, e));
    let mut secrets: Vec<String> = secret.into_iter().map(|e| e.name).collect();
    // The secrets compose passes through from .env (the app has a default, but production sets its own).
    for name in &plan.passthrough_env {
        if plan.env_example.iter().any(|x| &x.name == name && x.secret) {
            secrets.push(name.clone());
        }
    }
    SwarmContext {
        name: plan.image_name.clone(),
        image: plan.image_name.clone(),
        port: plan.port,
        replicas: super::kubernetes::WEB_REPLICAS,
        health_test: plan.health.test.clone(),
        app_env,
        all_secrets: {
            let mut all = secrets.clone();
            if plan.runs(Service::Postgres) && !all.iter().any(|s| s == "POSTGRES_PASSWORD") {
                all.insert(0, "POSTGRES_PASSWORD".into());
            }
            all
        },
        secrets,
        migrate_command: plan.migration.as_ref().map(|m| m.command.clone()),
        migrate_workdir: plan.migration.as_ref().and_then(|m| m.workdir.clone()),
        workers: plan
            .workers
            .iter()
            .map(|w| {
                let run = run_facts(w);
                let mut healthcheck = vec!["CMD".into(), "/usr/local/bin/entrypoint.sh".into()];
                healthcheck.extend(run.liveness);
                Worker {
                    name: w.name.clone(),
                    command: w.command.clone(),
                    singleton: run.singleton,
                    healthcheck,
                }
            })
            .collect(),
        postgres: plan.runs(Service::Postgres),
        redis: plan.runs(Service::Redis),
        postgres_image: plan.images.postgres.clone(),
        redis_image: plan.images.redis.clone(),
        postgres_data_dir: plan.postgres_data_dir.clone(),
        memory: plan.hardening.memory.clone(),
        cpus: plan.hardening.cpus.clone(),
        health: plan.health_timings.clone(),
        grace_seconds: super::kubernetes::GRACE_SECONDS,
        proxy_image: format!("nginx:{}", crate::knowledge::pins::NGINX),
        proxy_port: PROXY_PORT,
        proxy_config: PROXY_CONFIG.into(),
    }
}

/// Every Swarm template name.
pub fn templates() -> impl Iterator<Item = &'static str> {
    ["stack.yml.tera", "nginx.conf.tera"].into_iter()
}

/// The Swarm files for this plan.
pub fn outputs(plan: &Plan) -> Vec<Output> {
    let context = serde_json::to_value(context(plan)).unwrap_or_default();
    vec![
        Output {
            template: "stack.yml.tera",
            file: FILE.into(),
            context,
        },
        super::proxy::swarm_output(plan),
    ]
}
