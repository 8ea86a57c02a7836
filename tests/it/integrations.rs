//! What scripts, shells and CI read: the `init --json` report, shell completions, the man page, and
//! colour that follows `NO_COLOR`.

use std::path::Path;
use std::process::Command;

use insta_cmd::get_cargo_bin;

use crate::cli::{copy_fixture, dockgen, run as output};

fn json(c: &mut Command) -> serde_json::Value {
    let (code, out, err) = output(c);
    assert!(code == 0 || code == 1, "{code}: {err}");
    serde_json::from_str(&out).unwrap_or_else(|e| panic!("{e}: {out}"))
}

#[test]
fn init_json_report_lists_files_answers_and_drift() {
    let dir = copy_fixture("flask-flaskenv");
    let p = dir.path();
    let r = json(dockgen(p).args(["init", "--yes", "--json", "--port", "8001"]));
    assert_eq!(r["mode"], "write");
    assert_eq!(r["port"], 8001);
    assert_eq!(r["answers"]["port"]["origin"]["kind"], "flag");
    assert_eq!(r["answers"]["port"]["origin"]["flag"], "--port");
    let files: Vec<(String, String)> = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_string(),
                f["status"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(files.len(), 6, "{files:?}");
    assert!(files.iter().all(|(_, s)| s == "created"), "{files:?}");
    assert!(files.iter().any(|(f, _)| f == "dockgen.toml"));
    let r = json(dockgen(p).args(["init", "--check", "--json"]));
    assert_eq!(r["drift"], false);
    std::fs::write(p.join("Dockerfile"), "FROM x\n").unwrap();
    let r = json(dockgen(p).args(["init", "--check", "--json"]));
    assert_eq!(r["drift"], true);
    let df = r["files"]
        .as_array()
        .unwrap()
        .iter()
        .find(|f| f["path"] == "Dockerfile")
        .unwrap();
    assert_eq!(df["status"], "conflict");
    assert!(df["diff"].as_str().unwrap().contains("-FROM x"));
}

#[test]
fn bash_completion_completes_subcommands_and_flags() {
    let dir = tempfile::tempdir().unwrap();
    let (code, script, _) = output(dockgen(dir.path()).args(["completions", "bash"]));
    assert_eq!(code, 0);
    std::fs::write(dir.path().join("dockgen.bash"), script).unwrap();
    let complete = |words: &str| {
        let cword = words.split(' ').count() - 1;
        let out = Command::new("bash")
            .arg("-c")
            .arg(format!(
                "source ./dockgen.bash; COMP_WORDS=({words}); COMP_CWORD={cword}; \
                 COMP_LINE='{words}'; COMP_POINT=${{#COMP_LINE}}; \
                 _dockgen dockgen \"${{COMP_WORDS[COMP_CWORD]}}\" \"${{COMP_WORDS[COMP_CWORD-1]}}\"; printf '%s\\n' \"${{COMPREPLY[@]}}\""
            ))
            .current_dir(dir.path())
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    let subs = complete("dockgen ''");
    for s in ["init", "detect", "templates", "completions", "man"] {
        assert!(subs.lines().any(|l| l == s), "{s} in {subs}");
    }
    let flags = complete("dockgen init --te");
    assert!(flags.lines().any(|l| l == "--templates"), "{flags}");
    // Values, not the directory's file names (`dockgen.bash`).
    let workers = complete("dockgen init --task-workers ''");
    let mut got: Vec<&str> = workers.lines().collect();
    got.sort();
    assert_eq!(got, ["celery", "celery-beat", "none", "rq"], "{workers}");
    let frameworks = complete("dockgen detect --framework ''");
    let mut got: Vec<&str> = frameworks.lines().collect();
    got.sort();
    assert_eq!(got, ["django", "fastapi", "flask"], "{frameworks}");
    let managers = complete("dockgen init --package-manager p");
    assert!(!managers.contains("dockgen.bash"), "{managers}");
    assert!(managers.lines().any(|l| l == "poetry"), "{managers}");
}

#[test]
fn man_page_documents_every_command() {
    let (code, page, _) = output(dockgen(Path::new(".")).arg("man"));
    assert_eq!(code, 0);
    assert!(page.contains(".TH dockgen 1"), "{page}");
    for s in [
        "init",
        "detect",
        "templates",
        "completions",
        "DOCKGEN_PORT",
        "NO_COLOR",
    ] {
        assert!(page.contains(s), "{s}");
    }
    for section in ["EXIT STATUS", "ENVIRONMENT", "FILES", "SEE ALSO"] {
        assert!(
            page.contains(&format!(".SH \"{section}\""))
                || page.contains(&format!(".SH {section}\n")),
            "{section}: {page}"
        );
    }

    // Every page a page refers to (`dockgen-init(1)`) is generated.
    let dir = tempfile::tempdir().unwrap();
    let (code, _, err) = output(dockgen(dir.path()).args(["man", "--dir", "pages"]));
    assert_eq!(code, 0, "{err}");
    let pages = dir.path().join("pages");
    let mut referenced = std::collections::BTreeSet::new();
    for entry in std::fs::read_dir(&pages).unwrap().flatten() {
        let text = std::fs::read_to_string(entry.path()).unwrap();
        for (i, _) in text.match_indices("(1)") {
            let start = text[..i]
                .rfind(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '\\'))
                .map_or(0, |s| s + 1);
            referenced.insert(text[start..i].replace("\\-", "-"));
        }
    }
    for name in [
        "dockgen-init",
        "dockgen-detect",
        "dockgen-templates-export",
        "dockgen-man",
    ] {
        assert!(referenced.contains(name), "{name} in {referenced:?}");
    }
    for name in &referenced {
        assert!(
            pages.join(format!("{name}.1")).is_file(),
            "{name}(1) is referenced but not generated"
        );
    }
    let init = std::fs::read_to_string(pages.join("dockgen-init.1")).unwrap();
    for s in [
        "EXIT STATUS",
        "DOCKGEN_TASK_WORKERS",
        "dockgen.toml",
        "docker\\-compose.yml",
        "130",
    ] {
        assert!(init.contains(s), "{s}: {init}");
    }
    // One page at a time, with a suggestion for a typo.
    let (code, detect, _) = output(dockgen(dir.path()).args(["man", "detect"]));
    assert_eq!(code, 0);
    assert!(detect.contains(".TH dockgen-detect 1"), "{detect}");
    let (code, _, err) = output(dockgen(dir.path()).args(["man", "int"]));
    assert_eq!(code, 2);
    assert!(
        err.contains("no man page `dockgen-int`; did you mean `dockgen-init`?"),
        "{err}"
    );
}

#[test]
fn colour_is_off_with_no_color_even_when_forced() {
    let dir = tempfile::tempdir().unwrap();
    let run = |no_color: bool| {
        let mut c = Command::new(get_cargo_bin("dockgen"));
        c.current_dir(dir.path())
            .env_remove("NO_COLOR")
            .env("CLICOLOR_FORCE", "1")
            .args(["detect", "missing-dir"]);
        if no_color {
            c.env("NO_COLOR", "1");
        }
        output(&mut c).2
    };
    assert!(run(false).contains("\u{1b}["), "forced colour is coloured");
    let plain = run(true);
    assert!(!plain.contains('\u{1b}'), "{plain:?}");
    assert!(plain.starts_with("error: "), "{plain}");
}
