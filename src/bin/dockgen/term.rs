//! The terminal prompter: dialoguer on stderr, plain when colour is off (NO_COLOR, or stderr is not a
//! colour terminal). Esc, `q` or Ctrl-C cancels the whole run before anything is written.
//!
//! Two gaps in dialoguer are filled here: its text `Input` ignores Esc (so text questions use
//! [`Dialoguer::line`], a small line editor that cancels on Esc), and on Ctrl-C console raises SIGINT,
//! whose default action killed the process with the cursor still hidden by a menu (so a handler puts
//! the cursor back; while a question waits, the prompt's read then fails and the run is cancelled as
//! with Esc).

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use dialoguer::console::{Key, Term};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Select};

use dockgen::base::quote::{terminal, terminal_lines};
use dockgen::error::{Error, Result};
use dockgen::init::prompt::{Check, Prompter, answer_or_default, refused};

pub struct Dialoguer {
    theme: Box<dyn Theme>,
    term: Term,
}

fn colour_on() -> bool {
    anstream::AutoStream::choice(&std::io::stderr()) != anstream::ColorChoice::Never
}

fn cancelled(_: dialoguer::Error) -> Error {
    let _ = Term::stderr().show_cursor();
    Error::Cancelled
}

/// Whether a question is waiting for a key (its read turns Ctrl-C into a cancellation).
static ASKING: AtomicBool = AtomicBool::new(false);

/// SIGINT, SIGTERM or SIGHUP (outside a write, which handles them itself: `write::signal`): the cursor
/// back in any case; outside a question, exit as SIGINT would (130). During a question, Ctrl-C makes
/// the prompt's read fail and the run reports the cancellation; a signal that does not (SIGTERM) ends
/// the run a moment later all the same.
pub fn on_interrupt() {
    let _ = Term::stderr().show_cursor();
    if ASKING.load(Ordering::SeqCst) {
        std::thread::sleep(std::time::Duration::from_secs(1));
    }
    std::process::exit(130);
}

/// Runs one question with [`ASKING`] set. A failed read (Ctrl-C) leaves it set, so the handler, which
/// runs on its own thread, cannot exit before the run reports the cancellation.
fn asking<T, E>(question: impl FnOnce() -> std::result::Result<T, E>) -> std::result::Result<T, E> {
    ASKING.store(true, Ordering::SeqCst);
    let out = question();
    if out.is_ok() {
        ASKING.store(false, Ordering::SeqCst);
    }
    out
}

impl Dialoguer {
    pub fn new() -> Self {
        let theme: Box<dyn Theme> = if colour_on() {
            Box::new(ColorfulTheme::default())
        } else {
            dialoguer::console::set_colors_enabled(false);
            dialoguer::console::set_colors_enabled_stderr(false);
            Box::new(SimpleTheme)
        };
        Dialoguer {
            theme,
            term: Term::stderr(),
        }
    }

    /// A one-line text question with `default` shown; Enter on an empty line keeps the default, Esc
    /// cancels (`None`). Editing: characters, Backspace, Delete, Left, Right, Home, End.
    fn line(&self, question: &str, default: &str) -> std::io::Result<Option<String>> {
        let term = &self.term;
        let mut prompt = String::new();
        let _ = self
            .theme
            .format_input_prompt(&mut prompt, question, Some(default));
        term.write_str(&prompt)?;
        term.flush()?;
        let mut line = Line::default();
        loop {
            match term.read_key()? {
                Key::Escape => {
                    term.clear_line()?;
                    return Ok(None);
                }
                Key::Enter => break,
                key => line.edit(term, key)?,
            }
            term.flush()?;
        }
        let typed: String = line.chars.iter().collect();
        term.clear_line()?;
        Ok(Some(answer_or_default(&typed, default)))
    }

    /// [`Dialoguer::line`] until `check` accepts the answer: a refused one is replaced by its reason
    /// (the theme's error line) and the question is asked again; only the accepted one is drawn as
    /// answered.
    fn checked_line(
        &self,
        question: &str,
        default: &str,
        check: &mut Check<'_>,
    ) -> std::io::Result<Option<String>> {
        loop {
            let Some(value) = self.line(question, default)? else {
                return Ok(None);
            };
            match check(&value) {
                Ok(()) => {
                    let mut done = String::new();
                    let _ = self
                        .theme
                        .format_input_prompt_selection(&mut done, question, &value);
                    self.term.write_line(&done)?;
                    return Ok(Some(value));
                }
                Err(m) => {
                    let mut error = String::new();
                    let _ = self.theme.format_error(&mut error, &refused(&terminal(&m)));
                    self.term.write_line(&error)?;
                }
            }
        }
    }

    pub fn intro(&mut self) {
        let _ = writeln!(
            anstream::stderr(),
            "dockgen init: each question's default is what dockgen found, and where; Enter keeps it, Esc cancels.\n\
             (Not asked: answers given as flags or DOCKGEN_* variables. Skip all questions with --yes.)"
        );
    }
}

impl Prompter for Dialoguer {
    fn select(&mut self, question: &str, items: &[String], default: usize) -> Result<usize> {
        // Items and questions carry project values (directories, entrypoints): escaped for the terminal.
        let items: Vec<String> = items.iter().map(|i| terminal(i).into_owned()).collect();
        let question = terminal(question);
        asking(|| {
            Select::with_theme(self.theme.as_ref())
                .with_prompt(question.as_ref())
                .items(&items)
                .default(default)
                .interact_on_opt(&self.term)
        })
        .map_err(cancelled)?
        .ok_or(Error::Cancelled)
    }

    fn confirm(&mut self, question: &str, default: bool) -> Result<bool> {
        let question = terminal(question);
        asking(|| {
            Confirm::with_theme(self.theme.as_ref())
                .with_prompt(question.as_ref())
                .default(default)
                .interact_on_opt(&self.term)
        })
        .map_err(cancelled)?
        .ok_or(Error::Cancelled)
    }

    fn input(&mut self, question: &str, default: &str, check: &mut Check<'_>) -> Result<String> {
        let question = terminal(question).into_owned();
        asking(|| self.checked_line(&question, default, check))
            .map_err(|e| cancelled(e.into()))?
            .ok_or(Error::Cancelled)
    }

    fn show(&mut self, text: &str) {
        // Project values escaped for the terminal; a diff (the conflict view) in git's colours, as
        // `init --check` prints it.
        let text = terminal_lines(text);
        let text = if colour_on() && text.lines().any(|l| l.starts_with("@@ ")) {
            dockgen::output::report::styled_diff(&text)
        } else {
            text
        };
        let _ = self.term.write_str(&text);
        if !text.ends_with('\n') {
            let _ = self.term.write_line("");
        }
    }
}

/// The text being typed at a prompt and the cursor's place in it.
#[derive(Default)]
struct Line {
    chars: Vec<char>,
    pos: usize,
}

impl Line {
    /// Applies one key (typing, deleting, moving), echoing it on the terminal.
    fn edit(&mut self, term: &Term, key: Key) -> std::io::Result<()> {
        let (chars, pos) = (&mut self.chars, &mut self.pos);
        let tail: String = chars.iter().skip(*pos).collect();
        match key {
            Key::Char(c) if !c.is_control() => {
                chars.insert(*pos, c);
                *pos += 1;
                term.write_str(&format!("{c}{tail}"))?;
                term.move_cursor_left(tail.chars().count())?;
            }
            Key::Backspace if *pos > 0 => {
                *pos -= 1;
                chars.remove(*pos);
                term.move_cursor_left(1)?;
                term.write_str(&format!("{tail} "))?;
                term.move_cursor_left(tail.chars().count() + 1)?;
            }
            Key::Del if *pos < chars.len() => {
                chars.remove(*pos);
                let rest: String = tail.chars().skip(1).collect();
                term.write_str(&format!("{rest} "))?;
                term.move_cursor_left(rest.chars().count() + 1)?;
            }
            Key::ArrowLeft if *pos > 0 => {
                *pos -= 1;
                term.move_cursor_left(1)?;
            }
            Key::ArrowRight if *pos < chars.len() => {
                *pos += 1;
                term.move_cursor_right(1)?;
            }
            Key::Home => {
                term.move_cursor_left(*pos)?;
                *pos = 0;
            }
            Key::End => {
                term.move_cursor_right(chars.len() - *pos)?;
                *pos = chars.len();
            }
            _ => {}
        }
        Ok(())
    }
}
