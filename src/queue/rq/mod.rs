//! RQ: run by `rq worker` (or a framework's own command, such as Django's `manage.py rqworker`) on the
//! queues the Procfile names; the broker is Redis.

use super::{ProcfileRun, QueueSpec};
use crate::base::kinds::{Service, Worker};
use crate::parse::procfile::Process;

pub struct Rq;

impl QueueSpec for Rq {
    fn name(&self) -> &'static str {
        "rq"
    }
    fn about(&self) -> &'static str {
        "RQ: a worker running `rq worker` on the project's queues"
    }
    fn worker(&self) -> Worker {
        Worker::Rq
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

/// The worker's command when the framework has none of its own.
pub fn worker_command() -> Vec<String> {
    ["rq", "worker", "--url", "redis://redis:6379/0"]
        .map(String::from)
        .to_vec()
}
