//! The task-queue registry: one module per task queue, each implementing [`QueueSpec`].
//!
//! A queue says how a Procfile runs it and what the process names there (Celery's app, RQ's queues),
//! the broker its worker needs, and, in its own module, how its app is found in the sources and the
//! commands its services run. Detection and planning ask through these; the closed vocabulary
//! [`Worker`] is the value a queue stands for in the plan and the answers.

pub mod celery;
pub mod rq;

use crate::base::kinds::{Service, Worker};
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

/// One task queue. Implementations are unit structs listed in [`ALL`].
pub trait QueueSpec: Sync {
    /// The name in reports and evidence: `celery`.
    fn name(&self) -> &'static str;
    /// One line for help.
    fn about(&self) -> &'static str;
    /// The worker system it is in the plan's vocabulary.
    fn worker(&self) -> Worker;
    /// The broker its workers need when the project names none of [`QueueSpec::broker_schemes`].
    fn broker(&self) -> Service;
    /// The URL schemes of the brokers it connects to, each with the service that serves it
    /// (`amqp` is RabbitMQ's). The first of them the project's services include is its broker.
    fn broker_schemes(&self) -> &'static [(&'static str, Service)] {
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

    /// The registered queue whose worker system is `w`.
    pub fn of(all: &[TaskQueue], w: Worker) -> Option<TaskQueue> {
        all.iter().copied().find(|q| q.worker() == w)
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
            assert!(
                workers.insert(q.worker()),
                "{} has its own worker",
                q.as_str()
            );
            assert!(!q.about().is_empty());
            assert_eq!(q.as_str(), q.worker().as_str());
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
        let q = |w| TaskQueue::of(ALL, w).unwrap();
        let rabbit = [Service::Postgres, Service::Rabbitmq];
        assert_eq!(q(Worker::Celery).broker_among(&rabbit), Service::Rabbitmq);
        assert_eq!(q(Worker::Celery).broker_among(&[]), Service::Redis);
        assert_eq!(q(Worker::Rq).broker_among(&rabbit), Service::Redis);
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
