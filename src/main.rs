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
    }
}

fn report_error(e: &dockgen::Error) {
    let mut err = std::io::stderr().lock();
    let _ = writeln!(err, "error: {e}");
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        let _ = writeln!(err, "  caused by: {s}");
        source = s.source();
    }
    if let Some(h) = e.hint() {
        let _ = writeln!(err, "hint: {h}");
    }
}
