//! The lock graph every lockfile format is read into (each format's reader lives with its manager:
//! `uv/lockfile.rs`, `poetry/lockfile.rs`, ...), and the files a lock lists per package.
//!
//! A lockfile says what will really be installed, including what manifests leave implicit
//! (`fastapi[standard]` brings uvicorn). Each format is read into one [`Graph`], and the production set is
//! the closure from the project's runtime roots through package dependencies and requested extras. Dev
//! groups are never roots. This module does not decide which package manager is used; `detect` does.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

use serde::Deserialize;

use crate::base::error::{Error, Result};
use crate::base::evidence::Evidence;
use crate::parse::deps::{DepSet, normalize};
use crate::parse::toml_util::parse;

/// An edge of the lock graph.
#[derive(Debug, Clone)]
pub struct Edge {
    pub name: String,
    pub extras: Vec<String>,
    /// Followed only when the depending package is installed with one of these extras (empty: always).
    pub gate: Vec<String>,
}

/// The packages of a lockfile and their dependencies, by normalised name.
#[derive(Debug, Default)]
pub struct Graph {
    pub packages: BTreeMap<String, Vec<Node>>,
}

#[derive(Debug, Default, Clone)]
pub struct Node {
    pub version: Option<String>,
    pub edges: Vec<Edge>,
}

impl Graph {
    pub(crate) fn add(&mut self, name: &str, node: Node) {
        self.packages.entry(normalize(name)).or_default().push(node);
    }

    /// Every package reachable from `roots` (name, extras), with the extras each is installed with.
    pub fn closure(&self, roots: &[(String, Vec<String>)], shown: &str, rule: &str) -> DepSet {
        let mut set = DepSet::default();
        let mut seen: BTreeSet<(String, Option<String>)> = BTreeSet::new();
        let mut queue: VecDeque<(String, Vec<String>)> = roots.iter().cloned().collect();
        while let Some((name, extras)) = queue.pop_front() {
            let name = normalize(&name);
            let extras: Vec<String> = extras.iter().map(|e| normalize(e)).collect();
            let new_base = seen.insert((name.clone(), None));
            let new_extras: Vec<String> = extras
                .iter()
                .filter(|e| seen.insert((name.clone(), Some((*e).clone()))))
                .cloned()
                .collect();
            set.add(&name, extras.clone(), false, Evidence::file(shown, rule));
            if !new_base && new_extras.is_empty() {
                continue;
            }
            for node in self.packages.get(&name).into_iter().flatten() {
                if let Some(v) = &node.version {
                    set.set_version(&name, v);
                }
                for e in &node.edges {
                    let follow = if e.gate.is_empty() {
                        new_base
                    } else {
                        e.gate.iter().any(|g| new_extras.contains(&normalize(g)))
                    };
                    if follow {
                        queue.push_back((e.name.clone(), e.extras.clone()));
                    }
                }
            }
        }
        set
    }
}

pub(crate) fn json_error(shown: &Path, e: serde_json::Error) -> Error {
    Error::Parse {
        path: shown.to_path_buf(),
        pos: Some(crate::base::error::Position {
            line: e.line(),
            column: e.column(),
        }),
        message: e
            .to_string()
            .split(" at line ")
            .next()
            .unwrap_or_default()
            .to_string(),
    }
}

// ---------------------------------------------------------------- locked files (wheels and sdists)

/// The distribution files a lockfile lists for each locked package: normalised name → (version, file
/// names). uv.lock (`sdist`/`wheels` urls), poetry.lock (`files`, or Poetry 1's `[metadata.files]`) and
/// pdm.lock (`files`). Pipfile.lock and hashed requirements list hashes only, so they have no entry.
pub type Artifacts = BTreeMap<String, (Option<String>, Vec<String>)>;

#[derive(Debug, Deserialize)]
struct FilesLock {
    #[serde(default)]
    package: Vec<FilesPackage>,
    #[serde(default)]
    metadata: Option<FilesMetadata>,
}

#[derive(Debug, Default, Deserialize)]
struct FilesMetadata {
    #[serde(default)]
    files: BTreeMap<String, Vec<FileEntry>>,
}

#[derive(Debug, Deserialize)]
struct FilesPackage {
    name: String,
    version: Option<String>,
    #[serde(default)]
    files: Vec<FileEntry>,
    #[serde(default)]
    wheels: Vec<FileEntry>,
    sdist: Option<FileEntry>,
}

#[derive(Debug, Deserialize)]
struct FileEntry {
    file: Option<String>,
    filename: Option<String>,
    url: Option<String>,
    path: Option<String>,
}

impl FileEntry {
    /// The file's name: `file`/`filename`, else the last segment of its url or path.
    fn name(&self) -> Option<String> {
        let named = self.file.as_ref().or(self.filename.as_ref());
        let located = || {
            let u = self.url.as_ref().or(self.path.as_ref())?;
            let u = u.split(['#', '?']).next()?;
            u.rsplit('/').next().map(str::to_string)
        };
        named.cloned().or_else(located).filter(|n| !n.is_empty())
    }
}

/// Reads the locked files of uv.lock, poetry.lock or pdm.lock.
pub fn artifacts(text: &str, shown: &Path) -> Result<Artifacts> {
    let lock: FilesLock = parse(text, shown)?;
    let mut out = Artifacts::new();
    let metadata_files = lock.metadata.unwrap_or_default().files;
    for p in lock.package {
        let name = normalize(p.name.split('[').next().unwrap_or(&p.name));
        let mut names: Vec<String> = p
            .files
            .iter()
            .chain(&p.wheels)
            .chain(&p.sdist)
            .filter_map(FileEntry::name)
            .collect();
        if let Some(old) = metadata_files
            .get(&p.name)
            .or_else(|| metadata_files.get(&name))
        {
            names.extend(old.iter().filter_map(FileEntry::name));
        }
        let entry = out
            .entry(name)
            .or_insert_with(|| (p.version.clone(), vec![]));
        for n in names {
            if !entry.1.contains(&n) {
                entry.1.push(n);
            }
        }
    }
    Ok(out)
}

/// Reads a lock that records the dependency graph (`[[package]]` entries with their dependencies,
/// as poetry.lock and pdm.lock do): the closure of the direct dependencies, plus the direct ones; a warning when
/// `stale` finds the lock out of date with the pyproject.
pub(super) fn read_graph_lock(
    cx: &mut super::ReadCx,
    lockfile: &str,
    parse: fn(&str, &Path) -> Result<Graph>,
    stale: fn(&str, &crate::parse::pyproject::Loaded, &str) -> Option<String>,
) -> Result<super::Reading> {
    let m = cx.manifests;
    let mut reading = super::Reading::default();
    reading.facts.files.extend(m.pyproject_file());
    let Some((text, shown)) = m.read_lock(cx.root, lockfile)? else {
        reading.deps = cx.direct.clone();
        return Ok(reading);
    };
    let graph = parse(&text, Path::new(&shown))?;
    if let Some(p) = &m.pyproject
        && let Some(w) = stale(&text, p, &shown)
    {
        cx.warnings.warn(w);
    }
    reading.artifacts = Some((artifacts(&text, Path::new(&shown))?, shown.clone()));
    let in_context = m.in_context(&shown);
    reading.facts.files.push(in_context.clone());
    reading.facts.lockfile = Some(in_context);
    let rule = format!("locked dependency in {lockfile}");
    reading.deps = super::merge_direct(graph.closure(&cx.roots(), &shown, &rule), &cx.direct);
    Ok(reading)
}

#[cfg(test)]
mod artifact_tests {
    use super::*;

    #[test]
    fn reads_the_files_of_each_lock_format() {
        let uv = r#"
version = 1
[[package]]
name = "Greenlet"
version = "3.0.1"
source = { registry = "https://pypi.org/simple" }
sdist = { url = "https://files.example/greenlet-3.0.1.tar.gz", hash = "sha256:00" }
wheels = [
    { url = "https://files.example/greenlet-3.0.1-cp311-cp311-manylinux_2_28_x86_64.whl", hash = "sha256:01" },
]
"#;
        let a = artifacts(uv, Path::new("uv.lock")).unwrap();
        assert_eq!(
            a["greenlet"],
            (
                Some("3.0.1".into()),
                vec![
                    "greenlet-3.0.1-cp311-cp311-manylinux_2_28_x86_64.whl".to_string(),
                    "greenlet-3.0.1.tar.gz".to_string()
                ]
            )
        );
        let pdm = r#"
[[package]]
name = "uwsgi"
version = "2.0.28"
files = [{file = "uwsgi-2.0.28.tar.gz", hash = "sha256:00"}]
"#;
        let a = artifacts(pdm, Path::new("pdm.lock")).unwrap();
        assert_eq!(a["uwsgi"].1, vec!["uwsgi-2.0.28.tar.gz".to_string()]);
        let poetry1 = r#"
[[package]]
name = "six"
version = "1.16.0"
[metadata.files]
six = [{file = "six-1.16.0-py2.py3-none-any.whl", hash = "sha256:00"}]
"#;
        let a = artifacts(poetry1, Path::new("poetry.lock")).unwrap();
        assert_eq!(
            a["six"].1,
            vec!["six-1.16.0-py2.py3-none-any.whl".to_string()]
        );
    }
}
