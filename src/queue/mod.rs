//! The task-queue registry: one module per task queue, each implementing [`QueueSpec`].
//!
//! A queue says which dependencies mean the project runs it, how a Procfile runs it and what the
//! process names there (Celery's app, RQ's queues), how its app is found once the project's app is
//! chosen ([`QueueSpec::find`]), the broker its workers need, and the services it runs (the worker, and
//! a scheduler for a queue that has one) with their probes and liveness checks. Detection, planning,
//! the answers and the reports reach a queue only through these hooks and the [`TaskQueue`] handle.

pub mod celery;
pub mod rq;

use crate::base::diag::Diagnostics;
use crate::base::evidence::{Evidence, Key};
use crate::base::kinds::Service;
use crate::parse::apps::Source;
use crate::parse::deps::DepSet;
use crate::parse::procfile::Process;

/// Every task queue dockgen plans workers for.
pub static ALL: &[TaskQueue] = &[TaskQueue(&celery::Celery), TaskQueue(&rq::Rq)];

/// What a Procfile process that runs a queue names.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct ProcfileRun {
    /// The app the process runs, and how the Procfile spells it (`celery -A make_celery`).
    pub app: Option<(String, String)>,
    /// The queues the worker listens on (empty: the default queue).
    pub queues: Vec<String>,
}

/// What detection found of one task queue: the app its services run, whether it has a schedule for
/// its scheduler, the queues its worker listens on. Every registered queue has one in
/// `Project::queues` (empty when the project does not use it).
#[derive(Debug, Default, Clone, PartialEq)]
pub struct QueueFacts {
    /// The app its services run (Celery's `celery -A` argument), relative to the app directory.
    pub app: Option<String>,
    /// Whether the project configures a schedule, so its scheduler (Celery beat) runs.
    pub schedule: bool,
    /// The queues its worker listens on (RQ's, from the Procfile; empty: the default queue).
    pub queues: Vec<String>,
}

/// What [`QueueSpec::find`] is given: the project as far as detection knows it.
pub struct FindCx<'a> {
    /// The chosen app's directory, relative to the build context.
    pub app_dir: &'a str,
    /// The modules worth reading for the queue's app.
    pub sources: &'a [Source],
    pub deps: &'a DepSet,
    /// Where each of the framework's settings is assigned (file, line), as its analysis read them
    /// (Django's `CELERY_BEAT_SCHEDULE`); empty for a framework without a settings module.
    pub framework_settings: &'a std::collections::BTreeMap<String, (String, usize)>,
    /// The app the project runs it with: the app answer, else the Procfile's, with its evidence.
    pub run_app: Option<(String, Evidence)>,
    /// The queues the Procfile's process names.
    pub procfile_queues: Vec<String>,
}

/// The scheduler service a queue runs beside its workers (Celery's beat).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scheduler {
    /// Its name in the `task-workers` answer (`celery-beat`).
    pub kind: &'static str,
    /// Its compose service name (`beat`).
    pub service: &'static str,
}

/// How to tell that a running worker is alive and connected to its broker.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WorkerProbe {
    /// A command run in the worker's own container that exits 0 only when the worker answers through
    /// the broker (Celery's `inspect ping`).
    Exec(Vec<String>),
    /// A Redis set the worker adds itself to when it connects (RQ's `rq:workers`), read in the `redis`
    /// service.
    RedisSet(String),
}

/// What an orchestrator must know of a worker service besides its command.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct WorkerRun {
    /// At most one may run at a time (a scheduler such as Celery beat: two would send every periodic
    /// task twice), so it runs as one replica replaced by stopping the old one first.
    pub singleton: bool,
    /// A command that fails when the worker no longer works, exec form: the queue's own check where it
    /// has one (Celery's worker answers a ping to its own node); otherwise a check that the main process
    /// is neither a zombie nor stopped.
    pub liveness: Vec<String>,
}

impl WorkerRun {
    /// A service that may run in many replicas, checked only as a live main process.
    pub fn process() -> WorkerRun {
        WorkerRun {
            singleton: false,
            liveness: [
                "sh",
                "-c",
                "! grep -Eq '^State:[[:space:]]+[ZT]' /proc/1/status",
            ]
            .map(String::from)
            .to_vec(),
        }
    }
}

/// One service a queue runs: its command, how `dockgen verify` probes it, how an orchestrator runs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueueService {
    pub command: Vec<String>,
    pub probe: Option<WorkerProbe>,
    pub run: WorkerRun,
}

/// One task queue. Implementations are unit structs listed in [`ALL`].
pub trait QueueSpec: Sync {
    /// The name in reports, evidence and the `task-workers` answer: `celery`.
    fn name(&self) -> &'static str;
    /// Its name in prose, in messages: `Celery`.
    fn title(&self) -> &'static str;
    /// One line for help.
    fn about(&self) -> &'static str;
    /// The dependencies that mean the project runs its workers (`rq`, `django-rq`, `flask-rq2`).
    fn packages(&self) -> &'static [&'static str];
    /// Dependencies (with the extra that counts, if any) that mean a backing service its workers use:
    /// `celery[redis]` and `rq` mean Redis.
    fn services(&self) -> &'static [(&'static str, Option<&'static str>, Service)] {
        &[]
    }
    /// The framework command that runs its worker, when an integration package among `deps` gives the
    /// framework one (django-rq's `rqworker default`): the command's name, then its arguments. The
    /// framework's CLI runs it ([`crate::framework::FrameworkSpec::cli_invocation`]).
    fn framework_worker_command(&self, _deps: &DepSet) -> Option<&'static [&'static str]> {
        None
    }
    /// Whether its services need an app found for them (Celery's `-A`): without one, none is planned.
    fn needs_app(&self) -> bool {
        false
    }
    /// Whether the app answer (`--celery-app`) names its app.
    fn takes_app_answer(&self) -> bool {
        false
    }
    /// The broker its workers need when the project names none of [`QueueSpec::broker_schemes`].
    fn broker(&self) -> Service;
    /// The URL schemes of the brokers it connects to, each with the service that serves it
    /// (`amqp` is RabbitMQ's). The first of them the project's services include is its broker.
    fn broker_schemes(&self) -> &'static [(&'static str, Service)] {
        &[]
    }
    /// The variables that point its workers at a broker, for the hint when compose runs none.
    fn broker_vars(&self) -> &'static [&'static str] {
        &[]
    }
    /// Releases of its own packages that import `pkg_resources` at run time (a venv without
    /// setuptools then breaks them: see [`crate::knowledge::PkgResourcesUser`]).
    fn pkg_resources_users(&self) -> &'static [crate::knowledge::PkgResourcesUser] {
        &[]
    }
    /// Settings and config keys whose value is a Redis URL its workers connect to
    /// (`CELERY_BROKER_URL`, `RQ_REDIS_URL`).
    fn redis_settings(&self) -> &'static [&'static str] {
        &[]
    }
    /// Module file names that may hold its app beyond the neutral ones (`celery.py`).
    fn module_files(&self) -> &'static [&'static str] {
        &[]
    }
    /// Words that make a module worth reading for its app (a cheap filter; the tokenizer decides).
    fn source_words(&self) -> &'static [&'static str] {
        &[]
    }
    /// What `p` names, when the Procfile process runs this queue's worker or scheduler.
    fn procfile_run(&self, p: &Process) -> Option<ProcfileRun>;
    /// What detection learns of it once the project uses it (a dependency or a Procfile process): its
    /// app, schedule and queues, with their evidence under [`Key::QueueApp`] and [`Key::Scheduler`].
    fn find(
        &self,
        cx: &FindCx,
        ev: &mut Vec<(Key, Evidence)>,
        notes: &mut Diagnostics,
    ) -> QueueFacts;
    /// Its scheduler service, if it has one.
    fn scheduler(&self) -> Option<Scheduler> {
        None
    }
    /// Its worker service. `own` is the framework's CLI running its [`QueueSpec::framework_worker_command`]
    /// (Django's `manage.py rqworker`), if any. `None`: it cannot run (no app).
    fn worker_service(&self, facts: &QueueFacts, own: Option<Vec<String>>) -> Option<QueueService>;
    /// Its scheduler's service, for a queue with a [`QueueSpec::scheduler`].
    fn scheduler_service(&self, _facts: &QueueFacts) -> Option<QueueService> {
        None
    }
}

crate::registry_handle!(
    /// A registered task queue: a handle to its [`QueueSpec`], compared and serialised by name.
    TaskQueue,
    QueueSpec,
    ALL,
    "A task queue whose workers run beside the web app."
);

/// The broker service a URL points at, by its scheme, when a registered queue connects to it
/// (`amqp://guest@localhost//` is RabbitMQ's).
pub fn broker_of_url(url: &str) -> Option<Service> {
    let (scheme, _) = url.split_once("://")?;
    ALL.iter()
        .flat_map(|q| q.broker_schemes())
        .find(|(s, _)| s.eq_ignore_ascii_case(scheme))
        .map(|(_, service)| *service)
}

impl TaskQueue {
    /// The broker of its workers: the first of its brokers among `services`, else its default.
    pub fn broker_among(&self, services: &[Service]) -> Service {
        self.broker_schemes()
            .iter()
            .map(|(_, s)| *s)
            .find(|s| services.contains(s))
            .unwrap_or_else(|| self.broker())
    }

    /// `words` and every registered queue's [`QueueSpec::source_words`].
    pub fn with_source_words<'a>(all: &[TaskQueue], words: &[&'a str]) -> Vec<&'a str> {
        let mut out = words.to_vec();
        out.extend(all.iter().flat_map(|q| q.source_words()));
        out
    }

    /// Whether its services can run with `facts` (an app found, for a queue that needs one).
    pub fn can_run(&self, facts: &QueueFacts) -> bool {
        !self.needs_app() || facts.app.is_some()
    }

    /// The evidence key of why its worker runs: its app's, for a queue that needs one, else its own.
    pub fn worker_key(&self) -> Key {
        if self.needs_app() {
            Key::QueueApp(self.as_str())
        } else {
            Key::Worker(self.as_str())
        }
    }
}

/// A worker service kind, as named in the `task-workers` answer: a queue's worker (`celery`, `rq`) or
/// its scheduler (`celery-beat`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct WorkerKind {
    pub queue: TaskQueue,
    /// The queue's scheduler rather than its worker.
    pub scheduler: bool,
}

impl WorkerKind {
    /// The queue's worker.
    pub fn worker(queue: TaskQueue) -> WorkerKind {
        WorkerKind {
            queue,
            scheduler: false,
        }
    }

    /// Every kind the queues in `all` offer, each worker followed by its scheduler.
    pub fn of(all: &[TaskQueue]) -> Vec<WorkerKind> {
        let mut out = Vec::new();
        for q in all {
            out.push(WorkerKind::worker(*q));
            if q.scheduler().is_some() {
                out.push(WorkerKind {
                    queue: *q,
                    scheduler: true,
                });
            }
        }
        out
    }

    /// Every kind the built-in queues offer.
    pub fn all() -> Vec<WorkerKind> {
        WorkerKind::of(ALL)
    }

    /// The name in answers: the queue's, or its scheduler's.
    pub fn as_str(self) -> &'static str {
        match (self.scheduler, self.queue.scheduler()) {
            (true, Some(s)) => s.kind,
            _ => self.queue.as_str(),
        }
    }
}

impl std::fmt::Display for WorkerKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for WorkerKind {
    type Err = String;
    fn from_str(s: &str) -> std::result::Result<Self, String> {
        let all = WorkerKind::all();
        let wanted = s.trim().to_ascii_lowercase();
        all.iter()
            .copied()
            .find(|k| k.as_str() == wanted)
            .ok_or_else(|| {
                let names: Vec<&str> = all.iter().map(|k| k.as_str()).collect();
                format!(
                    "unknown worker `{s}`: expected {}{}",
                    or_list(&names),
                    crate::base::lookup::suggest(s, names.iter().copied())
                )
            })
    }
}

impl serde::Serialize for WorkerKind {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for WorkerKind {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> std::result::Result<Self, D::Error> {
        let s = <String as serde::Deserialize>::deserialize(d)?;
        s.parse().map_err(serde::de::Error::custom)
    }
}

/// `a, b or c`.
fn or_list(names: &[&str]) -> String {
    match names.split_last() {
        Some((last, [])) => last.to_string(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every registered queue has a unique name, help, and stands for one worker system.
    #[test]
    fn every_registered_queue_is_complete() {
        let mut names = std::collections::BTreeSet::new();
        let mut workers = std::collections::BTreeSet::new();
        for q in ALL {
            assert!(
                names.insert(q.as_str()),
                "{} is registered once",
                q.as_str()
            );
            assert!(!q.about().is_empty() && !q.title().is_empty());
            assert!(
                !q.packages().is_empty(),
                "{} is found by a dependency",
                q.as_str()
            );
            for k in WorkerKind::of(&[*q]) {
                assert!(workers.insert(k.as_str()), "{k} names one worker kind");
                assert_eq!(k.as_str().parse::<WorkerKind>(), Ok(k));
            }
        }
    }

    /// An `amqp://` default names RabbitMQ, and Celery's workers use it when the project runs it;
    /// RQ's stay on Redis.
    #[test]
    fn a_broker_url_names_its_service_and_the_queue_uses_it() {
        assert_eq!(
            broker_of_url("amqp://guest:guest@localhost:5672//"),
            Some(Service::Rabbitmq)
        );
        assert_eq!(broker_of_url("pyamqp://localhost"), Some(Service::Rabbitmq));
        assert_eq!(broker_of_url("redis://localhost"), Some(Service::Redis));
        assert_eq!(broker_of_url("sqs://"), None);
        assert_eq!(broker_of_url("localhost"), None);
        let q = |w: &str| w.parse::<TaskQueue>().unwrap();
        let rabbit = [Service::Postgres, Service::Rabbitmq];
        assert_eq!(q("celery").broker_among(&rabbit), Service::Rabbitmq);
        assert_eq!(q("celery").broker_among(&[]), Service::Redis);
        assert_eq!(q("rq").broker_among(&rabbit), Service::Redis);
    }

    #[test]
    fn a_procfile_process_is_claimed_by_the_queue_it_runs() {
        let p = crate::parse::procfile::parse(
            "web: gunicorn microblog:app --bind 0.0.0.0:$PORT\n# comment\nworker: rq worker --url $REDIS_URL microblog-tasks\ncelery: celery -A make_celery worker --loglevel INFO\nbeat: python -m celery --app=proj beat\nrq: python manage.py rqworker high\n",
        );
        let claimed = |p: &Process| {
            ALL.iter()
                .find_map(|q| q.procfile_run(p).map(|r| (q.as_str(), r)))
        };
        assert_eq!(claimed(&p[0]), None);
        let (q, run) = claimed(&p[1]).unwrap();
        assert_eq!(
            (q, run.queues.as_slice()),
            ("rq", &["microblog-tasks".to_string()][..])
        );
        let (q, run) = claimed(&p[2]).unwrap();
        assert_eq!(q, "celery");
        assert_eq!(run.app.unwrap().0, "make_celery");
        let (q, run) = claimed(&p[3]).unwrap();
        assert_eq!(q, "celery");
        assert_eq!(
            run.app.unwrap(),
            ("proj".to_string(), "celery -A proj".to_string())
        );
        let (q, run) = claimed(&p[4]).unwrap();
        assert_eq!(
            (q, run.queues.as_slice()),
            ("rq", &["high".to_string()][..])
        );
    }
}
