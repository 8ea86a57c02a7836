//! PDM: `pdm.lock`, `[tool.pdm]`. The image installs a pinned PDM in a venv of its own, exports the
//! lock's production groups with hashes (`pdm export --prod`, which reads the lock and never updates
//! it, as `--frozen-lockfile` would), and uv installs exactly that (`--require-hashes --no-deps`) into the
//! app's venv. PDM's own uv mode (`use_uv`) is not used: it is experimental and ignores the lock's
//! `inherit_metadata` strategy, which decides which locked packages belong to production.

pub mod lockfile;
mod stale;
use super::install::{copy_pairs, tool_setup, uv_env, uv_image, uv_install_exported, uv_venv};
use super::{Install, InstallCx, ManagerSpec, ReadCx, Reading};
use crate::base::error::Result;

/// The PDM version the image installs.
pub const PIN: &str = "2.29.4";

pub struct Pdm;

/// Whether the lock's `[metadata] strategy` has `inherit_metadata` (PDM 2.11 and later write it), which
/// `pdm export` needs to tell production packages apart. An unreadable one counts as current: parsing
/// the lock proper reports what is wrong with it.
fn inherits_metadata(text: &str) -> bool {
    #[derive(serde::Deserialize)]
    struct Lock {
        metadata: Option<Meta>,
    }
    #[derive(serde::Deserialize)]
    struct Meta {
        #[serde(default)]
        strategy: Vec<String>,
    }
    match toml::from_str::<Lock>(text) {
        Ok(l) => l
            .metadata
            .is_some_and(|m| m.strategy.iter().any(|s| s == "inherit_metadata")),
        Err(_) => true,
    }
}

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
        let mut reading =
            super::lock::read_graph_lock(cx, "pdm.lock", lockfile::parse_pdm, stale::check)?;
        if let Some((text, shown)) = cx.manifests.read_lock(cx.root, "pdm.lock")?
            && !inherits_metadata(&text)
        {
            reading.facts.legacy_lock = true;
            cx.warnings.warn(format!(
                "`{shown}` was written by an older PDM (no `inherit_metadata` strategy), which `pdm export` refuses: the image installs it with `pdm sync --prod` instead of a hashed export; run `pdm lock --update-reuse --strategy inherit_metadata` to update the lock's format (the versions stay)"
            ));
        }
        Ok(reading)
    }
    fn install(&self, cx: &InstallCx) -> Result<Install> {
        let pdm = format!("pdm=={PIN}");
        let command = if cx.facts.legacy_lock {
            // `pdm sync` installs the lock's production packages (hashes checked, the lock never
            // updated) into the interpreter `pdm use` names: the app's venv, not one of PDM's own.
            format!(
                "/opt/pdm/bin/pdm use -f {venv}/bin/python && /opt/pdm/bin/pdm sync --prod --no-self --no-editable",
                venv = cx.venv
            )
        } else {
            format!(
                "/opt/pdm/bin/pdm export --prod --format requirements --output /tmp/requirements.txt && {}",
                uv_install_exported("/tmp/requirements.txt")
            )
        };
        Ok(Install {
            env: uv_env(cx.venv),
            // PDM 2.29 crashes on import with hishel 2 (`SyncSqliteStorage`); `pdm[locked]` would pin
            // it but pins a certifi release the index no longer serves.
            setup: vec![tool_setup("pdm", &[&pdm, "'hishel<2'"]), uv_venv(cx.venv)],
            manifests: copy_pairs(&cx.facts.files),
            cache: "/root/.cache/uv".into(),
            command,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manager::InstallFacts;

    #[test]
    fn an_old_lock_is_synced_a_current_one_exported() {
        assert!(inherits_metadata(
            "[metadata]\nstrategy = [\"inherit_metadata\"]\n"
        ));
        assert!(!inherits_metadata(
            "[metadata]\nstrategy = [\"cross_platform\"]\n"
        ));
        assert!(!inherits_metadata("[metadata]\ngroups = [\"default\"]\n"));
        let command = |legacy_lock| {
            let facts = InstallFacts {
                legacy_lock,
                ..InstallFacts::default()
            };
            let cx = InstallCx {
                facts: &facts,
                python_version: crate::base::python::PythonVersion::new(3, 12),
                installable: false,
                project_name: None,
                venv: "/opt/venv",
            };
            Pdm.install(&cx).unwrap().command
        };
        assert!(command(false).starts_with("/opt/pdm/bin/pdm export --prod"));
        assert_eq!(
            command(true),
            "/opt/pdm/bin/pdm use -f /opt/venv/bin/python && /opt/pdm/bin/pdm sync --prod --no-self --no-editable"
        );
    }
}
