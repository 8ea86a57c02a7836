//! The team workflow: the guided flow (scripted through the `Prompter` trait, no terminal), saved
//! answers and their precedence, forked templates, the documented template context, and the CI-facing
//! CLI (`--json`, completions, man page, NO_COLOR).

use std::path::{Path, PathBuf};
use std::process::Command;

use dockgen::answers::{Layer, Origin};
use dockgen::init::{KEEP, OVERWRITE, Outcome, Request, run};
use dockgen::prompt::{Reply, Scripted};
use dockgen::write::{Mode, Status};
use insta_cmd::get_cargo_bin;

use crate::cli::{copy_fixture, dockgen, run as output};
use crate::init::lint;

fn request(root: &Path) -> Request {
    Request {
        root: root.to_path_buf(),
        flags: Layer::default(),
        env: Layer::default(),
        mode: Mode::Write { force: false },
        name_hint: Some("proj".into()),
        cwd: root.to_path_buf(),
    }
}

fn d() -> Reply {
    Reply::Default
}
fn t(s: &str) -> Reply {
    Reply::Text(s.into())
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn status(o: &Outcome, path: &str) -> Status {
    o.files
        .iter()
        .find(|f| f.path == path)
        .unwrap_or_else(|| panic!("{path} not reported: {:?}", o.files))
        .status
}

/// Every question of the flow, with defaults and where they came from (read off the fixture:
/// .python-version says 3.13, requirements.txt lists psycopg2-binary on line 3 and celery[redis] on
/// line 2, proj/celery.py defines the app, proj/settings.py has CELERY_BEAT_SCHEDULE).
#[test]
fn guided_flow_asks_each_decision_with_the_detected_default_and_its_source() {
    let dir = copy_fixture("django-celery-pip");
    let mut p = Scripted::new(vec![d(); 10]);
    let o = run(&request(dir.path()), Some(&mut p)).unwrap();
    let asked = p.asked.join("\n");
    let expect_in_order = [
        "Framework (from manage.py: manage.py and a django dependency) [django]",
        "App directory (",
        "[.]",
        "Entrypoint (from proj/settings.py:22: WSGI_APPLICATION in settings) [proj.wsgi:application]",
        "Python version (from .python-version: pinned in .python-version) [3.13]",
        "Port (",
        "[8000]",
        "Postgres service (from requirements.txt:3:",
        "[yes]",
        "Redis service (",
        "[yes]",
        "Run a `celery` worker service (from Procfile:2:",
        "[yes]",
        "Run a `celery-beat` worker service (from proj/settings.py:31: CELERY_BEAT_SCHEDULE in settings) [yes]",
    ];
    let mut at = 0;
    for e in expect_in_order {
        let found = asked[at..]
            .find(e)
            .unwrap_or_else(|| panic!("`{e}` not asked (in order) in:\n{asked}"));
        at += found + e.len();
    }
    assert_eq!(p.asked.len(), 9, "{asked}");
    assert_eq!(p.left(), 1, "no extra questions");
    // All defaults: the same files as a non-interactive run, and nothing worth saving.
    assert!(o.files.iter().all(|f| f.status == Status::Created));
    assert!(!dir.path().join("dockgen.toml").exists());
    let fresh = copy_fixture("django-celery-pip");
    run(&request(fresh.path()), None).unwrap();
    for f in ["Dockerfile", "docker-compose.yml", ".env.example"] {
        assert_eq!(read(dir.path(), f), read(fresh.path(), f), "{f}");
    }
}

#[test]
fn answers_given_as_flags_or_variables_are_not_asked() {
    let dir = copy_fixture("django-celery-pip");
    let mut req = request(dir.path());
    req.flags.answers.set("port", "9000").unwrap();
    req.flags.mark(
        "port",
        Origin::Flag {
            flag: "--port".into(),
        },
    );
    req.flags.answers.set("python", "3.12").unwrap();
    req.flags.mark(
        "python",
        Origin::Flag {
            flag: "--python".into(),
        },
    );
    req.env = dockgen::answers::from_env(
        [("DOCKGEN_REDIS".to_string(), "no".to_string())],
        &mut Vec::new(),
    )
    .unwrap();
    let mut p = Scripted::new(vec![d(); 10]);
    let o = run(&req, Some(&mut p)).unwrap();
    let asked = p.asked.join("\n");
    for not in ["Port", "Python version", "Redis service"] {
        assert!(!asked.contains(not), "{not} was asked:\n{asked}");
    }
    assert!(asked.contains("Postgres service"), "{asked}");
    assert_eq!(o.plan.port, 9000);
    assert_eq!(o.plan.python_version, "3.12");
    assert!(matches!(o.answers["redis"].origin, Origin::Env { .. }));
    // Flags are saved; variables configure one run and are not (redis=no differs from detection).
    let saved = read(dir.path(), "dockgen.toml");
    assert!(saved.contains("\nport = 9000\n"), "{saved}");
    assert!(!saved.contains("\nredis ="), "{saved}");
}

#[test]
fn prompt_answers_are_saved_and_a_later_run_without_flags_reproduces_them() {
    let dir = copy_fixture("django-celery-pip");
    // framework, app dir, entrypoint, python: defaults; port 8080 after one invalid answer; postgres
    // default; redis kept (workers need it); celery yes, beat no.
    let mut p = Scripted::new(vec![
        d(),
        d(),
        d(),
        d(),
        t("eighty"),
        t("8080"),
        d(),
        d(),
        d(),
        t("no"),
    ]);
    let o = run(&request(dir.path()), Some(&mut p)).unwrap();
    assert_eq!(p.left(), 0);
    assert!(
        p.shown.iter().any(|s| s.contains("`eighty` is not a port")),
        "{:?}",
        p.shown
    );
    assert_eq!(status(&o, "dockgen.toml"), Status::Created);
    let saved = read(dir.path(), "dockgen.toml");
    assert!(saved.contains("\nport = 8080\n"), "{saved}");
    assert!(saved.contains("\nworkers = [\"celery\"]\n"), "{saved}");
    assert!(
        !saved.contains("\npython"),
        "detected values are not saved: {saved}"
    );
    let compose = read(dir.path(), "docker-compose.yml");
    assert!(compose.contains("8080"), "{compose}");
    assert!(!compose.contains("\n  beat:"), "{compose}");

    // No flags, no prompts: the saved answers give the same files, so nothing changes.
    let again = run(&request(dir.path()), None).unwrap();
    assert!(
        again.files.iter().all(|f| f.status == Status::Unchanged),
        "{:?}",
        again.files
    );
    assert!(matches!(
        again.answers["port"].origin,
        Origin::Saved { line: 5, .. }
    ));
    let mut check = request(dir.path());
    check.mode = Mode::Check;
    let checked = run(&check, None).unwrap();
    assert!(checked.files.iter().all(|f| f.status == Status::Unchanged));
}

#[test]
fn each_changed_file_is_shown_then_asked_about_keep_overwrite_or_stop_managing() {
    let dir = copy_fixture("django-celery-pip");
    run(&request(dir.path()), None).unwrap();
    std::fs::write(dir.path().join("Dockerfile"), "FROM mine\n").unwrap();
    std::fs::write(dir.path().join(".dockerignore"), "*\n").unwrap();
    // Nine decisions at their defaults, then (in path order): .dockerignore -> keep; Dockerfile ->
    // overwrite.
    let mut replies = vec![d(); 9];
    replies.extend([t(KEEP), t(OVERWRITE)]);
    let mut p = Scripted::new(replies);
    let o = run(&request(dir.path()), Some(&mut p)).unwrap();
    assert_eq!(p.left(), 0, "{:?}", p.asked);
    let conflicts: Vec<&String> = p
        .asked
        .iter()
        .filter(|q| q.contains("differs from what dockgen would write"))
        .collect();
    assert_eq!(conflicts.len(), 2, "{conflicts:?}");
    assert!(
        conflicts[0].starts_with(
            "`.dockerignore` differs from what dockgen would write (above) [keep yours]"
        ),
        "{conflicts:?}"
    );
    assert!(conflicts[1].starts_with("`Dockerfile` differs"));
    // Each file's view is shown before its question: these files were never written by dockgen as
    // they are (no stamp), so the view says so and shows the two-way diff.
    assert_eq!(p.shown.len(), 2);
    assert!(
        p.shown[0].contains("`.dockerignore` has no dockgen stamp")
            && p.shown[0].contains("-*\n")
            && p.shown[0].contains("+.git\n"),
        "the diff is shown: {:?}",
        p.shown
    );
    assert_eq!(status(&o, ".dockerignore"), Status::Kept);
    assert_eq!(read(dir.path(), ".dockerignore"), "*\n");
    assert_eq!(status(&o, "Dockerfile"), Status::Overwritten);
    assert!(read(dir.path(), "Dockerfile").contains("FROM python:"));
}

#[test]
fn several_apps_are_offered_as_a_choice() {
    let dir = copy_fixture("two-apps");
    let mut p = Scripted::new(vec![d(); 12]);
    let o = run(&request(dir.path()), Some(&mut p)).unwrap();
    assert!(
        p.asked[0].starts_with("Several apps were found"),
        "{:?}",
        p.asked
    );
    assert!(matches!(o.answers["app-dir"].origin, Origin::Prompt));
    // Detection alone cannot decide, so the choice is saved.
    assert!(read(dir.path(), "dockgen.toml").contains("app-dir = "));
}

// ------------------------------------------------------------------ the CLI: precedence, errors, CI

fn json(c: &mut Command) -> serde_json::Value {
    let (code, out, err) = output(c);
    assert!(code == 0 || code == 1, "{code}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn precedence_is_flag_then_environment_then_saved_then_detection() {
    let dir = copy_fixture("flask-flaskenv");
    let p = dir.path();
    let port = |c: &mut Command| {
        let r = json(c);
        (
            r["port"].as_u64().unwrap(),
            r["answers"]["port"]["origin"]["kind"]
                .as_str()
                .unwrap_or("detection")
                .to_string(),
        )
    };
    let dry = ["init", "--dry-run", "--json"];
    assert_eq!(port(dockgen(p).args(dry)), (8000, "detection".into()));
    std::fs::write(p.join("dockgen.toml"), "port = 8100\n").unwrap();
    assert_eq!(port(dockgen(p).args(dry)), (8100, "saved".into()));
    assert_eq!(
        port(dockgen(p).env("DOCKGEN_PORT", "8200").args(dry)),
        (8200, "env".into())
    );
    assert_eq!(
        port(
            dockgen(p)
                .env("DOCKGEN_PORT", "8200")
                .args(dry)
                .args(["--port", "8300"])
        ),
        (8300, "flag".into())
    );
    // `detect` reads the same layers.
    std::fs::write(p.join("dockgen.toml"), "python = \"3.11\"\n").unwrap();
    let r = json(dockgen(p).args(["detect", "--json"]));
    assert_eq!(r["python_version"], "3.11");
    assert_eq!(r["evidence"]["python_version"]["file"], "dockgen.toml");
    assert_eq!(r["evidence"]["python_version"]["line"], 1);
    let r = json(
        dockgen(p)
            .env("DOCKGEN_PYTHON", "3.12")
            .args(["detect", "--json"]),
    );
    assert_eq!(r["python_version"], "3.12");
    assert_eq!(
        r["evidence"]["python_version"]["rule"],
        "DOCKGEN_PYTHON environment variable"
    );
}

#[test]
fn flags_given_once_are_saved_so_check_in_ci_needs_no_flags() {
    let dir = copy_fixture("flask-flaskenv");
    let p = dir.path();
    let (code, _, err) = output(dockgen(p).args(["init", "--yes", "--port", "9000", "--no-redis"]));
    assert_eq!(code, 0, "{err}");
    let saved = read(p, "dockgen.toml");
    assert!(saved.contains("port = 9000"), "{saved}");
    let (code, _, err) = output(dockgen(p).env("CI", "true").args(["init", "--check"]));
    assert_eq!(code, 0, "{err}");
    assert!(err.contains("6 files match"), "{err}");
    // Another port in CI is drift in the compose file and in the saved answers.
    let (code, out, _) = output(dockgen(p).args(["init", "--check", "--port", "9100"]));
    assert_eq!(code, 1);
    assert!(out.contains("+port = 9100"), "{out}");
}

#[test]
fn a_malformed_dockgen_toml_is_an_error_with_line_and_column_and_writes_nothing() {
    let dir = copy_fixture("flask-flaskenv");
    let p = dir.path();
    std::fs::write(
        p.join("dockgen.toml"),
        "python = \"3.12\"\nport = \"http\"\n",
    )
    .unwrap();
    let (code, out, err) = output(dockgen(p).args(["init", "--yes"]));
    assert_eq!(code, 1, "{out}");
    assert!(
        err.contains("error: failed to parse `dockgen.toml` (line 2, column 8)"),
        "{err}"
    );
    assert!(!p.join("Dockerfile").exists());
    std::fs::write(
        p.join("dockgen.toml"),
        "redis = true\nworker = [\"celery\"]\n",
    )
    .unwrap();
    let (code, _, err) = output(dockgen(p).args(["detect"]));
    assert_eq!(code, 1);
    assert!(
        err.contains("(line 2, column 1): unknown field `worker`"),
        "{err}"
    );
}

#[test]
fn workers_without_redis_are_warned_about() {
    let dir = copy_fixture("django-celery-pip");
    let (code, _, err) = output(dockgen(dir.path()).args(["init", "--yes", "--no-redis"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        err.contains("warning: Redis is off but the worker services need a broker"),
        "{err}"
    );
    let compose = read(dir.path(), "docker-compose.yml");
    assert!(!compose.contains("\n  redis:\n"), "{compose}");
    assert!(compose.contains("\n  worker:\n"), "{compose}");
}

#[test]
fn a_bad_dockgen_variable_names_itself() {
    let dir = copy_fixture("flask-flaskenv");
    let (code, _, err) = output(
        dockgen(dir.path())
            .env("DOCKGEN_PORT", "http")
            .args(["init", "--yes"]),
    );
    assert_eq!(code, 2, "a usage error: {err}");
    assert!(err.contains("`DOCKGEN_PORT=http`"), "{err}");
    let (code, _, err) = output(
        dockgen(dir.path())
            .env("DOCKGEN_PROT", "1")
            .args(["init", "--dry-run"]),
    );
    assert_eq!(code, 0);
    assert!(err.contains("warning: ignoring `DOCKGEN_PROT`"), "{err}");
}

#[test]
fn init_json_report_lists_files_answers_and_drift() {
    let dir = copy_fixture("flask-flaskenv");
    let p = dir.path();
    let r = json(dockgen(p).args(["init", "--yes", "--json", "--port", "8001"]));
    assert_eq!(r["mode"], "write");
    assert_eq!(r["port"], 8001);
    assert_eq!(r["answers"]["port"]["origin"]["kind"], "flag");
    assert_eq!(r["answers"]["port"]["origin"]["flag"], "--port");
    let files: Vec<(String, String)> = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(files.len(), 6, "{files:?}");
    assert!(files.iter().all(|(_, s)| s == "created"), "{files:?}");
    assert!(files.iter().any(|(f, _)| f == "dockgen.toml"));
    let r = json(dockgen(p).args(["init", "--check", "--json"]));
    assert_eq!(r["drift"], false);
    std::fs::write(p.join("Dockerfile"), "FROM x\n").unwrap();
    let r = json(dockgen(p).args(["init", "--check", "--json"]));
    assert_eq!(r["drift"], true);
    let df = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "Dockerfile")
        .unwrap();
    assert_eq!(df["status"], "conflict");
    assert!(df["diff"].as_str().unwrap().contains("-FROM x"));
}

// ------------------------------------------------------------------ forked templates

fn builtin(name: &str) -> String {
    dockgen::render::builtin_templates()[name].clone()
}

#[test]
fn export_writes_the_builtin_templates_and_never_clobbers_a_fork() {
    let dir = tempfile::tempdir().unwrap();
    let fork = dir.path().join("ops/templates");
    let (code, out, err) =
        output(dockgen(dir.path()).args(["templates", "export", "ops/templates"]));
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("dockgen init --templates ops/templates"),
        "{out}"
    );
    for (name, text) in dockgen::render::builtin_templates() {
        assert_eq!(std::fs::read_to_string(fork.join(&name)).unwrap(), text);
    }
    std::fs::write(fork.join("Dockerfile.tera"), "FROM mine\n").unwrap();
    let (code, _, err) = output(dockgen(dir.path()).args(["templates", "export", "ops/templates"]));
    assert_eq!(code, 1);
    assert!(err.contains("Dockerfile.tera"), "{err}");
    assert_eq!(
        std::fs::read_to_string(fork.join("Dockerfile.tera")).unwrap(),
        "FROM mine\n"
    );
}

/// The fork from docs/forking-templates.md: labels and an extra runtime package, every other file
/// falling back to the built-in templates.
const FORK_ADDITION: &str = "\
# ACME: every image is labelled and carries jemalloc.
LABEL org.opencontainers.image.vendor=\"ACME Corp\" \\
      org.opencontainers.image.title=\"{{ image_name }}\"
# hadolint ignore=DL3008
RUN apt-get update \\
    && apt-get install -y --no-install-recommends libjemalloc2 \\
    && rm -rf /var/lib/apt/lists/*
";

fn forked_dockerfile() -> String {
    let base = builtin("Dockerfile.tera");
    let anchor = "# Code and virtualenv belong to root";
    assert!(
        base.contains(anchor),
        "the fork's anchor is in the template"
    );
    base.replacen(anchor, &format!("{FORK_ADDITION}{anchor}"), 1)
}

#[test]
fn a_fork_overlays_file_by_file_is_saved_and_lints_clean() {
    let dir = copy_fixture("django-celery-pip");
    let p = dir.path();
    let fork = p.join("ops/templates");
    std::fs::create_dir_all(&fork).unwrap();
    std::fs::write(fork.join("Dockerfile.tera"), forked_dockerfile()).unwrap();
    let (code, _, err) = output(dockgen(p).args(["init", "--yes"]));
    assert_eq!(code, 0, "{err}");
    let plain: Vec<(&str, String)> = [
        "docker-compose.yml",
        ".env.example",
        ".dockerignore",
        "entrypoint.sh",
    ]
    .into_iter()
    .map(|f| (f, read(p, f)))
    .collect();

    let (code, _, err) =
        output(dockgen(p).args(["init", "--yes", "--force", "--templates", "ops/templates"]));
    assert_eq!(code, 0, "{err}");
    let df = read(p, "Dockerfile");
    assert!(
        df.contains("LABEL org.opencontainers.image.vendor=\"ACME Corp\""),
        "{df}"
    );
    assert!(
        df.contains("image.title=\"django-celery-pip\"") || df.contains("image.title=\""),
        "{df}"
    );
    assert!(df.contains("libjemalloc2"));
    for (f, text) in plain {
        assert_eq!(read(p, f), text, "{f} falls back to the built-in template");
    }
    assert!(read(p, "dockgen.toml").contains("templates = \"ops/templates\""));
    // Lint-clean like the built-in output.
    let out = tempfile::tempdir().unwrap();
    for f in [
        "Dockerfile",
        "docker-compose.yml",
        ".env.example",
        ".dockerignore",
        "entrypoint.sh",
    ] {
        std::fs::copy(p.join(f), out.path().join(f)).unwrap();
    }
    // The .env dockgen init wrote, as a user runs it.
    std::fs::copy(p.join(".env"), out.path().join(".env")).unwrap();
    let findings = lint(out.path());
    assert!(findings.is_empty(), "{findings:#?}");
    // CI, from another directory, with no flags: the saved `templates` key is relative to the project.
    let (code, _, err) = output(dockgen(Path::new("/")).arg("init").arg("--check").arg(p));
    assert_eq!(code, 0, "{err}");
    // Editing the fork is drift.
    std::fs::write(
        fork.join("Dockerfile.tera"),
        forked_dockerfile().replace("ACME Corp", "ACME Inc"),
    )
    .unwrap();
    let (code, out, _) = output(dockgen(p).args(["init", "--check"]));
    assert_eq!(code, 1);
    assert!(
        out.contains("+LABEL org.opencontainers.image.vendor=\"ACME Inc\""),
        "{out}"
    );
}

#[test]
fn a_broken_fork_names_the_template_and_line_and_writes_nothing() {
    let cases = [
        // (template text, what the error must say)
        ("FROM x\n\n{% if %}\n", "ops/Dockerfile.tera:3:"),
        ("FROM x\nEXPOSE {{ prot }}\n", "ops/Dockerfile.tera:2:"),
        ("FROM x\n{{ port | nofilter }}\n", "ops/Dockerfile.tera:2:"),
    ];
    for (text, want) in cases {
        let dir = copy_fixture("flask-flaskenv");
        let p = dir.path();
        std::fs::create_dir_all(p.join("ops")).unwrap();
        std::fs::write(p.join("ops/Dockerfile.tera"), text).unwrap();
        let before: Vec<PathBuf> = walk(p);
        let (code, _, err) = output(dockgen(p).args(["init", "--yes", "--templates", "ops"]));
        assert_eq!(code, 1, "{text:?}");
        assert!(
            err.contains("failed to render template `ops/Dockerfile.tera`"),
            "{err}"
        );
        assert!(err.contains(want), "{want} in {err}");
        assert!(err.contains("hint:"), "{err}");
        assert_eq!(walk(p), before, "nothing written for {text:?}");
    }
    let dir = copy_fixture("flask-flaskenv");
    let (code, _, err) = output(dockgen(dir.path()).args(["init", "--yes", "--templates", "nope"]));
    assert_eq!(code, 1);
    assert!(err.contains("templates directory `nope`"), "{err}");
}

fn walk(p: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = walkdir(p);
    v.sort();
    v
}

fn walkdir(p: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(p).unwrap().flatten() {
        out.push(e.path());
        if e.file_type().unwrap().is_dir() {
            out.extend(walkdir(&e.path()));
        }
    }
    out
}

// ------------------------------------------------------------------ the documented context

#[test]
fn the_context_page_is_the_commands_output() {
    let page = Path::new(env!("CARGO_MANIFEST_DIR")).join("docs/template-context.md");
    let (code, out, _) =
        output(dockgen(Path::new(".")).args(["templates", "context", "--markdown"]));
    assert_eq!(code, 0);
    let committed = std::fs::read_to_string(&page).unwrap_or_default();
    assert!(
        committed == out,
        "docs/template-context.md is stale: run `cargo run -- templates context --markdown > docs/template-context.md`"
    );
}

/// Every value a template receives, from every fixture's real plan, is in the documented list.
#[test]
fn every_value_a_template_receives_is_documented() {
    let documented: std::collections::BTreeSet<String> = dockgen::context::variables()
        .into_iter()
        .map(|v| v.path)
        .collect();
    fn paths(prefix: &str, v: &serde_json::Value, out: &mut Vec<String>) {
        match v {
            serde_json::Value::Object(m) => {
                for (k, x) in m {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    out.push(p.clone());
                    paths(&p, x, out);
                }
            }
            serde_json::Value::Array(items) => {
                for x in items {
                    if x.is_object() {
                        paths(&format!("{prefix}[]"), x, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut seen = 0;
    for e in std::fs::read_dir(crate::support::fixtures())
        .unwrap()
        .flatten()
    {
        let Ok(project) = dockgen::detect::detect(&e.path(), &Default::default()) else {
            continue;
        };
        let plan = dockgen::plan::plan(&project, &Default::default()).unwrap();
        let mut found = Vec::new();
        paths("", &serde_json::to_value(&plan).unwrap(), &mut found);
        for f in found {
            assert!(
                documented.contains(&f),
                "`{f}` reaches templates but is not documented"
            );
            seen += 1;
        }
    }
    assert!(seen > 100);
}

// ------------------------------------------------------------------ completions, man page, colour

#[test]
fn bash_completion_completes_subcommands_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let (code, script, _) = output(dockgen(dir.path()).args(["completions", "bash"]));
    assert_eq!(code, 0);
    std::fs::write(dir.path().join("dockgen.bash"), script).unwrap();
    let complete = |words: &str| {
        let cword = words.split(' ').count() - 1;
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "source ./dockgen.bash; COMP_WORDS=({words}); COMP_CWORD={cword}; \
                 COMP_LINE='{words}'; COMP_POINT=${{#COMP_LINE}}; \
                 _dockgen dockgen \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\""
            ))
            .current_dir(dir.path())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let subs = complete("dockgen ''");
    for s in ["init", "detect", "templates", "completions", "man"] {
        assert!(subs.lines().any(|l| l == s), "{s} in {subs}");
    }
    let flags = complete("dockgen init --te");
    assert!(flags.lines().any(|l| l == "--templates"), "{flags}");
    // Values, not the directory's file names (`dockgen.bash`).
    let workers = complete("dockgen init --workers ''");
    let mut got: Vec<&str> = workers.lines().collect();
    got.sort();
    assert_eq!(got, ["celery", "celery-beat", "none", "rq"], "{workers}");
    let frameworks = complete("dockgen detect --framework ''");
    let mut got: Vec<&str> = frameworks.lines().collect();
    got.sort();
    assert_eq!(got, ["django", "fastapi", "flask"], "{frameworks}");
    let managers = complete("dockgen init --package-manager p");
    assert!(!managers.contains("dockgen.bash"), "{managers}");
    assert!(managers.lines().any(|l| l == "poetry"), "{managers}");
}

#[test]
fn man_page_documents_every_command() {
    let (code, page, _) = output(dockgen(Path::new(".")).arg("man"));
    assert_eq!(code, 0);
    assert!(page.contains(".TH dockgen 1"), "{page}");
    for s in [
        "init",
        "detect",
        "templates",
        "completions",
        "DOCKGEN_PORT",
        "NO_COLOR",
    ] {
        assert!(page.contains(s), "{s}");
    }
    for section in ["EXIT STATUS", "ENVIRONMENT", "FILES", "SEE ALSO"] {
        assert!(
            page.contains(&format!(".SH \"{section}\""))
                || page.contains(&format!(".SH {section}\n")),
            "{section}: {page}"
        );
    }

    // Every page a page refers to (`dockgen-init(1)`) is generated.
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = output(dockgen(dir.path()).args(["man", "--dir", "pages"]));
    assert_eq!(code, 0, "{err}");
    let pages = dir.path().join("pages");
    let mut referenced = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&pages).unwrap().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for (i, _) in text.match_indices("(1)") {
            let start = text[..i]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '\\'))
                .map_or(0, |s| s + 1);
            referenced.insert(text[start..i].replace("\\-", "-"));
        }
    }
    for name in [
        "dockgen-init",
        "dockgen-detect",
        "dockgen-templates-export",
        "dockgen-man",
    ] {
        assert!(referenced.contains(name), "{name} in {referenced:?}");
    }
    for name in &referenced {
        assert!(
            pages.join(format!("{name}.1")).is_file(),
            "{name}(1) is referenced but not generated"
        );
    }
    let init = std::fs::read_to_string(pages.join("dockgen-init.1")).unwrap();
    for s in [
        "EXIT STATUS",
        "DOCKGEN_WORKERS",
        "dockgen.toml",
        "docker\\-compose.yml",
        "130",
    ] {
        assert!(init.contains(s), "{s}: {init}");
    }
    // One page at a time, with a suggestion for a typo.
    let (code, detect, _) = output(dockgen(dir.path()).args(["man", "detect"]));
    assert_eq!(code, 0);
    assert!(detect.contains(".TH dockgen-detect 1"), "{detect}");
    let (code, _, err) = output(dockgen(dir.path()).args(["man", "int"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("no man page `dockgen-int`; did you mean `dockgen-init`?"),
        "{err}"
    );
}

#[test]
fn colour_is_off_with_no_color_even_when_forced() {
    let dir = tempfile::tempdir().unwrap();
    let run = |no_color: bool| {
        let mut c = Command::new(get_cargo_bin("dockgen"));
        c.current_dir(dir.path())
            .env_remove("NO_COLOR")
            .env("CLICOLOR_FORCE", "1")
            .args(["detect", "missing-dir"]);
        if no_color {
            c.env("NO_COLOR", "1");
        }
        output(&mut c).2
    };
    assert!(run(false).contains("\u{1b}["), "forced colour is coloured");
    let plain = run(true);
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
    assert!(plain.starts_with("error: "), "{plain}");
}
