//! A local package that a requirements file installs by path (`-e .`, `.`, `-e ./libs/core[extra]`): the
//! runtime dependencies it declares, read from its metadata without running anything.
//!
//! The metadata is tried in the order a build backend would answer: `pyproject.toml`'s
//! `[project].dependencies` (unless listed in `dynamic`), `setup.cfg`'s `[options] install_requires`, and
//! the literal list `setup.py` passes as `install_requires=[...]` (directly or through a module-level name
//! bound to a literal list). A list that is computed (read from a file, built in a loop) is not guessed
//! at: the reading says so, and the package's own build still installs it. Extras requested on the path
//! (`.[prod]`) add `[project.optional-dependencies]` / `[options.extras_require]` entries. This module
//! decides nothing about how the package is installed.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::deps::normalize;
use super::pysrc::{self, Tok};
use super::toml_util::{line_of, parse};
use crate::base::error::Result;
use crate::base::evidence::Evidence;
use crate::base::fs::{self as files, limit};

/// One declared requirement: its PEP 508 text as written, and where it is written.
#[derive(Debug, Clone, PartialEq)]
pub struct Declared {
    pub text: String,
    pub evidence: Evidence,
}

/// What a local package's metadata declares.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct LocalPackage {
    /// The file its dependencies were read from (relative to the root), when one lists them statically.
    pub source: Option<String>,
    /// Its runtime dependencies (with the requested extras' ones), in file order.
    pub requires: Vec<Declared>,
    /// What could not be read (a computed list, a `file:` directive, no metadata at all).
    pub warnings: Vec<String>,
}

/// Reads the package in `dir` (relative to `root`; `.` for the root), with the extras requested on its path.
pub fn read(root: &Path, dir: &str, extras: &[String]) -> Result<LocalPackage> {
    let rel = |name: &str| {
        if dir == "." || dir.is_empty() {
            name.to_string()
        } else {
            format!("{}/{name}", dir.trim_end_matches('/'))
        }
    };
    let mut out = LocalPackage::default();
    if let Some(text) = read_opt(root, &rel("pyproject.toml"))?
        && let Some(found) = from_pyproject(&text, &rel("pyproject.toml"), extras)?
    {
        out.source = Some(rel("pyproject.toml"));
        out.requires = found;
        return Ok(out);
    }
    if let Some(text) = read_opt(root, &rel("setup.cfg"))? {
        match from_setup_cfg(&text, &rel("setup.cfg"), extras) {
            Ok(Some(found)) => {
                out.source = Some(rel("setup.cfg"));
                out.requires = found;
                return Ok(out);
            }
            Ok(None) => {}
            Err(w) => out.warnings.push(w),
        }
    }
    // Read and tokenised here, not through the run's SourceIndex: setup.py is read as a manifest, with
    // the manifest size limit (the index reads a Python file with the source one, each file with one
    // limit) and relative to the package's directory, by the package managers' readers, which are not
    // given the index; it is tokenised only for its top-level `install_requires`.
    if let Some(text) = read_opt(root, &rel("setup.py"))? {
        match from_setup_py(&text, &rel("setup.py")) {
            Ok(Some(found)) => {
                out.source = Some(rel("setup.py"));
                out.requires = found;
                return Ok(out);
            }
            Ok(None) => {}
            Err(w) => out.warnings.push(w),
        }
    }
    if out.warnings.is_empty() {
        out.warnings.push(format!(
            "the local package in `{dir}` declares no dependencies dockgen can read (no `[project].dependencies`, `install_requires` in setup.cfg, or literal `install_requires=[...]` in setup.py)"
        ));
    }
    Ok(out)
}

fn read_opt(root: &Path, rel: &str) -> Result<Option<String>> {
    let path = files::join(root, rel);
    if !files::is_file(&path) {
        return Ok(None);
    }
    files::read_text(&path, Path::new(rel), limit::MANIFEST).map(Some)
}

#[derive(Deserialize)]
struct PyProjectMeta {
    project: Option<ProjectMeta>,
}

#[derive(Deserialize)]
struct ProjectMeta {
    dependencies: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    dynamic: Vec<String>,
    #[serde(rename = "optional-dependencies", default)]
    optional: BTreeMap<String, Vec<Spanned<String>>>,
}

/// `[project].dependencies` and the requested optional groups; `None` when the table is absent or the
/// dependencies are dynamic (the build backend computes them; setup.cfg or setup.py may say).
fn from_pyproject(text: &str, shown: &str, extras: &[String]) -> Result<Option<Vec<Declared>>> {
    let meta: PyProjectMeta = parse(text, Path::new(shown))?;
    let Some(p) = meta.project else {
        return Ok(None);
    };
    if p.dynamic.iter().any(|d| d == "dependencies") {
        return Ok(None);
    }
    let declared = |list: &[Spanned<String>], rule: &str| -> Vec<Declared> {
        list.iter()
            .map(|d| Declared {
                text: d.get_ref().trim().to_string(),
                evidence: Evidence::at(shown, line_of(text, d.span()), rule),
            })
            .collect()
    };
    let mut out = declared(
        p.dependencies.as_deref().unwrap_or_default(),
        "[project].dependencies of the local package",
    );
    for (group, list) in &p.optional {
        if extras.iter().any(|e| normalize(e) == normalize(group)) {
            out.extend(declared(
                list,
                &format!(
                    "[project.optional-dependencies] `{group}`, an extra the requirements ask for"
                ),
            ));
        }
    }
    Ok(Some(out))
}

/// `install_requires` under `[options]` and the requested `[options.extras_require]` keys, as setuptools
/// reads them: one requirement per line (or comma-separated on a single line), `#` lines skipped.
/// `Ok(None)`: no `install_requires` there; `Err`: a form dockgen does not read (`file:`).
fn from_setup_cfg(
    text: &str,
    shown: &str,
    extras: &[String],
) -> std::result::Result<Option<Vec<Declared>>, String> {
    let values = ini_values(text);
    let Some(main) = values.get(&("options".into(), "install_requires".into())) else {
        return Ok(None);
    };
    let mut out = list_of(
        main,
        shown,
        "install_requires in setup.cfg of the local package",
    )?;
    for ((sec, key), v) in &values {
        if sec == "options.extras_require" && extras.iter().any(|e| normalize(e) == normalize(key))
        {
            out.extend(list_of(
                v,
                shown,
                &format!("[options.extras_require] `{key}` in setup.cfg, an extra the requirements ask for"),
            )?);
        }
    }
    Ok(Some(out))
}

/// (section, key) -> its value's lines with their numbers, as configparser reads them: `key = value` or
/// `key: value`, continued by indented lines; `#` and `;` lines are comments.
fn ini_values(text: &str) -> BTreeMap<(String, String), Vec<(usize, String)>> {
    let mut section = String::new();
    let mut values: BTreeMap<(String, String), Vec<(usize, String)>> = BTreeMap::new();
    let mut current: Option<(String, String)> = None;
    for (i, raw) in text.lines().enumerate() {
        let line_no = i + 1;
        let trimmed = raw.trim();
        if trimmed.is_empty() || trimmed.starts_with('#') || trimmed.starts_with(';') {
            continue;
        }
        if raw.starts_with([' ', '\t']) {
            if let Some(k) = &current {
                values
                    .entry(k.clone())
                    .or_default()
                    .push((line_no, trimmed.into()));
            }
            continue;
        }
        if let Some(name) = trimmed.strip_prefix('[').and_then(|s| s.strip_suffix(']')) {
            section = name.trim().to_string();
            current = None;
            continue;
        }
        if let Some((k, v)) = trimmed.split_once(['=', ':']) {
            let key = (section.clone(), k.trim().to_string());
            let v = v.trim();
            let entry = values.entry(key.clone()).or_default();
            if !v.is_empty() {
                entry.push((line_no, v.to_string()));
            }
            current = Some(key);
        }
    }
    values
}

fn list_of(
    lines: &[(usize, String)],
    shown: &str,
    rule: &str,
) -> std::result::Result<Vec<Declared>, String> {
    if let Some((line, v)) = lines.first()
        && v.starts_with("file:")
    {
        return Err(format!(
            "`{shown}` line {line}: `install_requires = file: ...` is read by setuptools at build time; dockgen does not follow it, so those dependencies are known only once the image builds"
        ));
    }
    let one_line = lines.len() == 1;
    let mut out = Vec::new();
    for (line, v) in lines {
        let parts: Vec<&str> = if one_line {
            v.split(',').collect()
        } else {
            vec![v.as_str()]
        };
        for p in parts {
            let p = p.trim();
            if !p.is_empty() && !p.starts_with('#') {
                out.push(Declared {
                    text: p.to_string(),
                    evidence: Evidence::at(shown, *line, rule),
                });
            }
        }
    }
    Ok(out)
}

/// The literal `install_requires=[...]` of a `setup(...)` call, or the literal list a module-level name
/// it passes is bound to. `Ok(None)`: no `install_requires`; `Err`: a computed one.
fn from_setup_py(text: &str, shown: &str) -> std::result::Result<Option<Vec<Declared>>, String> {
    let lines = pysrc::logical_lines(text);
    let mut lists: BTreeMap<String, Vec<Declared>> = BTreeMap::new();
    let rule = "literal install_requires in setup.py of the local package";
    for l in lines.iter().filter(|l| l.indent == 0) {
        if let [Tok::Name(n), Tok::Op("="), rest @ ..] = l.toks.as_slice()
            && let Some(list) = literal_list(rest, &l.tok_lines[2..], shown, rule)
        {
            lists.insert(n.clone(), list);
        }
    }
    for l in &lines {
        for (k, t) in l.toks.iter().enumerate() {
            if *t != Tok::Name("install_requires".into())
                || l.toks.get(k + 1) != Some(&Tok::Op("="))
            {
                continue;
            }
            let rest = &l.toks[k + 2..];
            if let Some(list) = literal_list(rest, &l.tok_lines[k + 2..], shown, rule) {
                return Ok(Some(list));
            }
            if let [Tok::Name(n), Tok::Op(",") | Tok::Op(")"), ..] = rest
                && let Some(list) = lists.get(n)
            {
                return Ok(Some(list.clone()));
            }
            return Err(format!(
                "`{shown}` line {}: `install_requires` is computed, not a literal list; dockgen does not run setup.py, so those dependencies are known only once the image builds",
                l.tok_lines[k]
            ));
        }
    }
    Ok(None)
}

/// `[ "a", "b>=1", ]` at the start of `toks` (strings and commas only) as requirements.
fn literal_list(toks: &[Tok], lines: &[usize], shown: &str, rule: &str) -> Option<Vec<Declared>> {
    if toks.first() != Some(&Tok::Op("[")) {
        return None;
    }
    let mut out = Vec::new();
    for (t, line) in toks.iter().zip(lines).skip(1) {
        match t {
            Tok::Str(s) => out.push(Declared {
                text: s.trim().to_string(),
                evidence: Evidence::at(shown, *line, rule),
            }),
            Tok::Op(",") => {}
            Tok::Op("]") => return Some(out),
            _ => return None,
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn texts(p: &LocalPackage) -> Vec<&str> {
        p.requires.iter().map(|d| d.text.as_str()).collect()
    }

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        dir
    }

    #[test]
    fn setup_cfg_lines_and_extras_with_their_lines() {
        let d = project(&[(
            "setup.cfg",
            "[metadata]\nname = blog\n\n[options]\npackages = find:\ninstall_requires =\n    Flask==2.1.3\n    # a comment\n    psycopg2-binary>=2.9,<3\nzip_safe = False\n\n[options.extras_require]\nprod =\n    gunicorn\ntest = pytest\n",
        )]);
        let p = read(d.path(), ".", &["prod".into()]).unwrap();
        assert_eq!(p.source.as_deref(), Some("setup.cfg"));
        assert_eq!(
            texts(&p),
            vec!["Flask==2.1.3", "psycopg2-binary>=2.9,<3", "gunicorn"]
        );
        assert_eq!(p.requires[1].evidence.line, Some(9));
        assert!(p.warnings.is_empty());
        let one = project(&[("setup.cfg", "[options]\ninstall_requires = flask, redis\n")]);
        assert_eq!(
            texts(&read(one.path(), ".", &[]).unwrap()),
            vec!["flask", "redis"]
        );
    }

    #[test]
    fn pyproject_wins_unless_dynamic() {
        let d = project(&[
            (
                "lib/pyproject.toml",
                "[project]\nname = \"core\"\ndependencies = [\n  \"sqlalchemy>=2\",\n]\n[project.optional-dependencies]\nredis = [\"redis\"]\n",
            ),
            ("lib/setup.cfg", "[options]\ninstall_requires = nope\n"),
        ]);
        let p = read(d.path(), "lib", &["Redis".into()]).unwrap();
        assert_eq!(p.source.as_deref(), Some("lib/pyproject.toml"));
        assert_eq!(texts(&p), vec!["sqlalchemy>=2", "redis"]);
        assert_eq!(p.requires[0].evidence.line, Some(4));
        let dynamic = project(&[
            (
                "pyproject.toml",
                "[project]\nname = \"x\"\ndynamic = [\"dependencies\"]\n",
            ),
            ("setup.cfg", "[options]\ninstall_requires =\n  flask\n"),
        ]);
        let p = read(dynamic.path(), ".", &[]).unwrap();
        assert_eq!(p.source.as_deref(), Some("setup.cfg"));
        assert_eq!(texts(&p), vec!["flask"]);
    }

    #[test]
    fn setup_py_literal_lists_direct_or_named_and_computed_ones_refused() {
        let d = project(&[(
            "setup.py",
            "from setuptools import setup, find_packages\n\nREQUIRES = [\n    'flask>=1.1',\n    \"redis\",\n]\n\nsetup(\n    name='app',\n    install_requires=REQUIRES,\n)\n",
        )]);
        let p = read(d.path(), ".", &[]).unwrap();
        assert_eq!(texts(&p), vec!["flask>=1.1", "redis"]);
        assert_eq!(p.requires[1].evidence.line, Some(5));
        let direct = project(&[(
            "setup.py",
            "import setuptools\nsetuptools.setup(name='a', install_requires=['celery[redis]'])\n",
        )]);
        assert_eq!(
            texts(&read(direct.path(), ".", &[]).unwrap()),
            vec!["celery[redis]"]
        );
        let computed = project(&[(
            "setup.py",
            "from setuptools import setup\nsetup(install_requires=open('requirements.in').read().splitlines())\n",
        )]);
        let p = read(computed.path(), ".", &[]).unwrap();
        assert!(p.requires.is_empty());
        assert!(p.warnings[0].contains("line 2"), "{:?}", p.warnings);
        assert!(p.warnings[0].contains("computed"), "{:?}", p.warnings);
    }

    #[test]
    fn nothing_readable_is_said() {
        let d = project(&[("setup.cfg", "[options]\ninstall_requires = file: req.in\n")]);
        let p = read(d.path(), ".", &[]).unwrap();
        assert!(p.requires.is_empty());
        assert!(p.warnings[0].contains("file:"), "{:?}", p.warnings);
        let empty = project(&[]);
        let p = read(empty.path(), ".", &[]).unwrap();
        assert!(p.warnings[0].contains("declares no dependencies"));
    }
}
