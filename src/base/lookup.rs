//! Name lookup for the registries: `"Django"` finds the `django` entry, and an unknown name gets the list
//! of known ones.

/// The entry of `all` whose name (by `name`) is `s`, ignoring case and surrounding space.
pub fn by_name<T: Copy>(all: &[T], s: &str, name: impl Fn(&T) -> &str) -> Result<T, String> {
    let wanted = s.trim().to_ascii_lowercase();
    all.iter()
        .find(|t| name(t) == wanted)
        .copied()
        .ok_or_else(|| {
            format!(
                "expected one of: {}",
                all.iter().map(&name).collect::<Vec<_>>().join(", ")
            )
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn finds_by_name_ignoring_case() {
        let all = [("a", 1), ("b", 2)];
        assert_eq!(super::by_name(&all, " B ", |t| t.0), Ok(("b", 2)));
        assert_eq!(
            super::by_name(&all, "c", |t| t.0),
            Err("expected one of: a, b".into())
        );
    }
}
