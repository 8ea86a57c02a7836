//! The chosen app, resolved through its framework: framework, app directory, entrypoint and interface,
//! with evidence, and the framework's own analysis (Django's settings). Explicit options win.

use crate::base::diag::Diagnostics;
use std::path::Path;

use super::candidates::Cand;
use super::{AppCandidate, Options};
use crate::base::answer::Key as Answer;
use crate::base::error::{Error, Result};
use crate::base::evidence::{Evidence, EvidenceMap, Key};
use crate::base::kinds::Interface;
use crate::base::relpath::RelDir;
use crate::framework::{Analysis, AnalyzeCx, Framework};
use crate::parse::deps::DepSet;
use crate::parse::index::SourceIndex;

/// The project as detection reads it: its root, and the run's index of the files read so far (each is
/// read and tokenised once, whichever step asks first).
#[derive(Clone, Copy)]
pub(super) struct Tree<'a> {
    pub root: &'a Path,
    pub sources: &'a SourceIndex,
}

/// What resolving the app decided.
pub(super) struct Chosen {
    pub framework: Framework,
    pub app_dir: RelDir,
    pub entrypoint: String,
    pub interface: Interface,
    pub analysis: Analysis,
    /// Every candidate considered, the chosen one first.
    pub candidates: Vec<AppCandidate>,
}

/// Resolves the best candidate (or, with none, the explicit options alone), then applies
/// `--entrypoint` and `--app-dir`.
pub(super) fn resolve(
    tree: Tree,
    cands: &mut [Cand],
    deps: &DepSet,
    opts: &Options,
    project_dir: &RelDir,
    ev: &mut EvidenceMap,
    warnings: &mut Diagnostics,
) -> Result<Chosen> {
    // The declared dependencies decide which frameworks are possible; marker files only locate them: a
    // marker-found app whose framework is a dependency (manage.py with django) beats app objects, and
    // any app of a dependency beats one of a framework the project does not depend on (a Flask-Script
    // or click `manage.py` in a Flask project is not Django's).
    if cands.len() > 1 {
        cands.sort_by_key(|c| rank(c, deps));
    }
    let mut chosen = match cands.is_empty() {
        false => first_that_explains(tree, cands, deps, opts, project_dir, ev, warnings)?,
        true => from_options(opts, ev)?,
    };
    if let Some(e) = &opts.entrypoint {
        let app_dir = opts.app_dir().unwrap_or_else(|| chosen.app_dir.clone());
        check_given_entrypoint(tree, &[&app_dir, project_dir], e)
            .map_err(|m| given_entrypoint_error(e, &opts.evidence(Answer::Entrypoint), m))?;
        chosen.entrypoint = e.clone();
        ev.insert(Key::Entrypoint, opts.evidence(Answer::Entrypoint));
        if let Some(i) = chosen.framework.interface_of_entrypoint(e) {
            chosen.interface = i;
        }
    }
    if opts.app_dir.is_some() {
        ev.insert(Key::AppDir, opts.evidence(Answer::AppDir));
    }
    chosen.candidates = cands.iter().map(|c| c.app.clone()).collect();
    if let (Some(first), Some(c)) = (chosen.candidates.first_mut(), cands.first())
        && c.marker.is_some()
    {
        first.entrypoint = chosen.entrypoint.clone();
    }
    check_entrypoint(&chosen.entrypoint, ev.get(&Key::Entrypoint))?;
    Ok(chosen)
}

/// 0: found by its marker, framework a dependency; 1: framework a dependency; 2: neither.
fn rank(c: &Cand, deps: &DepSet) -> u8 {
    match (deps.has(c.app.framework.package()), c.marker.is_some()) {
        (true, true) => 0,
        (true, false) => 1,
        (false, _) => 2,
    }
}

/// The first candidate, in rank order, whose framework can resolve it: one that fails (a `manage.py`
/// that names no settings) gives way to the next, and is named in a warning with why; with none, the
/// first one's error. The chosen candidate is moved to the front.
fn first_that_explains(
    tree: Tree,
    cands: &mut [Cand],
    deps: &DepSet,
    opts: &Options,
    project_dir: &RelDir,
    ev: &mut EvidenceMap,
    warnings: &mut Diagnostics,
) -> Result<Chosen> {
    let mut first_error = None;
    let mut lost = Vec::new();
    for i in 0..cands.len() {
        let (mut ev_i, mut warnings_i) = (ev.clone(), Diagnostics::new());
        match from_candidate(
            tree,
            &cands[i],
            deps,
            opts,
            project_dir,
            &mut ev_i,
            &mut warnings_i,
        ) {
            Ok(chosen) => {
                *ev = ev_i;
                warnings.extend(lost);
                warnings.extend(warnings_i);
                warnings.extend(outranked(&cands[i], &cands[i + 1..], deps));
                cands[..=i].rotate_right(1);
                return Ok(chosen);
            }
            Err(e) => {
                lost.push(format!(
                    "{} was not used: {}",
                    described(&cands[i]),
                    crate::base::quote::terminal(&e.to_string())
                ));
                first_error.get_or_insert(e);
            }
        }
    }
    Err(first_error.unwrap_or_else(|| Error::Project {
        message: "no app candidate to resolve".into(),
    }))
}

/// `the django app found by manage.py`, `the flask app at app.py:4`.
fn described(c: &Cand) -> String {
    let how = match &c.marker {
        Some(m) => format!("found by `{m}`"),
        None => format!("at {}", c.app.evidence),
    };
    format!("the {} app {how}", c.app.framework)
}

/// Candidates of a framework the project does not depend on, when the chosen one's is: why they lost.
fn outranked(chosen: &Cand, rest: &[Cand], deps: &DepSet) -> Vec<String> {
    let package = chosen.app.framework.package();
    if !deps.has(package) {
        return Vec::new();
    }
    rest.iter()
        .filter(|c| c.app.framework != chosen.app.framework && !deps.has(c.app.framework.package()))
        .map(|c| {
            format!(
                "{} was not used: {} is not a dependency of the project, {package} is",
                described(c),
                c.app.framework.package()
            )
        })
        .collect()
}

/// The entrypoint reaches the server command, `FLASK_APP` and messages: no control characters.
fn check_entrypoint(entrypoint: &str, ev: Option<&Evidence>) -> Result<()> {
    crate::base::valid::text("the entrypoint", entrypoint).map_err(|message| {
        let at = ev.map(|e| format!(" ({e})")).unwrap_or_default();
        crate::base::error::Error::Usage {
            message: format!("{message}{at}"),
        }
        .with_hint("pass --entrypoint MODULE:ATTR")
    })
}

/// Why the candidate's framework and app directory are what they are: its marker file (with the
/// framework's dependency, when present), or the app object's own rule.
fn rules(c: &Cand, deps: &DepSet) -> (String, String) {
    let package = c.app.framework.package();
    match &c.marker {
        Some(marker) => {
            let name = marker.rsplit('/').next().unwrap_or(marker);
            let with_dep = if deps.has(package) {
                format!(" and a {package} dependency")
            } else {
                String::new()
            };
            (
                format!("{name}{with_dep}"),
                format!("the directory holding {name}"),
            )
        }
        None => (
            c.app.evidence.rule.clone(),
            "the import root of the app module".to_string(),
        ),
    }
}

fn from_candidate(
    tree: Tree,
    c: &Cand,
    deps: &DepSet,
    opts: &Options,
    project_dir: &RelDir,
    ev: &mut EvidenceMap,
    warnings: &mut Diagnostics,
) -> Result<Chosen> {
    let framework = c.app.framework;
    let package = framework.package();
    let (framework_rule, app_dir_rule) = rules(c, deps);
    let framework_rule = match opts.framework {
        Some(_) => opts.evidence(Answer::Framework).to_string(),
        None => framework_rule,
    };
    ev.insert(Key::Framework, c.app.evidence.with_rule(framework_rule));
    ev.insert(Key::AppDir, c.app.evidence.with_rule(app_dir_rule));
    if !deps.has(package) {
        warnings.warn(format!(
            "{framework} is not among the production dependencies of `{project_dir}`; the image will not have it"
        ));
    }
    let analysis = framework.analyze(&AnalyzeCx {
        root: tree.root,
        sources: tree.sources,
        app_dir: &c.app.app_dir,
        marker: c.marker.as_deref().unwrap_or_default(),
        entrypoint: &c.app.entrypoint,
        evidence: &c.app.evidence,
        named: c.named.as_ref(),
        deps,
    })?;
    let (entrypoint, ep_evidence) = analysis
        .entrypoint
        .clone()
        .unwrap_or_else(|| (c.app.entrypoint.clone(), c.app.evidence.clone()));
    ev.insert(Key::Entrypoint, ep_evidence);
    ev.extend(analysis.evidence.iter().cloned());
    warnings.extend(analysis.warnings.iter().cloned());
    Ok(Chosen {
        framework,
        app_dir: c.app.app_dir.clone(),
        entrypoint,
        interface: analysis
            .interface
            .unwrap_or_else(|| framework.default_interface()),
        analysis,
        candidates: Vec::new(),
    })
}

/// An entrypoint the user gave must name a module of the project (in the app directory, the project
/// directory or its `src/`) that mentions the attribute; `Err` says which part is missing.
fn check_given_entrypoint(
    tree: Tree,
    dirs: &[&RelDir],
    entrypoint: &str,
) -> std::result::Result<(), String> {
    let Some((module, attr)) = entrypoint.split_once(':') else {
        return Ok(());
    };
    let rel = module.replace('.', "/");
    let files = [format!("{rel}.py"), format!("{rel}/__init__.py")];
    let found = dirs
        .iter()
        .flat_map(|d| [(*d).clone(), d.child("src")])
        .flat_map(|d| files.iter().map(move |f| d.join(f)))
        .find(|f| crate::base::fs::is_file(&crate::base::fs::join(tree.root, f)));
    let Some(file) = found else {
        return Err(format!(
            "no module `{module}`: neither `{}` nor `{}` exists in `{}`",
            files[0], files[1], dirs[0]
        ));
    };
    let name = attr.split('(').next().unwrap_or(attr).trim();
    let Ok(text) = tree.sources.text(tree.root, &file) else {
        return Ok(());
    };
    // A star import may bring the name from elsewhere: only a module that cannot hold it is refused.
    if text.contains("import *") || has_word(&text, name) {
        Ok(())
    } else {
        Err(format!("`{file}` does not define `{name}`"))
    }
}

/// Whether `word` occurs in `text` as a whole identifier.
fn has_word(text: &str, word: &str) -> bool {
    let ident = |c: char| c.is_alphanumeric() || c == '_';
    text.match_indices(word).any(|(i, _)| {
        let before = text[..i].chars().next_back();
        let after = text[i + word.len()..].chars().next();
        !before.is_some_and(ident) && !after.is_some_and(ident)
    })
}

fn given_entrypoint_error(entrypoint: &str, origin: &Evidence, why: String) -> Error {
    Error::Usage {
        message: format!("invalid entrypoint `{entrypoint}` (from {origin}): {why}"),
    }
    .with_hint(
        "give it as module:attribute with the module's dotted path from the app directory (e.g. `config.wsgi:application`), or leave it out to use the detected one (`dockgen detect` shows it)",
    )
}

/// No candidate: only reachable with `--entrypoint` (and `--framework`, maybe `--app-dir`).
fn from_options(opts: &Options, ev: &mut EvidenceMap) -> Result<Chosen> {
    let framework = opts.framework.ok_or_else(|| Error::Usage {
        message: "no app was found to tell the framework; pass --framework with --entrypoint"
            .into(),
    })?;
    ev.insert(Key::Framework, opts.evidence(Answer::Framework));
    ev.insert(
        Key::AppDir,
        if opts.app_dir.is_some() {
            opts.evidence(Answer::AppDir)
        } else {
            Evidence::rule("the project root (no app directory was given)")
        },
    );
    Ok(Chosen {
        framework,
        app_dir: opts.app_dir().unwrap_or_default(),
        entrypoint: String::new(),
        interface: framework.default_interface(),
        analysis: Analysis::default(),
        candidates: Vec::new(),
    })
}
