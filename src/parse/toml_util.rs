//! TOML parsing with errors that name the file, line and column.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::base::error::{Error, Result, position_of};

/// Parses TOML text into `T`; a syntax or shape error becomes [`Error::Parse`] with the position.
pub fn parse<T: DeserializeOwned>(text: &str, shown: &Path) -> Result<T> {
    toml::from_str(text).map_err(|e| Error::Parse {
        path: shown.to_path_buf(),
        pos: e.span().map(|s| position_of(text, s.start)),
        message: e.message().trim().to_string(),
    })
}

/// The 1-based line of a span's start.
pub fn line_of(text: &str, span: std::ops::Range<usize>) -> usize {
    position_of(text, span.start).line
}
