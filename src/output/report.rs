//! Every human report, as strings (the binary prints them): the detection report, the plan summary,
//! and what `init` wrote (or would write, or found drifted) with the steps that come next.
//!
//! Each decided value is shown with where it came from, in the spirit of flyctl's plan summary:
//! `framework        django      core/manage.py: manage.py and a django dependency`. Colour is written as
//! ANSI styles; the binary's output stream strips them when colour is off. The `--json` reports are
//! not here: they are data, serialised by their owners.

use std::fmt::Write;

use anstyle::{AnsiColor, Style};

use crate::base::quote::{terminal, terminal_block};
use crate::detect::{Evidence, Key, Project};
use crate::output::dotenv::{EnvFileReport, EnvStatus};
use crate::output::write::{FileReport, Mode, Status};
use crate::plan::Plan;

/// The style of a file dockgen wrote.
const GOOD: Style = AnsiColor::Green.on_default();

/// The width `dockgen detect` wraps at when it cannot ask a terminal.
pub const DEFAULT_WIDTH: usize = 80;

/// The detection report as it is built: its text, and the width its lines wrap at.
struct Table {
    text: String,
    width: usize,
}

impl Write for Table {
    fn write_str(&mut self, s: &str) -> std::fmt::Result {
        self.text.write_str(s)
    }
}

/// Where the value column starts (two spaces, the key, a space): where a field that does not fit
/// beside its row's head starts instead.
const VALUE_COLUMN: usize = 20;

impl Table {
    /// Writes one row, `head` then its last field `field` (see [`wrap`]).
    fn line(&mut self, head: &str, field: &str) {
        let _ = writeln!(self.text, "{}", wrap(head, field, self.width));
    }
}

/// A row of the report, `head` (its fields up to the last, padded) then `field`, wrapped to `width`
/// at word boundaries, never inside a word (a path longer than the room stays whole) nor at a hyphen.
/// Continuations hang under the start of `field`; when that leaves too little room, `field` starts
/// on the next line, under the value column (or four spaces on a very narrow terminal).
pub fn wrap(head: &str, field: &str, width: usize) -> String {
    const ROOM: usize = 24;
    fn options<'a>(width: usize, indent: &'a str, first: &'a str) -> textwrap::Options<'a> {
        textwrap::Options::new(width.max(indent.len() + 1))
            .break_words(false)
            .word_splitter(textwrap::WordSplitter::NoHyphenation)
            .initial_indent(first)
            .subsequent_indent(indent)
    }
    let column = textwrap::core::display_width(head);
    if width.saturating_sub(column) >= ROOM || field.is_empty() {
        let indent = " ".repeat(column);
        let line = format!("{head}{field}");
        return textwrap::wrap(line.trim_end(), options(width, &indent, "")).join("\n");
    }
    let column = if width.saturating_sub(VALUE_COLUMN) >= ROOM {
        VALUE_COLUMN
    } else {
        4
    };
    let indent = " ".repeat(column);
    let head = textwrap::wrap(head.trim_end(), options(width, &indent, "")).join("\n");
    let field = textwrap::wrap(field, options(width, &indent, &indent)).join("\n");
    format!("{head}\n{field}")
}

/// One decision: every value from the project goes through [`terminal`], so a name cannot start a
/// line of its own or send escape sequences (the report is printed even when piped).
fn row(out: &mut Table, key: &str, value: &str, ev: Option<&Evidence>) {
    let value = terminal(value);
    match ev {
        Some(e) => out.line(
            &format!("  {key:<17} {value:<28} "),
            &terminal(&e.to_string()),
        ),
        None => out.line(&format!("  {key:<17} "), &value),
    }
}

fn list<T: AsRef<str>>(v: &[T]) -> String {
    if v.is_empty() {
        "none".into()
    } else {
        v.iter().map(|s| s.as_ref()).collect::<Vec<_>>().join(", ")
    }
}

/// The `dockgen detect` report for a person, its lines wrapped to `width` columns.
pub fn human(p: &Project, width: usize) -> String {
    let mut out = Table {
        text: String::new(),
        width,
    };
    decisions(&mut out, p);
    needs(&mut out, p);
    environment(&mut out, p);
    trailer(&mut out, p);
    out.text
}

/// The header and the app's decisions: framework, manager, Python, app, entrypoint, settings.
fn decisions(out: &mut Table, p: &Project) {
    let e = |k: Key| p.evidence.get(&k);
    out.line(
        "",
        &format!(
            "Detected a {} project ({}, Python {}) in `{}`",
            p.framework,
            p.package_manager,
            terminal(&p.python_version.to_string()),
            terminal(p.project_dir.as_str())
        ),
    );
    out.text.push('\n');
    row(out, "framework", p.framework.as_str(), e(Key::Framework));
    row(
        out,
        "package manager",
        p.package_manager.as_str(),
        e(Key::PackageManager),
    );
    row(
        out,
        "python",
        &p.python_version.to_string(),
        e(Key::PythonVersion),
    );
    row(out, "app dir", p.app_dir.as_str(), e(Key::AppDir));
    row(
        out,
        "entrypoint",
        &format!("{} ({})", p.entrypoint, p.interface),
        e(Key::Entrypoint),
    );
    if let (Some(s), Some(k)) = (p.settings_module(), p.framework.settings_module_key()) {
        row(out, "settings", s, e(Key::Fact(k)));
    }
    if let Some(sr) = p.static_root {
        row(
            out,
            "static root",
            if sr { "set" } else { "not set" },
            e(Key::StaticRoot),
        );
    }
    if p.evidence.contains_key(&Key::Fact("compress_offline")) {
        row(
            out,
            "compression",
            "offline: `manage.py compress` at build time",
            e(Key::Fact("compress_offline")),
        );
    }
}

/// Services, workers (each queue's app and schedule), servers and native builds, each with its
/// evidence.
fn needs(out: &mut Table, p: &Project) {
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
        if let Some(ev) = e(Key::Worker(w.as_str())) {
            row(out, &format!("  {}", w.as_str()), "", Some(ev));
        }
    }
    for (q, facts) in &p.queues.0 {
        let Some(app) = &facts.app else { continue };
        row(out, &format!("{q} app"), app, e(Key::QueueApp(q.as_str())));
        if let Some(s) = q.scheduler() {
            let on = if facts.schedule { "yes" } else { "no" };
            row(
                out,
                &s.kind.replace('-', " "),
                on,
                e(Key::Scheduler(s.kind)),
            );
        }
    }
    let servers: Vec<&str> = p.servers.iter().map(|s| s.as_str()).collect();
    row(out, "servers", &list(&servers), None);
    if let Some(h) = &p.health_path {
        row(out, "health path", h, e(Key::HealthPath));
    }
    if let Some(pin) = &p.setuptools {
        row(out, "setuptools", pin, e(Key::Setuptools));
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
fn environment(out: &mut Table, p: &Project) {
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
        out.line(&format!("    {:<w$}  {what:<28} ", terminal(&v.name)), &why);
    }
}

fn role_text(r: &crate::base::kinds::EnvRole) -> String {
    use crate::base::kinds::EnvRole::*;
    match r {
        DatabaseUrl { scheme } => format!("database URL ({scheme}://)"),
        DatabaseConninfo => "libpq connection string".into(),
        DatabaseEngine { .. } => "DATABASES ENGINE".into(),
        DatabaseHost => "database host".into(),
        DatabasePort => "database port".into(),
        DatabaseName => "database name".into(),
        DatabaseUser => "database user".into(),
        DatabasePassword => "database password".into(),
        DatabaseSwitch { value } => format!("switch, set to `{value}`"),
        RedisUrl => "Redis URL".into(),
        RedisHost => "Redis host".into(),
        RedisPort => "Redis port".into(),
        AmqpUrl => "AMQP broker URL (RabbitMQ)".into(),
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
fn trailer(out: &mut Table, p: &Project) {
    row(out, "install files", &list(p.install_files()), None);
    if p.candidates.len() > 1 {
        let _ = writeln!(out, "\nOther candidates considered:");
        for c in p.candidates.iter().skip(1) {
            out.line("  - ", &terminal(&c.to_string()));
        }
    }
    if !p.warnings.is_empty() {
        let _ = writeln!(out, "\nWarnings:");
        for w in &p.warnings {
            out.line("  - ", &terminal(w));
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
pub fn plan_summary(p: &Project, plan: &Plan) -> String {
    let services: Vec<&str> = plan
        .services
        .iter()
        .map(|s| s.name.as_str())
        .chain(plan.workers.iter().map(|w| w.name.as_str()))
        .collect();
    format!(
        "dockgen: {} ({}, Python {}) in `{}`: `{}` on port {}; services: web{}{}",
        p.framework,
        p.package_manager,
        terminal(&plan.python_version.to_string()),
        terminal(&plan.context_dir),
        terminal(&server_line(&plan.server)),
        plan.port,
        if plan.migration.is_some() {
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
pub fn status_word(s: Status, would: bool) -> &'static str {
    use Status::*;
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

/// What the `init` report reads from a run (`init::Outcome::view` builds it).
#[derive(Debug, Clone)]
pub struct InitView<'a> {
    pub project: &'a Project,
    pub plan: &'a Plan,
    /// One report per file, `dockgen.toml` included.
    pub files: &'a [FileReport],
    /// Each answer that decided something: its key, its value and its origin, as shown.
    pub answers: Vec<(&'a str, String, String)>,
    pub env_file: &'a EnvFileReport,
    /// `.env` as it is on disk (what it already sets, and on which line).
    pub env_on_disk: &'a crate::output::envfile::EnvFile,
    /// The deployment targets the files were generated for.
    pub targets: crate::orchestrate::Targets,
}

/// The human `init` report: stdout (diffs, or the plan, answers and files) and stderr (the summary).
/// `drift` is how many files differ; `dir` is where the files went, as the user would `cd` to it.
pub fn init(view: &InitView, mode: Mode, drift: usize, dir: &str) -> (String, String) {
    match mode {
        Mode::Check => check(view, drift),
        Mode::DryRun => (files(view, true, dir), String::new()),
        Mode::Write { .. } => (files(view, false, dir), String::new()),
    }
}

/// `--check`: the diff of each file that differs, and a one-line verdict on stderr.
fn check(view: &InitView, drift: usize) -> (String, String) {
    let (mut out, mut err) = (String::new(), String::new());
    // The files dockgen does not manage are not compared.
    let compared = view
        .files
        .iter()
        .filter(|r| r.status != Status::Unmanaged)
        .count();
    for r in view
        .files
        .iter()
        .filter(|r| !matches!(r.status, Status::Unchanged | Status::Unmanaged))
    {
        match &r.diff {
            // The file on disk is the project's: no escape sequences reach the terminal.
            Some(d) => out.push_str(&styled_diff(&terminal_block(d))),
            None => {
                let _ = writeln!(out, "{}: not executable", r.path);
            }
        }
    }
    if drift == 0 {
        let _ = writeln!(
            err,
            "dockgen: {compared} files match what dockgen generates"
        );
    } else {
        let _ = writeln!(
            err,
            "dockgen: {drift} of {compared} files differ from what dockgen generates (run `dockgen init` to update them)"
        );
    }
    (out, err)
}

/// A write or a dry run (`would`): the plan, the answers, each file's status, `.env`, and what next.
fn files(view: &InitView, would: bool, dir: &str) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "{}", plan_summary(view.project, view.plan));
    if !view.answers.is_empty() {
        let _ = writeln!(out, "Answers:");
        for (key, value, origin) in &view.answers {
            let _ = writeln!(
                out,
                "  {key:<16} {} ({})",
                terminal(value),
                terminal(origin)
            );
        }
    }
    if would {
        let _ = writeln!(out, "Would write (nothing was written):");
    }
    for r in view.files {
        let word = status_word(r.status, would);
        let style = if written(r.status) {
            GOOD
        } else {
            Style::new()
        };
        let _ = writeln!(out, "  {style}{word:<11}{style:#} {}", r.path);
    }
    let _ = writeln!(out, "{}", env_file_line(view.env_file));
    if !would && view.files.iter().any(|r| written(r.status)) {
        let _ = write!(out, "{}", next_steps(view, dir));
    }
    out
}

/// Whether the file was written with dockgen's content.
fn written(s: Status) -> bool {
    matches!(s, Status::Created | Status::Updated | Status::Overwritten)
}

/// The line about `.env` in the list of files.
fn env_file_line(e: &EnvFileReport) -> String {
    let secrets = match e.secrets.as_slice() {
        [] => String::new(),
        names => format!(" with fresh random secrets ({})", names.join(", ")),
    };
    match e.status {
        EnvStatus::Created => format!(
            "  {GOOD}{:<11}{GOOD:#} {}{secrets}, readable by you only",
            "created", e.path
        ),
        EnvStatus::WouldCreate => format!("  {:<11} {}{secrets}", "create", e.path),
        EnvStatus::Exists => format!(
            "  {:<11} {} (it exists: dockgen never writes over it; compare it with .env.example)",
            "kept", e.path
        ),
    }
}

/// What to do next, as an ordered checklist: first the values the app cannot start without (each with
/// its line in `.env` and where the code reads it), then the command that starts the stack, the URL, the
/// one-off commands, and `dockgen verify`. When the plan knows the stack cannot work, or values are
/// still unset, there is no "Next:": it says why first, and the list follows as "Then:" (issue 17, 18).
fn next_steps(view: &InitView, dir: &str) -> String {
    let mut out = must_set(view);
    let plan = view.plan;
    let unset = !out.is_empty();
    let steps = checklist(view, dir);
    if !plan.blockers.is_empty() {
        let _ = writeln!(out, "\nThe generated stack will not work yet:");
        for b in &plan.blockers {
            let _ = writeln!(
                out,
                "  - {}\n    fix: {}",
                terminal(&b.problem),
                terminal(&b.fix)
            );
        }
    }
    let heading = match plan.blockers.is_empty() && !unset {
        true => "Next",
        false => "Then",
    };
    if view.targets.compose {
        let _ = writeln!(out, "\n{heading}:");
        for (i, step) in steps.iter().enumerate() {
            let _ = writeln!(out, "  {}. {step}", i + 1);
        }
    }
    out.push_str(&orchestrator_steps(view, dir));
    out
}

/// What the Kubernetes and Swarm targets' files say to do first.
fn orchestrator_steps(view: &InitView, dir: &str) -> String {
    let mut out = String::new();
    let cd = match dir {
        "." => String::new(),
        dir => format!("cd {} && ", terminal(dir)),
    };
    if view.targets.kubernetes {
        let _ = writeln!(
            out,
            "\nKubernetes: {cd}cp deploy/kubernetes/overlays/dev/secrets.env.example deploy/kubernetes/overlays/dev/secrets.env, fill it in, then kubectl apply -k deploy/kubernetes/overlays/dev (each overlay's kustomization.yaml starts with its commands)"
        );
    }
    if view.targets.swarm {
        let _ = writeln!(
            out,
            "\nSwarm: {cd}head stack.yml (its first lines are the commands: the image, the Docker secrets, docker stack deploy)"
        );
    }
    out
}

/// The checklist's steps after the values to set, in order.
fn checklist(view: &InitView, dir: &str) -> Vec<String> {
    let plan = view.plan;
    let cd = match dir {
        "." => String::new(),
        dir => format!("cd {} && ", terminal(dir)),
    };
    let mut steps = vec![format!("start it: {cd}docker compose up --build --wait")];
    let port = view
        .env_on_disk
        .value("WEB_PORT")
        .and_then(|p| p.parse::<u16>().ok())
        .unwrap_or(plan.port);
    steps.push(format!("open http://localhost:{port}/"));
    if let Some(cmd) = &plan.schema_command {
        let words: Vec<String> = cmd
            .iter()
            .map(|w| crate::base::quote::sh_quote(w))
            .collect();
        steps.push(format!(
            "once, to create the tables: {cd}docker compose exec web {}",
            terminal(&words.join(" "))
        ));
    }
    for (what, cmd) in &plan.one_off {
        let words: Vec<String> = cmd
            .iter()
            .map(|w| crate::base::quote::sh_quote(w))
            .collect();
        steps.push(format!(
            "once, {what}: {cd}docker compose run --rm web {}",
            terminal(&words.join(" "))
        ));
    }
    let verify_path = match dir {
        "." => String::new(),
        dir => format!(" {}", terminal(dir)),
    };
    steps.push(format!("check that it works: dockgen verify{verify_path}"));
    steps
}

/// The variables the app cannot start without that nothing generated provides, each with its line in
/// `.env` and where it is read; the secrets a new `.env` got are set, and so is what `.env` already holds.
fn must_set(view: &InitView) -> String {
    let mut out = String::new();
    let env = view.env_file;
    let on_disk = view.env_on_disk;
    let filled = |name: &str| {
        (env.status == EnvStatus::Created && env.secrets.iter().any(|s| s == name))
            || on_disk.value(name).is_some_and(|v| !v.is_empty())
    };
    let must_set: Vec<_> = view
        .plan
        .must_set
        .iter()
        .filter(|m| !filled(&m.name))
        .collect();
    if !must_set.is_empty() {
        let _ = writeln!(
            out,
            "\nThe app cannot start without these, and dockgen cannot supply them: set them in {}",
            env.path
        );
        for m in must_set {
            let line = on_disk
                .get(&m.name)
                .map_or(String::new(), |e| format!("{}:{}, ", env.path, e.line));
            let _ = writeln!(
                out,
                "  {}  ({line}read at {})",
                terminal(&m.name),
                terminal(&m.read_at)
            );
        }
    }
    out
}

/// The directory the files went to, as the user would `cd` to it (`.` for the current directory).
pub fn output_dir(path: &std::path::Path, context_dir: &str) -> String {
    let dir = path.join(context_dir);
    let shown: Vec<String> = dir
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match shown.as_slice() {
        [] => ".".into(),
        _ => dir
            .to_string_lossy()
            .trim_start_matches("./")
            .trim_end_matches("/.")
            .to_string(),
    }
}

/// A unified diff with its lines coloured as git does (removed red, added green, hunk headers cyan,
/// file headers bold); anstream strips the colour when it is off.
pub fn styled_diff(diff: &str) -> String {
    let mut out = String::with_capacity(diff.len());
    for line in diff.split_inclusive('\n') {
        let style = if line.starts_with("+++ ") || line.starts_with("--- ") {
            Style::new().bold()
        } else if line.starts_with("@@") {
            AnsiColor::Cyan.on_default()
        } else if line.starts_with('+') {
            AnsiColor::Green.on_default()
        } else if line.starts_with('-') {
            AnsiColor::Red.on_default()
        } else {
            Style::new()
        };
        let (text, end) = match line.strip_suffix('\n') {
            Some(t) => (t, "\n"),
            None => (line, ""),
        };
        if style == Style::new() {
            out.push_str(line);
        } else {
            let _ = write!(out, "{style}{text}{style:#}{end}");
        }
    }
    out
}

#[cfg(test)]
mod wrap_tests {
    use super::wrap;

    const HEAD: &str = "  framework         django                       ";

    #[test]
    fn a_row_that_fits_is_left_alone() {
        let field = "manage.py: manage.py and a django dependency";
        assert_eq!(wrap(HEAD, field, 120), format!("{HEAD}{field}"));
    }

    #[test]
    fn continuations_hang_under_the_field_and_words_stay_whole() {
        let out = wrap(HEAD, "manage.py: manage.py and a django dependency", 80);
        assert_eq!(
            out,
            format!(
                "{HEAD}manage.py: manage.py and a\n{}django dependency",
                " ".repeat(49)
            )
        );
    }

    #[test]
    fn a_field_without_room_starts_under_the_value_column() {
        let out = wrap(HEAD, "from .python-version: pinned in .python-version", 60);
        let pad = " ".repeat(20);
        assert_eq!(
            out,
            format!(
                "  framework         django\n{pad}from .python-version: pinned in\n{pad}.python-version"
            )
        );
    }

    #[test]
    fn a_word_longer_than_the_room_is_not_split() {
        let long = "os.environ.setdefault(\"DJANGO_SETTINGS_MODULE\",";
        let out = wrap(
            "  settings          ",
            &format!("manage.py:9: {long} ..."),
            50,
        );
        assert!(out.lines().any(|l| l.trim() == long), "{out}");
    }

    #[test]
    fn a_very_narrow_terminal_indents_four() {
        let out = wrap(HEAD, "manage.py: manage.py and a django dependency", 30);
        for l in out.lines().skip(1) {
            assert!(l.starts_with("    ") && !l.starts_with("     "), "{out}");
        }
    }
}
