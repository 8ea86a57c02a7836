//! The generated `.dockerignore` against each fixture's own files: no Python module or package of the
//! project, and no file the Dockerfile copies, is left out of the build context; local secrets and
//! databases are.
//!
//! The matcher is a faithful port of Docker's `.dockerignore` rules (github.com/moby/patternmatcher,
//! which BuildKit and the classic builder both use): each line trimmed, `#` lines and blank lines skipped,
//! `!` negates, the pattern is cleaned (`filepath.Clean`) and a leading `/` dropped; it is compiled the
//! way patternmatcher compiles it to a regular expression (`*` any run without `/`, `?` one character but
//! `/`, `**` any number of directories including none, a trailing `**` anything, `\` escapes, `[...]` a
//! class); a path is excluded when the last pattern that matches it or one of its parent directories is
//! not a negation. No crate implements these rules (globset and ignore follow gitignore's, which differ:
//! gitignore anchors only patterns with a slash, Docker anchors every pattern at the context root).

use std::path::Path;

use dockgen::detect::{Options, detect};
use dockgen::output::render::render;
use dockgen::plan::{PlanOptions, plan};

use crate::support::fixtures;

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Lit(char),
    /// `*`: any run of characters but `/`.
    Star,
    /// `?`: one character but `/`.
    Quest,
    /// `**` before more pattern: `(.*/)?`.
    AnyDirs,
    /// `**` at the end: `.*`.
    AnyRest,
    /// `[...]`: (ranges, negated).
    Class(Vec<(char, char)>, bool),
}

struct Pattern {
    toks: Vec<Tok>,
    exclusion: bool,
}

/// Go's `filepath.Clean` for a slash path.
fn clean(p: &str) -> String {
    let rooted = p.starts_with('/');
    let mut out: Vec<&str> = Vec::new();
    for part in p.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                if out.last().is_some_and(|l| *l != "..") {
                    out.pop();
                } else if !rooted {
                    out.push("..");
                }
            }
            _ => out.push(part),
        }
    }
    let joined = out.join("/");
    match (rooted, joined.is_empty()) {
        (true, _) => format!("/{joined}"),
        (false, true) => ".".into(),
        (false, false) => joined,
    }
}

fn compile(pattern: &str) -> Vec<Tok> {
    let chars: Vec<char> = pattern.chars().collect();
    let mut toks = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        i += 1;
        match c {
            '*' if chars.get(i) == Some(&'*') => {
                i += 1;
                if chars.get(i) == Some(&'/') {
                    i += 1;
                }
                toks.push(if i == chars.len() {
                    Tok::AnyRest
                } else {
                    Tok::AnyDirs
                });
            }
            '*' => toks.push(Tok::Star),
            '?' => toks.push(Tok::Quest),
            '\\' => match chars.get(i) {
                Some(&n) => {
                    i += 1;
                    toks.push(Tok::Lit(n));
                }
                None => toks.push(Tok::Lit('\\')),
            },
            '[' => {
                let negated = chars.get(i) == Some(&'^');
                if negated {
                    i += 1;
                }
                let mut ranges = Vec::new();
                while i < chars.len() && chars[i] != ']' {
                    let lo = chars[i];
                    if chars.get(i + 1) == Some(&'-') && chars.get(i + 2).is_some_and(|c| *c != ']')
                    {
                        ranges.push((lo, chars[i + 2]));
                        i += 3;
                    } else {
                        ranges.push((lo, lo));
                        i += 1;
                    }
                }
                i += 1; // the `]`
                toks.push(Tok::Class(ranges, negated));
            }
            _ => toks.push(Tok::Lit(c)),
        }
    }
    toks
}

fn matches(toks: &[Tok], s: &[char]) -> bool {
    let Some((first, rest)) = toks.split_first() else {
        return s.is_empty();
    };
    match first {
        Tok::Lit(c) => s.first() == Some(c) && matches(rest, &s[1..]),
        Tok::Quest => s.first().is_some_and(|c| *c != '/') && matches(rest, &s[1..]),
        Tok::Star => {
            let run = s.iter().take_while(|c| **c != '/').count();
            (0..=run).any(|k| matches(rest, &s[k..]))
        }
        Tok::AnyDirs => {
            matches(rest, s) || (0..s.len()).any(|k| s[k] == '/' && matches(rest, &s[k + 1..]))
        }
        Tok::AnyRest => true,
        Tok::Class(ranges, negated) => {
            s.first()
                .is_some_and(|c| ranges.iter().any(|(lo, hi)| lo <= c && c <= hi) != *negated)
                && matches(rest, &s[1..])
        }
    }
}

/// A `.dockerignore` file, read as Docker reads it.
struct DockerIgnore(Vec<Pattern>);

impl DockerIgnore {
    fn parse(text: &str) -> Self {
        let mut out = Vec::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (exclusion, p) = match line.strip_prefix('!') {
                Some(p) => (true, p.trim()),
                None => (false, line),
            };
            let mut p = clean(p);
            if p.len() > 1 && p.starts_with('/') {
                p.remove(0);
            }
            out.push(Pattern {
                toks: compile(&p),
                exclusion,
            });
        }
        DockerIgnore(out)
    }

    /// Whether `path` (relative to the context, `/`-separated) is left out of the build context.
    fn excludes(&self, path: &str) -> bool {
        let file: Vec<char> = path.chars().collect();
        let parents: Vec<&str> = match path.rsplit_once('/') {
            Some((dir, _)) => dir.split('/').collect(),
            None => Vec::new(),
        };
        let mut matched = false;
        for p in &self.0 {
            if p.exclusion != matched {
                continue;
            }
            let mut m = matches(&p.toks, &file);
            if !m {
                m = (1..=parents.len()).any(|i| {
                    let prefix: Vec<char> = parents[..i].join("/").chars().collect();
                    matches(&p.toks, &prefix)
                });
            }
            if m {
                matched = !p.exclusion;
            }
        }
        matched
    }
}

#[test]
fn the_matcher_follows_dockers_rules() {
    let ig = DockerIgnore::parse(
        "# comment\n/staticfiles/\n**/.env\n**/.env.*\n!**/.env.example\n**/*.py[cod]\n  .git  \ndocs/*.md\nlogs/**\n!logs/keep\n",
    );
    let cases = [
        ("staticfiles/app.css", true),
        ("sub/staticfiles/app.css", false), // anchored at the root, unlike gitignore
        (".env", true),
        ("a/b/.env", true),
        ("a/.env.local", true),
        ("a/.env.example", false),
        (".env.example", false),
        ("x.pyc", true),
        ("pkg/x.pyo", true),
        ("pkg/x.py", false),
        (".git/config", true),
        ("docs/a.md", true),
        ("docs/sub/a.md", false), // `*` stops at `/`
        ("logs/a/b.txt", true),
        ("logs/keep", false),
        ("media/__init__.py", false),
    ];
    for (path, excluded) in cases {
        assert_eq!(ig.excludes(path), excluded, "{path}");
    }
    // `**` in the middle matches no directory as well as many; `?` and escapes.
    let ig = DockerIgnore::parse("a/**/b\nf?le\nlit\\*\n");
    for (path, excluded) in [
        ("a/b", true),
        ("a/x/y/b", true),
        ("file", true),
        ("f/le", false),
        ("lit*", true),
        ("litx", false),
    ] {
        assert_eq!(ig.excludes(path), excluded, "{path}");
    }
    assert_eq!(clean("./a//b/../c/"), "a/c");
}

/// The files of `dir`, relative to it, skipping what is not the project's code: virtualenvs (a directory
/// with `pyvenv.cfg`), `node_modules` (JavaScript dependencies, which may hold `.py` helpers) and `.git`.
fn project_files(dir: &Path) -> Vec<String> {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        if d.join("pyvenv.cfg").exists()
            || d.file_name()
                .is_some_and(|n| n == ".git" || n == "node_modules")
        {
            continue;
        }
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let path = e.path();
            if e.file_type().unwrap().is_dir() {
                stack.push(path);
            } else {
                let rel = path.strip_prefix(dir).unwrap();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    out.sort();
    out
}

/// Every fixture: no `.py` file of the project (a module, or a package's `__init__.py`) and no install
/// file is excluded by the generated `.dockerignore`.
#[test]
fn no_python_module_or_install_file_of_any_fixture_is_excluded() {
    let mut checked = 0;
    for entry in std::fs::read_dir(fixtures()).unwrap().flatten() {
        let Ok(p) = detect(&entry.path(), &Options::default()) else {
            continue;
        };
        let plan = plan(&p, &PlanOptions::default()).unwrap();
        let files = render(&plan).unwrap();
        let ig = DockerIgnore::parse(&files[".dockerignore"]);
        let context = entry.path().join(p.project_dir.as_str());
        let name = entry.file_name().to_string_lossy().into_owned();
        for f in project_files(&context) {
            if f.ends_with(".py") {
                checked += 1;
                assert!(
                    !ig.excludes(&f),
                    "{name}: `{f}` is excluded from the build context"
                );
            }
        }
        for f in p.install_files() {
            assert!(!ig.excludes(f), "{name}: install file `{f}` is excluded");
        }
    }
    assert!(checked > 50, "only {checked} modules checked");
}

/// The fixture with a Django app named `media`: the app is in the context, the configured MEDIA_ROOT
/// and STATIC_ROOT, local secrets and the local database are not, and `.env.example` is.
#[test]
fn configured_data_dirs_and_local_secrets_are_excluded_but_an_app_named_media_is_not() {
    let p = detect(&fixtures().join("django-media-app"), &Options::default()).unwrap();
    let plan = plan(&p, &PlanOptions::default()).unwrap();
    let ig = DockerIgnore::parse(&render(&plan).unwrap()[".dockerignore"]);
    for (path, excluded) in [
        ("media/__init__.py", false),
        ("media/models.py", false),
        ("media/migrations/__init__.py", false),
        ("uploads/photo.txt", true),
        ("staticfiles/admin/css/base.css", true),
        ("gallery/.env", true),
        (".env.local", true),
        (".env.example", false),
        ("db.sqlite3", true),
        ("manage.py", false),
    ] {
        assert_eq!(ig.excludes(path), excluded, "{path}");
    }
    let writable: Vec<&str> = plan.writable_dirs.iter().map(|w| w.path.as_str()).collect();
    assert_eq!(writable, ["/app/uploads"]);
    assert!(
        plan.writable_dirs[0]
            .reason
            .contains("gallery/settings.py:31")
    );
}

/// MEDIA_ROOT pointed at the `media` app itself: the package stays in the context and read-only, and
/// detection says why.
#[test]
fn a_data_dir_that_is_a_python_package_stays_code() {
    let tmp = tempfile::tempdir().unwrap();
    let src = fixtures().join("django-media-app");
    for f in project_files(&src) {
        let to = tmp.path().join(&f);
        std::fs::create_dir_all(to.parent().unwrap()).unwrap();
        std::fs::copy(src.join(&f), to).unwrap();
    }
    let settings = tmp.path().join("gallery/settings.py");
    let text = std::fs::read_to_string(&settings).unwrap();
    std::fs::write(&settings, text.replace("\"uploads\"", "\"media\"")).unwrap();
    let p = detect(tmp.path(), &Options::default()).unwrap();
    let plan = plan(&p, &PlanOptions::default()).unwrap();
    let ig = DockerIgnore::parse(&render(&plan).unwrap()[".dockerignore"]);
    assert!(!ig.excludes("media/models.py"));
    assert!(plan.writable_dirs.is_empty());
    assert!(
        p.warnings
            .iter()
            .any(|w| w.contains("`media` is a Python package")),
        "{:?}",
        p.warnings
    );
}
