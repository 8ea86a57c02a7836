//! Asking the user: one trait between the guided `init` flow and whatever answers it.
//!
//! The binary implements [`Prompter`] with dialoguer on a terminal; tests use [`Scripted`], which answers
//! from a list and records every question, so the flow is tested without a pseudo-terminal. The library
//! decides what to ask and validates answers; a prompter only shows questions and returns answers.

use std::collections::VecDeque;

use crate::base::error::{Error, Result};

/// The check of a text answer: `Err` with the reason refuses it.
pub type Check<'a> = dyn FnMut(&str) -> std::result::Result<(), String> + 'a;

/// The answer `typed` stands for: trimmed, and `default` when empty.
pub fn answer_or_default(typed: &str, default: &str) -> String {
    match typed.trim() {
        "" => default.to_string(),
        t => t.to_string(),
    }
}

/// The line shown when `check` refuses an answer.
pub fn refused(reason: &str) -> String {
    format!("{reason}; try again")
}

/// Something that can answer questions.
pub trait Prompter {
    /// Picks one of `items`; returns its index. `default` is preselected.
    fn select(&mut self, question: &str, items: &[String], default: usize) -> Result<usize>;
    /// A yes/no question.
    fn confirm(&mut self, question: &str, default: bool) -> Result<bool>;
    /// Free text; an empty answer means `default`. Each answer (trimmed, the default for an empty one)
    /// goes to `check` before it is shown as given; a refused one is shown with `check`'s reason and
    /// asked again, so only an accepted answer is ever marked as answered.
    fn input(&mut self, question: &str, default: &str, check: &mut Check<'_>) -> Result<String>;
    /// Shows text without asking (a diff, or why an answer was refused).
    fn show(&mut self, text: &str);
}

/// One scripted answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reply {
    /// Accept the default.
    Default,
    /// Pick the item with this text (select), or answer yes/no (confirm: "yes"/"no"), or type this.
    Text(String),
}

/// A prompter that answers from a script and records what it was asked: for tests.
#[derive(Debug, Default)]
pub struct Scripted {
    replies: VecDeque<Reply>,
    /// Every question asked, in order, as shown (with the default in brackets).
    pub asked: Vec<String>,
    /// Everything shown.
    pub shown: Vec<String>,
}

impl Scripted {
    pub fn new(replies: impl IntoIterator<Item = Reply>) -> Self {
        Scripted {
            replies: replies.into_iter().collect(),
            ..Default::default()
        }
    }

    /// Replies still unused (a test checks the flow asked everything it scripted).
    pub fn left(&self) -> usize {
        self.replies.len()
    }

    fn next(&mut self, question: &str) -> Result<Reply> {
        self.replies.pop_front().ok_or_else(|| Error::Usage {
            message: format!("the script has no answer for `{question}`"),
        })
    }
}

impl Prompter for Scripted {
    fn select(&mut self, question: &str, items: &[String], default: usize) -> Result<usize> {
        self.asked.push(format!("{question} [{}]", items[default]));
        match self.next(question)? {
            Reply::Default => Ok(default),
            Reply::Text(t) => items
                .iter()
                .position(|i| *i == t)
                .ok_or_else(|| Error::Usage {
                    message: format!("`{t}` is not one of {items:?} for `{question}`"),
                }),
        }
    }

    fn confirm(&mut self, question: &str, default: bool) -> Result<bool> {
        self.asked.push(format!(
            "{question} [{}]",
            if default { "yes" } else { "no" }
        ));
        match self.next(question)? {
            Reply::Default => Ok(default),
            Reply::Text(t) => Ok(t == "yes"),
        }
    }

    fn input(&mut self, question: &str, default: &str, check: &mut Check<'_>) -> Result<String> {
        loop {
            self.asked.push(format!("{question} [{default}]"));
            let value = match self.next(question)? {
                Reply::Default => default.to_string(),
                Reply::Text(t) => answer_or_default(&t, default),
            };
            match check(&value) {
                Ok(()) => return Ok(value),
                Err(m) => self.shown.push(refused(&m)),
            }
        }
    }

    fn show(&mut self, text: &str) {
        self.shown.push(text.to_string());
    }
}
