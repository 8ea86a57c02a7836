//! Flask: found by a module-level `Flask(...)` object or a `create_app` factory; `FLASK_APP` in
//! `.flaskenv` / `.env` (read, never written) names the app explicitly. Served by gunicorn; migrated by
//! Flask-Migrate or Alembic.

use crate::base::diag::Diagnostics;
use std::path::Path;

use super::{
    Analysis, AnalyzeCx, AppView, DataDir, DataRole, FrameworkSpec, Migration, Mount, Named,
    RouteRules,
};
use crate::base::error::Result;
use crate::base::evidence::Evidence;
use crate::base::fs::{self as files, limit};
use crate::base::kinds::{Interface, Server};
use crate::base::relpath::RelDir;
use crate::parse::walk::Scan;

pub struct Flask;

/// The analysis found the app's migrations/ folder.
const MIGRATIONS: &str = "migrations-folder";

fn words(ws: &[&str]) -> Vec<String> {
    ws.iter().map(|s| s.to_string()).collect()
}

/// `FLASK_APP=value` in a dotenv-style text: (value, 1-based line).
fn flask_app_in(text: &str) -> Option<(String, usize)> {
    text.lines().enumerate().find_map(|(i, line)| {
        let l = line.trim().trim_start_matches("export ").trim();
        let v = l
            .strip_prefix("FLASK_APP")?
            .trim_start()
            .strip_prefix('=')?;
        let v = v.trim().trim_matches(['"', '\'']).to_string();
        (!v.is_empty()).then_some((v, i + 1))
    })
}

/// Flask's instance folder: `instance/` beside the app's top-level module or package, which the server
/// imports from the app directory (Flask's `App.auto_find_instance_path` for a package that is not
/// installed in site-packages).
/// Whether the installed Flask (its locked or exactly pinned version) predates 2.2, which added the
/// `flask --app` option: such a Flask finds the app through `FLASK_APP` alone (the image sets it, see
/// `runtime_env`). An unknown version is taken to be a current one.
fn without_app_option(app: &AppView) -> bool {
    app.deps
        .get("flask")
        .and_then(|d| d.version.as_deref())
        .is_some_and(|v| crate::knowledge::release_before(v, "2.2"))
}

fn instance_dir() -> DataDir {
    DataDir {
        role: DataRole::Instance,
        path: "instance".into(),
        label: "Flask's instance folder (app.instance_path)",
        evidence: Evidence::rule(
            "Flask's instance folder (app.instance_path) beside the app's module or package",
        ),
        url: None,
    }
}

impl FrameworkSpec for Flask {
    fn pkg_resources_users(&self) -> &'static [crate::knowledge::PkgResourcesUser] {
        &[crate::knowledge::PkgResourcesUser {
            package: "flask",
            fixed_in: "2.1",
            why: "loads the `flask` commands of extensions (Flask-Migrate's `flask db`) through pkg_resources (`flask/cli.py`), and without it silently has none; 2.1 uses importlib.metadata",
        }]
    }
    fn database_from_env(&self) -> Option<&'static str> {
        Some("SQLALCHEMY_DATABASE_URI = os.environ[\"DATABASE_URL\"] for Flask-SQLAlchemy")
    }
    fn migration_tool(&self) -> Option<&'static str> {
        Some("Flask-Migrate")
    }
    fn routes(&self) -> RouteRules {
        RouteRules {
            // APIFlask and Quart keep Flask's app and blueprint API.
            apps: &["flask.Flask", "apiflask.APIFlask", "quart.Quart"],
            routers: &[
                ("flask.Blueprint", "url_prefix"),
                ("flask.blueprints.Blueprint", "url_prefix"),
                ("apiflask.APIBlueprint", "url_prefix"),
            ],
            mounts: &[Mount {
                method: "register_blueprint",
                prefix: "url_prefix",
                replaces: true,
            }],
            decorators: &["get", "route"],
            words: &["register_blueprint", "Blueprint", "Flask", "Quart"],
            ..RouteRules::default()
        }
    }
    fn name(&self) -> &'static str {
        "flask"
    }
    fn title(&self) -> &'static str {
        "Flask"
    }
    fn package(&self) -> &'static str {
        "flask"
    }
    fn about(&self) -> &'static str {
        "Flask: a Flask(...) object or a create_app factory; FLASK_APP when set"
    }
    fn app_class(&self) -> Option<(&'static str, &'static str)> {
        Some(("flask.Flask", "flask"))
    }
    /// `FLASK_APP` from `.flaskenv` or `.env` at the root or in a project directory.
    fn named_app(&self, root: &Path, scan: &Scan, warnings: &mut Diagnostics) -> Option<Named> {
        let mut dirs: Vec<RelDir> = scan.project_dirs.keys().map(|d| RelDir::new(d)).collect();
        if !dirs.contains(&RelDir::root()) {
            dirs.insert(0, RelDir::root());
        }
        dirs.into_iter().find_map(|dir| {
            [".flaskenv", ".env"].into_iter().find_map(|name| {
                let rel = dir.join(name);
                let path = files::join(root, &rel);
                if !files::exists(&path) {
                    return None;
                }
                // A FIFO, a directory or an unreadable file by that name is said, never skipped silently.
                let text = files::read_text(&path, Path::new(&rel), limit::SMALL)
                    .map_err(|why| warnings.warn(format!("{why}; FLASK_APP in it was not read")))
                    .ok()?;
                let (target, line) = flask_app_in(&text)?;
                Some(Named {
                    evidence: crate::base::evidence::Evidence::at(
                        &rel,
                        line,
                        &format!("FLASK_APP={target}"),
                    ),
                    dir: dir.clone(),
                    target,
                })
            })
        })
    }
    fn default_interface(&self) -> Interface {
        Interface::Wsgi
    }
    fn analyze(&self, cx: &AnalyzeCx) -> Result<Analysis> {
        let entrypoint = cx.named.map(|n| {
            let rule = format!(
                "{} (FLASK_APP={} in {})",
                cx.evidence.rule,
                n.target,
                n.evidence.file.clone().unwrap_or_default()
            );
            (cx.entrypoint.to_string(), cx.evidence.with_rule(rule))
        });
        let mut analysis = Analysis {
            entrypoint,
            data_dirs: vec![instance_dir()],
            ..Analysis::default()
        };
        // Flask-Migrate upgrades from the committed migrations/ folder; without it `flask db upgrade`
        // fails, and web would wait for the migrate service forever.
        if cx.deps.has("flask-migrate") {
            if cx.app_dir.child("migrations").on(cx.root).is_dir() {
                analysis.facts.insert(MIGRATIONS);
            } else {
                analysis.warnings.warn(format!(
                    "Flask-Migrate is a dependency but `{}` has no migrations/ folder, so no migrate service is generated: run `flask db init` and `flask db migrate`, and commit migrations/",
                    cx.app_dir
                ));
            }
        }
        Ok(analysis)
    }
    fn asgi_servers(&self) -> &'static [Server] {
        &[Server::Uvicorn]
    }
    fn prefixed_env_default(&self) -> Option<&'static str> {
        Some("FLASK")
    }
    fn cli_invocation(&self, command: &str) -> Option<Vec<String>> {
        Some(vec!["flask".into(), command.into()])
    }
    fn dev_command(&self, app: &AppView, _server: &[String]) -> Vec<String> {
        let port = app.port.to_string();
        if without_app_option(app) {
            // `flask run --debug` came with 2.2 too; `--reload --debugger` are what 1.x-2.1 have.
            return words(&[
                "flask",
                "run",
                "--reload",
                "--debugger",
                "--host",
                "0.0.0.0",
                "--port",
                &port,
            ]);
        }
        words(&[
            "flask",
            "--app",
            app.entrypoint,
            "run",
            "--debug",
            "--host",
            "0.0.0.0",
            "--port",
            &port,
        ])
    }
    fn migration(&self, app: &AppView) -> Option<Migration> {
        // Flask-Migrate needs its migrations/ folder; Flask-Alembic reads its configuration from the
        // app's config (no alembic.ini): both run as `flask db upgrade`.
        let flask_db = (app.deps.has("flask-migrate") && app.facts.contains(MIGRATIONS))
            || app.deps.has("flask-alembic");
        if app.deps.has("flask-migrate") && !flask_db {
            return None;
        }
        if flask_db {
            if without_app_option(app) {
                return Some(Migration::in_app_dir(&["flask", "db", "upgrade"]));
            }
            Some(Migration::in_app_dir(&[
                "flask",
                "--app",
                app.entrypoint,
                "db",
                "upgrade",
            ]))
        } else if app.deps.has("alembic") {
            Migration::alembic(app)
        } else {
            None
        }
    }
    fn runtime_env(&self, app: &AppView) -> Vec<(&'static str, String)> {
        vec![("FLASK_APP", app.entrypoint.to_string())]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flask_app_lines() {
        assert_eq!(
            flask_app_in("# x\nexport FLASK_APP = \"shop:create_app()\"\n"),
            Some(("shop:create_app()".into(), 2))
        );
        assert_eq!(flask_app_in("FLASK_APP=\nFLASK_DEBUG=1\n"), None);
        assert_eq!(flask_app_in("FLASK_APPS=x\n"), None);
    }

    /// Flask before 2.2 has no `--app` (nor `run --debug`): the commands lean on the image's FLASK_APP.
    #[test]
    fn commands_fit_the_installed_flask() {
        let facts = std::collections::BTreeSet::from([MIGRATIONS]);
        let cases = [
            (
                Some("2.1.3"),
                "flask db upgrade",
                "flask run --reload --debugger",
            ),
            (
                Some("1.1.4"),
                "flask db upgrade",
                "flask run --reload --debugger",
            ),
            (
                Some("2.2.0"),
                "flask --app blog:create_app() db upgrade",
                "flask --app blog:create_app() run --debug",
            ),
            (
                Some("3.1"),
                "flask --app blog:create_app() db upgrade",
                "flask --app blog:create_app() run --debug",
            ),
            (
                None,
                "flask --app blog:create_app() db upgrade",
                "flask --app blog:create_app() run --debug",
            ),
        ];
        for (version, migrate, dev) in cases {
            let mut deps = crate::parse::deps::DepSet::default();
            for name in ["Flask", "flask-migrate"] {
                deps.add(name, vec![], true, Evidence::rule("x"));
            }
            if let Some(v) = version {
                deps.set_version("flask", v);
            }
            let app = AppView {
                entrypoint: "blog:create_app()",
                interface: Interface::Wsgi,
                settings_module: None,
                static_root: None,
                deps: &deps,
                port: 8000,
                alembic_dir: None,
                facts: &facts,
            };
            let m = Flask.migration(&app).unwrap();
            assert_eq!(m.command.join(" "), migrate, "{version:?}");
            let d = Flask.dev_command(&app, &[]).join(" ");
            assert!(d.starts_with(dev), "{version:?}: {d}");
        }
    }
}
