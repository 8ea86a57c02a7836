//! The contributor recipe (CONTRIBUTING.md), exercised: a framework and a package manager that exist only
//! in this test are registered beside the built-in ones, and detection, planning and rendering use them
//! with no other change to the crate. If adding one ever needs an edit elsewhere (a `match` on a name, a
//! hand-written list), this test stops compiling or fails.

use dockgen::base::error::Result;
use dockgen::base::kinds::{Interface, Server};
use dockgen::detect::{Options, Registry, detect_with};
use dockgen::framework::{self, AppView, FrameworkSpec};
use dockgen::manager::install::{copy_pairs, venv_env};
use dockgen::manager::{self, Install, InstallCx, ManagerSpec, ReadCx, Reading};

use crate::support::project;

/// Step 1 of the recipe for a framework: one module implementing `FrameworkSpec`.
struct Litestar;

impl FrameworkSpec for Litestar {
    fn name(&self) -> &'static str {
        "litestar"
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

/// Step 2 of the recipe: one registry line each (here, appended to the built-in registries).
fn registries() -> (Vec<framework::Framework>, Vec<manager::PackageManager>) {
    let mut frameworks = framework::ALL.to_vec();
    frameworks.push(framework::Framework(&Litestar));
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
    };
    let p = detect_with(dir.path(), &Options::default(), reg).expect("detects");
    assert_eq!(p.framework.as_str(), "litestar");
    assert_eq!(p.package_manager.as_str(), "hatch");
    assert_eq!(p.entrypoint, "app:app");
    assert_eq!(p.interface, Interface::Asgi);
    assert_eq!(
        p.evidence[&dockgen::detect::Key::PackageManager].rule,
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
        p.evidence[&dockgen::detect::Key::PackageManager].rule,
        "hatch.toml without a lock"
    );
}
