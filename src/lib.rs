//! dockgen: a production-grade container setup for Python web projects, in one command.
//!
//! The pipeline is `Options + dir --detect()--> Project --plan()--> Plan --render()--> files --write()-->
//! Report`. Each stage is a plain value; the library never prints (the binary, `src/bin/dockgen/`, does).
//!
//! Layers, each depending only on the ones above it:
//! - [`base`]: errors, evidence, relative paths, bounded reads, quoting, small vocabularies;
//! - [`knowledge`]: the package tables; [`parse`]: the file parsers;
//! - [`framework`], [`manager`] and [`queue`]: the registries, one module per framework, package manager
//!   and task queue;
//! - [`detect`] (facts) → [`plan`] (decisions);
//! - [`output`]: the plan rendered ([`output::render`], documented by [`output::context`]), stamped
//!   ([`output::ownership`]), written ([`output::write`], [`output::dotenv`]) and reported
//!   ([`output::report`]);
//! - [`verify`]: the generated stack built, started in a throwaway compose project and checked;
//! - [`init`]: the answers ([`init::answers`]) and the prompter ([`init::prompt`]) feeding one call that
//!   runs the whole pipeline.

pub mod base;
pub mod detect;
pub mod framework;
pub mod init;
pub mod knowledge;
pub mod manager;
pub mod orchestrate;
pub mod output;
pub mod parse;
pub mod pkgindex;
pub mod plan;
pub mod queue;
pub mod verify;

pub use base::error;
pub use base::error::{Error, Result};
