//! The project's `.env` as compose reads it, with line numbers: `NAME=value` lines (an `export ` prefix
//! and quotes allowed), comments and blank lines skipped. Read only, for the reports and hints that
//! point at the line to change (init's checklist and `.env` check, verify's hints); never written here.

use std::path::Path;

/// The `.env` in `dir` (empty when there is none or it cannot be read).
pub fn read(dir: &Path) -> EnvFile {
    std::fs::read_to_string(dir.join(".env"))
        .map(|t| EnvFile::parse(&t))
        .unwrap_or_default()
}

/// One `NAME=value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub value: String,
    /// 1-based.
    pub line: usize,
}

/// The entries of a `.env`, in file order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvFile {
    pub entries: Vec<Entry>,
}

impl EnvFile {
    pub fn parse(text: &str) -> EnvFile {
        let entries = text
            .lines()
            .enumerate()
            .filter_map(|(i, raw)| {
                let l = raw.trim();
                if l.is_empty() || l.starts_with('#') {
                    return None;
                }
                let l = l.strip_prefix("export ").unwrap_or(l);
                let (name, value) = l.split_once('=')?;
                let name = name.trim();
                if name.is_empty()
                    || !name
                        .chars()
                        .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
                {
                    return None;
                }
                let value = value.trim();
                let value = match value.as_bytes() {
                    [q @ (b'"' | b'\''), .., last] if last == q && value.len() >= 2 => {
                        value[1..value.len() - 1].to_string()
                    }
                    // An unquoted value ends at ` #`.
                    _ => value.split(" #").next().unwrap_or("").trim().to_string(),
                };
                Some(Entry {
                    name: name.to_string(),
                    value,
                    line: i + 1,
                })
            })
            .collect();
        EnvFile { entries }
    }

    /// The last entry for `name` (compose takes the last).
    pub fn get(&self, name: &str) -> Option<&Entry> {
        self.entries.iter().rev().find(|e| e.name == name)
    }

    pub fn value(&self, name: &str) -> Option<&str> {
        self.get(name).map(|e| e.value.as_str())
    }

    /// Where to set `name`: `` `.env` line N `` with what it holds, or that it is missing.
    pub fn where_to_set(&self, name: &str) -> String {
        match self.get(name) {
            Some(e) if e.value.is_empty() => {
                format!("set {name} in `.env` (line {} is empty)", e.line)
            }
            Some(e) => format!("check {name} in `.env` (line {})", e.line),
            None => format!(
                "add {name}=... to `.env` (it is not there; `.env.example` says what it is)"
            ),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn entries_keep_their_lines_and_unquote() {
        let env = EnvFile::parse(
            "# comment\n\nSECRET_KEY=\nexport DEBUG=0\nNAME=\"a b\"\nX=1 # note\n# OFF=1\nbad line\nX=2\n",
        );
        assert_eq!(env.get("SECRET_KEY").unwrap().line, 3);
        assert_eq!(env.value("SECRET_KEY"), Some(""));
        assert_eq!(env.value("DEBUG"), Some("0"));
        assert_eq!(env.value("NAME"), Some("a b"));
        assert_eq!(env.get("X").unwrap().line, 9);
        assert_eq!(env.value("X"), Some("2"));
        assert_eq!(env.get("OFF"), None);
        assert_eq!(
            env.where_to_set("SECRET_KEY"),
            "set SECRET_KEY in `.env` (line 3 is empty)"
        );
        assert!(
            env.where_to_set("MISSING")
                .starts_with("add MISSING=... to `.env`")
        );
        assert_eq!(env.where_to_set("DEBUG"), "check DEBUG in `.env` (line 4)");
    }
}
