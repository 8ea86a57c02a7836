//! Rendering: Plan -> file contents, in memory. Pure: reads no project files, writes nothing.
//!
//! Templates are embedded from `templates/python/` with include_dir. Autoescaping is off (these are not
//! HTML) and undefined variables are errors. Quoting is done by filters, so values from the user's
//! project reach YAML, JSON and shell quoted: `yaml` (a JSON string, which YAML reads as a double-quoted
//! scalar), `compose` (the same, with `$` escaped from compose interpolation), `json_array` and
//! `compose_array` for exec-form commands, `dockerfile_value` for `ENV` values. Output is normalised: LF
//! newlines, no more than one blank line in a row, exactly one trailing newline.

use std::collections::BTreeMap;

use include_dir::{Dir, include_dir};
use tera::{Kwargs, State, Tera};

use crate::base::error::{Error, Result};
use crate::plan::{Plan, compose_literal};

static TEMPLATES: Dir<'_> = include_dir!("$CARGO_MANIFEST_DIR/templates/python");

/// Template file name -> generated file name (relative to the build context).
pub const OUTPUTS: &[(&str, &str)] = &[
    ("Dockerfile.tera", "Dockerfile"),
    ("entrypoint.sh.tera", "entrypoint.sh"),
    ("dockerignore.tera", ".dockerignore"),
    ("docker-compose.yml.tera", "docker-compose.yml"),
    ("env.example.tera", ".env.example"),
];

/// The generated files that must be executable.
pub const EXECUTABLE: &[&str] = &["entrypoint.sh"];

/// The built-in templates, by file name.
pub fn builtin_templates() -> BTreeMap<String, String> {
    TEMPLATES
        .files()
        .filter_map(|f| {
            Some((
                f.path().to_string_lossy().into_owned(),
                f.contents_utf8()?.to_string(),
            ))
        })
        .collect()
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).expect("strings serialise")
}

/// A set of templates: the built-in ones, each possibly replaced by a team's fork.
#[derive(Debug, Clone)]
pub struct Templates {
    /// Template name -> text.
    pub text: BTreeMap<String, String>,
    /// Template name -> the path shown in errors, for templates read from a directory.
    pub shown: BTreeMap<String, String>,
}

impl Default for Templates {
    fn default() -> Self {
        Templates {
            text: builtin_templates(),
            shown: BTreeMap::new(),
        }
    }
}

impl Templates {
    /// The built-in templates overlaid, file by file, with the `*.tera` files of `dir` (`shown` is how
    /// the directory is named in messages). A fork's extra `.tera` files are loaded too, for
    /// `{% include %}`; they are reported in `warnings` because a misspelt name would otherwise be
    /// silently ignored.
    pub fn overlay(dir: &std::path::Path, shown: &str, warnings: &mut Vec<String>) -> Result<Self> {
        let mut t = Templates::default();
        let entries = std::fs::read_dir(dir).map_err(|source| Error::TemplatesDir {
            path: shown.to_string(),
            source,
        })?;
        let mut names: Vec<String> = entries
            .filter_map(|e| e.ok())
            .filter(|e| e.file_type().is_ok_and(|t| t.is_file() || t.is_symlink()))
            .filter_map(|e| e.file_name().to_str().map(str::to_string))
            .filter(|n| n.ends_with(".tera"))
            .collect();
        names.sort();
        for name in names {
            let shown_path = format!("{}/{name}", shown.trim_end_matches('/'));
            let text = crate::base::fs::read_text(
                &dir.join(&name),
                std::path::Path::new(&shown_path),
                1024 * 1024,
            )?;
            if !t.text.contains_key(&name) {
                warnings.push(format!(
                    "`{shown_path}` is not one of the built-in templates ({}); it is only used where another template includes it",
                    OUTPUTS.iter().map(|(t, _)| *t).collect::<Vec<_>>().join(", ")
                ));
            }
            t.text.insert(name.clone(), text);
            t.shown.insert(name, shown_path);
        }
        Ok(t)
    }
}

fn engine(templates: &Templates) -> Result<Tera> {
    let mut tera = Tera::new();
    tera.autoescape_on(Vec::<&str>::new());
    tera.register_filter("yaml", |v: &str, _: Kwargs, _: &State| json_string(v));
    tera.register_filter("compose", |v: &str, _: Kwargs, _: &State| {
        json_string(&compose_literal(v))
    });
    tera.register_filter("json_array", |v: Vec<String>, _: Kwargs, _: &State| {
        serde_json::to_string(&v)
            .expect("strings serialise")
            .replace("\",\"", "\", \"")
    });
    tera.register_filter("compose_array", |v: Vec<String>, _: Kwargs, _: &State| {
        let escaped: Vec<String> = v.iter().map(|s| compose_literal(s)).collect();
        serde_json::to_string(&escaped)
            .expect("strings serialise")
            .replace("\",\"", "\", \"")
    });
    // A word for `sh -c` (a shell-form RUN): single-quoted unless it is plainly safe.
    tera.register_filter("sh", |v: &str, _: Kwargs, _: &State| {
        crate::base::quote::sh_quote(v)
    });
    // Dockerfile instructions expand `$VAR` in paths: escape it so a directory named `a$b` stays literal.
    tera.register_filter("dockerfile_path", |v: &str, _: Kwargs, _: &State| {
        v.replace('$', "\\$")
    });
    tera.register_filter("dockerfile_value", |v: &str, _: Kwargs, _: &State| {
        if !v.is_empty()
            && v.chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_./:$=,@+".contains(c))
        {
            v.to_string()
        } else {
            json_string(v)
        }
    });
    for (name, text) in &templates.text {
        tera.add_raw_template(name, text)
            .map_err(|e| template_error(templates, name, e))?;
    }
    Ok(tera)
}

/// A template error naming the file as the user knows it (a fork's path), with tera's line:column
/// report rewritten to that path.
fn template_error(templates: &Templates, name: &str, e: tera::Error) -> Error {
    let mut message = e.to_string();
    let mut source = std::error::Error::source(&e);
    while let Some(s) = source {
        message.push_str(&format!(": {s}"));
        source = s.source();
    }
    if let Some(rest) = message.strip_prefix("error: ") {
        message = rest.to_string();
    }
    for (n, shown) in &templates.shown {
        message = message.replace(&format!("--> {n}:"), &format!("--> {shown}:"));
    }
    // The template the report points at (an included one may be the culprit).
    let at = message
        .split_once("--> ")
        .and_then(|(_, rest)| rest.split(':').next())
        .map(str::to_string);
    let name = at
        .filter(|a| templates.shown.values().any(|s| s == a) || templates.text.contains_key(a))
        .unwrap_or_else(|| {
            templates
                .shown
                .get(name)
                .cloned()
                .unwrap_or(name.to_string())
        });
    let error = Error::Template { name, message };
    match renamed_hint(&error) {
        Some(hint) => error.with_hint(hint),
        None => error,
    }
}

/// For a fork that uses a variable the context renamed: which name to use now.
fn renamed_hint(e: &Error) -> Option<String> {
    let Error::Template { message, .. } = e else {
        return None;
    };
    let var = message
        .split_once("Variable `")?
        .1
        .split_once("` is not defined")?
        .0;
    let (old, new, version) = crate::plan::RENAMED
        .iter()
        .find(|(old, _, _)| *old == var)?;
    Some(format!(
        "`{old}` was renamed to `{new}` in template context version {version}: rename it in your fork (`dockgen templates context` lists every variable)"
    ))
}

/// Normalises generated text: LF newlines, trailing spaces trimmed, at most one blank line in a row,
/// exactly one trailing newline.
pub fn normalize(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.replace("\r\n", "\n").lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}

/// Renders every output with the given templates (built-in ones overlaid by a team's, by file name).
pub fn render_with(plan: &Plan, templates: &Templates) -> Result<BTreeMap<String, String>> {
    let tera = engine(templates)?;
    let context = tera::Context::from_serialize(plan).map_err(|e| Error::Template {
        name: "(plan)".into(),
        message: e.to_string(),
    })?;
    let mut out = BTreeMap::new();
    for (template, file) in OUTPUTS {
        let text = tera
            .render(template, &context)
            .map_err(|e| template_error(templates, template, e))?;
        out.insert(file.to_string(), normalize(&text));
    }
    Ok(out)
}

/// Renders with the built-in templates.
pub fn render(plan: &Plan) -> Result<BTreeMap<String, String>> {
    render_with(plan, &Templates::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_output_has_a_builtin_template() {
        let t = builtin_templates();
        for (template, _) in OUTPUTS {
            assert!(t.contains_key(*template), "{template}");
        }
        assert_eq!(t.len(), OUTPUTS.len(), "no stray templates");
    }

    #[test]
    fn normalize_collapses_blank_lines_and_ends_with_one_newline() {
        assert_eq!(normalize("\n\na  \n\n\n\nb\r\n\n\n"), "a\n\nb\n");
    }
}
