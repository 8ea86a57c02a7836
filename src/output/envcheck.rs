//! An existing `.env` held against the plan (`init` never writes over it, so it can go stale): values the
//! stack requires that it leaves out or empty, placeholders, and values that contradict the plan (a
//! host port other than the planned one, the debug switch on for the production services, a database
//! or Redis URL at localhost that no generated value overrides). Each finding names the line to change;
//! nothing in the file is rewritten. Neutral: it reads the variables' roles, never a framework's names.

use crate::base::kinds::EnvRole;
use crate::detect::Project;
use crate::output::envfile::EnvFile;
use crate::plan::Plan;

/// Values that stand for "fill me in".
fn placeholder(v: &str) -> bool {
    let l = v.trim().to_ascii_lowercase();
    matches!(
        l.as_str(),
        "changeme"
            | "change-me"
            | "change_me"
            | "replaceme"
            | "replace-me"
            | "todo"
            | "xxx"
            | "fixme"
    ) || l.starts_with("your-")
        || l.starts_with("your_")
        || (l.starts_with('<') && l.ends_with('>'))
}

/// A truthy value, as the usual settings readers take it.
fn truthy(v: &str) -> bool {
    matches!(
        v.trim().to_ascii_lowercase().as_str(),
        "1" | "true" | "yes" | "on" | "t" | "y"
    )
}

/// The host of a URL value (`postgres://u:p@localhost:5432/db` gives `localhost`).
fn url_host(v: &str) -> Option<&str> {
    let rest = v.split_once("://")?.1;
    let authority = rest.split(['/', '?']).next()?;
    let host = authority.rsplit('@').next()?;
    Some(match host.strip_prefix('[') {
        Some(h) => h.split(']').next()?,
        None => host.split(':').next()?,
    })
}

/// The findings for `env` (the `.env` at `shown`), each a warning naming its line.
pub fn check(plan: &Plan, project: &Project, env: &EnvFile, shown: &str) -> Vec<String> {
    let mut out = required(plan, env, shown);
    out.extend(contradictions(plan, project, env, shown));
    out
}

/// What the stack requires that `.env` leaves out or empty, and the placeholders in it.
fn required(plan: &Plan, env: &EnvFile, shown: &str) -> Vec<String> {
    let mut out = Vec::new();
    for e in plan
        .env_example
        .iter()
        .filter(|e| !e.commented_out && e.value.is_empty())
    {
        match env.get(&e.name) {
            None => out.push(format!(
                "`{shown}` has no {}, which the stack requires: add it (`.env.example` says what it is)",
                e.name
            )),
            Some(found) if found.value.is_empty() => out.push(format!(
                "`{shown}` line {} leaves {} empty, and the stack requires it: set it",
                found.line, e.name
            )),
            Some(_) => {}
        }
    }
    for found in env.entries.iter().filter(|f| placeholder(&f.value)) {
        out.push(format!(
            "`{shown}` line {}: {}={} looks like a placeholder: set the real value",
            found.line, found.name, found.value
        ));
    }
    out
}

/// Values that contradict the plan: the host port, the debug switch, URLs at localhost.
fn contradictions(plan: &Plan, project: &Project, env: &EnvFile, shown: &str) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(p) = env.get("WEB_PORT")
        && p.value.parse::<u16>().is_ok_and(|v| v != plan.port)
    {
        out.push(format!(
            "`{shown}` line {}: WEB_PORT={} publishes the app on host port {} while it listens on {}: change it if the port answer changed since `.env` was written",
            p.line, p.value, p.value, plan.port
        ));
    }
    let set_by_compose = |name: &str| plan.app_env.iter().any(|e| e.name == name);
    for v in &project.env_vars {
        let (Some(role), Some(found)) = (v.role.as_ref(), env.get(&v.name)) else {
            continue;
        };
        if set_by_compose(&v.name) {
            continue;
        }
        match &role.role {
            EnvRole::DebugSwitch { on } if found.value == *on || truthy(&found.value) => {
                out.push(format!(
                    "`{shown}` line {}: {}={} turns the debug mode on in the production services (everything in `.env` reaches them): remove it; the dev profile turns it on by itself",
                    found.line, v.name, found.value
                ))
            }
            EnvRole::DatabaseUrl { .. } | EnvRole::RedisUrl | EnvRole::AmqpUrl
                if url_host(&found.value)
                    .is_some_and(|h| matches!(h, "localhost" | "127.0.0.1" | "::1")) =>
            {
                out.push(format!(
                    "`{shown}` line {}: {} points at localhost, which inside a container is the container itself: use the compose service's name (`db`, `redis`, `rabbitmq`)",
                    found.line, v.name
                ))
            }
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hosts_placeholders_and_truthy_values() {
        assert_eq!(
            url_host("postgres://u:p@localhost:5432/db"),
            Some("localhost")
        );
        assert_eq!(url_host("redis://127.0.0.1:6379/0"), Some("127.0.0.1"));
        assert_eq!(url_host("postgresql://[::1]:5432/x"), Some("::1"));
        assert_eq!(url_host("redis://redis:6379/0"), Some("redis"));
        assert_eq!(url_host("not a url"), None);
        assert!(placeholder("changeme") && placeholder("<your key>") && placeholder("your-secret"));
        assert!(!placeholder("s3cr3t-Vq81") && !placeholder(""));
        assert!(truthy("True") && truthy("1") && !truthy("0") && !truthy("False"));
    }
}
