//! The real [`Runner`]: child processes with a time bound, in their own process group (so a Ctrl-C in
//! the terminal reaches dockgen, which stops the child and tears the stack down, instead of killing
//! compose halfway), and a minimal HTTP/1.1 GET over a TCP socket for the web checks.

use std::io::{Read, Write};
use std::net::{SocketAddr, TcpListener, TcpStream};
use std::os::unix::process::CommandExt;
use std::process::{Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use super::{Cmd, Output, Runner};

/// The most of a child's stdout or stderr kept (its end: where the errors are).
const KEEP: usize = 1 << 20;

/// Runs processes for real. `cancel` (set by the Ctrl-C handler) stops the running child.
pub struct ProcessRunner<'a> {
    pub cancel: &'a AtomicBool,
}

fn tail(mut bytes: Vec<u8>) -> String {
    if bytes.len() > KEEP {
        bytes.drain(..bytes.len() - KEEP);
    }
    String::from_utf8_lossy(&bytes).into_owned()
}

fn reader(pipe: Option<impl Read + Send + 'static>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut buf = Vec::new();
        if let Some(mut p) = pipe {
            let _ = p.read_to_end(&mut buf);
        }
        buf
    })
}

/// Stops the child's whole process group: TERM, then KILL after a grace period.
fn stop(child: &mut std::process::Child) {
    let group = format!("-{}", child.id());
    let _ = Command::new("kill")
        .args(["-s", "TERM", "--", &group])
        .stderr(Stdio::null())
        .status();
    let grace = Instant::now();
    while grace.elapsed() < Duration::from_secs(10) {
        if let Ok(Some(_)) = child.try_wait() {
            return;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = Command::new("kill")
        .args(["-s", "KILL", "--", &group])
        .stderr(Stdio::null())
        .status();
    let _ = child.kill();
    let _ = child.wait();
}

impl Runner for ProcessRunner<'_> {
    fn run(&mut self, cmd: &Cmd) -> Output {
        let mut c = Command::new(&cmd.program);
        c.args(&cmd.args)
            .current_dir(&cmd.dir)
            .envs(cmd.env.iter().map(|(k, v)| (k, v)))
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .process_group(0);
        let mut child = match c.spawn() {
            Ok(child) => child,
            Err(e) => {
                return Output {
                    spawn_error: Some(e.to_string()),
                    ..Output::default()
                };
            }
        };
        let out = reader(child.stdout.take());
        let err = reader(child.stderr.take());
        let started = Instant::now();
        let mut timed_out = false;
        let code = loop {
            match child.try_wait() {
                Ok(Some(status)) => break status.code(),
                Ok(None) => {}
                Err(_) => break None,
            }
            let cancelled = cmd.cancellable && self.cancel.load(Ordering::SeqCst);
            if cancelled || started.elapsed() > cmd.timeout {
                timed_out = !cancelled;
                stop(&mut child);
                break None;
            }
            std::thread::sleep(Duration::from_millis(50));
        };
        Output {
            code,
            stdout: tail(out.join().unwrap_or_default()),
            stderr: tail(err.join().unwrap_or_default()),
            timed_out,
            spawn_error: None,
        }
    }

    fn http_get(&mut self, port: u16, path: &str, host: &str) -> Result<u16, String> {
        let addr = SocketAddr::from(([127, 0, 0, 1], port));
        let timeout = Duration::from_secs(10);
        let mut s = TcpStream::connect_timeout(&addr, timeout).map_err(|e| e.to_string())?;
        s.set_read_timeout(Some(timeout))
            .map_err(|e| e.to_string())?;
        s.set_write_timeout(Some(timeout))
            .map_err(|e| e.to_string())?;
        // One write: a server that answers after the request line would see the rest arrive late.
        let request = format!(
            "GET {path} HTTP/1.1\r\nHost: {host}:{port}\r\nUser-Agent: dockgen-verify\r\nAccept: */*\r\nConnection: close\r\n\r\n"
        );
        s.write_all(request.as_bytes()).map_err(|e| e.to_string())?;
        let mut head = Vec::new();
        let mut byte = [0u8; 1];
        while head.len() < 512 && !head.ends_with(b"\r\n") {
            match s.read(&mut byte) {
                Ok(0) => break,
                Ok(_) => head.push(byte[0]),
                Err(e) => return Err(e.to_string()),
            }
        }
        let line = String::from_utf8_lossy(&head);
        line.split_whitespace()
            .nth(1)
            .and_then(|c| c.parse().ok())
            .filter(|_| line.starts_with("HTTP/"))
            .ok_or_else(|| match line.trim() {
                "" => "the connection closed without an answer".to_string(),
                l => format!("not an HTTP answer: {l}"),
            })
    }

    fn free_port(&mut self) -> Result<u16, String> {
        let l = TcpListener::bind(("127.0.0.1", 0)).map_err(|e| e.to_string())?;
        l.local_addr().map(|a| a.port()).map_err(|e| e.to_string())
    }

    fn sleep(&mut self, d: Duration) {
        std::thread::sleep(d);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(program: &str, args: &[&str], timeout: Duration) -> Cmd {
        Cmd {
            program: program.into(),
            args: args.iter().map(|s| s.to_string()).collect(),
            dir: std::env::temp_dir(),
            env: vec![("DOCKGEN_T".into(), "x".into())],
            timeout,
            cancellable: true,
        }
    }

    #[test]
    fn a_child_past_its_time_bound_is_killed() {
        let cancel = AtomicBool::new(false);
        let mut r = ProcessRunner { cancel: &cancel };
        let started = Instant::now();
        let out = r.run(&cmd("sleep", &["30"], Duration::from_millis(300)));
        assert!(out.timed_out);
        assert_eq!(out.code, None);
        assert!(started.elapsed() < Duration::from_secs(10));
    }

    #[test]
    fn output_env_and_exit_code_come_back() {
        let cancel = AtomicBool::new(false);
        let mut r = ProcessRunner { cancel: &cancel };
        let out = r.run(&cmd(
            "sh",
            &["-c", "echo out $DOCKGEN_T; echo err >&2; exit 3"],
            Duration::from_secs(10),
        ));
        assert_eq!(
            (out.code, out.stdout.as_str(), out.stderr.as_str()),
            (Some(3), "out x\n", "err\n")
        );
        let missing = r.run(&cmd("/no/such/program", &[], Duration::from_secs(1)));
        assert!(missing.spawn_error.is_some());
    }

    #[test]
    fn http_get_reads_the_status_line() {
        let l = TcpListener::bind(("127.0.0.1", 0)).unwrap();
        let port = l.local_addr().unwrap().port();
        let server = std::thread::spawn(move || {
            let (mut s, _) = l.accept().unwrap();
            // The whole request, up to its blank line, then the answer.
            let mut got = Vec::new();
            let mut buf = [0u8; 1024];
            while !got.ends_with(b"\r\n\r\n") {
                let n = s.read(&mut buf).unwrap();
                if n == 0 {
                    break;
                }
                got.extend_from_slice(&buf[..n]);
            }
            s.write_all(b"HTTP/1.1 418 I'm a teapot\r\nContent-Length: 0\r\n\r\n")
                .unwrap();
            String::from_utf8_lossy(&got).into_owned()
        });
        let cancel = AtomicBool::new(false);
        let mut r = ProcessRunner { cancel: &cancel };
        assert_eq!(r.http_get(port, "/healthz", "example.com"), Ok(418));
        let request = server.join().unwrap();
        assert!(
            request.starts_with("GET /healthz HTTP/1.1\r\n"),
            "{request}"
        );
        assert!(
            request.contains(&format!("Host: example.com:{port}\r\n")),
            "{request}"
        );
        let closed = r.free_port().unwrap();
        assert!(r.http_get(closed, "/", "localhost").is_err());
    }
}
