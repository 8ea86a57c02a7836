//! `dockgen verify` in the binary: the plan from the project (as `init --check` computes it, writing
//! nothing), the tools, the Ctrl-C handler, the progress (a live line on a terminal, plain lines
//! otherwise) and the report. The checks themselves are the library's ([`dockgen::verify`]).

use std::fmt::Write as _;
use std::io::{IsTerminal, Write};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use anstyle::{AnsiColor, Style};

use dockgen::base::quote::terminal;
use dockgen::output::write::{Mode, Status as FileStatus};
use dockgen::verify::{self, Progress, Report, Status, Step};

use crate::{Ui, cli, in_ci, project_root};

const PASSED: Style = AnsiColor::Green.on_default();
const FAILED: Style = AnsiColor::Red.on_default().bold();
const DIM: Style = Style::new().dimmed();

/// Set by Ctrl-C: the run stops its current step and tears the stack down.
static CANCEL: AtomicBool = AtomicBool::new(false);

pub fn run(args: cli::VerifyArgs, ui: Ui) -> dockgen::Result<std::process::ExitCode> {
    let (outcome, (dir, shown_dir), mut warnings) = load(&args, ui)?;
    let plan = &outcome.plan;
    let cancel_runner = AtomicBool::new(false);
    let mut probe = verify::process::ProcessRunner {
        cancel: &cancel_runner,
    };
    let tools = verify::tools::find(&mut probe, args.compose.as_deref(), &dir)?;
    let env_file = verify::read_env(&dir);
    let expect = verify::Expect::from_plan(plan, &outcome.project, &env_file);
    let setup = verify::Setup {
        dir: dir.clone(),
        compose_file: plan.compose_file.clone(),
        compose: tools.compose.clone(),
        docker: tools.docker.clone(),
        project: verify::project_name(),
        keep: args.keep,
        wait_timeout: args.wait_timeout,
    };
    // A second Ctrl-C during the teardown leaves at once.
    let _ = ctrlc::set_handler(|| {
        if CANCEL.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
    });
    if !ui.quiet && !args.json {
        print_warnings(&std::mem::take(&mut warnings));
        ui.note(&format!(
            "verifying {} in `{}` as compose project {} (Docker Engine {}, Compose {})",
            plan.compose_file,
            terminal(&shown_dir),
            setup.project,
            tools.engine_version,
            tools.compose_version
        ));
    }
    let shown = Shown::new(!args.json && live_line(), args.json || ui.quiet);
    let mut runner = verify::process::ProcessRunner { cancel: &CANCEL };
    let report = verify::verify(
        &setup,
        &expect,
        &env_file,
        &mut runner,
        &mut |p| shown.event(p),
        &CANCEL,
    );
    shown.stop();
    Ok(print_report(&report, &setup, args.json, ui))
}

/// The report (JSON on stdout, or the failures and a summary on stderr) and the exit code.
fn print_report(
    report: &Report,
    setup: &verify::Setup,
    json: bool,
    ui: Ui,
) -> std::process::ExitCode {
    if json {
        let mut s = serde_json::to_string_pretty(report).expect("the report serialises");
        s.push('\n');
        let _ = std::io::stdout().write_all(s.as_bytes());
    } else {
        let _ = anstream::stderr().write_all(summary(report, setup, ui.quiet).as_bytes());
    }
    std::process::ExitCode::from(match report {
        Report {
            cancelled: true, ..
        } => 130,
        Report { ok: true, .. } => 0,
        _ => 1,
    })
}

/// The plan as `init --check` computes it (writing nothing), the build context, and the warnings
/// (files that differ from what dockgen would generate now are verified as they are, and said so).
fn load(
    args: &cli::VerifyArgs,
    ui: Ui,
) -> dockgen::Result<(
    dockgen::init::Outcome,
    (std::path::PathBuf, String),
    Vec<String>,
)> {
    let root = project_root(&args.path, ui)?;
    let mut warnings = Vec::new();
    let env = dockgen::init::answers::from_env(std::env::vars(), &mut warnings)?;
    let request = dockgen::init::Request {
        root: root.clone(),
        flags: Default::default(),
        env,
        mode: Mode::Check,
        name_hint: root
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())),
        cwd: std::env::current_dir().unwrap_or_else(|_| ".".into()),
        index: ui.index(),
        ask_all: false,
    };
    let outcome = dockgen::init::run(&request, None)?;
    let plan = &outcome.plan;
    let dir = root.join(&plan.context_dir);
    if !dir.join(&plan.compose_file).is_file() {
        return Err(dockgen::Error::Project {
            message: format!(
                "nothing to verify: `{}` has no {}",
                terminal(&dir.to_string_lossy()),
                plan.compose_file
            ),
        }
        .with_hint("run `dockgen init` first; verify builds and runs the files it generates"));
    }
    let drift: Vec<&str> = outcome
        .files
        .iter()
        .filter(|f| !matches!(f.status, FileStatus::Unchanged | FileStatus::Unmanaged))
        .filter(|f| f.path != dockgen::init::answers::FILE)
        .map(|f| f.path.as_str())
        .collect();
    if !drift.is_empty() {
        warnings.push(format!(
            "{} differ from what dockgen would generate now: verifying the files as they are (`dockgen init --check` shows the difference)",
            drift.join(", ")
        ));
    }
    let shown = dockgen::output::report::output_dir(&root, &plan.context_dir);
    Ok((outcome, (dir, shown), warnings))
}

/// Whether stderr takes a redrawn line: a terminal, not CI, not a dumb one.
fn live_line() -> bool {
    !in_ci()
        && std::io::stderr().is_terminal()
        && std::env::var_os("TERM").is_some_and(|t| t != "dumb")
}

fn print_warnings(warnings: &[String]) {
    let style = AnsiColor::Yellow.on_default().bold();
    let mut err = anstream::stderr().lock();
    for w in warnings {
        let _ = writeln!(err, "{style}warning{style:#}: {}", terminal(w));
    }
}

/// The step lines: on a terminal a live line with the running step's elapsed time, redrawn by a
/// ticker thread; otherwise one plain line per finished step.
struct Shown {
    live: bool,
    silent: bool,
    running: Arc<Mutex<Option<(String, Instant)>>>,
    stop: Arc<AtomicBool>,
    ticker: Option<std::thread::JoinHandle<()>>,
}

impl Shown {
    fn new(live: bool, silent: bool) -> Shown {
        let running: Arc<Mutex<Option<(String, Instant)>>> = Arc::default();
        let stop = Arc::new(AtomicBool::new(false));
        let ticker = (live && !silent).then(|| {
            let (running, stop) = (running.clone(), stop.clone());
            std::thread::spawn(move || {
                while !stop.load(Ordering::SeqCst) {
                    if let Some((name, at)) = running.lock().map(|g| g.clone()).ok().flatten() {
                        let mut err = anstream::stderr().lock();
                        let _ = write!(
                            err,
                            "\r\x1b[2K  {DIM}…{DIM:#} {name} {DIM}{}s{DIM:#}",
                            at.elapsed().as_secs()
                        );
                        let _ = err.flush();
                    }
                    std::thread::sleep(Duration::from_millis(250));
                }
            })
        });
        Shown {
            live,
            silent,
            running,
            stop,
            ticker,
        }
    }

    fn event(&self, p: Progress) {
        if self.silent {
            return;
        }
        match p {
            Progress::Started(name) => {
                if let Ok(mut g) = self.running.lock() {
                    *g = Some((terminal(name).into_owned(), Instant::now()));
                }
            }
            Progress::Finished(step) => {
                let mut g = self.running.lock().ok();
                if let Some(g) = g.as_deref_mut() {
                    *g = None;
                }
                let clear = if self.live { "\r\x1b[2K" } else { "" };
                let _ = write!(anstream::stderr(), "{clear}{}", step_line(step));
            }
        }
    }

    fn stop(mut self) {
        self.stop.store(true, Ordering::SeqCst);
        if let Some(t) = self.ticker.take() {
            let _ = t.join();
        }
    }
}

/// `  ok      build (34.2s): the image built`.
fn step_line(s: &Step) -> String {
    let (style, word) = match s.status {
        Status::Passed => (PASSED, "ok"),
        Status::Failed => (FAILED, "FAILED"),
        Status::Skipped => (DIM, "skipped"),
    };
    format!(
        "  {style}{word:<7}{style:#} {} ({}s): {}\n",
        terminal(&s.name),
        s.seconds,
        terminal(&s.detail)
    )
}

/// After the steps: each failure with its service's log and the hints, then one line.
fn summary(r: &Report, setup: &verify::Setup, quiet: bool) -> String {
    let mut out = String::new();
    let hint = AnsiColor::Cyan.on_default().bold();
    for s in r.failures() {
        let _ = writeln!(
            out,
            "\n{FAILED}failed{FAILED:#}: {}: {}",
            terminal(&s.name),
            terminal(&s.detail)
        );
        if !s.log.is_empty() {
            let from = s
                .service
                .as_deref()
                .map_or(String::new(), |svc| format!(" of {svc}"));
            let _ = writeln!(out, "  last lines of the log{from}:");
            for l in &s.log {
                let _ = writeln!(out, "  {DIM}|{DIM:#} {}", terminal(l));
            }
        }
        for h in &s.hints {
            let _ = writeln!(out, "{hint}hint{hint:#}: {}", terminal(h));
        }
    }
    let passed = r
        .steps
        .iter()
        .filter(|s| s.status == Status::Passed)
        .count();
    let failed = r.failures().count();
    let line = if r.cancelled {
        format!(
            "verify cancelled after {}s; the throwaway stack was removed",
            r.seconds
        )
    } else if r.ok {
        format!("the stack works: {passed} checks passed in {}s", r.seconds)
    } else {
        format!(
            "the stack does not work yet: {failed} of {} checks failed ({}s)",
            passed + failed,
            r.seconds
        )
    };
    if !quiet || !r.ok {
        let _ = writeln!(out, "\ndockgen: {line}");
    }
    if r.kept {
        let _ = writeln!(
            out,
            "dockgen: kept running as compose project {p} (web on http://localhost:{port}); remove it with `docker compose -p {p} down --volumes`",
            p = setup.project,
            port = r.port
        );
    }
    out
}
