//! The guided flow, scripted through the `Prompter` trait (no terminal): each decision asked with its
//! detected default and where it came from, answers given as flags or variables not asked, prompt answers
//! saved, each changed file shown and asked about, and several apps offered as a choice.

use std::path::Path;

use dockgen::init::answers::{Key, Layer, Origin};
use dockgen::init::prompt::{Reply, Scripted};
use dockgen::init::{KEEP, OVERWRITE, Outcome, Request, run};
use dockgen::output::write::{Mode, Status};

use crate::cli::copy_fixture;

fn request(root: &Path) -> Request {
    Request {
        root: root.to_path_buf(),
        flags: Layer::default(),
        env: Layer::default(),
        mode: Mode::Write { force: false },
        name_hint: Some("proj".into()),
        cwd: root.to_path_buf(),
        index: None,
        ask_all: false,
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
    let mut p = Scripted::new(vec![d(); 11]);
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
        "Front proxy (none: web publishes the port; nginx: web scales behind it) [none]",
    ];
    let mut at = 0;
    for e in expect_in_order {
        let found = asked[at..]
            .find(e)
            .unwrap_or_else(|| panic!("`{e}` not asked (in order) in:\n{asked}"));
        at += found + e.len();
    }
    assert_eq!(p.asked.len(), 10, "{asked}");
    assert_eq!(p.left(), 1, "no extra questions");
    // All defaults: the same files as a non-interactive run, and no answer worth saving; dockgen.toml
    // records only what was detected for each question, so a re-run need not ask it again.
    assert!(o.files.iter().all(|f| f.status == Status::Created));
    let saved = dockgen::init::answers::parse_saved(&read(dir.path(), "dockgen.toml")).unwrap();
    assert!(saved.answers.is_empty(), "{:?}", saved.answers);
    assert_eq!(saved.detected.show(Key::Port), "8000");
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
    req.flags.answers.set(Key::Port, "9000").unwrap();
    req.flags.mark(
        Key::Port,
        Origin::Flag {
            flag: "--port".into(),
        },
    );
    req.flags.answers.set(Key::Python, "3.12").unwrap();
    req.flags.mark(
        Key::Python,
        Origin::Flag {
            flag: "--python".into(),
        },
    );
    req.env = dockgen::init::answers::from_env(
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
    assert_eq!(o.plan.python_version.to_string(), "3.12");
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
    // default; redis kept (workers need it); celery yes, beat no; nginx in front.
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
        t("nginx"),
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
    assert!(saved.contains("\ntask-workers = [\"celery\"]\n"), "{saved}");
    let (answers, _) = saved.split_once("\n[detected]\n").unwrap();
    assert!(
        !answers.contains("\npython"),
        "detected values are not saved as answers: {saved}"
    );
    let compose = read(dir.path(), "docker-compose.yml");
    assert!(compose.contains("8080"), "{compose}");
    assert!(!compose.contains("\n  beat:"), "{compose}");
    // The proxy chosen at the prompt: saved, and in front of web, which publishes nothing.
    assert!(saved.contains("\nproxy = \"nginx\"\n"), "{saved}");
    assert!(compose.contains("\n  proxy:\n"), "{compose}");
    assert!(compose.contains("\"${WEB_PORT:-8080}:8080\""), "{compose}");
    assert!(dir.path().join("nginx/nginx.conf").exists());

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
    // Ten decisions at their defaults, then (in path order): .dockerignore -> keep; Dockerfile ->
    // overwrite.
    let mut replies = vec![d(); 10];
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

/// A re-run with nothing changed asks nothing: the first guided run records in dockgen.toml's
/// `[detected]` what detection gave for each question, and the second keeps every answer, saying so in
/// one line. `--ask-all` asks them all again.
#[test]
fn a_rerun_asks_only_what_detection_changed_and_ask_all_asks_everything() {
    let dir = copy_fixture("django-celery-pip");
    let root = dir.path();
    let mut first = Scripted::new(vec![d(), d(), d(), d(), t("8088"), d(), d(), d(), d(), d()]);
    run(&request(root), Some(&mut first)).unwrap();
    assert_eq!(first.left(), 0);
    let saved = read(root, "dockgen.toml");
    assert!(saved.contains("port = 8088\n"), "{saved}");
    assert!(saved.contains("\n[detected]\n"), "{saved}");
    assert!(
        saved.contains("\nport = 8000\n"),
        "detected, not answered: {saved}"
    );

    // Nothing changed: no question, one line naming the kept decisions.
    let mut again = Scripted::new(vec![]);
    run(&request(root), Some(&mut again)).unwrap();
    assert!(again.asked.is_empty(), "asked again: {:?}", again.asked);
    let kept = again.shown.iter().find(|s| s.starts_with("kept ")).unwrap();
    assert!(kept.starts_with("kept 9 earlier answers (framework, app-dir, entrypoint, python, port, postgres, redis, task-workers, proxy)"), "{kept}");
    assert!(kept.contains("`dockgen init --ask-all`"), "{kept}");
    assert_eq!(read(root, "dockgen.toml"), saved, "unchanged");
    let compose = read(root, "docker-compose.yml");
    assert!(
        compose.contains("8088"),
        "the saved port still holds: {compose}"
    );

    // Detection changes one default (the project pins another Python): only that question is asked.
    std::fs::write(root.join(".python-version"), "3.12\n").unwrap();
    let mut changed = Scripted::new(vec![d()]);
    run(&request(root), Some(&mut changed)).unwrap();
    assert_eq!(changed.asked.len(), 1, "{:?}", changed.asked);
    assert!(
        changed.asked[0].starts_with("Python version (") && changed.asked[0].ends_with("[3.12]"),
        "{:?}",
        changed.asked
    );
    assert_eq!(changed.left(), 0);
    let saved = read(root, "dockgen.toml");
    assert!(
        saved.contains("\npython = \"3.12\"\n"),
        "the new detection recorded: {saved}"
    );

    // --ask-all: every question again.
    let mut all = Scripted::new(vec![d(); 10]);
    let req = Request {
        ask_all: true,
        ..request(root)
    };
    run(&req, Some(&mut all)).unwrap();
    assert_eq!(all.asked.len(), 10, "{:?}", all.asked);
    assert!(!all.shown.iter().any(|s| s.starts_with("kept ")));
}
