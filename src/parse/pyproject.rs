//! `pyproject.toml`: PEP 621 metadata, `[build-system]`, and which `[tool.*]` tables it has with their keys
//! (a package manager's own table is read by its registry module).
//!
//! Only the fields detection uses are modelled; unknown keys are ignored, but a field we read with the wrong
//! type is an error with its position (it would break the package manager too). Spans are kept so each
//! dependency's evidence can cite its line.

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use super::deps::{DepSet, parse_req};
use super::toml_util::{line_of, parse};
use crate::base::error::{Error, Result};
use crate::base::evidence::Evidence;

#[derive(Debug, Default, Deserialize)]
pub struct PyProject {
    pub project: Option<Project>,
    #[serde(rename = "build-system")]
    pub build_system: Option<toml::Table>,
    #[serde(default)]
    pub tool: Tool,
    #[serde(rename = "dependency-groups")]
    pub dependency_groups: Option<toml::Table>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Project {
    pub name: Option<Spanned<String>>,
    #[serde(rename = "requires-python")]
    pub requires_python: Option<Spanned<String>>,
    #[serde(default)]
    pub dependencies: Vec<Spanned<String>>,
}

#[derive(Debug, Default, Deserialize)]
pub struct Tool {
    /// The keys of every `[tool.*]` table, by table name: what each configures (the package managers'
    /// own tables are read by their registry modules).
    #[serde(skip)]
    pub keys: BTreeMap<String, Vec<String>>,
}

/// Only the `[tool.*]` tables' keys, read beside the typed model (whose typed tables drop the keys they
/// do not model).
#[derive(Debug, Default, Deserialize)]
struct ToolKeys {
    #[serde(default)]
    tool: BTreeMap<String, toml::Value>,
}

/// A parsed pyproject with its text (for line numbers) and shown path.
#[derive(Debug)]
pub struct Loaded {
    pub data: PyProject,
    pub text: String,
    pub shown: String,
}

pub fn load(text: String, shown: &Path) -> Result<Loaded> {
    let mut data: PyProject = parse(&text, shown)?;
    let keys: ToolKeys = parse(&text, shown)?;
    data.tool.keys = keys
        .tool
        .into_iter()
        .map(|(name, v)| {
            let keys = v.as_table().map(|t| t.keys().cloned().collect());
            (name, keys.unwrap_or_default())
        })
        .collect();
    // The name reaches the image name, commands and messages: refused here if it could break a line.
    if let Some(name) = data.project.as_ref().and_then(|p| p.name.as_ref()) {
        crate::base::valid::text("the project name", name.get_ref()).map_err(|message| {
            Error::Parse {
                path: shown.to_path_buf(),
                pos: Some(crate::base::error::position_of(&text, name.span().start)),
                message,
            }
        })?;
    }
    Ok(Loaded {
        data,
        text,
        shown: shown.to_string_lossy().replace('\\', "/"),
    })
}

impl Loaded {
    /// Whether `[tool.<name>]` holds a key other than `ignored` (a build backend's own keys, which say
    /// nothing about who manages the dependencies).
    pub fn tool_configures_beyond(&self, name: &str, ignored: &[&str]) -> bool {
        self.data
            .tool
            .keys
            .get(name)
            .is_some_and(|keys| keys.iter().any(|k| !ignored.contains(&k.as_str())))
    }

    pub fn has_build_system(&self) -> bool {
        self.data.build_system.is_some()
    }

    /// The PEP 621 name (`[project].name`); a manager's own table may give one too
    /// ([`crate::manager::Manifests::project_name`]).
    pub fn name(&self) -> Option<String> {
        self.data
            .project
            .as_ref()
            .and_then(|p| p.name.as_ref())
            .map(|n| n.get_ref().clone())
    }

    /// The project's PEP 621 runtime dependencies (`[project].dependencies`); the managers' own tables
    /// add theirs ([`crate::manager::Manifests::runtime_deps`]).
    pub fn runtime_deps(&self) -> Result<DepSet> {
        let mut set = DepSet::default();
        if let Some(p) = &self.data.project {
            for d in &p.dependencies {
                let line = line_of(&self.text, d.span());
                let req = parse_req(d.get_ref()).map_err(|message| Error::Requirement {
                    path: self.shown.clone().into(),
                    line,
                    message,
                })?;
                if req.applies {
                    set.add(
                        &req.name,
                        req.extras,
                        true,
                        Evidence::at(&self.shown, line, "[project].dependencies"),
                    );
                }
            }
        }
        Ok(set)
    }

    pub fn requires_python(&self) -> Option<(String, usize)> {
        let r = self.data.project.as_ref()?.requires_python.as_ref()?;
        Some((r.get_ref().clone(), line_of(&self.text, r.span())))
    }

    /// The line of a top-level table header such as `[tool.poetry]`, for evidence.
    pub fn line_of_table(&self, header: &str) -> Option<usize> {
        let want = format!("[{header}]");
        let prefix = format!("[{header}.");
        self.text
            .lines()
            .position(|l| {
                let t = l.trim();
                t == want || t.starts_with(&prefix)
            })
            .map(|i| i + 1)
    }
}

/// Extras from a dependency given as a TOML table (Poetry's and Pipenv's form): `{ version = "^3",
/// extras = ["redis"] }`, or a list of such.
pub fn table_extras(v: &toml::Value) -> Vec<String> {
    match v {
        toml::Value::Table(t) => t
            .get("extras")
            .and_then(|e| e.as_array())
            .map(|a| {
                a.iter()
                    .filter_map(|x| x.as_str().map(String::from))
                    .collect()
            })
            .unwrap_or_default(),
        toml::Value::Array(a) => a.iter().flat_map(table_extras).collect(),
        _ => vec![],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn load_str(s: &str) -> Result<Loaded> {
        load(s.to_string(), Path::new("pyproject.toml"))
    }

    #[test]
    fn reads_pep621_dependencies_with_lines() {
        let p = load_str(
            "[project]\nname = \"x\"\nrequires-python = \">=3.12\"\ndependencies = [\n  \"Django>=5.2\",\n  \"psycopg[binary]\",\n]\n\
             [tool.poetry.dependencies]\npython = \"^3.11\"\nCelery = { version = \"^5\", extras = [\"redis\"] }\n\
             [tool.poetry.group.dev.dependencies]\npytest = \"*\"\n",
        )
        .unwrap();
        let d = p.runtime_deps().unwrap();
        assert_eq!(d.get("django").unwrap().evidence.line, Some(5));
        assert!(d.get("psycopg").unwrap().extras.contains("binary"));
        // Poetry's table is the Poetry module's to read.
        assert!(!d.has("celery"));
        assert!(!d.has("pytest"));
        assert_eq!(p.requires_python(), Some((">=3.12".into(), 3)));
        assert_eq!(p.line_of_table("tool.poetry"), Some(8));
    }

    #[test]
    fn syntax_error_has_line_and_column() {
        let e = load_str("[project]\nname = \"x\"\ndependencies = [\"django\" \"gunicorn\"]\n")
            .unwrap_err();
        match e {
            Error::Parse {
                pos: Some(p), path, ..
            } => {
                assert_eq!(path, Path::new("pyproject.toml"));
                assert_eq!(p.line, 3);
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn bad_requirement_names_the_line() {
        let e = load_str("[project]\nname = \"x\"\ndependencies = [\n\"ok\",\n\"bad name !!\"]\n")
            .unwrap()
            .runtime_deps()
            .unwrap_err();
        assert!(matches!(e, Error::Requirement { line: 5, .. }), "{e:?}");
    }
}
