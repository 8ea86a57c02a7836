//! Whether `poetry.lock` still matches the pyproject it was made from: Poetry records a digest of the
//! pyproject's dependency tables (`[metadata] content-hash`), and `poetry export` (the image build's
//! install) refuses a lock whose digest differs. Said at init, with the command that fixes it; the image
//! still installs the lock.

use serde_json::{Map, Value};

use crate::manager::content_hash::{Separators, digest, from_toml};
use crate::parse::pyproject::Loaded;

/// `[tool.poetry]` keys in the digest even when absent (as `null`) unless `[project]` has content.
const LEGACY: &[&str] = &["dependencies", "source", "extras", "dev-dependencies"];
/// `[tool.poetry]` keys in the digest when present.
const POETRY: &[&str] = &[
    "dependencies",
    "source",
    "extras",
    "dev-dependencies",
    "group",
];
/// `[project]` keys in the digest (Poetry 2).
const PROJECT: &[&str] = &["requires-python", "dependencies", "optional-dependencies"];

/// The content Poetry hashes (poetry-core's `Locker._get_content_hash`, the same for Poetry 1 and 2 on a
/// pyproject without `[project]` dependencies).
fn relevant(doc: &toml::Table) -> Value {
    let table = |t: Option<&toml::Value>| t.and_then(|v| v.as_table()).cloned().unwrap_or_default();
    let project = table(doc.get("project"));
    let poetry = table(doc.get("tool").and_then(|t| t.get("poetry")));
    let groups = table(doc.get("dependency-groups"));
    let mut proj = Map::new();
    for k in PROJECT {
        if let Some(v) = project.get(*k) {
            proj.insert((*k).into(), from_toml(v));
        }
    }
    let mut tool = Map::new();
    for k in POETRY {
        match poetry.get(*k) {
            Some(v) => {
                tool.insert((*k).into(), from_toml(v));
            }
            None if LEGACY.contains(k) && proj.is_empty() => {
                tool.insert((*k).into(), Value::Null);
            }
            None => {}
        }
    }
    if proj.is_empty() {
        return Value::Object(tool);
    }
    let mut content = Map::new();
    content.insert("project".into(), Value::Object(proj));
    content.insert(
        "tool".into(),
        Value::Object(Map::from_iter([("poetry".into(), Value::Object(tool))])),
    );
    if !groups.is_empty() {
        content.insert("dependency-groups".into(), from_toml(&groups.into()));
    }
    Value::Object(content)
}

/// A warning when the lock's `content-hash` differs from the pyproject's, or `None` when it matches (or
/// either says nothing to compare).
pub fn check(lock_text: &str, pyproject: &Loaded, shown: &str) -> Option<String> {
    let lock: toml::Table = toml::from_str(lock_text).ok()?;
    let recorded = lock.get("metadata")?.get("content-hash")?.as_str()?;
    let doc: toml::Table = toml::from_str(&pyproject.text).ok()?;
    if digest(&relevant(&doc), Separators::Default) == recorded {
        return None;
    }
    Some(format!(
        "`{shown}` is out of date with `{}` (its content-hash does not match): the image build's `poetry export` will refuse it; run `poetry lock` and commit `{shown}`",
        pyproject.shown
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check_with(pyproject: &str, hash: &str) -> Option<String> {
        let p =
            crate::parse::pyproject::load(pyproject.into(), std::path::Path::new("pyproject.toml"))
                .unwrap();
        check(
            &format!("[metadata]\ncontent-hash = \"{hash}\"\n"),
            &p,
            "poetry.lock",
        )
    }

    // Digests printed by poetry-core's formula in CPython for these two pyprojects.
    const V1: &str = "[tool.poetry]\nname = \"shop\"\nversion = \"0.1.0\"\n[tool.poetry.dependencies]\npython = \"^3.11\"\nflask = \"^3.0\"\n";
    const V1_HASH: &str = "e38a39fd0d431c346e74b330bb348780312326f396a6a827e1199f5214cfd1cd";
    const V2: &str = "[project]\nname = \"shop\"\nversion = \"0.1.0\"\nrequires-python = \">=3.11\"\ndependencies = [\"fastapi>=0.115\"]\n[tool.poetry]\npackage-mode = false\n";
    const V2_HASH: &str = "a7612d82ec2778ed729afee994ff7387afc78e8cd48ad11ba1f981784c79591b";

    #[test]
    fn a_lock_made_from_this_pyproject_is_quiet() {
        assert_eq!(check_with(V1, V1_HASH), None);
        assert_eq!(check_with(V2, V2_HASH), None);
    }

    #[test]
    fn a_changed_pyproject_is_named_with_the_fix() {
        let w = check_with(&V1.replace("^3.0", "^3.1"), V1_HASH).unwrap();
        assert!(
            w.contains("`poetry.lock` is out of date with `pyproject.toml`"),
            "{w}"
        );
        assert!(w.contains("run `poetry lock`"), "{w}");
        assert!(check_with(&V2.replace("0.115", "0.116"), V2_HASH).is_some());
    }

    #[test]
    fn a_lock_without_a_digest_says_nothing() {
        let p = crate::parse::pyproject::load(V1.into(), std::path::Path::new("pyproject.toml"))
            .unwrap();
        assert_eq!(
            check("[metadata]\nlock-version = \"2.0\"\n", &p, "poetry.lock"),
            None
        );
    }
}
