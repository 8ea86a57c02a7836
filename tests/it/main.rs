//! The one integration-test binary: fixtures through the library, and the CLI through insta-cmd.

mod cli;
mod context;
mod detect;
mod dockerignore;
mod init;
mod registry;
mod support;
mod team;
mod tty;
