//! PDM: `pdm.lock`, `[tool.pdm]`. The image installs a pinned PDM in a venv of its own and runs
//! `pdm sync --prod --no-self --no-editable` into the app's venv.

use super::install::{copy_pairs, venv_env};
use super::poetry::read_graph_lock;
use super::{Install, InstallCx, ManagerSpec, ReadCx, Reading};
use crate::base::error::Result;
use crate::parse::lockfiles;

/// The PDM version the image installs.
pub const PIN: &str = "2.29.4";

pub struct Pdm;

impl ManagerSpec for Pdm {
    fn name(&self) -> &'static str {
        "pdm"
    }
    fn about(&self) -> &'static str {
        "PDM: pdm.lock, pdm sync --prod"
    }
    fn markers(&self) -> &'static [&'static str] {
        &["pdm.lock"]
    }
    fn lockfile(&self) -> Option<&'static str> {
        Some("pdm.lock")
    }
    fn tool_table(&self) -> Option<&'static str> {
        Some("tool.pdm")
    }
    fn read(&self, cx: &mut ReadCx) -> Result<Reading> {
        read_graph_lock(cx, "pdm.lock", lockfiles::parse_pdm)
    }
    fn install(&self, cx: &InstallCx) -> Result<Install> {
        Ok(Install {
            env: venv_env(cx.venv),
            // PDM 2.29 crashes on import with hishel 2 (`SyncSqliteStorage`); `pdm[locked]` would pin
            // it but pins a certifi release the index no longer serves.
            setup: vec![
                format!(
                    "python -m venv /opt/pdm && /opt/pdm/bin/pip install pdm=={PIN} 'hishel<2'"
                ),
                format!("python -m venv {}", cx.venv),
            ],
            manifests: copy_pairs(&cx.facts.files),
            cache: "/root/.cache/pdm".into(),
            command: "/opt/pdm/bin/pdm sync --prod --no-self --no-editable".into(),
            extra: vec![],
            after_source: vec![],
        })
    }
    fn install_extra(&self, cx: &InstallCx, pin: &str) -> String {
        format!("{}/bin/pip install --no-cache-dir {pin}", cx.venv)
    }
}
