//! A project's own example environment file (`.env.sample`, `example.env`, ...): `NAME=value` lines with
//! their line numbers, as dotenv readers take them (`export ` allowed, one pair of quotes stripped,
//! `#` comments). Which values may be used is the planner's business; this only reads them.

/// One `NAME=value` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub name: String,
    pub value: String,
    pub line: usize,
}

/// The entries of `text`, in order; lines that are not `NAME=value` are skipped.
pub fn parse(text: &str) -> Vec<Entry> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            entry(l).map(|(name, value)| Entry {
                name,
                value,
                line: i + 1,
            })
        })
        .collect()
}

fn entry(line: &str) -> Option<(String, String)> {
    let line = line.trim();
    let line = line.strip_prefix("export ").unwrap_or(line);
    let (name, value) = line.split_once('=')?;
    let name = name.trim();
    let ok_name = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !ok_name {
        return None;
    }
    let value = value.trim();
    let value = match value.chars().next() {
        Some(q @ ('"' | '\'')) => value[1..].split(q).next().unwrap_or_default(),
        // An unquoted value ends at a ` #` comment.
        _ => value.split(" #").next().unwrap_or_default().trim_end(),
    };
    Some((name.to_string(), value.to_string()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_names_values_and_lines() {
        let got = parse(
            "# Settings\nPROJECT_NAME=\"My shop\"\nexport ADMIN_EMAIL=admin@example.com # who gets mail\n\nnot a line\n1BAD=x\nEMPTY=\nQ='a # b'\n",
        );
        let pairs: Vec<(&str, &str, usize)> = got
            .iter()
            .map(|e| (e.name.as_str(), e.value.as_str(), e.line))
            .collect();
        assert_eq!(
            pairs,
            [
                ("PROJECT_NAME", "My shop", 2),
                ("ADMIN_EMAIL", "admin@example.com", 3),
                ("EMPTY", "", 7),
                ("Q", "a # b", 8),
            ]
        );
    }
}
