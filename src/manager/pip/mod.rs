//! pip, the fallback: a production requirements file (following `-r`/`-c`), else a PEP 621
//! pyproject.toml without a lock, else nothing. The image installs them with uv's pip interface (`uv pip
//! install`, the same requirements and the same resolution rules, much faster) into a venv uv makes,
//! without pip in it, which keeps the runtime image smaller.

use super::install::{copy_pairs, uv_env, uv_image, uv_venv};
use super::{Install, InstallCx, LocalInstall, ManagerSpec, Manifests, ReadCx, Reading};
use crate::base::diag::Diagnostics;
use crate::base::error::{Error, Result};
use crate::base::evidence::Evidence;
use crate::base::quote::sh_quote;
use crate::base::relpath::RelDir;
use crate::parse::deps::{DepSet, parse_req};
use crate::parse::{local_package, requirements};

pub struct Pip;

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
    fn index_variables(&self) -> &'static [&'static str] {
        &["PIP_INDEX_URL"]
    }
    fn fallback(&self, m: &Manifests, warnings: &mut Diagnostics) -> Option<Evidence> {
        Some(if let Some(req) = m.requirements {
            Evidence::file(&m.path(req), "requirements file")
        } else if m.pyproject.is_some() {
            Evidence::file(
                &m.path("pyproject.toml"),
                "PEP 621 pyproject without a lockfile: `pip install .`",
            )
        } else {
            warnings.warn(format!(
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
            if let Some(v) = &d.version {
                set.set_version(&d.name, v);
            }
        }
        for l in &r.local {
            let local = local_dependencies(cx, l, &mut set)?;
            reading.facts.local_packages.push(local);
        }
        reading.deps = set;
        reading.facts.files = r.files;
        reading.facts.requirements = Some(req.to_string());
        reading.facts.extra_index = r.extra_index;
        reading.facts.index_url = r.index_url;
        reading.facts.extra_index_urls = r.extra_index_urls;
        for (file, _) in r.continued {
            if !reading.facts.continued.contains(&file) {
                reading.facts.continued.push(file);
            }
        }
        Ok(reading)
    }
    /// uv installs the requirements (`uv pip install -r`), or `[project].dependencies` of a pyproject
    /// without a lock (`-r pyproject.toml` reads exactly that list), into a venv uv made. Packages the
    /// requirements install by path need their own files, which the dependency layer does not have: that
    /// layer installs the requirements without those lines plus what the packages declare, and the
    /// requirements as written are installed again once the source is in (only the local packages are
    /// new then).
    fn install(&self, cx: &InstallCx) -> Result<Install> {
        let index = if cx.facts.extra_index {
            // pip takes the best version across every index; uv's default is the first index that has
            // the package.
            " --index-strategy unsafe-best-match"
        } else {
            ""
        };
        let mut after_source = vec![];
        let join = join_continuations(&cx.facts.continued);
        let then = |command: String| match &join {
            Some(j) => format!("{j} && {command}"),
            None => command,
        };
        let command = match (&cx.facts.requirements, &cx.facts.pyproject) {
            (Some(r), _) if !cx.facts.local_packages.is_empty() => {
                let full = format!("uv pip install{index} -r {}", sh_quote(r));
                after_source.push(then(full.clone()));
                without_local_lines(&cx.facts.local_packages, join.as_deref(), &full)
            }
            (Some(r), _) => then(format!("uv pip install{index} -r {}", sh_quote(r))),
            (None, Some(p)) => format!("uv pip install -r {}", sh_quote(p)),
            (None, None) => "true".into(),
        };
        Ok(Install {
            env: uv_env(cx.venv),
            setup: vec![uv_venv(cx.venv)],
            manifests: copy_pairs(&cx.facts.files),
            cache: "/root/.cache/uv".into(),
            command,
            extra: vec![],
            after_source,
        })
    }
    fn binary_image(&self) -> Option<String> {
        Some(uv_image())
    }
    fn install_extra(&self, _cx: &InstallCx, pin: &str) -> String {
        format!("uv pip install {pin}")
    }
}

/// Reads the package a requirements line installs by path: its declared dependencies join the project's
/// (with the package's own file and line as evidence), and the install keeps them with the line.
fn local_dependencies(
    cx: &mut ReadCx,
    l: &requirements::LocalReq,
    set: &mut DepSet,
) -> Result<LocalInstall> {
    let m = cx.manifests;
    let pkg = local_package::read(&m.dir.on(cx.root), &l.dir, &l.extras)?;
    cx.warnings
        .extend(pkg.warnings.iter().map(|w| in_dir(&m.dir, w)));
    for d in &pkg.requires {
        let mut e = d.evidence.clone();
        e.file = e.file.map(|f| m.path(&f));
        let req = parse_req(&d.text).map_err(|message| Error::Requirement {
            path: e.file.clone().unwrap_or_default().into(),
            line: e.line.unwrap_or_default(),
            message,
        })?;
        if req.applies {
            set.add(&req.name, req.extras, true, e);
            if let Some(v) = &req.pinned {
                set.set_version(&req.name, v);
            }
        }
    }
    Ok(LocalInstall {
        file: l.file.clone(),
        line: l.line,
        requires: pkg.requires.into_iter().map(|d| d.text).collect(),
    })
}

/// The dependency layer's install when requirements name local packages: their lines deleted from the
/// copies in the builder (by line number, one `sed` per file; `COPY . .` restores the files later), then
/// `install` with the packages' declared requirements added.
/// pip's reading of a continued line (`name==1.0 \` + `    ; marker`) written into the builder's copy of
/// the files, for `uv pip`, which refuses it (astral-sh/uv#20744): each backslash-newline removed, as
/// pip joins them.
fn join_continuations(files: &[String]) -> Option<String> {
    (!files.is_empty()).then(|| {
        let quoted: Vec<String> = files.iter().map(|f| sh_quote(f)).collect();
        format!(
            "sed -i -e ':a' -e '/\\\\$/{{N;s/\\\\\\n//;ba}}' {}",
            quoted.join(" ")
        )
    })
}

fn without_local_lines(locals: &[LocalInstall], join: Option<&str>, install: &str) -> String {
    let mut by_file: Vec<(&str, Vec<usize>)> = Vec::new();
    for l in locals {
        match by_file.iter_mut().find(|(f, _)| *f == l.file) {
            Some((_, lines)) => lines.push(l.line),
            None => by_file.push((&l.file, vec![l.line])),
        }
    }
    let mut parts: Vec<String> = by_file
        .iter()
        .map(|(f, lines)| {
            let deletes: Vec<String> = lines.iter().map(|n| format!("-e {n}d")).collect();
            format!("sed -i {} {}", deletes.join(" "), sh_quote(f))
        })
        .collect();
    // The local lines go by their line numbers, before joining moves them.
    parts.extend(join.map(str::to_string));
    let mut command = install.to_string();
    for r in locals.iter().flat_map(|l| &l.requires) {
        command.push(' ');
        command.push_str(&sh_quote(r));
    }
    parts.push(command);
    parts.join(" && ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manager::InstallFacts;

    fn command(facts: InstallFacts) -> String {
        let cx = InstallCx {
            facts: &facts,
            python_version: crate::base::python::PythonVersion::new(3, 13),
            installable: false,
            project_name: None,
            venv: "/opt/venv",
        };
        Pip.install(&cx).unwrap().command
    }

    /// uv takes the first index that has a package; pip the best version across all of them, so a
    /// requirements file that adds an index keeps pip's rule.
    #[test]
    fn uv_installs_requirements_with_pips_index_rule() {
        let mut facts = InstallFacts {
            requirements: Some("requirements/prod.txt".into()),
            ..InstallFacts::default()
        };
        assert_eq!(
            command(facts.clone()),
            "uv pip install -r requirements/prod.txt"
        );
        facts.extra_index = true;
        assert_eq!(
            command(facts),
            "uv pip install --index-strategy unsafe-best-match -r requirements/prod.txt"
        );
        let pyproject = InstallFacts {
            pyproject: Some("pyproject.toml".into()),
            ..InstallFacts::default()
        };
        assert_eq!(command(pyproject), "uv pip install -r pyproject.toml");
    }

    /// A requirement continued before its marker is joined in the builder's copy first, as pip reads
    /// it (uv refuses it: astral-sh/uv#20744); with a local package, after its line is taken out.
    #[test]
    fn continued_requirements_are_joined_before_uv_reads_them() {
        let mut facts = InstallFacts {
            requirements: Some("requirements.txt".into()),
            continued: vec!["requirements/base.txt".into()],
            ..InstallFacts::default()
        };
        let join = r"sed -i -e ':a' -e '/\\$/{N;s/\\\n//;ba}' requirements/base.txt";
        assert_eq!(
            command(facts.clone()),
            format!("{join} && uv pip install -r requirements.txt")
        );
        facts.local_packages = vec![LocalInstall {
            file: "requirements/base.txt".into(),
            line: 1,
            requires: vec![],
        }];
        assert_eq!(
            command(facts),
            format!(
                "sed -i -e 1d requirements/base.txt && {join} && uv pip install -r requirements.txt"
            )
        );
    }
}
