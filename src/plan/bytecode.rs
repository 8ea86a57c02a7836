//! Bytecode compiled at build time, so processes start without compiling anything.
//!
//! The runtime's code, virtualenv and interpreter are read-only to the app's user and
//! `PYTHONDONTWRITEBYTECODE=1` is set, so a module without a `.pyc` in the image is compiled in memory
//! again by every process at every start. The installer compiles the virtualenv (`UV_COMPILE_BYTECODE`);
//! the base image ships its standard library without bytecode, and the project's own modules arrive as
//! source: both are compiled in the runtime stage. `unchecked-hash` bytecode is valid whatever the
//! files' dates (a checkout, a COPY and a cache all change them) and is never checked against the
//! source at import: the image's files never change, and compose's `develop.watch` rebuilds the image
//! rather than syncing files into it, while the `dev` profile's bind mount hides the image's `/app`
//! with its bytecode.

use serde::Serialize;

/// How `.pyc` files are tied to their source (`py_compile`'s invalidation modes).
pub const INVALIDATION: &str = "unchecked-hash";

/// The compile commands of the runtime stage.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct Bytecode {
    /// `py_compile`'s invalidation mode of the compiled files (`unchecked-hash`).
    pub invalidation: String,
    /// Compiles the interpreter's standard library (site-packages and dist-packages left out: the
    /// base image's pip is never run). Runs in the layer that adds the app's user, which a code or
    /// dependency change reuses.
    pub stdlib: String,
    /// Compiles the project's modules under `/app`, after the code is copied. A file that does not
    /// compile (a template with a `.py` name, a Python 2 script) does not fail the build: it is left to
    /// fail at import, as it would without this step.
    pub code: String,
}

/// The compile commands for an image whose project code is at `app` (`/app`).
pub fn plan(app: &str) -> Bytecode {
    let compile = format!("python -m compileall -q -j0 --invalidation-mode {INVALIDATION}");
    Bytecode {
        invalidation: INVALIDATION.into(),
        stdlib: format!(
            "{compile} -x '/(site|dist)-packages/' \
             \"$(python -c 'import sysconfig; print(sysconfig.get_path(\"stdlib\"))')\""
        ),
        code: format!("{{ {compile} {app} || true; }}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_compiles_write_hash_based_bytecode() {
        let b = plan("/app");
        for c in [&b.stdlib, &b.code] {
            assert!(c.contains("--invalidation-mode unchecked-hash"), "{c}");
        }
        assert!(b.code.contains(" /app || true"), "{}", b.code);
        assert!(b.stdlib.contains("sysconfig.get_path(\"stdlib\")"));
        assert!(
            !b.stdlib.contains("|| true"),
            "the standard library must compile"
        );
    }
}
