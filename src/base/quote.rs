//! Escaping for the places a value lands: shell words, compose interpolation, YAML scalars, Dockerfile
//! paths and `ENV` values, `.dockerignore` lines, `.env` comments and the terminal. One function per
//! place.
//!
//! The other half of the rule lives in [`super::valid`]: values are checked where they enter (no control
//! characters in names, module paths and file paths; paths stay inside the project). Escaping here is
//! the second line: whatever reaches a generated file or the terminal cannot change its structure.

use std::borrow::Cow;

/// Shell-quotes one word (single quotes; plain words stay plain).
pub fn sh_quote(s: &str) -> String {
    if !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:=@%+,".contains(c))
    {
        s.to_string()
    } else {
        format!("'{}'", s.replace('\'', "'\\''"))
    }
}

/// Escapes `$` so compose does not interpolate a literal value.
pub fn compose_literal(s: &str) -> String {
    s.replace('$', "$$")
}

/// Characters no generated file or terminal line should carry raw: C0 controls (newlines and tabs
/// included), DEL, C1 controls, the Unicode line and paragraph separators, and the bidirectional
/// overrides and isolates that reorder what a reader sees.
pub fn is_hostile_char(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{2028}' | '\u{2029}' | '\u{feff}')
        || ('\u{202a}'..='\u{202e}').contains(&c)
        || ('\u{2066}'..='\u{2069}').contains(&c)
}

/// Whether `s` has a character of [`is_hostile_char`].
pub fn has_hostile_char(s: &str) -> bool {
    s.chars().any(is_hostile_char)
}

/// `s` for one terminal line: every [`is_hostile_char`] written as a visible escape (`\n`, `\u{1b}`),
/// so a value cannot start a line of its own, move the cursor or recolour the screen.
pub fn terminal(s: &str) -> Cow<'_, str> {
    if !has_hostile_char(s) {
        return Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if is_hostile_char(c) {
            out.extend(c.escape_default());
        } else {
            out.push(c);
        }
    }
    Cow::Owned(out)
}

/// Multi-line text we composed (a hint listing candidates): each line escaped as by [`terminal`], the
/// line breaks kept.
pub fn terminal_lines(s: &str) -> String {
    s.split('\n').map(terminal).collect::<Vec<_>>().join("\n")
}

/// Text whose lines and tabs are its own (a diff of a file): every other [`is_hostile_char`] escaped,
/// so a file on disk cannot send escape sequences to the terminal when `--check` shows it.
pub fn terminal_block(s: &str) -> String {
    s.split('\n')
        .map(|line| {
            line.split('\t')
                .map(terminal)
                .collect::<Vec<_>>()
                .join("\t")
        })
        .collect::<Vec<_>>()
        .join("\n")
}

/// A literal path as a `.dockerignore` line: the glob characters `*`, `?`, `[`, `\\` and a leading
/// `!` or `#` escaped, so a directory named `*` or `!keep` excludes only itself. `None` when the path
/// cannot be written there at all: a line break, or leading or trailing spaces (the reader trims them).
pub fn dockerignore_literal(path: &str) -> Option<String> {
    if has_hostile_char(path) || path.trim() != path || path.is_empty() {
        return None;
    }
    let mut out = String::with_capacity(path.len() + 2);
    for (i, c) in path.chars().enumerate() {
        if matches!(c, '*' | '?' | '[' | '\\') || (i == 0 && matches!(c, '!' | '#')) {
            out.push('\\');
        }
        out.push(c);
    }
    Some(out)
}

/// The text of a `.env` comment line: it must stay one line, or the next line would be an assignment
/// that `cp .env.example .env` makes active.
pub fn dotenv_comment(s: &str) -> String {
    terminal(s).into_owned()
}

/// A value on a `.env` line (`NAME=value`): plain when it is made of characters no `.env` reader treats
/// specially (compose's and python-dotenv's), else single-quoted (literal: no interpolation, no escapes), with every
/// [`is_hostile_char`] written as a visible escape so the value stays on its line; a `'` in it, which
/// single quotes cannot hold, is left out (validation keeps it out of the values dockgen writes here).
pub fn dotenv_value(s: &str) -> String {
    // Spaces inside are kept by every reader; at either end they are trimmed.
    if s.trim() == s
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_./:,@+=% ".contains(c))
    {
        return s.to_string();
    }
    format!("'{}'", terminal(&s.replace('\'', "")))
}

/// A YAML double-quoted scalar (also a JSON string): `"` and `\` escaped, every character YAML does not
/// allow raw (C0 and C1 controls, DEL, separators, BOM) as `\uXXXX`.
pub fn yaml_string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            c if is_hostile_char(c) || matches!(c, '\u{fffe}' | '\u{ffff}') => {
                out.push_str(&format!("\\u{:04x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A path in a Dockerfile instruction that expands variables (`COPY`, `WORKDIR`): `$` escaped, so a
/// directory named `a$b` or a `-r requirements/${X}.txt` stays literal.
pub fn dockerfile_path(s: &str) -> String {
    s.replace('$', "\\$")
}

/// A literal value for an `ENV` pair in a plan (a settings module, an app): `$` escaped so Docker does
/// not expand it. The plan's own values (`$PATH`) are written unescaped on purpose.
pub fn dockerfile_literal(s: &str) -> String {
    s.replace('$', "\\$")
}

/// An `ENV` value as the Dockerfile prints it: plain when it can be (`\$` and `$NAME` kept as the plan
/// wrote them), else double-quoted with `"` and other backslashes escaped. Characters a Dockerfile line
/// cannot carry are written as visible escapes (validation keeps them out; this keeps the file whole).
pub fn dockerfile_value(v: &str) -> String {
    let plain = |c: char| c.is_ascii_alphanumeric() || "-_./:$=,@+".contains(c);
    let chars: Vec<char> = v.chars().collect();
    let escaped_dollar = |i: usize| chars[i] == '\\' && chars.get(i + 1) == Some(&'$');
    if !v.is_empty() && (0..chars.len()).all(|i| plain(chars[i]) || escaped_dollar(i)) {
        return v.to_string();
    }
    let mut out = String::from("\"");
    let mut i = 0;
    while i < chars.len() {
        match chars[i] {
            '\\' if escaped_dollar(i) => {
                out.push_str("\\$");
                i += 1;
            }
            '\\' => out.push_str("\\\\"),
            '"' => out.push_str("\\\""),
            c if is_hostile_char(c) => out.extend(c.escape_default()),
            c => out.push(c),
        }
        i += 1;
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shell_quoting() {
        assert_eq!(
            sh_quote("config.wsgi:application"),
            "config.wsgi:application"
        );
        assert_eq!(sh_quote("a b"), "'a b'");
        assert_eq!(sh_quote("it's"), "'it'\\''s'");
        assert_eq!(sh_quote("$HOME"), "'$HOME'");
        assert_eq!(sh_quote(""), "''");
        assert_eq!(compose_literal("a$b"), "a$$b");
    }

    #[test]
    fn terminal_escapes_controls_and_keeps_the_rest() {
        assert_eq!(terminal("café/app"), "café/app");
        assert_eq!(terminal("a\nhint: b"), "a\\nhint: b");
        assert_eq!(terminal("\u{1b}[31mred"), "\\u{1b}[31mred");
        assert_eq!(terminal("x\u{9b}y"), "x\\u{9b}y");
        assert_eq!(terminal("\u{202e}gnp.exe"), "\\u{202e}gnp.exe");
        assert_eq!(terminal_lines("one\ntwo\u{7}"), "one\ntwo\\u{7}");
        assert!(!dotenv_comment("Read at a\nCOMPOSE_FILE=evil.yml").contains('\n'));
        assert_eq!(dotenv_value("localhost,127.0.0.1"), "localhost,127.0.0.1");
        assert_eq!(dotenv_value("localhost 127.0.0.1"), "localhost 127.0.0.1");
        assert_eq!(dotenv_value(" x"), "' x'");
        assert_eq!(dotenv_value("a\nCOMPOSE_FILE=x"), "'a\\nCOMPOSE_FILE=x'");
        assert_eq!(dotenv_value("$X #y"), "'$X #y'");
        assert_eq!(dotenv_value(""), "");
    }

    #[test]
    fn blocks_keep_lines_and_tabs() {
        assert_eq!(terminal_block("-\tx\n+\u{1b}[2Jy"), "-\tx\n+\\u{1b}[2Jy");
    }

    #[test]
    fn dockerignore_literals() {
        assert_eq!(
            dockerignore_literal("static/collected").as_deref(),
            Some("static/collected")
        );
        assert_eq!(dockerignore_literal("!keep").as_deref(), Some("\\!keep"));
        assert_eq!(dockerignore_literal("#x").as_deref(), Some("\\#x"));
        assert_eq!(
            dockerignore_literal("a*b/[x]?").as_deref(),
            Some("a\\*b/\\[x]\\?")
        );
        assert_eq!(dockerignore_literal("a\nb"), None);
        assert_eq!(dockerignore_literal(" a"), None);
    }

    #[test]
    fn yaml_strings_escape_what_yaml_forbids() {
        assert_eq!(yaml_string("a\"b\\c"), r#""a\"b\\c""#);
        assert_eq!(
            yaml_string("x\u{85}\u{9b}\u{7f}y"),
            r#""x\u0085\u009b\u007fy""#
        );
        assert_eq!(yaml_string("é"), "\"é\"");
        // Still a JSON string.
        let back: String = serde_json::from_str(&yaml_string("a\u{1}\u{9b}\n")).unwrap();
        assert_eq!(back, "a\u{1}\u{9b}\n");
    }

    #[test]
    fn dockerfile_values() {
        assert_eq!(
            dockerfile_value("/opt/venv/bin:$PATH"),
            "/opt/venv/bin:$PATH"
        );
        assert_eq!(
            dockerfile_value(&dockerfile_literal("$NAME.settings")),
            "\\$NAME.settings"
        );
        assert_eq!(
            dockerfile_value(&dockerfile_literal("app:create('a b$')")),
            "\"app:create('a b\\$')\""
        );
        assert_eq!(
            dockerfile_value("say \"hi\" \\o/"),
            "\"say \\\"hi\\\" \\\\o/\""
        );
        assert_eq!(dockerfile_value("a\nb"), "\"a\\nb\"");
        assert_eq!(
            dockerfile_path("requirements/${X}.txt"),
            "requirements/\\${X}.txt"
        );
    }
}
