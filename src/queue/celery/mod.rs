//! Celery: run by `celery -A <app> worker` (and `beat` for a schedule), its app found as a module-level
//! `name = Celery(...)` or named by the Procfile's `-A`; the broker is Redis, or RabbitMQ when the
//! project's broker URL defaults to `amqp://`.

use super::{
    FindCx, ProcfileRun, QueueFacts, QueueService, QueueSpec, Scheduler, WorkerProbe, WorkerRun,
};
use crate::base::diag::Diagnostics;
use crate::base::evidence::{Evidence, Key};
use crate::base::kinds::Service;
use crate::parse::apps::Source;
use crate::parse::procfile::Process;
use crate::parse::pysrc::Value;

pub struct Celery;

impl QueueSpec for Celery {
    fn pkg_resources_users(&self) -> &'static [crate::knowledge::PkgResourcesUser] {
        &[crate::knowledge::PkgResourcesUser {
            package: "celery",
            fixed_in: "5.2.5",
            why: "imports pkg_resources in its command line (`celery/bin/celery.py`), so `celery worker` cannot start; 5.2.5 uses importlib.metadata",
        }]
    }
    fn services(&self) -> &'static [(&'static str, Option<&'static str>, Service)] {
        &[("celery", Some("redis"), Service::Redis)]
    }
    fn redis_settings(&self) -> &'static [&'static str] {
        // Django-style settings (`CELERY_` namespace), the old uppercase names and `app.conf`'s keys.
        &[
            "CELERY_BROKER_URL",
            "BROKER_URL",
            "CELERY_RESULT_BACKEND",
            "broker_url",
            "result_backend",
        ]
    }
    fn name(&self) -> &'static str {
        "celery"
    }
    fn title(&self) -> &'static str {
        "Celery"
    }
    fn about(&self) -> &'static str {
        "Celery: a worker (and beat for a schedule) running `celery -A <app>`"
    }
    fn packages(&self) -> &'static [&'static str] {
        &["celery"]
    }
    fn needs_app(&self) -> bool {
        true
    }
    fn takes_app_answer(&self) -> bool {
        true
    }
    fn broker_vars(&self) -> &'static [&'static str] {
        &["CELERY_BROKER_URL"]
    }
    fn broker(&self) -> Service {
        Service::Redis
    }
    fn broker_schemes(&self) -> &'static [(&'static str, Service)] {
        // Kombu's transports: `amqp` and `pyamqp` are py-amqp's, `librabbitmq` the C client's.
        &[
            ("amqp", Service::Rabbitmq),
            ("amqps", Service::Rabbitmq),
            ("pyamqp", Service::Rabbitmq),
            ("librabbitmq", Service::Rabbitmq),
            ("redis", Service::Redis),
            ("rediss", Service::Redis),
        ]
    }
    fn module_files(&self) -> &'static [&'static str] {
        &["celery.py"]
    }
    fn source_words(&self) -> &'static [&'static str] {
        &["Celery", "celery"]
    }
    fn procfile_run(&self, p: &Process) -> Option<ProcfileRun> {
        (p.program() == "celery").then(|| ProcfileRun {
            app: app_option(p).map(|app| (app.to_string(), format!("celery -A {app}"))),
            queues: Vec::new(),
        })
    }
    fn find(
        &self,
        cx: &FindCx,
        ev: &mut Vec<(Key, Evidence)>,
        notes: &mut Diagnostics,
    ) -> QueueFacts {
        find(cx, ev, notes)
    }
    fn scheduler(&self) -> Option<Scheduler> {
        Some(BEAT)
    }
    fn worker_service(
        &self,
        facts: &QueueFacts,
        _own: Option<Vec<String>>,
    ) -> Option<QueueService> {
        let app = facts.app.as_deref()?;
        Some(QueueService {
            command: worker_command(app),
            probe: Some(WorkerProbe::Exec(ping_command(app))),
            run: WorkerRun {
                singleton: false,
                liveness: worker_liveness(app),
            },
        })
    }
    fn scheduler_service(&self, facts: &QueueFacts) -> Option<QueueService> {
        let app = facts.app.as_deref()?;
        Some(QueueService {
            command: beat_command(app),
            // beat only sends; it has nothing to answer a ping with.
            probe: None,
            run: WorkerRun {
                singleton: true,
                ..WorkerRun::process()
            },
        })
    }
}

/// Celery beat, the scheduler.
const BEAT: Scheduler = Scheduler {
    kind: "celery-beat",
    service: "beat",
};

/// The Celery app (`celery -A`) and whether beat has a schedule.
fn find(cx: &FindCx, ev: &mut Vec<(Key, Evidence)>, notes: &mut Diagnostics) -> QueueFacts {
    let mut facts = QueueFacts::default();
    // What the project runs itself (`celery -A make_celery worker` in its Procfile) wins: Flask's own
    // pattern builds the Celery app in a function, where no `X = Celery(...)` shows it.
    if let Some((app, e)) = cx.run_app.clone() {
        facts.app = Some(app);
        ev.push((Key::QueueApp("celery"), e));
    }
    let found = apps(cx.sources);
    match found
        .iter()
        .find(|(dir, _, _)| dir == cx.app_dir)
        .or(found.first())
        .filter(|_| facts.app.is_none())
    {
        Some((_, target, e)) => {
            facts.app = Some(target.clone());
            ev.push((Key::QueueApp("celery"), e.clone()));
        }
        None if facts.app.is_some() => {}
        None => notes.warn(
            "celery is a dependency but no `Celery(...)` app was found; the worker service needs `celery -A <module>`",
        ),
    }
    let settings = |name: &str| cx.framework_settings.get(name);
    let beat = settings("CELERY_BEAT_SCHEDULE")
        .or_else(|| settings("CELERYBEAT_SCHEDULE"))
        .map(|(f, line)| Evidence::at(f, *line, "CELERY_BEAT_SCHEDULE in settings"))
        .or_else(|| beat_schedule(cx.sources))
        .or_else(|| {
            cx.deps
                .get("django-celery-beat")
                .map(|d| d.evidence.with_rule("dependency `django-celery-beat`"))
        });
    if let Some(b) = beat {
        facts.schedule = true;
        ev.push((Key::Scheduler(BEAT.kind), b));
    }
    facts
}

/// Celery's `-A app`, `--app app` or `--app=app`.
fn app_option(p: &Process) -> Option<&str> {
    let w = &p.words;
    w.iter().enumerate().find_map(|(i, x)| match x.as_str() {
        "-A" | "--app" => w.get(i + 1).map(String::as_str),
        _ => x.strip_prefix("--app="),
    })
}

/// Celery apps: `name = Celery(...)` at module level. Returns (app_dir, "module:name", evidence).
pub fn apps(sources: &[Source]) -> Vec<(String, String, Evidence)> {
    let mut out = Vec::new();
    for s in sources {
        for a in &s.summary.assigns {
            if let Value::Call { callee } = &a.value
                && s.summary.resolve(callee) == "celery.Celery"
                && !a.target.contains('.')
            {
                out.push((
                    s.app_dir.clone(),
                    format!("{}:{}", s.module, a.target),
                    Evidence::at(
                        &s.file,
                        a.line,
                        &format!("module-level `{} = {callee}(...)`", a.target),
                    ),
                ));
            }
        }
    }
    out
}

/// Whether any source configures a beat schedule (`app.conf.beat_schedule = ...`).
pub fn beat_schedule(sources: &[Source]) -> Option<Evidence> {
    sources.iter().find_map(|s| {
        s.summary
            .assigns
            .iter()
            .find(|a| a.target.ends_with(".beat_schedule") || a.target == "CELERY_BEAT_SCHEDULE")
            .map(|a| Evidence::at(&s.file, a.line, &format!("`{}` is configured", a.target)))
    })
}

fn words(ws: &[&str]) -> Vec<String> {
    ws.iter().map(|s| s.to_string()).collect()
}

/// The worker service's command for `app`.
pub fn worker_command(app: &str) -> Vec<String> {
    words(&["celery", "-A", app, "worker", "--loglevel=info"])
}

/// A command run in the worker's container that exits 0 only when a worker of `app` answers: a ping
/// goes out through the broker and every worker replies (`dockgen verify`'s probe).
pub fn ping_command(app: &str) -> Vec<String> {
    words(&["celery", "-A", app, "inspect", "ping", "--timeout", "5"])
}

/// The scheduler (beat) service's command for `app`, its schedule file on the writable /tmp.
pub fn beat_command(app: &str) -> Vec<String> {
    words(&[
        "celery",
        "-A",
        app,
        "beat",
        "--loglevel=info",
        "--schedule",
        "/tmp/celerybeat-schedule",
    ])
}

/// A liveness check of the worker started with [`worker_command`] for `app`, exec form: it answers a
/// `ping` addressed to its own node name (`celery@` and the host name, Celery's default).
pub fn worker_liveness(app: &str) -> Vec<String> {
    vec![
        "sh".into(),
        "-c".into(),
        format!(
            "celery -A {} inspect ping --timeout 5 --destination \"celery@$HOSTNAME\"",
            crate::base::quote::sh_quote(app)
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn source(file: &str, module: &str, text: &str) -> Source {
        Source {
            file: file.into(),
            app_dir: ".".into(),
            module: module.into(),
            summary: crate::parse::pysrc::summarize(text),
        }
    }

    #[test]
    fn the_app_and_the_beat_schedule() {
        let s = [
            source(
                "proj/__init__.py",
                "proj",
                "from .celery import app as celery_app\n",
            ),
            source(
                "proj/celery.py",
                "proj.celery",
                "from celery import Celery\napp = Celery('proj')\napp.conf.beat_schedule = {}\n",
            ),
        ];
        let found = apps(&s);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].1, "proj.celery:app");
        assert_eq!(beat_schedule(&s).unwrap().line, Some(3));
    }
}
