//! `Pipfile.lock` (its `default` section) and the `Pipfile` manifest (`[packages]`, `[requires]`).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;

use crate::base::error::{Result, position_of};
use crate::base::evidence::Evidence;
use crate::manager::lock::json_error;
use crate::parse::deps::{DepSet, marker_applies};
use crate::parse::toml_util::parse;

#[derive(Debug, Deserialize)]
struct PipfileLock {
    #[serde(rename = "_meta", default)]
    meta: PipfileLockMeta,
    #[serde(default)]
    default: BTreeMap<String, PipfileLockEntry>,
}

#[derive(Debug, Default, Deserialize)]
struct PipfileLockMeta {
    #[serde(default)]
    requires: BTreeMap<String, serde_json::Value>,
}

#[derive(Debug, Deserialize)]
struct PipfileLockEntry {
    version: Option<String>,
    #[serde(default)]
    extras: Vec<String>,
    markers: Option<String>,
}

/// The production packages of a `Pipfile.lock` (its `default` section, already flattened by Pipenv) and
/// the Python version it requires.
pub fn parse_pipfile_lock(text: &str, shown: &Path) -> Result<(DepSet, Option<String>)> {
    let lock: PipfileLock = serde_json::from_str(text).map_err(|e| json_error(shown, e))?;
    let shown_s = shown.to_string_lossy();
    let mut set = DepSet::default();
    // One pass for every entry's line: a search per entry was quadratic (issue 19).
    let lines = crate::base::text::json_key_lines(text);
    for (name, entry) in &lock.default {
        if entry.markers.as_deref().is_some_and(|m| !marker_applies(m)) {
            continue;
        }
        let line = lines.get(name.as_str()).copied();
        let ev = match line {
            Some(l) => Evidence::at(&shown_s, l, "locked in Pipfile.lock \"default\""),
            None => Evidence::file(&shown_s, "locked in Pipfile.lock \"default\""),
        };
        set.add(name, entry.extras.clone(), false, ev);
        if let Some(v) = &entry.version {
            set.set_version(name, v.trim_start_matches("=="));
        }
    }
    let python = lock
        .meta
        .requires
        .get("python_full_version")
        .or_else(|| lock.meta.requires.get("python_version"))
        .and_then(|v| v.as_str())
        .map(String::from);
    Ok((set, python))
}

#[derive(Debug, Deserialize)]
struct Pipfile {
    #[serde(default)]
    packages: BTreeMap<String, toml::Value>,
    #[serde(default)]
    requires: BTreeMap<String, toml::Value>,
}

/// The `[packages]` of a Pipfile (never `[dev-packages]`) and its `[requires]` Python, with lines.
pub fn parse_pipfile(text: &str, shown: &Path) -> Result<(DepSet, Option<(String, usize)>)> {
    let p: Pipfile = parse(text, shown)?;
    let shown_s = shown.to_string_lossy();
    let mut set = DepSet::default();
    let section = text.find("[packages]").unwrap_or(0);
    for (name, spec) in &p.packages {
        let line = find_key_line(text, section, name);
        set.add(
            name,
            crate::parse::pyproject::table_extras(spec),
            true,
            Evidence::at(&shown_s, line, "[packages] in Pipfile"),
        );
    }
    let python = ["python_full_version", "python_version"]
        .iter()
        .find_map(|k| {
            let v = p.requires.get(*k)?.as_str()?.to_string();
            Some((v, find_key_line(text, 0, k)))
        });
    Ok((set, python))
}

fn find_key_line(text: &str, from: usize, key: &str) -> usize {
    let mut off = from;
    for l in text[from..].split_inclusive('\n') {
        let t = l.trim_start().trim_start_matches('"');
        if let Some(rest) = t.strip_prefix(key)
            && rest
                .trim_start()
                .trim_start_matches('"')
                .trim_start()
                .starts_with('=')
        {
            return position_of(text, off).line;
        }
        off += l.len();
    }
    position_of(text, from).line
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::base::error::Error;

    #[test]
    fn pipfile_lock_reads_default_only_and_reports_json_errors() {
        let text = r#"{"_meta": {"requires": {"python_version": "3.11"}},
 "default": {"flask": {"version": "==3.1.0"}, "pywin32": {"version": "==306", "markers": "sys_platform == 'win32'"}},
 "develop": {"pytest": {"version": "==8.0.0"}}}"#;
        let (set, py) = parse_pipfile_lock(text, Path::new("Pipfile.lock")).unwrap();
        assert!(set.has("flask") && !set.has("pytest") && !set.has("pywin32"));
        assert_eq!(set.get("flask").unwrap().evidence.line, Some(2));
        assert_eq!(py.as_deref(), Some("3.11"));
        let err =
            parse_pipfile_lock("{\n  \"default\": {,}\n}", Path::new("Pipfile.lock")).unwrap_err();
        assert!(
            matches!(err, Error::Parse { pos: Some(p), .. } if p.line == 2),
            "{err:?}"
        );
    }

    #[test]
    fn pipfile_packages_not_dev_packages() {
        let text = "[[source]]\nurl = \"https://pypi.org/simple\"\n\n[packages]\nflask = \"*\"\ncelery = {version = \"*\", extras = [\"redis\"]}\n\n[dev-packages]\npytest = \"*\"\n\n[requires]\npython_version = \"3.11\"\n";
        let (set, py) = parse_pipfile(text, Path::new("Pipfile")).unwrap();
        assert!(set.has("flask") && !set.has("pytest"));
        assert_eq!(set.get("flask").unwrap().evidence.line, Some(5));
        assert!(set.get("celery").unwrap().extras.contains("redis"));
        assert_eq!(py, Some(("3.11".into(), 12)));
    }
}
