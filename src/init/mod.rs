//! `init` as one library call: answers (flags > environment > saved > detection, plus prompts when a
//! [`Prompter`] is given) -> detect -> plan -> render (built-in or forked templates) -> preflight ->
//! settle conflicts -> write, including the saved answers in `dockgen.toml`.
//!
//! Nothing is written until every step before the write has succeeded, so a bad answer, a broken fork or
//! a refused conflict leaves the project as it was.

pub mod answers;
mod kept;
pub mod prompt;

use crate::base::diag::Diagnostics;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use serde::Serialize;

use crate::base::error::{Error, Result};
use crate::base::kinds::Service;
use crate::detect::{self, Evidence, Framework, PackageManager, Project};
use crate::init::prompt::Prompter;
use crate::output::dotenv::{self, EnvFileReport, EnvStatus};
use crate::output::render::{self, Templates};
use crate::output::write::{self, FileReport, Mode, OutFile, Resolution, Status};
use crate::parse::python_version as pv;
use crate::plan::{self, Plan, WorkerKind};
use answers::{Answers, Key, Layer, Origin, Value};

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
    /// How the package index may be asked for the pins' wheels (`None`: offline).
    pub index: Option<crate::pkgindex::Access>,
    /// Ask every question, also those answered before against what detection still gives.
    pub ask_all: bool,
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
    /// What happened to `.env` (created with fresh secrets, or left as it was).
    pub env_file: EnvFileReport,
    /// `.env` as it is on disk after the run, for the checklist (never serialised: it holds secrets).
    #[serde(skip)]
    pub env_on_disk: crate::output::envfile::EnvFile,
    pub warnings: Vec<String>,
    /// The deployment targets the files were generated for.
    #[serde(skip)]
    pub orchestration: crate::orchestrate::Orchestration,
}

#[derive(Debug, Clone, Serialize)]
pub struct AnswerReport {
    pub value: String,
    pub origin: Origin,
}

/// The `init --json` report: what was decided, what happened to each file, and where each answer came
/// from. Scripts read it, so its keys are a contract; [`JsonReport::to_json`] writes them sorted.
#[derive(Debug, Clone, Serialize)]
pub struct JsonReport {
    /// What `init` was asked to do: `write`, `dry_run` or `check`.
    pub mode: &'static str,
    /// With `--check`: whether any file differs from what would be generated; `null` otherwise.
    pub drift: Option<bool>,
    /// Where the files go and the build context, relative to PATH (`.`, or the app's folder in a
    /// monorepo).
    pub context_dir: String,
    /// The framework, by name (`django`, `flask`, `fastapi`).
    pub framework: Framework,
    /// The package manager, by name (`uv`, `poetry`, `pipenv`, `pdm`, `pip`).
    pub package_manager: PackageManager,
    /// The image's Python version, `major.minor`.
    pub python_version: crate::base::python::PythonVersion,
    /// The app directory, relative to PATH (`.` for PATH itself).
    pub app_dir: String,
    /// What the server serves, as `module:attribute`.
    pub entrypoint: String,
    /// The port the server listens on.
    pub port: u16,
    /// Whether compose has a Postgres service.
    pub postgres: bool,
    /// Whether compose has a Redis service.
    pub redis: bool,
    /// The names of the worker services compose runs (`worker`, `beat`, ...).
    pub workers: Vec<String>,
    /// The server command, exec form.
    pub command: Vec<String>,
    /// One report per file (path, status, the diff when it differs, and a conflict's three-way view),
    /// `dockgen.toml` included.
    pub files: Vec<FileReport>,
    /// Every answer that decided something: its value as shown, and its origin.
    pub answers: BTreeMap<String, AnswerReport>,
    /// The saved answers after this run, typed as in `dockgen.toml`.
    pub saved: Answers,
    /// `.env`: its path, whether it was `created` (with fresh secrets), `would_create` or `exists`, and
    /// the names of the secrets it got.
    pub env_file: EnvFileReport,
    /// Every warning of the run, the binary's own (unknown `DOCKGEN_*` variables) included.
    pub warnings: Vec<String>,
}

impl JsonReport {
    /// The report of `outcome`, run in `mode`, with every warning of the run.
    pub fn new(outcome: &Outcome, mode: Mode, warnings: Vec<String>) -> Self {
        let (p, plan) = (&outcome.project, &outcome.plan);
        JsonReport {
            mode: match mode {
                Mode::Check => "check",
                Mode::DryRun => "dry_run",
                Mode::Write { .. } => "write",
            },
            drift: (mode == Mode::Check).then(|| outcome.drift() > 0),
            context_dir: plan.context_dir.clone(),
            framework: p.framework,
            package_manager: p.package_manager,
            python_version: plan.python_version,
            app_dir: p.app_dir.to_string(),
            entrypoint: p.entrypoint.clone(),
            port: plan.port,
            postgres: plan.runs(Service::Postgres),
            redis: plan.runs(Service::Redis),
            workers: plan.workers.iter().map(|w| w.name.clone()).collect(),
            command: plan.server.exec_form(),
            files: outcome.files.clone(),
            answers: outcome.answers.clone(),
            saved: outcome.saved.clone(),
            env_file: outcome.env_file.clone(),
            warnings,
        }
    }

    /// Pretty JSON with a final newline. Keys are sorted at every level (through `serde_json::Value`,
    /// whose maps are sorted), as the report has always been.
    pub fn to_json(&self) -> String {
        let value = serde_json::to_value(self).expect("the report serialises");
        let mut s = serde_json::to_string_pretty(&value).expect("the report serialises");
        s.push('\n');
        s
    }
}

impl Outcome {
    /// What the human report reads from this run.
    pub fn view(&self) -> crate::output::report::InitView<'_> {
        crate::output::report::InitView {
            project: &self.project,
            plan: &self.plan,
            files: &self.files,
            answers: self
                .answers
                .iter()
                .map(|(key, a)| (key.as_str(), a.value.clone(), a.origin.to_string()))
                .collect(),
            env_file: &self.env_file,
            env_on_disk: &self.env_on_disk,
            targets: self.orchestration.targets,
        }
    }

    /// How many files differ from what is on disk (created, updated, overwritten, or in conflict); the
    /// files dockgen does not manage are not compared.
    pub fn drift(&self) -> usize {
        self.files
            .iter()
            .filter(|r| !matches!(r.status, Status::Unchanged | Status::Unmanaged))
            .count()
    }
}

/// Runs `init`. With a prompter, asks about every decision not fixed by a flag or variable, and about
/// each existing file that would change.
pub fn run(req: &Request, mut prompter: Option<&mut dyn Prompter>) -> Result<Outcome> {
    let root = req.root.as_path();
    let _lock = lock(req)?;
    let mut warnings = Diagnostics::new();
    let answers::Layers {
        saved: saved_before,
        mut merged,
    } = answers::layers(root, &req.flags, &req.env)?;
    let (detected, guided_baseline) = guided(
        req,
        saved_before.as_ref(),
        &mut merged,
        prompter.as_deref_mut(),
    )?;
    let detect_options = detect::Options {
        index: req.index.clone(),
        ..merged.answers.detect_options(&merged.origins)
    };
    let project = detect::detect(root, &detect_options)?;
    let plan = plan::plan(
        &project,
        &merged.answers.plan_options(req.name_hint.clone()),
    )?;
    let templates = templates(req, &merged, &mut warnings)?;
    let orchestration = merged.answers.orchestration();
    let files = render::render_targets(&plan, &orchestration, &templates)?;
    let baseline = Baseline::lazy(req, &project, &detect_options).or(guided_baseline);
    let mut saved = to_save(req, &merged, saved_before.as_ref(), &baseline);
    keep_own_dockerfile(&mut saved, &merged, &project);
    let (out, skipped) = managed(req, &merged, &plan, &files, &mut warnings);
    let mut prepared = write::prepare(root, &out, req.mode)?;
    let asking = matches!(req.mode, Mode::Write { force: false });
    let yours = match prompter.as_deref_mut().filter(|_| asking) {
        Some(p) => settle_generated(&mut prepared, p, &mut saved)?,
        None => Vec::new(),
    };
    if let Some(f) = saved_file(saved_before.as_ref(), &saved, &detected) {
        prepared.add(&f)?;
        if let Some(p) = prompter.filter(|_| asking) {
            settle_conflicts(&mut prepared, p, false)?;
        }
    }
    let (written, env_file) = commit(prepared, req, &plan, &mut warnings)?;
    let files = reports(written, &skipped);
    warnings.extend(plan.notes.iter().chain(&project.warnings).cloned());
    let env_on_disk = crate::output::envfile::read(&crate::base::fs::join(root, &plan.context_dir));
    warnings.extend(env_warnings(root, &plan, &project, &env_file, &env_on_disk));
    warnings.extend(kept::contradictions(root, &plan, &yours));
    Ok(Outcome {
        answers: answer_report(&merged),
        project,
        plan,
        files,
        saved,
        env_file,
        env_on_disk,
        warnings: warnings.into_messages(),
        orchestration,
    })
}

/// The guided flow, when there is someone to ask: the new `[detected]` table (the saved one when
/// nobody is asked) and detection alone, when the flow made it.
fn guided<'p>(
    req: &Request,
    saved_before: Option<&(Layer, String)>,
    merged: &mut Layer,
    prompter: Option<&mut (dyn Prompter + 'p)>,
) -> Result<(Answers, Option<Baseline>)> {
    let recorded = saved_before
        .map(|(l, _)| l.detected.clone())
        .unwrap_or_default();
    let Some(p) = prompter else {
        return Ok((recorded, None));
    };
    let session = Session {
        fixed: fixed(req),
        recorded: &recorded,
        ask_all: req.ask_all,
        name_hint: req.name_hint.clone(),
    };
    guide(&req.root, merged, &session, p)
}

/// What to say about `.env`: an existing one held against the plan, and whether git ignores it.
fn env_warnings(
    root: &Path,
    plan: &Plan,
    project: &Project,
    env_file: &EnvFileReport,
    on_disk: &crate::output::envfile::EnvFile,
) -> Vec<String> {
    let dir = crate::base::fs::join(root, &plan.context_dir);
    let mut out = Vec::new();
    if env_file.status == EnvStatus::Exists {
        out.extend(crate::output::envcheck::check(
            plan,
            project,
            on_disk,
            &env_file.path,
        ));
    }
    if !dotenv::ignored_by_git(root, &dir) {
        out.push(format!(
            "`{}` is not ignored by git: add `.env` to .gitignore so its secrets are never committed",
            env_file.path
        ));
    }
    out
}

/// One run at a time writes to a project: a second waits for the first (briefly), then refuses, so the
/// files of two runs are never mixed. Held from before the answers are read to after the write.
fn lock(req: &Request) -> Result<Option<write::Lock>> {
    match req.mode {
        Mode::Write { .. } => write::lock(&req.root).map(Some),
        Mode::Check | Mode::DryRun => Ok(None),
    }
}

/// Writes the set, `.env` with it (staged with the others, so a full disk stops the run before any file
/// is replaced or created); what it could not do beside goes into `warnings`.
fn commit(
    mut prepared: write::Prepared,
    req: &Request,
    plan: &Plan,
    warnings: &mut Diagnostics,
) -> Result<(Vec<FileReport>, EnvFileReport)> {
    let (mut env_file, env_text) = env_file(req, plan)?;
    if let Some((file, text)) = env_text {
        prepared.create_private(&file, text.into_bytes());
    }
    let written = prepared.commit()?;
    if !written.private_created && env_file.status == EnvStatus::Created {
        // Something took the name since the preflight: it is the user's.
        env_file = EnvFileReport {
            status: EnvStatus::Exists,
            secrets: Vec::new(),
            ..env_file
        };
    }
    warnings.extend(written.warnings);
    Ok((written.reports, env_file))
}

/// The generated files split into those dockgen manages and those `unmanaged` leaves alone, with a
/// warning for an unmanaged name that is no generated file and for an unmanaged file that is missing.
fn managed(
    req: &Request,
    merged: &Layer,
    plan: &Plan,
    files: &BTreeMap<String, String>,
    warnings: &mut Diagnostics,
) -> (Vec<OutFile>, Vec<OutFile>) {
    let all = write::out_files(&plan.context_dir, files, render::EXECUTABLE);
    let unmanaged = merged.answers.unmanaged();
    warnings.extend(unknown_unmanaged(unmanaged, &all));
    let (out, skipped): (Vec<OutFile>, Vec<OutFile>) =
        all.into_iter().partition(|f| !unmanaged.contains(&f.rel));
    warnings.extend(skipped.iter().filter(|f| !req.root.join(&f.rel).exists()).map(|f| {
        format!(
            "`{}` is not managed by dockgen (`unmanaged` in dockgen.toml) and does not exist, so it is not created",
            f.rel
        )
    }));
    (out, skipped)
}

/// The written files' reports and the unmanaged ones', in path order as generated, dockgen.toml last.
fn reports(mut files: Vec<FileReport>, skipped: &[OutFile]) -> Vec<FileReport> {
    files.extend(skipped.iter().map(|f| FileReport {
        path: f.rel.clone(),
        status: Status::Unmanaged,
        diff: None,
        three_way: None,
    }));
    files.sort_by(|a, b| {
        (a.path == answers::FILE, &a.path).cmp(&(b.path == answers::FILE, &b.path))
    });
    files
}

/// `.env` beside docker-compose.yml: written with fresh secrets when nothing of that name exists, and
/// only in write mode (`--check` and `--dry-run` say what they would do). The report as if it will be
/// created, and the file to create with the set (its path and text), when it is to be.
fn env_file(req: &Request, plan: &Plan) -> Result<(EnvFileReport, Option<(PathBuf, String)>)> {
    let dir = crate::base::fs::join(&req.root, &plan.context_dir);
    let path = match plan.context_dir.as_str() {
        "." => dotenv::FILE.to_string(),
        d => format!("{d}/{}", dotenv::FILE),
    };
    let file = dir.join(dotenv::FILE);
    let report = |status, secrets| EnvFileReport {
        path: path.clone(),
        status,
        secrets,
    };
    if std::fs::symlink_metadata(&file).is_ok() {
        return Ok((report(EnvStatus::Exists, Vec::new()), None));
    }
    let Mode::Write { .. } = req.mode else {
        let secrets = plan.env_example.iter().filter(|e| e.secret);
        let names = secrets.map(|e| e.name.clone()).collect();
        return Ok((report(EnvStatus::WouldCreate, names), None));
    };
    let (text, secrets) = dotenv::content(plan, dotenv::owner_of(&dir), dotenv::random_secret)?;
    Ok((report(EnvStatus::Created, secrets), Some((file, text))))
}

/// The keys given as flags or variables: never asked.
fn fixed(req: &Request) -> BTreeSet<Key> {
    req.flags
        .origins
        .keys()
        .chain(req.env.origins.keys())
        .cloned()
        .collect()
}

/// The built-in templates, or a fork overlaid on them. A saved `templates` path is relative to the
/// project root; one given as a flag or variable, to the working directory.
fn templates(req: &Request, merged: &Layer, warnings: &mut Diagnostics) -> Result<Templates> {
    let Some(dir) = merged.answers.templates() else {
        return Ok(Templates::default());
    };
    let saved = matches!(
        merged.origins.get(&Key::Templates),
        Some(Origin::Saved { .. })
    );
    let base = if saved {
        req.root.clone()
    } else {
        req.cwd.clone()
    };
    // dockgen.toml is the project's: its templates stay inside it (`init --check` in CI would print
    // whatever file they named). A directory given as a flag or variable is the caller's choice.
    if saved
        && base.join(dir).exists()
        && !crate::base::valid::resolves_inside(&req.root, &base.join(dir))
    {
        return Err(Error::Usage {
            message: format!(
                "the `templates` directory `{dir}` in dockgen.toml is outside the project"
            ),
        }
        .with_hint(
            "keep the fork inside the project, or pass --templates DIR on the command line",
        ));
    }
    Templates::overlay(&base.join(dir), dir, warnings)
}

/// The answers to save: what was saved before, plus every flag or prompt answer that differs from
/// detection. `DOCKGEN_*` variables configure one run (a CI job's environment) and are not saved.
fn to_save(
    req: &Request,
    merged: &Layer,
    saved_before: Option<&(Layer, String)>,
    baseline: &Lazy,
) -> Answers {
    let root = req.root.as_path();
    let mut saved = saved_before
        .map(|(l, _)| l.answers.clone())
        .unwrap_or_default();
    for &key in Key::ALL {
        let chosen_here = matches!(
            merged.origins.get(&key),
            Some(Origin::Flag { .. } | Origin::Prompt)
        );
        if chosen_here && (saved.has(key) || baseline.get().differs(key, &merged.answers)) {
            saved.take(key, &merged.answers);
        }
    }
    // `--no-unmanaged` manages every file again: nothing left to save.
    if saved.has(Key::Unmanaged) && saved.unmanaged().is_empty() {
        saved.remove(Key::Unmanaged);
    }
    if let Some(dir) = saved.templates().map(str::to_string)
        && !matches!(
            merged.origins.get(&Key::Templates),
            Some(Origin::Saved { .. })
        )
    {
        let rel = root_relative(root, &req.cwd.join(dir));
        saved.insert(Key::Templates, Value::Text(rel));
    }
    saved
}

/// What the project's own Dockerfile gave (its Python, port and system packages) is saved when no answer
/// gives it: the generated Dockerfile replaces that evidence, and the next run must plan the same.
fn keep_own_dockerfile(saved: &mut Answers, merged: &Layer, project: &Project) {
    let Some(own) = &project.own_dockerfile else {
        return;
    };
    let python_from_it = project
        .evidence
        .get(&detect::Key::PythonVersion)
        .is_some_and(|e| e.file.as_deref() == Some(own.file.as_str()));
    if python_from_it && !merged.answers.has(Key::Python) {
        saved.insert(Key::Python, Value::Text(project.python_version.to_string()));
    }
    if let Some(port) = plan::own_port(project)
        && !merged.answers.has(Key::Port)
    {
        saved.insert(Key::Port, Value::Port(port));
    }
    let packages = plan::own_packages(project);
    if !packages.is_empty() && !merged.answers.has(Key::SystemPackages) {
        saved.insert(Key::SystemPackages, Value::Text(packages.join(",")));
    }
}

/// `dockgen.toml` as one of the files: its text kept (comments included) when the answers in it stand,
/// rewritten when they change (an update when dockgen wrote the file as it is, a conflict like any
/// other when it was edited by hand), and absent when there is nothing to save.
fn saved_file(
    saved_before: Option<&(Layer, String)>,
    saved: &Answers,
    detected: &Answers,
) -> Option<OutFile> {
    let content = match saved_before {
        Some((layer, text)) if layer.answers == *saved && layer.detected == *detected => {
            text.clone()
        }
        Some(_) => answers::render_saved_with(saved, detected),
        None if !saved.is_empty() || !detected.is_empty() => {
            answers::render_saved_with(saved, detected)
        }
        None => return None,
    };
    Some(OutFile {
        rel: answers::FILE.into(),
        content,
        executable: false,
        previous: saved_before
            .map(|(layer, _)| answers::render_saved_with(&layer.answers, &layer.detected)),
    })
}

/// A warning for each entry of `unmanaged` that names no generated file (a typo would otherwise leave
/// the file managed without a word).
fn unknown_unmanaged(unmanaged: &[String], files: &[OutFile]) -> Vec<String> {
    let generated: Vec<&str> = files.iter().map(|f| f.rel.as_str()).collect();
    unmanaged
        .iter()
        .filter(|u| !generated.contains(&u.as_str()))
        .map(|u| {
            format!(
                "`unmanaged` lists `{u}`, which dockgen does not generate here (it generates {})",
                generated.join(", ")
            )
        })
        .collect()
}

/// Every answer that decided something, in the table's order, with where it came from.
fn answer_report(merged: &Layer) -> BTreeMap<String, AnswerReport> {
    let mut report = BTreeMap::new();
    for &key in Key::ALL {
        if let Some(origin) = merged.origins.get(&key) {
            report.insert(
                key.to_string(),
                AnswerReport {
                    value: merged.answers.show(key),
                    origin: origin.clone(),
                },
            );
        }
    }
    report
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

/// The [`Baseline`], made only when an answer chosen in this run has to be compared with it.
struct Lazy<'a> {
    req: &'a Request,
    /// The run's own project, when no answer reached detection (then it is detection alone's).
    detected: Option<&'a Project>,
    cell: std::cell::OnceCell<Baseline>,
}

impl Lazy<'_> {
    /// With the guided flow's detection alone, when it made one: no third detection.
    fn or(self, guided: Option<Baseline>) -> Self {
        if let Some(b) = guided.filter(|_| self.detected.is_none()) {
            let _ = self.cell.set(b);
        }
        self
    }

    fn get(&self) -> &Baseline {
        self.cell.get_or_init(|| match self.detected {
            Some(p) => Baseline::planned(Some(p.clone()), self.req.name_hint.clone()),
            None => Baseline::of(&self.req.root, self.req.name_hint.clone()),
        })
    }
}

impl Baseline {
    /// Detection alone is the run's own detection when no answer overrode a detected fact, so the
    /// project is not detected a second time; it is planned again (in memory) without the answers.
    fn lazy<'a>(req: &'a Request, run: &'a Project, options: &detect::Options) -> Lazy<'a> {
        // Exhaustive, so a new override of detection cannot be missed here.
        let detect::Options {
            framework,
            package_manager,
            python,
            app_dir,
            entrypoint,
            celery_app,
            // Asking the index changes no answer: the baseline is the same detection.
            index: _,
            origins: _,
        } = options;
        let untouched = framework.is_none()
            && package_manager.is_none()
            && python.is_none()
            && app_dir.is_none()
            && entrypoint.is_none()
            && celery_app.is_none();
        Lazy {
            req,
            detected: untouched.then_some(run),
            cell: std::cell::OnceCell::new(),
        }
    }

    fn of(root: &Path, name_hint: Option<String>) -> Self {
        Self::planned(
            detect::detect(root, &detect::Options::default()).ok(),
            name_hint,
        )
    }

    /// The plan of `project` with no answers.
    fn planned(project: Option<Project>, name_hint: Option<String>) -> Self {
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

    /// What detection alone gives for a question of the guided flow (`None` for other keys, or when
    /// detection alone fails): what `[detected]` in dockgen.toml records.
    fn detected(&self, key: Key) -> Option<Value> {
        let (p, plan) = (self.project.as_ref()?, self.plan.as_ref()?);
        Some(match key {
            Key::Framework => Value::Framework(p.framework),
            Key::AppDir => Value::Text(p.app_dir.to_string()),
            Key::Entrypoint => Value::Text(p.entrypoint.clone()),
            Key::Python => Value::Text(p.python_version.to_string()),
            Key::Port => Value::Port(plan.port),
            Key::HealthPath => p.health_path.clone().map_or(Value::Off, Value::Text),
            Key::Postgres => Value::Bool(plan.runs(Service::Postgres)),
            Key::Redis => Value::Bool(plan.runs(Service::Redis)),
            Key::TaskWorkers => Value::Workers(plan::detected_workers(p)),
            // Detection never puts a proxy in front: its default is the first choice, none.
            Key::Proxy => Value::Text(plan::proxy::PROXIES[0].to_string()),
            _ => return None,
        })
    }

    /// Whether the answer for `key` differs from what detection alone gives (`true` when detection
    /// alone fails, as in a project with two apps). The match is exhaustive: a new [`Key`] does not
    /// compile until it is given an arm.
    fn differs(&self, key: Key, a: &Answers) -> bool {
        let (Some(p), Some(plan)) = (&self.project, &self.plan) else {
            return true;
        };
        // Frameworks and package managers compare by name.
        let name = |v: Option<String>, detected: String| v != Some(detected);
        match key {
            Key::Framework => name(
                a.framework().map(|f| f.to_string()),
                p.framework.to_string(),
            ),
            Key::PackageManager => name(
                a.package_manager().map(|m| m.to_string()),
                p.package_manager.to_string(),
            ),
            Key::Python => a.python().and_then(pv::major_minor) != Some(p.python_version),
            Key::AppDir => a.app_dir().map(normalize_dir) != Some(p.app_dir.to_string()),
            Key::Entrypoint => a.entrypoint() != Some(p.entrypoint.as_str()),
            Key::CeleryApp => a.celery_app() != p.answered_queue_app() || a.celery_app().is_none(),
            Key::Port => a.port() != Some(plan.port),
            Key::HealthPath => a.health_path() != Some(plan.health.path.as_deref()),
            Key::ServerWorkers => a.number(key) != Some(plan.web_concurrency),
            Key::ServerTimeout => a.number(key) != Some(plan::DEFAULT_TIMEOUT),
            Key::MigrateCommand => {
                let words = |c: &str| c.split_whitespace().collect::<Vec<_>>().join(" ");
                a.migrate_command().map(|c| c.map(words))
                    != Some(plan.migration.as_ref().map(|m| m.command.join(" ")))
            }
            Key::ComposeFile => a.compose_file() != Some(plan.compose_file.as_str()),
            // Detection never sets these: the server's own defaults apply.
            Key::WorkerClass
            | Key::MaxRequests
            | Key::MaxRequestsJitter
            | Key::ForwardedAllowIps => true,
            Key::Postgres => a.postgres() != Some(plan.runs(Service::Postgres)),
            Key::Redis => a.redis() != Some(plan.runs(Service::Redis)),
            Key::TaskWorkers => a.workers() != Some(plan::detected_workers(p).as_slice()),
            Key::Memory => a.memory() != Some(plan.hardening.memory.as_str()),
            Key::Cpus => a.cpus() != Some(plan.hardening.cpus.as_str()),
            Key::SystemPackages => a.system_packages() != Some(plan::own_packages(p)),
            // Detection never picks a fork of the templates.
            Key::Templates => true,
            // Detection never names a public host.
            Key::IngressHost => true,
            Key::Target => {
                a.get(key).is_none() || a.targets() != crate::orchestrate::Targets::default()
            }
            // Detection never puts a proxy in front: none unless asked.
            Key::Proxy => a.get(key).is_none() || a.proxy() != crate::plan::proxy::Proxy::None,
            // Detection leaves every generated file managed.
            Key::Unmanaged => {
                !matches!(a.get(Key::Unmanaged), Some(Value::Files(f)) if f.is_empty())
            }
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
fn source(merged: &Layer, key: Key, detected: Option<&Evidence>) -> String {
    match merged.origins.get(&key) {
        Some(o) => why(Some(&o.evidence())),
        None => why(detected),
    }
}

/// `key`'s question: its label from the table, and where the current value came from.
fn question(key: Key, source: &str) -> String {
    let spec = answers::spec(key);
    format!("{} ({source})", spec.prompt)
}

fn set_prompt(merged: &mut Layer, key: Key, value: &str) -> std::result::Result<(), String> {
    merged.answers.set(key, value)?;
    merged.origins.insert(key, Origin::Prompt);
    Ok(())
}

/// What a guided session starts from besides the answers: the keys fixed by flags or variables, what
/// `[detected]` recorded, and whether to ask everything again.
struct Session<'a> {
    fixed: BTreeSet<Key>,
    recorded: &'a Answers,
    ask_all: bool,
    name_hint: Option<String>,
}

/// One guided session: the project, the answers so far, and who answers.
struct Guide<'a> {
    root: &'a Path,
    merged: &'a mut Layer,
    session: &'a Session<'a>,
    p: &'a mut dyn Prompter,
    /// Detection alone, for what each question's answer is held against.
    baseline: Baseline,
    /// What detection gives now for each question reached (the new `[detected]`).
    detected: Answers,
    /// The questions not asked because detection still gives what it gave when they were answered.
    kept: Vec<&'static str>,
}

/// Asks about each decision not fixed by a flag or variable, with the current value as the default;
/// a decision answered before (recorded in `[detected]`) is asked again only when detection now gives
/// something else, or with `--ask-all`. Returns the new `[detected]` and detection alone.
fn guide(
    root: &Path,
    merged: &mut Layer,
    session: &Session,
    p: &mut dyn Prompter,
) -> Result<(Answers, Option<Baseline>)> {
    let mut project = which_app(root, merged, session, p)?;
    let opts = merged.answers.detect_options(&merged.origins);
    let untouched = opts.framework.is_none()
        && opts.package_manager.is_none()
        && opts.python.is_none()
        && opts.app_dir.is_none()
        && opts.entrypoint.is_none()
        && opts.celery_app.is_none();
    let baseline = if untouched {
        Baseline::planned(Some(project.clone()), session.name_hint.clone())
    } else {
        Baseline::of(root, session.name_hint.clone())
    };
    let mut g = Guide {
        root,
        merged,
        session,
        p,
        baseline,
        detected: session.recorded.clone(),
        kept: Vec::new(),
    };
    g.framework(&mut project)?;
    g.detected_texts(&mut project)?;
    g.port(session.name_hint.clone())?;
    g.health(&project)?;
    g.services(&project)?;
    g.workers(&project)?;
    g.proxy()?;
    if !g.kept.is_empty() {
        let line = kept_line(&g.kept);
        g.p.show(&line);
    }
    Ok((g.detected, Some(g.baseline)))
}

/// The one line that stands for the questions not asked again.
fn kept_line(kept: &[&str]) -> String {
    let n = kept.len();
    let (s, were, them) = if n == 1 {
        ("", "it was", "it")
    } else {
        ("s", "they were", "them")
    };
    format!(
        "kept {n} earlier answer{s} ({}): detection gives what it gave when {were} answered; `dockgen init --ask-all` asks {them} again",
        kept.join(", ")
    )
}

/// Detection with the answers so far; asks which app only when detection finds several.
fn which_app(
    root: &Path,
    merged: &mut Layer,
    session: &Session,
    p: &mut dyn Prompter,
) -> Result<Project> {
    let opts = merged.answers.detect_options(&merged.origins);
    match detect::detect(root, &opts) {
        Err(Error::Ambiguous {
            candidates,
            app_dirs,
            ..
        }) if !session.fixed.contains(&Key::AppDir) => {
            let i = p.select(
                "Several apps were found; which one should the image run?",
                &candidates,
                0,
            )?;
            apply_answer(root, merged, Key::AppDir, &app_dirs[i]).map_err(usage)
        }
        other => other,
    }
}

impl Guide<'_> {
    /// Whether to ask about `key`: not when a flag or variable fixed it, nor when it was answered
    /// against what detection still gives (unless `--ask-all`). Records what detection gives now.
    fn ask(&mut self, key: Key) -> bool {
        if self.session.fixed.contains(&key) {
            return false;
        }
        let now = self.baseline.detected(key);
        let unchanged = now.is_some() && self.session.recorded.get(key) == now.as_ref();
        if let Some(v) = now {
            self.detected.insert(key, v);
        }
        if unchanged && !self.session.ask_all {
            self.kept.push(key.name());
            return false;
        }
        true
    }

    fn framework(&mut self, project: &mut Project) -> Result<()> {
        if !self.ask(Key::Framework) {
            return Ok(());
        }
        let items: Vec<String> = Framework::ALL.iter().map(|f| f.to_string()).collect();
        let detected = project.framework.to_string();
        let default = items.iter().position(|f| *f == detected).unwrap_or(0);
        let from = source(
            self.merged,
            Key::Framework,
            project.evidence.get(&detect::Key::Framework),
        );
        let i = self
            .p
            .select(&question(Key::Framework, &from), &items, default)?;
        if i != default {
            match apply_answer(self.root, self.merged, Key::Framework, &items[i]) {
                Ok(pr) => *project = pr,
                Err(m) => self.p.show(&format!("{m}; keeping {}", project.framework)),
            }
        }
        Ok(())
    }

    /// The answers detection finds as text: app directory, entrypoint, Python version.
    fn detected_texts(&mut self, project: &mut Project) -> Result<()> {
        for (key, ev_key) in [
            (Key::AppDir, detect::Key::AppDir),
            (Key::Entrypoint, detect::Key::Entrypoint),
            (Key::Python, detect::Key::PythonVersion),
        ] {
            if !self.ask(key) {
                continue;
            }
            let current = match key {
                Key::AppDir => project.app_dir.to_string(),
                Key::Entrypoint => project.entrypoint.clone(),
                _ => project.python_version.to_string(),
            };
            let detected = project.evidence.get(&ev_key).cloned();
            if let Some(pr) = self.text(key, &current, detected.as_ref())? {
                *project = pr;
            }
        }
        Ok(())
    }

    /// Asks for `key` as text until the answer keeps `current` or detection accepts it; returns the new
    /// detection when the answer changed something.
    fn text(
        &mut self,
        key: Key,
        current: &str,
        detected: Option<&Evidence>,
    ) -> Result<Option<Project>> {
        let q = question(key, &source(self.merged, key, detected));
        let (root, merged) = (self.root, &mut *self.merged);
        let mut changed = None;
        self.p.input(&q, current, &mut |answer| {
            if answer == current {
                return Ok(());
            }
            changed = Some(apply_answer(root, merged, key, answer)?);
            Ok(())
        })?;
        Ok(changed)
    }

    fn port(&mut self, name_hint: Option<String>) -> Result<()> {
        if !self.ask(Key::Port) {
            return Ok(());
        }
        let opts = self.merged.answers.plan_options(name_hint);
        let current = opts.port.unwrap_or(plan::DEFAULT_PORT).to_string();
        let from = self
            .merged
            .origins
            .get(&Key::Port)
            .map_or("the usual one for a Python web server".to_string(), |o| {
                why(Some(&o.evidence()))
            });
        let merged = &mut *self.merged;
        self.p
            .input(&question(Key::Port, &from), &current, &mut |answer| {
                if answer == current {
                    return Ok(());
                }
                set_prompt(merged, Key::Port, answer)
            })?;
        Ok(())
    }

    /// The health path, when detection found a route to confirm (`none` for no route).
    fn health(&mut self, project: &Project) -> Result<()> {
        let Some(detected) = project.health_path.as_deref() else {
            return Ok(());
        };
        if !self.ask(Key::HealthPath) {
            return Ok(());
        }
        let from = source(
            self.merged,
            Key::HealthPath,
            project.evidence.get(&detect::Key::HealthPath),
        );
        let merged = &mut *self.merged;
        self.p
            .input(&question(Key::HealthPath, &from), detected, &mut |answer| {
                if answer == detected {
                    return Ok(());
                }
                set_prompt(merged, Key::HealthPath, answer)
            })?;
        Ok(())
    }

    /// Postgres, then Redis (whose default depends on the workers).
    fn services(&mut self, project: &Project) -> Result<()> {
        if self.ask(Key::Postgres) {
            let opts = self.merged.answers.plan_options(None);
            let current = opts.postgres.unwrap_or(plan::default_postgres(project));
            let detected = project
                .evidence
                .get(&detect::Key::Service(Service::Postgres))
                .map_or_else(
                    || "no Postgres driver among the dependencies".to_string(),
                    |e| format!("from {e}"),
                );
            self.yes_no(Key::Postgres, current, detected)?;
        }
        if self.ask(Key::Redis) {
            let opts = self.merged.answers.plan_options(None);
            let current = opts.redis.unwrap_or(plan::default_redis(project, &opts));
            let detected = match project.evidence.get(&detect::Key::Service(Service::Redis)) {
                Some(e) => format!("from {e}"),
                None if current => "the workers need a broker".into(),
                None => "no Redis client among the dependencies".into(),
            };
            self.yes_no(Key::Redis, current, detected)?;
        }
        Ok(())
    }

    /// A yes/no decision: the source is the earlier answer's origin, else what detection found.
    fn yes_no(&mut self, key: Key, current: bool, detected: String) -> Result<()> {
        let from = self
            .merged
            .origins
            .get(&key)
            .map_or(detected, |o| why(Some(&o.evidence())));
        let answer = self.p.confirm(&question(key, &from), current)?;
        if answer != current {
            set_prompt(self.merged, key, &answer.to_string()).map_err(usage)?;
        }
        Ok(())
    }

    /// The front proxy: none (web publishes the port) or nginx (it does, and web scales behind it).
    fn proxy(&mut self) -> Result<()> {
        if !self.ask(Key::Proxy) {
            return Ok(());
        }
        let items: Vec<String> = plan::proxy::PROXIES.iter().map(|p| p.to_string()).collect();
        let current = self.merged.answers.proxy();
        let default = match current {
            plan::proxy::Proxy::None => 0,
            plan::proxy::Proxy::Nginx => 1,
        };
        let from = self.merged.origins.get(&Key::Proxy).map_or_else(
            || "none: web publishes the port; nginx: web scales behind it".to_string(),
            |o| why(Some(&o.evidence())),
        );
        let i = self
            .p
            .select(&question(Key::Proxy, &from), &items, default)?;
        if i != default {
            set_prompt(self.merged, Key::Proxy, &items[i]).map_err(usage)?;
        }
        Ok(())
    }

    /// One yes/no question per worker the project can run.
    fn workers(&mut self, project: &Project) -> Result<()> {
        if !self.ask(Key::TaskWorkers) {
            return Ok(());
        }
        let detected = plan::detected_workers(project);
        let current = self
            .merged
            .answers
            .workers()
            .map_or_else(|| detected.clone(), <[WorkerKind]>::to_vec);
        let label = answers::spec(Key::TaskWorkers).prompt;
        let mut chosen = Vec::new();
        for (k, ev) in plan::available_workers(project) {
            let detail = match self.merged.origins.get(&Key::TaskWorkers) {
                Some(o) => why(Some(&o.evidence())),
                None if k.scheduler && ev.is_none() => "no beat schedule was found".into(),
                None => why(ev),
            };
            let q = format!("{} ({detail})", label.replace("{}", k.as_str()));
            if self.p.confirm(&q, current.contains(&k))? {
                chosen.push(k);
            }
        }
        if chosen != current {
            self.merged
                .answers
                .insert(Key::TaskWorkers, Value::Workers(chosen));
            self.merged.origins.insert(Key::TaskWorkers, Origin::Prompt);
        }
        Ok(())
    }
}

fn usage(message: String) -> Error {
    Error::Usage { message }
}

/// Records a prompt answer for `key` and re-runs detection with it. If the answer is invalid or
/// detection fails with it, the earlier answers are restored and the reason is returned.
fn apply_answer(
    root: &Path,
    merged: &mut Layer,
    key: Key,
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

/// Settles the generated files' conflicts; returns the files left as the user's (kept, or no longer
/// managed), whose facts are then held against the plan.
fn settle_generated(
    prepared: &mut write::Prepared,
    p: &mut dyn Prompter,
    saved: &mut Answers,
) -> Result<Vec<String>> {
    let mut yours = settle_conflicts(prepared, p, true)?;
    for path in &yours {
        saved.stop_managing(path);
    }
    yours.extend(
        prepared
            .reports
            .iter()
            .filter(|r| r.status == Status::Kept)
            .map(|r| r.path.clone()),
    );
    Ok(yours)
}

/// The choices for a conflicting file, in the order offered (the first is the default).
pub const KEEP: &str = "keep yours";
pub const OVERWRITE: &str = "overwrite it with dockgen's";
pub const STOP_MANAGING: &str = "stop managing it (saved in dockgen.toml)";

/// Shows each conflicting file's three-way view and asks what to do with it: keep it, overwrite it, or
/// (where `can_unmanage`) stop managing it. Returns the files the user stopped managing.
fn settle_conflicts(
    prepared: &mut write::Prepared,
    p: &mut dyn Prompter,
    can_unmanage: bool,
) -> Result<Vec<String>> {
    let conflicts: Vec<(String, String)> = prepared
        .reports
        .iter()
        .filter(|r| r.status == Status::Conflict)
        .map(|r| {
            let view = r.three_way.as_ref().or(r.diff.as_ref());
            (r.path.clone(), view.cloned().unwrap_or_default())
        })
        .collect();
    let mut items = vec![KEEP.to_string(), OVERWRITE.to_string()];
    if can_unmanage {
        items.push(STOP_MANAGING.to_string());
    }
    let mut stopped = Vec::new();
    for (path, view) in conflicts {
        p.show(&view);
        let q = format!("`{path}` differs from what dockgen would write (above)");
        let how = match p.select(&q, &items, 0)? {
            0 => Resolution::Keep,
            1 => Resolution::Overwrite,
            _ => {
                stopped.push(path.clone());
                Resolution::StopManaging
            }
        };
        prepared.resolve(&path, how);
    }
    Ok(stopped)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_answer_has_a_baseline() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/django-celery-pip");
        let baseline = Baseline::of(&root, None);
        assert!(baseline.project.is_some() && baseline.plan.is_some());
        // No answer is never what detection gives; a key without an arm panics.
        for spec in answers::ANSWERS {
            assert!(
                baseline.differs(spec.key, &Answers::default()),
                "{}",
                spec.key
            );
        }
    }

    /// Without an answer that overrides detection, the baseline reuses the run's own project (no
    /// second detection) and is the same as detecting again; with one, it detects without it.
    #[test]
    fn the_baseline_reuses_the_runs_detection_when_no_answer_overrode_it() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/django-celery-pip");
        let req = Request {
            root: root.clone(),
            flags: Layer::default(),
            env: Layer::default(),
            mode: Mode::DryRun,
            name_hint: Some("proj".into()),
            cwd: root.clone(),
            index: None,
            ask_all: false,
        };
        let plain = detect::Options::default();
        let run = detect::detect(&root, &plain).unwrap();
        let lazy = Baseline::lazy(&req, &run, &plain);
        assert!(lazy.detected.is_some());
        let again = Baseline::of(&root, Some("proj".into()));
        let json = |b: &Baseline| serde_json::to_string(&(&b.project, &b.plan)).unwrap();
        assert_eq!(json(lazy.get()), json(&again));
        let overridden = detect::Options {
            framework: Some(run.framework),
            ..Default::default()
        };
        assert!(Baseline::lazy(&req, &run, &overridden).detected.is_none());
    }
}
