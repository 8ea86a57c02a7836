//! Lockfiles: `uv.lock`, `poetry.lock`, `pdm.lock`, `Pipfile.lock`, and the `Pipfile` manifest.
//!
//! A lockfile says what will really be installed, including what manifests leave implicit
//! (`fastapi[standard]` brings uvicorn). Each format is read into one [`Graph`], and the production set is
//! the closure from the project's runtime roots through package dependencies and requested extras. Dev
//! groups are never roots. This module does not decide which package manager is used; `detect` does.

use std::collections::{BTreeMap, BTreeSet, VecDeque};
use std::path::Path;

use serde::Deserialize;

use super::deps::{DepSet, marker_applies, normalize, parse_req};
use super::toml_util::parse;
use crate::base::error::{Error, Result, position_of};
use crate::base::evidence::Evidence;

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
    fn add(&mut self, name: &str, node: Node) {
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

fn json_error(shown: &Path, e: serde_json::Error) -> Error {
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

// ---------------------------------------------------------------- uv.lock

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

// ---------------------------------------------------------------- poetry.lock

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
                    extras: super::pyproject::poetry_extras(s),
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

// ---------------------------------------------------------------- pdm.lock

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

// ---------------------------------------------------------------- Pipfile / Pipfile.lock

#[derive(Debug, Deserialize)]
struct PipfileLock {
    #[serde(rename = "_meta", default)]
    meta: PipfileLockMeta,
    #[serde(default)]
    default: BTreeMap<String, PipfileLockEntry>,
}

#[derive(Debug, Default, Deserialize)]
struct PipfileLockMeta {
    #[serde(default)]
    requires: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct PipfileLockEntry {
    version: Option<String>,
    #[serde(default)]
    extras: Vec<String>,
    markers: Option<String>,
}

/// The production packages of a `Pipfile.lock` (its `default` section, already flattened by Pipenv) and
/// the Python version it requires.
pub fn parse_pipfile_lock(text: &str, shown: &Path) -> Result<(DepSet, Option<String>)> {
    let lock: PipfileLock = serde_json::from_str(text).map_err(|e| json_error(shown, e))?;
    let shown_s = shown.to_string_lossy();
    let mut set = DepSet::default();
    let lines = crate::base::text::json_key_lines(text);
    for (name, entry) in &lock.default {
        if entry.markers.as_deref().is_some_and(|m| !marker_applies(m)) {
            continue;
        }
        let line = lines.get(name.as_str()).copied();
        let ev = match line {
            Some(l) => Evidence::at(&shown_s, l, "locked in Pipfile.lock \"default\""),
            None => Evidence::file(&shown_s, "locked in Pipfile.lock \"default\""),
        };
        set.add(name, entry.extras.clone(), false, ev);
        if let Some(v) = &entry.version {
            set.set_version(name, v.trim_start_matches("=="));
        }
    }
    let python = lock
        .meta
        .requires
        .get("python_full_version")
        .or_else(|| lock.meta.requires.get("python_version"))
        .and_then(|v| v.as_str())
        .map(String::from);
    Ok((set, python))
}

#[derive(Debug, Deserialize)]
struct Pipfile {
    #[serde(default)]
    packages: BTreeMap<String, toml::Value>,
    #[serde(default)]
    requires: BTreeMap<String, toml::Value>,
}

/// The `[packages]` of a Pipfile (never `[dev-packages]`) and its `[requires]` Python, with lines.
pub fn parse_pipfile(text: &str, shown: &Path) -> Result<(DepSet, Option<(String, usize)>)> {
    let p: Pipfile = parse(text, shown)?;
    let shown_s = shown.to_string_lossy();
    let mut set = DepSet::default();
    let section = text.find("[packages]").unwrap_or(0);
    for (name, spec) in &p.packages {
        let line = find_key_line(text, section, name);
        set.add(
            name,
            super::pyproject::poetry_extras(spec),
            true,
            Evidence::at(&shown_s, line, "[packages] in Pipfile"),
        );
    }
    let python = ["python_full_version", "python_version"]
        .iter()
        .find_map(|k| {
            let v = p.requires.get(*k)?.as_str()?.to_string();
            Some((v, find_key_line(text, 0, k)))
        });
    Ok((set, python))
}

fn find_key_line(text: &str, from: usize, key: &str) -> usize {
    let mut off = from;
    for l in text[from..].split_inclusive('\n') {
        let t = l.trim_start().trim_start_matches('"');
        if let Some(rest) = t.strip_prefix(key)
            && rest
                .trim_start()
                .trim_start_matches('"')
                .trim_start()
                .starts_with('=')
        {
            return position_of(text, off).line;
        }
        off += l.len();
    }
    position_of(text, from).line
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

    #[test]
    fn pipfile_lock_reads_default_only_and_reports_json_errors() {
        let text = r#"{"_meta": {"requires": {"python_version": "3.11"}},
 "default": {"flask": {"version": "==3.1.0"}, "pywin32": {"version": "==306", "markers": "sys_platform == 'win32'"}},
 "develop": {"pytest": {"version": "==8.0.0"}}}"#;
        let (set, py) = parse_pipfile_lock(text, Path::new("Pipfile.lock")).unwrap();
        assert!(set.has("flask") && !set.has("pytest") && !set.has("pywin32"));
        assert_eq!(set.get("flask").unwrap().evidence.line, Some(2));
        assert_eq!(py.as_deref(), Some("3.11"));
        let err =
            parse_pipfile_lock("{\n  \"default\": {,}\n}", Path::new("Pipfile.lock")).unwrap_err();
        assert!(
            matches!(err, Error::Parse { pos: Some(p), .. } if p.line == 2),
            "{err:?}"
        );
    }

    #[test]
    fn pipfile_packages_not_dev_packages() {
        let text = "[[source]]\nurl = \"https://pypi.org/simple\"\n\n[packages]\nflask = \"*\"\ncelery = {version = \"*\", extras = [\"redis\"]}\n\n[dev-packages]\npytest = \"*\"\n\n[requires]\npython_version = \"3.11\"\n";
        let (set, py) = parse_pipfile(text, Path::new("Pipfile")).unwrap();
        assert!(set.has("flask") && !set.has("pytest"));
        assert_eq!(set.get("flask").unwrap().evidence.line, Some(5));
        assert!(set.get("celery").unwrap().extras.contains("redis"));
        assert_eq!(py, Some(("3.11".into(), 12)));
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
    let old_poetry = lock.metadata.unwrap_or_default().files;
    for p in lock.package {
        let name = normalize(p.name.split('[').next().unwrap_or(&p.name));
        let mut names: Vec<String> = p
            .files
            .iter()
            .chain(&p.wheels)
            .chain(&p.sdist)
            .filter_map(FileEntry::name)
            .collect();
        if let Some(old) = old_poetry.get(&p.name).or_else(|| old_poetry.get(&name)) {
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
