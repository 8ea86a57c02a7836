//! The digest a lockfile records of the manifest it was made from: managers hash a JSON dump of the
//! manifest's relevant tables (Python's `json.dumps(..., sort_keys=True)`), so a lock whose digest no
//! longer matches was made from another manifest. This module only reproduces that dump and its SHA-256;
//! which tables count, and what a mismatch means, is each manager's.

use serde_json::Value;
use sha2::{Digest, Sha256};

/// The separators of the dump: Python's defaults (`", "`, `": "`) or the compact `(",", ":")`.
#[derive(Clone, Copy)]
pub enum Separators {
    Default,
    Compact,
}

/// A TOML value as Python's TOML readers hand it to `json.dumps` (tables as objects, arrays as lists).
pub fn from_toml(v: &toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s.clone()),
        toml::Value::Integer(i) => Value::from(*i),
        toml::Value::Float(f) => Value::from(*f),
        toml::Value::Boolean(b) => Value::Bool(*b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.iter().map(from_toml).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.iter().map(|(k, v)| (k.clone(), from_toml(v))).collect())
        }
    }
}

/// `json.dumps(value, sort_keys=True)` with the given separators and Python's `ensure_ascii`.
pub fn python_json(value: &Value, sep: Separators) -> String {
    let mut out = String::new();
    write(&mut out, value, sep);
    out
}

/// The lowercase hex SHA-256 of `json.dumps(value, sort_keys=True)`.
pub fn digest(value: &Value, sep: Separators) -> String {
    Sha256::digest(python_json(value, sep).as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn write(out: &mut String, value: &Value, sep: Separators) {
    let (item, key) = match sep {
        Separators::Default => (", ", ": "),
        Separators::Compact => (",", ":"),
    };
    match value {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&n.to_string()),
        Value::String(s) => string(out, s),
        Value::Array(a) => {
            out.push('[');
            for (i, v) in a.iter().enumerate() {
                if i > 0 {
                    out.push_str(item);
                }
                write(out, v, sep);
            }
            out.push(']');
        }
        Value::Object(o) => {
            // Python sorts keys by code point, which is the byte order of their UTF-8.
            let mut keys: Vec<&String> = o.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push_str(item);
                }
                string(out, k);
                out.push_str(key);
                write(out, &o[k], sep);
            }
            out.push('}');
        }
    }
}

/// A JSON string as Python escapes it with `ensure_ascii=True`: every non-ASCII character as `\uXXXX`
/// (UTF-16 surrogate pairs above the BMP).
fn string(out: &mut String, s: &str) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            c if c.is_ascii() && !c.is_ascii_control() => out.push(c),
            c => {
                let mut units = [0u16; 2];
                for u in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{u:04x}"));
                }
            }
        }
    }
    out.push('"');
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dumps_as_python_does() {
        let v: Value = serde_json::json!({"b": [1, true, null], "a": {"z": "é\"\n", "y": "𝄞"}});
        // What `json.dumps(v, sort_keys=True)` prints in CPython.
        assert_eq!(
            python_json(&v, Separators::Default),
            r#"{"a": {"y": "\ud834\udd1e", "z": "\u00e9\"\n"}, "b": [1, true, null]}"#
        );
        assert_eq!(
            python_json(&v, Separators::Compact),
            r#"{"a":{"y":"\ud834\udd1e","z":"\u00e9\"\n"},"b":[1,true,null]}"#
        );
        // sha256 of `{}`.
        assert_eq!(
            digest(&serde_json::json!({}), Separators::Default),
            "44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a"
        );
    }
}
