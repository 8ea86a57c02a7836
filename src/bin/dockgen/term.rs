//! The terminal prompter: on stderr, in dialoguer's themes, plain when colour is off (NO_COLOR, or
//! stderr is not a colour terminal). Esc, `q` or Ctrl-C cancels the whole run before anything is written.
//!
//! The questions are drawn here rather than by dialoguer's prompts, whose redraws count a long question
//! as one row and left stale copies on a narrow terminal, and whose text `Input` ignores Esc: the menu
//! ([`Dialoguer::menu`]), the yes/no question and the line editor ([`Dialoguer::line`]) count every row
//! they take, wrapped ones included, when they redraw or clear. On Ctrl-C console raises SIGINT, whose
//! default action killed the process with the cursor still hidden by a menu (so a handler puts the
//! cursor back; while a question waits, the prompt's read then fails and the run is cancelled as with
//! Esc).

use std::io::Write;
use std::sync::atomic::{AtomicBool, Ordering};

use dialoguer::console::{Key, Term, measure_text_width};
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};

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
                    line.clear(term, &prompt)?;
                    return Ok(None);
                }
                Key::Enter => break,
                key => line.edit(term, key)?,
            }
            term.flush()?;
        }
        line.clear(term, &prompt)?;
        let typed: String = line.chars.iter().collect();
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

    /// A menu: the question, then the items with the chosen one marked; Up/Down (or k/j, Tab) move,
    /// Enter or Space picks, Esc or `q` cancels (`None`). Redrawn in place: every row the question and
    /// the items take is counted, wrapped ones included, so a narrow terminal keeps no stale copy.
    fn menu(
        &self,
        question: &str,
        items: &[String],
        default: usize,
    ) -> std::io::Result<Option<usize>> {
        let term = &self.term;
        let mut chosen = default.min(items.len().saturating_sub(1));
        term.hide_cursor()?;
        let mut drawn = self.draw_menu(question, items, chosen)?;
        let picked = loop {
            match term.read_key()? {
                Key::ArrowDown | Key::Tab | Key::Char('j') => chosen = (chosen + 1) % items.len(),
                Key::ArrowUp | Key::BackTab | Key::Char('k') => {
                    chosen = (chosen + items.len() - 1) % items.len();
                }
                Key::Enter | Key::Char(' ') => break Some(chosen),
                Key::Escape | Key::Char('q') => break None,
                _ => continue,
            }
            term.clear_last_lines(drawn)?;
            drawn = self.draw_menu(question, items, chosen)?;
        };
        term.clear_last_lines(drawn)?;
        if let Some(i) = picked {
            let mut done = String::new();
            let _ = self
                .theme
                .format_select_prompt_selection(&mut done, question, &items[i]);
            term.write_line(&done)?;
        }
        term.show_cursor()?;
        term.flush()?;
        Ok(picked)
    }

    /// Draws the menu; returns the rows it took.
    fn draw_menu(&self, question: &str, items: &[String], chosen: usize) -> std::io::Result<usize> {
        let mut lines = Vec::with_capacity(items.len() + 1);
        let mut prompt = String::new();
        let _ = self.theme.format_select_prompt(&mut prompt, question);
        lines.push(prompt);
        for (i, item) in items.iter().enumerate() {
            let mut line = String::new();
            let _ = self
                .theme
                .format_select_prompt_item(&mut line, item, i == chosen);
            lines.push(line);
        }
        let columns = self.columns();
        let mut rows = 0;
        for line in &lines {
            self.term.write_line(line)?;
            rows += rows_of(line, columns);
        }
        self.term.flush()?;
        Ok(rows)
    }

    /// A yes/no question: `y` or `n` answers, Enter keeps `default`, Esc or `q` cancels (`None`).
    fn yes_no(&self, question: &str, default: bool) -> std::io::Result<Option<bool>> {
        let term = &self.term;
        let mut prompt = String::new();
        let _ = self
            .theme
            .format_confirm_prompt(&mut prompt, question, Some(default));
        term.hide_cursor()?;
        term.write_str(&prompt)?;
        term.flush()?;
        let answer = loop {
            match term.read_key()? {
                Key::Char('y' | 'Y') => break Some(true),
                Key::Char('n' | 'N') => break Some(false),
                Key::Enter => break Some(default),
                Key::Escape | Key::Char('q') => break None,
                _ => {}
            }
        };
        clear_rows(term, measure_text_width(&prompt))?;
        if let Some(a) = answer {
            let mut done = String::new();
            let _ = self
                .theme
                .format_confirm_prompt_selection(&mut done, question, Some(a));
            term.write_line(&done)?;
        }
        term.show_cursor()?;
        term.flush()?;
        Ok(answer)
    }

    fn columns(&self) -> usize {
        usize::from(self.term.size().1).max(1)
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
        asking(|| self.menu(&question, &items, default))
            .map_err(|e| cancelled(e.into()))?
            .ok_or(Error::Cancelled)
    }

    fn confirm(&mut self, question: &str, default: bool) -> Result<bool> {
        let question = terminal(question);
        asking(|| self.yes_no(&question, default))
            .map_err(|e| cancelled(e.into()))?
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

/// The rows a line of `width` columns takes on a terminal `columns` wide (an empty line takes one).
fn rows_of(line: &str, columns: usize) -> usize {
    measure_text_width(line).saturating_sub(1) / columns + 1
}

/// Clears the rows taken by text `width` columns wide written from the start of a row, the cursor
/// at its end; leaves the cursor at the start of the first row.
fn clear_rows(term: &Term, width: usize) -> std::io::Result<()> {
    let columns = usize::from(term.size().1).max(1);
    // At exactly a full row the cursor still waits on it (the terminal wraps on the next glyph).
    let rows_above = width.saturating_sub(1) / columns;
    term.clear_line()?;
    term.clear_last_lines(rows_above)
}

/// The text being typed at a prompt and the cursor's place in it.
#[derive(Default)]
struct Line {
    chars: Vec<char>,
    pos: usize,
}

impl Line {
    /// Clears every row the prompt and the text take (a long question wraps onto several), leaving
    /// the cursor at the start of the first, where the answered line is drawn.
    fn clear(&self, term: &Term, prompt: &str) -> std::io::Result<()> {
        term.move_cursor_right(self.chars.len() - self.pos)?;
        let typed: String = self.chars.iter().collect();
        clear_rows(
            term,
            measure_text_width(prompt) + measure_text_width(&typed),
        )
    }

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
