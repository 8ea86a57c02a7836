//! uv: `uv.lock` (also a workspace's, above the member that holds the app), `[tool.uv]`. The image
//! copies the uv binary from the pinned uv image and runs `uv sync --locked --no-dev`, dependencies first
//! and the project itself after the source when it is an installable package.

pub mod lockfile;
use std::path::Path;

use super::install::{copy_pairs, pair};
use super::lock;
use super::{Install, InstallCx, ManagerSpec, ReadCx, Reading, load_pyproject, merge_direct};
use crate::base::error::Result;
use crate::base::quote::sh_quote;
use crate::base::relpath::RelDir;
use crate::parse::{deps, pyproject, walk::Scan};

pub struct Uv;

mod stale;

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
    fn index_variables(&self) -> &'static [&'static str] {
        &["UV_INDEX_URL"]
    }
    fn lockfile(&self) -> Option<&'static str> {
        Some("uv.lock")
    }
    fn tool_table(&self) -> Option<&'static str> {
        Some("tool.uv")
    }
    fn build_backend_keys(&self) -> &'static [&'static str] {
        // `[tool.uv.build-backend]` configures the uv_build backend, not uv's installs.
        &["build-backend"]
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
                    .keys
                    .get("uv")
                    .is_some_and(|keys| keys.iter().any(|k| k == "workspace"))
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
        let lock = lockfile::parse_uv(&text, Path::new(&shown))?;
        if m.workspace_root.is_none()
            && let Some(p) = &m.pyproject
            && let Some(w) = stale::check(&text, p, &shown)
        {
            cx.warnings.warn(w);
        }
        reading.artifacts = Some((lock::artifacts(&text, Path::new(&shown))?, shown.clone()));
        let in_context = m.in_context(&shown);
        reading.facts.files.push(in_context.clone());
        reading.facts.lockfile = Some(in_context);
        // uv reads `[project]` only.
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
                cx.warnings.warn(format!(
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
