//! The index over HTTP(S) with `ureq`: TLS through rustls, verified against the operating system's
//! certificate store (`rustls-platform-verifier`), so an index behind a company's TLS-inspecting proxy,
//! whose CA only the system store has, is trusted as pip and uv trust it there.

use std::time::Duration;

use super::{Answer, Fetch};

/// Bodies larger than this are refused (a project with thousands of files answers a few MB).
const MAX_BODY: u64 = 32 * 1024 * 1024;

/// The real [`Fetch`].
pub struct Http;

impl Fetch for Http {
    fn get(&self, url: &str, accept: &str, timeout: Duration) -> Result<Answer, String> {
        let tls = ureq::tls::TlsConfig::builder()
            .root_certs(ureq::tls::RootCerts::PlatformVerifier)
            .build();
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .tls_config(tls)
            .timeout_global(Some(timeout))
            .http_status_as_error(false)
            .user_agent(concat!("dockgen/", env!("CARGO_PKG_VERSION")))
            .build()
            .into();
        let mut response = agent
            .get(url)
            .header("Accept", accept)
            .call()
            .map_err(|e| e.to_string())?;
        match response.status().as_u16() {
            200 => response
                .body_mut()
                .with_config()
                .limit(MAX_BODY)
                .read_to_string()
                .map(Answer::Body)
                .map_err(|e| e.to_string()),
            404 => Ok(Answer::NotFound),
            s => Err(format!("{url} answered HTTP {s}")),
        }
    }
}
