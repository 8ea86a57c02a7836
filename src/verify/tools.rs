//! Finding what verify needs on the machine: a Docker Engine 20.10 or newer (the generated compose file
//! uses its features: `init`, healthchecks, `service_completed_successfully`) and Compose v2 (the
//! `docker compose` plugin, or a v2 `docker-compose` binary). Each missing piece is an error that says
//! what was found and what to install.

use std::path::Path;
use std::time::Duration;

use super::{Cmd, Runner};
use crate::base::error::{Error, Result};

/// The tools found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tools {
    pub docker: String,
    /// The compose program as words (`docker compose`, or `docker-compose`).
    pub compose: Vec<String>,
    pub engine_version: String,
    pub compose_version: String,
}

fn cmd(words: &[&str], dir: &Path) -> Cmd {
    Cmd {
        program: words[0].to_string(),
        args: words[1..].iter().map(|s| s.to_string()).collect(),
        dir: dir.to_path_buf(),
        env: Vec::new(),
        timeout: Duration::from_secs(30),
        cancellable: true,
    }
}

/// `major.minor` of a version string (`20.10.24+dfsg1`, `v2.40.3`), if it has them.
fn major_minor(v: &str) -> Option<(u32, u32)> {
    let v = v.trim().trim_start_matches('v');
    let mut parts = v.split(|c: char| !c.is_ascii_digit());
    Some((parts.next()?.parse().ok()?, parts.next()?.parse().ok()?))
}

fn missing(message: String, hint: &str) -> Error {
    Error::Project { message }.with_hint(hint.to_string())
}

const INSTALL: &str = "install Docker Engine 20.10 or newer with the Compose v2 plugin (https://docs.docker.com/engine/install/), or pass --compose PATH to a Compose v2 binary";

/// The Docker Engine's version, if it answers and is 20.10 or newer.
fn engine(runner: &mut dyn Runner, dir: &Path) -> Result<String> {
    let engine = runner.run(&cmd(
        &["docker", "version", "--format", "{{.Server.Version}}"],
        dir,
    ));
    if let Some(e) = &engine.spawn_error {
        return Err(missing(format!("`docker` cannot be run: {e}"), INSTALL));
    }
    if !engine.ok() {
        let why = engine.text();
        return Err(missing(
            format!(
                "the Docker Engine does not answer: {}",
                why.lines().last().unwrap_or("no output").trim()
            ),
            "start the Docker daemon (`sudo systemctl start docker`), or check that you may use its socket (the `docker` group)",
        ));
    }
    let engine_version = engine.stdout.trim().to_string();
    match major_minor(&engine_version) {
        Some(v) if v >= (20, 10) => {}
        _ => {
            return Err(missing(
                format!("Docker Engine {engine_version} is too old: verify needs 20.10 or newer"),
                INSTALL,
            ));
        }
    }
    Ok(engine_version)
}

/// Finds Docker and Compose. `compose` is the program to use (`--compose`), else `docker compose`,
/// then `docker-compose`.
pub fn find(runner: &mut dyn Runner, compose: Option<&str>, dir: &Path) -> Result<Tools> {
    let engine_version = engine(runner, dir)?;
    let candidates: Vec<Vec<String>> = match compose {
        Some(p) => vec![vec![p.to_string()]],
        None => vec![
            vec!["docker".into(), "compose".into()],
            vec!["docker-compose".into()],
        ],
    };
    let mut found = Vec::new();
    for words in candidates {
        let mut all: Vec<&str> = words.iter().map(String::as_str).collect();
        all.extend(["version", "--short"]);
        let out = runner.run(&cmd(&all, dir));
        let version = out.stdout.trim().to_string();
        if out.ok() && major_minor(&version).is_some_and(|v| v.0 >= 2) {
            return Ok(Tools {
                docker: "docker".into(),
                compose: words,
                engine_version,
                compose_version: version,
            });
        }
        found.push(match (&out.spawn_error, out.ok()) {
            (Some(e), _) => format!("`{}`: {e}", words.join(" ")),
            (None, true) => format!("`{}` is version {version}", words.join(" ")),
            (None, false) => format!("`{}` is not installed", words.join(" ")),
        });
    }
    Err(missing(
        format!("Compose v2 was not found ({})", found.join("; ")),
        INSTALL,
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions() {
        assert_eq!(major_minor("20.10.24+dfsg1"), Some((20, 10)));
        assert_eq!(major_minor("v2.40.3"), Some((2, 40)));
        assert_eq!(major_minor("1.29.2"), Some((1, 29)));
        assert_eq!(major_minor("dev"), None);
    }
}
