//! The leaf of the crate: vocabulary every stage shares, importing nothing from the rest of the crate.
//!
//! - [`answer`]: [`Key`](answer::Key), the names of the answers (`--port`, `DOCKGEN_PORT`, `port =`).
//! - [`error`]: the one error type; each owner attaches its own hint ([`Error::hint`] / [`Error::with_hint`]).
//! - [`evidence`]: where a decision came from, keyed by a typed [`Key`](evidence::Key).
//! - [`relpath`]: [`RelDir`](relpath::RelDir), a directory relative to the project (`.` or `a/b`).
//! - [`fs`]: bounded reads of files a user did not write for us; [`child`]: child processes with a time
//!   and output limit; [`text`]: one-pass lookups in a file's text (the line of each JSON key).
//! - [`diag`]: [`Diagnostics`](diag::Diagnostics), the one sink steps tell warnings and notes to.
//! - [`python`]: [`PythonVersion`](python::PythonVersion), the image's Python from the file it was read in
//!   to the template that prints it.
//! - [`kinds`]: the small closed vocabularies (services, workers, servers, interfaces).
//! - [`valid`] and [`quote`]: the one rule for values from a project or a flag: checked where they
//!   enter, escaped for the place they land (Dockerfile, shell, YAML, `.env` comment, terminal).
//!
//! Stages depend on this module and on each other downward only; nothing here knows about detection,
//! plans or templates.

pub mod answer;
pub mod child;
pub mod diag;
pub mod error;
pub mod evidence;
pub mod fs;
pub mod handle;
pub mod kinds;
pub mod lookup;
pub mod python;
pub mod quote;
pub mod relpath;
pub mod text;
pub mod valid;
