//! The Python version of the image as one type from the file it was read in to the template that prints
//! it: `major.minor`, compared as numbers, shown and serialised as `3.12`.

use std::fmt;

/// A CPython `major.minor` (the patch is the image's: `python:3.12-slim` follows the newest 3.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct PythonVersion {
    pub major: u64,
    pub minor: u64,
}

impl PythonVersion {
    pub const fn new(major: u64, minor: u64) -> Self {
        Self { major, minor }
    }
}

impl fmt::Display for PythonVersion {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.major, self.minor)
    }
}

/// Serialised as the string the templates and `--json` have always shown (`"3.12"`).
impl serde::Serialize for PythonVersion {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// Documented as the string it serialises to.
impl schemars::JsonSchema for PythonVersion {
    fn inline_schema() -> bool {
        true
    }

    fn schema_name() -> std::borrow::Cow<'static, str> {
        "PythonVersion".into()
    }

    fn json_schema(generator: &mut schemars::SchemaGenerator) -> schemars::Schema {
        String::json_schema(generator)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shows_and_serialises_as_major_dot_minor_and_orders_numerically() {
        let v = PythonVersion::new(3, 9);
        assert_eq!(v.to_string(), "3.9");
        assert_eq!(serde_json::to_string(&v).unwrap(), "\"3.9\"");
        assert!(v < PythonVersion::new(3, 10));
    }
}
