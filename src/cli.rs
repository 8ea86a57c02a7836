//! Command-line definitions. clap lives here and nowhere else; `into_options` turns flags into the
//! library's plain [`Options`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use dockgen::answers::{self, Answers, Layer, Origin};
use dockgen::framework::Framework;
use dockgen::manager::PackageManager;
use dockgen::plan::WorkerKind;
use dockgen::write::Mode;

/// Production-grade container setups for Python web projects.
///
/// dockgen reads a Django, Flask or FastAPI project (uv, Poetry, Pipenv, PDM or pip) and explains what it
/// found, with the file and line behind every decision; `dockgen init` then writes a Dockerfile,
/// entrypoint.sh, .dockerignore, docker-compose.yml and .env.example tailored to it.
///
/// Every choice is decided by, highest first: a flag, a DOCKGEN_* environment variable (DOCKGEN_PORT,
/// DOCKGEN_PYTHON, ...), the saved answers in dockgen.toml, then detection.
///
/// Colour follows NO_COLOR and CLICOLOR_FORCE.
#[derive(Debug, Parser)]
#[command(name = "dockgen", version, propagate_version = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what dockgen detects in a project, and why.
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
    /// is a no-op; `.env` is never touched.
    ///
    /// In a terminal, init asks about each decision, with what it detected (and where) as the default,
    /// and about each existing file it would change (keep, overwrite, or show the diff). Nothing is asked
    /// with --yes, CI=true, or when stdin is not a terminal.
    ///
    /// Choices that differ from detection are saved in dockgen.toml at PATH, so later runs (and
    /// `init --check` in CI) reproduce them. Precedence: flags > DOCKGEN_* variables > dockgen.toml >
    /// detection. Each override has a variable: --port is DOCKGEN_PORT, --app-dir is DOCKGEN_APP_DIR,
    /// --no-redis is DOCKGEN_REDIS=false, --workers is DOCKGEN_WORKERS (a list, or "none").
    ///
    /// Examples:
    ///   dockgen init                      # guided in a terminal; otherwise generate from what it finds
    ///   dockgen init --dry-run            # show the plan and the files, write nothing
    ///   dockgen init --check              # CI: diff against what would be generated, exit 1 on drift
    ///   dockgen init --force --port 8080  # regenerate with another port (saved in dockgen.toml)
    ///   dockgen init --templates ops/templates   # render with a team's fork of the templates
    #[command(verbatim_doc_comment)]
    Init(InitArgs),

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

    /// Print the man page (roff).
    ///
    /// Example: dockgen man > ~/.local/share/man/man1/dockgen.1
    Man,
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
        dir: PathBuf,
        /// Overwrite templates in DIR that differ from the built-in ones.
        #[arg(long)]
        force: bool,
    },

    /// List every variable a template can use, with its type and meaning.
    Context {
        /// As JSON (path, type, description).
        #[arg(long, conflicts_with = "markdown")]
        json: bool,
        /// As a Markdown table (docs/template-context.md is this output).
        #[arg(long)]
        markdown: bool,
    },
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Never ask questions (also implied by CI=true, --json, --check, --dry-run or a non-terminal stdin).
    #[arg(long, short = 'y')]
    pub yes: bool,

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

    /// Port the server listens on (EXPOSE, bind address, compose port).
    #[arg(long, value_name = "PORT", value_parser = clap::value_parser!(u16).range(1..), help_heading = "Overrides")]
    pub port: Option<u16>,

    /// Add a Postgres service even if the project shows no sign of needing one.
    #[arg(long, overrides_with = "no_postgres", help_heading = "Overrides")]
    pub postgres: bool,

    /// Leave out the Postgres service.
    #[arg(long, help_heading = "Overrides")]
    pub no_postgres: bool,

    /// Add a Redis service even if the project shows no sign of needing one.
    #[arg(long, overrides_with = "no_redis", help_heading = "Overrides")]
    pub redis: bool,

    /// Leave out the Redis service.
    #[arg(long, help_heading = "Overrides")]
    pub no_redis: bool,

    /// Worker services to generate, comma-separated: celery, celery-beat, rq.
    #[arg(long, value_name = "LIST", value_delimiter = ',', value_parser = parse_worker, help_heading = "Overrides")]
    pub workers: Option<Vec<WorkerKind>>,

    /// Generate no worker services.
    #[arg(long, conflicts_with = "workers", help_heading = "Overrides")]
    pub no_workers: bool,

    /// A directory of forked templates overlaid on the built-in ones (see `dockgen templates export`).
    #[arg(long, value_name = "DIR", help_heading = "Overrides")]
    pub templates: Option<PathBuf>,

    #[command(flatten)]
    pub choices: Choices,
}

impl InitArgs {
    /// The answers given as flags, each marked with its flag.
    pub fn flags(&self) -> Layer {
        let mut layer = self.choices.layer();
        let flag = |yes: bool, no: bool| match (yes, no) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        };
        let a = &mut layer.answers;
        a.port = self.port;
        a.postgres = flag(self.postgres, self.no_postgres);
        a.redis = flag(self.redis, self.no_redis);
        a.workers = if self.no_workers {
            Some(Vec::new())
        } else {
            self.workers.clone()
        };
        a.templates = self
            .templates
            .as_ref()
            .map(|t| t.to_string_lossy().into_owned());
        for (key, flag) in [
            ("port", "--port"),
            (
                "postgres",
                if self.no_postgres {
                    "--no-postgres"
                } else {
                    "--postgres"
                },
            ),
            (
                "redis",
                if self.no_redis {
                    "--no-redis"
                } else {
                    "--redis"
                },
            ),
            (
                "workers",
                if self.no_workers {
                    "--no-workers"
                } else {
                    "--workers"
                },
            ),
            ("templates", "--templates"),
        ] {
            layer.mark(key, Origin::Flag { flag: flag.into() });
        }
        layer
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

fn parse_worker(s: &str) -> Result<WorkerKind, String> {
    s.parse()
}

fn valid(key: &'static str) -> impl Fn(&str) -> Result<String, String> + Clone {
    move |s: &str| answers::validate(key, s).map(|()| s.to_string())
}

#[derive(Debug, Args)]
pub struct DetectArgs {
    /// The project directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Print a machine-readable JSON report (stable keys: framework, package_manager, python_version,
    /// app_dir, entrypoint, django_settings_module, services, workers, warnings, evidence).
    #[arg(long)]
    pub json: bool,

    #[command(flatten)]
    pub choices: Choices,
}

/// Explicit choices that override detection.
#[derive(Debug, Args, Clone, Default)]
pub struct Choices {
    /// Use this framework instead of detecting it.
    #[arg(long, value_parser = framework_parser(), help_heading = "Overrides")]
    pub framework: Option<Framework>,

    /// Use this package manager instead of detecting it from lockfiles.
    #[arg(long, value_parser = package_manager_parser(), help_heading = "Overrides")]
    pub package_manager: Option<PackageManager>,

    /// Python version for the image, as major.minor (e.g. 3.12).
    #[arg(long, value_name = "VERSION", value_parser = valid("python"), help_heading = "Overrides")]
    pub python: Option<String>,

    /// The directory (relative to PATH) holding manage.py or the app module; picks one of several apps.
    #[arg(long, value_name = "DIR", value_parser = valid("app-dir"), help_heading = "Overrides")]
    pub app_dir: Option<String>,

    /// What the server serves, as module:attribute (e.g. config.wsgi:application, main:app).
    #[arg(long, value_name = "MODULE:ATTR", value_parser = valid("entrypoint"), help_heading = "Overrides")]
    pub entrypoint: Option<String>,
}

// The possible values come from the registries: a new framework or manager needs no change here.
fn framework_parser() -> impl clap::builder::TypedValueParser<Value = Framework> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(Framework::ALL.iter().map(|f| f.as_str()))
        .map(|s| s.parse().expect("a registered framework"))
}

fn package_manager_parser() -> impl clap::builder::TypedValueParser<Value = PackageManager> {
    use clap::builder::TypedValueParser;
    clap::builder::PossibleValuesParser::new(PackageManager::ALL.iter().map(|m| m.as_str()))
        .map(|s| s.parse().expect("a registered package manager"))
}

impl Choices {
    /// The answers given as flags, each marked with its flag.
    pub fn layer(&self) -> Layer {
        let mut layer = Layer {
            answers: Answers {
                framework: self.framework,
                package_manager: self.package_manager,
                python: self.python.clone(),
                app_dir: self.app_dir.clone(),
                entrypoint: self.entrypoint.clone(),
                ..Default::default()
            },
            origins: Default::default(),
        };
        for key in [
            "framework",
            "package-manager",
            "python",
            "app-dir",
            "entrypoint",
        ] {
            layer.mark(
                key,
                Origin::Flag {
                    flag: format!("--{key}"),
                },
            );
        }
        layer
    }
}
