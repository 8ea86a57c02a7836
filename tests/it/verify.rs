//! `dockgen verify` where no Docker is needed: what it says before it would start anything. The
//! checks themselves run against a scripted runner (src/verify/tests.rs) and, in the end-to-end tier,
//! against the corpus (tests/e2e/corpus.sh).

use crate::cli::{copy_fixture, dockgen, run};

#[test]
fn verify_before_init_says_to_run_init() {
    let dir = copy_fixture("django-celery-pip");
    let (code, out, err) = run(dockgen(dir.path()).args(["verify"]));
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, "");
    assert!(err.contains("error: nothing to verify: "), "{err}");
    assert!(err.contains("has no docker-compose.yml"), "{err}");
    assert!(err.contains("hint: run `dockgen init` first"), "{err}");
}

#[test]
fn verify_without_docker_says_what_to_install() {
    let dir = copy_fixture("django-celery-pip");
    let (code, _, err) = run(dockgen(dir.path()).args(["init", "--yes"]));
    assert_eq!(code, 0, "{err}");
    // A PATH with no docker on it.
    let empty = tempfile::tempdir().unwrap();
    let (code, out, err) = run(dockgen(dir.path())
        .args(["verify"])
        .env("PATH", empty.path()));
    assert_eq!(code, 1, "{err}");
    assert_eq!(out, "");
    assert!(err.contains("error: `docker` cannot be run"), "{err}");
    assert!(
        err.contains("hint: install Docker Engine 20.10 or newer with the Compose v2 plugin"),
        "{err}"
    );
}

#[test]
fn a_docker_too_old_or_compose_v1_is_refused() {
    let dir = copy_fixture("django-celery-pip");
    let (code, _, err) = run(dockgen(dir.path()).args(["init", "--yes"]));
    assert_eq!(code, 0, "{err}");
    // Stand-ins for docker: an engine of the given version and a Compose v1.
    let bin = tempfile::tempdir().unwrap();
    let fake = |name: &str, script: &str| {
        use std::os::unix::fs::PermissionsExt;
        let p = bin.path().join(name);
        std::fs::write(&p, format!("#!/bin/sh\n{script}\n")).unwrap();
        std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
    };
    fake("docker-compose", "echo 1.29.2");
    fake(
        "docker",
        "case \"$1\" in version) echo \"$ENGINE\";; compose) exit 1;; esac",
    );
    let path = format!("{}:/usr/bin:/bin", bin.path().display());
    let (code, _, err) = run(dockgen(dir.path())
        .args(["verify"])
        .env("PATH", &path)
        .env("ENGINE", "19.03.8"));
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("Docker Engine 19.03.8 is too old: verify needs 20.10 or newer"),
        "{err}"
    );
    let (code, _, err) = run(dockgen(dir.path())
        .args(["verify"])
        .env("PATH", &path)
        .env("ENGINE", "24.0.7"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("Compose v2 was not found"), "{err}");
    assert!(err.contains("`docker-compose` is version 1.29.2"), "{err}");
}

#[test]
fn verify_usage_errors_exit_2() {
    let dir = copy_fixture("django-celery-pip");
    let (code, _, err) = run(dockgen(dir.path()).args(["verify", "--wait-timeout", "0"]));
    assert_eq!(code, 2, "{err}");
}

/// Stand-ins for `docker` and a Compose v2 binary that answer like a healthy stack would, log every
/// call (and the override file verify passes) to `calls.log`, and serve HTTP on the host port verify
/// publishes web on (python3's http.server, started by `up` and stopped by `down`). With them the
/// whole binary runs: the tools check, each step, the report, the exit code and the teardown.
struct FakeDocker {
    bin: tempfile::TempDir,
}

const FAKE_COMPOSE: &str = r##"#!/bin/sh
log="$FAKE_DIR/calls.log"
echo "compose WEB_PORT=$WEB_PORT $*" >>"$log"
# Drop the global options: --project-name P --file F --file OVERRIDE.
while [ "$#" -gt 0 ]; do
  case "$1" in
    --project-name) shift 2 ;;
    --file) case "$2" in /*) echo "override: $(tr '\n' '|' <"$2")" >>"$log" ;; esac; shift 2 ;;
    *) break ;;
  esac
done
case "$1" in
  version) echo 2.40.3 ;;
  config) if [ -n "${FAKE_CONFIG_FAIL:-}" ]; then
      echo "error while interpolating services.db.environment.POSTGRES_PASSWORD: required variable POSTGRES_PASSWORD is missing a value: set POSTGRES_PASSWORD in .env" >&2; exit 1; fi ;;
  build) echo "#1 building" ;;
  up) python3 -m http.server "$WEB_PORT" --bind 127.0.0.1 >/dev/null 2>&1 &
      echo $! >"$FAKE_DIR/http.pid"
      for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
        python3 -c "import socket, sys; socket.create_connection(('127.0.0.1', int(sys.argv[1])), 1)" "$WEB_PORT" 2>/dev/null && exit 0
        sleep 0.25
      done; exit 1 ;;
  ps) if [ "$2" = "--all" ] && [ "$3" = "--quiet" ]; then echo c1; exit 0; fi
      for s in web db redis; do echo "{\"Service\":\"$s\",\"State\":\"running\",\"Health\":\"healthy\",\"ExitCode\":0}"; done
      for s in worker beat; do echo "{\"Service\":\"$s\",\"State\":\"running\",\"Health\":\"\",\"ExitCode\":0}"; done
      echo '{"Service":"migrate","State":"exited","Health":"","ExitCode":0}' ;;
  exec) case "$3 $4" in
      "db psql") echo 7 ;;
      "web id") echo "${FAKE_UID:-10001}" ;;
      "worker celery") echo "-> celery@w: OK" ;;
      *) exit 1 ;; esac ;;
  logs) echo "$3-1  | some log line" ;;
  down) kill "$(cat "$FAKE_DIR/http.pid")" 2>/dev/null; echo removed ;;
esac
"##;

const FAKE_DOCKER: &str = r#"#!/bin/sh
echo "docker $*" >>"$FAKE_DIR/calls.log"
case "$1" in
  version) echo 20.10.24 ;;
  inspect) echo "web 0 false" ;;
  image) exit 0 ;;
  compose) exit 1 ;;
esac
"#;

impl FakeDocker {
    fn new() -> FakeDocker {
        use std::os::unix::fs::PermissionsExt;
        let bin = tempfile::tempdir().unwrap();
        for (name, text) in [("docker-compose", FAKE_COMPOSE), ("docker", FAKE_DOCKER)] {
            let p = bin.path().join(name);
            std::fs::write(&p, text).unwrap();
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o755)).unwrap();
        }
        FakeDocker { bin }
    }
    fn path(&self) -> String {
        format!(
            "{}:{}",
            self.bin.path().display(),
            std::env::var("PATH").unwrap()
        )
    }
    fn calls(&self) -> String {
        std::fs::read_to_string(self.bin.path().join("calls.log")).unwrap_or_default()
    }
}

fn generated() -> tempfile::TempDir {
    let dir = copy_fixture("django-celery-pip");
    let (code, _, err) = run(dockgen(dir.path()).args(["init", "--yes"]));
    assert_eq!(code, 0, "{err}");
    dir
}

#[test]
fn verify_runs_every_step_on_a_throwaway_project_and_tears_it_down() {
    let dir = generated();
    let fake = FakeDocker::new();
    let (code, out, err) = run(dockgen(dir.path())
        .args(["verify"])
        .env("PATH", fake.path())
        .env("FAKE_DIR", fake.bin.path()));
    assert_eq!(code, 0, "{err}");
    assert_eq!(out, "", "the report goes to stderr");
    for want in [
        "  ok      compose file resolves (",
        "  ok      build (",
        "  ok      up --wait (",
        "  ok      migrate exited 0 (",
        "  ok      services running and healthy (",
        "): web, worker, beat, db, redis\n",
        "  ok      web answers GET / (",
        "  ok      tables in Postgres (",
        "): 7 tables in database `app`\n",
        "  ok      worker alive and connected (",
        "  ok      beat alive and connected (",
        "  ok      web runs as uid 10001 (",
        "  ok      nothing restarting (",
        "  ok      teardown (",
        "dockgen: the stack works: 12 checks passed in ",
    ] {
        assert!(err.contains(want), "{want}\n---\n{err}");
    }
    let calls = fake.calls();
    // Compose was found as the v2 binary (the plugin is missing), and every call names the run's own
    // project and override, and the host port it chose.
    let project = calls
        .split("--project-name ")
        .nth(1)
        .and_then(|s| s.split_whitespace().next())
        .unwrap()
        .to_string();
    assert!(project.starts_with("dockgen-verify-"), "{calls}");
    let compose_calls: Vec<&str> = calls
        .lines()
        .filter(|l| l.starts_with("compose "))
        .collect();
    let port = compose_calls[1]
        .split_whitespace()
        .nth(1)
        .unwrap()
        .trim_start_matches("WEB_PORT=");
    assert!(port.parse::<u16>().is_ok_and(|p| p != 8000), "{calls}");
    for c in compose_calls.iter().skip(1) {
        assert!(
            c.contains(&format!(
                "WEB_PORT={port} --project-name {project} --file docker-compose.yml --file /"
            )),
            "{c}"
        );
    }
    assert!(
        calls.contains(&format!(
            "override: # dockgen verify: the throwaway project's own image tag.|services:|  web:|    image: \"{project}-app:verify\"|  migrate:|"
        )),
        "{calls}"
    );
    assert!(
        calls.contains(" down --volumes --remove-orphans --timeout 10"),
        "{calls}"
    );
    assert!(
        calls.contains(&format!("docker image rm --force {project}-app:verify")),
        "{calls}"
    );
    // The HTTP server `up` started is gone: torn down.
    assert!(std::net::TcpStream::connect(("127.0.0.1", port.parse::<u16>().unwrap())).is_err());
}

#[test]
fn verify_json_and_a_failed_check_exit_1_with_the_hint() {
    let dir = generated();
    let fake = FakeDocker::new();
    let env = std::fs::read_to_string(dir.path().join(".env")).unwrap();
    let line = env
        .lines()
        .position(|l| l.starts_with("POSTGRES_PASSWORD="))
        .unwrap()
        + 1;
    let emptied: String = env
        .lines()
        .map(|l| match l.starts_with("POSTGRES_PASSWORD=") {
            true => "POSTGRES_PASSWORD=",
            false => l,
        })
        .map(|l| format!("{l}\n"))
        .collect();
    std::fs::write(dir.path().join(".env"), emptied).unwrap();
    let (code, _, err) = run(dockgen(dir.path())
        .args(["verify"])
        .env("PATH", fake.path())
        .env("FAKE_DIR", fake.bin.path())
        .env("FAKE_CONFIG_FAIL", "1"));
    assert_eq!(code, 1, "{err}");
    assert!(err.contains("  FAILED  compose file resolves ("), "{err}");
    assert!(
        err.contains(&format!(
            "hint: set POSTGRES_PASSWORD in `.env` (line {line} is empty): the app needs it"
        )),
        "{err}"
    );
    assert!(
        err.contains("dockgen: the stack does not work yet: 1 of 1 checks failed"),
        "{err}"
    );
    assert!(!fake.calls().contains(" build"), "stopped before the build");

    // The JSON report, with a wrong uid: the failure is data.
    let (code, out, err) = run(dockgen(dir.path())
        .args(["verify", "--json"])
        .env("PATH", fake.path())
        .env("FAKE_DIR", fake.bin.path())
        .env("FAKE_UID", "0"));
    assert_eq!(code, 1, "{err}");
    let v: serde_json::Value = serde_json::from_str(&out).unwrap();
    assert_eq!(v["ok"], false);
    let failed: Vec<&serde_json::Value> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["status"] == "failed")
        .collect();
    assert_eq!(failed.len(), 1, "{out}");
    assert_eq!(failed[0]["name"], "web runs as uid 10001");
    assert!(
        failed[0]["detail"]
            .as_str()
            .unwrap()
            .starts_with("web runs as uid 0, not the planned 10001")
    );
    assert_eq!(
        v["steps"].as_array().unwrap().last().unwrap()["name"],
        "teardown"
    );
}
