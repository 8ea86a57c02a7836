//! The Python version, in order: `--python` > `.python-version` > `.tool-versions` / `mise.toml` >
//! `runtime.txt` > Pipfile `[requires]` > `requires-python` / Poetry's `python` > dockgen's default.
//! Pins are looked for in the project directory, the lock directory and the root.

use crate::base::diag::Diagnostics;
use crate::base::python::PythonVersion;
use std::path::Path;

use super::Options;
use crate::base::answer::Key as Answer;
use crate::base::error::{Error, Position, Result};
use crate::base::evidence::{Evidence, EvidenceMap, Key};
use crate::base::fs::{self as files, limit};
use crate::base::relpath::RelDir;
use crate::knowledge;
use crate::manager::lock;
use crate::manager::{Manifests, PackageManager};
use crate::parse::deps::DepSet;
use crate::parse::python_version as pv;
use crate::parse::wheels;
use crate::pkgindex;

/// The project's declared range.
pub(super) type Range = pv::PythonRange;

/// The chosen version, and how free the choice was.
pub(super) struct Choice {
    pub version: PythonVersion,
    /// Given with `--python` or pinned in a file: never changed.
    pub pinned: bool,
    /// The project's declared range, which any other choice must stay inside.
    pub range: Option<Range>,
    /// Nothing chose it but dockgen's default.
    pub defaulted: bool,
}

impl Choice {
    /// Whether `v` is a version dockgen may choose instead: supported and inside the declared range.
    pub fn admits(&self, v: PythonVersion) -> bool {
        pv::supported(v) && self.range.as_ref().is_none_or(|r| r.admits(v) == Ok(true))
    }
}

type Finder = fn(&str) -> Option<(PythonVersion, Option<usize>)>;

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
fn choose(
    root: &Path,
    m: &Manifests,
    opts: &Options,
    managers: &[PackageManager],
    ev: &mut EvidenceMap,
    warnings: &mut Diagnostics,
) -> Result<Choice> {
    let (range, what) = declared_range(m, managers).unzip();
    let pinned = match &opts.python {
        Some(p) => Some(explicit(p, opts)?),
        None => pin_file(root, m, warnings)
            .or_else(|| manifest_pin(root, m, managers, warnings))
            .or_else(|| existing_dockerfile(root, m, warnings))
            .or_else(|| ci_config(root, range.as_ref(), warnings)),
    };
    if let Some((v, e)) = pinned {
        check_pin(v, range.as_ref(), warnings);
        ev.insert(Key::PythonVersion, e);
        return Ok(Choice {
            version: v,
            pinned: true,
            range,
            defaulted: false,
        });
    }
    if let Some(r) = &range
        && let Some((v, e)) = from_range(m, r, what.unwrap_or_default())?
    {
        ev.insert(Key::PythonVersion, e);
        return Ok(Choice {
            version: v,
            pinned: false,
            range,
            defaulted: false,
        });
    }
    let default = knowledge::DEFAULT_PYTHON.to_string();
    ev.insert(
        Key::PythonVersion,
        Evidence::rule(&format!("no version pinned; dockgen's default {default}")),
    );
    Ok(Choice {
        version: knowledge::DEFAULT_PYTHON,
        pinned: false,
        range,
        defaulted: true,
    })
}

/// The warning for a version nothing pinned (after the lockfile's wheels had their say).
fn warn_unpinned(c: &Choice, warnings: &mut Diagnostics) {
    if c.defaulted {
        let v = c.version.to_string();
        warnings.warn(format!(
            "no Python version is pinned (.python-version, requires-python, Pipfile); the image uses {v}: pin the version you test with in .python-version, or pass --python"
        ));
    }
}

/// The Python range the project declares (`requires-python`, else a manager's own constraint), with
/// how its evidence names it.
fn declared_range(m: &Manifests, managers: &[PackageManager]) -> Option<(Range, &'static str)> {
    let p = m.pyproject.as_ref()?;
    match p.requires_python() {
        Some((spec, line)) => {
            let syntax = pv::RangeSyntax::Pep440;
            Some((Range { spec, line, syntax }, "requires-python"))
        }
        None => managers.iter().find_map(|mg| mg.python_range(p)),
    }
}

fn explicit(p: &str, opts: &Options) -> Result<(PythonVersion, Evidence)> {
    let v = pv::major_minor(p).ok_or_else(|| Error::Usage {
        message: format!("invalid --python `{p}`: expected a version such as 3.12"),
    })?;
    Ok((v, opts.evidence(Answer::Python)))
}

/// Warns about a pinned version dockgen has no images for, or one outside the declared range.
fn check_pin(v: PythonVersion, range: Option<&Range>, warnings: &mut Diagnostics) {
    if !pv::supported(v) {
        warnings.warn(format!(
            "Python {} is not one dockgen has tested images for",
            v
        ));
    }
    if let Some(r) = range
        && r.admits(v) == Ok(false)
    {
        warnings.warn(format!(
            "Python {} is outside the project's requires-python `{}`",
            v, r.spec
        ));
    }
}

/// A small pin file's text; `None` when it is absent. One that is there but cannot be read (a
/// directory, unreadable, not UTF-8) is a warning: skipping it silently would pick another version.
fn read_small(root: &Path, rel: &str, warnings: &mut Diagnostics) -> Option<String> {
    let p = files::join(root, rel);
    if !files::exists(&p) {
        return None;
    }
    match files::read_text(&p, Path::new(rel), limit::SMALL) {
        Ok(text) => Some(text),
        Err(e) => {
            warnings.warn(format!(
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
    warnings: &mut Diagnostics,
) -> Option<(PythonVersion, Evidence)> {
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

/// The Python version a manager's own manifest pins (Pipfile's `[requires]`).
fn manifest_pin(
    root: &Path,
    m: &Manifests,
    managers: &[PackageManager],
    warnings: &mut Diagnostics,
) -> Option<(PythonVersion, Evidence)> {
    managers.iter().find_map(|mg| {
        let rel = m.path(mg.manifest()?);
        let text = read_small(root, &rel, warnings)?;
        let (v, line, rule) = mg.manifest_python(&text, Path::new(&rel))?;
        let mm = pv::major_minor(&v)?;
        Some((mm, Evidence::at(&rel, line, rule)))
    })
}

/// `FROM python:3.11-slim` in a Dockerfile the project wrote itself (not one dockgen generated).
fn existing_dockerfile(
    root: &Path,
    m: &Manifests,
    warnings: &mut Diagnostics,
) -> Option<(PythonVersion, Evidence)> {
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

/// The CI files dockgen reads, relative to PATH: GitHub Actions workflows (at most 50) and GitLab CI.
fn ci_files(root: &Path) -> Vec<(String, bool)> {
    let mut found: Vec<(String, bool)> = std::fs::read_dir(files::join(root, ".github/workflows"))
        .into_iter()
        .flatten()
        .flatten()
        .take(50)
        .filter_map(|e| {
            let name = e.file_name().to_str()?.to_string();
            (name.ends_with(".yml") || name.ends_with(".yaml"))
                .then(|| (format!(".github/workflows/{name}"), false))
        })
        .collect();
    found.sort();
    found.push((".gitlab-ci.yml".into(), true));
    found
}

/// The newest supported version the project's CI tests on (inside the declared range, if any).
fn ci_config(
    root: &Path,
    range: Option<&Range>,
    warnings: &mut Diagnostics,
) -> Option<(PythonVersion, Evidence)> {
    let admitted =
        |v: PythonVersion| pv::supported(v) && range.is_none_or(|r| r.admits(v) == Ok(true));
    // (chosen version, file, every version the file names)
    type Found = (PythonVersion, String, Vec<PythonVersion>);
    let mut best: Option<Found> = None;
    for (rel, gitlab) in ci_files(root) {
        let Some(text) = read_small(root, &rel, warnings) else {
            continue;
        };
        let tested = crate::parse::ci::pythons(&text, gitlab);
        if let Some(v) = tested.iter().copied().filter(|v| admitted(*v)).max()
            && best.as_ref().is_none_or(|(b, _, _)| v > *b)
        {
            best = Some((v, rel, tested));
        }
    }
    let (v, rel, tested) = best?;
    let tested: Vec<String> = tested.iter().map(ToString::to_string).collect();
    let rule = format!(
        "the project's CI tests on Python {}: the newest{}",
        tested.join(", "),
        if range.is_some() {
            " inside the declared range"
        } else {
            ""
        }
    );
    Some((v, Evidence::file(&rel, &rule)))
}

/// The default when the range admits it, else the newest supported version inside it.
fn from_range(
    m: &Manifests,
    range: &Range,
    what: &str,
) -> Result<Option<(PythonVersion, Evidence)>> {
    let Range { spec, line, .. } = range;
    let file = m.path("pyproject.toml");
    match range.choose() {
        Ok(Some(v)) => {
            let rule = format!(
                "{what} `{spec}`: {}",
                if v == knowledge::DEFAULT_PYTHON {
                    "the default is inside the range"
                } else {
                    "the newest supported version inside the range"
                }
            );
            Ok(Some((v, Evidence::at(&file, *line, &rule))))
        }
        // An image outside the declared range would not install the project: refused, never defaulted.
        Ok(None) => {
            let supported: Vec<String> = knowledge::SUPPORTED_PYTHONS
                .iter()
                .map(|v| v.to_string())
                .collect();
            Err(Error::Parse {
                path: file.into(),
                pos: Some(Position {
                    line: *line,
                    column: 1,
                }),
                message: format!(
                    "the Python range `{spec}` admits none of the versions dockgen has images for ({})",
                    supported.join(", ")
                ),
            }
            .with_hint(
                "widen the range if the project runs on a newer Python, or pass --python to build with one anyway",
            ))
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

/// The locked production dependencies, the files the lockfile lists for them, and the install's facts
/// (the requirements file and the indexes it names).
#[derive(Clone, Copy)]
pub(super) struct Locked<'a> {
    /// The registered managers, whose manifests may pin or constrain the version.
    pub managers: &'a [PackageManager],
    pub deps: &'a DepSet,
    pub artifacts: Option<&'a crate::manager::LockArtifacts>,
    pub install: &'a crate::manager::InstallFacts,
}

/// Where the file lists came from, in the words each message uses.
struct Listed {
    /// The file the evidence names (the lockfile, or the requirements file whose pins were looked up).
    file: String,
    /// What lists the files ("uv.lock", "the index https://pypi.org/simple/").
    lister: String,
    /// "every package in uv.lock has a wheel", "every exact pin in requirements.txt has a wheel on ...".
    every: String,
}

/// The Python version ([`choose`]), fitted to the wheels the lockfile lists or, with no such lockfile
/// and nothing in the project deciding the version, to those the package index lists for the exact
/// pins ([`fit_wheels`]); and the packages the image builds from source for it.
pub(super) fn decide(
    root: &Path,
    m: &Manifests,
    opts: &Options,
    locked: Locked,
    ev: &mut EvidenceMap,
    warnings: &mut Diagnostics,
) -> Result<(Choice, Vec<SourceBuild>)> {
    let mut choice = choose(root, m, opts, locked.managers, ev, warnings)?;
    let listed = match locked.artifacts {
        Some((artifacts, lockfile)) => Some((
            artifacts.clone(),
            Listed {
                file: lockfile.clone(),
                lister: lockfile.clone(),
                every: format!("every package in {lockfile} has a wheel"),
            },
        )),
        None if !choice.pinned => from_index(m, opts, locked, warnings),
        None => None,
    };
    let builds = match &listed {
        Some((artifacts, listed)) => {
            fit_wheels(&mut choice, locked.deps, artifacts, listed, ev, warnings)
        }
        None => vec![],
    };
    warn_unpinned(&choice, warnings);
    Ok((choice, builds))
}

/// The files the package index lists for each exact pin (`==`) of the requirements, when detection may
/// ask it (`opts.index`, which `--offline` leaves unset). An index that cannot be asked is a warning.
fn from_index(
    m: &Manifests,
    opts: &Options,
    locked: Locked,
    warnings: &mut Diagnostics,
) -> Option<(lock::Artifacts, Listed)> {
    let access = opts.index.as_ref()?;
    let req = m.path(locked.install.requirements.as_deref()?);
    let pins: Vec<(String, String)> = locked
        .deps
        .iter()
        .filter(|d| d.direct)
        .filter_map(|d| Some((d.name.clone(), d.version.clone()?)))
        .collect();
    if pins.is_empty() {
        return None;
    }
    let install = locked.install;
    let indexes = pkgindex::indexes(
        access,
        install.index_url.as_deref(),
        &install.extra_index_urls,
    );
    let listing = pkgindex::files_of_pins(access, &indexes, &pins);
    warnings.extend(listing.warnings);
    if listing.files.is_empty() {
        return None;
    }
    let index = pkgindex::shown(&indexes[0]);
    let artifacts = listing
        .files
        .into_iter()
        .map(|(name, (version, files))| (name, (Some(version), files)))
        .collect();
    Some((
        artifacts,
        Listed {
            every: format!("every exact pin in {req} has a wheel on the index {index}"),
            lister: format!("the index {index}"),
            file: req,
        },
    ))
}

/// A locked package that pip will build from source in the image, with why.
pub(super) struct SourceBuild {
    pub package: String,
    pub evidence: Evidence,
}

/// The lockfile's files for the production dependencies: (name, version, files).
fn locked_files<'a>(
    deps: &'a DepSet,
    artifacts: &'a lock::Artifacts,
) -> Vec<(&'a str, Option<&'a str>, &'a [String])> {
    deps.iter()
        .filter_map(|d| {
            let (version, files) = artifacts.get(&d.name)?;
            (!files.is_empty()).then_some((d.name.as_str(), version.as_deref(), files.as_slice()))
        })
        .collect()
}

/// The packages that have wheels, but none for `v`.
fn no_wheel_for<'a>(
    locked: &[(&'a str, Option<&'a str>, &[String])],
    v: PythonVersion,
) -> Vec<&'a str> {
    locked
        .iter()
        .filter(|(_, _, files)| wheels::fit(files, v) == wheels::Fit::NoWheelForPython)
        .map(|(name, _, _)| *name)
        .collect()
}

/// Fits the chosen version to the wheels the lockfile lists (uv.lock, poetry.lock, pdm.lock).
///
/// A version dockgen chose (not pinned) moves to the newest one the declared range admits for which
/// every locked package has a wheel, when the first choice lacks some. A pinned version stays, with a
/// warning per package pip would build from source for it. Returns the packages built from source
/// (sdist only, or no wheel for the final version): the builder needs a compiler for them.
fn fit_wheels(
    choice: &mut Choice,
    deps: &DepSet,
    artifacts: &lock::Artifacts,
    listed: &Listed,
    ev: &mut EvidenceMap,
    warnings: &mut Diagnostics,
) -> Vec<SourceBuild> {
    let locked = locked_files(deps, artifacts);
    let missing = no_wheel_for(&locked, choice.version);
    if !choice.pinned && !missing.is_empty() {
        let better = knowledge::SUPPORTED_PYTHONS
            .iter()
            .rev()
            .copied()
            .find(|v| choice.admits(*v) && no_wheel_for(&locked, *v).is_empty());
        if let Some(v) = better {
            let was = choice.version.to_string();
            let shown: Vec<String> = locked
                .iter()
                .filter(|(n, _, _)| missing.contains(n))
                .map(|(n, ver, _)| format!("{n} {}", ver.unwrap_or("?")))
                .collect();
            let rule = format!(
                "the newest supported Python{} for which {} ({} {} none for {was})",
                if choice.range.is_some() {
                    " inside the declared range"
                } else {
                    ""
                },
                listed.every,
                shown.join(" and "),
                if shown.len() == 1 { "has" } else { "have" },
            );
            ev.insert(Key::PythonVersion, Evidence::file(&listed.file, &rule));
            choice.version = v;
        }
    }
    source_builds(&locked, choice.version, listed, warnings)
}

/// What to say of a package with no Linux x86_64 wheel for Python `v`: what the builder gets for its
/// source build (the table's system packages, else a C compiler), and a Python to pin only when some
/// supported Python has a wheel (`with`); a package that publishes none for Linux (mysqlclient's wheels
/// are Windows-only) builds from source on every Python.
fn no_wheel_warning(
    shown: &str,
    name: &str,
    file: &str,
    v: PythonVersion,
    with: &[String],
) -> String {
    let needs = knowledge::source_build_needs(name);
    let gets = if *needs == knowledge::COMPILER {
        "a C compiler; it may need more".to_string()
    } else {
        format!("{}: {}", needs.why, needs.build.join(", "))
    };
    if with.is_empty() {
        return format!(
            "`{shown}` in {file} publishes no wheel for Linux x86_64: the image builds it from source on any Python (the builder gets {gets})"
        );
    }
    format!(
        "`{shown}` in {file} has no wheel for Python {v} on Linux x86_64 (it has wheels for {}): the image builds it from source (the builder gets {gets}); pin a Python it has wheels for, or upgrade it",
        with.join(", ")
    )
}

/// The locked packages pip would build from source for Python `v` (sdist only, or no wheel for it),
/// each warned about when it has no wheel for `v`.
fn source_builds(
    locked: &[(&str, Option<&str>, &[String])],
    v: PythonVersion,
    listed: &Listed,
    warnings: &mut Diagnostics,
) -> Vec<SourceBuild> {
    let (file, lister) = (&listed.file, &listed.lister);
    let mut builds = vec![];
    for (name, version, files) in locked {
        let shown = match version {
            Some(ver) => format!("{name} {ver}"),
            None => name.to_string(),
        };
        let why = match wheels::fit(files, v) {
            wheels::Fit::Wheel => continue,
            wheels::Fit::SourceOnly => {
                format!("{lister} lists only a source distribution of {shown}")
            }
            wheels::Fit::NoWheelForPython => {
                let with: Vec<String> = knowledge::SUPPORTED_PYTHONS
                    .iter()
                    .filter(|s| files.iter().any(|f| wheels::wheel_fits(f, **s)))
                    .map(|s| s.to_string())
                    .collect();
                warnings.warn(no_wheel_warning(&shown, name, file, v, &with));
                format!("{lister} lists no wheel of {shown} for Python {}", v)
            }
        };
        builds.push(SourceBuild {
            package: name.to_string(),
            evidence: Evidence::file(file, &why),
        });
    }
    builds
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A package whose only wheels are for another platform builds from source on every Python: no
    /// Python is offered to pin, and the builder's packages from the table are named; a package with
    /// wheels for other Pythons is offered those.
    #[test]
    fn a_source_build_warning_names_what_the_builder_gets() {
        let v = PythonVersion::new(3, 13);
        let w = no_wheel_warning(
            "mysqlclient 2.3.2",
            "mysqlclient",
            "requirements.txt",
            v,
            &[],
        );
        assert!(w.contains("publishes no wheel for Linux x86_64"), "{w}");
        assert!(w.contains("default-libmysqlclient-dev"), "{w}");
        assert!(!w.contains("pin a Python"), "{w}");
        let with = ["3.11".to_string()];
        let w = no_wheel_warning("greenlet 3.0.1", "greenlet", "uv.lock", v, &with);
        assert!(
            w.starts_with("`greenlet 3.0.1` in uv.lock has no wheel for Python 3.13 on Linux x86_64 (it has wheels for 3.11)"),
            "{w}"
        );
        assert!(w.contains("a C compiler; it may need more"), "{w}");
        assert!(
            w.ends_with("pin a Python it has wheels for, or upgrade it"),
            "{w}"
        );
    }
}
