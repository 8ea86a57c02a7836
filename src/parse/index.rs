//! The project's files as one run reads them: each file is read and tokenised at most once, and every
//! detection step that needs it (app objects, environment reads, routes, the Procfile) asks here instead
//! of reading it again.

use std::cell::{Cell, RefCell};
use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use crate::base::fs::{self as files, limit};
use crate::parse::pysrc::{self, Module};

/// One file as first read: its text and, once a step asked for it, its summary; or why it could not be
/// read (the error's one line, warned about by each step that wanted it, as before).
#[derive(Debug)]
enum Entry {
    Read {
        text: Arc<String>,
        summary: Option<Arc<Module>>,
    },
    Unreadable(String),
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
    pub fn text_within(&self, root: &Path, rel: &str, max: u64) -> Result<Arc<String>, String> {
        if let Some(e) = self.files.borrow().get(rel) {
            return match e {
                Entry::Read { text, .. } => Ok(text.clone()),
                Entry::Unreadable(why) => Err(why.clone()),
            };
        }
        let entry = match files::read_text(&files::join(root, rel), Path::new(rel), max) {
            Ok(text) => Entry::Read {
                text: Arc::new(text),
                summary: None,
            },
            Err(e) => Entry::Unreadable(e.one_line()),
        };
        self.files.borrow_mut().insert(rel.to_string(), entry);
        self.text_within(root, rel, max)
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
}
