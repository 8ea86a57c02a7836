//! The Python version, in order: `--python` > `.python-version` > `.tool-versions` / `mise.toml` >
//! `runtime.txt` > Pipfile `[requires]` > `requires-python` / Poetry's `python` > dockgen's default.
//! Pins are looked for in the project directory, the lock directory and the root.

use std::path::Path;

use super::Options;
use crate::base::error::{Error, Position, Result};
use crate::base::evidence::{Evidence, EvidenceMap, Key};
use crate::base::fs::{self as files, limit};
use crate::base::relpath::RelDir;
use crate::knowledge;
use crate::manager::Manifests;
use crate::parse::lockfiles;
use crate::parse::python_version as pv;

/// The project's declared range: (spec, line, whether it is Poetry's syntax).
type Range = (String, usize, bool);

type Finder = fn(&str) -> Option<((u64, u64), Option<usize>)>;

/// Pin files, strongest first: (file, rule, reader).
const PIN_FILES: [(&str, &str, Finder); 5] = [
    (".python-version", "pinned in .python-version", |t| {
        pv::from_python_version_file(t).map(|v| (v, None))
    }),
    (".tool-versions", "python in .tool-versions", |t| {
        pv::from_tool_versions(t).map(|(v, l)| (v, Some(l)))
    }),
    ("mise.toml", "[tools] python in mise.toml", |t| {
        pv::from_mise(t).map(|v| (v, None))
    }),
    (".mise.toml", "[tools] python in .mise.toml", |t| {
        pv::from_mise(t).map(|v| (v, None))
    }),
    ("runtime.txt", "runtime.txt", |t| {
        pv::major_minor(t.trim()).map(|v| (v, None))
    }),
];

/// Chooses the Python version and records its evidence.
pub(super) fn choose(
    root: &Path,
    m: &Manifests,
    opts: &Options,
    ev: &mut EvidenceMap,
    warnings: &mut Vec<String>,
) -> Result<String> {
    let range = declared_range(m);
    let pinned = match &opts.python {
        Some(p) => Some(explicit(p, opts)?),
        None => pin_file(root, m, warnings)
            .or_else(|| pipfile(root, m, warnings))
            .or_else(|| existing_dockerfile(root, m, warnings)),
    };
    if let Some((v, e)) = pinned {
        check_pin(v, range.as_ref(), warnings);
        ev.insert(Key::PythonVersion, e);
        return Ok(pv::fmt(v));
    }
    if let Some(r) = &range
        && let Some((v, e)) = from_range(m, r, warnings)?
    {
        ev.insert(Key::PythonVersion, e);
        return Ok(pv::fmt(v));
    }
    let default = pv::fmt(knowledge::DEFAULT_PYTHON);
    warnings.push(format!(
        "no Python version is pinned (.python-version, requires-python, Pipfile); the image uses {default}: pin the version you test with in .python-version, or pass --python"
    ));
    ev.insert(
        Key::PythonVersion,
        Evidence::rule(&format!("no version pinned; dockgen's default {default}")),
    );
    Ok(default)
}

fn declared_range(m: &Manifests) -> Option<Range> {
    m.pyproject.as_ref().and_then(|p| {
        p.requires_python()
            .map(|(s, l)| (s, l, false))
            .or_else(|| p.poetry_python().map(|(s, l)| (s, l, true)))
    })
}

fn explicit(p: &str, opts: &Options) -> Result<((u64, u64), Evidence)> {
    let v = pv::major_minor(p).ok_or_else(|| Error::Usage {
        message: format!("invalid --python `{p}`: expected a version such as 3.12"),
    })?;
    Ok((v, opts.evidence("python")))
}

/// Warns about a pinned version dockgen has no images for, or one outside the declared range.
fn check_pin(v: (u64, u64), range: Option<&Range>, warnings: &mut Vec<String>) {
    if !pv::supported(v) {
        warnings.push(format!(
            "Python {} is not one dockgen has tested images for",
            pv::fmt(v)
        ));
    }
    if let Some((spec, _, poetry)) = range
        && pv::range_admits(spec, *poetry, v) == Ok(false)
    {
        warnings.push(format!(
            "Python {} is outside the project's requires-python `{spec}`",
            pv::fmt(v)
        ));
    }
}

/// A small pin file's text; `None` when it is absent. One that is there but cannot be read (a
/// directory, unreadable, not UTF-8) is a warning: skipping it silently would pick another version.
fn read_small(root: &Path, rel: &str, warnings: &mut Vec<String>) -> Option<String> {
    let p = files::join(root, rel);
    if !files::exists(&p) {
        return None;
    }
    match files::read_text(&p, Path::new(rel), limit::SMALL) {
        Ok(text) => Some(text),
        Err(e) => {
            warnings.push(format!(
                "{}; the Python version may not be the one it pins",
                e.one_line()
            ));
            None
        }
    }
}

/// The first pin file found in the project directory, the lock directory, then the root.
fn pin_file(
    root: &Path,
    m: &Manifests,
    warnings: &mut Vec<String>,
) -> Option<((u64, u64), Evidence)> {
    let mut dirs = vec![m.dir.clone()];
    if m.lock_dir != m.dir {
        dirs.push(m.lock_dir.clone());
    }
    if !dirs.contains(&RelDir::root()) {
        dirs.push(RelDir::root());
    }
    PIN_FILES.iter().find_map(|(file, rule, find)| {
        dirs.iter().find_map(|d| {
            let rel = d.join(file);
            let (v, line) = find(&read_small(root, &rel, warnings)?)?;
            Some((v, Evidence::at_or_rule(&rel, line, rule)))
        })
    })
}

/// Pipfile `[requires] python_version` / `python_full_version`.
fn pipfile(
    root: &Path,
    m: &Manifests,
    warnings: &mut Vec<String>,
) -> Option<((u64, u64), Evidence)> {
    let rel = m.path("Pipfile");
    let text = read_small(root, &rel, warnings)?;
    let (_, Some((v, line))) = lockfiles::parse_pipfile(&text, Path::new(&rel)).ok()? else {
        return None;
    };
    let mm = pv::major_minor(&v)?;
    Some((mm, Evidence::at(&rel, line, "[requires] in Pipfile")))
}

/// `FROM python:3.11-slim` in a Dockerfile the project wrote itself (not one dockgen generated).
fn existing_dockerfile(
    root: &Path,
    m: &Manifests,
    warnings: &mut Vec<String>,
) -> Option<((u64, u64), Evidence)> {
    let rel = m.lock_dir.join("Dockerfile");
    let text = read_small(root, &rel, warnings)?;
    if text.starts_with("# Generated by dockgen") {
        return None;
    }
    text.lines().enumerate().find_map(|(i, l)| {
        let mut words = l.split_whitespace();
        let from = words.next()?;
        let image = words.find(|w| !w.starts_with("--"))?;
        let tag = image.strip_prefix("python:")?;
        let v = pv::major_minor(tag.split('-').next()?)?;
        from.eq_ignore_ascii_case("FROM").then(|| {
            (
                v,
                Evidence::at(
                    &rel,
                    i + 1,
                    &format!("`FROM {image}` in the project's own Dockerfile"),
                ),
            )
        })
    })
}

/// The default when the range admits it, else the newest supported version inside it.
fn from_range(
    m: &Manifests,
    (spec, line, poetry): &Range,
    warnings: &mut Vec<String>,
) -> Result<Option<((u64, u64), Evidence)>> {
    let file = m.path("pyproject.toml");
    match pv::from_range(spec, *poetry) {
        Ok(Some(v)) => {
            let rule = format!(
                "{} `{spec}`: {}",
                if *poetry {
                    "Poetry python"
                } else {
                    "requires-python"
                },
                if v == knowledge::DEFAULT_PYTHON {
                    "the default is inside the range"
                } else {
                    "the newest supported version inside the range"
                }
            );
            Ok(Some((v, Evidence::at(&file, *line, &rule))))
        }
        Ok(None) => {
            warnings.push(format!(
                "`{file}` line {line}: no supported Python version satisfies `{spec}`; using the default"
            ));
            Ok(None)
        }
        Err(e) => Err(Error::Parse {
            path: file.into(),
            pos: Some(Position {
                line: *line,
                column: 1,
            }),
            message: format!("invalid Python version range `{spec}`: {e}"),
        }),
    }
}
