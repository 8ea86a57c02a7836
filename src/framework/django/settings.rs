//! Django: the settings module (from `manage.py`), the WSGI/ASGI application (from the settings), static
//! files, and settings that will not work in a container.
//!
//! Settings are read as tokens, following `from .base import *` chains, so a `production.py` that imports
//! `base.py` and overrides `DEBUG` is understood as Django will load it. Nothing is executed and the user's
//! code is never edited: problems become warnings with file and line.

use crate::base::diag::Diagnostics;
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::base::error::{Error, Result};
use crate::base::evidence::Evidence;
use crate::base::fs::{self as files, limit};
use crate::parse::index::SourceIndex;
use crate::parse::pysrc::{self, Assign, Module, Value};

/// What the settings say, for `detect` to turn into decisions.
#[derive(Debug, Default)]
pub struct Django {
    pub settings_module: String,
    pub settings_evidence: Evidence,
    /// "module:attr" for the server, and whether it is an ASGI application.
    pub entrypoint: Option<(String, Evidence)>,
    pub asgi_entrypoint: Option<(String, Evidence)>,
    pub static_root: Option<Evidence>,
    /// Where STATIC_ROOT points, when the settings fix it (see [`dir_path`]).
    pub static_root_path: Option<String>,
    /// STATIC_URL as a local URL path with both slashes (`/static/`), when the settings fix it so.
    pub static_url: Option<String>,
    /// MEDIA_ROOT: where uploads go (the path when the settings fix it), with its evidence.
    pub media_root: Option<(Option<String>, Evidence)>,
    pub postgres: Option<Evidence>,
    /// A MySQL engine (`django.db.backends.mysql`) or a `mysql://` URL: the generated MariaDB's.
    pub mysql: Option<Evidence>,
    pub redis: Option<Evidence>,
    /// Where each top-level setting is assigned (file, line), across the merged settings modules.
    pub assigned: BTreeMap<String, (String, usize)>,
    /// `COMPRESS_OFFLINE = True` (django-compressor needs `manage.py compress` before serving).
    pub compress_offline: Option<Evidence>,
    /// `django.contrib.auth` in INSTALLED_APPS: users, and `manage.py createsuperuser` to make the first.
    pub auth: bool,
    pub warnings: Diagnostics,
    /// Environment variables the settings read: (name, required, evidence).
    pub env_reads: Vec<(pysrc::EnvRead, String)>,
    /// `name == "value"` comparisons in the settings, with their file.
    pub comparisons: Vec<(pysrc::Comparison, String)>,
}

const DEV_NAMES: &[&str] = &["dev", "development", "local", "debug", "develop"];
const PROD_NAMES: &[&str] = &["production", "prod"];
const ENV_READERS: &[&str] = &[
    "environ",
    "getenv",
    "env",
    "config",
    "dj_database_url",
    "db_url",
    "parse",
];

/// A settings file merged through its star imports: name -> (assignment, file).
#[derive(Default)]
struct Merged {
    assigns: BTreeMap<String, (Assign, String)>,
    strings: Vec<(String, usize, String)>,
    env_reads: Vec<(pysrc::EnvRead, String)>,
    comparisons: Vec<(pysrc::Comparison, String)>,
    /// Settings modules that exist but could not be read.
    unreadable: Vec<String>,
}

/// The file a dotted module resolves to below `app_dir`: `a/b.py` or `a/b/__init__.py`.
fn module_file(root: &Path, app_dir: &str, module: &str) -> Option<(String, bool)> {
    let base = if app_dir == "." {
        module.replace('.', "/")
    } else {
        format!("{app_dir}/{}", module.replace('.', "/"))
    };
    let file = format!("{base}.py");
    // Anything by that name counts (a directory or FIFO is then reported, not passed over).
    if files::exists(&files::join(root, &file)) {
        return Some((file, false));
    }
    let pkg = format!("{base}/__init__.py");
    files::is_file(&files::join(root, &pkg)).then_some((pkg, true))
}

/// The summary of `rel` (manage.py, a settings module), read and tokenised through the run's index: a
/// file another step read (settings.py, scanned for environment reads) is not read or tokenised again.
fn read_module(index: &SourceIndex, root: &Path, rel: &str) -> Result<Arc<Module>> {
    let text = index.read(root, rel, limit::SOURCE)?;
    Ok(index.summary(rel, &text))
}

fn merge(
    root: &Path,
    index: &SourceIndex,
    app_dir: &str,
    module: &str,
    out: &mut Merged,
    depth: usize,
    seen: &mut Vec<String>,
) {
    if depth > 8 || seen.iter().any(|s| s == module) {
        return;
    }
    seen.push(module.to_string());
    let Some((file, is_pkg)) = module_file(root, app_dir, module) else {
        return;
    };
    let m = match read_module(index, root, &file) {
        Ok(m) => m,
        Err(e) => {
            out.unreadable.push(format!(
                "{}; the settings in it were not read, so detection may miss databases, caches and variables",
                e.one_line()
            ));
            return;
        }
    };
    let package: Vec<&str> = if is_pkg {
        module.split('.').collect()
    } else {
        let mut p: Vec<&str> = module.split('.').collect();
        p.pop();
        p
    };
    for (level, target) in &m.star_imports {
        let abs = star_import_module(&package, *level, target);
        merge(root, index, app_dir, &abs, out, depth + 1, seen);
    }
    absorb(out, &m, &file);
}

/// A star import's module made absolute from the importing module's `package`: `from .base import *`
/// is level 1.
fn star_import_module(package: &[&str], level: usize, target: &str) -> String {
    if level == 0 {
        return target.to_string();
    }
    let keep = package.len().saturating_sub(level - 1);
    let mut parts: Vec<&str> = package[..keep].to_vec();
    if !target.is_empty() {
        parts.push(target);
    }
    parts.join(".")
}

/// `m`'s assignments (later ones win), strings, environment reads and comparisons, added to `out`.
fn absorb(out: &mut Merged, m: &Module, file: &str) {
    for a in &m.assigns {
        if !a.subscript {
            out.assigns
                .insert(a.target.clone(), (a.clone(), file.to_string()));
        }
    }
    for (s, line) in &m.strings {
        out.strings.push((s.clone(), *line, file.to_string()));
    }
    for r in &m.env_reads {
        out.env_reads.push((r.clone(), file.to_string()));
    }
    for c in &m.comparisons {
        out.comparisons.push((c.clone(), file.to_string()));
    }
}

fn dotted_to_entrypoint(v: &str) -> Option<String> {
    let (m, attr) = v.rsplit_once('.')?;
    (!m.is_empty() && !attr.is_empty()).then(|| format!("{m}:{attr}"))
}

/// Finds the settings module for `manage.py` at `manage_rel` and reads it, reading and tokenising the
/// files through `index`, the run's.
pub fn analyze(
    root: &Path,
    index: &SourceIndex,
    app_dir: &str,
    manage_rel: &str,
) -> Result<Django> {
    let mut d = Django::default();
    let (settings, ev) = chosen_settings(root, index, app_dir, manage_rel, &mut d.warnings)?;
    d.settings_module = settings.clone();
    d.settings_evidence = ev;

    let mut merged = Merged::default();
    merge(
        root,
        index,
        app_dir,
        &settings,
        &mut merged,
        0,
        &mut Vec::new(),
    );
    entrypoints(root, app_dir, &merged, &mut d);
    container_checks(&merged, &mut d);
    dir_settings(&merged, app_dir, &mut d);
    databases(&merged, &mut d);
    service_urls(&merged, &mut d);
    let get = |name: &str| merged.assigns.get(name);
    d.assigned = merged
        .assigns
        .iter()
        .map(|(name, (a, f))| (name.clone(), (f.clone(), a.line)))
        .collect();
    if let Some((a, f)) = get("COMPRESS_OFFLINE")
        && a.value == Value::Bool(true)
    {
        d.compress_offline = Some(Evidence::at(
            f,
            a.line,
            "COMPRESS_OFFLINE = True in settings",
        ));
    }
    d.auth = get("INSTALLED_APPS")
        .is_some_and(|(a, _)| a.strings.iter().any(|s| s == "django.contrib.auth"));
    d.warnings.extend(std::mem::take(&mut merged.unreadable));
    d.env_reads.extend(merged.env_reads);
    d.comparisons = merged.comparisons;
    Ok(d)
}

/// The settings module the image runs, named by `manage.py` (or beside it), production's preferred
/// to a dev one; an error when there is none or it is no module path.
fn chosen_settings(
    root: &Path,
    index: &SourceIndex,
    app_dir: &str,
    manage_rel: &str,
    warnings: &mut Diagnostics,
) -> Result<(String, Evidence)> {
    let manage = read_module(index, root, manage_rel)?;
    let (settings, ev) = settings_module(root, app_dir, manage_rel, &manage)?;
    let (settings, ev) =
        prefer_production(root, index, app_dir, manage_rel, settings, ev, warnings);
    // It reaches `ENV DJANGO_SETTINGS_MODULE` and commands: a dotted Python module path or an error.
    crate::base::valid::module_path("the settings module", &settings).map_err(|message| {
        Error::Parse {
            path: ev.file.clone().unwrap_or(manage_rel.to_string()).into(),
            pos: ev.line.map(|line| crate::base::error::Position { line, column: 1 }),
            message,
        }
        .with_hint("Django imports its settings by module path: rename the settings package, or fix DJANGO_SETTINGS_MODULE in manage.py")
    })?;
    Ok((settings, ev))
}

/// The settings modules in `app_dir`: each `<pkg>/settings.py` or `<pkg>/settings/` package, as
/// `<pkg>.settings`.
fn settings_beside(root: &Path, app_dir: &str) -> Vec<String> {
    let Ok(rd) = std::fs::read_dir(files::join(root, app_dir)) else {
        return Vec::new();
    };
    rd.flatten()
        .filter_map(|e| {
            let name = e.file_name().to_string_lossy().to_string();
            let rel = if app_dir == "." {
                name.clone()
            } else {
                format!("{app_dir}/{name}")
            };
            let has = files::is_file(&files::join(root, &format!("{rel}/settings.py")))
                || files::is_file(&files::join(root, &format!("{rel}/settings/__init__.py")));
            has.then(|| format!("{name}.settings"))
        })
        .collect()
}

/// `DJANGO_SETTINGS_MODULE` from `os.environ.setdefault` in manage.py, else the one settings module
/// beside it.
fn settings_module(
    root: &Path,
    app_dir: &str,
    manage_rel: &str,
    manage: &Module,
) -> Result<(String, Evidence)> {
    Ok(
        match manage
            .env_defaults
            .iter()
            .find(|(k, _, _)| k == "DJANGO_SETTINGS_MODULE")
        {
            Some((_, v, line)) => (
                v.clone(),
                Evidence::at(
                    manage_rel,
                    *line,
                    "os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", ...)",
                ),
            ),
            None => {
                // Fallback: exactly one `<pkg>/settings.py` or `<pkg>/settings/` beside manage.py.
                match settings_beside(root, app_dir).as_slice() {
                    [one] => (
                        one.clone(),
                        Evidence::file(
                            manage_rel,
                            "manage.py sets no DJANGO_SETTINGS_MODULE; the only settings module beside it",
                        ),
                    ),
                    _ => {
                        return Err(Error::Project {
                            message: format!(
                                "`{manage_rel}` does not set DJANGO_SETTINGS_MODULE and no single settings module sits beside it; \
                             pass --entrypoint (e.g. `mysite.wsgi:application`)"
                            ),
                        });
                    }
                }
            }
        },
    )
}

/// A dev settings module (or an empty settings package) with production settings beside it: the
/// image runs production, and says so.
fn prefer_production(
    root: &Path,
    index: &SourceIndex,
    app_dir: &str,
    manage_rel: &str,
    mut settings: String,
    mut ev: Evidence,
    warnings: &mut Diagnostics,
) -> (String, Evidence) {
    // Prefer production settings over dev ones when a settings package has both.
    if let Some((file, is_pkg)) = module_file(root, app_dir, &settings) {
        let last = settings.rsplit('.').next().unwrap_or_default().to_string();
        let pkg_of = |s: &str| -> String {
            if is_pkg {
                s.to_string()
            } else {
                s.rsplit_once('.')
                    .map(|(p, _)| p.to_string())
                    .unwrap_or_default()
            }
        };
        let empty_init = is_pkg
            && read_module(index, root, &file)
                .map(|m| m.assigns.is_empty() && m.star_imports.is_empty())
                .unwrap_or(false);
        if (DEV_NAMES.contains(&last.as_str()) && !is_pkg) || empty_init {
            let pkg = pkg_of(&settings);
            if let Some(prod) = PROD_NAMES
                .iter()
                .map(|p| format!("{pkg}.{p}"))
                .find(|m| module_file(root, app_dir, m).is_some())
            {
                warnings.warn(format!(
                    "`{manage_rel}` selects `{settings}`; the image runs `{prod}` (production settings found beside it). \
                     Override with DJANGO_SETTINGS_MODULE"
                ));
                ev = Evidence {
                    rule: format!(
                        "production settings `{prod}` chosen over `{settings}` named by {}",
                        ev.rule
                    ),
                    ..ev
                };
                settings = prod;
            }
        }
    } else {
        warnings.warn(format!(
            "settings module `{settings}` (from `{manage_rel}`) was not found below `{app_dir}`"
        ));
    }
    (settings, ev)
}

/// `WSGI_APPLICATION` / `ASGI_APPLICATION`, else the settings package's wsgi.py.
fn entrypoints(root: &Path, app_dir: &str, merged: &Merged, d: &mut Django) {
    let get = |name: &str| merged.assigns.get(name);
    let at = |a: &Assign, file: &str, rule: &str| Evidence::at(file, a.line, rule);
    let settings = d.settings_module.clone();
    if let Some((a, f)) = get("WSGI_APPLICATION")
        && let Value::Str(v) = &a.value
        && let Some(ep) = dotted_to_entrypoint(v)
    {
        d.entrypoint = Some((ep, at(a, f, "WSGI_APPLICATION in settings")));
    }
    if let Some((a, f)) = get("ASGI_APPLICATION")
        && let Value::Str(v) = &a.value
        && let Some(ep) = dotted_to_entrypoint(v)
    {
        d.asgi_entrypoint = Some((ep, at(a, f, "ASGI_APPLICATION in settings")));
    }
    if d.entrypoint.is_none() {
        // Fallback: the package holding the settings also holds wsgi.py (Django's project layout).
        let top = settings.split('.').next().unwrap_or_default();
        let wsgi = format!("{top}.wsgi");
        if let Some((file, _)) = module_file(root, app_dir, &wsgi) {
            d.entrypoint = Some((
                format!("{wsgi}:application"),
                Evidence::file(
                    &file,
                    "no WSGI_APPLICATION in settings; the wsgi.py of the settings package",
                ),
            ));
        }
        // Only an asgi.py (an ASGI-only project without ASGI_APPLICATION).
        let asgi = format!("{top}.asgi");
        if d.entrypoint.is_none()
            && d.asgi_entrypoint.is_none()
            && let Some((file, _)) = module_file(root, app_dir, &asgi)
        {
            d.asgi_entrypoint = Some((
                format!("{asgi}:application"),
                Evidence::file(
                    &file,
                    "no WSGI or ASGI application in settings and no wsgi.py; the asgi.py of the settings package",
                ),
            ));
        }
    }
}

/// Settings that will not work in a container: no STATIC_ROOT, hard-coded DEBUG, empty ALLOWED_HOSTS.
fn container_checks(merged: &Merged, d: &mut Django) {
    let get = |name: &str| merged.assigns.get(name);
    let at = |a: &Assign, file: &str, rule: &str| Evidence::at(file, a.line, rule);
    let settings = d.settings_module.clone();
    match get("STATIC_ROOT") {
        Some((a, f)) if a.value != Value::None => d.static_root = Some(at(a, f, "STATIC_ROOT in settings")),
        _ => d.warnings.warn(format!(
            "STATIC_ROOT is not set in `{settings}`: collectstatic cannot run at build time, so static files will not be served"
        )),
    }
    if let Some((a, f)) = get("DEBUG")
        && a.value == Value::Bool(true)
    {
        d.warnings.warn(format!(
            "`{f}` line {}: DEBUG = True is hard-coded; read it from the environment for production",
            a.line
        ));
    }
    if let Some((a, f)) = get("SECRET_KEY")
        && hard_coded(a)
    {
        let what = match &a.value {
            Value::Str(v) if v.starts_with("django-insecure-") => {
                "SECRET_KEY is the `django-insecure-` key startproject wrote"
            }
            _ => "SECRET_KEY is a literal string",
        };
        d.warnings.warn(format!(
            "`{f}` line {}: {what}, so everyone with the code can forge sessions and password resets; \
             hint: read it from the environment (`SECRET_KEY = os.environ[\"DJANGO_SECRET_KEY\"]`); dockgen init puts a random one in .env",
            a.line
        ));
    }
    if let Some((a, f)) = get("ALLOWED_HOSTS")
        && a.value == Value::EmptyList
    {
        d.warnings.warn(format!(
            "`{f}` line {}: ALLOWED_HOSTS = [] rejects every request when DEBUG is off; read it from the environment",
            a.line
        ));
    }
    if let Some((a, f)) = get("ALLOWED_HOSTS")
        && let Some(host) = working_host(&a.strings)
    {
        d.warnings.warn(format!(
            "`{f}` line {}: ALLOWED_HOSTS does not list localhost, so http://localhost answers 400; open the app at http://{host}:<WEB_PORT>/ (or add localhost)",
            a.line
        ));
    }
}

/// A host a user can open when the project's own ALLOWED_HOSTS (its literal hosts, or the default of
/// the variable it reads) excludes `localhost`: `127.0.0.1` when it lists that. None when localhost
/// works (listed, `*`, `.localhost`) or no local host is listed.
fn working_host(hosts: &[String]) -> Option<String> {
    let hosts: Vec<&str> = hosts
        .iter()
        .flat_map(|h| h.split([',', ' ']))
        .map(str::trim)
        .collect();
    let localhost_ok = hosts
        .iter()
        .any(|h| matches!(*h, "localhost" | "*" | ".localhost"));
    let local = ["127.0.0.1", "[::1]", "0.0.0.0"];
    (!localhost_ok)
        .then(|| {
            hosts
                .iter()
                .find(|h| local.contains(h))
                .map(|h| h.to_string())
        })
        .flatten()
}

/// STATIC_ROOT's and MEDIA_ROOT's paths, for the image's writable directories and `.dockerignore`.
fn dir_settings(merged: &Merged, app_dir: &str, d: &mut Django) {
    let get = |name: &str| merged.assigns.get(name);
    if d.static_root.is_some() {
        d.static_root_path = get("STATIC_ROOT").and_then(|(a, _)| dir_path(merged, a, app_dir));
        d.static_url = get("STATIC_URL").and_then(|(a, _)| match &a.value {
            Value::Str(s) => url_path(s),
            _ => None,
        });
    }
    if let Some((a, f)) = get("MEDIA_ROOT").filter(|(a, _)| a.value != Value::None) {
        let path = dir_path(merged, a, app_dir);
        if path.is_none() {
            d.warnings.warn(format!(
                "`{f}` line {}: MEDIA_ROOT is not a path dockgen can read from the settings, so the image makes no upload directory writable: uploads fail unless its directory is writable by the app's user",
                a.line
            ));
        }
        d.media_root = Some((path, Evidence::at(f, a.line, "MEDIA_ROOT in settings")));
    }
}

/// The path a directory setting names: relative to the app directory (where manage.py is), or absolute.
/// Understood: a string literal (relative ones are relative to the server's working directory, the app
/// directory), and `BASE_DIR / "a" / "b"`, `os.path.join(BASE_DIR, "a", "b")`, `str(...)` of those, when
/// `BASE_DIR` is the app directory. Anything else (read from the environment, computed) is `None`.
fn dir_path(merged_assigns: &Merged, a: &Assign, app_dir: &str) -> Option<String> {
    const PATH_NAMES: &[&str] = &["BASE_DIR", "os", "path", "join", "str", "Path"];
    let raw = match &a.value {
        Value::Str(s) => s.clone(),
        _ if a.names.iter().all(|n| PATH_NAMES.contains(&n.as_str()))
            && a.names.iter().any(|n| n == "BASE_DIR")
            && !a.strings.is_empty()
            && base_dir_is_app_dir(merged_assigns, app_dir) =>
        {
            a.strings.join("/")
        }
        _ => return None,
    };
    clean_dir(&raw)
}

/// A STATIC_URL as the URL path a front proxy serves it under: `static/` and `/static/` become
/// `/static/`; a URL with a host (a CDN), a query or characters beyond a plain path give none.
fn url_path(raw: &str) -> Option<String> {
    // `//cdn.example.com/static/` is a URL with a host (the page's scheme), not a path.
    let trimmed = raw.trim_end_matches('/');
    let trimmed = trimmed.strip_prefix('/').unwrap_or(trimmed);
    let plain = |c: char| c.is_ascii_alphanumeric() || "-._~/".contains(c);
    (!trimmed.is_empty()
        && trimmed.chars().all(plain)
        && !trimmed.contains("//")
        && !trimmed.starts_with('/'))
    .then(|| format!("/{trimmed}/"))
}

/// Whether `BASE_DIR` is the app directory: `__file__` with as many `.parent` (or `os.path.dirname`) as the
/// file that assigns it is deep below the app directory (`Path(__file__).resolve().parent.parent` in
/// `mysite/settings.py`, Django's startproject).
fn base_dir_is_app_dir(merged: &Merged, app_dir: &str) -> bool {
    let Some((a, file)) = merged.assigns.get("BASE_DIR") else {
        return false;
    };
    let rel = if app_dir == "." {
        Some(file.as_str())
    } else {
        file.strip_prefix(app_dir).and_then(|r| r.strip_prefix('/'))
    };
    let Some(rel) = rel else { return false };
    let ups = a
        .names
        .iter()
        .filter(|n| *n == "parent" || *n == "dirname")
        .count();
    a.names.iter().any(|n| n == "__file__") && ups == rel.split('/').count()
}

/// `./static/` as `static`, `/srv/media/` as `/srv/media`; `None` for `..`, an empty path or control
/// characters.
fn clean_dir(raw: &str) -> Option<String> {
    if raw.chars().any(char::is_control) {
        return None;
    }
    let absolute = raw.starts_with('/');
    let parts: Vec<&str> = raw
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() || parts.contains(&"..") {
        return None;
    }
    let joined = parts.join("/");
    Some(if absolute {
        format!("/{joined}")
    } else {
        joined
    })
}

/// Whether an assignment is a literal string with no environment read: `"..."`, or literals joined
/// (`"a" "b"`, `"a" + "b"`) with no name in them.
fn hard_coded(a: &Assign) -> bool {
    match &a.value {
        Value::Str(_) => true,
        Value::Other => !a.strings.is_empty() && a.names.is_empty(),
        _ => false,
    }
}

/// The `DATABASE_URL` that `dj_database_url.config()` without `env=` reads itself, in DATABASES.
fn implicit_database_url(a: &Assign) -> Option<pysrc::EnvRead> {
    let named = |w: &str| a.names.iter().any(|n| n == w);
    (named("dj_database_url") && named("config") && !named("env")).then(|| pysrc::EnvRead {
        name: "DATABASE_URL".into(),
        line: a.line,
        target: Some("DATABASES".into()),
        callee: Some("config".into()),
        ..pysrc::EnvRead::default()
    })
}

/// DATABASES: whether it reads the environment, SQLite-only, and a Postgres engine.
fn databases(merged: &Merged, d: &mut Django) {
    let get = |name: &str| merged.assigns.get(name);
    let at = |a: &Assign, file: &str, rule: &str| Evidence::at(file, a.line, rule);
    let settings = d.settings_module.clone();
    // `dj_database_url.config()` reads DATABASE_URL wherever its result lands: in DATABASES, or in a
    // name merged into it (`db_from_env = dj_database_url.config()`, then
    // `DATABASES["default"].update(db_from_env)`).
    let implicit: Vec<(pysrc::EnvRead, String)> = merged
        .assigns
        .values()
        .filter_map(|(a, f)| implicit_database_url(a).map(|r| (r, f.clone())))
        .collect();
    let reads_url = !implicit.is_empty();
    d.env_reads.extend(implicit);
    match get("DATABASES") {
        Some((a, f)) => {
            // One level of indirection: `_db = urlparse(os.environ[...])` then `DATABASES = {... _db ...}`.
            // Project helpers (`env_str`, `env_int`) count: detection traces their calls.
            let reader = |n: &str| ENV_READERS.contains(&n) || n.starts_with("env_");
            let env_driven = reads_url
                || a.names.iter().any(|n| {
                    reader(n) || get(n).is_some_and(|(b, _)| b.names.iter().any(|m| reader(m)))
                });
            let engines: Vec<&String> = a
                .strings
                .iter()
                .filter(|s| s.starts_with("django.db.backends.") || s.contains(".db.backends."))
                .collect();
            let sqlite_only = !engines.is_empty() && engines.iter().all(|e| e.ends_with("sqlite3"));
            if sqlite_only && !env_driven {
                d.warnings.warn(format!(
                    "`{f}` line {}: the only database is SQLite; data in the container is lost on rebuild and Postgres goes unused",
                    a.line
                ));
            } else if !env_driven {
                d.warnings.warn(format!(
                    "`{f}` line {}: DATABASES does not read the environment (DATABASE_URL or os.environ), so the compose database cannot be configured",
                    a.line
                ));
            }
            if let Some(e) = engines
                .iter()
                .find(|e| e.contains("postgresql") || e.contains("postgis"))
            {
                d.postgres = Some(at(a, f, &format!("DATABASES ENGINE `{e}`")));
            }
            if let Some(e) = engines.iter().find(|e| e.ends_with(".mysql")) {
                d.mysql = Some(at(a, f, &format!("DATABASES ENGINE `{e}`")));
            }
        }
        // Assigned inside a conditional that reads the environment (`if DB == "postgres":`): the
        // switch is traced and set by compose, so there is nothing to warn about.
        None if reads_url
            || merged
                .env_reads
                .iter()
                .any(|(r, _)| r.target.as_deref() == Some("DATABASES")) => {}
        None => d.warnings.warn(format!("no DATABASES in `{settings}`")),
    }
}

/// `postgres://` and `redis://` URLs anywhere in the settings.
fn service_urls(merged: &Merged, d: &mut Django) {
    for (s, line, file) in &merged.strings {
        if d.postgres.is_none() && (s.starts_with("postgres://") || s.starts_with("postgresql://"))
        {
            d.postgres = Some(Evidence::at(file, *line, "a postgres:// URL in settings"));
        }
        if d.mysql.is_none() && s.starts_with("mysql://") {
            d.mysql = Some(Evidence::at(file, *line, "a mysql:// URL in settings"));
        }
        if d.redis.is_none() && (s.starts_with("redis://") || s.starts_with("rediss://")) {
            d.redis = Some(Evidence::at(file, *line, "a redis:// URL in settings"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let d = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = d.path().join(name);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        d
    }

    const MANAGE: &str = "import os\ndef main():\n    os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"mysite.settings.dev\")\n";

    /// STATIC_ROOT and MEDIA_ROOT as (static path, media path, warnings) for settings `text` at
    /// `sub/mysite/settings.py` below an app directory `sub`.
    fn dirs(text: &str) -> (Option<String>, Option<Option<String>>, Vec<String>) {
        let d = tree(&[
            (
                "sub/manage.py",
                "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'mysite.settings')\n",
            ),
            ("sub/mysite/__init__.py", ""),
            ("sub/mysite/settings.py", text),
        ]);
        let dj = analyze(d.path(), &SourceIndex::default(), "sub", "sub/manage.py").unwrap();
        (
            dj.static_root_path,
            dj.media_root.map(|(p, _)| p),
            dj.warnings.to_vec(),
        )
    }

    #[test]
    fn directory_settings_are_read_as_paths_relative_to_the_app_dir() {
        let pathlib =
            "from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent\n";
        let os_path =
            "import os\nBASE_DIR = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))\n";
        // (settings text, STATIC_ROOT's path, MEDIA_ROOT: absent, unreadable or its path)
        type Case<'a> = (String, Option<&'a str>, Option<Option<&'a str>>);
        let cases: &[Case] = &[
            (
                format!("{pathlib}STATIC_ROOT = BASE_DIR / 'staticfiles'\nMEDIA_ROOT = BASE_DIR / 'data' / 'uploads'\n"),
                Some("staticfiles"),
                Some(Some("data/uploads")),
            ),
            (
                format!("{os_path}STATIC_ROOT = os.path.join(BASE_DIR, 'static_root/')\nMEDIA_ROOT = str(BASE_DIR / 'media')\n"),
                Some("static_root"),
                Some(Some("media")),
            ),
            (
                "STATIC_ROOT = '/var/www/static/'\nMEDIA_ROOT = './media'\n".into(),
                Some("/var/www/static"),
                Some(Some("media")),
            ),
            // BASE_DIR one level too high (not the app dir): not guessed.
            (
                "from pathlib import Path\nBASE_DIR = Path(__file__).resolve().parent.parent.parent\nSTATIC_ROOT = BASE_DIR / 'static'\n".into(),
                None,
                None,
            ),
            // From the environment, or escaping the project: not a path.
            (
                format!("import os\n{pathlib}STATIC_ROOT = os.environ.get('STATIC_ROOT', BASE_DIR / 'x')\nMEDIA_ROOT = BASE_DIR / '..' / 'media'\n"),
                None,
                Some(None),
            ),
            ("STATIC_ROOT = 'static'\nMEDIA_ROOT = None\n".into(), Some("static"), None),
        ];
        for (text, static_path, media) in cases {
            let (s, m, warnings) = dirs(text);
            assert_eq!(s.as_deref(), *static_path, "{text}");
            assert_eq!(m.as_ref().map(|m| m.as_deref()), *media, "{text}");
            let warned = warnings
                .iter()
                .any(|w| w.contains("MEDIA_ROOT is not a path"));
            assert_eq!(warned, *media == Some(None), "{text}: {warnings:?}");
        }
    }

    #[test]
    fn settings_package_prefers_production_and_follows_star_imports() {
        let d = tree(&[
            ("manage.py", MANAGE),
            ("mysite/__init__.py", ""),
            ("mysite/settings/__init__.py", ""),
            (
                "mysite/settings/base.py",
                "import os\nSTATIC_ROOT = BASE / 'static'\nWSGI_APPLICATION = 'mysite.wsgi.application'\n\
                 DATABASES = {'default': {'ENGINE': 'django.db.backends.postgresql', 'NAME': os.environ['DB']}}\nDEBUG = True\n",
            ),
            (
                "mysite/settings/dev.py",
                "from .base import *\nDEBUG = True\n",
            ),
            (
                "mysite/settings/production.py",
                "from .base import *\nDEBUG = False\n",
            ),
        ]);
        let dj = analyze(d.path(), &SourceIndex::default(), ".", "manage.py").unwrap();
        assert_eq!(dj.settings_module, "mysite.settings.production");
        assert_eq!(dj.entrypoint.as_ref().unwrap().0, "mysite.wsgi:application");
        assert_eq!(
            dj.entrypoint.as_ref().unwrap().1.file.as_deref(),
            Some("mysite/settings/base.py")
        );
        assert!(dj.static_root.is_some());
        assert!(dj.postgres.is_some());
        // DEBUG is overridden to False by production.py, so no DEBUG warning.
        assert!(
            !dj.warnings.iter().any(|w| w.contains("DEBUG")),
            "{:?}",
            dj.warnings
        );
        assert!(
            dj.warnings
                .iter()
                .any(|w| w.contains("the image runs `mysite.settings.production`"))
        );
    }

    /// `dj_database_url.config()` assigned to a name merged into DATABASES (`DATABASES["default"]
    /// .update(db_from_env)`) reads DATABASE_URL as the database's, whatever the base module's
    /// DATABASES (here inside an `if`) looks like.
    #[test]
    fn a_database_url_merged_into_databases_is_the_database_s() {
        let d = tree(&[
            ("manage.py", MANAGE),
            ("mysite/__init__.py", ""),
            ("mysite/settings/__init__.py", ""),
            (
                "mysite/settings/base.py",
                "import os\nif 'DATABASE_URL' in os.environ:\n    DATABASES = {'default': {}}\nelse:\n    \
                 DATABASES = {'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': 'db'}}\n",
            ),
            (
                "mysite/settings/dev.py",
                "from .base import *\nDEBUG = True\n",
            ),
            (
                "mysite/settings/production.py",
                "import dj_database_url\nfrom .base import *\n\ndb_from_env = dj_database_url.config(conn_max_age=500)\n\
                 DATABASES['default'].update(db_from_env)\n",
            ),
        ]);
        let dj = analyze(d.path(), &SourceIndex::default(), ".", "manage.py").unwrap();
        assert_eq!(dj.settings_module, "mysite.settings.production");
        let (read, file) = dj
            .env_reads
            .iter()
            .find(|(r, _)| r.name == "DATABASE_URL")
            .expect("DATABASE_URL read");
        assert_eq!(read.target.as_deref(), Some("DATABASES"));
        assert_eq!(
            (file.as_str(), read.line),
            ("mysite/settings/production.py", 4)
        );
        assert!(
            !dj.warnings.iter().any(|w| w.contains("DATABASES")),
            "{:?}",
            dj.warnings
        );
    }

    #[test]
    fn hostile_settings_are_reported() {
        let d = tree(&[
            (
                "manage.py",
                "import os\nos.environ.setdefault( 'DJANGO_SETTINGS_MODULE' , 'blog.settings' )\n",
            ),
            ("blog/__init__.py", ""),
            ("blog/wsgi.py", "application = None\n"),
            (
                "blog/settings.py",
                "DEBUG = True\nALLOWED_HOSTS = []\nDATABASES = {\n 'default': {'ENGINE': 'django.db.backends.sqlite3', 'NAME': 'db.sqlite3'}\n}\n",
            ),
        ]);
        let dj = analyze(d.path(), &SourceIndex::default(), ".", "manage.py").unwrap();
        assert_eq!(dj.settings_module, "blog.settings");
        assert_eq!(dj.settings_evidence.line, Some(2));
        assert_eq!(dj.entrypoint.unwrap().0, "blog.wsgi:application");
        let w = dj.warnings.join("\n");
        for needle in [
            "DEBUG = True",
            "ALLOWED_HOSTS = []",
            "only database is SQLite",
            "STATIC_ROOT is not set",
        ] {
            assert!(w.contains(needle), "missing {needle:?} in {w}");
        }
        assert!(w.contains("`blog/settings.py` line 1"));
    }

    #[test]
    fn a_hard_coded_secret_key_is_reported_with_its_line_and_a_hint() {
        let settings = |body: &str| {
            let d = tree(&[
                (
                    "manage.py",
                    "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'blog.settings')\n",
                ),
                ("blog/wsgi.py", "application = None\n"),
                ("blog/settings.py", &format!("STATIC_ROOT = 'x'\n{body}")),
            ]);
            let dj = analyze(d.path(), &SourceIndex::default(), ".", "manage.py").unwrap();
            dj.warnings
                .into_iter()
                .filter(|w| w.contains("SECRET_KEY"))
                .collect::<Vec<_>>()
        };
        let w = settings("SECRET_KEY = 'django-insecure-^@j_j=2&+^7spf'\n");
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(
            w[0].starts_with("`blog/settings.py` line 2: SECRET_KEY is the `django-insecure-` key")
        );
        assert!(
            w[0].contains("hint: read it from the environment"),
            "{}",
            w[0]
        );
        let w = settings("SECRET_KEY = 'abc' + 'def'\n");
        assert!(
            w[0].contains("line 2: SECRET_KEY is a literal string"),
            "{w:?}"
        );
        // Read from the environment (with or without a default): no warning.
        for ok in [
            "import os\nSECRET_KEY = os.environ['DJANGO_SECRET_KEY']\n",
            "import os\nSECRET_KEY = os.getenv('K', 'django-insecure-x')\n",
            "SECRET_KEY = env('DJANGO_SECRET_KEY')\n",
            "SECRET_KEY = get_random_secret_key()\n",
        ] {
            assert_eq!(settings(ok), Vec::<String>::new(), "{ok}");
        }
    }

    #[test]
    fn an_allowed_hosts_without_localhost_names_the_host_that_works() {
        let hosts = |h: &[&str]| working_host(&h.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(
            hosts(&["127.0.0.1", "example.com"]),
            Some("127.0.0.1".into())
        );
        // The default of an environment read, split on commas.
        assert_eq!(
            hosts(&["ALLOWED_HOSTS", "127.0.0.1,example.com", ","]),
            Some("127.0.0.1".into())
        );
        assert_eq!(hosts(&["localhost", "127.0.0.1"]), None);
        assert_eq!(hosts(&["*"]), None);
        assert_eq!(hosts(&["example.com"]), None);
    }

    #[test]
    fn asgi_application_is_read() {
        let d = tree(&[
            (
                "manage.py",
                "import os\nos.environ.setdefault('DJANGO_SETTINGS_MODULE', 'chat.settings')\n",
            ),
            (
                "chat/settings.py",
                "ASGI_APPLICATION = \"chat.asgi.application\"\nWSGI_APPLICATION = 'chat.wsgi.application'\nSTATIC_ROOT = 'x'\nCACHES = {'default': {'LOCATION': 'redis://redis:6379/1'}}\n",
            ),
        ]);
        let dj = analyze(d.path(), &SourceIndex::default(), ".", "manage.py").unwrap();
        assert_eq!(dj.asgi_entrypoint.unwrap().0, "chat.asgi:application");
        assert_eq!(dj.redis.unwrap().line, Some(4));
    }

    #[test]
    fn static_url_is_a_url_path_or_nothing() {
        assert_eq!(url_path("static/").as_deref(), Some("/static/"));
        assert_eq!(url_path("/assets/v1/").as_deref(), Some("/assets/v1/"));
        for cdn in [
            "https://cdn.example.com/static/",
            "//cdn/x/",
            "/",
            "static/?v=1",
            "a b/",
        ] {
            assert_eq!(url_path(cdn), None, "{cdn}");
        }
    }
}
