//! `pdm.lock`: its packages and their dependencies (extras entries gate theirs), as the lock graph.

use std::path::Path;

use serde::Deserialize;

use crate::base::error::Result;
use crate::manager::lock::{Edge, Graph, Node};
use crate::parse::deps::parse_req;
use crate::parse::toml_util::parse;

#[derive(Debug, Deserialize)]
struct PdmLock {
    #[serde(default)]
    package: Vec<PdmPackage>,
}

#[derive(Debug, Deserialize)]
struct PdmPackage {
    name: String,
    version: Option<String>,
    #[serde(default)]
    dependencies: Vec<String>,
}

pub fn parse_pdm(text: &str, shown: &Path) -> Result<Graph> {
    let lock: PdmLock = parse(text, shown)?;
    let mut graph = Graph::default();
    for p in lock.package {
        // PDM writes extras as separate entries named `pkg[extra]`; fold them into the base package.
        let (base, extra) = match p.name.split_once('[') {
            Some((b, e)) => (b.to_string(), Some(e.trim_end_matches(']').to_string())),
            None => (p.name.clone(), None),
        };
        let mut edges = Vec::new();
        for d in &p.dependencies {
            if let Ok(r) = parse_req(d)
                && r.applies
            {
                edges.push(Edge {
                    name: r.name,
                    extras: r.extras,
                    gate: extra.iter().cloned().collect(),
                });
            }
        }
        graph.add(
            &base,
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
    fn pdm_extras_entries_gate_their_dependencies() {
        let text = r#"
[[package]]
name = "celery"
version = "5.4.0"
dependencies = ["kombu>=5.3"]

[[package]]
name = "celery[redis]"
version = "5.4.0"
dependencies = ["celery==5.4.0", "kombu[redis]"]

[[package]]
name = "kombu"
version = "5.4.2"
dependencies = []
"#;
        let g = parse_pdm(text, Path::new("pdm.lock")).unwrap();
        let set = g.closure(&[("celery".into(), vec!["redis".into()])], "pdm.lock", "r");
        assert!(set.get("kombu").unwrap().extras.contains("redis"));
    }
}
