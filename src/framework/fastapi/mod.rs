//! FastAPI: found by a module-level `FastAPI(...)` object (any name, `src/` and `app/` layouts). ASGI,
//! served by uvicorn; migrated by Alembic when it is a dependency.

use super::{AppView, FrameworkSpec, Migration, Mount, RouteRules};
use crate::base::kinds::{Interface, Server};

pub struct FastApi;

impl FrameworkSpec for FastApi {
    fn database_from_env(&self) -> Option<&'static str> {
        Some("a pydantic-settings field")
    }
    fn routes(&self) -> RouteRules {
        RouteRules {
            apps: &["fastapi.FastAPI"],
            routers: &[
                ("fastapi.APIRouter", "prefix"),
                ("fastapi.routing.APIRouter", "prefix"),
            ],
            mounts: &[Mount {
                method: "include_router",
                prefix: "prefix",
                replaces: false,
            }],
            decorators: &["get", "api_route"],
            words: &["APIRouter", "FastAPI"],
            ..RouteRules::default()
        }
    }
    fn name(&self) -> &'static str {
        "fastapi"
    }
    fn title(&self) -> &'static str {
        "FastAPI"
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
    fn default_interface(&self) -> Interface {
        Interface::Asgi
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
        if !app.deps.has("alembic") {
            return None;
        }
        Migration::alembic(app)
    }
}
