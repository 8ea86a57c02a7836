//! Command-line definitions. clap lives here and nowhere else; `into_options` turns flags into the
//! library's plain [`Options`].

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

use dockgen::detect::{Framework, Options, PackageManager};

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
