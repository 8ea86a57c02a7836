//! The builder stage's install, as data: what each manager's `install` returns and the Dockerfile
//! template prints.

use serde::Serialize;

/// How dependencies are installed into the virtualenv in the builder stage.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Install {
    /// `ENV` of the builder stage.
    pub env: Vec<EnvPair>,
    /// Commands that set up the package manager and the virtualenv (each one `RUN`).
    pub setup: Vec<String>,
    /// Manifests copied before the dependency install, as (source, destination directory) pairs.
    pub manifests: Vec<CopyPair>,
    /// The cache directory mounted for the install.
    pub cache: String,
    /// The locked, production-only dependency install.
    pub command: String,
    /// Extra installs into the virtualenv that dockgen adds (a server the project lacks), before the source.
    pub extra: Vec<String>,
    /// Installs that need the source (the project itself), after `COPY . .`.
    pub after_source: Vec<String>,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct CopyPair {
    /// The file, relative to the build context.
    pub src: String,
    /// The directory in the image it is copied into (ends with `/`).
    pub dest: String,
}

#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct EnvPair {
    /// The variable's name.
    pub name: String,
    /// Its value (for compose, already in compose syntax: `${X:?...}` references and `$$` escapes).
    pub value: String,
}

/// A name/value pair.
pub fn pair(name: &str, value: impl Into<String>) -> EnvPair {
    EnvPair {
        name: name.into(),
        value: value.into(),
    }
}

/// One COPY per destination directory: `COPY pyproject.toml uv.lock ./`.
pub fn copy_pairs(files: &[String]) -> Vec<CopyPair> {
    let mut out: Vec<CopyPair> = Vec::new();
    for f in files {
        let dest = match f.rsplit_once('/') {
            Some((dir, _)) => format!("{dir}/"),
            None => "./".into(),
        };
        match out.iter_mut().find(|c| c.dest == dest) {
            Some(c) => {
                c.src.push(' ');
                c.src.push_str(f);
            }
            None => out.push(CopyPair {
                src: f.clone(),
                dest,
            }),
        }
    }
    out
}

/// `VIRTUAL_ENV` and `PATH` for a virtualenv at `venv`.
pub fn venv_env(venv: &str) -> Vec<EnvPair> {
    vec![
        pair("VIRTUAL_ENV", venv),
        pair("PATH", format!("{venv}/bin:$PATH")),
    ]
}

/// Installs a Python tool (Poetry, PDM, Pipenv) into a virtualenv of its own under /opt, pinned.
pub fn tool_setup(tool: &str, version: &str) -> String {
    format!("python -m venv /opt/{tool} && /opt/{tool}/bin/pip install {tool}=={version}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_copy_per_destination() {
        let c = copy_pairs(&[
            "pyproject.toml".into(),
            "uv.lock".into(),
            "packages/a/pyproject.toml".into(),
        ]);
        assert_eq!(c.len(), 2);
        assert_eq!(c[0].src, "pyproject.toml uv.lock");
        assert_eq!(c[0].dest, "./");
        assert_eq!(c[1].dest, "packages/a/");
    }
}
