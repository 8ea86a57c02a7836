//! Django: found by `manage.py`; the settings (read by [`settings`]) decide the entrypoint, the
//! interface, static files and the services they point at. Served by gunicorn (WSGI) or, for an ASGI
//! app with channels/daphne/uvicorn installed, uvicorn or daphne.

use super::{
    Analysis, AnalyzeCx, AppView, DataDir, DataRole, EnvRead, EnvRoleCx, Found, FrameworkSpec,
    Migration, RouteRules,
};
use crate::base::diag::Diagnostics;
use crate::base::error::{Error, Result};
use crate::base::evidence::{Evidence, Key};
use crate::base::kinds::{EnvRole, Interface, Server, Service};
use crate::base::relpath::RelDir;
use crate::parse::apps::Source;
mod env;
pub mod settings;
mod urls;
use crate::parse::walk::Scan;

/// Packages that make a Django project an ASGI one when `ASGI_APPLICATION` is set.
pub const ASGI_PACKAGES: &[&str] = &["channels", "daphne", "uvicorn"];

pub struct Django;

/// The `--json` and evidence key of the settings module.
const SETTINGS_MODULE_KEY: &str = "django_settings_module";

/// The analysis fact for `COMPRESS_OFFLINE = True`.
const COMPRESS_OFFLINE: &str = "compress-offline";
/// The fact that `django.contrib.auth` is installed.
const AUTH: &str = "auth";

fn words(ws: &[&str]) -> Vec<String> {
    ws.iter().map(|s| s.to_string()).collect()
}

impl Django {
    /// The entrypoint and interface from the settings: ASGI when `ASGI_APPLICATION` is set and an ASGI
    /// package is installed, else `WSGI_APPLICATION` (or the settings package's wsgi.py).
    fn entrypoint(d: &settings::Django, cx: &AnalyzeCx) -> Result<(Interface, String, Evidence)> {
        let asgi_pkg = ASGI_PACKAGES.iter().find(|p| cx.deps.has(p));
        if let (Some((ep, e)), Some(pkg)) = (&d.asgi_entrypoint, asgi_pkg) {
            let e = e.with_rule(format!("{} with `{pkg}` installed", e.rule));
            return Ok((Interface::Asgi, ep.clone(), e));
        }
        // An ASGI-only project (ASGI_APPLICATION, no WSGI application): served as ASGI even when no
        // ASGI server is a dependency (the plan installs one and says so).
        if d.entrypoint.is_none()
            && let Some((ep, e)) = &d.asgi_entrypoint
        {
            let e = e.with_rule(format!("{}; the project has no WSGI application", e.rule));
            return Ok((Interface::Asgi, ep.clone(), e));
        }
        let (ep, e) = d.entrypoint.clone().ok_or_else(|| Error::Project {
            message: format!(
                "no WSGI_APPLICATION or ASGI_APPLICATION in `{}` and no wsgi.py or asgi.py beside it; pass --entrypoint",
                d.settings_module
            ),
        })?;
        Ok((Interface::Wsgi, ep, e))
    }
}

/// A configured data directory that is a Python package of the project: it stays in the build context
/// and read-only (the code must not be left out, nor writable), with a warning.
fn holds_code(cx: &AnalyzeCx, dir: &DataDir, warnings: &mut Diagnostics) -> bool {
    if dir.path.starts_with('/')
        || !cx
            .app_dir
            .child(&dir.path)
            .on(cx.root)
            .join("__init__.py")
            .is_file()
    {
        return false;
    }
    warnings.warn(format!(
        "{}: `{}` is a Python package of the project, so it stays in the image and read-only; point the setting at a directory of its own",
        dir.evidence, dir.path
    ));
    true
}

/// `STATIC_ROOT` and `MEDIA_ROOT` as data directories, leaving out (with a warning) one that holds code.
fn data_dirs(d: &settings::Django, cx: &AnalyzeCx, warnings: &mut Diagnostics) -> Vec<DataDir> {
    let static_dir =
        d.static_root_path
            .clone()
            .zip(d.static_root.clone())
            .map(|(path, evidence)| DataDir {
                role: DataRole::StaticRoot,
                path,
                evidence,
                url: d.static_url.clone(),
                label: "Django's STATIC_ROOT",
            });
    let media_dir = d.media_root.clone().and_then(|(path, evidence)| {
        path.map(|path| DataDir {
            role: DataRole::MediaRoot,
            path,
            evidence,
            url: None,
            label: "Django's MEDIA_ROOT",
        })
    });
    static_dir
        .into_iter()
        .chain(media_dir)
        .filter(|dir| !holds_code(cx, dir, warnings))
        .collect()
}

impl FrameworkSpec for Django {
    fn settings_module_key(&self) -> Option<&'static str> {
        Some(SETTINGS_MODULE_KEY)
    }
    fn postgres_values(&self) -> &'static [&'static str] {
        &[
            "django.db.backends.postgresql",
            "django.db.backends.postgresql_psycopg2",
        ]
    }
    fn services(&self) -> &'static [(&'static str, Option<&'static str>, Service)] {
        &[("django-redis", None, Service::Redis)]
    }
    fn mysql_values(&self) -> &'static [&'static str] {
        &["django.db.backends.mysql"]
    }
    fn database_from_env(&self) -> Option<&'static str> {
        Some("DATABASE_URL with dj-database-url in Django settings")
    }
    fn migration_tool(&self) -> Option<&'static str> {
        Some("Django migrations")
    }
    fn routes(&self) -> RouteRules {
        RouteRules {
            url_functions: &[
                ("django.urls.path", false),
                ("django.urls.re_path", true),
                ("django.conf.urls.url", true),
            ],
            include: Some("django.urls.include"),
            words: &["include", "ROOT_URLCONF"],
            ..RouteRules::default()
        }
    }
    fn root_urlconf(
        &self,
        sources: &[Source],
        analysis: &Analysis,
        entrypoint: &str,
    ) -> Option<String> {
        let settings = analysis.settings_module.as_deref()?;
        Some(urls::root_urlconf(sources, settings, entrypoint))
    }
    fn name(&self) -> &'static str {
        "django"
    }
    fn title(&self) -> &'static str {
        "Django"
    }
    fn package(&self) -> &'static str {
        "django"
    }
    fn about(&self) -> &'static str {
        "Django: found by manage.py; settings decide the WSGI/ASGI application"
    }
    fn marker_files(&self) -> &'static [&'static str] {
        &["manage.py"]
    }
    fn found_by_markers(&self, scan: &Scan) -> Vec<Found> {
        let paths = scan
            .app_markers
            .get("manage.py")
            .cloned()
            .unwrap_or_default();
        paths
            .into_iter()
            .map(|m| Found {
                app_dir: RelDir::of_file(&m),
                evidence: Evidence::file(&m, "manage.py"),
                marker: m,
            })
            .collect()
    }
    fn default_interface(&self) -> Interface {
        Interface::Wsgi
    }
    fn interface_of_entrypoint(&self, entrypoint: &str) -> Option<Interface> {
        entrypoint.contains("asgi").then_some(Interface::Asgi)
    }
    fn analyze(&self, cx: &AnalyzeCx) -> Result<Analysis> {
        let d = settings::analyze(cx.root, cx.sources, cx.app_dir.as_str(), cx.marker)?;
        let (interface, entrypoint, ep_evidence) = Django::entrypoint(&d, cx)?;
        let mut evidence = vec![
            (Key::Fact(SETTINGS_MODULE_KEY), d.settings_evidence.clone()),
            (Key::Entrypoint, ep_evidence.clone()),
        ];
        if let Some(e) = &d.static_root {
            evidence.push((Key::StaticRoot, e.clone()));
        }
        let mut facts = std::collections::BTreeSet::new();
        if let Some(e) = &d.compress_offline {
            evidence.push((Key::Fact("compress_offline"), e.clone()));
            facts.insert(COMPRESS_OFFLINE);
        }
        if d.auth {
            facts.insert(AUTH);
        }
        let services = [
            (Service::Mariadb, &d.mysql),
            (Service::Postgres, &d.postgres),
            (Service::Redis, &d.redis),
        ]
        .into_iter()
        .filter_map(|(s, e)| e.clone().map(|e| (s, e)))
        .collect();
        let mut warnings = d.warnings.clone();
        let data_dirs = data_dirs(&d, cx, &mut warnings);
        Ok(Analysis {
            data_dirs,
            entrypoint: Some((entrypoint, ep_evidence)),
            interface: Some(interface),
            settings_module: Some(d.settings_module.clone()),
            static_root: Some(d.static_root.is_some()),
            evidence,
            services,
            settings: d.assigned.clone(),
            env_reads: d
                .env_reads
                .iter()
                .map(|(read, file)| {
                    let mut v = EnvRead::new(read, file, "read by the settings");
                    // Django refuses to start with an empty SECRET_KEY.
                    v.required |= read.target.as_deref() == Some("SECRET_KEY") && !read.has_default;
                    v
                })
                .collect(),
            comparisons: d.comparisons.clone(),
            warnings,
            facts,
        })
    }
    fn env_role(&self, read: &EnvRead, cx: &EnvRoleCx) -> Option<(EnvRole, Evidence)> {
        env::role(read, cx)
    }
    fn database_url_scheme(&self, database: Service) -> Option<&'static str> {
        // dj-database-url and django-environ: `postgres://`, `mysql://`.
        match database {
            Service::Mariadb => Some("mysql"),
            _ => Some("postgres"),
        }
    }
    fn asgi_servers(&self) -> &'static [Server] {
        &[Server::Uvicorn, Server::Daphne]
    }
    fn dev_command(&self, app: &AppView, _server: &[String]) -> Vec<String> {
        words(&[
            "python",
            "manage.py",
            "runserver",
            &format!("0.0.0.0:{}", app.port),
        ])
    }
    fn migration(&self, _app: &AppView) -> Option<Migration> {
        Some(Migration::in_app_dir(&[
            "python",
            "manage.py",
            "migrate",
            "--noinput",
        ]))
    }
    fn one_off_commands(&self, app: &AppView) -> Vec<(&'static str, Vec<String>)> {
        match app.facts.contains(AUTH) {
            true => vec![(
                "to create an admin user",
                words(&["python", "manage.py", "createsuperuser"]),
            )],
            false => Vec::new(),
        }
    }
    fn build_commands(&self, app: &AppView) -> Vec<Vec<String>> {
        let mut steps = vec![];
        if app.static_root == Some(true) {
            steps.push(words(&[
                "python",
                "manage.py",
                "collectstatic",
                "--noinput",
            ]));
            // Offline compression renders every `{% compress %}` block into STATIC_ROOT's CACHE
            // and its manifest; the app then refuses to render one that is missing.
            if app.facts.contains(COMPRESS_OFFLINE) {
                steps.push(words(&["python", "manage.py", "compress", "--force"]));
            }
        }
        steps
    }
    fn runtime_env(&self, app: &AppView) -> Vec<(&'static str, String)> {
        app.settings_module
            .map(|s| ("DJANGO_SETTINGS_MODULE", s.to_string()))
            .into_iter()
            .collect()
    }
    fn unserved_static(&self, app: &AppView) -> Option<(&'static str, &'static str)> {
        // Django serves static files only with DEBUG on; WhiteNoise serves them from the app, and
        // django-storages puts them in object storage.
        let served = ["whitenoise", "django-storages"]
            .iter()
            .any(|p| app.deps.has(p));
        (app.static_root == Some(true) && !served).then_some((
            "Django serves static files only with DEBUG on, and neither WhiteNoise nor django-storages is a dependency",
            "add WhiteNoise to the app (its middleware serves STATIC_ROOT)",
        ))
    }
    fn cli_invocation(&self, command: &str) -> Option<Vec<String>> {
        Some(words(&["python", "manage.py", command]))
    }
}
