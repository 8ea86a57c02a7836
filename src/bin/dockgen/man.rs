//! `dockgen man`: a man page for dockgen and one for every subcommand (clap_mangen), each with the
//! sections clap does not know: EXIT STATUS, ENVIRONMENT (the `DOCKGEN_*` variables come from the
//! answers table) and FILES, and SEE ALSO naming only pages that exist.

use std::io::Write;
use std::path::Path;
use std::process::ExitCode;

use clap::CommandFactory;
use roff::{Roff, bold, roman};

use dockgen::init::answers::{ANSWERS, Commands, Kind};

use crate::cli::Cli;

/// One page: its name (`dockgen-init`) and its command.
struct Page {
    name: String,
    cmd: clap::Command,
}

/// Every page, the main one first, then the subcommands depth first (`dockgen-templates-export`).
fn pages() -> Vec<Page> {
    fn walk(cmd: &clap::Command, name: String, out: &mut Vec<Page>) {
        out.push(Page {
            name: name.clone(),
            cmd: cmd.clone(),
        });
        for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set()) {
            walk(sub, format!("{name}-{}", sub.get_name()), out);
        }
    }
    let mut cmd = Cli::command().disable_help_subcommand(true);
    cmd.build();
    let mut out = Vec::new();
    walk(&cmd, "dockgen".into(), &mut out);
    out
}

/// `dockgen man [PAGE] [--dir DIR]`.
pub fn run(page: Option<&str>, dir: Option<&Path>) -> dockgen::Result<ExitCode> {
    let all = pages();
    let io = |path: &Path| {
        let path = path.to_path_buf();
        move |source| dockgen::Error::Io { path, source }
    };
    if let Some(dir) = dir {
        std::fs::create_dir_all(dir).map_err(io(dir))?;
        for p in &all {
            let path = dir.join(format!("{}.1", p.name));
            std::fs::write(&path, render(p, &all)).map_err(io(&path))?;
        }
        return Ok(ExitCode::SUCCESS);
    }
    let wanted = match page {
        None => "dockgen".to_string(),
        Some(p) if p.starts_with("dockgen") => p.to_string(),
        Some(p) => format!("dockgen-{}", p.replace(' ', "-")),
    };
    let Some(p) = all.iter().find(|p| p.name == wanted) else {
        let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
        let close = dockgen::base::lookup::suggest(&wanted, names.iter().copied());
        return Err(dockgen::Error::Usage {
            message: format!("no man page `{wanted}`{close}"),
        }
        .with_hint(format!("the pages: {}", names.join(", "))));
    };
    let _ = std::io::stdout().write_all(&render(p, &all));
    Ok(ExitCode::SUCCESS)
}

/// A page: clap_mangen's sections, then dockgen's own.
fn render(page: &Page, all: &[Page]) -> Vec<u8> {
    let man = clap_mangen::Man::new(page.cmd.clone());
    let mut buf = Vec::new();
    let has_subcommands = page.cmd.get_subcommands().next().is_some();
    let _ = man.render_title(&mut buf);
    let _ = man.render_name_section(&mut buf);
    let _ = man.render_synopsis_section(&mut buf);
    let _ = man.render_description_section(&mut buf);
    let _ = man.render_options_section(&mut buf);
    if has_subcommands {
        let _ = man.render_subcommands_section(&mut buf);
    }
    let mut roff = Roff::new();
    exit_status(&mut roff, &page.name);
    environment(&mut roff, &page.name);
    files(&mut roff, &page.name);
    see_also(&mut roff, page, all);
    let _ = roff.to_writer(&mut buf);
    let _ = man.render_version_section(&mut buf);
    buf
}

fn item(roff: &mut Roff, term: &str, text: &str) {
    roff.control("TP", []);
    roff.text([bold(term)]);
    roff.text([roman(text)]);
}

fn exit_status(roff: &mut Roff, name: &str) {
    roff.control("SH", ["EXIT STATUS"]);
    item(roff, "0", "Success.");
    let one = if name == "dockgen-verify" {
        "A check failed (each failure is named, with the last lines of its service's log and hints), the files are not generated yet, or Docker Engine 20.10+ or Compose v2 is missing."
    } else if matches!(name, "dockgen" | "dockgen-init") {
        "Failure (the project cannot be handled, a file cannot be read or written, an existing file would change), or, with init --check, generated files that differ from what dockgen would generate."
    } else {
        "Failure."
    };
    item(roff, "1", one);
    item(
        roff,
        "2",
        "Usage error: an unknown option, a flag or DOCKGEN_* variable that is not valid, or a file given where a directory is expected.",
    );
    if name == "dockgen-verify" {
        item(
            roff,
            "130",
            "Interrupted (Ctrl-C); the throwaway stack was removed.",
        );
    }
    if matches!(name, "dockgen" | "dockgen-init") {
        item(
            roff,
            "130",
            "Cancelled at a question (Esc or Ctrl-C); nothing was written.",
        );
    }
}

/// The ENVIRONMENT of a page that takes no answers: colour, and for verify, CI.
fn plain_environment(roff: &mut Roff, name: &str) {
    roff.control("SH", ["ENVIRONMENT"]);
    if name == "dockgen-verify" {
        item(
            roff,
            "CI",
            "Any value but empty, 0 or false: one plain line per step instead of a live line.",
        );
    }
    item(
        roff,
        "NO_COLOR",
        "Set (to anything): no colour, unless --color always.",
    );
}

fn environment(roff: &mut Roff, name: &str) {
    let init = matches!(name, "dockgen" | "dockgen-init");
    if !init && name != "dockgen-detect" {
        return plain_environment(roff, name);
    }
    roff.control("SH", ["ENVIRONMENT"]);
    for spec in ANSWERS
        .iter()
        .filter(|s| init || s.commands == Commands::DetectAndInit)
    {
        let flag = match spec.negation_flag() {
            Some(no) => format!("{} and {no}", spec.flag()),
            None => spec.flag(),
        };
        let takes = match spec.kind {
            Kind::Bool => " Takes true or false (also yes/no, 1/0, on/off).",
            Kind::Workers => " Takes a comma-separated list, or none.",
            _ => "",
        };
        let text = format!(
            "{}.{takes} The same answer as {flag}, which wins over it; it wins over dockgen.toml. Not saved. Empty counts as unset.",
            spec.help_text()
        );
        item(roff, &spec.env_var(), &text);
    }
    item(
        roff,
        "HOME",
        "The search for the project root upward from PATH never enters this directory.",
    );
    if init {
        item(
            roff,
            "CI",
            "Any value but empty, 0 or false: never ask questions (as --yes).",
        );
    }
    item(
        roff,
        "NO_COLOR",
        "Set (to anything): no colour, unless --color always.",
    );
    item(
        roff,
        "CLICOLOR_FORCE",
        "Set (to anything but 0): colour even when not writing to a terminal, unless --color never.",
    );
}

fn files(roff: &mut Roff, name: &str) {
    if name == "dockgen-verify" {
        roff.control("SH", ["FILES"]);
        item(
            roff,
            "docker-compose.yml, Dockerfile, .env",
            "The generated files and the settings, as they are on disk (verify reads them, never writes them). The compose file is the one dockgen generates (--compose-file).",
        );
        return;
    }
    if !matches!(name, "dockgen" | "dockgen-init" | "dockgen-detect") {
        return;
    }
    roff.control("SH", ["FILES"]);
    item(
        roff,
        "dockgen.toml",
        "At the project root: the saved answers, the choices that differ from detection. init writes it; init and detect read it.",
    );
    if name == "dockgen-detect" {
        return;
    }
    for (_, out) in dockgen::output::render::OUTPUTS {
        let what = match *out {
            "Dockerfile" => {
                "The image: the locked dependencies installed in the slim runtime stage itself, or in a builder stage when one needs a compiler or a package manager's own tool."
            }
            "entrypoint.sh" => {
                "Waits for the database, runs the migrations where configured, then execs the server."
            }
            ".dockerignore" => {
                "What the build context leaves out (virtualenvs, .git, .env, caches)."
            }
            "docker-compose.yml" => {
                "The web service, the database, Redis and the workers the project needs."
            }
            ".env.example" => "Every variable the stack reads, to copy to .env.",
            _ => "Generated by init.",
        };
        item(roff, out, what);
    }
    item(
        roff,
        ".env",
        "The real settings and secrets, read by docker compose. init writes it with fresh random secrets (mode 0600) only when there is none; it never writes over one, and it is never copied into the image.",
    );
}

fn see_also(roff: &mut Roff, page: &Page, all: &[Page]) {
    roff.control("SH", ["SEE ALSO"]);
    let others: Vec<String> = all
        .iter()
        .filter(|p| p.name != page.name)
        .map(|p| format!("{}(1)", p.name))
        .collect();
    roff.text([roman(others.join(", "))]);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_page_names_only_pages_that_exist() {
        let all = pages();
        let names: Vec<&str> = all.iter().map(|p| p.name.as_str()).collect();
        for want in [
            "dockgen",
            "dockgen-detect",
            "dockgen-init",
            "dockgen-templates",
            "dockgen-templates-export",
            "dockgen-templates-context",
            "dockgen-completions",
            "dockgen-man",
            "dockgen-verify",
        ] {
            assert!(names.contains(&want), "{want}: {names:?}");
        }
        for p in &all {
            let text = String::from_utf8(render(p, &all)).unwrap();
            for section in ["EXIT STATUS", "ENVIRONMENT", "SEE ALSO"] {
                assert!(
                    text.contains(&format!(".SH \"{section}\""))
                        || text.contains(&format!(".SH {section}")),
                    "{}: {section}",
                    p.name
                );
            }
            // Every `name(1)` reference is a page that exists.
            for (i, _) in text.match_indices("(1)") {
                let start = text[..i]
                    .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '\\'))
                    .map_or(0, |s| s + 1);
                let name = text[start..i].replace("\\-", "-");
                assert!(names.contains(&name.as_str()), "{}: `{name}(1)`", p.name);
            }
        }
    }
}
