//! What each environment variable the code reads feeds, traced from how it is read rather than from its
//! name: a key of Django's `DATABASES` (`'HOST': os.getenv("SQL_HOST")`), a switch compared against an
//! engine name (`DB = os.getenv("DB")` then `if DB == "postgres":`), a URL handed to SQLAlchemy's
//! `create_engine`, a cache `LOCATION` or a Celery broker. Names are only the last resort
//! ([`crate::knowledge::ENV_CONVENTIONS`]). A database URL gets the scheme its consumer accepts:
//! SQLAlchemy needs the driver in it (`postgresql+asyncpg://`), dj-database-url takes `postgres://`.

use super::EnvVar;
use crate::base::evidence::Evidence;
use crate::base::kinds::{EnvRole, Service};
use crate::framework::{EnvRoleCx, Traced};
use crate::knowledge::{ENV_CONVENTIONS, EnvSource, SIGNING_KEYS};
use crate::parse::deps::DepSet;
use crate::parse::pysrc::Comparison;

/// Values that select PostgreSQL when a switch is compared against them (beside the frameworks' own,
/// [`crate::framework::FrameworkSpec::postgres_values`]).
const POSTGRES_VALUES: &[&str] = &["postgres", "postgresql", "psql", "pg"];
/// Values a switch is compared with to select MySQL/MariaDB (lower-cased), beside the frameworks' own.
const MYSQL_VALUES: &[&str] = &["mysql", "mariadb"];

/// Statement targets whose value is a database URL.
const URL_TARGETS: &[&str] = &[
    "SQLALCHEMY_DATABASE_URI",
    "SQLALCHEMY_DATABASE_URL",
    "DATABASE_URL",
    "DATABASE_URI",
    "DB_URL",
    "DB_URI",
];

/// Calls whose argument is a database URL.
const URL_CALLS: &[&str] = &["create_engine", "create_async_engine", "db_url"];

/// Calls that take a database URL among other things (`dj_database_url.parse`, `asyncpg.connect`):
/// they count only for a variable whose name says it is a database's.
const MAYBE_URL_CALLS: &[&str] = &["parse", "connect", "create_pool"];

fn names_a_database(name: &str) -> bool {
    ["DATABASE", "DB", "DSN", "POSTGRES", "PG"]
        .iter()
        .any(|w| name.contains(w))
}

/// Statement targets and keys whose value is a Redis URL (beside the task queues' own,
/// [`crate::queue::QueueSpec::redis_settings`]).
const REDIS_TARGETS: &[&str] = &["REDIS_URL", "CACHE_REDIS_URL"];

/// What reads the values: the framework's own URL scheme (if it has one) and the dependencies.
pub(super) struct Consumer<'a> {
    /// The registered frameworks, whose own settings' rules are asked first.
    pub frameworks: &'a [crate::framework::Framework],
    /// The registered task queues, whose settings name their brokers.
    pub queues: &'a [crate::queue::TaskQueue],
    pub framework_scheme: Option<&'static str>,
    /// The database the generated stack runs for the app ([`database_of`] its dependencies).
    pub database: Service,
    pub deps: &'a DepSet,
}

/// The database the app's drivers ask for: MariaDB when its only database drivers are MySQL's
/// (mysqlclient, PyMySQL, ...), else PostgreSQL (also when it names no driver: the default).
pub(super) fn database_of(deps: &DepSet) -> Service {
    let drives = |s: Service| {
        crate::knowledge::PACKAGES
            .iter()
            .any(|r| r.service == Some(s) && r.extra.is_none() && deps.has(r.package))
    };
    if drives(Service::Mariadb) && !drives(Service::Postgres) {
        Service::Mariadb
    } else {
        Service::Postgres
    }
}

/// Assigns a role to every variable it can trace; returns a warning for each role refused because a
/// value it carries from the code (a separator, a compared value) is not one dockgen writes.
pub(super) fn trace(
    vars: &mut [EnvVar],
    comparisons: &[(Comparison, String)],
    c: &Consumer,
) -> Vec<String> {
    let mut refused = Vec::new();
    for v in vars.iter_mut() {
        let found = by_use(v, comparisons, c).or_else(|| by_name(v, c));
        v.role = match found.map(|(role, because)| (checked(&role), role, because)) {
            Some((Err(why), _, because)) => {
                refused.push(format!(
                    "`{}` is left to the app's own default: {why} ({because})",
                    crate::base::quote::terminal(&v.name)
                ));
                None
            }
            Some((Ok(()), role, because)) => Some(Traced { role, because }),
            None => None,
        };
    }
    refused
}

/// The values a role carries from the code, checked where they enter (see [`crate::base::valid`]).
fn checked(role: &EnvRole) -> Result<(), String> {
    use crate::base::valid;
    match role {
        EnvRole::AllowedHosts { separator } => {
            valid::separator("the separator ALLOWED_HOSTS is split on", separator)
        }
        EnvRole::DatabaseSwitch { value } => {
            valid::text("the value the database switch is compared with", value)
        }
        EnvRole::DebugSwitch { on } => valid::text("the value that turns DEBUG on", on),
        _ => Ok(()),
    }
}

fn because(v: &EnvVar, rule: String) -> Evidence {
    v.evidence.with_rule(rule)
}

/// A libpq connection string as the default (`DATABASE='dbname=flaskr'`).
fn conninfo(v: &EnvVar) -> Option<(EnvRole, Evidence)> {
    let d = v.read.default.as_deref()?;
    let pairs = d.split_whitespace().all(|kv| kv.contains('='));
    let names_db = d
        .split_whitespace()
        .any(|kv| kv.starts_with("dbname=") || kv.starts_with("host="));
    (pairs && names_db).then(|| {
        let rule = format!("a libpq connection string (its default is `{d}`)");
        (EnvRole::DatabaseConninfo, because(v, rule))
    })
}

/// The role from where the value goes.
fn by_use(
    v: &EnvVar,
    comparisons: &[(Comparison, String)],
    c: &Consumer,
) -> Option<(EnvRole, Evidence)> {
    let r = &v.read;
    let target = r.target.as_deref().unwrap_or_default();
    let key = r.key.as_deref().unwrap_or_default();
    if let Some(found) = signing_key(v).or_else(|| amqp_broker(v)) {
        return Some(found);
    }
    let cx = EnvRoleCx {
        comparisons,
        database_url: &|v| url_role(v, c),
        is_switch: &|v| switch(v, comparisons, c).is_some(),
    };
    if let Some(found) = c.frameworks.iter().find_map(|f| f.env_role(v, &cx)) {
        return Some(found);
    }
    if let Some(found) = switch(v, comparisons, c) {
        return Some(found);
    }
    if let Some(found) = conninfo(v) {
        return Some(found);
    }
    let callee = r.callee.as_deref().unwrap_or_default();
    let url_call = URL_CALLS.contains(&callee)
        || (MAYBE_URL_CALLS.contains(&callee) && names_a_database(&v.name));
    if URL_TARGETS.contains(&target) || url_call {
        let role = url_role(v, c)?;
        let what = if url_call {
            format!("passed to `{callee}(...)`")
        } else {
            format!("assigned to `{target}`")
        };
        return Some((role, because(v, format!("a database URL {what}"))));
    }
    // A cache LOCATION is Redis's when the code says so (memcached caches have one too).
    let redis_cache = target == "CACHES"
        && key == "LOCATION"
        && (v.name.contains("REDIS")
            || r.default.as_deref().is_some_and(|d| d.starts_with("redis")));
    let redis_setting = |name: &str| {
        REDIS_TARGETS.contains(&name) || c.queues.iter().any(|q| q.redis_settings().contains(&name))
    };
    if redis_cache || redis_setting(target) || redis_setting(key) {
        let what = if target == "CACHES" {
            "the cache LOCATION".to_string()
        } else {
            format!("`{target}{key}`")
        };
        return Some((
            EnvRole::RedisUrl,
            because(v, format!("a Redis URL: {what}")),
        ));
    }
    None
}

/// A broker URL whose default is an AMQP one (`amqp://guest@localhost//`): RabbitMQ's, whatever
/// setting it is assigned to (a task queue's registry knows the schemes).
fn amqp_broker(v: &EnvVar) -> Option<(EnvRole, Evidence)> {
    let d = v.read.default.as_deref()?;
    let service = crate::queue::broker_of_url(d)?;
    (service == crate::base::kinds::Service::Rabbitmq).then(|| {
        let scheme = d.split_once("://").map_or(d, |(s, _)| s);
        let rule = format!("an AMQP broker URL (its default is `{scheme}://...`)");
        (EnvRole::AmqpUrl, because(v, rule))
    })
}

/// The app's signing key: the setting it is assigned to (`SECRET_KEY = ...`, a settings class's
/// `secret_key` field, `app.config["SECRET_KEY"]`) is one the framework signs with, or, read where no
/// setting shows, its own name is. Never a switch or a number.
fn signing_key(v: &EnvVar) -> Option<(EnvRole, Evidence)> {
    if v.read.kind.is_some() {
        return None;
    }
    let setting = |s: &str| {
        let last = s.rsplit('.').next().unwrap_or(s).to_ascii_uppercase();
        SIGNING_KEYS.contains(&last.as_str()).then_some(last)
    };
    let (what, by) = match (v.read.target.as_deref(), v.read.key.as_deref()) {
        (_, Some(k)) if setting(k).is_some() => (setting(k)?, "the setting"),
        (Some(t), _) if setting(t).is_some() => (setting(t)?, "assigned to"),
        (None, None) => (setting(&v.name)?, "named"),
        _ => return None,
    };
    let rule = format!("the app's signing key ({by} `{what}`): a random value is valid");
    Some((EnvRole::SigningKey, because(v, rule)))
}

/// A switch: the variable (or the name it is assigned to) compared against a value that selects the
/// generated database (PostgreSQL's, or MySQL's when the app's drivers are MySQL's).
fn switch(
    v: &EnvVar,
    comparisons: &[(Comparison, String)],
    c: &Consumer,
) -> Option<(EnvRole, Evidence)> {
    let assigned = v.read.target.as_deref();
    let (cmp, file) = comparisons.iter().find(|(cmp, _)| {
        let same = if cmp.env {
            cmp.name == v.name
        } else {
            Some(cmp.name.as_str()) == assigned
        };
        let value = cmp.value.to_ascii_lowercase();
        let own = |f: &crate::framework::Framework| match c.database {
            Service::Mariadb => f.mysql_values().contains(&value.as_str()),
            _ => f.postgres_values().contains(&value.as_str()),
        };
        let common = match c.database {
            Service::Mariadb => MYSQL_VALUES,
            _ => POSTGRES_VALUES,
        };
        same && (common.contains(&value.as_str()) || c.frameworks.iter().any(own))
    })?;
    let database = match c.database {
        Service::Mariadb => "MySQL/MariaDB",
        _ => "PostgreSQL",
    };
    let rule = format!("compared with `{}` to select {database}", cmp.value);
    Some((
        EnvRole::DatabaseSwitch {
            value: cmp.value.clone(),
        },
        Evidence::at(file, cmp.line, &rule),
    ))
}

/// The role for a variable known only by its conventional name.
fn by_name(v: &EnvVar, c: &Consumer) -> Option<(EnvRole, Evidence)> {
    let source = ENV_CONVENTIONS.iter().find(|(n, _)| *n == v.name)?.1;
    let role = match source {
        EnvSource::PostgresUrl => url_role(v, c)?,
        EnvSource::PostgresHost => EnvRole::DatabaseHost,
        EnvSource::PostgresPort => EnvRole::DatabasePort,
        EnvSource::PostgresDb => EnvRole::DatabaseName,
        EnvSource::PostgresUser => EnvRole::DatabaseUser,
        EnvSource::PostgresPassword => EnvRole::DatabasePassword,
        EnvSource::RedisUrl => EnvRole::RedisUrl,
        EnvSource::RedisHost => EnvRole::RedisHost,
        EnvSource::RedisPort => EnvRole::RedisPort,
        EnvSource::Port => EnvRole::Port,
    };
    Some((
        role,
        because(v, format!("the conventional name `{}`", v.name)),
    ))
}

/// A database URL role with the scheme its consumer accepts.
fn url_role(v: &EnvVar, c: &Consumer) -> Option<EnvRole> {
    Some(EnvRole::DatabaseUrl {
        scheme: url_scheme(v, c),
    })
}

/// `postgres` for Django (dj-database-url, django-environ); for SQLAlchemy the dialect with the
/// installed driver: `postgresql+asyncpg` (async engine), `postgresql+psycopg` (psycopg 3),
/// `postgresql+psycopg2`, `postgresql+pg8000`.
pub(super) fn url_scheme(v: &EnvVar, c: &Consumer) -> String {
    let family = match c.database {
        Service::Mariadb => "mysql",
        _ => "postgres",
    };
    // The code's own default URL says what its consumer accepts.
    if let Some((scheme, _)) = v.read.default.as_deref().and_then(|d| d.split_once("://"))
        && scheme.starts_with(family)
    {
        return scheme.to_string();
    }
    let callee = v.read.callee.as_deref().unwrap_or_default();
    let target = v.read.target.as_deref().unwrap_or_default();
    let sqlalchemy = callee.contains("engine") || target.contains("SQLALCHEMY");
    if !sqlalchemy && let Some(scheme) = c.framework_scheme {
        return scheme.into();
    }
    let sqlalchemy_app = crate::knowledge::SQLALCHEMY_PACKAGES
        .iter()
        .any(|p| c.deps.has(p));
    if !sqlalchemy && !sqlalchemy_app {
        return family.into();
    }
    if c.database == Service::Mariadb {
        // SQLAlchemy's dialect with the installed driver (plain `mysql://` means mysqlclient).
        return crate::knowledge::MYSQL_SQLALCHEMY_SCHEMES
            .iter()
            .find(|(p, _)| c.deps.has(p))
            .map_or("mysql", |(_, s)| s)
            .into();
    }
    let has = |p: &str| c.deps.has(p);
    let psycopg3 = has("psycopg") || has("psycopg-binary") || has("psycopg-c");
    let psycopg2 = has("psycopg2") || has("psycopg2-binary");
    let is_async = callee == "create_async_engine" || (has("asyncpg") && !psycopg3 && !psycopg2);
    if is_async && has("asyncpg") {
        "postgresql+asyncpg".into()
    } else if psycopg3 {
        "postgresql+psycopg".into()
    } else if psycopg2 {
        // Spelled out: SQLAlchemy 2.1 made psycopg 3 the default driver of plain `postgresql://`.
        "postgresql+psycopg2".into()
    } else if has("asyncpg") {
        "postgresql+asyncpg".into()
    } else if has("pg8000") {
        "postgresql+pg8000".into()
    } else {
        "postgresql".into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::pysrc::summarize;

    fn vars(src: &str) -> (Vec<EnvVar>, Vec<(Comparison, String)>) {
        let m = summarize(src);
        let vars = m
            .env_reads
            .iter()
            .map(|r| EnvVar::new(r, "settings.py", "read"))
            .collect();
        let cmps = m
            .comparisons
            .iter()
            .map(|c| (c.clone(), "settings.py".to_string()))
            .collect();
        (vars, cmps)
    }

    fn deps(names: &[&str]) -> DepSet {
        let mut d = DepSet::default();
        for n in names {
            d.add(n, Vec::<String>::new(), true, Evidence::rule("x"));
        }
        d
    }

    fn roles(
        src: &str,
        scheme: Option<&'static str>,
        dep_names: &[&str],
    ) -> Vec<(String, EnvRole)> {
        let (mut v, c) = vars(src);
        let d = deps(dep_names);
        trace(
            &mut v,
            &c,
            &Consumer {
                frameworks: crate::framework::ALL,
                queues: crate::queue::ALL,
                framework_scheme: scheme,
                database: database_of(&d),
                deps: &d,
            },
        );
        v.into_iter()
            .filter_map(|v| v.role.map(|t| (v.name, t.role)))
            .collect()
    }

    #[test]
    fn the_debug_switch_is_turned_on_by_the_value_it_is_compared_with() {
        let get = |src: &str| roles(src, Some("postgres"), &["django"]);
        let on = |v: &str| EnvRole::DebugSwitch { on: v.into() };
        assert_eq!(
            get("import os\nDEBUG = os.getenv('DJANGO_DEBUG', '0') == 'True'\n"),
            [("DJANGO_DEBUG".to_string(), on("True"))]
        );
        assert_eq!(
            get("import os\nDEBUG = bool(os.environ.get('DEBUG', default=0))\n"),
            [("DEBUG".to_string(), on("1"))]
        );
        // Compared after `.lower()`: the compared value, not `1`, turns it on.
        assert_eq!(
            get("import os\nDEBUG = os.environ.get('DEBUG', 'false').lower() == 'true'\n"),
            [("DEBUG".to_string(), on("true"))]
        );
        // Another setting that reads a variable named DEBUG is not the switch.
        assert_eq!(get("import os\nVERBOSE = os.getenv('DEBUG')\n"), []);
    }

    #[test]
    fn django_settings_switches_and_custom_names() {
        let src = "import os\nDB = os.getenv('DB', 'sqlite')\nif DB == 'postgres':\n    DATABASES = {'default': {\n        'ENGINE': os.environ.get('SQL_ENGINE', 'django.db.backends.sqlite3'),\n        'NAME': os.environ.get('SQL_DATABASE'),\n        'USER': os.environ.get('SQL_USER'),\n        'PASSWORD': os.environ.get('SQL_PASSWORD'),\n        'HOST': os.environ.get('SQL_HOST'),\n        'PORT': os.environ.get('SQL_PORT'),\n    }}\nCELERY_BROKER_URL = os.getenv('BROKER', 'redis://localhost')\n";
        let r = roles(src, Some("postgres"), &["django"]);
        let get = |n: &str| r.iter().find(|(x, _)| x == n).map(|(_, r)| r.clone());
        assert_eq!(
            get("DB"),
            Some(EnvRole::DatabaseSwitch {
                value: "postgres".into()
            })
        );
        assert_eq!(
            get("SQL_ENGINE"),
            Some(EnvRole::DatabaseEngine {
                postgres: "django.db.backends.postgresql".into(),
                mysql: "django.db.backends.mysql".into(),
            })
        );
        assert_eq!(get("SQL_DATABASE"), Some(EnvRole::DatabaseName));
        assert_eq!(get("SQL_HOST"), Some(EnvRole::DatabaseHost));
        assert_eq!(get("SQL_PASSWORD"), Some(EnvRole::DatabasePassword));
        assert_eq!(get("BROKER"), Some(EnvRole::RedisUrl));
    }

    #[test]
    fn allowed_hosts_split_from_a_variable_is_traced_with_its_separator() {
        let src = "import os\nALLOWED_HOSTS = os.environ.get('DJANGO_ALLOWED_HOSTS').split(' ')\nCSRF_TRUSTED_ORIGINS = os.getenv('ORIGINS', '').split(',')\nHOSTS = os.getenv('HOSTS_LIST').split()\nALLOWED_HOSTS_X = os.getenv('NOT_SPLIT')\n";
        let r = roles(src, Some("postgres"), &["django"]);
        let hosts = |sep: &str| EnvRole::AllowedHosts {
            separator: sep.into(),
        };
        assert_eq!(r, vec![("DJANGO_ALLOWED_HOSTS".to_string(), hosts(" "))]);
        let r = roles(
            "import os\nALLOWED_HOSTS = os.environ['HOSTS'].split()\n",
            Some("postgres"),
            &["django"],
        );
        assert_eq!(r, vec![("HOSTS".to_string(), hosts(" "))]);
        let r = roles(
            "import os\nALLOWED_HOSTS = os.getenv('H', 'localhost').split(',')\n",
            Some("postgres"),
            &["django"],
        );
        assert_eq!(r, vec![("H".to_string(), hosts(","))]);
    }

    #[test]
    fn sqlalchemy_urls_get_the_installed_driver() {
        let url = |src: &str, d: &[&str]| roles(src, None, d).remove(0).1;
        let scheme = |s: &str| EnvRole::DatabaseUrl { scheme: s.into() };
        let async_engine = "import os\nengine = create_async_engine(os.environ['DATABASE_URL'])\n";
        assert_eq!(
            url(async_engine, &["sqlalchemy", "asyncpg"]),
            scheme("postgresql+asyncpg")
        );
        let sync = "import os\nengine = create_engine(os.getenv('DB_URL'))\n";
        assert_eq!(
            url(sync, &["sqlalchemy", "psycopg"]),
            scheme("postgresql+psycopg")
        );
        assert_eq!(
            url(sync, &["sqlalchemy", "psycopg2-binary"]),
            scheme("postgresql+psycopg2")
        );
        let uri = "import os\nSQLALCHEMY_DATABASE_URI = os.environ['DATABASE_URL']\n";
        assert_eq!(
            url(uri, &["flask-sqlalchemy", "psycopg"]),
            scheme("postgresql+psycopg")
        );
        // The code's default URL says which scheme its consumer takes.
        let dflt = "import os\nURL = os.getenv('DATABASE_URL', 'postgresql+pg8000://u@h/d')\n";
        assert_eq!(url(dflt, &["sqlalchemy"]), scheme("postgresql+pg8000"));
        // Django's own tools take postgres://.
        assert_eq!(
            roles(
                "import os\nX = os.environ['DATABASE_URL']\n",
                Some("postgres"),
                &["django", "psycopg"]
            )[0]
            .1,
            scheme("postgres")
        );
    }

    /// A broker URL that defaults to `amqp://` is RabbitMQ's, under a Redis-looking setting name too
    /// (issue 17: it was taken for a Redis URL and pointed at the generated Redis).
    #[test]
    fn an_amqp_default_makes_a_rabbitmq_url() {
        let src = "import os\nCELERY_BROKER_URL = os.environ.get('CELERY_BROKER_URL', 'amqp://guest:guest@localhost:5672//')\nbroker_url = os.getenv('BROKER', 'pyamqp://localhost')\nCELERY_RESULT_BACKEND = os.getenv('CELERY_RESULT_BACKEND', 'redis://localhost')\n";
        let r = roles(src, Some("postgres"), &["django"]);
        let get = |n: &str| r.iter().find(|(x, _)| x == n).map(|(_, r)| r.clone());
        assert_eq!(get("CELERY_BROKER_URL"), Some(EnvRole::AmqpUrl));
        assert_eq!(get("BROKER"), Some(EnvRole::AmqpUrl));
        assert_eq!(get("CELERY_RESULT_BACKEND"), Some(EnvRole::RedisUrl));
    }

    /// A switch compared with a MySQL value selects the generated database when the app's drivers are
    /// MySQL's (and is left alone when they are PostgreSQL's, whose values it is not compared with).
    #[test]
    fn a_switch_compared_with_mysql_selects_mariadb() {
        let src = "import os\nDB_ENGINE = os.getenv('DB_ENGINE', 'sqlite')\nif DB_ENGINE == 'mysql':\n    DATABASES = {'default': {'ENGINE': 'django.db.backends.mysql', 'HOST': os.getenv('DB_HOST')}}\n";
        let get = |ds: &[&str]| {
            let r = roles(src, Some("postgres"), ds);
            r.into_iter()
                .find(|(n, _)| n == "DB_ENGINE")
                .map(|(_, r)| r)
        };
        assert_eq!(
            get(&["django", "mysqlclient"]),
            Some(EnvRole::DatabaseSwitch {
                value: "mysql".into()
            })
        );
        assert_eq!(get(&["django", "psycopg"]), None);
    }

    /// With only MySQL drivers the database is MariaDB, and a URL is written in the scheme its consumer
    /// takes: dj-database-url's `mysql`, SQLAlchemy's dialect with the installed driver; a PostgreSQL
    /// driver beside them keeps PostgreSQL.
    #[test]
    fn mysql_drivers_make_mariadb_urls_in_their_consumers_scheme() {
        assert_eq!(
            database_of(&deps(&["django", "mysqlclient"])),
            Service::Mariadb
        );
        assert_eq!(
            database_of(&deps(&["django", "mysqlclient", "psycopg"])),
            Service::Postgres
        );
        assert_eq!(database_of(&deps(&["flask"])), Service::Postgres);
        let url = |src: &str, scheme, ds: &[&str]| {
            let r = roles(src, scheme, ds);
            r.into_iter()
                .find(|(n, _)| n == "DATABASE_URL")
                .map(|(_, r)| r)
        };
        let django = "import os\nimport dj_database_url\nDATABASES = {'default': dj_database_url.parse(os.environ['DATABASE_URL'])}\n";
        let sqlalchemy = "import os\nfrom sqlalchemy import create_engine\nengine = create_engine(os.environ['DATABASE_URL'])\n";
        let scheme = |s: &str| Some(EnvRole::DatabaseUrl { scheme: s.into() });
        assert_eq!(
            url(django, Some("mysql"), &["django", "mysqlclient"]),
            scheme("mysql")
        );
        assert_eq!(
            url(sqlalchemy, None, &["sqlalchemy", "pymysql"]),
            scheme("mysql+pymysql")
        );
        assert_eq!(
            url(sqlalchemy, None, &["sqlalchemy", "aiomysql"]),
            scheme("mysql+aiomysql")
        );
        assert_eq!(
            url(sqlalchemy, None, &["sqlalchemy", "mysqlclient"]),
            scheme("mysql+mysqldb")
        );
    }

    #[test]
    fn a_memcached_location_is_not_a_redis_url() {
        let src = "import os\nCACHES = {'default': {'BACKEND': 'django.core.cache.backends.memcached.PyMemcacheCache', 'LOCATION': os.getenv('MEMCACHED_ADDR', '127.0.0.1:11211')}}\n";
        assert!(roles(src, Some("postgres"), &["django"]).is_empty());
        let src = "import os\nCACHES = {'default': {'LOCATION': os.getenv('CACHE_LOCATION', 'redis://127.0.0.1:6379')}}\n";
        assert_eq!(
            roles(src, Some("postgres"), &["django"])[0].1,
            EnvRole::RedisUrl
        );
    }

    #[test]
    fn a_generic_call_makes_a_url_only_of_a_database_variable() {
        let r = roles(
            "import os\nstart = parser.parse(os.getenv('START_DATE'))\n",
            None,
            &["asyncpg"],
        );
        assert!(r.is_empty(), "{r:?}");
        let r = roles(
            "import os\npool = asyncpg.create_pool(os.getenv('APP_DSN'))\n",
            None,
            &["asyncpg"],
        );
        assert_eq!(r[0].0, "APP_DSN");
    }

    #[test]
    fn a_switch_compared_with_another_value_is_not_a_postgres_switch() {
        let r = roles(
            "import os\nMODE = os.getenv('MODE')\nif MODE == 'debug':\n    pass\n",
            None,
            &[],
        );
        assert!(r.is_empty(), "{r:?}");
    }
}
