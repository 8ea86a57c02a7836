//! Forked templates: `templates export` never clobbers a fork, a fork overlays the built-in templates
//! file by file and is saved, and a broken fork names its file and line and writes nothing.

use std::path::{Path, PathBuf};

use crate::cli::{copy_fixture, dockgen, run as output};
use crate::generated_files::lint;

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap_or_else(|e| panic!("{rel}: {e}"))
}

fn builtin(name: &str) -> String {
    dockgen::output::render::builtin_templates()[name].clone()
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
    for (name, text) in dockgen::output::render::builtin_templates() {
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
