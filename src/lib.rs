//! dockgen: a production-grade container setup for Python web projects, in one command.
//!
//! The pipeline is `Options + dir --detect()--> Project --plan()--> Plan --render()--> files --write()-->
//! Report`. Each stage is a plain value; the library never prints (the binary does).
//!
//! Layers, each depending only on the ones above it:
//! - [`base`]: errors, evidence, relative paths, bounded reads, quoting, small vocabularies;
//! - [`knowledge`]: the package tables; [`parse`]: the file parsers;
//! - [`framework`] and [`manager`]: the registries, one module per framework and per package manager;
//! - [`detect`] (facts) → [`plan`] (decisions) → [`render`] / [`context`] → [`write`] and [`report`],
//!   with [`ownership`] (the stamp that tells dockgen's untouched output from an edited file) between;
//! - [`answers`] and [`prompt`] feed [`init`], which runs the whole pipeline.

pub mod answers;
pub mod base;
pub mod context;
pub mod detect;
pub mod dotenv;
pub mod framework;
pub mod init;
pub mod knowledge;
pub mod manager;
pub mod orchestrate;
pub mod ownership;
pub mod parse;
pub mod plan;
pub mod prompt;
pub mod render;
pub mod report;
pub mod write;

pub use base::error;
pub use base::error::{Error, Result};
