//! `[tool.poetry]`: what Poetry's own table declares that PEP 621 may not (Poetry 1 has no `[project]`):
//! the project's name, its main dependency group and the `python` constraint. Read from the pyproject's
//! text, so each value keeps its line; a field read with the wrong type is an error with its position
//! (it would break Poetry too).

use std::collections::BTreeMap;
use std::path::Path;

use serde::Deserialize;
use toml::Spanned;

use crate::base::error::{Error, Result};
use crate::base::evidence::Evidence;
use crate::manager::ToolManifest;
use crate::parse::deps::DepSet;
use crate::parse::pyproject::{Loaded, table_extras};
use crate::parse::toml_util::{line_of, parse};

#[derive(Debug, Default, Deserialize)]
struct Doc {
    #[serde(default)]
    tool: ToolTables,
}

#[derive(Debug, Default, Deserialize)]
struct ToolTables {
    poetry: Option<PoetryTable>,
}

#[derive(Debug, Default, Deserialize)]
struct PoetryTable {
    name: Option<Spanned<String>>,
    #[serde(default)]
    dependencies: BTreeMap<String, Spanned<toml::Value>>,
}

fn table(p: &Loaded) -> Result<Option<PoetryTable>> {
    let doc: Doc = parse(&p.text, Path::new(&p.shown))?;
    Ok(doc.tool.poetry)
}

/// The name and the main group's dependencies (`python` excluded; dev groups are not read).
pub(super) fn read(p: &Loaded) -> Result<ToolManifest> {
    let Some(t) = table(p)? else {
        return Ok(ToolManifest::default());
    };
    let mut out = ToolManifest::default();
    if let Some(name) = &t.name {
        // The name reaches the image name, commands and messages: refused if it could break a line.
        crate::base::valid::text("the project name", name.get_ref()).map_err(|message| {
            Error::Parse {
                path: p.shown.clone().into(),
                pos: Some(crate::base::error::position_of(&p.text, name.span().start)),
                message,
            }
        })?;
        out.name = Some(name.get_ref().clone());
    }
    let mut deps = DepSet::default();
    for (name, spec) in &t.dependencies {
        if name.eq_ignore_ascii_case("python") {
            continue;
        }
        let line = line_of(&p.text, spec.span());
        deps.add(
            name,
            table_extras(spec.get_ref()),
            true,
            Evidence::at(&p.shown, line, "[tool.poetry.dependencies]"),
        );
    }
    out.deps = deps;
    Ok(out)
}

/// Poetry's `python = "^3.12"` constraint, with its line.
pub(super) fn python(p: &Loaded) -> Option<(String, usize)> {
    let t = table(p).ok()??;
    let spec = t.dependencies.get("python")?;
    let s = spec.get_ref().as_str()?.to_string();
    Some((s, line_of(&p.text, spec.span())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_the_main_group_with_lines_and_the_python_constraint() {
        let p = crate::parse::pyproject::load(
            "[project]\nname = \"x\"\nrequires-python = \">=3.12\"\ndependencies = [\n  \"Django>=5.2\",\n  \"psycopg[binary]\",\n]\n\
             [tool.poetry.dependencies]\npython = \"^3.11\"\nCelery = { version = \"^5\", extras = [\"redis\"] }\n\
             [tool.poetry.group.dev.dependencies]\npytest = \"*\"\n"
                .to_string(),
            Path::new("pyproject.toml"),
        )
        .unwrap();
        let m = read(&p).unwrap();
        let celery = m.deps.get("celery").unwrap();
        assert!(celery.extras.contains("redis"));
        assert_eq!(celery.evidence.line, Some(10));
        assert!(!m.deps.has("pytest"));
        assert!(!m.deps.has("python"));
        assert_eq!(python(&p), Some(("^3.11".into(), 9)));
    }

    #[test]
    fn a_name_that_could_break_a_line_is_refused_with_its_position() {
        let p = crate::parse::pyproject::load(
            "[tool.poetry]\nname = \"a\\nb\"\n".to_string(),
            Path::new("pyproject.toml"),
        )
        .unwrap();
        assert!(matches!(read(&p), Err(Error::Parse { pos: Some(_), .. })));
    }
}
