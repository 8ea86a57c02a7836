//! What the environment variables read into Django's own settings feed: a key of `DATABASES`
//! (`'HOST': os.getenv("SQL_HOST")`, or a URL parsed by `dj_database_url`), `ALLOWED_HOSTS` split on a
//! separator, and the `DEBUG` switch with the value that turns it on.

use crate::base::evidence::Evidence;
use crate::base::kinds::EnvRole;
use crate::framework::{EnvRead, EnvRoleCx};

fn because(v: &EnvRead, rule: String) -> Evidence {
    v.evidence.with_rule(rule)
}

/// The role of `v` when the code reads it into one of Django's settings.
pub(super) fn role(v: &EnvRead, cx: &EnvRoleCx) -> Option<(EnvRole, Evidence)> {
    let r = &v.read;
    let target = r.target.as_deref().unwrap_or_default();
    let key = r.key.as_deref().unwrap_or_default();
    if target == "DATABASES" {
        let role = match key {
            "ENGINE" => EnvRole::DatabaseEngine {
                postgres: "django.db.backends.postgresql".into(),
                mysql: "django.db.backends.mysql".into(),
            },
            "HOST" => EnvRole::DatabaseHost,
            "PORT" => EnvRole::DatabasePort,
            "NAME" => EnvRole::DatabaseName,
            "USER" => EnvRole::DatabaseUser,
            "PASSWORD" => EnvRole::DatabasePassword,
            _ if r.callee.is_some() => {
                let callee = r.callee.as_deref().unwrap_or_default();
                let rule = format!("a database URL read by `{callee}(...)` in DATABASES");
                return Some(((cx.database_url)(v)?, because(v, rule)));
            }
            _ => return None,
        };
        return Some((role, because(v, format!("the `{key}` of DATABASES"))));
    }
    setting(v, target, cx)
}

/// Settings read whole from one variable: ALLOWED_HOSTS split on a separator, and the DEBUG switch
/// with the value that turns it on (the one the code compares it with, else `1`).
fn setting(v: &EnvRead, target: &str, cx: &EnvRoleCx) -> Option<(EnvRole, Evidence)> {
    if target == "ALLOWED_HOSTS"
        && let Some(sep) = &v.read.split
    {
        let rule = format!("split on `{sep}` into Django's ALLOWED_HOSTS");
        let role = EnvRole::AllowedHosts {
            separator: sep.clone(),
        };
        return Some((role, because(v, rule)));
    }
    if target == "DEBUG" && !(cx.is_switch)(v) {
        let on = cx
            .comparisons
            .iter()
            .find(|(cmp, _)| cmp.env && cmp.name == v.name)
            .map_or_else(|| "1".to_string(), |(cmp, _)| cmp.value.clone());
        let rule = format!("assigned to DEBUG; `{on}` turns it on");
        return Some((EnvRole::DebugSwitch { on }, because(v, rule)));
    }
    None
}
