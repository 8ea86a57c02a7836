//! The package index, asked which files each exact pin has (PEP 691, the JSON form of the simple API):
//! for a project with no lockfile that lists file names, those lists say for which Python every pinned
//! package has a wheel. Decides nothing: `detect` fits the Python version to what this returns.
//!
//! Bounded: requests run on a few threads within one time budget for all of them, answers are cached on
//! disk for a day, and an index that cannot be reached is a warning, never an error. The HTTP access is
//! the [`Fetch`] trait, so tests answer from memory or a local server; [`Http`] is the real one.

mod cache;
mod http;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

pub use http::Http;

/// The media type of PEP 691's JSON answer.
pub const ACCEPT: &str = "application/vnd.pypi.simple.v1+json";

/// The index used when neither the project nor the environment names one.
pub const DEFAULT_INDEX: &str = "https://pypi.org/simple/";

/// The variable that, set to a true value, keeps dockgen from asking the index (as `--offline`).
pub const OFFLINE_VAR: &str = "DOCKGEN_OFFLINE";

/// At most this many requests at once.
const PARALLEL: usize = 8;

/// What a GET answered.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Answer {
    /// 200, with the body.
    Body(String),
    /// 404: the index has no such project (a private package, a typo).
    NotFound,
}

/// One HTTP GET of `url` with `Accept: accept`, taking at most `timeout`; `Err` is why it failed, in
/// one line (unreachable, timed out, another status).
pub trait Fetch: Send + Sync {
    fn get(&self, url: &str, accept: &str, timeout: Duration) -> Result<Answer, String>;
}

/// How detection may ask the index: through which [`Fetch`], the index the environment names, where
/// answers are cached and within what time in all.
#[derive(Clone)]
pub struct Access {
    pub fetch: Arc<dyn Fetch>,
    /// The first of the package managers' index variables that is set: (variable, URL), used when the
    /// requirements name no index.
    pub env_index: Option<(String, String)>,
    /// The cache directory; `None` caches nothing.
    pub cache: Option<PathBuf>,
    /// All requests together finish within this.
    pub budget: Duration,
}

impl fmt::Debug for Access {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Access")
            .field("env_index", &self.env_index)
            .field("cache", &self.cache)
            .field("budget", &self.budget)
            .finish_non_exhaustive()
    }
}

impl Access {
    /// The real index over HTTP, with the index the first set variable of `index_variables` names
    /// (the managers' own, from their registry) and the user's cache directory
    /// (`$XDG_CACHE_HOME/dockgen/index`, else `~/.cache/dockgen/index`).
    pub fn from_env(vars: impl Fn(&str) -> Option<String>, index_variables: &[&str]) -> Access {
        let env_index = index_variables.iter().find_map(|k| {
            vars(k)
                .filter(|v| !v.trim().is_empty())
                .map(|v| (k.to_string(), v.trim().to_string()))
        });
        let cache = vars("XDG_CACHE_HOME")
            .filter(|d| !d.is_empty())
            .map(PathBuf::from)
            .or_else(|| vars("HOME").map(|h| PathBuf::from(h).join(".cache")))
            .map(|d| d.join("dockgen").join("index"));
        Access {
            fetch: Arc::new(Http),
            env_index,
            cache,
            budget: Duration::from_secs(4),
        }
    }
}

/// The indexes to ask, first the main one: the requirements' `--index-url` (else the environment's,
/// else PyPI), then each `--extra-index-url`.
pub fn indexes(access: &Access, index_url: Option<&str>, extra: &[String]) -> Vec<String> {
    let main = index_url
        .map(str::to_string)
        .or_else(|| access.env_index.as_ref().map(|(_, u)| u.clone()))
        .unwrap_or_else(|| DEFAULT_INDEX.to_string());
    let mut all = vec![main];
    all.extend(extra.iter().cloned());
    all.dedup();
    all
}

/// One request's answer: (pin, index, every file name of the project or `None` when the index has no
/// such project, or why it could not be asked).
type Asked = (usize, usize, Result<Option<Vec<String>>, String>);

/// What the indexes list for the pins: per package, its pinned version and the files of that version
/// (every index's together); and one warning per index that could not be asked.
#[derive(Debug, Default)]
pub struct Listing {
    pub files: BTreeMap<String, (String, Vec<String>)>,
    pub warnings: Vec<String>,
}

/// The files each pinned (name, version) has on `indexes`, asked in parallel within the budget.
pub fn files_of_pins(access: &Access, indexes: &[String], pins: &[(String, String)]) -> Listing {
    let deadline = Instant::now() + access.budget;
    let jobs: Vec<(usize, usize)> = (0..pins.len())
        .flat_map(|p| (0..indexes.len()).map(move |i| (p, i)))
        .collect();
    let next = Mutex::new(jobs.into_iter());
    let answers: Mutex<Vec<Asked>> = Mutex::new(vec![]);
    std::thread::scope(|s| {
        for _ in 0..PARALLEL.min(pins.len() * indexes.len()) {
            s.spawn(|| {
                loop {
                    let job = next.lock().map(|mut it| it.next()).ok().flatten();
                    let Some((p, i)) = job else { break };
                    let got = names_on(access, &indexes[i], &pins[p].0, deadline);
                    if let Ok(mut a) = answers.lock() {
                        a.push((p, i, got));
                    }
                }
            });
        }
    });
    collect(indexes, pins, answers.into_inner().unwrap_or_default())
}

/// The answers gathered into a [`Listing`]: a package is listed when every index answered for it.
fn collect(indexes: &[String], pins: &[(String, String)], answers: Vec<Asked>) -> Listing {
    let mut out = Listing::default();
    let mut failed: BTreeMap<usize, String> = BTreeMap::new();
    let mut files: BTreeMap<usize, Vec<String>> = BTreeMap::new();
    let mut unanswered: Vec<usize> = vec![];
    for (p, i, got) in answers {
        match got {
            Ok(names) => files.entry(p).or_default().extend(
                names
                    .unwrap_or_default()
                    .into_iter()
                    .filter(|f| of_version(f, &pins[p].1)),
            ),
            Err(why) => {
                failed.entry(i).or_insert(why);
                unanswered.push(p);
            }
        }
    }
    for (p, names) in files {
        if !unanswered.contains(&p) && !names.is_empty() {
            let (name, version) = &pins[p];
            out.files.insert(name.clone(), (version.clone(), names));
        }
    }
    for (i, why) in failed {
        out.warnings.push(format!(
            "the package index {} could not be asked which wheels the pinned packages have ({}); the Python version was chosen without it (pass --offline to skip asking)",
            shown(&indexes[i]),
            why.replace(&indexes[i], &shown(&indexes[i]))
        ));
    }
    out
}

/// Every file name the index lists for project `name` (any version): from the cache when fresh, else
/// asked (and cached); `None` when the index has no such project.
fn names_on(
    access: &Access,
    index: &str,
    name: &str,
    deadline: Instant,
) -> Result<Option<Vec<String>>, String> {
    let key = format!("{index}\n{name}");
    if let Some(hit) = access.cache.as_deref().and_then(|d| cache::get(d, &key)) {
        return Ok(hit);
    }
    let left = deadline.saturating_duration_since(Instant::now());
    if left.is_zero() {
        return Err("the time allowed for the index ran out".into());
    }
    let url = format!("{}/{}/", index.trim_end_matches('/'), normalize(name));
    let names = match access.fetch.get(&url, ACCEPT, left)? {
        Answer::NotFound => None,
        Answer::Body(body) => Some(file_names(&body).map_err(|e| format!("{url}: {e}"))?),
    };
    if let Some(dir) = access.cache.as_deref() {
        cache::put(dir, &key, names.as_deref());
    }
    Ok(names)
}

/// An index URL as reports show it: without the user and password a URL may carry
/// (`https://user:token@host/simple` -> `https://host/simple`).
pub fn shown(url: &str) -> String {
    match url.split_once("://") {
        Some((scheme, rest)) => {
            let host_end = rest.find('/').unwrap_or(rest.len());
            match rest[..host_end].rfind('@') {
                Some(at) => format!("{scheme}://{}", &rest[at + 1..]),
                None => url.to_string(),
            }
        }
        None => url.to_string(),
    }
}

/// PEP 503's normalised project name: lower case, runs of `-_.` as one `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::new();
    for c in name.chars() {
        if matches!(c, '-' | '_' | '.') {
            if !out.ends_with('-') {
                out.push('-');
            }
        } else {
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// The `files[].filename` of a PEP 691 JSON answer.
fn file_names(body: &str) -> Result<Vec<String>, String> {
    #[derive(serde::Deserialize)]
    struct Project {
        files: Vec<File>,
    }
    #[derive(serde::Deserialize)]
    struct File {
        filename: String,
    }
    let p: Project = serde_json::from_str(body)
        .map_err(|e| format!("not a PEP 691 JSON answer ({e}); the index may not serve it"))?;
    Ok(p.files.into_iter().map(|f| f.filename).collect())
}

/// Whether distribution file `file` (a wheel or an sdist) is of version `version` (PEP 440 equality,
/// so `2.9.5` matches `2.9.5.0`).
fn of_version(file: &str, version: &str) -> bool {
    let of = if let Some(stem) = file.strip_suffix(".whl") {
        stem.split('-').nth(1)
    } else {
        [".tar.gz", ".zip", ".tar.bz2", ".tgz"]
            .iter()
            .find_map(|ext| file.strip_suffix(ext))
            .and_then(|stem| stem.rsplit_once('-'))
            .map(|(_, v)| v)
    };
    let parse = |v: &str| v.parse::<pep508_rs::pep440_rs::Version>().ok();
    match (of.and_then(parse), parse(version)) {
        (Some(a), Some(b)) => a == b,
        _ => false,
    }
}

#[cfg(test)]
mod tests;
