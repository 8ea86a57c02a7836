//! Benchmark: `dockgen detect` on a small project beside 150,000 files in node_modules/, .venv/ and .git/.
//!
//! Prints figures (no pass/fail): the walk must prune those trees, so the time should not grow with them.
//! Then `detect()` on Pipfile.lock files of 3,000, 6,000 and 12,000 entries side by side: the time must
//! grow linearly with the lock (issue 19's target: under 1 s for 12,000 entries).
//! Run with `cargo bench --bench detect_large_tree`.

// A benchmark exists to print its figures.
#![allow(clippy::print_stdout)]

use std::fs;
use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for e in fs::read_dir(from).unwrap().flatten() {
        let t = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &t);
        } else {
            fs::copy(e.path(), t).unwrap();
        }
    }
}

fn stats(mut v: Vec<Duration>) -> String {
    v.sort();
    let ms = |d: Duration| d.as_secs_f64() * 1000.0;
    format!(
        "min {:.2} ms, median {:.2} ms, max {:.2} ms over {} runs",
        ms(v[0]),
        ms(v[v.len() / 2]),
        ms(v[v.len() - 1]),
        v.len()
    )
}

fn main() {
    let root = tempfile::tempdir().unwrap();
    let project = root.path();
    copy_dir(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/django-uv-subdir"),
        project,
    );
    let started = Instant::now();
    let mut made = 0;
    for (dir, count, per_dir) in [
        ("node_modules", 100_000, 500),
        (".venv/lib/python3.12/site-packages", 30_000, 300),
        (".git/objects", 20_000, 256),
    ] {
        for i in 0..count {
            let d = project.join(dir).join(format!("pkg{}", i / per_dir));
            if i % per_dir == 0 {
                fs::create_dir_all(&d).unwrap();
            }
            // Names that would be app candidates if the walk entered these trees.
            let name = match i % 4 {
                0 => "manage.py",
                1 => "app.py",
                2 => "wsgi.py",
                _ => "index.js",
            };
            fs::write(
                d.join(format!("{i}-{name}")),
                b"from flask import Flask\napp = Flask(__name__)\n",
            )
            .unwrap();
            if i % per_dir == 1 {
                fs::write(
                    d.join(name),
                    b"from flask import Flask\napp = Flask(__name__)\n",
                )
                .unwrap();
                made += 1;
            }
            made += 1;
        }
    }
    println!(
        "tree: {made} files under node_modules/, .venv/, .git/ (made in {:.1} s)",
        started.elapsed().as_secs_f64()
    );

    let opts = dockgen::detect::Options::default();
    let first = dockgen::detect::detect(project, &opts).expect("detects the project");
    assert_eq!(first.entrypoint, "config.wsgi:application");
    let mut lib = Vec::new();
    for _ in 0..30 {
        let t = Instant::now();
        let p = dockgen::detect::detect(project, &opts).unwrap();
        lib.push(t.elapsed());
        assert_eq!(p.candidates.len(), 1, "no decoy may become a candidate");
    }
    println!("detect() in-process:        {}", stats(lib));

    let bin = Path::new(env!("CARGO_MANIFEST_DIR")).join("target/release/dockgen");
    if bin.exists() {
        let mut cli = Vec::new();
        for _ in 0..30 {
            let t = Instant::now();
            let out = Command::new(&bin)
                .arg("detect")
                .arg("--json")
                .arg(project)
                .output()
                .unwrap();
            cli.push(t.elapsed());
            assert!(out.status.success());
        }
        println!(
            "`dockgen detect --json` CLI: {} (process start included)",
            stats(cli)
        );
    } else {
        println!("(build `cargo build --release` first to time the CLI binary too)");
    }
    pipfile_locks();
}

/// A Flask project whose Pipfile.lock has `n` entries besides flask and gunicorn.
fn pipfile_project(dir: &Path, n: usize) {
    let mut entries = vec![
        r#""flask": {"hashes": [], "index": "pypi", "version": "==3.0.0"}"#.to_string(),
        r#""gunicorn": {"hashes": [], "index": "pypi", "version": "==22.0.0"}"#.to_string(),
    ];
    for i in 0..n {
        entries.push(format!(
            "\"pkg-{i}\": {{\n  \"hashes\": [\"sha256:{i:064}\"],\n  \"index\": \"pypi\",\n  \"markers\": \"python_version >= '3.8'\",\n  \"version\": \"==1.{i}\"\n}}"
        ));
    }
    let lock = format!(
        "{{\n\"_meta\": {{\"requires\": {{\"python_version\": \"3.12\"}}}},\n\"default\": {{\n{}\n}},\n\"develop\": {{}}\n}}\n",
        entries.join(",\n")
    );
    fs::write(dir.join("Pipfile.lock"), lock).unwrap();
    fs::write(
        dir.join("Pipfile"),
        "[packages]\nflask = \"*\"\ngunicorn = \"*\"\n",
    )
    .unwrap();
    fs::write(
        dir.join("app.py"),
        "from flask import Flask\napp = Flask(__name__)\n",
    )
    .unwrap();
}

fn pipfile_locks() {
    for n in [3_000, 6_000, 12_000] {
        let d = tempfile::tempdir().unwrap();
        pipfile_project(d.path(), n);
        let opts = dockgen::detect::Options::default();
        let mut runs = Vec::new();
        for _ in 0..7 {
            let t = Instant::now();
            let p = dockgen::detect::detect(d.path(), &opts).unwrap();
            runs.push(t.elapsed());
            assert!(p.dependencies.has(&format!("pkg-{}", n - 1)));
        }
        println!("detect() with a {n:>6}-entry Pipfile.lock: {}", stats(runs));
    }
}
