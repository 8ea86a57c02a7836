//! Name lookup for the registries: `"Django"` finds the `django` entry, and an unknown name gets the list
//! of known ones, with the closest one suggested ("did you mean `flask`?", as clap does for flags).

/// The entry of `all` whose name (by `name`) is `s`, ignoring case and surrounding space.
pub fn by_name<T: Copy>(all: &[T], s: &str, name: impl Fn(&T) -> &str) -> Result<T, String> {
    let wanted = s.trim().to_ascii_lowercase();
    all.iter()
        .find(|t| name(t) == wanted)
        .copied()
        .ok_or_else(|| {
            let names: Vec<&str> = all.iter().map(&name).collect();
            format!("expected one of: {}{}", names.join(", "), suggest(s, names))
        })
}

/// The known name closest to `s`, when one is close enough to be a typo (clap's measure and
/// threshold: Jaro similarity over 0.7).
pub fn did_you_mean<'a>(s: &str, known: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let s = s.trim().to_ascii_lowercase();
    known
        .into_iter()
        .map(|k| (strsim::jaro(&s, &k.to_ascii_lowercase()), k))
        .filter(|(score, _)| *score > 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, k)| k)
}

/// `; did you mean `x`?` for the closest known name, or nothing.
pub fn suggest<'a>(s: &str, known: impl IntoIterator<Item = &'a str>) -> String {
    did_you_mean(s, known)
        .map(|k| format!("; did you mean `{k}`?"))
        .unwrap_or_default()
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
        let all = [("django", 1), ("flask", 2), ("fastapi", 3)];
        assert_eq!(
            super::by_name(&all, "flsk", |t| t.0),
            Err("expected one of: django, flask, fastapi; did you mean `flask`?".into())
        );
    }

    #[test]
    fn suggests_only_close_names() {
        let known = ["port", "python", "postgres", "redis", "workers"];
        assert_eq!(super::did_you_mean("prot", known), Some("port"));
        assert_eq!(super::did_you_mean("worker", known), Some("workers"));
        assert_eq!(super::did_you_mean("REDSI", known), Some("redis"));
        assert_eq!(super::did_you_mean("xyz", known), None);
    }
}
