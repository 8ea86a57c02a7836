//! Worker services sharing the image: a Celery worker and beat (with the detected Celery app) and an
//! RQ worker (the framework's own command when it has one, such as Django's `manage.py rqworker`); the
//! commands are the task-queue registry's (`crate::queue`).

use super::{PlanOptions, WorkerKind, WorkerProbe, WorkerService, detected_workers};
use crate::base::diag::Diagnostics;
use crate::base::error::{Error, Result};
use crate::base::evidence::Key;
use crate::base::kinds::Worker;
use crate::detect::Project;
use crate::framework::{AppView, WorkerSystem};

/// The worker services: the answer's, else detection's; in compose's stable order. `broker` says
/// whether compose runs a broker for them (Redis or RabbitMQ).
pub(super) fn plan(
    p: &Project,
    opts: &PlanOptions,
    broker: bool,
    view: &AppView,
    notes: &mut Diagnostics,
) -> Result<Vec<WorkerService>> {
    let chosen = match &opts.workers {
        Some(w) => {
            if p.celery_app.is_none()
                && let Some(k) = w.iter().find(|k| **k != WorkerKind::Rq)
            {
                return Err(Error::Usage {
                    message: format!(
                        "the `{k}` worker was asked for, but no Celery app was found to run it"
                    ),
                });
            }
            w.clone()
        }
        None => {
            if p.workers.contains(&Worker::Celery) && p.celery_app.is_none() {
                notes.warn("no Celery app was found, so no worker service was generated");
            }
            detected_workers(p)
        }
    };
    let mut workers: Vec<WorkerService> = chosen
        .iter()
        .filter_map(|k| service(*k, p, view, chosen.contains(&WorkerKind::Celery)))
        .collect();
    workers.sort_by_key(|w| match w.name.as_str() {
        "worker" => 0,
        "beat" => 1,
        _ => 2,
    });
    if !broker && !workers.is_empty() {
        notes.warn(
            "Redis is off but the worker services need a broker: point CELERY_BROKER_URL or REDIS_URL in .env at an external one",
        );
    }
    Ok(workers)
}

/// The RQ worker: the framework's own command or `rq worker`, on the queues the project's Procfile
/// names (the default queue otherwise).
fn rq_command(p: &Project, view: &AppView) -> Vec<String> {
    let mut command = p
        .framework
        .worker_command(WorkerSystem::Rq, view)
        .unwrap_or_else(crate::queue::rq::worker_command);
    if !p.rq_queues.is_empty() {
        // The framework's command may end with its default queue: the project's queues replace it.
        if command.last().is_some_and(|w| w == "default") {
            command.pop();
        }
        command.extend(p.rq_queues.iter().cloned());
    }
    command
}

fn service(
    kind: WorkerKind,
    p: &Project,
    view: &AppView,
    with_celery: bool,
) -> Option<WorkerService> {
    let (name, command, probe) = match (kind, &p.celery_app) {
        (WorkerKind::Celery, Some(app)) => (
            "worker",
            crate::queue::celery::worker_command(app),
            Some(WorkerProbe::Exec(crate::queue::celery::ping_command(app))),
        ),
        // beat only sends; it has nothing to answer a ping with.
        (WorkerKind::CeleryBeat, Some(app)) => {
            ("beat", crate::queue::celery::beat_command(app), None)
        }
        (WorkerKind::Rq, _) => (
            if with_celery { "rq-worker" } else { "worker" },
            rq_command(p, view),
            Some(WorkerProbe::RedisSet(crate::queue::rq::WORKERS_SET.into())),
        ),
        (WorkerKind::Celery | WorkerKind::CeleryBeat, None) => return None,
    };
    let key = match kind {
        WorkerKind::Celery => Key::CeleryApp,
        WorkerKind::CeleryBeat => Key::CeleryBeat,
        WorkerKind::Rq => Key::Worker(Worker::Rq),
    };
    Some(WorkerService {
        name: name.into(),
        why: p.evidence.get(&key).map_or_else(
            || "asked for with the workers answer".into(),
            |e| e.to_string(),
        ),
        command,
        probe,
    })
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

/// [`WorkerRun`] of a service planned here, recognised by the command its queue gave it.
pub fn run_facts(w: &WorkerService) -> WorkerRun {
    let process = [
        "sh",
        "-c",
        "! grep -Eq '^State:[[:space:]]+[ZT]' /proc/1/status",
    ]
    .map(String::from)
    .to_vec();
    match crate::queue::celery::app_of(&w.command) {
        Some((app, false)) => WorkerRun {
            singleton: false,
            liveness: crate::queue::celery::worker_liveness(app),
        },
        Some((_, true)) => WorkerRun {
            singleton: true,
            liveness: process,
        },
        _ => WorkerRun {
            singleton: false,
            liveness: process,
        },
    }
}
