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

/// The base image's interpreter. uv's project commands are pointed at it (`UV_PYTHON`) because the
/// image's Python is the one dockgen chose (`--python` included): a `.python-version` copied in with the
/// source must not send `uv sync` looking for another ("No interpreter found for Python 3.12", issue 17).
/// Never for `uv pip`, where `UV_PYTHON` names the environment to install into and would install into
/// the base image's Python instead of the app's venv.
pub const IMAGE_PYTHON: &str = "/usr/local/bin/python3";

/// The builder's uv settings with the app's virtualenv at `venv`: bytecode compiled at build time (the
/// runtime's code and venv are read-only, so nothing could cache it later, and every process start would
/// compile in memory again), files copied out of the cache mount, never a downloaded Python. `uv pip`
/// installs into `VIRTUAL_ENV`, which `uv venv` made before any source (and so any `.python-version`)
/// was in the builder.
pub fn uv_env(venv: &str) -> Vec<EnvPair> {
    let mut env = vec![
        pair("UV_COMPILE_BYTECODE", "1"),
        pair("UV_LINK_MODE", "copy"),
        pair("UV_PYTHON_DOWNLOADS", "0"),
    ];
    env.extend(venv_env(venv));
    env
}

/// Creates the app's virtualenv with uv (no pip or setuptools in it: nothing at run time installs).
pub fn uv_venv(venv: &str) -> String {
    format!("uv venv {venv}")
}

/// Installs a Python tool (Poetry, PDM, Pipenv) with uv into a virtualenv of its own under /opt: the
/// tool and `packages` pinned, the rest of its dependencies resolved as pip would. It stays in the builder.
pub fn tool_setup(tool: &str, packages: &[&str]) -> String {
    format!(
        "uv venv /opt/{tool} && uv pip install --python /opt/{tool} {}",
        packages.join(" ")
    )
}

/// Installs exactly the hashed requirements file `file` (an export of a lock) into the app's venv:
/// every file checked against its hash, no dependency resolved beyond the list.
pub fn uv_install_exported(file: &str) -> String {
    format!("uv pip install --require-hashes --no-deps -r {file}")
}

/// The uv image the builder copies the binary from.
pub fn uv_image() -> String {
    format!("ghcr.io/astral-sh/uv:{}", crate::knowledge::pins::UV)
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
