//! Where a decision came from: a file, a line and a rule, under a typed [`Key`].
//!
//! Keys are typed so that a typo is a compile error rather than a silently missing entry; they serialise
//! to the stable strings of the `--json` contract (`framework`, `services.postgres`, `native.psycopg2`)
//! and sort by those strings, so reports keep their order.

use std::collections::BTreeMap;
use std::fmt;

use serde::{Serialize, Serializer};

use super::kinds::{Server, Service};

/// Where a decision came from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Evidence {
    /// The file, relative to the project root; none for flags and defaults.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub file: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub line: Option<usize>,
    pub rule: String,
}

impl Evidence {
    /// Found at `file:line` by `rule`.
    pub fn at(file: &str, line: usize, rule: &str) -> Self {
        Evidence {
            file: Some(file.to_string()),
            line: Some(line),
            rule: rule.to_string(),
        }
    }
    /// Found in `file` (no one line) by `rule`.
    pub fn file(file: &str, rule: &str) -> Self {
        Evidence {
            file: Some(file.to_string()),
            line: None,
            rule: rule.to_string(),
        }
    }
    /// A rule with no file: a flag, a default.
    pub fn rule(rule: &str) -> Self {
        Evidence {
            file: None,
            line: None,
            rule: rule.to_string(),
        }
    }
    /// The same place with another rule.
    pub fn with_rule(&self, rule: impl Into<String>) -> Self {
        Evidence {
            rule: rule.into(),
            ..self.clone()
        }
    }
    /// `file:line` or `file` with `rule`, the rule alone when there is no file.
    pub fn at_or_rule(file: &str, line: Option<usize>, rule: &str) -> Self {
        match line {
            Some(l) => Evidence::at(file, l, rule),
            None => Evidence::file(file, rule),
        }
    }
}

impl fmt::Display for Evidence {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.file, self.line) {
            (Some(file), Some(line)) => write!(f, "{file}:{line}: {}", self.rule),
            (Some(file), None) => write!(f, "{file}: {}", self.rule),
            _ => write!(f, "{}", self.rule),
        }
    }
}

/// What a piece of evidence decides.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Key {
    Framework,
    PackageManager,
    PythonVersion,
    AppDir,
    Entrypoint,
    StaticRoot,
    /// The app a task queue's services run, by the queue's name (`celery_app`).
    QueueApp(&'static str),
    /// The schedule a task queue's scheduler runs, by the scheduler's answer name (`celery_beat`).
    Scheduler(&'static str),
    /// A fact of the framework's own, by the name its analysis gives it (Django's settings module,
    /// `COMPRESS_OFFLINE = True`).
    Fact(&'static str),
    /// The app's health route.
    HealthPath,
    /// A backing service the project needs.
    Service(Service),
    /// A task queue the project uses, by its name.
    Worker(&'static str),
    /// An application server among the dependencies.
    Server(Server),
    /// A source build of this package (normalised name).
    Native(String),
    /// setuptools added to the venv for a dependency that imports `pkg_resources`.
    Setuptools,
}

impl fmt::Display for Key {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Key::Framework => f.write_str("framework"),
            Key::PackageManager => f.write_str("package_manager"),
            Key::PythonVersion => f.write_str("python_version"),
            Key::AppDir => f.write_str("app_dir"),
            Key::Entrypoint => f.write_str("entrypoint"),
            Key::StaticRoot => f.write_str("static_root"),
            Key::QueueApp(q) => write!(f, "{q}_app"),
            Key::Scheduler(kind) => f.write_str(&kind.replace('-', "_")),
            Key::Fact(name) => f.write_str(name),
            Key::HealthPath => f.write_str("health_path"),
            Key::Service(s) => write!(f, "services.{s}"),
            Key::Worker(w) => write!(f, "workers.{w}"),
            Key::Server(s) => write!(f, "servers.{s}"),
            Key::Native(p) => write!(f, "native.{p}"),
            Key::Setuptools => f.write_str("setuptools"),
        }
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.to_string().cmp(&other.to_string())
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Serialize for Key {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Evidence for every decided key.
pub type EvidenceMap = BTreeMap<Key, Evidence>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_serialise_to_the_json_contract_and_sort_by_it() {
        let mut m = EvidenceMap::new();
        m.insert(Key::Service(Service::Redis), Evidence::rule("r"));
        m.insert(Key::AppDir, Evidence::rule("a"));
        m.insert(Key::Server(Server::Gunicorn), Evidence::rule("g"));
        m.insert(Key::Native("psycopg2".into()), Evidence::rule("n"));
        let json = serde_json::to_string(&m).unwrap();
        assert_eq!(
            json,
            r#"{"app_dir":{"rule":"a"},"native.psycopg2":{"rule":"n"},"servers.gunicorn":{"rule":"g"},"services.redis":{"rule":"r"}}"#
        );
    }

    #[test]
    fn display_shows_file_line_and_rule() {
        assert_eq!(Evidence::at("a.py", 3, "r").to_string(), "a.py:3: r");
        assert_eq!(Evidence::file("a.py", "r").to_string(), "a.py: r");
        assert_eq!(Evidence::rule("r").to_string(), "r");
    }
}
