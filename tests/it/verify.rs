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
