//! Parsers for the files a Python project is made of, each returning plain data with evidence.
//!
//! `pyproject` (PEP 621, `[tool.*]`), `lockfiles` (uv, Poetry, PDM, Pipenv), `requirements` (pip, with
//! `-r`/`-c`), `deps` (PEP 508 / PEP 503), `local_package`
//! (what a package installed by path declares: pyproject, setup.cfg, literal setup.py lists), `pysrc` (a Python tokenizer and module summary), `django`
//! (settings through star imports), `apps` (app objects and factories), `python_version` (pins and
//! ranges), `walk` (the bounded, ignore-aware tree walk). None of them decides anything: the framework and
//! package-manager registries and `detect` do. They depend only on `base` and `knowledge`.

pub mod apps;
pub mod ci;
pub mod deps;
pub mod django;
pub mod local_package;
pub mod lockfiles;
pub mod procfile;
pub mod pyproject;
pub mod pysrc;
pub mod python_version;
pub mod requirements;
pub mod routes;
pub mod toml_util;
pub mod walk;
pub mod wheels;
