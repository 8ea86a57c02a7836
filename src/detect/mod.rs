//! Detection: facts about a Python web project, each with its evidence.
//!
//! `detect(dir, options)` walks the tree once ([`walk`]), finds app candidates (Django `manage.py`,
//! Flask/FastAPI objects and factories), picks the project they belong to, reads its manifests and
//! lockfiles into a production dependency set, and derives the Python version, services, workers,
//! servers and native build needs from data tables in [`crate::knowledge`]. Every decided value carries
//! an [`Evidence`] (file, line, rule). Explicit options override detection and are recorded as such.
//! Detection never writes, never prints, and never runs the user's code.

pub mod apps;
pub mod deps;
pub mod django;
pub mod files;
pub mod lockfiles;
pub mod pyproject;
pub mod pysrc;
pub mod python_version;
pub mod requirements;
pub mod toml_util;
pub mod walk;

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::path::Path;
use std::str::FromStr;

use serde::Serialize;

use crate::error::{Error, Result};
use crate::knowledge::{self, NativeDeps, PACKAGES, Server, Service, Worker};
use deps::DepSet;
use files::limit;

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
    pub fn at(file: &str, line: usize, rule: &str) -> Self {
        Evidence {
            file: Some(file.to_string()),
            line: Some(line),
            rule: rule.to_string(),
        }
    }
    pub fn file(file: &str, rule: &str) -> Self {
        Evidence {
            file: Some(file.to_string()),
            line: None,
            rule: rule.to_string(),
        }
    }
    pub fn rule(rule: &str) -> Self {
        Evidence {
            file: None,
            line: None,
            rule: rule.to_string(),
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

macro_rules! string_enum {
    ($(#[$m:meta])* $name:ident { $($variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize, schemars::JsonSchema)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($variant),+ }
        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $s),+ } }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
        impl FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> std::result::Result<Self, String> {
                match s.to_ascii_lowercase().as_str() {
                    $($s => Ok($name::$variant),)+
                    _ => Err(format!("expected one of: {}", [$($s),+].join(", "))),
                }
            }
        }
    };
}

string_enum!(
    /// A web framework dockgen generates for.
    Framework { Django = "django", Flask = "flask", Fastapi = "fastapi" }
);
string_enum!(
    /// A package manager whose locked install the image reproduces.
    PackageManager { Uv = "uv", Poetry = "poetry", Pipenv = "pipenv", Pdm = "pdm", Pip = "pip" }
);
string_enum!(
    /// The server interface of the app.
    Interface { Wsgi = "wsgi", Asgi = "asgi" }
);

/// Explicit choices that override detection (from flags, environment or saved answers).
#[derive(Debug, Clone, Default)]
pub struct Options {
    pub framework: Option<Framework>,
    pub package_manager: Option<PackageManager>,
    pub python: Option<String>,
    pub app_dir: Option<String>,
    pub entrypoint: Option<String>,
    /// Where each given option came from, by answer key (`framework`, `package-manager`, `python`,
    /// `app-dir`, `entrypoint`); an option without an entry is reported as its command-line flag.
    pub origins: BTreeMap<String, Evidence>,
}

impl Options {
    /// The evidence for an explicit choice of `key` (recorded origin, else the `--key` flag).
    pub fn evidence(&self, key: &str) -> Evidence {
        self.origins
            .get(key)
            .cloned()
            .unwrap_or_else(|| Evidence::rule(&format!("--{key} flag")))
    }
}

/// One possible app, as listed in reports and ambiguity errors.
#[derive(Debug, Clone, Serialize)]
pub struct AppCandidate {
    pub framework: Framework,
    pub app_dir: String,
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
    pub python_version: String,
    pub app_dir: String,
    pub entrypoint: String,
    pub django_settings_module: Option<String>,
    pub services: Vec<Service>,
    pub workers: Vec<Worker>,
    pub warnings: Vec<String>,
    pub evidence: BTreeMap<String, Evidence>,
    /// The directory holding the manifests and lockfile (the build context), relative to PATH.
    pub project_dir: String,
    pub interface: Interface,
    /// App servers already among the production dependencies.
    pub servers: Vec<Server>,
    /// Whether the project is an installable package (`[build-system]` present).
    pub installable: bool,
    /// The project's name from its manifest, if it has one.
    pub project_name: Option<String>,
    /// Files the locked install needs, relative to `project_dir`.
    pub install_files: Vec<String>,
    /// Django: whether STATIC_ROOT is set (null when not Django).
    pub static_root: Option<bool>,
    /// Celery: the app to pass to `celery -A`, relative to `app_dir`.
    pub celery_app: Option<String>,
    pub celery_beat: bool,
    /// System packages for source builds.
    pub native: Vec<NativeDeps>,
    /// Production dependencies (normalised name, extras, locked version, evidence).
    pub dependencies: DepSet,
    /// Every app candidate considered, the chosen one first.
    pub candidates: Vec<AppCandidate>,
    /// Environment variables the settings or app modules read, by name.
    pub env_vars: Vec<EnvVar>,
}

/// An environment variable the application reads.
#[derive(Debug, Clone, Serialize)]
pub struct EnvVar {
    pub name: String,
    /// Whether the app fails to start without it.
    pub required: bool,
    pub evidence: Evidence,
}

/// Runs detection on `root`.
pub fn detect(root: &Path, opts: &Options) -> Result<Project> {
    let meta = std::fs::metadata(root).map_err(|source| Error::Io {
        path: root.to_path_buf(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(Error::NotADirectory {
            path: root.to_path_buf(),
        });
    }
    let scan = walk::scan(root);
    let mut warnings = Vec::new();
    if scan.truncated {
        warnings.push(format!(
            "the project tree has more than {} entries; detection read only the first ones",
            walk::MAX_ENTRIES
        ));
    }

    // ---- candidates
    let sources = apps::load(root, &scan.modules, &mut warnings);
    let mut cands: Vec<(AppCandidate, apps::Kind, String)> = Vec::new(); // + kind, manage.py path
    for m in &scan.manage_py {
        let dir = match m.rsplit_once('/') {
            Some((d, _)) => d.to_string(),
            None => ".".to_string(),
        };
        cands.push((
            AppCandidate {
                framework: Framework::Django,
                app_dir: dir,
                entrypoint: String::new(),
                evidence: Evidence::file(m, "manage.py"),
            },
            apps::Kind::Instance,
            m.clone(),
        ));
    }
    let flask_app = flask_app_setting(root, &scan);
    for c in apps::candidates(&sources) {
        let mut kind = c.kind;
        if let Some((dir, target, _)) = &flask_app
            && target_matches(dir, target, &c)
        {
            kind = apps::Kind::Explicit;
        }
        cands.push((
            AppCandidate {
                framework: c.framework,
                app_dir: c.app_dir.clone(),
                entrypoint: c.entrypoint.clone(),
                evidence: c.evidence.clone(),
            },
            kind,
            String::new(),
        ));
    }
    if let Some(fw) = opts.framework {
        cands.retain(|c| c.0.framework == fw);
    }

    // ---- which project
    let project_of = |app_dir: &str| -> String { owning_project(&scan, app_dir) };
    let all_listed: Vec<String> = cands.iter().map(|c| c.0.to_string()).collect();
    if let Some(want) = &opts.app_dir {
        let want = want.trim_end_matches('/').trim_start_matches("./");
        let want = if want.is_empty() { "." } else { want };
        cands.retain(|c| c.0.app_dir == want || project_of(&c.0.app_dir) == want);
        if cands.is_empty() && opts.entrypoint.is_none() {
            return Err(Error::AppDirNotFound {
                app_dir: want.into(),
                candidates: all_listed,
            });
        }
    }
    if cands.is_empty() && opts.entrypoint.is_none() {
        return Err(Error::NoApp {
            path: root.to_path_buf(),
            looked_for: "looked for manage.py (Django), a module-level `Flask(...)` / `FastAPI(...)` object or a \
                         `create_app` factory in app.py, main.py, wsgi.py, asgi.py, application.py or a package \
                         __init__.py (virtualenvs, node_modules and tests excluded); pass --app-dir and --entrypoint \
                         to point at it"
                .into(),
        });
    }
    // Rank: Django manage.py with a django dependency beats objects; then kind, then file conventions.
    cands.sort_by_key(|(c, kind, _)| {
        (
            *kind,
            file_rank(c),
            c.app_dir.matches('/').count(),
            c.app_dir.clone(),
        )
    });
    let projects: BTreeSet<String> = cands.iter().map(|c| project_of(&c.0.app_dir)).collect();
    if projects.len() > 1 {
        let mut seen = BTreeSet::new();
        let firsts: Vec<&AppCandidate> = cands
            .iter()
            .filter(|c| seen.insert(project_of(&c.0.app_dir)))
            .map(|c| &c.0)
            .collect();
        return Err(Error::Ambiguous {
            path: root.to_path_buf(),
            candidates: firsts.iter().map(|c| c.to_string()).collect(),
            app_dirs: firsts.iter().map(|c| c.app_dir.clone()).collect(),
        });
    }
    let project_dir = projects
        .into_iter()
        .next()
        .or_else(|| opts.app_dir.clone())
        .unwrap_or_else(|| ".".into());

    // ---- manifests of that project
    let manifests = Manifests::load(root, &project_dir, &scan)?;
    let (pm, pm_ev) = choose_package_manager(&manifests, opts, &mut warnings);
    let mut ev: BTreeMap<String, Evidence> = BTreeMap::new();
    ev.insert("package_manager".into(), pm_ev);
    let (dependencies, install_files) = read_dependencies(root, &manifests, pm, &mut warnings)?;
    // The build context is where the lockfile is (a uv workspace root above the member).
    let project_dir = manifests.lock_dir.clone();

    // Django beats other frameworks in the same project when it has a django dependency.
    let has = |name: &str| dependencies.has(name);
    if cands.len() > 1 && cands.iter().any(|c| c.0.framework == Framework::Django) && has("django")
    {
        cands.sort_by_key(|c| c.0.framework != Framework::Django);
    }
    let chosen = cands.first().cloned();

    // ---- framework and entrypoint
    let mut django_settings = None;
    let mut static_root = None;
    let mut interface;
    let framework;
    let app_dir;
    let mut entrypoint;
    let mut django_info = None;
    match chosen {
        Some((c, _, manage)) => {
            framework = c.framework;
            app_dir = c.app_dir.clone();
            let rule = if opts.framework.is_some() {
                opts.evidence("framework").to_string()
            } else if framework == Framework::Django {
                format!(
                    "manage.py{}",
                    if has("django") {
                        " and a django dependency"
                    } else {
                        ""
                    }
                )
            } else {
                c.evidence.rule.clone()
            };
            ev.insert(
                "framework".into(),
                Evidence {
                    rule,
                    ..c.evidence.clone()
                },
            );
            ev.insert(
                "app_dir".into(),
                Evidence {
                    rule: if framework == Framework::Django {
                        "the directory holding manage.py".into()
                    } else {
                        "the import root of the app module".into()
                    },
                    ..c.evidence.clone()
                },
            );
            if !has(framework.as_str()) {
                warnings.push(format!(
                    "{framework} is not among the production dependencies of `{project_dir}`; the image will not have it"
                ));
            }
            if framework == Framework::Django {
                let d = django::analyze(root, &app_dir, &manage)?;
                ev.insert("django_settings_module".into(), d.settings_evidence.clone());
                django_settings = Some(d.settings_module.clone());
                static_root = Some(d.static_root.is_some());
                if let Some(e) = &d.static_root {
                    ev.insert("static_root".into(), e.clone());
                }
                let asgi_pkg = knowledge::DJANGO_ASGI_PACKAGES.iter().find(|p| has(p));
                match (&d.asgi_entrypoint, asgi_pkg) {
                    (Some((ep, e)), Some(pkg)) => {
                        interface = Interface::Asgi;
                        entrypoint = ep.clone();
                        ev.insert(
                            "entrypoint".into(),
                            Evidence {
                                rule: format!("{} with `{pkg}` installed", e.rule),
                                ..e.clone()
                            },
                        );
                    }
                    _ => {
                        interface = Interface::Wsgi;
                        let (ep, e) = d.entrypoint.clone().ok_or_else(|| Error::Usage {
                            message: format!(
                                "no WSGI_APPLICATION in `{}` and no wsgi.py beside it; pass --entrypoint",
                                d.settings_module
                            ),
                        })?;
                        entrypoint = ep;
                        ev.insert("entrypoint".into(), e);
                    }
                }
                warnings.extend(d.warnings.iter().cloned());
                django_info = Some(d);
            } else {
                interface = if framework == Framework::Fastapi {
                    Interface::Asgi
                } else {
                    Interface::Wsgi
                };
                entrypoint = c.entrypoint.clone();
                let mut e = c.evidence.clone();
                if let Some((dir, target, fev)) = &flask_app
                    && framework == Framework::Flask
                    && target_matches(
                        dir,
                        target,
                        &apps::Candidate {
                            framework,
                            kind: apps::Kind::Explicit,
                            app_dir: c.app_dir.clone(),
                            module: c
                                .entrypoint
                                .split(':')
                                .next()
                                .unwrap_or_default()
                                .to_string(),
                            entrypoint: c.entrypoint.clone(),
                            evidence: c.evidence.clone(),
                        },
                    )
                {
                    e.rule = format!(
                        "{} (FLASK_APP={target} in {})",
                        e.rule,
                        fev.file.clone().unwrap_or_default()
                    );
                }
                ev.insert("entrypoint".into(), e);
            }
        }
        None => {
            // Only reachable with --entrypoint (and possibly --framework / --app-dir).
            framework = opts.framework.ok_or_else(|| Error::Usage {
                message:
                    "no app was found to tell the framework; pass --framework with --entrypoint"
                        .into(),
            })?;
            app_dir = opts.app_dir.clone().unwrap_or_else(|| ".".into());
            interface = if framework == Framework::Fastapi {
                Interface::Asgi
            } else {
                Interface::Wsgi
            };
            entrypoint = String::new();
            ev.insert("framework".into(), opts.evidence("framework"));
            ev.insert(
                "app_dir".into(),
                if opts.app_dir.is_some() {
                    opts.evidence("app-dir")
                } else {
                    Evidence::rule("the project root (no app directory was given)")
                },
            );
        }
    }
    if let Some(e) = &opts.entrypoint {
        entrypoint = e.clone();
        ev.insert("entrypoint".into(), opts.evidence("entrypoint"));
        if framework == Framework::Django && e.contains("asgi") {
            interface = Interface::Asgi;
        }
    }
    if opts.app_dir.is_some() {
        ev.insert("app_dir".into(), opts.evidence("app-dir"));
    }

    // ---- python version
    let python_version = choose_python(root, &manifests, opts, &mut ev, &mut warnings)?;

    // ---- services, workers, servers, native needs
    let mut services: BTreeMap<Service, Evidence> = BTreeMap::new();
    let mut workers: BTreeMap<Worker, Evidence> = BTreeMap::new();
    let mut servers: BTreeSet<Server> = BTreeSet::new();
    let mut native: Vec<NativeDeps> = Vec::new();
    for d in dependencies.iter() {
        for row in PACKAGES.iter().filter(|r| r.package == d.name) {
            if let Some(x) = row.extra
                && !d.extras.contains(x)
            {
                continue;
            }
            let with = |what: &str| Evidence {
                rule: format!(
                    "{what} `{}{}`{}",
                    d.name,
                    row.extra.map(|x| format!("[{x}]")).unwrap_or_default(),
                    if d.direct {
                        ""
                    } else {
                        " (locked, pulled in by another package)"
                    }
                ),
                ..d.evidence.clone()
            };
            if let Some(s) = row.service {
                services.entry(s).or_insert_with(|| with("dependency"));
            }
            if let Some(w) = row.worker {
                workers.entry(w).or_insert_with(|| with("dependency"));
            }
            if let Some(s) = row.server {
                servers.insert(s);
                ev.entry(format!("servers.{}", serde_plain(&s)))
                    .or_insert_with(|| with("dependency"));
            }
            if let Some(n) = row.native
                && !native.contains(n)
            {
                native.push(n.clone());
                ev.entry(format!("native.{}", d.name))
                    .or_insert_with(|| with("source build of"));
            }
        }
    }
    if let Some(d) = &django_info {
        if let Some(e) = &d.postgres {
            services
                .entry(Service::Postgres)
                .or_insert_with(|| e.clone());
        }
        if let Some(e) = &d.redis {
            services.entry(Service::Redis).or_insert_with(|| e.clone());
        }
    }
    let procfile = read_procfile(root, &project_dir);
    for (name, cmd, line, file) in &procfile {
        let words: Vec<&str> = cmd.split_whitespace().collect();
        let w = if words.first() == Some(&"celery")
            || words.windows(2).any(|p| p == ["-m", "celery"])
        {
            Some(Worker::Celery)
        } else if words.first() == Some(&"rq") || words.contains(&"rqworker") {
            Some(Worker::Rq)
        } else {
            None
        };
        if let Some(w) = w {
            workers.entry(w).or_insert_with(|| {
                Evidence::at(
                    file,
                    *line,
                    &format!("Procfile `{name}:` runs {}", w.as_str()),
                )
            });
        }
    }
    let mut celery_app = None;
    let mut celery_beat = false;
    if workers.contains_key(&Worker::Celery) {
        let found = apps::celery_apps(&sources);
        match found.iter().find(|(dir, _, _)| *dir == app_dir).or(found.first()) {
            Some((_, target, e)) => {
                celery_app = Some(target.clone());
                ev.insert("celery_app".into(), e.clone());
            }
            None => warnings.push(
                "celery is a dependency but no `Celery(...)` app was found; the worker service needs `celery -A <module>`"
                    .into(),
            ),
        }
        let beat = django_info
            .as_ref()
            .and_then(|d| d.beat.clone())
            .or_else(|| apps::beat_schedule(&sources))
            .or_else(|| {
                dependencies.get("django-celery-beat").map(|d| Evidence {
                    rule: "dependency `django-celery-beat`".into(),
                    ..d.evidence.clone()
                })
            });
        if let Some(b) = beat {
            celery_beat = true;
            ev.insert("celery_beat".into(), b);
        }
    }
    for (s, e) in &services {
        ev.insert(format!("services.{}", s.as_str()), e.clone());
    }
    for (w, e) in &workers {
        ev.insert(format!("workers.{}", w.as_str()), e.clone());
    }
    let mut candidates: Vec<AppCandidate> = cands.into_iter().map(|c| c.0).collect();
    if let Some(first) = candidates.first_mut()
        && first.framework == Framework::Django
    {
        first.entrypoint = entrypoint.clone();
    }

    // Environment variables: the Django settings, and app modules of the chosen project.
    let mut env_vars: BTreeMap<String, EnvVar> = BTreeMap::new();
    let mut note_env = |name: &str, required: bool, evidence: Evidence| {
        let e = env_vars.entry(name.to_string()).or_insert_with(|| EnvVar {
            name: name.to_string(),
            required,
            evidence,
        });
        e.required |= required;
    };
    if let Some(d) = &django_info {
        for (name, required, e) in &d.env_reads {
            note_env(name, *required, e.clone());
        }
    }
    let in_project = |f: &str| project_dir == "." || f.starts_with(&format!("{project_dir}/"));
    for s in sources.iter().filter(|s| in_project(&s.file)) {
        for r in &s.summary.env_reads {
            note_env(
                &r.name,
                r.required,
                Evidence::at(&s.file, r.line, "read by the app"),
            );
        }
    }
    let env_vars: Vec<EnvVar> = env_vars.into_values().collect();

    Ok(Project {
        framework,
        package_manager: pm,
        python_version,
        app_dir,
        entrypoint,
        django_settings_module: django_settings,
        services: services.keys().copied().collect(),
        workers: workers.keys().copied().collect(),
        warnings: dedup(warnings),
        evidence: ev,
        project_dir: project_dir.clone(),
        interface,
        servers: servers.into_iter().collect(),
        installable: manifests
            .pyproject
            .as_ref()
            .is_some_and(|p| p.has_build_system()),
        project_name: manifests.pyproject.as_ref().and_then(|p| p.name()),
        install_files,
        static_root,
        celery_app,
        celery_beat,
        native,
        dependencies,
        candidates,
        env_vars,
    })
}

fn serde_plain(s: &Server) -> String {
    serde_json::to_value(s)
        .ok()
        .and_then(|v| v.as_str().map(String::from))
        .unwrap_or_default()
}

fn dedup(v: Vec<String>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    v.into_iter().filter(|w| seen.insert(w.clone())).collect()
}

/// Conventional file names rank first: wsgi/asgi, then app/main, then the rest.
fn file_rank(c: &AppCandidate) -> usize {
    let file = c.evidence.file.as_deref().unwrap_or_default();
    let name = file.rsplit('/').next().unwrap_or(file);
    match name {
        "manage.py" => 0,
        "wsgi.py" | "asgi.py" => 1,
        "app.py" | "main.py" => 2,
        "application.py" => 3,
        "server.py" | "api.py" | "run.py" => 4,
        "__init__.py" => 5,
        _ => 6,
    }
}

/// The project directory owning `app_dir`: its nearest ancestor (or itself) with a marker file, else
/// `app_dir`'s own top. A uv workspace member is its own project; the lockfile is found above it later.
fn owning_project(scan: &walk::Scan, app_dir: &str) -> String {
    let mut dir = app_dir.to_string();
    loop {
        if scan.project_dirs.contains_key(&dir) {
            return dir;
        }
        match dir.rsplit_once('/') {
            Some((p, _)) => dir = p.to_string(),
            None if dir != "." => dir = ".".into(),
            None => return app_dir.to_string(),
        }
    }
}

/// `FLASK_APP` from `.flaskenv` or `.env` (read only, never written): (its directory, value, evidence).
fn flask_app_setting(root: &Path, scan: &walk::Scan) -> Option<(String, String, Evidence)> {
    let mut dirs: Vec<String> = scan.project_dirs.keys().cloned().collect();
    if !dirs.contains(&".".to_string()) {
        dirs.insert(0, ".".into());
    }
    for dir in dirs {
        for name in [".flaskenv", ".env"] {
            let rel = if dir == "." {
                name.to_string()
            } else {
                format!("{dir}/{name}")
            };
            let path = files::join(root, &rel);
            if !files::is_file(&path) {
                continue;
            }
            let Ok(text) = files::read_text(&path, Path::new(&rel), limit::SMALL) else {
                continue;
            };
            for (i, line) in text.lines().enumerate() {
                let l = line.trim().trim_start_matches("export ").trim();
                if let Some(v) = l.strip_prefix("FLASK_APP") {
                    let v = v.trim_start();
                    if let Some(v) = v.strip_prefix('=') {
                        let v = v.trim().trim_matches(['"', '\'']).to_string();
                        if !v.is_empty() {
                            return Some((
                                dir,
                                v.clone(),
                                Evidence::at(&rel, i + 1, &format!("FLASK_APP={v}")),
                            ));
                        }
                    }
                }
            }
        }
    }
    None
}

/// Whether a candidate is what `FLASK_APP=target` (relative to `dir`) names.
fn target_matches(dir: &str, target: &str, c: &apps::Candidate) -> bool {
    let (module_part, attr) = match target.split_once(':') {
        Some((m, a)) => (m, Some(a)),
        None => (target, None),
    };
    let module = module_part.trim_end_matches(".py").replace('/', ".");
    let full = if c.app_dir == "." || c.app_dir == dir {
        c.module.clone()
    } else {
        c.app_dir
            .strip_prefix(&format!("{dir}/"))
            .map_or(c.module.clone(), |p| {
                format!("{}.{}", p.replace('/', "."), c.module)
            })
    };
    if full != module {
        return false;
    }
    match attr {
        None => true,
        Some(a) => c
            .entrypoint
            .split_once(':')
            .is_some_and(|(_, x)| x == a || x.trim_end_matches("()") == a.trim_end_matches("()")),
    }
}

fn read_procfile(root: &Path, project_dir: &str) -> Vec<(String, String, usize, String)> {
    let rel = if project_dir == "." {
        "Procfile".to_string()
    } else {
        format!("{project_dir}/Procfile")
    };
    let path = files::join(root, &rel);
    if !files::is_file(&path) {
        return vec![];
    }
    let Ok(text) = files::read_text(&path, Path::new(&rel), limit::SMALL) else {
        return vec![];
    };
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let (name, cmd) = l.split_once(':')?;
            let name = name.trim();
            (!name.is_empty() && !name.starts_with('#'))
                .then(|| (name.to_string(), cmd.trim().to_string(), i + 1, rel.clone()))
        })
        .collect()
}

/// The manifests of the chosen project, parsed once.
struct Manifests {
    /// The project directory (relative to root) and the directory holding the lockfile (a uv workspace
    /// root may sit above the member).
    dir: String,
    lock_dir: String,
    pyproject: Option<pyproject::Loaded>,
    workspace_root: Option<pyproject::Loaded>,
    present: BTreeSet<String>,
    lock_present: BTreeSet<String>,
    requirements: Option<&'static str>,
}

impl Manifests {
    fn load(root: &Path, dir: &str, scan: &walk::Scan) -> Result<Self> {
        let present = scan.project_dirs.get(dir).cloned().unwrap_or_default();
        let pyproject = load_pyproject(root, dir)?;
        // A uv workspace member has no lock of its own: look for the workspace root above.
        let mut lock_dir = dir.to_string();
        let mut workspace_root = None;
        if !["uv.lock", "poetry.lock", "pdm.lock", "Pipfile.lock"]
            .iter()
            .any(|l| present.contains(*l))
        {
            let mut d = dir.to_string();
            while let Some(parent) = parent_dir(&d) {
                if scan
                    .project_dirs
                    .get(&parent)
                    .is_some_and(|m| m.contains("uv.lock"))
                    && let Some(p) = load_pyproject(root, &parent)?
                    && p.data
                        .tool
                        .uv
                        .as_ref()
                        .is_some_and(|u| u.workspace.is_some())
                {
                    lock_dir = parent;
                    workspace_root = Some(p);
                    break;
                }
                d = parent;
            }
        }
        let lock_present = scan
            .project_dirs
            .get(&lock_dir)
            .cloned()
            .unwrap_or_default();
        let requirements = requirements::production_file(&files::join(root, dir));
        Ok(Manifests {
            dir: dir.to_string(),
            lock_dir,
            pyproject,
            workspace_root,
            present,
            lock_present,
            requirements,
        })
    }

    fn path(&self, name: &str) -> String {
        if self.dir == "." {
            name.to_string()
        } else {
            format!("{}/{name}", self.dir)
        }
    }

    fn lock_path(&self, name: &str) -> String {
        if self.lock_dir == "." {
            name.to_string()
        } else {
            format!("{}/{name}", self.lock_dir)
        }
    }
}

fn parent_dir(d: &str) -> Option<String> {
    if d == "." {
        return None;
    }
    Some(match d.rsplit_once('/') {
        Some((p, _)) => p.to_string(),
        None => ".".to_string(),
    })
}

fn load_pyproject(root: &Path, dir: &str) -> Result<Option<pyproject::Loaded>> {
    let rel = if dir == "." {
        "pyproject.toml".to_string()
    } else {
        format!("{dir}/pyproject.toml")
    };
    let path = files::join(root, &rel);
    if !files::exists(&path) {
        return Ok(None);
    }
    let text = files::read_text(&path, Path::new(&rel), limit::MANIFEST)?;
    Ok(Some(pyproject::load(text, Path::new(&rel))?))
}

fn choose_package_manager(
    m: &Manifests,
    opts: &Options,
    warnings: &mut Vec<String>,
) -> (PackageManager, Evidence) {
    let locks: Vec<(&str, PackageManager)> = [
        ("uv.lock", PackageManager::Uv),
        ("poetry.lock", PackageManager::Poetry),
        ("pdm.lock", PackageManager::Pdm),
        ("Pipfile.lock", PackageManager::Pipenv),
    ]
    .into_iter()
    .filter(|(f, _)| m.lock_present.contains(*f))
    .collect();
    let tool = m.pyproject.as_ref().and_then(|p| {
        let t = &p.data.tool;
        if t.poetry.is_some() {
            Some((PackageManager::Poetry, "tool.poetry"))
        } else if t.pdm.is_some() {
            Some((PackageManager::Pdm, "tool.pdm"))
        } else if t.uv.is_some() {
            Some((PackageManager::Uv, "tool.uv"))
        } else {
            None
        }
    });
    if let Some(pm) = opts.package_manager {
        return (pm, opts.evidence("package-manager"));
    }
    if locks.len() > 1 {
        warnings.push(format!(
            "several lockfiles in `{}`: {}; using {} (pass --package-manager to choose)",
            m.lock_dir,
            locks
                .iter()
                .map(|(f, _)| format!("`{f}`"))
                .collect::<Vec<_>>()
                .join(", "),
            locks[0].0
        ));
    }
    if let Some((file, pm)) = locks.first() {
        // A lockfile with a tool table for another manager is odd but the lockfile still wins.
        if let Some(req) = m.requirements {
            warnings.push(format!(
                "both `{}` and `{}` exist; the lockfile wins and `{req}` is ignored (pass --package-manager pip to use it)",
                m.lock_path(file),
                m.path(req)
            ));
        }
        let rule = if m.lock_dir != m.dir {
            format!("lockfile of the uv workspace containing `{}`", m.dir)
        } else {
            "lockfile present".into()
        };
        return (*pm, Evidence::file(&m.lock_path(file), &rule));
    }
    if m.present.contains("Pipfile") {
        warnings.push(format!(
            "`{}` has no Pipfile.lock: the install is not locked (run `pipenv lock`)",
            m.path("Pipfile")
        ));
        return (
            PackageManager::Pipenv,
            Evidence::file(&m.path("Pipfile"), "Pipfile without a lock"),
        );
    }
    if let Some((pm, table)) = tool {
        let p = m.pyproject.as_ref().expect("tool came from pyproject");
        warnings.push(format!(
            "`{}` configures {pm} but has no lockfile: the install is not locked (run `{pm} lock`)",
            m.path("pyproject.toml")
        ));
        let line = p.line_of_table(table);
        let rule = format!("[{table}] in pyproject.toml, no lockfile");
        return (
            pm,
            match line {
                Some(l) => Evidence::at(&m.path("pyproject.toml"), l, &rule),
                None => Evidence::file(&m.path("pyproject.toml"), &rule),
            },
        );
    }
    if let Some(req) = m.requirements {
        return (
            PackageManager::Pip,
            Evidence::file(&m.path(req), "requirements file"),
        );
    }
    if m.pyproject.is_some() {
        return (
            PackageManager::Pip,
            Evidence::file(
                &m.path("pyproject.toml"),
                "PEP 621 pyproject without a lockfile: `pip install .`",
            ),
        );
    }
    warnings.push(format!(
        "no dependency manifest (pyproject.toml, requirements.txt, Pipfile) in `{}`",
        m.dir
    ));
    (
        PackageManager::Pip,
        Evidence::rule("no manifest found; pip by default"),
    )
}

/// A lockfile reader producing a dependency graph.
type LockParser = fn(&str, &Path) -> Result<lockfiles::Graph>;

fn read_dependencies(
    root: &Path,
    m: &Manifests,
    pm: PackageManager,
    warnings: &mut Vec<String>,
) -> Result<(DepSet, Vec<String>)> {
    let read_lock = |name: &str| -> Result<Option<String>> {
        let rel = m.lock_path(name);
        let path = files::join(root, &rel);
        if !files::exists(&path) {
            return Ok(None);
        }
        Ok(Some(files::read_text(
            &path,
            Path::new(&rel),
            limit::MANIFEST,
        )?))
    };
    let direct = match &m.pyproject {
        Some(p) => p.runtime_deps()?,
        None => DepSet::default(),
    };
    let roots: Vec<(String, Vec<String>)> = direct
        .iter()
        .map(|d| (d.name.clone(), d.extras.iter().cloned().collect()))
        .collect();
    let merge = |mut locked: DepSet, direct: &DepSet| -> DepSet {
        for d in direct.iter() {
            let ev = d.evidence.clone();
            locked.add(&d.name, d.extras.iter().cloned(), true, ev.clone());
            if let Some(x) = locked.0.get_mut(&d.name) {
                x.evidence = ev;
            }
        }
        locked
    };
    // Paths the install needs, relative to the build context (the lock's directory: a uv workspace
    // root may sit above the member that holds the app).
    let rel_to_context = |f: &str| -> String {
        if m.lock_dir == "." {
            f.to_string()
        } else {
            f.strip_prefix(&format!("{}/", m.lock_dir))
                .unwrap_or(f)
                .to_string()
        }
    };
    let pyproject_file = m
        .pyproject
        .as_ref()
        .map(|_| rel_to_context(&m.path("pyproject.toml")));
    Ok(match pm {
        PackageManager::Uv => {
            let mut files_needed: Vec<String> = pyproject_file.into_iter().collect();
            let set = match read_lock("uv.lock")? {
                Some(text) => {
                    let shown = m.lock_path("uv.lock");
                    let lock = lockfiles::parse_uv(&text, Path::new(&shown))?;
                    files_needed.push(rel_to_context(&shown));
                    if m.workspace_root.is_some() {
                        // Every member's manifest: uv resolves the whole workspace.
                        files_needed = vec!["pyproject.toml".into(), "uv.lock".into()];
                        let mut members: Vec<String> = lock
                            .local
                            .iter()
                            .filter(|(_, path)| path != ".")
                            .map(|(_, path)| format!("{path}/pyproject.toml"))
                            .collect();
                        members.sort();
                        files_needed.extend(members);
                    }
                    let name = m
                        .pyproject
                        .as_ref()
                        .and_then(|p| p.name())
                        .map(|n| deps::normalize(&n));
                    match name.filter(|n| lock.local.iter().any(|(l, _)| l == n)) {
                        Some(n) => merge(lock.production(&n, &shown), &direct),
                        None => {
                            warnings.push(format!(
                                "`{shown}` has no entry for this project; dependencies were read from pyproject.toml only (run `uv lock`)"
                            ));
                            direct
                        }
                    }
                }
                None => direct,
            };
            (set, files_needed)
        }
        PackageManager::Poetry | PackageManager::Pdm => {
            let (lock_name, parse): (&str, LockParser) = if pm == PackageManager::Poetry {
                ("poetry.lock", lockfiles::parse_poetry)
            } else {
                ("pdm.lock", lockfiles::parse_pdm)
            };
            let mut files_needed: Vec<String> = pyproject_file.into_iter().collect();
            let set = match read_lock(lock_name)? {
                Some(text) => {
                    let shown = m.lock_path(lock_name);
                    let graph = parse(&text, Path::new(&shown))?;
                    files_needed.push(rel_to_context(&shown));
                    merge(
                        graph.closure(&roots, &shown, &format!("locked dependency in {lock_name}")),
                        &direct,
                    )
                }
                None => direct,
            };
            (set, files_needed)
        }
        PackageManager::Pipenv => {
            let mut files_needed = Vec::new();
            let mut set = DepSet::default();
            let pipfile = m.path("Pipfile");
            let mut pip_direct = DepSet::default();
            if files::exists(&files::join(root, &pipfile)) {
                let text = files::read_text(
                    &files::join(root, &pipfile),
                    Path::new(&pipfile),
                    limit::MANIFEST,
                )?;
                pip_direct = lockfiles::parse_pipfile(&text, Path::new(&pipfile))?.0;
                files_needed.push("Pipfile".to_string());
            }
            if let Some(text) = read_lock("Pipfile.lock")? {
                let shown = m.lock_path("Pipfile.lock");
                set = lockfiles::parse_pipfile_lock(&text, Path::new(&shown))?.0;
                files_needed.push("Pipfile.lock".to_string());
            }
            (merge(set, &pip_direct), files_needed)
        }
        PackageManager::Pip => match m.requirements {
            Some(req) => {
                let r = requirements::read(&files::join(root, &m.dir), req)?;
                warnings.extend(r.warnings.iter().map(|w| prefix_dir(&m.dir, w)));
                let mut set = DepSet::default();
                for d in r.deps.iter() {
                    let mut e = d.evidence.clone();
                    e.file = e.file.map(|f| m.path(&f));
                    set.add(&d.name, d.extras.iter().cloned(), true, e);
                }
                (set, r.files)
            }
            None => {
                let mut f: Vec<String> = pyproject_file.into_iter().collect();
                for extra in ["setup.py", "setup.cfg"] {
                    if m.present.contains(extra) {
                        f.push(extra.to_string());
                    }
                }
                (direct, f)
            }
        },
    })
}

fn prefix_dir(dir: &str, w: &str) -> String {
    if dir == "." {
        w.to_string()
    } else {
        format!("{w} (in `{dir}`)")
    }
}

fn choose_python(
    root: &Path,
    m: &Manifests,
    opts: &Options,
    ev: &mut BTreeMap<String, Evidence>,
    warnings: &mut Vec<String>,
) -> Result<String> {
    use python_version as pv;
    let range = m.pyproject.as_ref().and_then(|p| {
        p.requires_python()
            .map(|(s, l)| (s, l, false))
            .or_else(|| p.poetry_python().map(|(s, l)| (s, l, true)))
    });
    let check_pin = |v: (u64, u64), warnings: &mut Vec<String>| {
        if !pv::supported(v) {
            warnings.push(format!(
                "Python {} is not one dockgen has tested images for",
                pv::fmt(v)
            ));
        }
        if let Some((spec, _, poetry)) = &range
            && pv::range_admits(spec, *poetry, v) == Ok(false)
        {
            warnings.push(format!(
                "Python {} is outside the project's requires-python `{spec}`",
                pv::fmt(v)
            ));
        }
    };
    if let Some(p) = &opts.python {
        let v = pv::major_minor(p).ok_or_else(|| Error::Usage {
            message: format!("invalid --python `{p}`: expected a version such as 3.12"),
        })?;
        ev.insert("python_version".into(), opts.evidence("python"));
        check_pin(v, warnings);
        return Ok(pv::fmt(v));
    }
    let mut dirs = vec![m.dir.clone()];
    if m.lock_dir != m.dir {
        dirs.push(m.lock_dir.clone());
    }
    if !dirs.contains(&".".to_string()) {
        dirs.push(".".into());
    }
    let read_small = |rel: &str| -> Option<String> {
        let p = files::join(root, rel);
        files::is_file(&p)
            .then(|| files::read_text(&p, Path::new(rel), limit::SMALL).ok())
            .flatten()
    };
    let path_in = |d: &str, f: &str| {
        if d == "." {
            f.to_string()
        } else {
            format!("{d}/{f}")
        }
    };
    type Finder = fn(&str) -> Option<((u64, u64), Option<usize>)>;
    let finders: [(&str, &str, Finder); 5] = [
        (".python-version", "pinned in .python-version", |t| {
            pv::from_python_version_file(t).map(|v| (v, None))
        }),
        (".tool-versions", "python in .tool-versions", |t| {
            pv::from_tool_versions(t).map(|(v, l)| (v, Some(l)))
        }),
        ("mise.toml", "[tools] python in mise.toml", |t| {
            pv::from_mise(t).map(|v| (v, None))
        }),
        (".mise.toml", "[tools] python in .mise.toml", |t| {
            pv::from_mise(t).map(|v| (v, None))
        }),
        ("runtime.txt", "runtime.txt", |t| {
            pv::major_minor(t.trim()).map(|v| (v, None))
        }),
    ];
    for (file, rule, find) in finders {
        for d in &dirs {
            let rel = path_in(d, file);
            if let Some(text) = read_small(&rel)
                && let Some((v, line)) = find(&text)
            {
                ev.insert(
                    "python_version".into(),
                    match line {
                        Some(l) => Evidence::at(&rel, l, rule),
                        None => Evidence::file(&rel, rule),
                    },
                );
                check_pin(v, warnings);
                return Ok(pv::fmt(v));
            }
        }
    }
    // Pipfile [requires] / Pipfile.lock _meta.requires.
    let pipfile = m.path("Pipfile");
    if let Some(text) = read_small(&pipfile)
        && let Ok((_, Some((v, line)))) = lockfiles::parse_pipfile(&text, Path::new(&pipfile))
        && let Some(mm) = pv::major_minor(&v)
    {
        ev.insert(
            "python_version".into(),
            Evidence::at(&pipfile, line, "[requires] in Pipfile"),
        );
        check_pin(mm, warnings);
        return Ok(pv::fmt(mm));
    }
    if let Some((spec, line, poetry)) = &range {
        let file = m.path("pyproject.toml");
        match pv::from_range(spec, *poetry) {
            Ok(Some(v)) => {
                let rule = format!(
                    "{} `{spec}`: {}",
                    if *poetry { "Poetry python" } else { "requires-python" },
                    if v == knowledge::DEFAULT_PYTHON {
                        "the default is inside the range".to_string()
                    } else {
                        "the newest supported version inside the range".to_string()
                    }
                );
                ev.insert("python_version".into(), Evidence::at(&file, *line, &rule));
                return Ok(pv::fmt(v));
            }
            Ok(None) => warnings.push(format!(
                "`{file}` line {line}: no supported Python version satisfies `{spec}`; using the default"
            )),
            Err(e) => {
                return Err(Error::Parse {
                    path: file.into(),
                    pos: Some(crate::error::Position { line: *line, column: 1 }),
                    message: format!("invalid Python version range `{spec}`: {e}"),
                });
            }
        }
    }
    ev.insert(
        "python_version".into(),
        Evidence::rule(&format!(
            "no version pinned; dockgen's default {}",
            pv::fmt(knowledge::DEFAULT_PYTHON)
        )),
    );
    Ok(pv::fmt(knowledge::DEFAULT_PYTHON))
}
