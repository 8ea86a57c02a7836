//! Rendering: Plan -> file contents, in memory. Pure: reads no project files, writes nothing.
//!
//! Templates are embedded from `templates/python/` with include_dir. Autoescaping is off (these are not
//! HTML) and undefined variables are errors. Quoting is done by filters, so values from the user's
//! project reach YAML, JSON and shell quoted: `yaml` (a JSON string, which YAML reads as a double-quoted
//! scalar), `compose` (the same, with `$` escaped from compose interpolation), `json_array` and
//! `compose_array` for exec-form commands, `dockerfile_value` for `ENV` values, `dockerfile_path` for
//! `COPY`/`WORKDIR` paths, `dotenv_comment` and `dotenv_value` for `.env.example` lines (all in
//! [`crate::base::quote`]).
//! Output is normalised: LF newlines, no more than one blank line in a row, exactly one trailing newline.
//! Each output's header line then gets dockgen's stamp (`ownership::stamp`), so a later run can tell it
//! was not edited.

use crate::base::diag::Diagnostics;
use std::collections::BTreeMap;

use include_dir::{Dir, include_dir};
use tera::{Kwargs, State, Tera};

use crate::base::error::{Error, Result};
use crate::base::quote;
use crate::orchestrate::Orchestration;
use crate::plan::{Plan, compose_literal};

static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates/python");

/// Template file name -> generated file name (relative to the build context).
pub const OUTPUTS: &[(&str, &str)] = &[
    ("Dockerfile.tera", "Dockerfile"),
    ("entrypoint.sh.tera", "entrypoint.sh"),
    ("dockerignore.tera", ".dockerignore"),
    ("docker-compose.yml.tera", "docker-compose.yml"),
    ("env.example.tera", ".env.example"),
];

/// The generated files that must be executable.
pub const EXECUTABLE: &[&str] = &["entrypoint.sh"];

/// The built-in templates, by file name.
pub fn builtin_templates() -> BTreeMap<String, String> {
    TEMPLATES
        .files()
        .filter_map(|f| {
            Some((
                f.path().to_string_lossy().into_owned(),
                f.contents_utf8()?.to_string(),
            ))
        })
        .collect()
}

/// `["a", "b"]`: a JSON array that is also a YAML flow sequence, each item escaped for both.
fn flow_array<'a>(items: impl Iterator<Item = &'a str>) -> String {
    let items: Vec<String> = items.map(quote::yaml_string).collect();
    format!("[{}]", items.join(", "))
}

/// A set of templates: the built-in ones, each possibly replaced by a team's fork.
#[derive(Debug, Clone)]
pub struct Templates {
    /// Template name -> text.
    pub text: BTreeMap<String, String>,
    /// Template name -> the path shown in errors, for templates read from a directory.
    pub shown: BTreeMap<String, String>,
}

impl Default for Templates {
    fn default() -> Self {
        Templates {
            text: builtin_templates(),
            shown: BTreeMap::new(),
        }
    }
}

impl Templates {
    /// The built-in templates overlaid, file by file, with the `*.tera` files of `dir` (`shown` is how
    /// the directory is named in messages). A fork's extra `.tera` files are loaded too, for
    /// `{% include %}`; they are reported in `warnings` because a misspelt name would otherwise be
    /// silently ignored.
    /// Every file must be a regular file (a link could name `/proc/self/environ`, and `init --check`
    /// would print it), read with the bounded reads.
    pub fn overlay(dir: &std::path::Path, shown: &str, warnings: &mut Diagnostics) -> Result<Self> {
        let mut t = Templates::default();
        let entries = std::fs::read_dir(dir).map_err(|source| Error::TemplatesDir {
            path: shown.to_string(),
            source,
        })?;
        let mut names: Vec<(String, bool)> = entries
            .filter_map(|e| e.ok())
            .filter_map(|e| {
                let link = e.file_type().is_ok_and(|t| t.is_symlink());
                Some((e.file_name().to_str()?.to_string(), link))
            })
            .filter(|(n, _)| n.ends_with(".tera"))
            .collect();
        names.sort();
        for (name, link) in names {
            let shown_path = format!("{}/{name}", shown.trim_end_matches('/'));
            if link {
                return Err(Error::NotAFile {
                    path: shown_path.into(),
                    kind: "a symbolic link",
                }
                .with_hint(
                    "a fork's templates must be regular files: copy the file in place of the link",
                ));
            }
            let text = crate::base::fs::read_text(
                &dir.join(&name),
                std::path::Path::new(&shown_path),
                crate::base::fs::limit::TEMPLATE,
            )?;
            if !t.text.contains_key(&name) {
                warnings.warn(format!(
                    "`{}` is not one of the built-in templates ({}); it is only used where another template includes it",
                    quote::terminal(&shown_path),
                    OUTPUTS.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(", ")
                ));
            }
            t.text.insert(name.clone(), text);
            t.shown.insert(name, shown_path);
        }
        Ok(t)
    }
}

fn engine(templates: &Templates) -> Result<Tera> {
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    tera.register_filter("yaml", |v: &str, _: Kwargs, _: &State| {
        quote::yaml_string(v)
    });
    tera.register_filter("compose", |v: &str, _: Kwargs, _: &State| {
        quote::yaml_string(&compose_literal(v))
    });
    tera.register_filter("json_array", |v: Vec<String>, _: Kwargs, _: &State| {
        flow_array(v.iter().map(String::as_str))
    });
    tera.register_filter("compose_array", |v: Vec<String>, _: Kwargs, _: &State| {
        let escaped: Vec<String> = v.iter().map(|s| compose_literal(s)).collect();
        flow_array(escaped.iter().map(String::as_str))
    });
    // A word for `sh -c` (a shell-form RUN): single-quoted unless it is plainly safe.
    tera.register_filter("sh", |v: &str, _: Kwargs, _: &State| {
        crate::base::quote::sh_quote(v)
    });
    // Dockerfile instructions expand `$VAR` in paths: escape it so a directory named `a$b` stays literal.
    tera.register_filter("dockerfile_path", |v: &str, _: Kwargs, _: &State| {
        quote::dockerfile_path(v)
    });
    tera.register_filter("dockerfile_value", |v: &str, _: Kwargs, _: &State| {
        quote::dockerfile_value(v)
    });
    // A comment line in `.env.example`: a line break in a value would start an active assignment.
    tera.register_filter("dotenv_comment", |v: &str, _: Kwargs, _: &State| {
        quote::dotenv_comment(v)
    });
    // A value in `.env.example`: one line, whatever it holds.
    tera.register_filter("dotenv_value", |v: &str, _: Kwargs, _: &State| {
        quote::dotenv_value(v)
    });
    // All at once: added one by one, an `{% include %}` found only the templates added before it.
    tera.add_raw_templates(&templates.text)
        .map_err(|e| template_error(templates, "(templates)", e))?;
    Ok(tera)
}

/// A template error naming the file as the user knows it (a fork's path), with tera's line:column
/// report rewritten to that path.
fn template_error(templates: &Templates, name: &str, e: tera::Error) -> Error {
    let template = name;
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    if let Some(rest) = message.strip_prefix("error: ") {
        message = rest.to_string();
    }
    for (n, shown) in &templates.shown {
        message = message.replace(&format!("--> {n}:"), &format!("--> {shown}:"));
    }
    // The template the report points at (an included one may be the culprit).
    let at = message
        .split_once("--> ")
        .and_then(|(_, rest)| rest.split(':').next())
        .map(str::to_string);
    let name = at
        .filter(|a| templates.shown.values().any(|s| s == a) || templates.text.contains_key(a))
        .unwrap_or_else(|| {
            templates
                .shown
                .get(name)
                .cloned()
                .unwrap_or(name.to_string())
        });
    let error = Error::Template {
        name,
        message: bounded_lines(&message),
    };
    match renamed_hint(&error, template) {
        Some(hint) => error.with_hint(hint),
        None => error,
    }
}

/// For a fork that uses a variable its context does not have: the name it was renamed to, the other
/// file's context that has it, or why it was removed.
fn renamed_hint(e: &Error, template: &str) -> Option<String> {
    let Error::Template { message, .. } = e else {
        return None;
    };
    let var = message
        .split_once("Variable `")?
        .1
        .split_once("` is not defined")?
        .0;
    let listed = "(`dockgen templates context` lists every file's variables)";
    if let Some((old, new, version)) = crate::plan::RENAMED.iter().find(|(old, _, _)| *old == var) {
        return Some(format!(
            "`{old}` was renamed to `{new}` in template context version {version}: rename it in your fork {listed}"
        ));
    }
    if let Some((_, why)) = crate::output::contexts::REMOVED
        .iter()
        .find(|(name, _)| *name == var)
    {
        return Some(format!(
            "`{var}` was removed in template context version 3: {why} {listed}"
        ));
    }
    let elsewhere: Vec<String> = crate::output::contexts::templates_with(var)
        .into_iter()
        .filter(|t| *t != template)
        .map(|t| format!("`{t}`"))
        .collect();
    if elsewhere.is_empty() {
        return None;
    }
    Some(format!(
        "since template context version 3 each file has its own context: `{var}` is in the context of {} only {listed}",
        elsewhere.join(" and ")
    ))
}

/// Normalises generated text: LF newlines, trailing spaces trimmed, at most one blank line in a row,
/// exactly one trailing newline.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.replace("\r\n", "\n").lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// How long rendering may take, and how large one generated file may be: a fork can loop or grow
/// without bound, and the built-in templates take milliseconds and a few kilobytes. Memory has a
/// budget too ([`MEMORY_BUDGET`]).
pub const TIME_BUDGET: std::time::Duration = std::time::Duration::from_secs(10);
pub const SIZE_BUDGET: usize = 1024 * 1024;
/// Longest line of a template error shown (tera quotes the template's line, which may be huge).
const MAX_ERROR_LINE: usize = 300;

/// Each line of `message` cut at [`MAX_ERROR_LINE`] characters, saying how much was left out.
fn bounded_lines(message: &str) -> String {
    message
        .split('\n')
        .map(|l| match l.char_indices().nth(MAX_ERROR_LINE) {
            Some((i, _)) => format!("{}... ({} more bytes)", &l[..i], l.len() - i),
            None => l.to_string(),
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A writer that refuses to grow past [`SIZE_BUDGET`] bytes.
struct Bounded<'a> {
    out: Vec<u8>,
    over: &'a std::cell::Cell<bool>,
}

impl std::io::Write for Bounded<'_> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.out.len() + buf.len() > SIZE_BUDGET {
            self.over.set(true);
            return Err(std::io::Error::other("over the size budget"));
        }
        self.out.extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Renders one output within the size budget.
fn render_one(
    tera: &Tera,
    templates: &Templates,
    template: &str,
    context: &tera::Context,
) -> Result<String> {
    let over = std::cell::Cell::new(false);
    let mut w = Bounded {
        out: Vec::new(),
        over: &over,
    };
    match tera.render_to(template, context, &mut w) {
        Ok(()) => Ok(normalize(&String::from_utf8_lossy(&w.out))),
        Err(_) if over.get() => Err(Error::Template {
            name: shown_name(templates, template),
            message: format!("the output grew over {SIZE_BUDGET} bytes; rendering was stopped"),
        }),
        Err(e) => Err(template_error(templates, template, e)),
    }
}

fn shown_name(templates: &Templates, template: &str) -> String {
    templates
        .shown
        .get(template)
        .cloned()
        .unwrap_or(template.to_string())
}

/// Renders every output with the given templates (built-in ones overlaid by a team's, by file name),
/// within [`TIME_BUDGET`] and [`SIZE_BUDGET`], each stamped in its header line (see
/// [`crate::output::ownership`]). The compose target's files only; [`render_targets`] adds the others.
pub fn render_with(plan: &Plan, templates: &Templates) -> Result<BTreeMap<String, String>> {
    render_within(plan, templates, TIME_BUDGET)
}

/// [`render_with`] for the given deployment targets: the image's files always, the compose file for
/// `compose`, and each orchestrator's files from its own context ([`crate::orchestrate`]).
pub fn render_targets(
    plan: &Plan,
    orchestration: &Orchestration,
    templates: &Templates,
) -> Result<BTreeMap<String, String>> {
    render_jobs(jobs(plan, orchestration)?, templates, TIME_BUDGET)
}

/// [`render_with`] with another time budget (tests use a short one).
pub fn render_within(
    plan: &Plan,
    templates: &Templates,
    budget: std::time::Duration,
) -> Result<BTreeMap<String, String>> {
    render_jobs(jobs(plan, &Orchestration::default())?, templates, budget)
}

/// One file to render: its template, its name, and the context it renders with.
struct Job {
    template: &'static str,
    file: String,
    context: tera::Context,
}

/// The files the targets ask for, each with its context: the plan for the image's and compose's files,
/// the orchestrators' own contexts for theirs.
fn jobs(plan: &Plan, orchestration: &Orchestration) -> Result<Vec<Job>> {
    let targets = orchestration.targets;
    let mut contexts = tera_contexts(plan)?;
    let mut jobs: Vec<Job> = OUTPUTS
        .iter()
        .filter(|(_, file)| targets.compose || *file != crate::plan::DEFAULT_COMPOSE_FILE)
        .map(|(template, file)| Job {
            template,
            file: named(plan, file.to_string()),
            context: contexts.remove(template).unwrap_or_default(),
        })
        .collect();
    // The compose file's front proxy has its configuration beside it.
    let proxy = crate::orchestrate::proxy::compose_output(plan).filter(|_| targets.compose);
    for o in proxy
        .into_iter()
        .chain(crate::orchestrate::outputs(plan, orchestration)?)
    {
        let context = tera::Context::from_serialize(&o.context).map_err(|e| Error::Template {
            name: o.template.into(),
            message: e.to_string(),
        })?;
        jobs.push(Job {
            template: o.template,
            file: o.file,
            context,
        });
    }
    Ok(jobs)
}

/// Renders the jobs on a thread of their own, within the time, size and memory budgets.
fn render_jobs(
    jobs: Vec<Job>,
    templates: &Templates,
    budget: std::time::Duration,
) -> Result<BTreeMap<String, String>> {
    let tera = engine(templates)?;
    let (tx, rx) = std::sync::mpsc::channel();
    let forked = templates.clone();
    let names: Vec<&'static str> = jobs.iter().map(|j| j.template).collect();
    // On a thread of its own so a template that never ends can be abandoned (the process exits).
    std::thread::spawn(move || {
        for job in jobs {
            let result = render_one(&tera, &forked, job.template, &job.context);
            if tx.send((job.file, result)).is_err() {
                return;
            }
        }
    });
    let deadline = std::time::Instant::now() + budget;
    let memory_at_start = resident_bytes();
    let mut out = BTreeMap::new();
    for template in names {
        let stopped = |why: String| Error::Template {
            name: shown_name(templates, template),
            message: format!("{why}; it was stopped"),
        };
        loop {
            let left = deadline.saturating_duration_since(std::time::Instant::now());
            match rx.recv_timeout(left.min(POLL)) {
                Ok((file, result)) => {
                    out.insert(file, crate::output::ownership::stamp(&result?));
                    break;
                }
                Err(_) if left.is_zero() => {
                    return Err(stopped(format!(
                        "rendering took longer than {:.1} s (a loop that does not end?)",
                        budget.as_secs_f64()
                    )));
                }
                Err(std::sync::mpsc::RecvTimeoutError::Disconnected) => {
                    return Err(stopped("rendering failed".into()));
                }
                Err(_) => {
                    if let (Some(start), Some(now)) = (memory_at_start, resident_bytes())
                        && now > start + MEMORY_BUDGET
                    {
                        return Err(stopped(format!(
                            "rendering used over {} MiB of memory (a string that keeps growing?)",
                            MEMORY_BUDGET >> 20
                        )));
                    }
                }
            }
        }
    }
    Ok(out)
}

/// The generated file's name: the compose file is named by the plan (`compose.yaml` and the like).
fn named(plan: &Plan, file: String) -> String {
    if file == crate::plan::DEFAULT_COMPOSE_FILE {
        plan.compose_file.clone()
    } else {
        file
    }
}

/// Each template's context, as tera takes it.
fn tera_contexts(plan: &Plan) -> Result<BTreeMap<&'static str, tera::Context>> {
    let mut contexts = BTreeMap::new();
    for (template, value) in crate::output::contexts::contexts(plan) {
        let context = tera::Context::from_serialize(&value).map_err(|e| Error::Template {
            name: format!("(the context of {template})"),
            message: e.to_string(),
        })?;
        contexts.insert(template, context);
    }
    Ok(contexts)
}

/// How much more memory rendering may use than the process had before: the built-in templates need
/// well under a megabyte, and a fork can double a string in a loop (`set_global s = s ~ s`).
pub const MEMORY_BUDGET: u64 = 256 * 1024 * 1024;
/// How often the waiting thread checks the memory budget.
const POLL: std::time::Duration = std::time::Duration::from_millis(5);

/// The process's resident memory, where the system says (Linux's /proc); `None` elsewhere, where only
/// the time and size budgets apply.
fn resident_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Renders with the built-in templates.
pub fn render(plan: &Plan) -> Result<BTreeMap<String, String>> {
    render_with(plan, &Templates::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_output_has_a_builtin_template() {
        let t = builtin_templates();
        for (template, _) in OUTPUTS {
            assert!(t.contains_key(*template), "{template}");
        }
        let orchestrators: Vec<&str> = crate::orchestrate::kubernetes::templates()
            .chain(crate::orchestrate::swarm::templates())
            .collect();
        for template in &orchestrators {
            assert!(t.contains_key(*template), "{template}");
        }
        assert_eq!(
            t.len(),
            OUTPUTS.len() + orchestrators.len(),
            "no stray templates"
        );
    }

    #[test]
    fn normalize_collapses_blank_lines_and_ends_with_one_newline() {
        assert_eq!(normalize("\n\na  \n\n\n\nb\r\n\n\n"), "a\n\nb\n");
    }
}
