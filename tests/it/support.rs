//! Shared helpers: snapshot settings (all snapshots live in the top-level `snapshots/`) and temp projects.

use std::path::{Path, PathBuf};

pub fn fixtures() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// insta settings shared by every test: snapshots in `snapshots/`, no source-file prefix noise.
/// One text of every generated file, each after a `===== name =====` line: what a golden snapshot holds.
pub fn snapshot_text(files: &std::collections::BTreeMap<String, String>) -> String {
    let mut all = String::new();
    for (name, text) in files {
        all.push_str(&format!("===== {name} =====\n{text}"));
    }
    all
}

pub fn settings() -> insta::Settings {
    let mut s = insta::Settings::clone_current();
    s.set_snapshot_path(Path::new(env!("CARGO_MANIFEST_DIR")).join("snapshots"));
    s.set_prepend_module_to_snapshot(false);
    s
}

/// A temporary project made of `(path, contents)` pairs.
pub fn project(files: &[(&str, &[u8])]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let p = dir.path().join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    dir
}

/// Every file under `src/`, as its path relative to `src/` (with `/`) and its code before the first
/// `#[cfg(test)]`: what the architecture tests read.
pub fn src_code() -> Vec<(String, String)> {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    let mut stack = vec![src.clone()];
    while let Some(dir) = stack.pop() {
        for e in std::fs::read_dir(&dir).unwrap().flatten() {
            let path = e.path();
            if path.is_dir() {
                stack.push(path);
                continue;
            }
            let rel = path
                .strip_prefix(&src)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(&path).unwrap();
            let code = text.split("#[cfg(test)]").next().unwrap().to_string();
            files.push((rel, code));
        }
    }
    files
}
