//! The distribution name is one name: pyproject.toml's `[project] name`, Cargo.toml's package, and every
//! install command the docs show. `dockgen` itself is someone else's package on PyPI and on crates.io,
//! so a doc that says `pip install dockgen` or `uvx dockgen` sends users to another program.

use std::path::Path;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn table_name(file: &str, table: &str) -> String {
    let text = std::fs::read_to_string(root().join(file)).unwrap();
    let doc: toml::Table = toml::from_str(&text).unwrap();
    doc[table]["name"].as_str().unwrap().to_string()
}

/// The files that tell users how to install dockgen.
const DOCS: &[&str] = &["README.md", "docs/install.md", ".pre-commit-hooks.yaml"];

/// Every package name a line asks an installer for, with the words that introduce it: the word after
/// `pipx install`, `uv tool install`, `pip install`, `cargo install [--locked]`, `uvx --from`,
/// `pipx run --spec`, a bare `uvx` (which runs the package of that name), and the entries of
/// `additional_dependencies`. Paths (`./x.whl`, `dist/...`, `--path .`) and other tools' names
/// (maturin, ziglang, pre-commit) are not ours to check and are skipped by the caller.
fn named_packages(line: &str) -> Vec<(String, String)> {
    let words: Vec<&str> = line
        .split(|c: char| c.is_whitespace() || c == '`')
        .filter(|w| !w.is_empty())
        .collect();
    let mut found = Vec::new();
    for (i, w) in words.iter().enumerate() {
        let next_non_flag = |from: usize| {
            words[from..]
                .iter()
                .find(|x| !x.starts_with('-'))
                .map(|x| x.to_string())
        };
        let prev = |n: usize| i.checked_sub(n).map(|j| words[j]);
        let spec = match *w {
            // `uv pip install -r FILE` and `cargo install --path DIR` install no package by name.
            _ if words.contains(&"--path") || words.contains(&"-r") => None,
            "install"
                if matches!(prev(1), Some("pipx" | "cargo"))
                    || (prev(1) == Some("pip") && prev(2) != Some("uv"))
                    || (prev(1) == Some("tool") && prev(2) == Some("uv")) =>
            {
                next_non_flag(i + 1)
            }
            "--from" if words[..i].contains(&"uvx") => words.get(i + 1).map(|x| x.to_string()),
            "--spec" => words.get(i + 1).map(|x| x.to_string()),
            "uvx" if words.get(i + 1).is_some_and(|x| !x.starts_with('-')) => {
                words.get(i + 1).map(|x| x.to_string())
            }
            _ => None,
        };
        if let Some(s) = spec {
            found.push((line.trim().to_string(), s));
        }
    }
    if let Some(list) = line.split("additional_dependencies:").nth(1) {
        let list = list.trim_start().trim_start_matches('[');
        for item in list.split(']').next().unwrap_or("").split(',') {
            let item = item.trim().trim_matches('"').trim_matches('\'');
            if !item.is_empty() {
                found.push((line.trim().to_string(), item.to_string()));
            }
        }
    }
    found
}

/// A requirement's name: `dockgen-cli==0.1.0` and `dockgen-cli@0.1.0` name `dockgen-cli`.
fn requirement_name(spec: &str) -> &str {
    let spec = spec.trim_end_matches([',', '.', ';', ')']);
    spec.split(['=', '@', '<', '>', '[', '~', '!'])
        .next()
        .unwrap_or(spec)
}

/// A spec that is a path, a placeholder or another tool, not a name of ours to check.
fn is_elsewhere(spec: &str) -> bool {
    spec.starts_with(['.', '/', '"', '$', '<'])
        || spec.contains('/')
        || spec.ends_with(".whl")
        || spec.ends_with(".crate")
        || ["maturin", "ziglang", "pre-commit", "dockgen-check"].contains(&spec)
}

/// The parts of a doc that are commands: fenced code lines and inline code spans (prose such as
/// "`cargo install` does not pass --locked" is not a command). YAML files are all code.
fn code_segments(text: &str, all_code: bool) -> Vec<(String, String)> {
    let mut segments = Vec::new();
    let mut fenced = false;
    for line in text.lines() {
        if line.trim_start().starts_with("```") {
            fenced = !fenced;
            continue;
        }
        if fenced || all_code {
            segments.push((line.to_string(), line.to_string()));
        } else {
            for span in line.split('`').skip(1).step_by(2) {
                segments.push((line.to_string(), span.to_string()));
            }
        }
    }
    segments
}

fn wrong_names(text: &str, dist: &str, all_code: bool) -> Vec<String> {
    let mut wrong = Vec::new();
    for (line, code) in code_segments(text, all_code) {
        // A line that warns against the other projects' name quotes it on purpose.
        if line.contains("NOT `") || line.contains("Never run") || line.contains("would install") {
            continue;
        }
        for (_, spec) in named_packages(&code) {
            let name = requirement_name(&spec);
            if !is_elsewhere(&spec) && name != dist {
                wrong.push(format!("`{name}` in: {}", line.trim()));
            }
        }
    }
    wrong
}

#[test]
fn the_docs_install_the_package_pyproject_names() {
    let dist = table_name("pyproject.toml", "project");
    assert_eq!(
        table_name("Cargo.toml", "package"),
        dist,
        "Cargo.toml's package and pyproject.toml's project are one distribution"
    );
    assert_ne!(
        dist, "dockgen",
        "`dockgen` is another project's name on PyPI and crates.io"
    );
    let mut wrong = Vec::new();
    let mut seen = 0;
    for doc in DOCS {
        let text = std::fs::read_to_string(root().join(doc)).unwrap();
        seen += text.matches(dist.as_str()).count();
        wrong.extend(
            wrong_names(&text, &dist, doc.ends_with(".yaml"))
                .into_iter()
                .map(|w| format!("{doc}: {w}")),
        );
    }
    assert!(
        wrong.is_empty(),
        "install commands naming another package:\n{}",
        wrong.join("\n")
    );
    assert!(seen >= 10, "the docs name `{dist}` only {seen} times");
}

#[test]
fn the_check_catches_each_installer_naming_another_package() {
    for line in [
        "pipx install dockgen          # an isolated install",
        "uv tool install dockgen",
        "pip install dockgen==0.1.0",
        "uvx dockgen init --check",
        "uvx dockgen@0.1.0 init --check",
        "      - run: uvx --from dockgen==0.1.0 dockgen init --check",
        "pipx run --spec dockgen dockgen",
        "# a `repo: local` hook with `additional_dependencies: [dockgen]` needs no Rust",
        "cargo install --locked dockgen",
        r#"        additional_dependencies: ["dockgen==0.1.0"]"#,
    ] {
        assert_eq!(wrong_names(line, "dockgen-cli", true).len(), 1, "{line}");
    }
    for line in [
        "pipx install dockgen-cli      # puts `dockgen` on PATH",
        "uvx --from dockgen-cli==0.1.0 dockgen init --check",
        r#"        additional_dependencies: ["dockgen-cli==0.1.0"]"#,
        "pipx install ./dockgen_cli-0.1.0-py3-none-manylinux2014_x86_64.whl",
        "cargo install --locked --path .",
        "cargo install --locked --path dockgen-cli-0.1.0",
        "uv pip install -r requirements.txt",
        "uvx --from <wheel> dockgen",
        r#".venv-build/bin/pip install "maturin>=1,<2" ziglang"#,
    ] {
        assert_eq!(
            wrong_names(line, "dockgen-cli", true),
            Vec::<String>::new(),
            "{line}"
        );
    }
}
