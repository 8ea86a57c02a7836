//! Bounded child processes: every program dockgen runs (today only `git`, see [`crate::output::ownership`]) runs
//! through [`run`], with a time limit and a cap on what it may print, so a child that blocks (on a FIFO
//! it opened, on a lock) or floods its pipe cannot hang dockgen or exhaust its memory.
//!
//! This module runs what it is given; what the command may do (its environment, its configuration) is
//! the caller's to restrict.

use std::io::{Read, Write};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

/// How long a child may run and how much it may print on stdout.
#[derive(Debug, Clone, Copy)]
pub struct Limits {
    pub timeout: Duration,
    pub max_output: usize,
}

/// Why a child gave no usable output.
#[derive(Debug)]
pub enum Failure {
    /// It could not be started (not installed, not executable).
    Spawn(std::io::Error),
    /// It ran past the time limit and was killed.
    TimedOut(Duration),
    /// It printed more than the limit allows and was killed.
    TooMuchOutput(usize),
    /// It exited unsuccessfully.
    Failed(ExitStatus),
}

impl std::fmt::Display for Failure {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Failure::Spawn(e) => write!(f, "it could not be started: {e}"),
            Failure::TimedOut(t) => write!(
                f,
                "it did not finish within {} s (a FIFO or a lock in its way?) and was stopped",
                t.as_secs_f32()
            ),
            Failure::TooMuchOutput(n) => {
                write!(f, "it printed more than {n} bytes and was stopped")
            }
            Failure::Failed(status) => write!(f, "it failed ({status})"),
        }
    }
}

/// Runs `cmd` with `input` on its stdin (else `/dev/null`), stdout captured and stderr discarded, within
/// `limits`. The child is killed when it runs too long or prints too much.
pub fn run(cmd: &mut Command, input: Option<&[u8]>, limits: Limits) -> Result<Vec<u8>, Failure> {
    cmd.stdin(if input.is_some() {
        Stdio::piped()
    } else {
        Stdio::null()
    })
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    let mut child = cmd.spawn().map_err(Failure::Spawn)?;
    if let (Some(bytes), Some(mut stdin)) = (input, child.stdin.take()) {
        let bytes = bytes.to_vec();
        // On its own thread: a child that does not read its input must not block us on a full pipe.
        std::thread::spawn(move || {
            let _ = stdin.write_all(&bytes);
        });
    }
    let (tx, rx) = mpsc::channel();
    if let Some(stdout) = child.stdout.take() {
        let max = limits.max_output;
        std::thread::spawn(move || {
            let mut out = Vec::new();
            let _ = stdout.take(max as u64 + 1).read_to_end(&mut out);
            let _ = tx.send(out);
        });
    }
    let deadline = Instant::now() + limits.timeout;
    let status = loop {
        match child.try_wait() {
            Ok(Some(status)) => break Some(status),
            Ok(None) if Instant::now() < deadline => std::thread::sleep(Duration::from_millis(5)),
            _ => break None,
        }
    };
    let Some(status) = status else {
        let _ = child.kill();
        let _ = child.wait();
        return Err(Failure::TimedOut(limits.timeout));
    };
    // A grandchild may still hold the pipe open: wait for the output only briefly.
    let out = rx
        .recv_timeout(Duration::from_millis(500))
        .unwrap_or_default();
    if out.len() > limits.max_output {
        return Err(Failure::TooMuchOutput(limits.max_output));
    }
    if !status.success() {
        return Err(Failure::Failed(status));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    const QUICK: Limits = Limits {
        timeout: Duration::from_millis(300),
        max_output: 16,
    };

    #[test]
    fn output_within_the_limits_is_returned() {
        let out = run(Command::new("cat").arg("-"), Some(b"hello"), QUICK).unwrap();
        assert_eq!(out, b"hello");
        assert!(matches!(
            run(&mut Command::new("false"), None, QUICK),
            Err(Failure::Failed(_))
        ));
        assert!(matches!(
            run(&mut Command::new("/nonexistent/x"), None, QUICK),
            Err(Failure::Spawn(_))
        ));
    }

    #[test]
    fn a_child_that_hangs_or_floods_is_stopped() {
        let started = Instant::now();
        let err = run(Command::new("sleep").arg("30"), None, QUICK).unwrap_err();
        assert!(matches!(err, Failure::TimedOut(_)), "{err}");
        assert!(started.elapsed() < Duration::from_secs(5));
        let err = run(&mut Command::new("yes"), None, QUICK).unwrap_err();
        assert!(matches!(err, Failure::TooMuchOutput(16)), "{err}");
    }
}
