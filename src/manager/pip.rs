//! pip, the fallback: a production requirements file (following `-r`/`-c`), else a PEP 621
//! pyproject.toml without a lock, else nothing. The image makes a venv without pip and fills it with the
//! base image's pip (`PIP_PYTHON`), which keeps the runtime image smaller.

use super::install::{copy_pairs, pair, venv_env};
use super::{Install, InstallCx, ManagerSpec, Manifests, ReadCx, Reading};
use crate::base::error::{Error, Result};
use crate::base::evidence::Evidence;
use crate::base::quote::sh_quote;
use crate::base::relpath::RelDir;
use crate::parse::deps::DepSet;
use crate::parse::requirements;

pub struct Pip;

/// Installs `[project].dependencies` read from pyproject.toml in the image (no lock to install from).
const FROM_PYPROJECT: &str = "python -c \"import tomllib; print('\\n'.join(tomllib.load(open('pyproject.toml', 'rb'))['project'].get('dependencies', [])))\" > /tmp/requirements.txt && pip install -r /tmp/requirements.txt";

fn in_dir(dir: &RelDir, warning: &str) -> String {
    if dir.is_root() {
        warning.to_string()
    } else {
        format!("{warning} (in `{dir}`)")
    }
}

impl ManagerSpec for Pip {
    fn name(&self) -> &'static str {
        "pip"
    }
    fn about(&self) -> &'static str {
        "pip: requirements files (-r/-c followed), or a PEP 621 pyproject without a lock"
    }
    fn markers(&self) -> &'static [&'static str] {
        &["requirements.txt", "setup.py", "setup.cfg"]
    }
    fn lockfile(&self) -> Option<&'static str> {
        None
    }
    fn fallback(&self, m: &Manifests, warnings: &mut Vec<String>) -> Option<Evidence> {
        Some(if let Some(req) = m.requirements {
            Evidence::file(&m.path(req), "requirements file")
        } else if m.pyproject.is_some() {
            Evidence::file(
                &m.path("pyproject.toml"),
                "PEP 621 pyproject without a lockfile: `pip install .`",
            )
        } else {
            warnings.push(format!(
                "no dependency manifest (pyproject.toml, requirements.txt, Pipfile) in `{}`",
                m.dir
            ));
            Evidence::rule("no manifest found; pip by default")
        })
    }
    fn read(&self, cx: &mut ReadCx) -> Result<Reading> {
        let m = cx.manifests;
        let mut reading = Reading::default();
        reading.facts.pyproject = m.pyproject_file();
        let Some(req) = m.requirements else {
            reading.facts.files.extend(m.pyproject_file());
            for extra in ["setup.py", "setup.cfg"] {
                if m.present.contains(extra) {
                    reading.facts.files.push(extra.to_string());
                }
            }
            reading.deps = cx.direct.clone();
            return Ok(reading);
        };
        let r = requirements::read(&m.dir.on(cx.root), req)?;
        cx.warnings
            .extend(r.warnings.iter().map(|w| in_dir(&m.dir, w)));
        let mut set = DepSet::default();
        for d in r.deps.iter() {
            let mut e = d.evidence.clone();
            e.file = e.file.map(|f| m.path(&f));
            set.add(&d.name, d.extras.iter().cloned(), true, e);
        }
        reading.deps = set;
        reading.facts.files = r.files;
        reading.facts.requirements = Some(req.to_string());
        Ok(reading)
    }
    fn install(&self, cx: &InstallCx) -> Result<Install> {
        let command = match (&cx.facts.requirements, &cx.facts.pyproject) {
            (Some(r), _) => format!("pip install -r {}", sh_quote(r)),
            (None, Some(_)) => {
                let minor: u64 = cx
                    .python_version
                    .split('.')
                    .nth(1)
                    .and_then(|m| m.parse().ok())
                    .unwrap_or(13);
                if minor < 11 {
                    return Err(Error::Project {
                        message: format!(
                            "reading dependencies from pyproject.toml in the image needs Python 3.11+ (tomllib), and {} was chosen; pass --python 3.11 or add a requirements.txt",
                            cx.python_version
                        ),
                    });
                }
                FROM_PYPROJECT.to_string()
            }
            (None, None) => "true".into(),
        };
        // A venv without pip/setuptools (25 MB less in the runtime image); the base image's pip
        // installs into it through PIP_PYTHON.
        let mut env = venv_env(cx.venv);
        env.push(pair("PIP_PYTHON", format!("{}/bin/python", cx.venv)));
        env.push(pair("PIP_DISABLE_PIP_VERSION_CHECK", "1"));
        Ok(Install {
            env,
            setup: vec![format!("python -m venv --without-pip {}", cx.venv)],
            manifests: copy_pairs(&cx.facts.files),
            cache: "/root/.cache/pip".into(),
            command,
            extra: vec![],
            after_source: vec![],
        })
    }
    /// The pip venv has no pip of its own: the base image's pip installs into it (PIP_PYTHON).
    fn install_extra(&self, _cx: &InstallCx, pin: &str) -> String {
        format!("pip install --no-cache-dir {pin}")
    }
}
