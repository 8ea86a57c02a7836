//! The production server and its settings: gunicorn for WSGI; for ASGI the first of the framework's ASGI
//! servers that is installed (Django with only daphne gets daphne), else the first one, installed pinned;
//! or gunicorn when an answer gives it an ASGI worker class (`uvicorn.workers.UvicornWorker`).
//!
//! The server listens on `$PORT` (the image sets it to the planned port; platforms such as Cloud Run
//! override it). gunicorn does that by itself: with no `--bind`, it binds `0.0.0.0:$PORT` when `PORT` is
//! set. uvicorn and daphne take the port only as an option, so their command goes through
//! `sh -c 'exec ...'`: the shell expands `$PORT` and `exec` replaces itself with the server, which stays
//! the direct child of `init` and receives SIGTERM.

use super::{ServerAnswers, ServerCommand, ServerOption};
use crate::base::error::{Error, Result};
use crate::base::kinds::{Interface, Server};
use crate::base::quote::sh_quote;
use crate::detect::Project;
use crate::knowledge::pins;

/// gunicorn restarts a worker that spends longer than this on a request (its own default).
pub const DEFAULT_TIMEOUT: u32 = 30;

/// The server command, and the pinned package to install when the project lacks it.
pub(super) struct ServerPlan {
    /// Exec form on the planned port itself, for development commands built on it.
    pub fixed_command: Vec<String>,
    /// The same command as data.
    pub data: ServerCommand,
    pub install: Option<(Server, String)>,
}

/// How the port reaches the server's options.
#[derive(Clone, Copy)]
enum PortWord {
    /// `$PORT`, with the planned port as its default.
    Env(u16),
    /// The planned port itself.
    Fixed(u16),
}

impl PortWord {
    fn word(self) -> String {
        match self {
            PortWord::Env(p) => format!("${{PORT:-{p}}}"),
            PortWord::Fixed(p) => p.to_string(),
        }
    }
}

/// Whether a gunicorn worker class serves ASGI apps (uvicorn's workers, and any class named so).
fn is_asgi_class(class: &str) -> bool {
    let lower = class.to_ascii_lowercase();
    lower.contains("uvicorn") || lower.contains("asgi")
}

fn usage(message: String, hint: &str) -> Error {
    Error::Usage { message }.with_hint(hint)
}

/// The server for the project's interface and the worker-class answer.
fn server_of(p: &Project, a: &ServerAnswers) -> Result<Server> {
    match (p.interface, a.worker_class.as_deref()) {
        (Interface::Wsgi, Some(c)) if is_asgi_class(c) => Err(usage(
            format!("the worker class `{c}` serves ASGI apps, but this is a WSGI app"),
            "pass a WSGI worker class (sync, gthread, gevent, eventlet), or leave --worker-class out",
        )),
        (Interface::Wsgi, _) => Ok(Server::Gunicorn),
        (Interface::Asgi, Some(c)) if is_asgi_class(c) => Ok(Server::Gunicorn),
        (Interface::Asgi, Some(c)) => Err(usage(
            format!("the worker class `{c}` serves WSGI apps, but this is an ASGI app"),
            "pass an ASGI worker class such as uvicorn.workers.UvicornWorker, or leave --worker-class out to serve with uvicorn",
        )),
        (Interface::Asgi, None) => {
            let servers = p.framework.asgi_servers();
            Ok(servers
                .iter()
                .copied()
                .find(|s| p.servers.contains(s))
                .unwrap_or(servers[0]))
        }
    }
}

pub(super) fn choose(p: &Project, port: u16, a: &ServerAnswers) -> Result<ServerPlan> {
    let server = server_of(p, a)?;
    check_settings(server, a)?;
    let data = data(server, &p.entrypoint, PortWord::Env(port), a);
    let fixed = data_command(&self::data(server, &p.entrypoint, PortWord::Fixed(port), a));
    Ok(ServerPlan {
        fixed_command: fixed,
        data,
        install: (!p.servers.contains(&server))
            .then(|| pin(server).map(|pin| (server, pin)))
            .flatten(),
    })
}

/// Refuses settings the chosen server does not have, saying what would give them.
fn check_settings(server: Server, a: &ServerAnswers) -> Result<()> {
    let through_gunicorn = "serve through gunicorn with --worker-class uvicorn.workers.UvicornWorker, or leave the setting out";
    let unsupported = match server {
        Server::Gunicorn | Server::Hypercorn | Server::Waitress => None,
        Server::Uvicorn => [
            (a.timeout.is_some(), "--server-timeout: uvicorn has no worker timeout"),
            (
                a.max_requests_jitter.is_some(),
                "--max-requests-jitter: uvicorn has no jitter for --limit-max-requests",
            ),
        ]
        .into_iter()
        .find_map(|(given, what)| given.then_some(what)),
        Server::Daphne => [
            (a.workers.is_some(), "--server-workers: daphne runs one process"),
            (a.timeout.is_some(), "--server-timeout: daphne has no worker timeout"),
            (a.max_requests.is_some(), "--max-requests: daphne cannot restart its process after a number of requests"),
            (a.max_requests_jitter.is_some(), "--max-requests-jitter: daphne cannot restart its process after a number of requests"),
            (a.forwarded_allow_ips.is_some(), "--forwarded-allow-ips: daphne trusts proxy headers only through --proxy-headers, with no address list"),
        ]
        .into_iter()
        .find_map(|(given, what)| given.then_some(what)),
    };
    if a.max_requests_jitter.is_some() && a.max_requests.is_none() {
        return Err(usage(
            "--max-requests-jitter was given without --max-requests".into(),
            "give --max-requests too (the jitter is added to it)",
        ));
    }
    match unsupported {
        Some(what) => Err(usage(
            format!("{server} serves this app, and {what}"),
            through_gunicorn,
        )),
        None => Ok(()),
    }
}

fn opt(flag: &str, value: Option<String>) -> ServerOption {
    ServerOption {
        flag: flag.into(),
        value,
    }
}

/// The command of `server` serving `entrypoint`, as data: program, app, options.
fn data(server: Server, entrypoint: &str, port: PortWord, a: &ServerAnswers) -> ServerCommand {
    let mut options = Vec::new();
    let (program, app) = match server {
        Server::Daphne => {
            options.push(opt("--bind", Some("0.0.0.0".into())));
            options.push(opt("--port", Some(port.word())));
            ("daphne", entrypoint.to_string())
        }
        Server::Uvicorn => {
            let app = match entrypoint.strip_suffix("()") {
                Some(factory) => {
                    options.push(opt("--factory", None));
                    factory
                }
                None => entrypoint,
            };
            options.push(opt("--host", Some("0.0.0.0".into())));
            options.push(opt("--port", Some(port.word())));
            options.push(opt("--proxy-headers", None));
            if let Some(ips) = &a.forwarded_allow_ips {
                options.push(opt("--forwarded-allow-ips", Some(ips.clone())));
            }
            if let Some(n) = a.max_requests {
                options.push(opt("--limit-max-requests", Some(n.to_string())));
            }
            ("uvicorn", app.to_string())
        }
        // gunicorn, and the WSGI fallback for servers dockgen does not drive itself.
        Server::Gunicorn | Server::Hypercorn | Server::Waitress => {
            if let PortWord::Fixed(p) = port {
                options.push(opt("--bind", Some(format!("0.0.0.0:{p}"))));
            }
            if let Some(c) = &a.worker_class {
                options.push(opt("--worker-class", Some(c.clone())));
            }
            if let Some(t) = a.timeout {
                options.push(opt("--timeout", Some(t.to_string())));
            }
            if let Some(n) = a.max_requests {
                let jitter = a.max_requests_jitter.unwrap_or(n / 10);
                options.push(opt("--max-requests", Some(n.to_string())));
                options.push(opt("--max-requests-jitter", Some(jitter.to_string())));
            }
            if let Some(ips) = &a.forwarded_allow_ips {
                options.push(opt("--forwarded-allow-ips", Some(ips.clone())));
            }
            options.push(opt("--access-logfile", Some("-".into())));
            ("gunicorn", entrypoint.to_string())
        }
    };
    ServerCommand {
        program: program.into(),
        app,
        options,
        port_from_env: matches!(port, PortWord::Env(_)),
    }
}

/// The command as words: program, app, then each option and its value.
fn data_command(d: &ServerCommand) -> Vec<String> {
    let mut words = vec![d.program.clone(), d.app.clone()];
    for o in &d.options {
        words.push(o.flag.clone());
        words.extend(o.value.clone());
    }
    words
}

/// Exec form: the words themselves, or `sh -c 'exec ...'` when a value expands `$PORT`.
pub(super) fn exec_form(d: &ServerCommand) -> Vec<String> {
    let words = data_command(d);
    if !words.iter().any(|w| w.contains("${PORT")) {
        return words;
    }
    let line = words
        .iter()
        .map(|w| {
            if w.contains("${PORT") {
                format!("\"{w}\"")
            } else {
                sh_quote(w)
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    vec!["sh".into(), "-c".into(), format!("exec {line}")]
}

/// The pinned requirement dockgen installs when the project lacks `server`.
fn pin(server: Server) -> Option<String> {
    match server {
        Server::Gunicorn => Some(format!("gunicorn=={}", pins::GUNICORN)),
        Server::Uvicorn => Some(format!("uvicorn=={}", pins::UVICORN)),
        Server::Daphne | Server::Hypercorn | Server::Waitress => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn flags(d: &ServerCommand) -> Vec<(&str, Option<&str>)> {
        d.options
            .iter()
            .map(|o| (o.flag.as_str(), o.value.as_deref()))
            .collect()
    }

    #[test]
    fn gunicorn_takes_the_port_from_the_environment_and_every_setting_as_an_option() {
        let none = ServerAnswers::default();
        let d = data(
            Server::Gunicorn,
            "config.wsgi:application",
            PortWord::Env(8000),
            &none,
        );
        assert_eq!(
            (d.program.as_str(), d.app.as_str()),
            ("gunicorn", "config.wsgi:application")
        );
        // No --bind: gunicorn binds 0.0.0.0:$PORT by itself when PORT is set.
        assert_eq!(flags(&d), [("--access-logfile", Some("-"))]);
        assert_eq!(
            exec_form(&d),
            [
                "gunicorn",
                "config.wsgi:application",
                "--access-logfile",
                "-"
            ]
        );
        let all = ServerAnswers {
            workers: Some(4),
            timeout: Some(120),
            worker_class: Some("gthread".into()),
            max_requests: Some(1000),
            max_requests_jitter: None,
            forwarded_allow_ips: Some("10.0.0.0/8".into()),
        };
        let d = data(Server::Gunicorn, "app:app", PortWord::Env(8000), &all);
        assert_eq!(
            flags(&d),
            [
                ("--worker-class", Some("gthread")),
                ("--timeout", Some("120")),
                ("--max-requests", Some("1000")),
                ("--max-requests-jitter", Some("100")),
                ("--forwarded-allow-ips", Some("10.0.0.0/8")),
                ("--access-logfile", Some("-")),
            ]
        );
        let d = data(Server::Gunicorn, "app:app", PortWord::Fixed(9000), &none);
        assert_eq!(flags(&d)[0], ("--bind", Some("0.0.0.0:9000")));
    }

    #[test]
    fn uvicorn_and_daphne_expand_port_through_a_shell_that_execs_them() {
        let none = ServerAnswers::default();
        let d = data(
            Server::Uvicorn,
            "app.main:create_app()",
            PortWord::Env(8000),
            &none,
        );
        assert_eq!(d.app, "app.main:create_app");
        assert_eq!(d.options[0].flag, "--factory");
        assert_eq!(
            exec_form(&d),
            [
                "sh",
                "-c",
                "exec uvicorn app.main:create_app --factory --host 0.0.0.0 --port \"${PORT:-8000}\" --proxy-headers"
            ]
        );
        let d = data(
            Server::Daphne,
            "chat.asgi:application",
            PortWord::Env(8001),
            &none,
        );
        assert_eq!(
            exec_form(&d)[2],
            "exec daphne chat.asgi:application --bind 0.0.0.0 --port \"${PORT:-8001}\""
        );
        // On a fixed port (development), plain words.
        let d = data(Server::Uvicorn, "main:app", PortWord::Fixed(8000), &none);
        assert_eq!(exec_form(&d)[..2], ["uvicorn", "main:app"]);
    }

    #[test]
    fn settings_a_server_lacks_are_refused_with_a_hint() {
        let timeout = ServerAnswers {
            timeout: Some(60),
            ..Default::default()
        };
        let e = check_settings(Server::Uvicorn, &timeout).unwrap_err();
        assert!(
            e.to_string().contains("uvicorn has no worker timeout"),
            "{e}"
        );
        assert!(e.hint().unwrap().contains("uvicorn.workers.UvicornWorker"));
        assert!(check_settings(Server::Gunicorn, &timeout).is_ok());
        let jitter = ServerAnswers {
            max_requests_jitter: Some(5),
            ..Default::default()
        };
        let e = check_settings(Server::Gunicorn, &jitter).unwrap_err();
        assert!(e.to_string().contains("without --max-requests"), "{e}");
        let ips = ServerAnswers {
            forwarded_allow_ips: Some("*".into()),
            ..Default::default()
        };
        assert!(check_settings(Server::Daphne, &ips).is_err());
        let workers = ServerAnswers {
            workers: Some(3),
            ..Default::default()
        };
        assert!(check_settings(Server::Daphne, &workers).is_err());
        assert!(check_settings(Server::Uvicorn, &workers).is_ok());
        assert!(check_settings(Server::Uvicorn, &ips).is_ok());
    }

    #[test]
    fn worker_classes_match_the_interface() {
        assert!(is_asgi_class("uvicorn.workers.UvicornWorker"));
        assert!(is_asgi_class("uvicorn_worker.UvicornWorker"));
        assert!(!is_asgi_class("gthread"));
    }
}
