//! Validation where a value enters: every name, module path or file path that comes from a project or a
//! flag is checked here before detection keeps it.
//!
//! The rule: no control characters or separators ([`super::quote::is_hostile_char`]) anywhere; module
//! paths are dotted Python identifiers; environment variable names are what a shell and compose can set;
//! package names are PEP 508 names; relative paths stay inside the project. The other half, escaping for
//! each place a value lands, is [`super::quote`].

use std::path::{Component, Path};

use super::quote::{has_hostile_char, terminal};

/// Why a value was refused, in words for an error or a warning (the value itself escaped).
pub type Refusal = String;

/// Plain text: a name or a path segment without control characters.
pub fn text(what: &str, value: &str) -> Result<(), Refusal> {
    if has_hostile_char(value) {
        return Err(format!(
            "{what} `{}` contains a control character or line break",
            terminal(value)
        ));
    }
    Ok(())
}

/// A separator a setting is split on (`.split(",")`), written between defaults in compose and `.env`:
/// a few printable characters, none that quote, comment, interpolate or brace there.
pub fn separator(what: &str, value: &str) -> Result<(), Refusal> {
    text(what, value)?;
    let bad = value
        .chars()
        .find(|c| "$'\"\\#{}`".contains(*c) || (c.is_whitespace() && *c != ' '));
    if value.is_empty() || value.chars().count() > 4 || bad.is_some() {
        return Err(format!(
            "{what}, `{value}`, is not a separator dockgen writes (up to 4 characters, none of $ ' \" \\ # {{ }} `)"
        ));
    }
    Ok(())
}

fn is_identifier(part: &str) -> bool {
    let mut chars = part.chars();
    chars.next().is_some_and(|c| c == '_' || c.is_alphabetic())
        && chars.all(|c| c == '_' || c.is_alphanumeric())
}

/// A dotted Python module path (`config.settings.production`).
pub fn module_path(what: &str, value: &str) -> Result<(), Refusal> {
    text(what, value)?;
    if value.split('.').all(is_identifier) {
        Ok(())
    } else {
        Err(format!(
            "{what} `{value}` is not a Python module path (dotted identifiers)"
        ))
    }
}

/// An environment variable name a shell (`NAME=value cmd`), compose and `.env` can all set.
pub fn env_name(value: &str) -> Result<(), Refusal> {
    let mut chars = value.chars();
    let ok = chars
        .next()
        .is_some_and(|c| c == '_' || c.is_ascii_alphabetic())
        && chars.all(|c| c == '_' || c.is_ascii_alphanumeric());
    if ok {
        Ok(())
    } else {
        Err(format!(
            "`{}` is not an environment variable name a shell or compose can set (letters, digits, `_`)",
            terminal(value)
        ))
    }
}

/// A PEP 508 package name (`my-app`, `my_app.core`).
pub fn package_name(what: &str, value: &str) -> Result<(), Refusal> {
    text(what, value)?;
    let b = value.as_bytes();
    let ok = !b.is_empty()
        && b.first().is_some_and(u8::is_ascii_alphanumeric)
        && b.last().is_some_and(u8::is_ascii_alphanumeric)
        && b.iter()
            .all(|c| c.is_ascii_alphanumeric() || b"._-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(format!(
            "{what} `{value}` is not a valid package name (PEP 508: letters, digits, `.`, `_`, `-`, starting and ending with a letter or digit)"
        ))
    }
}

/// A relative path named inside a project file (`-r base.txt`): relative, no `..` above its start,
/// no control characters.
pub fn relative_path(what: &str, value: &str) -> Result<(), Refusal> {
    text(what, value)?;
    let p = Path::new(value);
    let mut depth: i32 = 0;
    for c in p.components() {
        match c {
            Component::Prefix(_) | Component::RootDir => {
                return Err(format!(
                    "{what} `{value}` is an absolute path: dockgen reads only files inside the project"
                ));
            }
            Component::ParentDir => depth -= 1,
            Component::Normal(_) => depth += 1,
            Component::CurDir => {}
        }
        if depth < 0 {
            return Err(format!(
                "{what} `{value}` leads out of its directory with `..`"
            ));
        }
    }
    Ok(())
}

/// Whether `path` (which exists) resolves inside `root`, links followed.
pub fn resolves_inside(root: &Path, path: &Path) -> bool {
    match (root.canonicalize(), path.canonicalize()) {
        (Ok(root), Ok(path)) => path.starts_with(root),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_paths() {
        assert!(text("the name", "café app").is_ok());
        assert!(text("the name", "a\nb").unwrap_err().contains("`a\\nb`"));
        assert!(module_path("the settings module", "config.settings").is_ok());
        assert!(module_path("m", "$NAME.settings").is_err());
        assert!(module_path("m", "a..b").is_err());
        assert!(env_name("DATABASE_URL").is_ok());
        for bad in ["", "1X", "A-B", "A B", "X;rm", "A\nB"] {
            assert!(env_name(bad).is_err(), "{bad:?}");
        }
        assert!(package_name("n", "my-app.core_2").is_ok());
        assert!(package_name("n", "app\nRUN x").is_err());
        assert!(package_name("n", "-app").is_err());
        assert!(relative_path("the include", "base.txt").is_ok());
        assert!(relative_path("i", "sub/../base.txt").is_ok());
        assert!(relative_path("i", "../x.txt").is_err());
        assert!(relative_path("i", "a/../../x.txt").is_err());
        assert!(relative_path("i", "/etc/hostname").is_err());
        for ok in [",", " ", ";", " | "] {
            assert!(separator("s", ok).is_ok(), "{ok:?}");
        }
        for bad in [
            "",
            "\n",
            "$",
            "}",
            ",\nCOMPOSE_FILE=x",
            "'",
            "\u{202e}",
            "\t",
            "#",
            "abcde",
        ] {
            assert!(separator("s", bad).is_err(), "{bad:?}");
        }
    }
}
