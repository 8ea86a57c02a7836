//! The package-manager registry: one module per manager, each implementing [`ManagerSpec`].
//!
//! A manager says which files mark it (lockfile, manifest, `[tool.*]` table), how it reads the production
//! dependencies and which files its locked install needs, and how the image installs them. Detection and
//! planning only call these methods: nothing outside this folder names a manager.
//!
//! Choosing the manager is a ladder of evidence, strongest first: a lockfile (in [`ALL`]'s order), a
//! manager's own manifest without its lock (a Pipfile), a `[tool.<manager>]` table, and last the
//! fallback manager (pip: requirements files, a PEP 621 pyproject, or nothing). Adding a manager is one
//! module here plus one line in [`ALL`] (see CONTRIBUTING.md).

pub mod content_hash;
pub mod install;
pub mod lock;
pub mod pdm;
pub mod pip;
pub mod pipenv;
pub mod poetry;
pub mod uv;

use crate::base::diag::Diagnostics;
use std::collections::BTreeSet;
use std::path::Path;

use serde::Serialize;

use crate::base::error::Result;
use crate::base::evidence::Evidence;
use crate::base::fs::{self as files, limit};
use crate::base::relpath::RelDir;
use crate::parse::deps::DepSet;
use crate::parse::pyproject;
use crate::parse::walk::Scan;
pub use install::{CopyPair, EnvPair, Install};

/// Every package manager, in the order their lockfiles win when several are present.
pub static ALL: &[PackageManager] = &[
    PackageManager(&uv::Uv),
    PackageManager(&poetry::Poetry),
    PackageManager(&pdm::Pdm),
    PackageManager(&pipenv::Pipenv),
    PackageManager(&pip::Pip),
];

/// What a manager's own pyproject table declares (see [`ManagerSpec::tool_manifest`]).
#[derive(Debug, Default)]
pub struct ToolManifest {
    pub name: Option<String>,
    pub deps: DepSet,
}

/// The manifests of the chosen project, parsed once.
pub struct Manifests {
    /// The project directory, relative to the root.
    pub dir: RelDir,
    /// The directory holding the lockfile: the project's, or a uv workspace root above it.
    pub lock_dir: RelDir,
    pub pyproject: Option<pyproject::Loaded>,
    /// The workspace root's pyproject, when the lock is a workspace's.
    pub workspace_root: Option<pyproject::Loaded>,
    /// Marker files present in `dir` and in `lock_dir`.
    pub present: BTreeSet<String>,
    pub lock_present: BTreeSet<String>,
    /// The production requirements file in `dir`, if any.
    pub requirements: Option<&'static str>,
    /// What the managers' own tables in the pyproject declare, in the registry's order (read once).
    tool: Vec<ToolManifest>,
}

impl Manifests {
    /// Whether the project is an installable package (its pyproject has a `[build-system]`).
    pub fn installable(&self) -> bool {
        self.pyproject
            .as_ref()
            .is_some_and(|p| p.has_build_system())
    }

    /// Reads the manifests of the project at `dir`, with the lockfiles and workspaces of the managers in
    /// `all`.
    pub fn load(root: &Path, dir: &RelDir, scan: &Scan, all: &[PackageManager]) -> Result<Self> {
        let present = scan
            .project_dirs
            .get(dir.as_str())
            .cloned()
            .unwrap_or_default();
        let pyproject = load_pyproject(root, dir)?;
        let tool = match &pyproject {
            Some(p) => all
                .iter()
                .map(|m| m.tool_manifest(p))
                .collect::<Result<_>>()?,
            None => Vec::new(),
        };
        let has_lock = all
            .iter()
            .any(|m| m.lockfile().is_some_and(|l| present.contains(l)));
        let mut lock_dir = dir.clone();
        let mut workspace_root = None;
        if !has_lock {
            for m in all {
                if let Some((d, p)) = m.workspace_root(root, dir, scan)? {
                    lock_dir = d;
                    workspace_root = Some(p);
                    break;
                }
            }
        }
        let lock_present = scan
            .project_dirs
            .get(lock_dir.as_str())
            .cloned()
            .unwrap_or_default();
        Ok(Manifests {
            requirements: crate::parse::requirements::production_file(&dir.on(root)),
            dir: dir.clone(),
            lock_dir,
            pyproject,
            workspace_root,
            present,
            lock_present,
            tool,
        })
    }

    /// The project's name: PEP 621's, else the first a manager's own table gives.
    pub fn project_name(&self) -> Option<String> {
        let own = || self.tool.iter().find_map(|t| t.name.clone());
        self.pyproject.as_ref().and_then(|p| p.name()).or_else(own)
    }

    /// The runtime dependencies the pyproject declares: PEP 621's, then each manager's own table's.
    pub fn runtime_deps(&self) -> Result<DepSet> {
        let Some(p) = &self.pyproject else {
            return Ok(DepSet::default());
        };
        let mut set = p.runtime_deps()?;
        for d in self.tool.iter().flat_map(|t| t.deps.iter()) {
            set.add(&d.name, d.extras.clone(), true, d.evidence.clone());
        }
        Ok(set)
    }

    /// `name` in the project directory, relative to the root.
    pub fn path(&self, name: &str) -> String {
        self.dir.join(name)
    }

    /// `name` in the lock directory, relative to the root.
    pub fn lock_path(&self, name: &str) -> String {
        self.lock_dir.join(name)
    }

    /// A path relative to the root, made relative to the build context (the lock directory).
    pub fn in_context(&self, path: &str) -> String {
        self.lock_dir.strip(path)
    }

    /// Reads the lockfile `name` in the lock directory; `None` when it is absent.
    pub fn read_lock(&self, root: &Path, name: &str) -> Result<Option<(String, String)>> {
        let rel = self.lock_path(name);
        let path = files::join(root, &rel);
        if !files::exists(&path) {
            return Ok(None);
        }
        let text = files::read_inside(root, &path, Path::new(&rel), limit::LOCKFILE)?;
        Ok(Some((text, rel)))
    }

    /// The project's pyproject.toml relative to the build context, when it has one.
    pub fn pyproject_file(&self) -> Option<String> {
        self.pyproject
            .as_ref()
            .map(|_| self.in_context(&self.path("pyproject.toml")))
    }
}

/// Reads `dir/pyproject.toml`; `None` when it is absent.
pub fn load_pyproject(root: &Path, dir: &RelDir) -> Result<Option<pyproject::Loaded>> {
    let rel = dir.join("pyproject.toml");
    let path = files::join(root, &rel);
    if !files::exists(&path) {
        return Ok(None);
    }
    let text = files::read_inside(root, &path, Path::new(&rel), limit::MANIFEST)?;
    Ok(Some(pyproject::load(text, Path::new(&rel))?))
}

/// What reading a project's dependencies gives: the production set and the facts the install needs.
#[derive(Debug, Clone, Default)]
pub struct Reading {
    pub deps: DepSet,
    pub facts: InstallFacts,
    /// The files the lockfile lists per package (wheels, sdists), and the lockfile as shown, for the
    /// lock formats that list them.
    pub artifacts: Option<LockArtifacts>,
}

/// The files a lockfile lists per package, and the lockfile as shown.
pub type LockArtifacts = (lock::Artifacts, String);

/// Facts about the locked install, as detection found them (never re-derived from file names).
#[derive(Debug, Clone, Default, Serialize)]
pub struct InstallFacts {
    /// Files the locked install needs, relative to the build context.
    pub files: Vec<String>,
    /// The lockfile, relative to the build context, when the install is locked.
    pub lockfile: Option<String>,
    /// The workspace member to install, when the lock is a workspace's.
    pub workspace_package: Option<String>,
    /// The requirements file pip installs, relative to the build context.
    pub requirements: Option<String>,
    /// The requirements add an index (`--extra-index-url`), so the install takes the best version
    /// across every index, as pip does.
    pub extra_index: bool,
    /// The index the requirements name (`--index-url`) and their `--extra-index-url`s: where the
    /// pins' wheels are looked up. Never serialised (a URL may hold credentials).
    #[serde(skip)]
    pub index_url: Option<String>,
    #[serde(skip)]
    pub extra_index_urls: Vec<String>,
    /// The project's pyproject.toml, relative to the build context, when it has one.
    pub pyproject: Option<String>,
    /// Packages the requirements install from the project's own directories (`-e .`).
    pub local_packages: Vec<LocalInstall>,
    /// The lock was written in an older format than the manager's export needs (a PDM lock without the
    /// `inherit_metadata` strategy), so the install goes through the manager's own sync instead.
    pub legacy_lock: bool,
    /// Requirements files, relative to the build context, with a requirement continued by a `\\` before
    /// its version or marker: pip joins such lines, `uv pip` refuses them (astral-sh/uv#20744), so the
    /// build joins them first, as pip reads them.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub continued: Vec<String>,
}

/// A requirements line that installs a package of the project by path, and what that package declares.
#[derive(Debug, Clone, Default, Serialize)]
pub struct LocalInstall {
    /// The requirements file holding the line, relative to the build context.
    pub file: String,
    pub line: usize,
    /// The requirements the package declares (PEP 508, as written in its metadata).
    pub requires: Vec<String>,
}

/// What reading is given.
pub struct ReadCx<'a> {
    pub root: &'a Path,
    pub manifests: &'a Manifests,
    /// The pyproject's own runtime dependencies (empty without one).
    pub direct: DepSet,
    pub warnings: &'a mut Diagnostics,
}

impl ReadCx<'_> {
    /// The direct dependencies as closure roots (name, extras).
    pub fn roots(&self) -> Vec<(String, Vec<String>)> {
        self.direct
            .iter()
            .map(|d| (d.name.clone(), d.extras.iter().cloned().collect()))
            .collect()
    }
}

/// `locked` with the direct dependencies added (marked direct, with the manifest's evidence).
pub fn merge_direct(mut locked: DepSet, direct: &DepSet) -> DepSet {
    for d in direct.iter() {
        let ev = d.evidence.clone();
        locked.add(&d.name, d.extras.iter().cloned(), true, ev.clone());
        if let Some(x) = locked.0.get_mut(&d.name) {
            x.evidence = ev;
        }
    }
    locked
}

/// What the install steps are given.
pub struct InstallCx<'a> {
    pub facts: &'a InstallFacts,
    /// `major.minor`.
    pub python_version: crate::base::python::PythonVersion,
    /// Whether the project is an installable package (`[build-system]` present).
    pub installable: bool,
    pub project_name: Option<&'a str>,
    /// The virtualenv the dependencies go into.
    pub venv: &'a str,
}

/// One package manager. Implementations are unit structs listed in [`ALL`].
pub trait ManagerSpec: Sync {
    /// The name in flags, JSON and dockgen.toml: `uv`.
    fn name(&self) -> &'static str;
    /// One line for `--help`.
    fn about(&self) -> &'static str;
    /// Files whose presence makes a directory a project of this manager (for the walk).
    fn markers(&self) -> &'static [&'static str];
    /// Its lockfile's name.
    fn lockfile(&self) -> Option<&'static str>;
    /// Its own manifest, which names it even without a lock (`Pipfile`).
    fn manifest(&self) -> Option<&'static str> {
        None
    }
    /// The Python version its own manifest pins (Pipfile's `[requires] python_version`), read from the
    /// manifest's `text`: the version, its line and how the evidence names it (`[requires] in Pipfile`).
    fn manifest_python(&self, _text: &str, _shown: &Path) -> Option<(String, usize, &'static str)> {
        None
    }
    /// Its own Python constraint in pyproject.toml, asked when `requires-python` gives none (Poetry's
    /// `python = "^3.12"`), with how the evidence names it (`Poetry python`).
    fn python_range(
        &self,
        _pyproject: &pyproject::Loaded,
    ) -> Option<(crate::parse::python_version::PythonRange, &'static str)> {
        None
    }
    /// The environment variables with which its users name their package index (`PIP_INDEX_URL`):
    /// where the requirements' pins are looked up when the requirements name none.
    fn index_variables(&self) -> &'static [&'static str] {
        &[]
    }
    /// Its `[tool.*]` table in pyproject.toml (`tool.poetry`).
    fn tool_table(&self) -> Option<&'static str> {
        None
    }
    /// What its own table in the pyproject declares beside PEP 621's `[project]`: a name and runtime
    /// dependencies (Poetry 1's `[tool.poetry]`).
    fn tool_manifest(&self, _pyproject: &pyproject::Loaded) -> Result<ToolManifest> {
        Ok(ToolManifest::default())
    }
    /// Keys of that table that configure its build backend only (pdm-backend's `build`): a table
    /// holding nothing else is not evidence that this manager manages the dependencies.
    fn build_backend_keys(&self) -> &'static [&'static str] {
        &[]
    }
    /// The lock directory and its pyproject above `dir`, when `dir` is a member of this manager's
    /// workspace whose lock sits higher up.
    fn workspace_root(
        &self,
        _root: &Path,
        _dir: &RelDir,
        _scan: &Scan,
    ) -> Result<Option<(RelDir, pyproject::Loaded)>> {
        Ok(None)
    }
    /// When nothing names any manager: this one, with its evidence (only the fallback manager, pip).
    fn fallback(&self, _m: &Manifests, _warnings: &mut Diagnostics) -> Option<Evidence> {
        None
    }
    /// Reads the production dependencies and the files the locked install needs.
    fn read(&self, cx: &mut ReadCx) -> Result<Reading>;
    /// The builder stage's install steps.
    fn install(&self, cx: &InstallCx) -> Result<Install>;
    /// The image the builder copies the manager's binary from (uv's), when it has one.
    fn binary_image(&self) -> Option<String> {
        None
    }
    /// A command that installs one more pinned package (`gunicorn==23.0.0`) into the virtualenv.
    fn install_extra(&self, cx: &InstallCx, pin: &str) -> String;
}

crate::registry_handle!(
    /// A registered package manager: a handle to its [`ManagerSpec`], compared and serialised by name.
    PackageManager,
    ManagerSpec,
    ALL,
    "A package manager whose locked install the image reproduces."
);

/// Chooses the manager of the project whose manifests are `m`, from the strongest evidence present.
pub fn choose(
    all: &[PackageManager],
    m: &Manifests,
    warnings: &mut Diagnostics,
) -> (PackageManager, Evidence) {
    if let Some(found) = by_lockfile(all, m, warnings) {
        return found;
    }
    for pm in all {
        if let Some(manifest) = pm.manifest().filter(|f| m.present.contains(*f)) {
            // A requirements file beside a lockless manifest is the list the project pins and commits:
            // the image installs it rather than resolving the manifest anew.
            if let Some(req) = m.requirements
                && let Some(fallback) = all
                    .iter()
                    .find(|f| f.fallback(m, &mut Diagnostics::new()).is_some())
            {
                warnings.warn(format!(
                    "`{}` has no {}, so the image installs `{}` beside it instead (run `{pm} lock` and commit the lock to install with {pm})",
                    m.path(manifest),
                    pm.lockfile().unwrap_or("lockfile"),
                    m.path(req)
                ));
                let rule = format!("requirements file beside a {manifest} without a lock");
                return (*fallback, Evidence::file(&m.path(req), &rule));
            }
            warnings.warn(format!(
                "`{}` has no {}: the install is not locked (run `{pm} lock`)",
                m.path(manifest),
                pm.lockfile().unwrap_or("lockfile")
            ));
            let rule = format!("{manifest} without a lock");
            return (*pm, Evidence::file(&m.path(manifest), &rule));
        }
    }
    if let Some(found) = by_tool_table(all, m, warnings) {
        return found;
    }
    for pm in all {
        if let Some(e) = pm.fallback(m, warnings) {
            return (*pm, e);
        }
    }
    unreachable!("the registry has a fallback manager (tested)")
}

fn by_lockfile(
    all: &[PackageManager],
    m: &Manifests,
    warnings: &mut Diagnostics,
) -> Option<(PackageManager, Evidence)> {
    let locks: Vec<(&str, PackageManager)> = all
        .iter()
        .filter_map(|pm| pm.lockfile().map(|l| (l, *pm)))
        .filter(|(l, _)| m.lock_present.contains(*l))
        .collect();
    if locks.len() > 1 {
        let names: Vec<String> = locks.iter().map(|(f, _)| format!("`{f}`")).collect();
        warnings.warn(format!(
            "several lockfiles in `{}`: {}; using {} (pass --package-manager to choose)",
            m.lock_dir,
            names.join(", "),
            locks[0].0
        ));
    }
    let (file, pm) = locks.first()?;
    if let Some(req) = m.requirements {
        warnings.warn(format!(
            "both `{}` and `{}` exist; the lockfile wins and `{req}` is ignored (pass --package-manager pip to use it)",
            m.lock_path(file),
            m.path(req)
        ));
    }
    let rule = if m.lock_dir != m.dir {
        format!("lockfile of the uv workspace containing `{}`", m.dir)
    } else {
        "lockfile present".into()
    };
    Some((*pm, Evidence::file(&m.lock_path(file), &rule)))
}

fn by_tool_table(
    all: &[PackageManager],
    m: &Manifests,
    warnings: &mut Diagnostics,
) -> Option<(PackageManager, Evidence)> {
    let p = m.pyproject.as_ref()?;
    let (pm, table) = all.iter().find_map(|pm| {
        pm.tool_table()
            .filter(|t| {
                p.tool_configures_beyond(t.trim_start_matches("tool."), pm.build_backend_keys())
            })
            .map(|t| (*pm, t))
    })?;
    let file = m.path("pyproject.toml");
    warnings.warn(format!(
        "`{file}` configures {pm} but has no lockfile: the install is not locked (run `{pm} lock`)"
    ));
    let rule = format!("[{table}] in pyproject.toml, no lockfile");
    Some((
        pm,
        Evidence::at_or_rule(&file, p.line_of_table(table), &rule),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every registered manager is complete: a unique name, help, markers that include its lockfile and
    /// manifest, and exactly one fallback in the registry.
    #[test]
    fn every_registered_manager_is_complete() {
        let mut names = BTreeSet::new();
        for pm in ALL {
            let name = pm.as_str();
            assert!(names.insert(name), "{name} is registered once");
            assert_eq!(name.parse::<PackageManager>(), Ok(*pm));
            assert!(!pm.about().is_empty(), "{name}");
            for f in pm.lockfile().into_iter().chain(pm.manifest()) {
                assert!(pm.markers().contains(&f), "{name} marks its {f}");
            }
            assert!(
                pm.lockfile().is_some()
                    || pm.manifest().is_some()
                    || pm.tool_table().is_some()
                    || pm.markers().iter().any(|m| m.ends_with(".txt")),
                "{name} can be recognised"
            );
        }
        let dir = tempfile::tempdir().unwrap();
        let scan = crate::parse::walk::scan(dir.path(), &Default::default());
        let m = Manifests::load(dir.path(), &RelDir::root(), &scan, ALL).unwrap();
        let fallbacks = ALL
            .iter()
            .filter(|pm| pm.fallback(&m, &mut Diagnostics::new()).is_some())
            .count();
        assert_eq!(fallbacks, 1, "exactly one fallback manager");
    }

    fn chosen(pyproject: &str) -> String {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("pyproject.toml"), pyproject).unwrap();
        let scan = crate::parse::walk::scan(dir.path(), &Default::default());
        let m = Manifests::load(dir.path(), &RelDir::root(), &scan, ALL).unwrap();
        choose(ALL, &m, &mut Diagnostics::new())
            .0
            .as_str()
            .to_string()
    }

    /// A `[tool.*]` table names its manager only for what the manager itself reads: a build backend's
    /// own settings (pdm-backend's `[tool.pdm.build]`, uv_build's `[tool.uv.build-backend]`) do not.
    #[test]
    fn a_build_backend_table_is_not_evidence_for_its_manager() {
        let project = "[project]\nname = \"x\"\nversion = \"1\"\n";
        for (tables, want) in [
            ("[tool.pdm.build]\nincludes = [\"x\"]\n", "pip"),
            ("[tool.pdm.version]\nsource = \"scm\"\n", "pip"),
            ("[tool.uv.build-backend]\nmodule-root = \"\"\n", "pip"),
            (
                "[tool.pdm]\ndistribution = false\n[tool.pdm.build]\nincludes = []\n",
                "pdm",
            ),
            ("[tool.pdm.dev-dependencies]\ntest = [\"pytest\"]\n", "pdm"),
            ("[tool.uv]\npackage = false\n", "uv"),
        ] {
            assert_eq!(chosen(&format!("{project}{tables}")), want, "{tables}");
        }
    }
}
