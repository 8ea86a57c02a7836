//! Least privilege and start-up timing of the compose services.
//!
//! The app services (web, migrate, workers) run the image as its non-root user, so they need no Linux
//! capability, no privilege escalation and no writable root file system: they drop `ALL`, set
//! `no-new-privileges`, and mount the root read-only with an in-memory `/tmp` (Python's `tempfile`,
//! gunicorn's worker heartbeat files, Celery beat's schedule file). Postgres and Redis run their
//! official images, whose entrypoints start as root, fix the ownership of the data directory and drop
//! to their own user (gosu): they drop everything but the capabilities that needs. Resource limits are
//! answers (`--memory`, `--cpus`). Health checks are probed often, so `compose up --wait` returns within
//! a second or two of a service being ready: `start_interval` would be the better tool, but compose
//! refuses it outright against engines older than Docker 25 ("can't set healthcheck.start_interval as
//! feature require Docker Engine v25 or later", docker/compose#11360), so the intervals themselves are
//! short. This module does not choose the probes' commands (the template holds them).

use serde::Serialize;

/// The memory limit of each app service when no answer says: a Django or Flask app with two server
/// processes, or a Celery worker, stays well under it.
pub const DEFAULT_MEMORY: &str = "512m";
/// The CPU limit of each app service when no answer says, in cores.
pub const DEFAULT_CPUS: &str = "1";

/// Capabilities the official postgres image's entrypoint needs as root: it creates and `chmod`s
/// PGDATA and the socket directory (FOWNER, DAC_OVERRIDE on directories owned by postgres), `chown`s
/// what postgres does not own (CHOWN), then drops to postgres with gosu (SETUID, SETGID).
const POSTGRES_CAPS: &[&str] = &["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"];
/// Capabilities the official redis image's entrypoint needs as root: `find . ! -user redis -exec chown
/// redis` in /data (CHOWN), then gosu to redis (SETUID, SETGID).
const REDIS_CAPS: &[&str] = &["CHOWN", "SETGID", "SETUID"];
/// Capabilities the official rabbitmq image's entrypoint needs as root: `find /var/lib/rabbitmq \!
/// -user rabbitmq -exec chown rabbitmq` through directories rabbitmq made private (DAC_OVERRIDE,
/// CHOWN), then gosu to rabbitmq (SETUID, SETGID).
const RABBITMQ_CAPS: &[&str] = &["CHOWN", "DAC_OVERRIDE", "SETGID", "SETUID"];
/// Capabilities the official mariadb image's entrypoint needs as root: `find /var/lib/mysql \! -user
/// mysql -exec chown mysql:` through directories mysql made private (DAC_OVERRIDE, CHOWN), and the
/// socket directory, then gosu to mysql (SETUID, SETGID).
const MARIADB_CAPS: &[&str] = &["CHOWN", "DAC_OVERRIDE", "SETGID", "SETUID"];

/// The least-privilege settings of the compose services.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Hardening {
    /// Capabilities every service drops: `ALL` (the app binds a port above 1024 as a non-root user and
    /// needs none; db and redis add back what their entrypoints need).
    pub cap_drop: Vec<String>,
    /// `security_opt` of every service: `no-new-privileges:true`, so no setuid binary can raise a
    /// process's privileges.
    pub security_opt: Vec<String>,
    /// Whether the app services' root file system is read-only.
    pub read_only: bool,
    /// In-memory file systems mounted over the read-only root where the app services write: `/tmp`
    /// (Python's tempfile, gunicorn's worker heartbeat files, Celery beat's schedule file).
    pub tmpfs: Vec<String>,
    /// The memory limit of each app service (`512m`): the `memory` answer, or its default.
    pub memory: String,
    /// The CPU limit of each app service, in cores (`1`): the `cpus` answer, or its default.
    pub cpus: String,
    /// Capabilities the `db` service gets back: what the official postgres entrypoint needs as root.
    pub postgres_cap_add: Vec<String>,
    /// Capabilities the `redis` service gets back: what the official redis entrypoint needs as root.
    pub redis_cap_add: Vec<String>,
    /// Capabilities the `rabbitmq` service gets back: what the official rabbitmq entrypoint needs as
    /// root.
    pub rabbitmq_cap_add: Vec<String>,
    /// Capabilities the `db` service gets back when it runs MariaDB: what the official mariadb
    /// entrypoint needs as root.
    pub mariadb_cap_add: Vec<String>,
}

/// One service's health-check timing, in compose duration syntax.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Health {
    /// Time between probes (`1s`): how late after the service is ready compose sees it healthy.
    pub interval: String,
    /// How long one probe may take.
    pub timeout: String,
    /// Consecutive failures, after the start period, that make the service unhealthy.
    pub retries: u32,
    /// Time during which failures do not count (the service is still starting).
    pub start_period: String,
}

/// The health-check timings of the services that have a health check.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct HealthTimings {
    pub web: Health,
    pub db: Health,
    pub redis: Health,
    /// RabbitMQ starts in several seconds (the Erlang VM, then its plugins).
    pub rabbitmq: Health,
}

fn words(ws: &[&str]) -> Vec<String> {
    ws.iter().map(|s| s.to_string()).collect()
}

/// The hardening, with the limits the answers give (or the defaults).
pub(super) fn plan(opts: &super::PlanOptions) -> Hardening {
    limits(opts.memory.as_deref(), opts.cpus.as_deref())
}

fn limits(memory: Option<&str>, cpus: Option<&str>) -> Hardening {
    Hardening {
        cap_drop: words(&["ALL"]),
        security_opt: words(&["no-new-privileges:true"]),
        read_only: true,
        tmpfs: words(&["/tmp"]),
        memory: memory.unwrap_or(DEFAULT_MEMORY).to_string(),
        cpus: cpus.unwrap_or(DEFAULT_CPUS).to_string(),
        postgres_cap_add: words(POSTGRES_CAPS),
        redis_cap_add: words(REDIS_CAPS),
        rabbitmq_cap_add: words(RABBITMQ_CAPS),
        mariadb_cap_add: words(MARIADB_CAPS),
    }
}

fn health(interval: &str, timeout: &str, retries: u32, start_period: &str) -> Health {
    Health {
        interval: interval.into(),
        timeout: timeout.into(),
        retries,
        start_period: start_period.into(),
    }
}

/// Probes every second, so each service is seen healthy within a second of being ready (Docker runs
/// the first probe one interval after the start, and the engines compose must support have no
/// start_interval). The cost is one probe a second per service: `pg_isready`, `redis-cli`, and for web a
/// short Python process. Retries are counted after the start period, so a slow first start (initdb,
/// migrations) is not held against a service.
pub(super) fn health_timings() -> HealthTimings {
    HealthTimings {
        web: health("1s", "5s", 5, "60s"),
        db: health("1s", "5s", 10, "60s"),
        redis: health("1s", "3s", 10, "30s"),
        rabbitmq: health("1s", "10s", 10, "60s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_set_the_limits_and_defaults_fill_in() {
        let h = limits(Some("1g"), None);
        assert_eq!((h.memory.as_str(), h.cpus.as_str()), ("1g", DEFAULT_CPUS));
        let h = limits(None, Some("0.5"));
        assert_eq!(
            (h.memory.as_str(), h.cpus.as_str()),
            (DEFAULT_MEMORY, "0.5")
        );
        assert_eq!(h.cap_drop, ["ALL"]);
        assert!(h.read_only && h.tmpfs == ["/tmp"]);
    }

    #[test]
    fn the_backing_services_get_back_only_what_their_entrypoints_need() {
        let h = limits(None, None);
        assert_eq!(
            h.postgres_cap_add,
            ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETGID", "SETUID"]
        );
        assert_eq!(h.redis_cap_add, ["CHOWN", "SETGID", "SETUID"]);
    }

    #[test]
    fn probes_are_frequent_enough_to_be_healthy_within_a_second() {
        let t = health_timings();
        for h in [&t.web, &t.db, &t.redis, &t.rabbitmq] {
            let secs: u32 = h.interval.trim_end_matches('s').parse().unwrap();
            assert!(secs <= 1, "{h:?}");
        }
    }
}
