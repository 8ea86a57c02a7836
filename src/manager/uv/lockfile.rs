//! `uv.lock`: its packages and their dependencies as the lock graph, and the project's local packages.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::base::error::Result;
use crate::manager::lock::{Edge, Graph, Node};
use crate::parse::deps::{DepSet, marker_applies, normalize};
use crate::parse::toml_util::parse;

#[derive(Debug, Deserialize)]
struct UvLock {
    #[serde(default)]
    package: Vec<UvPackage>,
}

#[derive(Debug, Deserialize)]
struct UvPackage {
    name: String,
    version: Option<String>,
    #[serde(default)]
    source: toml::Table,
    #[serde(default)]
    dependencies: Vec<UvDep>,
    #[serde(default, rename = "optional-dependencies")]
    optional_dependencies: BTreeMap<String, Vec<UvDep>>,
}

#[derive(Debug, Deserialize)]
struct UvDep {
    name: String,
    #[serde(default)]
    extra: Vec<String>,
    marker: Option<String>,
}

/// A parsed `uv.lock`.
pub struct UvLockFile {
    graph: Graph,
    /// Packages that are the workspace itself (`source = { virtual | editable = "<path>" }`): (name, path).
    pub local: Vec<(String, String)>,
}

pub fn parse_uv(text: &str, shown: &Path) -> Result<UvLockFile> {
    let lock: UvLock = parse(text, shown)?;
    let mut graph = Graph::default();
    let mut local = Vec::new();
    for p in lock.package {
        for key in ["virtual", "editable"] {
            if let Some(path) = p.source.get(key).and_then(|v| v.as_str()) {
                local.push((normalize(&p.name), path.to_string()));
            }
        }
        let mut edges: Vec<Edge> = p
            .dependencies
            .iter()
            .filter(|d| d.marker.as_deref().is_none_or(marker_applies))
            .map(|d| Edge {
                name: d.name.clone(),
                extras: d.extra.clone(),
                gate: vec![],
            })
            .collect();
        for (extra, deps) in &p.optional_dependencies {
            edges.extend(
                deps.iter()
                    .filter(|d| d.marker.as_deref().is_none_or(marker_applies))
                    .map(|d| Edge {
                        name: d.name.clone(),
                        extras: d.extra.clone(),
                        gate: vec![extra.clone()],
                    }),
            );
        }
        graph.add(
            &p.name,
            Node {
                version: p.version,
                edges,
            },
        );
    }
    Ok(UvLockFile { graph, local })
}

impl UvLockFile {
    /// The production closure of the local package `root` (its name, normalised).
    pub fn production(&self, root: &str, shown: &str) -> DepSet {
        let root = normalize(root);
        let mut set = DepSet::default();
        for node in self.graph.packages.get(&root).into_iter().flatten() {
            let roots: Vec<(String, Vec<String>)> = node
                .edges
                .iter()
                .filter(|e| e.gate.is_empty())
                .map(|e| (e.name.clone(), e.extras.clone()))
                .collect();
            let closure = self
                .graph
                .closure(&roots, shown, "locked dependency in uv.lock");
            for d in closure.iter() {
                set.add(&d.name, d.extras.iter().cloned(), false, d.evidence.clone());
                if let Some(v) = &d.version {
                    set.set_version(&d.name, v);
                }
            }
        }
        set
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const UV: &str = r#"
version = 1
requires-python = ">=3.12"

[[package]]
name = "app"
version = "0.1.0"
source = { virtual = "." }
dependencies = [{ name = "fastapi", extra = ["standard"] }, { name = "pywin32", marker = "sys_platform == 'win32'" }]

[package.dev-dependencies]
dev = [{ name = "pytest" }]

[[package]]
name = "fastapi"
version = "0.115.6"
source = { registry = "https://pypi.org/simple" }
dependencies = [{ name = "starlette" }]

[package.optional-dependencies]
standard = [{ name = "uvicorn", extra = ["standard"] }]
all = [{ name = "orjson" }]

[[package]]
name = "uvicorn"
version = "0.34.0"
source = { registry = "https://pypi.org/simple" }
[package.optional-dependencies]
standard = [{ name = "uvloop" }]

[[package]]
name = "starlette"
version = "0.41.3"
source = { registry = "https://pypi.org/simple" }

[[package]]
name = "pytest"
version = "8.0.0"
source = { registry = "https://pypi.org/simple" }
"#;

    #[test]
    fn uv_closure_follows_extras_and_skips_dev_and_foreign_markers() {
        let lock = parse_uv(UV, Path::new("uv.lock")).unwrap();
        assert_eq!(lock.local, vec![("app".to_string(), ".".to_string())]);
        let set = lock.production("app", "uv.lock");
        let names: Vec<&str> = set.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, vec!["fastapi", "starlette", "uvicorn", "uvloop"]);
        assert_eq!(
            set.get("uvicorn").unwrap().version.as_deref(),
            Some("0.34.0")
        );
        assert!(set.get("fastapi").unwrap().extras.contains("standard"));
    }
}
