//! The `dockgen` binary: parses arguments, runs the library, prints reports and errors.
//! This is the only place that writes to stdout/stderr.

mod cli;

use std::io::Write;
use std::process::ExitCode;

use clap::Parser;

use cli::{Cli, Command};

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(e) => {
            report_error(&e);
            ExitCode::from(1)
        }
    }
}

fn run(cli: Cli) -> dockgen::Result<ExitCode> {
    match cli.command {
        Command::Detect(args) => {
            let opts = args.choices.into_options();
            let project = dockgen::detect::detect(&args.path, &opts)?;
            let text = if args.json {
                let mut s = serde_json::to_string_pretty(&project).expect("the report serialises");
                s.push('\n');
                s
            } else {
                dockgen::report::human(&project)
            };
            let _ = std::io::stdout().write_all(text.as_bytes());
            Ok(ExitCode::SUCCESS)
        }
        Command::Init(args) => init(args),
    }
}

fn init(args: cli::InitArgs) -> dockgen::Result<ExitCode> {
    let mode = args.mode();
    let plan_opts = args.plan_options();
    let opts = args.choices.clone().into_options();
    let project = dockgen::detect::detect(&args.path, &opts)?;
    let plan = dockgen::plan::plan(&project, &plan_opts)?;
    let files = dockgen::render::render(&plan)?;
    let reports = dockgen::write::apply(
        &args.path,
        &plan.context_dir,
        &files,
        dockgen::render::EXECUTABLE,
        mode,
    )?;
    let mut out = String::new();
    let mut err = String::new();
    use dockgen::write::{Mode, Status};
    use std::fmt::Write as _;
    match mode {
        Mode::Check => {
            let drift: Vec<_> = reports
                .iter()
                .filter(|r| !matches!(r.status, Status::Unchanged))
                .collect();
            for r in &drift {
                match &r.diff {
                    Some(d) => out.push_str(d),
                    None => {
                        let _ = writeln!(out, "{}: not executable", r.path);
                    }
                }
            }
            if drift.is_empty() {
                let _ = writeln!(
                    err,
                    "dockgen: {} files match what dockgen generates",
                    reports.len()
                );
            } else {
                let _ = writeln!(
                    err,
                    "dockgen: {} of {} files differ from what dockgen generates (run `dockgen init --force` to update)",
                    drift.len(),
                    reports.len()
                );
            }
            emit(&out, &err);
            return Ok(if drift.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::from(1)
            });
        }
        Mode::DryRun => {
            let _ = writeln!(out, "{}", dockgen::report::plan_summary(&project, &plan));
            let _ = writeln!(out, "Would write (nothing was written):");
            for r in &reports {
                let _ = writeln!(
                    out,
                    "  {:<11} {}",
                    dockgen::report::status_word(r.status, true),
                    r.path
                );
            }
        }
        Mode::Write { .. } => {
            let _ = writeln!(out, "{}", dockgen::report::plan_summary(&project, &plan));
            for r in &reports {
                let _ = writeln!(
                    out,
                    "  {:<11} {}",
                    dockgen::report::status_word(r.status, false),
                    r.path
                );
            }
            if reports
                .iter()
                .any(|r| r.status == Status::Created || r.status == Status::Overwritten)
            {
                let _ = writeln!(
                    out,
                    "\nNext: cp .env.example .env (then set the secrets), and docker compose up --build --wait"
                );
            }
        }
    }
    for n in plan.notes.iter().chain(project.warnings.iter()) {
        let _ = writeln!(err, "warning: {n}");
    }
    emit(&out, &err);
    Ok(ExitCode::SUCCESS)
}

fn emit(out: &str, err: &str) {
    let _ = std::io::stdout().write_all(out.as_bytes());
    let _ = std::io::stderr().write_all(err.as_bytes());
}

fn report_error(e: &dockgen::Error) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "error: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let _ = writeln!(err, "  caused by: {s}");
        source = s.source();
    }
    if let dockgen::Error::Conflicts { paths } = e {
        for p in paths {
            let _ = writeln!(err, "  conflict: {p}");
        }
    }
    if let Some(h) = e.hint() {
        let _ = writeln!(err, "hint: {h}");
    }
}
