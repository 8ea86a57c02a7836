//! Distribution file names (PEP 427 wheels, sdists) and whether a wheel installs on a given CPython on
//! Linux. A lockfile lists the files each locked package has on the index (uv.lock, poetry.lock,
//! pdm.lock); from those names alone one can tell whether pip will find a wheel for the image's Python
//! or will build the package from source. Decides nothing: `detect` uses it.

use crate::base::python::PythonVersion;

/// The platform the generated image runs on: glibc Linux on x86_64, glibc as in Debian bookworm (2.36),
/// the oldest release the stand-in and official `python:*-slim` images use.
const ARCH: &str = "x86_64";
const GLIBC_MINOR: u32 = 36;

/// What a locked package's files offer for one Python version.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fit {
    /// A wheel installs as is.
    Wheel,
    /// Only a source distribution: pip builds it (a compiler may be needed).
    SourceOnly,
    /// Wheels exist, but none for this Python on Linux x86_64, so pip builds the sdist.
    NoWheelForPython,
}

/// How `files` (file names, any order) fit CPython `major.minor` on Linux x86_64.
pub fn fit(files: &[String], python: PythonVersion) -> Fit {
    let wheels: Vec<&String> = files.iter().filter(|f| f.ends_with(".whl")).collect();
    if wheels.is_empty() {
        return Fit::SourceOnly;
    }
    if wheels.iter().any(|w| wheel_fits(w, python)) {
        Fit::Wheel
    } else {
        Fit::NoWheelForPython
    }
}

/// Whether every wheel is pure Python (`-none-any`): such a package fits every Python.
pub fn all_pure(files: &[String]) -> bool {
    files
        .iter()
        .filter(|f| f.ends_with(".whl"))
        .all(|w| tags(w).is_some_and(|(_, abi, plat)| abi == ["none"] && plat == ["any"]))
}

/// The (python, abi, platform) tag sets of a wheel file name, each split on `.` (compressed tag sets).
fn tags(file: &str) -> Option<(Vec<&str>, Vec<&str>, Vec<&str>)> {
    let stem = file.strip_suffix(".whl")?;
    let parts: Vec<&str> = stem.split('-').collect();
    // name-version(-build)?-python-abi-platform
    if !(5..=6).contains(&parts.len()) {
        return None;
    }
    let n = parts.len();
    Some((
        parts[n - 3].split('.').collect(),
        parts[n - 2].split('.').collect(),
        parts[n - 1].split('.').collect(),
    ))
}

/// Whether a wheel file installs on CPython `major.minor` on glibc Linux x86_64 (as pip's tag order
/// allows: `cpXY-cpXY`, `cpXY-abi3` down to `cp32`, `py3*-none`, on `any` or a manylinux platform the
/// image's glibc covers).
pub fn wheel_fits(file: &str, python: PythonVersion) -> bool {
    let PythonVersion { major, minor } = python;
    let Some((pys, abis, plats)) = tags(file) else {
        return false;
    };
    if !plats.iter().any(|p| platform_fits(p)) {
        return false;
    }
    let cp = format!("cp{major}{minor}");
    pys.iter().any(|py| {
        abis.iter().any(|abi| match *abi {
            "none" => {
                *py == cp
                    || *py == format!("py{major}")
                    || py_minor(py, major).is_some_and(|m| m <= minor)
            }
            "abi3" => cp_minor(py, major).is_some_and(|m| m <= minor),
            a => a == cp && *py == cp,
        })
    })
}

/// `py3` → None, `py311` → Some(11) for major 3.
fn py_minor(tag: &str, major: u64) -> Option<u64> {
    tag.strip_prefix(&format!("py{major}"))?.parse().ok()
}

fn cp_minor(tag: &str, major: u64) -> Option<u64> {
    tag.strip_prefix(&format!("cp{major}"))?.parse().ok()
}

fn platform_fits(p: &str) -> bool {
    if p == "any" {
        return true;
    }
    let Some(rest) = p.strip_suffix(&format!("_{ARCH}")) else {
        return false;
    };
    match rest {
        "manylinux1" | "manylinux2010" | "manylinux2014" => true,
        _ => rest
            .strip_prefix("manylinux_2_")
            .and_then(|m| m.parse::<u32>().ok())
            .is_some_and(|m| m <= GLIBC_MINOR),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn files(names: &[&str]) -> Vec<String> {
        names.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn pure_python_wheels_fit_every_python() {
        for py in [
            PythonVersion::new(3, 9),
            PythonVersion::new(3, 13),
            PythonVersion::new(3, 14),
        ] {
            assert!(wheel_fits("asgiref-3.13.0-py3-none-any.whl", py));
            assert!(wheel_fits("six-1.16.0-py2.py3-none-any.whl", py));
        }
        assert!(all_pure(&files(&["a-1-py3-none-any.whl", "a-1.tar.gz"])));
        assert!(!all_pure(&files(&[
            "g-3.0.1-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl"
        ])));
    }

    #[test]
    fn a_version_specific_wheel_fits_only_its_python() {
        let w = "greenlet-3.0.1-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl";
        assert!(wheel_fits(w, PythonVersion::new(3, 11)));
        assert!(!wheel_fits(w, PythonVersion::new(3, 12)));
        assert!(!wheel_fits(w, PythonVersion::new(3, 13)));
    }

    #[test]
    fn abi3_wheels_fit_their_python_and_newer() {
        let w = "cryptography-44.0.0-cp39-abi3-manylinux_2_28_x86_64.whl";
        assert!(!wheel_fits(w, PythonVersion::new(3, 8)));
        assert!(wheel_fits(w, PythonVersion::new(3, 9)));
        assert!(wheel_fits(w, PythonVersion::new(3, 14)));
    }

    #[test]
    fn other_platforms_and_newer_glibc_and_free_threading_do_not_fit() {
        for w in [
            "x-1-cp313-cp313-macosx_11_0_arm64.whl",
            "x-1-cp313-cp313-win_amd64.whl",
            "x-1-cp313-cp313-musllinux_1_2_x86_64.whl",
            "x-1-cp313-cp313-manylinux_2_17_aarch64.whl",
            "x-1-cp313-cp313-manylinux_2_39_x86_64.whl",
            "x-1-cp313-cp313t-manylinux_2_17_x86_64.whl",
            "not-a-wheel.whl",
        ] {
            assert!(!wheel_fits(w, PythonVersion::new(3, 13)), "{w}");
        }
        assert!(wheel_fits(
            "x-1-cp313-cp313-manylinux1_x86_64.whl",
            PythonVersion::new(3, 13)
        ));
        assert!(wheel_fits(
            "x-1-1build-cp313-cp313-manylinux_2_36_x86_64.whl",
            PythonVersion::new(3, 13)
        ));
    }

    #[test]
    fn fit_tells_source_only_from_missing_wheels() {
        assert_eq!(
            fit(&files(&["uWSGI-2.0.28.tar.gz"]), PythonVersion::new(3, 13)),
            Fit::SourceOnly
        );
        let greenlet = files(&[
            "greenlet-3.0.1-cp311-cp311-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl",
            "greenlet-3.0.1-cp312-cp312-manylinux_2_24_x86_64.manylinux_2_28_x86_64.whl",
            "greenlet-3.0.1.tar.gz",
        ]);
        assert_eq!(fit(&greenlet, PythonVersion::new(3, 12)), Fit::Wheel);
        assert_eq!(
            fit(&greenlet, PythonVersion::new(3, 13)),
            Fit::NoWheelForPython
        );
    }
}
