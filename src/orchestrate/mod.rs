//! Orchestrators past one compose host: which targets a project is generated for (the `target`
//! answer), and the typed template contexts of the files each target adds: a Kustomize tree for
//! Kubernetes ([`kubernetes`]) and a stack file for `docker stack deploy` ([`swarm`]).
//!
//! Each context is built from the [`Plan`] alone (no project file is read here), so the orchestrator
//! files say the same things as the compose file: the same image, health route, migrate command,
//! workers, non-root uid, writable directories, limits and secrets. Pure: renders nothing, prints
//! nothing.

pub mod kubernetes;
pub mod proxy;
pub mod swarm;

use serde::Serialize;

use crate::plan::Plan;

/// Every target, by its name in the `target` answer.
pub const TARGETS: &[&str] = &["compose", "kubernetes", "swarm"];

/// Where the app is generated to run.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Targets {
    /// `docker-compose.yml` (the default).
    pub compose: bool,
    /// The Kustomize tree in `deploy/kubernetes/`.
    pub kubernetes: bool,
    /// `stack.yml` for `docker stack deploy`.
    pub swarm: bool,
}

impl Default for Targets {
    fn default() -> Self {
        Targets {
            compose: true,
            kubernetes: false,
            swarm: false,
        }
    }
}

impl Targets {
    /// Parses `compose,kubernetes`: names from [`TARGETS`], comma-separated, at least one.
    pub fn parse(text: &str) -> std::result::Result<Targets, String> {
        let mut t = Targets {
            compose: false,
            kubernetes: false,
            swarm: false,
        };
        for word in text.split(',').map(str::trim) {
            match word {
                "compose" => t.compose = true,
                "kubernetes" => t.kubernetes = true,
                "swarm" => t.swarm = true,
                "" => {
                    return Err(format!(
                        "`{text}` has an empty target: give one or more of {}, comma-separated",
                        TARGETS.join(", ")
                    ));
                }
                other => {
                    return Err(format!(
                        "`{other}` is not a target: expected one or more of {}, comma-separated",
                        TARGETS.join(", ")
                    ));
                }
            }
        }
        Ok(t)
    }
}

/// What the orchestrator targets are generated with: the targets, and the answers only they read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Orchestration {
    pub targets: Targets,
    /// The host name the prod overlay's Ingress routes to web (`ingress-host`); none: no Ingress.
    pub ingress_host: Option<String>,
}

/// The `ingress-host` answer's check: a DNS name (lowercase letters, digits, `-` and dots), or a
/// wildcard `*.` before one, as an Ingress rule's `host` takes it.
pub fn check_host(value: &str) -> std::result::Result<(), String> {
    let name = value.strip_prefix("*.").unwrap_or(value);
    let label_ok = |l: &str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    if name.len() <= 253 && name.contains('.') && name.split('.').all(label_ok) {
        Ok(())
    } else {
        Err(format!(
            "`{value}` is not a host name an Ingress takes: expected a lowercase DNS name such as app.example.com"
        ))
    }
}

/// The `target` answer's check.
pub fn check_targets(value: &str) -> std::result::Result<(), String> {
    Targets::parse(value).map(|_| ())
}

/// One file an orchestrator target adds: its template, where it goes (relative to the build context),
/// and the template's context.
pub struct Output {
    pub template: &'static str,
    pub file: String,
    pub context: serde_json::Value,
}

/// The files the orchestrator targets add for this plan, with their contexts. A plan with a service
/// the orchestrator files do not generate (RabbitMQ, MariaDB) is refused for them, rather than given
/// files whose app has no broker or database.
pub fn outputs(plan: &Plan, o: &Orchestration) -> crate::base::error::Result<Vec<Output>> {
    use crate::base::kinds::Service;
    let asked = [
        ("kubernetes", o.targets.kubernetes),
        ("swarm", o.targets.swarm),
    ];
    let missing = [
        (
            Service::Rabbitmq,
            "a RabbitMQ broker yet, and the app's broker URL defaults to `amqp://` (compose runs RabbitMQ for it); generate the compose target only, or point the broker URL at Redis",
        ),
        (
            Service::Mariadb,
            "a MariaDB database yet, and the app's database drivers are MySQL's (compose runs MariaDB for it); generate the compose target only, or move the app to PostgreSQL (psycopg)",
        ),
    ];
    if let Some((_, why)) = missing.iter().find(|(s, _)| plan.runs(*s))
        && let Some((target, _)) = asked.iter().find(|(_, on)| *on)
    {
        return Err(crate::base::error::Error::Usage {
            message: format!("the {target} target does not generate {why}"),
        });
    }
    let mut out = Vec::new();
    if o.targets.kubernetes {
        out.extend(kubernetes::outputs(plan, o.ingress_host.as_deref()));
    }
    if o.targets.swarm {
        out.extend(swarm::outputs(plan));
    }
    Ok(out)
}

/// A compose value with its interpolations resolved for a file compose does not read: `${X:-d}`
/// becomes `d`; `${X:?message}` and `${X}` become empty when they are the whole value, and `<X>`, a
/// placeholder for the user to replace, inside a longer one (the password in a database URL); `$$`
/// becomes `$`. Only the forms the plan writes are known; anything else is kept as it is.
pub fn uninterpolated(value: &str) -> String {
    let mut out = String::new();
    let mut rest = value;
    while let Some(i) = rest.find('$') {
        out.push_str(&rest[..i]);
        let after = &rest[i + 1..];
        if let Some(r) = after.strip_prefix('$') {
            out.push('$');
            rest = r;
        } else if let Some(inner) = after.strip_prefix('{')
            && let Some(end) = inner.find('}')
        {
            let body = &inner[..end];
            let whole = out.is_empty() && inner[end + 1..].is_empty();
            match body.split_once(":-") {
                Some((_, default)) => out.push_str(default),
                None if whole => {}
                None => {
                    let name = body.split([':', '?']).next().unwrap_or(body);
                    out.push_str(&format!("<{name}>"));
                }
            }
            rest = &inner[end + 1..];
        } else {
            out.push('$');
            rest = after;
        }
    }
    out.push_str(rest);
    out
}

/// Whether a compose value refers to something the user sets (`${X:?...}`, `${X}`), as opposed to a
/// literal or a default (`${X:-d}`).
pub fn needs_the_user(value: &str) -> bool {
    let mut rest = value;
    while let Some(i) = rest.find("${") {
        let inner = &rest[i + 2..];
        let Some(end) = inner.find('}') else {
            return false;
        };
        if !inner[..end].contains(":-") {
            return true;
        }
        rest = &inner[end + 1..];
    }
    false
}

/// Whether a setting of the compose environment is a secret for an orchestrator: a secret the app
/// reads (by `.env.example`'s account), or a value compose requires from `.env`.
pub fn is_secret_setting(plan: &Plan, e: &crate::plan::EnvPair) -> bool {
    needs_the_user(&e.value)
        || plan
            .env_example
            .iter()
            .any(|x| x.name == e.name && x.secret)
}

/// A Docker memory size (`512m`, `1g`, `1024k`, `100000000`) as a Kubernetes quantity (`512Mi`).
pub fn kubernetes_memory(docker: &str) -> String {
    let lower = docker.to_ascii_lowercase();
    let (digits, unit) = match lower.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => (&lower[..i], &lower[i..]),
        None => (lower.as_str(), ""),
    };
    match unit {
        "k" => format!("{digits}Ki"),
        "m" => format!("{digits}Mi"),
        "g" => format!("{digits}Gi"),
        _ => digits.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_parse_lists_and_refuse_unknown_names() {
        let t = Targets::parse("kubernetes, swarm").unwrap();
        assert!(!t.compose && t.kubernetes && t.swarm);
        assert_eq!(Targets::parse("compose").unwrap(), Targets::default());
        let e = Targets::parse("compose,k8s").unwrap_err();
        assert!(e.contains("`k8s` is not a target"), "{e}");
        assert!(Targets::parse("compose,").is_err());
        assert!(Targets::parse("").is_err());
    }

    #[test]
    fn ingress_hosts_are_dns_names() {
        for ok in ["app.example.com", "*.example.com", "a-b.c1.io"] {
            assert!(check_host(ok).is_ok(), "{ok}");
        }
        for bad in [
            "",
            "localhost",
            "App.example.com",
            "-a.example.com",
            "a..b",
            "a b.com",
            "a.com/x",
        ] {
            assert!(check_host(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn interpolations_resolve_to_defaults_or_empty() {
        assert_eq!(
            uninterpolated(
                "postgres://${POSTGRES_USER:-app}:${POSTGRES_PASSWORD:?set it}@db:5432/${POSTGRES_DB:-app}"
            ),
            "postgres://app:<POSTGRES_PASSWORD>@db:5432/app"
        );
        assert_eq!(uninterpolated("a$$b"), "a$b");
        assert_eq!(uninterpolated("${WEB_CONCURRENCY:-2}"), "2");
        assert_eq!(uninterpolated("${SECRET_KEY:?set SECRET_KEY in .env}"), "");
        assert!(needs_the_user("${SECRET_KEY:?set SECRET_KEY in .env}"));
        assert!(!needs_the_user("${ALLOWED_HOSTS:-localhost,127.0.0.1}"));
        assert!(!needs_the_user("redis://redis:6379/0"));
    }

    #[test]
    fn docker_sizes_become_binary_quantities() {
        assert_eq!(kubernetes_memory("512m"), "512Mi");
        assert_eq!(kubernetes_memory("1G"), "1Gi");
        assert_eq!(kubernetes_memory("2048k"), "2048Ki");
        assert_eq!(kubernetes_memory("100000000b"), "100000000");
        assert_eq!(kubernetes_memory("100000000"), "100000000");
    }
}
