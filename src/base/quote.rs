//! Quoting for the places generated text lands: shell words and compose interpolation.

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
}
