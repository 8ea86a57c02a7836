//! The one integration-test binary: fixtures through the library, and the CLI through insta-cmd.

mod answers;
mod architecture;
mod build_context;
mod cli;
mod contributor_recipe;
mod detect;
mod generated_files;
mod guided_flow;
mod ownership;
mod real_terminal;
mod support;
mod untrusted_input;
mod untrusted_input_props;
