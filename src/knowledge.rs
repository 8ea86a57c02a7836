//! What dockgen knows about the Python ecosystem, as data.
//!
//! Teams fork this table more than any code: which package implies which service or server, and which
//! packages compile against system libraries (the packages that mean a task queue, and the services
//! they use, are its registry entry's, `crate::queue`). Code elsewhere only looks rows up; adding a row
//! here is enough to teach detection a new package. Names are PEP 503-normalised.

use crate::base::python::PythonVersion;
use serde::Serialize;

pub use crate::base::kinds::{Server, Service};

/// System packages (Debian names) a source build needs in the builder stage and at run time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NativeDeps {
    pub why: &'static str,
    pub build: &'static [&'static str],
    pub runtime: &'static [&'static str],
}

/// One row: a package (optionally only with an extra) and what it implies.
pub struct PackageFacts {
    pub package: &'static str,
    pub extra: Option<&'static str>,
    /// A package whose presence cancels the row (psycopg needs no system libpq beside psycopg-binary).
    pub unless: Option<&'static str>,
    /// An extra of the package that cancels the row (`psycopg[binary]`).
    pub unless_extra: Option<&'static str>,
    pub service: Option<Service>,
    pub server: Option<Server>,
    /// What the package always needs from the system (it has no Linux wheels, or loads a library).
    pub native: Option<&'static NativeDeps>,
    /// What building it from source needs, when it has wheels but none for the image (the lockfile
    /// lists only its sdist): without it, only a C compiler is given.
    pub from_source: Option<&'static NativeDeps>,
}

const LIBPQ: NativeDeps = NativeDeps {
    why: "libpq (PostgreSQL client library)",
    build: &["gcc", "libc6-dev", "libpq-dev"],
    runtime: &["libpq5"],
};

/// psycopg 3's pure-Python implementation loads the system libpq at run time.
const LIBPQ_RUNTIME: NativeDeps = NativeDeps {
    why: "libpq, which psycopg loads at run time without psycopg-binary",
    build: &[],
    runtime: &["libpq5"],
};

/// A C compiler for packages published as source only.
pub const COMPILER: NativeDeps = NativeDeps {
    why: "a C compiler (the package is published as source only)",
    build: &["gcc", "libc6-dev"],
    runtime: &[],
};

const MYSQL: NativeDeps = NativeDeps {
    why: "the MySQL/MariaDB client library",
    build: &[
        "gcc",
        "libc6-dev",
        "default-libmysqlclient-dev",
        "pkg-config",
    ],
    runtime: &["libmariadb3"],
};

// Libraries that packages commonly compile against. Runtime names are those of the official images'
// Debian release (trixie); the `-dev` names are the same in bookworm.
const LDAP: NativeDeps = NativeDeps {
    why: "OpenLDAP and SASL (python-ldap publishes no Linux wheels)",
    build: &["gcc", "libc6-dev", "libldap-dev", "libsasl2-dev"],
    runtime: &["libldap2", "libsasl2-2"],
};

const CAIRO: NativeDeps = NativeDeps {
    why: "cairo (pycairo publishes no Linux wheels)",
    build: &["gcc", "libc6-dev", "pkg-config", "libcairo2-dev"],
    runtime: &["libcairo2"],
};

const XMLSEC: NativeDeps = NativeDeps {
    why: "xmlsec1 and libxml2, to build xmlsec from source",
    build: &[
        "gcc",
        "libc6-dev",
        "pkg-config",
        "libxml2-dev",
        "libxmlsec1-dev",
    ],
    runtime: &["libxmlsec1t64-openssl", "libxml2"],
};

const ODBC: NativeDeps = NativeDeps {
    why: "unixODBC, to build pyodbc from source",
    build: &["g++", "libc6-dev", "unixodbc-dev"],
    runtime: &["libodbc2"],
};

const LXML: NativeDeps = NativeDeps {
    why: "libxml2 and libxslt, to build lxml from source",
    build: &["gcc", "libc6-dev", "libxml2-dev", "libxslt1-dev"],
    runtime: &["libxml2", "libxslt1.1"],
};

const PILLOW: NativeDeps = NativeDeps {
    why: "libjpeg and zlib, to build Pillow from source",
    build: &["gcc", "libc6-dev", "libjpeg62-turbo-dev", "zlib1g-dev"],
    runtime: &["libjpeg62-turbo"],
};

const FFI: NativeDeps = NativeDeps {
    why: "libffi, to build cffi from source",
    build: &["gcc", "libc6-dev", "libffi-dev"],
    runtime: &[],
};

const fn row(package: &'static str) -> PackageFacts {
    PackageFacts {
        package,
        extra: None,
        unless: None,
        unless_extra: None,
        service: None,
        server: None,
        native: None,
        from_source: None,
    }
}

const fn service(package: &'static str, s: Service) -> PackageFacts {
    PackageFacts {
        service: Some(s),
        ..row(package)
    }
}

const fn server(package: &'static str, s: Server) -> PackageFacts {
    PackageFacts {
        server: Some(s),
        ..row(package)
    }
}

/// The table. Order does not matter; every matching row applies.
pub const PACKAGES: &[PackageFacts] = &[
    // PostgreSQL drivers. Binary wheels need nothing; source builds need libpq.
    service("psycopg", Service::Postgres),
    service("psycopg-binary", Service::Postgres),
    service("asyncpg", Service::Postgres),
    service("pg8000", Service::Postgres),
    PackageFacts {
        native: Some(&LIBPQ),
        ..service("psycopg2", Service::Postgres)
    },
    PackageFacts {
        extra: Some("c"),
        native: Some(&LIBPQ),
        ..service("psycopg", Service::Postgres)
    },
    PackageFacts {
        native: Some(&LIBPQ),
        ..service("psycopg-c", Service::Postgres)
    },
    // The binary wheels built from source (no wheel for the image's Python) need what psycopg2 needs.
    PackageFacts {
        from_source: Some(&LIBPQ),
        ..service("psycopg2-binary", Service::Postgres)
    },
    PackageFacts {
        native: Some(&LIBPQ_RUNTIME),
        unless: Some("psycopg-binary"),
        unless_extra: Some("binary"),
        ..row("psycopg")
    },
    // uWSGI ships no wheels.
    PackageFacts {
        native: Some(&COMPILER),
        ..row("uwsgi")
    },
    // MySQL/MariaDB drivers: compose runs MariaDB for them (when no PostgreSQL driver is there too);
    // mysqlclient's source build needs the client library.
    PackageFacts {
        native: Some(&MYSQL),
        ..service("mysqlclient", Service::Mariadb)
    },
    service("pymysql", Service::Mariadb),
    service("mysql-connector-python", Service::Mariadb),
    service("aiomysql", Service::Mariadb),
    service("asyncmy", Service::Mariadb),
    // Packages that commonly build from source: always (no Linux wheels), or when no wheel fits.
    PackageFacts {
        native: Some(&LDAP),
        ..row("python-ldap")
    },
    PackageFacts {
        native: Some(&CAIRO),
        ..row("pycairo")
    },
    PackageFacts {
        from_source: Some(&XMLSEC),
        ..row("xmlsec")
    },
    PackageFacts {
        from_source: Some(&ODBC),
        ..row("pyodbc")
    },
    PackageFacts {
        from_source: Some(&LXML),
        ..row("lxml")
    },
    PackageFacts {
        from_source: Some(&PILLOW),
        ..row("pillow")
    },
    PackageFacts {
        from_source: Some(&FFI),
        ..row("cffi")
    },
    // Redis clients and everything that talks to Redis (the task queues' packages: `crate::queue`).
    service("redis", Service::Redis),
    service("hiredis", Service::Redis),
    service("channels-redis", Service::Redis),
    service("aioredis", Service::Redis),
    // Application servers.
    server("gunicorn", Server::Gunicorn),
    server("uvicorn", Server::Uvicorn),
    server("daphne", Server::Daphne),
    server("hypercorn", Server::Hypercorn),
    server("waitress", Server::Waitress),
];

/// A package version that imports `pkg_resources` at run time without saying so in a way every installer
/// honours. `pkg_resources` ships with setuptools, which a venv made by uv does not seed (unlike
/// `python -m venv` on Pythons before 3.12), and setuptools 82 removed it: such a project needs an older
/// setuptools in its venv. Each row was checked in the published wheels.
pub struct PkgResourcesUser {
    pub package: &'static str,
    /// The first release that no longer imports it: every version before it does.
    pub fixed_in: &'static str,
    /// Where the import is, and what breaks without it.
    pub why: &'static str,
}

/// The setuptools release that removed `pkg_resources` (82.0.0), and the requirement that still has it.
pub const SETUPTOOLS_DROPPED_PKG_RESOURCES: &str = "82";
pub const SETUPTOOLS_WITH_PKG_RESOURCES: &str = "setuptools<82";

/// Packages whose older releases import `pkg_resources` (see [`PkgResourcesUser`]), beside the rows
/// each framework and task queue keeps for its own packages (`FrameworkSpec::pkg_resources_users`,
/// `QueueSpec::pkg_resources_users`).
pub const PKG_RESOURCES_USERS: &[PkgResourcesUser] = &[
    // gunicorn 20.x declares `setuptools>=3.0`, which a resolver now meets with a setuptools without
    // pkg_resources, and a lock or `pip freeze` leaves setuptools out.
    PkgResourcesUser {
        package: "gunicorn",
        fixed_in: "21.0",
        why: "imports pkg_resources at start (`gunicorn/util.py`, to load worker classes); 21.0 uses importlib.metadata",
    },
];

/// The row of `rows` that `package` at `version` matches.
pub fn imports_pkg_resources<'r>(
    rows: impl IntoIterator<Item = &'r PkgResourcesUser>,
    package: &str,
    version: &str,
) -> Option<&'r PkgResourcesUser> {
    rows.into_iter()
        .find(|r| r.package == package && release_before(version, r.fixed_in))
}

/// Whether release `version` (`20.1.0`, `2.0.3.post1`) sorts before `bound` (`21.0`), comparing the
/// leading numeric release segments; a version that does not start with a number, or has an epoch, is not
/// before anything.
pub fn release_before(version: &str, bound: &str) -> bool {
    fn release(v: &str) -> Option<Vec<u64>> {
        let v = v.trim().trim_start_matches(['v', 'V']);
        if v.contains('!') {
            // An epoch (`1!0.1`) sorts after every plain release.
            return None;
        }
        let mut out = Vec::new();
        for part in v.split('.') {
            let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
            if digits.is_empty() {
                break;
            }
            out.push(digits.parse().ok()?);
            if digits.len() < part.len() {
                break;
            }
        }
        (!out.is_empty()).then_some(out)
    }
    let (Some(mut v), Some(mut b)) = (release(version), release(bound)) else {
        return false;
    };
    let n = v.len().max(b.len());
    v.resize(n, 0);
    b.resize(n, 0);
    v < b
}

/// The SQLAlchemy dialect+driver of each MySQL/MariaDB driver package (normalised names), the scheme of a
/// URL SQLAlchemy hands to it; the first the project depends on is used.
pub const MYSQL_SQLALCHEMY_SCHEMES: &[(&str, &str)] = &[
    ("mysqlclient", "mysql+mysqldb"),
    ("pymysql", "mysql+pymysql"),
    ("mysql-connector-python", "mysql+mysqlconnector"),
    ("aiomysql", "mysql+aiomysql"),
    ("asyncmy", "mysql+asyncmy"),
];

/// What building `package` from source needs: its row's `from_source` or `native` entry, else a C compiler.
pub fn source_build_needs(package: &str) -> &'static NativeDeps {
    PACKAGES
        .iter()
        .filter(|r| r.package == package)
        .find_map(|r| r.from_source.or(r.native))
        .unwrap_or(&COMPILER)
}

/// Python minors dockgen generates images for, oldest first, and the default.
pub const SUPPORTED_PYTHONS: &[PythonVersion] = &[
    PythonVersion::new(3, 9),
    PythonVersion::new(3, 10),
    PythonVersion::new(3, 11),
    PythonVersion::new(3, 12),
    PythonVersion::new(3, 13),
    PythonVersion::new(3, 14),
];
pub const DEFAULT_PYTHON: PythonVersion = PythonVersion::new(3, 13);

/// Directory names never walked into: virtualenvs, caches, VCS and build output.
pub const SKIP_DIRS: &[&str] = &[
    ".git",
    ".hg",
    ".svn",
    ".venv",
    "venv",
    "env",
    ".env",
    "node_modules",
    "__pycache__",
    "site-packages",
    "dist-packages",
    "build",
    "dist",
    ".tox",
    ".nox",
    ".mypy_cache",
    ".pytest_cache",
    ".ruff_cache",
    ".eggs",
    "htmlcov",
    "staticfiles",
];

/// Other ecosystems' manifests, in the order they are looked for: a folder holding one of these and no
/// Python web app is told what it looks like ("this looks like a Node.js project (package.json)").
pub const OTHER_ECOSYSTEMS: &[(&str, &str)] = &[
    ("package.json", "a Node.js project"),
    ("deno.json", "a Deno project"),
    ("go.mod", "a Go module"),
    ("Gemfile", "a Ruby project"),
    ("Cargo.toml", "a Rust crate"),
    ("composer.json", "a PHP project"),
    ("pom.xml", "a Java project (Maven)"),
    ("build.gradle", "a Java project (Gradle)"),
    ("build.gradle.kts", "a Kotlin project (Gradle)"),
    ("mix.exs", "an Elixir project"),
];

/// Directories whose Python files are tests, not the app (a test creating `app = Flask(...)` is no app).
pub const TEST_DIRS: &[&str] = &["tests", "test", "testing", "docs", "examples", "scripts"];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn table_names_are_normalised() {
        for r in PACKAGES {
            assert_eq!(
                r.package,
                r.package.to_lowercase().replace(['_', '.'], "-"),
                "{}",
                r.package
            );
        }
    }

    /// A `*-binary` package built from source needs its library's headers, not only a compiler (issue 17:
    /// `pg_config executable not found`); a package the table does not know gets the compiler.
    #[test]
    fn source_builds_get_their_librarys_packages() {
        assert_eq!(source_build_needs("psycopg2-binary"), &LIBPQ);
        assert!(
            source_build_needs("python-ldap")
                .build
                .contains(&"libldap-dev")
        );
        assert_eq!(source_build_needs("mysqlclient"), &MYSQL);
        assert_eq!(source_build_needs("some-pure-sdist"), &COMPILER);
    }

    /// Issue 17: a frozen gunicorn 20.1 and a Flask 2.0 (whose `flask db` vanishes) import pkg_resources;
    /// the releases that replaced it, and versions that are no release number, do not match.
    #[test]
    fn old_releases_that_import_pkg_resources() {
        let rows = PKG_RESOURCES_USERS;
        assert!(imports_pkg_resources(rows, "gunicorn", "20.1.0").is_some());
        assert!(imports_pkg_resources(rows, "gunicorn", "19.9").is_some());
        assert!(imports_pkg_resources(rows, "gunicorn", "21.0.0").is_none());
        assert!(imports_pkg_resources(rows, "gunicorn", "23.0.0").is_none());
        assert!(imports_pkg_resources(rows, "redis", "2.0").is_none());
        assert!(imports_pkg_resources(rows, "gunicorn", "main").is_none());
        assert!(release_before("20.1.0rc1", "21.0"));
        assert!(!release_before("1!0.1", "21.0"));
    }

    #[test]
    fn default_python_is_supported() {
        assert!(SUPPORTED_PYTHONS.contains(&DEFAULT_PYTHON));
    }
}

/// Pinned versions of the images and servers generated files use. Bumping one is a one-line change
/// here. (The Poetry, PDM and Pipenv pins live in their managers' modules.)
pub mod pins {
    /// The uv image tag the Dockerfile copies `/uv` from (ghcr.io/astral-sh/uv:<tag>).
    pub const UV: &str = "0.13.9";
    /// Servers installed when the project has none.
    pub const GUNICORN: &str = "27.0.1";
    pub const UVICORN: &str = "0.54.0";
    /// Service images, pinned to a major tag.
    pub const POSTGRES: &str = "17";
    pub const REDIS: &str = "7";
    pub const RABBITMQ: &str = "4";
    /// MariaDB, for projects on MySQL/MariaDB (the end-to-end stand-in image is built from it; no
    /// compose service uses it yet).
    pub const MARIADB: &str = "11";
    /// The front proxy's image (nginx:<tag>), pinned to a stable minor.
    pub const NGINX: &str = "1.28";
}

/// How an environment variable the app reads is supplied by compose, by name. `{pg_url}` and friends are
/// filled in by the plan. Names not listed pass through from `.env` when set.
pub const ENV_CONVENTIONS: &[(&str, EnvSource)] = &[
    ("DATABASE_URL", EnvSource::PostgresUrl),
    ("POSTGRES_HOST", EnvSource::PostgresHost),
    // The official full-stack FastAPI template's name for the host.
    ("POSTGRES_SERVER", EnvSource::PostgresHost),
    ("DB_HOST", EnvSource::PostgresHost),
    ("DATABASE_HOST", EnvSource::PostgresHost),
    ("PGHOST", EnvSource::PostgresHost),
    ("POSTGRES_PORT", EnvSource::PostgresPort),
    ("DB_PORT", EnvSource::PostgresPort),
    ("PGPORT", EnvSource::PostgresPort),
    ("POSTGRES_DB", EnvSource::PostgresDb),
    ("DB_NAME", EnvSource::PostgresDb),
    ("PGDATABASE", EnvSource::PostgresDb),
    ("POSTGRES_USER", EnvSource::PostgresUser),
    ("DB_USER", EnvSource::PostgresUser),
    ("PGUSER", EnvSource::PostgresUser),
    ("POSTGRES_PASSWORD", EnvSource::PostgresPassword),
    ("DB_PASSWORD", EnvSource::PostgresPassword),
    ("PGPASSWORD", EnvSource::PostgresPassword),
    ("REDIS_URL", EnvSource::RedisUrl),
    ("CELERY_BROKER_URL", EnvSource::RedisUrl),
    ("CELERY_RESULT_BACKEND", EnvSource::RedisUrl),
    ("BROKER_URL", EnvSource::RedisUrl),
    ("RQ_REDIS_URL", EnvSource::RedisUrl),
    ("CACHE_URL", EnvSource::RedisUrl),
    ("REDIS_HOST", EnvSource::RedisHost),
    ("REDIS_PORT", EnvSource::RedisPort),
    ("PORT", EnvSource::Port),
];

/// Where a conventional variable's value comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EnvSource {
    PostgresUrl,
    PostgresHost,
    PostgresPort,
    PostgresDb,
    PostgresUser,
    PostgresPassword,
    RedisUrl,
    RedisHost,
    RedisPort,
    Port,
}

/// Name fragments that mark a variable as a secret: required, never defaulted, never baked into images.
pub const SECRET_MARKERS: &[&str] = &["SECRET", "PASSWORD", "TOKEN", "_KEY", "PRIVATE"];

/// Settings that hold the app's own signing key, read by the framework or an extension of it: any long
/// random string is a valid value, so `dockgen init` generates one (issue 17: nothing else gets a random
/// value; a third-party credential or a switch with one breaks the app or turns an integration on).
pub const SIGNING_KEYS: &[&str] = &[
    "SECRET_KEY",
    "JWT_SECRET_KEY",
    "SECURITY_PASSWORD_SALT",
    "WTF_CSRF_SECRET_KEY",
];

/// The example environment files projects ship beside their code, in the order they are read. The
/// project's own `.env.example` is among them (dockgen writes one too, and never over the project's).
pub const EXAMPLE_ENV_FILES: &[&str] = &[
    ".env.example",
    ".env.sample",
    ".env.template",
    "example.env",
    ".env.dist",
];

/// Values in an example environment file that stand for "fill this in", lowercased: never copied.
pub const PLACEHOLDER_MARKERS: &[&str] = &[
    "change", "replace", "todo", "fixme", "xxx", "<", ">", "...", "your", "secret", "password",
];

/// The compose file names `docker compose` finds by itself, in its order of preference.
pub const COMPOSE_FILES: &[&str] = &[
    "compose.yaml",
    "compose.yml",
    "docker-compose.yaml",
    "docker-compose.yml",
];

/// Packages whose presence says the app hands database URLs to SQLAlchemy, which needs the driver in the
/// URL's scheme (`postgresql+psycopg://`).
pub const SQLALCHEMY_PACKAGES: &[&str] = &["sqlalchemy", "flask-sqlalchemy", "sqlmodel"];

/// Last path segments that name a health route, best first.
pub const HEALTH_NAMES: &[&str] = &[
    "healthz",
    "health",
    "livez",
    "healthcheck",
    "health-check",
    "health_check",
];
