//! The Python version from the package index's wheels: the binary asks a local PEP 691 index (a
//! `TcpListener` in the test) which files the requirements' exact pins have. Nothing leaves the machine.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::sync::{Arc, Mutex};

use crate::cli::{dockgen, run};
use crate::support::project;

const PSYCOPG2: &str = r#"{"meta": {"api-version": "1.1"}, "name": "psycopg2-binary", "files": [
  {"filename": "psycopg2_binary-2.9.5-cp310-cp310-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "url": "x", "hashes": {}},
  {"filename": "psycopg2_binary-2.9.5-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "url": "x", "hashes": {}},
  {"filename": "psycopg2-binary-2.9.5.tar.gz", "url": "x", "hashes": {}},
  {"filename": "psycopg2_binary-2.9.10-cp313-cp313-manylinux_2_17_x86_64.manylinux2014_x86_64.whl", "url": "x", "hashes": {}}
]}"#;

const FLASK: &str = r#"{"meta": {"api-version": "1.1"}, "name": "flask", "files": [
  {"filename": "flask-3.0.0-py3-none-any.whl", "url": "x", "hashes": {}}
]}"#;

/// A local index answering PEP 691 JSON for flask and psycopg2-binary (404 otherwise); returns its
/// URL and the request lines it was sent.
fn serve() -> (String, Arc<Mutex<Vec<String>>>) {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}/simple", listener.local_addr().unwrap());
    let seen = Arc::new(Mutex::new(vec![]));
    let log = seen.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut first = String::new();
            reader.read_line(&mut first).unwrap();
            let mut accept = String::new();
            loop {
                let mut h = String::new();
                if reader.read_line(&mut h).unwrap() == 0 || h.trim().is_empty() {
                    break;
                }
                if h.to_ascii_lowercase().starts_with("accept:") {
                    accept = h.trim().to_string();
                }
            }
            log.lock()
                .unwrap()
                .push(format!("{} {accept}", first.trim()));
            let body = if first.contains(" /simple/psycopg2-binary/ ") {
                Some(PSYCOPG2)
            } else if first.contains(" /simple/flask/ ") {
                Some(FLASK)
            } else {
                None
            };
            let reply = match body {
                Some(b) => format!(
                    "HTTP/1.1 200 OK\r\nContent-Type: application/vnd.pypi.simple.v1+json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{b}",
                    b.len()
                ),
                None => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"
                    .into(),
            };
            let _ = stream.write_all(reply.as_bytes());
        }
    });
    (url, seen)
}

/// A `pip freeze` from an older Python: exact pins, no Python pin, no lockfile.
fn frozen(index_line: &str) -> tempfile::TempDir {
    let req = format!("{index_line}flask==3.0.0\npsycopg2-binary==2.9.5\nmy-private-lib==1.0\n");
    project(&[
        ("requirements.txt", req.as_bytes()),
        (
            "app.py",
            b"from flask import Flask\napp = Flask(__name__)\n",
        ),
    ])
}

/// `dockgen detect --json` in `dir`, allowed to ask the index, with a cache of its own.
fn detect_online(dir: &std::path::Path, cache: &std::path::Path) -> (serde_json::Value, String) {
    let (code, out, err) = run(dockgen(dir)
        .env_remove("DOCKGEN_OFFLINE")
        .env("XDG_CACHE_HOME", cache)
        .args(["detect", "--json"]));
    assert_eq!(code, 0, "{err}");
    (serde_json::from_str(&out).unwrap(), err)
}

#[test]
fn exact_pins_choose_the_newest_python_they_all_have_wheels_for() {
    let (url, seen) = serve();
    let d = frozen(&format!("--index-url {url}\n"));
    let cache = tempfile::tempdir().unwrap();
    let (p, _) = detect_online(d.path(), cache.path());
    assert_eq!(p["python_version"], "3.11", "{p:#}");
    let why = p["evidence"]["python_version"].to_string();
    assert!(
        why.contains("psycopg2-binary 2.9.5 has none for 3.13"),
        "{why}"
    );
    assert!(why.contains("requirements.txt"), "{why}");
    let asked = seen.lock().unwrap().clone();
    assert_eq!(asked.len(), 3, "one request per pin: {asked:?}");
    assert!(
        asked
            .iter()
            .all(|r| r.contains("application/vnd.pypi.simple.v1+json")),
        "{asked:?}"
    );
    // A second run is answered from the cache.
    detect_online(d.path(), cache.path());
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[test]
fn pip_index_url_names_the_index_when_the_requirements_do_not() {
    let (url, seen) = serve();
    let d = frozen("");
    let cache = tempfile::tempdir().unwrap();
    let (code, out, err) = run(dockgen(d.path())
        .env_remove("DOCKGEN_OFFLINE")
        .env("XDG_CACHE_HOME", cache.path())
        .env("PIP_INDEX_URL", &url)
        .arg("detect"));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Python 3.11"), "{out}");
    assert_eq!(seen.lock().unwrap().len(), 3);
}

#[test]
fn offline_a_pin_file_or_an_unreachable_index_leave_the_version_alone() {
    let (url, seen) = serve();
    let d = frozen(&format!("--index-url {url}\n"));
    let cache = tempfile::tempdir().unwrap();
    // --offline and DOCKGEN_OFFLINE ask nothing.
    let (code, out, err) = run(dockgen(d.path()).args(["detect", "--offline"]));
    assert_eq!(code, 0, "{err}");
    assert!(out.contains("Python 3.13"), "{out}");
    let (_, out, _) = run(dockgen(d.path())
        .env("XDG_CACHE_HOME", cache.path())
        .arg("detect"));
    assert!(out.contains("Python 3.13"), "{out}");
    assert!(seen.lock().unwrap().is_empty());
    // A pinned version is the project's decision: the index is not asked.
    std::fs::write(d.path().join(".python-version"), "3.13\n").unwrap();
    let (p, _) = detect_online(d.path(), cache.path());
    assert_eq!(p["python_version"], "3.13");
    assert!(seen.lock().unwrap().is_empty());
    std::fs::remove_file(d.path().join(".python-version")).unwrap();
    // An index nobody answers on is a warning; detection goes on with the default.
    let closed = TcpListener::bind("127.0.0.1:0").unwrap();
    let dead = format!("http://{}/simple", closed.local_addr().unwrap());
    drop(closed);
    std::fs::write(
        d.path().join("requirements.txt"),
        format!("-i {dead}\nflask==3.0.0\npsycopg2-binary==2.9.5\n"),
    )
    .unwrap();
    let (p, _) = detect_online(d.path(), cache.path());
    assert_eq!(p["python_version"], "3.13");
    let warnings = p["warnings"].to_string();
    assert!(warnings.contains("could not be asked"), "{warnings}");
}
