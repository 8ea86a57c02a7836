//! Command-line definitions. clap lives here and nowhere else; `into_options` turns flags into the
//! library's plain [`Options`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use dockgen::detect::{Framework, Options, PackageManager};
use dockgen::plan::PlanOptions;
use dockgen::write::Mode;

/// Production-grade container setups for Python web projects.
///
/// dockgen reads a Django, Flask or FastAPI project (uv, Poetry, Pipenv, PDM or pip) and explains what it
/// found, with the file and line behind every decision.
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
    /// Examples:
    ///   dockgen init                      # generate, refusing to overwrite changed files
    ///   dockgen init --dry-run            # show the plan and the files, write nothing
    ///   dockgen init --check              # CI: diff against what would be generated, exit 1 on drift
    ///   dockgen init --force --port 8080  # regenerate with another port
    #[command(verbatim_doc_comment)]
    Init(InitArgs),
}

#[derive(Debug, Args)]
pub struct InitArgs {
    /// The project directory.
    #[arg(default_value = ".")]
    pub path: PathBuf,

    /// Never ask questions (also implied by CI=true or a non-terminal stdin).
    #[arg(long, short = 'y')]
    pub yes: bool,

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

    #[command(flatten)]
    pub choices: Choices,
}

impl InitArgs {
    pub fn plan_options(&self) -> PlanOptions {
        let flag = |yes: bool, no: bool| match (yes, no) {
            (true, _) => Some(true),
            (_, true) => Some(false),
            _ => None,
        };
        PlanOptions {
            port: self.port,
            postgres: flag(self.postgres, self.no_postgres),
            redis: flag(self.redis, self.no_redis),
            name_hint: self
                .path
                .canonicalize()
                .ok()
                .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned())),
        }
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
    #[arg(long, value_enum, help_heading = "Overrides")]
    pub framework: Option<FrameworkArg>,

    /// Use this package manager instead of detecting it from lockfiles.
    #[arg(long, value_enum, help_heading = "Overrides")]
    pub package_manager: Option<PackageManagerArg>,

    /// Python version for the image, as major.minor (e.g. 3.12).
    #[arg(long, value_name = "VERSION", help_heading = "Overrides")]
    pub python: Option<String>,

    /// The directory (relative to PATH) holding manage.py or the app module; picks one of several apps.
    #[arg(long, value_name = "DIR", help_heading = "Overrides")]
    pub app_dir: Option<String>,

    /// What the server serves, as module:attribute (e.g. config.wsgi:application, main:app).
    #[arg(long, value_name = "MODULE:ATTR", help_heading = "Overrides")]
    pub entrypoint: Option<String>,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum FrameworkArg {
    Django,
    Flask,
    Fastapi,
}

#[derive(Debug, Clone, Copy, clap::ValueEnum)]
pub enum PackageManagerArg {
    Uv,
    Poetry,
    Pipenv,
    Pdm,
    Pip,
}

impl Choices {
    pub fn into_options(self) -> Options {
        Options {
            framework: self.framework.map(|f| match f {
                FrameworkArg::Django => Framework::Django,
                FrameworkArg::Flask => Framework::Flask,
                FrameworkArg::Fastapi => Framework::Fastapi,
            }),
            package_manager: self.package_manager.map(|p| match p {
                PackageManagerArg::Uv => PackageManager::Uv,
                PackageManagerArg::Poetry => PackageManager::Poetry,
                PackageManagerArg::Pipenv => PackageManager::Pipenv,
                PackageManagerArg::Pdm => PackageManager::Pdm,
                PackageManagerArg::Pip => PackageManager::Pip,
            }),
            python: self.python,
            app_dir: self.app_dir,
            entrypoint: self.entrypoint,
        }
    }
}
