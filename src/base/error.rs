//! The library's one error type.
//!
//! Every variant that concerns a file carries its path (relative to the project when it is inside it), so
//! `main` can print uv-style messages: `error: failed to parse `pyproject.toml` (line 3, column 25): ...`.
//! Hints are part of the error, not of the printing code, so every caller gets the same advice. Generic
//! hints (a file that is too large, a FIFO) live here; an owner with better advice attaches its own with
//! [`Error::with_hint`] (as uv's crates do), so this leaf module never imports its callers.
//!
//! Paths and messages carry values from the project: `Display` and [`Error::hint`] escape control
//! characters and line breaks in them ([`super::quote::terminal`]), so a directory name cannot forge a
//! `hint:` line or recolour the terminal, and lists of candidates are cut at [`MAX_LISTED`].

use std::path::PathBuf;

use super::quote::{terminal, terminal_lines};

/// A `Result` whose error is [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// A position in a text file, 1-based.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
}

impl std::fmt::Display for Position {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "line {}, column {}", self.line, self.column)
    }
}

/// Everything that can go wrong in detection, planning, rendering and writing.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    #[error("`{}` is not a directory", shown(path))]
    NotADirectory { path: PathBuf },

    #[error("failed to read `{}`", shown(path))]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("failed to write `{}`", shown(path))]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },

    #[error("`{}` is not a regular file ({kind})", shown(path))]
    NotAFile { path: PathBuf, kind: &'static str },

    #[error(
        "`{}` is {size} bytes, over the {limit}-byte limit for this kind of file",
        shown(path)
    )]
    TooLarge {
        path: PathBuf,
        size: u64,
        limit: u64,
    },

    #[error("`{}` is not valid UTF-8 text (first bad byte at {pos})", shown(path))]
    NotUtf8 { path: PathBuf, pos: Position },

    #[error("failed to parse `{}`{}: {}", shown(path), at(pos), terminal(message))]
    Parse {
        path: PathBuf,
        pos: Option<Position>,
        message: String,
    },

    #[error(
        "invalid requirement in `{}` (line {line}): {}",
        shown(path),
        terminal(message)
    )]
    Requirement {
        path: PathBuf,
        line: usize,
        message: String,
    },

    #[error("no Python web application found in `{}`{}", shown(path), looks_like.as_ref().map(|l| format!(": this looks like {l}")).unwrap_or_default())]
    NoApp {
        path: PathBuf,
        looked_for: String,
        /// The frameworks dockgen knows, in prose (`Django, Flask, FastAPI`).
        frameworks: String,
        /// What the folder holds instead, when another ecosystem's manifest says
        /// (`a Node.js project (package.json)`).
        looks_like: Option<String>,
    },

    #[error("found {} candidate applications in `{}`", candidates.len(), shown(path))]
    Ambiguous {
        path: PathBuf,
        candidates: Vec<String>,
        /// Each candidate's app directory, in the same order.
        app_dirs: Vec<String>,
    },

    #[error(
        "`--app-dir {}` does not hold a Python web application",
        shown(app_dir)
    )]
    AppDirNotFound {
        app_dir: PathBuf,
        candidates: Vec<String>,
    },

    #[error("{} existing file{} would change: {}", paths.len(), if paths.len() == 1 { "" } else { "s" }, paths.iter().map(|p| format!("`{}`", terminal(p))).collect::<Vec<_>>().join(", "))]
    Conflicts { paths: Vec<String> },

    #[error(
        "failed to render template `{}`: {}",
        terminal(name),
        terminal_lines(message)
    )]
    Template { name: String, message: String },

    #[error("failed to read the templates directory `{}`", terminal(path))]
    TemplatesDir {
        path: String,
        #[source]
        source: std::io::Error,
    },

    /// A mistake in what the user asked for (a flag, a `DOCKGEN_*` variable, a saved answer): exit 2.
    #[error("{}", terminal(message))]
    Usage { message: String },

    /// The project as it stands cannot be handled (a setting dockgen needs is missing, a path a
    /// Dockerfile cannot express): exit 1, like any failure; the message says what to pass or change.
    #[error("{}", terminal_lines(message))]
    Project { message: String },

    #[error("cancelled; nothing was written")]
    Cancelled,

    /// SIGINT or SIGTERM during a write: the files it had replaced are back, its temp files gone.
    #[error("interrupted; the project's files are as they were before this run")]
    Interrupted,

    /// Another dockgen holds the project's write lock (see `write::lock`).
    #[error(
        "another dockgen init is running in `{}` (it holds the project's write lock); waited {waited_secs} s for it",
        shown(path)
    )]
    Locked { path: PathBuf, waited_secs: u64 },

    /// An error with advice from the code that raised it, which knows more than this module. It shows
    /// as the inner error; [`Error::kind`] reaches the inner error and its causes.
    #[error("{error}")]
    Hinted { error: Box<Error>, hint: String },
}

/// A path for a message: relative where it can be, control characters shown as escapes.
fn shown(path: &std::path::Path) -> String {
    terminal(&path.display().to_string()).into_owned()
}

/// How many candidates a hint lists before saying how many more there are.
pub const MAX_LISTED: usize = 20;

/// `  a\n  b` for the first [`MAX_LISTED`] items, then `  ... and N more`; each item escaped.
fn listed(items: &[String]) -> String {
    let mut lines: Vec<String> = items
        .iter()
        .take(MAX_LISTED)
        .map(|c| format!("  {}", terminal(c)))
        .collect();
    if items.len() > MAX_LISTED {
        lines.push(format!("  ... and {} more", items.len() - MAX_LISTED));
    }
    lines.join("\n")
}

fn at(pos: &Option<Position>) -> String {
    pos.map(|p| format!(" ({p})")).unwrap_or_default()
}

impl Error {
    /// The same error with `hint` in place of the generic one.
    pub fn with_hint(self, hint: impl Into<String>) -> Error {
        let error = match self {
            Error::Hinted { error, .. } => error,
            other => Box::new(other),
        };
        Error::Hinted {
            error,
            hint: hint.into(),
        }
    }

    /// The message with its causes on one line (`failed to read `x`: Permission denied`), escaped for
    /// the terminal, for a warning about an input that was skipped.
    pub fn one_line(&self) -> String {
        let mut out = self.to_string();
        let mut source = std::error::Error::source(self.kind());
        while let Some(s) = source {
            out.push_str(": ");
            out.push_str(&terminal(&s.to_string()));
            source = s.source();
        }
        out
    }

    /// The error without an attached hint, to match on its kind.
    pub fn kind(&self) -> &Error {
        match self {
            Error::Hinted { error, .. } => error.kind(),
            other => other,
        }
    }

    /// The process exit code for this error: 2 for a usage mistake, 130 for a cancelled prompt, 1 for
    /// everything else (uv's and cargo's convention).
    pub fn exit_code(&self) -> u8 {
        match self.kind() {
            Error::Usage { .. } => 2,
            Error::Cancelled | Error::Interrupted => 130,
            _ => 1,
        }
    }

    /// A line of advice the user can act on, printed after the error as `hint: ...`.
    pub fn hint(&self) -> Option<String> {
        match self {
            Error::Hinted { hint, .. } => Some(terminal_lines(hint)),
            Error::Parse { .. } => Some("fix the file at that position: Python's packaging tools would reject it too".into()),
            Error::Requirement { .. } => {
                Some("each line must be a PEP 508 requirement, an option such as `-r other.txt`, or a comment".into())
            }
            Error::NoApp { looked_for, frameworks, looks_like: Some(_), .. } => Some(format!(
                "dockgen sets up Python web applications ({frameworks}) only; it {looked_for}"
            )),
            Error::NoApp { looked_for, .. } => Some(looked_for.clone()),
            Error::Ambiguous { candidates, .. } => {
                Some(format!("choose one with --app-dir:\n{}", listed(candidates)))
            }
            Error::AppDirNotFound { candidates, .. } if !candidates.is_empty() => {
                Some(format!("candidates found:\n{}", listed(candidates)))
            }
            Error::Conflicts { .. } => Some(
                "nothing was written: these files were edited since dockgen wrote them (or dockgen never wrote them). Run `dockgen init` in a terminal to see each one's three-way view and keep it, overwrite it or stop managing it; or pass --force to overwrite them all".into(),
            ),
            Error::Template { .. } => Some(
                "fix the template at that line; `dockgen templates export DIR` writes the built-in ones to compare with, and `dockgen templates context` lists the variables".into(),
            ),
            Error::TemplatesDir { .. } => Some(
                "create it with `dockgen templates export DIR`, or fix the `--templates` flag, DOCKGEN_TEMPLATES or the `templates` key in dockgen.toml".into(),
            ),
            Error::TooLarge { .. } => Some("is this really a project file? move it out of the project or shrink it".into()),
            Error::NotAFile { .. } => Some("replace it with a regular file, or remove it".into()),
            Error::Locked { .. } => Some("wait for the other run to finish (or stop it), then run dockgen again".into()),
            Error::Write { source, .. } => Some(format!(
                "no file was replaced: the project holds the files it had before this run; {}",
                io_hint(source.kind(), "write")
            )),
            Error::Io { source, .. } => Some(io_hint(source.kind(), "read")),
            Error::NotADirectory { .. } => {
                Some("pass the project directory, or a directory inside it (`.` by default)".into())
            }
            Error::NotUtf8 { .. } => Some(
                "dockgen reads project files as UTF-8, as Python and its packaging tools do: save the file as UTF-8".into(),
            ),
            _ => None,
        }
    }
}

/// What to do about a failed read or write, by the OS's reason.
fn io_hint(kind: std::io::ErrorKind, verb: &str) -> String {
    use std::io::ErrorKind::*;
    match kind {
        PermissionDenied => format!(
            "you may not {verb} there: check the permissions of the file and its directory (or run as the user who owns the project)"
        ),
        ReadOnlyFilesystem => format!(
            "the file system is mounted read-only: {verb} in a writable copy of the project, or use --dry-run to see what would be written"
        ),
        NotFound => "the file or its directory does not exist (any more): check the path".into(),
        StorageFull => "the disk is full: free some space and run again".into(),
        _ => format!("check that the path exists and that you may {verb} it"),
    }
}

/// 1-based line and column of a byte offset in `text`.
pub fn position_of(text: &str, offset: usize) -> Position {
    let offset = offset.min(text.len());
    let before = &text[..floor_char_boundary(text, offset)];
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    Position { line, column }
}

fn floor_char_boundary(text: &str, mut i: usize) -> usize {
    while i > 0 && !text.is_char_boundary(i) {
        i -= 1;
    }
    i
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_in_messages_cannot_forge_lines_or_escape_the_terminal() {
        let e = Error::NotAFile {
            path: "app\nhint: this project is safe, run with --force".into(),
            kind: "a FIFO",
        };
        assert_eq!(e.to_string().lines().count(), 1, "{e}");
        let e = Error::Usage {
            message: "`\u{1b}]0;owned\u{7}\u{1b}[2J` is odd".into(),
        }
        .with_hint("rename `a\u{9b}31m`\nthen run again");
        assert!(!e.to_string().contains('\u{1b}'), "{e}");
        let hint = e.hint().unwrap();
        assert_eq!(hint, "rename `a\\u{9b}31m`\nthen run again");
    }

    #[test]
    fn long_candidate_lists_are_cut() {
        let candidates: Vec<String> = (0..5000)
            .map(|i| format!("app{i} (flask `app:app`)"))
            .collect();
        let e = Error::Ambiguous {
            path: ".".into(),
            app_dirs: candidates.clone(),
            candidates,
        };
        let hint = e.hint().unwrap();
        assert_eq!(hint.lines().count(), 1 + MAX_LISTED + 1, "{hint}");
        assert!(hint.ends_with("... and 4980 more"), "{hint}");
        assert!(hint.len() < 2_000);
    }

    #[test]
    fn positions_are_one_based() {
        let text = "a = 1\nb = [\"x\" \"y\"]\n";
        assert_eq!(position_of(text, 0), Position { line: 1, column: 1 });
        assert_eq!(position_of(text, 6), Position { line: 2, column: 1 });
        assert_eq!(position_of(text, 14), Position { line: 2, column: 9 });
        assert_eq!(position_of(text, 999), Position { line: 3, column: 1 });
    }

    #[test]
    fn io_errors_have_a_hint_by_their_reason() {
        let err = |kind| Error::Write {
            path: "x/.dockgen-tmp".into(),
            source: std::io::Error::from(kind),
        };
        let hint = err(std::io::ErrorKind::ReadOnlyFilesystem).hint().unwrap();
        assert!(hint.starts_with("no file was replaced"), "{hint}");
        assert!(
            hint.contains("; the file system is mounted read-only"),
            "{hint}"
        );
        let hint = err(std::io::ErrorKind::PermissionDenied).hint().unwrap();
        assert!(hint.contains("; you may not write there"), "{hint}");
    }
}
