//! A Procfile (`web: gunicorn app:app`, `worker: rq worker tasks`): the process types a platform runs.
//! Their commands are strong evidence of how the project runs itself: the web server's `module:app`, the
//! worker's queues, the Celery app.

/// One `name: command` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Process {
    pub name: String,
    pub words: Vec<String>,
    /// 1-based.
    pub line: usize,
}

/// The process lines of a Procfile's text (comments and blank lines skipped).
pub fn parse(text: &str) -> Vec<Process> {
    text.lines()
        .enumerate()
        .filter_map(|(i, l)| {
            let (name, cmd) = l.split_once(':')?;
            let name = name.trim();
            (!name.is_empty() && !name.starts_with('#')).then(|| Process {
                name: name.to_string(),
                words: cmd.split_whitespace().map(String::from).collect(),
                line: i + 1,
            })
        })
        .collect()
}

impl Process {
    /// The program, skipping `python -m`.
    pub fn program(&self) -> &str {
        match self.words.as_slice() {
            [py, m, prog, ..] if py.starts_with("python") && m == "-m" => prog,
            [first, ..] => first,
            [] => "",
        }
    }

    /// The `module:attr` an app server serves (`gunicorn microblog:app`, `uvicorn main:app --port $PORT`).
    pub fn served_app(&self) -> Option<&str> {
        if !["gunicorn", "uvicorn", "daphne", "hypercorn"].contains(&self.program()) {
            return None;
        }
        self.words.iter().map(String::as_str).find(|w| {
            !w.starts_with('-')
                && w.split_once(':').is_some_and(|(m, a)| {
                    !m.is_empty()
                        && m.chars()
                            .all(|c| c.is_alphanumeric() || c == '_' || c == '.')
                        && !a.is_empty()
                        && !a.starts_with('$')
                        && !a.chars().all(|c| c.is_ascii_digit())
                })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_processes_and_the_served_app() {
        let p = parse(
            "web: gunicorn microblog:app --bind 0.0.0.0:$PORT\n# comment\nworker: rq worker --url $REDIS_URL microblog-tasks\ncelery: celery -A make_celery worker --loglevel INFO\nbeat: python -m celery --app=proj beat\n",
        );
        assert_eq!(p.len(), 4);
        assert_eq!(p[0].served_app(), Some("microblog:app"));
        assert_eq!(p[1].line, 3);
        assert_eq!(p[3].program(), "celery");
        assert_eq!(
            parse("web: uvicorn main:app --host 0.0.0.0 --port 8000\n")[0].served_app(),
            Some("main:app")
        );
    }
}
