//! `poetry.lock`: its packages, their dependencies and the extras that gate them, as the lock graph.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::base::error::Result;
use crate::manager::lock::{Edge, Graph, Node};
use crate::parse::deps::{marker_applies, normalize};
use crate::parse::toml_util::parse;

#[derive(Debug, Deserialize)]
struct PoetryLock {
    #[serde(default)]
    package: Vec<PoetryPackage>,
}

#[derive(Debug, Deserialize)]
struct PoetryPackage {
    name: String,
    version: Option<String>,
    #[serde(default)]
    dependencies: BTreeMap<String, toml::Value>,
    #[serde(default)]
    extras: BTreeMap<String, Vec<String>>,
}

pub fn parse_poetry(text: &str, shown: &Path) -> Result<Graph> {
    let lock: PoetryLock = parse(text, shown)?;
    let mut graph = Graph::default();
    for p in lock.package {
        // `extras = { standard = ["uvicorn[standard] (>=0.12)"] }`: which optional deps each extra enables.
        let mut gates: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (extra, reqs) in &p.extras {
            for r in reqs {
                let name = r
                    .split([' ', '(', '[', ';', '<', '>', '=', '!', '~'])
                    .next()
                    .unwrap_or_default();
                gates
                    .entry(normalize(name))
                    .or_default()
                    .push(extra.clone());
            }
        }
        let mut edges = Vec::new();
        for (name, spec) in &p.dependencies {
            let specs: Vec<&toml::Value> = match spec {
                toml::Value::Array(a) => a.iter().collect(),
                v => vec![v],
            };
            for s in specs {
                let (optional, markers) = match s {
                    toml::Value::Table(t) => (
                        t.get("optional").and_then(|o| o.as_bool()).unwrap_or(false),
                        t.get("markers").and_then(|m| m.as_str()).map(String::from),
                    ),
                    _ => (false, None),
                };
                if markers.as_deref().is_some_and(|m| !marker_applies(m)) {
                    continue;
                }
                edges.push(Edge {
                    name: name.clone(),
                    extras: crate::parse::pyproject::table_extras(s),
                    gate: if optional {
                        gates
                            .get(&normalize(name))
                            .cloned()
                            .unwrap_or_else(|| vec!["\0never".into()])
                    } else {
                        vec![]
                    },
                });
            }
        }
        graph.add(
            &p.name,
            Node {
                version: p.version,
                edges,
            },
        );
    }
    Ok(graph)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn poetry_optional_dependencies_need_their_extra() {
        let text = r#"
[[package]]
name = "celery"
version = "5.4.0"
[package.dependencies]
kombu = ">=5.3"
redis = {version = ">=4.5.2", optional = true}
pytz = {version = "*", optional = true}
[package.extras]
redis = ["redis (>=4.5.2,!=4.5.5,<6.0.0)"]

[[package]]
name = "redis"
version = "5.2.1"

[[package]]
name = "kombu"
version = "5.4.2"
"#;
        let g = parse_poetry(text, Path::new("poetry.lock")).unwrap();
        let plain = g.closure(&[("celery".into(), vec![])], "poetry.lock", "r");
        assert!(!plain.has("redis") && plain.has("kombu"));
        let with = g.closure(
            &[("celery".into(), vec!["redis".into()])],
            "poetry.lock",
            "r",
        );
        assert!(with.has("redis") && !with.has("pytz"));
    }
}
