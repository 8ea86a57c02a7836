//! uv: `uv.lock` (also a workspace's, above the member that holds the app), `[tool.uv]`. The image
//! copies the uv binary from the pinned uv image and runs `uv sync --locked --no-dev`, dependencies first
//! and the project itself after the source when it is an installable package.

use std::path::Path;

use super::install::{copy_pairs, pair};
use super::{Install, InstallCx, ManagerSpec, ReadCx, Reading, load_pyproject, merge_direct};
use crate::base::error::Result;
use crate::base::quote::sh_quote;
use crate::base::relpath::RelDir;
use crate::parse::{deps, lockfiles, pyproject, walk::Scan};

pub struct Uv;

/// Whether `uv.lock` still matches the pyproject it was made from: uv records the project's declared
/// requirements in the lock (`[package.metadata] requires-dist`), and `uv sync --locked` refuses to build
/// when they differ. Said at init, with the command that fixes it; the image still installs the lock.
mod stale {
    use std::collections::BTreeMap;
    use std::str::FromStr;

    use serde::Deserialize;

    use crate::parse::deps::normalize;
    use crate::parse::pyproject::Loaded;

    #[derive(Deserialize)]
    struct Lock {
        #[serde(default)]
        package: Vec<Package>,
    }

    #[derive(Deserialize)]
    struct Package {
        name: String,
        #[serde(default)]
        source: toml::Table,
        metadata: Option<Metadata>,
    }

    #[derive(Deserialize)]
    struct Metadata {
        #[serde(rename = "requires-dist", default)]
        requires_dist: Vec<RequiresDist>,
    }

    #[derive(Deserialize)]
    struct RequiresDist {
        name: String,
        specifier: Option<String>,
    }

    /// name -> its version specifiers, each normalised and sorted ("" for none).
    type Declared = BTreeMap<String, Vec<String>>;

    fn specifiers(s: Option<&str>) -> Vec<String> {
        let parsed = s.and_then(|s| pep508_rs::pep440_rs::VersionSpecifiers::from_str(s).ok());
        let mut v: Vec<String> = parsed
            .map(|p| p.iter().map(|x| x.to_string()).collect())
            .unwrap_or_default();
        v.sort();
        v
    }

    fn add(to: &mut Declared, name: &str, spec: Vec<String>) {
        let e = to.entry(normalize(name)).or_default();
        e.extend(spec);
        e.sort();
    }

    /// A warning naming what differs, or `None` when the lock matches (or says nothing to compare).
    pub fn check(lock_text: &str, pyproject: &Loaded, shown: &str) -> Option<String> {
        let project = pyproject.data.project.as_ref()?;
        let name = normalize(&pyproject.name()?);
        let lock: Lock = toml::from_str(lock_text).ok()?;
        let root = lock.package.iter().find(|p| {
            normalize(&p.name) == name
                && ["virtual", "editable", "directory"]
                    .iter()
                    .any(|k| p.source.get(*k).and_then(|v| v.as_str()) == Some("."))
        })?;
        let mut locked = Declared::new();
        for r in &root.metadata.as_ref()?.requires_dist {
            add(&mut locked, &r.name, specifiers(r.specifier.as_deref()));
        }
        let mut declared = Declared::new();
        for d in &project.dependencies {
            let r = pep508_rs::Requirement::<pep508_rs::VerbatimUrl>::from_str(d.get_ref()).ok()?;
            let spec = match r.version_or_url {
                Some(pep508_rs::VersionOrUrl::VersionSpecifier(v)) => {
                    let mut s: Vec<String> = v.iter().map(|x| x.to_string()).collect();
                    s.sort();
                    s
                }
                _ => vec![],
            };
            add(&mut declared, r.name.as_ref(), spec);
        }
        let mut differs: Vec<String> = declared
            .iter()
            .filter(|(n, s)| locked.get(*n) != Some(s))
            .map(|(n, s)| match locked.get(n) {
                None => format!("`{n}` is not in it"),
                Some(_) => format!(
                    "`{n}{}` is locked as `{n}{}`",
                    s.join(","),
                    locked[n].join(",")
                ),
            })
            .collect();
        differs.extend(
            locked
                .keys()
                .filter(|n| !declared.contains_key(*n))
                .map(|n| format!("`{n}` is no longer declared")),
        );
        if differs.is_empty() {
            return None;
        }
        Some(format!(
            "`{shown}` is out of date with `{}` ({}): the image build's `uv sync --locked` will refuse it; run `uv lock` and commit `{shown}`",
            pyproject.shown,
            differs.join("; ")
        ))
    }

    #[cfg(test)]
    mod tests {
        use super::*;

        const LOCK: &str = "version = 1\n[[package]]\nname = \"shop\"\nversion = \"0.1.0\"\nsource = { virtual = \".\" }\n[package.metadata]\nrequires-dist = [\n  { name = \"django\", specifier = \">=5.2\" },\n  { name = \"psycopg\", extras = [\"binary\"], specifier = \"<4,>=3.2\" },\n  { name = \"redis\" },\n]\n";

        fn check_with(deps: &str) -> Option<String> {
            let text = format!(
                "[project]\nname = \"Shop\"\nversion = \"0.1.0\"\ndependencies = [{deps}]\n"
            );
            let p = crate::parse::pyproject::load(text, std::path::Path::new("pyproject.toml"))
                .unwrap();
            check(LOCK, &p, "uv.lock")
        }

        #[test]
        fn a_lock_matching_its_pyproject_is_quiet() {
            assert_eq!(
                check_with("\"Django>=5.2\", \"psycopg[binary]>=3.2,<4\", \"redis\""),
                None
            );
        }

        #[test]
        fn added_changed_and_removed_requirements_are_named() {
            let w = check_with("\"django>=5.2\", \"psycopg[binary]>=3.3,<4\", \"celery\"").unwrap();
            assert!(w.contains("`celery` is not in it"), "{w}");
            assert!(
                w.contains("`psycopg<4,>=3.3` is locked as `psycopg<4,>=3.2`"),
                "{w}"
            );
            assert!(w.contains("`redis` is no longer declared"), "{w}");
            assert!(w.contains("run `uv lock`"), "{w}");
        }
    }
}

impl Uv {
    /// `uv sync` with the flags every call shares.
    fn sync(locked: bool, rest: &str) -> String {
        let lock = if locked { " --locked" } else { "" };
        format!("uv sync{lock} --no-dev {rest}")
    }
}

impl ManagerSpec for Uv {
    fn name(&self) -> &'static str {
        "uv"
    }
    fn about(&self) -> &'static str {
        "uv: uv.lock (also a workspace's), uv sync --locked --no-dev"
    }
    fn markers(&self) -> &'static [&'static str] {
        &["uv.lock"]
    }
    fn lockfile(&self) -> Option<&'static str> {
        Some("uv.lock")
    }
    fn tool_table(&self) -> Option<&'static str> {
        Some("tool.uv")
    }
    /// A uv workspace member has no lock of its own: its root is the nearest directory above with a
    /// `uv.lock` and `[tool.uv.workspace]`.
    fn workspace_root(
        &self,
        root: &Path,
        dir: &RelDir,
        scan: &Scan,
    ) -> Result<Option<(RelDir, pyproject::Loaded)>> {
        let mut d = dir.clone();
        while let Some(parent) = d.parent() {
            if scan
                .project_dirs
                .get(parent.as_str())
                .is_some_and(|m| m.contains("uv.lock"))
                && let Some(p) = load_pyproject(root, &parent)?
                && p.data
                    .tool
                    .uv
                    .as_ref()
                    .is_some_and(|u| u.workspace.is_some())
            {
                return Ok(Some((parent, p)));
            }
            d = parent;
        }
        Ok(None)
    }
    fn read(&self, cx: &mut ReadCx) -> Result<Reading> {
        let m = cx.manifests;
        let mut reading = Reading::default();
        reading.facts.files.extend(m.pyproject_file());
        let Some((text, shown)) = m.read_lock(cx.root, "uv.lock")? else {
            reading.deps = cx.direct.clone();
            return Ok(reading);
        };
        let lock = lockfiles::parse_uv(&text, Path::new(&shown))?;
        if m.workspace_root.is_none()
            && let Some(p) = &m.pyproject
            && let Some(w) = stale::check(&text, p, &shown)
        {
            cx.warnings.push(w);
        }
        reading.artifacts = Some((
            lockfiles::artifacts(&text, Path::new(&shown))?,
            shown.clone(),
        ));
        let in_context = m.in_context(&shown);
        reading.facts.files.push(in_context.clone());
        reading.facts.lockfile = Some(in_context);
        let name = m.pyproject.as_ref().and_then(|p| p.name());
        if m.workspace_root.is_some() {
            // Every member's manifest: uv resolves the whole workspace.
            let mut members: Vec<String> = lock
                .local
                .iter()
                .filter(|(_, path)| path != ".")
                .map(|(_, path)| format!("{path}/pyproject.toml"))
                .collect();
            members.sort();
            reading.facts.files = vec!["pyproject.toml".into(), "uv.lock".into()];
            reading.facts.files.extend(members);
            // The member's name goes into `uv sync --package NAME` in a RUN line: a PEP 508 name or nothing.
            if let Some(n) = &name {
                crate::base::valid::package_name("the workspace member's name", n).map_err(
                    |message| crate::base::error::Error::Parse {
                        path: m.path("pyproject.toml").into(),
                        pos: None,
                        message,
                    },
                )?;
            }
            reading.facts.workspace_package = name.clone();
        }
        let normalized = name.map(|n| deps::normalize(&n));
        reading.deps = match normalized.filter(|n| lock.local.iter().any(|(l, _)| l == n)) {
            Some(n) => merge_direct(lock.production(&n, &shown), &cx.direct),
            None => {
                cx.warnings.push(format!(
                    "`{shown}` has no entry for this project; dependencies were read from pyproject.toml only (run `uv lock`)"
                ));
                cx.direct.clone()
            }
        };
        Ok(reading)
    }
    fn install(&self, cx: &InstallCx) -> Result<Install> {
        let locked = cx.facts.lockfile.is_some();
        let (command, after_source) = match &cx.facts.workspace_package {
            Some(package) => {
                let package = sh_quote(package);
                (
                    Uv::sync(
                        locked,
                        &format!("--no-install-workspace --package {package}"),
                    ),
                    vec![Uv::sync(
                        locked,
                        &format!("--no-editable --package {package}"),
                    )],
                )
            }
            None if cx.installable => (
                Uv::sync(locked, "--no-install-project"),
                vec![Uv::sync(locked, "--no-editable")],
            ),
            None => (Uv::sync(locked, "--no-install-project"), vec![]),
        };
        Ok(Install {
            env: vec![
                pair("UV_COMPILE_BYTECODE", "1"),
                pair("UV_LINK_MODE", "copy"),
                pair("UV_PYTHON_DOWNLOADS", "0"),
                pair("UV_PYTHON", super::install::IMAGE_PYTHON),
                pair("UV_PROJECT_ENVIRONMENT", cx.venv),
            ],
            setup: vec![],
            manifests: copy_pairs(&cx.facts.files),
            cache: "/root/.cache/uv".into(),
            command,
            extra: vec![],
            after_source,
        })
    }
    fn binary_image(&self) -> Option<String> {
        Some(super::install::uv_image())
    }
    fn install_extra(&self, cx: &InstallCx, pin: &str) -> String {
        format!("uv pip install --python {} {pin}", cx.venv)
    }
}
