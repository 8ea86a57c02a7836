//! Whether `pdm.lock` still matches the pyproject it was made from: PDM records a digest of the
//! pyproject's dependency tables (`[metadata] content_hash = "sha256:..."`) and reports a lock whose
//! digest differs as outdated. Said at init, with the command that fixes it; the image still installs
//! exactly what the lock holds.

use serde_json::{Map, Value};

use crate::manager::content_hash::{Separators, digest, from_toml};
use crate::parse::deps::normalize;
use crate::parse::pyproject::Loaded;

fn get<'a>(t: &'a toml::Table, path: &[&str]) -> Option<&'a toml::Value> {
    let (last, parents) = path.split_last()?;
    let mut t = t;
    for p in parents {
        t = t.get(*p)?.as_table()?;
    }
    t.get(*last)
}

fn json_or(t: &toml::Table, path: &[&str], empty: Value) -> Value {
    get(t, path).map(from_toml).unwrap_or(empty)
}

/// The tables both formulas share (`pyproject.content_hash` in PDM's project file).
fn common(doc: &toml::Table) -> Map<String, Value> {
    Map::from_iter([
        (
            "sources".into(),
            json_or(doc, &["tool", "pdm", "source"], Value::Array(vec![])),
        ),
        (
            "dependencies".into(),
            json_or(doc, &["project", "dependencies"], Value::Array(vec![])),
        ),
        (
            "optional-dependencies".into(),
            json_or(
                doc,
                &["project", "optional-dependencies"],
                Value::Object(Map::new()),
            ),
        ),
        (
            "requires-python".into(),
            json_or(
                doc,
                &["project", "requires-python"],
                Value::String(String::new()),
            ),
        ),
    ])
}

/// PDM before dependency groups: `[tool.pdm.dev-dependencies]` as written, and the overrides.
fn older(doc: &toml::Table) -> Value {
    let mut m = common(doc);
    let empty = || Value::Object(Map::new());
    m.insert(
        "dev-dependencies".into(),
        json_or(doc, &["tool", "pdm", "dev-dependencies"], empty()),
    );
    let overrides = get(doc, &["tool", "pdm", "overrides"])
        .or_else(|| get(doc, &["tool", "pdm", "resolution", "overrides"]));
    m.insert(
        "overrides".into(),
        overrides.map(from_toml).unwrap_or_else(empty),
    );
    Value::Object(m)
}

/// Current PDM: `[dependency-groups]` and `[tool.pdm.dev-dependencies]` merged under normalised group
/// names, and the whole `[tool.pdm.resolution]` table.
fn current(doc: &toml::Table) -> Value {
    let mut m = common(doc);
    let mut groups = Map::new();
    let tables = [
        get(doc, &["dependency-groups"]),
        get(doc, &["tool", "pdm", "dev-dependencies"]),
    ];
    for table in tables.into_iter().flatten().filter_map(|t| t.as_table()) {
        for (name, deps) in table {
            let entry = groups
                .entry(normalize(name))
                .or_insert_with(|| Value::Array(vec![]));
            if let (Value::Array(to), Value::Array(more)) = (entry, from_toml(deps)) {
                to.extend(more);
            }
        }
    }
    m.insert("dev-dependencies".into(), Value::Object(groups));
    m.insert(
        "resolution".into(),
        json_or(
            doc,
            &["tool", "pdm", "resolution"],
            Value::Object(Map::new()),
        ),
    );
    Value::Object(m)
}

/// A warning when the lock's `content_hash` matches neither PDM formula for the pyproject, or `None` when
/// one matches (or the lock records no SHA-256 digest).
pub fn check(lock_text: &str, pyproject: &Loaded, shown: &str) -> Option<String> {
    let lock: toml::Table = toml::from_str(lock_text).ok()?;
    let recorded = lock.get("metadata")?.get("content_hash")?.as_str()?;
    let recorded = recorded.strip_prefix("sha256:")?;
    let doc: toml::Table = toml::from_str(&pyproject.text).ok()?;
    if [current(&doc), older(&doc)]
        .iter()
        .any(|c| digest(c, Separators::Default) == recorded)
    {
        return None;
    }
    Some(format!(
        "`{shown}` is out of date with `{}` (its content_hash does not match): the image installs what the lock holds, not what `{}` declares now; run `pdm lock --update-reuse` and commit `{shown}`",
        pyproject.shown, pyproject.shown
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PYPROJECT: &str = "[project]\nname = \"notes\"\nversion = \"0.1.0\"\nrequires-python = \">=3.11\"\ndependencies = [\"flask>=3.0\"]\n[dependency-groups]\nDev_Tools = [\"pytest>=8\"]\n[tool.pdm]\ndistribution = false\n";
    // What current PDM's formula gives for PYPROJECT, printed in CPython.
    const CURRENT: &str = "86e566dd29354f2a8241a495b1ec3be9d9e0efb00dd0b6c9a0bac8112a0511c4";

    fn check_with(pyproject: &str, hash: &str) -> Option<String> {
        let p =
            crate::parse::pyproject::load(pyproject.into(), std::path::Path::new("pyproject.toml"))
                .unwrap();
        check(
            &format!("[metadata]\ncontent_hash = \"sha256:{hash}\"\n"),
            &p,
            "pdm.lock",
        )
    }

    #[test]
    fn a_lock_made_from_this_pyproject_is_quiet() {
        assert_eq!(check_with(PYPROJECT, CURRENT), None);
    }

    #[test]
    fn a_changed_pyproject_is_named_with_the_fix() {
        let w = check_with(&PYPROJECT.replace("3.0", "3.1"), CURRENT).unwrap();
        assert!(
            w.contains("`pdm.lock` is out of date with `pyproject.toml`"),
            "{w}"
        );
        assert!(w.contains("run `pdm lock --update-reuse`"), "{w}");
    }
}
