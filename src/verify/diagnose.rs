//! Known failure signatures in a log, mapped to what to do. One table ([`SIGNATURES`]) of substrings
//! from the tools' own messages (compose, psycopg/Django, pip/uv, Celery/redis-py), plus the variables
//! the stack reads: an error line that names one of them points at its line in `.env`.

use crate::output::envfile::EnvFile;

/// A signature: any of these substrings (case-sensitive, as the tools print them), and the hint.
struct Signature {
    any: &'static [&'static str],
    hint: &'static str,
}

const SIGNATURES: &[Signature] = &[
    Signature {
        any: &["relation \"", "UndefinedTable"],
        hint: "a table the app queries does not exist: the migrations did not run against this database (see the migrate service's log, or run the app's migration command)",
    },
    Signature {
        any: &[
            "no such table",
            "sqlite3.OperationalError",
            "unable to open database file",
        ],
        hint: "the app is using SQLite, not the generated Postgres: its database setting falls back to SQLite when the variable compose sets (DATABASE_URL) is not the one it reads; make the settings read it",
    },
    Signature {
        any: &[
            "pg_config executable not found",
            "command 'gcc' failed",
            "gcc: not found",
            "gcc: command not found",
            "unable to execute 'gcc'",
            "Python.h: No such file",
            "error: command 'cc' failed",
            "Failed to build",
        ],
        hint: "a dependency builds from source and the builder lacks its compiler or headers: pin a version that has a wheel for this Python, or add the Debian packages it needs (libpq-dev for psycopg2) to the builder stage; dockgen adds them for the packages in its native table",
    },
    Signature {
        any: &[
            "No matching distribution found",
            "has no wheels with a matching Python",
            "doesn't have a source distribution or wheel",
            "which requires Python",
            "requires a different Python",
            "the requested Python version",
        ],
        hint: "no release of a dependency installs on the image's Python: choose the Python the lockfile was made for with `dockgen init --python X.Y`",
    },
    Signature {
        any: &["DisallowedHost", "Invalid HTTP_HOST header"],
        hint: "the settings refuse the Host header: add the host the app is served at to ALLOWED_HOSTS in `.env`",
    },
    Signature {
        any: &[
            "Cannot connect to redis://",
            "Cannot connect to amqp://",
            "consumer: Cannot connect to",
            "Error 111 connecting to",
            "Error -2 connecting to",
            "Error -3 connecting to",
            "redis.exceptions.ConnectionError",
        ],
        hint: "the worker cannot reach its broker: the broker URL it reads must name the compose service `redis` (redis://redis:6379/0), not localhost or another host",
    },
    Signature {
        any: &["password authentication failed"],
        hint: "Postgres refuses the password: the volume was created with another POSTGRES_PASSWORD; the app's database URL and the db service must share the value in `.env`",
    },
];

/// The words that mark a line as an error about a setting.
const ERROR_WORDS: &[&str] = &[
    "Error",
    "error",
    "required",
    "Required",
    "missing",
    "not set",
    "invalid",
    "Invalid",
    "Set the",
    "ImproperlyConfigured",
];

/// The hints for `log` (a failed command's output or a service's log), the variables first.
pub fn hints(log: &str, env_names: &[String], env: &EnvFile) -> Vec<String> {
    let mut out: Vec<String> = variable_hints(log, env_names, env);
    for s in SIGNATURES {
        if s.any.iter().any(|needle| log.contains(needle)) && !out.iter().any(|h| h == s.hint) {
            out.push(s.hint.to_string());
        }
    }
    out
}

/// A variable compose reports as missing (`required variable X is missing a value`), or one an error
/// line names (`KeyError: 'SECRET_KEY'`, `Set the SECRET_KEY environment variable`, pydantic's
/// `secret_key\n  Field required`): where to set it in `.env`.
fn variable_hints(log: &str, env_names: &[String], env: &EnvFile) -> Vec<String> {
    let mut names: Vec<String> = Vec::new();
    for line in log.lines() {
        if let Some(rest) = line.split("required variable ").nth(1) {
            names.extend(rest.split_whitespace().next().map(str::to_string));
        }
    }
    let lines: Vec<&str> = log.lines().collect();
    for (i, line) in lines.iter().enumerate() {
        // pydantic prints the field (lowercase) on the line before `Field required`.
        let pydantic_field = i + 1 < lines.len() && lines[i + 1].contains("Field required");
        if !pydantic_field && !ERROR_WORDS.iter().any(|w| line.contains(w)) {
            continue;
        }
        for name in env_names {
            if names_word(line, name, pydantic_field) {
                names.push(name.clone());
            }
        }
    }
    let mut out = Vec::new();
    for name in names {
        let hint = format!("{}: the app needs it", env.where_to_set(&name));
        if !out.contains(&hint) {
            out.push(hint);
        }
    }
    out
}

/// Whether `line` holds `name` as a whole word (any case when `fold`, for pydantic's field names).
fn names_word(line: &str, name: &str, fold: bool) -> bool {
    let (hay, needle) = if fold {
        (line.to_ascii_uppercase(), name.to_ascii_uppercase())
    } else {
        (line.to_string(), name.to_string())
    };
    let word = |c: char| c.is_ascii_alphanumeric() || c == '_';
    hay.match_indices(&needle).any(|(i, _)| {
        let before = hay[..i].chars().next_back();
        let after = hay[i + needle.len()..].chars().next();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn names(n: &[&str]) -> Vec<String> {
        n.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn a_missing_variable_points_at_its_env_line() {
        let env = EnvFile::parse("POSTGRES_USER=app\nPOSTGRES_PASSWORD=\n");
        let h = hints(
            "error while interpolating services.db.environment.POSTGRES_PASSWORD: required variable POSTGRES_PASSWORD is missing a value: set POSTGRES_PASSWORD in .env",
            &names(&["POSTGRES_PASSWORD"]),
            &env,
        );
        assert_eq!(
            h,
            ["set POSTGRES_PASSWORD in `.env` (line 2 is empty): the app needs it"]
        );
    }

    #[test]
    fn an_app_error_naming_a_variable_points_at_env() {
        let env = EnvFile::parse("SECRET_KEY=\n");
        let known = names(&["SECRET_KEY", "DEBUG"]);
        for log in [
            "django.core.exceptions.ImproperlyConfigured: Set the SECRET_KEY environment variable",
            "KeyError: 'SECRET_KEY'",
            "1 validation error for Settings\nsecret_key\n  Field required [type=missing]",
        ] {
            assert_eq!(
                hints(log, &known, &env),
                ["set SECRET_KEY in `.env` (line 1 is empty): the app needs it"],
                "{log}"
            );
        }
        // A variable named outside an error line, or inside a longer name, is not blamed.
        assert!(hints("DEBUG is 0; starting", &known, &env).is_empty());
        assert!(hints("KeyError: 'SECRET_KEY_FALLBACKS'", &known, &env).is_empty());
    }

    #[test]
    fn signatures_map_to_their_hints() {
        let env = EnvFile::default();
        let one = |log: &str| hints(log, &[], &env);
        assert!(
            one("psycopg.errors.UndefinedTable: relation \"jobs_report\" does not exist")[0]
                .contains("migrations did not run")
        );
        assert!(one("Error: pg_config executable not found.")[0].contains("builds from source"));
        assert!(
            one(
                "  × No solution found: psycopg2==2.9 has no wheels with a matching Python ABI tag"
            )[0]
            .contains("--python")
        );
        assert!(one("Invalid HTTP_HOST header: 'localhost:8000'. You may need to add 'localhost' to ALLOWED_HOSTS.")[0].contains("ALLOWED_HOSTS"));
        assert!(one("consumer: Cannot connect to redis://nowhere:6379/0: Error -2 connecting to nowhere:6379.")[0].contains("broker"));
        assert!(one("sqlite3.OperationalError: no such table: jobs_report")[0].contains("SQLite"));
        assert!(one("everything is fine").is_empty());
    }
}
