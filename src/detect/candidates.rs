//! App candidates: every framework's marker-file apps and app objects, ranked, and the one project they
//! belong to (or an error listing the candidates when they belong to several).

use crate::base::diag::Diagnostics;
use std::collections::BTreeSet;
use std::path::Path;

use super::{AppCandidate, Options, Registry};
use crate::base::error::{Error, Result};
use crate::base::relpath::RelDir;
use crate::framework::{Framework, Named};
use crate::parse::apps::{self, Kind, Source};
use crate::parse::walk::Scan;
use crate::queue::TaskQueue;

/// A candidate with what ranking and resolving need.
#[derive(Debug, Clone)]
pub(super) struct Cand {
    pub app: AppCandidate,
    pub kind: Kind,
    /// The marker file the app was found by (`core/manage.py`), for marker-found apps.
    pub marker: Option<String>,
    /// The project's own setting that named this candidate (`FLASK_APP`).
    pub named: Option<Named>,
}

/// What a folder without a Python web app holds instead, from another ecosystem's manifest at its top.
fn looks_like(root: &Path) -> Option<String> {
    crate::knowledge::OTHER_ECOSYSTEMS
        .iter()
        .find(|(file, _)| crate::base::fs::is_file(&root.join(file)))
        .map(|(file, what)| format!("{what} ({file})"))
}

/// Apps the project names itself: a framework's setting (`FLASK_APP`), or the server its Procfile's
/// `web:` runs (`gunicorn microblog:app`, any framework).
pub(super) fn named(
    root: &Path,
    scan: &Scan,
    reg: &Registry,
    warnings: &mut Diagnostics,
) -> Vec<(Option<Framework>, Named)> {
    let mut out: Vec<(Option<Framework>, Named)> = Vec::new();
    for fw in reg.frameworks {
        if let Some(n) = fw.named_app(root, scan, warnings) {
            out.push((Some(*fw), n));
        }
    }
    let mut dirs: BTreeSet<RelDir> = scan.project_dirs.keys().map(|d| RelDir::new(d)).collect();
    dirs.insert(RelDir::root());
    for dir in dirs {
        let Some((rel, processes)) = super::procfile(root, &scan.sources, &dir, warnings) else {
            continue;
        };
        for p in processes.iter().filter(|p| p.name == "web") {
            if let Some(target) = p.served_app() {
                let rule = format!("Procfile `web:` runs `{} {target}`", p.program());
                out.push((
                    None,
                    Named {
                        dir: dir.clone(),
                        target: target.to_string(),
                        evidence: crate::base::evidence::Evidence::at(&rel, p.line, &rule),
                    },
                ));
            }
        }
    }
    out
}

/// Reads and summarises the modules that may hold app objects: the conventional module names, and the
/// modules the project names itself whatever their name (`FLASK_APP=microblog.py`).
pub(super) fn load_sources(
    root: &Path,
    scan: &Scan,
    reg: &Registry,
    named: &[(Option<Framework>, Named)],
    warnings: &mut Diagnostics,
) -> Vec<Source> {
    let classes = Framework::app_classes(reg.frameworks);
    let mut modules = scan.modules.clone();
    for (_, n) in named {
        let module = n.target.split(':').next().unwrap_or_default();
        let path = module.trim_end_matches(".py").replace('.', "/");
        for file in [format!("{path}.py"), format!("{path}/__init__.py")] {
            let rel = n.dir.join(&file);
            if scan.py_files.contains(&rel) && !modules.contains(&rel) {
                modules.push(rel);
            }
        }
    }
    let words = TaskQueue::with_source_words(reg.queues, &apps::words(&classes));
    let mut sources = apps::load(root, &scan.sources, &modules, &words, warnings);
    // The modules they import from, a few levels and a bounded number: where a factory the app module
    // calls (`app = get_application()`) is defined.
    for _ in 0..3 {
        let mut more = apps::imported_files(&sources, &scan.py_files);
        more.truncate(MAX_FOLLOWED.saturating_sub(sources.len()));
        if more.is_empty() {
            break;
        }
        // Whatever words they contain: a factory's module need not name the framework or a
        // conventional factory (`def register_app(): return build()`).
        sources.extend(apps::load(root, &scan.sources, &more, &[], warnings));
    }
    sources
}

/// At most this many modules are summarised for app candidates, imported ones included.
const MAX_FOLLOWED: usize = 256;

/// Words that mark a module worth summarising: it may read the environment, define click commands,
/// create directories or create its tables (a cheap filter; the tokenizer decides).
const ENV_WORDS: &[&str] = &[
    "env",
    "Settings",
    "config(",
    "click",
    "create_all",
    "makedirs",
    "mkdir",
];

/// Reads and summarises the modules of the project at `dir` that may read environment variables.
pub(super) fn load_env_sources(
    root: &Path,
    scan: &Scan,
    dir: &RelDir,
    queues: &[TaskQueue],
    warnings: &mut Diagnostics,
) -> Vec<Source> {
    load_project_sources(root, scan, dir, ENV_WORDS, queues, warnings)
}

/// The modules that may define workers' apps: the app modules already read, and every module of the
/// project at `dir` with a registered task queue's words, whatever the module is called
/// (`<pkg>/celery_app.py`, `tasks.py`): a worker's app is found by what the module does, not by its name.
pub(super) fn load_worker_sources(
    root: &Path,
    scan: &Scan,
    dir: &RelDir,
    app_sources: &[Source],
    queues: &[TaskQueue],
    warnings: &mut Diagnostics,
) -> Vec<Source> {
    let mut out = app_sources.to_vec();
    // The queues' own words are added by load_project_sources.
    for s in load_project_sources(root, scan, dir, &[], queues, warnings) {
        if !out.iter().any(|o| o.file == s.file) {
            out.push(s);
        }
    }
    out
}

/// Reads and summarises the modules of the project at `dir` that contain one of `words` (a cheap
/// filter; the tokenizer decides).
pub(super) fn load_project_sources(
    root: &Path,
    scan: &Scan,
    dir: &RelDir,
    words: &[&str],
    queues: &[TaskQueue],
    warnings: &mut Diagnostics,
) -> Vec<Source> {
    let files: Vec<String> = scan
        .py_files
        .iter()
        .filter(|f| dir.contains(f))
        .cloned()
        .collect();
    let words = TaskQueue::with_source_words(queues, words);
    apps::load(root, &scan.sources, &files, &words, warnings)
}

/// Every candidate, filtered by `--framework` and `--app-dir`, ranked best first.
pub(super) fn collect(
    root: &Path,
    scan: &Scan,
    sources: &[Source],
    reg: &Registry,
    named: &[(Option<Framework>, Named)],
    opts: &Options,
) -> Result<Vec<Cand>> {
    let mut cands = by_markers(scan, reg);
    cands.extend(by_objects(sources, reg, named));
    if let Some(fw) = opts.framework {
        cands.retain(|c| c.app.framework == fw);
    }
    let all_listed: Vec<String> = cands.iter().map(|c| c.app.to_string()).collect();
    if let Some(want) = opts.app_dir() {
        cands.retain(|c| c.app.app_dir == want || owning_project(scan, &c.app.app_dir) == want);
        if cands.is_empty() && opts.entrypoint.is_none() {
            return Err(Error::AppDirNotFound {
                app_dir: want.as_str().into(),
                candidates: all_listed,
            });
        }
    }
    if cands.is_empty() && opts.entrypoint.is_none() {
        let e = Error::NoApp {
            path: root.to_path_buf(),
            looked_for: Framework::looked_for(reg.frameworks),
            frameworks: Framework::titles(reg.frameworks),
            // A Python manifest beside a `package.json` keeps the project Python: it is no "Node.js
            // project", just one whose app was not found.
            looks_like: scan
                .project_dirs
                .is_empty()
                .then(|| looks_like(root))
                .flatten(),
        };
        return Err(skipped_hint(e, scan));
    }
    cands.sort_by_key(|c| {
        (
            c.kind,
            file_rank(&c.app),
            c.app.app_dir.depth(),
            c.app.app_dir.clone(),
        )
    });
    Ok(cands)
}

/// Apps found by their framework's marker files (Django's `manage.py`).
fn by_markers(scan: &Scan, reg: &Registry) -> Vec<Cand> {
    let mut out = Vec::new();
    for fw in reg.frameworks {
        for f in fw.found_by_markers(scan) {
            out.push(Cand {
                app: AppCandidate {
                    framework: *fw,
                    app_dir: f.app_dir,
                    entrypoint: String::new(),
                    evidence: f.evidence,
                },
                kind: Kind::Instance,
                marker: Some(f.marker),
                named: None,
            });
        }
    }
    out
}

/// App objects and factories; one the project names itself ranks as explicit.
fn by_objects(
    sources: &[Source],
    reg: &Registry,
    named: &[(Option<Framework>, Named)],
) -> Vec<Cand> {
    let classes = Framework::app_classes(reg.frameworks);
    apps::candidates(sources, &classes)
        .into_iter()
        .map(|c| {
            let matching = |fw: &Option<Framework>, n: &Named| {
                fw.is_none_or(|f| f == c.framework) && target_matches(n, &c)
            };
            // The framework's own setting goes to its analysis; a Procfile's only ranks and explains.
            let by_framework = named
                .iter()
                .find(|(fw, n)| fw.is_some() && matching(fw, n))
                .map(|(_, n)| n.clone());
            let by_procfile = named.iter().find(|(fw, n)| fw.is_none() && matching(fw, n));
            let mut evidence = c.evidence;
            if let Some((_, n)) = by_procfile {
                evidence.rule = format!("{} ({})", evidence.rule, n.evidence);
            }
            Cand {
                kind: if by_framework.is_some() || by_procfile.is_some() {
                    Kind::Explicit
                } else {
                    c.kind
                },
                app: AppCandidate {
                    framework: c.framework,
                    app_dir: RelDir::new(&c.app_dir),
                    entrypoint: c.entrypoint,
                    evidence,
                },
                marker: None,
                named: by_framework,
            }
        })
        .collect()
}

/// The project directory the candidates belong to: one, or an ambiguity error listing the best
/// candidate of each.
pub(super) fn pick_project(
    root: &Path,
    scan: &Scan,
    cands: &mut [Cand],
    opts: &Options,
) -> Result<RelDir> {
    let project_of = |c: &Cand| owning_project(scan, &c.app.app_dir);
    let projects: BTreeSet<RelDir> = cands.iter().map(project_of).collect();
    if projects.len() > 1 {
        let mut seen = BTreeSet::new();
        let firsts: Vec<&AppCandidate> = cands
            .iter()
            .filter(|c| seen.insert(project_of(c)))
            .map(|c| &c.app)
            .collect();
        return Err(Error::Ambiguous {
            path: root.to_path_buf(),
            candidates: firsts.iter().map(|c| c.to_string()).collect(),
            app_dirs: firsts.iter().map(|c| c.app_dir.to_string()).collect(),
        });
    }
    Ok(projects
        .into_iter()
        .next()
        .or_else(|| opts.app_dir())
        .unwrap_or_default())
}

/// Conventional file names rank first: wsgi/asgi, then app/main, then the rest.
fn file_rank(c: &AppCandidate) -> usize {
    let file = c.evidence.file.as_deref().unwrap_or_default();
    let name = file.rsplit('/').next().unwrap_or(file);
    match name {
        "manage.py" => 0,
        "wsgi.py" | "asgi.py" => 1,
        "app.py" | "main.py" => 2,
        "application.py" => 3,
        "server.py" | "api.py" | "run.py" => 4,
        "__init__.py" => 5,
        _ => 6,
    }
}

/// The project directory owning `app_dir`: its nearest ancestor (or itself) with a marker file, else
/// `app_dir` itself. A uv workspace member is its own project; the lockfile is found above it later.
fn owning_project(scan: &Scan, app_dir: &RelDir) -> RelDir {
    let mut dir = Some(app_dir.clone());
    while let Some(d) = dir {
        if scan.project_dirs.contains_key(d.as_str()) {
            return d;
        }
        dir = d.parent();
    }
    app_dir.clone()
}

/// Whether a candidate is what a setting such as `FLASK_APP=target` (relative to its directory) names.
fn target_matches(n: &Named, c: &apps::Candidate<Framework>) -> bool {
    let (module_part, attr) = match n.target.split_once(':') {
        Some((m, a)) => (m, Some(a)),
        None => (n.target.as_str(), None),
    };
    let module = module_part.trim_end_matches(".py").replace('/', ".");
    let app_dir = RelDir::new(&c.app_dir);
    let below = (!n.dir.is_root())
        .then(|| app_dir.as_str().strip_prefix(&format!("{}/", n.dir)))
        .flatten();
    let full = match below {
        Some(rest) => format!("{}.{}", rest.replace('/', "."), c.module),
        None => c.module.clone(),
    };
    if full != module {
        return false;
    }
    match attr {
        None => true,
        Some(a) => c
            .entrypoint
            .split_once(':')
            .is_some_and(|(_, x)| x == a || x.trim_end_matches("()") == a.trim_end_matches("()")),
    }
}

/// "No app found" in a tree where the walk skipped names with control characters: say so, since the
/// app may be among them.
fn skipped_hint(e: Error, scan: &crate::parse::walk::Scan) -> Error {
    if !matches!(e.kind(), Error::NoApp { .. }) || scan.hostile.is_empty() {
        return e;
    }
    let first = &scan.hostile[0];
    let more = match scan.hostile.len() - 1 {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    e.with_hint(format!(
        "detection skipped `{first}`{more}: names with a control character or line break cannot be named safely in a Dockerfile or compose file; rename them"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::evidence::Evidence;

    fn cand(app_dir: &str, module: &str, entrypoint: &str) -> apps::Candidate<Framework> {
        apps::Candidate {
            framework: crate::framework::ALL[1],
            kind: Kind::Instance,
            app_dir: app_dir.into(),
            module: module.into(),
            entrypoint: entrypoint.into(),
            evidence: Evidence::rule("x"),
        }
    }

    fn named(dir: &str, target: &str) -> Named {
        Named {
            dir: RelDir::new(dir),
            target: target.into(),
            evidence: Evidence::rule("FLASK_APP"),
        }
    }

    #[test]
    fn named_targets_match_modules_files_and_attributes() {
        assert!(target_matches(
            &named(".", "app.py"),
            &cand(".", "app", "app:app")
        ));
        assert!(target_matches(
            &named(".", "shop:create_app()"),
            &cand(".", "shop", "shop:create_app()")
        ));
        assert!(target_matches(
            &named(".", "shop:create_app"),
            &cand(".", "shop", "shop:create_app()")
        ));
        assert!(!target_matches(
            &named(".", "shop:other"),
            &cand(".", "shop", "shop:app")
        ));
        assert!(target_matches(
            &named("src", "shop"),
            &cand("src", "shop", "shop:app")
        ));
        assert!(!target_matches(
            &named(".", "wsgi"),
            &cand(".", "app", "app:app")
        ));
    }

    #[test]
    fn conventional_files_rank_first() {
        let c = |f: &str| AppCandidate {
            framework: crate::framework::ALL[1],
            app_dir: RelDir::root(),
            entrypoint: String::new(),
            evidence: Evidence::file(f, "x"),
        };
        assert!(file_rank(&c("pkg/wsgi.py")) < file_rank(&c("app.py")));
        assert!(file_rank(&c("app.py")) < file_rank(&c("pkg/__init__.py")));
    }
}
