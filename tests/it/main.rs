//! The one integration-test binary: fixtures through the library, and the CLI through insta-cmd.

mod answers;
mod architecture;
mod build_context;
mod cli;
mod contributor_recipe;
mod detect;
mod forks;
mod generated_files;
mod guided_flow;
mod integrations;
mod naming;
mod orchestrate;
mod ownership;
mod real_terminal;
mod support;
mod template_context;
mod unseen_projects;
mod untrusted;
mod untrusted_input;
mod untrusted_input_props;
mod verify;
mod wheel_index;
