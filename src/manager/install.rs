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

impl Install {
    /// Setting up needs nothing but uv: at most the app's virtualenv at `venv`, no package manager
    /// of its own (Poetry, PDM, Pipenv each get a virtualenv under /opt).
    pub fn only_uv(&self, venv: &str) -> bool {
        self.setup.iter().all(|s| *s == uv_venv(venv))
    }
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

pub mod direct {
    //! The dependency install run in the runtime stage itself, without a builder stage.
    //!
    //! When the builder would hold nothing but uv (no compiler or headers for a source build, no package
    //! manager of its own to export the lock, no install that needs the project's source), the install runs
    //! in the runtime stage: the manifests are copied in first, as in the builder, and the uv binary and
    //! uv's download cache are bind-mounted into the install's
    //! `RUN`, so neither lands in the image, and no virtualenv is copied between stages (a copy that is
    //! written twice and, on an engine without native layer diffs, walked file by file). Anything else keeps
    //! the builder stage, which keeps compilers and tools out of the runtime image.

    use serde::Serialize;

    use super::{EnvPair, Install};

    /// The runtime stage's dependency install, for the `RUN` that replaces the builder stage.
    #[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
    pub struct DirectInstall {
        /// The directory the manifests are copied into and the install runs from (`/app`, where the code
        /// is copied next).
        pub dir: String,
        /// The `RUN`'s `--mount` options: uv's download cache and the uv binary.
        pub mounts: Vec<String>,
        /// The install's settings for this `RUN` only (`NAME=value`, shell-quoted), exported before its
        /// commands: uv's settings stay out of the image's `ENV`.
        pub exports: Vec<String>,
        /// The commands in order: the virtualenv, the locked install, dockgen's extra installs.
        pub commands: Vec<String>,
    }

    /// The install in the runtime stage, or none when it needs the builder stage: Debian build packages
    /// (a package without a wheel for this Python), a package manager besides uv, or an install that needs
    /// the source.
    pub fn plan(
        install: &Install,
        build_packages: &[String],
        uv_image: Option<&str>,
        runtime_env: &[EnvPair],
        venv: &str,
        dir: &str,
    ) -> Option<DirectInstall> {
        let uv = uv_image?;
        if !build_packages.is_empty() || !install.after_source.is_empty() || !install.only_uv(venv)
        {
            return None;
        }
        let mounts = vec![
            format!("--mount=type=cache,target={}", install.cache),
            format!("--mount=type=bind,from={uv},source=/uv,target=/usr/local/bin/uv"),
        ];
        let exports = install
            .env
            .iter()
            .filter(|e| {
                !runtime_env
                    .iter()
                    .any(|r| r.name == e.name && r.value == e.value)
            })
            .map(|e| format!("{}={}", e.name, crate::base::quote::sh_quote(&e.value)))
            .collect();
        let mut commands = install.setup.clone();
        commands.push(install.command.clone());
        commands.extend(install.extra.iter().cloned());
        Some(DirectInstall {
            dir: dir.into(),
            mounts,
            exports,
            commands,
        })
    }

    #[cfg(test)]
    mod tests {
        use super::*;
        use crate::manager::install::{copy_pairs, pair, uv_venv};

        fn install(setup: Vec<String>, after_source: Vec<String>) -> Install {
            Install {
                env: vec![
                    pair("UV_LINK_MODE", "copy"),
                    pair("VIRTUAL_ENV", "/opt/venv"),
                ],
                setup,
                manifests: copy_pairs(&["requirements.txt".into()]),
                cache: "/root/.cache/uv".into(),
                command: "uv pip install -r requirements.txt".into(),
                extra: vec!["uv pip install gunicorn==1".into()],
                after_source,
            }
        }

        fn direct(i: &Install, build: &[String]) -> Option<DirectInstall> {
            let env = [pair("VIRTUAL_ENV", "/opt/venv")];
            plan(i, build, Some("uv:1"), &env, "/opt/venv", "/app")
        }

        #[test]
        fn a_uv_only_install_runs_in_the_runtime_stage_from_mounts() {
            let d = direct(&install(vec![uv_venv("/opt/venv")], vec![]), &[]).expect("direct");
            assert_eq!(
                d.mounts,
                [
                    "--mount=type=cache,target=/root/.cache/uv",
                    "--mount=type=bind,from=uv:1,source=/uv,target=/usr/local/bin/uv",
                ]
            );
            // The runtime stage's ENV already sets VIRTUAL_ENV to the same value.
            assert_eq!(d.exports, ["UV_LINK_MODE=copy"]);
            assert_eq!(
                d.commands,
                [
                    "uv venv /opt/venv",
                    "uv pip install -r requirements.txt",
                    "uv pip install gunicorn==1"
                ]
            );
        }

        #[test]
        fn a_build_a_tool_or_the_source_keeps_the_builder() {
            let plain = install(vec![uv_venv("/opt/venv")], vec![]);
            assert!(direct(&plain, &["gcc".into()]).is_none());
            let tool = install(
                vec!["uv venv /opt/tool".into(), uv_venv("/opt/venv")],
                vec![],
            );
            assert!(direct(&tool, &[]).is_none());
            let source = install(
                vec![uv_venv("/opt/venv")],
                vec!["uv pip install -r r.txt".into()],
            );
            assert!(direct(&source, &[]).is_none());
            assert!(direct(&plain, &[]).is_some());
            let uv = [pair("VIRTUAL_ENV", "/opt/venv")];
            assert!(plan(&plain, &[], None, &uv, "/opt/venv", "/app").is_none());
        }
    }
}
