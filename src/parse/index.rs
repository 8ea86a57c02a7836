//! The project's files as one run reads them: each file is read and tokenised at most once, and every
//! detection step that needs it (app objects, environment reads, routes, the Procfile) asks here instead
//! of reading it again.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::base::error::{Error, Result};
use crate::base::fs::{self as files, limit};
use crate::parse::pysrc::{self, Module};

/// One file as first read: its text and, once a step asked for it, its summary; or why it could not be
/// read (warned about, in one line, by each step that wanted it, as before; or the error of a step that
/// cannot go on without it).
#[derive(Debug)]
enum Entry {
    Read {
        text: Arc<String>,
        summary: Option<Arc<Module>>,
    },
    Unreadable(Error),
}

/// The files read so far, by path relative to the root, and how many were tokenised.
#[derive(Debug, Default)]
pub struct SourceIndex {
    files: RefCell<BTreeMap<String, Entry>>,
    tokenised: Cell<usize>,
}

impl SourceIndex {
    /// The text of the Python module `rel` under `root`, read once with the source size limit; `Err` is
    /// the reason it could not be read, in one line.
    pub fn text(&self, root: &Path, rel: &str) -> Result<Arc<String>, String> {
        self.text_within(root, rel, limit::SOURCE)
    }

    /// The text of `rel` under `root`, read once with the size limit `max` (each file is always read
    /// with the same one: its kind's).
    pub fn text_within(
        &self,
        root: &Path,
        rel: &str,
        max: u64,
    ) -> std::result::Result<Arc<String>, String> {
        self.read(root, rel, max).map_err(|e| e.one_line())
    }

    /// [`Self::text_within`] for a step that stops when it cannot read the file: the read's own error
    /// (with its hint), as [`files::read_text`] gave it the first time.
    pub fn read(&self, root: &Path, rel: &str, max: u64) -> Result<Arc<String>> {
        if let Some(e) = self.files.borrow().get(rel) {
            return match e {
                Entry::Read { text, .. } => Ok(text.clone()),
                Entry::Unreadable(e) => Err(again(e)),
            };
        }
        let entry = match files::read_text(&files::join(root, rel), Path::new(rel), max) {
            Ok(text) => Entry::Read {
                text: Arc::new(text),
                summary: None,
            },
            Err(e) => Entry::Unreadable(e),
        };
        self.files.borrow_mut().insert(rel.to_string(), entry);
        self.read(root, rel, max)
    }

    /// The summary of `rel`, whose text [`Self::text`] read, tokenised the first time it is asked for.
    pub fn summary(&self, rel: &str, text: &str) -> Arc<Module> {
        if let Some(Entry::Read {
            summary: Some(m), ..
        }) = self.files.borrow().get(rel)
        {
            return m.clone();
        }
        let m = Arc::new(pysrc::summarize(text));
        self.tokenised.set(self.tokenised.get() + 1);
        tally::summarised(rel);
        if let Some(Entry::Read { summary, .. }) = self.files.borrow_mut().get_mut(rel) {
            *summary = Some(m.clone());
        }
        m
    }

    /// How many files were tokenised so far.
    pub fn tokenised(&self) -> usize {
        self.tokenised.get()
    }
}

/// A copy of a read error [`files::read_text`] gave (its kinds are the only ones kept here), told
/// again to each step that asks for the file: the same message, causes and hint.
fn again(e: &Error) -> Error {
    match e {
        Error::Io { path, source } => Error::Io {
            path: path.clone(),
            source: match source.raw_os_error() {
                Some(code) => std::io::Error::from_raw_os_error(code),
                None => std::io::Error::new(source.kind(), source.to_string()),
            },
        },
        Error::NotAFile { path, kind } => Error::NotAFile {
            path: path.clone(),
            kind,
        },
        Error::TooLarge { path, size, limit } => Error::TooLarge {
            path: path.clone(),
            size: *size,
            limit: *limit,
        },
        Error::NotUtf8 { path, pos } => Error::NotUtf8 {
            path: path.clone(),
            pos: *pos,
        },
        other => Error::Project {
            message: other.one_line(),
        },
    }
}

/// The paths every index on this thread tokenised, for tests that check a run tokenises each file
/// once; nothing outside tests.
#[cfg(test)]
pub(crate) mod tally {
    use std::cell::RefCell;

    thread_local! {
        static SUMMARISED: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    }

    pub fn summarised(rel: &str) {
        SUMMARISED.with(|s| s.borrow_mut().push(rel.to_string()));
    }

    /// The paths tokenised since the last call, in order.
    pub fn take_summarised() -> Vec<String> {
        SUMMARISED.with(|s| std::mem::take(&mut *s.borrow_mut()))
    }
}

#[cfg(not(test))]
mod tally {
    #[inline(always)]
    pub fn summarised(_rel: &str) {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_is_read_and_tokenised_once_however_often_it_is_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join("app.py"),
            "import os\nX = os.environ['X']\n",
        )
        .unwrap();
        let index = SourceIndex::default();
        for _ in 0..3 {
            let text = index.text(dir.path(), "app.py").unwrap();
            assert_eq!(index.summary("app.py", &text).env_reads.len(), 1);
        }
        assert_eq!(index.tokenised(), 1);
        // Changed on disk after the first read: the run keeps the text it read.
        std::fs::write(dir.path().join("app.py"), "").unwrap();
        assert!(!index.text(dir.path(), "app.py").unwrap().is_empty());
        assert!(index.text(dir.path(), "missing.py").is_err());
        assert_eq!(index.tokenised(), 1);
    }

    /// Issue 16: a detection tokenises each Python file once, Django's settings included (they were
    /// tokenised again by the settings reader, outside the index).
    #[test]
    fn a_detection_tokenises_each_python_file_once() {
        for (fixture, settings) in [
            ("django-media-app", &["gallery/settings.py"][..]),
            (
                "django-settings-package",
                &["mysite/settings/production.py", "mysite/settings/base.py"],
            ),
        ] {
            let root = Path::new(env!("CARGO_MANIFEST_DIR"))
                .join("tests/fixtures")
                .join(fixture);
            tally::take_summarised();
            let before = pysrc::tally::passes();
            crate::detect::detect(&root, &Default::default()).unwrap();
            let passes = pysrc::tally::passes() - before;
            let files = tally::take_summarised();
            let distinct: std::collections::BTreeSet<&String> = files.iter().collect();
            assert_eq!(distinct.len(), files.len(), "{fixture}: {files:?}");
            assert_eq!(passes, files.len(), "{fixture}: passes over {files:?}");
            for s in settings {
                assert!(files.iter().any(|f| f == s), "{fixture}: {s} in {files:?}");
            }
        }
    }

    #[test]
    fn a_file_that_cannot_be_read_gives_the_same_error_each_time_it_is_asked_for() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("settings.py")).unwrap();
        std::fs::write(dir.path().join("bad.py"), b"x = '\xff'\n").unwrap();
        let index = SourceIndex::default();
        for rel in ["settings.py", "bad.py", "missing.py"] {
            let direct =
                files::read_text(&dir.path().join(rel), Path::new(rel), limit::SOURCE).unwrap_err();
            let why = index.text(dir.path(), rel).unwrap_err();
            assert_eq!(why, direct.one_line());
            for _ in 0..2 {
                let e = index.read(dir.path(), rel, limit::SOURCE).unwrap_err();
                assert_eq!(e.one_line(), why);
                assert_eq!(e.hint(), direct.hint());
            }
        }
    }
}
