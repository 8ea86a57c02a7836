//! Answers: the choices a user makes about a project, and where each came from.
//!
//! Four layers decide every value, highest first: command-line flags, `DOCKGEN_*` environment variables,
//! saved answers in `dockgen.toml` at the project root, then detection. `init` saves the choices that
//! differ from detection (and keeps the ones saved before), so a later `dockgen init --check` with no
//! flags produces the same files.
//!
//! Every answer is declared once, as a [`Key`] variant (its name, which is also its `dockgen.toml` name,
//! its flag `--KEY` and its variable `DOCKGEN_KEY`) and its row of [`ANSWERS`]: its kind of value (which
//! decides how it is parsed, shown, saved and offered as a flag), its help, and its prompt label.
//! Everything else here (the layers, the variables, the saved file) and the flags in the binary's `cli.rs`
//! work over that table, so a new answer is one new variant and row plus the code that uses its value.
//! Code asks for an answer by its [`Key`]; a name is parsed only where text comes in ([`named`]).
//!
//! This module parses, validates, merges and renders answers; it reads only the files and variables it is
//! handed. It does not know about clap (the binary builds the flags from the table) nor about prompts
//! (`init` asks the questions).

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

pub use crate::base::answer::Key;
use crate::base::error::{Error, Result, position_of};
use crate::detect::{Evidence, Framework, Options};
use crate::manager::PackageManager;
use crate::plan::{COMPOSE_FILES, PlanOptions, ServerAnswers, WorkerKind};

/// The saved-answers file, at the project root.
pub const FILE: &str = "dockgen.toml";
/// The prefix of the environment variables that give answers.
pub const ENV_PREFIX: &str = "DOCKGEN_";

// ---------------------------------------------------------------- the table

/// The kind of an answer's value: how it is parsed from text, shown, saved and offered as a flag.
#[derive(Debug, Clone, Copy)]
pub enum Kind {
    /// Text, checked by the function (which says why a value is refused).
    Text(fn(&str) -> std::result::Result<(), String>),
    /// A filesystem path, taken as given.
    Path,
    /// A TCP port, 1-65535; saved as an integer.
    Port,
    /// A whole number from `min` to `max`; saved as an integer.
    Number { min: u32, max: u32 },
    /// Text checked by the function, or `none` (the value `--no-KEY` gives): the thing is turned off.
    TextOrNone(fn(&str) -> std::result::Result<(), String>),
    /// Yes or no; saved as a boolean. The flag `--KEY` says yes, `--no-KEY` says no.
    Bool,
    /// Worker kinds, comma-separated, or `none`; saved as an array of names. `--no-KEY` says none.
    Workers,
    /// A framework, by name (one of `Framework::ALL`).
    Framework,
    /// A package manager, by name (one of `PackageManager::ALL`).
    PackageManager,
    /// Paths of generated files relative to the project root, comma-separated, or `none`; saved as an
    /// array. `--no-KEY` says none.
    Files,
}

/// Which commands take an answer as a flag.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Commands {
    /// `detect` and `init`: the answers detection itself uses.
    DetectAndInit,
    /// `init` only: the answers the plan uses.
    InitOnly,
}

/// One answer, declared once. The flag is `--KEY`, the variable `DOCKGEN_KEY` (upper-cased, `_` for
/// `-`), and the name in `dockgen.toml` is the key itself.
#[derive(Debug)]
pub struct AnswerSpec {
    /// The answer; its name ([`Key::name`]) is kebab-case, as in `dockgen.toml` and the `init` report.
    pub key: Key,
    pub kind: Kind,
    /// Which commands have the flag.
    pub commands: Commands,
    /// The flag's help, as one line without a final period (clap's style).
    pub help: &'static str,
    /// The placeholder in `--help` (`--port <PORT>`); `None` for a yes/no flag, which takes no value.
    pub value_name: Option<&'static str>,
    /// The help of the `--no-KEY` flag, for the answers that can be turned off.
    pub negation: Option<&'static str>,
    /// The question's label at the prompt. For workers, `{}` stands for the worker's name (one question
    /// per worker).
    pub prompt: &'static str,
    /// An earlier name, still read everywhere and never written: a hidden `--ALIAS` (and `--no-ALIAS`)
    /// flag, the variable `DOCKGEN_ALIAS`, and `ALIAS =` in `dockgen.toml`. The current name wins when
    /// both are given.
    pub alias: Option<&'static str>,
}

/// Every answer, in the order they are asked, saved and listed (`init --help` shows the `init`-only
/// flags first): [`Key::ALL`]'s order, one row per key, so a key's row is `ANSWERS[key.index()]`.
pub static ANSWERS: &[AnswerSpec] = TABLE;

const TABLE: &[AnswerSpec] = &[
    AnswerSpec {
        key: Key::Framework,
        kind: Kind::Framework,
        commands: Commands::DetectAndInit,
        help: "Use this framework instead of detecting it",
        value_name: Some("FRAMEWORK"),
        negation: None,
        prompt: "Framework",
        alias: None,
    },
    AnswerSpec {
        key: Key::PackageManager,
        kind: Kind::PackageManager,
        commands: Commands::DetectAndInit,
        help: "Use this package manager instead of detecting it from lockfiles",
        value_name: Some("PACKAGE_MANAGER"),
        negation: None,
        prompt: "Package manager",
        alias: None,
    },
    AnswerSpec {
        key: Key::Python,
        kind: Kind::Text(check_python),
        commands: Commands::DetectAndInit,
        help: "Python version for the image, as major.minor (e.g. 3.12)",
        value_name: Some("VERSION"),
        negation: None,
        prompt: "Python version",
        alias: None,
    },
    AnswerSpec {
        key: Key::AppDir,
        kind: Kind::Text(check_app_dir),
        commands: Commands::DetectAndInit,
        help: "The directory (relative to PATH) holding manage.py or the app module; picks one of several apps",
        value_name: Some("DIR"),
        negation: None,
        prompt: "App directory",
        alias: None,
    },
    AnswerSpec {
        key: Key::Entrypoint,
        kind: Kind::Text(check_entrypoint),
        commands: Commands::DetectAndInit,
        help: "What the server serves, as module:attribute (e.g. config.wsgi:application, main:app)",
        value_name: Some("MODULE:ATTR"),
        negation: None,
        prompt: "Entrypoint",
        alias: None,
    },
    AnswerSpec {
        key: Key::CeleryApp,
        kind: Kind::Text(check_celery_app),
        commands: Commands::DetectAndInit,
        help: "The Celery app the worker services run, as `celery -A` takes it (e.g. proj, proj.celery:app)",
        value_name: Some("APP"),
        negation: None,
        prompt: "Celery app",
        alias: None,
    },
    AnswerSpec {
        key: Key::Port,
        kind: Kind::Port,
        commands: Commands::InitOnly,
        help: "Port the server listens on (EXPOSE, bind address, compose port)",
        value_name: Some("PORT"),
        negation: None,
        prompt: "Port",
        alias: None,
    },
    AnswerSpec {
        key: Key::Postgres,
        kind: Kind::Bool,
        commands: Commands::InitOnly,
        help: "Add a Postgres service even if the project shows no sign of needing one",
        value_name: None,
        negation: Some("Leave out the Postgres service"),
        prompt: "Postgres service",
        alias: None,
    },
    AnswerSpec {
        key: Key::Redis,
        kind: Kind::Bool,
        commands: Commands::InitOnly,
        help: "Add a Redis service even if the project shows no sign of needing one",
        value_name: None,
        negation: Some("Leave out the Redis service"),
        prompt: "Redis service",
        alias: None,
    },
    AnswerSpec {
        key: Key::TaskWorkers,
        kind: Kind::Workers,
        commands: Commands::InitOnly,
        help: "Task-queue worker services to generate, comma-separated (server processes are --server-workers)",
        value_name: Some("LIST"),
        negation: Some("Generate no worker services"),
        prompt: "Run a `{}` worker service",
        // Renamed: `--workers` read as "how many server processes" (`--workers 4`), which is
        // --server-workers.
        alias: Some("workers"),
    },
    AnswerSpec {
        key: Key::HealthPath,
        kind: Kind::TextOrNone(check_url_path),
        commands: Commands::InitOnly,
        help: "The path the web healthcheck requests; no answer, a 404 or a 5xx is unhealthy (detected from the app's routes, e.g. /healthz)",
        value_name: Some("PATH"),
        negation: Some("Use no health route: the healthcheck only needs an HTTP answer at /"),
        prompt: "Health-check path",
        alias: None,
    },
    AnswerSpec {
        key: Key::ServerWorkers,
        kind: Kind::Number { min: 1, max: 256 },
        commands: Commands::InitOnly,
        help: "Server processes (the default of WEB_CONCURRENCY in the image and compose)",
        value_name: Some("N"),
        negation: None,
        prompt: "Server processes",
        alias: None,
    },
    AnswerSpec {
        key: Key::ServerTimeout,
        kind: Kind::Number { min: 1, max: 86400 },
        commands: Commands::InitOnly,
        help: "Seconds a gunicorn worker may spend on one request before it is restarted (gunicorn --timeout, 30 by default)",
        value_name: Some("SECONDS"),
        negation: None,
        prompt: "Server timeout in seconds",
        alias: None,
    },
    AnswerSpec {
        key: Key::WorkerClass,
        kind: Kind::Text(check_worker_class),
        commands: Commands::InitOnly,
        help: "gunicorn's worker class (sync, gthread, gevent, eventlet, or a dotted path such as uvicorn.workers.UvicornWorker, which serves an ASGI app through gunicorn)",
        value_name: Some("CLASS"),
        negation: None,
        prompt: "gunicorn worker class",
        alias: None,
    },
    AnswerSpec {
        key: Key::MaxRequests,
        kind: Kind::Number {
            min: 1,
            max: 10_000_000,
        },
        commands: Commands::InitOnly,
        help: "Restart each server process after this many requests (gunicorn --max-requests, uvicorn --limit-max-requests)",
        value_name: Some("N"),
        negation: None,
        prompt: "Requests before a server process restarts",
        alias: None,
    },
    AnswerSpec {
        key: Key::MaxRequestsJitter,
        kind: Kind::Number {
            min: 0,
            max: 10_000_000,
        },
        commands: Commands::InitOnly,
        help: "Up to this many more requests, at random, so processes do not restart together (gunicorn --max-requests-jitter; a tenth of --max-requests by default)",
        value_name: Some("N"),
        negation: None,
        prompt: "Random extra requests before a restart",
        alias: None,
    },
    AnswerSpec {
        key: Key::ForwardedAllowIps,
        kind: Kind::Text(check_forwarded_ips),
        commands: Commands::InitOnly,
        help: "Proxies whose X-Forwarded-* headers the server trusts: comma-separated addresses or networks, or * (--forwarded-allow-ips)",
        value_name: Some("IPS"),
        negation: None,
        prompt: "Trusted proxy addresses",
        alias: None,
    },
    AnswerSpec {
        key: Key::MigrateCommand,
        kind: Kind::TextOrNone(check_command),
        commands: Commands::InitOnly,
        help: "The command that migrates the database (the migrate service and RUN_MIGRATIONS=1), e.g. \"alembic upgrade head\"",
        value_name: Some("COMMAND"),
        negation: Some("Generate no migration step"),
        prompt: "Migration command",
        alias: None,
    },
    AnswerSpec {
        key: Key::ComposeFile,
        kind: Kind::Text(check_compose_file),
        commands: Commands::InitOnly,
        help: "The name of the generated compose file: docker-compose.yml, compose.yaml, compose.yml or docker-compose.yaml (by default the project's own compose file's name, when it has one)",
        value_name: Some("NAME"),
        negation: None,
        prompt: "Compose file name",
        alias: None,
    },
    AnswerSpec {
        key: Key::Memory,
        kind: Kind::Text(check_memory),
        commands: Commands::InitOnly,
        help: "Memory limit of each app service (web, workers, migrate), as Docker takes it: 512m, 1g",
        value_name: Some("SIZE"),
        negation: None,
        prompt: "Memory limit per app service",
        alias: None,
    },
    AnswerSpec {
        key: Key::Cpus,
        kind: Kind::Text(check_cpus),
        commands: Commands::InitOnly,
        help: "CPU limit of each app service, in cores (e.g. 1 or 0.5)",
        value_name: Some("CORES"),
        negation: None,
        prompt: "CPU limit per app service",
        alias: None,
    },
    AnswerSpec {
        key: Key::SystemPackages,
        kind: Kind::TextOrNone(check_packages),
        commands: Commands::InitOnly,
        help: "Debian packages the app needs at run time, comma-separated (e.g. gettext,libmagic1); by default the ones the project's own Dockerfile installs",
        value_name: Some("PACKAGES"),
        negation: Some("Install no system packages beyond the ones dockgen detects"),
        prompt: "System packages",
        alias: None,
    },
    AnswerSpec {
        key: Key::Target,
        kind: Kind::Text(crate::orchestrate::check_targets),
        commands: Commands::InitOnly,
        help: "Where the app runs, comma-separated: compose (docker-compose.yml), kubernetes (a Kustomize tree in deploy/kubernetes/), swarm (stack.yml for docker stack deploy)",
        value_name: Some("TARGETS"),
        negation: None,
        prompt: "Deployment targets",
        alias: None,
    },
    AnswerSpec {
        key: Key::IngressHost,
        kind: Kind::Text(crate::orchestrate::check_host),
        commands: Commands::InitOnly,
        help: "A host name the Kubernetes prod overlay routes to web through an Ingress (with --target kubernetes), e.g. app.example.com",
        value_name: Some("HOST"),
        negation: None,
        prompt: "Ingress host name",
        alias: None,
    },
    AnswerSpec {
        key: Key::Proxy,
        kind: Kind::Text(crate::plan::proxy::check),
        commands: Commands::InitOnly,
        help: "A front proxy in the compose file: nginx (it publishes the port, balances over web's replicas so `docker compose up --scale web=3` works, and serves the collected static files) or none (web publishes the port)",
        value_name: Some("PROXY"),
        negation: None,
        prompt: "Front proxy",
        alias: None,
    },
    AnswerSpec {
        key: Key::Templates,
        kind: Kind::Path,
        commands: Commands::InitOnly,
        help: "A directory of forked templates overlaid on the built-in ones (see `dockgen templates export`)",
        value_name: Some("DIR"),
        negation: None,
        prompt: "Templates directory",
        alias: None,
    },
    AnswerSpec {
        key: Key::Unmanaged,
        kind: Kind::Files,
        commands: Commands::InitOnly,
        help: "Generated files dockgen leaves alone (init does not write them, --check does not compare them), comma-separated paths relative to PATH",
        value_name: Some("FILES"),
        negation: Some("Manage every generated file again"),
        prompt: "Stop managing `{}`",
        alias: None,
    },
];

// One row per key, at the key's index (what `spec` relies on): checked when the crate compiles.
const _: () = {
    assert!(
        TABLE.len() == Key::ALL.len(),
        "answers::TABLE needs one row per Key"
    );
    let mut i = 0;
    while i < TABLE.len() {
        assert!(
            TABLE[i].key.index() == i,
            "answers::TABLE's rows follow Key's order"
        );
        i += 1;
    }
};

const NAME_LIST: [&str; TABLE.len()] = {
    let mut out = [""; TABLE.len()];
    let mut i = 0;
    while i < TABLE.len() {
        out[i] = TABLE[i].key.name();
        i += 1;
    }
    out
};

/// Every answer's name, in [`ANSWERS`]' order (the keys a hint lists).
static NAMES: &[&str] = &NAME_LIST;

/// The row for `key`.
pub fn spec(key: Key) -> &'static AnswerSpec {
    &ANSWERS[key.index()]
}

/// The row named `name` in a flag, a variable or `dockgen.toml`: its key, or its earlier name
/// ([`AnswerSpec::alias`]). The one place an answer's name is parsed.
pub fn named(name: &str) -> Option<&'static AnswerSpec> {
    Key::from_name(name)
        .map(spec)
        .or_else(|| ANSWERS.iter().find(|s| s.alias == Some(name)))
}

/// The environment variable for an answer's name (or earlier name).
fn env_name(name: &str) -> String {
    format!(
        "{ENV_PREFIX}{}",
        name.to_ascii_uppercase().replace('-', "_")
    )
}

impl AnswerSpec {
    /// `--KEY`.
    pub fn flag(&self) -> String {
        self.key.flag()
    }

    /// `--no-KEY`, for the answers that can be turned off.
    pub fn negation_flag(&self) -> Option<String> {
        self.negation.map(|_| format!("--no-{}", self.key.name()))
    }

    /// `DOCKGEN_KEY`.
    pub fn env_var(&self) -> String {
        env_name(self.key.name())
    }

    /// The earlier name's variable, `DOCKGEN_ALIAS`.
    pub fn alias_env_var(&self) -> Option<String> {
        self.alias.map(env_name)
    }

    /// The name in `dockgen.toml`: the key.
    pub fn saved_name(&self) -> &'static str {
        self.key.name()
    }

    /// The flag's full help: [`AnswerSpec::help`], plus the names a worker list can hold.
    pub fn help_text(&self) -> String {
        match self.kind {
            Kind::Workers => format!("{}: {}", self.help, names(&WorkerKind::all()).join(", ")),
            _ => self.help.to_string(),
        }
    }

    /// The names a value can take, for the kinds that are one of a list (frameworks, package managers).
    pub fn choices(&self) -> Option<Vec<String>> {
        match self.kind {
            Kind::Framework => Some(names(Framework::ALL)),
            Kind::PackageManager => Some(names(PackageManager::ALL)),
            _ => None,
        }
    }

    /// Parses and validates a value from text (a flag, a variable, a prompt answer or a saved value).
    pub fn parse(&self, text: &str) -> std::result::Result<Value, String> {
        // One rule for every answer, wherever it came from (a flag, a variable, a prompt, dockgen.toml):
        // no control characters, line breaks, bidirectional controls or ESC.
        let what = match self.kind {
            Kind::Path | Kind::Files => "the path",
            _ => "the value",
        };
        crate::base::valid::text(what, text)?;
        Ok(match self.kind {
            Kind::Text(check) => {
                check(text)?;
                Value::Text(text.into())
            }
            Kind::Path => Value::Text(text.into()),
            Kind::Port => Value::Port(parse_port(text)?),
            Kind::Number { min, max } => Value::Number(parse_number(text, min, max)?),
            Kind::TextOrNone(_) if text.trim().eq_ignore_ascii_case("none") => Value::Off,
            Kind::TextOrNone(check) => {
                check(text)?;
                Value::Text(text.into())
            }
            Kind::Bool => Value::Bool(parse_bool(text)?),
            Kind::Workers => Value::Workers(parse_workers(text)?),
            Kind::Files => Value::Files(parse_files(text)?),
            Kind::Framework => Value::Framework(by_name(text)?),
            Kind::PackageManager => Value::PackageManager(by_name(text)?),
        })
    }

    /// The value `--no-KEY` gives.
    pub fn off(&self) -> Option<Value> {
        match self.kind {
            Kind::Bool => Some(Value::Bool(false)),
            Kind::Workers => Some(Value::Workers(Vec::new())),
            Kind::Files => Some(Value::Files(Vec::new())),
            Kind::TextOrNone(_) => Some(Value::Off),
            _ => None,
        }
    }
}

/// A framework or package manager by name (their `FromStr`, whatever its error type).
fn by_name<T: std::str::FromStr>(text: &str) -> std::result::Result<T, String>
where
    T::Err: fmt::Display,
{
    text.parse().map_err(|e: T::Err| e.to_string())
}

fn names<T: fmt::Display>(all: &[T]) -> Vec<String> {
    all.iter().map(|t| t.to_string()).collect()
}

// ---------------------------------------------------------------- values

/// One answer's value. Which variant a key holds follows from its [`Kind`].
#[derive(Debug, Clone)]
pub enum Value {
    /// [`Kind::Text`] and [`Kind::Path`].
    Text(String),
    Port(u16),
    /// [`Kind::Number`].
    Number(u32),
    /// `none`: what `--no-KEY` gives a [`Kind::TextOrNone`] answer.
    Off,
    Bool(bool),
    Workers(Vec<WorkerKind>),
    /// [`Kind::Files`].
    Files(Vec<String>),
    Framework(Framework),
    PackageManager(PackageManager),
}

impl Value {
    /// A short display: what a user would type (`yes`, `celery, rq`, `none`, `8000`).
    pub fn show(&self) -> String {
        match self {
            Value::Text(s) => s.clone(),
            Value::Port(p) => p.to_string(),
            Value::Number(n) => n.to_string(),
            Value::Off => "none".into(),
            Value::Bool(b) => if *b { "yes" } else { "no" }.into(),
            Value::Workers(w) => show_workers(w),
            Value::Files(f) if f.is_empty() => "none".into(),
            Value::Files(f) => f.join(", "),
            Value::Framework(f) => f.to_string(),
            Value::PackageManager(p) => p.to_string(),
        }
    }

    /// The value in `dockgen.toml`.
    fn to_toml(&self) -> toml::Value {
        match self {
            Value::Port(p) => toml::Value::Integer(i64::from(*p)),
            Value::Number(n) => toml::Value::Integer(i64::from(*n)),
            Value::Bool(b) => toml::Value::Boolean(*b),
            Value::Workers(w) => toml::Value::Array(
                w.iter()
                    .map(|w| toml::Value::String(w.to_string()))
                    .collect(),
            ),
            Value::Files(f) => {
                toml::Value::Array(f.iter().map(|f| toml::Value::String(f.clone())).collect())
            }
            other => toml::Value::String(other.show()),
        }
    }
}

/// Two values are equal when they are of one kind and show the same (frameworks and package managers
/// compare by name, so this needs nothing of them but their names).
impl PartialEq for Value {
    fn eq(&self, other: &Value) -> bool {
        std::mem::discriminant(self) == std::mem::discriminant(other) && self.show() == other.show()
    }
}

impl Eq for Value {}

/// As in the `init --json` report: text, numbers, booleans, and worker lists as arrays of names.
impl Serialize for Value {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self {
            Value::Port(p) => s.serialize_u16(*p),
            Value::Number(n) => s.serialize_u32(*n),
            Value::Bool(b) => s.serialize_bool(*b),
            Value::Workers(w) => s.collect_seq(w.iter().map(|w| w.to_string())),
            Value::Files(f) => s.collect_seq(f),
            other => s.serialize_str(&other.show()),
        }
    }
}

/// `celery, celery-beat` or `none`.
pub fn show_workers(w: &[WorkerKind]) -> String {
    if w.is_empty() {
        "none".into()
    } else {
        w.iter().map(|w| w.as_str()).collect::<Vec<_>>().join(", ")
    }
}

/// One value for each choice; a key without a value is "not given at this layer".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Answers {
    values: BTreeMap<Key, Value>,
}

/// A map from key to value, in [`ANSWERS`]' order (the `saved` object of the `init --json` report).
impl Serialize for Answers {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_map(self.values.iter().map(|(k, v)| (k.name(), v)))
    }
}

impl Answers {
    /// The value of `key`, if given.
    pub fn get(&self, key: Key) -> Option<&Value> {
        self.values.get(&key)
    }

    /// Whether `key` has a value.
    pub fn has(&self, key: Key) -> bool {
        self.get(key).is_some()
    }

    /// Whether no key has a value.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// Gives `key` a value. Panics when the value is not of the key's kind (a bug in the caller).
    pub fn insert(&mut self, key: Key, value: Value) {
        let spec = spec(key);
        let fits = matches!(
            (spec.kind, &value),
            (Kind::Text(_) | Kind::Path, Value::Text(_))
                | (Kind::Port, Value::Port(_))
                | (Kind::Number { .. }, Value::Number(_))
                | (Kind::TextOrNone(_), Value::Text(_) | Value::Off)
                | (Kind::Bool, Value::Bool(_))
                | (Kind::Workers, Value::Workers(_))
                | (Kind::Files, Value::Files(_))
                | (Kind::Framework, Value::Framework(_))
                | (Kind::PackageManager, Value::PackageManager(_))
        );
        assert!(fits, "`{key}` cannot hold {value:?}");
        self.values.insert(key, value);
    }

    /// Sets `key` from text, validating it.
    pub fn set(&mut self, key: Key, text: &str) -> std::result::Result<(), String> {
        self.values.insert(key, spec(key).parse(text)?);
        Ok(())
    }

    /// Copies `key` from `other` into `self` (removing it when `other` has none).
    pub fn take(&mut self, key: Key, other: &Answers) {
        match other.values.get(&key) {
            Some(v) => self.values.insert(key, v.clone()),
            None => self.values.remove(&key),
        };
    }

    /// A short display of `key`'s value ("" when unset).
    pub fn show(&self, key: Key) -> String {
        self.get(key).map(Value::show).unwrap_or_default()
    }

    fn text(&self, key: Key) -> Option<&str> {
        match self.get(key) {
            Some(Value::Text(s)) => Some(s),
            _ => None,
        }
    }

    fn flag(&self, key: Key) -> Option<bool> {
        match self.get(key) {
            Some(Value::Bool(b)) => Some(*b),
            _ => None,
        }
    }

    pub fn framework(&self) -> Option<Framework> {
        match self.get(Key::Framework) {
            Some(Value::Framework(f)) => Some(*f),
            _ => None,
        }
    }

    pub fn package_manager(&self) -> Option<PackageManager> {
        match self.get(Key::PackageManager) {
            Some(Value::PackageManager(p)) => Some(*p),
            _ => None,
        }
    }

    /// The Python version as given (`3.12.1` is valid; detection reduces it to 3.12).
    pub fn python(&self) -> Option<&str> {
        self.text(Key::Python)
    }

    pub fn app_dir(&self) -> Option<&str> {
        self.text(Key::AppDir)
    }

    pub fn entrypoint(&self) -> Option<&str> {
        self.text(Key::Entrypoint)
    }

    pub fn port(&self) -> Option<u16> {
        match self.get(Key::Port) {
            Some(Value::Port(p)) => Some(*p),
            _ => None,
        }
    }

    /// A [`Kind::Number`] answer.
    pub fn number(&self, key: Key) -> Option<u32> {
        match self.get(key) {
            Some(Value::Number(n)) => Some(*n),
            _ => None,
        }
    }

    /// A [`Kind::TextOrNone`] answer: `Some(None)` when it is turned off.
    fn text_or_none(&self, key: Key) -> Option<Option<&str>> {
        match self.get(key) {
            Some(Value::Text(s)) => Some(Some(s)),
            Some(Value::Off) => Some(None),
            _ => None,
        }
    }

    pub fn celery_app(&self) -> Option<&str> {
        self.text(Key::CeleryApp)
    }

    /// The health path: `Some(None)` for "no health route".
    pub fn health_path(&self) -> Option<Option<&str>> {
        self.text_or_none(Key::HealthPath)
    }

    /// The migration command as typed: `Some(None)` for "no migration step".
    pub fn migrate_command(&self) -> Option<Option<&str>> {
        self.text_or_none(Key::MigrateCommand)
    }

    pub fn compose_file(&self) -> Option<&str> {
        self.text(Key::ComposeFile)
    }

    /// The server's settings from their answers.
    pub fn server(&self) -> ServerAnswers {
        ServerAnswers {
            workers: self.number(Key::ServerWorkers),
            timeout: self.number(Key::ServerTimeout),
            worker_class: self.text(Key::WorkerClass).map(str::to_string),
            max_requests: self.number(Key::MaxRequests),
            max_requests_jitter: self.number(Key::MaxRequestsJitter),
            forwarded_allow_ips: self.text(Key::ForwardedAllowIps).map(str::to_string),
        }
    }

    pub fn postgres(&self) -> Option<bool> {
        self.flag(Key::Postgres)
    }

    pub fn redis(&self) -> Option<bool> {
        self.flag(Key::Redis)
    }

    pub fn workers(&self) -> Option<&[WorkerKind]> {
        match self.get(Key::TaskWorkers) {
            Some(Value::Workers(w)) => Some(w),
            _ => None,
        }
    }

    /// The memory limit of each app service (`512m`).
    pub fn memory(&self) -> Option<&str> {
        self.text(Key::Memory)
    }

    /// The CPU limit of each app service, in cores (`1`, `0.5`).
    pub fn cpus(&self) -> Option<&str> {
        self.text(Key::Cpus)
    }

    /// The system packages the app runs with: `Some(empty)` for none.
    pub fn system_packages(&self) -> Option<Vec<String>> {
        self.text_or_none(Key::SystemPackages)
            .map(|p| p.map(packages).unwrap_or_default())
    }

    /// Where the app runs (`target`): compose unless the answer says otherwise.
    pub fn targets(&self) -> crate::orchestrate::Targets {
        self.text(Key::Target)
            .and_then(|t| crate::orchestrate::Targets::parse(t).ok())
            .unwrap_or_default()
    }

    /// The front proxy (`proxy`): none unless the answer says otherwise.
    pub fn proxy(&self) -> crate::plan::proxy::Proxy {
        self.text(Key::Proxy)
            .and_then(|t| crate::plan::proxy::Proxy::parse(t).ok())
            .unwrap_or_default()
    }

    /// What the orchestrator targets are generated with.
    pub fn orchestration(&self) -> crate::orchestrate::Orchestration {
        crate::orchestrate::Orchestration {
            targets: self.targets(),
            ingress_host: self.text(Key::IngressHost).map(str::to_string),
        }
    }

    /// A directory of forked templates (relative to the project root when saved).
    pub fn templates(&self) -> Option<&str> {
        self.text(Key::Templates)
    }

    /// The generated files dockgen leaves alone, relative to the project root.
    pub fn unmanaged(&self) -> &[String] {
        match self.get(Key::Unmanaged) {
            Some(Value::Files(f)) => f,
            _ => &[],
        }
    }

    /// Adds `path` to the files dockgen leaves alone.
    pub fn stop_managing(&mut self, path: &str) {
        let mut files = self.unmanaged().to_vec();
        if !files.iter().any(|f| f == path) {
            files.push(path.to_string());
        }
        self.insert(Key::Unmanaged, Value::Files(files));
    }

    /// Removes `key`'s value.
    pub fn remove(&mut self, key: Key) {
        self.values.remove(&key);
    }

    /// Detection's options from these answers, with the origins as evidence.
    pub fn detect_options(&self, origins: &BTreeMap<Key, Origin>) -> Options {
        Options {
            framework: self.framework(),
            package_manager: self.package_manager(),
            python: self.python().map(str::to_string),
            app_dir: self.app_dir().map(str::to_string),
            entrypoint: self.entrypoint().map(str::to_string),
            celery_app: self.celery_app().map(str::to_string),
            index: None,
            origins: origins.iter().map(|(k, o)| (*k, o.evidence())).collect(),
        }
    }

    /// The plan's options from these answers.
    pub fn plan_options(&self, name_hint: Option<String>) -> PlanOptions {
        PlanOptions {
            port: self.port(),
            postgres: self.postgres(),
            redis: self.redis(),
            workers: self.workers().map(<[WorkerKind]>::to_vec),
            server: self.server(),
            health_path: self.health_path().map(|p| p.map(str::to_string)),
            migrate_command: self
                .migrate_command()
                .map(|c| c.map(|c| c.split_whitespace().map(str::to_string).collect())),
            compose_file: self.compose_file().map(str::to_string),
            memory: self.memory().map(str::to_string),
            cpus: self.cpus().map(str::to_string),
            system_packages: self.system_packages(),
            name_hint,
            proxy: self.proxy(),
        }
    }
}

// ---------------------------------------------------------------- origins and layers

/// Where an answer came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Origin {
    Flag { flag: String },
    Env { var: String },
    Saved { file: String, line: usize },
    Prompt,
}

impl Origin {
    pub fn evidence(&self) -> Evidence {
        match self {
            Origin::Flag { flag } => Evidence::rule(&format!("{flag} flag")),
            Origin::Env { var } => Evidence::rule(&format!("{var} environment variable")),
            Origin::Saved { file, line } => Evidence::at(file, *line, "saved answer"),
            Origin::Prompt => Evidence::rule("answered at the prompt"),
        }
    }
}

impl fmt::Display for Origin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.evidence())
    }
}

/// Answers of one layer (or merged layers), with the origin of each given key.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layer {
    pub answers: Answers,
    pub origins: BTreeMap<Key, Origin>,
    /// In a saved file, its `[detected]` table: what dockgen detected for each question when it was
    /// last answered in the guided flow (a re-run asks again only when detection now differs).
    pub detected: Answers,
}

/// The name of the table of detected values in `dockgen.toml`.
pub const DETECTED: &str = "detected";

impl Layer {
    /// `self` over `lower`: each key from the first layer that has it.
    pub fn over(mut self, lower: &Layer) -> Layer {
        for &key in Key::ALL {
            if !self.answers.has(key) && lower.answers.has(key) {
                self.answers.take(key, &lower.answers);
                if let Some(o) = lower.origins.get(&key) {
                    self.origins.insert(key, o.clone());
                }
            }
        }
        self
    }

    /// Records `key` as given by `origin` in this layer (for layers built from flags).
    pub fn mark(&mut self, key: Key, origin: Origin) {
        if self.answers.has(key) {
            self.origins.insert(key, origin);
        }
    }
}

// ---------------------------------------------------------------- parsing and validation

/// Checks a text value for `key`: parses it as that answer would be.
pub fn validate(key: Key, value: &str) -> std::result::Result<(), String> {
    spec(key).parse(value).map(drop)
}

/// A Python version: `3.12`, or `3.12.1` (detection reduces it to 3.12).
fn check_python(value: &str) -> std::result::Result<(), String> {
    let parts: Vec<&str> = value.split('.').collect();
    let digits = |p: &&str| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit());
    if (2..=3).contains(&parts.len()) && parts.iter().all(digits) && parts[0] == "3" {
        let minor = parts[1].parse::<u64>().map_err(|e| e.to_string())?;
        if crate::knowledge::SUPPORTED_PYTHONS
            .contains(&crate::base::python::PythonVersion::new(3, minor))
        {
            Ok(())
        } else {
            Err(format!(
                "dockgen has no tested image for Python 3.{minor} (`python:3.{minor}-slim`): choose one of {}",
                crate::plan::supported_pythons()
            ))
        }
    } else {
        Err(format!(
            "`{value}` is not a Python version: expected major.minor, such as 3.12"
        ))
    }
}

/// A directory inside the project, relative to it.
fn check_app_dir(value: &str) -> std::result::Result<(), String> {
    if value.is_empty() {
        Err("the app directory is empty: use `.` for the project root".into())
    } else if value.starts_with('/') || value.split('/').any(|c| c == "..") {
        Err(format!(
            "`{value}` must be a directory inside the project, relative to it"
        ))
    } else {
        Ok(())
    }
}

/// `module:attribute` (or `module:factory()`).
fn check_entrypoint(value: &str) -> std::result::Result<(), String> {
    let ok = value.split_once(':').is_some_and(|(m, a)| {
        !m.is_empty()
            && !a.is_empty()
            && m.split('.').all(is_identifier)
            && (is_identifier(a) || a.ends_with(')') && a.contains('('))
    });
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{value}` is not an entrypoint: expected module:attribute, such as config.wsgi:application or main:app"
        ))
    }
}

/// A memory size as Docker takes it: a whole number with an optional unit `b`, `k`, `m` or `g`, at
/// least 6 MiB (Docker's own minimum for a container).
fn check_memory(value: &str) -> std::result::Result<(), String> {
    let bad = || {
        format!("`{value}` is not a memory size: expected a number with a unit, such as 512m or 1g")
    };
    let lower = value.to_ascii_lowercase();
    let (digits, unit) = match lower.char_indices().find(|(_, c)| !c.is_ascii_digit()) {
        Some((i, _)) => lower.split_at(i),
        None => (lower.as_str(), ""),
    };
    let factor: u64 = match unit {
        "" | "b" => 1,
        "k" | "kb" => 1 << 10,
        "m" | "mb" => 1 << 20,
        "g" | "gb" => 1 << 30,
        _ => return Err(bad()),
    };
    let n: u64 = digits.parse().map_err(|_| bad())?;
    if n.saturating_mul(factor) < 6 << 20 {
        return Err(format!(
            "`{value}` is below Docker's minimum memory limit of 6m"
        ));
    }
    Ok(())
}

/// CPU cores: a positive decimal number (`1`, `0.5`, `2.25`).
fn check_cpus(value: &str) -> std::result::Result<(), String> {
    let plain = !value.is_empty()
        && value.chars().all(|c| c.is_ascii_digit() || c == '.')
        && value.matches('.').count() <= 1
        && !value.starts_with('.')
        && !value.ends_with('.');
    match value.parse::<f64>() {
        Ok(n) if plain && n >= 0.01 => Ok(()),
        _ => Err(format!(
            "`{value}` is not a CPU limit: expected a number of cores, such as 1 or 0.5"
        )),
    }
}

fn is_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_')
}

/// Parses a port: 1-65535.
pub fn parse_port(s: &str) -> std::result::Result<u16, String> {
    match s.trim().parse::<u16>() {
        Ok(p) if p > 0 => Ok(p),
        _ => Err(format!(
            "`{s}` is not a port: expected a number from 1 to 65535"
        )),
    }
}

/// Parses a whole number from `min` to `max`.
pub fn parse_number(s: &str, min: u32, max: u32) -> std::result::Result<u32, String> {
    match s.trim().parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!("`{s}` is not a number from {min} to {max}")),
    }
}

/// `celery -A`'s argument: a module, optionally with `:attribute` (`proj`, `proj.celery:app`).
fn check_celery_app(value: &str) -> std::result::Result<(), String> {
    let (module, attr) = match value.split_once(':') {
        Some((m, a)) => (m, Some(a)),
        None => (value, None),
    };
    if module.split('.').all(is_identifier) && attr.is_none_or(is_identifier) {
        Ok(())
    } else {
        Err(format!(
            "`{value}` is not a Celery app: expected a module, optionally with :attribute, such as proj or proj.celery:app"
        ))
    }
}

/// An absolute URL path a probe can request, written without characters that need quoting.
fn check_url_path(value: &str) -> std::result::Result<(), String> {
    let ok = value.starts_with('/')
        && value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-._~%?=&+:@!,;*".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{value}` is not a URL path: expected one that starts with /, such as /healthz (or none)"
        ))
    }
}

/// gunicorn's built-in worker types, by the names `--worker-class` takes.
pub const GUNICORN_WORKERS: &[&str] = &["sync", "gthread", "gevent", "eventlet", "tornado"];

/// A gunicorn worker class: a built-in name or a dotted path to a class.
fn check_worker_class(value: &str) -> std::result::Result<(), String> {
    if GUNICORN_WORKERS.contains(&value)
        || value.contains('.') && value.split('.').all(is_identifier)
    {
        Ok(())
    } else {
        Err(format!(
            "`{value}` is not a gunicorn worker class: expected {} or a dotted path such as uvicorn.workers.UvicornWorker",
            GUNICORN_WORKERS.join(", ")
        ))
    }
}

/// `*`, or addresses and networks separated by commas (`10.0.0.0/8,127.0.0.1`).
fn check_forwarded_ips(value: &str) -> std::result::Result<(), String> {
    let one = |item: &str| {
        let (addr, bits) = match item.split_once('/') {
            Some((a, b)) => (a, Some(b)),
            None => (item, None),
        };
        match addr.parse::<std::net::IpAddr>() {
            Ok(ip) => {
                let max = if ip.is_ipv4() { 32 } else { 128 };
                bits.is_none_or(|b| b.parse::<u8>().is_ok_and(|b| b <= max))
            }
            Err(_) => false,
        }
    };
    if value == "*" || value.split(',').map(str::trim).all(one) {
        Ok(())
    } else {
        Err(format!(
            "`{value}` is not a list of proxy addresses: expected * or addresses and networks separated by commas, such as 10.0.0.0/8,127.0.0.1"
        ))
    }
}

/// A command as plain words: it runs in exec form and in entrypoint.sh, so shell syntax would mean
/// different things in each.
fn check_command(value: &str) -> std::result::Result<(), String> {
    if value.trim().is_empty() {
        return Err("the command is empty: give one, or none for no migration step".into());
    }
    match value.chars().find(|c| "'\"\\;&|<>$`()*?~#\n".contains(*c)) {
        Some(c) => Err(format!(
            "`{value}` has `{c}`: give the command as plain words without shell syntax (put anything longer in a script and give its path)"
        )),
        None => Ok(()),
    }
}

/// Debian package names separated by commas.
fn packages(value: &str) -> Vec<String> {
    value
        .split(',')
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .map(str::to_string)
        .collect()
}

/// Debian package names (`gettext`, `libpq5`, `g++`), separated by commas.
fn check_packages(value: &str) -> std::result::Result<(), String> {
    let list = packages(value);
    match list.iter().find(|p| !crate::detect::is_debian_package(p)) {
        _ if list.is_empty() => {
            Err("no package named: give names such as gettext,libmagic1 (or none)".into())
        }
        Some(bad) => Err(format!(
            "`{bad}` is not a Debian package name: expected lowercase letters, digits and + - ., such as gettext or libmagic1"
        )),
        None => Ok(()),
    }
}

fn check_compose_file(value: &str) -> std::result::Result<(), String> {
    if COMPOSE_FILES.contains(&value) {
        Ok(())
    } else {
        Err(format!(
            "`{value}` is not a compose file name docker compose finds by itself: expected {}",
            COMPOSE_FILES.join(", ")
        ))
    }
}

/// Parses a yes/no value (`true`/`false`, `yes`/`no`, `1`/`0`, `on`/`off`).
pub fn parse_bool(s: &str) -> std::result::Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(format!("`{s}` is not yes or no: expected true or false")),
    }
}

/// Parses a list of files: paths relative to the project root, separated by commas, or `none`.
pub fn parse_files(s: &str) -> std::result::Result<Vec<String>, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    let mut out: Vec<String> = Vec::new();
    for f in s.split(',').map(str::trim).filter(|f| !f.is_empty()) {
        let f = f.trim_start_matches("./");
        if f.starts_with('/') || f.split('/').any(|c| c == ".." || c.is_empty()) {
            return Err(format!(
                "`{f}` must be a file inside the project, relative to it (such as docker-compose.yml)"
            ));
        }
        if !out.iter().any(|o| o == f) {
            out.push(f.to_string());
        }
    }
    Ok(out)
}

/// Parses a worker list: names separated by commas, or `none`.
pub fn parse_workers(s: &str) -> std::result::Result<Vec<WorkerKind>, String> {
    let s = s.trim();
    if s.eq_ignore_ascii_case("none") {
        return Ok(Vec::new());
    }
    let mut out = Vec::new();
    for w in s.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        let k = w.parse::<WorkerKind>()?;
        if !out.contains(&k) {
            out.push(k);
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------- the environment layer

/// The `DOCKGEN_*` layer from environment variables; unknown `DOCKGEN_*` names become warnings.
/// An empty value counts as unset (so a CI template can leave one blank).
pub fn from_env(
    vars: impl IntoIterator<Item = (String, String)>,
    warnings: &mut Vec<String>,
) -> Result<Layer> {
    let mut layer = Layer::default();
    let known: BTreeMap<String, Key> = ANSWERS
        .iter()
        .flat_map(|s| [Some(s.env_var()), s.alias_env_var()].map(|v| v.map(|v| (v, s.key))))
        .flatten()
        .collect();
    let mut vars: Vec<(String, String)> = vars
        .into_iter()
        // DOCKGEN_OFFLINE is a switch of the run, not an answer.
        .filter(|(k, _)| k.starts_with(ENV_PREFIX) && k != crate::pkgindex::OFFLINE_VAR)
        .collect();
    // An earlier name first, so the current one, read after it, wins.
    let current = |var: &str| ANSWERS.iter().any(|s| s.env_var() == var);
    vars.sort_by_cached_key(|(k, _)| (current(k), k.clone()));
    for (var, value) in vars {
        let Some(key) = known.get(&var) else {
            let all: Vec<String> = ANSWERS.iter().map(AnswerSpec::env_var).collect();
            let close = crate::base::lookup::suggest(&var, all.iter().map(String::as_str));
            warnings.push(format!(
                "ignoring `{var}`: dockgen reads only {}{close}",
                all.join(", ")
            ));
            continue;
        };
        if value.trim().is_empty() {
            continue;
        }
        let bad = |message: String| Error::Usage {
            message: format!("invalid environment variable `{var}={value}`: {message}"),
        };
        layer.answers.set(*key, value.trim()).map_err(bad)?;
        layer.origins.insert(*key, Origin::Env { var: var.clone() });
    }
    Ok(layer)
}

// ---------------------------------------------------------------- the saved layer

/// The answers for a project: the saved file (with its text, when there is one), and every key taken
/// from the highest layer that gives it (flags, then the environment, then the saved file).
pub struct Layers {
    pub saved: Option<(Layer, String)>,
    pub merged: Layer,
}

/// Reads the saved answers at `root` and puts `flags` and `env` over them.
pub fn layers(root: &Path, flags: &Layer, env: &Layer) -> Result<Layers> {
    let saved = load_saved(root)?;
    let merged = flags
        .clone()
        .over(env)
        .over(&saved.as_ref().map(|(l, _)| l.clone()).unwrap_or_default());
    Ok(Layers { saved, merged })
}

/// Reads the saved answers at `root/dockgen.toml`; `None` when there is no such file. A malformed file
/// is an error with its line and column.
pub fn load_saved(root: &Path) -> Result<Option<(Layer, String)>> {
    let path = root.join(FILE);
    match std::fs::symlink_metadata(&path) {
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(None),
        _ => {}
    }
    let text = crate::base::fs::read_text(&path, Path::new(FILE), 64 * 1024)?;
    parse_saved(&text).map(|l| Some((l, text)))
}

/// A value in `dockgen.toml` as read, before it is checked against its answer's kind. An array keeps
/// each entry's position, so a bad entry is reported where it is.
enum Raw {
    Scalar(toml::Value),
    List(Vec<Spanned<toml::Value>>),
}

impl<'de> Deserialize<'de> for Raw {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Raw, D::Error> {
        struct Visit;
        impl<'de> serde::de::Visitor<'de> for Visit {
            type Value = Raw;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a TOML value")
            }
            fn visit_bool<E>(self, v: bool) -> std::result::Result<Raw, E> {
                Ok(Raw::Scalar(toml::Value::Boolean(v)))
            }
            fn visit_i64<E>(self, v: i64) -> std::result::Result<Raw, E> {
                Ok(Raw::Scalar(toml::Value::Integer(v)))
            }
            fn visit_u64<E: serde::de::Error>(self, v: u64) -> std::result::Result<Raw, E> {
                let v = i64::try_from(v).map_err(E::custom)?;
                Ok(Raw::Scalar(toml::Value::Integer(v)))
            }
            fn visit_f64<E>(self, v: f64) -> std::result::Result<Raw, E> {
                Ok(Raw::Scalar(toml::Value::Float(v)))
            }
            fn visit_str<E>(self, v: &str) -> std::result::Result<Raw, E> {
                Ok(Raw::Scalar(toml::Value::String(v.into())))
            }
            fn visit_seq<A: serde::de::SeqAccess<'de>>(
                self,
                mut seq: A,
            ) -> std::result::Result<Raw, A::Error> {
                let mut out = Vec::new();
                while let Some(v) = seq.next_element()? {
                    out.push(v);
                }
                Ok(Raw::List(out))
            }
            fn visit_map<A: serde::de::MapAccess<'de>>(
                self,
                map: A,
            ) -> std::result::Result<Raw, A::Error> {
                // Tables and dates.
                toml::Value::deserialize(serde::de::value::MapAccessDeserializer::new(map))
                    .map(Raw::Scalar)
            }
        }
        d.deserialize_any(Visit)
    }
}

impl Raw {
    fn into_value(self) -> toml::Value {
        match self {
            Raw::Scalar(v) => v,
            Raw::List(l) => toml::Value::Array(l.into_iter().map(Spanned::into_inner).collect()),
        }
    }
}

/// Parses saved answers from text. Errors carry the position and a hint naming the keys.
pub fn parse_saved(text: &str) -> Result<Layer> {
    parse_saved_answers(text).map_err(|e| {
        e.with_hint(format!(
            "fix the saved answer at that position (keys: {}), or delete the file to start from detection",
            NAMES.join(", ")
        ))
    })
}

fn parse_saved_answers(text: &str) -> Result<Layer> {
    let err = |offset: usize, message: String| Error::Parse {
        path: FILE.into(),
        pos: Some(position_of(text, offset)),
        message,
    };
    let file: BTreeMap<Spanned<String>, Spanned<Raw>> =
        toml::from_str(text).map_err(|e| Error::Parse {
            path: FILE.into(),
            pos: e.span().map(|s| position_of(text, s.start)),
            message: e.message().trim().to_string(),
        })?;
    // First, in the file's order, the key names and the shape of each value.
    let mut entries: Vec<(Spanned<String>, Spanned<Raw>)> = file.into_iter().collect();
    entries.sort_by_key(|(k, _)| k.span().start);
    let mut found: BTreeMap<Key, (usize, Raw, String)> = BTreeMap::new();
    let mut detected = Answers::default();
    for (key, value) in entries {
        if key.get_ref() == DETECTED {
            detected = detected_table(value, text)?;
            continue;
        }
        let Some(spec) = named(key.get_ref()) else {
            let unknown =
                <toml::de::Error as serde::de::Error>::unknown_field(key.get_ref(), NAMES);
            let close = crate::base::lookup::suggest(key.get_ref(), NAMES.iter().copied());
            return Err(err(
                key.span().start,
                format!("{}{close}", unknown.message()),
            ));
        };
        let start = value.span().start;
        let raw = value.into_inner();
        check_shape(spec, &raw).map_err(|(offset, m)| err(offset.unwrap_or(start), m))?;
        // The current name wins over an earlier one, wherever each is in the file.
        if key.get_ref() == spec.key.name() || !found.contains_key(&spec.key) {
            found.insert(spec.key, (start, raw, key.into_inner()));
        }
    }
    // Then, in the table's order, each value.
    let mut layer = Layer::default();
    for spec in ANSWERS {
        let Some((start, raw, name)) = found.remove(&spec.key) else {
            continue;
        };
        let key = spec.key;
        let value = saved_text(spec, raw)
            .and_then(|t| spec.parse(&t))
            .map_err(|m| err(start, format!("`{name}`: {m}")))?;
        layer.answers.insert(key, value);
        let line = position_of(text, start).line;
        let origin = Origin::Saved {
            file: FILE.into(),
            line,
        };
        layer.origins.insert(key, origin);
    }
    layer.detected = detected;
    Ok(layer)
}

/// The `[detected]` table: a value of each answer's kind, checked as a saved answer is (an error is
/// placed at the table).
fn detected_table(value: Spanned<Raw>, text: &str) -> Result<Answers> {
    let start = value.span().start;
    let err = |message: String| Error::Parse {
        path: FILE.into(),
        pos: Some(position_of(text, start)),
        message,
    };
    let table = match value.into_inner().into_value() {
        toml::Value::Table(t) if !t.contains_key(DETECTED) => t,
        _ => return Err(err(format!("`{DETECTED}` must be a table of answers"))),
    };
    let inner = toml::to_string(&table).map_err(|e| err(e.to_string()))?;
    parse_saved_answers(&inner)
        .map(|l| l.answers)
        .map_err(|e| err(format!("in `[{DETECTED}]`: {e}")))
}

/// Whether a saved value has the TOML type its kind is saved as (a string, or an array of strings); the
/// error has serde's wording and, for an array entry, the entry's offset.
fn check_shape(spec: &AnswerSpec, raw: &Raw) -> std::result::Result<(), (Option<usize>, String)> {
    let msg = |e: toml::de::Error| e.message().to_string();
    match (spec.kind, raw) {
        // Typed by hand in `saved_text`, so a wrong type gets the same message as a wrong value.
        (Kind::Port | Kind::Number { .. } | Kind::Bool, _) => Ok(()),
        (Kind::Workers | Kind::Files, Raw::List(entries)) => {
            for e in entries {
                String::deserialize(e.get_ref().clone())
                    .map_err(|m| (Some(e.span().start), msg(m)))?;
            }
            Ok(())
        }
        (Kind::Workers | Kind::Files, Raw::Scalar(v)) => Vec::<String>::deserialize(v.clone())
            .map(drop)
            .map_err(|m| (None, msg(m))),
        (_, Raw::Scalar(v)) => String::deserialize(v.clone())
            .map(drop)
            .map_err(|m| (None, msg(m))),
        (_, Raw::List(_)) => {
            let e = <toml::de::Error as serde::de::Error>::invalid_type(
                serde::de::Unexpected::Seq,
                &"a string",
            );
            Err((None, msg(e)))
        }
    }
}

/// A saved value as the text its answer parses.
fn saved_text(spec: &AnswerSpec, raw: Raw) -> std::result::Result<String, String> {
    Ok(match (spec.kind, raw.into_value()) {
        (Kind::Port, toml::Value::Integer(i)) => i.to_string(),
        (Kind::Port, other) => format!("{other}"),
        (Kind::Number { .. }, toml::Value::Integer(i)) => i.to_string(),
        (Kind::Number { .. }, other) => format!("{other}"),
        (Kind::Bool, toml::Value::Boolean(b)) => b.to_string(),
        (Kind::Bool, other) => return Err(format!("expected true or false, found {other}")),
        (Kind::Workers, toml::Value::Array(list)) => {
            let names: Vec<&str> = list.iter().filter_map(toml::Value::as_str).collect();
            if names.iter().any(|w| w.contains(',') || w.trim().is_empty()) {
                return Err("each entry is one worker name".into());
            }
            if names.is_empty() {
                "none".into()
            } else {
                names.join(",")
            }
        }
        (Kind::Files, toml::Value::Array(list)) => {
            let names: Vec<&str> = list.iter().filter_map(toml::Value::as_str).collect();
            if names.iter().any(|f| f.contains(',') || f.trim().is_empty()) {
                return Err("each entry is one file's path, without commas".into());
            }
            if names.is_empty() {
                "none".into()
            } else {
                names.join(",")
            }
        }
        (_, toml::Value::String(s)) => s,
        (_, other) => format!("{other}"),
    })
}

/// The text of `dockgen.toml` for `answers`.
pub fn render_saved(answers: &Answers) -> String {
    render_saved_with(answers, &Answers::default())
}

/// One `key = value` line per answer, in the table's order.
fn saved_lines(answers: &Answers) -> String {
    let mut body = String::new();
    for spec in ANSWERS {
        if let Some(v) = answers.get(spec.key) {
            let one = BTreeMap::from([(spec.saved_name(), v.to_toml())]);
            body.push_str(&toml::to_string(&one).expect("answers serialise"));
        }
    }
    body
}

/// The text of `dockgen.toml` for `answers` and the `[detected]` table (left out when empty).
pub fn render_saved_with(answers: &Answers, detected: &Answers) -> String {
    let mut body = saved_lines(answers);
    if !detected.is_empty() {
        body.push_str(&format!(
            "\n# What dockgen detected when each question was last answered: `dockgen init` asks a\n\
             # question again only when detection now gives something else (or with --ask-all).\n\
             [{DETECTED}]\n{}",
            saved_lines(detected)
        ));
    }
    format!(
        "# dockgen's saved answers: the choices that differ from what dockgen detects.\n\
         # `dockgen init` and `dockgen init --check` read them; flags and DOCKGEN_* variables override them.\n\
         # Keys: {}.\n\n{body}",
        NAMES.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn celery() -> WorkerKind {
        "celery".parse().unwrap()
    }

    fn beat() -> WorkerKind {
        "celery-beat".parse().unwrap()
    }

    /// A value of every kind, as text a user would type.
    fn example(spec: &AnswerSpec) -> &'static str {
        match spec.kind {
            Kind::Text(_) => match spec.key {
                Key::Python => "3.12",
                Key::AppDir => "services/api",
                Key::Entrypoint => "config.wsgi:application",
                Key::CeleryApp => "proj.celery:app",
                Key::WorkerClass => "gthread",
                Key::ForwardedAllowIps => "10.0.0.0/8,127.0.0.1",
                Key::ComposeFile => "compose.yaml",
                Key::Memory => "768m",
                Key::Cpus => "1.5",
                Key::Target => "compose,kubernetes",
                Key::IngressHost => "app.example.com",
                Key::Proxy => "nginx",
                other => panic!("no example text for `{other}`: add one here"),
            },
            Kind::TextOrNone(_) => match spec.key {
                Key::HealthPath => "/healthz",
                Key::SystemPackages => "gettext,libmagic1",
                Key::MigrateCommand => "flask db upgrade",
                other => panic!("no example text for `{other}`: add one here"),
            },
            Kind::Number { .. } => match spec.key {
                Key::ServerWorkers => "4",
                Key::ServerTimeout => "120",
                Key::MaxRequests => "1000",
                Key::MaxRequestsJitter => "50",
                other => panic!("no example number for `{other}`: add one here"),
            },
            Kind::Path => "ops/templates",
            Kind::Port => "8080",
            Kind::Bool => "no",
            Kind::Workers => "celery, celery-beat",
            Kind::Files => "docker-compose.yml, services/api/Dockerfile",
            Kind::Framework => "flask",
            Kind::PackageManager => "poetry",
        }
    }

    fn every_answer() -> Answers {
        let mut a = Answers::default();
        for spec in ANSWERS {
            a.set(spec.key, example(spec)).unwrap();
        }
        a
    }

    #[test]
    fn the_table_is_complete() {
        let mut seen = std::collections::BTreeSet::new();
        for spec in ANSWERS {
            let key = spec.key.name();
            assert!(seen.insert(key), "`{key}` is declared twice");
            assert!(
                !key.is_empty() && key.chars().all(|c| c.is_ascii_lowercase() || c == '-'),
                "`{key}` is not kebab-case"
            );
            assert!(!spec.help.trim().is_empty(), "`{key}` has no help");
            assert!(
                !spec.help.ends_with('.'),
                "`{key}`: clap's help has no period"
            );
            assert!(
                !spec.prompt.trim().is_empty(),
                "`{key}` has no prompt label"
            );
            assert_eq!(spec.flag(), format!("--{key}"));
            assert_eq!(
                spec.env_var(),
                format!("DOCKGEN_{}", key.to_uppercase().replace('-', "_"))
            );
            assert_eq!(spec.saved_name(), key);
            // A yes/no answer takes no value; every other one names its value.
            assert_eq!(
                spec.value_name.is_none(),
                matches!(spec.kind, Kind::Bool),
                "`{key}`"
            );
            // A negation exactly for the kinds that can be turned off.
            assert_eq!(spec.negation.is_some(), spec.off().is_some(), "`{key}`");
            if let Some(n) = spec.negation {
                assert!(!n.trim().is_empty() && !n.ends_with('.'), "`{key}`");
            }
            // parse -> show -> parse gives the same value.
            let value = spec.parse(example(spec)).unwrap();
            assert_eq!(spec.parse(&value.show()), Ok(value.clone()), "`{key}`");
            if let Some(off) = spec.off() {
                assert_eq!(spec.parse(&off.show()), Ok(off), "`{key}`");
            }
        }
        assert_eq!(NAMES, Key::ALL.iter().map(|k| k.name()).collect::<Vec<_>>());
    }

    /// Each [`Key`] has exactly one row, at its own index (so `spec(key)` is its row), and no two rows
    /// share a name, counting the earlier names.
    #[test]
    fn every_key_has_one_row_and_every_name_one_key() {
        assert_eq!(
            ANSWERS.len(),
            Key::ALL.len(),
            "a key without a row, or a row too many"
        );
        for (i, key) in Key::ALL.iter().enumerate() {
            assert_eq!(
                ANSWERS[i].key, *key,
                "row {i} is not `{key}`'s: keep the table in Key's order"
            );
            assert_eq!(spec(*key).key, *key);
        }
        let mut names = std::collections::BTreeMap::new();
        for spec in ANSWERS {
            for name in std::iter::once(spec.key.name()).chain(spec.alias) {
                let before = names.insert(name, spec.key);
                assert!(
                    before.is_none(),
                    "`{name}` names both {before:?} and `{}`",
                    spec.key
                );
            }
        }
    }

    /// The flag, the variable and the saved name of each answer (and of its earlier name) lead back to
    /// its key, through the edges that read them.
    #[test]
    fn every_flag_variable_and_saved_name_parses_back_to_its_key() {
        for spec in ANSWERS {
            let key = spec.key;
            let flag = spec.flag();
            assert_eq!(
                named(flag.trim_start_matches("--")).map(|s| s.key),
                Some(key)
            );
            let var = spec.env_var();
            let from_var = var
                .trim_start_matches(ENV_PREFIX)
                .to_ascii_lowercase()
                .replace('_', "-");
            assert_eq!(Key::from_name(&from_var), Some(key), "{var}");
            assert_eq!(named(spec.saved_name()).map(|s| s.key), Some(key));
            let mut warnings = Vec::new();
            let layer =
                from_env([(var.clone(), example(spec).to_string())], &mut warnings).unwrap();
            assert!(warnings.is_empty(), "{warnings:?}");
            assert_eq!(layer.origins.get(&key), Some(&Origin::Env { var }));
            let saved = parse_saved(&render_saved(&layer.answers)).unwrap();
            assert_eq!(saved.answers.get(key), layer.answers.get(key), "`{key}`");
            if let Some(alias) = spec.alias {
                assert_eq!(named(alias).map(|s| s.key), Some(key));
                assert_eq!(
                    Key::from_name(alias),
                    None,
                    "`{alias}` is only an earlier name"
                );
            }
        }
    }

    #[test]
    fn every_answer_is_saved_and_read_back() {
        let a = every_answer();
        let text = render_saved(&a);
        let layer = parse_saved(&text).unwrap();
        assert_eq!(layer.answers, a, "{text}");
        for spec in ANSWERS {
            let line = text
                .lines()
                .position(|l| l.starts_with(&format!("{} = ", spec.saved_name())))
                .unwrap_or_else(|| panic!("`{}` is not saved:\n{text}", spec.key));
            assert_eq!(
                layer.origins[&spec.key],
                Origin::Saved {
                    file: FILE.into(),
                    line: line + 1
                }
            );
        }
        // Each kind has its TOML type.
        assert!(text.contains("\nport = 8080\n"), "{text}");
        assert!(text.contains("\npostgres = false\n"), "{text}");
        assert!(
            text.contains("\ntask-workers = [\"celery\", \"celery-beat\"]\n"),
            "{text}"
        );
        assert!(text.contains("\nframework = \"flask\"\n"), "{text}");
    }

    #[test]
    fn every_answer_has_a_variable() {
        let vars = ANSWERS
            .iter()
            .map(|s| (s.env_var(), example(s).to_string()));
        let mut warnings = Vec::new();
        let layer = from_env(vars, &mut warnings).unwrap();
        assert!(warnings.is_empty(), "{warnings:?}");
        assert_eq!(layer.answers, every_answer());
    }

    #[test]
    fn saved_answers_round_trip_and_carry_lines() {
        let mut a = Answers::default();
        a.insert(Key::Python, Value::Text("3.12".into()));
        a.insert(Key::Port, Value::Port(8080));
        a.insert(Key::Redis, Value::Bool(false));
        a.insert(Key::TaskWorkers, Value::Workers(vec![celery()]));
        a.insert(Key::Templates, Value::Text("ops/templates".into()));
        let text = render_saved(&a);
        assert!(
            text.ends_with(
                "\n\npython = \"3.12\"\nport = 8080\nredis = false\ntask-workers = [\"celery\"]\ntemplates = \"ops/templates\"\n"
            ),
            "{text}"
        );
        let layer = parse_saved(&text).unwrap();
        assert_eq!(layer.answers, a);
        let line_of = |needle: &str| text.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
        assert_eq!(
            layer.origins[&Key::Port],
            Origin::Saved {
                file: FILE.into(),
                line: line_of("port")
            }
        );
    }

    #[test]
    fn an_earlier_name_is_still_read_and_the_current_one_wins() {
        let spec = spec(Key::TaskWorkers);
        assert_eq!(spec.alias, Some("workers"));
        assert_eq!(named("workers").map(|s| s.key), Some(Key::TaskWorkers));
        assert_eq!(spec.alias_env_var().as_deref(), Some("DOCKGEN_WORKERS"));
        // dockgen.toml: the earlier name alone, then both (in either order).
        let layer = parse_saved("workers = [\"celery-beat\"]\n").unwrap();
        assert_eq!(layer.answers.workers(), Some(&[beat()][..]));
        for text in [
            "workers = [\"celery-beat\"]\ntask-workers = [\"celery\"]\n",
            "task-workers = [\"celery\"]\nworkers = [\"celery-beat\"]\n",
        ] {
            let layer = parse_saved(text).unwrap();
            assert_eq!(layer.answers.workers(), Some(&[celery()][..]), "{text}");
        }
        // Saving writes the current name only.
        let saved = render_saved(&layer.answers);
        assert!(
            saved.contains("\ntask-workers = [\"celery-beat\"]\n"),
            "{saved}"
        );
        assert!(!saved.contains("\nworkers ="), "{saved}");
        // The environment: the earlier name alone, then both.
        let env = |vars: &[(&str, &str)]| {
            let mut warnings = Vec::new();
            let vars = vars.iter().map(|(k, v)| (k.to_string(), v.to_string()));
            let layer = from_env(vars, &mut warnings).unwrap();
            assert!(warnings.is_empty(), "{warnings:?}");
            layer
        };
        let layer = env(&[("DOCKGEN_WORKERS", "celery-beat")]);
        assert_eq!(layer.answers.workers(), Some(&[beat()][..]));
        assert_eq!(
            layer.origins[&Key::TaskWorkers],
            Origin::Env {
                var: "DOCKGEN_WORKERS".into()
            }
        );
        let layer = env(&[
            ("DOCKGEN_WORKERS", "celery-beat"),
            ("DOCKGEN_TASK_WORKERS", "celery"),
        ]);
        assert_eq!(layer.answers.workers(), Some(&[celery()][..]));
    }

    #[test]
    fn malformed_saved_answers_name_line_and_column() {
        let cases = [
            (
                "python = \"3.12\"\nport = \"x\"\n",
                2,
                8,
                "`\"x\"` is not a port",
            ),
            (
                "redis = \"no\"\n",
                1,
                9,
                "`redis`: expected true or false, found \"no\"",
            ),
            ("python = \"3.12\"\n\nport = 70000\n", 3, 8, "not a port"),
            (
                "pyhton = \"3.12\"\n",
                1,
                1,
                "unknown field `pyhton`, expected one of `framework`, `package-manager`,",
            ),
            ("framework = \"rails\"\n", 1, 13, "expected one of"),
            ("python = \"2.7x\"\n", 1, 10, "not a Python version"),
            (
                "task-workers = [\"celery\", \"sidekiq\"]\n",
                1,
                16,
                "sidekiq",
            ),
            ("python = \n", 1, 10, ""),
            (
                "python = 3\n",
                1,
                10,
                "invalid type: integer `3`, expected a string",
            ),
            (
                "task-workers = \"celery\"\n",
                1,
                16,
                "invalid type: string \"celery\", expected a sequence",
            ),
            (
                "task-workers = [\"celery\", 1]\n",
                1,
                27,
                "invalid type: integer `1`, expected a string",
            ),
            (
                "task-workers = [\"celery,rq\"]\n",
                1,
                16,
                "`task-workers`: each entry is one worker name",
            ),
            // An earlier name is reported as written.
            (
                "workers = [\"celery,rq\"]\n",
                1,
                11,
                "`workers`: each entry is one worker name",
            ),
        ];
        for (text, line, column, msg) in cases {
            let err = parse_saved(text).unwrap_err();
            let hint = err.hint().unwrap_or_default();
            assert!(
                hint.starts_with("fix the saved answer at that position (keys: framework, "),
                "{text:?}: {hint}"
            );
            match err {
                Error::Hinted { error, .. } => match *error {
                    Error::Parse {
                        path,
                        pos: Some(pos),
                        message,
                    } => {
                        assert_eq!(path, Path::new(FILE));
                        assert_eq!(
                            (pos.line, pos.column),
                            (line, column),
                            "{text:?}: {message}"
                        );
                        assert!(message.contains(msg), "{text:?}: {message}");
                    }
                    other => panic!("{text:?}: {other:?}"),
                },
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn layers_take_each_key_from_the_highest_that_has_it() {
        let mut flags = Layer::default();
        flags.answers.insert(Key::Port, Value::Port(1));
        flags.mark(
            Key::Port,
            Origin::Flag {
                flag: "--port".into(),
            },
        );
        let mut warnings = Vec::new();
        let env = from_env(
            [
                ("DOCKGEN_PORT".to_string(), "2".to_string()),
                ("DOCKGEN_PYTHON".to_string(), "3.11".to_string()),
                ("DOCKGEN_REDIS".to_string(), "".to_string()),
                ("DOCKGEN_PYTON".to_string(), "3.11".to_string()),
                ("HOME".to_string(), "/root".to_string()),
            ],
            &mut warnings,
        )
        .unwrap();
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert!(warnings[0].contains("DOCKGEN_PYTON"));
        let saved = parse_saved("port = 3\npython = \"3.10\"\nredis = false\n").unwrap();
        let merged = flags.over(&env).over(&saved);
        assert_eq!(merged.answers.port(), Some(1));
        assert_eq!(merged.answers.python(), Some("3.11"));
        assert_eq!(merged.answers.redis(), Some(false));
        assert_eq!(
            merged.origins[&Key::Python],
            Origin::Env {
                var: "DOCKGEN_PYTHON".into()
            }
        );
        assert_eq!(
            merged.origins[&Key::Redis],
            Origin::Saved {
                file: FILE.into(),
                line: 3
            }
        );
        assert!(matches!(merged.origins[&Key::Port], Origin::Flag { .. }));
    }

    #[test]
    fn bad_environment_values_name_the_variable() {
        let err = from_env(
            [("DOCKGEN_POSTGRES".to_string(), "maybe".to_string())],
            &mut Vec::new(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("DOCKGEN_POSTGRES=maybe"), "{err}");
    }

    #[test]
    fn validation() {
        assert!(validate(Key::Entrypoint, "config.wsgi:application").is_ok());
        assert!(validate(Key::Entrypoint, "app:create_app()").is_ok());
        assert!(validate(Key::Entrypoint, "main").is_err());
        assert!(validate(Key::Entrypoint, "a b:c").is_err());
        assert!(validate(Key::AppDir, "../x").is_err());
        assert!(validate(Key::Python, "3.12").is_ok());
        assert!(validate(Key::Python, "3.12.1").is_ok());
        assert!(validate(Key::Python, "3").is_err());
        assert_eq!(parse_workers("none").unwrap(), vec![]);
        assert!(parse_workers("celery,bogus").is_err());
        assert!(parse_port("0").is_err());
        assert!(validate(Key::CeleryApp, "proj").is_ok());
        assert!(validate(Key::CeleryApp, "proj.celery:app").is_ok());
        assert!(validate(Key::CeleryApp, "proj:").is_err());
        assert!(validate(Key::CeleryApp, "celery -A proj").is_err());
        assert!(validate(Key::HealthPath, "/healthz").is_ok());
        assert!(validate(Key::HealthPath, "/api/health/").is_ok());
        assert!(validate(Key::HealthPath, "none").is_ok());
        assert!(validate(Key::HealthPath, "healthz").is_err());
        assert!(validate(Key::HealthPath, "/a b").is_err());
        assert!(validate(Key::HealthPath, "/x'y").is_err());
        assert!(validate(Key::ServerWorkers, "0").is_err());
        assert!(validate(Key::ServerWorkers, "4").is_ok());
        assert!(validate(Key::ServerTimeout, "-1").is_err());
        assert!(validate(Key::ServerTimeout, "2.5").is_err());
        assert!(validate(Key::MaxRequestsJitter, "0").is_ok());
        assert!(validate(Key::WorkerClass, "gthread").is_ok());
        assert!(validate(Key::WorkerClass, "uvicorn.workers.UvicornWorker").is_ok());
        assert!(validate(Key::WorkerClass, "threads").is_err());
        assert!(validate(Key::ForwardedAllowIps, "*").is_ok());
        assert!(validate(Key::ForwardedAllowIps, "10.0.0.0/8, ::1").is_ok());
        assert!(validate(Key::ForwardedAllowIps, "10.0.0.0/33").is_err());
        assert!(validate(Key::ForwardedAllowIps, "proxy.local").is_err());
        assert!(validate(Key::MigrateCommand, "alembic upgrade head").is_ok());
        assert!(validate(Key::MigrateCommand, "none").is_ok());
        assert!(validate(Key::MigrateCommand, "a && b").is_err());
        assert!(validate(Key::MigrateCommand, "flask db upgrade; rm -rf /").is_err());
        assert!(validate(Key::ComposeFile, "compose.yaml").is_ok());
        assert!(validate(Key::ComposeFile, "compose.yml.bak").is_err());
    }

    #[test]
    fn turning_an_answer_off_is_saved_as_none() {
        let spec = spec(Key::HealthPath);
        assert_eq!(spec.off(), Some(Value::Off));
        let mut a = Answers::default();
        a.insert(Key::HealthPath, Value::Off);
        a.insert(Key::ServerTimeout, Value::Number(90));
        let text = render_saved(&a);
        assert!(
            text.contains("\nhealth-path = \"none\"\nserver-timeout = 90\n"),
            "{text}"
        );
        let layer = parse_saved(&text).unwrap();
        assert_eq!(layer.answers.health_path(), Some(None));
        assert_eq!(layer.answers.number(Key::ServerTimeout), Some(90));
        let err = parse_saved("server-timeout = \"soon\"\n").unwrap_err();
        assert!(
            err.to_string().contains("not a number from 1 to 86400"),
            "{err}"
        );
        for ok in ["512m", "1g", "1G", "768MB", "6291456"] {
            assert!(validate(Key::Memory, ok).is_ok(), "{ok}");
        }
        for bad in ["", "m", "512x", "1.5g", "-1g", "4m", "512 m"] {
            assert!(validate(Key::Memory, bad).is_err(), "{bad}");
        }
        for ok in ["1", "0.5", "2.25", "16"] {
            assert!(validate(Key::Cpus, ok).is_ok(), "{ok}");
        }
        for bad in ["", "0", "0.001", ".5", "1.", "-1", "1e3", "one", "NaN"] {
            assert!(validate(Key::Cpus, bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn the_report_shows_saved_answers_typed_in_table_order() {
        let json = serde_json::to_string(&every_answer()).unwrap();
        assert_eq!(
            json,
            r#"{"framework":"flask","package-manager":"poetry","python":"3.12","app-dir":"services/api","entrypoint":"config.wsgi:application","celery-app":"proj.celery:app","port":8080,"postgres":false,"redis":false,"task-workers":["celery","celery-beat"],"health-path":"/healthz","server-workers":4,"server-timeout":120,"worker-class":"gthread","max-requests":1000,"max-requests-jitter":50,"forwarded-allow-ips":"10.0.0.0/8,127.0.0.1","migrate-command":"flask db upgrade","compose-file":"compose.yaml","memory":"768m","cpus":"1.5","system-packages":"gettext,libmagic1","target":"compose,kubernetes","ingress-host":"app.example.com","proxy":"nginx","templates":"ops/templates","unmanaged":["docker-compose.yml","services/api/Dockerfile"]}"#
        );
    }

    /// The `[detected]` table round-trips beside the answers, holds no answer, and is checked like one.
    #[test]
    fn the_detected_table_round_trips_and_is_checked() {
        let mut answers = Answers::default();
        answers.insert(Key::Port, Value::Port(8088));
        let mut detected = Answers::default();
        detected.insert(Key::Port, Value::Port(8000));
        detected.insert(Key::Redis, Value::Bool(true));
        detected.insert(Key::TaskWorkers, Value::Workers(vec![]));
        let text = render_saved_with(&answers, &detected);
        let layer = parse_saved(&text).unwrap();
        assert_eq!(layer.answers, answers, "{text}");
        assert_eq!(layer.detected, detected, "{text}");
        assert!(!layer.origins.contains_key(&Key::Redis));
        assert_eq!(
            render_saved(&answers),
            render_saved_with(&answers, &Answers::default())
        );
        assert!(!render_saved(&answers).contains("[detected]"));
        let err = parse_saved("[detected]\nport = \"http\"\n").unwrap_err();
        assert!(err.to_string().contains("not a port"), "{err}");
        let err = parse_saved("detected = 3\n").unwrap_err();
        assert!(err.to_string().contains("must be a table"), "{err}");
    }
}
