//! PDM: `pdm.lock`, `[tool.pdm]`. The image installs a pinned PDM in a venv of its own, exports the
//! lock's production groups with hashes (`pdm export --prod`, which reads the lock and never updates
//! it, as `--frozen-lockfile` would), and uv installs exactly that (`--require-hashes --no-deps`) into the
//! app's venv. PDM's own uv mode (`use_uv`) is not used: it is experimental and ignores the lock's
//! `inherit_metadata` strategy, which decides which locked packages belong to production.

pub mod lockfile;
use super::install::{copy_pairs, tool_setup, uv_env, uv_image, uv_install_exported, uv_venv};
use super::poetry::read_graph_lock;
use super::{Install, InstallCx, ManagerSpec, ReadCx, Reading};
use crate::base::error::Result;

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
    fn build_backend_keys(&self) -> &'static [&'static str] {
        // pdm-backend's settings: `[tool.pdm.build]` (what goes into the wheel) and
        // `[tool.pdm.version]` (a dynamic version), read by the build backend, never by PDM's installer.
        &["build", "version"]
    }
    fn read(&self, cx: &mut ReadCx) -> Result<Reading> {
        read_graph_lock(cx, "pdm.lock", lockfile::parse_pdm)
    }
    fn install(&self, cx: &InstallCx) -> Result<Install> {
        let pdm = format!("pdm=={PIN}");
        Ok(Install {
            env: uv_env(cx.venv),
            // PDM 2.29 crashes on import with hishel 2 (`SyncSqliteStorage`); `pdm[locked]` would pin
            // it but pins a certifi release the index no longer serves.
            setup: vec![tool_setup("pdm", &[&pdm, "'hishel<2'"]), uv_venv(cx.venv)],
            manifests: copy_pairs(&cx.facts.files),
            cache: "/root/.cache/uv".into(),
            command: format!(
                "/opt/pdm/bin/pdm export --prod --format requirements --output /tmp/requirements.txt && {}",
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
