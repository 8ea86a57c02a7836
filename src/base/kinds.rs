//! Closed vocabularies every stage shares: backing services, application servers and the server
//! interface. They are closed on purpose: each value changes what compose generates, so adding one
//! is a change to the templates too. (Frameworks, package managers and task queues are open: see the
//! registries in `crate::framework`, `crate::manager` and `crate::queue`.)

use std::fmt;

use serde::Serialize;

macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident { $($(#[$vm:meta])* $variant:ident = $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, serde::Deserialize, schemars::JsonSchema)]
        #[serde(rename_all = "lowercase")]
        pub enum $name { $($(#[$vm])* $variant),+ }
        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];
            /// The lowercase name used in reports, JSON and evidence keys.
            pub fn as_str(self) -> &'static str { match self { $($name::$variant => $s),+ } }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result { f.write_str(self.as_str()) }
        }
        impl std::str::FromStr for $name {
            type Err = String;
            fn from_str(s: &str) -> Result<Self, String> {
                let s = s.trim().to_ascii_lowercase();
                Self::ALL.iter().copied().find(|v| v.as_str() == s).ok_or_else(|| {
                    format!("expected one of: {}", Self::ALL.iter().map(|v| v.as_str()).collect::<Vec<_>>().join(", "))
                })
            }
        }
    };
}

vocabulary!(
    /// A backing service the app talks to.
    Service { Mariadb = "mariadb", Postgres = "postgres", Rabbitmq = "rabbitmq", Redis = "redis" }
);
vocabulary!(
    /// An application server that can run the app in production.
    Server {
        Gunicorn = "gunicorn",
        Uvicorn = "uvicorn",
        Daphne = "daphne",
        Hypercorn = "hypercorn",
        Waitress = "waitress",
    }
);
vocabulary!(
    /// The server interface of the app.
    Interface { Wsgi = "wsgi", Asgi = "asgi" }
);

/// What an environment variable's value feeds, traced from how the code reads it. The plan sets each
/// role from the generated services.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum EnvRole {
    /// A database URL, in the scheme its consumer accepts (`postgres` for dj-database-url,
    /// `postgresql+asyncpg` for SQLAlchemy's async engine with asyncpg).
    DatabaseUrl {
        scheme: String,
    },
    /// A libpq connection string (`dbname=app host=db ...`).
    DatabaseConninfo,
    /// A database engine setting (Django's `DATABASES` `ENGINE`), with the values that select PostgreSQL
    /// and MySQL/MariaDB, given by the framework that traced it.
    DatabaseEngine {
        postgres: String,
        /// The value that selects MySQL/MariaDB, for a project the generated MariaDB serves.
        mysql: String,
    },
    DatabaseHost,
    DatabasePort,
    DatabaseName,
    DatabaseUser,
    DatabasePassword,
    /// A switch compared against this value to select PostgreSQL (`DB == "postgres"`).
    DatabaseSwitch {
        value: String,
    },
    /// A Redis URL: a cache location, a Celery broker or result backend, an RQ connection.
    RedisUrl,
    RedisHost,
    RedisPort,
    /// An AMQP broker URL (a Celery broker whose default is `amqp://`): the generated RabbitMQ's.
    AmqpUrl,
    /// The port the server listens on.
    Port,
    /// Django's `ALLOWED_HOSTS`, read as one string split on `separator`.
    AllowedHosts {
        separator: String,
    },
    /// The switch of the framework's debug mode (Django's `DEBUG`), with the value that turns it on: the
    /// one the code compares it with, else `1`. Production leaves it to the app's default; the `dev`
    /// profile turns it on.
    DebugSwitch {
        on: String,
    },
    /// The app's own signing key (Django's `SECRET_KEY`, Flask's `SECRET_KEY`, `JWT_SECRET_KEY`): any
    /// long random string is a valid value, so `dockgen init` generates one.
    SigningKey,
}

/// The kind of value the code parses a variable as, when the code shows it (`int(...)`, a comparison
/// with `"true"`, `.split(",")`, a URL default): documented in `.env.example`, and the form a build-time
/// stand-in takes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum EnvType {
    /// A switch; `on` is a value the code takes as true, when it shows one.
    Bool {
        on: Option<String>,
    },
    Int,
    Float,
    /// A list split on `separator`.
    List {
        separator: String,
    },
    Url,
    /// One of the values the code compares it with.
    Choice {
        values: Vec<String>,
    },
}

impl EnvType {
    /// How `.env.example` names it.
    pub fn describe(&self) -> String {
        match self {
            EnvType::Bool { on: Some(on) } => format!("a boolean (`{on}` turns it on)"),
            EnvType::Bool { on: None } => "a boolean".into(),
            EnvType::Int => "an integer".into(),
            EnvType::Float => "a number".into(),
            EnvType::List { separator } if separator == " " => "a list separated by spaces".into(),
            EnvType::List { separator } => format!("a list separated by `{separator}`"),
            EnvType::Url => "a URL".into(),
            EnvType::Choice { values } => {
                let v: Vec<String> = values.iter().map(|v| format!("`{v}`")).collect();
                format!("one of {}", v.join(", "))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip() {
        for s in Server::ALL {
            assert_eq!(s.as_str().parse::<Server>(), Ok(*s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!("WSGI".parse::<Interface>(), Ok(Interface::Wsgi));
        assert!("nginx".parse::<Server>().unwrap_err().contains("gunicorn"));
    }
}
