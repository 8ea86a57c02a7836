//! The template context as a contract: versioned, renamed variables explained to forks, the server
//! command also given as data, and every variable a template receives documented on the committed page.

use std::path::Path;

use dockgen::output::render::{Templates, render_with};

use crate::cli::{dockgen, run as output};
use crate::support::{fixtures, project};

#[test]
fn a_fork_using_a_renamed_variable_is_told_the_new_name() {
    let fork = project(&[(
        "Dockerfile.tera",
        b"FROM python:3.13-slim\nRUN {{ collectstatic }}\n",
    )]);
    let mut warnings = Vec::new();
    let templates = Templates::overlay(fork.path(), "ops/templates", &mut warnings).unwrap();
    let p =
        dockgen::detect::detect(&fixtures().join("django-uv-subdir"), &Default::default()).unwrap();
    let plan = dockgen::plan::plan(&p, &Default::default()).unwrap();
    assert_eq!(plan.context_version, dockgen::plan::CONTEXT_VERSION);
    let e = render_with(&plan, &templates).unwrap_err();
    assert!(
        e.to_string().contains("ops/templates/Dockerfile.tera"),
        "{e}"
    );
    assert_eq!(
        e.hint().as_deref(),
        Some(
            "`collectstatic` was renamed to `build_command` in template context version 2: rename it in your fork (`dockgen templates context` lists every variable)"
        )
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

#[test]
fn the_server_command_is_also_given_as_data() {
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
        rebuilt, plan.command,
        "gunicorn: program, app, then options"
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
    let documented: std::collections::BTreeSet<String> = dockgen::output::context::variables()
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
