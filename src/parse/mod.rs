//! Parsers for the files a Python project is made of, each returning plain data with evidence.
//!
//! `pyproject` (PEP 621, `[tool.*]`), `requirements` (`-r`/`-c`), `local_package` (what a package a
//! requirements file installs by path declares: pyproject, setup.cfg, literal setup.py lists), `deps`
//! (PEP 508 / PEP 503), `pysrc` (a Python tokenizer and module summary), `apps` (app objects and
//! factories), `python_version` (pins and ranges), `walk` (the bounded, ignore-aware tree walk). None of
//! them decides anything: the framework and package-manager registries and `detect` do; an ecosystem's
//! own formats (a framework's settings, a manager's lockfile) live in its registry module. They depend
//! only on `base` and `knowledge`.

pub mod apps;
pub mod ci;
pub mod deps;
pub mod env_example;
pub mod index;
pub mod local_package;
pub mod procfile;
pub mod pyproject;
pub mod pysrc;
pub mod python_version;
pub mod requirements;
pub mod routes;
pub mod toml_util;
pub mod walk;
pub mod wheels;
