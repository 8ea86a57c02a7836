//! Answers: the choices a user makes about a project, and where each came from.
//!
//! Four layers decide every value, highest first: command-line flags, `DOCKGEN_*` environment variables,
//! saved answers in `dockgen.toml` at the project root, then detection. `init` saves the choices that
//! differ from detection (and keeps the ones saved before), so a later `dockgen init --check` with no
//! flags produces the same files. This module parses, validates, merges and renders answers; it reads
//! only the files and variables it is handed.

use std::collections::BTreeMap;
use std::fmt;
use std::path::Path;

use serde::{Deserialize, Serialize};
use toml::Spanned;

use crate::base::error::{Error, Position, Result, position_of};
use crate::detect::{Evidence, Framework, Options};
use crate::manager::PackageManager;
use crate::plan::{PlanOptions, WorkerKind};

/// The saved-answers file, at the project root.
pub const FILE: &str = "dockgen.toml";
/// The prefix of the environment variables that give answers.
pub const ENV_PREFIX: &str = "DOCKGEN_";

/// Every answer key, in the order they are asked and saved. `dockgen.toml` uses these names;
/// the environment variable is `DOCKGEN_` + the key upper-cased with `_` for `-`.
pub const KEYS: &[&str] = &[
    "framework",
    "package-manager",
    "python",
    "app-dir",
    "entrypoint",
    "port",
    "postgres",
    "redis",
    "workers",
    "templates",
];

/// One value for each choice; `None` means "not given at this layer".
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub struct Answers {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub framework: Option<Framework>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub package_manager: Option<PackageManager>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub python: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_dir: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<u16>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub postgres: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub redis: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub workers: Option<Vec<WorkerKind>>,
    /// A directory of forked templates (relative to the project root when saved).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub templates: Option<String>,
}

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
    pub origins: BTreeMap<String, Origin>,
}

/// The environment variable for an answer key.
pub fn env_var(key: &str) -> String {
    format!("{ENV_PREFIX}{}", key.to_ascii_uppercase().replace('-', "_"))
}

impl Answers {
    /// Whether `key` has a value.
    pub fn has(&self, key: &str) -> bool {
        match key {
            "framework" => self.framework.is_some(),
            "package-manager" => self.package_manager.is_some(),
            "python" => self.python.is_some(),
            "app-dir" => self.app_dir.is_some(),
            "entrypoint" => self.entrypoint.is_some(),
            "port" => self.port.is_some(),
            "postgres" => self.postgres.is_some(),
            "redis" => self.redis.is_some(),
            "workers" => self.workers.is_some(),
            "templates" => self.templates.is_some(),
            _ => false,
        }
    }

    /// Copies `key` from `other` into `self`.
    pub fn take(&mut self, key: &str, other: &Answers) {
        match key {
            "framework" => self.framework = other.framework,
            "package-manager" => self.package_manager = other.package_manager,
            "python" => self.python = other.python.clone(),
            "app-dir" => self.app_dir = other.app_dir.clone(),
            "entrypoint" => self.entrypoint = other.entrypoint.clone(),
            "port" => self.port = other.port,
            "postgres" => self.postgres = other.postgres,
            "redis" => self.redis = other.redis,
            "workers" => self.workers = other.workers.clone(),
            "templates" => self.templates = other.templates.clone(),
            _ => {}
        }
    }

    /// A short display of `key`'s value ("" when unset).
    pub fn show(&self, key: &str) -> String {
        match key {
            "framework" => self.framework.map(|f| f.to_string()),
            "package-manager" => self.package_manager.map(|p| p.to_string()),
            "python" => self.python.clone(),
            "app-dir" => self.app_dir.clone(),
            "entrypoint" => self.entrypoint.clone(),
            "port" => self.port.map(|p| p.to_string()),
            "postgres" => self.postgres.map(yes_no),
            "redis" => self.redis.map(yes_no),
            "workers" => self.workers.as_ref().map(|w| show_workers(w)),
            "templates" => self.templates.clone(),
            _ => None,
        }
        .unwrap_or_default()
    }

    /// Detection's options from these answers, with the origins as evidence.
    pub fn detect_options(&self, origins: &BTreeMap<String, Origin>) -> Options {
        let mut opts = Options {
            framework: self.framework,
            package_manager: self.package_manager,
            python: self.python.clone(),
            app_dir: self.app_dir.clone(),
            entrypoint: self.entrypoint.clone(),
            origins: BTreeMap::new(),
        };
        for (k, o) in origins {
            opts.origins.insert(k.clone(), o.evidence());
        }
        opts
    }

    /// The plan's options from these answers.
    pub fn plan_options(&self, name_hint: Option<String>) -> PlanOptions {
        PlanOptions {
            port: self.port,
            postgres: self.postgres,
            redis: self.redis,
            workers: self.workers.clone(),
            name_hint,
        }
    }
}

fn yes_no(b: bool) -> String {
    if b { "yes" } else { "no" }.into()
}

/// `celery, celery-beat` or `none`.
pub fn show_workers(w: &[WorkerKind]) -> String {
    if w.is_empty() {
        "none".into()
    } else {
        w.iter().map(|w| w.as_str()).collect::<Vec<_>>().join(", ")
    }
}

impl Layer {
    /// `self` over `lower`: each key from the first layer that has it.
    pub fn over(mut self, lower: &Layer) -> Layer {
        for key in KEYS {
            if !self.answers.has(key) && lower.answers.has(key) {
                self.answers.take(key, &lower.answers);
                if let Some(o) = lower.origins.get(*key) {
                    self.origins.insert(key.to_string(), o.clone());
                }
            }
        }
        self
    }

    /// Records `key` as given by `origin` in this layer (for layers built from flags).
    pub fn mark(&mut self, key: &str, origin: Origin) {
        if self.answers.has(key) {
            self.origins.insert(key.into(), origin);
        }
    }
}

// ---------------------------------------------------------------- validation

/// Checks a text value for `key` (`3.12.1` is a valid Python version; detection reduces it to 3.12).
pub fn validate(key: &str, value: &str) -> std::result::Result<(), String> {
    match key {
        "python" => {
            let parts: Vec<&str> = value.split('.').collect();
            if parts.len() >= 2
                && parts.len() <= 3
                && parts
                    .iter()
                    .all(|p| !p.is_empty() && p.chars().all(|c| c.is_ascii_digit()))
                && parts[0] == "3"
            {
                Ok(())
            } else {
                Err(format!(
                    "`{value}` is not a Python version: expected major.minor, such as 3.12"
                ))
            }
        }
        "app-dir" => {
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
        "entrypoint" => {
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
        _ => Ok(()),
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

/// Parses a yes/no value (`true`/`false`, `yes`/`no`, `1`/`0`, `on`/`off`).
pub fn parse_bool(s: &str) -> std::result::Result<bool, String> {
    match s.trim().to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(format!("`{s}` is not yes or no: expected true or false")),
    }
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
    let known: BTreeMap<String, &str> = KEYS.iter().map(|k| (env_var(k), *k)).collect();
    let mut vars: Vec<(String, String)> = vars
        .into_iter()
        .filter(|(k, _)| k.starts_with(ENV_PREFIX))
        .collect();
    vars.sort();
    for (var, value) in vars {
        let Some(key) = known.get(&var) else {
            warnings.push(format!(
                "ignoring `{var}`: dockgen reads only {}",
                KEYS.iter()
                    .map(|k| env_var(k))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
            continue;
        };
        if value.trim().is_empty() {
            continue;
        }
        let bad = |message: String| Error::Usage {
            message: format!("invalid environment variable `{var}={value}`: {message}"),
        };
        set(&mut layer.answers, key, value.trim()).map_err(bad)?;
        layer
            .origins
            .insert(key.to_string(), Origin::Env { var: var.clone() });
    }
    Ok(layer)
}

/// Sets `key` from text, validating it.
pub fn set(a: &mut Answers, key: &str, value: &str) -> std::result::Result<(), String> {
    match key {
        "framework" => a.framework = Some(value.parse()?),
        "package-manager" => a.package_manager = Some(value.parse()?),
        "python" => {
            validate(key, value)?;
            a.python = Some(value.into());
        }
        "app-dir" => {
            validate(key, value)?;
            a.app_dir = Some(value.into());
        }
        "entrypoint" => {
            validate(key, value)?;
            a.entrypoint = Some(value.into());
        }
        "port" => a.port = Some(parse_port(value)?),
        "postgres" => a.postgres = Some(parse_bool(value)?),
        "redis" => a.redis = Some(parse_bool(value)?),
        "workers" => a.workers = Some(parse_workers(value)?),
        "templates" => a.templates = Some(value.into()),
        _ => return Err(format!("unknown answer `{key}`")),
    }
    Ok(())
}

// ---------------------------------------------------------------- the saved layer

#[derive(Deserialize)]
#[serde(rename_all = "kebab-case", deny_unknown_fields)]
struct SavedFile {
    framework: Option<Spanned<String>>,
    package_manager: Option<Spanned<String>>,
    python: Option<Spanned<String>>,
    app_dir: Option<Spanned<String>>,
    entrypoint: Option<Spanned<String>>,
    port: Option<Spanned<toml::Value>>,
    postgres: Option<Spanned<toml::Value>>,
    redis: Option<Spanned<toml::Value>>,
    workers: Option<Spanned<Vec<String>>>,
    templates: Option<Spanned<String>>,
}

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

/// Parses saved answers from text.
pub fn parse_saved(text: &str) -> Result<Layer> {
    let err = |pos: Option<Position>, message: String| Error::Parse {
        path: FILE.into(),
        pos,
        message,
    };
    let file: SavedFile = toml::from_str(text).map_err(|e| {
        err(
            e.span().map(|s| position_of(text, s.start)),
            e.message().trim().to_string(),
        )
    })?;
    let mut layer = Layer::default();
    let mut put = |key: &str, span: std::ops::Range<usize>, value: String| -> Result<()> {
        set(&mut layer.answers, key, &value)
            .map_err(|m| err(Some(position_of(text, span.start)), format!("`{key}`: {m}")))?;
        layer.origins.insert(
            key.into(),
            Origin::Saved {
                file: FILE.into(),
                line: position_of(text, span.start).line,
            },
        );
        Ok(())
    };
    let s = |v: Option<Spanned<String>>| v.map(|v| (v.span(), v.into_inner()));
    if let Some((sp, v)) = s(file.framework) {
        put("framework", sp, v)?;
    }
    if let Some((sp, v)) = s(file.package_manager) {
        put("package-manager", sp, v)?;
    }
    if let Some((sp, v)) = s(file.python) {
        put("python", sp, v)?;
    }
    if let Some((sp, v)) = s(file.app_dir) {
        put("app-dir", sp, v)?;
    }
    if let Some((sp, v)) = s(file.entrypoint) {
        put("entrypoint", sp, v)?;
    }
    // Typed by hand, so a wrong type gets the same message as a wrong value.
    for (key, v) in [
        ("port", file.port),
        ("postgres", file.postgres),
        ("redis", file.redis),
    ] {
        let Some(v) = v else { continue };
        let span = v.span();
        let text = match (key, v.into_inner()) {
            ("port", toml::Value::Integer(i)) => i.to_string(),
            ("port", other) => format!("{other}"),
            (_, toml::Value::Boolean(b)) => b.to_string(),
            (_, other) => {
                return Err(err(
                    Some(position_of(text, span.start)),
                    format!("`{key}`: expected true or false, found {other}"),
                ));
            }
        };
        put(key, span, text)?;
    }
    if let Some(v) = file.workers {
        let span = v.span();
        let list = v.into_inner();
        if list.iter().any(|w| w.contains(',') || w.trim().is_empty()) {
            return Err(err(
                Some(position_of(text, span.start)),
                "`workers`: each entry is one worker name".into(),
            ));
        }
        let joined = if list.is_empty() {
            "none".to_string()
        } else {
            list.join(",")
        };
        put("workers", span, joined)?;
    }
    if let Some((sp, v)) = s(file.templates) {
        put("templates", sp, v)?;
    }
    Ok(layer)
}

/// The text of `dockgen.toml` for `answers`.
pub fn render_saved(answers: &Answers) -> String {
    let body = toml::to_string(answers).expect("answers serialise");
    format!(
        "# dockgen's saved answers: the choices that differ from what dockgen detects.\n\
         # `dockgen init` and `dockgen init --check` read them; flags and DOCKGEN_* variables override them.\n\
         # Keys: {}.\n\n{body}",
        KEYS.join(", ")
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn saved_answers_round_trip_and_carry_lines() {
        let a = Answers {
            python: Some("3.12".into()),
            port: Some(8080),
            redis: Some(false),
            workers: Some(vec![WorkerKind::Celery]),
            templates: Some("ops/templates".into()),
            ..Default::default()
        };
        let text = render_saved(&a);
        let layer = parse_saved(&text).unwrap();
        assert_eq!(layer.answers, a);
        let line_of = |needle: &str| text.lines().position(|l| l.starts_with(needle)).unwrap() + 1;
        assert_eq!(
            layer.origins["port"],
            Origin::Saved {
                file: FILE.into(),
                line: line_of("port")
            }
        );
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
            ("pyhton = \"3.12\"\n", 1, 1, "unknown field `pyhton`"),
            ("framework = \"rails\"\n", 1, 13, "expected one of"),
            ("python = \"2.7x\"\n", 1, 10, "not a Python version"),
            ("workers = [\"celery\", \"sidekiq\"]\n", 1, 11, "sidekiq"),
            ("python = \n", 1, 10, ""),
        ];
        for (text, line, column, msg) in cases {
            match parse_saved(text) {
                Err(Error::Parse {
                    path,
                    pos: Some(pos),
                    message,
                }) => {
                    assert_eq!(path, Path::new(FILE));
                    assert_eq!(
                        (pos.line, pos.column),
                        (line, column),
                        "{text:?}: {message}"
                    );
                    assert!(message.contains(msg), "{text:?}: {message}");
                }
                other => panic!("{text:?}: {other:?}"),
            }
        }
    }

    #[test]
    fn layers_take_each_key_from_the_highest_that_has_it() {
        let mut flags = Layer::default();
        flags.answers.port = Some(1);
        flags.mark(
            "port",
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
        assert_eq!(merged.answers.port, Some(1));
        assert_eq!(merged.answers.python.as_deref(), Some("3.11"));
        assert_eq!(merged.answers.redis, Some(false));
        assert_eq!(
            merged.origins["python"],
            Origin::Env {
                var: "DOCKGEN_PYTHON".into()
            }
        );
        assert_eq!(
            merged.origins["redis"],
            Origin::Saved {
                file: FILE.into(),
                line: 3
            }
        );
        assert!(matches!(merged.origins["port"], Origin::Flag { .. }));
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
        assert!(validate("entrypoint", "config.wsgi:application").is_ok());
        assert!(validate("entrypoint", "app:create_app()").is_ok());
        assert!(validate("entrypoint", "main").is_err());
        assert!(validate("entrypoint", "a b:c").is_err());
        assert!(validate("app-dir", "../x").is_err());
        assert!(validate("python", "3.12").is_ok());
        assert!(validate("python", "3").is_err());
        assert_eq!(parse_workers("none").unwrap(), vec![]);
        assert!(parse_workers("celery,bogus").is_err());
        assert!(parse_port("0").is_err());
    }
}
