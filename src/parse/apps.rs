//! Flask and FastAPI app objects, app factories and Celery apps, found in Python sources.
//!
//! A candidate is only what the tokens prove: a module-level `name = Flask(...)` whose `Flask` resolves
//! through the module's imports to `flask.Flask` (any alias, any variable name), a top-level
//! `def create_app` in a module that imports Flask or FastAPI, or a module-level `app = create_app()` that
//! calls such a factory. Which classes make an app is the framework registry's business: it passes an
//! [`AppClass`] table, so this parser names no framework. Ranking and the final choice happen in
//! `detect`; this module only lists.

use crate::base::diag::Diagnostics;
use std::path::Path;

use super::index::SourceIndex;
use super::pysrc::{Module, Value};
use crate::base::evidence::Evidence;
use crate::base::fs as files;

/// A class whose module-level instance is a servable app: `flask.Flask` for Flask. `F` identifies the
/// framework to the caller.
#[derive(Debug, Clone, Copy)]
pub struct AppClass<F> {
    pub framework: F,
    /// The class's import path, `flask.Flask`.
    pub class: &'static str,
    /// The top-level module whose import marks a factory as this framework's, `flask`.
    pub module: &'static str,
}

/// A summarised module with its import path.
#[derive(Debug, Clone)]
pub struct Source {
    /// The file, relative to the root.
    pub file: String,
    /// The directory it imports from (the first ancestor that is not a package).
    pub app_dir: String,
    /// Its dotted module name from `app_dir`.
    pub module: String,
    pub summary: Module,
}

/// How strongly a candidate says "this is what the server serves".
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Kind {
    /// Named by `FLASK_APP`.
    Explicit,
    /// `app = create_app()` at module level.
    FactoryCall,
    /// `app = Flask(__name__)` at module level.
    Instance,
    /// `def create_app()` that nothing calls at module level.
    Factory,
}

#[derive(Debug, Clone)]
pub struct Candidate<F> {
    pub framework: F,
    pub kind: Kind,
    pub app_dir: String,
    pub module: String,
    pub entrypoint: String,
    pub evidence: Evidence,
}

const FACTORY_NAMES: &[&str] = &["create_app", "make_app", "get_app", "app_factory"];

/// (app_dir, module) for a `.py` file: packages are climbed while the parent holds `__init__.py`.
pub fn module_path(root: &Path, rel: &str) -> Option<(String, String)> {
    let mut parts: Vec<&str> = rel.split('/').collect();
    let file = parts.pop()?;
    let mut module: Vec<String> = Vec::new();
    if file != "__init__.py" {
        module.push(file.strip_suffix(".py")?.to_string());
    }
    while let Some(last) = parts.last() {
        let dir = parts.join("/");
        if !files::is_file(&files::join(root, &format!("{dir}/__init__.py"))) {
            break;
        }
        module.insert(0, last.to_string());
        parts.pop();
    }
    if module.is_empty() || module.iter().any(|m| !is_identifier(m)) {
        return None;
    }
    let app_dir = if parts.is_empty() {
        ".".to_string()
    } else {
        parts.join("/")
    };
    Some((app_dir, module.join(".")))
}

fn is_identifier(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_alphabetic() || f == '_')
        && c.all(|x| x.is_alphanumeric() || x == '_')
}

/// Reads and summarises candidate modules. Unreadable ones (binary, huge, not UTF-8, FIFOs) are skipped
/// with a warning: a broken helper module must not stop detection.
/// `words` is a cheap pre-filter: a module mentioning none of them, no factory name and assigning no
/// call's result at its top level is not summarised. Empty `words` summarises every module (the
/// modules an app module imports from, where a factory of any name may be defined).
pub fn load(
    root: &Path,
    index: &SourceIndex,
    rels: &[String],
    words: &[&str],
    warnings: &mut Diagnostics,
) -> Vec<Source> {
    let mut out = Vec::new();
    for rel in rels {
        let text = match index.text(root, rel) {
            Ok(t) => t,
            Err(why) => {
                warnings.warn(format!("skipped {why}"));
                continue;
            }
        };
        // Cheap pre-check; the tokens below decide. `app = register_app()` names neither the
        // framework nor a conventional factory: its factory is followed through the imports.
        let worth = words.is_empty()
            || words.iter().chain(FACTORY_NAMES).any(|w| text.contains(w))
            || assigns_a_call(&text);
        if !worth {
            continue;
        }
        let Some((app_dir, module)) = module_path(root, rel) else {
            continue;
        };
        out.push(Source {
            file: rel.clone(),
            app_dir,
            module,
            summary: Module::clone(&index.summary(rel, &text)),
        });
    }
    out
}

/// Whether a line at the module's top level assigns a call's result (`app = register_app()`,
/// `app: FastAPI = build()`): a cheap look at the text, before tokenizing.
fn assigns_a_call(text: &str) -> bool {
    text.lines().any(|line| {
        let Some((target, value)) = line.split_once('=') else {
            return false;
        };
        let target = target.split(':').next().unwrap_or(target).trim_end();
        let value = value.trim_start();
        let callee = value.split('(').next().unwrap_or_default();
        !line.starts_with(char::is_whitespace)
            && is_identifier(target)
            && value.contains('(')
            && !callee.is_empty()
            && callee.split('.').all(is_identifier)
    })
}

/// The pre-filter words for [`load`]: each class's name and module.
pub fn words<F>(classes: &[AppClass<F>]) -> Vec<&'static str> {
    classes
        .iter()
        .flat_map(|c| [c.module, c.class.rsplit('.').next().unwrap_or(c.class)])
        .collect()
}

fn framework_of_callee<F: Copy>(classes: &[AppClass<F>], m: &Module, callee: &str) -> Option<F> {
    let resolved = m.resolve(callee);
    classes
        .iter()
        .find(|c| c.class == resolved)
        .map(|c| c.framework)
}

fn factory_framework<F: Copy>(classes: &[AppClass<F>], m: &Module) -> Option<F> {
    classes
        .iter()
        .find(|c| m.imports_from(c.module))
        .map(|c| c.framework)
}

/// Every app candidate in the sources, for the frameworks whose classes are given (in that order of
/// preference when a factory's module imports several).
pub fn candidates<F: Copy>(sources: &[Source], classes: &[AppClass<F>]) -> Vec<Candidate<F>> {
    // Factories first, so module-level calls to them can be recognised in any module.
    let factories = factories(sources, classes);
    let builders = builders(sources, classes);
    let mut out = Vec::new();
    for s in sources {
        let mut called = Vec::new();
        for a in &s.summary.assigns {
            let Value::Call { callee } = &a.value else {
                continue;
            };
            if a.target.contains('.') || a.subscript {
                continue;
            }
            let ev = Evidence::at(&s.file, a.line, "");
            if let Some(fw) = framework_of_callee(classes, &s.summary, callee) {
                out.push(Candidate {
                    framework: fw,
                    kind: Kind::Instance,
                    app_dir: s.app_dir.clone(),
                    module: s.module.clone(),
                    entrypoint: format!("{}:{}", s.module, a.target),
                    evidence: Evidence {
                        rule: format!("module-level `{} = {callee}(...)`", a.target),
                        ..ev
                    },
                });
                continue;
            }
            let last = callee.rsplit('.').next().unwrap_or(callee);
            let built = qualified(s, callee);
            let by_name = factories.iter().find(|(n, _)| n == last).map(|(_, fw)| *fw);
            let by_body = builders
                .iter()
                .find(|(q, _)| *q == built)
                .map(|(_, fw)| *fw);
            if let Some(fw) = by_name.or(by_body) {
                let fw = &fw;
                called.push(last.to_string());
                out.push(Candidate {
                    framework: *fw,
                    kind: Kind::FactoryCall,
                    app_dir: s.app_dir.clone(),
                    module: s.module.clone(),
                    entrypoint: format!("{}:{}", s.module, a.target),
                    evidence: Evidence {
                        rule: format!(
                            "module-level `{} = {callee}()` calls the app factory",
                            a.target
                        ),
                        ..ev
                    },
                });
            }
        }
        out.extend(uncalled_factories(s, classes, &called));
    }
    out
}

/// The app factories the sources define (`def create_app()` in a module importing a framework), with
/// their framework.
fn factories<F: Copy>(sources: &[Source], classes: &[AppClass<F>]) -> Vec<(String, F)> {
    let mut out = Vec::new();
    for s in sources {
        if let Some(fw) = factory_framework(classes, &s.summary) {
            for (name, _) in &s.summary.defs {
                if FACTORY_NAMES.contains(&name.as_str()) {
                    out.push((name.clone(), fw));
                }
            }
        }
    }
    out
}

/// The project files the sources import from (`from app.core.factory import get_application`), that
/// are among `py_files` (sorted) and not loaded yet: where a module-level `app = f()` may find its factory.
pub fn imported_files(sources: &[Source], py_files: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for s in sources {
        for local in s.summary.imports.keys() {
            let mut q = qualified(s, local);
            // `pkg.module.function`: the module is a prefix.
            while let Some((module, _)) = q.rsplit_once('.') {
                let path = module.replace('.', "/");
                let dir = if s.app_dir == "." {
                    String::new()
                } else {
                    format!("{}/", s.app_dir)
                };
                for file in [
                    format!("{dir}{path}.py"),
                    format!("{dir}{path}/__init__.py"),
                ] {
                    let loaded = sources.iter().any(|x| x.file == file);
                    if !loaded && !out.contains(&file) && py_files.binary_search(&file).is_ok() {
                        out.push(file);
                    }
                }
                q = module.to_string();
            }
        }
    }
    out
}

/// How many calls deep a factory is followed (`get_application()` calling `build_app()` calling
/// `FastAPI(...)`): bounded, since nothing is evaluated.
const FACTORY_DEPTH: usize = 3;

/// The absolute dotted name `callee` (as written in `s`) refers to: through the module's imports,
/// relative imports resolved against its package; a bare local name is the module's own.
fn qualified(s: &Source, callee: &str) -> String {
    let resolved = s.summary.resolve(callee);
    if resolved == callee && !callee.contains('.') {
        return format!("{}.{callee}", s.module);
    }
    let level = resolved.chars().take_while(|c| *c == '.').count();
    if level == 0 {
        return resolved;
    }
    let mut package: Vec<&str> = s.module.split('.').collect();
    if !s.file.ends_with("__init__.py") {
        package.pop();
    }
    for _ in 1..level {
        package.pop();
    }
    let rest = &resolved[level..];
    if package.is_empty() {
        rest.to_string()
    } else {
        format!("{}.{rest}", package.join("."))
    }
}

/// The project's functions that build an app, by absolute name: those annotated to return an app
/// class or calling one, then (a few levels) those calling such a function, in any module.
pub fn builders<F: Copy>(sources: &[Source], classes: &[AppClass<F>]) -> Vec<(String, F)> {
    let mut found: Vec<(String, F)> = Vec::new();
    for s in sources {
        for d in &s.summary.def_bodies {
            let class = d
                .returns
                .iter()
                .chain(&d.callees)
                .find_map(|c| framework_of_callee(classes, &s.summary, c));
            if let Some(fw) = class {
                found.push((format!("{}.{}", s.module, d.name), fw));
            }
        }
    }
    for _ in 1..FACTORY_DEPTH {
        let mut more = Vec::new();
        for s in sources {
            for d in &s.summary.def_bodies {
                let q = format!("{}.{}", s.module, d.name);
                if found.iter().any(|(f, _)| *f == q) {
                    continue;
                }
                let via = d.callees.iter().find_map(|c| {
                    let target = qualified(s, c);
                    found.iter().find(|(f, _)| *f == target).map(|(_, fw)| *fw)
                });
                more.extend(via.map(|fw| (q, fw)));
            }
        }
        if more.is_empty() {
            break;
        }
        found.extend(more);
    }
    found
}

/// `s`'s app factories that no module-level assignment in it calls (those in `called`).
fn uncalled_factories<F: Copy>(
    s: &Source,
    classes: &[AppClass<F>],
    called: &[String],
) -> Vec<Candidate<F>> {
    let Some(fw) = factory_framework(classes, &s.summary) else {
        return Vec::new();
    };
    s.summary
        .defs
        .iter()
        .filter(|(name, _)| FACTORY_NAMES.contains(&name.as_str()) && !called.contains(name))
        .map(|(name, line)| Candidate {
            framework: fw,
            kind: Kind::Factory,
            app_dir: s.app_dir.clone(),
            module: s.module.clone(),
            entrypoint: format!("{}:{name}()", s.module),
            evidence: Evidence::at(&s.file, *line, &format!("app factory `def {name}()`")),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    const CLASSES: &[AppClass<&str>] = &[
        AppClass {
            framework: "flask",
            class: "flask.Flask",
            module: "flask",
        },
        AppClass {
            framework: "fastapi",
            class: "fastapi.FastAPI",
            module: "fastapi",
        },
    ];

    fn tree(files: &[(&str, &str)]) -> (tempfile::TempDir, Vec<Source>) {
        let d = tempfile::tempdir().unwrap();
        let mut rels = Vec::new();
        for (name, text) in files {
            let p = d.path().join(name);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
            rels.push(name.to_string());
        }
        let mut w = Diagnostics::new();
        let s = load(
            d.path(),
            &Default::default(),
            &rels,
            &words(CLASSES),
            &mut w,
        );
        (d, s)
    }

    #[test]
    fn apps_built_by_project_functions_are_followed_through_imports() {
        let (_d, sources) = tree(&[
            ("svc/__init__.py", ""),
            ("svc/core/__init__.py", ""),
            (
                "svc/core/build.py",
                "from fastapi import FastAPI\n\n\ndef make_api():\n    return FastAPI(title='x')\n",
            ),
            (
                "svc/core/factory.py",
                "from .build import make_api\n\n\ndef get_application():\n    api = make_api()\n    return api\n",
            ),
            (
                "svc/main.py",
                "from svc.core.factory import get_application\n\napp = get_application()\nother = len([])\n",
            ),
        ]);
        let b: Vec<String> = builders(&sources, CLASSES)
            .into_iter()
            .map(|(q, _)| q)
            .collect();
        // make_api calls FastAPI; get_application calls it through a relative import.
        assert_eq!(
            b,
            [
                "svc.core.build.make_api",
                "svc.core.factory.get_application"
            ]
        );
        let c = candidates(&sources, CLASSES);
        let calls: Vec<(&str, Kind)> = c.iter().map(|c| (c.entrypoint.as_str(), c.kind)).collect();
        assert_eq!(calls, [("svc.main:app", Kind::FactoryCall)]);
        // The files the app module imports from, to load them when they were not.
        let (_d, only_main) = tree(&[
            ("svc/__init__.py", ""),
            (
                "svc/main.py",
                "from svc.core.factory import get_application\n\napp = get_application()\n",
            ),
        ]);
        let files = ["svc/core/factory.py".to_string(), "svc/main.py".to_string()];
        assert_eq!(imported_files(&only_main, &files), ["svc/core/factory.py"]);
    }

    /// An app module naming neither the framework nor a conventional factory (`app = register_app()`)
    /// is summarised all the same, and its factory found in the module it imports.
    #[test]
    fn an_app_module_calling_a_factory_of_any_name_is_read() {
        let (_d, sources) = tree(&[
            ("svc/__init__.py", ""),
            (
                "svc/main.py",
                "from svc.registrar import register_app\n\napp = register_app()\n",
            ),
            (
                "svc/registrar.py",
                "from fastapi import FastAPI\n\n\ndef register_app() -> FastAPI:\n    return FastAPI()\n",
            ),
        ]);
        let files: Vec<&str> = sources.iter().map(|s| s.file.as_str()).collect();
        assert_eq!(files, ["svc/main.py", "svc/registrar.py"]);
        let c = candidates(&sources, CLASSES);
        let calls: Vec<(&str, Kind)> = c.iter().map(|c| (c.entrypoint.as_str(), c.kind)).collect();
        assert_eq!(calls, [("svc.main:app", Kind::FactoryCall)]);
    }

    #[test]
    fn top_level_call_assignments() {
        assert!(assigns_a_call("import x\napp = register_app()\n"));
        assert!(assigns_a_call("app: FastAPI = factory.build(debug=True)\n"));
        // Indented, a comparison, a literal, no call: not a module-level call's result.
        assert!(!assigns_a_call("def f():\n    app = register_app()\n"));
        assert!(!assigns_a_call("if a == b(1):\n    pass\n"));
        assert!(!assigns_a_call("NAME = \"x(y)\"\nDEBUG = True\n"));
    }

    /// Empty words summarise every module: a factory's module that names no framework (`def
    /// register_app(): return build()`) is where the chain to the app class goes on.
    #[test]
    fn empty_words_load_every_module() {
        let d = tempfile::tempdir().unwrap();
        fs::write(
            d.path().join("wiring.py"),
            "def register():\n    return build()\n",
        )
        .unwrap();
        let rels = ["wiring.py".to_string()];
        let mut w = Diagnostics::new();
        let none = load(
            d.path(),
            &Default::default(),
            &rels,
            &words(CLASSES),
            &mut w,
        );
        assert!(none.is_empty());
        let all = load(d.path(), &Default::default(), &rels, &[], &mut w);
        assert_eq!(all.len(), 1);
    }

    #[test]
    fn module_paths_climb_packages() {
        let (d, _) = tree(&[
            ("src/inventory/__init__.py", ""),
            ("src/inventory/main.py", ""),
            ("app/main.py", ""),
            ("wsgi.py", ""),
        ]);
        assert_eq!(
            module_path(d.path(), "src/inventory/main.py"),
            Some(("src".into(), "inventory.main".into()))
        );
        assert_eq!(
            module_path(d.path(), "src/inventory/__init__.py"),
            Some(("src".into(), "inventory".into()))
        );
        assert_eq!(
            module_path(d.path(), "app/main.py"),
            Some(("app".into(), "main".into()))
        );
        assert_eq!(
            module_path(d.path(), "wsgi.py"),
            Some((".".into(), "wsgi".into()))
        );
        assert_eq!(module_path(d.path(), "my-app.py"), None);
    }

    #[test]
    fn instances_need_a_resolved_import() {
        let (_d, s) = tree(&[
            ("a.py", "from flask import Flask as F\nweb = F(__name__)\n"),
            ("b.py", "import fastapi\napi = fastapi.FastAPI()\n"),
            (
                "c.py",
                "# Flask(__name__)\nFlask = lambda n: n\napp = Flask(__name__)\n",
            ),
            ("d.py", "app = FastAPI()\n"),
        ]);
        let c = candidates(&s, CLASSES);
        let eps: Vec<&str> = c.iter().map(|c| c.entrypoint.as_str()).collect();
        assert_eq!(eps, vec!["a:web", "b:api"]);
        assert_eq!(c[0].framework, "flask");
        assert_eq!(c[1].framework, "fastapi");
    }

    #[test]
    fn factories_and_calls() {
        let (_d, s) = tree(&[
            (
                "shop/__init__.py",
                "from flask import Flask\n\ndef create_app():\n    app = Flask(__name__)\n    return app\n",
            ),
            (
                "wsgi.py",
                "from shop import create_app\n\napp = create_app()\n",
            ),
        ]);
        let mut c = candidates(&s, CLASSES);
        c.sort_by_key(|c| c.kind);
        assert_eq!(c[0].entrypoint, "wsgi:app");
        assert_eq!(c[0].kind, Kind::FactoryCall);
        assert_eq!(c[1].entrypoint, "shop:create_app()");
        assert_eq!(c[1].evidence.line, Some(3));
    }
}
