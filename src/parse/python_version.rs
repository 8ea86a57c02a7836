//! The Python version of the image, by the precedence in detection-notes.md:
//! explicit flag > `.python-version` > `.tool-versions` / `mise.toml` > `runtime.txt` > Pipfile
//! `python_full_version` / `python_version` > `requires-python` (or Poetry's `python`) > the default.
//!
//! A pin yields its `major.minor`. A range yields the default when the default is inside it, else the
//! newest supported minor inside it; a range never leaks into the value. The host's Python is never asked.

use crate::base::python::PythonVersion;
use std::str::FromStr;

use pep440_rs::{Version, VersionSpecifiers};

use crate::knowledge::{DEFAULT_PYTHON, SUPPORTED_PYTHONS};

/// `major.minor` from a version-ish string: `3.12`, `3.12.1`, `python-3.12.1`, `cpython-3.12`, `3.12-dev`.
pub fn major_minor(s: &str) -> Option<PythonVersion> {
    let start = s.find(|c: char| c.is_ascii_digit())?;
    let mut parts = s[start..].split(|c: char| !c.is_ascii_digit());
    let major: u64 = parts.next()?.parse().ok()?;
    let minor: u64 = parts.next()?.parse().ok()?;
    if major != 3 {
        return None;
    }
    Some(PythonVersion::new(major, minor))
}

/// First version in a `.python-version` file (one per line; comments allowed).
pub fn from_python_version_file(text: &str) -> Option<PythonVersion> {
    text.lines()
        .map(|l| l.trim())
        .find(|l| !l.is_empty() && !l.starts_with('#'))
        .and_then(major_minor)
}

/// `python 3.12.1` in asdf's `.tool-versions`.
pub fn from_tool_versions(text: &str) -> Option<(PythonVersion, usize)> {
    text.lines().enumerate().find_map(|(i, l)| {
        let mut w = l.split_whitespace();
        (w.next()? == "python").then_some(())?;
        Some((major_minor(w.next()?)?, i + 1))
    })
}

/// `[tools] python = "3.12"` (or a list, or `{ version = "3.12" }`) in `mise.toml`.
pub fn from_mise(text: &str) -> Option<PythonVersion> {
    let v: toml::Table = toml::from_str(text).ok()?;
    let py = v.get("tools")?.get("python")?;
    let s = match py {
        toml::Value::String(s) => s.clone(),
        toml::Value::Array(a) => a.first()?.as_str()?.to_string(),
        toml::Value::Table(t) => t.get("version")?.as_str()?.to_string(),
        _ => return None,
    };
    major_minor(&s)
}

/// Converts a Poetry constraint (`^3.12`, `~3.11`, `>=3.10,<3.13`, `3.12.*`, `>=3.9 || ^3.12`) to PEP 440
/// alternatives.
fn caret_tilde_to_pep440(spec: &str) -> Vec<String> {
    spec.split("||")
        .map(|alt| {
            alt.split([',', ' '])
                .filter(|t| !t.is_empty())
                .map(|t| {
                    if let Some(v) = t.strip_prefix('^') {
                        let nums: Vec<u64> = v.split('.').filter_map(|n| n.parse().ok()).collect();
                        let upper = match nums.as_slice() {
                            [0, m, ..] => format!("0.{}", m + 1),
                            [a, ..] => format!("{}", a + 1),
                            [] => "999".into(),
                        };
                        format!(">={v},<{upper}")
                    } else if let Some(v) = t.strip_prefix('~').filter(|v| !v.starts_with('=')) {
                        let nums: Vec<u64> = v.split('.').filter_map(|n| n.parse().ok()).collect();
                        let upper = match nums.as_slice() {
                            [a] => format!("{}", a + 1),
                            [a, b, ..] => format!("{a}.{}", b + 1),
                            [] => "999".into(),
                        };
                        format!(">={v},<{upper}")
                    } else if t.starts_with(|c: char| c.is_ascii_digit()) {
                        format!("=={t}")
                    } else {
                        t.to_string()
                    }
                })
                .collect::<Vec<_>>()
                .join(",")
        })
        .collect()
}

/// How a declared range is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RangeSyntax {
    /// PEP 440 specifiers (`requires-python`).
    Pep440,
    /// Caret and tilde constraints with `||` alternatives (Poetry's `python` dependency).
    CaretTilde,
}

/// A range the project declares: its text, its line, and how it is written.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PythonRange {
    pub spec: String,
    pub line: usize,
    pub syntax: RangeSyntax,
}

impl PythonRange {
    /// Whether any patch release of `v` is inside the range (`Err`: the range does not parse).
    pub fn admits(&self, v: PythonVersion) -> Result<bool, String> {
        range_admits(&self.spec, self.syntax, v)
    }

    /// The version to choose inside the range, as [`from_range`].
    pub fn choose(&self) -> Result<Option<PythonVersion>, String> {
        from_range(&self.spec, self.syntax)
    }
}

fn parse_range(spec: &str, syntax: RangeSyntax) -> Result<Vec<VersionSpecifiers>, String> {
    let alts = match syntax {
        RangeSyntax::CaretTilde => caret_tilde_to_pep440(spec),
        RangeSyntax::Pep440 => vec![spec.to_string()],
    };
    alts.iter()
        .map(|a| VersionSpecifiers::from_str(a).map_err(|e| e.to_string()))
        .collect()
}

/// Whether any patch release of `minor` satisfies the range (`>=3.12.4` still admits 3.12).
fn admits(parsed: &[VersionSpecifiers], v: PythonVersion) -> bool {
    let (a, b) = (v.major, v.minor);
    [0u64, 999].iter().any(|p| {
        let v = Version::new([a, b, *p]);
        parsed.iter().any(|s| s.contains(&v))
    })
}

/// Whether the range (PEP 440, or Poetry syntax when `poetry`) admits `minor`.
pub fn range_admits(spec: &str, syntax: RangeSyntax, minor: PythonVersion) -> Result<bool, String> {
    Ok(admits(&parse_range(spec, syntax)?, minor))
}

/// Chooses a minor from a range: the default if inside, else the newest supported minor inside.
/// `poetry` selects Poetry's constraint syntax. `Err` carries a message for an unparseable range.
pub fn from_range(spec: &str, syntax: RangeSyntax) -> Result<Option<PythonVersion>, String> {
    let parsed = parse_range(spec, syntax)?;
    if admits(&parsed, DEFAULT_PYTHON) {
        return Ok(Some(DEFAULT_PYTHON));
    }
    Ok(SUPPORTED_PYTHONS
        .iter()
        .rev()
        .copied()
        .find(|m| admits(&parsed, *m)))
}

/// Whether `minor` is one dockgen has images for.
pub fn supported(minor: PythonVersion) -> bool {
    SUPPORTED_PYTHONS.contains(&minor)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pins_reduce_to_major_minor() {
        for (s, want) in [
            ("3.12", Some(PythonVersion::new(3, 12))),
            ("3.12.1", Some(PythonVersion::new(3, 12))),
            ("python-3.11.9", Some(PythonVersion::new(3, 11))),
            ("cpython-3.13.0-linux", Some(PythonVersion::new(3, 13))),
            ("pypy3.10", Some(PythonVersion::new(3, 10))),
            ("system", None),
            ("2.7", None),
        ] {
            assert_eq!(major_minor(s), want, "{s}");
        }
        assert_eq!(
            from_python_version_file("# pinned\n\n3.12.4\n3.11\n"),
            Some(PythonVersion::new(3, 12))
        );
        assert_eq!(
            from_tool_versions("nodejs 20.1.0\npython 3.12.7 3.11.0\n"),
            Some((PythonVersion::new(3, 12), 2))
        );
        assert_eq!(
            from_mise("[tools]\npython = \"3.12\"\n"),
            Some(PythonVersion::new(3, 12))
        );
        assert_eq!(
            from_mise("[tools]\npython = [\"3.11\", \"3.12\"]\n"),
            Some(PythonVersion::new(3, 11))
        );
    }

    #[test]
    fn ranges_choose_default_or_newest_inside() {
        for (spec, poetry, want) in [
            (">=3.12", false, Some(PythonVersion::new(3, 13))),
            (">=3.10,<3.13", false, Some(PythonVersion::new(3, 12))),
            ("==3.11.*", false, Some(PythonVersion::new(3, 11))),
            (">=3.12.4,<3.13", false, Some(PythonVersion::new(3, 12))),
            ("~=3.11", false, Some(PythonVersion::new(3, 13))),
            ("<3.9", false, None),
            ("^3.11", true, Some(PythonVersion::new(3, 13))),
            ("~3.11", true, Some(PythonVersion::new(3, 11))),
            (">=3.10,<3.12", true, Some(PythonVersion::new(3, 11))),
            ("3.12.*", true, Some(PythonVersion::new(3, 12))),
            (">=3.8 <3.11", true, Some(PythonVersion::new(3, 10))),
        ] {
            let syntax = match poetry {
                true => RangeSyntax::CaretTilde,
                false => RangeSyntax::Pep440,
            };
            assert_eq!(from_range(spec, syntax).unwrap(), want, "{spec}");
        }
        assert!(from_range(">=banana", RangeSyntax::Pep440).is_err());
        assert_eq!(
            range_admits(">=3.13", RangeSyntax::Pep440, PythonVersion::new(3, 12)),
            Ok(false)
        );
        assert_eq!(
            range_admits("^3.8", RangeSyntax::CaretTilde, PythonVersion::new(3, 8)),
            Ok(true)
        );
    }
}
