//! The front proxy's `nginx.conf`: one template (`nginx.conf.tera`) and one context for both places
//! nginx runs in front of web: the compose file's `proxy` service (the `proxy` answer) and the Swarm
//! stack's proxy. Each has its own file (`nginx/nginx.conf` for compose, `nginx.conf` beside the stack
//! file), since they differ in how web's replicas are named and in who serves the static files.

use serde::Serialize;

use super::Output;
use crate::plan::Plan;
use crate::plan::proxy::StaticFiles;

/// The context of `nginx.conf.tera`.
#[derive(Debug, Clone, Serialize)]
pub struct NginxContext {
    /// The port nginx listens on in its container.
    pub proxy_port: u16,
    /// The port web's server listens on.
    pub port: u16,
    /// The name that resolves to every replica of web (`web` in compose, `tasks.web` in Swarm).
    pub upstream_host: String,
    /// Whether the name is compose's service name (one address per replica), which the file explains.
    pub replicas_by_name: bool,
    /// The collected static files nginx serves itself, when its image has them.
    pub static_files: Option<StaticFiles>,
}

/// The file for the compose file's proxy, when the plan has one.
pub fn compose_output(plan: &Plan) -> Option<Output> {
    let proxy = plan.proxy.as_ref()?;
    let context = NginxContext {
        proxy_port: proxy.port,
        port: plan.port,
        upstream_host: "web".into(),
        replicas_by_name: true,
        static_files: proxy.static_files.clone(),
    };
    Some(Output {
        template: "nginx.conf.tera",
        file: proxy.config.clone(),
        context: serde_json::to_value(context).unwrap_or_default(),
    })
}

/// The file for the Swarm stack's proxy: web's tasks by `tasks.web`, and the app serves its own
/// static files (the stack's proxy runs the official image as it is).
pub fn swarm_output(plan: &Plan) -> Output {
    let context = NginxContext {
        proxy_port: super::swarm::PROXY_PORT,
        port: plan.port,
        upstream_host: "tasks.web".into(),
        replicas_by_name: false,
        static_files: None,
    };
    Output {
        template: "nginx.conf.tera",
        file: super::swarm::PROXY_CONFIG.into(),
        context: serde_json::to_value(context).unwrap_or_default(),
    }
}
