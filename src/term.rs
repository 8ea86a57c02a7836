//! The terminal prompter: dialoguer on stderr, plain when colour is off (NO_COLOR, or stderr is not a
//! colour terminal). Esc, `q` or Ctrl-C cancels the whole run before anything is written.

use std::io::Write;

use dialoguer::console::Term;
use dialoguer::theme::{ColorfulTheme, SimpleTheme, Theme};
use dialoguer::{Confirm, Input, Select};

use dockgen::base::quote::{terminal, terminal_lines};
use dockgen::error::{Error, Result};
use dockgen::prompt::Prompter;

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
        Select::with_theme(self.theme.as_ref())
            .with_prompt(terminal(question))
            .items(&items)
            .default(default)
            .interact_on_opt(&self.term)
            .map_err(cancelled)?
            .ok_or(Error::Cancelled)
    }

    fn confirm(&mut self, question: &str, default: bool) -> Result<bool> {
        Confirm::with_theme(self.theme.as_ref())
            .with_prompt(terminal(question))
            .default(default)
            .interact_on_opt(&self.term)
            .map_err(cancelled)?
            .ok_or(Error::Cancelled)
    }

    fn input(&mut self, question: &str, default: &str) -> Result<String> {
        Input::<String>::with_theme(self.theme.as_ref())
            .with_prompt(terminal(question))
            .default(default.to_string())
            .interact_text_on(&self.term)
            .map_err(cancelled)
    }

    fn show(&mut self, text: &str) {
        let text = terminal_lines(text);
        let _ = self.term.write_str(&text);
        if !text.ends_with('\n') {
            let _ = self.term.write_line("");
        }
    }
}
