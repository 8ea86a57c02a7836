//! The contributor recipe (CONTRIBUTING.md), exercised: frameworks, a package manager and a task queue
//! that exist only in this test are registered beside the built-in ones (one line each), and detection, planning,
//! rendering and the error messages use them, routes, facts and build-backend tables included, with no
//! other change to the crate. If adding one ever needs an edit elsewhere (a `match` on a name, a
//! hand-written list), this test stops compiling or fails.

use dockgen::base::diag::Diagnostics;
use dockgen::base::error::Result;
use dockgen::base::evidence::Evidence;
use dockgen::base::kinds::EnvRole;
use dockgen::base::kinds::Service;
use dockgen::base::kinds::{Interface, Server};
use dockgen::detect::Key;
use dockgen::detect::{Options, Registry, detect_with};
use dockgen::framework::{
    self, Analysis, AnalyzeCx, AppView, EnvRead, EnvRoleCx, FrameworkSpec, Mount, RouteRules,
};
use dockgen::manager::install::{copy_pairs, venv_env};
use dockgen::manager::{self, Install, InstallCx, ManagerSpec, ReadCx, Reading};
use dockgen::parse::procfile::Process;
use dockgen::parse::pysrc::Value;
use dockgen::queue::{
    self, FindCx, ProcfileRun, QueueFacts, QueueService, QueueSpec, TaskQueue, WorkerKind,
    WorkerRun,
};

use crate::support::project;

/// Step 1 of the recipe for a framework: one module implementing `FrameworkSpec`.
struct Litestar;

impl FrameworkSpec for Litestar {
    fn name(&self) -> &'static str {
        "litestar"
    }
    fn title(&self) -> &'static str {
        "Litestar"
    }
    fn package(&self) -> &'static str {
        "litestar"
    }
    fn about(&self) -> &'static str {
        "Litestar: a Litestar(...) object, served by uvicorn"
    }
    fn app_class(&self) -> Option<(&'static str, &'static str)> {
        Some(("litestar.Litestar", "litestar"))
    }
    fn default_interface(&self) -> Interface {
        Interface::Asgi
    }
    fn asgi_servers(&self) -> &'static [Server] {
        &[Server::Uvicorn]
    }
    fn dev_command(&self, app: &AppView, _server: &[String]) -> Vec<String> {
        ["litestar", "--app", app.entrypoint, "run", "--reload"]
            .map(String::from)
            .to_vec()
    }
    fn migration(&self, _app: &AppView) -> Option<framework::Migration> {
        None
    }
    fn runtime_env(&self, app: &AppView) -> Vec<(&'static str, String)> {
        vec![("LITESTAR_APP", app.entrypoint.to_string())]
    }
}

/// Step 1 of the recipe for a package manager: one module implementing `ManagerSpec`.
struct Hatch;

impl ManagerSpec for Hatch {
    fn name(&self) -> &'static str {
        "hatch"
    }
    fn about(&self) -> &'static str {
        "Hatch: [tool.hatch], installs the project's dependencies"
    }
    fn markers(&self) -> &'static [&'static str] {
        &["hatch.toml"]
    }
    fn lockfile(&self) -> Option<&'static str> {
        None
    }
    fn manifest(&self) -> Option<&'static str> {
        Some("hatch.toml")
    }
    fn tool_table(&self) -> Option<&'static str> {
        Some("tool.hatch")
    }
    fn build_backend_keys(&self) -> &'static [&'static str] {
        // hatchling's own settings.
        &["build", "version", "metadata"]
    }
    fn read(&self, cx: &mut ReadCx) -> Result<Reading> {
        let mut reading = Reading {
            deps: cx.direct.clone(),
            ..Reading::default()
        };
        reading.facts.files.extend(cx.manifests.pyproject_file());
        Ok(reading)
    }
    fn install(&self, cx: &InstallCx) -> Result<Install> {
        Ok(Install {
            env: venv_env(cx.venv),
            setup: vec![format!("python -m venv {}", cx.venv)],
            manifests: copy_pairs(&cx.facts.files),
            cache: "/root/.cache/pip".into(),
            command: format!("{}/bin/pip install .", cx.venv),
            extra: vec![],
            after_source: vec![],
        })
    }
    fn install_extra(&self, cx: &InstallCx, pin: &str) -> String {
        format!("{}/bin/pip install {pin}", cx.venv)
    }
}

/// A framework with routes of its own and a fact its analysis records for its plan hooks: Sanic, whose
/// `app = Sanic("name")` is an app, `Blueprint(..., url_prefix=...)` a router mounted by
/// `app.blueprint(bp)`, and an installed Sanic Extensions (`sanic-ext`) a fact that adds a build step
/// (a stand-in command: what the test proves is that the fact reaches it).
struct Sanic;

/// The analysis fact for an installed `sanic-ext`.
const SANIC_EXT: &str = "sanic-ext";

impl FrameworkSpec for Sanic {
    fn name(&self) -> &'static str {
        "sanic"
    }
    fn title(&self) -> &'static str {
        "Sanic"
    }
    fn package(&self) -> &'static str {
        "sanic"
    }
    fn about(&self) -> &'static str {
        "Sanic: a Sanic(...) object, served by uvicorn"
    }
    fn app_class(&self) -> Option<(&'static str, &'static str)> {
        Some(("sanic.Sanic", "sanic"))
    }
    fn routes(&self) -> RouteRules {
        RouteRules {
            apps: &["sanic.Sanic"],
            routers: &[("sanic.Blueprint", "url_prefix")],
            mounts: &[Mount {
                method: "blueprint",
                prefix: "url_prefix",
                replaces: true,
            }],
            decorators: &["get", "route"],
            words: &["Sanic", "Blueprint"],
            ..RouteRules::default()
        }
    }
    fn env_role(&self, read: &EnvRead, _cx: &EnvRoleCx) -> Option<(EnvRole, Evidence)> {
        // sanic-redis connects to the URL in the `REDIS` config value.
        (read.read.target.as_deref() == Some("REDIS")).then(|| {
            let rule = "the `REDIS` config value sanic-redis connects to";
            (EnvRole::RedisUrl, read.evidence.with_rule(rule))
        })
    }
    fn analyze(&self, cx: &AnalyzeCx) -> Result<Analysis> {
        let mut a = Analysis::default();
        if cx.deps.has("sanic-ext") {
            a.facts.insert(SANIC_EXT);
        }
        Ok(a)
    }
    fn default_interface(&self) -> Interface {
        Interface::Asgi
    }
    fn asgi_servers(&self) -> &'static [Server] {
        &[Server::Uvicorn]
    }
    fn dev_command(&self, app: &AppView, _server: &[String]) -> Vec<String> {
        ["sanic", app.entrypoint, "--dev"]
            .map(String::from)
            .to_vec()
    }
    fn migration(&self, _app: &AppView) -> Option<framework::Migration> {
        None
    }
    fn build_commands(&self, app: &AppView) -> Vec<Vec<String>> {
        if app.facts.contains(SANIC_EXT) {
            vec![
                ["python", "-m", "sanic_ext.check"]
                    .map(String::from)
                    .to_vec(),
            ]
        } else {
            vec![]
        }
    }
}

/// Step 2 of the recipe: one registry line each (here, appended to the built-in registries).
fn registries() -> (Vec<framework::Framework>, Vec<manager::PackageManager>) {
    let mut frameworks = framework::ALL.to_vec();
    frameworks.push(framework::Framework(&Litestar));
    frameworks.push(framework::Framework(&Sanic));
    let mut managers = manager::ALL.to_vec();
    // Before pip, the fallback, like every manager with evidence of its own.
    managers.insert(managers.len() - 1, manager::PackageManager(&Hatch));
    (frameworks, managers)
}

/// Step 3: a fixture. The project is the one Litestar's docs start from, managed by Hatch.
#[test]
fn a_framework_and_a_manager_registered_in_a_test_work_end_to_end() {
    let dir = project(&[
        (
            "pyproject.toml",
            b"[project]\nname = \"todo-api\"\nrequires-python = \">=3.12\"\ndependencies = [\"litestar[standard]\", \"asyncpg\"]\n\n[tool.hatch.envs.default]\npython = \"3.12\"\n",
        ),
        (
            "app.py",
            b"from litestar import Litestar, get\n\n\n@get(\"/\")\nasync def index() -> str:\n    return \"hi\"\n\n\napp = Litestar([index])\n",
        ),
    ]);
    let (frameworks, managers) = registries();
    let reg = Registry {
        frameworks: &frameworks,
        managers: &managers,
        queues: dockgen::queue::ALL,
    };
    let p = detect_with(dir.path(), &Options::default(), reg).expect("detects");
    assert_eq!(p.framework.as_str(), "litestar");
    assert_eq!(p.package_manager.as_str(), "hatch");
    assert_eq!(p.entrypoint, "app:app");
    assert_eq!(p.interface, Interface::Asgi);
    assert_eq!(
        p.evidence[&Key::PackageManager].rule,
        "[tool.hatch] in pyproject.toml, no lockfile"
    );
    assert_eq!(p.services, vec![dockgen::base::kinds::Service::Postgres]);

    let plan = dockgen::plan::plan(&p, &Default::default()).expect("plans");
    assert_eq!(plan.server.program, "uvicorn", "{:?}", plan.server);
    assert_eq!(plan.dev_command[0], "litestar");
    assert!(
        plan.runtime_env
            .iter()
            .any(|e| e.name == "LITESTAR_APP" && e.value == "app:app")
    );
    let files = dockgen::output::render::render(&plan).expect("renders");
    assert!(files["Dockerfile"].contains("/opt/venv/bin/pip install ."));
    assert!(files["Dockerfile"].contains("LITESTAR_APP=app:app"));
    assert!(files["docker-compose.yml"].contains("\"litestar\""));

    // The built-in registry alone does not know either.
    assert!(dockgen::detect::detect(dir.path(), &Options::default()).is_err());
    assert!("litestar".parse::<framework::Framework>().is_err());

    // And a Hatch project with its own hatch.toml is found by that marker.
    let dir = project(&[
        ("hatch.toml", b"[envs.default]\n"),
        (
            "pyproject.toml",
            b"[project]\nname = \"x\"\ndependencies = [\"litestar\"]\n",
        ),
        (
            "app.py",
            b"from litestar import Litestar\napp = Litestar([])\n",
        ),
    ]);
    let p = detect_with(dir.path(), &Options::default(), reg).expect("detects");
    assert_eq!(p.package_manager.as_str(), "hatch");
    assert_eq!(
        p.evidence[&Key::PackageManager].rule,
        "hatch.toml without a lock"
    );
}

/// A framework's route rules find its health route under a mounted router, its env-role rule traces a
/// variable, its own fact reaches its build step, and the "no app" error lists it, all from its
/// registry entry alone.
#[test]
fn a_registered_frameworks_routes_facts_and_name_reach_the_plan_and_the_errors() {
    let dir = project(&[
        (
            "requirements.txt",
            b"sanic==24.12.0\nsanic-ext==24.12.0\nsanic-redis==0.5.0\nuvicorn==0.34.0\n",
        ),
        (
            "config.py",
            b"import os\n\nREDIS = os.environ[\"CACHE_ADDR\"]\n",
        ),
        (
            "server.py",
            b"from sanic import Sanic\n\nfrom api import bp\n\napp = Sanic(\"shop\")\napp.blueprint(bp)\n",
        ),
        (
            "api.py",
            b"from sanic import Blueprint\nfrom sanic.response import json\n\nbp = Blueprint(\"api\", url_prefix=\"/api\")\n\n\n@bp.get(\"/healthz\")\nasync def healthz(request):\n    return json({})\n",
        ),
    ]);
    let (frameworks, managers) = registries();
    let reg = Registry {
        frameworks: &frameworks,
        managers: &managers,
        queues: dockgen::queue::ALL,
    };
    let p = detect_with(dir.path(), &Options::default(), reg).expect("detects");
    assert_eq!(p.framework.as_str(), "sanic");
    assert_eq!(p.health_path.as_deref(), Some("/api/healthz"));
    assert!(p.framework_facts.contains(SANIC_EXT));
    let cache = p.env_vars.iter().find(|v| v.name == "CACHE_ADDR").unwrap();
    let traced = cache
        .role
        .as_ref()
        .expect("the framework's env rule traced it");
    assert_eq!(traced.role, EnvRole::RedisUrl);
    assert!(traced.because.rule.contains("sanic-redis"));
    let plan = dockgen::plan::plan(&p, &Default::default()).expect("plans");
    assert_eq!(plan.health.path.as_deref(), Some("/api/healthz"));
    // The build step gets a throwaway value for the required Redis URL the framework's rule traced.
    assert_eq!(
        plan.build_command.as_deref(),
        Some("CACHE_ADDR=redis://localhost:6379/0 python -m sanic_ext.check")
    );
    let files = dockgen::output::render::render(&plan).expect("renders");
    assert!(files["Dockerfile"].contains("python -m sanic_ext.check"));
    assert!(files["docker-compose.yml"].contains("/api/healthz"));

    // With no app at all, the error says what was looked for, Sanic's app object included.
    let empty = project(&[("README.md", b"nothing here\n")]);
    let e = detect_with(empty.path(), &Options::default(), reg).unwrap_err();
    let hint = e.hint().unwrap();
    assert!(hint.contains("`Sanic(...)`"), "{hint}");
    let node = project(&[("package.json", b"{}\n")]);
    let e = detect_with(node.path(), &Options::default(), reg).unwrap_err();
    let hint = e.hint().unwrap();
    assert!(
        hint.contains("(Django, Flask, FastAPI, Litestar, Sanic) only"),
        "{hint}"
    );
}

/// A manager's build-backend-only table (hatchling's `[tool.hatch.build]`) is no evidence for it: the
/// requirements file decides, as for pdm-backend's table.
#[test]
fn a_registered_managers_build_backend_table_does_not_claim_the_project() {
    let dir = project(&[
        (
            "pyproject.toml",
            b"[project]\nname = \"todo-api\"\nversion = \"1.0\"\ndependencies = [\"litestar\"]\n\n[build-system]\nrequires = [\"hatchling\"]\nbuild-backend = \"hatchling.build\"\n\n[tool.hatch.build.targets.wheel]\npackages = [\"app.py\"]\n",
        ),
        ("requirements.txt", b"litestar==2.15.0\nuvicorn==0.34.0\n"),
        (
            "app.py",
            b"from litestar import Litestar\napp = Litestar([])\n",
        ),
    ]);
    let (frameworks, managers) = registries();
    let reg = Registry {
        frameworks: &frameworks,
        managers: &managers,
        queues: dockgen::queue::ALL,
    };
    let p = detect_with(dir.path(), &Options::default(), reg).expect("detects");
    assert_eq!(p.package_manager.as_str(), "pip");
    assert_eq!(p.evidence[&Key::PackageManager].rule, "requirements file");
}

/// Where a framework, package-manager or worker-system name is still written outside its own registry
/// module today, file by file (relative to `src/`): the renovation's remaining debt. The test below fails
/// when a name appears anywhere new, and when one of these is moved home (shrink the list then).
/// What is left is of three kinds, none of them knowledge of another module's ecosystem:
/// - `uv` and `pip` in the managers' modules, the plan and the Dockerfile context (`images.uv`) are the
///   installer every manager's image uses (uv's binary, `uv pip`), not the managers;
/// - `django` and `flask` in the queues' modules are their integration packages (`django-rq`,
///   `flask-rq2`, `django-celery-beat`), which mean the queue;
/// - `celery` in `base/answer.rs`, `init/` and `detect/mod.rs` is the `--celery-app` answer: a flag (and
///   `DOCKGEN_CELERY_APP`, `celery-app =` in dockgen.toml) users and saved files already name, taken by
///   whichever registered queue says it takes an app answer (`QueueSpec::takes_app_answer`).
const NAMED_OUTSIDE_THEIR_MODULE: &[(&str, &[&str])] = &[
    ("base/answer.rs", &["celery"]),
    ("detect/mod.rs", &["celery"]),
    ("init/answers.rs", &["celery"]),
    ("init/mod.rs", &["celery"]),
    ("manager/install.rs", &["pip", "uv"]),
    ("manager/mod.rs", &["pip", "uv"]),
    ("manager/pdm/mod.rs", &["pip", "uv"]),
    ("manager/pip/mod.rs", &["uv"]),
    ("manager/pipenv/mod.rs", &["pip", "uv"]),
    ("manager/poetry/mod.rs", &["pip", "uv"]),
    ("manager/uv/mod.rs", &["pip"]),
    ("output/contexts.rs", &["uv"]),
    ("plan/mod.rs", &["uv"]),
    ("queue/celery/mod.rs", &["django"]),
    ("queue/rq/mod.rs", &["django", "flask"]),
];

/// The registry's names each file's code writes outside that name's own module (`framework/<name>/`,
/// `manager/<name>/`, `queue/<name>/`). Comments, tests and the registry lines (`pub mod x;`, `ALL`
/// and its entries) do not count; a name counts as a whole word of a line, any case (`DJANGO_SETTINGS`).
fn names_outside_their_modules()
-> std::collections::BTreeMap<String, std::collections::BTreeSet<String>> {
    let registry: Vec<(&str, &str)> = framework::ALL
        .iter()
        .map(|f| ("framework", f.as_str()))
        .chain(manager::ALL.iter().map(|m| ("manager", m.as_str())))
        .chain(dockgen::queue::ALL.iter().map(|q| ("queue", q.as_str())))
        .collect();
    let mut found: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        Default::default();
    for (rel, code) in crate::support::src_code() {
        for line in code.lines() {
            let t = line.trim();
            let registry_line = (t.starts_with("pub mod ") && t.ends_with(';'))
                || t.starts_with("Framework(&")
                || t.starts_with("PackageManager(&")
                || t.starts_with("TaskQueue(&")
                || t.starts_with("pub static ALL:");
            if t.starts_with("//") || registry_line {
                continue;
            }
            let lower = line.to_ascii_lowercase();
            let words: std::collections::BTreeSet<&str> =
                lower.split(|c: char| !c.is_ascii_alphanumeric()).collect();
            for (kind, name) in &registry {
                if words.contains(name) && !rel.starts_with(&format!("{kind}/{name}/")) {
                    found
                        .entry(rel.clone())
                        .or_default()
                        .insert(name.to_string());
                }
            }
        }
    }
    found
}

#[test]
fn no_registry_name_is_written_outside_its_module_beyond_the_known_debt() {
    let found = names_outside_their_modules();
    let known: std::collections::BTreeMap<String, std::collections::BTreeSet<String>> =
        NAMED_OUTSIDE_THEIR_MODULE
            .iter()
            .map(|(f, names)| (f.to_string(), names.iter().map(|n| n.to_string()).collect()))
            .collect();
    let mut new = Vec::new();
    let mut gone = Vec::new();
    for (file, names) in &found {
        let k = known.get(file).cloned().unwrap_or_default();
        new.extend(names.difference(&k).map(|n| format!("{file}: {n}")));
    }
    for (file, names) in &known {
        let f = found.get(file).cloned().unwrap_or_default();
        gone.extend(names.difference(&f).map(|n| format!("{file}: {n}")));
    }
    assert!(
        new.is_empty(),
        "a framework, manager or worker name outside its registry module: ask through the registry's hooks instead: {new:?}"
    );
    assert!(
        gone.is_empty(),
        "no longer named there: remove it from NAMED_OUTSIDE_THEIR_MODULE: {gone:?}"
    );
}

/// Step 1 of the recipe for a task queue: one module implementing `QueueSpec`. Dramatiq, found by its
/// dependency, its app the module that builds its broker (`broker = RedisBroker(...)`, run as
/// `dramatiq tasks`), with periodiq as its scheduler when that is installed.
struct Dramatiq;

/// Its scheduler: periodiq, run beside the workers.
const PERIODIQ: queue::Scheduler = queue::Scheduler {
    kind: "dramatiq-periodiq",
    service: "periodiq",
};

impl QueueSpec for Dramatiq {
    fn name(&self) -> &'static str {
        "dramatiq"
    }
    fn title(&self) -> &'static str {
        "Dramatiq"
    }
    fn about(&self) -> &'static str {
        "Dramatiq: a worker running `dramatiq <module>`"
    }
    fn packages(&self) -> &'static [&'static str] {
        &["dramatiq"]
    }
    fn needs_app(&self) -> bool {
        true
    }
    fn broker(&self) -> Service {
        Service::Redis
    }
    fn broker_vars(&self) -> &'static [&'static str] {
        &["BROKER"]
    }
    fn redis_settings(&self) -> &'static [&'static str] {
        &["DRAMATIQ_REDIS_URL"]
    }
    fn source_words(&self) -> &'static [&'static str] {
        &["dramatiq"]
    }
    fn procfile_run(&self, p: &Process) -> Option<ProcfileRun> {
        (p.program() == "dramatiq").then(|| ProcfileRun {
            app: p.words.get(1).map(|m| (m.clone(), format!("dramatiq {m}"))),
            queues: Vec::new(),
        })
    }
    fn find(
        &self,
        cx: &FindCx,
        ev: &mut Vec<(Key, Evidence)>,
        notes: &mut Diagnostics,
    ) -> QueueFacts {
        let mut facts = QueueFacts::default();
        let found = cx.run_app.clone().or_else(|| {
            cx.sources.iter().find_map(|s| {
                s.summary.assigns.iter().find_map(|a| match &a.value {
                    Value::Call { callee }
                        if s.summary.resolve(callee) == "dramatiq.brokers.redis.RedisBroker" =>
                    {
                        Some((
                            s.module.clone(),
                            Evidence::at(&s.file, a.line, "a Dramatiq broker"),
                        ))
                    }
                    _ => None,
                })
            })
        });
        match found {
            Some((app, e)) => {
                facts.app = Some(app);
                ev.push((Key::QueueApp("dramatiq"), e));
            }
            None => notes.warn("dramatiq is a dependency but no broker module was found"),
        }
        if let Some(d) = cx.deps.get("periodiq") {
            facts.schedule = true;
            ev.push((
                Key::Scheduler(PERIODIQ.kind),
                d.evidence.with_rule("dependency `periodiq`"),
            ));
        }
        facts
    }
    fn scheduler(&self) -> Option<queue::Scheduler> {
        Some(PERIODIQ)
    }
    fn worker_service(
        &self,
        facts: &QueueFacts,
        _own: Option<Vec<String>>,
    ) -> Option<QueueService> {
        let app = facts.app.clone()?;
        Some(QueueService {
            command: vec!["dramatiq".into(), app, "--processes".into(), "2".into()],
            probe: None,
            run: WorkerRun::process(),
        })
    }
    fn scheduler_service(&self, facts: &QueueFacts) -> Option<QueueService> {
        let app = facts.app.clone()?;
        Some(QueueService {
            command: vec!["periodiq".into(), app],
            probe: None,
            run: WorkerRun {
                singleton: true,
                ..WorkerRun::process()
            },
        })
    }
}

/// Step 2 of the recipe for a task queue: one registry line (here, appended to the built-in queues).
fn queues() -> Vec<TaskQueue> {
    let mut queues = queue::ALL.to_vec();
    queues.push(TaskQueue(&Dramatiq));
    queues
}

/// Step 3: a fixture, a Flask app with Dramatiq tasks on Redis and periodiq, as Dramatiq's docs set them
/// up. Detection finds the queue, its app and its schedule; the plan runs its worker and scheduler and
/// the broker it needs; the files, the report and the JSON show them; all from its registry entry.
#[test]
fn a_task_queue_registered_in_a_test_works_end_to_end() {
    let dir = project(&[
        (
            "requirements.txt",
            b"flask==3.1.0\ngunicorn==23.0.0\ndramatiq==1.17.1\nperiodiq==0.13.0\n",
        ),
        (
            "app.py",
            b"from flask import Flask\n\napp = Flask(__name__)\n\n\n@app.get(\"/\")\ndef index():\n    return \"hi\"\n",
        ),
        (
            "tasks.py",
            b"import os\n\nimport dramatiq\nfrom dramatiq.brokers.redis import RedisBroker\n\nDRAMATIQ_REDIS_URL = os.environ.get(\"BROKER\", \"redis://localhost:6379/0\")\nbroker = RedisBroker(url=DRAMATIQ_REDIS_URL)\ndramatiq.set_broker(broker)\n\n\n@dramatiq.actor\ndef count_words(url):\n    return len(url)\n",
        ),
    ]);
    let queues = queues();
    let reg = Registry {
        queues: &queues,
        ..Registry::builtin()
    };
    let p = detect_with(dir.path(), &Options::default(), reg).expect("detects");
    let dramatiq = TaskQueue(&Dramatiq);
    assert_eq!(p.workers, vec![dramatiq]);
    assert_eq!(p.queue(dramatiq).app.as_deref(), Some("tasks"));
    assert!(p.queue(dramatiq).schedule);
    assert_eq!(
        p.evidence[&Key::QueueApp("dramatiq")].to_string(),
        "tasks.py:7: a Dramatiq broker"
    );
    // The setting its broker URL is assigned to is the queue's own.
    let broker = p.env_vars.iter().find(|v| v.name == "BROKER").unwrap();
    let traced = broker.role.as_ref().expect("the queue's setting traced it");
    assert_eq!(traced.role, EnvRole::RedisUrl);
    assert!(
        traced.because.rule.contains("DRAMATIQ_REDIS_URL"),
        "{}",
        traced.because
    );
    assert_eq!(
        p.evidence[&Key::Worker("dramatiq")].rule,
        "dependency `dramatiq`"
    );
    // Nothing says Redis but the queue's broker.
    assert!(p.services.is_empty(), "{:?}", p.services);
    let json = serde_json::to_value(&p).unwrap();
    assert_eq!(json["dramatiq_app"], "tasks");
    assert_eq!(json["dramatiq_periodiq"], true);
    assert_eq!(json["workers"], serde_json::json!(["dramatiq"]));
    let report = dockgen::output::report::human(&p, 200);
    assert!(report.contains("dramatiq app"), "{report}");
    assert!(report.contains("dramatiq periodiq"), "{report}");

    let plan = dockgen::plan::plan(&p, &Default::default()).expect("plans");
    assert!(plan.runs(Service::Redis), "the queue's broker runs");
    let names: Vec<&str> = plan.workers.iter().map(|w| w.name.as_str()).collect();
    assert_eq!(names, ["worker", "periodiq"]);
    assert_eq!(
        plan.workers[0].command,
        ["dramatiq", "tasks", "--processes", "2"]
    );
    assert!(dockgen::plan::run_facts(&plan.workers[1]).singleton);
    let files = dockgen::output::render::render(&plan).expect("renders");
    let compose = &files["docker-compose.yml"];
    assert!(
        compose.contains("[\"dramatiq\", \"tasks\", \"--processes\", \"2\"]"),
        "{compose}"
    );
    assert!(compose.contains("\n  periodiq:\n"), "{compose}");

    // The built-in registry alone does not know it.
    let p = dockgen::detect::detect(dir.path(), &Options::default()).expect("detects");
    assert!(p.workers.is_empty());
    assert!("dramatiq".parse::<WorkerKind>().is_err());
}

/// A registered queue's kinds are the `task-workers` answer's names, and the messages name it: asked
/// for without an app it is refused with its title, and the broker hint names its variable.
#[test]
fn a_registered_task_queue_reaches_the_answers_names_and_the_errors() {
    let queues = queues();
    let names: Vec<&str> = WorkerKind::of(&queues).iter().map(|k| k.as_str()).collect();
    assert_eq!(
        names,
        [
            "celery",
            "celery-beat",
            "rq",
            "dramatiq",
            "dramatiq-periodiq"
        ]
    );
    // The CLI's names and help come from the built-in registry, as for frameworks.
    let builtin: Vec<&str> = WorkerKind::all().iter().map(|k| k.as_str()).collect();
    let empty = project(&[]);
    let (_, help, _) = crate::cli::run(crate::cli::dockgen(empty.path()).args(["init", "--help"]));
    assert!(help.contains(&builtin.join(", ")), "{help}");
    let e = "dramatiq".parse::<WorkerKind>().unwrap_err();
    assert!(e.contains("expected celery, celery-beat or rq"), "{e}");

    let dir = project(&[
        ("requirements.txt", b"flask==3.1.0\ndramatiq==1.17.1\n"),
        (
            "app.py",
            b"from flask import Flask\n\napp = Flask(__name__)\n",
        ),
    ]);
    let reg = Registry {
        queues: &queues,
        ..Registry::builtin()
    };
    let p = detect_with(dir.path(), &Options::default(), reg).expect("detects");
    assert!(
        p.warnings
            .iter()
            .any(|w| w == "dramatiq is a dependency but no broker module was found"),
        "{:?}",
        p.warnings
    );
    let plan = dockgen::plan::plan(&p, &Default::default()).expect("plans");
    assert!(plan.workers.is_empty());
    assert!(
        plan.notes
            .iter()
            .any(|n| n == "no Dramatiq app was found, so no worker service was generated"),
        "{:?}",
        plan.notes
    );
    let asked = dockgen::plan::PlanOptions {
        workers: Some(vec![WorkerKind::worker(TaskQueue(&Dramatiq))]),
        ..Default::default()
    };
    let e = dockgen::plan::plan(&p, &asked).unwrap_err().to_string();
    assert!(
        e.contains("the `dramatiq` worker was asked for, but no Dramatiq app was found to run it"),
        "{e}"
    );
}
