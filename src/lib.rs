//! dockgen: a production-grade container setup for Python web projects, in one command.
//!
//! The pipeline is `Options + dir --detect()--> Project --plan()--> Plan --render()--> files --write()-->
//! Report`. Each stage is a plain value; the library never prints (the binary does).

pub mod answers;
pub mod context;
pub mod detect;
pub mod error;
pub mod init;
pub mod knowledge;
pub mod plan;
pub mod prompt;
pub mod render;
pub mod report;
pub mod write;

pub use error::{Error, Result};
