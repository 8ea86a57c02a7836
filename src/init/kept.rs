//! What a generated file kept as the user's ("keep yours", or "stop managing it") now contradicts in
//! the plan the other files were written from: the container port its compose file maps, and the port a
//! Dockerfile `EXPOSE`s and the Python its `FROM` builds on. Each file is parsed as what it is (compose
//! as YAML, the Dockerfile as instructions, `ARG` defaults expanded in `FROM`); a file that does not
//! parse, or says nothing about a fact, contradicts nothing. Decides nothing: the warnings name the
//! line to change.

use std::path::Path;

use yaml_rust2::{Yaml, YamlLoader};

use crate::base::fs::{self as files, limit};
use crate::base::python::PythonVersion;
use crate::plan::Plan;

/// A warning for each fact of each kept file (paths relative to `root`) that the plan contradicts.
pub fn contradictions(root: &Path, plan: &Plan, kept: &[String]) -> Vec<String> {
    let compose_name = Path::new(&plan.compose_file).file_name();
    let mut out = Vec::new();
    for rel in kept {
        let name = Path::new(rel).file_name();
        let Ok(text) = files::read_text(&files::join(root, rel), Path::new(rel), limit::SMALL)
        else {
            continue;
        };
        if name == Some("Dockerfile".as_ref()) {
            out.extend(dockerfile(rel, &text, plan));
        } else if name.is_some() && name == compose_name {
            out.extend(compose(rel, &text, plan));
        }
    }
    out
}

const FIX: &str =
    "edit the kept file to match, or run `dockgen init` again and overwrite it with dockgen's";

/// The facts a Dockerfile states.
#[derive(Debug, Default, PartialEq, Eq)]
struct DockerfileFacts {
    /// The first `EXPOSE`d port, and its line.
    expose: Option<(u16, usize)>,
    /// The Python of the last `FROM python:X.Y...` (the image that runs), and its line.
    python: Option<(PythonVersion, usize)>,
}

fn dockerfile(rel: &str, text: &str, plan: &Plan) -> Vec<String> {
    let facts = dockerfile_facts(text);
    let mut out = Vec::new();
    if let Some((port, line)) = facts.expose
        && port != plan.port
    {
        out.push(format!(
            "`{rel}`, kept as yours, exposes port {port} ({rel}:{line}) while the other files now use port {}: {FIX}",
            plan.port
        ));
    }
    if let Some((python, line)) = facts.python
        && python != plan.python_version
    {
        out.push(format!(
            "`{rel}`, kept as yours, builds on Python {python} ({rel}:{line}) while the answers now give Python {}: {FIX}",
            plan.python_version
        ));
    }
    out
}

/// The instructions of a Dockerfile, each with its first line: continuations joined, comments and
/// blank lines left out.
fn instructions(text: &str) -> Vec<(usize, String, String)> {
    let mut out = Vec::new();
    let mut current: Option<(usize, String)> = None;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim();
        if current.is_none() && (trimmed.is_empty() || trimmed.starts_with('#')) {
            continue;
        }
        let (start, mut acc) = current.take().unwrap_or((i + 1, String::new()));
        if trimmed.starts_with('#') {
            current = Some((start, acc));
            continue;
        }
        match trimmed.strip_suffix('\\') {
            Some(part) => {
                acc.push_str(part);
                acc.push(' ');
                current = Some((start, acc));
            }
            None => {
                acc.push_str(trimmed);
                let (word, rest) = acc.split_once(char::is_whitespace).unwrap_or((&acc, ""));
                out.push((start, word.to_ascii_uppercase(), rest.trim().to_string()));
            }
        }
    }
    out
}

fn dockerfile_facts(text: &str) -> DockerfileFacts {
    let mut args: Vec<(String, String)> = Vec::new();
    let mut facts = DockerfileFacts::default();
    for (line, word, rest) in instructions(text) {
        match word.as_str() {
            "ARG" => {
                if let Some((k, v)) = rest.split_once('=') {
                    args.push((k.trim().to_string(), v.trim().trim_matches('"').to_string()));
                }
            }
            "FROM" => {
                let image = rest
                    .split_whitespace()
                    .find(|w| !w.starts_with("--"))
                    .unwrap_or("");
                let image = expand(image, &args);
                facts.python = python_of(&image).map(|v| (v, line));
            }
            "EXPOSE" if facts.expose.is_none() => {
                let first = rest.split_whitespace().next().unwrap_or("");
                let port = first.split('/').next().unwrap_or("");
                facts.expose = port.parse().ok().map(|p| (p, line));
            }
            _ => {}
        }
    }
    facts
}

/// `${NAME}` and `$NAME` replaced by the `ARG` defaults.
fn expand(word: &str, args: &[(String, String)]) -> String {
    let mut out = word.to_string();
    for (k, v) in args {
        out = out
            .replace(&format!("${{{k}}}"), v)
            .replace(&format!("${k}"), v);
    }
    out
}

/// The `major.minor` of a `python:X.Y...` image (any registry prefix, `docker.io/library/`).
fn python_of(image: &str) -> Option<PythonVersion> {
    let (name, tag) = image.rsplit_once(':')?;
    if name.rsplit('/').next() != Some("python") {
        return None;
    }
    let mut parts = tag.split(|c: char| !c.is_ascii_digit());
    let major = parts.next()?.parse().ok()?;
    let minor = parts.next()?.parse().ok()?;
    Some(PythonVersion { major, minor })
}

fn compose(rel: &str, text: &str, plan: &Plan) -> Vec<String> {
    let Ok(docs) = YamlLoader::load_from_str(text) else {
        return vec![];
    };
    let Some(doc) = docs.first() else {
        return vec![];
    };
    let ports = &doc["services"]["web"]["ports"];
    let Some(list) = ports.as_vec() else {
        return vec![];
    };
    list.iter()
        .filter_map(container_port)
        .filter(|p| *p != plan.port)
        .map(|p| {
            format!(
                "`{rel}`, kept as yours, sends its web port to container port {p} while the Dockerfile now makes the server listen on {}: {FIX}",
                plan.port
            )
        })
        .collect()
}

/// The container side of one `ports:` entry: `"HOST:CONTAINER"` (the host side may be `${VAR:-N}` or
/// carry an address), `CONTAINER` alone, or the long form's `target`.
fn container_port(entry: &Yaml) -> Option<u16> {
    match entry {
        Yaml::String(s) => {
            let s = s.split('/').next()?;
            s.rsplit(':').next()?.trim().parse().ok()
        }
        Yaml::Integer(i) => u16::try_from(*i).ok(),
        Yaml::Hash(_) => match &entry["target"] {
            Yaml::Integer(i) => u16::try_from(*i).ok(),
            Yaml::String(s) => s.parse().ok(),
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_dockerfile_states_its_port_and_python_through_arg_defaults_and_continuations() {
        let text = "# syntax=docker/dockerfile:1\nARG PYTHON_VERSION=3.12\nFROM python:${PYTHON_VERSION}-slim AS builder\nRUN pip install \\\n    flask\nFROM --platform=linux/amd64 python:$PYTHON_VERSION-slim\n# EXPOSE 1\nEXPOSE 8000/tcp 9000\n";
        let facts = dockerfile_facts(text);
        assert_eq!(facts.expose, Some((8000, 8)));
        assert_eq!(
            facts.python,
            Some((
                PythonVersion {
                    major: 3,
                    minor: 12
                },
                6
            ))
        );
    }

    #[test]
    fn a_dockerfile_on_another_image_states_no_python() {
        assert_eq!(dockerfile_facts("FROM node:20\n").python, None);
        assert_eq!(
            dockerfile_facts("FROM docker.io/library/python:3.11.9-bookworm\n")
                .python
                .map(|(v, _)| v.to_string()),
            Some("3.11".into())
        );
    }

    #[test]
    fn each_form_of_a_compose_port_gives_its_container_side() {
        let doc = &YamlLoader::load_from_str(
            "- \"${WEB_PORT:-8000}:8000\"\n- 127.0.0.1:80:8080/tcp\n- 5000\n- target: 7000\n  published: 80\n",
        )
        .unwrap()[0];
        let ports: Vec<Option<u16>> = doc.as_vec().unwrap().iter().map(container_port).collect();
        assert_eq!(ports, [Some(8000), Some(8080), Some(5000), Some(7000)]);
    }
}
