//! Health routes, found in the app's route declarations: `@app.get("/healthz")` (FastAPI, Flask 2),
//! `@bp.route("/health")` (Flask), `@router.get("/health")` on an `APIRouter`, and URL patterns in a
//! URLconf (`path("health/", ...)`).
//!
//! Only what the tokens prove counts: a decorator in a comment or a docstring is no route. A route
//! counts with its full path, so a router's route needs the chain of mounts up to an app (or Django's
//! root URLconf) with literal prefixes: `APIRouter(prefix="/api")`, `include_router(r, prefix="/v1")`,
//! `register_blueprint(bp, url_prefix="/api")`, `path("api/", include("api.urls"))`. A health route
//! whose mount is not proven is reported, not used. Which classes and methods declare routes is each
//! framework's [`RouteRules`]; which last segments name a health route is
//! [`crate::knowledge::HEALTH_NAMES`].

use std::collections::BTreeMap;

use super::apps::Source;
use super::pysrc::{Arg, Call, Module};
use crate::base::evidence::Evidence;
use crate::knowledge::HEALTH_NAMES;

/// How one framework's apps declare routes. Classes and functions are import paths, resolved through
/// each module's imports.
#[derive(Debug, Clone, Copy, Default)]
pub struct RouteRules {
    /// Classes whose instances are apps: their routes are at the root.
    pub apps: &'static [&'static str],
    /// Router classes, and the keyword of the prefix they give their routes.
    pub routers: &'static [(&'static str, &'static str)],
    /// Methods that mount a router on an app or a router.
    pub mounts: &'static [Mount],
    /// Decorator methods that declare a route; they answer GET unless `methods` leaves it out.
    pub decorators: &'static [&'static str],
    /// URL pattern functions of a URLconf, and whether the pattern is a regular expression.
    pub url_functions: &'static [(&'static str, bool)],
    /// The function that mounts another URLconf under a pattern.
    pub include: Option<&'static str>,
    /// Words whose presence marks a module as worth reading for routes (a cheap filter; the tokenizer
    /// decides).
    pub words: &'static [&'static str],
}

/// A method that mounts a router: the keyword of the prefix, and whether it replaces the router's own
/// prefix (`register_blueprint(url_prefix=...)`) rather than coming before it.
#[derive(Debug, Clone, Copy)]
pub struct Mount {
    pub method: &'static str,
    pub prefix: &'static str,
    pub replaces: bool,
}

/// The route rules of every framework in the registry, asked as one.
struct Rules<'a>(&'a [RouteRules]);

impl Rules<'_> {
    fn is_app(&self, class: &str) -> bool {
        self.0.iter().any(|r| r.apps.contains(&class))
    }
    fn router_prefix(&self, class: &str) -> Option<&'static str> {
        self.0
            .iter()
            .flat_map(|r| r.routers)
            .find(|(c, _)| *c == class)
            .map(|(_, kw)| *kw)
    }
    fn mount(&self, method: &str) -> Option<&'static Mount> {
        self.0
            .iter()
            .flat_map(|r| r.mounts)
            .find(|m| m.method == method)
    }
    fn is_decorator(&self, method: &str) -> bool {
        self.0.iter().any(|r| r.decorators.contains(&method))
    }
    fn url_function(&self, function: &str) -> Option<bool> {
        self.0
            .iter()
            .flat_map(|r| r.url_functions)
            .find(|(f, _)| *f == function)
            .map(|(_, regex)| *regex)
    }
    fn is_include(&self, function: &str) -> bool {
        self.0.iter().any(|r| r.include == Some(function))
    }
}

/// A health route with its full path.
#[derive(Debug, Clone, PartialEq)]
pub struct HealthRoute {
    pub path: String,
    pub evidence: Evidence,
}

/// What the routes show: the best health route, and health routes whose mount is not proven.
#[derive(Debug, Default)]
pub struct Found {
    pub route: Option<HealthRoute>,
    pub unmounted: Vec<(String, Evidence)>,
}

/// A route as declared: on which object (or URLconf), its own path, and where.
struct Declared {
    owner: String,
    path: String,
    evidence: Evidence,
}

/// Everything that places routes: roots, routers' own prefixes, and mounts (child -> parent, prefix,
/// replaces the child's own prefix). A prefix that is not a literal (`prefix=settings.API_V1_STR`) is
/// `None`: the routes below it have no proven path.
#[derive(Default)]
struct Tree {
    roots: Vec<String>,
    own: BTreeMap<String, Option<String>>,
    mounts: BTreeMap<String, (String, Option<String>, bool)>,
}

impl Tree {
    /// The full prefix of the routes on `id`, when its chain of mounts reaches a root.
    fn prefix(&self, id: &str, depth: usize) -> Option<String> {
        if self.roots.iter().any(|r| r == id) {
            return Some(String::new());
        }
        let (parent, at, replaces) = self.mounts.get(id)?;
        if depth > 16 {
            return None;
        }
        let above = self.prefix(parent, depth + 1)?;
        let at = at.as_deref()?;
        let own = match self.own.get(id) {
            _ if *replaces && !at.is_empty() => "",
            Some(own) => own.as_deref()?,
            None => "",
        };
        Some(join(&join(&above, at), own))
    }
}

/// Joins URL path pieces with one `/` between them.
fn join(a: &str, b: &str) -> String {
    match (a.trim_end_matches('/'), b.trim_start_matches('/')) {
        (a, "") if b.is_empty() => a.to_string(),
        (a, b) => format!("{a}/{b}"),
    }
}

/// The sources' health route, by every framework's `rules`. `root_urlconf` is the app's root URLconf
/// module, when its framework routes through one.
pub fn health(sources: &[Source], rules: &[RouteRules], root_urlconf: Option<&str>) -> Found {
    let rules = Rules(rules);
    let mut tree = Tree::default();
    tree.roots
        .extend(root_urlconf.map(|u| format!("urlconf:{u}")));
    let mut declared = Vec::new();
    for s in sources {
        for call in &s.summary.calls {
            read_call(s, call, &rules, &mut tree, &mut declared);
        }
    }
    let mut found = Found::default();
    let mut best: Option<(usize, HealthRoute)> = None;
    for d in declared {
        let Some(rank) = health_rank(&d.path) else {
            continue;
        };
        let Some(prefix) = tree.prefix(&d.owner, 0) else {
            found.unmounted.push((d.path, d.evidence));
            continue;
        };
        let path = join(&prefix, &d.path);
        // The probe writes the path into a Python string: only plain URL characters.
        if !path
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "/-._~".contains(c))
        {
            continue;
        }
        let path = if path.starts_with('/') {
            path
        } else {
            format!("/{path}")
        };
        let better = best
            .as_ref()
            .is_none_or(|(r, b)| (rank, path.len()) < (*r, b.path.len()));
        if better {
            best = Some((
                rank,
                HealthRoute {
                    path,
                    evidence: d.evidence,
                },
            ));
        }
    }
    found.route = best.map(|(_, r)| r);
    found
}

/// Where a health name stands in [`HEALTH_NAMES`], for a path whose last segment is one.
fn health_rank(path: &str) -> Option<usize> {
    let last = path.trim_end_matches('/').rsplit('/').next()?;
    HEALTH_NAMES
        .iter()
        .position(|n| last.eq_ignore_ascii_case(n))
}

/// The fully qualified name of `dotted` as `s` sees it: through its imports (relative ones resolved
/// against its package), else a name of its own module.
fn qualify(s: &Source, dotted: &str) -> String {
    let m: &Module = &s.summary;
    let (head, tail) = match dotted.split_once('.') {
        Some((h, t)) => (h, Some(t)),
        None => (dotted, None),
    };
    let base = match m.imports.get(head) {
        Some(q) => absolute(s, q),
        None => return format!("{}.{dotted}", s.module),
    };
    match tail {
        Some(t) => format!("{base}.{t}"),
        None => base,
    }
}

/// An import path made absolute: `.routers.health` from `app/main.py` is `app.routers.health`.
fn absolute(s: &Source, q: &str) -> String {
    let level = q.chars().take_while(|c| *c == '.').count();
    if level == 0 {
        return q.to_string();
    }
    let mut package: Vec<&str> = s.module.split('.').collect();
    if !s.file.ends_with("__init__.py") {
        package.pop();
    }
    for _ in 1..level {
        package.pop();
    }
    let rest = &q[level..];
    if rest.is_empty() {
        package.join(".")
    } else if package.is_empty() {
        rest.to_string()
    } else {
        format!("{}.{rest}", package.join("."))
    }
}

fn string(a: Option<&Arg>) -> Option<&str> {
    match a {
        Some(Arg::Str(s)) => Some(s),
        _ => None,
    }
}

/// A prefix keyword argument: empty when absent, `None` when it is not a literal.
fn prefix_arg(a: Option<&Arg>) -> Option<String> {
    match a {
        None => Some(String::new()),
        Some(Arg::Str(s)) => Some(s.clone()),
        Some(_) => None,
    }
}

/// What one call says: an app or router constructed, a mount, or a route.
fn read_call(
    s: &Source,
    call: &Call,
    rules: &Rules,
    tree: &mut Tree,
    declared: &mut Vec<Declared>,
) {
    let resolved = s.summary.resolve(&call.callee);
    let at = |rule: String| Evidence::at(&s.file, call.line, &rule);
    if let Some(target) = &call.target {
        let id = format!("{}.{target}", s.module);
        if rules.is_app(&resolved) {
            tree.roots.push(id);
        } else if let Some(kw) = rules.router_prefix(&resolved) {
            tree.own.insert(id, prefix_arg(call.kwarg(kw)));
        }
        return;
    }
    let (object, method) = match call.callee.rsplit_once('.') {
        Some((o, m)) => (o, m),
        None => ("", call.callee.as_str()),
    };
    if let Some(mount) = rules.mount(method)
        && !object.is_empty()
        && let Some(Arg::Name(child)) = call.args.first()
    {
        let prefix = prefix_arg(call.kwarg(mount.prefix));
        let parent = qualify(s, object);
        tree.mounts
            .insert(qualify(s, child), (parent, prefix, mount.replaces));
        return;
    }
    if call.decorator && !object.is_empty() && rules.is_decorator(method) {
        let Some(path) = string(call.args.first()) else {
            return;
        };
        let answers_get = match call.kwarg("methods") {
            Some(Arg::Strs(m)) => m.iter().any(|m| m.eq_ignore_ascii_case("GET")),
            _ => true,
        };
        if answers_get && !path.contains(['<', '{']) {
            declared.push(Declared {
                owner: qualify(s, object),
                path: path.to_string(),
                evidence: at(format!("route `@{}(\"{path}\")`", call.callee)),
            });
        }
        return;
    }
    if let Some(regex) = rules.url_function(&resolved) {
        url_pattern(s, call, regex, rules, tree, declared);
    }
}

/// A URL pattern: a route in this URLconf, or an include of another.
fn url_pattern(
    s: &Source,
    call: &Call,
    regex: bool,
    rules: &Rules,
    tree: &mut Tree,
    declared: &mut Vec<Declared>,
) {
    let Some(pattern) = string(call.args.first()) else {
        return;
    };
    let Some(path) = pattern_path(pattern, regex) else {
        return;
    };
    let owner = format!("urlconf:{}", s.module);
    match call.args.get(1) {
        Some(Arg::Call {
            callee,
            first: Some(module),
        }) if rules.is_include(&s.summary.resolve(callee)) => {
            let child = match s
                .summary
                .imports
                .get(module.split('.').next().unwrap_or_default())
            {
                // `include(api.urls)`: a module object.
                Some(_) => qualify(s, module),
                None => module.clone(),
            };
            tree.mounts
                .insert(format!("urlconf:{child}"), (owner, Some(path), false));
        }
        _ => declared.push(Declared {
            owner,
            path: path.clone(),
            evidence: Evidence::at(
                &s.file,
                call.line,
                &format!("URL pattern `{}(\"{pattern}\", ...)`", call.callee),
            ),
        }),
    }
}

/// A URL pattern as a literal path: `health/`, or a regex that is one (`^health/$`).
fn pattern_path(pattern: &str, regex: bool) -> Option<String> {
    let p = if regex {
        pattern.trim_start_matches('^').trim_end_matches('$')
    } else {
        pattern
    };
    let literal = p
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/-_".contains(c) || (!regex && c == '.'));
    literal.then(|| p.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::pysrc::summarize;

    fn source(file: &str, text: &str) -> Source {
        let module = file
            .trim_end_matches(".py")
            .trim_end_matches("/__init__")
            .replace('/', ".");
        Source {
            file: file.into(),
            app_dir: ".".into(),
            module,
            summary: summarize(text),
        }
    }

    fn found(files: &[(&str, &str)], urlconf: Option<&str>) -> Found {
        let sources: Vec<Source> = files.iter().map(|(f, t)| source(f, t)).collect();
        let rules: Vec<RouteRules> = crate::framework::ALL.iter().map(|f| f.routes()).collect();
        health(&sources, &rules, urlconf)
    }

    fn path(files: &[(&str, &str)], urlconf: Option<&str>) -> Option<String> {
        found(files, urlconf).route.map(|r| r.path)
    }

    #[test]
    fn each_frameworks_usual_spelling() {
        let fastapi = "from fastapi import FastAPI\napp = FastAPI()\n\n@app.get(\"/health\")\ndef health():\n    return {}\n";
        let f = found(&[("main.py", fastapi)], None);
        let r = f.route.unwrap();
        assert_eq!(r.path, "/health");
        assert_eq!(
            r.evidence.to_string(),
            "main.py:4: route `@app.get(\"/health\")`"
        );
        let flask = "import flask\napplication = flask.Flask(__name__)\n\n@application.route('/healthz', methods=['GET', 'HEAD'])\ndef h():\n    return 'ok'\n";
        assert_eq!(
            path(&[("wsgi.py", flask)], None).as_deref(),
            Some("/healthz")
        );
        let flask2 = "from flask import Flask as F\napp = F(__name__)\n@app.get('/livez')\nasync def live():\n    return ''\n";
        assert_eq!(path(&[("app.py", flask2)], None).as_deref(), Some("/livez"));
        let django = "from django.urls import include, path, re_path\nfrom . import views\nurlpatterns = [\n    path('admin/', admin.site.urls),\n    path(\"health/\", views.health, name=\"health\"),\n]\n";
        let f = found(&[("config/urls.py", django)], Some("config.urls"));
        let r = f.route.unwrap();
        assert_eq!(r.path, "/health/");
        assert_eq!(r.evidence.line, Some(5));
        let regex = "from django.urls import re_path\nurlpatterns = [re_path(r'^healthz/?$', v)]\n";
        assert_eq!(
            path(&[("config/urls.py", regex)], Some("config.urls")),
            None
        );
        let regex = "from django.urls import re_path\nurlpatterns = [re_path(r'^healthz/$', v)]\n";
        assert_eq!(
            path(&[("config/urls.py", regex)], Some("config.urls")).as_deref(),
            Some("/healthz/")
        );
    }

    #[test]
    fn routers_and_blueprints_count_with_their_mounts() {
        let router = "from fastapi import APIRouter\nrouter = APIRouter(prefix=\"/ops\")\n\n@router.get(\"/healthz\")\ndef hz():\n    return {}\n";
        let main = "from fastapi import FastAPI\nfrom .routers import ops\napp = FastAPI()\napp.include_router(ops.router, prefix=\"/api\")\n";
        let files = [("app/routers/ops.py", router), ("app/main.py", main)];
        assert_eq!(path(&files, None).as_deref(), Some("/api/ops/healthz"));
        // Not mounted anywhere: reported, not used.
        let f = found(&[("app/routers/ops.py", router)], None);
        assert!(f.route.is_none());
        assert_eq!(f.unmounted[0].0, "/healthz");
        // Flask: register_blueprint's url_prefix replaces the blueprint's own.
        let bp = "from flask import Blueprint\nbp = Blueprint('main', __name__, url_prefix='/x')\n@bp.route('/health')\ndef h():\n    return 'ok'\n";
        let factory = "from flask import Flask\ndef create_app():\n    app = Flask(__name__)\n    from app.main import bp as main_bp\n    app.register_blueprint(main_bp, url_prefix='/internal')\n    return app\n";
        let files = [("app/main.py", bp), ("app/__init__.py", factory)];
        assert_eq!(path(&files, None).as_deref(), Some("/internal/health"));
        // Django: include() of another URLconf.
        let root = "from django.urls import include, path\nurlpatterns = [path('ops/', include('ops.urls'))]\n";
        let ops = "from django.urls import path\nfrom . import views\nurlpatterns = [path('healthz', views.hz)]\n";
        let files = [("config/urls.py", root), ("ops/urls.py", ops)];
        assert_eq!(
            path(&files, Some("config.urls")).as_deref(),
            Some("/ops/healthz")
        );
        // The same URLconf when it is not the root: not proven.
        assert_eq!(path(&files, Some("other.urls")), None);
        // A prefix that is not a literal: not proven either, and reported.
        let main = "from fastapi import FastAPI\nfrom app.core.config import settings\nfrom .routers import ops\napp = FastAPI()\napp.include_router(ops.router, prefix=settings.API_V1_STR)\n";
        let files = [("app/routers/ops.py", router), ("app/main.py", main)];
        let f = found(&files, None);
        assert!(f.route.is_none(), "{:?}", f.route);
        assert_eq!(f.unmounted.len(), 1);
        let own = router.replace("prefix=\"/ops\"", "prefix=PREFIX");
        let main = "from fastapi import FastAPI\nfrom .routers import ops\napp = FastAPI()\napp.include_router(ops.router)\n";
        let files = [("app/routers/ops.py", own.as_str()), ("app/main.py", main)];
        assert_eq!(path(&files, None), None);
    }

    #[test]
    fn comments_docstrings_and_non_routes_are_not_health_routes() {
        let text = r#"
"""Probe with @app.get("/health") once it exists."""
from fastapi import FastAPI
app = FastAPI()
# @app.get("/healthz")
x = '@app.get("/health")'

@app.post("/health")
def post():
    pass

@app.route("/healthz", methods=["POST"])
def post2():
    pass

@app.get("/health/{item}")
def item():
    pass

@app.get("/healthy-food")
def food():
    pass

@app.get("/it's/health")
def quote():
    pass
"#;
        let f = found(&[("main.py", text)], None);
        assert!(f.route.is_none(), "{:?}", f.route);
        assert!(f.unmounted.is_empty());
        // A Django pattern outside Django's path functions is not a route.
        let not_django = "def path(p, v):\n    pass\nurlpatterns = [path('health/', v)]\n";
        assert_eq!(
            path(&[("config/urls.py", not_django)], Some("config.urls")),
            None
        );
    }

    #[test]
    fn the_best_health_name_and_the_shortest_path_win() {
        let text = "from fastapi import FastAPI\napp = FastAPI()\n@app.get('/api/health')\ndef a(): ...\n@app.get('/healthz')\ndef b(): ...\n@app.get('/health')\ndef c(): ...\n";
        assert_eq!(
            path(&[("main.py", text)], None).as_deref(),
            Some("/healthz")
        );
    }

    #[test]
    fn relative_imports_resolve_against_the_package() {
        let s = source("app/api/main.py", "from ..core import x\nfrom . import y\n");
        assert_eq!(qualify(&s, "x.r"), "app.core.x.r");
        assert_eq!(qualify(&s, "y"), "app.api.y");
        assert_eq!(qualify(&s, "local"), "app.api.main.local");
        let init = source("app/__init__.py", "from .main import bp\n");
        assert_eq!(qualify(&init, "bp"), "app.main.bp");
    }
}
