//! The framework registry: one module per web framework, each implementing [`FrameworkSpec`].
//!
//! A framework says how its apps are found (an app class such as `flask.Flask`, or a marker file such as
//! Django's `manage.py`), what it reads once an app is chosen (Django's settings), its server interface,
//! and the commands and environment the plan needs (dev server, migrations, build-time steps). Detection
//! and planning only call these methods: nothing outside this folder names a framework.
//!
//! Adding a framework is one module here plus one line in [`ALL`] (see CONTRIBUTING.md). The trait has
//! no default for anything a framework must decide (names, interface, servers, dev and migration
//! commands), so an incomplete one does not compile; the defaults are for capabilities a framework may
//! simply not have (marker files, a named app, a build step), and mean "none". The tests at the bottom
//! check every registered one for names, help and a way to be found.
//!
//! The hooks take views ([`Found`], [`AnalyzeCx`], [`AppView`]) defined here rather than detection's
//! `Project`, so this module depends only on `base`, `parse` and `knowledge`, never on the stages that
//! call it.

pub mod django;
pub mod fastapi;
pub mod flask;

use crate::base::diag::Diagnostics;
use std::path::Path;

use serde::Serialize;

use crate::base::error::Result;
use crate::base::evidence::{Evidence, Key};
use crate::base::kinds::{EnvRole, Interface, Server, Service};
use crate::base::relpath::RelDir;
use crate::parse::apps::AppClass;
use crate::parse::deps::DepSet;
pub use crate::parse::routes::{Mount, RouteRules};
use crate::parse::walk::Scan;

/// Every framework dockgen generates for, in order of preference when a factory's module imports several.
pub static ALL: &[Framework] = &[
    Framework(&django::Django),
    Framework(&flask::Flask),
    Framework(&fastapi::FastApi),
];

/// An app found by a framework's marker file (Django's `manage.py`), before it is analysed.
#[derive(Debug, Clone)]
pub struct Found {
    /// The directory the app runs from.
    pub app_dir: RelDir,
    /// The marker file, relative to the project root.
    pub marker: String,
    pub evidence: Evidence,
}

/// A value the user named explicitly in the project's own files (Flask's `FLASK_APP`): candidates it
/// names rank first.
#[derive(Debug, Clone)]
pub struct Named {
    /// The directory the setting applies from.
    pub dir: RelDir,
    /// `module`, `module:attr` or `path/to/module.py`.
    pub target: String,
    pub evidence: Evidence,
}

/// What a framework's analysis is given about the chosen app.
pub struct AnalyzeCx<'a> {
    pub root: &'a Path,
    /// The run's index of the project's files: the analysis reads and tokenises through it, so a file
    /// another step read (settings.py, scanned for environment reads) is not read again.
    pub sources: &'a crate::parse::index::SourceIndex,
    pub app_dir: &'a RelDir,
    /// The marker file the app was found by (empty for app objects).
    pub marker: &'a str,
    /// The entrypoint the candidate gave (empty for marker-found apps).
    pub entrypoint: &'a str,
    pub evidence: &'a Evidence,
    /// The explicit setting that named this candidate, if one did.
    pub named: Option<&'a Named>,
    pub deps: &'a DepSet,
}

/// An environment variable read by the app's code.
#[derive(Debug, Clone, Serialize)]
pub struct EnvRead {
    pub name: String,
    /// Whether the app fails to start without it.
    pub required: bool,
    pub evidence: Evidence,
    /// What its value feeds, when detection traced it, and why.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub role: Option<Traced>,
    /// The read as the tokenizer saw it (default, assignment target, dict key, callee).
    #[serde(skip)]
    pub read: crate::parse::pysrc::EnvRead,
}

/// A traced role with the evidence for it: `{"kind": "database_host", "because": {...}}`.
#[derive(Debug, Clone, Serialize)]
pub struct Traced {
    #[serde(flatten)]
    pub role: EnvRole,
    pub because: Evidence,
}

impl EnvRead {
    /// A read of `read.name` in `file`, with `rule` as its evidence.
    pub fn new(read: &crate::parse::pysrc::EnvRead, file: &str, rule: &str) -> Self {
        EnvRead {
            name: read.name.clone(),
            required: read.required,
            evidence: Evidence::at(file, read.line, rule),
            role: None,
            read: read.clone(),
        }
    }
}

/// What a framework's own environment-role rules may ask of the neutral ones.
pub struct EnvRoleCx<'a> {
    /// `name == "value"` comparisons in the code, with their file.
    pub comparisons: &'a [(crate::parse::pysrc::Comparison, String)],
    /// The database URL role for a read, with the scheme its consumer accepts.
    pub database_url: &'a dyn Fn(&EnvRead) -> Option<EnvRole>,
    /// Whether a read is a switch the neutral rules trace (compared against a PostgreSQL value).
    pub is_switch: &'a dyn Fn(&EnvRead) -> bool,
}

/// What a directory the app's configuration names holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum DataRole {
    /// Collected static files (Django's `STATIC_ROOT`): produced at build time, only read at run time.
    StaticRoot,
    /// Uploaded files (Django's `MEDIA_ROOT`): written at run time.
    MediaRoot,
    /// Flask's instance folder (`app.instance_path`): per-deployment configuration and data (a SQLite
    /// database), written at run time and never part of the code.
    Instance,
    /// A directory the app's own code creates and writes at run time (`os.makedirs(settings.data_folder)`
    /// with the setting's default `./data`).
    Written,
}

/// A directory the app's configuration names for data it produces, rather than code.
#[derive(Debug, Clone, Serialize)]
pub struct DataDir {
    pub role: DataRole,
    /// Relative to the app directory (`staticfiles`), or absolute in the image (`/srv/media`).
    pub path: String,
    pub evidence: Evidence,
    /// What the framework calls it, in the plan's reasons (`Django's MEDIA_ROOT`); empty for a
    /// directory the app's own code makes.
    #[serde(skip)]
    pub label: &'static str,
    /// The URL path the files are served under, `/static/`, when the configuration fixes it as a
    /// local path (Django's `STATIC_URL`; none for a CDN's URL). Not part of the detection report.
    #[serde(skip)]
    pub url: Option<String>,
}

/// What a framework found out about the chosen app.
#[derive(Debug, Default)]
pub struct Analysis {
    /// The entrypoint and its evidence, when the analysis decides it (Django's `WSGI_APPLICATION`).
    pub entrypoint: Option<(String, Evidence)>,
    /// The interface, when the analysis decides it; otherwise the framework's default.
    pub interface: Option<Interface>,
    /// The settings module (Django).
    pub settings_module: Option<String>,
    /// Whether static files have a collection root (Django's `STATIC_ROOT`); `None` when the framework
    /// has no such notion.
    pub static_root: Option<bool>,
    /// Directories the configuration names for data (collected static files, uploads, instance data).
    pub data_dirs: Vec<DataDir>,
    /// Evidence for the facts above, under their keys.
    pub evidence: Vec<(Key, Evidence)>,
    /// Services the configuration points at (a `postgres://` URL in settings).
    pub services: Vec<(Service, Evidence)>,
    /// Where each top-level setting of the framework's settings is assigned (file, line): what a task
    /// queue configured there is found by (Django's merged settings modules).
    pub settings: std::collections::BTreeMap<String, (String, usize)>,
    /// Facts the framework's own plan hooks read back through [`AppView::facts`] (`migrations-folder`).
    pub facts: std::collections::BTreeSet<&'static str>,
    /// Environment variables the configuration reads.
    pub env_reads: Vec<EnvRead>,
    /// `name == "value"` comparisons in the configuration, with their file.
    pub comparisons: Vec<(crate::parse::pysrc::Comparison, String)>,
    pub warnings: Diagnostics,
}

/// What the plan hooks see of the detected app.
pub struct AppView<'a> {
    /// `module:attr` as the server serves it.
    pub entrypoint: &'a str,
    pub interface: Interface,
    pub settings_module: Option<&'a str>,
    pub static_root: Option<bool>,
    pub deps: &'a DepSet,
    pub port: u16,
    /// The directory holding `alembic.ini` in the image, when it is not the app's directory.
    pub alembic_dir: Option<&'a str>,
    /// What the framework's analysis recorded for its own hooks.
    pub facts: &'a std::collections::BTreeSet<&'static str>,
}

/// The fact detection records when the project configures Alembic (`alembic.ini`, or `[tool.alembic]`
/// in pyproject.toml) in the app's directory or a directory above it inside the build context.
pub const ALEMBIC_CONFIG: &str = "alembic-config";

/// How the app's schema is migrated.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Migration {
    /// The command, exec form.
    pub command: Vec<String>,
    /// The directory it must run from when that is not the app's (Alembic's `prepend_sys_path` and
    /// `script_location` are relative to it), absolute in the image.
    pub workdir: Option<String>,
}

impl Migration {
    /// `command` run from the app's directory.
    pub fn in_app_dir(command: &[&str]) -> Self {
        Migration {
            command: command.iter().map(|s| s.to_string()).collect(),
            workdir: None,
        }
    }

    /// `alembic upgrade head`, from the directory holding `alembic.ini`; none when the project has no
    /// Alembic configuration (neither `alembic.ini` nor a pyproject `[tool.alembic]` table in the app's
    /// directory or above it): Alembic would stop with "No config file", and web with it.
    pub fn alembic(app: &AppView) -> Option<Self> {
        app.facts.contains(ALEMBIC_CONFIG).then(|| Migration {
            workdir: app.alembic_dir.map(String::from),
            ..Migration::in_app_dir(&["alembic", "upgrade", "head"])
        })
    }
}

/// One web framework. Implementations are unit structs listed in [`ALL`].
pub trait FrameworkSpec: Sync {
    /// The name in flags, JSON and dockgen.toml: `django`.
    fn name(&self) -> &'static str;
    /// The name in prose: `Django`.
    fn title(&self) -> &'static str;
    /// The PyPI package (PEP 503-normalised) that provides it.
    fn package(&self) -> &'static str;
    /// One line for `--help`.
    fn about(&self) -> &'static str;
    /// The class whose module-level instance is an app, for frameworks found by their app objects.
    fn app_class(&self) -> Option<(&'static str, &'static str)> {
        None
    }
    /// Marker files that are apps by themselves (`manage.py`), for frameworks found that way.
    fn marker_files(&self) -> &'static [&'static str] {
        &[]
    }
    /// Apps found by the marker files in the scan.
    fn found_by_markers(&self, _scan: &Scan) -> Vec<Found> {
        Vec::new()
    }
    /// A setting in the project's files that names the app explicitly (`FLASK_APP`).
    /// A file it cannot read is a warning in `warnings`, never a silent skip.
    fn named_app(&self, _root: &Path, _scan: &Scan, _warnings: &mut Diagnostics) -> Option<Named> {
        None
    }
    /// The interface of an app whose analysis does not decide it.
    fn default_interface(&self) -> Interface;
    /// The interface an explicit `--entrypoint` implies, when its name says (`mysite.asgi:application`).
    fn interface_of_entrypoint(&self, _entrypoint: &str) -> Option<Interface> {
        None
    }
    /// How its apps declare routes (app and router classes, mounts, decorators, URL patterns), for
    /// finding a health route.
    fn routes(&self) -> RouteRules {
        RouteRules::default()
    }
    /// The root URLconf module of the analysed app, for a framework that routes through one.
    fn root_urlconf(
        &self,
        _sources: &[crate::parse::apps::Source],
        _analysis: &Analysis,
        _entrypoint: &str,
    ) -> Option<String> {
        None
    }
    /// Reads what the framework needs once the app is chosen (Django's settings).
    fn analyze(&self, _cx: &AnalyzeCx) -> Result<Analysis> {
        Ok(Analysis::default())
    }
    /// The role of an environment variable read into one of the framework's own settings (Django's
    /// `DATABASES` keys, `ALLOWED_HOSTS`, `DEBUG`), with its evidence; asked before the neutral rules.
    fn env_role(&self, _read: &EnvRead, _cx: &EnvRoleCx) -> Option<(EnvRole, Evidence)> {
        None
    }
    /// The scheme its own configuration tools accept in a URL of `database` (Django's dj-database-url and
    /// django-environ take `postgres` and `mysql`); `None` when the app hands URLs to SQLAlchemy or a
    /// driver, whose scheme detection works out from the installed driver.
    fn database_url_scheme(&self, _database: Service) -> Option<&'static str> {
        None
    }
    /// Releases of its own package that import `pkg_resources` at run time (a venv without
    /// setuptools then breaks them: see [`crate::knowledge::PkgResourcesUser`]).
    fn pkg_resources_users(&self) -> &'static [crate::knowledge::PkgResourcesUser] {
        &[]
    }
    /// The `--json` and evidence key of its settings module, for a framework configured by one
    /// (`django_settings_module`).
    fn settings_module_key(&self) -> Option<&'static str> {
        None
    }
    /// Its integration packages (with the extra that counts, if any) that mean a backing service:
    /// Django's `django-redis` cache backend means Redis.
    fn services(&self) -> &'static [(&'static str, Option<&'static str>, Service)] {
        &[]
    }
    /// The prefix its `config.from_prefixed_env()` reads variables with when the call names none
    /// (Flask's `FLASK`).
    fn prefixed_env_default(&self) -> Option<&'static str> {
        None
    }
    /// Values of its own settings that select PostgreSQL when a switch is compared against them
    /// (Django's engine names, `DB_ENGINE == "django.db.backends.postgresql"`).
    fn postgres_values(&self) -> &'static [&'static str] {
        &[]
    }
    /// Values of its own settings that select MySQL/MariaDB when a switch is compared against them
    /// (Django's `django.db.backends.mysql`).
    fn mysql_values(&self) -> &'static [&'static str] {
        &[]
    }
    /// How its apps usually read the database from the environment, in the fix offered when nothing in
    /// the app does (`DATABASE_URL with dj-database-url in Django settings`).
    fn database_from_env(&self) -> Option<&'static str> {
        None
    }
    /// Its migration tool in prose, in the note when no migration step was found (`Django migrations`).
    fn migration_tool(&self) -> Option<&'static str> {
        None
    }
    /// ASGI servers that can serve it, in order of preference among those installed; the first is
    /// installed when none is.
    fn asgi_servers(&self) -> &'static [Server];
    /// The development server with live reload, given the production server command.
    fn dev_command(&self, app: &AppView, server: &[String]) -> Vec<String>;
    /// The migration step, when the app has a migration tool.
    fn migration(&self, app: &AppView) -> Option<Migration>;
    /// When the app collects static files at build time but nothing of its own serves them with its
    /// debug mode off: why, and what to add to the app (Django without WhiteNoise). The plan then says
    /// so, unless the front proxy serves them.
    fn unserved_static(&self, _app: &AppView) -> Option<(&'static str, &'static str)> {
        None
    }
    /// The steps to run at image build time, in order (Django's `collectstatic`, then `compress` for
    /// offline compression), each as words.
    fn build_commands(&self, _app: &AppView) -> Vec<Vec<String>> {
        Vec::new()
    }
    /// Commands to run once in `web` after the stack is up, each with what it is for (Django's
    /// `createsuperuser` when auth is installed); `init`'s checklist lists them.
    fn one_off_commands(&self, _app: &AppView) -> Vec<(&'static str, Vec<String>)> {
        Vec::new()
    }
    /// How the framework's CLI runs one of the app's own commands in the container (Flask:
    /// `flask <command>`, with `FLASK_APP` set), when it has a CLI for them.
    fn cli_invocation(&self, _command: &str) -> Option<Vec<String>> {
        None
    }
    /// `ENV` the runtime stage sets so the framework's own tools find the app.
    fn runtime_env(&self, _app: &AppView) -> Vec<(&'static str, String)> {
        Vec::new()
    }
}

crate::registry_handle!(
    /// A registered framework: a handle to its [`FrameworkSpec`], compared and serialised by name.
    Framework,
    FrameworkSpec,
    ALL,
    "A web framework dockgen generates for."
);

impl Framework {
    /// The registered frameworks' names in prose: `Django, Flask, FastAPI`.
    pub fn titles(all: &[Framework]) -> String {
        let titles: Vec<&str> = all.iter().map(|f| f.title()).collect();
        titles.join(", ")
    }

    /// What detection looked for, for the error that found no app: every framework's marker files and
    /// app classes.
    pub fn looked_for(all: &[Framework]) -> String {
        let markers = all.iter().flat_map(|f| {
            f.marker_files()
                .iter()
                .map(move |m| format!("{m} ({})", f.title()))
        });
        let classes: Vec<String> = all
            .iter()
            .filter_map(|f| f.app_class())
            .map(|(class, _)| format!("`{}(...)`", class.rsplit('.').next().unwrap_or(class)))
            .collect();
        let mut ways: Vec<String> = markers.collect();
        if !classes.is_empty() {
            ways.push(format!("a module-level {} object", classes.join(" / ")));
        }
        format!(
            "looked for {} or a `create_app` factory in app.py, main.py, wsgi.py, asgi.py, application.py \
             or a package __init__.py (virtualenvs, node_modules and tests excluded); pass --app-dir and \
             --entrypoint to point at it",
            ways.join(", ")
        )
    }

    /// The app classes of every registered framework, for the app-object finder.
    pub fn app_classes(all: &[Framework]) -> Vec<AppClass<Framework>> {
        all.iter()
            .filter_map(|f| {
                f.app_class().map(|(class, module)| AppClass {
                    framework: *f,
                    class,
                    module,
                })
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every registered framework is complete: a unique lowercase name, its package, help, and a way to
    /// be found (an app class or marker files).
    #[test]
    fn every_registered_framework_is_complete() {
        let mut names = std::collections::BTreeSet::new();
        for f in ALL {
            let name = f.as_str();
            assert!(names.insert(name), "{name} is registered once");
            assert_eq!(name, name.to_ascii_lowercase(), "{name}");
            assert_eq!(name.parse::<Framework>(), Ok(*f));
            assert!(!f.package().is_empty() && !f.about().is_empty(), "{name}");
            assert!(
                f.app_class().is_some() || !f.marker_files().is_empty(),
                "{name} can be found"
            );
            assert!(!f.asgi_servers().is_empty(), "{name} has an ASGI server");
            assert_eq!(
                serde_json::to_value(f).unwrap(),
                serde_json::Value::String(name.into())
            );
        }
    }

    #[test]
    fn unknown_names_list_the_registered_ones() {
        let e = "litestar".parse::<Framework>().unwrap_err();
        assert_eq!(e, "expected one of: django, flask, fastapi");
    }
}
