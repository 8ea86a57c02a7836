//! FastAPI: found by a module-level `FastAPI(...)` object (any name, `src/` and `app/` layouts). ASGI,
//! served by uvicorn; migrated by Alembic when it is a dependency.

use std::path::Path;

use super::{Analysis, AnalyzeCx, AppView, Found, FrameworkSpec, Migration, Named, WorkerSystem};
use crate::base::error::Result;
use crate::base::kinds::{Interface, Server};
use crate::parse::walk::Scan;

pub struct FastApi;

impl FrameworkSpec for FastApi {
    fn name(&self) -> &'static str {
        "fastapi"
    }
    fn package(&self) -> &'static str {
        "fastapi"
    }
    fn about(&self) -> &'static str {
        "FastAPI: a FastAPI(...) object, served by uvicorn"
    }
    fn app_class(&self) -> Option<(&'static str, &'static str)> {
        Some(("fastapi.FastAPI", "fastapi"))
    }
    fn marker_files(&self) -> &'static [&'static str] {
        &[]
    }
    fn found_by_markers(&self, _scan: &Scan) -> Vec<Found> {
        Vec::new()
    }
    fn named_app(&self, _root: &Path, _scan: &Scan) -> Option<Named> {
        None
    }
    fn default_interface(&self) -> Interface {
        Interface::Asgi
    }
    fn interface_of_entrypoint(&self, _entrypoint: &str) -> Option<Interface> {
        None
    }
    fn analyze(&self, _cx: &AnalyzeCx) -> Result<Analysis> {
        Ok(Analysis::default())
    }
    fn database_url_scheme(&self) -> Option<&'static str> {
        None
    }
    fn asgi_servers(&self) -> &'static [Server] {
        &[Server::Uvicorn]
    }
    /// The production server with `--reload`.
    fn dev_command(&self, _app: &AppView, server: &[String]) -> Vec<String> {
        let mut c = server.to_vec();
        c.push("--reload".into());
        c
    }
    fn migration(&self, app: &AppView) -> Option<Migration> {
        app.deps.has("alembic").then(|| Migration::alembic(app))
    }
    fn build_command(&self, _app: &AppView) -> Option<Vec<String>> {
        None
    }
    fn runtime_env(&self, _app: &AppView) -> Vec<(&'static str, String)> {
        Vec::new()
    }
    fn worker_command(&self, _system: WorkerSystem, _app: &AppView) -> Option<Vec<String>> {
        None
    }
}
