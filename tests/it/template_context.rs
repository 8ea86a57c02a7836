//! The template contexts as a contract: one per generated file, versioned, renamed, moved and removed
//! variables explained to forks, the server command stored once, and every variable a template receives
//! documented on the committed page.

use std::path::Path;

use dockgen::base::diag::Diagnostics;
use dockgen::output::render::{Templates, render_with};

use crate::cli::{dockgen, run as output};
use crate::support::{fixtures, project};

#[test]
fn a_fork_using_a_renamed_variable_is_told_the_new_name() {
    let fork = project(&[(
        "Dockerfile.tera",
        b"FROM python:3.13-slim\nRUN {{ collectstatic }}\n",
    )]);
    let mut warnings = Diagnostics::new();
    let templates = Templates::overlay(fork.path(), "ops/templates", &mut warnings).unwrap();
    let p =
        dockgen::detect::detect(&fixtures().join("django-uv-subdir"), &Default::default()).unwrap();
    let plan = dockgen::plan::plan(&p, &Default::default()).unwrap();
    for (template, context) in dockgen::output::contexts::contexts(&plan) {
        assert_eq!(
            context["context_version"],
            dockgen::plan::CONTEXT_VERSION,
            "{template}"
        );
    }
    let e = render_with(&plan, &templates).unwrap_err();
    assert!(
        e.to_string().contains("ops/templates/Dockerfile.tera"),
        "{e}"
    );
    assert_eq!(
        e.hint().as_deref(),
        Some(
            "`collectstatic` was renamed to `build_command` in template context version 2: rename it in your fork (`dockgen templates context` lists every file's variables)"
        )
    );
    // A variable of another file's context (every template saw it before version 3) names that file.
    let fork = project(&[("Dockerfile.tera", b"RUN {{ postgres }}\n")]);
    let templates = Templates::overlay(fork.path(), "t", &mut warnings).unwrap();
    let e = render_with(&plan, &templates).unwrap_err();
    assert_eq!(
        e.hint().as_deref(),
        Some(
            "since template context version 3 each file has its own context: `postgres` is in the context of `docker-compose.yml.tera` only (`dockgen templates context` lists every file's variables)"
        )
    );
    // A removed variable says what to use instead.
    let fork = project(&[("docker-compose.yml.tera", b"{{ services }}\n")]);
    let templates = Templates::overlay(fork.path(), "t", &mut warnings).unwrap();
    let e = render_with(&plan, &templates).unwrap_err();
    let hint = e.hint().unwrap();
    assert!(
        hint.starts_with(
            "`services` was removed in template context version 3: `postgres` and `redis`"
        ),
        "{hint}"
    );
    // A variable that never existed gets the generic hint.
    let fork = project(&[("Dockerfile.tera", b"{{ nosuch }}\n")]);
    let templates = Templates::overlay(fork.path(), "t", &mut warnings).unwrap();
    let e = render_with(&plan, &templates).unwrap_err();
    assert!(
        e.hint()
            .unwrap()
            .starts_with("fix the template at that line"),
        "{e}"
    );
}

/// A fork made against context version 2 that uses only the variables its own file's template read
/// keeps working: each context keeps those names.
#[test]
fn a_fork_using_its_files_variables_of_version_2_keeps_working() {
    let fork = project(&[
        (
            "docker-compose.yml.tera",
            b"{% if postgres %}db: {{ images.postgres }} {{ postgres_data_dir }}{% endif %}\n{{ migrate_command | join(sep=\" \") }} {{ port }}\n",
        ),
        ("entrypoint.sh.tera", b"{{ migrate_shell }}\n"),
        (
            "Dockerfile.tera",
            b"CMD {{ command | json_array }}\nEXPOSE {{ port }}\n",
        ),
    ]);
    let mut warnings = Diagnostics::new();
    let templates = Templates::overlay(fork.path(), "t", &mut warnings).unwrap();
    let p =
        dockgen::detect::detect(&fixtures().join("django-uv-subdir"), &Default::default()).unwrap();
    let plan = dockgen::plan::plan(&p, &Default::default()).unwrap();
    let files = render_with(&plan, &templates).unwrap();
    assert!(
        files["docker-compose.yml"].contains("db: postgres:"),
        "{}",
        files["docker-compose.yml"]
    );
    assert!(files["docker-compose.yml"].contains("python manage.py migrate"));
    assert!(files["entrypoint.sh"].contains("python manage.py migrate"));
    assert!(
        files["Dockerfile"].contains("CMD [\"gunicorn\""),
        "{}",
        files["Dockerfile"]
    );
}

#[test]
fn the_server_command_is_stored_once_as_data() {
    let p =
        dockgen::detect::detect(&fixtures().join("django-uv-subdir"), &Default::default()).unwrap();
    let plan = dockgen::plan::plan(&p, &Default::default()).unwrap();
    let s = &plan.server;
    let mut rebuilt = vec![s.program.clone(), s.app.clone()];
    for o in &s.options {
        rebuilt.push(o.flag.clone());
        rebuilt.extend(o.value.clone());
    }
    assert_eq!(
        rebuilt,
        plan.server.exec_form(),
        "gunicorn: program, app, then options"
    );
    assert_eq!(
        dockgen::output::contexts::DockerfileContext::new(&plan).command,
        rebuilt
    );
    assert_eq!(plan.services[0].name, "postgres");
    assert!(
        plan.services[0].why.contains("dependency `psycopg`"),
        "{}",
        plan.services[0].why
    );
}

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
    let documented: std::collections::BTreeSet<(String, String)> =
        dockgen::output::context::files()
            .into_iter()
            .flat_map(|f| {
                let template = f.template;
                f.variables
                    .into_iter()
                    .map(move |v| (template.clone(), v.path))
            })
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
        for (template, context) in dockgen::output::contexts::contexts(&plan) {
            let mut found = Vec::new();
            paths("", &context, &mut found);
            for f in found {
                assert!(
                    documented.contains(&(template.to_string(), f.clone())),
                    "`{f}` reaches {template} but is not documented"
                );
                seen += 1;
            }
        }
    }
    assert!(seen > 100);
}
