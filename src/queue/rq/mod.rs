//! RQ: run by `rq worker` (or a framework's own command, such as Django's `manage.py rqworker`) on the
//! queues the Procfile names; the broker is Redis.

use super::{FindCx, ProcfileRun, QueueFacts, QueueService, QueueSpec, WorkerProbe, WorkerRun};
use crate::base::diag::Diagnostics;
use crate::base::evidence::{Evidence, Key};
use crate::base::kinds::Service;
use crate::parse::deps::DepSet;
use crate::parse::procfile::Process;

pub struct Rq;

impl QueueSpec for Rq {
    fn services(&self) -> &'static [(&'static str, Option<&'static str>, Service)] {
        &[
            ("rq", None, Service::Redis),
            ("django-rq", None, Service::Redis),
            ("flask-rq2", None, Service::Redis),
        ]
    }
    fn redis_settings(&self) -> &'static [&'static str] {
        &["RQ_REDIS_URL"]
    }
    fn name(&self) -> &'static str {
        "rq"
    }
    fn about(&self) -> &'static str {
        "RQ: a worker running `rq worker` on the project's queues"
    }
    fn title(&self) -> &'static str {
        "RQ"
    }
    fn packages(&self) -> &'static [&'static str] {
        &["rq", "django-rq", "flask-rq2"]
    }
    fn broker_vars(&self) -> &'static [&'static str] {
        &["REDIS_URL"]
    }
    fn broker(&self) -> Service {
        Service::Redis
    }
    fn procfile_run(&self, p: &Process) -> Option<ProcfileRun> {
        (p.program() == "rq" || p.words.iter().any(|w| w == "rqworker")).then(|| ProcfileRun {
            app: None,
            queues: queues(p),
        })
    }
    fn find(&self, cx: &FindCx, _: &mut Vec<(Key, Evidence)>, _: &mut Diagnostics) -> QueueFacts {
        QueueFacts {
            queues: cx.procfile_queues.clone(),
            ..QueueFacts::default()
        }
    }
    fn framework_worker_command(&self, deps: &DepSet) -> Option<&'static [&'static str]> {
        // django-rq's management command, with its default queue.
        deps.has("django-rq")
            .then_some(&["rqworker", "default"][..])
    }
    fn worker_service(&self, facts: &QueueFacts, own: Option<Vec<String>>) -> Option<QueueService> {
        let mut command = own.unwrap_or_else(worker_command);
        if !facts.queues.is_empty() {
            // The framework's command may end with its default queue: the project's queues replace it.
            if command.last().is_some_and(|w| w == "default") {
                command.pop();
            }
            command.extend(facts.queues.iter().cloned());
        }
        Some(QueueService {
            command,
            probe: Some(WorkerProbe::RedisSet(WORKERS_SET.into())),
            run: WorkerRun::process(),
        })
    }
}

/// The queues an `rq worker` listens on (its positional arguments).
fn queues(p: &Process) -> Vec<String> {
    let Some(at) = p
        .words
        .iter()
        .position(|w| w == "worker" || w == "rqworker")
    else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut skip = false;
    for w in &p.words[at + 1..] {
        if skip {
            skip = false;
        } else if w.starts_with('-') {
            // Options that take a value: --url, --path, --name, ... (a `--x=y` carries its own).
            skip = !w.contains('=')
                && !["--burst", "--with-scheduler", "--quiet", "--verbose"].contains(&w.as_str());
        } else {
            out.push(w.clone());
        }
    }
    out
}

/// The Redis set an RQ worker adds itself to when it starts (`dockgen verify` reads it).
const WORKERS_SET: &str = "rq:workers";

/// The worker's command when the framework has none of its own.
fn worker_command() -> Vec<String> {
    ["rq", "worker", "--url", "redis://redis:6379/0"]
        .map(String::from)
        .to_vec()
}
