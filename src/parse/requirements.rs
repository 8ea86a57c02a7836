//! pip requirements files: PEP 508 lines, `-r`/`-c` includes, options, continuations and comments.
//!
//! Includes are followed relative to the including file, with cycle detection (a file that includes
//! itself, directly or not, is read once and reported) and a depth bound. Every file goes through
//! [`files::read_text`], so a FIFO, a 20 MB blob or a non-UTF-8 file is an error naming it, never a hang.
//! This module does not choose which requirements file is the production one; [`production_file`] lists
//! the conventional names in order and `detect` records the choice.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::deps::{DepSet, parse_req};
use crate::base::error::{Error, Result};
use crate::base::evidence::Evidence;
use crate::base::fs::{self as files, limit};
use crate::base::quote;

const MAX_DEPTH: usize = 16;

/// Conventional production requirements files, most specific first; dev/test files are never chosen.
pub const PRODUCTION_FILES: &[&str] = &[
    "requirements.txt",
    "requirements/production.txt",
    "requirements/prod.txt",
    "requirements-prod.txt",
    "requirements/base.txt",
    "requirements/common.txt",
    "requirements/main.txt",
    "requirements/requirements.txt",
];

/// The first conventional production requirements file that exists in `dir`, as a relative path.
pub fn production_file(dir: &Path) -> Option<&'static str> {
    PRODUCTION_FILES
        .iter()
        .copied()
        .find(|f| files::exists(&files::join(dir, f)))
}

/// The result of reading a requirements file and everything it includes.
#[derive(Debug, Default)]
pub struct Requirements {
    pub deps: DepSet,
    /// Every file read, relative to the root, in reading order (for the Dockerfile to copy them all).
    pub files: Vec<String>,
    pub warnings: Vec<String>,
    /// A file adds an index (`--extra-index-url`): pip then takes the best version across every index.
    pub extra_index: bool,
    /// The index named by `--index-url` / `-i` (the last one wins, as in pip).
    pub index_url: Option<String>,
    /// Every `--extra-index-url`, in reading order.
    pub extra_index_urls: Vec<String>,
    /// Packages installed by path (`-e .`, `./libs/core[extra]`), in reading order.
    pub local: Vec<LocalReq>,
    /// Requirements continued with a `\\` before their version or marker (the next line is no
    /// `--option`), as (file relative to the root, line): valid for pip, refused by some installers.
    pub continued: Vec<(String, usize)>,
}

/// A requirement that installs a package from a directory of the project.
#[derive(Debug, Clone, PartialEq)]
pub struct LocalReq {
    /// The requirements file holding it, relative to the root, and its line.
    pub file: String,
    pub line: usize,
    /// The package directory, relative to the root (`.` for the root itself). pip and uv resolve these
    /// paths from the working directory, not from the requirements file (unlike `-r`).
    pub dir: String,
    /// The extras asked for (`.[prod]`).
    pub extras: Vec<String>,
    pub editable: bool,
}

/// Reads `file` (relative to `root`) and its includes.
pub fn read(root: &Path, file: &str) -> Result<Requirements> {
    let mut r = Reader {
        root,
        out: Requirements::default(),
        done: BTreeSet::new(),
        stack: Vec::new(),
    };
    r.read_one(&files::join(root, file), true)?;
    Ok(r.out)
}

/// One read of a requirements file and everything it includes.
struct Reader<'a> {
    root: &'a Path,
    out: Requirements,
    /// Files already read (canonical paths).
    done: BTreeSet<PathBuf>,
    /// The include chain being read, to report a file that includes itself.
    stack: Vec<PathBuf>,
}

impl Reader<'_> {
    /// Whether to read `path` (its canonical path when so): not when it includes itself, was read
    /// already, or is nested too deep (warnings say which).
    fn enter(&mut self, path: &Path, shown: &str) -> Result<Option<PathBuf>> {
        let canon = path.canonicalize().map_err(|source| Error::Io {
            path: shown.into(),
            source,
        })?;
        if !crate::base::valid::resolves_inside(self.root, &canon) {
            return Err(Error::NotAFile {
                path: shown.into(),
                kind: "a link to a file outside the project",
            });
        }
        if self.stack.contains(&canon) {
            let chain: Vec<String> = self
                .stack
                .iter()
                .map(|p| format!("`{}`", files::rel(self.root, p)))
                .collect();
            self.out.warnings.push(format!(
                "`{shown}` includes itself (through {}); the repeated include was ignored",
                chain.join(" -> ")
            ));
            return Ok(None);
        }
        if !self.done.insert(canon.clone()) {
            return Ok(None);
        }
        if self.stack.len() >= MAX_DEPTH {
            self.out.warnings.push(format!(
                "`{shown}`: includes nested deeper than {MAX_DEPTH} levels were not followed"
            ));
            return Ok(None);
        }
        Ok(Some(canon))
    }

    fn read_one(&mut self, path: &Path, installs: bool) -> Result<()> {
        let shown = files::rel(self.root, path);
        let Some(canon) = self.enter(path, &shown)? else {
            return Ok(());
        };
        let text = files::read_text(path, Path::new(&shown), limit::REQUIREMENTS)?;
        self.out.files.push(shown.clone());
        self.stack.push(canon);
        let dir = path.parent().unwrap_or(self.root).to_path_buf();
        for logical in logical_lines(&text) {
            let (line_no, line) = (logical.line, logical.text.trim());
            if line.is_empty() {
                continue;
            }
            if logical.continues_requirement && split_option(line).is_none() {
                self.out.continued.push((shown.clone(), line_no));
            }
            if let Some((opt, arg)) = split_option(line) {
                self.option(&dir, &shown, line_no, installs, opt, arg)?;
                continue;
            }
            // Per-requirement options such as `--hash=sha256:...` follow the requirement.
            let req = match line.find(" --").or_else(|| line.find("\t--")) {
                Some(i) => line[..i].trim(),
                None => line,
            };
            if req.starts_with('.') {
                self.local(&shown, line_no, req, false)?;
                continue;
            }
            if req.starts_with('/') || (req.contains("://") && !req.contains('@')) {
                self.out.warnings.push(format!(
                    "`{shown}` line {line_no}: `{req}` is a path or URL without a name; it was not read"
                ));
                continue;
            }
            add(&mut self.out, installs, req, &shown, line_no)?;
        }
        self.stack.pop();
        Ok(())
    }

    /// An option line: `-r`/`-c` includes are followed, `-e` adds its egg, the rest change where
    /// packages come from, not which.
    fn option(
        &mut self,
        dir: &Path,
        shown: &str,
        line_no: usize,
        installs: bool,
        opt: &str,
        arg: Option<&str>,
    ) -> Result<()> {
        match opt {
            "-r" | "--requirement" | "-c" | "--constraint" => {
                let Some(arg) = arg else {
                    return Err(Error::Requirement {
                        path: shown.into(),
                        line: line_no,
                        message: format!("`{opt}` needs a file name"),
                    });
                };
                let refuse = |message: String| Error::Requirement {
                    path: shown.into(),
                    line: line_no,
                    message,
                };
                if Path::new(arg).is_absolute() {
                    return Err(refuse(format!(
                        "`{opt} {}` names a file outside the project; the image build can copy only files inside it",
                        quote::terminal(arg)
                    )));
                }
                crate::base::valid::text("the included file", arg).map_err(refuse)?;
                let include = dir.join(arg);
                if files::exists(&include)
                    && !crate::base::valid::resolves_inside(self.root, &include)
                {
                    return Err(refuse(format!(
                        "`{opt} {arg}` leads out of the project (through `..` or a link); the image build can copy only files inside it"
                    )));
                }
                if !files::exists(&include) {
                    return Err(Error::Requirement {
                        path: shown.into(),
                        line: line_no,
                        message: format!("included file `{arg}` does not exist"),
                    });
                }
                let constraint = opt == "-c" || opt == "--constraint";
                self.read_one(&include, installs && !constraint)
            }
            "-e" | "--editable" => self.editable(shown, line_no, installs, arg),
            "--extra-index-url" | "--index-url" | "-i" => {
                self.index(opt, arg);
                Ok(())
            }
            _ => Ok(()),
        }
    }

    /// `--index-url`/`-i` replaces the index (the last one wins, as in pip); `--extra-index-url` adds one.
    fn index(&mut self, opt: &str, arg: Option<&str>) {
        if opt == "--extra-index-url" {
            self.out.extra_index = true;
            self.out.extra_index_urls.extend(arg.map(str::to_string));
        } else {
            self.out.index_url = arg.map(str::to_string);
        }
    }
}

impl Reader<'_> {
    /// `-e ./path` is a local package; `-e <vcs url>#egg=name` adds its name.
    fn editable(
        &mut self,
        shown: &str,
        line: usize,
        installs: bool,
        arg: Option<&str>,
    ) -> Result<()> {
        match arg {
            Some(a) if a.starts_with('.') && installs => self.local(shown, line, a, true),
            _ => match arg.and_then(|a| a.split("#egg=").nth(1)) {
                Some(egg) => add(&mut self.out, installs, egg, shown, line),
                None => Ok(()),
            },
        }
    }

    /// A package installed from a project directory (`.`, `./libs/core[prod]`): recorded with its line,
    /// so its own metadata can be read and its install placed after its files are in the image.
    fn local(&mut self, shown: &str, line: usize, arg: &str, editable: bool) -> Result<()> {
        let refuse = |message: String| Error::Requirement {
            path: shown.into(),
            line,
            message,
        };
        let arg = arg.split('#').next().unwrap_or(arg).trim();
        let (path, extras) = match arg.split_once('[') {
            Some((p, rest)) => {
                let list = rest.strip_suffix(']').ok_or_else(|| {
                    refuse(format!(
                        "`{}`: the extras' `[` is not closed",
                        quote::terminal(arg)
                    ))
                })?;
                let extras = list
                    .split(',')
                    .map(|e| e.trim().to_string())
                    .filter(|e| !e.is_empty())
                    .collect();
                (p, extras)
            }
            None => (arg, Vec::new()),
        };
        crate::base::valid::text("the local package path", path).map_err(refuse)?;
        let dir = files::join(self.root, path);
        if !dir.is_dir() || !crate::base::valid::resolves_inside(self.root, &dir) {
            return Err(refuse(format!(
                "`{}` is not a directory inside the project; the image build can install only packages inside it",
                quote::terminal(path)
            )));
        }
        let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
        self.out.local.push(LocalReq {
            file: shown.to_string(),
            line,
            dir: files::rel(&canon(self.root), &canon(&dir)),
            extras,
            editable,
        });
        Ok(())
    }
}

fn add(out: &mut Requirements, installs: bool, req: &str, shown: &str, line: usize) -> Result<()> {
    let r = parse_req(req).map_err(|message| Error::Requirement {
        path: shown.into(),
        line,
        message,
    })?;
    if installs && r.applies {
        out.deps.add(
            &r.name,
            r.extras,
            true,
            Evidence::at(shown, line, "requirement line"),
        );
        if let Some(v) = &r.pinned {
            out.deps.set_version(&r.name, v);
        }
    }
    Ok(())
}

/// `-r file`, `-rfile`, `--requirement=file`, `--requirement file` -> ("-r"/"--requirement", Some(file)).
fn split_option(line: &str) -> Option<(&str, Option<&str>)> {
    if !line.starts_with('-') {
        return None;
    }
    if let Some(rest) = line.strip_prefix("--") {
        let (name, arg) = match rest.find(['=', ' ', '\t']) {
            Some(i) => (&line[..i + 2], Some(rest[i + 1..].trim())),
            None => (line, None),
        };
        return Some((name, arg.filter(|a| !a.is_empty())));
    }
    let name = &line[..2.min(line.len())];
    let arg = line[name.len()..].trim();
    Some((name, if arg.is_empty() { None } else { Some(arg) }))
}

/// A line of a requirements file as pip reads it, backslash continuations joined.
struct Logical {
    /// The number of its first physical line.
    line: usize,
    text: String,
    /// Whether a continuation carries on its requirement (a version or a marker on the next line) rather
    /// than only its options (`--hash=...`): pip joins it, uv refuses it (astral-sh/uv#20744).
    continues_requirement: bool,
}

/// Joins backslash continuations and strips comments.
fn logical_lines(text: &str) -> Vec<Logical> {
    let mut out = Vec::new();
    let mut buf = String::new();
    let (mut start, mut continued, mut continues_requirement) = (0, false, false);
    for (i, raw) in text.lines().enumerate() {
        if buf.is_empty() {
            start = i + 1;
        }
        let line = strip_comment(raw);
        if continued && !line.trim_start().starts_with('-') && !line.trim().is_empty() {
            continues_requirement = true;
        }
        if let Some(cont) = line.strip_suffix('\\') {
            buf.push_str(cont);
            buf.push(' ');
            continued = true;
            continue;
        }
        buf.push_str(line);
        out.push(Logical {
            line: start,
            text: std::mem::take(&mut buf),
            continues_requirement,
        });
        (continued, continues_requirement) = (false, false);
    }
    if !buf.is_empty() {
        out.push(Logical {
            line: start,
            text: buf,
            continues_requirement,
        });
    }
    out
}

/// pip's rule: `#` starts a comment at the line start or after whitespace.
fn strip_comment(line: &str) -> &str {
    let b = line.as_bytes();
    for (i, c) in b.iter().enumerate() {
        if *c == b'#' && (i == 0 || b[i - 1] == b' ' || b[i - 1] == b'\t') {
            return line[..i].trim_end();
        }
    }
    line.trim_end()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn project(files: &[(&str, &str)]) -> tempfile::TempDir {
        let dir = tempfile::tempdir().unwrap();
        for (name, text) in files {
            let p = dir.path().join(name);
            fs::create_dir_all(p.parent().unwrap()).unwrap();
            fs::write(p, text).unwrap();
        }
        dir
    }

    #[test]
    fn follows_includes_options_continuations_and_markers() {
        let d = project(&[
            ("requirements.txt", "-r requirements/production.txt\n"),
            (
                "requirements/production.txt",
                "--index-url https://pypi.org/simple\n-r base.txt # shared\nsentry-sdk==2.0 \\\n  --hash=sha256:abc\n",
            ),
            (
                "requirements/base.txt",
                "# comment\nDjango>=5.2\ndj_database_url==2.3.0\npywin32==306; sys_platform == \"win32\"\n-c constraints.txt\n",
            ),
            ("requirements/constraints.txt", "urllib3<3\n"),
        ]);
        let r = read(d.path(), "requirements.txt").unwrap();
        let names: Vec<&str> = r.deps.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, vec!["dj-database-url", "django", "sentry-sdk"]);
        assert_eq!(
            r.files,
            vec![
                "requirements.txt",
                "requirements/production.txt",
                "requirements/base.txt",
                "requirements/constraints.txt"
            ]
        );
        assert!(
            !r.extra_index,
            "--index-url replaces the index, it adds none"
        );
        let d2 = project(&[
            ("requirements.txt", "-r base.txt\n"),
            (
                "base.txt",
                "--extra-index-url=https://example.test/simple\nflask\n",
            ),
        ]);
        let r2 = read(d2.path(), "requirements.txt").unwrap();
        assert!(r2.extra_index);
        assert_eq!(r2.extra_index_urls, vec!["https://example.test/simple"]);
        assert_eq!(r.index_url.as_deref(), Some("https://pypi.org/simple"));
        assert_eq!(r2.index_url, None);
        let s = &r.deps.get("sentry-sdk").unwrap().evidence;
        assert_eq!(
            (s.file.as_deref(), s.line),
            (Some("requirements/production.txt"), Some(3))
        );
        assert!(r.warnings.is_empty());
    }

    /// A requirement continued before its marker or version is recorded with its line (pip joins it,
    /// some installers refuse it); a continuation before `--hash` options is not.
    #[test]
    fn a_requirement_continued_before_its_marker_is_recorded() {
        let d = project(&[(
            "requirements.txt",
            "Psycopg[binary]==3.2.3 \\\n    ; python_version >= \"3.8\"\nflask==3.1.3 \\\n    --hash=sha256:abc \\\n    --hash=sha256:def\nredis==8.2.0\n",
        )]);
        let r = read(d.path(), "requirements.txt").unwrap();
        let names: Vec<&str> = r.deps.iter().map(|d| d.name.as_str()).collect();
        assert_eq!(names, vec!["flask", "psycopg", "redis"]);
        assert_eq!(r.continued, vec![("requirements.txt".to_string(), 1)]);
    }

    #[test]
    fn self_include_is_reported_not_looped() {
        let d = project(&[("requirements.txt", "flask\n-r requirements.txt\n")]);
        let r = read(d.path(), "requirements.txt").unwrap();
        assert!(r.deps.has("flask"));
        assert_eq!(r.warnings.len(), 1);
        assert!(
            r.warnings[0].contains("includes itself"),
            "{}",
            r.warnings[0]
        );
    }

    #[test]
    fn bad_line_names_file_and_line() {
        let d = project(&[("requirements.txt", "flask\n\nthis is not valid\n")]);
        let e = read(d.path(), "requirements.txt").unwrap_err();
        assert!(
            matches!(&e, Error::Requirement { line: 3, path, .. } if path == Path::new("requirements.txt")),
            "{e:?}"
        );
    }

    #[test]
    fn includes_outside_the_project_are_refused_with_file_and_line() {
        let outer = project(&[("x.txt", "evil\n"), ("p/sub/y.txt", "flask\n")]);
        let root = outer.path().join("p");
        for (text, line) in [
            ("flask\n-r /etc/hostname\n", 2),
            ("-r ../x.txt\n", 1),
            ("-r sub/../../x.txt\n", 1),
            ("# c\n\n-c ../x.txt\n", 3),
        ] {
            fs::write(root.join("requirements.txt"), text).unwrap();
            let e = read(&root, "requirements.txt").unwrap_err();
            assert!(
                matches!(&e, Error::Requirement { line: l, path, .. } if *l == line && path == Path::new("requirements.txt")),
                "{text:?}: {e:?}"
            );
            assert!(e.to_string().contains("project"), "{e}");
        }
        #[cfg(unix)]
        {
            std::os::unix::fs::symlink(outer.path().join("x.txt"), root.join("top.txt")).unwrap();
            let e = read(&root, "top.txt").unwrap_err();
            assert!(e.to_string().contains("outside the project"), "{e}");
            std::os::unix::fs::symlink(outer.path().join("x.txt"), root.join("link.txt")).unwrap();
            fs::write(root.join("requirements.txt"), "-r link.txt\n").unwrap();
            assert!(read(&root, "requirements.txt").is_err());
        }
        // Inside the project, `..` is fine.
        fs::write(root.join("requirements.txt"), "-r sub/../sub/y.txt\n").unwrap();
        assert!(read(&root, "requirements.txt").unwrap().deps.has("flask"));
    }

    #[test]
    fn missing_include_is_an_error() {
        let d = project(&[("requirements.txt", "-r nope.txt\n")]);
        let e = read(d.path(), "requirements.txt").unwrap_err();
        assert!(e.to_string().contains("line 1"), "{e}");
    }

    #[test]
    fn editable_egg_and_local_packages_by_path() {
        let d = project(&[
            (
                "requirements.txt",
                "-e git+https://x/y.git#egg=mylib\n./vendor/pkg[Prod, redis]\n-r requirements/base.txt\n",
            ),
            ("requirements/base.txt", "flask\n-e .\n"),
            ("vendor/pkg/setup.py", ""),
        ]);
        let r = read(d.path(), "requirements.txt").unwrap();
        assert!(r.deps.has("mylib") && r.deps.has("flask"));
        assert!(r.warnings.is_empty(), "{:?}", r.warnings);
        let got: Vec<(&str, usize, &str, Vec<&str>, bool)> = r
            .local
            .iter()
            .map(|l| {
                let extras = l.extras.iter().map(String::as_str).collect();
                (l.file.as_str(), l.line, l.dir.as_str(), extras, l.editable)
            })
            .collect();
        // `-e .` in requirements/base.txt is the working directory (the project), not requirements/.
        assert_eq!(
            got,
            vec![
                (
                    "requirements.txt",
                    2,
                    "vendor/pkg",
                    vec!["Prod", "redis"],
                    false
                ),
                ("requirements/base.txt", 2, ".", vec![], true),
            ]
        );
    }

    #[test]
    fn local_packages_must_be_directories_inside_the_project() {
        let outer = project(&[("lib/setup.py", ""), ("p/requirements.txt", "")]);
        let root = outer.path().join("p");
        for (text, line) in [
            ("flask\n-e ../lib\n", 2),
            ("./missing\n", 1),
            ("./x[a\n", 1),
        ] {
            fs::write(root.join("requirements.txt"), text).unwrap();
            let e = read(&root, "requirements.txt").unwrap_err();
            assert!(
                matches!(&e, Error::Requirement { line: l, .. } if *l == line),
                "{text:?}: {e:?}"
            );
        }
    }

    #[test]
    fn comments_need_whitespace_before_hash() {
        assert_eq!(
            strip_comment("pkg @ https://x/y#sha  # note"),
            "pkg @ https://x/y#sha"
        );
        assert_eq!(
            split_option("--requirement=base.txt"),
            Some(("--requirement", Some("base.txt")))
        );
        assert_eq!(split_option("-rbase.txt"), Some(("-r", Some("base.txt"))));
        assert_eq!(split_option("-e ."), Some(("-e", Some("."))));
    }

    #[test]
    fn production_file_prefers_root_then_conventions() {
        let d = project(&[
            ("requirements/dev.txt", "x\n"),
            ("requirements/base.txt", "y\n"),
        ]);
        assert_eq!(production_file(d.path()), Some("requirements/base.txt"));
        let d = project(&[("requirements-dev.txt", "x\n")]);
        assert_eq!(production_file(d.path()), None);
    }
}
