//! `dockgen verify`: proves the generated stack on the user's own project.
//!
//! It builds the image with the generated files, starts the stack under a throwaway compose project (its
//! own name, so its own containers, network and volumes, and a free host port), checks what the plan
//! promises, and tears everything down. What to check comes from the [`Plan`] ([`Expect::from_plan`]);
//! each check is a step run through a [`Runner`] (the docker and compose processes, each with a time
//! bound), and each result is data ([`Report`]) with the failing service's last log lines and the hints
//! [`diagnose`] maps from them. Nothing here prints: the binary shows the [`Progress`] events and the
//! report. The checks never touch the user's own stack: every compose call names the throwaway project
//! and an override file that tags the image under a name of the run's own.
//!
//! Not here: finding Docker and Compose on the machine ([`tools`]), running processes ([`process`]).

pub mod diagnose;
pub mod process;
mod steps;
pub mod tools;

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;

use crate::base::kinds::{EnvRole, Service};
use crate::detect::Project;
pub use crate::output::envfile::EnvFile;
use crate::plan::{Plan, WorkerProbe};

/// One child process to run: the program, its arguments, where, extra environment, and its time bound.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cmd {
    pub program: String,
    pub args: Vec<String>,
    pub dir: PathBuf,
    pub env: Vec<(String, String)>,
    pub timeout: Duration,
    /// Ctrl-C stops it (every command but the teardown's).
    pub cancellable: bool,
}

impl Cmd {
    /// The command line as one string (for matching in tests and for messages).
    pub fn line(&self) -> String {
        std::iter::once(self.program.as_str())
            .chain(self.args.iter().map(String::as_str))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// What a child process did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Output {
    /// The exit code; `None` when it was killed (time bound, Ctrl-C) or never started.
    pub code: Option<i32>,
    pub stdout: String,
    pub stderr: String,
    /// It ran past its time bound and was killed.
    pub timed_out: bool,
    /// It could not be started (the program is missing): the OS's message.
    pub spawn_error: Option<String>,
}

impl Output {
    pub fn ok(&self) -> bool {
        self.code == Some(0)
    }
    /// stdout then stderr.
    pub fn text(&self) -> String {
        let mut s = self.stdout.clone();
        if !s.is_empty() && !s.ends_with('\n') {
            s.push('\n');
        }
        s.push_str(&self.stderr);
        s
    }
}

/// How verify reaches the outside world: processes and the web port. The binary uses
/// [`process::ProcessRunner`]; tests use a scripted runner.
pub trait Runner {
    /// Runs a command to completion (or its time bound).
    fn run(&mut self, cmd: &Cmd) -> Output;
    /// `GET path` on `127.0.0.1:port` with `Host: host`: the status code, or why there was none.
    fn http_get(&mut self, port: u16, path: &str, host: &str) -> Result<u16, String>;
    /// A host port nobody listens on.
    fn free_port(&mut self) -> Result<u16, String>;
    /// Waits (a scripted runner does not).
    fn sleep(&mut self, d: Duration);
}

/// What the plan promises, as the checks need it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Expect {
    /// The compose services that share the app's image (web, migrate, workers).
    pub app_services: Vec<String>,
    /// Every service that must stay up, with whether it has a healthcheck that must pass.
    pub long_running: Vec<(String, bool)>,
    /// The one-shot migrate service exists.
    pub migrate: bool,
    /// The route the web healthcheck requests (besides `/`).
    pub health_path: Option<String>,
    /// The uid the app runs as.
    pub uid: u32,
    /// The database compose runs as `db` (Postgres or MariaDB), whose tables must exist after the
    /// migration.
    pub database: Option<Service>,
    /// Each worker service with how to probe it.
    pub workers: Vec<(String, Option<WorkerProbe>)>,
    /// The app's own schema command, run once in web after the stack is up.
    pub schema_command: Option<Vec<String>>,
    /// The Host header the app's settings allow.
    pub host: String,
    /// The variable that lists the allowed hosts, when the app reads one.
    pub allowed_hosts_var: Option<String>,
    /// The variables the stack reads (for the hints that point at `.env`).
    pub env_names: Vec<String>,
}

impl Expect {
    /// What to check for `plan`, with the allowed host read from `env` (the project's `.env`).
    pub fn from_plan(plan: &Plan, project: &Project, env: &EnvFile) -> Expect {
        let mut app_services = vec!["web".to_string()];
        if plan.migration.is_some() {
            app_services.push("migrate".into());
        }
        let mut long_running = vec![("web".to_string(), true)];
        for w in &plan.workers {
            app_services.push(w.name.clone());
            long_running.push((w.name.clone(), false));
        }
        // The compose services of Postgres, Redis and RabbitMQ are `db`, `redis` and `rabbitmq`
        // (docker-compose.yml.tera).
        if plan.runs(Service::Postgres) || plan.runs(Service::Mariadb) {
            long_running.push(("db".into(), true));
        }
        if plan.runs(Service::Redis) {
            long_running.push(("redis".into(), true));
        }
        if plan.runs(Service::Rabbitmq) {
            long_running.push(("rabbitmq".into(), true));
        }
        let allowed = project
            .env_vars
            .iter()
            .find_map(|v| match v.role.as_ref()?.role {
                EnvRole::AllowedHosts { ref separator } => {
                    Some((v.name.clone(), separator.clone()))
                }
                _ => None,
            });
        let host = allowed
            .as_ref()
            .and_then(|(name, sep)| env.value(name).map(|v| allowed_host(v, sep)))
            .flatten()
            .unwrap_or_else(|| "localhost".into());
        let mut env_names: Vec<String> = plan.env_example.iter().map(|e| e.name.clone()).collect();
        env_names.extend(project.env_vars.iter().map(|v| v.name.clone()));
        env_names.sort();
        env_names.dedup();
        Expect {
            app_services,
            long_running,
            migrate: plan.migration.is_some(),
            health_path: plan.health.path.clone(),
            uid: plan.uid,
            database: [Service::Postgres, Service::Mariadb]
                .into_iter()
                .find(|s| plan.runs(*s)),
            workers: plan
                .workers
                .iter()
                .map(|w| (w.name.clone(), w.probe.clone()))
                .collect(),
            schema_command: plan.schema_command.clone(),
            host,
            allowed_hosts_var: allowed.map(|(n, _)| n),
            env_names,
        }
    }
}

/// The first host of an allowed-hosts list that is a plain name (`.example.com` matches
/// `example.com`; `*` allows any, so `localhost` will do).
fn allowed_host(list: &str, separator: &str) -> Option<String> {
    list.split(separator)
        .map(|h| h.trim().trim_matches(|c| c == '"' || c == '\''))
        .filter(|h| !h.is_empty() && !h.contains('*'))
        .map(|h| h.trim_start_matches('.').to_string())
        .find(|h| {
            !h.is_empty()
                && h.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':' | '[' | ']'))
        })
}

/// Where and how to run: the build context, the compose file, the compose program and the throwaway
/// project's name.
#[derive(Debug, Clone)]
pub struct Setup {
    /// The build context: the directory holding the generated files and `.env`.
    pub dir: PathBuf,
    /// The compose file's name, in `dir`.
    pub compose_file: String,
    /// The compose program (`docker compose`, or a `docker-compose` v2 binary) as words.
    pub compose: Vec<String>,
    /// The docker program.
    pub docker: String,
    /// The throwaway compose project (`dockgen-verify-<random>`).
    pub project: String,
    /// Leave the stack running afterwards.
    pub keep: bool,
    /// How long `up --wait` may take, in seconds.
    pub wait_timeout: u64,
}

/// A throwaway compose project name: `dockgen-verify-` and 8 random hex digits.
pub fn project_name() -> String {
    let mut bytes = [0u8; 4];
    let _ = getrandom::fill(&mut bytes);
    let hex: String = bytes.iter().map(|b| format!("{b:02x}")).collect();
    format!("dockgen-verify-{hex}")
}

/// A step's result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    Passed,
    Failed,
    Skipped,
}

/// One step of the run, as reported.
#[derive(Debug, Clone, Serialize)]
pub struct Step {
    /// What was checked (`build`, `migrate exited 0`, `GET /healthz`, ...).
    pub name: String,
    pub status: Status,
    /// How long it took.
    pub seconds: f64,
    /// What was found (the failure, or what passed).
    pub detail: String,
    /// The service the failure is about, if any.
    pub service: Option<String>,
    /// The last lines of that service's log (or of the failing command's output).
    pub log: Vec<String>,
    /// What to do, from the signatures [`diagnose`] knows.
    pub hints: Vec<String>,
}

/// The whole run.
#[derive(Debug, Clone, Serialize)]
pub struct Report {
    /// Every check passed.
    pub ok: bool,
    /// The throwaway compose project.
    pub project: String,
    /// The host port web was published on.
    pub port: u16,
    /// The stack was left running (`--keep`).
    pub kept: bool,
    /// The run was interrupted (Ctrl-C) and torn down.
    pub cancelled: bool,
    /// Wall time of the whole run.
    pub seconds: f64,
    pub steps: Vec<Step>,
}

impl Report {
    /// The failed steps.
    pub fn failures(&self) -> impl Iterator<Item = &Step> {
        self.steps.iter().filter(|s| s.status == Status::Failed)
    }
}

/// Progress, for the binary to show.
#[derive(Debug)]
pub enum Progress<'a> {
    /// A step started.
    Started(&'a str),
    /// A step ended.
    Finished(&'a Step),
}

/// The verify run's own state: the setup, the runner, the steps so far.
pub(crate) struct Run<'a> {
    pub setup: &'a Setup,
    pub expect: &'a Expect,
    pub env: &'a EnvFile,
    pub runner: &'a mut dyn Runner,
    progress: &'a mut dyn FnMut(Progress),
    pub cancel: &'a AtomicBool,
    pub steps: Vec<Step>,
    /// The compose override that tags the image with the run's own name.
    pub override_file: PathBuf,
    pub port: u16,
}

/// A finished step's findings (its name and time are added by [`Run::step`]).
#[derive(Debug, Default)]
pub(crate) struct Found {
    pub status: Option<Status>,
    pub detail: String,
    pub service: Option<String>,
    pub log: Vec<String>,
    pub hints: Vec<String>,
}

impl Found {
    pub fn pass(detail: impl Into<String>) -> Found {
        Found {
            status: Some(Status::Passed),
            detail: detail.into(),
            ..Found::default()
        }
    }
    pub fn fail(detail: impl Into<String>) -> Found {
        Found {
            status: Some(Status::Failed),
            detail: detail.into(),
            ..Found::default()
        }
    }
    pub fn skip(detail: impl Into<String>) -> Found {
        Found {
            status: Some(Status::Skipped),
            detail: detail.into(),
            ..Found::default()
        }
    }
}

impl Run<'_> {
    /// A compose command on the throwaway project, from the build context.
    pub fn compose(&self, args: &[&str], timeout: Duration) -> Cmd {
        let (program, pre) = self
            .setup
            .compose
            .split_first()
            .map(|(p, rest)| (p.clone(), rest.to_vec()))
            .unwrap_or_else(|| ("docker".into(), vec!["compose".into()]));
        let mut all = pre;
        all.extend(
            [
                "--project-name",
                &self.setup.project,
                "--file",
                &self.setup.compose_file,
                "--file",
                &self.override_file.to_string_lossy(),
            ]
            .map(String::from),
        );
        all.extend(args.iter().map(|s| s.to_string()));
        Cmd {
            program,
            args: all,
            dir: self.setup.dir.clone(),
            // The shell's values win over .env in compose's interpolation: the run's own host port.
            env: vec![
                ("WEB_PORT".into(), self.port.to_string()),
                ("COMPOSE_PROGRESS".into(), "plain".into()),
                ("COMPOSE_PROJECT_NAME".into(), self.setup.project.clone()),
            ],
            timeout,
            cancellable: true,
        }
    }

    /// A docker command.
    pub fn docker(&self, args: &[&str], timeout: Duration) -> Cmd {
        Cmd {
            program: self.setup.docker.clone(),
            args: args.iter().map(|s| s.to_string()).collect(),
            dir: self.setup.dir.clone(),
            env: Vec::new(),
            timeout,
            cancellable: true,
        }
    }

    pub fn cancelled(&self) -> bool {
        self.cancel.load(Ordering::SeqCst)
    }

    /// Runs one step: announces it, times it, records and announces its result.
    pub fn step(&mut self, name: &str, f: impl FnOnce(&mut Self) -> Found) -> Status {
        (self.progress)(Progress::Started(name));
        let started = Instant::now();
        let found = f(self);
        let step = Step {
            name: name.to_string(),
            status: found.status.unwrap_or(Status::Failed),
            seconds: round(started.elapsed()),
            detail: found.detail,
            service: found.service,
            log: found.log,
            hints: found.hints,
        };
        (self.progress)(Progress::Finished(&step));
        let status = step.status;
        self.steps.push(step);
        status
    }
}

fn round(d: Duration) -> f64 {
    (d.as_secs_f64() * 10.0).round() / 10.0
}

/// The image tag the run builds (removed at teardown): the project's own, never the user's.
pub fn image_tag(project: &str) -> String {
    format!("{project}-app:verify")
}

/// The compose override that tags every app service's image with the run's own name.
pub fn override_yaml(expect: &Expect, tag: &str) -> String {
    let mut s =
        String::from("# dockgen verify: the throwaway project's own image tag.\nservices:\n");
    for svc in &expect.app_services {
        s.push_str(&format!("  {svc}:\n    image: \"{tag}\"\n"));
    }
    s
}

/// Runs every check on the stack in `setup.dir` and tears it down (unless `setup.keep`). Never fails:
/// each problem is a failed step in the report. `cancel` (Ctrl-C) stops the current step and goes
/// straight to the teardown.
pub fn verify(
    setup: &Setup,
    expect: &Expect,
    env: &EnvFile,
    runner: &mut dyn Runner,
    progress: &mut dyn FnMut(Progress),
    cancel: &AtomicBool,
) -> Report {
    let started = Instant::now();
    let scratch = tempfile::Builder::new().prefix("dockgen-verify-").tempdir();
    let override_file = match &scratch {
        Ok(d) => d.path().join("compose.override.yml"),
        Err(_) => std::env::temp_dir().join(format!("{}.override.yml", setup.project)),
    };
    let tag = image_tag(&setup.project);
    let written = std::fs::write(&override_file, override_yaml(expect, &tag));
    let port = runner.free_port();
    let mut run = Run {
        setup,
        expect,
        env,
        runner,
        progress,
        cancel,
        steps: Vec::new(),
        override_file,
        port: *port.as_ref().unwrap_or(&0),
    };
    if let Err(e) = written {
        run.step("prepare", |_| {
            Found::fail(format!("cannot write the compose override: {e}"))
        });
    } else if let Err(e) = port {
        run.step("prepare", |_| {
            Found::fail(format!("no free host port: {e}"))
        });
    } else {
        steps::all(&mut run);
    }
    let kept = setup.keep && !run.cancelled();
    if !kept {
        steps::teardown(&mut run, &tag);
    }
    let cancelled = run.cancelled();
    let ok = !cancelled && run.steps.iter().all(|s| s.status != Status::Failed);
    Report {
        ok,
        project: setup.project.clone(),
        port: run.port,
        kept,
        cancelled,
        seconds: round(started.elapsed()),
        steps: run.steps,
    }
}

/// The project's `.env` beside the compose file (empty when there is none).
pub fn read_env(dir: &Path) -> EnvFile {
    crate::output::envfile::read(dir)
}

#[cfg(test)]
mod tests;
