//! Where the app's own code writes at run time: directories it creates (`os.makedirs(...)`,
//! `os.mkdir(...)`, `pathlib.Path(...).mkdir(...)`) whose path the code shows, as a literal (`"data"`), a module-level setting assigned
//! a literal, or a setting read from the environment (or a pydantic settings field) with a literal
//! default (`data_folder: str = "./data"`, then `os.makedirs(settings.data_folder, exist_ok=True)`).
//! Each becomes a data directory the app's user owns (and compose a volume), with the evidence; the rest
//! of the image stays read-only (issue 17). Paths built at run time (`os.path.join(BASE_DIR, ...)`) are
//! not followed.

use super::EnvVar;
use crate::base::evidence::Evidence;
use crate::framework::{DataDir, DataRole};
use crate::parse::apps::Source;
use crate::parse::pysrc::{Arg, Value};

/// Calls whose first argument is a directory they create.
const MAKEDIRS: &[&str] = &["os.makedirs", "os.mkdir"];

/// The directories the project's modules create, relative to the working directory (or absolute).
pub(super) fn dirs(sources: &[Source], env: &[EnvVar]) -> Vec<DataDir> {
    let mut out: Vec<DataDir> = Vec::new();
    for s in sources {
        for c in &s.summary.calls {
            let callee = s.summary.resolve(&c.callee);
            let path_mkdir = callee == "pathlib.Path" && c.then.as_deref() == Some("mkdir");
            if !MAKEDIRS.contains(&callee.as_str()) && !path_mkdir {
                continue;
            }
            let Some((path, how)) = c.args.first().and_then(|a| path_of(a, s, env)) else {
                continue;
            };
            let Some(path) = normal(&path) else {
                continue;
            };
            if out.iter().any(|d| d.path == path) {
                continue;
            }
            let call = if path_mkdir {
                format!("{}(...).mkdir(...)", c.callee)
            } else {
                format!("{}(...)", c.callee)
            };
            let rule = format!("`{call}` creates `{path}`{how}");
            out.push(DataDir {
                role: DataRole::Written,
                path,
                evidence: Evidence::at(&s.file, c.line, &rule),
                label: "",
                url: None,
            });
        }
    }
    out
}

/// The literal path an argument stands for, and how it was found.
fn path_of(arg: &Arg, s: &Source, env: &[EnvVar]) -> Option<(String, String)> {
    match arg {
        Arg::Str(p) => Some((p.clone(), String::new())),
        Arg::Name(dotted) => {
            let attr = dotted.rsplit('.').next().unwrap_or(dotted);
            // A module-level `DATA_DIR = "data"` of this module.
            if !dotted.contains('.')
                && let Some(a) = s.summary.last_assign(dotted)
                && let Value::Str(p) = &a.value
            {
                return Some((p.clone(), format!(" (`{dotted}`, line {})", a.line)));
            }
            // A setting read from the environment with a default (a pydantic field, `X = os.getenv(...)`).
            env.iter()
                .find(|v| v.read.target.as_deref() == Some(attr) && v.read.default.is_some())
                .and_then(|v| {
                    let d = v.read.default.clone()?;
                    let at = match (&v.evidence.file, v.evidence.line) {
                        (Some(f), Some(l)) => format!("{f}:{l}"),
                        _ => v.evidence.to_string(),
                    };
                    Some((d, format!(" (the default of `{dotted}`, {at})")))
                })
        }
        _ => None,
    }
}

/// `./data/` → `data`; absolute paths stay; the working directory itself, parents and odd paths are
/// none (they would make the code writable, or leave the image).
fn normal(path: &str) -> Option<String> {
    if path.chars().any(|c| c.is_control()) {
        return None;
    }
    let absolute = path.starts_with('/');
    let parts: Vec<&str> = path
        .split('/')
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    if parts.is_empty() || parts.contains(&"..") || parts.iter().any(|p| p.contains('~')) {
        return None;
    }
    let joined = parts.join("/");
    Some(if absolute {
        format!("/{joined}")
    } else {
        joined
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parse::pysrc::summarize;

    fn source(file: &str, text: &str) -> Source {
        Source {
            file: file.into(),
            app_dir: ".".into(),
            module: file.trim_end_matches(".py").replace('/', "."),
            summary: summarize(text),
        }
    }

    fn env_of(sources: &[Source]) -> Vec<EnvVar> {
        sources
            .iter()
            .flat_map(|s| {
                s.summary
                    .env_reads
                    .iter()
                    .map(|r| EnvVar::new(r, &s.file, "read"))
            })
            .collect()
    }

    #[test]
    fn directories_the_code_creates_from_literals_and_settings_defaults() {
        let sources = [
            source(
                "app/config.py",
                "from pydantic_settings import BaseSettings\n\n\nclass Settings(BaseSettings):\n    data_folder: str = './data'\n    name: str = 'x'\n\n\nsettings = Settings()\n",
            ),
            source(
                "app/main.py",
                "import os\nfrom app.config import settings\n\nos.makedirs(settings.data_folder, exist_ok=True)\nUPLOADS = 'uploads/'\nos.mkdir(UPLOADS)\nos.makedirs(os.path.join(BASE, 'x'))\nos.makedirs('../outside')\nos.makedirs('.')\nfrom pathlib import Path\nPath('/var/lib/app/cache').mkdir(parents=True, exist_ok=True)\nPath('notes.txt').write_text('x')\n",
            ),
        ];
        let env = env_of(&sources);
        let got: Vec<(String, String)> = dirs(&sources, &env)
            .into_iter()
            .map(|d| (d.path, d.evidence.to_string()))
            .collect();
        assert_eq!(got.len(), 3, "{got:?}");
        assert_eq!(got[0].0, "data");
        assert!(got[0].1.starts_with("app/main.py:4: "), "{}", got[0].1);
        assert_eq!(got[1].0, "uploads");
        assert_eq!(got[2].0, "/var/lib/app/cache");
        assert!(
            got[2].1.contains("`Path(...).mkdir(...)` creates"),
            "{}",
            got[2].1
        );
    }
}
