//! The `dockgen` binary: parses arguments, runs the library, prints reports and errors, and asks
//! questions on a terminal. This is the only place that writes to stdout/stderr.

mod cli;
mod term;

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use anstyle::{AnsiColor, Style};
use clap::{CommandFactory, Parser};

use cli::{Cli, Command, TemplatesCommand};
use dockgen::answers;
use dockgen::write::{Mode, Status};

const ERROR: Style = AnsiColor::Red.on_default().bold();
const WARNING: Style = AnsiColor::Yellow.on_default().bold();
const HINT: Style = AnsiColor::Cyan.on_default().bold();
const GOOD: Style = AnsiColor::Green.on_default();

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            report_error(&e);
            ExitCode::from(if matches!(e, dockgen::Error::Cancelled) {
                130
            } else {
                1
            })
        }
    }
}

fn run(cli: Cli) -> dockgen::Result<ExitCode> {
    if let Some(code) = refuse_a_file_as_project(&cli.command) {
        return Ok(code);
    }
    match cli.command {
        Command::Detect(args) => {
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
            print_warnings(&warnings);
            Ok(ExitCode::SUCCESS)
        }
        Command::Init(args) => init(args),
        Command::Templates(TemplatesCommand::Export { dir, force }) => export(&dir, force),
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
            Ok(ExitCode::SUCCESS)
        }
        Command::Completions { shell } => {
            let mut cmd = Cli::command();
            let mut buf = Vec::new();
            clap_complete::generate(shell, &mut cmd, "dockgen", &mut buf);
            let _ = std::io::stdout().write_all(&buf);
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            let mut buf = Vec::new();
            clap_mangen::Man::new(Cli::command())
                .render(&mut buf)
                .map_err(|source| dockgen::Error::Io {
                    path: "(stdout)".into(),
                    source,
                })?;
            let _ = std::io::stdout().write_all(&buf);
            Ok(ExitCode::SUCCESS)
        }
    }
}

/// Whether `CI` says this is a CI run (any value but empty, `0` or `false`).
fn in_ci() -> bool {
    std::env::var("CI").is_ok_and(|v| !matches!(v.trim(), "" | "0" | "false" | "False" | "FALSE"))
}

fn init(args: cli::InitArgs) -> dockgen::Result<ExitCode> {
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
    let (out, err) = human_report(&outcome, mode, drift, &dir);
    emit(&out, &err);
    print_warnings(&warnings);
    Ok(code)
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
            for r in outcome
                .files
                .iter()
                .filter(|r| !matches!(r.status, Status::Unchanged))
            {
                match &r.diff {
                    Some(d) => out.push_str(d),
                    None => {
                        let _ = writeln!(out, "{}: not executable", r.path);
                    }
                }
            }
            if drift == 0 {
                let _ = writeln!(
                    err,
                    "dockgen: {} files match what dockgen generates",
                    outcome.files.len()
                );
            } else {
                let _ = writeln!(
                    err,
                    "dockgen: {drift} of {} files differ from what dockgen generates (run `dockgen init --force` to update)",
                    outcome.files.len()
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
                    let _ = writeln!(out, "  {key:<16} {} ({})", a.value, a.origin);
                }
            }
            if would {
                let _ = writeln!(out, "Would write (nothing was written):");
            }
            for r in &outcome.files {
                let word = dockgen::report::status_word(r.status, would);
                let style = if matches!(r.status, Status::Created | Status::Overwritten) {
                    GOOD
                } else {
                    Style::new()
                };
                let _ = writeln!(out, "  {style}{word:<11}{style:#} {}", r.path);
            }
            let _ = writeln!(out, "{}", env_file_line(&outcome.env_file));
            if !would
                && outcome
                    .files
                    .iter()
                    .any(|r| r.status == Status::Created || r.status == Status::Overwritten)
            {
                let _ = write!(out, "{}", next_steps(outcome, dir));
            }
        }
    }
    (out, err)
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
        dir => format!("cd {dir} && "),
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
    if !must_set.is_empty() {
        let _ = writeln!(
            out,
            "\nThe app needs these in {} (nothing generated provides them):",
            env.path
        );
        for m in must_set {
            let _ = writeln!(out, "  {}  (read at {})", m.name, m.read_at);
        }
    }
    if outcome.plan.blockers.is_empty() {
        let _ = writeln!(out, "\nNext: {cd}docker compose up --build --wait");
        return out;
    }
    let _ = writeln!(out, "\nThe generated stack will not work yet:");
    for b in &outcome.plan.blockers {
        let _ = writeln!(out, "  - {}\n    fix: {}", b.problem, b.fix);
    }
    let _ = writeln!(out, "Then: {cd}docker compose up --build --wait");
    out
}

fn export(dir: &std::path::Path, force: bool) -> dockgen::Result<ExitCode> {
    std::fs::create_dir_all(dir).map_err(|source| dockgen::Error::Io {
        path: dir.to_path_buf(),
        source,
    })?;
    let files: Vec<dockgen::write::OutFile> = dockgen::render::builtin_templates()
        .into_iter()
        .map(|(rel, content)| dockgen::write::OutFile {
            rel,
            content,
            executable: false,
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
    emit(&out, "");
    Ok(ExitCode::SUCCESS)
}

fn emit(out: &str, err: &str) {
    let _ = anstream::stdout().write_all(out.as_bytes());
    let _ = anstream::stderr().write_all(err.as_bytes());
}

fn print_warnings(warnings: &[String]) {
    let mut err = anstream::stderr().lock();
    for w in warnings {
        let _ = writeln!(err, "{WARNING}warning{WARNING:#}: {w}");
    }
}

/// `dockgen detect some/file.py`: a usage mistake (exit 2), caught before the answer layers try to
/// read `<file>/dockgen.toml` and fail with "Not a directory".
fn refuse_a_file_as_project(command: &Command) -> Option<ExitCode> {
    let path = match command {
        Command::Detect(args) => Some(&args.path),
        Command::Init(args) => Some(&args.path),
        _ => None,
    };
    if let Some(path) = path.filter(|p| p.is_file()) {
        // A usage mistake (exit 2), caught before the answer layers try to read `<file>/dockgen.toml`.
        report_error(
            &dockgen::Error::Usage {
                message: format!("`{}` is a file, not a project directory", path.display()),
            }
            .with_hint(match path.parent().filter(|p| !p.as_os_str().is_empty()) {
                Some(dir) => format!("pass its directory: `{}`", dir.display()),
                None => "pass its directory: `.`".to_string(),
            }),
        );
        return Some(ExitCode::from(2));
    }
    None
}

fn report_error(e: &dockgen::Error) {
    let mut err = anstream::stderr().lock();
    let _ = writeln!(err, "{ERROR}error{ERROR:#}: {e}");
    let mut source = std::error::Error::source(e.kind());
    while let Some(s) = source {
        let _ = writeln!(err, "  caused by: {s}");
        source = s.source();
    }
    if let dockgen::Error::Conflicts { paths } = e.kind() {
        for p in paths {
            let _ = writeln!(err, "  conflict: {p}");
        }
    }
    if let Some(h) = e.hint() {
        let _ = writeln!(err, "{HINT}hint{HINT:#}: {h}");
    }
}
