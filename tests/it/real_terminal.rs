//! One smoke test of the guided `dockgen init` in a real terminal, driven through tmux (installed by
//! scripts/tools): the prompts appear with their provenance, Enter keeps a default, typed text answers,
//! and the answers reach the files and dockgen.toml. Everything else about the flow is tested through the
//! `Prompter` trait in guided_flow.rs.

use std::path::Path;
use std::process::Command;
use std::time::{Duration, Instant};

use insta_cmd::get_cargo_bin;

use crate::cli::copy_fixture;
use crate::generated_files::tool;

/// A private tmux server, killed on drop.
struct Tmux {
    socket: String,
}

impl Tmux {
    /// Starts `dockgen init ARGS` in `dir` under `env` (arguments of env(1)) in a 220x60 terminal.
    fn start(tag: &str, dir: &Path, env: &str, args: &str) -> Tmux {
        Self::start_sized(tag, dir, env, args, (220, 60))
    }

    /// [`Tmux::start`] in a terminal of `columns` x `rows`.
    fn start_sized(
        tag: &str,
        dir: &Path,
        env: &str,
        args: &str,
        (columns, rows): (u16, u16),
    ) -> Tmux {
        let tmux = Tmux {
            socket: format!("dockgen-test-{}-{tag}", std::process::id()),
        };
        let script = format!(
            "cd '{}' && env {env} DOCKGEN_OFFLINE=1 '{}' init {args}; echo DOCKGEN-EXIT=$?; sleep 600",
            dir.display(),
            get_cargo_bin("dockgen").display()
        );
        let ok = tmux
            .cmd()
            .args([
                "new-session",
                "-d",
                "-s",
                "t",
                "-x",
                &columns.to_string(),
                "-y",
                &rows.to_string(),
                &script,
            ])
            .status()
            .unwrap();
        assert!(ok.success(), "tmux starts");
        tmux
    }

    /// Waits (at most 20 s) for dockgen to exit; returns the pane.
    fn wait_exit(&self) -> String {
        let start = Instant::now();
        loop {
            let pane = self.pane();
            if pane.contains("DOCKGEN-EXIT=") {
                return pane;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "dockgen did not finish within 20 s (waiting for input?):\n{pane}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    fn cmd(&self) -> Command {
        let mut c = Command::new(tool("tmux"));
        c.args(["-L", &self.socket, "-f", "/dev/null"]);
        c
    }
    fn pane(&self) -> String {
        self.capture(false)
    }
    /// The pane's text; with `escapes`, with its colours and attributes as escape sequences.
    fn capture(&self, escapes: bool) -> String {
        let out = self
            .cmd()
            .args(["capture-pane", "-p", "-J", "-S", "-200", "-t", "t"])
            .args(if escapes { &["-e"][..] } else { &[][..] })
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).into_owned()
    }
    fn keys(&self, keys: &[&str]) {
        let ok = self
            .cmd()
            .args(["send-keys", "-t", "t"])
            .args(keys)
            .status()
            .unwrap();
        assert!(ok.success());
    }
    /// Waits until one of the pane's last four non-empty lines (a prompt, or a select and its three
    /// items) contains `what`; returns the pane.
    /// Waits (up to 20 s) until the pane passes `ok`; fails showing the pane otherwise.
    fn wait_until(&self, what: &str, ok: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let pane = self.pane();
            if ok(&pane) {
                return pane;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no {what} within 20 s; the pane shows:\n{pane}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
    /// Keeps the default (Enter) at each of `prompts`, in order.
    fn keep_defaults(&self, prompts: &[&str]) {
        for q in prompts {
            self.wait_prompt(q);
            self.keys(&["Enter"]);
        }
    }
    fn wait_prompt(&self, what: &str) -> String {
        let start = Instant::now();
        loop {
            let pane = self.pane();
            let mut tail = pane.lines().rev().filter(|l| !l.trim().is_empty()).take(4);
            if tail.any(|l| l.contains(what)) {
                return pane;
            }
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "no prompt `{what}` within 20 s; the pane shows:\n{pane}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        let _ = self.cmd().arg("kill-server").status();
    }
}

#[test]
fn guided_init_in_a_real_terminal() {
    let dir = copy_fixture("flask-flaskenv");
    let tmux = Tmux::start("guided", dir.path(), "-u CI -u DOCKGEN_PORT NO_COLOR=1", "");

    // The fixture: .flaskenv points FLASK_APP at server.py, whose app is `srv`; requirements.txt has no
    // database driver and no Redis client.
    let pane = tmux.wait_prompt("Framework (from ");
    assert!(pane.contains("Enter keeps it"), "{pane}");
    tmux.keys(&["Enter"]);
    tmux.wait_prompt("App directory (");
    tmux.keys(&["Enter"]);
    tmux.wait_prompt("Entrypoint (");
    tmux.keys(&["Enter"]);
    tmux.wait_prompt("Python version (");
    tmux.keys(&["Enter"]);
    tmux.wait_prompt("Port (");
    tmux.keys(&["-l", "8088"]);
    tmux.keys(&["Enter"]);
    tmux.wait_prompt("Postgres service (no Postgres driver among the dependencies)");
    let styled = tmux.capture(true);
    assert!(
        !styled.contains('\u{1b}'),
        "NO_COLOR: no colour escapes: {styled:?}"
    );
    tmux.keys(&["y"]);
    tmux.wait_prompt("Redis service (");
    tmux.keys(&["Enter"]);
    tmux.wait_prompt("Front proxy (");
    tmux.keys(&["Enter"]);

    let pane = tmux.wait_exit();
    assert!(pane.contains("DOCKGEN-EXIT=0"), "{pane}");
    let p = dir.path();
    let compose = std::fs::read_to_string(p.join("docker-compose.yml")).unwrap();
    assert!(compose.contains(":8088\""), "{compose}");
    assert!(
        compose.contains("\n  db:\n"),
        "Postgres was added: {compose}"
    );
    let saved = std::fs::read_to_string(p.join("dockgen.toml")).unwrap();
    assert!(saved.contains("port = 8088"), "{saved}");
    assert!(saved.contains("postgres = true"), "{saved}");
    assert!(
        Path::new(&p.join(".env")).is_file(),
        "the guided init writes .env with fresh secrets"
    );
}

/// In a real terminal, `--yes` and `CI=true` each mean no questions: init finishes on its own.
#[test]
fn yes_and_ci_never_prompt_even_in_a_terminal() {
    for (tag, env, flag) in [
        ("yes", "-u CI NO_COLOR=1", "--yes"),
        ("ci", "CI=true NO_COLOR=1", ""),
    ] {
        let dir = copy_fixture("flask-flaskenv");
        let pane = Tmux::start(tag, dir.path(), env, flag).wait_exit();
        assert!(pane.contains("DOCKGEN-EXIT=0"), "{env} {flag}: {pane}");
        assert!(!pane.contains("Framework ("), "asked: {pane}");
        assert!(dir.path().join("Dockerfile").exists());
    }
}

/// Without NO_COLOR the prompts are coloured (so the NO_COLOR check above means something), and Esc
/// cancels: exit 130, nothing written.
#[test]
fn prompts_are_coloured_without_no_color_and_esc_cancels() {
    let dir = copy_fixture("flask-flaskenv");
    let tmux = Tmux::start("colour", dir.path(), "-u CI -u NO_COLOR", "");
    tmux.wait_prompt("Framework (from ");
    let styled = tmux.capture(true);
    assert!(styled.contains("\u{1b}["), "coloured prompt: {styled:?}");
    tmux.keys(&["Escape"]);
    let pane = tmux.wait_exit();
    assert!(pane.contains("cancelled; nothing was written"), "{pane}");
    assert!(pane.contains("DOCKGEN-EXIT=130"), "{pane}");
    assert!(!dir.path().join("Dockerfile").exists());
    assert!(!dir.path().join("dockgen.toml").exists());
}

impl Tmux {
    /// Whether the terminal shows its cursor (tmux's `cursor_flag`).
    fn cursor_visible(&self) -> bool {
        let out = self
            .cmd()
            .args(["display-message", "-p", "-t", "t", "#{cursor_flag}"])
            .output()
            .unwrap();
        String::from_utf8_lossy(&out.stdout).trim() == "1"
    }
}

/// Esc at a text question cancels, as the banner says (dialoguer's text input ignored it): exit 130,
/// nothing written. Typed text is edited in place before that.
#[test]
fn esc_at_a_text_prompt_cancels() {
    let dir = copy_fixture("flask-flaskenv");
    let tmux = Tmux::start("esc-text", dir.path(), "-u CI NO_COLOR=1", "");
    tmux.wait_prompt("Framework (from ");
    tmux.keys(&["Enter"]);
    tmux.wait_prompt("App directory (");
    tmux.keys(&["-l", "abc"]);
    tmux.keys(&["BSpace"]);
    // Until the terminal shows the edit: a capture right after the key may still show `abc`.
    tmux.wait_until("the backspace to leave `ab`", |pane| {
        pane.lines()
            .any(|l| l.contains("App directory (") && l.trim_end().ends_with(": ab"))
    });
    tmux.keys(&["Escape"]);
    let pane = tmux.wait_exit();
    assert!(pane.contains("cancelled; nothing was written"), "{pane}");
    assert!(pane.contains("DOCKGEN-EXIT=130"), "{pane}");
    assert!(!dir.path().join("Dockerfile").exists());
    assert!(!dir.path().join("dockgen.toml").exists());
}

/// Ctrl-C at a menu (which hides the cursor) cancels like Esc and gives the cursor back; before, SIGINT
/// killed dockgen with the cursor still hidden.
#[test]
fn ctrl_c_at_a_menu_restores_the_cursor() {
    let dir = copy_fixture("flask-flaskenv");
    let tmux = Tmux::start("ctrl-c", dir.path(), "-u CI NO_COLOR=1", "");
    tmux.wait_prompt("Framework (from ");
    tmux.keys(&["C-c"]);
    let pane = tmux.wait_exit();
    assert!(pane.contains("DOCKGEN-EXIT=130"), "{pane}");
    assert!(pane.contains("cancelled; nothing was written"), "{pane}");
    assert!(
        tmux.cursor_visible(),
        "the cursor is hidden after Ctrl-C:\n{pane}"
    );
    assert!(!dir.path().join("Dockerfile").exists());

    // At a text question too.
    let dir = copy_fixture("flask-flaskenv");
    let tmux = Tmux::start("ctrl-c-text", dir.path(), "-u CI NO_COLOR=1", "");
    tmux.wait_prompt("Framework (from ");
    tmux.keys(&["Enter"]);
    tmux.wait_prompt("App directory (");
    tmux.keys(&["C-c"]);
    let pane = tmux.wait_exit();
    assert!(pane.contains("DOCKGEN-EXIT=130"), "{pane}");
    assert!(tmux.cursor_visible(), "{pane}");
}

/// The conflict view's diff is coloured as `init --check`'s (and plain with NO_COLOR).
#[test]
fn the_conflict_diff_is_coloured() {
    for (tag, env, coloured) in [
        ("diff-colour", "-u CI -u NO_COLOR", true),
        ("diff-plain", "-u CI NO_COLOR=1", false),
    ] {
        let dir = copy_fixture("flask-flaskenv");
        std::fs::write(dir.path().join(".dockerignore"), ".git\nmine\n").unwrap();
        let tmux = Tmux::start(tag, dir.path(), env, "");
        tmux.keep_defaults(&PROMPTS);
        // The conflict view is drawn before the keep/overwrite/stop-managing question.
        tmux.wait_prompt("keep");
        let styled = tmux.capture(true);
        let pane = tmux.pane();
        assert!(pane.contains("-mine"), "{pane}");
        let red = styled
            .lines()
            .any(|l| l.contains("-mine") && l.contains("\u{1b}[31m"));
        assert_eq!(red, coloured, "{tag}: {styled:?}");
        assert_eq!(styled.contains('\u{1b}'), coloured, "{tag}");
        tmux.keys(&["Escape"]);
        assert!(tmux.wait_exit().contains("DOCKGEN-EXIT=130"));
    }
}

/// `--color never` turns the prompts' colour off even in a colour terminal without NO_COLOR.
#[test]
fn color_never_reaches_the_prompts() {
    let dir = copy_fixture("flask-flaskenv");
    let tmux = Tmux::start(
        "color-never",
        dir.path(),
        "-u CI -u NO_COLOR",
        "--color never",
    );
    tmux.wait_prompt("Framework (from ");
    let styled = tmux.capture(true);
    assert!(!styled.contains('\u{1b}'), "{styled:?}");
    tmux.keys(&["Escape"]);
    assert!(tmux.wait_exit().contains("DOCKGEN-EXIT=130"));
}

/// An edited file in a real terminal: the three-way view is drawn, then the choice; "stop managing it"
/// keeps the file and records it in dockgen.toml.
#[test]
fn an_edited_file_shows_its_three_way_view_and_can_stop_being_managed() {
    let dir = copy_fixture("flask-flaskenv");
    let p = dir.path();
    let git = Command::new("git")
        .args(["init", "-q"])
        .current_dir(p)
        .status()
        .unwrap();
    assert!(git.success());
    let init = Command::new(get_cargo_bin("dockgen"))
        .args(["init", "--yes"])
        .current_dir(p)
        .env("DOCKGEN_OFFLINE", "1")
        .env_remove("CI")
        .output()
        .unwrap();
    assert!(init.status.success());
    let compose = std::fs::read_to_string(p.join("docker-compose.yml")).unwrap();
    let edited = compose.replace("  restart: unless-stopped\n", "  restart: always\n");
    std::fs::write(p.join("docker-compose.yml"), &edited).unwrap();
    let requirements = std::fs::read_to_string(p.join("requirements.txt")).unwrap();
    std::fs::write(
        p.join("requirements.txt"),
        format!("{requirements}redis==5.2.1\n"),
    )
    .unwrap();

    let tmux = Tmux::start("conflict", p, "-u CI NO_COLOR=1", "");
    for prompt in [
        "Framework (",
        "App directory (",
        "Entrypoint (",
        "Python version (",
        "Port (",
        "Postgres service (",
        "Redis service (",
        "Front proxy (",
    ] {
        tmux.wait_prompt(prompt);
        tmux.keys(&["Enter"]);
    }
    let pane = tmux.wait_prompt("stop managing it (saved in dockgen.toml)");
    assert!(
        pane.contains("`docker-compose.yml` was edited since dockgen wrote it."),
        "{pane}"
    );
    assert!(
        pane.contains("-  restart: unless-stopped\n+  restart: always\n"),
        "{pane}"
    );
    assert!(pane.contains("+  redis:\n"), "{pane}");
    tmux.keys(&["Down"]);
    tmux.keys(&["Down"]);
    tmux.keys(&["Enter"]);
    let pane = tmux.wait_exit();
    assert!(pane.contains("DOCKGEN-EXIT=0"), "{pane}");
    assert!(pane.contains("unmanaged   docker-compose.yml"), "{pane}");
    assert_eq!(
        std::fs::read_to_string(p.join("docker-compose.yml")).unwrap(),
        edited
    );
    let saved = std::fs::read_to_string(p.join("dockgen.toml")).unwrap();
    assert!(
        saved.contains("unmanaged = [\"docker-compose.yml\"]"),
        "{saved}"
    );
}

/// A refused answer is never drawn as answered: typing a port out of range shows the reason and the
/// question again, with no done-line (no ✔ in colour, no `Port (...) · 70000` plain) for the refused
/// value; the accepted one is then drawn once.
#[test]
fn a_refused_answer_is_never_marked_done() {
    for (tag, env) in [
        ("refused-colour", "-u CI -u NO_COLOR"),
        ("refused-plain", "-u CI NO_COLOR=1"),
    ] {
        let dir = copy_fixture("flask-flaskenv");
        let tmux = Tmux::start(tag, dir.path(), env, "");
        tmux.keep_defaults(&PROMPTS[..4]);
        tmux.wait_prompt("Port (");
        tmux.keys(&["-l", "70000"]);
        tmux.keys(&["Enter"]);
        let pane = tmux.wait_until("the refusal", |pane| pane.contains("try again"));
        let port_lines: Vec<&str> = pane.lines().filter(|l| l.contains("Port (")).collect();
        assert!(
            port_lines.iter().all(|l| !l.contains("70000")),
            "{tag}: the refused 70000 is still drawn: {pane}"
        );
        tmux.keys(&["-l", "8088"]);
        tmux.keys(&["Enter"]);
        tmux.wait_prompt("Postgres service (");
        tmux.keys(&["Enter"]);
        tmux.wait_prompt("Redis service (");
        tmux.keys(&["Enter"]);
        tmux.wait_prompt("Front proxy (");
        tmux.keys(&["Enter"]);
        let pane = tmux.wait_exit();
        assert!(pane.contains("DOCKGEN-EXIT=0"), "{tag}: {pane}");
        let done: Vec<&str> = pane
            .lines()
            .filter(|l| l.contains("Port (") && l.contains("8088"))
            .collect();
        assert_eq!(done.len(), 1, "{tag}: the accepted port drawn once: {pane}");
        assert!(
            !pane
                .lines()
                .any(|l| l.contains("70000") && !l.contains("try again")),
            "{tag}: {pane}"
        );
        let saved = std::fs::read_to_string(dir.path().join("dockgen.toml")).unwrap();
        assert!(saved.contains("port = 8088"), "{saved}");
    }
}

/// The guided flow in a `columns` x 24 terminal, each default kept (Enter), then the edited file's
/// menu answered "keep yours"; returns the pane once dockgen has exited.
fn guided_flow_in(tag: &str, columns: u16) -> String {
    let dir = copy_fixture("flask-flaskenv");
    // A hand-edited file, so the flow ends with the conflict menu (a select with a long question).
    std::fs::write(dir.path().join(".dockerignore"), ".git\nmine\n").unwrap();
    let tmux = Tmux::start_sized(tag, dir.path(), "-u CI NO_COLOR=1", "", (columns, 24));
    tmux.keep_defaults(&PROMPTS);
    tmux.wait_prompt("keep yours");
    tmux.keys(&["Enter"]);
    let pane = tmux.wait_exit();
    assert!(pane.contains("DOCKGEN-EXIT=0"), "{tag}: {pane}");
    pane
}

/// The questions of the guided flow on flask-flaskenv, in order.
const PROMPTS: [&str; 8] = [
    "Framework (",
    "App directory (",
    "Entrypoint (",
    "Python version (",
    "Port (",
    "Postgres service (",
    "Redis service (",
    "Front proxy (",
];

/// Each question's lines left on the pane (wrapped rows joined): one done-line each, never a copy of
/// the prompt left behind by a redraw that did not count its wrapped rows.
fn assert_each_question_once(tag: &str, pane: &str) {
    for q in PROMPTS
        .iter()
        .chain(&["`.dockerignore` differs from what dockgen would write (above)"])
    {
        let lines: Vec<&str> = pane.lines().filter(|l| l.contains(q)).collect();
        assert_eq!(
            lines.len(),
            1,
            "{tag}: `{q}` left {lines:?} on the pane:\n{pane}"
        );
    }
    for item in ["overwrite it with dockgen's", "stop managing it"] {
        assert!(
            !pane.contains(item),
            "{tag}: the menu's items stayed:\n{pane}"
        );
    }
}

/// At 80 columns (and narrower, where the questions wrap), the whole guided flow leaves each question
/// on the pane once, as its answer.
#[test]
fn the_guided_flow_leaves_no_duplicate_lines_at_80_columns_and_narrower() {
    for columns in [80, 60, 44] {
        let tag = format!("narrow-{columns}");
        let pane = guided_flow_in(&tag, columns);
        assert_each_question_once(&tag, &pane);
    }
}

/// Editing an answer that wraps onto the next row: at 30 columns the port question takes two rows and
/// ten typed digits a third; Home then Delete six times leaves `7890` on the screen (a cursor movement
/// alone stops at the edge of a row, so the edits landed on the wrong cells before) and as the answer.
#[test]
fn an_answer_that_wraps_is_edited_in_place() {
    let dir = copy_fixture("flask-flaskenv");
    let tmux = Tmux::start_sized("wrapped-edit", dir.path(), "-u CI NO_COLOR=1", "", (30, 24));
    tmux.keep_defaults(&PROMPTS[..4]);
    tmux.wait_prompt("Port (");
    tmux.keys(&["-l", "1234567890"]);
    tmux.keys(&["Home"]);
    for _ in 0..6 {
        tmux.keys(&["DC"]);
    }
    tmux.wait_until("the edited answer `7890`", |pane| {
        pane.lines()
            .any(|l| l.contains("Port (") && l.trim_end().ends_with("]: 7890"))
    });
    tmux.keys(&["Enter"]);
    tmux.keep_defaults(&PROMPTS[5..]);
    let pane = tmux.wait_exit();
    assert!(pane.contains("DOCKGEN-EXIT=0"), "{pane}");
    let saved = std::fs::read_to_string(dir.path().join("dockgen.toml")).unwrap();
    assert!(saved.contains("port = 7890"), "{saved}");
}
