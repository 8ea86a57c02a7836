//! The Kubernetes target: a Kustomize tree in `deploy/kubernetes/` (a `base/` and the overlays `dev`
//! and `prod`), and its template context, [`KubernetesContext`], built from the [`Plan`].
//!
//! The settings split the way the compose file's do: values that are literals or defaults go into a
//! generated ConfigMap; values the user must set (`${X:?...}` in compose), the secrets the app reads,
//! and the connection values that point at the compose `db` and `redis` services go into a Secret that
//! each overlay's `secretGenerator` makes from its git-ignored `secrets.env` (the prod overlay points
//! them at a managed database, the dev overlay at its own StatefulSets, named `db` and `redis` like
//! the compose services).

use serde::Serialize;

use super::{Output, kubernetes_memory, needs_the_user, uninterpolated};
use crate::base::kinds::Service;
use crate::plan::{EnvPair, Plan, names_a_service, run_facts};

/// Where the tree goes, relative to the build context.
pub const DIR: &str = "deploy/kubernetes";
/// Web replicas by default: two, so one can be replaced or evicted while the other serves.
pub const WEB_REPLICAS: u32 = 2;
/// Seconds a pod has between SIGTERM and SIGKILL: the compose file's `stop_grace_period`.
pub const GRACE_SECONDS: u32 = 35;

/// The context of every Kubernetes template.
#[derive(Debug, Clone, Serialize)]
pub struct KubernetesContext {
    /// The app's name: resource names, labels and the namespace (a DNS label).
    pub name: String,
    /// The image, without a tag (the overlays set the tag).
    pub image: String,
    /// The port the server listens on in the container.
    pub port: u16,
    /// The numeric non-root uid (and gid) the image runs as.
    pub uid: u32,
    /// Web replicas (and the HPA's minimum).
    pub replicas: u32,
    /// Seconds between SIGTERM and SIGKILL.
    pub grace_seconds: u32,
    /// How the web pods are probed.
    pub probe: Probe,
    /// The migration Job, when the plan has a migrate command.
    pub migrate: Option<Migrate>,
    /// The worker Deployments.
    pub workers: Vec<Worker>,
    /// The ConfigMap's entries: settings that are no secret and name no service.
    pub config: Vec<EnvPair>,
    /// The Secret's keys, in `secrets.env`.
    pub secrets: Vec<SecretKey>,
    /// The writable directories of the read-only root file system (`/tmp` first), as emptyDirs.
    pub volumes: Vec<Volume>,
    /// Memory limit (and request) of each app container, as a Kubernetes quantity (`512Mi`).
    pub memory: String,
    /// CPU limit (and request) of each app container, in cores.
    pub cpu: String,
    /// Whether the dev overlay runs Postgres (the prod overlay uses a managed one).
    pub postgres: bool,
    /// Whether the dev overlay runs Redis.
    pub redis: bool,
    /// The Postgres image of the dev overlay.
    pub postgres_image: String,
    /// The Redis image of the dev overlay.
    pub redis_image: String,
    /// The host name the prod overlay's Ingress routes to web; none: no Ingress.
    pub ingress_host: Option<String>,
}

/// The web pods' probes: an HTTP GET of the health route, or the compose healthcheck's command.
#[derive(Debug, Clone, Serialize)]
pub struct Probe {
    /// The detected (or answered) health route; none: `exec` is used.
    pub http_path: Option<String>,
    /// The compose healthcheck's command, exec form (used when there is no health route).
    pub exec: Vec<String>,
    /// Where the route came from, or why there is none.
    pub why: String,
}

/// The migration Job.
#[derive(Debug, Clone, Serialize)]
pub struct Migrate {
    /// The command, exec form.
    pub command: Vec<String>,
    /// Its working directory, when it is not the image's.
    pub workdir: Option<String>,
}

/// One worker Deployment.
#[derive(Debug, Clone, Serialize)]
pub struct Worker {
    /// The compose service name (`worker`, `beat`).
    pub name: String,
    /// Why it is there.
    pub why: String,
    /// Its command, exec form.
    pub command: Vec<String>,
    /// One replica replaced with the `Recreate` strategy (Celery beat).
    pub singleton: bool,
    /// The liveness command, exec form.
    pub liveness: Vec<String>,
}

/// One key of the Secret.
#[derive(Debug, Clone, Serialize)]
pub struct SecretKey {
    /// The variable's name.
    pub name: String,
    /// What it is, for the comment in `secrets.env.example`.
    pub comment: String,
    /// The dev overlay's example value (the in-cluster services, passwords left empty).
    pub dev_example: String,
    /// Whether the line is commented out in the examples (the app has a default).
    pub optional: bool,
    /// Read only by the dev overlay's own services (the Postgres credentials).
    pub dev_only: bool,
}

/// An emptyDir mounted at a path of the read-only root file system.
#[derive(Debug, Clone, Serialize)]
pub struct Volume {
    /// The volume's name (a DNS label).
    pub name: String,
    /// Where it is mounted.
    pub path: String,
}

/// A DNS label from a path or name: lowercase letters, digits and `-`, at most `max` characters.
fn label(text: &str, max: usize) -> String {
    let mut out = String::new();
    for c in text.chars().map(|c| c.to_ascii_lowercase()) {
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.is_empty() && !out.ends_with('-') {
            out.push('-');
        }
    }
    out.truncate(max);
    let out = out.trim_matches('-').to_string();
    if out.is_empty() { "x".into() } else { out }
}

fn probe(plan: &Plan) -> Probe {
    let test = &plan.health.test;
    let exec = match test.first().map(String::as_str) {
        Some("CMD") => test[1..].to_vec(),
        Some("CMD-SHELL") => vec!["sh".into(), "-c".into(), test[1..].join(" ")],
        _ => test.clone(),
    };
    Probe {
        http_path: plan.health.path.clone(),
        exec,
        why: plan.health.why.clone(),
    }
}

/// The dev overlay's Postgres credentials, as Secret keys (none without Postgres).
fn postgres_credentials(plan: &Plan) -> Vec<SecretKey> {
    if !plan.runs(Service::Postgres) {
        return Vec::new();
    }
    [
        ("POSTGRES_USER", "app"),
        ("POSTGRES_PASSWORD", ""),
        ("POSTGRES_DB", "app"),
    ]
    .into_iter()
    .map(|(name, value)| SecretKey {
        name: name.into(),
        comment: "The dev overlay's Postgres (the prod overlay does not read it).".into(),
        dev_example: value.into(),
        optional: false,
        dev_only: true,
    })
    .collect()
}

/// The ConfigMap's entries and the Secret's keys, from the compose environment.
fn settings(plan: &Plan) -> (Vec<EnvPair>, Vec<SecretKey>) {
    let mut config = Vec::new();
    let mut secrets = postgres_credentials(plan);
    let example_of = |name: &str| plan.env_example.iter().find(|e| e.name == name);
    for e in &plan.app_env {
        // The app may read a variable the dev overlay's Postgres reads too (POSTGRES_PASSWORD): then
        // prod needs it as well.
        if let Some(s) = secrets.iter_mut().find(|s| s.name == e.name) {
            s.dev_only = false;
            s.comment = "Read by the app (and by the dev overlay's Postgres).".into();
            continue;
        }
        let secret = example_of(&e.name).is_some_and(|x| x.secret);
        if e.name == "WEB_CONCURRENCY" {
            config.push(crate::plan::pair(&e.name, plan.web_concurrency.to_string()));
        } else if secret || needs_the_user(&e.value) || names_a_service(&e.value) {
            let comment = if names_a_service(&e.value) {
                "A connection to a service: in prod, the managed one's (the dev value is the in-cluster one)."
                    .to_string()
            } else {
                example_of(&e.name)
                    .map(|x| x.comment.clone())
                    .unwrap_or_else(|| "Required by the app.".into())
            };
            secrets.push(SecretKey {
                name: e.name.clone(),
                comment,
                dev_example: uninterpolated(&e.value),
                optional: false,
                dev_only: false,
            });
        } else {
            config.push(crate::plan::pair(&e.name, uninterpolated(&e.value)));
        }
    }
    for name in &plan.passthrough_env {
        let Some(x) = example_of(name) else { continue };
        if x.secret {
            secrets.push(SecretKey {
                name: name.clone(),
                comment: x.comment.clone(),
                dev_example: String::new(),
                optional: true,
                dev_only: false,
            });
        }
    }
    (config, secrets)
}

/// The context, from the plan.
pub fn context(plan: &Plan, ingress_host: Option<&str>) -> KubernetesContext {
    let (config, secrets) = settings(plan);
    let mut volumes = vec![Volume {
        name: "tmp".into(),
        path: "/tmp".into(),
    }];
    for d in &plan.writable_dirs {
        volumes.push(Volume {
            name: label(&format!("data-{}", d.path), 63),
            path: d.path.clone(),
        });
    }
    KubernetesContext {
        name: label(&plan.image_name, 40),
        image: plan.image_name.clone(),
        port: plan.port,
        uid: plan.uid,
        replicas: WEB_REPLICAS,
        grace_seconds: GRACE_SECONDS,
        probe: probe(plan),
        migrate: plan.migration.as_ref().map(|m| Migrate {
            command: m.command.clone(),
            workdir: m.workdir.clone(),
        }),
        workers: plan
            .workers
            .iter()
            .map(|w| {
                let run = run_facts(w);
                Worker {
                    name: w.name.clone(),
                    why: w.why.clone(),
                    command: w.command.clone(),
                    singleton: run.singleton,
                    liveness: run.liveness,
                }
            })
            .collect(),
        config,
        secrets,
        volumes,
        memory: kubernetes_memory(&plan.hardening.memory),
        cpu: plan.hardening.cpus.clone(),
        postgres: plan.runs(Service::Postgres),
        redis: plan.runs(Service::Redis),
        postgres_image: plan.images.postgres.clone(),
        redis_image: plan.images.redis.clone(),
        ingress_host: ingress_host.map(str::to_string),
    }
}

/// Template name -> file in [`DIR`], and whether it is generated for a context.
type Wanted = fn(&KubernetesContext) -> bool;

const FILES: &[(&str, &str, Wanted)] = &[
    ("k8s-gitignore.tera", ".gitignore", |_| true),
    (
        "k8s-base-kustomization.yaml.tera",
        "base/kustomization.yaml",
        |_| true,
    ),
    ("k8s-base-web.yaml.tera", "base/web.yaml", |_| true),
    ("k8s-base-migrate.yaml.tera", "base/migrate.yaml", |c| {
        c.migrate.is_some()
    }),
    ("k8s-base-workers.yaml.tera", "base/workers.yaml", |c| {
        !c.workers.is_empty()
    }),
    (
        "k8s-base-network-policy.yaml.tera",
        "base/network-policy.yaml",
        |_| true,
    ),
    (
        "k8s-dev-kustomization.yaml.tera",
        "overlays/dev/kustomization.yaml",
        |_| true,
    ),
    (
        "k8s-dev-services.yaml.tera",
        "overlays/dev/services.yaml",
        |c| c.postgres || c.redis,
    ),
    (
        "k8s-dev-secrets.env.example.tera",
        "overlays/dev/secrets.env.example",
        |_| true,
    ),
    (
        "k8s-prod-kustomization.yaml.tera",
        "overlays/prod/kustomization.yaml",
        |_| true,
    ),
    (
        "k8s-prod-secrets.env.example.tera",
        "overlays/prod/secrets.env.example",
        |_| true,
    ),
    (
        "k8s-namespace.yaml.tera",
        "overlays/dev/namespace.yaml",
        |_| true,
    ),
    (
        "k8s-namespace.yaml.tera",
        "overlays/prod/namespace.yaml",
        |_| true,
    ),
    (
        "k8s-prod-ingress.yaml.tera",
        "overlays/prod/ingress.yaml",
        |c| c.ingress_host.is_some(),
    ),
];

/// Every Kubernetes template name.
pub fn templates() -> impl Iterator<Item = &'static str> {
    let mut names: Vec<&str> = FILES.iter().map(|(t, _, _)| *t).collect();
    names.dedup();
    names.into_iter()
}

/// The Kubernetes files for this plan.
pub fn outputs(plan: &Plan, ingress_host: Option<&str>) -> Vec<Output> {
    let cx = context(plan, ingress_host);
    let value = serde_json::to_value(&cx).unwrap_or_default();
    FILES
        .iter()
        .filter(|(_, _, wanted)| wanted(&cx))
        .map(|(template, file, _)| Output {
            template,
            file: format!("{DIR}/{file}"),
            context: value.clone(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_are_dns_labels() {
        assert_eq!(label("/app/media files", 63), "app-media-files");
        assert_eq!(label("--", 63), "x");
        assert_eq!(label("abcdef", 3), "abc");
    }
}
