//! Worker services sharing the image: each task queue's worker (and its scheduler, such as Celery
//! beat), with the commands, probes and liveness checks the task-queue registry (`crate::queue`) gives
//! and the framework's own worker command where it has one (Django's `manage.py rqworker`).

use super::{PlanOptions, WorkerKind, WorkerRun, WorkerService, detected_workers};
use crate::base::diag::Diagnostics;
use crate::base::error::{Error, Result};
use crate::base::evidence::Key;
use crate::detect::Project;

/// The worker services: the answer's, else detection's; in compose's stable order. `broker` says
/// whether compose runs a broker for them (Redis or RabbitMQ).
pub(super) fn plan(
    p: &Project,
    opts: &PlanOptions,
    broker: bool,
    notes: &mut Diagnostics,
) -> Result<Vec<WorkerService>> {
    let chosen = match &opts.workers {
        Some(w) => {
            if let Some(k) = w.iter().find(|k| !k.queue.can_run(p.queue(k.queue))) {
                return Err(Error::Usage {
                    message: format!(
                        "the `{k}` worker was asked for, but no {} app was found to run it",
                        k.queue.title()
                    ),
                });
            }
            w.clone()
        }
        None => {
            for q in p.workers.iter().filter(|q| !q.can_run(p.queue(**q))) {
                notes.warn(format!(
                    "no {} app was found, so no worker service was generated",
                    q.title()
                ));
            }
            detected_workers(p)
        }
    };
    // The first queue's worker is `worker`; another queue's beside it is `<queue>-worker`.
    let mut queues: Vec<_> = chosen
        .iter()
        .filter(|k| !k.scheduler)
        .map(|k| k.queue)
        .collect();
    queues.sort();
    let mut workers: Vec<WorkerService> = chosen
        .iter()
        .filter_map(|k| service(*k, p, queues.first() == Some(&k.queue)))
        .collect();
    workers.sort_by_key(|w| match w.name.as_str() {
        "worker" => 0,
        "beat" => 1,
        _ => 2,
    });
    if !broker && !workers.is_empty() {
        let vars: Vec<&str> = p
            .queues
            .0
            .iter()
            .flat_map(|(q, _)| q.broker_vars().iter().copied())
            .collect();
        notes.warn(format!(
            "Redis is off but the worker services need a broker: point {} in .env at an external one",
            vars.join(" or ")
        ));
    }
    Ok(workers)
}

fn service(kind: WorkerKind, p: &Project, first: bool) -> Option<WorkerService> {
    let q = kind.queue;
    let facts = p.queue(q);
    let (name, planned, key) = match (kind.scheduler, q.scheduler()) {
        (true, Some(s)) => (
            s.service.to_string(),
            q.scheduler_service(facts)?,
            Key::Scheduler(s.kind),
        ),
        (true, None) => return None,
        (false, _) => {
            // The framework's CLI runs the command an integration package gives it (django-rq).
            let own = q
                .framework_worker_command(&p.dependencies)
                .and_then(|words| {
                    let (name, args) = words.split_first()?;
                    let mut c = p.framework.cli_invocation(name)?;
                    c.extend(args.iter().map(|a| a.to_string()));
                    Some(c)
                });
            let name = if first {
                "worker".to_string()
            } else {
                format!("{q}-worker")
            };
            (name, q.worker_service(facts, own)?, q.worker_key())
        }
    };
    Some(WorkerService {
        name,
        why: p.evidence.get(&key).map_or_else(
            || "asked for with the workers answer".into(),
            |e| e.to_string(),
        ),
        command: planned.command,
        probe: planned.probe,
        run: planned.run,
    })
}

/// [`WorkerRun`] of a service planned here: what its queue said of it.
pub fn run_facts(w: &WorkerService) -> WorkerRun {
    w.run.clone()
}
