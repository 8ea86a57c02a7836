//! The production server: gunicorn for WSGI; for ASGI the first of the framework's ASGI servers that is
//! installed (Django with only daphne gets daphne), else the first one, installed pinned.

use crate::base::kinds::{Interface, Server};
use crate::detect::Project;
use crate::knowledge::pins;

/// The server command, and the pinned package to install when the project lacks it.
pub(super) struct ServerPlan {
    pub command: Vec<String>,
    pub install: Option<(Server, String)>,
}

pub(super) fn choose(p: &Project, port: u16) -> ServerPlan {
    let server = match p.interface {
        Interface::Wsgi => Server::Gunicorn,
        Interface::Asgi => {
            let servers = p.framework.asgi_servers();
            servers
                .iter()
                .copied()
                .find(|s| p.servers.contains(s))
                .unwrap_or(servers[0])
        }
    };
    ServerPlan {
        command: command(server, &p.entrypoint, port),
        install: (!p.servers.contains(&server))
            .then(|| pin(server).map(|pin| (server, pin)))
            .flatten(),
    }
}

/// Server flags that take no value.
const SWITCHES: &[&str] = &["--factory", "--proxy-headers", "--reload"];

/// The exec-form command as data: program, the app it serves, and the options around it.
pub(super) fn as_data(command: &[String]) -> super::ServerCommand {
    let program = command.first().cloned().unwrap_or_default();
    let mut options = Vec::new();
    let mut app = String::new();
    let mut rest = command.iter().skip(1).peekable();
    while let Some(w) = rest.next() {
        if !w.starts_with('-') {
            app = w.clone();
            continue;
        }
        let value = if SWITCHES.contains(&w.as_str()) {
            None
        } else {
            rest.next().cloned()
        };
        options.push(super::ServerOption {
            flag: w.clone(),
            value,
        });
    }
    super::ServerCommand {
        program,
        app,
        options,
    }
}

fn words(ws: &[&str]) -> Vec<String> {
    ws.iter().map(|s| s.to_string()).collect()
}

/// The exec-form command of `server` serving `entrypoint` on all interfaces at `port`.
fn command(server: Server, entrypoint: &str, port: u16) -> Vec<String> {
    let port_s = port.to_string();
    match server {
        Server::Daphne => words(&["daphne", "--bind", "0.0.0.0", "--port", &port_s, entrypoint]),
        Server::Uvicorn => {
            let mut c = words(&["uvicorn"]);
            let target = match entrypoint.strip_suffix("()") {
                Some(factory) => {
                    c.push("--factory".into());
                    factory
                }
                None => entrypoint,
            };
            c.extend(words(&[
                target,
                "--host",
                "0.0.0.0",
                "--port",
                &port_s,
                "--proxy-headers",
            ]));
            c
        }
        // gunicorn, and the WSGI fallback for servers dockgen does not drive itself.
        Server::Gunicorn | Server::Hypercorn | Server::Waitress => words(&[
            "gunicorn",
            entrypoint,
            "--bind",
            &format!("0.0.0.0:{port}"),
            "--access-logfile",
            "-",
        ]),
    }
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

    #[test]
    fn commands_as_data() {
        let d = as_data(&command(Server::Gunicorn, "config.wsgi:application", 8000));
        assert_eq!(
            (d.program.as_str(), d.app.as_str()),
            ("gunicorn", "config.wsgi:application")
        );
        let flags: Vec<(&str, Option<&str>)> = d
            .options
            .iter()
            .map(|o| (o.flag.as_str(), o.value.as_deref()))
            .collect();
        assert_eq!(
            flags,
            [
                ("--bind", Some("0.0.0.0:8000")),
                ("--access-logfile", Some("-"))
            ]
        );
        let d = as_data(&command(Server::Uvicorn, "app.main:create_app()", 8000));
        assert_eq!(d.app, "app.main:create_app");
        assert_eq!(d.options[0].flag, "--factory");
        assert_eq!(d.options[0].value, None);
        assert_eq!(
            d.options.last().map(|o| o.flag.as_str()),
            Some("--proxy-headers")
        );
        let d = as_data(&command(Server::Daphne, "chat.asgi:application", 8000));
        assert_eq!(d.app, "chat.asgi:application");
        assert_eq!(d.options[1].value.as_deref(), Some("8000"));
    }

    #[test]
    fn uvicorn_serves_factories_with_the_factory_flag() {
        let c = command(Server::Uvicorn, "app.main:create_app()", 8000);
        assert_eq!(c[..3], ["uvicorn", "--factory", "app.main:create_app"]);
        let c = command(Server::Gunicorn, "config.wsgi:application", 9000);
        assert_eq!(
            c[..4],
            [
                "gunicorn",
                "config.wsgi:application",
                "--bind",
                "0.0.0.0:9000"
            ]
        );
    }
}
