//! The `dockgen` binary: parses arguments, runs the library, prints reports and errors, and asks
//! questions on a terminal. This is the only place that writes to stdout/stderr.

mod cli;
mod man;
mod term;

use std::ffi::OsString;
use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::Instant;

use anstyle::{AnsiColor, Style};
use clap::{CommandFactory, FromArgMatches, ValueEnum};

use cli::{Cli, ColorWhen, Command, TemplatesCommand};
use dockgen::answers;
use dockgen::base::quote::terminal;
use dockgen::write::{Mode, Status};

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const HINT: Style = AnsiColor::Cyan.on_default().bold();
const GOOD: Style = AnsiColor::Green.on_default();
const NOTE: Style = Style::new().bold();

fn main() -> ExitCode {
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
        .unwrap_or_else(|e| e.exit());
    let cli = Cli::from_arg_matches(&matches)
        .unwrap_or_else(|e| e.format(&mut Cli::command().color(clap_color)).exit());
    let ui = Ui {
        quiet: cli.global.quiet,
        verbose: cli.global.verbose,
        started: Instant::now(),
    };
    match run(cli, ui) {
        Ok(code) => code,
        Err(e) => {
            report_error(&e);
            ExitCode::from(e.exit_code())
        }
    }
}

/// How much to print, from -q and -v.
#[derive(Debug, Clone, Copy)]
struct Ui {
    quiet: bool,
    verbose: bool,
    started: Instant,
}

impl Ui {
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
        std::env::set_current_dir(dir).map_err(|e| dockgen::Error::Usage {
            message: format!("cannot run in `{}` (-C): {e}", dir.display()),
        })?;
    }
    let code = match cli.command {
        Command::Detect(args) => detect(args, ui)?,
        Command::Init(args) => init(args, ui)?,
        Command::Templates(TemplatesCommand::Export { dir, force }) => export(&dir, force, ui)?,
        Command::Templates(TemplatesCommand::Context { json, markdown }) => {
            let vars = dockgen::context::variables();
            let text = if json {
                let mut s = serde_json::to_string_pretty(&vars).expect("serialises");
                s.push('\n');
                s
            } else if markdown {
                dockgen::context::markdown(&vars)
            } else {
                dockgen::context::table(&vars)
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
        // Directory names are the user's, and may hold control characters: shown escaped.
        let dir: String = root
            .dir
            .to_string_lossy()
            .chars()
            .flat_map(|c| match c.is_control() {
                true => c.escape_default().collect::<Vec<_>>(),
                false => vec![c],
            })
            .collect();
        ui.note(&format!("project root: {dir} ({})", root.because));
    }
    Ok(root.dir)
}

fn detect(mut args: cli::DetectArgs, ui: Ui) -> dockgen::Result<ExitCode> {
    args.path = project_root(&args.path, ui)?;
    let mut warnings = Vec::new();
    let env = answers::from_env(std::env::vars(), &mut warnings)?;
    let merged = answers::layers(&args.path, &args.overrides.layer, &env)?.merged;
    let opts = merged.answers.detect_options(&merged.origins);
    let project = dockgen::detect::detect(&args.path, &opts)?;
    let text = if args.json {
        let mut s = serde_json::to_string_pretty(&project).expect("the report serialises");
        s.push('\n');
        s
    } else {
        dockgen::report::human(&project)
    };
    let _ = std::io::stdout().write_all(text.as_bytes());
    if !ui.quiet {
        print_warnings(&warnings);
    }
    Ok(ExitCode::SUCCESS)
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
    };
    let interactive = !args.yes
        && !args.json
        && matches!(mode, Mode::Write { .. })
        && !in_ci()
        && std::io::stdin().is_terminal()
        // The questions are drawn on stderr: without a terminal there, nobody would see them.
        && std::io::stderr().is_terminal();
    let outcome = if interactive {
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

    let dir = output_dir(&args.path, &outcome.plan.context_dir);
    if mode == Mode::Check && never_generated(&outcome) {
        return Err(dockgen::Error::Project {
            message: format!("nothing to check: the files are not generated yet in `{dir}`"),
        }
        .with_hint(
            "run `dockgen init` to generate them, and commit them; `dockgen init --check` then compares them with what dockgen would generate",
        ));
    }
    if ui.verbose {
        emit("", &dockgen::report::human(&outcome.project));
    }
    let (out, err) = human_report(&outcome, mode, drift, &dir);
    if ui.quiet {
        emit(if mode == Mode::Check { &out } else { "" }, "");
    } else {
        emit(&out, &err);
        print_warnings(&warnings);
    }
    Ok(code)
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

/// The human `init` report: stdout (diffs, or the plan, answers and files) and stderr (the summary).
/// The directory the files went to, as the user would `cd` to it (`.` for the current directory).
fn output_dir(path: &std::path::Path, context_dir: &str) -> String {
    let dir = path.join(context_dir);
    let shown: Vec<String> = dir
        .components()
        .filter(|c| !matches!(c, std::path::Component::CurDir))
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    match shown.as_slice() {
        [] => ".".into(),
        _ => dir
            .to_string_lossy()
            .trim_start_matches("./")
            .trim_end_matches("/.")
            .to_string(),
    }
}

fn human_report(
    outcome: &dockgen::init::Outcome,
    mode: Mode,
    drift: usize,
    dir: &str,
) -> (String, String) {
    let mut out = String::new();
    let mut err = String::new();
    match mode {
        Mode::Check => {
            // The files dockgen does not manage are not compared.
            let compared = outcome
                .files
                .iter()
                .filter(|r| r.status != Status::Unmanaged)
                .count();
            for r in outcome
                .files
                .iter()
                .filter(|r| !matches!(r.status, Status::Unchanged | Status::Unmanaged))
            {
                match &r.diff {
                    // The file on disk is the project's: no escape sequences reach the terminal.
                    Some(d) => out.push_str(&styled_diff(&dockgen::base::quote::terminal_block(d))),
                    None => {
                        let _ = writeln!(out, "{}: not executable", r.path);
                    }
                }
            }
            if drift == 0 {
                let _ = writeln!(
                    err,
                    "dockgen: {compared} files match what dockgen generates"
                );
            } else {
                let _ = writeln!(
                    err,
                    "dockgen: {drift} of {compared} files differ from what dockgen generates (run `dockgen init` to update them)"
                );
            }
            return (out, err);
        }
        Mode::DryRun | Mode::Write { .. } => {
            let would = mode == Mode::DryRun;
            let _ = writeln!(
                out,
                "{}",
                dockgen::report::plan_summary(&outcome.project, &outcome.plan)
            );
            if !outcome.answers.is_empty() {
                let _ = writeln!(out, "Answers:");
                for (key, a) in &outcome.answers {
                    let _ = writeln!(
                        out,
                        "  {key:<16} {} ({})",
                        terminal(&a.value.to_string()),
                        terminal(&a.origin.to_string())
                    );
                }
            }
            if would {
                let _ = writeln!(out, "Would write (nothing was written):");
            }
            for r in &outcome.files {
                let word = dockgen::report::status_word(r.status, would);
                let style = if written(r.status) {
                    GOOD
                } else {
                    Style::new()
                };
                let _ = writeln!(out, "  {style}{word:<11}{style:#} {}", r.path);
            }
            let _ = writeln!(out, "{}", env_file_line(&outcome.env_file));
            if !would && outcome.files.iter().any(|r| written(r.status)) {
                let _ = write!(out, "{}", next_steps(outcome, dir));
            }
        }
    }
    (out, err)
}

/// Whether the file was written with dockgen's content.
fn written(s: Status) -> bool {
    matches!(s, Status::Created | Status::Updated | Status::Overwritten)
}

/// The line about `.env` in the list of files.
fn env_file_line(e: &dockgen::dotenv::EnvFileReport) -> String {
    use dockgen::dotenv::EnvStatus;
    let secrets = match e.secrets.as_slice() {
        [] => String::new(),
        names => format!(" with fresh random secrets ({})", names.join(", ")),
    };
    match e.status {
        EnvStatus::Created => format!(
            "  {GOOD}{:<11}{GOOD:#} {}{secrets}, readable by you only",
            "created", e.path
        ),
        EnvStatus::WouldCreate => format!("  {:<11} {}{secrets}", "create", e.path),
        EnvStatus::Exists => format!(
            "  {:<11} {} (it exists: dockgen never writes over it; compare it with .env.example)",
            "kept", e.path
        ),
    }
}

/// What to do next: the blockers with their fixes, or the commands that start the stack (from the
/// directory the files were written to).
fn next_steps(outcome: &dockgen::init::Outcome, dir: &str) -> String {
    let mut out = String::new();
    let cd = match dir {
        "." => String::new(),
        dir => format!("cd {} && ", terminal(dir)),
    };
    // The secrets a new .env got are set; what is left is for the user.
    let env = &outcome.env_file;
    let filled = |name: &str| {
        env.status == dockgen::dotenv::EnvStatus::Created && env.secrets.iter().any(|s| s == name)
    };
    let must_set: Vec<_> = outcome
        .plan
        .must_set
        .iter()
        .filter(|m| !filled(&m.name))
        .collect();
    let unset = !must_set.is_empty();
    if unset {
        let _ = writeln!(
            out,
            "\nThe app cannot start without these, and dockgen cannot supply them: set them in {}",
            env.path
        );
        for m in must_set {
            let _ = writeln!(
                out,
                "  {}  (read at {})",
                terminal(&m.name),
                terminal(&m.read_at)
            );
        }
    }
    if outcome.plan.blockers.is_empty() && unset {
        let _ = writeln!(out, "Then: {cd}docker compose up --build --wait");
        return out;
    }
    if outcome.plan.blockers.is_empty() {
        let _ = writeln!(out, "\nNext: {cd}docker compose up --build --wait");
        return out;
    }
    let _ = writeln!(out, "\nThe generated stack will not work yet:");
    for b in &outcome.plan.blockers {
        let _ = writeln!(
            out,
            "  - {}\n    fix: {}",
            terminal(&b.problem),
            terminal(&b.fix)
        );
    }
    let _ = writeln!(out, "Then: {cd}docker compose up --build --wait");
    out
}

fn export(dir: &std::path::Path, force: bool, ui: Ui) -> dockgen::Result<ExitCode> {
    std::fs::create_dir_all(dir).map_err(|source| dockgen::Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let files: Vec<dockgen::write::OutFile> = dockgen::render::builtin_templates()
        .into_iter()
        .map(|(rel, content)| dockgen::write::OutFile {
            rel,
            content,
            ..Default::default()
        })
        .collect();
    let reports = dockgen::write::prepare(dir, &files, Mode::Write { force })?.commit()?;
    let mut out = String::new();
    for r in &reports {
        let _ = writeln!(
            out,
            "  {:<11} {}/{}",
            dockgen::report::status_word(r.status, false),
            dir.display(),
            r.path
        );
    }
    let _ = writeln!(
        out,
        "\nNext: edit the templates (delete the ones you keep as they are), then\n  dockgen init --templates {}\n\
         `dockgen templates context` lists the variables they can use.",
        dir.display()
    );
    if !ui.quiet {
        emit(&out, "");
    }
    Ok(ExitCode::SUCCESS)
}

/// A unified diff with its lines coloured as git does (removed red, added green, hunk headers cyan,
/// file headers bold); anstream strips the colour when it is off.
pub(crate) fn styled_diff(diff: &str) -> String {
    let mut out = String::with_capacity(diff.len());
    for line in diff.split_inclusive('\n') {
        let style = if line.starts_with("+++ ") || line.starts_with("--- ") {
            Style::new().bold()
        } else if line.starts_with("@@") {
            AnsiColor::Cyan.on_default()
        } else if line.starts_with('+') {
            AnsiColor::Green.on_default()
        } else if line.starts_with('-') {
            AnsiColor::Red.on_default()
        } else {
            Style::new()
        };
        let (text, end) = match line.strip_suffix('\n') {
            Some(t) => (t, "\n"),
            None => (line, ""),
        };
        if style == Style::new() {
            out.push_str(line);
        } else {
            let _ = write!(out, "{style}{text}{style:#}{end}");
        }
    }
    out
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
    let _ = writeln!(err, "{ERROR}error{ERROR:#}: {e}");
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
        let _ = writeln!(err, "{HINT}hint{HINT:#}: {h}");
    }
}
