//! The Python versions a project's CI runs its tests on: GitHub Actions workflows
//! (`actions/setup-python` steps' `python-version`, literal or `${{ matrix.<key> }}` through the job's
//! matrix, and jobs whose `container:` is a `python:X.Y` image) and GitLab CI (`image: python:X.Y`, at the
//! top level or in a job). Parsed as YAML, never searched as text: a version in a comment or an unrelated
//! key is not one. Decides nothing: detection picks among the versions.

use crate::base::python::PythonVersion;
use yaml_rust2::{Yaml, YamlLoader};

use super::python_version::major_minor;

/// The `major.minor` versions one CI file names (any order, duplicates removed). A file that is not
/// valid YAML names none.
pub fn pythons(text: &str, gitlab: bool) -> Vec<PythonVersion> {
    let Ok(docs) = YamlLoader::load_from_str(text) else {
        return vec![];
    };
    let mut out = vec![];
    for doc in &docs {
        if gitlab {
            gitlab_images(doc, &mut out);
        } else {
            github_jobs(doc, &mut out);
        }
    }
    out.sort();
    out.dedup();
    out
}

fn key<'a>(y: &'a Yaml, k: &str) -> &'a Yaml {
    &y[k]
}

/// A scalar as written: YAML reads `3.10` as a number, so keep its text (`Yaml::Real` keeps it).
fn scalar(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        _ => None,
    }
}

/// `python:3.12-slim` (also `docker.io/library/python:3.12`) → 3.12.
fn python_image(image: &str) -> Option<PythonVersion> {
    let (name, tag) = image.rsplit_once(':')?;
    let name = name.rsplit('/').next()?;
    (name == "python").then(|| major_minor(tag.split('-').next()?))?
}

fn github_jobs(doc: &Yaml, out: &mut Vec<PythonVersion>) {
    let Some(jobs) = key(doc, "jobs").as_hash() else {
        return;
    };
    for job in jobs.values() {
        let matrix = key(key(job, "strategy"), "matrix");
        let container = key(job, "container");
        let image = scalar(container).or_else(|| scalar(key(container, "image")));
        out.extend(image.as_deref().and_then(python_image));
        for step in key(job, "steps").as_vec().into_iter().flatten() {
            let uses = scalar(key(step, "uses")).unwrap_or_default();
            if !uses.starts_with("actions/setup-python@") {
                continue;
            }
            let version = key(key(step, "with"), "python-version");
            for v in version_values(version, matrix) {
                out.extend(major_minor(&v));
            }
        }
    }
}

/// A `python-version` value: a scalar, a list, a multi-line string (setup-python takes one version a
/// line), or `${{ matrix.<key> }}` resolved through the job's matrix.
fn version_values(v: &Yaml, matrix: &Yaml) -> Vec<String> {
    let mut out = vec![];
    let items: Vec<&Yaml> = match v.as_vec() {
        Some(list) => list.iter().collect(),
        None => vec![v],
    };
    for item in items {
        let Some(s) = scalar(item) else { continue };
        if let Some(name) = matrix_ref(&s) {
            let values = key(matrix, name);
            match values.as_vec() {
                Some(list) => out.extend(list.iter().filter_map(scalar)),
                None => out.extend(scalar(values)),
            }
            // `include:` entries may add versions too.
            for inc in key(matrix, "include").as_vec().into_iter().flatten() {
                out.extend(scalar(key(inc, name)));
            }
        } else {
            out.extend(
                s.lines()
                    .map(|l| l.trim().to_string())
                    .filter(|l| !l.is_empty()),
            );
        }
    }
    out
}

/// `${{ matrix.python-version }}` → `python-version`.
fn matrix_ref(s: &str) -> Option<&str> {
    let inner = s.trim().strip_prefix("${{")?.strip_suffix("}}")?.trim();
    inner.strip_prefix("matrix.")
}

fn gitlab_images(doc: &Yaml, out: &mut Vec<PythonVersion>) {
    let Some(top) = doc.as_hash() else { return };
    let image = |y: &Yaml| scalar(y).or_else(|| scalar(key(y, "name")));
    out.extend(image(key(doc, "image")).as_deref().and_then(python_image));
    for job in top.values() {
        out.extend(image(key(job, "image")).as_deref().and_then(python_image));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn setup_python_literal_and_unquoted_numbers() {
        let wf = "
on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      # - uses: actions/setup-python@v5   with python-version 3.9 (a comment, not a step)
      - uses: actions/setup-python@v5
        with:
          python-version: 3.10
";
        assert_eq!(pythons(wf, false), vec![PythonVersion::new(3, 10)]);
    }

    #[test]
    fn a_matrix_gives_every_version_it_lists() {
        let wf = r#"
jobs:
  test:
    strategy:
      matrix:
        python-version: ["3.11", "3.12"]
        include:
          - python-version: "3.13"
    steps:
      - uses: actions/setup-python@v5
        with:
          python-version: ${{ matrix.python-version }}
  lint:
    container: python:3.9-slim
    steps:
      - run: ruff check
"#;
        assert_eq!(
            pythons(wf, false),
            vec![
                PythonVersion::new(3, 9),
                PythonVersion::new(3, 11),
                PythonVersion::new(3, 12),
                PythonVersion::new(3, 13)
            ]
        );
    }

    #[test]
    fn other_keys_and_actions_name_no_version() {
        let wf = "
jobs:
  build:
    env:
      python-version: '3.8'
    steps:
      - uses: actions/setup-node@v4
        with:
          python-version: '3.7'
";
        assert!(pythons(wf, false).is_empty());
        assert!(pythons("jobs: [unclosed", false).is_empty());
    }

    #[test]
    fn gitlab_images_at_the_top_and_in_jobs() {
        let ci = "
image: python:3.12-slim
test:
  image:
    name: docker.io/library/python:3.11
  script: [pytest]
build:
  image: docker:24
";
        assert_eq!(
            pythons(ci, true),
            vec![PythonVersion::new(3, 11), PythonVersion::new(3, 12)]
        );
    }
}
