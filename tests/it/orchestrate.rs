//! The orchestrator targets over every fixture: golden snapshots of the Kustomize tree and the stack
//! file, and the offline validators: `kubectl kustomize` of each overlay, `kubernetes-validate
//! --strict` against a pinned Kubernetes version, checkov's Kubernetes policies with no failed check,
//! and `docker stack config` (the CLI alone: it is pointed at no daemon). No cluster is started; the
//! end-to-end tier deploys the stack file to a real single-node Swarm.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use dockgen::detect::{Options, detect};
use dockgen::orchestrate::{Orchestration, Targets};
use dockgen::output::render::{Templates, render_targets};
use dockgen::plan::{Plan, PlanOptions, plan};

use crate::generated_files::{fixture_names, tool};
use crate::support::{fixtures, settings, snapshot_text};

/// The Kubernetes version the manifests are validated against (kubectl's on this machine's image).
const KUBERNETES_VERSION: &str = "1.32.0";

/// Every target, and an Ingress host (the Ingress is checked on every fixture too).
fn all() -> Orchestration {
    Orchestration {
        targets: Targets {
            compose: true,
            kubernetes: true,
            swarm: true,
        },
        ingress_host: Some("app.example.com".into()),
    }
}

fn planned(fixture: &str) -> Option<Plan> {
    let p = detect(&fixtures().join(fixture), &Options::default()).ok()?;
    let opts = PlanOptions {
        name_hint: Some(fixture.to_string()),
        ..PlanOptions::default()
    };
    Some(plan(&p, &opts).unwrap())
}

/// The files the orchestrator targets add (the Kustomize tree and the stack file) for a fixture.
fn orchestrated(fixture: &str) -> Option<(Plan, BTreeMap<String, String>)> {
    let plan = planned(fixture)?;
    let all = match render_targets(&plan, &all(), &Templates::default()) {
        Ok(all) => all,
        // The orchestrator targets refuse a RabbitMQ broker and a MariaDB database
        // (`a_rabbitmq_broker_is_refused_for_the_orchestrator_targets`, `a_mariadb_...`).
        Err(_)
            if plan.runs(dockgen::knowledge::Service::Rabbitmq)
                || plan.runs(dockgen::knowledge::Service::Mariadb) =>
        {
            return None;
        }
        Err(e) => panic!("{fixture}: {e}"),
    };
    let compose_only = dockgen::output::render::render(&plan).unwrap();
    let added = all
        .into_iter()
        .filter(|(name, _)| !compose_only.contains_key(name))
        .collect();
    Some((plan, added))
}

/// `secrets.env.example` as a user fills it in: each empty active value gets one.
fn filled(example: &str) -> String {
    example
        .lines()
        .map(|l| match l.strip_suffix('=') {
            Some(name) if !l.starts_with('#') => format!("{name}=test-value-{name}\n"),
            _ => format!("{l}\n"),
        })
        .collect()
}

/// Writes the tree into `dir`, with each overlay's secrets.env filled in from its example.
fn write_tree(dir: &Path, files: &BTreeMap<String, String>) {
    for (name, text) in files {
        let path = dir.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(&path, text).unwrap();
        if let Some(real) = name.strip_suffix(".example") {
            std::fs::write(dir.join(real), filled(text)).unwrap();
        }
    }
}

fn output(cmd: &mut Command) -> (bool, String) {
    let out = cmd.output().expect("the tool runs");
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    (out.status.success(), text)
}

/// `kubectl kustomize` of an overlay: the manifests as YAML.
fn kustomize(overlay: &Path) -> Result<String, String> {
    let out = Command::new(tool("kubectl"))
        .arg("kustomize")
        .arg(overlay)
        .output()
        .expect("kubectl runs");
    if out.status.success() {
        Ok(String::from_utf8_lossy(&out.stdout).into_owned())
    } else {
        Err(String::from_utf8_lossy(&out.stderr).into_owned())
    }
}

/// A YAML node as JSON (scalars as YAML 1.2 core types).
fn json(y: &yaml_rust2::Yaml) -> serde_json::Value {
    use serde_json::Value;
    use yaml_rust2::Yaml;
    match y {
        Yaml::Hash(h) => Value::Object(
            h.iter()
                .map(|(k, v)| {
                    (
                        k.as_str().map_or_else(|| format!("{k:?}"), str::to_string),
                        json(v),
                    )
                })
                .collect(),
        ),
        Yaml::Array(a) => Value::Array(a.iter().map(json).collect()),
        Yaml::String(s) => Value::String(s.clone()),
        Yaml::Integer(i) => Value::from(*i),
        Yaml::Real(r) => r.parse::<f64>().map_or(Value::Null, Value::from),
        Yaml::Boolean(b) => Value::Bool(*b),
        _ => Value::Null,
    }
}

/// The documents of a YAML stream, as JSON.
fn documents(yaml: &str) -> Vec<serde_json::Value> {
    yaml_rust2::YamlLoader::load_from_str(yaml)
        .unwrap()
        .iter()
        .map(json)
        .collect()
}

fn find<'a>(docs: &'a [serde_json::Value], kind: &str, name: &str) -> &'a serde_json::Value {
    docs.iter()
        .find(|d| d["kind"] == kind && d["metadata"]["name"] == name)
        .unwrap_or_else(|| panic!("no {kind} {name}"))
}

#[test]
fn golden_orchestrator_files() {
    settings().bind(|| {
        for fixture in fixture_names() {
            let Some((_, files)) = orchestrated(&fixture) else {
                continue;
            };
            insta::assert_snapshot!(format!("orchestrate-{fixture}"), snapshot_text(&files));
        }
    });
}

/// Every fixture's overlays build with kubectl's kustomize, and every resource they make passes the
/// pinned Kubernetes schemas in strict mode (no unknown field) and checkov's Kubernetes policies
/// (each skip is an annotation with its reason in the template). One validator run over all of them.
#[test]
fn every_fixture_kubernetes_output_builds_validates_and_passes_checkov() {
    let trees = tempfile::tempdir().unwrap();
    let built = tempfile::tempdir().unwrap();
    let mut failures = Vec::new();
    let mut checked = 0;
    for fixture in fixture_names() {
        let Some((_, files)) = orchestrated(&fixture) else {
            continue;
        };
        let dir = trees.path().join(&fixture);
        write_tree(&dir, &files);
        for overlay in ["dev", "prod"] {
            match kustomize(&dir.join("deploy/kubernetes/overlays").join(overlay)) {
                Ok(yaml) => {
                    std::fs::write(built.path().join(format!("{fixture}-{overlay}.yaml")), yaml)
                        .unwrap()
                }
                Err(e) => failures.push(format!("{fixture} {overlay}: kubectl kustomize: {e}")),
            }
        }
        checked += 1;
    }
    assert!(checked >= 17, "only {checked} fixtures generated output");
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));

    let mut names: Vec<String> = std::fs::read_dir(built.path())
        .unwrap()
        .flatten()
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    let (ok, text) = output(
        Command::new(tool("kubernetes-validate"))
            .args(["--strict", "--quiet", "-k", KUBERNETES_VERSION])
            .args(&names)
            .current_dir(built.path()),
    );
    assert!(
        ok,
        "kubernetes-validate --strict -k {KUBERNETES_VERSION}:\n{text}"
    );

    let out = Command::new(tool("checkov"))
        .args(["--framework", "kubernetes", "--directory", "."])
        .args([
            "--compact",
            "--quiet",
            "--skip-download",
            "--output",
            "json",
        ])
        .env("BC_SKIP_MAPPING", "TRUE")
        .env("CKV_SKIP_PACKAGE_UPDATE_CHECK", "TRUE")
        .env_remove("BC_API_KEY")
        .current_dir(built.path())
        .output()
        .expect("checkov runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let report: serde_json::Value = serde_json::from_str(&stdout)
        .unwrap_or_else(|_| panic!("checkov gave no JSON report ({}):\n{stdout}", out.status));
    let reports = match report {
        serde_json::Value::Array(v) => v,
        one => vec![one],
    };
    let mut passed = 0;
    for r in &reports {
        passed += r["summary"]["passed"].as_u64().unwrap_or(0);
        for c in r["results"]["failed_checks"]
            .as_array()
            .into_iter()
            .flatten()
        {
            failures.push(format!(
                "{} {}: {} {}",
                c["file_path"].as_str().unwrap_or("?"),
                c["resource"].as_str().unwrap_or("?"),
                c["check_id"].as_str().unwrap_or("?"),
                c["check_name"].as_str().unwrap_or("")
            ));
        }
    }
    failures.sort();
    assert!(failures.is_empty(), "checkov:\n{}", failures.join("\n"));
    assert!(
        passed > 100 * checked as u64,
        "checkov passed only {passed} checks"
    );
    assert!(out.status.success(), "checkov: {}\n{stdout}", out.status);
}

/// The manifests carry the plan's facts, read from kustomize's output: probes on the health route,
/// the numeric uid, the restricted profile, a rolling update that keeps every replica, the migration
/// Job, beat as one replica replaced with Recreate, and no secret value in the tree.
#[test]
fn the_manifests_say_what_the_plan_says() {
    let (plan, files) = orchestrated("django-celery-pip").unwrap();
    let dir = tempfile::tempdir().unwrap();
    write_tree(dir.path(), &files);
    let docs = documents(&kustomize(&dir.path().join("deploy/kubernetes/overlays/prod")).unwrap());
    let name = &plan.image_name;
    let web = find(&docs, "Deployment", &format!("{name}-web"));
    let spec = &web["spec"]["template"]["spec"];
    let c = &spec["containers"][0];
    assert_eq!(web["spec"]["replicas"], 2);
    assert_eq!(
        web["spec"]["strategy"]["rollingUpdate"]["maxUnavailable"],
        0
    );
    assert_eq!(spec["securityContext"]["runAsUser"], plan.uid);
    assert_eq!(spec["securityContext"]["runAsNonRoot"], true);
    assert_eq!(
        spec["securityContext"]["seccompProfile"]["type"],
        "RuntimeDefault"
    );
    assert_eq!(spec["automountServiceAccountToken"], false);
    assert_eq!(c["securityContext"]["readOnlyRootFilesystem"], true);
    assert_eq!(c["securityContext"]["allowPrivilegeEscalation"], false);
    assert_eq!(c["securityContext"]["capabilities"]["drop"][0], "ALL");
    assert_eq!(c["ports"][0]["containerPort"], plan.port);
    assert!(c["readinessProbe"].is_object() && c["startupProbe"].is_object());
    assert!(
        c["livenessProbe"]["tcpSocket"].is_object(),
        "liveness is apart from readiness"
    );
    assert_eq!(c["resources"]["limits"]["memory"], "512Mi");
    assert_eq!(c["image"], format!("{name}:1"));
    let mounts: Vec<&str> = c["volumeMounts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["mountPath"].as_str().unwrap())
        .collect();
    assert!(mounts.contains(&"/tmp"), "{mounts:?}");
    // The ConfigMap and Secret by their hashed names, both read.
    let from: Vec<&str> = c["envFrom"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|e| {
            e["configMapRef"]["name"]
                .as_str()
                .or(e["secretRef"]["name"].as_str())
        })
        .collect();
    assert!(from[0].starts_with(&format!("{name}-config-")), "{from:?}");
    assert!(from[1].starts_with(&format!("{name}-secrets-")), "{from:?}");
    let job = find(&docs, "Job", &format!("{name}-migrate"));
    assert_eq!(
        job["spec"]["template"]["spec"]["containers"][0]["args"],
        serde_json::json!(plan.migration.clone().unwrap().command)
    );
    let beat = find(&docs, "Deployment", &format!("{name}-beat"));
    assert_eq!(beat["spec"]["replicas"], 1);
    assert_eq!(beat["spec"]["strategy"]["type"], "Recreate");
    let worker = find(&docs, "Deployment", &format!("{name}-worker"));
    assert_eq!(worker["spec"]["strategy"]["type"], "RollingUpdate");
    let ping =
        worker["spec"]["template"]["spec"]["containers"][0]["livenessProbe"]["exec"]["command"][2]
            .as_str()
            .unwrap();
    assert!(ping.contains("inspect ping"), "{ping}");
    // prod runs no database of its own; dev does, with the compose healthcheck.
    assert!(!docs.iter().any(|d| d["kind"] == "StatefulSet"));
    let dev = documents(&kustomize(&dir.path().join("deploy/kubernetes/overlays/dev")).unwrap());
    let db = find(&dev, "StatefulSet", "db");
    let probe =
        db["spec"]["template"]["spec"]["containers"][0]["readinessProbe"]["exec"]["command"][2]
            .as_str()
            .unwrap();
    assert!(probe.contains("pg_isready -h 127.0.0.1"), "{probe}");
    find(&dev, "StatefulSet", "redis");
    // No secret value in the generated tree: the examples leave every secret empty, and the tree
    // ignores the real files.
    let prod_example = &files["deploy/kubernetes/overlays/prod/secrets.env.example"];
    for line in prod_example
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
    {
        assert!(line.ends_with('='), "a value in the tree: {line}");
    }
    assert!(files["deploy/kubernetes/.gitignore"].contains("overlays/*/secrets.env"));
    let ingress = find(&docs, "Ingress", &format!("{name}-web"));
    let rule = &ingress["spec"]["rules"][0];
    assert_eq!(rule["host"], "app.example.com");
    assert_eq!(
        rule["http"]["paths"][0]["backend"]["service"]["name"],
        format!("{name}-web")
    );
    assert!(!dev.iter().any(|d| d["kind"] == "Ingress"), "prod only");
    // Each overlay's namespace admits only restricted pods, and everything is in it.
    for (docs, ns) in [(&docs, name.clone()), (&dev, format!("{name}-dev"))] {
        let n = find(docs, "Namespace", &ns);
        assert_eq!(
            n["metadata"]["labels"]["pod-security.kubernetes.io/enforce"],
            "restricted"
        );
        for d in docs.iter().filter(|d| d["kind"] != "Namespace") {
            assert_eq!(
                d["metadata"]["namespace"],
                ns.as_str(),
                "{}",
                d["metadata"]["name"]
            );
        }
    }
}

/// Where each setting goes: what the app requires and its secrets into the Secret (so prod asks for
/// them), defaults and literals into the ConfigMap; the Postgres credentials the app reads itself are
/// asked for in prod too, and the swarm stack takes the same secrets as Docker secrets.
#[test]
fn settings_split_into_the_config_map_and_the_secret() {
    let (_, files) = orchestrated("django-compressor-pip").unwrap();
    let keys = |example: &str| -> Vec<String> {
        example
            .lines()
            .filter(|l| !l.starts_with('#') && l.contains('='))
            .map(|l| l.split('=').next().unwrap().to_string())
            .collect()
    };
    let prod = keys(&files["deploy/kubernetes/overlays/prod/secrets.env.example"]);
    for must in [
        "DATABASE_URL",
        "POSTGRES_HOST",
        "POSTGRES_PASSWORD",
        "SECRET_KEY",
    ] {
        assert!(prod.iter().any(|k| k == must), "{must} in prod: {prod:?}");
    }
    let dev = keys(&files["deploy/kubernetes/overlays/dev/secrets.env.example"]);
    assert!(dev.iter().any(|k| k == "POSTGRES_PASSWORD"), "{dev:?}");
    let base = &files["deploy/kubernetes/base/kustomization.yaml"];
    assert!(base.contains("\"PORT=8000\""), "{base}");
    assert!(base.contains("\"WEB_CONCURRENCY=2\""), "{base}");
    assert!(
        !base.contains("SECRET_KEY"),
        "no secret in the ConfigMap: {base}"
    );
    assert!(!base.contains("DATABASE_URL"), "{base}");
    let stack = &files["stack.yml"];
    for s in ["SECRET_KEY", "DATABASE_URL", "POSTGRES_PASSWORD"] {
        assert!(
            stack.contains(&format!("  {s}:\n    external: true")),
            "{s}: {stack}"
        );
    }
    assert!(
        !stack.contains("SECRET_KEY: \""),
        "no secret in the stack's environment"
    );
}

/// `init --target kubernetes,swarm` writes the tree (making its directories) and stack.yml but no
/// compose file, saves the answer, a rerun changes nothing, and `--check` names an edited manifest.
/// A bad target or host is a usage error.
#[test]
fn init_writes_the_targets_files_and_checks_their_drift() {
    use crate::cli::{copy_fixture, dockgen, run};
    let d = copy_fixture("fastapi-standard-uv");
    let (code, out, err) = run(dockgen(d.path()).args([
        "init",
        "--yes",
        "--target",
        "kubernetes,swarm",
        "--ingress-host",
        "api.example.com",
    ]));
    assert_eq!(code, 0, "{err}");
    for f in [
        "deploy/kubernetes/base/web.yaml",
        "deploy/kubernetes/overlays/prod/ingress.yaml",
        "stack.yml",
        "Dockerfile",
    ] {
        assert!(d.path().join(f).is_file(), "{f} missing: {out}");
        assert!(out.contains(&format!("created     {f}")), "{out}");
    }
    assert!(
        !d.path().join("docker-compose.yml").exists(),
        "compose is not a target"
    );
    assert!(!out.contains("docker compose up"), "{out}");
    assert!(
        out.contains("kubectl apply -k deploy/kubernetes/overlays/dev"),
        "{out}"
    );
    assert!(out.contains("head stack.yml"), "{out}");
    let saved = std::fs::read_to_string(d.path().join("dockgen.toml")).unwrap();
    assert!(saved.contains("target = \"kubernetes,swarm\""), "{saved}");
    assert!(
        saved.contains("ingress-host = \"api.example.com\""),
        "{saved}"
    );
    let (code, out, _) = run(dockgen(d.path()).args(["init", "--yes"]));
    assert_eq!(code, 0);
    assert!(
        !out.contains("created") && !out.contains("updated"),
        "{out}"
    );
    let web = d.path().join("deploy/kubernetes/base/web.yaml");
    let text = std::fs::read_to_string(&web).unwrap();
    std::fs::write(&web, text.replace("replicas: 2", "replicas: 7")).unwrap();
    let (code, out, _) = run(dockgen(d.path()).args(["init", "--check"]));
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("deploy/kubernetes/base/web.yaml"), "{out}");
    assert!(
        out.contains("replicas: 7"),
        "the diff shows the edit: {out}"
    );
    for bad in [["--target", "k8s"], ["--ingress-host", "Not A Host"]] {
        let (code, _, err) = run(dockgen(d.path()).args(["init", "--check"]).args(bad));
        assert_eq!(code, 2, "{bad:?}: {err}");
    }
}

/// A RabbitMQ broker is not generated for Kubernetes or Swarm yet: each target is refused with the
/// reason (a usage error) instead of files whose workers have no broker; compose alone is written.
#[test]
fn a_rabbitmq_broker_is_refused_for_the_orchestrator_targets() {
    use crate::cli::{copy_fixture, dockgen, run};
    let d = copy_fixture("flask-celery-rabbitmq-pip");
    for target in ["kubernetes", "swarm", "compose,swarm"] {
        let (code, _, err) = run(dockgen(d.path()).args(["init", "--yes", "--target", target]));
        assert_eq!(code, 2, "{target}: {err}");
        assert!(
            err.contains("does not generate a RabbitMQ broker yet"),
            "{target}: {err}"
        );
        assert!(!d.path().join("stack.yml").exists(), "{target}");
        assert!(!d.path().join("deploy").exists(), "{target}");
    }
    let (code, _, err) = run(dockgen(d.path()).args(["init", "--yes"]));
    assert_eq!(code, 0, "{err}");
    let compose = std::fs::read_to_string(d.path().join("docker-compose.yml")).unwrap();
    assert!(compose.contains("rabbitmq-diagnostics"), "{compose}");
}

/// A MariaDB database is not generated for Kubernetes or Swarm yet: each target is refused with the
/// reason, and compose alone runs MariaDB as `db`.
#[test]
fn a_mariadb_database_is_refused_for_the_orchestrator_targets() {
    use crate::cli::{copy_fixture, dockgen, run};
    let d = copy_fixture("flask-pymysql-pip");
    for target in ["kubernetes", "swarm"] {
        let (code, _, err) = run(dockgen(d.path()).args(["init", "--yes", "--target", target]));
        assert_eq!(code, 2, "{target}: {err}");
        assert!(
            err.contains("does not generate a MariaDB database yet"),
            "{target}: {err}"
        );
        assert!(!d.path().join("stack.yml").exists(), "{target}");
        assert!(!d.path().join("deploy").exists(), "{target}");
    }
    let (code, _, err) = run(dockgen(d.path()).args(["init", "--yes"]));
    assert_eq!(code, 0, "{err}");
    let compose = std::fs::read_to_string(d.path().join("docker-compose.yml")).unwrap();
    assert!(compose.contains("image: \"mariadb:11\""), "{compose}");
}

/// Every fixture's stack file is one `docker stack deploy` takes (the CLI's own schema and
/// interpolation, with no daemon), and it has what Swarm needs: an image instead of a build, short
/// depends_on, migrate as a replicated job, start-first updates that roll back.
#[test]
fn every_fixture_stack_file_passes_docker_stack_config() {
    let mut failures = Vec::new();
    let mut checked = 0;
    for fixture in fixture_names() {
        let Some((plan, files)) = orchestrated(&fixture) else {
            continue;
        };
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("stack.yml"), &files["stack.yml"]).unwrap();
        std::fs::write(dir.path().join("nginx.conf"), &files["nginx.conf"]).unwrap();
        let out = Command::new(tool("docker"))
            .args(["stack", "config", "-c", "stack.yml"])
            .env("TAG", "1")
            .env("DOCKER_HOST", "unix:///nonexistent/docker.sock")
            .current_dir(dir.path())
            .output()
            .expect("docker runs");
        if !out.status.success() {
            failures.push(format!(
                "{fixture}: {}",
                String::from_utf8_lossy(&out.stderr)
            ));
            continue;
        }
        let config = documents(&String::from_utf8_lossy(&out.stdout)).remove(0);
        let web = &config["services"]["web"];
        if web.get("build").is_some() || web["image"] != format!("{}:1", plan.image_name) {
            failures.push(format!("{fixture}: web's image is {}", web["image"]));
        }
        if web["deploy"]["update_config"]["order"] != "start-first"
            || web["deploy"]["update_config"]["failure_action"] != "rollback"
        {
            failures.push(format!("{fixture}: web's update_config {}", web["deploy"]));
        }
        if plan.migration.is_some()
            && config["services"]["migrate"]["deploy"]["mode"] != "replicated-job"
        {
            failures.push(format!("{fixture}: migrate is no replicated job"));
        }
        checked += 1;
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
    assert!(checked >= 17, "only {checked} fixtures generated output");
}
