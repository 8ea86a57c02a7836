//! verify against a scripted runner: which commands run, in which order, and how their output is read.

use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use super::*;

/// Answers commands by the first rule whose text is in the command line; records every command.
struct Scripted<'a> {
    rules: Vec<(&'static str, Output)>,
    http: Vec<(&'static str, Result<u16, String>)>,
    ran: Vec<Cmd>,
    /// Set this flag when a command containing the text runs (a Ctrl-C during it).
    cancel_on: Option<(&'static str, &'a AtomicBool)>,
}

fn ok(stdout: &str) -> Output {
    Output {
        code: Some(0),
        stdout: stdout.into(),
        ..Output::default()
    }
}

fn err(code: i32, stderr: &str) -> Output {
    Output {
        code: Some(code),
        stderr: stderr.into(),
        ..Output::default()
    }
}

const PS_OK: &str = r#"{"Service":"web","State":"running","Health":"healthy","ExitCode":0}
{"Service":"migrate","State":"exited","Health":"","ExitCode":0}
{"Service":"worker","State":"running","Health":"","ExitCode":0}
{"Service":"db","State":"running","Health":"healthy","ExitCode":0}
{"Service":"redis","State":"running","Health":"healthy","ExitCode":0}
"#;

impl<'a> Scripted<'a> {
    /// A stack where everything works.
    fn healthy() -> Scripted<'a> {
        Scripted {
            rules: vec![
                (" ps --all --format json", ok(PS_OK)),
                (" ps --all --quiet", ok("c1\nc2\n")),
                ("docker inspect", ok("web 0 false\ndb 0 false\n")),
                ("exec -T db psql", ok("12\n")),
                (
                    "exec -T worker queue ping",
                    ok("-> worker@w: OK\n        pong\n"),
                ),
                ("exec -T web id -u", ok("10001\n")),
            ],
            http: vec![],
            ran: vec![],
            cancel_on: None,
        }
    }
    /// Puts `rule` first, so it wins over the healthy one.
    fn with(mut self, text: &'static str, out: Output) -> Self {
        self.rules.insert(0, (text, out));
        self
    }
    fn ran(&self, text: &str) -> bool {
        self.ran.iter().any(|c| c.line().contains(text))
    }
}

impl Runner for Scripted<'_> {
    fn run(&mut self, cmd: &Cmd) -> Output {
        self.ran.push(cmd.clone());
        let line = cmd.line();
        if let Some((text, flag)) = self.cancel_on
            && line.contains(text)
        {
            flag.store(true, Ordering::SeqCst);
        }
        self.rules
            .iter()
            .find(|(t, _)| line.contains(t))
            .map_or_else(|| ok(""), |(_, o)| o.clone())
    }
    fn http_get(&mut self, _port: u16, path: &str, _host: &str) -> Result<u16, String> {
        self.http
            .iter()
            .find(|(p, _)| *p == path)
            .map_or(Ok(200), |(_, a)| a.clone())
    }
    fn free_port(&mut self) -> Result<u16, String> {
        Ok(45678)
    }
    fn sleep(&mut self, _d: Duration) {}
}

fn expect() -> Expect {
    Expect {
        app_services: vec!["web".into(), "migrate".into(), "worker".into()],
        long_running: vec![
            ("web".into(), true),
            ("worker".into(), false),
            ("db".into(), true),
            ("redis".into(), true),
        ],
        migrate: true,
        health_path: Some("/healthz".into()),
        uid: 10001,
        database: Some(Service::Postgres),
        workers: vec![(
            "worker".into(),
            Some(WorkerProbe::Exec(vec!["queue".into(), "ping".into()])),
        )],
        schema_command: None,
        host: "localhost".into(),
        allowed_hosts_var: Some("ALLOWED_HOSTS".into()),
        env_names: vec!["POSTGRES_PASSWORD".into(), "SECRET_KEY".into()],
    }
}

fn setup(keep: bool) -> Setup {
    Setup {
        dir: "/project".into(),
        compose_file: "docker-compose.yml".into(),
        compose: vec!["docker".into(), "compose".into()],
        docker: "docker".into(),
        project: "dockgen-verify-test".into(),
        keep,
        wait_timeout: 180,
    }
}

fn go(r: &mut Scripted, env: &str, keep: bool) -> Report {
    let cancel = AtomicBool::new(false);
    go_with(r, env, keep, &cancel)
}

fn go_with(r: &mut Scripted, env: &str, keep: bool, cancel: &AtomicBool) -> Report {
    let env = EnvFile::parse(env);
    let mut events = Vec::new();
    let report = verify(
        &setup(keep),
        &expect(),
        &env,
        r,
        &mut |p| {
            events.push(match p {
                Progress::Started(n) => format!("start {n}"),
                Progress::Finished(s) => format!("done {}", s.name),
            })
        },
        cancel,
    );
    // Every step is announced, then finished, in order.
    let steps: Vec<String> = report
        .steps
        .iter()
        .flat_map(|s| [format!("start {}", s.name), format!("done {}", s.name)])
        .collect();
    assert_eq!(events, steps);
    report
}

fn step<'a>(r: &'a Report, name: &str) -> &'a Step {
    r.steps
        .iter()
        .find(|s| s.name == name)
        .unwrap_or_else(|| panic!("no step {name}: {:#?}", r.steps))
}

#[test]
fn a_healthy_stack_passes_every_check_and_is_torn_down() {
    let mut r = Scripted::healthy();
    let report = go(&mut r, "POSTGRES_PASSWORD=x\n", false);
    let names: Vec<&str> = report.steps.iter().map(|s| s.name.as_str()).collect();
    assert_eq!(
        names,
        [
            "compose file resolves",
            "build",
            "up --wait",
            "migrate exited 0",
            "services running and healthy",
            "web answers GET /healthz",
            "web answers GET /",
            "tables in Postgres",
            "worker alive and connected",
            "web runs as uid 10001",
            "nothing restarting",
            "teardown",
        ]
    );
    assert!(report.ok, "{:#?}", report.steps);
    assert_eq!(report.port, 45678);
    // Every compose call is on the throwaway project with the override, and publishes the free port.
    for c in r
        .ran
        .iter()
        .filter(|c| c.args.first().map(String::as_str) == Some("compose"))
    {
        let line = c.line();
        assert!(
            line.contains("--project-name dockgen-verify-test --file docker-compose.yml --file "),
            "{line}"
        );
        assert!(
            c.env.contains(&("WEB_PORT".into(), "45678".into())),
            "{line}"
        );
    }
    assert!(r.ran("down --volumes --remove-orphans"));
    assert!(r.ran("docker image rm --force dockgen-verify-test-app:verify"));
    assert_eq!(
        step(&report, "tables in Postgres").detail,
        "12 tables in database `app`"
    );
}

#[test]
fn the_override_tags_each_app_service_with_the_runs_own_image() {
    let y = override_yaml(&expect(), "p-app:verify");
    assert_eq!(
        y,
        "# dockgen verify: the throwaway project's own image tag.\nservices:\n  web:\n    image: \"p-app:verify\"\n  migrate:\n    image: \"p-app:verify\"\n  worker:\n    image: \"p-app:verify\"\n"
    );
}

#[test]
fn a_required_value_left_empty_stops_before_the_build_and_names_its_env_line() {
    let mut r = Scripted::healthy().with(
        "config --quiet",
        err(
            1,
            "error while interpolating services.db.environment.POSTGRES_PASSWORD: required variable POSTGRES_PASSWORD is missing a value: set POSTGRES_PASSWORD in .env",
        ),
    );
    let report = go(&mut r, "POSTGRES_USER=app\nPOSTGRES_PASSWORD=\n", false);
    assert!(!report.ok);
    assert_eq!(report.steps.len(), 1);
    let s = &report.steps[0];
    assert_eq!(s.status, Status::Failed);
    assert_eq!(
        s.hints,
        ["set POSTGRES_PASSWORD in `.env` (line 2 is empty): the app needs it"]
    );
    assert!(!r.ran(" build") && !r.ran(" down "));
}

#[test]
fn a_failed_migration_is_named_with_its_log() {
    let ps = PS_OK.replace(
        r#""migrate","State":"exited","Health":"","ExitCode":0"#,
        r#""migrate","State":"exited","Health":"","ExitCode":1"#,
    );
    let ps: &'static str = Box::leak(ps.into_boxed_str());
    let mut r = Scripted::healthy()
        .with(" up --detach", err(1, "service \"migrate\" didn't complete successfully: exit 1"))
        .with(" ps --all --format json", ok(ps))
        .with(
            "logs --no-color --tail 60 migrate",
            ok("migrate-1  | Operations to perform:\nmigrate-1  | app.db.utils.ProgrammingError: relation \"jobs_report\" does not exist\n"),
        );
    let report = go(&mut r, "", false);
    assert!(!report.ok);
    let m = step(&report, "migrate exited 0");
    assert_eq!(m.status, Status::Failed);
    assert_eq!(m.detail, "the migrate service exited 1");
    assert_eq!(m.service.as_deref(), Some("migrate"));
    assert!(
        m.log
            .last()
            .unwrap()
            .contains("relation \"jobs_report\" does not exist")
    );
    assert!(
        m.hints.iter().any(|h| h.contains("migrations did not run")),
        "{:?}",
        m.hints
    );
    assert!(
        m.hints
            .iter()
            .any(|h| h.contains("migration command failed")),
        "{:?}",
        m.hints
    );
    // No tables is the failed migration's consequence, not a second finding with its own hint.
    assert_eq!(step(&report, "tables in Postgres").status, Status::Skipped);
    // Torn down all the same.
    assert!(r.ran("down --volumes"));
}

#[test]
fn the_log_shown_is_of_the_service_that_stopped_not_of_one_that_waited() {
    let ps = "{\"Service\":\"web\",\"State\":\"created\",\"Health\":\"\",\"ExitCode\":0}\n{\"Service\":\"worker\",\"State\":\"exited\",\"Health\":\"\",\"ExitCode\":3}\n";
    let mut r = Scripted::healthy().with(" ps --all --format json", ok(ps));
    let report = go(&mut r, "", false);
    let s = step(&report, "services running and healthy");
    assert_eq!(s.service.as_deref(), Some("worker"), "{s:#?}");
    assert!(
        s.detail
            .starts_with("web: created; worker: exited 3; db: never started"),
        "{}",
        s.detail
    );
}

/// MariaDB's tables are counted by its own client in the db service, with the credentials of the
/// service's environment (no password on the host's command line).
#[test]
fn a_mariadb_database_is_counted_by_its_own_client() {
    let mut r = Scripted::healthy().with("exec -T db sh -c MYSQL_PWD=", ok("7\n"));
    let env = EnvFile::parse("MARIADB_PASSWORD=s3cret\nMARIADB_DATABASE=shop\n");
    let expect = Expect {
        database: Some(Service::Mariadb),
        ..expect()
    };
    let cancel = AtomicBool::new(false);
    let report = verify(&setup(false), &expect, &env, &mut r, &mut |_| {}, &cancel);
    let t = step(&report, "tables in MariaDB");
    assert_eq!(t.status, Status::Passed, "{t:#?}");
    assert_eq!(t.detail, "7 tables in database `shop`");
    let lines: Vec<String> = r.ran.iter().map(|c| c.line()).collect();
    assert!(!lines.iter().any(|c| c.contains("s3cret")), "{lines:?}");
    assert!(!lines.iter().any(|c| c.contains("psql")), "{lines:?}");
}

#[test]
fn an_app_on_sqlite_fails_the_postgres_check() {
    let mut r = Scripted::healthy().with("exec -T db psql", ok("0\n"));
    let report = go(&mut r, "", false);
    let t = step(&report, "tables in Postgres");
    assert_eq!(t.status, Status::Failed);
    assert!(
        t.hints.iter().any(|h| h.contains("SQLite")),
        "{:?}",
        t.hints
    );
    assert!(!report.ok);
}

#[test]
fn a_worker_without_its_broker_fails_with_the_broker_hint() {
    let mut r = Scripted::healthy()
        .with("exec -T worker queue ping", err(69, "Error: No nodes replied within time constraint"))
        .with(
            "logs --no-color --tail 60 worker",
            ok("worker-1  | [ERROR/MainProcess] consumer: Cannot connect to redis://nowhere:6379/0: Error -2 connecting to nowhere:6379. Name or service not known..\n"),
        );
    let report = go(&mut r, "", false);
    let w = step(&report, "worker alive and connected");
    assert_eq!(w.status, Status::Failed);
    assert!(
        w.hints
            .iter()
            .any(|h| h.contains("cannot reach its broker")),
        "{:?}",
        w.hints
    );
    // Retried before giving up.
    assert_eq!(
        r.ran
            .iter()
            .filter(|c| c.line().contains("queue ping"))
            .count(),
        4
    );
}

#[test]
fn a_refused_host_is_a_failure_with_the_allowed_hosts_hint() {
    let mut r = Scripted::healthy().with(
        "logs --no-color --tail 60 web",
        ok("web-1 | Invalid HTTP_HOST header: 'localhost:45678'."),
    );
    r.http = vec![("/", Ok(400))];
    let report = go(&mut r, "ALLOWED_HOSTS=example.com\n", false);
    let s = step(&report, "web answers GET /");
    assert_eq!(s.status, Status::Failed);
    assert!(
        s.hints
            .iter()
            .any(|h| h.contains("check ALLOWED_HOSTS in `.env` (line 1)")),
        "{:?}",
        s.hints
    );
    assert!(
        s.hints.iter().any(|h| h.contains("refuse the Host header")),
        "{:?}",
        s.hints
    );
}

#[test]
fn a_health_route_must_answer_but_root_may_be_404() {
    let mut r = Scripted::healthy();
    r.http = vec![("/", Ok(404)), ("/healthz", Ok(404))];
    let report = go(&mut r, "", false);
    assert_eq!(step(&report, "web answers GET /").status, Status::Passed);
    assert_eq!(
        step(&report, "web answers GET /healthz").status,
        Status::Failed
    );
}

#[test]
fn a_wrong_uid_and_a_restarting_service_fail() {
    let mut r = Scripted::healthy()
        .with("exec -T web id -u", ok("0\n"))
        .with("docker inspect", ok("web 0 false\nworker 3 true\n"));
    let report = go(&mut r, "", false);
    assert_eq!(
        step(&report, "web runs as uid 10001").status,
        Status::Failed
    );
    let s = step(&report, "nothing restarting");
    assert_eq!(s.detail, "worker restarted 3 times");
    assert_eq!(s.service.as_deref(), Some("worker"));
}

#[test]
fn keep_leaves_the_stack_running() {
    let mut r = Scripted::healthy();
    let report = go(&mut r, "", true);
    assert!(report.kept && report.ok);
    assert!(!r.ran(" down "));
}

#[test]
fn ctrl_c_stops_the_checks_and_still_tears_down_even_with_keep() {
    let cancel = AtomicBool::new(false);
    let mut r = Scripted::healthy();
    r.cancel_on = Some((" build", &cancel));
    let report = go_with(&mut r, "", true, &cancel);
    assert!(report.cancelled && !report.ok && !report.kept);
    assert!(!r.ran(" up --detach"));
    let down = r
        .ran
        .iter()
        .find(|c| c.line().contains(" down "))
        .expect("torn down");
    assert!(!down.cancellable);
}

#[test]
fn a_one_off_schema_command_runs_in_web() {
    let mut e = expect();
    e.schema_command = Some(vec!["app".into(), "init-db".into()]);
    let cancel = AtomicBool::new(false);
    let mut r = Scripted::healthy();
    let report = verify(
        &setup(false),
        &e,
        &EnvFile::default(),
        &mut r,
        &mut |_| {},
        &cancel,
    );
    assert_eq!(
        step(&report, "one-off `app init-db` in web").status,
        Status::Passed
    );
    assert!(r.ran("exec -T web app init-db"));
}

#[test]
fn compose_ps_json_of_old_and_new_releases() {
    let array = r#"[{"Service":"web","State":"running","Health":"healthy","ExitCode":0},{"Service":"migrate","State":"exited","ExitCode":2}]"#;
    let lines = "{\"Service\":\"web\",\"State\":\"running\",\"Health\":\"healthy\",\"ExitCode\":0}\n{\"Service\":\"migrate\",\"State\":\"exited\",\"ExitCode\":2}\n";
    for text in [array, lines] {
        let s = steps::parse_states(text);
        assert_eq!(s["web"].health, "healthy");
        assert_eq!(
            (s["migrate"].state.as_str(), s["migrate"].exit_code),
            ("exited", 2)
        );
    }
}

#[test]
fn the_allowed_host_is_the_first_plain_name() {
    assert_eq!(
        allowed_host("*,example.com", ","),
        Some("example.com".into())
    );
    assert_eq!(
        allowed_host(".example.com web", " "),
        Some("example.com".into())
    );
    assert_eq!(allowed_host("*", ","), None);
    assert_eq!(allowed_host("", ","), None);
}
