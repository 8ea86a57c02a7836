//! What the app needs around it: backing services, worker systems, application servers and native
//! builds (from the dependency table in [`crate::knowledge`], the framework's analysis and the
//! Procfile), the Celery app and beat, and the environment variables the code reads.

use crate::base::diag::Diagnostics;
use std::collections::{BTreeMap, BTreeSet};

use super::EnvVar;
use super::app::Chosen;
use crate::base::evidence::{Evidence, EvidenceMap, Key};
use crate::base::kinds::{EnvRole, Server, Service};
use crate::base::relpath::RelDir;
use crate::knowledge::{
    NativeDeps, PACKAGES, SETUPTOOLS_DROPPED_PKG_RESOURCES, SETUPTOOLS_WITH_PKG_RESOURCES,
};
use crate::parse::apps::Source;
use crate::parse::deps::{Dep, DepSet, normalize};
use crate::queue::{FindCx, QueueFacts, TaskQueue};

/// The needs detection found.
#[derive(Debug, Default)]
pub(super) struct Needs {
    pub services: Vec<Service>,
    /// The task queues the project uses.
    pub workers: Vec<TaskQueue>,
    pub servers: Vec<Server>,
    pub native: Vec<NativeDeps>,
    /// What each registered queue found, in the registry's order.
    pub queues: Vec<(TaskQueue, QueueFacts)>,
}

/// The project's Procfile: its path and processes.
type Procfile = (String, Vec<crate::parse::procfile::Process>);

/// What the project's Procfile runs of one queue: its evidence, the app it names (with its evidence)
/// and the queues.
#[derive(Default)]
struct Run {
    app: Option<(String, Evidence)>,
    queues: Vec<String>,
}

/// What the needs are collected from: the project's Procfile (when it has one), its dependencies, the
/// chosen app, the modules that may define workers' apps, the given options and the registered queues.
pub(super) struct From<'a> {
    pub procfile: Option<Procfile>,
    pub deps: &'a DepSet,
    pub chosen: &'a Chosen,
    pub sources: &'a [Source],
    pub opts: &'a super::Options,
    pub queues: &'a [TaskQueue],
}

/// Services, workers, servers and native needs, with their evidence recorded in `ev`.
pub(super) fn collect(from: From, ev: &mut EvidenceMap, warnings: &mut Diagnostics) -> Needs {
    let From {
        procfile,
        deps,
        chosen,
        sources,
        opts,
        queues,
    } = from;
    let mut services: BTreeMap<Service, Evidence> = BTreeMap::new();
    let mut workers: BTreeMap<TaskQueue, Evidence> = BTreeMap::new();
    let mut needs = Needs::default();
    let mut servers = BTreeSet::new();
    from_dependencies(
        deps,
        queues,
        chosen.framework.services(),
        &mut services,
        &mut servers,
        &mut needs.native,
        ev,
    );
    for d in deps.iter() {
        for q in queues
            .iter()
            .filter(|q| q.packages().contains(&d.name.as_str()))
        {
            workers
                .entry(*q)
                .or_insert_with(|| dependency_evidence(d, None, "dependency"));
        }
    }
    for (s, e) in &chosen.analysis.services {
        services.entry(*s).or_insert_with(|| e.clone());
    }
    let mut runs = procfile_workers(procfile, queues, &mut workers);
    answered_app(opts, queues, &workers, &mut runs, warnings);
    needs.queues = find_queues(
        queues,
        &workers,
        runs,
        (chosen, deps, sources),
        ev,
        warnings,
    );
    for (s, e) in &services {
        ev.insert(Key::Service(*s), e.clone());
    }
    for (w, e) in &workers {
        ev.insert(Key::Worker(w.as_str()), e.clone());
    }
    needs.services = services.into_keys().collect();
    needs.workers = workers.into_keys().collect();
    needs.servers = servers.into_iter().collect();
    needs
}

/// What each registered queue finds (nothing, for one the project does not use): its app, schedule and
/// queues, from the Procfile's runs, the chosen app, the dependencies and the sources.
fn find_queues(
    queues: &[TaskQueue],
    workers: &BTreeMap<TaskQueue, Evidence>,
    mut runs: BTreeMap<TaskQueue, Run>,
    (chosen, deps, sources): (&Chosen, &DepSet, &[Source]),
    ev: &mut EvidenceMap,
    warnings: &mut Diagnostics,
) -> Vec<(TaskQueue, QueueFacts)> {
    let mut out = Vec::new();
    for q in queues {
        let facts = match workers.contains_key(q) {
            true => {
                let run = runs.remove(q).unwrap_or_default();
                let cx = FindCx {
                    app_dir: chosen.app_dir.as_str(),
                    sources,
                    deps,
                    framework_settings: &chosen.analysis.settings,
                    run_app: run.app,
                    procfile_queues: run.queues,
                };
                let mut found = Vec::new();
                let facts = q.find(&cx, &mut found, warnings);
                ev.extend(found);
                facts
            }
            false => QueueFacts::default(),
        };
        out.push((*q, facts));
    }
    out
}

/// The app answer names the app of the queue that takes it: it wins over what the
/// Procfile and the sources show. Given for a queue the project does not use, it is said and dropped.
fn answered_app(
    opts: &super::Options,
    queues: &[TaskQueue],
    workers: &BTreeMap<TaskQueue, Evidence>,
    runs: &mut BTreeMap<TaskQueue, Run>,
    warnings: &mut Diagnostics,
) {
    let (Some((app, e)), Some(q)) = (
        opts.queue_app(),
        queues.iter().find(|q| q.takes_app_answer()),
    ) else {
        return;
    };
    if workers.contains_key(q) {
        runs.entry(*q).or_default().app = Some((app, e));
    } else {
        warnings.warn(format!(
            "the {} app `{app}` was given, but {} is not a dependency of the project, so no worker service runs it",
            q.title(),
            q.as_str()
        ));
    }
}

/// Every row of the package table that a dependency (with the row's extra, if any) matches, then the
/// registered queues' own (`celery[redis]` and `rq` mean Redis) and the framework's (`django-redis`).
fn from_dependencies(
    deps: &DepSet,
    queues: &[TaskQueue],
    framework: &[(&str, Option<&str>, Service)],
    services: &mut BTreeMap<Service, Evidence>,
    servers: &mut BTreeSet<Server>,
    native: &mut Vec<NativeDeps>,
    ev: &mut EvidenceMap,
) {
    for d in deps.iter() {
        for row in PACKAGES.iter().filter(|r| r.package == d.name) {
            if row.extra.is_some_and(|x| !d.extras.contains(x))
                || row.unless.is_some_and(|u| deps.has(u))
                || row.unless_extra.is_some_and(|x| d.extras.contains(x))
            {
                continue;
            }
            let with = |what: &str| dependency_evidence(d, row.extra, what);
            if let Some(s) = row.service {
                services.entry(s).or_insert_with(|| with("dependency"));
            }
            if let Some(s) = row.server {
                servers.insert(s);
                ev.entry(Key::Server(s))
                    .or_insert_with(|| with("dependency"));
            }
            if let Some(n) = row.native
                && !native.contains(n)
            {
                native.push(n.clone());
                let what = if n.build.is_empty() {
                    "system library loaded at run time by"
                } else {
                    "source build of"
                };
                ev.entry(Key::Native(d.name.clone()))
                    .or_insert_with(|| with(what));
            }
        }
        let own = queues.iter().flat_map(|q| q.services()).chain(framework);
        for (package, extra, s) in own {
            if *package == d.name && !extra.is_some_and(|x| !d.extras.contains(x)) {
                services
                    .entry(*s)
                    .or_insert_with(|| dependency_evidence(d, *extra, "dependency"));
            }
        }
    }
}

/// The setuptools requirement the venv needs beside the dependencies, when a locked or exactly pinned
/// dependency imports `pkg_resources` (the first such in name order gives the evidence): none when the
/// project already pins a setuptools that has it.
pub(super) fn setuptools(
    deps: &DepSet,
    reg: &super::Registry,
    ev: &mut EvidenceMap,
) -> Option<String> {
    let rows: Vec<&crate::knowledge::PkgResourcesUser> = crate::knowledge::PKG_RESOURCES_USERS
        .iter()
        .chain(reg.frameworks.iter().flat_map(|f| f.pkg_resources_users()))
        .chain(reg.queues.iter().flat_map(|q| q.pkg_resources_users()))
        .collect();
    let own = deps.get("setuptools").and_then(|d| d.version.as_deref());
    if own.is_some_and(|v| crate::knowledge::release_before(v, SETUPTOOLS_DROPPED_PKG_RESOURCES)) {
        return None;
    }
    let (d, row) = deps.iter().find_map(|d| {
        let v = d.version.as_deref()?;
        crate::knowledge::imports_pkg_resources(rows.iter().copied(), &d.name, v)
            .map(|row| (d, row))
    })?;
    let pin = SETUPTOOLS_WITH_PKG_RESOURCES;
    let version = d.version.as_deref().unwrap_or_default();
    let others: Vec<String> = deps
        .iter()
        .filter(|o| o.name != d.name)
        .filter_map(|o| {
            let v = o.version.as_deref()?;
            crate::knowledge::imports_pkg_resources(rows.iter().copied(), &o.name, v)
                .map(|_| format!("{} {v}", o.name))
        })
        .collect();
    let also = if others.is_empty() {
        String::new()
    } else {
        format!("; {} imports it too", others.join(" and "))
    };
    let rule = format!(
        "{} {version} {}{also}. The image's virtualenv is made without setuptools, so it gets `{pin}` ({SETUPTOOLS_DROPPED_PKG_RESOURCES} removed pkg_resources)",
        d.name, row.why
    );
    ev.insert(Key::Setuptools, d.evidence.with_rule(rule));
    Some(pin.to_string())
}

/// "dependency `celery[redis]`", "(locked, pulled in by another package)" for transitive ones.
fn dependency_evidence(d: &Dep, extra: Option<&str>, what: &str) -> Evidence {
    d.evidence.with_rule(format!(
        "{what} `{}{}`{}",
        d.name,
        extra.map(|x| format!("[{x}]")).unwrap_or_default(),
        if d.direct {
            ""
        } else {
            " (locked, pulled in by another package)"
        }
    ))
}

/// The task queues a Procfile runs (`worker: celery -A proj worker`, `rq worker`, `manage.py
/// rqworker`), added to `workers`, with what each process names (the first app, the first queues).
fn procfile_workers(
    procfile: Option<Procfile>,
    queues: &[TaskQueue],
    workers: &mut BTreeMap<TaskQueue, Evidence>,
) -> BTreeMap<TaskQueue, Run> {
    let mut runs: BTreeMap<TaskQueue, Run> = BTreeMap::new();
    let Some((rel, processes)) = procfile else {
        return runs;
    };
    for p in &processes {
        let Some((q, found)) = queues
            .iter()
            .find_map(|q| q.procfile_run(p).map(|run| (*q, run)))
        else {
            continue;
        };
        let at = |rule: String| Evidence::at(&rel, p.line, &rule);
        let run = runs.entry(q).or_default();
        if run.queues.is_empty() {
            run.queues = found.queues;
        }
        if let Some((app, spelled)) = found.app.filter(|_| run.app.is_none()) {
            let rule = format!("Procfile `{}:` runs `{spelled}`", p.name);
            run.app = Some((app, at(rule)));
        }
        workers
            .entry(q)
            .or_insert_with(|| at(format!("Procfile `{}:` runs {q}", p.name)));
    }
    runs
}

/// The broker services the app's own broker URLs point at: an `AmqpUrl` (a broker URL that defaults
/// to `amqp://`) asks for RabbitMQ, with the read as its evidence.
pub(super) fn brokers_from_env(vars: &[EnvVar], needs: &mut Needs, ev: &mut EvidenceMap) {
    for v in vars {
        let Some(t) = v.role.as_ref().filter(|t| t.role == EnvRole::AmqpUrl) else {
            continue;
        };
        if !needs.services.contains(&Service::Rabbitmq) {
            needs.services.push(Service::Rabbitmq);
            needs.services.sort();
            ev.insert(Key::Service(Service::Rabbitmq), t.because.clone());
        }
    }
}

/// Environment variables read by the framework's configuration, then by the project's modules.
pub(super) fn env_reads(chosen: &Chosen, sources: &[Source], project_dir: &RelDir) -> Vec<EnvVar> {
    let mut vars: BTreeMap<String, EnvVar> = BTreeMap::new();
    // The first read of a variable stands for it; a later read that has no default (and is not guarded)
    // takes the default away, since the code fails there when it is unset (`CACHES` with a default, then
    // `redis.from_url(os.environ.get("REDIS_URL"))` at import: issue 17).
    let mut note = |v: EnvVar| {
        let (required, bare) = (v.required, !(v.read.has_default || v.read.guarded));
        let e = vars.entry(v.name.clone()).or_insert(v);
        e.required |= required;
        if bare {
            e.read.has_default = false;
            e.read.guarded = false;
        }
    };
    for r in &chosen.analysis.env_reads {
        note(r.clone());
    }
    // The project's own helpers (`def env_str(name, default=...)`), from any of its modules.
    let helpers: BTreeMap<&str, &crate::parse::pysrc::EnvHelper> = sources
        .iter()
        .flat_map(|s| s.summary.env_helpers.iter())
        .map(|h| (h.name.as_str(), h))
        .collect();
    for s in sources.iter().filter(|s| project_dir.contains(&s.file)) {
        for r in &s.summary.env_reads {
            // A bare `env("X")` is django-environ's reader unless the project defines its own `env`.
            match r.callee_is_reader().and_then(|c| helpers.get(c)) {
                Some(h) => note(through_helper(r, h, &s.file)),
                None => note(EnvVar::new(r, &s.file, "read by the app")),
            }
        }
        for v in prefixed_env_reads(s, chosen.framework.prefixed_env_default()) {
            note(v);
        }
        for (callee, r) in &s.summary.name_calls {
            if let Some(h) = helpers.get(callee.as_str()) {
                note(through_helper(r, h, &s.file));
            }
        }
    }
    vars.into_values().collect()
}

/// A read through the project's own helper: required only when the helper fails without the variable
/// and the call gives no default (the helper's own default parameter counts), typed by what the helper
/// returns when the call does not show it.
fn through_helper(
    r: &crate::parse::pysrc::EnvRead,
    h: &crate::parse::pysrc::EnvHelper,
    file: &str,
) -> EnvVar {
    let mut r = r.clone();
    r.required = h.fails_without_default && !r.has_default && !r.guarded;
    if r.kind.is_none() {
        r.kind = h.kind.clone();
    }
    let how = if h.fails_without_default {
        "which fails without it"
    } else {
        "whose own default applies"
    };
    let rule = format!("read through the project's `{}` ({how})", h.name);
    EnvVar::new(&r, file, &rule)
}

/// Flask's `config.from_prefixed_env()`: every config key the module sets in code can be overridden by
/// `<PREFIX>_<KEY>` (`<PREFIX>_<KEY>__<nested>` for a key of a dict value); the prefix is the call's
/// argument, else the framework's default (`FLASK`).
fn prefixed_env_reads(s: &Source, default: Option<&str>) -> Vec<EnvVar> {
    let Some((given, line)) = &s.summary.prefixed_env else {
        return Vec::new();
    };
    let Some(prefix) = given.as_deref().or(default) else {
        return Vec::new();
    };
    let keys = &s.summary.config_keys;
    keys.iter()
        // A dict value is read through its nested keys.
        .filter(|c| {
            c.nested.is_some() || !keys.iter().any(|n| n.key == c.key && n.nested.is_some())
        })
        .map(|c| {
            let name = match &c.nested {
                Some(n) => format!("{prefix}_{}__{n}", c.key),
                None => format!("{prefix}_{}", c.key),
            };
            let read = crate::parse::pysrc::EnvRead {
                name,
                line: c.line,
                default: c.default.clone(),
                has_default: true,
                target: Some(c.key.clone()),
                key: c.nested.clone(),
                ..Default::default()
            };
            let rule = format!(
                "`{}` set here, overridable through from_prefixed_env at line {line}",
                c.key
            );
            EnvVar::new(&read, &s.file, &rule)
        })
        .collect()
}

/// `name == "value"` comparisons in the framework's configuration and the project's modules.
pub(super) fn comparisons(
    chosen: &Chosen,
    sources: &[Source],
    project_dir: &RelDir,
) -> Vec<(crate::parse::pysrc::Comparison, String)> {
    let mut out = chosen.analysis.comparisons.clone();
    for s in sources.iter().filter(|s| project_dir.contains(&s.file)) {
        out.extend(
            s.summary
                .comparisons
                .iter()
                .map(|c| (c.clone(), s.file.clone())),
        );
    }
    out
}

/// A C compiler in the builder for the locked packages pip builds from source (their evidence is the
/// lockfile's list of files).
pub(super) fn add_source_builds(
    native: &mut Vec<NativeDeps>,
    builds: &[super::python::SourceBuild],
    ev: &mut EvidenceMap,
) {
    for b in builds {
        let needs = crate::knowledge::source_build_needs(&normalize(&b.package));
        if !native.contains(needs) {
            native.push(needs.clone());
        }
        ev.entry(Key::Native(b.package.clone()))
            .or_insert_with(|| b.evidence.clone());
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::detect::python::SourceBuild;

    /// A package built from source gets its library's headers from the table (a psycopg2-binary pin
    /// without a wheel for the image needs libpq-dev, issue 17), others a C compiler, each once.
    #[test]
    fn source_builds_take_their_packages_from_the_table() {
        let build = |package: &str| SourceBuild {
            package: package.into(),
            evidence: Evidence::rule("only an sdist is locked"),
        };
        let mut native = Vec::new();
        let mut ev = EvidenceMap::new();
        let builds = [build("psycopg2_binary"), build("docopt"), build("pyyaml")];
        add_source_builds(&mut native, &builds, &mut ev);
        assert_eq!(native.len(), 2, "{native:?}");
        assert!(native[0].build.contains(&"libpq-dev") && native[0].runtime.contains(&"libpq5"));
        assert_eq!(native[1], crate::knowledge::COMPILER);
        assert!(ev.contains_key(&Key::Native("psycopg2_binary".into())));
    }

    fn pinned(pins: &[(&str, &str)]) -> DepSet {
        let mut deps = DepSet::default();
        for (i, (name, version)) in pins.iter().enumerate() {
            let e = Evidence::at("requirements.txt", i + 1, "exact pin");
            deps.add(name, [], true, e);
            deps.set_version(name, version);
        }
        deps
    }

    /// Issue 17: a frozen gunicorn 20.1 (and Flask 2.0) import pkg_resources, which the image's virtualenv lacks: the
    /// venv gets a setuptools that still has it, with the pin's line as evidence; current releases, an
    /// unpinned gunicorn and a project pinning an old setuptools itself get nothing.
    #[test]
    fn setuptools_only_for_pins_that_import_pkg_resources() {
        let mut ev = EvidenceMap::new();
        let old = pinned(&[
            ("Flask", "2.0.3"),
            ("gunicorn", "20.1.0"),
            ("redis", "4.5.1"),
        ]);
        assert_eq!(
            setuptools(&old, &crate::detect::Registry::builtin(), &mut ev).as_deref(),
            Some("setuptools<82")
        );
        let e = &ev[&Key::Setuptools];
        assert_eq!(e.line, Some(1), "{e}");
        assert!(
            e.rule.contains("flask 2.0.3") && e.rule.contains("; gunicorn 20.1.0 imports it too."),
            "{e}"
        );
        for current in [
            pinned(&[
                ("flask", "2.2.3"),
                ("gunicorn", "21.2.0"),
                ("celery", "5.4.0"),
            ]),
            pinned(&[("gunicorn", "20.1.0"), ("setuptools", "65.5.0")]),
            {
                let mut d = DepSet::default();
                d.add("gunicorn", [], true, Evidence::rule("unpinned"));
                d
            },
        ] {
            let mut ev = EvidenceMap::new();
            assert_eq!(
                setuptools(&current, &crate::detect::Registry::builtin(), &mut ev),
                None,
                "{current:?}"
            );
            assert!(ev.is_empty());
        }
        // The framework's and the task queue's own rows (their registry entries keep them).
        for (name, old, fixed) in [("flask", "2.0.3", "2.1.0"), ("celery", "5.2.4", "5.2.5")] {
            let mut ev = EvidenceMap::new();
            let found = setuptools(
                &pinned(&[(name, old)]),
                &crate::detect::Registry::builtin(),
                &mut ev,
            );
            assert_eq!(found.as_deref(), Some("setuptools<82"), "{name} {old}");
            let fixed = setuptools(
                &pinned(&[(name, fixed)]),
                &crate::detect::Registry::builtin(),
                &mut ev,
            );
            assert_eq!(fixed, None, "{name} {fixed:?}");
        }
        let new_setuptools = pinned(&[("gunicorn", "20.1.0"), ("setuptools", "84.2.1")]);
        assert!(
            setuptools(
                &new_setuptools,
                &crate::detect::Registry::builtin(),
                &mut EvidenceMap::new()
            )
            .is_some()
        );
    }
}
