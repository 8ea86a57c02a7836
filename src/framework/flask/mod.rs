//! Flask: found by a module-level `Flask(...)` object or a `create_app` factory; `FLASK_APP` in
//! `.flaskenv` / `.env` (read, never written) names the app explicitly. Served by gunicorn; migrated by
//! Flask-Migrate or Alembic.

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
fn instance_dir() -> DataDir {
    DataDir {
        role: DataRole::Instance,
        path: "instance".into(),
        evidence: Evidence::rule(
            "Flask's instance folder (app.instance_path) beside the app's module or package",
        ),
    }
}

impl FrameworkSpec for Flask {
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
    fn named_app(&self, root: &Path, scan: &Scan) -> Option<Named> {
        let mut dirs: Vec<RelDir> = scan.project_dirs.keys().map(|d| RelDir::new(d)).collect();
        if !dirs.contains(&RelDir::root()) {
            dirs.insert(0, RelDir::root());
        }
        dirs.into_iter().find_map(|dir| {
            [".flaskenv", ".env"].into_iter().find_map(|name| {
                let rel = dir.join(name);
                let path = files::join(root, &rel);
                if !files::is_file(&path) {
                    return None;
                }
                let text = files::read_text(&path, Path::new(&rel), limit::SMALL).ok()?;
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
                analysis.warnings.push(format!(
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
    fn cli_invocation(&self, command: &str) -> Option<Vec<String>> {
        Some(vec!["flask".into(), command.into()])
    }
    fn dev_command(&self, app: &AppView, _server: &[String]) -> Vec<String> {
        words(&[
            "flask",
            "--app",
            app.entrypoint,
            "run",
            "--debug",
            "--host",
            "0.0.0.0",
            "--port",
            &app.port.to_string(),
        ])
    }
    fn migration(&self, app: &AppView) -> Option<Migration> {
        if app.deps.has("flask-migrate") {
            if !app.facts.contains(MIGRATIONS) {
                return None;
            }
            Some(Migration::in_app_dir(&[
                "flask",
                "--app",
                app.entrypoint,
                "db",
                "upgrade",
            ]))
        } else if app.deps.has("alembic") {
            Some(Migration::alembic(app))
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
}
