//! Whether `uv.lock` still matches the pyproject it was made from: uv records the project's declared
//! requirements in the lock (`[package.metadata] requires-dist`), and `uv sync --locked` refuses to build
//! when they differ. Said at init, with the command that fixes it; the image still installs the lock.

use std::collections::BTreeMap;
use std::str::FromStr;

use serde::Deserialize;

use crate::parse::deps::normalize;
use crate::parse::pyproject::Loaded;

#[derive(Deserialize)]
struct Lock {
    #[serde(default)]
    package: Vec<Package>,
}

#[derive(Deserialize)]
struct Package {
    name: String,
    #[serde(default)]
    source: toml::Table,
    metadata: Option<Metadata>,
}

#[derive(Deserialize)]
struct Metadata {
    #[serde(rename = "requires-dist", default)]
    requires_dist: Vec<RequiresDist>,
}

#[derive(Deserialize)]
struct RequiresDist {
    name: String,
    specifier: Option<String>,
}

/// name -> its version specifiers, each normalised and sorted ("" for none).
type Declared = BTreeMap<String, Vec<String>>;

fn specifiers(s: Option<&str>) -> Vec<String> {
    let parsed = s.and_then(|s| pep508_rs::pep440_rs::VersionSpecifiers::from_str(s).ok());
    let mut v: Vec<String> = parsed
        .map(|p| p.iter().map(|x| x.to_string()).collect())
        .unwrap_or_default();
    v.sort();
    v
}

fn add(to: &mut Declared, name: &str, spec: Vec<String>) {
    let e = to.entry(normalize(name)).or_default();
    e.extend(spec);
    e.sort();
}

/// A warning naming what differs, or `None` when the lock matches (or says nothing to compare).
pub fn check(lock_text: &str, pyproject: &Loaded, shown: &str) -> Option<String> {
    let project = pyproject.data.project.as_ref()?;
    let name = normalize(&pyproject.name()?);
    let lock: Lock = toml::from_str(lock_text).ok()?;
    let root = lock.package.iter().find(|p| {
        normalize(&p.name) == name
            && ["virtual", "editable", "directory"]
                .iter()
                .any(|k| p.source.get(*k).and_then(|v| v.as_str()) == Some("."))
    })?;
    let mut locked = Declared::new();
    for r in &root.metadata.as_ref()?.requires_dist {
        add(&mut locked, &r.name, specifiers(r.specifier.as_deref()));
    }
    let mut declared = Declared::new();
    for d in &project.dependencies {
        let r = pep508_rs::Requirement::<pep508_rs::VerbatimUrl>::from_str(d.get_ref()).ok()?;
        let spec = match r.version_or_url {
            Some(pep508_rs::VersionOrUrl::VersionSpecifier(v)) => {
                let mut s: Vec<String> = v.iter().map(|x| x.to_string()).collect();
                s.sort();
                s
            }
            _ => vec![],
        };
        add(&mut declared, r.name.as_ref(), spec);
    }
    let mut differs: Vec<String> = declared
        .iter()
        .filter(|(n, s)| locked.get(*n) != Some(s))
        .map(|(n, s)| match locked.get(n) {
            None => format!("`{n}` is not in it"),
            Some(_) => format!(
                "`{n}{}` is locked as `{n}{}`",
                s.join(","),
                locked[n].join(",")
            ),
        })
        .collect();
    differs.extend(
        locked
            .keys()
            .filter(|n| !declared.contains_key(*n))
            .map(|n| format!("`{n}` is no longer declared")),
    );
    if differs.is_empty() {
        return None;
    }
    Some(format!(
        "`{shown}` is out of date with `{}` ({}): the image build's `uv sync --locked` will refuse it; run `uv lock` and commit `{shown}`",
        pyproject.shown,
        differs.join("; ")
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    const LOCK: &str = "version = 1\n[[package]]\nname = \"shop\"\nversion = \"0.1.0\"\nsource = { virtual = \".\" }\n[package.metadata]\nrequires-dist = [\n  { name = \"django\", specifier = \">=5.2\" },\n  { name = \"psycopg\", extras = [\"binary\"], specifier = \"<4,>=3.2\" },\n  { name = \"redis\" },\n]\n";

    fn check_with(deps: &str) -> Option<String> {
        let text =
            format!("[project]\nname = \"Shop\"\nversion = \"0.1.0\"\ndependencies = [{deps}]\n");
        let p =
            crate::parse::pyproject::load(text, std::path::Path::new("pyproject.toml")).unwrap();
        check(LOCK, &p, "uv.lock")
    }

    #[test]
    fn a_lock_matching_its_pyproject_is_quiet() {
        assert_eq!(
            check_with("\"Django>=5.2\", \"psycopg[binary]>=3.2,<4\", \"redis\""),
            None
        );
    }

    #[test]
    fn added_changed_and_removed_requirements_are_named() {
        let w = check_with("\"django>=5.2\", \"psycopg[binary]>=3.3,<4\", \"celery\"").unwrap();
        assert!(w.contains("`celery` is not in it"), "{w}");
        assert!(
            w.contains("`psycopg<4,>=3.3` is locked as `psycopg<4,>=3.2`"),
            "{w}"
        );
        assert!(w.contains("`redis` is no longer declared"), "{w}");
        assert!(w.contains("run `uv lock`"), "{w}");
    }
}
