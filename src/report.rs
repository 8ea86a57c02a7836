//! Human-readable rendering of a detection report, as a string (the binary prints it).
//!
//! Each decided value is shown with where it came from, in the spirit of flyctl's plan summary:
//! `framework        django      core/manage.py: manage.py and a django dependency`.

use std::fmt::Write;

use crate::base::quote::terminal;
use crate::detect::{Evidence, Key, Project};

/// One decision: every value from the project goes through [`terminal`], so a name cannot start a
/// line of its own or send escape sequences (the report is printed even when piped).
fn row(out: &mut String, key: &str, value: &str, ev: Option<&Evidence>) {
    let value = terminal(value);
    let _ = match ev {
        Some(e) => writeln!(out, "  {key:<17} {value:<28} {}", terminal(&e.to_string())),
        None => writeln!(out, "  {key:<17} {value}"),
    };
}

fn list<T: AsRef<str>>(v: &[T]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.iter().map(|s| s.as_ref()).collect::<Vec<_>>().join(", ")
    }
}

/// The `dockgen detect` report for a person.
pub fn human(p: &Project) -> String {
    let mut out = String::new();
    decisions(&mut out, p);
    needs(&mut out, p);
    environment(&mut out, p);
    trailer(&mut out, p);
    out
}

/// The header and the app's decisions: framework, manager, Python, app, entrypoint, settings.
fn decisions(out: &mut String, p: &Project) {
    let e = |k: Key| p.evidence.get(&k);
    let _ = writeln!(
        out,
        "Detected a {} project ({}, Python {}) in `{}`\n",
        p.framework,
        p.package_manager,
        terminal(&p.python_version),
        terminal(p.project_dir.as_str())
    );
    row(out, "framework", p.framework.as_str(), e(Key::Framework));
    row(
        out,
        "package manager",
        p.package_manager.as_str(),
        e(Key::PackageManager),
    );
    row(out, "python", &p.python_version, e(Key::PythonVersion));
    row(out, "app dir", p.app_dir.as_str(), e(Key::AppDir));
    row(
        out,
        "entrypoint",
        &format!("{} ({})", p.entrypoint, p.interface),
        e(Key::Entrypoint),
    );
    if let Some(s) = &p.django_settings_module {
        row(out, "settings", s, e(Key::DjangoSettingsModule));
    }
    if let Some(sr) = p.static_root {
        row(
            out,
            "static root",
            if sr { "set" } else { "not set" },
            e(Key::StaticRoot),
        );
    }
    if p.evidence.contains_key(&Key::CompressOffline) {
        row(
            out,
            "compression",
            "offline: `manage.py compress` at build time",
            e(Key::CompressOffline),
        );
    }
}

/// Services, workers, Celery, servers and native builds, each with its evidence.
fn needs(out: &mut String, p: &Project) {
    let e = |k: Key| p.evidence.get(&k);
    let services: Vec<&str> = p.services.iter().map(|s| s.as_str()).collect();
    row(out, "services", &list(&services), None);
    for s in &p.services {
        if let Some(ev) = e(Key::Service(*s)) {
            row(out, &format!("  {}", s.as_str()), "", Some(ev));
        }
    }
    let workers: Vec<&str> = p.workers.iter().map(|w| w.as_str()).collect();
    row(out, "workers", &list(&workers), None);
    for w in &p.workers {
        if let Some(ev) = e(Key::Worker(*w)) {
            row(out, &format!("  {}", w.as_str()), "", Some(ev));
        }
    }
    if let Some(c) = &p.celery_app {
        row(out, "celery app", c, e(Key::CeleryApp));
        row(
            out,
            "celery beat",
            if p.celery_beat { "yes" } else { "no" },
            e(Key::CeleryBeat),
        );
    }
    let servers: Vec<&str> = p.servers.iter().map(|s| s.as_str()).collect();
    row(out, "servers", &list(&servers), None);
    if let Some(h) = &p.health_path {
        row(out, "health path", h, e(Key::HealthPath));
    }
    if !p.native.is_empty() {
        for n in &p.native {
            row(
                out,
                "native build",
                &format!(
                    "{} (build: {}; runtime: {})",
                    n.why,
                    n.build.join(" "),
                    n.runtime.join(" ")
                ),
                None,
            );
        }
    }
}

/// The environment variables the code reads: what each feeds (and why), or whether it is required.
fn environment(out: &mut String, p: &Project) {
    if p.env_vars.is_empty() {
        return;
    }
    let _ = writeln!(out, "  environment");
    let w = p.env_vars.iter().map(|v| v.name.len()).max().unwrap_or(0);
    for v in &p.env_vars {
        let (what, why) = match &v.role {
            Some(t) => (role_text(&t.role), &t.because),
            None if v.required => ("required, set it in .env".to_string(), &v.evidence),
            None => (optional_text(v), &v.evidence),
        };
        let (what, why) = (terminal(&what), terminal(&why.to_string()).into_owned());
        let _ = writeln!(out, "    {:<w$}  {what:<28} {why}", terminal(&v.name));
    }
}

fn role_text(r: &crate::base::kinds::EnvRole) -> String {
    use crate::base::kinds::EnvRole::*;
    match r {
        DatabaseUrl { scheme } => format!("database URL ({scheme}://)"),
        DatabaseConninfo => "libpq connection string".into(),
        DatabaseEngine => "DATABASES ENGINE".into(),
        DatabaseHost => "database host".into(),
        DatabasePort => "database port".into(),
        DatabaseName => "database name".into(),
        DatabaseUser => "database user".into(),
        DatabasePassword => "database password".into(),
        DatabaseSwitch { value } => format!("switch, set to `{value}`"),
        RedisUrl => "Redis URL".into(),
        RedisHost => "Redis host".into(),
        RedisPort => "Redis port".into(),
        Port => "the server's port".into(),
        AllowedHosts { separator } => format!("ALLOWED_HOSTS, `{separator}`-separated"),
        DebugSwitch { on } => format!("debug switch (dev: `{on}`)"),
        SigningKey => "signing key (generated)".into(),
    }
}

/// An optional variable with its type and default, as far as the code shows them.
fn optional_text(v: &crate::detect::EnvVar) -> String {
    let mut out = "optional".to_string();
    if let Some(kind) = &v.read.kind {
        out = format!("{out}, {}", kind.describe());
    }
    if let Some(d) = &v.read.default {
        out = format!("{out}, default `{d}`");
    }
    out
}

/// Install files, the other candidates, and the warnings.
fn trailer(out: &mut String, p: &Project) {
    row(out, "install files", &list(p.install_files()), None);
    if p.candidates.len() > 1 {
        let _ = writeln!(out, "\nOther candidates considered:");
        for c in p.candidates.iter().skip(1) {
            let _ = writeln!(out, "  - {}", terminal(&c.to_string()));
        }
    }
    if !p.warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings:");
        for w in &p.warnings {
            let _ = writeln!(out, "  - {}", terminal(w));
        }
    }
}

/// The server command as a user would type it (without the `sh -c 'exec ...'` that expands `$PORT`).
fn server_line(s: &crate::plan::ServerCommand) -> String {
    let mut words = vec![s.program.clone(), s.app.clone()];
    for o in &s.options {
        words.push(o.flag.clone());
        words.extend(o.value.clone());
    }
    words.join(" ")
}

/// A short summary of what `init` generates and from what.
pub fn plan_summary(p: &Project, plan: &crate::plan::Plan) -> String {
    let services: Vec<&str> = [("postgres", plan.postgres), ("redis", plan.redis)]
        .iter()
        .filter(|(_, on)| *on)
        .map(|(n, _)| *n)
        .chain(plan.workers.iter().map(|w| w.name.as_str()))
        .collect();
    format!(
        "dockgen: {} ({}, Python {}) in `{}`: `{}` on port {}; services: web{}{}",
        p.framework,
        p.package_manager,
        terminal(&plan.python_version),
        terminal(&plan.context_dir),
        terminal(&server_line(&plan.server)),
        plan.port,
        if plan.migrate_command.is_some() {
            ", migrate"
        } else {
            ""
        },
        services
            .iter()
            .map(|s| format!(", {s}"))
            .collect::<String>()
    )
}

/// The verb for a file's status, in the past tense or (dry run) the conditional.
pub fn status_word(s: crate::write::Status, would: bool) -> &'static str {
    use crate::write::Status::*;
    match (s, would) {
        (Created, false) => "created",
        (Created, true) => "create",
        (Unchanged, _) => "unchanged",
        (Updated, false) => "updated",
        (Updated, true) => "update",
        (Overwritten, false) => "overwritten",
        (Overwritten, true) => "overwrite",
        (ModeFixed, false) => "made +x",
        (ModeFixed, true) => "make +x",
        (Conflict, _) => "conflict",
        (Kept, _) => "kept",
        (Unmanaged, _) => "unmanaged",
    }
}
