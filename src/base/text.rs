//! Linear-time lookups in a file's text, for evidence lines: a parser that wants the line of each of
//! thousands of keys asks one index built in one pass, instead of searching the text once per key
//! (which made a 12,000-entry `Pipfile.lock` take seconds, issue 19).

use std::collections::HashMap;

/// The line (1-based) where each JSON object key first appears in `text`: every string literal followed
/// (after whitespace) by `:`, keyed by its raw text between the quotes. One pass, whatever the text.
pub fn json_key_lines(text: &str) -> HashMap<&str, usize> {
    let b = text.as_bytes();
    let mut out = HashMap::new();
    let mut line = 1;
    let mut i = 0;
    while i < b.len() {
        match b[i] {
            b'\n' => line += 1,
            b'"' => {
                let start = i + 1;
                let mut j = start;
                while j < b.len() && b[j] != b'"' {
                    if b[j] == b'\\' {
                        j += 1;
                    } else if b[j] == b'\n' {
                        line += 1;
                    }
                    j += 1;
                }
                let end = j.min(b.len());
                let mut k = end + 1;
                while k < b.len() && matches!(b[k], b' ' | b'\t' | b'\r') {
                    k += 1;
                }
                if k < b.len() && b[k] == b':' {
                    // Quotes are ASCII, so both ends are character boundaries.
                    out.entry(&text[start..end]).or_insert(line);
                }
                i = end;
            }
            _ => {}
        }
        i += 1;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_key_has_the_line_it_first_appears_on() {
        let text = "{\n  \"default\": {\n    \"flask\": {\"version\": \"==3\"},\n    \"a\\\"b\" :\n 1,\n  \"x\": \"flask\"\n  }\n}\n";
        let lines = json_key_lines(text);
        assert_eq!(lines["default"], 2);
        assert_eq!(lines["flask"], 3);
        assert_eq!(lines["version"], 3);
        assert_eq!(lines["a\\\"b"], 4);
        assert_eq!(lines["x"], 6);
        // A string that is a value, not a key, is not one.
        assert_eq!(lines.len(), 5);
        assert!(json_key_lines("\"open").is_empty());
    }
}
