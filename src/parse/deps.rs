//! Dependencies as parsed facts: PEP 508 requirements, PEP 503 names, extras kept, evidence attached.
//!
//! Every manifest and lockfile reader produces a [`DepSet`]; nothing downstream looks at raw text. Names
//! are compared only after normalisation, so `Django`, `dj_database_url` and `Psycopg[binary]` mean what
//! pip means by them, and `djangorestframework` is never mistaken for `django`. Markers are evaluated for a
//! Linux CPython, so `pywin32; sys_platform == "win32"` is not a runtime dependency of the image.

use std::collections::{BTreeMap, BTreeSet};
use std::str::FromStr;
use std::sync::OnceLock;

use pep508_rs::{MarkerEnvironment, MarkerEnvironmentBuilder, Requirement};
use serde::Serialize;

use crate::base::evidence::Evidence;

/// PEP 503 normalisation: lowercase, runs of `-`, `_`, `.` become one `-`.
pub fn normalize(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut sep = false;
    for c in name.trim().chars() {
        if c == '-' || c == '_' || c == '.' {
            sep = true;
        } else {
            if sep && !out.is_empty() {
                out.push('-');
            }
            sep = false;
            out.push(c.to_ascii_lowercase());
        }
    }
    out
}

/// One dependency: its normalised name, the extras requested, and where it was found.
#[derive(Debug, Clone, Serialize)]
pub struct Dep {
    /// The normalised name (also the map key, so not repeated in reports).
    #[serde(skip)]
    pub name: String,
    pub extras: BTreeSet<String>,
    /// Requested by the project itself (not only pulled in by another package).
    pub direct: bool,
    /// The installed version, where a lockfile says or a requirement pins it exactly (`==2.1.3`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub version: Option<String>,
    pub evidence: Evidence,
}

/// The production dependencies of a project, by normalised name.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(transparent)]
pub struct DepSet(pub BTreeMap<String, Dep>);

impl DepSet {
    /// Adds a dependency, merging extras with any already present; the first evidence is kept.
    pub fn add(
        &mut self,
        name: &str,
        extras: impl IntoIterator<Item = String>,
        direct: bool,
        evidence: Evidence,
    ) {
        let key = normalize(name);
        let entry = self.0.entry(key.clone()).or_insert_with(|| Dep {
            name: key,
            extras: BTreeSet::new(),
            direct,
            version: None,
            evidence,
        });
        entry.direct |= direct;
        entry
            .extras
            .extend(extras.into_iter().map(|e| normalize(&e)));
    }

    pub fn set_version(&mut self, name: &str, version: &str) {
        if let Some(d) = self.0.get_mut(&normalize(name)) {
            d.version = Some(version.to_string());
        }
    }

    pub fn get(&self, name: &str) -> Option<&Dep> {
        self.0.get(&normalize(name))
    }

    pub fn has(&self, name: &str) -> bool {
        self.get(name).is_some()
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Dep> {
        self.0.values()
    }
}

/// A parsed PEP 508 requirement, reduced to what detection uses.
#[derive(Debug, Clone, PartialEq)]
pub struct Req {
    pub name: String,
    pub extras: Vec<String>,
    /// Whether its markers hold on the Linux CPython image.
    pub applies: bool,
    /// The version when the requirement pins exactly one (`==2.1.3`, not `==2.1.*` or a range).
    pub pinned: Option<String>,
}

fn linux_env() -> &'static MarkerEnvironment {
    static ENV: OnceLock<MarkerEnvironment> = OnceLock::new();
    ENV.get_or_init(|| {
        MarkerEnvironment::try_from(MarkerEnvironmentBuilder {
            implementation_name: "cpython",
            implementation_version: "3.13.0",
            os_name: "posix",
            platform_machine: "x86_64",
            platform_python_implementation: "CPython",
            platform_release: "",
            platform_system: "Linux",
            platform_version: "",
            python_full_version: "3.13.0",
            python_version: "3.13",
            sys_platform: "linux",
        })
        .expect("static marker environment is valid")
    })
}

/// Parses one PEP 508 requirement string.
pub fn parse_req(text: &str) -> Result<Req, String> {
    let r = Requirement::<pep508_rs::VerbatimUrl>::from_str(text)
        .map_err(|e| first_line(&e.to_string()))?;
    Ok(Req {
        name: r.name.to_string(),
        extras: r.extras.iter().map(|e| e.to_string()).collect(),
        applies: r.marker.evaluate(linux_env(), &[]),
        pinned: exact_pin(r.version_or_url.as_ref()),
    })
}

fn exact_pin(v: Option<&pep508_rs::VersionOrUrl>) -> Option<String> {
    let Some(pep508_rs::VersionOrUrl::VersionSpecifier(specs)) = v else {
        return None;
    };
    match specs.iter().collect::<Vec<_>>().as_slice() {
        [one]
            if matches!(
                one.operator(),
                pep508_rs::pep440_rs::Operator::Equal | pep508_rs::pep440_rs::Operator::ExactEqual
            ) =>
        {
            Some(one.version().to_string())
        }
        _ => None,
    }
}

/// Evaluates a bare marker expression (as lockfiles store them) for the Linux image; unparseable: true.
pub fn marker_applies(marker: &str) -> bool {
    match pep508_rs::MarkerTree::from_str(marker) {
        Ok(m) => m.evaluate(linux_env(), &[]),
        Err(_) => true,
    }
}

fn first_line(s: &str) -> String {
    s.lines().next().unwrap_or_default().trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_per_pep_503() {
        for (raw, want) in [
            ("Django", "django"),
            ("dj_database_url", "dj-database-url"),
            ("dj-database-url", "dj-database-url"),
            ("Zope.Interface", "zope-interface"),
            ("a__-._b", "a-b"),
            ("psycopg2-binary", "psycopg2-binary"),
        ] {
            assert_eq!(normalize(raw), want);
        }
    }

    #[test]
    fn parses_extras_and_markers() {
        let r = parse_req("Psycopg[binary,Pool] >=3.2 ; python_version >= '3.8'").unwrap();
        assert_eq!(r.name, "psycopg");
        assert_eq!(r.extras, vec!["binary", "pool"]);
        assert!(r.applies);
        assert_eq!(r.pinned, None);
        assert_eq!(
            parse_req("Flask==2.1.3").unwrap().pinned.as_deref(),
            Some("2.1.3")
        );
        for loose in ["flask==2.1.*", "flask>=2,<3", "flask==2.1.3,<3", "flask"] {
            assert_eq!(parse_req(loose).unwrap().pinned, None, "{loose}");
        }
        assert!(
            !parse_req("pywin32==306; sys_platform == \"win32\"")
                .unwrap()
                .applies
        );
        assert_eq!(
            parse_req("djangorestframework").unwrap().name,
            "djangorestframework"
        );
        assert!(parse_req("not a requirement !!").is_err());
        assert_eq!(
            parse_req("mypkg @ https://example.com/mypkg-1.0-py3-none-any.whl")
                .unwrap()
                .name,
            "mypkg"
        );
    }

    #[test]
    fn depset_merges_extras_and_keeps_direct() {
        let mut d = DepSet::default();
        d.add("Celery", vec![], false, Evidence::rule("x"));
        d.add("celery", vec!["Redis".into()], true, Evidence::rule("y"));
        let c = d.get("CELERY").unwrap();
        assert!(c.direct);
        assert_eq!(c.extras.iter().collect::<Vec<_>>(), vec!["redis"]);
        assert_eq!(c.evidence.rule, "x");
    }
}
