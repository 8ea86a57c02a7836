//! The app's environment in compose, the variables passed through from `.env`, `.env.example`, and the
//! throwaway values a build-time step needs. Values come from the generated services by each variable's
//! traced role (detection's `EnvRole`: a DATABASES key, a switch, a URL in its consumer's scheme); other
//! variables the code reads are required (and must be set in `.env`) when the code cannot run without
//! them, and passed through when set otherwise. A secret-looking name never makes a variable required.

use super::{EnvExample, EnvPair, MustSet, pair};
use crate::base::kinds::{EnvRole, EnvType};
use crate::base::quote::{compose_literal, sh_quote};
use crate::detect::{EnvVar, ExampleValue, Project};
use crate::knowledge::{PLACEHOLDER_MARKERS, SECRET_MARKERS};

const PG_USER: &str = "${POSTGRES_USER:-app}";
const PG_DB: &str = "${POSTGRES_DB:-app}";
const PG_PASSWORD: &str = "${POSTGRES_PASSWORD:?set POSTGRES_PASSWORD in .env}";
const MARIADB_USER: &str = "${MARIADB_USER:-app}";
const MARIADB_DB: &str = "${MARIADB_DATABASE:-app}";
const MARIADB_PASSWORD: &str = "${MARIADB_PASSWORD:?set MARIADB_PASSWORD in .env}";
const REDIS_URL: &str = "redis://redis:6379/0";
/// The generated RabbitMQ's URL, its default virtual host `/` spelled as kombu reads it (`//`).
const AMQP_URL: &str = "amqp://${RABBITMQ_DEFAULT_USER:-app}:${RABBITMQ_DEFAULT_PASS:?set RABBITMQ_DEFAULT_PASS in .env}@rabbitmq:5672//";

/// Which services and features the environment is planned for.
pub(super) struct Switches {
    /// Server worker processes by default (`WEB_CONCURRENCY`).
    pub workers: u32,
    pub postgres: bool,
    /// MariaDB runs as `db` instead of Postgres (the app's database drivers are MySQL's).
    pub mariadb: bool,
    pub redis: bool,
    pub rabbitmq: bool,
    pub port: u16,
    pub migrations: bool,
}

/// The environment, planned.
pub(super) struct EnvPlan {
    /// Required variables no generated service provides.
    pub must_set: Vec<MustSet>,
    pub app_env: Vec<EnvPair>,
    pub passthrough: Vec<String>,
    pub example: Vec<EnvExample>,
}

fn pg_url(scheme: &str) -> String {
    format!("{scheme}://{PG_USER}:{PG_PASSWORD}@db:5432/{PG_DB}")
}

fn mariadb_url(scheme: &str) -> String {
    format!("{scheme}://{MARIADB_USER}:{MARIADB_PASSWORD}@db:3306/{MARIADB_DB}")
}

/// The `DATABASE_URL` of the generated database, in `scheme`.
fn db_url(s: &Switches, scheme: &str) -> Option<String> {
    if s.postgres {
        Some(pg_url(scheme))
    } else if s.mariadb {
        Some(mariadb_url(scheme))
    } else {
        None
    }
}

/// The scheme of the `DATABASE_URL` compose sets: the one its consumer accepts when the app reads it.
fn database_url_scheme(p: &Project, s: &Switches) -> String {
    p.env_vars
        .iter()
        .filter(|v| v.name == "DATABASE_URL")
        .find_map(|v| match v.role.as_ref().map(|t| &t.role) {
            Some(EnvRole::DatabaseUrl { scheme }) => Some(scheme.clone()),
            _ => None,
        })
        // Nothing in the app reads it: the scheme dj-database-url takes for the generated database.
        .unwrap_or_else(|| if s.mariadb { "mysql" } else { "postgres" }.into())
}

fn push(env: &mut Vec<EnvPair>, name: &str, value: String) {
    if !env.iter().any(|e| e.name == name) {
        env.push(pair(name, value));
    }
}

fn example(name: &str, value: &str, comment: &str, commented_out: bool) -> EnvExample {
    EnvExample {
        name: name.into(),
        value: value.into(),
        comment: comment.into(),
        commented_out,
        secret: false,
    }
}

/// An entry whose value is a secret: empty in `.env.example`, random in the `.env` init writes.
fn secret(name: &str, comment: &str, commented_out: bool) -> EnvExample {
    EnvExample {
        secret: true,
        ..example(name, "", comment, commented_out)
    }
}

fn is_secret(name: &str) -> bool {
    SECRET_MARKERS.iter().any(|m| name.contains(m))
}

/// The hosts a traced ALLOWED_HOSTS variable defaults to: local requests and the health check.
const LOCAL_HOSTS: &[&str] = &["localhost", "127.0.0.1"];

/// The compose value of a variable whose role detection traced, when its service is generated.
fn role_value(v: &EnvVar, s: &Switches) -> Option<String> {
    let role = &v.role.as_ref()?.role;
    let pg = s.postgres;
    if s.mariadb
        && let Some(value) = mariadb_value(role)
    {
        return Some(value);
    }
    Some(match role {
        EnvRole::DatabaseUrl { scheme } if pg => pg_url(scheme),
        EnvRole::DatabaseEngine { postgres, .. } if pg => postgres.clone(),
        EnvRole::DatabaseConninfo if pg => {
            format!("host=db port=5432 dbname={PG_DB} user={PG_USER} password={PG_PASSWORD}")
        }
        // Values from the code land in compose literally (`$` doubled), as every value dockgen did not
        // write as an interpolation.
        EnvRole::DatabaseSwitch { value } if pg => compose_literal(value),
        EnvRole::DatabaseHost if pg => "db".into(),
        EnvRole::DatabasePort if pg => "5432".into(),
        EnvRole::DatabaseName if pg => PG_DB.into(),
        EnvRole::DatabaseUser if pg => PG_USER.into(),
        EnvRole::DatabasePassword if pg => PG_PASSWORD.into(),
        EnvRole::RedisUrl if s.redis => REDIS_URL.into(),
        EnvRole::RedisHost if s.redis => "redis".into(),
        EnvRole::RedisPort if s.redis => "6379".into(),
        EnvRole::AmqpUrl if s.rabbitmq => AMQP_URL.into(),
        EnvRole::Port => s.port.to_string(),
        // Read without a default: one that serves local requests and the health check (production
        // sets its domain). With a default, the app's own applies.
        EnvRole::AllowedHosts { separator } if v.required => {
            format!(
                "${{{}:-{}}}",
                v.name,
                compose_literal(&LOCAL_HOSTS.join(separator))
            )
        }
        _ => return None,
    })
}

/// The compose value of a database role when the generated database is MariaDB. A libpq connection
/// string has none: the app's own default applies.
fn mariadb_value(role: &EnvRole) -> Option<String> {
    Some(match role {
        EnvRole::DatabaseUrl { scheme } => mariadb_url(scheme),
        EnvRole::DatabaseEngine { mysql, .. } => mysql.clone(),
        // Traced only against a value that selects MySQL/MariaDB (the app's drivers are MySQL's).
        EnvRole::DatabaseSwitch { value } => compose_literal(value),
        EnvRole::DatabaseHost => "db".into(),
        EnvRole::DatabasePort => "3306".into(),
        EnvRole::DatabaseName => MARIADB_DB.into(),
        EnvRole::DatabaseUser => MARIADB_USER.into(),
        EnvRole::DatabasePassword => MARIADB_PASSWORD.into(),
        _ => return None,
    })
}

/// Plans the app services' environment and `.env.example`.
pub(super) fn plan(p: &Project, s: &Switches) -> EnvPlan {
    let mut out = EnvPlan {
        must_set: Vec::new(),
        app_env: Vec::new(),
        passthrough: Vec::new(),
        example: Vec::new(),
    };
    if let Some(url) = db_url(s, &database_url_scheme(p, s)) {
        push(&mut out.app_env, "DATABASE_URL", url);
    }
    if s.redis {
        push(&mut out.app_env, "REDIS_URL", REDIS_URL.into());
    }
    let concurrency = format!("${{WEB_CONCURRENCY:-{}}}", s.workers);
    // The container's port is the planned one under compose (the host port is WEB_PORT): a PORT in
    // .env must not move the server away from the published port and the healthcheck.
    push(&mut out.app_env, "PORT", s.port.to_string());
    push(&mut out.app_env, "WEB_CONCURRENCY", concurrency);
    let mut app_examples = Vec::new();
    for v in &p.env_vars {
        let app = AppFacts {
            framework: p.framework.title(),
            shipped: &p.example_env,
        };
        read_by_app(v, s, &app, &mut out, &mut app_examples);
    }
    if s.postgres {
        out.example.extend(postgres_examples());
    }
    if s.mariadb {
        out.example.extend(mariadb_examples());
    }
    if s.rabbitmq {
        out.example.extend(rabbitmq_examples());
    }
    out.example.extend(app_examples);
    out.example.extend(server_examples(s.port, s.workers));
    entrypoint_vars(s, &mut out);
    out
}

/// The `.env.example` line of a traced allowed-hosts variable: commented out, with the local hosts.
fn allowed_hosts_example(name: &str, separator: &str, framework: &str, at: &str) -> EnvExample {
    let by = match separator {
        " " => "spaces".to_string(),
        sep => format!("`{sep}`"),
    };
    let comment = format!(
        "The hosts {framework} serves (ALLOWED_HOSTS), separated by {by}: add your domain for production. Read at {at}."
    );
    example(name, &LOCAL_HOSTS.join(separator), &comment, true)
}

/// What the planner knows of the app itself when it places one variable: its framework (by its title)
/// and the values of the project's own example environment file.
struct AppFacts<'a> {
    framework: &'a str,
    shipped: &'a [ExampleValue],
}

/// One variable the app reads: a service's value, required from `.env`, or passed through.
fn read_by_app(
    v: &EnvVar,
    s: &Switches,
    app: &AppFacts,
    out: &mut EnvPlan,
    examples: &mut Vec<EnvExample>,
) {
    let at = v.evidence.to_string();
    let role = v.role.as_ref().map(|t| &t.role);
    // Only the app's signing key gets a generated value: a random string is valid for it and nothing
    // else (a switch, a third-party credential) is known to take one.
    let generated = role == Some(&EnvRole::SigningKey);
    let credential = !generated && is_secret(&v.name);
    if let Some(value) = role_value(v, s) {
        push(&mut out.app_env, &v.name, value);
        if let Some(EnvRole::AllowedHosts { separator }) = role {
            examples.push(allowed_hosts_example(
                &v.name,
                separator,
                app.framework,
                &at,
            ));
        }
    } else if v.required {
        push(
            &mut out.app_env,
            &v.name,
            format!("${{{0}:?set {0} in .env}}", v.name),
        );
        let (entry, must_set) = required(v, &at, generated, credential, app.shipped);
        if must_set {
            out.must_set.push(MustSet {
                name: v.name.clone(),
                read_at: at.clone(),
            });
        }
        examples.push(entry);
    } else if !out.passthrough.contains(&v.name) && !out.app_env.iter().any(|e| e.name == v.name) {
        out.passthrough.push(v.name.clone());
        examples.push(if generated {
            let comment = format!(
                "Optional (the app has a default), but the app's signing key: set your own for production (dockgen init puts a random one in .env). Read at {at}."
            );
            self::secret(&v.name, &comment, true)
        } else {
            optional(v, &at)
        });
    }
}

/// The `.env.example` entry of a required variable no service provides, and whether the user must set
/// it: the signing key (a random one in `.env`), the project's own value from its example file, or an
/// empty entry that compose's `:?` refuses to start without.
fn required(
    v: &EnvVar,
    at: &str,
    generated: bool,
    credential: bool,
    shipped: &[ExampleValue],
) -> (EnvExample, bool) {
    let what = typed(v).map_or_else(String::new, |t| format!(" ({t})"));
    if generated {
        let comment = format!(
            "Required; the app's signing key (dockgen init puts a random one in .env, or generate one with `python -c \"import secrets; print(secrets.token_urlsafe(50))\"`). Read at {at}."
        );
        return (self::secret(&v.name, &comment, false), true);
    }
    if let Some(e) = shipped_value(v, shipped, credential) {
        let comment = format!(
            "Required{what}; the value is the project's own, from {}: change it for production. Read at {at}.",
            e.evidence
        );
        return (example(&v.name, &e.value, &comment, false), false);
    }
    let whose = if credential {
        " a credential only you can supply"
    } else {
        " a value only you can supply"
    };
    let comment = format!("Required{what}:{whose}. Read at {at}.");
    (example(&v.name, "", &comment, false), true)
}

/// The value the project's example environment file gives a required variable, when it is one to copy:
/// never for a credential or a signing key, never a placeholder (`changeme`, `<...>`, `your-...`) or
/// a value that looks like a secret itself.
fn shipped_value<'a>(
    v: &EnvVar,
    shipped: &'a [ExampleValue],
    secret: bool,
) -> Option<&'a ExampleValue> {
    if !v.required || secret {
        return None;
    }
    let e = shipped.iter().find(|e| e.name == v.name)?;
    let lower = e.value.to_lowercase();
    let placeholder =
        e.value.trim().is_empty() || PLACEHOLDER_MARKERS.iter().any(|m| lower.contains(m));
    (!placeholder && !looks_random(&e.value)).then_some(e)
}

/// A long unbroken run of letters and digits (a token, a key): a value nobody should copy.
fn looks_random(value: &str) -> bool {
    value.len() >= 24
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_+/=".contains(c))
        && value.chars().any(|c| c.is_ascii_digit())
        && value.chars().any(|c| c.is_ascii_alphabetic())
}

/// The type the code parses a variable as, in words.
fn typed(v: &EnvVar) -> Option<String> {
    v.read.kind.as_ref().map(|k| k.describe())
}

/// An optional variable, commented out with the app's default as its value when that is a plain word.
fn optional(v: &EnvVar, at: &str) -> EnvExample {
    let what = typed(v).map_or_else(String::new, |t| format!(", {t}"));
    let default = v.read.default.as_deref();
    let plain = default.filter(|d| {
        !d.is_empty()
            && d.chars()
                .all(|c| c.is_ascii_alphanumeric() || "_-.:/,@+".contains(c))
    });
    let applies = match (default, v.read.guarded) {
        (Some(""), _) => "the app's default (empty) applies when unset".to_string(),
        (Some(d), _) => format!("the app's default `{d}` applies when unset"),
        (None, true) => "read only where the code checks the environment first".to_string(),
        (None, false) => "the app's default applies when unset".to_string(),
    };
    let comment = format!("Optional{what}; {applies}. Read at {at}.");
    example(&v.name, plain.unwrap_or_default(), &comment, true)
}

fn postgres_examples() -> Vec<EnvExample> {
    vec![
        example(
            "POSTGRES_USER",
            "app",
            "Postgres credentials, used by the db service and to build DATABASE_URL.",
            false,
        ),
        secret(
            "POSTGRES_PASSWORD",
            "Required: a strong password (dockgen init puts a random one in .env); it never leaves .env.",
            false,
        ),
        example("POSTGRES_DB", "app", "", false),
    ]
}

fn mariadb_examples() -> Vec<EnvExample> {
    vec![
        example(
            "MARIADB_USER",
            "app",
            "MariaDB credentials, used by the db service and to build DATABASE_URL.",
            false,
        ),
        example("MARIADB_DATABASE", "app", "", false),
        secret(
            "MARIADB_PASSWORD",
            "Required: a strong password (dockgen init puts a random one in .env); it never leaves .env.",
            false,
        ),
        secret(
            "MARIADB_ROOT_PASSWORD",
            "Required by the db service for MariaDB's root account, which the app never uses (dockgen init puts a random one in .env).",
            false,
        ),
    ]
}

fn rabbitmq_examples() -> Vec<EnvExample> {
    vec![
        example(
            "RABBITMQ_DEFAULT_USER",
            "app",
            "RabbitMQ credentials, used by the rabbitmq service and to build the broker URL.",
            false,
        ),
        secret(
            "RABBITMQ_DEFAULT_PASS",
            "Required: a strong password (dockgen init puts a random one in .env); it never leaves .env.",
            false,
        ),
    ]
}

fn server_examples(port: u16, workers: u32) -> Vec<EnvExample> {
    vec![
        example(
            "WEB_PORT",
            &port.to_string(),
            "Host port that publishes the web service.",
            false,
        ),
        example(
            "DEV_PORT",
            &port.saturating_add(1).to_string(),
            "Host port of the development server (`docker compose --profile dev up dev`).",
            true,
        ),
        example(
            "WEB_CONCURRENCY",
            &workers.to_string(),
            "Server worker processes (gunicorn and uvicorn read it).",
            false,
        ),
        example(
            "DEV_UID",
            "1000",
            "The host user the dev profile runs as, so files it creates in the source are yours (dockgen init writes yours in .env; `id -u`).",
            true,
        ),
        example("DEV_GID", "1000", "", true),
    ]
}

/// Variables entrypoint.sh reads: passed through from .env when set, documented in the example.
fn entrypoint_vars(s: &Switches, out: &mut EnvPlan) {
    let mut vars = Vec::new();
    if s.postgres || s.mariadb {
        vars.push((
            "WAIT_FOR_DB",
            "1",
            "0 skips the entrypoint's wait for the database.",
        ));
        vars.push((
            "DB_WAIT_TIMEOUT",
            "60",
            "Seconds the entrypoint waits for the database before giving up.",
        ));
    }
    if s.migrations {
        vars.push((
            "RUN_MIGRATIONS",
            "0",
            "1 makes the entrypoint migrate before starting (compose runs a one-shot migrate service instead).",
        ));
    }
    for (name, value, comment) in vars {
        if !out.passthrough.iter().any(|p| p == name) && !out.app_env.iter().any(|e| e.name == name)
        {
            out.passthrough.push(name.into());
        }
        out.example.push(example(name, value, comment, true));
    }
}

/// The `dev` profile's additions: the debug switch on, and HOME in the writable /tmp (the host user
/// has no home in the image).
pub(super) fn dev_env(p: &Project) -> Vec<EnvPair> {
    let mut env = Vec::new();
    for v in &p.env_vars {
        if let Some(EnvRole::DebugSwitch { on }) = v.role.as_ref().map(|t| &t.role) {
            push(&mut env, &v.name, compose_literal(on));
        }
    }
    push(&mut env, "HOME", "/tmp".into());
    env
}

/// A build-time shell command with throwaway values, inline, for what the code requires at import time
/// (never `ENV`/`ARG`, so nothing is baked into the image).
/// The build-time steps as one shell command (`&&` between steps), each with its throwaway values.
pub(super) fn build_command(p: &Project, steps: &[Vec<String>]) -> Option<String> {
    (!steps.is_empty()).then(|| {
        steps
            .iter()
            .map(|c| with_build_values(p, c))
            .collect::<Vec<_>>()
            .join(" && ")
    })
}

fn with_build_values(p: &Project, command: &[String]) -> String {
    let mut inline: Vec<String> = Vec::new();
    for v in p.env_vars.iter() {
        if let Some(dummy) = build_value(v) {
            inline.push(format!("{}={}", v.name, sh_quote(&dummy)));
        }
    }
    inline.push(command.join(" "));
    inline.join(" ")
}

/// Whether an `app_env` value planned here points at the generated `db`, `redis` or `rabbitmq` service (a URL, a
/// host, a conninfo string): an orchestrator with a managed database in production must take such a
/// value from its secrets instead. Recognises only the values [`role_value`] and [`plan`] write.
pub fn names_a_service(value: &str) -> bool {
    value == "db"
        || value == "redis"
        || value == REDIS_URL
        || value == AMQP_URL
        || value.contains("@db:5432/")
        || value.contains("@db:3306/")
        || value.starts_with("host=db ")
}

/// The throwaway value a build-time step gets for `v`, in the form the code parses: for every required
/// variable, and for one read without a default whose value the settings hand on at import (a URL: issue
/// 17, `redis.from_url(os.environ.get("REDIS_URL"))` fails on `None`). Optional variables with a default
/// keep it, so no integration is switched on at build time.
fn build_value(v: &EnvVar) -> Option<String> {
    let role = v.role.as_ref().map(|t| &t.role);
    let url_role = matches!(role, Some(EnvRole::DatabaseUrl { .. } | EnvRole::RedisUrl));
    let url_kind = v.read.kind == Some(EnvType::Url);
    if !v.required && (v.read.has_default || v.read.guarded || !(url_role || url_kind)) {
        return None;
    }
    Some(match (role, &v.read.kind) {
        (Some(EnvRole::DatabaseUrl { scheme }), _) => {
            format!("{scheme}://build:build@localhost:5432/build")
        }
        (Some(EnvRole::RedisUrl), _) => "redis://localhost:6379/0".into(),
        (_, Some(EnvType::Url)) => "http://localhost".into(),
        (_, Some(EnvType::Int)) => "1".into(),
        (_, Some(EnvType::Float)) => "1.0".into(),
        // Off, in the spelling of the value that turns it on.
        (_, Some(EnvType::Bool { on })) => match on.as_deref() {
            Some("True") => "False".into(),
            Some("true") => "false".into(),
            Some("yes") => "no".into(),
            Some("on") => "off".into(),
            _ => "0".into(),
        },
        (_, Some(EnvType::List { .. })) => "localhost".into(),
        (_, Some(EnvType::Choice { values })) => values.first().cloned().unwrap_or_default(),
        _ => "dockgen-build-only-not-a-secret".into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::pysrc::summarize;

    fn var(src: &str) -> EnvVar {
        let m = summarize(src);
        EnvVar::new(&m.env_reads[0], "settings.py", "read")
    }

    #[test]
    fn build_stand_ins_take_the_form_the_code_parses() {
        let v = |src: &str| build_value(&var(src));
        assert_eq!(
            v("import os\nN = int(os.environ['N'])\n").as_deref(),
            Some("1")
        );
        assert_eq!(
            v("import os\nD = os.environ['D'].lower() in ('true', '1')\n").as_deref(),
            Some("false")
        );
        assert_eq!(
            v("import os\nH = os.environ['H'].split(',')\n").as_deref(),
            Some("localhost")
        );
        assert_eq!(
            v("import os\nT = os.environ['TOKEN']\n").as_deref(),
            Some("dockgen-build-only-not-a-secret")
        );
        // Optional with a default: the app's own applies at build time too.
        assert_eq!(v("import os\nP = int(os.environ.get('P') or 25)\n"), None);
        // Optional without a default, handed on as a URL: a URL (None would crash the import).
        let mut redis = var("import os\nr = from_url(os.environ.get('REDIS_URL'))\n");
        redis.role = Some(crate::framework::Traced {
            role: EnvRole::RedisUrl,
            because: redis.evidence.clone(),
        });
        assert_eq!(
            build_value(&redis).as_deref(),
            Some("redis://localhost:6379/0")
        );
        assert_eq!(v("import os\nS = os.environ.get('SENTRY_DSN')\n"), None);
    }
}
