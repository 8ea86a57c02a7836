//! A property test (issue 12): hostile names and values at every place a project value lands
//! (directory and module names, environment variable names and defaults, requirement file names, the
//! project's and a uv workspace member's name, the Django settings module, Procfile queues, `.flaskenv`,
//! the project directory's own name). Each case builds a small project, runs detect + plan + render,
//! and checks that every generated file keeps the structure the same project with a harmless value
//! gives (the Dockerfile's instruction list, compose's services, `.env.example`'s assignments,
//! entrypoint.sh's shape), or that detection refused the value with a clear, one-line error.
//!
//! Issue 19 adds the values traced from the code (the separator ALLOWED_HOSTS is split on, the value
//! DEBUG is compared with) and answers given as flags or saved in `dockgen.toml`, and checks more of
//! each file: no control, bidirectional or ESC character anywhere, no interpolation in compose that the
//! harmless run lacks, and no assignment in `.env` that it lacks.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use proptest::prelude::*;
use proptest::test_runner::{Config, TestRunner};

use dockgen::Error;
use dockgen::base::quote::has_hostile_char;
use dockgen::detect::detect;
use dockgen::init::answers::{self, Key, Layer};
use dockgen::output::render::render;
use dockgen::plan::{PlanOptions, plan};

use crate::support::fixtures;

/// Pieces hostile values are made of: line breaks, escape sequences, C1 controls, separators,
/// interpolation in every syntax the files use, quotes and YAML/shell/Dockerfile punctuation.
const PIECES: &[&str] = &[
    "\n",
    "\r\n",
    "\u{1b}[31m",
    "\u{1b}]0;x\u{7}",
    "\u{9b}",
    "\u{85}",
    "\u{2028}",
    "\u{202e}",
    "\u{7f}",
    "\t",
    "$HOME",
    "${X}",
    "$$",
    "$(id)",
    "`id`",
    "\"",
    "'",
    "\\",
    " ",
    "#",
    ": ",
    "- ",
    "{{ port }}",
    "{%",
    "%",
    ";",
    "&&",
    "=",
    "*",
    "é",
    "app",
    "x1",
    "_",
    ".",
    "-",
    "COMPOSE_FILE=evil.yml",
    "\nRUN touch /pwned",
    "\nhint: run with --force",
];

/// Where the value goes.
#[derive(Debug, Clone, Copy)]
enum Place {
    AppDir,
    EnvName,
    EnvDefault,
    RequirementFile,
    ProjectName,
    SettingsModule,
    RqQueue,
    FlaskEnv,
    WorkspaceMember,
    ProjectDirName,
    /// `ALLOWED_HOSTS = os.environ.get(...).split(v)`.
    HostsSeparator,
    /// `DEBUG = os.environ.get(...) == v`.
    DebugValue,
    /// An answer given as a flag or variable (the layer they share).
    Answer(Key),
    /// An answer saved in `dockgen.toml`.
    Saved(Key),
}

const PLACES: &[Place] = &[
    Place::AppDir,
    Place::EnvName,
    Place::EnvDefault,
    Place::RequirementFile,
    Place::ProjectName,
    Place::SettingsModule,
    Place::RqQueue,
    Place::FlaskEnv,
    Place::WorkspaceMember,
    Place::ProjectDirName,
    Place::HostsSeparator,
    Place::DebugValue,
    Place::Answer(Key::MigrateCommand),
    Place::Answer(Key::HealthPath),
    Place::Answer(Key::ForwardedAllowIps),
    Place::Answer(Key::WorkerClass),
    Place::Answer(Key::Memory),
    Place::Saved(Key::MigrateCommand),
    Place::Saved(Key::HealthPath),
    Place::Saved(Key::Entrypoint),
];

/// The answer at `place` and the text it is given: `v` where the answer takes any text, `v` after a
/// valid start where its form needs one (a URL path starts with `/`).
fn answer_value(place: Place, v: &str) -> Option<(Key, String)> {
    match place {
        Place::Answer(Key::HealthPath) | Place::Saved(Key::HealthPath) => {
            Some((Key::HealthPath, format!("/{v}")))
        }
        Place::Answer(key) | Place::Saved(key) => Some((key, v.to_string())),
        _ => None,
    }
}

/// The harmless value the run with `v` is compared with.
fn harmless(place: Place) -> &'static str {
    match place {
        Place::Answer(Key::ForwardedAllowIps) => "127.0.0.1",
        Place::Answer(Key::WorkerClass) => "sync",
        Place::Answer(Key::Memory) => "512m",
        Place::Saved(Key::Entrypoint) => "app:app",
        Place::HostsSeparator => ",",
        _ => "safe1",
    }
}

/// A Django project whose settings read ALLOWED_HOSTS and DEBUG from the environment.
fn django_settings(settings: String) -> Vec<(String, Vec<u8>)> {
    let f = |p: &str, t: &str| (p.to_string(), t.as_bytes().to_vec());
    vec![
        f("requirements.txt", "django\ngunicorn\npsycopg2-binary\n"),
        f(
            "manage.py",
            "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", \"config.settings\")\n",
        ),
        f("config/__init__.py", ""),
        (
            "config/settings.py".into(),
            format!("import os\nWSGI_APPLICATION = \"config.wsgi.application\"\n{settings}\n")
                .into_bytes(),
        ),
        f(
            "config/wsgi.py",
            "from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n",
        ),
    ]
}

fn py_string(v: &str) -> String {
    let mut out = String::from("\"");
    for c in v.chars() {
        match c {
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn toml_string(v: &str) -> String {
    serde_json::to_string(v)
        .unwrap()
        .replace('\u{7f}', "\\u007f")
}

const FLASK_APP: &str = "import os\nfrom flask import Flask\napp = Flask(__name__)\n";

/// The project for `value` at `place`: files, and the directory the project sits in (its name is a
/// place too).
fn project_files(place: Place, v: &str) -> (Vec<(String, Vec<u8>)>, String) {
    let f = |p: &str, t: String| (p.to_string(), t.into_bytes());
    let reqs = "flask\ngunicorn\npsycopg2-binary\nredis\nrq\n".to_string();
    let app_reading = |line: String| format!("{FLASK_APP}{line}\n");
    let files = match place {
        Place::AppDir => vec![
            f("requirements.txt", reqs),
            (format!("{v}/app.py"), app_reading(String::new()).into_bytes()),
        ],
        Place::EnvName => vec![
            f("requirements.txt", reqs),
            f("app.py", app_reading(format!("SECRET = os.environ[{}]", py_string(v)))),
        ],
        Place::EnvDefault => vec![
            f("requirements.txt", reqs),
            f(
                "app.py",
                app_reading(format!(
                    "DB = os.getenv(\"DATABASE_URL\", {0})\nMODE = os.getenv(\"APP_MODE\", {0})",
                    py_string(v)
                )),
            ),
        ],
        Place::RequirementFile => vec![
            f("requirements.txt", format!("flask\ngunicorn\n-r {v}.txt\n")),
            (format!("{v}.txt"), b"psycopg2-binary\n".to_vec()),
            f("app.py", app_reading(String::new())),
        ],
        Place::ProjectName => vec![
            f(
                "pyproject.toml",
                format!(
                    "[project]\nname = {}\nversion = \"1\"\ndependencies = [\"flask\", \"gunicorn\"]\n",
                    toml_string(v)
                ),
            ),
            f("app.py", app_reading(String::new())),
        ],
        Place::SettingsModule => vec![
            f("requirements.txt", "django\ngunicorn\n".into()),
            f(
                "manage.py",
                format!(
                    "import os\nos.environ.setdefault(\"DJANGO_SETTINGS_MODULE\", {})\n",
                    py_string(&format!("{v}.settings"))
                ),
            ),
            (format!("{v}/__init__.py"), vec![]),
            (
                format!("{v}/settings.py"),
                format!("WSGI_APPLICATION = {}\n", py_string(&format!("{v}.wsgi.application")))
                    .into_bytes(),
            ),
            (
                format!("{v}/wsgi.py"),
                b"from django.core.wsgi import get_wsgi_application\napplication = get_wsgi_application()\n"
                    .to_vec(),
            ),
        ],
        Place::RqQueue => vec![
            f("requirements.txt", reqs),
            f("app.py", app_reading(String::new())),
            f("Procfile", format!("web: gunicorn app:app\nworker: rq worker {v}\n")),
        ],
        Place::FlaskEnv => vec![
            f("requirements.txt", reqs),
            f("app.py", format!("{FLASK_APP}def create_app(name):\n    return app\n")),
            f(".flaskenv", format!("FLASK_APP=app:create_app({})\n", py_string(v))),
        ],
        Place::WorkspaceMember => workspace(v),
        Place::HostsSeparator => django_settings(format!(
            "ALLOWED_HOSTS = os.environ.get(\"DJANGO_ALLOWED_HOSTS\").split({})",
            py_string(v)
        )),
        Place::DebugValue => django_settings(format!(
            "DEBUG = os.environ.get(\"DJANGO_DEBUG\") == {}",
            py_string(v)
        )),
        Place::Answer(_) => vec![
            f("requirements.txt", reqs),
            f("app.py", app_reading(String::new())),
        ],
        Place::Saved(key) => vec![
            f("requirements.txt", reqs),
            f("app.py", app_reading(String::new())),
            f(
                "dockgen.toml",
                format!(
                    "{key} = {}\n",
                    toml_string(&answer_value(place, v).unwrap().1)
                ),
            ),
        ],
        Place::ProjectDirName => vec![
            f("requirements.txt", reqs),
            f("app.py", app_reading(String::new())),
        ],
    };
    let dir = match place {
        Place::ProjectDirName => v.to_string(),
        _ => "project".to_string(),
    };
    (files, dir)
}

/// The uv-workspace fixture with the web member renamed.
fn workspace(v: &str) -> Vec<(String, Vec<u8>)> {
    let root = fixtures().join("uv-workspace");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
                continue;
            }
            let rel = p
                .strip_prefix(&root)
                .unwrap()
                .to_string_lossy()
                .into_owned();
            let mut bytes = std::fs::read(&p).unwrap();
            if rel == "apps/web/pyproject.toml" {
                let text = String::from_utf8(bytes).unwrap();
                bytes = text
                    .replacen("name = \"web\"", &format!("name = {}", toml_string(v)), 1)
                    .into_bytes();
            }
            out.push((rel, bytes));
        }
    }
    out
}

/// What the generated files are made of, for comparing with the harmless run.
#[derive(Debug, PartialEq)]
struct Shape {
    instructions: Vec<String>,
    services: Vec<String>,
    assignments: Vec<String>,
    entrypoint_lines: usize,
    /// The variables compose interpolates (`${NAME...}`, `$NAME`; `$$` is a literal `$`).
    interpolated: BTreeSet<String>,
    /// The names `.env` (as `init` writes it) assigns.
    dotenv: Vec<String>,
}

/// The variables compose would interpolate in `text`.
fn interpolations(text: &str) -> BTreeSet<String> {
    let b = text.as_bytes();
    let mut out = BTreeSet::new();
    let mut i = 0;
    while i < b.len() {
        if b[i] != b'$' {
            i += 1;
            continue;
        }
        match b.get(i + 1) {
            Some(b'$') => i += 2,
            Some(b'{') => {
                let name: String = text[i + 2..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                out.insert(name);
                i += 2;
            }
            _ => {
                let name: String = text[i + 1..]
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                out.insert(format!("${name}"));
                i += 1;
            }
        }
    }
    out
}

/// The names a `.env` text assigns (comment lines left out).
fn env_names(text: &str, file: &str) -> Result<Vec<String>, String> {
    let mut out = Vec::new();
    for l in text.lines() {
        if l.trim_start().starts_with('#') || l.trim().is_empty() {
            continue;
        }
        let name = l.split('=').next().unwrap_or("");
        dockgen::base::valid::env_name(name).map_err(|e| format!("{file}: {e}: {l:?}"))?;
        out.push(name.to_string());
    }
    Ok(out)
}

/// The Dockerfile's instructions in order (continuations joined, comments skipped, as Docker reads it).
fn instructions(dockerfile: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut continued = false;
    for line in dockerfile.lines() {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if !continued {
            out.push(t.split_whitespace().next().unwrap_or("").to_string());
        }
        continued = line.trim_end().ends_with('\\');
    }
    out
}

/// YAML 1.2's printable characters (c-printable): compose's parser refuses a file with any other raw.
fn yaml_printable(c: char) -> bool {
    matches!(c, '\t' | '\n' | '\r' | '\u{20}'..='\u{7e}' | '\u{85}' | '\u{a0}'..='\u{d7ff}' | '\u{e000}'..='\u{fffd}')
        || c >= '\u{10000}'
}

/// A `$` Docker would expand in an instruction that expands variables, other than the template's own.
fn unescaped_dollar(dockerfile: &str) -> Option<String> {
    let expanding = [
        "COPY", "ADD", "WORKDIR", "ENV", "USER", "EXPOSE", "LABEL", "FROM", "ARG",
    ];
    let mut continued = false;
    let mut current = "";
    for line in dockerfile.lines() {
        let t = line.trim_start();
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if !continued {
            current = t.split_whitespace().next().unwrap_or("");
        }
        continued = line.trim_end().ends_with('\\');
        if !expanding.contains(&current) {
            continue;
        }
        for (i, _) in line.match_indices('$') {
            let escaped = i > 0 && line.as_bytes()[i - 1] == b'\\';
            let ours = ["$PATH", "${PYTHON_VERSION}"]
                .iter()
                .any(|o| line[i..].starts_with(o));
            if !escaped && !ours {
                return Some(line.to_string());
            }
        }
    }
    None
}

fn shape(files: &BTreeMap<String, String>) -> Result<Shape, String> {
    for (name, text) in files {
        if let Some(c) = text
            .chars()
            .find(|c| *c != '\n' && *c != '\t' && dockgen::base::quote::is_hostile_char(*c))
        {
            return Err(format!("{name} has a raw {c:?}"));
        }
    }
    let compose = &files["docker-compose.yml"];
    if let Some(c) = compose.chars().find(|c| !yaml_printable(*c)) {
        return Err(format!(
            "docker-compose.yml has a raw {c:?}, which YAML does not allow"
        ));
    }
    if let Some(line) = unescaped_dollar(&files["Dockerfile"]) {
        return Err(format!(
            "Docker would expand a `$` from the project: {line}"
        ));
    }
    let docs = yaml_rust2::YamlLoader::load_from_str(compose)
        .map_err(|e| format!("docker-compose.yml is not YAML: {e}\n{compose}"))?;
    if docs.len() != 1 {
        return Err(format!("{} YAML documents", docs.len()));
    }
    let services = docs[0]["services"]
        .as_hash()
        .ok_or("no services")?
        .keys()
        .map(|k| k.as_str().unwrap_or("?").to_string())
        .collect();
    let dockerfile = &files["Dockerfile"];
    let cmd = dockerfile
        .lines()
        .find(|l| l.starts_with("CMD "))
        .ok_or("no CMD")?;
    serde_json::from_str::<Vec<String>>(&cmd[4..]).map_err(|e| format!("CMD is not JSON: {e}"))?;
    Ok(Shape {
        instructions: instructions(dockerfile),
        services,
        assignments: env_names(&files[".env.example"], ".env.example")?,
        entrypoint_lines: files["entrypoint.sh"].lines().count(),
        interpolated: interpolations(compose),
        dotenv: env_names(&files[".env"], ".env")?,
    })
}

/// Detect + plan + render in a fresh directory.
fn generate(place: Place, v: &str) -> Result<BTreeMap<String, String>, dockgen::Error> {
    let (files, dir) = project_files(place, v);
    let tmp = tempfile::tempdir().unwrap();
    // Two levels down, so a directory named `..` (or an app directory `..` above it) stays inside the
    // temporary directory instead of writing the project into its parent.
    let root: PathBuf = tmp.path().join("in/project").join(&dir);
    for (rel, bytes) in &files {
        let p = root.join(rel);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, bytes).unwrap();
    }
    std::fs::create_dir_all(&root).unwrap();
    // Answers through the layers `init` reads: flags (here), then dockgen.toml.
    let mut flags = Layer::default();
    if let (Place::Answer(_), Some((key, value))) = (place, answer_value(place, v)) {
        flags
            .answers
            .set(key, &value)
            .map_err(|message| Error::Usage { message })?;
    }
    let merged = answers::layers(&root, &flags, &Layer::default())?.merged;
    let p = detect(&root, &merged.answers.detect_options(&merged.origins))?;
    let opts = PlanOptions {
        name_hint: Some(dir.clone()),
        ..merged.answers.plan_options(Some(dir.clone()))
    };
    let plan = plan(&p, &opts)?;
    let mut files = render(&plan)?;
    let (dotenv, _) =
        dockgen::output::dotenv::content(&plan, Some((1000, 1000)), || Ok("s3cret".into()))?;
    files.insert(".env".into(), dotenv);
    Ok(files)
}

/// A refusal must be clear: one line, no raw control characters, short; so must its hint's lines.
fn clear(e: &dockgen::Error) -> Result<(), String> {
    let shown = e.to_string();
    if shown.contains('\n') || has_hostile_char(&shown) || shown.len() > 2_000 {
        return Err(format!("unclear error: {shown:?}"));
    }
    if let Some(h) = e.hint()
        && h.split('\n').any(has_hostile_char)
    {
        return Err(format!("unclear hint: {h:?}"));
    }
    Ok(())
}

fn check(place: Place, v: &str) -> Result<(), String> {
    // An app directory named `.` is the project's root: the app sits beside requirements.txt, a
    // different (and harmless) project, whose own baseline is the root app.
    let harmless = match place {
        Place::AppDir if v == "." => ".",
        _ => harmless(place),
    };
    let baseline = generate(place, harmless).map_err(|e| format!("baseline failed: {e}"))?;
    let expected = shape(&baseline)?;
    let files = match generate(place, v) {
        Ok(files) => files,
        Err(e) => return clear(&e),
    };
    let got = shape(&files)?;
    if got.instructions != expected.instructions {
        return Err(format!(
            "Dockerfile instructions changed: {:?}\n{}",
            got.instructions, files["Dockerfile"]
        ));
    }
    if got.services != expected.services || got.entrypoint_lines != expected.entrypoint_lines {
        return Err(format!(
            "compose or entrypoint.sh changed shape: {got:?} vs {expected:?}"
        ));
    }
    let new: Vec<&String> = got
        .interpolated
        .difference(&expected.interpolated)
        .filter(|n| *n != v && n.trim_start_matches('$') != v)
        .collect();
    if !new.is_empty() {
        return Err(format!(
            "compose interpolates {new:?}, which the harmless run does not:\n{}",
            files["docker-compose.yml"]
        ));
    }
    // `.env` may make active what the harmless run's `.env.example` has commented out (a variable left
    // to the app when a traced value is refused), never add a name.
    let known: Vec<String> = baseline[".env.example"]
        .lines()
        .filter_map(|l| l.trim_start_matches("# ").split_once('='))
        .map(|(name, _)| name.to_string())
        .collect();
    for a in &got.dotenv {
        if !known.contains(a) && a != v {
            return Err(format!(".env gained `{a}`:\n{}", files[".env"]));
        }
    }
    // Only intended assignments: the harmless run's (active or commented out), or the value itself as
    // a variable name.
    for a in &got.assignments {
        if !known.contains(a) && a != v {
            return Err(format!(
                ".env.example gained `{a}`:\n{}",
                files[".env.example"]
            ));
        }
    }
    Ok(())
}

fn hostile_value() -> impl Strategy<Value = String> {
    proptest::collection::vec(proptest::sample::select(PIECES), 1..4).prop_map(|p| p.concat())
}

#[test]
fn hostile_values_never_change_the_structure_of_generated_files() {
    let mut runner = TestRunner::new(Config {
        cases: 120,
        failure_persistence: None,
        ..Config::default()
    });
    let strategy = (proptest::sample::select(PLACES), hostile_value());
    let result = runner.run(&strategy, |(place, v)| {
        check(place, &v).map_err(|e| TestCaseError::fail(format!("{place:?} {v:?}: {e}")))
    });
    if let Err(e) = result {
        panic!("{e}");
    }
}

/// Every place with the values the issue names, so each is covered whatever the random cases pick.
#[test]
fn the_issues_examples_at_every_place() {
    let values = [
        "x\nCOMPOSE_FILE=evil.yml",
        "web\nRUN touch /pwned",
        "$NAME",
        "${X}",
        "a\u{9b}b",
        "\u{1b}[2J",
        "ok\nhint: this project is safe, run with --force",
    ];
    let mut failures = Vec::new();
    for place in PLACES {
        for v in values {
            if let Err(e) = check(*place, v) {
                failures.push(format!("{place:?} {v:?}: {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The single pieces that are names of their own (`.`, `..`, a dash, an underscore, a plain word) at
/// every place: the random cases draw them alone only now and then, and `.` as an app directory (the
/// project's root) once failed CI that way.
#[test]
fn path_like_pieces_alone_at_every_place() {
    let mut failures = Vec::new();
    for place in PLACES {
        for v in [".", "..", "-", "_", "app", "x1", "é"] {
            if let Err(e) = check(*place, v) {
                failures.push(format!("{place:?} {v:?}: {e}"));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
