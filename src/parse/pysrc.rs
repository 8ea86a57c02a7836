//! A small Python tokenizer and the module summary detection reads from it.
//!
//! Detection must never substring-match Python: `# from flask import Flask` in a comment, `"FastAPI("` in a
//! docstring, or `ALLOWED_HOSTS = []` inside a function are not evidence. This module tokenizes Python
//! (strings with every prefix and triple quotes, comments, line continuations, bracket nesting) into logical
//! lines and summarises a module: imports (with aliases), top-level assignments and function definitions,
//! star imports, `os.environ.setdefault(...)` calls and string literals. It does not evaluate anything and it
//! is not a full parser: constructs it does not understand yield [`Value::Other`], never an error.

use std::collections::BTreeMap;

use crate::base::kinds::EnvType;

/// One token. Only what summaries need is distinguished.
#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Name(String),
    Str(String),
    /// A number literal as written (`25`, `0x1f`, `1.5`).
    Num(String),
    Op(&'static str),
}

/// A logical line: its first physical line (1-based), its indentation and its tokens.
#[derive(Debug, Clone)]
pub struct Line {
    pub lineno: usize,
    pub indent: usize,
    pub toks: Vec<Tok>,
    /// The physical line of each token.
    pub tok_lines: Vec<usize>,
}

const TWO_CHAR_OPS: &[&str] = &[
    "==", "!=", "<=", ">=", ":=", "->", "**", "//", "+=", "-=", "*=", "/=", "%=", "&=", "|=", "^=",
    "@=", "<<", ">>",
];
const ONE_CHAR_OPS: &str = "()[]{},:.;=+-*/%&|^~<>@!";

fn op_str(c: char) -> &'static str {
    const ALL: [&str; 24] = [
        "(", ")", "[", "]", "{", "}", ",", ":", ".", ";", "=", "+", "-", "*", "/", "%", "&", "|",
        "^", "~", "<", ">", "@", "!",
    ];
    let i = ONE_CHAR_OPS.find(c).expect("caller checked");
    ALL[ONE_CHAR_OPS[..i].chars().count()]
}

/// Splits Python source into logical lines. Never fails: unterminated strings end at end of input.
pub fn logical_lines(src: &str) -> Vec<Line> {
    tally::pass();
    let mut lx = Lexer {
        chars: src.chars().collect(),
        i: 0,
        lineno: 1,
        col: 0,
        depth: 0,
        lines: Vec::new(),
        cur: Vec::new(),
        cur_lines: Vec::new(),
        cur_line: 1,
        cur_indent: 0,
    };
    let mut at_line_start = true;
    while lx.i < lx.chars.len() {
        if at_line_start {
            lx.indentation();
            at_line_start = false;
            continue;
        }
        let c = lx.chars[lx.i];
        match c {
            '\n' => at_line_start = lx.newline(),
            '\r' | ' ' | '\t' | '\x0c' => lx.i += 1,
            '#' => lx.comment(),
            '\\' if matches!(lx.peek(1), Some('\n' | '\r')) => lx.line_continuation(),
            '"' | '\'' => lx.string(false),
            c if c.is_alphabetic() || c == '_' => lx.word(),
            c if c.is_ascii_digit() => lx.number(),
            c if ONE_CHAR_OPS.contains(c) => lx.op(c),
            _ => lx.i += 1,
        }
    }
    lx.end_line();
    lx.lines
}

/// The state of [`logical_lines`]: the position, bracket depth, and the logical line being built.
struct Lexer {
    chars: Vec<char>,
    i: usize,
    lineno: usize,
    /// Indentation of the current physical line.
    col: usize,
    /// Open brackets: inside them, newlines do not end the logical line.
    depth: usize,
    lines: Vec<Line>,
    cur: Vec<Tok>,
    cur_lines: Vec<usize>,
    cur_line: usize,
    cur_indent: usize,
}

impl Lexer {
    fn peek(&self, ahead: usize) -> Option<char> {
        self.chars.get(self.i + ahead).copied()
    }

    fn push(&mut self, t: Tok, line: usize) {
        if self.cur.is_empty() {
            self.cur_line = line;
            self.cur_indent = self.col;
        }
        self.cur.push(t);
        self.cur_lines.push(line);
    }

    fn end_line(&mut self) {
        if !self.cur.is_empty() {
            self.lines.push(Line {
                lineno: self.cur_line,
                indent: self.cur_indent,
                toks: std::mem::take(&mut self.cur),
                tok_lines: std::mem::take(&mut self.cur_lines),
            });
        }
    }

    /// Measures the indentation of a new physical line outside brackets.
    fn indentation(&mut self) {
        self.col = 0;
        while let Some(c @ (' ' | '\t' | '\x0c')) = self.peek(0) {
            self.col += if c == '\t' { 8 - self.col % 8 } else { 1 };
            self.i += 1;
        }
    }

    /// A newline ends the logical line outside brackets; returns whether it did.
    fn newline(&mut self) -> bool {
        self.lineno += 1;
        self.i += 1;
        if self.depth == 0 {
            self.end_line();
        }
        self.depth == 0
    }

    fn comment(&mut self) {
        while self.peek(0).is_some_and(|c| c != '\n') {
            self.i += 1;
        }
    }

    /// Explicit line joining: the logical line goes on.
    fn line_continuation(&mut self) {
        self.i += 1;
        if self.peek(0) == Some('\r') {
            self.i += 1;
        }
        if self.peek(0) == Some('\n') {
            self.i += 1;
        }
        self.lineno += 1;
    }

    fn string(&mut self, raw: bool) {
        let start_line = self.lineno;
        let (s, next, lines_in) = read_string(&self.chars, self.i, raw);
        self.push(Tok::Str(s), start_line);
        self.lineno += lines_in;
        self.i = next;
    }

    /// A name, or a string prefix (`r`, `b`, `f`, ...) followed by its string.
    fn word(&mut self) {
        let start = self.i;
        while self
            .peek(0)
            .is_some_and(|c| c.is_alphanumeric() || c == '_')
        {
            self.i += 1;
        }
        let word: String = self.chars[start..self.i].iter().collect();
        let lower = word.to_ascii_lowercase();
        let is_prefix = matches!(
            lower.as_str(),
            "r" | "u" | "b" | "f" | "br" | "rb" | "fr" | "rf" | "t" | "tr" | "rt"
        );
        if is_prefix && matches!(self.peek(0), Some('"' | '\'')) {
            self.string(lower.contains('r'));
        } else {
            self.push(Tok::Name(word), self.lineno);
        }
    }

    fn number(&mut self) {
        let start = self.i;
        while self
            .peek(0)
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '_' || c == '.')
        {
            self.i += 1;
        }
        let text = self.chars[start..self.i].iter().collect();
        self.push(Tok::Num(text), self.lineno);
    }

    /// A two-character operator when one matches, else one character (tracking bracket depth).
    fn op(&mut self, c: char) {
        if let Some(next) = self.peek(1) {
            let two: String = [c, next].iter().collect();
            if let Some(op) = TWO_CHAR_OPS.iter().find(|o| **o == two) {
                self.push(Tok::Op(op), self.lineno);
                self.i += 2;
                return;
            }
        }
        match c {
            '(' | '[' | '{' => self.depth += 1,
            ')' | ']' | '}' => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        self.push(Tok::Op(op_str(c)), self.lineno);
        self.i += 1;
    }
}

/// Reads a string literal starting at the quote `chars[i]`; returns (value, next index, newlines inside).
fn read_string(chars: &[char], mut i: usize, raw: bool) -> (String, usize, usize) {
    let q = chars[i];
    let n = chars.len();
    let triple = i + 2 < n && chars[i + 1] == q && chars[i + 2] == q;
    i += if triple { 3 } else { 1 };
    let mut out = String::new();
    let mut newlines = 0;
    while i < n {
        let c = chars[i];
        if c == '\\' && i + 1 < n {
            let e = chars[i + 1];
            if e == '\n' {
                newlines += 1;
            }
            if raw {
                out.push('\\');
                out.push(e);
            } else {
                match e {
                    'n' => out.push('\n'),
                    't' => out.push('\t'),
                    '\n' => {}
                    other => out.push(other),
                }
            }
            i += 2;
            continue;
        }
        if triple {
            if c == q && i + 2 < n && chars[i + 1] == q && chars[i + 2] == q {
                return (out, i + 3, newlines);
            }
        } else if c == q {
            return (out, i + 1, newlines);
        } else if c == '\n' {
            // An unterminated single-quoted string ends at the line end (a syntax error in Python).
            return (out, i, newlines);
        }
        if c == '\n' {
            newlines += 1;
        }
        out.push(c);
        i += 1;
    }
    (out, n, newlines)
}

/// What a top-level assignment assigns, as far as detection cares.
#[derive(Debug, Clone, PartialEq)]
pub enum Value {
    Str(String),
    Bool(bool),
    None,
    EmptyList,
    /// A call; `callee` is the dotted name as written (`Flask`, `flask.Flask`, `create_app`).
    Call {
        callee: String,
    },
    Other,
}

/// A module-level assignment `target = value` (also `target: T = value`, `a.b = value`, `A["k"] = value`).
#[derive(Debug, Clone)]
pub struct Assign {
    pub target: String,
    pub subscript: bool,
    pub line: usize,
    pub value: Value,
    /// Every name that occurs in the value, to tell e.g. whether a setting reads the environment.
    pub names: Vec<String>,
    /// Every string literal in the value.
    pub strings: Vec<String>,
}

/// A summary of one Python module.
#[derive(Debug, Default, Clone)]
pub struct Module {
    /// Local name -> fully qualified name, from `import a.b as c` and `from a import b as c`.
    pub imports: BTreeMap<String, String>,
    /// `from X import *`: (relative level, module).
    pub star_imports: Vec<(usize, String)>,
    pub assigns: Vec<Assign>,
    /// Top-level `def`/`async def` names with their line.
    pub defs: Vec<(String, usize)>,
    /// `os.environ.setdefault(KEY, VALUE)` anywhere: (key, value, line).
    pub env_defaults: Vec<(String, String, usize)>,
    /// Every string literal with its line.
    pub strings: Vec<(String, usize)>,
    /// Environment variables the module reads: `os.environ["X"]`, `os.environ.get("X")`, `os.getenv("X")`,
    /// `env("X")` / `env.bool("X")` (django-environ), `config("X")` (python-decouple).
    pub env_reads: Vec<EnvRead>,
    /// `name == "value"` comparisons anywhere.
    pub comparisons: Vec<Comparison>,
    /// Top-level functions that read the environment variable named by their first parameter
    /// (`def env_str(name, default=...)`): the project's own helpers.
    pub env_helpers: Vec<EnvHelper>,
    /// Lines that call `create_all(` (SQLAlchemy's `metadata.create_all`, Flask-SQLAlchemy's
    /// `db.create_all()`): the app creates its tables itself.
    pub create_all: Vec<usize>,
    /// Click commands: `@click.command("init-db")` and `@app.cli.command(...)` (Flask's CLI), by the
    /// name they are run with and the decorator's line.
    pub cli_commands: Vec<(String, usize)>,
    /// `config.from_prefixed_env()` (Flask): the prefix it is given (none: the framework's default) and
    /// its line.
    pub prefixed_env: Option<(Option<String>, usize)>,
    /// Config keys the module sets through `config.from_mapping(KEY=...)` or `config.update(KEY=...)`:
    /// (key, nested key of a dict value, literal default, line).
    pub config_keys: Vec<ConfigKey>,
    /// Every call, in any scope, with its literal arguments (routes, routers and mounts are read from
    /// them).
    pub calls: Vec<Call>,
    /// Calls whose first argument is an environment-variable-like name (`env_str("SECRET_KEY")`), with
    /// the callee: they are reads when the callee is a helper of the project.
    pub name_calls: Vec<(String, EnvRead)>,
    /// Top-level functions with what they return and call, to follow `app = get_application()` through
    /// the project's own functions.
    pub def_bodies: Vec<DefBody>,
}

/// A top-level function: its return annotation and the calls in its body.
#[derive(Debug, Default, Clone, PartialEq)]
pub struct DefBody {
    pub name: String,
    pub line: usize,
    /// The dotted return annotation (`FastAPI` in `-> FastAPI:`).
    pub returns: Option<String>,
    /// The callees of every call in the body, dotted as written.
    pub callees: Vec<String>,
}

impl DefBody {
    /// A `def` (or `async def`) at the top level starts one.
    fn starts(line: &Line) -> Option<DefBody> {
        let toks = &line.toks;
        if line.indent != 0 {
            return None;
        }
        let at = match (name(toks.first()), name(toks.get(1))) {
            (Some("def"), _) => 1,
            (Some("async"), Some("def")) => 2,
            _ => return None,
        };
        let arrow = toks.iter().position(|t| *t == Tok::Op("->"));
        let returns = arrow
            .map(|a| dotted(toks, a + 1).0)
            .filter(|r| !r.is_empty());
        Some(DefBody {
            name: name(toks.get(at))?.to_string(),
            line: line.lineno,
            returns,
            callees: Vec::new(),
        })
    }
}

/// A call and what its arguments are, as far as literals go: `@app.get("/health")`,
/// `path("health/", views.health)`, `router = APIRouter(prefix="/api")`.
#[derive(Debug, Clone, PartialEq)]
pub struct Call {
    /// The callee as written, dotted (`app.get`, `path`, `app.include_router`).
    pub callee: String,
    /// Whether the call is a decorator (`@app.get(...)`).
    pub decorator: bool,
    /// The name the call's value is assigned to (`router = APIRouter(...)`), in any scope.
    pub target: Option<String>,
    /// Positional arguments.
    pub args: Vec<Arg>,
    /// Keyword arguments, in order.
    pub kwargs: Vec<(String, Arg)>,
    /// The line of the callee.
    pub line: usize,
    /// The method called on the call's value, when one is: `mkdir` in `Path("data").mkdir()`.
    pub then: Option<String>,
}

impl Call {
    /// The keyword argument `name`.
    pub fn kwarg(&self, name: &str) -> Option<&Arg> {
        self.kwargs.iter().find(|(k, _)| k == name).map(|(_, v)| v)
    }
}

/// A call's argument.
#[derive(Debug, Clone, PartialEq)]
pub enum Arg {
    Str(String),
    /// A dotted name.
    Name(String),
    /// A list or tuple of string literals.
    Strs(Vec<String>),
    /// A call, with its first argument when that is a string or a dotted name (`include("blog.urls")`).
    Call {
        callee: String,
        first: Option<String>,
    },
    Other,
}

/// Every call in a logical line.
fn calls_of(line: &Line) -> Vec<Call> {
    let toks = &line.toks;
    let mut out = Vec::new();
    for k in 0..toks.len() {
        if toks.get(k + 1) != Some(&Tok::Op("(")) || name(toks.get(k)).is_none() {
            continue;
        }
        let (start, callee) = chain_ending_at(toks, k);
        let before = start.checked_sub(1).map(|b| &toks[b]);
        // `f().g(` is not a dotted callee; `def f(` and `class C(` are not calls.
        if before == Some(&Tok::Op("."))
            || matches!(before, Some(Tok::Name(n)) if n == "def" || n == "class")
        {
            continue;
        }
        let target = (start == 2 && toks[1] == Tok::Op("="))
            .then(|| name(toks.first()).map(str::to_string))
            .flatten();
        let (args, kwargs) = arguments(toks, k + 1);
        let then = closing(toks, k + 2)
            .filter(|&c| toks[k + 1] == Tok::Op("(") && toks.get(c + 1) == Some(&Tok::Op(".")))
            .and_then(|c| match (toks.get(c + 2), toks.get(c + 3)) {
                (Some(Tok::Name(m)), Some(Tok::Op("("))) => Some(m.clone()),
                _ => None,
            });
        out.push(Call {
            then,
            callee,
            decorator: start == 1 && toks[0] == Tok::Op("@"),
            target,
            args,
            kwargs,
            line: line.tok_lines[k],
        });
    }
    out
}

/// The dotted name that ends at `toks[k]`: its first index and the name.
fn chain_ending_at(toks: &[Tok], k: usize) -> (usize, String) {
    let mut start = k;
    while start >= 2 && toks[start - 1] == Tok::Op(".") && name(toks.get(start - 2)).is_some() {
        start -= 2;
    }
    let callee = toks[start..=k]
        .iter()
        .filter_map(|t| name(Some(t)))
        .collect::<Vec<_>>()
        .join(".");
    (start, callee)
}

/// The arguments of the call whose `(` is at `open`: positional, then keyword.
fn arguments(toks: &[Tok], open: usize) -> (Vec<Arg>, Vec<(String, Arg)>) {
    let mut segments: Vec<&[Tok]> = Vec::new();
    let mut depth = 0usize;
    let mut start = open + 1;
    for j in open + 1..toks.len() {
        match &toks[j] {
            Tok::Op("(" | "[" | "{") => depth += 1,
            Tok::Op(")" | "]" | "}") if depth == 0 => {
                segments.push(&toks[start..j]);
                break;
            }
            Tok::Op(")" | "]" | "}") => depth -= 1,
            Tok::Op(",") if depth == 0 => {
                segments.push(&toks[start..j]);
                start = j + 1;
            }
            _ => {}
        }
    }
    let mut args = Vec::new();
    let mut kwargs = Vec::new();
    for seg in segments.into_iter().filter(|s| !s.is_empty()) {
        match (name(seg.first()), seg.get(1)) {
            (Some(k), Some(Tok::Op("="))) => kwargs.push((k.to_string(), argument(&seg[2..]))),
            _ => args.push(argument(seg)),
        }
    }
    (args, kwargs)
}

/// What one argument's tokens are.
fn argument(seg: &[Tok]) -> Arg {
    if let [Tok::Str(s)] = seg {
        return Arg::Str(s.clone());
    }
    let dotted = |ts: &[Tok]| {
        !ts.is_empty()
            && ts.iter().enumerate().all(|(i, t)| match t {
                Tok::Name(_) => i % 2 == 0,
                Tok::Op(".") => i % 2 == 1,
                _ => false,
            })
            && ts.len() % 2 == 1
    };
    let names = |ts: &[Tok]| {
        ts.iter()
            .filter_map(|t| name(Some(t)))
            .collect::<Vec<_>>()
            .join(".")
    };
    if dotted(seg) {
        return Arg::Name(names(seg));
    }
    if let (Some(Tok::Op("[" | "(")), Some(Tok::Op("]" | ")"))) = (seg.first(), seg.last()) {
        let inner = &seg[1..seg.len() - 1];
        let strs: Vec<String> = inner
            .iter()
            .filter_map(|t| match t {
                Tok::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect();
        if inner
            .iter()
            .all(|t| matches!(t, Tok::Str(_) | Tok::Op(",")))
        {
            return Arg::Strs(strs);
        }
    }
    if let Some(open) = seg.iter().position(|t| *t == Tok::Op("("))
        && dotted(&seg[..open])
        && seg.last() == Some(&Tok::Op(")"))
    {
        let first = match seg.get(open + 1..seg.len() - 1) {
            Some([Tok::Str(s), ..]) => Some(s.clone()),
            Some(rest) => {
                let end = rest
                    .iter()
                    .position(|t| *t == Tok::Op(","))
                    .unwrap_or(rest.len());
                dotted(&rest[..end]).then(|| names(&rest[..end]))
            }
            None => None,
        };
        return Arg::Call {
            callee: names(&seg[..open]),
            first,
        };
    }
    Arg::Other
}

/// A config key set in code (`from_mapping(SQLALCHEMY_DATABASE_URI="sqlite://")`, or the `broker_url`
/// of `CELERY=dict(...)`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigKey {
    pub key: String,
    pub nested: Option<String>,
    pub default: Option<String>,
    pub line: usize,
}

/// `from_prefixed_env(...)` and `from_mapping(...)` / `update(...)` keyword arguments in a line.
fn config_calls(m: &mut Module, line: &Line) {
    let toks = &line.toks;
    for (k, t) in toks.iter().enumerate() {
        let Tok::Name(n) = t else { continue };
        if toks.get(k + 1) != Some(&Tok::Op("(")) || k == 0 || toks[k - 1] != Tok::Op(".") {
            continue;
        }
        match n.as_str() {
            "from_prefixed_env" => {
                let prefix = match toks.get(k + 2) {
                    Some(Tok::Str(p)) => Some(p.clone()),
                    _ => None,
                };
                m.prefixed_env = Some((prefix, line.tok_lines[k]));
            }
            "from_mapping" | "update" => config_kwargs(m, line, k + 2, None),
            _ => {}
        }
    }
}

/// The `KEY=value` keyword arguments of the call whose arguments start at `start` (and one level of
/// `KEY=dict(sub=value)` below them).
fn config_kwargs(m: &mut Module, line: &Line, start: usize, outer: Option<&str>) {
    let toks = &line.toks;
    let mut depth = 0usize;
    let mut k = start;
    while k < toks.len() {
        match &toks[k] {
            Tok::Op("(" | "[" | "{") => depth += 1,
            Tok::Op(")" | "]" | "}") if depth == 0 => return,
            Tok::Op(")" | "]" | "}") => depth -= 1,
            Tok::Name(key) if depth == 0 && toks.get(k + 1) == Some(&Tok::Op("=")) => {
                let value = toks.get(k + 2);
                if outer.is_none()
                    && value == Some(&Tok::Name("dict".into()))
                    && toks.get(k + 3) == Some(&Tok::Op("("))
                {
                    config_kwargs(m, line, k + 4, Some(key));
                }
                let default = match value {
                    Some(Tok::Str(v)) => Some(v.clone()),
                    _ => None,
                };
                let (key, nested) = match outer {
                    Some(o) => (o.to_string(), Some(key.clone())),
                    None => (key.clone(), None),
                };
                if nested.is_some()
                    || key
                        .chars()
                        .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')
                {
                    m.config_keys.push(ConfigKey {
                        key,
                        nested,
                        default,
                        line: line.tok_lines[k],
                    });
                }
            }
            _ => {}
        }
        k += 1;
    }
}

/// A project's own function that reads the environment variable named by its first parameter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EnvHelper {
    pub name: String,
    /// Whether it raises at all.
    pub raises: bool,
    /// Whether a call that gives no default fails when the variable is unset: the helper raises, and
    /// either its signature gives the default parameter no usable default (none, or a sentinel such as
    /// `_MISSING`), or the raise is under a check that the value is missing (`if value is None:`,
    /// `except KeyError:`). `def envsecret(name, default=None)` that only returns the default does not.
    pub fails_without_default: bool,
    /// The kind of value it returns, when its body shows it (`int(...)`, `== "1"`, `.split(",")`).
    pub kind: Option<EnvType>,
}

/// What the signature gives the parameter after the name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum HelperDefault {
    /// No second parameter with a default.
    Absent,
    /// A name other than `None`/`True`/`False`: a sentinel for "no default given".
    Sentinel,
    /// `None` or a literal: the helper's own default.
    Value,
}

/// A top-level `def` being read, to tell whether it is an environment helper.
struct HelperDef {
    name: String,
    param: String,
    default: HelperDefault,
    reads: bool,
    raises: bool,
    raises_on_missing: bool,
    kind: Option<EnvType>,
    /// The enclosing block headers of the current body line (`if`, `elif`, `except`), innermost last.
    headers: Vec<(usize, Vec<Tok>)>,
}

impl HelperDef {
    fn starts(line: &Line) -> Option<HelperDef> {
        let toks = &line.toks;
        if line.indent != 0
            || name(toks.first()) != Some("def")
            || toks.get(2) != Some(&Tok::Op("("))
        {
            return None;
        }
        Some(HelperDef {
            name: name(toks.get(1))?.to_string(),
            param: name(toks.get(3))?.to_string(),
            default: signature_default(toks),
            reads: false,
            raises: false,
            raises_on_missing: false,
            kind: None,
            headers: Vec::new(),
        })
    }

    /// A body line: an `os.environ.get(param)`, `os.getenv(param)` or `os.environ[param]`; a `raise`
    /// (and the check it is under); what the returned value is parsed as.
    fn line(&mut self, line: &Line) {
        let toks = &line.toks;
        self.headers.retain(|(indent, _)| *indent < line.indent);
        if name(toks.first()) == Some("raise") {
            self.raises = true;
            // A check of plain names (`if value is None:`, `if not value:`, `except KeyError:`) is
            // a check that the variable is missing; one that calls something (`if path and not
            // os.path.exists(path):`) checks something else.
            if let Some((_, h)) = self.headers.last()
                && !h.contains(&Tok::Op("("))
                && h.iter().any(|t| match t {
                    Tok::Name(n) => matches!(n.as_str(), "None" | "not" | "KeyError"),
                    _ => false,
                })
            {
                self.raises_on_missing = true;
            }
        }
        if matches!(name(toks.first()), Some("if" | "elif" | "except")) {
            self.headers.push((line.indent, toks.clone()));
        }
        if name(toks.first()) == Some("return") && self.kind.is_none() {
            self.kind = returned_kind(toks);
        }
        for (k, t) in toks.iter().enumerate() {
            if *t == Tok::Name(self.param.clone())
                && k >= 2
                && match (&toks[k - 1], &toks[k - 2]) {
                    (Tok::Op("("), Tok::Name(f)) => {
                        f == "getenv"
                            || (f == "get" && k >= 4 && toks[k - 4] == Tok::Name("environ".into()))
                    }
                    (Tok::Op("["), Tok::Name(e)) => e == "environ",
                    _ => false,
                }
            {
                self.reads = true;
            }
        }
    }

    fn finish(self) -> Option<EnvHelper> {
        self.reads.then_some(EnvHelper {
            fails_without_default: match self.default {
                HelperDefault::Absent | HelperDefault::Sentinel => self.raises,
                HelperDefault::Value => self.raises_on_missing,
            },
            name: self.name,
            raises: self.raises,
            kind: self.kind,
        })
    }
}

/// What `def f(name, default=...)` gives its second parameter.
fn signature_default(toks: &[Tok]) -> HelperDefault {
    let mut depth = 0usize;
    for (i, t) in toks.iter().enumerate().skip(2) {
        match t {
            Tok::Op("(" | "[" | "{") => depth += 1,
            Tok::Op(")" | "]" | "}") if depth <= 1 => return HelperDefault::Absent,
            Tok::Op(")" | "]" | "}") => depth -= 1,
            Tok::Op("=") if depth == 1 => {
                return match toks.get(i + 1) {
                    Some(Tok::Name(n)) if !matches!(n.as_str(), "None" | "True" | "False") => {
                        HelperDefault::Sentinel
                    }
                    _ => HelperDefault::Value,
                };
            }
            _ => {}
        }
    }
    HelperDefault::Absent
}

/// What a helper's `return` line parses the value as: `int(...)`, `float(...)`, a comparison with
/// switch words, a `.split(...)`.
fn returned_kind(toks: &[Tok]) -> Option<EnvType> {
    match (toks.get(1), toks.get(2)) {
        (Some(Tok::Name(f)), Some(Tok::Op("("))) if f == "int" => return Some(EnvType::Int),
        (Some(Tok::Name(f)), Some(Tok::Op("("))) if f == "float" => return Some(EnvType::Float),
        _ => {}
    }
    for (j, t) in toks.iter().enumerate() {
        if let Tok::Op(")") = t
            && let Some(values) = compared_with(toks, j)
            && values
                .iter()
                .all(|v| BOOL_WORDS.contains(&v.to_ascii_lowercase().as_str()))
        {
            let on = values
                .iter()
                .find(|v| TRUE_WORDS.contains(&v.to_ascii_lowercase().as_str()))
                .cloned();
            return Some(EnvType::Bool { on });
        }
        if let (Tok::Name(m), Some(Tok::Op("("))) = (t, toks.get(j + 1))
            && m == "split"
            && j >= 1
            && toks[j - 1] == Tok::Op(".")
        {
            let separator = match toks.get(j + 2) {
                Some(Tok::Str(sep)) => sep.clone(),
                _ => " ".into(),
            };
            return Some(EnvType::List { separator });
        }
    }
    None
}

/// One read of an environment variable, with where its value goes.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct EnvRead {
    pub name: String,
    pub line: usize,
    /// Whether the read fails without the variable (`os.environ["X"]`, `env("X")` with no default).
    pub required: bool,
    /// The literal default, when one is given as a string (`os.getenv("DB", "sqlite")`).
    pub default: Option<String>,
    /// Whether any default is given (a string or not).
    pub has_default: bool,
    /// The name the statement assigns, at any indentation: `DATABASES` in `DATABASES = {...}`, `DB` in
    /// `DB = os.getenv(...)`.
    pub target: Option<String>,
    /// The string key of the dict entry whose value holds the read: `HOST` in `'HOST': os.getenv(...)`.
    pub key: Option<String>,
    /// The innermost call the read is an argument of: `create_engine`, `config`, `int`.
    pub callee: Option<String>,
    /// The separator of a `.split(...)` applied to the read's value (`" "` for `.split()`).
    pub split: Option<String>,
    /// The kind of value the code parses it as, when it shows it.
    pub kind: Option<EnvType>,
    /// The function the read is made with when it is a bare call (`env` in `env("X")`).
    pub reader: Option<String>,
    /// Read only where the code has checked that the variable is set (`if "X" in os.environ:`, a `try`
    /// that catches `KeyError`): never required.
    pub guarded: bool,
}

impl EnvRead {
    /// The bare reader a `env("X")`/`config("X")` read was made with, which a project helper of the
    /// same name replaces.
    pub fn callee_is_reader(&self) -> Option<&str> {
        self.reader
            .as_deref()
            .filter(|r| matches!(*r, "env" | "config"))
    }
}

/// `name == "value"` (either way round), where `name` is a variable or an environment variable read
/// in place: the values a setting is switched on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Comparison {
    /// The variable, or the environment variable's name when the read is compared directly.
    pub name: String,
    /// Whether `name` is an environment variable read in place (`os.getenv("DB") == "postgres"`).
    pub env: bool,
    pub value: String,
    pub line: usize,
}

fn is_env_name(s: &str) -> bool {
    let mut c = s.chars();
    c.next().is_some_and(|f| f.is_ascii_uppercase() || f == '_')
        && c.all(|x| x.is_ascii_uppercase() || x.is_ascii_digit() || x == '_')
}

/// Whether the read whose name is at `toks[k]` reads the process environment: `os.environ` and
/// `os.getenv` (also imported by name, `from os import environ`), not a WSGI `environ` parameter or a
/// `request.environ` (request data, issue 17). django-environ's and decouple's readers are taken as
/// they are.
fn reads_the_process_environment(m: &Module, toks: &[Tok], k: usize) -> bool {
    let base = match (k.checked_sub(2).map(|i| &toks[i]), toks.get(k - 1)) {
        (Some(Tok::Name(e)), Some(Tok::Op("["))) if e == "environ" => k - 2,
        (Some(Tok::Name(g)), Some(Tok::Op("("))) if g == "getenv" => k - 2,
        (Some(Tok::Name(g)), Some(Tok::Op("("))) if g == "get" && k >= 4 => k - 4,
        _ => return true,
    };
    let Some(Tok::Name(attr)) = toks.get(base) else {
        return true;
    };
    if base >= 2 && toks[base - 1] == Tok::Op(".") {
        let owner_is_os = matches!(&toks[base - 2], Tok::Name(o) if m.resolve(o) == "os");
        let dotted_further = base >= 3 && toks[base - 3] == Tok::Op(".");
        owner_is_os && !dotted_further
    } else {
        m.resolve(attr) == format!("os.{attr}")
    }
}

/// Whether `toks[k]` (a string) is the variable name of an environment read, and if so whether required.
fn env_read_at(toks: &[Tok], k: usize) -> Option<bool> {
    let at = |i: isize| -> Option<&Tok> { if i < 0 { None } else { toks.get(i as usize) } };
    let k = k as isize;
    let name_is = |i: isize, n: &str| matches!(at(i), Some(Tok::Name(x)) if x == n);
    let next = at(k + 1);
    let has_more_args = next == Some(&Tok::Op(","));
    match at(k - 1) {
        // `os.environ["X"] = "1"` sets the variable: no read.
        Some(Tok::Op("[")) if name_is(k - 2, "environ") && at(k + 2) == Some(&Tok::Op("=")) => None,
        Some(Tok::Op("[")) if name_is(k - 2, "environ") => Some(next == Some(&Tok::Op("]"))),
        Some(Tok::Op("(")) => match at(k - 2) {
            Some(Tok::Name(f))
                if f == "get" && at(k - 3) == Some(&Tok::Op(".")) && name_is(k - 4, "environ") =>
            {
                Some(false)
            }
            Some(Tok::Name(f)) if f == "getenv" => Some(false),
            Some(Tok::Name(f))
                if (f == "env" || f == "config") && at(k - 3) != Some(&Tok::Op(".")) =>
            {
                Some(!has_more_args)
            }
            Some(Tok::Name(_)) if at(k - 3) == Some(&Tok::Op(".")) && name_is(k - 4, "env") => {
                Some(!has_more_args)
            }
            _ => None,
        },
        _ => None,
    }
}

impl Module {
    /// Resolves a dotted callee through the imports: `Flask` -> `flask.Flask`, `fa.FastAPI` -> `fastapi.FastAPI`.
    pub fn resolve(&self, dotted: &str) -> String {
        let (head, tail) = match dotted.split_once('.') {
            Some((h, t)) => (h, Some(t)),
            None => (dotted, None),
        };
        match (self.imports.get(head), tail) {
            (Some(q), Some(t)) => format!("{q}.{t}"),
            (Some(q), None) => q.clone(),
            (None, _) => dotted.to_string(),
        }
    }

    /// The last top-level assignment to `name` (Python semantics: the last one wins).
    pub fn last_assign(&self, name: &str) -> Option<&Assign> {
        self.assigns
            .iter()
            .rev()
            .find(|a| a.target == name && !a.subscript)
    }

    /// Whether the module imports anything from `package` (`import package`, `from package.x import y`).
    pub fn imports_from(&self, package: &str) -> bool {
        self.imports
            .values()
            .any(|q| q == package || q.starts_with(&format!("{package}.")))
    }
}

/// A pydantic-settings class being read: its fields become environment reads.
#[derive(Default)]
struct SettingsClass {
    /// The indentation of the class body's statements.
    body: Option<usize>,
    prefix: String,
    fields: Vec<EnvRead>,
}

impl SettingsClass {
    /// Whether `line` starts a class deriving from pydantic's `BaseSettings`.
    fn starts(m: &Module, line: &Line) -> bool {
        let toks = &line.toks;
        line.indent == 0
            && name(toks.first()) == Some("class")
            && toks.iter().any(|t| match t {
                Tok::Name(n) => matches!(
                    m.resolve(n).as_str(),
                    "pydantic_settings.BaseSettings" | "pydantic.BaseSettings"
                ),
                _ => false,
            })
    }

    /// One line of the class: a field (`name: type [= default]`) or the `env_prefix` setting.
    fn line(&mut self, line: &Line) {
        let toks = &line.toks;
        if let Some(k) = toks
            .iter()
            .position(|t| *t == Tok::Name("env_prefix".into()))
            && let (Some(Tok::Op("=")), Some(Tok::Str(p))) = (toks.get(k + 1), toks.get(k + 2))
        {
            self.prefix = p.clone();
        }
        let body = *self.body.get_or_insert(line.indent);
        if line.indent != body || toks.get(1) != Some(&Tok::Op(":")) {
            return;
        }
        let Some(field) = name(toks.first()) else {
            return;
        };
        if field == "model_config" || field.starts_with('_') {
            return;
        }
        let value = toks
            .iter()
            .position(|t| *t == Tok::Op("="))
            .map(|i| &toks[i + 1..]);
        let (has_default, alias) = match value {
            None => (false, None),
            Some(v) if name(v.first()) == Some("Field") => field_call(v),
            Some(_) => (true, None),
        };
        // An alias is the variable's whole name: env_prefix does not apply to it.
        let key = alias.is_some().then_some("alias".to_string());
        let kind = match name(toks.get(2)) {
            Some("bool") => Some(EnvType::Bool { on: None }),
            Some("int") => Some(EnvType::Int),
            Some("float") => Some(EnvType::Float),
            Some("AnyUrl" | "HttpUrl" | "PostgresDsn" | "RedisDsn" | "AnyHttpUrl") => {
                Some(EnvType::Url)
            }
            _ => None,
        };
        let default = value
            .filter(|v| v.len() == 1)
            .and_then(|v| literal(v.first()));
        let kind = kind.or_else(|| {
            default
                .as_deref()
                .filter(|d| d.contains("://"))
                .map(|_| EnvType::Url)
        });
        self.fields.push(EnvRead {
            kind,
            default,
            key,
            name: alias.unwrap_or_else(|| field.to_string()),
            line: line.lineno,
            required: !has_default,
            has_default,
            target: Some(field.to_string()),
            ..EnvRead::default()
        });
    }

    /// The environment reads, with the prefix, upper-cased (pydantic-settings matches names
    /// case-insensitively; the conventional spelling is upper case).
    fn finish(self) -> Vec<EnvRead> {
        let prefix = self.prefix;
        self.fields
            .into_iter()
            .map(|mut r| {
                let prefix = if r.key.is_some() { "" } else { prefix.as_str() };
                r.name = format!("{prefix}{}", r.name).to_ascii_uppercase();
                r.key = None;
                r
            })
            .collect()
    }
}

/// `Field(...)`: whether it gives a default, and its alias.
fn field_call(v: &[Tok]) -> (bool, Option<String>) {
    let mut alias = None;
    let mut has_default = false;
    // The first argument: `...` means required; any other positional value is the default.
    match (v.get(2), v.get(3)) {
        (Some(Tok::Op(".")), _) | (Some(Tok::Op(")")), _) => {}
        (Some(Tok::Name(_)), Some(Tok::Op("="))) => {}
        (Some(_), _) => has_default = true,
        _ => {}
    }
    for (i, t) in v.iter().enumerate() {
        if let Tok::Name(kw) = t
            && v.get(i + 1) == Some(&Tok::Op("="))
        {
            match (kw.as_str(), v.get(i + 2)) {
                ("default" | "default_factory", _) => has_default = true,
                ("alias" | "validation_alias", Some(Tok::Str(a))) => alias = Some(a.clone()),
                _ => {}
            }
        }
    }
    (has_default, alias)
}

/// What single tokens of a line say: strings, environment reads, calls with a variable name,
/// `os.environ.setdefault`.
fn tokens(m: &mut Module, line: &Line) {
    let toks = &line.toks;
    if let Some(k) = toks
        .iter()
        .position(|t| *t == Tok::Name("create_all".into()))
        && k > 0
        && toks[k - 1] == Tok::Op(".")
        && toks.get(k + 1) == Some(&Tok::Op("("))
    {
        m.create_all.push(line.tok_lines[k]);
    }
    for (k, t) in line.toks.iter().enumerate() {
        if let Tok::Str(s) = t {
            m.strings.push((s.clone(), line.tok_lines[k]));
            if is_env_name(s)
                && let Some(required) = env_read_at(&line.toks, k)
                && reads_the_process_environment(m, &line.toks, k)
            {
                let read = env_read(line, k, s, required);
                m.comparisons.extend(compared_read(line, k, s));
                m.env_reads.push(read);
            } else if is_env_name(s)
                && k >= 2
                && line.toks[k - 1] == Tok::Op("(")
                && let Tok::Name(callee) = &line.toks[k - 2]
            {
                m.name_calls
                    .push((callee.clone(), env_read(line, k, s, false)));
            }
        }
        // environ.setdefault("KEY", "VALUE")
        if let Tok::Name(n) = t
            && n == "setdefault"
            && k >= 2
            && line.toks[k - 1] == Tok::Op(".")
            && line.toks[k - 2] == Tok::Name("environ".into())
            && let (
                Some(Tok::Op("(")),
                Some(Tok::Str(key)),
                Some(Tok::Op(",")),
                Some(Tok::Str(val)),
            ) = (
                line.toks.get(k + 1),
                line.toks.get(k + 2),
                line.toks.get(k + 3),
                line.toks.get(k + 4),
            )
        {
            m.env_defaults
                .push((key.clone(), val.clone(), line.tok_lines[k]));
        }
    }
}

/// Starts a top-level function's body, or adds a body line's calls to it; returns whether a body is
/// open after `line`.
fn def_body(m: &mut Module, line: &Line, open: bool) -> bool {
    if line.indent == 0 {
        let body = DefBody::starts(line);
        let started = body.is_some();
        m.def_bodies.extend(body);
        return started;
    }
    if open && let Some(body) = m.def_bodies.last_mut() {
        body.callees
            .extend(calls_of(line).into_iter().map(|c| c.callee));
    }
    open
}

/// The blocks a line is in that check whether a variable is set: `if "X" in os.environ:`,
/// `if os.getenv("X"):`, and `try:` blocks (a later `except KeyError:` makes their reads optional).
#[derive(Default)]
struct Guards {
    /// `(indent of the if, the names it checks)`.
    ifs: Vec<(usize, Vec<String>)>,
    /// `(indent of the try, first env read and name call inside it)`.
    tries: Vec<(usize, usize, usize)>,
    /// The `try` whose `except` clauses are being read.
    closed_try: Option<(usize, usize, usize)>,
}

impl Guards {
    /// Leaves the blocks `line` is not in, and enters the one it opens.
    fn enter(&mut self, line: &Line) {
        let first = name(line.toks.first());
        self.ifs.retain(|(indent, _)| *indent < line.indent);
        let clause = matches!(first, Some("except" | "else" | "finally"));
        if let Some(t) = self.tries.last()
            && t.0 == line.indent
            && clause
        {
            self.closed_try = self.tries.pop();
        } else if !(clause && self.closed_try.is_some_and(|t| t.0 == line.indent)) {
            self.closed_try = None;
        }
        self.tries.retain(|t| t.0 < line.indent);
        if matches!(first, Some("if" | "elif")) {
            self.ifs.push((line.indent, checked_names(&line.toks)));
        }
    }

    /// Opens a `try` block after the reads on its own line.
    fn open_try(&mut self, line: &Line, m: &Module) {
        if name(line.toks.first()) == Some("try") {
            self.tries
                .push((line.indent, m.env_reads.len(), m.name_calls.len()));
        }
    }

    /// Whether a read of `var` on `line` happens only when the environment has been checked: under an
    /// `if` that checks `var`, or any other variable (`SENTRY_TRACES_SAMPLE_RATE` read only when
    /// `SENTRY_DSN` is set is needed only by those who set `SENTRY_DSN`), or checked on the line itself.
    fn covers(&self, line: &Line, var: &str) -> bool {
        let here = line.indent;
        self.ifs
            .iter()
            .any(|(indent, names)| *indent < here && !names.is_empty())
            || checked_in_place(&line.toks, var)
    }

    fn mark(&self, line: &Line, reads: &mut [EnvRead]) {
        for r in reads.iter_mut().filter(|r| self.covers(line, &r.name)) {
            r.guarded = true;
            r.required = false;
        }
    }

    fn mark_calls(&self, line: &Line, calls: &mut [(String, EnvRead)]) {
        for (_, r) in calls.iter_mut().filter(|(_, r)| self.covers(line, &r.name)) {
            r.guarded = true;
            r.required = false;
        }
    }

    /// An `except` that catches a missing variable (`KeyError`, `Exception`, or everything) makes the
    /// reads of its `try` block optional; then opens a `try` this line starts.
    fn except(&mut self, line: &Line, m: &mut Module) {
        let toks = &line.toks;
        if name(toks.first()) == Some("except")
            && let Some((_, reads, calls)) = self.closed_try
        {
            let catches = toks.len() <= 2
                || toks.iter().any(|t| {
                    matches!(t, Tok::Name(n) if matches!(n.as_str(), "KeyError" | "Exception" | "LookupError" | "ImproperlyConfigured"))
                });
            if catches {
                for r in &mut m.env_reads[reads..] {
                    r.guarded = true;
                    r.required = false;
                }
                for (_, r) in &mut m.name_calls[calls..] {
                    r.guarded = true;
                    r.required = false;
                }
            }
        }
        self.open_try(line, m);
    }
}

/// The variables an `if` condition checks: `"X" in os.environ`, `os.environ.get("X")`, `os.getenv("X")`.
fn checked_names(toks: &[Tok]) -> Vec<String> {
    let mut out = Vec::new();
    for (k, t) in toks.iter().enumerate() {
        if let Tok::Str(s) = t
            && is_env_name(s)
            && (env_read_at(toks, k).is_some() || in_environ(toks, k))
        {
            out.push(s.clone());
        }
    }
    out
}

/// `"X" in os.environ` (or `in environ`, `in os.environ.keys()`) with the name at `k`.
fn in_environ(toks: &[Tok], k: usize) -> bool {
    let rest = &toks[k + 1..];
    match rest {
        [Tok::Name(i), Tok::Name(e), ..] if i == "in" && e == "environ" => true,
        [Tok::Name(i), Tok::Name(_), Tok::Op("."), Tok::Name(e), ..]
            if i == "in" && e == "environ" =>
        {
            true
        }
        _ => false,
    }
}

/// A read checked on its own line: `os.environ["X"] if "X" in os.environ else None`.
fn checked_in_place(toks: &[Tok], var: &str) -> bool {
    // A conditional expression whose condition reads the variable itself:
    // `os.getenv("X").split(",") if os.getenv("X") else []`.
    let statement = matches!(name(toks.first()), Some("if" | "elif" | "while"));
    let condition = (!statement)
        .then(|| toks.iter().position(|t| *t == Tok::Name("if".into())))
        .flatten();
    toks.iter().enumerate().any(|(k, t)| {
        matches!(t, Tok::Str(s) if s == var)
            && (in_environ(toks, k)
                || condition.is_some_and(|c| k > c && env_read_at(toks, k).is_some()))
    })
}

/// Tokenizes and summarises a module.
pub fn summarize(src: &str) -> Module {
    let mut m = Module::default();
    let mut settings: Option<SettingsClass> = None;
    let mut helper: Option<HelperDef> = None;
    let mut pending_cli: Option<(Option<String>, usize)> = None;
    let mut guards = Guards::default();
    let mut open_def = false;
    for line in logical_lines(src) {
        pending_cli = cli_command(&mut m, &line, pending_cli);
        if line.indent == 0
            && let Some(h) = helper.take()
        {
            m.env_helpers.extend(h.finish());
        }
        if let Some(h) = helper.as_mut() {
            h.line(&line);
        } else if let Some(h) = HelperDef::starts(&line) {
            helper = Some(h);
        }
        if line.indent == 0
            && let Some(class) = settings.take()
        {
            m.env_reads.extend(class.finish());
        }
        if let Some(class) = settings.as_mut() {
            class.line(&line);
        } else if SettingsClass::starts(&m, &line) {
            settings = Some(SettingsClass::default());
        }
        open_def = def_body(&mut m, &line, open_def);
        guards.enter(&line);
        let (reads, calls) = (m.env_reads.len(), m.name_calls.len());
        tokens(&mut m, &line);
        guards.mark(&line, &mut m.env_reads[reads..]);
        guards.mark_calls(&line, &mut m.name_calls[calls..]);
        guards.except(&line, &mut m);
        m.calls.extend(calls_of(&line));
        m.comparisons.extend(comparisons(&line));
        config_calls(&mut m, &line);
        if line.indent == 0 {
            top_level(&mut m, &line);
        } else {
            // Imports inside functions or try blocks still bind names we may need (e.g. a factory).
            imports_of(&mut m, &line.toks);
        }
    }
    if let Some(class) = settings {
        m.env_reads.extend(class.finish());
    }
    if let Some(h) = helper {
        m.env_helpers.extend(h.finish());
    }
    m
}

/// Click commands: a `@click.command(...)` or `@<x>.cli.command(...)` decorator line starts one (with
/// its explicit name, if any); the `def` it decorates ends it, naming it as click does when no name is
/// given (`init_db_command` runs as `init-db`). Returns what is still pending.
fn cli_command(
    m: &mut Module,
    line: &Line,
    pending: Option<(Option<String>, usize)>,
) -> Option<(Option<String>, usize)> {
    let toks = &line.toks;
    if toks.first() == Some(&Tok::Op("@")) {
        let mut k = 1;
        let mut path = vec![];
        while let Some(Tok::Name(n)) = toks.get(k) {
            path.push(n.as_str());
            if toks.get(k + 1) != Some(&Tok::Op(".")) {
                break;
            }
            k += 2;
        }
        let is_command = matches!(path.as_slice(), ["click", "command"])
            || (path.len() >= 3 && path[path.len() - 2..] == ["cli", "command"]);
        if is_command && toks.get(k + 1) == Some(&Tok::Op("(")) {
            let name = match toks.get(k + 2) {
                Some(Tok::Str(n)) => Some(n.clone()),
                _ => None,
            };
            return Some((name, line.tok_lines[0]));
        }
        return pending;
    }
    let (explicit, at) = pending?;
    let def = match (name(toks.first()), name(toks.get(1)), name(toks.get(2))) {
        (Some("def"), Some(f), _) | (Some("async"), Some("def"), Some(f)) => f,
        _ => return None,
    };
    let derived = || {
        let base = ["_command", "_cmd"]
            .iter()
            .find_map(|s| def.strip_suffix(s))
            .unwrap_or(def);
        base.replace('_', "-").to_lowercase()
    };
    m.cli_commands.push((explicit.unwrap_or_else(derived), at));
    None
}

/// The read of `name` at `toks[k]`, with its default, the statement's target, its dict key and callee.
fn env_read(line: &Line, k: usize, name: &str, required: bool) -> EnvRead {
    let toks = &line.toks;
    let close = closing(toks, k);
    let after = close.and_then(|c| toks.get(c + 1));
    let or_present = after == Some(&Tok::Name("or".into()));
    let default = default_of(toks, k, close.filter(|_| or_present));
    let target = dotted_target(toks)
        .filter(|(_, after)| {
            matches!(toks.get(*after), Some(Tok::Op("=") | Tok::Op(":"))) && *after < k
        })
        .map(|(t, _)| t);
    let (key, callee) = context_of(toks, k.saturating_sub(1));
    let has_default = toks.get(k + 1) == Some(&Tok::Op(",")) || or_present;
    // `os.environ.get("X").split()` and `int(os.getenv("X"))` crash when X is unset.
    let crashes_without = !has_default
        && (after == Some(&Tok::Op(".")) || matches!(callee.as_deref(), Some("int" | "float")));
    let split = close.and_then(|c| match &toks[c + 1..] {
        [Tok::Op("."), Tok::Name(m), Tok::Op("("), Tok::Str(sep), ..] if m == "split" => {
            Some(sep.clone())
        }
        [Tok::Op("."), Tok::Name(m), Tok::Op("("), Tok::Op(")"), ..] if m == "split" => {
            Some(" ".to_string())
        }
        _ => None,
    });
    let reader = (k >= 2 && toks[k - 1] == Tok::Op("("))
        .then(|| self::name(toks.get(k - 2)))
        .flatten();
    let bare = k < 3 || toks[k - 3] != Tok::Op(".");
    let kind = value_kind(
        toks,
        k,
        close,
        reader,
        callee.as_deref(),
        default.as_deref(),
    )
    .or_else(|| split.clone().map(|separator| EnvType::List { separator }));
    EnvRead {
        split,
        kind,
        name: name.to_string(),
        line: line.tok_lines[k],
        required: required || crashes_without,
        default,
        has_default,
        target,
        key,
        callee,
        guarded: false,
        reader: reader.filter(|_| bare).map(str::to_string),
    }
}

/// The literal default of the read at `k`: its second argument (`default=` too), else the operand of
/// an `or` after the read's bracket at `or_after` (`os.environ.get("X") or 25`).
fn default_of(toks: &[Tok], k: usize, or_after: Option<usize>) -> Option<String> {
    match (toks.get(k + 1), toks.get(k + 2), toks.get(k + 3)) {
        (Some(Tok::Op(",")), Some(Tok::Name(kw)), Some(Tok::Op("="))) if kw == "default" => {
            literal(toks.get(k + 4))
        }
        (Some(Tok::Op(",")), t, _) => literal(t),
        _ => None,
    }
    .or_else(|| or_after.and_then(|c| literal(toks.get(c + 2))))
}

/// A literal as the text `.env` would hold: a string, a number, `True`/`False`.
fn literal(t: Option<&Tok>) -> Option<String> {
    match t? {
        Tok::Str(s) => Some(s.clone()),
        Tok::Num(n) => Some(n.clone()),
        Tok::Name(b) if b == "True" || b == "False" => Some(b.clone()),
        _ => None,
    }
}

/// Words code compares a switch with.
const BOOL_WORDS: &[&str] = &[
    "true", "false", "1", "0", "yes", "no", "on", "off", "y", "n", "t", "f",
];
const TRUE_WORDS: &[&str] = &["true", "1", "yes", "on", "y", "t"];

/// The kind of value the read at `k` is parsed as: the reader (`env.bool`, `env.int`, decouple's
/// `cast=`), the call around it (`int(...)`), what it is compared with (`.lower() in ("1", "true")`), or
/// a URL default.
fn value_kind(
    toks: &[Tok],
    k: usize,
    close: Option<usize>,
    reader: Option<&str>,
    callee: Option<&str>,
    default: Option<&str>,
) -> Option<EnvType> {
    let cast = |kind: &str| -> Option<EnvType> {
        match kind {
            "bool" => Some(EnvType::Bool { on: None }),
            "int" => Some(EnvType::Int),
            "float" => Some(EnvType::Float),
            "list" | "tuple" | "Csv" => Some(EnvType::List {
                separator: ",".into(),
            }),
            "url" | "db_url" | "db" | "cache_url" | "cache" | "email_url" | "search_url" => {
                Some(EnvType::Url)
            }
            _ => None,
        }
    };
    // django-environ's `env.bool("X")`, decouple's `config("X", cast=bool)`.
    if let Some(kind) = reader
        .filter(|_| k >= 4 && toks[k - 3] == Tok::Op("."))
        .and_then(cast)
    {
        return Some(kind);
    }
    let end = close.unwrap_or(toks.len());
    if let Some(i) = (k..end).find(|&i| toks[i] == Tok::Name("cast".into()))
        && toks.get(i + 1) == Some(&Tok::Op("="))
        && let Some(kind) = name(toks.get(i + 2)).and_then(cast)
    {
        return Some(kind);
    }
    if let Some(kind) = callee
        .filter(|c| matches!(*c, "int" | "float"))
        .and_then(cast)
    {
        return Some(kind);
    }
    if let Some(values) = close.and_then(|c| compared_with(toks, c)) {
        let lower: Vec<String> = values.iter().map(|v| v.to_ascii_lowercase()).collect();
        if lower.iter().all(|v| BOOL_WORDS.contains(&v.as_str())) {
            let on = values
                .iter()
                .find(|v| TRUE_WORDS.contains(&v.to_ascii_lowercase().as_str()))
                .cloned();
            return Some(EnvType::Bool { on });
        }
        return Some(EnvType::Choice { values });
    }
    match default {
        Some(d) if d.contains("://") => Some(EnvType::Url),
        Some("True" | "False") => Some(EnvType::Bool { on: None }),
        _ => None,
    }
}

/// The index just after the `.lower()`-like calls (no arguments) that follow the token at `close`;
/// `None` when another method is called there.
fn after_normalising_calls(toks: &[Tok], close: usize) -> Option<usize> {
    let mut j = close + 1;
    while let [Tok::Op("."), Tok::Name(m), Tok::Op("("), Tok::Op(")"), ..] =
        &toks[j.min(toks.len())..]
    {
        if !matches!(m.as_str(), "lower" | "upper" | "strip" | "casefold") {
            return None;
        }
        j += 4;
    }
    Some(j)
}

/// The literal values the value ending at `close` is compared with, after `.lower()`-like calls:
/// `== "x"`, `in ("a", "b")`.
fn compared_with(toks: &[Tok], close: usize) -> Option<Vec<String>> {
    let j = after_normalising_calls(toks, close)?;
    match (toks.get(j), toks.get(j + 1)) {
        (Some(Tok::Op("==" | "!=")), Some(Tok::Str(v))) => Some(vec![v.clone()]),
        (Some(Tok::Name(op)), Some(Tok::Op("(" | "[" | "{"))) if op == "in" => {
            let mut values = Vec::new();
            let mut i = j + 2;
            while let Some(t) = toks.get(i) {
                match t {
                    Tok::Str(v) => values.push(v.clone()),
                    Tok::Op(",") => {}
                    Tok::Op(")" | "]" | "}") => break,
                    _ => return None,
                }
                i += 1;
            }
            (!values.is_empty()).then_some(values)
        }
        _ => None,
    }
}

/// Walking back from the read's own bracket at `open`: the dict key it is the value of and the
/// innermost call it is an argument of.
fn context_of(toks: &[Tok], open: usize) -> (Option<String>, Option<String>) {
    let mut depth = 0usize;
    let mut callee = None;
    let mut j = open;
    while j > 0 {
        j -= 1;
        match &toks[j] {
            Tok::Op(")" | "]" | "}") => depth += 1,
            Tok::Op("(") if depth == 0 => match toks.get(j.wrapping_sub(1)) {
                Some(Tok::Name(n)) if j > 0 => {
                    callee.get_or_insert_with(|| n.clone());
                }
                _ => return (None, callee),
            },
            Tok::Op("(" | "[" | "{") if depth == 0 => return (None, callee),
            Tok::Op("(" | "[" | "{") => depth -= 1,
            Tok::Op(",") if depth == 0 => return (None, callee),
            Tok::Op(":") if depth == 0 => {
                let key = match toks.get(j.wrapping_sub(1)) {
                    Some(Tok::Str(k)) if j > 0 => Some(k.clone()),
                    _ => None,
                };
                return (key, callee);
            }
            _ => {}
        }
    }
    (None, callee)
}

/// The index of the bracket that closes the read whose name is at `k`.
fn closing(toks: &[Tok], k: usize) -> Option<usize> {
    let mut depth = 0usize;
    (k..toks.len()).find(|&j| {
        match &toks[j] {
            Tok::Op("(" | "[") => depth += 1,
            Tok::Op(")" | "]") if depth == 0 => return true,
            Tok::Op(")" | "]") => depth -= 1,
            _ => {}
        }
        false
    })
}

/// `os.getenv("DB") == "postgres"`: the read at `k` compared in place, also after `.lower()`-like calls
/// (`os.getenv("DEBUG", "false").lower() == "true"`: `true` is the value that turns it on).
fn compared_read(line: &Line, k: usize, name: &str) -> Option<Comparison> {
    let toks = &line.toks;
    let j = after_normalising_calls(toks, closing(toks, k)?)?;
    match (toks.get(j), toks.get(j + 1)) {
        (Some(Tok::Op("==")), Some(Tok::Str(v))) => Some(Comparison {
            name: name.to_string(),
            env: true,
            value: v.clone(),
            line: line.tok_lines[j],
        }),
        _ => None,
    }
}

/// `name == "value"` and `"value" == name` in a line.
fn comparisons(line: &Line) -> Vec<Comparison> {
    let toks = &line.toks;
    let mut out = Vec::new();
    for (j, t) in toks.iter().enumerate().skip(1) {
        if *t != Tok::Op("==") {
            continue;
        }
        let pair = match (&toks[j - 1], toks.get(j + 1)) {
            (Tok::Name(n), Some(Tok::Str(v))) => Some((n, v)),
            (Tok::Str(v), Some(Tok::Name(n))) => Some((n, v)),
            _ => None,
        };
        if let Some((n, v)) = pair
            && toks.get(j.wrapping_sub(2)) != Some(&Tok::Op("."))
        {
            out.push(Comparison {
                name: n.clone(),
                env: false,
                value: v.clone(),
                line: line.tok_lines[j],
            });
        }
    }
    out
}

fn name(t: Option<&Tok>) -> Option<&str> {
    match t {
        Some(Tok::Name(n)) => Some(n),
        _ => None,
    }
}

fn top_level(m: &mut Module, line: &Line) {
    let toks = &line.toks;
    match name(toks.first()) {
        Some("import") | Some("from") => imports_of(m, toks),
        Some("def") => m
            .defs
            .extend(name(toks.get(1)).map(|n| (n.to_string(), line.lineno))),
        Some("async") if name(toks.get(1)) == Some("def") => m
            .defs
            .extend(name(toks.get(2)).map(|n| (n.to_string(), line.lineno))),
        Some("class") | Some("if") | Some("for") | Some("while") | Some("with") | Some("try")
        | Some("return") => {}
        _ => {
            if let Some(a) = assignment(toks, line.lineno) {
                m.assigns.push(a);
            }
        }
    }
}

/// `target [: annotation] = value`, with target a dotted name, optionally subscripted.
fn assignment(toks: &[Tok], lineno: usize) -> Option<Assign> {
    let (target, mut k) = dotted_target(toks)?;
    let subscript = toks.get(k) == Some(&Tok::Op("["));
    if subscript {
        k = skip_subscript(toks, k);
    }
    if toks.get(k) == Some(&Tok::Op(":")) {
        k = skip_annotation(toks, k + 1);
    }
    if toks.get(k) != Some(&Tok::Op("=")) {
        return None;
    }
    let value_toks = &toks[k + 1..];
    // Chained assignment `a = b = value`: keep the rightmost value.
    let value_toks = match value_toks.iter().rposition(|t| *t == Tok::Op("=")) {
        Some(p) if depth_at(value_toks, p) == 0 => &value_toks[p + 1..],
        _ => value_toks,
    };
    Some(Assign {
        target,
        subscript,
        line: lineno,
        value: classify(value_toks),
        names: value_toks
            .iter()
            .filter_map(|t| match t {
                Tok::Name(n) => Some(n.clone()),
                _ => None,
            })
            .collect(),
        strings: value_toks
            .iter()
            .filter_map(|t| match t {
                Tok::Str(s) => Some(s.clone()),
                _ => None,
            })
            .collect(),
    })
}

/// A dotted name at the start of `toks`, and the index after it.
fn dotted_target(toks: &[Tok]) -> Option<(String, usize)> {
    let mut k = 0;
    let mut target = String::new();
    loop {
        let Some(Tok::Name(n)) = toks.get(k) else {
            return None;
        };
        target.push_str(n);
        k += 1;
        if toks.get(k) != Some(&Tok::Op(".")) {
            return Some((target, k));
        }
        target.push('.');
        k += 1;
    }
}

/// The index after the `[...]` that starts at `k`.
fn skip_subscript(toks: &[Tok], mut k: usize) -> usize {
    let mut d = 0;
    while let Some(t) = toks.get(k) {
        match t {
            Tok::Op("[") => d += 1,
            Tok::Op("]") => {
                d -= 1;
                if d == 0 {
                    return k + 1;
                }
            }
            _ => {}
        }
        k += 1;
    }
    k
}

/// The index of the `=` at bracket depth 0 that ends an annotation starting at `k`.
fn skip_annotation(toks: &[Tok], mut k: usize) -> usize {
    let mut d = 0i32;
    while let Some(t) = toks.get(k) {
        match t {
            Tok::Op("(") | Tok::Op("[") | Tok::Op("{") => d += 1,
            Tok::Op(")") | Tok::Op("]") | Tok::Op("}") => d -= 1,
            Tok::Op("=") if d == 0 => break,
            _ => {}
        }
        k += 1;
    }
    k
}

fn depth_at(toks: &[Tok], pos: usize) -> i32 {
    toks[..pos].iter().fold(0, |d, t| match t {
        Tok::Op("(") | Tok::Op("[") | Tok::Op("{") => d + 1,
        Tok::Op(")") | Tok::Op("]") | Tok::Op("}") => d - 1,
        _ => d,
    })
}

fn classify(v: &[Tok]) -> Value {
    match v {
        [] => Value::Other,
        [Tok::Name(n)] if n == "True" => Value::Bool(true),
        [Tok::Name(n)] if n == "False" => Value::Bool(false),
        [Tok::Name(n)] if n == "None" => Value::None,
        [Tok::Op("["), Tok::Op("]")] | [Tok::Op("("), Tok::Op(")")] => Value::EmptyList,
        _ if v.iter().all(|t| matches!(t, Tok::Str(_))) => Value::Str(
            v.iter()
                .map(|t| match t {
                    Tok::Str(s) => s.as_str(),
                    _ => "",
                })
                .collect(),
        ),
        _ => {
            // A call: dotted name followed by `(` whose matching `)` ends the value.
            let mut k = 0;
            let mut callee = String::new();
            while let Some(Tok::Name(n)) = v.get(k) {
                callee.push_str(n);
                k += 1;
                if v.get(k) == Some(&Tok::Op(".")) {
                    callee.push('.');
                    k += 1;
                } else {
                    break;
                }
            }
            if callee.is_empty() || callee.ends_with('.') || v.get(k) != Some(&Tok::Op("(")) {
                return Value::Other;
            }
            let mut d = 0;
            for (j, t) in v.iter().enumerate().skip(k) {
                match t {
                    Tok::Op("(") | Tok::Op("[") | Tok::Op("{") => d += 1,
                    Tok::Op(")") | Tok::Op("]") | Tok::Op("}") => {
                        d -= 1;
                        if d == 0 {
                            return if j == v.len() - 1 {
                                Value::Call { callee }
                            } else {
                                Value::Other
                            };
                        }
                    }
                    _ => {}
                }
            }
            Value::Other
        }
    }
}

fn dotted(toks: &[Tok], mut k: usize) -> (String, usize) {
    let mut s = String::new();
    while let Some(Tok::Name(n)) = toks.get(k) {
        if n == "import" || n == "as" {
            break;
        }
        s.push_str(n);
        k += 1;
        if toks.get(k) == Some(&Tok::Op(".")) {
            s.push('.');
            k += 1;
        } else {
            break;
        }
    }
    (s, k)
}

/// The names an `import` or `from ... import` statement binds, into `m.imports` (star imports into
/// `m.star_imports`).
fn imports_of(m: &mut Module, toks: &[Tok]) {
    match name(toks.first()) {
        Some("import") => plain_import(m, toks),
        Some("from") => from_import(m, toks),
        _ => {}
    }
}

/// `import a.b as c, d`: `c` is `a.b`, `d` is `d` (and `import a.b` binds `a`).
fn plain_import(m: &mut Module, toks: &[Tok]) {
    let mut k = 1;
    loop {
        let (module, next) = dotted(toks, k);
        if module.is_empty() {
            return;
        }
        k = next;
        if name(toks.get(k)) == Some("as") {
            if let Some(alias) = name(toks.get(k + 1)) {
                m.imports.insert(alias.to_string(), module);
            }
            k += 2;
        } else {
            let head = module.split('.').next().unwrap_or_default().to_string();
            m.imports.insert(head.clone(), head);
        }
        if toks.get(k) == Some(&Tok::Op(",")) {
            k += 1;
        } else {
            return;
        }
    }
}

/// `from ..pkg.mod import a as b, c` (relative levels kept as leading dots), or `from x import *`.
fn from_import(m: &mut Module, toks: &[Tok]) {
    let mut k = 1;
    let mut level = 0;
    while toks.get(k) == Some(&Tok::Op(".")) {
        level += 1;
        k += 1;
    }
    let (module, next) = dotted(toks, k);
    k = next;
    if name(toks.get(k)) != Some("import") {
        return;
    }
    k += 1;
    if toks.get(k) == Some(&Tok::Op("*")) {
        m.star_imports.push((level, module));
        return;
    }
    let prefix = format!("{}{}", ".".repeat(level), module);
    while let Some(t) = toks.get(k) {
        match t {
            Tok::Name(n) => {
                let full = if prefix.ends_with('.') || prefix.is_empty() {
                    format!("{prefix}{n}")
                } else {
                    format!("{prefix}.{n}")
                };
                if name(toks.get(k + 1)) == Some("as") {
                    if let Some(alias) = name(toks.get(k + 2)) {
                        m.imports.insert(alias.to_string(), full);
                    }
                    k += 3;
                } else {
                    m.imports.insert(n.clone(), full);
                    k += 1;
                }
            }
            _ => k += 1,
        }
    }
}

/// How many times this thread has tokenised Python source ([`logical_lines`] calls), for tests that
/// count the passes a detection makes; nothing outside tests.
#[cfg(test)]
pub(crate) mod tally {
    thread_local! {
        static PASSES: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
    }

    pub fn pass() {
        PASSES.with(|p| p.set(p.get() + 1));
    }

    pub fn passes() -> usize {
        PASSES.with(|p| p.get())
    }
}

#[cfg(not(test))]
mod tally {
    #[inline(always)]
    pub fn pass() {}
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn calls_carry_their_literal_arguments() {
        let m = summarize(
            r#"
router = APIRouter(prefix="/api", tags=["ops"])
@router.api_route("/health", methods=["GET", "HEAD"])
def health(): ...
urlpatterns = [path("ops/", include("ops.urls")), re_path(r"^x$", views.X.as_view())]
def f(a, b): ...
# @app.get("/commented")
"#,
        );
        let c = &m.calls[0];
        assert_eq!(
            (c.callee.as_str(), c.target.as_deref()),
            ("APIRouter", Some("router"))
        );
        assert_eq!(c.kwarg("prefix"), Some(&Arg::Str("/api".into())));
        assert_eq!(c.kwarg("tags"), Some(&Arg::Strs(vec!["ops".into()])));
        let d = &m.calls[1];
        assert!(d.decorator && d.callee == "router.api_route" && d.line == 3);
        assert_eq!(d.args, [Arg::Str("/health".into())]);
        assert_eq!(
            d.kwarg("methods"),
            Some(&Arg::Strs(vec!["GET".into(), "HEAD".into()]))
        );
        let p = m.calls.iter().find(|c| c.callee == "path").unwrap();
        assert_eq!(
            p.args[1],
            Arg::Call {
                callee: "include".into(),
                first: Some("ops.urls".into())
            }
        );
        let r = m.calls.iter().find(|c| c.callee == "re_path").unwrap();
        assert_eq!(
            r.args[1],
            Arg::Call {
                callee: "views.X.as_view".into(),
                first: None
            }
        );
        // `def f(` is no call, a comment holds none, and `X.as_view()` is one callee, not `as_view`.
        assert!(
            !m.calls
                .iter()
                .any(|c| c.callee == "f" || c.callee == "app.get" || c.callee == "as_view")
        );
    }

    #[test]
    fn comments_docstrings_and_nested_code_are_not_assignments() {
        let m = summarize(
            r#"
"""app = Flask(__name__) in a docstring"""
# app = Flask(__name__)
def make():
    app = Flask(__name__)
    return app
x = "app = Flask(__name__)"
"#,
        );
        assert_eq!(m.assigns.len(), 1);
        assert_eq!(m.assigns[0].target, "x");
        assert_eq!(
            m.assigns[0].value,
            Value::Str("app = Flask(__name__)".into())
        );
        assert_eq!(m.defs, vec![("make".to_string(), 4)]);
    }

    #[test]
    fn imports_and_aliases_resolve() {
        let m = summarize(
            "import fastapi as fa\nfrom flask import Flask as F, request\nfrom . import views\nimport os.path\n\
             api = fa.FastAPI(title='x')\nweb: F = F(__name__)\n",
        );
        assert_eq!(m.resolve("fa.FastAPI"), "fastapi.FastAPI");
        assert_eq!(m.resolve("F"), "flask.Flask");
        assert_eq!(m.resolve("views"), ".views");
        assert_eq!(m.resolve("os.path.join"), "os.path.join");
        assert_eq!(
            m.last_assign("api").unwrap().value,
            Value::Call {
                callee: "fa.FastAPI".into()
            }
        );
        let web = m.last_assign("web").unwrap();
        assert_eq!(web.value, Value::Call { callee: "F".into() });
        assert_eq!(web.line, 6);
    }

    #[test]
    fn multi_line_values_and_continuations_keep_first_line() {
        let m = summarize(
            "A = 1\nDATABASES = {\n    'default': dj_database_url.config(\n        default='postgres://x'),\n}\n\
             B = \\\n  'y'\nC = '''a\nb'''\nD = True\n",
        );
        let db = m.last_assign("DATABASES").unwrap();
        assert_eq!(db.line, 2);
        assert!(db.names.contains(&"dj_database_url".to_string()));
        assert_eq!(m.last_assign("B").unwrap().value, Value::Str("y".into()));
        assert_eq!(m.last_assign("B").unwrap().line, 6);
        assert_eq!(m.last_assign("D").unwrap().line, 10);
        assert_eq!(m.last_assign("D").unwrap().value, Value::Bool(true));
        assert!(
            m.strings
                .iter()
                .any(|(s, l)| s == "postgres://x" && *l == 4)
        );
    }

    #[test]
    fn setdefault_in_any_quote_style_and_spacing() {
        for src in [
            "import os\ndef main():\n    os.environ.setdefault('DJANGO_SETTINGS_MODULE', 'a.settings')\n",
            "import os\ndef main():\n    os.environ.setdefault( \"DJANGO_SETTINGS_MODULE\" ,\"a.settings\" )\n",
        ] {
            let m = summarize(src);
            assert_eq!(
                m.env_defaults,
                vec![("DJANGO_SETTINGS_MODULE".into(), "a.settings".into(), 3)]
            );
        }
    }

    #[test]
    fn star_imports_and_string_prefixes() {
        let m = summarize(
            "from .base import *\nfrom mysite.settings.common import *\nX = rb'a\\b'\nY = f\"{1}\"\n",
        );
        assert_eq!(
            m.star_imports,
            vec![(1, "base".into()), (0, "mysite.settings.common".into())]
        );
        assert_eq!(
            m.last_assign("X").unwrap().value,
            Value::Str("a\\\\b".replace("\\\\", "\\"))
        );
        assert!(matches!(m.last_assign("Y").unwrap().value, Value::Str(_)));
    }

    #[test]
    fn values_are_classified() {
        let m = summarize(
            "A = []\nB = None\nC = create_app()\nD = create_app().wsgi\nE = x == y\nF = G = Flask(n)\n",
        );
        assert_eq!(m.last_assign("A").unwrap().value, Value::EmptyList);
        assert_eq!(m.last_assign("B").unwrap().value, Value::None);
        assert_eq!(
            m.last_assign("C").unwrap().value,
            Value::Call {
                callee: "create_app".into()
            }
        );
        assert_eq!(m.last_assign("D").unwrap().value, Value::Other);
        assert_eq!(m.last_assign("E").unwrap().value, Value::Other);
        assert_eq!(
            m.last_assign("F").unwrap().value,
            Value::Call {
                callee: "Flask".into()
            }
        );
    }

    #[test]
    fn environment_reads_are_found_with_requiredness() {
        let m = summarize(
            "import os\nfrom decouple import config\nimport environ\nenv = environ.Env()\n\
             A = os.environ['SECRET_KEY']\nB = os.environ.get('DEBUG', '0')\nC = os.getenv(\"REDIS_URL\")\n\
             D = env('DATABASE_URL')\nE = env.bool('USE_S3', default=False)\nF = config('API_TOKEN')\n\
             G = {'k': 'NOT_AN_ENV'}\nH = d.get('ALSO_NOT')\n",
        );
        let got: Vec<(&str, bool)> = m
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.required))
            .collect();
        assert_eq!(
            got,
            vec![
                ("SECRET_KEY", true),
                ("DEBUG", false),
                ("REDIS_URL", false),
                ("DATABASE_URL", true),
                ("USE_S3", false),
                ("API_TOKEN", true),
            ]
        );
        assert_eq!(m.env_reads[0].line, 5);
    }

    #[test]
    fn garbage_does_not_panic() {
        for src in [
            "'unterminated",
            "\"\"\"open",
            "(((",
            ")))",
            "\\",
            "x = \\",
            "é = 'ü'",
            "\0\0\0",
        ] {
            let _ = summarize(src);
        }
    }

    #[test]
    fn click_commands_by_their_run_name() {
        let m = summarize(
            "import click\n\n@click.command('init-db')\n@with_appcontext\ndef init_db_command():\n    pass\n\n@app.cli.command()\ndef seed_data_command():\n    pass\n\n# @click.command('commented')\ndef plain():\n    '''@click.command(\"in-a-docstring\")'''\n\n@bp.route('/x')\ndef view():\n    pass\n",
        );
        assert_eq!(
            m.cli_commands,
            vec![("init-db".to_string(), 3), ("seed-data".to_string(), 8)]
        );
    }

    #[test]
    fn env_reads_know_where_their_value_goes() {
        let m = summarize(
            "import os\nDB = os.getenv('DB', 'sqlite')\nif DB == 'postgres':\n    DATABASES = {\n        'default': {\n            'ENGINE': 'django.db.backends.postgresql',\n            'HOST': os.environ.get('SQL_HOST', 'localhost'),\n            'PORT': int(os.getenv('SQL_PORT', '5432')),\n        }\n    }\nengine = create_engine(os.environ['DATABASE_URL'], echo=True)\nif os.getenv('USE_S3') == 'TRUE':\n    pass\n",
        );
        let r = |n: &str| m.env_reads.iter().find(|r| r.name == n).unwrap();
        assert_eq!(r("DB").target.as_deref(), Some("DB"));
        assert_eq!(r("DB").default.as_deref(), Some("sqlite"));
        assert_eq!(r("SQL_HOST").target.as_deref(), Some("DATABASES"));
        assert_eq!(r("SQL_HOST").key.as_deref(), Some("HOST"));
        assert_eq!(r("SQL_PORT").key.as_deref(), Some("PORT"));
        assert_eq!(r("SQL_PORT").callee.as_deref(), Some("int"));
        assert_eq!(r("DATABASE_URL").callee.as_deref(), Some("create_engine"));
        assert_eq!(r("DATABASE_URL").target.as_deref(), Some("engine"));
        assert!(r("DATABASE_URL").required);
        assert!(!r("DB").required && r("DB").has_default);
        let m2 = summarize(
            "import os\nALLOWED_HOSTS = os.environ.get('ALLOWED_HOSTS').split(' ')\nX = int(os.getenv('WORKERS'))\nY = os.getenv('OPTIONAL')\n",
        );
        let req: Vec<(&str, bool)> = m2
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.required))
            .collect();
        assert_eq!(
            req,
            [
                ("ALLOWED_HOSTS", true),
                ("WORKERS", true),
                ("OPTIONAL", false)
            ]
        );
        let cmp: Vec<(&str, bool, &str)> = m
            .comparisons
            .iter()
            .map(|c| (c.name.as_str(), c.env, c.value.as_str()))
            .collect();
        assert_eq!(cmp, [("DB", false, "postgres"), ("USE_S3", true, "TRUE")]);
    }

    #[test]
    fn pydantic_settings_fields_are_environment_reads() {
        let m = summarize(
            "from pydantic import Field\nfrom pydantic_settings import BaseSettings, SettingsConfigDict\n\n\nclass Settings(BaseSettings):\n    app_name: str = 'Inventory'\n    admin_email: str\n    database_url: str = Field(..., alias='DB_DSN')\n    redis_url: str = Field(default='redis://localhost')\n    debug: bool = False\n\n    model_config = SettingsConfigDict(env_prefix='inv_', env_file='.env')\n\n    def url(self) -> str:\n        x: int = 1\n        return self.database_url\n\nsettings = Settings()\n",
        );
        let got: Vec<(&str, bool)> = m
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.required))
            .collect();
        assert_eq!(
            got,
            [
                ("INV_APP_NAME", false),
                ("INV_ADMIN_EMAIL", true),
                ("DB_DSN", true),
                ("INV_REDIS_URL", false),
                ("INV_DEBUG", false),
            ]
        );
        assert_eq!(m.env_reads[1].line, 7);
        // A class that is not a settings class contributes nothing.
        let m = summarize("class Item(BaseModel):\n    name: str\n");
        assert!(m.env_reads.is_empty());
    }

    #[test]
    fn project_env_helpers_and_their_calls() {
        let m = summarize(
            "import os\n\n\ndef env_str(name, default=_MISSING):\n    value = os.environ.get(name)\n    if value is None:\n        if default is _MISSING:\n            raise ImproperlyConfigured(name)\n        return default\n    return value\n\n\ndef env_bool(name, default):\n    return os.getenv(name, str(default)) == '1'\n\n\ndef unrelated(name):\n    return name.upper()\n",
        );
        let got: Vec<(&str, bool)> = m
            .env_helpers
            .iter()
            .map(|h| (h.name.as_str(), h.raises))
            .collect();
        assert_eq!(got, [("env_str", true), ("env_bool", false)]);
        let m = summarize(
            "SECRET_KEY = env_str('DJANGO_SECRET_KEY')\nDATABASES = {'default': {'HOST': env_str('PGHOST', 'localhost')}}\n",
        );
        let calls: Vec<(&str, &str, bool, Option<&str>)> = m
            .name_calls
            .iter()
            .map(|(c, r)| (c.as_str(), r.name.as_str(), r.has_default, r.key.as_deref()))
            .collect();
        assert_eq!(
            calls,
            [
                ("env_str", "DJANGO_SECRET_KEY", false, None),
                ("env_str", "PGHOST", true, Some("HOST"))
            ]
        );
    }

    /// (name, required, has_default, default) of every read.
    fn reads(src: &str) -> Vec<(String, bool, bool, Option<String>)> {
        summarize(src)
            .env_reads
            .into_iter()
            .map(|r| (r.name, r.required, r.has_default, r.default))
            .collect()
    }

    #[test]
    fn an_or_operand_is_a_default() {
        let got = reads(
            "import os\nMAIL_PORT = int(os.environ.get('MAIL_PORT') or 25)\nA = os.getenv('A') or 'x'\nB = int(os.getenv('B'))\n",
        );
        assert_eq!(
            got,
            [
                ("MAIL_PORT".into(), false, true, Some("25".into())),
                ("A".into(), false, true, Some("x".into())),
                ("B".into(), true, false, None),
            ]
        );
    }

    /// A store into the environment is no read; a conditional expression that checks the variable it
    /// reads makes the read optional (issue 17: both were made `${X:?}`-required).
    #[test]
    fn stores_and_self_checking_conditional_expressions_need_nothing() {
        let src = "import os\nos.environ['OMP_THREAD_LIMIT'] = '1'\nos.environ['A'] == 'x'\n\
                   APPS = os.getenv('APPS').split(',') if os.getenv('APPS') else []\n\
                   B = os.environ['B'] if DEBUG else None\n";
        let m = summarize(src);
        let got: Vec<(&str, bool, bool)> = m
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.required, r.guarded))
            .collect();
        assert_eq!(
            got,
            [
                ("A", true, false),
                ("APPS", false, true),
                ("APPS", false, true),
                // Checked is DEBUG, not B: B stays needed.
                ("B", true, false),
            ]
        );
    }

    #[test]
    fn reads_under_a_check_that_the_variable_is_set_are_optional() {
        let src = "import os\nif 'CSP_DEFAULT_SRC' in os.environ:\n    CSP_DEFAULT_SRC = os.environ['CSP_DEFAULT_SRC'].split(',')\n    CSP_REPORT_URI = os.environ['CSP_REPORT_URI']\nelse:\n    CSP_SCRIPT_SRC = os.environ['CSP_SCRIPT_SRC']\nif os.getenv('SENTRY_DSN'):\n    init(dsn=os.environ['SENTRY_DSN'])\nX = os.environ['X'] if 'X' in os.environ else None\ntry:\n    TOKEN = os.environ['TOKEN']\nexcept KeyError:\n    TOKEN = None\ntry:\n    KEY = os.environ['KEY']\nexcept ValueError:\n    pass\nLATER = os.environ['CSP_DEFAULT_SRC']\n";
        let m = summarize(src);
        let got: Vec<(&str, bool, bool)> = m
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.required, r.guarded))
            .collect();
        assert_eq!(
            got,
            [
                ("CSP_DEFAULT_SRC", false, true),
                // Needed only by those who set CSP_DEFAULT_SRC.
                ("CSP_REPORT_URI", false, true),
                // The else branch is not checked.
                ("CSP_SCRIPT_SRC", true, false),
                ("SENTRY_DSN", false, false),
                ("SENTRY_DSN", false, true),
                ("X", false, true),
                ("TOKEN", false, true),
                // A ValueError handler does not catch a missing variable.
                ("KEY", true, false),
                // Outside the if again.
                ("CSP_DEFAULT_SRC", true, false),
            ]
        );
    }

    #[test]
    fn only_the_process_environment_is_read() {
        let src = "import os\nfrom os import environ as env_map\n\ndef application(environ, start_response):\n    path = environ['PATH_INFO']\n    auth = request.environ.get('HTTP_AUTHORIZATION')\n    name = environ.get('SCRIPT_NAME')\n    host = request.META['HTTP_HOST']\n    return os.environ['APP_MODE']\n";
        let names: Vec<String> = reads(src).into_iter().map(|r| r.0).collect();
        assert_eq!(names, ["APP_MODE"]);
        let names: Vec<String> =
            reads("from os import environ, getenv\nA = environ['A']\nB = getenv('B')\n")
                .into_iter()
                .map(|r| r.0)
                .collect();
        assert_eq!(names, ["A", "B"]);
    }

    #[test]
    fn a_helper_s_own_default_parameter_counts() {
        let m = summarize(
            "import os\n\ndef envsecret(name, default=None):\n    path = os.environ.get(name + '_FILE')\n    if path and not os.path.exists(path):\n        raise ValueError(path)\n    return os.environ.get(name, default)\n\ndef must(name, default=None):\n    value = os.environ.get(name, default)\n    if value is None:\n        raise RuntimeError(name)\n    return value\n\ndef envbool(name, default=False):\n    return os.environ.get(name, str(default)).lower() in ('true', '1', 'yes')\n\ndef envint(name, default=0):\n    return int(os.environ.get(name, default))\n",
        );
        let got: Vec<(&str, bool, Option<EnvType>)> = m
            .env_helpers
            .iter()
            .map(|h| (h.name.as_str(), h.fails_without_default, h.kind.clone()))
            .collect();
        assert_eq!(
            got,
            [
                // It raises, but for a bad file, not for a missing variable: its default applies.
                ("envsecret", false, None),
                ("must", true, None),
                (
                    "envbool",
                    false,
                    Some(EnvType::Bool {
                        on: Some("true".into())
                    })
                ),
                ("envint", false, Some(EnvType::Int)),
            ]
        );
    }

    #[test]
    fn the_type_the_code_parses_a_value_as() {
        let m = summarize(
            "import os\nimport environ\nenv = environ.Env()\nfrom decouple import config, Csv\nA = os.getenv('A', 'False').lower() in ('true', '1')\nB = int(os.getenv('B', '8'))\nC = os.getenv('C', 'a,b').split(',')\nD = os.getenv('D', 'https://example.com')\nE = env.bool('E', default=False)\nF = config('F', cast=int, default=3)\nG = config('G', cast=Csv(), default='')\nH = os.getenv('H', 'info')\nif os.getenv('MODE') == 'fast':\n    pass\nI = os.getenv('I') in ('red', 'green')\n",
        );
        let got: Vec<(&str, Option<EnvType>)> = m
            .env_reads
            .iter()
            .map(|r| (r.name.as_str(), r.kind.clone()))
            .collect();
        let list = |s: &str| {
            Some(EnvType::List {
                separator: s.into(),
            })
        };
        assert_eq!(
            got,
            [
                (
                    "A",
                    Some(EnvType::Bool {
                        on: Some("true".into())
                    })
                ),
                ("B", Some(EnvType::Int)),
                ("C", list(",")),
                ("D", Some(EnvType::Url)),
                ("E", Some(EnvType::Bool { on: None })),
                ("F", Some(EnvType::Int)),
                ("G", list(",")),
                ("H", None),
                (
                    "MODE",
                    Some(EnvType::Choice {
                        values: vec!["fast".into()]
                    })
                ),
                (
                    "I",
                    Some(EnvType::Choice {
                        values: vec!["red".into(), "green".into()]
                    })
                ),
            ]
        );
    }

    #[test]
    fn flask_prefixed_env_and_config_keys() {
        let m = summarize(
            "def create_app():\n    app = Flask(__name__)\n    app.config.from_mapping(\n        CELERY=dict(broker_url='redis://localhost', task_ignore_result=True),\n        SQLALCHEMY_DATABASE_URI='sqlite:///orders.db',\n        DATABASE='dbname=flaskr',\n    )\n    app.config.from_prefixed_env()\n",
        );
        assert_eq!(m.prefixed_env, Some((None, 8)));
        let keys: Vec<(&str, Option<&str>, Option<&str>)> = m
            .config_keys
            .iter()
            .map(|c| (c.key.as_str(), c.nested.as_deref(), c.default.as_deref()))
            .collect();
        assert_eq!(
            keys,
            [
                ("CELERY", Some("broker_url"), Some("redis://localhost")),
                ("CELERY", Some("task_ignore_result"), None),
                ("CELERY", None, None),
                ("SQLALCHEMY_DATABASE_URI", None, Some("sqlite:///orders.db")),
                ("DATABASE", None, Some("dbname=flaskr")),
            ]
        );
    }
}
