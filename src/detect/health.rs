//! The app's health route: its route declarations read through [`crate::parse::routes`].

use std::path::Path;

use super::app::Chosen;
use crate::base::evidence::{EvidenceMap, Key};
use crate::base::relpath::RelDir;
use crate::parse::apps;
use crate::parse::pysrc::Value;
use crate::parse::routes;
use crate::parse::walk::Scan;

/// Words that mark a module as declaring or mounting routes (a cheap filter; the tokenizer decides).
const ROUTE_WORDS: &[&str] = &[
    "health",
    "livez",
    "include",
    "register_blueprint",
    "ROOT_URLCONF",
    "Blueprint",
    "APIRouter",
    "Flask",
    "FastAPI",
    "Quart",
];

/// The health route's full path, recorded with its evidence; a health route whose mount is not
/// proven becomes a warning.
pub(super) fn route(
    root: &Path,
    scan: &Scan,
    chosen: &Chosen,
    dir: &RelDir,
    ev: &mut EvidenceMap,
    warnings: &mut Vec<String>,
) -> Option<String> {
    let sources = super::candidates::load_project_sources(root, scan, dir, ROUTE_WORDS, warnings);
    let urlconf = chosen
        .analysis
        .settings_module
        .as_deref()
        .map(|settings| root_urlconf(&sources, settings, &chosen.entrypoint));
    let found = routes::health(&sources, urlconf.as_deref());
    for (path, e) in &found.unmounted {
        warnings.push(format!(
            "{e} looks like a health route, but where `{path}` is mounted is not clear, so the healthcheck does not use it; pass --health-path with its full path"
        ));
    }
    let route = found.route?;
    ev.insert(Key::HealthPath, route.evidence);
    Some(route.path)
}

/// Django's root URLconf: `ROOT_URLCONF` in the settings module, else `urls` beside the WSGI module
/// (where `startproject` puts it).
fn root_urlconf(sources: &[apps::Source], settings: &str, entrypoint: &str) -> String {
    sources
        .iter()
        .filter(|s| s.module == settings)
        .find_map(|s| match &s.summary.last_assign("ROOT_URLCONF")?.value {
            Value::Str(v) => Some(v.clone()),
            _ => None,
        })
        .unwrap_or_else(|| {
            let module = entrypoint.split(':').next().unwrap_or_default();
            match module.rsplit_once('.') {
                Some((package, _)) => format!("{package}.urls"),
                None => "urls".into(),
            }
        })
}
