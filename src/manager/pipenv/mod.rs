//! Pipenv: `Pipfile.lock` (or a `Pipfile` alone, with a warning). The image installs a pinned Pipenv in a
//! venv of its own, checks the lock is current (`pipenv verify`, the check `--deploy` makes), exports its
//! default section with hashes (`pipenv requirements --hash`) and uv installs exactly that
//! (`--require-hashes --no-deps`) into the app's venv.

pub mod lockfile;
mod stale;
use std::path::Path;

use super::install::{copy_pairs, tool_setup, uv_env, uv_image, uv_install_exported, uv_venv};
use super::{Install, InstallCx, ManagerSpec, ReadCx, Reading, merge_direct};
use crate::base::error::Result;
use crate::base::fs::{self as files, limit};
use crate::parse::deps::DepSet;

/// The Pipenv version the image installs.
pub const PIN: &str = "2026.10.3";

pub struct Pipenv;

impl ManagerSpec for Pipenv {
    fn manifest_python(&self, text: &str, shown: &Path) -> Option<(String, usize, &'static str)> {
        let (_, pin) = lockfile::parse_pipfile(text, shown).ok()?;
        let (v, line) = pin?;
        Some((v, line, "[requires] in Pipfile"))
    }
    fn name(&self) -> &'static str {
        "pipenv"
    }
    fn about(&self) -> &'static str {
        "Pipenv: Pipfile.lock, pipenv install --deploy"
    }
    fn markers(&self) -> &'static [&'static str] {
        &["Pipfile", "Pipfile.lock"]
    }
    fn lockfile(&self) -> Option<&'static str> {
        Some("Pipfile.lock")
    }
    fn manifest(&self) -> Option<&'static str> {
        Some("Pipfile")
    }
    /// The Pipfile's `[packages]` (direct) over the lock's `default` section.
    fn read(&self, cx: &mut ReadCx) -> Result<Reading> {
        let m = cx.manifests;
        let mut reading = Reading::default();
        let pipfile = m.path("Pipfile");
        let mut direct = DepSet::default();
        let path = files::join(cx.root, &pipfile);
        let mut pipfile_text = None;
        if files::exists(&path) {
            let text = files::read_text(&path, Path::new(&pipfile), limit::MANIFEST)?;
            direct = lockfile::parse_pipfile(&text, Path::new(&pipfile))?.0;
            reading.facts.files.push("Pipfile".to_string());
            pipfile_text = Some(text);
        }
        let mut locked = DepSet::default();
        if let Some((text, shown)) = m.read_lock(cx.root, "Pipfile.lock")? {
            locked = lockfile::parse_pipfile_lock(&text, Path::new(&shown))?.0;
            if let Some(w) = pipfile_text
                .as_deref()
                .and_then(|p| stale::check(&text, p, &shown, &pipfile))
            {
                cx.warnings.warn(w);
            }
            reading.facts.files.push("Pipfile.lock".to_string());
            reading.facts.lockfile = Some("Pipfile.lock".into());
        }
        reading.deps = merge_direct(locked, &direct);
        Ok(reading)
    }
    fn install(&self, cx: &InstallCx) -> Result<Install> {
        let pipenv = format!("pipenv=={PIN}");
        // Locked: `pipenv verify` refuses a lock older than the Pipfile (what `--deploy` checks), and the
        // lock's default section, hashed, is installed exactly. Without a lock (detection warns) Pipenv
        // resolves one in the builder first; `pipenv install --deploy --system` refused to run without
        // a lock and would have installed outside the app's venv.
        let export = format!(
            "/opt/pipenv/bin/pipenv requirements --hash > /tmp/requirements.txt && {}",
            uv_install_exported("/tmp/requirements.txt")
        );
        let command = if cx.facts.lockfile.is_some() {
            format!("/opt/pipenv/bin/pipenv verify && {export}")
        } else {
            format!("/opt/pipenv/bin/pipenv lock && {export}")
        };
        Ok(Install {
            env: uv_env(cx.venv),
            setup: vec![tool_setup("pipenv", &[&pipenv]), uv_venv(cx.venv)],
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
