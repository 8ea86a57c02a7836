//! The one integration-test binary: fixtures through the library, and the CLI through insta-cmd.

mod cli;
mod context;
mod detect;
mod dockerignore;
mod hostile;
mod hostile_props;
mod init;
mod knobs;
mod ownership;
mod registry;
mod support;
mod team;
mod tty;
mod unseen;
