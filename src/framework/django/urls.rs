//! Django's URL routing: where the root URLconf is. Its URL pattern functions are in the framework's
//! [`RouteRules`](crate::framework::RouteRules).

use crate::parse::apps::Source;
use crate::parse::pysrc::Value;

/// Django's root URLconf: `ROOT_URLCONF` in the settings module, else `urls` beside the WSGI module
/// (where `startproject` puts it).
pub(super) fn root_urlconf(sources: &[Source], settings: &str, entrypoint: &str) -> String {
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
