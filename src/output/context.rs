//! The template contexts, documented: for each generated file, every variable its template can use,
//! with its type and meaning.
//!
//! The lists are derived from the context types themselves ([`crate::output::contexts`], through their
//! JSON schemas, whose descriptions are the fields' doc comments), so they cannot fall behind the code: a
//! field without a doc comment fails the test `every_context_variable_is_documented`, and
//! docs/template-context.md is checked against `dockgen templates context --markdown`.

use serde::Serialize;
use serde_json::{Map, Value};

/// One template's context: the template, the file it writes, and its variables.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FileContext {
    /// The template's file name (`Dockerfile.tera`).
    pub template: String,
    /// The file it writes (`Dockerfile`).
    pub output: String,
    /// Its variables, depth first in declaration order.
    pub variables: Vec<Variable>,
}

/// One template variable.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Variable {
    /// How a template reaches it: `port`, `install.env`, `install.env[].name` (a field of each item).
    pub path: String,
    /// `string`, `integer`, `boolean`, `list of string`, `object`, ...; `or null` when it may be absent.
    #[serde(rename = "type")]
    pub ty: String,
    /// What it means (the field's doc comment).
    pub description: String,
}

/// Every template's context, in the order the files are rendered.
pub fn files() -> Vec<FileContext> {
    let outputs = crate::output::render::OUTPUTS;
    crate::output::contexts::schemas()
        .into_iter()
        .map(|(template, schema)| FileContext {
            template: template.to_string(),
            output: outputs
                .iter()
                .find(|(t, _)| *t == template)
                .map_or_else(String::new, |(_, o)| o.to_string()),
            variables: variables_of(&schema),
        })
        .collect()
}

/// The variables of one context's schema, depth first in declaration order.
fn variables_of(schema: &schemars::Schema) -> Vec<Variable> {
    let root = schema.as_value();
    let defs = root
        .get("$defs")
        .and_then(Value::as_object)
        .cloned()
        .unwrap_or_default();
    let mut out = Vec::new();
    walk("", root, &defs, &mut out);
    out
}

fn resolve<'a>(v: &'a Value, defs: &'a Map<String, Value>) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => defs
            .get(r.trim_start_matches("#/$defs/"))
            .map(|d| resolve(d, defs))
            .unwrap_or(v),
        None => v,
    }
}

/// The type of `v` as text, and the object schema to descend into (for objects and lists of objects).
fn type_of<'a>(v: &'a Value, defs: &'a Map<String, Value>) -> (String, Option<&'a Value>) {
    // Option<T>: `anyOf: [T, null]` or `type: [t, "null"]`.
    if let Some(any) = v.get("anyOf").and_then(Value::as_array) {
        let non_null: Vec<&Value> = any
            .iter()
            .filter(|a| a.get("type").and_then(Value::as_str) != Some("null"))
            .collect();
        if non_null.len() == 1 {
            let (t, sub) = type_of(non_null[0], defs);
            return (format!("{t} or null"), sub);
        }
    }
    let v = resolve(v, defs);
    if let Some(values) = v.get("enum").and_then(Value::as_array) {
        let names: Vec<String> = values.iter().map(|x| x.to_string()).collect();
        return (format!("string, one of {}", names.join(", ")), None);
    }
    if let Some(alts) = v.get("oneOf").and_then(Value::as_array) {
        let names: Vec<String> = alts
            .iter()
            .filter_map(|a| a.get("const").or_else(|| a.get("enum")?.get(0)))
            .map(|x| x.to_string())
            .collect();
        if names.len() == alts.len() {
            return (format!("string, one of {}", names.join(", ")), None);
        }
    }
    let (base, nullable) = match v.get("type") {
        Some(Value::String(t)) => (t.clone(), false),
        Some(Value::Array(ts)) => {
            let non_null: Vec<&str> = ts
                .iter()
                .filter_map(Value::as_str)
                .filter(|t| *t != "null")
                .collect();
            (non_null.join(" or "), ts.len() > non_null.len())
        }
        _ => ("value".into(), false),
    };
    let (text, sub) = match base.as_str() {
        "array" => {
            let items = v.get("items").map(|i| type_of(i, defs));
            match items {
                Some((t, sub)) => (format!("list of {t}"), sub),
                None => ("list".into(), None),
            }
        }
        "object" if v.get("properties").is_some() => ("object".into(), Some(v)),
        _ => (base, None),
    };
    (
        if nullable {
            format!("{text} or null")
        } else {
            text
        },
        sub,
    )
}

fn description(v: &Value, defs: &Map<String, Value>) -> String {
    v.get("description")
        .and_then(Value::as_str)
        .map(str::to_string)
        .or_else(|| {
            let target = v
                .get("anyOf")
                .and_then(Value::as_array)
                .and_then(|a| a.iter().find(|x| x.get("$ref").is_some()))
                .unwrap_or(v);
            resolve(target, defs)
                .get("description")
                .and_then(Value::as_str)
                .map(str::to_string)
        })
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn walk(prefix: &str, object: &Value, defs: &Map<String, Value>, out: &mut Vec<Variable>) {
    let Some(props) = object.get("properties").and_then(Value::as_object) else {
        return;
    };
    for (name, field) in props {
        let path = if prefix.is_empty() {
            name.clone()
        } else {
            format!("{prefix}.{name}")
        };
        let (ty, sub) = type_of(field, defs);
        out.push(Variable {
            path: path.clone(),
            ty: ty.clone(),
            description: description(field, defs),
        });
        if let Some(sub) = sub {
            let child = if ty.starts_with("list of") || ty.contains(" list of") {
                format!("{path}[]")
            } else {
                path
            };
            walk(&child, sub, defs, out);
        }
    }
}

/// The top-level variables a template reads (names of the context that appear in it as identifiers).
pub fn used_by(template: &str, vars: &[Variable]) -> Vec<String> {
    // Identifiers inside `{{ ... }}` and `{% ... %}`, not the literal text around them.
    let mut words = std::collections::BTreeSet::new();
    for opener in ["{{", "{%"] {
        for block in template.split(opener).skip(1) {
            let inside = block.split(['}', '%']).next().unwrap_or_default();
            words.extend(inside.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')));
        }
    }
    let mut out: Vec<String> = vars
        .iter()
        .map(|v| v.path.as_str())
        .filter(|p| !p.contains('.') && !p.contains('['))
        .filter(|p| words.contains(p))
        .map(String::from)
        .collect();
    out.dedup();
    out
}

/// A plain-text table for the terminal.
pub fn table(files: &[FileContext]) -> String {
    let mut s = String::from(
        "Each template renders with its own context (`x[].y` is field y of each item of list x).\n",
    );
    for f in files {
        s.push_str(&format!("\n{} (writes {}):\n\n", f.template, f.output));
        let w = f.variables.iter().map(|v| v.path.len()).max().unwrap_or(0);
        for v in &f.variables {
            s.push_str(&format!(
                "  {:<w$}  {}\n  {:<w$}  {}\n",
                v.path, v.ty, "", v.description
            ));
        }
    }
    s
}

/// The Markdown page (docs/template-context.md).
pub fn markdown(files: &[FileContext]) -> String {
    let mut s = String::from(
        "# Template context\n\n\
         Generated by `dockgen templates context --markdown`; a test fails when this page and the code \
         disagree. Each template (built-in or forked, see [forking-templates.md](forking-templates.md)) \
         renders with the context of the file it writes, and only with that. `x[].y` is the field `y` of \
         each item of the list `x`.\n",
    );
    for f in files {
        s.push_str(&format!(
            "\n## `{}` (writes `{}`)\n\n| Variable | Type | Meaning |\n|---|---|---|\n",
            f.template, f.output
        ));
        for v in &f.variables {
            s.push_str(&format!(
                "| `{}` | {} | {} |\n",
                v.path,
                v.ty.replace('|', "\\|"),
                v.description.replace('|', "\\|")
            ));
        }
    }
    s.push_str(&format!(
        "\n## Version\n\nThis is context version {}. Version 3 gave each file its own context: a fork that \
         uses a variable of another file's context is told which file has it, and one that uses a removed \
         variable is told why it went.\n\nRenamed variables (a fork that uses the old name is told the new \
         one):\n\n| Old name | New name | Since version |\n|---|---|---|\n",
        crate::plan::CONTEXT_VERSION
    ));
    for (old, new, version) in crate::plan::RENAMED {
        s.push_str(&format!("| `{old}` | `{new}` | {version} |\n"));
    }
    s.push_str("\nRemoved in version 3 (no built-in template printed them):\n\n| Variable | Instead |\n|---|---|\n");
    for (name, why) in crate::output::contexts::REMOVED {
        s.push_str(&format!("| `{name}` | {} |\n", why.replace('|', "\\|")));
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_context_variable_is_documented() {
        let vars: Vec<Variable> = files().into_iter().flat_map(|f| f.variables).collect();
        let undocumented: Vec<&str> = vars
            .iter()
            .filter(|v| v.description.trim().is_empty())
            .map(|v| v.path.as_str())
            .collect();
        assert!(
            undocumented.is_empty(),
            "add a doc comment to these Plan fields: {undocumented:?}"
        );
        // Each file's context is what its built-in template prints: no variable is there unused.
        for f in files() {
            let text = crate::output::render::builtin_templates()
                .remove(&f.template)
                .unwrap();
            let used = used_by(&text, &f.variables);
            for v in f.variables.iter().filter(|v| !v.path.contains(['.', '['])) {
                let for_forks = crate::output::contexts::FOR_FORKS
                    .contains(&(f.template.as_str(), v.path.as_str()));
                assert!(
                    v.path == "context_version" || for_forks || used.contains(&v.path),
                    "`{}` is in the context of {} but its template never reads it",
                    v.path,
                    f.template
                );
            }
        }
        for must in [
            "port",
            "install.command",
            "workers[].name",
            "app_env[].value",
            "images.uv",
        ] {
            assert!(vars.iter().any(|v| v.path == must), "{must} is listed");
        }
    }
}
