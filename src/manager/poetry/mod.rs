//! Poetry (1 and 2): `poetry.lock`, `[tool.poetry]`. The image installs a pinned Poetry with its export
//! plugin in a venv of its own, exports the lock's main group with hashes, and uv installs exactly that
//! (`--require-hashes --no-deps`: the locked versions and files, nothing resolved) into the app's venv. Exporting reads only the lock, so the install needs
//! only the index's files: `poetry install` also asks PyPI's per-release JSON API, which mirrors and
//! proxies do not always serve.

pub mod lockfile;
mod manifest;
mod stale;

use super::install::{
    copy_pairs, pair, tool_setup, uv_env, uv_image, uv_install_exported, uv_venv,
};
use super::lock;
use super::{Install, InstallCx, ManagerSpec, ReadCx, Reading};
use crate::base::error::Result;

/// The Poetry version the image installs.
pub const PIN: &str = "2.5.1";
/// The poetry-plugin-export version beside it (Poetry 2 no longer bundles `poetry export`).
pub const EXPORT_PIN: &str = "1.10.1";

pub struct Poetry;

impl ManagerSpec for Poetry {
    fn python_range(
        &self,
        pyproject: &crate::parse::pyproject::Loaded,
    ) -> Option<(crate::parse::python_version::PythonRange, &'static str)> {
        let (spec, line) = manifest::python(pyproject)?;
        let syntax = crate::parse::python_version::RangeSyntax::CaretTilde;
        let range = crate::parse::python_version::PythonRange { spec, line, syntax };
        Some((range, "Poetry python"))
    }
    fn name(&self) -> &'static str {
        "poetry"
    }
    fn about(&self) -> &'static str {
        "Poetry: poetry.lock, poetry install --only main --no-root"
    }
    fn markers(&self) -> &'static [&'static str] {
        &["poetry.lock"]
    }
    fn lockfile(&self) -> Option<&'static str> {
        Some("poetry.lock")
    }
    fn tool_table(&self) -> Option<&'static str> {
        Some("tool.poetry")
    }
    fn tool_manifest(
        &self,
        pyproject: &crate::parse::pyproject::Loaded,
    ) -> Result<super::ToolManifest> {
        manifest::read(pyproject)
    }
    fn read(&self, cx: &mut ReadCx) -> Result<Reading> {
        lock::read_graph_lock(cx, "poetry.lock", lockfile::parse_poetry, stale::check)
    }
    fn install(&self, cx: &InstallCx) -> Result<Install> {
        let mut env = uv_env(cx.venv);
        env.push(pair("POETRY_NO_INTERACTION", "1"));
        let poetry = format!("poetry=={PIN}");
        let export = format!("poetry-plugin-export=={EXPORT_PIN}");
        Ok(Install {
            env,
            setup: vec![tool_setup("poetry", &[&poetry, &export]), uv_venv(cx.venv)],
            manifests: copy_pairs(&cx.facts.files),
            cache: "/root/.cache/uv".into(),
            command: format!(
                "/opt/poetry/bin/poetry export --only main --format requirements.txt --output /tmp/requirements.txt && {}",
                uv_install_exported("/tmp/requirements.txt")
            ),
            extra: vec![],
            after_source: vec![],
        })
    }
    fn binary_image(&self) -> Option<String> {
        Some(uv_image())
    }
    fn install_extra(&self, _cx: &InstallCx, pin: &str) -> String {
        format!("uv pip install {pin}")
    }
}
