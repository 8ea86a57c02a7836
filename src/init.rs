//! `init` as one library call: answers (flags > environment > saved > detection, plus prompts when a
//! [`Prompter`] is given) -> detect -> plan -> render (built-in or forked templates) -> preflight ->
//! settle conflicts -> write, including the saved answers in `dockgen.toml`.
//!
//! Nothing is written until every step before the write has succeeded, so a bad answer, a broken fork or
//! a refused conflict leaves the project as it was.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::answers::{self, Answers, Layer, Origin};
use crate::base::error::{Error, Result};
use crate::base::kinds::{Service, Worker};
use crate::detect::{self, Evidence, Framework, Key, Project};
use crate::parse::python_version as pv;
use crate::plan::{self, Plan, WorkerKind};
use crate::prompt::Prompter;
use crate::render::{self, Templates};
use crate::write::{self, FileReport, Mode, OutFile, Resolution, Status};

/// What `init` is asked to do.
#[derive(Debug, Clone)]
pub struct Request {
    /// The project directory.
    pub root: PathBuf,
    /// Answers given as flags.
    pub flags: Layer,
    /// Answers given as `DOCKGEN_*` variables.
    pub env: Layer,
    pub mode: Mode,
    /// A name for the image when the project declares none.
    pub name_hint: Option<String>,
    /// The directory relative `--templates`/`DOCKGEN_TEMPLATES` paths start from.
    pub cwd: PathBuf,
}

/// What `init` did (or, for `--check` and `--dry-run`, would do).
#[derive(Debug, Clone, Serialize)]
pub struct Outcome {
    pub project: Project,
    pub plan: Plan,
    /// One report per file: the generated ones, then `dockgen.toml` when it is written or changes.
    pub files: Vec<FileReport>,
    /// Every answer that decided something, with where it came from.
    pub answers: BTreeMap<String, AnswerReport>,
    /// The saved answers after this run.
    pub saved: Answers,
    pub warnings: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerReport {
    pub value: String,
    pub origin: Origin,
}

/// Runs `init`. With a prompter, asks about every decision not fixed by a flag or variable, and about
/// each existing file that would change.
pub fn run(req: &Request, mut prompter: Option<&mut dyn Prompter>) -> Result<Outcome> {
    let root = req.root.as_path();
    let mut warnings = Vec::new();
    let answers::Layers {
        saved: saved_before,
        mut merged,
    } = answers::layers(root, &req.flags, &req.env)?;
    let saved_layer = saved_before
        .as_ref()
        .map(|(l, _)| l.clone())
        .unwrap_or_default();
    let fixed: BTreeSet<String> = req
        .flags
        .origins
        .keys()
        .chain(req.env.origins.keys())
        .cloned()
        .collect();

    if let Some(p) = prompter.as_deref_mut() {
        guide(root, &mut merged, &fixed, p, req.name_hint.clone())?;
    }

    let project = detect::detect(root, &merged.answers.detect_options(&merged.origins))?;
    let plan_opts = merged.answers.plan_options(req.name_hint.clone());
    let plan = plan::plan(&project, &plan_opts)?;

    let templates = match &merged.answers.templates {
        Some(dir) => {
            let base = match merged.origins.get("templates") {
                Some(Origin::Saved { .. }) => root.to_path_buf(),
                _ => req.cwd.clone(),
            };
            let path = base.join(dir);
            Templates::overlay(&path, dir, &mut warnings)?
        }
        None => Templates::default(),
    };
    let files = render::render_with(&plan, &templates)?;

    // Saved answers: what was saved before, plus every flag or prompt answer that differs from
    // detection. `DOCKGEN_*` variables configure one run (a CI job's environment) and are not saved.
    let baseline = Baseline::of(root, req.name_hint.clone());
    let mut saved = saved_layer.answers.clone();
    for key in answers::KEYS {
        let chosen_here = matches!(
            merged.origins.get(*key),
            Some(Origin::Flag { .. } | Origin::Prompt)
        );
        if chosen_here && (saved.has(key) || baseline.differs(key, &merged.answers)) {
            saved.take(key, &merged.answers);
        }
    }
    if let Some(dir) = &saved.templates
        && !matches!(merged.origins.get("templates"), Some(Origin::Saved { .. }))
    {
        saved.templates = Some(root_relative(root, &req.cwd.join(dir)));
    }

    let mut out = write::out_files(&plan.context_dir, &files, render::EXECUTABLE);
    // dockgen.toml is one of the files: reported unchanged (its text, comments included, kept) when the
    // answers in it stand, rewritten (a conflict like any other) when they change.
    let saved_text = match &saved_before {
        Some((layer, text)) if layer.answers == saved => Some(text.clone()),
        Some(_) => Some(answers::render_saved(&saved)),
        None if saved != Answers::default() => Some(answers::render_saved(&saved)),
        None => None,
    };
    if let Some(content) = saved_text {
        out.push(OutFile {
            rel: answers::FILE.into(),
            content,
            executable: false,
        });
    }
    let mut prepared = write::prepare(root, &out, req.mode)?;
    if let Some(p) = prompter
        && matches!(req.mode, Mode::Write { force: false })
    {
        settle_conflicts(&mut prepared, p)?;
    }
    let files = prepared.commit()?;

    let mut report = BTreeMap::new();
    for key in answers::KEYS {
        if let Some(origin) = merged.origins.get(*key) {
            report.insert(
                key.to_string(),
                AnswerReport {
                    value: merged.answers.show(key),
                    origin: origin.clone(),
                },
            );
        }
    }
    warnings.extend(plan.notes.iter().cloned());
    warnings.extend(project.warnings.iter().cloned());
    Ok(Outcome {
        project,
        plan,
        files,
        answers: report,
        saved,
        warnings,
    })
}

/// A path as saved: relative to the project root when inside it.
fn root_relative(root: &Path, path: &Path) -> String {
    let (Ok(r), Ok(p)) = (root.canonicalize(), path.canonicalize()) else {
        return path.to_string_lossy().into_owned();
    };
    match p.strip_prefix(&r) {
        Ok(rel) if rel.as_os_str().is_empty() => ".".into(),
        Ok(rel) => rel.to_string_lossy().into_owned(),
        Err(_) => p.to_string_lossy().into_owned(),
    }
}

/// What detection alone decides, to tell which answers are worth saving.
struct Baseline {
    project: Option<Project>,
    plan: Option<Plan>,
}

impl Baseline {
    fn of(root: &Path, name_hint: Option<String>) -> Self {
        let project = detect::detect(root, &detect::Options::default()).ok();
        let plan = project.as_ref().and_then(|p| {
            plan::plan(
                p,
                &plan::PlanOptions {
                    name_hint,
                    ..Default::default()
                },
            )
            .ok()
        });
        Baseline { project, plan }
    }

    /// Whether the answer for `key` differs from what detection alone gives (`true` when detection
    /// alone fails, as in a project with two apps).
    fn differs(&self, key: &str, a: &Answers) -> bool {
        let (Some(p), Some(plan)) = (&self.project, &self.plan) else {
            return true;
        };
        match key {
            "framework" => a.framework != Some(p.framework),
            "package-manager" => a.package_manager != Some(p.package_manager),
            "python" => {
                a.python
                    .as_deref()
                    .and_then(pv::major_minor)
                    .map(pv::fmt)
                    .as_ref()
                    != Some(&p.python_version)
            }
            "app-dir" => a.app_dir.as_deref().map(normalize_dir) != Some(p.app_dir.to_string()),
            "entrypoint" => a.entrypoint.as_deref() != Some(p.entrypoint.as_str()),
            "port" => a.port != Some(plan.port),
            "postgres" => a.postgres != Some(plan.postgres),
            "redis" => a.redis != Some(plan.redis),
            "workers" => a.workers.as_ref() != Some(&plan::detected_workers(p)),
            _ => true,
        }
    }
}

fn normalize_dir(d: &str) -> String {
    let d = d.trim_start_matches("./").trim_end_matches('/');
    if d.is_empty() { ".".into() } else { d.into() }
}

// ---------------------------------------------------------------- the guided flow

/// "from manage.py:9: rule" for a value found in a file; the rule alone otherwise.
fn why(e: Option<&Evidence>) -> String {
    match e {
        Some(e) if e.file.is_some() => format!("from {e}"),
        Some(e) => e.rule.clone(),
        None => "dockgen's default".into(),
    }
}

/// Where the current value of `key` came from: an earlier answer, or detection's evidence.
fn source(merged: &Layer, key: &str, detected: Option<&Evidence>) -> String {
    match merged.origins.get(key) {
        Some(o) => why(Some(&o.evidence())),
        None => why(detected),
    }
}

fn set_prompt(merged: &mut Layer, key: &str, value: &str) -> std::result::Result<(), String> {
    answers::set(&mut merged.answers, key, value)?;
    merged.origins.insert(key.into(), Origin::Prompt);
    Ok(())
}

/// Asks about each decision not fixed by a flag or variable, with the current value as the default.
fn guide(
    root: &Path,
    merged: &mut Layer,
    fixed: &BTreeSet<String>,
    p: &mut dyn Prompter,
    name_hint: Option<String>,
) -> Result<()> {
    let ask = |key: &str| !fixed.contains(key);

    // Which app: only asked when detection finds several.
    let mut project = match detect::detect(root, &merged.answers.detect_options(&merged.origins)) {
        Err(Error::Ambiguous {
            candidates,
            app_dirs,
            ..
        }) if ask("app-dir") => {
            let i = p.select(
                "Several apps were found; which one should the image run?",
                &candidates,
                0,
            )?;
            apply_answer(root, merged, "app-dir", &app_dirs[i]).map_err(usage)?
        }
        other => other?,
    };

    if ask("framework") {
        let items: Vec<String> = Framework::ALL.iter().map(|f| f.to_string()).collect();
        let default = Framework::ALL
            .iter()
            .position(|f| *f == project.framework)
            .unwrap_or(0);
        let q = format!(
            "Framework ({})",
            source(merged, "framework", project.evidence.get(&Key::Framework))
        );
        let i = p.select(&q, &items, default)?;
        if i != default {
            match apply_answer(root, merged, "framework", &items[i]) {
                Ok(pr) => project = pr,
                Err(m) => p.show(&format!("{m}; keeping {}", project.framework)),
            }
        }
    }
    for (key, label, ev_key) in [
        ("app-dir", "App directory", Key::AppDir),
        ("entrypoint", "Entrypoint", Key::Entrypoint),
        ("python", "Python version", Key::PythonVersion),
    ] {
        if !ask(key) {
            continue;
        }
        let current = match key {
            "app-dir" => project.app_dir.to_string(),
            "entrypoint" => project.entrypoint.clone(),
            _ => project.python_version.clone(),
        };
        let detected = project.evidence.get(&ev_key).cloned();
        if let Some(pr) = ask_text(root, merged, p, key, label, &current, detected.as_ref())? {
            project = pr;
        }
    }

    let opts = merged.answers.plan_options(name_hint);
    if ask("port") {
        let current = opts.port.unwrap_or(plan::DEFAULT_PORT).to_string();
        loop {
            let q = format!(
                "Port ({})",
                merged.origins.get("port").map_or(
                    "the usual one for a Python web server".to_string(),
                    |o| why(Some(&o.evidence()))
                )
            );
            let answer = p.input(&q, &current)?;
            if answer.trim().is_empty() || answer.trim() == current {
                break;
            }
            match set_prompt(merged, "port", answer.trim()) {
                Ok(()) => break,
                Err(m) => p.show(&format!("{m}; try again")),
            }
        }
    }
    if ask("postgres") {
        let current = opts.postgres.unwrap_or(plan::default_postgres(&project));
        let detected = project
            .evidence
            .get(&Key::Service(Service::Postgres))
            .map_or_else(
                || "no Postgres driver among the dependencies".to_string(),
                |e| format!("from {e}"),
            );
        ask_yes_no(p, merged, "postgres", "Postgres service", current, detected)?;
    }
    if ask("redis") {
        let opts = merged.answers.plan_options(None);
        let current = opts.redis.unwrap_or(plan::default_redis(&project, &opts));
        let detected = match project.evidence.get(&Key::Service(Service::Redis)) {
            Some(e) => format!("from {e}"),
            None if current => "the workers need a broker".into(),
            None => "no Redis client among the dependencies".into(),
        };
        ask_yes_no(p, merged, "redis", "Redis service", current, detected)?;
    }
    if ask("workers") {
        let detected = plan::detected_workers(&project);
        let current = merged
            .answers
            .workers
            .clone()
            .unwrap_or_else(|| detected.clone());
        let mut available: Vec<WorkerKind> = Vec::new();
        if project.celery_app.is_some() {
            available.extend([WorkerKind::Celery, WorkerKind::CeleryBeat]);
        }
        if project.workers.contains(&Worker::Rq) {
            available.push(WorkerKind::Rq);
        }
        let mut chosen = Vec::new();
        for k in available {
            let ev = match k {
                WorkerKind::Celery => project.evidence.get(&Key::CeleryApp),
                WorkerKind::CeleryBeat => project.evidence.get(&Key::CeleryBeat),
                WorkerKind::Rq => project.evidence.get(&Key::Worker(Worker::Rq)),
            };
            let detail = match merged.origins.get("workers") {
                Some(o) => why(Some(&o.evidence())),
                None if k == WorkerKind::CeleryBeat && ev.is_none() => {
                    "no beat schedule was found".into()
                }
                None => why(ev),
            };
            let q = format!("Run a `{k}` worker service ({detail})");
            if p.confirm(&q, current.contains(&k))? {
                chosen.push(k);
            }
        }
        if chosen != current {
            merged.answers.workers = Some(chosen);
            merged.origins.insert("workers".into(), Origin::Prompt);
        }
    }
    Ok(())
}

/// A yes/no decision: the source is the earlier answer's origin, else what detection found.
fn ask_yes_no(
    p: &mut dyn Prompter,
    merged: &mut Layer,
    key: &str,
    label: &str,
    current: bool,
    detected: String,
) -> Result<()> {
    let q = format!(
        "{label} ({})",
        merged
            .origins
            .get(key)
            .map_or(detected, |o| why(Some(&o.evidence())))
    );
    let answer = p.confirm(&q, current)?;
    if answer != current {
        set_prompt(merged, key, &answer.to_string()).map_err(usage)?;
    }
    Ok(())
}

fn usage(message: String) -> Error {
    Error::Usage { message }
}

/// Records a prompt answer for `key` and re-runs detection with it. If the answer is invalid or
/// detection fails with it, the earlier answers are restored and the reason is returned.
fn apply_answer(
    root: &Path,
    merged: &mut Layer,
    key: &str,
    value: &str,
) -> std::result::Result<Project, String> {
    let before = merged.clone();
    let result = set_prompt(merged, key, value).and_then(|()| {
        detect::detect(root, &merged.answers.detect_options(&merged.origins))
            .map_err(|e| e.to_string())
    });
    if result.is_err() {
        *merged = before;
    }
    result
}

/// Asks for `key` as text until the answer keeps `current` or detection accepts it; returns the new
/// detection when the answer changed something.
fn ask_text(
    root: &Path,
    merged: &mut Layer,
    p: &mut dyn Prompter,
    key: &str,
    label: &str,
    current: &str,
    detected: Option<&Evidence>,
) -> Result<Option<Project>> {
    loop {
        let q = format!("{label} ({})", source(merged, key, detected));
        let answer = p.input(&q, current)?;
        let answer = answer.trim();
        if answer.is_empty() || answer == current {
            return Ok(None);
        }
        match apply_answer(root, merged, key, answer) {
            Ok(pr) => return Ok(Some(pr)),
            Err(m) => p.show(&format!("{m}; try again")),
        }
    }
}

/// Asks what to do with each existing file that would change: keep it, overwrite it, or see the diff.
fn settle_conflicts(prepared: &mut write::Prepared, p: &mut dyn Prompter) -> Result<()> {
    let conflicts: Vec<(String, String)> = prepared
        .reports
        .iter()
        .filter(|r| r.status == Status::Conflict)
        .map(|r| (r.path.clone(), r.diff.clone().unwrap_or_default()))
        .collect();
    let items: Vec<String> = ["keep", "overwrite", "show diff"]
        .iter()
        .map(|s| s.to_string())
        .collect();
    for (path, diff) in conflicts {
        loop {
            let q = format!("`{path}` exists and differs from what dockgen generates");
            match p.select(&q, &items, 0)? {
                0 => {
                    prepared.resolve(&path, Resolution::Keep);
                    break;
                }
                1 => {
                    prepared.resolve(&path, Resolution::Overwrite);
                    break;
                }
                _ => p.show(&diff),
            }
        }
    }
    Ok(())
}
