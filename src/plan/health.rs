//! The web service's healthcheck: an HTTP request to the app's health route, or, without one, to `/`.
//!
//! A TCP connect is not enough: the kernel accepts connections on a listening socket whose workers are
//! all stuck, so a wedged app would stay healthy. The probe sends a real request on `127.0.0.1:$PORT` and
//! needs an answer within 3 seconds: from the health route, any status but 404 (the route is not there)
//! and 5xx (the app or what it checks is failing); at `/`, any status at all (the app may answer `/`
//! with 404 or a redirect and still be alive). A 400 passes on purpose: Django answers 400 to a `Host`
//! its ALLOWED_HOSTS lacks, and a production ALLOWED_HOSTS rarely lists 127.0.0.1, yet the app is alive;
//! so do 401 and 403 from a route behind authentication. It uses `http.client`, which does not follow redirects (urllib would follow an HTTPS redirect
//! to a port nothing listens on). The image has Python, so the probe needs no curl.

use super::{HealthCheck, PlanOptions};
use crate::base::evidence::Key;
use crate::detect::Project;

pub(super) fn plan(p: &Project, opts: &PlanOptions, port: u16) -> HealthCheck {
    let (path, why) = match (&opts.health_path, &p.health_path) {
        (Some(Some(path)), _) => (Some(path.clone()), "the health-path answer".to_string()),
        (Some(None), _) => (
            None,
            "the health-path answer says there is no health route".to_string(),
        ),
        (None, Some(path)) => {
            let why = p
                .evidence
                .get(&Key::HealthPath)
                .map_or_else(|| "the app's route".to_string(), |e| e.to_string());
            (Some(path.clone()), why)
        }
        (None, None) => (
            None,
            "no health route was found (give one with --health-path)".to_string(),
        ),
    };
    let test = vec![
        "CMD".to_string(),
        "python".to_string(),
        "-c".to_string(),
        probe(path.as_deref(), port),
    ];
    let why = match &path {
        Some(p) => format!("GET {p} must answer within 3s, with neither 404 nor 5xx: {why}"),
        None => format!("any HTTP answer at / within 3s counts (a wedged app gives none): {why}"),
    };
    HealthCheck { path, why, test }
}

/// The Python probe: exits 0 when the app answers as required.
fn probe(path: Option<&str>, port: u16) -> String {
    let connect = format!(
        "import http.client, os; c = http.client.HTTPConnection('127.0.0.1', int(os.environ.get('PORT') or {port}), timeout=3); "
    );
    match path {
        Some(path) => format!(
            "{connect}c.request('GET', '{path}'); s = c.getresponse().status; raise SystemExit(0 if s < 500 and s != 404 else 'GET {path} answered %d' % s)"
        ),
        None => format!("{connect}c.request('GET', '/'); c.getresponse()"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Runs the probe against a one-shot HTTP server answering `status`, when a python3 is at hand.
    fn run_probe(path: Option<&str>, status: u16) -> Option<bool> {
        use std::io::{Read, Write};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").ok()?;
        let port = listener.local_addr().ok()?.port();
        let server = std::thread::spawn(move || {
            if let Ok((mut s, _)) = listener.accept() {
                let mut buf = [0u8; 1024];
                let n = s.read(&mut buf).unwrap_or(0);
                let request = String::from_utf8_lossy(&buf[..n]).into_owned();
                let _ = write!(
                    s,
                    "HTTP/1.1 {status} X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                );
                return request;
            }
            String::new()
        });
        let out = std::process::Command::new("python3")
            .args(["-c", &probe(path, port)])
            .env("PORT", port.to_string())
            .output()
            .ok()?;
        let request = server.join().ok()?;
        let want = format!("GET {} HTTP/1.1", path.unwrap_or("/"));
        assert!(request.starts_with(&want), "{request}");
        Some(out.status.success())
    }

    #[test]
    fn the_probe_fails_on_404_and_5xx_from_the_health_route_and_needs_any_answer_at_the_root() {
        // Without a python3 on the test machine there is nothing to run the probe with.
        let Some(ok) = run_probe(Some("/healthz"), 200) else {
            return;
        };
        assert!(ok);
        assert_eq!(run_probe(Some("/healthz"), 503), Some(false));
        assert_eq!(run_probe(Some("/healthz"), 404), Some(false));
        assert_eq!(run_probe(Some("/healthz"), 500), Some(false));
        assert_eq!(run_probe(Some("/healthz"), 302), Some(true));
        // Django's answer to a Host its ALLOWED_HOSTS lacks: the app is alive.
        assert_eq!(run_probe(Some("/healthz"), 400), Some(true));
        assert_eq!(run_probe(None, 404), Some(true));
    }

    #[test]
    fn a_silent_listener_is_unhealthy() {
        // Accepts the connection (the backlog does) and never answers: a wedged app.
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let port = listener.local_addr().unwrap().port();
        let Ok(out) = std::process::Command::new("python3")
            .args(["-c", &probe(None, port)])
            .env_remove("PORT")
            .output()
        else {
            return;
        };
        assert!(!out.status.success());
        drop(listener);
    }
}
