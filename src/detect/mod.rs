//! Detection: facts about a Python web project, each with its evidence.
//!
//! [`detect`] is a table of contents of named steps: walk the tree once, list app candidates (each
//! framework's markers and app objects), pick the project they belong to, read its manifests, choose the
//! package manager and read the production dependencies through it, resolve the app through its
//! framework, choose the Python version, and derive services, workers, servers, native needs and the
//! environment the app reads from the data tables in [`crate::knowledge`]. Every decided value carries
//! an [`Evidence`]. Explicit options override detection and are recorded as such. Detection never
//! writes, never prints, and never runs the user's code.
//!
//! Frameworks and package managers come from a [`Registry`] (the built-in one by default), so a test can
//! register one more.

mod app;
mod candidates;
mod dockerfile;
mod env;
mod health;
mod needs;
mod python;
mod root;
mod writes;

use crate::base::diag::Diagnostics;
use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;

use serde::{Serialize, Serializer};

use crate::base::answer::Key as Answer;
use crate::base::error::{Error, Result};
pub use crate::base::evidence::{Evidence, EvidenceMap, Key};
pub use crate::base::kinds::Interface;
use crate::base::kinds::{Server, Service};
use crate::base::relpath::RelDir;
pub use crate::framework::{EnvRead as EnvVar, Framework};
use crate::knowledge::NativeDeps;
pub use crate::manager::PackageManager;
use crate::manager::{InstallFacts, LockArtifacts, Manifests, ReadCx};
use crate::parse::deps::DepSet;
use crate::parse::walk;
use crate::queue::{QueueFacts, TaskQueue};
pub use dockerfile::{OwnDockerfile, is_package as is_debian_package};
pub use root::{Root, Search, find_root, find_root_with};

/// The frameworks and package managers detection knows.
#[derive(Clone, Copy)]
pub struct Registry<'a> {
    pub frameworks: &'a [Framework],
    pub managers: &'a [PackageManager],
    pub queues: &'a [TaskQueue],
}

impl Registry<'static> {
    /// The built-in registries.
    pub fn builtin() -> Self {
        Registry {
            frameworks: crate::framework::ALL,
            managers: crate::manager::ALL,
            queues: crate::queue::ALL,
        }
    }
}

impl Registry<'_> {
    /// What the walk looks for: every manager's markers plus pyproject.toml, every framework's marker
    /// files, and the module names worth summarising (the task queues' own included).
    fn markers(&self) -> walk::Markers {
        let mut project: Vec<&'static str> = vec!["pyproject.toml"];
        for m in self.managers {
            project.extend(m.markers().iter().copied());
        }
        walk::Markers {
            project,
            app: self
                .frameworks
                .iter()
                .flat_map(|f| f.marker_files().iter().copied())
                .collect(),
            modules: walk::APP_MODULES
                .iter()
                .chain(self.queues.iter().flat_map(|q| q.module_files()))
                .copied()
                .collect(),
        }
    }
}

/// Explicit choices that override detection (from flags, environment or saved answers).
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub framework: Option<Framework>,
    pub package_manager: Option<PackageManager>,
    pub python: Option<String>,
    pub app_dir: Option<String>,
    pub entrypoint: Option<String>,
    /// The Celery app (`celery -A`), instead of the one the Procfile or the sources show.
    pub celery_app: Option<String>,
    /// How the package index may be asked which wheels the requirements' exact pins have; `None` (the
    /// default, and `--offline`) asks nothing.
    pub index: Option<crate::pkgindex::Access>,
    /// Where each given option came from, by answer (`framework`, `package-manager`, `python`,
    /// `app-dir`, `entrypoint`); an option without an entry is reported as its command-line flag.
    pub origins: BTreeMap<Answer, Evidence>,
}

impl Options {
    /// The evidence for an explicit choice of `key` (recorded origin, else the `--key` flag).
    pub fn evidence(&self, key: Answer) -> Evidence {
        self.origins
            .get(&key)
            .cloned()
            .unwrap_or_else(|| Evidence::rule(&format!("{} flag", key.flag())))
    }

    /// The app the app answer names for the task queue that takes it, with its evidence.
    pub(super) fn queue_app(&self) -> Option<(String, Evidence)> {
        let app = self.celery_app.clone()?;
        Some((app, self.evidence(Answer::CeleryApp)))
    }

    /// `--app-dir` normalised.
    fn app_dir(&self) -> Option<RelDir> {
        self.app_dir.as_deref().map(RelDir::new)
    }
}

/// One possible app, as listed in reports and ambiguity errors.
#[derive(Debug, Clone, Serialize)]
pub struct AppCandidate {
    pub framework: Framework,
    pub app_dir: RelDir,
    pub entrypoint: String,
    pub evidence: Evidence,
}

impl fmt::Display for AppCandidate {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} ({} `{}`, {})",
            self.app_dir, self.framework, self.entrypoint, self.evidence
        )
    }
}

/// Everything detection found. The first keys are the stable `--json` contract.
#[derive(Debug, Clone, Serialize)]
pub struct Project {
    pub framework: Framework,
    pub package_manager: PackageManager,
    pub python_version: crate::base::python::PythonVersion,
    pub app_dir: RelDir,
    pub entrypoint: String,
    /// The framework's settings module (Django's), serialised under each registered framework's own
    /// key (`django_settings_module`: the module, or null).
    #[serde(flatten)]
    pub settings_module: SettingsModule,
    pub services: Vec<Service>,
    /// The task queues whose workers the project runs.
    pub workers: Vec<TaskQueue>,
    pub warnings: Vec<String>,
    pub evidence: EvidenceMap,
    /// The directory holding the manifests and lockfile (the build context), relative to PATH.
    pub project_dir: RelDir,
    pub interface: Interface,
    /// App servers already among the production dependencies.
    pub servers: Vec<Server>,
    /// Whether the project is an installable package (`[build-system]` present).
    pub installable: bool,
    /// The project's name from its manifest, if it has one.
    pub project_name: Option<String>,
    /// The locked install: serialised as `install_files`, the files it needs relative to `project_dir`.
    #[serde(rename = "install_files", serialize_with = "install_files")]
    pub install: InstallFacts,
    /// Whether static files have a collection root (Django's STATIC_ROOT; null for other frameworks).
    pub static_root: Option<bool>,
    /// Directories the framework's configuration names for data, not code (STATIC_ROOT, MEDIA_ROOT,
    /// Flask's instance folder), relative to `app_dir` or absolute in the image.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub data_dirs: Vec<crate::framework::DataDir>,
    /// What each registered task queue found (its app, schedule and queues), in the registry's order;
    /// serialised as each queue's own keys (`celery_app`, `celery_beat`, `rq_queues`).
    #[serde(flatten)]
    pub queues: QueuesFound,
    /// System packages for source builds.
    pub native: Vec<NativeDeps>,
    /// A setuptools requirement installed beside the dependencies (one of them imports `pkg_resources`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub setuptools: Option<String>,
    /// Production dependencies (normalised name, extras, locked version, evidence).
    pub dependencies: DepSet,
    /// Every app candidate considered, the chosen one first.
    pub candidates: Vec<AppCandidate>,
    /// Environment variables the settings or app modules read, by name.
    pub env_vars: Vec<EnvVar>,
    /// The app's health route (`/healthz`), when its routes show one; its evidence is `health_path`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub health_path: Option<String>,
    /// Where the app creates its tables itself (`metadata.create_all()`), if it does.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creates_tables: Option<Evidence>,
    /// The app's own CLI commands that create its schema (`init-db`, as in Flask's tutorial), with
    /// where they are defined. dockgen never runs them (they usually drop and recreate the tables).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub schema_commands: Vec<(String, Evidence)>,
    /// Facts the framework's analysis recorded for its own plan hooks.
    #[serde(skip)]
    pub framework_facts: std::collections::BTreeSet<&'static str>,
    /// Compose files already in the build context (`compose.yaml`, `compose.yml`,
    /// `docker-compose.yaml`, `docker-compose.yml`), in `docker compose`'s order of preference: the plan
    /// tells which of them would be read instead of the generated one.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub compose_files: Vec<String>,
    /// The directory holding `alembic.ini`, relative to PATH, when it is above the app directory
    /// (Alembic then runs from there).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub alembic_dir: Option<RelDir>,
    /// What the project's own Dockerfile (not one dockgen generated) shows: its port and system packages
    /// are carried over, its other build steps dropped (each said in a warning).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub own_dockerfile: Option<OwnDockerfile>,
    /// The entries of the project's own example environment file (`.env.sample`, ...), with where each
    /// is written: values the planner may take for required variables it cannot supply.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub example_env: Vec<ExampleValue>,
}

/// One `NAME=value` of the project's example environment file.
#[derive(Debug, Clone, Serialize)]
pub struct ExampleValue {
    pub name: String,
    pub value: String,
    pub evidence: Evidence,
}

fn install_files<S: Serializer>(
    install: &InstallFacts,
    s: S,
) -> std::result::Result<S::Ok, S::Error> {
    install.files.serialize(s)
}

impl Project {
    /// The files the locked install needs, relative to `project_dir`.
    pub fn install_files(&self) -> &[String] {
        &self.install.files
    }

    /// What detection found of queue `q` (nothing, for a queue the project does not use).
    pub fn queue(&self, q: TaskQueue) -> &QueueFacts {
        self.queue_named(q.as_str())
    }

    /// What detection found of the queue named `name` (nothing, for one the project does not use).
    pub fn queue_named(&self, name: &str) -> &QueueFacts {
        static NONE: QueueFacts = QueueFacts {
            app: None,
            schedule: false,
            queues: Vec::new(),
        };
        self.queues
            .0
            .iter()
            .find(|(k, _)| k.as_str() == name)
            .map_or(&NONE, |(_, f)| f)
    }

    /// The framework's settings module (Django's), if it has one.
    pub fn settings_module(&self) -> Option<&str> {
        self.settings_module.module.as_deref()
    }

    /// The app of the queue the app answer names (`--celery-app`), as detection found it.
    pub fn answered_queue_app(&self) -> Option<&str> {
        let (_, f) = self.queues.0.iter().find(|(q, _)| q.takes_app_answer())?;
        f.app.as_deref()
    }
}

/// The chosen framework's settings module, serialised as every registered framework's key for one
/// (the chosen framework's with the module, the others null), so the `--json` keys do not depend on
/// the framework.
#[derive(Debug, Clone, Default)]
pub struct SettingsModule {
    pub module: Option<String>,
    /// The chosen framework's key.
    pub key: Option<&'static str>,
    /// Every registered framework's key.
    pub keys: Vec<&'static str>,
}

impl Serialize for SettingsModule {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        for k in &self.keys {
            let value = self.module.as_ref().filter(|_| self.key == Some(*k));
            map.serialize_entry(k, &value)?;
        }
        map.end()
    }
}

/// What each registered task queue found, serialised as each queue's own keys: `<queue>_app` for a
/// queue that needs an app, its scheduler's name (`celery_beat`) for one with a scheduler, and
/// `<queue>_queues` when the Procfile names queues.
#[derive(Debug, Clone, Default)]
pub struct QueuesFound(pub Vec<(TaskQueue, QueueFacts)>);

impl Serialize for QueuesFound {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let mut map = s.serialize_map(None)?;
        for (q, f) in &self.0 {
            if q.needs_app() {
                map.serialize_entry(&format!("{q}_app"), &f.app)?;
            }
            if let Some(sched) = q.scheduler() {
                map.serialize_entry(&sched.kind.replace('-', "_"), &f.schedule)?;
            }
            if !f.queues.is_empty() {
                map.serialize_entry(&format!("{q}_queues"), &f.queues)?;
            }
        }
        map.end()
    }
}

/// Runs detection on `root` with the built-in registries.
pub fn detect(root: &Path, opts: &Options) -> Result<Project> {
    detect_with(root, opts, Registry::builtin())
}

/// Runs detection on `root` with the given frameworks and package managers.
pub fn detect_with(root: &Path, opts: &Options, reg: Registry) -> Result<Project> {
    check_dir(root)?;
    let mut warnings = Diagnostics::new();
    steps(root, opts, reg, &mut warnings).map_err(|e| with_warnings(e, &warnings))
}

/// How many of the warnings gathered before a failure its hint repeats.
const WARNINGS_IN_HINT: usize = 5;

/// A failure with the warnings gathered until then in its hint: a file that could not be read (a FIFO,
/// not UTF-8) may be why detection failed, and the warnings are otherwise never shown.
fn with_warnings(e: Error, warnings: &[String]) -> Error {
    let said = e.hint().unwrap_or_default();
    // What the error's own hint already says (a skipped name it explains) is not repeated.
    let warnings: Vec<String> = dedup(warnings.to_vec())
        .into_iter()
        .filter(|w| !said.contains(w.as_str()) && !e.to_string().contains(w.as_str()))
        .collect();
    if warnings.is_empty() {
        return e;
    }
    let mut hint = e.hint().map(|h| format!("{h}\n")).unwrap_or_default();
    hint.push_str("dockgen also noted, before it stopped:");
    for w in warnings.iter().take(WARNINGS_IN_HINT) {
        hint.push_str(&format!("\n  - {w}"));
    }
    if warnings.len() > WARNINGS_IN_HINT {
        hint.push_str(&format!(
            "\n  - and {} more",
            warnings.len() - WARNINGS_IN_HINT
        ));
    }
    e.with_hint(hint)
}

/// The steps of [`detect_with`], gathering warnings into `warnings` (moved into the project).
// Longer than 60 lines: about forty lines of named steps, then the `Project` literal at one line per
// field; the literal shrinks as `Project` hands its framework- and queue-specific fields to their
// registries.
fn steps(
    root: &Path,
    opts: &Options,
    reg: Registry,
    warnings: &mut Diagnostics,
) -> Result<Project> {
    let scan = scan_tree(root, &reg, warnings);
    let named = candidates::named(root, &scan, &reg, warnings);
    let sources = candidates::load_sources(root, &scan, &reg, &named, warnings);
    let mut found = candidates::collect(root, &scan, &sources, &reg, &named, opts)?;
    let project_dir = candidates::pick_project(root, &scan, &mut found, opts)?;
    let manifests = Manifests::load(root, &project_dir, &scan, reg.managers)?;
    let (manager, manager_evidence) = choose_manager(&manifests, opts, &reg, warnings);
    let (dependencies, install, artifacts) =
        read_dependencies(root, &manifests, manager, warnings)?;
    let mut evidence = EvidenceMap::from([(Key::PackageManager, manager_evidence)]);
    let chosen = app::resolve(
        app::Tree {
            root,
            sources: &scan.sources,
        },
        &mut found,
        &dependencies,
        opts,
        &manifests.lock_dir,
        &mut evidence,
        warnings,
    )?;
    let locked = python::Locked {
        managers: reg.managers,
        deps: &dependencies,
        artifacts: artifacts.as_ref(),
        install: &install,
    };
    let (python, source_builds) =
        python::decide(root, &manifests, opts, locked, &mut evidence, warnings)?;
    let dir = &manifests.lock_dir;
    let worker_sources =
        candidates::load_worker_sources(root, &scan, dir, &sources, reg.queues, warnings);
    let from = needs::From {
        procfile: procfile(root, &scan.sources, dir, &mut Diagnostics::new()),
        deps: &dependencies,
        chosen: &chosen,
        sources: &worker_sources,
        opts,
        queues: reg.queues,
    };
    let mut needs = needs::collect(from, &mut evidence, warnings);
    needs::add_source_builds(&mut needs.native, &source_builds, &mut evidence);
    let setuptools = needs::setuptools(&dependencies, &reg, &mut evidence);
    let env_sources = candidates::load_env_sources(root, &scan, dir, reg.queues, warnings);
    let mut env_vars = environment(&chosen, &env_sources, dir, &dependencies, reg, warnings);
    keep_safe_values(&mut env_vars, &mut needs, warnings);
    needs::brokers_from_env(&env_vars, &mut needs, &mut evidence);
    let data_dirs = data_dirs(&chosen, &env_sources, &env_vars);
    let health_path = health::route(root, &scan, &chosen, reg, dir, &mut evidence, warnings);
    Ok(Project {
        own_dockerfile: dockerfile::read(root, dir, warnings),
        creates_tables: creates_tables(&env_sources),
        schema_commands: schema_commands(&env_sources),
        framework_facts: with_alembic_config(
            chosen.analysis.facts.clone(),
            root,
            &chosen.app_dir,
            dir,
        ),
        compose_files: compose_files(root, dir),
        health_path,
        alembic_dir: alembic_dir(root, &chosen.app_dir, dir),
        example_env: example_env(root, &[dir, &chosen.app_dir], warnings),
        framework: chosen.framework,
        package_manager: manager,
        python_version: python.version,
        app_dir: chosen.app_dir,
        entrypoint: chosen.entrypoint,
        settings_module: SettingsModule {
            module: chosen.analysis.settings_module.clone(),
            key: chosen.framework.settings_module_key(),
            keys: reg
                .frameworks
                .iter()
                .filter_map(|f| f.settings_module_key())
                .collect(),
        },
        services: needs.services,
        workers: needs.workers,
        warnings: dedup(warnings.take()),
        evidence,
        project_dir: manifests.lock_dir.clone(),
        interface: chosen.interface,
        servers: needs.servers,
        installable: manifests.installable(),
        project_name: manifests.project_name(),
        install,
        static_root: chosen.analysis.static_root,
        data_dirs,
        queues: QueuesFound(needs.queues),
        native: needs.native,
        setuptools,
        dependencies,
        candidates: chosen.candidates,
        env_vars,
    })
}

/// The entries of the first example environment file found in `dirs` (the build context, then the app
/// directory). A `.env.example` dockgen wrote is not the project's.
fn example_env(root: &Path, dirs: &[&RelDir], warnings: &mut Diagnostics) -> Vec<ExampleValue> {
    for dir in dirs {
        for name in crate::knowledge::EXAMPLE_ENV_FILES {
            let rel = dir.join(name);
            let path = crate::base::fs::join(root, &rel);
            if !crate::base::fs::is_file(&path) {
                continue;
            }
            let limit = crate::base::fs::limit::MANIFEST;
            let text = match crate::base::fs::read_inside(root, &path, Path::new(&rel), limit) {
                Ok(t) => t,
                Err(e) => {
                    warnings.warn(format!("`{rel}` was not read: {e}"));
                    continue;
                }
            };
            if text.starts_with("# Generated by dockgen") {
                continue;
            }
            return crate::parse::env_example::parse(&text)
                .into_iter()
                .map(|e| ExampleValue {
                    evidence: Evidence::at(&rel, e.line, "the project's example environment file"),
                    name: e.name,
                    value: e.value,
                })
                .collect();
        }
    }
    Vec::new()
}

/// Where the app creates its tables itself (`metadata.create_all()`), if it does.
fn creates_tables(sources: &[crate::parse::apps::Source]) -> Option<Evidence> {
    sources
        .iter()
        .find_map(|s| s.summary.create_all.first().map(|l| (s, *l)))
        .map(|(s, l)| Evidence::at(&s.file, l, "the app creates its tables with create_all()"))
}

/// Names of CLI commands that create a schema, compared without case, `-` or `_`.
const SCHEMA_COMMANDS: &[&str] = &[
    "initdb",
    "dbinit",
    "createdb",
    "initdatabase",
    "createdatabase",
    "createtables",
    "inittables",
    "initschema",
    "createschema",
];

/// The app's click commands named like a schema creation (`init-db`).
fn schema_commands(sources: &[crate::parse::apps::Source]) -> Vec<(String, Evidence)> {
    let mut out = vec![];
    for s in sources {
        for (name, line) in &s.summary.cli_commands {
            let key: String = name
                .chars()
                .filter(|c| c.is_ascii_alphanumeric())
                .collect::<String>()
                .to_ascii_lowercase();
            if SCHEMA_COMMANDS.contains(&key.as_str()) {
                let rule = format!("click command `{name}`");
                out.push((name.clone(), Evidence::at(&s.file, *line, &rule)));
            }
        }
    }
    out
}

/// The framework's configured data directories, then the ones the app's code creates.
fn data_dirs(
    chosen: &app::Chosen,
    sources: &[crate::parse::apps::Source],
    env_vars: &[EnvVar],
) -> Vec<crate::framework::DataDir> {
    let mut out = chosen.analysis.data_dirs.clone();
    for d in writes::dirs(sources, env_vars) {
        if !out.iter().any(|o| o.path == d.path) {
            out.push(d);
        }
    }
    out
}

/// The environment variables the code reads, each traced to what it feeds.
fn environment(
    chosen: &app::Chosen,
    sources: &[crate::parse::apps::Source],
    context: &RelDir,
    deps: &DepSet,
    reg: Registry,
    warnings: &mut Diagnostics,
) -> Vec<EnvVar> {
    let mut env_vars = needs::env_reads(chosen, sources, context);
    let comparisons = needs::comparisons(chosen, sources, context);
    let database = env::database_of(deps);
    let consumer = env::Consumer {
        frameworks: reg.frameworks,
        queues: reg.queues,
        framework_scheme: chosen.framework.database_url_scheme(database),
        database,
        deps,
    };
    warnings.extend(env::trace(&mut env_vars, &comparisons, &consumer));
    env_vars
}

fn check_dir(root: &Path) -> Result<()> {
    let meta = std::fs::metadata(root).map_err(|source| Error::Io {
        path: root.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(Error::NotADirectory {
            path: root.to_path_buf(),
        });
    }
    Ok(())
}

fn scan_tree(root: &Path, reg: &Registry, warnings: &mut Diagnostics) -> walk::Scan {
    let scan = walk::scan(root, &reg.markers());
    warnings.extend(scan.warnings.iter().cloned());
    if scan.truncated {
        warnings.warn(format!(
            "the project tree has more than {} entries; detection read only the first ones",
            walk::MAX_ENTRIES
        ));
    }
    scan
}

/// The manager: an explicit choice, else the strongest evidence among the registry's.
fn choose_manager(
    m: &Manifests,
    opts: &Options,
    reg: &Registry,
    warnings: &mut Diagnostics,
) -> (PackageManager, Evidence) {
    match opts.package_manager {
        Some(pm) => (pm, opts.evidence(Answer::PackageManager)),
        None => crate::manager::choose(reg.managers, m, warnings),
    }
}

/// The production dependencies through the chosen manager, and the facts its install needs.
fn read_dependencies(
    root: &Path,
    m: &Manifests,
    manager: PackageManager,
    warnings: &mut Diagnostics,
) -> Result<(DepSet, InstallFacts, Option<LockArtifacts>)> {
    let direct = m.runtime_deps()?;
    let mut cx = ReadCx {
        root,
        manifests: m,
        direct,
        warnings,
    };
    let mut reading = manager.read(&mut cx)?;
    reading.facts.pyproject = m.pyproject_file();
    Ok((reading.deps, reading.facts, reading.artifacts))
}

/// The Procfile in `dir`: its path and processes, when there is one. One that cannot be read (a
/// directory, a FIFO, too large) is a warning, not silently passed over (detection reads it first while
/// listing candidates, and reports it then).
fn procfile(
    root: &Path,
    sources: &crate::parse::index::SourceIndex,
    dir: &RelDir,
    warnings: &mut Diagnostics,
) -> Option<(String, Vec<crate::parse::procfile::Process>)> {
    let rel = dir.join("Procfile");
    let path = crate::base::fs::join(root, &rel);
    if !crate::base::fs::exists(&path) {
        return None;
    }
    match sources.text_within(root, &rel, crate::base::fs::limit::SMALL) {
        Ok(text) => Some((rel, crate::parse::procfile::parse(&text))),
        Err(why) => {
            warnings.warn(format!("{why}; the processes in it were not read"));
            None
        }
    }
}

/// The compose files `docker compose` finds by itself, present in the build context.
fn compose_files(root: &Path, context: &RelDir) -> Vec<String> {
    crate::knowledge::COMPOSE_FILES
        .iter()
        .map(|f| context.join(f))
        .filter(|rel| crate::base::fs::exists(&crate::base::fs::join(root, rel)))
        .collect()
}

/// `facts` with [`ALEMBIC_CONFIG`](crate::framework::ALEMBIC_CONFIG) when `alembic.ini`, or a
/// pyproject.toml with a `[tool.alembic]` table (Alembic 1.16 and later read it), is in the app
/// directory or a directory above it inside the build context.
fn with_alembic_config(
    mut facts: std::collections::BTreeSet<&'static str>,
    root: &Path,
    app_dir: &RelDir,
    context: &RelDir,
) -> std::collections::BTreeSet<&'static str> {
    let configured = |d: &RelDir| {
        crate::base::fs::is_file(&d.file_on(root, "alembic.ini"))
            || std::fs::read_to_string(d.file_on(root, "pyproject.toml")).is_ok_and(|t| {
                t.lines()
                    .any(|l| l.trim_start().starts_with("[tool.alembic"))
            })
    };
    let mut dir = Some(app_dir.clone());
    while let Some(d) = dir {
        if !context.contains(d.as_str()) {
            break;
        }
        if configured(&d) {
            facts.insert(crate::framework::ALEMBIC_CONFIG);
            break;
        }
        dir = d.parent();
    }
    facts
}

/// The directory holding `alembic.ini` between the app directory (excluded: the app runs from there)
/// and the build context.
fn alembic_dir(root: &Path, app_dir: &RelDir, context: &RelDir) -> Option<RelDir> {
    if crate::base::fs::is_file(&app_dir.file_on(root, "alembic.ini")) {
        return None;
    }
    let mut dir = app_dir.parent();
    while let Some(d) = dir {
        if !context.contains(d.as_str()) {
            return None;
        }
        if crate::base::fs::is_file(&d.file_on(root, "alembic.ini")) {
            return Some(d);
        }
        dir = d.parent();
    }
    None
}

/// Values read from the code that land in generated files: environment variable names a shell and
/// compose can set, task-queue apps and queue names without control characters. Others are dropped, each
/// with a warning naming where it was read.
fn keep_safe_values(
    env_vars: &mut Vec<EnvVar>,
    needs: &mut needs::Needs,
    warnings: &mut Diagnostics,
) {
    env_vars.retain(|v| match crate::base::valid::env_name(&v.name) {
        Ok(()) => true,
        Err(why) => {
            warnings.warn(format!("{why}; the read at {} was ignored", v.evidence));
            false
        }
    });
    for (q, facts) in &mut needs.queues {
        if let Some(app) = &facts.app
            && let Err(why) = crate::base::valid::text(&format!("the {} app", q.title()), app)
        {
            warnings.warn(format!("{why}; no {} worker was planned for it", q.title()));
            facts.app = None;
        }
        let what = format!("the {} queue", q.title());
        facts
            .queues
            .retain(|name| match crate::base::valid::text(&what, name) {
                Ok(()) => true,
                Err(why) => {
                    warnings.warn(format!("{why}; it was ignored"));
                    false
                }
            });
    }
}

fn dedup(v: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    v.into_iter().filter(|w| seen.insert(w.clone())).collect()
}
