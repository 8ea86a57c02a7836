//! The `dockgen` binary: parses arguments, runs the library, prints reports and errors, and asks
//! questions on a terminal. This is the only place that writes to stdout/stderr.

mod cli;
mod man;
mod term;
mod verify_cmd;

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anstyle::{AnsiColor, Style};
use clap::{CommandFactory, FromArgMatches, ValueEnum};

use cli::{Cli, ColorWhen, Command, TemplatesCommand};
use dockgen::base::quote::{terminal, terminal_lines};
use dockgen::init::answers;
use dockgen::output::report;
use dockgen::output::write::{Mode, Status};

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const HINT: Style = AnsiColor::Cyan.on_default().bold();
const NOTE: Style = Style::new().bold();

fn main() -> ExitCode {
    // SIGINT, SIGTERM, SIGHUP: a write in progress undoes itself and returns `Interrupted`; otherwise
    // the terminal is put back and the run ends (term::on_interrupt).
    let _ = ctrlc::set_handler(|| {
        if !dockgen::output::write::signal::interrupt() {
            term::on_interrupt();
        }
    });
    let args: Vec<OsString> = std::env::args_os().collect();
    // Read --color before clap, so clap's own errors and help follow it too.
    let color = color_from_args(&args);
    set_color(color);
    let clap_color = match color {
        Some(ColorWhen::Always) => clap::ColorChoice::Always,
        Some(ColorWhen::Never) => clap::ColorChoice::Never,
        _ => clap::ColorChoice::Auto,
    };
    let matches = Cli::command()
        .color(clap_color)
        .try_get_matches_from(&args)
        .unwrap_or_else(|e| clap_exit(e));
    let cli = Cli::from_arg_matches(&matches)
        .unwrap_or_else(|e| clap_exit(e.format(&mut Cli::command().color(clap_color))));
    let ui = Ui {
        quiet: cli.global.quiet,
        verbose: cli.global.verbose,
        offline: cli.global.offline,
        started: Instant::now(),
    };
    match run(cli, ui) {
        // A signal that came as the last file was renamed: the new set is complete, but the run was
        // asked to stop.
        Ok(_) if dockgen::output::write::signal::interrupted() => ExitCode::from(130),
        Ok(code) => code,
        Err(e) => {
            report_error(&e);
            ExitCode::from(e.exit_code())
        }
    }
}

/// Prints clap's error (or help) and exits. clap quotes an invalid value as given: one holding an escape
/// sequence or a bidirectional control would reach the terminal raw, so such an error is printed plain
/// with each of them escaped.
fn clap_exit(e: clap::Error) -> ! {
    let plain = e.render().to_string();
    if !plain
        .split('\n')
        .any(dockgen::base::quote::has_hostile_char)
    {
        e.exit()
    }
    let text = terminal_lines(&plain);
    if e.use_stderr() {
        let _ = write!(std::io::stderr(), "{text}");
    } else {
        let _ = write!(std::io::stdout(), "{text}");
    }
    std::process::exit(e.exit_code())
}

/// How much to print, from -q and -v.
#[derive(Debug, Clone, Copy)]
struct Ui {
    quiet: bool,
    verbose: bool,
    /// `--offline`: the package index is not asked.
    offline: bool,
    started: Instant,
}

impl Ui {
    /// How detection may ask the package index: not with `--offline` or `DOCKGEN_OFFLINE` set to a
    /// true value; else over HTTP, with the index the package managers' variables name
    /// (`ManagerSpec::index_variables`) and the user's cache directory.
    fn index(&self) -> Option<dockgen::pkgindex::Access> {
        let var = std::env::var(dockgen::pkgindex::OFFLINE_VAR).unwrap_or_default();
        let offline_env = matches!(
            var.trim().to_ascii_lowercase().as_str(),
            "1" | "true" | "yes" | "on"
        );
        (!self.offline && !offline_env).then(|| {
            let names: Vec<&str> = dockgen::manager::ALL
                .iter()
                .flat_map(|m| m.index_variables())
                .copied()
                .collect();
            dockgen::pkgindex::Access::from_env(|k| std::env::var(k).ok(), &names)
        })
    }

    /// A line on stderr that -q silences.
    fn note(&self, text: &str) {
        if !self.quiet {
            let _ = writeln!(anstream::stderr(), "{NOTE}dockgen{NOTE:#}: {text}");
        }
    }
}

/// The last `--color WHEN` / `--color=WHEN` before `--`, if valid (clap reports an invalid one).
fn color_from_args(args: &[OsString]) -> Option<ColorWhen> {
    let mut found = None;
    let mut it = args
        .iter()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned());
    while let Some(a) = it.next() {
        let value = match a.as_str() {
            "--" => break,
            "--color" => it.next(),
            _ => a.strip_prefix("--color=").map(str::to_string),
        };
        if let Some(v) = value.and_then(|v| ColorWhen::from_str(&v, true).ok()) {
            found = Some(v);
        }
    }
    found
}

/// `--color always|never` over NO_COLOR/CLICOLOR_FORCE and the terminal check, for anstream and
/// dialoguer; `auto` leaves them to decide.
fn set_color(color: Option<ColorWhen>) {
    let on = match color {
        Some(ColorWhen::Always) => true,
        Some(ColorWhen::Never) => false,
        _ => return,
    };
    let choice = if on {
        anstream::ColorChoice::Always
    } else {
        anstream::ColorChoice::Never
    };
    choice.write_global();
    dialoguer::console::set_colors_enabled(on);
    dialoguer::console::set_colors_enabled_stderr(on);
}

fn run(cli: Cli, ui: Ui) -> dockgen::Result<ExitCode> {
    if let Some(dir) = &cli.global.directory {
        std::env::set_current_dir(dir).map_err(|e| {
            dockgen::Error::Usage {
                message: format!(
                    "cannot run in `{}` (-C): {e}",
                    terminal(&dir.display().to_string())
                ),
            }
            .with_hint(
                "-C takes a directory that exists and that you may enter; dockgen runs as if started there",
            )
        })?;
    }
    let code = match cli.command {
        Command::Detect(args) => detect(args, ui)?,
        Command::Init(args) => init(args, ui)?,
        Command::Verify(args) => verify_cmd::run(args, ui)?,
        Command::Templates(TemplatesCommand::Export { dir, force }) => export(&dir, force, ui)?,
        Command::Templates(TemplatesCommand::Context { json, markdown }) => {
            let vars = dockgen::output::context::files();
            let text = if json {
                let mut s = serde_json::to_string_pretty(&vars).expect("serialises");
                s.push('\n');
                s
            } else if markdown {
                dockgen::output::context::markdown(&vars)
            } else {
                dockgen::output::context::table(&vars)
            };
            let _ = std::io::stdout().write_all(text.as_bytes());
            ExitCode::SUCCESS
        }
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "dockgen", &mut buf);
            let _ = std::io::stdout().write_all(&buf);
            ExitCode::SUCCESS
        }
        Command::Man { page, dir } => man::run(page.as_deref(), dir.as_deref())?,
    };
    if ui.verbose {
        ui.note(&format!(
            "finished in {} ms",
            ui.started.elapsed().as_millis()
        ));
    }
    Ok(code)
}

/// The project root for PATH: PATH itself, or the nearest directory above it with a project marker
/// (said on stderr when it moved; -v says it always).
fn project_root(path: &Path, ui: Ui) -> dockgen::Result<PathBuf> {
    refuse_a_file_as_project(path)?;
    let home: Vec<PathBuf> = std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .into_iter()
        .collect();
    let search = dockgen::detect::Search {
        extra_markers: &[answers::FILE],
        ceilings: &home,
    };
    let root = dockgen::detect::find_root(path, &search);
    if root.up > 0 || ui.verbose {
        // Directory names are the user's, and may hold control or bidirectional characters: shown
        // escaped, by the one terminal rule.
        let dir = root.dir.to_string_lossy();
        ui.note(&format!(
            "project root: {} ({})",
            terminal(&dir),
            terminal(&root.because.to_string())
        ));
    }
    Ok(root.dir)
}

fn detect(mut args: cli::DetectArgs, ui: Ui) -> dockgen::Result<ExitCode> {
    args.path = project_root(&args.path, ui)?;
    let mut warnings = Vec::new();
    let env = answers::from_env(std::env::vars(), &mut warnings)?;
    let merged = answers::layers(&args.path, &args.overrides.layer, &env)?.merged;
    let opts = dockgen::detect::Options {
        index: ui.index(),
        ..merged.answers.detect_options(&merged.origins)
    };
    let project = dockgen::detect::detect(&args.path, &opts)?;
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(&project).expect("the report serialises");
        s.push('\n');
        s
    } else {
        report::human(&project, report_width())
    };
    let _ = std::io::stdout().write_all(text.as_bytes());
    if !ui.quiet {
        print_warnings(&warnings);
    }
    Ok(ExitCode::SUCCESS)
}

/// The width the human reports wrap at: `COLUMNS` when it holds a width, else the terminal's when
/// standard output is one, else 80.
fn report_width() -> usize {
    let columns = std::env::var("COLUMNS").ok();
    if let Some(w) = columns.and_then(|c| c.trim().parse::<usize>().ok())
        && w > 0
    {
        return w;
    }
    dialoguer::console::Term::stdout()
        .size_checked()
        .map_or(report::DEFAULT_WIDTH, |(_, w)| usize::from(w))
}

/// Whether `CI` says this is a CI run (any value but empty, `0` or `false`).
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false" | "False" | "FALSE"))
}

fn init(mut args: cli::InitArgs, ui: Ui) -> dockgen::Result<ExitCode> {
    args.path = project_root(&args.path, ui)?;
    let mode = args.mode();
    let mut warnings = Vec::new();
    let env = answers::from_env(std::env::vars(), &mut warnings)?;
    let request = dockgen::init::Request {
        root: args.path.clone(),
        flags: args.flags(),
        env,
        mode,
        name_hint: args.name_hint(),
        cwd: std::env::current_dir().unwrap_or_else(|_| ".".into()),
        index: ui.index(),
        ask_all: args.ask_all,
    };
    let outcome = if interactive(&args, mode) {
        let mut prompter = term::Dialoguer::new();
        prompter.intro();
        dockgen::init::run(&request, Some(&mut prompter))
    } else {
        dockgen::init::run(&request, None)
    }?;
    warnings.extend(outcome.warnings.iter().cloned());
    let drift = outcome.drift();
    let code = if mode == Mode::Check && drift > 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    };

    if args.json {
        let report = dockgen::init::JsonReport::new(&outcome, mode, warnings);
        let _ = std::io::stdout().write_all(report.to_json().as_bytes());
        return Ok(code);
    }

    let dir = report::output_dir(&args.path, &outcome.plan.context_dir);
    if mode == Mode::Check && never_generated(&outcome) {
        return Err(dockgen::Error::Project {
            message: format!("nothing to check: the files are not generated yet in `{dir}`"),
        }
        .with_hint(
            "run `dockgen init` to generate them, and commit them; `dockgen init --check` then compares them with what dockgen would generate",
        ));
    }
    if ui.verbose {
        emit("", &report::human(&outcome.project, report_width()));
    }
    let (out, err) = report::init(&outcome.view(), mode, drift, &dir);
    if ui.quiet {
        emit(if mode == Mode::Check { &out } else { "" }, "");
    } else {
        emit(&out, &err);
        print_warnings(&warnings);
    }
    Ok(code)
}

/// Whether `init` asks its questions: a write, not `--yes`, `--json` or CI, with a terminal to ask on.
fn interactive(args: &cli::InitArgs, mode: Mode) -> bool {
    !args.yes
        && !args.json
        && matches!(mode, Mode::Write { .. })
        && !in_ci()
        && std::io::stdin().is_terminal()
        // The questions are drawn on stderr: without a terminal there, nobody would see them.
        && std::io::stderr().is_terminal()
}

/// Whether none of the generated files exists yet (`dockgen.toml` aside): `--check` before any `init`.
fn never_generated(outcome: &dockgen::init::Outcome) -> bool {
    let generated: Vec<_> = outcome
        .files
        .iter()
        .filter(|r| r.path != answers::FILE)
        .collect();
    !generated.is_empty() && generated.iter().all(|r| r.status == Status::Created)
}

fn export(dir: &std::path::Path, force: bool, ui: Ui) -> dockgen::Result<ExitCode> {
    std::fs::create_dir_all(dir).map_err(|source| dockgen::Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let files: Vec<dockgen::output::write::OutFile> = dockgen::output::render::builtin_templates()
        .into_iter()
        .map(|(rel, content)| dockgen::output::write::OutFile {
            rel,
            content,
            ..Default::default()
        })
        .collect();
    let written = dockgen::output::write::prepare(dir, &files, Mode::Write { force })?.commit()?;
    let reports = written.reports;
    let shown = dir.display().to_string();
    let shown = terminal(&shown);
    let mut out = String::new();
    for r in &reports {
        let _ = writeln!(
            out,
            "  {:<11} {shown}/{}",
            report::status_word(r.status, false),
            r.path
        );
    }
    let _ = writeln!(
        out,
        "\nNext: edit the templates (delete the ones you keep as they are), then\n  dockgen init --templates {}\n\
         `dockgen templates context` lists the variables they can use.",
        dockgen::base::quote::sh_quote(&shown)
    );
    if !ui.quiet {
        emit(&out, "");
    }
    Ok(ExitCode::SUCCESS)
}

fn emit(out: &str, err: &str) {
    let _ = anstream::stdout().write_all(out.as_bytes());
    let _ = anstream::stderr().write_all(err.as_bytes());
}

fn print_warnings(warnings: &[String]) {
    let mut err = anstream::stderr().lock();
    for w in warnings {
        let _ = writeln!(err, "{WARNING}warning{WARNING:#}: {}", terminal(w));
    }
}

/// `dockgen detect some/file.py`: a usage mistake (exit 2), caught before the answer layers try to
/// read `<file>/dockgen.toml` and fail with "Not a directory".
fn refuse_a_file_as_project(path: &Path) -> dockgen::Result<()> {
    if std::fs::symlink_metadata(path).is_err() {
        return Err(dockgen::Error::Usage {
            message: format!("`{}` does not exist", terminal(&path.to_string_lossy())),
        }
        .with_hint("pass the project directory, or a directory inside it (`.` by default)"));
    }
    if !path.is_file() {
        return Ok(());
    }
    Err(dockgen::Error::Usage {
        message: format!("`{}` is a file, not a project directory", path.display()),
    }
    .with_hint(match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(dir) => format!("pass its directory: `{}`", dir.display()),
        None => "pass its directory: `.`".to_string(),
    }))
}

fn report_error(e: &dockgen::Error) {
    let mut err = anstream::stderr().lock();
    // Every variant escapes what it holds; escaping again is a no-op, and a guard for any that do not.
    let _ = writeln!(
        err,
        "{ERROR}error{ERROR:#}: {}",
        terminal_lines(&e.to_string())
    );
    let mut source = std::error::Error::source(e.kind());
    while let Some(s) = source {
        let _ = writeln!(err, "  caused by: {}", terminal(&s.to_string()));
        source = s.source();
    }
    if let dockgen::Error::Conflicts { paths } = e.kind() {
        for p in paths {
            let _ = writeln!(err, "  conflict: {}", terminal(p));
        }
    }
    if let Some(h) = e.hint() {
        let _ = writeln!(err, "{HINT}hint{HINT:#}: {}", terminal_lines(&h));
    }
}
