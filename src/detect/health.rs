//! The app's health route: its route declarations read through [`crate::parse::routes`] by the rules of
//! every registered framework.

use crate::base::diag::Diagnostics;
use std::path::Path;

use super::app::Chosen;
use crate::base::evidence::{EvidenceMap, Key};
use crate::base::relpath::RelDir;
use crate::parse::routes;
use crate::parse::walk::Scan;

/// Words that mark a module as naming a health route, whatever the framework (each framework adds the
/// words of its own route declarations).
const HEALTH_WORDS: &[&str] = &["health", "livez"];

/// The health route's full path, recorded with its evidence; a health route whose mount is not
/// proven becomes a warning.
pub(super) fn route(
    root: &Path,
    scan: &Scan,
    chosen: &Chosen,
    reg: super::Registry,
    dir: &RelDir,
    ev: &mut EvidenceMap,
    warnings: &mut Diagnostics,
) -> Option<String> {
    let rules: Vec<routes::RouteRules> = reg.frameworks.iter().map(|f| f.routes()).collect();
    let mut words = HEALTH_WORDS.to_vec();
    words.extend(rules.iter().flat_map(|r| r.words));
    let sources =
        super::candidates::load_project_sources(root, scan, dir, &words, reg.queues, warnings);
    let urlconf = chosen
        .framework
        .root_urlconf(&sources, &chosen.analysis, &chosen.entrypoint);
    let found = routes::health(&sources, &rules, urlconf.as_deref());
    for (path, e) in &found.unmounted {
        warnings.warn(format!(
            "{e} looks like a health route, but where `{path}` is mounted is not clear, so the healthcheck does not use it; pass --health-path with its full path"
        ));
    }
    let route = found.route?;
    ev.insert(Key::HealthPath, route.evidence);
    Some(route.path)
}
