use super::*;

/// An index in memory: URL -> answer; every request is counted.
struct Fake {
    answers: BTreeMap<String, Result<Answer, String>>,
    asked: Mutex<Vec<String>>,
}

impl Fetch for Fake {
    fn get(&self, url: &str, accept: &str, _: Duration) -> Result<Answer, String> {
        assert_eq!(accept, ACCEPT);
        self.asked.lock().unwrap().push(url.to_string());
        self.answers
            .get(url)
            .cloned()
            .unwrap_or(Ok(Answer::NotFound))
    }
}

fn json(files: &[&str]) -> Result<Answer, String> {
    let files: Vec<String> = files
        .iter()
        .map(|f| format!(r#"{{"filename": "{f}", "url": "x", "hashes": {{}}}}"#))
        .collect();
    Ok(Answer::Body(format!(
        r#"{{"meta": {{"api-version": "1.1"}}, "name": "x", "files": [{}]}}"#,
        files.join(",")
    )))
}

fn access(fake: Fake, cache: Option<PathBuf>) -> (Access, Arc<Fake>) {
    let fake = Arc::new(fake);
    let access = Access {
        fetch: fake.clone(),
        env_index: None,
        cache,
        budget: Duration::from_secs(2),
    };
    (access, fake)
}

fn pins(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

#[test]
fn the_files_of_the_pinned_version_are_listed_by_normalised_name() {
    let fake = Fake {
        answers: BTreeMap::from([(
            "https://pypi.org/simple/psycopg2-binary/".to_string(),
            json(&[
                "psycopg2_binary-2.9.5-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
                "psycopg2-binary-2.9.5.tar.gz",
                "psycopg2_binary-2.9.10-cp313-cp313-manylinux_2_17_x86_64.whl",
            ]),
        )]),
        asked: Mutex::new(vec![]),
    };
    let (a, fake) = access(fake, None);
    let idx = indexes(&a, None, &[]);
    let got = files_of_pins(
        &a,
        &idx,
        &pins(&[("Psycopg2_Binary", "2.9.5"), ("nothere", "1")]),
    );
    assert_eq!(
        got.files["Psycopg2_Binary"].1,
        vec![
            "psycopg2_binary-2.9.5-cp311-cp311-manylinux_2_17_x86_64.manylinux2014_x86_64.whl",
            "psycopg2-binary-2.9.5.tar.gz"
        ]
    );
    assert!(!got.files.contains_key("nothere"));
    assert!(got.warnings.is_empty(), "{:?}", got.warnings);
    assert_eq!(fake.asked.lock().unwrap().len(), 2);
}

#[test]
fn an_unreachable_index_is_a_warning_and_lists_nothing() {
    let fake = Fake {
        answers: BTreeMap::from([(
            "https://mirror.test/simple/requests/".to_string(),
            Err("connection refused".to_string()),
        )]),
        asked: Mutex::new(vec![]),
    };
    let (a, _) = access(fake, None);
    let idx = indexes(&a, Some("https://mirror.test/simple"), &[]);
    let got = files_of_pins(&a, &idx, &pins(&[("requests", "2.31.0")]));
    assert!(got.files.is_empty());
    assert_eq!(got.warnings.len(), 1);
    assert!(
        got.warnings[0].contains("https://mirror.test/simple"),
        "{:?}",
        got.warnings
    );
    assert!(got.warnings[0].contains("connection refused"));
}

#[test]
fn the_requirements_index_wins_over_the_environment_and_extras_follow() {
    let (mut a, _) = access(
        Fake {
            answers: BTreeMap::new(),
            asked: Mutex::new(vec![]),
        },
        None,
    );
    a.env_index = Some(("INDEX_VAR".into(), "https://env.test/simple".into()));
    assert_eq!(indexes(&a, None, &[]), vec!["https://env.test/simple"]);
    assert_eq!(
        indexes(
            &a,
            Some("https://req.test/simple"),
            &["https://extra.test/simple".into()]
        ),
        vec!["https://req.test/simple", "https://extra.test/simple"]
    );
    let env = Access::from_env(
        |k| match k {
            "B_INDEX" => Some("https://b.test/simple".into()),
            "XDG_CACHE_HOME" => Some("/c".into()),
            _ => None,
        },
        &["A_INDEX", "B_INDEX"],
    );
    assert_eq!(env.env_index.unwrap().1, "https://b.test/simple");
    assert_eq!(env.cache.unwrap(), PathBuf::from("/c/dockgen/index"));
}

#[test]
fn a_second_ask_is_answered_from_the_cache() {
    let dir = tempfile::tempdir().unwrap();
    let fake = || Fake {
        answers: BTreeMap::from([(
            "https://pypi.org/simple/six/".to_string(),
            json(&["six-1.16.0-py2.py3-none-any.whl"]),
        )]),
        asked: Mutex::new(vec![]),
    };
    let (a, first) = access(fake(), Some(dir.path().to_path_buf()));
    let idx = indexes(&a, None, &[]);
    let p = pins(&[("six", "1.16.0"), ("gone", "1.0")]);
    assert_eq!(files_of_pins(&a, &idx, &p).files.len(), 1);
    assert_eq!(first.asked.lock().unwrap().len(), 2);
    let (b, second) = access(fake(), Some(dir.path().to_path_buf()));
    assert_eq!(files_of_pins(&b, &idx, &p).files.len(), 1);
    assert!(
        second.asked.lock().unwrap().is_empty(),
        "the not-found answer is cached too"
    );
}

#[test]
fn versions_compare_as_pep_440_and_names_normalise_as_pep_503() {
    assert!(of_version("a-2.9.5.0-py3-none-any.whl", "2.9.5"));
    assert!(of_version("a-b-2.9.5.tar.gz", "2.9.5"));
    assert!(!of_version("a-2.9.50-py3-none-any.whl", "2.9.5"));
    assert!(!of_version("a-2.9.5.exe", "2.9.5"));
    assert_eq!(normalize("Zope.Interface__x"), "zope-interface-x");
    assert!(file_names("<html>").is_err());
}

#[test]
fn credentials_in_an_index_url_are_not_shown() {
    assert_eq!(
        shown("https://u:tok@host.test/simple/"),
        "https://host.test/simple/"
    );
    assert_eq!(shown("https://host.test/a@b/"), "https://host.test/a@b/");
}
