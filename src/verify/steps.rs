//! The steps of a verify run, in order: the compose file resolves, the image builds, the stack comes
//! up, the app's own schema command (if any) runs, then the checks of what the plan promises, and the
//! teardown. Each step builds its commands, runs them through the [`super::Runner`] and reads their
//! output into a [`Found`].

use std::collections::BTreeMap;
use std::time::Duration;

use super::{Found, Run, Status, diagnose};
use crate::base::kinds::Service;
use crate::plan::WorkerProbe;

const SHORT: Duration = Duration::from_secs(30);
const PROBE: Duration = Duration::from_secs(60);
const BUILD: Duration = Duration::from_secs(30 * 60);
/// The most log lines a failure shows.
const LOG_LINES: usize = 25;

/// A compose service's state, from `compose ps --format json`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct State {
    pub state: String,
    pub health: String,
    pub exit_code: i64,
}

/// Every step up to the teardown. Stops early when the stack cannot be built, or on Ctrl-C.
pub(crate) fn all(run: &mut Run) {
    if run.step("compose file resolves", config) != Status::Passed || run.cancelled() {
        return;
    }
    if run.step("build", build) != Status::Passed || run.cancelled() {
        return;
    }
    run.step("up --wait", up);
    if let Some(cmd) = run.expect.schema_command.clone() {
        let name = format!("one-off `{}` in web", cmd.join(" "));
        run.step(&name, |r| one_off(r, &cmd));
    }
    if !run.cancelled() {
        checks(run);
    }
}

/// The checks of what the plan promises, once the stack is up (or as far as it came up).
fn checks(run: &mut Run) {
    let states = states(run);
    if run.expect.migrate {
        run.step("migrate exited 0", |r| migrate(r, &states));
    }
    run.step("services running and healthy", |r| services(r, &states));
    let up = |name: &str| states.get(name).is_some_and(|s| s.state == "running");
    let mut paths = Vec::new();
    if let Some(p) = run.expect.health_path.clone() {
        paths.push(p);
    }
    if !paths.iter().any(|p| p == "/") {
        paths.push("/".into());
    }
    for path in paths {
        if run.cancelled() {
            return;
        }
        let health = run.expect.health_path.as_deref() == Some(path.as_str());
        run.step(&format!("web answers GET {path}"), |r| match up("web") {
            true => http(r, &path, health),
            false => Found::skip("web is not running"),
        });
    }
    // After a failed migration no tables is its consequence, not a second finding.
    let migrated = !run.expect.migrate
        || states
            .get("migrate")
            .is_some_and(|s| s.state == "exited" && s.exit_code == 0);
    if let Some(database) = run.expect.database {
        let title = database_title(database);
        run.step(&format!("tables in {title}"), |r| {
            match (up("db"), migrated) {
                (true, true) => tables(r, database),
                (true, false) => Found::skip("the migration did not complete"),
                (false, _) => Found::skip("db is not running"),
            }
        });
    }
    for (name, probe) in run.expect.workers.clone() {
        if run.cancelled() {
            return;
        }
        run.step(&format!("{name} alive and connected"), |r| {
            match (up(&name), &probe) {
                (false, _) => Found::skip(format!("{name} is not running")),
                (true, Some(p)) => worker(r, &name, p, up("redis")),
                (true, None) => Found::pass(format!("{name} is running")),
            }
        });
    }
    run.step(
        &format!("web runs as uid {}", run.expect.uid),
        |r| match up("web") {
            true => uid(r),
            false => Found::skip("web is not running"),
        },
    );
    run.step("nothing restarting", restarts);
}

/// The failed command's output as log lines, with the hints its signatures give.
fn failed(run: &Run, what: String, out: &super::Output) -> Found {
    let text = out.text();
    let mut f = Found::fail(match (&out.spawn_error, out.timed_out) {
        (Some(e), _) => format!("{what}: {e}"),
        (None, true) => format!("{what}: ran past its time limit and was stopped"),
        _ => what,
    });
    f.log = last_lines(&text, LOG_LINES);
    f.hints = diagnose::hints(&text, &run.expect.env_names, run.env);
    f
}

fn last_lines(text: &str, n: usize) -> Vec<String> {
    let lines: Vec<&str> = text.lines().filter(|l| !l.trim().is_empty()).collect();
    lines[lines.len().saturating_sub(n)..]
        .iter()
        .map(|l| l.to_string())
        .collect()
}

fn config(run: &mut Run) -> Found {
    let out = run.runner.run(&run.compose(&["config", "--quiet"], SHORT));
    match out.ok() {
        true => Found::pass(format!(
            "{} with .env, on host port {}",
            run.setup.compose_file, run.port
        )),
        false => failed(
            run,
            "`docker compose config` refused the stack".into(),
            &out,
        ),
    }
}

/// Builds web's image: the other app services share it (the same tag), so `up` finds it built.
fn build(run: &mut Run) -> Found {
    let out = run.runner.run(&run.compose(&["build", "web"], BUILD));
    match out.ok() {
        true => Found::pass("the image built"),
        false => failed(run, "the image did not build".into(), &out),
    }
}

fn up(run: &mut Run) -> Found {
    let wait = run.setup.wait_timeout.to_string();
    let timeout = Duration::from_secs(run.setup.wait_timeout + 60);
    let out = run.runner.run(&run.compose(
        &["up", "--detach", "--wait", "--wait-timeout", &wait],
        timeout,
    ));
    match out.ok() {
        true => Found::pass("every service started; the healthchecks passed"),
        // The checks below say which service, with its log.
        false => {
            let mut f = failed(run, "the stack did not come up".into(), &out);
            f.hints.clear();
            f.log = last_lines(&out.text(), 8);
            f
        }
    }
}

fn one_off(run: &mut Run, cmd: &[String]) -> Found {
    let mut args = vec!["exec", "-T", "web"];
    args.extend(cmd.iter().map(String::as_str));
    let out = run.runner.run(&run.compose(&args, PROBE));
    match out.ok() {
        true => Found::pass("it ran"),
        false => failed(run, format!("`{}` failed in web", cmd.join(" ")), &out),
    }
}

/// Every container's state by service, from `compose ps --all --format json` (a JSON array from
/// older Compose v2 releases, one object a line from newer ones).
fn states(run: &mut Run) -> BTreeMap<String, State> {
    let out = run
        .runner
        .run(&run.compose(&["ps", "--all", "--format", "json"], SHORT));
    parse_states(&out.stdout)
}

pub(crate) fn parse_states(text: &str) -> BTreeMap<String, State> {
    let values: Vec<serde_json::Value> = match serde_json::from_str(text.trim()) {
        Ok(serde_json::Value::Array(a)) => a,
        _ => text
            .lines()
            .filter_map(|l| serde_json::from_str(l.trim()).ok())
            .collect(),
    };
    values
        .iter()
        .filter_map(|v| {
            let s = |k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or("").to_string();
            Some((
                v.get("Service")?.as_str()?.to_string(),
                State {
                    state: s("State"),
                    health: s("Health"),
                    exit_code: v.get("ExitCode").and_then(|x| x.as_i64()).unwrap_or(0),
                },
            ))
        })
        .collect()
}

/// The last lines of `service`'s log, and the hints they give.
fn with_log(run: &mut Run, mut f: Found, service: &str) -> Found {
    let out = run
        .runner
        .run(&run.compose(&["logs", "--no-color", "--tail", "60", service], SHORT));
    let text = out.text();
    f.service = Some(service.to_string());
    f.log = last_lines(&text, LOG_LINES);
    for h in diagnose::hints(&text, &run.expect.env_names, run.env) {
        if !f.hints.contains(&h) {
            f.hints.push(h);
        }
    }
    f
}

fn migrate(run: &mut Run, states: &BTreeMap<String, State>) -> Found {
    match states.get("migrate") {
        Some(s) if s.state == "exited" && s.exit_code == 0 => {
            Found::pass("it applied the migrations and exited 0")
        }
        Some(s) if s.state == "exited" => {
            let f = Found::fail(format!("the migrate service exited {}", s.exit_code));
            let mut f = with_log(run, f, "migrate");
            f.hints.push("the migration command failed: its log above says why; `docker compose run --rm migrate` runs it again".into());
            f
        }
        Some(s) => with_log(
            run,
            Found::fail(format!("the migrate service is {}, not exited", s.state)),
            "migrate",
        ),
        None => Found::fail(
            "the migrate service never started (the database it waits for did not become healthy)",
        ),
    }
}

fn services(run: &mut Run, states: &BTreeMap<String, State>) -> Found {
    let mut bad = Vec::new();
    for (name, healthcheck) in &run.expect.long_running {
        let problem = match states.get(name) {
            None => Some("never started".to_string()),
            Some(s) if s.state != "running" => Some(match s.state.as_str() {
                "exited" => format!("exited {}", s.exit_code),
                other => other.to_string(),
            }),
            Some(s) if *healthcheck && s.health != "healthy" => Some(match s.health.as_str() {
                "" => "running without a healthcheck result".to_string(),
                h => h.to_string(),
            }),
            Some(_) => None,
        };
        if let Some(p) = problem {
            bad.push((name.clone(), p));
        }
    }
    let names: Vec<&str> = run
        .expect
        .long_running
        .iter()
        .map(|(n, _)| n.as_str())
        .collect();
    let Some((first, _)) = bad.first().cloned() else {
        return Found::pass(names.join(", "));
    };
    let detail = bad
        .iter()
        .map(|(n, p)| format!("{n}: {p}"))
        .collect::<Vec<_>>()
        .join("; ");
    // A service that never started waited on another: the log of one that ran and stopped (or keeps
    // restarting) says why, else of one that has a container at all.
    let ran = |n: &String| {
        states
            .get(n)
            .is_some_and(|s| matches!(s.state.as_str(), "exited" | "restarting" | "dead"))
    };
    let service = bad
        .iter()
        .find(|(n, _)| ran(n))
        .or_else(|| bad.iter().find(|(n, _)| states.contains_key(n)))
        .map_or(first, |(n, _)| n.clone());
    with_log(run, Found::fail(detail), &service)
}

fn http(run: &mut Run, path: &str, health: bool) -> Found {
    let mut answer = Err(String::new());
    for attempt in 0..3 {
        if attempt > 0 {
            run.runner.sleep(Duration::from_secs(1));
        }
        answer = run.runner.http_get(run.port, path, &run.expect.host);
        if answer.is_ok() {
            break;
        }
    }
    let host = &run.expect.host;
    let f = match answer {
        Ok(code) if code < 400 => return Found::pass(format!("HTTP {code} (Host: {host})")),
        // A route the app lacks answers 404 at `/` in an API-only app: it still answered.
        Ok(404) if !health => {
            return Found::pass(format!(
                "HTTP 404 (Host: {host}): the app answers; it has no page at /"
            ));
        }
        Ok(code) => {
            let mut f = Found::fail(format!("HTTP {code} (Host: {host})"));
            if code == 400
                && let Some(var) = &run.expect.allowed_hosts_var
            {
                f.hints.push(format!(
                    "a 400 is what a Host the settings do not allow gets: {} so that it allows `{host}`",
                    run.env.where_to_set(var)
                ));
            }
            f
        }
        Err(e) => Found::fail(format!("no answer on 127.0.0.1:{}: {e}", run.port)),
    };
    with_log(run, f, "web")
}

/// Reads one number from a command's output (the last line that is one).
fn number(text: &str) -> Option<i64> {
    text.lines().rev().find_map(|l| l.trim().parse().ok())
}

/// The database's name in the report.
fn database_title(database: Service) -> &'static str {
    match database {
        Service::Mariadb => "MariaDB",
        _ => "Postgres",
    }
}

fn tables(run: &mut Run, database: Service) -> Found {
    if database == Service::Mariadb {
        return mariadb_tables(run);
    }
    let user = run
        .env
        .value("POSTGRES_USER")
        .filter(|v| !v.is_empty())
        .unwrap_or("app")
        .to_string();
    let db = run
        .env
        .value("POSTGRES_DB")
        .filter(|v| !v.is_empty())
        .unwrap_or("app")
        .to_string();
    let sql = "select count(*) from information_schema.tables where table_schema not in ('pg_catalog', 'information_schema')";
    let cmd = run.compose(
        &[
            "exec", "-T", "db", "psql", "-U", &user, "-d", &db, "-tAc", sql,
        ],
        SHORT,
    );
    let out = run.runner.run(&cmd);
    counted(run, out, &db, database)
}

/// MariaDB's tables, counted by its client in the db service as the app's user: the credentials are
/// the service's own environment, so no password is on a command line outside the container.
fn mariadb_tables(run: &mut Run) -> Found {
    let db = run
        .env
        .value("MARIADB_DATABASE")
        .filter(|v| !v.is_empty())
        .unwrap_or("app")
        .to_string();
    let script = "MYSQL_PWD=\"$MARIADB_PASSWORD\" exec mariadb -u\"$MARIADB_USER\" -D\"$MARIADB_DATABASE\" -N -e 'select count(*) from information_schema.tables where table_schema = database()'";
    let cmd = run.compose(&["exec", "-T", "db", "sh", "-c", script], SHORT);
    let out = run.runner.run(&cmd);
    counted(run, out, &db, Service::Mariadb)
}

/// The verdict on a table count the database's client printed.
fn counted(run: &mut Run, out: super::Output, db: &str, database: Service) -> Found {
    let title = database_title(database);
    match (out.ok(), number(&out.stdout)) {
        (true, Some(n)) if n > 0 => Found::pass(format!("{n} tables in database `{db}`")),
        (true, Some(_)) => {
            let mut f = Found::fail(format!(
                "no tables in database `{db}`: nothing the app ran created its schema in the generated {title}"
            ));
            f.hints.push(format!("the app does not use the generated {title}: it probably falls back to SQLite (or another database) when the variable compose sets is not the one it reads; point its database setting at DATABASE_URL"));
            with_log(run, f, if run.expect.migrate { "migrate" } else { "web" })
        }
        _ => {
            let client = if database == Service::Mariadb {
                "mariadb"
            } else {
                "psql"
            };
            failed(run, format!("{client} in the db service failed"), &out)
        }
    }
}

fn worker(run: &mut Run, name: &str, probe: &WorkerProbe, redis_up: bool) -> Found {
    // A worker connects a moment after it starts: a few tries, a few seconds apart.
    let mut last = super::Output::default();
    for attempt in 0..4 {
        if attempt > 0 {
            run.runner.sleep(Duration::from_secs(2));
        }
        // A probe that hung (a broker out of reach) hangs again: one is enough.
        if run.cancelled() || last.timed_out {
            break;
        }
        match probe {
            WorkerProbe::Exec(words) => {
                let mut args = vec!["exec", "-T", name];
                args.extend(words.iter().map(String::as_str));
                last = run.runner.run(&run.compose(&args, Duration::from_secs(20)));
                if last.ok() {
                    return Found::pass(format!("`{}` answered", words.join(" ")));
                }
            }
            WorkerProbe::RedisSet(key) => {
                if !redis_up {
                    return Found::skip("redis is not running");
                }
                let cmd = run.compose(&["exec", "-T", "redis", "redis-cli", "SCARD", key], SHORT);
                last = run.runner.run(&cmd);
                if let Some(n) = number(&last.stdout).filter(|n| *n > 0) {
                    return Found::pass(format!("{n} worker(s) registered in Redis ({key})"));
                }
            }
        }
    }
    let what = match probe {
        WorkerProbe::Exec(words) => format!("`{}` got no answer from {name}", words.join(" ")),
        WorkerProbe::RedisSet(key) => format!("no worker registered in Redis ({key})"),
    };
    let mut f = failed(run, what, &last);
    f.log.clear();
    let mut f = with_log(run, f, name);
    if f.hints.is_empty() {
        f.hints.push(format!("{name} runs but does not answer through its broker: check the broker URL it reads (compose sets it to redis://redis:6379/0) and its log above"));
    }
    f
}

fn uid(run: &mut Run) -> Found {
    let out = run
        .runner
        .run(&run.compose(&["exec", "-T", "web", "id", "-u"], SHORT));
    let want = run.expect.uid;
    match number(&out.stdout) {
        Some(n) if n == i64::from(want) => Found::pass(format!("uid {n}")),
        Some(n) => Found::fail(format!(
            "web runs as uid {n}, not the planned {want}: the Dockerfile's USER was changed, or compose sets `user:`"
        )),
        None => failed(run, "`id -u` in web failed".into(), &out),
    }
}

fn restarts(run: &mut Run) -> Found {
    let ids = run
        .runner
        .run(&run.compose(&["ps", "--all", "--quiet"], SHORT));
    let ids: Vec<&str> = ids.stdout.split_whitespace().collect();
    if ids.is_empty() {
        return Found::skip("no containers");
    }
    let mut args = vec![
        "inspect",
        "--format",
        "{{index .Config.Labels \"com.docker.compose.service\"}} {{.RestartCount}} {{.State.Restarting}}",
    ];
    args.extend(ids.iter().copied());
    let out = run.runner.run(&run.docker(&args, SHORT));
    if !out.ok() {
        return failed(run, "`docker inspect` failed".into(), &out);
    }
    let restarting: Vec<(String, String)> = out
        .stdout
        .lines()
        .filter_map(|l| {
            let mut w = l.split_whitespace();
            let (svc, count, now) = (w.next()?, w.next()?, w.next()?);
            (count != "0" || now == "true").then(|| (svc.to_string(), count.to_string()))
        })
        .collect();
    match restarting.first() {
        None => Found::pass(format!("no restarts in {} containers", ids.len())),
        Some((svc, _)) => {
            let detail = restarting
                .iter()
                .map(|(s, n)| format!("{s} restarted {n} times"))
                .collect::<Vec<_>>()
                .join("; ");
            let svc = svc.clone();
            with_log(run, Found::fail(detail), &svc)
        }
    }
}

/// Removes the throwaway project's containers, network and volumes, and its image tag.
pub(crate) fn teardown(run: &mut Run, tag: &str) {
    // Nothing was created when the compose file did not resolve (and `down` would fail the same way).
    let created = run.steps.iter().any(|s| s.name == "build");
    if !created {
        return;
    }
    run.step("teardown", |r| {
        // Ctrl-C does not stop the teardown: it is what Ctrl-C asks for.
        let mut down = r.compose(
            &["down", "--volumes", "--remove-orphans", "--timeout", "10"],
            Duration::from_secs(180),
        );
        down.cancellable = false;
        let out = r.runner.run(&down);
        let mut rmi = r.docker(&["image", "rm", "--force", tag], SHORT);
        rmi.cancellable = false;
        let _ = r.runner.run(&rmi);
        match out.ok() {
            true => Found::pass("containers, network and volumes removed"),
            false => failed(
                r,
                format!(
                    "`docker compose -p {} down --volumes` failed",
                    r.setup.project
                ),
                &out,
            ),
        }
    });
}
