//! Whether `Pipfile.lock` still matches the Pipfile it was made from: Pipenv records a digest of the
//! Pipfile (`_meta.hash.sha256`), and `pipenv verify` (the image build's check, what `--deploy` checks)
//! refuses a lock whose digest differs. Said at init, with the command that fixes it.

use serde_json::{Map, Value};

use crate::manager::content_hash::{Separators, digest, from_toml};

/// Pipfile tables that are not package categories: the digest leaves them out (or names them itself).
const NOT_CATEGORIES: &[&str] = &[
    "source",
    "packages",
    "dev-packages",
    "requires",
    "scripts",
    "pipenv",
    "pipfile",
    "default",
    "develop",
];

/// The content Pipenv hashes (plette's `Pipfile.get_hash`): the sources and requirements, the two
/// standard categories under their lock names, and every custom category as written.
fn relevant(pipfile: &toml::Table) -> Option<Value> {
    let json = |k: &str| {
        pipfile
            .get(k)
            .map(from_toml)
            .unwrap_or(Value::Object(Map::new()))
    };
    // Pipenv adds PyPI to a Pipfile without sources before hashing; such a Pipfile is left unchecked
    // rather than guessed at.
    let sources = from_toml(pipfile.get("source")?);
    let meta = Map::from_iter([
        ("sources".into(), sources),
        ("requires".into(), json("requires")),
    ]);
    let mut data = Map::from_iter([
        ("_meta".into(), Value::Object(meta)),
        ("default".into(), json("packages")),
        ("develop".into(), json("dev-packages")),
    ]);
    for (k, v) in pipfile {
        if !NOT_CATEGORIES.contains(&k.as_str()) {
            data.insert(k.clone(), from_toml(v));
        }
    }
    Some(Value::Object(data))
}

/// A warning when the lock's `_meta.hash.sha256` differs from the Pipfile's, or `None` when it matches
/// (or either says nothing to compare).
pub fn check(
    lock_text: &str,
    pipfile_text: &str,
    lock_shown: &str,
    pipfile_shown: &str,
) -> Option<String> {
    let lock: Value = serde_json::from_str(lock_text).ok()?;
    let recorded = lock.get("_meta")?.get("hash")?.get("sha256")?.as_str()?;
    let pipfile: toml::Table = toml::from_str(pipfile_text).ok()?;
    if digest(&relevant(&pipfile)?, Separators::Compact) == recorded {
        return None;
    }
    Some(format!(
        "`{lock_shown}` is out of date with `{pipfile_shown}` (its hash does not match): the image build's `pipenv verify` will refuse it; run `pipenv lock` and commit `{lock_shown}`"
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const PIPFILE: &str = "[[source]]\nurl = \"https://pypi.org/simple\"\nverify_ssl = true\nname = \"pypi\"\n\n[packages]\nflask = \"*\"\n\n[dev-packages]\npytest = \"*\"\n\n[requires]\npython_version = \"3.11\"\n";
    // What plette's `get_hash` gives for PIPFILE, printed in CPython.
    const HASH: &str = "eb60ecdab1b4ac95b583915895cd15e6bbcea4fc4f748c928617b4fbe5d41ff0";

    fn lock(hash: &str) -> String {
        format!("{{\"_meta\": {{\"hash\": {{\"sha256\": \"{hash}\"}}}}, \"default\": {{}}}}")
    }

    #[test]
    fn a_lock_made_from_this_pipfile_is_quiet() {
        assert_eq!(check(&lock(HASH), PIPFILE, "Pipfile.lock", "Pipfile"), None);
    }

    #[test]
    fn a_changed_pipfile_is_named_with_the_fix() {
        let w = check(
            &lock(HASH),
            &PIPFILE.replace("flask = \"*\"", "flask = \"*\"\nredis = \"*\""),
            "Pipfile.lock",
            "Pipfile",
        )
        .unwrap();
        assert!(
            w.contains("`Pipfile.lock` is out of date with `Pipfile`"),
            "{w}"
        );
        assert!(w.contains("run `pipenv lock`"), "{w}");
    }

    #[test]
    fn a_pipfile_without_sources_is_not_guessed_at() {
        let bare = PIPFILE.replace(
            "[[source]]\nurl = \"https://pypi.org/simple\"\nverify_ssl = true\nname = \"pypi\"\n",
            "",
        );
        assert_eq!(check(&lock(HASH), &bare, "Pipfile.lock", "Pipfile"), None);
    }
}
