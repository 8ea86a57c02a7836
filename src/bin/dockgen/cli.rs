//! Command-line definitions. clap lives here and nowhere else: the subcommands are derived, and the
//! answers' flags (`--port`, `--no-redis`, ...) are built from the library's table,
//! [`dockgen::init::answers::ANSWERS`], by [`AnswerFlags`], which hands the library a plain [`Layer`].

use std::path::PathBuf;

use clap::builder::PossibleValuesParser;
use clap::{Arg, ArgAction, ArgMatches, Args, FromArgMatches, Parser, Subcommand, ValueHint};

use dockgen::init::answers::{ANSWERS, AnswerSpec, Commands, Key, Kind, Layer, Origin};
use dockgen::output::write::Mode;
use dockgen::plan::WorkerKind;

/// Production-grade container setups for Python web projects.
///
/// dockgen reads a Django, Flask or FastAPI project (uv, Poetry, Pipenv, PDM or pip) and explains what it
/// found, with the file and line behind every decision; `dockgen init` then writes a Dockerfile,
/// entrypoint.sh, .dockerignore, docker-compose.yml and .env.example tailored to it.
///
/// Every choice is decided by, highest first: a flag, a DOCKGEN_* environment variable (DOCKGEN_PORT,
/// DOCKGEN_PYTHON, ...), the saved answers in dockgen.toml, then detection.
///
/// Colour follows --color, else NO_COLOR and CLICOLOR_FORCE.
///
/// Exit status: 0 success; 1 failure, or drift found by `init --check`; 2 usage error (an unknown
/// option, a flag or DOCKGEN_* variable that is not valid); 130 cancelled at a question.
#[derive(Debug, Parser)]
#[command(name = "dockgen", version, propagate_version = true)]
pub struct Cli {
    #[command(flatten)]
    pub global: GlobalArgs,

    #[command(subcommand)]
    pub command: Command,
}

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorWhen {
    /// When writing to a terminal, unless NO_COLOR is set (CLICOLOR_FORCE forces it)
    Auto,
    /// Always, even into a pipe or a file
    Always,
    /// Never
    Never,
}

/// The options every command takes, before or after the subcommand (as uv's and cargo's).
#[derive(Debug, Clone, Args)]
#[command(next_help_heading = "Global options")]
pub struct GlobalArgs {
    /// Run as if dockgen had been started in DIR (as `git -C` and `cargo -C`)
    #[arg(short = 'C', long = "directory", global = true, value_name = "DIR")]
    pub directory: Option<PathBuf>,

    /// When to use colour
    #[arg(long, global = true, value_name = "WHEN", value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,

    /// Print only errors and what was asked for (detect's report, --check's diffs, --json): no
    /// warnings, notes, summaries or next steps
    #[arg(short, long, global = true, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Also print how the project root was found, the detection report with the evidence for every
    /// decision (init), and how long the run took
    #[arg(short, long, global = true)]
    pub verbose: bool,

    /// Never ask the package index which wheels the requirements' exact pins have (also
    /// DOCKGEN_OFFLINE=1); without it, a project with no lockfile and no Python pin gets the newest
    /// Python every pin has a wheel for
    #[arg(long, global = true)]
    pub offline: bool,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what dockgen detects in a project, and why.
    ///
    /// The table wraps at word boundaries to COLUMNS, else the terminal's width, else 80 columns.
    ///
    /// Examples:
    ///   dockgen detect                 # the current directory
    ///   dockgen detect path/to/project --json
    ///   dockgen detect --app-dir services/orders
    #[command(verbatim_doc_comment)]
    Detect(DetectArgs),

    /// Generate Dockerfile, entrypoint.sh, .dockerignore, docker-compose.yml and .env.example.
    ///
    /// Files go into the project directory (PATH, or the subfolder holding the app's manifests in a
    /// monorepo). Existing files are never overwritten without --force; a re-run with nothing to change
    /// is a no-op; `.env` is written (with fresh random secrets, readable by you only) only when there is
    /// none, and never written over.
    ///
    /// In a terminal, init asks about each decision, with what it detected (and where) as the default,
    /// and about each existing file it would change (its three-way view, then: keep yours, overwrite
    /// it, or stop managing it). Nothing is asked with --yes, CI=true, or when stdin is not a terminal.
    ///
    /// Choices that differ from detection are saved in dockgen.toml at PATH, so later runs (and
    /// `init --check` in CI) reproduce them. Precedence: flags > DOCKGEN_* variables > dockgen.toml >
    /// detection. Each override has a variable: --port is DOCKGEN_PORT, --app-dir is DOCKGEN_APP_DIR,
    /// --no-redis is DOCKGEN_REDIS=false, --task-workers is DOCKGEN_TASK_WORKERS (a list, or "none").
    ///
    /// Examples:
    ///   dockgen init                      # guided in a terminal; otherwise generate from what it finds
    ///   dockgen init --dry-run            # show the plan and the files, write nothing
    ///   dockgen init --check              # CI: diff against what would be generated, exit 1 on drift
    ///   dockgen init --force --port 8080  # regenerate with another port (saved in dockgen.toml)
    ///   dockgen init --templates ops/templates   # render with a team's fork of the templates
    #[command(verbatim_doc_comment)]
    Init(InitArgs),

    /// Build and start the generated stack in a throwaway project, check it, and tear it down.
    ///
    /// verify builds the image with the generated files and .env, starts the stack under its own
    /// compose project (its own containers, network and volumes, and a free host port: never your
    /// running stack or its data), and checks what dockgen planned: every service running and healthy,
    /// the migrate service exited 0, web answers its health route and / (with a Host the settings
    /// allow), tables exist in Postgres, each worker answers through its broker (Celery's inspect ping,
    /// an RQ worker registered in Redis), nothing restarting, and the app runs as the planned uid. Then it
    /// removes everything it created (also on Ctrl-C), unless --keep.
    ///
    /// On a failure it names the check, shows the last lines of the failing service's log, and says
    /// what to do for the failures it recognises (a variable missing from .env, migrations that did not
    /// run, a source build without its compiler, no wheel for the Python, a refused Host header, a
    /// broker out of reach).
    ///
    /// Needs Docker Engine 20.10 or newer and Compose v2 (`docker compose`, or a v2 `docker-compose`).
    ///
    /// Examples:
    ///   dockgen verify                  # after dockgen init, from the project
    ///   dockgen verify --json           # the report as JSON (for CI)
    ///   dockgen verify --keep           # leave the throwaway stack running to look at it
    #[command(verbatim_doc_comment)]
    Verify(VerifyArgs),

    /// Fork the templates, or list the variables they can use.
    #[command(subcommand)]
    Templates(TemplatesCommand),

    /// Print a shell completion script.
    ///
    /// Examples:
    ///   dockgen completions bash > ~/.local/share/bash-completion/completions/dockgen
    ///   dockgen completions zsh > "${fpath[1]}/_dockgen"
    ///   dockgen completions fish > ~/.config/fish/completions/dockgen.fish
    #[command(verbatim_doc_comment)]
    Completions {
        /// The shell.
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },

    /// Print a man page (roff), or write them all with --dir.
    ///
    /// Every page has EXIT STATUS, ENVIRONMENT and FILES sections where they apply.
    ///
    /// Examples:
    ///   dockgen man | man -l -                       # read the main page
    ///   dockgen man init > dockgen-init.1            # one subcommand's page
    ///   dockgen man --dir ~/.local/share/man/man1    # every page: dockgen.1, dockgen-init.1, ...
    #[command(verbatim_doc_comment)]
    Man {
        /// The page: a subcommand (`init`, `templates-export`); the main page when left out.
        #[arg(conflicts_with = "dir", value_hint = ValueHint::Other)]
        page: Option<String>,
        /// Write every page into DIR (created if missing) instead.
        #[arg(long, value_name = "DIR", value_hint = ValueHint::DirPath)]
        dir: Option<PathBuf>,
    },
}

#[derive(Debug, Subcommand)]
pub enum TemplatesCommand {
    /// Write the built-in templates into DIR, for a team to fork.
    ///
    /// Edit the copies, then generate with them: `dockgen init --templates DIR` (saved in dockgen.toml,
    /// so later runs and `dockgen init --check` use them too). A template missing from DIR falls back to
    /// the built-in one, so a fork can keep only the files it changes.
    ///
    /// Example:
    ///   dockgen templates export docker/templates
    #[command(verbatim_doc_comment)]
    Export {
        /// Where to write the templates (created if missing).
        #[arg(value_hint = ValueHint::DirPath)]
        dir: PathBuf,
        /// Overwrite templates in DIR that differ from the built-in ones.
        #[arg(long)]
        force: bool,
    },

    /// List the variables each template can use (each generated file has its own), with type and meaning.
    Context {
        /// As JSON (per template: its file, and each variable's path, type and description).
        #[arg(long, conflicts_with = "markdown")]
        json: bool,
        /// As Markdown tables (docs/template-context.md is this output).
        #[arg(long)]
        markdown: bool,
    },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project directory, or a directory inside it (the root is found upward, as cargo and uv do).
    #[arg(default_value = ".", value_hint = ValueHint::DirPath)]
    pub path: PathBuf,

    /// Never ask questions (also implied by CI=true, --json, --check, --dry-run or a non-terminal stdin).
    #[arg(long, short = 'y')]
    pub yes: bool,

    /// Ask every question again. Without it, a question answered in an earlier guided run is asked
    /// again only when detection now gives something other than it gave then (dockgen.toml's
    /// `[detected]` table records that); the others are kept, and named in one line.
    #[arg(long, conflicts_with = "yes")]
    pub ask_all: bool,

    /// Print the report as JSON (files with their status and diff, answers with their origin, warnings).
    #[arg(long)]
    pub json: bool,

    /// Overwrite existing files that differ from what dockgen generates.
    #[arg(long, conflicts_with_all = ["dry_run", "check"])]
    pub force: bool,

    /// Show the plan and the files that would be written; write nothing.
    #[arg(long, conflicts_with = "check")]
    pub dry_run: bool,

    /// Write nothing; print a unified diff and exit 1 when files differ from what would be generated.
    #[arg(long)]
    pub check: bool,

    #[command(flatten)]
    pub overrides: AnswerFlags<true>,
}

impl InitArgs {
    /// The answers given as flags, each marked with its flag.
    pub fn flags(&self) -> Layer {
        self.overrides.layer.clone()
    }

    /// The image name when the project declares none: PATH's directory name.
    pub fn name_hint(&self) -> Option<String> {
        self.path
            .canonicalize()
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
    }

    pub fn mode(&self) -> Mode {
        if self.check {
            Mode::Check
        } else if self.dry_run {
            Mode::DryRun
        } else {
            Mode::Write { force: self.force }
        }
    }
}

#[derive(Debug, Args)]
pub struct VerifyArgs {
    /// The project directory, or a directory inside it (the root is found upward, as cargo and uv do).
    #[arg(default_value = ".", value_hint = ValueHint::DirPath)]
    pub path: PathBuf,

    /// Print the report as JSON (each step with its status, time, detail, log lines and hints).
    #[arg(long)]
    pub json: bool,

    /// Leave the throwaway stack running afterwards (its name and port are printed).
    #[arg(long)]
    pub keep: bool,

    /// The Compose v2 program to run (default: `docker compose`, else `docker-compose`).
    #[arg(long, value_name = "PROGRAM", value_hint = ValueHint::CommandName)]
    pub compose: Option<String>,

    /// How long the services may take to become healthy, in seconds.
    #[arg(long, value_name = "SECONDS", default_value_t = 180, value_parser = clap::value_parser!(u64).range(1..=3600))]
    pub wait_timeout: u64,
}

#[derive(Debug, Args)]
pub struct DetectArgs {
    /// The project directory, or a directory inside it (the root is found upward, as cargo and uv do).
    #[arg(default_value = ".", value_hint = ValueHint::DirPath)]
    pub path: PathBuf,

    /// Print a machine-readable JSON report (stable keys: framework, package_manager, python_version,
    /// app_dir, entrypoint, django_settings_module, services, workers, warnings, evidence).
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub overrides: AnswerFlags<false>,
}

// ---------------------------------------------------------------- the answers' flags

/// The answers given as flags. Its flags come from [`ANSWERS`]: `--KEY` for each answer the command
/// takes (`INIT`: every answer; otherwise the ones `detect` uses), plus `--no-KEY` for the answers that
/// can be turned off, all under "Overrides".
#[derive(Debug, Clone, Default)]
pub struct AnswerFlags<const INIT: bool> {
    pub layer: Layer,
}

/// The answers a command takes, in `--help` order: `init` lists its own first, then the ones it
/// shares with `detect` (the order its help has always had).
fn rows(init: bool) -> Vec<&'static AnswerSpec> {
    let shared = ANSWERS
        .iter()
        .filter(|s| s.commands == Commands::DetectAndInit);
    if init {
        ANSWERS
            .iter()
            .filter(|s| s.commands == Commands::InitOnly)
            .chain(shared)
            .collect()
    } else {
        shared.collect()
    }
}

/// clap's id of `--KEY` (the field name clap derive would give it).
fn id(spec: &AnswerSpec) -> String {
    spec.key.name().replace('-', "_")
}

/// clap's id of `--no-KEY`.
fn no_id(spec: &AnswerSpec) -> String {
    format!("no_{}", id(spec))
}

/// `--KEY`, then `--no-KEY` when the answer can be turned off.
fn flags_of(spec: &'static AnswerSpec) -> Vec<Arg> {
    // clap lists a worker list's possible values itself.
    let help = match spec.kind {
        Kind::Workers => spec.help.to_string(),
        _ => spec.help_text(),
    };
    let arg = Arg::new(id(spec))
        .long(spec.key.name())
        .help(help)
        .help_heading("Overrides");
    // An earlier name still works, hidden from --help and completions.
    let arg = match spec.alias {
        Some(alias) => arg.alias(alias),
        None => arg,
    };
    let arg = match spec.value_name {
        Some(name) => arg.value_name(name),
        None => arg,
    };
    // What a shell completes: directories for the paths, nothing for free text (not file names).
    let arg = match spec.kind {
        Kind::Bool => arg,
        Kind::Path => arg.value_hint(ValueHint::DirPath),
        Kind::Text(_) if spec.key == Key::AppDir => arg.value_hint(ValueHint::DirPath),
        _ => arg.value_hint(ValueHint::Other),
    };
    let mut out = vec![value_parser(spec, arg)];
    if let (Some(help), Some(long)) = (spec.negation, spec.negation_flag()) {
        let no = Arg::new(no_id(spec))
            .long(long.trim_start_matches("--").to_string())
            .aliases(spec.alias.map(|a| format!("no-{a}")))
            .help(help)
            .help_heading("Overrides")
            .action(ArgAction::SetTrue);
        // A list and "none" at once is a mistake; yes then no is a change of mind.
        out.push(match spec.kind {
            Kind::Bool => no,
            _ => no.conflicts_with(id(spec)),
        });
    }
    out
}

/// How `spec`'s flag takes its value: a switch, a port, a path, a list, a registry name, or text
/// checked by the answer's own parser.
fn value_parser(spec: &'static AnswerSpec, arg: Arg) -> Arg {
    match spec.kind {
        // The last of --KEY and --no-KEY wins.
        Kind::Bool => arg.action(ArgAction::SetTrue).overrides_with(no_id(spec)),
        // Our own parser, so `--port http` says what a port is, not `invalid digit found in string`.
        Kind::Port => arg.value_parser(|s: &str| {
            s.trim()
                .parse::<u16>()
                .ok()
                .filter(|p| *p > 0)
                .ok_or_else(|| "not a port: expected a number from 1 to 65535".to_string())
        }),
        Kind::Path => arg.value_parser(clap::value_parser!(PathBuf)),
        // The names as possible values, so completions offer them and a typo gets clap's "did you
        // mean"; `none` as in DOCKGEN_TASK_WORKERS.
        Kind::Workers => arg
            .action(ArgAction::Append)
            .value_delimiter(',')
            .value_parser(WorkerNames(PossibleValuesParser::new(
                WorkerKind::all()
                    .into_iter()
                    .map(|k| k.as_str())
                    .chain(["none"]),
            ))),
        Kind::Files => arg
            .action(ArgAction::Append)
            .value_delimiter(',')
            .value_parser(|s: &str| dockgen::init::answers::parse_files(s).map(|_| s.to_string())),
        Kind::Framework | Kind::PackageManager => arg.value_parser(PossibleValuesParser::new(
            spec.choices().unwrap_or_default(),
        )),
        Kind::Text(_) | Kind::TextOrNone(_) | Kind::Number { .. } => {
            arg.value_parser(move |s: &str| spec.parse(s).map(|_| s.to_string()))
        }
    }
}

/// The worker list's names (offered to completions), with a number taken for what it usually means:
/// server processes, which are `--server-workers` (`--workers 4`, under the flag's earlier name, was a
/// common mix-up).
#[derive(Clone)]
struct WorkerNames(PossibleValuesParser);

impl clap::builder::TypedValueParser for WorkerNames {
    type Value = String;

    fn parse_ref(
        &self,
        cmd: &clap::Command,
        arg: Option<&Arg>,
        value: &std::ffi::OsStr,
    ) -> Result<String, clap::Error> {
        let text = value.to_string_lossy();
        if !text.is_empty() && text.chars().all(|c| c.is_ascii_digit()) {
            let names: Vec<&str> = WorkerKind::all().iter().map(|k| k.as_str()).collect();
            return Err(clap::Error::raw(
                clap::error::ErrorKind::InvalidValue,
                format!(
                    "`{text}` is not a worker service: --task-workers (once --workers) chooses the task-queue worker services ({}, or none); for {text} server processes, pass --server-workers {text}\n",
                    names.join(", ")
                ),
            )
            .with_cmd(cmd));
        }
        self.0.parse_ref(cmd, arg, value)
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        self.0.possible_values()
    }
}

/// The text `spec`'s flags give, and the flag that gave it.
fn given(m: &ArgMatches, spec: &AnswerSpec) -> Option<(String, String)> {
    let id = id(spec);
    let negated = spec.negation.is_some() && m.get_flag(&no_id(spec));
    let text = match spec.kind {
        Kind::Bool if m.get_flag(&id) => Some("true".to_string()),
        _ if negated => spec.off().map(|v| v.show()),
        Kind::Bool => None,
        Kind::Port => m.get_one::<u16>(&id).map(u16::to_string),
        Kind::Path => m
            .get_one::<PathBuf>(&id)
            .map(|p| p.to_string_lossy().into_owned()),
        Kind::Workers | Kind::Files => m
            .get_many::<String>(&id)
            .map(|w| w.cloned().collect::<Vec<_>>().join(",")),
        _ => m.get_one::<String>(&id).cloned(),
    }?;
    let flag = if negated {
        spec.negation_flag()?
    } else {
        spec.flag()
    };
    Some((text, flag))
}

impl<const INIT: bool> FromArgMatches for AnswerFlags<INIT> {
    fn from_arg_matches(m: &ArgMatches) -> Result<Self, clap::Error> {
        let mut layer = Layer::default();
        for spec in rows(INIT) {
            let Some((text, flag)) = given(m, spec) else {
                continue;
            };
            layer
                .answers
                .set(spec.key, &text)
                .map_err(|e| clap::Error::raw(clap::error::ErrorKind::ValueValidation, e))?;
            layer.origins.insert(spec.key, Origin::Flag { flag });
        }
        Ok(AnswerFlags { layer })
    }

    fn update_from_arg_matches(&mut self, m: &ArgMatches) -> Result<(), clap::Error> {
        let given = Self::from_arg_matches(m)?;
        self.layer = given.layer.over(&self.layer);
        Ok(())
    }
}

impl<const INIT: bool> Args for AnswerFlags<INIT> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.args(rows(INIT).into_iter().flat_map(flags_of))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        Self::augment_args(cmd)
    }
}

#[cfg(test)]
mod tests {
    use clap::CommandFactory;

    use super::*;

    /// The long flags under "Overrides" of a subcommand, in `--help` order.
    fn overrides(sub: &str) -> Vec<String> {
        let cmd = Cli::command();
        let sub = cmd.find_subcommand(sub).unwrap();
        sub.get_arguments()
            .filter(|a| a.get_help_heading() == Some("Overrides"))
            .map(|a| format!("--{}", a.get_long().unwrap()))
            .collect()
    }

    fn expected(init: bool) -> Vec<String> {
        let mut out = Vec::new();
        for spec in rows(init) {
            out.push(spec.flag());
            out.extend(spec.negation_flag());
        }
        out
    }

    #[test]
    fn the_command_is_valid() {
        Cli::command().debug_assert();
    }

    #[test]
    fn one_flag_per_answer_plus_the_negations() {
        assert_eq!(overrides("init"), expected(true));
        assert_eq!(overrides("detect"), expected(false));
        // Every answer is on init, and once.
        let mut all = expected(true);
        assert_eq!(
            all.iter().filter(|f| !f.starts_with("--no-")).count(),
            ANSWERS.len()
        );
        all.sort();
        all.dedup();
        assert_eq!(all.len(), expected(true).len());
        for spec in ANSWERS {
            let on_detect = overrides("detect").contains(&spec.flag());
            assert_eq!(
                on_detect,
                spec.commands == Commands::DetectAndInit,
                "{}",
                spec.key
            );
        }
    }

    #[test]
    fn flags_become_answers_with_their_flag_as_origin() {
        let cli = Cli::try_parse_from([
            "dockgen",
            "init",
            "--port",
            "8080",
            "--no-redis",
            "--postgres",
            "--task-workers",
            "celery,rq",
            "--framework",
            "flask",
            "--templates",
            "ops/t",
        ])
        .unwrap();
        let Command::Init(args) = cli.command else {
            panic!("not init")
        };
        let layer = args.flags();
        assert_eq!(layer.answers.port(), Some(8080));
        assert_eq!(layer.answers.redis(), Some(false));
        assert_eq!(layer.answers.postgres(), Some(true));
        assert_eq!(layer.answers.show(Key::TaskWorkers), "celery, rq");
        assert_eq!(layer.answers.show(Key::Framework), "flask");
        assert_eq!(layer.answers.templates(), Some("ops/t"));
        let flag = |k: Key| match &layer.origins[&k] {
            Origin::Flag { flag } => flag.clone(),
            other => panic!("{other:?}"),
        };
        assert_eq!(flag(Key::Redis), "--no-redis");
        assert_eq!(flag(Key::Postgres), "--postgres");
        assert_eq!(flag(Key::TaskWorkers), "--task-workers");
        assert_eq!(layer.origins.len(), 6);

        for no in ["--no-task-workers", "--no-workers"] {
            let cli = Cli::try_parse_from(["dockgen", "init", no]).unwrap();
            let Command::Init(args) = cli.command else {
                panic!("not init")
            };
            assert_eq!(args.flags().answers.workers(), Some(&[][..]), "{no}");
        }
        // The earlier name, `--workers`, still gives the answer.
        let cli = Cli::try_parse_from(["dockgen", "init", "--workers", "rq"]).unwrap();
        let Command::Init(args) = cli.command else {
            panic!("not init")
        };
        assert_eq!(args.flags().answers.show(Key::TaskWorkers), "rq");
        assert!(Cli::try_parse_from(["dockgen", "detect", "--port", "1"]).is_err());
        assert!(Cli::try_parse_from(["dockgen", "init", "--port", "0"]).is_err());
        assert!(Cli::try_parse_from(["dockgen", "init", "--python", "2"]).is_err());
    }
}
