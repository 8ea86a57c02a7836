//! The output side: a [`Plan`](crate::plan::Plan) becomes files and a person reads what happened.
//!
//! - [`render`] turns the plan into file contents through the embedded templates (or a team's fork);
//!   [`contexts`] gives each generated file its own typed context, built from the plan, and [`context`]
//!   documents and versions them;
//! - [`ownership`] stamps each generated file so dockgen can tell its own untouched output from an edit;
//!   [`git`] reads what it needs from the repository (the base of a conflict) without running anything
//!   the repository configures, and checks the copy store;
//! - [`write`](mod@write) preflights every target, writes the set as one unit under the project lock and
//!   diffs for `--check`; [`dotenv`] writes
//!   `.env` with fresh secrets, never over one;
//! - [`report`] is every human report (detection, the plan summary, what `init` wrote and what comes next).
//!
//! Nothing here detects or decides: the plan is final when it arrives.

pub mod context;
pub mod contexts;
pub mod dotenv;
pub mod git;
pub mod ownership;
pub mod render;
pub mod report;
pub mod write;
