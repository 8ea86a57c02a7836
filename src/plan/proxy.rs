//! The front proxy (the `proxy` answer): an nginx service in front of web in the compose file, so
//! `docker compose up --scale web=3` works. It publishes the app's port in web's place, balances over
//! web's replicas, serves the collected static files, and sets the forwarded headers web trusts.

use serde::Serialize;

use crate::detect::Project;
use crate::framework::DataRole;

/// The `proxy` answer's values.
pub const PROXIES: &[&str] = &["none", "nginx"];

/// The port nginx listens on in its container: unprivileged, so it needs no capability.
pub const PORT: u16 = 8080;
/// The uid and gid nginx runs as: the `nginx` user of the official image.
pub const UID: u32 = 101;
/// Its configuration file, relative to the compose file (mounted read-only at
/// `/etc/nginx/nginx.conf`); in a directory of its own, as the tutorials lay it out, apart from the
/// Swarm stack's `nginx.conf`.
pub const CONFIG: &str = "nginx/nginx.conf";
/// Where the proxy's image keeps the static files: a URL path `/static/x` is `/srv/www/static/x`.
pub const STATIC_ROOT: &str = "/srv/www";

/// Which front proxy the compose file puts in front of web.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Proxy {
    /// web publishes the port itself (one replica).
    #[default]
    None,
    /// nginx publishes it and balances over web's replicas.
    Nginx,
}

impl Proxy {
    /// Parses an answer: a name from [`PROXIES`].
    pub fn parse(text: &str) -> std::result::Result<Proxy, String> {
        match text.trim() {
            "none" => Ok(Proxy::None),
            "nginx" => Ok(Proxy::Nginx),
            other => Err(format!(
                "`{other}` is not a front proxy: expected one of {}",
                PROXIES.join(", ")
            )),
        }
    }
}

/// The `proxy` answer's check.
pub fn check(value: &str) -> std::result::Result<(), String> {
    Proxy::parse(value).map(|_| ())
}

/// The front proxy of the compose file.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct ProxyPlan {
    /// The official image it runs (`nginx:1.28`), or builds from with the static files.
    pub image: String,
    /// The port it listens on in its container (compose publishes `WEB_PORT` there).
    pub port: u16,
    /// The uid and gid it runs as (the image's `nginx` user).
    pub uid: u32,
    /// Its configuration file, beside the compose file.
    pub config: String,
    /// The collected static files it serves itself, when the app collects them at build time.
    pub static_files: Option<StaticFiles>,
    /// The image compose tags the proxy's build with, when it has static files to copy in.
    pub image_name: Option<String>,
}

/// Static files the proxy's image copies from the app's image and serves.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct StaticFiles {
    /// The URL path they are served under, with both slashes (`/static/`).
    pub url: String,
    /// Where the app's image holds them (STATIC_ROOT, collected at build time).
    pub from: String,
    /// nginx's `root` for them: the files are copied to `root` + `url`.
    pub root: String,
}

/// The proxy for `proxy`, none for [`Proxy::None`]. Static files are served when the build collects
/// them (`has_build_step`) into a directory whose URL path the configuration fixes.
pub fn plan(
    p: &Project,
    proxy: Proxy,
    workdir: &str,
    image_name: &str,
    collects_static: bool,
) -> Option<ProxyPlan> {
    if proxy == Proxy::None {
        return None;
    }
    let static_files = p
        .data_dirs
        .iter()
        .filter(|_| collects_static)
        .find(|d| d.role == DataRole::StaticRoot)
        .and_then(|d| {
            let url = d.url.clone()?;
            let from = if d.path.starts_with('/') {
                d.path.clone()
            } else {
                format!("{workdir}/{}", d.path)
            };
            Some(StaticFiles {
                url,
                from,
                root: STATIC_ROOT.into(),
            })
        });
    Some(ProxyPlan {
        image: format!("nginx:{}", crate::knowledge::pins::NGINX),
        port: PORT,
        uid: UID,
        config: CONFIG.into(),
        image_name: static_files.as_ref().map(|_| format!("{image_name}-proxy")),
        static_files,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn answers_parse_to_proxies() {
        assert_eq!(Proxy::parse("nginx").unwrap(), Proxy::Nginx);
        assert_eq!(Proxy::parse(" none ").unwrap(), Proxy::None);
        let e = Proxy::parse("caddy").unwrap_err();
        assert!(e.contains("`caddy` is not a front proxy"), "{e}");
    }
}
